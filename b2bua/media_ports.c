/*
 * Media ports: a realm's RTP/RTCP (RFC 3550 section 11, RFC 3605), rtcp-mux
 * (RFC 5761) and UDPTL ports, next-fit with a rotating cursor; see
 * media_ports.h for the policy and why a released port is not reused at
 * once.
 *
 * Three bitmaps over the range: free ports, wholly free slots (even port
 * and the odd one after it), and slots given as a pair.  The first two
 * have a summary word per 64 words (bit set: that word is not zero), so a
 * search reads at most one partial word, the summary and one more word on
 * each side of the wrap.
 *
 * A pool is an array of allocators, one per media address of a realm.
 */
#include "media_ports.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define PORTS_MAX 65536u
#define WORDS_MAX (PORTS_MAX / 64)
#define SUMMARY_MAX (WORDS_MAX / 64)
#define NONE UINT32_MAX

struct bits {
	uint64_t w[WORDS_MAX];
	uint64_t sum[SUMMARY_MAX];	/* bit i: w[i] != 0 */
};

struct b2b_ports {
	uint16_t min;
	uint32_t n_ports;	/* max - min + 1 */
	uint32_t n_slots;	/* (n_ports + 1) / 2 */
	uint32_t cursor;	/* port offset the next search starts at */
	unsigned in_use;
	struct bits free;	/* per port offset */
	struct bits whole;	/* per slot: both of its ports free */
	struct bits pair;	/* per slot: given as a pair */
};

static bool bit_get(const struct bits *b, uint32_t i)
{
	return b->w[i / 64] >> (i % 64) & 1;
}

static void bit_set(struct bits *b, uint32_t i)
{
	b->w[i / 64] |= 1ULL << (i % 64);
	b->sum[i / 4096] |= 1ULL << (i / 64 % 64);
}

static void bit_clear(struct bits *b, uint32_t i)
{
	b->w[i / 64] &= ~(1ULL << (i % 64));
	if (!b->w[i / 64])
		b->sum[i / 4096] &= ~(1ULL << (i / 64 % 64));
}

/* first set bit at or after @from (bits past the range are never set) */
static uint32_t bit_next(const struct bits *b, uint32_t from)
{
	uint32_t wi = from / 64;
	uint64_t m;

	if (wi >= WORDS_MAX)
		return NONE;
	m = b->w[wi] & (~0ULL << (from % 64));
	if (m)
		return wi * 64 + (uint32_t)__builtin_ctzll(m);
	for (uint32_t next = wi + 1; next < WORDS_MAX; next = (next | 63) + 1) {
		uint64_t s = b->sum[next / 64] & (~0ULL << (next % 64));

		if (s) {
			uint32_t w = next / 64 * 64 + (uint32_t)__builtin_ctzll(s);

			return w * 64 + (uint32_t)__builtin_ctzll(b->w[w]);
		}
	}
	return NONE;
}

/* first set bit at or after @from, wrapping to the start */
static uint32_t bit_find(const struct bits *b, uint32_t from)
{
	uint32_t i = bit_next(b, from);

	return i != NONE ? i : bit_next(b, 0);
}

/* keep the slot of port offset @off in "whole" in step with "free" */
static void slot_sync(struct b2b_ports *p, uint32_t off)
{
	uint32_t s = off / 2;
	bool odd_free = s * 2 + 1 < p->n_ports && bit_get(&p->free, s * 2 + 1);

	if (bit_get(&p->free, s * 2) && odd_free)
		bit_set(&p->whole, s);
	else
		bit_clear(&p->whole, s);
}

static void take(struct b2b_ports *p, uint32_t off, bool pair)
{
	bit_clear(&p->free, off);
	if (pair) {
		bit_clear(&p->free, off + 1);
		bit_set(&p->pair, off / 2);
	}
	slot_sync(p, off);
	p->in_use += pair ? 2 : 1;
}

struct b2b_ports *b2b_ports_new(uint16_t min, uint16_t max)
{
	struct b2b_ports *p;

	if (!min || min % 2 || max <= min) {
		errno = EINVAL;
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		errno = ENOMEM;
		return NULL;
	}
	p->min = min;
	p->n_ports = (uint32_t)max - min + 1;
	p->n_slots = (p->n_ports + 1) / 2;
	for (uint32_t i = 0; i < p->n_ports; i++)
		bit_set(&p->free, i);
	for (uint32_t s = 0; s < p->n_slots; s++)
		slot_sync(p, s * 2);
	return p;
}

void b2b_ports_free(struct b2b_ports *p)
{
	free(p);
}

int b2b_ports_alloc(struct b2b_ports *p, bool pair, uint16_t *port)
{
	uint32_t off;

	if (pair) {
		uint32_t s = bit_find(&p->whole, (p->cursor + 1) / 2);

		if (s == NONE)
			return -ENOSPC;
		off = s * 2;
	} else {
		off = bit_find(&p->free, p->cursor);
		if (off == NONE)
			return -ENOSPC;
	}
	take(p, off, pair);
	p->cursor = (off + (pair ? 2 : 1)) % p->n_ports;
	*port = (uint16_t)(p->min + off);
	return 0;
}

/* the port offset of @port, or NONE when out of range */
static uint32_t offset_of(const struct b2b_ports *p, uint16_t port, bool pair)
{
	uint32_t off = (uint32_t)port - p->min;

	if (port < p->min || off >= p->n_ports)
		return NONE;
	if (pair && (off % 2 || off + 1 >= p->n_ports))
		return NONE;
	return off;
}

int b2b_ports_release(struct b2b_ports *p, uint16_t port, bool pair)
{
	uint32_t off = offset_of(p, port, pair);

	if (off == NONE || bit_get(&p->free, off) ||
	    bit_get(&p->pair, off / 2) != pair)
		return -EINVAL;
	bit_set(&p->free, off);
	if (pair) {
		bit_set(&p->free, off + 1);
		bit_clear(&p->pair, off / 2);
	}
	slot_sync(p, off);
	p->in_use -= pair ? 2 : 1;
	return 0;
}

int b2b_ports_reserve(struct b2b_ports *p, uint16_t port, bool pair)
{
	uint32_t off = offset_of(p, port, pair);

	if (off == NONE)
		return -EINVAL;
	if (!bit_get(&p->free, off) ||
	    (pair && !bit_get(&p->free, off + 1)))
		return -EBUSY;
	take(p, off, pair);
	return 0;
}

unsigned b2b_ports_in_use(const struct b2b_ports *p)
{
	return p->in_use;
}

bool b2b_ports_is_used(const struct b2b_ports *p, uint16_t port)
{
	uint32_t off = offset_of(p, port, false);

	return off != NONE && !bit_get(&p->free, off);
}

#define POOL_MAX 256

struct b2b_port_pool {
	unsigned n;
	struct b2b_ports *ports[];
};

struct b2b_port_pool *b2b_port_pool_new(unsigned n, uint16_t min,
					uint16_t max)
{
	struct b2b_port_pool *pool;

	if (n < 1 || n > POOL_MAX) {
		errno = EINVAL;
		return NULL;
	}
	pool = calloc(1, sizeof(*pool) + n * sizeof(pool->ports[0]));
	if (!pool) {
		errno = ENOMEM;
		return NULL;
	}
	pool->n = n;
	for (unsigned i = 0; i < n; i++) {
		pool->ports[i] = b2b_ports_new(min, max);
		if (!pool->ports[i]) {
			int e = errno;

			b2b_port_pool_free(pool);
			errno = e;
			return NULL;
		}
	}
	return pool;
}

void b2b_port_pool_free(struct b2b_port_pool *pool)
{
	if (!pool)
		return;
	for (unsigned i = 0; i < pool->n; i++)
		b2b_ports_free(pool->ports[i]);
	free(pool);
}

unsigned b2b_port_pool_size(const struct b2b_port_pool *pool)
{
	return pool->n;
}

struct b2b_ports *b2b_port_pool_get(struct b2b_port_pool *pool, uint32_t addr)
{
	return addr < pool->n ? pool->ports[addr] : NULL;
}

int b2b_port_pool_alloc(struct b2b_port_pool *pool, uint32_t *addr, bool pair,
			uint16_t *port)
{
	bool tried[POOL_MAX] = { false };

	if (*addr != B2B_PORT_POOL_ANY)
		return *addr < pool->n ?
		       b2b_ports_alloc(pool->ports[*addr], pair, port) : -EINVAL;
	/* best first: the most free ports, the lowest index on a tie */
	for (unsigned round = 0; round < pool->n; round++) {
		uint32_t best = 0, best_free = 0;
		bool found = false;

		for (uint32_t i = 0; i < pool->n; i++) {
			const struct b2b_ports *p = pool->ports[i];
			uint32_t free_ports = p->n_ports - p->in_use;

			if (!tried[i] && (!found || free_ports > best_free)) {
				best = i;
				best_free = free_ports;
				found = true;
			}
		}
		tried[best] = true;
		if (b2b_ports_alloc(pool->ports[best], pair, port) == 0) {
			*addr = best;
			return 0;
		}
	}
	return -ENOSPC;
}

unsigned b2b_port_pool_in_use(const struct b2b_port_pool *pool)
{
	unsigned n = 0;

	for (unsigned i = 0; i < pool->n; i++)
		n += pool->ports[i]->in_use;
	return n;
}
