/*
 * Provisioning: set-up and tear-down (the trusted-peer table and the
 * command registrations), and the argument handling the commands in
 * provision_peer.c, provision_route.c and provision_account.c share (see
 * provision_pvt.h).
 */
#include "provision.h"
#include "provision_pvt.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "log.h"

#define DIGITS "0123456789"

int b2b_prov_bad(struct ctl_reply *rep, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ctl_reply_error(rep, CTL_ERR_INVALID_PARAMS, "%s", msg);
	return -EINVAL;
}

/* true when @name is one of the NULL-terminated @list (which may be NULL) */
static bool listed(const char *const *list, const char *name)
{
	for (; list && *list; list++) {
		if (strcmp(*list, name) == 0)
			return true;
	}
	return false;
}

/* "a=, b=, c=" from the NULL-terminated @list */
static void options_text(const char *const *list, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (; list && *list && used < size; list++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s=",
					 used ? ", " : "", *list);
}

/* one KEY=VALUE option, argument number @argno, into @args */
static int option_set(json_t *args, const struct b2b_prov_spec *spec,
		      const char *s, size_t argno, struct ctl_reply *rep)
{
	const char *eq = strchr(s, '=');
	char key[32], opts[256];
	size_t klen = eq ? (size_t)(eq - s) : 0;

	if (klen > 0 && klen < sizeof(key)) {
		memcpy(key, s, klen);
		key[klen] = '\0';
	}
	/* the text of the argument is not quoted: it may be a password */
	if (!spec->opts)
		return b2b_prov_bad(rep, "argument %zu: too many arguments",
				    argno);
	if (klen == 0 || klen >= sizeof(key) || !listed(spec->opts, key)) {
		options_text(spec->opts, opts, sizeof(opts));
		return b2b_prov_bad(rep, "argument %zu: expected one of %s",
				    argno, opts);
	}
	if (json_object_get(args, key))
		return b2b_prov_bad(rep, "argument %zu: %s= given twice", argno,
				    key);
	return json_object_set_new(args, key, json_string(eq + 1)) < 0 ?
		-ENOMEM : 0;
}

/* sbcctl's array of strings: positional names, then rest or options */
static int args_from_array(const json_t *params,
			   const struct b2b_prov_spec *spec, json_t *args,
			   struct ctl_reply *rep)
{
	size_t i, n_pos = 0;
	json_t *v, *rest = NULL;
	int rc = 0;

	while (spec->pos && spec->pos[n_pos])
		n_pos++;
	json_array_foreach(params, i, v) {
		if (!json_is_string(v))
			return b2b_prov_bad(rep, "argument %zu must be a string",
					    i + 1);
		if (i < n_pos) {
			rc = json_object_set(args, spec->pos[i], v);
		} else if (spec->rest) {
			if (!rest) {
				rest = json_array();
				rc = json_object_set_new(args, spec->rest, rest);
			}
			if (rc == 0)
				rc = json_array_append(rest, v);
		} else {
			rc = option_set(args, spec, json_string_value(v), i + 1,
					rep);
			if (rc == -EINVAL)
				return rc;
		}
		if (rc < 0)
			return -ENOMEM;
	}
	return 0;
}

/* the rest member of an object: one string or an array of strings */
static int rest_from_object(json_t *args, const char *key, json_t *v,
			    struct ctl_reply *rep)
{
	json_t *e, *arr = v;
	size_t i;

	if (json_is_string(v)) {
		arr = json_array();
		if (!arr || json_array_append(arr, v) < 0) {
			json_decref(arr);
			return -ENOMEM;
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, e) {
			if (!json_is_string(e))
				return b2b_prov_bad(rep, "%s[%zu] must be a string",
						    key, i);
		}
		json_incref(arr);
	} else {
		return b2b_prov_bad(rep, "%s must be a string or an array of strings",
				    key);
	}
	return json_object_set_new(args, key, arr) < 0 ? -ENOMEM : 0;
}

/* another client's object of named params */
static int args_from_object(const json_t *params,
			    const struct b2b_prov_spec *spec, json_t *args,
			    struct ctl_reply *rep)
{
	const char *key;
	json_t *v;
	int rc;

	json_object_foreach((json_t *)params, key, v) {
		if (spec->rest && strcmp(key, spec->rest) == 0)
			rc = rest_from_object(args, key, v, rep);
		else if (listed(spec->pos, key) || listed(spec->opts, key))
			rc = json_object_set(args, key, v) < 0 ? -ENOMEM : 0;
		else
			rc = b2b_prov_bad(rep, "unknown parameter '%s'", key);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int b2b_prov_args(const json_t *params, const struct b2b_prov_spec *spec,
		  struct ctl_reply *rep, json_t **out)
{
	json_t *args = json_object();
	int rc;

	*out = NULL;
	if (!args)
		return -ENOMEM;
	if (json_is_array(params))
		rc = args_from_array(params, spec, args, rep);
	else
		rc = args_from_object(params, spec, args, rep);
	if (rc < 0) {
		json_decref(args);
		return rc;
	}
	*out = args;
	return 0;
}

int b2b_prov_str(const json_t *args, const char *key, bool required,
		 const char **out, struct ctl_reply *rep)
{
	const json_t *v = json_object_get(args, key);

	if (!v)
		return required ? b2b_prov_bad(rep, "missing %s", key) : 0;
	if (!json_is_string(v))
		return b2b_prov_bad(rep, "%s must be a string", key);
	*out = json_string_value(v);
	return 0;
}

int b2b_prov_text(const json_t *args, const char *key, bool required,
		  char *buf, size_t size, struct ctl_reply *rep)
{
	const char *s = NULL;
	int rc = b2b_prov_str(args, key, required, &s, rep);

	if (rc < 0 || !s)
		return rc;
	if (required && !*s)
		return b2b_prov_bad(rep, "%s must not be empty", key);
	if (strlen(s) >= size)
		return b2b_prov_bad(rep, "%s is too long (at most %zu bytes)",
				    key, size - 1);
	for (const char *p = s; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return b2b_prov_bad(rep, "%s must not contain control characters",
					    key);
	}
	strcpy(buf, s);
	return 0;
}

int b2b_prov_u32(const json_t *args, const char *key, uint32_t max,
		 uint32_t *out, struct ctl_reply *rep)
{
	const json_t *v = json_object_get(args, key);
	unsigned long long n = ULLONG_MAX;
	const char *s;

	if (!v)
		return 0;
	if (json_is_integer(v) && json_integer_value(v) >= 0) {
		n = (unsigned long long)json_integer_value(v);
	} else if (json_is_string(v)) {
		s = json_string_value(v);
		if (strspn(s, DIGITS) == strlen(s) && *s && strlen(s) <= 10)
			n = strtoull(s, NULL, 10);
	}
	if (n > max)
		return b2b_prov_bad(rep, "%s must be an integer from 0 to %u",
				    key, max);
	*out = (uint32_t)n;
	return 0;
}

int b2b_prov_bool(const json_t *args, const char *key, bool *out,
		  struct ctl_reply *rep)
{
	const json_t *v = json_object_get(args, key);
	const char *s = json_string_value(v);

	if (!v)
		return 0;
	if (json_is_boolean(v))
		*out = json_is_true(v);
	else if (s && (strcmp(s, "yes") == 0 || strcmp(s, "no") == 0))
		*out = s[0] == 'y';
	else
		return b2b_prov_bad(rep, "%s must be yes or no", key);
	return 0;
}

int b2b_prov_realm(const struct b2b_ctx *ctx, const json_t *args,
		   const char *key, bool required, char *buf, size_t size,
		   struct ctl_reply *rep)
{
	const struct cfg *cfg = ctx->cfg;
	char names[CFG_MAX_REALMS * (CFG_NAME_MAX + 2)] = "";
	size_t used = 0;
	int rc = b2b_prov_text(args, key, required, buf, size, rep);

	if (rc < 0 || !*buf || cfg_realm_find(cfg, buf))
		return rc;
	for (unsigned i = 0; i < cfg->n_realms; i++)
		used += (size_t)snprintf(names + used, sizeof(names) - used,
					 "%s%s", i ? ", " : "",
					 cfg->realms[i].name);
	return b2b_prov_bad(rep, "unknown realm '%s' (configured: %s)", buf,
			    names);
}

int b2b_prov_commit(struct store_txn *txn, const char *what,
		    struct ctl_reply *rep)
{
	int rc = store_txn_commit(txn);

	if (rc == 0)
		return 0;
	log_err("provisioning %s: store commit: %s", what, strerror(-rc));
	ctl_reply_error(rep, CTL_ERR_FAILED, "%s not saved: %s", what,
			rc == -ENOSPC ? "store full" : strerror(-rc));
	return rc;
}

int b2b_prov_one(void *ctx, const json_t *params, const char *key,
		 bool required,
		 int (*fn)(struct b2b_ctx *ctx, const char *value,
			   struct ctl_reply *rep),
		 struct ctl_reply *rep)
{
	const char *const pos[] = { key, NULL };
	const struct b2b_prov_spec spec = { pos, NULL, NULL };
	const char *value = NULL;
	json_t *args;
	int rc;

	rc = b2b_prov_args(params, &spec, rep, &args);
	if (rc == 0)
		rc = b2b_prov_str(args, key, required, &value, rep);
	if (rc == 0)
		rc = fn(ctx, value, rep);
	json_decref(args);
	return rc;
}

int b2b_prov_delete(struct b2b_ctx *ctx,
		    int (*del)(struct store_txn *txn, const char *key),
		    const char *key, const char *what, const char *shown,
		    struct ctl_reply *rep)
{
	struct store_txn *txn = store_txn_begin(ctx->store, true);
	int rc;

	if (!txn)
		return -errno;
	rc = del(txn, key);
	if (rc < 0) {
		store_txn_abort(txn);
		/* -EINVAL: empty or too long to be any record's key */
		if (rc != -ENOENT && rc != -EINVAL)
			return rc;
		ctl_reply_error(rep, CTL_ERR_NOT_FOUND, "no %s", what);
		return -ENOENT;
	}
	rc = b2b_prov_commit(txn, what, rep);
	if (rc < 0)
		return rc;
	log_notice("%s deleted", what);
	return ctl_reply_set_result(rep, json_pack("{s:s}", "deleted", shown));
}

/* what store_foreach() hands to list_add() */
struct list_walk {
	json_t *arr;
	json_t *(*to_json)(const void *rec);
};

static int list_add(const void *rec, void *arg)
{
	struct list_walk *w = arg;

	return json_array_append_new(w->arr, w->to_json(rec)) < 0 ? -ENOMEM
								    : 0;
}

int b2b_prov_list(struct b2b_ctx *ctx, enum store_db db,
		  json_t *(*to_json)(const void *rec), struct ctl_reply *rep)
{
	struct list_walk w = { json_array(), to_json };
	struct store_txn *txn;
	int rc;

	if (!w.arr)
		return -ENOMEM;
	txn = store_txn_begin(ctx->store, false);
	if (!txn) {
		rc = -errno;
		json_decref(w.arr);
		return rc;
	}
	rc = store_foreach(txn, db, list_add, &w);
	store_txn_abort(txn);
	if (rc < 0) {
		json_decref(w.arr);
		return rc;
	}
	return ctl_reply_set_result(rep, w.arr);
}


int b2b_provision_init(struct b2b_ctx *ctx)
{
	int rc;

	ctx->acl = b2b_acl_new();
	if (!ctx->acl)
		return -errno;
	rc = b2b_acl_load(ctx->acl, ctx->store);
	if (rc < 0) {
		log_err("trusted peers: %s", strerror(-rc));
		goto err;
	}
	rc = b2b_prov_peer_register(ctx);
	if (rc == 0)
		rc = b2b_prov_route_register(ctx);
	if (rc == 0)
		rc = b2b_prov_account_register(ctx);
	if (rc < 0) {
		log_err("provisioning commands: %s", strerror(-rc));
		goto err;
	}
	log_info("%u trusted peer(s) loaded", b2b_acl_count(ctx->acl));
	return 0;
err:
	b2b_provision_uninit(ctx);
	return rc;
}

void b2b_provision_uninit(struct b2b_ctx *ctx)
{
	b2b_acl_free(ctx->acl);
	ctx->acl = NULL;
}
