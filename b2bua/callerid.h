/*
 * Caller-ID assertion: which identity of the caller leg B asserts, and to
 * whom (RFC 3325 network-asserted identity, RFC 3323 privacy, the
 * pre-standard Remote-Party-ID of draft-ietf-sip-privacy-04).
 *
 * hide.c never copies P-Asserted-Identity, P-Preferred-Identity,
 * Remote-Party-ID or Privacy from leg A; this module decides what the SBC
 * sends instead, in two steps:
 *
 *   leg A  b2b_callerid_decide()  once per call, from the INVITE and the
 *                                 ingress (trusted peer or subscriber)
 *   leg B  b2b_callerid_from(),   per gateway attempt, from the decision and
 *          b2b_callerid_tags()    the egress peer's flags
 *
 * Rules:
 *  - A subscriber's own PAI/PPI/RPID are ignored; the SBC asserts the
 *    account's identity <sip:user@domain> (RFC 3325 section 6).
 *  - A peer marked callerid_trusted is in the trust domain: its PAI (the
 *    first two values: one sip/sips and one tel, RFC 3325 section 9.1)
 *    passes on, or,
 *    without PAI, its Remote-Party-ID with party=calling.  Any other peer's
 *    identity headers are dropped and nothing is asserted (section 5).
 *    Topology hiding still applies: an identity whose host is an IP
 *    address gets the SBC's own host on leg B; URI parameters are dropped.
 *  - The identity is sent as P-Asserted-Identity, or as Remote-Party-ID
 *    (party=calling; screen; privacy) to an egress peer whose pai_mode is
 *    "rpid".
 *  - Privacy (RFC 3323 section 4.2, RFC 3325 section 9.3): "id" sends the
 *    identity only to egress peers marked callerid_trusted; "id", "user"
 *    or "header" anonymise From as "Anonymous"
 *    <sip:anonymous@anonymous.invalid> (RFC 3323 section 4.1.1.3) toward
 *    every peer.  The Privacy header itself goes to trusted peers only.
 *  - Emergency numbers: the request-URI user is on the emergency list.  The
 *    identity is the first valid number (b2b_callerid_number()) of: PAI (from
 *    a trusted peer only), PPI, From, the account's user; then the
 *    account's emergency_id.  There are no source-IP-to-number records, so
 *    that step of the hierarchy is skipped.  If nothing is valid the call
 *    still proceeds with the first identity found and a warning is logged:
 *    an emergency call is never refused for its caller-ID.  A valid number
 *    is asserted as <tel:+E164> and, so that the emergency service can call
 *    back, to every egress peer even with Privacy: id (RFC 6881 leaves the
 *    withholding to the PSAP side).
 */
#ifndef SBC_CALLERID_H
#define SBC_CALLERID_H

#include <stdbool.h>
#include <stddef.h>

#include <sofia-sip/sip.h>
#include <sofia-sip/su_alloc.h>
#include <sofia-sip/su_tag.h>

#include "store.h"

/* Identities asserted at most: one sip/sips and one tel (RFC 3325 9.1). */
#define B2B_CID_IDS_MAX 2

/* Longest E.164 number with its '+', and the NUL. */
#define B2B_CID_NUMBER_MAX 17


enum b2b_cid_kind {
	B2B_CID_PEER,			/* a trusted peer, admitted by address */
	B2B_CID_SUBSCRIBER,		/* an account, digest-authenticated */
};

/* Who the INVITE came from. */
struct b2b_cid_ingress {
	enum b2b_cid_kind kind;
	bool trusted;			/* peer: callerid_trusted */
	const char *user;		/* subscriber: account user */
	const char *domain;		/* subscriber: account domain */
	const char *emergency_id;	/* subscriber: account's, NULL or "" */
};

/* Where leg B goes. */
struct b2b_cid_egress {
	bool trusted;			/* callerid_trusted: in the trust domain */
	bool rpid;			/* pai_mode "rpid" */
};

/* One identity: <SCHEME:USER@HOST> or <tel:USER>, with a display name. */
struct b2b_cid_id {
	const char *display;		/* as received (token or quoted), or NULL */
	const char *scheme;		/* "sip", "sips" or "tel" */
	const char *user;		/* user part, or the tel number */
	const char *host;		/* a domain; NULL: the SBC's host on leg B */
};

/* The decision for one call, made on leg A. */
struct b2b_cid {
	struct b2b_cid_id ids[B2B_CID_IDS_MAX];	/* identities to assert */
	unsigned n_ids;				/* 0: assert nothing */
	const char *privacy;		/* Privacy value received, or NULL */
	bool privacy_id;		/* Privacy: id */
	bool anonymous;			/* From anonymised */
	bool emergency;			/* request-URI is an emergency number */
	bool screened;			/* identity verified (RPID screen=yes) */
};

/* b2b_callerid_ingress_peer - @in for a call from trusted peer @p. */
void b2b_callerid_ingress_peer(const struct store_peer *p,
			       struct b2b_cid_ingress *in);

/* b2b_callerid_ingress_account - @in for a call from subscriber @a. */
void b2b_callerid_ingress_account(const struct store_account *a,
				  struct b2b_cid_ingress *in);

/* b2b_callerid_egress_peer - @out for leg B toward peer @p. */
void b2b_callerid_egress_peer(const struct store_peer *p,
			      struct b2b_cid_egress *out);

/**
 * b2b_callerid_number - is @in a valid caller number?  11-digit NANP
 * ("+1NXXNXXXXXX" or "1NXXNXXXXXX", N = 2-9) or E.164 ("+" then 7 to 15
 * digits, the first not 0; "+1" must be NANP).  Visual separators "-.()"
 * are skipped and a ";parameter" tail ends the number.
 * @out: the number as E.164 with '+', at least B2B_CID_NUMBER_MAX bytes
 *
 * @return 0, or -EINVAL (@out is "").
 */
int b2b_callerid_number(const char *in, char *out, size_t len);

/**
 * b2b_callerid_decide - the caller-ID decision for an initial INVITE
 * @home: where the result and its strings are allocated (the call's home)
 * @sip: the INVITE received on leg A
 * @in: who sent it
 * @emergency: NULL-terminated list of emergency numbers, NULL for none
 *
 * @return the decision, or NULL with errno ENOMEM.
 */
struct b2b_cid *b2b_callerid_decide(su_home_t *home, sip_t const *sip,
				    const struct b2b_cid_ingress *in,
				    const char *const *emergency);

/**
 * b2b_callerid_from - leg B's From header (without tag)
 * @cid: the decision; NULL gives the plain From
 * @user: the caller's user part (a plain token)
 * @host: the SBC's host on leg B, an IPv6 address in brackets
 *
 * @return 0, or -ENOSPC (@buf truncated).
 */
int b2b_callerid_from(const struct b2b_cid *cid, const char *user,
		      const char *host, char *buf, size_t len);

/**
 * b2b_callerid_tags - the identity headers of leg B's INVITE toward @eg
 * @home: where the tags and strings are allocated (nua copies them)
 * @cid: the decision; NULL adds nothing
 * @host: the SBC's host on leg B, for identities whose host was an address
 * @next: tags that follow (the allowed headers of leg A), may be NULL
 *
 * @return a tag list of SIPTAG_HEADER_STR (P-Asserted-Identity or
 * Remote-Party-ID) and SIPTAG_PRIVACY_STR items as the rules allow, ending
 * in TAG_NEXT(@next); or NULL with errno ENOMEM.
 */
tagi_t *b2b_callerid_tags(su_home_t *home, const struct b2b_cid *cid,
			  const struct b2b_cid_egress *eg, const char *host,
			  tagi_t const *next);

#endif
