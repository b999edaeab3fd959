/*
 * Unit tests of dialplan.c: strip/prefix and regex-to-E.164 rules, first
 * match wins, template groups, and hostile input: over-long numbers and
 * patterns, back-references, exploding repetitions, nested groups,
 * patterns known to make backtracking matchers take exponential time
 * (each must compile-refuse or run within a fixed time budget).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dialplan.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* The UK-style plan from the proposed configuration section. */
static const struct b2b_dialplan_rule uk[] = {
	{ .match = "^00([1-9][0-9]+)$", .replace = "+\\1" },
	{ .match = "^0([1-9][0-9]+)$", .replace = "+44\\1" },
	{ .match = "^9[0-9]+$", .strip = 1, .prefix = "+1" },
};

/* Apply @dp to @in and check the rule index and the result. */
static void expect(const struct b2b_dialplan *dp, const char *in, int rc,
		   const char *out)
{
	char buf[B2B_DIALPLAN_NUMBER_MAX + 1];

	memset(buf, 'x', sizeof(buf));
	if (b2b_dialplan_apply(dp, in, buf, sizeof(buf)) != rc)
		fail_msg("'%s': rc %d, want %d", in,
			 b2b_dialplan_apply(dp, in, buf, sizeof(buf)), rc);
	assert_string_equal(buf, out);
}

/* Compiling @r alone fails with @err containing @why. */
static void refused(struct b2b_dialplan_rule r, const char *why)
{
	char err[160];

	errno = 0;
	assert_null(b2b_dialplan_new(&r, 1, err, sizeof(err)));
	assert_int_equal(errno, EINVAL);
	if (!strstr(err, why))
		fail_msg("'%s': '%s' lacks '%s'", r.match ? r.match : "",
			 err, why);
}

static void test_uk_to_e164(void **state)
{
	char err[128];
	struct b2b_dialplan *dp = b2b_dialplan_new(uk, N(uk), err, sizeof(err));

	(void)state;
	assert_non_null(dp);
	expect(dp, "0015551234567", 0, "+15551234567");
	expect(dp, "02071234567", 1, "+442071234567");
	expect(dp, "95551234567", 2, "+15551234567");
	expect(dp, "+442071234567", -ENOENT, "+442071234567");
	expect(dp, "112", -ENOENT, "112");
	expect(dp, "", -ENOENT, "");
	b2b_dialplan_free(dp);
}

static void test_strip_prefix(void **state)
{
	static const struct b2b_dialplan_rule r[] = {
		{ .match = "^8", .strip = 1 },
		{ .match = "^[2-9][0-9]{6}$", .prefix = "+4420" },
		{ .strip = 2, .prefix = "" },
	};
	struct b2b_dialplan *dp = b2b_dialplan_new(r, N(r), NULL, 0);

	(void)state;
	assert_non_null(dp);
	expect(dp, "8123", 0, "123");
	expect(dp, "7123456", 1, "+44207123456");
	expect(dp, "1234", 2, "34");
	/* strip takes everything: not a number. */
	expect(dp, "12", -EINVAL, "");
	expect(dp, "1", -EINVAL, "");
	b2b_dialplan_free(dp);
	expect(NULL, "123", -ENOENT, "123");
}

static void test_template(void **state)
{
	static const struct b2b_dialplan_rule r[] = {
		{ .match = "^\\*([0-9]{2})\\*([0-9]+)$", .replace = "\\2\\1" },
		{ .match = "^([0-9]+)#$", .replace = "\\0" },
		{ .match = "^1([0-9]{3})$", .replace = "+\\\\\\1" },
		{ .match = "^(4)?5([0-9]+)$", .replace = "+49\\1\\2" },
	};
	struct b2b_dialplan *dp = b2b_dialplan_new(r, N(r), NULL, 0);

	(void)state;
	assert_non_null(dp);
	expect(dp, "*31*5551234", 0, "555123431");
	/* "\0" is the whole match "123#": not a number. */
	expect(dp, "123#", -EINVAL, "");
	/* "+\" then the group: a backslash is not a number either. */
	expect(dp, "1234", -EINVAL, "");
	/* An unmatched optional group expands to nothing. */
	expect(dp, "5123", 3, "+49123");
	expect(dp, "45123", 3, "+494123");
	b2b_dialplan_free(dp);
}

static void test_result_bounds(void **state)
{
	static const struct b2b_dialplan_rule r[] = {
		{ .match = "^(.*)$", .replace = "+\\1\\1\\1" },
	};
	static const struct b2b_dialplan_rule p[] = {
		{ .prefix = "+123456789012345" },
	};
	struct b2b_dialplan *dp = b2b_dialplan_new(r, N(r), NULL, 0);
	struct b2b_dialplan *dq = b2b_dialplan_new(p, N(p), NULL, 0);
	char small[4];

	(void)state;
	assert_non_null(dp);
	assert_non_null(dq);
	expect(dp, "1234567890", 0, "+123456789012345678901234567890");
	expect(dp, "12345678901", -EINVAL, "");
	expect(dq, "1234567890123456", 0, "+1234567890123451234567890123456");
	expect(dq, "12345678901234567", -EINVAL, "");
	assert_int_equal(b2b_dialplan_apply(dp, "12", small, sizeof(small)),
			 -ENOSPC);
	assert_string_equal(small, "");
	assert_int_equal(b2b_dialplan_apply(NULL, "1234", small, sizeof(small)),
			 -ENOSPC);
	b2b_dialplan_free(dp);
	b2b_dialplan_free(dq);
}

static void test_oversized_input(void **state)
{
	char in[4096], out[B2B_DIALPLAN_NUMBER_MAX + 1];
	struct b2b_dialplan *dp = b2b_dialplan_new(uk, N(uk), NULL, 0);

	(void)state;
	memset(in, '0', sizeof(in) - 1);
	in[sizeof(in) - 1] = '\0';
	assert_int_equal(b2b_dialplan_apply(dp, in, out, sizeof(out)), -E2BIG);
	assert_string_equal(out, "");
	in[B2B_DIALPLAN_NUMBER_MAX] = '\0';
	assert_int_equal(b2b_dialplan_apply(dp, in, out, sizeof(out)), -ENOENT);
	in[B2B_DIALPLAN_NUMBER_MAX] = '0';
	in[B2B_DIALPLAN_NUMBER_MAX + 1] = '\0';
	assert_int_equal(b2b_dialplan_apply(dp, in, out, sizeof(out)), -E2BIG);
	b2b_dialplan_free(dp);
}

static void test_bad_rules(void **state)
{
	char big[B2B_DIALPLAN_PATTERN_MAX + 2];
	struct b2b_dialplan_rule many[B2B_DIALPLAN_RULES_MAX + 1];

	(void)state;
	refused((struct b2b_dialplan_rule){ .replace = "+1" }, "needs match");
	refused((struct b2b_dialplan_rule){ .match = "^0", .replace = "+1",
					    .strip = 1 }, "excludes");
	refused((struct b2b_dialplan_rule){ .match = "^0", .replace = "+1",
					    .prefix = "+" }, "excludes");
	refused((struct b2b_dialplan_rule){ .prefix = "+44a" }, "prefix");
	refused((struct b2b_dialplan_rule){ .prefix = "12345678901234567" },
		"prefix");
	refused((struct b2b_dialplan_rule){ .strip = 33 }, "strip");
	refused((struct b2b_dialplan_rule){ .match = "^(0", .replace = "\\1" },
		"rule 0: match:");
	refused((struct b2b_dialplan_rule){ .match = "[0-9", .strip = 1 },
		"rule 0: match:");
	refused((struct b2b_dialplan_rule){ .match = "^0([0-9])$",
					    .replace = "+\\2" }, "group");
	refused((struct b2b_dialplan_rule){ .match = "^0([0-9])$",
					    .replace = "+\\" }, "backslash");
	refused((struct b2b_dialplan_rule){ .match = "^0([0-9])$",
					    .replace = "+\\x" }, "backslash");
	memset(big, '0', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	refused((struct b2b_dialplan_rule){ .match = big, .strip = 1 },
		"longer than");
	for (size_t i = 0; i < N(many); i++)
		many[i] = (struct b2b_dialplan_rule){ .strip = 1 };
	errno = 0;
	assert_null(b2b_dialplan_new(many, N(many), NULL, 0));
	assert_int_equal(errno, E2BIG);
	/* The failing rule is reported by index after good ones. */
	{
		struct b2b_dialplan_rule two[] = {
			{ .match = "^0", .strip = 1 },
			{ .match = "(((", .strip = 1 },
		};
		char err[128];

		assert_null(b2b_dialplan_new(two, 2, err, sizeof(err)));
		assert_non_null(strstr(err, "rule 1:"));
	}
}

static void test_hostile_patterns_refused(void **state)
{
	static const char *const deep =
		"((((((((((((((((((0))))))))))))))))))";
	static const struct { const char *re, *why; } bad[] = {
		{ "^(0+)\\1$", "back-references" },
		{ "(a*)*\\1b", "back-references" },
		{ "0{1,256}", "bound too large" },
		{ "0{99999999999999999999}", "bound too large" },
		{ "0{99999999999999999999,}", "bound too large" },
		{ "0{,30000}", "bound too large" },
		{ "((0{1,200}){1,200})", "too complex" },
		{ "(((0{1,20}){1,20}){1,20})", "too complex" },
		{ "[0-9]{100}[0-9]{100}[0-9]{100}[0-9]{100}[0-9]{100}"
		  "[0-9]{100}[0-9]{100}[0-9]{100}[0-9]{100}[0-9]{100}"
		  "[0-9]{100}", "too complex" },
		{ "(0+0+0+0+0+0+0+0+){200}", "too complex" },
	};

	(void)state;
	for (size_t i = 0; i < N(bad); i++)
		refused((struct b2b_dialplan_rule){ .match = bad[i].re,
						    .strip = 1 }, bad[i].why);
	refused((struct b2b_dialplan_rule){ .match = deep, .strip = 1 },
		"nested too deep");
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Apply rule @r 1000 times to the longest number allowed (all zeros):
 * every result must be @rc or @alt, and all of it well under a second.
 */
static void bounded(struct b2b_dialplan_rule r, int rc, int alt)
{
	char in[B2B_DIALPLAN_NUMBER_MAX + 1], out[B2B_DIALPLAN_NUMBER_MAX + 1];
	char err[128] = "";
	struct b2b_dialplan *dp = b2b_dialplan_new(&r, 1, err, sizeof(err));
	double t0 = now_s();

	if (!dp)
		fail_msg("'%s' refused: %s", r.match, err);
	memset(in, '0', B2B_DIALPLAN_NUMBER_MAX);
	in[B2B_DIALPLAN_NUMBER_MAX] = '\0';
	for (int k = 0; k < 1000; k++) {
		int got = b2b_dialplan_apply(dp, in, out, sizeof(out));

		if (got != rc && got != alt)
			fail_msg("'%s': rc %d", r.match, got);
	}
	if (now_s() - t0 > 1.0)
		fail_msg("'%s' took %.2f s", r.match, now_s() - t0);
	b2b_dialplan_free(dp);
}

/*
 * Classic catastrophic-backtracking patterns are accepted (no
 * back-references) and glibc's matcher must stay fast on them, both when
 * they fail and when they match and their groups must be resolved.
 */
static void test_hostile_patterns_bounded(void **state)
{
	static const char *const fail[] = {
		"^(0+)+1$", "^(0|00)*1$", "^(0*)*1$", "^((0+)+)+1$",
		"^(0|0?)+1$", "^([0-9]*[0-9]*)*1$", "(.*){1,32}1$",
		"^(0{1,31}){1,31}1$", "[[:digit:]]+[]0]*[^1]*1",
	};
	static const char *const match[] = {
		"^((0|00)*)*(0*)$", "^(0*)(0*)(0*)(0*)(0*)(0*)(0*)(0*)(0*)$",
		"^((0?){16}(0*))*$", "^(((0+)+)+)$",
	};

	(void)state;
	for (size_t i = 0; i < N(fail); i++)
		bounded((struct b2b_dialplan_rule){ .match = fail[i],
						    .strip = 1 },
			-ENOENT, -ENOENT);
	for (size_t i = 0; i < N(match); i++)
		bounded((struct b2b_dialplan_rule){ .match = match[i],
						    .replace = "\\1" },
			0, -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uk_to_e164),
		cmocka_unit_test(test_strip_prefix),
		cmocka_unit_test(test_template),
		cmocka_unit_test(test_result_bounds),
		cmocka_unit_test(test_oversized_input),
		cmocka_unit_test(test_bad_rules),
		cmocka_unit_test(test_hostile_patterns_refused),
		cmocka_unit_test(test_hostile_patterns_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
