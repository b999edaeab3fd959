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
 * Neighbours (neigh.h): queue 0 of port i, and with it the port's ARP/ND
 * and its struct dp_neigh, belongs to forwarding lcore i modulo their
 * number (the owner).  Every lcore resolves next hops on every port: the
 * owner with dp_neigh_resolve(), the others with the read-only
 * dp_neigh_lookup().  What only the owner may do reaches it through the
 * port's inbox, a multi-producer single-consumer rte_ring of struct
 * dp_neigh_msg: ARP/ND frames another lcore received on the port (RSS
 * queues), and requests to resolve or probe a destination.  The owner
 * drains its inboxes at housekeeping time, so a reply or probe leaves at
 * most DP_HOUSEKEEPING_US later.  A full inbox drops the frame or the
 * request (counted neigh_handoff_full); the next packet asks again.
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

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>

#include "cfg.h"
#include "pkt.h"
#include "port.h"

/* Largest dataplane.burst; sizes the receive array on the lcore's stack. */
#define DP_BURST_MAX 256
#define DP_HOUSEKEEPING_US 100
/* every port's queues and its exception TAP's one */
#define DP_LCORE_MAX_RXQ (CFG_MAX_DP_PORTS * (DP_PORT_MAX_RXQ + 1))

/* Inbox slots per port, and what the owner takes per housekeeping. */
#define DP_NEIGH_INBOX 1024
#define DP_NEIGH_INBOX_BURST 64

struct dp_ctx;
struct dp_neigh;
struct ft_lane;
struct rte_eth_dev_tx_buffer;
struct rte_mbuf;
struct rte_ring;

/* One message to a port's neighbour owner (see above). */
struct dp_neigh_msg {
	struct rte_mbuf *m;	/* an ARP/ND frame, or NULL for a request */
	uint8_t family;		/* request: AF_INET or AF_INET6 */
	uint8_t addr[16];	/* request: the destination, network order */
	uint8_t pad[7];
};

/* The last request an lcore sent a port's owner: not repeated per packet. */
struct dp_neigh_asked {
	uint64_t tsc;
	uint8_t family;
	uint8_t addr[16];
};

/* One receive queue polled by an lcore. */
struct dp_rxq {
	uint16_t port;		/* index in ctx->ports and in the counters */
	uint16_t port_id;	/* DPDK port id */
	uint16_t queue;
	bool from_kernel;	/* the port's exception TAP: send out as is */
};

/*
 * What one lcore saw on one port (the port a packet arrived on, except
 * tx_dropped: the port it was to leave from).  Only uint64_t members: they
 * are published and summed as an array of words.
 */
struct dp_counters {
	uint64_t rx_packets;
	uint64_t rx_bytes;
	uint64_t no_flow;	/* media UDP to no flow: exception path */
	uint64_t fwd_packets;	/* relayed (queued for transmit) */
	uint64_t fwd_bytes;
	uint64_t malformed[DP_PKT_BAD_MAX];	/* by enum dp_pkt_bad */
	uint64_t rtp_malformed;	/* matched a flow, payload not RTP/RTCP */
	uint64_t srtp_auth;	/* SRTP/SRTCP authentication failed */
	uint64_t srtp_replay;	/* SRTP replay check failed */
	uint64_t srtp_malformed;	/* libsrtp refused the packet's format */
	uint64_t srtp_other;	/* no room, no context, other libsrtp errors */
	uint64_t no_neigh;	/* next hop not resolved yet (probe sent) */
	uint64_t ttl;		/* TTL or hop limit would reach 0 */
	uint64_t no_route;	/* flow's out port or family unusable */
	uint64_t tx_dropped;	/* the transmit queue was full */
	uint64_t neigh_in;	/* ARP/ND taken by the dataplane */
	uint64_t neigh_out;	/* ARP/ND sent: replies and probes */
	uint64_t neigh_handoff;	/* ARP/ND frames and requests handed to the
				 * port's neighbour owner */
	uint64_t neigh_handoff_full;	/* of those, dropped: inbox full */
	uint64_t to_kernel;	/* sent to the exception path */
	uint64_t from_kernel;	/* received from the exception path, sent out */
	uint64_t kernel_dropped;	/* exception path absent or full */
};

#define DP_COUNTERS_WORDS (sizeof(struct dp_counters) / sizeof(uint64_t))

struct dp_lcore {
	struct dp_ctx *ctx;
	unsigned lcore_id;
	uint16_t txq;		/* this lcore's tx queue on every port */
	uint16_t burst;
	unsigned n_rxq;
	struct dp_rxq rxq[DP_LCORE_MAX_RXQ];
	struct ft_lane *lane;	/* this lcore's flow-table lane */
	uint64_t now_ns;	/* CLOCK_MONOTONIC at the last housekeeping */
	uint64_t now_tsc;	/* TSC at the start of this loop pass */
	/* every port's neighbour state and inbox; this lcore owns (writes,
	 * drains) those whose queue 0 it polls */
	struct dp_neigh *neigh[CFG_MAX_DP_PORTS];
	struct rte_ring *inbox[CFG_MAX_DP_PORTS];
	bool neigh_owner[CFG_MAX_DP_PORTS];
	struct dp_neigh_asked asked[CFG_MAX_DP_PORTS];
	/* one transmit buffer per port on queue txq, drained every
	 * DP_HOUSEKEEPING_US; the exception TAPs' after them */
	struct rte_eth_dev_tx_buffer *tx[CFG_MAX_DP_PORTS];
	struct rte_eth_dev_tx_buffer *tx_kernel[CFG_MAX_DP_PORTS];
	/* written by this lcore only */
	struct dp_counters live[CFG_MAX_DP_PORTS] __rte_cache_aligned;
	/* copy of live[] for readers, see above */
	struct dp_counters published[CFG_MAX_DP_PORTS] __rte_cache_aligned;
};

/**
 * dp_lcore_init - per-lcore state for every forwarding lcore
 * @ctx: context whose ports and exception TAPs are up, flow table
 *       attached; ctx->n_workers >= 1
 *
 * Allocates each lcore's state on its own NUMA node, deals the ports'
 * receive queues to the lcores (see lcore.c for who gets queue 0), and
 * gives each lcore its transmit buffers; each port's neighbour state and
 * inbox go on its owner's node, and every lcore gets a pointer to them.
 *
 * @return 0, or -EINVAL when dataplane.burst is out of range or a port's
 * neighbour state cannot be set up, -ENOMEM.
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

/* dp_counters_add - add @c to @sum, counter by counter. */
void dp_counters_add(struct dp_counters *sum, const struct dp_counters *c);

/* dp_lcore_port_counters - dp_lcore_counters() summed over all lcores. */
void dp_lcore_port_counters(const struct dp_ctx *ctx, unsigned port,
			    struct dp_counters *out);

#endif
