/*
 * sbcctl command words: split, match against ctl.help, complete.  See
 * words.h.
 */
#include "words.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

void ctl_words_free(char **argv)
{
	if (!argv)
		return;
	for (char **p = argv; *p; p++)
		free(*p);
	free(argv);
}

/* append @word (taken over) to the NULL-terminated *@argv of *@argc words */
static int push_word(char ***argv, size_t *argc, char *word)
{
	char **more = reallocarray(*argv, *argc + 2, sizeof(**argv));

	if (!more) {
		free(word);
		return -ENOMEM;
	}
	more[(*argc)++] = word;
	more[*argc] = NULL;
	*argv = more;
	return 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * Copy one word starting at @p into @word (room for strlen(@p) + 1);
 * return the position after it, or NULL for bad quoting.
 */
static const char *scan_word(const char *p, char *word)
{
	char quote = 0;
	size_t n = 0;

	for (; *p && (quote || !is_blank(*p)); p++) {
		if (quote == '\'' && *p == '\'') {
			quote = 0;
		} else if (quote == '"' && *p == '"') {
			quote = 0;
		} else if (!quote && (*p == '\'' || *p == '"')) {
			quote = *p;
		} else if (*p == '\\' && quote != '\'') {
			if (!p[1])
				return NULL;
			p++;
			if (quote == '"' && *p != '"' && *p != '\\')
				word[n++] = '\\';
			word[n++] = *p;
		} else {
			word[n++] = *p;
		}
	}
	word[n] = '\0';
	return quote ? NULL : p;
}

int ctl_words_split(const char *line, char ***argv_out, size_t *argc_out)
{
	char **argv = NULL, *word;
	size_t argc = 0;
	int ret;

	ret = push_word(&argv, &argc, NULL);	/* the terminator */
	if (ret < 0)
		return ret;
	argc = 0;
	for (;;) {
		while (is_blank(*line))
			line++;
		if (!*line)
			break;
		word = malloc(strlen(line) + 1);
		if (!word) {
			ret = -ENOMEM;
			goto err;
		}
		line = scan_word(line, word);
		if (!line) {
			free(word);
			ret = -EINVAL;
			goto err;
		}
		ret = push_word(&argv, &argc, word);
		if (ret < 0)
			goto err;
	}
	*argv_out = argv;
	*argc_out = argc;
	return 0;
err:
	ctl_words_free(argv);
	return ret;
}

/*
 * How many of @argv match the command words @words in turn; *@all tells
 * whether every word of @words was matched.
 */
static size_t prefix_len(const char *words, char *const *argv, size_t argc,
			 bool *all)
{
	size_t i = 0, len;

	*all = false;
	while (i < argc) {
		len = strcspn(words, " ");
		if (strlen(argv[i]) != len || strncmp(words, argv[i], len) != 0)
			return i;
		i++;
		words += len;
		if (!*words) {
			*all = true;
			return i;
		}
		words++;
	}
	return i;
}

static const char *entry_words(const json_t *entry)
{
	return json_string_value(json_object_get(entry, "words"));
}

const json_t *ctl_words_match(const json_t *help, char *const *argv,
			      size_t argc, size_t *consumed)
{
	const json_t *entry, *best = NULL;
	const char *words;
	size_t i, n, best_n = 0;
	bool all;

	json_array_foreach(help, i, entry) {
		words = entry_words(entry);
		if (!words)
			continue;
		n = prefix_len(words, argv, argc, &all);
		if (all && n > best_n) {
			best = entry;
			best_n = n;
		}
	}
	*consumed = best_n;
	return best;
}

char **ctl_words_next(const json_t *help, char *const *argv, size_t argc,
		      const char *prefix)
{
	char **out = NULL, *word;
	const json_t *entry;
	const char *words, *next;
	size_t i, n = 0, len, k;
	bool all;

	if (push_word(&out, &n, NULL) < 0)
		goto err;
	n = 0;
	json_array_foreach(help, i, entry) {
		words = entry_words(entry);
		if (!words || prefix_len(words, argv, argc, &all) != argc ||
		    all)
			continue;
		next = words;
		for (k = 0; k < argc; k++)
			next += strcspn(next, " ") + 1;
		len = strcspn(next, " ");
		if (strncmp(next, prefix, strlen(prefix)) != 0 ||
		    len < strlen(prefix))
			continue;
		for (k = 0; k < n; k++) {
			if (strlen(out[k]) == len &&
			    strncmp(out[k], next, len) == 0)
				break;
		}
		if (k < n)
			continue;
		word = strndup(next, len);
		if (!word || push_word(&out, &n, word) < 0)
			goto err;
	}
	return out;
err:
	ctl_words_free(out);
	errno = ENOMEM;
	return NULL;
}
