/*
 * The policy options of `account add` and `account set` (account_policy.h
 * says what each rule does): their parsing and checks, and their part of
 * the account shown to operators.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "account_policy.h"
#include "provision_pvt.h"

#define QUOTA_MIN_MAX 10000000u		/* minutes a month, about 19 years */

/* the characters of a caller entry, besides a final '*' */
static const char caller_chars[] = "abcdefghijklmnopqrstuvwxyz"
	"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-_.";

/* is @s a number prefix: digits with an optional leading '+'? */
static bool prefix_ok(const char *s)
{
	size_t n = strlen(s), plus = *s == '+';

	return n > plus && strspn(s + plus, "0123456789") == n - plus;
}

/* is @s a caller entry: a user token, or a prefix of one and '*'? */
static bool caller_ok(const char *s)
{
	size_t n = strlen(s);

	if (n && s[n - 1] == '*')
		n--;
	return (n || s[0] == '*') && strspn(s, caller_chars) == n;
}

/* one entry of a list option into @list[*@n] */
static int entry_add(const char *key, const char *s, size_t len,
		     char (*list)[STORE_PREFIX_MAX], uint32_t *n,
		     bool (*ok)(const char *), struct ctl_reply *rep)
{
	char e[STORE_PREFIX_MAX];

	if (*n == STORE_ACCT_LIST_MAX)
		return b2b_prov_bad(rep, "%s has more than %d entries", key,
				    STORE_ACCT_LIST_MAX);
	if (!len || len >= sizeof(e))
		return b2b_prov_bad(rep, "%s: entries are 1 to %zu characters",
				    key, sizeof(e) - 1);
	memcpy(e, s, len);
	e[len] = '\0';
	if (!ok(e))
		return b2b_prov_bad(rep, "%s: bad entry '%s'", key, e);
	memcpy(list[(*n)++], e, len + 1);
	return 0;
}

/*
 * List option @key: "a,b,c" ("" clears it) or a JSON array of strings.
 * Replaces @list only when the whole option is valid.
 */
static int list_get(const json_t *args, const char *key,
		    char (*list)[STORE_PREFIX_MAX], uint32_t *count,
		    bool (*ok)(const char *), struct ctl_reply *rep)
{
	char tmp[STORE_ACCT_LIST_MAX][STORE_PREFIX_MAX];
	const json_t *v = json_object_get(args, key);
	uint32_t n = 0;
	size_t i;
	int rc = 0;

	if (!v)
		return 0;
	if (json_is_array(v)) {
		json_t *e;

		json_array_foreach(v, i, e) {
			const char *s = json_string_value(e);

			if (!s)
				return b2b_prov_bad(rep, "%s must be strings",
						    key);
			rc = entry_add(key, s, strlen(s), tmp, &n, ok, rep);
			if (rc < 0)
				return rc;
		}
	} else if (json_is_string(v)) {
		const char *s = json_string_value(v);

		while (*s) {
			size_t len = strcspn(s, ",");

			rc = entry_add(key, s, len, tmp, &n, ok, rep);
			if (rc < 0)
				return rc;
			s += len;
			if (*s == ',' && !*++s)
				return b2b_prov_bad(rep, "%s: empty entry",
						    key);
		}
	} else {
		return b2b_prov_bad(rep, "%s must be a comma-separated list",
				    key);
	}
	memcpy(list, tmp, sizeof(tmp[0]) * n);
	*count = n;
	return 0;
}

static int hours_get(const json_t *args, struct store_account *a,
		     struct ctl_reply *rep)
{
	char text[STORE_HOURS_MAX];
	struct b2b_acct_hours h;
	int rc;

	if (!json_object_get(args, "in_hours"))
		return 0;
	text[0] = '\0';
	rc = b2b_prov_text(args, "in_hours", false, text, sizeof(text), rep);
	if (rc < 0)
		return rc;
	if (b2b_acct_policy_hours_parse(text, &h) < 0)
		return b2b_prov_bad(rep, "bad in_hours '%s': expected rules such as 'Mon-Fri 08:00-18:00,Sat 09:00-12:00' (UTC, at most %d)",
				    text, B2B_ACCT_HOURS_RULES);
	memcpy(a->in_hours, text, sizeof(text));
	return 0;
}

int b2b_prov_account_policy(const json_t *args, struct store_account *a,
			    struct ctl_reply *rep)
{
	bool pstn = !a->no_pstn;
	int rc;

	rc = b2b_prov_u32(args, "quota_min", QUOTA_MIN_MAX, &a->quota_min,
			  rep);
	if (rc == 0)
		rc = b2b_prov_u32(args, "max_duration_s", B2B_ACCT_DURATION_MAX,
				  &a->max_duration_s, rep);
	if (rc == 0)
		rc = b2b_prov_bool(args, "blocked", &a->blocked, rep);
	if (rc == 0)
		rc = b2b_prov_bool(args, "pstn", &pstn, rep);
	a->no_pstn = !pstn;
	if (rc == 0)
		rc = list_get(args, "barred", a->barred, &a->n_barred,
			      prefix_ok, rep);
	if (rc == 0)
		rc = list_get(args, "in_reject", a->in_reject, &a->n_in_reject,
			      caller_ok, rep);
	if (rc == 0)
		rc = list_get(args, "in_accept", a->in_accept, &a->n_in_accept,
			      caller_ok, rep);
	if (rc == 0)
		rc = hours_get(args, a, rep);
	return rc;
}

/* @list[@n] as a JSON array of strings */
static json_t *list_json(const char (*list)[STORE_PREFIX_MAX], uint32_t n)
{
	json_t *arr = json_array();

	for (uint32_t i = 0; arr && i < n && i < STORE_ACCT_LIST_MAX; i++) {
		if (json_array_append_new(arr, json_string(list[i])) < 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

int b2b_prov_account_policy_json(const struct store_account *a,
				 int64_t now_ms, json_t *obj)
{
	uint32_t month = b2b_acct_policy_month(now_ms);
	json_t *o;

	o = json_pack("{s:I, s:I, s:I, s:b, s:o, s:o, s:o, s:s}",
		      "quota_min", (json_int_t)a->quota_min,
		      "month_usage_s",
		      (json_int_t)(b2b_acct_policy_usage_ms(a, month) / 1000),
		      "max_duration_s", (json_int_t)a->max_duration_s,
		      "pstn", (int)!a->no_pstn,
		      "barred", list_json(a->barred, a->n_barred),
		      "in_reject", list_json(a->in_reject, a->n_in_reject),
		      "in_accept", list_json(a->in_accept, a->n_in_accept),
		      "in_hours", a->in_hours);
	if (!o || json_object_update(obj, o) < 0) {
		json_decref(o);
		return -ENOMEM;
	}
	json_decref(o);
	return 0;
}
