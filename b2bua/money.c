/*
 * Decimal money text <-> int64 micro-units, exact (see money.h).  An amount
 * is read as its integer digits followed by exactly six fractional digits
 * (the missing ones being zeros), accumulated into a uint64 with an
 * overflow check per digit, so "0.1" is 100000 with no rounding anywhere.
 */
#include "money.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define DIGITS "0123456789"

/* *@v = *@v * 10 + @d unless that exceeds @limit (then -ERANGE) */
static int digit_push(uint64_t *v, unsigned d, uint64_t limit)
{
	if (*v > limit / 10 || *v * 10 > limit - d)
		return -ERANGE;
	*v = *v * 10 + d;
	return 0;
}

int b2b_money_parse(const char *text, int64_t *out)
{
	bool neg = text[0] == '-';
	const char *whole = text + neg, *frac = "";
	size_t n_whole = strspn(whole, DIGITS), n_frac = 0;
	/* -INT64_MIN does not fit an int64, but does fit this magnitude */
	uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	uint64_t v = 0;
	int rc;

	if (n_whole == 0)
		return -EINVAL;
	if (whole[n_whole] == '.') {
		frac = whole + n_whole + 1;
		n_frac = strspn(frac, DIGITS);
		if (n_frac == 0 || n_frac > B2B_MONEY_DECIMALS ||
		    frac[n_frac] != '\0')
			return -EINVAL;
	} else if (whole[n_whole] != '\0') {
		return -EINVAL;
	}
	for (size_t i = 0; i < n_whole; i++) {
		rc = digit_push(&v, (unsigned)(whole[i] - '0'), limit);
		if (rc < 0)
			return rc;
	}
	for (size_t i = 0; i < B2B_MONEY_DECIMALS; i++) {
		rc = digit_push(&v, i < n_frac ? (unsigned)(frac[i] - '0') : 0,
				limit);
		if (rc < 0)
			return rc;
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

int b2b_money_format(int64_t amount, char *buf, size_t len)
{
	uint64_t mag = amount < 0 ? 0 - (uint64_t)amount : (uint64_t)amount;
	char frac[B2B_MONEY_DECIMALS + 1];
	size_t n_frac = B2B_MONEY_DECIMALS;
	int n;

	snprintf(frac, sizeof(frac), "%06" PRIu64, mag % B2B_MONEY_UNIT);
	while (n_frac > 2 && frac[n_frac - 1] == '0')
		frac[--n_frac] = '\0';
	n = snprintf(buf, len, "%s%" PRIu64 ".%s", amount < 0 ? "-" : "",
		     mag / B2B_MONEY_UNIT, frac);
	if (n < 0 || (size_t)n >= len) {
		if (len > 0)
			buf[0] = '\0';
		return -ENOSPC;
	}
	return 0;
}
