/*
 * DOC: MSRP framing - parse and re-print one MSRP message (RFC 4975)
 *
 * The relay (msrp_relay.h) reads MSRP from a TCP byte stream: it asks
 * dp_msrp_parse() whether the bytes it holds begin with a complete
 * message, and forwards it with dp_msrp_print(), which writes the same
 * message with its To-Path and From-Path replaced.  Everything else (start
 * line, the other headers, the body, the end-line with its continuation
 * flag) is copied byte for byte, so chunked messages (RFC 4975 section
 * 5.1: '+' more chunks follow, '$' last, '#' abandoned) and their
 * Byte-Range pass unchanged.
 *
 * Parsing works in place on the caller's buffer: every string in struct
 * dp_msrp_msg points into it.  It is bounded: DP_MSRP_HEAD_MAX bytes from
 * the start line to the end of the headers, DP_MSRP_HEADERS headers, and a
 * body limit the caller gives (dataplane.msrp_max_chunk); anything larger
 * is refused before the rest of it arrives.
 *
 * sbcd links this file too (libc only), for dp_msrp_uri_parse() on the
 * a=path of an SDP.
 */
#ifndef SBC_DP_MSRP_PARSE_H
#define SBC_DP_MSRP_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DP_MSRP_HEAD_MAX 8192	/* start line and headers, bytes */
#define DP_MSRP_HEADERS 32	/* headers of one message */
#define DP_MSRP_TID_MAX 32	/* transact-id = ident: 4 to 32 characters */
/* the end-line's bytes: "-------" tid flag CRLF */
#define DP_MSRP_END_MAX (7 + DP_MSRP_TID_MAX + 3)

/* A counted string inside the parsed buffer. */
struct dp_msrp_str {
	const char *s;
	size_t len;
};

struct dp_msrp_header {
	struct dp_msrp_str name;	/* as sent; compare without case */
	struct dp_msrp_str value;	/* leading and trailing blanks cut */
};

struct dp_msrp_msg {
	struct dp_msrp_str start;	/* the start line, CRLF cut */
	bool request;			/* else a response */
	struct dp_msrp_str tid;		/* transact-id */
	struct dp_msrp_str method;	/* request: SEND, REPORT, ... */
	unsigned status;		/* response: 100-999 */
	struct dp_msrp_str to_path;	/* required, once */
	struct dp_msrp_str from_path;	/* required, once */
	struct dp_msrp_header hdr[DP_MSRP_HEADERS];	/* in order, To-Path
							 * and From-Path too */
	unsigned n_hdr;
	bool has_body;
	struct dp_msrp_str body;	/* the data, CRLF before end-line cut */
	char flag;			/* '$', '+' or '#' */
	size_t len;			/* the message, end-line included */
};

/* An MSRP URI (RFC 4975 section 6): msrp[s]://[user@]host[:port]/id;tcp */
struct dp_msrp_uri {
	bool secure;			/* msrps */
	struct dp_msrp_str host;	/* an IPv6 literal keeps its brackets */
	uint16_t port;			/* 0 when not given */
	struct dp_msrp_str session_id;
	struct dp_msrp_str transport;	/* "tcp" in practice */
};

/* A Byte-Range header value (RFC 4975 section 9): start-end/total. */
struct dp_msrp_range {
	uint64_t start;			/* 1-based */
	uint64_t end;			/* 0: "*" */
	uint64_t total;			/* 0: "*" */
	bool end_known, total_known;
};

/**
 * dp_msrp_parse - parse the message at the start of @buf
 * @len: bytes in @buf
 * @max_body: largest body accepted
 * @m: receives the message; its strings point into @buf
 *
 * @return the message's length (>0) when it is complete, 0 when more
 * bytes are needed, -EBADMSG when the bytes are not MSRP, -EMSGSIZE when
 * the headers or the body are over their limits.
 */
long dp_msrp_parse(const char *buf, size_t len, size_t max_body,
		   struct dp_msrp_msg *m);

/**
 * dp_msrp_header - the value of header @name (no case), or NULL
 */
const struct dp_msrp_str *dp_msrp_header(const struct dp_msrp_msg *m,
					 const char *name);

/**
 * dp_msrp_range_parse - parse a Byte-Range value
 * @return 0, or -EBADMSG.
 */
int dp_msrp_range_parse(const struct dp_msrp_str *v,
			struct dp_msrp_range *r);

/**
 * dp_msrp_uri_parse - parse one MSRP URI of @len bytes at @s
 * @return 0, or -EBADMSG.
 */
int dp_msrp_uri_parse(const char *s, size_t len, struct dp_msrp_uri *u);

/**
 * dp_msrp_path_first - the first URI of a path (URIs separated by spaces)
 * @return 0 with @first set, or -EBADMSG for an empty path.
 */
int dp_msrp_path_first(const struct dp_msrp_str *path,
		       struct dp_msrp_str *first);

/**
 * dp_msrp_print - @m with To-Path @to and From-Path @from, into @out
 * @cap: size of @out
 *
 * @return bytes written, or -ENOSPC when @out is too small.
 */
long dp_msrp_print(const struct dp_msrp_msg *m, const struct dp_msrp_str *to,
		   const struct dp_msrp_str *from, char *out, size_t cap);

/**
 * dp_msrp_response - a response to request @req: "MSRP tid STATUS TEXT"
 * with To-Path the request's From-Path and From-Path @from (RFC 4975
 * section 7.2: responses are sent to the previous hop)
 *
 * @return bytes written, or -ENOSPC.
 */
long dp_msrp_response(const struct dp_msrp_msg *req, unsigned status,
		      const char *text, const struct dp_msrp_str *from,
		      char *out, size_t cap);

#endif
