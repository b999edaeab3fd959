/*
 * libFuzzer target for the SDP rewriter: the input is an SDP body that
 * goes through a whole offer/answer round on a fresh call, as an offer
 * from leg A, the same bytes as leg B's answer, then as a re-offer from
 * leg B.  The first byte picks the two realms' SRTP policies.  Any input
 * must end in a body or an error with a reason, never a crash, a leak,
 * a port kept after the call is freed, or a port handed out twice.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sdp_rewrite.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void realm_init(struct cfg_realm *r, const char *ip, uint8_t policy)
{
	memset(r, 0, sizeof(*r));
	memcpy(r->name, "fuzz", 5);
	r->media_addrs[0].af = AF_INET;
	inet_pton(AF_INET, ip, &r->media_addrs[0].u.v4);
	strcpy(r->media_addrs[0].text, ip);
	/* a second media address: legs choose one (media_ports.h) */
	r->media_addrs[1] = r->media_addrs[0];
	r->media_addrs[1].u.v4.s_addr =
		htonl(ntohl(r->media_addrs[0].u.v4.s_addr) + 1);
	r->n_media_addrs = 2;
	r->srtp = (enum cfg_srtp_policy)(policy % 3);
	/* MSRP relayed on the media address (msrp_sdp.c) */
	r->msrp_addr = r->media_addrs[0];
	r->msrp_port = 2855;
	r->msrp = true;
}

/* one step; an error must say why */
static void step(struct b2b_sdp_state *st, enum b2b_sdp_side from,
		 enum b2b_sdp_type type, const char *body, size_t len,
		 su_home_t *home)
{
	char err[B2B_SDP_ERR_MAX], *out;
	struct ft_flow f[4];

	if (b2b_sdp_rewrite(st, from, type, body, len, home, &out, err,
			    sizeof(err))) {
		if (out || !err[0])
			abort();
		return;
	}
	if (!out || strlen(out) < 3)
		abort();
	for (unsigned i = 0; i < st->n_streams; i++)
		b2b_sdp_flows(st, i, f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfg_realm ra, rb;
	struct b2b_sdp_leg a = { 0 }, b = { 0 };
	struct b2b_sdp_state *st;
	su_home_t *home;

	if (!size)
		return 0;
	realm_init(&ra, "203.0.113.1", data[0]);
	realm_init(&rb, "198.51.100.1", data[0] / 3);
	a.realm = &ra;
	b.realm = &rb;
	a.ports = b2b_port_pool_new(2, 10000, 10063);
	b.ports = b2b_port_pool_new(2, 20000, 20063);
	home = su_home_new(sizeof(su_home_t));
	st = b2b_sdp_state_new(&a, &b);
	if (!a.ports || !b.ports || !home || !st)
		abort();
	data++;
	size--;
	step(st, B2B_SDP_A, B2B_SDP_OFFER, (const char *)data, size, home);
	step(st, B2B_SDP_B, B2B_SDP_ANSWER, (const char *)data, size, home);
	step(st, B2B_SDP_B, B2B_SDP_OFFER, (const char *)data, size, home);
	b2b_sdp_state_free(st);
	if (b2b_port_pool_in_use(a.ports) || b2b_port_pool_in_use(b.ports))
		abort();
	b2b_port_pool_free(a.ports);
	b2b_port_pool_free(b.ports);
	su_home_unref(home);
	return 0;
}
