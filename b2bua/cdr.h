/*
 * Call records in the store: the CDR written when a call ends (with the
 * debit of a prepaid call and the persisted dialog deleted in the same
 * transaction, so a crash never leaves both or neither), the dialog record
 * written when a call is answered, and the cdr.list control command.
 */
#ifndef SBC_CDR_H
#define SBC_CDR_H

struct b2b_ctx;
struct b2b_call;

/**
 * b2b_cdr_write - debit a prepaid call (b2b_credit_call_settle()), append
 * the call's CDR with its cost and delete its dialog record, in one write
 * transaction; nothing for a call whose CDR a restart wrote already
 * (struct b2b_call cdr_written)
 *
 * The gateways tried and their codes go into the reason when more than
 * one was tried ("503@10.10.2.10:5060;udp,200@10.10.2.11:5060;udp BYE"),
 * cut to fit.
 *
 * @return 0, or an error of the store (logged).
 */
int b2b_cdr_write(struct b2b_call *call);

/**
 * b2b_cdr_dialog_put - persist the answered call as a store_dialog
 * (dialog_save.h), when it is answered and whenever its media changes; a
 * call that could not be resumed is kept without its media, so a restart
 * settles it
 * @return 0, an error of the store (logged), -ENOENT when leg A's tag is
 * not known yet (nothing written: the caller's ACK brings it), or -ENOENT
 * or -ENOSPC when the record was written without what a restart needs to
 * resume it.
 */
int b2b_cdr_dialog_put(struct b2b_call *call);

/**
 * b2b_cdr_register - register cdr.list (sbcctl "cdr [N]")
 * @return 0 or an error of ctl_registry_add().
 */
int b2b_cdr_register(struct b2b_ctx *ctx);

#endif
