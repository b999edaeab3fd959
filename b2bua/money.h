/*
 * Money as operators write it ("12.50", "-3.25") and as the store keeps it:
 * an int64 count of micro-units (millionths) of the account's currency.
 * Conversion is exact, digit by digit, never through floating point, so a
 * balance provisioned as "0.1" is 100000 micro-units and shows as "0.10".
 * Used by account provisioning and credit control.
 */
#ifndef SBC_MONEY_H
#define SBC_MONEY_H

#include <stddef.h>
#include <stdint.h>

#define B2B_MONEY_UNIT 1000000		/* micro-units per currency unit */
#define B2B_MONEY_DECIMALS 6		/* fractional digits at most */
/* buffer for b2b_money_format(): "-9223372036854.775808" and NUL */
#define B2B_MONEY_TEXT_MAX 24

/**
 * b2b_money_parse - a decimal amount to micro-units
 * @text: an optional '-', one or more digits, then optionally '.' and one
 *	to six digits: "0", "12.5", "-3.25", "0.000001".  Nothing else: no
 *	'+', blanks, exponent, thousands separators, ".5" or "5.".
 * @out: the amount in micro-units
 *
 * @return 0, -EINVAL (not such a number, or more than six fractional
 * digits), or -ERANGE (outside int64 micro-units, about +-9.2e12 units);
 * @out is untouched on error.
 */
int b2b_money_parse(const char *text, int64_t *out);

/**
 * b2b_money_format - micro-units as a decimal amount
 * @amount: micro-units
 * @buf: receives at least two fractional digits and no trailing zeros
 *	beyond them: 12500000 -> "12.50", 1 -> "0.000001", -3250000 ->
 *	"-3.25", 0 -> "0.00".  b2b_money_parse() gives @amount back.
 * @len: size of @buf; B2B_MONEY_TEXT_MAX is always enough
 *
 * @return 0, or -ENOSPC when @len is too small (@buf is then "" if @len is
 * not 0).
 */
int b2b_money_format(int64_t amount, char *buf, size_t len);

#endif
