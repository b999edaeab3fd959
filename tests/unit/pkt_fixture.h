/*
 * Shared fixture of the packet unit tests (test_pkt.c, test_pkt_forward.c):
 * frames built byte by byte, not with the code under test, an independent
 * RFC 1071 implementation to check checksums with, and the check of a
 * rewritten frame.
 */
#ifndef PKT_FIXTURE_H
#define PKT_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "pkt.h"

#define BUF_SIZE 2048
#define HEADROOM 64

/* addresses and VLAN tags build() writes */
extern const uint8_t mac_dst[6], mac_src[6];
extern const uint8_t v4_src[4], v4_dst[4], v6_src[16], v6_dst[16];
extern const uint16_t vids[2];

/* What build() puts in a frame. */
struct spec {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t n_vlan;		/* 2: 802.1ad outer, 802.1Q inner */
	uint8_t opt_len;	/* IPv4 option bytes, a multiple of 4 */
	uint8_t n_ext;		/* IPv6: hop-by-hop, then destination options */
	uint16_t payload_len;
	uint8_t ttl;		/* 0 means 64 */
	int no_cksum;		/* IPv4 UDP checksum 0 */
};

/* Where build() put things. */
struct layout {
	uint16_t l3, l4, len;
};

/* big-endian 16-bit store and load */
void put16(uint8_t *b, uint16_t v);
uint16_t get16(const uint8_t *b);

/* reference RFC 1071 sum: big-endian words, odd byte padded with zero */
uint32_t ref_sum(const uint8_t *b, size_t n, uint32_t sum);
uint16_t ref_fold(uint32_t sum);

/* sum of the UDP pseudo-header and the whole datagram, checksum included */
uint16_t ref_udp_sum(const uint8_t *l3, const uint8_t *l4, int family);

void assert_ip4_cksum_ok(const uint8_t *l3);
void assert_udp_cksum_ok(const uint8_t *l3, const uint8_t *l4, int family);

/* write the frame @s describes at @b; returns its length */
uint16_t build(uint8_t *b, const struct spec *s, struct layout *lo);

/* write an Ethernet frame of @len bytes, @type then @body, at @b */
uint16_t build_eth(uint8_t *b, uint16_t type, const uint8_t *body,
		   uint16_t len);

/*
 * build(), then received headers drawn from the generator *@x: both
 * addresses, both ports, the IPv4 TOS and ID, the checksums made right
 * again (UDP's stays 0 with no_cksum); @lo must not be NULL
 */
uint16_t build_received(uint8_t *b, const struct spec *s, struct layout *lo,
			uint32_t *x);

/* 160-byte RTP over IPv4 and IPv6, untagged, no options */
extern const struct spec rtp4, rtp6;

/* rewrites to other addresses, ports and MACs, per family */
extern const struct dp_pkt_rewrite rw4, rw6;

/* the rewritten frame as @rw asked, both checksums right, TTL one less */
void check_rewritten(const struct dp_pkt *p, const struct dp_pkt_rewrite *rw,
		     const struct spec *s);

#endif
