/*
 * ft_put: write flows into the shared-memory flow table from the command
 * line, as sbcd will (issue 5); for integration tests and by hand.
 *
 *   ft_put -c CONFIG CMD ...      table name and size from the configuration
 *   ft_put -t NAME -s SIZE CMD ...
 *
 *   put LOCAL OUT_PORT SRC DST [latch=off|first|ssrc] [kind=rtp|rtcp|mux]
 *       [pair=SLOT] [in=SUITE:BASE64] [out=SUITE:BASE64] [call=N]
 *                       new flow; prints its slot
 *   bulk N LOCAL OUT_PORT SRC DST [options of put]
 *                       N flows at once (benchmarks: a million in about
 *                       1.5 s); the i-th arrives on LOCAL advanced by i
 *                       ports, the port wrapping past 65535 to LOCAL's and
 *                       the address going up by one; prints N
 *   pair SLOT_A SLOT_B  make two flows each other's pair (latching)
 *   del SLOT            delete the flow and free the slot
 *   stats SLOT          the flow's counters as key=value lines
 *   lanes               unknown-flow and malformed counters of all lcores
 *
 * Endpoints are ADDR:PORT or [IPV6]:PORT; OUT_PORT is an index in
 * dataplane.ports; SUITE is an SDES name (AES_CM_128_HMAC_SHA1_80,
 * AES_CM_128_HMAC_SHA1_32, AEAD_AES_128_GCM) and BASE64 the master key
 * and salt as in a=crypto inline:.  It attaches as the table's writer, so
 * it fails (exit 1) while sbcd holds that role.  Exit 2: usage.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>

#include "b64.h"
#include "cfg.h"
#include "ft.h"
#include "log.h"

static const char *const suites[FT_SUITE_COUNT] = {
	[FT_SUITE_NONE] = "NONE",
	[FT_SUITE_AES_CM_128_HMAC_SHA1_80] = "AES_CM_128_HMAC_SHA1_80",
	[FT_SUITE_AES_CM_128_HMAC_SHA1_32] = "AES_CM_128_HMAC_SHA1_32",
	[FT_SUITE_AEAD_AES_128_GCM] = "AEAD_AES_128_GCM",
};

static void usage(void)
{
	fprintf(stderr,
		"usage: ft_put {-c CONFIG | -t NAME -s SIZE} CMD ...\n"
		"  put LOCAL OUT_PORT SRC DST [latch=off|first|ssrc] "
		"[kind=rtp|rtcp|mux]\n"
		"      [pair=SLOT] [in=SUITE:BASE64] [out=SUITE:BASE64] "
		"[call=N]\n"
		"  bulk N LOCAL OUT_PORT SRC DST [options of put]\n"
		"  pair SLOT_A SLOT_B | del SLOT | stats SLOT | lanes\n");
}

/* "1.2.3.4:5" or "[::1]:5" */
static int parse_endpoint(const char *s, struct ft_endpoint *ep)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon = strrchr(s, ':');
	size_t n;
	char *end;
	long port;

	if (!colon)
		return -1;
	n = (size_t)(colon - s);
	if (n >= sizeof(host))
		return -1;
	memcpy(host, s, n);
	host[n] = '\0';
	port = strtol(colon + 1, &end, 10);
	if (*end || port < 1 || port > 65535)
		return -1;
	memset(ep, 0, sizeof(*ep));
	ep->port = (uint16_t)port;
	if (host[0] == '[' && n > 2 && host[n - 1] == ']') {
		host[n - 1] = '\0';
		ep->family = FT_FAMILY_IPV6;
		return inet_pton(AF_INET6, host + 1, ep->addr) == 1 ? 0 : -1;
	}
	ep->family = FT_FAMILY_IPV4;
	return inet_pton(AF_INET, host, ep->addr) == 1 ? 0 : -1;
}

/* "SUITE:BASE64" */
static int parse_srtp(const char *s, struct ft_srtp *sr)
{
	const char *colon = strchr(s, ':');
	int n;

	memset(sr, 0, sizeof(*sr));
	if (!colon)
		return -1;
	for (unsigned i = 1; i < FT_SUITE_COUNT; i++)
		if (strlen(suites[i]) == (size_t)(colon - s) &&
		    strncmp(s, suites[i], (size_t)(colon - s)) == 0)
			sr->suite = (uint8_t)i;
	if (sr->suite == FT_SUITE_NONE)
		return -1;
	n = b64_decode(colon + 1, sr->key, sizeof(sr->key));
	return n == (int)ft_srtp_key_len(sr->suite) ? 0 : -1;
}

static int parse_uint(const char *s, unsigned long long max,
		      unsigned long long *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return *s && !*end && !errno && *v <= max ? 0 : -1;
}

/* the optional key=value arguments of put */
static int parse_option(const char *a, struct ft_flow *f)
{
	static const char *const latch[] = { "off", "first", "ssrc" };
	static const char *const kind[] = { "rtp", "rtcp", "mux" };
	unsigned long long v;

	for (unsigned i = 0; i < 3; i++) {
		if (strncmp(a, "latch=", 6) == 0 && !strcmp(a + 6, latch[i])) {
			f->latch = (uint8_t)i;
			return 0;
		}
		if (strncmp(a, "kind=", 5) == 0 && !strcmp(a + 5, kind[i])) {
			f->kind = (uint8_t)i;
			return 0;
		}
	}
	if (strncmp(a, "pair=", 5) == 0 && !parse_uint(a + 5, UINT32_MAX, &v)) {
		f->pair = (uint32_t)v;
		return 0;
	}
	if (strncmp(a, "call=", 5) == 0 && !parse_uint(a + 5, UINT64_MAX, &v)) {
		f->call_id = v;
		return 0;
	}
	if (strncmp(a, "in=", 3) == 0)
		return parse_srtp(a + 3, &f->srtp_in);
	if (strncmp(a, "out=", 4) == 0)
		return parse_srtp(a + 4, &f->srtp_out);
	return -1;
}

/* LOCAL OUT_PORT SRC DST [options]: the flow put and bulk write; 0 or 2 */
static int parse_flow(int argc, char **argv, struct ft_flow *f)
{
	unsigned long long port;

	*f = (struct ft_flow){ .pair = FT_NO_SLOT };
	if (argc < 4 || parse_endpoint(argv[0], &f->local) ||
	    parse_uint(argv[1], UINT16_MAX, &port) ||
	    parse_endpoint(argv[2], &f->src) || parse_endpoint(argv[3], &f->dst)) {
		usage();
		return 2;
	}
	f->out_port = (uint16_t)port;
	for (int i = 4; i < argc; i++) {
		if (parse_option(argv[i], f)) {
			fprintf(stderr, "ft_put: bad option \"%s\"\n", argv[i]);
			return 2;
		}
	}
	return 0;
}

/* one flow into a fresh slot; 0 or a negative errno */
static int put_one(struct ft *ft, const struct ft_flow *f, uint32_t *slot)
{
	int ret = ft_slot_alloc(ft, slot);

	return ret ? ret : ft_flow_put(ft, *slot, f);
}

static int cmd_put(struct ft *ft, int argc, char **argv)
{
	struct ft_flow f;
	uint32_t slot;
	int ret;

	if (parse_flow(argc, argv, &f))
		return 2;
	ret = put_one(ft, &f, &slot);
	explicit_bzero(&f, sizeof(f));
	if (ret) {
		fprintf(stderr, "ft_put: put: %s\n", strerror(-ret));
		return 1;
	}
	printf("%u\n", slot);
	return 0;
}

/* the next local endpoint of bulk: port + 1, past 65535 the next address */
static void endpoint_next(struct ft_endpoint *ep, uint16_t first_port)
{
	int i = ep->family == FT_FAMILY_IPV6 ? 15 : 3;

	if (ep->port < UINT16_MAX) {
		ep->port++;
		return;
	}
	ep->port = first_port;
	while (i >= 0 && ++ep->addr[i] == 0)
		i--;
}

static int cmd_bulk(struct ft *ft, int argc, char **argv)
{
	unsigned long long n;
	struct ft_flow f;
	uint16_t first_port;
	uint32_t slot;
	int ret = 0;

	if (argc < 1 || parse_uint(argv[0], ft_capacity(ft), &n) || n == 0 ||
	    parse_flow(argc - 1, argv + 1, &f)) {
		usage();
		return 2;
	}
	first_port = f.local.port;
	for (unsigned long long i = 0; i < n && ret == 0; i++) {
		ret = put_one(ft, &f, &slot);
		endpoint_next(&f.local, first_port);
	}
	explicit_bzero(&f, sizeof(f));
	if (ret) {
		fprintf(stderr, "ft_put: bulk: %s\n", strerror(-ret));
		return 1;
	}
	printf("%llu\n", n);
	return 0;
}

static int cmd_pair(struct ft *ft, uint32_t a, uint32_t b)
{
	uint32_t slots[2] = { a, b };

	for (int i = 0; i < 2; i++) {
		struct ft_flow f;
		int ret = ft_flow_read(ft, slots[i], &f, NULL);

		if (ret == 0) {
			f.pair = slots[1 - i];
			ret = ft_flow_put(ft, slots[i], &f);
		}
		explicit_bzero(&f, sizeof(f));
		if (ret) {
			fprintf(stderr, "ft_put: pair: slot %u: %s\n", slots[i],
				strerror(-ret));
			return 1;
		}
	}
	return 0;
}

static int cmd_stats(struct ft *ft, uint32_t slot)
{
	char addr[INET6_ADDRSTRLEN] = "";
	struct ft_stats st;
	int ret = ft_flow_stats(ft, slot, &st);

	if (ret) {
		fprintf(stderr, "ft_put: stats: %s\n", strerror(-ret));
		return 1;
	}
	if (st.latched.family)
		inet_ntop(st.latched.family == FT_FAMILY_IPV6 ? AF_INET6 :
			  AF_INET, st.latched.addr, addr, sizeof(addr));
	printf("packets=%" PRIu64 "\nbytes=%" PRIu64 "\nlast_ns=%" PRIu64
	       "\nauth=%" PRIu64 "\nreplay=%" PRIu64 "\nmalformed=%" PRIu64
	       "\nlast_ssrc=%u\nlatched=%s:%u\n", st.packets, st.bytes,
	       st.last_ns, st.drops[FT_DROP_AUTH], st.drops[FT_DROP_REPLAY],
	       st.drops[FT_DROP_MALFORMED], st.last_ssrc, addr,
	       st.latched.port);
	return 0;
}

static int run(struct ft *ft, int argc, char **argv)
{
	unsigned long long a, b;

	if (!strcmp(argv[0], "put"))
		return cmd_put(ft, argc - 1, argv + 1);
	if (!strcmp(argv[0], "bulk"))
		return cmd_bulk(ft, argc - 1, argv + 1);
	if (!strcmp(argv[0], "lanes") && argc == 1) {
		struct ft_lane l;

		ft_lanes_sum(ft, &l);
		printf("unknown_flow=%" PRIu64 "\nmalformed=%" PRIu64 "\n",
		       l.unknown_flow, l.malformed);
		return 0;
	}
	if (argc == 2 && !parse_uint(argv[1], UINT32_MAX, &a)) {
		if (!strcmp(argv[0], "stats"))
			return cmd_stats(ft, (uint32_t)a);
		if (!strcmp(argv[0], "del")) {
			int ret = ft_slot_free(ft, (uint32_t)a);

			if (ret)
				fprintf(stderr, "ft_put: del: %s\n",
					strerror(-ret));
			return ret ? 1 : 0;
		}
	}
	if (argc == 3 && !strcmp(argv[0], "pair") &&
	    !parse_uint(argv[1], UINT32_MAX, &a) &&
	    !parse_uint(argv[2], UINT32_MAX, &b))
		return cmd_pair(ft, (uint32_t)a, (uint32_t)b);
	usage();
	return 2;
}

int main(int argc, char **argv)
{
	char name[CFG_PATH_MAX] = "", err[CFG_ERR_MAX];
	unsigned long long size = 0;
	struct ft *ft;
	int c, rc;

	log_init("ft_put", false, LOG_LEVEL_WARN);
	while ((c = getopt(argc, argv, "+c:t:s:")) != -1) {
		struct cfg *cfg;

		switch (c) {
		case 'c':
			cfg = cfg_load(optarg, err, sizeof(err));
			if (!cfg) {
				fprintf(stderr, "%s\n", err);
				return 1;
			}
			snprintf(name, sizeof(name), "%s", cfg->paths.flow_table);
			size = cfg->dp.flow_table_size;
			cfg_free(cfg);
			break;
		case 't':
			snprintf(name, sizeof(name), "%s", optarg);
			break;
		case 's':
			if (parse_uint(optarg, FT_CAPACITY_MAX, &size))
				size = 0;
			break;
		default:
			usage();
			return 2;
		}
	}
	if (!name[0] || !size || optind >= argc) {
		usage();
		return 2;
	}
	ft = ft_create_or_attach(name, (uint32_t)size, FT_ROLE_WRITER);
	if (!ft) {
		fprintf(stderr, "ft_put: flow table %s: %s\n", name,
			strerror(errno));
		return 1;
	}
	rc = run(ft, argc - optind, argv + optind);
	ft_detach(ft);
	log_uninit();
	return rc;
}
