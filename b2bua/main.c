/*
 * sbcd: command line, configuration check, daemonizing and the pid file.
 *
 *   sbcd [-c FILE] [-f] [-n|--check] [-V]
 *
 * Without -f, sbcd forks and the parent exits only once the child is ready
 * (control socket listening) or has failed, with the child's status: scripts
 * may call sbcctl as soon as `sbcd` returns 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cfg.h"
#include "log.h"
#include "sbcd.h"

#define DEFAULT_CONFIG "/etc/sbc/sbc.conf"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: sbcd [-c FILE] [-f] [-n] [-V]\n"
		"  -c, --config FILE  configuration (default " DEFAULT_CONFIG ")\n"
		"  -f, --foreground   stay in the foreground, log to stderr\n"
		"  -n, --check        validate the configuration and exit\n"
		"  -V, --version      print the version and exit\n");
}

static int pid_file_write(const char *path)
{
	FILE *f;

	if (!path[0])
		return 0;
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f, "%ld\n", (long)getpid());
	if (fclose(f) != 0)
		return -errno;
	return 0;
}

/*
 * Fork; the parent waits for one byte on @ready_fd from the child (0 =
 * ready) or its exit, and exits with that status.  Returns in the child
 * only, with the write end of the pipe in *@ready_fd.
 */
static int daemonize(int *ready_fd)
{
	int fds[2];
	pid_t pid;
	unsigned char status = 1;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0) {
		int wstatus;

		close(fds[1]);
		if (read(fds[0], &status, 1) == 1 && status == 0)
			exit(0);
		if (waitpid(pid, &wstatus, 0) == pid && WIFEXITED(wstatus))
			exit(WEXITSTATUS(wstatus) ? WEXITSTATUS(wstatus) : 1);
		exit(1);
	}
	close(fds[0]);
	if (setsid() < 0)
		return -errno;
	if (chdir("/") < 0)
		return -errno;
	*ready_fd = fds[1];
	return 0;
}

/* Tell the waiting parent we are up, and let go of the terminal. */
static void detach(int ready_fd)
{
	unsigned char ok = 0;
	int null = open("/dev/null", O_RDWR);

	if (write(ready_fd, &ok, 1) != 1)
		log_warn("could not notify the parent process: %s",
			 strerror(errno));
	close(ready_fd);
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		if (null > STDERR_FILENO)
			close(null);
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "check", no_argument, NULL, 'n' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = DEFAULT_CONFIG;
	bool foreground = false, check = false;
	char err[CFG_ERR_MAX];
	struct b2b_ctx ctx = { 0 };
	struct cfg *cfg;
	int ready_fd = -1, opt, rc;

	while ((opt = getopt_long(argc, argv, "c:fnVh", opts, NULL)) != -1) {
		switch (opt) {
		case 'c': config = optarg; break;
		case 'f': foreground = true; break;
		case 'n': check = true; break;
		case 'V': printf("sbcd %s\n", SBC_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}

	cfg = cfg_load(config, err, sizeof(err));
	if (!cfg) {
		fprintf(stderr, "sbcd: %s\n", err);
		return 1;
	}
	if (check) {
		printf("%s: configuration OK\n", config);
		cfg_free(cfg);
		return 0;
	}

	if (!foreground) {
		rc = daemonize(&ready_fd);
		if (rc < 0) {
			fprintf(stderr, "sbcd: daemonize: %s\n", strerror(-rc));
			cfg_free(cfg);
			return 1;
		}
	}
	log_init("sbcd", !foreground, cfg->log.level);

	rc = b2b_init(&ctx, cfg);
	if (rc < 0)
		goto out;
	rc = pid_file_write(cfg->paths.pid_file);
	if (rc < 0) {
		log_err("pid file %s: %s", cfg->paths.pid_file, strerror(-rc));
		b2b_uninit(&ctx);
		goto out;
	}
	if (ready_fd >= 0)
		detach(ready_fd);
	b2b_run(&ctx);
	b2b_uninit(&ctx);
	if (cfg->paths.pid_file[0])
		unlink(cfg->paths.pid_file);
	log_notice("stopped");
out:
	log_uninit();
	cfg_free(cfg);
	return rc < 0 ? 1 : 0;
}
