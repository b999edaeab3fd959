/*
 * Daemon-wide control commands: sbc.status (what an operator looks at
 * first), sbc.version, and log.level (read or change the level at run time).
 */
#include <errno.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include <sofia-sip/su_config.h>
#include <sofia-sip/sofia_features.h>

#include "ctl_registry.h"
#include "ctl_server.h"
#include "log.h"
#include "sbcd.h"
#include "store.h"

static json_t *realm_json(const struct cfg_realm *r)
{
	json_t *sip = json_array();
	json_t *media = json_array();
	char ports[16];

	for (unsigned i = 0; i < r->n_listen; i++) {
		const struct cfg_listen *l = &r->listen[i];
		const char *fmt = l->addr.af == AF_INET6 ? "%s:[%s]:%u" : "%s:%s:%u";

		json_array_append_new(sip, json_sprintf(fmt,
			cfg_transport_name(l->transport), l->addr.text,
			l->port));
	}
	for (unsigned i = 0; i < r->n_media_addrs; i++)
		json_array_append_new(media,
				      json_string(r->media_addrs[i].text));
	snprintf(ports, sizeof(ports), "%u-%u", r->media_port_min,
		 r->media_port_max);
	/* media_address: the first, as before there could be several */
	return json_pack("{s:s, s:o, s:s, s:o, s:s, s:s}", "name", r->name,
			 "sip", sip, "media_address", r->media_addrs[0].text,
			 "media_addresses", media, "media_ports", ports,
			 "srtp", cfg_srtp_name(r->srtp));
}

/* Record counts per store database; a failing count is reported, not fatal. */
static json_t *store_json(struct store *st)
{
	json_t *obj = json_object();

	for (int db = 0; db < STORE_DB_COUNT; db++) {
		size_t n;

		if (store_count(st, (enum store_db)db, &n) == 0)
			json_object_set_new(obj, store_db_name((enum store_db)db),
					    json_integer((json_int_t)n));
		else
			json_object_set_new(obj, store_db_name((enum store_db)db),
					    json_null());
	}
	return obj;
}

static int status_handler(void *arg, const json_t *params,
			  struct ctl_reply *rep)
{
	struct b2b_ctx *ctx = arg;
	const struct cfg *cfg = ctx->cfg;
	struct timespec now;
	struct tm tm;
	char started[32];
	json_t *realms = json_array();

	(void)params;
	clock_gettime(CLOCK_MONOTONIC, &now);
	gmtime_r(&ctx->started_wall, &tm);
	strftime(started, sizeof(started), "%Y-%m-%dT%H:%M:%SZ", &tm);
	for (unsigned i = 0; i < cfg->n_realms; i++)
		json_array_append_new(realms, realm_json(&cfg->realms[i]));

	return ctl_reply_set_result(rep, json_pack(
		"{s:s, s:i, s:s, s:I, s:s, s:s, s:o, s:o, s:i}",
		"version", SBC_VERSION,
		"pid", (int)getpid(),
		"started", started,
		"uptime_s", (json_int_t)(now.tv_sec - ctx->started.tv_sec),
		"config", cfg->file,
		"log_level", log_level_name(log_get_level()),
		"realms", realms,
		"store", store_json(ctx->store),
		"ctl_clients", (int)ctl_server_clients(ctx->ctl)));
}

static int version_handler(void *arg, const json_t *params,
			   struct ctl_reply *rep)
{
	(void)arg;
	(void)params;
	return ctl_reply_set_result(rep, json_pack("{s:s, s:s, s:s}",
		"version", SBC_VERSION, "sofia_sip", SOFIA_SIP_VERSION,
		"jansson", JANSSON_VERSION));
}

static int log_level_handler(void *arg, const json_t *params,
			     struct ctl_reply *rep)
{
	const char *name;
	enum log_level level;

	(void)arg;
	if (ctl_param_string(params, 0, "level", &name) == 0) {
		if (log_level_parse(name, &level) < 0)
			return ctl_reply_error(rep, CTL_ERR_INVALID_PARAMS,
				"unknown log level '%s' (err, warn, notice, info, debug)",
				name);
		if (level != log_get_level())
			log_notice("log level %s -> %s",
				   log_level_name(log_get_level()),
				   log_level_name(level));
		log_set_level(level);
	}
	return ctl_reply_set_result(rep, json_pack("{s:s}", "level",
		log_level_name(log_get_level())));
}

int b2b_status_register(struct b2b_ctx *ctx)
{
	const struct ctl_command cmds[] = {
		{ "sbc.status", "status", NULL,
		  "version, uptime, realms and their sockets, record counts",
		  0, 0, status_handler, ctx },
		{ "sbc.version", "version", NULL,
		  "versions of sbcd and the libraries it runs on",
		  0, 0, version_handler, ctx },
		{ "log.level", "log level", "[err|warn|notice|info|debug]",
		  "show or set the log level of the running daemon",
		  0, 1, log_level_handler, ctx },
	};

	return ctl_registry_add_all(ctx->ctl_reg, cmds,
				    sizeof(cmds) / sizeof(cmds[0]));
}
