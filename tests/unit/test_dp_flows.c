/*
 * Unit tests for dataplane/flows.c: the local flow state the forwarding
 * lcores read per packet.  Flows built from flow-table entries (fields,
 * the precomputed address sum, unusable ports and families, SRTP
 * contexts), published in the slot's two copies across many changes
 * (generations wrapping), deleted and re-added; and a reader thread that
 * looks flows up under RCU, as a forwarding lcore does, while the main
 * thread keeps changing them: it must never see a flow whose fields come
 * from two different versions.  Needs the EAL (rte_malloc), without
 * hugepages.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netinet/in.h>

#include <cmocka.h>

#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "eal_fixture.h"
#include "flows.h"
#include "log.h"
#include "pkt.h"
#include "srtp.h"

#define CAPACITY 1024u
#define N_PORTS 2u
#define READER_ID 1u		/* the reader thread's QSBR thread id */

struct fixture {
	struct rte_rcu_qsbr *qsv;
	struct dp_flows *fl;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	fx->qsv = ealfx_qsv("flows-qsv", 2);
	if (!fx->qsv)
		return -1;
	fx->fl = dp_flows_create(CAPACITY, N_PORTS, SOCKET_ID_ANY, fx->qsv);
	if (!fx->fl)
		return -1;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	dp_flows_free(fx->fl);
	rte_free(fx->qsv);
	free(fx);
	return 0;
}

/*
 * A flow whose every field derives from @v, so that a reader can tell a
 * whole version from a mix of two; IPv4 for even @v, IPv6 for odd.
 */
static struct ft_flow flow_of(uint32_t v)
{
	const uint8_t fam = v & 1 ? FT_FAMILY_IPV6 : FT_FAMILY_IPV4;
	struct ft_flow f = {
		.call_id = v,
		.pair = FT_NO_SLOT,
		.out_port = (uint16_t)(v % N_PORTS),
		.latch = FT_LATCH_OFF,
		.kind = FT_KIND_RTP,
	};

	f.local.family = f.src.family = f.dst.family = fam;
	f.local.port = 10000;
	f.src.port = (uint16_t)(v * 3);
	f.dst.port = (uint16_t)(v * 7);
	memset(f.local.addr, 0x0a, fam == FT_FAMILY_IPV4 ? 4 : 16);
	memset(f.src.addr, (uint8_t)v, fam == FT_FAMILY_IPV4 ? 4 : 16);
	memset(f.dst.addr, (uint8_t)(v >> 8), fam == FT_FAMILY_IPV4 ? 4 : 16);
	return f;
}

/* NULL when @f is a whole version of flow_of(f->epoch), else why not */
static const char *torn(const struct dp_flow *f)
{
	const struct ft_flow want = flow_of(f->epoch);

	if (f->family != (f->epoch & 1 ? AF_INET6 : AF_INET))
		return "family";
	if (f->src_port != want.src.port || f->dst_port != want.dst.port ||
	    f->out_port != want.out_port)
		return "ports";
	if (memcmp(f->src_addr, want.src.addr, 16) != 0 ||
	    memcmp(f->dst_addr, want.dst.addr, 16) != 0)
		return "addresses";
	if (f->addr_sum != dp_pkt_addr_sum(f->src_addr, f->dst_addr,
					   f->family))
		return "address sum";
	if (!f->usable || f->srtp_paused || f->srtp || f->pair != FT_NO_SLOT)
		return "flags";
	return NULL;
}

static void change(struct dp_flows *fl, uint32_t slot, uint32_t v)
{
	struct ft_flow f = flow_of(v);

	dp_flows_on_change(fl, slot, &f, v);
}

static void test_build_and_change(void **state)
{
	struct fixture *fx = *state;
	const struct dp_flow *f;

	assert_null(dp_flow_get(fx->fl, 5));
	change(fx->fl, 5, 100);
	assert_null(dp_flow_get(fx->fl, 5));	/* not before the commit */
	assert_int_equal(dp_flows_commit(fx->fl), 0);
	f = dp_flow_get(fx->fl, 5);
	assert_non_null(f);
	assert_int_equal(f->epoch, 100);
	assert_null(torn(f));
	assert_int_equal(f->family, AF_INET);
	assert_int_equal(f->latch, FT_LATCH_OFF);
	assert_int_equal(f->kind, FT_KIND_RTP);
	assert_null(dp_flow_get(fx->fl, 4));
	assert_null(dp_flow_get(fx->fl, 6));

	/* more changes than a generation counts: always the newest */
	for (uint32_t v = 101; v < 101 + 600; v++) {
		change(fx->fl, 5, v);
		if (v % 3 == 0)
			change(fx->fl, 5, v + 1000);	/* the last one counts */
		assert_int_equal(dp_flows_commit(fx->fl), 0);
		f = dp_flow_get(fx->fl, 5);
		assert_non_null(f);
		assert_int_equal(f->epoch, v % 3 == 0 ? v + 1000 : v);
		assert_null(torn(f));
	}

	/* deleted, then a new flow in the slot */
	dp_flows_on_change(fx->fl, 5, NULL, 0);
	assert_int_equal(dp_flows_commit(fx->fl), 0);
	assert_null(dp_flow_get(fx->fl, 5));
	change(fx->fl, 5, 7);
	assert_int_equal(dp_flows_commit(fx->fl), 0);
	f = dp_flow_get(fx->fl, 5);
	assert_non_null(f);
	assert_int_equal(f->epoch, 7);
	assert_int_equal(f->family, AF_INET6);
	assert_null(torn(f));

	/* the last slot too */
	change(fx->fl, CAPACITY - 1, 8);
	assert_int_equal(dp_flows_commit(fx->fl), 0);
	assert_non_null(dp_flow_get(fx->fl, CAPACITY - 1));
	assert_int_equal(dp_flows_commit(fx->fl), 0);	/* nothing pending */
}

/* a port or families the dataplane cannot forward: built, not usable */
static void test_unusable(void **state)
{
	struct fixture *fx = *state;
	struct ft_flow f = flow_of(2);
	const struct dp_flow *d;

	f.out_port = N_PORTS;
	dp_flows_on_change(fx->fl, 1, &f, 2);
	f = flow_of(2);
	f.dst.family = FT_FAMILY_IPV6;	/* no family translation */
	dp_flows_on_change(fx->fl, 2, &f, 2);
	f = flow_of(2);
	dp_flows_on_change(fx->fl, 3, &f, 2);
	assert_int_equal(dp_flows_commit(fx->fl), 0);
	d = dp_flow_get(fx->fl, 1);
	assert_non_null(d);
	assert_false(d->usable);
	d = dp_flow_get(fx->fl, 2);
	assert_non_null(d);
	assert_false(d->usable);
	d = dp_flow_get(fx->fl, 3);
	assert_non_null(d);
	assert_true(d->usable);
}

/* an SRTP flow gets its context, unpaused; a key change keeps it */
static void test_srtp(void **state)
{
	struct fixture *fx = *state;
	struct ft_flow f = flow_of(4);
	const struct dp_flow *d;
	struct dp_srtp_ctx *ctx;

	f.srtp_out.suite = FT_SUITE_AES_CM_128_HMAC_SHA1_80;
	for (unsigned i = 0; i < sizeof(f.srtp_out.key); i++)
		f.srtp_out.key[i] = (uint8_t)(i * 13 + 1);
	dp_flows_on_change(fx->fl, 9, &f, 4);
	assert_int_equal(dp_flows_commit(fx->fl), 0);
	d = dp_flow_get(fx->fl, 9);
	assert_non_null(d);
	assert_non_null(d->srtp);
	assert_false(d->srtp_paused);
	assert_int_equal(d->addr_sum,
			 dp_pkt_addr_sum(d->src_addr, d->dst_addr, AF_INET));
	ctx = d->srtp;
	f.dst.port = 4242;
	dp_flows_on_change(fx->fl, 9, &f, 4);
	assert_int_equal(dp_flows_commit(fx->fl), 0);
	d = dp_flow_get(fx->fl, 9);
	assert_non_null(d);
	assert_ptr_equal(d->srtp, ctx);
	assert_int_equal(d->dst_port, 4242);
	assert_false(d->srtp_paused);
	/* plain again: the context goes */
	f = flow_of(4);
	dp_flows_on_change(fx->fl, 9, &f, 4);
	assert_int_equal(dp_flows_commit(fx->fl), 0);
	d = dp_flow_get(fx->fl, 9);
	assert_non_null(d);
	assert_null(d->srtp);
	assert_false(d->srtp_paused);
	assert_null(fx->fl->srtp[9]);
}

/* the reader thread: a forwarding lcore's reads, until told to stop */
struct reader {
	struct fixture *fx;
	int ready;		/* online: commits wait for its reads */
	int stop;
	unsigned long seen, torn;
	const char *why;
};

#define HOT_SLOTS 8u

static void *reader_main(void *arg)
{
	struct reader *r = arg;

	rte_rcu_qsbr_thread_register(r->fx->qsv, READER_ID);
	rte_rcu_qsbr_thread_online(r->fx->qsv, READER_ID);
	__atomic_store_n(&r->ready, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&r->stop, __ATOMIC_RELAXED)) {
		for (uint32_t s = 0; s < HOT_SLOTS; s++) {
			const struct dp_flow *f = dp_flow_get(r->fx->fl, s);
			const char *why;

			if (!f)
				continue;
			r->seen++;
			why = torn(f);
			if (why) {
				r->torn++;
				r->why = why;
			}
		}
		rte_rcu_qsbr_quiescent(r->fx->qsv, READER_ID);
	}
	rte_rcu_qsbr_thread_offline(r->fx->qsv, READER_ID);
	rte_rcu_qsbr_thread_unregister(r->fx->qsv, READER_ID);
	return NULL;
}

/*
 * Changes, deletions and re-additions of a few slots, 3000 commits of
 * them, while a reader reads the same slots: never a torn flow.
 */
static void test_concurrent_reader(void **state)
{
	struct fixture *fx = *state;
	struct reader r = { .fx = fx };
	pthread_t t;
	uint32_t v = 1;

	assert_int_equal(pthread_create(&t, NULL, reader_main, &r), 0);
	while (!__atomic_load_n(&r.ready, __ATOMIC_ACQUIRE))
		sched_yield();
	for (unsigned i = 0; i < 3000; i++) {
		for (uint32_t s = 0; s < HOT_SLOTS; s++) {
			if ((i + s) % 11 == 0)
				dp_flows_on_change(fx->fl, s, NULL, 0);
			else
				change(fx->fl, s, v++);
		}
		assert_int_equal(dp_flows_commit(fx->fl), 0);
	}
	__atomic_store_n(&r.stop, 1, __ATOMIC_RELAXED);
	assert_int_equal(pthread_join(t, NULL), 0);
	if (r.torn)
		fail_msg("%lu torn flow(s) of %lu read, last: %s", r.torn,
			 r.seen, r.why);
	assert_true(r.seen > 0);
}

int main(void)
{
	char rundir[PATH_MAX];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_build_and_change, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unusable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_srtp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_reader, setup,
						teardown),
	};
	int ret;

	log_init("test_dp_flows", false, LOG_LEVEL_ERR);
	if (ealfx_init("test_dp_flows", "64", rundir, sizeof(rundir)))
		return 1;
	if (dp_srtp_init() < 0) {
		fprintf(stderr, "test_dp_flows: libsrtp2 init failed\n");
		ealfx_cleanup(rundir);
		return 1;
	}
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	ealfx_cleanup(rundir);
	return ret;
}
