/*
 * Forwarding: the per-packet path of a forwarding lcore; see fwd.h.
 */
#include "fwd.h"

#include <errno.h>
#include <string.h>

#include <netinet/in.h>

#include <rte_branch_prediction.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>
#include <rte_ring.h>

#include "ctx.h"
#include "flows.h"
#include "ft.h"
#include "ft_index.h"
#include "latch.h"
#include "lcore.h"
#include "neigh.h"
#include "pkt.h"
#include "srtp.h"

/* where a forwarded packet goes */
struct dest {
	const uint8_t *addr;	/* network order */
	uint16_t port;		/* host order */
	uint16_t addr_sum;	/* dp_pkt_addr_sum() of the flow's source
				 * address and addr */
	uint8_t latched[16];	/* storage when addr is a latched source */
};

static inline void drop(struct rte_mbuf *m)
{
	rte_pktmbuf_free(m);
}

/* queue @m on @port's transmit buffer; a full queue counts tx_dropped */
static inline void tx(struct dp_lcore *lc, uint16_t port, struct rte_mbuf *m)
{
	rte_eth_tx_buffer(lc->ctx->ports[port].id, lc->txq, lc->tx[port], m);
}

/* the exception path of the port @m arrived on, or a counted drop */
static inline void to_kernel(struct dp_lcore *lc, uint16_t port,
			     struct dp_counters *c, struct rte_mbuf *m)
{
	if (unlikely(!lc->tx_kernel[port])) {
		c->kernel_dropped++;
		drop(m);
		return;
	}
	c->to_kernel++;
	rte_eth_tx_buffer(lc->ctx->exc[port].id, lc->txq, lc->tx_kernel[port],
			  m);
}

/* the flow-index key of the packet's destination */
static inline void key_of(const struct dp_pkt *p, struct ft_index_key *k)
{
	*k = (struct ft_index_key){ .ep = { .port = p->dst_port } };
	if (p->family == AF_INET) {
		memcpy(k->ep.addr, p->dst_addr, 4);
		k->ep.family = FT_FAMILY_IPV4;
	} else {
		memcpy(k->ep.addr, p->dst_addr, 16);
		k->ep.family = FT_FAMILY_IPV6;
	}
}

/* RTP or RTCP as the flow's kind says; DP_RTP_NONE when it is neither */
static inline enum dp_rtp_kind rtp_kind(const struct dp_flow *f,
					const struct dp_pkt *p, uint32_t *ssrc)
{
	const uint8_t *pl = p->data + p->payload_off;
	enum dp_rtp_kind k = dp_rtp_classify(pl, p->payload_len, ssrc);

	if (f->kind == FT_KIND_RTP_RTCP_MUX || k == DP_RTP_NONE)
		return k;
	if (f->kind == FT_KIND_RTCP)
		return k == DP_RTP_RTCP ? k : DP_RTP_NONE;
	/* plain RTP: payload types 72-76 with the marker look like RTCP */
	if (k == DP_RTP_RTCP) {
		if (p->payload_len < 12u + 4u * (pl[0] & 0x0f))
			return DP_RTP_NONE;
		*ssrc = (uint32_t)pl[8] << 24 | (uint32_t)pl[9] << 16 |
			(uint32_t)pl[10] << 8 | pl[11];
	}
	return DP_RTP_RTP;
}

/* SRTP in place; 0, or a counted drop (-1) */
static inline int srtp_step(const struct dp_flow *f, struct dp_pkt *p,
			    enum dp_rtp_kind kind, struct dp_counters *c,
			    struct ft_counters *ctr)
{
	int len = p->payload_len;
	int ret;

	if (kind == DP_RTP_RTCP)
		ret = dp_srtp_process_rtcp(f->srtp, p->data + p->payload_off,
					   &len, p->tailroom);
	else
		ret = dp_srtp_process_rtp(f->srtp, p->data + p->payload_off,
					  &len, p->tailroom);
	if (likely(ret == 0))
		return dp_pkt_resize(p, len - p->payload_len) == 0 ? 0 : -1;
	switch (ret) {
	case -EBADMSG:
		c->srtp_auth++;
		ft_count_drop(ctr, f->epoch, FT_DROP_AUTH);
		break;
	case -EALREADY:
		c->srtp_replay++;
		ft_count_drop(ctr, f->epoch, FT_DROP_REPLAY);
		break;
	case -EPROTO:
		c->srtp_malformed++;
		ft_count_drop(ctr, f->epoch, FT_DROP_MALFORMED);
		break;
	default:
		c->srtp_other++;
		break;
	}
	return -1;
}

static inline void endpoint_of_src(const struct dp_pkt *p,
				   struct ft_endpoint *ep)
{
	memset(ep, 0, sizeof(*ep));
	memcpy(ep->addr, p->src_addr, p->family == AF_INET ? 4 : 16);
	ep->family = p->family == AF_INET ? FT_FAMILY_IPV4 : FT_FAMILY_IPV6;
	ep->port = p->src_port;
}

/* latching's learning half (latch.h), under this flow's own counters */
static inline void latch_learn(const struct dp_flow *f, const struct dp_pkt *p,
			       struct ft_counters *ctr, uint32_t ssrc,
			       bool has_ssrc)
{
	bool mine = __atomic_load_n(&ctr->epoch, __ATOMIC_RELAXED) == f->epoch;
	struct dp_latch_state st = {
		.latched = mine && __atomic_load_n(&ctr->latched_family,
						   __ATOMIC_RELAXED) != 0,
		.seen = mine && __atomic_load_n(&ctr->packets,
						__ATOMIC_RELAXED) != 0,
		.last_ssrc = __atomic_load_n(&ctr->last_ssrc, __ATOMIC_RELAXED),
	};
	struct ft_endpoint src;

	endpoint_of_src(p, &src);
	/* only the SSRC mode looks at the stored source, and only latched */
	if (st.latched && f->latch == FT_LATCH_SSRC)
		st.same_source = ctr->latched_port == src.port &&
			memcmp(ctr->latched_addr.b, src.addr, 16) == 0;
	if (unlikely(dp_latch_learn(f->latch, &st, ssrc, has_ssrc)))
		ft_count_latch(ctr, f->epoch, &src);
}

/*
 * The destination: the flow's, or its pair's latched source when the pair
 * (which receives from the peer this flow sends to, so carries that peer's
 * realm's mode) latches.  The pair's counters are written by the lcore
 * receiving the pair, so they are read under their cseq; a read that races
 * a change keeps the configured destination for this one packet.
 */
static inline void dest_of(struct dp_lcore *lc, const struct dp_flow *f,
			   struct dest *d)
{
	const struct dp_flow *pf;
	struct ft_counters *pc;
	uint64_t w[2];
	uint32_t s1;
	uint16_t port;
	bool latched;

	d->addr = f->dst_addr;
	d->port = f->dst_port;
	d->addr_sum = f->addr_sum;
	if (f->pair == FT_NO_SLOT)
		return;
	pf = dp_flow_get(lc->ctx->flows, f->pair);
	pc = ft_counters_of(lc->ctx->ft, f->pair);
	if (!pf || !pc || pf->latch == FT_LATCH_OFF)
		return;
	s1 = __atomic_load_n(&pc->cseq, __ATOMIC_ACQUIRE);
	latched = !(s1 & 1) &&
		__atomic_load_n(&pc->epoch, __ATOMIC_RELAXED) == pf->epoch &&
		__atomic_load_n(&pc->latched_family, __ATOMIC_RELAXED) ==
		(f->family == AF_INET ? FT_FAMILY_IPV4 : FT_FAMILY_IPV6);
	if (!dp_latch_use(pf->latch, latched))
		return;
	w[0] = __atomic_load_n(&pc->latched_addr.w[0], __ATOMIC_RELAXED);
	w[1] = __atomic_load_n(&pc->latched_addr.w[1], __ATOMIC_RELAXED);
	port = __atomic_load_n(&pc->latched_port, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	if (__atomic_load_n(&pc->cseq, __ATOMIC_RELAXED) != s1)
		return;
	memcpy(d->latched, w, sizeof(w));
	d->addr = d->latched;
	d->port = port;
	d->addr_sum = dp_pkt_addr_sum(f->src_addr, d->addr, f->family);
}

/* write a neighbour probe into @m (reset) and send it out of @port */
static inline void send_probe(struct dp_lcore *lc, uint16_t port,
			      struct rte_mbuf *m, const uint8_t *probe,
			      uint16_t len)
{
	rte_pktmbuf_reset(m);
	rte_memcpy(rte_pktmbuf_mtod(m, void *), probe, len);
	m->data_len = len;
	m->pkt_len = len;
	lc->live[port].neigh_out++;
	tx(lc, port, m);
}

/*
 * The last next hop resolved in this chunk of a burst.  Media of a burst
 * mostly goes to a few destinations; resolving one again at the same
 * now_tsc gives the same MAC and no probe (a probe sent stamps the entry
 * with now_tsc), so the answer stands until the neighbour state changes:
 * dp_neigh_input() or a resolve of another destination (which may evict),
 * or the owner lcore's change to another lcore's port, which a chunk
 * lags by at most its own few microseconds.
 */
struct hop_cache {
	bool valid;
	uint8_t family;
	uint16_t port;
	uint8_t dst[16];
	struct rte_ether_addr mac;
};

/*
 * Whether two addresses of @family are equal.  Fixed-size loads: a memcmp()
 * of a length known only at run time is a library call, per packet here.
 */
static inline bool addr_eq(const uint8_t *a, const uint8_t *b, int family)
{
	uint64_t x[2], y[2];
	uint32_t u, v;

	if (family == AF_INET) {
		memcpy(&u, a, 4);
		memcpy(&v, b, 4);
		return u == v;
	}
	memcpy(x, a, 16);
	memcpy(y, b, 16);
	return ((x[0] ^ y[0]) | (x[1] ^ y[1])) == 0;
}

static inline bool hop_cached(const struct hop_cache *h, uint16_t port,
			      int family, const uint8_t *dst)
{
	return h->valid && h->port == port && h->family == family &&
		addr_eq(h->dst, dst, family);
}

/*
 * Ask @port's neighbour owner to resolve or probe @dst (lcore.h), unless
 * this lcore asked for the same destination within the last millisecond:
 * the owner serves its inbox every DP_HOUSEKEEPING_US, so asking per
 * packet would only fill the inbox.
 */
static void ask_owner(struct dp_lcore *lc, uint16_t port, int family,
		      const uint8_t *dst)
{
	struct dp_neigh_asked *a = &lc->asked[port];
	struct dp_counters *c = &lc->live[port];
	const unsigned alen = family == AF_INET ? 4 : 16;
	struct dp_neigh_msg msg = { .m = NULL, .family = (uint8_t)family };

	if (a->family == family && addr_eq(a->addr, dst, family) &&
	    lc->now_tsc - a->tsc < rte_get_tsc_hz() / 1000)
		return;
	memcpy(msg.addr, dst, alen);
	c->neigh_handoff++;
	if (rte_ring_enqueue_elem(lc->inbox[port], &msg, sizeof(msg)) != 0) {
		c->neigh_handoff_full++;
		return;
	}
	a->tsc = lc->now_tsc;
	a->family = (uint8_t)family;
	memcpy(a->addr, dst, alen);
}

/*
 * The next hop's MAC on @port, or a counted drop.  On the port's
 * neighbour owner an unresolved next hop gets its probe sent in @m's
 * buffer, which the dropped packet no longer needs; a stale one (packet
 * sent, probe due) takes a buffer from the pool, at most once a second per
 * neighbour.  Another lcore reads the owner's table and asks the owner
 * for what it cannot do itself.
 */
static inline int next_hop(struct dp_lcore *lc, uint16_t port, int family,
			   const uint8_t *dst, struct rte_ether_addr *mac,
			   struct dp_counters *c, struct rte_mbuf *m,
			   struct hop_cache *h)
{
	struct dp_neigh *nb = lc->neigh[port];
	uint8_t probe[DP_NEIGH_PROBE_MAX];
	uint16_t probe_len = 0;
	struct rte_mbuf *pm;
	int ret = -ENOENT;

	if (likely(hop_cached(h, port, family, dst))) {
		*mac = h->mac;
		return 0;
	}
	h->valid = false;
	if (unlikely(nb == NULL)) {
		ret = -ENOENT;
	} else if (lc->neigh_owner[port]) {
		ret = dp_neigh_resolve(nb, family, dst, lc->now_tsc, mac, probe,
				       &probe_len);
	} else {
		bool ask;

		ret = dp_neigh_lookup(nb, family, dst, lc->now_tsc, mac, &ask);
		if (unlikely(ask))
			ask_owner(lc, port, family, dst);
	}
	if (likely(ret == 0)) {
		*h = (struct hop_cache){ .valid = true, .family = (uint8_t)family,
					 .port = port, .mac = *mac };
		memcpy(h->dst, dst, family == AF_INET ? 4 : 16);
		if (unlikely(probe_len) &&
		    (pm = rte_pktmbuf_alloc(lc->ctx->pool)) != NULL)
			send_probe(lc, port, pm, probe, probe_len);
		return 0;
	}
	c->no_neigh++;
	if (probe_len)
		send_probe(lc, port, m, probe, probe_len);
	else
		drop(m);
	return -1;
}

/*
 * A media packet whose lookup gave @f (NULL: no flow, or the slot's flow
 * is not the one indexed) and the slot's counters @ctr.
 */
static __rte_always_inline void
media(struct dp_lcore *lc, const struct dp_rxq *q, struct dp_counters *c,
      struct rte_mbuf *m, struct dp_pkt *p, const struct dp_flow *f,
      struct ft_counters *ctr, struct hop_cache *h)
{
	const struct dp_port *out;
	struct rte_ether_addr dst_mac;
	struct dp_pkt_fwd fw;
	struct dest d;
	enum dp_rtp_kind kind;
	uint32_t ssrc = 0, rx_bytes = p->payload_len;
	bool changed = false;
	int ret;

	if (unlikely(f == NULL)) {
		c->no_flow++;
		ft_lane_unknown(lc->lane, 1);
		to_kernel(lc, q->port, c, m);
		return;
	}
	if (unlikely(!f->usable) || unlikely(f->family != p->family)) {
		c->no_route++;
		goto drop;
	}
	if (unlikely(f->srtp_paused)) {
		c->srtp_other++;
		goto drop;
	}
	kind = rtp_kind(f, p, &ssrc);
	if (unlikely(kind == DP_RTP_NONE)) {
		c->rtp_malformed++;
		ft_count_drop(ctr, f->epoch, FT_DROP_MALFORMED);
		goto drop;
	}
	if (f->srtp) {
		if (srtp_step(f, p, kind, c, ctr) < 0)
			goto drop;
		changed = true;
	}
	/* after SRTP: a forged packet must not move the latch */
	if (f->latch != FT_LATCH_OFF)
		latch_learn(f, p, ctr, ssrc, true);
	ft_count_rx(ctr, f->epoch, rx_bytes, ssrc, lc->now_ns);

	dest_of(lc, f, &d);
	if (next_hop(lc, f->out_port, f->family, d.addr, &dst_mac, c, m,
		     h) < 0)
		return;
	/* the packet's family is the flow's (checked above) */
	out = &lc->ctx->ports[f->out_port];
	fw = (struct dp_pkt_fwd){
		.src_mac = &out->mac,
		.dst_mac = &dst_mac,
		.vlan_tci = out->vlan,
		.src_port = f->src_port,
		.dst_port = d.port,
		.addr_sum = d.addr_sum,
		.src_addr = f->src_addr,
		.dst_addr = d.addr,
	};
	ret = dp_pkt_forward(p, &fw);
	if (unlikely(ret < 0)) {
		if (ret == -ETIMEDOUT)
			c->ttl++;
		else
			c->no_route++;
		goto drop;
	}
	if (changed)
		dp_pkt_finalize(p);
	dp_pkt_mbuf_update(p, m);
	c->fwd_packets++;
	c->fwd_bytes += p->len;
	tx(lc, f->out_port, m);
	return;
drop:
	drop(m);
}

/* ARP or NS/NA on the port's owner: answer, learn or pass on */
static void neigh_answer(struct dp_lcore *lc, uint16_t port,
			 struct dp_counters *c, struct rte_mbuf *m,
			 struct dp_pkt *p)
{
	c->neigh_in++;
	switch (dp_neigh_input(lc->neigh[port], p, lc->now_tsc)) {
	case DP_NEIGH_REPLY:
		dp_pkt_mbuf_update(p, m);
		c->neigh_out++;
		tx(lc, port, m);
		break;
	case DP_NEIGH_NOT_MINE:
		to_kernel(lc, port, c, m);
		break;
	case DP_NEIGH_DROP:
		c->malformed[p->class == DP_PKT_ARP ? DP_PKT_BAD_ARP :
			     DP_PKT_BAD_ND]++;
		drop(m);
		break;
	default:
		drop(m);
		break;
	}
}

/* ARP or NS/NA: the port's neighbour owner takes it, here or via its inbox */
static void neigh_in(struct dp_lcore *lc, const struct dp_rxq *q,
		     struct dp_counters *c, struct rte_mbuf *m, struct dp_pkt *p)
{
	struct dp_neigh_msg msg = { .m = m };

	if (unlikely(!lc->neigh[q->port])) {
		to_kernel(lc, q->port, c, m);
		return;
	}
	if (likely(lc->neigh_owner[q->port])) {
		neigh_answer(lc, q->port, c, m, p);
		return;
	}
	c->neigh_handoff++;
	if (rte_ring_enqueue_elem(lc->inbox[q->port], &msg, sizeof(msg)) != 0) {
		c->neigh_handoff_full++;
		drop(m);
	}
}

/* a request from another lcore: resolve @msg's destination, maybe probe */
static void serve_ask(struct dp_lcore *lc, uint16_t port,
		      const struct dp_neigh_msg *msg)
{
	uint8_t probe[DP_NEIGH_PROBE_MAX];
	struct rte_ether_addr mac;
	uint16_t probe_len = 0;
	struct rte_mbuf *pm;

	dp_neigh_resolve(lc->neigh[port], msg->family, msg->addr, lc->now_tsc,
			 &mac, probe, &probe_len);
	if (probe_len && (pm = rte_pktmbuf_alloc(lc->ctx->pool)) != NULL)
		send_probe(lc, port, pm, probe, probe_len);
}

void dp_fwd_neigh_inbox(struct dp_lcore *lc, uint16_t port)
{
	struct dp_neigh_msg msg[DP_NEIGH_INBOX_BURST];
	struct dp_counters *c = &lc->live[port];
	unsigned n;

	n = rte_ring_dequeue_burst_elem(lc->inbox[port], msg, sizeof(msg[0]),
					DP_NEIGH_INBOX_BURST, NULL);
	for (unsigned i = 0; i < n; i++) {
		struct dp_pkt p;

		if (!msg[i].m) {
			serve_ask(lc, port, &msg[i]);
			continue;
		}
		/* parsed ARP or ND by the lcore that received it */
		dp_pkt_parse_mbuf(msg[i].m, &p);
		neigh_answer(lc, port, c, msg[i].m, &p);
	}
}

/*
 * Whether a frame is on the port's VLAN (cfg: dataplane.ports[].vlan): one
 * tag with its VID, or for an untagged port no tag or a priority tag
 * (VID 0, IEEE 802.1Q section 6.9.1).  Other frames are not the
 * dataplane's, whatever their addresses: they take the exception path.
 */
static_assert(DP_PKT_MEDIA_UDP == 0 && DP_PKT_ARP == 1 && DP_PKT_ND == 2,
	      "the classes a port's VLAN decides come first");

static inline bool on_vlan(const struct dp_pkt *p, uint16_t vid)
{
	if (likely(p->n_vlan == 0))
		return vid == 0;
	return p->n_vlan == 1 && (p->vlan_tci[0] & RTE_VLAN_ID_MASK) == vid;
}

/* frames whose data is prefetched ahead of the parse (as l3fwd) */
#define PREFETCH_AHEAD 4

/*
 * Up to FT_INDEX_BULK frames: parse them all, look the media up in one
 * bulk call, prefetch the flows found, then handle every frame in the
 * order received.
 */
static void fwd_chunk(struct dp_lcore *lc, const struct dp_rxq *q,
		      struct dp_counters *c, struct rte_mbuf **pkts,
		      unsigned n)
{
	struct dp_ctx *ctx = lc->ctx;
	struct dp_pkt p[FT_INDEX_BULK];
	struct ft_index_key keys[FT_INDEX_BULK];
	const struct ft_index_key *kp[FT_INDEX_BULK];
	uint32_t slot[FT_INDEX_BULK], epoch[FT_INDEX_BULK];
	const struct dp_flow *f;
	struct ft_counters *ctr[FT_INDEX_BULK];
	struct ft_entry *entries = ft_entries_of(ctx->ft);
	struct hop_cache h = { .valid = false };
	const uint16_t vid = ctx->ports[q->port].vlan;
	uint64_t hits = 0, rx_bytes = 0;
	unsigned nm = 0, j = 0;

	for (unsigned i = 0; i < n && i < PREFETCH_AHEAD; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	for (unsigned i = 0; i < n; i++) {
		if (i + PREFETCH_AHEAD < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + PREFETCH_AHEAD],
						       void *));
		dp_pkt_parse_mbuf(pkts[i], &p[i]);
		if (p[i].class <= DP_PKT_ND && unlikely(!on_vlan(&p[i], vid)))
			p[i].class = DP_PKT_OTHER_L3;
		if (p[i].class == DP_PKT_MEDIA_UDP) {
			key_of(&p[i], &keys[nm]);
			kp[nm] = &keys[nm];
			nm++;
		}
	}
	if (nm > 0)
		ft_index_lookup_bulk(ctx->index, kp, nm, &hits, slot, epoch);
	/* the flow (both copies: one page) and counters of each hit */
	for (uint64_t left = hits; left; left &= left - 1) {
		unsigned k = (unsigned)__builtin_ctzll(left);
		const struct dp_flow_slot *fs = &ctx->flows->slot[slot[k]];

		rte_prefetch0(&fs->v[0]);
		rte_prefetch0(&fs->v[1]);
		ctr[k] = &entries[slot[k]].ctr;
		rte_prefetch0(ctr[k]);
	}
	c->rx_packets += n;
	for (unsigned i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		rx_bytes += rte_pktmbuf_pkt_len(m);
		switch (p[i].class) {
		case DP_PKT_MEDIA_UDP:
			/* read once in, as late as can be after the prefetch */
			f = NULL;
			if (hits >> j & 1)
				f = dp_flow_get(ctx->flows, slot[j]);
			/* a slot reused since the lookup: not the flow indexed */
			if (f && unlikely(f->epoch != epoch[j]))
				f = NULL;
			media(lc, q, c, m, &p[i], f, f ? ctr[j] : NULL, &h);
			j++;
			break;
		case DP_PKT_ARP:
		case DP_PKT_ND:
			h.valid = false;
			neigh_in(lc, q, c, m, &p[i]);
			break;
		case DP_PKT_MALFORMED:
			c->malformed[p[i].bad]++;
			ft_lane_malformed(lc->lane, 1);
			drop(m);
			break;
		default:
			to_kernel(lc, q->port, c, m);
			break;
		}
	}
	c->rx_bytes += rx_bytes;
}

void dp_fwd_burst(struct dp_lcore *lc, const struct dp_rxq *q,
		  struct rte_mbuf **pkts, uint16_t n)
{
	struct dp_counters *c = &lc->live[q->port];

	if (unlikely(q->from_kernel)) {
		/* the kernel's frames leave by the port as they are */
		for (uint16_t i = 0; i < n; i++)
			tx(lc, q->port, pkts[i]);
		c->from_kernel += n;
		return;
	}
	for (uint16_t i = 0; i < n; i += FT_INDEX_BULK)
		fwd_chunk(lc, q, c, pkts + i, RTE_MIN(n - i, FT_INDEX_BULK));
}
