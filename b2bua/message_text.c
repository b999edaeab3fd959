/*
 * The pure parts of MESSAGE handling (message.h): the balance keyword, the
 * body check, and the texts sbcd sends to subscribers.  No SIP, no store:
 * unit-tested on their own.
 */
#include "message.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "money.h"

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool b2b_message_keyword(const char *body, size_t len, const char *keyword)
{
	size_t n = strlen(keyword);

	if (!body || !n)
		return false;
	while (len && blank(*body)) {
		body++;
		len--;
	}
	while (len && blank(body[len - 1]))
		len--;
	return len == n && !strncasecmp(body, keyword, n);
}

int b2b_message_body_status(bool has_type, size_t len, uint32_t max)
{
	if (len > max)
		return 413;
	if (len && !has_type)
		return 400;
	return 0;
}

/* snprintf into @buf: 0, or -ENOSPC when cut. */
static int print(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!len)
		return -ENOSPC;
	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

int b2b_message_balance_text(char *buf, size_t len, int64_t balance,
			     int64_t available, const char *currency)
{
	char b[B2B_MONEY_TEXT_MAX], a[B2B_MONEY_TEXT_MAX];
	const char *sp = currency && *currency ? " " : "";
	const char *cur = currency ? currency : "";

	b2b_money_format(balance, b, sizeof(b));
	b2b_money_format(available, a, sizeof(a));
	return print(buf, len, "Balance %s%s%s, available %s%s%s.", b, sp, cur,
		     a, sp, cur);
}

int b2b_message_usage_text(char *buf, size_t len, const char *keyword,
			   const char *service_uri)
{
	return print(buf, len, "Send %s to %s for your balance.", keyword,
		     service_uri);
}

int b2b_message_notice_text(char *buf, size_t len, enum b2b_notice what,
			    const char *number, uint32_t seconds)
{
	switch (what) {
	case B2B_NOTICE_REFUSED:
		return print(buf, len, "Call to %s refused: insufficient "
			     "credit.", number);
	case B2B_NOTICE_WARNING:
		return print(buf, len, "Call to %s: credit runs out in %u s.",
			     number, seconds);
	case B2B_NOTICE_CUTOFF:
		return print(buf, len, "Call to %s cut off: credit exhausted.",
			     number);
	}
	if (len)
		buf[0] = '\0';
	return -EINVAL;
}
