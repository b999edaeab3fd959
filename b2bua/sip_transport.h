/*
 * A realm's SIP transports as Sofia-SIP 1.12 takes them: the listen URLs
 * its nua binds, and the transport a received request came over.  Plain
 * C on struct cfg_realm, no Sofia-SIP: the configuration check
 * (cfg_check.c) refuses at load what sip.c could not bind, with the same
 * rule, and both are unit-tested without a stack.
 *
 * Binding: nua 1.12 passes NUTAG_URL and NUTAG_SIPS_URL, and nothing
 * else, to nta_agent_add_tport() (nua_get_agent() is not exported, so no
 * socket can be added later).  One URL binds one address and port with
 * either udp and tcp ("sip:ADDR:PORT"), one of them
 * ("sip:ADDR:PORT;transport=udp"), or tls ("sips:ADDR:PORT": nta binds
 * tls alone only for the sips scheme).  nta's comma-separated transport
 * lists ("transport=udp,tls") are not used: 1.12.11 keeps the split list
 * in a block-scoped array it reads after the block, and crashes on it.
 * A realm's sockets are therefore grouped by address, port and tls or
 * not, and at most B2B_SIP_URLS such groups can be bound: udp+tcp on 5060
 * and tls on 5061 is two; a second address, or udp on the tls port, is a
 * third.
 */
#ifndef SBC_SIP_TRANSPORT_H
#define SBC_SIP_TRANSPORT_H

#include <stddef.h>

#include "cfg.h"

#define B2B_SIP_URLS 2		/* NUTAG_URL and NUTAG_SIPS_URL */
#define B2B_SIP_URL_MAX 80	/* "sip:[v6]:65535;transport=udp" */

/**
 * b2b_sip_urls - the URLs a realm's nua binds for its listen sockets
 * @r: the realm, its sockets already checked (no duplicates, no tcp and
 *	tls on one address and port)
 * @urls: receives the URLs, in the order of each group's first socket
 * @bad: on -E2BIG, the index in @r->listen of the first socket that
 *	does not fit
 *
 * @return the number of URLs (0 when the realm has no socket); -E2BIG
 * when the sockets need more than B2B_SIP_URLS address:port groups.
 */
int b2b_sip_urls(const struct cfg_realm *r,
		 char urls[B2B_SIP_URLS][B2B_SIP_URL_MAX], unsigned *bad);

/**
 * b2b_sip_transport_of - the transport a request arrived over
 * @stream: it came on a stream socket (TCP or TLS), from the message's
 *	address info
 * @via_protocol: its topmost Via's sent-protocol, e.g. "SIP/2.0/TLS"
 *
 * The address info alone says TCP for TLS too.  The Via is trustworthy
 * here: nta drops a request whose topmost Via names another transport
 * than the one it came over (agent_check_request_via()), so a request on
 * plain TCP claiming TLS never reaches sbcd.
 */
enum cfg_transport b2b_sip_transport_of(int stream, const char *via_protocol);

#endif
