/*
 * Shared fixture of the credit control unit tests (test_credit.c,
 * test_rates_csv.c): a fresh store (store_fixture.c) and a command
 * registry holding the commands of b2b_credit_register(), driven with
 * JSON-RPC request texts through ctl_handle_request() as the control
 * socket drives them.  cfx_* functions fail the running cmocka test
 * instead of returning errors.
 */
#ifndef CREDIT_FIXTURE_H
#define CREDIT_FIXTURE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "sbcd.h"
#include "store_fixture.h"

struct cfx {
	struct fixture *fx;
	struct b2b_ctx ctx;	/* store and ctl_reg set */
};

/* cmocka setup/teardown: *state becomes a struct cfx */
int cfx_setup(void **state);
int cfx_teardown(void **state);

#define CFX_TEST(f) cmocka_unit_test_setup_teardown(f, cfx_setup, cfx_teardown)

/* one request with @params (stolen; an array or object); the response */
json_t *cfx_call(struct cfx *c, const char *method, json_t *params);

/* a request that must succeed; its result (the caller releases it) */
json_t *cfx_ok(struct cfx *c, const char *method, json_t *params);

/* a request that must fail with @code and a message containing @part */
void cfx_err(struct cfx *c, const char *method, json_t *params, int code,
	     const char *part);

/* a string member of @obj, failing the test if absent */
const char *cfx_str(const json_t *obj, const char *key);

/* puts account @id (prepaid or not, EUR) with @balance micro-units */
void cfx_account(struct cfx *c, const char *id, bool prepaid,
		 int64_t balance);

/* the stored balance of account @id */
int64_t cfx_balance(struct cfx *c, const char *id);

/* the number of records in @db */
size_t cfx_count(struct cfx *c, enum store_db db);

#endif
