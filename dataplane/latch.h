/*
 * DOC: Latching - where the media of a NATed peer really comes from
 *
 * A peer behind NAT sends from an address and port that are not the ones
 * its SDP gave.  Latching learns them from the packets themselves:
 *
 *   flow X (local = SBC address the peer sends to)   learns: the source of
 *          what arrives at X is the peer's real address; it is stored in
 *          X's counters (ft_count_latch), where sbcd reads it too.
 *   flow Y = X.pair (local = SBC address the far side sends to) sends:
 *          with X.latch not off, to the address X learnt, instead of
 *          Y.dst, once X has learnt one.
 *
 * So X's mode alone decides how the peer sending into X is latched: sbcd
 * gives each direction the mode of the realm of the leg whose peer sends
 * into it (b2bua/media_policy.h), and the two directions of a stream may
 * differ.  Modes:
 * off (never learn), first (learn from the first packet only), ssrc (also
 * learn again when a packet from a new source carries a new SSRC: the peer
 * moved, e.g. NAT rebinding or a new device after a transfer).
 *
 * Pure decisions only, inlined into the packet path; unit-tested in
 * tests/unit/test_dp_latch.c.
 */
#ifndef SBC_DP_LATCH_H
#define SBC_DP_LATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "ft.h"

/* What the flow has learnt so far, from its counters. */
struct dp_latch_state {
	bool latched;		/* a source is stored */
	bool same_source;	/* the packet comes from the stored source */
	uint32_t last_ssrc;	/* SSRC of the flow's previous packet */
	bool seen;		/* the flow had a previous packet */
};

/**
 * dp_latch_learn - whether a received packet moves the flow's latch
 * @mode: the flow's enum ft_latch
 * @st: its state before this packet
 * @ssrc: the packet's SSRC
 * @has_ssrc: the payload is RTP or RTCP, so @ssrc means something
 *
 * @return true when the packet's source must become the latched source.
 */
static inline bool dp_latch_learn(uint8_t mode, const struct dp_latch_state *st,
				  uint32_t ssrc, bool has_ssrc)
{
	if (mode == FT_LATCH_OFF)
		return false;
	if (!st->latched)
		return true;
	if (mode != FT_LATCH_SSRC || st->same_source || !has_ssrc)
		return false;
	/* a new source alone may be a stray or spoofed packet; a new source
	 * with a new SSRC is the stream moving */
	return !st->seen || ssrc != st->last_ssrc;
}

/**
 * dp_latch_use - whether a flow sends to its pair's latched source
 * @mode: the pair's enum ft_latch (the flow that learns the source)
 * @pair_latched: its pair (of the current flow in that slot) has latched
 */
static inline bool dp_latch_use(uint8_t mode, bool pair_latched)
{
	return mode != FT_LATCH_OFF && pair_latched;
}

#endif
