/*
 * sbcctl without command words: an interactive shell on a terminal
 * (libedit: prompt "sbc> ", history in ~/.sbcctl_history, tab completion
 * of command words taken from the daemon's ctl.help), or, when stdin is
 * not a terminal, one command per input line for scripts.
 *
 * Besides the daemon's commands both understand "quit" and "exit", and
 * "json on|off" to switch between human and JSON output ("json" alone
 * shows the setting).  Blank lines and lines starting with '#' are skipped.
 */
#ifndef SBC_CTL_SHELL_H
#define SBC_CTL_SHELL_H

#include <stdio.h>

#include "session.h"

/**
 * ctl_shell_interactive - read commands from the terminal until EOF or quit
 * @s: the session
 *
 * Return: CTL_EXIT_OK; errors of single commands are reported, not fatal.
 */
int ctl_shell_interactive(struct ctl_session *s);

/**
 * ctl_shell_script - run the commands read line by line from @in
 * @s: the session
 * @in: the script
 *
 * Return: the highest exit status of its commands; the script stops at
 * the first CTL_EXIT_UNREACHABLE.
 */
int ctl_shell_script(struct ctl_session *s, FILE *in);

#endif
