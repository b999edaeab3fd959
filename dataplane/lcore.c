/*
 * Forwarding lcores: state, queue assignment and the receive loop; see
 * lcore.h for the model.
 */
#include "lcore.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_random.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "ctx.h"
#include "ft.h"
#include "fwd.h"
#include "log.h"
#include "neigh.h"

/* copy live[] to published[] for the readers, word by word */
static void publish(struct dp_lcore *lc, unsigned n_ports)
{
	for (unsigned i = 0; i < n_ports; i++) {
		const uint64_t *l = (const uint64_t *)&lc->live[i];
		uint64_t *p = (uint64_t *)&lc->published[i];

		for (unsigned w = 0; w < DP_COUNTERS_WORDS; w++)
			__atomic_store_n(&p[w], l[w], __ATOMIC_RELAXED);
	}
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* every DP_HOUSEKEEPING_US: drain the transmit buffers, publish, clock */
static void housekeeping(struct dp_lcore *lc)
{
	const struct dp_ctx *ctx = lc->ctx;

	/* ARP/ND and requests other lcores left for the ports this one
	 * owns; their answers and probes leave with the flush below */
	for (unsigned i = 0; i < ctx->n_ports; i++)
		if (lc->neigh_owner[i])
			dp_fwd_neigh_inbox(lc, (uint16_t)i);
	for (unsigned i = 0; i < ctx->n_ports; i++) {
		rte_eth_tx_buffer_flush(ctx->ports[i].id, lc->txq, lc->tx[i]);
		if (lc->tx_kernel[i])
			rte_eth_tx_buffer_flush(ctx->exc[i].id, lc->txq,
						lc->tx_kernel[i]);
	}
	publish(lc, ctx->n_ports);
	/* vDSO, ten thousand times a second: the flows' last-packet time */
	lc->now_ns = mono_ns();
}

/* the forwarding loop, launched on each worker lcore */
static int lcore_main(void *arg)
{
	struct dp_lcore *lc = arg;
	struct rte_rcu_qsbr *qsv = lc->ctx->qsv;
	const uint64_t period =
		(rte_get_tsc_hz() + US_PER_S - 1) / US_PER_S * DP_HOUSEKEEPING_US;
	uint64_t prev = rte_rdtsc();
	struct rte_mbuf *pkts[DP_BURST_MAX];

	/* flows and the index are read under RCU: see flows.h */
	rte_rcu_qsbr_thread_register(qsv, lc->lcore_id);
	rte_rcu_qsbr_thread_online(qsv, lc->lcore_id);
	lc->now_ns = mono_ns();
	while (!atomic_load_explicit(&lc->ctx->stop, memory_order_relaxed)) {
		uint64_t now = rte_rdtsc();

		lc->now_tsc = now;
		if (unlikely(now - prev > period)) {
			housekeeping(lc);
			prev = now;
		}
		for (unsigned i = 0; i < lc->n_rxq; i++) {
			const struct dp_rxq *q = &lc->rxq[i];
			uint16_t n = rte_eth_rx_burst(q->port_id, q->queue, pkts,
						      lc->burst);

			if (n > 0)
				dp_fwd_burst(lc, q, pkts, n);
		}
		/* nothing of the last pass is held past here */
		rte_rcu_qsbr_quiescent(qsv, lc->lcore_id);
	}
	housekeeping(lc);
	rte_rcu_qsbr_thread_offline(qsv, lc->lcore_id);
	rte_rcu_qsbr_thread_unregister(qsv, lc->lcore_id);
	/* readers see exact totals once the lcore has stopped */
	publish(lc, lc->ctx->n_ports);
	return 0;
}

static void add_rxq(struct dp_lcore *lc, uint16_t port, uint16_t port_id,
		    uint16_t queue, bool from_kernel)
{
	lc->rxq[lc->n_rxq++] = (struct dp_rxq){
		.port = port,
		.port_id = port_id,
		.queue = queue,
		.from_kernel = from_kernel,
	};
}

/*
 * Queue 0 of port i, where RSS puts what it cannot hash (ARP among it),
 * goes to lcore i modulo their number, which owns the port's neighbour
 * state (see lcore.h), with the port's exception TAP.  RSS queues 1... are
 * dealt to the lcores from the second on, then round again, so that with
 * as many lcores as ports the load spreads even without RSS.
 */
static void deal_queues(struct dp_ctx *ctx, struct dp_lcore **order,
			unsigned n)
{
	unsigned next = 1;

	for (unsigned i = 0; i < ctx->n_ports; i++) {
		struct dp_lcore *owner = order[i % n];

		add_rxq(owner, (uint16_t)i, ctx->ports[i].id, 0, false);
		owner->neigh_owner[i] = true;
		if (ctx->exc[i].up)
			add_rxq(owner, (uint16_t)i, ctx->exc[i].id, 0, true);
	}
	for (uint16_t q = 1; q < DP_PORT_MAX_RXQ; q++) {
		for (unsigned i = 0; i < ctx->n_ports; i++) {
			const struct dp_port *p = &ctx->ports[i];

			if (q < p->n_rxq)
				add_rxq(order[next++ % n], (uint16_t)i, p->id, q,
					false);
		}
	}
}

/* the neighbour state and inbox of port @i, owned by @lc */
static int neigh_setup(const struct dp_ctx *ctx, struct dp_lcore *lc,
		       unsigned i)
{
	const struct dp_port *p = &ctx->ports[i];
	const struct cfg_realm *r = cfg_realm_find(ctx->cfg, p->cfg->realm);
	const int socket = (int)rte_lcore_to_socket_id(lc->lcore_id);
	struct dp_neigh_conf nc = {
		.mac = p->mac,
		.gateway = p->cfg->gateway,
		.vlan = p->vlan,
		.hz = rte_get_tsc_hz(),
		.seed = rte_rand(),
	};
	char name[RTE_RING_NAMESIZE];
	int ret;

	if (!r) {
		log_err("port %s: realm %s not found", p->cfg->name,
			p->cfg->realm);
		return -EINVAL;
	}
	/* every media address of the realm: ARP/ND answered for each */
	for (unsigned k = 0; k < r->n_media_addrs; k++)
		nc.own[nc.n_own++] = r->media_addrs[k];
	lc->neigh[i] = rte_zmalloc_socket("dp_neigh", sizeof(struct dp_neigh),
					  RTE_CACHE_LINE_SIZE, socket);
	if (!lc->neigh[i])
		return -ENOMEM;
	ret = dp_neigh_init(lc->neigh[i], &nc);
	if (ret < 0) {
		log_err("port %s: neighbour state (media address %s, gateway "
			"%s, vlan %u): %s", p->cfg->name, r->media_addrs[0].text,
			p->cfg->gateway.af ? p->cfg->gateway.text : "none",
			p->vlan, strerror(-ret));
		return ret;
	}
	/* any lcore may enqueue, only the owner dequeues */
	snprintf(name, sizeof(name), "dp_neigh_in%u", i);
	lc->inbox[i] = rte_ring_create_elem(name, sizeof(struct dp_neigh_msg),
					    DP_NEIGH_INBOX, socket,
					    RING_F_SC_DEQ);
	if (!lc->inbox[i]) {
		log_err("port %s: cannot create the neighbour inbox: %s",
			p->cfg->name, rte_strerror(rte_errno));
		return -ENOMEM;
	}
	return 0;
}

static struct rte_eth_dev_tx_buffer *txbuf_new(struct dp_lcore *lc,
					       uint64_t *dropped)
{
	struct rte_eth_dev_tx_buffer *b;

	b = rte_zmalloc_socket("dp_txbuf", RTE_ETH_TX_BUFFER_SIZE(lc->burst),
			       0, (int)rte_lcore_to_socket_id(lc->lcore_id));
	if (!b)
		return NULL;
	rte_eth_tx_buffer_init(b, lc->burst);
	/* a full queue frees the rest of the burst and counts it */
	rte_eth_tx_buffer_set_err_callback(b, rte_eth_tx_buffer_count_callback,
					   dropped);
	return b;
}

/* transmit buffers, lane, neighbour state of one lcore */
static int lcore_setup(struct dp_ctx *ctx, struct dp_lcore *lc)
{
	lc->lane = ft_lane_of(ctx->ft, lc->txq);
	if (!lc->lane) {
		log_err("lcore %u: more forwarding lcores than the flow "
			"table's %u lanes", lc->lcore_id, FT_LANES);
		return -EINVAL;
	}
	for (unsigned i = 0; i < ctx->n_ports; i++) {
		lc->tx[i] = txbuf_new(lc, &lc->live[i].tx_dropped);
		if (!lc->tx[i])
			return -ENOMEM;
		if (ctx->exc[i].up) {
			lc->tx_kernel[i] = txbuf_new(lc,
						     &lc->live[i].kernel_dropped);
			if (!lc->tx_kernel[i])
				return -ENOMEM;
		}
	}
	for (unsigned i = 0; i < ctx->n_ports; i++) {
		int ret;

		if (!lc->neigh_owner[i])
			continue;
		ret = neigh_setup(ctx, lc, i);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* every lcore resolves on every port: point them at the owners' state */
static void neigh_share(struct dp_ctx *ctx, struct dp_lcore **order,
			unsigned n)
{
	for (unsigned i = 0; i < ctx->n_ports; i++) {
		const struct dp_lcore *owner = order[i % n];

		for (unsigned k = 0; k < n; k++) {
			order[k]->neigh[i] = owner->neigh[i];
			order[k]->inbox[i] = owner->inbox[i];
		}
	}
}

int dp_lcore_init(struct dp_ctx *ctx)
{
	const uint16_t burst = ctx->cfg->dp.burst;
	struct dp_lcore *order[RTE_MAX_LCORE];
	unsigned n = 0, lcore_id;

	if (burst < 1 || burst > DP_BURST_MAX) {
		log_err("dataplane.burst = %u, must be 1 to %u", burst,
			DP_BURST_MAX);
		return -EINVAL;
	}
	RTE_LCORE_FOREACH_WORKER(lcore_id) {
		int socket = (int)rte_lcore_to_socket_id(lcore_id);
		struct dp_lcore *lc;

		lc = rte_zmalloc_socket("dp_lcore", sizeof(*lc),
					RTE_CACHE_LINE_SIZE, socket);
		if (!lc) {
			log_err("lcore %u: cannot allocate its state on node %d",
				lcore_id, socket);
			dp_lcore_uninit(ctx);
			return -ENOMEM;
		}
		lc->ctx = ctx;
		lc->lcore_id = lcore_id;
		lc->txq = (uint16_t)n;
		lc->burst = burst;
		ctx->lcores[lcore_id] = lc;
		order[n++] = lc;
	}
	deal_queues(ctx, order, n);
	for (unsigned i = 0; i < n; i++) {
		int ret = lcore_setup(ctx, order[i]);

		if (ret < 0) {
			dp_lcore_uninit(ctx);
			return ret;
		}
	}
	neigh_share(ctx, order, n);
	for (unsigned i = 0; i < ctx->n_ports; i++)
		log_info("port %s: neighbours (ARP/ND) owned by lcore %u",
			 ctx->ports[i].cfg->name, order[i % n]->lcore_id);
	return 0;
}

void dp_lcore_uninit(struct dp_ctx *ctx)
{
	dp_lcore_stop(ctx);
	for (unsigned id = 0; id < RTE_MAX_LCORE; id++) {
		struct dp_lcore *lc = ctx->lcores[id];

		if (!lc)
			continue;
		for (unsigned i = 0; i < CFG_MAX_DP_PORTS; i++) {
			/* unsent mbufs go back to the pool */
			if (lc->tx[i])
				rte_pktmbuf_free_bulk(lc->tx[i]->pkts,
						      lc->tx[i]->length);
			if (lc->tx_kernel[i])
				rte_pktmbuf_free_bulk(lc->tx_kernel[i]->pkts,
						      lc->tx_kernel[i]->length);
			rte_free(lc->tx[i]);
			rte_free(lc->tx_kernel[i]);
			if (!lc->neigh_owner[i])
				continue;
			/* frames left in the inbox go back to the pool */
			if (lc->inbox[i]) {
				struct dp_neigh_msg msg;

				while (rte_ring_dequeue_elem(lc->inbox[i], &msg,
							     sizeof(msg)) == 0)
					rte_pktmbuf_free(msg.m);
			}
			rte_ring_free(lc->inbox[i]);
			rte_free(lc->neigh[i]);
		}
		rte_free(lc);
		ctx->lcores[id] = NULL;
	}
}

int dp_lcore_launch(struct dp_ctx *ctx)
{
	for (unsigned id = 0; id < RTE_MAX_LCORE; id++) {
		struct dp_lcore *lc = ctx->lcores[id];
		int ret;

		if (!lc)
			continue;
		if (lc->n_rxq == 0) {
			log_notice("lcore %u: no rx queue left to poll, idle", id);
			continue;
		}
		ret = rte_eal_remote_launch(lcore_main, lc, id);
		if (ret < 0) {
			log_err("lcore %u: cannot launch: %s", id, strerror(-ret));
			return -EBUSY;
		}
		ctx->n_launched++;
		log_info("lcore %u: polling %u rx queue(s), tx queue %u", id,
			 lc->n_rxq, lc->txq);
	}
	return 0;
}

void dp_lcore_stop(struct dp_ctx *ctx)
{
	if (ctx->n_launched == 0)
		return;
	atomic_store_explicit(&ctx->stop, true, memory_order_relaxed);
	rte_eal_mp_wait_lcore();
	ctx->n_launched = 0;
}

void dp_lcore_counters(const struct dp_lcore *lc, unsigned port,
		       struct dp_counters *out)
{
	const uint64_t *p = (const uint64_t *)&lc->published[port];
	uint64_t *o = (uint64_t *)out;

	for (unsigned w = 0; w < DP_COUNTERS_WORDS; w++)
		o[w] = __atomic_load_n(&p[w], __ATOMIC_RELAXED);
}

void dp_counters_add(struct dp_counters *sum, const struct dp_counters *c)
{
	uint64_t *s = (uint64_t *)sum;
	const uint64_t *w = (const uint64_t *)c;

	for (unsigned i = 0; i < DP_COUNTERS_WORDS; i++)
		s[i] += w[i];
}

void dp_lcore_port_counters(const struct dp_ctx *ctx, unsigned port,
			    struct dp_counters *out)
{
	*out = (struct dp_counters){ 0 };
	for (unsigned id = 0; id < RTE_MAX_LCORE; id++) {
		struct dp_counters c;

		if (!ctx->lcores[id])
			continue;
		dp_lcore_counters(ctx->lcores[id], port, &c);
		dp_counters_add(out, &c);
	}
}
