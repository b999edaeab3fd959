/*
 * DOC: Dialog save - what a restarted sbcd needs of an answered call
 *
 * While a call is up, b2b_dialog_note() follows each leg's dialog in the
 * messages nua reports: the remote target (the peer's Contact, changed by
 * target refresh requests and their 2xx, RFC 3261 section 12.2 and RFC
 * 3311 section 5), the route set (fixed when the dialog is created: the
 * Record-Route of the INVITE on leg A, reversed from the 2xx on leg B,
 * RFC 3261 section 12.1) and the highest local CSeq.  b2b_dialog_record()
 * turns the call into its store_dialog (store.h): ids, parties, gateway,
 * times, both dialogs, the SDP last sent to each leg and the media state
 * (media_saved.h).  cdr.c writes it once the call is answered and leg A's
 * tag is known (the caller's ACK shows it at the latest), and again
 * whenever an offer/answer exchange changes the media.
 *
 * The local CSeq is kept without a store write per request: nua's own
 * session refreshes go on counting after the last write, so a restored
 * dialog starts B2B_DIALOG_CSEQ_SKIP above it; a UAS only requires in-
 * dialog CSeqs to grow (RFC 3261 section 12.2.2).
 */
#ifndef SBC_DIALOG_SAVE_H
#define SBC_DIALOG_SAVE_H

#include <sofia-sip/nua.h>

struct b2b_call;
struct b2b_leg;
struct store_dialog;

#define B2B_DIALOG_CSEQ_SKIP 1000

/**
 * b2b_dialog_note - follow @leg's dialog in a message nua reported on it
 * @event: the nua event (nua_i_invite for leg A's initial INVITE)
 * @sip: the message, may be NULL
 */
void b2b_dialog_note(struct b2b_leg *leg, nua_event_t event, int status,
		     sip_t const *sip);

/**
 * b2b_dialog_record - @call as its dialog record into @d;
 * @d holds keys: wipe it after use with b2b_dialog_record_wipe()
 *
 * The record is 55 KiB, nearly all of it the room for two SDP bodies and
 * the media state, which a call fills only in part: those three buffers
 * are written as strings, not zeroed whole (one record per answered call,
 * on the event loop).
 *
 * @return 0, -ENOENT (no agreed SDP on both legs, or a leg without remote
 * target), -ENOSPC (a URI, route set, SDP body or the media state does
 * not fit the record).
 */
int b2b_dialog_record(const struct b2b_call *call, struct store_dialog *d);

/* b2b_dialog_record_wipe - erase what a record written by
 * b2b_dialog_record() or read from the store holds (its keys) */
void b2b_dialog_record_wipe(struct store_dialog *d);

#endif
