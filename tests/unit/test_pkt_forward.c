/*
 * Unit tests for the forwarding path's rewrite (dataplane/pkt_rewrite.c
 * dp_pkt_forward(), its untagged IPv4 path included, pkt.h
 * dp_pkt_addr_sum()): the new addresses' sum taken once per flow, as
 * dataplane/flows.c does, must give checksums of exactly the bits a full
 * recomputation gives, and the frame and struct dp_pkt exactly what
 * dp_pkt_rewrite() makes of a copy, for random flows and received
 * headers, IPv4 (options, no UDP checksum) and IPv6 (extension headers),
 * with and without VLAN tags.  Frames come from pkt_fixture.c.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <netinet/in.h>

#include <cmocka.h>

#include "pkt.h"
#include "pkt_fixture.h"

/* the IPv4 header checksum a full recomputation gives (RFC 791) */
static uint16_t full_ip4_cksum(const uint8_t *l3)
{
	uint8_t h[60];
	unsigned hl = (l3[0] & 0xf) * 4u;

	memcpy(h, l3, hl);
	put16(h + 10, 0);
	return (uint16_t)~ref_fold(ref_sum(h, hl, 0));
}

/* the UDP checksum a full recomputation gives, 0 sent as ones (RFC 768) */
static uint16_t full_udp_cksum(const uint8_t *l3, const uint8_t *l4,
			       int family)
{
	uint8_t d[BUF_SIZE];
	uint16_t ulen = get16(l4 + 4), c;
	uint32_t sum = 17 + ulen;

	memcpy(d, l4, ulen);
	put16(d + 6, 0);
	sum = family == AF_INET ? ref_sum(l3 + 12, 8, sum) :
				  ref_sum(l3 + 8, 32, sum);
	c = (uint16_t)~ref_fold(ref_sum(d, ulen, sum));
	return c ? c : 0xffff;
}

/* dp_pkt_addr_sum() sums words as stored: the reference's, bytes swapped */
static uint16_t stored_order(uint16_t v)
{
	const uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };
	uint16_t r;

	memcpy(&r, b, 2);
	return r;
}

/* dp_pkt_addr_sum() against the reference sum, edge values included */
static void test_addr_sum(void **state)
{
	uint8_t src[16], dst[16];
	uint32_t x = 99;

	(void)state;
	for (int i = 0; i < 4000; i++) {
		const int fam = i & 1 ? AF_INET6 : AF_INET;
		const unsigned alen = fam == AF_INET ? 4 : 16;

		for (unsigned k = 0; k < 16; k++) {
			x = x * 1103515245 + 12345;
			src[k] = i % 7 == 0 ? 0 : (uint8_t)(x >> 16);
			dst[k] = i % 5 == 0 ? 0xff : (uint8_t)(x >> 8);
		}
		if (i % 11 == 0)
			memset(dst, 0, sizeof(dst));
		assert_int_equal(dp_pkt_addr_sum(src, dst, fam),
				 stored_order(ref_fold(ref_sum(dst, alen,
						ref_sum(src, alen, 0)))));
	}
	memset(src, 0, sizeof(src));
	memset(dst, 0, sizeof(dst));
	assert_int_equal(dp_pkt_addr_sum(src, dst, AF_INET6), 0);
	memset(src, 0xff, sizeof(src));
	assert_int_equal(dp_pkt_addr_sum(src, dst, AF_INET), 0xffff);
}

/*
 * The forwarding path's rewrite: random flows (addresses, ports, VLAN in
 * and out, IPv4 options and IPv6 extension headers) with the address sum
 * precomputed once per flow as flows.c does, applied to random received
 * headers.  The checksums must be exactly what a full recomputation
 * gives (not merely valid: the same bits), and the frame and struct
 * dp_pkt exactly what dp_pkt_rewrite() makes of a copy.
 */
static void test_forward_precomputed(void **state)
{
	uint8_t buf[BUF_SIZE] __attribute__((aligned(8)));
	uint8_t ref[BUF_SIZE] __attribute__((aligned(8)));
	uint32_t x = 4242;

	(void)state;
	for (int i = 0; i < 4000; i++) {
		struct spec s = i & 1 ? rtp6 : rtp4;
		struct dp_pkt_rewrite rw = i & 1 ? rw6 : rw4;
		const int v4 = s.family == AF_INET;
		uint8_t *b = buf + HEADROOM, *l3, *l4;
		struct dp_pkt p, q;
		struct dp_pkt_fwd fw;
		struct layout lo;
		uint16_t len;

		s.payload_len = (uint16_t)(i % 181);
		s.n_vlan = (uint8_t)(i / 2 % 3);
		s.opt_len = v4 ? (uint8_t)(4 * (i / 6 % 3)) : 0;
		s.n_ext = v4 ? 0 : (uint8_t)(i / 6 % 3);
		s.no_cksum = v4 && i % 13 == 0;
		s.ttl = (uint8_t)(2 + (x >> 9) % 254);
		len = build_received(b, &s, &lo, &x);
		for (unsigned k = 0; k < 16; k++) {
			x = x * 1103515245 + 12345;
			rw.src_addr[k] = i % 17 == 0 ? 0 : (uint8_t)(x >> 8);
			rw.dst_addr[k] = i % 19 == 0 ? 0xff : (uint8_t)(x >> 20);
		}
		rw.src_port = (uint16_t)(x >> 7);
		rw.dst_port = i % 23 == 0 ? 0 : (uint16_t)(x >> 17);
		rw.vlan_tci = i & 2 ? (uint16_t)(1 + (x >> 5) % 4094) : 0;
		rw.vlan = rw.vlan_tci != 0;
		memcpy(ref, buf, sizeof(buf));
		rw.family = (uint8_t)s.family;
		fw = dp_pkt_fwd_of(&rw);
		assert_int_equal(dp_pkt_parse(b, len, 0, &p), DP_PKT_MEDIA_UDP);
		p.headroom = HEADROOM;
		p.tailroom = (uint16_t)(BUF_SIZE - HEADROOM - len);
		q = p;
		q.data = ref + HEADROOM + (p.data - b);
		q.src_addr = ref + (p.src_addr - buf);
		q.dst_addr = ref + (p.dst_addr - buf);
		assert_int_equal(dp_pkt_forward(&p, &fw), 0);
		assert_int_equal(dp_pkt_rewrite(&q, &rw), 0);
		check_rewritten(&p, &rw, &s);
		l3 = p.data + p.l3_off;
		l4 = p.data + p.l4_off;
		if (v4)
			assert_int_equal(get16(l3 + 10), full_ip4_cksum(l3));
		if (!s.no_cksum)
			assert_int_equal(get16(l4 + 6),
					 full_udp_cksum(l3, l4, s.family));
		assert_memory_equal(buf, ref, sizeof(buf));
		assert_int_equal(p.data - buf, q.data - ref);
		assert_int_equal(p.len, q.len);
		assert_int_equal(p.headroom, q.headroom);
		assert_int_equal(p.tailroom, q.tailroom);
		assert_int_equal(p.l3_off, q.l3_off);
		assert_int_equal(p.l4_off, q.l4_off);
		assert_int_equal(p.payload_off, q.payload_off);
		assert_int_equal(p.payload_len, q.payload_len);
		assert_int_equal(p.n_vlan, q.n_vlan);
		assert_int_equal(p.vlan_tci[0], q.vlan_tci[0]);
		assert_int_equal(p.src_port, q.src_port);
		assert_int_equal(p.dst_port, q.dst_port);
	}
}

/* the forwarding path's own errors: the packet stays untouched */
static void test_forward_errors(void **state)
{
	uint8_t buf[BUF_SIZE] __attribute__((aligned(8)));
	uint8_t saved[BUF_SIZE];
	const struct dp_pkt_fwd fw4 = dp_pkt_fwd_of(&rw4);	/* untagged IPv4 */
	struct dp_pkt_fwd fw = fw4;
	struct spec s = rtp4;
	struct dp_pkt p;
	uint16_t len;

	(void)state;
	fw.vlan_tci = 5;	/* a tag to add: the general path */
	s.ttl = 1;
	len = build(buf, &s, NULL);
	memcpy(saved, buf, len);
	assert_int_equal(dp_pkt_parse(buf, len, 0, &p), DP_PKT_MEDIA_UDP);
	p.headroom = 8;
	assert_int_equal(dp_pkt_forward(&p, &fw), -ETIMEDOUT);
	assert_memory_equal(buf, saved, len);
	assert_int_equal(dp_pkt_forward(&p, &fw4), -ETIMEDOUT);
	assert_memory_equal(buf, saved, len);
	len = build(buf, &rtp4, NULL);
	memcpy(saved, buf, len);
	assert_int_equal(dp_pkt_parse(buf, len, 0, &p), DP_PKT_MEDIA_UDP);
	p.headroom = 3;		/* a tag to add and one byte short */
	assert_int_equal(dp_pkt_forward(&p, &fw), -ENOSPC);
	assert_memory_equal(buf, saved, len);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr_sum),
		cmocka_unit_test(test_forward_precomputed),
		cmocka_unit_test(test_forward_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
