/*
 * One sbcctl command from typed words to printed output: connect, fetch
 * the command list (ctl.help), match the words, call the method, print the
 * result.  Each command opens its own connection, so a daemon restart
 * between two shell commands goes unnoticed.
 *
 * Exit statuses (docs/CONTROL.md has the full table):
 *   0  success
 *   1  the daemon answered with an error (the command failed)
 *   2  usage: unknown command words, bad options or arguments
 *      (JSON-RPC -32601 and -32602 from the daemon count as usage)
 *   3  the daemon cannot be reached: connect failed, connection lost,
 *      timeout, or a reply that is not JSON-RPC
 */
#ifndef SBC_CTL_SESSION_H
#define SBC_CTL_SESSION_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

enum ctl_exit {
	CTL_EXIT_OK = 0,
	CTL_EXIT_FAILED = 1,
	CTL_EXIT_USAGE = 2,
	CTL_EXIT_UNREACHABLE = 3,
};

struct ctl_session {
	const char *socket;	/* control socket path */
	bool json;		/* print results as JSON */
	json_t *help;		/* last ctl.help result, NULL before one */
};

/**
 * ctl_session_run - run one command and print its outcome
 * @s: the session; @s->help is refreshed
 * @argv: command words followed by arguments
 * @argc: number of them (>= 1)
 *
 * The result goes to stdout; errors go to stderr as "sbcctl: message".
 *
 * Return: an enum ctl_exit value.
 */
int ctl_session_run(struct ctl_session *s, char *const *argv, size_t argc);

/**
 * ctl_session_fetch_help - refresh @s->help from the daemon, silently
 *
 * Return: an enum ctl_exit value.
 */
int ctl_session_fetch_help(struct ctl_session *s);

/* ctl_session_uninit - release what the session holds. */
void ctl_session_uninit(struct ctl_session *s);

#endif
