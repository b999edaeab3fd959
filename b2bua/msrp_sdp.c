/*
 * MSRP streams in SDP (RFC 4975 section 8, RFC 6135 a=setup): the peer's
 * a=path taken, the SBC's own given per leg, the connection roles decided.
 * See msrp_sdp.h.
 */
#include "msrp_sdp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "msrp_parse.h"

#define ID_RANDOM 12		/* bytes: 16 characters of base64 */
#define MSRP_DEFAULT_PORT 2855	/* RFC 4975 section 6.2 */

static int fail(char *err, size_t len, int ret, const char *what)
{
	if (err && len)
		snprintf(err, len, "m=message: %s", what);
	return ret;
}

static const sdp_attribute_t *attr(const sdp_media_t *m, const char *name)
{
	for (const sdp_attribute_t *a = m->m_attributes; a; a = a->a_next)
		if (a->a_name && !strcasecmp(a->a_name, name))
			return a;
	return NULL;
}

/*
 * The peer's certificate fingerprint (RFC 8122 section 5): media-level
 * a=fingerprint lines, else session-level ones; of those, one of the
 * strongest hash the SBC takes.  FT_FP_NONE without any.
 */
static int fingerprint_of(const sdp_media_t *m, struct dp_msrp_fp *fp,
			  char *err, size_t errlen)
{
	const sdp_attribute_t *list = m->m_attributes;
	bool seen = false;

	memset(fp, 0, sizeof(*fp));
	if (!attr(m, "fingerprint") && m->m_session)
		list = m->m_session->sdp_attributes;
	for (const sdp_attribute_t *a = list; a; a = a->a_next) {
		struct dp_msrp_fp one;
		int ret;

		if (!a->a_name || strcasecmp(a->a_name, "fingerprint"))
			continue;
		seen = true;
		ret = a->a_value ? dp_msrp_fp_parse(a->a_value,
						    strlen(a->a_value), &one) :
				   -EBADMSG;
		if (ret == -EBADMSG)
			return fail(err, errlen, ret, "malformed a=fingerprint");
		if (!ret && dp_msrp_fp_stronger(one.hash, fp->hash))
			*fp = one;
	}
	if (seen && fp->hash == FT_FP_NONE)
		return fail(err, errlen, -ENOTSUP, "a=fingerprint of no hash "
			    "the SBC takes (sha-1, sha-2)");
	return 0;
}

static enum b2b_msrp_setup setup_of(const sdp_media_t *m)
{
	const sdp_attribute_t *a = attr(m, "setup");
	const char *v = a ? a->a_value : NULL;

	if (!a)
		return B2B_MSRP_SETUP_NONE;
	if (v && !strcasecmp(v, "active"))
		return B2B_MSRP_SETUP_ACTIVE;
	if (v && !strcasecmp(v, "passive"))
		return B2B_MSRP_SETUP_PASSIVE;
	if (v && !strcasecmp(v, "actpass"))
		return B2B_MSRP_SETUP_ACTPASS;
	return B2B_MSRP_SETUP_OTHER;
}

/* the IP literal of @u as an endpoint; family NONE for a host name */
static void hop_of(const struct dp_msrp_uri *u, struct ft_endpoint *ep)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *h = u->host.s;
	size_t len = u->host.len;

	memset(ep, 0, sizeof(*ep));
	if (len >= 2 && h[0] == '[') {
		h++;
		len -= 2;
	}
	if (len >= sizeof(host))
		return;
	memcpy(host, h, len);
	host[len] = '\0';
	if (inet_pton(AF_INET, host, ep->addr) == 1)
		ep->family = FT_FAMILY_IPV4;
	else if (inet_pton(AF_INET6, host, ep->addr) == 1)
		ep->family = FT_FAMILY_IPV6;
	else
		return;
	ep->port = u->port ? u->port : MSRP_DEFAULT_PORT;
}

int b2b_msrp_take(struct b2b_msrp_end *end, const sdp_media_t *m, char *err,
		  size_t errlen)
{
	const sdp_attribute_t *a = attr(m, "path");
	struct dp_msrp_str path, uri;
	struct dp_msrp_uri u;
	const char *p, *e;
	bool first = true;

	if (!a || !a->a_value)
		return fail(err, errlen, -EBADMSG, "no a=path");
	for (p = a->a_value; *p == ' '; p++)
		;
	for (e = p + strlen(p); e > p && e[-1] == ' '; e--)
		;
	path = (struct dp_msrp_str){ p, (size_t)(e - p) };
	if (!path.len)
		return fail(err, errlen, -EBADMSG, "empty a=path");
	if (path.len > FT_MSRP_PATH_MAX)
		return fail(err, errlen, -ENOTSUP, "a=path too long");
	/* RFC 4975 section 8.2: every URI of the path, nearest first */
	while (dp_msrp_path_first(&path, &uri) == 0) {
		/* RFC 4975 section 14: msrps: is MSRP over TLS over TCP */
		if (dp_msrp_uri_parse(uri.s, uri.len, &u) < 0 ||
		    u.transport.len != 3 ||
		    strncasecmp(u.transport.s, "tcp", 3))
			return fail(err, errlen, -EBADMSG,
				    "a=path is not MSRP over TCP");
		if (first) {
			hop_of(&u, &end->hop);
			end->peer_tls = u.secure;
		}
		first = false;
		path.len -= (size_t)(uri.s + uri.len - path.s);
		path.s = uri.s + uri.len;
	}
	memset(&end->peer_fp, 0, sizeof(end->peer_fp));
	/* RFC 4975 section 14.1: the certificate a TLS peer presents */
	if (end->peer_tls) {
		int ret = fingerprint_of(m, &end->peer_fp, err, errlen);

		if (ret)
			return ret;
	}
	memset(end->path, 0, sizeof(end->path));
	memcpy(end->path, p, (size_t)(e - p));
	end->setup = setup_of(m);
	return 0;
}

static int attr_add(sdp_media_t *m, su_home_t *home, const char *name,
		    const char *value)
{
	sdp_attribute_t *a = su_zalloc(home, sizeof(*a)), **list;

	if (!a)
		return -ENOMEM;
	a->a_size = sizeof(*a);
	a->a_name = name;
	a->a_value = su_strdup(home, value);
	if (!a->a_value)
		return -ENOMEM;
	for (list = &m->m_attributes; *list; list = &(*list)->a_next)
		;
	*list = a;
	return 0;
}

/* 96 random bits in base64url: RFC 4975 section 14.1 wants them unguessable */
static int new_id(char id[FT_MSRP_ID_MAX + 1])
{
	unsigned char raw[ID_RANDOM], b64[FT_MSRP_ID_MAX + 4];

	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return -EIO;
	EVP_EncodeBlock(b64, raw, sizeof(raw));
	for (unsigned i = 0; i < FT_MSRP_ID_MAX; i++)
		id[i] = b64[i] == '+' ? '-' : b64[i] == '/' ? '_' :
			(char)b64[i];
	id[FT_MSRP_ID_MAX] = '\0';
	return 0;
}

/* a=fingerprint of the certificate the relay presents toward @to */
static int our_fingerprint(struct b2b_msrp_end *to, sdp_media_t *m,
			   const struct cfg_realm *realm, su_home_t *home,
			   char *err, size_t errlen)
{
	char text[DP_MSRP_FP_TEXT_MAX];

	if (to->our_fp.hash == FT_FP_NONE &&
	    dp_msrp_fp_file(realm->tls_cert, FT_FP_SHA256, &to->our_fp) < 0)
		return fail(err, errlen, -EIO, "no certificate in the realm's "
			    "tls_cert for a=fingerprint");
	if (dp_msrp_fp_print(&to->our_fp, text, sizeof(text)) < 0)
		return fail(err, errlen, -EIO, "a=fingerprint not printed");
	return attr_add(m, home, "fingerprint", text);
}

int b2b_msrp_give(struct b2b_msrp_end *to, struct b2b_msrp_end *from,
		  sdp_media_t *m, const struct cfg_realm *realm, bool answer,
		  su_home_t *home, char *err, size_t errlen)
{
	const struct cfg_ip *ip = &realm->msrp_addr;
	bool v6 = ip->af == AF_INET6;
	sdp_connection_t *c = su_zalloc(home, sizeof(*c));
	char path[24 + INET6_ADDRSTRLEN + FT_MSRP_ID_MAX];
	uint16_t port;
	int ret;

	if (!c)
		return fail(err, errlen, -ENOMEM, "out of memory");
	if (!to->id[0] && new_id(to->id) < 0)
		return fail(err, errlen, -EIO, "no random session-id");
	/*
	 * An answer goes back in the proto its receiver offered; an offer
	 * keeps TLS where the receiver's realm has it (RFC 4975 section 14).
	 */
	if (answer)
		to->tls = to->peer_tls;
	else
		to->tls = m->m_proto_name &&
			  !strcasecmp(m->m_proto_name, "TCP/TLS/MSRP") &&
			  b2b_msrp_realm_tls(realm);
	port = to->tls ? realm->msrp_tls_port : realm->msrp_port;
	sdp_media_transport(m, to->tls ? "TCP/TLS/MSRP" : "TCP/MSRP");
	memset(&to->local, 0, sizeof(to->local));
	to->local.family = v6 ? FT_FAMILY_IPV6 : FT_FAMILY_IPV4;
	memcpy(to->local.addr, &ip->u, v6 ? 16 : 4);
	to->local.port = port;
	snprintf(path, sizeof(path), "%s://%s%s%s:%u/%s;tcp",
		 to->tls ? "msrps" : "msrp", v6 ? "[" : "", ip->text,
		 v6 ? "]" : "", port, to->id);
	ret = attr_add(m, home, "path", path);
	if (!ret && to->tls)
		ret = our_fingerprint(to, m, realm, home, err, errlen);
	if (ret == -EIO)
		return ret;
	if (!ret && answer) {
		/*
		 * @from answered, @to offered.  RFC 6135 section 4: the
		 * answerer's a=setup decides; without one, RFC 4975 section
		 * 5.4: the offerer (the SBC toward @from) connects.
		 */
		from->active = from->setup != B2B_MSRP_SETUP_ACTIVE;
		to->active = to->setup == B2B_MSRP_SETUP_PASSIVE;
		if ((from->active && from->hop.family == FT_FAMILY_NONE) ||
		    (to->active && to->hop.family == FT_FAMILY_NONE))
			return fail(err, errlen, -ENOTSUP, "the SBC must "
				    "connect to an a=path without an IP "
				    "address");
		if (to->setup != B2B_MSRP_SETUP_NONE)
			ret = attr_add(m, home, "setup",
				       to->active ? "active" : "passive");
	} else if (!ret) {
		ret = attr_add(m, home, "setup", "actpass");
	}
	if (ret)
		return fail(err, errlen, ret, "out of memory");
	c->c_size = sizeof(*c);
	c->c_nettype = sdp_net_in;
	c->c_addrtype = v6 ? sdp_addr_ip6 : sdp_addr_ip4;
	c->c_address = (char *)ip->text;
	m->m_connections = c;
	m->m_port = port;
	return 0;
}

bool b2b_msrp_realm_tls(const struct cfg_realm *realm)
{
	return realm->tls_cert[0] && realm->tls_key[0];
}

bool b2b_msrp_flow(const struct b2b_msrp_end *end, struct ft_flow *f)
{
	size_t id_len = strlen(end->id), path_len = strlen(end->path);

	memset(f, 0, sizeof(*f));
	if (!id_len || !path_len || !end->local.port)
		return false;
	f->kind = FT_KIND_MSRP;
	f->pair = FT_NO_SLOT;
	f->local = end->local;
	f->msrp.flags = (end->active ? FT_MSRP_ACTIVE : 0) |
			(end->tls ? FT_MSRP_TLS : 0);
	if (end->active)
		f->msrp.peer = end->hop;
	f->msrp.id_len = (uint8_t)id_len;
	memcpy(f->msrp.id, end->id, id_len);
	f->msrp.path_len = (uint8_t)path_len;
	memcpy(f->msrp.path, end->path, path_len);
	f->msrp.fp_hash = end->peer_fp.hash;
	memcpy(f->msrp.fp, end->peer_fp.d, end->peer_fp.len);
	return true;
}
