/*
 * Account policy rules (account_policy.h): month usage and quota, barring
 * by prefix, caller lists, hours of the day, and the verdicts of a call
 * from and to an account.  Pure functions of the account record and the
 * time given, with no SIP and no store I/O, so every rule is unit-tested
 * alone (tests/unit/test_account_policy.c).
 */
#include "account_policy.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#define MIN_PER_DAY 1440

static const char *const day_names[7] = {
	"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"
};

uint32_t b2b_acct_policy_month(int64_t unix_ms)
{
	time_t t = (time_t)(unix_ms / 1000);
	struct tm tm;

	if (!gmtime_r(&t, &tm))
		return 0;
	return (uint32_t)(tm.tm_year + 1900) * 100 + (uint32_t)tm.tm_mon + 1;
}

int64_t b2b_acct_policy_usage_ms(const struct store_account *a,
				 uint32_t month)
{
	return a->usage_month == month ? a->usage_ms : 0;
}

int b2b_acct_policy_usage_add(struct store_account *a, uint32_t month,
			      int64_t ms)
{
	if (ms < 0)
		return -EINVAL;
	if (a->usage_month != month) {
		a->usage_month = month;
		a->usage_ms = 0;
	}
	if (__builtin_add_overflow(a->usage_ms, ms, &a->usage_ms))
		a->usage_ms = INT64_MAX;
	return 0;
}

bool b2b_acct_policy_quota_ok(const struct store_account *a, uint32_t month)
{
	if (!a->quota_min)
		return true;
	return b2b_acct_policy_usage_ms(a, month) <
	       (int64_t)a->quota_min * 60000;
}

const char *b2b_acct_policy_barred(const struct store_account *a,
				   const char *number)
{
	const char *best = NULL;
	size_t best_len = 0;

	for (uint32_t i = 0; i < a->n_barred && i < STORE_ACCT_LIST_MAX; i++) {
		size_t n = strnlen(a->barred[i], STORE_PREFIX_MAX);

		if (n && n < STORE_PREFIX_MAX &&
		    strncmp(number, a->barred[i], n) == 0 &&
		    (!best || n > best_len)) {
			best = a->barred[i];
			best_len = n;
		}
	}
	return best;
}

bool b2b_acct_policy_caller_in(const char (*list)[STORE_PREFIX_MAX],
			       uint32_t n, const char *caller)
{
	for (uint32_t i = 0; i < n && i < STORE_ACCT_LIST_MAX; i++) {
		size_t len = strnlen(list[i], STORE_PREFIX_MAX);

		if (!len || len == STORE_PREFIX_MAX)
			continue;
		if (list[i][len - 1] == '*') {
			if (strncmp(caller, list[i], len - 1) == 0)
				return true;
		} else if (strcmp(caller, list[i]) == 0) {
			return true;
		}
	}
	return false;
}

/* "Mon" .. "Sun" at @s into *@day (0..6); the characters read, or 0 */
static size_t day_parse(const char *s, unsigned *day)
{
	for (unsigned d = 0; d < 7; d++) {
		if (strncmp(s, day_names[d], 3) == 0) {
			*day = d;
			return 3;
		}
	}
	return 0;
}

/* "HH:MM" at @s into minutes, 00:00 to 24:00; the characters read, or 0 */
static size_t time_parse(const char *s, uint16_t *min)
{
	unsigned h, m;

	if (strspn(s, "0123456789") != 2 || s[2] != ':' ||
	    strspn(s + 3, "0123456789") != 2)
		return 0;
	h = (unsigned)(s[0] - '0') * 10 + (unsigned)(s[1] - '0');
	m = (unsigned)(s[3] - '0') * 10 + (unsigned)(s[4] - '0');
	if (m > 59 || h > 24 || (h == 24 && m))
		return 0;
	*min = (uint16_t)(h * 60 + m);
	return 5;
}

/* One rule "DAYS HH:MM-HH:MM" at @s (up to ',' or the end); 0 or -EINVAL */
static int rule_parse(const char *s, size_t len,
		      struct b2b_acct_hours_rule *r)
{
	const char *end = s + len;
	unsigned first, last;
	size_t n;

	n = day_parse(s, &first);
	if (!n)
		return -EINVAL;
	s += n;
	last = first;
	if (*s == '-') {
		n = day_parse(s + 1, &last);
		if (!n)
			return -EINVAL;
		s += 1 + n;
	}
	if (*s != ' ')
		return -EINVAL;
	s++;
	r->days = 0;
	for (unsigned d = first;; d = (d + 1) % 7) {
		r->days |= (uint8_t)(1u << d);
		if (d == last)
			break;
	}
	n = time_parse(s, &r->start);
	if (!n || s[n] != '-')
		return -EINVAL;
	s += n + 1;
	n = time_parse(s, &r->end);
	if (!n || s + n != end)
		return -EINVAL;
	/* a window starts within a day; equal ends would be empty or 24 h */
	if (r->start == MIN_PER_DAY || r->end == 0 || r->start == r->end)
		return -EINVAL;
	return 0;
}

int b2b_acct_policy_hours_parse(const char *text, struct b2b_acct_hours *out)
{
	const char *s = text;

	out->n = 0;
	if (!*s)
		return 0;
	for (;;) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);

		while (*s == ' ' && len) {
			s++;
			len--;
		}
		if (out->n == B2B_ACCT_HOURS_RULES ||
		    rule_parse(s, len, &out->rule[out->n]) < 0) {
			out->n = 0;
			return -EINVAL;
		}
		out->n++;
		if (!comma)
			return 0;
		s = comma + 1;
	}
}

bool b2b_acct_policy_hours_open(const struct b2b_acct_hours *h,
				int64_t unix_s)
{
	time_t t = (time_t)unix_s;
	struct tm tm;
	unsigned day, prev, min;

	if (!h->n)
		return true;
	if (!gmtime_r(&t, &tm))
		return true;
	day = (unsigned)(tm.tm_wday + 6) % 7;	/* tm_wday 0 is Sunday */
	prev = (day + 6) % 7;
	min = (unsigned)(tm.tm_hour * 60 + tm.tm_min);
	for (unsigned i = 0; i < h->n; i++) {
		const struct b2b_acct_hours_rule *r = &h->rule[i];

		if (r->start < r->end) {
			if ((r->days & (1u << day)) && min >= r->start &&
			    min < r->end)
				return true;
		} else if (((r->days & (1u << day)) && min >= r->start) ||
			   ((r->days & (1u << prev)) && min < r->end)) {
			return true;
		}
	}
	return false;
}

static struct b2b_acct_verdict verdict(int status, const char *phrase,
				       const char *reason)
{
	return (struct b2b_acct_verdict){ status, phrase, reason };
}

struct b2b_acct_verdict b2b_acct_policy_outgoing(const struct store_account *a,
						 const char *number,
						 bool to_subscriber,
						 bool emergency,
						 unsigned active,
						 int64_t unix_ms)
{
	if (a->blocked)
		return verdict(403, "Forbidden: account blocked",
			       "account blocked");
	if (emergency)
		return verdict(0, NULL, NULL);
	if (b2b_acct_policy_barred(a, number))
		return verdict(403, "Forbidden: destination barred",
			       "destination barred");
	if (a->no_pstn && !to_subscriber)
		return verdict(403, "Forbidden: no PSTN access",
			       "no PSTN access");
	if (!b2b_acct_policy_quota_ok(a, b2b_acct_policy_month(unix_ms)))
		return verdict(403, "Forbidden: monthly quota exceeded",
			       "quota exceeded");
	if (a->max_calls && active >= a->max_calls)
		return verdict(403, "Forbidden: call limit reached",
			       "account call limit");
	return verdict(0, NULL, NULL);
}

struct b2b_acct_verdict b2b_acct_policy_incoming(const struct store_account *a,
						 const char *caller,
						 unsigned active,
						 int64_t unix_ms)
{
	struct b2b_acct_hours h;

	if (a->blocked)
		return verdict(403, "Forbidden: callee blocked",
			       "callee blocked");
	if (b2b_acct_policy_caller_in(a->in_reject, a->n_in_reject, caller))
		return verdict(403, "Forbidden: caller rejected",
			       "caller rejected");
	if (a->n_in_accept &&
	    !b2b_acct_policy_caller_in(a->in_accept, a->n_in_accept, caller))
		return verdict(403, "Forbidden: caller not accepted",
			       "caller not accepted");
	if (b2b_acct_policy_hours_parse(a->in_hours, &h) == 0 &&
	    !b2b_acct_policy_hours_open(&h, unix_ms / 1000))
		return verdict(480, "Temporarily Unavailable: outside hours",
			       "outside hours");
	if (a->max_calls && active >= a->max_calls)
		return verdict(486, "Busy Here: call limit reached",
			       "callee call limit");
	return verdict(0, NULL, NULL);
}

uint32_t b2b_acct_policy_duration(uint32_t account_s, uint32_t global_s,
				  bool emergency)
{
	uint32_t s = global_s;

	if (!emergency && account_s && (!s || account_s < s))
		s = account_s;
	return s > B2B_ACCT_DURATION_MAX ? B2B_ACCT_DURATION_MAX : s;
}
