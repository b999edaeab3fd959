/*
 * sbcctl: the operator's control client for sbcd.
 *
 *   sbcctl [-s SOCKET] [-c CONFIG] [--json] [COMMAND WORDS...]
 *
 * With command words it runs that one command (see session.h for the
 * exit statuses); without, it starts the shell on a terminal or reads
 * commands from stdin (shell.h).  The socket is -s, else
 * paths.control_socket of the -c configuration, else CTL_DEFAULT_SOCKET.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "session.h"
#include "shell.h"

#define CTL_DEFAULT_SOCKET "/run/sbc/sbcd.sock"

static void usage(FILE *out)
{
	fputs("usage: sbcctl [-s SOCKET] [-c CONFIG] [--json] [COMMAND [ARG...]]\n"
	      "\n"
	      "  -s, --socket SOCKET  control socket (default " CTL_DEFAULT_SOCKET ")\n"
	      "  -c, --config CONFIG  take the socket from this sbc.conf\n"
	      "  -j, --json           print results as JSON\n"
	      "  -h, --help           this text\n"
	      "\n"
	      "Without COMMAND: an interactive shell on a terminal, else one command\n"
	      "per line from stdin.  'sbcctl help' lists the daemon's commands.\n"
	      "Exit status: 0 ok, 1 command failed, 2 usage, 3 daemon unreachable.\n",
	      out);
}

/* paths.control_socket of @config, copied to @path (CFG_PATH_MAX bytes) */
static int socket_from_config(const char *config, char *path)
{
	char err[CFG_ERR_MAX];
	struct cfg *cfg = cfg_load(config, err, sizeof(err));

	if (!cfg) {
		fprintf(stderr, "sbcctl: %s\n", err);
		return -1;
	}
	snprintf(path, CFG_PATH_MAX, "%s", cfg->paths.control_socket);
	cfg_free(cfg);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "config", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctl_session s = { .socket = CTL_DEFAULT_SOCKET };
	const char *socket = NULL, *config = NULL;
	char path[CFG_PATH_MAX];
	int opt, rc;

	/* '+': options end at the first command word */
	while ((opt = getopt_long(argc, argv, "+s:c:jh", longopts, NULL)) != -1) {
		switch (opt) {
		case 's':
			socket = optarg;
			break;
		case 'c':
			config = optarg;
			break;
		case 'j':
			s.json = true;
			break;
		case 'h':
			usage(stdout);
			return CTL_EXIT_OK;
		default:
			usage(stderr);
			return CTL_EXIT_USAGE;
		}
	}
	if (socket) {
		s.socket = socket;
	} else if (config) {
		if (socket_from_config(config, path) < 0)
			return CTL_EXIT_USAGE;
		s.socket = path;
	}

	if (optind < argc)
		rc = ctl_session_run(&s, argv + optind, (size_t)(argc - optind));
	else if (isatty(STDIN_FILENO))
		rc = ctl_shell_interactive(&s);
	else
		rc = ctl_shell_script(&s, stdin);
	ctl_session_uninit(&s);
	return rc;
}
