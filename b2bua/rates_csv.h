/*
 * The rates file operators import (sbcctl rates import FILE.csv): parsed
 * and checked in full, row by row, before anything is written, so that an
 * import either takes every row or none.
 *
 * Format: UTF-8 text (a leading byte-order mark is skipped), lines ending
 * in "\n" or "\r\n".  The first line is this header, exactly:
 *
 *   plan,prefix,price_per_min,connect_fee,first_incr,next_incr
 *
 * then one rate per line:
 *
 *   retail,4930,0.015,0,60,60        Berlin, per-minute billing
 *   retail,+44,0.02,0.10,30,6        connect fee, 30 s then 6 s steps
 *   retail,800,0,0,1,1               free destination
 *   retail,,0.50,0,60,60             the plan's default rate
 *
 * Empty lines and lines starting with '#' are skipped.  Fields are split at
 * every ',': quoting is not supported and a '"' anywhere is an error, so no
 * field may contain a comma.
 *
 *   plan           [A-Za-z0-9_.-], 1 to 63 characters; may be empty when
 *                  the import names a plan (plan=NAME), and must then be
 *                  that plan
 *   prefix         digits with an optional leading '+', "+" alone, or
 *                  empty for the default rate (matching as in rating.h)
 *   price_per_min  money as b2b_money_parse() reads it ("0.015"), >= 0
 *   connect_fee    the same
 *   first_incr     seconds, 0 to B2B_RATE_INCR_MAX
 *   next_incr      seconds, 1 to B2B_RATE_INCR_MAX
 *
 * Money is in the currency of the accounts that use the plan.  A
 * (plan, prefix) pair may appear once per file.
 */
#ifndef SBC_RATES_CSV_H
#define SBC_RATES_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "store.h"

#define B2B_RATES_CSV_HEADER \
	"plan,prefix,price_per_min,connect_fee,first_incr,next_incr"
/* Errors kept with their messages; the rest are only counted. */
#define B2B_RATES_CSV_ERRORS_MAX 20
#define B2B_RATES_CSV_ERROR_LEN 112

/* A good row and the line it came from. */
struct b2b_rates_csv_row {
	struct store_rate rate;
	unsigned line;
};

/* A bad row: its line (1 is the header) and what is wrong with it. */
struct b2b_rates_csv_error {
	unsigned line;
	char what[B2B_RATES_CSV_ERROR_LEN];
};

struct b2b_rates_csv {
	struct b2b_rates_csv_row *rows;	/* the good rows, in file order */
	size_t n_rows;
	size_t n_bad;			/* bad rows, header included */
	/* the first min(n_bad, B2B_RATES_CSV_ERRORS_MAX), in line order */
	struct b2b_rates_csv_error errors[B2B_RATES_CSV_ERRORS_MAX];
};

/* what b2b_rates_plan_valid() takes, for messages */
#define B2B_RATES_PLAN_SYNTAX "1 to 63 of A-Z a-z 0-9 _ . -"

/* b2b_rates_plan_valid - a plan name as the file and plan=NAME take it */
bool b2b_rates_plan_valid(const char *plan);

/**
 * b2b_rates_csv_parse - parse and check a rates file
 * @text: its content, not necessarily NUL-terminated; NUL bytes in it are
 *	errors like any other control character
 * @len: bytes in @text
 * @plan: the plan rows with an empty plan get, and the only one they may
 *	name; NULL when every row names its plan
 * @out: the rows and the errors; free it with b2b_rates_csv_free() whatever
 *	the result
 *
 * The file is taken only when @out->n_bad is 0.  A missing or wrong header
 * is one error at line 1 and ends the parse.
 *
 * @return 0, -EINVAL (@plan not b2b_rates_plan_valid()), -ENOMEM.
 */
int b2b_rates_csv_parse(const char *text, size_t len, const char *plan,
			struct b2b_rates_csv *out);

/* b2b_rates_csv_free - free @csv's rows and zero it; NULL is ignored */
void b2b_rates_csv_free(struct b2b_rates_csv *csv);

#endif
