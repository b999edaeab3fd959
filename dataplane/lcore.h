/*
 * Forwarding lcores: per-lcore state and the receive loop.
 *
 * The main lcore does control work only (signals, statistics, telemetry
 * answers come from their own thread); every other lcore of
 * dataplane.lcores is a forwarding lcore running the receive loop.  The
 * (port, queue) pairs are dealt round-robin across them at start-up, and
 * forwarding lcore number i (in lcore id order) owns tx queue i of every
 * port.
 *
 * The loop follows DPDK's l3fwd: burst receive from each owned queue, hand
 * the burst on, and every DP_HOUSEKEEPING_US of TSC time do the work that
 * must not run per packet.  Nothing in it allocates, locks or logs.
 *
 * Counters: each lcore counts per port into live[], a cache line nobody
 * else reads, and copies it to published[] at housekeeping time with
 * relaxed atomic stores; other threads read only published[], with relaxed
 * atomic loads, so they never see a torn value and never pull the hot line
 * away from the lcore.  The copy lags by at most DP_HOUSEKEEPING_US, and is
 * exact once the lcore has stopped.
 */
#ifndef SBC_DP_LCORE_H
#define SBC_DP_LCORE_H

#include <stdint.h>

#include <rte_common.h>

#include "cfg.h"
#include "port.h"

/* Largest dataplane.burst; sizes the receive array on the lcore's stack. */
#define DP_BURST_MAX 256
#define DP_HOUSEKEEPING_US 100
#define DP_LCORE_MAX_RXQ (CFG_MAX_DP_PORTS * DP_PORT_MAX_RXQ)

struct dp_ctx;

/* One receive queue polled by an lcore. */
struct dp_rxq {
	uint16_t port;		/* index in ctx->ports and in the counters */
	uint16_t port_id;	/* DPDK port id */
	uint16_t queue;
};

/* What one lcore saw on one port. */
struct dp_counters {
	uint64_t rx_packets;
	uint64_t rx_bytes;
	uint64_t no_flow;	/* received, matched no flow, dropped */
};

struct dp_lcore {
	struct dp_ctx *ctx;
	unsigned lcore_id;
	uint16_t txq;		/* this lcore's tx queue on every port */
	uint16_t burst;
	unsigned n_rxq;
	struct dp_rxq rxq[DP_LCORE_MAX_RXQ];
	/* written by this lcore only */
	struct dp_counters live[CFG_MAX_DP_PORTS] __rte_cache_aligned;
	/* copy of live[] for readers, see above */
	struct dp_counters published[CFG_MAX_DP_PORTS] __rte_cache_aligned;
};

/**
 * dp_lcore_init - per-lcore state for every forwarding lcore
 * @ctx: context whose ports are up; ctx->n_workers >= 1
 *
 * Allocates each lcore's state on its own NUMA node and deals the ports'
 * receive queues to the lcores.
 *
 * @return 0, or -EINVAL when dataplane.burst is out of range, -ENOMEM.
 */
int dp_lcore_init(struct dp_ctx *ctx);

/* dp_lcore_uninit - stop the lcores if running, free their state. */
void dp_lcore_uninit(struct dp_ctx *ctx);

/**
 * dp_lcore_launch - start the receive loop on every lcore that has queues
 * @return 0, or -EBUSY when an lcore cannot be launched (the ones that
 * were are left running; dp_lcore_stop() stops them).
 */
int dp_lcore_launch(struct dp_ctx *ctx);

/* dp_lcore_stop - raise ctx->stop and wait for every launched lcore. */
void dp_lcore_stop(struct dp_ctx *ctx);

/**
 * dp_lcore_counters - the published counters of one lcore for one port
 * @port: index in ctx->ports
 *
 * Safe from any thread; see the counters note above.
 */
void dp_lcore_counters(const struct dp_lcore *lc, unsigned port,
		       struct dp_counters *out);

/* dp_lcore_port_counters - dp_lcore_counters() summed over all lcores. */
void dp_lcore_port_counters(const struct dp_ctx *ctx, unsigned port,
			    struct dp_counters *out);

#endif
