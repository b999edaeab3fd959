/*
 * REFER across the B2BUA, the text side (RFC 3515): the Refer-To a leg
 * receives and the sipfrag its NOTIFYs carry, rewritten so that nothing of
 * the other side's topology crosses.  Pure functions on strings; the relay
 * itself is call_refer.c.
 */
#ifndef SBC_REFER_H
#define SBC_REFER_H

#include <stddef.h>

/* Longest Refer-To sbcd builds, NUL included. */
#define B2B_REFER_TO_MAX 256

/**
 * b2b_refer_to_rewrite - the Refer-To to send on the other leg
 * @in: the Refer-To value received (name-addr or addr-spec)
 * @host: the SBC's SIP address on the leg the REFER is sent on (an IPv6
 *        address is bracketed here)
 * @port: its port, 0 to leave it out
 * @out, @len: the result, "<sip:USER@HOST:PORT>" (no user: "<sip:HOST:PORT>")
 *
 * Only the user part (for tel: the number) of the target is kept: the host,
 * port, URI parameters, embedded headers (Replaces carries the far side's
 * Call-ID and tags, RFC 3891) and the display name and header parameters
 * are all dropped, so the referred party calls the SBC, which routes the
 * number like any other call.
 *
 * @return 0; -EINVAL when @in does not parse or its user part has
 * characters outside RFC 3261's user grammar; -EPROTONOSUPPORT for a URI
 * that is not sip, sips or tel; -ENOSPC when @len is too short.
 */
int b2b_refer_to_rewrite(const char *in, const char *host, unsigned port,
			 char *out, size_t len);

/**
 * b2b_sipfrag_status - the status line of a message/sipfrag body
 * @body, @n: the body (RFC 3420) of a NOTIFY for a REFER
 * @out, @len: "SIP/2.0 NNN Reason" and a CRLF
 *
 * Only the status line crosses: RFC 3515 section 2.4.5 requires no more,
 * and the headers after it would carry the far side's addresses.
 *
 * @return the status code (100-699), -EINVAL when the body does not start
 * with a SIP status line, -ENOSPC when @len is too short.
 */
int b2b_sipfrag_status(const char *body, size_t n, char *out, size_t len);

#endif
