/*
 * sbcctl show dataplane (method dp.status): what sbc-dataplane forwards,
 * read by sbcd from the dataplane's DPDK telemetry socket.
 *
 * The dataplane serves /sbc/ports and /sbc/lcores over DPDK telemetry
 * (dataplane/stats.h); sbcd is a client of that socket like
 * dpdk-telemetry.py, so the dataplane needs no second control channel and
 * sbcd no state about it:
 *
 *   sbcd                                     sbc-dataplane (telemetry thread)
 *     connect  <runtime dir>/dpdk_telemetry.v2   (AF_UNIX, SOCK_SEQPACKET)
 *       <-- {"version":...,"pid":N,"max_output_len":16384}
 *     "/sbc/ports"  -->  <-- {"/sbc/ports":{NAME:{counters},...}}
 *     "/sbc/lcores" -->  <-- {"/sbc/lcores":{"lcoreN":{...},...}}
 *
 * The runtime directory is DPDK's: /var/run/dpdk/<file-prefix> for root,
 * else $XDG_RUNTIME_DIR/dpdk/<file-prefix> (/tmp/dpdk/... without it); the
 * file prefix is the --file-prefix of dataplane.eal_args, or
 * DP_EAL_FILE_PREFIX as dataplane/eal_args.c adds it.
 *
 * Blocking: the handler runs on sbcd's event loop and talks to the socket
 * synchronously, with one deadline (B2B_DP_STATUS_TIMEOUT_MS) over the
 * connect and the three messages.  A UNIX socket connects or fails at once,
 * and the telemetry thread answers from memory in well under a millisecond,
 * so the loop only ever waits the full deadline for a dataplane that is
 * wedged; 200 ms once per operator command is below every SIP timer (T1 is
 * 500 ms) and nothing is lost meanwhile, since sockets queue.
 *
 * The result:
 *
 *   pid     the dataplane's process id (from the greeting)
 *   ports   [{name, device, rx_packets, tx_packets, fwd_packets, no_flow,
 *            drops, rx_mpps, fwd_mpps}]  in port id order; rx/tx are the
 *           ethdev's, drops the sum of the port's drop causes, the rates
 *           over the dataplane's last one-second tick
 *   drops   [{port, cause, packets}]  every cause that is not zero: the
 *           dataplane's dp_malformed_* and dp_drop_* counters without the
 *           "dp_", and the ethdev's rx_missed, rx_errors, rx_nombuf and
 *           tx_errors
 *   lcores  [{lcore, rx_queues, rx_packets, fwd_packets, no_flow}]
 */
#ifndef SBC_DP_STATUS_H
#define SBC_DP_STATUS_H

#include <jansson.h>
#include <stddef.h>

#include "cfg.h"

struct b2b_ctx;

#define B2B_DP_STATUS_TIMEOUT_MS 200

/**
 * b2b_dp_status_register - register dp.status (sbcctl words "show dataplane")
 * @return 0 or a negative errno of ctl_registry_add().
 */
int b2b_dp_status_register(struct b2b_ctx *ctx);

/**
 * b2b_dp_telemetry_path - where the dataplane of @cfg has its telemetry
 * @buf: receives the socket path
 * @return 0, or -ENAMETOOLONG when it does not fit @len.
 */
int b2b_dp_telemetry_path(const struct cfg *cfg, char *buf, size_t len);

/**
 * b2b_dp_status_fetch - query the telemetry socket at @path
 * @timeout_ms: for the whole exchange
 * @result: receives the dp.status result (a new reference)
 * @err: receives a message for the operator on failure
 *
 * @return 0; -ENOENT or -ECONNREFUSED when no dataplane runs there;
 * -ETIMEDOUT; -EPROTO for an answer that is not what the dataplane sends;
 * -ENOMEM; another negative errno of the socket calls.
 */
int b2b_dp_status_fetch(const char *path, int timeout_ms, json_t **result,
			char *err, size_t len);

/**
 * b2b_dp_status_json - the dp.status result from the telemetry answers
 * @pid: the dataplane's, from the greeting
 * @ports: the object /sbc/ports gave
 * @lcores: the object /sbc/lcores gave
 *
 * @return a new object, or NULL with errno EPROTO (@ports or @lcores not
 * an object of objects) or ENOMEM.
 */
json_t *b2b_dp_status_json(json_int_t pid, const json_t *ports,
			   const json_t *lcores);

#endif
