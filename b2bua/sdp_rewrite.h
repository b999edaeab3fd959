/*
 * DOC: SDP rewriting - media anchoring, signalling half
 *
 * Every SDP body that crosses the SBC (offer or answer, RFC 3264, in any
 * INVITE, 18x, 2xx, ACK, UPDATE or PRACK) goes through b2b_sdp_rewrite(),
 * which parses it with Sofia-SIP (RFC 4566/8866), rewrites it for the
 * other leg and records in a per-call struct b2b_sdp_state where each
 * stream's media goes.  Stream i of the state is m= line i, on both legs.
 *
 * Toward the leg the body goes to ("to"), for the realm of that leg:
 *  - o=: username "-", the session id of the first body sent to that leg,
 *    the leg's media address (struct b2b_sdp_leg); the version starts at the
 *    first body's and goes up by one whenever the body sent to that leg
 *    changes, never otherwise (RFC 3264 section 8);
 *  - one session-level c= with the leg's media address, no media-level c=;
 *  - each RTP or UDPTL m= port is the SBC's port in the realm's range:
 *    a pair (RTCP = RTP + 1) for RTP, one port for UDPTL and for RTP in
 *    an answer that accepts rtcp-mux (RFC 5761); an offer always gets a
 *    pair, as a mux offer may be refused.  Ports are allocated once per
 *    stream and leg and kept across re-INVITEs;
 *  - a=rtcp (RFC 3605) is rewritten to the SBC's RTCP port and address
 *    when the body had one, removed when the leg's stream is muxed;
 *  - removed: ICE (a=candidate, ice-ufrag, ice-pwd, ice-options, ice-lite,
 *    ice-mismatch, remote-candidates, end-of-candidates), DTLS
 *    (fingerprint, setup, tls-id), a=group:BUNDLE (every stream has its
 *    own ports), k= lines, every a=crypto (ours are added), MSRP's a=path
 *    and a=msrp-cema (the SBC's path is added), and any other
 *    attribute whose value holds an address of the sender's o= or c=
 *    lines (a=ssrc cname:user@10.0.0.1 and the like);
 *  - kept as they are: codecs, fmtp, ptime, b=, directions, a=rtcp-mux,
 *    every other attribute;
 *  - hold: a stream whose address is 0.0.0.0 (RFC 3264 section 8.4, the
 *    RFC 2543 way) goes out with the SBC's address and the direction that
 *    means the same thing, sendrecv -> sendonly and recvonly -> inactive
 *    (sendonly and inactive stay); 0.0.0.0 itself is not sent, so the
 *    other side never sees a zero address, whatever its age;
 *  - port 0 (a rejected or disabled stream) stays 0 with no ports, as does
 *    a stream the SBC cannot relay (DTLS-SRTP UDP/TLS/RTP/SAVP(F),
 *    m=application and other protocols): the SBC declines it by port 0;
 *  - m=message TCP/MSRP (kind B2B_SDP_MSRP, no media ports): a=path and
 *    a=setup are the SBC's, the port and a media-level c= the realm's
 *    MSRP address, for the dataplane's MSRP relay (msrp_sdp.h has the
 *    rules; over TCP/TLS/MSRP also a=fingerprint, the SBC's); TCP/TLS/MSRP
 *    from a realm without a certificate, and MSRP while
 *    dataplane.msrp_sessions is 0, are declined by port 0.
 *
 * SRTP (SDES, RFC 4568; suites in sdes.h) by each realm's srtp policy:
 *  - from a leg whose realm is `off`, RTP/SAVP is refused; `required`
 *    refuses RTP/AVP; RTP/SAVP without an acceptable a=crypto is refused
 *    under any policy (RFC 4568 section 7.1.2).  a=crypto on RTP/AVP is
 *    ignored.  Lines with unknown suites, MKIs or session parameters are
 *    skipped; the best remaining suite is taken (b2b_sdes_pref()).
 *  - toward a leg whose realm is `off`: RTP/AVP, no a=crypto; `required`:
 *    RTP/SAVP; `optional`: RTP/SAVP when the sender used SRTP, else
 *    RTP/AVP.  An answer mirrors what that leg offered.  The F of
 *    RTP/AVPF and RTP/SAVPF is kept.
 *  - the SBC's keys are its own, per leg and stream (b2b_sdes_generate()),
 *    so the two legs never share a key.  An offer carries one a=crypto per
 *    suite, tags 1..3, each with its own key; an answer carries one, with
 *    the tag and suite the offerer's line that was taken.
 *  - re-INVITE: the key the SBC sends to a leg stays the same for the
 *    stream (re-offered alone, with the tag that leg chose) until that
 *    leg's own key or suite changes; then the SBC draws a new key toward
 *    it too, so both directions restart together (a peer that re-keys has
 *    usually restarted its SRTP contexts, ROC included).  Keys that stay
 *    keep the dataplane's sessions, with their rollover counters.
 *
 * Errors (the SIP status the caller sends, for a request; for a response
 * body the caller ends the call instead):
 *   -EBADMSG   not SDP: syntax, missing lines, port over 65535    400
 *   -EMSGSIZE  body larger than B2B_SDP_BODY_MAX                   400
 *   -E2BIG     more than B2B_SDP_MAX_STREAMS m= lines              488
 *   -ENOTSUP   SRTP refused by policy or no acceptable crypto,
 *              port counts ("m=audio 4000/2"), multicast, FQDN    488
 *   -EAFNOSUPPORT  an address family other than the realm's        488
 *   -EPROTO    offer/answer broken: answer without an offer, other
 *              number of m= lines, answer with a tag not offered  488
 *   -ENOSPC    the realm's media ports are exhausted (on the leg's
 *              address, or on every address for its first port)    503
 *   -ENOMEM                                                        500
 * On error the state is as it was before the call and no port changed.
 *
 * A failed re-INVITE does not roll the state back: the caller rewrites
 * the last good offer and answer again to restore it.
 *
 * Not thread-safe; the su_root thread only.
 */
#ifndef SBC_SDP_REWRITE_H
#define SBC_SDP_REWRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sofia-sip/su_alloc.h>

#include "cfg.h"
#include "ft.h"
#include "media_ports.h"
#include "msrp_sdp.h"
#include "sdes.h"

#define B2B_SDP_MAX_STREAMS 16
#define B2B_SDP_BODY_MAX 16384
#define B2B_SDP_ERR_MAX 128
#define B2B_SDP_OFFERED 3	/* a=crypto lines in an offer: one per suite */

enum b2b_sdp_side {
	B2B_SDP_A = 0,		/* leg A, toward the caller */
	B2B_SDP_B = 1,		/* leg B, toward the callee */
};

enum b2b_sdp_type {
	B2B_SDP_OFFER,
	B2B_SDP_ANSWER,
};

enum b2b_sdp_kind {
	B2B_SDP_NONE = 0,	/* port 0: rejected, disabled or declined */
	B2B_SDP_RTP,		/* RTP/AVP, RTP/AVPF, RTP/SAVP, RTP/SAVPF */
	B2B_SDP_UDPTL,		/* T.38 fax, m=image udptl */
	B2B_SDP_MSRP,		/* m=message TCP/MSRP: the dataplane's relay */
};

/* The values of Sofia-SIP's sdp_mode_t. */
enum b2b_sdp_dir {
	B2B_SDP_INACTIVE = 0,
	B2B_SDP_SENDONLY = 1,
	B2B_SDP_RECVONLY = 2,
	B2B_SDP_SENDRECV = 3,
};

/*
 * What the SBC needs of one leg.  Its media address is one of the
 * realm's: the first port the leg takes while it holds none chooses it
 * (b2b_port_pool_alloc(), the address with the most free ports), its other
 * ports are taken there, and its c= and o= name it; before its first port
 * it is the one the caller gave (0: the realm's first).
 */
struct b2b_sdp_leg {
	const struct cfg_realm *realm;	/* media_addrs, srtp policy */
	struct b2b_port_pool *ports;	/* the realm's allocators */
	uint32_t addr;			/* index into realm->media_addrs and
					 * ports; set by the rewriter */
};

/* One leg's side of a stream: its peer, and the SBC's end toward it. */
struct b2b_sdp_end {
	/* from the last body this leg's peer sent */
	struct ft_endpoint peer;	/* where its RTP/UDPTL goes; family NONE
					 * while unknown (kept through hold) */
	struct ft_endpoint peer_rtcp;	/* where its RTCP goes, unless muxed */
	struct b2b_sdes peer_key;	/* what the peer sends with: srtp_in */
	enum b2b_sdp_dir dir;		/* the peer's direction, hold applied */
	bool hold;			/* dir is not sendrecv */
	bool avpf;			/* RTP/AVPF or RTP/SAVPF */
	/* the SBC toward this leg */
	struct ft_endpoint local;	/* media address and RTP port; port 0:
					 * none */
	uint16_t local_rtcp;		/* RTCP port of a pair, 0 for one port */
	struct b2b_sdes our_key;	/* what the SBC sends with: srtp_out */
	struct b2b_sdes offered[B2B_SDP_OFFERED];	/* in the pending offer */
	unsigned n_offered;
	bool rekey;			/* the peer changed its key */
};

/*
 * A stream is plain data (no pointers), so a dialog record can keep it as
 * it is (media_saved.h); an MSRP stream's ends live beside it in
 * struct b2b_sdp_msrp, as most calls never have one.
 */
struct b2b_sdp_stream {
	enum b2b_sdp_kind kind;
	bool mux;			/* rtcp-mux offered, then agreed */
	struct b2b_sdp_end end[2];	/* by enum b2b_sdp_side */
};

/* The two ends of an MSRP stream (no ports), by enum b2b_sdp_side. */
struct b2b_sdp_msrp {
	struct b2b_msrp_end end[2];
};

/* The SBC's o= toward one leg. */
struct b2b_sdp_origin {
	bool set;
	uint64_t id;
	uint64_t version;
	uint64_t hash;			/* of the last body sent, o= aside */
};

/*
 * The streams are allocated as the m= lines come (most calls have one),
 * not B2B_SDP_MAX_STREAMS of them per call: a call holds this for as
 * long as it is up, so its size is memory per call.
 */
struct b2b_sdp_state {
	struct b2b_sdp_leg leg[2];
	int offerer;			/* side of the last offer, -1 none */
	unsigned n_streams;
	struct b2b_sdp_stream *stream;	/* n_streams of them; NULL for none */
	struct b2b_sdp_msrp **msrp;	/* n_streams: stream i's MSRP ends
					 * while its kind is MSRP, else NULL */
	struct b2b_sdp_origin origin[2];
};

/**
 * b2b_sdp_state_new - the media state of a new call
 * @a: leg A's realm and allocator
 * @b: leg B's (may change with b2b_sdp_leg_set() on failover)
 *
 * @return the state, or NULL with errno EINVAL (a NULL realm or
 * allocator, a realm without media address) or ENOMEM.
 */
struct b2b_sdp_state *b2b_sdp_state_new(const struct b2b_sdp_leg *a,
					const struct b2b_sdp_leg *b);

/**
 * b2b_sdp_state_free - release every port of the call, wipe the keys and
 * free the state; accepts NULL
 */
void b2b_sdp_state_free(struct b2b_sdp_state *st);

/**
 * b2b_sdp_leg_set - point a side at another realm (gateway failover):
 * its ports are released, its peers, keys and o= forgotten
 * @return 0, or -EINVAL as b2b_sdp_state_new().
 */
int b2b_sdp_leg_set(struct b2b_sdp_state *st, enum b2b_sdp_side side,
		    const struct b2b_sdp_leg *leg);

/**
 * b2b_sdp_streams_adopt - the streams of a saved state (media_saved.h)
 * into @st, which has none yet; their ports are the caller's to reserve
 * @n: how many, at most B2B_SDP_MAX_STREAMS
 *
 * @return 0, -EINVAL when @st has streams or @n is too large, -ENOTSUP for
 * an MSRP stream (its relay session does not outlive sbcd), -ENOMEM.
 */
int b2b_sdp_streams_adopt(struct b2b_sdp_state *st,
			  const struct b2b_sdp_stream *s, unsigned n);

/**
 * b2b_sdp_rewrite - rewrite a body received on leg @from for the other leg
 * @type: whether the body is an offer or an answer
 * @body: the SDP; need not be NUL-terminated
 * @len: its length
 * @home: where the result is allocated
 * @out: receives the rewritten body, NUL-terminated (it holds the SBC's
 *       keys: send it, never log it)
 * @err: receives the reason on error (no key material); may be NULL
 * @errlen: size of @err, B2B_SDP_ERR_MAX is enough
 *
 * @return 0, or a negative errno from the table in the DOC above.
 */
int b2b_sdp_rewrite(struct b2b_sdp_state *st, enum b2b_sdp_side from,
		    enum b2b_sdp_type type, const char *body, size_t len,
		    su_home_t *home, char **out, char *err, size_t errlen);

/**
 * b2b_sdp_flows - the flow-table entries of stream @i, both directions
 * @out: room for 4
 *
 * [0] A to B and [1] B to A for RTP (FT_KIND_RTP_RTCP_MUX when muxed),
 * or for MSRP [0] leg A's and [1] leg B's FT_KIND_MSRP entry,
 * then, when RTCP has its own ports, [2] A to B and [3] B to A for RTCP.
 * Direction X to Y: local = X's local end, src = Y's local end, dst = Y's
 * peer (or peer_rtcp), srtp_in = X's peer key, srtp_out = the SBC's key
 * toward Y.  pair is FT_NO_SLOT; call_id, out_port and latch are 0: the
 * caller sets them.  The specs hold keys: wipe them after ft_flow_put().
 *
 * @return how many were filled: 0 when the stream is not relayed (port 0,
 * UDPTL: the flow table has no kind for non-RTP UDP yet) or an end is not
 * known yet (no answer, or a peer that never gave an address); 2 or 4
 * otherwise.
 */
int b2b_sdp_flows(const struct b2b_sdp_state *st, unsigned i,
		  struct ft_flow out[4]);

#endif
