/*
 * DOC: MSRP relay - the back-to-back MSRP relay of sbc-dataplane
 *
 * For an m=message TCP/MSRP stream (RFC 4975) sbcd gives each leg the
 * SBC's own MSRP URI, msrp://MSRP_ADDR:MSRP_PORT/ID;tcp (the realm's
 * msrp_address and msrp_port, an ID of its own per leg), and writes one
 * flow-table entry per leg, kind FT_KIND_MSRP (struct ft_msrp in ft.h):
 * the SBC's ID, the peer's a=path, and whether the SBC connects (RFC 6135
 * a=setup; RFC 4975 section 5.4: otherwise the offerer connects).  The
 * two legs' entries are each other's pair.
 *
 * This relay terminates each leg's TCP (or TLS) connection on kernel
 * sockets (the DPDK ports have no TCP stack) in a thread of its own,
 * created with rte_ctrl_thread_create() so it never runs on a forwarding
 * lcore:
 *  - it listens on every realm's MSRP address and port, and for TLS
 *    (msrps:, msrp_tls.h) on its msrp_tls_port when the realm has
 *    tls_cert and tls_key;  the SBC's URI of a leg whose entry has
 *    FT_MSRP_TLS is msrps://MSRP_ADDR:MSRP_TLS_PORT/ID;tcp;  a connection is
 *    bound to the leg whose ID its first request's To-Path names (one
 *    that names none within 10 s gets 481 and is closed);
 *  - for a leg it must connect to, it connects from the realm's MSRP
 *    address to the first URI of the peer's path (over TLS when that is
 *    msrps:), retrying every second, and binds the connection with a
 *    bodiless SEND (section 5.4);
 *  - over TLS the peer's certificate is checked as msrp_tls.h says: the
 *    leg's a=fingerprint, else dataplane.msrp_tls_ca's chain for a peer it
 *    connects to; a refused one is counted (bad_certs), and a leg whose
 *    server was refused is not connected again until its entry changes;
 *  - a bodiless SEND is answered by the relay; every other request (SEND
 *    chunks with their continuation flags and Byte-Range, REPORT) and
 *    every response goes to the other leg unchanged but for To-Path (the
 *    other peer's path) and From-Path (the SBC's URI there), with the same
 *    transaction id, so neither peer learns anything of the other's
 *    address;
 *  - flow control: a connection is read only while the connection it
 *    forwards to has room for a whole message, so a slow peer slows the
 *    other down rather than filling memory; a chunk body over
 *    dataplane.msrp_max_chunk or bytes that are not MSRP close the
 *    connection;
 *  - a leg's entry going away (the call ended) closes its connection; an
 *    entry put again with the same paths and ID (a re-INVITE) keeps it
 *    (RFC 4975 section 8.4), another path or ID closes it.
 *
 * Threads: dp_msrp_relay_on_change() runs on the main lcore (the flow
 * index's change callback) and hands changes to the relay thread through
 * a locked queue and an eventfd; everything else of the relay is its
 * thread's.  Counters it writes to the flow table (chunks and bytes per
 * leg, in packets and bytes) follow ft.h's counter protocol.
 */
#ifndef SBC_DP_MSRP_RELAY_H
#define SBC_DP_MSRP_RELAY_H

#include <stdint.h>

#include "cfg.h"
#include "ft.h"

struct dp_msrp_relay;

/* What /sbc/msrp (telemetry) reports. */
struct dp_msrp_stats {
	uint64_t legs;		/* MSRP legs in the flow table */
	uint64_t connections;	/* TCP and TLS connections open, bound or
				 * not */
	uint64_t bound;		/* of those, bound to a leg */
	uint64_t messages;	/* requests and responses relayed */
	uint64_t bytes;		/* of chunk bodies relayed */
	uint64_t refused;	/* connections that named no session, over
				 * the limit, or failed to connect */
	uint64_t errors;	/* connections closed for bad or large MSRP */
	uint64_t bad_certs;	/* TLS peers whose certificate was refused
				 * (msrp_tls.h: fingerprint or chain) */
};

/**
 * dp_msrp_relay_create - listen on every realm's MSRP address and start
 * the relay thread
 * @ft: the flow table, attached as owner (for counters)
 *
 * @return the relay, or NULL with errno: ENOMEM, or the errno of
 * socket/bind/listen (logged with the address), or of the thread's
 * creation.  Not called when dataplane.msrp_sessions is 0.
 */
struct dp_msrp_relay *dp_msrp_relay_create(const struct cfg *cfg,
					   struct ft *ft);

/* dp_msrp_relay_free - stop the thread, close everything.  NULL-safe. */
void dp_msrp_relay_free(struct dp_msrp_relay *r);

/**
 * dp_msrp_relay_on_change - a flow-table slot changed (ft_index.h's
 * callback, main lcore): @flow NULL when it went away
 *
 * Cheap for slots that are not MSRP legs and never were.
 */
void dp_msrp_relay_on_change(struct dp_msrp_relay *r, uint32_t slot,
			     const struct ft_flow *flow, uint32_t epoch);

/* dp_msrp_relay_stats - a snapshot of the counters; any thread. */
void dp_msrp_relay_stats(const struct dp_msrp_relay *r,
			 struct dp_msrp_stats *out);

#endif
