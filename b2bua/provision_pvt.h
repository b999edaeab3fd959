/*
 * Shared by the provisioning files (provision*.c): turning a command's
 * params into named arguments and checking them, one function per kind of
 * value, each answering a bad value with CTL_ERR_INVALID_PARAMS and a
 * message naming the argument.
 *
 * Params come in two forms (docs/CONTROL.md): sbcctl's array of strings,
 * positional ones first, then KEY=VALUE options ("peer add gw1
 * realm=carrier cidr=10.0.0.0/8"), or another client's object of named
 * params ({"name": "gw1", "realm": "carrier", "port": 5060}).
 * b2b_prov_args() turns either into one object, so handlers read both the
 * same way.  Error messages quote option names and argument positions but
 * never the text of an argument that could be a password.
 */
#ifndef SBC_PROVISION_PVT_H
#define SBC_PROVISION_PVT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctl_registry.h"
#include "sbcd.h"
#include "store.h"

/* How a command names its params. */
struct b2b_prov_spec {
	const char *const *pos;		/* positional names, NULL-terminated */
	const char *rest;		/* name of the array that collects the
					 * positional params after @pos, or NULL */
	const char *const *opts;	/* KEY of KEY=VALUE options,
					 * NULL-terminated, or NULL */
};

/**
 * b2b_prov_args - a command's params as one object of named arguments
 * @params: the handler's params (array or object)
 * @spec: the names
 * @rep: receives the error for bad params
 * @out: the new object (the caller releases it), NULL on error
 *
 * Array elements must be strings; past @spec->pos they are collected into
 * @spec->rest, or else must be KEY=VALUE with KEY in @spec->opts, each
 * KEY at most once.  An object may only have keys named in @spec; its
 * @spec->rest member may be one string or an array of strings.
 *
 * @return 0, -EINVAL (error set in @rep), -ENOMEM.
 */
int b2b_prov_args(const json_t *params, const struct b2b_prov_spec *spec,
		  struct ctl_reply *rep, json_t **out);

/**
 * b2b_prov_bad - set a CTL_ERR_INVALID_PARAMS error in @rep
 * @return -EINVAL, for "return b2b_prov_bad(rep, ...);"
 */
int b2b_prov_bad(struct ctl_reply *rep, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Argument getters.  An absent optional argument leaves *@out as it was
 * (the caller's default) and returns 0; an absent required one, or one of
 * the wrong type or out of range, sets an error in @rep and returns
 * -EINVAL.
 */

/* b2b_prov_str - a string, borrowed from @args */
int b2b_prov_str(const json_t *args, const char *key, bool required,
		 const char **out, struct ctl_reply *rep);

/* b2b_prov_text - a string copied to @buf[@size]: no control characters,
 * not too long, not empty when @required */
int b2b_prov_text(const json_t *args, const char *key, bool required,
		  char *buf, size_t size, struct ctl_reply *rep);

/* b2b_prov_u32 - 0..@max, as a decimal string or a JSON integer */
int b2b_prov_u32(const json_t *args, const char *key, uint32_t max,
		 uint32_t *out, struct ctl_reply *rep);

/* b2b_prov_bool - "yes" or "no", or a JSON boolean */
int b2b_prov_bool(const json_t *args, const char *key, bool *out,
		  struct ctl_reply *rep);

/* b2b_prov_realm - as b2b_prov_text(), and a realm of ctx->cfg if set */
int b2b_prov_realm(const struct b2b_ctx *ctx, const json_t *args,
		   const char *key, bool required, char *buf, size_t size,
		   struct ctl_reply *rep);

/**
 * b2b_prov_commit - commit a provisioning change, or report why not
 * @txn: the write transaction, freed
 * @what: the record, for the log and the error ("peer gw1")
 *
 * @return 0, or the error of store_txn_commit() with a CTL_ERR_FAILED
 * message ("store full" for -ENOSPC) set in @rep.
 */
int b2b_prov_commit(struct store_txn *txn, const char *what,
		    struct ctl_reply *rep);

/**
 * b2b_prov_one - run @fn on the one string argument of a command
 * @ctx: the handler's ctx
 * @params: the handler's params: [VALUE] or {"@key": VALUE}
 * @key: the argument's name
 * @required: false lets @fn run with NULL when it is absent
 * @fn: the command, on the value borrowed from @params
 *
 * @return what @fn returns, or an error of b2b_prov_args()/b2b_prov_str().
 */
int b2b_prov_one(void *ctx, const json_t *params, const char *key,
		 bool required,
		 int (*fn)(struct b2b_ctx *ctx, const char *value,
			   struct ctl_reply *rep),
		 struct ctl_reply *rep);

/**
 * b2b_prov_delete - delete one record in a write transaction of its own
 * @del: store_peer_del, store_route_del or store_account_del
 * @key: the record's key
 * @what: the record in messages ("peer gw1", "route default")
 * @shown: the key as the operator names it, for the result
 *
 * On success "@what deleted" is logged and the result is
 * {"deleted": @shown}.
 *
 * @return 0; -ENOENT with CTL_ERR_NOT_FOUND "no @what" set when there is no
 * such record (also for a key too long or empty to be one); errors of
 * store_txn_begin(), @del and b2b_prov_commit().
 */
int b2b_prov_delete(struct b2b_ctx *ctx,
		    int (*del)(struct store_txn *txn, const char *key),
		    const char *key, const char *what, const char *shown,
		    struct ctl_reply *rep);

/**
 * b2b_prov_list - reply with an array of @to_json(record), one per record
 * of @db in key order, read in one snapshot
 *
 * @return 0, -ENOMEM, errors of store_txn_begin() and store_foreach().
 */
int b2b_prov_list(struct b2b_ctx *ctx, enum store_db db,
		  json_t *(*to_json)(const void *rec), struct ctl_reply *rep);


/**
 * b2b_prov_account_policy - the policy options of account add/set
 * (quota_min, max_duration_s, blocked, pstn, barred, in_reject, in_accept,
 * in_hours; provision_policy.c) from @args into @a; absent ones are kept
 * @return 0 or -EINVAL (error set in @rep).
 */
int b2b_prov_account_policy(const json_t *args, struct store_account *a,
			    struct ctl_reply *rep);

/**
 * b2b_prov_account_policy_json - add @a's policy fields to @obj, with the
 * usage of the month of @now_ms
 * @return 0 or -ENOMEM.
 */
int b2b_prov_account_policy_json(const struct store_account *a,
				 int64_t now_ms, json_t *obj);

/* Each file's commands (provision_peer.c, _route.c, _account.c). */
int b2b_prov_peer_register(struct b2b_ctx *ctx);
int b2b_prov_route_register(struct b2b_ctx *ctx);
int b2b_prov_account_register(struct b2b_ctx *ctx);

#endif
