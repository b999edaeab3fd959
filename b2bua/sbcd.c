/*
 * sbcd's life cycle: bring the subsystems up in order on one Sofia-SIP event
 * loop (su_root), run it, and take them down in reverse order.
 *
 * Order matters: the store opens first (a daemon that cannot persist CDRs
 * and balances must not take calls) and the prepaid calls a killed sbcd
 * left in it are settled (credit_checkpoint.h), the command registry
 * next, then the flow table and media ports (call_media.h; freed after the
 * calls), the calls table and its credit checkpoints, the SIP transports
 * (a call needs the store and the trusted peers), the calls a previous
 * sbcd left resumed from their dialog records as soon as the transports
 * are up (call_restore.h), and the control socket
 * last, so an operator who can connect sees a working daemon.  At
 * shutdown the SIP transports go first:
 * calls still up get BYE/CANCEL and their CDRs before the store closes.
 * Signals arrive through a signalfd on the same loop, so no handler ever runs
 * asynchronously inside Sofia-SIP or the store.
 */
#include "sbcd.h"

#include <errno.h>
#include <libgen.h>
#include <signal.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "call.h"
#include "call_media.h"
#include "call_restore.h"
#include "cdr.h"
#include "credit.h"
#include "credit_checkpoint.h"
#include "dp_status.h"
#include "ctl_registry.h"
#include "ctl_server.h"
#include "gw_monitor.h"
#include "log.h"
#include "message.h"
#include "provision.h"
#include "registrar.h"
#include "sip.h"
#include "store.h"
#include "store_writer.h"

/* Signals the loop handles; blocked so only the signalfd sees them. */
static void stop_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
}

static int on_signal(su_root_magic_t *magic, su_wait_t *w, su_wakeup_arg_t *arg)
{
	struct b2b_ctx *ctx = arg;
	struct signalfd_siginfo si;

	(void)magic;
	(void)w;
	while (read(ctx->sig_fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			/* Reloading half a configuration under live calls is
			 * riskier than a restart, which keeps calls (dialogs
			 * and flows persist), so SIGHUP is only acknowledged. */
			log_notice("SIGHUP: configuration is read at start; "
				   "restart sbcd to apply changes");
			continue;
		}
		log_notice("signal %u: stopping", si.ssi_signo);
		ctx->exit_signal = (int)si.ssi_signo;
		su_root_break(ctx->root);
	}
	return 0;
}

static int signals_init(struct b2b_ctx *ctx)
{
	sigset_t set;

	stop_signals(&set);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	ctx->sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (ctx->sig_fd < 0)
		return -errno;
	if (su_wait_create(&ctx->sig_wait, ctx->sig_fd, SU_WAIT_IN) < 0)
		return -EIO;
	ctx->sig_index = su_root_register(ctx->root, &ctx->sig_wait, on_signal,
					  ctx, 0);
	if (ctx->sig_index < 0) {
		su_wait_destroy(&ctx->sig_wait);
		ctx->sig_index = 0;
		return -EIO;
	}
	return 0;
}

static void signals_uninit(struct b2b_ctx *ctx)
{
	sigset_t set;

	if (ctx->sig_index > 0) {
		su_root_deregister(ctx->root, ctx->sig_index);
		ctx->sig_index = 0;
	}
	if (ctx->sig_fd >= 0)
		close(ctx->sig_fd);
	ctx->sig_fd = -1;
	stop_signals(&set);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

/*
 * One sbcd per store: the prepaid calls found in it at start are settled
 * as a dead sbcd's, which would bill a live one's twice.  The lock goes
 * with the process however it dies.
 */
static int store_claim(struct b2b_ctx *ctx, const char *dir)
{
	char path[CFG_PATH_MAX + 16];

	snprintf(path, sizeof(path), "%s/sbcd.lock", dir);
	ctx->store_lock = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (ctx->store_lock < 0)
		return -errno;
	if (flock(ctx->store_lock, LOCK_EX | LOCK_NB) < 0)
		return errno == EWOULDBLOCK ? -EBUSY : -errno;
	return 0;
}

/* The socket's directory is runtime state (/run/sbc): create it if absent. */
static int socket_dir_make(const char *sock_path)
{
	char buf[CFG_PATH_MAX];
	const char *dir;

	snprintf(buf, sizeof(buf), "%s", sock_path);
	dir = dirname(buf);
	if (mkdir(dir, 0750) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int b2b_init(struct b2b_ctx *ctx, const struct cfg *cfg)
{
	const struct cfg_paths *paths = &cfg->paths;
	struct b2b_restore *restore = NULL;
	int rc;

	ctx->cfg = cfg;
	ctx->sig_fd = -1;
	ctx->store_lock = -1;
	clock_gettime(CLOCK_MONOTONIC, &ctx->started);
	ctx->started_wall = time(NULL);
	signal(SIGPIPE, SIG_IGN);

	if (su_init() != 0) {
		log_err("sofia-sip su_init failed");
		return -EIO;
	}
	ctx->root = su_root_create(NULL);
	if (!ctx->root) {
		log_err("sofia-sip su_root_create failed");
		su_deinit();
		return -ENOMEM;
	}
	/* Every nua runs on this thread: without threading, nua's events
	 * need no socket-pair hop between threads (measured ~20% less CPU
	 * per call, bench/README.md). */
	su_root_threading(ctx->root, 0);

	ctx->store = store_open(paths->store_dir, paths->store_max_mb);
	if (!ctx->store) {
		rc = -errno;
		log_err("store %s: %s", paths->store_dir, strerror(errno));
		goto err;
	}
	rc = store_claim(ctx, paths->store_dir);
	if (rc < 0) {
		log_err("store %s: %s", paths->store_dir, rc == -EBUSY ?
			"in use by another sbcd" : strerror(-rc));
		goto err;
	}
	ctx->store_writer = store_writer_new(ctx->store);
	if (!ctx->store_writer) {
		rc = -errno;
		log_err("store writer: %s", strerror(errno));
		goto err;
	}
	/* prepaid calls a killed sbcd left: debited before any new call;
	 * their dialogs are read first, to hang them up (call_restore.h) */
	restore = b2b_restore_load(ctx->store);
	rc = b2b_credit_reconcile(ctx->store, b2b_now_ms());
	if (rc < 0)
		goto err;

	ctx->ctl_reg = ctl_registry_new();
	if (!ctx->ctl_reg) {
		rc = -errno;
		goto err;
	}
	rc = ctl_help_register(ctx->ctl_reg);
	if (rc == 0)
		rc = b2b_status_register(ctx);
	if (rc == 0)
		rc = b2b_provision_init(ctx);
	if (rc == 0)
		rc = b2b_credit_register(ctx);
	if (rc == 0)
		rc = b2b_call_ctl_register(ctx);
	if (rc == 0)
		rc = b2b_cdr_register(ctx);
	if (rc == 0)
		rc = b2b_dp_status_register(ctx);
	if (rc == 0)
		rc = b2b_media_register(ctx);
	if (rc < 0) {
		log_err("control commands: %s", strerror(-rc));
		goto err;
	}

	/* Before the SIP transports: nua runs threads, which must inherit
	 * the blocked signal mask or a SIGTERM would kill the process. */
	rc = signals_init(ctx);
	if (rc < 0) {
		log_err("signals: %s", strerror(-rc));
		goto err;
	}
	rc = b2b_media_init(ctx);
	if (rc < 0) {
		log_err("media: %s", strerror(-rc));
		goto err;
	}
	rc = b2b_calls_init(ctx);
	if (rc < 0) {
		log_err("calls table: %s", strerror(-rc));
		goto err;
	}
	rc = b2b_credit_checkpoint_init(ctx);
	if (rc < 0) {
		log_err("credit checkpoints: %s", strerror(-rc));
		goto err;
	}
	rc = b2b_registrar_init(ctx);
	if (rc < 0) {
		log_err("registrar: %s", strerror(-rc));
		goto err;
	}
	rc = b2b_message_init(ctx);
	if (rc < 0) {
		log_err("MESSAGE relays: %s", strerror(-rc));
		goto err;
	}
	rc = b2b_sip_init(ctx);
	if (rc < 0) {
		log_err("SIP transports: %s", strerror(-rc));
		goto err;
	}
	/* before the loop runs: no request of a restored dialog meets 481 */
	b2b_restore_run(ctx, restore);
	restore = NULL;
	rc = b2b_gw_monitor_init(ctx);
	if (rc < 0) {
		log_err("gateway monitor: %s", strerror(-rc));
		goto err;
	}

	rc = socket_dir_make(paths->control_socket);
	if (rc < 0) {
		log_err("control socket directory for %s: %s",
			paths->control_socket, strerror(-rc));
		goto err;
	}
	ctx->ctl = ctl_server_new(ctx->root, paths->control_socket,
				  cfg->limits.ctl_max_clients,
				  cfg->limits.ctl_max_request, ctx->ctl_reg);
	if (!ctx->ctl) {
		rc = -errno;
		log_err("control socket %s: %s", paths->control_socket,
			strerror(errno));
		goto err;
	}
	log_notice("sbcd %s ready: %u realm(s), control socket %s",
		   SBC_VERSION, cfg->n_realms, paths->control_socket);
	return 0;
err:
	b2b_restore_free(restore);
	b2b_uninit(ctx);
	return rc;
}

int b2b_run(struct b2b_ctx *ctx)
{
	su_root_run(ctx->root);
	return 0;
}

/*
 * SIGTERM with calls kept for the next sbcd (call_restore.h): the process
 * ends here without shutting the SIP stack down, which would BYE them, as
 * a SIGKILL would but with the store closed and the pid file removed.
 */
static void exit_keeping_calls(struct b2b_ctx *ctx, int kept)
{
	ctl_server_free(ctx->ctl);
	store_writer_free(ctx->store_writer);
	store_close(ctx->store);
	if (ctx->cfg->paths.pid_file[0])
		unlink(ctx->cfg->paths.pid_file);
	log_notice("stopped, %d call(s) left to the next sbcd", kept);
	log_uninit();
	_exit(0);
}

void b2b_uninit(struct b2b_ctx *ctx)
{
	int kept;

	if (ctx->exit_signal == SIGTERM && ctx->calls && ctx->sip &&
	    (kept = b2b_restore_keep(ctx)) > 0)
		exit_keeping_calls(ctx, kept);
	ctl_server_free(ctx->ctl);
	ctx->ctl = NULL;
	b2b_gw_monitor_uninit(ctx);
	b2b_message_uninit(ctx);
	b2b_sip_uninit(ctx);
	b2b_registrar_uninit(ctx);
	b2b_credit_checkpoint_uninit(ctx);
	b2b_calls_uninit(ctx);
	b2b_media_uninit(ctx);
	if (ctx->root)
		signals_uninit(ctx);
	b2b_provision_uninit(ctx);
	ctl_registry_free(ctx->ctl_reg);
	ctx->ctl_reg = NULL;
	store_writer_free(ctx->store_writer);
	ctx->store_writer = NULL;
	store_close(ctx->store);
	ctx->store = NULL;
	if (ctx->store_lock >= 0)
		close(ctx->store_lock);
	ctx->store_lock = -1;
	if (ctx->root) {
		su_root_destroy(ctx->root);
		ctx->root = NULL;
		su_deinit();
	}
}
