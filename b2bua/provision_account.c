/*
 * Subscriber account commands: account add, account set, account del,
 * account passwd, account show, show accounts (account.add, account.set,
 * account.del, account.passwd, account.show, account.list).  The policy
 * options (quota, limits, barring, incoming rules) are provision_policy.c.
 *
 * Credentials are stored only as HA1 digests (RFC 7616 section 3.4.2,
 * RFC 2617 section 3.2.2.2): H(username ":" realm ":" password), with MD5
 * and with SHA-256 (RFC 8760 section 2), lowercase hex.  The digest realm
 * is the account's domain ("alice@sbc.example" is challenged with
 * realm="sbc.example", as RFC 3261 section 22.1 suggests), so the SIP side
 * must challenge with the domain.  The password is fed to the digest
 * straight from the request, never copied, stored, logged or put in a
 * reply or an error.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "log.h"
#include "money.h"
#include "provision_pvt.h"
#include "route.h"

#define PASSWORD_MAX 256	/* bytes; digest input, never stored */

static const char *const id_pos[] = { "id", NULL };
static const char *const passwd_pos[] = { "id", "password", NULL };
static const char *const account_opts[] = {
	"password", "realm", "prepaid", "balance", "currency", "max_calls",
	"emergency_id", "rate_plan", "quota_min", "max_duration_s", "blocked",
	"pstn", "barred", "in_reject", "in_accept", "in_hours", NULL
};
/* what account set may change: not the money (account credit/debit) */
static const char *const set_opts[] = {
	"realm", "prepaid", "max_calls", "emergency_id", "rate_plan",
	"quota_min", "max_duration_s", "blocked", "pstn", "barred",
	"in_reject", "in_accept", "in_hours", NULL
};
#define SET_OPTS 13

/* the listing: everything but the HA1 digests */
static json_t *account_json(const void *rec)
{
	const struct store_account *a = rec;
	char amount[B2B_MONEY_TEXT_MAX];

	b2b_money_format(a->balance, amount, sizeof(amount));
	return json_pack("{s:s, s:s, s:s, s:s, s:b, s:s++, s:I, s:I, s:b, s:s, "
			 "s:s}",
			 "id", a->id, "user", a->user, "domain", a->domain,
			 "realm", a->realm, "prepaid", (int)a->prepaid,
			 "balance", amount, " ", a->currency,
			 "balance_micro", (json_int_t)a->balance,
			 "max_calls", (json_int_t)a->max_calls,
			 "blocked", (int)a->blocked,
			 "emergency_id", a->emergency_id,
			 "rate_plan", a->rate_plan);
}

/* one account in full: the listing plus the policy fields */
static json_t *account_full_json(const struct store_account *a)
{
	json_t *o = account_json(a);

	if (o && b2b_prov_account_policy_json(a, (int64_t)time(NULL) * 1000,
					      o) < 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* lowercase hex of H(@user ":" @domain ":" @password) into @hex */
static int ha1_hex(const EVP_MD *md, const struct store_account *a,
		   const char *password, char *hex, size_t size)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	bool ok;

	ok = c && EVP_DigestInit_ex(c, md, NULL) &&
	     EVP_DigestUpdate(c, a->user, strlen(a->user)) &&
	     EVP_DigestUpdate(c, ":", 1) &&
	     EVP_DigestUpdate(c, a->domain, strlen(a->domain)) &&
	     EVP_DigestUpdate(c, ":", 1) &&
	     EVP_DigestUpdate(c, password, strlen(password)) &&
	     EVP_DigestFinal_ex(c, d, &len) && 2 * (size_t)len < size;
	EVP_MD_CTX_free(c);
	for (unsigned int i = 0; ok && i < len; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	OPENSSL_cleanse(d, sizeof(d));
	return ok ? 0 : -EIO;
}

/* both HA1 digests of @a from the password argument @key */
static int ha1_set(struct store_account *a, const json_t *args,
		   const char *key, struct ctl_reply *rep)
{
	const char *pw;
	int rc = b2b_prov_str(args, key, true, &pw, rep);

	if (rc < 0)
		return rc;
	if (!*pw)
		return b2b_prov_bad(rep, "%s must not be empty", key);
	if (strlen(pw) > PASSWORD_MAX)
		return b2b_prov_bad(rep, "%s is too long (at most %d bytes)",
				    key, PASSWORD_MAX);
	rc = ha1_hex(EVP_md5(), a, pw, a->ha1_md5, sizeof(a->ha1_md5));
	if (rc == 0)
		rc = ha1_hex(EVP_sha256(), a, pw, a->ha1_sha256,
			     sizeof(a->ha1_sha256));
	if (rc < 0)
		ctl_reply_error(rep, CTL_ERR_INTERNAL,
				"password digest failed (OpenSSL)");
	return rc;
}

/*
 * ID "user@domain" into @a: one '@', both sides non-empty and free of
 * ':' (the HA1 separator), blanks and control characters.
 */
static int id_get(const json_t *args, struct store_account *a,
		  struct ctl_reply *rep)
{
	const char *at;
	size_t ulen;
	int rc = b2b_prov_text(args, "id", true, a->id, sizeof(a->id), rep);

	if (rc < 0)
		return rc;
	at = strchr(a->id, '@');
	ulen = at ? (size_t)(at - a->id) : 0;
	if (ulen == 0 || ulen >= sizeof(a->user) || !at[1] ||
	    strchr(at + 1, '@') || strpbrk(a->id, ": \t"))
		return b2b_prov_bad(rep, "bad account id '%s': expected USER@DOMAIN without ':' or blanks, USER at most %zu bytes",
				    a->id, sizeof(a->user) - 1);
	memcpy(a->user, a->id, ulen);
	a->user[ulen] = '\0';
	strcpy(a->domain, at + 1);
	return 0;
}

static int balance_get(const json_t *args, int64_t *out,
		       struct ctl_reply *rep)
{
	const char *s = NULL;
	int rc = b2b_prov_str(args, "balance", false, &s, rep);

	if (rc < 0 || !s)
		return rc;
	rc = b2b_money_parse(s, out);
	if (rc == -ERANGE)
		return b2b_prov_bad(rep, "balance '%s' is out of range", s);
	if (rc < 0)
		return b2b_prov_bad(rep, "bad balance '%s': expected an amount such as 12.50 or -3.25, at most %d decimals",
				    s, B2B_MONEY_DECIMALS);
	return 0;
}

static int currency_get(const json_t *args, char *buf, size_t size,
			struct ctl_reply *rep)
{
	int rc = b2b_prov_text(args, "currency", false, buf, size, rep);

	if (rc == 0 && (strspn(buf, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") !=
			STORE_CURRENCY_LEN || buf[STORE_CURRENCY_LEN]))
		return b2b_prov_bad(rep, "currency must be an ISO 4217 code such as EUR");
	return rc;
}

static int emergency_get(const json_t *args, char *buf, size_t size,
			 struct ctl_reply *rep)
{
	int rc = b2b_prov_text(args, "emergency_id", false, buf, size, rep);

	if (rc == 0 && *buf && !b2b_number_valid(buf))
		return b2b_prov_bad(rep, "bad emergency_id '%s': expected digits with an optional leading '+'",
				    buf);
	return rc;
}

/* the options account add and account set share, onto @a */
static int account_opts_get(const struct b2b_ctx *ctx, const json_t *args,
			    struct store_account *a, struct ctl_reply *rep)
{
	int rc;

	rc = b2b_prov_realm(ctx, args, "realm", false, a->realm,
			    sizeof(a->realm), rep);
	/* registrar.h: only a realm with subscribers = true takes accounts */
	if (rc == 0 && a->realm[0] &&
	    !cfg_realm_find(ctx->cfg, a->realm)->subscribers)
		rc = b2b_prov_bad(rep, "realm '%s' takes no subscribers "
				  "(its configuration says subscribers = false)",
				  a->realm);
	if (rc == 0)
		rc = b2b_prov_bool(args, "prepaid", &a->prepaid, rep);
	if (rc == 0)
		rc = b2b_prov_u32(args, "max_calls", UINT32_MAX, &a->max_calls,
				  rep);
	if (rc == 0)
		rc = emergency_get(args, a->emergency_id,
				   sizeof(a->emergency_id), rep);
	if (rc == 0)
		rc = b2b_prov_text(args, "rate_plan", false, a->rate_plan,
				   sizeof(a->rate_plan), rep);
	if (rc == 0 && strchr(a->rate_plan, '/'))
		rc = b2b_prov_bad(rep, "bad rate_plan '%s': no '/' allowed",
				  a->rate_plan);
	if (rc == 0)
		rc = b2b_prov_account_policy(args, a, rep);
	return rc;
}

static int account_from_args(const struct b2b_ctx *ctx, const json_t *args,
			     struct store_account *a, struct ctl_reply *rep)
{
	int rc;

	rc = id_get(args, a, rep);
	if (rc == 0)
		rc = balance_get(args, &a->balance, rep);
	if (rc == 0)
		rc = currency_get(args, a->currency, sizeof(a->currency), rep);
	if (rc == 0)
		rc = account_opts_get(ctx, args, a, rep);
	if (rc == 0)
		rc = ha1_set(a, args, "password", rep);
	return rc;
}

/*
 * One write transaction on account @a->id.  @create (account add): refused
 * with CTL_ERR_FAILED if it exists, else @a is stored.  Otherwise (account
 * passwd): CTL_ERR_NOT_FOUND if it does not exist, else only the digests of
 * @a replace the stored ones, and @a becomes the stored record.
 */
static int account_write(struct b2b_ctx *ctx, struct store_account *a,
			 bool create, struct ctl_reply *rep)
{
	struct store_txn *txn = store_txn_begin(ctx->store, true);
	struct store_account old;
	char what[STORE_ID_MAX + 16];
	int rc;

	if (!txn)
		return -errno;
	snprintf(what, sizeof(what), "account %s", a->id);
	rc = store_account_get(txn, a->id, &old);
	if (rc == 0 && create) {
		ctl_reply_error(rep, CTL_ERR_FAILED, "%s exists", what);
		rc = -EEXIST;
	} else if (rc == 0) {
		memcpy(old.ha1_md5, a->ha1_md5, sizeof(old.ha1_md5));
		memcpy(old.ha1_sha256, a->ha1_sha256, sizeof(old.ha1_sha256));
		*a = old;
		rc = store_account_put(txn, a);
	} else if (rc == -ENOENT && create) {
		rc = store_account_put(txn, a);
	} else if (rc == -ENOENT) {
		ctl_reply_error(rep, CTL_ERR_NOT_FOUND, "no %s", what);
	}
	OPENSSL_cleanse(&old, sizeof(old));
	if (rc < 0) {
		store_txn_abort(txn);
		return rc;
	}
	rc = b2b_prov_commit(txn, what, rep);
	if (rc < 0)
		return rc;
	log_notice("%s %s", what, create ? "added" : "password changed");
	return ctl_reply_set_result(rep, account_full_json(a));
}

/*
 * account set: the stored account @id with the options of @args applied,
 * in one write transaction; the money and the password are not options.
 */
static int account_set(struct b2b_ctx *ctx, const json_t *args,
		       struct ctl_reply *rep)
{
	struct store_account key = { 0 }, a;
	char what[STORE_ID_MAX + 16];
	struct store_txn *txn;
	int rc = id_get(args, &key, rep);

	if (rc < 0)
		return rc;
	txn = store_txn_begin(ctx->store, true);
	if (!txn)
		return -errno;
	snprintf(what, sizeof(what), "account %s", key.id);
	rc = store_account_get(txn, key.id, &a);
	if (rc == -ENOENT)
		ctl_reply_error(rep, CTL_ERR_NOT_FOUND, "no %s", what);
	if (rc == 0)
		rc = account_opts_get(ctx, args, &a, rep);
	if (rc == 0)
		rc = store_account_put(txn, &a);
	if (rc < 0) {
		store_txn_abort(txn);
		OPENSSL_cleanse(&a, sizeof(a));
		return rc;
	}
	rc = b2b_prov_commit(txn, what, rep);
	if (rc == 0) {
		log_notice("%s changed", what);
		rc = ctl_reply_set_result(rep, account_full_json(&a));
	}
	OPENSSL_cleanse(&a, sizeof(a));
	return rc;
}

static int account_set_handler(void *arg, const json_t *params,
			       struct ctl_reply *rep)
{
	const struct b2b_prov_spec spec = { id_pos, NULL, set_opts };
	json_t *args;
	int rc;

	rc = b2b_prov_args(params, &spec, rep, &args);
	if (rc < 0)
		return rc;
	rc = account_set(arg, args, rep);
	json_decref(args);
	return rc;
}

static int account_show(struct b2b_ctx *ctx, const char *id,
			struct ctl_reply *rep)
{
	struct store_txn *txn = store_txn_begin(ctx->store, false);
	struct store_account a;
	int rc;

	if (!txn)
		return -errno;
	rc = store_account_get(txn, id, &a);
	store_txn_abort(txn);
	if (rc == -ENOENT || rc == -EINVAL)
		return ctl_reply_error(rep, CTL_ERR_NOT_FOUND,
				       "no account %s", id);
	if (rc == 0)
		rc = ctl_reply_set_result(rep, account_full_json(&a));
	OPENSSL_cleanse(&a, sizeof(a));
	return rc;
}

static int account_show_handler(void *arg, const json_t *params,
				struct ctl_reply *rep)
{
	return b2b_prov_one(arg, params, "id", true, account_show, rep);
}

static int account_add_handler(void *arg, const json_t *params,
			       struct ctl_reply *rep)
{
	const struct b2b_prov_spec spec = { id_pos, NULL, account_opts };
	struct store_account a = { .currency = "EUR" };
	json_t *args;
	int rc;

	rc = b2b_prov_args(params, &spec, rep, &args);
	if (rc < 0)
		return rc;
	rc = account_from_args(arg, args, &a, rep);
	if (rc == 0)
		rc = account_write(arg, &a, true, rep);
	json_decref(args);
	OPENSSL_cleanse(&a, sizeof(a));
	return rc;
}

static int account_passwd_handler(void *arg, const json_t *params,
				  struct ctl_reply *rep)
{
	const struct b2b_prov_spec spec = { passwd_pos, NULL, NULL };
	struct store_account a = { 0 };
	json_t *args;
	int rc;

	rc = b2b_prov_args(params, &spec, rep, &args);
	if (rc < 0)
		return rc;
	rc = id_get(args, &a, rep);
	if (rc == 0)
		rc = ha1_set(&a, args, "password", rep);
	if (rc == 0)
		rc = account_write(arg, &a, false, rep);
	json_decref(args);
	OPENSSL_cleanse(&a, sizeof(a));
	return rc;
}

static int account_del(struct b2b_ctx *ctx, const char *id,
		       struct ctl_reply *rep)
{
	char what[STORE_ID_MAX + 16];

	snprintf(what, sizeof(what), "account %s", id);
	return b2b_prov_delete(ctx, store_account_del, id, what, id, rep);
}

static int account_del_handler(void *arg, const json_t *params,
			       struct ctl_reply *rep)
{
	return b2b_prov_one(arg, params, "id", true, account_del, rep);
}

static int account_list_handler(void *arg, const json_t *params,
				struct ctl_reply *rep)
{
	(void)params;
	return b2b_prov_list(arg, STORE_DB_ACCOUNTS, account_json, rep);
}

int b2b_prov_account_register(struct b2b_ctx *ctx)
{
	const struct ctl_command cmds[] = {
		{ "account.add", "account add",
		  "USER@DOMAIN password=PW [realm=REALM] [prepaid=yes|no] "
		  "[balance=AMOUNT] [currency=EUR] [max_calls=N] "
		  "[emergency_id=NUMBER] [rate_plan=PLAN] [POLICY...]",
		  "add a subscriber (digest realm = DOMAIN; only HA1 digests "
		  "are kept); refused if the account exists; POLICY as for "
		  "account set",
		  2, 17, account_add_handler, ctx },
		{ "account.set", "account set",
		  "USER@DOMAIN KEY=VALUE... (realm prepaid max_calls "
		  "emergency_id rate_plan quota_min max_duration_s "
		  "blocked=yes|no pstn=yes|no barred=PREFIX,... "
		  "in_reject=CALLER,... in_accept=CALLER,... "
		  "in_hours='Mon-Fri 08:00-18:00,...')",
		  "change a subscriber's settings and limits (UTC hours; "
		  "CALLER may end in '*'; an empty list clears it)",
		  2, 1 + SET_OPTS, account_set_handler, ctx },
		{ "account.show", "account show", "USER@DOMAIN",
		  "one subscriber with its limits and this month's usage",
		  1, 1, account_show_handler, ctx },
		{ "account.del", "account del", "USER@DOMAIN",
		  "delete a subscriber", 1, 1, account_del_handler, ctx },
		{ "account.passwd", "account passwd", "USER@DOMAIN PASSWORD",
		  "set a subscriber's password", 2, 2, account_passwd_handler,
		  ctx },
		{ "account.list", "show accounts", NULL,
		  "subscribers (without credentials)", 0, 0,
		  account_list_handler, ctx },
	};

	return ctl_registry_add_all(ctx->ctl_reg, cmds,
				    sizeof(cmds) / sizeof(cmds[0]));
}
