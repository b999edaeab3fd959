/*
 * Route commands: route add, route del, route show (route.add, route.del,
 * route.list).  PREFIX is what route.h matches: digits with an optional
 * leading '+' ("+" alone covers every number in international form), or
 * the word "default" for the default route (stored as the empty prefix).
 * route add replaces a route of the same prefix as a whole: a route is one
 * ordered gateway list, and replacing it in one transaction never leaves a
 * half-edited list that calls could take.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "provision_pvt.h"
#include "route.h"

#define DEFAULT_WORD "default"

static const char *const prefix_pos[] = { "prefix", NULL };

/* the prefix as operators see it: "" is "default" */
static const char *prefix_text(const char *prefix)
{
	return *prefix ? prefix : DEFAULT_WORD;
}

static json_t *route_json(const void *rec)
{
	const struct store_route *r = rec;
	json_t *gws = json_array();

	for (uint32_t i = 0; gws && i < r->n_gateways; i++) {
		if (json_array_append_new(gws, json_string(r->gateways[i])) < 0) {
			json_decref(gws);
			return NULL;
		}
	}
	return json_pack("{s:s, s:o}", "prefix", prefix_text(r->prefix),
			 "gateways", gws);
}

/* @obj with @key set to @v; both released and NULL returned on failure */
static json_t *member_add(json_t *obj, const char *key, json_t *v)
{
	if (!obj) {
		json_decref(v);
		return NULL;
	}
	if (json_object_set_new(obj, key, v) < 0) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

/* PREFIX: "default", "+" or b2b_number_valid(); "" for default */
static int prefix_parse(const char *s, char *buf, size_t size,
			struct ctl_reply *rep)
{
	if (strcmp(s, DEFAULT_WORD) == 0)
		s = "";
	else if (strcmp(s, "+") != 0 && !b2b_number_valid(s))
		return b2b_prov_bad(rep, "bad prefix '%s': expected digits with an optional leading '+' (at most %d characters), or 'default'",
				    s, STORE_PREFIX_MAX - 1);
	snprintf(buf, size, "%s", s);
	return 0;
}

/* the gateways argument: 1..STORE_ROUTE_GWS texts b2b_gateway_parse() takes */
static int gateways_get(const json_t *args, struct store_route *r,
			struct ctl_reply *rep)
{
	const json_t *gws = json_object_get(args, "gateways");
	struct b2b_gateway gw;
	const json_t *v;
	size_t i;

	if (json_array_size(gws) == 0)
		return b2b_prov_bad(rep, "missing gateways");
	if (json_array_size(gws) > STORE_ROUTE_GWS)
		return b2b_prov_bad(rep, "too many gateways (at most %d)",
				    STORE_ROUTE_GWS);
	json_array_foreach(gws, i, v) {
		const char *s = json_string_value(v);

		if (strlen(s) >= STORE_GW_MAX || b2b_gateway_parse(s, &gw) < 0)
			return b2b_prov_bad(rep, "bad gateway %zu '%s': expected IPV4[:PORT][;udp|tcp|tls] or [IPV6][:PORT][;udp|tcp|tls]",
					    i + 1, s);
		strcpy(r->gateways[i], s);
	}
	r->n_gateways = (uint32_t)json_array_size(gws);
	return 0;
}

static int route_put(struct b2b_ctx *ctx, const struct store_route *r,
		     struct ctl_reply *rep)
{
	struct store_txn *txn = store_txn_begin(ctx->store, true);
	struct store_route old;
	char what[STORE_PREFIX_MAX + 8];
	bool replaced;
	int rc;

	if (!txn)
		return -errno;
	/* a corrupt old record (-EPROTO) is replaced too: that repairs it */
	rc = store_route_get(txn, r->prefix, &old);
	replaced = rc != -ENOENT;
	if (rc == 0 || rc == -ENOENT || rc == -EPROTO)
		rc = store_route_put(txn, r);
	if (rc < 0) {
		store_txn_abort(txn);
		return rc;
	}
	snprintf(what, sizeof(what), "route %s", prefix_text(r->prefix));
	rc = b2b_prov_commit(txn, what, rep);
	if (rc < 0)
		return rc;
	log_notice("%s %s: %u gateway(s)", what,
		   replaced ? "replaced" : "added", r->n_gateways);
	return ctl_reply_set_result(rep, member_add(route_json(r), "replaced",
						    json_boolean(replaced)));
}

static int route_add_handler(void *arg, const json_t *params,
			     struct ctl_reply *rep)
{
	const struct b2b_prov_spec spec = { prefix_pos, "gateways", NULL };
	struct store_route r = { 0 };
	const char *prefix;
	json_t *args;
	int rc;

	rc = b2b_prov_args(params, &spec, rep, &args);
	if (rc < 0)
		return rc;
	rc = b2b_prov_str(args, "prefix", true, &prefix, rep);
	if (rc == 0)
		rc = prefix_parse(prefix, r.prefix, sizeof(r.prefix), rep);
	if (rc == 0)
		rc = gateways_get(args, &r, rep);
	if (rc == 0)
		rc = route_put(arg, &r, rep);
	json_decref(args);
	return rc;
}

static int route_del(struct b2b_ctx *ctx, const char *text,
		     struct ctl_reply *rep)
{
	char prefix[STORE_PREFIX_MAX], what[STORE_PREFIX_MAX + 8];
	int rc = prefix_parse(text, prefix, sizeof(prefix), rep);

	if (rc < 0)
		return rc;
	snprintf(what, sizeof(what), "route %s", prefix_text(prefix));
	return b2b_prov_delete(ctx, store_route_del, prefix, what,
			       prefix_text(prefix), rep);
}

static int route_del_handler(void *arg, const json_t *params,
			     struct ctl_reply *rep)
{
	return b2b_prov_one(arg, params, "prefix", true, route_del, rep);
}

/* route show NUMBER: the route b2b_route_lookup() picks */
static int route_pick(struct b2b_ctx *ctx, const char *number,
		      struct ctl_reply *rep)
{
	struct store_txn *txn;
	struct store_route r;
	int rc;

	if (!b2b_number_valid(number))
		return b2b_prov_bad(rep, "bad number '%s': expected digits with an optional leading '+' (at most %d characters)",
				    number, STORE_PREFIX_MAX - 1);
	txn = store_txn_begin(ctx->store, false);
	if (!txn)
		return -errno;
	rc = b2b_route_lookup(txn, number, &r);
	store_txn_abort(txn);
	if (rc == -ENOENT)
		return ctl_reply_error(rep, CTL_ERR_NOT_FOUND,
				       "no route for %s: no prefix of it and no default route",
				       number);
	if (rc < 0)
		return rc;
	return ctl_reply_set_result(rep, member_add(route_json(&r), "number",
						    json_string(number)));
}

/* route show [NUMBER] */
static int route_show(struct b2b_ctx *ctx, const char *number,
		      struct ctl_reply *rep)
{
	if (number)
		return route_pick(ctx, number, rep);
	return b2b_prov_list(ctx, STORE_DB_ROUTES, route_json, rep);
}

static int route_list_handler(void *arg, const json_t *params,
			      struct ctl_reply *rep)
{
	return b2b_prov_one(arg, params, "number", false, route_show, rep);
}

int b2b_prov_route_register(struct b2b_ctx *ctx)
{
	const struct ctl_command cmds[] = {
		{ "route.add", "route add",
		  "PREFIX|default GATEWAY [GATEWAY...]",
		  "route numbers starting with PREFIX ('+' included) to "
		  "gateways IP[:PORT][;udp|tcp|tls], tried in order; "
		  "replaces a route of that prefix",
		  2, 1 + STORE_ROUTE_GWS, route_add_handler, ctx },
		{ "route.del", "route del", "PREFIX|default",
		  "delete the route of PREFIX", 1, 1, route_del_handler, ctx },
		{ "route.list", "route show", "[NUMBER]",
		  "all routes, or the route a call to NUMBER takes "
		  "(longest prefix, then default)",
		  0, 1, route_list_handler, ctx },
	};

	return ctl_registry_add_all(ctx->ctl_reg, cmds,
				    sizeof(cmds) / sizeof(cmds[0]));
}
