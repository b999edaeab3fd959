/*
 * sbc-dataplane: the DPDK forwarding plane of the SBC.
 *
 *   sbc-dataplane [-c CONFIG] [-f] [--check] [-V]
 *
 * Loads the configuration, builds the EAL command line from it
 * (eal_args.c), brings the ports and their exception TAPs up (port.c,
 * exception.c), attaches the shared-memory flow table as its owner (ft.h)
 * and indexes it (ft_index.h, flows.h), runs the forwarding loop on every
 * worker lcore (lcore.c, fwd.c), the MSRP relay in a control thread of its
 * own (msrp_relay.h, fed with the table's MSRP legs) and answers telemetry
 * (stats.c).  The main
 * lcore forwards nothing: it waits for SIGINT/SIGTERM on a signalfd, every
 * 100 ms applies the flow table's changes and beats the owner heartbeat,
 * and every second runs the statistics tick.
 *
 * It stays in the foreground either way; -f only sends the log to stderr
 * instead of syslog, for a supervisor that keeps stderr or for a terminal.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>
#include <rte_version.h>

#include "cfg.h"
#include "ctx.h"
#include "eal_args.h"
#include "exception.h"
#include "flows.h"
#include "ft.h"
#include "ft_index.h"
#include "lcore.h"
#include "log.h"
#include "msrp_relay.h"
#include "port.h"
#include "srtp.h"
#include "stats.h"
#include "version.h"

#define PROG "sbc-dataplane"
#define DEFAULT_CONFIG "/etc/sbc/sbc.conf"
#define TICK_MS 1000
#define FLOW_TICK_MS 100


struct opts {
	const char *config;
	bool foreground;
	bool check;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: " PROG " [-c CONFIG] [-f] [--check] [-V]\n"
		"  -c, --config FILE  configuration (default " DEFAULT_CONFIG ")\n"
		"  -f, --foreground   log to stderr instead of syslog\n"
		"      --check        validate the configuration and exit\n"
		"  -V, --version      print the version and exit\n");
}

/* @return 0 to run, 1 to exit with success (-V, -h), -1 on a usage error */
static int parse_opts(int argc, char **argv, struct opts *o)
{
	enum { OPT_CHECK = 256 };
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*o = (struct opts){ .config = DEFAULT_CONFIG };
	while ((c = getopt_long(argc, argv, "c:fVh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->config = optarg;
			break;
		case 'f':
			o->foreground = true;
			break;
		case OPT_CHECK:
			o->check = true;
			break;
		case 'V':
			printf(PROG " %s (%s)\n", SBC_VERSION, rte_version());
			return 1;
		case 'h':
			usage(stdout);
			return 1;
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, PROG ": unexpected argument \"%s\"\n",
			argv[optind]);
		usage(stderr);
		return -1;
	}
	return 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* apply what sbcd changed in the flow table; every FLOW_TICK_MS */
static void flow_tick(struct dp_ctx *ctx)
{
	int n = ft_index_sync(ctx->index, ctx->ft);

	if (n < 0)
		log_err("flow table: sync: %s", strerror(-n));
	else if (n > 0)
		log_debug("flow table: %d slot(s) changed", n);
	dp_flows_commit(ctx->flows);
	ft_owner_beat(ctx->ft, (uint64_t)now_ms() * 1000000u);
}

/* the main lcore's loop: flow changes and statistics until a signal */
static int run(struct dp_ctx *ctx, int sfd)
{
	int64_t next = now_ms() + TICK_MS, next_flow = now_ms();

	for (;;) {
		struct pollfd pfd = { .fd = sfd, .events = POLLIN };
		int64_t wait = (next_flow < next ? next_flow : next) - now_ms();
		struct signalfd_siginfo si;
		int n;

		n = poll(&pfd, 1, wait > 0 ? (int)wait : 0);
		if (n < 0 && errno != EINTR) {
			log_err("poll: %s", strerror(errno));
			return -errno;
		}
		if (n > 0) {
			if (read(sfd, &si, sizeof(si)) != sizeof(si)) {
				log_err("signalfd read: %s", strerror(errno));
				return -EIO;
			}
			log_notice("%s: stopping", strsignal((int)si.ssi_signo));
			return 0;
		}
		if (now_ms() >= next_flow) {
			flow_tick(ctx);
			next_flow += FLOW_TICK_MS;
		}
		if (now_ms() >= next) {
			dp_stats_tick(ctx);
			next += TICK_MS;
		}
	}
}

/* the flow index's changes: MSRP legs to the relay, the rest to the lcores */
static void flow_changed(void *arg, uint32_t slot, const struct ft_flow *flow,
			 uint32_t epoch)
{
	struct dp_ctx *ctx = arg;
	bool msrp = flow && flow->kind == FT_KIND_MSRP;

	dp_flows_on_change(ctx->flows, slot, msrp ? NULL : flow, epoch);
	if (ctx->msrp)
		dp_msrp_relay_on_change(ctx->msrp, slot, flow, epoch);
}

/*
 * Attach the flow table as its owner, first of all: a second dataplane on
 * a table in use stops here with a clear message, before the EAL (whose
 * own lock, with the same file prefix, would say something obscure) or
 * the ports (a PCI device the first one drives) are touched.
 */
static int table_attach(struct dp_ctx *ctx)
{
	const struct cfg *cfg = ctx->cfg;
	char where[PATH_MAX];
	int ret;

	ctx->ft = ft_create_or_attach(cfg->paths.flow_table,
				      cfg->dp.flow_table_size, FT_ROLE_OWNER);
	if (ctx->ft)
		return 0;
	ret = -errno;
	if (ft_location(cfg->paths.flow_table, where, sizeof(where)))
		snprintf(where, sizeof(where), "%s", cfg->paths.flow_table);
	if (ret == -EBUSY)
		log_err("flow table %s is owned by another sbc-dataplane; "
			"refusing to start a second one", where);
	else
		log_err("flow table %s: cannot attach: %s", where,
			strerror(-ret));
	return ret;
}

/*
 * Index the flow table attached by table_attach(), and build the local
 * flow state of every flow already there (a restarted dataplane keeps
 * them).  The index is always lock-free with RCU: even with one forwarding
 * lcore the main lcore changes it while that lcore looks up.
 */
static int flows_init(struct dp_ctx *ctx)
{
	const struct cfg *cfg = ctx->cfg;
	size_t sz = rte_rcu_qsbr_get_memsize(RTE_MAX_LCORE);
	char where[PATH_MAX];
	int n;

	ctx->qsv = rte_zmalloc("dp_qsv", sz, RTE_CACHE_LINE_SIZE);
	if (!ctx->qsv || rte_rcu_qsbr_init(ctx->qsv, RTE_MAX_LCORE) < 0) {
		log_err("cannot set up RCU for %u lcores", RTE_MAX_LCORE);
		return -ENOMEM;
	}
	ctx->flows = dp_flows_create(cfg->dp.flow_table_size, ctx->n_ports,
				     (int)rte_socket_id(), ctx->qsv);
	if (!ctx->flows) {
		log_err("cannot allocate the local state of %u flows",
			cfg->dp.flow_table_size);
		return -ENOMEM;
	}
	if (cfg->dp.msrp_sessions) {
		ctx->msrp = dp_msrp_relay_create(cfg, ctx->ft);
		if (!ctx->msrp)
			return -errno;
	}
	ctx->index = ft_index_create("dp_flow_index", cfg->dp.flow_table_size,
				     (int)rte_socket_id(), ctx->qsv,
				     flow_changed, ctx);
	if (!ctx->index)
		return -errno;
	n = ft_index_rebuild(ctx->index, ctx->ft);
	if (n < 0)
		return n;
	dp_flows_commit(ctx->flows);
	if (ft_location(cfg->paths.flow_table, where, sizeof(where)))
		snprintf(where, sizeof(where), "%s", cfg->paths.flow_table);
	log_notice("flow table %s: owner, %u entries, %d flow(s)", where,
		   ft_capacity(ctx->ft), n);
	return 0;
}

/* after the lcores stopped: nothing looks up any more */
static void flows_uninit(struct dp_ctx *ctx)
{
	ft_index_free(ctx->index);
	ctx->index = NULL;
	dp_msrp_relay_free(ctx->msrp);
	ctx->msrp = NULL;
	dp_flows_free(ctx->flows);
	ctx->flows = NULL;
	rte_free(ctx->qsv);
	ctx->qsv = NULL;
	ft_detach(ctx->ft);
	ctx->ft = NULL;
}

int main(int argc, char **argv)
{
	char err[CFG_ERR_MAX];
	struct dp_eal_args eal;
	struct dp_ctx ctx = { 0 };
	struct cfg *cfg;
	struct opts o;
	sigset_t sigs;
	bool eal_up = false, srtp_up = false;
	int sfd = -1, rc = 1, ret;

	ret = parse_opts(argc, argv, &o);
	if (ret != 0)
		return ret > 0 ? 0 : 2;

	cfg = cfg_load(o.config, err, sizeof(err));
	if (!cfg) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	ret = dp_eal_args_build(cfg, PROG, &eal);
	if (ret < 0) {
		if (ret == -EINVAL)
			fprintf(stderr, "%s: dataplane.eal_args: chooses lcores "
				"(-l, -c or --lcores) while dataplane.lcores "
				"does too\n", cfg->file);
		else
			fprintf(stderr, "%s: dataplane: EAL command line: %s\n",
				cfg->file, strerror(-ret));
		cfg_free(cfg);
		return 1;
	}
	if (o.check) {
		printf("configuration OK\n");
		cfg_free(cfg);
		return 0;
	}

	log_init(PROG, !o.foreground, cfg->log.level);
	ctx.cfg = cfg;
	atomic_init(&ctx.stop, false);

	/* blocked before the EAL starts its threads, so they inherit the mask
	 * and only the signalfd below ever sees these signals */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &sigs, NULL) < 0) {
		log_err("sigprocmask: %s", strerror(errno));
		goto err;
	}

	if (table_attach(&ctx) < 0)
		goto err;
	if (rte_eal_init(eal.argc, eal.argv) < 0) {
		/* some failures (a held lock) leave rte_errno at 0 */
		log_err("EAL init failed: %s; see the EAL messages above",
			rte_errno ? rte_strerror(rte_errno) : "no reason given");
		goto err;
	}
	eal_up = true;
	if (rte_lcore_count() < 2) {
		log_err("dataplane.lcores = \"%s\" gives %u lcore; at least two "
			"are needed: the main lcore does control work and the "
			"others forward", cfg->dp.lcores, rte_lcore_count());
		goto err;
	}
	ctx.n_workers = rte_lcore_count() - 1;

	if (dp_srtp_init() < 0) {
		log_err("libsrtp2 failed its self tests");
		goto err;
	}
	srtp_up = true;
	if (dp_port_init(&ctx) < 0)
		goto err;
	if (dp_exception_init(&ctx) < 0)
		goto err;
	if (flows_init(&ctx) < 0)
		goto err;
	if (dp_lcore_init(&ctx) < 0)
		goto err;
	if (dp_stats_init(&ctx) < 0)
		goto err;
	sfd = signalfd(-1, &sigs, SFD_CLOEXEC);
	if (sfd < 0) {
		log_err("signalfd: %s", strerror(errno));
		goto err;
	}
	if (dp_lcore_launch(&ctx) < 0)
		goto err;
	log_notice("running: %u port(s), %u forwarding lcore(s)",
		   ctx.n_ports, ctx.n_launched);

	if (run(&ctx, sfd) == 0)
		rc = 0;
	/* totals are exact only once the lcores have stopped */
	dp_lcore_stop(&ctx);
	dp_stats_log_totals(&ctx);
err:
	dp_lcore_stop(&ctx);
	if (sfd >= 0)
		close(sfd);
	dp_stats_uninit(&ctx);
	dp_lcore_uninit(&ctx);
	flows_uninit(&ctx);
	dp_exception_uninit(&ctx);
	dp_port_uninit(&ctx);
	if (srtp_up)
		dp_srtp_uninit();
	if (eal_up)
		rte_eal_cleanup();
	log_notice("exiting with status %d", rc);
	log_uninit();
	cfg_free(cfg);
	return rc;
}
