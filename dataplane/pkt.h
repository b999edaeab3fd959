/*
 * Media packets: parse Ethernet/VLAN/IPv4/IPv6/UDP, classify, rewrite for
 * forwarding, fix lengths and checksums.
 *
 * DOC: packet parsing and rewriting
 *
 * Everything works on a plain byte buffer (struct dp_pkt points into it),
 * so the code is unit-tested and fuzzed without EAL; dp_pkt_parse_mbuf()
 * and dp_pkt_mbuf_update() are the thin glue to a single-segment mbuf.
 *
 * The forwarding lcore's sequence per received frame:
 *
 *   dp_pkt_parse_mbuf(m, &p)           class + offsets, never reads past
 *                                      the frame
 *   p.class == DP_PKT_MEDIA_UDP?       else ARP/ND handler, exception path,
 *                                      or drop and count p.bad
 *   [dp_rtp_classify(payload)]         RTP or RTCP, SSRC (latching, rtcp-mux)
 *   [change payload bytes, SRTP]       dp_pkt_resize() when the size
 *                                      changes (SRTP auth tag added/removed)
 *   dp_pkt_forward(&p, &fw)            L2 header, addresses, ports, TTL;
 *                                      IPv4 header and UDP checksums
 *                                      updated incrementally (RFC 1624),
 *                                      the new addresses' sum precomputed
 *                                      per flow (dp_pkt_rewrite(): the
 *                                      same, everything per call)
 *   [dp_pkt_finalize(&p)]              only when payload bytes changed:
 *                                      UDP checksum from scratch
 *   dp_pkt_mbuf_update(&p, m)          data offset and length back to the mbuf
 *
 * dp_pkt_finalize() may come before or after dp_pkt_rewrite(): it sums
 * what the headers hold when it runs, and dp_pkt_rewrite() adjusts whatever
 * checksum it finds.  It must come after the last payload change.
 *
 * Nothing here allocates, locks or logs.
 */
#ifndef SBC_DP_PKT_H
#define SBC_DP_PKT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include <rte_branch_prediction.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

enum dp_pkt_class {
	DP_PKT_MEDIA_UDP,	/* UDP over IPv4/IPv6, unfragmented: flow lookup */
	DP_PKT_ARP,		/* ARP, at least a full Ethernet/IPv4 ARP header */
	DP_PKT_ND,		/* ICMPv6 neighbour solicitation/advertisement */
	DP_PKT_OTHER_L3,	/* any other EtherType or IP protocol, chained
				 * mbufs: exception path */
	DP_PKT_FRAGMENT,	/* IPv4 or IPv6 fragment: exception path */
	DP_PKT_MALFORMED,	/* dropped, counted by p->bad */
	DP_PKT_CLASS_MAX
};

/* Why a frame is DP_PKT_MALFORMED; one drop counter each. */
enum dp_pkt_bad {
	DP_PKT_BAD_NONE,
	DP_PKT_BAD_L2_TRUNC,	/* shorter than its Ethernet + VLAN headers */
	DP_PKT_BAD_IP_VERSION,	/* version field not 4 (6) for EtherType IPv4 (IPv6) */
	DP_PKT_BAD_IP_HDR,	/* IPv4: IHL < 5 or header past the frame;
				 * IPv6: fixed header past the frame */
	DP_PKT_BAD_IP_LEN,	/* IPv4 total length < IHL or past the frame;
				 * IPv6 payload length past the frame */
	DP_PKT_BAD_IP_CKSUM,	/* IPv4 header checksum wrong */
	DP_PKT_BAD_IP6_EXT,	/* IPv6 extension header truncated or misplaced */
	DP_PKT_BAD_UDP_HDR,	/* UDP header past the IP payload */
	DP_PKT_BAD_UDP_LEN,	/* UDP length < 8 or > the IP payload */
	DP_PKT_BAD_UDP_CKSUM0,	/* UDP checksum 0 over IPv6 */
	DP_PKT_BAD_ARP,		/* ARP header truncated */
	DP_PKT_BAD_ND,		/* NS/NA shorter than its fixed part */
	DP_PKT_BAD_MAX
};

/* dp_pkt_parse() flags */
#define DP_PKT_RX_IP_CKSUM_GOOD 0x1	/* NIC verified the IPv4 header checksum */

/*
 * A parsed frame.  data, len, class and bad are always set; the rest as far
 * as the parse got: l3_off for ARP and every IP class, family and the
 * addresses for IP, l4_off for UDP and ND, ports and payload for UDP.
 */
struct dp_pkt {
	uint8_t *data;		/* first byte of the Ethernet header */
	uint16_t len;		/* frame bytes that carry the packet: for IP up
				 * to the end of the IP packet (of the UDP
				 * datagram for UDP), Ethernet padding excluded */
	uint16_t headroom;	/* writable bytes before data */
	uint16_t tailroom;	/* writable bytes after data + len */
	enum dp_pkt_class class;
	enum dp_pkt_bad bad;
	uint8_t family;		/* AF_INET, AF_INET6, or 0 */
	uint8_t n_vlan;		/* 0 to 2 tags */
	uint16_t vlan_tci[2];	/* outer first, host order */
	uint16_t l3_off;	/* IPv4, IPv6 or ARP header */
	uint16_t l4_off;	/* UDP or ICMPv6 header */
	uint16_t payload_off;	/* UDP payload */
	uint16_t payload_len;
	uint16_t src_port;	/* host order */
	uint16_t dst_port;
	uint8_t *src_addr;	/* in the IP header: 4 or 16 bytes */
	uint8_t *dst_addr;
};

/* Headers and addresses a forwarded packet leaves with. */
struct dp_pkt_rewrite {
	struct rte_ether_addr src_mac;
	struct rte_ether_addr dst_mac;
	bool vlan;		/* send with one 802.1Q tag, else untagged */
	uint16_t vlan_tci;	/* host order, when vlan */
	uint8_t family;		/* AF_INET or AF_INET6: the packet's own */
	uint8_t src_addr[16];	/* network order; IPv4 uses the first 4 */
	uint8_t dst_addr[16];
	uint16_t src_port;	/* host order */
	uint16_t dst_port;
};

/*
 * The per-packet form of a rewrite, for the forwarding path: what a flow
 * says, prepared when the flow is built (dataplane/flows.c), so that per
 * packet only the received addresses are summed.  Addresses are of the
 * packet's own family, which the caller has checked.
 */
struct dp_pkt_fwd {
	const struct rte_ether_addr *src_mac;
	const struct rte_ether_addr *dst_mac;
	uint16_t vlan_tci;	/* host order; 0: send untagged */
	uint16_t src_port;	/* host order */
	uint16_t dst_port;
	uint16_t addr_sum;	/* dp_pkt_addr_sum(src_addr, dst_addr, family) */
	const uint8_t *src_addr;	/* network order, 4 or 16 bytes */
	const uint8_t *dst_addr;
};

enum dp_rtp_kind {
	DP_RTP_NONE,		/* neither: too short or not version 2 */
	DP_RTP_RTP,
	DP_RTP_RTCP
};

/**
 * dp_pkt_parse - classify a frame and locate its headers
 * @data: first byte of the Ethernet header
 * @len: bytes received
 * @flags: DP_PKT_RX_IP_CKSUM_GOOD or 0
 * @p: filled in; p->headroom is 0 and p->tailroom the bytes past p->len
 *
 * Reads nothing at or beyond @data + @len.  IPv4 options and the IPv6
 * hop-by-hop, routing (segments left 0) and destination options headers
 * are skipped; anything fragmented is DP_PKT_FRAGMENT.
 *
 * @return p->class.
 */
enum dp_pkt_class dp_pkt_parse(uint8_t *data, uint16_t len, unsigned flags,
			       struct dp_pkt *p);

/**
 * dp_pkt_rewrite - turn a received DP_PKT_MEDIA_UDP packet into the one to send
 * @p: parsed packet; updated (data, len, offsets, room, VLAN fields)
 * @rw: new Ethernet header, addresses and ports
 *
 * Writes a fresh Ethernet header with zero or one VLAN tag in front of the
 * IP header (which stays where it is, so p->data moves when the tag count
 * changes), replaces addresses and ports, decrements the TTL or hop limit,
 * sets the IP length to cover exactly the UDP datagram, and updates the
 * IPv4 header and UDP checksums incrementally (RFC 1624), so a header
 * checksum must be right on input (the parse checks it unless the NIC
 * did); an IPv4 UDP checksum of 0 stays 0.  IPv4 options and IPv6
 * extension headers are kept.  On error the packet is untouched.
 *
 * @return 0; -EINVAL when p is not DP_PKT_MEDIA_UDP, -EAFNOSUPPORT when
 * rw->family differs from the packet's, -ETIMEDOUT when the TTL or hop
 * limit is 0 or 1 (the packet must be dropped), -ENOSPC when a VLAN tag
 * is added and p->headroom is under 4 bytes.
 */
int dp_pkt_rewrite(struct dp_pkt *p, const struct dp_pkt_rewrite *rw);

/**
 * dp_pkt_addr_sum - what two addresses add to an RFC 1071 sum
 * @src: 4 (AF_INET) or 16 (AF_INET6) bytes, network order
 * @dst: as many
 * @family: AF_INET or AF_INET6
 *
 * The 16-bit words of both addresses summed as they are stored (like the
 * checksum fields: RFC 1071 section 2(B)) and folded (end-around carry),
 * not complemented: 0 only when both addresses are all zero.  For
 * struct dp_pkt_fwd, once per flow or latched destination.
 */
static inline uint16_t dp_pkt_addr_sum(const uint8_t *src, const uint8_t *dst,
				       int family)
{
	const unsigned alen = family == AF_INET ? 4 : 16;
	uint32_t sum = 0, w;

	for (unsigned i = 0; i < alen; i += 4) {
		__builtin_memcpy(&w, src + i, 4);
		sum += (w & 0xffff) + (w >> 16);
		__builtin_memcpy(&w, dst + i, 4);
		sum += (w & 0xffff) + (w >> 16);
	}
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/**
 * dp_pkt_fwd_of - the per-packet form of a rewrite, as dp_pkt_rewrite()
 * uses it: address sum taken now, VLAN TCI 0 unless rw->vlan
 * @rw: the rewrite; the result points into it
 */
static inline struct dp_pkt_fwd dp_pkt_fwd_of(const struct dp_pkt_rewrite *rw)
{
	return (struct dp_pkt_fwd){
		.src_mac = &rw->src_mac,
		.dst_mac = &rw->dst_mac,
		.vlan_tci = rw->vlan ? rw->vlan_tci : 0,
		.src_port = rw->src_port,
		.dst_port = rw->dst_port,
		.addr_sum = dp_pkt_addr_sum(rw->src_addr, rw->dst_addr,
					    rw->family),
		.src_addr = rw->src_addr,
		.dst_addr = rw->dst_addr,
	};
}

/**
 * dp_pkt_forward - dp_pkt_rewrite() for the forwarding path
 * @p: a DP_PKT_MEDIA_UDP packet of @fw's address family (not checked)
 * @fw: the flow's rewrite, with its precomputed address sum
 *
 * Writes the same bytes as dp_pkt_rewrite() with the equivalent
 * struct dp_pkt_rewrite (vlan = vlan_tci != 0), and updates @p the same
 * way, with each header field read and written once; untagged IPv4 in
 * and out, the relay's usual packet, takes a shorter path of its own.
 *
 * @return 0; -ETIMEDOUT when the TTL or hop limit is 0 or 1, -ENOSPC when
 * a VLAN tag is added and p->headroom is under 4 bytes (packet untouched).
 */
int dp_pkt_forward(struct dp_pkt *p, const struct dp_pkt_fwd *fw);

/**
 * dp_pkt_resize - grow or shrink the UDP payload at its end
 * @p: a DP_PKT_MEDIA_UDP packet
 * @delta: bytes to add (the caller then writes them) or remove
 *
 * Updates p->len, p->payload_len, p->tailroom, the UDP length, the IPv4
 * total length and header checksum or the IPv6 payload length.  The UDP
 * checksum is stale afterwards: call dp_pkt_finalize() once the payload is
 * written.
 *
 * @return 0; -EINVAL when p is not DP_PKT_MEDIA_UDP or the payload would
 * become negative, -ENOSPC when p->tailroom is too small, -EMSGSIZE when
 * an IP or UDP length would pass 65535.
 */
int dp_pkt_resize(struct dp_pkt *p, int delta);

/**
 * dp_pkt_finalize - compute the UDP checksum from scratch (RFC 768, 1071)
 * @p: a DP_PKT_MEDIA_UDP packet
 *
 * For after a payload change.  An IPv4 UDP checksum of 0 (none) stays 0.
 */
void dp_pkt_finalize(struct dp_pkt *p);

/**
 * dp_rtp_classify - tell RTP from RTCP on one UDP payload
 * @payload: the UDP payload
 * @len: its length
 * @ssrc: set to the SSRC (of the sender, for RTCP), host order
 *
 * Version 2 per RFC 3550; RTCP when the second octet is 192 to 223 (RFC
 * 5761 section 4: RTCP packet types 200-204 and the feedback/XR types
 * 205-207 sit in the range that RTP payload types 64-95 with the marker
 * bit would use, which rtcp-mux forbids).
 *
 * @return DP_RTP_RTP (at least 12 bytes plus the CSRC list),
 * DP_RTP_RTCP (at least 8 bytes) or DP_RTP_NONE (*ssrc untouched).
 */
static inline enum dp_rtp_kind dp_rtp_classify(const uint8_t *payload,
					       uint16_t len, uint32_t *ssrc)
{
	const uint8_t *s;

	if (unlikely(len < 8 || (payload[0] >> 6) != 2))
		return DP_RTP_NONE;
	if (payload[1] >= 192 && payload[1] <= 223) {
		s = payload + 4;
	} else {
		if (unlikely(len < 12u + 4u * (payload[0] & 0x0f)))
			return DP_RTP_NONE;
		s = payload + 8;
	}
	*ssrc = (uint32_t)s[0] << 24 | (uint32_t)s[1] << 16 |
		(uint32_t)s[2] << 8 | s[3];
	return s == payload + 4 ? DP_RTP_RTCP : DP_RTP_RTP;
}

/**
 * dp_pkt_parse_mbuf - dp_pkt_parse() on a received mbuf
 * @m: the mbuf; a chained one is DP_PKT_OTHER_L3 and not parsed
 * @p: filled in, with the mbuf's head- and tailroom
 *
 * @return p->class.
 */
static inline enum dp_pkt_class dp_pkt_parse_mbuf(struct rte_mbuf *m,
						  struct dp_pkt *p)
{
	unsigned flags = 0;

	if (unlikely(m->nb_segs != 1)) {
		p->data = rte_pktmbuf_mtod(m, uint8_t *);
		p->len = rte_pktmbuf_data_len(m);
		p->class = DP_PKT_OTHER_L3;
		p->bad = DP_PKT_BAD_NONE;
		return p->class;
	}
	if ((m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) ==
	    RTE_MBUF_F_RX_IP_CKSUM_GOOD)
		flags = DP_PKT_RX_IP_CKSUM_GOOD;
	dp_pkt_parse(rte_pktmbuf_mtod(m, uint8_t *), rte_pktmbuf_data_len(m),
		     flags, p);
	p->headroom = rte_pktmbuf_headroom(m);
	p->tailroom += rte_pktmbuf_tailroom(m);
	return p->class;
}

/**
 * dp_pkt_mbuf_update - give a rewritten or resized packet back to its mbuf
 * @p: the packet parsed from @m by dp_pkt_parse_mbuf()
 * @m: its single-segment mbuf
 *
 * Sets the data offset (moved by a VLAN tag change) and the lengths.
 */
static inline void dp_pkt_mbuf_update(const struct dp_pkt *p,
				      struct rte_mbuf *m)
{
	m->data_off = (uint16_t)(p->data - (uint8_t *)m->buf_addr);
	m->data_len = p->len;
	m->pkt_len = p->len;
}

#endif
