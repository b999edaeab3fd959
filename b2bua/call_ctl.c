/*
 * Control commands for calls: show calls [account=ID] (call.list, with
 * each call's media streams and packets, and a prepaid call's reserved
 * credit and time left), show call ID (call.show, with each flow),
 * kill call ID (call.kill) and show sip (sip.stats).  Leg Call-IDs and
 * tags are internal and never shown: an operator names a call by the
 * SBC's own id.
 */
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include "call.h"
#include "call_media.h"
#include "ctl_registry.h"
#include "provision_pvt.h"
#include "sbcd.h"
#include "sip.h"

static const char *state_name(enum b2b_call_state s)
{
	switch (s) {
	case B2B_CALL_EARLY: return "early";
	case B2B_CALL_CONFIRMED: return "confirmed";
	default: return "terminating";
	}
}

static json_int_t duration_s(const struct b2b_call *call)
{
	return call->answer_ms ? (b2b_now_ms() - call->answer_ms) / 1000 : 0;
}

static json_t *call_row(const struct b2b_call *call, bool detail)
{
	json_t *row = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I}",
		"id", call->id, "state", state_name(call->state),
		"from", call->caller, "to", call->number,
		"ingress", call->account[0] ? call->account : call->a.peer,
		"egress", call->b.peer,
		"duration_s", duration_s(call));

	if (row && (b2b_media_json(call, row, detail) < 0 ||
		    b2b_credit_call_json(call, row) < 0)) {
		json_decref(row);
		row = NULL;
	}
	return row;
}

static const char *const list_opts[] = { "account", NULL };

/* show calls [account=ID]: the calls of one caller account, or all */
static int list_handler(void *arg, const json_t *params, struct ctl_reply *rep)
{
	const struct b2b_prov_spec spec = { NULL, NULL, list_opts };
	struct b2b_ctx *ctx = arg;
	const char *account = NULL;
	struct b2b_call *call;
	json_t *args, *out;
	int rc;

	rc = b2b_prov_args(params, &spec, rep, &args);
	if (rc < 0)
		return rc;
	rc = b2b_prov_str(args, "account", false, &account, rep);
	out = rc == 0 ? json_array() : NULL;
	TAILQ_FOREACH(call, &ctx->calls->list, link)
		if (out && !call->ended &&
		    (!account || !strcmp(call->account, account)))
			json_array_append_new(out, call_row(call, false));
	json_decref(args);
	return rc < 0 ? rc : ctl_reply_set_result(rep, out);
}

static struct b2b_call *call_arg(struct b2b_ctx *ctx, const json_t *params,
				 struct ctl_reply *rep)
{
	struct b2b_call *call = NULL;
	const char *id;

	if (ctl_param_string(params, 0, "id", &id) < 0)
		ctl_reply_error(rep, CTL_ERR_INVALID_PARAMS, "a call id is needed");
	else if (!(call = b2b_call_find(ctx, id)))
		ctl_reply_error(rep, CTL_ERR_NOT_FOUND, "no call '%s'", id);
	return call;
}

static int show_handler(void *arg, const json_t *params, struct ctl_reply *rep)
{
	struct b2b_call *call = call_arg(arg, params, rep);
	json_t *out, *attempts;

	if (!call)
		return 0;
	attempts = json_array();
	for (unsigned i = 0; i < call->n_attempts; i++)
		json_array_append_new(attempts, json_pack("{s:s, s:s, s:i}",
			"gateway", call->attempts[i].gateway,
			"peer", call->attempts[i].peer,
			"status", call->attempts[i].status));
	out = call_row(call, true);
	if (!out) {
		json_decref(attempts);
		return -ENOMEM;
	}
	json_object_set_new(out, "ingress_realm", json_string(
		call->a.realm ? call->a.realm->cfg->name : ""));
	json_object_set_new(out, "egress_realm", json_string(
		call->b.realm ? call->b.realm->cfg->name : ""));
	json_object_set_new(out, "route", json_string(call->route));
	json_object_set_new(out, "setup_ms", json_integer(call->setup_ms));
	json_object_set_new(out, "answer_ms", json_integer(call->answer_ms));
	json_object_set_new(out, "attempts", attempts);
	return ctl_reply_set_result(rep, out);
}

static int kill_handler(void *arg, const json_t *params, struct ctl_reply *rep)
{
	struct b2b_call *call = call_arg(arg, params, rep);
	char id[B2B_CALL_ID_MAX];

	if (!call)
		return 0;
	memcpy(id, call->id, sizeof(id));
	b2b_call_hangup(call, "killed by operator");
	return ctl_reply_set_result(rep, json_pack("{s:s, s:s}", "id", id,
						   "result", "killed"));
}

static int stats_handler(void *arg, const json_t *params, struct ctl_reply *rep)
{
	struct b2b_ctx *ctx = arg;
	struct b2b_calls *c = ctx->calls;

	(void)params;
	return ctl_reply_set_result(rep, json_pack(
		"{s:i, s:I, s:I, s:I, s:I, s:i}",
		"calls_active", (int)c->n_active,
		"calls_total", (json_int_t)c->total,
		"calls_answered", (json_int_t)c->answered,
		"calls_failed", (json_int_t)c->failed,
		"invites_refused", (json_int_t)c->rejected,
		"realms", (int)(ctx->sip ? ctx->sip->n_realms : 0)));
}

/*
 * What the heap holds now (glibc's count), next to calls_active: VmRSS
 * keeps what the heap once held, since freed chunks between live ones
 * (a call's set-up transactions, freed 32 s after it) stay mapped.
 */
static int memory_handler(void *arg, const json_t *params,
			  struct ctl_reply *rep)
{
	struct b2b_ctx *ctx = arg;
	struct mallinfo2 mi = mallinfo2();

	(void)params;
	return ctl_reply_set_result(rep, json_pack(
		"{s:i, s:I, s:I, s:I}",
		"calls_active", (int)ctx->calls->n_active,
		"heap_in_use_kib", (json_int_t)((mi.uordblks + mi.hblkhd) / 1024),
		"heap_free_kib", (json_int_t)(mi.fordblks / 1024),
		"heap_mapped_kib", (json_int_t)((mi.arena + mi.hblkhd) / 1024)));
}

int b2b_call_ctl_register(struct b2b_ctx *ctx)
{
	const struct ctl_command cmds[] = {
		{ "call.list", "show calls", "[account=USER@DOMAIN]",
		  "calls in progress, or those of one account; a prepaid "
		  "call shows its reserved credit and time left",
		  0, 1, list_handler, ctx },
		{ "call.show", "show call", "ID",
		  "one call in detail, with the gateways tried",
		  1, 1, show_handler, ctx },
		{ "call.kill", "kill call", "ID",
		  "hang a call up (BYE, or CANCEL and 487 while ringing)",
		  1, 1, kill_handler, ctx },
		{ "sip.stats", "show sip", NULL,
		  "call counters of the SIP core", 0, 0, stats_handler, ctx },
		{ "sip.memory", "show memory", NULL,
		  "sbcd's heap: in use, free and mapped (glibc's mallinfo2), "
		  "with the calls up", 0, 0, memory_handler, ctx },
	};

	return ctl_registry_add_all(ctx->ctl_reg, cmds,
				    sizeof(cmds) / sizeof(cmds[0]));
}
