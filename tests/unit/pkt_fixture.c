/*
 * Shared fixture of the packet unit tests (test_pkt.c, test_pkt_forward.c):
 * frames built byte by byte, not with the code under test (also with
 * random received headers), an independent RFC 1071 implementation to
 * check checksums with, and the check of a rewritten frame.
 */
#include "pkt_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <netinet/in.h>

#include <cmocka.h>

const uint8_t mac_dst[6] = { 0x02, 0, 0, 0, 0, 0x01 };
const uint8_t mac_src[6] = { 0x02, 0, 0, 0, 0, 0x02 };
const uint8_t v4_src[4] = { 192, 0, 2, 1 };
const uint8_t v4_dst[4] = { 198, 51, 100, 2 };
const uint8_t v6_src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
const uint8_t v6_dst[16] = { 0x20, 0x01, 0x0d, 0xb8, [14] = 0xff, 2 };
const uint16_t vids[2] = { 0x2064, 0x00c8 };	/* PCP 1 VID 100, VID 200 */

void put16(uint8_t *b, uint16_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

uint16_t get16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

/* reference RFC 1071 sum: big-endian words, odd byte padded with zero */
uint32_t ref_sum(const uint8_t *b, size_t n, uint32_t sum)
{
	for (size_t i = 0; i < n; i += 2)
		sum += (uint32_t)(b[i] << 8 | (i + 1 < n ? b[i + 1] : 0));
	return sum;
}

uint16_t ref_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* sum of the UDP pseudo-header and the whole datagram, checksum included */
uint16_t ref_udp_sum(const uint8_t *l3, const uint8_t *l4, int family)
{
	uint16_t ulen = get16(l4 + 4);
	uint32_t sum = 17 + ulen;

	if (family == AF_INET)
		sum = ref_sum(l3 + 12, 8, sum);
	else
		sum = ref_sum(l3 + 8, 32, sum);
	return ref_fold(ref_sum(l4, ulen, sum));
}

void assert_ip4_cksum_ok(const uint8_t *l3)
{
	assert_int_equal(ref_fold(ref_sum(l3, (l3[0] & 0xf) * 4u, 0)), 0xffff);
}

void assert_udp_cksum_ok(const uint8_t *l3, const uint8_t *l4,
				int family)
{
	assert_int_not_equal(get16(l4 + 6), 0);
	assert_int_equal(ref_udp_sum(l3, l4, family), 0xffff);
}

/* write the frame @s describes at @b; returns its length */
uint16_t build(uint8_t *b, const struct spec *s, struct layout *lo)
{
	const uint16_t ulen = (uint16_t)(8 + s->payload_len);
	uint16_t off = 12, l3, l4;

	memcpy(b, mac_dst, 6);
	memcpy(b + 6, mac_src, 6);
	for (unsigned i = 0; i < s->n_vlan; i++, off += 4) {
		put16(b + off, s->n_vlan == 2 && i == 0 ? 0x88a8 : 0x8100);
		put16(b + off + 2, vids[i]);
	}
	put16(b + off, s->family == AF_INET ? 0x0800 : 0x86dd);
	l3 = (uint16_t)(off + 2);
	if (s->family == AF_INET) {
		uint16_t hl = (uint16_t)(20 + s->opt_len);

		memset(b + l3, 0, hl);
		b[l3] = (uint8_t)(0x40 | hl / 4);
		put16(b + l3 + 2, (uint16_t)(hl + ulen));
		put16(b + l3 + 4, 0x1234);
		put16(b + l3 + 6, 0x4000);	/* DF */
		b[l3 + 8] = s->ttl ? s->ttl : 64;
		b[l3 + 9] = 17;
		memcpy(b + l3 + 12, v4_src, 4);
		memcpy(b + l3 + 16, v4_dst, 4);
		memset(b + l3 + 20, 0x01, s->opt_len);	/* NOP options */
		put16(b + l3 + 10, (uint16_t)~ref_fold(ref_sum(b + l3, hl, 0)));
		l4 = (uint16_t)(l3 + hl);
	} else {
		memset(b + l3, 0, 40);
		b[l3] = 0x60;
		put16(b + l3 + 4, (uint16_t)(s->n_ext * 8 + ulen));
		b[l3 + 6] = s->n_ext ? 0 : 17;
		b[l3 + 7] = s->ttl ? s->ttl : 64;
		memcpy(b + l3 + 8, v6_src, 16);
		memcpy(b + l3 + 24, v6_dst, 16);
		l4 = (uint16_t)(l3 + 40);
		for (unsigned i = 0; i < s->n_ext; i++, l4 += 8) {
			static const uint8_t padn[6] = { 1, 4, 0, 0, 0, 0 };

			b[l4] = i + 1 < s->n_ext ? 60 : 17;
			b[l4 + 1] = 0;
			memcpy(b + l4 + 2, padn, 6);
		}
	}
	put16(b + l4, 40000);
	put16(b + l4 + 2, 30000);
	put16(b + l4 + 4, ulen);
	put16(b + l4 + 6, 0);
	for (unsigned i = 0; i < s->payload_len; i++)
		b[l4 + 8 + i] = (uint8_t)(i * 7 + 3);
	if (s->payload_len >= 12) {
		static const uint8_t rtp[12] = { 0x80, 0x00, 0x12, 0x34, 0, 0,
			0x0a, 0x00, 0x11, 0x22, 0x33, 0x44 };

		memcpy(b + l4 + 8, rtp, sizeof(rtp));
	}
	if (s->family == AF_INET6 || !s->no_cksum) {
		uint16_t c = (uint16_t)~ref_udp_sum(b + l3, b + l4, s->family);

		put16(b + l4 + 6, c ? c : 0xffff);	/* RFC 768 */
	}
	if (lo)
		*lo = (struct layout){ l3, l4, (uint16_t)(l4 + ulen) };
	return (uint16_t)(l4 + ulen);
}

/* a frame of @len bytes: Ethernet header with @type, then @body */
uint16_t build_eth(uint8_t *b, uint16_t type, const uint8_t *body,
		   uint16_t len)
{
	memcpy(b, mac_dst, 6);
	memcpy(b + 6, mac_src, 6);
	put16(b + 12, type);
	memcpy(b + 14, body, len - 14u);
	return len;
}

/* what a rewrite overwrites or must keep, at random: addresses, ports,
 * TOS, ID */
uint16_t build_received(uint8_t *b, const struct spec *s, struct layout *lo,
			uint32_t *x)
{
	uint16_t len = build(b, s, lo), c;
	uint8_t *l3 = b + lo->l3, *l4 = b + lo->l4;

	for (unsigned k = 0; k < 16; k++) {
		*x = *x * 1103515245 + 12345;
		if (s->family == AF_INET && k < 8)
			l3[12 + k] = (uint8_t)(*x >> 16);
		else if (s->family == AF_INET6)
			l3[8 + k * 2] = (uint8_t)(*x >> 16);
	}
	put16(l4, (uint16_t)(*x >> 3));
	put16(l4 + 2, (uint16_t)(*x >> 11));
	if (s->family == AF_INET) {
		l3[1] = (uint8_t)(*x >> 5);
		put16(l3 + 4, (uint16_t)(*x >> 13));
		put16(l3 + 10, 0);
		put16(l3 + 10, (uint16_t)~ref_fold(ref_sum(l3, lo->l4 - lo->l3,
							   0)));
	}
	if (!s->no_cksum) {
		put16(l4 + 6, 0);
		c = (uint16_t)~ref_udp_sum(l3, l4, s->family);
		put16(l4 + 6, c ? c : 0xffff);
	}
	return len;
}

const struct spec rtp4 = { .family = AF_INET, .payload_len = 160 };
const struct spec rtp6 = { .family = AF_INET6, .payload_len = 160 };

const struct dp_pkt_rewrite rw4 = {
	.src_mac = { { 0x02, 0xaa, 0, 0, 0, 0x01 } },
	.dst_mac = { { 0x02, 0xbb, 0, 0, 0, 0x02 } },
	.family = AF_INET,
	.src_addr = { 203, 0, 113, 7 },
	.dst_addr = { 100, 64, 9, 250 },
	.src_port = 20002,
	.dst_port = 65535,
};

const struct dp_pkt_rewrite rw6 = {
	.src_mac = { { 0x02, 0xaa, 0, 0, 0, 0x01 } },
	.dst_mac = { { 0x02, 0xbb, 0, 0, 0, 0x02 } },
	.family = AF_INET6,
	.src_addr = { 0xfd, 0, 0xab, 0xcd, [15] = 0x77 },
	.dst_addr = { 0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, [15] = 0xfe },
	.src_port = 1,
	.dst_port = 50000,
};

/* the rewritten frame as @rw asked, both checksums right, TTL one less */
void check_rewritten(const struct dp_pkt *p,
			    const struct dp_pkt_rewrite *rw, const struct spec *s)
{
	const uint8_t *l2 = p->data, *l3 = p->data + p->l3_off;
	const uint8_t *l4 = p->data + p->l4_off;
	const int v4 = rw->family == AF_INET;
	uint16_t type = v4 ? 0x0800 : 0x86dd;
	struct dp_pkt again;

	assert_memory_equal(l2, rw->dst_mac.addr_bytes, 6);
	assert_memory_equal(l2 + 6, rw->src_mac.addr_bytes, 6);
	if (rw->vlan) {
		assert_int_equal(get16(l2 + 12), 0x8100);
		assert_int_equal(get16(l2 + 14), rw->vlan_tci);
		assert_int_equal(get16(l2 + 16), type);
		assert_int_equal(p->l3_off, 18);
	} else {
		assert_int_equal(get16(l2 + 12), type);
		assert_int_equal(p->l3_off, 14);
	}
	assert_memory_equal(l3 + (v4 ? 12 : 8), rw->src_addr, v4 ? 4 : 16);
	assert_memory_equal(l3 + (v4 ? 16 : 24), rw->dst_addr, v4 ? 4 : 16);
	assert_int_equal(l3[v4 ? 8 : 7], (s->ttl ? s->ttl : 64) - 1);
	assert_int_equal(get16(l4), rw->src_port);
	assert_int_equal(get16(l4 + 2), rw->dst_port);
	if (v4)
		assert_ip4_cksum_ok(l3);
	if (v4 && s->no_cksum)
		assert_int_equal(get16(l4 + 6), 0);
	else
		assert_udp_cksum_ok(l3, l4, rw->family);
	/* and it parses again to the same datagram */
	assert_int_equal(dp_pkt_parse(p->data, p->len, 0, &again),
			 DP_PKT_MEDIA_UDP);
	assert_int_equal(again.payload_len, p->payload_len);
	assert_int_equal(again.payload_off, p->payload_off);
	assert_int_equal(again.n_vlan, rw->vlan);
}
