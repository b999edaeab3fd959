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
 * between the two.  Byte order with htons()/ntohs() (glibc:
 * __builtin_bswap16, which the compiler folds into the sums) rather than
 * rte_cpu_to_be_16(), whose x86 form for a variable is an asm statement.
 */
#include "pkt.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>

#include <rte_ip.h>
#include <rte_udp.h>

/* end-around carry down to 16 bits (RFC 1071 section 4.1) */
static inline uint16_t fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/*
 * RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), m and m' being sums of the
 * words that change, here unfolded (each below 2^20).  ~m is taken as
 * CKSUM_BIAS - m, CKSUM_BIAS a multiple of 0xffff above any m: congruent
 * modulo 0xffff and never 0, so a single fold gives the bits that folding
 * m and m' first would.  The sum is positive, so the result is never
 * 0xffff (a header checksum, as a full recomputation would have it); 0
 * only when it sums to a multiple of 0xffff, which for UDP the caller
 * sends as 0xffff either way (RFC 768).
 */
#define CKSUM_BIAS (16u * 0xffff)

static inline uint16_t cksum_update(uint16_t hc, uint32_t m, uint32_t m2)
{
	return (uint16_t)~fold((uint32_t)(uint16_t)~hc + (CKSUM_BIAS - m) + m2);
}

static inline struct rte_udp_hdr *udp_hdr(const struct dp_pkt *p)
{
	return (struct rte_udp_hdr *)(p->data + p->l4_off);
}

/*
 * The 16-bit words of the packet's two addresses summed (RFC 1071), not
 * folded to 16 bits but below 2^20, and 0 only when they are all zero:
 * wider loads whose sum is congruent modulo 0xffff (2^16 = 1), which
 * fold() turns into the same 16 bits as a word-by-word sum.
 */
static inline uint32_t addr_sum4(const uint8_t *l3)
{
	uint32_t s, d;
	uint64_t x;

	memcpy(&s, l3 + offsetof(struct rte_ipv4_hdr, src_addr), 4);
	memcpy(&d, l3 + offsetof(struct rte_ipv4_hdr, dst_addr), 4);
	x = (uint64_t)s + d;
	return (uint32_t)((x & 0xffff) + (x >> 16));
}

static inline uint32_t addr_sum6(const uint8_t *l3)
{
	uint64_t w[4], x;

	memcpy(w, l3 + offsetof(struct rte_ipv6_hdr, src_addr), 32);
	x = (w[0] & 0xffffffff) + (w[0] >> 32) + (w[1] & 0xffffffff) +
		(w[1] >> 32) + (w[2] & 0xffffffff) + (w[2] >> 32) +
		(w[3] & 0xffffffff) + (w[3] >> 32);
	return (uint32_t)((x & 0xffff) + (x >> 16));
}

/* what the addresses add to the UDP checksum (the pseudo-header's part) */
static inline uint32_t addr_sum(const struct dp_pkt *p)
{
	const uint8_t *l3 = p->data + p->l3_off;

	return p->family == AF_INET ? addr_sum4(l3) : addr_sum6(l3);
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

		ip->total_length = htons(len);
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	} else {
		struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)l3;

		ip->payload_len =
			htons((uint16_t)(len - sizeof(*ip)));
	}
}

/* a fresh Ethernet header, with one 802.1Q tag when @vlan */
static inline void write_l2(uint8_t *data, const struct dp_pkt_fwd *fw,
			    bool vlan, uint16_t ether_type_be)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)data;

	eth->dst_addr = *fw->dst_mac;
	eth->src_addr = *fw->src_mac;
	if (vlan) {
		struct rte_vlan_hdr *vh = (struct rte_vlan_hdr *)(eth + 1);

		eth->ether_type = htons(RTE_ETHER_TYPE_VLAN);
		vh->vlan_tci = htons(fw->vlan_tci);
		vh->eth_proto = ether_type_be;
	} else {
		eth->ether_type = ether_type_be;
	}
}

/*
 * IPv4: addresses replaced, TTL one less, total length exactly the UDP
 * datagram, and the header checksum adjusted (RFC 1624) for the words
 * that change; a header that summed right (the parse checked, or the NIC
 * did) sums right afterwards, as if recomputed.  Returns the old
 * addresses' sum for the UDP checksum.
 */
static inline uint32_t ip4_forward(uint8_t *l3, uint16_t len,
				   const struct dp_pkt_fwd *fw)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)l3;
	const uint32_t a_old = addr_sum4(l3);
	uint16_t ttl_old, ttl_new, len_old = ip->total_length;

	memcpy(&ip->src_addr, fw->src_addr, 4);
	memcpy(&ip->dst_addr, fw->dst_addr, 4);
	/*
	 * TTL and protocol share one 16-bit word of the checksum; it is
	 * read and written whole, since reading it back after a byte store
	 * to the TTL stalls store-to-load forwarding.  The TTL is above 1
	 * (checked), so the decrement does not borrow.
	 */
	memcpy(&ttl_old, &ip->time_to_live, 2);
	ttl_new = htons((uint16_t)(ntohs(ttl_old) - 0x100));
	memcpy(&ip->time_to_live, &ttl_new, 2);
	ip->total_length = htons(len);
	ip->hdr_checksum = cksum_update(ip->hdr_checksum,
		a_old + ttl_old + len_old,
		(uint32_t)fw->addr_sum + ttl_new + ip->total_length);
	return a_old;
}

/* IPv6: addresses replaced, hop limit one less, payload length set */
static inline uint32_t ip6_forward(uint8_t *l3, uint16_t len,
				   const struct dp_pkt_fwd *fw)
{
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)l3;
	const uint32_t a_old = addr_sum6(l3);

	memcpy(ip->src_addr, fw->src_addr, 16);
	memcpy(ip->dst_addr, fw->dst_addr, 16);
	ip->hop_limits--;
	ip->payload_len = htons((uint16_t)(len - sizeof(*ip)));
	return a_old;
}

/*
 * UDP: ports replaced, the checksum adjusted for them and for the
 * addresses (@a_old the old ones' sum, fw->addr_sum the new ones').
 */
static inline void udp_forward(struct rte_udp_hdr *udp, uint32_t a_old,
			       const struct dp_pkt_fwd *fw)
{
	const uint16_t sport = htons(fw->src_port);
	const uint16_t dport = htons(fw->dst_port);
	uint16_t ck = udp->dgram_cksum;

	/* RFC 768: 0 means no checksum (IPv4 only); a computed 0 is sent as ones */
	if (ck != 0) {
		ck = cksum_update(ck, a_old + udp->src_port + udp->dst_port,
				  (uint32_t)fw->addr_sum + sport + dport);
		udp->dgram_cksum = ck != 0 ? ck : 0xffff;
	}
	udp->src_port = sport;
	udp->dst_port = dport;
}

/*
 * The rewrite, in one pass over the headers: each field is read once and
 * written once, the family decided once, the new addresses' sum taken
 * from @fw.  p is DP_PKT_MEDIA_UDP of @fw's family.
 */
static inline int forward(struct dp_pkt *p, const struct dp_pkt_fwd *fw,
			  bool vlan)
{
	const uint16_t l2_len = (uint16_t)(sizeof(struct rte_ether_hdr) +
		(vlan ? sizeof(struct rte_vlan_hdr) : 0));
	const int move = (int)p->l3_off - l2_len;
	const uint16_t len = (uint16_t)(p->len - p->l3_off);
	uint8_t *l3 = p->data + p->l3_off;
	uint16_t ether_type;
	uint32_t a_old;

	/* RFC 791 / RFC 8200: a packet whose TTL would reach 0 is dropped */
	if (unlikely(l3[p->family == AF_INET ?
			offsetof(struct rte_ipv4_hdr, time_to_live) :
			offsetof(struct rte_ipv6_hdr, hop_limits)] <= 1))
		return -ETIMEDOUT;
	if (unlikely(move < 0 && p->headroom < -move))
		return -ENOSPC;
	if (p->family == AF_INET) {
		a_old = ip4_forward(l3, len, fw);
		ether_type = htons(RTE_ETHER_TYPE_IPV4);
	} else {
		a_old = ip6_forward(l3, len, fw);
		ether_type = htons(RTE_ETHER_TYPE_IPV6);
	}
	udp_forward(udp_hdr(p), a_old, fw);
	write_l2(p->data + move, fw, vlan, ether_type);
	p->data += move;
	p->len = (uint16_t)(p->len - move);
	p->headroom = (uint16_t)(p->headroom + move);
	p->l3_off = l2_len;
	p->l4_off = (uint16_t)(p->l4_off - move);
	p->payload_off = (uint16_t)(p->payload_off - move);
	p->n_vlan = vlan;
	p->vlan_tci[0] = vlan ? fw->vlan_tci : 0;
	p->vlan_tci[1] = 0;
	p->src_port = fw->src_port;
	p->dst_port = fw->dst_port;
	return 0;
}

/*
 * forward() for the relay's common case alone: untagged IPv4 in and out,
 * so nothing moves and of @p only the ports and VLAN fields change,
 * without the branches and offset updates tags and IPv6 need (154 -> 97
 * instructions per packet by callgrind).
 */
static inline int forward4(struct dp_pkt *p, const struct dp_pkt_fwd *fw)
{
	uint8_t *l3 = p->data + RTE_ETHER_HDR_LEN;

	/* RFC 791: a packet whose TTL would reach 0 is dropped */
	if (unlikely(l3[offsetof(struct rte_ipv4_hdr, time_to_live)] <= 1))
		return -ETIMEDOUT;
	udp_forward(udp_hdr(p),
		    ip4_forward(l3, (uint16_t)(p->len - RTE_ETHER_HDR_LEN), fw),
		    fw);
	write_l2(p->data, fw, false, htons(RTE_ETHER_TYPE_IPV4));
	p->vlan_tci[0] = 0;
	p->vlan_tci[1] = 0;
	p->src_port = fw->src_port;
	p->dst_port = fw->dst_port;
	return 0;
}

int dp_pkt_forward(struct dp_pkt *p, const struct dp_pkt_fwd *fw)
{
	if (likely(p->l3_off == RTE_ETHER_HDR_LEN && fw->vlan_tci == 0 &&
		   p->family == AF_INET))
		return forward4(p, fw);
	return forward(p, fw, fw->vlan_tci != 0);
}

int dp_pkt_rewrite(struct dp_pkt *p, const struct dp_pkt_rewrite *rw)
{
	const struct dp_pkt_fwd fw = dp_pkt_fwd_of(rw);

	if (unlikely(p->class != DP_PKT_MEDIA_UDP))
		return -EINVAL;
	if (unlikely(rw->family != p->family))
		return -EAFNOSUPPORT;
	return forward(p, &fw, rw->vlan);
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
	udp->dgram_len = htons(
		(uint16_t)(ntohs(udp->dgram_len) + delta));
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
	sum = addr_sum(p) + htons(IPPROTO_UDP) +
		htons(ulen);
	udp->dgram_cksum = 0;
	ck = (uint16_t)~fold(sum + rte_raw_cksum(udp, ulen));
	udp->dgram_cksum = ck != 0 ? ck : 0xffff;
}
