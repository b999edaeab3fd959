/*
 * libFuzzer target for the in_hours rules parser of the account policy
 * (b2bua/account_policy.c), the one text an operator gives that the call
 * path parses again at every call to the account.
 *
 * A text that parses must give 1 to B2B_ACCT_HOURS_RULES rules with days
 * set and minutes in range, and be answered for any time; a text that
 * does not must leave no rule.
 *
 *   make fuzz-run-fuzz_account_policy FUZZ_TIME=30
 *
 * Seeds: tests/fuzz/seeds/hours/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "account_policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct b2b_acct_hours h;
	char text[STORE_HOURS_MAX * 2];

	if (size >= sizeof(text))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (b2b_acct_policy_hours_parse(text, &h) < 0) {
		if (h.n != 0)
			abort();
		return 0;
	}
	if (h.n > B2B_ACCT_HOURS_RULES || (!h.n && *text))
		abort();
	for (unsigned i = 0; i < h.n; i++) {
		const struct b2b_acct_hours_rule *r = &h.rule[i];

		if (!r->days || r->days > 0x7f || r->start >= 1440 ||
		    !r->end || r->end > 1440 || r->start == r->end)
			abort();
	}
	/* a week of minutes from a Monday 00:00 UTC (2026-11-23) */
	for (int64_t t = 1795392000; t < 1795392000 + 7 * 86400; t += 1799)
		b2b_acct_policy_hours_open(&h, t);
	return 0;
}
