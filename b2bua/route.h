/*
 * Routing: which gateways a call to a number goes to.  Routes live in the
 * store (struct store_route: a dialled-number prefix and an ordered list of
 * gateways); the longest stored prefix of the number wins, the empty prefix
 * being the default route.
 */
#ifndef SBC_ROUTE_H
#define SBC_ROUTE_H

#include <stddef.h>

#include "cfg.h"
#include "store.h"

/* A gateway of a route, parsed from its "host:port;transport" text. */
struct b2b_gateway {
	char host[STORE_ADDR_MAX];	/* IP literal (IPv6 without brackets) */
	uint16_t port;			/* 5060 (5061 for tls) when absent */
	enum cfg_transport transport;	/* udp when absent */
};

/**
 * b2b_route_lookup - the route for a dialled number
 * @txn: a read (or write) transaction
 * @number: the user part of the request-URI after normalisation: digits,
 *	optionally with a leading '+'
 * @out: the route found
 *
 * @return 0; -ENOENT when no prefix of @number (not even the default route)
 * is stored; -EINVAL for an empty or over-long number; errors of
 * store_route_get().
 */
int b2b_route_lookup(struct store_txn *txn, const char *number,
		     struct store_route *out);

/**
 * b2b_gateway_parse - "10.10.2.10:5060;udp", "[2001:db8::1]:5061;tls",
 * "10.10.2.10" (port and transport defaulted)
 *
 * @return 0, or -EINVAL (not an IP literal, bad port, unknown transport).
 */
int b2b_gateway_parse(const char *text, struct b2b_gateway *out);

/**
 * b2b_gateway_uri - the SIP URI to send to, e.g.
 * "sip:10.10.2.10:5060;transport=udp" with @user as its user part
 * (may be NULL or "").
 *
 * @return 0, or -ENOSPC when @len is too small.
 */
int b2b_gateway_uri(const struct b2b_gateway *gw, const char *user,
		    char *buf, size_t len);

#endif
