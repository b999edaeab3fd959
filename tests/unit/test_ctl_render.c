/*
 * Unit tests of sbcctl's pure parts: the human rendering of results
 * (ctl/render.c), compared as exact text, and the command words
 * (ctl/words.c): splitting, longest-prefix matching and completion.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "render.h"
#include "words.h"

/* @json rendered by ctl_render() (or ctl_render_help()) */
static char *render_with(int (*fn)(FILE *, const json_t *), const char *json,
			 int expect_ret)
{
	json_error_t jerr;
	json_t *v = json_loads(json, JSON_DECODE_ANY, &jerr);
	char *text = NULL;
	size_t len = 0;
	FILE *out;

	if (!v)
		fail_msg("bad test JSON: %s", jerr.text);
	out = open_memstream(&text, &len);
	assert_non_null(out);
	assert_int_equal(fn(out, v), expect_ret);
	assert_int_equal(fclose(out), 0);
	json_decref(v);
	return text;
}

static void check(const char *json, const char *expect)
{
	char *text = render_with(ctl_render, json, 0);

	assert_string_equal(text, expect);
	free(text);
}

static void test_scalars(void **state)
{
	(void)state;
	check("\"hello world\"", "hello world\n");
	check("42", "42\n");
	check("-7", "-7\n");
	check("1.5", "1.5\n");
	check("0.1", "0.1\n");
	check("true", "true\n");
	check("false", "false\n");
	check("null", "");
	check("\"\"", "\n");
}

static void test_object(void **state)
{
	(void)state;
	check("{\"version\":\"1.0\",\"pid\":42,\"ok\":true,\"none\":null}",
	      "version: 1.0\n"
	      "pid:     42\n"
	      "ok:      true\n"
	      "none:    -\n");
	check("{}", "(empty)\n");
}

static void test_nested(void **state)
{
	(void)state;
	check("{\"a\":1,\"store\":{\"accounts\":0,\"cdrs\":12,"
	      "\"deep\":{\"x\":\"y\"}},\"empty\":{},\"list\":[],"
	      "\"tags\":[\"x\",\"y\",3]}",
	      "a:     1\n"
	      "store:\n"
	      "  accounts: 0\n"
	      "  cdrs:     12\n"
	      "  deep:\n"
	      "    x: y\n"
	      "empty: (empty)\n"
	      "list:  (empty)\n"
	      "tags:  x, y, 3\n");
	check("{\"calls\":[{\"id\":\"a\"},{\"id\":\"b\"}],\"n\":1}",
	      "calls:\n"
	      "  ID\n"
	      "  a\n"
	      "  b\n"
	      "n:     1\n");
	/* an array holding containers that is no table: one per line */
	check("{\"m\":[[1,2],{\"k\":[]}]}",
	      "m:\n"
	      "  1, 2\n"
	      "  {\"k\":[]}\n");
}

static void test_table(void **state)
{
	(void)state;
	check("[{\"id\":\"a\",\"legs\":2,\"state\":\"up\"},"
	      "{\"id\":\"bbbb\",\"legs\":10,\"extra\":{\"k\":1}}]",
	      "ID    LEGS  STATE  EXTRA\n"
	      "a        2  up     -\n"
	      "bbbb    10  -      {\"k\":1}\n");
	/* right-aligned last column, null cells, list cells */
	check("[{\"name\":\"x\",\"sip\":[\"udp:a\",\"tcp:b\"],\"n\":null},"
	      "{\"name\":\"longer\",\"sip\":[],\"n\":123456}]",
	      "NAME    SIP                N\n"
	      "x       udp:a, tcp:b       -\n"
	      "longer  -             123456\n");
	/* widths count code points; only ASCII letters are upper-cased */
	check("[{\"na\xc3\xafve\":\"\xc3\xa9\",\"x\":1}]",
	      "NA\xc3\xafVE  X\n"
	      "\xc3\xa9      1\n");
}

static void test_arrays(void **state)
{
	(void)state;
	check("[]", "(empty)\n");
	check("[\"a\",1,null]", "a\n1\n-\n");
	check("[{\"a\":1},2]", "{\"a\":1}\n2\n");
	check("[{},{}]", "{}\n{}\n");
}

static void test_odd_strings(void **state)
{
	char *s;

	(void)state;
	check("{\"k\\n\":\"a\\nb\\tc\\r\\u001b[31m\\u007f\\u0085\xc3\xa9\\\\\"}",
	      "k\\n: a\\nb\\tc\\r\\x1b[31m\\x7f\\u0085\xc3\xa9\\\n");
	check("[{\"\\u0007\":\"\\u009b\"}]", "\\x07\n\\u009b\n");
	s = ctl_render_escape("plain");
	assert_string_equal(s, "plain");
	free(s);
	s = ctl_render_escape("");
	assert_string_equal(s, "");
	free(s);
}

static void test_help(void **state)
{
	char *text;

	(void)state;
	text = render_with(ctl_render_help,
			   "[{\"method\":\"ctl.help\",\"words\":\"help\","
			   "\"args\":\"[COMMAND...]\",\"help\":\"list\"},"
			   "{\"method\":\"sbc.status\",\"words\":\"status\","
			   "\"args\":\"\",\"help\":\"show \\u001b status\"}]", 0);
	assert_string_equal(text,
			    "help [COMMAND...]  list\n"
			    "status             show \\x1b status\n");
	free(text);
	text = render_with(ctl_render_help, "[{\"words\":\"x\"}]", -EINVAL);
	assert_string_equal(text, "");
	free(text);
	text = render_with(ctl_render_help, "{}", -EINVAL);
	free(text);
}

static void check_split(const char *line, const char *const *expect,
			size_t n)
{
	char **argv;
	size_t argc;

	assert_int_equal(ctl_words_split(line, &argv, &argc), 0);
	assert_int_equal(argc, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(argv[i], expect[i]);
	assert_null(argv[n]);
	ctl_words_free(argv);
}

static void test_split(void **state)
{
	static const char *const simple[] = { "log", "level", "debug" };
	static const char *const quoted[] = {
		"a", "b c", "d \\e", "f g", "h\"i\\j\\k", "", "x'y",
	};
	char **argv = NULL;
	size_t argc;

	(void)state;
	check_split("log level debug\n", simple, 3);
	check_split("  a\t\"b c\" 'd \\e' f\\ g \"h\\\"i\\\\j\\k\" '' \"x'y\"",
		    quoted, 7);
	check_split("", NULL, 0);
	check_split("   \t ", NULL, 0);
	assert_int_equal(ctl_words_split("a \"bc", &argv, &argc), -EINVAL);
	assert_int_equal(ctl_words_split("a 'bc", &argv, &argc), -EINVAL);
	assert_int_equal(ctl_words_split("a b\\", &argv, &argc), -EINVAL);
	ctl_words_free(NULL);
}

static json_t *help_list(void)
{
	json_t *help = json_loads(
		"[{\"method\":\"log.get\",\"words\":\"log\"},"
		"{\"method\":\"log.level\",\"words\":\"log level\"},"
		"{\"method\":\"b2b.calls\",\"words\":\"show calls\"},"
		"{\"method\":\"b2b.regs\",\"words\":\"show registrations\"},"
		"{\"method\":\"sbc.status\",\"words\":\"status\"},"
		"{\"method\":\"bad\"}]", 0, NULL);

	assert_non_null(help);
	return help;
}

/* the method matched by @line, and how many words it took */
static void check_match(const json_t *help, const char *line,
			const char *method, size_t consumed)
{
	const json_t *cmd;
	char **argv;
	size_t argc, n = 99;

	assert_int_equal(ctl_words_split(line, &argv, &argc), 0);
	cmd = ctl_words_match(help, argv, argc, &n);
	if (!method) {
		assert_null(cmd);
	} else {
		assert_non_null(cmd);
		assert_string_equal(json_string_value(json_object_get(cmd,
				    "method")), method);
		assert_int_equal(n, consumed);
	}
	ctl_words_free(argv);
}

static void test_match(void **state)
{
	json_t *help = help_list();

	(void)state;
	check_match(help, "log level debug", "log.level", 2);
	check_match(help, "log level", "log.level", 2);
	check_match(help, "log levelx", "log.get", 1);
	check_match(help, "log", "log.get", 1);
	check_match(help, "show calls extra 1", "b2b.calls", 2);
	check_match(help, "show", NULL, 0);
	check_match(help, "stat", NULL, 0);
	check_match(help, "", NULL, 0);
	json_decref(help);
}

/* completion candidates after @line for @prefix, joined by spaces */
static void check_next(const json_t *help, const char *line,
		       const char *prefix, const char *expect)
{
	char **argv, **next, joined[256] = "";
	size_t argc;

	assert_int_equal(ctl_words_split(line, &argv, &argc), 0);
	next = ctl_words_next(help, argv, argc, prefix);
	assert_non_null(next);
	for (size_t i = 0; next[i]; i++) {
		if (i > 0)
			strcat(joined, " ");
		strcat(joined, next[i]);
	}
	assert_string_equal(joined, expect);
	ctl_words_free(next);
	ctl_words_free(argv);
}

static void test_next(void **state)
{
	json_t *help = help_list();

	(void)state;
	check_next(help, "", "", "log show status");
	check_next(help, "", "s", "show status");
	check_next(help, "", "sh", "show");
	check_next(help, "log", "", "level");
	check_next(help, "show", "", "calls registrations");
	check_next(help, "show", "r", "registrations");
	check_next(help, "show calls", "", "");
	check_next(help, "status", "", "");
	check_next(help, "nope", "", "");
	check_next(help, "", "x", "");
	json_decref(help);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_object),
		cmocka_unit_test(test_nested),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_arrays),
		cmocka_unit_test(test_odd_strings),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_next),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
