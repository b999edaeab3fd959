/*
 * DOC: Saved media - a call's media state in its dialog record
 *
 * What a restarted sbcd needs to carry on relaying a call's media exactly
 * as before (call_restore.h): the SDP rewriter's per-stream state (the
 * SBC's ports and keys toward each leg, each peer's address and key, the
 * o= of each leg, so a later re-offer keeps the session id and goes on
 * counting versions, RFC 3264 section 8) and the flow-table slots that
 * carry each stream.  The dataplane kept forwarding with those slots while
 * sbcd was down, so they are adopted as they are, never rewritten.
 *
 * Encoding: lowercase hex of a header (format, stream size, counts, sides,
 * origins), the streams in use and their slots, in host byte order and in
 * the layout of this build's struct b2b_sdp_stream; a run of zero bytes is
 * "z" and the run's length in two hex digits.  The record never
 * leaves the machine; a build whose layout differs (the stream size in the
 * header) refuses it with -EPROTO and the call is settled, not resumed.
 * It holds SRTP keys: kept in the store only, wiped after use.
 */
#ifndef SBC_MEDIA_SAVED_H
#define SBC_MEDIA_SAVED_H

#include <stddef.h>
#include <stdint.h>

#include "sdp_rewrite.h"

struct b2b_media_saved {
	uint32_t n_streams;		/* <= B2B_SDP_MAX_STREAMS */
	int32_t offerer;		/* as struct b2b_sdp_state */
	struct b2b_sdp_origin origin[2];
	struct b2b_sdp_stream stream[B2B_SDP_MAX_STREAMS];
	uint32_t slot[B2B_SDP_MAX_STREAMS][4];	/* call_media.c's order */
	uint32_t n_slots[B2B_SDP_MAX_STREAMS];	/* 0, 2 or 4 */
};

/**
 * b2b_media_saved_encode - @ms as hex text into @out[@len]
 * @return the text's length, or -ENOSPC when @len is too small, -EINVAL
 * for counts out of range.
 */
int b2b_media_saved_encode(const struct b2b_media_saved *ms, char *out,
			   size_t len);

/**
 * b2b_media_saved_decode - the state encoded in @hex into @ms (zeroed
 * first, wiped again on error)
 * @return 0, or -EPROTO: not hex, truncated or too long, another format
 * or layout, counts, sides or slots out of range.
 */
int b2b_media_saved_decode(const char *hex, struct b2b_media_saved *ms);

#endif
