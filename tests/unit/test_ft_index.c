/*
 * Unit tests of the flow index (dataplane/ft_index.c): rebuild on attach,
 * sync from notices (add, change of key, delete), rebuild on overflow,
 * two slots claiming one endpoint, the RCU (lock-free) variant, and the
 * direct port tables of IPv4 addresses agreeing with the hash (a
 * reference map under random adds, moves and deletes).
 * The EAL runs without hugepages or PCI, with a per-process file prefix.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>

#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_memory.h>
#include <rte_rcu_qsbr.h>

#include "eal_fixture.h"
#include "ft.h"
#include "ft_index.h"
#include "log.h"

#define CAP 64

struct fx {
	char name[64];
	struct ft *w, *o;
	struct ft_index *ix;
	/* what on_change reported */
	unsigned changes, removals;
	uint32_t last_slot;
};

static void on_change(void *arg, uint32_t slot, const struct ft_flow *flow,
		      uint32_t epoch)
{
	struct fx *fx = arg;

	fx->last_slot = slot;
	if (flow) {
		assert_true(epoch != 0);
		fx->changes++;
	} else {
		fx->removals++;
	}
}

static int setup_cap(void **state, uint32_t cap, struct rte_rcu_qsbr *qsv)
{
	static unsigned n;
	struct fx *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	snprintf(fx->name, sizeof(fx->name), "sbc-test-ftix-%d-%u",
		 (int)getpid(), n++);
	ft_unlink(fx->name);
	fx->w = ft_create_or_attach(fx->name, cap, FT_ROLE_WRITER);
	fx->o = ft_create_or_attach(fx->name, cap, FT_ROLE_OWNER);
	fx->ix = ft_index_create(fx->name, cap, SOCKET_ID_ANY, qsv, on_change,
				 fx);
	*state = fx;
	return fx->w && fx->o && fx->ix ? 0 : -1;
}

static int setup(void **state)
{
	return setup_cap(state, CAP, NULL);
}

static int setup_small(void **state)
{
	return setup_cap(state, 8, NULL);
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	ft_index_free(fx->ix);
	ft_detach(fx->o);
	ft_detach(fx->w);
	ft_unlink(fx->name);
	free(fx);
	return 0;
}

static struct ft_endpoint ep(const char *addr, uint16_t port)
{
	struct ft_endpoint e = { .port = port };

	if (strchr(addr, ':')) {
		e.family = FT_FAMILY_IPV6;
		assert_int_equal(inet_pton(AF_INET6, addr, e.addr), 1);
	} else {
		e.family = FT_FAMILY_IPV4;
		assert_int_equal(inet_pton(AF_INET, addr, e.addr), 1);
	}
	return e;
}

static struct ft_flow flow_to(const char *local, uint16_t port)
{
	return (struct ft_flow){
		.pair = FT_NO_SLOT,
		.local = ep(local, port),
		.src = ep("192.0.2.1", 30000),
		.dst = ep("198.51.100.9", 5004),
	};
}

static uint32_t put(struct fx *fx, const char *local, uint16_t port)
{
	struct ft_flow f = flow_to(local, port);
	uint32_t slot;

	assert_int_equal(ft_slot_alloc(fx->w, &slot), 0);
	assert_int_equal(ft_flow_put(fx->w, slot, &f), 0);
	return slot;
}

static void assert_slot(struct fx *fx, const char *local, uint16_t port,
			uint32_t want)
{
	struct ft_endpoint key = ep(local, port);
	struct ft_version v;
	struct ft_flow f;
	uint32_t slot, epoch;

	assert_int_equal(ft_index_lookup(fx->ix, &key, &slot, &epoch), 0);
	assert_int_equal(slot, want);
	assert_int_equal(ft_flow_read(fx->o, slot, &f, &v), 0);
	assert_int_equal(epoch, v.epoch);
}

static void assert_absent(struct fx *fx, const char *local, uint16_t port)
{
	struct ft_endpoint key = ep(local, port);
	uint32_t slot, epoch;

	assert_int_equal(ft_index_lookup(fx->ix, &key, &slot, &epoch), -ENOENT);
}

/* The bulk lookup agrees with one-by-one lookups on a burst of hits and misses. */
static void test_lookup_bulk(void **state)
{
	struct fx *fx = *state;
	struct ft_index_key keys[FT_INDEX_BULK];
	const struct ft_index_key *kp[FT_INDEX_BULK];
	uint32_t slot[FT_INDEX_BULK], epoch[FT_INDEX_BULK];
	uint64_t hits = 0;
	unsigned want = 0;

	/* even ports are flows, odd ports are not */
	for (uint16_t i = 0; i < FT_INDEX_BULK / 2; i++)
		put(fx, "203.0.113.9", (uint16_t)(20000 + 4 * i));
	assert_int_equal(ft_index_sync(fx->ix, fx->o), FT_INDEX_BULK / 2);
	memset(keys, 0, sizeof(keys));
	for (unsigned i = 0; i < FT_INDEX_BULK; i++) {
		keys[i].ep = ep("203.0.113.9", (uint16_t)(20000 + 2 * i));
		kp[i] = &keys[i];
	}
	assert_int_equal(ft_index_lookup_bulk(fx->ix, kp, FT_INDEX_BULK, &hits,
					      slot, epoch), FT_INDEX_BULK / 2);
	for (unsigned i = 0; i < FT_INDEX_BULK; i++) {
		uint32_t s1, e1;
		int rc = ft_index_lookup(fx->ix, &keys[i].ep, &s1, &e1);
		bool hit = (hits >> i) & 1;

		assert_int_equal(hit, rc == 0);
		assert_int_equal(hit, i % 2 == 0);
		if (hit) {
			assert_int_equal(slot[i], s1);
			assert_int_equal(epoch[i], e1);
			want++;
		}
	}
	assert_int_equal(want, FT_INDEX_BULK / 2);
	assert_int_equal(ft_index_lookup_bulk(fx->ix, kp, 0, &hits, slot,
					      epoch), -EINVAL);
	assert_int_equal(ft_index_lookup_bulk(fx->ix, kp, FT_INDEX_BULK + 1,
					      &hits, slot, epoch), -EINVAL);
}

static void test_rebuild_on_attach(void **state)
{
	struct fx *fx = *state;
	uint32_t a = put(fx, "203.0.113.5", 20000);
	uint32_t b = put(fx, "2001:db8::5", 20000);
	uint32_t c = put(fx, "203.0.113.5", 20002);

	assert_int_equal(ft_index_rebuild(fx->ix, fx->o), 3);
	assert_int_equal(fx->changes, 3);
	assert_slot(fx, "203.0.113.5", 20000, a);
	assert_slot(fx, "2001:db8::5", 20000, b);
	assert_slot(fx, "203.0.113.5", 20002, c);
	assert_absent(fx, "203.0.113.5", 20004);
	assert_absent(fx, "203.0.113.6", 20000);
	/* the rebuild consumed the notices; nothing changed since */
	assert_int_equal(ft_index_sync(fx->ix, fx->o), 0);
	assert_int_equal(ft_index_rebuild(fx->ix, fx->o), 0);
	assert_int_equal(fx->changes, 3);
}

static void test_sync(void **state)
{
	struct fx *fx = *state;
	uint32_t a = put(fx, "203.0.113.5", 20000);
	struct ft_flow f = flow_to("203.0.113.5", 20010);

	assert_int_equal(ft_index_sync(fx->ix, fx->o), 1);
	assert_slot(fx, "203.0.113.5", 20000, a);
	/* the slot moves to another local port: the old key goes */
	assert_int_equal(ft_flow_put(fx->w, a, &f), 0);
	assert_int_equal(ft_index_sync(fx->ix, fx->o), 1);
	assert_absent(fx, "203.0.113.5", 20000);
	assert_slot(fx, "203.0.113.5", 20010, a);
	/* two changes before a sync: one callback, the latest state */
	f.dst.port = 6000;
	assert_int_equal(ft_flow_put(fx->w, a, &f), 0);
	f.dst.port = 6002;
	assert_int_equal(ft_flow_put(fx->w, a, &f), 0);
	assert_int_equal(ft_index_sync(fx->ix, fx->o), 1);
	assert_int_equal(fx->changes, 3);
	/* delete */
	assert_int_equal(ft_slot_free(fx->w, a), 0);
	assert_int_equal(ft_index_sync(fx->ix, fx->o), 1);
	assert_int_equal(fx->removals, 1);
	assert_int_equal(fx->last_slot, a);
	assert_absent(fx, "203.0.113.5", 20010);
	assert_int_equal(ft_index_sync(fx->ix, fx->o), 0);
}

static void test_sync_many(void **state)
{
	struct fx *fx = *state;

	/* more notices than one burst */
	for (uint16_t i = 0; i < CAP; i++)
		put(fx, "203.0.113.5", (uint16_t)(10000 + 2 * i));
	assert_int_equal(ft_index_sync(fx->ix, fx->o), CAP);
	for (uint16_t i = 0; i < CAP; i++)
		assert_slot(fx, "203.0.113.5", (uint16_t)(10000 + 2 * i), i);
}

static void test_overflow_rebuilds(void **state)
{
	struct fx *fx = *state;
	uint32_t slots[8];

	for (uint16_t i = 0; i < 8; i++)
		slots[i] = put(fx, "203.0.113.5", (uint16_t)(10000 + 2 * i));
	assert_int_equal(ft_index_sync(fx->ix, fx->o), 8);
	/* 8 more changes fill the ring, the ninth overflows it */
	for (unsigned i = 0; i < 3; i++) {
		struct ft_flow f = flow_to("203.0.113.7", (uint16_t)(4000 + i));

		assert_int_equal(ft_flow_put(fx->w, slots[i], &f), 0);
		assert_int_equal(ft_flow_put(fx->w, slots[i], &f), 0);
		assert_int_equal(ft_flow_put(fx->w, slots[i], &f), 0);
	}
	assert_int_equal(ft_index_sync(fx->ix, fx->o), 3);
	assert_int_equal(fx->changes, 11);
	for (uint16_t i = 0; i < 8; i++) {
		if (i < 3) {
			assert_absent(fx, "203.0.113.5", (uint16_t)(10000 + 2 * i));
			assert_slot(fx, "203.0.113.7", (uint16_t)(4000 + i),
				    slots[i]);
		} else {
			assert_slot(fx, "203.0.113.5", (uint16_t)(10000 + 2 * i),
				    slots[i]);
		}
	}
	assert_false(ft_overflow_take(fx->o));
}

static void test_two_slots_one_endpoint(void **state)
{
	struct fx *fx = *state;
	uint32_t a = put(fx, "203.0.113.5", 20000);
	uint32_t b = put(fx, "203.0.113.5", 20000);

	assert_int_equal(ft_index_sync(fx->ix, fx->o), 2);
	assert_slot(fx, "203.0.113.5", 20000, b);
	/* removing the loser leaves the winner indexed */
	assert_int_equal(ft_slot_free(fx->w, a), 0);
	assert_int_equal(ft_index_sync(fx->ix, fx->o), 1);
	assert_slot(fx, "203.0.113.5", 20000, b);
	assert_int_equal(ft_slot_free(fx->w, b), 0);
	assert_int_equal(ft_index_sync(fx->ix, fx->o), 1);
	assert_absent(fx, "203.0.113.5", 20000);
}

/* an MSRP leg (FT_KIND_MSRP) */
static struct ft_flow msrp_leg(const char *id)
{
	struct ft_flow f = {
		.pair = FT_NO_SLOT,
		.kind = FT_KIND_MSRP,
		.local = ep("203.0.113.1", 2855),
	};

	f.msrp.id_len = (uint8_t)strlen(id);
	memcpy(f.msrp.id, id, strlen(id));
	f.msrp.path_len = 20;
	memcpy(f.msrp.path, "msrp://h:1/abcd;tcp ", 20);
	return f;
}

/*
 * MSRP legs share their realm's MSRP address and port and are served on
 * kernel sockets: reported to on_change, never in the lookup, and a slot
 * that turns from a packet flow into a leg leaves the lookup.
 */
static void test_msrp_not_indexed(void **state)
{
	struct fx *fx = *state;
	struct ft_flow a = msrp_leg("aaaa"), b = msrp_leg("bbbb");
	uint32_t sa, sb, sc = put(fx, "203.0.113.1", 20000);

	assert_int_equal(ft_slot_alloc(fx->w, &sa), 0);
	assert_int_equal(ft_slot_alloc(fx->w, &sb), 0);
	assert_int_equal(ft_flow_put(fx->w, sa, &a), 0);
	assert_int_equal(ft_flow_put(fx->w, sb, &b), 0);
	assert_int_equal(ft_index_sync(fx->ix, fx->o), 3);
	assert_int_equal(fx->changes, 3);
	assert_absent(fx, "203.0.113.1", 2855);
	assert_slot(fx, "203.0.113.1", 20000, sc);
	/* the packet flow's slot becomes a leg */
	assert_int_equal(ft_flow_put(fx->w, sc, &a), 0);
	assert_int_equal(ft_index_sync(fx->ix, fx->o), 1);
	assert_absent(fx, "203.0.113.1", 20000);
	/* a leg's removal is reported like any other */
	assert_int_equal(ft_slot_free(fx->w, sa), 0);
	assert_int_equal(ft_index_sync(fx->ix, fx->o), 1);
	assert_int_equal(fx->removals, 1);
	assert_int_equal(fx->last_slot, sa);
}

static int setup_large(void **state)
{
	return setup_cap(state, 256, NULL);
}

/* IPv4 through its address's port table, IPv6 through the hash */
static void test_direct_ipv4(void **state)
{
	struct fx *fx = *state;
	uint32_t a = put(fx, "203.0.113.5", 20000);
	uint32_t b = put(fx, "2001:db8::5", 20000);
	uint32_t c = put(fx, "203.0.113.5", 0);
	uint32_t d = put(fx, "203.0.113.5", 65535);

	assert_int_equal(ft_index_direct_count(fx->ix), 0);
	assert_int_equal(ft_index_sync(fx->ix, fx->o), 4);
	assert_int_equal(ft_index_direct_count(fx->ix), 1);
	assert_slot(fx, "203.0.113.5", 20000, a);
	assert_slot(fx, "2001:db8::5", 20000, b);
	assert_slot(fx, "203.0.113.5", 0, c);
	assert_slot(fx, "203.0.113.5", 65535, d);
	assert_absent(fx, "203.0.113.5", 20002);
	/* an IPv6 address whose first bytes are the IPv4 one's */
	assert_absent(fx, "cb00:7105::", 20000);
	/* delete: a miss */
	assert_int_equal(ft_slot_free(fx->w, a), 0);
	assert_int_equal(ft_index_sync(fx->ix, fx->o), 1);
	assert_absent(fx, "203.0.113.5", 20000);
	assert_slot(fx, "203.0.113.5", 0, c);
}

/* a slot moving from a direct endpoint to the hash and back, and between tables */
static void test_direct_move(void **state)
{
	struct fx *fx = *state;
	uint32_t a = put(fx, "203.0.113.5", 20000);
	struct ft_flow v6 = flow_to("2001:db8::7", 20000);
	struct ft_flow other = flow_to("198.51.100.1", 30000);
	struct ft_flow back = flow_to("203.0.113.5", 20002);

	assert_int_equal(ft_index_sync(fx->ix, fx->o), 1);
	assert_int_equal(ft_flow_put(fx->w, a, &v6), 0);
	assert_int_equal(ft_index_sync(fx->ix, fx->o), 1);
	assert_absent(fx, "203.0.113.5", 20000);
	assert_slot(fx, "2001:db8::7", 20000, a);
	assert_int_equal(ft_flow_put(fx->w, a, &other), 0);
	assert_int_equal(ft_index_sync(fx->ix, fx->o), 1);
	assert_int_equal(ft_index_direct_count(fx->ix), 2);
	assert_absent(fx, "2001:db8::7", 20000);
	assert_slot(fx, "198.51.100.1", 30000, a);
	assert_int_equal(ft_flow_put(fx->w, a, &back), 0);
	assert_int_equal(ft_index_sync(fx->ix, fx->o), 1);
	assert_absent(fx, "198.51.100.1", 30000);
	assert_slot(fx, "203.0.113.5", 20002, a);
	/* the epoch the table gives follows a reuse of the slot */
	assert_int_equal(ft_slot_free(fx->w, a), 0);
	assert_int_equal(ft_index_sync(fx->ix, fx->o), 1);
	assert_int_equal(ft_slot_alloc(fx->w, &a), 0);
	assert_int_equal(ft_flow_put(fx->w, a, &back), 0);
	assert_int_equal(ft_index_sync(fx->ix, fx->o), 1);
	assert_slot(fx, "203.0.113.5", 20002, a);
}

/* the 33rd address has no table: the hash serves it */
static void test_direct_full(void **state)
{
	struct fx *fx = *state;
	char addr[40][INET_ADDRSTRLEN];
	uint32_t slot[40];

	for (unsigned i = 0; i < 40; i++) {
		snprintf(addr[i], sizeof(addr[i]), "10.0.%u.1", i);
		slot[i] = put(fx, addr[i], 4000);
	}
	assert_int_equal(ft_index_sync(fx->ix, fx->o), 40);
	assert_int_equal(ft_index_direct_count(fx->ix), 32);
	for (unsigned i = 0; i < 40; i++)
		assert_slot(fx, addr[i], 4000, slot[i]);
	assert_int_equal(ft_slot_free(fx->w, slot[0]), 0);
	assert_int_equal(ft_slot_free(fx->w, slot[32]), 0);
	assert_int_equal(ft_index_sync(fx->ix, fx->o), 2);
	assert_absent(fx, addr[0], 4000);
	assert_absent(fx, addr[32], 4000);
	assert_slot(fx, addr[31], 4000, slot[31]);
	assert_slot(fx, addr[33], 4000, slot[33]);
	/* freed tables stay: the address keeps its table */
	assert_int_equal(ft_index_direct_count(fx->ix), 32);
}

#define R_ADDRS 44	/* 40 IPv4 (8 past the tables), 4 IPv6 */
#define R_PORTS 6
#define R_EPS (R_ADDRS * R_PORTS)

static struct ft_flow r_flow(unsigned e)
{
	char a[INET6_ADDRSTRLEN];
	unsigned addr = e / R_PORTS;

	if (addr < 40)
		snprintf(a, sizeof(a), "10.1.%u.%u", addr, addr + 1);
	else
		snprintf(a, sizeof(a), "2001:db8::%u", addr);
	return flow_to(a, (uint16_t)(5000 + 2 * (e % R_PORTS)));
}

static uint32_t r_next(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/* every endpoint looked up one by one and in bursts against @ref */
static void r_check(struct fx *fx, const int32_t *ref)
{
	struct ft_index_key keys[R_EPS];
	const struct ft_index_key *kp[R_EPS];
	uint32_t bs[FT_INDEX_BULK], be[FT_INDEX_BULK];

	memset(keys, 0, sizeof(keys));
	for (unsigned e = 0; e < R_EPS; e++) {
		struct ft_flow f = r_flow(e);
		uint32_t slot, epoch;
		int rc = ft_index_lookup(fx->ix, &f.local, &slot, &epoch);

		keys[e].ep = f.local;
		kp[e] = &keys[e];
		if (ref[e] < 0) {
			assert_int_equal(rc, -ENOENT);
		} else {
			struct ft_version v;
			struct ft_flow got;

			assert_int_equal(rc, 0);
			assert_int_equal(slot, (uint32_t)ref[e]);
			assert_int_equal(ft_flow_read(fx->o, slot, &got, &v), 0);
			assert_int_equal(epoch, v.epoch);
		}
	}
	for (unsigned at = 0; at < R_EPS; at += FT_INDEX_BULK) {
		unsigned n = R_EPS - at < FT_INDEX_BULK ? R_EPS - at :
							  FT_INDEX_BULK;
		uint64_t hits = ~0ull;
		int found = ft_index_lookup_bulk(fx->ix, &kp[at], n, &hits,
						 bs, be);
		int want = 0;

		for (unsigned i = 0; i < n; i++) {
			uint32_t slot, epoch;
			bool hit = (hits >> i) & 1;

			assert_int_equal(hit, ref[at + i] >= 0);
			if (!hit)
				continue;
			want++;
			assert_int_equal(ft_index_lookup(fx->ix, &keys[at + i].ep,
							 &slot, &epoch), 0);
			assert_int_equal(bs[i], slot);
			assert_int_equal(be[i], epoch);
		}
		assert_int_equal(found, want);
		assert_int_equal(hits >> (n - 1) >> 1, 0);
	}
}

/* random adds, moves and deletes: the index agrees with a reference map */
static void test_direct_random(void **state)
{
	struct fx *fx = *state;
	int32_t ref[R_EPS];		/* endpoint -> slot, or -1 */
	int32_t at[256];		/* slot -> endpoint, or -1 */
	uint32_t x = 2463534242u;

	memset(ref, 0xff, sizeof(ref));
	memset(at, 0xff, sizeof(at));
	for (unsigned step = 0; step < 3000; step++) {
		unsigned op = r_next(&x) % 10;
		unsigned e = r_next(&x) % R_EPS;
		uint32_t slot = r_next(&x) % 256;

		if (ref[e] >= 0) {
			/* the endpoint is taken: free its slot */
			slot = (uint32_t)ref[e];
			assert_int_equal(ft_slot_free(fx->w, slot), 0);
			ref[e] = -1;
			at[slot] = -1;
		} else if (op < 5 || at[slot] < 0) {
			struct ft_flow f = r_flow(e);

			if (ft_slot_alloc(fx->w, &slot) != 0)
				continue;
			assert_int_equal(ft_flow_put(fx->w, slot, &f), 0);
			ref[e] = (int32_t)slot;
			at[slot] = (int32_t)e;
		} else {
			/* an existing slot moves to the free endpoint */
			struct ft_flow f = r_flow(e);

			assert_int_equal(ft_flow_put(fx->w, slot, &f), 0);
			ref[at[slot]] = -1;
			ref[e] = (int32_t)slot;
			at[slot] = (int32_t)e;
		}
		if (r_next(&x) % 8 == 0) {
			assert_true(ft_index_sync(fx->ix, fx->o) >= 0);
			r_check(fx, ref);
		}
	}
	assert_true(ft_index_sync(fx->ix, fx->o) >= 0);
	r_check(fx, ref);
	assert_int_equal(ft_index_direct_count(fx->ix), 32);
}

static void test_capacity_mismatch(void **state)
{
	struct fx *fx = *state;
	struct ft_index *big = ft_index_create("ftix-big", CAP * 2,
					       SOCKET_ID_ANY, NULL, NULL, NULL);

	assert_non_null(big);
	assert_int_equal(ft_index_sync(big, fx->o), -EINVAL);
	assert_int_equal(ft_index_rebuild(big, fx->o), -EINVAL);
	ft_index_free(big);
	ft_index_free(NULL);
	errno = 0;
	assert_null(ft_index_create("ftix-bad", 3, SOCKET_ID_ANY, NULL, NULL,
				    NULL));
	assert_int_equal(errno, EINVAL);
}

static void test_rcu_variant(void **state)
{
	struct rte_rcu_qsbr *qsv = ealfx_qsv("ftix-qsv", 4);
	struct fx *fx;
	uint32_t a;

	assert_non_null(qsv);
	assert_int_equal(setup_cap(state, CAP, qsv), 0);
	fx = *state;
	for (int round = 0; round < 3; round++) {
		/* delete and re-add: freed key storage is reclaimed via RCU */
		a = put(fx, "2001:db8::9", 40000);
		assert_int_equal(ft_index_sync(fx->ix, fx->o), 1);
		assert_slot(fx, "2001:db8::9", 40000, a);
		assert_int_equal(ft_slot_free(fx->w, a), 0);
		assert_int_equal(ft_index_sync(fx->ix, fx->o), 1);
		assert_absent(fx, "2001:db8::9", 40000);
	}
	teardown(state);
	rte_free(qsv);
}

int main(void)
{
	char rundir[PATH_MAX];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rebuild_on_attach, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sync, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lookup_bulk, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sync_many, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_overflow_rebuilds,
						setup_small, teardown),
		cmocka_unit_test_setup_teardown(test_two_slots_one_endpoint,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_msrp_not_indexed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_direct_ipv4, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_direct_move, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_direct_full, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_direct_random,
						setup_large, teardown),
		cmocka_unit_test_setup_teardown(test_capacity_mismatch, setup,
						teardown),
		cmocka_unit_test(test_rcu_variant),
	};
	int ret;

	log_init("test_ft_index", false, LOG_LEVEL_ERR);
	if (ealfx_init("test_ft_index", "256", rundir, sizeof(rundir)))
		return 1;
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	ealfx_cleanup(rundir);
	return ret;
}
