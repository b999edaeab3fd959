/*
 * DOC: Media ports - a realm's allocators of the SBC's RTP/RTCP/UDPTL ports
 *
 * A realm owns the UDP ports media_port_min..media_port_max of each of
 * its media addresses (cfg.h): one allocator (struct b2b_ports) per
 * address, gathered in the realm's pool (struct b2b_port_pool, below).
 * The range is cut into slots of two ports, an even one and the odd one
 * after it:
 *
 *   - a pair is a whole slot: RTP on the even port, RTCP on RTP + 1, the
 *     default of RFC 3550 section 11 that RFC 3605 a=rtcp only restates;
 *   - a single port (RTP and RTCP multiplexed, RFC 5761, or T.38 UDPTL)
 *     is either half of a slot.
 *
 * Allocation is next-fit with a rotating cursor, as the kernel hands out
 * pids: the search starts after the port given out last and wraps, so
 * ports go out in rotating order and a port just released waits until
 * the cursor comes round to it (a full turn when it lies behind the
 * cursor, as the last one given out does) instead of going straight back
 * out as from a LIFO free list.  That matters because the old call's
 * peer may go on sending for a while (a late BYE, a retransmitted
 * re-INVITE, packets in flight, a NAT binding kept alive): a port reused
 * at once would feed those stray packets into the next call and, with
 * latching, could even steer it toward the old peer.
 *
 * Bitmaps (free ports; wholly free slots) with a summary word per 64
 * words bound a search to a few word reads whatever the occupancy: O(1)
 * for the 65536 ports a range can hold.  Release is O(1).  A slot
 * remembers whether it was given as a pair, so releasing a pair as a
 * single port, a port twice or a port never given is refused with -EINVAL
 * and changes nothing.
 *
 * After a restart sbcd re-marks the ports of the calls it recovered with
 * b2b_ports_reserve() before allocating anything.
 *
 * Not thread-safe: sbcd uses it from the su_root thread only.
 */
#ifndef SBC_MEDIA_PORTS_H
#define SBC_MEDIA_PORTS_H

#include <stdbool.h>
#include <stdint.h>

struct b2b_ports;

/**
 * b2b_ports_new - an allocator for the ports @min..@max, all free
 * @min: first port, even, not 0
 * @max: last port (inclusive), >= @min + 1; when even, the last slot
 *       has only its even half and serves single ports only
 *
 * @return the allocator, or NULL with errno EINVAL (bad range) or ENOMEM.
 */
struct b2b_ports *b2b_ports_new(uint16_t min, uint16_t max);

/* b2b_ports_free - release the allocator; accepts NULL. */
void b2b_ports_free(struct b2b_ports *p);

/**
 * b2b_ports_alloc - take the next free port or pair after the cursor
 * @pair: true for an RTP/RTCP pair (even port, RTCP = port + 1), false for
 *        one port (even or odd)
 * @port: receives the port (the RTP port of a pair)
 *
 * @return 0, or -ENOSPC when no free port (or no wholly free slot for a
 * pair) is left.
 */
int b2b_ports_alloc(struct b2b_ports *p, bool pair, uint16_t *port);

/**
 * b2b_ports_release - give back what b2b_ports_alloc() or
 * b2b_ports_reserve() gave
 * @pair: as it was taken
 *
 * @return 0, or -EINVAL for a port out of range, not in use, or taken the
 * other way (pair versus single); nothing changes then.
 */
int b2b_ports_release(struct b2b_ports *p, uint16_t port, bool pair);

/**
 * b2b_ports_reserve - mark a port or pair in use, for reconciliation
 * after a restart (the cursor does not move)
 *
 * @return 0, -EINVAL for a port out of range or an odd pair port, -EBUSY
 * when (part of) it is in use already.
 */
int b2b_ports_reserve(struct b2b_ports *p, uint16_t port, bool pair);

/* b2b_ports_in_use - how many ports are given out now (a pair counts 2). */
unsigned b2b_ports_in_use(const struct b2b_ports *p);

/* b2b_ports_is_used - whether @port is given out (false out of range). */
bool b2b_ports_is_used(const struct b2b_ports *p, uint16_t port);

/*
 * A realm's pool: one allocator per media address, address i of the
 * realm's media_addrs being allocator i.  A leg of a call takes all its
 * ports on one address, since its SDP has one session-level c= (RFC 4566
 * section 5.7): its first port chooses the address (B2B_PORT_POOL_ANY),
 * and the others are taken there.  The choice is the address with the
 * most free ports (lowest index on a tie), so calls spread over the
 * addresses; when that one has no room of the kind asked for (a pair
 * needs a wholly free slot) the next best is tried, and -ENOSPC comes only
 * when no address has room.
 */
#define B2B_PORT_POOL_ANY UINT32_MAX

struct b2b_port_pool;

/**
 * b2b_port_pool_new - @n allocators, each for the ports @min..@max
 * @n: media addresses, 1..256
 *
 * @return the pool, or NULL with errno EINVAL (bad range, @n out of
 * range) or ENOMEM.
 */
struct b2b_port_pool *b2b_port_pool_new(unsigned n, uint16_t min,
					uint16_t max);

/* b2b_port_pool_free - release the pool and its allocators; accepts NULL. */
void b2b_port_pool_free(struct b2b_port_pool *pool);

/* b2b_port_pool_size - how many addresses (allocators) the pool has. */
unsigned b2b_port_pool_size(const struct b2b_port_pool *pool);

/* b2b_port_pool_get - the allocator of address @addr, NULL out of range. */
struct b2b_ports *b2b_port_pool_get(struct b2b_port_pool *pool,
				    uint32_t addr);

/**
 * b2b_port_pool_alloc - a port or pair on address *@addr, or on the best
 * address when *@addr is B2B_PORT_POOL_ANY
 * @addr: in: the address, or B2B_PORT_POOL_ANY; out: the one used
 * @pair, @port: as b2b_ports_alloc()
 *
 * @return 0, -ENOSPC when that address (with B2B_PORT_POOL_ANY: every
 * address) has no room, -EINVAL for an address out of range.
 */
int b2b_port_pool_alloc(struct b2b_port_pool *pool, uint32_t *addr, bool pair,
			uint16_t *port);

/* b2b_port_pool_in_use - ports given out on all addresses together. */
unsigned b2b_port_pool_in_use(const struct b2b_port_pool *pool);

#endif
