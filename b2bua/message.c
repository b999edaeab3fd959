/*
 * SIP MESSAGE outside dialogs (RFC 3428): admission and relay of a
 * MESSAGE to a registered subscriber or a carrier gateway, the balance
 * service, and the notices sbcd sends to prepaid callers.  See message.h
 * for the policy and why it is a relay without failover.
 *
 * A relay is a slot of a fixed table allocated at start: the sender's
 * handle with its request saved (nua_save_event(), answered once the
 * target's final response is in) and the handle toward the target, whose
 * magic is the slot.  sip.c asks b2b_message_event() first, which knows
 * its handles by their magic pointing into the table.  A notice is a slot
 * without a sender.
 */
#include "message.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/sip_tag.h>
#include <sofia-sip/su_alloc.h>

#include "acl.h"
#include "call.h"
#include "callerid.h"
#include "dialplan.h"
#include "gw_monitor.h"
#include "hide.h"
#include "log.h"
#include "registrar.h"
#include "route.h"
#include "sbcd.h"
#include "sip.h"

/* Max-Forwards when the sender gave none (RFC 3261 section 8.1.1.6). */
#define DEFAULT_MAX_FORWARDS 70
#define NOTICE_TYPE "text/plain;charset=UTF-8"

/* One MESSAGE on its way: sender's side (none for a notice) and target's. */
struct relay {
	bool busy;
	nua_handle_t *in_nh;		/* the sender's, NULL for a notice */
	nua_saved_event_t saved[1];	/* the sender's request */
	bool has_saved;
	nua_handle_t *out_nh;		/* to the target; magic: this slot */
	char from[STORE_ID_MAX];	/* for the log line */
	char target[STORE_URI_MAX];
};

struct b2b_messages {
	struct b2b_ctx *ctx;
	struct relay *slots;
	unsigned n_slots, n_busy, next;
	char service_user[CFG_URI_MAX];	/* of message.service_uri, "" = none */
	char service_host[CFG_URI_MAX];
};

/* Who sent the MESSAGE. */
struct sender {
	const struct store_peer *peer;	/* trusted peer, or the account's */
	struct store_peer sub;
	struct store_account acct;
	bool account;			/* a subscriber, digest-authenticated */
};

/* Where it goes. */
struct target {
	struct b2b_sip_realm *realm;	/* whose nua sends */
	char uri[STORE_URI_MAX];	/* request-URI */
	char to[STORE_URI_MAX + 2];
	char proxy[STORE_URI_MAX];	/* next hop, "" = the request-URI */
	struct store_peer peer;		/* the egress, for caller-ID */
};

static struct relay *relay_new(struct b2b_messages *m)
{
	for (unsigned i = 0; i < m->n_slots; i++) {
		struct relay *r = &m->slots[(m->next + i) % m->n_slots];

		if (!r->busy) {
			m->next = (unsigned)(r - m->slots + 1) % m->n_slots;
			memset(r, 0, sizeof(*r));
			r->busy = true;
			m->n_busy++;
			return r;
		}
	}
	return NULL;
}

static void relay_free(struct b2b_messages *m, struct relay *r)
{
	if (r->has_saved)
		nua_destroy_event(r->saved);
	if (r->in_nh)
		nua_handle_destroy(r->in_nh);
	if (r->out_nh) {
		nua_handle_bind(r->out_nh, NULL);
		nua_handle_destroy(r->out_nh);
	}
	memset(r, 0, sizeof(*r));
	m->n_busy--;
}

static struct relay *relay_of(struct b2b_messages *m, void *hmagic)
{
	uintptr_t p = (uintptr_t)hmagic, lo = (uintptr_t)m->slots;

	if (!hmagic || p < lo || p >= lo + m->n_slots * sizeof(*m->slots) ||
	    (p - lo) % sizeof(*m->slots))
		return NULL;
	return (struct relay *)hmagic;
}

int b2b_message_init(struct b2b_ctx *ctx)
{
	const struct cfg_message *c = &ctx->cfg->message;
	struct b2b_messages *m = calloc(1, sizeof(*m));
	const char *at;

	if (!m)
		return -ENOMEM;
	m->ctx = ctx;
	m->n_slots = c->max_pending;
	m->slots = calloc(m->n_slots, sizeof(*m->slots));
	if (!m->slots) {
		free(m);
		return -ENOMEM;
	}
	/* cfg_check.c made sure it is sip:USER@HOST */
	at = strchr(c->service_uri, '@');
	if (at) {
		snprintf(m->service_user, sizeof(m->service_user), "%.*s",
			 (int)(at - c->service_uri - 4), c->service_uri + 4);
		snprintf(m->service_host, sizeof(m->service_host), "%s",
			 at + 1);
	}
	ctx->messages = m;
	return 0;
}

void b2b_message_uninit(struct b2b_ctx *ctx)
{
	struct b2b_messages *m = ctx->messages;

	if (!m)
		return;
	if (m->n_busy)
		log_notice("message: %u relay(s) pending at shutdown: 503",
			   m->n_busy);
	for (unsigned i = 0; i < m->n_slots; i++) {
		struct relay *r = &m->slots[i];

		if (!r->busy)
			continue;
		if (r->has_saved)
			nua_respond(r->in_nh, SIP_503_SERVICE_UNAVAILABLE,
				    NUTAG_WITH_SAVED(r->saved), TAG_END());
		relay_free(m, r);
	}
	free(m->slots);
	free(m);
	ctx->messages = NULL;
}

/* Answer the request being processed; @phrase is a literal. */
static void answer(struct b2b_sip_realm *realm, nua_handle_t *nh,
		   int status, const char *phrase)
{
	nua_respond(nh, status, phrase, NUTAG_WITH_THIS(realm->nua),
		    TAG_IF(status == 503,
			   SIPTAG_RETRY_AFTER_STR(B2B_RETRY_AFTER_STR)),
		    TAG_END());
}

/*
 * The admission of an initial request (call_a.c): a trusted peer by its
 * address, else a subscriber by digest where the realm takes them.
 * Returns 0, or -1 when the sender was answered.
 */
static int admit(struct b2b_sip_realm *realm, nua_handle_t *nh,
		 sip_t const *sip, struct sender *s)
{
	struct b2b_ctx *ctx = realm->ctx;
	const struct sockaddr *src;
	enum cfg_transport tp;
	int rc;

	if (b2b_sip_request_source(realm, &src, &tp) == 0 && ctx->acl)
		s->peer = b2b_acl_match(ctx->acl, realm->cfg->name, src, tp);
	if (s->peer)
		return 0;
	rc = b2b_subscriber_auth(realm, nh, sip, &s->acct);
	if (rc == -EACCES)
		return -1;
	if (rc == 0 && s->acct.blocked) {
		log_notice("%s: MESSAGE from blocked account %s refused",
			   realm->cfg->name, s->acct.id);
		answer(realm, nh, 403, "Forbidden: account blocked");
		return -1;
	}
	if (rc == 0) {
		b2b_subscriber_peer(&s->acct, &s->sub);
		s->peer = &s->sub;
		s->account = true;
		return 0;
	}
	log_info("%s: MESSAGE from an untrusted source refused",
		 realm->cfg->name);
	answer(realm, nh, SIP_403_FORBIDDEN);
	return -1;
}

/* "host" or "[host]" for a URI. */
static const char *uri_host(const char *host, char *buf, size_t len)
{
	if (!strchr(host, ':'))
		return host;
	snprintf(buf, len, "[%s]", host);
	return buf;
}

/* Is @user a plain token that may appear in a URI we build? */
static bool user_ok(const char *user)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyz"
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-_.";

	return user && *user && strlen(user) < STORE_NAME_MAX &&
	       strspn(user, ok) == strlen(user);
}

/* A registered contact of @user (@host preferred) as the target. */
static bool target_registered(struct b2b_ctx *ctx, const url_t *ru,
			      struct target *t)
{
	struct b2b_reg_target rt;

	if (!user_ok(ru->url_user) ||
	    !b2b_registrar_lookup(ctx, ru->url_user, ru->url_host, &rt, 1))
		return false;
	t->realm = b2b_sip_realm(ctx, rt.realm);
	if (!t->realm)
		return false;
	snprintf(t->uri, sizeof(t->uri), "%s", rt.contact);
	snprintf(t->to, sizeof(t->to), "<sip:%s>", rt.aor);
	snprintf(t->proxy, sizeof(t->proxy), "%s", rt.proxy);
	snprintf(t->peer.name, sizeof(t->peer.name), "%.*s",
		 (int)sizeof(t->peer.name) - 1, rt.aor);
	snprintf(t->peer.realm, sizeof(t->peer.realm), "%s", rt.realm);
	return true;
}

/* Is user@host of the request-URI one of our accounts? */
static bool is_account(struct b2b_ctx *ctx, const url_t *ru)
{
	struct store_account a;
	char id[STORE_ID_MAX];
	struct store_txn *txn;
	int rc;

	if (!user_ok(ru->url_user) || !ru->url_host ||
	    (size_t)snprintf(id, sizeof(id), "%s@%s", ru->url_user,
			     ru->url_host) >= sizeof(id))
		return false;
	txn = store_txn_begin(ctx->store, false);
	if (!txn)
		return false;
	rc = store_account_get(txn, id, &a);
	store_txn_abort(txn);
	return rc == 0;
}

/* The first gateway of @route that is a known peer and not down. */
static int target_gateway(struct b2b_ctx *ctx, const struct store_route *route,
			  const char *number, struct target *t)
{
	char h[STORE_ADDR_MAX + 2];

	for (unsigned i = 0; i < route->n_gateways && i < STORE_ROUTE_GWS;
	     i++) {
		const struct store_peer *peer;
		struct sockaddr_storage ss;
		struct b2b_gateway gw;

		if (b2b_gateway_parse(route->gateways[i], &gw) < 0 ||
		    b2b_gateway_sockaddr(&gw, &ss) < 0 ||
		    gw.transport == CFG_TRANSPORT_TLS || !ctx->acl)
			continue;
		peer = b2b_acl_match(ctx->acl, NULL,
				     (const struct sockaddr *)&ss,
				     (enum cfg_transport)-1);
		if (!peer || !(t->realm = b2b_sip_realm(ctx, peer->realm)) ||
		    b2b_gw_is_down(ctx, &gw) ||
		    b2b_gateway_uri(&gw, number, t->uri, sizeof(t->uri)) < 0)
			continue;
		snprintf(t->to, sizeof(t->to), "<sip:%s@%s>", number,
			 uri_host(gw.host, h, sizeof(h)));
		t->peer = *peer;
		return 0;
	}
	return -ENOENT;
}

/*
 * The target of a MESSAGE that is no subscriber's: the request-URI user
 * through the ingress realm's dial plan, then, for a subscriber allowed to
 * reach that number (account_policy.h: PSTN access, barring), its route.
 * Returns 0 or the status of the answer sent.
 */
static int target_routed(struct b2b_sip_realm *realm, nua_handle_t *nh,
			 const url_t *ru, const struct sender *s,
			 struct target *t)
{
	char number[B2B_DIALPLAN_NUMBER_MAX + 1];
	struct store_route route;
	struct store_txn *txn;
	int rc;

	if (!ru->url_user || !*ru->url_user) {
		answer(realm, nh, 484, "Address Incomplete: no number");
		return 484;
	}
	rc = b2b_dialplan_apply(realm->dialplan, ru->url_user, number,
				sizeof(number));
	/* -ENOENT: no rule matched, the number is as dialled */
	if ((rc < 0 && rc != -ENOENT) || !b2b_number_valid(number)) {
		answer(realm, nh, SIP_404_NOT_FOUND);
		return 404;
	}
	if (s->account && b2b_acct_policy_barred(&s->acct, number)) {
		answer(realm, nh, 403, "Forbidden: destination barred");
		return 403;
	}
	if (s->account && s->acct.no_pstn) {
		answer(realm, nh, 403, "Forbidden: no PSTN access");
		return 403;
	}
	txn = store_txn_begin(realm->ctx->store, false);
	rc = txn ? b2b_route_lookup(txn, number, &route) : -EIO;
	store_txn_abort(txn);
	if (rc == -ENOENT) {
		answer(realm, nh, 404, "No Route");
		return 404;
	}
	if (rc < 0) {
		answer(realm, nh, SIP_500_INTERNAL_SERVER_ERROR);
		return 500;
	}
	if (target_gateway(realm->ctx, &route, number, t) < 0) {
		answer(realm, nh, 503, "No Gateway");
		return 503;
	}
	return 0;
}

/* The caller's From user if a plain token, else "anonymous". */
static const char *caller_user(const struct sender *s, sip_t const *sip)
{
	const char *user = sip->sip_from ? sip->sip_from->a_url->url_user :
					   NULL;

	if (s->account)
		return s->acct.user;
	return user_ok(user) ? user : "anonymous";
}

/*
 * Send the MESSAGE toward @t for relay @r: From and identity per
 * callerid.c, the allowed headers (body, Content-Type) per hide.c.
 */
static int relay_send(struct relay *r, const struct sender *s,
		      sip_t const *sip, const struct target *t, unsigned mf)
{
	su_home_t home[1] = { SU_HOME_INIT(home) };
	char from[STORE_URI_MAX], h[STORE_ADDR_MAX + 2], mfs[12];
	const char *host = uri_host(t->realm->cfg->listen[0].addr.text, h,
				    sizeof(h));
	struct b2b_cid_ingress in;
	struct b2b_cid_egress eg;
	struct b2b_cid *cid;
	tagi_t *tags = NULL, *allowed = b2b_hide_tags(home, sip);
	int rc = -ENOMEM;

	if (s->account)
		b2b_callerid_ingress_account(&s->acct, &in);
	else
		b2b_callerid_ingress_peer(s->peer, &in);
	b2b_callerid_egress_peer(&t->peer, &eg);
	cid = b2b_callerid_decide(home, sip, &in,
				  t->realm->ctx->sip->emergency);
	if (cid && allowed)
		tags = b2b_callerid_tags(home, cid, &eg, host, allowed);
	if (!tags || b2b_callerid_from(cid, caller_user(s, sip), host, from,
				       sizeof(from)) < 0)
		goto out;
	r->out_nh = nua_handle(t->realm->nua, (nua_hmagic_t *)r,
			       SIPTAG_TO_STR(t->to), SIPTAG_FROM_STR(from),
			       TAG_END());
	if (!r->out_nh)
		goto out;
	/* a subscriber is reached where its REGISTER came from (NAT) */
	if (t->proxy[0])
		nua_set_hparams(r->out_nh,
				NUTAG_PROXY(URL_STRING_MAKE(t->proxy)),
				TAG_END());
	snprintf(mfs, sizeof(mfs), "%u", mf);
	nua_message(r->out_nh, NUTAG_URL(t->uri), SIPTAG_MAX_FORWARDS_STR(mfs),
		    TAG_NEXT(tags));
	rc = 0;
out:
	su_home_deinit(home);
	return rc;
}

static bool is_service(const struct b2b_messages *m, const url_t *ru)
{
	return m->service_user[0] && ru->url_user && ru->url_host &&
	       !strcmp(ru->url_user, m->service_user) &&
	       !strcasecmp(ru->url_host, m->service_host);
}

/* The balance service: 200, then the answer as a MESSAGE of its own. */
static void service(struct b2b_sip_realm *realm, nua_handle_t *nh,
		    sip_t const *sip, const struct sender *s)
{
	struct b2b_ctx *ctx = realm->ctx;
	const struct cfg_message *c = &ctx->cfg->message;
	const struct store_account *a = &s->acct;
	char text[B2B_MESSAGE_TEXT_MAX];
	int64_t avail;
	int rc;

	if (!s->account) {
		answer(realm, nh, 403, "Forbidden: subscribers only");
		return;
	}
	if (sip->sip_payload &&
	    b2b_message_keyword(sip->sip_payload->pl_data,
				sip->sip_payload->pl_len, c->balance_keyword)) {
		avail = b2b_credit_available(a->balance,
			b2b_credit_reserved(ctx, a->id, NULL));
		rc = b2b_message_balance_text(text, sizeof(text), a->balance,
					      avail, a->currency);
	} else {
		rc = b2b_message_usage_text(text, sizeof(text),
					    c->balance_keyword, c->service_uri);
	}
	if (rc < 0) {
		answer(realm, nh, SIP_500_INTERNAL_SERVER_ERROR);
		return;
	}
	rc = b2b_message_notify(ctx, a->id, text);
	if (rc == -ENOENT) {
		answer(realm, nh, 480,
		       "Temporarily Unavailable: not registered");
		return;
	}
	if (rc < 0) {
		answer(realm, nh, rc == -EBUSY ? 503 : 500,
		       rc == -EBUSY ? "Busy" : "Server Internal Error");
		return;
	}
	log_info("message: balance of %s sent to %d contact(s)", a->id, rc);
	answer(realm, nh, SIP_200_OK);
}

/*
 * A MESSAGE outside any dialog, on the new handle @nh: 0 when a relay
 * took @nh, -1 when it was answered here (the caller destroys it).
 */
static int request(struct b2b_messages *m, struct b2b_sip_realm *realm,
		    nua_handle_t *nh, sip_t const *sip)
{
	const struct cfg_message *c = &m->ctx->cfg->message;
	const url_t *ru = sip->sip_request->rq_url;
	unsigned mf = sip->sip_max_forwards ?
		(unsigned)sip->sip_max_forwards->mf_count :
		DEFAULT_MAX_FORWARDS;
	struct target t = { 0 };
	struct sender s = { 0 };
	struct relay *r;
	int status;

	if (admit(realm, nh, sip, &s) < 0)
		return -1;
	status = b2b_message_body_status(sip->sip_content_type != NULL,
		sip->sip_payload ? sip->sip_payload->pl_len : 0, c->max_body);
	if (status == 413) {
		answer(realm, nh, 413, "Request Entity Too Large");
		return -1;
	}
	if (status) {
		answer(realm, nh, 400, "Body Without Content-Type");
		return -1;
	}
	/* RFC 3261 section 16.3 item 2, as for an INVITE */
	if (mf == 0) {
		answer(realm, nh, SIP_483_TOO_MANY_HOPS);
		return -1;
	}
	if (is_service(m, ru)) {
		service(realm, nh, sip, &s);
		return -1;
	}
	if (!target_registered(m->ctx, ru, &t)) {
		if (is_account(m->ctx, ru)) {
			answer(realm, nh, SIP_480_TEMPORARILY_UNAVAILABLE);
			return -1;
		}
		if (target_routed(realm, nh, ru, &s, &t))
			return -1;
	}
	r = relay_new(m);
	if (!r) {
		log_warn("%s: MESSAGE refused: %u relays pending",
			 realm->cfg->name, m->n_busy);
		answer(realm, nh, 503, "Too Many Messages");
		return -1;
	}
	if (nua_save_event(realm->nua, r->saved) < 1) {
		relay_free(m, r);
		answer(realm, nh, SIP_500_INTERNAL_SERVER_ERROR);
		return -1;
	}
	r->has_saved = true;
	r->in_nh = nh;
	snprintf(r->from, sizeof(r->from), "%s", s.peer->name);
	snprintf(r->target, sizeof(r->target), "%s", t.uri);
	if (relay_send(r, &s, sip, &t, mf - 1) < 0) {
		nua_respond(nh, SIP_500_INTERNAL_SERVER_ERROR,
			    NUTAG_WITH_SAVED(r->saved), TAG_END());
		relay_free(m, r);
	}
	return 0;
}

/* The target's response: its final one goes back to the sender. */
static void response(struct b2b_messages *m, struct relay *r, int status,
		     const char *phrase, sip_t const *sip)
{
	su_home_t home[1] = { SU_HOME_INIT(home) };
	tagi_t *tags;

	if (status < 200)
		return;
	if (r->has_saved) {
		tags = sip ? b2b_hide_tags(home, sip) : NULL;
		/* nua reads the phrase later: it lives in the handle's home
		 * until the handle is gone, after the response is sent */
		nua_respond(r->in_nh, status,
			    phrase ? su_strdup(nua_handle_home(r->in_nh),
					       phrase) : NULL,
			    NUTAG_WITH_SAVED(r->saved), TAG_NEXT(tags));
		log_info("message: from %s to %s: %d", r->from, r->target,
			 status);
	} else {
		log_info("message: notice to %s: %d", r->target, status);
	}
	su_home_deinit(home);
	relay_free(m, r);
}

bool b2b_message_event(struct b2b_sip_realm *realm, nua_event_t event,
		       int status, const char *phrase, nua_handle_t *nh,
		       void *hmagic, sip_t const *sip)
{
	struct b2b_messages *m = realm->ctx->messages;
	struct relay *r;

	if (!m)
		return false;
	if (event == nua_i_message && !hmagic) {
		/* nua answered it already (status >= 200) or sbcd does */
		if (status >= 200 || !sip || request(m, realm, nh, sip) < 0)
			nua_handle_destroy(nh);
		return true;
	}
	r = relay_of(m, hmagic);
	if (!r)
		return false;
	if (event == nua_r_message && r->busy && r->out_nh == nh)
		response(m, r, status, phrase, sip);
	return true;
}

/* Send @text to the registered contact @rt; 0 or a negative errno. */
static int notice_send(struct b2b_messages *m, const struct b2b_reg_target *rt,
		       const char *text)
{
	struct b2b_sip_realm *realm = b2b_sip_realm(m->ctx, rt->realm);
	const char *service = m->ctx->cfg->message.service_uri;
	char from[CFG_URI_MAX + 2], to[STORE_ID_MAX + 6], h[STORE_ADDR_MAX + 2];
	struct relay *r;

	if (!realm)
		return -ENOENT;
	r = relay_new(m);
	if (!r)
		return -EBUSY;
	if (*service)
		snprintf(from, sizeof(from), "<%s>", service);
	else
		snprintf(from, sizeof(from), "<sip:sbc@%s>",
			 uri_host(realm->cfg->listen[0].addr.text, h,
				  sizeof(h)));
	snprintf(to, sizeof(to), "<sip:%s>", rt->aor);
	r->out_nh = nua_handle(realm->nua, (nua_hmagic_t *)r,
			       SIPTAG_TO_STR(to), SIPTAG_FROM_STR(from),
			       TAG_END());
	if (!r->out_nh) {
		relay_free(m, r);
		return -ENOMEM;
	}
	snprintf(r->from, sizeof(r->from), "sbcd");
	snprintf(r->target, sizeof(r->target), "%s", rt->contact);
	nua_set_hparams(r->out_nh, NUTAG_PROXY(URL_STRING_MAKE(rt->proxy)),
			TAG_END());
	nua_message(r->out_nh, NUTAG_URL(rt->contact),
		    SIPTAG_CONTENT_TYPE_STR(NOTICE_TYPE),
		    SIPTAG_PAYLOAD_STR(text), TAG_END());
	return 0;
}

int b2b_message_notify(struct b2b_ctx *ctx, const char *account_id,
		       const char *text)
{
	struct b2b_messages *m = ctx->messages;
	struct b2b_reg_target rt[B2B_REG_TARGETS];
	char user[STORE_ID_MAX];
	const char *at = strchr(account_id, '@');
	unsigned n;
	int sent = 0, rc = -ENOENT;

	if (!m || !*text || strlen(text) > ctx->cfg->message.max_body)
		return -EINVAL;
	if (!at || (size_t)(at - account_id) >= sizeof(user))
		return -ENOENT;
	snprintf(user, sizeof(user), "%.*s", (int)(at - account_id),
		 account_id);
	n = b2b_registrar_lookup(ctx, user, at + 1, rt, B2B_REG_TARGETS);
	for (unsigned i = 0; i < n; i++) {
		/* the lookup falls back to other domains: this AOR only */
		if (strcmp(rt[i].aor, account_id))
			continue;
		rc = notice_send(m, &rt[i], text);
		if (rc == 0)
			sent++;
	}
	return sent ? sent : rc;
}

void b2b_message_credit_notice(struct b2b_call *call, enum b2b_notice what,
			       uint32_t seconds)
{
	const struct cfg_message *c = &call->ctx->cfg->message;
	char text[B2B_MESSAGE_TEXT_MAX];
	bool on = what == B2B_NOTICE_REFUSED ? c->notify_refused :
		  what == B2B_NOTICE_WARNING ? c->notify_before > 0 :
		  c->notify_cutoff;
	int rc;

	if (!on || !call->account[0])
		return;
	rc = b2b_message_notice_text(text, sizeof(text), what, call->number,
				     seconds);
	if (rc == 0)
		rc = b2b_message_notify(call->ctx, call->account, text);
	if (rc < 0)
		log_info("call %s: notice to %s not sent: %s", call->id,
			 call->account, strerror(-rc));
}

static void on_warning(su_root_magic_t *magic, su_timer_t *t,
		       su_timer_arg_t *arg)
{
	struct b2b_call *call = (struct b2b_call *)arg;
	uint32_t before = call->ctx->cfg->message.notify_before;

	(void)magic;
	(void)t;
	b2b_message_credit_stop(call);
	if (!call->ended)
		b2b_message_credit_notice(call, B2B_NOTICE_WARNING, before);
}

void b2b_message_credit_answered(struct b2b_call *call)
{
	struct b2b_call_credit *cr = &call->credit;
	uint32_t before = call->ctx->cfg->message.notify_before;
	su_duration_t ms;

	if (!before || call->ended || !cr->prepaid || cr->max_s == UINT32_MAX ||
	    cr->max_s <= before || cr->notice)
		return;
	ms = (su_duration_t)(cr->max_s - before) * 1000;
	cr->notice = su_timer_create(su_root_task(call->ctx->root), 0);
	if (!cr->notice ||
	    su_timer_set_interval(cr->notice, on_warning,
				  (su_timer_arg_t *)call, ms) < 0) {
		log_warn("call %s: no credit warning timer", call->id);
		b2b_message_credit_stop(call);
	}
}

void b2b_message_credit_stop(struct b2b_call *call)
{
	if (call->credit.notice) {
		su_timer_destroy(call->credit.notice);
		call->credit.notice = NULL;
	}
}
