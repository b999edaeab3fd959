/*
 * Unit tests of sdp_rewrite.c for MSRP (RFC 4975) streams: the SBC's
 * a=path toward each leg, a=setup and who connects, TLS with
 * a=fingerprint (RFC 8122) both ways, and a refused MSRP stream.
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

static const char *sbc_path(const char *body, const char *prefix, char id[17])
{
	const char *p = strstr(body, prefix);

	if (!p)
		fail_msg("no \"%s\" in:\n%s", prefix, body);
	p += strlen(prefix);
	assert_non_null(strstr(p, ";tcp\r\n"));
	assert_int_equal(strstr(p, ";tcp\r\n") - p, 16);
	memcpy(id, p, 16);
	id[16] = '\0';
	return p;
}

/*
 * MSRP (msrp_sdp.h): each leg gets the SBC's own path with an ID of its
 * own; the offerer connects unless a=setup says otherwise (RFC 4975
 * section 5.4, RFC 6135); the flows carry what the relay needs.
 */
static void test_msrp(void **state)
{
	static const char offer[] =
		"v=0\n"
		"o=- 1 1 IN IP4 192.168.1.10\n"
		"s=-\n"
		"c=IN IP4 192.168.1.10\n"
		"t=0 0\n"
		"m=message 7777 TCP/MSRP *\n"
		"a=accept-types:text/plain\n"
		"a=path:msrp://192.168.1.10:7777/pbx1;tcp\n";
	static const char answer[] =
		"v=0\n"
		"o=- 2 2 IN IP4 10.0.0.9\n"
		"s=-\n"
		"c=IN IP4 10.0.0.9\n"
		"t=0 0\n"
		"m=message 8888 TCP/MSRP *\n"
		"a=accept-types:text/plain\n"
		"a=path:msrp://10.0.0.9:8888/gw1;tcp\n";
	struct fx *fx = *state;
	char ida[17], idb[17], *out;
	struct ft_flow f[4];

	out = sdp_fx_ok(fx, B2B_SDP_A, B2B_SDP_OFFER, offer);
	sdp_fx_has_line(out, "m=message 2855 TCP/MSRP *");
	sdp_fx_has_line(out, "c=IN IP4 198.51.100.5");
	sdp_fx_has_line(out, "a=setup:actpass");
	sdp_fx_has_line(out, "a=accept-types:text/plain");
	sbc_path(out, "a=path:msrp://198.51.100.5:2855/", idb);
	sdp_fx_no_text(out, "192.168.1.10");
	sdp_fx_no_text(out, "pbx1");
	assert_int_equal(b2b_sdp_flows(fx->st, 0, f), 0);

	out = sdp_fx_ok(fx, B2B_SDP_B, B2B_SDP_ANSWER, answer);
	sdp_fx_has_line(out, "m=message 2855 TCP/MSRP *");
	sdp_fx_has_line(out, "c=IN IP4 203.0.113.5");
	sbc_path(out, "a=path:msrp://203.0.113.5:2855/", ida);
	sdp_fx_no_text(out, "10.0.0.9");
	sdp_fx_no_text(out, "gw1");
	sdp_fx_no_text(out, "a=setup");		/* the offer had none */
	assert_string_not_equal(ida, idb);
	assert_int_equal(b2b_port_pool_in_use(fx->leg[0].ports), 0);
	assert_int_equal(b2b_port_pool_in_use(fx->leg[1].ports), 0);

	assert_int_equal(b2b_sdp_flows(fx->st, 0, f), 2);
	/* leg A: the caller offered, so it connects to the SBC */
	assert_int_equal(f[0].kind, FT_KIND_MSRP);
	assert_int_equal(f[0].local.port, 2855);
	assert_memory_equal(f[0].local.addr, "\xcb\x00\x71\x05", 4);
	assert_int_equal(f[0].msrp.flags, 0);
	assert_memory_equal(f[0].msrp.id, ida, 16);
	assert_int_equal(f[0].msrp.path_len,
			 strlen("msrp://192.168.1.10:7777/pbx1;tcp"));
	assert_memory_equal(f[0].msrp.path,
			    "msrp://192.168.1.10:7777/pbx1;tcp",
			    f[0].msrp.path_len);
	/* leg B: the SBC offered and the answer said nothing: it connects */
	assert_int_equal(f[1].msrp.flags, FT_MSRP_ACTIVE);
	assert_memory_equal(f[1].msrp.id, idb, 16);
	assert_int_equal(f[1].msrp.peer.family, FT_FAMILY_IPV4);
	assert_memory_equal(f[1].msrp.peer.addr, "\x0a\x00\x00\x09", 4);
	assert_int_equal(f[1].msrp.peer.port, 8888);

	/* a re-offer keeps the IDs; a=setup turns the roles round */
	out = sdp_fx_ok(fx, B2B_SDP_A, B2B_SDP_OFFER,
		 "v=0\no=- 1 2 IN IP4 192.168.1.10\ns=-\n"
		 "c=IN IP4 192.168.1.10\nt=0 0\n"
		 "m=message 7777 TCP/MSRP *\na=setup:passive\n"
		 "a=path:msrp://192.168.1.10:7777/pbx1;tcp\n");
	sbc_path(out, "a=path:msrp://198.51.100.5:2855/", f[3].msrp.path);
	assert_memory_equal(f[3].msrp.path, idb, 16);
	out = sdp_fx_ok(fx, B2B_SDP_B, B2B_SDP_ANSWER,
		 "v=0\no=- 2 3 IN IP4 10.0.0.9\ns=-\nc=IN IP4 10.0.0.9\n"
		 "t=0 0\nm=message 8888 TCP/MSRP *\na=setup:active\n"
		 "a=path:msrp://10.0.0.9:8888/gw1;tcp\n");
	sdp_fx_has_line(out, "a=setup:active");
	assert_int_equal(b2b_sdp_flows(fx->st, 0, f), 2);
	assert_int_equal(f[0].msrp.flags, FT_MSRP_ACTIVE);
	assert_memory_equal(f[0].msrp.id, ida, 16);
	assert_int_equal(f[0].msrp.peer.port, 7777);
	assert_int_equal(f[1].msrp.flags, 0);
}

/*
 * MSRP over TLS (RFC 4975 section 14): TLS toward the leg that offered it,
 * kept in an offer toward a realm with a certificate, plain TCP toward one
 * without; the flows say which of the SBC's URIs is msrps:.
 */
static void test_msrp_tls(void **state)
{
	static const char offer[] =
		"v=0\no=- 1 1 IN IP4 192.168.1.10\ns=-\n"
		"c=IN IP4 192.168.1.10\nt=0 0\n"
		"m=message 7777 TCP/TLS/MSRP *\n"
		"a=path:msrps://192.168.1.10:7777/pbx1;tcp\n";
	struct fx *fx = *state;
	char ida[17], idb[17], *out;
	struct ft_flow f[4];

	snprintf(fx->realm[0].tls_cert, sizeof(fx->realm[0].tls_cert), "%s",
		 MSRP_CERT);
	snprintf(fx->realm[0].tls_key, sizeof(fx->realm[0].tls_key), "k");
	/* the carrier realm has no certificate: TCP toward it */
	out = sdp_fx_ok(fx, B2B_SDP_A, B2B_SDP_OFFER, offer);
	sdp_fx_has_line(out, "m=message 2855 TCP/MSRP *");
	sbc_path(out, "a=path:msrp://198.51.100.5:2855/", idb);
	out = sdp_fx_ok(fx, B2B_SDP_B, B2B_SDP_ANSWER,
		 "v=0\no=- 2 2 IN IP4 10.0.0.9\ns=-\nc=IN IP4 10.0.0.9\n"
		 "t=0 0\nm=message 8888 TCP/MSRP *\n"
		 "a=path:msrp://10.0.0.9:8888/gw1;tcp\n");
	/* the PBX offered TLS: its answer is TLS, on the TLS port, with the
	 * fingerprint of the realm's certificate (RFC 4975 section 14.1) */
	sdp_fx_has_line(out, "m=message 2856 TCP/TLS/MSRP *");
	sbc_path(out, "a=path:msrps://203.0.113.5:2856/", ida);
	sdp_fx_no_text(out, "a=path:msrp:");
	sdp_fx_has_line(out, "a=fingerprint:" MSRP_CERT_FP);
	assert_int_equal(b2b_sdp_flows(fx->st, 0, f), 2);
	assert_int_equal(f[0].local.port, 2856);
	assert_int_equal(f[0].msrp.flags, FT_MSRP_TLS);
	assert_memory_equal(f[0].msrp.path,
			    "msrps://192.168.1.10:7777/pbx1;tcp",
			    f[0].msrp.path_len);
	assert_int_equal(f[1].local.port, 2855);
	assert_int_equal(f[1].msrp.flags, FT_MSRP_ACTIVE);

	/* both realms with certificates: TLS on both legs */
	snprintf(fx->realm[1].tls_cert, sizeof(fx->realm[1].tls_cert), "%s",
		 MSRP_CERT);
	snprintf(fx->realm[1].tls_key, sizeof(fx->realm[1].tls_key), "k");
	out = sdp_fx_ok(fx, B2B_SDP_A, B2B_SDP_OFFER,
		 "v=0\no=- 1 2 IN IP4 192.168.1.10\ns=-\n"
		 "c=IN IP4 192.168.1.10\nt=0 0\n"
		 "m=message 7777 TCP/TLS/MSRP *\n"
		 "a=path:msrps://192.168.1.10:7777/pbx1;tcp\n");
	sdp_fx_has_line(out, "m=message 2856 TCP/TLS/MSRP *");
	sbc_path(out, "a=path:msrps://198.51.100.5:2856/", idb);
	sdp_fx_has_line(out, "a=fingerprint:" MSRP_CERT_FP);
	/* the carrier's fingerprints: the strongest hash goes to the relay */
	out = sdp_fx_ok(fx, B2B_SDP_B, B2B_SDP_ANSWER,
		 "v=0\no=- 2 3 IN IP4 10.0.0.9\ns=-\nc=IN IP4 10.0.0.9\n"
		 "t=0 0\n"
		 "a=fingerprint:sha-1 30:A0:9B:A4:AC:95:83:F6:F6:4A:02:F0:EB:"
		 "3E:7C:4D:7D:20:32:2C\n"
		 "m=message 8888 TCP/TLS/MSRP *\n"
		 "a=fingerprint:md5 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:"
		 "EE:FF\n"
		 "a=fingerprint:" MSRP_CERT_FP "\n"
		 "a=path:msrps://10.0.0.9:8888/gw1;tcp\n");
	sdp_fx_has_line(out, "m=message 2856 TCP/TLS/MSRP *");
	sdp_fx_has_line(out, "a=fingerprint:" MSRP_CERT_FP);
	sdp_fx_no_text(out, "sha-1");
	assert_int_equal(b2b_sdp_flows(fx->st, 0, f), 2);
	assert_int_equal(f[0].msrp.fp_hash, FT_FP_NONE);
	assert_int_equal(f[1].local.port, 2856);
	assert_int_equal(f[1].msrp.flags, FT_MSRP_ACTIVE | FT_MSRP_TLS);
	assert_int_equal(f[1].msrp.peer.port, 8888);
	assert_int_equal(f[1].msrp.fp_hash, FT_FP_SHA256);
	assert_memory_equal(f[1].msrp.fp, "\xcf\x02\x40\xae", 4);
	assert_int_equal(f[1].msrp.fp[31], 0x37);
	/* a re-offer over TCP: TCP toward the other leg too */
	out = sdp_fx_ok(fx, B2B_SDP_A, B2B_SDP_OFFER,
		 "v=0\no=- 1 3 IN IP4 192.168.1.10\ns=-\n"
		 "c=IN IP4 192.168.1.10\nt=0 0\n"
		 "m=message 7777 TCP/MSRP *\n"
		 "a=path:msrp://192.168.1.10:7777/pbx1;tcp\n");
	sdp_fx_has_line(out, "m=message 2855 TCP/MSRP *");
	sbc_path(out, "a=path:msrp://198.51.100.5:2855/", idb);
}

/* what the relay cannot carry is declined or refused */
static void test_msrp_refused(void **state)
{
	struct fx *fx = *state;
	char *out = NULL, body[1024];

	/* TLS from a realm without tls_cert and tls_key: declined */
	out = sdp_fx_ok(fx, B2B_SDP_A, B2B_SDP_OFFER,
		 "v=0\no=- 1 1 IN IP4 192.168.1.10\ns=-\n"
		 "c=IN IP4 192.168.1.10\nt=0 0\n"
		 "m=message 7777 TCP/TLS/MSRP *\n"
		 "a=path:msrps://192.168.1.10:7777/pbx1;tcp\n");
	sdp_fx_has_line(out, "m=message 0 TCP/TLS/MSRP *");
	sdp_fx_no_text(out, "192.168.1.10");
	assert_int_equal(sdp_fx_rewrite(fx, B2B_SDP_A, B2B_SDP_OFFER,
				 "v=0\no=- 1 2 IN IP4 192.168.1.10\ns=-\n"
				 "c=IN IP4 192.168.1.10\nt=0 0\n"
				 "m=message 7777 TCP/MSRP *\n", &out),
			 -EBADMSG);
	assert_int_equal(sdp_fx_rewrite(fx, B2B_SDP_A, B2B_SDP_OFFER,
				 "v=0\no=- 1 2 IN IP4 192.168.1.10\ns=-\n"
				 "c=IN IP4 192.168.1.10\nt=0 0\n"
				 "m=message 7777 TCP/MSRP *\n"
				 "a=path:http://x/y\n", &out), -EBADMSG);
	snprintf(body, sizeof(body), "v=0\no=- 1 2 IN IP4 192.168.1.10\ns=-\n"
		 "c=IN IP4 192.168.1.10\nt=0 0\nm=message 7777 TCP/MSRP *\n"
		 "a=path:msrp://192.168.1.10:7777/%0100d;tcp\n", 0);
	assert_int_equal(sdp_fx_rewrite(fx, B2B_SDP_A, B2B_SDP_OFFER, body, &out),
			 -ENOTSUP);
	/* the SBC would have to connect to a name */
	sdp_fx_ok(fx, B2B_SDP_A, B2B_SDP_OFFER,
	   "v=0\no=- 1 2 IN IP4 192.168.1.10\ns=-\n"
	   "c=IN IP4 192.168.1.10\nt=0 0\nm=message 7777 TCP/MSRP *\n"
	   "a=path:msrp://pbx.example.com:7777/pbx1;tcp\n");
	assert_int_equal(sdp_fx_rewrite(fx, B2B_SDP_B, B2B_SDP_ANSWER,
				 "v=0\no=- 2 2 IN IP4 10.0.0.9\ns=-\n"
				 "c=IN IP4 10.0.0.9\nt=0 0\n"
				 "m=message 8888 TCP/MSRP *\n"
				 "a=path:msrp://gw.example.com:8888/gw1;tcp\n",
				 &out), -ENOTSUP);
	/* no relay: declined */
	fx->realm[1].msrp = false;
	out = sdp_fx_ok(fx, B2B_SDP_A, B2B_SDP_OFFER,
		 "v=0\no=- 1 3 IN IP4 192.168.1.10\ns=-\n"
		 "c=IN IP4 192.168.1.10\nt=0 0\n"
		 "m=message 7777 TCP/MSRP *\n"
		 "a=path:msrp://192.168.1.10:7777/pbx1;tcp\n");
	sdp_fx_has_line(out, "m=message 0 TCP/MSRP *");
}

/* o= version: same body, same version; another body, one more */

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_msrp, sdp_fx_setup, sdp_fx_teardown),
		cmocka_unit_test_setup_teardown(test_msrp_tls, sdp_fx_setup,
						sdp_fx_teardown),
		cmocka_unit_test_setup_teardown(test_msrp_refused, sdp_fx_setup,
						sdp_fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
