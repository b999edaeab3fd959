/*
 * DOC: Forwarding - what happens to each received frame
 *
 * Per received burst, on the forwarding lcore that polled it, in chunks of
 * FT_INDEX_BULK frames: every frame parsed, one ft_index_lookup_bulk() for
 * the media among them, the flows found prefetched; then frame by frame,
 * in the order received:
 *
 *   dp_pkt_parse_mbuf()
 *   MEDIA_UDP  flow index (dst address, dst port)
 *              miss: count no_flow (and the flow table's lane), exception path
 *              hit:  the slot's struct dp_flow (flows.h)
 *                    RTP/RTCP check (drop: rtp_malformed, entry MALFORMED)
 *                    SRTP unprotect/protect (drop: srtp_*, entry AUTH/REPLAY/
 *                    MALFORMED)
 *                    latching (latch.h): learn the source, count the packet
 *                    destination: the flow's, or its pair's latched source
 *                    next hop MAC (neigh.h; drop no_neigh and send the probe
 *                    in the dropped packet's buffer; not the port's owner:
 *                    read its table, ask it to resolve), resolved once per
 *                    run of packets to one destination in a chunk
 *                    dp_pkt_forward() with the out port's VLAN tag, if any,
 *                    the flow's address sum precomputed
 *                    (drop: ttl), dp_pkt_finalize() when
 *                    SRTP changed the payload
 *                    transmit buffer of the output port
 *   ARP, ND    on the port's neighbour owner dp_neigh_input(): answer on
 *              the same port, learn, or give what is not for us to the
 *              exception path; on another lcore, to the owner's inbox
 *   any of the above not on the port's VLAN: exception path
 *   MALFORMED  count by reason, drop
 *   FRAGMENT, OTHER_L3   exception path
 *
 * Frames read from a port's exception TAP (the kernel's replies) go out
 * of the port unchanged.
 *
 * Nothing here allocates, locks or logs; counters are the lcore's own
 * (lcore.h) and the flow table's (ft.h hot-path helpers).
 */
#ifndef SBC_DP_FWD_H
#define SBC_DP_FWD_H

#include <stdint.h>

struct dp_lcore;
struct dp_rxq;
struct rte_mbuf;

/* dp_fwd_burst - handle @n frames received on @q; takes every mbuf. */
void dp_fwd_burst(struct dp_lcore *lc, const struct dp_rxq *q,
		  struct rte_mbuf **pkts, uint16_t n);

/*
 * dp_fwd_neigh_inbox - on @port's neighbour owner: take the ARP/ND frames
 * and resolve requests other lcores left in the port's inbox (lcore.h);
 * at housekeeping time, at most DP_NEIGH_INBOX_BURST of them.
 */
void dp_fwd_neigh_inbox(struct dp_lcore *lc, uint16_t port);

#endif
