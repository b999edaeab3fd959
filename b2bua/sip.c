/*
 * SIP transports: one nua per realm on the shared su_root, bound to the
 * realm's listen sockets (see sip.h for how they are bound and the limits),
 * and the single nua callback that feeds the call core.
 *
 * Every nua runs with media off (SDP is an opaque body that call*.c
 * relays; issue 5 anchors media), without automatic answers, alerting or
 * ACK (the B2BUA answers for the far leg, and ACKs a 2xx when the other
 * side ACKs, so a body in the ACK reaches the far end), without retrying
 * a request on its own (nua would resend after a 503 with Retry-After; the
 * failover in call_b.c decides instead, and the caller sees the gateway's
 * answer), and without its own User-Agent and Server headers.  MESSAGE
 * (RFC 3428) is answered by sbcd: outside a dialog by message.c, which
 * also gets the responses to the MESSAGEs it sends.
 *
 * Session timers (RFC 4028) run on each leg on its own, as each leg is its
 * own dialog: Supported: timer, Session-Expires timers.session_expires and
 * Min-SE timers.min_se (nua answers 422 below it, section 5).  The far end
 * is asked to refresh (as UAS, section 9, refresher=uac; as UAC the
 * refresher is left to the UAS); when sbcd must refresh (the peer does not
 * support timers, or chose sbcd) nua sends an UPDATE without a body
 * (section 7.4; nua's own re-INVITE would carry no SDP, which a B2BUA with
 * media off cannot answer in the ACK).  When the peer should refresh and
 * does not, nua sends BYE shortly before expiry (section 10) and call.c
 * tears the other leg down.  REGISTER goes to the registrar (registrar.c),
 * which answers it.  OPTIONS outside a dialog is answered 200 by nua itself, which
 * is what peers use as a keep-alive; responses to sbcd's own OPTIONS go to
 * the gateway monitor (gw_monitor.c).
 */
#include "sip.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sofia-sip/msg_addr.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_protos.h>
#include <sofia-sip/sip_tag.h>
#include <sofia-sip/tport_tag.h>

#include "call.h"
#include "dialplan.h"
#include "gw_monitor.h"
#include "log.h"
#include "message.h"
#include "registrar.h"
#include "sbcd.h"
#include "sip_tls.h"
#include "sip_transport.h"

/*
 * Methods the SBC takes part in; the application answers INVITE, UPDATE,
 * INFO, MESSAGE, PRACK, REFER and REGISTER (nua's default application
 * methods already hold REGISTER: naming it again crashes nua's list merge
 * under ASan).  PRACK is the application's so that sbcd PRACKs reliable
 * responses itself (nua would send its own PRACK without looking at the
 * body) and handles the offers and answers in one (call_early.c); nua
 * answers NOTIFY, which sbcd relays for REFER (call_refer.c).
 */
#define SIP_ALLOW "INVITE, ACK, BYE, CANCEL, OPTIONS, UPDATE, INFO, " \
	"REGISTER, MESSAGE, PRACK, REFER, NOTIFY"
#define SIP_APPL_METHODS "INVITE, UPDATE, INFO, MESSAGE, PRACK, REFER"

/*
 * Option tags sbcd itself supports on each leg: session timers and
 * reliable provisional responses (RFC 3262, per leg: call_early.c); hide.c
 * passes end-to-end tags across.  nua answers 420 to a Require of any other.
 */
#define SIP_SUPPORTED "timer, 100rel"

/* Bounded waits at shutdown, ms. */
#define SHUTDOWN_WAIT_MS 2000

#define UDP_BUFFER (4 << 20)	/* bytes, each way, per SIP UDP socket */

static void on_event(nua_event_t event, int status, char const *phrase,
		     nua_t *nua, nua_magic_t *magic, nua_handle_t *nh,
		     nua_hmagic_t *hmagic, sip_t const *sip, tagi_t tags[])
{
	struct b2b_sip_realm *realm = (struct b2b_sip_realm *)magic;

	(void)nua;
	if (event == nua_r_shutdown) {
		if (status >= 200)
			realm->shut_down = true;
		return;
	}
	log_debug("%s: %s %d %s", realm->cfg->name, nua_event_name(event),
		  status, phrase ? phrase : "");
	if (event == nua_i_register) {
		b2b_registrar_request(realm, nh, sip);
		return;
	}
	if (event == nua_r_options) {
		b2b_gw_monitor_response(realm->ctx, nh, status);
		return;
	}
	if (b2b_message_event(realm, event, status, phrase, nh, hmagic, sip))
		return;
	b2b_call_event(realm, event, status, phrase, nh,
		       (struct b2b_leg *)hmagic, sip, tags);
}

/* Does realm @r listen on tls? */
static bool realm_has_tls(const struct cfg_realm *r)
{
	for (unsigned i = 0; i < r->n_listen; i++)
		if (r->listen[i].transport == CFG_TRANSPORT_TLS)
			return true;
	return false;
}

static int realm_init(struct b2b_ctx *ctx, struct b2b_sip_realm *realm,
		      const struct cfg_realm *cfg)
{
	char urls[B2B_SIP_URLS][B2B_SIP_URL_MAX], err[160];
	char tls_dir[CFG_PATH_MAX] = "";
	unsigned bad = 0;
	int n = b2b_sip_urls(cfg, urls, &bad), rc;

	if (n <= 0) {	/* cfg_check.c refuses this at load */
		log_err("realm %s: cannot bind socket %u: more than %u "
			"address:port pairs", cfg->name, bad, B2B_SIP_URLS);
		return -ENOTSUP;
	}
	realm->ctx = ctx;
	realm->cfg = cfg;
	realm->tls = realm_has_tls(cfg);
	realm->dialplan = b2b_dialplan_from_realm(cfg, err, sizeof(err));
	if (!realm->dialplan) {
		log_err("realm %s: dial plan: %s", cfg->name,
			errno == EINVAL ? err : strerror(errno));
		return -errno;
	}
	if (realm->tls) {
		rc = b2b_tls_dir_make(ctx->cfg, cfg, tls_dir, sizeof(tls_dir));
		if (rc < 0)
			return rc;
	}
	realm->nua = nua_create(ctx->root, on_event, (nua_magic_t *)realm,
		NUTAG_URL(urls[0]),
		TAG_IF(n > 1, NUTAG_SIPS_URL(urls[1])),
		TAG_IF(realm->tls, TPTAG_CERTIFICATE(tls_dir)),
		/* the kernel's 208 KiB default drops INVITEs in bursts */
		TPTAG_UDP_RMEM(UDP_BUFFER),
		TPTAG_UDP_WMEM(UDP_BUFFER),
		TAG_END());
	/* Sofia read the certificate and key while binding: the copy of the
	 * key goes at once (its contexts keep them in memory). */
	b2b_tls_dir_remove(tls_dir);
	if (!realm->nua) {
		log_err("realm %s: cannot bind %s%s%s", cfg->name, urls[0],
			n > 1 ? " and " : "", n > 1 ? urls[1] : "");
		return -EADDRNOTAVAIL;
	}
	/* nua_create() takes the transports; the rest are handle defaults. */
	nua_set_params(realm->nua,
		NUTAG_MEDIA_ENABLE(0),
		NUTAG_AUTOANSWER(0),
		NUTAG_AUTOALERT(0),
		NUTAG_AUTOACK(0),
		NUTAG_RETRY_COUNT(0),
		NUTAG_ENABLEMESSAGE(1),
		SIPTAG_ALLOW_STR(SIP_ALLOW),
		NUTAG_APPL_METHOD(SIP_APPL_METHODS),
		SIPTAG_SUPPORTED_STR(SIP_SUPPORTED),
		NUTAG_SESSION_TIMER(ctx->cfg->timers.session_expires),
		NUTAG_MIN_SE(ctx->cfg->timers.min_se),
		NUTAG_SESSION_REFRESHER(nua_remote_refresher),
		NUTAG_UPDATE_REFRESH(1),
		SIPTAG_USER_AGENT(SIP_NONE),
		SIPTAG_SERVER(SIP_NONE),
		TAG_END());
	log_info("realm %s: SIP on %s%s%s", cfg->name, urls[0],
		 n > 1 ? " and " : "", n > 1 ? urls[1] : "");
	return 0;
}

int b2b_sip_init(struct b2b_ctx *ctx)
{
	struct b2b_sip *sip = calloc(1, sizeof(*sip));
	int rc;

	if (!sip)
		return -ENOMEM;
	ctx->sip = sip;
	for (unsigned i = 0; i < ctx->cfg->n_realms; i++)
		if (realm_has_tls(&ctx->cfg->realms[i])) {
			/* before Sofia creates its first SSL_CTX */
			rc = b2b_tls_min_version();
			if (rc < 0)
				return rc;
			break;
		}
	for (unsigned i = 0; i < ctx->cfg->n_emergency; i++)
		sip->emergency[i] = ctx->cfg->emergency[i];
	for (unsigned i = 0; i < ctx->cfg->n_realms; i++) {
		rc = realm_init(ctx, &sip->realms[i], &ctx->cfg->realms[i]);
		if (rc < 0) {
			b2b_dialplan_free(sip->realms[i].dialplan);
			return rc;
		}
		sip->n_realms++;
	}
	return 0;
}

bool b2b_sip_wait(struct b2b_ctx *ctx, bool (*done)(void *arg), void *arg,
		  unsigned ms)
{
	struct timespec t0, now;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!done(arg)) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((now.tv_sec - t0.tv_sec) * 1000 +
		    (now.tv_nsec - t0.tv_nsec) / 1000000 >= (long)ms)
			return false;
		su_root_step(ctx->root, 50);
	}
	return true;
}

static bool all_shut_down(void *arg)
{
	struct b2b_sip *sip = arg;

	for (unsigned i = 0; i < sip->n_realms; i++)
		if (!sip->realms[i].shut_down)
			return false;
	return true;
}

void b2b_sip_uninit(struct b2b_ctx *ctx)
{
	struct b2b_sip *sip = ctx->sip;

	if (!sip)
		return;
	if (ctx->calls)
		b2b_calls_shutdown(ctx, SHUTDOWN_WAIT_MS);
	for (unsigned i = 0; i < sip->n_realms; i++)
		nua_shutdown(sip->realms[i].nua);
	if (!b2b_sip_wait(ctx, all_shut_down, sip, SHUTDOWN_WAIT_MS))
		log_warn("SIP stack shutdown not complete after %u ms",
			 SHUTDOWN_WAIT_MS);
	for (unsigned i = 0; i < sip->n_realms; i++) {
		nua_destroy(sip->realms[i].nua);
		b2b_dialplan_free(sip->realms[i].dialplan);
	}
	free(sip);
	ctx->sip = NULL;
}

int b2b_sip_request_source(struct b2b_sip_realm *realm,
			   const struct sockaddr **src, enum cfg_transport *tp)
{
	msg_t *msg = nua_current_request(realm->nua);
	su_addrinfo_t *ai = msg_addrinfo(msg);
	sip_t const *sip = sip_object(msg);

	if (!ai || !ai->ai_addr)
		return -EINVAL;
	*src = ai->ai_addr;
	*tp = b2b_sip_transport_of(ai->ai_protocol == IPPROTO_TCP,
		sip && sip->sip_via ? sip->sip_via->v_protocol : NULL);
	return 0;
}

struct b2b_sip_realm *b2b_sip_realm(struct b2b_ctx *ctx, const char *name)
{
	struct b2b_sip *sip = ctx->sip;

	for (unsigned i = 0; sip && i < sip->n_realms; i++)
		if (!strcmp(sip->realms[i].cfg->name, name))
			return &sip->realms[i];
	return NULL;
}
