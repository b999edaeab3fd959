/* The SDP rewriter tests' fixture: see sdp_fixture.h. */
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

void sdp_fx_realm_media(struct cfg_realm *r, const char *name, const char *ip,
			uint16_t min)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->media_addrs[0].af = AF_INET;
	assert_int_equal(inet_pton(AF_INET, ip, &r->media_addrs[0].u.v4), 1);
	snprintf(r->media_addrs[0].text, sizeof(r->media_addrs[0].text), "%s",
		 ip);
	r->n_media_addrs = 1;
	r->media_port_min = min;
	r->media_port_max = (uint16_t)(min + 99);
}

void sdp_fx_realm_init(struct cfg_realm *r, const char *name, const char *ip,
		       uint16_t min, enum cfg_srtp_policy srtp)
{
	sdp_fx_realm_media(r, name, ip, min);
	r->srtp = srtp;
	/* the MSRP relay on the address after the media one */
	r->msrp_addr = r->media_addrs[0];
	r->msrp_addr.u.v4.s_addr =
		htonl(ntohl(r->media_addrs[0].u.v4.s_addr) + 4);
	inet_ntop(AF_INET, &r->msrp_addr.u.v4, r->msrp_addr.text,
		  sizeof(r->msrp_addr.text));
	r->msrp_port = 2855;
	r->msrp_tls_port = 2856;
	r->msrp = true;
}

int sdp_fx_setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	sdp_fx_realm_init(&fx->realm[0], "access", "203.0.113.1", 10000,
		   CFG_SRTP_OPTIONAL);
	sdp_fx_realm_init(&fx->realm[1], "carrier", "198.51.100.1", 20000,
		   CFG_SRTP_OFF);
	for (int i = 0; i < 2; i++) {
		fx->leg[i].realm = &fx->realm[i];
		fx->leg[i].ports = b2b_port_pool_new(1,
						     fx->realm[i].media_port_min,
						     fx->realm[i].media_port_max);
		assert_non_null(fx->leg[i].ports);
	}
	fx->st = b2b_sdp_state_new(&fx->leg[0], &fx->leg[1]);
	fx->home = su_home_new(sizeof(su_home_t));
	assert_non_null(fx->st);
	*state = fx;
	return 0;
}

int sdp_fx_teardown(void **state)
{
	struct fx *fx = *state;

	b2b_sdp_state_free(fx->st);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(b2b_port_pool_in_use(fx->leg[i].ports), 0);
		b2b_port_pool_free(fx->leg[i].ports);
	}
	su_home_unref(fx->home);
	free(fx);
	return 0;
}

/* CRLF line ends from a text written with \n */
char *sdp_fx_crlf(struct fx *fx, const char *text)
{
	char *out = su_alloc(fx->home, strlen(text) * 2 + 1), *p = out;

	for (; *text; text++) {
		if (*text == '\n')
			*p++ = '\r';
		*p++ = *text;
	}
	*p = '\0';
	return out;
}

int sdp_fx_rewrite(struct fx *fx, enum b2b_sdp_side from,
		   enum b2b_sdp_type type, const char *text, char **out)
{
	const char *body = sdp_fx_crlf(fx, text);

	return b2b_sdp_rewrite(fx->st, from, type, body, strlen(body),
			       fx->home, out, fx->err, sizeof(fx->err));
}

char *sdp_fx_ok(struct fx *fx, enum b2b_sdp_side from, enum b2b_sdp_type type,
		const char *text)
{
	char *out = NULL;
	int ret = sdp_fx_rewrite(fx, from, type, text, &out);

	if (ret)
		fail_msg("rewrite: %d %s", ret, fx->err);
	assert_non_null(out);
	return out;
}

void sdp_fx_has_line(const char *body, const char *line)
{
	char want[256];

	snprintf(want, sizeof(want), "\r\n%s\r\n", line);
	if (!strstr(body, want))
		fail_msg("no line \"%s\" in:\n%s", line, body);
}

void sdp_fx_no_text(const char *body, const char *text)
{
	if (strstr(body, text))
		fail_msg("\"%s\" found in:\n%s", text, body);
}

/* the key of the a=crypto line with @tag in @body */
void sdp_fx_crypto_of(const char *body, unsigned tag, struct b2b_sdes *c)
{
	char want[32];
	const char *p;
	char line[B2B_SDES_ATTR_MAX];
	size_t n;

	snprintf(want, sizeof(want), "a=crypto:%u ", tag);
	p = strstr(body, want);
	assert_non_null(p);
	p += strlen("a=crypto:");
	n = strcspn(p, "\r");
	assert_true(n < sizeof(line));
	memcpy(line, p, n);
	line[n] = '\0';
	assert_int_equal(b2b_sdes_parse(line, c, NULL), 0);
}
