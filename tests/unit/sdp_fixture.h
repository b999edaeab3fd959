/*
 * Shared fixture of the SDP rewriter's unit tests (test_sdp_rewrite.c,
 * test_sdp_msrp.c; test_media_policy.c takes its realms): two realms, leg
 * A access (203.0.113.1, ports 10000-10099), leg B carrier (198.51.100.1,
 * 20000-20099), a fresh state per test, and assertions on rewritten
 * bodies.
 */
#ifndef SDP_FIXTURE_H
#define SDP_FIXTURE_H

#include <stdint.h>

#include "sdp_rewrite.h"

#define RFC_KEY "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR"
/* a self-signed certificate (no key: only its fingerprint is needed) */
#define MSRP_CERT "tests/unit/msrp-cert.pem"
#define MSRP_CERT_FP "sha-256 CF:02:40:AE:78:06:1C:2E:AE:98:CA:0A:BC:B9:04:" \
	"40:0F:26:B7:1F:85:F0:D8:D7:EE:BA:B2:E6:C2:A9:A2:37"

struct fx {
	struct cfg_realm realm[2];
	struct b2b_sdp_leg leg[2];
	struct b2b_sdp_state *st;
	su_home_t *home;
	char err[B2B_SDP_ERR_MAX];
};

/* a realm with one media address and 100 ports from @min, nothing else */
void sdp_fx_realm_media(struct cfg_realm *r, const char *name, const char *ip,
			uint16_t min);
/* the same, with an SRTP policy and an MSRP relay on the address + 4 */
void sdp_fx_realm_init(struct cfg_realm *r, const char *name, const char *ip,
		       uint16_t min, enum cfg_srtp_policy srtp);
int sdp_fx_setup(void **state);
int sdp_fx_teardown(void **state);
char *sdp_fx_crlf(struct fx *fx, const char *text);
int sdp_fx_rewrite(struct fx *fx, enum b2b_sdp_side from,
		   enum b2b_sdp_type type, const char *text, char **out);
char *sdp_fx_ok(struct fx *fx, enum b2b_sdp_side from, enum b2b_sdp_type type,
		const char *text);
void sdp_fx_has_line(const char *body, const char *line);
void sdp_fx_no_text(const char *body, const char *text);
void sdp_fx_crypto_of(const char *body, unsigned tag, struct b2b_sdes *c);

#endif
