/*
 * Neighbour resolution for the media addresses the dataplane owns: ARP
 * (RFC 826) for IPv4 and neighbour discovery (RFC 4861) for IPv6.
 *
 * DOC: ARP and neighbour discovery
 *
 * One struct dp_neigh per port holds the port's MAC, the addresses it owns
 * (the media address of the port's realm) and a neighbour table (IP -> MAC)
 * of at most DP_NEIGH_MAX entries.  Everything works on plain buffers and a
 * clock the caller passes in (@now, in ticks of dp_neigh_conf.hz: the TSC
 * in the dataplane, anything monotonic in tests), so that the logic is
 * unit-tested without EAL and with time under the test's control.
 *
 * Received frames: dp_neigh_input() takes a frame that dp_pkt_parse()
 * classified DP_PKT_ARP or DP_PKT_ND and answers ARP requests and neighbour
 * solicitations for owned addresses in the same buffer, learns senders, and
 * says DP_NEIGH_NOT_MINE for everything addressed to someone else, which
 * the caller hands to the kernel through the exception path (the kernel
 * owns the port's other addresses).
 *
 * Transmitted packets: dp_neigh_resolve() gives the MAC of a destination's
 * next hop, or builds a request (ARP request, or NS to the solicited-node
 * multicast group) for the caller to send; the packet itself is dropped
 * while its next hop is unresolved (media tolerates the loss of the first
 * packets, and queueing would mean allocation on the hot path).
 *
 * Next hop: a port without a gateway has every destination on-link.  A
 * port with a gateway sends every destination of the gateway's family via
 * the gateway, because no on-link prefix is configured; destinations of the
 * other family stay on-link.
 *
 * Neighbour states, a simplification of RFC 4861 section 7.3.2 applied to
 * ARP as well:
 *
 *   (none) --resolve--> INCOMPLETE --reply--> REACHABLE --30 s--> STALE
 *   INCOMPLETE: probed (broadcast/multicast) at most once per second while
 *               looked up, deleted 3 s after creation unless answered
 *   REACHABLE:  confirmed by a reply to us (ARP reply, solicited NA)
 *   STALE:      still used; a lookup starts unicast probes (one per second),
 *               deleted 3 s after the first unless a reply confirms it.
 *               Requests and unsolicited announcements carrying a new MAC
 *               also make an entry STALE.
 *
 * Timers apply lazily whenever an entry is looked at; no periodic sweep.
 * When the table is full, an insertion takes the slot of the longest STALE
 * entry, else of the oldest INCOMPLETE one; REACHABLE entries are never
 * evicted (they become STALE within 30 s), so a full table of them makes
 * dp_neigh_resolve() fail with -ENOSPC for a while, never crash.
 *
 * VLAN: a port whose media lives on an 802.1Q VLAN (dp_neigh_conf.vlan)
 * sends its probes with that tag; answers keep the request's tags.  Which
 * frames belong to the port's VLAN is the caller's decision (fwd.c).
 *
 * Concurrency: one writer, any number of readers, no locks.  A struct
 * dp_neigh has one owner, the lcore that polls queue 0 of its port: it
 * alone calls dp_neigh_input(), dp_neigh_resolve() and dp_neigh_query(),
 * which may change the table.  Every other forwarding lcore that sends
 * out of the port calls dp_neigh_lookup(), which never writes: it reads
 * under the table's sequence counter (odd while the owner changes
 * anything, so a reader that overlapped a change, an entry moved by a
 * deletion included, retries and never uses a torn entry), applies the
 * timers to its copy without storing them, and says when the owner
 * should resolve or probe on its behalf (a lookup miss, a probe due).
 * The caller hands that request, and any ARP/ND frame a reader lcore
 * received for the port, to the owner (lcore.h: the port's inbox ring).
 * A reader whose clock is slightly behind the owner's never sees an
 * entry as expired because of it: elapsed times below zero count as 0.
 *
 * Nothing here allocates, locks or logs.
 */
#ifndef SBC_DP_NEIGH_H
#define SBC_DP_NEIGH_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

#include "cfg.h"
#include "pkt.h"

#define DP_NEIGH_MAX_OWN CFG_MAX_MEDIA_ADDRS	/* owned addresses per port:
						 * its realm's media addresses */
#define DP_NEIGH_MAX 1024	/* neighbour entries per port */
/* open-addressing slots: twice the entries keeps probe sequences short */
#define DP_NEIGH_SLOTS (2 * DP_NEIGH_MAX)

/* Timers in seconds, after RFC 4861 section 10 (REACHABLE_TIME,
 * RETRANS_TIMER, MAX_MULTICAST_SOLICIT * RETRANS_TIMER). */
#define DP_NEIGH_REACHABLE_S 30
#define DP_NEIGH_RETRANS_S 1
#define DP_NEIGH_UNANSWERED_S 3

/* Largest request dp_neigh_resolve() builds: Ethernet + 802.1Q tag + IPv6
 * + NS + SLLA */
#define DP_NEIGH_PROBE_MAX 90
/* dp_neigh_lookup() gives up after this many overlapping writes */
#define DP_NEIGH_READ_TRIES 64

enum dp_neigh_state {
	DP_NEIGH_FREE,		/* no entry */
	DP_NEIGH_INCOMPLETE,
	DP_NEIGH_REACHABLE,
	DP_NEIGH_STALE,
};

/* What the caller does with a frame after dp_neigh_input(). */
enum dp_neigh_verdict {
	DP_NEIGH_REPLY,		/* the buffer now holds the answer: send it
				 * out of the port it came from */
	DP_NEIGH_CONSUMED,	/* handled (addressed to us): free it */
	DP_NEIGH_NOT_MINE,	/* for another address: exception path */
	DP_NEIGH_DROP,		/* malformed or invalid: drop and count */
};

struct dp_neigh_conf {
	struct rte_ether_addr mac;		/* the port's */
	struct cfg_ip own[DP_NEIGH_MAX_OWN];	/* the realm's media addresses */
	unsigned n_own;
	struct cfg_ip gateway;			/* af 0: everything on-link */
	uint16_t vlan;				/* 802.1Q VID of probes, 0: none */
	uint64_t hz;				/* clock ticks per second */
	uint64_t seed;				/* hash seed, e.g. rte_rand() */
};

/* An IPv4 or IPv6 address in network order; IPv4 uses a[0..3]. */
struct dp_neigh_ip {
	uint8_t family;		/* AF_INET, AF_INET6, 0 for none */
	uint8_t a[16];
};

struct dp_neigh_entry {
	struct dp_neigh_ip ip;
	uint8_t state;		/* enum dp_neigh_state */
	bool probing;		/* STALE: unicast probes under way */
	struct rte_ether_addr mac;
	uint64_t updated;	/* entered the state, or last confirmed */
	uint64_t probed;	/* last probe sent */
	uint64_t since;		/* STALE: first unanswered probe */
};

/*
 * Why an open-addressing array rather than rte_hash: the table is small,
 * fixed in size, private to one lcore, and must work without EAL in the
 * tests; linear probing with backward-shift deletion needs no tombstones.
 */
struct dp_neigh {
	uint32_t seq;			/* odd while the owner writes */
	uint16_t vlan;			/* probes' VID, 0: untagged */
	struct rte_ether_addr mac;
	struct dp_neigh_ip own[DP_NEIGH_MAX_OWN];
	unsigned n_own;
	struct dp_neigh_ip gw4, gw6;	/* family 0: on-link */
	uint64_t reachable;		/* the timers, in ticks */
	uint64_t retrans;
	uint64_t unanswered;
	uint64_t seed;
	unsigned count;			/* entries in use */
	struct dp_neigh_entry slot[DP_NEIGH_SLOTS];
};

/**
 * dp_neigh_init - set up a port's neighbour state, with an empty table
 * @n: caller-owned memory (about 100 KiB; put it on the owner lcore's
 *     NUMA node); nothing here allocates, so there is nothing to undo
 * @c: the port's MAC, owned addresses, gateway and clock rate
 *
 * @return 0, or -EINVAL when @c has no owned address or more than
 * DP_NEIGH_MAX_OWN, an address family other than AF_INET/AF_INET6, a
 * gateway of a family the port owns no address of or equal to an owned
 * address, a multicast or zero MAC, a zero @c->hz, or a VLAN id above
 * 4094.
 */
int dp_neigh_init(struct dp_neigh *n, const struct dp_neigh_conf *c);

/**
 * dp_neigh_input - handle a received ARP or NS/NA frame
 * @n: the receiving port's state
 * @p: the frame, parsed by dp_pkt_parse() as DP_PKT_ARP or DP_PKT_ND
 * @now: the clock, in ticks
 *
 * ARP (RFC 826): Ethernet/IPv4 only.  Requests for an owned address are
 * answered in place.  The sender's mapping updates an existing entry
 * whoever the target is (gratuitous ARP included) and creates one only when
 * the target is owned (the "merge" rule of RFC 826, which keeps
 * broadcast chatter out of the table).
 *
 * ND (RFC 4861): both messages are validated per sections 7.1.1 and 7.1.2
 * (hop limit 255, ICMPv6 checksum, code 0, target not multicast, option
 * lengths, DAD source rules).  An NS for an owned address is answered in
 * place with a solicited, override NA carrying the target link-layer
 * address (section 7.2.4), or for DAD (unspecified source) with an
 * unsolicited NA to all-nodes; its source link-layer option is learned
 * (section 7.2.3).  An NA updates an existing entry (section 7.2.5).
 *
 * On DP_NEIGH_REPLY p->len (and p->tailroom) hold the reply's length: an
 * NA needs up to 8 bytes more than a bare NS, and extension headers of the
 * NS are dropped.  Otherwise the buffer is untouched.
 *
 * @return the verdict: DP_NEIGH_REPLY, DP_NEIGH_CONSUMED (a reply or NA
 * addressed to an owned address), DP_NEIGH_NOT_MINE (addressed to another
 * address, learned from where the rules above allow), DP_NEIGH_DROP
 * (invalid, or no tailroom for the NA).
 */
enum dp_neigh_verdict dp_neigh_input(struct dp_neigh *n, struct dp_pkt *p,
				     uint64_t now);

/**
 * dp_neigh_resolve - the MAC to send a packet for @dst to
 * @n: the transmitting port's state
 * @family: AF_INET or AF_INET6
 * @dst: the packet's destination, network order (4 or 16 bytes)
 * @now: the clock, in ticks
 * @mac: set on success: the next hop's MAC
 * @probe: DP_NEIGH_PROBE_MAX bytes; receives a request frame to send out
 *         of the port, if one is due (at most one per second per next hop)
 * @probe_len: set to the request's length, 0 when none is due
 *
 * The next hop is the gateway for the gateway's family, else @dst.  A
 * STALE next hop is used and probed with unicast requests.
 *
 * @return 0 (*mac set, maybe a probe too); -EAGAIN when the next hop is
 * not resolved yet (drop the packet; maybe a probe), -ENOSPC when the
 * table is full of unevictable entries (no probe), -EAFNOSUPPORT when the
 * port owns no address of @family.
 */
int dp_neigh_resolve(struct dp_neigh *n, int family, const uint8_t *dst,
		     uint64_t now, struct rte_ether_addr *mac, uint8_t *probe,
		     uint16_t *probe_len);

/**
 * dp_neigh_lookup - dp_neigh_resolve() for a lcore that is not the owner
 * @n: the transmitting port's state, owned by another lcore
 * @family: AF_INET or AF_INET6
 * @dst: the packet's destination, network order
 * @now: the caller's clock, in ticks (the same clock as the owner's)
 * @mac: set on success: the next hop's MAC
 * @ask: set when the owner should dp_neigh_resolve(@dst) for the caller:
 *       no live entry, or a probe is due (what dp_neigh_resolve() would
 *       have sent a probe for); the caller hands the request over
 *
 * Reads only; safe on any thread concurrently with the owner's calls.
 *
 * @return 0 (*mac set; maybe *ask); -EAGAIN when the next hop is not
 * resolved (drop the packet; maybe *ask); -EBUSY when the owner kept
 * writing through DP_NEIGH_READ_TRIES attempts (drop, *ask false);
 * -EAFNOSUPPORT when the port owns no address of @family.
 */
int dp_neigh_lookup(const struct dp_neigh *n, int family, const uint8_t *dst,
		    uint64_t now, struct rte_ether_addr *mac, bool *ask);

/**
 * dp_neigh_query - the state of one entry (on the owner lcore, like the rest)
 * @n: the port's state
 * @family: AF_INET or AF_INET6
 * @addr: the neighbour, network order
 * @now: the clock; timers apply first, so an expired entry is deleted
 * @mac: set to the entry's MAC when the state is REACHABLE or STALE; may
 *       be NULL
 *
 * @return the entry's state, DP_NEIGH_FREE when there is none.
 */
enum dp_neigh_state dp_neigh_query(struct dp_neigh *n, int family,
				   const uint8_t *addr, uint64_t now,
				   struct rte_ether_addr *mac);

#endif
