/*
 * srtp_check: unprotect SRTP packets with libsrtp2, for integration tests
 * (python has no libsrtp): the receiving side's check that what the
 * dataplane protected decrypts to the original payload.
 *
 *   srtp_check [-p] SUITE BASE64_KEY < packets
 *
 * Reads one SRTP packet (the UDP payload) per line as hex, unprotects it
 * with a session for any inbound SSRC, and prints the RTP packet as hex,
 * or "ERR <libsrtp status>" for a packet that does not verify.  With -p it
 * protects RTP instead (any outbound SSRC), to make the input of a test.
 * SUITE as for ft_put.  Exit 0 when every packet went through, 1
 * otherwise, 2 on usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <srtp2/srtp.h>

#include "b64.h"

#define MAX_PKT 2048

static int set_policy(const char *suite, srtp_policy_t *p)
{
	if (!strcmp(suite, "AES_CM_128_HMAC_SHA1_80")) {
		srtp_crypto_policy_set_rtp_default(&p->rtp);
	} else if (!strcmp(suite, "AES_CM_128_HMAC_SHA1_32")) {
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&p->rtp);
	} else if (!strcmp(suite, "AEAD_AES_128_GCM")) {
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&p->rtp);
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&p->rtcp);
		return 0;
	} else {
		return -1;
	}
	srtp_crypto_policy_set_rtcp_default(&p->rtcp);
	return 0;
}

int main(int argc, char **argv)
{
	static char line[2 * MAX_PKT + 16];
	uint8_t key[64], pkt[MAX_PKT + 64];
	srtp_policy_t policy;
	srtp_t session;
	int bad = 0, protect = argc == 4 && !strcmp(argv[1], "-p");

	memset(&policy, 0, sizeof(policy));
	if (argc != 3 + protect || set_policy(argv[1 + protect], &policy) ||
	    b64_decode(argv[2 + protect], key, sizeof(key)) < 28) {
		fprintf(stderr, "usage: srtp_check [-p] SUITE BASE64_KEY < hex\n");
		return 2;
	}
	policy.ssrc.type = protect ? ssrc_any_outbound : ssrc_any_inbound;
	policy.key = key;
	policy.window_size = 1024;
	if (srtp_init() || srtp_create(&session, &policy)) {
		fprintf(stderr, "srtp_check: libsrtp2 set-up failed\n");
		return 1;
	}
	while (fgets(line, sizeof(line), stdin)) {
		int len = 0;
		srtp_err_status_t st;

		for (char *h = line; h[0] && h[1] && h[0] != '\n' &&
		     len < MAX_PKT; h += 2) {
			unsigned v;

			if (sscanf(h, "%2x", &v) != 1)
				break;
			pkt[len++] = (uint8_t)v;
		}
		st = protect ? srtp_protect(session, pkt, &len) :
			       srtp_unprotect(session, pkt, &len);
		if (st != srtp_err_status_ok) {
			printf("ERR %d\n", (int)st);
			bad = 1;
			continue;
		}
		for (int i = 0; i < len; i++)
			printf("%02x", pkt[i]);
		printf("\n");
	}
	srtp_dealloc(session);
	srtp_shutdown();
	return bad;
}
