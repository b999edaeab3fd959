/*
 * Unit tests of the account policy rules (b2bua/account_policy.c): month
 * usage across a rollover, the quota's next-call semantics, barring with
 * overlapping prefixes, caller lists, hours of the day (windows across
 * midnight, wrapping day ranges, bad texts), the order of the verdicts of
 * calls from and to an account, the duration limit, the account record's
 * policy fields in the store codec (old records still read), and the
 * realm setting choosing 402 or 403 for insufficient prepaid credit.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "account_policy.h"
#include "cfg.h"
#include "cfg_fixture.h"
#include "store_codec.h"

/* unix ms of a UTC date and time */
static int64_t utc_ms(int y, int mon, int d, int h, int min, int s)
{
	struct tm tm = {
		.tm_year = y - 1900, .tm_mon = mon - 1, .tm_mday = d,
		.tm_hour = h, .tm_min = min, .tm_sec = s,
	};

	return (int64_t)timegm(&tm) * 1000;
}

static void list_set(char (*list)[STORE_PREFIX_MAX], uint32_t *n,
		     const char *const *items)
{
	*n = 0;
	for (; *items; items++)
		strcpy(list[(*n)++], *items);
}

static void test_month(void **state)
{
	(void)state;
	assert_int_equal(b2b_acct_policy_month(utc_ms(2026, 11, 30, 23, 59, 59)),
			 202611);
	assert_int_equal(b2b_acct_policy_month(utc_ms(2026, 12, 1, 0, 0, 0)),
			 202612);
	assert_int_equal(b2b_acct_policy_month(utc_ms(2026, 12, 31, 23, 59, 59) +
					       999), 202612);
	assert_int_equal(b2b_acct_policy_month(utc_ms(2027, 1, 1, 0, 0, 0)),
			 202701);
	assert_int_equal(b2b_acct_policy_month(0), 197001);
}

static void test_usage_rollover(void **state)
{
	struct store_account a = { 0 };

	(void)state;
	assert_int_equal(b2b_acct_policy_usage_ms(&a, 202611), 0);
	assert_int_equal(b2b_acct_policy_usage_add(&a, 202611, 61000), 0);
	assert_int_equal(b2b_acct_policy_usage_add(&a, 202611, 1500), 0);
	assert_int_equal(a.usage_month, 202611);
	assert_int_equal(a.usage_ms, 62500);
	/* the counter read in another month is that month's: nothing yet */
	assert_int_equal(b2b_acct_policy_usage_ms(&a, 202612), 0);
	/* a call ending in December starts the counter again */
	assert_int_equal(b2b_acct_policy_usage_add(&a, 202612, 1000), 0);
	assert_int_equal(a.usage_month, 202612);
	assert_int_equal(a.usage_ms, 1000);
	assert_int_equal(b2b_acct_policy_usage_ms(&a, 202611), 0);
	/* a negative duration is refused and changes nothing */
	assert_int_equal(b2b_acct_policy_usage_add(&a, 202701, -1), -EINVAL);
	assert_int_equal(a.usage_month, 202612);
	assert_int_equal(a.usage_ms, 1000);
	/* saturates instead of wrapping */
	a.usage_ms = INT64_MAX - 5;
	assert_int_equal(b2b_acct_policy_usage_add(&a, 202612, 100), 0);
	assert_true(a.usage_ms == INT64_MAX);
}

static void test_quota(void **state)
{
	struct store_account a = { .quota_min = 2 };

	(void)state;
	assert_true(b2b_acct_policy_quota_ok(&a, 202611));
	a.usage_month = 202611;
	a.usage_ms = 2 * 60000 - 1;
	/* next-call semantics: admitted while usage < quota */
	assert_true(b2b_acct_policy_quota_ok(&a, 202611));
	a.usage_ms = 2 * 60000;
	assert_false(b2b_acct_policy_quota_ok(&a, 202611));
	/* last month's usage does not count in December */
	assert_true(b2b_acct_policy_quota_ok(&a, 202612));
	/* no quota: anything goes */
	a.quota_min = 0;
	a.usage_ms = INT64_MAX;
	assert_true(b2b_acct_policy_quota_ok(&a, 202611));
	/* the largest quota does not overflow */
	a.quota_min = UINT32_MAX;
	a.usage_ms = (int64_t)UINT32_MAX * 60000 - 1;
	assert_true(b2b_acct_policy_quota_ok(&a, 202611));
}

static void test_barred(void **state)
{
	static const char *const items[] = { "+1900", "+44", "+44870", "+1",
					     NULL };
	struct store_account a = { 0 };

	(void)state;
	/* empty list: nothing barred */
	assert_null(b2b_acct_policy_barred(&a, "+19005551234"));
	list_set(a.barred, &a.n_barred, items);
	/* overlapping prefixes: the longest one is reported */
	assert_string_equal(b2b_acct_policy_barred(&a, "+19005551234"),
			    "+1900");
	assert_string_equal(b2b_acct_policy_barred(&a, "+448701234"),
			    "+44870");
	assert_string_equal(b2b_acct_policy_barred(&a, "+442071234"), "+44");
	assert_string_equal(b2b_acct_policy_barred(&a, "+15551234"), "+1");
	assert_null(b2b_acct_policy_barred(&a, "+33123456"));
	/* a prefix longer than the number does not match it, a shorter
	 * one does */
	assert_string_equal(b2b_acct_policy_barred(&a, "+4487"), "+44");
	assert_string_equal(b2b_acct_policy_barred(&a, "+190"), "+1");
	/* no '+': another number */
	assert_null(b2b_acct_policy_barred(&a, "1900555"));
	assert_null(b2b_acct_policy_barred(&a, ""));
}

static void test_caller_in(void **state)
{
	static const char *const items[] = { "1001", "+1555*", NULL };
	char list[STORE_ACCT_LIST_MAX][STORE_PREFIX_MAX];
	uint32_t n = 0;

	(void)state;
	assert_false(b2b_acct_policy_caller_in(list, 0, "1001"));
	list_set(list, &n, items);
	assert_true(b2b_acct_policy_caller_in(list, n, "1001"));
	assert_false(b2b_acct_policy_caller_in(list, n, "10011"));
	assert_false(b2b_acct_policy_caller_in(list, n, "100"));
	assert_true(b2b_acct_policy_caller_in(list, n, "+15551234"));
	assert_true(b2b_acct_policy_caller_in(list, n, "+1555"));
	assert_false(b2b_acct_policy_caller_in(list, n, "+1556"));
	assert_false(b2b_acct_policy_caller_in(list, n, "anonymous"));
	strcpy(list[n++], "*");
	assert_true(b2b_acct_policy_caller_in(list, n, "anonymous"));
}

static void test_hours_parse(void **state)
{
	static const char *const bad[] = {
		"Mon", "Mon 08:00", "mon-fri 08:00-18:00", "Mon-Fri 8:00-18:00",
		"Mon-Fri 08:00-18:60", "Mon-Fri 08:00-24:01", "Mon-Fri 25:00-26:00",
		"Mon-Fri 08:00-08:00", "Mon-Fri 24:00-08:00", "Mon 08:00-00:00",
		"Mon-Fri  08:00-18:00", "Mon-Fri 08:00-18:00,", ",Mon 08:00-09:00",
		"Mon-Fri 08:00-18:00x", "Mon-Fux 08:00-18:00", "Mon-Fri 08:00 18:00",
		"Mon 01:00-02:00,Mon 01:00-02:00,Mon 01:00-02:00,Mon 01:00-02:00,"
		"Mon 01:00-02:00,Mon 01:00-02:00,Mon 01:00-02:00,Mon 01:00-02:00,"
		"Mon 01:00-02:00",
		NULL
	};
	struct b2b_acct_hours h;

	(void)state;
	assert_int_equal(b2b_acct_policy_hours_parse("", &h), 0);
	assert_int_equal(h.n, 0);
	assert_int_equal(b2b_acct_policy_hours_parse("Mon-Fri 08:00-18:00", &h),
			 0);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.rule[0].days, 0x1f);
	assert_int_equal(h.rule[0].start, 480);
	assert_int_equal(h.rule[0].end, 1080);
	assert_int_equal(b2b_acct_policy_hours_parse(
		"Sat 09:00-12:00, Fri-Mon 22:00-06:00,Sun 00:00-24:00", &h), 0);
	assert_int_equal(h.n, 3);
	assert_int_equal(h.rule[0].days, 0x20);
	/* Fri-Mon wraps over the week's end: Fri, Sat, Sun, Mon */
	assert_int_equal(h.rule[1].days, 0x10 | 0x20 | 0x40 | 0x01);
	assert_int_equal(h.rule[2].end, 1440);
	for (const char *const *b = bad; *b; b++) {
		h.n = 5;
		if (b2b_acct_policy_hours_parse(*b, &h) != -EINVAL)
			fail_msg("'%s' accepted", *b);
		assert_int_equal(h.n, 0);
	}
}

/* is @text open at the UTC time given? (2026-11-23 is a Monday) */
static bool open_at(const char *text, int d, int h, int min)
{
	struct b2b_acct_hours hours;

	assert_int_equal(b2b_acct_policy_hours_parse(text, &hours), 0);
	return b2b_acct_policy_hours_open(&hours,
					  utc_ms(2026, 11, d, h, min, 0) / 1000);
}

static void test_hours_open(void **state)
{
	const char *office = "Mon-Fri 08:00-18:00";
	const char *night = "Fri 22:00-06:00";

	(void)state;
	assert_true(open_at("", 22, 3, 0));
	/* Monday 23rd: the start is in, the end is out */
	assert_false(open_at(office, 23, 7, 59));
	assert_true(open_at(office, 23, 8, 0));
	assert_true(open_at(office, 23, 17, 59));
	assert_false(open_at(office, 23, 18, 0));
	/* Friday 27th in, Saturday 28th and Sunday 22nd out */
	assert_true(open_at(office, 27, 12, 0));
	assert_false(open_at(office, 28, 12, 0));
	assert_false(open_at(office, 22, 12, 0));
	/* across midnight: Friday 22:00 to Saturday 06:00 */
	assert_false(open_at(night, 27, 21, 59));
	assert_true(open_at(night, 27, 22, 0));
	assert_true(open_at(night, 27, 23, 59));
	assert_true(open_at(night, 28, 0, 0));
	assert_true(open_at(night, 28, 5, 59));
	assert_false(open_at(night, 28, 6, 0));
	assert_false(open_at(night, 28, 22, 30));
	/* Friday before 06:00 belongs to Thursday's night, not listed */
	assert_false(open_at(night, 27, 5, 0));
	/* a wrapping range across the week's end, overnight: Sun night
	 * goes on into Monday morning */
	assert_true(open_at("Sat-Sun 20:00-02:00", 23, 1, 0));
	assert_false(open_at("Sat-Sun 20:00-02:00", 24, 1, 0));
	/* 24:00 ends the day; several rules are a union */
	assert_true(open_at("Sun 00:00-24:00", 22, 23, 59));
	assert_true(open_at("Mon 01:00-02:00,Tue 03:00-04:00", 24, 3, 30));
	assert_false(open_at("Mon 01:00-02:00,Tue 03:00-04:00", 24, 1, 30));
}

static void test_outgoing(void **state)
{
	static const char *const barred[] = { "+1900", NULL };
	int64_t now = utc_ms(2026, 11, 23, 12, 0, 0);
	struct store_account a = { .max_calls = 2, .quota_min = 10 };
	struct b2b_acct_verdict v;

	(void)state;
	list_set(a.barred, &a.n_barred, barred);
	v = b2b_acct_policy_outgoing(&a, "+15551234", false, false, 1, now);
	assert_int_equal(v.status, 0);
	/* barring */
	v = b2b_acct_policy_outgoing(&a, "+19005551234", false, false, 0, now);
	assert_int_equal(v.status, 403);
	assert_string_equal(v.phrase, "Forbidden: destination barred");
	assert_string_equal(v.reason, "destination barred");
	/* concurrent calls: the limit counts the others */
	v = b2b_acct_policy_outgoing(&a, "+15551234", false, false, 2, now);
	assert_int_equal(v.status, 403);
	assert_string_equal(v.reason, "account call limit");
	/* quota used up this month; last month's usage does not count */
	a.usage_month = 202611;
	a.usage_ms = 10 * 60000;
	v = b2b_acct_policy_outgoing(&a, "+15551234", false, false, 0, now);
	assert_int_equal(v.status, 403);
	assert_string_equal(v.phrase, "Forbidden: monthly quota exceeded");
	a.usage_month = 202610;
	v = b2b_acct_policy_outgoing(&a, "+15551234", false, false, 0, now);
	assert_int_equal(v.status, 0);
	/* PSTN access: refused by LCR, a subscriber still reachable */
	a.no_pstn = true;
	v = b2b_acct_policy_outgoing(&a, "+15551234", false, false, 0, now);
	assert_int_equal(v.status, 403);
	assert_string_equal(v.phrase, "Forbidden: no PSTN access");
	v = b2b_acct_policy_outgoing(&a, "1002", true, false, 0, now);
	assert_int_equal(v.status, 0);
	/* an emergency call passes every limit but the block */
	v = b2b_acct_policy_outgoing(&a, "+1900911", false, true, 5, now);
	assert_int_equal(v.status, 0);
	a.blocked = true;
	v = b2b_acct_policy_outgoing(&a, "911", false, true, 0, now);
	assert_int_equal(v.status, 403);
	assert_string_equal(v.phrase, "Forbidden: account blocked");
	/* the block comes first */
	v = b2b_acct_policy_outgoing(&a, "+19005551234", false, false, 9, now);
	assert_string_equal(v.reason, "account blocked");
}

static void test_incoming(void **state)
{
	static const char *const reject[] = { "666", NULL };
	static const char *const accept[] = { "1001", "666", "+1555*", NULL };
	int64_t monday_noon = utc_ms(2026, 11, 23, 12, 0, 0);
	int64_t monday_night = utc_ms(2026, 11, 23, 23, 0, 0);
	struct store_account a = { 0 };
	struct b2b_acct_verdict v;

	(void)state;
	/* no rules: everyone, any time */
	v = b2b_acct_policy_incoming(&a, "anonymous", 7, monday_night);
	assert_int_equal(v.status, 0);
	list_set(a.in_reject, &a.n_in_reject, reject);
	list_set(a.in_accept, &a.n_in_accept, accept);
	v = b2b_acct_policy_incoming(&a, "1001", 0, monday_noon);
	assert_int_equal(v.status, 0);
	v = b2b_acct_policy_incoming(&a, "+15550000", 0, monday_noon);
	assert_int_equal(v.status, 0);
	/* the reject list wins over the accept list */
	v = b2b_acct_policy_incoming(&a, "666", 0, monday_noon);
	assert_int_equal(v.status, 403);
	assert_string_equal(v.phrase, "Forbidden: caller rejected");
	v = b2b_acct_policy_incoming(&a, "1002", 0, monday_noon);
	assert_int_equal(v.status, 403);
	assert_string_equal(v.phrase, "Forbidden: caller not accepted");
	/* hours */
	strcpy(a.in_hours, "Mon-Fri 08:00-18:00");
	v = b2b_acct_policy_incoming(&a, "1001", 0, monday_night);
	assert_int_equal(v.status, 480);
	assert_string_equal(v.reason, "outside hours");
	/* a text that does not parse (hand-edited store) restricts nothing */
	strcpy(a.in_hours, "whenever");
	v = b2b_acct_policy_incoming(&a, "1001", 0, monday_night);
	assert_int_equal(v.status, 0);
	/* busy: the callee's concurrent calls */
	a.max_calls = 1;
	v = b2b_acct_policy_incoming(&a, "1001", 1, monday_noon);
	assert_int_equal(v.status, 486);
	v = b2b_acct_policy_incoming(&a, "1001", 0, monday_noon);
	assert_int_equal(v.status, 0);
	/* a blocked callee is refused first */
	a.blocked = true;
	v = b2b_acct_policy_incoming(&a, "666", 5, monday_night);
	assert_int_equal(v.status, 403);
	assert_string_equal(v.phrase, "Forbidden: callee blocked");
}

static void test_duration(void **state)
{
	(void)state;
	assert_int_equal(b2b_acct_policy_duration(0, 0, false), 0);
	assert_int_equal(b2b_acct_policy_duration(0, 14400, false), 14400);
	assert_int_equal(b2b_acct_policy_duration(60, 14400, false), 60);
	assert_int_equal(b2b_acct_policy_duration(20000, 14400, false), 14400);
	assert_int_equal(b2b_acct_policy_duration(60, 0, false), 60);
	/* an emergency call keeps only the global limit */
	assert_int_equal(b2b_acct_policy_duration(60, 14400, true), 14400);
	assert_int_equal(b2b_acct_policy_duration(60, 0, true), 0);
	/* capped, whatever a store says */
	assert_int_equal(b2b_acct_policy_duration(UINT32_MAX, 0, false),
			 B2B_ACCT_DURATION_MAX);
}

/* an account record written before the policy fields existed */
static void test_record_old(void **state)
{
	static const char old[] = "{\"v\":1,\"id\":\"alice@sbc.example\","
		"\"user\":\"alice\",\"domain\":\"sbc.example\",\"realm\":\"\","
		"\"prepaid\":false,\"balance\":0,\"currency\":\"EUR\","
		"\"max_calls\":2,\"blocked\":false}";
	const struct store_record *r = store_record_of(STORE_DB_ACCOUNTS);
	struct store_account a;
	struct b2b_acct_verdict v;

	(void)state;
	assert_int_equal(store_codec_decode(r, old, strlen(old), &a, NULL), 0);
	assert_int_equal(a.max_calls, 2);
	assert_int_equal(a.quota_min, 0);
	assert_int_equal(a.n_barred, 0);
	assert_false(a.no_pstn);
	assert_string_equal(a.in_hours, "");
	/* and it restricts nothing */
	v = b2b_acct_policy_outgoing(&a, "+19005551234", false, false, 1,
				     utc_ms(2026, 11, 23, 12, 0, 0));
	assert_int_equal(v.status, 0);
	v = b2b_acct_policy_incoming(&a, "anonymous", 0,
				     utc_ms(2026, 11, 23, 3, 0, 0));
	assert_int_equal(v.status, 0);
}

/* the policy fields through the codec, and what it refuses */
static void test_record_fields(void **state)
{
	static const char *const barred[] = { "+1900", "+44870", NULL };
	const struct store_record *r = store_record_of(STORE_DB_ACCOUNTS);
	struct store_account a = {
		.id = "bob@sbc.example", .user = "bob",
		.domain = "sbc.example", .currency = "EUR", .quota_min = 600,
		.usage_month = 202611, .usage_ms = 123456,
		.max_duration_s = 3600, .no_pstn = true,
		.in_hours = "Mon-Fri 08:00-18:00",
	}, out;
	const char *bad = NULL;
	size_t len;
	char *text;

	(void)state;
	list_set(a.barred, &a.n_barred, barred);
	strcpy(a.in_reject[0], "666");
	a.n_in_reject = 1;
	strcpy(a.in_accept[0], "555*");
	a.n_in_accept = 1;
	assert_int_equal(store_codec_encode(r, &a, &text, &len, NULL), 0);
	assert_int_equal(store_codec_decode(r, text, len, &out, NULL), 0);
	free(text);
	assert_int_equal(out.quota_min, 600);
	assert_int_equal(out.usage_month, 202611);
	assert_true(out.usage_ms == 123456);
	assert_int_equal(out.max_duration_s, 3600);
	assert_true(out.no_pstn);
	assert_int_equal(out.n_barred, 2);
	assert_string_equal(out.barred[1], "+44870");
	assert_string_equal(out.in_reject[0], "666");
	assert_string_equal(out.in_accept[0], "555*");
	assert_string_equal(out.in_hours, "Mon-Fri 08:00-18:00");
	/* refused: negative usage, an empty or a control-character entry */
	a.usage_ms = -1;
	assert_int_equal(store_codec_encode(r, &a, &text, &len, &bad), -EINVAL);
	assert_string_equal(bad, "usage_ms");
	a.usage_ms = 0;
	a.barred[1][0] = '\0';
	assert_int_equal(store_codec_encode(r, &a, &text, &len, &bad), -EINVAL);
	assert_string_equal(bad, "barred");
	strcpy(a.barred[1], "+1");
	strcpy(a.in_hours, "Mon\n");
	assert_int_equal(store_codec_encode(r, &a, &text, &len, &bad), -EINVAL);
	assert_string_equal(bad, "in_hours");
}

/* realms[].insufficient_credit_status: 402 by default, 402 or 403 only */
static void test_credit_status_config(void **state)
{
	static const char head[] = "realms = ( { name = \"a\"; "
		"sip = ( { transport = \"udp\"; address = \"192.0.2.1\"; } );\n"
		"  media_address = \"192.0.2.2\";\n"
		"  media_ports = { min = 20000; max = 29999; };\n";
	char text[512];
	struct cfg *cfg;

	(void)state;
	cfg = expect_load("realms = ( " REALM_A " );\n");
	assert_int_equal(cfg->realms[0].insufficient_credit_status, 402);
	cfg_free(cfg);
	snprintf(text, sizeof(text), "%s  insufficient_credit_status = 403; } );\n",
		 head);
	cfg = expect_load(text);
	assert_int_equal(cfg->realms[0].insufficient_credit_status, 403);
	cfg_free(cfg);
	snprintf(text, sizeof(text), "%s  insufficient_credit_status = 404; } );\n",
		 head);
	expect_error(text, "t.conf:4: realms.[0].insufficient_credit_status: ",
		     "402 Payment Required or 403 Forbidden");
	snprintf(text, sizeof(text), "%s  insufficient_credit_status = \"402\"; } );\n",
		 head);
	expect_error(text, "t.conf:4: realms.[0].insufficient_credit_status: ",
		     "must be an integer");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_month),
		cmocka_unit_test(test_usage_rollover),
		cmocka_unit_test(test_quota),
		cmocka_unit_test(test_barred),
		cmocka_unit_test(test_caller_in),
		cmocka_unit_test(test_hours_parse),
		cmocka_unit_test(test_hours_open),
		cmocka_unit_test(test_outgoing),
		cmocka_unit_test(test_incoming),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_record_old),
		cmocka_unit_test(test_record_fields),
		cmocka_unit_test(test_credit_status_config),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
