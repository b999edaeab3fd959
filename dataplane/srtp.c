/*
 * Per-flow SRTP/SRTCP sessions on libsrtp2: session set-up from a flow
 * entry's suites and keys, and the in-place unprotect/protect of each
 * packet (see the DOC block in srtp.h).
 *
 * Policies.  One session per direction with a wildcard SSRC:
 * ssrc_any_inbound for unprotect, ssrc_any_outbound for protect.  libsrtp
 * keeps the session's template and clones it into a per-SSRC stream (own
 * replay window and rollover counter, shared cipher contexts) the first
 * time it sees an SSRC: for unprotect only after the packet authenticated,
 * for protect at once.  So an SSRC change needs nothing from us, but a
 * plain-RTP sender could make protect clone a stream per packet by varying
 * the SSRC; each direction therefore tracks the SSRCs it holds, most
 * recent first, and removes the least recently used stream beyond
 * DP_SRTP_MAX_SSRC (srtp_remove_stream()).  An evicted SSRC that comes
 * back starts afresh, as below.
 *
 * The replay window is 1024 packets (RFC 3711 section 3.3.2 asks for at
 * least 64; libsrtp's default is 128): about 20 s of 50 pps audio, so
 * reordering and jitter-buffer bursts pass and a genuine replay does not.
 * Outbound sessions set allow_repeat_tx: the SBC protects whatever index
 * its input carries, and a sender that repeats a sequence number (a
 * duplicate, or a retransmission after a re-INVITE) must not lose the
 * packet.  The price is keystream (for GCM, nonce) reuse if a sender puts
 * different payloads under one index; the same payload leaks nothing.
 *
 * Rollover counter (RFC 3711 section 3.3.1).  SRTP's packet index is
 * ROC * 2^16 + SEQ and only SEQ is on the wire; both ends infer the ROC.
 * libsrtp2 (srtp_rdbx_estimate_index, srtp_index_guess) follows the RFC's
 * Appendix A: with s_l the highest SEQ authenticated so far and ROC its
 * counter, a packet's SEQ is taken as ROC - 1 when SEQ - s_l > 2^15, as
 * ROC + 1 when s_l - SEQ > 2^15, else as ROC; a new stream starts at ROC 0
 * with the first packet's SEQ (while the index is below 2^15 no ROC - 1
 * guess is made).  Protect runs the same estimate on the RTP sequence
 * numbers it is given, so an outbound stream follows its input's wraps.
 * What this means for a relay that does not see every packet:
 *  - sequence jumps of less than 2^15 in either direction are understood
 *    (a forward jump then counts as loss); a backward jump of more than the
 *    window is refused as a replay (-EALREADY) until SEQ catches up;
 *  - losing 2^15 or more consecutive packets of one SSRC before they reach
 *    the SBC (about 11 minutes of 50 pps audio) misplaces the ROC, and
 *    every later packet of that SSRC fails authentication;
 *  - a session created while a sender is already past ROC 0 (a flow entry
 *    re-created mid-call with the same keys, a dataplane restart on a call
 *    older than 2^16 packets, an evicted SSRC returning) guesses ROC 0 and
 *    fails authentication for that SSRC: hence dp_srtp_ctx_update() keeps
 *    a direction's session when its suite and key did not change;
 *  - on output the receiver infers our ROC from what we send, so it stays
 *    in step as long as our input does;
 *  - SRTCP carries its 31-bit index explicitly, so loss does not matter,
 *    but a re-created outbound session restarts at index 1 and a receiver
 *    that kept its state refuses those packets as replays: another reason
 *    to keep sessions whose keys did not change.
 *
 * AES_CM_128_HMAC_SHA1_32 shortens only the SRTP tag; SRTCP keeps the
 * 80-bit tag (RFC 4568 section 6.2.2, libsrtp's advice for this policy).
 *
 * Keys: our copy lives in the context until dp_srtp_ctx_uninit() wipes it
 * with explicit_bzero(); libsrtp zeroes its derived keys when a session is
 * freed.  Nothing here logs, key material least of all.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <srtp2/srtp.h>

#include "srtp.h"

#define REPLAY_WINDOW 1024

#define RTP_HDR_LEN 12
#define RTCP_HDR_LEN 8

struct suite {
	struct dp_srtp_suite_info info;
	void (*rtp_policy)(srtp_crypto_policy_t *p);
	void (*rtcp_policy)(srtp_crypto_policy_t *p);
};

/* Indexed by enum dp_srtp_suite; DP_SRTP_NONE has no trailer. */
static const struct suite suites[DP_SRTP_SUITE_COUNT] = {
	[DP_SRTP_AES_CM_128_HMAC_SHA1_80] = {
		{ "AES_CM_128_HMAC_SHA1_80", 16, 14, 10, 4 + 10 },
		srtp_crypto_policy_set_rtp_default,
		srtp_crypto_policy_set_rtcp_default,
	},
	[DP_SRTP_AES_CM_128_HMAC_SHA1_32] = {
		{ "AES_CM_128_HMAC_SHA1_32", 16, 14, 4, 4 + 10 },
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32,
		srtp_crypto_policy_set_rtcp_default,
	},
	[DP_SRTP_AEAD_AES_128_GCM] = {
		{ "AEAD_AES_128_GCM", 16, 12, 16, 4 + 16 },
		srtp_crypto_policy_set_aes_gcm_128_16_auth,
		srtp_crypto_policy_set_aes_gcm_128_16_auth,
	},
};

int dp_srtp_init(void)
{
	return srtp_init() == srtp_err_status_ok ? 0 : -EIO;
}

void dp_srtp_uninit(void)
{
	srtp_shutdown();
}

const struct dp_srtp_suite_info *dp_srtp_suite_info(enum dp_srtp_suite suite)
{
	if (suite == DP_SRTP_NONE || (unsigned)suite >= DP_SRTP_SUITE_COUNT)
		return NULL;
	return &suites[suite].info;
}

/* key + salt bytes of a valid suite; 0 for none */
static unsigned key_salt_len(enum dp_srtp_suite suite)
{
	return suites[suite].info.key_len + suites[suite].info.salt_len;
}

/* whether a direction already runs @suite with @key */
static bool dir_same(const struct dp_srtp_dir *d, enum dp_srtp_suite suite,
		     const uint8_t *key)
{
	return d->suite == suite &&
	       (suite == DP_SRTP_NONE ||
		memcmp(d->key, key, key_salt_len(suite)) == 0);
}

/* Fill @d with a new session for @suite/@key (none for DP_SRTP_NONE). */
static int dir_create(struct dp_srtp_dir *d, enum dp_srtp_suite suite,
		      const uint8_t *key, srtp_ssrc_type_t type)
{
	srtp_policy_t policy;
	srtp_err_status_t st;

	memset(d, 0, sizeof(*d));
	if (suite == DP_SRTP_NONE)
		return 0;
	memcpy(d->key, key, key_salt_len(suite));
	d->suite = suite;

	memset(&policy, 0, sizeof(policy));
	suites[suite].rtp_policy(&policy.rtp);
	suites[suite].rtcp_policy(&policy.rtcp);
	policy.ssrc.type = type;
	policy.key = d->key;
	policy.window_size = REPLAY_WINDOW;
	policy.allow_repeat_tx = type == ssrc_any_outbound;

	st = srtp_create(&d->session, &policy);
	if (st == srtp_err_status_ok)
		return 0;
	explicit_bzero(d, sizeof(*d));
	return st == srtp_err_status_alloc_fail ? -ENOMEM : -EIO;
}

/* Free a direction's session and wipe it. */
static void dir_destroy(struct dp_srtp_dir *d)
{
	if (d->session)
		srtp_dealloc(d->session);
	explicit_bzero(d, sizeof(*d));
}

static bool suite_valid(enum dp_srtp_suite suite, const uint8_t *key)
{
	if ((unsigned)suite >= DP_SRTP_SUITE_COUNT)
		return false;
	return suite == DP_SRTP_NONE || key;
}

int dp_srtp_ctx_update(struct dp_srtp_ctx *c,
		       enum dp_srtp_suite in_suite, const uint8_t *in_key,
		       enum dp_srtp_suite out_suite, const uint8_t *out_key)
{
	struct dp_srtp_dir in, out;
	bool keep_in, keep_out;
	int rc;

	if (!suite_valid(in_suite, in_key) || !suite_valid(out_suite, out_key))
		return -EINVAL;
	keep_in = dir_same(&c->in, in_suite, in_key);
	keep_out = dir_same(&c->out, out_suite, out_key);

	/* build what changes first, so a failure leaves @c as it was */
	rc = keep_in ? 0 : dir_create(&in, in_suite, in_key, ssrc_any_inbound);
	if (rc < 0)
		return rc;
	rc = keep_out ? 0 :
		dir_create(&out, out_suite, out_key, ssrc_any_outbound);
	if (rc < 0) {
		if (!keep_in)
			dir_destroy(&in);
		return rc;
	}

	if (!keep_in) {
		dir_destroy(&c->in);
		c->in = in;
		explicit_bzero(&in, sizeof(in));
	}
	if (!keep_out) {
		dir_destroy(&c->out);
		c->out = out;
		explicit_bzero(&out, sizeof(out));
	}
	return 0;
}

int dp_srtp_ctx_init(struct dp_srtp_ctx *c,
		     enum dp_srtp_suite in_suite, const uint8_t *in_key,
		     enum dp_srtp_suite out_suite, const uint8_t *out_key)
{
	memset(c, 0, sizeof(*c));
	return dp_srtp_ctx_update(c, in_suite, in_key, out_suite, out_key);
}

void dp_srtp_ctx_uninit(struct dp_srtp_ctx *c)
{
	if (!c)
		return;
	dir_destroy(&c->in);
	dir_destroy(&c->out);
}

/*
 * Record that @d's session holds a stream for @ssrc (network order), most
 * recent first; beyond DP_SRTP_MAX_SSRC remove the least recent stream.
 */
static void note_ssrc(struct dp_srtp_dir *d, uint32_t ssrc)
{
	unsigned i;

	if (d->n_ssrc && d->ssrc[0] == ssrc)
		return;
	for (i = 0; i < d->n_ssrc && d->ssrc[i] != ssrc; i++)
		;
	if (i == d->n_ssrc) {
		if (d->n_ssrc == DP_SRTP_MAX_SSRC)
			srtp_remove_stream(d->session, d->ssrc[--i]);
		else
			d->n_ssrc++;
	}
	memmove(&d->ssrc[1], &d->ssrc[0], i * sizeof(d->ssrc[0]));
	d->ssrc[0] = ssrc;
}

/* negative errno for a libsrtp failure */
static int errno_of(srtp_err_status_t st)
{
	switch (st) {
	case srtp_err_status_auth_fail:
		return -EBADMSG;
	case srtp_err_status_replay_fail:
	case srtp_err_status_replay_old:
		return -EALREADY;
	case srtp_err_status_bad_param:
	case srtp_err_status_parse_err:
		return -EPROTO;
	default:
		return -EIO;
	}
}

/*
 * Length of the RTP header (RFC 3550 section 5.1: fixed part, CSRCs,
 * extension) when it fits in @len bytes and is version 2, else -1.
 */
static int rtp_hdr_len(const uint8_t *pkt, int len)
{
	int hl = RTP_HDR_LEN + 4 * (pkt[0] & 0x0f);

	if (len < RTP_HDR_LEN || (pkt[0] >> 6) != 2 || hl > len)
		return -1;
	if (pkt[0] & 0x10) {
		if (hl + 4 > len)
			return -1;
		hl += 4 + 4 * (pkt[hl + 2] << 8 | pkt[hl + 3]);
		if (hl > len)
			return -1;
	}
	return hl;
}

/*
 * Unprotect with the inbound session, then protect with the outbound one,
 * tracking the stream of @ssrc (network order) in each.
 */
static inline int transform(struct dp_srtp_ctx *c, uint8_t *pkt, int *len,
			    uint32_t ssrc,
			    srtp_err_status_t (*unprotect)(srtp_t, void *, int *),
			    srtp_err_status_t (*protect)(srtp_t, void *, int *))
{
	srtp_err_status_t st;

	if (c->in.session) {
		st = unprotect(c->in.session, pkt, len);
		if (st != srtp_err_status_ok)
			return errno_of(st);
		note_ssrc(&c->in, ssrc);
	}
	if (c->out.session) {
		note_ssrc(&c->out, ssrc);
		st = protect(c->out.session, pkt, len);
		if (st != srtp_err_status_ok)
			return errno_of(st);
	}
	return 0;
}

int dp_srtp_process_rtp(struct dp_srtp_ctx *c, uint8_t *pkt, int *len,
			int room)
{
	int in_trailer = suites[c->in.suite].info.rtp_trailer;
	int out_trailer = suites[c->out.suite].info.rtp_trailer;
	uint32_t ssrc;

	if (*len < RTP_HDR_LEN || rtp_hdr_len(pkt, *len - in_trailer) < 0)
		return -EPROTO;
	if (out_trailer - in_trailer > room)
		return -ENOSPC;
	memcpy(&ssrc, pkt + 8, sizeof(ssrc));
	return transform(c, pkt, len, ssrc, srtp_unprotect, srtp_protect);
}

int dp_srtp_process_rtcp(struct dp_srtp_ctx *c, uint8_t *pkt, int *len,
			 int room)
{
	int in_trailer = suites[c->in.suite].info.rtcp_trailer;
	int out_trailer = suites[c->out.suite].info.rtcp_trailer;
	uint32_t ssrc;

	if (*len < RTCP_HDR_LEN + in_trailer || (pkt[0] >> 6) != 2)
		return -EPROTO;
	if (out_trailer - in_trailer > room)
		return -ENOSPC;
	memcpy(&ssrc, pkt + 4, sizeof(ssrc));
	return transform(c, pkt, len, ssrc, srtp_unprotect_rtcp,
			 srtp_protect_rtcp);
}
