/*
 * DOC: Flow index - the dataplane's lookup of flow-table slots
 *
 * Maps the local endpoint a packet arrives on (struct ft_endpoint: family,
 * address, port) to the flow-table slot and epoch, in an rte_hash local to
 * the dataplane.  It is kept in step with the table by the notice ring:
 * ft_index_sync() applies the notices, or rescans every slot when the ring
 * overflowed; ft_index_rebuild() rescans after attaching.  A per-slot
 * shadow (the key indexed and the entry's seq) lets it apply only what
 * changed, remove the key a slot had before, and call @on_change exactly
 * once per change, which is where the dataplane creates or drops the
 * slot's SRTP sessions.
 *
 * Threads: one thread (the main lcore's housekeeping) calls everything but
 * ft_index_lookup().  Forwarding lcores may call ft_index_lookup()
 * concurrently only when the index was created with an RCU QSBR variable:
 * the hash is then lock-free for readers and a deleted key's storage is
 * reused only after every registered lcore has reported quiescence
 * (rte_rcu_qsbr_quiescent() once per loop).
 *
 * Beside the hash, as rtpengine's kernel module keys flows by port: the
 * first 32 local IPv4 addresses that flows use each get a table of 65536
 * words indexed by UDP port, written alongside the hash and holding what
 * it holds (slot and epoch, 0 for none).  Lookups of IPv4 keys whose
 * address has a table read one word instead of the hash's buckets and
 * keys; IPv6 and other addresses use the hash.  Readers see an address
 * only after its table is zeroed (release store of the count), words are
 * atomic 64-bit stores, and tables live until ft_index_free().
 *
 * An entry the writer is in the middle of changing (ft_flow_read() gives
 * -EAGAIN) is left as it was: the change's own notice follows.  When two
 * slots claim one endpoint the later one wins and a warning is logged.
 */
#ifndef SBC_DP_FT_INDEX_H
#define SBC_DP_FT_INDEX_H

#include <stdint.h>

#include "ft.h"

/*
 * The hash key: an endpoint padded to 32 bytes, because rte_hash compares
 * keys of 16, 32, 48... bytes with vector instructions and any other
 * length with memcmp().  8-byte aligned for the CRC's 8-byte loads.
 */
struct ft_index_key {
	struct ft_endpoint ep;
	uint8_t pad[12];	/* zero */
} __attribute__((aligned(8)));

static_assert(sizeof(struct ft_index_key) == 32, "ft_index_key");

/* most keys one ft_index_lookup_bulk() takes (RTE_HASH_LOOKUP_BULK_MAX) */
#define FT_INDEX_BULK 64

struct ft_index;
struct rte_rcu_qsbr;

/*
 * Called from ft_index_sync()/ft_index_rebuild() after a slot's flow
 * appeared or changed (@flow, @epoch), or went away (@flow NULL).
 */
typedef void ft_index_change_fn(void *arg, uint32_t slot,
				const struct ft_flow *flow, uint32_t epoch);

/**
 * ft_index_create - an empty index for a table of @capacity slots
 * @name: unique among the process's rte_hash names
 * @socket: NUMA node for the hash and the shadow, or SOCKET_ID_ANY
 * @qsv: RCU variable of the lcores that look up, or NULL for one thread
 * @on_change: optional, with @arg
 *
 * @return the index, or NULL with errno EINVAL, ENOMEM, EEXIST (name).
 */
struct ft_index *ft_index_create(const char *name, uint32_t capacity,
				 int socket, struct rte_rcu_qsbr *qsv,
				 ft_index_change_fn *on_change, void *arg);

/* ft_index_free - free the index; NULL-safe.  No lookup may be running. */
void ft_index_free(struct ft_index *ix);

/**
 * ft_index_rebuild - drop pending notices, then bring every slot in step
 * @ft: the table, attached as FT_ROLE_OWNER, of the index's capacity
 * @return slots that changed, or -EINVAL for a capacity mismatch.
 */
int ft_index_rebuild(struct ft_index *ix, struct ft *ft);

/**
 * ft_index_sync - apply what the writer changed since the last call
 *
 * Pops notices in bursts until the ring is empty, or rebuilds when the
 * ring overflowed.  Call it periodically (housekeeping), not per packet.
 *
 * @return slots that changed, or -EINVAL for a capacity mismatch.
 */
int ft_index_sync(struct ft_index *ix, struct ft *ft);

/**
 * ft_index_lookup - the slot and epoch for packets to @key
 * @key: reserved byte and the unused tail of an IPv4 address zero
 * @return 0, or -ENOENT.
 */
int ft_index_lookup(const struct ft_index *ix, const struct ft_endpoint *key,
		    uint32_t *slot, uint32_t *epoch);

/**
 * ft_index_lookup_bulk - ft_index_lookup() for up to FT_INDEX_BULK keys
 * @keys: @n keys, each with ep.reserved and pad zero
 * @hits: bit i set when keys[i] was found; then @slot[i] and @epoch[i]
 *
 * One call overlaps the cache misses of every key's buckets.
 *
 * @return keys found, or -EINVAL when @n is 0 or above FT_INDEX_BULK.
 */
int ft_index_lookup_bulk(const struct ft_index *ix,
			 const struct ft_index_key **keys, unsigned n,
			 uint64_t *hits, uint32_t *slot, uint32_t *epoch);

/* ft_index_direct_count - local IPv4 addresses that have a port table */
unsigned ft_index_direct_count(const struct ft_index *ix);

#endif
