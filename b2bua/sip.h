/*
 * SIP transports: one Sofia-SIP user agent (nua) per realm, all on the
 * daemon's su_root, bound to the realm's listen sockets.  Every nua event
 * of every realm arrives in one callback (sip.c), which hands call events
 * to the call core (call*.c).
 *
 * Binding (sip_transport.h): a realm's sockets are grouped by address and
 * port into at most two URLs, NUTAG_URL and NUTAG_SIPS_URL, the only ones
 * nua 1.12 binds; the configuration check refuses more.  A realm with a
 * tls socket gets its certificate through a private directory and every
 * TLS context a TLS 1.2 minimum (sip_tls.h).  Outgoing TLS (a gateway or
 * contact with transport tls) leaves from the egress realm's tls socket,
 * so that realm must have one.
 */
#ifndef SBC_SIP_H
#define SBC_SIP_H

#include <stdbool.h>

#include <sofia-sip/nua.h>

#include "cfg.h"

struct b2b_ctx;
struct sockaddr;

/* A realm's user agent.  nua_create() gets it as its magic. */
struct b2b_dialplan;

struct b2b_sip_realm {
	struct b2b_ctx *ctx;
	const struct cfg_realm *cfg;
	struct b2b_dialplan *dialplan;	/* numbers dialled from this realm */
	nua_t *nua;
	bool tls;			/* has a tls socket: can reach TLS peers */
	bool shut_down;			/* nua_r_shutdown reported done */
};

struct b2b_sip {
	struct b2b_sip_realm realms[CFG_MAX_REALMS];
	unsigned n_realms;
	/* cfg->emergency as the NULL-terminated list callerid.c takes */
	const char *emergency[CFG_MAX_EMERGENCY + 1];
};

/**
 * b2b_sip_init - create and bind one nua per configured realm
 * @ctx: context with root, store, acl and calls set up
 *
 * @return 0; -ENOTSUP (more than two address groups in a realm; logged);
 * -EADDRNOTAVAIL / -EIO (a socket could not be bound; logged); -EINVAL
 * and file errors of b2b_tls_dir_make() (TLS certificate or key; logged);
 * -ENOMEM.
 */
int b2b_sip_init(struct b2b_ctx *ctx);

/**
 * b2b_sip_uninit - end the calls still up (BYE/CANCEL, CDRs written),
 * then shut every nua down and destroy it.  Waits on the loop for at most
 * about two seconds per step; safe on a partial init.
 */
void b2b_sip_uninit(struct b2b_ctx *ctx);

/**
 * b2b_sip_request_source - where the request @realm's nua is delivering
 * now came from: its source address and transport (tls told from tcp by
 * the top Via, which Sofia checks against the connection)
 * @return 0, or -EINVAL when the message has no address.
 */
int b2b_sip_request_source(struct b2b_sip_realm *realm,
			   const struct sockaddr **src, enum cfg_transport *tp);

/* b2b_sip_realm - the user agent of realm @name, or NULL. */
struct b2b_sip_realm *b2b_sip_realm(struct b2b_ctx *ctx, const char *name);

/**
 * b2b_sip_wait - run the loop until @done(@arg) is true or @ms elapse
 * @return true when @done became true.
 */
bool b2b_sip_wait(struct b2b_ctx *ctx, bool (*done)(void *arg), void *arg,
		  unsigned ms);

#endif
