/*
 * Gateway monitoring: sbcd pings every carrier gateway with OPTIONS
 * (RFC 3261 section 11) and marks it down or up; routing (call_b.c) skips
 * a gateway that is down, without sending it an INVITE.
 *
 * Which gateways: every gateway named by a stored route, taken again from
 * the store at each probe round (one read transaction over the routes, a
 * few hundred records at most), so route add/del need no hook and a
 * gateway no route names any more is forgotten at the next round.  A
 * gateway is keyed by its parsed address, port and transport: two routes
 * writing it differently share one state.  It is probed from the realm of
 * the trusted peer that contains its address (as call_b.c sends calls); a
 * gateway in no peer, or over tls from a realm without a tls socket, is
 * listed but not probed.
 *
 * Timing: a round every timers.gateway_ping seconds (none when 0); a probe still unanswered when the
 * next round starts counts as a failure (so the per-probe timeout is the
 * interval, well under nta's 32 s transaction timeout).
 *
 * Which answers mean "alive" (as carriers and common SBCs treat OPTIONS
 * pings): any final response from the gateway itself, 2xx to 4xx and 6xx,
 * except 408 -- a gateway that refuses OPTIONS with 403, 404 or 405 still
 * answers SIP.  Failures: no answer, 408, any 5xx (503 is also what
 * Sofia-SIP reports for a transport error, e.g. ICMP port unreachable or a
 * refused TCP connection).  A gateway goes down after B2B_GW_DOWN_AFTER
 * consecutive failures and up again after B2B_GW_UP_AFTER consecutive
 * successes; a gateway seen for the first time is up until it fails.
 *
 * Everything runs on the su_root thread.
 */
#ifndef SBC_GW_MONITOR_H
#define SBC_GW_MONITOR_H

#include <stdbool.h>
#include <stdint.h>

#include <sofia-sip/nua.h>

struct b2b_ctx;
struct b2b_gateway;

#define B2B_GW_DOWN_AFTER 2	/* consecutive failures to mark down */
#define B2B_GW_UP_AFTER 2	/* consecutive successes to mark up again */

/* The health of one gateway: the state machine gw_health.c runs. */
struct b2b_gw_health {
	bool down;
	unsigned fails;		/* consecutive failures */
	unsigned oks;		/* consecutive successes */
	int last_status;	/* last probe's result, 0 = none yet */
	int64_t changed_ms;	/* unix ms of the last up/down change, or of
				 * when the gateway was first seen */
};

/* gw_health.c (pure, unit-tested) ---------------------------------------- */

/**
 * b2b_gw_status_alive - does a probe's final status show a live gateway?
 * @status: the OPTIONS final response, 408 for no answer
 */
bool b2b_gw_status_alive(int status);

/* b2b_gw_health_init - a gateway first seen at @now_ms: up, no probe yet. */
void b2b_gw_health_init(struct b2b_gw_health *h, int64_t now_ms);

/**
 * b2b_gw_health_update - account one probe result
 * @status: final status of the probe, 408 when unanswered
 * @now_ms: unix ms, stored as changed_ms on a change
 *
 * @return true when the gateway went down or came up.
 */
bool b2b_gw_health_update(struct b2b_gw_health *h, int status,
			  int64_t now_ms);

/* gw_monitor.c ------------------------------------------------------------ */

/**
 * b2b_gw_monitor_init - start the probe rounds and register gw.list
 * (show gateways)
 * @ctx: context with store, acl and sip set up
 *
 * @return 0, -ENOMEM, or an error of ctl_registry_add().
 */
int b2b_gw_monitor_init(struct b2b_ctx *ctx);

/* b2b_gw_monitor_uninit - stop probing, drop pending probes; NULL-safe. */
void b2b_gw_monitor_uninit(struct b2b_ctx *ctx);

/**
 * b2b_gw_monitor_response - nua_r_options on @nh, a probe's handle
 *
 * A response on a handle the monitor no longer knows (dropped at a round
 * or at shutdown) is ignored.
 */
void b2b_gw_monitor_response(struct b2b_ctx *ctx, nua_handle_t *nh,
			     int status);

/* b2b_gw_is_down - is @gw monitored and marked down? */
bool b2b_gw_is_down(struct b2b_ctx *ctx, const struct b2b_gateway *gw);

#endif
