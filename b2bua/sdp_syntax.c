/*
 * The SDP body's line syntax, checked before Sofia-SIP's parser sees it
 * (see sdp_syntax.h for why).  Hand-written because it guards the library
 * parser rather than replacing it: it only accepts or refuses.
 */
#include "sdp_syntax.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int fail(char *err, size_t errlen, int ret, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t errlen, int ret, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return ret;
}

/* RFC 8866 section 9 token-char */
static bool token_char(unsigned char c)
{
	return c == '!' || (c >= '#' && c <= '\'') || c == '*' || c == '+' ||
	       c == '-' || c == '.' || (c >= '0' && c <= '9') ||
	       (c >= 'A' && c <= 'Z') || (c >= '^' && c <= '~');
}

/* a run of token chars (or '/' and digits, as @extra allows); its end */
static const char *span(const char *p, const char *end, const char *extra)
{
	while (p < end && (token_char((unsigned char)*p) ||
			   (*p && strchr(extra, *p))))
		p++;
	return p;
}

/*
 * m=<media> <port>[/<number>] <proto> <fmt> ... (RFC 8866 section 5.14),
 * checked before Sofia-SIP sees it: 1.12.11 allocates without end on a
 * format such as "a::b"
 */
static bool m_line_ok(const char *p, const char *end)
{
	const char *q = span(p, end, "");

	if (q == p || q == end || *q != ' ')
		return false;
	p = q + 1;
	q = p;
	while (q < end && ((*q >= '0' && *q <= '9') || *q == '/'))
		q++;
	if (q == p || q == end || *q != ' ')
		return false;
	p = q + 1;
	q = span(p, end, "/");
	if (q == p || q == end || *q != ' ')
		return false;
	while (q < end) {
		if (*q != ' ')
			return false;
		p = q + 1;
		q = span(p, end, "");
		if (q == p)
			return false;
	}
	return true;
}

int b2b_sdp_syntax_check(const char *body, size_t len, char *err,
			 size_t errlen)
{
	unsigned line = 1;
	size_t start = 0;
	char type = 'v';

	if (len < 3 || memcmp(body, "v=0", 3))
		return fail(err, errlen, -EBADMSG, "SDP does not start with v=0");
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)body[i];

		if (c == '\n') {
			if (type == 'm' && !m_line_ok(body + start + 2,
						     body + i - (body[i - 1] == '\r')))
				return fail(err, errlen, -EBADMSG, "line %u: bad m= line",
					    line);
			line++;
			start = i + 1;
			type = 0;
			continue;
		}
		if (c == '\r' && (i + 1 == len || body[i + 1] == '\n'))
			continue;
		if (i == start)
			type = (char)c;
		if ((i == start && !(c >= 'a' && c <= 'z')) ||
		    (i == start + 1 && c != '='))
			return fail(err, errlen, -EBADMSG, "line %u: not <type>=<value>",
				    line);
		if (c < 0x20 && c != '\t')
			return fail(err, errlen, -EBADMSG,
				    "line %u: control character", line);
		if (c > 0x7e && !strchr("siuepa", type))
			return fail(err, errlen, -EBADMSG, "line %u: not ASCII", line);
	}
	if (len - start == 1 || (type == 'm' && start < len &&
				 !m_line_ok(body + start + 2, body + len)))
		return fail(err, errlen, -EBADMSG, "line %u: truncated", line);
	return 0;
}
