/*
 * Subscribers on the SIP side: digest admission of REGISTER (401,
 * RFC 3261 section 22.2) and of calls (407, section 22.3) with the
 * digest module (auth.c), and the contacts a call to a registered
 * subscriber is sent to.  RFC 3261 section 22.4 / RFC 7616 section 3.4.6:
 * the digest "uri" must be the request-URI.  A request whose credentials
 * are wrong is answered 403 and not challenged again, so a phone with a
 * wrong password stops instead of looping.
 */
#include "registrar.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/sip_tag.h>
#include <sofia-sip/su_alloc.h>

#include "auth.h"
#include "call.h"
#include "log.h"
#include "route.h"
#include "sbcd.h"
#include "sip.h"

/* Is @user a plain token that may appear in a URI we build? */
static bool user_ok(const char *user, size_t len)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyz"
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-_.";

	return user && *user && strlen(user) < len &&
	       strspn(user, ok) == strlen(user);
}

/*
 * The account behind @c, if it may use @realm; HA1 for @c's algorithm.  A
 * blocked account may not register; its calls authenticate, so that
 * account_policy.h refuses them with a reason and a CDR.
 */
static const char *account_ha1(struct b2b_ctx *ctx, const char *realm,
			       const struct b2b_auth_creds *c, bool reg,
			       struct store_account *acct)
{
	char id[STORE_ID_MAX];
	struct store_txn *txn;
	int rc;

	if ((size_t)snprintf(id, sizeof(id), "%s@%s", c->username,
			     c->realm) >= sizeof(id))
		return NULL;
	txn = store_txn_begin(ctx->store, false);
	if (!txn)
		return NULL;
	rc = store_account_get(txn, id, acct);
	store_txn_abort(txn);
	if (rc < 0 || (reg && acct->blocked) ||
	    (acct->realm[0] && strcmp(acct->realm, realm)))
		return NULL;
	return c->sha256 ? acct->ha1_sha256 : acct->ha1_md5;
}

/*
 * 401/407 with a SHA-256 and an MD5 challenge, in that order; with the
 * realm's digest = "md5", the MD5 one alone (some phones, e.g. baresip
 * 1.0.0 on libre 1.1.0, give up at a SHA-256 challenge instead of taking
 * the next one, as RFC 7616 section 3.7 says they should).
 */
static void challenge(struct b2b_sip_realm *realm, nua_handle_t *nh,
		      bool reg, const char *domain, bool stale)
{
	struct b2b_auth *auth = realm->ctx->auth;
	char c256[B2B_AUTH_CHALLENGE_MAX], cmd5[B2B_AUTH_CHALLENGE_MAX];
	bool sha256 = realm->cfg->digest != CFG_DIGEST_MD5;

	if ((sha256 && b2b_auth_challenge(auth, domain, true, stale, c256,
					  sizeof(c256)) < 0) ||
	    b2b_auth_challenge(auth, domain, false, stale, cmd5,
			       sizeof(cmd5)) < 0) {
		nua_respond(nh, 400, "Bad Domain", NUTAG_WITH_THIS(realm->nua),
			    TAG_END());
		return;
	}
	if (reg)
		nua_respond(nh, SIP_401_UNAUTHORIZED,
			    NUTAG_WITH_THIS(realm->nua),
			    TAG_IF(sha256, SIPTAG_WWW_AUTHENTICATE_STR(c256)),
			    SIPTAG_WWW_AUTHENTICATE_STR(cmd5), TAG_END());
	else
		nua_respond(nh, SIP_407_PROXY_AUTH_REQUIRED,
			    NUTAG_WITH_THIS(realm->nua),
			    TAG_IF(sha256, SIPTAG_PROXY_AUTHENTICATE_STR(c256)),
			    SIPTAG_PROXY_AUTHENTICATE_STR(cmd5), TAG_END());
}

/* Does the digest uri name the request-URI? */
static bool uri_matches(const char *uri, sip_t const *sip)
{
	su_home_t home[1] = { SU_HOME_INIT(home) };
	url_t *u = url_make(home, uri);
	bool ok = u && !url_cmp(u, sip->sip_request->rq_url);

	su_home_deinit(home);
	return ok;
}

int b2b_subscriber_auth(struct b2b_sip_realm *realm, nua_handle_t *nh,
			sip_t const *sip, struct store_account *acct)
{
	struct b2b_ctx *ctx = realm->ctx;
	bool reg = sip->sip_request->rq_method == sip_method_register;
	const sip_addr_t *who = reg ? sip->sip_to : sip->sip_from;
	const char *domain = who ? who->a_url->url_host : NULL;
	const char *method = sip->sip_request->rq_method_name;
	struct b2b_auth_creds c;
	enum b2b_auth_result res;
	const char *ha1;

	if (!b2b_registrar_realm_open(ctx, realm->cfg->name))
		return -EPERM;
	if (!domain || strlen(domain) >= STORE_ID_MAX) {
		nua_respond(nh, 400, "Bad Address", NUTAG_WITH_THIS(realm->nua),
			    TAG_END());
		return -EACCES;
	}
	res = b2b_auth_parse(reg ? sip->sip_authorization :
			     sip->sip_proxy_authorization, domain, &c);
	if (res == B2B_AUTH_OK && !uri_matches(c.uri, sip))
		res = B2B_AUTH_MALFORMED;
	if (res == B2B_AUTH_OK) {
		ha1 = account_ha1(ctx, realm->cfg->name, &c, reg, acct);
		res = b2b_auth_verify(ctx->auth, &c, method, ha1);
	}
	switch (res) {
	case B2B_AUTH_OK:
		return 0;
	case B2B_AUTH_NONE:
	case B2B_AUTH_STALE:
		challenge(realm, nh, reg, domain, res == B2B_AUTH_STALE);
		break;
	case B2B_AUTH_FAILED:
		log_notice("%s: %s from %s@%s: authentication failed",
			   realm->cfg->name, method, c.username, domain);
		nua_respond(nh, SIP_403_FORBIDDEN, NUTAG_WITH_THIS(realm->nua),
			    TAG_END());
		break;
	case B2B_AUTH_MALFORMED:
		nua_respond(nh, 400, "Bad Credentials",
			    NUTAG_WITH_THIS(realm->nua), TAG_END());
		break;
	}
	return -EACCES;
}

int b2b_subscriber_targets(struct b2b_call *call, sip_t const *sip)
{
	const url_t *ru = sip->sip_request->rq_url;
	struct b2b_reg_target t[B2B_REG_TARGETS];
	unsigned n;

	if (!user_ok(ru->url_user, sizeof(call->number)))
		return -ENOENT;
	n = b2b_registrar_lookup(call->ctx, ru->url_user, ru->url_host, t,
				 B2B_REG_TARGETS);
	if (!n)
		return -ENOENT;
	call->targets = su_alloc(call->home, n * sizeof(*t));
	if (!call->targets)
		return -ENOMEM;
	memcpy(call->targets, t, n * sizeof(*t));
	if (b2b_call_gateways(call, n) < 0)
		return -ENOMEM;
	for (unsigned i = 0; i < n; i++)
		snprintf(call->gateways[i], sizeof(call->gateways[i]), "%s",
			 t[i].hop);
	snprintf(call->number, sizeof(call->number), "%s", ru->url_user);
	log_info("call %s: to subscriber %s, %u contact(s)", call->id,
		 t[0].aor, n);
	return 0;
}

void b2b_subscriber_peer(const struct store_account *acct,
			 struct store_peer *out)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%.*s",
		 (int)sizeof(out->name) - 1, acct->id);
	snprintf(out->realm, sizeof(out->realm), "%s", acct->realm);
}

int b2b_subscriber_hop(struct b2b_call *call, unsigned i,
		       struct b2b_gateway *gw, struct store_peer *peer,
		       struct b2b_sip_realm **realm)
{
	const struct b2b_reg_target *t = &call->targets[i];

	*realm = b2b_sip_realm(call->ctx, t->realm);
	if (!*realm || b2b_gateway_parse(t->hop, gw) < 0) {
		log_warn("call %s: contact %s of %s: no realm or address: "
			 "skipped", call->id, t->contact, t->aor);
		return -ENOENT;
	}
	memset(peer, 0, sizeof(*peer));
	snprintf(peer->name, sizeof(peer->name), "%.*s",
		 (int)sizeof(peer->name) - 1, t->aor);
	snprintf(peer->realm, sizeof(peer->realm), "%s", t->realm);
	return 0;
}
