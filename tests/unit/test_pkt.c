/*
 * Unit tests for dataplane/pkt_parse.c and pkt_rewrite.c: classification
 * of well-formed and malformed frames (truncated at every length, bad
 * lengths, IPv4 options, IPv6 extension headers, fragments, VLAN tags,
 * ARP/ND), rewriting and resizing with checksums checked by an
 * independent RFC 1071 implementation, the RTP/RTCP classifier, and the
 * mbuf glue on a hand-made mbuf.  Frames are built byte by byte
 * (pkt_fixture.c, shared with test_pkt_forward.c), not with the code under
 * test.  Run it under ASan: truncated frames sit in heap blocks of exactly
 * their length.  Arbitrary bytes are left to tests/fuzz/fuzz_pkt.c.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pkt.h"
#include "pkt_fixture.h"

/* parse @len bytes held in a heap block of exactly that size */
static enum dp_pkt_class parse_exact(const uint8_t *frame, uint16_t len,
				     struct dp_pkt *p)
{
	uint8_t *copy = malloc(len ? len : 1);
	enum dp_pkt_class c;

	assert_non_null(copy);
	memcpy(copy, frame, len);
	c = dp_pkt_parse(copy, len, 0, p);
	free(copy);
	return c;
}

/* parse @len bytes of @b, expecting @class and @why */
static void expect_class(const uint8_t *b, uint16_t len,
			 enum dp_pkt_class class, enum dp_pkt_bad why)
{
	struct dp_pkt p;

	assert_int_equal(parse_exact(b, len, &p), class);
	assert_int_equal(p.bad, why);
}

static void check_media(const struct spec *s)
{
	uint8_t b[BUF_SIZE] __attribute__((aligned(8)));
	struct layout lo;
	uint16_t len = build(b, s, &lo);
	const int v4 = s->family == AF_INET;
	struct dp_pkt p;
	uint32_t ssrc = 0;

	assert_int_equal(dp_pkt_parse(b, len, 0, &p), DP_PKT_MEDIA_UDP);
	assert_int_equal(p.bad, DP_PKT_BAD_NONE);
	assert_int_equal(p.family, s->family);
	assert_int_equal(p.n_vlan, s->n_vlan);
	for (unsigned i = 0; i < s->n_vlan; i++)
		assert_int_equal(p.vlan_tci[i], vids[i]);
	assert_int_equal(p.l3_off, lo.l3);
	assert_int_equal(p.l4_off, lo.l4);
	assert_int_equal(p.payload_off, lo.l4 + 8);
	assert_int_equal(p.payload_len, s->payload_len);
	assert_int_equal(p.len, len);
	assert_int_equal(p.tailroom, 0);
	assert_int_equal(p.src_port, 40000);
	assert_int_equal(p.dst_port, 30000);
	assert_memory_equal(p.src_addr, v4 ? v4_src : v6_src, v4 ? 4 : 16);
	assert_memory_equal(p.dst_addr, v4 ? v4_dst : v6_dst, v4 ? 4 : 16);
	assert_int_equal(dp_rtp_classify(p.data + p.payload_off, p.payload_len,
					 &ssrc), DP_RTP_RTP);
	assert_int_equal(ssrc, 0x11223344);
}

static void test_parse_media(void **state)
{
	(void)state;
	for (uint8_t v = 0; v <= 2; v++) {
		struct spec s4 = rtp4, s6 = rtp6;

		s4.n_vlan = s6.n_vlan = v;
		check_media(&s4);
		check_media(&s6);
		s4.opt_len = 12;
		check_media(&s4);
		s4.opt_len = 40;	/* IHL 15 */
		check_media(&s4);
		s6.n_ext = 2;
		check_media(&s6);
	}
}

/* Ethernet padding past the IP packet is not part of it */
static void test_parse_padding(void **state)
{
	uint8_t b[BUF_SIZE] __attribute__((aligned(8)));
	struct spec s[2] = { rtp4, rtp6 };
	struct dp_pkt p;

	(void)state;
	for (int k = 0; k < 2; k++) {
		uint16_t len;

		s[k].payload_len = 4;
		len = build(b, &s[k], NULL);
		memset(b + len, 0, 100 - len);
		assert_int_equal(dp_pkt_parse(b, 100, 0, &p), DP_PKT_MEDIA_UDP);
		assert_int_equal(p.len, len);
		assert_int_equal(p.tailroom, 100 - len);
		assert_int_equal(p.payload_len, 4);
	}
}

/* every proper prefix of a valid frame is malformed, and read in bounds */
static void test_truncated_everywhere(void **state)
{
	static const struct spec specs[] = {
		{ .family = AF_INET, .payload_len = 20 },
		{ .family = AF_INET, .n_vlan = 2, .opt_len = 8, .payload_len = 13 },
		{ .family = AF_INET6, .payload_len = 20 },
		{ .family = AF_INET6, .n_vlan = 1, .n_ext = 3, .payload_len = 7 },
	};
	uint8_t b[BUF_SIZE] __attribute__((aligned(8)));
	struct dp_pkt p;

	(void)state;
	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		uint16_t len = build(b, &specs[i], NULL);

		for (uint16_t n = 0; n < len; n++) {
			assert_int_equal(parse_exact(b, n, &p), DP_PKT_MALFORMED);
			assert_int_not_equal(p.bad, DP_PKT_BAD_NONE);
		}
		assert_int_equal(parse_exact(b, len, &p), DP_PKT_MEDIA_UDP);
	}
}

static void test_bad_ipv4(void **state)
{
	uint8_t b[BUF_SIZE] __attribute__((aligned(8)));
	struct layout lo;
	uint16_t len = build(b, &rtp4, &lo);
	uint8_t *ip = b + lo.l3, *udp = b + lo.l4;
	uint8_t saved[BUF_SIZE];
	struct dp_pkt p;

	(void)state;
	memcpy(saved, b, len);
	ip[0] = 0x44;		/* IHL 4 */
	expect_class(b, len, DP_PKT_MALFORMED, DP_PKT_BAD_IP_HDR);
	ip[0] = 0x65;
	expect_class(b, len, DP_PKT_MALFORMED, DP_PKT_BAD_IP_VERSION);
	ip[0] = 0x4f;		/* IHL 15, but only 20 bytes before UDP */
	expect_class(b, 60, DP_PKT_MALFORMED, DP_PKT_BAD_IP_HDR);

	memcpy(b, saved, len);
	put16(ip + 2, (uint16_t)(len - lo.l3 + 1));	/* total length > frame */
	expect_class(b, len, DP_PKT_MALFORMED, DP_PKT_BAD_IP_LEN);
	put16(ip + 2, 19);				/* total length < IHL */
	expect_class(b, len, DP_PKT_MALFORMED, DP_PKT_BAD_IP_LEN);

	memcpy(b, saved, len);
	ip[10] ^= 0x01;					/* header checksum */
	expect_class(b, len, DP_PKT_MALFORMED, DP_PKT_BAD_IP_CKSUM);
	assert_int_equal(dp_pkt_parse(b, len, DP_PKT_RX_IP_CKSUM_GOOD, &p),
			 DP_PKT_MEDIA_UDP);

	memcpy(b, saved, len);
	put16(udp + 4, (uint16_t)(get16(udp + 4) + 1));	/* > IP payload */
	expect_class(b, len, DP_PKT_MALFORMED, DP_PKT_BAD_UDP_LEN);
	put16(udp + 4, 7);
	expect_class(b, len, DP_PKT_MALFORMED, DP_PKT_BAD_UDP_LEN);

	/* IP packet of header and 7 bytes: no room for the UDP header */
	memcpy(b, saved, len);
	put16(ip + 2, 27);
	put16(ip + 10, 0);
	put16(ip + 10, (uint16_t)~ref_fold(ref_sum(ip, 20, 0)));
	expect_class(b, len, DP_PKT_MALFORMED, DP_PKT_BAD_UDP_HDR);

	/* UDP shorter than the IP payload: the datagram ends where UDP says */
	memcpy(b, saved, len);
	put16(udp + 4, 8 + 100);
	assert_int_equal(dp_pkt_parse(b, len, 0, &p), DP_PKT_MEDIA_UDP);
	assert_int_equal(p.payload_len, 100);
	assert_int_equal(p.len, lo.l4 + 108);
	assert_int_equal(p.tailroom, 60);
}

static void test_bad_ipv6(void **state)
{
	uint8_t b[BUF_SIZE] __attribute__((aligned(8)));
	struct layout lo;
	uint16_t len = build(b, &rtp6, &lo);
	uint8_t *ip = b + lo.l3, *udp = b + lo.l4;
	struct dp_pkt p;

	(void)state;
	ip[0] = 0x40;
	expect_class(b, len, DP_PKT_MALFORMED, DP_PKT_BAD_IP_VERSION);
	ip[0] = 0x60;
	put16(ip + 4, (uint16_t)(get16(ip + 4) + 1));	/* past the frame */
	expect_class(b, len, DP_PKT_MALFORMED, DP_PKT_BAD_IP_LEN);
	put16(ip + 4, (uint16_t)(get16(ip + 4) - 2));	/* shorter than UDP */
	expect_class(b, len, DP_PKT_MALFORMED, DP_PKT_BAD_UDP_LEN);
	put16(ip + 4, 7);
	expect_class(b, len, DP_PKT_MALFORMED, DP_PKT_BAD_UDP_HDR);
	put16(ip + 4, (uint16_t)(len - lo.l4));
	put16(udp + 6, 0);				/* RFC 8200 8.1 */
	expect_class(b, len, DP_PKT_MALFORMED, DP_PKT_BAD_UDP_CKSUM0);
	assert_int_equal(parse_exact(b, 20, &p), DP_PKT_MALFORMED);
	assert_int_equal(p.bad, DP_PKT_BAD_IP_HDR);
}

/* IPv6 extension header chains (RFC 8200 section 4) */
static void test_ipv6_ext(void **state)
{
	uint8_t b[BUF_SIZE] __attribute__((aligned(8)));
	struct spec s = rtp6;
	struct layout lo;
	uint16_t len;
	uint8_t *ip, *ext;

	(void)state;
	s.n_ext = 3;
	len = build(b, &s, &lo);
	ip = b + lo.l3;
	ext = ip + 40;
	expect_class(b, len, DP_PKT_MEDIA_UDP, DP_PKT_BAD_NONE);

	/* the second header as a routing header, segments left 0, then 1 */
	ext[0] = 43;
	ext[8 + 2] = 0;
	ext[8 + 3] = 0;
	expect_class(b, len, DP_PKT_MEDIA_UDP, DP_PKT_BAD_NONE);
	ext[8 + 3] = 1;
	expect_class(b, len, DP_PKT_OTHER_L3, DP_PKT_BAD_NONE);
	ext[8 + 3] = 0;
	/* hop-by-hop anywhere but first */
	ext[0] = 0;
	expect_class(b, len, DP_PKT_MALFORMED, DP_PKT_BAD_IP6_EXT);
	/* a header longer than the payload */
	ext[0] = 60;
	ext[1] = 200;
	expect_class(b, len, DP_PKT_MALFORMED, DP_PKT_BAD_IP6_EXT);
	ext[1] = 0;
	/* payload (and frame) ending inside or right before a header */
	for (uint16_t plen = 8; plen <= 12; plen += 4) {
		put16(ip + 4, plen);
		expect_class(b, (uint16_t)(lo.l3 + 40 + plen), DP_PKT_MALFORMED,
			     DP_PKT_BAD_IP6_EXT);
	}
	put16(ip + 4, (uint16_t)(len - lo.l3 - 40));
	/* ESP, no next header, TCP: not media */
	ext[16] = 50;
	expect_class(b, len, DP_PKT_OTHER_L3, DP_PKT_BAD_NONE);
	ext[16] = 59;
	expect_class(b, len, DP_PKT_OTHER_L3, DP_PKT_BAD_NONE);
	ext[16] = 6;
	expect_class(b, len, DP_PKT_OTHER_L3, DP_PKT_BAD_NONE);

	/* more headers than the fast path walks */
	s.n_ext = 10;
	len = build(b, &s, NULL);
	expect_class(b, len, DP_PKT_OTHER_L3, DP_PKT_BAD_NONE);
}

static void test_fragments(void **state)
{
	uint8_t b[BUF_SIZE] __attribute__((aligned(8)));
	struct spec s = rtp6;
	struct layout lo;
	uint16_t len = build(b, &rtp4, &lo);
	uint8_t *ip = b + lo.l3;
	static const uint16_t frag[] = { 0x2000, 0x0001, 0x2100, 0x4000 };

	(void)state;
	/* RFC 791: MF, offset, both; DF alone is not a fragment */
	for (unsigned i = 0; i < 4; i++) {
		put16(ip + 6, frag[i]);
		put16(ip + 10, 0);
		put16(ip + 10, (uint16_t)~ref_fold(ref_sum(ip, 20, 0)));
		expect_class(b, len, i < 3 ? DP_PKT_FRAGMENT :
			     DP_PKT_MEDIA_UDP, DP_PKT_BAD_NONE);
	}
	/* RFC 8200 4.5: a fragment header, directly or after hop-by-hop */
	len = build(b, &rtp6, &lo);
	b[lo.l3 + 6] = 44;
	expect_class(b, len, DP_PKT_FRAGMENT, DP_PKT_BAD_NONE);
	s.n_ext = 2;
	len = build(b, &s, &lo);
	b[lo.l3 + 40] = 44;
	expect_class(b, len, DP_PKT_FRAGMENT, DP_PKT_BAD_NONE);
}

static void test_arp_nd_other(void **state)
{
	uint8_t b[BUF_SIZE] __attribute__((aligned(8)));
	uint8_t body[128] = { 0 };
	struct spec s = rtp6;
	struct layout lo;
	uint16_t len;
	struct dp_pkt p;

	(void)state;
	memset(b, 0, sizeof(b));
	build_eth(b, 0x0806, body, 42);
	expect_class(b, 42, DP_PKT_ARP, DP_PKT_BAD_NONE);
	assert_int_equal(parse_exact(b, 60, &p), DP_PKT_ARP);
	assert_int_equal(p.l3_off, 14);
	expect_class(b, 41, DP_PKT_MALFORMED, DP_PKT_BAD_ARP);
	build_eth(b, 0x88cc, body, 60);			/* LLDP */
	expect_class(b, 60, DP_PKT_OTHER_L3, DP_PKT_BAD_NONE);
	/* three VLAN tags */
	put16(body, 1);
	put16(body + 2, 0x8100);
	put16(body + 6, 0x8100);
	put16(body + 10, 0x0800);
	build_eth(b, 0x88a8, body, 60);
	expect_class(b, 60, DP_PKT_OTHER_L3, DP_PKT_BAD_NONE);

	/* ICMPv6 NS (135), NA (136), echo request (128), short NS */
	s.payload_len = 16;
	len = build(b, &s, &lo);
	b[lo.l3 + 6] = 58;
	for (unsigned type = 135; type <= 136; type++) {
		b[lo.l4] = (uint8_t)type;
		assert_int_equal(parse_exact(b, len, &p), DP_PKT_ND);
		assert_int_equal(p.l4_off, lo.l4);
		assert_int_equal(p.family, AF_INET6);
	}
	b[lo.l4] = 128;
	expect_class(b, len, DP_PKT_OTHER_L3, DP_PKT_BAD_NONE);
	b[lo.l4] = 135;
	put16(b + lo.l3 + 4, 23);
	expect_class(b, len, DP_PKT_MALFORMED, DP_PKT_BAD_ND);
	put16(b + lo.l3 + 4, 0);
	expect_class(b, len, DP_PKT_OTHER_L3, DP_PKT_BAD_NONE);

	/* IPv4 ICMP */
	len = build(b, &rtp4, &lo);
	b[lo.l3 + 9] = 1;
	put16(b + lo.l3 + 10, 0);
	put16(b + lo.l3 + 10, (uint16_t)~ref_fold(ref_sum(b + lo.l3, 20, 0)));
	expect_class(b, len, DP_PKT_OTHER_L3, DP_PKT_BAD_NONE);
}

/* build @s behind HEADROOM bytes, parse it, rewrite with @rw, check */
static void rewrite_case(const struct spec *s, const struct dp_pkt_rewrite *rw,
			 uint8_t *buf, struct dp_pkt *p)
{
	uint16_t len = build(buf + HEADROOM, s, NULL);

	assert_int_equal(dp_pkt_parse(buf + HEADROOM, len, 0, p),
			 DP_PKT_MEDIA_UDP);
	p->headroom = HEADROOM;
	p->tailroom = (uint16_t)(BUF_SIZE - HEADROOM - len);
	assert_int_equal(dp_pkt_rewrite(p, rw), 0);
	check_rewritten(p, rw, s);
	/* the IP packet stayed where it was, only the L2 header moved */
	assert_int_equal(p->payload_len, s->payload_len);
	assert_ptr_equal(p->data + p->payload_off,
			 buf + HEADROOM + len - s->payload_len);
}

static void test_rewrite(void **state)
{
	uint8_t buf[BUF_SIZE] __attribute__((aligned(8)));
	static const uint16_t sizes[] = { 0, 1, 13, 160, 171 };
	struct dp_pkt p;

	(void)state;
	for (int fam = 0; fam < 2; fam++)
	for (uint8_t in_vlan = 0; in_vlan <= 2; in_vlan++)
	for (int out_vlan = 0; out_vlan <= 1; out_vlan++)
	for (unsigned z = 0; z < sizeof(sizes) / sizeof(sizes[0]); z++)
	for (int nock = 0; nock <= (fam ? 0 : 1); nock++) {
		struct spec s = fam ? rtp6 : rtp4;
		struct dp_pkt_rewrite rw = fam ? rw6 : rw4;

		s.n_vlan = in_vlan;
		s.payload_len = sizes[z];
		s.no_cksum = nock;
		s.opt_len = fam ? 0 : (uint8_t)(4 * in_vlan);
		s.n_ext = fam ? in_vlan : 0;
		rw.vlan = out_vlan;
		rw.vlan_tci = 0x0123;
		rewrite_case(&s, &rw, buf, &p);
	}
}

/* many address/port pairs: the incremental update matches a full sum */
static void test_rewrite_random(void **state)
{
	uint8_t buf[BUF_SIZE] __attribute__((aligned(8)));
	uint32_t x = 12345;
	struct dp_pkt p;

	(void)state;
	for (int i = 0; i < 4000; i++) {
		struct spec s = i & 1 ? rtp6 : rtp4;
		struct dp_pkt_rewrite rw = i & 1 ? rw6 : rw4;

		for (unsigned k = 0; k < 16; k++) {
			x = x * 1103515245 + 12345;
			rw.src_addr[k] = (uint8_t)(x >> 16);
			rw.dst_addr[k] = (uint8_t)(x >> 8);
		}
		rw.src_port = (uint16_t)(x >> 3);
		rw.dst_port = (uint16_t)(x >> 13);
		s.payload_len = (uint16_t)(i % 200);
		s.ttl = (uint8_t)(2 + i % 254);
		rewrite_case(&s, &rw, buf, &p);
	}
}

/*
 * Random received headers (IPv4: TOS, ID, TTL, addresses; both: ports)
 * with right checksums: the parse accepts every one with its own header
 * checksum check, the rewrite's incremental updates match a full sum, and
 * one flipped bit of the IPv4 header is caught.
 */
static void test_rewrite_random_headers(void **state)
{
	uint8_t buf[BUF_SIZE] __attribute__((aligned(8)));
	uint32_t x = 777;
	struct layout lo;
	struct dp_pkt p;

	(void)state;
	for (int i = 0; i < 4000; i++) {
		struct spec s = i & 1 ? rtp6 : rtp4;
		struct dp_pkt_rewrite rw = i & 1 ? rw6 : rw4;
		uint8_t *b = buf + HEADROOM, *l3;
		uint16_t len;

		s.payload_len = (uint16_t)(i % 173);
		s.ttl = (uint8_t)(2 + (x >> 9) % 254);
		len = build_received(b, &s, &lo, &x);
		l3 = b + lo.l3;
		for (unsigned k = 0; k < 16; k++) {
			x = x * 1103515245 + 12345;
			rw.src_addr[k] = (uint8_t)(x >> 8);
			rw.dst_addr[k] = (uint8_t)(x >> 20);
		}
		rw.src_port = (uint16_t)(x >> 7);
		rw.dst_port = (uint16_t)(x >> 17);
		rw.vlan = i & 2;
		rw.vlan_tci = 0x0042;
		if (s.family == AF_INET && i % 3 == 0) {
			/*
			 * One bit of the TOS or of bytes 4-19; the version,
			 * IHL and total length have checks of their own first.
			 */
			unsigned bit = 24 + (x >> 4) % 136;

			bit = bit < 32 ? bit - 16 : bit;
			l3[bit / 8] ^= (uint8_t)(1u << bit % 8);
			expect_class(b, len, DP_PKT_MALFORMED,
				     DP_PKT_BAD_IP_CKSUM);
			continue;
		}
		assert_int_equal(dp_pkt_parse(b, len, 0, &p), DP_PKT_MEDIA_UDP);
		p.headroom = HEADROOM;
		p.tailroom = (uint16_t)(BUF_SIZE - HEADROOM - len);
		assert_int_equal(dp_pkt_rewrite(&p, &rw), 0);
		check_rewritten(&p, &rw, &s);
	}
}

static void test_rewrite_errors(void **state)
{
	uint8_t buf[BUF_SIZE] __attribute__((aligned(8)));
	uint8_t saved[BUF_SIZE];
	struct spec s = rtp4;
	struct dp_pkt_rewrite rw = rw4;
	struct dp_pkt p;
	uint16_t len;

	(void)state;
	/* TTL or hop limit 1 or 0: dropped, packet untouched */
	for (int fam = 0; fam < 2; fam++) {
		for (uint8_t ttl = 0; ttl <= 1; ttl++) {
			s = fam ? rtp6 : rtp4;
			len = build(buf, &s, NULL);
			buf[14 + (fam ? 7 : 8)] = ttl;
			memcpy(saved, buf, len);
			assert_int_equal(dp_pkt_parse(buf, len, DP_PKT_RX_IP_CKSUM_GOOD,
						      &p), DP_PKT_MEDIA_UDP);
			assert_int_equal(dp_pkt_rewrite(&p, fam ? &rw6 : &rw4),
					 -ETIMEDOUT);
			assert_memory_equal(buf, saved, len);
		}
	}
	len = build(buf, &rtp4, NULL);
	dp_pkt_parse(buf, len, 0, &p);
	assert_int_equal(dp_pkt_rewrite(&p, &rw6), -EAFNOSUPPORT);
	rw.vlan = true;		/* a tag to add and no headroom */
	assert_int_equal(dp_pkt_rewrite(&p, &rw), -ENOSPC);
	assert_int_equal(dp_pkt_resize(&p, 1), -ENOSPC);
	assert_int_equal(dp_pkt_resize(&p, -161), -EINVAL);
	p.tailroom = UINT16_MAX;
	assert_int_equal(dp_pkt_resize(&p, UINT16_MAX - len + 1), -EMSGSIZE);
	p.class = DP_PKT_ARP;
	assert_int_equal(dp_pkt_rewrite(&p, &rw4), -EINVAL);
	assert_int_equal(dp_pkt_resize(&p, 0), -EINVAL);
}

/* SRTP tag added then removed, around the rewrite, checksums right */
static void test_resize(void **state)
{
	uint8_t buf[BUF_SIZE] __attribute__((aligned(8)));
	static const int deltas[] = { 10, -10, 4, 16, -4, -160 };

	(void)state;
	for (int fam = 0; fam < 2; fam++)
	for (size_t d = 0; d < sizeof(deltas) / sizeof(deltas[0]); d++)
	for (int before = 0; before <= 1; before++)
	for (int nock = 0; nock <= 1; nock++) {
		struct spec s = fam ? rtp6 : rtp4;
		const struct dp_pkt_rewrite *rw = fam ? &rw6 : &rw4;
		struct dp_pkt p;
		uint16_t len, plen;

		s.n_vlan = (uint8_t)d % 3;
		s.payload_len = (uint16_t)(160 + (d & 1));
		s.no_cksum = !fam && nock;
		len = build(buf + HEADROOM, &s, NULL);
		dp_pkt_parse(buf + HEADROOM, len, 0, &p);
		p.headroom = HEADROOM;
		p.tailroom = (uint16_t)(BUF_SIZE - HEADROOM - len);
		if (!before)
			assert_int_equal(dp_pkt_rewrite(&p, rw), 0);
		plen = p.payload_len;
		assert_int_equal(dp_pkt_resize(&p, deltas[d]), 0);
		assert_int_equal(p.payload_len, plen + deltas[d]);
		for (int i = 0; i < p.payload_len; i++)
			p.data[p.payload_off + i] ^= (uint8_t)(i * 31 + d);
		if (before)
			assert_int_equal(dp_pkt_rewrite(&p, rw), 0);
		dp_pkt_finalize(&p);
		check_rewritten(&p, rw, &s);
		assert_int_equal(p.len, p.payload_off + p.payload_len);
	}
}

static void test_rtp_classify(void **state)
{
	uint8_t b[80] = { 0x80, 0, 0, 1, 0, 0, 0, 2, 0xde, 0xad, 0xbe, 0xef };
	uint32_t ssrc = 0;

	(void)state;
	assert_int_equal(dp_rtp_classify(b, 12, &ssrc), DP_RTP_RTP);
	assert_int_equal(ssrc, 0xdeadbeef);
	assert_int_equal(dp_rtp_classify(b, 11, &ssrc), DP_RTP_NONE);
	b[1] = 0xe0;		/* PT 96 with marker: 224, RTP */
	assert_int_equal(dp_rtp_classify(b, 12, &ssrc), DP_RTP_RTP);
	b[1] = 0x7f;
	assert_int_equal(dp_rtp_classify(b, 12, &ssrc), DP_RTP_RTP);
	b[0] = 0x8f;		/* 15 CSRCs need 72 bytes */
	assert_int_equal(dp_rtp_classify(b, 71, &ssrc), DP_RTP_NONE);
	assert_int_equal(dp_rtp_classify(b, 72, &ssrc), DP_RTP_RTP);
	b[0] = 0x40;		/* version 1 */
	assert_int_equal(dp_rtp_classify(b, 12, &ssrc), DP_RTP_NONE);

	/* RTCP: SR, RR, SDES, BYE, APP, RTPFB, PSFB, XR, and the range ends */
	b[0] = 0x81;
	for (unsigned pt = 192; pt <= 223; pt++) {
		b[1] = (uint8_t)pt;
		ssrc = 0;
		assert_int_equal(dp_rtp_classify(b, 8, &ssrc), DP_RTP_RTCP);
		assert_int_equal(ssrc, 0x00000002);
	}
	b[1] = 200;
	assert_int_equal(dp_rtp_classify(b, 7, &ssrc), DP_RTP_NONE);
	b[1] = 191;		/* RTP, with one CSRC */
	assert_int_equal(dp_rtp_classify(b, 15, &ssrc), DP_RTP_NONE);
	assert_int_equal(dp_rtp_classify(b, 16, &ssrc), DP_RTP_RTP);
	assert_int_equal(dp_rtp_classify(b, 0, &ssrc), DP_RTP_NONE);
}

/* the glue on a hand-made single-segment mbuf, no EAL */
static void test_mbuf(void **state)
{
	uint8_t buf[BUF_SIZE] __attribute__((aligned(64)));
	struct rte_mbuf m;
	struct dp_pkt_rewrite rw = rw4;
	struct dp_pkt p;
	uint16_t len;

	(void)state;
	memset(&m, 0, sizeof(m));
	len = build(buf + RTE_PKTMBUF_HEADROOM, &rtp4, NULL);
	buf[RTE_PKTMBUF_HEADROOM + 24] ^= 0xff;	/* break the IPv4 checksum */
	m.buf_addr = buf;
	m.buf_len = BUF_SIZE;
	m.data_off = RTE_PKTMBUF_HEADROOM;
	m.data_len = (uint16_t)(len + 6);	/* Ethernet padding */
	m.pkt_len = m.data_len;
	m.nb_segs = 1;
	assert_int_equal(dp_pkt_parse_mbuf(&m, &p), DP_PKT_MALFORMED);
	m.ol_flags = RTE_MBUF_F_RX_IP_CKSUM_GOOD;
	assert_int_equal(dp_pkt_parse_mbuf(&m, &p), DP_PKT_MEDIA_UDP);
	assert_int_equal(p.headroom, RTE_PKTMBUF_HEADROOM);
	assert_int_equal(p.tailroom, BUF_SIZE - RTE_PKTMBUF_HEADROOM - len);
	buf[RTE_PKTMBUF_HEADROOM + 24] ^= 0xff;
	rw.vlan = true;
	rw.vlan_tci = 7;
	assert_int_equal(dp_pkt_rewrite(&p, &rw), 0);
	assert_int_equal(dp_pkt_resize(&p, 10), 0);
	dp_pkt_finalize(&p);
	dp_pkt_mbuf_update(&p, &m);
	assert_int_equal(m.data_off, RTE_PKTMBUF_HEADROOM - 4);
	assert_int_equal(m.data_len, len + 4 + 10);
	assert_int_equal(m.pkt_len, m.data_len);
	check_rewritten(&p, &rw, &rtp4);

	m.nb_segs = 2;
	assert_int_equal(dp_pkt_parse_mbuf(&m, &p), DP_PKT_OTHER_L3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_media),
		cmocka_unit_test(test_parse_padding),
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_bad_ipv4),
		cmocka_unit_test(test_bad_ipv6),
		cmocka_unit_test(test_ipv6_ext),
		cmocka_unit_test(test_fragments),
		cmocka_unit_test(test_arp_nd_other),
		cmocka_unit_test(test_rewrite),
		cmocka_unit_test(test_rewrite_random),
		cmocka_unit_test(test_rewrite_random_headers),
		cmocka_unit_test(test_rewrite_errors),
		cmocka_unit_test(test_resize),
		cmocka_unit_test(test_rtp_classify),
		cmocka_unit_test(test_mbuf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
