/*
 * DOC: MSRP in SDP - the signalling half of the MSRP relay
 *
 * An m=message TCP/MSRP stream (RFC 4975 section 8) crosses the SBC with
 * the SBC as a back-to-back MSRP relay (dataplane/msrp_relay.h): each leg
 * gets the SBC's own a=path, msrp://MSRP_ADDR:MSRP_PORT/ID;tcp, with the
 * realm's msrp_address and msrp_port and an ID the SBC draws for that
 * stream and leg (96 random bits, kept across re-INVITEs); the m= port is
 * the MSRP port and a media-level c= names the MSRP address.  The peer's
 * a=path is kept (at most FT_MSRP_PATH_MAX bytes) for the relay, which
 * addresses it in To-Path.
 *
 * Who opens the TCP connection, per leg (RFC 4975 section 5.4: the
 * offerer; RFC 6135: a=setup, COMEDIA-style, may turn it round):
 *  - the SBC offers a=setup:actpass, and connects unless the answer says
 *    a=setup:active (no a=setup: the offerer, the SBC, connects);
 *  - toward a peer that offered, the SBC connects only when it offered
 *    a=setup:passive, and answers a=setup:active or passive accordingly
 *    (no a=setup when the offer had none).
 * The SBC connects to the first URI of the peer's path, which must then
 * name an IP address (the dataplane resolves no names).
 *
 * TCP/TLS/MSRP (RFC 4975 section 14) is relayed the same way, each leg
 * on its own: toward a leg the SBC speaks TLS, with the path
 * msrps://MSRP_ADDR:MSRP_TLS_PORT/ID;tcp and the proto TCP/TLS/MSRP, when
 * the leg's peer offered TLS, or when an offer it gets came with TLS and
 * its realm has tls_cert and tls_key (otherwise TCP/MSRP).  The relay
 * terminates both connections, so one leg on TLS and the other on TCP is
 * fine.
 *
 * Certificates over TLS (RFC 4975 section 14.1, a=fingerprint of RFC
 * 8122, dataplane/msrp_fp.h): a TLS peer's a=fingerprint (media level, else
 * session level; of several, one of the strongest hash, RFC 8122 section
 * 5) goes to the relay in the leg's entry, and the relay accepts only that
 * certificate from the peer (dataplane/msrp_tls.h).  A malformed one, or
 * only ones of hashes the SBC does not take (md5, md2, unknown), refuse the
 * stream.  Toward a TLS leg the SBC sends the a=fingerprint (sha-256) of
 * its realm's tls_cert, the certificate the relay presents there, read
 * when the leg first needs it: a peer with a self-signed-certificate
 * policy can check the SBC's as the SBC checks its own.
 */
#ifndef SBC_MSRP_SDP_H
#define SBC_MSRP_SDP_H

#include <stdbool.h>
#include <stddef.h>

#include <sofia-sip/sdp.h>
#include <sofia-sip/su_alloc.h>

#include "cfg.h"
#include "ft.h"
#include "msrp_fp.h"

enum b2b_msrp_setup {
	B2B_MSRP_SETUP_NONE = 0,	/* no a=setup */
	B2B_MSRP_SETUP_ACTIVE,
	B2B_MSRP_SETUP_PASSIVE,
	B2B_MSRP_SETUP_ACTPASS,
	B2B_MSRP_SETUP_OTHER,		/* holdconn and unknown values */
};

/* One leg's end of an MSRP stream. */
struct b2b_msrp_end {
	/* from the last body the leg's peer sent */
	char path[FT_MSRP_PATH_MAX + 1];	/* its a=path, NUL-terminated */
	struct ft_endpoint hop;		/* first URI's IP and port;
					 * family NONE for a host name */
	bool peer_tls;			/* its path is msrps: */
	struct dp_msrp_fp peer_fp;	/* its a=fingerprint, when peer_tls */
	enum b2b_msrp_setup setup;	/* its a=setup */
	/* the SBC toward the leg */
	char id[FT_MSRP_ID_MAX + 1];	/* session-id, NUL-terminated */
	struct ft_endpoint local;	/* the realm's MSRP address and port
					 * (its TLS port when @tls) */
	bool tls;			/* the SBC's URI is msrps: */
	bool active;			/* the SBC connects (last answer) */
	struct dp_msrp_fp our_fp;	/* of the realm's tls_cert, once read */
};

/**
 * b2b_msrp_take - what the sender of a body says in MSRP stream @m
 * @end: the sender's end
 * @err: the reason on error
 *
 * @return 0, -EBADMSG without a=path or with a URI that is not MSRP over
 * TCP (msrp: or msrps:), or over TLS with a malformed a=fingerprint,
 * -ENOTSUP for a path over FT_MSRP_PATH_MAX bytes or over TLS with
 * a=fingerprint of no hash the SBC takes.
 */
int b2b_msrp_take(struct b2b_msrp_end *end, const sdp_media_t *m, char *err,
		  size_t errlen);

/**
 * b2b_msrp_give - rewrite MSRP stream @m for the receiving leg
 * @to: the receiver's end (its ID is drawn the first time)
 * @from: the sender's end, from b2b_msrp_take()
 * @answer: @m is an answer: the connection roles are decided now
 * @home: where the new attributes and c= are allocated
 *
 * The caller has removed the sender's a=path and a=setup (and its other
 * address-bearing attributes).
 *
 * @return 0, -ENOTSUP when the SBC must connect to a peer whose path
 * names no IP address, -ENOMEM, -EIO when no random ID could be drawn or,
 * toward a TLS leg, the realm's tls_cert gives no fingerprint.
 */
int b2b_msrp_give(struct b2b_msrp_end *to, struct b2b_msrp_end *from,
		  sdp_media_t *m, const struct cfg_realm *realm, bool answer,
		  su_home_t *home, char *err, size_t errlen);

/* b2b_msrp_realm_tls - whether @realm's relay takes TLS (tls_cert, tls_key) */
bool b2b_msrp_realm_tls(const struct cfg_realm *realm);

/**
 * b2b_msrp_flow - the flow-table entry of leg @end (kind FT_KIND_MSRP)
 * @return true when both the peer's path and the SBC's ID are known.
 */
bool b2b_msrp_flow(const struct b2b_msrp_end *end, struct ft_flow *f);

#endif
