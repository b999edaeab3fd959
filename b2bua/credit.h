/*
 * Credit control, operator side: balances (sbcctl account balance, account
 * credit, account debit, account audit) in credit_ctl.c and rates (rates
 * import, rates show) in rates_ctl.c.  Rating itself is rating.h.
 *
 * Every change of money or prices is one store write transaction that
 * also appends its audit record (struct store_audit: who, when, amount,
 * new balance), so a change and its record are committed together or not
 * at all.  The operator identity recorded is "ctl": handlers do not see
 * the control connection, so the peer's credentials are not known here.
 */
#ifndef SBC_CREDIT_H
#define SBC_CREDIT_H

#include <jansson.h>
#include <stdint.h>

#include "sbcd.h"
#include "store.h"

/* what audit records name as the operator of a ctl command */
#define B2B_CREDIT_WHO_CTL "ctl"

/**
 * b2b_credit_register - register the credit control commands
 * @ctx: context with store and ctl_reg set up
 *
 * Registers account.balance, account.credit, account.debit, account.audit
 * (credit_ctl.c), rate.import and rate.list (rates_ctl.c).
 *
 * @return 0 or an error of ctl_registry_add() (-EEXIST, -EINVAL, -ENOMEM);
 * commands already registered stay in the registry.
 */
int b2b_credit_register(struct b2b_ctx *ctx);

/* b2b_rates_ctl_register - rate.import and rate.list; errors as above */
int b2b_rates_ctl_register(struct b2b_ctx *ctx);

/**
 * b2b_credit_audit - append an audit record made by a ctl command
 * @txn: the write transaction of the change
 * @a: the record without id, time_ms and who, which are set here (who to
 *	B2B_CREDIT_WHO_CTL, time_ms to the current wall-clock time)
 *
 * @return as store_audit_append().
 */
int b2b_credit_audit(struct store_txn *txn, struct store_audit *a);

/* b2b_credit_money_json - @amount as a JSON decimal string ("12.50") */
json_t *b2b_credit_money_json(int64_t amount);

#endif
