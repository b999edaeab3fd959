/*
 * The control command registry: every command sbcd answers on its control
 * socket is registered here exactly once, with its JSON-RPC method name
 * ("subsystem.verb"), the words an operator types in sbcctl ("log level"),
 * an argument synopsis and a help line.  sbcctl builds its help and tab
 * completion from this table (method ctl.help), so nothing is declared twice.
 *
 * Handlers never see the transport.  They read their params (a JSON array of
 * positional strings from sbcctl, or an object of named params from other
 * clients) and fill a struct ctl_reply with either a result or an error.
 * ctl_handle_request() turns one JSON-RPC request text into one reply text;
 * ctl_server.c only moves those texts over the socket, and the fuzz target
 * calls it directly.
 *
 * Not thread-safe: registration and dispatch happen on the event loop thread.
 */
#ifndef SBC_CTL_REGISTRY_H
#define SBC_CTL_REGISTRY_H

#include <jansson.h>
#include <limits.h>
#include <stddef.h>

/*
 * JSON-RPC 2.0 error codes.  -32768..-32000 are reserved by the
 * specification; -32099..-32000 are for the implementation.  docs/CONTROL.md
 * is the registry of these codes and of the sbcctl exit status each maps to.
 */
enum ctl_err {
	CTL_ERR_PARSE = -32700,			/* not JSON */
	CTL_ERR_INVALID_REQUEST = -32600,	/* JSON, but not a request */
	CTL_ERR_METHOD_NOT_FOUND = -32601,
	CTL_ERR_INVALID_PARAMS = -32602,
	CTL_ERR_INTERNAL = -32603,
	CTL_ERR_FAILED = -32000,		/* the command failed */
	CTL_ERR_NOT_FOUND = -32001,		/* a named object does not exist */
	CTL_ERR_TOO_MANY_CLIENTS = -32002,
	CTL_ERR_TOO_LARGE = -32003,		/* request line over the limit */
};

/* max_args value for commands that take any number of arguments. */
#define CTL_ARGS_ANY UINT_MAX

struct ctl_registry;
struct ctl_reply;

/**
 * typedef ctl_handler_fn - a command implementation
 * @ctx: the pointer given at registration
 * @params: a JSON array (positional) or object (named), never NULL; its
 *	size is already checked against the command's min_args..max_args
 * @rep: reply to fill with ctl_reply_set_result() or ctl_reply_error()
 *
 * Return: 0, or a negative errno; a negative return without an error set in
 * @rep is answered with CTL_ERR_FAILED and strerror() of it.
 */
typedef int ctl_handler_fn(void *ctx, const json_t *params,
			   struct ctl_reply *rep);

/*
 * One command.  The registry copies the strings; zero min_args/max_args
 * means the command takes no arguments.
 */
struct ctl_command {
	const char *method;	/* "subsystem.verb": [a-z0-9_] parts, one dot */
	const char *words;	/* what sbcctl users type: "log level" */
	const char *args;	/* synopsis for help, e.g. "[LEVEL]"; may be NULL */
	const char *help;	/* one line */
	unsigned min_args;
	unsigned max_args;	/* CTL_ARGS_ANY for no limit */
	ctl_handler_fn *handler;
	void *ctx;
};

/**
 * ctl_registry_new - create an empty registry
 *
 * Return: the registry, or NULL with errno set (ENOMEM).
 */
struct ctl_registry *ctl_registry_new(void);

/* ctl_registry_free - release a registry and its copies; accepts NULL. */
void ctl_registry_free(struct ctl_registry *reg);

/**
 * ctl_registry_add - register a command
 * @reg: the registry
 * @cmd: the command; its strings are copied, @cmd may be freed afterwards
 *
 * @cmd->words are lowercase words ([a-z0-9_-]) separated by single spaces.
 *
 * Return: 0; -EEXIST when the method or the words are already registered;
 * -EINVAL for a malformed method or words, a missing handler or help, or
 * min_args > max_args; -ENOMEM.
 */
int ctl_registry_add(struct ctl_registry *reg, const struct ctl_command *cmd);

/**
 * ctl_registry_add_all - ctl_registry_add() each of @n commands, in order
 *
 * Return: 0, or the first error of ctl_registry_add() (the commands before
 * it stay registered; a failed daemon start frees the whole registry).
 */
int ctl_registry_add_all(struct ctl_registry *reg,
			 const struct ctl_command *cmds, size_t n);

/**
 * ctl_registry_find - look a command up by method name
 *
 * Return: the registered command (owned by @reg), or NULL.
 */
const struct ctl_command *ctl_registry_find(const struct ctl_registry *reg,
					    const char *method);

/* ctl_registry_count - number of registered commands. */
size_t ctl_registry_count(const struct ctl_registry *reg);

/**
 * ctl_registry_at - the @i-th command, in the order of their words
 *
 * Return: the command (owned by @reg), or NULL when @i is out of range.
 */
const struct ctl_command *ctl_registry_at(const struct ctl_registry *reg,
					  size_t i);

/**
 * ctl_reply_set_result - set the result of a successful command
 * @rep: the reply
 * @result: the result; the reply steals this reference.  NULL (a failed
 *	json_pack() or json_object()) is accepted and reported as -ENOMEM, so
 *	handlers may write "return ctl_reply_set_result(rep, json_pack(...));"
 *
 * Return: 0, or -ENOMEM when @result is NULL.
 */
int ctl_reply_set_result(struct ctl_reply *rep, json_t *result);

/**
 * ctl_reply_error - make the reply an error
 * @rep: the reply
 * @code: an enum ctl_err value (or another code in -32099..-32000)
 * @fmt: printf format of the message shown to the operator
 *
 * An error replaces any result already set.
 *
 * Return: 0, so handlers may "return ctl_reply_error(rep, ...);".
 */
int ctl_reply_error(struct ctl_reply *rep, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * ctl_param_string - fetch one string parameter
 * @params: the handler's params
 * @pos: position when @params is an array
 * @name: key when @params is an object
 * @out: receives the string (owned by @params)
 *
 * Return: 0; -ENOENT when absent; -EINVAL when present but not a string.
 */
int ctl_param_string(const json_t *params, size_t pos, const char *name,
		     const char **out);

/**
 * ctl_handle_request - answer one JSON-RPC 2.0 request text
 * @reg: the commands
 * @text: one request or batch, without the newline (need not be
 *	NUL-terminated)
 * @len: bytes in @text
 * @reply: receives a malloc()ed compact JSON text without newline, or NULL
 *	when no reply is due (notifications)
 *
 * Malformed input is answered with a JSON-RPC error, never refused.
 *
 * Return: 0, or -ENOMEM (then *@reply is NULL).
 */
int ctl_handle_request(struct ctl_registry *reg, const char *text, size_t len,
		       char **reply);

/**
 * ctl_help_register - register ctl.help (sbcctl words "help")
 * @reg: the registry
 *
 * ctl.help [WORDS...] returns [{method, words, args, help}, ...] in the order
 * of their words, for every command whose words start with WORDS (all
 * commands without WORDS).  Implemented in ctl_help.c.
 *
 * Return: 0, or an error of ctl_registry_add().
 */
int ctl_help_register(struct ctl_registry *reg);

#endif
