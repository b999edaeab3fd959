/*
 * The sbcd context: everything the daemon's subsystems share, created in
 * b2b_init() and torn down in reverse order by b2b_uninit().  It is passed
 * explicitly (to ctl handlers as their ctx), never reached through a global.
 *
 * Everything here is owned and used by the thread running the su_root.
 */
#ifndef SBC_SBCD_H
#define SBC_SBCD_H

#include <stdbool.h>
#include <time.h>

#include <sofia-sip/su_wait.h>

#include "cfg.h"
#include "version.h"

struct store;
struct b2b_acl;
struct ctl_registry;
struct ctl_server;
struct b2b_sip;
struct b2b_calls;
struct b2b_auth;
struct b2b_registrar;
struct b2b_gw_monitor;
struct b2b_media;
struct b2b_messages;
struct store_writer;

struct b2b_ctx {
	const struct cfg *cfg;
	su_root_t *root;
	struct store *store;
	struct store_writer *store_writer;	/* call records (store_writer.h) */
	struct b2b_acl *acl;		/* trusted peers, from the store */
	struct ctl_registry *ctl_reg;
	struct b2b_calls *calls;	/* calls table (call.h) */
	struct b2b_auth *auth;		/* digest nonces (auth.h) */
	struct b2b_registrar *reg;	/* bindings (registrar.h) */
	struct b2b_sip *sip;		/* one nua per realm (sip.h) */
	struct b2b_media *media;	/* flow table, media ports (call_media.h) */
	struct b2b_gw_monitor *gwmon;	/* gateway OPTIONS pings (gw_monitor.h) */
	struct b2b_messages *messages;	/* MESSAGE relays (message.h) */
	su_timer_t *credit_ckpt;	/* prepaid checkpoints (credit_checkpoint.h) */
	int store_lock;			/* flock: one sbcd per store, or -1 */
	struct ctl_server *ctl;
	int sig_fd;			/* signalfd for SIGTERM, SIGINT, SIGHUP */
	su_wait_t sig_wait;
	int sig_index;			/* su_root registration, 0 = none */
	struct timespec started;	/* CLOCK_MONOTONIC */
	time_t started_wall;
	int exit_signal;		/* signal that stopped the loop, or 0 */
};

/**
 * b2b_init - open the store, register the control commands, bind the SIP
 * transports, listen on the control socket and arrange for SIGTERM/SIGINT
 * to stop the loop
 * @ctx: zeroed context with @cfg set
 *
 * On failure everything already set up is undone and the reason logged.
 *
 * @return 0 or a negative errno.
 */
int b2b_init(struct b2b_ctx *ctx, const struct cfg *cfg);

/* b2b_run - run the event loop until a stop signal; @return 0. */
int b2b_run(struct b2b_ctx *ctx);

/* b2b_uninit - undo b2b_init(), in reverse order; safe on a partial init. */
void b2b_uninit(struct b2b_ctx *ctx);

/**
 * b2b_status_register - register sbc.status, sbc.version and log.level
 * @return 0 or a negative errno of ctl_registry_add().
 */
int b2b_status_register(struct b2b_ctx *ctx);

#endif
