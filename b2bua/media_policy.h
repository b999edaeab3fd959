/*
 * DOC: Media policy - per-realm latching and RTP timeout of a call's media
 *
 * Each leg of a call is in a realm, and each realm says how its own peers'
 * media is treated (cfg.h: latching, rtp_timeout):
 *
 *  - Latching.  A stream's two flow-table entries (one per direction,
 *    b2b_sdp_flows()) each receive what one leg's peer sends: the entry
 *    of direction A to B is fed by leg A's peer, B to A by leg B's.  The
 *    entry belongs to the leg whose peer sends into it, so its latch mode
 *    is that leg's realm's.  The dataplane learns the peer's real source
 *    on that entry under that mode, and the entry of the other direction
 *    sends there when the learning entry's mode is not off (dataplane/
 *    latch.h).  So "off" on the access realm means the SBC keeps sending
 *    to the addresses the access peers' SDP gave, whatever the carrier
 *    realm says, and the reverse.
 *  - RTP timeout.  A realm's rtp_timeout bounds how long its peers may be
 *    silent: a call is hung up when the peer of one leg has sent nothing
 *    for that leg's realm's rtp_timeout (0 = never) on every stream not on
 *    hold, counted from the later of its last packet and the last time
 *    the stream's flows were written.  The leg whose realm has the shorter
 *    timeout is the one that takes a silent call down.
 *
 * Pure decisions, unit-tested in tests/unit/test_media_policy.c;
 * call_media.c applies them.
 */
#ifndef SBC_MEDIA_POLICY_H
#define SBC_MEDIA_POLICY_H

#include <stdint.h>

#include "cfg.h"
#include "ft.h"
#include "sdp_rewrite.h"

/* b2b_media_latch_mode - the enum ft_latch of a realm's latching setting */
uint8_t b2b_media_latch_mode(enum cfg_latching l);

/**
 * b2b_media_flows_latch - set the latch mode of one stream's flows
 * @st: the call's media state, for both legs' realms
 * @f: the flows b2b_sdp_flows() gave, in its order
 * @n: how many (0, 2 or 4)
 *
 * Even entries (A to B) take leg A's realm's mode, odd ones leg B's.
 */
void b2b_media_flows_latch(const struct b2b_sdp_state *st, struct ft_flow *f,
			   int n);

/**
 * b2b_media_timed_out - the leg whose peer was silent too long, if any
 * @limit_s: each side's realm's rtp_timeout, seconds, 0 = off
 * @heard_ns: each side's peer last heard (CLOCK_MONOTONIC ns), see the DOC
 * @now_ns: now, same clock
 *
 * @return B2B_SDP_A or B2B_SDP_B, the one past its limit by more when
 * both are; -1 when neither is.
 */
int b2b_media_timed_out(const uint32_t limit_s[2], const uint64_t heard_ns[2],
			uint64_t now_ns);

#endif
