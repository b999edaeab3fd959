/*
 * Per-realm media policy: which latch mode each flow-table entry of a call
 * gets, and which leg's RTP timeout expired.  See media_policy.h.
 */
#include "media_policy.h"

#define NS_PER_S 1000000000ull

uint8_t b2b_media_latch_mode(enum cfg_latching l)
{
	switch (l) {
	case CFG_LATCH_OFF:
		return FT_LATCH_OFF;
	case CFG_LATCH_SSRC:
		return FT_LATCH_SSRC;
	case CFG_LATCH_FIRST:
	default:
		return FT_LATCH_FIRST;
	}
}

void b2b_media_flows_latch(const struct b2b_sdp_state *st, struct ft_flow *f,
			   int n)
{
	for (int k = 0; k < n; k++) {
		/* b2b_sdp_flows(): even A to B (fed by A's peer), odd B to A */
		const struct cfg_realm *r =
			st->leg[k & 1 ? B2B_SDP_B : B2B_SDP_A].realm;

		f[k].latch = b2b_media_latch_mode(r->latching);
	}
}

int b2b_media_timed_out(const uint32_t limit_s[2], const uint64_t heard_ns[2],
			uint64_t now_ns)
{
	uint64_t worst = 0;
	int side = -1;

	for (int s = B2B_SDP_A; s <= B2B_SDP_B; s++) {
		uint64_t limit = (uint64_t)limit_s[s] * NS_PER_S, over;

		if (!limit || heard_ns[s] >= now_ns ||
		    now_ns - heard_ns[s] < limit)
			continue;
		over = now_ns - heard_ns[s] - limit;
		if (side < 0 || over > worst) {
			side = s;
			worst = over;
		}
	}
	return side;
}
