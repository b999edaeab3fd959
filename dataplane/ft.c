/*
 * Flow table: attach, the writer's and the reader's side, the notice ring.
 * See ft.h for the layout and the rules.  No DPDK here: sbcd links it too.
 *
 * Where it lives: a POSIX shared-memory object (/dev/shm, 4 KiB tmpfs
 * pages, works everywhere) or a file named by an absolute path, meant for
 * a hugetlbfs mount.  There the file's size and every mapping must be a
 * multiple of the huge page (the kernel refuses anything else), so both
 * are rounded up to the file system's page ("granule"); the header still
 * says the table's own size, so the ABI does not depend on the mount.
 *
 * Entry protocol (seqlock, one writer), in C11 terms:
 *
 *   writer (entry_write)                 reader (entry_read)
 *   s = seq | 1; store seq = s  relaxed  s1 = load seq            acquire (R1)
 *   fence release                 (W1)   if s1 odd: retry
 *   store data words            relaxed  load data words          relaxed
 *   store seq = s + 1           release  fence acquire                 (R2)
 *                                 (W2)   s2 = load seq            relaxed
 *                                        if s1 != s2: retry
 *
 * W2 pairs with R1: a reader that sees the even seq of a write sees all of
 * that write's data.  W1 pairs with R2: if any data word the reader loaded
 * comes from a later write, the odd seq of that write is visible to the
 * load of s2, so s1 != s2 and the copy is thrown away.  The data are
 * copied as relaxed 64-bit atomic words rather than with memcpy: the same
 * instructions, but no data race in the C11 sense (and none for TSan).
 */
#include "ft.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <netinet/in.h>
#include <linux/magic.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include "log.h"

/* How often a reader retries a slot that keeps changing before -EAGAIN. */
#define READ_TRIES 1000

struct ft {
	struct ft_header *hdr;
	struct ft_notice *ring;
	struct ft_entry *entries;
	size_t size;		/* mapped: the table rounded up to granule */
	size_t granule;		/* the file system's page, 1 for tmpfs */
	int fd;
	enum ft_role role;
	uint32_t capacity;
	/* writer only: slots not allocated, as a stack; allocated[slot] */
	uint32_t *free_slots;
	uint32_t n_free;
	uint8_t *allocated;
	bool shm;		/* name is a POSIX shm name, not a path */
	char name[PATH_MAX];	/* for shm_open() ("/NAME") or open() */
	char where[PATH_MAX];	/* the file, for messages */
};

static_assert(sizeof(struct ft_entry_data) % sizeof(uint64_t) == 0,
	      "entry data are copied as 64-bit words");

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ volatile("yield");
#endif
}

static size_t ring_off(void)
{
	return FT_HDR_SIZE;
}

static size_t entries_off(uint32_t capacity)
{
	size_t end = ring_off() + (size_t)capacity * sizeof(struct ft_notice);

	return (end + FT_CACHE_LINE - 1) & ~(size_t)(FT_CACHE_LINE - 1);
}

static size_t table_size(uint32_t capacity)
{
	return entries_off(capacity) + (size_t)capacity * sizeof(struct ft_entry);
}

/* the size of the file and of its mappings for a table of @size bytes */
static size_t file_size(const struct ft *ft, size_t size)
{
	return (size + ft->granule - 1) / ft->granule * ft->granule;
}

/* take (F_WRLCK) or release (F_UNLCK) one lock byte; wait or fail with -EBUSY */
static int ofd_lock(int fd, off_t byte, short type, bool wait)
{
	struct flock fl = {
		.l_type = type,
		.l_whence = SEEK_SET,
		.l_start = byte,
		.l_len = 1,
	};

	while (fcntl(fd, wait ? F_OFD_SETLKW : F_OFD_SETLK, &fl) < 0) {
		if (errno == EINTR)
			continue;
		return errno == EAGAIN || errno == EACCES ? -EBUSY : -errno;
	}
	return 0;
}

static void entry_write(struct ft_entry *e, const struct ft_entry_data *d)
{
	uint64_t s = __atomic_load_n(&e->seq, __ATOMIC_RELAXED) | 1;
	uint64_t *dst = (uint64_t *)&e->data;
	const unsigned n = sizeof(*d) / sizeof(uint64_t);

	/* s | 1: an entry left odd by a killed writer is finished, not skipped */
	__atomic_store_n(&e->seq, s, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);	/* W1 */
	for (unsigned i = 0; i < n; i++) {
		uint64_t w;

		memcpy(&w, (const char *)d + i * sizeof(w), sizeof(w));
		__atomic_store_n(&dst[i], w, __ATOMIC_RELAXED);
	}
	__atomic_store_n(&e->seq, s + 1, __ATOMIC_RELEASE);	/* W2 */
}

/* 0 with *d consistent (as of seq *seq), or -EAGAIN after READ_TRIES */
static int entry_read(const struct ft_entry *e, struct ft_entry_data *d,
		      uint64_t *seq)
{
	const uint64_t *src = (const uint64_t *)&e->data;
	const unsigned n = sizeof(*d) / sizeof(uint64_t);

	for (unsigned t = 0; t < READ_TRIES; t++) {
		uint64_t s1 = __atomic_load_n(&e->seq, __ATOMIC_ACQUIRE); /* R1 */

		if (s1 & 1) {
			cpu_relax();
			continue;
		}
		for (unsigned i = 0; i < n; i++) {
			uint64_t w = __atomic_load_n(&src[i], __ATOMIC_RELAXED);

			memcpy((char *)d + i * sizeof(w), &w, sizeof(w));
		}
		__atomic_thread_fence(__ATOMIC_ACQUIRE);	/* R2 */
		if (__atomic_load_n(&e->seq, __ATOMIC_RELAXED) == s1) {
			*seq = s1;
			return 0;
		}
	}
	return -EAGAIN;
}

/*
 * Ring, producer side.  The acquire load of tail pairs with the release
 * store in ft_notice_pop(): the consumer is done with the elements it
 * released before they are overwritten.  The release store of head pairs
 * with the acquire load in ft_notice_pop(): the element is written before
 * the consumer can see it.  The release store of overflow pairs with the
 * exchange in ft_overflow_take(): the lost change is visible to the rescan.
 */
static void notice_push(struct ft *ft, uint32_t slot)
{
	struct ft_header *h = ft->hdr;
	uint64_t head = __atomic_load_n(&h->head, __ATOMIC_RELAXED);
	uint64_t tail = __atomic_load_n(&h->tail, __ATOMIC_ACQUIRE);
	struct ft_notice *n = &ft->ring[head & (ft->capacity - 1)];

	if (head - tail >= ft->capacity) {
		__atomic_store_n(&h->overflow, 1, __ATOMIC_RELEASE);
		return;
	}
	n->slot = slot;
	n->seq = (uint32_t)__atomic_load_n(&ft->entries[slot].seq,
					   __ATOMIC_RELAXED);
	__atomic_store_n(&h->head, head + 1, __ATOMIC_RELEASE);
}

/*
 * @name is a shm name ("sbc_flows": shm_open("/sbc_flows")) or an absolute
 * path ("/dev/hugepages/sbc_flows"); fills what to open and where it is.
 * DPDK's EAL deletes the files in its --huge-dir whose names match
 * "*map_*" and that no process holds an flock() on (its leftover
 * hugepages) at every start; the table's OFD locks are not flock()s, so a
 * name like that would vanish under a running dataplane: refused.
 */
static int check_name(const char *name, char *open_name, char *where,
		      size_t len, bool *shm)
{
	size_t n = name ? strlen(name) : 0;
	const char *base;

	if (n == 0)
		return -EINVAL;
	if (name[0] != '/') {
		if (strchr(name, '/') || n + 2 > NAME_MAX)
			return -EINVAL;
		if (snprintf(where, len, "/dev/shm/%s", name) >= (int)len)
			return -ENAMETOOLONG;
		snprintf(open_name, len, "/%s", name);
		*shm = true;
		return 0;
	}
	base = strrchr(name, '/') + 1;
	if (!*base || !strcmp(base, ".") || !strcmp(base, "..") ||
	    strstr(base, "map_"))
		return -EINVAL;
	if (n >= len)
		return -ENAMETOOLONG;
	memcpy(open_name, name, n + 1);
	memcpy(where, name, n + 1);
	*shm = false;
	return 0;
}

int ft_location(const char *name, char *buf, size_t len)
{
	char open_name[PATH_MAX], where[PATH_MAX];
	bool shm;
	int ret = check_name(name, open_name, where, sizeof(where), &shm);

	if (ret)
		return ret;
	if (snprintf(buf, len, "%s", where) >= (int)len)
		return -ENAMETOOLONG;
	return 0;
}

/* open or create the object; a path must be (or become) a regular file */
static int open_object(struct ft *ft)
{
	struct statfs sfs;
	struct stat st;
	int ret;

	if (ft->shm)
		ft->fd = shm_open(ft->name, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	else
		ft->fd = open(ft->name, O_RDWR | O_CREAT | O_CLOEXEC |
			      O_NOFOLLOW, 0600);
	if (ft->fd < 0 || fstat(ft->fd, &st) < 0 ||
	    fstatfs(ft->fd, &sfs) < 0) {
		ret = -errno;
		log_err("flow table %s: %s%s", ft->where, strerror(-ret),
			ret == -ENOENT && !ft->shm ?
			" (is its directory, e.g. the hugetlbfs mount, there?)" :
			"");
		return ret;
	}
	if (!S_ISREG(st.st_mode)) {
		log_err("flow table %s: not a regular file", ft->where);
		return -EINVAL;
	}
	ft->granule = 1;
	if (sfs.f_type == HUGETLBFS_MAGIC && sfs.f_bsize > 1)
		ft->granule = (size_t)sfs.f_bsize;
	return 0;
}

static uint64_t new_generation(void)
{
	struct timespec ts;
	uint64_t g;

	clock_gettime(CLOCK_REALTIME, &ts);
	g = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	return g ? g : 1;
}

static int map(struct ft *ft, size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, ft->fd, 0);

	if (p == MAP_FAILED) {
		int ret = -errno;

		/* hugetlbfs reserves the pages of a shared mapping here */
		if (ret == -ENOMEM && ft->granule > 1)
			log_err("flow table %s: not enough free huge pages for "
				"%zu bytes (%zu pages of %zu kB; see "
				"HugePages_Free in /proc/meminfo)", ft->where,
				size, size / ft->granule, ft->granule / 1024);
		return ret;
	}
	ft->hdr = p;
	ft->size = size;
	return 0;
}

static void unmap(struct ft *ft)
{
	if (ft->hdr)
		munmap(ft->hdr, ft->size);
	ft->hdr = NULL;
}

/* A new object, or one whose creator died before storing the magic. */
static int init_table(struct ft *ft, uint32_t capacity)
{
	size_t size = table_size(capacity);
	struct ft_header *h;
	int ret;

	if (ftruncate(ft->fd, (off_t)file_size(ft, size)) < 0)
		return -errno;
	ret = map(ft, file_size(ft, size));
	if (ret) {
		/* empty again: the next attach creates it at its own size */
		if (ftruncate(ft->fd, 0) < 0)
			log_warn("flow table %s: cannot truncate it again: %s",
				 ft->where, strerror(errno));
		return ret;
	}
	h = ft->hdr;
	/* every page touched now: none faults in later on the packet path */
	memset(h, 0, ft->size);
	h->abi_version = FT_ABI_VERSION;
	h->capacity = capacity;
	h->header_size = FT_HDR_SIZE;
	h->entry_size = sizeof(struct ft_entry);
	h->generation = new_generation();
	h->ring_off = ring_off();
	h->entries_off = entries_off(capacity);
	h->total_size = size;
	/* last, so that a crash before this point leaves "not initialised" */
	__atomic_store_n(&h->magic, FT_MAGIC, __ATOMIC_RELEASE);
	if (ft->granule > 1)
		log_info("flow table %s: created, %u entries, %zu bytes on %zu "
			 "kB pages", ft->where, capacity, size,
			 ft->granule / 1024);
	else
		log_info("flow table %s: created, %u entries, %zu bytes",
			 ft->where, capacity, size);
	return 0;
}

static int check_table(struct ft *ft, uint32_t capacity, size_t size)
{
	const struct ft_header *h = ft->hdr;

	if (h->abi_version != FT_ABI_VERSION) {
		log_err("flow table %s: ABI version %u, this program speaks %u",
			ft->where, h->abi_version, FT_ABI_VERSION);
		return -EPROTONOSUPPORT;
	}
	if (h->header_size != FT_HDR_SIZE ||
	    h->entry_size != sizeof(struct ft_entry) ||
	    h->capacity < FT_CAPACITY_MIN || h->capacity > FT_CAPACITY_MAX ||
	    (h->capacity & (h->capacity - 1)) ||
	    h->ring_off != ring_off() ||
	    h->entries_off != entries_off(h->capacity) ||
	    h->total_size != table_size(h->capacity) ||
	    file_size(ft, h->total_size) != size) {
		log_err("flow table %s: inconsistent header", ft->where);
		return -EPROTO;
	}
	if (h->capacity != capacity) {
		log_err("flow table %s: has %u entries, configured %u; remove "
			"%s (stops every flow) to change it", ft->where,
			h->capacity, capacity, ft->where);
		return -EINVAL;
	}
	return 0;
}

/* map the object and make sure it is a valid table; under FT_LOCK_INIT */
static int open_table(struct ft *ft, uint32_t capacity)
{
	struct stat st;
	int ret;

	if (fstat(ft->fd, &st) < 0)
		return -errno;
	if (st.st_mode & 077) {
		log_err("flow table %s: mode %03o, must be 0600 (it holds SRTP "
			"keys)", ft->where, (unsigned)(st.st_mode & 0777));
		return -EACCES;
	}
	if (st.st_size == 0)
		return init_table(ft, capacity);
	if ((size_t)st.st_size < FT_HDR_SIZE) {
		log_err("flow table %s: %lld bytes, not a flow table",
			ft->where, (long long)st.st_size);
		return -EPROTO;
	}
	ret = map(ft, (size_t)st.st_size);
	if (ret)
		return ret;
	switch (__atomic_load_n(&ft->hdr->magic, __ATOMIC_ACQUIRE)) {
	case FT_MAGIC:
		return check_table(ft, capacity, (size_t)st.st_size);
	case 0:
		unmap(ft);
		return init_table(ft, capacity);
	default:
		log_err("flow table %s: bad magic, not a flow table",
			ft->where);
		return -EPROTO;
	}
}

/* the owner: close the counter updates a killed owner left odd */
static void owner_recover(struct ft *ft)
{
	for (uint32_t i = 0; i < ft->capacity; i++) {
		struct ft_counters *c = &ft->entries[i].ctr;
		uint32_t s = __atomic_load_n(&c->cseq, __ATOMIC_RELAXED);

		if (s & 1)
			__atomic_store_n(&c->cseq, s + 1, __ATOMIC_RELEASE);
	}
	__atomic_store_n(&ft->hdr->owner_pid, (int32_t)getpid(),
			 __ATOMIC_RELAXED);
}

/* the writer: free what a killed writer left half-written, list free slots */
static int writer_recover(struct ft *ft)
{
	uint32_t repaired = 0;

	ft->free_slots = calloc(ft->capacity, sizeof(*ft->free_slots));
	ft->allocated = calloc(ft->capacity, sizeof(*ft->allocated));
	if (!ft->free_slots || !ft->allocated)
		return -ENOMEM;
	for (uint32_t i = ft->capacity; i-- > 0;) {
		struct ft_entry *e = &ft->entries[i];

		if (__atomic_load_n(&e->seq, __ATOMIC_RELAXED) & 1) {
			struct ft_entry_data d = { .state = FT_STATE_FREE,
						   .epoch = e->data.epoch };

			entry_write(e, &d);
			notice_push(ft, i);
			repaired++;
		}
		if (e->data.state == FT_STATE_ACTIVE)
			ft->allocated[i] = 1;
		else
			ft->free_slots[ft->n_free++] = i;
	}
	if (repaired)
		log_warn("flow table %s: freed %u entries a previous writer left "
			 "half-written", ft->where, repaired);
	__atomic_store_n(&ft->hdr->writer_pid, (int32_t)getpid(),
			 __ATOMIC_RELAXED);
	return 0;
}

struct ft *ft_create_or_attach(const char *name, uint32_t capacity,
			       enum ft_role role)
{
	const off_t role_byte = role == FT_ROLE_OWNER ? FT_LOCK_OWNER :
							 FT_LOCK_WRITER;
	struct ft *ft;
	int ret;

	if ((role != FT_ROLE_WRITER && role != FT_ROLE_OWNER) ||
	    capacity < FT_CAPACITY_MIN || capacity > FT_CAPACITY_MAX ||
	    (capacity & (capacity - 1))) {
		errno = EINVAL;
		return NULL;
	}
	ft = calloc(1, sizeof(*ft));
	if (!ft)
		return NULL;
	ft->fd = -1;
	ft->role = role;
	ret = check_name(name, ft->name, ft->where, sizeof(ft->name),
			 &ft->shm);
	if (ret)
		goto err;
	ret = open_object(ft);
	if (ret)
		goto err;
	ret = ofd_lock(ft->fd, FT_LOCK_INIT, F_WRLCK, true);
	if (ret)
		goto err;
	ret = open_table(ft, capacity);
	if (!ret) {
		ret = ofd_lock(ft->fd, role_byte, F_WRLCK, false);
		if (ret == -EBUSY)
			log_err("flow table %s: in use by another %s (pid %d)",
				ft->where, role == FT_ROLE_OWNER ? "dataplane" :
				"sbcd", role == FT_ROLE_OWNER ?
				ft->hdr->owner_pid : ft->hdr->writer_pid);
	}
	ofd_lock(ft->fd, FT_LOCK_INIT, F_UNLCK, false);
	if (ret)
		goto err;
	ft->capacity = capacity;
	ft->ring = (struct ft_notice *)((char *)ft->hdr + ft->hdr->ring_off);
	ft->entries = (struct ft_entry *)((char *)ft->hdr +
					  ft->hdr->entries_off);
	if (role == FT_ROLE_OWNER) {
		owner_recover(ft);
	} else {
		ret = writer_recover(ft);
		if (ret)
			goto err;
	}
	return ft;
err:
	ft_detach(ft);
	errno = -ret;
	return NULL;
}

void ft_detach(struct ft *ft)
{
	if (!ft)
		return;
	/* the pid goes before the lock, so a new holder's pid is never lost */
	if (ft->hdr && ft->entries) {
		int32_t *pid = ft->role == FT_ROLE_OWNER ? &ft->hdr->owner_pid :
							    &ft->hdr->writer_pid;

		__atomic_store_n(pid, 0, __ATOMIC_RELAXED);
	}
	unmap(ft);
	if (ft->fd >= 0)
		close(ft->fd);	/* drops the OFD locks */
	free(ft->free_slots);
	free(ft->allocated);
	free(ft);
}

int ft_unlink(const char *name)
{
	char open_name[PATH_MAX], where[PATH_MAX];
	bool shm;
	int ret = check_name(name, open_name, where, sizeof(where), &shm);

	if (ret)
		return ret;
	if (shm)
		return shm_unlink(open_name) < 0 ? -errno : 0;
	return unlink(open_name) < 0 ? -errno : 0;
}

uint32_t ft_capacity(const struct ft *ft)
{
	return ft->capacity;
}

uint64_t ft_generation(const struct ft *ft)
{
	return ft->hdr->generation;
}

pid_t ft_owner_pid(const struct ft *ft)
{
	struct flock fl = {
		.l_type = F_WRLCK,
		.l_whence = SEEK_SET,
		.l_start = FT_LOCK_OWNER,
		.l_len = 1,
	};

	if (ft->role == FT_ROLE_OWNER)
		return getpid();
	if (fcntl(ft->fd, F_OFD_GETLK, &fl) < 0)
		return -errno;
	if (fl.l_type == F_UNLCK)
		return 0;
	return __atomic_load_n(&ft->hdr->owner_pid, __ATOMIC_RELAXED);
}

/* writer side ------------------------------------------------------------- */

static bool writer_slot(const struct ft *ft, uint32_t slot)
{
	return slot < ft->capacity && ft->allocated[slot];
}

int ft_slot_alloc(struct ft *ft, uint32_t *slot)
{
	if (ft->role != FT_ROLE_WRITER)
		return -EPERM;
	if (ft->n_free == 0)
		return -ENOSPC;
	*slot = ft->free_slots[--ft->n_free];
	ft->allocated[*slot] = 1;
	return 0;
}

int ft_slot_free(struct ft *ft, uint32_t slot)
{
	int ret = ft_flow_del(ft, slot);

	if (ret)
		return ret;
	ft->allocated[slot] = 0;
	ft->free_slots[ft->n_free++] = slot;
	return 0;
}

static bool zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static bool endpoint_ok(const struct ft_endpoint *ep)
{
	if (ep->reserved)
		return false;
	if (ep->family == FT_FAMILY_IPV4)
		return zero(ep->addr + 4, sizeof(ep->addr) - 4);
	return ep->family == FT_FAMILY_IPV6;
}

static bool srtp_ok(const struct ft_srtp *s)
{
	unsigned len = ft_srtp_key_len(s->suite);

	return s->suite < FT_SUITE_COUNT && !s->reserved &&
	       zero(s->key + len, sizeof(s->key) - len);
}

/* RFC 4975 section 9: session-id = 1*( unreserved / "+" / "=" / "/" ) */
static bool msrp_id_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (c && strchr("-._~+=/", c));
}

/* an MSRP leg: the packet fields are not there, struct ft_msrp is */
static bool msrp_ok(const struct ft_msrp *m)
{
	unsigned fp_len = ft_fp_len(m->fp_hash);

	if (m->fp_hash >= FT_FP_COUNT ||
	    !zero(m->fp + fp_len, FT_FP_MAX - fp_len) ||
	    (m->flags & ~(FT_MSRP_ACTIVE | FT_MSRP_TLS)) ||
	    !m->id_len ||
	    m->id_len > FT_MSRP_ID_MAX || !m->path_len ||
	    m->path_len > FT_MSRP_PATH_MAX ||
	    !zero((const uint8_t *)m->id + m->id_len,
		  FT_MSRP_ID_MAX - m->id_len) ||
	    !zero((const uint8_t *)m->path + m->path_len,
		  FT_MSRP_PATH_MAX - m->path_len))
		return false;
	for (unsigned i = 0; i < m->id_len; i++)
		if (!msrp_id_char(m->id[i]))
			return false;
	for (unsigned i = 0; i < m->path_len; i++)
		if ((uint8_t)m->path[i] <= ' ' && m->path[i] != ' ')
			return false;
	if (m->flags & FT_MSRP_ACTIVE)
		return endpoint_ok(&m->peer) && m->peer.port;
	return m->peer.family == FT_FAMILY_NONE ||
	       endpoint_ok(&m->peer);
}

static bool flow_ok(const struct ft *ft, const struct ft_flow *f)
{
	if (f->kind == FT_KIND_MSRP)
		return (f->pair == FT_NO_SLOT || f->pair < ft->capacity) &&
		       f->latch <= FT_LATCH_SSRC && endpoint_ok(&f->local) &&
		       f->local.port && msrp_ok(&f->msrp);
	return (f->pair == FT_NO_SLOT || f->pair < ft->capacity) &&
	       f->latch <= FT_LATCH_SSRC && f->kind <= FT_KIND_RTP_RTCP_MUX &&
	       endpoint_ok(&f->local) && endpoint_ok(&f->src) &&
	       endpoint_ok(&f->dst) && f->src.family == f->dst.family &&
	       srtp_ok(&f->srtp_in) && srtp_ok(&f->srtp_out) &&
	       zero(f->reserved, sizeof(f->reserved));
}

/* an epoch newer than any the slot's data or counters have seen */
static uint32_t next_epoch(const struct ft_entry *e)
{
	uint32_t a = e->data.epoch;
	uint32_t b = __atomic_load_n(&e->ctr.epoch, __ATOMIC_RELAXED);

	return ((int32_t)(a - b) >= 0 ? a : b) + 1;
}

int ft_flow_put(struct ft *ft, uint32_t slot, const struct ft_flow *spec)
{
	struct ft_entry *e;
	struct ft_entry_data d;

	if (ft->role != FT_ROLE_WRITER)
		return -EPERM;
	if (!writer_slot(ft, slot) || !flow_ok(ft, spec))
		return -EINVAL;
	e = &ft->entries[slot];
	/* only this process writes the data: reading them needs no seq */
	d.state = FT_STATE_ACTIVE;
	d.epoch = e->data.state == FT_STATE_ACTIVE ? e->data.epoch :
						      next_epoch(e);
	d.flow = *spec;
	entry_write(e, &d);
	notice_push(ft, slot);
	return 0;
}

int ft_flow_del(struct ft *ft, uint32_t slot)
{
	struct ft_entry *e;
	struct ft_entry_data d;

	if (ft->role != FT_ROLE_WRITER)
		return -EPERM;
	if (!writer_slot(ft, slot))
		return -EINVAL;
	e = &ft->entries[slot];
	if (e->data.state != FT_STATE_ACTIVE)
		return 0;
	memset(&d, 0, sizeof(d));	/* no key outlives its flow */
	d.state = FT_STATE_FREE;
	d.epoch = e->data.epoch;
	entry_write(e, &d);
	notice_push(ft, slot);
	return 0;
}

/* the counters, under cseq; see ft_ctr_begin() for the writer's half */
static int counters_read(const struct ft_counters *c, uint32_t *epoch,
			 struct ft_stats *out)
{
	for (unsigned t = 0; t < READ_TRIES; t++) {
		uint32_t s1 = __atomic_load_n(&c->cseq, __ATOMIC_ACQUIRE);
		uint64_t w[2];

		if (s1 & 1) {
			cpu_relax();
			continue;
		}
		*epoch = __atomic_load_n(&c->epoch, __ATOMIC_RELAXED);
		out->packets = __atomic_load_n(&c->packets, __ATOMIC_RELAXED);
		out->bytes = __atomic_load_n(&c->bytes, __ATOMIC_RELAXED);
		out->last_ns = __atomic_load_n(&c->last_ns, __ATOMIC_RELAXED);
		for (unsigned i = 0; i < FT_DROP_COUNT; i++)
			out->drops[i] = __atomic_load_n(&c->drops[i],
							__ATOMIC_RELAXED);
		out->last_ssrc = __atomic_load_n(&c->last_ssrc,
						 __ATOMIC_RELAXED);
		memset(&out->latched, 0, sizeof(out->latched));
		out->latched.family = __atomic_load_n(&c->latched_family,
						      __ATOMIC_RELAXED);
		out->latched.port = __atomic_load_n(&c->latched_port,
						    __ATOMIC_RELAXED);
		w[0] = __atomic_load_n(&c->latched_addr.w[0], __ATOMIC_RELAXED);
		w[1] = __atomic_load_n(&c->latched_addr.w[1], __ATOMIC_RELAXED);
		memcpy(out->latched.addr, w, sizeof(w));
		/* pairs with the release fence in ft_ctr_begin() */
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&c->cseq, __ATOMIC_RELAXED) == s1)
			return 0;
	}
	return -EAGAIN;
}

int ft_flow_stats(const struct ft *ft, uint32_t slot, struct ft_stats *out)
{
	struct ft_version ver;
	struct ft_flow f;
	uint32_t epoch;
	int ret = ft_flow_read(ft, slot, &f, &ver);

	if (ret)
		return ret;
	ret = counters_read(&ft->entries[slot].ctr, &epoch, out);
	if (ret)
		return ret;
	/* counts of the slot's previous flow: this one has none yet */
	if (epoch != ver.epoch)
		memset(out, 0, sizeof(*out));
	return 0;
}

void ft_lanes_sum(const struct ft *ft, struct ft_lane *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned i = 0; i < FT_LANES; i++) {
		const struct ft_lane *l = &ft->hdr->lanes[i];

		out->unknown_flow += __atomic_load_n(&l->unknown_flow,
						     __ATOMIC_RELAXED);
		out->malformed += __atomic_load_n(&l->malformed,
						  __ATOMIC_RELAXED);
	}
}

/* either side --------------------------------------------------------------- */

int ft_flow_read(const struct ft *ft, uint32_t slot, struct ft_flow *out,
		 struct ft_version *ver)
{
	struct ft_entry_data d;
	uint64_t seq;
	int ret;

	if (slot >= ft->capacity)
		return -EINVAL;
	ret = entry_read(&ft->entries[slot], &d, &seq);
	if (ret)
		return ret;
	if (ver)
		*ver = (struct ft_version){ .seq = seq, .epoch = d.epoch };
	if (d.state != FT_STATE_ACTIVE)
		return -ENOENT;
	*out = d.flow;
	return 0;
}

int ft_endpoint_from_sockaddr(struct ft_endpoint *ep, const struct sockaddr *sa)
{
	memset(ep, 0, sizeof(*ep));
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		ep->family = FT_FAMILY_IPV4;
		memcpy(ep->addr, &in->sin_addr, sizeof(in->sin_addr));
		ep->port = ntohs(in->sin_port);
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

		ep->family = FT_FAMILY_IPV6;
		memcpy(ep->addr, &in6->sin6_addr, sizeof(in6->sin6_addr));
		ep->port = ntohs(in6->sin6_port);
		return 0;
	}
	return -EAFNOSUPPORT;
}

/* owner side ---------------------------------------------------------------- */

/* Ring, consumer side: the pairings are described at notice_push(). */
unsigned ft_notice_pop(struct ft *ft, struct ft_notice *out, unsigned max)
{
	struct ft_header *h = ft->hdr;
	uint64_t tail, head;
	unsigned n;

	if (ft->role != FT_ROLE_OWNER)
		return 0;
	tail = __atomic_load_n(&h->tail, __ATOMIC_RELAXED);
	head = __atomic_load_n(&h->head, __ATOMIC_ACQUIRE);
	n = head - tail < max ? (unsigned)(head - tail) : max;
	for (unsigned i = 0; i < n; i++)
		out[i] = ft->ring[(tail + i) & (ft->capacity - 1)];
	__atomic_store_n(&h->tail, tail + n, __ATOMIC_RELEASE);
	return n;
}

void ft_notice_discard(struct ft *ft)
{
	struct ft_header *h = ft->hdr;

	if (ft->role != FT_ROLE_OWNER)
		return;
	__atomic_store_n(&h->tail, __atomic_load_n(&h->head, __ATOMIC_ACQUIRE),
			 __ATOMIC_RELEASE);
}

bool ft_overflow_take(struct ft *ft)
{
	uint32_t *flag = &ft->hdr->overflow;

	if (ft->role != FT_ROLE_OWNER)
		return false;
	/* a plain load first: no locked instruction when nothing overflowed */
	if (!__atomic_load_n(flag, __ATOMIC_RELAXED) ||
	    !__atomic_exchange_n(flag, 0, __ATOMIC_ACQ_REL))
		return false;
	ft_notice_discard(ft);
	return true;
}

struct ft_counters *ft_counters_of(struct ft *ft, uint32_t slot)
{
	return slot < ft->capacity ? &ft->entries[slot].ctr : NULL;
}

struct ft_entry *ft_entries_of(struct ft *ft)
{
	return ft->entries;
}

struct ft_lane *ft_lane_of(struct ft *ft, unsigned i)
{
	return i < FT_LANES ? &ft->hdr->lanes[i] : NULL;
}

void ft_owner_beat(struct ft *ft, uint64_t now_ns)
{
	__atomic_store_n(&ft->hdr->owner_beat_ns, now_ns, __ATOMIC_RELAXED);
}
