/*
 * Unit tests of media_ports.c: the per-address allocator of media ports
 * (RTP/RTCP pairs, RFC 3550 section 11; single rtcp-mux ports, RFC 5761)
 * and a realm's pool of them, one per media address.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "media_ports.h"

static void test_bad_range(void **state)
{
	(void)state;
	assert_null(b2b_ports_new(10001, 10100));
	assert_int_equal(errno, EINVAL);
	assert_null(b2b_ports_new(10000, 10000));
	assert_null(b2b_ports_new(0, 100));
}

/* every pair of a full cycle is even, distinct, and then the range is full */
static void test_pairs_exhaust(void **state)
{
	struct b2b_ports *p = b2b_ports_new(20000, 20099);
	uint8_t seen[100] = { 0 };
	uint16_t port;

	(void)state;
	assert_non_null(p);
	for (int i = 0; i < 50; i++) {
		assert_int_equal(b2b_ports_alloc(p, true, &port), 0);
		assert_true(port >= 20000 && port <= 20098);
		assert_int_equal(port % 2, 0);
		assert_false(seen[port - 20000] || seen[port - 20000 + 1]);
		seen[port - 20000] = seen[port - 20000 + 1] = 1;
		assert_true(b2b_ports_is_used(p, port + 1));
	}
	assert_int_equal(b2b_ports_in_use(p), 100);
	assert_int_equal(b2b_ports_alloc(p, true, &port), -ENOSPC);
	assert_int_equal(b2b_ports_alloc(p, false, &port), -ENOSPC);
	b2b_ports_free(p);
}

/* singles use both halves; pairs only find wholly free slots */
static void test_singles_and_pairs(void **state)
{
	struct b2b_ports *p = b2b_ports_new(30000, 30009);
	uint8_t seen[10] = { 0 };
	uint16_t port, a, b;

	(void)state;
	assert_int_equal(b2b_ports_alloc(p, false, &a), 0);
	assert_int_equal(b2b_ports_alloc(p, false, &b), 0);
	assert_int_equal(a, 30000);
	assert_int_equal(b, 30001);
	seen[0] = seen[1] = 1;
	for (int i = 0; i < 4; i++) {
		assert_int_equal(b2b_ports_alloc(p, true, &port), 0);
		assert_int_equal(port % 2, 0);
		assert_false(seen[port - 30000]);
		seen[port - 30000] = seen[port - 30000 + 1] = 1;
	}
	assert_int_equal(b2b_ports_alloc(p, true, &port), -ENOSPC);
	/* one half free is not a pair */
	assert_int_equal(b2b_ports_release(p, a, false), 0);
	assert_int_equal(b2b_ports_alloc(p, true, &port), -ENOSPC);
	assert_int_equal(b2b_ports_alloc(p, false, &port), 0);
	assert_int_equal(port, a);
	b2b_ports_free(p);
}

/* a released port is not the next one out: the cursor goes round first */
static void test_reuse_delay(void **state)
{
	struct b2b_ports *p = b2b_ports_new(40000, 40019);
	uint16_t first, port;

	(void)state;
	assert_int_equal(b2b_ports_alloc(p, true, &first), 0);
	assert_int_equal(b2b_ports_release(p, first, true), 0);
	for (int i = 0; i < 9; i++) {
		assert_int_equal(b2b_ports_alloc(p, true, &port), 0);
		assert_int_not_equal(port, first);
		assert_int_equal(b2b_ports_release(p, port, true), 0);
	}
	/* ten slots: the tenth allocation after it comes back round */
	assert_int_equal(b2b_ports_alloc(p, true, &port), 0);
	assert_int_equal(port, first);
	b2b_ports_free(p);
}

static void test_double_free(void **state)
{
	struct b2b_ports *p = b2b_ports_new(50000, 50009);
	uint16_t pair, single, port;

	(void)state;
	assert_int_equal(b2b_ports_alloc(p, true, &pair), 0);
	assert_int_equal(b2b_ports_alloc(p, false, &single), 0);
	assert_int_equal(b2b_ports_release(p, pair, false), -EINVAL);
	assert_int_equal(b2b_ports_release(p, pair + 1, false), -EINVAL);
	assert_int_equal(b2b_ports_release(p, single, true), -EINVAL);
	assert_int_equal(b2b_ports_release(p, pair, true), 0);
	assert_int_equal(b2b_ports_release(p, pair, true), -EINVAL);
	assert_int_equal(b2b_ports_release(p, 49998, false), -EINVAL);
	assert_int_equal(b2b_ports_release(p, 50010, false), -EINVAL);
	assert_int_equal(b2b_ports_in_use(p), 1);
	/* nothing corrupted: the rest of the range still goes out once each */
	for (int i = 0; i < 9; i++)
		assert_int_equal(b2b_ports_alloc(p, false, &port), 0);
	assert_int_equal(b2b_ports_alloc(p, false, &port), -ENOSPC);
	b2b_ports_free(p);
}

static void test_reserve(void **state)
{
	struct b2b_ports *p = b2b_ports_new(60000, 60005);
	uint16_t port;

	(void)state;
	assert_int_equal(b2b_ports_reserve(p, 60002, true), 0);
	assert_int_equal(b2b_ports_reserve(p, 60003, false), -EBUSY);
	assert_int_equal(b2b_ports_reserve(p, 60001, true), -EINVAL);
	assert_int_equal(b2b_ports_reserve(p, 60005, false), 0);
	assert_int_equal(b2b_ports_alloc(p, true, &port), 0);
	assert_int_equal(port, 60000);
	assert_int_equal(b2b_ports_alloc(p, false, &port), 0);
	assert_int_equal(port, 60004);
	assert_int_equal(b2b_ports_alloc(p, false, &port), -ENOSPC);
	assert_int_equal(b2b_ports_release(p, 60002, true), 0);
	b2b_ports_free(p);
}

/* an even last port: its slot has no odd half and serves singles only */
static void test_even_max(void **state)
{
	struct b2b_ports *p = b2b_ports_new(1000, 1004);
	uint16_t port;

	(void)state;
	assert_int_equal(b2b_ports_alloc(p, true, &port), 0);
	assert_int_equal(b2b_ports_alloc(p, true, &port), 0);
	assert_int_equal(b2b_ports_alloc(p, true, &port), -ENOSPC);
	assert_int_equal(b2b_ports_alloc(p, false, &port), 0);
	assert_int_equal(port, 1004);
	assert_int_equal(b2b_ports_release(p, 1004, true), -EINVAL);
	assert_int_equal(b2b_ports_release(p, 1005, false), -EINVAL);
	b2b_ports_free(p);
	b2b_ports_free(NULL);
}

/* the widest range: a full cycle of singles hands out each port once */
static void test_full_range(void **state)
{
	struct b2b_ports *p = b2b_ports_new(2, 65535);
	static uint8_t seen[65536];
	uint16_t port;

	(void)state;
	memset(seen, 0, sizeof(seen));
	for (unsigned i = 2; i <= 65535; i++) {
		assert_int_equal(b2b_ports_alloc(p, false, &port), 0);
		assert_false(seen[port]);
		seen[port] = 1;
	}
	assert_int_equal(b2b_ports_alloc(p, false, &port), -ENOSPC);
	assert_int_equal(b2b_ports_release(p, 40001, false), 0);
	assert_int_equal(b2b_ports_alloc(p, false, &port), 0);
	assert_int_equal(port, 40001);
	b2b_ports_free(p);
}

static void test_pool_bad(void **state)
{
	uint32_t addr = 2;
	uint16_t port;
	struct b2b_port_pool *pool;

	(void)state;
	assert_null(b2b_port_pool_new(0, 10000, 10099));
	assert_int_equal(errno, EINVAL);
	assert_null(b2b_port_pool_new(257, 10000, 10099));
	assert_int_equal(errno, EINVAL);
	assert_null(b2b_port_pool_new(2, 10001, 10099));
	assert_int_equal(errno, EINVAL);
	pool = b2b_port_pool_new(2, 10000, 10099);
	assert_non_null(pool);
	assert_int_equal(b2b_port_pool_size(pool), 2);
	assert_null(b2b_port_pool_get(pool, 2));
	assert_int_equal(b2b_port_pool_alloc(pool, &addr, true, &port), -EINVAL);
	assert_int_equal(b2b_port_pool_in_use(pool), 0);
	b2b_port_pool_free(pool);
	b2b_port_pool_free(NULL);
}

/*
 * The choice: the address with the most free ports, the lowest on a tie,
 * so new legs alternate between equally used addresses; a full address
 * is passed over; -ENOSPC once all are full.
 */
static void test_pool_choice(void **state)
{
	struct b2b_port_pool *pool = b2b_port_pool_new(3, 20000, 20007);
	uint32_t addr, count[3] = { 0 };
	uint16_t port;

	(void)state;
	assert_non_null(pool);
	for (unsigned i = 0; i < 12; i++) {
		addr = B2B_PORT_POOL_ANY;
		assert_int_equal(b2b_port_pool_alloc(pool, &addr, true, &port), 0);
		assert_int_equal(addr, i % 3);
		assert_int_equal(port, 20000 + 2 * (i / 3));
		count[addr]++;
	}
	assert_int_equal(count[0], 4);
	assert_int_equal(count[2], 4);
	assert_int_equal(b2b_port_pool_in_use(pool), 24);
	addr = B2B_PORT_POOL_ANY;
	assert_int_equal(b2b_port_pool_alloc(pool, &addr, true, &port), -ENOSPC);
	assert_int_equal(b2b_port_pool_alloc(pool, &addr, false, &port), -ENOSPC);
	/* room on the last address only: that is where the next goes */
	assert_int_equal(b2b_ports_release(b2b_port_pool_get(pool, 2), 20004,
					   true), 0);
	addr = B2B_PORT_POOL_ANY;
	assert_int_equal(b2b_port_pool_alloc(pool, &addr, true, &port), 0);
	assert_int_equal(addr, 2);
	assert_int_equal(port, 20004);
	b2b_port_pool_free(pool);
}

/*
 * A given address is kept even when another has more room; a pair passes
 * over an address whose free ports are only halves of slots.
 */
static void test_pool_fixed_and_fragmented(void **state)
{
	struct b2b_port_pool *pool = b2b_port_pool_new(2, 30000, 30007);
	struct b2b_ports *a0, *a1;
	uint32_t addr;
	uint16_t port;

	(void)state;
	assert_non_null(pool);
	a0 = b2b_port_pool_get(pool, 0);
	a1 = b2b_port_pool_get(pool, 1);
	addr = 0;
	assert_int_equal(b2b_port_pool_alloc(pool, &addr, true, &port), 0);
	assert_int_equal(b2b_port_pool_alloc(pool, &addr, true, &port), 0);
	assert_int_equal(addr, 0);
	assert_int_equal(b2b_ports_in_use(a0), 4);
	assert_int_equal(b2b_ports_in_use(a1), 0);
	/* address 1: the even half of every slot taken, 4 ports free */
	for (uint16_t p = 30000; p <= 30006; p += 2)
		assert_int_equal(b2b_ports_reserve(a1, p, false), 0);
	/* 4 free on each: the tie goes to 0; then 1 has more free ports
	 * but no whole slot, so the pair is taken on 0 again */
	for (unsigned i = 0; i < 2; i++) {
		addr = B2B_PORT_POOL_ANY;
		assert_int_equal(b2b_port_pool_alloc(pool, &addr, true, &port), 0);
		assert_int_equal(addr, 0);
	}
	addr = B2B_PORT_POOL_ANY;
	assert_int_equal(b2b_port_pool_alloc(pool, &addr, true, &port), -ENOSPC);
	assert_int_equal(b2b_port_pool_alloc(pool, &addr, false, &port), 0);
	assert_int_equal(addr, 1);
	assert_int_equal(port % 2, 1);
	assert_int_equal(b2b_port_pool_in_use(pool), 13);
	b2b_port_pool_free(pool);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_range),
		cmocka_unit_test(test_pairs_exhaust),
		cmocka_unit_test(test_singles_and_pairs),
		cmocka_unit_test(test_reuse_delay),
		cmocka_unit_test(test_double_free),
		cmocka_unit_test(test_reserve),
		cmocka_unit_test(test_even_max),
		cmocka_unit_test(test_full_range),
		cmocka_unit_test(test_pool_bad),
		cmocka_unit_test(test_pool_choice),
		cmocka_unit_test(test_pool_fixed_and_fragmented),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
