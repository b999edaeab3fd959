/*
 * Shared fixture of the configuration unit tests (test_cfg*.c): valid realms
 * to build inline configurations from, and loads of such a text as "t.conf"
 * that fail the running cmocka test when the outcome is not the expected one.
 */
#ifndef CFG_FIXTURE_H
#define CFG_FIXTURE_H

#include <stddef.h>

#include "cfg.h"

/* Valid realms on one line each, so line numbers in tests stay obvious. */
#define REALM_A "{ name = \"a\"; sip = ( { transport = \"udp\"; " \
	"address = \"192.0.2.1\"; } ); media_address = \"192.0.2.2\"; " \
	"media_ports = { min = 20000; max = 29999; }; }"
#define REALM_B "{ name = \"b\"; sip = ( { transport = \"udp\"; " \
	"address = \"198.51.100.1\"; } ); media_address = \"198.51.100.2\"; " \
	"media_ports = { min = 30000; max = 39999; }; }"

/*
 * Load @text as "t.conf" and check that it fails with EINVAL and a message
 * starting with @prefix ("t.conf:LINE: path: ") and containing @part.
 */
void expect_error(const char *text, const char *prefix, const char *part);

/* Load @text as "t.conf", which must succeed; the caller frees the cfg. */
struct cfg *expect_load(const char *text);

/* A string of @n copies of @ch, for length limits; the caller frees it. */
char *repeat(char ch, size_t n);

#endif
