/*
 * Unit tests of MSRP framing (dataplane/msrp_parse.c, RFC 4975): SEND,
 * REPORT and 200 as the RFC's examples have them, chunked messages with
 * each continuation flag and Byte-Range, messages arriving a byte at a
 * time, re-printing with other paths, URIs, and bad input of every kind;
 * and the certificate fingerprints of MSRP over TLS (dataplane/msrp_fp.c,
 * RFC 8122 a=fingerprint): parsed, printed, chosen, matched against a
 * certificate.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>

#include "msrp_fp.h"
#include "msrp_parse.h"

#define MAX_BODY 4096

static const char send_msg[] =
	"MSRP a786hjs2 SEND\r\n"
	"To-Path: msrp://biloxi.example.com:12763/kjhd37s2s20w2a;tcp\r\n"
	"From-Path: msrp://atlanta.example.com:7654/jshA7weztas;tcp\r\n"
	"Message-ID: 87652491\r\n"
	"Byte-Range: 1-25/25\r\n"
	"Content-Type: text/plain\r\n"
	"\r\n"
	"Hey Bob, are you there?\r\n"
	"-------a786hjs2$\r\n";

static const char ok_msg[] =
	"MSRP a786hjs2 200 OK\r\n"
	"To-Path: msrp://atlanta.example.com:7654/jshA7weztas;tcp\r\n"
	"From-Path: msrp://biloxi.example.com:12763/kjhd37s2s20w2a;tcp\r\n"
	"-------a786hjs2$\r\n";

static const char report_msg[] =
	"MSRP dkei38sd REPORT\r\n"
	"To-Path: msrp://alicepc.example.com:7777/iau39soe2843z;tcp\r\n"
	"From-Path: msrp://bob.example.com:8888/9di4eae923wzd;tcp\r\n"
	"Message-ID: 12339sdqwer\r\n"
	"Byte-Range: 1-106/106\r\n"
	"Status: 000 200 OK\r\n"
	"-------dkei38sd$\r\n";

static bool is(const struct dp_msrp_str *s, const char *text)
{
	return s->len == strlen(text) && !memcmp(s->s, text, s->len);
}

static void test_send(void **state)
{
	struct dp_msrp_msg m;
	struct dp_msrp_range r;
	const struct dp_msrp_str *v;

	(void)state;
	assert_int_equal(dp_msrp_parse(send_msg, strlen(send_msg), MAX_BODY,
				       &m), strlen(send_msg));
	assert_true(m.request);
	assert_true(is(&m.tid, "a786hjs2"));
	assert_true(is(&m.method, "SEND"));
	assert_true(is(&m.to_path,
		       "msrp://biloxi.example.com:12763/kjhd37s2s20w2a;tcp"));
	assert_true(is(&m.from_path,
		       "msrp://atlanta.example.com:7654/jshA7weztas;tcp"));
	assert_int_equal(m.n_hdr, 5);
	assert_true(m.has_body);
	assert_true(is(&m.body, "Hey Bob, are you there?"));
	assert_int_equal(m.flag, '$');
	v = dp_msrp_header(&m, "byte-range");
	assert_non_null(v);
	assert_int_equal(dp_msrp_range_parse(v, &r), 0);
	assert_int_equal(r.start, 1);
	assert_int_equal(r.end, 25);
	assert_int_equal(r.total, 25);
	assert_null(dp_msrp_header(&m, "Success-Report"));
}

static void test_response_and_report(void **state)
{
	struct dp_msrp_msg m;

	(void)state;
	assert_int_equal(dp_msrp_parse(ok_msg, strlen(ok_msg), MAX_BODY, &m),
			 strlen(ok_msg));
	assert_false(m.request);
	assert_int_equal(m.status, 200);
	assert_false(m.has_body);
	assert_int_equal(dp_msrp_parse(report_msg, strlen(report_msg),
				       MAX_BODY, &m), strlen(report_msg));
	assert_true(m.request);
	assert_true(is(&m.method, "REPORT"));
	assert_false(m.has_body);
	assert_true(is(dp_msrp_header(&m, "Status"), "000 200 OK"));
}

/* three chunks of one message: '+', '+', then '$'; and an abandoned one */
static void test_chunks(void **state)
{
	const char *flags = "++$#";
	char buf[1024];

	(void)state;
	for (int i = 0; i < 4; i++) {
		struct dp_msrp_msg m;
		struct dp_msrp_range r;
		int n = snprintf(buf, sizeof(buf),
				 "MSRP tid%d0000 SEND\r\n"
				 "To-Path: msrp://10.0.0.1:2855/abc;tcp\r\n"
				 "From-Path: msrp://10.0.0.2:2855/def;tcp\r\n"
				 "Message-ID: m1\r\n"
				 "Byte-Range: %d-%s/%s\r\n"
				 "Content-Type: application/octet-stream\r\n"
				 "\r\n"
				 "0123456789\r\n"
				 "-------tid%d0000%c\r\n", i, 1 + 10 * i,
				 i == 1 ? "*" : i == 3 ? "40" : "20",
				 i == 1 ? "*" : "40", i, flags[i]);

		assert_int_equal(dp_msrp_parse(buf, (size_t)n, MAX_BODY, &m),
				 n);
		assert_int_equal(m.flag, flags[i]);
		assert_true(is(&m.body, "0123456789"));
		assert_int_equal(dp_msrp_range_parse(
			dp_msrp_header(&m, "Byte-Range"), &r), 0);
		assert_int_equal(r.start, 1 + 10 * i);
		assert_int_equal(r.end_known, i != 1);
		assert_int_equal(r.total_known, i != 1);
	}
}

/* a message split anywhere needs more bytes, then parses whole */
static void test_byte_at_a_time(void **state)
{
	char two[2 * sizeof(send_msg)];
	size_t len = strlen(send_msg);
	struct dp_msrp_msg m;

	(void)state;
	for (size_t i = 0; i < len; i++)
		assert_int_equal(dp_msrp_parse(send_msg, i, MAX_BODY, &m), 0);
	/* two messages back to back: the first one only */
	memcpy(two, send_msg, len);
	memcpy(two + len, ok_msg, strlen(ok_msg));
	assert_int_equal(dp_msrp_parse(two, len + strlen(ok_msg), MAX_BODY,
				       &m), len);
}

/* the data may hold "-------tid" when no flag and CRLF follow it */
static void test_body_with_dashes(void **state)
{
	static const char msg[] =
		"MSRP abcd SEND\r\n"
		"To-Path: msrp://h/x;tcp\r\nFrom-Path: msrp://g/y;tcp\r\n"
		"Content-Type: text/plain\r\n\r\n"
		"a\r\n-------abcdX more\r\n-------abcd$\r\n";
	struct dp_msrp_msg m;

	(void)state;
	assert_int_equal(dp_msrp_parse(msg, strlen(msg), MAX_BODY, &m),
			 strlen(msg));
	assert_true(is(&m.body, "a\r\n-------abcdX more"));
}

static void test_print(void **state)
{
	struct dp_msrp_str to = { "msrp://10.10.2.10:8888/gw;tcp", 29 };
	struct dp_msrp_str from = { "msrp://10.10.2.1:2855/sbc;tcp", 29 };
	struct dp_msrp_msg m, p;
	char out[1024];
	long n;

	(void)state;
	assert_true(dp_msrp_parse(send_msg, strlen(send_msg), MAX_BODY, &m) >
		    0);
	n = dp_msrp_print(&m, &to, &from, out, sizeof(out));
	assert_true(n > 0);
	assert_int_equal(dp_msrp_parse(out, (size_t)n, MAX_BODY, &p), n);
	assert_true(is(&p.to_path, "msrp://10.10.2.10:8888/gw;tcp"));
	assert_true(is(&p.from_path, "msrp://10.10.2.1:2855/sbc;tcp"));
	assert_true(is(&p.tid, "a786hjs2"));
	assert_true(is(&p.body, "Hey Bob, are you there?"));
	assert_true(is(dp_msrp_header(&p, "Byte-Range"), "1-25/25"));
	assert_int_equal(p.n_hdr, m.n_hdr);
	/* not an address of the original paths is left */
	assert_null(memmem(out, (size_t)n, "biloxi", 6));
	assert_null(memmem(out, (size_t)n, "atlanta", 7));
	assert_int_equal(dp_msrp_print(&m, &to, &from, out, 40), -ENOSPC);

	n = dp_msrp_response(&m, 200, "OK", &to, out, sizeof(out));
	assert_true(n > 0);
	assert_int_equal(dp_msrp_parse(out, (size_t)n, MAX_BODY, &p), n);
	assert_false(p.request);
	assert_int_equal(p.status, 200);
	assert_true(is(&p.to_path,
		       "msrp://atlanta.example.com:7654/jshA7weztas;tcp"));
	assert_true(is(&p.from_path, "msrp://10.10.2.10:8888/gw;tcp"));
}

static void test_uri(void **state)
{
	struct dp_msrp_uri u;
	struct dp_msrp_str path = { " msrp://r:1/a;tcp msrp://e/b;tcp", 33 };
	struct dp_msrp_str first;
	static const char *const bad[] = {
		"http://h/x;tcp", "msrp://h/x", "msrp://h:0/x;tcp",
		"msrp://h:65536/x;tcp", "msrp:///x;tcp", "msrp://h/;tcp",
		"msrp://h/x;", "msrp://[::1/x;tcp", "msrp://h/x y;tcp",
		"msrp://h:12a/x;tcp", NULL,
	};

	(void)state;
	assert_int_equal(dp_msrp_uri_parse("msrp://10.1.2.3:2855/s3/x=;tcp",
					   30, &u), 0);
	assert_false(u.secure);
	assert_true(is(&u.host, "10.1.2.3"));
	assert_int_equal(u.port, 2855);
	assert_true(is(&u.session_id, "s3/x="));
	assert_true(is(&u.transport, "tcp"));
	assert_int_equal(dp_msrp_uri_parse("MSRPS://bob@[2001:db8::1]/i;tcp;x=1",
					   35, &u), 0);
	assert_true(u.secure);
	assert_true(is(&u.host, "[2001:db8::1]"));
	assert_int_equal(u.port, 0);
	for (unsigned i = 0; bad[i]; i++)
		assert_int_equal(dp_msrp_uri_parse(bad[i], strlen(bad[i]), &u),
				 -EBADMSG);
	assert_int_equal(dp_msrp_path_first(&path, &first), 0);
	assert_true(is(&first, "msrp://r:1/a;tcp"));
	path.len = 1;
	assert_int_equal(dp_msrp_path_first(&path, &first), -EBADMSG);
}

static void test_bad_input(void **state)
{
	static const char *const bad[] = {
		"HTTP/1.1 200 OK\r\n",
		"MSRP abc SEND\r\n",			/* tid too short */
		"MSRP abcd send\r\n",			/* method not upper */
		"MSRP abcd 20 OK\r\n",
		"MSRP abcd 099\r\n",
		"MSRP abcd SEND\r\nTo-Path msrp://h/x;tcp\r\n",
		"MSRP abcd SEND\r\nTo-Path: msrp://h/x;tcp\r\n-------abcd$\r\n",
		"MSRP abcd SEND\r\nTo-Path: a\r\nFrom-Path: b\r\n-------abce$\r\n",
		"MSRP abcd SEND\r\nTo-Path: a\r\nFrom-Path: b\r\n-------abcd!\r\n",
		"MSRP abcd 200 OK\r\nTo-Path: a\r\nFrom-Path: b\r\n\r\nx\r\n"
		"-------abcd$\r\n",			/* response with body */
		"MSRP abcd SEND\r\nTo-Path: a\x01\r\nFrom-Path: b\r\n",
		"MSRP abcd SEND\r\nTo-Path: a\r\nFrom-Path: b\r\n"
		"From-Path: c\r\n-------abcd$\r\n",	/* twice */
		NULL,
	};
	char big[MAX_BODY + 512], *head;
	struct dp_msrp_msg m;
	int n;

	(void)state;
	for (unsigned i = 0; bad[i]; i++)
		assert_int_equal(dp_msrp_parse(bad[i], strlen(bad[i]),
					       MAX_BODY, &m), -EBADMSG);
	/* a body over the limit is refused before its end arrives */
	n = snprintf(big, sizeof(big), "MSRP abcd SEND\r\nTo-Path: a\r\n"
		     "From-Path: b\r\nContent-Type: x/y\r\n\r\n");
	memset(big + n, 'x', sizeof(big) - (size_t)n);
	assert_int_equal(dp_msrp_parse(big, sizeof(big), MAX_BODY, &m),
			 -EMSGSIZE);
	/* headers without an end, over DP_MSRP_HEAD_MAX */
	head = malloc(2 * DP_MSRP_HEAD_MAX);
	assert_non_null(head);
	n = snprintf(head, 64, "MSRP abcd SEND\r\nTo-Path: ");
	memset(head + n, 'a', 2 * DP_MSRP_HEAD_MAX - (size_t)n);
	assert_int_equal(dp_msrp_parse(head, 2 * DP_MSRP_HEAD_MAX, MAX_BODY,
				       &m), -EMSGSIZE);
	free(head);
}

static void test_too_many_headers(void **state)
{
	char buf[4096];
	struct dp_msrp_msg m;
	int n = snprintf(buf, sizeof(buf),
			 "MSRP abcd SEND\r\nTo-Path: a\r\nFrom-Path: b\r\n");

	(void)state;
	for (int i = 0; i < DP_MSRP_HEADERS; i++)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, "X-%d: v\r\n",
			      i);
	n += snprintf(buf + n, sizeof(buf) - (size_t)n, "-------abcd$\r\n");
	assert_int_equal(dp_msrp_parse(buf, (size_t)n, MAX_BODY, &m),
			 -EMSGSIZE);
}

static void test_byte_range(void **state)
{
	static const char *const bad[] = {
		"0-1/1", "1-", "-1/1", "5-3/9", "1-9/5", "1-2/3x", "1-2",
		"99999999999999999999-*/*", "a-b/c", "", NULL,
	};
	struct dp_msrp_range r;

	(void)state;
	for (unsigned i = 0; bad[i]; i++) {
		struct dp_msrp_str v = { bad[i], strlen(bad[i]) };

		assert_int_equal(dp_msrp_range_parse(&v, &r), -EBADMSG);
	}
}

/* a self-signed certificate (tests/unit/msrp-cert.pem) and its digests */
#define CERT "tests/unit/msrp-cert.pem"
#define CERT_SHA256 "CF:02:40:AE:78:06:1C:2E:AE:98:CA:0A:BC:B9:04:40:" \
	"0F:26:B7:1F:85:F0:D8:D7:EE:BA:B2:E6:C2:A9:A2:37"
#define CERT_SHA1 "30:A0:9B:A4:AC:95:83:F6:F6:4A:02:F0:EB:3E:7C:4D:7D:20:32:2C"

static int fp_parse(const char *text, struct dp_msrp_fp *fp)
{
	return dp_msrp_fp_parse(text, strlen(text), fp);
}

static void test_fp_parse(void **state)
{
	static const char *const bad[] = {
		"", "sha-256", "sha-256 ", " CF:02", "sha-256 CF:02",
		"sha-256 CF:02:40:AE:78:06:1C:2E:AE:98:CA:0A:BC:B9:04:40:0F:"
		"26:B7:1F:85:F0:D8:D7:EE:BA:B2:E6:C2:A9:A2:37:00",
		"sha-256 " CERT_SHA256 ":", "sha-256 :" CERT_SHA256,
		"sha-256  " CERT_SHA256, "sha-256\t" CERT_SHA256,
		"sha-1 30:A0:9B:A4:AC:95:83:F6:F6:4A:02:F0:EB:3E:7C:4D:7D:20:32:2",
		"sha-1 30A0:9B:A4:AC:95:83:F6:F6:4A:02:F0:EB:3E:7C:4D:7D:20:32:2C",
		"sha-1 30:A0:9B:A4:AC:95:83:F6:F6:4A:02:F0:EB:3E:7C:4D:7D:20:32:GG",
		"sha-1 30;A0:9B:A4:AC:95:83:F6:F6:4A:02:F0:EB:3E:7C:4D:7D:20:32:2C",
		"sha-256 CF:02:40:AE:78:06:1C:2E:AE:98:CA:0A:BC:B9:04:40:0F:26:B7:"
		"1F:85:F0:D8:D7:EE:BA:B2:E6:C2:A9:A2:37:00:11:22:33:44:55:66:77:"
		"88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:"
		"DD:EE:FF:00:11:22",
		NULL,
	};
	struct dp_msrp_fp fp;

	(void)state;
	assert_int_equal(fp_parse("sha-256 " CERT_SHA256, &fp), 0);
	assert_int_equal(fp.hash, FT_FP_SHA256);
	assert_int_equal(fp.len, 32);
	assert_memory_equal(fp.d, "\xcf\x02\x40\xae", 4);
	assert_int_equal(fp.d[31], 0x37);
	/* the hash name is a token, compared without case; lower-case hex
	 * and blanks around the value are taken */
	assert_int_equal(fp_parse("  SHA-1 30:a0:9b:a4:ac:95:83:f6:f6:4a:02:"
				  "f0:eb:3e:7c:4d:7d:20:32:2c ", &fp), 0);
	assert_int_equal(fp.hash, FT_FP_SHA1);
	assert_int_equal(fp.len, 20);
	assert_int_equal(fp.d[19], 0x2c);
	for (unsigned h = FT_FP_SHA1; h < FT_FP_COUNT; h++) {
		static const char *const name[] = { "", "sha-1", "sha-224",
			"sha-256", "sha-384", "sha-512" };
		char text[DP_MSRP_FP_TEXT_MAX + 8];
		int n = snprintf(text, sizeof(text), "%s ", name[h]);

		for (unsigned i = 0; i < ft_fp_len(h); i++)
			n += snprintf(text + n, sizeof(text) - (size_t)n,
				      i ? ":%02X" : "%02X", i);
		assert_int_equal(fp_parse(text, &fp), 0);
		assert_int_equal(fp.hash, h);
		assert_int_equal(fp.len, ft_fp_len(h));
	}
	/* RFC 8122 section 5: MD5 and MD2 are not to be used */
	assert_int_equal(fp_parse("md5 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:"
				  "DD:EE:FF", &fp), -ENOTSUP);
	assert_int_equal(fp_parse("md2 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:"
				  "DD:EE:FF", &fp), -ENOTSUP);
	assert_int_equal(fp_parse("sha-3 00:11", &fp), -ENOTSUP);
	assert_int_equal(fp.hash, FT_FP_NONE);
	for (unsigned i = 0; bad[i]; i++) {
		assert_int_equal(fp_parse(bad[i], &fp), -EBADMSG);
		assert_int_equal(fp.hash, FT_FP_NONE);
	}
}

static void test_fp_print(void **state)
{
	struct dp_msrp_fp fp, back;
	char out[DP_MSRP_FP_TEXT_MAX];

	(void)state;
	assert_int_equal(fp_parse("sha-256 " CERT_SHA256, &fp), 0);
	assert_int_equal(dp_msrp_fp_print(&fp, out, sizeof(out)),
			 strlen("sha-256 " CERT_SHA256));
	assert_string_equal(out, "sha-256 " CERT_SHA256);
	assert_int_equal(fp_parse(out, &back), 0);
	assert_memory_equal(&fp, &back, sizeof(fp));
	/* too small by one, and no fingerprint */
	assert_int_equal(dp_msrp_fp_print(&fp, out, strlen(out)), -ENOSPC);
	memset(&fp, 0, sizeof(fp));
	assert_int_equal(dp_msrp_fp_print(&fp, out, sizeof(out)), -EINVAL);
	/* the longest fits DP_MSRP_FP_TEXT_MAX */
	fp.hash = FT_FP_SHA512;
	fp.len = 64;
	memset(fp.d, 0xab, 64);
	assert_int_equal(dp_msrp_fp_print(&fp, out, sizeof(out)),
			 8 + 3 * 64 - 1);
}

static void test_fp_choice_and_match(void **state)
{
	struct dp_msrp_fp want, sha1;

	(void)state;
	/* RFC 8122 section 5: the most preferred hash is the strongest */
	assert_true(dp_msrp_fp_stronger(FT_FP_SHA256, FT_FP_SHA1));
	assert_true(dp_msrp_fp_stronger(FT_FP_SHA512, FT_FP_SHA384));
	assert_true(dp_msrp_fp_stronger(FT_FP_SHA1, FT_FP_NONE));
	assert_false(dp_msrp_fp_stronger(FT_FP_SHA224, FT_FP_SHA256));
	assert_false(dp_msrp_fp_stronger(FT_FP_SHA256, FT_FP_SHA256));

	assert_int_equal(fp_parse("sha-256 " CERT_SHA256, &want), 0);
	assert_int_equal(fp_parse("sha-1 " CERT_SHA1, &sha1), 0);
	assert_true(dp_msrp_fp_match(&want, FT_FP_SHA256, want.d, 32));
	/* another hash, a short digest, one bit off, no fingerprint */
	assert_false(dp_msrp_fp_match(&want, FT_FP_SHA1, want.d, 20));
	assert_false(dp_msrp_fp_match(&want, FT_FP_SHA256, want.d, 31));
	{
		uint8_t off[32];

		memcpy(off, want.d, 32);
		off[31] ^= 1;
		assert_false(dp_msrp_fp_match(&want, FT_FP_SHA256, off, 32));
	}
	assert_false(dp_msrp_fp_match(&sha1, FT_FP_SHA256, want.d, 32));
	memset(&want, 0, sizeof(want));
	assert_false(dp_msrp_fp_match(&want, FT_FP_NONE, want.d, 0));
}

static void test_fp_certificate(void **state)
{
	struct dp_msrp_fp want, got;
	FILE *f;
	X509 *x;

	(void)state;
	/* what `openssl x509 -fingerprint` says of the file */
	assert_int_equal(dp_msrp_fp_file(CERT, FT_FP_SHA256, &got), 0);
	assert_int_equal(fp_parse("sha-256 " CERT_SHA256, &want), 0);
	assert_memory_equal(&got, &want, sizeof(got));
	assert_int_equal(dp_msrp_fp_file(CERT, FT_FP_SHA1, &got), 0);
	assert_int_equal(fp_parse("sha-1 " CERT_SHA1, &want), 0);
	assert_memory_equal(&got, &want, sizeof(got));
	assert_int_equal(dp_msrp_fp_file(CERT, FT_FP_NONE, &got), -EINVAL);
	assert_int_equal(dp_msrp_fp_file("tests/unit/no-such.pem",
					 FT_FP_SHA256, &got), -ENOENT);
	assert_int_equal(dp_msrp_fp_file("tests/unit/test_msrp.c",
					 FT_FP_SHA256, &got), -EBADMSG);
	assert_int_equal(got.hash, FT_FP_NONE);

	f = fopen(CERT, "r");
	assert_non_null(f);
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	assert_non_null(x);
	assert_true(dp_msrp_fp_cert(x, &want));
	assert_int_equal(fp_parse("sha-256 " CERT_SHA256, &want), 0);
	assert_true(dp_msrp_fp_cert(x, &want));
	/* one byte off: another certificate */
	want.d[7] ^= 0x80;
	assert_false(dp_msrp_fp_cert(x, &want));
	memset(&want, 0, sizeof(want));
	assert_false(dp_msrp_fp_cert(x, &want));
	assert_false(dp_msrp_fp_cert(NULL, &want));
	X509_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_send),
		cmocka_unit_test(test_response_and_report),
		cmocka_unit_test(test_chunks),
		cmocka_unit_test(test_byte_at_a_time),
		cmocka_unit_test(test_body_with_dashes),
		cmocka_unit_test(test_print),
		cmocka_unit_test(test_uri),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_too_many_headers),
		cmocka_unit_test(test_byte_range),
		cmocka_unit_test(test_fp_parse),
		cmocka_unit_test(test_fp_print),
		cmocka_unit_test(test_fp_choice_and_match),
		cmocka_unit_test(test_fp_certificate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
