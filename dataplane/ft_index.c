/*
 * Flow index: the dataplane's rte_hash of flow-table slots, kept in step
 * with the notice ring, and beside it a direct table by UDP port for each
 * of the first local IPv4 addresses; see ft_index.h.
 */
#include "ft_index.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include <rte_memory.h>
#include <rte_prefetch.h>

#include "log.h"

/* notices popped per call of ft_notice_pop() */
#define SYNC_BURST 64

/* local IPv4 addresses with a direct table (at 512 KiB each) */
#define DIRECT_ADDRS 32
#define DIRECT_PORTS 65536
/* set in every direct word in use, so that slot 0 at epoch 0 is not "none" */
#define DIRECT_USED (1ull << 31)

static_assert(FT_CAPACITY_MAX <= DIRECT_USED, "DIRECT_USED above slots");

/* what the index holds for one slot */
struct shadow {
	struct ft_endpoint key;
	bool indexed;		/* key is in the hash for this slot */
	bool unindexed;		/* an MSRP leg: reported, never hashed */
	uint64_t seq;		/* entry seq last applied; 0: never */
};

struct ft_index {
	struct rte_hash *hash;
	struct shadow *shadow;	/* [capacity] */
	uint32_t capacity;
	ft_index_change_fn *on_change;
	void *arg;
	int socket;
	bool direct_off;	/* a table allocation failed: learn no more */
	/*
	 * The direct tables: addr[i] (network order, as in ft_endpoint) has
	 * port[i][UDP port] = DIRECT_USED | epoch << 32 | slot, or 0 for
	 * none, mirroring what the hash holds for that key.  Entries below
	 * n_addr never change once published (release store of n_addr), and
	 * the tables live until ft_index_free(), so readers need no RCU for
	 * them; each word is one atomic 64-bit store or load.
	 */
	uint32_t n_addr;
	uint32_t addr[DIRECT_ADDRS];
	uint64_t *port[DIRECT_ADDRS];
};

/* the hash value: slot and epoch in one pointer-sized word */
static void *pack(uint32_t slot, uint32_t epoch)
{
	return (void *)(uintptr_t)((uint64_t)epoch << 32 | slot);
}

static_assert(sizeof(void *) == sizeof(uint64_t), "pack() needs 64 bits");
static_assert(FT_INDEX_BULK == RTE_HASH_LOOKUP_BULK_MAX, "FT_INDEX_BULK");

/* @ep as the hash holds it */
static struct ft_index_key padded(const struct ft_endpoint *ep)
{
	struct ft_index_key k = { .ep = *ep };

	return k;
}

struct ft_index *ft_index_create(const char *name, uint32_t capacity,
				 int socket, struct rte_rcu_qsbr *qsv,
				 ft_index_change_fn *on_change, void *arg)
{
	struct rte_hash_parameters p = {
		.name = name,
		.entries = capacity,
		.key_len = sizeof(struct ft_index_key),
		.hash_func = rte_hash_crc,
		.socket_id = socket,
		/* the table's capacity must fit whatever the bucket spread */
		.extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	struct ft_index *ix;
	int err;

	if (!name || capacity < FT_CAPACITY_MIN || capacity > FT_CAPACITY_MAX) {
		errno = EINVAL;
		return NULL;
	}
	if (qsv)
		p.extra_flag |= RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF;
	ix = rte_zmalloc_socket("ft_index", sizeof(*ix), 0, socket);
	if (!ix) {
		errno = ENOMEM;
		return NULL;
	}
	ix->capacity = capacity;
	ix->socket = socket;
	ix->on_change = on_change;
	ix->arg = arg;
	ix->shadow = rte_zmalloc_socket("ft_index_shadow",
					(size_t)capacity * sizeof(*ix->shadow),
					RTE_CACHE_LINE_SIZE, socket);
	ix->hash = rte_hash_create(&p);
	if (!ix->shadow || !ix->hash) {
		err = ix->shadow ? rte_errno : ENOMEM;
		goto err;
	}
	if (qsv) {
		struct rte_hash_rcu_config rcu = {
			.v = qsv,
			.mode = RTE_HASH_QSBR_MODE_DQ,
		};

		if (rte_hash_rcu_qsbr_add(ix->hash, &rcu)) {
			err = rte_errno;
			goto err;
		}
	}
	return ix;
err:
	log_err("flow index %s: %s", name, rte_strerror(err));
	ft_index_free(ix);
	errno = err;
	return NULL;
}

void ft_index_free(struct ft_index *ix)
{
	if (!ix)
		return;
	rte_hash_free(ix->hash);
	for (uint32_t i = 0; i < ix->n_addr; i++)
		rte_free(ix->port[i]);
	rte_free(ix->shadow);
	rte_free(ix);
}

static const char *endpoint_str(const struct ft_endpoint *ep, char *buf,
				size_t len)
{
	int af = ep->family == FT_FAMILY_IPV6 ? AF_INET6 : AF_INET;

	if (!inet_ntop(af, ep->addr, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

static uint32_t ipv4_of(const struct ft_endpoint *ep)
{
	uint32_t a;

	memcpy(&a, ep->addr, sizeof(a));
	return a;
}

/*
 * The direct word for @ep, or NULL when @ep is not IPv4 or its address
 * has no table: then the hash alone serves it.  Safe for readers.
 */
static uint64_t *direct_word(const struct ft_index *ix,
			     const struct ft_endpoint *ep)
{
	uint32_t n, a;

	if (ep->family != FT_FAMILY_IPV4)
		return NULL;
	n = __atomic_load_n(&ix->n_addr, __ATOMIC_ACQUIRE);
	a = ipv4_of(ep);
	for (uint32_t i = 0; i < n; i++)
		if (ix->addr[i] == a)
			return &ix->port[i][ep->port];
	return NULL;
}

/* make the direct word of @ep say what the hash holds for it */
static void direct_mirror(struct ft_index *ix, const struct ft_endpoint *ep)
{
	uint64_t *w = direct_word(ix, ep);
	struct ft_index_key k;
	void *v;

	if (!w)
		return;
	k = padded(ep);
	if (rte_hash_lookup_data(ix->hash, &k, &v) >= 0)
		__atomic_store_n(w, (uint64_t)(uintptr_t)v | DIRECT_USED,
				 __ATOMIC_RELEASE);
	else
		__atomic_store_n(w, 0, __ATOMIC_RELEASE);
}

/*
 * Give @ep's IPv4 address a direct table, zeroed before readers can see
 * it, if it has none and one is free.  Called before the hash takes the
 * first key of an address, so the new table misses nothing; an address
 * skipped here (none free, or no memory, after which no more are learned)
 * never gets one, so its keys are only ever in the hash.
 */
static void direct_learn(struct ft_index *ix, const struct ft_endpoint *ep)
{
	uint32_t n = ix->n_addr;
	uint64_t *tab;

	if (ep->family != FT_FAMILY_IPV4 || n == DIRECT_ADDRS ||
	    ix->direct_off || direct_word(ix, ep))
		return;
	tab = rte_zmalloc_socket("ft_index_direct",
				 DIRECT_PORTS * sizeof(*tab),
				 RTE_CACHE_LINE_SIZE, ix->socket);
	if (!tab) {
		log_warn("flow index: no memory for a port table; further "
			 "IPv4 addresses stay in the hash");
		ix->direct_off = true;
		return;
	}
	ix->addr[n] = ipv4_of(ep);
	ix->port[n] = tab;
	__atomic_store_n(&ix->n_addr, n + 1, __ATOMIC_RELEASE);
}

/* take @s's key out of the hash, unless another slot has claimed it since */
static void unindex(struct ft_index *ix, uint32_t slot, struct shadow *s)
{
	struct ft_index_key k = padded(&s->key);
	void *v;

	if (!s->indexed)
		return;
	if (rte_hash_lookup_data(ix->hash, &k, &v) >= 0 &&
	    (uint32_t)(uintptr_t)v == slot) {
		rte_hash_del_key(ix->hash, &k);
		direct_mirror(ix, &s->key);
	}
	s->indexed = false;
}

static void index_flow(struct ft_index *ix, uint32_t slot, struct shadow *s,
		       const struct ft_flow *f, uint32_t epoch)
{
	struct ft_index_key k = padded(&f->local);
	char a[INET6_ADDRSTRLEN];
	void *v;
	int ret;

	if (s->indexed && memcmp(&s->key, &f->local, sizeof(s->key)) != 0)
		unindex(ix, slot, s);
	if (rte_hash_lookup_data(ix->hash, &k, &v) >= 0 &&
	    (uint32_t)(uintptr_t)v != slot)
		log_warn("flow index: slots %u and %u both claim %s port %u; "
			 "%u wins", (uint32_t)(uintptr_t)v, slot,
			 endpoint_str(&f->local, a, sizeof(a)), f->local.port,
			 slot);
	direct_learn(ix, &f->local);
	ret = rte_hash_add_key_data(ix->hash, &k, pack(slot, epoch));
	if (ret < 0) {
		log_err("flow index: slot %u (%s port %u): %s", slot,
			endpoint_str(&f->local, a, sizeof(a)), f->local.port,
			strerror(-ret));
		return;
	}
	s->key = f->local;
	s->indexed = true;
	direct_mirror(ix, &f->local);
}

/* bring one slot in step; 1 when it changed, else 0 */
static int apply(struct ft_index *ix, struct ft *ft, uint32_t slot)
{
	struct shadow *s = &ix->shadow[slot];
	struct ft_version ver;
	struct ft_flow f;
	int ret = ft_flow_read(ft, slot, &f, &ver);

	if (ret == -EAGAIN || ret == -EINVAL)
		return 0;	/* mid-change: its own notice follows */
	if (ver.seq == s->seq)
		return 0;
	s->seq = ver.seq;
	if (ret == -ENOENT) {
		if (!s->indexed && !s->unindexed)
			return 0;
		unindex(ix, slot, s);
		s->unindexed = false;
		if (ix->on_change)
			ix->on_change(ix->arg, slot, NULL, 0);
		return 1;
	}
	/*
	 * An MSRP leg is served on kernel sockets, not by packet lookups, and
	 * every leg of a realm shares its MSRP address and port.
	 */
	s->unindexed = f.kind == FT_KIND_MSRP;
	if (s->unindexed)
		unindex(ix, slot, s);
	else
		index_flow(ix, slot, s, &f, ver.epoch);
	if (ix->on_change)
		ix->on_change(ix->arg, slot, &f, ver.epoch);
	return 1;
}

int ft_index_rebuild(struct ft_index *ix, struct ft *ft)
{
	int n = 0;

	if (ft_capacity(ft) != ix->capacity)
		return -EINVAL;
	ft_notice_discard(ft);
	for (uint32_t slot = 0; slot < ix->capacity; slot++)
		n += apply(ix, ft, slot);
	return n;
}

int ft_index_sync(struct ft_index *ix, struct ft *ft)
{
	struct ft_notice notices[SYNC_BURST];
	unsigned got;
	int n = 0;

	if (ft_capacity(ft) != ix->capacity)
		return -EINVAL;
	if (ft_overflow_take(ft))
		return ft_index_rebuild(ix, ft);
	do {
		got = ft_notice_pop(ft, notices, SYNC_BURST);
		for (unsigned i = 0; i < got; i++)
			if (notices[i].slot < ix->capacity)
				n += apply(ix, ft, notices[i].slot);
	} while (got == SYNC_BURST);
	return n;
}

int ft_index_lookup(const struct ft_index *ix, const struct ft_endpoint *key,
		    uint32_t *slot, uint32_t *epoch)
{
	const uint64_t *w = direct_word(ix, key);
	struct ft_index_key k;
	uint64_t d;
	void *v;

	if (w) {
		d = __atomic_load_n(w, __ATOMIC_ACQUIRE);
		if (!d)
			return -ENOENT;
		*slot = (uint32_t)(d & ~DIRECT_USED);
		*epoch = (uint32_t)(d >> 32);
		return 0;
	}
	k = padded(key);
	if (rte_hash_lookup_data(ix->hash, &k, &v) < 0)
		return -ENOENT;
	*slot = (uint32_t)(uintptr_t)v;
	*epoch = (uint32_t)((uintptr_t)v >> 32);
	return 0;
}

unsigned ft_index_direct_count(const struct ft_index *ix)
{
	return __atomic_load_n(&ix->n_addr, __ATOMIC_ACQUIRE);
}

int ft_index_lookup_bulk(const struct ft_index *ix,
			 const struct ft_index_key **keys, unsigned n,
			 uint64_t *hits, uint32_t *slot, uint32_t *epoch)
{
	const struct ft_index_key *hk[FT_INDEX_BULK];
	const uint64_t *w[FT_INDEX_BULK];
	hash_sig_t sig[FT_INDEX_BULK];
	uint8_t at[FT_INDEX_BULK];
	void *v[FT_INDEX_BULK];
	uint64_t left, hh = 0;
	const uint64_t *last_t = NULL;
	uint32_t last_a = 0;
	unsigned nh = 0;
	int found = 0;

	if (n == 0 || n > FT_INDEX_BULK)
		return -EINVAL;
	/*
	 * Direct words first, prefetched; the rest go to the hash.  A burst
	 * mostly goes to one local address: try the last one's table first.
	 */
	for (unsigned i = 0; i < n; i++) {
		const struct ft_endpoint *ep = &keys[i]->ep;

		if (last_t && ep->family == FT_FAMILY_IPV4 &&
		    ipv4_of(ep) == last_a) {
			w[i] = &last_t[ep->port];
		} else {
			w[i] = direct_word(ix, ep);
			if (w[i]) {
				last_a = ipv4_of(ep);
				last_t = w[i] - ep->port;
			}
		}
		if (w[i]) {
			rte_prefetch0(w[i]);
		} else {
			at[nh] = (uint8_t)i;
			hk[nh++] = keys[i];
		}
	}
	*hits = 0;
	for (unsigned i = 0; i < n; i++) {
		uint64_t d;

		if (!w[i])
			continue;
		d = __atomic_load_n(w[i], __ATOMIC_ACQUIRE);
		if (!d)
			continue;
		slot[i] = (uint32_t)(d & ~DIRECT_USED);
		epoch[i] = (uint32_t)(d >> 32);
		*hits |= 1ull << i;
		found++;
	}
	if (nh == 0)
		return found;
	/*
	 * The signatures the hash's own hash_func (rte_hash_crc, initial
	 * value 0) would give, inlined for the fixed key length: the library
	 * would call it through a pointer once per key.
	 */
	for (unsigned i = 0; i < nh; i++)
		sig[i] = rte_hash_crc(hk[i], sizeof(*hk[i]), 0);
	found += rte_hash_lookup_with_hash_bulk_data(ix->hash,
						     (const void **)hk, sig,
						     nh, &hh, v);
	/* a burst the tables served none of needs no remapping */
	if (nh == n) {
		for (left = hh; left; left &= left - 1) {
			unsigned i = (unsigned)__builtin_ctzll(left);

			slot[i] = (uint32_t)(uintptr_t)v[i];
			epoch[i] = (uint32_t)((uintptr_t)v[i] >> 32);
		}
		*hits = hh;
		return found;
	}
	for (left = hh; left; left &= left - 1) {
		unsigned i = (unsigned)__builtin_ctzll(left);

		slot[at[i]] = (uint32_t)(uintptr_t)v[i];
		epoch[at[i]] = (uint32_t)((uintptr_t)v[i] >> 32);
		*hits |= 1ull << at[i];
	}
	return found;
}
