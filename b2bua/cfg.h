/*
 * The SBC configuration: one libconfig file (conf/sbc.conf documents every
 * key) loaded into the typed, validated struct cfg below.
 *
 * sbcd, sbc-dataplane and sbcctl all read the same file, so this module is
 * linked into all three programs.  A struct cfg is plain data with fixed-size
 * arrays: it owns no pointers, can be copied with memcpy and is freed with
 * cfg_free().
 *
 * Loading is all or nothing: any unknown key, wrong type, out-of-range value,
 * overlap (port ranges, listen sockets, names) or missing required setting
 * fails the load with "FILE:LINE: what is wrong".
 */
#ifndef SBC_CFG_H
#define SBC_CFG_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "log.h"

#define CFG_NAME_MAX 32		/* realm, port names: [a-z0-9_-]{1,31} */
#define CFG_PATH_MAX 256
#define CFG_ERR_MAX 512		/* size of the buffer for a load error */
#define CFG_MAX_REALMS 8
#define CFG_MAX_LISTEN 8	/* SIP sockets per realm */
#define CFG_MAX_DP_PORTS 8
#define CFG_MAX_EAL_ARGS 32
#define CFG_EAL_ARG_MAX 128
#define CFG_MAX_DIALPLAN 16	/* dial-plan rules per realm */
#define CFG_PATTERN_MAX 256	/* a rule's regex, NUL included */
#define CFG_NUMBER_MAX 33	/* a dialled number, NUL included */
#define CFG_MAX_EMERGENCY 16
#define CFG_URI_MAX 128		/* a SIP URI setting, NUL included */
#define CFG_MAX_MEDIA_ADDRS 16	/* media addresses per realm */

enum cfg_transport {
	CFG_TRANSPORT_UDP,
	CFG_TRANSPORT_TCP,
	CFG_TRANSPORT_TLS,
};

enum cfg_srtp_policy {
	CFG_SRTP_OFF,
	CFG_SRTP_OPTIONAL,
	CFG_SRTP_REQUIRED,
};

/*
 * Latching (where the SBC sends a realm's peers their media): "off" sends
 * to the SDP's address, "latch" to the source of the first packet, and
 * "relatch" also moves when a new source brings a new SSRC.
 */
enum cfg_latching {
	CFG_LATCH_OFF,
	CFG_LATCH_FIRST,
	CFG_LATCH_SSRC,
};

/* The digest challenges a realm sends subscribers (RFC 7616, RFC 8760). */
enum cfg_digest {
	CFG_DIGEST_SHA256_MD5,	/* SHA-256, then MD5 */
	CFG_DIGEST_MD5,		/* MD5 alone, for phones that give up at the
				 * first algorithm they do not know */
};

/*
 * What sbcd does with an in-dialog REFER (RFC 3515) received in a realm:
 * answer 403, or relay it to the other leg with Refer-To rewritten.
 */
enum cfg_refer {
	CFG_REFER_REFUSE,
	CFG_REFER_RELAY,
};

/*
 * How a call reaches a subscriber registered from several contacts: all at
 * once, the first 2xx wins (RFC 3261 section 16.7), or one after the other
 * on failure like gateways.
 */
enum cfg_forking {
	CFG_FORK_PARALLEL,
	CFG_FORK_SEQUENTIAL,
};

/* Whether a dataplane port hands non-media packets to the kernel (TAP). */
enum cfg_exception {
	CFG_EXCEPTION_AUTO,	/* on for PCI devices, off for vdevs */
	CFG_EXCEPTION_ON,
	CFG_EXCEPTION_OFF,
};

/* An IPv4 or IPv6 address as configured, with its text form kept for logs. */
struct cfg_ip {
	int af;				/* AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} u;
	char text[INET6_ADDRSTRLEN];
};

struct cfg_listen {
	enum cfg_transport transport;
	struct cfg_ip addr;
	uint16_t port;
};

/*
 * A dial-plan rule (b2bua/dialplan.h): a POSIX ERE with a replacement
 * template, or strip N leading characters and add a prefix.  Empty strings
 * stand for "not set".
 */
struct cfg_dialplan_rule {
	char match[CFG_PATTERN_MAX];
	char replace[CFG_NUMBER_MAX];
	uint32_t strip;
	char prefix[CFG_NUMBER_MAX];
};

struct cfg_realm {
	char name[CFG_NAME_MAX];
	struct cfg_listen listen[CFG_MAX_LISTEN];
	unsigned n_listen;
	/* Owned by the dataplane, all of one family; each has the whole port
	 * range, and a call's leg takes all its ports on one of them. */
	struct cfg_ip media_addrs[CFG_MAX_MEDIA_ADDRS];
	unsigned n_media_addrs;		/* 1..CFG_MAX_MEDIA_ADDRS */
	struct cfg_ip msrp_addr;	/* kernel-owned, for the MSRP relay;
					 * the first sip address when not set */
	uint16_t msrp_port;		/* the relay's TCP port (RFC 4975) */
	uint16_t msrp_tls_port;		/* its TLS port (msrps:, RFC 4975
					 * section 14), with tls_cert/key */
	bool msrp;			/* relayed: dataplane.msrp_sessions > 0 */
	uint16_t media_port_min;	/* inclusive, even; on every media */
	uint16_t media_port_max;	/* address, inclusive */
	enum cfg_srtp_policy srtp;
	enum cfg_latching latching;	/* of the flows this realm's peers feed */
	enum cfg_digest digest;
	enum cfg_refer refer;		/* REFERs this realm's peers send */
	bool subscribers;		/* takes REGISTER and digest-authenticated
					 * calls and MESSAGEs */
	enum cfg_forking forking;	/* calls to this realm's subscribers */
	uint32_t rtp_timeout;		/* seconds this realm's peers may be
					 * silent, 0 = off; timers.rtp_timeout
					 * when not set */
	char tls_cert[CFG_PATH_MAX];	/* required when a listen is tls */
	char tls_key[CFG_PATH_MAX];
	/* Numbers dialled in this realm are normalised by these, in order. */
	struct cfg_dialplan_rule dialplan[CFG_MAX_DIALPLAN];
	unsigned n_dialplan;
	/* answer to a prepaid call from this realm without enough credit */
	uint32_t insufficient_credit_status;	/* 402 or 403 */
};

struct cfg_dp_port {
	char name[CFG_NAME_MAX];
	char device[CFG_PATH_MAX];	/* PCI address or vdev string */
	char realm[CFG_NAME_MAX];	/* realm whose media address it owns */
	struct cfg_ip gateway;		/* next hop; af == 0 when on-link */
	uint16_t vlan;			/* 802.1Q VID of the media, 0: none */
	uint16_t rx_queues;
	enum cfg_exception exception;
};

struct cfg_dataplane {
	char eal_args[CFG_MAX_EAL_ARGS][CFG_EAL_ARG_MAX];
	unsigned n_eal_args;
	char lcores[64];		/* EAL -l list, e.g. "0-1" */
	uint32_t flow_table_size;	/* entries, power of two */
	uint32_t mbufs;			/* mbuf pool size */
	uint16_t burst;			/* rx/tx burst size */
	uint32_t msrp_sessions;		/* MSRP relay sessions, 0 = no MSRP */
	uint32_t msrp_max_chunk;	/* bytes of one MSRP chunk's body */
	char msrp_tls_ca[CFG_PATH_MAX];	/* CAs of msrps: peers, "": none */
	struct cfg_dp_port ports[CFG_MAX_DP_PORTS];
	unsigned n_ports;
};

struct cfg_timers {
	uint32_t rtp_timeout;		/* seconds without media, 0 = off */
	uint32_t session_expires;	/* RFC 4028 Session-Expires, seconds */
	uint32_t min_se;		/* RFC 4028 Min-SE, >= 90 */
	uint32_t max_call_duration;	/* seconds, 0 = unlimited */
	uint32_t registration_min;	/* seconds */
	uint32_t registration_max;	/* seconds */
	uint32_t gateway_ping;		/* OPTIONS round, seconds, 0 = off */
	uint32_t credit_checkpoint;	/* seconds between checkpoints of the
					 * prepaid calls up, 1-5 */
};

struct cfg_limits {
	uint32_t max_calls;
	uint32_t max_cps;
	uint32_t max_registrations;
	uint32_t ctl_max_clients;
	uint32_t ctl_max_request;	/* bytes per control request */
};

struct cfg_paths {
	char store_dir[CFG_PATH_MAX];
	uint64_t store_max_mb;		/* LMDB map size */
	char flow_table[CFG_PATH_MAX];	/* shm name, or path (hugetlbfs) */
	char control_socket[CFG_PATH_MAX];
	char pid_file[CFG_PATH_MAX];
};

/* SIP MESSAGE outside calls and prepaid notices (b2bua/message.h). */
struct cfg_message {
	uint32_t max_body;		/* bytes; a larger body gets 413 */
	uint32_t max_pending;		/* relays awaiting an answer at once */
	char service_uri[CFG_URI_MAX];	/* balance service, "" = none */
	char balance_keyword[CFG_NAME_MAX];
	int notify_refused;		/* 1: prepaid call refused */
	uint32_t notify_before;		/* s before a cut-off, 0 = no warning */
	int notify_cutoff;		/* 1: prepaid call cut off */
};

struct cfg_log {
	enum log_level level;
};

struct cfg {
	char file[CFG_PATH_MAX];	/* where it was loaded from */
	struct cfg_log log;
	struct cfg_paths paths;
	struct cfg_realm realms[CFG_MAX_REALMS];
	unsigned n_realms;
	struct cfg_dataplane dp;
	struct cfg_timers timers;
	struct cfg_limits limits;
	struct cfg_message message;
	/* Emergency numbers: identity chosen per RFC 3325 hierarchy, never
	 * refused for credit or limits.  "911", "112" when not configured. */
	char emergency[CFG_MAX_EMERGENCY][CFG_NUMBER_MAX];
	unsigned n_emergency;
};

/**
 * cfg_load - read and validate a configuration file
 * @path: file to read
 * @err: receives "FILE:LINE: what is wrong" on failure
 * @errlen: size of @err (CFG_ERR_MAX is enough)
 *
 * Only regular files up to 1 MiB are read; @include is refused (the
 * configuration is one file).
 *
 * @return a new struct cfg, or NULL with errno set and @err filled:
 * ENOENT, EACCES (or another open(2)/read(2) error), EISDIR, EFBIG (too
 * large), ENAMETOOLONG (@path longer than CFG_PATH_MAX - 1), EINVAL (bad
 * configuration; @err then reads "FILE:LINE: what is wrong"), ENOMEM.
 */
struct cfg *cfg_load(const char *path, char *err, size_t errlen);

/**
 * cfg_load_string - as cfg_load(), from text in memory
 * @name: used as FILE in error messages
 */
struct cfg *cfg_load_string(const char *text, const char *name, char *err,
			    size_t errlen);

/* cfg_free - release a struct cfg; accepts NULL. */
void cfg_free(struct cfg *cfg);

/* cfg_realm_find - the realm called @name, or NULL. */
const struct cfg_realm *cfg_realm_find(const struct cfg *cfg, const char *name);

/*
 * "udp", "tcp", "tls"; "off", "optional", "required"; "off", "latch",
 * "relatch"; "?" if out of range.
 */
const char *cfg_transport_name(enum cfg_transport t);
const char *cfg_srtp_name(enum cfg_srtp_policy p);
const char *cfg_latching_name(enum cfg_latching l);

/**
 * cfg_ip_parse - an IPv4 or IPv6 address in text form to a struct cfg_ip
 * @text: dotted quad or RFC 4291 text; no port, prefix length or zone
 * @out: receives the address, with text set to its canonical form
 *
 * @return 0, or -EINVAL when @text is not an address (@out untouched).
 */
int cfg_ip_parse(const char *text, struct cfg_ip *out);

/* cfg_ip_equal - same family and same address (two unset ones are equal). */
bool cfg_ip_equal(const struct cfg_ip *a, const struct cfg_ip *b);

#endif
