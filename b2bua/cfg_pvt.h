/*
 * Private to the configuration loader (cfg.c, cfg_schema.c, cfg_check.c):
 * the load context and the error reporting they share.  Nothing outside
 * these files includes it; the public interface is cfg.h.
 *
 * A load runs in three steps, one per file: cfg.c turns the text into a
 * libconfig tree, cfg_schema.c walks the tree into struct cfg following the
 * key tables (types, ranges, defaults, unknown keys), and cfg_check.c applies
 * the rules that relate several settings.  Each step stops at the first
 * problem, which is written once into the caller's error buffer.
 */
#ifndef SBC_CFG_PVT_H
#define SBC_CFG_PVT_H

#include <libconfig.h>

#include "cfg.h"

#define CFG_SETTING_PATH_MAX 256	/* "dataplane.ports.[7].gateway" */

struct cfg_ctx {
	const char *file;		/* FILE in messages */
	char *err;			/* caller's buffer, may be NULL */
	size_t errlen;
	config_setting_t *root;
};

/**
 * cfg_fail - report "FILE:LINE: PATH: message" for setting @s
 * @s: the offending setting, or the group a missing key belongs in
 * @path: the setting's path (realms.[0].name); "" for none
 *
 * @return -EINVAL, so callers can "return cfg_fail(...)".
 */
int cfg_fail(struct cfg_ctx *c, const config_setting_t *s, const char *path,
	     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/**
 * cfg_fail_key - as cfg_fail(), for setting @base.@key found by its path
 * @base: path of a group or list element ("realms.[1]")
 * @key: path below @base ("media_ports.max"), or NULL for @base itself
 *
 * When the setting was left out (it took its default), the line is that of
 * its nearest configured ancestor, which is where the operator must add it.
 *
 * @return -EINVAL.
 */
int cfg_fail_key(struct cfg_ctx *c, const char *base, const char *key,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/**
 * cfg_schema_load - fill @cfg from c->root following the key tables
 *
 * @return 0, or -EINVAL with the error reported.
 */
int cfg_schema_load(struct cfg_ctx *c, struct cfg *cfg);

/**
 * cfg_check - apply the rules that span settings; fills in derived defaults
 * (a listen's port from its transport)
 *
 * @return 0, or -EINVAL with the error reported.
 */
int cfg_check(struct cfg_ctx *c, struct cfg *cfg);

#endif
