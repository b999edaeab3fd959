/*
 * Topology hiding, header side: which headers of a message received on one
 * leg are carried over to the message the B2BUA sends on the other leg.
 *
 * It is an allow-list.  Everything not on it is dropped, so a header sbcd
 * has never heard of cannot leak an address, a Call-ID or a tag of the
 * other side.  Via, Route, Record-Route, Contact, Call-ID, From/To tags and
 * CSeq are never copied: Sofia-SIP generates its own for each leg (RFC 3261
 * section 8.1.1, 12.1).  P-Asserted-Identity, P-Preferred-Identity and
 * Remote-Party-ID are dropped here; caller-ID assertion (RFC 3325) adds
 * the SBC's own later.
 */
#ifndef SBC_HIDE_H
#define SBC_HIDE_H

#include <sofia-sip/sip.h>
#include <sofia-sip/su_alloc.h>
#include <sofia-sip/su_tag.h>

/**
 * b2b_hide_tags - the headers of @sip that may cross to the other leg
 * @home: memory home the copies and the tag list are allocated from
 * @sip: a parsed request or response
 *
 * Copied: Content-Type and the body (the SDP offer or answer travels
 * opaque), Allow, Accept, Supported and Require (only option tags in
 * b2b_hide_option_ok()), Retry-After, Reason, Subject, Organization.
 *
 * @return a TAG_END-terminated list of SIPTAG_* items holding copies of the
 * allowed headers, allocated from @home (an empty list when none is
 * allowed), or NULL with errno ENOMEM.
 */
tagi_t *b2b_hide_tags(su_home_t *home, sip_t const *sip);

/**
 * b2b_hide_option_ok - may option tag @name cross in Supported/Require?
 *
 * Only extensions that are end to end between the two user agents and that
 * the B2BUA does not have to take part in are let through.
 */
int b2b_hide_option_ok(const char *name);

#endif
