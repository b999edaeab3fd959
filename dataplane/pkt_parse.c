/*
 * Media packets, receive side: Ethernet/VLAN, IPv4, IPv6 with its
 * extension headers, UDP, and the ARP/ND classes; see pkt.h.
 *
 * Every read is preceded by a bounds check against the frame length (or,
 * past the IP header, against the end of the IP packet), so that arbitrary
 * bytes never make the parser read out of the buffer.
 */
#include "pkt.h"

#include <netinet/in.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_udp.h>

/* ICMPv6 types (RFC 4861 section 4.3, 4.4) */
#define ND_NEIGHBOR_SOLICIT 135
#define ND_NEIGHBOR_ADVERT 136
/* type, code, checksum, reserved/flags, target address (RFC 4861 4.3) */
#define ND_MIN_LEN 24
/* extension headers walked before giving the packet to the kernel */
#define IP6_MAX_EXT 8

static inline enum dp_pkt_class bad(struct dp_pkt *p, enum dp_pkt_bad why)
{
	p->class = DP_PKT_MALFORMED;
	p->bad = why;
	return p->class;
}

static inline enum dp_pkt_class set_class(struct dp_pkt *p,
					  enum dp_pkt_class class)
{
	p->class = class;
	return class;
}

/* 16-bit big-endian load at any alignment */
static inline uint16_t load_be16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

/*
 * The RFC 1071 sum of an IPv4 header, folded, not complemented: 0xffff
 * when its checksum is right.  The usual 20 bytes are summed as five
 * 32-bit words, which add up to the same folded sum as ten 16-bit ones
 * (RFC 1071 section 2(C)); rte_raw_cksum() loops over 16-bit words.
 */
static inline uint16_t ip4_hdr_sum(const void *ip, uint16_t hlen)
{
	const uint8_t *b = ip;
	uint64_t sum, w[2];
	uint32_t w4;

	if (unlikely(hlen != sizeof(struct rte_ipv4_hdr)))
		return rte_raw_cksum(ip, hlen);
	/* written out: -O2 keeps a five-step loop, per packet */
	memcpy(w, b, sizeof(w));
	memcpy(&w4, b + 16, 4);
	sum = (w[0] & 0xffffffff) + (w[0] >> 32) + (w[1] & 0xffffffff) +
		(w[1] >> 32) + w4;
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/*
 * The UDP header at @off, inside an IP packet ending at @end (RFC 768):
 * its length is at least 8 and reaches no further than the IP payload.
 * A shorter UDP length than the IP payload is accepted; the datagram ends
 * where UDP says, and dp_pkt_rewrite() trims the IP length to it.
 */
static inline enum dp_pkt_class parse_udp(struct dp_pkt *p, uint16_t off,
					  uint16_t end)
{
	const struct rte_udp_hdr *udp;
	uint16_t ulen;

	if (unlikely(end - off < (int)sizeof(*udp)))
		return bad(p, DP_PKT_BAD_UDP_HDR);
	udp = (const struct rte_udp_hdr *)(p->data + off);
	ulen = rte_be_to_cpu_16(udp->dgram_len);
	if (unlikely(ulen < sizeof(*udp) || ulen > end - off))
		return bad(p, DP_PKT_BAD_UDP_LEN);
	/* RFC 8200 section 8.1: a zero UDP checksum is not allowed on IPv6 */
	if (unlikely(p->family == AF_INET6 && udp->dgram_cksum == 0))
		return bad(p, DP_PKT_BAD_UDP_CKSUM0);
	p->l4_off = off;
	p->src_port = rte_be_to_cpu_16(udp->src_port);
	p->dst_port = rte_be_to_cpu_16(udp->dst_port);
	p->payload_off = (uint16_t)(off + sizeof(*udp));
	p->payload_len = (uint16_t)(ulen - sizeof(*udp));
	p->len = (uint16_t)(off + ulen);
	return set_class(p, DP_PKT_MEDIA_UDP);
}

/* IPv4 at p->l3_off (RFC 791) */
static enum dp_pkt_class parse_ipv4(struct dp_pkt *p, uint16_t len,
				    unsigned flags)
{
	const uint16_t off = p->l3_off;
	struct rte_ipv4_hdr *ip;
	uint16_t hlen, tlen, frag;

	if (unlikely(len - off < (int)sizeof(*ip)))
		return bad(p, DP_PKT_BAD_IP_HDR);
	ip = (struct rte_ipv4_hdr *)(p->data + off);
	if (unlikely((ip->version_ihl >> 4) != 4))
		return bad(p, DP_PKT_BAD_IP_VERSION);
	/* IHL counts 32-bit words, at least 5; options are skipped with it */
	hlen = rte_ipv4_hdr_len(ip);
	if (unlikely(hlen < sizeof(*ip) || hlen > len - off))
		return bad(p, DP_PKT_BAD_IP_HDR);
	tlen = rte_be_to_cpu_16(ip->total_length);
	if (unlikely(tlen < hlen || tlen > len - off))
		return bad(p, DP_PKT_BAD_IP_LEN);
	if (!(flags & DP_PKT_RX_IP_CKSUM_GOOD) &&
	    unlikely(ip4_hdr_sum(ip, hlen) != 0xffff))
		return bad(p, DP_PKT_BAD_IP_CKSUM);
	p->family = AF_INET;
	p->src_addr = (uint8_t *)&ip->src_addr;
	p->dst_addr = (uint8_t *)&ip->dst_addr;
	p->len = (uint16_t)(off + tlen);
	/* RFC 791: MF set or a non-zero offset is a fragment */
	frag = rte_be_to_cpu_16(ip->fragment_offset);
	if (unlikely(frag & (RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)))
		return set_class(p, DP_PKT_FRAGMENT);
	if (likely(ip->next_proto_id == IPPROTO_UDP))
		return parse_udp(p, (uint16_t)(off + hlen), p->len);
	return set_class(p, DP_PKT_OTHER_L3);
}

/* ICMPv6 at @off: NS and NA are DP_PKT_ND, the rest goes to the kernel */
static enum dp_pkt_class parse_icmp6(struct dp_pkt *p, uint16_t off,
				     uint16_t end)
{
	uint8_t type;

	if (unlikely(end - off < 1))
		return set_class(p, DP_PKT_OTHER_L3);
	type = p->data[off];
	if (type != ND_NEIGHBOR_SOLICIT && type != ND_NEIGHBOR_ADVERT)
		return set_class(p, DP_PKT_OTHER_L3);
	if (unlikely(end - off < ND_MIN_LEN))
		return bad(p, DP_PKT_BAD_ND);
	p->l4_off = off;
	return set_class(p, DP_PKT_ND);
}

/*
 * IPv6 at p->l3_off (RFC 8200): the fixed header, then extension headers
 * up to the upper layer.  Hop-by-hop options (only first, section 4.1),
 * destination options, and a routing header with segments left 0 are
 * skipped (section 4.4: with segments left, this node is a hop, not the
 * destination); a fragment header makes a fragment (section 4.5); ESP,
 * AH, no next header and anything unknown are not media.
 */
static enum dp_pkt_class parse_ipv6(struct dp_pkt *p, uint16_t len)
{
	const uint16_t off = p->l3_off;
	struct rte_ipv6_hdr *ip;
	uint16_t end, next_off;
	uint8_t next;

	if (unlikely(len - off < (int)sizeof(*ip)))
		return bad(p, DP_PKT_BAD_IP_HDR);
	ip = (struct rte_ipv6_hdr *)(p->data + off);
	if (unlikely((p->data[off] >> 4) != 6))
		return bad(p, DP_PKT_BAD_IP_VERSION);
	if (unlikely(rte_be_to_cpu_16(ip->payload_len) >
		     len - off - sizeof(*ip)))
		return bad(p, DP_PKT_BAD_IP_LEN);
	end = (uint16_t)(off + sizeof(*ip) + rte_be_to_cpu_16(ip->payload_len));
	p->family = AF_INET6;
	p->src_addr = ip->src_addr;
	p->dst_addr = ip->dst_addr;
	p->len = end;
	next = ip->proto;
	next_off = (uint16_t)(off + sizeof(*ip));
	for (unsigned n = 0; n < IP6_MAX_EXT; n++) {
		const uint8_t *h = p->data + next_off;
		uint16_t hlen;

		switch (next) {
		case IPPROTO_UDP:
			return parse_udp(p, next_off, end);
		case IPPROTO_ICMPV6:
			return parse_icmp6(p, next_off, end);
		case IPPROTO_FRAGMENT:
			return set_class(p, DP_PKT_FRAGMENT);
		case IPPROTO_HOPOPTS:
			if (unlikely(n != 0))
				return bad(p, DP_PKT_BAD_IP6_EXT);
			break;
		case IPPROTO_ROUTING:
		case IPPROTO_DSTOPTS:
			break;
		default:
			return set_class(p, DP_PKT_OTHER_L3);
		}
		/* next header, length in 8-octet units beyond the first 8 */
		if (unlikely(end - next_off < 8))
			return bad(p, DP_PKT_BAD_IP6_EXT);
		hlen = (uint16_t)((h[1] + 1) * 8);
		if (unlikely(hlen > end - next_off))
			return bad(p, DP_PKT_BAD_IP6_EXT);
		/* routing header: type, then segments left (RFC 8200 4.4) */
		if (next == IPPROTO_ROUTING && h[3] != 0)
			return set_class(p, DP_PKT_OTHER_L3);
		next = h[0];
		next_off = (uint16_t)(next_off + hlen);
	}
	return set_class(p, DP_PKT_OTHER_L3);
}

/* where the common frame (below) has its headers */
#define FAST_L3 ((uint16_t)sizeof(struct rte_ether_hdr))
#define FAST_L4 ((uint16_t)(FAST_L3 + sizeof(struct rte_ipv4_hdr)))
#define FAST_PAYLOAD ((uint16_t)(FAST_L4 + sizeof(struct rte_udp_hdr)))

/*
 * The frame nearly every media packet is: untagged IPv4 without options
 * carrying UDP.  Taken here only when every check of the general path
 * passes (so it is DP_PKT_MEDIA_UDP there too), and @p set to exactly
 * what the general path sets, with the offsets constant and the checks in
 * one place instead of one call per layer.  Anything else, every error
 * included, returns false untouched, for the general path to classify.
 */
static inline bool parse_fast(uint8_t *data, uint16_t len, unsigned flags,
			      struct dp_pkt *p)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(data + FAST_L3);
	const struct rte_udp_hdr *udp =
		(const struct rte_udp_hdr *)(data + FAST_L4);
	uint16_t tlen, ulen;

	/* both headers inside the frame before either is read */
	if (unlikely(len < FAST_PAYLOAD) ||
	    load_be16(data + FAST_L3 - 2) != RTE_ETHER_TYPE_IPV4 ||
	    ip->version_ihl != 0x45 || ip->next_proto_id != IPPROTO_UDP)
		return false;
	tlen = rte_be_to_cpu_16(ip->total_length);
	ulen = rte_be_to_cpu_16(udp->dgram_len);
	if (unlikely(tlen < FAST_PAYLOAD - FAST_L3 || tlen > len - FAST_L3 ||
		     ulen < sizeof(*udp) || ulen > tlen - sizeof(*ip)))
		return false;
	if (unlikely(ip->fragment_offset &
		     rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG |
				      RTE_IPV4_HDR_OFFSET_MASK)))
		return false;
	if (!(flags & DP_PKT_RX_IP_CKSUM_GOOD) &&
	    unlikely(ip4_hdr_sum(ip, sizeof(*ip)) != 0xffff))
		return false;
	p->data = data;
	p->len = (uint16_t)(FAST_L4 + ulen);
	p->headroom = 0;
	p->tailroom = (uint16_t)(len - p->len);
	p->class = DP_PKT_MEDIA_UDP;
	p->bad = DP_PKT_BAD_NONE;
	p->family = AF_INET;
	p->n_vlan = 0;
	p->l3_off = FAST_L3;
	p->l4_off = FAST_L4;
	p->payload_off = FAST_PAYLOAD;
	p->payload_len = (uint16_t)(ulen - sizeof(*udp));
	p->src_port = rte_be_to_cpu_16(udp->src_port);
	p->dst_port = rte_be_to_cpu_16(udp->dst_port);
	p->src_addr = (uint8_t *)&ip->src_addr;
	p->dst_addr = (uint8_t *)&ip->dst_addr;
	return true;
}

enum dp_pkt_class dp_pkt_parse(uint8_t *data, uint16_t len, unsigned flags,
			       struct dp_pkt *p)
{
	uint16_t off = sizeof(struct rte_ether_hdr);
	uint16_t type;
	enum dp_pkt_class class;

	if (likely(parse_fast(data, len, flags, p)))
		return DP_PKT_MEDIA_UDP;
	p->data = data;
	p->len = len;
	p->headroom = 0;
	p->bad = DP_PKT_BAD_NONE;
	p->family = 0;
	p->n_vlan = 0;
	if (unlikely(len < off)) {
		class = bad(p, DP_PKT_BAD_L2_TRUNC);
		goto out;
	}
	type = load_be16(data + off - 2);
	/* IEEE 802.1Q tag, or 802.1ad (outer) then 802.1Q (inner) */
	while (type == RTE_ETHER_TYPE_VLAN ||
	       (type == RTE_ETHER_TYPE_QINQ && p->n_vlan == 0)) {
		if (unlikely(p->n_vlan == 2)) {
			class = set_class(p, DP_PKT_OTHER_L3);
			goto out;
		}
		if (unlikely(len - off < (int)sizeof(struct rte_vlan_hdr))) {
			class = bad(p, DP_PKT_BAD_L2_TRUNC);
			goto out;
		}
		p->vlan_tci[p->n_vlan++] = load_be16(data + off);
		type = load_be16(data + off + 2);
		off = (uint16_t)(off + sizeof(struct rte_vlan_hdr));
	}
	p->l3_off = off;
	switch (type) {
	case RTE_ETHER_TYPE_IPV4:
		class = parse_ipv4(p, len, flags);
		break;
	case RTE_ETHER_TYPE_IPV6:
		class = parse_ipv6(p, len);
		break;
	case RTE_ETHER_TYPE_ARP:
		if (unlikely(len - off < (int)sizeof(struct rte_arp_hdr)))
			class = bad(p, DP_PKT_BAD_ARP);
		else
			class = set_class(p, DP_PKT_ARP);
		break;
	default:
		class = set_class(p, DP_PKT_OTHER_L3);
		break;
	}
out:
	p->tailroom = (uint16_t)(len - p->len);
	return class;
}
