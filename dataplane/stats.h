/*
 * Dataplane statistics: DPDK telemetry commands, the once-a-second tick
 * run by the main lcore, and the totals logged at shutdown.
 *
 * Telemetry commands (read with dpdk-telemetry.py -f <file-prefix>, and by
 * sbcctl over the same socket, /var/run/dpdk/<file-prefix>/dpdk_telemetry.v2):
 *
 *   /sbc/ports[,NAME]  per port: ethdev counters from rte_eth_stats_get()
 *                      (rx_/tx_packets, rx_/tx_bytes, rx_missed, rx_errors,
 *                      rx_nombuf, tx_errors), the exception TAP ("off" or
 *                      its interface), and the forwarding lcores' counters
 *                      summed (struct dp_counters in lcore.h, named in
 *                      stats.c: dp_rx_packets, dp_rx_bytes, dp_no_flow,
 *                      dp_fwd_packets, dp_malformed_<reason>,
 *                      dp_drop_<cause>, ...) with the receive and forward
 *                      rates over the last tick (dp_rx_pps, dp_fwd_pps, and
 *                      as Mpps strings dp_rx_mpps, dp_fwd_mpps)
 *   /sbc/lcores        per forwarding lcore: its queues and counters
 *
 * The callbacks run on the EAL's telemetry thread.
 */
#ifndef SBC_DP_STATS_H
#define SBC_DP_STATS_H

struct dp_ctx;

/**
 * dp_stats_init - answer the telemetry commands from @ctx
 *
 * @return 0, or the negative errno of rte_telemetry_register_cmd().
 */
int dp_stats_init(struct dp_ctx *ctx);

/*
 * dp_stats_uninit - stop answering from @ctx; returns once no callback
 * uses it any more.  The commands stay registered (DPDK 22.11 cannot
 * unregister) and answer an error from then on.
 */
void dp_stats_uninit(struct dp_ctx *ctx);

/* dp_stats_tick - once a second on the main lcore: rates, debug log. */
void dp_stats_tick(struct dp_ctx *ctx);

/* dp_stats_log_totals - log each port's counters, after the lcores stop. */
void dp_stats_log_totals(struct dp_ctx *ctx);

#endif
