/*
 * The up/down state machine of a monitored gateway (see gw_monitor.h for
 * the rules): which OPTIONS answers count as alive (RFC 3261 section 11,
 * section 21 for the classes), and the consecutive-failure and
 * consecutive-success thresholds.  Pure: the clock is an argument.
 */
#include "gw_monitor.h"

#include <string.h>

bool b2b_gw_status_alive(int status)
{
	if (status == 408)
		return false;
	return (status >= 200 && status < 500) ||
	       (status >= 600 && status < 700);
}

void b2b_gw_health_init(struct b2b_gw_health *h, int64_t now_ms)
{
	memset(h, 0, sizeof(*h));
	h->changed_ms = now_ms;
}

bool b2b_gw_health_update(struct b2b_gw_health *h, int status,
			  int64_t now_ms)
{
	h->last_status = status;
	if (b2b_gw_status_alive(status)) {
		h->fails = 0;
		h->oks++;
		if (!h->down || h->oks < B2B_GW_UP_AFTER)
			return false;
		h->down = false;
	} else {
		h->oks = 0;
		h->fails++;
		if (h->down || h->fails < B2B_GW_DOWN_AFTER)
			return false;
		h->down = true;
	}
	h->changed_ms = now_ms;
	return true;
}
