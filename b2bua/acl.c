/*
 * Trusted peers: the in-memory table b2b_acl_match() answers from, built
 * from the store's peers database by b2b_acl_load().  Each peer's cidr and
 * transport are parsed once, at load, so a match is only byte compares.
 *
 * The table is an array sorted by prefix length, longest first, then by
 * name, so the first entry that matches is the answer the header promises
 * and a scan stops there.  A linear scan is right for the hundreds of peers
 * an SBC trusts (a few microseconds per initial request, nothing per
 * in-dialog request).  For tens of thousands, the table would become one
 * binary trie per address family with the peers hung on their prefix's
 * node (as WireGuard's allowedips.c), making a lookup cost the address
 * length instead of the peer count.
 */
#include "acl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

struct acl_entry {
	struct store_peer peer;
	struct b2b_cidr net;
	enum cfg_transport transport;
};

struct b2b_acl {
	struct acl_entry *v;	/* longest prefix first, then by name */
	unsigned n;
};

/* the table being built by b2b_acl_load() */
struct acl_build {
	struct acl_entry *v;
	unsigned n;
	unsigned cap;
};

int b2b_transport_parse(const char *name, enum cfg_transport *out)
{
	for (int t = CFG_TRANSPORT_UDP; t <= CFG_TRANSPORT_TLS; t++) {
		if (strcmp(name, cfg_transport_name((enum cfg_transport)t)) == 0) {
			*out = (enum cfg_transport)t;
			return 0;
		}
	}
	return -EINVAL;
}

/* clear the bits of @addr (@len bytes) beyond the first @bits */
static void host_bits_clear(uint8_t *addr, size_t len, unsigned bits)
{
	for (size_t i = 0; i < len; i++) {
		if (bits >= 8) {
			bits -= 8;
			continue;
		}
		addr[i] &= (uint8_t)(0xff00u >> bits);
		bits = 0;
	}
}

int b2b_cidr_parse(const char *text, struct b2b_cidr *out)
{
	char addr[INET6_ADDRSTRLEN];
	const char *slash = strchr(text, '/');
	size_t n = slash ? (size_t)(slash - text) : strlen(text);
	struct b2b_cidr c = { 0 };
	unsigned max;

	if (n == 0 || n >= sizeof(addr))
		return -EINVAL;
	memcpy(addr, text, n);
	addr[n] = '\0';
	if (inet_pton(AF_INET, addr, c.addr) == 1) {
		c.af = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, addr, c.addr) == 1) {
		c.af = AF_INET6;
		max = 128;
	} else {
		return -EINVAL;
	}
	c.bits = max;
	if (slash) {
		const char *d = slash + 1;
		size_t digits = strspn(d, "0123456789");

		if (digits == 0 || digits > 3 || d[digits] != '\0')
			return -EINVAL;
		c.bits = (unsigned)strtoul(d, NULL, 10);
		if (c.bits > max)
			return -EINVAL;
	}
	host_bits_clear(c.addr, max / 8, c.bits);
	*out = c;
	return 0;
}

int b2b_cidr_format(const struct b2b_cidr *c, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN];
	int n;

	if (len > 0)
		buf[0] = '\0';
	if (!inet_ntop(c->af, c->addr, addr, sizeof(addr)))
		return -EINVAL;
	n = snprintf(buf, len, "%s/%u", addr, c->bits);
	if (n < 0 || (size_t)n >= len) {
		if (len > 0)
			buf[0] = '\0';
		return -ENOSPC;
	}
	return 0;
}

struct b2b_acl *b2b_acl_new(void)
{
	return calloc(1, sizeof(struct b2b_acl));
}

void b2b_acl_free(struct b2b_acl *acl)
{
	if (!acl)
		return;
	free(acl->v);
	free(acl);
}

/* store_foreach() callback: parse one peer into the table being built */
static int peer_add(const void *rec, void *arg)
{
	const struct store_peer *p = rec;
	struct acl_build *b = arg;
	struct acl_entry *e;

	if (b->n == b->cap) {
		unsigned cap = b->cap ? 2 * b->cap : 16;

		e = reallocarray(b->v, cap, sizeof(*e));
		if (!e)
			return -ENOMEM;
		b->v = e;
		b->cap = cap;
	}
	e = &b->v[b->n];
	e->peer = *p;
	if (b2b_cidr_parse(p->cidr, &e->net) < 0) {
		log_err("acl: peer %s: bad cidr '%s'", p->name, p->cidr);
		return -EPROTO;
	}
	if (b2b_transport_parse(p->transport, &e->transport) < 0) {
		log_err("acl: peer %s: bad transport '%s'", p->name,
			p->transport);
		return -EPROTO;
	}
	b->n++;
	return 0;
}

/* qsort order: longer prefix first, then lower name */
static int entry_cmp(const void *a, const void *b)
{
	const struct acl_entry *x = a, *y = b;

	if (x->net.bits != y->net.bits)
		return x->net.bits > y->net.bits ? -1 : 1;
	return strcmp(x->peer.name, y->peer.name);
}

int b2b_acl_load(struct b2b_acl *acl, struct store *st)
{
	struct acl_build b = { 0 };
	struct store_txn *txn;
	int rc;

	txn = store_txn_begin(st, false);
	if (!txn)
		return -errno;
	rc = store_foreach(txn, STORE_DB_PEERS, peer_add, &b);
	store_txn_abort(txn);
	if (rc < 0) {
		free(b.v);
		return rc;
	}
	if (b.n > 0)
		qsort(b.v, b.n, sizeof(b.v[0]), entry_cmp);
	free(acl->v);
	acl->v = b.v;
	acl->n = b.n;
	return 0;
}

/*
 * The address and port of @src as a host network (/32, /128), IPv4-mapped
 * IPv6 addresses turned into IPv4.  -EAFNOSUPPORT for other families.
 */
static int source_parse(const struct sockaddr *src, struct b2b_cidr *a,
			uint16_t *port)
{
	if (src->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)src;

		a->af = AF_INET;
		a->bits = 32;
		memcpy(a->addr, &in->sin_addr, 4);
		*port = ntohs(in->sin_port);
		return 0;
	}
	if (src->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 =
			(const struct sockaddr_in6 *)src;

		*port = ntohs(in6->sin6_port);
		if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
			a->af = AF_INET;
			a->bits = 32;
			memcpy(a->addr, &in6->sin6_addr.s6_addr[12], 4);
		} else {
			a->af = AF_INET6;
			a->bits = 128;
			memcpy(a->addr, &in6->sin6_addr, 16);
		}
		return 0;
	}
	return -EAFNOSUPPORT;
}

/* true when host address @a lies inside network @net of the same family */
static bool net_contains(const struct b2b_cidr *net, const struct b2b_cidr *a)
{
	unsigned whole = net->bits / 8, rest = net->bits % 8;
	uint8_t mask = (uint8_t)(0xff00u >> rest);

	if (memcmp(net->addr, a->addr, whole) != 0)
		return false;
	return rest == 0 || (a->addr[whole] & mask) == net->addr[whole];
}

const struct store_peer *b2b_acl_match(const struct b2b_acl *acl,
				       const char *realm,
				       const struct sockaddr *src,
				       enum cfg_transport transport)
{
	struct b2b_cidr a;
	uint16_t port;

	if (source_parse(src, &a, &port) < 0)
		return NULL;
	for (unsigned i = 0; i < acl->n; i++) {
		const struct acl_entry *e = &acl->v[i];

		if (e->net.af != a.af || !net_contains(&e->net, &a))
			continue;
		if (e->peer.port != 0 && e->peer.port != port)
			continue;
		if ((int)transport >= 0 && e->transport != transport)
			continue;
		if (realm && strcmp(e->peer.realm, realm) != 0)
			continue;
		return &e->peer;
	}
	return NULL;
}

unsigned b2b_acl_count(const struct b2b_acl *acl)
{
	return acl->n;
}
