/*
 * DOC: MSRP relay telemetry - /sbc/msrp on the DPDK telemetry socket
 *
 * The relay's counters (struct dp_msrp_stats) as one dictionary: legs,
 * connections, bound, messages, bytes, refused, errors, bad_certs.  DPDK's
 * telemetry callbacks take no argument, so the relay whose counters the
 * command shows is set here when it starts and cleared when it stops;
 * the command is registered once per process.
 */
#ifndef SBC_DP_MSRP_TELEMETRY_H
#define SBC_DP_MSRP_TELEMETRY_H

#include "msrp_relay.h"

/* dp_msrp_telemetry_set - /sbc/msrp shows @r from now on */
void dp_msrp_telemetry_set(struct dp_msrp_relay *r);

/* dp_msrp_telemetry_clear - /sbc/msrp no longer shows @r (if it did) */
void dp_msrp_telemetry_clear(struct dp_msrp_relay *r);

#endif
