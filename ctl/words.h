/*
 * Command words of sbcctl: splitting a typed line into words, matching the
 * words against the command list the daemon returns for ctl.help, and the
 * candidates for tab completion.  Pure functions, no I/O.
 *
 * Matching takes the command with the longest words that prefix what was
 * typed: with commands "log" and "log level", "log level debug" is
 * "log level" with the argument "debug".
 */
#ifndef SBC_CTL_WORDS_H
#define SBC_CTL_WORDS_H

#include <jansson.h>
#include <stddef.h>

/**
 * ctl_words_split - split a line into words
 * @line: the text; words are separated by blanks; '...' quotes literally,
 *	"..." quotes with \" and \\ escapes, a backslash outside quotes takes
 *	the next character literally
 * @argv: receives a NULL-terminated malloc()ed array, free with
 *	ctl_words_free()
 * @argc: receives the number of words
 *
 * Return: 0; -EINVAL for an unterminated quote or a trailing backslash;
 * -ENOMEM.
 */
int ctl_words_split(const char *line, char ***argv, size_t *argc);

/* ctl_words_free - free an array from ctl_words_split(); accepts NULL. */
void ctl_words_free(char **argv);

/**
 * ctl_words_match - the command typed
 * @help: the ctl.help result, an array of {method, words, args, help}
 * @argv: typed words
 * @argc: number of typed words
 * @consumed: receives how many of @argv are the command's words; the rest
 *	are its arguments
 *
 * Return: the matching element of @help (borrowed), or NULL.
 */
const json_t *ctl_words_match(const json_t *help, char *const *argv,
			      size_t argc, size_t *consumed);

/**
 * ctl_words_next - the words that may follow
 * @help: the ctl.help result
 * @argv: complete words typed so far
 * @argc: number of them
 * @prefix: start of the word being typed ("" for any)
 *
 * Return: a NULL-terminated malloc()ed array of distinct words, in the
 * order of @help, that follow @argv in some command and start with
 * @prefix; free with ctl_words_free().  NULL with errno ENOMEM.
 */
char **ctl_words_next(const json_t *help, char *const *argv, size_t argc,
		      const char *prefix);

#endif
