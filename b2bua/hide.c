/*
 * Topology hiding, header side: the allow-list of headers copied from a
 * message on one leg to the corresponding message on the other.  See
 * hide.h for the list and why it is an allow-list.
 */
#include "hide.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_tag.h>
#include <sofia-sip/su_string.h>

/* Most tags b2b_hide_tags() can produce, TAG_END included. */
#define HIDE_TAGS_MAX 12

/* Option tags that concern only the two end points (RFC 3261 section 19.2). */
static const char *const e2e_options[] = {
	"answermode",		/* RFC 5373 */
	"from-change",		/* RFC 4916 */
	"resource-priority",	/* RFC 4412 */
	NULL,
};

int b2b_hide_option_ok(const char *name)
{
	for (const char *const *o = e2e_options; *o; o++)
		if (su_casematch(name, *o))
			return 1;
	return 0;
}

/*
 * Supported and Require carry option tags (RFC 3261 sections 20.37, 20.32):
 * keep the allowed ones.  Returns NULL when none is left (or on ENOMEM).
 */
static msg_list_t *options_filter(su_home_t *home, msg_list_t const *in,
				  msg_hclass_t *hc)
{
	char buf[256];
	size_t len = 0;

	buf[0] = '\0';
	for (; in; in = in->k_next) {
		for (msg_param_t const *p = in->k_items; p && *p; p++) {
			int n;

			if (!b2b_hide_option_ok(*p))
				continue;
			n = snprintf(buf + len, sizeof(buf) - len, "%s%s",
				     len ? ", " : "", *p);
			if (n < 0 || (size_t)n >= sizeof(buf) - len)
				return NULL;
			len += (size_t)n;
		}
	}
	if (!len)
		return NULL;
	return (msg_list_t *)msg_header_make(home, hc, buf);
}

/* Append a copy of @h under @tag; a NULL @h adds nothing. */
static int add(su_home_t *home, tagi_t *tags, size_t *n, tag_type_t tag,
	       void const *h)
{
	sip_header_t *copy;

	if (!h)
		return 0;
	copy = sip_header_dup(home, (sip_header_t const *)h);
	if (!copy)
		return -ENOMEM;
	tags[*n].t_tag = tag;
	tags[*n].t_value = (tag_value_t)copy;
	(*n)++;
	return 0;
}

/* Append @h (already owned by @home) under @tag; NULL adds nothing. */
static void add_owned(tagi_t *tags, size_t *n, tag_type_t tag, void const *h)
{
	if (!h)
		return;
	tags[*n].t_tag = tag;
	tags[*n].t_value = (tag_value_t)h;
	(*n)++;
}

tagi_t *b2b_hide_tags(su_home_t *home, sip_t const *sip)
{
	tagi_t *tags = su_zalloc(home, HIDE_TAGS_MAX * sizeof(*tags));
	size_t n = 0;

	if (!tags) {
		errno = ENOMEM;
		return NULL;
	}
	if (!sip)
		return tags;
	if (add(home, tags, &n, siptag_content_type, sip->sip_content_type) ||
	    add(home, tags, &n, siptag_payload, sip->sip_payload) ||
	    add(home, tags, &n, siptag_allow, sip->sip_allow) ||
	    add(home, tags, &n, siptag_accept, sip->sip_accept) ||
	    add(home, tags, &n, siptag_retry_after, sip->sip_retry_after) ||
	    add(home, tags, &n, siptag_reason, sip->sip_reason) ||
	    add(home, tags, &n, siptag_subject, sip->sip_subject) ||
	    add(home, tags, &n, siptag_organization, sip->sip_organization)) {
		errno = ENOMEM;
		return NULL;
	}
	add_owned(tags, &n, siptag_supported,
		  options_filter(home, (msg_list_t const *)sip->sip_supported,
				 sip_supported_class));
	add_owned(tags, &n, siptag_require,
		  options_filter(home, (msg_list_t const *)sip->sip_require,
				 sip_require_class));
	tags[n].t_tag = NULL;
	return tags;
}
