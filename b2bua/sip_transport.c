/*
 * A realm's listen sockets grouped into the URLs its nua binds, and the
 * transport of a received request (see sip_transport.h for the limits).
 */
#include "sip_transport.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <strings.h>
#include <sys/socket.h>

/* A group's transports as bits. */
#define T_UDP (1u << CFG_TRANSPORT_UDP)
#define T_TCP (1u << CFG_TRANSPORT_TCP)
#define T_TLS (1u << CFG_TRANSPORT_TLS)

struct group {
	const struct cfg_listen *first;
	unsigned transports;
};

static void url_print(const struct group *g, char *buf, size_t len)
{
	const struct cfg_listen *l = g->first;
	bool v6 = l->addr.af == AF_INET6;
	const char *scheme = "sip", *param = "";

	if (g->transports == T_TLS)
		scheme = "sips";
	else if (g->transports == T_UDP)
		param = ";transport=udp";
	else if (g->transports == T_TCP)
		param = ";transport=tcp";
	snprintf(buf, len, v6 ? "%s:[%s]:%u%s" : "%s:%s:%u%s", scheme,
		 l->addr.text, l->port, param);
}

/* Can @l join the URL of group @g? */
static bool group_fits(const struct group *g, const struct cfg_listen *l)
{
	bool tls = l->transport == CFG_TRANSPORT_TLS;

	return g->first->port == l->port &&
	       cfg_ip_equal(&g->first->addr, &l->addr) &&
	       tls == ((g->transports & T_TLS) != 0);
}

int b2b_sip_urls(const struct cfg_realm *r,
		 char urls[B2B_SIP_URLS][B2B_SIP_URL_MAX], unsigned *bad)
{
	struct group groups[B2B_SIP_URLS];
	unsigned n = 0;

	for (unsigned i = 0; i < r->n_listen; i++) {
		const struct cfg_listen *l = &r->listen[i];
		unsigned g;

		for (g = 0; g < n; g++)
			if (group_fits(&groups[g], l))
				break;
		if (g == n) {
			if (n == B2B_SIP_URLS) {
				if (bad)
					*bad = i;
				return -E2BIG;
			}
			groups[n].first = l;
			groups[n++].transports = 0;
		}
		groups[g].transports |= 1u << l->transport;
	}
	for (unsigned g = 0; g < n; g++)
		url_print(&groups[g], urls[g], B2B_SIP_URL_MAX);
	return (int)n;
}

enum cfg_transport b2b_sip_transport_of(int stream, const char *via_protocol)
{
	if (!stream)
		return CFG_TRANSPORT_UDP;
	if (via_protocol && strcasecmp(via_protocol, "SIP/2.0/TLS") == 0)
		return CFG_TRANSPORT_TLS;
	return CFG_TRANSPORT_TCP;
}
