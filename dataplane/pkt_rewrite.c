/*
 * Media packets, send side: rewrite a parsed UDP packet for forwarding,
 * resize its payload, and keep IP/UDP lengths and checksums right; see
 * pkt.h for the order of calls.
 *
 * Checksums use DPDK's header-only rte_raw_cksum() (an RFC 1071 sum with
 * unaligned-safe loads) and rte_ipv4_cksum(); they need no EAL.  The UDP
 * pseudo-header is summed here rather than with rte_ipv4_udptcp_cksum() /
 * rte_ipv6_udptcp_cksum(), because those take the L4 length from the IP
 * header, which is not the UDP length when IPv6 extension headers sit
 * between the two.
 */
#include "pkt.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_udp.h>

/* end-around carry down to 16 bits (RFC 1071 section 4.1) */
static inline uint16_t fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), m and m' being sums of words */
static inline uint16_t cksum_adjust(uint16_t hc, uint16_t m, uint16_t m2)
{
	return (uint16_t)~fold((uint32_t)(uint16_t)~hc + (uint16_t)~m + m2);
}

static inline struct rte_udp_hdr *udp_hdr(const struct dp_pkt *p)
{
	return (struct rte_udp_hdr *)(p->data + p->l4_off);
}

/*
 * The 16-bit words of a 4- or 16-byte address summed (RFC 1071), not
 * folded, in the byte order rte_raw_cksum() sums them: 32-bit loads of a
 * length fixed per family, where rte_raw_cksum() loops word by word.
 */
static inline uint32_t sum_addr(const uint8_t *a, unsigned alen)
{
	uint32_t sum = 0, w;

	for (unsigned i = 0; i < alen; i += 4) {
		memcpy(&w, a + i, 4);
		sum += (w & 0xffff) + (w >> 16);
	}
	return sum;
}

/* the source and destination addresses summed, at most 8 * 0xffff */
static inline uint32_t sum_addrs(const uint8_t *src, const uint8_t *dst,
				 int family)
{
	if (family == AF_INET)
		return sum_addr(src, 4) + sum_addr(dst, 4);
	return sum_addr(src, 16) + sum_addr(dst, 16);
}

/* what the addresses add to the UDP checksum (the pseudo-header's part) */
static inline uint32_t addr_sum(const struct dp_pkt *p)
{
	return sum_addrs(p->src_addr, p->dst_addr, p->family);
}

/*
 * Make the IP length cover exactly the UDP datagram, which ends at p->len;
 * for IPv4 also recompute the header checksum (RFC 791).
 */
static inline void set_ip_len(struct dp_pkt *p)
{
	uint8_t *l3 = p->data + p->l3_off;
	uint16_t len = (uint16_t)(p->len - p->l3_off);

	if (p->family == AF_INET) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)l3;

		ip->total_length = rte_cpu_to_be_16(len);
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	} else {
		struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)l3;

		ip->payload_len =
			rte_cpu_to_be_16((uint16_t)(len - sizeof(*ip)));
	}
}

/* the TTL or hop limit byte */
static inline uint8_t *ttl_of(const struct dp_pkt *p)
{
	uint8_t *l3 = p->data + p->l3_off;

	if (p->family == AF_INET)
		return &((struct rte_ipv4_hdr *)l3)->time_to_live;
	return &((struct rte_ipv6_hdr *)l3)->hop_limits;
}

/* a fresh Ethernet header, with one 802.1Q tag when rw->vlan */
static inline void write_l2(uint8_t *data, const struct dp_pkt_rewrite *rw,
			    uint16_t ether_type)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)data;

	eth->dst_addr = rw->dst_mac;
	eth->src_addr = rw->src_mac;
	if (rw->vlan) {
		struct rte_vlan_hdr *vh = (struct rte_vlan_hdr *)(eth + 1);

		eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN);
		vh->vlan_tci = rte_cpu_to_be_16(rw->vlan_tci);
		vh->eth_proto = rte_cpu_to_be_16(ether_type);
	} else {
		eth->ether_type = rte_cpu_to_be_16(ether_type);
	}
}

/*
 * The IP header after a rewrite: TTL or hop limit one less, length exactly
 * the UDP datagram.  The IPv4 header checksum is adjusted (RFC 1624) for
 * the words that change, @addr_old and @addr_new being what the addresses
 * summed before and after; a header that summed right (the parse checked,
 * or the NIC did) sums right afterwards, as if recomputed.
 */
static inline void ip_forwarded(struct dp_pkt *p, uint32_t addr_old,
				uint32_t addr_new)
{
	uint8_t *l3 = p->data + p->l3_off;
	uint16_t len = (uint16_t)(p->len - p->l3_off);

	if (p->family == AF_INET) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)l3;
		uint16_t ttl_old, ttl_new, len_old = ip->total_length;

		/*
		 * TTL and protocol share one 16-bit word of the checksum; it is
		 * read and written whole, since reading it back after a byte
		 * store to the TTL stalls store-to-load forwarding.  The TTL is
		 * above 1 (checked), so the decrement does not borrow.
		 */
		memcpy(&ttl_old, &ip->time_to_live, 2);
		ttl_new = rte_cpu_to_be_16(
			(uint16_t)(rte_be_to_cpu_16(ttl_old) - 0x100));
		memcpy(&ip->time_to_live, &ttl_new, 2);
		ip->total_length = rte_cpu_to_be_16(len);
		ip->hdr_checksum = cksum_adjust(ip->hdr_checksum,
			fold(addr_old + ttl_old + len_old),
			fold(addr_new + ttl_new + ip->total_length));
	} else {
		struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)l3;

		ip->hop_limits--;
		ip->payload_len =
			rte_cpu_to_be_16((uint16_t)(len - sizeof(*ip)));
	}
}

int dp_pkt_rewrite(struct dp_pkt *p, const struct dp_pkt_rewrite *rw)
{
	const uint16_t l2_len = (uint16_t)(sizeof(struct rte_ether_hdr) +
		(rw->vlan ? sizeof(struct rte_vlan_hdr) : 0));
	const int move = (int)p->l3_off - l2_len;
	const uint16_t sport = rte_cpu_to_be_16(rw->src_port);
	const uint16_t dport = rte_cpu_to_be_16(rw->dst_port);
	struct rte_udp_hdr *udp;
	uint32_t addr_old, addr_new;

	if (unlikely(p->class != DP_PKT_MEDIA_UDP))
		return -EINVAL;
	if (unlikely(rw->family != p->family))
		return -EAFNOSUPPORT;
	/* RFC 791 / RFC 8200: a packet whose TTL would reach 0 is dropped */
	if (unlikely(*ttl_of(p) <= 1))
		return -ETIMEDOUT;
	if (unlikely(move < 0 && p->headroom < -move))
		return -ENOSPC;

	udp = udp_hdr(p);
	addr_old = addr_sum(p);
	addr_new = sum_addrs(rw->src_addr, rw->dst_addr, p->family);
	/* RFC 768: 0 means no checksum (IPv4 only); a computed 0 is sent as ones */
	if (udp->dgram_cksum != 0) {
		udp->dgram_cksum = cksum_adjust(udp->dgram_cksum,
			fold(addr_old + udp->src_port + udp->dst_port),
			fold(addr_new + sport + dport));
		if (udp->dgram_cksum == 0)
			udp->dgram_cksum = 0xffff;
	}
	/* constant lengths: inline moves, not library calls */
	if (p->family == AF_INET) {
		memcpy(p->src_addr, rw->src_addr, 4);
		memcpy(p->dst_addr, rw->dst_addr, 4);
	} else {
		memcpy(p->src_addr, rw->src_addr, 16);
		memcpy(p->dst_addr, rw->dst_addr, 16);
	}
	udp->src_port = sport;
	udp->dst_port = dport;
	ip_forwarded(p, addr_old, addr_new);

	write_l2(p->data + move, rw, p->family == AF_INET ?
		 RTE_ETHER_TYPE_IPV4 : RTE_ETHER_TYPE_IPV6);
	p->data += move;
	p->len = (uint16_t)(p->len - move);
	p->headroom = (uint16_t)(p->headroom + move);
	p->l3_off = l2_len;
	p->l4_off = (uint16_t)(p->l4_off - move);
	p->payload_off = (uint16_t)(p->payload_off - move);
	p->n_vlan = rw->vlan;
	p->vlan_tci[0] = rw->vlan ? rw->vlan_tci : 0;
	p->vlan_tci[1] = 0;
	p->src_port = rw->src_port;
	p->dst_port = rw->dst_port;
	return 0;
}

int dp_pkt_resize(struct dp_pkt *p, int delta)
{
	struct rte_udp_hdr *udp;

	if (unlikely(p->class != DP_PKT_MEDIA_UDP ||
		     delta < -(int)p->payload_len))
		return -EINVAL;
	if (unlikely(delta > (int)p->tailroom))
		return -ENOSPC;
	/* the frame bounds the IP and UDP lengths, which are 16-bit */
	if (unlikely(p->len + delta > UINT16_MAX))
		return -EMSGSIZE;
	udp = udp_hdr(p);
	udp->dgram_len = rte_cpu_to_be_16(
		(uint16_t)(rte_be_to_cpu_16(udp->dgram_len) + delta));
	p->len = (uint16_t)(p->len + delta);
	p->payload_len = (uint16_t)(p->payload_len + delta);
	p->tailroom = (uint16_t)(p->tailroom - delta);
	set_ip_len(p);
	return 0;
}

void dp_pkt_finalize(struct dp_pkt *p)
{
	struct rte_udp_hdr *udp = udp_hdr(p);
	const uint16_t ulen = (uint16_t)(p->len - p->l4_off);
	uint32_t sum;
	uint16_t ck;

	if (p->family == AF_INET && udp->dgram_cksum == 0)
		return;
	/*
	 * Pseudo-header: addresses, protocol, UDP length (RFC 768 for IPv4;
	 * RFC 8200 section 8.1 for IPv6, whose 32-bit length and 24 zero
	 * bits add the same as these 16-bit words).
	 */
	sum = addr_sum(p) + rte_cpu_to_be_16(IPPROTO_UDP) +
		rte_cpu_to_be_16(ulen);
	udp->dgram_cksum = 0;
	ck = (uint16_t)~fold(sum + rte_raw_cksum(udp, ulen));
	udp->dgram_cksum = ck != 0 ? ck : 0xffff;
}
