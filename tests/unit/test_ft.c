/*
 * Unit tests of the flow table (dataplane/ft.c): attach rules, the ABI
 * checks, flows, notices, slots, counters, and a concurrent writer/reader
 * test that a reader never sees a torn entry or torn counters.  Every test
 * uses its own shared-memory name (with the pid) and unlinks it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "ft.h"
#include "ft_fixture.h"
#include "log.h"

#define CAP 64

struct fx {
	char name[64];
	struct ft *w, *o;	/* attached by fx_attach_both() */
};

static int fx_setup(void **state)
{
	static unsigned n;
	struct fx *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	snprintf(fx->name, sizeof(fx->name), "sbc-test-ft-%d-%u", (int)getpid(),
		 n++);
	ft_unlink(fx->name);
	*state = fx;
	return 0;
}

/* the setup of most tests: a writer and an owner on a table of CAP */
static int fx_attach_both(void **state)
{
	struct fx *fx;

	if (fx_setup(state))
		return -1;
	fx = *state;
	fx->w = ft_create_or_attach(fx->name, CAP, FT_ROLE_WRITER);
	fx->o = ft_create_or_attach(fx->name, CAP, FT_ROLE_OWNER);
	return fx->w && fx->o ? 0 : -1;
}

static int fx_teardown(void **state)
{
	struct fx *fx = *state;

	ft_detach(fx->o);
	ft_detach(fx->w);

	ft_unlink(fx->name);
	free(fx);
	return 0;
}

/* a flow whose every field derives from @i; v6 when @v6 */
static void make_flow(struct ft_flow *f, uint32_t i, bool v6,
		      enum ft_suite in, enum ft_suite out)
{
	struct ft_endpoint *eps[] = { &f->local, &f->src, &f->dst };

	memset(f, 0, sizeof(*f));
	f->call_id = 0x1000000000ull + i;
	f->pair = i % FT_CAPACITY_MIN;
	f->out_port = (uint16_t)(i % 4);
	f->latch = (uint8_t)(i % 3);
	f->kind = (uint8_t)(i / 3 % 3);
	for (unsigned k = 0; k < 3; k++) {
		struct ft_endpoint *ep = eps[k];

		ep->family = v6 ? FT_FAMILY_IPV6 : FT_FAMILY_IPV4;
		for (unsigned j = 0; j < (v6 ? 16u : 4u); j++)
			ep->addr[j] = (uint8_t)(i * 7 + j + k * 16);
		ep->port = (uint16_t)(i + k);
	}
	f->srtp_in.suite = (uint8_t)in;
	for (unsigned j = 0; j < ft_srtp_key_len(in); j++)
		f->srtp_in.key[j] = (uint8_t)(i + j);
	f->srtp_out.suite = (uint8_t)out;
	for (unsigned j = 0; j < ft_srtp_key_len(out); j++)
		f->srtp_out.key[j] = (uint8_t)(i * 3 + j);
}

static uint32_t put_new(struct ft *w, uint32_t i)
{
	struct ft_flow f;
	uint32_t slot;

	make_flow(&f, i, false, FT_SUITE_NONE, FT_SUITE_NONE);
	assert_int_equal(ft_slot_alloc(w, &slot), 0);
	assert_int_equal(ft_flow_put(w, slot, &f), 0);
	return slot;
}

/* attach ------------------------------------------------------------------- */

static void test_create_attach_detach(void **state)
{
	struct fx *fx = *state;
	struct ft *w = ftfx_attach(fx->name, CAP, FT_ROLE_WRITER);
	struct ft *o = ftfx_attach(fx->name, CAP, FT_ROLE_OWNER);
	char path[128];
	struct stat st;
	uint64_t gen;

	assert_int_equal(ft_capacity(w), CAP);
	gen = ft_generation(w);
	assert_true(gen != 0);
	assert_int_equal(ft_generation(o), gen);
	snprintf(path, sizeof(path), "/dev/shm/%s", fx->name);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	ft_detach(o);
	ft_detach(w);
	ft_detach(NULL);
	w = ftfx_attach(fx->name, CAP, FT_ROLE_WRITER);
	assert_int_equal(ft_generation(w), gen);
	ft_detach(w);
	/* re-created: a new generation */
	assert_int_equal(ft_unlink(fx->name), 0);
	w = ftfx_attach(fx->name, CAP, FT_ROLE_WRITER);
	assert_true(ft_generation(w) != gen);
	ft_detach(w);
}

static void test_bad_args(void **state)
{
	struct fx *fx = *state;

	ftfx_attach_fails(fx->name, 48, FT_ROLE_WRITER, EINVAL);
	ftfx_attach_fails(fx->name, 4, FT_ROLE_WRITER, EINVAL);
	ftfx_attach_fails(fx->name, CAP, 0, EINVAL);
	errno = 0;
	assert_null(ft_create_or_attach("a/b", CAP, FT_ROLE_WRITER));
	assert_int_equal(errno, EINVAL);
	assert_null(ft_create_or_attach("", CAP, FT_ROLE_WRITER));
	assert_int_equal(errno, EINVAL);
}

/* map the table's header directly, as a foreign or older program would */
static struct ft_header *raw_header(const struct fx *fx, int *fd)
{
	char path[80];
	void *p;

	snprintf(path, sizeof(path), "/%s", fx->name);
	*fd = shm_open(path, O_RDWR, 0);
	assert_true(*fd >= 0);
	p = mmap(NULL, FT_HDR_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, *fd, 0);
	assert_true(p != MAP_FAILED);
	return p;
}

static void test_abi_checks(void **state)
{
	struct fx *fx = *state;
	struct ft_header *h;
	int fd;

	ft_detach(ftfx_attach(fx->name, CAP, FT_ROLE_WRITER));
	h = raw_header(fx, &fd);
	h->magic ^= 1;
	ftfx_attach_fails(fx->name, CAP, FT_ROLE_OWNER, EPROTO);
	h->magic ^= 1;
	h->abi_version++;
	ftfx_attach_fails(fx->name, CAP, FT_ROLE_OWNER, EPROTONOSUPPORT);
	h->abi_version--;
	h->entry_size += 64;
	ftfx_attach_fails(fx->name, CAP, FT_ROLE_OWNER, EPROTO);
	h->entry_size -= 64;
	ftfx_attach_fails(fx->name, CAP * 2, FT_ROLE_OWNER, EINVAL);
	assert_int_equal(fchmod(fd, 0644), 0);
	ftfx_attach_fails(fx->name, CAP, FT_ROLE_OWNER, EACCES);
	assert_int_equal(fchmod(fd, 0600), 0);
	/* a creator killed before the magic: initialised again */
	h->magic = 0;
	ft_detach(ftfx_attach(fx->name, CAP, FT_ROLE_OWNER));
	assert_true(h->magic == FT_MAGIC);
	munmap(h, FT_HDR_SIZE);
	close(fd);
}

static void test_one_owner_one_writer(void **state)
{
	struct fx *fx = *state;
	struct ft *o = ftfx_attach(fx->name, CAP, FT_ROLE_OWNER);
	struct ft *w = ftfx_attach(fx->name, CAP, FT_ROLE_WRITER);

	ftfx_attach_fails(fx->name, CAP, FT_ROLE_OWNER, EBUSY);
	ftfx_attach_fails(fx->name, CAP, FT_ROLE_WRITER, EBUSY);
	assert_int_equal(ft_owner_pid(w), getpid());
	ft_detach(o);
	assert_int_equal(ft_owner_pid(w), 0);
	o = ftfx_attach(fx->name, CAP, FT_ROLE_OWNER);
	ft_detach(o);
	ft_detach(w);
}

static void test_owner_killed(void **state)
{
	struct fx *fx = *state;

	ftfx_check_owner_killed(fx->name, CAP);
}

static void test_restart_keeps_flows(void **state)
{
	struct fx *fx = *state;
	struct ft *w = ftfx_attach(fx->name, CAP, FT_ROLE_WRITER);
	struct ft *o = ftfx_attach(fx->name, CAP, FT_ROLE_OWNER);
	struct ft_flow want, got;
	uint32_t slots[3], slot;

	for (uint32_t i = 0; i < 3; i++)
		slots[i] = put_new(w, i);
	assert_int_equal(ft_slot_free(w, slots[1]), 0);
	ft_detach(o);
	ft_detach(w);
	o = ftfx_attach(fx->name, CAP, FT_ROLE_OWNER);
	w = ftfx_attach(fx->name, CAP, FT_ROLE_WRITER);
	for (uint32_t i = 0; i < 3; i += 2) {
		make_flow(&want, i, false, FT_SUITE_NONE, FT_SUITE_NONE);
		assert_int_equal(ft_flow_read(o, slots[i], &got, NULL), 0);
		assert_memory_equal(&got, &want, sizeof(got));
	}
	/* the writer's free list came back from the table */
	assert_int_equal(ft_flow_put(w, slots[1], &want), -EINVAL);
	assert_int_equal(ft_flow_put(w, slots[2], &want), 0);
	assert_int_equal(ft_slot_alloc(w, &slot), 0);
	assert_int_equal(slot, slots[1]);
	ft_detach(o);
	ft_detach(w);
}

/* flows -------------------------------------------------------------------- */

static void test_put_read_roundtrip(void **state)
{
	struct fx *fx = *state;
	struct ft *w = fx->w, *o = fx->o;
	uint32_t i = 0;

	for (int v6 = 0; v6 <= 1; v6++) {
		for (int in = 0; in < FT_SUITE_COUNT; in++) {
			for (int out = 0; out < FT_SUITE_COUNT; out++) {
				struct ft_flow want, got;
				struct ft_version v;
				uint32_t slot;

				make_flow(&want, i++, v6, in, out);
				assert_int_equal(ft_slot_alloc(w, &slot), 0);
				assert_int_equal(ft_flow_put(w, slot, &want), 0);
				assert_int_equal(ft_flow_read(o, slot, &got,
							      &v), 0);
				assert_memory_equal(&got, &want, sizeof(got));
				assert_int_equal(v.seq, 2);
				assert_true(v.epoch != 0);
			}
		}
	}
}

static void test_put_rejects(void **state)
{
	struct fx *fx = *state;
	struct ft *w = fx->w, *o = fx->o;
	struct ft_flow good, f;
	uint32_t slot;

	make_flow(&good, 1, false, FT_SUITE_AEAD_AES_128_GCM, FT_SUITE_NONE);
	assert_int_equal(ft_slot_alloc(w, &slot), 0);
	assert_int_equal(ft_flow_put(w, slot + 1, &good), -EINVAL);
	assert_int_equal(ft_flow_put(w, CAP, &good), -EINVAL);
	assert_int_equal(ft_flow_put(o, slot, &good), -EPERM);
	f = good, f.local.addr[4] = 1;
	assert_int_equal(ft_flow_put(w, slot, &f), -EINVAL);
	f = good, f.dst.family = FT_FAMILY_IPV6;
	assert_int_equal(ft_flow_put(w, slot, &f), -EINVAL);
	f = good, f.local.family = FT_FAMILY_NONE;
	assert_int_equal(ft_flow_put(w, slot, &f), -EINVAL);
	f = good, f.srtp_in.key[28] = 1;	/* beyond GCM's 16 + 12 */
	assert_int_equal(ft_flow_put(w, slot, &f), -EINVAL);
	f = good, f.srtp_out.suite = FT_SUITE_COUNT;
	assert_int_equal(ft_flow_put(w, slot, &f), -EINVAL);
	f = good, f.pair = CAP;
	assert_int_equal(ft_flow_put(w, slot, &f), -EINVAL);
	f = good, f.latch = 3;
	assert_int_equal(ft_flow_put(w, slot, &f), -EINVAL);
	f = good, f.reserved[0] = 1;
	assert_int_equal(ft_flow_put(w, slot, &f), -EINVAL);
	assert_int_equal(ft_flow_read(o, slot, &f, NULL), -ENOENT);
	assert_int_equal(ft_flow_put(w, slot, &good), 0);
}

/* an MSRP leg: struct ft_msrp in place of the packet fields */
static void test_msrp_leg(void **state)
{
	static const char path[] = "msrp://10.0.0.9:8888/gw1;tcp";
	struct fx *fx = *state;
	struct ft *w = fx->w, *o = fx->o;
	struct ft_flow good = {
		.pair = FT_NO_SLOT, .kind = FT_KIND_MSRP,
		.local = { .addr = { 203, 0, 113, 1 }, .port = 2855,
			   .family = FT_FAMILY_IPV4 },
	}, f, back;
	uint32_t slot;

	good.msrp.flags = FT_MSRP_ACTIVE;
	good.msrp.peer = (struct ft_endpoint){ .addr = { 10, 0, 0, 9 },
		.port = 8888, .family = FT_FAMILY_IPV4 };
	good.msrp.id_len = 16;
	memcpy(good.msrp.id, "abcdefgh-_ABCD09", 16);
	good.msrp.path_len = sizeof(path) - 1;
	memcpy(good.msrp.path, path, sizeof(path) - 1);
	assert_int_equal(ft_slot_alloc(w, &slot), 0);
	f = good, f.msrp.id_len = 0;
	assert_int_equal(ft_flow_put(w, slot, &f), -EINVAL);
	f = good, f.msrp.id[3] = ';';
	assert_int_equal(ft_flow_put(w, slot, &f), -EINVAL);
	f = good, f.msrp.path_len = FT_MSRP_PATH_MAX + 1;
	assert_int_equal(ft_flow_put(w, slot, &f), -EINVAL);
	f = good, f.msrp.path[f.msrp.path_len] = 'x';	/* past its length */
	assert_int_equal(ft_flow_put(w, slot, &f), -EINVAL);
	f = good, f.msrp.path[2] = '\n';
	assert_int_equal(ft_flow_put(w, slot, &f), -EINVAL);
	f = good, f.msrp.peer.family = FT_FAMILY_NONE;	/* active: needed */
	assert_int_equal(ft_flow_put(w, slot, &f), -EINVAL);
	f = good, f.msrp.flags = 0x80;
	assert_int_equal(ft_flow_put(w, slot, &f), -EINVAL);
	f = good, f.local.port = 0;
	assert_int_equal(ft_flow_put(w, slot, &f), -EINVAL);
	f = good, f.kind = FT_KIND_MSRP + 1;
	assert_int_equal(ft_flow_put(w, slot, &f), -EINVAL);
	/* the peer's certificate fingerprint (ABI 3): a known hash, its
	 * digest's length, zero after it */
	f = good, f.msrp.fp_hash = FT_FP_COUNT;
	assert_int_equal(ft_flow_put(w, slot, &f), -EINVAL);
	f = good, f.msrp.fp[0] = 1;	/* without a hash */
	assert_int_equal(ft_flow_put(w, slot, &f), -EINVAL);
	f = good, f.msrp.fp_hash = FT_FP_SHA1, f.msrp.fp[20] = 1;
	assert_int_equal(ft_flow_put(w, slot, &f), -EINVAL);
	f = good, f.msrp.fp_hash = FT_FP_SHA512;
	memset(f.msrp.fp, 0xab, FT_FP_MAX);
	assert_int_equal(ft_flow_put(w, slot, &f), 0);
	assert_int_equal(ft_flow_read(o, slot, &back, NULL), 0);
	assert_memory_equal(&back, &f, sizeof(f));
	f = good, f.msrp.flags = FT_MSRP_ACTIVE | FT_MSRP_TLS;	/* msrps: */
	assert_int_equal(ft_flow_put(w, slot, &f), 0);
	f = good, f.msrp.flags = 0, f.msrp.peer.family = FT_FAMILY_NONE;
	memset(f.msrp.peer.addr, 0, sizeof(f.msrp.peer.addr));
	f.msrp.peer.port = 0;
	assert_int_equal(ft_flow_put(w, slot, &f), 0);	/* passive */
	assert_int_equal(ft_flow_put(w, slot, &good), 0);
	assert_int_equal(ft_flow_read(o, slot, &f, NULL), 0);
	assert_memory_equal(&f, &good, sizeof(f));
}

static void test_del(void **state)
{
	struct fx *fx = *state;
	struct ft *w = fx->w, *o = fx->o;
	struct ft_notice n[4];
	struct ft_stats st;
	struct ft_flow f;
	uint32_t slot = put_new(w, 5);

	assert_int_equal(ft_notice_pop(o, n, 4), 1);
	assert_int_equal(ft_flow_del(w, slot), 0);
	assert_int_equal(ft_flow_read(o, slot, &f, NULL), -ENOENT);
	assert_int_equal(ft_flow_stats(w, slot, &st), -ENOENT);
	assert_int_equal(ft_notice_pop(o, n, 4), 1);
	assert_int_equal(n[0].slot, slot);
	assert_int_equal(ft_flow_del(w, slot), 0);	/* already free */
	assert_int_equal(ft_notice_pop(o, n, 4), 0);
	assert_int_equal(ft_flow_del(w, slot + 1), -EINVAL);
	assert_int_equal(ft_flow_del(o, slot), -EPERM);
}

/* notices ------------------------------------------------------------------ */

static void test_notices_in_order(void **state)
{
	struct fx *fx = *state;
	struct ft *w = fx->w, *o = fx->o;
	struct ft_notice n[CAP];
	uint32_t slots[10];
	unsigned got = 0;

	for (uint32_t i = 0; i < 10; i++)
		slots[i] = put_new(w, i);
	assert_int_equal(ft_flow_put(w, slots[3], &(struct ft_flow){
		.pair = FT_NO_SLOT,
		.local = { .family = FT_FAMILY_IPV4 },
		.src = { .family = FT_FAMILY_IPV4 },
		.dst = { .family = FT_FAMILY_IPV4 } }), 0);
	assert_int_equal(ft_notice_pop(w, n, CAP), 0);	/* owner only */
	while (got < 11) {
		unsigned k = ft_notice_pop(o, n + got, 4);

		assert_true(k > 0 && k <= 4);
		got += k;
	}
	assert_int_equal(ft_notice_pop(o, n, CAP), 0);
	for (unsigned i = 0; i < 10; i++) {
		assert_int_equal(n[i].slot, slots[i]);
		assert_int_equal(n[i].seq, 2);
	}
	assert_int_equal(n[10].slot, slots[3]);
	assert_int_equal(n[10].seq, 4);
	assert_false(ft_overflow_take(o));
}

static void test_overflow(void **state)
{
	struct fx *fx = *state;
	struct ft *w = ftfx_attach(fx->name, 8, FT_ROLE_WRITER);
	struct ft *o = ftfx_attach(fx->name, 8, FT_ROLE_OWNER);
	struct ft_notice n[8];
	uint32_t slot = put_new(w, 0);

	for (unsigned i = 1; i < 8; i++)
		put_new(w, i);
	assert_false(ft_overflow_take(o));
	assert_int_equal(ft_flow_del(w, slot), 0);	/* the ninth notice */
	assert_false(ft_overflow_take(w));		/* owner only */
	assert_true(ft_overflow_take(o));
	assert_int_equal(ft_notice_pop(o, n, 8), 0);	/* discarded */
	assert_false(ft_overflow_take(o));
	/* the ring works again */
	assert_int_equal(ft_slot_free(w, slot), 0);
	assert_int_equal(ft_notice_pop(o, n, 8), 0);	/* was already free */
	put_new(w, 9);
	assert_int_equal(ft_notice_pop(o, n, 8), 1);
	assert_int_equal(n[0].slot, slot);
	ft_detach(o);
	ft_detach(w);
}

/* slots -------------------------------------------------------------------- */

static void test_slot_alloc_free(void **state)
{
	struct fx *fx = *state;
	struct ft *w = ftfx_attach(fx->name, 8, FT_ROLE_WRITER);
	struct ft *o = ftfx_attach(fx->name, 8, FT_ROLE_OWNER);
	uint32_t slot;

	for (uint32_t i = 0; i < 8; i++) {
		assert_int_equal(ft_slot_alloc(w, &slot), 0);
		assert_int_equal(slot, i);	/* lowest first */
	}
	assert_int_equal(ft_slot_alloc(w, &slot), -ENOSPC);
	assert_int_equal(ft_slot_alloc(o, &slot), -EPERM);
	assert_int_equal(ft_slot_free(w, 5), 0);
	assert_int_equal(ft_slot_free(w, 5), -EINVAL);
	assert_int_equal(ft_slot_free(w, 8), -EINVAL);
	assert_int_equal(ft_slot_alloc(w, &slot), 0);
	assert_int_equal(slot, 5);
	ft_detach(o);
	ft_detach(w);
}

static void test_writer_killed_mid_write(void **state)
{
	struct fx *fx = *state;
	struct ft *w = ftfx_attach(fx->name, CAP, FT_ROLE_WRITER);
	struct ft *o = ftfx_attach(fx->name, CAP, FT_ROLE_OWNER);
	struct ft_notice n[4];
	struct ft_entry *e;
	struct ft_header *h;
	struct ft_flow f;
	uint32_t a = put_new(w, 1), b = put_new(w, 2), slot;
	int fd;

	ft_detach(w);
	assert_int_equal(ft_notice_pop(o, n, 4), 2);
	/* leave b as a writer killed half-way through a put would */
	h = raw_header(fx, &fd);
	munmap(h, FT_HDR_SIZE);
	h = mmap(NULL, FT_HDR_SIZE + CAP * 8 + (b + 1) * sizeof(*e),
		 PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	assert_true(h != MAP_FAILED);
	e = (struct ft_entry *)((char *)h + h->entries_off) + b;
	e->seq++;
	assert_int_equal(ft_flow_read(o, b, &f, NULL), -EAGAIN);
	w = ftfx_attach(fx->name, CAP, FT_ROLE_WRITER);
	assert_int_equal(ft_flow_read(o, a, &f, NULL), 0);
	assert_int_equal(ft_flow_read(o, b, &f, NULL), -ENOENT);
	assert_int_equal(ft_notice_pop(o, n, 4), 1);
	assert_int_equal(n[0].slot, b);
	assert_int_equal(ft_slot_alloc(w, &slot), 0);
	assert_int_equal(slot, b);
	munmap(h, FT_HDR_SIZE + CAP * 8 + (b + 1) * sizeof(*e));
	close(fd);
	ft_detach(o);
	ft_detach(w);
}

/* counters ----------------------------------------------------------------- */

static void test_stats(void **state)
{
	struct fx *fx = *state;
	struct ft *w = fx->w, *o = fx->o;
	struct ft_endpoint src = { .family = FT_FAMILY_IPV4, .port = 4000 };
	uint32_t slot = put_new(w, 1), epoch, old;
	struct ft_counters *c = ft_counters_of(o, slot);
	struct ft_version v;
	struct ft_lane lanes;
	struct ft_stats st;
	struct ft_flow f;

	assert_non_null(c);
	assert_null(ft_counters_of(o, CAP));
	assert_int_equal(ft_flow_stats(w, slot, &st), 0);
	assert_int_equal(st.packets, 0);
	assert_int_equal(ft_flow_read(o, slot, &f, &v), 0);
	epoch = v.epoch;
	inet_pton(AF_INET, "192.0.2.7", src.addr);
	ft_count_rx(c, epoch, 172, 0xabcd, 1000);
	ft_count_rx(c, epoch, 100, 0xabce, 2000);
	ft_count_drop(c, epoch, FT_DROP_AUTH);
	ft_count_drop(c, epoch, FT_DROP_REPLAY);
	ft_count_drop(c, epoch, FT_DROP_REPLAY);
	ft_count_latch(c, epoch, &src);
	assert_int_equal(ft_flow_stats(w, slot, &st), 0);
	assert_int_equal(st.packets, 2);
	assert_int_equal(st.bytes, 272);
	assert_int_equal(st.last_ns, 2000);
	assert_int_equal(st.last_ssrc, 0xabce);
	assert_int_equal(st.drops[FT_DROP_AUTH], 1);
	assert_int_equal(st.drops[FT_DROP_REPLAY], 2);
	assert_int_equal(st.drops[FT_DROP_MALFORMED], 0);
	assert_memory_equal(&st.latched, &src, sizeof(src));
	/* a change in place keeps the counters */
	make_flow(&f, 2, true, FT_SUITE_NONE, FT_SUITE_NONE);
	assert_int_equal(ft_flow_put(w, slot, &f), 0);
	assert_int_equal(ft_flow_stats(w, slot, &st), 0);
	assert_int_equal(st.packets, 2);
	/* a new flow in the slot starts at zero; the old one's packets are not
	 * counted any more */
	assert_int_equal(ft_slot_free(w, slot), 0);
	assert_int_equal(put_new(w, 3), slot);
	assert_int_equal(ft_flow_stats(w, slot, &st), 0);
	assert_int_equal(st.packets, 0);
	old = epoch;
	assert_int_equal(ft_flow_read(o, slot, &f, &v), 0);
	epoch = v.epoch;
	assert_true(epoch != old);
	ft_count_rx(c, epoch, 50, 1, 3000);
	ft_count_rx(c, old, 60, 1, 3001);
	assert_int_equal(ft_flow_stats(w, slot, &st), 0);
	assert_int_equal(st.packets, 1);
	assert_int_equal(st.bytes, 50);
	assert_int_equal(st.latched.family, FT_FAMILY_NONE);
	assert_int_equal(ft_flow_stats(w, CAP, &st), -EINVAL);
	/* lanes */
	assert_null(ft_lane_of(o, FT_LANES));
	ft_lane_unknown(ft_lane_of(o, 0), 3);
	ft_lane_unknown(ft_lane_of(o, FT_LANES - 1), 4);
	ft_lane_malformed(ft_lane_of(o, 1), 2);
	ft_lanes_sum(w, &lanes);
	assert_int_equal(lanes.unknown_flow, 7);
	assert_int_equal(lanes.malformed, 2);
}

static void test_endpoint_from_sockaddr(void **state)
{
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6,
				    .sin6_port = htons(5004) };
	struct sockaddr_in in = { .sin_family = AF_INET,
				  .sin_port = htons(6000) };
	struct sockaddr un = { .sa_family = AF_UNIX };
	struct ft_endpoint ep;

	(void)state;
	inet_pton(AF_INET, "198.51.100.1", &in.sin_addr);
	assert_int_equal(ft_endpoint_from_sockaddr(&ep, (void *)&in), 0);
	assert_int_equal(ep.family, FT_FAMILY_IPV4);
	assert_int_equal(ep.port, 6000);
	assert_memory_equal(ep.addr, "\xc6\x33\x64\x01\0\0\0\0\0\0\0\0\0\0\0\0",
			    16);
	inet_pton(AF_INET6, "2001:db8::1", &in6.sin6_addr);
	assert_int_equal(ft_endpoint_from_sockaddr(&ep, (void *)&in6), 0);
	assert_int_equal(ep.family, FT_FAMILY_IPV6);
	assert_int_equal(ep.port, 5004);
	assert_memory_equal(ep.addr, &in6.sin6_addr, 16);
	assert_int_equal(ft_endpoint_from_sockaddr(&ep, &un), -EAFNOSUPPORT);
}

/* concurrency -------------------------------------------------------------- */

/*
 * The writer goes on until it has written WRITES times and the readers have
 * read MIN_READS times (so that they overlap however the threads are
 * scheduled), or MAX_WRITES.  Without the seq protocol these tests see
 * torn copies within a few thousand overlapping reads.
 */
#define WRITES 20000
#define MIN_READS 1000000
#define MAX_WRITES 20000000
#define READERS 2

static bool keep_writing(uint32_t i, const unsigned long *reads)
{
	return i <= MAX_WRITES &&
	       (i <= WRITES || __atomic_load_n(reads, __ATOMIC_RELAXED) <
				       MIN_READS);
}

struct race {
	struct ft *w, *o;
	uint32_t slot;
	int done;		/* set by the writer when finished */
	unsigned long reads;	/* by all readers */
	/* per reader: consistent reads, -EAGAIN, torn */
	unsigned long ok[READERS], again[READERS], torn[READERS];
};

struct reader_arg {
	struct race *r;
	unsigned id;
};

static void *flow_writer(void *arg)
{
	struct race *r = arg;

	for (uint32_t i = 1; keep_writing(i, &r->reads); i++) {
		struct ft_flow f;

		make_flow(&f, i, i & 1, i % FT_SUITE_COUNT,
			  (i / 2) % FT_SUITE_COUNT);
		if (ft_flow_put(r->w, r->slot, &f))
			break;
	}
	__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* every field must come from the same write: rebuild it from call_id */
static void read_once(struct race *r, unsigned id)
{
	struct ft_flow got, want;
	uint32_t i;
	int ret = ft_flow_read(r->o, r->slot, &got, NULL);

	__atomic_fetch_add(&r->reads, 1, __ATOMIC_RELAXED);
	if (ret == -EAGAIN) {
		r->again[id]++;
		return;
	}
	i = (uint32_t)(got.call_id - 0x1000000000ull);
	make_flow(&want, i, i & 1, i % FT_SUITE_COUNT,
		  (i / 2) % FT_SUITE_COUNT);
	if (ret == 0 && memcmp(&got, &want, sizeof(got)) == 0)
		r->ok[id]++;
	else
		r->torn[id]++;
}

static void *flow_reader(void *arg)
{
	struct reader_arg *a = arg;

	while (!__atomic_load_n(&a->r->done, __ATOMIC_ACQUIRE))
		read_once(a->r, a->id);
	read_once(a->r, a->id);	/* quiet now: must succeed */
	return NULL;
}

static void test_concurrent_no_torn_flow(void **state)
{
	struct fx *fx = *state;
	struct race r = { .w = ftfx_attach(fx->name, CAP, FT_ROLE_WRITER),
			  .o = ftfx_attach(fx->name, CAP, FT_ROLE_OWNER) };
	struct reader_arg args[READERS];
	pthread_t wt, rt[READERS];

	r.slot = put_new(r.w, 0);
	for (unsigned i = 0; i < READERS; i++) {
		args[i] = (struct reader_arg){ .r = &r, .id = i };
		assert_int_equal(pthread_create(&rt[i], NULL, flow_reader,
						&args[i]), 0);
	}
	assert_int_equal(pthread_create(&wt, NULL, flow_writer, &r), 0);
	pthread_join(wt, NULL);
	for (unsigned i = 0; i < READERS; i++)
		pthread_join(rt[i], NULL);
	for (unsigned i = 0; i < READERS; i++) {
		print_message("reader %u: %lu consistent, %lu -EAGAIN, %lu torn\n",
			      i, r.ok[i], r.again[i], r.torn[i]);
		assert_int_equal(r.torn[i], 0);
		assert_true(r.ok[i] >= 1);
	}
	ft_detach(r.o);
	ft_detach(r.w);
}

/* the dataplane counts with fields derived from one counter; sbcd reads */
struct ctr_race {
	struct ft_counters *c;
	uint32_t epoch;
	int done;
	unsigned long reads;
};

static void *ctr_writer(void *arg)
{
	struct ctr_race *r = arg;

	for (uint32_t i = 1; keep_writing(i, &r->reads); i++) {
		struct ft_endpoint src = { .family = FT_FAMILY_IPV6,
					   .port = (uint16_t)i };

		memset(src.addr, (int)(i & 0xff), sizeof(src.addr));
		ft_count_rx(r->c, r->epoch, 10, i, i);
		ft_count_latch(r->c, r->epoch, &src);
	}
	__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void test_concurrent_no_torn_counters(void **state)
{
	struct fx *fx = *state;
	struct ft *w = fx->w, *o = fx->o;
	uint32_t slot = put_new(w, 0);
	struct ctr_race r = { .c = ft_counters_of(o, slot) };
	unsigned long ok = 0, torn = 0;
	struct ft_version v;
	struct ft_flow f;
	pthread_t t;

	assert_int_equal(ft_flow_read(o, slot, &f, &v), 0);
	r.epoch = v.epoch;
	assert_int_equal(pthread_create(&t, NULL, ctr_writer, &r), 0);
	for (int last = 0; !last;) {
		struct ft_stats st;
		uint8_t addr[16];
		uint64_t n;

		last = __atomic_load_n(&r.done, __ATOMIC_ACQUIRE);
		__atomic_fetch_add(&r.reads, 1, __ATOMIC_RELAXED);
		if (ft_flow_stats(w, slot, &st))
			continue;
		/* after count n: n packets, 10 n bytes; latched to n or n-1 */
		n = st.packets;
		memset(addr, (int)(st.latched.port & 0xff), sizeof(addr));
		if (st.bytes == 10 * n && st.last_ns == n && st.last_ssrc == n &&
		    (n == 0 || st.latched.port == (uint16_t)n ||
		     st.latched.port == (uint16_t)(n - 1)) &&
		    (st.latched.family == FT_FAMILY_NONE ||
		     memcmp(st.latched.addr, addr, 16) == 0))
			ok++;
		else
			torn++;
	}
	pthread_join(t, NULL);
	print_message("counters: %lu consistent, %lu torn\n", ok, torn);
	assert_int_equal(torn, 0);
	assert_true(ok >= 1);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)
#define TB(f) cmocka_unit_test_setup_teardown(f, fx_attach_both, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_create_attach_detach),
		T(test_bad_args),
		T(test_abi_checks),
		T(test_one_owner_one_writer),
		T(test_owner_killed),
		T(test_restart_keeps_flows),
		TB(test_put_read_roundtrip),
		TB(test_put_rejects),
		TB(test_msrp_leg),
		TB(test_del),
		TB(test_notices_in_order),
		T(test_overflow),
		T(test_slot_alloc_free),
		T(test_writer_killed_mid_write),
		TB(test_stats),
		cmocka_unit_test(test_endpoint_from_sockaddr),
		T(test_concurrent_no_torn_flow),
		TB(test_concurrent_no_torn_counters),
	};

	log_init("test_ft", false, LOG_LEVEL_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
