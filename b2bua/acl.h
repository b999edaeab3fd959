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

#include <sys/socket.h>

#include "cfg.h"
#include "store.h"

struct b2b_acl;

/* b2b_acl_new - an empty table; NULL with errno ENOMEM. */
struct b2b_acl *b2b_acl_new(void);

/* b2b_acl_free - accepts NULL. */
void b2b_acl_free(struct b2b_acl *acl);

/**
 * b2b_acl_load - replace the table with the peers now in @st
 *
 * All or nothing: on error the previous table stays in force.
 *
 * @return 0, -ENOMEM, or an error of store_foreach() (-EPROTO, -EIO).
 */
int b2b_acl_load(struct b2b_acl *acl, struct store *st);

/**
 * b2b_acl_match - the trusted peer a request comes from
 * @realm: realm the request arrived on; peers of other realms never match.
 *	NULL matches peers of every realm (routing uses it to learn which
 *	realm a gateway belongs to).
 * @src: source address (AF_INET or AF_INET6) and port of the request
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
