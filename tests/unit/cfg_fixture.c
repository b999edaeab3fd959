/*
 * Shared fixture of the configuration unit tests: see cfg_fixture.h.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cfg.h"
#include "cfg_fixture.h"

/* a load of @text that must fail with EINVAL at @prefix, naming @part */
void expect_error(const char *text, const char *prefix, const char *part)
{
	char err[CFG_ERR_MAX];
	struct cfg *cfg;
	int e;

	errno = 0;
	cfg = cfg_load_string(text, "t.conf", err, sizeof(err));
	e = errno;
	if (cfg || strncmp(err, prefix, strlen(prefix)) || !strstr(err, part))
		print_error("expected \"%s...%s...\", got \"%s\"\n", prefix, part,
			    cfg ? "(loaded)" : err);
	cfg_free(cfg);
	assert_null(cfg);
	assert_int_equal(e, EINVAL);
	assert_memory_equal(err, prefix, strlen(prefix));
	assert_non_null(strstr(err, part));
}

/* a load of @text that must succeed */
struct cfg *expect_load(const char *text)
{
	char err[CFG_ERR_MAX];
	struct cfg *cfg = cfg_load_string(text, "t.conf", err, sizeof(err));

	if (!cfg)
		print_error("unexpected error: %s\n", err);
	assert_non_null(cfg);
	return cfg;
}

/* A string of @n copies of @ch, for length limits. */
char *repeat(char ch, size_t n)
{
	char *s = malloc(n + 1);

	assert_non_null(s);
	memset(s, ch, n);
	s[n] = '\0';
	return s;
}
