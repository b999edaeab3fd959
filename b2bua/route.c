/*
 * Routing: the longest-prefix lookup of a dialled number in the store's
 * routes, and the gateways of a route (parse their stored text, format the
 * SIP URI a call is sent to).  See route.h for the '+' rule.
 */
#include "route.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"

#define DIGITS "0123456789"

bool b2b_number_valid(const char *s)
{
	size_t sign = s[0] == '+';
	size_t digits = strspn(s + sign, DIGITS);

	return digits > 0 && s[sign + digits] == '\0' &&
	       sign + digits < STORE_PREFIX_MAX;
}

int b2b_route_lookup(struct store_txn *txn, const char *number,
		     struct store_route *out)
{
	char prefix[STORE_PREFIX_MAX];
	int rc;

	if (!number || !b2b_number_valid(number))
		return -EINVAL;
	for (size_t n = strlen(number); n > 0; n--) {
		memcpy(prefix, number, n);
		prefix[n] = '\0';
		rc = store_route_get(txn, prefix, out);
		if (rc != -ENOENT)
			return rc;
	}
	return store_route_get(txn, "", out);
}

/* ":PORT" at @p: 1 to 5 digits, 1-65535; the characters used, or -EINVAL */
static int port_parse(const char *p, uint16_t *port)
{
	size_t n = strspn(p, DIGITS);
	unsigned long v;

	if (n == 0 || n > 5)
		return -EINVAL;
	v = strtoul(p, NULL, 10);
	if (v == 0 || v > 65535)
		return -EINVAL;
	*port = (uint16_t)v;
	return (int)n;
}

int b2b_gateway_parse(const char *text, struct b2b_gateway *out)
{
	struct b2b_gateway gw = { .transport = CFG_TRANSPORT_UDP };
	char host[INET6_ADDRSTRLEN];
	unsigned char bin[sizeof(struct in6_addr)];
	const char *p = text, *end;
	int af = AF_INET, n;

	if (*p == '[') {
		af = AF_INET6;
		end = strchr(++p, ']');
		if (!end)
			return -EINVAL;
	} else {
		end = p + strcspn(p, ":;");
	}
	if (end == p || (size_t)(end - p) >= sizeof(host))
		return -EINVAL;
	memcpy(host, p, (size_t)(end - p));
	host[end - p] = '\0';
	if (inet_pton(af, host, bin) != 1 ||
	    !inet_ntop(af, bin, gw.host, sizeof(gw.host)))
		return -EINVAL;
	p = end + (af == AF_INET6);
	if (*p == ':') {
		n = port_parse(++p, &gw.port);
		if (n < 0)
			return n;
		p += n;
	}
	if (*p == ';') {
		if (b2b_transport_parse(++p, &gw.transport) < 0)
			return -EINVAL;
	} else if (*p) {
		return -EINVAL;
	}
	if (gw.port == 0)
		gw.port = gw.transport == CFG_TRANSPORT_TLS ? 5061 : 5060;
	*out = gw;
	return 0;
}

int b2b_gateway_uri(const struct b2b_gateway *gw, const char *user,
		    char *buf, size_t len)
{
	bool v6 = strchr(gw->host, ':') != NULL;
	bool at = user && *user;
	int n;

	n = snprintf(buf, len, "sip:%s%s%s%s%s:%u;transport=%s",
		     at ? user : "", at ? "@" : "", v6 ? "[" : "", gw->host,
		     v6 ? "]" : "", gw->port, cfg_transport_name(gw->transport));
	if (n < 0 || (size_t)n >= len) {
		if (len > 0)
			buf[0] = '\0';
		return -ENOSPC;
	}
	return 0;
}

int b2b_gateway_sockaddr(const struct b2b_gateway *gw,
			 struct sockaddr_storage *ss)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, gw->host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(gw->port);
		return 0;
	}
	if (inet_pton(AF_INET6, gw->host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(gw->port);
		return 0;
	}
	return -EINVAL;
}
