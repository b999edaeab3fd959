/*
 * DOC: Subscribers: registrar and digest admission
 *
 * sbcd is the registrar of its subscribers (struct store_account).
 *
 * Where: a realm takes subscribers when its configuration says
 * subscribers = true (cfg.h); an account names its realm, or none to
 * register on every such realm.  On other realms (a carrier realm)
 * REGISTER, INVITE and MESSAGE from sources that are no trusted peer get a
 * flat 403, never a challenge, and no account may name them.
 *
 * Who: the AOR is the To URI's user@host and must be an account id; the
 * digest realm is its domain (provision_account.c stores HA1 with it).
 * The authenticated username must be the AOR's user (RFC 3261 section
 * 10.3 step 4), else 403.  Calls from subscribers are authenticated with
 * the From host as digest realm (407, RFC 3261 section 22.3).
 *
 * Bindings (RFC 3261 section 10.3): one struct store_registration per
 * contact, persisted in the store (so they survive a restart) and kept in
 * memory (a table hashed by the AOR's user part) for lookups and the
 * expiry sweep.  Each records where the REGISTER really came from (source
 * address, port, transport): behind NAT the Contact names a private
 * address, so requests to the subscriber go to that source (as their next
 * hop, NUTAG_PROXY) with the Contact as request-URI.
 *
 * Calls to subscribers: the request-URI user U is looked up among the
 * registered AORs: U@host of the request-URI first, else the AORs whose
 * user part is U (the first in key order); its live contacts, latest
 * expiry first, are INVITEd all at once (the contacts' realm has forking =
 * "parallel", call_fork.h) or one after the other, instead of a route.  A
 * user without a live binding is routed as a number.
 *
 * Everything runs on the su_root thread.
 */
#ifndef SBC_REGISTRAR_H
#define SBC_REGISTRAR_H

#include <stdbool.h>

#include <sofia-sip/nua.h>

#include "cfg.h"
#include "store.h"

struct b2b_ctx;
struct b2b_call;
struct b2b_sip_realm;
struct b2b_gateway;

/* How often expired bindings are removed, ms. */
#define B2B_REG_SWEEP_MS 2000

/* Contacts of one AOR tried by a call, at most. */
#define B2B_REG_TARGETS 4

/* A registered contact a call to its subscriber is sent to. */
struct b2b_reg_target {
	char aor[STORE_ID_MAX];
	char contact[STORE_URI_MAX];	/* the request-URI */
	char proxy[STORE_URI_MAX];	/* next hop: where REGISTER came from */
	char hop[STORE_GW_MAX];		/* the same as "addr:port;transport" */
	char realm[CFG_NAME_MAX];	/* whose nua sends */
};

/* registrar.c ------------------------------------------------------------- */

/**
 * b2b_registrar_init - the subscriber side: digest state (ctx->auth), the
 * bindings loaded from the store (expired ones dropped), the expiry sweep
 * timer and the commands reg.list ("show registrations") and reg.del
 * @ctx: context with cfg, root, store and ctl_reg set up
 *
 * @return 0, -ENOMEM, -EIO, errors of the store or of ctl_registry_add().
 */
int b2b_registrar_init(struct b2b_ctx *ctx);

/* b2b_registrar_uninit - stop the sweep, free the table; safe when partial. */
void b2b_registrar_uninit(struct b2b_ctx *ctx);

/**
 * b2b_registrar_request - answer a REGISTER (nua_i_register) on the new
 * handle @nh, which is destroyed afterwards
 */
void b2b_registrar_request(struct b2b_sip_realm *realm, nua_handle_t *nh,
			   sip_t const *sip);

/**
 * b2b_registrar_realm_open - may subscribers use realm @name?  Its
 * subscribers setting; false for an unknown realm.
 */
bool b2b_registrar_realm_open(struct b2b_ctx *ctx, const char *name);

/**
 * b2b_registrar_lookup - the live contacts a call to @user goes to
 * @host: the request-URI host, preferred as the AOR's domain; may be NULL
 * @out: up to @max targets, latest expiry (freshest refresh) first
 *
 * @return the number of targets (0: @user is not registered).
 */
unsigned b2b_registrar_lookup(struct b2b_ctx *ctx, const char *user,
			      const char *host, struct b2b_reg_target *out,
			      unsigned max);

/* subscriber.c ------------------------------------------------------------ */

/**
 * b2b_subscriber_auth - digest-authenticate a request from a source that
 * is no trusted peer
 * @realm: where it arrived
 * @nh: its handle; when the request is answered here the caller still
 *	destroys it
 * @sip: the request; REGISTER is challenged with 401/WWW-Authenticate and
 *	the To host as digest realm, others with 407/Proxy-Authenticate and
 *	the From host
 * @acct: the authenticated account
 *
 * Answers a challenge (SHA-256 then MD5; stale=true for an old nonce),
 * 403 after a wrong response, an unknown user, a REGISTER of a blocked
 * account or one of another realm, or 400 for malformed credentials (a
 * blocked account's calls are refused later, by account_policy.h).
 *
 * @return 0 (authenticated, nothing sent); -EACCES (answered here);
 * -EPERM (@realm takes no subscribers: nothing sent).
 */
int b2b_subscriber_auth(struct b2b_sip_realm *realm, nua_handle_t *nh,
			sip_t const *sip, struct store_account *acct);

/**
 * b2b_subscriber_targets - make a call to a registered subscriber go to
 * its contacts: fills call->targets, call->gateways (their hops) and
 * call->number from the request-URI user
 *
 * @return 0; -ENOENT (not a registered user: route it as a number);
 * -ENOMEM.
 */
int b2b_subscriber_targets(struct b2b_call *call, sip_t const *sip);

/**
 * b2b_subscriber_peer - an authenticated account as the ingress "peer" of
 * its calls: named after the account id (cut to fit), never caller-ID
 * trusted; its max_calls is account_policy.h's, not a peer limit
 */
void b2b_subscriber_peer(const struct store_account *acct,
			 struct store_peer *out);

/**
 * b2b_subscriber_hop - target @i of @call as leg B sees a gateway: its
 * next hop in @gw, a peer record named after the AOR (never caller-ID
 * trusted) and the realm whose nua sends
 *
 * @return 0, or -ENOENT (the realm or the address is unusable; logged).
 */
int b2b_subscriber_hop(struct b2b_call *call, unsigned i,
		       struct b2b_gateway *gw, struct store_peer *peer,
		       struct b2b_sip_realm **realm);

#endif
