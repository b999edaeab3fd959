/*
 * The sbcctl shell: interactive with libedit, or reading a script from
 * stdin.  See shell.h.
 */
#include "shell.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <editline/readline.h>

#include "words.h"

#define PROMPT "sbc> "
#define HISTORY_FILE ".sbcctl_history"
#define HISTORY_MAX 1000

/* readline's completion callbacks take no context: the running session */
static struct ctl_session *shell_session;
/* candidates of the completion in progress, handed out by complete_next() */
static char **completions;

/* "json", "json on", "json off" */
static int builtin_json(struct ctl_session *s, char *const *argv, size_t argc)
{
	if (argc == 2 && strcmp(argv[1], "on") == 0) {
		s->json = true;
	} else if (argc == 2 && strcmp(argv[1], "off") == 0) {
		s->json = false;
	} else if (argc != 1) {
		fputs("sbcctl: usage: json [on|off]\n", stderr);
		return CTL_EXIT_USAGE;
	}
	printf("json output %s\n", s->json ? "on" : "off");
	return CTL_EXIT_OK;
}

/* run one input line; *@quit is set by quit and exit */
static int shell_line(struct ctl_session *s, const char *line, bool *quit)
{
	char **argv;
	size_t argc;
	int rc, ret;

	*quit = false;
	line += strspn(line, " \t");
	if (*line == '#')
		return CTL_EXIT_OK;
	ret = ctl_words_split(line, &argv, &argc);
	if (ret < 0) {
		fprintf(stderr, "sbcctl: %s\n", ret == -EINVAL
			? "unterminated quote or trailing backslash"
			: strerror(-ret));
		return ret == -EINVAL ? CTL_EXIT_USAGE : CTL_EXIT_FAILED;
	}
	if (argc == 0) {
		rc = CTL_EXIT_OK;
	} else if (argc == 1 && (strcmp(argv[0], "quit") == 0 ||
				 strcmp(argv[0], "exit") == 0)) {
		rc = CTL_EXIT_OK;
		*quit = true;
	} else if (strcmp(argv[0], "json") == 0) {
		rc = builtin_json(s, argv, argc);
	} else {
		rc = ctl_session_run(s, argv, argc);
	}
	ctl_words_free(argv);
	return rc;
}

int ctl_shell_script(struct ctl_session *s, FILE *in)
{
	char *line = NULL;
	size_t cap = 0;
	int worst = CTL_EXIT_OK, rc;
	bool quit = false;

	while (!quit && getline(&line, &cap, in) >= 0) {
		rc = shell_line(s, line, &quit);
		if (rc > worst)
			worst = rc;
		if (rc == CTL_EXIT_UNREACHABLE)
			break;
	}
	free(line);
	return worst;
}

/* append a copy of @word to the NULL-terminated *@list if it fits @prefix */
static void add_candidate(char ***list, const char *word, const char *prefix)
{
	size_t n = 0;
	char **more, *copy;

	if (!*list || strncmp(word, prefix, strlen(prefix)) != 0)
		return;
	while ((*list)[n])
		n++;
	copy = strdup(word);
	more = copy ? reallocarray(*list, n + 2, sizeof(**list)) : NULL;
	if (!more) {
		free(copy);
		return;
	}
	more[n] = copy;
	more[n + 1] = NULL;
	*list = more;
}

/* readline generator over the candidates computed by complete() */
static char *complete_next(const char *text, int state)
{
	static size_t i;

	(void)text;
	if (state == 0)
		i = 0;
	if (!completions || !completions[i])
		return NULL;
	return strdup(completions[i++]);
}

/* complete the word at @start from the command words before it */
static char **complete(const char *text, int start, int end)
{
	struct ctl_session *s = shell_session;
	char *before, **argv = NULL, **matches;
	size_t argc = 0;

	(void)end;
	rl_attempted_completion_over = 1;	/* never file names */
	before = strndup(rl_line_buffer, (size_t)start);
	if (!before || ctl_words_split(before, &argv, &argc) < 0) {
		free(before);
		return NULL;
	}
	free(before);
	if (!s->help)
		ctl_session_fetch_help(s);
	completions = ctl_words_next(s->help, argv, argc, text);
	if (argc == 0) {
		add_candidate(&completions, "exit", text);
		add_candidate(&completions, "json", text);
		add_candidate(&completions, "quit", text);
	} else if (argc == 1 && strcmp(argv[0], "json") == 0) {
		add_candidate(&completions, "off", text);
		add_candidate(&completions, "on", text);
	}
	matches = rl_completion_matches(text, complete_next);
	ctl_words_free(completions);
	completions = NULL;
	ctl_words_free(argv);
	return matches;
}

/* ~/.sbcctl_history, or NULL without $HOME */
static char *history_path(void)
{
	const char *home = getenv("HOME");
	char *path;

	if (!home || !*home ||
	    asprintf(&path, "%s/%s", home, HISTORY_FILE) < 0)
		return NULL;
	return path;
}

int ctl_shell_interactive(struct ctl_session *s)
{
	char *history = history_path(), *line;
	bool quit = false;

	shell_session = s;
	rl_readline_name = "sbcctl";
	rl_attempted_completion_function = complete;
	using_history();
	stifle_history(HISTORY_MAX);
	if (history)
		read_history(history);
	ctl_session_fetch_help(s);
	while (!quit && (line = readline(PROMPT))) {
		if (line[strspn(line, " \t")])
			add_history(line);
		shell_line(s, line, &quit);
		free(line);
	}
	if (!quit)
		putchar('\n');
	if (history && write_history(history) != 0)
		fprintf(stderr, "sbcctl: cannot save history to %s\n", history);
	free(history);
	shell_session = NULL;
	return CTL_EXIT_OK;
}
