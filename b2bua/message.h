/*
 * DOC: SIP MESSAGE outside dialogs (RFC 3428) and prepaid notices
 *
 * sbcd relays an out-of-dialog MESSAGE the way it admits an INVITE, as a
 * B2BUA with no call:
 *
 *   source trusted?   acl.c        no -> digest where the realm takes
 *                                  subscribers (407, 403), else 403
 *   body              message      > message.max_body -> 413, a body
 *                                  without Content-Type -> 400
 *   Max-Forwards      > 0          no -> 483
 *   balance service?  message.service_uri, from a subscriber (else 403):
 *                     200, then a MESSAGE to its registered contact with
 *                     its balance (a body other than the keyword gets the
 *                     usage); not registered -> 480
 *   registered user?  registrar.c  yes -> its freshest contact
 *   our account?      store        yes, not registered -> 480
 *   number            dialplan.c: 484 (none) / 404 (not a number)
 *   account policy    a subscriber without PSTN access or with the number
 *                     barred (account_policy.h) -> 403
 *   route             route.c: 404; the first usable gateway (a known
 *                     peer, not down), else 503
 *
 * The MESSAGE toward the target is a new nua handle in the target's realm,
 * so Sofia-SIP makes its Call-ID, From tag, Via and CSeq; nua adds no
 * Contact to a MESSAGE.  Only the headers hide.c allows cross (the body
 * and its Content-Type among them); the From and the asserted identity
 * come from callerid.c as for a call.  The target's final response goes
 * back to the sender with its code and phrase.  One target is tried, with
 * no failover: a MESSAGE is a single transaction the sender retries
 * itself, and RFC 3428 section 7 lets a proxy stop at the first final
 * answer.  At most message.max_pending relays wait for an answer at a
 * time; above, 503 with Retry-After.  Each relay is logged (no CDR: a
 * MESSAGE has no duration, cost or media).
 *
 * Notices: sbcd also sends MESSAGEs of its own to a subscriber's registered
 * contacts (b2b_message_notify()): the balance answer, and, each switched
 * on in the configuration, the refusal of a prepaid call for lack of
 * credit, a warning message.notify_before seconds before the cut-off and
 * the cut-off itself.  Their From is the service URI (or sbc@ the realm's
 * address when there is none).
 *
 * message_text.c holds the pure parts (keyword, body check, texts),
 * unit-tested without SIP.  Everything runs on the su_root thread.
 */
#ifndef SBC_MESSAGE_H
#define SBC_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sofia-sip/nua.h>

struct b2b_ctx;
struct b2b_call;
struct b2b_sip_realm;

/* Longest text sbcd puts in a notice, NUL included. */
#define B2B_MESSAGE_TEXT_MAX 256

/* Why a prepaid caller gets a notice. */
enum b2b_notice {
	B2B_NOTICE_REFUSED,		/* call refused: insufficient credit */
	B2B_NOTICE_WARNING,		/* cut-off in a few seconds */
	B2B_NOTICE_CUTOFF,		/* call cut off: credit exhausted */
};

/* message.c: SIP --------------------------------------------------------- */

/**
 * b2b_message_init - the relay table (message.max_pending slots) in
 * @ctx->messages; checks message.service_uri
 *
 * @return 0, -ENOMEM, or -EINVAL (service_uri is no sip:user@host URI;
 * logged).
 */
int b2b_message_init(struct b2b_ctx *ctx);

/**
 * b2b_message_uninit - answer the senders still waiting (503), release
 * every handle and free the table; safe when @ctx->messages is NULL.
 * Call before the user agents shut down.
 */
void b2b_message_uninit(struct b2b_ctx *ctx);

/**
 * b2b_message_event - take a nua event if it is this module's: an
 * out-of-dialog MESSAGE received (@hmagic NULL) or the response to a
 * MESSAGE sbcd sent (@hmagic one of its relays)
 *
 * @return true when the event was handled here.
 */
bool b2b_message_event(struct b2b_sip_realm *realm, nua_event_t event,
		       int status, const char *phrase, nua_handle_t *nh,
		       void *hmagic, sip_t const *sip);

/**
 * b2b_message_notify - send @text (text/plain) in a MESSAGE from sbcd to
 * every registered contact of account @account_id ("user@domain")
 *
 * @return the number of contacts it was sent to (> 0); -ENOENT (not
 * registered), -EBUSY (relay table full), -ENOMEM, -EINVAL (@text empty
 * or longer than message.max_body).
 */
int b2b_message_notify(struct b2b_ctx *ctx, const char *account_id,
		       const char *text);

/**
 * b2b_message_credit_notice - the notice @what to the caller of @call,
 * when the configuration switches it on (else nothing); @seconds is the
 * time left, for B2B_NOTICE_WARNING
 */
void b2b_message_credit_notice(struct b2b_call *call, enum b2b_notice what,
			       uint32_t seconds);

/**
 * b2b_message_credit_answered - start @call's warning timer when
 * message.notify_before is set and the call lasts longer than it
 * (call->credit.max_s seconds)
 */
void b2b_message_credit_answered(struct b2b_call *call);

/* b2b_message_credit_stop - stop @call's warning timer, if running. */
void b2b_message_credit_stop(struct b2b_call *call);

/* message_text.c: pure parts -------------------------------------------- */

/**
 * b2b_message_keyword - is @body (@len bytes, not NUL-terminated) the
 * @keyword?  Blanks and line ends around it are ignored, letters compared
 * without case: "balance\r\n" is "BALANCE".
 */
bool b2b_message_keyword(const char *body, size_t len, const char *keyword);

/**
 * b2b_message_body_status - the SIP status that refuses a MESSAGE body,
 * or 0 when it may be relayed
 * @has_type: the request has a Content-Type
 * @len: body bytes
 * @max: message.max_body
 *
 * @return 0; 413 (@len > @max, RFC 3428 section 8); 400 (a body without
 * Content-Type, RFC 3261 section 20.15).
 */
int b2b_message_body_status(bool has_type, size_t len, uint32_t max);

/**
 * b2b_message_balance_text - "Balance 12.50 EUR, available 10.00 EUR."
 * @balance, @available: micro-units (money.h)
 * @currency: ISO 4217 code, may be "" (left out)
 *
 * @return 0, or -ENOSPC (@buf cut; B2B_MESSAGE_TEXT_MAX is enough).
 */
int b2b_message_balance_text(char *buf, size_t len, int64_t balance,
			     int64_t available, const char *currency);

/**
 * b2b_message_usage_text - "Send BALANCE to sip:balance@sbc.lab for your
 * balance."
 * @return 0, or -ENOSPC.
 */
int b2b_message_usage_text(char *buf, size_t len, const char *keyword,
			   const char *service_uri);

/**
 * b2b_message_notice_text - the text of notice @what about a call to
 * @number (@seconds left for B2B_NOTICE_WARNING)
 * @return 0, -EINVAL (unknown @what), or -ENOSPC.
 */
int b2b_message_notice_text(char *buf, size_t len, enum b2b_notice what,
			    const char *number, uint32_t seconds);

#endif
