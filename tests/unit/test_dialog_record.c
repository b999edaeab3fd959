/*
 * Unit tests of what a restarted sbcd resumes calls from: the dialog
 * record (store.h struct store_dialog) through the store with every member
 * a restore needs, a record of an older sbcd (only the first members)
 * still read, a corrupt one refused, and the media state codec
 * (b2bua/media_saved.c): round trip, and every way a saved text can be
 * wrong refused without leaving anything behind.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "media_saved.h"
#include "store.h"
#include "store_fixture.h"

/* a dialog record as dialog_save.c writes it, media included */
static void full_dialog(struct store_dialog *d)
{
	sample_dialog(d);
	strcpy(d->id, "c0000002a1b2c");
	strcpy(d->caller, "alice");
	strcpy(d->callee, "4930123456");
	d->answer_ms = d->created_ms + 4200;
	strcpy(d->gateway, "10.10.2.10:5060;udp");
	d->prepaid = true;
	strcpy(d->a_realm, "access");
	strcpy(d->b_realm, "carrier");
	strcpy(d->a_peer, "pbx1");
	strcpy(d->b_peer, "carrier1");
	strcpy(d->a_local, "<sip:4930123456@10.10.1.1>");
	strcpy(d->a_remote, "<sip:alice@10.10.1.10>");
	strcpy(d->b_local, "<sip:alice@10.10.2.1>");
	strcpy(d->b_remote, "<sip:4930123456@10.10.2.10>");
	strcpy(d->a_target, "sip:alice@10.10.1.10:5060");
	strcpy(d->b_target, "sip:callee@10.10.2.10:5060;transport=tcp");
	strcpy(d->a_route, "<sip:10.10.1.5;lr>,<sip:10.10.1.6;lr>");
	strcpy(d->b_proxy, "sip:192.0.2.7:40123");
	d->a_cseq = 7;
	d->b_cseq = 4294967000u;
	/* bodies with what JSON must escape */
	snprintf(d->a_sdp, sizeof(d->a_sdp), "v=0\r\no=- 1 2 IN IP4 "
		 "10.10.1.1\r\ns=\"-\"\\\r\nc=IN IP4 10.10.1.1\r\n");
	memset(d->b_sdp, 'x', sizeof(d->b_sdp) - 1);
	memset(d->media, 'a', sizeof(d->media) - 1);
}

static void test_full_roundtrip(void **state)
{
	struct fixture *fx = *state;
	struct store_dialog *d = calloc(1, sizeof(*d));
	struct store_dialog *out = calloc(1, sizeof(*out));
	struct store_txn *t;

	assert_non_null(d);
	assert_non_null(out);
	full_dialog(d);
	t = fx_begin(fx, true);
	assert_int_equal(store_dialog_put(t, d), 0);
	assert_int_equal(store_txn_commit(t), 0);

	fx_reopen(fx);
	t = fx_begin(fx, false);
	memset(out, 0xa5, sizeof(*out));
	assert_int_equal(store_dialog_get(t, d->call_id, out), 0);
	store_txn_abort(t);
	assert_memory_equal(d, out, sizeof(*d));
	free(d);
	free(out);
}

/* a member one byte too long is refused, not cut */
static void test_too_long_refused(void **state)
{
	struct fixture *fx = *state;
	struct store_dialog *d = calloc(1, sizeof(*d));
	struct store_txn *t;

	assert_non_null(d);
	full_dialog(d);
	memset(d->a_route, 'r', sizeof(d->a_route));	/* unterminated */
	t = fx_begin(fx, true);
	assert_int_equal(store_dialog_put(t, d), -EINVAL);
	store_txn_abort(t);
	free(d);
}

/* written before the restore members existed: read, with them empty */
static void test_old_record_read(void **state)
{
	struct fixture *fx = *state;
	static const char old[] = "{\"v\":1,\"call_id\":\"old@pbx\","
		"\"b_call_id\":\"b@sbc\",\"a_local_tag\":\"al\","
		"\"state\":\"confirmed\",\"created_ms\":1767225600123,"
		"\"account\":\"\",\"peer\":\"pbx1\",\"route\":\"49\"}";
	struct store_dialog *out = calloc(1, sizeof(*out));
	struct store_txn *t;

	assert_non_null(out);
	store_close(fx->st);
	fx->st = NULL;
	fx_raw_put(fx->dir, "dialogs", "old@pbx", 7, old, sizeof(old) - 1);
	fx_reopen(fx);
	t = fx_begin(fx, false);
	assert_int_equal(store_dialog_get(t, "old@pbx", out), 0);
	store_txn_abort(t);
	assert_string_equal(out->peer, "pbx1");
	assert_int_equal(out->created_ms, 1767225600123);
	assert_string_equal(out->id, "");
	assert_string_equal(out->media, "");
	assert_int_equal(out->answer_ms, 0);
	free(out);
}

/* a record whose restore members have the wrong type: corrupt */
static void test_corrupt_record(void **state)
{
	struct fixture *fx = *state;
	static const char bad[] = "{\"v\":1,\"call_id\":\"bad@pbx\","
		"\"state\":\"confirmed\",\"created_ms\":1,\"a_cseq\":-1}";
	static const char big[] = "{\"v\":1,\"call_id\":\"big@pbx\","
		"\"state\":\"confirmed\",\"created_ms\":1,"
		"\"a_cseq\":4294967296}";
	struct store_dialog *out = calloc(1, sizeof(*out));
	struct store_txn *t;

	assert_non_null(out);
	store_close(fx->st);
	fx->st = NULL;
	fx_raw_put(fx->dir, "dialogs", "bad@pbx", 7, bad, sizeof(bad) - 1);
	fx_raw_put(fx->dir, "dialogs", "big@pbx", 7, big, sizeof(big) - 1);
	fx_reopen(fx);
	t = fx_begin(fx, false);
	assert_int_equal(store_dialog_get(t, "bad@pbx", out), -EPROTO);
	assert_int_equal(store_dialog_get(t, "big@pbx", out), -EPROTO);
	store_txn_abort(t);
	free(out);
}

/* media state ------------------------------------------------------------- */

static void sample_media(struct b2b_media_saved *ms, unsigned n)
{
	memset(ms, 0, sizeof(*ms));
	ms->n_streams = n;
	ms->offerer = B2B_SDP_B;
	ms->origin[0].set = true;
	ms->origin[0].id = 0x1122334455667788ull;
	ms->origin[0].version = 3;
	ms->origin[1].set = true;
	ms->origin[1].version = 9;
	for (unsigned i = 0; i < n; i++) {
		struct b2b_sdp_stream *s = &ms->stream[i];

		s->kind = B2B_SDP_RTP;
		s->mux = i & 1;
		for (int e = 0; e < 2; e++) {
			struct b2b_sdp_end *end = &s->end[e];

			end->local.family = FT_FAMILY_IPV4;
			end->local.port = (uint16_t)(20000 + 2 * i + 100 * e);
			end->local_rtcp = (uint16_t)(end->local.port + 1);
			end->dir = B2B_SDP_SENDRECV;
			end->our_key.suite = FT_SUITE_AES_CM_128_HMAC_SHA1_80;
			memset(end->our_key.key, 0x40 + (int)i, 30);
		}
		ms->n_slots[i] = 4;
		for (unsigned k = 0; k < 4; k++)
			ms->slot[i][k] = 4 * i + k;
	}
}

static void test_media_roundtrip(void **state)
{
	static char hex[STORE_MEDIA_MAX];
	struct b2b_media_saved ms, out;
	int n;

	(void)state;
	for (unsigned streams = 0; streams <= B2B_SDP_MAX_STREAMS;
	     streams += 4) {
		sample_media(&ms, streams);
		n = b2b_media_saved_encode(&ms, hex, sizeof(hex));
		assert_true(n > 0);
		assert_int_equal((size_t)n, strlen(hex));
		memset(&out, 0xa5, sizeof(out));
		assert_int_equal(b2b_media_saved_decode(hex, &out), 0);
		assert_memory_equal(&ms, &out, sizeof(ms));
	}
	/* the largest state fits the record */
	sample_media(&ms, B2B_SDP_MAX_STREAMS);
	assert_true(b2b_media_saved_encode(&ms, hex, sizeof(hex)) <
		    STORE_MEDIA_MAX);
}

static void test_media_no_room(void **state)
{
	struct b2b_media_saved ms;
	char small[64];

	(void)state;
	sample_media(&ms, 1);
	assert_int_equal(b2b_media_saved_encode(&ms, small, sizeof(small)),
			 -ENOSPC);
	assert_int_equal(b2b_media_saved_encode(&ms, small, 0), -ENOSPC);
	ms.n_streams = B2B_SDP_MAX_STREAMS + 1;
	assert_int_equal(b2b_media_saved_encode(&ms, small, sizeof(small)),
			 -EINVAL);
}

/* @n bytes of @p as plain hex (no zero runs) at the end of @out */
static void plain_put(char *out, const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t at = strlen(out);

	for (size_t i = 0; i < n; i++)
		sprintf(out + at + 2 * i, "%02x", b[i]);
}

/* @ms as plain hex, which the decoder takes as well as the compact text */
static void plain(const struct b2b_media_saved *ms, char *out)
{
	struct {
		uint32_t format, stream_size, n_streams;
		int32_t offerer;
		struct b2b_sdp_origin origin[2];
	} h = { 1, sizeof(struct b2b_sdp_stream), ms->n_streams, ms->offerer,
		{ ms->origin[0], ms->origin[1] } };

	out[0] = '\0';
	plain_put(out, &h, sizeof(h));
	for (uint32_t i = 0; i < ms->n_streams; i++) {
		plain_put(out, &ms->stream[i], sizeof(ms->stream[i]));
		plain_put(out, &ms->n_slots[i], sizeof(ms->n_slots[i]));
		plain_put(out, ms->slot[i], sizeof(ms->slot[i]));
	}
}

/* @hex with the byte at @at (counted in bytes, not digits) set to @v */
static void poke(char *hex, size_t at, uint8_t v)
{
	static const char d[] = "0123456789abcdef";

	hex[2 * at] = d[v >> 4];
	hex[2 * at + 1] = d[v & 15];
}

static void expect_refused(const char *hex)
{
	struct b2b_media_saved out;
	static const struct b2b_media_saved zero;

	memset(&out, 0xa5, sizeof(out));
	assert_int_equal(b2b_media_saved_decode(hex, &out), -EPROTO);
	/* nothing of it is left, keys least of all */
	assert_memory_equal(&out, &zero, sizeof(out));
}

static void test_media_corrupt(void **state)
{
	static char hex[STORE_MEDIA_MAX], bad[2 * STORE_MEDIA_MAX];
	static char raw[2 * STORE_MEDIA_MAX];
	struct b2b_media_saved ms, out;
	size_t len, rlen;
	/* header: format, stream size, n_streams, offerer (4 bytes each) */
	size_t stream0 = 16 + 2 * sizeof(struct b2b_sdp_origin);

	(void)state;
	sample_media(&ms, 2);
	assert_true(b2b_media_saved_encode(&ms, hex, sizeof(hex)) > 0);
	len = strlen(hex);
	plain(&ms, raw);
	rlen = strlen(raw);
	/* the plain form decodes to the same state */
	assert_int_equal(b2b_media_saved_decode(raw, &out), 0);
	assert_memory_equal(&ms, &out, sizeof(ms));

	expect_refused("");
	expect_refused("zz");
	/* truncated, one digit short, or something after the end */
	memcpy(bad, hex, len + 1);
	bad[len - 2] = '\0';
	expect_refused(bad);
	memcpy(bad, raw, rlen + 1);
	bad[rlen - 1] = '\0';
	expect_refused(bad);
	snprintf(bad, sizeof(bad), "%s00", hex);
	expect_refused(bad);
	/* uppercase or a non-digit inside */
	memcpy(bad, hex, len + 1);
	bad[1] = 'G';
	expect_refused(bad);
	/* zero runs: of 0 or 1 byte, longer than what is left */
	expect_refused("z00");
	expect_refused("z01");
	snprintf(bad, sizeof(bad), "%.*szff", (int)(rlen - 2), raw);
	expect_refused(bad);
	/* another format, another build's stream layout */
	memcpy(bad, raw, rlen + 1);
	poke(bad, 0, 2);
	expect_refused(bad);
	memcpy(bad, raw, rlen + 1);
	poke(bad, 4, (uint8_t)(sizeof(struct b2b_sdp_stream) + 8));
	expect_refused(bad);
	/* more streams than the text holds, more than a call may have */
	memcpy(bad, raw, rlen + 1);
	poke(bad, 8, 3);
	expect_refused(bad);
	memcpy(bad, raw, rlen + 1);
	poke(bad, 8, B2B_SDP_MAX_STREAMS + 1);
	expect_refused(bad);
	/* an offerer that is no side */
	memcpy(bad, raw, rlen + 1);
	poke(bad, 12, 7);
	expect_refused(bad);
	/* a stream of an unknown kind, a slot count of 3 */
	memcpy(bad, raw, rlen + 1);
	poke(bad, stream0 + offsetof(struct b2b_sdp_stream, kind), 9);
	expect_refused(bad);
	memcpy(bad, raw, rlen + 1);
	poke(bad, stream0 + sizeof(struct b2b_sdp_stream), 3);
	expect_refused(bad);
	expect_refused(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		FX_TEST(test_full_roundtrip),
		FX_TEST(test_too_long_refused),
		FX_TEST(test_old_record_read),
		FX_TEST(test_corrupt_record),
		cmocka_unit_test(test_media_roundtrip),
		cmocka_unit_test(test_media_no_room),
		cmocka_unit_test(test_media_corrupt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
