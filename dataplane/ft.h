/*
 * DOC: Flow table - the shared-memory ABI between sbcd and sbc-dataplane
 *
 * sbcd (the "writer") says which media flows exist and what to do with
 * them; sbc-dataplane (the "owner") reads them, relays packets and writes
 * counters back.  Both map one POSIX shared-memory object, /dev/shm/NAME
 * (NAME from paths.flow_table), or, when paths.flow_table is an absolute
 * path, that file: on a hugetlbfs mount the table sits on huge pages, so
 * the packet path's look at an entry costs no TLB miss of its own (the
 * file is then rounded up to whole huge pages).  Mode 0600: the entries
 * hold SRTP master keys, so only the user both daemons run as may map it,
 * and an existing object that group or others can open is refused.  This
 * header is the only definition of its layout; every size and offset is
 * checked below.
 *
 *   offset 0   struct ft_header (FT_HDR_SIZE bytes)
 *   +--------------------------------------------------------------+
 *   | line 0  magic "SBCFLOW1" | abi | capacity | sizes | generation |  set at creation
 *   | line 1  owner_pid | writer_pid | owner_beat_ns                  |  pids, heartbeat
 *   | line 2  ring head | overflow                                   |  writer only
 *   | line 3  ring tail                                              |  owner only
 *   | line 4+ lanes[FT_LANES]: unknown_flow | malformed               |  one lcore each
 *   +--------------------------------------------------------------+
 *   hdr->ring_off: struct ft_notice ring[capacity] {slot, seq}       writer -> owner
 *   +--------------------------------------------------------------+
 *   hdr->entries_off: struct ft_entry entries[capacity], 384 bytes each
 *   |  line 0-3  seq | state | epoch | struct ft_flow | pad           writer only
 *   |  line 4    cseq | epoch | packets | bytes | last_ns | drops | ssrc   owner only
 *   |  line 5    latched address                                        owner only
 *   +--------------------------------------------------------------+
 *
 * Who may attach: an OFD lock (fcntl F_OFD_SETLK) on byte FT_LOCK_OWNER of
 * the object is held by the one dataplane, one on FT_LOCK_WRITER by the one
 * sbcd.  The kernel drops them when the process exits however it dies, so
 * a second dataplane fails with EBUSY while the first lives and a restarted
 * one attaches and keeps every flow.  The pids in line 1 are for messages
 * only; the locks are the rule.  Creation and validation run under a third
 * lock (FT_LOCK_INIT), so two processes starting together cannot both
 * initialise the table.  The generation (CLOCK_REALTIME ns at creation)
 * changes only when the object is re-created, so sbcd can tell whether the
 * slots it persisted still mean anything.
 *
 * Entries: one writer (sbcd, single-threaded) per table.  It changes an
 * entry under a sequence counter (odd while writing); readers retry on an
 * odd or changed counter (see ft.c for the fences).  After each change the
 * writer pushes {slot, seq} on the notice ring, so the dataplane updates its
 * lookup index and SRTP sessions without scanning.  When the ring is full
 * the writer drops the notice and raises hdr->overflow instead; the
 * dataplane then takes the flag (ft_overflow_take()), which discards what
 * the ring still holds, and rescans every slot.
 *
 * Kinds: RTP, RTCP and RTP+RTCP (mux) entries are packet flows, one per
 * direction, looked up by the forwarding lcores on @local.  An
 * FT_KIND_MSRP entry is one leg of an MSRP session instead (ABI version
 * 2): struct ft_msrp takes the place of the packet fields, the dataplane's
 * MSRP relay serves it on kernel sockets (msrp_relay.h) and the flow index
 * leaves it out, since every leg of a realm shares its MSRP address and
 * port.  Its counters count chunks (packets) and body bytes from the peer.
 *
 * Counters: written by the dataplane only, in the entry's lines 4-5, never
 * shared with the writer's lines.  A flow is counted by the lcore that
 * receives it: RSS hashes the 5-tuple, which is fixed for a media stream,
 * so one lcore owns it and plain relaxed load/store suffices (no locked
 * read-modify-write per packet).  When the peer's source moves (latching,
 * NAT rebinding) packets may briefly arrive on two lcores: then a few
 * increments can be lost, nothing worse (the cseq protocol below heals).
 * The counters of a re-used slot restart at zero: each new flow in a slot
 * gets a new epoch, and the first count under a newer epoch resets them.
 * Times are CLOCK_MONOTONIC nanoseconds (the dataplane may derive them from
 * the TSC calibrated against that clock); sbcd compares them with its own
 * clock_gettime(CLOCK_MONOTONIC).  Counters for packets that match no entry
 * are per lcore ("lanes") in the header.
 */
#ifndef SBC_DP_FT_H
#define SBC_DP_FT_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sys/socket.h>
#include <sys/types.h>

#define FT_MAGIC 0x31574f4c46434253ULL	/* "SBCFLOW1" little-endian */
#define FT_ABI_VERSION 3u	/* 2: FT_KIND_MSRP, 3: ft_msrp.fp */
#define FT_CACHE_LINE 64
#define FT_CAPACITY_MIN 8u
#define FT_CAPACITY_MAX (16u * 1024 * 1024)
#define FT_NO_SLOT UINT32_MAX
#define FT_LANES 128		/* forwarding lcores that may count */
#define FT_KEY_MAX 30		/* master key 16 + salt 14 (AES-CM) */

/* byte offsets of the OFD locks in the shared-memory object */
#define FT_LOCK_OWNER 0
#define FT_LOCK_WRITER 1
#define FT_LOCK_INIT 2

enum ft_role {
	FT_ROLE_WRITER = 1,	/* sbcd: puts and deletes flows */
	FT_ROLE_OWNER,		/* sbc-dataplane: reads flows, counts */
};

/* Address families in the ABI; not AF_* so the ABI never depends on libc. */
enum ft_family {
	FT_FAMILY_NONE = 0,
	FT_FAMILY_IPV4 = 4,
	FT_FAMILY_IPV6 = 6,
};

enum ft_latch {
	FT_LATCH_OFF = 0,	/* send to dst, accept any source */
	FT_LATCH_FIRST,		/* dst becomes the first packet's source */
	FT_LATCH_SSRC,		/* ... and again whenever the SSRC changes */
};

enum ft_kind {
	FT_KIND_RTP = 0,
	FT_KIND_RTCP,
	FT_KIND_RTP_RTCP_MUX,
	FT_KIND_MSRP,		/* one leg of an MSRP session: struct ft_msrp */
};

/* Key material: master key (16 bytes) then master salt (ft_srtp_salt_len). */
enum ft_suite {
	FT_SUITE_NONE = 0,
	FT_SUITE_AES_CM_128_HMAC_SHA1_80,
	FT_SUITE_AES_CM_128_HMAC_SHA1_32,
	FT_SUITE_AEAD_AES_128_GCM,
	FT_SUITE_COUNT,
};

/* ft_srtp_key_len - bytes of key + salt the suite uses; the rest is zero */
static inline unsigned ft_srtp_key_len(enum ft_suite suite)
{
	switch (suite) {
	case FT_SUITE_AES_CM_128_HMAC_SHA1_80:
	case FT_SUITE_AES_CM_128_HMAC_SHA1_32:
		return 16 + 14;
	case FT_SUITE_AEAD_AES_128_GCM:
		return 16 + 12;
	default:
		return 0;
	}
}

enum ft_drop {
	FT_DROP_AUTH = 0,	/* SRTP/SRTCP authentication failed */
	FT_DROP_REPLAY,		/* SRTP replay check failed */
	FT_DROP_MALFORMED,	/* matched the flow, not valid RTP/RTCP */
	FT_DROP_COUNT,
};

/*
 * One end of a flow.  addr is in network byte order; an IPv4 address takes
 * the first 4 bytes and the other 12 are zero (so the struct can be hashed
 * as it is).  port is in host byte order.
 */
struct ft_endpoint {
	uint8_t addr[16];
	uint16_t port;
	uint8_t family;		/* enum ft_family */
	uint8_t reserved;	/* zero */
};

struct ft_srtp {
	uint8_t suite;		/* enum ft_suite */
	uint8_t reserved;	/* zero */
	uint8_t key[FT_KEY_MAX];	/* master key + salt */
};

#define FT_MSRP_ID_MAX 16	/* the SBC's MSRP session-id on a leg */
#define FT_MSRP_PATH_MAX 92	/* the peer's a=path, as it sent it */
#define FT_MSRP_ACTIVE 0x01u	/* the relay connects to @peer (RFC 6135) */
#define FT_MSRP_TLS 0x02u	/* the SBC's URI is msrps: on its TLS port */
#define FT_FP_MAX 64		/* bytes of the longest digest, SHA-512 */

/* The hash of a certificate fingerprint (RFC 8122 section 5). */
enum ft_fp_hash {
	FT_FP_NONE = 0,		/* no fingerprint */
	FT_FP_SHA1,
	FT_FP_SHA224,
	FT_FP_SHA256,
	FT_FP_SHA384,
	FT_FP_SHA512,
	FT_FP_COUNT,
};

/* ft_fp_len - bytes of a @hash digest; 0 for none or unknown */
static inline unsigned ft_fp_len(unsigned hash)
{
	static const unsigned char len[FT_FP_COUNT] = { 0, 20, 28, 32, 48,
							64 };

	return hash < FT_FP_COUNT ? len[hash] : 0;
}

/*
 * One leg of an MSRP session (kind FT_KIND_MSRP; the MSRP relay of the
 * dataplane process, dataplane/msrp_relay.h).  The SBC's URI toward the
 * leg is msrp://LOCAL/ID;tcp with ft_flow.local (the realm's MSRP address
 * and port, shared by every leg of the realm) and @id, msrps:// on the
 * realm's TLS port with FT_MSRP_TLS (RFC 4975 section 14); ft_flow.pair
 * is the other leg's slot.  Text fields are not NUL-terminated; the bytes after
 * their length are zero.  @fp is the certificate fingerprint the peer's SDP
 * gave (a=fingerprint, RFC 8122): a TLS peer of the leg must present that
 * certificate (ABI version 3; FT_FP_NONE: no fingerprint, the bytes zero).
 */
struct ft_msrp {
	struct ft_endpoint peer;	/* first hop of @path, to connect to;
					 * family NONE unless FT_MSRP_ACTIVE */
	uint8_t flags;		/* FT_MSRP_* */
	uint8_t id_len;		/* 1..FT_MSRP_ID_MAX */
	uint8_t path_len;	/* 1..FT_MSRP_PATH_MAX */
	uint8_t fp_hash;	/* enum ft_fp_hash */
	char id[FT_MSRP_ID_MAX];	/* RFC 4975 session-id characters */
	char path[FT_MSRP_PATH_MAX];	/* the peer's To-Path */
	uint8_t fp[FT_FP_MAX];	/* ft_fp_len(fp_hash) bytes of digest */
};

/*
 * What sbcd puts: packets to @local are sent from @src to @dst on
 * dataplane port @out_port (index in dataplane.ports), SRTP-unprotected
 * with @srtp_in and protected with @srtp_out as each one says.  An MSRP
 * leg uses @msrp in place of the packet fields.
 */
struct ft_flow {
	uint64_t call_id;	/* the call this flow belongs to */
	uint32_t pair;		/* slot of the other direction, or FT_NO_SLOT */
	uint16_t out_port;
	uint8_t latch;		/* enum ft_latch */
	uint8_t kind;		/* enum ft_kind */
	struct ft_endpoint local;	/* the SBC address packets arrive on */
	union {
		struct {
			struct ft_endpoint src;	/* the SBC address packets
						 * leave from */
			struct ft_endpoint dst;	/* where they go (until
						 * latched) */
			struct ft_srtp srtp_in;
			struct ft_srtp srtp_out;
			uint8_t reserved[4];	/* zero */
		};
		struct ft_msrp msrp;	/* kind FT_KIND_MSRP */
	};
};

/* The writer's part of an entry, copied as a whole under ft_entry.seq. */
struct ft_entry_data {
	uint32_t state;		/* FT_STATE_* */
	uint32_t epoch;		/* new for every flow the slot holds */
	struct ft_flow flow;
};

#define FT_STATE_FREE 0u
#define FT_STATE_ACTIVE 1u

/* The dataplane's part of an entry, guarded by cseq (odd while counting). */
struct ft_counters {
	/* line 0: touched per packet */
	uint32_t cseq;
	uint32_t epoch;		/* the flow these count; see the DOC */
	uint64_t packets;
	uint64_t bytes;
	uint64_t last_ns;	/* CLOCK_MONOTONIC of the last packet */
	uint64_t drops[FT_DROP_COUNT];
	uint32_t last_ssrc;
	uint16_t latched_port;	/* host order; 0 until latched */
	uint8_t latched_family;	/* enum ft_family */
	uint8_t reserved0;
	/* line 1: touched when the source is latched */
	union {
		uint8_t b[16];
		uint64_t w[2];
	} latched_addr;
	uint8_t reserved1[48];
} __attribute__((aligned(FT_CACHE_LINE)));

struct ft_entry {
	uint64_t seq;		/* odd while the writer changes data */
	struct ft_entry_data data;
	uint8_t reserved[FT_CACHE_LINE * 4 - 8 - sizeof(struct ft_entry_data)];
	struct ft_counters ctr;
} __attribute__((aligned(FT_CACHE_LINE)));

/* One SPSC ring element: the slot changed and its seq after the change. */
struct ft_notice {
	uint32_t slot;
	uint32_t seq;		/* low 32 bits of ft_entry.seq */
};

/* Counters of one forwarding lcore for packets that match no entry. */
struct ft_lane {
	uint64_t unknown_flow;
	uint64_t malformed;	/* not parseable far enough to look up */
} __attribute__((aligned(FT_CACHE_LINE)));

struct ft_header {
	/* line 0: written once at creation, under FT_LOCK_INIT */
	uint64_t magic;		/* stored last, with release */
	uint32_t abi_version;
	uint32_t capacity;	/* entries and ring elements; power of two */
	uint32_t header_size;
	uint32_t entry_size;
	uint64_t generation;	/* CLOCK_REALTIME ns at creation, never 0 */
	uint64_t ring_off;
	uint64_t entries_off;
	uint64_t total_size;
	/* line 1: who is attached (informational: the OFD locks decide) */
	int32_t owner_pid __attribute__((aligned(FT_CACHE_LINE)));
	int32_t writer_pid;
	uint64_t owner_beat_ns;	/* CLOCK_MONOTONIC, from ft_owner_beat() */
	/* line 2: notice ring, producer (writer) side */
	uint64_t head __attribute__((aligned(FT_CACHE_LINE)));
	uint32_t overflow;	/* set by the writer, taken by the owner */
	/* line 3: notice ring, consumer (owner) side */
	uint64_t tail __attribute__((aligned(FT_CACHE_LINE)));
	/* lines 4..: one per forwarding lcore */
	struct ft_lane lanes[FT_LANES];
} __attribute__((aligned(FT_CACHE_LINE)));

#define FT_HDR_SIZE (FT_CACHE_LINE * (4 + FT_LANES))

/* The ABI: a change here is a new FT_ABI_VERSION. */
static_assert(sizeof(struct ft_endpoint) == 20, "ft_endpoint");
static_assert(sizeof(struct ft_srtp) == 32, "ft_srtp");
static_assert(sizeof(struct ft_msrp) == 196, "ft_msrp");
static_assert(sizeof(struct ft_flow) == 232, "ft_flow");
static_assert(offsetof(struct ft_flow, local) == 16, "ft_flow.local");
static_assert(offsetof(struct ft_flow, srtp_in) == 76, "ft_flow.srtp_in");
static_assert(offsetof(struct ft_flow, msrp) == 36, "ft_flow.msrp");
static_assert(sizeof(struct ft_entry_data) == 240, "ft_entry_data");
static_assert(sizeof(struct ft_entry_data) % 8 == 0, "copied as words");
static_assert(offsetof(struct ft_entry, data) == 8, "ft_entry.data");
static_assert(offsetof(struct ft_entry, ctr) == 4 * FT_CACHE_LINE,
	      "counters start on their own line");
static_assert(offsetof(struct ft_counters, latched_addr) == FT_CACHE_LINE,
	      "per-packet counters fit one line");
static_assert(sizeof(struct ft_counters) == 2 * FT_CACHE_LINE, "ft_counters");
static_assert(sizeof(struct ft_entry) == 6 * FT_CACHE_LINE, "ft_entry");
static_assert(sizeof(struct ft_notice) == 8, "ft_notice");
static_assert(sizeof(struct ft_lane) == FT_CACHE_LINE, "ft_lane");
static_assert(offsetof(struct ft_header, owner_pid) == 1 * FT_CACHE_LINE,
	      "ft_header line 1");
static_assert(offsetof(struct ft_header, head) == 2 * FT_CACHE_LINE,
	      "ft_header line 2");
static_assert(offsetof(struct ft_header, tail) == 3 * FT_CACHE_LINE,
	      "ft_header line 3");
static_assert(offsetof(struct ft_header, lanes) == 4 * FT_CACHE_LINE,
	      "ft_header lanes");
static_assert(sizeof(struct ft_header) == FT_HDR_SIZE, "ft_header");

/* A consistent copy of an entry's counters (process-local, not ABI). */
struct ft_stats {
	uint64_t packets;
	uint64_t bytes;
	uint64_t last_ns;
	uint64_t drops[FT_DROP_COUNT];
	uint32_t last_ssrc;
	struct ft_endpoint latched;	/* family NONE until latched */
};

struct ft;

/**
 * ft_create_or_attach - map the flow table, creating it if it does not exist
 * @name: shared-memory name without '/' (/dev/shm/NAME), or an absolute
 *        path of a file, e.g. on a hugetlbfs mount (paths.flow_table); the
 *        file's name may not contain "map_" (DPDK's EAL deletes such files
 *        in its --huge-dir)
 * @capacity: entries, a power of two from FT_CAPACITY_MIN to FT_CAPACITY_MAX
 *            (dataplane.flow_table_size); must match an existing table
 * @role: FT_ROLE_WRITER (sbcd) or FT_ROLE_OWNER (sbc-dataplane)
 *
 * An existing table is kept with all its flows.  The writer rebuilds its
 * free-slot list from it, and frees entries a killed writer left
 * half-written (pushing a notice for each, so sbcd re-puts them when it
 * reconciles); the owner finishes counter updates a killed owner left open.
 * Failures are logged with the name.
 *
 * @return the table, or NULL with errno:
 *  EINVAL for a bad name, capacity or role, a path that is not a regular
 *         file, or a capacity that differs from the existing table's
 *         (remove the file to change it);
 *  EBUSY when another process holds the role;
 *  EPROTO when the object is not a flow table or its sizes are wrong;
 *  EPROTONOSUPPORT for another ABI version;
 *  EACCES when the object is accessible by group or others;
 *  ENOMEM (also: not enough free huge pages), or errno from shm_open,
 *         open, ftruncate, mmap.
 */
struct ft *ft_create_or_attach(const char *name, uint32_t capacity,
			       enum ft_role role);

/* ft_detach - release the role and unmap; the table and its flows stay. */
void ft_detach(struct ft *ft);

/* ft_unlink - remove the table @name; mappings stay valid.  0 or -errno. */
int ft_unlink(const char *name);

/**
 * ft_location - the file table @name lives in, for messages: /dev/shm/NAME
 * for a shared-memory name, the path itself for a path
 * @return 0, -EINVAL for a bad name, -ENAMETOOLONG when @len is too small.
 */
int ft_location(const char *name, char *buf, size_t len);

uint32_t ft_capacity(const struct ft *ft);
uint64_t ft_generation(const struct ft *ft);

/**
 * ft_owner_pid - the dataplane attached to the table, if any
 * @return its pid, 0 when no owner holds the lock, or -errno.
 */
pid_t ft_owner_pid(const struct ft *ft);

/* Writer side (sbcd); single-threaded. */

/**
 * ft_slot_alloc - take a free slot from the writer's list
 * @return 0, -ENOSPC when the table is full, -EPERM when not the writer.
 */
int ft_slot_alloc(struct ft *ft, uint32_t *slot);

/**
 * ft_slot_free - delete the slot's flow if any and give the slot back
 * @return 0, -EINVAL when @slot is not allocated, -EPERM when not the writer.
 */
int ft_slot_free(struct ft *ft, uint32_t slot);

/**
 * ft_flow_put - publish @spec in an allocated slot, then notify the owner
 *
 * A put on a free entry starts a new flow (a new epoch: counters restart);
 * a put on an active one changes the flow in place and keeps its counters.
 *
 * @return 0, or -EINVAL for a slot not allocated or a malformed @spec (bad
 * enum, IPv4 address with non-zero tail, src and dst of other families,
 * pair out of range, reserved bytes set), -EPERM when not the writer.
 */
int ft_flow_put(struct ft *ft, uint32_t slot, const struct ft_flow *spec);

/**
 * ft_flow_del - mark an allocated slot's entry free, then notify the owner
 * The slot stays allocated.
 * @return 0, -EINVAL when @slot is not allocated, -EPERM when not the writer.
 */
int ft_flow_del(struct ft *ft, uint32_t slot);

/**
 * ft_flow_stats - consistent snapshot of a slot's counters
 *
 * Zero counters when the dataplane has not counted the current flow yet.
 *
 * @return 0, -EINVAL for a slot out of range, -ENOENT when free, -EAGAIN
 * when the counters kept changing while read (retry later).
 */
int ft_flow_stats(const struct ft *ft, uint32_t slot, struct ft_stats *out);

/* ft_lanes_sum - the header's per-lcore counters summed. */
void ft_lanes_sum(const struct ft *ft, struct ft_lane *out);

/* Either side. */

/* Which version of a slot a read saw. */
struct ft_version {
	uint64_t seq;		/* changes with every put or del */
	uint32_t epoch;		/* changes with every new flow: pass to ft_count_* */
};

/**
 * ft_flow_read - consistent copy of a slot's flow
 * @ver: if not NULL, receives the version read (also when -ENOENT)
 *
 * Bounded retries, no locks: safe against the writer at any time.
 *
 * @return 0, or -EINVAL for a slot out of range, -ENOENT when free, -EAGAIN
 * when it kept changing while read.
 */
int ft_flow_read(const struct ft *ft, uint32_t slot, struct ft_flow *out,
		 struct ft_version *ver);

/**
 * ft_endpoint_from_sockaddr - fill @ep from an AF_INET or AF_INET6 address
 * @return 0, or -EAFNOSUPPORT.
 */
int ft_endpoint_from_sockaddr(struct ft_endpoint *ep,
			      const struct sockaddr *sa);

/* Owner side (sbc-dataplane); one thread consumes the ring. */

/**
 * ft_notice_pop - take up to @max "slot changed" notices, oldest first
 *
 * A notice's seq is the entry's (low 32 bits) right after that change; a
 * slot changed twice gives two notices, and reading it once is enough.
 *
 * @return how many were stored in @out (0 when not the owner).
 */
unsigned ft_notice_pop(struct ft *ft, struct ft_notice *out, unsigned max);

/**
 * ft_overflow_take - test and clear the overflow flag
 *
 * When it was set, every notice still in the ring is discarded as well and
 * true is returned: the caller must then re-read every slot.  A change
 * that lands during that scan is noticed again, because the writer pushes
 * its notice after the change is complete.
 */
bool ft_overflow_take(struct ft *ft);

/* ft_notice_discard - drop every pending notice (before a full rescan). */
void ft_notice_discard(struct ft *ft);

/* ft_counters_of - the counters of @slot, for the hot-path helpers below. */
struct ft_counters *ft_counters_of(struct ft *ft, uint32_t slot);

/*
 * ft_entries_of - the entries array, for a hot path that indexes it per
 * packet by slots it knows are below the capacity (from the flow index):
 * &ft_entries_of(ft)[slot].ctr is ft_counters_of(ft, slot) without a call.
 */
struct ft_entry *ft_entries_of(struct ft *ft);

/* ft_lane_of - lane @i of the header (i < FT_LANES), for one lcore. */
struct ft_lane *ft_lane_of(struct ft *ft, unsigned i);

/* ft_owner_beat - the owner says it is alive (housekeeping, not per packet). */
void ft_owner_beat(struct ft *ft, uint64_t now_ns);

/*
 * Hot path.  Counter writer protocol, paired with ft_flow_stats():
 *   cseq |= 1 (relaxed); release fence; relaxed stores; cseq + 1 (release).
 * Starting from cseq | 1 rather than cseq + 1 means that if two lcores ever
 * count one flow at once (see the DOC), cseq still ends even.
 * Returns false when @epoch is older than the counters' (a packet of the
 * slot's previous flow still in flight): it is not counted.
 */
static inline bool ft_ctr_begin(struct ft_counters *c, uint32_t epoch)
{
	uint32_t s = __atomic_load_n(&c->cseq, __ATOMIC_RELAXED);
	uint32_t cur = __atomic_load_n(&c->epoch, __ATOMIC_RELAXED);

	if (__builtin_expect(cur != epoch, 0) && (int32_t)(epoch - cur) < 0)
		return false;
	__atomic_store_n(&c->cseq, s | 1, __ATOMIC_RELAXED);
	/* pairs with the acquire fence in ft_flow_stats() */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	if (__builtin_expect(cur != epoch, 0)) {
		__atomic_store_n(&c->epoch, epoch, __ATOMIC_RELAXED);
		__atomic_store_n(&c->packets, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&c->bytes, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&c->last_ns, 0, __ATOMIC_RELAXED);
		for (unsigned i = 0; i < FT_DROP_COUNT; i++)
			__atomic_store_n(&c->drops[i], 0, __ATOMIC_RELAXED);
		__atomic_store_n(&c->last_ssrc, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&c->latched_family, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&c->latched_port, 0, __ATOMIC_RELAXED);
	}
	return true;
}

static inline void ft_ctr_end(struct ft_counters *c)
{
	uint32_t s = __atomic_load_n(&c->cseq, __ATOMIC_RELAXED);

	/* pairs with the acquire load of cseq in ft_flow_stats() */
	__atomic_store_n(&c->cseq, s + 1, __ATOMIC_RELEASE);
}

/* one writer per counter: a plain add, but never a torn value for readers */
static inline void ft_ctr_add(uint64_t *p, uint64_t v)
{
	__atomic_store_n(p, __atomic_load_n(p, __ATOMIC_RELAXED) + v,
			 __ATOMIC_RELAXED);
}

/* ft_count_rx - a packet of @bytes with @ssrc was relayed at @now_ns. */
static inline void ft_count_rx(struct ft_counters *c, uint32_t epoch,
			       uint32_t bytes, uint32_t ssrc, uint64_t now_ns)
{
	if (!ft_ctr_begin(c, epoch))
		return;
	ft_ctr_add(&c->packets, 1);
	ft_ctr_add(&c->bytes, bytes);
	__atomic_store_n(&c->last_ns, now_ns, __ATOMIC_RELAXED);
	__atomic_store_n(&c->last_ssrc, ssrc, __ATOMIC_RELAXED);
	ft_ctr_end(c);
}

/* ft_count_drop - a packet of the flow was dropped for @cause. */
static inline void ft_count_drop(struct ft_counters *c, uint32_t epoch,
				 enum ft_drop cause)
{
	if (!ft_ctr_begin(c, epoch))
		return;
	ft_ctr_add(&c->drops[cause], 1);
	ft_ctr_end(c);
}

/* ft_count_latch - the flow's destination latched to @src. */
static inline void ft_count_latch(struct ft_counters *c, uint32_t epoch,
				  const struct ft_endpoint *src)
{
	uint64_t w[2];

	if (!ft_ctr_begin(c, epoch))
		return;
	__builtin_memcpy(w, src->addr, sizeof(w));
	__atomic_store_n(&c->latched_addr.w[0], w[0], __ATOMIC_RELAXED);
	__atomic_store_n(&c->latched_addr.w[1], w[1], __ATOMIC_RELAXED);
	__atomic_store_n(&c->latched_port, src->port, __ATOMIC_RELAXED);
	__atomic_store_n(&c->latched_family, src->family, __ATOMIC_RELAXED);
	ft_ctr_end(c);
}

/* ft_lane_unknown - a packet matched no flow (the lane's lcore only). */
static inline void ft_lane_unknown(struct ft_lane *l, uint32_t n)
{
	ft_ctr_add(&l->unknown_flow, n);
}

/* ft_lane_malformed - a packet could not be parsed far enough to look up. */
static inline void ft_lane_malformed(struct ft_lane *l, uint32_t n)
{
	ft_ctr_add(&l->malformed, n);
}

#endif
