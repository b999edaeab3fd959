/*
 * Running one sbcctl command against the daemon; see session.h.
 */
#include "session.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "ctl_registry.h"	/* the error codes sbcd sends */
#include "render.h"
#include "words.h"

static void complain(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static void complain(const char *fmt, ...)
{
	va_list ap;

	fputs("sbcctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* report a failed call; return the exit status it maps to */
static int call_failed(const struct ctl_session *s, int ret,
		       const struct ctl_client_error *err)
{
	char *msg;

	if (ret != -EREMOTEIO) {
		complain("%s: %s", s->socket, strerror(-ret));
		return ret == -ENOMEM ? CTL_EXIT_FAILED : CTL_EXIT_UNREACHABLE;
	}
	msg = ctl_render_escape(err->message);
	complain("%s", msg ? msg : err->message);
	free(msg);
	/* the operator typed something wrong */
	if (err->code == CTL_ERR_METHOD_NOT_FOUND ||
	    err->code == CTL_ERR_INVALID_PARAMS)
		return CTL_EXIT_USAGE;
	return CTL_EXIT_FAILED;
}

/* connect and refresh the command list; NULL after reporting why */
static struct ctl_client *session_open(struct ctl_session *s, int *rc,
				       bool quiet)
{
	struct ctl_client_error err;
	struct ctl_client *c;
	json_t *help;
	int ret;

	c = ctl_client_connect(s->socket);
	if (!c) {
		if (!quiet)
			complain("cannot connect to %s: %s", s->socket,
				 strerror(errno));
		*rc = CTL_EXIT_UNREACHABLE;
		return NULL;
	}
	ret = ctl_client_call(c, "ctl.help", NULL, &help, &err);
	if (ret == 0 && !json_is_array(help)) {
		json_decref(help);
		ret = -EPROTO;
	}
	if (ret < 0) {
		*rc = quiet ? (ret == -EREMOTEIO ? CTL_EXIT_FAILED
						 : CTL_EXIT_UNREACHABLE)
			    : call_failed(s, ret, &err);
		ctl_client_close(c);
		return NULL;
	}
	json_decref(s->help);
	s->help = help;
	*rc = CTL_EXIT_OK;
	return c;
}

int ctl_session_fetch_help(struct ctl_session *s)
{
	int rc;

	ctl_client_close(session_open(s, &rc, true));
	return rc;
}

/* the words joined by spaces, escaped for the terminal */
static char *words_text(char *const *argv, size_t argc)
{
	size_t len = 1, i;
	char *joined, *text;

	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	joined = malloc(len);
	if (!joined)
		return NULL;
	joined[0] = '\0';
	for (i = 0; i < argc; i++) {
		if (i > 0)
			strcat(joined, " ");
		strcat(joined, argv[i]);
	}
	text = ctl_render_escape(joined);
	free(joined);
	return text;
}

/* explain words that name no command */
static int unknown_command(const struct ctl_session *s, char *const *argv,
			   size_t argc)
{
	char **next = ctl_words_next(s->help, argv, argc, "");
	char *typed = words_text(argv, argc);

	if (!next || !typed) {
		complain("%s", strerror(ENOMEM));
	} else if (next[0]) {
		fprintf(stderr, "sbcctl: incomplete command '%s'; it goes on with:",
			typed);
		for (size_t i = 0; next[i]; i++)
			fprintf(stderr, "%s %s", i ? "," : "", next[i]);
		fputc('\n', stderr);
	} else {
		complain("unknown command '%s'; try 'help'", typed);
	}
	ctl_words_free(next);
	free(typed);
	return CTL_EXIT_USAGE;
}

/* Largest file an @FILE argument may name; the request limit is sbcd's. */
#define ARG_FILE_MAX (16u << 20)

/*
 * An argument's value: "@FILE" is the content of FILE, read here so that
 * sbcd never opens paths on behalf of a socket client; "@@x" is the literal
 * "@x".  Returns a malloc()ed string, or NULL after complaining.
 */
static char *arg_value(const char *arg)
{
	FILE *f;
	char *buf;
	size_t n;

	if (arg[0] != '@' || arg[1] == '@')
		return strdup(arg[0] == '@' ? arg + 1 : arg);
	f = fopen(arg + 1, "r");
	if (!f) {
		complain("%s: %s", arg + 1, strerror(errno));
		return NULL;
	}
	buf = malloc(ARG_FILE_MAX + 1);
	n = buf ? fread(buf, 1, ARG_FILE_MAX + 1, f) : 0;
	if (buf && (ferror(f) || n > ARG_FILE_MAX)) {
		complain("%s: %s", arg + 1, ferror(f) ? "read error" :
			 "larger than 16 MiB");
		free(buf);
		buf = NULL;
	} else if (buf) {
		buf[n] = '\0';
	}
	fclose(f);
	return buf;
}

/*
 * Arguments are KEY=VALUE words; "--KEY VALUE" and "--KEY=VALUE" are the
 * same thing spelled the way other tools do (`show calls --account ID`).
 * Returns the argument at *@i as a malloc()ed KEY=VALUE (moving *@i past
 * a separate VALUE), or its value as arg_value() gives it; NULL after
 * complaining.
 */
static char *arg_word(char *const *argv, size_t argc, size_t *i)
{
	const char *arg = argv[*i];
	char *word;

	if (strncmp(arg, "--", 2) || !arg[2] || arg[2] == '=')
		return arg_value(arg);
	if (strchr(arg, '='))
		return strdup(arg + 2);
	if (*i + 1 >= argc) {
		complain("option %s needs a value", arg);
		return NULL;
	}
	(*i)++;
	if (asprintf(&word, "%s=%s", arg + 2, argv[*i]) < 0)
		return NULL;
	return word;
}

/* the words after the command's own as a JSON array of strings */
static json_t *make_params(char *const *argv, size_t argc, int *rc)
{
	json_t *params = json_array();

	*rc = CTL_EXIT_FAILED;
	if (!params)
		return NULL;
	for (size_t i = 0; i < argc; i++) {
		char *value = arg_word(argv, argc, &i);
		json_t *s = value ? json_string(value) : NULL;

		if (!s) {
			char *text = ctl_render_escape(argv[i]);

			if (value)
				complain("argument '%s' is not valid UTF-8",
					 text ? text : "?");
			free(text);
			free(value);
			*rc = CTL_EXIT_USAGE;
			json_decref(params);
			return NULL;
		}
		free(value);
		if (json_array_append_new(params, s) < 0) {
			json_decref(params);
			return NULL;
		}
	}
	return params;
}

static int print_result(const struct ctl_session *s, const char *method,
			const json_t *result)
{
	char *text;
	int ret = 0;

	if (s->json) {
		text = json_dumps(result, JSON_INDENT(2) | JSON_ENCODE_ANY |
					  JSON_PRESERVE_ORDER);
		if (!text)
			ret = -ENOMEM;
		else if (printf("%s\n", text) < 0)
			ret = -EIO;
		free(text);
	} else if (strcmp(method, "ctl.help") == 0) {
		ret = ctl_render_help(stdout, result);
	} else {
		ret = ctl_render(stdout, result);
	}
	if (fflush(stdout) == EOF && ret == 0)
		ret = -errno;
	if (ret < 0) {
		complain("output: %s", strerror(-ret));
		return CTL_EXIT_FAILED;
	}
	return CTL_EXIT_OK;
}

int ctl_session_run(struct ctl_session *s, char *const *argv, size_t argc)
{
	struct ctl_client_error err;
	struct ctl_client *c;
	const json_t *cmd;
	json_t *params = NULL, *result = NULL;
	const char *method;
	size_t consumed;
	int rc, ret;

	c = session_open(s, &rc, false);
	if (!c)
		return rc;
	cmd = ctl_words_match(s->help, argv, argc, &consumed);
	method = json_string_value(json_object_get(cmd, "method"));
	if (!method) {
		rc = unknown_command(s, argv, argc);
		goto out;
	}
	params = make_params(argv + consumed, argc - consumed, &rc);
	if (!params) {
		if (rc != CTL_EXIT_USAGE)
			complain("%s", strerror(ENOMEM));
		goto out;
	}
	ret = ctl_client_call(c, method, params, &result, &err);
	if (ret < 0)
		rc = call_failed(s, ret, &err);
	else
		rc = print_result(s, method, result);
out:
	json_decref(result);
	json_decref(params);
	ctl_client_close(c);
	return rc;
}

void ctl_session_uninit(struct ctl_session *s)
{
	json_decref(s->help);
	s->help = NULL;
}
