/*
 * Configuration rules that relate several settings, applied after the schema
 * walk has filled struct cfg with values that are each valid on their own:
 * duplicate names and sockets, the sockets one SIP stack can bind,
 * media addresses and their port ranges, TLS material,
 * dataplane ports and the realms they serve, timer ordering.
 */
#include "cfg_pvt.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "dialplan.h"
#include "sip_transport.h"

/* "realms.[7].sip.[7]", "dataplane.ports.[7]" */
#define BASE_LEN 48

/* "udp 192.0.2.1:5060", "tls [2001:db8::1]:5061" */
static const char *sockname(char *buf, size_t len, const struct cfg_listen *l)
{
	snprintf(buf, len, l->addr.af == AF_INET6 ? "%s [%s]:%u" : "%s %s:%u",
		 cfg_transport_name(l->transport), l->addr.text, l->port);
	return buf;
}

/* TCP and TLS listeners both bind a TCP port, so they collide. */
static bool same_socket(const struct cfg_listen *a, const struct cfg_listen *b)
{
	bool a_udp = a->transport == CFG_TRANSPORT_UDP;
	bool b_udp = b->transport == CFG_TRANSPORT_UDP;

	return a_udp == b_udp && a->port == b->port &&
	       cfg_ip_equal(&a->addr, &b->addr);
}

/* Listen @li of realm @ri against TLS material and every earlier socket. */
static int check_listen(struct cfg_ctx *c, struct cfg *cfg, unsigned ri,
			unsigned li)
{
	struct cfg_realm *r = &cfg->realms[ri];
	struct cfg_listen *l = &r->listen[li];
	char rbase[BASE_LEN], lbase[BASE_LEN], a[96], b[96];

	snprintf(rbase, sizeof(rbase), "realms.[%u]", ri);
	snprintf(lbase, sizeof(lbase), "realms.[%u].sip.[%u]", ri, li);
	/* Left out, the port is the transport's well-known one. */
	if (!l->port)
		l->port = l->transport == CFG_TRANSPORT_TLS ? 5061 : 5060;
	if (l->transport == CFG_TRANSPORT_TLS && !r->tls_cert[0])
		return cfg_fail_key(c, rbase, "tls_cert",
				    "required because %s uses tls", lbase);
	if (l->transport == CFG_TRANSPORT_TLS && !r->tls_key[0])
		return cfg_fail_key(c, rbase, "tls_key",
				    "required because %s uses tls", lbase);
	for (unsigned rj = 0; rj <= ri; rj++) {
		const struct cfg_realm *o = &cfg->realms[rj];
		unsigned n = rj == ri ? li : o->n_listen;

		for (unsigned lj = 0; lj < n; lj++)
			if (same_socket(l, &o->listen[lj]))
				return cfg_fail_key(c, lbase, NULL,
						    "%s: already bound by realms.[%u].sip.[%u] (%s)",
						    sockname(a, sizeof(a), l), rj, lj,
						    sockname(b, sizeof(b), &o->listen[lj]));
	}
	return 0;
}

/*
 * What one Sofia-SIP nua can bind (sip_transport.h): sockets grouped by
 * address, port and tls or not, at most B2B_SIP_URLS groups per realm.
 */
static int check_listen_groups(struct cfg_ctx *c, const struct cfg_realm *r,
			       unsigned ri)
{
	char urls[B2B_SIP_URLS][B2B_SIP_URL_MAX], lbase[BASE_LEN], a[96];
	unsigned bad = 0;

	if (b2b_sip_urls(r, urls, &bad) >= 0)
		return 0;
	snprintf(lbase, sizeof(lbase), "realms.[%u].sip.[%u]", ri, bad);
	return cfg_fail_key(c, lbase, NULL,
			    "%s: a realm listens on at most %u address:port pairs "
			    "(one may carry udp and tcp, tls needs its own); "
			    "this is one more",
			    sockname(a, sizeof(a), &r->listen[bad]), B2B_SIP_URLS);
}

/*
 * Compile the realm's dial plan once here, so a rule glibc refuses (or the
 * engine's limits refuse) is reported at its line instead of at the first
 * call; sbcd compiles it again for use.
 */
static int check_dialplan(struct cfg_ctx *c, const struct cfg_realm *r,
			  const char *base)
{
	struct b2b_dialplan *dp;
	char err[160], key[48];
	unsigned bad = 0;

	if (r->n_dialplan == 0)
		return 0;
	dp = b2b_dialplan_from_realm(r, err, sizeof(err));
	if (dp) {
		b2b_dialplan_free(dp);
		return 0;
	}
	if (errno != EINVAL)
		return cfg_fail_key(c, base, "dialplan", "%s", strerror(errno));
	/* The engine names the rule by index: "rule 2: ...". */
	if (sscanf(err, "rule %u", &bad) != 1 || bad >= r->n_dialplan)
		bad = 0;
	snprintf(key, sizeof(key), "dialplan.[%u]", bad);
	return cfg_fail_key(c, base, key, "%s", err);
}

/* the index in @r's media addresses of @ip, or -1 */
static int media_index(const struct cfg_realm *r, const struct cfg_ip *ip)
{
	for (unsigned k = 0; k < r->n_media_addrs; k++)
		if (cfg_ip_equal(&r->media_addrs[k], ip))
			return (int)k;
	return -1;
}

/*
 * Realm @i's media addresses: one family (a leg's peer speaks one, and
 * any of them may be its leg's), no repeats, and a port range that does
 * not overlap another realm's on an address they share: a flow is known
 * by address and port, so two realms may use the same ports on different
 * addresses.
 */
static int check_realm_media(struct cfg_ctx *c, const struct cfg *cfg,
			     unsigned i, const char *base)
{
	const struct cfg_realm *r = &cfg->realms[i];
	char key[32];

	for (unsigned k = 1; k < r->n_media_addrs; k++) {
		const struct cfg_ip *ip = &r->media_addrs[k];

		snprintf(key, sizeof(key), "media_address.[%u]", k);
		if (ip->af != r->media_addrs[0].af)
			return cfg_fail_key(c, base, key,
					    "%s is not of the family of %s: a realm's media addresses are all IPv4 or all IPv6",
					    ip->text, r->media_addrs[0].text);
		if (media_index(r, ip) != (int)k)
			return cfg_fail_key(c, base, key, "%s is listed twice",
					    ip->text);
	}
	for (unsigned j = 0; j < i; j++) {
		const struct cfg_realm *o = &cfg->realms[j];

		if (r->media_port_min > o->media_port_max ||
		    o->media_port_min > r->media_port_max)
			continue;
		for (unsigned k = 0; k < r->n_media_addrs; k++)
			if (media_index(o, &r->media_addrs[k]) >= 0)
				return cfg_fail_key(c, base, "media_ports",
						    "%u-%u overlaps realm \"%s\" (%u-%u) on media address %s",
						    r->media_port_min,
						    r->media_port_max, o->name,
						    o->media_port_min,
						    o->media_port_max,
						    r->media_addrs[k].text);
	}
	return 0;
}

/* Realm @i against itself and the realms before it. */
static int check_realm(struct cfg_ctx *c, struct cfg *cfg, unsigned i)
{
	const struct cfg_realm *r = &cfg->realms[i];
	char base[BASE_LEN];
	int ret;

	snprintf(base, sizeof(base), "realms.[%u]", i);
	for (unsigned j = 0; j < i; j++)
		if (strcmp(r->name, cfg->realms[j].name) == 0)
			return cfg_fail_key(c, base, "name",
					    "realm \"%s\" is already defined by realms.[%u]",
					    r->name, j);
	if (r->media_port_max <= r->media_port_min)
		return cfg_fail_key(c, base, "media_ports.max",
				    "must be greater than min (%u)",
				    r->media_port_min);
	ret = check_realm_media(c, cfg, i, base);
	if (ret)
		return ret;
	for (unsigned li = 0; li < r->n_listen; li++) {
		ret = check_listen(c, cfg, i, li);
		if (ret)
			return ret;
	}
	ret = check_listen_groups(c, r, i);
	if (ret)
		return ret;
	return check_dialplan(c, r, base);
}

/*
 * The dataplane answers ARP/ND for a media address, so the kernel must not
 * own it as well, as it does every SIP listen address.
 */
static int check_media_addresses(struct cfg_ctx *c, const struct cfg *cfg)
{
	char base[BASE_LEN];

	for (unsigned i = 0; i < cfg->n_realms; i++) {
		const struct cfg_realm *r = &cfg->realms[i];

		snprintf(base, sizeof(base), "realms.[%u]", i);
		for (unsigned j = 0; j < cfg->n_realms; j++)
			for (unsigned l = 0; l < cfg->realms[j].n_listen; l++) {
				int k = media_index(r, &cfg->realms[j].listen[l].addr);
				char key[32];

				if (k < 0)
					continue;
				/* the plain key when it holds one address */
				snprintf(key, sizeof(key), r->n_media_addrs > 1 ?
					 "media_address.[%d]" : "media_address", k);
				return cfg_fail_key(c, base, key,
						    "%s is also the SIP address of realms.[%u].sip.[%u]",
						    r->media_addrs[k].text, j, l);
			}
	}
	/* the MSRP relay uses kernel sockets: not a dataplane address */
	for (unsigned i = 0; i < cfg->n_realms; i++) {
		const struct cfg_realm *r = &cfg->realms[i];

		snprintf(base, sizeof(base), "realms.[%u]", i);
		for (unsigned j = 0; j < cfg->n_realms; j++)
			if (media_index(&cfg->realms[j], &r->msrp_addr) >= 0)
				return cfg_fail_key(c, base, "msrp_address",
						    "%s is a media_address of realms.[%u], which the dataplane owns; MSRP needs an address the kernel owns",
						    r->msrp_addr.text, j);
	}
	return 0;
}

/* Dataplane port @i against its realm and the ports before it. */
static int check_dp_port(struct cfg_ctx *c, const struct cfg *cfg, unsigned i)
{
	const struct cfg_dp_port *p = &cfg->dp.ports[i];
	const struct cfg_realm *r = cfg_realm_find(cfg, p->realm);
	char base[BASE_LEN];

	snprintf(base, sizeof(base), "dataplane.ports.[%u]", i);
	for (unsigned j = 0; j < i; j++) {
		const struct cfg_dp_port *o = &cfg->dp.ports[j];

		if (strcmp(p->name, o->name) == 0)
			return cfg_fail_key(c, base, "name",
					    "port \"%s\" is already defined by dataplane.ports.[%u]",
					    p->name, j);
		if (strcmp(p->device, o->device) == 0)
			return cfg_fail_key(c, base, "device",
					    "already used by port \"%s\"", o->name);
	}
	if (!r)
		return cfg_fail_key(c, base, "realm", "unknown realm \"%s\"",
				    p->realm);
	if (p->gateway.af && p->gateway.af != r->media_addrs[0].af)
		return cfg_fail_key(c, base, "gateway",
				    "%s is not of the same family as realm \"%s\"'s media_address %s",
				    p->gateway.text, r->name, r->media_addrs[0].text);
	/*
	 * Two ports answering ARP for one address would fight over it.  The
	 * earlier ports' realms exist: they were checked on earlier calls.
	 */
	for (unsigned j = 0; j < i; j++) {
		const struct cfg_dp_port *o = &cfg->dp.ports[j];
		const struct cfg_realm *orealm = cfg_realm_find(cfg, o->realm);

		for (unsigned k = 0; k < r->n_media_addrs; k++)
			if (media_index(orealm, &r->media_addrs[k]) >= 0)
				return cfg_fail_key(c, base, "realm",
						    "media address %s of realm \"%s\" is already owned by port \"%s\"",
						    r->media_addrs[k].text, r->name,
						    o->name);
	}
	return 0;
}

/*
 * A realm without its own rtp_timeout takes timers.rtp_timeout, without
 * msrp_address its first sip address.
 */
static void realm_timeouts(struct cfg_ctx *c, struct cfg *cfg)
{
	const config_setting_t *realms = config_setting_lookup(c->root,
							       "realms");

	for (unsigned i = 0; i < cfg->n_realms; i++) {
		const config_setting_t *r =
			config_setting_get_elem(realms, i);

		if (!config_setting_get_member(r, "rtp_timeout"))
			cfg->realms[i].rtp_timeout = cfg->timers.rtp_timeout;
		/* the media address is the dataplane's: MSRP is on a kernel
		 * socket, so it defaults to the realm's signalling address */
		if (!config_setting_get_member(r, "msrp_address"))
			cfg->realms[i].msrp_addr = cfg->realms[i].listen[0].addr;
		cfg->realms[i].msrp = cfg->dp.msrp_sessions > 0;
	}
}

static int check_timers(struct cfg_ctx *c, const struct cfg_timers *t)
{
	if (t->session_expires < t->min_se)
		return cfg_fail_key(c, "timers", "session_expires",
				    "must be at least min_se (%u)", t->min_se);
	if (t->registration_min > t->registration_max)
		return cfg_fail_key(c, "timers", "registration_min",
				    "must not exceed registration_max (%u)",
				    t->registration_max);
	return 0;
}

/* message.service_uri, when set, is sip:USER@HOST (RFC 3261 section 19.1). */
static int check_message(struct cfg_ctx *c, const struct cfg_message *m)
{
	const char *u = m->service_uri, *at = strchr(u, '@');

	if (!*u)
		return 0;
	if (strncmp(u, "sip:", 4) || !at || at == u + 4 || !at[1] ||
	    strchr(at + 1, '@') || memchr(u + 4, ':', (size_t)(at - u - 4)))
		return cfg_fail_key(c, "message", "service_uri",
				    "\"%.64s\" is not sip:USER@HOST", u);
	return 0;
}

/*
 * dataplane.msrp_tls_ca: a readable file with a PEM certificate.  The
 * loader has no OpenSSL (sbcctl links it too): the dataplane parses the
 * certificates when it starts, and refuses to start without one.
 */
static int check_msrp_ca(struct cfg_ctx *c, const char *path)
{
	static const char begin[] = "-----BEGIN CERTIFICATE-----";
	char buf[4096 + sizeof(begin)];
	bool found = false;
	size_t keep = 0, n;
	struct stat st;
	FILE *f;

	if (!path[0])
		return 0;
	f = fopen(path, "r");
	if (!f)
		return cfg_fail_key(c, "dataplane", "msrp_tls_ca", "%s: %s",
				    path, strerror(errno));
	if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode)) {
		fclose(f);
		return cfg_fail_key(c, "dataplane", "msrp_tls_ca",
				    "%s: not a regular file", path);
	}
	/* the marker may straddle two reads: keep the tail of the last one */
	while (!found && (n = fread(buf + keep, 1, 4096, f)) > 0) {
		size_t len = keep + n;

		buf[len] = '\0';
		found = strstr(buf, begin) != NULL;
		keep = len < sizeof(begin) - 1 ? len : sizeof(begin) - 1;
		memmove(buf, buf + len - keep, keep);
	}
	fclose(f);
	if (!found)
		return cfg_fail_key(c, "dataplane", "msrp_tls_ca",
				    "%s: no PEM certificate", path);
	return 0;
}

int cfg_check(struct cfg_ctx *c, struct cfg *cfg)
{
	int ret;

	/* An SBC must always know its emergency numbers: when the setting is
	 * left out, take the two most common rather than none. */
	if (!config_setting_lookup(c->root, "emergency_numbers")) {
		snprintf(cfg->emergency[0], CFG_NUMBER_MAX, "911");
		snprintf(cfg->emergency[1], CFG_NUMBER_MAX, "112");
		cfg->n_emergency = 2;
	}

	for (unsigned i = 0; i < cfg->n_realms; i++) {
		ret = check_realm(c, cfg, i);
		if (ret)
			return ret;
	}
	realm_timeouts(c, cfg);
	ret = check_media_addresses(c, cfg);
	if (ret)
		return ret;
	for (unsigned i = 0; i < cfg->dp.n_ports; i++) {
		ret = check_dp_port(c, cfg, i);
		if (ret)
			return ret;
	}
	ret = check_message(c, &cfg->message);
	if (ret)
		return ret;
	ret = check_msrp_ca(c, cfg->dp.msrp_tls_ca);
	if (ret)
		return ret;
	return check_timers(c, &cfg->timers);
}
