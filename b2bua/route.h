/*
 * Routing: which gateways a call to a number goes to.  Routes live in the
 * store (struct store_route: a dialled-number prefix and an ordered list of
 * gateways); the longest stored prefix of the number wins, the empty prefix
 * being the default route.
 *
 * Prefixes are matched character by character and a leading '+' is one of
 * them: a route "+44" matches "+442071234567" only, never "442071234567"
 * or "00442071234567", and a route "44" never matches a number written with
 * '+'.  Making "+44" and "0044" the same number is the dial plan's job
 * (normalisation to one form before lookup), not the lookup's, so that the
 * operator sees exactly which route a number takes.  The prefix "+" alone
 * is a route for every number in international form.
 */
#ifndef SBC_ROUTE_H
#define SBC_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "cfg.h"
#include "store.h"

/* A gateway of a route, parsed from its "host:port;transport" text. */
struct b2b_gateway {
	char host[STORE_ADDR_MAX];	/* IP literal (IPv6 without brackets) */
	uint16_t port;			/* 5060 (5061 for tls) when absent */
	enum cfg_transport transport;	/* udp when absent */
};

/**
 * b2b_number_valid - a dialled number as routing takes it: an optional
 * leading '+' then at least one digit, at most STORE_PREFIX_MAX - 1
 * characters in all (so that each prefix fits a route's key)
 */
bool b2b_number_valid(const char *s);

/**
 * b2b_route_lookup - the route for a dialled number
 * @txn: a read (or write) transaction
 * @number: the user part of the request-URI after normalisation: digits,
 *	optionally with a leading '+'
 * @out: the route found
 *
 * Prefixes are tried from the whole number down to its first character,
 * then the default route "": one store_route_get() (an LMDB B-tree lookup)
 * each, at most STORE_PREFIX_MAX of them.
 *
 * @return 0; -ENOENT when no prefix of @number (not even the default route)
 * is stored; -EINVAL when @number is not b2b_number_valid(); errors of
 * store_route_get().
 */
int b2b_route_lookup(struct store_txn *txn, const char *number,
		     struct store_route *out);

/**
 * b2b_gateway_parse - "10.10.2.10:5060;udp", "[2001:db8::1]:5061;tls",
 * "10.10.2.10" (port and transport defaulted)
 *
 * Grammar: HOST [":" PORT] [";" TRANSPORT], HOST an IPv4 literal or an
 * IPv6 literal in brackets, PORT 1-65535, TRANSPORT "udp", "tcp" or "tls".
 * Nothing else (no names, blanks, or unbracketed IPv6) is accepted.  The
 * host is stored in its canonical text form.
 *
 * @return 0, or -EINVAL (not an IP literal, bad port, unknown transport;
 * @out untouched).
 */
int b2b_gateway_parse(const char *text, struct b2b_gateway *out);

/**
 * b2b_gateway_uri - the SIP URI to send to, e.g.
 * "sip:10.10.2.10:5060;transport=udp" with @user as its user part
 * (may be NULL or "").  @user is written as given: callers pass a
 * normalised number, whose characters ('+', digits) need no escaping in a
 * user part (RFC 3261 section 25.1).  An IPv6 host is bracketed (RFC 3261
 * section 19.1.1: "sip:[2001:db8::1]:5061;transport=tls").
 *
 * @return 0, or -ENOSPC when @len is too small (@buf is then "" if @len
 * is not 0).
 */
int b2b_gateway_uri(const struct b2b_gateway *gw, const char *user,
		    char *buf, size_t len);

/**
 * b2b_gateway_sockaddr - a parsed gateway's address and port as a socket
 * address (AF_INET or AF_INET6), e.g. to find the peer that contains it
 *
 * @return 0, or -EINVAL when the host is not an IP literal.
 */
int b2b_gateway_sockaddr(const struct b2b_gateway *gw,
			 struct sockaddr_storage *ss);

#endif
