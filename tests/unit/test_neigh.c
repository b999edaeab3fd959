/*
 * Unit tests for dataplane/neigh.c: ARP and NS answered in place (every
 * byte of the reply checked, the ICMPv6 checksum by an independent RFC 1071
 * sum), requests for other addresses left untouched, learning (requests,
 * replies, gratuitous ARP, NA), malformed ARP and ND dropped, requests for
 * unresolved next hops at most once per second (tagged on a VLAN port), the
 * aging timers, a full table, and the gateway as next hop; the lock-free
 * readers are test_neigh_shared.c's.  Frames are built byte by byte here;
 * time is a plain counter in milliseconds (hz = 1000).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "neigh.h"

#define HZ 1000
#define BUF 256

static const uint8_t our_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t peer_mac[6] = { 0x02, 0, 0, 0, 0, 0xaa };
static const uint8_t peer2_mac[6] = { 0x02, 0, 0, 0, 0, 0xbb };
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t zero6[6];
static const uint8_t our4[4] = { 192, 0, 2, 1 };
static const uint8_t peer4[4] = { 192, 0, 2, 10 };
static const uint8_t other4[4] = { 192, 0, 2, 99 };
static const uint8_t gw4[4] = { 192, 0, 2, 254 };
static const uint8_t far4[4] = { 198, 51, 100, 7 };
static const uint8_t our6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x01 };
static const uint8_t peer6[16] = { 0x20, 0x01, 0x0d, 0xb8, [13] = 0xab,
				   0xcd, 0xef };
static const uint8_t other6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x99 };
static const uint8_t unspec6[16];
static const uint8_t all_nodes6[16] = { 0xff, 0x02, [15] = 0x01 };
/* ff02::1:ff00:1, the solicited-node group of our6 */
static const uint8_t sn_our6[16] = { 0xff, 0x02, [11] = 0x01, 0xff,
				     [15] = 0x01 };

static void put16(uint8_t *b, uint16_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

/* RFC 1071 over the IPv6 pseudo-header and the ICMPv6 message at ip6 + 40 */
static uint16_t ref_icmp6_cksum(const uint8_t *ip6, unsigned len)
{
	const uint8_t *m = ip6 + 40;
	uint32_t s = len + 58;

	for (unsigned i = 8; i < 40; i += 2)
		s += get16(ip6 + i);
	for (unsigned i = 0; i < len; i += 2)
		s += (uint32_t)m[i] << 8 | (i + 1 < len ? m[i + 1] : 0);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static struct dp_neigh *new_neigh(int v6, const uint8_t *gw, int gw_af)
{
	struct dp_neigh_conf c = { .n_own = 1, .hz = HZ, .seed = 7 };
	struct dp_neigh *n = calloc(1, sizeof(*n));

	assert_non_null(n);
	memcpy(c.mac.addr_bytes, our_mac, 6);
	c.own[0].af = AF_INET;
	memcpy(&c.own[0].u.v4, our4, 4);
	if (v6) {
		c.own[1].af = AF_INET6;
		memcpy(&c.own[1].u.v6, our6, 16);
		c.n_own = 2;
	}
	if (gw) {
		c.gateway.af = gw_af;
		memcpy(&c.gateway.u, gw, gw_af == AF_INET ? 4 : 16);
	}
	assert_int_equal(dp_neigh_init(n, &c), 0);
	return n;
}

static int setup(void **state)
{
	*state = new_neigh(1, NULL, 0);
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

/* an Ethernet/IPv4 ARP frame padded to 60 bytes, optionally VLAN-tagged */
static uint16_t arp_frame(uint8_t *f, int vlan, uint16_t op,
			  const uint8_t *eth_dst, const uint8_t *sha,
			  const uint8_t *spa, const uint8_t *tha,
			  const uint8_t *tpa)
{
	uint8_t *a = f + 14 + (vlan ? 4 : 0);

	memset(f, 0, BUF);
	memcpy(f, eth_dst, 6);
	memcpy(f + 6, sha, 6);
	if (vlan) {
		put16(f + 12, 0x8100);
		put16(f + 14, 100);
	}
	put16(a - 2, 0x0806);
	put16(a, 1);
	put16(a + 2, 0x0800);
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, op);
	memcpy(a + 8, sha, 6);
	memcpy(a + 14, spa, 4);
	memcpy(a + 18, tha, 6);
	memcpy(a + 24, tpa, 4);
	return 60;
}

/* an NS or NA with an optional link-layer option, checksum filled in */
static uint16_t nd_frame(uint8_t *f, uint8_t type, uint8_t flags,
			 const uint8_t *eth_src, const uint8_t *src,
			 const uint8_t *dst, const uint8_t *target,
			 const uint8_t *lla)
{
	uint8_t *ip = f + 14, *m = ip + 40;
	uint16_t len = lla ? 32 : 24;

	memset(f, 0, BUF);
	memcpy(f, dst[0] == 0xff ? bcast : our_mac, 6);
	memcpy(f + 6, eth_src, 6);
	put16(f + 12, 0x86dd);
	ip[0] = 0x60;
	put16(ip + 4, len);
	ip[6] = 58;
	ip[7] = 255;
	memcpy(ip + 8, src, 16);
	memcpy(ip + 24, dst, 16);
	m[0] = type;
	m[4] = flags;
	memcpy(m + 8, target, 16);
	if (lla) {
		m[24] = type == 135 ? 1 : 2;
		m[25] = 1;
		memcpy(m + 26, lla, 6);
	}
	put16(m + 2, ref_icmp6_cksum(ip, len));
	return (uint16_t)(14 + 40 + len);
}

static void recksum(uint8_t *f)
{
	put16(f + 56, 0);
	put16(f + 56, ref_icmp6_cksum(f + 14, get16(f + 18)));
}

static enum dp_neigh_verdict input(struct dp_neigh *n, uint8_t *f,
				   uint16_t len, uint16_t tailroom,
				   uint64_t now, struct dp_pkt *p)
{
	dp_pkt_parse(f, len, 0, p);
	p->tailroom = (uint16_t)(p->tailroom + tailroom);
	return dp_neigh_input(n, p, now);
}

/* input() that must leave the frame byte for byte as it was */
static void expect_untouched_at(struct dp_neigh *n, uint8_t *f, uint16_t len,
				uint16_t tailroom, uint64_t now,
				enum dp_neigh_verdict want)
{
	uint8_t copy[BUF];
	struct dp_pkt p;

	memcpy(copy, f, BUF);
	assert_int_equal(input(n, f, len, tailroom, now, &p), want);
	assert_memory_equal(f, copy, BUF);
}

static void expect_untouched(struct dp_neigh *n, uint8_t *f, uint16_t len,
			     enum dp_neigh_verdict want)
{
	expect_untouched_at(n, f, len, 64, 0, want);
}

static enum dp_neigh_state state_of(struct dp_neigh *n, int af,
				    const uint8_t *a, uint64_t now,
				    const uint8_t *want_mac)
{
	struct rte_ether_addr mac;
	enum dp_neigh_state s = dp_neigh_query(n, af, a, now, &mac);

	if (want_mac)
		assert_memory_equal(mac.addr_bytes, want_mac, 6);
	return s;
}

/* resolve; returns the result, *plen the probe's length */
static int resolve(struct dp_neigh *n, int af, const uint8_t *dst,
		   uint64_t now, uint8_t *mac, uint8_t *probe, uint16_t *plen)
{
	struct rte_ether_addr m;
	int r = dp_neigh_resolve(n, af, dst, now, &m, probe, plen);

	if (r == 0 && mac)
		memcpy(mac, m.addr_bytes, 6);
	return r;
}

/* an untagged 60-byte ARP frame from us: every field and the padding */
static void check_arp(const uint8_t *f, const uint8_t *eth_dst, uint16_t op,
		      const uint8_t *tha, const uint8_t *tpa)
{
	const uint8_t *a = f + 14;

	assert_memory_equal(f, eth_dst, 6);
	assert_memory_equal(f + 6, our_mac, 6);
	assert_int_equal(get16(f + 12), 0x0806);
	assert_int_equal(get16(a), 1);
	assert_int_equal(get16(a + 2), 0x0800);
	assert_int_equal(a[4], 6);
	assert_int_equal(a[5], 4);
	assert_int_equal(get16(a + 6), op);
	assert_memory_equal(a + 8, our_mac, 6);
	assert_memory_equal(a + 14, our4, 4);
	assert_memory_equal(a + 18, tha, 6);
	assert_memory_equal(a + 24, tpa, 4);
	for (unsigned i = 42; i < 60; i++)
		assert_int_equal(f[i], 0);
}

static void test_arp_request_reply(void **state)
{
	struct dp_neigh *n = *state;
	uint8_t f[BUF];
	struct dp_pkt p;

	arp_frame(f, 0, 1, bcast, peer_mac, peer4, zero6, our4);
	assert_int_equal(input(n, f, 60, 0, 0, &p), DP_NEIGH_REPLY);
	assert_int_equal(p.len, 60);
	check_arp(f, peer_mac, 2, peer_mac, peer4);
	/* RFC 826: we were the target, so the sender is added, STALE */
	assert_int_equal(state_of(n, AF_INET, peer4, 0, peer_mac),
			 DP_NEIGH_STALE);

	/* behind a VLAN tag: the tag stays, the reply is the same */
	arp_frame(f, 1, 1, bcast, peer_mac, peer4, zero6, our4);
	assert_int_equal(input(n, f, 60, 0, 0, &p), DP_NEIGH_REPLY);
	assert_int_equal(get16(f + 12), 0x8100);
	assert_int_equal(get16(f + 14), 100);
	assert_int_equal(get16(f + 16), 0x0806);
	assert_int_equal(get16(f + 18 + 6), 2);
	assert_memory_equal(f + 18 + 18, peer_mac, 6);
}

static void test_arp_not_mine(void **state)
{
	struct dp_neigh *n = *state;
	uint8_t f[BUF];

	arp_frame(f, 0, 1, bcast, peer_mac, peer4, zero6, other4);
	expect_untouched(n, f, 60, DP_NEIGH_NOT_MINE);
	/* not the target, no entry: nothing learned */
	assert_int_equal(state_of(n, AF_INET, peer4, 0, NULL), DP_NEIGH_FREE);
	/* a reply to someone else */
	arp_frame(f, 0, 2, peer2_mac, peer_mac, peer4, peer2_mac, other4);
	expect_untouched(n, f, 60, DP_NEIGH_NOT_MINE);
}

static void test_arp_gratuitous(void **state)
{
	struct dp_neigh *n = *state;
	uint8_t f[BUF], probe[DP_NEIGH_PROBE_MAX], mac[6];
	uint16_t plen;

	/* for a host we do not talk to: handed on, not added */
	arp_frame(f, 0, 1, bcast, peer2_mac, other4, zero6, other4);
	expect_untouched(n, f, 60, DP_NEIGH_NOT_MINE);
	assert_int_equal(state_of(n, AF_INET, other4, 0, NULL), DP_NEIGH_FREE);

	/* for one being resolved: the announcement resolves it */
	assert_int_equal(resolve(n, AF_INET, peer4, 0, NULL, probe, &plen),
			 -EAGAIN);
	arp_frame(f, 0, 1, bcast, peer_mac, peer4, zero6, peer4);
	expect_untouched(n, f, 60, DP_NEIGH_NOT_MINE);
	assert_int_equal(state_of(n, AF_INET, peer4, 0, peer_mac),
			 DP_NEIGH_STALE);
	assert_int_equal(resolve(n, AF_INET, peer4, 10, mac, probe, &plen), 0);
	assert_memory_equal(mac, peer_mac, 6);

	/* a reply confirms it; a later announcement moves it (RFC 5227) */
	arp_frame(f, 0, 2, our_mac, peer_mac, peer4, our_mac, our4);
	assert_int_equal(input(n, f, 60, 0, 20, &(struct dp_pkt){ 0 }),
			 DP_NEIGH_CONSUMED);
	assert_int_equal(state_of(n, AF_INET, peer4, 20, NULL),
			 DP_NEIGH_REACHABLE);
	arp_frame(f, 0, 2, bcast, peer2_mac, peer4, bcast, peer4);
	expect_untouched_at(n, f, 60, 0, 25, DP_NEIGH_NOT_MINE);
	assert_int_equal(state_of(n, AF_INET, peer4, 30, peer2_mac),
			 DP_NEIGH_STALE);
}

static void test_arp_malformed(void **state)
{
	struct dp_neigh *n = *state;
	uint8_t f[BUF];

	/* short: the parser says malformed, the handler drops it */
	arp_frame(f, 0, 1, bcast, peer_mac, peer4, zero6, our4);
	expect_untouched(n, f, 41, DP_NEIGH_DROP);
	/* hardware type 6 (IEEE 802) */
	put16(f + 14, 6);
	expect_untouched(n, f, 60, DP_NEIGH_DROP);
	/* protocol IPv6 */
	arp_frame(f, 0, 1, bcast, peer_mac, peer4, zero6, our4);
	put16(f + 16, 0x86dd);
	expect_untouched(n, f, 60, DP_NEIGH_DROP);
	/* hardware length 8 */
	arp_frame(f, 0, 1, bcast, peer_mac, peer4, zero6, our4);
	f[18] = 8;
	expect_untouched(n, f, 60, DP_NEIGH_DROP);
	/* RARP opcode */
	arp_frame(f, 0, 3, bcast, peer_mac, peer4, zero6, our4);
	expect_untouched(n, f, 60, DP_NEIGH_DROP);
	/* broadcast sender hardware address */
	arp_frame(f, 0, 1, bcast, bcast, peer4, zero6, our4);
	expect_untouched(n, f, 60, DP_NEIGH_DROP);
	assert_int_equal(state_of(n, AF_INET, peer4, 0, NULL), DP_NEIGH_FREE);
}

/* an untagged ND frame from us: IPv6 header, message, option, checksum */
static void check_nd(const uint8_t *f, const uint8_t *eth_dst, uint8_t type,
		     uint8_t flags, const uint8_t *ip_dst,
		     const uint8_t *target)
{
	const uint8_t *ip = f + 14, *m = ip + 40;

	assert_memory_equal(f, eth_dst, 6);
	assert_memory_equal(f + 6, our_mac, 6);
	assert_int_equal(get16(f + 12), 0x86dd);
	assert_int_equal(ip[0], 0x60);
	assert_int_equal(ip[1] | ip[2] | ip[3], 0);
	assert_int_equal(get16(ip + 4), 32);
	assert_int_equal(ip[6], 58);
	assert_int_equal(ip[7], 255);
	assert_memory_equal(ip + 8, our6, 16);
	assert_memory_equal(ip + 24, ip_dst, 16);
	assert_int_equal(m[0], type);
	assert_int_equal(m[1], 0);
	assert_int_equal(m[4], flags);
	assert_int_equal(m[5] | m[6] | m[7], 0);
	assert_memory_equal(m + 8, target, 16);
	/* NS: source link-layer address option; NA: target's */
	assert_int_equal(m[24], type == 135 ? 1 : 2);
	assert_int_equal(m[25], 1);
	assert_memory_equal(m + 26, our_mac, 6);
	assert_int_equal(ref_icmp6_cksum(ip, 32), 0);
}

static void test_ns_reply(void **state)
{
	struct dp_neigh *n = *state;
	uint8_t f[BUF];
	struct dp_pkt p;
	uint16_t len;

	/* to the solicited-node group, with a source link-layer option */
	len = nd_frame(f, 135, 0, peer2_mac, peer6, sn_our6, our6, peer_mac);
	assert_int_equal(input(n, f, len, 0, 0, &p), DP_NEIGH_REPLY);
	assert_int_equal(p.len, 14 + 40 + 32);
	/* section 7.2.4: to the option's address, solicited and override */
	check_nd(f, peer_mac, 136, 0x60, peer6, our6);
	assert_int_equal(state_of(n, AF_INET6, peer6, 0, peer_mac),
			 DP_NEIGH_STALE);

	/* unicast without the option: to the frame's source, nothing learned;
	 * the NA is 8 bytes longer and needs that much tailroom */
	len = nd_frame(f, 135, 0, peer2_mac, other6, our6, our6, NULL);
	expect_untouched_at(n, f, len, 0, 0, DP_NEIGH_DROP);
	assert_int_equal(input(n, f, len, 8, 0, &p), DP_NEIGH_REPLY);
	assert_int_equal(p.len, 86);
	assert_int_equal(p.tailroom, 0);
	check_nd(f, peer2_mac, 136, 0x60, other6, our6);
	assert_int_equal(state_of(n, AF_INET6, other6, 0, NULL),
			 DP_NEIGH_FREE);
}

static void test_ns_dad(void **state)
{
	struct dp_neigh *n = *state;
	uint8_t f[BUF];
	struct dp_pkt p;
	uint16_t len;

	/* section 7.2.4: unsolicited NA to all-nodes */
	len = nd_frame(f, 135, 0, peer_mac, unspec6, sn_our6, our6, NULL);
	assert_int_equal(input(n, f, len, 8, 0, &p), DP_NEIGH_REPLY);
	check_nd(f, (const uint8_t[]){ 0x33, 0x33, 0, 0, 0, 1 }, 136, 0x20,
		 all_nodes6, our6);
	/* section 7.1.1: DAD with a source link-layer option, or not sent to
	 * a solicited-node group, is invalid */
	len = nd_frame(f, 135, 0, peer_mac, unspec6, sn_our6, our6, peer_mac);
	expect_untouched(n, f, len, DP_NEIGH_DROP);
	len = nd_frame(f, 135, 0, peer_mac, unspec6, our6, our6, NULL);
	expect_untouched(n, f, len, DP_NEIGH_DROP);
}

static void test_ns_not_mine(void **state)
{
	struct dp_neigh *n = *state;
	uint8_t f[BUF];
	uint16_t len;

	len = nd_frame(f, 135, 0, peer_mac, peer6, sn_our6, other6, peer_mac);
	expect_untouched(n, f, len, DP_NEIGH_NOT_MINE);
	assert_int_equal(state_of(n, AF_INET6, peer6, 0, NULL), DP_NEIGH_FREE);
}

static void test_nd_malformed(void **state)
{
	struct dp_neigh *n = *state;
	uint8_t f[BUF];
	uint16_t len;

	/* one byte of a valid NS changed, checksum fixed up where asked */
	static const struct {
		uint16_t off;
		uint8_t val;
		bool recksum;
	} bad[] = {
		{ 21, 64, false },		/* 7.1.1: hop limit not 255 */
		{ 57, 0x5a, false },		/* checksum */
		{ 55, 1, true },		/* code 1 */
		{ 14 + 40 + 25, 0, true },	/* option of length 0 */
		{ 14 + 40 + 25, 2, true },	/* option past the message */
	};

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		len = nd_frame(f, 135, 0, peer_mac, peer6, sn_our6, our6,
			       peer_mac);
		f[bad[i].off] = bad[i].val;
		if (bad[i].recksum)
			recksum(f);
		expect_untouched(n, f, len, DP_NEIGH_DROP);
	}
	/* multicast target */
	len = nd_frame(f, 135, 0, peer_mac, peer6, sn_our6, sn_our6, NULL);
	expect_untouched(n, f, len, DP_NEIGH_DROP);
	/* short: the parser says malformed */
	len = nd_frame(f, 135, 0, peer_mac, peer6, sn_our6, our6, NULL);
	put16(f + 18, 20);
	expect_untouched(n, f, 14 + 40 + 20, DP_NEIGH_DROP);
	/* NA solicited but sent to a group (section 7.1.2) */
	len = nd_frame(f, 136, 0x60, peer_mac, peer6, all_nodes6, peer6,
		       peer_mac);
	expect_untouched(n, f, len, DP_NEIGH_DROP);
	assert_int_equal(state_of(n, AF_INET6, peer6, 0, NULL), DP_NEIGH_FREE);
}

static void test_probe_bytes(void **state)
{
	struct dp_neigh *n = *state;
	uint8_t pr[DP_NEIGH_PROBE_MAX], f[BUF], mac[6];
	uint16_t plen, len;

	/* ARP: broadcast request from our address, padded */
	assert_int_equal(resolve(n, AF_INET, peer4, 0, NULL, pr, &plen),
			 -EAGAIN);
	assert_int_equal(plen, 60);
	check_arp(pr, bcast, 1, zero6, peer4);

	/* NS to ff02::1:ffab:cdef at 33:33:ff:ab:cd:ef (RFC 4861 7.2.2) */
	assert_int_equal(resolve(n, AF_INET6, peer6, 0, NULL, pr, &plen),
			 -EAGAIN);
	assert_int_equal(plen, 86);
	check_nd(pr, (const uint8_t[]){ 0x33, 0x33, 0xff, 0xab, 0xcd, 0xef },
		 135, 0, (const uint8_t[]){ 0xff, 0x02, [11] = 1, 0xff, 0xab,
					    0xcd, 0xef }, peer6);

	/* the solicited NA makes it REACHABLE (section 7.2.5) */
	len = nd_frame(f, 136, 0x60, peer_mac, peer6, our6, peer6, peer_mac);
	assert_int_equal(input(n, f, len, 0, 5, &(struct dp_pkt){ 0 }),
			 DP_NEIGH_CONSUMED);
	assert_int_equal(resolve(n, AF_INET6, peer6, 6, mac, pr, &plen), 0);
	assert_int_equal(plen, 0);
	assert_memory_equal(mac, peer_mac, 6);
}

/* @tagged without its 802.1Q tag, which must be VID 100, priority 0 */
static void untag(const uint8_t *tagged, uint16_t len, uint8_t *f)
{
	assert_int_equal(get16(tagged + 12), 0x8100);
	assert_int_equal(get16(tagged + 14), 100);
	memset(f, 0, BUF);
	memcpy(f, tagged, 12);
	memcpy(f + 12, tagged + 16, (size_t)(len - 16));
}

/* a port on VLAN 100 sends its requests tagged, the ARP one padded to 64 */
static void test_vlan_probes(void **state)
{
	struct dp_neigh_conf c = { .n_own = 2, .hz = HZ, .vlan = 100 };
	struct dp_neigh *n = calloc(1, sizeof(*n));
	uint8_t pr[DP_NEIGH_PROBE_MAX], f[BUF];
	uint16_t plen;

	(void)state;
	assert_non_null(n);
	memcpy(c.mac.addr_bytes, our_mac, 6);
	c.own[0].af = AF_INET;
	memcpy(&c.own[0].u.v4, our4, 4);
	c.own[1].af = AF_INET6;
	memcpy(&c.own[1].u.v6, our6, 16);
	assert_int_equal(dp_neigh_init(n, &c), 0);

	assert_int_equal(resolve(n, AF_INET, peer4, 0, NULL, pr, &plen),
			 -EAGAIN);
	assert_int_equal(plen, 64);
	untag(pr, plen, f);
	check_arp(f, bcast, 1, zero6, peer4);

	assert_int_equal(resolve(n, AF_INET6, peer6, 0, NULL, pr, &plen),
			 -EAGAIN);
	assert_int_equal(plen, 90);
	untag(pr, plen, f);
	check_nd(f, (const uint8_t[]){ 0x33, 0x33, 0xff, 0xab, 0xcd, 0xef },
		 135, 0, (const uint8_t[]){ 0xff, 0x02, [11] = 1, 0xff, 0xab,
					    0xcd, 0xef }, peer6);

	/* a tagged NS is answered with a tagged NA, in place */
	{
		uint8_t ns[BUF] = { 0 }, tagged[BUF] = { 0 };
		uint16_t len = nd_frame(ns, 135, 0, peer_mac, peer6, sn_our6,
					our6, peer_mac);
		struct dp_pkt p;

		memcpy(tagged, ns, 12);
		put16(tagged + 12, 0x8100);
		put16(tagged + 14, 100);
		memcpy(tagged + 16, ns + 12, (size_t)(len - 12));
		assert_int_equal(input(n, tagged, (uint16_t)(len + 4), 0, 5, &p),
				 DP_NEIGH_REPLY);
		assert_int_equal(p.len, 18 + 40 + 32);
		untag(tagged, p.len, f);
		check_nd(f, peer_mac, 136, 0x60, peer6, our6);
	}

	/* 802.1Q: VIDs 1-4094 (0 means untagged here) */
	c.vlan = 4095;
	assert_int_equal(dp_neigh_init(n, &c), -EINVAL);
	free(n);
}

static void test_na_rules(void **state)
{
	struct dp_neigh *n = *state;
	uint8_t f[BUF], pr[DP_NEIGH_PROBE_MAX];
	uint16_t plen, len;

	/* no entry: an NA creates none; to ff02::1 it is the kernel's too */
	len = nd_frame(f, 136, 0x20, peer_mac, peer6, all_nodes6, peer6,
		       peer_mac);
	expect_untouched(n, f, len, DP_NEIGH_NOT_MINE);
	assert_int_equal(state_of(n, AF_INET6, peer6, 0, NULL), DP_NEIGH_FREE);

	/* INCOMPLETE + NA without the target's address: still INCOMPLETE */
	resolve(n, AF_INET6, peer6, 0, NULL, pr, &plen);
	len = nd_frame(f, 136, 0x60, peer_mac, peer6, our6, peer6, NULL);
	expect_untouched(n, f, len, DP_NEIGH_CONSUMED);
	assert_int_equal(state_of(n, AF_INET6, peer6, 0, NULL),
			 DP_NEIGH_INCOMPLETE);
	len = nd_frame(f, 136, 0x60, peer_mac, peer6, our6, peer6, peer_mac);
	expect_untouched(n, f, len, DP_NEIGH_CONSUMED);
	assert_int_equal(state_of(n, AF_INET6, peer6, 0, peer_mac),
			 DP_NEIGH_REACHABLE);
	/* override clear, new address: doubted (STALE), address kept */
	len = nd_frame(f, 136, 0, peer2_mac, peer6, all_nodes6, peer6,
		       peer2_mac);
	expect_untouched(n, f, len, DP_NEIGH_NOT_MINE);
	assert_int_equal(state_of(n, AF_INET6, peer6, 0, peer_mac),
			 DP_NEIGH_STALE);
	/* override set: replaced, still STALE as it was unsolicited */
	len = nd_frame(f, 136, 0x20, peer2_mac, peer6, all_nodes6, peer6,
		       peer2_mac);
	expect_untouched(n, f, len, DP_NEIGH_NOT_MINE);
	assert_int_equal(state_of(n, AF_INET6, peer6, 0, peer2_mac),
			 DP_NEIGH_STALE);
	/* an NA claiming our own address is never learned */
	len = nd_frame(f, 136, 0x20, peer_mac, peer6, all_nodes6, our6,
		       peer_mac);
	expect_untouched(n, f, len, DP_NEIGH_NOT_MINE);
	assert_int_equal(state_of(n, AF_INET6, our6, 0, NULL), DP_NEIGH_FREE);
}

/* resolve every 10 ms for 10 s: one request per second per destination */
static void test_probe_rate(void **state)
{
	struct dp_neigh *n = *state;
	uint8_t pr[DP_NEIGH_PROBE_MAX];
	unsigned count4 = 0, count6 = 0;
	uint64_t last4 = 0;
	uint16_t plen;

	for (uint64_t t = 0; t < 10 * HZ; t += 10) {
		assert_int_equal(resolve(n, AF_INET, peer4, t, NULL, pr, &plen),
				 -EAGAIN);
		if (plen) {
			if (count4)
				assert_int_equal(t - last4, HZ);
			last4 = t;
			count4++;
			assert_memory_equal(pr, bcast, 6);
		}
		resolve(n, AF_INET6, peer6, t, NULL, pr, &plen);
		count6 += plen != 0;
	}
	assert_int_equal(count4, 10);
	assert_int_equal(count6, 10);
}

static void test_aging(void **state)
{
	struct dp_neigh *n = *state;
	uint8_t f[BUF], pr[DP_NEIGH_PROBE_MAX], mac[6];
	const uint64_t t0 = 1000;
	uint16_t plen;

	/* INCOMPLETE and unanswered: gone after 3 s */
	resolve(n, AF_INET, other4, t0, NULL, pr, &plen);
	assert_int_equal(state_of(n, AF_INET, other4, t0 + 2999, NULL),
			 DP_NEIGH_INCOMPLETE);
	assert_int_equal(state_of(n, AF_INET, other4, t0 + 3000, NULL),
			 DP_NEIGH_FREE);

	/* REACHABLE for 30 s, then STALE but still used */
	resolve(n, AF_INET, peer4, t0, NULL, pr, &plen);
	arp_frame(f, 0, 2, our_mac, peer_mac, peer4, our_mac, our4);
	input(n, f, 60, 0, t0, &(struct dp_pkt){ 0 });
	assert_int_equal(state_of(n, AF_INET, peer4, t0 + 29999, NULL),
			 DP_NEIGH_REACHABLE);
	assert_int_equal(state_of(n, AF_INET, peer4, t0 + 30000, peer_mac),
			 DP_NEIGH_STALE);
	/* in use: unicast probes, one a second, the MAC still given */
	assert_int_equal(resolve(n, AF_INET, peer4, t0 + 40000, mac, pr,
				 &plen), 0);
	assert_memory_equal(mac, peer_mac, 6);
	assert_int_equal(plen, 60);
	assert_memory_equal(pr, peer_mac, 6);
	assert_memory_equal(pr + 38, peer4, 4);
	assert_int_equal(resolve(n, AF_INET, peer4, t0 + 40999, mac, pr,
				 &plen), 0);
	assert_int_equal(plen, 0);
	assert_int_equal(resolve(n, AF_INET, peer4, t0 + 41000, mac, pr,
				 &plen), 0);
	assert_int_equal(plen, 60);
	/* a reply confirms it again */
	input(n, f, 60, 0, t0 + 41500, &(struct dp_pkt){ 0 });
	assert_int_equal(state_of(n, AF_INET, peer4, t0 + 43000, NULL),
			 DP_NEIGH_REACHABLE);
	/* STALE again at +71.5 s; probes unanswered for 3 s: deleted */
	assert_int_equal(resolve(n, AF_INET, peer4, t0 + 80000, mac, pr,
				 &plen), 0);
	assert_int_equal(state_of(n, AF_INET, peer4, t0 + 82999, NULL),
			 DP_NEIGH_STALE);
	assert_int_equal(state_of(n, AF_INET, peer4, t0 + 83000, NULL),
			 DP_NEIGH_FREE);
	/* and resolved afresh, by broadcast */
	assert_int_equal(resolve(n, AF_INET, peer4, t0 + 83000, NULL, pr,
				 &plen), -EAGAIN);
	assert_memory_equal(pr, bcast, 6);
}

static void addr_n(uint8_t *a, unsigned i)
{
	a[0] = 10;
	a[1] = 1;
	a[2] = (uint8_t)(i >> 8);
	a[3] = (uint8_t)i;
}

/* ARP reply from 10.1.x.y to us at @now */
static void answer(struct dp_neigh *n, const uint8_t *a, uint64_t now)
{
	uint8_t f[BUF];

	arp_frame(f, 0, 2, our_mac, peer_mac, a, our_mac, our4);
	assert_int_equal(input(n, f, 60, 0, now, &(struct dp_pkt){ 0 }),
			 DP_NEIGH_CONSUMED);
}

static void test_table_full(void **state)
{
	struct dp_neigh *n = *state;
	uint8_t pr[DP_NEIGH_PROBE_MAX], a[4], f[BUF];
	struct dp_pkt p;
	uint16_t plen;

	/* one STALE entry (learned from a request), the rest REACHABLE */
	arp_frame(f, 0, 1, bcast, peer_mac, peer4, zero6, our4);
	input(n, f, 60, 0, 0, &p);
	for (unsigned i = 0; i < DP_NEIGH_MAX - 1; i++) {
		addr_n(a, i);
		assert_int_equal(resolve(n, AF_INET, a, i, NULL, pr, &plen),
				 -EAGAIN);
		answer(n, a, i);
	}
	assert_int_equal(n->count, DP_NEIGH_MAX);
	/* a new destination takes the STALE entry's slot */
	assert_int_equal(resolve(n, AF_INET, other4, 2000, NULL, pr, &plen),
			 -EAGAIN);
	assert_int_equal(plen, 60);
	assert_int_equal(state_of(n, AF_INET, peer4, 2000, NULL),
			 DP_NEIGH_FREE);
	/* then the oldest INCOMPLETE one's */
	assert_int_equal(resolve(n, AF_INET, far4, 2001, NULL, pr, &plen),
			 -EAGAIN);
	assert_int_equal(state_of(n, AF_INET, other4, 2001, NULL),
			 DP_NEIGH_FREE);
	/* all REACHABLE: no room, no request, requests still answered */
	answer(n, far4, 2002);
	assert_int_equal(resolve(n, AF_INET, other4, 2003, NULL, pr, &plen),
			 -ENOSPC);
	assert_int_equal(plen, 0);
	arp_frame(f, 0, 1, bcast, peer_mac, peer4, zero6, our4);
	assert_int_equal(input(n, f, 60, 0, 2004, &p), DP_NEIGH_REPLY);
	assert_int_equal(state_of(n, AF_INET, peer4, 2004, NULL),
			 DP_NEIGH_FREE);
	/* every entry still found after the shifts */
	for (unsigned i = 0; i < DP_NEIGH_MAX - 1; i++) {
		addr_n(a, i);
		assert_int_equal(state_of(n, AF_INET, a, 2005, NULL),
				 DP_NEIGH_REACHABLE);
	}
	/* once they are STALE, the longest stale goes first (10.1.0.0) */
	assert_int_equal(resolve(n, AF_INET, other4, 40000, NULL, pr, &plen),
			 -EAGAIN);
	addr_n(a, 0);
	assert_int_equal(state_of(n, AF_INET, a, 40000, NULL), DP_NEIGH_FREE);
	addr_n(a, 1);
	assert_int_equal(state_of(n, AF_INET, a, 40000, NULL), DP_NEIGH_STALE);
	assert_int_equal(n->count, DP_NEIGH_MAX);
}

/* a table of INCOMPLETE entries that all expired makes room by itself */
static void test_table_expired(void **state)
{
	struct dp_neigh *n = *state;
	uint8_t pr[DP_NEIGH_PROBE_MAX], a[4];
	uint16_t plen;

	for (unsigned i = 0; i < DP_NEIGH_MAX; i++) {
		addr_n(a, i);
		resolve(n, AF_INET, a, i, NULL, pr, &plen);
	}
	assert_int_equal(n->count, DP_NEIGH_MAX);
	assert_int_equal(resolve(n, AF_INET, other4, 5000, NULL, pr, &plen),
			 -EAGAIN);
	assert_int_equal(n->count, 1);
}

/* every entry in a slot is found, and count is right */
static void check_table(struct dp_neigh *n, uint64_t now)
{
	unsigned used = 0;

	/* delete what has expired; a deletion shifts a later entry into i */
	for (unsigned i = 0; i < DP_NEIGH_SLOTS;) {
		const struct dp_neigh_entry *e = &n->slot[i];

		if (e->state != DP_NEIGH_FREE &&
		    dp_neigh_query(n, e->ip.family, e->ip.a, now, NULL) ==
		    DP_NEIGH_FREE)
			continue;
		i++;
	}
	for (unsigned i = 0; i < DP_NEIGH_SLOTS; i++) {
		struct dp_neigh_entry e = n->slot[i];

		if (e.state == DP_NEIGH_FREE)
			continue;
		used++;
		assert_int_equal(dp_neigh_query(n, e.ip.family, e.ip.a, now,
						NULL), e.state);
	}
	assert_int_equal(used, n->count);
}

/* random resolves, answers and requests over 2048 addresses and time */
static void test_table_churn(void **state)
{
	struct dp_neigh *n = *state;
	uint8_t pr[DP_NEIGH_PROBE_MAX], a[4], f[BUF];
	uint32_t x = 2463534242u;
	uint64_t now = 0;
	struct dp_pkt p;
	uint16_t plen;

	for (unsigned step = 0; step < 20000; step++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		addr_n(a, x % 2048);
		switch ((x >> 11) % 3) {
		case 0:
			resolve(n, AF_INET, a, now, NULL, pr, &plen);
			break;
		case 1:
			answer(n, a, now);
			break;
		default:
			arp_frame(f, 0, 1, bcast, peer_mac, a, zero6, our4);
			assert_int_equal(input(n, f, 60, 0, now, &p),
					 DP_NEIGH_REPLY);
		}
		now += (x >> 20) % 8;
		if (step % 500 == 0)
			check_table(n, now);
	}
	check_table(n, now);
}

static void test_gateway(void **state)
{
	struct dp_neigh *n = new_neigh(1, gw4, AF_INET);
	uint8_t pr[DP_NEIGH_PROBE_MAX], mac[6], f[BUF];
	uint16_t plen;

	(void)state;
	/* an off-link and an on-link destination both go via the gateway */
	assert_int_equal(resolve(n, AF_INET, far4, 0, NULL, pr, &plen),
			 -EAGAIN);
	assert_memory_equal(pr + 38, gw4, 4);
	assert_int_equal(resolve(n, AF_INET, peer4, 10, NULL, pr, &plen),
			 -EAGAIN);
	assert_int_equal(plen, 0);
	arp_frame(f, 0, 2, our_mac, peer2_mac, gw4, our_mac, our4);
	input(n, f, 60, 0, 20, &(struct dp_pkt){ 0 });
	assert_int_equal(resolve(n, AF_INET, far4, 30, mac, pr, &plen), 0);
	assert_memory_equal(mac, peer2_mac, 6);
	assert_int_equal(resolve(n, AF_INET, peer4, 30, mac, pr, &plen), 0);
	assert_memory_equal(mac, peer2_mac, 6);
	assert_int_equal(state_of(n, AF_INET, far4, 30, NULL), DP_NEIGH_FREE);
	/* the gateway is IPv4: IPv6 destinations stay on-link */
	assert_int_equal(resolve(n, AF_INET6, peer6, 40, NULL, pr, &plen),
			 -EAGAIN);
	assert_memory_equal(pr + 14 + 40 + 8, peer6, 16);
	free(n);
}

/* an IPv6 gateway: NS to its solicited-node group, its NA makes it the
 * next hop of every IPv6 destination; IPv4 stays on-link */
static void test_gateway6(void **state)
{
	static const uint8_t gw6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0xfe };
	static const uint8_t far6[16] = { 0x20, 0x01, 0x0d, 0xb9, [15] = 0x07 };
	struct dp_neigh *n = new_neigh(1, gw6, AF_INET6);
	uint8_t pr[DP_NEIGH_PROBE_MAX], mac[6], f[BUF];
	uint16_t plen, len;

	(void)state;
	assert_int_equal(resolve(n, AF_INET6, far6, 0, NULL, pr, &plen),
			 -EAGAIN);
	assert_int_equal(plen, 86);
	check_nd(pr, (const uint8_t[]){ 0x33, 0x33, 0xff, 0, 0, 0xfe }, 135,
		 0, (const uint8_t[]){ 0xff, 0x02, [11] = 1, 0xff, 0, 0, 0xfe },
		 gw6);
	/* the gateway's solicited NA */
	len = nd_frame(f, 136, 0x60, peer2_mac, gw6, our6, gw6, peer2_mac);
	assert_int_equal(input(n, f, len, 0, 10, &(struct dp_pkt){ 0 }),
			 DP_NEIGH_CONSUMED);
	assert_int_equal(resolve(n, AF_INET6, far6, 20, mac, pr, &plen), 0);
	assert_memory_equal(mac, peer2_mac, 6);
	assert_int_equal(resolve(n, AF_INET6, peer6, 20, mac, pr, &plen), 0);
	assert_memory_equal(mac, peer2_mac, 6);
	assert_int_equal(state_of(n, AF_INET6, far6, 20, NULL), DP_NEIGH_FREE);
	/* IPv4 destinations stay on-link */
	assert_int_equal(resolve(n, AF_INET, peer4, 30, NULL, pr, &plen),
			 -EAGAIN);
	assert_memory_equal(pr + 38, peer4, 4);
	free(n);
}

static void test_init_and_family(void **state)
{
	struct dp_neigh_conf c = { .n_own = 1, .hz = HZ };
	struct dp_neigh *n = new_neigh(0, NULL, 0);
	uint8_t pr[DP_NEIGH_PROBE_MAX];
	uint16_t plen = 1;

	(void)state;
	/* no IPv6 address owned: no IPv6 resolution */
	assert_int_equal(resolve(n, AF_INET6, peer6, 0, NULL, pr, &plen),
			 -EAFNOSUPPORT);
	assert_int_equal(plen, 0);
	memcpy(c.mac.addr_bytes, our_mac, 6);
	c.own[0].af = AF_INET;
	memcpy(&c.own[0].u.v4, our4, 4);
	assert_int_equal(dp_neigh_init(n, &c), 0);
	/* gateway of a family not owned, or equal to an owned address */
	c.gateway.af = AF_INET6;
	memcpy(&c.gateway.u.v6, peer6, 16);
	assert_int_equal(dp_neigh_init(n, &c), -EINVAL);
	c.gateway.af = AF_INET;
	memcpy(&c.gateway.u.v4, our4, 4);
	assert_int_equal(dp_neigh_init(n, &c), -EINVAL);
	c.gateway.af = 0;
	c.hz = 0;
	assert_int_equal(dp_neigh_init(n, &c), -EINVAL);
	c.hz = HZ;
	c.n_own = 0;
	assert_int_equal(dp_neigh_init(n, &c), -EINVAL);
	c.n_own = 1;
	c.mac.addr_bytes[0] = 0x01;
	assert_int_equal(dp_neigh_init(n, &c), -EINVAL);
	free(n);
}

/* each test gets a fresh port owning our4 and our6, no gateway */
#define FRESH(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		FRESH(test_arp_request_reply),
		FRESH(test_arp_not_mine),
		FRESH(test_arp_gratuitous),
		FRESH(test_arp_malformed),
		FRESH(test_ns_reply),
		FRESH(test_ns_dad),
		FRESH(test_ns_not_mine),
		FRESH(test_nd_malformed),
		FRESH(test_probe_bytes),
		cmocka_unit_test(test_vlan_probes),
		FRESH(test_na_rules),
		FRESH(test_probe_rate),
		FRESH(test_aging),
		FRESH(test_table_full),
		FRESH(test_table_expired),
		FRESH(test_table_churn),
		cmocka_unit_test(test_gateway),
		cmocka_unit_test(test_gateway6),
		cmocka_unit_test(test_init_and_family),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
