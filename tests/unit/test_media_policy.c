/*
 * Unit tests of the per-realm media policy (b2bua/media_policy.c): each
 * flow-table entry of a real offer/answer (through sdp_rewrite.c) takes
 * the latch mode of the realm whose peer sends into it, for every pair of
 * settings, RTCP entries included; and which leg's RTP timeout expires.
 * Leg A is "access" (203.0.113.1), leg B "carrier" (198.51.100.1).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "media_policy.h"
#include "sdp_fixture.h"

#define S 1000000000ull

static const char offer[] =
	"v=0\r\no=- 1 1 IN IP4 10.0.0.10\r\ns=-\r\nc=IN IP4 10.0.0.10\r\n"
	"t=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
static const char answer[] =
	"v=0\r\no=- 2 2 IN IP4 10.0.1.10\r\ns=-\r\nc=IN IP4 10.0.1.10\r\n"
	"t=0 0\r\nm=audio 5000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";

/* the flows of one agreed audio stream, with the realms' latching */
static int flows(enum cfg_latching la, enum cfg_latching lb,
		 struct ft_flow f[4], struct ft_endpoint local[2])
{
	struct cfg_realm realm[2];
	struct b2b_sdp_leg leg[2];
	struct b2b_sdp_state *st;
	su_home_t home[1] = { SU_HOME_INIT(home) };
	char *out;
	int n;

	sdp_fx_realm_media(&realm[0], "access", "203.0.113.1", 10000);
	sdp_fx_realm_media(&realm[1], "carrier", "198.51.100.1", 20000);
	realm[0].latching = la;
	realm[1].latching = lb;
	for (int i = 0; i < 2; i++) {
		leg[i].realm = &realm[i];
		leg[i].addr = 0;
		leg[i].ports = b2b_port_pool_new(1, realm[i].media_port_min,
						 realm[i].media_port_max);
		assert_non_null(leg[i].ports);
	}
	st = b2b_sdp_state_new(&leg[0], &leg[1]);
	assert_non_null(st);
	assert_int_equal(b2b_sdp_rewrite(st, B2B_SDP_A, B2B_SDP_OFFER, offer,
					 strlen(offer), home, &out, NULL, 0), 0);
	assert_int_equal(b2b_sdp_rewrite(st, B2B_SDP_B, B2B_SDP_ANSWER, answer,
					 strlen(answer), home, &out, NULL, 0),
			 0);
	n = b2b_sdp_flows(st, 0, f);
	b2b_media_flows_latch(st, f, n);
	local[0] = st->stream[0].end[B2B_SDP_A].local;
	local[1] = st->stream[0].end[B2B_SDP_B].local;
	b2b_sdp_state_free(st);
	for (int i = 0; i < 2; i++)
		b2b_port_pool_free(leg[i].ports);
	su_home_deinit(home);
	return n;
}

static void test_latch_modes(void **state)
{
	(void)state;
	assert_int_equal(b2b_media_latch_mode(CFG_LATCH_OFF), FT_LATCH_OFF);
	assert_int_equal(b2b_media_latch_mode(CFG_LATCH_FIRST),
			 FT_LATCH_FIRST);
	assert_int_equal(b2b_media_latch_mode(CFG_LATCH_SSRC), FT_LATCH_SSRC);
}

/* the entry A's peer sends into (local = the SBC's end toward A) has A's
 * realm's mode, every other pairing of settings too */
static void test_entry_takes_its_senders_realm(void **state)
{
	static const enum cfg_latching all[] = {
		CFG_LATCH_OFF, CFG_LATCH_FIRST, CFG_LATCH_SSRC,
	};
	struct ft_endpoint local[2];
	struct ft_flow f[4];

	(void)state;
	for (unsigned i = 0; i < 3; i++) {
		for (unsigned j = 0; j < 3; j++) {
			int n = flows(all[i], all[j], f, local);

			assert_int_equal(n, 4);	/* RTP and RTCP pairs */
			for (int k = 0; k < n; k++) {
				const struct ft_endpoint *from =
					&local[k & 1];

				assert_int_equal(f[k].local.port,
						 from->port + (k >= 2));
				assert_memory_equal(f[k].local.addr,
						    from->addr, 16);
				assert_int_equal(f[k].latch,
					b2b_media_latch_mode(k & 1 ? all[j] :
							     all[i]));
			}
		}
	}
}

static void test_timed_out(void **state)
{
	uint32_t limit[2] = { 3, 30 };
	uint64_t heard[2] = { 100 * S, 100 * S };

	(void)state;
	/* neither limit reached; exactly at the limit counts as reached */
	assert_int_equal(b2b_media_timed_out(limit, heard, 102 * S), -1);
	assert_int_equal(b2b_media_timed_out(limit, heard, 103 * S),
			 B2B_SDP_A);
	/* the shorter limit takes the call down, whichever side it is on */
	limit[0] = 30;
	limit[1] = 3;
	assert_int_equal(b2b_media_timed_out(limit, heard, 104 * S),
			 B2B_SDP_B);
	/* 0 is off: never times out */
	limit[1] = 0;
	assert_int_equal(b2b_media_timed_out(limit, heard, 1000 * S),
			 B2B_SDP_A);
	limit[0] = 0;
	assert_int_equal(b2b_media_timed_out(limit, heard, 100000 * S), -1);
	/* a side still sending keeps only itself alive */
	limit[0] = limit[1] = 3;
	heard[1] = 110 * S;
	assert_int_equal(b2b_media_timed_out(limit, heard, 111 * S),
			 B2B_SDP_A);
	/* both past: the one further past its limit */
	heard[0] = 100 * S;
	heard[1] = 90 * S;
	assert_int_equal(b2b_media_timed_out(limit, heard, 120 * S),
			 B2B_SDP_B);
	/* heard after now (clock read earlier) is not silence */
	heard[0] = heard[1] = 200 * S;
	assert_int_equal(b2b_media_timed_out(limit, heard, 150 * S), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_latch_modes),
		cmocka_unit_test(test_entry_takes_its_senders_realm),
		cmocka_unit_test(test_timed_out),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
