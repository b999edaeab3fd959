/*
 * Per-flow SRTP/SRTCP (RFC 3711) with libsrtp2: the unprotect/protect step
 * of the forwarding path.
 *
 * DOC: SRTP sessions
 *
 * A flow-table entry is one direction of one stream, with its own SRTP
 * setting on input and on output.  struct dp_srtp_ctx holds what the
 * dataplane needs for it: an inbound libsrtp session (unprotect) and an
 * outbound one (protect), each present only when its suite is not
 * DP_SRTP_NONE.  So one entry covers every case of the SBC terminating
 * SRTP on both legs:
 *
 *   in        out       what dp_srtp_process_rtp() does
 *   NONE      NONE      nothing
 *   NONE      suite     RTP -> SRTP (protect)
 *   suite     NONE      SRTP -> RTP (unprotect)
 *   suite     suite'    SRTP -> SRTP: unprotect with the input key, then
 *                       protect with the output key, in place
 *
 * Suites are the SDES names of RFC 4568 section 6.2 and RFC 7714 section
 * 14; key material is the master key followed by the master salt, as in
 * the a=crypto inline: key (RFC 4568 section 6.1).
 *
 * Life cycle: dp_srtp_init() once per process, before any session;
 * dp_srtp_ctx_init() when a flow appears, dp_srtp_ctx_update() when its
 * entry changes (it keeps a direction's session, and with it the replay
 * window and rollover counter, when that direction's suite and key are
 * unchanged), dp_srtp_ctx_uninit() when it goes.  These allocate and run
 * off the packet path.  dp_srtp_process_rtp() and dp_srtp_process_rtcp()
 * run per packet: they neither lock nor log, and our code does not
 * allocate (libsrtp allocates a small per-SSRC stream the first time it
 * sees an SSRC, see srtp.c).  A context is used by one lcore at a time.
 */
#ifndef SBC_DP_SRTP_H
#define SBC_DP_SRTP_H

#include <stdint.h>

/* libsrtp2's session type (srtp_t is a pointer to it) */
struct srtp_ctx_t_;

enum dp_srtp_suite {
	DP_SRTP_NONE,
	DP_SRTP_AES_CM_128_HMAC_SHA1_80,	/* RFC 4568 6.2.1 */
	DP_SRTP_AES_CM_128_HMAC_SHA1_32,	/* RFC 4568 6.2.2 */
	DP_SRTP_AEAD_AES_128_GCM,		/* RFC 7714 (AES-GCM for SRTP) */
	DP_SRTP_SUITE_COUNT
};

/* Master key + master salt, longest suite (AES-CM: 16 + 14). */
#define DP_SRTP_KEY_SALT_MAX 30

/* SSRCs a session keeps per-stream state for (replay window, ROC). */
#define DP_SRTP_MAX_SSRC 4

/* What a suite is on the wire. */
struct dp_srtp_suite_info {
	const char *name;	/* SDES crypto-suite name */
	uint8_t key_len;	/* master key bytes */
	uint8_t salt_len;	/* master salt bytes, after the key */
	uint8_t rtp_trailer;	/* bytes protect adds to RTP: auth tag */
	uint8_t rtcp_trailer;	/* bytes protect adds to RTCP: E flag and
				 * SRTCP index (4) plus auth tag */
};

/* One direction: inbound (unprotect) or outbound (protect). */
struct dp_srtp_dir {
	struct srtp_ctx_t_ *session;	/* NULL when suite is DP_SRTP_NONE */
	enum dp_srtp_suite suite;
	uint8_t n_ssrc;			/* used entries of ssrc[] */
	uint32_t ssrc[DP_SRTP_MAX_SSRC];	/* network order, most recent
						 * first: the streams libsrtp
						 * holds in session */
	uint8_t key[DP_SRTP_KEY_SALT_MAX];	/* master key + salt, to tell
						 * a re-key from a no-op */
};

struct dp_srtp_ctx {
	struct dp_srtp_dir in;
	struct dp_srtp_dir out;
};

/**
 * dp_srtp_init - initialise libsrtp2 for this process
 *
 * Call once, before any dp_srtp_ctx_init().
 *
 * @return 0; -EIO when libsrtp2 fails its start-up self tests.
 */
int dp_srtp_init(void);

/**
 * dp_srtp_uninit - release libsrtp2
 *
 * Call after the last dp_srtp_ctx_uninit().
 */
void dp_srtp_uninit(void);

/**
 * dp_srtp_suite_info - key sizes and trailer sizes of a suite
 * @suite: any value
 *
 * @return the description, or NULL for DP_SRTP_NONE and values out of
 * range.
 */
const struct dp_srtp_suite_info *dp_srtp_suite_info(enum dp_srtp_suite suite);

/**
 * dp_srtp_ctx_init - create the sessions of one flow direction
 * @c: context to fill; its previous contents are ignored
 * @in_suite: SRTP the packets arrive with, or DP_SRTP_NONE
 * @in_key: master key + salt of @in_suite; unused (may be NULL) for NONE
 * @out_suite: SRTP the packets leave with, or DP_SRTP_NONE
 * @out_key: master key + salt of @out_suite; unused (may be NULL) for NONE
 *
 * Creates zero, one or two libsrtp sessions.  Keys are copied; the caller
 * may wipe its copies afterwards.  On error @c is zeroed and holds nothing.
 *
 * @return 0; -EINVAL for a suite out of range or a NULL key for a suite,
 * -ENOMEM when libsrtp cannot allocate, -EIO for any other libsrtp error.
 */
int dp_srtp_ctx_init(struct dp_srtp_ctx *c,
		     enum dp_srtp_suite in_suite, const uint8_t *in_key,
		     enum dp_srtp_suite out_suite, const uint8_t *out_key);

/**
 * dp_srtp_ctx_update - apply a changed flow entry to its sessions
 * @c: an initialised context
 * @in_suite: as for dp_srtp_ctx_init()
 * @in_key: as for dp_srtp_ctx_init()
 * @out_suite: as for dp_srtp_ctx_init()
 * @out_key: as for dp_srtp_ctx_init()
 *
 * A direction whose suite and key are unchanged keeps its session, so its
 * rollover counters, replay windows and SRTCP indexes carry on (a fresh
 * session would start at ROC 0 and SRTCP index 1, see srtp.c); a changed
 * one gets a new session.  All or nothing: on error @c is unchanged.
 *
 * @return 0; the errors of dp_srtp_ctx_init().
 */
int dp_srtp_ctx_update(struct dp_srtp_ctx *c,
		       enum dp_srtp_suite in_suite, const uint8_t *in_key,
		       enum dp_srtp_suite out_suite, const uint8_t *out_key);

/**
 * dp_srtp_ctx_uninit - free the sessions and wipe the keys
 * @c: context, or NULL
 *
 * Afterwards every byte of @c is zero (explicit_bzero, so the compiler
 * does not drop the wipe); libsrtp wipes its own derived keys.
 */
void dp_srtp_ctx_uninit(struct dp_srtp_ctx *c);

/**
 * dp_srtp_process_rtp - unprotect and/or protect one RTP packet in place
 * @c: the flow direction's context
 * @pkt: the UDP payload: RTP or SRTP
 * @len: its length in bytes; set to the new length on success
 * @room: writable bytes after @pkt + *@len (tailroom)
 *
 * Unprotects with the inbound session when there is one, then protects
 * with the outbound one.  The checks that can fail without touching
 * session state (length, header, room) come first, so a packet refused
 * for them leaves the replay windows as they were.  After a protect
 * failure the packet holds the unprotected RTP and must be dropped.
 *
 * @return 0; -EPROTO when the packet is too short for its RTP header
 * (fixed part, CSRC list, extension) plus the input auth tag or is not
 * version 2, -ENOSPC when @room is less than the growth (output trailer
 * minus input trailer), -EBADMSG when authentication fails, -EALREADY
 * when the replay check refuses the packet (index seen, or older than the
 * window), -EIO for any other libsrtp error.
 */
int dp_srtp_process_rtp(struct dp_srtp_ctx *c, uint8_t *pkt, int *len,
			int room);

/**
 * dp_srtp_process_rtcp - unprotect and/or protect one RTCP packet in place
 * @c: the flow direction's context
 * @pkt: the UDP payload: a compound RTCP or SRTCP packet
 * @len: its length in bytes; set to the new length on success
 * @room: writable bytes after @pkt + *@len (tailroom)
 *
 * As dp_srtp_process_rtp(), for SRTCP (RFC 3711 section 3.4): the sender
 * SSRC of the first packet selects the stream, the trailer carries the E
 * flag, the 31-bit SRTCP index and the tag.
 *
 * @return 0; -EPROTO when shorter than 8 bytes plus the input trailer or
 * not version 2, otherwise as dp_srtp_process_rtp().
 */
int dp_srtp_process_rtcp(struct dp_srtp_ctx *c, uint8_t *pkt, int *len,
			 int room);

#endif
