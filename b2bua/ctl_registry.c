/*
 * Control command registry and the JSON-RPC 2.0 dispatcher: one request text
 * in, one reply text out.  See ctl_registry.h for the contract and
 * docs/CONTROL.md for the protocol.
 */
#include "ctl_registry.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ctl_registry {
	struct ctl_command *cmds;	/* sorted by words */
	size_t n;
	size_t cap;
};

struct ctl_reply {
	json_t *result;
	int code;		/* 0 until ctl_reply_error() */
	char *message;		/* NULL if formatting it ran out of memory */
};

struct ctl_registry *ctl_registry_new(void)
{
	return calloc(1, sizeof(struct ctl_registry));
}

/* release the strings ctl_registry_add() copied */
static void command_clear(struct ctl_command *cmd)
{
	free((char *)cmd->method);
	free((char *)cmd->words);
	free((char *)cmd->args);
	free((char *)cmd->help);
}

void ctl_registry_free(struct ctl_registry *reg)
{
	if (!reg)
		return;
	for (size_t i = 0; i < reg->n; i++)
		command_clear(&reg->cmds[i]);
	free(reg->cmds);
	free(reg);
}

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/* "subsystem.verb": two non-empty [a-z0-9_] parts joined by one dot */
static bool method_valid(const char *m)
{
	const char *dot = strchr(m, '.');
	const char *p;

	if (!dot || dot == m || dot[1] == '\0')
		return false;
	for (p = m; *p; p++) {
		if (p != dot && !is_name_char(*p))
			return false;
	}
	return true;
}

/* words: [a-z0-9_-]+ separated by single spaces */
static bool words_valid(const char *w)
{
	bool need_word = true;

	for (; *w; w++) {
		if (*w == ' ') {
			if (need_word)
				return false;
			need_word = true;
		} else if (is_name_char(*w) || *w == '-') {
			need_word = false;
		} else {
			return false;
		}
	}
	return !need_word;
}

int ctl_registry_add(struct ctl_registry *reg, const struct ctl_command *cmd)
{
	struct ctl_command copy = *cmd;
	size_t pos;

	if (!cmd->method || !cmd->words || !cmd->help || !cmd->help[0] ||
	    !cmd->handler || !method_valid(cmd->method) ||
	    !words_valid(cmd->words) || cmd->min_args > cmd->max_args)
		return -EINVAL;
	for (pos = 0; pos < reg->n; pos++) {
		if (strcmp(reg->cmds[pos].method, cmd->method) == 0 ||
		    strcmp(reg->cmds[pos].words, cmd->words) == 0)
			return -EEXIST;
	}
	if (reg->n == reg->cap) {
		size_t cap = reg->cap ? 2 * reg->cap : 16;
		struct ctl_command *cmds;

		cmds = reallocarray(reg->cmds, cap, sizeof(*cmds));
		if (!cmds)
			return -ENOMEM;
		reg->cmds = cmds;
		reg->cap = cap;
	}
	copy.method = strdup(cmd->method);
	copy.words = strdup(cmd->words);
	copy.args = strdup(cmd->args ? cmd->args : "");
	copy.help = strdup(cmd->help);
	if (!copy.method || !copy.words || !copy.args || !copy.help) {
		command_clear(&copy);
		return -ENOMEM;
	}
	for (pos = 0; pos < reg->n; pos++) {
		if (strcmp(copy.words, reg->cmds[pos].words) < 0)
			break;
	}
	memmove(&reg->cmds[pos + 1], &reg->cmds[pos],
		(reg->n - pos) * sizeof(reg->cmds[0]));
	reg->cmds[pos] = copy;
	reg->n++;
	return 0;
}

int ctl_registry_add_all(struct ctl_registry *reg,
			 const struct ctl_command *cmds, size_t n)
{
	int rc;

	for (size_t i = 0; i < n; i++) {
		rc = ctl_registry_add(reg, &cmds[i]);
		if (rc < 0)
			return rc;
	}
	return 0;
}

const struct ctl_command *ctl_registry_find(const struct ctl_registry *reg,
					    const char *method)
{
	for (size_t i = 0; i < reg->n; i++) {
		if (strcmp(reg->cmds[i].method, method) == 0)
			return &reg->cmds[i];
	}
	return NULL;
}

size_t ctl_registry_count(const struct ctl_registry *reg)
{
	return reg->n;
}

const struct ctl_command *ctl_registry_at(const struct ctl_registry *reg,
					  size_t i)
{
	return i < reg->n ? &reg->cmds[i] : NULL;
}

int ctl_reply_set_result(struct ctl_reply *rep, json_t *result)
{
	if (!result)
		return -ENOMEM;
	json_decref(rep->result);
	rep->result = result;
	return 0;
}

/* set the error from a va_list; a zero code would read as success */
static void reply_verror(struct ctl_reply *rep, int code, const char *fmt,
			 va_list ap)
{
	free(rep->message);
	if (vasprintf(&rep->message, fmt, ap) < 0)
		rep->message = NULL;
	rep->code = code ? code : CTL_ERR_FAILED;
}

int ctl_reply_error(struct ctl_reply *rep, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	reply_verror(rep, code, fmt, ap);
	va_end(ap);
	return 0;
}

int ctl_param_string(const json_t *params, size_t pos, const char *name,
		     const char **out)
{
	const json_t *v = NULL;

	if (json_is_array(params))
		v = json_array_get(params, pos);
	else if (json_is_object(params) && name)
		v = json_object_get(params, name);
	if (!v)
		return -ENOENT;
	if (!json_is_string(v))
		return -EINVAL;
	*out = json_string_value(v);
	return 0;
}

/*
 * A JSON string for an error message.  Messages may quote bytes of the
 * request (jansson's parse errors do), which need not be UTF-8: replace
 * every non-ASCII byte then.
 */
static json_t *message_json(const char *msg)
{
	json_t *s;
	char *ascii;

	if (!msg)
		msg = strerror(ENOMEM);
	s = json_string(msg);
	if (s)
		return s;
	ascii = strdup(msg);
	if (!ascii)
		return NULL;
	for (char *p = ascii; *p; p++) {
		if ((unsigned char)*p >= 0x80)
			*p = '?';
	}
	s = json_string(ascii);
	free(ascii);
	return s;
}

/* {"jsonrpc":"2.0","id":ID} with a borrowed ID (NULL: null) */
static json_t *response_new(json_t *id)
{
	json_t *resp = json_object();

	if (!resp)
		return NULL;
	if (json_object_set_new(resp, "jsonrpc", json_string("2.0")) < 0 ||
	    json_object_set(resp, "id", id ? id : json_null()) < 0) {
		json_decref(resp);
		return NULL;
	}
	return resp;
}

/* a success response; steals @result */
static json_t *result_response(json_t *id, json_t *result)
{
	json_t *resp = response_new(id);

	if (!resp || json_object_set_new(resp, "result", result) < 0) {
		if (!resp)
			json_decref(result);
		json_decref(resp);
		return NULL;
	}
	return resp;
}

/* an error response with a preformatted message */
static json_t *error_response_msg(json_t *id, int code, const char *msg)
{
	json_t *resp, *err = json_object();

	if (!err || json_object_set_new(err, "code", json_integer(code)) < 0 ||
	    json_object_set_new(err, "message", message_json(msg)) < 0) {
		json_decref(err);
		return NULL;
	}
	resp = response_new(id);
	if (!resp || json_object_set_new(resp, "error", err) < 0) {
		if (!resp)
			json_decref(err);
		json_decref(resp);
		return NULL;
	}
	return resp;
}

static json_t *error_response(json_t *id, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static json_t *error_response(json_t *id, int code, const char *fmt, ...)
{
	struct ctl_reply rep = { 0 };
	json_t *resp;
	va_list ap;

	va_start(ap, fmt);
	reply_verror(&rep, code, fmt, ap);
	va_end(ap);
	resp = error_response_msg(id, rep.code, rep.message);
	free(rep.message);
	return resp;
}

static size_t params_count(const json_t *params)
{
	return json_is_array(params) ? json_array_size(params)
				     : json_object_size(params);
}

/* run a command's handler and build its response; steals nothing */
static json_t *call_command(const struct ctl_command *cmd, json_t *id,
			    const json_t *params)
{
	struct ctl_reply rep = { 0 };
	json_t *resp;
	int ret;

	ret = cmd->handler(cmd->ctx, params, &rep);
	if (ret < 0 && rep.code == 0)
		ctl_reply_error(&rep, CTL_ERR_FAILED, "%s: %s", cmd->method,
				strerror(-ret));
	if (rep.code != 0) {
		resp = error_response_msg(id, rep.code, rep.message);
		json_decref(rep.result);
	} else {
		resp = result_response(id, rep.result ? rep.result
						       : json_null());
	}
	free(rep.message);
	return resp;
}

/*
 * Validate and run one request object.  *@resp is NULL after a
 * notification.  Return 0 or -ENOMEM.
 */
static int handle_one(struct ctl_registry *reg, json_t *req, json_t **resp)
{
	const struct ctl_command *cmd;
	json_t *id, *version, *method, *params, *empty = NULL;
	const char *name;
	size_t n;

	*resp = NULL;
	if (!json_is_object(req)) {
		*resp = error_response(NULL, CTL_ERR_INVALID_REQUEST,
				       "invalid request: not a JSON object");
		return *resp ? 0 : -ENOMEM;
	}
	id = json_object_get(req, "id");
	version = json_object_get(req, "jsonrpc");
	method = json_object_get(req, "method");
	params = json_object_get(req, "params");
	if (id && !json_is_string(id) && !json_is_number(id) &&
	    !json_is_null(id))
		*resp = error_response(NULL, CTL_ERR_INVALID_REQUEST,
				       "invalid request: id must be a string, a number or null");
	else if (!json_is_string(version) ||
		 strcmp(json_string_value(version), "2.0") != 0)
		*resp = error_response(id, CTL_ERR_INVALID_REQUEST,
				       "invalid request: jsonrpc must be \"2.0\"");
	else if (!json_is_string(method))
		*resp = error_response(id, CTL_ERR_INVALID_REQUEST,
				       "invalid request: method must be a string");
	else if (params && !json_is_array(params) && !json_is_object(params))
		*resp = error_response(id, CTL_ERR_INVALID_REQUEST,
				       "invalid request: params must be an array or an object");
	if (*resp)
		return 0;

	name = json_string_value(method);
	cmd = ctl_registry_find(reg, name);
	if (!cmd) {
		if (!id)
			return 0;
		*resp = error_response(id, CTL_ERR_METHOD_NOT_FOUND,
				       "unknown method '%s'", name);
		return *resp ? 0 : -ENOMEM;
	}
	if (!params) {
		params = empty = json_array();
		if (!empty)
			return -ENOMEM;
	}
	n = params_count(params);
	if (n < cmd->min_args || n > cmd->max_args)
		*resp = error_response(id, CTL_ERR_INVALID_PARAMS,
				       "%s arguments; usage: %s%s%s",
				       n < cmd->min_args ? "missing" : "too many",
				       cmd->words, cmd->args[0] ? " " : "",
				       cmd->args);
	else
		*resp = call_command(cmd, id, params);
	json_decref(empty);
	if (!*resp)
		return -ENOMEM;
	if (!id) {
		json_decref(*resp);
		*resp = NULL;
	}
	return 0;
}

/* a batch: an array of the responses due, or NULL if none are */
static int handle_batch(struct ctl_registry *reg, json_t *batch,
			json_t **resp)
{
	json_t *out, *req, *one;
	size_t i;
	int ret;

	*resp = NULL;
	if (json_array_size(batch) == 0) {
		*resp = error_response(NULL, CTL_ERR_INVALID_REQUEST,
				       "invalid request: empty batch");
		return *resp ? 0 : -ENOMEM;
	}
	out = json_array();
	if (!out)
		return -ENOMEM;
	json_array_foreach(batch, i, req) {
		ret = handle_one(reg, req, &one);
		if (ret < 0)
			goto err;
		if (one && json_array_append_new(out, one) < 0) {
			ret = -ENOMEM;
			goto err;
		}
	}
	if (json_array_size(out) > 0)
		*resp = out;
	else
		json_decref(out);
	return 0;
err:
	json_decref(out);
	return ret;
}

int ctl_handle_request(struct ctl_registry *reg, const char *text, size_t len,
		       char **reply)
{
	json_error_t jerr;
	json_t *req, *resp = NULL;
	int ret = 0;

	*reply = NULL;
	req = json_loadb(text, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES,
			 &jerr);
	if (!req) {
		if (json_error_code(&jerr) == json_error_out_of_memory)
			return -ENOMEM;
		resp = error_response(NULL, CTL_ERR_PARSE,
				      "parse error at byte %d: %s",
				      jerr.position, jerr.text);
		if (!resp)
			ret = -ENOMEM;
	} else if (json_is_array(req)) {
		ret = handle_batch(reg, req, &resp);
	} else {
		ret = handle_one(reg, req, &resp);
	}
	json_decref(req);
	if (ret < 0 || !resp)
		return ret;
	*reply = json_dumps(resp, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(resp);
	return *reply ? 0 : -ENOMEM;
}
