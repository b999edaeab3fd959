/*
 * DOC: Local flow state - what the forwarding lcores read per packet
 *
 * The flow table in shared memory is sbcd's; the lcores do not read its
 * entries per packet (a seqlock copy of 176 bytes each time).  Instead the
 * main lcore, when ft_index_sync() reports a slot changed, builds a
 * struct dp_flow for it: the rewrite already in packet form, the family,
 * and a pointer to the slot's SRTP context.  Both live in dataplane-local
 * memory, indexed by slot; keys never leave it.
 *
 * Publication is RCU (the same QSBR variable as the flow index): a
 * struct dp_flow is immutable once published, replaced by a pointer swap,
 * and freed only after every forwarding lcore has passed a quiescent
 * state.  The SRTP context is not immutable (the lcore updates its replay
 * window per packet), so a change to a slot's SRTP first unpublishes the
 * slot, waits for a grace period, updates the context (keeping a
 * direction's session when its key did not change, see srtp.h), then
 * publishes again; packets to the slot during those microseconds are
 * dropped and counted (srtp_other).
 *
 * Threads: dp_flows_on_change() and dp_flows_commit() on the main lcore
 * only; dp_flow_get() on any registered lcore.
 */
#ifndef SBC_DP_FLOWS_H
#define SBC_DP_FLOWS_H

#include <stdbool.h>
#include <stdint.h>

#include "ft.h"

struct dp_srtp_ctx;
struct rte_rcu_qsbr;

struct dp_flow {
	uint32_t epoch;		/* of the flow-table entry it was built from */
	uint32_t pair;		/* FT_NO_SLOT or the reverse direction's slot */
	uint16_t out_port;	/* index in ctx->ports */
	uint8_t latch;		/* enum ft_latch */
	uint8_t kind;		/* enum ft_kind */
	uint8_t family;		/* AF_INET or AF_INET6: local, src and dst */
	bool usable;		/* false: port or families wrong, drop */
	bool srtp_paused;	/* context being changed: drop */
	uint16_t src_port;	/* host order */
	uint16_t dst_port;
	uint8_t src_addr[16];	/* network order */
	uint8_t dst_addr[16];
	struct dp_srtp_ctx *srtp;	/* NULL: plain relay */
};

struct dp_flows {
	struct dp_flow **slot;	/* [capacity], RCU-published */
	struct dp_srtp_ctx **srtp;	/* [capacity], main lcore's */
	uint32_t capacity;
	unsigned n_ports;
	struct rte_rcu_qsbr *qsv;
	/* changes seen by on_change, applied by dp_flows_commit() */
	struct pending *pending;
	unsigned n_pending, max_pending;
	uint32_t *pending_ix;	/* [capacity]: 1 + index in pending, or 0 */
};

/**
 * dp_flows_create - empty local state for a table of @capacity slots
 * @n_ports: ports a flow may leave from
 * @qsv: the forwarding lcores' RCU variable
 * @return the state, or NULL with errno ENOMEM.
 */
struct dp_flows *dp_flows_create(uint32_t capacity, unsigned n_ports,
				 int socket, struct rte_rcu_qsbr *qsv);

/* dp_flows_free - free everything; no lcore may be running.  NULL-safe. */
void dp_flows_free(struct dp_flows *fl);

/* dp_flows_on_change - the flow index's change callback (ft_index.h). */
void dp_flows_on_change(void *arg, uint32_t slot, const struct ft_flow *flow,
			uint32_t epoch);

/**
 * dp_flows_commit - publish what dp_flows_on_change() collected
 *
 * Call after every ft_index_sync()/ft_index_rebuild().  Waits for at most
 * one RCU grace period (every forwarding lcore reports once per loop).
 *
 * @return flows whose SRTP context could not be built (logged; their
 * packets are dropped until the next change), 0 when all went well.
 */
int dp_flows_commit(struct dp_flows *fl);

/* dp_flow_get - the published flow of @slot, or NULL.  Hot path. */
static inline const struct dp_flow *dp_flow_get(const struct dp_flows *fl,
						uint32_t slot)
{
	return __atomic_load_n(&fl->slot[slot], __ATOMIC_ACQUIRE);
}

#endif
