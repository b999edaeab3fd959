/*
 * A strict line-syntax check of an SDP body (RFC 8866 section 5), run
 * before Sofia-SIP's sdp_parse(): 1.12.11 loops for ever on a byte above
 * 0x7f in the m= protocol token and allocates without end on a format
 * such as "a::b".  Every line must be "<letter>=<text>" without NUL or
 * other control characters, bytes over 0x7f only where RFC 8866 allows
 * free text (s=, i=, u=, e=, p=, a=), and m= lines must follow
 * "<media> <port>[/<n>] <proto> <fmt>..." with token characters.
 */
#ifndef SBC_SDP_SYNTAX_H
#define SBC_SDP_SYNTAX_H

#include <stddef.h>

/**
 * b2b_sdp_syntax_check - accept or refuse an SDP body's lines
 * @err: on refusal, "line N: why"; may be NULL
 *
 * @return 0, or -EBADMSG.
 */
int b2b_sdp_syntax_check(const char *body, size_t len, char *err,
			 size_t errlen);

#endif
