/*
 * SDP rewriting for media anchoring; see sdp_rewrite.h for the rules.
 *
 * RFC 4566/8866 (SDP, parsed and printed by Sofia-SIP's sdp.h), RFC 3264
 * (offer/answer: m= lines keep their order, section 6; o= version,
 * section 8; hold, section 8.4), RFC 4568 (SDES a=crypto), RFC 7714
 * (AES-GCM suite), RFC 5761 (rtcp-mux), RFC 3605 (a=rtcp), RFC 8445/8839
 * (the ICE attributes removed).
 *
 * A rewrite works on a copy of the state, its streams included, made once
 * the body's m= lines are counted (with room for them all): ports it
 * allocates are recorded there.  On success the copy replaces the state
 * and the ports the state held but the copy no longer does are released;
 * on error the ports the copy took are released and the state is
 * untouched.  The state itself, its streams, their ports and the flows
 * they give are sdp_streams.c's.
 *
 * Sofia-SIP runs with sdp_f_mode_manual, so direction attributes stay
 * ordinary attributes in their places and are printed as they came.
 */
#include "sdp_rewrite.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <sofia-sip/sdp.h>

#include "sdp_streams.h"
#include "sdp_syntax.h"

#define ADDRS_MAX (2 + B2B_SDP_MAX_STREAMS)
#define SECRETS_MAX (B2B_SDP_MAX_STREAMS * (B2B_SDP_OFFERED + 8))

/* attributes never passed on, at session or media level */
static const char *const dropped[] = {
	"candidate", "remote-candidates", "end-of-candidates", "ice-ufrag",
	"ice-pwd", "ice-options", "ice-lite", "ice-mismatch", "ice-pacing",
	"fingerprint", "setup", "tls-id", "rtcp", "crypto", "path",
	"msrp-cema", NULL,
};

/* one rewrite */
struct rw {
	struct b2b_sdp_state *st;	/* the working copy, once made */
	struct b2b_sdp_state copy;
	int from, to;
	enum b2b_sdp_type type;
	su_home_t *home;		/* parser, printer, our additions */
	sdp_session_t *sess;
	const char *addrs[ADDRS_MAX];	/* the sender's addresses, as text */
	unsigned n_addrs;
	char *secrets[SECRETS_MAX];	/* crypto texts to wipe */
	unsigned n_secrets;
	char *err;
	size_t errlen;
};

static int fail(struct rw *rw, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct rw *rw, int ret, const char *fmt, ...)
{
	va_list ap;

	if (rw->err && rw->errlen) {
		va_start(ap, fmt);
		vsnprintf(rw->err, rw->errlen, fmt, ap);
		va_end(ap);
	}
	return ret;
}

static void secret(struct rw *rw, char *s)
{
	if (s && rw->n_secrets < SECRETS_MAX)
		rw->secrets[rw->n_secrets++] = s;
}

static bool attr_is(const sdp_attribute_t *a, const char *name)
{
	return a->a_name && !strcasecmp(a->a_name, name);
}

static bool has_attr(const sdp_attribute_t *a, const char *name)
{
	for (; a; a = a->a_next)
		if (attr_is(a, name))
			return true;
	return false;
}

/* whether the attribute may not cross: see the list in sdp_rewrite.h */
static bool attr_dropped(const struct rw *rw, const sdp_attribute_t *a)
{
	for (const char *const *d = dropped; *d; d++)
		if (attr_is(a, *d))
			return true;
	if (attr_is(a, "group") && a->a_value &&
	    !strncasecmp(a->a_value, "BUNDLE", 6))
		return true;
	if (!a->a_value)
		return false;
	for (unsigned i = 0; i < rw->n_addrs; i++)
		if (strstr(a->a_value, rw->addrs[i]))
			return true;
	return false;
}

static void attrs_filter(struct rw *rw, sdp_attribute_t **list)
{
	while (*list) {
		if (attr_dropped(rw, *list))
			*list = (*list)->a_next;
		else
			list = &(*list)->a_next;
	}
}

static void attrs_remove(sdp_attribute_t **list, const char *name)
{
	while (*list) {
		if (attr_is(*list, name))
			*list = (*list)->a_next;
		else
			list = &(*list)->a_next;
	}
}

static int attr_add(struct rw *rw, sdp_attribute_t **list, const char *name,
		    const char *value)
{
	sdp_attribute_t *a = su_zalloc(rw->home, sizeof(*a));

	if (!a)
		return fail(rw, -ENOMEM, "out of memory");
	a->a_size = sizeof(*a);
	a->a_name = name;
	if (value) {
		a->a_value = su_strdup(rw->home, value);
		if (!a->a_value)
			return fail(rw, -ENOMEM, "out of memory");
	}
	while (*list)
		list = &(*list)->a_next;
	*list = a;
	return 0;
}

/* the address of @c; *@zero when it is 0.0.0.0 or :: (hold) */
static int conn_addr(struct rw *rw, const sdp_connection_t *c,
		     struct cfg_ip *ip, bool *zero)
{
	static const uint8_t any[16];
	int af = rw->st->leg[rw->from].realm->media_addrs[0].af;

	memset(ip, 0, sizeof(*ip));
	if (c->c_nettype != sdp_net_in || !c->c_address)
		return fail(rw, -ENOTSUP, "c= network type is not IN");
	if (c->c_mcast)
		return fail(rw, -ENOTSUP, "multicast c= not supported");
	ip->af = c->c_addrtype == sdp_addr_ip4 ? AF_INET :
		 c->c_addrtype == sdp_addr_ip6 ? AF_INET6 : 0;
	if (!ip->af || inet_pton(ip->af, c->c_address, &ip->u) != 1)
		return fail(rw, -ENOTSUP, "c= address is not an IP address");
	if (ip->af != af)
		return fail(rw, -EAFNOSUPPORT,
			    "c= address family is not the realm's");
	*zero = !memcmp(&ip->u, any, ip->af == AF_INET ? 4 : 16);
	return 0;
}

static enum b2b_sdp_kind classify(const sdp_media_t *m, bool *savp,
				  bool *avpf)
{
	const char *p = m->m_proto_name ? m->m_proto_name : "";

	*savp = !strcasecmp(p, "RTP/SAVP") || !strcasecmp(p, "RTP/SAVPF");
	*avpf = !strcasecmp(p, "RTP/AVPF") || !strcasecmp(p, "RTP/SAVPF");
	if (*savp || *avpf || !strcasecmp(p, "RTP/AVP"))
		return B2B_SDP_RTP;
	if (m->m_type == sdp_media_image && !strcasecmp(p, "udptl"))
		return B2B_SDP_UDPTL;
	if (m->m_type == sdp_media_message &&
	    (!strcasecmp(p, "TCP/MSRP") || !strcasecmp(p, "TCP/TLS/MSRP")))
		return B2B_SDP_MSRP;
	return B2B_SDP_NONE;
}

/* a=rtcp:<port> [IN IP4|IP6 <addr>] (RFC 3605 section 2.1) */
static int rtcp_attr(struct rw *rw, const char *v, struct cfg_ip *ip,
		     uint16_t *port)
{
	char net[4], type[4], addr[INET6_ADDRSTRLEN];
	unsigned long p;
	char *end;
	int n;

	p = strtoul(v, &end, 10);
	if (end == v || !p || p > 65535)
		return fail(rw, -EBADMSG, "bad a=rtcp port");
	*port = (uint16_t)p;
	while (*end == ' ')
		end++;
	if (!*end)
		return 0;
	n = 0;
	if (sscanf(end, "%3s %3s %45s%n", net, type, addr, &n) != 3 ||
	    end[n] || strcmp(net, "IN") ||
	    (strcmp(type, "IP4") && strcmp(type, "IP6")))
		return fail(rw, -EBADMSG, "bad a=rtcp address");
	ip->af = type[2] == '4' ? AF_INET : AF_INET6;
	if (inet_pton(ip->af, addr, &ip->u) != 1 ||
	    ip->af != rw->st->leg[rw->from].realm->media_addrs[0].af)
		return fail(rw, -EAFNOSUPPORT, "bad a=rtcp address");
	return 0;
}

/* where the sender's RTP and RTCP go: its end of stream @s */
static int peer_of(struct rw *rw, sdp_media_t *m, struct b2b_sdp_stream *s)
{
	struct b2b_sdp_end *ex = &s->end[rw->from];
	sdp_connection_t *c = m->m_connections ? m->m_connections :
			      rw->sess->sdp_connection;
	sdp_attribute_t *rtcp = sdp_attribute_find(m->m_attributes, "rtcp");
	struct cfg_ip ip, rip;
	bool zero = false;
	uint16_t rport;
	int mode, ret;

	if (!c)
		return fail(rw, -EBADMSG, "m= line without c=");
	ret = conn_addr(rw, c, &ip, &zero);
	if (ret)
		return ret;
	mode = sdp_attribute_mode(rw->sess->sdp_attributes, sdp_sendrecv);
	mode = sdp_attribute_mode(m->m_attributes, mode);
	if (zero && (mode & sdp_recvonly)) {
		/* RFC 3264 section 8.4: do not send to it */
		mode &= sdp_sendonly;
		attrs_remove(&m->m_attributes, "sendrecv");
		attrs_remove(&m->m_attributes, "recvonly");
		ret = attr_add(rw, &m->m_attributes,
			       mode ? "sendonly" : "inactive", NULL);
		if (ret)
			return ret;
	}
	ex->dir = (enum b2b_sdp_dir)mode;
	ex->hold = mode != B2B_SDP_SENDRECV;
	if (!zero)
		b2b_sdp_endpoint(&ex->peer, &ip, (uint16_t)m->m_port);
	else if (ex->peer.family != FT_FAMILY_NONE)
		ex->peer.port = (uint16_t)m->m_port;
	ex->peer_rtcp = ex->peer;
	if (s->kind != B2B_SDP_RTP || (s->mux && !rtcp))
		return 0;
	/* RTCP's own port, also when offering mux: the answer may refuse it */
	rip = ip;
	rport = (uint16_t)(m->m_port + 1);
	if (rtcp && rtcp->a_value) {
		ret = rtcp_attr(rw, rtcp->a_value, &rip, &rport);
		if (ret)
			return ret;
	} else if (m->m_port == 65535) {
		return fail(rw, -EBADMSG, "RTP port 65535 leaves no RTCP port");
	}
	if (!zero)
		b2b_sdp_endpoint(&ex->peer_rtcp, &rip, rport);
	else
		ex->peer_rtcp.port = rport;
	return 0;
}

/* the sender's SRTP key for the stream, by its realm's policy */
static int peer_crypto(struct rw *rw, sdp_media_t *m, struct b2b_sdp_end *ex,
		       bool savp)
{
	enum cfg_srtp_policy pol = rw->st->leg[rw->from].realm->srtp;
	struct b2b_sdes best = { 0 }, c;

	if (savp && pol == CFG_SRTP_OFF)
		return fail(rw, -ENOTSUP, "SRTP offered, realm has srtp off");
	if (!savp && pol == CFG_SRTP_REQUIRED)
		return fail(rw, -ENOTSUP, "plain RTP, realm requires SRTP");
	for (sdp_attribute_t *a = m->m_attributes; savp && a; a = a->a_next) {
		bool ok = false;

		if (!attr_is(a, "crypto") ||
		    b2b_sdes_parse(a->a_value, &c, NULL))
			continue;
		if (rw->type == B2B_SDP_OFFER) {
			ok = b2b_sdes_rank(c.suite) <
			     b2b_sdes_rank(best.suite) || !best.suite;
		} else {
			for (unsigned k = 0; k < ex->n_offered && !best.suite;
			     k++)
				if (ex->offered[k].tag == c.tag &&
				    ex->offered[k].suite == c.suite) {
					ok = true;
					ex->our_key = ex->offered[k];
				}
		}
		if (ok)
			best = c;
		b2b_sdes_clear(&c);
	}
	if (savp && !best.suite)
		return fail(rw, -ENOTSUP, "no acceptable a=crypto");
	if (ex->peer_key.suite && best.suite &&
	    !b2b_sdes_equal(&ex->peer_key, &best))
		ex->rekey = true;
	if (rw->type == B2B_SDP_ANSWER) {
		if (!best.suite)
			b2b_sdes_clear(&ex->our_key);
		for (unsigned k = 0; k < B2B_SDP_OFFERED; k++)
			b2b_sdes_clear(&ex->offered[k]);
		ex->n_offered = 0;
	}
	ex->peer_key = best;
	b2b_sdes_clear(&best);
	return 0;
}

/* the SBC's keys toward the receiver, and whether it gets RTP/SAVP */
static int our_crypto(struct rw *rw, struct b2b_sdp_stream *s, bool *savp)
{
	struct b2b_sdp_end *ex = &s->end[rw->from], *ey = &s->end[rw->to];
	enum cfg_srtp_policy pol = rw->st->leg[rw->to].realm->srtp;
	int ret = 0;

	if (rw->type == B2B_SDP_ANSWER) {
		*savp = ey->peer_key.suite != FT_SUITE_NONE;
		if (!*savp) {
			b2b_sdes_clear(&ey->our_key);
			return 0;
		}
		if (ey->our_key.suite != ey->peer_key.suite || ey->rekey)
			ret = b2b_sdes_generate(&ey->our_key, ey->peer_key.tag,
						ey->peer_key.suite);
		ey->our_key.tag = ey->peer_key.tag;
		ey->rekey = false;
		return ret ? fail(rw, ret, "SRTP key generation failed") : 0;
	}
	*savp = pol == CFG_SRTP_REQUIRED ||
		(pol == CFG_SRTP_OPTIONAL && ex->peer_key.suite);
	for (unsigned k = 0; k < B2B_SDP_OFFERED; k++)
		b2b_sdes_clear(&ey->offered[k]);
	ey->n_offered = 0;
	if (!*savp)
		return 0;
	if (ey->our_key.suite && !ey->rekey) {
		ey->offered[ey->n_offered++] = ey->our_key;
		return 0;
	}
	for (unsigned k = 0; k < B2B_SDP_OFFERED && b2b_sdes_pref(k); k++) {
		ret = b2b_sdes_generate(&ey->offered[k], k + 1,
					b2b_sdes_pref(k));
		if (ret)
			return fail(rw, ret, "SRTP key generation failed");
		ey->n_offered++;
	}
	ey->rekey = false;
	return 0;
}

static int add_crypto(struct rw *rw, sdp_media_t *m, const struct b2b_sdes *c)
{
	char buf[B2B_SDES_ATTR_MAX];
	sdp_attribute_t **last;
	int ret;

	if (b2b_sdes_format(c, buf, sizeof(buf)) < 0)
		return fail(rw, -EINVAL, "SRTP key formatting failed");
	ret = attr_add(rw, &m->m_attributes, "crypto", buf);
	OPENSSL_cleanse(buf, sizeof(buf));
	if (ret)
		return ret;
	for (last = &m->m_attributes; (*last)->a_next; last = &(*last)->a_next)
		;
	secret(rw, (char *)(*last)->a_value);
	return 0;
}

/* the receiver's end gets its ports (b2b_sdp_ports_take()) */
static int ports_for(struct rw *rw, struct b2b_sdp_end *ey, bool pair)
{
	int ret = b2b_sdp_ports_take(rw->st, rw->to, ey, pair);

	if (ret)
		return fail(rw, ret, "no media port left in realm %s",
			    rw->st->leg[rw->to].realm->name);
	return 0;
}

/* stream @i is no MSRP stream (any more): its MSRP ends go */
static void msrp_drop(struct rw *rw, unsigned i)
{
	free(rw->st->msrp[i]);
	rw->st->msrp[i] = NULL;
}

/* stream @i gets port 0 on both legs: no ports, no keys */
static void stream_off(struct rw *rw, sdp_media_t *m, unsigned i)
{
	struct b2b_sdp_stream *s = &rw->st->stream[i];

	b2b_sdp_end_clear(&s->end[0]);
	b2b_sdp_end_clear(&s->end[1]);
	msrp_drop(rw, i);
	s->kind = B2B_SDP_NONE;
	s->mux = false;
	m->m_port = 0;
}

static int rtp_stream(struct rw *rw, sdp_media_t *m, struct b2b_sdp_stream *s,
		      bool savp, bool avpf)
{
	struct b2b_sdp_end *ex = &s->end[rw->from], *ey = &s->end[rw->to];
	bool out_savp, out_avpf, had_rtcp;
	int ret;

	ex->avpf = avpf;
	ret = peer_crypto(rw, m, ex, savp);
	if (ret)
		return ret;
	had_rtcp = sdp_attribute_find(m->m_attributes, "rtcp") != NULL;
	attrs_filter(rw, &m->m_attributes);
	ret = ports_for(rw, ey, rw->type == B2B_SDP_OFFER || !s->mux);
	if (!ret)
		ret = our_crypto(rw, s, &out_savp);
	if (ret)
		return ret;
	out_avpf = rw->type == B2B_SDP_OFFER ? avpf : ey->avpf;
	sdp_media_transport(m, out_savp ? (out_avpf ? "RTP/SAVPF" : "RTP/SAVP") :
				       (out_avpf ? "RTP/AVPF" : "RTP/AVP"));
	if (!s->mux)
		attrs_remove(&m->m_attributes, "rtcp-mux");
	if (had_rtcp && ey->local_rtcp) {
		const struct b2b_sdp_leg *leg = &rw->st->leg[rw->to];
		const struct cfg_ip *ip = &leg->realm->media_addrs[leg->addr];
		char v[16 + INET6_ADDRSTRLEN];

		snprintf(v, sizeof(v), "%u IN %s %s", ey->local_rtcp,
			 ip->af == AF_INET ? "IP4" : "IP6", ip->text);
		ret = attr_add(rw, &m->m_attributes, "rtcp", v);
	}
	if (rw->type == B2B_SDP_ANSWER && out_savp && !ret)
		return add_crypto(rw, m, &ey->our_key);
	for (unsigned k = 0; k < ey->n_offered && !ret; k++)
		ret = add_crypto(rw, m, &ey->offered[k]);
	return ret;
}

/*
 * TCP/MSRP or TCP/TLS/MSRP, with the relay on in both realms; an offer
 * over TLS is answered over TLS, so its sender's realm must have TLS.
 */
static bool msrp_relayed(const struct rw *rw, const sdp_media_t *m)
{
	if (!rw->st->leg[0].realm->msrp || !rw->st->leg[1].realm->msrp)
		return false;
	if (!strcasecmp(m->m_proto_name, "TCP/MSRP"))
		return true;
	return !strcasecmp(m->m_proto_name, "TCP/TLS/MSRP") &&
	       (rw->type == B2B_SDP_ANSWER ||
		b2b_msrp_realm_tls(rw->st->leg[rw->from].realm));
}

/* MSRP stream @i: the sender's path taken, the SBC's given (msrp_sdp.h) */
static int msrp_stream(struct rw *rw, sdp_media_t *m, unsigned i)
{
	struct b2b_sdp_stream *s = &rw->st->stream[i];
	struct b2b_sdp_msrp *ms;
	int ret;

	if (s->kind != B2B_SDP_MSRP) {
		/* b2b_sdp_release_diff() frees what the ends held before */
		b2b_sdp_end_clear(&s->end[0]);
		b2b_sdp_end_clear(&s->end[1]);
		msrp_drop(rw, i);
		rw->st->msrp[i] = calloc(1, sizeof(*rw->st->msrp[i]));
		if (!rw->st->msrp[i])
			return fail(rw, -ENOMEM, "out of memory");
		s->kind = B2B_SDP_MSRP;
		s->mux = false;
	}
	ms = rw->st->msrp[i];
	ret = b2b_msrp_take(&ms->end[rw->from], m, rw->err, rw->errlen);
	if (ret)
		return ret;
	m->m_connections = NULL;
	attrs_filter(rw, &m->m_attributes);
	return b2b_msrp_give(&ms->end[rw->to], &ms->end[rw->from], m,
			     rw->st->leg[rw->to].realm,
			     rw->type == B2B_SDP_ANSWER, rw->home, rw->err,
			     rw->errlen);
}

static int stream(struct rw *rw, sdp_media_t *m, unsigned i)
{
	struct b2b_sdp_stream *s = &rw->st->stream[i];
	enum b2b_sdp_kind kind;
	bool savp, avpf;
	int ret;

	if (m->m_number_of_ports > 1)
		return fail(rw, -ENOTSUP, "m= line %u: port counts not supported",
			    i + 1);
	if (m->m_port > 65535)
		return fail(rw, -EBADMSG, "m= line %u: port over 65535", i + 1);
	kind = m->m_port ? classify(m, &savp, &avpf) : B2B_SDP_NONE;
	if (rw->type == B2B_SDP_ANSWER && kind != s->kind &&
	    kind != B2B_SDP_NONE)
		return fail(rw, -EPROTO, "m= line %u: answer does not match offer",
			    i + 1);
	for (sdp_attribute_t *a = m->m_attributes; a; a = a->a_next)
		if (attr_is(a, "crypto"))
			secret(rw, (char *)a->a_value);
	m->m_key = NULL;
	if (kind == B2B_SDP_MSRP && !msrp_relayed(rw, m))
		kind = B2B_SDP_NONE;
	if (kind == B2B_SDP_NONE) {
		m->m_connections = NULL;
		stream_off(rw, m, i);
		attrs_filter(rw, &m->m_attributes);
		return 0;
	}
	if (kind == B2B_SDP_MSRP)
		return msrp_stream(rw, m, i);
	if (kind != s->kind) {
		for (int e = 0; e < 2; e++) {
			b2b_sdes_clear(&s->end[e].peer_key);
			b2b_sdes_clear(&s->end[e].our_key);
		}
		msrp_drop(rw, i);
		s->kind = kind;
	}
	if (kind == B2B_SDP_RTP && rw->type == B2B_SDP_OFFER)
		s->mux = has_attr(m->m_attributes, "rtcp-mux");
	else if (kind == B2B_SDP_RTP)
		s->mux = s->mux && has_attr(m->m_attributes, "rtcp-mux");
	else
		s->mux = false;
	ret = peer_of(rw, m, s);
	if (ret)
		return ret;
	m->m_connections = NULL;
	if (kind == B2B_SDP_RTP) {
		ret = rtp_stream(rw, m, s, savp, avpf);
	} else {
		attrs_filter(rw, &m->m_attributes);
		ret = ports_for(rw, &s->end[rw->to], false);
	}
	m->m_port = s->end[rw->to].local.port;
	return ret;
}

static void addr_note(struct rw *rw, const sdp_connection_t *c)
{
	for (; c; c = c->c_next)
		if (c->c_address && strlen(c->c_address) > 2 &&
		    strcmp(c->c_address, "0.0.0.0") && rw->n_addrs < ADDRS_MAX)
			rw->addrs[rw->n_addrs++] = c->c_address;
}

/* session level: o=, c=, no k=, attributes filtered */
static int session(struct rw *rw)
{
	const struct b2b_sdp_leg *leg = &rw->st->leg[rw->to];
	const struct cfg_ip *ip = &leg->realm->media_addrs[leg->addr];
	struct b2b_sdp_origin *org = &rw->st->origin[rw->to];
	sdp_session_t *sess = rw->sess;
	sdp_connection_t *c = su_zalloc(rw->home, sizeof(*c));
	sdp_origin_t *o = su_zalloc(rw->home, sizeof(*o));

	if (!c || !o)
		return fail(rw, -ENOMEM, "out of memory");
	c->c_size = sizeof(*c);
	c->c_nettype = sdp_net_in;
	c->c_addrtype = ip->af == AF_INET ? sdp_addr_ip4 : sdp_addr_ip6;
	c->c_address = ip->text;
	o->o_size = sizeof(*o);
	o->o_username = "-";
	o->o_id = org->set ? org->id : sess->sdp_origin->o_id;
	o->o_version = org->set ? org->version :
				  sess->sdp_origin->o_version;
	o->o_address = c;
	sess->sdp_origin = o;
	sess->sdp_connection = c;
	sess->sdp_key = NULL;
	attrs_filter(rw, &sess->sdp_attributes);
	return 0;
}

/* FNV-1a of @text without its o= line: what o= versions follow */
static uint64_t body_hash(const char *text)
{
	uint64_t h = 14695981039346656037ULL;
	bool skip = false, bol = true;

	for (const char *p = text; *p; p++) {
		if (bol)
			skip = p[0] == 'o' && p[1] == '=';
		bol = *p == '\n';
		if (skip)
			continue;
		h = (h ^ (uint8_t)*p) * 1099511628211ULL;
	}
	return h;
}

/* print the session into @home; bump the o= version when the body changed */
static int print(struct rw *rw, su_home_t *home, char **out)
{
	struct b2b_sdp_origin *org = &rw->st->origin[rw->to];

	for (int pass = 0; pass < 2; pass++) {
		sdp_printer_t *pr = sdp_print(rw->home, rw->sess, NULL, 0,
					      sdp_f_mode_manual);
		const char *msg = pr ? sdp_message(pr) : NULL;
		size_t len = msg ? (size_t)sdp_message_size(pr) : 0;
		uint64_t h = msg ? body_hash(msg) : 0;
		int ret = 0;

		if (!msg) {
			ret = fail(rw, pr ? -EBADMSG : -ENOMEM,
				   "cannot print SDP: %s",
				   pr ? sdp_printing_error(pr) : "no memory");
		} else if (pass == 0 && org->set && h != org->hash) {
			rw->sess->sdp_origin->o_version = ++org->version;
		} else {
			*out = su_alloc(home, len + 1);
			if (*out) {
				memcpy(*out, msg, len);
				(*out)[len] = '\0';
			} else {
				ret = fail(rw, -ENOMEM, "out of memory");
			}
			org->id = rw->sess->sdp_origin->o_id;
			org->version = rw->sess->sdp_origin->o_version;
			org->hash = h;
			org->set = true;
			pass = 2;
		}
		if (msg)
			OPENSSL_cleanse((char *)msg, len);
		sdp_printer_free(pr);
		if (ret)
			return ret;
	}
	return 0;
}

/* parse, copy @st, rewrite every stream and the session, print */
static int rewrite(struct rw *rw, const struct b2b_sdp_state *st,
		   const char *body, size_t len, su_home_t *home, char **out)
{
	sdp_parser_t *p;
	unsigned n = 0, i = 0;
	int ret;

	ret = b2b_sdp_syntax_check(body, len, rw->err, rw->errlen);
	if (ret)
		return ret;
	p = sdp_parse(rw->home, body, (issize_t)len, sdp_f_mode_manual);
	rw->sess = sdp_session(p);
	if (!rw->sess) {
		ret = fail(rw, p ? -EBADMSG : -ENOMEM, "bad SDP: %s",
			   p ? sdp_parsing_error(p) : "no memory");
		sdp_parser_free(p);
		return ret;
	}
	for (sdp_media_t *m = rw->sess->sdp_media; m; m = m->m_next)
		n++;
	if (n > B2B_SDP_MAX_STREAMS)
		ret = fail(rw, -E2BIG, "%u m= lines, at most %u", n,
			   B2B_SDP_MAX_STREAMS);
	else if (rw->type == B2B_SDP_ANSWER && n != st->n_streams)
		ret = fail(rw, -EPROTO, "answer has %u m= lines, offer %u", n,
			   st->n_streams);
	else if (n < st->n_streams)
		ret = fail(rw, -EPROTO, "offer removes m= lines (%u, was %u)",
			   n, st->n_streams);
	else if (!rw->sess->sdp_origin)
		ret = fail(rw, -EBADMSG, "no o= line");
	else if (b2b_sdp_state_copy(&rw->copy, st, n))
		ret = fail(rw, -ENOMEM, "out of memory");
	if (!ret) {
		rw->st = &rw->copy;
		if (rw->sess->sdp_origin->o_address)
			addr_note(rw, rw->sess->sdp_origin->o_address);
		addr_note(rw, rw->sess->sdp_connection);
		for (sdp_media_t *m = rw->sess->sdp_media; m; m = m->m_next)
			addr_note(rw, m->m_connections);
	}
	for (sdp_media_t *m = rw->sess->sdp_media; m && !ret; m = m->m_next)
		ret = stream(rw, m, i++);
	if (!ret)
		ret = session(rw);
	if (!ret)
		ret = print(rw, home, out);
	for (unsigned k = 0; k < rw->n_secrets; k++)
		OPENSSL_cleanse(rw->secrets[k], strlen(rw->secrets[k]));
	sdp_parser_free(p);
	return ret;
}

int b2b_sdp_rewrite(struct b2b_sdp_state *st, enum b2b_sdp_side from,
		    enum b2b_sdp_type type, const char *body, size_t len,
		    su_home_t *home, char **out, char *err, size_t errlen)
{
	struct rw rw = {
		.from = from, .to = !from, .type = type,
		.err = err, .errlen = errlen,
	};
	int ret;

	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	if ((from != B2B_SDP_A && from != B2B_SDP_B) ||
	    (type != B2B_SDP_OFFER && type != B2B_SDP_ANSWER) || !body)
		return fail(&rw, -EINVAL, "bad arguments");
	if (len > B2B_SDP_BODY_MAX)
		return fail(&rw, -EMSGSIZE, "SDP of %zu bytes, at most %u",
			    len, B2B_SDP_BODY_MAX);
	if (type == B2B_SDP_ANSWER && st->offerer != rw.to)
		return fail(&rw, -EPROTO, "answer without an offer");
	rw.home = su_home_new(sizeof(su_home_t));
	if (!rw.home)
		ret = fail(&rw, -ENOMEM, "out of memory");
	else
		ret = rewrite(&rw, st, body, len, home, out);
	if (ret) {
		/* the copy's streams, if it was made */
		b2b_sdp_release_diff(&rw.copy, st);
		b2b_sdp_streams_free(&rw.copy);
	} else {
		if (type == B2B_SDP_OFFER)
			rw.copy.offerer = from;
		b2b_sdp_release_diff(st, &rw.copy);
		b2b_sdp_streams_free(st);
		*st = rw.copy;
	}
	OPENSSL_cleanse(&rw.copy, sizeof(rw.copy));
	su_home_unref(rw.home);
	return ret;
}

