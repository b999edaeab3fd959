/*
 * Provisioning: the operator's control commands for the store's trusted
 * peers, routes and subscriber accounts (sbcctl peer add/del, show peers,
 * route add/del/show, account add/del/passwd, show accounts), and the
 * trusted-peer table (ctx->acl) they keep in step with the store.
 *
 * Each command is one store write transaction.  Account passwords are
 * turned into HA1 digests at once and are never stored, logged, or echoed
 * in a reply or an error.
 */
#ifndef SBC_PROVISION_H
#define SBC_PROVISION_H

#include "sbcd.h"

/**
 * b2b_provision_init - load the trusted peers and register the commands
 * @ctx: context with cfg, store and ctl_reg set up
 *
 * Creates ctx->acl and loads it from ctx->store, then registers peer.add,
 * peer.del, peer.list, route.add, route.del, route.list, account.add,
 * account.del, account.passwd and account.list in ctx->ctl_reg.  On
 * failure ctx->acl is freed again; commands already registered stay in
 * the registry (whose owner is about to free it).
 *
 * @return 0, -ENOMEM, errors of b2b_acl_load() (-EPROTO, -EAGAIN, -EIO) or
 * of ctl_registry_add() (-EEXIST when another subsystem took a method or
 * words).
 */
int b2b_provision_init(struct b2b_ctx *ctx);

/**
 * b2b_provision_uninit - free ctx->acl and set it to NULL
 *
 * Call it once no command can run any more (control socket closed), before
 * the registry is freed.  Safe on a partial or no init.
 */
void b2b_provision_uninit(struct b2b_ctx *ctx);

#endif
