/*
 * libFuzzer target for the rates file parser (b2bua/rates_csv.c) and the
 * rating arithmetic it feeds (b2bua/rating.c).
 *
 * The bytes are parsed twice, without and with plan=retail.  Every row
 * accepted must be a rate rating takes, of a valid plan (retail when
 * plan= is given), and not given twice; errors must come in line order;
 * and for each accepted rate, the longest call some credit pays for must
 * cost no more than that credit, one second more must cost more.
 *
 *   make fuzz-run-fuzz_rates_csv FUZZ_TIME=30
 *
 * Seeds: tests/fuzz/seeds/rates/.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rates_csv.h"
#include "rating.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* aborts unless max_duration and cost agree for @r and @available */
static void check_rating(const struct store_rate *r, int64_t available)
{
	uint32_t d = b2b_rating_max_duration(r, available);
	int64_t c = b2b_rating_cost(r, d), c1;

	if (available < 0) {
		if (d != 0)
			abort();
		return;
	}
	if (c < 0 || c > available)
		abort();
	if (d == UINT32_MAX)
		return;
	c1 = b2b_rating_cost(r, d + 1);
	if (c1 != -ERANGE && (c1 < 0 || c1 <= available))
		abort();
}

static void check(const uint8_t *data, size_t size, const char *plan)
{
	struct b2b_rates_csv f;
	int64_t available = 0;

	if (b2b_rates_csv_parse((const char *)data, size, plan, &f))
		abort();
	if (size >= sizeof(available))
		memcpy(&available, data, sizeof(available));
	for (size_t i = 0; i < f.n_bad && i < B2B_RATES_CSV_ERRORS_MAX; i++) {
		if (i && f.errors[i].line <= f.errors[i - 1].line)
			abort();
	}
	for (size_t i = 0; i < f.n_rows; i++) {
		const struct store_rate *r = &f.rows[i].rate;

		if (b2b_rating_valid(r, NULL) || !b2b_rates_plan_valid(r->plan) ||
		    (plan && strcmp(r->plan, plan) != 0) ||
		    (i && f.rows[i].line <= f.rows[i - 1].line))
			abort();
		for (size_t j = 0; j < i; j++) {
			if (strcmp(r->plan, f.rows[j].rate.plan) == 0 &&
			    strcmp(r->prefix, f.rows[j].rate.prefix) == 0)
				abort();
		}
		check_rating(r, available);
		check_rating(r, available >> (i % 64));
	}
	b2b_rates_csv_free(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check(data, size, NULL);
	check(data, size, "retail");
	return 0;
}
