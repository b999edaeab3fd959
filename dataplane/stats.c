/*
 * Dataplane statistics: telemetry callbacks, the one-second tick and the
 * shutdown totals; see stats.h for the commands.
 */
#include "stats.h"

#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_telemetry.h>

#include "ctx.h"
#include "lcore.h"
#include "log.h"

/*
 * DPDK 22.11 telemetry callbacks get no user pointer, so the context they
 * read has to be reachable from here.  It is private to this file, and the
 * lock lets dp_stats_uninit() wait out a callback still running on the
 * telemetry thread before main() tears the context down.
 */
static struct {
	pthread_mutex_t lock;
	struct dp_ctx *ctx;		/* NULL: not answering */
	bool registered;		/* commands live as long as the process */
	struct timespec last;		/* time of the previous tick */
	uint64_t last_rx[CFG_MAX_DP_PORTS];
	uint64_t last_fwd[CFG_MAX_DP_PORTS];
	uint64_t rx_pps[CFG_MAX_DP_PORTS];
	uint64_t fwd_pps[CFG_MAX_DP_PORTS];
} tel = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* the lcore counters as telemetry names, in struct dp_counters order */
#define C(field, name) { offsetof(struct dp_counters, field), name }
static const struct {
	size_t off;
	const char *name;
} counter_names[] = {
	C(rx_packets, "dp_rx_packets"),
	C(rx_bytes, "dp_rx_bytes"),
	C(no_flow, "dp_no_flow"),
	C(fwd_packets, "dp_fwd_packets"),
	C(fwd_bytes, "dp_fwd_bytes"),
	C(malformed[DP_PKT_BAD_L2_TRUNC], "dp_malformed_l2_trunc"),
	C(malformed[DP_PKT_BAD_IP_VERSION], "dp_malformed_ip_version"),
	C(malformed[DP_PKT_BAD_IP_HDR], "dp_malformed_ip_hdr"),
	C(malformed[DP_PKT_BAD_IP_LEN], "dp_malformed_ip_len"),
	C(malformed[DP_PKT_BAD_IP_CKSUM], "dp_malformed_ip_cksum"),
	C(malformed[DP_PKT_BAD_IP6_EXT], "dp_malformed_ip6_ext"),
	C(malformed[DP_PKT_BAD_UDP_HDR], "dp_malformed_udp_hdr"),
	C(malformed[DP_PKT_BAD_UDP_LEN], "dp_malformed_udp_len"),
	C(malformed[DP_PKT_BAD_UDP_CKSUM0], "dp_malformed_udp_cksum0"),
	C(malformed[DP_PKT_BAD_ARP], "dp_malformed_arp"),
	C(malformed[DP_PKT_BAD_ND], "dp_malformed_nd"),
	C(rtp_malformed, "dp_drop_rtp_malformed"),
	C(srtp_auth, "dp_drop_srtp_auth"),
	C(srtp_replay, "dp_drop_srtp_replay"),
	C(srtp_malformed, "dp_drop_srtp_malformed"),
	C(srtp_other, "dp_drop_srtp_other"),
	C(no_neigh, "dp_drop_no_neigh"),
	C(ttl, "dp_drop_ttl"),
	C(no_route, "dp_drop_no_route"),
	C(tx_dropped, "dp_drop_tx_full"),
	C(neigh_in, "dp_neigh_in"),
	C(neigh_out, "dp_neigh_out"),
	C(neigh_handoff, "dp_neigh_handoff"),
	C(neigh_handoff_full, "dp_drop_neigh_handoff_full"),
	C(to_kernel, "dp_to_kernel"),
	C(from_kernel, "dp_from_kernel"),
	C(kernel_dropped, "dp_drop_kernel"),
};
#undef C

static_assert(DP_PKT_BAD_MAX == 12, "a name for each enum dp_pkt_bad");
static_assert(sizeof(counter_names) / sizeof(counter_names[0]) ==
	      DP_COUNTERS_WORDS - 1, "a name for each counter but BAD_NONE");

static void add_counters(struct rte_tel_data *d, const struct dp_counters *c)
{
	for (size_t i = 0; i < RTE_DIM(counter_names); i++)
		rte_tel_data_add_dict_u64(d, counter_names[i].name,
			*(const uint64_t *)((const char *)c +
					    counter_names[i].off));
}

/* packets per second as Mpps with three decimals, e.g. "1.234" */
static void add_mpps(struct rte_tel_data *d, const char *name, uint64_t pps)
{
	char v[32];

	snprintf(v, sizeof(v), "%" PRIu64 ".%03" PRIu64, pps / 1000000,
		 pps / 1000 % 1000);
	rte_tel_data_add_dict_string(d, name, v);
}

/* one port as a telemetry dict, added to @d under the port's name */
static int add_port(struct rte_tel_data *d, const struct dp_ctx *ctx,
		    unsigned i)
{
	const struct dp_port *p = &ctx->ports[i];
	struct rte_tel_data *pd = rte_tel_data_alloc();
	struct rte_eth_stats es;
	struct dp_counters c;

	if (!pd)
		return -ENOMEM;
	rte_tel_data_start_dict(pd);
	rte_tel_data_add_dict_int(pd, "port_id", p->id);
	rte_tel_data_add_dict_string(pd, "device", p->cfg->device);
	rte_tel_data_add_dict_string(pd, "realm", p->cfg->realm);
	rte_tel_data_add_dict_int(pd, "rx_queues", p->n_rxq);
	rte_tel_data_add_dict_int(pd, "tx_queues", p->n_txq);
	rte_tel_data_add_dict_string(pd, "exception",
		ctx->exc[i].up ? ctx->exc[i].iface : "off");
	if (rte_eth_stats_get(p->id, &es) == 0) {
		rte_tel_data_add_dict_u64(pd, "rx_packets", es.ipackets);
		rte_tel_data_add_dict_u64(pd, "rx_bytes", es.ibytes);
		rte_tel_data_add_dict_u64(pd, "rx_missed", es.imissed);
		rte_tel_data_add_dict_u64(pd, "rx_errors", es.ierrors);
		rte_tel_data_add_dict_u64(pd, "rx_nombuf", es.rx_nombuf);
		rte_tel_data_add_dict_u64(pd, "tx_packets", es.opackets);
		rte_tel_data_add_dict_u64(pd, "tx_bytes", es.obytes);
		rte_tel_data_add_dict_u64(pd, "tx_errors", es.oerrors);
	}
	dp_lcore_port_counters(ctx, i, &c);
	add_counters(pd, &c);
	rte_tel_data_add_dict_u64(pd, "dp_rx_pps", tel.rx_pps[i]);
	rte_tel_data_add_dict_u64(pd, "dp_fwd_pps", tel.fwd_pps[i]);
	add_mpps(pd, "dp_rx_mpps", tel.rx_pps[i]);
	add_mpps(pd, "dp_fwd_mpps", tel.fwd_pps[i]);
	return rte_tel_data_add_dict_container(d, p->cfg->name, pd, 0);
}
/* /sbc/ports[,NAME] */
static int handle_ports(const char *cmd __rte_unused, const char *params,
			struct rte_tel_data *d)
{
	const struct dp_ctx *ctx;
	int ret = -ENOENT;

	pthread_mutex_lock(&tel.lock);
	ctx = tel.ctx;
	if (!ctx) {
		ret = -ENODEV;
		goto out;
	}
	rte_tel_data_start_dict(d);
	for (unsigned i = 0; i < ctx->n_ports; i++) {
		if (params && *params &&
		    strcmp(params, ctx->ports[i].cfg->name) != 0)
			continue;
		ret = add_port(d, ctx, i);
		if (ret < 0)
			goto out;
	}
	/* no filter and no port is still an answer: {} */
	if (!params || !*params)
		ret = 0;
out:
	pthread_mutex_unlock(&tel.lock);
	return ret;
}

/* one lcore as a telemetry dict, added to @d as "lcore<ID>" */
static int add_lcore(struct rte_tel_data *d, const struct dp_ctx *ctx,
		     const struct dp_lcore *lc)
{
	struct rte_tel_data *ld = rte_tel_data_alloc();
	struct dp_counters sum = { 0 };
	char name[32], queues[RTE_TEL_MAX_STRING_LEN] = "";
	size_t off = 0;

	if (!ld)
		return -ENOMEM;
	/* "p0:0 p1:0": which (port, queue) pairs this lcore polls */
	for (unsigned i = 0; i < lc->n_rxq && off < sizeof(queues); i++) {
		const struct dp_rxq *q = &lc->rxq[i];
		int n = snprintf(queues + off, sizeof(queues) - off, "%s%s:%u",
				 i ? " " : "", ctx->ports[q->port].cfg->name,
				 q->queue);

		off += n > 0 ? (size_t)n : 0;
	}
	for (unsigned i = 0; i < ctx->n_ports; i++) {
		struct dp_counters c;

		dp_lcore_counters(lc, i, &c);
		dp_counters_add(&sum, &c);
	}
	rte_tel_data_start_dict(ld);
	rte_tel_data_add_dict_int(ld, "tx_queue", lc->txq);
	rte_tel_data_add_dict_string(ld, "rx_queues", queues);
	rte_tel_data_add_dict_u64(ld, "rx_packets", sum.rx_packets);
	rte_tel_data_add_dict_u64(ld, "rx_bytes", sum.rx_bytes);
	rte_tel_data_add_dict_u64(ld, "no_flow", sum.no_flow);
	rte_tel_data_add_dict_u64(ld, "fwd_packets", sum.fwd_packets);
	snprintf(name, sizeof(name), "lcore%u", lc->lcore_id);
	return rte_tel_data_add_dict_container(d, name, ld, 0);
}

/* /sbc/lcores */
static int handle_lcores(const char *cmd __rte_unused,
			 const char *params __rte_unused,
			 struct rte_tel_data *d)
{
	const struct dp_ctx *ctx;
	int ret = 0;

	pthread_mutex_lock(&tel.lock);
	ctx = tel.ctx;
	if (!ctx) {
		ret = -ENODEV;
		goto out;
	}
	rte_tel_data_start_dict(d);
	for (unsigned id = 0; id < RTE_MAX_LCORE && ret == 0; id++)
		if (ctx->lcores[id])
			ret = add_lcore(d, ctx, ctx->lcores[id]);
out:
	pthread_mutex_unlock(&tel.lock);
	return ret;
}

int dp_stats_init(struct dp_ctx *ctx)
{
	int ret = 0;

	pthread_mutex_lock(&tel.lock);
	if (!tel.registered) {
		ret = rte_telemetry_register_cmd("/sbc/ports", handle_ports,
			"Dataplane ports: ethdev and lcore counters. "
			"Parameters: port name, optional.");
		if (ret == 0)
			ret = rte_telemetry_register_cmd("/sbc/lcores",
				handle_lcores,
				"Forwarding lcores: queues and counters. "
				"Takes no parameters.");
		/* a half registration stays: the commands cannot be removed */
		tel.registered = true;
	}
	if (ret == 0) {
		tel.ctx = ctx;
		memset(tel.last_rx, 0, sizeof(tel.last_rx));
		memset(tel.rx_pps, 0, sizeof(tel.rx_pps));
		memset(tel.last_fwd, 0, sizeof(tel.last_fwd));
		memset(tel.fwd_pps, 0, sizeof(tel.fwd_pps));
		clock_gettime(CLOCK_MONOTONIC, &tel.last);
	} else {
		log_err("cannot register telemetry commands: %s",
			strerror(-ret));
	}
	pthread_mutex_unlock(&tel.lock);
	return ret;
}

void dp_stats_uninit(struct dp_ctx *ctx)
{
	pthread_mutex_lock(&tel.lock);
	if (tel.ctx == ctx)
		tel.ctx = NULL;
	pthread_mutex_unlock(&tel.lock);
}

void dp_stats_tick(struct dp_ctx *ctx)
{
	struct timespec now;
	uint64_t ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	pthread_mutex_lock(&tel.lock);
	ms = (uint64_t)(now.tv_sec - tel.last.tv_sec) * 1000 +
	     (uint64_t)(now.tv_nsec / 1000000) -
	     (uint64_t)(tel.last.tv_nsec / 1000000);
	tel.last = now;
	for (unsigned i = 0; i < ctx->n_ports && ms > 0; i++) {
		struct dp_counters c;
		uint64_t delta;

		dp_lcore_port_counters(ctx, i, &c);
		delta = c.rx_packets - tel.last_rx[i];
		tel.last_rx[i] = c.rx_packets;
		tel.rx_pps[i] = delta * 1000 / ms;
		tel.fwd_pps[i] = (c.fwd_packets - tel.last_fwd[i]) * 1000 / ms;
		tel.last_fwd[i] = c.fwd_packets;
		if (delta > 0)
			log_debug("port %s: rx %" PRIu64 " pkt/s, %" PRIu64
				  " packets %" PRIu64 " bytes in all",
				  ctx->ports[i].cfg->name, tel.rx_pps[i],
				  c.rx_packets, c.rx_bytes);
	}
	pthread_mutex_unlock(&tel.lock);
}

void dp_stats_log_totals(struct dp_ctx *ctx)
{
	for (unsigned i = 0; i < ctx->n_ports; i++) {
		const struct dp_port *p = &ctx->ports[i];
		struct rte_eth_stats es = { 0 };
		struct dp_counters c;

		dp_lcore_port_counters(ctx, i, &c);
		rte_eth_stats_get(p->id, &es);
		log_info("port %s: rx %" PRIu64 " packets %" PRIu64
			 " bytes, no flow %" PRIu64 ", forwarded %" PRIu64
			 "; ethdev rx %" PRIu64
			 " missed %" PRIu64 " errors %" PRIu64 " nombuf %" PRIu64
			 ", tx %" PRIu64 " errors %" PRIu64,
			 p->cfg->name, c.rx_packets, c.rx_bytes, c.no_flow,
			 c.fwd_packets, es.ipackets, es.imissed, es.ierrors, es.rx_nombuf,
			 es.opackets, es.oerrors);
	}
}
