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
 * The flows sit in one array indexed by slot, two copies per slot in
 * adjacent cache lines (struct dp_flow_slot), so that a packet's flow is
 * one random page away from nothing else: no pointer per slot to chase.
 * Publication is RCU (the same QSBR variable as the flow index): a
 * published copy is immutable; a change writes the slot's other copy and
 * publishes it by giving it the next generation (a release store of
 * @gen), and a copy is written again only after every forwarding lcore
 * has passed a quiescent state since it stopped being the newest (every
 * dp_flows_commit() ends with a grace period after its last
 * publication).  Readers take the copy of the newer generation.  The
 * array costs 128 bytes per slot of the flow table, whether used or not.
 * The SRTP context is not immutable (the lcore updates its replay
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

/* One copy of a slot's flow: one cache line. */
struct dp_flow {
	uint32_t epoch;		/* of the flow-table entry it was built from */
	uint32_t pair;		/* FT_NO_SLOT or the reverse direction's slot */
	uint16_t out_port;	/* index in ctx->ports */
	uint8_t latch;		/* enum ft_latch */
	uint8_t kind;		/* enum ft_kind */
	uint8_t family;		/* AF_INET or AF_INET6: local, src and dst */
	bool usable;		/* false: port or families wrong, drop */
	bool srtp_paused;	/* context being changed: drop */
	uint8_t gen;		/* publication order of the slot's copies */
	uint16_t src_port;	/* host order */
	uint16_t dst_port;
	uint16_t addr_sum;	/* dp_pkt_addr_sum(src_addr, dst_addr) */
	bool present;		/* false: the slot has no flow */
	uint8_t src_addr[16];	/* network order */
	uint8_t dst_addr[16];
	struct dp_srtp_ctx *srtp;	/* NULL: plain relay */
} __attribute__((aligned(64)));

static_assert(sizeof(struct dp_flow) == 64, "one cache line per copy");

/* A slot's two copies; the newer generation is the published one. */
struct dp_flow_slot {
	struct dp_flow v[2];
};

struct dp_flows {
	struct dp_flow_slot *slot;	/* [capacity], RCU-published */
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

/*
 * The newest copy of @s: the generations differ by one (mod 256) once a
 * copy has been published, and are both 0 before.  The acquire loads pair
 * with the release store that published the copy, so its fields are seen
 * whole.
 */
static inline const struct dp_flow *dp_flow_newest(const struct dp_flow_slot *s)
{
	uint8_t g0 = __atomic_load_n(&s->v[0].gen, __ATOMIC_ACQUIRE);
	uint8_t g1 = __atomic_load_n(&s->v[1].gen, __ATOMIC_ACQUIRE);

	return &s->v[(int8_t)(uint8_t)(g1 - g0) > 0];
}

/* dp_flow_get - the published flow of @slot, or NULL.  Hot path. */
static inline const struct dp_flow *dp_flow_get(const struct dp_flows *fl,
						uint32_t slot)
{
	const struct dp_flow *f = dp_flow_newest(&fl->slot[slot]);

	return f->present ? f : NULL;
}

#endif
