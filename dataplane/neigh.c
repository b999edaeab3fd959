/*
 * ARP (RFC 826) and IPv6 neighbour discovery (RFC 4861) for the addresses a
 * dataplane port owns: answering, learning, resolving next hops, and the
 * per-port neighbour table they share; see neigh.h for the model.
 *
 * Frames are read and written by byte offset, so that no buffer (an mbuf,
 * the caller's probe array, a test's) needs any alignment.
 */
#include "neigh.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include <rte_ip.h>
#include <rte_pause.h>

/* RFC 826 ARP for Ethernet/IPv4: field offsets, opcodes */
#define ARP_HRD_ETHER 1
#define ARP_LEN 28
#define ARP_SHA 8
#define ARP_SPA 14
#define ARP_THA 18
#define ARP_TPA 24
#define ARP_REQUEST 1
#define ARP_REPLY 2
/* shortest Ethernet frame without its FCS; requests are padded to it
 * (IEEE 802.3 clause 3.2.7; 802.1Q adds the tag's 4 bytes) */
#define ETH_MIN_FRAME 60
#define VLAN_TAG 4

/* RFC 4861 sections 4.3, 4.4, 4.6.1 */
#define ND_NS 135
#define ND_NA 136
#define ND_FIXED 24		/* type, code, checksum, flags, target */
#define ND_LEN (ND_FIXED + 8)	/* with one link-layer address option */
#define ND_NA_SOLICITED 0x40
#define ND_NA_OVERRIDE 0x20
#define ND_OPT_SLLA 1
#define ND_OPT_TLLA 2
#define ND_HOP_LIMIT 255	/* sections 7.1.1, 7.1.2 */
#define IP6_HDR 40

#define SLOT_MASK (DP_NEIGH_SLOTS - 1)
#define NO_SLOT UINT32_MAX

_Static_assert((DP_NEIGH_SLOTS & SLOT_MASK) == 0,
	       "DP_NEIGH_SLOTS must be a power of two");
_Static_assert(DP_NEIGH_PROBE_MAX ==
	       RTE_ETHER_HDR_LEN + VLAN_TAG + IP6_HDR + ND_LEN,
	       "DP_NEIGH_PROBE_MAX is an Ethernet + 802.1Q + IPv6 + NS frame");

/* ff02::1, the all-nodes group, and its MAC (RFC 2464 section 7) */
static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 0x01 };
static const struct rte_ether_addr all_nodes_mac = {
	{ 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 }
};
static const struct rte_ether_addr broadcast_mac = {
	{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }
};
/* ff02::1:ff00:0/104, the solicited-node prefix (RFC 4291 section 2.7.1) */
static const uint8_t solicited_prefix[13] = {
	0xff, 0x02, [11] = 0x01, [12] = 0xff
};

static inline unsigned addr_len(uint8_t family)
{
	return family == AF_INET ? 4 : 16;
}

static inline void put16(uint8_t *b, uint16_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

static inline uint16_t get16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

static inline bool is_zero(const uint8_t *a, unsigned len)
{
	for (unsigned i = 0; i < len; i++)
		if (a[i])
			return false;
	return true;
}

static inline bool ip_is(const struct dp_neigh_ip *ip, uint8_t family,
			 const uint8_t *a)
{
	return ip->family == family && memcmp(ip->a, a, addr_len(family)) == 0;
}

/* the owned address equal to @a, or NULL */
static const struct dp_neigh_ip *own_find(const struct dp_neigh *n,
					  uint8_t family, const uint8_t *a)
{
	for (unsigned i = 0; i < n->n_own; i++)
		if (ip_is(&n->own[i], family, a))
			return &n->own[i];
	return NULL;
}

/* the first owned address of @family, the source of our requests */
static const struct dp_neigh_ip *own_first(const struct dp_neigh *n,
					   uint8_t family)
{
	for (unsigned i = 0; i < n->n_own; i++)
		if (n->own[i].family == family)
			return &n->own[i];
	return NULL;
}

/*
 * The table's sequence counter (a seqcount, as DPDK's rte_seqcount and
 * Linux's seqcount_t): the owner makes it odd before its first store and
 * even again after its last one; a reader that saw the same even value
 * before and after its loads read a consistent table.
 */
static inline void write_begin(struct dp_neigh *n)
{
	__atomic_store_n(&n->seq, __atomic_load_n(&n->seq, __ATOMIC_RELAXED) + 1,
			 __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

static inline void write_end(struct dp_neigh *n)
{
	__atomic_store_n(&n->seq, __atomic_load_n(&n->seq, __ATOMIC_RELAXED) + 1,
			 __ATOMIC_RELEASE);
}

/* ---------------------------------------------------------------- table */

/* the home slot of an address: a seeded multiplicative hash */
static uint32_t home(const struct dp_neigh *n, const struct dp_neigh_ip *ip)
{
	uint64_t x, y = 0, h;

	if (ip->family == AF_INET) {
		uint32_t v;

		memcpy(&v, ip->a, 4);
		x = v;
	} else {
		memcpy(&x, ip->a, 8);
		memcpy(&y, ip->a + 8, 8);
	}
	h = (x ^ n->seed) * 0x9e3779b97f4a7c15ULL;
	h = (h ^ (h >> 29) ^ y) * 0xbf58476d1ce4e5b9ULL;
	return (uint32_t)(h ^ (h >> 32)) & SLOT_MASK;
}

/*
 * The slot holding @ip, or NO_SLOT.  Bounded by the table's size: a
 * reader racing the owner may see a run with no free slot in it (and
 * then retries, see dp_neigh_lookup()).
 */
static uint32_t find(const struct dp_neigh *n, const struct dp_neigh_ip *ip)
{
	uint32_t i = home(n, ip);

	for (uint32_t k = 0; k < DP_NEIGH_SLOTS; k++, i = (i + 1) & SLOT_MASK) {
		const struct dp_neigh_entry *e = &n->slot[i];

		if (e->state == DP_NEIGH_FREE)
			return NO_SLOT;
		if (ip_is(&e->ip, ip->family, ip->a))
			return i;
	}
	return NO_SLOT;
}

/*
 * Free slot @i and shift later members of its probe run back into the hole
 * (Knuth's algorithm R), so that lookups never need tombstones.
 */
static void slot_delete(struct dp_neigh *n, uint32_t i)
{
	for (uint32_t j = i;;) {
		uint32_t k;

		j = (j + 1) & SLOT_MASK;
		if (n->slot[j].state == DP_NEIGH_FREE)
			break;
		k = home(n, &n->slot[j].ip);
		/* j stays when its home lies cyclically in (i, j] */
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		n->slot[i] = n->slot[j];
		i = j;
	}
	n->slot[i].state = DP_NEIGH_FREE;
	n->count--;
}

/*
 * Apply the timers to the entry in slot @i: REACHABLE turns STALE after
 * DP_NEIGH_REACHABLE_S (RFC 4861 section 7.3.3); an INCOMPLETE entry, or a
 * STALE one being probed, is deleted DP_NEIGH_UNANSWERED_S after the first
 * request went unanswered (section 7.3.3: MAX_*_SOLICIT probes).
 * Returns the state now, DP_NEIGH_FREE when deleted.
 */
static enum dp_neigh_state refresh(struct dp_neigh *n, uint32_t i,
				   uint64_t now)
{
	struct dp_neigh_entry *e = &n->slot[i];

	if (e->state == DP_NEIGH_REACHABLE &&
	    now - e->updated >= n->reachable) {
		e->state = DP_NEIGH_STALE;
		e->updated += n->reachable;
	}
	if ((e->state == DP_NEIGH_INCOMPLETE &&
	     now - e->updated >= n->unanswered) ||
	    (e->state == DP_NEIGH_STALE && e->probing &&
	     now - e->since >= n->unanswered)) {
		slot_delete(n, i);
		return DP_NEIGH_FREE;
	}
	return e->state;
}

/* the live entry for @ip, or NULL */
static struct dp_neigh_entry *lookup(struct dp_neigh *n,
				     const struct dp_neigh_ip *ip, uint64_t now)
{
	uint32_t i = find(n, ip);

	if (i == NO_SLOT || refresh(n, i, now) == DP_NEIGH_FREE)
		return NULL;
	return &n->slot[i];
}

/*
 * Make room in a full table: delete what has expired; failing that, evict
 * the STALE entry stale the longest, else the oldest INCOMPLETE one.
 * REACHABLE entries stay.  Only runs when the table is full.
 */
static bool make_room(struct dp_neigh *n, uint64_t now)
{
	uint32_t victim = NO_SLOT;

	for (uint32_t i = 0; i < DP_NEIGH_SLOTS;) {
		/* a deletion shifts a later entry into i: look again */
		if (n->slot[i].state != DP_NEIGH_FREE &&
		    refresh(n, i, now) == DP_NEIGH_FREE)
			continue;
		i++;
	}
	if (n->count < DP_NEIGH_MAX)
		return true;
	for (uint32_t i = 0; i < DP_NEIGH_SLOTS; i++) {
		const struct dp_neigh_entry *e = &n->slot[i], *v;

		if (e->state != DP_NEIGH_STALE &&
		    e->state != DP_NEIGH_INCOMPLETE)
			continue;
		v = victim == NO_SLOT ? NULL : &n->slot[victim];
		if (!v || (e->state == DP_NEIGH_STALE &&
			   v->state == DP_NEIGH_INCOMPLETE) ||
		    (e->state == v->state && e->updated < v->updated))
			victim = i;
	}
	if (victim == NO_SLOT)
		return false;
	slot_delete(n, victim);
	return true;
}

/* a new entry for @ip, which is not in the table; NULL when full */
static struct dp_neigh_entry *insert(struct dp_neigh *n,
				     const struct dp_neigh_ip *ip,
				     enum dp_neigh_state state, uint64_t now)
{
	struct dp_neigh_entry *e;
	uint32_t i;

	if (n->count >= DP_NEIGH_MAX && !make_room(n, now))
		return NULL;
	for (i = home(n, ip); n->slot[i].state != DP_NEIGH_FREE;
	     i = (i + 1) & SLOT_MASK)
		;
	e = &n->slot[i];
	*e = (struct dp_neigh_entry){
		.ip = *ip,
		.state = (uint8_t)state,
		.updated = now,
	};
	n->count++;
	return e;
}

static inline void set_state(struct dp_neigh_entry *e,
			     enum dp_neigh_state state, uint64_t now)
{
	e->state = (uint8_t)state;
	e->updated = now;
	e->probing = false;
}

/*
 * Take in what a neighbour says about itself (RFC 4861 sections 7.2.3 and
 * 7.2.5, applied to ARP as well):
 * @mac: its link-layer address, NULL when the message carries none
 * @create: make a STALE entry when there is none
 * @solicited: an answer to us, confirming reachability
 * @override: a different @mac replaces the cached one
 * Owned addresses are never learned: a neighbour claiming one is in
 * conflict with us, and our own replies answer it.
 */
static void learn(struct dp_neigh *n, uint8_t family, const uint8_t *addr,
		  const struct rte_ether_addr *mac, bool create,
		  bool solicited, bool override, uint64_t now)
{
	struct dp_neigh_ip ip = { .family = family };
	struct dp_neigh_entry *e;
	bool changed;

	if (own_find(n, family, addr))
		return;
	memcpy(ip.a, addr, addr_len(family));
	e = lookup(n, &ip, now);
	if (!e) {
		if (create && mac && (e = insert(n, &ip, DP_NEIGH_STALE, now)))
			e->mac = *mac;
		return;
	}
	if (e->state == DP_NEIGH_INCOMPLETE) {
		if (!mac)
			return;
		e->mac = *mac;
		set_state(e, solicited ? DP_NEIGH_REACHABLE : DP_NEIGH_STALE,
			  now);
		return;
	}
	changed = mac && !rte_is_same_ether_addr(mac, &e->mac);
	if (changed && !override) {
		/* section 7.2.5: keep the address, doubt it */
		if (e->state == DP_NEIGH_REACHABLE)
			set_state(e, DP_NEIGH_STALE, now);
		return;
	}
	if (changed)
		e->mac = *mac;
	if (solicited)
		set_state(e, DP_NEIGH_REACHABLE, now);
	else if (changed)
		set_state(e, DP_NEIGH_STALE, now);
}

/* ------------------------------------------------------------- writing */

static void write_eth(uint8_t *f, const struct rte_ether_addr *dst,
		      const struct rte_ether_addr *src)
{
	memcpy(f, dst, RTE_ETHER_ADDR_LEN);
	memcpy(f + RTE_ETHER_ADDR_LEN, src, RTE_ETHER_ADDR_LEN);
}

/*
 * The Ethernet header of a request, with an 802.1Q tag (priority 0) when
 * the port's media is on a VLAN; returns its length.
 */
static uint16_t write_l2(const struct dp_neigh *n, uint8_t *f,
			 const struct rte_ether_addr *dst, uint16_t ether_type)
{
	write_eth(f, dst, &n->mac);
	if (!n->vlan) {
		put16(f + 12, ether_type);
		return RTE_ETHER_HDR_LEN;
	}
	put16(f + 12, RTE_ETHER_TYPE_VLAN);
	put16(f + 14, n->vlan);
	put16(f + 16, ether_type);
	return RTE_ETHER_HDR_LEN + VLAN_TAG;
}

/* an Ethernet/IPv4 ARP message (RFC 826); no argument may point into @arp */
static void write_arp(uint8_t *arp, uint16_t op,
		      const struct rte_ether_addr *sha, const uint8_t *spa,
		      const struct rte_ether_addr *tha, const uint8_t *tpa)
{
	put16(arp, ARP_HRD_ETHER);
	put16(arp + 2, RTE_ETHER_TYPE_IPV4);
	arp[4] = RTE_ETHER_ADDR_LEN;
	arp[5] = 4;
	put16(arp + 6, op);
	memcpy(arp + ARP_SHA, sha, RTE_ETHER_ADDR_LEN);
	memcpy(arp + ARP_SPA, spa, 4);
	memcpy(arp + ARP_THA, tha, RTE_ETHER_ADDR_LEN);
	memcpy(arp + ARP_TPA, tpa, 4);
}

/* ICMPv6 sum over the pseudo-header and the message (RFC 8200 section 8.1) */
static uint16_t icmp6_sum(const uint8_t *src, const uint8_t *dst,
			  const uint8_t *icmp, uint16_t len)
{
	uint8_t tail[8] = { 0, 0, (uint8_t)(len >> 8), (uint8_t)len,
			    0, 0, 0, IPPROTO_ICMPV6 };
	uint32_t sum = (uint32_t)rte_raw_cksum(src, 16) + rte_raw_cksum(dst, 16) +
		       rte_raw_cksum(tail, sizeof(tail)) +
		       rte_raw_cksum(icmp, len);

	/* four 16-bit partial sums: two folds give 16 bits */
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)((sum & 0xffff) + (sum >> 16));
}

/*
 * An IPv6 header and an NS or NA with one link-layer address option
 * (RFC 4861 sections 4.3, 4.4): @lla is the source's (NS) or the target's
 * (NA).  No argument may point into @ip6.
 */
static void write_nd(uint8_t *ip6, uint8_t type, uint8_t flags,
		     const uint8_t *src, const uint8_t *dst,
		     const uint8_t *target, const struct rte_ether_addr *lla)
{
	uint8_t *icmp = ip6 + IP6_HDR;
	uint16_t sum;

	memset(ip6, 0, IP6_HDR + ND_LEN);
	ip6[0] = 0x60;
	put16(ip6 + 4, ND_LEN);
	ip6[6] = IPPROTO_ICMPV6;
	ip6[7] = ND_HOP_LIMIT;
	memcpy(ip6 + 8, src, 16);
	memcpy(ip6 + 24, dst, 16);
	icmp[0] = type;
	icmp[4] = flags;
	memcpy(icmp + 8, target, 16);
	icmp[ND_FIXED] = type == ND_NS ? ND_OPT_SLLA : ND_OPT_TLLA;
	icmp[ND_FIXED + 1] = 1;
	memcpy(icmp + ND_FIXED + 2, lla, RTE_ETHER_ADDR_LEN);
	sum = (uint16_t)~icmp6_sum(src, dst, icmp, ND_LEN);
	memcpy(icmp + 2, &sum, 2);
}

/*
 * A request for @e from the owned address @src into @f: broadcast ARP or
 * an NS to the solicited-node group (RFC 4861 section 7.2.2) while
 * INCOMPLETE, unicast to the cached MAC when re-probing a STALE entry
 * (RFC 1122 section 2.3.2.1, RFC 4861 section 7.3.3).  Returns its length.
 */
static uint16_t probe(const struct dp_neigh *n, struct dp_neigh_entry *e,
		      const struct dp_neigh_ip *src, uint8_t *f, uint64_t now)
{
	const bool unicast = e->state == DP_NEIGH_STALE;
	const uint8_t *t = e->ip.a;
	uint16_t l2;

	e->probed = now;
	if (e->ip.family == AF_INET) {
		static const struct rte_ether_addr unknown;
		const uint16_t end = (uint16_t)(ETH_MIN_FRAME +
						(n->vlan ? VLAN_TAG : 0));

		l2 = write_l2(n, f, unicast ? &e->mac : &broadcast_mac,
			      RTE_ETHER_TYPE_ARP);
		write_arp(f + l2, ARP_REQUEST, &n->mac, src->a, &unknown, t);
		memset(f + l2 + ARP_LEN, 0, (size_t)(end - l2 - ARP_LEN));
		return end;
	}
	if (unicast) {
		l2 = write_l2(n, f, &e->mac, RTE_ETHER_TYPE_IPV6);
		write_nd(f + l2, ND_NS, 0, src->a, t, t, &n->mac);
	} else {
		/* RFC 2464 section 7: 33:33 and the group's last 32 bits */
		struct rte_ether_addr mac = {
			{ 0x33, 0x33, 0xff, t[13], t[14], t[15] }
		};
		uint8_t group[16];

		memcpy(group, solicited_prefix, sizeof(solicited_prefix));
		memcpy(group + 13, t + 13, 3);
		l2 = write_l2(n, f, &mac, RTE_ETHER_TYPE_IPV6);
		write_nd(f + l2, ND_NS, 0, src->a, group, t, &n->mac);
	}
	return (uint16_t)(l2 + IP6_HDR + ND_LEN);
}

/* ------------------------------------------------------------- receiving */

static enum dp_neigh_verdict arp_input(struct dp_neigh *n, struct dp_pkt *p,
				       uint64_t now)
{
	uint8_t *arp = p->data + p->l3_off;
	const struct dp_neigh_ip *own;
	struct rte_ether_addr sha;
	uint8_t spa[4];
	uint16_t op;

	if (p->len < p->l3_off + ARP_LEN)
		return DP_NEIGH_DROP;
	/* RFC 826: Ethernet hardware, IPv4 protocol, and their lengths */
	if (get16(arp) != ARP_HRD_ETHER ||
	    get16(arp + 2) != RTE_ETHER_TYPE_IPV4 ||
	    arp[4] != RTE_ETHER_ADDR_LEN || arp[5] != 4)
		return DP_NEIGH_DROP;
	op = get16(arp + 6);
	if (op != ARP_REQUEST && op != ARP_REPLY)
		return DP_NEIGH_DROP;
	memcpy(&sha, arp + ARP_SHA, sizeof(sha));
	memcpy(spa, arp + ARP_SPA, sizeof(spa));
	if (!rte_is_valid_assigned_ether_addr(&sha))
		return DP_NEIGH_DROP;
	own = own_find(n, AF_INET, arp + ARP_TPA);
	/*
	 * RFC 826 "packet reception": merge the sender into an existing
	 * entry, add it only when we are the target.  A sender of 0.0.0.0
	 * is an RFC 5227 probe and says nothing about a mapping.
	 */
	if (!is_zero(spa, sizeof(spa)))
		learn(n, AF_INET, spa, &sha, own != NULL,
		      own != NULL && op == ARP_REPLY, true, now);
	if (!own)
		return DP_NEIGH_NOT_MINE;
	if (op == ARP_REPLY)
		return DP_NEIGH_CONSUMED;
	/* RFC 826: swap sender and target, put in our address, opcode reply */
	write_arp(arp, ARP_REPLY, &n->mac, own->a, &sha, spa);
	write_eth(p->data, &sha, &n->mac);
	return DP_NEIGH_REPLY;
}

/*
 * The options after an NS or NA (RFC 4861 section 4.6): every option has a
 * non-zero length inside the message (sections 7.1.1, 7.1.2); *lla is the
 * first option of type @want, or NULL.  Returns false when malformed.
 */
static bool nd_options(const uint8_t *o, uint16_t len, uint8_t want,
		       const uint8_t **lla)
{
	*lla = NULL;
	while (len > 0) {
		uint16_t olen;

		if (len < 8 || o[1] == 0)
			return false;
		olen = (uint16_t)(o[1] * 8);
		if (olen > len)
			return false;
		if (o[0] == want && !*lla)
			*lla = o + 2;
		o += olen;
		len = (uint16_t)(len - olen);
	}
	return true;
}

/*
 * An NS for one of our addresses becomes the NA (RFC 4861 section 7.2.4),
 * written right after the fixed IPv6 header: solicited and override,
 * unicast to the soliciting node (at the MAC of its source link-layer
 * option, or the frame's source when it has none), or for DAD unsolicited
 * to all-nodes.  Any VLAN tags stay.
 */
static enum dp_neigh_verdict na_reply(struct dp_neigh *n, struct dp_pkt *p,
				      const struct dp_neigh_ip *own,
				      const uint8_t *lla, bool dad)
{
	const uint16_t end = (uint16_t)(p->l3_off + IP6_HDR + ND_LEN);
	uint8_t *ip6 = p->data + p->l3_off;
	struct rte_ether_addr to_mac;
	uint8_t to[16];

	if (end > p->len + p->tailroom)
		return DP_NEIGH_DROP;
	if (dad) {
		to_mac = all_nodes_mac;
		memcpy(to, all_nodes, 16);
	} else {
		memcpy(&to_mac, lla ? lla : p->data + RTE_ETHER_ADDR_LEN,
		       sizeof(to_mac));
		memcpy(to, ip6 + 8, 16);
	}
	write_eth(p->data, &to_mac, &n->mac);
	write_nd(ip6, ND_NA, dad ? ND_NA_OVERRIDE :
		 ND_NA_SOLICITED | ND_NA_OVERRIDE, own->a, to, own->a, &n->mac);
	p->tailroom = (uint16_t)(p->len + p->tailroom - end);
	p->len = end;
	p->l4_off = (uint16_t)(p->l3_off + IP6_HDR);
	return DP_NEIGH_REPLY;
}

static enum dp_neigh_verdict nd_input(struct dp_neigh *n, struct dp_pkt *p,
				      uint64_t now)
{
	const uint8_t *ip6 = p->data + p->l3_off;
	const uint8_t *src = ip6 + 8, *dst = ip6 + 24;
	const uint8_t *icmp = p->data + p->l4_off, *target = icmp + 8;
	const uint8_t *lla;
	struct rte_ether_addr mac;
	const struct dp_neigh_ip *own;
	uint16_t len;
	bool dad;

	if (p->family != AF_INET6 || p->l4_off < p->l3_off + IP6_HDR ||
	    p->len < p->l4_off + ND_FIXED)
		return DP_NEIGH_DROP;
	len = (uint16_t)(p->len - p->l4_off);
	/*
	 * RFC 4861 sections 7.1.1 and 7.1.2: hop limit 255 (the message
	 * cannot have crossed a router), valid checksum, code 0, target not
	 * multicast, options well formed; a source is never multicast
	 * (RFC 4291 section 2.7).
	 */
	if (ip6[7] != ND_HOP_LIMIT || icmp[1] != 0 || target[0] == 0xff ||
	    src[0] == 0xff || icmp6_sum(src, dst, icmp, len) != 0xffff ||
	    !nd_options(icmp + ND_FIXED, (uint16_t)(len - ND_FIXED),
			icmp[0] == ND_NS ? ND_OPT_SLLA : ND_OPT_TLLA, &lla))
		return DP_NEIGH_DROP;
	if (lla) {
		memcpy(&mac, lla, sizeof(mac));
		if (!rte_is_valid_assigned_ether_addr(&mac))
			return DP_NEIGH_DROP;
	}
	if (icmp[0] == ND_NA) {
		const bool solicited = icmp[4] & ND_NA_SOLICITED;

		/* 7.1.2: an NA to a multicast group is never solicited */
		if (solicited && dst[0] == 0xff)
			return DP_NEIGH_DROP;
		/* 7.2.5: only an existing entry is updated */
		learn(n, AF_INET6, target, lla ? &mac : NULL, false, solicited,
		      icmp[4] & ND_NA_OVERRIDE, now);
		return own_find(n, AF_INET6, dst) ? DP_NEIGH_CONSUMED :
						    DP_NEIGH_NOT_MINE;
	}
	/* 7.1.1: DAD (unspecified source) goes to a solicited-node group
	 * and carries no source link-layer address */
	dad = is_zero(src, 16);
	if (dad && (lla || memcmp(dst, solicited_prefix,
				  sizeof(solicited_prefix)) != 0))
		return DP_NEIGH_DROP;
	own = own_find(n, AF_INET6, target);
	if (!own)
		return DP_NEIGH_NOT_MINE;
	/* 7.2.3: the solicitor's address goes into the cache, STALE */
	if (lla)
		learn(n, AF_INET6, src, &mac, true, false, true, now);
	return na_reply(n, p, own, lla ? mac.addr_bytes : NULL, dad);
}

/* ------------------------------------------------------------ interface */

static int conf_ip(struct dp_neigh_ip *ip, const struct cfg_ip *c)
{
	if (c->af == AF_INET)
		memcpy(ip->a, &c->u.v4, 4);
	else if (c->af == AF_INET6)
		memcpy(ip->a, &c->u.v6, 16);
	else
		return -EINVAL;
	ip->family = (uint8_t)c->af;
	return 0;
}

int dp_neigh_init(struct dp_neigh *n, const struct dp_neigh_conf *c)
{
	struct dp_neigh_ip gw = { 0 };

	if (c->n_own < 1 || c->n_own > DP_NEIGH_MAX_OWN || c->hz == 0 ||
	    c->vlan > 4094 || !rte_is_valid_assigned_ether_addr(&c->mac))
		return -EINVAL;
	memset(n, 0, sizeof(*n));
	n->mac = c->mac;
	n->vlan = c->vlan;
	for (unsigned i = 0; i < c->n_own; i++)
		if (conf_ip(&n->own[i], &c->own[i]) < 0)
			return -EINVAL;
	n->n_own = c->n_own;
	if (c->gateway.af != 0) {
		if (conf_ip(&gw, &c->gateway) < 0 ||
		    !own_first(n, gw.family) ||
		    own_find(n, gw.family, gw.a))
			return -EINVAL;
		if (gw.family == AF_INET)
			n->gw4 = gw;
		else
			n->gw6 = gw;
	}
	n->reachable = DP_NEIGH_REACHABLE_S * c->hz;
	n->retrans = DP_NEIGH_RETRANS_S * c->hz;
	n->unanswered = DP_NEIGH_UNANSWERED_S * c->hz;
	n->seed = c->seed;
	return 0;
}

enum dp_neigh_verdict dp_neigh_input(struct dp_neigh *n, struct dp_pkt *p,
				     uint64_t now)
{
	enum dp_neigh_verdict v = DP_NEIGH_DROP;

	write_begin(n);
	if (p->class == DP_PKT_ARP)
		v = arp_input(n, p, now);
	else if (p->class == DP_PKT_ND)
		v = nd_input(n, p, now);
	write_end(n);
	return v;
}

/* dp_neigh_resolve() for a next hop that may need a change; in a write
 * section */
static int resolve_locked(struct dp_neigh *n, const struct dp_neigh_ip *hop,
			  const struct dp_neigh_ip *src, uint64_t now,
			  struct rte_ether_addr *mac, uint8_t *probe_f,
			  uint16_t *probe_len)
{
	struct dp_neigh_entry *e = lookup(n, hop, now);

	if (!e) {
		e = insert(n, hop, DP_NEIGH_INCOMPLETE, now);
		if (!e)
			return -ENOSPC;
		*probe_len = probe(n, e, src, probe_f, now);
		return -EAGAIN;
	}
	if (e->state == DP_NEIGH_INCOMPLETE) {
		if (now - e->probed >= n->retrans)
			*probe_len = probe(n, e, src, probe_f, now);
		return -EAGAIN;
	}
	*mac = e->mac;
	if (e->state == DP_NEIGH_STALE &&
	    (!e->probing || now - e->probed >= n->retrans)) {
		if (!e->probing) {
			e->probing = true;
			e->since = now;
		}
		*probe_len = probe(n, e, src, probe_f, now);
	}
	return 0;
}

int dp_neigh_resolve(struct dp_neigh *n, int family, const uint8_t *dst,
		     uint64_t now, struct rte_ether_addr *mac, uint8_t *probe_f,
		     uint16_t *probe_len)
{
	const struct dp_neigh_ip *src = NULL, *gw;
	struct dp_neigh_ip hop = { .family = (uint8_t)family };
	uint32_t i;
	int ret;

	*probe_len = 0;
	if (family == AF_INET || family == AF_INET6)
		src = own_first(n, (uint8_t)family);
	if (!src)
		return -EAFNOSUPPORT;
	gw = family == AF_INET ? &n->gw4 : &n->gw6;
	if (gw->family)
		hop = *gw;
	else
		memcpy(hop.a, dst, addr_len(hop.family));
	/* the common case changes nothing: no write section for it */
	i = find(n, &hop);
	if (i != NO_SLOT && n->slot[i].state == DP_NEIGH_REACHABLE &&
	    now - n->slot[i].updated < n->reachable) {
		*mac = n->slot[i].mac;
		return 0;
	}
	write_begin(n);
	ret = resolve_locked(n, &hop, src, now, mac, probe_f, probe_len);
	write_end(n);
	return ret;
}

/* the elapsed ticks from @then to @now, 0 when @then is later */
static inline uint64_t since(uint64_t now, uint64_t then)
{
	return now > then ? now - then : 0;
}

/*
 * What dp_neigh_resolve() would do with the entry @e (a reader's copy, FREE
 * for none) at @now, without doing it: 0 with *mac, or -EAGAIN; *ask when
 * the owner would create the entry or send a probe.
 */
static int judge(const struct dp_neigh *n, const struct dp_neigh_entry *e,
		 uint64_t now, struct rte_ether_addr *mac, bool *ask)
{
	switch (e->state) {
	case DP_NEIGH_INCOMPLETE:
		if (since(now, e->updated) >= n->unanswered)
			break;		/* expired: resolve afresh */
		*ask = since(now, e->probed) >= n->retrans;
		return -EAGAIN;
	case DP_NEIGH_REACHABLE:
		*mac = e->mac;
		/* turned STALE: the owner starts probing it */
		*ask = since(now, e->updated) >= n->reachable;
		return 0;
	case DP_NEIGH_STALE:
		if (e->probing && since(now, e->since) >= n->unanswered)
			break;		/* probed in vain: deleted */
		*mac = e->mac;
		*ask = !e->probing || since(now, e->probed) >= n->retrans;
		return 0;
	default:
		break;
	}
	*ask = true;
	return -EAGAIN;
}

int dp_neigh_lookup(const struct dp_neigh *n, int family, const uint8_t *dst,
		    uint64_t now, struct rte_ether_addr *mac, bool *ask)
{
	const struct dp_neigh_ip *gw;
	struct dp_neigh_ip hop = { .family = (uint8_t)family };
	struct dp_neigh_entry copy = { .state = DP_NEIGH_FREE };

	*ask = false;
	if ((family != AF_INET && family != AF_INET6) ||
	    !own_first(n, (uint8_t)family))
		return -EAFNOSUPPORT;
	/* owned addresses and gateways are set at init, never written */
	gw = family == AF_INET ? &n->gw4 : &n->gw6;
	if (gw->family)
		hop = *gw;
	else
		memcpy(hop.a, dst, addr_len(hop.family));
	for (unsigned t = 0; t < DP_NEIGH_READ_TRIES; t++) {
		uint32_t s = __atomic_load_n(&n->seq, __ATOMIC_ACQUIRE);
		uint32_t i;

		if (s & 1) {
			rte_pause();
			continue;
		}
		i = find(n, &hop);
		copy.state = DP_NEIGH_FREE;
		if (i != NO_SLOT)
			copy = n->slot[i];
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&n->seq, __ATOMIC_RELAXED) != s)
			continue;
		/* a consistent copy (FREE when find() found none) */
		return judge(n, &copy, now, mac, ask);
	}
	return -EBUSY;
}

enum dp_neigh_state dp_neigh_query(struct dp_neigh *n, int family,
				   const uint8_t *addr, uint64_t now,
				   struct rte_ether_addr *mac)
{
	struct dp_neigh_ip ip = { .family = (uint8_t)family };
	enum dp_neigh_state state = DP_NEIGH_FREE;
	struct dp_neigh_entry *e;

	if (family != AF_INET && family != AF_INET6)
		return DP_NEIGH_FREE;
	memcpy(ip.a, addr, addr_len(ip.family));
	write_begin(n);		/* the timers may delete the entry */
	e = lookup(n, &ip, now);
	if (e) {
		if (mac && e->state != DP_NEIGH_INCOMPLETE)
			*mac = e->mac;
		state = (enum dp_neigh_state)e->state;
	}
	write_end(n);
	return state;
}
