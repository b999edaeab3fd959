/*
 * A call's media state (struct b2b_sdp_state, sdp_rewrite.h) apart from
 * the SDP itself: its life cycle, its streams (allocated as the m= lines
 * come, copied for each rewrite), the media ports their ends hold, and the
 * flow-table entries they give.  sdp_rewrite.c works on a copy made here
 * and hands the ports back through b2b_sdp_release_diff(); the helpers the
 * two share are in sdp_streams.h.
 */
#include "sdp_streams.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/crypto.h>

/* an ft_endpoint for @ip and @port */
void b2b_sdp_endpoint(struct ft_endpoint *ep, const struct cfg_ip *ip,
		      uint16_t port)
{
	memset(ep, 0, sizeof(*ep));
	if (ip->af == AF_INET) {
		memcpy(ep->addr, &ip->u.v4, 4);
		ep->family = FT_FAMILY_IPV4;
	} else {
		memcpy(ep->addr, &ip->u.v6, 16);
		ep->family = FT_FAMILY_IPV6;
	}
	ep->port = port;
}

void b2b_sdp_end_clear(struct b2b_sdp_end *e)
{
	OPENSSL_cleanse(e, sizeof(*e));
}

/* the streams of @st and their MSRP ends, freed; none left */
void b2b_sdp_streams_free(struct b2b_sdp_state *st)
{
	for (unsigned i = 0; st->msrp && i < st->n_streams; i++)
		free(st->msrp[i]);
	if (st->stream)
		OPENSSL_cleanse(st->stream,
				st->n_streams * sizeof(*st->stream));
	free(st->stream);
	free(st->msrp);
	st->stream = NULL;
	st->msrp = NULL;
	st->n_streams = 0;
}

/* @to: @from with streams of its own, the ports still @from's */
int b2b_sdp_state_copy(struct b2b_sdp_state *to,
		       const struct b2b_sdp_state *from, unsigned n)
{
	*to = *from;
	to->stream = NULL;
	to->msrp = NULL;
	to->n_streams = 0;
	if (!n)
		return 0;
	to->stream = calloc(n, sizeof(*to->stream));
	to->msrp = calloc(n, sizeof(*to->msrp));
	if (!to->stream || !to->msrp)
		goto nomem;
	to->n_streams = n;
	if (from->n_streams)
		memcpy(to->stream, from->stream,
		       from->n_streams * sizeof(*from->stream));
	for (unsigned i = 0; i < from->n_streams; i++) {
		if (!from->msrp[i])
			continue;
		to->msrp[i] = malloc(sizeof(*to->msrp[i]));
		if (!to->msrp[i])
			goto nomem;
		*to->msrp[i] = *from->msrp[i];
	}
	return 0;
nomem:
	to->n_streams = n;
	b2b_sdp_streams_free(to);
	return -ENOMEM;
}

/* every port of a leg is on its media address (struct b2b_sdp_leg) */
static void release(const struct b2b_sdp_leg *leg, const struct b2b_sdp_end *e)
{
	if (e->local.port)
		b2b_ports_release(b2b_port_pool_get(leg->ports, leg->addr),
				  e->local.port, e->local_rtcp != 0);
}

/* release the ports @a holds that @b does not */
void b2b_sdp_release_diff(const struct b2b_sdp_state *a,
			  const struct b2b_sdp_state *b)
{
	for (unsigned i = 0; i < a->n_streams; i++)
		for (int s = 0; s < 2; s++) {
			const struct b2b_sdp_end *e = &a->stream[i].end[s];

			/* the address too: a leg that gave up all its ports
			 * may take new ones on another */
			if (i >= b->n_streams ||
			    memcmp(&e->local, &b->stream[i].end[s].local,
				   sizeof(e->local)))
				release(&a->leg[s], e);
		}
}

static bool leg_ok(const struct b2b_sdp_leg *leg)
{
	return leg && leg->realm && leg->ports &&
	       leg->realm->n_media_addrs >= 1 &&
	       b2b_port_pool_size(leg->ports) == leg->realm->n_media_addrs &&
	       leg->addr < leg->realm->n_media_addrs &&
	       (leg->realm->media_addrs[0].af == AF_INET ||
		leg->realm->media_addrs[0].af == AF_INET6);
}

struct b2b_sdp_state *b2b_sdp_state_new(const struct b2b_sdp_leg *a,
					const struct b2b_sdp_leg *b)
{
	struct b2b_sdp_state *st;

	if (!leg_ok(a) || !leg_ok(b)) {
		errno = EINVAL;
		return NULL;
	}
	st = calloc(1, sizeof(*st));
	if (!st) {
		errno = ENOMEM;
		return NULL;
	}
	st->leg[B2B_SDP_A] = *a;
	st->leg[B2B_SDP_B] = *b;
	st->offerer = -1;
	return st;
}

void b2b_sdp_state_free(struct b2b_sdp_state *st)
{
	if (!st)
		return;
	for (unsigned i = 0; i < st->n_streams; i++)
		for (int s = 0; s < 2; s++)
			release(&st->leg[s], &st->stream[i].end[s]);
	b2b_sdp_streams_free(st);
	OPENSSL_cleanse(st, sizeof(*st));
	free(st);
}

int b2b_sdp_streams_adopt(struct b2b_sdp_state *st,
			  const struct b2b_sdp_stream *s, unsigned n)
{
	struct b2b_sdp_state copy;
	int ret;

	if (st->n_streams || n > B2B_SDP_MAX_STREAMS)
		return -EINVAL;
	for (unsigned i = 0; i < n; i++)
		if (s[i].kind == B2B_SDP_MSRP)
			return -ENOTSUP;
	ret = b2b_sdp_state_copy(&copy, st, n);
	if (ret)
		return ret;
	if (n)
		memcpy(copy.stream, s, n * sizeof(*s));
	*st = copy;
	return 0;
}

int b2b_sdp_leg_set(struct b2b_sdp_state *st, enum b2b_sdp_side side,
		    const struct b2b_sdp_leg *leg)
{
	if (!leg_ok(leg) || (side != B2B_SDP_A && side != B2B_SDP_B))
		return -EINVAL;
	for (unsigned i = 0; i < st->n_streams; i++) {
		release(&st->leg[side], &st->stream[i].end[side]);
		b2b_sdp_end_clear(&st->stream[i].end[side]);
		if (st->msrp[i])
			memset(&st->msrp[i]->end[side], 0,
			       sizeof(st->msrp[i]->end[side]));
	}
	memset(&st->origin[side], 0, sizeof(st->origin[side]));
	st->leg[side] = *leg;
	return 0;
}

/* whether side @side holds a port in some stream */
static bool holds_ports(const struct b2b_sdp_state *st, int side)
{
	for (unsigned i = 0; i < st->n_streams; i++)
		if (st->stream[i].end[side].local.port)
			return true;
	return false;
}

/* the leg's address once it holds a port, else the pool's choice */
int b2b_sdp_ports_take(struct b2b_sdp_state *st, int side,
		       struct b2b_sdp_end *e, bool pair)
{
	struct b2b_sdp_leg *leg = &st->leg[side];
	uint32_t addr = holds_ports(st, side) ? leg->addr : B2B_PORT_POOL_ANY;
	uint16_t port;
	int ret;

	if (e->local.port && (e->local_rtcp || !pair))
		return 0;
	ret = b2b_port_pool_alloc(leg->ports, &addr, pair, &port);
	if (ret)
		return ret;
	leg->addr = addr;
	b2b_sdp_endpoint(&e->local, &leg->realm->media_addrs[addr], port);
	e->local_rtcp = pair ? (uint16_t)(port + 1) : 0;
	return 0;
}

/* direction @x to @y of stream @s: RTP (rtcp false) or RTCP */
static void flow(const struct b2b_sdp_stream *s, int x, int y, bool rtcp,
		 struct ft_flow *f)
{
	const struct b2b_sdp_end *ex = &s->end[x], *ey = &s->end[y];

	memset(f, 0, sizeof(*f));
	f->kind = rtcp ? FT_KIND_RTCP :
		  s->mux ? FT_KIND_RTP_RTCP_MUX : FT_KIND_RTP;
	f->local = ex->local;
	f->src = ey->local;
	f->dst = rtcp ? ey->peer_rtcp : ey->peer;
	if (rtcp) {
		f->local.port = ex->local_rtcp;
		f->src.port = ey->local_rtcp;
	}
	f->pair = FT_NO_SLOT;
	f->srtp_in.suite = (uint8_t)ex->peer_key.suite;
	memcpy(f->srtp_in.key, ex->peer_key.key, sizeof(f->srtp_in.key));
	f->srtp_out.suite = (uint8_t)ey->our_key.suite;
	memcpy(f->srtp_out.key, ey->our_key.key, sizeof(f->srtp_out.key));
}

int b2b_sdp_flows(const struct b2b_sdp_state *st, unsigned i,
		  struct ft_flow out[4])
{
	const struct b2b_sdp_stream *s;
	bool rtcp = true;

	if (i >= st->n_streams)
		return 0;
	s = &st->stream[i];
	if (s->kind == B2B_SDP_MSRP)
		return b2b_msrp_flow(&st->msrp[i]->end[B2B_SDP_A], &out[0]) &&
		       b2b_msrp_flow(&st->msrp[i]->end[B2B_SDP_B], &out[1]) ?
			       2 : 0;
	if (s->kind != B2B_SDP_RTP)
		return 0;
	for (int e = 0; e < 2; e++) {
		const struct b2b_sdp_end *end = &s->end[e];

		if (!end->local.port || !end->peer.port ||
		    end->peer.family == FT_FAMILY_NONE)
			return 0;
		if (s->mux || !end->local_rtcp || !end->peer_rtcp.port ||
		    end->peer_rtcp.family == FT_FAMILY_NONE)
			rtcp = false;
	}
	flow(s, B2B_SDP_A, B2B_SDP_B, false, &out[0]);
	flow(s, B2B_SDP_B, B2B_SDP_A, false, &out[1]);
	if (!rtcp)
		return 2;
	flow(s, B2B_SDP_A, B2B_SDP_B, true, &out[2]);
	flow(s, B2B_SDP_B, B2B_SDP_A, true, &out[3]);
	return 4;
}
