/*
 * Trusted peers: carriers and PBXs admitted by source address instead of
 * digest credentials.  The peers live in the store (struct store_peer); this
 * module keeps a parsed in-memory copy for the per-request check, rebuilt
 * with b2b_acl_load() whenever the peers database changes (sbcctl peer
 * add/del) and at start-up.
 *
 * Only the event-loop thread uses a struct b2b_acl.
 */
#ifndef SBC_ACL_H
#define SBC_ACL_H

#include <stdint.h>
#include <sys/socket.h>

#include "cfg.h"
#include "store.h"

struct b2b_acl;

/* A network: an address with its host bits cleared and a prefix length. */
struct b2b_cidr {
	int af;			/* AF_INET or AF_INET6 */
	uint8_t addr[16];	/* network byte order; AF_INET uses 4 bytes */
	unsigned bits;		/* 0..32 (AF_INET) or 0..128 (AF_INET6) */
};

/**
 * b2b_cidr_parse - a peer's network from its "ADDRESS" or "ADDRESS/BITS"
 * @text: IPv4 dotted quad or RFC 4291 IPv6 text, optionally followed by
 *	'/' and 1 to 3 decimal digits; an address alone is one host (/32,
 *	/128).  Host bits beyond BITS are cleared: "10.1.2.3/24" is
 *	10.1.2.0/24, as the operator most likely meant.
 * @out: the network
 *
 * @return 0, or -EINVAL (not an address, bad or too large BITS; @out
 * untouched).
 */
int b2b_cidr_parse(const char *text, struct b2b_cidr *out);

/**
 * b2b_cidr_format - the canonical text of a network: "10.1.2.0/24",
 * "2001:db8::/32" (always with /BITS)
 *
 * @return 0, -EINVAL (@c->af neither AF_INET nor AF_INET6), or -ENOSPC
 * when @len is too small (STORE_CIDR_MAX is always enough); on error @buf
 * is "" if @len is not 0.
 */
int b2b_cidr_format(const struct b2b_cidr *c, char *buf, size_t len);

/**
 * b2b_transport_parse - "udp", "tcp" or "tls" (lowercase) to its enum
 * @return 0, or -EINVAL for anything else (@out untouched).
 */
int b2b_transport_parse(const char *name, enum cfg_transport *out);

/* b2b_acl_new - an empty table; NULL with errno ENOMEM. */
struct b2b_acl *b2b_acl_new(void);

/* b2b_acl_free - accepts NULL. */
void b2b_acl_free(struct b2b_acl *acl);

/**
 * b2b_acl_load - replace the table with the peers now in @st
 *
 * All or nothing: on error the previous table stays in force.
 *
 * @return 0, -ENOMEM, -EPROTO (a stored peer has a cidr or transport that
 * does not parse; logged), errors of store_txn_begin() (-EAGAIN, -EIO) and
 * of store_foreach() (-EPROTO, -EIO).
 */
int b2b_acl_load(struct b2b_acl *acl, struct store *st);

/**
 * b2b_acl_match - the trusted peer a request comes from
 * @realm: realm the request arrived on; peers of other realms never match.
 *	NULL matches peers of every realm (routing uses it to learn which
 *	realm a gateway belongs to).
 * @src: source address (AF_INET or AF_INET6) and port of the request; an
 *	IPv4-mapped IPv6 address (::ffff:a.b.c.d, from a dual-stack socket)
 *	is matched as the IPv4 address it carries.  Other families never
 *	match.
 * @transport: transport it arrived on
 *
 * Among the peers of @realm whose network contains the address, whose port
 * is 0 or equal and whose transport is equal (any transport when
 * @transport is negative), the one with the longest
 * prefix wins (then the lowest name, so the answer is stable).
 *
 * @return the peer (valid until the next b2b_acl_load()), or NULL.
 */
const struct store_peer *b2b_acl_match(const struct b2b_acl *acl,
				       const char *realm,
				       const struct sockaddr *src,
				       enum cfg_transport transport);

/* b2b_acl_count - number of peers loaded. */
unsigned b2b_acl_count(const struct b2b_acl *acl);

#endif
