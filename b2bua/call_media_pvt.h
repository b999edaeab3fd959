/*
 * The media state call_media.c keeps, shared with media_report.c (what the
 * calls' media counted, for CDRs and ctl): not for other files.
 */
#ifndef SBC_CALL_MEDIA_PVT_H
#define SBC_CALL_MEDIA_PVT_H

#include <stddef.h>
#include <stdint.h>

#include <sofia-sip/su_wait.h>

#include "cfg.h"

struct ft;
struct b2b_port_pool;
struct b2b_sdp_state;

/* sbcd's side of the media plane, in ctx->media */
struct b2b_media {
	struct ft *ft;
	struct b2b_port_pool *ports[CFG_MAX_REALMS];	/* by realm index */
	su_timer_t *sweep;
	unsigned flows;				/* slots held by calls */
};

/* a body as received: it holds the peer's keys, so it is wiped */
struct b2b_media_body {
	char *s;
	size_t len;
};

/* the flow-table slots of one stream */
struct b2b_stream_slots {
	uint32_t slot[4];		/* as b2b_sdp_flows() orders */
	unsigned n;			/* 0, 2 or 4 */
	uint64_t since_ns;		/* flows last written */
};

/* one call's media */
struct b2b_call_media {
	struct b2b_sdp_state *sdp;
	int pending;			/* side whose offer is pending */
	struct b2b_media_body offer;		/* that offer */
	int agreed_side;		/* side of the last agreed offer */
	struct b2b_media_body agreed_offer, agreed_answer;
	struct b2b_media_body sent[2];		/* last body sent to each side, for a
					 * restarted sbcd's re-INVITE */
	/* one per stream the SDP state has had (slots_grow()), not
	 * B2B_SDP_MAX_STREAMS per call: memory per call */
	struct b2b_stream_slots *ss;
	unsigned n_ss;
	uint64_t pkts[2], bytes[2], drops;	/* of slots already freed */
};

/*
 * b2b_media_slot_count - add the dataplane's counters of flow @k of stream
 * @i of @cm to the per-leg totals (@k & 1 is the leg)
 */
void b2b_media_slot_count(const struct b2b_media *m,
			  const struct b2b_call_media *cm, unsigned i,
			  unsigned k, uint64_t pkts[2], uint64_t bytes[2],
			  uint64_t *drops);

#endif
