/*
 * Caller-ID assertion: RFC 3325 (P-Asserted-Identity, P-Preferred-Identity,
 * trust domains: sections 5, 6, 9.1, 9.3), RFC 3323 (Privacy: sections
 * 4.1.1.3, 4.2), Remote-Party-ID (draft-ietf-sip-privacy-04, section 6)
 * and the emergency identity hierarchy.  See callerid.h for the rules.
 *
 * Sofia-SIP 1.12's default parser leaves P-Asserted-Identity,
 * P-Preferred-Identity and Remote-Party-ID as unknown headers (only
 * sip_extend_mclass() knows them), so they are looked up both ways and
 * parsed here with their own header classes.
 */
#include "callerid.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sofia-sip/hostdomain.h>
#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_extra.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_tag.h>
#include <sofia-sip/su_string.h>

#include "log.h"


/* RFC 3323 section 4.1.1.3. */
#define ANONYMOUS_FROM "\"Anonymous\" <sip:anonymous@anonymous.invalid>"

/* Values of one identity header looked at, and candidates in an emergency. */
#define VALUES_MAX 4
#define CANDIDATES_MAX (2 * VALUES_MAX + 2)

/* Longest Privacy value kept ("header;session;user;id;critical" fits). */
#define PRIVACY_MAX 64

void b2b_callerid_ingress_peer(const struct store_peer *p,
			       struct b2b_cid_ingress *in)
{
	memset(in, 0, sizeof(*in));
	in->kind = B2B_CID_PEER;
	in->trusted = p->callerid_trusted;
}

void b2b_callerid_ingress_account(const struct store_account *a,
				  struct b2b_cid_ingress *in)
{
	memset(in, 0, sizeof(*in));
	in->kind = B2B_CID_SUBSCRIBER;
	in->user = a->user;
	in->domain = a->domain;
	in->emergency_id = a->emergency_id;
}

void b2b_callerid_egress_peer(const struct store_peer *p,
			      struct b2b_cid_egress *out)
{
	out->trusted = p->callerid_trusted;
	out->rpid = !strcmp(p->pai_mode, "rpid");
}

int b2b_callerid_number(const char *in, char *out, size_t len)
{
	char d[B2B_CID_NUMBER_MAX - 1];
	bool plus = false;
	size_t n = 0;

	if (len < B2B_CID_NUMBER_MAX)
		return -ENOSPC;
	*out = '\0';
	if (!in)
		return -EINVAL;
	if (*in == '+') {
		plus = true;
		in++;
	}
	for (; *in && *in != ';'; in++) {
		if (strchr("-.()", *in))
			continue;
		if (*in < '0' || *in > '9' || n == sizeof(d) - 1)
			return -EINVAL;
		d[n++] = *in;
	}
	d[n] = '\0';
	if (!plus && (n != 11 || d[0] != '1'))
		return -EINVAL;
	if (d[0] == '1') {
		/* NANP: 1 NXX NXX XXXX. */
		if (n != 11 || d[1] < '2' || d[4] < '2')
			return -EINVAL;
	} else if (n < 7 || d[0] == '0') {
		return -EINVAL;
	}
	snprintf(out, len, "+%s", d);
	return 0;
}

/*
 * @url as an identity; false when it has no user part.  An address as
 * host is not kept (topology hiding).
 */
static bool id_of_url(const char *display, url_t const *url,
		      struct b2b_cid_id *id)
{
	const char *host = url->url_host;

	memset(id, 0, sizeof(*id));
	id->display = display && *display ? display : NULL;
	if (url->url_type == url_tel) {
		id->scheme = "tel";
		id->user = url->url_user ? url->url_user : host;
		return id->user && *id->user;
	}
	if (url->url_type != url_sip && url->url_type != url_sips)
		return false;
	id->scheme = url->url_type == url_sips ? "sips" : "sip";
	id->user = url->url_user;
	if (host && !host_is_ip_address(host) && !host_is_ip6_reference(host))
		id->host = host;
	return id->user && *id->user;
}

/* The identity in one value of header class @hc. */
static bool id_of_header(msg_header_t const *h, msg_hclass_t *hc,
			 struct b2b_cid_id *id)
{
	if (hc == sip_remote_party_id_class) {
		sip_remote_party_id_t const *r =
			(sip_remote_party_id_t const *)h;

		if (r->rpid_party && !su_casematch(r->rpid_party, "calling"))
			return false;
		return id_of_url(r->rpid_display, r->rpid_url, id);
	}
	if (hc == sip_p_preferred_identity_class) {
		sip_p_preferred_identity_t const *p =
			(sip_p_preferred_identity_t const *)h;

		return id_of_url(p->ppid_display, p->ppid_url, id);
	}
	return id_of_url(((sip_p_asserted_identity_t const *)h)->paid_display,
			 ((sip_p_asserted_identity_t const *)h)->paid_url, id);
}

/* Append the identities of the values in chain @h; returns the new count. */
static unsigned ids_add(msg_header_t const *h, msg_hclass_t *hc,
			struct b2b_cid_id *out, unsigned n, unsigned max)
{
	for (; h && n < max; h = h->sh_next)
		n += id_of_header(h, hc, &out[n]);
	return n;
}

/* Up to @max identities of header class @hc in @sip, typed or unknown. */
static unsigned ids_get(su_home_t *home, sip_t const *sip, msg_hclass_t *hc,
			struct b2b_cid_id *out, unsigned max)
{
	unsigned n = ids_add(msg_header_access((msg_pub_t const *)sip, hc),
			     hc, out, 0, max);

	for (sip_unknown_t const *u = sip->sip_unknown; u && n < max;
	     u = u->un_next)
		if (su_casematch(u->un_name, hc->hc_name))
			n = ids_add(msg_header_make(home, hc, u->un_value), hc,
				    out, n, max);
	return n;
}

/*
 * The Privacy headers (a repeated one follows in message order): flags
 * and the values joined with ';'.  A value longer than PRIVACY_MAX still
 * sets the flags but is not passed on.
 */
static int privacy_get(su_home_t *home, sip_t const *sip, struct b2b_cid *cid)
{
	char buf[PRIVACY_MAX];
	size_t len = 0;
	bool fits = true;

	for (sip_header_t const *h = (sip_header_t const *)sip->sip_privacy;
	     h; h = (sip_header_t const *)h->sh_succ) {
		msg_param_t const *v = h->sh_class == sip_privacy_class ?
			h->sh_privacy->priv_values : NULL;

		for (; v && *v; v++) {
			int n = snprintf(buf + len, sizeof(buf) - len, "%s%s",
					 len ? ";" : "", *v);

			if (n < 0 || (size_t)n >= sizeof(buf) - len)
				fits = false;
			else if (fits)
				len += (size_t)n;
			if (su_casematch(*v, "id"))
				cid->privacy_id = true;
			if (su_casematch(*v, "id") || su_casematch(*v, "user") ||
			    su_casematch(*v, "header"))
				cid->anonymous = true;
		}
	}
	if (fits && len && !(cid->privacy = su_strdup(home, buf)))
		return -ENOMEM;
	return 0;
}

static bool is_emergency(sip_t const *sip, const char *const *list)
{
	const char *user = sip->sip_request ?
		sip->sip_request->rq_url->url_user : NULL;

	for (; user && list && *list; list++)
		if (!strcmp(user, *list))
			return true;
	return false;
}

/* The account's own identity <sip:user@domain>. */
static bool account_id(const struct b2b_cid_ingress *in,
		       struct b2b_cid_id *id)
{
	memset(id, 0, sizeof(*id));
	if (in->kind != B2B_CID_SUBSCRIBER || !in->user || !*in->user)
		return false;
	id->scheme = "sip";
	id->user = in->user;
	id->host = in->domain && *in->domain ? in->domain : NULL;
	return true;
}

/* <tel:NUMBER> as the only identity; false on ENOMEM. */
static bool assert_tel(su_home_t *home, struct b2b_cid *cid,
		       const char *number)
{
	memset(cid->ids, 0, sizeof(cid->ids));
	cid->ids[0].scheme = "tel";
	cid->ids[0].user = su_strdup(home, number);
	cid->n_ids = 1;
	return cid->ids[0].user != NULL;
}

/*
 * Emergency: the first valid number of PAI (trusted peers only), PPI,
 * From, account; then the account's emergency_id; then, with a warning,
 * the first identity found.  Only a number from a trusted PAI, the account
 * or its emergency_id counts as screened.
 */
static int decide_emergency(su_home_t *home, sip_t const *sip,
			    const struct b2b_cid_ingress *in,
			    struct b2b_cid *cid)
{
	struct b2b_cid_id c[CANDIDATES_MAX];
	char num[B2B_CID_NUMBER_MAX];
	const char *user = sip->sip_request->rq_url->url_user;
	unsigned n = 0, n_pai = 0, acct;

	if (in->kind == B2B_CID_PEER && in->trusted)
		n = n_pai = ids_get(home, sip, sip_p_asserted_identity_class,
				    c, VALUES_MAX);
	n = ids_get(home, sip, sip_p_preferred_identity_class, c + n,
		    VALUES_MAX) + n;
	if (sip->sip_from)
		n += id_of_url(sip->sip_from->a_display, sip->sip_from->a_url,
			       &c[n]);
	acct = n;
	n += account_id(in, &c[n]);
	for (unsigned i = 0; i < n; i++) {
		if (b2b_callerid_number(c[i].user, num, sizeof(num)) == 0) {
			cid->screened = i < n_pai || i == acct;
			return assert_tel(home, cid, num) ? 0 : -ENOMEM;
		}
	}
	cid->screened = true;
	if (b2b_callerid_number(in->emergency_id, num, sizeof(num)) == 0)
		return assert_tel(home, cid, num) ? 0 : -ENOMEM;
	cid->screened = false;
	if (n) {
		cid->ids[0] = c[0];
		cid->n_ids = 1;
	} else if (in->emergency_id && *in->emergency_id) {
		cid->ids[0].scheme = "sip";
		cid->ids[0].user = in->emergency_id;
		cid->n_ids = 1;
	}
	log_warn("emergency call to %s: no valid caller number, "
		 "asserting %s%s", user, cid->n_ids ? "user " : "nothing",
		 cid->n_ids ? cid->ids[0].user : "");
	return 0;
}

/* Copy the strings of the identities into @home (the INVITE goes away). */
static int ids_keep(su_home_t *home, struct b2b_cid *cid)
{
	for (unsigned i = 0; i < cid->n_ids; i++) {
		struct b2b_cid_id *id = &cid->ids[i];

		if ((id->display && !(id->display = su_strdup(home, id->display))) ||
		    !(id->user = su_strdup(home, id->user)) ||
		    (id->host && !(id->host = su_strdup(home, id->host))))
			return -ENOMEM;
	}
	return 0;
}

struct b2b_cid *b2b_callerid_decide(su_home_t *home, sip_t const *sip,
				    const struct b2b_cid_ingress *in,
				    const char *const *emergency)
{
	struct b2b_cid *cid = su_zalloc(home, sizeof(*cid));
	int rc;

	if (!cid)
		goto nomem;
	if (privacy_get(home, sip, cid) < 0)
		goto nomem;
	cid->emergency = is_emergency(sip, emergency);
	if (cid->emergency) {
		rc = decide_emergency(home, sip, in, cid);
	} else if (in->kind == B2B_CID_SUBSCRIBER) {
		cid->n_ids = account_id(in, &cid->ids[0]);
		cid->screened = true;
		rc = 0;
	} else if (in->trusted) {
		cid->n_ids = ids_get(home, sip, sip_p_asserted_identity_class,
				     cid->ids, B2B_CID_IDS_MAX);
		if (!cid->n_ids)
			cid->n_ids = ids_get(home, sip,
					     sip_remote_party_id_class,
					     cid->ids, 1);
		cid->screened = true;
		rc = 0;
	} else {
		rc = 0;
	}
	if (rc == 0)
		rc = ids_keep(home, cid);
	if (rc == 0)
		return cid;
nomem:
	errno = ENOMEM;
	return NULL;
}

int b2b_callerid_from(const struct b2b_cid *cid, const char *user,
		      const char *host, char *buf, size_t len)
{
	int n;

	if (cid && cid->anonymous)
		n = snprintf(buf, len, "%s", ANONYMOUS_FROM);
	else
		n = snprintf(buf, len, "<sip:%s@%s>", user, host);
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

/* One identity as a name-addr. */
static char *id_format(su_home_t *home, const struct b2b_cid_id *id,
		       const char *host)
{
	const char *d = id->display ? id->display : "";
	const char *sp = id->display ? " " : "";

	if (!strcmp(id->scheme, "tel"))
		return su_sprintf(home, "%s%s<tel:%s>", d, sp, id->user);
	return su_sprintf(home, "%s%s<%s:%s@%s>", d, sp, id->scheme, id->user,
			  id->host ? id->host : host);
}

/* "P-Asserted-Identity: a, b" or "Remote-Party-ID: a;party=calling;...". */
static char *identity_header(su_home_t *home, const struct b2b_cid *cid,
			     const struct b2b_cid_egress *eg, const char *host)
{
	char *h, *id = id_format(home, &cid->ids[0], host);

	if (!id)
		return NULL;
	if (eg->rpid)
		return su_sprintf(home, "Remote-Party-ID: %s;party=calling;"
				  "screen=%s;privacy=%s", id,
				  cid->screened ? "yes" : "no",
				  cid->privacy_id ? "full" : "off");
	h = su_strcat(home, "P-Asserted-Identity: ", id);
	for (unsigned i = 1; h && i < cid->n_ids; i++) {
		id = id_format(home, &cid->ids[i], host);
		h = id ? su_sprintf(home, "%s, %s", h, id) : NULL;
	}
	return h;
}

tagi_t *b2b_callerid_tags(su_home_t *home, const struct b2b_cid *cid,
			  const struct b2b_cid_egress *eg, const char *host,
			  tagi_t const *next)
{
	tagi_t *tags = su_zalloc(home, 3 * sizeof(*tags));
	size_t n = 0;

	if (!tags)
		goto nomem;
	if (cid && cid->n_ids &&
	    (!cid->privacy_id || eg->trusted || cid->emergency)) {
		char *h = identity_header(home, cid, eg, host);

		if (!h)
			goto nomem;
		tags[n].t_tag = siptag_header_str;
		tags[n++].t_value = (tag_value_t)h;
	}
	if (cid && cid->privacy && eg->trusted) {
		tags[n].t_tag = siptag_privacy_str;
		tags[n++].t_value = (tag_value_t)cid->privacy;
	}
	if (next) {
		tags[n].t_tag = tag_next;
		tags[n].t_value = (tag_value_t)next;
	}
	return tags;
nomem:
	errno = ENOMEM;
	return NULL;
}
