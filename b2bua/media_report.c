/*
 * What the calls' media counted, read from the flow table: the per-leg
 * packet, byte and drop totals of a CDR (b2b_media_cdr()), a call's
 * streams and flows in `show call` (b2b_media_json()), and media.stats
 * (`show media`: flows and ports in use per realm and media address).
 * Read only: call_media.c owns the state (call_media_pvt.h).
 */
#include "call_media.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "call.h"
#include "call_media_pvt.h"
#include "ctl_registry.h"
#include "ft.h"
#include "media_ports.h"
#include "sbcd.h"
#include "sdp_rewrite.h"
#include "store.h"

/* the counters of slot @k of stream @i into the per-leg totals */
void b2b_media_slot_count(const struct b2b_media *m,
			  const struct b2b_call_media *cm, unsigned i,
			  unsigned k, uint64_t pkts[2], uint64_t bytes[2],
			  uint64_t *drops)
{
	struct ft_stats s;

	if (ft_flow_stats(m->ft, cm->ss[i].slot[k], &s) < 0)
		return;
	pkts[k & 1] += s.packets;
	bytes[k & 1] += s.bytes;
	for (unsigned d = 0; d < FT_DROP_COUNT; d++)
		*drops += s.drops[d];
}

/* the call's totals: freed slots plus the live ones */
static void totals(const struct b2b_call *call, uint64_t pkts[2],
		   uint64_t bytes[2], uint64_t *drops)
{
	const struct b2b_call_media *cm = call->media;

	pkts[0] = pkts[1] = bytes[0] = bytes[1] = *drops = 0;
	if (!cm)
		return;
	memcpy(pkts, cm->pkts, sizeof(cm->pkts));
	memcpy(bytes, cm->bytes, sizeof(cm->bytes));
	*drops = cm->drops;
	for (unsigned i = 0; i < cm->n_ss; i++)
		for (unsigned k = 0; k < cm->ss[i].n; k++)
			b2b_media_slot_count(call->ctx->media, cm, i, k, pkts,
					     bytes, drops);
}

void b2b_media_cdr(const struct b2b_call *call, struct store_cdr *cdr)
{
	uint64_t pkts[2], bytes[2], drops;

	totals(call, pkts, bytes, &drops);
	cdr->pkts_a = (int64_t)pkts[0];
	cdr->pkts_b = (int64_t)pkts[1];
	cdr->bytes_a = (int64_t)bytes[0];
	cdr->bytes_b = (int64_t)bytes[1];
	cdr->drops = (int64_t)drops;
}

/* control ----------------------------------------------------------------- */

static void ep_text(const struct ft_endpoint *ep, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "-";

	if (ep->family == FT_FAMILY_IPV4)
		inet_ntop(AF_INET, ep->addr, a, sizeof(a));
	else if (ep->family == FT_FAMILY_IPV6)
		inet_ntop(AF_INET6, ep->addr, a, sizeof(a));
	snprintf(buf, len, ep->family == FT_FAMILY_IPV6 ? "[%s]:%u" : "%s:%u",
		 a, ep->port);
}

static const char *kind_name(uint8_t kind)
{
	return kind == FT_KIND_RTCP ? "rtcp" :
	       kind == FT_KIND_MSRP ? "msrp" :
	       kind == FT_KIND_RTP_RTCP_MUX ? "rtp+rtcp" : "rtp";
}

/* flow @k of stream @i: where packets arrive, where they come from */
static json_t *flow_json(const struct b2b_call *call, unsigned i, unsigned k)
{
	const struct b2b_call_media *cm = call->media;
	const struct ft *ft = call->ctx->media->ft;
	const struct b2b_sdp_stream *s = &cm->sdp->stream[i];
	struct ft_flow f, pair;
	struct ft_stats st = { 0 };
	char local[64], peer[64];
	uint64_t drops = 0;
	json_t *o;

	if (ft_flow_read(ft, cm->ss[i].slot[k], &f, NULL) < 0 ||
	    ft_flow_read(ft, cm->ss[i].slot[k ^ 1], &pair, NULL) < 0)
		return NULL;
	ft_flow_stats(ft, cm->ss[i].slot[k], &st);
	for (unsigned d = 0; d < FT_DROP_COUNT; d++)
		drops += st.drops[d];
	ep_text(&f.local, local, sizeof(local));
	if (f.kind == FT_KIND_MSRP)	/* where the relay connects, if it does */
		ep_text(&f.msrp.peer, peer, sizeof(peer));
	else
		ep_text(st.latched.family ? &st.latched : &pair.dst, peer,
			sizeof(peer));
	o = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I}",
		"stream", (int)i, "dir", k & 1 ? "B->A" : "A->B",
		"kind", kind_name(f.kind),
		"hold", s->end[k & 1].hold ? "yes" : "no",
		"local", local, "peer", peer,
		"packets", (json_int_t)st.packets,
		"bytes", (json_int_t)st.bytes, "drops", (json_int_t)drops);
	OPENSSL_cleanse(&f, sizeof(f));
	OPENSSL_cleanse(&pair, sizeof(pair));
	return o;
}

int b2b_media_json(const struct b2b_call *call, json_t *obj, bool detail)
{
	const struct b2b_call_media *cm = call->media;
	uint64_t pkts[2], bytes[2], drops;
	json_t *flows = detail ? json_array() : NULL;
	unsigned streams = 0;

	if (detail && !flows)
		return -ENOMEM;
	totals(call, pkts, bytes, &drops);
	for (unsigned i = 0; cm && i < cm->n_ss; i++) {
		if (!cm->ss[i].n)
			continue;
		streams++;
		for (unsigned k = 0; flows && k < cm->ss[i].n; k++) {
			json_t *f = flow_json(call, i, k);

			if (f)
				json_array_append_new(flows, f);
		}
	}
	json_object_set_new(obj, "streams", json_integer(streams));
	json_object_set_new(obj, "packets", json_integer(
		(json_int_t)(pkts[0] + pkts[1])));
	if (flows)
		json_object_set_new(obj, "media", flows);
	return 0;
}

/* [{"address": A, "ports_in_use": N}, ...] of realm @r */
static json_t *addresses_json(const struct cfg_realm *r,
			      struct b2b_port_pool *pool)
{
	json_t *a = json_array();

	for (unsigned k = 0; a && k < r->n_media_addrs; k++)
		json_array_append_new(a, json_pack("{s:s, s:i}",
			"address", r->media_addrs[k].text, "ports_in_use",
			(int)b2b_ports_in_use(b2b_port_pool_get(pool, k))));
	return a;
}

static int stats_handler(void *arg, const json_t *params,
			 struct ctl_reply *rep)
{
	struct b2b_ctx *ctx = arg;
	struct b2b_media *m = ctx->media;
	json_t *realms;

	(void)params;
	if (!m)
		return ctl_reply_error(rep, CTL_ERR_INTERNAL,
				       "media not ready");
	realms = json_array();
	for (unsigned i = 0; realms && i < ctx->cfg->n_realms; i++) {
		const struct cfg_realm *r = &ctx->cfg->realms[i];

		json_array_append_new(realms, json_pack(
			"{s:s, s:i, s:i, s:o, s:s, s:i}", "realm", r->name,
			"ports_in_use", (int)b2b_port_pool_in_use(m->ports[i]),
			"ports",
			(int)((r->media_port_max - r->media_port_min + 1) *
			      r->n_media_addrs),
			"addresses", addresses_json(r, m->ports[i]),
			"latching", cfg_latching_name(r->latching),
			"rtp_timeout", (int)r->rtp_timeout));
	}
	return ctl_reply_set_result(rep, json_pack("{s:i, s:i, s:i, s:o}",
		"flows_in_use", (int)m->flows,
		"flow_capacity", (int)ft_capacity(m->ft),
		"dataplane_pid", (int)ft_owner_pid(m->ft),
		"realms", realms));
}

int b2b_media_register(struct b2b_ctx *ctx)
{
	const struct ctl_command cmd = {
		"media.stats", "show media", NULL,
		"flow-table entries and media ports in use per realm",
		0, 0, stats_handler, ctx,
	};

	return ctl_registry_add(ctx->ctl_reg, &cmd);
}
