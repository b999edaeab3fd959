/*
 * Unit tests of sdp_rewrite.c with SDP as real endpoints send it: a
 * baresip offer with SRTP and ICE, a carrier's plain RTP answer, a
 * Linphone-like audio+video offer with rtcp-mux, a T.38 re-INVITE, hold
 * (a=sendonly, c=0.0.0.0), rejected streams, several a=crypto lines, and
 * malformed bodies.  Leg A is the access realm (203.0.113.1, ports
 * 10000-10099), leg B the carrier realm (198.51.100.1, 20000-20099).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sdp_fixture.h"

static const char baresip_offer[] =
	"v=0\n"
	"o=- 1180434370 3212893318 IN IP4 192.168.1.10\n"
	"s=-\n"
	"c=IN IP4 192.168.1.10\n"
	"t=0 0\n"
	"a=tool:baresip 3.0.0\n"
	"a=ice-options:trickle\n"
	"a=ice-ufrag:Fsbp\n"
	"a=ice-pwd:b15f3a16d8e5fd45f1ae5f4c86\n"
	"m=audio 41234 RTP/SAVP 111 0 8 101\n"
	"b=AS:64\n"
	"a=rtpmap:111 opus/48000/2\n"
	"a=fmtp:111 stereo=1;sprop-stereo=1\n"
	"a=rtpmap:101 telephone-event/8000\n"
	"a=fmtp:101 0-15\n"
	"a=rtcp:41235 IN IP4 192.168.1.10\n"
	"a=sendrecv\n"
	"a=label:1\n"
	"a=ssrc:3525281923 cname:alice@192.168.1.10\n"
	"a=crypto:1 AES_CM_128_HMAC_SHA1_32 inline:" RFC_KEY "|2^20\n"
	"a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:" RFC_KEY "\n"
	"a=crypto:3 AES_CM_128_HMAC_SHA1_80 inline:" RFC_KEY "|2^20|1:4\n"
	"a=candidate:1 1 UDP 2113932031 192.168.1.10 41234 typ host\n"
	"a=candidate:2 1 UDP 1677724415 198.18.7.9 41234 typ srflx raddr 192.168.1.10 rport 41234\n"
	"a=end-of-candidates\n"
	"a=ptime:20\n";

static const char baresip_to_carrier[] =
	"v=0\r\n"
	"o=- 1180434370 3212893318 IN IP4 198.51.100.1\r\n"
	"s=-\r\n"
	"c=IN IP4 198.51.100.1\r\n"
	"t=0 0\r\n"
	"a=tool:baresip 3.0.0\r\n"
	"m=audio 20000 RTP/AVP 111 0 8 101\r\n"
	"b=AS:64\r\n"
	"a=rtpmap:111 opus/48000/2\r\n"
	"a=fmtp:111 stereo=1;sprop-stereo=1\r\n"
	"a=rtpmap:101 telephone-event/8000\r\n"
	"a=fmtp:101 0-15\r\n"
	"a=sendrecv\r\n"
	"a=label:1\r\n"
	"a=ptime:20\r\n"
	"a=rtcp:20001 IN IP4 198.51.100.1\r\n";

static const char carrier_answer[] =
	"v=0\n"
	"o=SBC-Carrier 99 1 IN IP4 10.20.30.40\n"
	"s=SIP Call\n"
	"c=IN IP4 10.20.30.40\n"
	"t=0 0\n"
	"m=audio 30000 RTP/AVP 0 101\n"
	"a=rtpmap:0 PCMU/8000\n"
	"a=rtpmap:101 telephone-event/8000\n"
	"a=fmtp:101 0-15\n"
	"a=ptime:20\n"
	"a=sendrecv\n";

static const char carrier_to_baresip_head[] =
	"v=0\r\n"
	"o=- 99 1 IN IP4 203.0.113.1\r\n"
	"s=SIP Call\r\n"
	"c=IN IP4 203.0.113.1\r\n"
	"t=0 0\r\n"
	"m=audio 10000 RTP/SAVP 0 101\r\n"
	"a=rtpmap:0 PCMU/8000\r\n"
	"a=rtpmap:101 telephone-event/8000\r\n"
	"a=fmtp:101 0-15\r\n"
	"a=ptime:20\r\n"
	"a=sendrecv\r\n"
	"a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:";

/* SRTP + ICE from a softphone to a plain-RTP carrier, then the answer */
static void test_baresip_to_carrier(void **state)
{
	struct fx *fx = *state;
	struct b2b_sdes ours, theirs;
	struct ft_flow f[4];
	char *out;

	out = sdp_fx_ok(fx, B2B_SDP_A, B2B_SDP_OFFER, baresip_offer);
	assert_string_equal(out, baresip_to_carrier);
	sdp_fx_no_text(out, "192.168.1.10");
	sdp_fx_no_text(out, "198.18.7.9");

	out = sdp_fx_ok(fx, B2B_SDP_B, B2B_SDP_ANSWER, carrier_answer);
	assert_memory_equal(out, carrier_to_baresip_head,
			    strlen(carrier_to_baresip_head));
	sdp_fx_no_text(out, "10.20.30.40");
	sdp_fx_no_text(out, RFC_KEY);
	sdp_fx_crypto_of(out, 2, &ours);
	assert_int_equal(ours.suite, FT_SUITE_AES_CM_128_HMAC_SHA1_80);

	/* A->B RTP, B->A RTP, A->B RTCP, B->A RTCP */
	assert_int_equal(b2b_sdp_flows(fx->st, 0, f), 4);
	assert_int_equal(f[0].kind, FT_KIND_RTP);
	assert_int_equal(f[0].local.port, 10000);
	assert_int_equal(f[0].src.port, 20000);
	assert_int_equal(f[0].dst.port, 30000);
	assert_memory_equal(f[0].dst.addr, "\x0a\x14\x1e\x28", 4);
	assert_int_equal(f[0].srtp_in.suite, FT_SUITE_AES_CM_128_HMAC_SHA1_80);
	assert_int_equal(b2b_sdes_parse("2 AES_CM_128_HMAC_SHA1_80 inline:"
					RFC_KEY, &theirs, NULL), 0);
	assert_memory_equal(f[0].srtp_in.key, theirs.key, 30);
	assert_int_equal(f[0].srtp_out.suite, FT_SUITE_NONE);
	assert_int_equal(f[1].local.port, 20000);
	assert_int_equal(f[1].dst.port, 41234);
	assert_int_equal(f[1].srtp_in.suite, FT_SUITE_NONE);
	assert_memory_equal(f[1].srtp_out.key, ours.key, 30);
	assert_int_equal(f[2].kind, FT_KIND_RTCP);
	assert_int_equal(f[2].local.port, 10001);
	assert_int_equal(f[2].dst.port, 30001);
	assert_int_equal(f[3].dst.port, 41235);
	assert_int_equal(b2b_port_pool_in_use(fx->leg[0].ports), 2);
	assert_int_equal(b2b_port_pool_in_use(fx->leg[1].ports), 2);

	/* the same offer again (a re-INVITE): same ports, same keys, same o= */
	out = sdp_fx_ok(fx, B2B_SDP_A, B2B_SDP_OFFER, baresip_offer);
	assert_string_equal(out, baresip_to_carrier);
	out = sdp_fx_ok(fx, B2B_SDP_B, B2B_SDP_ANSWER, carrier_answer);
	sdp_fx_has_line(out, "o=- 99 1 IN IP4 203.0.113.1");
	sdp_fx_crypto_of(out, 2, &theirs);
	assert_true(b2b_sdes_equal(&ours, &theirs));
	b2b_sdes_clear(&ours);
	b2b_sdes_clear(&theirs);
}

/* the caller changes its key: the SBC re-keys toward it, o= goes up */
static void test_rekey(void **state)
{
	struct fx *fx = *state;
	struct b2b_sdes first, second;
	char *offer = strdup(baresip_offer), *p, *out;

	sdp_fx_ok(fx, B2B_SDP_A, B2B_SDP_OFFER, offer);
	out = sdp_fx_ok(fx, B2B_SDP_B, B2B_SDP_ANSWER, carrier_answer);
	sdp_fx_crypto_of(out, 2, &first);
	p = strstr(offer, "2 AES_CM_128_HMAC_SHA1_80 inline:PS1u");
	p[strlen("2 AES_CM_128_HMAC_SHA1_80 inline:")] = 'Q';
	out = sdp_fx_ok(fx, B2B_SDP_A, B2B_SDP_OFFER, offer);
	sdp_fx_has_line(out, "o=- 1180434370 3212893318 IN IP4 198.51.100.1");
	out = sdp_fx_ok(fx, B2B_SDP_B, B2B_SDP_ANSWER, carrier_answer);
	sdp_fx_has_line(out, "o=- 99 2 IN IP4 203.0.113.1");
	sdp_fx_crypto_of(out, 2, &second);
	assert_false(b2b_sdes_equal(&first, &second));
	b2b_sdes_clear(&first);
	b2b_sdes_clear(&second);
	free(offer);
}

/* Linphone-like: audio + video, rtcp-mux; the carrier takes mux, no video */
static void test_linphone_mux_video(void **state)
{
	static const char offer[] =
		"v=0\n"
		"o=bob 2290 1848 IN IP4 10.1.2.3\n"
		"s=Talk\n"
		"c=IN IP4 10.1.2.3\n"
		"t=0 0\n"
		"a=rtcp-xr:rcvr-rtt=all:10000 stat-summary=loss,dup,jitt,TTL voip-metrics\n"
		"m=audio 7078 RTP/AVP 96 0 8 101\n"
		"a=rtpmap:96 opus/48000/2\n"
		"a=fmtp:96 useinbandfec=1\n"
		"a=rtpmap:101 telephone-event/8000\n"
		"a=rtcp-mux\n"
		"a=rtcp-fb:* trr-int 1000\n"
		"m=video 9078 RTP/AVPF 96 97\n"
		"a=rtpmap:96 VP8/90000\n"
		"a=rtpmap:97 H264/90000\n"
		"a=fmtp:97 profile-level-id=42801F\n"
		"a=rtcp-mux\n"
		"a=rtcp-fb:* nack pli\n";
	static const char answer[] =
		"v=0\n"
		"o=- 5 5 IN IP4 10.20.30.40\n"
		"s=-\n"
		"c=IN IP4 10.20.30.40\n"
		"t=0 0\n"
		"m=audio 30000 RTP/AVP 0 101\n"
		"a=rtpmap:101 telephone-event/8000\n"
		"a=rtcp-mux\n"
		"m=video 0 RTP/AVPF 96\n";
	struct fx *fx = *state;
	struct ft_flow f[4];
	char *out;

	out = sdp_fx_ok(fx, B2B_SDP_A, B2B_SDP_OFFER, offer);
	sdp_fx_has_line(out, "m=audio 20000 RTP/AVP 96 0 8 101");
	sdp_fx_has_line(out, "m=video 20002 RTP/AVPF 96 97");
	sdp_fx_has_line(out, "a=rtcp-mux");
	sdp_fx_has_line(out, "a=rtcp-fb:* nack pli");
	sdp_fx_no_text(out, "10.1.2.3");
	out = sdp_fx_ok(fx, B2B_SDP_B, B2B_SDP_ANSWER, answer);
	sdp_fx_has_line(out, "m=audio 10000 RTP/AVP 0 101");
	sdp_fx_has_line(out, "a=rtcp-mux");
	sdp_fx_has_line(out, "m=video 0 RTP/AVPF 96");
	sdp_fx_no_text(out, "a=rtcp:");
	/* A's audio is one port; B's video pair went back */
	assert_int_equal(b2b_port_pool_in_use(fx->leg[0].ports), 1);
	assert_int_equal(b2b_port_pool_in_use(fx->leg[1].ports), 2);
	assert_int_equal(b2b_sdp_flows(fx->st, 0, f), 2);
	assert_int_equal(f[0].kind, FT_KIND_RTP_RTCP_MUX);
	assert_int_equal(f[1].dst.port, 7078);
	assert_int_equal(b2b_sdp_flows(fx->st, 1, f), 0);
}

static const char carrier_offer[] =
	"v=0\n"
	"o=- 42 1 IN IP4 10.20.30.40\n"
	"s=-\n"
	"c=IN IP4 10.20.30.40\n"
	"t=0 0\n"
	"m=audio 30000 RTP/AVP 8 101\n"
	"a=rtpmap:101 telephone-event/8000\n";

static const char phone_answer[] =
	"v=0\n"
	"o=- 7 7 IN IP4 192.168.1.10\n"
	"s=-\n"
	"c=IN IP4 192.168.1.10\n"
	"t=0 0\n"
	"m=audio 41234 RTP/AVP 8 101\n"
	"a=rtpmap:101 telephone-event/8000\n";

/* a call from the carrier side, answered by the phone */
static void carrier_call(struct fx *fx)
{
	char *out;

	out = sdp_fx_ok(fx, B2B_SDP_B, B2B_SDP_OFFER, carrier_offer);
	sdp_fx_has_line(out, "m=audio 10000 RTP/AVP 8 101");
	out = sdp_fx_ok(fx, B2B_SDP_A, B2B_SDP_ANSWER, phone_answer);
	sdp_fx_has_line(out, "m=audio 20000 RTP/AVP 8 101");
	sdp_fx_has_line(out, "o=- 7 7 IN IP4 198.51.100.1");
}

/* a call from the carrier side, then a T.38 re-INVITE from the carrier */
static void test_t38_reinvite(void **state)
{
	static const char t38_offer[] =
		"v=0\n"
		"o=- 42 2 IN IP4 10.20.30.40\n"
		"s=-\n"
		"c=IN IP4 10.20.30.40\n"
		"t=0 0\n"
		"m=image 30010 udptl t38\n"
		"a=T38FaxVersion:0\n"
		"a=T38MaxBitRate:14400\n"
		"a=T38FaxRateManagement:transferredTCF\n"
		"a=T38FaxMaxDatagram:400\n"
		"a=T38FaxUdpEC:t38UDPRedundancy\n";
	static const char t38_answer[] =
		"v=0\n"
		"o=- 7 8 IN IP4 192.168.1.10\n"
		"s=-\n"
		"c=IN IP4 192.168.1.10\n"
		"t=0 0\n"
		"m=image 41300 udptl t38\n"
		"a=T38FaxVersion:0\n"
		"a=T38FaxUdpEC:t38UDPRedundancy\n";
	struct fx *fx = *state;
	char *out;

	carrier_call(fx);
	out = sdp_fx_ok(fx, B2B_SDP_B, B2B_SDP_OFFER, t38_offer);
	sdp_fx_has_line(out, "o=- 42 2 IN IP4 203.0.113.1");
	sdp_fx_has_line(out, "m=image 10000 udptl t38");
	sdp_fx_has_line(out, "a=T38FaxMaxDatagram:400");
	out = sdp_fx_ok(fx, B2B_SDP_A, B2B_SDP_ANSWER, t38_answer);
	sdp_fx_has_line(out, "m=image 20000 udptl t38");
	sdp_fx_has_line(out, "o=- 7 8 IN IP4 198.51.100.1");
	sdp_fx_no_text(out, "192.168.1.10");
	assert_int_equal(fx->st->stream[0].kind, B2B_SDP_UDPTL);
	assert_int_equal(fx->st->stream[0].end[B2B_SDP_A].peer.port, 41300);
}

/* hold: a=sendonly passes; c=0.0.0.0 becomes the SBC's address + sendonly */
static void test_hold(void **state)
{
	static const char hold_sendonly[] =
		"v=0\n"
		"o=- 42 2 IN IP4 10.20.30.40\n"
		"s=-\n"
		"c=IN IP4 10.20.30.40\n"
		"t=0 0\n"
		"m=audio 30000 RTP/AVP 8 101\n"
		"a=rtpmap:101 telephone-event/8000\n"
		"a=sendonly\n";
	static const char hold_zero[] =
		"v=0\n"
		"o=- 42 3 IN IP4 10.20.30.40\n"
		"s=-\n"
		"c=IN IP4 0.0.0.0\n"
		"t=0 0\n"
		"m=audio 30000 RTP/AVP 8 101\n"
		"a=rtpmap:101 telephone-event/8000\n";
	struct fx *fx = *state;
	struct ft_flow f[4];
	char *out;

	carrier_call(fx);
	out = sdp_fx_ok(fx, B2B_SDP_B, B2B_SDP_OFFER, hold_sendonly);
	sdp_fx_has_line(out, "a=sendonly");
	sdp_fx_has_line(out, "o=- 42 2 IN IP4 203.0.113.1");
	assert_true(fx->st->stream[0].end[B2B_SDP_B].hold);
	assert_int_equal(fx->st->stream[0].end[B2B_SDP_B].dir,
			 B2B_SDP_SENDONLY);

	out = sdp_fx_ok(fx, B2B_SDP_B, B2B_SDP_OFFER, hold_zero);
	sdp_fx_has_line(out, "c=IN IP4 203.0.113.1");
	sdp_fx_has_line(out, "a=sendonly");
	sdp_fx_has_line(out, "m=audio 10000 RTP/AVP 8 101");
	sdp_fx_no_text(out, "0.0.0.0");
	/* the same body as before: o= stays */
	sdp_fx_has_line(out, "o=- 42 2 IN IP4 203.0.113.1");
	/* the carrier's last real address is kept for the flows */
	out = sdp_fx_ok(fx, B2B_SDP_A, B2B_SDP_ANSWER, phone_answer);
	assert_int_equal(b2b_sdp_flows(fx->st, 0, f), 4);
	assert_memory_equal(f[0].dst.addr, "\x0a\x14\x1e\x28", 4);
	assert_int_equal(fx->st->stream[0].end[B2B_SDP_B].dir, B2B_SDP_SENDONLY);

	/* resume */
	out = sdp_fx_ok(fx, B2B_SDP_B, B2B_SDP_OFFER, carrier_offer);
	sdp_fx_has_line(out, "o=- 42 3 IN IP4 203.0.113.1");
	sdp_fx_no_text(out, "a=sendonly");
}

/* several crypto lines on a realm that requires SRTP: GCM is taken */
static void test_required_best_suite(void **state)
{
	static const char offer[] =
		"v=0\n"
		"o=- 1 1 IN IP4 192.168.1.10\n"
		"s=-\n"
		"c=IN IP4 192.168.1.10\n"
		"t=0 0\n"
		"m=audio 41234 RTP/SAVP 0\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" RFC_KEY "\n"
		"a=crypto:2 AEAD_AES_128_GCM inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaQ==\n"
		"a=crypto:3 AES_256_CM_HMAC_SHA1_80 inline:" RFC_KEY RFC_KEY "\n";
	struct fx *fx = *state;
	struct b2b_sdes c;
	char *out;

	fx->realm[0].srtp = CFG_SRTP_REQUIRED;
	fx->realm[1].srtp = CFG_SRTP_REQUIRED;
	out = sdp_fx_ok(fx, B2B_SDP_A, B2B_SDP_OFFER, offer);
	assert_int_equal(fx->st->stream[0].end[B2B_SDP_A].peer_key.suite,
			 FT_SUITE_AEAD_AES_128_GCM);
	assert_int_equal(fx->st->stream[0].end[B2B_SDP_A].peer_key.tag, 2);
	/* our offer to B: all three suites, our own keys, tags 1..3 */
	sdp_fx_has_line(out, "m=audio 20000 RTP/SAVP 0");
	sdp_fx_crypto_of(out, 1, &c);
	assert_int_equal(c.suite, FT_SUITE_AEAD_AES_128_GCM);
	sdp_fx_crypto_of(out, 3, &c);
	assert_int_equal(c.suite, FT_SUITE_AES_CM_128_HMAC_SHA1_32);
	sdp_fx_no_text(out, RFC_KEY);
	b2b_sdes_clear(&c);
}

/* plain RTP toward a required realm: 488 material, and nothing changed */
static void test_required_refused(void **state)
{
	struct fx *fx = *state;
	char *out;

	fx->realm[1].srtp = CFG_SRTP_REQUIRED;
	assert_int_equal(sdp_fx_rewrite(fx, B2B_SDP_B, B2B_SDP_OFFER, carrier_offer,
				 &out), -ENOTSUP);
	assert_null(out);
	assert_string_equal(fx->err, "plain RTP, realm requires SRTP");
	assert_int_equal(fx->st->n_streams, 0);
	assert_int_equal(b2b_port_pool_in_use(fx->leg[0].ports), 0);
	/* SAVP offered from a realm with srtp off */
	fx->realm[1].srtp = CFG_SRTP_OFF;
	assert_int_equal(sdp_fx_rewrite(fx, B2B_SDP_B, B2B_SDP_OFFER, baresip_offer,
				 &out), -ENOTSUP);
}

/* a rejected stream stays 0; DTLS-SRTP is declined with port 0 */
static void test_rejected_streams(void **state)
{
	static const char offer[] =
		"v=0\n"
		"o=- 1 1 IN IP4 192.168.1.10\n"
		"s=-\n"
		"c=IN IP4 192.168.1.10\n"
		"t=0 0\n"
		"a=group:BUNDLE 0 1\n"
		"m=audio 41234 RTP/AVP 0\n"
		"a=mid:0\n"
		"m=video 0 RTP/AVP 96\n"
		"m=video 41236 UDP/TLS/RTP/SAVPF 96\n"
		"a=fingerprint:sha-256 AB:CD\n"
		"a=setup:actpass\n"
		"m=message 2855 TCP/MSRP *\n"
		"a=accept-types:text/plain\n"
		"a=path:msrp://192.168.1.10:2855/kjhd37s2s20w2a;tcp\n";
	struct fx *fx = *state;
	char *out;

	out = sdp_fx_ok(fx, B2B_SDP_A, B2B_SDP_OFFER, offer);
	sdp_fx_has_line(out, "m=audio 20000 RTP/AVP 0");
	sdp_fx_has_line(out, "m=video 0 RTP/AVP 96");
	sdp_fx_has_line(out, "m=video 0 UDP/TLS/RTP/SAVPF 96");
	sdp_fx_has_line(out, "m=message 2855 TCP/MSRP *");
	sdp_fx_has_line(out, "c=IN IP4 198.51.100.5");
	sdp_fx_no_text(out, "192.168.1.10");
	sdp_fx_has_line(out, "a=mid:0");
	sdp_fx_no_text(out, "BUNDLE");
	sdp_fx_no_text(out, "fingerprint");
	assert_int_equal(fx->st->stream[3].kind, B2B_SDP_MSRP);
	assert_int_equal(b2b_port_pool_in_use(fx->leg[1].ports), 2);
}

/* the SBC's a=path toward a leg, and its session-id */
static void test_origin_version(void **state)
{
	static const char changed[] =
		"v=0\n"
		"o=- 42 9 IN IP4 10.20.30.40\n"
		"s=-\n"
		"c=IN IP4 10.20.30.40\n"
		"t=0 0\n"
		"m=audio 30000 RTP/AVP 8\n";
	struct fx *fx = *state;
	char *out;

	out = sdp_fx_ok(fx, B2B_SDP_B, B2B_SDP_OFFER, carrier_offer);
	sdp_fx_has_line(out, "o=- 42 1 IN IP4 203.0.113.1");
	out = sdp_fx_ok(fx, B2B_SDP_B, B2B_SDP_OFFER, carrier_offer);
	sdp_fx_has_line(out, "o=- 42 1 IN IP4 203.0.113.1");
	out = sdp_fx_ok(fx, B2B_SDP_B, B2B_SDP_OFFER, changed);
	sdp_fx_has_line(out, "o=- 42 2 IN IP4 203.0.113.1");
}

static void expect(struct fx *fx, enum b2b_sdp_side from,
		   enum b2b_sdp_type type, const char *text, int want)
{
	char *out = NULL;
	int ret = sdp_fx_rewrite(fx, from, type, text, &out);

	if (ret != want)
		fail_msg("got %d (%s), want %d for:\n%s", ret, fx->err, want,
			 text);
	assert_null(out);
	assert_true(fx->err[0] != '\0');
}

#define HEAD "v=0\no=- 1 1 IN IP4 192.168.1.10\ns=-\nc=IN IP4 192.168.1.10\nt=0 0\n"

static void test_malformed(void **state)
{
	struct fx *fx = *state;
	char big[B2B_SDP_BODY_MAX + 64], many[4096];
	size_t n;

	expect(fx, B2B_SDP_A, B2B_SDP_OFFER, HEAD "xyz\nm=audio 4000 RTP/AVP 0\n",
	       -EBADMSG);
	expect(fx, B2B_SDP_A, B2B_SDP_OFFER, HEAD "m=audio 70000 RTP/AVP 0\n",
	       -EBADMSG);
	expect(fx, B2B_SDP_A, B2B_SDP_OFFER, HEAD "m=audio 4000/2 RTP/AVP 0\n",
	       -ENOTSUP);
	expect(fx, B2B_SDP_A, B2B_SDP_OFFER, "o=- 1 1 IN IP4 1.2.3.4\n",
	       -EBADMSG);
	expect(fx, B2B_SDP_A, B2B_SDP_OFFER, "v=0\no=- 1 1 IN IP4 1.2.3.4\n"
	       "s=-\nt=0 0\nm=audio 4000 RTP/AVP 0\n", -EBADMSG);
	expect(fx, B2B_SDP_A, B2B_SDP_OFFER, HEAD "m=audio 4000 RTP/SAVP 0\n"
	       "a=crypto:1 FOO_BAR inline:" RFC_KEY "\n", -ENOTSUP);
	expect(fx, B2B_SDP_A, B2B_SDP_OFFER, "v=0\no=- 1 1 IN IP4 x.example\n"
	       "s=-\nc=IN IP4 pbx.example\nt=0 0\nm=audio 4000 RTP/AVP 0\n",
	       -ENOTSUP);
	expect(fx, B2B_SDP_A, B2B_SDP_OFFER, "v=0\no=- 1 1 IN IP6 ::1\ns=-\n"
	       "c=IN IP6 2001:db8::1\nt=0 0\nm=audio 4000 RTP/AVP 0\n",
	       -EAFNOSUPPORT);
	expect(fx, B2B_SDP_A, B2B_SDP_OFFER, HEAD "m=audio 4000 RTP/AVP 0\n"
	       "a=rtcp:99999\n", -EBADMSG);
	expect(fx, B2B_SDP_B, B2B_SDP_ANSWER, HEAD "m=audio 4000 RTP/AVP 0\n",
	       -EPROTO);
	n = (size_t)snprintf(many, sizeof(many), "%s", HEAD);
	for (int i = 0; i < B2B_SDP_MAX_STREAMS + 1; i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n,
				      "m=audio %d RTP/AVP 0\n", 4000 + 2 * i);
	expect(fx, B2B_SDP_A, B2B_SDP_OFFER, many, -E2BIG);
	memset(big, 'a', sizeof(big));
	memcpy(big, HEAD, strlen(HEAD));
	big[sizeof(big) - 1] = '\0';
	expect(fx, B2B_SDP_A, B2B_SDP_OFFER, big, -EMSGSIZE);
	assert_int_equal(b2b_port_pool_in_use(fx->leg[1].ports), 0);
	assert_int_equal(fx->st->n_streams, 0);
}

/* answers that do not fit the offer */
static void test_answer_mismatch(void **state)
{
	struct fx *fx = *state;

	fx->realm[1].srtp = CFG_SRTP_REQUIRED;
	sdp_fx_ok(fx, B2B_SDP_A, B2B_SDP_OFFER, baresip_offer);
	expect(fx, B2B_SDP_B, B2B_SDP_ANSWER, HEAD "m=audio 4000 RTP/SAVP 0\n"
	       "m=video 4002 RTP/SAVP 0\n", -EPROTO);
	/* tag 9 was never offered */
	expect(fx, B2B_SDP_B, B2B_SDP_ANSWER, HEAD "m=audio 4000 RTP/SAVP 0\n"
	       "a=crypto:9 AES_CM_128_HMAC_SHA1_80 inline:" RFC_KEY "\n",
	       -ENOTSUP);
	expect(fx, B2B_SDP_A, B2B_SDP_ANSWER, HEAD "m=audio 4000 RTP/AVP 0\n",
	       -EPROTO);
}

/* every truncation of a real offer: an error or a body, never a crash */
static void test_truncated(void **state)
{
	struct fx *fx = *state;
	const char *body = sdp_fx_crlf(fx, baresip_offer);
	size_t len = strlen(body);

	for (size_t cut = 0; cut < len; cut++) {
		char *out = NULL;
		int ret = b2b_sdp_rewrite(fx->st, B2B_SDP_A, B2B_SDP_OFFER,
					  body, cut, fx->home, &out, fx->err,
					  sizeof(fx->err));

		assert_true(ret == 0 ? out != NULL : out == NULL);
		if (ret)
			assert_true(fx->err[0] != '\0');
	}
}

/* ports run out half-way through a body: nothing is kept */
static void test_exhausted(void **state)
{
	struct fx *fx = *state;
	uint16_t port;
	int taken = 0;

	while (b2b_port_pool_in_use(fx->leg[1].ports) < 98) {
		assert_int_equal(b2b_ports_alloc(b2b_port_pool_get(fx->leg[1].ports, 0),
						 true, &port), 0);
		taken++;
	}
	expect(fx, B2B_SDP_A, B2B_SDP_OFFER, HEAD "m=audio 4000 RTP/AVP 0\n"
	       "m=audio 4002 RTP/AVP 0\n", -ENOSPC);
	assert_int_equal(b2b_port_pool_in_use(fx->leg[1].ports), 98);
	for (int i = 0; i < taken; i++)
		assert_int_equal(b2b_ports_release(b2b_port_pool_get(fx->leg[1].ports, 0),
						   (uint16_t)(20000 + 2 * i), true), 0);
}

/*
 * A realm with two media addresses: a leg's first port goes on the one
 * with the most free ports, and its c=, o=, a=rtcp and every later port
 * of the leg follow it; ports run out only when both are full.
 */
static void test_second_address(void **state)
{
	struct fx *fx = *state;
	struct b2b_ports *first;
	struct b2b_sdp_state *st;
	uint16_t port;
	char *out;

	b2b_sdp_state_free(fx->st);
	b2b_port_pool_free(fx->leg[1].ports);
	fx->realm[1].media_addrs[1] = fx->realm[1].media_addrs[0];
	fx->realm[1].media_addrs[1].u.v4.s_addr = htonl(0xc6336402);
	snprintf(fx->realm[1].media_addrs[1].text,
		 sizeof(fx->realm[1].media_addrs[1].text), "198.51.100.2");
	fx->realm[1].n_media_addrs = 2;
	fx->leg[1].ports = b2b_port_pool_new(2, 20000, 20099);
	assert_non_null(fx->leg[1].ports);
	fx->st = b2b_sdp_state_new(&fx->leg[0], &fx->leg[1]);
	assert_non_null(fx->st);
	/* the first address has less room: the leg goes on the second */
	first = b2b_port_pool_get(fx->leg[1].ports, 0);
	assert_int_equal(b2b_ports_alloc(first, true, &port), 0);
	out = sdp_fx_ok(fx, B2B_SDP_A, B2B_SDP_OFFER, HEAD
		 "m=audio 4000 RTP/AVP 0\na=rtcp:4001\nm=video 4002 RTP/AVP 96\n");
	sdp_fx_has_line(out, "o=- 1 1 IN IP4 198.51.100.2");
	sdp_fx_has_line(out, "c=IN IP4 198.51.100.2");
	sdp_fx_has_line(out, "m=audio 20000 RTP/AVP 0");
	sdp_fx_has_line(out, "a=rtcp:20001 IN IP4 198.51.100.2");
	sdp_fx_has_line(out, "m=video 20002 RTP/AVP 96");
	assert_int_equal(fx->st->leg[B2B_SDP_B].addr, 1);
	assert_int_equal(b2b_ports_in_use(first), 2);
	assert_int_equal(b2b_port_pool_in_use(fx->leg[1].ports), 6);
	/* a re-offer keeps the leg where it is, though the first now has
	 * more room */
	assert_int_equal(b2b_ports_release(first, port, true), 0);
	out = sdp_fx_ok(fx, B2B_SDP_A, B2B_SDP_OFFER, HEAD
		 "m=audio 4000 RTP/AVP 0\nm=video 4002 RTP/AVP 96\n"
		 "m=audio 4004 RTP/AVP 0\n");
	sdp_fx_has_line(out, "c=IN IP4 198.51.100.2");
	sdp_fx_has_line(out, "m=audio 20004 RTP/AVP 0");
	assert_int_equal(b2b_ports_in_use(first), 0);
	/* another call's leg: the first address, now the emptier one */
	st = b2b_sdp_state_new(&fx->leg[0], &fx->leg[1]);
	assert_non_null(st);
	assert_int_equal(b2b_sdp_rewrite(st, B2B_SDP_A, B2B_SDP_OFFER,
					 sdp_fx_crlf(fx, HEAD "m=audio 4000 RTP/AVP 0\n"),
					 strlen(sdp_fx_crlf(fx, HEAD "m=audio 4000 RTP/AVP 0\n")),
					 fx->home, &out, fx->err, sizeof(fx->err)), 0);
	sdp_fx_has_line(out, "c=IN IP4 198.51.100.1");
	assert_int_equal(st->leg[B2B_SDP_B].addr, 0);
	b2b_sdp_state_free(st);
	assert_int_equal(b2b_ports_in_use(first), 0);
}

/* the leg's address is full: no port there, even with room elsewhere */
static void test_leg_address_full(void **state)
{
	struct fx *fx = *state;
	struct b2b_ports *first;
	uint16_t port;
	int taken = 0;

	b2b_sdp_state_free(fx->st);
	b2b_port_pool_free(fx->leg[1].ports);
	fx->realm[1].media_addrs[1] = fx->realm[1].media_addrs[0];
	fx->realm[1].media_addrs[1].u.v4.s_addr = htonl(0xc6336402);
	fx->realm[1].n_media_addrs = 2;
	fx->leg[1].ports = b2b_port_pool_new(2, 20000, 20099);
	fx->st = b2b_sdp_state_new(&fx->leg[0], &fx->leg[1]);
	assert_non_null(fx->st);
	sdp_fx_ok(fx, B2B_SDP_A, B2B_SDP_OFFER, HEAD "m=audio 4000 RTP/AVP 0\n");
	assert_int_equal(fx->st->leg[B2B_SDP_B].addr, 0);
	first = b2b_port_pool_get(fx->leg[1].ports, 0);
	while (b2b_ports_alloc(first, true, &port) == 0)
		taken++;
	expect(fx, B2B_SDP_A, B2B_SDP_OFFER, HEAD "m=audio 4000 RTP/AVP 0\n"
	       "m=audio 4002 RTP/AVP 0\n", -ENOSPC);
	assert_int_equal(b2b_ports_in_use(b2b_port_pool_get(fx->leg[1].ports, 1)),
			 0);
	for (int i = 0; i < taken; i++)
		assert_int_equal(b2b_ports_release(first,
						   (uint16_t)(20002 + 2 * i), true), 0);
}

/*
 * Streams are allocated as the m= lines come: a re-offer adds them, a
 * refused one leaves the state (and its ports) as it was, an MSRP stream's
 * ends exist only while it is MSRP, and a saved state's streams are
 * adopted, MSRP ones refused.
 */
static void test_streams_grow(void **state)
{
	static const char one[] =
		"v=0\n"
		"o=- 1 1 IN IP4 192.168.1.10\n"
		"s=-\n"
		"c=IN IP4 192.168.1.10\n"
		"t=0 0\n"
		"m=audio 41234 RTP/AVP 0\n";
	static const char one_answer[] =
		"v=0\n"
		"o=- 2 2 IN IP4 10.0.0.9\n"
		"s=-\n"
		"c=IN IP4 10.0.0.9\n"
		"t=0 0\n"
		"m=audio 30000 RTP/AVP 0\n";
	static const char three_bad[] =
		"v=0\n"
		"o=- 1 2 IN IP4 192.168.1.10\n"
		"s=-\n"
		"c=IN IP4 192.168.1.10\n"
		"t=0 0\n"
		"m=audio 41234 RTP/AVP 0\n"
		"m=video 41236 RTP/AVP 96\n"
		"m=audio 41238/2 RTP/AVP 0\n";
	static const char three[] =
		"v=0\n"
		"o=- 1 3 IN IP4 192.168.1.10\n"
		"s=-\n"
		"c=IN IP4 192.168.1.10\n"
		"t=0 0\n"
		"m=audio 41234 RTP/AVP 0\n"
		"m=message 7777 TCP/MSRP *\n"
		"a=path:msrp://192.168.1.10:7777/pbx1;tcp\n"
		"m=video 41236 RTP/AVP 96\n";
	static const char three_answer[] =
		"v=0\n"
		"o=- 2 3 IN IP4 10.0.0.9\n"
		"s=-\n"
		"c=IN IP4 10.0.0.9\n"
		"t=0 0\n"
		"m=audio 30000 RTP/AVP 0\n"
		"m=message 8888 TCP/MSRP *\n"
		"a=path:msrp://10.0.0.9:8888/gw1;tcp\n"
		"m=video 30002 RTP/AVP 96\n";
	static const char no_msrp[] =
		"v=0\n"
		"o=- 1 4 IN IP4 192.168.1.10\n"
		"s=-\n"
		"c=IN IP4 192.168.1.10\n"
		"t=0 0\n"
		"m=audio 41234 RTP/AVP 0\n"
		"m=message 0 TCP/MSRP *\n"
		"m=video 41236 RTP/AVP 96\n";
	struct fx *fx = *state;
	struct b2b_sdp_state *copy;
	struct ft_flow f[4];
	char *out = NULL;

	sdp_fx_ok(fx, B2B_SDP_A, B2B_SDP_OFFER, one);
	sdp_fx_ok(fx, B2B_SDP_B, B2B_SDP_ANSWER, one_answer);
	assert_int_equal(fx->st->n_streams, 1);
	assert_null(fx->st->msrp[0]);
	assert_int_equal(b2b_port_pool_in_use(fx->leg[0].ports), 2);
	assert_int_equal(b2b_port_pool_in_use(fx->leg[1].ports), 2);

	/* refused at its third stream: nothing changed, no port kept */
	assert_int_equal(sdp_fx_rewrite(fx, B2B_SDP_A, B2B_SDP_OFFER, three_bad, &out),
			 -ENOTSUP);
	assert_int_equal(fx->st->n_streams, 1);
	assert_int_equal(b2b_port_pool_in_use(fx->leg[1].ports), 2);
	assert_int_equal(b2b_sdp_flows(fx->st, 0, f), 4);

	sdp_fx_ok(fx, B2B_SDP_A, B2B_SDP_OFFER, three);
	sdp_fx_ok(fx, B2B_SDP_B, B2B_SDP_ANSWER, three_answer);
	assert_int_equal(fx->st->n_streams, 3);
	assert_int_equal(fx->st->stream[1].kind, B2B_SDP_MSRP);
	assert_null(fx->st->msrp[0]);
	assert_non_null(fx->st->msrp[1]);
	assert_null(fx->st->msrp[2]);
	assert_int_equal(b2b_sdp_flows(fx->st, 1, f), 2);
	assert_int_equal(b2b_sdp_flows(fx->st, 2, f), 4);
	assert_int_equal(b2b_port_pool_in_use(fx->leg[1].ports), 4);

	/* a saved state's streams: MSRP cannot be adopted */
	copy = b2b_sdp_state_new(&fx->leg[0], &fx->leg[1]);
	assert_non_null(copy);
	assert_int_equal(b2b_sdp_streams_adopt(copy, fx->st->stream, 3),
			 -ENOTSUP);
	assert_int_equal(copy->n_streams, 0);
	assert_int_equal(b2b_sdp_streams_adopt(copy, fx->st->stream,
					       B2B_SDP_MAX_STREAMS + 1),
			 -EINVAL);

	/* the MSRP stream declined: its ends go */
	sdp_fx_ok(fx, B2B_SDP_A, B2B_SDP_OFFER, no_msrp);
	assert_int_equal(fx->st->stream[1].kind, B2B_SDP_NONE);
	assert_null(fx->st->msrp[1]);
	assert_int_equal(b2b_sdp_flows(fx->st, 1, f), 0);

	assert_int_equal(b2b_sdp_streams_adopt(copy, fx->st->stream, 3), 0);
	assert_int_equal(copy->n_streams, 3);
	assert_memory_equal(copy->stream, fx->st->stream,
			    3 * sizeof(*copy->stream));
	assert_int_equal(b2b_sdp_streams_adopt(copy, fx->st->stream, 1),
			 -EINVAL);
	/* adopted ports are the caller's to reserve: none to release here */
	for (unsigned i = 0; i < copy->n_streams; i++)
		for (int e = 0; e < 2; e++)
			copy->stream[i].end[e].local.port = 0;
	b2b_sdp_state_free(copy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_baresip_to_carrier, sdp_fx_setup, sdp_fx_teardown),
		cmocka_unit_test_setup_teardown(test_second_address, sdp_fx_setup, sdp_fx_teardown),
		cmocka_unit_test_setup_teardown(test_leg_address_full, sdp_fx_setup, sdp_fx_teardown),
		cmocka_unit_test_setup_teardown(test_rekey, sdp_fx_setup, sdp_fx_teardown),
		cmocka_unit_test_setup_teardown(test_linphone_mux_video, sdp_fx_setup, sdp_fx_teardown),
		cmocka_unit_test_setup_teardown(test_t38_reinvite, sdp_fx_setup, sdp_fx_teardown),
		cmocka_unit_test_setup_teardown(test_hold, sdp_fx_setup, sdp_fx_teardown),
		cmocka_unit_test_setup_teardown(test_required_best_suite, sdp_fx_setup, sdp_fx_teardown),
		cmocka_unit_test_setup_teardown(test_required_refused, sdp_fx_setup, sdp_fx_teardown),
		cmocka_unit_test_setup_teardown(test_rejected_streams, sdp_fx_setup, sdp_fx_teardown),
		cmocka_unit_test_setup_teardown(test_origin_version, sdp_fx_setup, sdp_fx_teardown),
		cmocka_unit_test_setup_teardown(test_malformed, sdp_fx_setup, sdp_fx_teardown),
		cmocka_unit_test_setup_teardown(test_answer_mismatch, sdp_fx_setup, sdp_fx_teardown),
		cmocka_unit_test_setup_teardown(test_truncated, sdp_fx_setup, sdp_fx_teardown),
		cmocka_unit_test_setup_teardown(test_exhausted, sdp_fx_setup, sdp_fx_teardown),
		cmocka_unit_test_setup_teardown(test_streams_grow, sdp_fx_setup,
						sdp_fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
