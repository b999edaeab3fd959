/*
 * MSRP framing (RFC 4975 section 9, the formal syntax): one message parsed
 * in place from the start of a buffer, and printed again with other paths.
 * See msrp_parse.h.  libc only: sbcd links it for a=path URIs.
 */
#include "msrp_parse.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

/* strchr() for a byte of @set, never matching NUL */
static bool one_of(char c, const char *set)
{
	return c && strchr(set, c);
}

static const char *find_crlf(const char *p, const char *end)
{
	for (; p + 1 < end; p++)
		if (p[0] == '\r' && p[1] == '\n')
			return p;
	return NULL;
}

static bool alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

static bool digit(char c)
{
	return c >= '0' && c <= '9';
}

/* ident = ALPHANUM 3*31ident-char; ident-char = ALPHANUM / . - + % = */
static bool ident_ok(const char *s, size_t len)
{
	if (len < 4 || len > DP_MSRP_TID_MAX || !alnum(s[0]))
		return false;
	for (size_t i = 1; i < len; i++)
		if (!alnum(s[i]) && !one_of(s[i], ".-+%="))
			return false;
	return true;
}

/* hname = ALPHA *token (RFC 4975 section 9, token as in RFC 3261) */
static bool hname_ok(const char *s, size_t len)
{
	if (!len || !((s[0] >= 'a' && s[0] <= 'z') ||
		      (s[0] >= 'A' && s[0] <= 'Z')))
		return false;
	for (size_t i = 1; i < len; i++)
		if (!alnum(s[i]) && !one_of(s[i], "-.!%*_+`'~"))
			return false;
	return true;
}

/* "MSRP" SP tid SP (method | status [SP comment]), no CRLF */
static int start_line(const char *s, size_t len, struct dp_msrp_msg *m)
{
	const char *end = s + len, *p, *sp;

	if (len < 5 || memcmp(s, "MSRP ", 5))
		return -EBADMSG;
	p = s + 5;
	sp = memchr(p, ' ', (size_t)(end - p));
	if (!sp || !ident_ok(p, (size_t)(sp - p)))
		return -EBADMSG;
	m->tid = (struct dp_msrp_str){ p, (size_t)(sp - p) };
	p = sp + 1;
	if (p + 3 <= end && digit(p[0]) && digit(p[1]) && digit(p[2]) &&
	    (p + 3 == end || p[3] == ' ')) {
		m->request = false;
		m->status = (unsigned)((p[0] - '0') * 100 + (p[1] - '0') * 10 +
				       (p[2] - '0'));
		if (m->status < 100)
			return -EBADMSG;
		for (p += 3; p < end; p++)
			if ((unsigned char)*p < ' ' && *p != '\t')
				return -EBADMSG;
		return 0;
	}
	m->request = true;
	m->method = (struct dp_msrp_str){ p, (size_t)(end - p) };
	if (p == end)
		return -EBADMSG;
	for (; p < end; p++)
		if (*p < 'A' || *p > 'Z')
			return -EBADMSG;
	return 0;
}

/* "name: value" into the next header slot */
static int header(const char *s, size_t len, struct dp_msrp_msg *m)
{
	const char *colon = memchr(s, ':', len), *v, *e = s + len;
	struct dp_msrp_header *h;

	if (!colon || !hname_ok(s, (size_t)(colon - s)))
		return -EBADMSG;
	if (m->n_hdr == DP_MSRP_HEADERS)
		return -EMSGSIZE;
	for (v = colon + 1; v < e && (*v == ' ' || *v == '\t'); v++)
		;
	while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	for (const char *p = v; p < e; p++)
		if ((unsigned char)*p < ' ' && *p != '\t')
			return -EBADMSG;
	h = &m->hdr[m->n_hdr++];
	h->name = (struct dp_msrp_str){ s, (size_t)(colon - s) };
	h->value = (struct dp_msrp_str){ v, (size_t)(e - v) };
	return 0;
}

static bool str_is(const struct dp_msrp_str *a, const char *b)
{
	return a->len == strlen(b) && !strncasecmp(a->s, b, a->len);
}

/* "-------" tid flag: the whole line, CRLF cut */
static bool end_line(const char *s, size_t len, const struct dp_msrp_msg *m,
		     char *flag)
{
	if (len != 7 + m->tid.len + 1 || memcmp(s, "-------", 7) ||
	    memcmp(s + 7, m->tid.s, m->tid.len) || !one_of(s[len - 1], "+$#"))
		return false;
	*flag = s[len - 1];
	return true;
}

/* the body from @b to the end-line: length of the message, 0, or -errno */
static long body(const char *buf, size_t len, const char *b, size_t max_body,
		 struct dp_msrp_msg *m)
{
	const char *end = buf + len, *p = b;
	char needle[9 + DP_MSRP_TID_MAX];
	size_t nlen = 9 + m->tid.len;

	memcpy(needle, "\r\n-------", 9);
	memcpy(needle + 9, m->tid.s, m->tid.len);
	for (;;) {
		const char *q = memmem(p, (size_t)(end - p), needle, nlen);

		if (!q) {
			/* not found: the body so far, less a partial needle */
			if ((size_t)(end - b) > max_body + nlen)
				return -EMSGSIZE;
			return 0;
		}
		if ((size_t)(q - b) > max_body)
			return -EMSGSIZE;
		if (q + nlen + 3 > end)
			return 0;
		if (one_of(q[nlen], "+$#") && q[nlen + 1] == '\r' &&
		    q[nlen + 2] == '\n') {
			m->has_body = true;
			m->body = (struct dp_msrp_str){ b, (size_t)(q - b) };
			m->flag = q[nlen];
			return q + nlen + 3 - buf;
		}
		/* the data held "-------tid" not followed by a flag: go on */
		p = q + 1;
	}
}

long dp_msrp_parse(const char *buf, size_t len, size_t max_body,
		   struct dp_msrp_msg *m)
{
	const char *p = buf, *eol;
	size_t head_len = len < DP_MSRP_HEAD_MAX ? len : DP_MSRP_HEAD_MAX;
	const char *head_end = buf + head_len;
	long n;
	int ret;

	memset(m, 0, sizeof(*m));
	/* refuse what is not MSRP as early as its first bytes */
	if (memcmp(buf, "MSRP ", len < 5 ? len : 5))
		return -EBADMSG;
	eol = find_crlf(p, head_end);
	if (!eol)
		return head_len == DP_MSRP_HEAD_MAX ? -EMSGSIZE : 0;
	ret = start_line(p, (size_t)(eol - p), m);
	if (ret)
		return ret;
	m->start = (struct dp_msrp_str){ p, (size_t)(eol - p) };
	for (p = eol + 2;; p = eol + 2) {
		eol = find_crlf(p, head_end);
		if (!eol)
			return head_len == DP_MSRP_HEAD_MAX ? -EMSGSIZE : 0;
		if (eol == p || end_line(p, (size_t)(eol - p), m, &m->flag))
			break;
		if ((size_t)(eol - p) >= 7 && !memcmp(p, "-------", 7))
			return -EBADMSG;	/* an end-line of another tid */
		ret = header(p, (size_t)(eol - p), m);
		if (ret)
			return ret;
	}
	/* once each: a relay that kept a second one would leak it */
	for (unsigned i = 0; i < m->n_hdr; i++) {
		struct dp_msrp_str *path =
			str_is(&m->hdr[i].name, "To-Path") ? &m->to_path :
			str_is(&m->hdr[i].name, "From-Path") ? &m->from_path :
			NULL;

		if (path && path->s)
			return -EBADMSG;
		if (path)
			*path = m->hdr[i].value;
	}
	/* RFC 4975 section 7.1: every request and response carries both */
	if (!m->to_path.len || !m->from_path.len)
		return -EBADMSG;
	if (eol != p) {
		m->len = (size_t)(eol + 2 - buf);
		return (long)m->len;
	}
	/* section 7.2: responses have no body */
	if (!m->request)
		return -EBADMSG;
	n = body(buf, len, eol + 2, max_body, m);
	if (n > 0)
		m->len = (size_t)n;
	return n;
}

const struct dp_msrp_str *dp_msrp_header(const struct dp_msrp_msg *m,
					 const char *name)
{
	for (unsigned i = 0; i < m->n_hdr; i++)
		if (str_is(&m->hdr[i].name, name))
			return &m->hdr[i].value;
	return NULL;
}

/* digits into @v without overflow; the position after them, or NULL */
static const char *number(const char *p, const char *end, uint64_t *v)
{
	const char *s = p;

	*v = 0;
	for (; p < end && digit(*p); p++) {
		if (*v > (UINT64_MAX - 9) / 10)
			return NULL;
		*v = *v * 10 + (uint64_t)(*p - '0');
	}
	return p == s ? NULL : p;
}

int dp_msrp_range_parse(const struct dp_msrp_str *v, struct dp_msrp_range *r)
{
	const char *p = v->s, *end = v->s + v->len;

	memset(r, 0, sizeof(*r));
	p = number(p, end, &r->start);
	if (!p || !r->start || p == end || *p++ != '-' || p == end)
		return -EBADMSG;
	if (*p == '*') {
		p++;
	} else {
		p = number(p, end, &r->end);
		if (!p || r->end + 1 < r->start)
			return -EBADMSG;
		r->end_known = true;
	}
	if (p == end || *p++ != '/' || p == end)
		return -EBADMSG;
	if (*p == '*') {
		p++;
	} else {
		p = number(p, end, &r->total);
		if (!p || (r->end_known && r->end > r->total))
			return -EBADMSG;
		r->total_known = true;
	}
	return p == end ? 0 : -EBADMSG;
}

/* RFC 4975 section 9: session-id = 1*( unreserved / "+" / "=" / "/" ) */
static bool session_char(char c)
{
	return alnum(c) || one_of(c, "-._~+=/");
}

int dp_msrp_uri_parse(const char *s, size_t len, struct dp_msrp_uri *u)
{
	const char *end = s + len, *p, *auth_end, *at, *h;
	uint64_t port;

	memset(u, 0, sizeof(*u));
	if (len > 7 && !strncasecmp(s, "msrp://", 7)) {
		p = s + 7;
	} else if (len > 8 && !strncasecmp(s, "msrps://", 8)) {
		p = s + 8;
		u->secure = true;
	} else {
		return -EBADMSG;
	}
	auth_end = memchr(p, '/', (size_t)(end - p));
	if (!auth_end)
		return -EBADMSG;
	at = memchr(p, '@', (size_t)(auth_end - p));
	h = at ? at + 1 : p;
	if (h < auth_end && *h == '[') {
		const char *rb = memchr(h, ']', (size_t)(auth_end - h));

		if (!rb || rb - h < 3)
			return -EBADMSG;
		for (const char *q = h + 1; q < rb; q++)
			if (!(alnum(*q) || *q == ':' || *q == '.'))
				return -EBADMSG;
		u->host = (struct dp_msrp_str){ h, (size_t)(rb + 1 - h) };
		p = rb + 1;
	} else {
		for (p = h; p < auth_end && (alnum(*p) || *p == '.' ||
					     *p == '-'); p++)
			;
		u->host = (struct dp_msrp_str){ h, (size_t)(p - h) };
	}
	if (!u->host.len)
		return -EBADMSG;
	if (p < auth_end) {
		if (*p++ != ':' || !(p = number(p, auth_end, &port)) ||
		    p != auth_end || !port || port > 65535)
			return -EBADMSG;
		u->port = (uint16_t)port;
	}
	p = auth_end + 1;
	h = p;
	while (p < end && *p != ';') {
		if (!session_char(*p))
			return -EBADMSG;
		p++;
	}
	if (p == h || p == end)
		return -EBADMSG;
	u->session_id = (struct dp_msrp_str){ h, (size_t)(p - h) };
	h = ++p;
	while (p < end && *p != ';') {
		if (!alnum(*p) && *p != '-' && *p != '.')
			return -EBADMSG;
		p++;
	}
	if (p == h)
		return -EBADMSG;
	u->transport = (struct dp_msrp_str){ h, (size_t)(p - h) };
	/* uri-parameters: kept, not interpreted */
	for (; p < end; p++)
		if ((unsigned char)*p <= ' ')
			return -EBADMSG;
	return 0;
}

int dp_msrp_path_first(const struct dp_msrp_str *path,
		       struct dp_msrp_str *first)
{
	const char *p = path->s, *end = path->s + path->len, *s;

	while (p < end && *p == ' ')
		p++;
	for (s = p; p < end && *p != ' '; p++)
		;
	if (p == s)
		return -EBADMSG;
	*first = (struct dp_msrp_str){ s, (size_t)(p - s) };
	return 0;
}

/* append @n bytes of @s at *@pos; false when out of room */
static bool put(char *out, size_t cap, size_t *pos, const void *s, size_t n)
{
	if (n > cap - *pos)
		return false;
	memcpy(out + *pos, s, n);
	*pos += n;
	return true;
}

static bool puts_(char *out, size_t cap, size_t *pos, const char *s)
{
	return put(out, cap, pos, s, strlen(s));
}

static bool put_str(char *out, size_t cap, size_t *pos,
		    const struct dp_msrp_str *s)
{
	return put(out, cap, pos, s->s, s->len);
}

/* "To-Path: ..\r\nFrom-Path: ..\r\n" */
static bool put_paths(char *out, size_t cap, size_t *pos,
		      const struct dp_msrp_str *to,
		      const struct dp_msrp_str *from)
{
	return puts_(out, cap, pos, "To-Path: ") &&
	       put_str(out, cap, pos, to) && puts_(out, cap, pos, "\r\n") &&
	       puts_(out, cap, pos, "From-Path: ") &&
	       put_str(out, cap, pos, from) && puts_(out, cap, pos, "\r\n");
}

static bool put_end(char *out, size_t cap, size_t *pos,
		    const struct dp_msrp_msg *m, char flag)
{
	return puts_(out, cap, pos, "-------") &&
	       put_str(out, cap, pos, &m->tid) &&
	       put(out, cap, pos, &flag, 1) && puts_(out, cap, pos, "\r\n");
}

long dp_msrp_print(const struct dp_msrp_msg *m, const struct dp_msrp_str *to,
		   const struct dp_msrp_str *from, char *out, size_t cap)
{
	size_t pos = 0;
	bool ok = put_str(out, cap, &pos, &m->start) &&
		  puts_(out, cap, &pos, "\r\n") &&
		  put_paths(out, cap, &pos, to, from);

	for (unsigned i = 0; ok && i < m->n_hdr; i++) {
		const struct dp_msrp_header *h = &m->hdr[i];

		if (str_is(&h->name, "To-Path") ||
		    str_is(&h->name, "From-Path"))
			continue;
		ok = put_str(out, cap, &pos, &h->name) &&
		     puts_(out, cap, &pos, ": ") &&
		     put_str(out, cap, &pos, &h->value) &&
		     puts_(out, cap, &pos, "\r\n");
	}
	if (ok && m->has_body)
		ok = puts_(out, cap, &pos, "\r\n") &&
		     put_str(out, cap, &pos, &m->body) &&
		     puts_(out, cap, &pos, "\r\n");
	ok = ok && put_end(out, cap, &pos, m, m->flag);
	return ok ? (long)pos : -ENOSPC;
}

long dp_msrp_response(const struct dp_msrp_msg *req, unsigned status,
		      const char *text, const struct dp_msrp_str *from,
		      char *out, size_t cap)
{
	char code[4] = { (char)('0' + status / 100 % 10),
			 (char)('0' + status / 10 % 10),
			 (char)('0' + status % 10), ' ' };
	size_t pos = 0;
	bool ok = puts_(out, cap, &pos, "MSRP ") &&
		  put_str(out, cap, &pos, &req->tid) &&
		  puts_(out, cap, &pos, " ") &&
		  put(out, cap, &pos, code, sizeof(code)) &&
		  puts_(out, cap, &pos, text) &&
		  puts_(out, cap, &pos, "\r\n") &&
		  put_paths(out, cap, &pos, &req->from_path, from) &&
		  put_end(out, cap, &pos, req, '$');

	return ok ? (long)pos : -ENOSPC;
}
