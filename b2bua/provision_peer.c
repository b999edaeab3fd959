/*
 * Trusted-peer commands: peer add, peer del, show peers (peer.add,
 * peer.del, peer.list).  A change is committed to the store first, then
 * the in-memory table (ctx->acl) is reloaded from it, so the table never
 * trusts a peer the store does not hold.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "acl.h"
#include "log.h"
#include "provision_pvt.h"

#define PEER_NAME_CHARS "abcdefghijklmnopqrstuvwxyz" \
	"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-"

static const char *const name_pos[] = { "name", NULL };
static const char *const peer_opts[] = {
	"realm", "cidr", "port", "transport", "max_calls", "max_cps",
	"callerid_trusted", "pai_mode", NULL
};

static json_t *peer_json(const void *rec)
{
	const struct store_peer *p = rec;

	return json_pack("{s:s, s:s, s:s, s:I, s:s, s:I, s:I, s:b, s:s}",
			 "name", p->name, "realm", p->realm, "cidr", p->cidr,
			 "port", (json_int_t)p->port, "transport", p->transport,
			 "max_calls", (json_int_t)p->max_calls,
			 "max_cps", (json_int_t)p->max_cps,
			 "callerid_trusted", (int)p->callerid_trusted,
			 "pai_mode", p->pai_mode);
}

/* the peer's name: [A-Za-z0-9._-], as it shows up in tables and CDRs */
static int name_get(const json_t *args, char *buf, size_t size,
		    struct ctl_reply *rep)
{
	int rc = b2b_prov_text(args, "name", true, buf, size, rep);

	if (rc == 0 && buf[strspn(buf, PEER_NAME_CHARS)] != '\0')
		return b2b_prov_bad(rep, "bad peer name '%s': use letters, digits, '.', '_' and '-'",
				    buf);
	return rc;
}

/* cidr, stored in canonical form ("10.1.2.3/24" -> "10.1.2.0/24") */
static int cidr_get(const json_t *args, struct store_peer *p,
		    struct ctl_reply *rep)
{
	struct b2b_cidr net;
	const char *s;
	int rc = b2b_prov_str(args, "cidr", true, &s, rep);

	if (rc < 0)
		return rc;
	if (b2b_cidr_parse(s, &net) < 0)
		return b2b_prov_bad(rep, "bad cidr '%s': expected ADDRESS or ADDRESS/BITS (IPv4 or IPv6)",
				    s);
	return b2b_cidr_format(&net, p->cidr, sizeof(p->cidr));
}

/* one of the NULL-terminated @choices into @buf (its size >= each choice) */
static int choice_get(const json_t *args, const char *key,
		      const char *const *choices, const char *text, char *buf,
		      struct ctl_reply *rep)
{
	const char *s = NULL;
	int rc = b2b_prov_str(args, key, false, &s, rep);

	if (rc < 0 || !s)
		return rc;
	for (; *choices; choices++) {
		if (strcmp(s, *choices) == 0) {
			strcpy(buf, s);
			return 0;
		}
	}
	return b2b_prov_bad(rep, "%s must be %s", key, text);
}

static int peer_from_args(const struct b2b_ctx *ctx, const json_t *args,
			  struct store_peer *p, struct ctl_reply *rep)
{
	static const char *const transports[] = { "udp", "tcp", "tls", NULL };
	static const char *const pai_modes[] = { "pai", "rpid", NULL };
	uint32_t port = 0;
	int rc;

	rc = name_get(args, p->name, sizeof(p->name), rep);
	if (rc == 0)
		rc = b2b_prov_realm(ctx, args, "realm", true, p->realm,
				    sizeof(p->realm), rep);
	if (rc == 0)
		rc = cidr_get(args, p, rep);
	if (rc == 0)
		rc = b2b_prov_u32(args, "port", UINT16_MAX, &port, rep);
	if (rc == 0)
		rc = choice_get(args, "transport", transports,
				"udp, tcp or tls", p->transport, rep);
	if (rc == 0)
		rc = b2b_prov_u32(args, "max_calls", UINT32_MAX, &p->max_calls,
				  rep);
	if (rc == 0)
		rc = b2b_prov_u32(args, "max_cps", UINT32_MAX, &p->max_cps,
				  rep);
	if (rc == 0)
		rc = b2b_prov_bool(args, "callerid_trusted",
				   &p->callerid_trusted, rep);
	if (rc == 0)
		rc = choice_get(args, "pai_mode", pai_modes, "pai or rpid",
				p->pai_mode, rep);
	p->port = port;
	return rc;
}

/* after a committed change: the table follows the store */
static int acl_reload(struct b2b_ctx *ctx, const char *name,
		      struct ctl_reply *rep)
{
	int rc = b2b_acl_load(ctx->acl, ctx->store);

	if (rc == 0)
		return 0;
	log_err("peer %s saved, but the trusted-peer table was not reloaded: %s",
		name, strerror(-rc));
	ctl_reply_error(rep, CTL_ERR_FAILED,
			"peer %s saved, but the trusted-peer table was not reloaded: %s",
			name, strerror(-rc));
	return rc;
}

static int peer_add(struct b2b_ctx *ctx, const struct store_peer *p,
		    struct ctl_reply *rep)
{
	struct store_txn *txn = store_txn_begin(ctx->store, true);
	struct store_peer old;
	char what[sizeof(p->name) + 8];
	int rc;

	if (!txn)
		return -errno;
	rc = store_peer_get(txn, p->name, &old);
	if (rc == 0) {
		store_txn_abort(txn);
		return ctl_reply_error(rep, CTL_ERR_FAILED,
			"peer %s exists; delete it first to change it", p->name);
	}
	if (rc == -ENOENT)
		rc = store_peer_put(txn, p);
	if (rc < 0) {
		store_txn_abort(txn);
		return rc;
	}
	snprintf(what, sizeof(what), "peer %s", p->name);
	rc = b2b_prov_commit(txn, what, rep);
	if (rc == 0)
		rc = acl_reload(ctx, p->name, rep);
	if (rc < 0)
		return rc;
	log_notice("peer %s added: realm %s, %s port %u %s", p->name, p->realm,
		   p->cidr, p->port, p->transport);
	return ctl_reply_set_result(rep, peer_json(p));
}

static int peer_add_handler(void *arg, const json_t *params,
			    struct ctl_reply *rep)
{
	const struct b2b_prov_spec spec = { name_pos, NULL, peer_opts };
	struct b2b_ctx *ctx = arg;
	struct store_peer p = {
		.transport = "udp", .pai_mode = "pai",
	};
	json_t *args;
	int rc;

	rc = b2b_prov_args(params, &spec, rep, &args);
	if (rc < 0)
		return rc;
	rc = peer_from_args(ctx, args, &p, rep);
	if (rc == 0)
		rc = peer_add(ctx, &p, rep);
	json_decref(args);
	return rc;
}

static int peer_del(struct b2b_ctx *ctx, const char *name,
		    struct ctl_reply *rep)
{
	char what[STORE_NAME_MAX + 8];
	int rc;

	snprintf(what, sizeof(what), "peer %s", name);
	rc = b2b_prov_delete(ctx, store_peer_del, name, what, name, rep);
	return rc == 0 ? acl_reload(ctx, name, rep) : rc;
}

static int peer_del_handler(void *arg, const json_t *params,
			    struct ctl_reply *rep)
{
	return b2b_prov_one(arg, params, "name", true, peer_del, rep);
}

static int peer_list_handler(void *arg, const json_t *params,
			     struct ctl_reply *rep)
{
	(void)params;
	return b2b_prov_list(arg, STORE_DB_PEERS, peer_json, rep);
}

int b2b_prov_peer_register(struct b2b_ctx *ctx)
{
	const struct ctl_command cmds[] = {
		{ "peer.add", "peer add",
		  "NAME realm=REALM cidr=ADDR[/BITS] [port=N] "
		  "[transport=udp|tcp|tls] [max_calls=N] [max_cps=N] "
		  "[callerid_trusted=yes|no] [pai_mode=pai|rpid]",
		  "trust a carrier or PBX by source address; defaults: port 0 "
		  "(any), transport udp, limits 0 (none), callerid_trusted no, "
		  "pai_mode pai; refused if NAME exists",
		  3, 9, peer_add_handler, ctx },
		{ "peer.del", "peer del", "NAME",
		  "stop trusting a peer", 1, 1, peer_del_handler, ctx },
		{ "peer.list", "show peers", NULL,
		  "trusted peers", 0, 0, peer_list_handler, ctx },
	};

	return ctl_registry_add_all(ctx->ctl_reg, cmds,
				    sizeof(cmds) / sizeof(cmds[0]));
}
