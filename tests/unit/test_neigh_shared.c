/*
 * Unit tests for the lock-free readers of dataplane/neigh.c: what
 * dp_neigh_lookup() says for every state a neighbour goes through (and
 * that it never writes), that it never uses an entry while the owner is
 * changing the table (the sequence counter odd, set by hand here), and a
 * bounded run of one writer thread changing MACs and deleting entries
 * (which moves others between slots) while reader threads look up: a
 * reader must never get a torn or misplaced entry.  Time is a counter in
 * milliseconds (hz = 1000).
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "neigh.h"

#define HZ 1000
#define BUF 128

static const uint8_t our_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t peer_mac[6] = { 0x02, 0, 0, 0, 0, 0xaa };
static const uint8_t our4[4] = { 192, 0, 2, 1 };
static const uint8_t peer4[4] = { 192, 0, 2, 10 };
static const uint8_t gw4[4] = { 192, 0, 2, 254 };
static const uint8_t far4[4] = { 198, 51, 100, 7 };
static const uint8_t peer6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x10 };

static struct dp_neigh *new_neigh(const uint8_t *gw)
{
	struct dp_neigh_conf c = { .n_own = 1, .hz = HZ, .seed = 11 };
	struct dp_neigh *n = calloc(1, sizeof(*n));

	assert_non_null(n);
	memcpy(c.mac.addr_bytes, our_mac, 6);
	c.own[0].af = AF_INET;
	memcpy(&c.own[0].u.v4, our4, 4);
	if (gw) {
		c.gateway.af = AF_INET;
		memcpy(&c.gateway.u.v4, gw, 4);
	}
	assert_int_equal(dp_neigh_init(n, &c), 0);
	return n;
}

/* an ARP reply from @spa at @sha to us, through the owner's input */
static void answer(struct dp_neigh *n, const uint8_t *spa, const uint8_t *sha,
		   uint64_t now)
{
	uint8_t f[BUF] = { 0 }, *a = f + 14;
	struct dp_pkt p;

	memcpy(f, our_mac, 6);
	memcpy(f + 6, sha, 6);
	f[12] = 0x08;
	f[13] = 0x06;
	a[1] = 1;		/* Ethernet */
	a[2] = 0x08;		/* IPv4 */
	a[4] = 6;
	a[5] = 4;
	a[7] = 2;		/* reply */
	memcpy(a + 8, sha, 6);
	memcpy(a + 14, spa, 4);
	memcpy(a + 18, our_mac, 6);
	memcpy(a + 24, our4, 4);
	dp_pkt_parse(f, 60, 0, &p);
	assert_int_equal(dp_neigh_input(n, &p, now), DP_NEIGH_CONSUMED);
}

/* the owner's resolve, for its side effects (entry, probe stamp) */
static int owner_resolve(struct dp_neigh *n, const uint8_t *dst,
			 uint64_t now, uint16_t *plen)
{
	uint8_t pr[DP_NEIGH_PROBE_MAX];
	struct rte_ether_addr mac;

	return dp_neigh_resolve(n, AF_INET, dst, now, &mac, pr, plen);
}

/* dp_neigh_lookup() of @dst at @now: its result, *ask, the MAC if any */
static int look(const struct dp_neigh *n, const uint8_t *dst, uint64_t now,
		bool *ask, uint8_t *mac)
{
	struct rte_ether_addr m;
	int r = dp_neigh_lookup(n, AF_INET, dst, now, &m, ask);

	if (r == 0 && mac)
		memcpy(mac, m.addr_bytes, 6);
	return r;
}

/* the reader's verdicts follow the owner's states and timers */
static void test_lookup_states(void **state)
{
	struct dp_neigh *n = new_neigh(NULL);
	struct dp_neigh *before = malloc(sizeof(*n));
	const uint64_t t0 = 10000, t1 = t0 + 200;
	uint8_t mac[6];
	uint16_t plen;
	bool ask;

	(void)state;
	assert_non_null(before);
	/* nothing known: ask the owner, and the lookup wrote nothing */
	memcpy(before, n, sizeof(*n));
	assert_int_equal(look(n, peer4, t0, &ask, NULL), -EAGAIN);
	assert_true(ask);
	assert_memory_equal(before, n, sizeof(*n));

	/* INCOMPLETE, probed at t0: the next probe is due a second later */
	assert_int_equal(owner_resolve(n, peer4, t0, &plen), -EAGAIN);
	assert_int_not_equal(plen, 0);
	assert_int_equal(look(n, peer4, t0 + 999, &ask, NULL), -EAGAIN);
	assert_false(ask);
	assert_int_equal(look(n, peer4, t0 + 1000, &ask, NULL), -EAGAIN);
	assert_true(ask);
	/* unanswered for 3 s: as good as deleted */
	assert_int_equal(look(n, peer4, t0 + 3000, &ask, NULL), -EAGAIN);
	assert_true(ask);

	/* answered: REACHABLE; a reader whose clock lags is not misled */
	answer(n, peer4, peer_mac, t1);
	assert_int_equal(look(n, peer4, t1, &ask, mac), 0);
	assert_false(ask);
	assert_memory_equal(mac, peer_mac, 6);
	assert_int_equal(look(n, peer4, t1 - 5, &ask, mac), 0);
	assert_false(ask);
	/* 30 s on it is STALE for the owner: still used, a probe asked for */
	assert_int_equal(look(n, peer4, t1 + 30000, &ask, mac), 0);
	assert_true(ask);
	assert_memory_equal(mac, peer_mac, 6);
	/* the owner serves the request: STALE, probing */
	assert_int_equal(owner_resolve(n, peer4, t1 + 30000, &plen), 0);
	assert_int_not_equal(plen, 0);
	assert_int_equal(look(n, peer4, t1 + 30999, &ask, mac), 0);
	assert_false(ask);
	assert_int_equal(look(n, peer4, t1 + 31000, &ask, mac), 0);
	assert_true(ask);
	/* probed in vain for 3 s: gone for the reader as for the owner */
	assert_int_equal(look(n, peer4, t1 + 33000, &ask, mac), -EAGAIN);
	assert_true(ask);
	assert_int_equal(dp_neigh_query(n, AF_INET, peer4, t1 + 33000, NULL),
			 DP_NEIGH_FREE);

	/* a family the port owns no address of */
	assert_int_equal(dp_neigh_lookup(n, AF_INET6, peer6, t1,
					 &(struct rte_ether_addr){ { 0 } },
					 &ask), -EAFNOSUPPORT);
	assert_false(ask);
	free(before);
	free(n);
}

/* with a gateway, a reader looks the gateway up whatever the destination */
static void test_lookup_gateway(void **state)
{
	struct dp_neigh *n = new_neigh(gw4);
	uint8_t mac[6];
	uint16_t plen;
	bool ask;

	(void)state;
	assert_int_equal(owner_resolve(n, far4, 0, &plen), -EAGAIN);
	answer(n, gw4, peer_mac, 10);
	assert_int_equal(look(n, far4, 20, &ask, mac), 0);
	assert_false(ask);
	assert_memory_equal(mac, peer_mac, 6);
	assert_int_equal(look(n, peer4, 20, &ask, mac), 0);
	assert_memory_equal(mac, peer_mac, 6);
	free(n);
}

/*
 * An owner caught in the middle of a change (the sequence counter odd, an
 * entry half written): a reader gives up rather than use what it sees,
 * and reads the entry once the change is over.
 */
static void test_lookup_mid_write(void **state)
{
	struct dp_neigh *n = new_neigh(NULL);
	uint8_t mac[6];
	uint16_t plen;
	bool ask;

	(void)state;
	owner_resolve(n, peer4, 0, &plen);
	answer(n, peer4, peer_mac, 10);
	assert_int_equal(n->seq % 2, 0);
	for (unsigned i = 0; i < DP_NEIGH_SLOTS; i++)
		if (n->slot[i].state == DP_NEIGH_REACHABLE) {
			n->seq++;
			/* the first half of a new MAC written, not the rest */
			memset(n->slot[i].mac.addr_bytes, 0xee, 3);
			assert_int_equal(look(n, peer4, 20, &ask, mac), -EBUSY);
			assert_false(ask);
			memset(n->slot[i].mac.addr_bytes + 3, 0xee, 3);
			n->slot[i].mac.addr_bytes[0] = 0x02;
			n->seq++;
		}
	assert_int_equal(look(n, peer4, 20, &ask, mac), 0);
	assert_memory_equal(mac, ((const uint8_t[]){ 0x02, 0xee, 0xee, 0xee,
						     0xee, 0xee }), 6);
	free(n);
}

/* ------------------------------------------------- one writer, readers */

/* nearly a full table, so that probe runs are long and deletions shift */
#define KEPT 250	/* neighbours answered every round, MAC changing */
#define DROPPED 700	/* neighbours left unanswered and deleted */
#define ROUNDS 400
#define MAX_ROUNDS (20 * ROUNDS)
#define OVERLAPS 100	/* lookups each reader must run across a change */
#define READERS 2

struct shared {
	struct dp_neigh *n;
	uint64_t now;		/* the writer's clock, read by the readers */
	int done;
	/* per reader, written by it only (relaxed atomics: the writer
	 * waits on lookups and hits) */
	unsigned long hits[READERS], torn[READERS], lookups[READERS];
	unsigned long overlaps[READERS];	/* the owner wrote meanwhile */
};

struct reader_arg {
	struct shared *sh;
	unsigned id;
};

static void kept_addr(uint8_t *a, unsigned i)
{
	a[0] = 10;
	a[1] = 1;
	a[2] = 0;
	a[3] = (uint8_t)i;
}

static void dropped_addr(uint8_t *a, unsigned i)
{
	a[0] = 10;
	a[1] = 2;
	a[2] = (uint8_t)(i >> 8);
	a[3] = (uint8_t)i;
}

static void bump(unsigned long *c)
{
	__atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED) + 1,
			 __ATOMIC_RELAXED);
}

static unsigned long count_of(const unsigned long *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

/* the MAC of kept neighbour @i in round @r: both halves carry the round */
static void kept_mac(uint8_t *m, unsigned i, unsigned r)
{
	m[0] = 0x02;
	m[1] = (uint8_t)i;
	m[2] = m[3] = m[4] = m[5] = (uint8_t)r;
}

static void *reader(void *arg)
{
	struct reader_arg *ra = arg;
	struct shared *sh = ra->sh;

	while (!__atomic_load_n(&sh->done, __ATOMIC_ACQUIRE)) {
		for (unsigned i = 0; i < KEPT; i++) {
			uint64_t now = __atomic_load_n(&sh->now,
						       __ATOMIC_RELAXED);
			struct rte_ether_addr m;
			uint8_t a[4];
			bool ask;

			uint32_t s0, s1;
			int ret;

			kept_addr(a, i);
			bump(&sh->lookups[ra->id]);
			s0 = __atomic_load_n(&sh->n->seq, __ATOMIC_ACQUIRE);
			ret = dp_neigh_lookup(sh->n, AF_INET, a, now, &m, &ask);
			s1 = __atomic_load_n(&sh->n->seq, __ATOMIC_ACQUIRE);
			if (s0 != s1 || (s0 & 1))
				bump(&sh->overlaps[ra->id]);
			if (ret != 0)
				continue;
			bump(&sh->hits[ra->id]);
			/* another entry's MAC, or two rounds' halves: torn */
			if (m.addr_bytes[0] != 0x02 || m.addr_bytes[1] != i ||
			    m.addr_bytes[2] != m.addr_bytes[3] ||
			    m.addr_bytes[3] != m.addr_bytes[4] ||
			    m.addr_bytes[4] != m.addr_bytes[5])
				bump(&sh->torn[ra->id]);
		}
	}
	return NULL;
}

/* whether every reader ran OVERLAPS lookups across the owner's changes */
static bool overlapped(const struct shared *sh)
{
	for (unsigned k = 0; k < READERS; k++)
		if (count_of(&sh->overlaps[k]) < OVERLAPS)
			return false;
	return true;
}

/*
 * The owner, per round: every kept neighbour resolved and answered with
 * this round's MAC; the dropped ones resolved, left INCOMPLETE, then 3 s
 * later deleted by a query, which shifts entries of their probe runs
 * (kept ones among them) back into the freed slots.  ROUNDS rounds, more
 * (up to MAX_ROUNDS) until the readers have really run concurrently.
 */
static void write_rounds(struct shared *sh)
{
	uint64_t now = 1000;

	for (unsigned r = 0; r < MAX_ROUNDS && (r < ROUNDS || !overlapped(sh));
	     r++) {
		for (unsigned i = 0; i < KEPT; i++) {
			struct rte_ether_addr m;
			uint8_t a[4];
			uint16_t plen;

			kept_addr(a, i);
			kept_mac(m.addr_bytes, i, r);
			owner_resolve(sh->n, a, now, &plen);
			answer(sh->n, a, m.addr_bytes, now);
		}
		for (unsigned i = 0; i < DROPPED; i++) {
			uint8_t a[4];
			uint16_t plen;

			dropped_addr(a, i);
			owner_resolve(sh->n, a, now, &plen);
		}
		now += 3000;
		__atomic_store_n(&sh->now, now, __ATOMIC_RELAXED);
		for (unsigned i = 0; i < DROPPED; i++) {
			uint8_t a[4];

			dropped_addr(a, i);
			assert_int_equal(dp_neigh_query(sh->n, AF_INET, a, now,
							NULL), DP_NEIGH_FREE);
		}
	}
}

static void test_concurrent_readers(void **state)
{
	struct shared sh = { .n = new_neigh(NULL), .now = 1000 };
	struct reader_arg ra[READERS];
	pthread_t t[READERS];
	unsigned long hits = 0;

	(void)state;
	for (unsigned k = 0; k < READERS; k++) {
		ra[k] = (struct reader_arg){ .sh = &sh, .id = k };
		assert_int_equal(pthread_create(&t[k], NULL, reader, &ra[k]),
				 0);
	}
	/* every reader running before the writer starts, and each having
	 * found entries before it stops (bounded: 10 s) */
	for (unsigned k = 0; k < READERS; k++)
		for (unsigned w = 0; w < 10000 && !count_of(&sh.lookups[k]);
		     w++)
			usleep(1000);
	write_rounds(&sh);
	for (unsigned k = 0; k < READERS; k++)
		for (unsigned w = 0; w < 10000 && !count_of(&sh.hits[k]); w++)
			usleep(1000);
	__atomic_store_n(&sh.done, 1, __ATOMIC_RELEASE);
	for (unsigned k = 0; k < READERS; k++) {
		assert_int_equal(pthread_join(t[k], NULL), 0);
		assert_int_equal(sh.torn[k], 0);
		assert_true(sh.hits[k] > 0);
		assert_true(sh.overlaps[k] >= OVERLAPS);
		hits += sh.hits[k];
	}
	/* far more lookups succeeded than the last round alone explains */
	assert_true(hits > KEPT);
	free(sh.n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup_states),
		cmocka_unit_test(test_lookup_gateway),
		cmocka_unit_test(test_lookup_mid_write),
		cmocka_unit_test(test_concurrent_readers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
