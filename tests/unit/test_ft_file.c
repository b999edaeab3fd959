/*
 * Unit tests of flow tables named by a path (dataplane/ft.c): a file in an
 * ordinary directory, always, and a file on a hugetlbfs mount the test
 * makes itself in a temporary directory when it can (root, the mount
 * works, 2 MiB pages reservable: it raises vm.nr_hugepages by what it
 * needs and gives that back).  Otherwise the hugetlbfs tests are skipped;
 * CI runs as root, so there they run.  The rules of the shared-memory
 * tables (test_ft.c) hold here too: OFD-lock roles, re-attach after a
 * restart or a kill, a second owner refused, the size check.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ft.h"
#include "ft_fixture.h"
#include "log.h"

#define CAP 1024		/* 409,856 bytes: not a whole huge page */
#define CAP_BIG 8192		/* 3.2 MB: two huge pages */
#define HUGE_KB 2048
#define HUGE_PAGES 8		/* what the tests need at most at once */
#define NR_HUGEPAGES "/proc/sys/vm/nr_hugepages"
#define FREE_HUGEPAGES \
	"/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages"

/* the group: a temporary directory, and a hugetlbfs mount in it if possible */
struct env {
	char dir[64];
	char mnt[80];
	bool mounted;
	long added;		/* pages this test added to nr_hugepages */
};

struct fx {
	struct env *env;
	char path[PATH_MAX];
};

static long read_long(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static int write_long(const char *path, long v)
{
	FILE *f = fopen(path, "w");
	int ret;

	if (!f)
		return -1;
	ret = fprintf(f, "%ld\n", v) < 0 ? -1 : 0;
	if (fclose(f))
		ret = -1;
	return ret;
}

/* give back the pages this test added, whatever others did meanwhile */
static void give_back_pages(struct env *env)
{
	long nr = read_long(NR_HUGEPAGES);

	if (env->added > 0 && nr >= env->added)
		write_long(NR_HUGEPAGES, nr - env->added);
	env->added = 0;
}

/* free 2 MiB pages enough for the tests, raising the pool if need be */
static bool reserve_pages(struct env *env)
{
	long nr = read_long(NR_HUGEPAGES);
	long free_pages = read_long(FREE_HUGEPAGES);

	if (nr < 0 || free_pages < 0)
		return false;
	if (free_pages >= HUGE_PAGES)
		return true;
	env->added = HUGE_PAGES - free_pages;
	if (write_long(NR_HUGEPAGES, nr + env->added) ||
	    read_long(FREE_HUGEPAGES) < HUGE_PAGES) {
		give_back_pages(env);
		return false;
	}
	return true;
}

static int group_setup(void **state)
{
	struct env *env = calloc(1, sizeof(*env));

	if (!env)
		return -1;
	snprintf(env->dir, sizeof(env->dir), "/tmp/sbc-test-ft-file-XXXXXX");
	if (!mkdtemp(env->dir)) {
		free(env);
		return -1;
	}
	snprintf(env->mnt, sizeof(env->mnt), "%s/huge", env->dir);
	if (geteuid() == 0 && mkdir(env->mnt, 0700) == 0 &&
	    reserve_pages(env)) {
		env->mounted = mount("nodev", env->mnt, "hugetlbfs", 0,
				     "pagesize=2M,mode=0700") == 0;
		if (!env->mounted) {
			print_message("hugetlbfs mount: %s\n", strerror(errno));
			give_back_pages(env);
		}
	}
	*state = env;
	return 0;
}

static int group_teardown(void **state)
{
	struct env *env = *state;

	if (env->mounted)
		umount2(env->mnt, MNT_DETACH);
	rmdir(env->mnt);
	rmdir(env->dir);
	give_back_pages(env);
	free(env);
	return 0;
}

/* a path in the mount, or in the directory when there is no mount */
static int fx_setup_in(void **state, bool huge)
{
	struct env *env = *state;
	static unsigned n;
	struct fx *fx;

	fx = calloc(1, sizeof(*fx));
	if (!fx)
		return -1;
	fx->env = env;
	snprintf(fx->path, sizeof(fx->path), "%s/flows-%u",
		 huge && env->mounted ? env->mnt : env->dir, n++);
	*state = fx;
	return 0;
}

static int fx_setup_dir(void **state)
{
	return fx_setup_in(state, false);
}

static int fx_setup_huge(void **state)
{
	return fx_setup_in(state, true);
}

static int fx_teardown(void **state)
{
	struct fx *fx = *state;

	ft_unlink(fx->path);
	*state = fx->env;
	free(fx);
	return 0;
}

/* cmocka's skip() belongs in the test: in a setup it counts as an error */
static void skip_unless_huge(const struct fx *fx)
{
	if (!fx->env->mounted)
		skip();		/* not root, or no hugetlbfs or pages here */
}

static void make_flow(struct ft_flow *f, uint32_t i)
{
	memset(f, 0, sizeof(*f));
	f->call_id = 0x2000000000ull + i;
	f->pair = FT_NO_SLOT;
	f->kind = FT_KIND_RTP;
	f->local.family = f->src.family = f->dst.family = FT_FAMILY_IPV4;
	memcpy(f->local.addr, "\x0a\x0a\x01\x02", 4);
	memcpy(f->src.addr, "\x0a\x0a\x02\x02", 4);
	memcpy(f->dst.addr, "\x0a\x0a\x02\x0a", 4);
	f->local.port = (uint16_t)(20000 + i);
	f->src.port = (uint16_t)(30000 + i);
	f->dst.port = 5000;
}

/*
 * The life of a table in @fx->path: created at @cap with the file @want
 * bytes long, flows and counters through both roles, one owner only, and
 * a restart of both that keeps the flows and the generation.
 */
static void check_lifecycle(const struct fx *fx, uint32_t cap, off_t want)
{
	struct ft *w = ftfx_attach(fx->path, cap, FT_ROLE_WRITER);
	struct ft *o = ftfx_attach(fx->path, cap, FT_ROLE_OWNER);
	struct ft_flow want_f, got;
	struct ft_version v;
	struct ft_stats st;
	uint32_t slots[3];
	uint64_t gen = ft_generation(w);
	struct stat sb;

	assert_int_equal(stat(fx->path, &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(sb.st_size, want);
	assert_int_equal(ft_capacity(o), cap);
	assert_int_equal(ft_generation(o), gen);
	for (uint32_t i = 0; i < 3; i++) {
		make_flow(&want_f, i);
		assert_int_equal(ft_slot_alloc(w, &slots[i]), 0);
		assert_int_equal(ft_flow_put(w, slots[i], &want_f), 0);
	}
	/* the last slot: what the rounding up added lies after it */
	assert_int_equal(ft_flow_read(o, cap - 1, &got, &v), -ENOENT);
	assert_int_equal(ft_flow_read(o, slots[2], &got, &v), 0);
	ft_count_rx(ft_counters_of(o, slots[2]), v.epoch, 200, 7, 42);
	assert_int_equal(ft_flow_stats(w, slots[2], &st), 0);
	assert_int_equal(st.packets, 1);
	assert_int_equal(st.bytes, 200);
	ftfx_attach_fails(fx->path, cap, FT_ROLE_OWNER, EBUSY);
	ftfx_attach_fails(fx->path, cap, FT_ROLE_WRITER, EBUSY);
	ftfx_attach_fails(fx->path, cap * 2, FT_ROLE_OWNER, EINVAL);
	assert_int_equal(ft_owner_pid(w), getpid());
	ft_detach(o);
	ft_detach(w);

	o = ftfx_attach(fx->path, cap, FT_ROLE_OWNER);
	w = ftfx_attach(fx->path, cap, FT_ROLE_WRITER);
	assert_int_equal(ft_generation(o), gen);
	for (uint32_t i = 0; i < 3; i++) {
		make_flow(&want_f, i);
		assert_int_equal(ft_flow_read(o, slots[i], &got, NULL), 0);
		assert_memory_equal(&got, &want_f, sizeof(got));
	}
	assert_int_equal(ft_flow_stats(w, slots[2], &st), 0);
	assert_int_equal(st.packets, 1);
	ft_detach(o);
	ft_detach(w);
}

/* a file in an ordinary directory ---------------------------------------- */

static void test_dir_lifecycle(void **state)
{
	struct fx *fx = *state;
	char where[PATH_MAX];

	assert_int_equal(ft_location(fx->path, where, sizeof(where)), 0);
	assert_string_equal(where, fx->path);
	assert_int_equal(ft_location("sbc_flows", where, sizeof(where)), 0);
	assert_string_equal(where, "/dev/shm/sbc_flows");
	assert_int_equal(ft_location("sbc_flows", where, 8), -ENAMETOOLONG);
	/* not on hugetlbfs: the file is the table's exact size */
	check_lifecycle(fx, CAP, 409856);
	ftfx_check_owner_killed(fx->path, CAP);
	assert_int_equal(ft_unlink(fx->path), 0);
	assert_int_equal(access(fx->path, F_OK), -1);
	assert_int_equal(ft_unlink(fx->path), -ENOENT);
}

static void test_dir_bad_paths(void **state)
{
	struct fx *fx = *state;
	char p[PATH_MAX + 8], where[16];

	ftfx_attach_fails("a/b", CAP, FT_ROLE_WRITER, EINVAL);
	ftfx_attach_fails("/tmp/", CAP, FT_ROLE_WRITER, EINVAL);
	ftfx_attach_fails("/tmp/..", CAP, FT_ROLE_WRITER, EINVAL);
	/* the EAL would delete it from its hugepage directory */
	snprintf(p, sizeof(p), "%s/flowmap_1", fx->env->dir);
	ftfx_attach_fails(p, CAP, FT_ROLE_WRITER, EINVAL);
	assert_int_equal(access(p, F_OK), -1);
	assert_int_equal(ft_location(p, where, sizeof(where)), -EINVAL);
	/* a directory, a FIFO, a missing directory, a symbolic link */
	ftfx_attach_fails(fx->env->dir, CAP, FT_ROLE_WRITER, EISDIR);
	snprintf(p, sizeof(p), "%s/fifo", fx->env->dir);
	assert_int_equal(mkfifo(p, 0600), 0);
	ftfx_attach_fails(p, CAP, FT_ROLE_WRITER, EINVAL);
	assert_int_equal(unlink(p), 0);
	snprintf(p, sizeof(p), "%s/none/flows", fx->env->dir);
	ftfx_attach_fails(p, CAP, FT_ROLE_WRITER, ENOENT);
	snprintf(p, sizeof(p), "%s/link", fx->env->dir);
	assert_int_equal(symlink(fx->path, p), 0);
	ftfx_attach_fails(p, CAP, FT_ROLE_WRITER, ELOOP);
	assert_int_equal(access(fx->path, F_OK), -1);
	assert_int_equal(unlink(p), 0);
	memset(p, 'a', sizeof(p) - 1);
	p[0] = '/';
	p[sizeof(p) - 1] = '\0';
	ftfx_attach_fails(p, CAP, FT_ROLE_WRITER, ENAMETOOLONG);
	/* a file group or others can read is refused (it holds keys) */
	ft_detach(ftfx_attach(fx->path, CAP, FT_ROLE_WRITER));
	assert_int_equal(chmod(fx->path, 0640), 0);
	ftfx_attach_fails(fx->path, CAP, FT_ROLE_OWNER, EACCES);
}

/* a file on hugetlbfs ------------------------------------------------------- */

/* the KernelPageSize in kB of this process's mapping of @path, or -1 */
static long mapped_page_kb(const char *path)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[PATH_MAX + 128];
	bool in = false;
	long kb = -1;

	if (!f)
		return -1;
	while (kb < 0 && fgets(line, sizeof(line), f)) {
		size_t n = strlen(line), m = strlen(path);

		/* a mapping's first line ends with its file's path */
		if (strchr(line, '-') == line + strspn(line, "0123456789abcdef"))
			in = n > m && !strncmp(line + n - m - 1, path, m);
		else if (in)
			sscanf(line, "KernelPageSize: %ld kB", &kb);
	}
	fclose(f);
	return kb;
}

static void test_huge_lifecycle(void **state)
{
	struct fx *fx = *state;
	struct ft *o;

	skip_unless_huge(fx);
	/* the file is a whole number of huge pages */
	check_lifecycle(fx, CAP, HUGE_KB * 1024);
	o = ftfx_attach(fx->path, CAP, FT_ROLE_OWNER);
	assert_int_equal(mapped_page_kb(fx->path), HUGE_KB);
	ft_detach(o);
	assert_int_equal(mapped_page_kb(fx->path), -1);
	ftfx_check_owner_killed(fx->path, CAP);
	/* re-created at another size: two pages now */
	assert_int_equal(ft_unlink(fx->path), 0);
	check_lifecycle(fx, CAP_BIG, 2 * HUGE_KB * 1024);
}

static void test_huge_bad_size(void **state)
{
	struct fx *fx = *state;
	int fd;

	skip_unless_huge(fx);
	ft_detach(ftfx_attach(fx->path, CAP, FT_ROLE_WRITER));
	/* a page more than the table needs: not what a creator leaves */
	fd = open(fx->path, O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 2 * HUGE_KB * 1024), 0);
	close(fd);
	ftfx_attach_fails(fx->path, CAP, FT_ROLE_OWNER, EPROTO);
}

static void test_huge_not_enough_pages(void **state)
{
	struct fx *fx = *state;
	struct stat sb;

	skip_unless_huge(fx);
	/* 16M entries need 3,137 pages; the test reserved a handful */
	if (read_long(FREE_HUGEPAGES) >= 3137)
		skip();
	ftfx_attach_fails(fx->path, FT_CAPACITY_MAX, FT_ROLE_OWNER, ENOMEM);
	/* the failed creator left the file empty: the next one creates it */
	assert_int_equal(stat(fx->path, &sb), 0);
	assert_int_equal(sb.st_size, 0);
	ft_detach(ftfx_attach(fx->path, CAP, FT_ROLE_OWNER));
	assert_int_equal(stat(fx->path, &sb), 0);
	assert_int_equal(sb.st_size, HUGE_KB * 1024);
}

#define TD(f) cmocka_unit_test_setup_teardown(f, fx_setup_dir, fx_teardown)
#define TH(f) cmocka_unit_test_setup_teardown(f, fx_setup_huge, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TD(test_dir_lifecycle),
		TD(test_dir_bad_paths),
		TH(test_huge_lifecycle),
		TH(test_huge_bad_size),
		TH(test_huge_not_enough_pages),
	};

	log_init("test_ft_file", false, LOG_LEVEL_ERR);
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
