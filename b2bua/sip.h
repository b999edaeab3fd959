/*
 * SIP transports: one Sofia-SIP user agent (nua) per realm, all on the
 * daemon's su_root, bound to the realm's listen sockets.  Every nua event
 * of every realm arrives in one callback (sip.c), which hands call events
 * to the call core (call*.c).
 *
 * Binding: nua 1.12 binds what NUTAG_URL and NUTAG_SIPS_URL name (each
 * passed to nta_agent_add_tport(); nua_get_agent() is not exported, so no
 * further socket can be added afterwards).  A realm's sockets are grouped
 * by address and port: a udp and a tcp socket on the same address and
 * port become one URL without a transport parameter (nta binds both), a
 * lone one "sip:ADDR:PORT;transport=udp|tcp".  At most two such groups per
 * realm can be bound; more, or any tls socket, refuses the start with a
 * clear error.
 */
#ifndef SBC_SIP_H
#define SBC_SIP_H

#include <stdbool.h>

#include <sofia-sip/nua.h>

#include "cfg.h"

struct b2b_ctx;

/* A realm's user agent.  nua_create() gets it as its magic. */
struct b2b_dialplan;

struct b2b_sip_realm {
	struct b2b_ctx *ctx;
	const struct cfg_realm *cfg;
	struct b2b_dialplan *dialplan;	/* numbers dialled from this realm */
	nua_t *nua;
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
 * @return 0; -ENOTSUP (a tls socket, or more than two address groups in a
 * realm; logged); -EADDRNOTAVAIL / -EIO (a socket could not be bound;
 * logged); -ENOMEM.
 */
int b2b_sip_init(struct b2b_ctx *ctx);

/**
 * b2b_sip_uninit - end the calls still up (BYE/CANCEL, CDRs written),
 * then shut every nua down and destroy it.  Waits on the loop for at most
 * about two seconds per step; safe on a partial init.
 */
void b2b_sip_uninit(struct b2b_ctx *ctx);

/* b2b_sip_realm - the user agent of realm @name, or NULL. */
struct b2b_sip_realm *b2b_sip_realm(struct b2b_ctx *ctx, const char *name);

/**
 * b2b_sip_wait - run the loop until @done(@arg) is true or @ms elapse
 * @return true when @done became true.
 */
bool b2b_sip_wait(struct b2b_ctx *ctx, bool (*done)(void *arg), void *arg,
		  unsigned ms);

#endif
