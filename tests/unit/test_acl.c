/*
 * Unit tests of the trusted-peer table (b2bua/acl.c): cidr parsing and
 * formatting, longest-prefix matching over IPv4 and IPv6 (IPv4-mapped
 * sources included), the port, transport and realm filters, the name
 * tie-break, and reloads (one that replaces the table, one that fails on
 * a corrupt record and keeps the old table).  Peers are put in a fresh
 * store per test (store_fixture.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/un.h>

#include "acl.h"
#include "store.h"
#include "store_fixture.h"

#define ANY_TRANSPORT ((enum cfg_transport)-1)

/* puts a peer; @port 0 = any */
static void peer_put(struct fixture *fx, const char *name, const char *realm,
		     const char *cidr, uint32_t port, const char *transport)
{
	struct store_peer p;
	struct store_txn *t;

	sample_peer(&p);
	snprintf(p.name, sizeof(p.name), "%s", name);
	snprintf(p.realm, sizeof(p.realm), "%s", realm);
	snprintf(p.cidr, sizeof(p.cidr), "%s", cidr);
	snprintf(p.transport, sizeof(p.transport), "%s", transport);
	p.port = port;
	t = fx_begin(fx, true);
	assert_int_equal(store_peer_put(t, &p), 0);
	assert_int_equal(store_txn_commit(t), 0);
}

static void peer_del(struct fixture *fx, const char *name)
{
	struct store_txn *t = fx_begin(fx, true);

	assert_int_equal(store_peer_del(t, name), 0);
	assert_int_equal(store_txn_commit(t), 0);
}

/* a source address; AF_INET6 when @addr has a ':' */
static struct sockaddr_storage src(const char *addr, uint16_t port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *in = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

	memset(&ss, 0, sizeof(ss));
	if (strchr(addr, ':')) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		assert_int_equal(inet_pton(AF_INET6, addr, &in6->sin6_addr), 1);
	} else {
		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		assert_int_equal(inet_pton(AF_INET, addr, &in->sin_addr), 1);
	}
	return ss;
}

/* name of the peer matched, or "-" for none */
static const char *match(const struct b2b_acl *acl, const char *realm,
			 const char *addr, uint16_t port,
			 enum cfg_transport transport)
{
	struct sockaddr_storage ss = src(addr, port);
	const struct store_peer *p;

	p = b2b_acl_match(acl, realm, (struct sockaddr *)&ss, transport);
	return p ? p->name : "-";
}

static struct b2b_acl *acl_loaded(struct fixture *fx)
{
	struct b2b_acl *acl = b2b_acl_new();

	assert_non_null(acl);
	assert_int_equal(b2b_acl_load(acl, fx->st), 0);
	return acl;
}

static void cidr_expect(const char *text, const char *canonical)
{
	struct b2b_cidr c;
	char buf[STORE_CIDR_MAX];

	assert_int_equal(b2b_cidr_parse(text, &c), 0);
	assert_int_equal(b2b_cidr_format(&c, buf, sizeof(buf)), 0);
	assert_string_equal(buf, canonical);
}

static void test_cidr_parse(void **state)
{
	static const char *const bad[] = {
		"", "/24", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/-1",
		"10.0.0.0/+8", "10.0.0.0/0024", "10.0.0.0/8x", "10.0.0",
		"10.0.0.256", "10.0.0.0 /8", " 10.0.0.0", "2001:db8::/129",
		"2001:db8::1%eth0", "[2001:db8::1]", "host.example",
		"10.0.0.0/8/8", "10.0.0.1:5060",
	};
	struct b2b_cidr c = { .af = 99 };
	char small[8];

	(void)state;
	cidr_expect("10.10.2.0/24", "10.10.2.0/24");
	cidr_expect("10.10.2.77/24", "10.10.2.0/24");
	cidr_expect("10.10.2.77", "10.10.2.77/32");
	cidr_expect("10.10.2.255/25", "10.10.2.128/25");
	cidr_expect("0.0.0.0/0", "0.0.0.0/0");
	cidr_expect("255.255.255.255/1", "128.0.0.0/1");
	cidr_expect("2001:db8:ffff::1/32", "2001:db8::/32");
	cidr_expect("2001:DB8::1", "2001:db8::1/128");
	cidr_expect("2001:db8:1:ffff::/57", "2001:db8:1:ff80::/57");
	cidr_expect("::/0", "::/0");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (b2b_cidr_parse(bad[i], &c) != -EINVAL)
			fail_msg("accepted cidr '%s'", bad[i]);
	}
	assert_int_equal(c.af, 99);	/* untouched */

	assert_int_equal(b2b_cidr_parse("10.0.0.0/8", &c), 0);
	assert_int_equal(b2b_cidr_format(&c, small, sizeof(small)), -ENOSPC);
	assert_string_equal(small, "");
	c.af = AF_UNIX;
	assert_int_equal(b2b_cidr_format(&c, small, sizeof(small)), -EINVAL);
}

static void test_transport_parse(void **state)
{
	enum cfg_transport t = CFG_TRANSPORT_UDP;

	(void)state;
	assert_int_equal(b2b_transport_parse("tls", &t), 0);
	assert_int_equal(t, CFG_TRANSPORT_TLS);
	assert_int_equal(b2b_transport_parse("tcp", &t), 0);
	assert_int_equal(t, CFG_TRANSPORT_TCP);
	assert_int_equal(b2b_transport_parse("udp", &t), 0);
	assert_int_equal(t, CFG_TRANSPORT_UDP);
	assert_int_equal(b2b_transport_parse("UDP", &t), -EINVAL);
	assert_int_equal(b2b_transport_parse("sctp", &t), -EINVAL);
	assert_int_equal(b2b_transport_parse("", &t), -EINVAL);
}

static void test_empty(void **state)
{
	struct fixture *fx = *state;
	struct b2b_acl *acl = acl_loaded(fx);

	assert_int_equal(b2b_acl_count(acl), 0);
	assert_string_equal(match(acl, NULL, "10.0.0.1", 5060, ANY_TRANSPORT),
			    "-");
	b2b_acl_free(acl);
	b2b_acl_free(NULL);
}

/* one lookup and the peer it must find ("-": none) */
struct probe {
	const char *realm;	/* NULL: any realm */
	const char *addr;
	uint16_t port;
	int transport;		/* an enum cfg_transport, or -1 for any */
	const char *want;
};

static void probes_check(const struct b2b_acl *acl, const struct probe *pr,
			 size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *got = match(acl, pr[i].realm, pr[i].addr,
					pr[i].port,
					(enum cfg_transport)pr[i].transport);

		if (strcmp(got, pr[i].want) != 0)
			fail_msg("realm %s, %s port %u, transport %d: got %s, want %s",
				 pr[i].realm ? pr[i].realm : "(any)",
				 pr[i].addr, pr[i].port, pr[i].transport, got,
				 pr[i].want);
	}
}

#define PROBES(acl, pr) probes_check(acl, pr, sizeof(pr) / sizeof(pr[0]))
#define UDP CFG_TRANSPORT_UDP
#define TCP CFG_TRANSPORT_TCP
#define TLS CFG_TRANSPORT_TLS
#define ANY (-1)

static void test_longest_prefix_v4(void **state)
{
	static const struct probe pr[] = {
		{ "carrier", "10.10.2.10", 5060, UDP, "host" },
		{ "carrier", "10.10.2.11", 5060, UDP, "net24" },
		{ "carrier", "10.10.9.1", 5060, UDP, "net16" },
		{ "carrier", "10.200.0.1", 5060, UDP, "net8" },
		{ "carrier", "10.10.3.200", 5060, UDP, "odd25" },
		{ "carrier", "10.10.3.127", 5060, UDP, "net16" },
		{ "carrier", "11.0.0.1", 5060, UDP, "-" },
		/* IPv4 peers never match an IPv6 source, but a mapped one */
		{ "carrier", "2001:db8::1", 5060, UDP, "-" },
		{ "carrier", "::ffff:10.10.2.10", 5060, UDP, "host" },
		{ "carrier", "::10.10.2.10", 5060, UDP, "-" },
	};
	struct fixture *fx = *state;
	struct b2b_acl *acl;

	peer_put(fx, "net8", "carrier", "10.0.0.0/8", 0, "udp");
	peer_put(fx, "net16", "carrier", "10.10.0.0/16", 0, "udp");
	peer_put(fx, "net24", "carrier", "10.10.2.0/24", 0, "udp");
	peer_put(fx, "host", "carrier", "10.10.2.10", 0, "udp");
	peer_put(fx, "odd25", "carrier", "10.10.3.128/25", 0, "udp");
	acl = acl_loaded(fx);
	assert_int_equal(b2b_acl_count(acl), 5);
	PROBES(acl, pr);
	b2b_acl_free(acl);
}

static void test_longest_prefix_v6(void **state)
{
	static const struct probe pr[] = {
		{ NULL, "2001:db8:1::10", 1, ANY, "v6host" },
		{ NULL, "2001:db8:1::11", 1, ANY, "v6site" },
		{ NULL, "2001:db8:1:ffff::1", 1, ANY, "v6odd" },
		{ NULL, "2001:db8:1:ff7f::1", 1, ANY, "v6site" },
		{ NULL, "2001:db8:2::1", 1, ANY, "v6wide" },
		{ NULL, "2001:db9::1", 1, ANY, "-" },
		/* 0.0.0.0/0 covers every IPv4 source and no IPv6 one */
		{ NULL, "192.0.2.1", 1, ANY, "v4all" },
		{ NULL, "::1", 1, ANY, "-" },
	};
	struct fixture *fx = *state;
	struct b2b_acl *acl;

	peer_put(fx, "v6wide", "carrier", "2001:db8::/32", 0, "udp");
	peer_put(fx, "v6site", "carrier", "2001:db8:1::/48", 0, "udp");
	peer_put(fx, "v6odd", "carrier", "2001:db8:1:ff80::/57", 0, "udp");
	peer_put(fx, "v6host", "carrier", "2001:db8:1::10", 0, "udp");
	peer_put(fx, "v4all", "carrier", "0.0.0.0/0", 0, "udp");
	acl = acl_loaded(fx);
	PROBES(acl, pr);
	b2b_acl_free(acl);
}

static void test_port_and_transport(void **state)
{
	static const struct probe pr[] = {
		{ "access", "192.0.2.10", 5061, TLS, "pbx-tls" },
		/* wrong port or transport for the host entry: the /24 may */
		{ "access", "192.0.2.10", 5062, TLS, "-" },
		{ "access", "192.0.2.10", 5061, UDP, "-" },
		{ "access", "192.0.2.10", 5061, TCP, "pbx-any-port" },
		{ "access", "192.0.2.10", 40000, TCP, "pbx-any-port" },
		/* any transport: the longest prefix whose port fits */
		{ "access", "192.0.2.10", 5061, ANY, "pbx-tls" },
		{ "access", "192.0.2.10", 5062, ANY, "pbx-any-port" },
	};
	struct fixture *fx = *state;
	struct b2b_acl *acl;

	peer_put(fx, "pbx-tls", "access", "192.0.2.10", 5061, "tls");
	peer_put(fx, "pbx-any-port", "access", "192.0.2.0/24", 0, "tcp");
	acl = acl_loaded(fx);
	PROBES(acl, pr);
	b2b_acl_free(acl);
}

static void test_realm(void **state)
{
	static const struct probe pr[] = {
		{ "carrier", "10.10.1.10", 5060, UDP, "carrier-net" },
		{ "access", "10.10.1.10", 5060, UDP, "access-pbx" },
		{ "access", "10.10.2.10", 5060, UDP, "-" },
		{ "other", "10.10.1.10", 5060, UDP, "-" },
		/* NULL: any realm, still the longest prefix */
		{ NULL, "10.10.1.10", 5060, UDP, "access-pbx" },
		{ NULL, "10.10.2.10", 5060, UDP, "carrier-net" },
	};
	struct fixture *fx = *state;
	struct b2b_acl *acl;

	peer_put(fx, "carrier-net", "carrier", "10.10.0.0/16", 0, "udp");
	peer_put(fx, "access-pbx", "access", "10.10.1.10", 0, "udp");
	acl = acl_loaded(fx);
	PROBES(acl, pr);
	b2b_acl_free(acl);
}

/* equal prefixes: the lowest name wins, whatever the store order */
static void test_tie_break(void **state)
{
	struct fixture *fx = *state;
	struct b2b_acl *acl;
	struct sockaddr_un un = { .sun_family = AF_UNIX };

	peer_put(fx, "b-peer", "carrier", "10.10.2.0/24", 0, "udp");
	peer_put(fx, "a-peer", "carrier", "10.10.2.99/24", 0, "udp");
	peer_put(fx, "c-peer", "carrier", "10.10.2.0/24", 0, "udp");
	acl = acl_loaded(fx);
	assert_string_equal(match(acl, NULL, "10.10.2.1", 5060, ANY_TRANSPORT),
			    "a-peer");
	assert_null(b2b_acl_match(acl, NULL, (struct sockaddr *)&un,
				  ANY_TRANSPORT));
	b2b_acl_free(acl);
}

static void test_reload_replaces(void **state)
{
	struct fixture *fx = *state;
	struct b2b_acl *acl;
	const struct store_peer *p;
	struct sockaddr_storage ss = src("10.10.2.10", 5060);

	peer_put(fx, "old", "carrier", "10.10.2.0/24", 0, "udp");
	acl = acl_loaded(fx);
	assert_string_equal(match(acl, NULL, "10.10.2.10", 5060, ANY_TRANSPORT),
			    "old");

	peer_del(fx, "old");
	peer_put(fx, "new", "carrier", "10.10.2.10", 0, "udp");
	peer_put(fx, "other", "access", "192.0.2.0/24", 0, "udp");
	/* not reloaded yet: the table is the old one */
	assert_string_equal(match(acl, NULL, "10.10.2.10", 5060, ANY_TRANSPORT),
			    "old");
	assert_int_equal(b2b_acl_load(acl, fx->st), 0);
	assert_int_equal(b2b_acl_count(acl), 2);
	p = b2b_acl_match(acl, NULL, (struct sockaddr *)&ss, ANY_TRANSPORT);
	assert_non_null(p);
	assert_string_equal(p->name, "new");
	assert_string_equal(p->cidr, "10.10.2.10");
	assert_string_equal(p->realm, "carrier");

	peer_del(fx, "new");
	peer_del(fx, "other");
	assert_int_equal(b2b_acl_load(acl, fx->st), 0);
	assert_int_equal(b2b_acl_count(acl), 0);
	assert_string_equal(match(acl, NULL, "10.10.2.10", 5060, ANY_TRANSPORT),
			    "-");
	b2b_acl_free(acl);
}

/* a corrupt peer record fails the load; the table in force stays */
static void test_reload_error_keeps_table(void **state)
{
	static const char bad[] = "{\"v\":1,\"name\":\"bad\"}";
	struct fixture *fx = *state;
	struct b2b_acl *acl;

	peer_put(fx, "good", "carrier", "10.10.2.0/24", 0, "udp");
	acl = acl_loaded(fx);
	store_close(fx->st);
	fx->st = NULL;
	fx_raw_put(fx->dir, "peers", "bad", 3, bad, strlen(bad));
	fx_reopen(fx);

	assert_int_equal(b2b_acl_load(acl, fx->st), -EPROTO);
	assert_int_equal(b2b_acl_count(acl), 1);
	assert_string_equal(match(acl, NULL, "10.10.2.10", 5060, ANY_TRANSPORT),
			    "good");
	b2b_acl_free(acl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cidr_parse),
		cmocka_unit_test(test_transport_parse),
		FX_TEST(test_empty),
		FX_TEST(test_longest_prefix_v4),
		FX_TEST(test_longest_prefix_v6),
		FX_TEST(test_port_and_transport),
		FX_TEST(test_realm),
		FX_TEST(test_tie_break),
		FX_TEST(test_reload_replaces),
		FX_TEST(test_reload_error_keeps_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
