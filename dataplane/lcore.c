/*
 * Forwarding lcores: state, queue assignment and the receive loop; see
 * lcore.h for the model.
 */
#include "lcore.h"

#include <errno.h>
#include <stdatomic.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "ctx.h"
#include "log.h"

/* copy live[] to published[] for the readers */
static void publish(struct dp_lcore *lc, unsigned n_ports)
{
	for (unsigned i = 0; i < n_ports; i++) {
		const struct dp_counters *l = &lc->live[i];
		struct dp_counters *p = &lc->published[i];

		__atomic_store_n(&p->rx_packets, l->rx_packets, __ATOMIC_RELAXED);
		__atomic_store_n(&p->rx_bytes, l->rx_bytes, __ATOMIC_RELAXED);
		__atomic_store_n(&p->no_flow, l->no_flow, __ATOMIC_RELAXED);
	}
}

/*
 * Account a received burst and decide each packet's fate.  The fate comes
 * from the flow table, which is what relays a packet; with no flow table
 * attached every packet is unmatched, counted as no_flow and freed.
 */
static inline void handle_burst(struct dp_lcore *lc, const struct dp_rxq *q,
				struct rte_mbuf **pkts, uint16_t n)
{
	struct dp_counters *c = &lc->live[q->port];
	uint64_t bytes = 0;

	for (uint16_t i = 0; i < n; i++)
		bytes += rte_pktmbuf_pkt_len(pkts[i]);
	c->rx_packets += n;
	c->rx_bytes += bytes;
	c->no_flow += n;
	rte_pktmbuf_free_bulk(pkts, n);
}

/* the forwarding loop, launched on each worker lcore */
static int lcore_main(void *arg)
{
	struct dp_lcore *lc = arg;
	const unsigned n_ports = lc->ctx->n_ports;
	const uint64_t period =
		(rte_get_tsc_hz() + US_PER_S - 1) / US_PER_S * DP_HOUSEKEEPING_US;
	uint64_t prev = rte_rdtsc();
	struct rte_mbuf *pkts[DP_BURST_MAX];

	while (!atomic_load_explicit(&lc->ctx->stop, memory_order_relaxed)) {
		uint64_t now = rte_rdtsc();

		if (unlikely(now - prev > period)) {
			publish(lc, n_ports);
			prev = now;
		}
		for (unsigned i = 0; i < lc->n_rxq; i++) {
			const struct dp_rxq *q = &lc->rxq[i];
			uint16_t n = rte_eth_rx_burst(q->port_id, q->queue, pkts,
						      lc->burst);

			if (n > 0)
				handle_burst(lc, q, pkts, n);
		}
	}
	/* readers see exact totals once the lcore has stopped */
	publish(lc, n_ports);
	return 0;
}

int dp_lcore_init(struct dp_ctx *ctx)
{
	const uint16_t burst = ctx->cfg->dp.burst;
	struct dp_lcore *order[RTE_MAX_LCORE];
	unsigned n = 0, next = 0, lcore_id;

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
	/*
	 * Deal queue 0 of every port first, then queue 1..., so that with
	 * fewer queues than lcores each port still gets its own lcore.
	 */
	for (uint16_t q = 0; q < DP_PORT_MAX_RXQ; q++) {
		for (unsigned i = 0; i < ctx->n_ports; i++) {
			const struct dp_port *p = &ctx->ports[i];
			struct dp_lcore *lc;

			if (q >= p->n_rxq)
				continue;
			lc = order[next++ % n];
			lc->rxq[lc->n_rxq++] = (struct dp_rxq){
				.port = (uint16_t)i,
				.port_id = p->id,
				.queue = q,
			};
		}
	}
	return 0;
}

void dp_lcore_uninit(struct dp_ctx *ctx)
{
	dp_lcore_stop(ctx);
	for (unsigned id = 0; id < RTE_MAX_LCORE; id++) {
		rte_free(ctx->lcores[id]);
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
	const struct dp_counters *p = &lc->published[port];

	out->rx_packets = __atomic_load_n(&p->rx_packets, __ATOMIC_RELAXED);
	out->rx_bytes = __atomic_load_n(&p->rx_bytes, __ATOMIC_RELAXED);
	out->no_flow = __atomic_load_n(&p->no_flow, __ATOMIC_RELAXED);
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
		out->rx_packets += c.rx_packets;
		out->rx_bytes += c.rx_bytes;
		out->no_flow += c.no_flow;
	}
}
