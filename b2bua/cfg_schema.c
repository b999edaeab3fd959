/*
 * The configuration schema: a table per group saying, for every key, its
 * type, range, default and the field of struct cfg it fills; and the one
 * generic walker that applies a table to a libconfig group.  Unknown keys,
 * wrong types, out-of-range values, missing required keys and defaults are
 * all handled here, once.  conf/sbc.conf documents the same keys for
 * operators: change both together.
 */
#include "cfg_pvt.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/un.h>

enum ktype {
	K_INT,		/* integer, range-checked, stored as 2, 4 or 8 bytes */
	K_STR,		/* string into a char array */
	K_NAME,		/* string matching [a-z0-9_-]{1,31} */
	K_IP,		/* IPv4 or IPv6 address into a struct cfg_ip */
	K_IPS,		/* one address (a string) or an array of them into
			 * struct cfg_ip[n] */
	K_ENUM,		/* one of a fixed set of words, stored as an int */
	K_BOOL,		/* true or false into a bool */
	K_STRVEC,	/* array of strings into char[n][elem_size] */
	K_GROUP,	/* nested group: its keys are relative to off */
	K_LIST,		/* list of groups into an array of structs */
};

#define F_EVEN 0x1	/* K_INT: must be even */
#define F_POW2 0x2	/* K_INT: must be a power of two */
#define F_UNICAST 0x4	/* K_IP: neither unspecified nor multicast */
#define F_PATH 0x8	/* K_NAME: or an absolute path /DIR/NAME */

struct enum_val {
	const char *name;
	int val;
};

struct key {
	const char *name;
	enum ktype type;
	bool req;
	unsigned flags;
	size_t off;		/* field offset in the enclosing struct */
	size_t size;		/* field size in bytes */
	/*
	 * K_INT: value range.  K_LIST, K_STRVEC, K_IPS: element count range.
	 * K_STR: max holds the longest accepted string when it is shorter
	 * than the buffer (a UNIX socket path).
	 */
	long long min, max;
	long long def;		/* K_INT, K_ENUM, K_BOOL default */
	const char *def_str;	/* K_STR, K_NAME default; NULL = empty */
	const char *note;	/* K_INT: reason given with a range error */
	const char *charset;	/* K_STR, K_STRVEC: the only characters allowed */
	const struct enum_val *vals;	/* K_ENUM */
	const struct key *sub;	/* K_GROUP, K_LIST members; ends at NULL name */
	size_t elem_size;	/* K_LIST, K_STRVEC, K_IPS: array stride */
	size_t count_off;	/* K_LIST, K_STRVEC, K_IPS: unsigned element
				 * count */
};

#define AT(type, field) \
	.off = offsetof(struct type, field), \
	.size = sizeof(((struct type *)0)->field)
#define ARRAY(type, field, count) \
	AT(type, field), \
	.elem_size = sizeof(((struct type *)0)->field[0]), \
	.count_off = offsetof(struct type, count)

static const struct enum_val log_levels[] = {
	{ "err", LOG_LEVEL_ERR },
	{ "warn", LOG_LEVEL_WARN },
	{ "notice", LOG_LEVEL_NOTICE },
	{ "info", LOG_LEVEL_INFO },
	{ "debug", LOG_LEVEL_DEBUG },
	{ NULL, 0 },
};

static const struct enum_val transports[] = {
	{ "udp", CFG_TRANSPORT_UDP },
	{ "tcp", CFG_TRANSPORT_TCP },
	{ "tls", CFG_TRANSPORT_TLS },
	{ NULL, 0 },
};

static const struct enum_val srtp_policies[] = {
	{ "off", CFG_SRTP_OFF },
	{ "optional", CFG_SRTP_OPTIONAL },
	{ "required", CFG_SRTP_REQUIRED },
	{ NULL, 0 },
};

static const struct enum_val latching_modes[] = {
	{ "off", CFG_LATCH_OFF },
	{ "latch", CFG_LATCH_FIRST },
	{ "relatch", CFG_LATCH_SSRC },
	{ NULL, 0 },
};

static const struct enum_val refer_modes[] = {
	{ "refuse", CFG_REFER_REFUSE },
	{ "relay", CFG_REFER_RELAY },
	{ NULL, 0 },
};

static const struct enum_val on_off[] = {
	{ "off", 0 },
	{ "on", 1 },
	{ NULL, 0 },
};

static const struct enum_val forking_modes[] = {
	{ "parallel", CFG_FORK_PARALLEL },
	{ "sequential", CFG_FORK_SEQUENTIAL },
	{ NULL, 0 },
};

static const struct enum_val digest_modes[] = {
	{ "sha256-md5", CFG_DIGEST_SHA256_MD5 },
	{ "md5", CFG_DIGEST_MD5 },
	{ NULL, 0 },
};

static const struct enum_val exception_modes[] = {
	{ "auto", CFG_EXCEPTION_AUTO },
	{ "on", CFG_EXCEPTION_ON },
	{ "off", CFG_EXCEPTION_OFF },
	{ NULL, 0 },
};

static const struct key log_keys[] = {
	{ "level", K_ENUM, AT(cfg_log, level), .vals = log_levels,
	  .def = LOG_LEVEL_INFO },
	{ .name = NULL },
};

static const struct key paths_keys[] = {
	{ "store", K_STR, AT(cfg_paths, store_dir), .def_str = "/var/lib/sbc" },
	{ "store_max_mb", K_INT, AT(cfg_paths, store_max_mb), .min = 1,
	  .max = 1024 * 1024, .def = 1024 },
	{ "flow_table", K_NAME, .flags = F_PATH, AT(cfg_paths, flow_table),
	  .def_str = "sbc_flows" },
	{ "control_socket", K_STR, AT(cfg_paths, control_socket),
	  .max = sizeof(((struct sockaddr_un *)0)->sun_path) - 1,
	  .def_str = "/run/sbc/sbcd.sock" },
	{ "pid_file", K_STR, AT(cfg_paths, pid_file),
	  .def_str = "/run/sbc/sbcd.pid" },
	{ .name = NULL },
};

/* A port of 0 stands for "the transport's default", filled in later. */
static const struct key listen_keys[] = {
	{ "transport", K_ENUM, .req = true, AT(cfg_listen, transport),
	  .vals = transports },
	{ "address", K_IP, .req = true, .flags = F_UNICAST,
	  AT(cfg_listen, addr) },
	{ "port", K_INT, AT(cfg_listen, port), .min = 1, .max = 65535 },
	{ .name = NULL },
};

/*
 * The media port range lives in the realm struct itself, so this group's
 * keys are relative to struct cfg_realm (the group's offset is 0).
 */
static const struct key media_ports_keys[] = {
	{ "min", K_INT, .req = true, .flags = F_EVEN,
	  AT(cfg_realm, media_port_min), .min = 1024, .max = 65534,
	  .note = "the first port of an RTP/RTCP pair" },
	{ "max", K_INT, .req = true, AT(cfg_realm, media_port_max),
	  .min = 1025, .max = 65535 },
	{ .name = NULL },
};

static const struct key dialplan_keys[] = {
	{ "match", K_STR, AT(cfg_dialplan_rule, match) },
	{ "replace", K_STR, AT(cfg_dialplan_rule, replace) },
	{ "strip", K_INT, AT(cfg_dialplan_rule, strip), .max = 32 },
	{ "prefix", K_STR, AT(cfg_dialplan_rule, prefix),
	  .charset = "+0123456789" },
	{ .name = NULL },
};

static const struct key realm_keys[] = {
	{ "name", K_NAME, .req = true, AT(cfg_realm, name) },
	{ "sip", K_LIST, .req = true, ARRAY(cfg_realm, listen, n_listen),
	  .min = 1, .max = CFG_MAX_LISTEN, .sub = listen_keys },
	/* "A" or [ "A", "B", ... ]: several when one address's ports are
	 * too few for the calls (cfg_check() checks the set) */
	{ "media_address", K_IPS, .req = true, .flags = F_UNICAST,
	  ARRAY(cfg_realm, media_addrs, n_media_addrs), .min = 1,
	  .max = CFG_MAX_MEDIA_ADDRS },
	{ "media_ports", K_GROUP, .req = true, .sub = media_ports_keys },
	/* left out: the first sip address, filled in by cfg_check() */
	{ "msrp_address", K_IP, .flags = F_UNICAST, AT(cfg_realm, msrp_addr) },
	{ "msrp_port", K_INT, AT(cfg_realm, msrp_port), .min = 1,
	  .max = 65535, .def = 2855 },
	{ "msrp_tls_port", K_INT, AT(cfg_realm, msrp_tls_port), .min = 1,
	  .max = 65535, .def = 2856 },
	{ "srtp", K_ENUM, AT(cfg_realm, srtp), .vals = srtp_policies,
	  .def = CFG_SRTP_OFF },
	{ "latching", K_ENUM, AT(cfg_realm, latching), .vals = latching_modes,
	  .def = CFG_LATCH_FIRST },
	{ "refer", K_ENUM, AT(cfg_realm, refer), .vals = refer_modes,
	  .def = CFG_REFER_REFUSE },
	/* left out: timers.rtp_timeout, filled in by cfg_check() */
	{ "rtp_timeout", K_INT, AT(cfg_realm, rtp_timeout), .max = 86400 },
	{ "subscribers", K_BOOL, AT(cfg_realm, subscribers), .def = false },
	{ "forking", K_ENUM, AT(cfg_realm, forking), .vals = forking_modes,
	  .def = CFG_FORK_PARALLEL },
	{ "digest", K_ENUM, AT(cfg_realm, digest), .vals = digest_modes,
	  .def = CFG_DIGEST_SHA256_MD5 },
	{ "tls_cert", K_STR, AT(cfg_realm, tls_cert) },
	{ "tls_key", K_STR, AT(cfg_realm, tls_key) },
	{ "dialplan", K_LIST, ARRAY(cfg_realm, dialplan, n_dialplan),
	  .max = CFG_MAX_DIALPLAN, .sub = dialplan_keys },
	{ "insufficient_credit_status", K_INT,
	  AT(cfg_realm, insufficient_credit_status), .min = 402, .max = 403,
	  .def = 402, .note = "402 Payment Required or 403 Forbidden" },
	{ .name = NULL },
};

static const struct key dp_port_keys[] = {
	{ "name", K_NAME, .req = true, AT(cfg_dp_port, name) },
	{ "device", K_STR, .req = true, AT(cfg_dp_port, device) },
	{ "realm", K_NAME, .req = true, AT(cfg_dp_port, realm) },
	{ "gateway", K_IP, .flags = F_UNICAST, AT(cfg_dp_port, gateway) },
	{ "vlan", K_INT, AT(cfg_dp_port, vlan), .max = 4094, .def = 0,
	  .note = "IEEE 802.1Q: VLAN ids 1-4094; 0 = untagged" },
	{ "rx_queues", K_INT, AT(cfg_dp_port, rx_queues), .min = 1,
	  .max = 16, .def = 1 },
	{ "exception", K_ENUM, AT(cfg_dp_port, exception),
	  .vals = exception_modes, .def = CFG_EXCEPTION_AUTO },
	{ .name = NULL },
};

static const struct key dp_keys[] = {
	{ "eal_args", K_STRVEC, ARRAY(cfg_dataplane, eal_args, n_eal_args),
	  .max = CFG_MAX_EAL_ARGS },
	{ "lcores", K_STR, AT(cfg_dataplane, lcores), .def_str = "0-1",
	  .charset = "0123456789,-@()" },
	{ "flow_table_size", K_INT, .flags = F_POW2,
	  AT(cfg_dataplane, flow_table_size), .min = 1024,
	  .max = 16 * 1024 * 1024, .def = 65536 },
	{ "mbufs", K_INT, AT(cfg_dataplane, mbufs), .min = 1023,
	  .max = 16 * 1024 * 1024 - 1, .def = 16383 },
	{ "burst", K_INT, AT(cfg_dataplane, burst), .min = 1, .max = 256,
	  .def = 32 },
	{ "msrp_sessions", K_INT, AT(cfg_dataplane, msrp_sessions),
	  .max = 100000, .def = 1024 },
	{ "msrp_max_chunk", K_INT, AT(cfg_dataplane, msrp_max_chunk),
	  .min = 2048, .max = 16 * 1024 * 1024, .def = 65536,
	  .note = "RFC 4975 section 7.1.1: receivers take chunks of 2048 bytes" },
	{ "msrp_tls_ca", K_STR, AT(cfg_dataplane, msrp_tls_ca) },
	{ "ports", K_LIST, ARRAY(cfg_dataplane, ports, n_ports),
	  .max = CFG_MAX_DP_PORTS, .sub = dp_port_keys },
	{ .name = NULL },
};

static const struct key timers_keys[] = {
	{ "rtp_timeout", K_INT, AT(cfg_timers, rtp_timeout), .max = 86400,
	  .def = 30 },
	{ "session_expires", K_INT, AT(cfg_timers, session_expires),
	  .min = 90, .max = 86400, .def = 1800,
	  .note = "RFC 4028 section 4: not below Min-SE, itself at least 90" },
	{ "min_se", K_INT, AT(cfg_timers, min_se), .min = 90, .max = 86400,
	  .def = 90, .note = "RFC 4028 section 4: Min-SE is at least 90" },
	{ "max_call_duration", K_INT, AT(cfg_timers, max_call_duration),
	  .max = 7 * 86400, .def = 14400 },
	{ "registration_min", K_INT, AT(cfg_timers, registration_min),
	  .min = 1, .max = 86400, .def = 60 },
	{ "registration_max", K_INT, AT(cfg_timers, registration_max),
	  .min = 1, .max = 7 * 86400, .def = 3600 },
	{ "gateway_ping", K_INT, AT(cfg_timers, gateway_ping), .max = 3600,
	  .def = 30 },
	{ "credit_checkpoint", K_INT, AT(cfg_timers, credit_checkpoint),
	  .min = 1, .max = 5, .def = 5,
	  .note = "prepaid calls are checkpointed at least every 5 s" },
	{ .name = NULL },
};

static const struct key limits_keys[] = {
	{ "max_calls", K_INT, AT(cfg_limits, max_calls), .min = 1,
	  .max = 1000000, .def = 50000 },
	{ "max_cps", K_INT, AT(cfg_limits, max_cps), .min = 1,
	  .max = 100000, .def = 2000 },
	{ "max_registrations", K_INT, AT(cfg_limits, max_registrations),
	  .min = 1, .max = 10000000, .def = 100000 },
	{ "ctl_max_clients", K_INT, AT(cfg_limits, ctl_max_clients),
	  .min = 1, .max = 1024, .def = 16 },
	{ "ctl_max_request", K_INT, AT(cfg_limits, ctl_max_request),
	  .min = 1024, .max = 16 * 1024 * 1024, .def = 4194304 },
	{ .name = NULL },
};

/* RFC 3428 section 8: 1300 bytes outside a congestion-controlled transport */
static const struct key message_keys[] = {
	{ "max_body", K_INT, AT(cfg_message, max_body), .min = 1,
	  .max = 65536, .def = 1300 },
	{ "max_pending", K_INT, AT(cfg_message, max_pending), .min = 1,
	  .max = 100000, .def = 1024 },
	{ "service_uri", K_STR, AT(cfg_message, service_uri),
	  .charset = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		     "0123456789:@.-_+[]" },
	{ "balance_keyword", K_STR, AT(cfg_message, balance_keyword),
	  .def_str = "BALANCE",
	  .charset = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		     "0123456789-_" },
	{ "notify_refused", K_ENUM, AT(cfg_message, notify_refused),
	  .vals = on_off, .def = 0 },
	{ "notify_before", K_INT, AT(cfg_message, notify_before),
	  .max = 3600, .def = 0 },
	{ "notify_cutoff", K_ENUM, AT(cfg_message, notify_cutoff),
	  .vals = on_off, .def = 0 },
	{ .name = NULL },
};

static const struct key root_keys[] = {
	{ "log", K_GROUP, AT(cfg, log), .sub = log_keys },
	{ "paths", K_GROUP, AT(cfg, paths), .sub = paths_keys },
	{ "realms", K_LIST, .req = true, ARRAY(cfg, realms, n_realms),
	  .min = 1, .max = CFG_MAX_REALMS, .sub = realm_keys },
	{ "dataplane", K_GROUP, AT(cfg, dp), .sub = dp_keys },
	{ "timers", K_GROUP, AT(cfg, timers), .sub = timers_keys },
	{ "limits", K_GROUP, AT(cfg, limits), .sub = limits_keys },
	{ "message", K_GROUP, AT(cfg, message), .sub = message_keys },
	{ "emergency_numbers", K_STRVEC, ARRAY(cfg, emergency, n_emergency),
	  .max = CFG_MAX_EMERGENCY, .charset = "+0123456789" },
	{ .name = NULL },
};

static bool ip_is_unicast(const struct cfg_ip *ip)
{
	if (ip->af == AF_INET) {
		uint32_t a = ntohl(ip->u.v4.s_addr);

		return a != INADDR_ANY && !IN_MULTICAST(a) &&
		       a != INADDR_BROADCAST;
	}
	return !IN6_IS_ADDR_UNSPECIFIED(&ip->u.v6) &&
	       !IN6_IS_ADDR_MULTICAST(&ip->u.v6);
}

static bool name_ok(const char *s)
{
	size_t n = strlen(s);

	return n >= 1 && n < CFG_NAME_MAX &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

/*
 * An absolute path of at most @size - 1 bytes whose last part is a name
 * and whose directory is not "/": /dev/hugepages/sbc_flows, not /sbc_flows.
 * Not "map_" in the name: DPDK's EAL deletes such files in its hugepage
 * directory when it starts (see ft_create_or_attach()).
 */
static bool name_path_ok(const char *s, size_t size)
{
	const char *base = strrchr(s, '/') + 1;
	size_t n = strlen(s);

	if (n >= size || base - s < 2 || !name_ok(base) ||
	    strstr(base, "map_"))
		return false;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return false;
	return true;
}

static const char *enum_name(const struct enum_val *vals, int val)
{
	for (; vals->name; vals++)
		if (vals->val == val)
			return vals->name;
	return "?";
}

const char *cfg_transport_name(enum cfg_transport t)
{
	return enum_name(transports, t);
}

const char *cfg_srtp_name(enum cfg_srtp_policy p)
{
	return enum_name(srtp_policies, p);
}

const char *cfg_latching_name(enum cfg_latching l)
{
	return enum_name(latching_modes, l);
}

/* put_int() stores enum fields as 4-byte integers. */
_Static_assert(sizeof(enum log_level) == 4 &&
	       sizeof(enum cfg_transport) == 4 &&
	       sizeof(enum cfg_srtp_policy) == 4 &&
	       sizeof(enum cfg_latching) == 4 &&
	       sizeof(enum cfg_digest) == 4, "enum fields must be 4 bytes");

/* Store @v into an integer field of @size bytes (2, 4 or 8). */
static void put_int(char *field, size_t size, long long v)
{
	if (size == sizeof(uint16_t)) {
		uint16_t x = (uint16_t)v;

		memcpy(field, &x, sizeof(x));
	} else if (size == sizeof(uint32_t)) {
		uint32_t x = (uint32_t)v;

		memcpy(field, &x, sizeof(x));
	} else {
		uint64_t x = (uint64_t)v;

		memcpy(field, &x, sizeof(x));
	}
}

static int walk_group(struct cfg_ctx *c, const config_setting_t *grp,
		      const config_setting_t *parent, const struct key *keys,
		      char *base, const char *path);

/*
 * The path of member @name, or (@name NULL) of list element @index, of
 * @path.  Schema paths are short; only an unknown key's own name can be
 * long, and then the path ends in "..." to show it was cut.
 */
static void join(char *out, const char *path, const char *name, int index)
{
	int n;

	if (name)
		n = snprintf(out, CFG_SETTING_PATH_MAX, "%s%s%s", path,
			     *path ? "." : "", name);
	else
		n = snprintf(out, CFG_SETTING_PATH_MAX, "%s.[%d]", path, index);
	if (n >= CFG_SETTING_PATH_MAX)
		memcpy(out + CFG_SETTING_PATH_MAX - 4, "...", 4);
}

/* Checks shared by every string: @max is the longest accepted length. */
static int check_string(struct cfg_ctx *c, const config_setting_t *s,
			const char *path, const char *v, size_t max,
			const char *charset)
{
	size_t n = strlen(v);

	if (n == 0)
		return cfg_fail(c, s, path, "must not be empty");
	if (n > max)
		return cfg_fail(c, s, path, "must be at most %zu bytes long",
				max);
	for (const char *p = v; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return cfg_fail(c, s, path,
					"must not contain control characters");
	if (charset && strspn(v, charset) != n)
		return cfg_fail(c, s, path,
				"may contain only the characters \"%s\"",
				charset);
	return 0;
}

static int load_int(struct cfg_ctx *c, const struct key *k,
		    const config_setting_t *s, char *base, const char *path)
{
	int type = config_setting_type(s);
	char why[96] = "";
	long long v;

	if (type != CONFIG_TYPE_INT && type != CONFIG_TYPE_INT64)
		return cfg_fail(c, s, path, "must be an integer");
	if (k->note)
		snprintf(why, sizeof(why), " (%s)", k->note);
	v = config_setting_get_int64(s);
	if (v < k->min || v > k->max)
		return cfg_fail(c, s, path, "must be between %lld and %lld%s",
				k->min, k->max, why);
	if ((k->flags & F_EVEN) && v % 2)
		return cfg_fail(c, s, path, "must be even%s", why);
	if ((k->flags & F_POW2) && (v & (v - 1)))
		return cfg_fail(c, s, path, "must be a power of two");
	put_int(base + k->off, k->size, v);
	return 0;
}

static int load_enum(struct cfg_ctx *c, const struct key *k,
		     const config_setting_t *s, const char *v, char *base,
		     const char *path)
{
	char list[128] = "";
	size_t n = 0;

	for (const struct enum_val *e = k->vals; e->name; e++) {
		if (strcmp(v, e->name) == 0) {
			put_int(base + k->off, k->size, e->val);
			return 0;
		}
	}
	for (const struct enum_val *e = k->vals; e->name && n < sizeof(list);
	     e++)
		n += snprintf(list + n, sizeof(list) - n, "%s\"%s\"",
			      e == k->vals ? "" : ", ", e->name);
	return cfg_fail(c, s, path, "\"%.64s\" is not one of %s", v, list);
}

static int load_ip(struct cfg_ctx *c, const struct key *k,
		   const config_setting_t *s, const char *v, char *base,
		   const char *path)
{
	struct cfg_ip ip;

	if (cfg_ip_parse(v, &ip))
		return cfg_fail(c, s, path,
				"\"%.64s\" is not an IPv4 or IPv6 address", v);
	if ((k->flags & F_UNICAST) && !ip_is_unicast(&ip))
		return cfg_fail(c, s, path, "%s is not a unicast address",
				ip.text);
	memcpy(base + k->off, &ip, sizeof(ip));
	return 0;
}

static int load_scalar_string(struct cfg_ctx *c, const struct key *k,
			      const config_setting_t *s, char *base,
			      const char *path)
{
	const char *v;
	int ret;

	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return cfg_fail(c, s, path, "must be a string");
	v = config_setting_get_string(s);
	switch (k->type) {
	case K_NAME:
		if ((k->flags & F_PATH) && v[0] == '/') {
			if (!name_path_ok(v, k->size))
				return cfg_fail(c, s, path,
						"\"%.64s\" does not match "
						"/DIR/[a-z0-9_-]{1,31} (no "
						"\"map_\" in it)", v);
			break;
		}
		if (!name_ok(v))
			return cfg_fail(c, s, path,
					"\"%.64s\" does not match [a-z0-9_-]{1,31}",
					v);
		break;
	case K_STR:
		ret = check_string(c, s, path, v,
				   k->max ? (size_t)k->max : k->size - 1,
				   k->charset);
		if (ret)
			return ret;
		break;
	case K_IP:
		return load_ip(c, k, s, v, base, path);
	default:
		return load_enum(c, k, s, v, base, path);
	}
	memcpy(base + k->off, v, strlen(v) + 1);
	return 0;
}

/* Check an aggregate's element count against the key's range. */
static int check_count(struct cfg_ctx *c, const struct key *k,
		       const config_setting_t *s, const char *path)
{
	int n = config_setting_length(s);

	if (n < k->min)
		return cfg_fail(c, s, path, "must have at least %lld element%s",
				k->min, k->min == 1 ? "" : "s");
	if (n > k->max)
		return cfg_fail(c, s, path, "too many elements (at most %lld)",
				k->max);
	return 0;
}

static int load_strvec(struct cfg_ctx *c, const struct key *k,
		       const config_setting_t *s, char *base, const char *path)
{
	int type = config_setting_type(s);
	unsigned n;
	int ret;

	if (type != CONFIG_TYPE_ARRAY && type != CONFIG_TYPE_LIST)
		return cfg_fail(c, s, path,
				"must be an array of strings [ ... ]");
	ret = check_count(c, k, s, path);
	if (ret)
		return ret;
	n = (unsigned)config_setting_length(s);
	for (unsigned i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, i);
		char sub[CFG_SETTING_PATH_MAX];
		const char *v;

		join(sub, path, NULL, (int)i);
		if (config_setting_type(e) != CONFIG_TYPE_STRING)
			return cfg_fail(c, e, sub, "must be a string");
		v = config_setting_get_string(e);
		ret = check_string(c, e, sub, v, k->elem_size - 1, k->charset);
		if (ret)
			return ret;
		memcpy(base + k->off + i * k->elem_size, v, strlen(v) + 1);
	}
	memcpy(base + k->count_off, &n, sizeof(n));
	return 0;
}

/* one address, or an array (or list) of addresses */
static int load_ips(struct cfg_ctx *c, const struct key *k,
		    const config_setting_t *s, char *base, const char *path)
{
	int type = config_setting_type(s);
	const struct key one = { .flags = k->flags };
	unsigned n;
	int ret;

	if (type == CONFIG_TYPE_STRING) {
		ret = load_ip(c, &one, s, config_setting_get_string(s),
			      base + k->off, path);
		n = 1;
		if (!ret)
			memcpy(base + k->count_off, &n, sizeof(n));
		return ret;
	}
	if (type != CONFIG_TYPE_ARRAY && type != CONFIG_TYPE_LIST)
		return cfg_fail(c, s, path,
				"must be an address or an array of addresses [ ... ]");
	ret = check_count(c, k, s, path);
	if (ret)
		return ret;
	n = (unsigned)config_setting_length(s);
	for (unsigned i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, i);
		char sub[CFG_SETTING_PATH_MAX];

		join(sub, path, NULL, (int)i);
		if (config_setting_type(e) != CONFIG_TYPE_STRING)
			return cfg_fail(c, e, sub, "must be a string");
		ret = load_ip(c, &one, e, config_setting_get_string(e),
			      base + k->off + i * k->elem_size, sub);
		if (ret)
			return ret;
	}
	memcpy(base + k->count_off, &n, sizeof(n));
	return 0;
}

static int load_list(struct cfg_ctx *c, const struct key *k,
		     const config_setting_t *s, char *base, const char *path)
{
	unsigned n;
	int ret;

	if (config_setting_type(s) != CONFIG_TYPE_LIST)
		return cfg_fail(c, s, path, "must be a list ( ... )");
	ret = check_count(c, k, s, path);
	if (ret)
		return ret;
	n = (unsigned)config_setting_length(s);
	for (unsigned i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, i);
		char sub[CFG_SETTING_PATH_MAX];

		join(sub, path, NULL, (int)i);
		if (config_setting_type(e) != CONFIG_TYPE_GROUP)
			return cfg_fail(c, e, sub, "must be a group { ... }");
		ret = walk_group(c, e, s, k->sub,
				 base + k->off + i * k->elem_size, sub);
		if (ret)
			return ret;
	}
	memcpy(base + k->count_off, &n, sizeof(n));
	return 0;
}

static int load_key(struct cfg_ctx *c, const struct key *k,
		    const config_setting_t *s, char *base, const char *path)
{
	switch (k->type) {
	case K_INT:
		return load_int(c, k, s, base, path);
	case K_STRVEC:
		return load_strvec(c, k, s, base, path);
	case K_IPS:
		return load_ips(c, k, s, base, path);
	case K_LIST:
		return load_list(c, k, s, base, path);
	case K_GROUP:
		if (config_setting_type(s) != CONFIG_TYPE_GROUP)
			return cfg_fail(c, s, path, "must be a group { ... }");
		return walk_group(c, s, s, k->sub, base + k->off, path);
	case K_BOOL:
		if (config_setting_type(s) != CONFIG_TYPE_BOOL)
			return cfg_fail(c, s, path, "must be true or false");
		*(bool *)(base + k->off) = config_setting_get_bool(s);
		return 0;
	default:
		return load_scalar_string(c, k, s, base, path);
	}
}

/* Fill in a key that is absent from @parent, or fail if it is required. */
static int apply_default(struct cfg_ctx *c, const struct key *k,
			 const config_setting_t *parent, char *base,
			 const char *path)
{
	if (k->req)
		return cfg_fail(c, parent, path, "missing required setting");
	switch (k->type) {
	case K_INT:
	case K_ENUM:
		put_int(base + k->off, k->size, k->def);
		break;
	case K_BOOL:
		*(bool *)(base + k->off) = k->def;
		break;
	case K_STR:
	case K_NAME:
		if (k->def_str)
			snprintf(base + k->off, k->size, "%s", k->def_str);
		break;
	case K_GROUP:
		return walk_group(c, NULL, parent, k->sub, base + k->off, path);
	case K_IP:		/* af 0: not set */
	case K_IPS:
	case K_LIST:		/* no elements */
	case K_STRVEC:
		break;
	}
	return 0;
}

/*
 * Load the members of group @grp into @base following @keys.  @grp is NULL
 * when the whole group was left out: every key then takes its default, and a
 * missing required key is reported at @parent.  Members are visited in file
 * order so the first problem reported is the first one in the file.
 */
static int walk_group(struct cfg_ctx *c, const config_setting_t *grp,
		      const config_setting_t *parent, const struct key *keys,
		      char *base, const char *path)
{
	char sub[CFG_SETTING_PATH_MAX];
	int ret;

	for (int i = 0; grp && i < config_setting_length(grp); i++) {
		const config_setting_t *m = config_setting_get_elem(grp, i);
		const struct key *k = keys;

		while (k->name && strcmp(k->name, config_setting_name(m)))
			k++;
		join(sub, path, config_setting_name(m), -1);
		if (!k->name)
			return cfg_fail(c, m, sub, "unknown setting");
		ret = load_key(c, k, m, base, sub);
		if (ret)
			return ret;
	}
	for (const struct key *k = keys; k->name; k++) {
		if (grp && config_setting_get_member(grp, k->name))
			continue;
		join(sub, path, k->name, -1);
		ret = apply_default(c, k, grp ? grp : parent, base, sub);
		if (ret)
			return ret;
	}
	return 0;
}

int cfg_schema_load(struct cfg_ctx *c, struct cfg *cfg)
{
	return walk_group(c, c->root, c->root, root_keys, (char *)cfg, "");
}
