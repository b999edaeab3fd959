/*
 * Refer-To and sipfrag rewriting for REFER relayed across the B2BUA (see
 * refer.h).  Sofia-SIP parses the Refer-To; what is sent is rebuilt from
 * the user part alone.
 */
#include "refer.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sofia-sip/sip_header.h>
#include <sofia-sip/su_alloc.h>

/*
 * RFC 3261 section 25.1: user = 1*( unreserved / escaped / user-unreserved ),
 * with escaped as '%' HEX HEX (checked below).
 */
static const char user_chars[] =
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	"-_.!~*'()" "&=+$,;?/" "%";

static int user_ok(const char *user)
{
	size_t n = strlen(user);

	if (!n || strspn(user, user_chars) != n)
		return 0;
	for (const char *p = strchr(user, '%'); p; p = strchr(p + 1, '%'))
		if (!isxdigit((unsigned char)p[1]) ||
		    !isxdigit((unsigned char)p[2]))
			return 0;
	return 1;
}

int b2b_refer_to_rewrite(const char *in, const char *host, unsigned port,
			 char *out, size_t len)
{
	su_home_t home[1] = { SU_HOME_INIT(home) };
	sip_refer_to_t *r;
	const url_t *u;
	const char *user = NULL;
	char portbuf[8] = "";
	int n, rc = 0;

	r = in ? sip_refer_to_make(home, in) : NULL;
	if (!r || !r->r_url->url_type) {
		rc = -EINVAL;
		goto out;
	}
	u = r->r_url;
	switch (u->url_type) {
	case url_sip:
	case url_sips:
		user = u->url_user;
		break;
	case url_tel:
		/* tel:NUMBER carries the number where a host would be */
		user = u->url_user ? u->url_user : u->url_host;
		break;
	default:
		rc = -EPROTONOSUPPORT;
		goto out;
	}
	if (user && !user_ok(user)) {
		rc = -EINVAL;
		goto out;
	}
	if (port)
		snprintf(portbuf, sizeof(portbuf), ":%u", port & 0xffff);
	n = snprintf(out, len, "<sip:%s%s%s%s>", user ? user : "",
		     user ? "@" : "", host, portbuf);
	if (n < 0 || (size_t)n >= len)
		rc = -ENOSPC;
out:
	su_home_deinit(home);
	return rc;
}

int b2b_sipfrag_status(const char *body, size_t n, char *out, size_t len)
{
	static const char prefix[] = "SIP/2.0 ";
	size_t p = sizeof(prefix) - 1, end;
	int status = 0;

	if (!body || n < p + 3 || memcmp(body, prefix, p))
		return -EINVAL;
	for (size_t i = p; i < p + 3; i++) {
		if (body[i] < '0' || body[i] > '9')
			return -EINVAL;
		status = status * 10 + (body[i] - '0');
	}
	if (status < 100 || status > 699 || (n > p + 3 && body[p + 3] != ' ' &&
					     body[p + 3] != '\r'))
		return -EINVAL;
	/* the reason phrase: printable text up to the end of the line */
	for (end = p + 3; end < n && body[end] != '\r' && body[end] != '\n';
	     end++)
		if ((unsigned char)body[end] < 0x20 || body[end] == 0x7f)
			return -EINVAL;
	if (end + 3 > len)
		return -ENOSPC;
	memcpy(out, body, end);
	memcpy(out + end, "\r\n", 3);
	return status;
}
