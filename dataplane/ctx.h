/*
 * The context of one sbc-dataplane process.
 *
 * Everything the modules share (configuration, mbuf pool, ports, per-lcore
 * state, the stop flag) lives here and is handed to them explicitly; there
 * are no globals shared between files.
 *
 * Lifetime: main() owns the context and outlives every lcore and callback
 * that uses it.  It sets cfg, then n_workers once the EAL is up, and brings
 * the modules up in this order and down in the reverse one:
 *
 *   flow table (ft, as owner) -> rte_eal_init -> dp_port_init
 *                -> dp_exception_init -> flow state (qsv, flows, index,
 *                rebuild) -> dp_lcore_init -> dp_stats_init
 *                -> dp_lcore_launch ... dp_lcore_stop
 *
 * Everything but @stop and the counters inside each struct dp_lcore is
 * written during initialisation only, before the worker lcores and the
 * telemetry callbacks can see it, and is read-only afterwards.
 */
#ifndef SBC_DP_CTX_H
#define SBC_DP_CTX_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_config.h>

#include "cfg.h"
#include "port.h"

struct dp_flows;
struct dp_lcore;
struct dp_msrp_relay;
struct ft;
struct ft_index;
struct rte_mempool;
struct rte_rcu_qsbr;

/* A port's exception path: a kernel TAP, see exception.c. */
struct dp_exc {
	char iface[16];		/* the TAP's kernel name (IFNAMSIZ) */
	uint16_t id;		/* its DPDK port id */
	bool up;		/* configured and started */
};

struct dp_ctx {
	const struct cfg *cfg;
	struct rte_mempool *pool;	/* every rx queue of every port */
	struct dp_port ports[CFG_MAX_DP_PORTS];	/* in configuration order */
	unsigned n_ports;
	struct dp_exc exc[CFG_MAX_DP_PORTS];	/* by port index */
	/*
	 * The flow table (owner role), its index and the local flow state;
	 * the lcores look up and read flows under RCU (qsv, one thread id per
	 * forwarding lcore id), the main lcore changes them.
	 */
	struct ft *ft;
	struct ft_index *index;
	struct dp_flows *flows;
	struct rte_rcu_qsbr *qsv;
	/* The MSRP relay (msrp_relay.h), its own thread; NULL without MSRP. */
	struct dp_msrp_relay *msrp;
	/* Indexed by lcore id; NULL for the main lcore and unused ids. */
	struct dp_lcore *lcores[RTE_MAX_LCORE];
	unsigned n_workers;		/* forwarding lcores: all but main */
	unsigned n_launched;		/* of those, running the receive loop */
	atomic_bool stop;		/* set once by the main lcore */
};

#endif
