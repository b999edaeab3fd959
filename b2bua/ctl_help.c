/*
 * The built-in command ctl.help: the registry as data, so sbcctl takes its
 * help text, command words and tab completion from the running daemon.
 */
#include "ctl_registry.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/*
 * The filter words as one space-separated string: positional params are
 * the words, a named param "words" holds them already joined.  *@out is
 * NULL when there is no filter.  Return 0, -EINVAL or -ENOMEM.
 */
static int filter_words(const json_t *params, char **out)
{
	const char *w;
	size_t i, len = 0;
	char *s;

	*out = NULL;
	if (json_is_object(params)) {
		if (json_object_size(params) == 0)
			return 0;
		if (json_object_size(params) > 1 ||
		    ctl_param_string(params, 0, "words", &w) < 0)
			return -EINVAL;
		*out = strdup(w);
		return *out ? 0 : -ENOMEM;
	}
	if (json_array_size(params) == 0)
		return 0;
	for (i = 0; ctl_param_string(params, i, NULL, &w) == 0; i++)
		len += strlen(w) + 1;
	if (i != json_array_size(params))
		return -EINVAL;
	s = malloc(len);
	if (!s)
		return -ENOMEM;
	s[0] = '\0';
	for (i = 0; ctl_param_string(params, i, NULL, &w) == 0; i++) {
		if (i > 0)
			strcat(s, " ");
		strcat(s, w);
	}
	*out = s;
	return 0;
}

/* true when @words is @filter or starts with @filter and a space */
static bool words_match(const char *words, const char *filter)
{
	size_t n = strlen(filter);

	return strncmp(words, filter, n) == 0 &&
	       (words[n] == '\0' || words[n] == ' ');
}

static int help_handler(void *ctx, const json_t *params, struct ctl_reply *rep)
{
	const struct ctl_registry *reg = ctx;
	const struct ctl_command *cmd;
	char *filter;
	json_t *list;
	int ret;

	ret = filter_words(params, &filter);
	if (ret == -EINVAL)
		return ctl_reply_error(rep, CTL_ERR_INVALID_PARAMS,
				       "help takes command words (strings)");
	if (ret < 0)
		return ret;
	list = json_array();
	if (!list) {
		ret = -ENOMEM;
		goto err;
	}
	for (size_t i = 0; (cmd = ctl_registry_at(reg, i)); i++) {
		if (filter && !words_match(cmd->words, filter))
			continue;
		if (json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s}",
							  "method", cmd->method,
							  "words", cmd->words,
							  "args", cmd->args,
							  "help", cmd->help)) < 0) {
			ret = -ENOMEM;
			goto err;
		}
	}
	if (filter && json_array_size(list) == 0) {
		ctl_reply_error(rep, CTL_ERR_INVALID_PARAMS,
				"no command matches '%s'", filter);
		json_decref(list);
	} else {
		ctl_reply_set_result(rep, list);
	}
	free(filter);
	return 0;
err:
	json_decref(list);
	free(filter);
	return ret;
}

int ctl_help_register(struct ctl_registry *reg)
{
	const struct ctl_command cmd = {
		.method = "ctl.help",
		.words = "help",
		.args = "[COMMAND...]",
		.help = "list commands, or those starting with COMMAND",
		.min_args = 0,
		.max_args = CTL_ARGS_ANY,
		.handler = help_handler,
		.ctx = reg,
	};

	return ctl_registry_add(reg, &cmd);
}
