/*
 * SRTP benchmark: packets per second through dataplane/srtp.c on one core,
 * against libsrtp2 called directly on the same packets in the same run.
 *
 * Each packet is RTP with a 160-byte payload (20 ms of G.711), 172 bytes.
 * Protect copies a prepared packet into the work buffer, sets its
 * sequence number and protects it; unprotect copies one of BATCH packets
 * protected beforehand and unprotects it, with a fresh session per pass
 * over the batch (set up off the clock) so the replay check never refuses.
 * Both ways time the copy, identically for dp_srtp and for libsrtp.
 * Every figure is the best of ROUNDS runs of RUN_NS, taken alternately,
 * so a noisy neighbour hurts both sides alike; about 4 s in all.
 *
 * Prints `name: value` lines: for AES_CM_128_HMAC_SHA1_80 the issue's
 * dataplane.srtp_protect_mpps_per_core and
 * dataplane.srtp_unprotect_mpps_per_core, libsrtp2's own rates as
 * srtp.libsrtp2_protect_mpps and srtp.libsrtp2_unprotect_mpps, and the
 * ratios; the same with "_gcm" for AEAD_AES_128_GCM.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <srtp2/srtp.h>

#include "srtp.h"

#define PAYLOAD 160
#define PKT_MAX 256
#define BATCH 4096
#define ROUNDS 3
#define RUN_NS 150000000.0

static const uint8_t key[DP_SRTP_KEY_SALT_MAX] = {
	0x3c, 0x1f, 0x8a, 0x52, 0x90, 0x6e, 0x27, 0xd4, 0xb1, 0x05,
	0x7e, 0xc8, 0x43, 0x99, 0x2a, 0xf6, 0x61, 0x0d, 0xb8, 0x34,
	0xe2, 0x7b, 0x15, 0xa9, 0x4f, 0xc0, 0x86, 0x3d, 0x58, 0xeb,
};

static uint8_t batch[BATCH][PKT_MAX];
static int batch_len[BATCH];

/* What one timed loop runs on: the suite and who does the work. */
struct run {
	enum dp_srtp_suite suite;
	bool direct;		/* libsrtp2 itself, else dp_srtp */
	bool protect;
	struct dp_srtp_ctx ctx;
	srtp_t session;
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "srtp_bench: %s failed\n", what);
	exit(1);
}

static int make_rtp(uint8_t *b, uint16_t seq)
{
	memset(b, 0, 12 + PAYLOAD);
	b[0] = 0x80;
	b[2] = seq >> 8;
	b[3] = seq & 0xff;
	b[8] = 0x12;
	b[11] = 0x34;
	memset(b + 12, 0xd5, PAYLOAD);
	return 12 + PAYLOAD;
}

/* libsrtp2 session with the suite's policy, as dp_srtp sets it up */
static srtp_t direct_session(enum dp_srtp_suite s, bool sender)
{
	uint8_t k[DP_SRTP_KEY_SALT_MAX];
	srtp_policy_t p;
	srtp_t session;

	memset(&p, 0, sizeof(p));
	if (s == DP_SRTP_AEAD_AES_128_GCM) {
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&p.rtp);
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&p.rtcp);
	} else {
		srtp_crypto_policy_set_rtp_default(&p.rtp);
		srtp_crypto_policy_set_rtcp_default(&p.rtcp);
	}
	memcpy(k, key, sizeof(k));
	p.ssrc.type = sender ? ssrc_any_outbound : ssrc_any_inbound;
	p.key = k;
	p.window_size = 1024;
	p.allow_repeat_tx = sender;
	if (srtp_create(&session, &p) != srtp_err_status_ok)
		die("srtp_create");
	return session;
}

static void run_open(struct run *r)
{
	if (r->direct)
		r->session = direct_session(r->suite, r->protect);
	else if (dp_srtp_ctx_init(&r->ctx, r->protect ? DP_SRTP_NONE : r->suite,
				  key, r->protect ? r->suite : DP_SRTP_NONE,
				  key) < 0)
		die("dp_srtp_ctx_init");
}

static void run_close(struct run *r)
{
	if (r->direct)
		srtp_dealloc(r->session);
	else
		dp_srtp_ctx_uninit(&r->ctx);
}

/* one packet; @i picks the sequence number or the batch entry */
static void one(struct run *r, uint8_t *buf, const uint8_t *tmpl, int tlen,
		unsigned i)
{
	int len, rc;

	if (r->protect) {
		memcpy(buf, tmpl, tlen);
		buf[2] = (uint8_t)(i >> 8);
		buf[3] = (uint8_t)i;
		len = tlen;
		rc = r->direct ? (int)srtp_protect(r->session, buf, &len) :
			dp_srtp_process_rtp(&r->ctx, buf, &len,
					    PKT_MAX - len);
	} else {
		len = batch_len[i % BATCH];
		memcpy(buf, batch[i % BATCH], len);
		rc = r->direct ? (int)srtp_unprotect(r->session, buf, &len) :
			dp_srtp_process_rtp(&r->ctx, buf, &len,
					    PKT_MAX - len);
	}
	if (rc != 0)
		die(r->protect ? "protect" : "unprotect");
}

/* packets per second of one run of about RUN_NS */
static double measure(struct run *r)
{
	uint8_t buf[PKT_MAX], tmpl[PKT_MAX];
	int tlen = make_rtp(tmpl, 0);
	double t0, spent = 0;
	unsigned n = 0, i;

	run_open(r);
	while (spent < RUN_NS) {
		t0 = now_ns();
		for (i = 0; i < BATCH; i++)
			one(r, buf, tmpl, tlen, n + i);
		spent += now_ns() - t0;
		n += BATCH;
		if (!r->protect) {	/* a fresh replay window, off the clock */
			run_close(r);
			run_open(r);
		}
	}
	run_close(r);
	return n / spent * 1e9;
}

/* BATCH consecutive packets protected with @suite */
static void fill_batch(enum dp_srtp_suite suite)
{
	srtp_t s = direct_session(suite, true);
	unsigned i;

	for (i = 0; i < BATCH; i++) {
		batch_len[i] = make_rtp(batch[i], (uint16_t)i);
		if (srtp_protect(s, batch[i], &batch_len[i]) !=
		    srtp_err_status_ok)
			die("srtp_protect");
	}
	srtp_dealloc(s);
}

static void bench_suite(enum dp_srtp_suite suite, const char *tag)
{
	double best[2][2] = { { 0 } };	/* [protect][direct], Mpps */
	struct run r = { .suite = suite };
	int round, p, d;
	double v;

	fill_batch(suite);
	for (round = 0; round < ROUNDS; round++) {
		for (p = 0; p < 2; p++) {
			for (d = 0; d < 2; d++) {
				r.protect = p;
				r.direct = d;
				v = measure(&r) / 1e6;
				if (v > best[p][d])
					best[p][d] = v;
			}
		}
	}
	printf("dataplane.srtp%s_protect_mpps_per_core: %.3f\n", tag,
	       best[1][0]);
	printf("dataplane.srtp%s_unprotect_mpps_per_core: %.3f\n", tag,
	       best[0][0]);
	printf("srtp.libsrtp2%s_protect_mpps: %.3f\n", tag, best[1][1]);
	printf("srtp.libsrtp2%s_unprotect_mpps: %.3f\n", tag, best[0][1]);
	printf("dataplane.srtp%s_protect_vs_libsrtp2: %.3f\n", tag,
	       best[1][0] / best[1][1]);
	printf("dataplane.srtp%s_unprotect_vs_libsrtp2: %.3f\n", tag,
	       best[0][0] / best[0][1]);
}

int main(void)
{
	if (dp_srtp_init() < 0)
		die("dp_srtp_init");
	bench_suite(DP_SRTP_AES_CM_128_HMAC_SHA1_80, "");
	bench_suite(DP_SRTP_AEAD_AES_128_GCM, "_gcm");
	dp_srtp_uninit();
	return 0;
}
