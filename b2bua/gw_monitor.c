/*
 * Gateway monitoring with OPTIONS pings (RFC 3261 section 11.1): the
 * gateways named by the stored routes, one probe per gateway per round
 * from the realm of the peer that contains it, the up/down state of each
 * (gw_health.c) and gw.list (show gateways).  See gw_monitor.h for the
 * rules.
 */
#include "gw_monitor.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_tag.h>

#include "acl.h"
#include "call.h"
#include "ctl_registry.h"
#include "log.h"
#include "route.h"
#include "sbcd.h"
#include "sip.h"
#include "store.h"

struct gw_entry {
	struct b2b_gateway gw;
	char text[STORE_GW_MAX];	/* as the first route naming it wrote it */
	char realm[CFG_NAME_MAX];	/* probing realm, "" when not probed */
	struct b2b_gw_health health;
	nua_handle_t *probe;		/* OPTIONS in flight, or NULL */
	bool seen;			/* named by a route this round */
};

struct b2b_gw_monitor {
	struct b2b_ctx *ctx;
	su_timer_t *timer;
	struct gw_entry *gws;
	unsigned n, cap;
};

static bool gw_same(const struct b2b_gateway *a, const struct b2b_gateway *b)
{
	return a->port == b->port && a->transport == b->transport &&
	       !strcmp(a->host, b->host);
}

static struct gw_entry *gw_find(struct b2b_gw_monitor *mon,
				const struct b2b_gateway *gw)
{
	for (unsigned i = 0; i < mon->n; i++)
		if (gw_same(&mon->gws[i].gw, gw))
			return &mon->gws[i];
	return NULL;
}

static void probe_drop(struct gw_entry *e)
{
	if (e->probe) {
		nua_handle_destroy(e->probe);
		e->probe = NULL;
	}
}

static void health_note(struct gw_entry *e, int status)
{
	if (!b2b_gw_health_update(&e->health, status, b2b_now_ms()))
		return;
	if (e->health.down)
		log_notice("gateway %s (realm %s) is down: %u failed probes, "
			   "last %d", e->text, e->realm, e->health.fails,
			   status);
	else
		log_notice("gateway %s (realm %s) is up again: answered %d",
			   e->text, e->realm, status);
}

/* store_foreach() callback: mark the route's gateways seen, add new ones. */
static int route_gateways(const void *rec, void *arg)
{
	const struct store_route *r = rec;
	struct b2b_gw_monitor *mon = arg;

	for (uint32_t i = 0; i < r->n_gateways && i < STORE_ROUTE_GWS; i++) {
		struct b2b_gateway gw;
		struct gw_entry *e;

		if (b2b_gateway_parse(r->gateways[i], &gw) < 0)
			continue;
		e = gw_find(mon, &gw);
		if (!e) {
			if (mon->n == mon->cap) {
				unsigned cap = mon->cap ? 2 * mon->cap : 16;
				struct gw_entry *gws = realloc(mon->gws,
							cap * sizeof(*gws));

				if (!gws)
					return -ENOMEM;
				mon->gws = gws;
				mon->cap = cap;
			}
			e = &mon->gws[mon->n++];
			memset(e, 0, sizeof(*e));
			e->gw = gw;
			snprintf(e->text, sizeof(e->text), "%s", r->gateways[i]);
			b2b_gw_health_init(&e->health, b2b_now_ms());
		}
		e->seen = true;
	}
	return 0;
}

/* The set of gateways from the stored routes; the old set stays on error. */
static void gateways_reload(struct b2b_gw_monitor *mon)
{
	struct store_txn *txn = store_txn_begin(mon->ctx->store, false);
	unsigned n = 0;
	int rc;

	if (!txn) {
		log_warn("gateway monitor: store: %s", strerror(errno));
		return;
	}
	for (unsigned i = 0; i < mon->n; i++)
		mon->gws[i].seen = false;
	rc = store_foreach(txn, STORE_DB_ROUTES, route_gateways, mon);
	store_txn_abort(txn);
	if (rc < 0) {
		log_warn("gateway monitor: routes: %s", strerror(-rc));
		return;
	}
	for (unsigned i = 0; i < mon->n; i++) {
		if (!mon->gws[i].seen) {
			probe_drop(&mon->gws[i]);
			continue;
		}
		if (n != i)
			mon->gws[n] = mon->gws[i];
		n++;
	}
	mon->n = n;
}

/* The realm whose nua probes @e: the realm of the peer containing it. */
static struct b2b_sip_realm *probe_realm(struct b2b_ctx *ctx,
					 struct gw_entry *e)
{
	struct sockaddr_storage ss;
	const struct store_peer *peer;
	struct b2b_sip_realm *realm;

	e->realm[0] = '\0';
	if (!ctx->acl || b2b_gateway_sockaddr(&e->gw, &ss) < 0)
		return NULL;
	peer = b2b_acl_match(ctx->acl, NULL, (const struct sockaddr *)&ss,
			     (enum cfg_transport)-1);
	realm = peer ? b2b_sip_realm(ctx, peer->realm) : NULL;
	/* TLS leaves from the realm's tls socket (sip.h) */
	if (realm && e->gw.transport == CFG_TRANSPORT_TLS && !realm->tls)
		realm = NULL;
	if (realm)
		snprintf(e->realm, sizeof(e->realm), "%s", realm->cfg->name);
	return realm;
}

static void probe_send(struct b2b_ctx *ctx, struct gw_entry *e)
{
	struct b2b_sip_realm *realm = probe_realm(ctx, e);
	char uri[STORE_URI_MAX], to[STORE_URI_MAX + 2];

	if (!realm || b2b_gateway_uri(&e->gw, NULL, uri, sizeof(uri)) < 0)
		return;
	snprintf(to, sizeof(to), "<%s>", uri);
	e->probe = nua_handle(realm->nua, NULL, SIPTAG_TO_STR(to), TAG_END());
	if (!e->probe) {
		log_warn("gateway %s: no handle for OPTIONS", e->text);
		return;
	}
	nua_options(e->probe, NUTAG_URL(uri), TAG_END());
}

static void on_round(su_root_magic_t *magic, su_timer_t *t,
		     su_timer_arg_t *arg)
{
	struct b2b_gw_monitor *mon = (struct b2b_gw_monitor *)arg;

	(void)magic;
	(void)t;
	/* A probe unanswered for a whole interval is a failure. */
	for (unsigned i = 0; i < mon->n; i++) {
		if (mon->gws[i].probe) {
			probe_drop(&mon->gws[i]);
			health_note(&mon->gws[i], 408);
		}
	}
	gateways_reload(mon);
	for (unsigned i = 0; i < mon->n; i++)
		probe_send(mon->ctx, &mon->gws[i]);
}

void b2b_gw_monitor_response(struct b2b_ctx *ctx, nua_handle_t *nh,
			     int status)
{
	struct b2b_gw_monitor *mon = ctx->gwmon;

	if (status < 200)
		return;
	for (unsigned i = 0; mon && i < mon->n; i++) {
		if (mon->gws[i].probe == nh) {
			probe_drop(&mon->gws[i]);
			health_note(&mon->gws[i], status);
			return;
		}
	}
}

bool b2b_gw_is_down(struct b2b_ctx *ctx, const struct b2b_gateway *gw)
{
	struct gw_entry *e = ctx->gwmon ? gw_find(ctx->gwmon, gw) : NULL;

	return e && e->health.down;
}

static int list_handler(void *arg, const json_t *params, struct ctl_reply *rep)
{
	struct b2b_gw_monitor *mon = ((struct b2b_ctx *)arg)->gwmon;
	json_t *out = json_array();

	(void)params;
	for (unsigned i = 0; out && mon && i < mon->n; i++) {
		const struct gw_entry *e = &mon->gws[i];

		json_array_append_new(out, json_pack(
			"{s:s, s:s, s:s, s:i, s:I, s:i}",
			"gateway", e->text,
			"realm", e->realm[0] ? e->realm : "-",
			"state", !e->realm[0] ? "unprobed" :
				 e->health.down ? "down" : "up",
			"last_status", e->health.last_status,
			"changed_ms", (json_int_t)e->health.changed_ms,
			"failures", (int)e->health.fails));
	}
	return ctl_reply_set_result(rep, out);
}

int b2b_gw_monitor_init(struct b2b_ctx *ctx)
{
	const struct ctl_command cmd = {
		"gw.list", "show gateways", NULL,
		"the route gateways with their OPTIONS ping state "
		"(up, down, or unprobed: in no peer, or tls from a realm "
		"without a tls socket)",
		0, 0, list_handler, ctx,
	};
	struct b2b_gw_monitor *mon = calloc(1, sizeof(*mon));
	int rc;

	if (!mon)
		return -ENOMEM;
	mon->ctx = ctx;
	if (ctx->cfg->timers.gateway_ping == 0)
		goto registered;
	mon->timer = su_timer_create(su_root_task(ctx->root),
				     ctx->cfg->timers.gateway_ping * 1000);
	if (!mon->timer || su_timer_run(mon->timer, on_round,
					(su_timer_arg_t *)mon) < 0) {
		su_timer_destroy(mon->timer);
		free(mon);
		return -ENOMEM;
	}
registered:
	ctx->gwmon = mon;
	rc = ctl_registry_add(ctx->ctl_reg, &cmd);
	if (rc < 0)
		b2b_gw_monitor_uninit(ctx);
	return rc;
}

void b2b_gw_monitor_uninit(struct b2b_ctx *ctx)
{
	struct b2b_gw_monitor *mon = ctx->gwmon;

	if (!mon)
		return;
	su_timer_destroy(mon->timer);
	for (unsigned i = 0; i < mon->n; i++)
		probe_drop(&mon->gws[i]);
	free(mon->gws);
	free(mon);
	ctx->gwmon = NULL;
}
