/*
 * Unit tests for dataplane/srtp.c.  The far ends are independent libsrtp2
 * sessions made here from the suite's own libsrtp policy: a "sender" that
 * protects what enters the context and a "receiver" that unprotects what
 * leaves it, so every case checks that the exact original packet comes
 * out.  Known answers are libsrtp's reference packets (its test driver's
 * srtp_validate / srtp_validate_gcm, keyed with the RFC 3711 Appendix B.3
 * master key and salt for AES-CM), and protect output is compared byte
 * for byte with libsrtp called directly.  Packets sit in heap blocks of
 * exactly length + room, so under ASan a write past the room fails.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>
#include <srtp2/srtp.h>

#include "srtp.h"

#define PAYLOAD 160
#define BUF_MAX 256

static const enum dp_srtp_suite all_suites[] = {
	DP_SRTP_AES_CM_128_HMAC_SHA1_80,
	DP_SRTP_AES_CM_128_HMAC_SHA1_32,
	DP_SRTP_AEAD_AES_128_GCM,
};
#define N_SUITES (sizeof(all_suites) / sizeof(all_suites[0]))

static const uint8_t key_a[DP_SRTP_KEY_SALT_MAX] = {
	0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa,
	0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x01, 0x02, 0x03, 0x04, 0x05,
	0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
};
static const uint8_t key_b[DP_SRTP_KEY_SALT_MAX] = {
	0xa0, 0xb1, 0xc2, 0xd3, 0xe4, 0xf5, 0x06, 0x17, 0x28, 0x39,
	0x4a, 0x5b, 0x6c, 0x7d, 0x8e, 0x9f, 0x10, 0x21, 0x32, 0x43,
	0x54, 0x65, 0x76, 0x87, 0x98, 0xa9, 0xba, 0xcb, 0xdc, 0xed,
};

/* RFC 3711 B.3 master key + salt, libsrtp's srtp_validate() key */
static const uint8_t kat_key_cm[30] = {
	0xe1, 0xf9, 0x7a, 0x0d, 0x3e, 0x01, 0x8b, 0xe0,
	0xd6, 0x4f, 0xa3, 0x2c, 0x06, 0xde, 0x41, 0x39,
	0x0e, 0xc6, 0x75, 0xad, 0x49, 0x8a, 0xfe, 0xeb,
	0xb6, 0x96, 0x0b, 0x3a, 0xab, 0xe6,
};
/* libsrtp's srtp_validate_gcm() key + salt */
static const uint8_t kat_key_gcm[28] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
	0xa8, 0xa9, 0xaa, 0xab,
};
/* SSRC 0xcafebabe, sequence 0x1234, 16 bytes of 0xab */
static const uint8_t kat_rtp[28] = {
	0x80, 0x0f, 0x12, 0x34, 0xde, 0xca, 0xfb, 0xad,
	0xca, 0xfe, 0xba, 0xbe, 0xab, 0xab, 0xab, 0xab,
	0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab,
	0xab, 0xab, 0xab, 0xab,
};
/* AES_CM_128_HMAC_SHA1_80; _32 is its first 32 bytes (shorter tag) */
static const uint8_t kat_srtp_cm[38] = {
	0x80, 0x0f, 0x12, 0x34, 0xde, 0xca, 0xfb, 0xad,
	0xca, 0xfe, 0xba, 0xbe, 0x4e, 0x55, 0xdc, 0x4c,
	0xe7, 0x99, 0x78, 0xd8, 0x8c, 0xa4, 0xd2, 0x15,
	0x94, 0x9d, 0x24, 0x02, 0xb7, 0x8d, 0x6a, 0xcc,
	0x99, 0xea, 0x17, 0x9b, 0x8d, 0xbb,
};
static const uint8_t kat_srtp_gcm[44] = {
	0x80, 0x0f, 0x12, 0x34, 0xde, 0xca, 0xfb, 0xad,
	0xca, 0xfe, 0xba, 0xbe, 0xc5, 0x00, 0x2e, 0xde,
	0x04, 0xcf, 0xdd, 0x2e, 0xb9, 0x11, 0x59, 0xe0,
	0x88, 0x0a, 0xa0, 0x6e, 0xd2, 0x97, 0x68, 0x26,
	0xf7, 0x96, 0xb2, 0x01, 0xdf, 0x31, 0x31, 0xa1,
	0x27, 0xe8, 0xa3, 0x92,
};
/* a sender report header and 16 bytes of 0xab, first SRTCP index 1 */
static const uint8_t kat_rtcp[24] = {
	0x81, 0xc8, 0x00, 0x0b, 0xca, 0xfe, 0xba, 0xbe,
	0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab,
	0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab,
};
/* both AES-CM suites: SRTCP keeps the 80-bit tag */
static const uint8_t kat_srtcp_cm[38] = {
	0x81, 0xc8, 0x00, 0x0b, 0xca, 0xfe, 0xba, 0xbe,
	0x71, 0x28, 0x03, 0x5b, 0xe4, 0x87, 0xb9, 0xbd,
	0xbe, 0xf8, 0x90, 0x41, 0xf9, 0x77, 0xa5, 0xa8,
	0x80, 0x00, 0x00, 0x01, 0x99, 0x3e, 0x08, 0xcd,
	0x54, 0xd6, 0xc1, 0x23, 0x07, 0x98,
};
static const uint8_t kat_srtcp_gcm[44] = {
	0x81, 0xc8, 0x00, 0x0b, 0xca, 0xfe, 0xba, 0xbe,
	0xc9, 0x8b, 0x8b, 0x5d, 0xf0, 0x39, 0x2a, 0x55,
	0x85, 0x2b, 0x6c, 0x21, 0xac, 0x8e, 0x70, 0x25,
	0xc5, 0x2c, 0x6f, 0xbe, 0xa2, 0xb3, 0xb4, 0x46,
	0xea, 0x31, 0x12, 0x3b, 0xa8, 0x8c, 0xe6, 0x1e,
	0x80, 0x00, 0x00, 0x01,
};

/* RTP: version 2, PT 0, @seq, @ssrc, PAYLOAD bytes derived from @seq */
static int make_rtp(uint8_t *b, uint32_t ssrc, uint16_t seq)
{
	uint32_t ts = htonl(seq * 160u), s = htonl(ssrc);
	int i;

	b[0] = 0x80;
	b[1] = 0;
	b[2] = seq >> 8;
	b[3] = seq & 0xff;
	memcpy(b + 4, &ts, 4);
	memcpy(b + 8, &s, 4);
	for (i = 0; i < PAYLOAD; i++)
		b[12 + i] = (uint8_t)(seq * 7 + i);
	return 12 + PAYLOAD;
}

/* RTCP sender report (RFC 3550 6.4.1) without report blocks, 28 bytes */
static int make_rtcp(uint8_t *b, uint32_t ssrc, uint16_t n)
{
	uint32_t s = htonl(ssrc);
	int i;

	b[0] = 0x80;
	b[1] = 200;
	b[2] = 0;
	b[3] = 6;
	memcpy(b + 4, &s, 4);
	for (i = 8; i < 28; i++)
		b[i] = (uint8_t)(n * 3 + i);
	return 28;
}

/* RTP or RTCP: how to build one and the functions that handle it */
struct kind {
	int (*make)(uint8_t *b, uint32_t ssrc, uint16_t n);
	srtp_err_status_t (*protect)(srtp_t s, void *p, int *len);
	srtp_err_status_t (*unprotect)(srtp_t s, void *p, int *len);
	int (*process)(struct dp_srtp_ctx *c, uint8_t *p, int *len, int room);
	bool rtcp;
};

static const struct kind rtp = {
	make_rtp, srtp_protect, srtp_unprotect, dp_srtp_process_rtp, false
};
static const struct kind rtcp = {
	make_rtcp, srtp_protect_rtcp, srtp_unprotect_rtcp,
	dp_srtp_process_rtcp, true
};

static int trailer(enum dp_srtp_suite s, const struct kind *k)
{
	const struct dp_srtp_suite_info *i = dp_srtp_suite_info(s);

	return i ? (k->rtcp ? i->rtcp_trailer : i->rtp_trailer) : 0;
}

/* A far end: a libsrtp session with the suite's policy, made here. */
static srtp_t peer(enum dp_srtp_suite s, const uint8_t *key, bool sender)
{
	uint8_t k[DP_SRTP_KEY_SALT_MAX];
	srtp_policy_t p;
	srtp_t session;

	memset(&p, 0, sizeof(p));
	switch (s) {
	case DP_SRTP_AES_CM_128_HMAC_SHA1_80:
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtp);
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtcp);
		break;
	case DP_SRTP_AES_CM_128_HMAC_SHA1_32:
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&p.rtp);
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtcp);
		break;
	case DP_SRTP_AEAD_AES_128_GCM:
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&p.rtp);
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&p.rtcp);
		break;
	default:
		fail();
	}
	memcpy(k, key, sizeof(k));
	p.ssrc.type = sender ? ssrc_any_outbound : ssrc_any_inbound;
	p.key = k;
	p.allow_repeat_tx = sender;
	assert_int_equal(srtp_create(&session, &p), srtp_err_status_ok);
	return session;
}

/* sender -> context -> receiver: key_a on the way in, key_b on the way out */
struct chain {
	enum dp_srtp_suite in, out;
	srtp_t snd, rcv;
	struct dp_srtp_ctx ctx;
};

static void chain_init(struct chain *ch, enum dp_srtp_suite in,
		       enum dp_srtp_suite out)
{
	ch->in = in;
	ch->out = out;
	ch->snd = in != DP_SRTP_NONE ? peer(in, key_a, true) : NULL;
	ch->rcv = out != DP_SRTP_NONE ? peer(out, key_b, false) : NULL;
	assert_int_equal(dp_srtp_ctx_init(&ch->ctx, in, key_a, out, key_b), 0);
}

static void chain_free(struct chain *ch)
{
	if (ch->snd)
		srtp_dealloc(ch->snd);
	if (ch->rcv)
		srtp_dealloc(ch->rcv);
	dp_srtp_ctx_uninit(&ch->ctx);
}

/*
 * Build packet @n of @ssrc, protect it as the sender would (into @wire,
 * returning its length) and keep the plaintext in @ref (*@ref_len).
 */
static int chain_send(struct chain *ch, const struct kind *k, uint32_t ssrc,
		      uint16_t n, uint8_t *ref, int *ref_len, uint8_t *wire)
{
	int len = k->make(ref, ssrc, n);

	*ref_len = len;
	memcpy(wire, ref, len);
	if (ch->snd)
		assert_int_equal(k->protect(ch->snd, wire, &len),
				 srtp_err_status_ok);
	return len;
}

/* One packet through the whole chain; the receiver gets @ref exactly. */
static void chain_pass(struct chain *ch, const struct kind *k, uint32_t ssrc,
		       uint16_t n)
{
	uint8_t ref[BUF_MAX], wire[BUF_MAX], *b;
	int ref_len, len, room;

	len = chain_send(ch, k, ssrc, n, ref, &ref_len, wire);
	room = trailer(ch->out, k);
	b = malloc(len + room);
	assert_non_null(b);
	memcpy(b, wire, len);

	assert_int_equal(k->process(&ch->ctx, b, &len, room), 0);
	assert_int_equal(len, ref_len + trailer(ch->out, k));
	if (ch->rcv)
		assert_int_equal(k->unprotect(ch->rcv, b, &len),
				 srtp_err_status_ok);
	assert_int_equal(len, ref_len);
	assert_memory_equal(b, ref, ref_len);
	free(b);
}

/* context output of one wire packet, expecting @rc */
static void expect_process(struct chain *ch, const struct kind *k,
			   const uint8_t *wire, int len, int room, int rc)
{
	uint8_t *b = malloc(len + room);

	assert_non_null(b);
	memcpy(b, wire, len);
	assert_int_equal(k->process(&ch->ctx, b, &len, room), rc);
	free(b);
}

static void test_suite_info(void **state)
{
	const struct dp_srtp_suite_info *i;

	(void)state;
	assert_null(dp_srtp_suite_info(DP_SRTP_NONE));
	assert_null(dp_srtp_suite_info(DP_SRTP_SUITE_COUNT));
	i = dp_srtp_suite_info(DP_SRTP_AES_CM_128_HMAC_SHA1_80);
	assert_string_equal(i->name, "AES_CM_128_HMAC_SHA1_80");
	assert_int_equal(i->key_len + i->salt_len, 30);
	assert_int_equal(i->rtp_trailer, 10);
	assert_int_equal(i->rtcp_trailer, 14);
	i = dp_srtp_suite_info(DP_SRTP_AES_CM_128_HMAC_SHA1_32);
	assert_int_equal(i->key_len + i->salt_len, 30);
	assert_int_equal(i->rtp_trailer, 4);
	assert_int_equal(i->rtcp_trailer, 14);
	i = dp_srtp_suite_info(DP_SRTP_AEAD_AES_128_GCM);
	assert_string_equal(i->name, "AEAD_AES_128_GCM");
	assert_int_equal(i->key_len + i->salt_len, 28);
	assert_int_equal(i->rtp_trailer, 16);
	assert_int_equal(i->rtcp_trailer, 20);
}

/* RTP->SRTP, SRTP->RTP, SRTP->SRTP for every pair of suites, RTP and RTCP */
static void test_directions(void **state)
{
	static const enum dp_srtp_suite modes[] = {
		DP_SRTP_NONE, DP_SRTP_AES_CM_128_HMAC_SHA1_80,
		DP_SRTP_AES_CM_128_HMAC_SHA1_32, DP_SRTP_AEAD_AES_128_GCM,
	};
	struct chain ch;
	unsigned i, j, n;

	(void)state;
	for (i = 0; i < 4; i++) {
		for (j = 0; j < 4; j++) {
			chain_init(&ch, modes[i], modes[j]);
			for (n = 1; n <= 5; n++) {
				chain_pass(&ch, &rtp, 0x1234abcd, n);
				chain_pass(&ch, &rtcp, 0x1234abcd, n);
			}
			chain_free(&ch);
		}
	}
}

/* libsrtp's reference packets, through the context both ways */
static void test_known_answer(void **state)
{
	static const struct {
		enum dp_srtp_suite suite;
		const uint8_t *key, *srtp, *srtcp;
		int srtp_len, srtcp_len;
	} kat[] = {
		{ DP_SRTP_AES_CM_128_HMAC_SHA1_80, kat_key_cm,
		  kat_srtp_cm, kat_srtcp_cm, 38, 38 },
		{ DP_SRTP_AES_CM_128_HMAC_SHA1_32, kat_key_cm,
		  kat_srtp_cm, kat_srtcp_cm, 32, 38 },
		{ DP_SRTP_AEAD_AES_128_GCM, kat_key_gcm,
		  kat_srtp_gcm, kat_srtcp_gcm, 44, 44 },
	};
	struct dp_srtp_ctx c;
	uint8_t b[BUF_MAX];
	unsigned i;
	int len;

	(void)state;
	for (i = 0; i < sizeof(kat) / sizeof(kat[0]); i++) {
		assert_int_equal(dp_srtp_ctx_init(&c, DP_SRTP_NONE, NULL,
						  kat[i].suite, kat[i].key), 0);
		len = sizeof(kat_rtp);
		memcpy(b, kat_rtp, len);
		assert_int_equal(dp_srtp_process_rtp(&c, b, &len, 16), 0);
		assert_int_equal(len, kat[i].srtp_len);
		assert_memory_equal(b, kat[i].srtp, len);
		len = sizeof(kat_rtcp);
		memcpy(b, kat_rtcp, len);
		assert_int_equal(dp_srtp_process_rtcp(&c, b, &len, 20), 0);
		assert_int_equal(len, kat[i].srtcp_len);
		assert_memory_equal(b, kat[i].srtcp, len);
		dp_srtp_ctx_uninit(&c);

		assert_int_equal(dp_srtp_ctx_init(&c, kat[i].suite, kat[i].key,
						  DP_SRTP_NONE, NULL), 0);
		len = kat[i].srtp_len;
		memcpy(b, kat[i].srtp, len);
		assert_int_equal(dp_srtp_process_rtp(&c, b, &len, 0), 0);
		assert_int_equal(len, sizeof(kat_rtp));
		assert_memory_equal(b, kat_rtp, len);
		len = kat[i].srtcp_len;
		memcpy(b, kat[i].srtcp, len);
		assert_int_equal(dp_srtp_process_rtcp(&c, b, &len, 0), 0);
		assert_int_equal(len, sizeof(kat_rtcp));
		assert_memory_equal(b, kat_rtcp, len);
		dp_srtp_ctx_uninit(&c);
	}
}

/* protect output is byte for byte what libsrtp alone produces */
static void test_identical_to_libsrtp(void **state)
{
	const struct kind *kinds[] = { &rtp, &rtcp };
	uint8_t mine[BUF_MAX], theirs[BUF_MAX];
	struct dp_srtp_ctx c;
	unsigned i, k, n;
	int len, len2;
	srtp_t direct;

	(void)state;
	for (i = 0; i < N_SUITES; i++) {
		assert_int_equal(dp_srtp_ctx_init(&c, DP_SRTP_NONE, NULL,
						  all_suites[i], key_b), 0);
		direct = peer(all_suites[i], key_b, true);
		for (n = 0; n < 40; n++) {
			for (k = 0; k < 2; k++) {
				/* an SSRC change every 10 packets */
				len = kinds[k]->make(mine, 0x5000 + n / 10,
						     65520 + n);
				memcpy(theirs, mine, len);
				len2 = len;
				assert_int_equal(kinds[k]->process(&c, mine,
								   &len, 20), 0);
				assert_int_equal(kinds[k]->protect(direct,
								   theirs,
								   &len2),
						 srtp_err_status_ok);
				assert_int_equal(len, len2);
				assert_memory_equal(mine, theirs, len);
			}
		}
		srtp_dealloc(direct);
		dp_srtp_ctx_uninit(&c);
	}
}

/* one flipped bit in the payload or in the tag: auth failure, no harm */
static void test_tampered(void **state)
{
	const struct kind *kinds[] = { &rtp, &rtcp };
	uint8_t ref[BUF_MAX], wire[BUF_MAX], bad[BUF_MAX];
	int ref_len, len, room;
	struct chain ch;
	unsigned i, k;

	(void)state;
	for (i = 0; i < N_SUITES; i++) {
		chain_init(&ch, all_suites[i], all_suites[i]);
		room = 0;
		for (k = 0; k < 2; k++) {
			len = chain_send(&ch, kinds[k], 0xdecaf, 7, ref,
					 &ref_len, wire);
			memcpy(bad, wire, len);
			bad[kinds[k]->rtcp ? 10 : 20] ^= 0x04;
			expect_process(&ch, kinds[k], bad, len, room,
				       -EBADMSG);
			memcpy(bad, wire, len);
			bad[len - 1] ^= 0x80;
			expect_process(&ch, kinds[k], bad, len, room,
				       -EBADMSG);
			expect_process(&ch, kinds[k], wire, len, room, 0);
		}
		chain_free(&ch);
	}
}

/* the same packet twice, and one older than the window */
static void test_replay(void **state)
{
	const struct kind *kinds[] = { &rtp, &rtcp };
	uint8_t ref[BUF_MAX], wire[BUF_MAX], old[BUF_MAX];
	int ref_len, len, old_len;
	struct chain ch;
	unsigned i, k;
	uint16_t n;

	(void)state;
	for (i = 0; i < N_SUITES; i++) {
		chain_init(&ch, all_suites[i], DP_SRTP_NONE);
		for (k = 0; k < 2; k++) {
			len = chain_send(&ch, kinds[k], 0xfeed, 1, ref,
					 &ref_len, wire);
			expect_process(&ch, kinds[k], wire, len, 0, 0);
			expect_process(&ch, kinds[k], wire, len, 0, -EALREADY);
		}

		/* RTP index 2 kept back while 3..1502 go through */
		old_len = chain_send(&ch, &rtp, 0xfeed, 2, ref, &ref_len, old);
		for (n = 3; n < 1503; n++) {
			len = chain_send(&ch, &rtp, 0xfeed, n, ref, &ref_len,
					 wire);
			expect_process(&ch, &rtp, wire, len, 0, 0);
		}
		expect_process(&ch, &rtp, old, old_len, 0, -EALREADY);
		chain_free(&ch);
	}
}

/* SSRC changes mid-stream, back again, and more SSRCs than kept */
static void test_ssrc_change(void **state)
{
	const enum dp_srtp_suite none = DP_SRTP_NONE;
	struct chain ch;
	unsigned i, m, n, s;
	uint32_t roc;

	(void)state;
	for (i = 0; i < N_SUITES; i++) {
		for (m = 0; m < 3; m++) {
			chain_init(&ch, m == 0 ? none : all_suites[i],
				   m == 1 ? none : all_suites[i]);
			for (n = 0; n < 5; n++)
				chain_pass(&ch, &rtp, 0xaaaa, 100 + n);
			for (n = 0; n < 5; n++)
				chain_pass(&ch, &rtp, 0xbbbb, 40000 + n);
			chain_pass(&ch, &rtcp, 0xbbbb, 1);
			for (n = 0; n < 5; n++)
				chain_pass(&ch, &rtp, 0xaaaa, 105 + n);
			/* 10 more SSRCs: at most DP_SRTP_MAX_SSRC kept */
			for (s = 0; s < 10; s++) {
				chain_pass(&ch, &rtp, 0xc000 + s, 7);
				chain_pass(&ch, &rtcp, 0xc000 + s, 7);
				chain_pass(&ch, &rtp, 0xc000 + s, 8);
			}
			assert_int_equal(ch.ctx.in.n_ssrc,
					 m == 0 ? 0 : DP_SRTP_MAX_SSRC);
			assert_int_equal(ch.ctx.out.n_ssrc,
					 m == 1 ? 0 : DP_SRTP_MAX_SSRC);
			assert_int_equal(ch.ctx.in.ssrc[0] | ch.ctx.out.ssrc[0],
					 htonl(0xc009));
			if (m != 0)
				assert_int_not_equal(
					srtp_get_stream_roc(ch.ctx.in.session,
							    0xaaaa, &roc),
					srtp_err_status_ok);
			if (m != 1)
				assert_int_not_equal(
					srtp_get_stream_roc(ch.ctx.out.session,
							    0xaaaa, &roc),
					srtp_err_status_ok);
			assert_int_equal(srtp_get_stream_roc(m == 0 ?
							     ch.ctx.out.session :
							     ch.ctx.in.session,
							     0xc009, &roc),
					 srtp_err_status_ok);
			/* an evicted SSRC comes back */
			chain_pass(&ch, &rtp, 0xaaaa, 110);
			chain_pass(&ch, &rtp, 0xbbbb, 40005);
			chain_free(&ch);
		}
	}
}

/* +3000 sequence jump, then up to a rollover-counter wrap 65530 -> 5 */
static void test_seq_jump_and_roc_wrap(void **state)
{
	static const uint16_t seqs[] = { 1, 2, 3, 3003, 3004, 20000, 36000,
					 52000, 65529 };
	const enum dp_srtp_suite none = DP_SRTP_NONE;
	struct chain ch;
	unsigned i, m, n;
	uint32_t roc;

	(void)state;
	for (i = 0; i < N_SUITES; i++) {
		for (m = 0; m < 3; m++) {
			chain_init(&ch, m == 0 ? none : all_suites[i],
				   m == 1 ? none : all_suites[i]);
			for (n = 0; n < sizeof(seqs) / sizeof(seqs[0]); n++)
				chain_pass(&ch, &rtp, 0x77, seqs[n]);
			for (n = 65530; n <= 65536 + 5; n++)
				chain_pass(&ch, &rtp, 0x77, (uint16_t)n);
			chain_pass(&ch, &rtcp, 0x77, 1);
			if (ch.rcv) {
				assert_int_equal(srtp_get_stream_roc(ch.rcv,
								     0x77,
								     &roc),
						 srtp_err_status_ok);
				assert_int_equal(roc, 1);
			}
			chain_free(&ch);
		}
	}
}

/* too short, bad headers, not enough room: refused, nothing consumed */
static void test_short_and_room(void **state)
{
	uint8_t ref[BUF_MAX], wire[BUF_MAX];
	int ref_len, len, in_tr, out_tr;
	struct chain ch;
	unsigned i;

	(void)state;
	for (i = 0; i < N_SUITES; i++) {
		/* RTP -> SRTP */
		chain_init(&ch, DP_SRTP_NONE, all_suites[i]);
		out_tr = trailer(all_suites[i], &rtp);
		len = make_rtp(wire, 9, 9);
		expect_process(&ch, &rtp, wire, 11, 64, -EPROTO);
		expect_process(&ch, &rtp, wire, 0, 64, -EPROTO);
		expect_process(&ch, &rtp, wire, len, out_tr - 1, -ENOSPC);
		expect_process(&ch, &rtcp, wire, 7, 64, -EPROTO);
		wire[0] = 0x8f;			/* 15 CSRCs: 72 bytes */
		expect_process(&ch, &rtp, wire, 71, 64, -EPROTO);
		expect_process(&ch, &rtp, wire, 72, out_tr, 0);
		wire[0] = 0x90;			/* extension of 40 words */
		wire[12 + 2] = 0;
		wire[12 + 3] = 40;
		expect_process(&ch, &rtp, wire, 12 + 4 + 159, 64, -EPROTO);
		expect_process(&ch, &rtp, wire, 12 + 4 + 160, out_tr, 0);
		expect_process(&ch, &rtp, wire, 15, 64, -EPROTO);
		wire[0] = 0x40;			/* version 1 */
		expect_process(&ch, &rtp, wire, len, 64, -EPROTO);
		expect_process(&ch, &rtcp, wire, 28, 64, -EPROTO);
		expect_process(&ch, &rtp, wire, 12, out_tr, -EPROTO);
		make_rtp(wire, 9, 10);
		expect_process(&ch, &rtp, wire, 12, out_tr, 0);
		chain_free(&ch);

		/* SRTP -> RTP */
		chain_init(&ch, all_suites[i], DP_SRTP_NONE);
		in_tr = trailer(all_suites[i], &rtp);
		len = chain_send(&ch, &rtp, 9, 9, ref, &ref_len, wire);
		expect_process(&ch, &rtp, wire, 12 + in_tr - 1, 0, -EPROTO);
		in_tr = trailer(all_suites[i], &rtcp);
		len = chain_send(&ch, &rtcp, 9, 9, ref, &ref_len, wire);
		expect_process(&ch, &rtcp, wire, 8 + in_tr - 1, 0, -EPROTO);
		expect_process(&ch, &rtcp, wire, len, 0, 0);
		chain_free(&ch);
	}

	/* SRTP -> SRTP growing by 6 (SHA1_32 in, SHA1_80 out) */
	chain_init(&ch, DP_SRTP_AES_CM_128_HMAC_SHA1_32,
		   DP_SRTP_AES_CM_128_HMAC_SHA1_80);
	len = chain_send(&ch, &rtp, 9, 9, ref, &ref_len, wire);
	expect_process(&ch, &rtp, wire, len, 5, -ENOSPC);
	expect_process(&ch, &rtp, wire, len, 6, 0);
	chain_free(&ch);

	/* ... and shrinking (GCM in, SHA1_32 out) needs no room */
	chain_init(&ch, DP_SRTP_AEAD_AES_128_GCM,
		   DP_SRTP_AES_CM_128_HMAC_SHA1_32);
	len = chain_send(&ch, &rtp, 9, 9, ref, &ref_len, wire);
	expect_process(&ch, &rtp, wire, len, 0, 0);
	chain_free(&ch);
}

/* update keeps unchanged directions (their ROC), replaces changed ones */
static void test_update(void **state)
{
	struct dp_srtp_ctx before;
	struct chain ch;
	unsigned n;

	(void)state;
	chain_init(&ch, DP_SRTP_AES_CM_128_HMAC_SHA1_80,
		   DP_SRTP_AEAD_AES_128_GCM);
	for (n = 65534; n <= 65537; n++)
		chain_pass(&ch, &rtp, 0x99, (uint16_t)n);

	before = ch.ctx;
	assert_int_equal(dp_srtp_ctx_update(&ch.ctx, ch.in, key_a, ch.out,
					    key_b), 0);
	assert_memory_equal(&before, &ch.ctx, sizeof(before));
	chain_pass(&ch, &rtp, 0x99, 2);

	/* new output key: the inbound session (at ROC 1) must stay */
	assert_int_equal(dp_srtp_ctx_update(&ch.ctx, ch.in, key_a,
					    DP_SRTP_AES_CM_128_HMAC_SHA1_32,
					    key_a), 0);
	assert_ptr_equal(ch.ctx.in.session, before.in.session);
	srtp_dealloc(ch.rcv);
	ch.out = DP_SRTP_AES_CM_128_HMAC_SHA1_32;
	ch.rcv = peer(ch.out, key_a, false);
	chain_pass(&ch, &rtp, 0x99, 3);
	chain_pass(&ch, &rtcp, 0x99, 3);

	/* a refused update changes nothing */
	before = ch.ctx;
	assert_int_equal(dp_srtp_ctx_update(&ch.ctx, DP_SRTP_SUITE_COUNT,
					    key_a, ch.out, key_a), -EINVAL);
	assert_int_equal(dp_srtp_ctx_update(&ch.ctx, ch.in, key_b,
					    ch.out, NULL), -EINVAL);
	assert_memory_equal(&before, &ch.ctx, sizeof(before));
	chain_pass(&ch, &rtp, 0x99, 4);
	chain_free(&ch);
}

/* init errors leave a zeroed context; uninit wipes everything */
static void test_init_uninit(void **state)
{
	static const uint8_t zero[sizeof(struct dp_srtp_ctx)];
	struct dp_srtp_ctx c;

	(void)state;
	memset(&c, 0x5a, sizeof(c));
	assert_int_equal(dp_srtp_ctx_init(&c, DP_SRTP_NONE, NULL,
					  DP_SRTP_NONE, NULL), 0);
	assert_null(c.in.session);
	assert_null(c.out.session);
	dp_srtp_ctx_uninit(&c);

	assert_int_equal(dp_srtp_ctx_init(&c, (enum dp_srtp_suite)7, key_a,
					  DP_SRTP_NONE, NULL), -EINVAL);
	assert_memory_equal(&c, zero, sizeof(c));
	assert_int_equal(dp_srtp_ctx_init(&c, DP_SRTP_NONE, NULL,
					  DP_SRTP_AEAD_AES_128_GCM, NULL),
			 -EINVAL);
	assert_memory_equal(&c, zero, sizeof(c));

	assert_int_equal(dp_srtp_ctx_init(&c, DP_SRTP_AES_CM_128_HMAC_SHA1_80,
					  key_a, DP_SRTP_AEAD_AES_128_GCM,
					  key_b), 0);
	assert_non_null(c.in.session);
	assert_non_null(c.out.session);
	assert_memory_equal(c.in.key, key_a, 30);
	assert_memory_equal(c.out.key, key_b, 28);
	dp_srtp_ctx_uninit(&c);
	assert_memory_equal(&c, zero, sizeof(c));
	dp_srtp_ctx_uninit(NULL);
}

static int group_setup(void **state)
{
	(void)state;
	return dp_srtp_init();
}

static int group_teardown(void **state)
{
	(void)state;
	dp_srtp_uninit();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_suite_info),
		cmocka_unit_test(test_directions),
		cmocka_unit_test(test_known_answer),
		cmocka_unit_test(test_identical_to_libsrtp),
		cmocka_unit_test(test_tampered),
		cmocka_unit_test(test_replay),
		cmocka_unit_test(test_ssrc_change),
		cmocka_unit_test(test_seq_jump_and_roc_wrap),
		cmocka_unit_test(test_short_and_room),
		cmocka_unit_test(test_update),
		cmocka_unit_test(test_init_uninit),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
