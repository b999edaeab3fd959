/*
 * Unit tests of the control socket: the command registry, the JSON-RPC
 * dispatcher (ctl_handle_request) and the server on a real UNIX socket in
 * $TMPDIR, driven by su_root_step() while non-blocking clients in the same
 * thread talk to it.  su_init() ignores SIGPIPE; main() restores the
 * default action, so a server write to a closed client without MSG_NOSIGNAL
 * would kill this test.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>
#include <sofia-sip/su.h>
#include <sofia-sip/su_wait.h>

#include "ctl_registry.h"
#include "ctl_server.h"
#include "log.h"

#define MAX_CLIENTS 2
#define MAX_REQUEST 256
#define STEPS 2000		/* loop iterations before a test gives up */

struct fx {
	su_root_t *root;
	struct ctl_registry *reg;
	struct ctl_server *srv;
	char dir[80];		/* short enough for sun_path */
	char path[128];
	int count;		/* calls of test.count */
};

/* a test client: a non-blocking socket and what it has received */
struct cl {
	int fd;
	char *buf;
	size_t len;
	bool eof;
};

static int echo_handler(void *ctx, const json_t *params, struct ctl_reply *rep)
{
	(void)ctx;
	return ctl_reply_set_result(rep, json_deep_copy(params));
}

static int count_handler(void *ctx, const json_t *params, struct ctl_reply *rep)
{
	struct fx *fx = ctx;

	(void)params;
	fx->count++;
	return ctl_reply_set_result(rep, json_integer(fx->count));
}

static int fail_handler(void *ctx, const json_t *params, struct ctl_reply *rep)
{
	(void)ctx;
	(void)params;
	return ctl_reply_error(rep, CTL_ERR_NOT_FOUND, "no call '%s'", "abc");
}

static int errno_handler(void *ctx, const json_t *params, struct ctl_reply *rep)
{
	(void)ctx;
	(void)params;
	(void)rep;
	return -EIO;
}

/* a string of BYTES 'x' characters */
static int big_handler(void *ctx, const json_t *params, struct ctl_reply *rep)
{
	const char *arg;
	size_t n;
	char *s;
	json_t *v;

	(void)ctx;
	if (ctl_param_string(params, 0, "bytes", &arg) < 0)
		return ctl_reply_error(rep, CTL_ERR_INVALID_PARAMS, "BYTES?");
	n = strtoul(arg, NULL, 10);
	s = malloc(n + 1);
	if (!s)
		return -ENOMEM;
	memset(s, 'x', n);
	s[n] = '\0';
	v = json_string(s);
	free(s);
	return ctl_reply_set_result(rep, v);
}

static struct ctl_registry *registry_new(struct fx *fx)
{
	const struct ctl_command cmds[] = {
		{ "test.echo", "echo", "[WORD...]", "return the params",
		  0, CTL_ARGS_ANY, echo_handler, NULL },
		{ "test.count", "count", NULL, "count calls", 0, 0,
		  count_handler, fx },
		{ "test.fail", "fail", NULL, "fail with a message", 0, 0,
		  fail_handler, NULL },
		{ "test.errno", "errno", NULL, "fail with -EIO", 0, 0,
		  errno_handler, NULL },
		{ "test.big", "big", "BYTES", "a long string", 1, 1,
		  big_handler, NULL },
	};
	struct ctl_registry *reg = ctl_registry_new();

	assert_non_null(reg);
	assert_int_equal(ctl_help_register(reg), 0);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		assert_int_equal(ctl_registry_add(reg, &cmds[i]), 0);
	return reg;
}

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	const char *tmp = getenv("TMPDIR");

	assert_non_null(fx);
	assert_true((size_t)snprintf(fx->dir, sizeof(fx->dir), "%s/ctl.XXXXXX",
				     tmp ? tmp : "/tmp") < sizeof(fx->dir));
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->path, sizeof(fx->path), "%s/sbcd.sock", fx->dir);
	fx->root = su_root_create(NULL);
	assert_non_null(fx->root);
	fx->reg = registry_new(fx);
	fx->srv = ctl_server_new(fx->root, fx->path, MAX_CLIENTS, MAX_REQUEST,
				 fx->reg);
	assert_non_null(fx->srv);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	ctl_server_free(fx->srv);
	ctl_registry_free(fx->reg);
	su_root_destroy(fx->root);
	unlink(fx->path);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

static struct cl *cl_connect(struct fx *fx)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct cl *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	strcpy(sun.sun_path, fx->path);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	assert_true(c->fd >= 0);
	assert_int_equal(connect(c->fd, (struct sockaddr *)&sun, sizeof(sun)),
			 0);
	return c;
}

static void cl_close(struct cl *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->buf);
	free(c);
}

/* send everything, running the loop while the socket is full */
static int cl_send(struct fx *fx, struct cl *c, const char *data, size_t len)
{
	size_t off = 0;

	for (int i = 0; off < len && i < STEPS; i++) {
		ssize_t n = send(c->fd, data + off, len - off,
				 MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0 && errno != EAGAIN)
			return -errno;
		if (n > 0)
			off += (size_t)n;
		else
			su_root_step(fx->root, 10);
	}
	return off == len ? 0 : -ETIMEDOUT;
}

static void cl_send_str(struct fx *fx, struct cl *c, const char *s)
{
	assert_int_equal(cl_send(fx, c, s, strlen(s)), 0);
}

/* receive what is there; false when nothing came */
static bool cl_poll(struct cl *c)
{
	char chunk[65536];
	ssize_t n = recv(c->fd, chunk, sizeof(chunk), MSG_DONTWAIT);

	if (n == 0 || (n < 0 && errno == ECONNRESET)) {
		c->eof = true;
		return true;
	}
	if (n < 0)
		return false;
	c->buf = realloc(c->buf, c->len + (size_t)n + 1);
	assert_non_null(c->buf);
	memcpy(c->buf + c->len, chunk, (size_t)n);
	c->len += (size_t)n;
	c->buf[c->len] = '\0';
	return true;
}

/* the next reply line (without newline), or NULL at end of stream */
static char *cl_line(struct fx *fx, struct cl *c)
{
	for (int i = 0; i < STEPS; i++) {
		char *nl = c->buf ? memchr(c->buf, '\n', c->len) : NULL;

		if (nl) {
			size_t n = (size_t)(nl - c->buf);
			char *line = strndup(c->buf, n);

			memmove(c->buf, nl + 1, c->len - n - 1);
			c->len -= n + 1;
			c->buf[c->len] = '\0';
			return line;
		}
		if (c->eof)
			return NULL;
		if (!cl_poll(c))
			su_root_step(fx->root, 10);
	}
	fail_msg("no reply line");
	return NULL;
}

/* run the loop until the server closes the connection */
static void cl_expect_eof(struct fx *fx, struct cl *c)
{
	for (int i = 0; i < STEPS && !c->eof; i++) {
		if (!cl_poll(c))
			su_root_step(fx->root, 10);
	}
	assert_true(c->eof);
	assert_int_equal(c->len, 0);
}

/* run the loop until the server has @n clients */
static void wait_clients(struct fx *fx, unsigned n)
{
	for (int i = 0; i < STEPS && ctl_server_clients(fx->srv) != n; i++)
		su_root_step(fx->root, 10);
	assert_int_equal(ctl_server_clients(fx->srv), n);
}

/* the error code of a reply line, 0 when it is a result */
static int reply_code(const char *line)
{
	json_t *r = json_loads(line, 0, NULL);
	json_int_t code = 0;

	assert_non_null(r);
	assert_string_equal(json_string_value(json_object_get(r, "jsonrpc")),
			    "2.0");
	if (!json_object_get(r, "result"))
		assert_int_equal(json_unpack(r, "{s:{s:I}}", "error", "code",
					     &code), 0);
	json_decref(r);
	return (int)code;
}

/* send one line and check the reply is exactly @expect */
static void roundtrip(struct fx *fx, struct cl *c, const char *req,
		      const char *expect)
{
	char *line;

	cl_send_str(fx, c, req);
	line = cl_line(fx, c);
	assert_non_null(line);
	assert_string_equal(line, expect);
	free(line);
}

/* send one line and check the reply's error code */
static void expect_code(struct fx *fx, struct cl *c, const char *req, int code)
{
	char *line;

	cl_send_str(fx, c, req);
	line = cl_line(fx, c);
	assert_non_null(line);
	assert_int_equal(reply_code(line), code);
	free(line);
}

#define ECHO_REQ "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test.echo\",\"params\":[\"a\",\"b\"]}\n"
#define ECHO_REP "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[\"a\",\"b\"]}"

static void test_result(void **state)
{
	struct fx *fx = *state;
	struct cl *c = cl_connect(fx);

	roundtrip(fx, c, ECHO_REQ, ECHO_REP);
	roundtrip(fx, c, "{\"jsonrpc\":\"2.0\",\"id\":\"s\",\"method\":\"test.echo\",\"params\":{\"k\":\"v\"}}\n",
		  "{\"jsonrpc\":\"2.0\",\"id\":\"s\",\"result\":{\"k\":\"v\"}}");
	roundtrip(fx, c, "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"test.echo\"}\n",
		  "{\"jsonrpc\":\"2.0\",\"id\":null,\"result\":[]}");
	cl_close(c);
}

static void test_unknown_method(void **state)
{
	struct fx *fx = *state;
	struct cl *c = cl_connect(fx);

	roundtrip(fx, c, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"no.such\"}\n",
		  "{\"jsonrpc\":\"2.0\",\"id\":9,\"error\":{\"code\":-32601,\"message\":\"unknown method 'no.such'\"}}");
	cl_close(c);
}

static void test_parse_error_keeps_connection(void **state)
{
	struct fx *fx = *state;
	struct cl *c = cl_connect(fx);

	expect_code(fx, c, "garbage\n", CTL_ERR_PARSE);
	expect_code(fx, c, "{\"jsonrpc\":\"2.0\",\"id\":1,\n", CTL_ERR_PARSE);
	expect_code(fx, c, "\xff\xfe\x01\n", CTL_ERR_PARSE);
	roundtrip(fx, c, ECHO_REQ, ECHO_REP);
	cl_close(c);
}

static void test_invalid_request(void **state)
{
	static const char *const bad[] = {
		"{\"jsonrpc\":\"2.0\",\"id\":1}\n",
		"{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":5}\n",
		"{\"jsonrpc\":\"1.0\",\"id\":3,\"method\":\"test.echo\"}\n",
		"{\"id\":4,\"method\":\"test.echo\"}\n",
		"{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"test.echo\",\"params\":\"x\"}\n",
		"{\"jsonrpc\":\"2.0\",\"id\":[1],\"method\":\"test.echo\"}\n",
		"{\"jsonrpc\":\"2.0\",\"method\":7}\n",
		"42\n",
		"\"text\"\n",
		"[]\n",
	};
	struct fx *fx = *state;
	struct cl *c = cl_connect(fx);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_code(fx, c, bad[i], CTL_ERR_INVALID_REQUEST);
	/* the id is echoed when it is valid, null otherwise */
	roundtrip(fx, c, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":8}\n",
		  "{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"code\":-32600,\"message\":\"invalid request: method must be a string\"}}");
	roundtrip(fx, c, "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"test.echo\"}\n",
		  "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"invalid request: id must be a string, a number or null\"}}");
	cl_close(c);
}

static void test_params_and_handler_errors(void **state)
{
	struct fx *fx = *state;
	struct cl *c = cl_connect(fx);

	roundtrip(fx, c, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test.big\"}\n",
		  "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32602,\"message\":\"missing arguments; usage: big BYTES\"}}");
	roundtrip(fx, c, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"test.count\",\"params\":[\"x\"]}\n",
		  "{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-32602,\"message\":\"too many arguments; usage: count\"}}");
	roundtrip(fx, c, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"test.fail\"}\n",
		  "{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"code\":-32001,\"message\":\"no call 'abc'\"}}");
	roundtrip(fx, c, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"test.errno\"}\n",
		  "{\"jsonrpc\":\"2.0\",\"id\":4,\"error\":{\"code\":-32000,\"message\":\"test.errno: Input/output error\"}}");
	assert_int_equal(fx->count, 0);
	cl_close(c);
}

static void test_notification(void **state)
{
	struct fx *fx = *state;
	struct cl *c = cl_connect(fx);

	/* no reply to either notification: the first line answers id 7 */
	cl_send_str(fx, c, "{\"jsonrpc\":\"2.0\",\"method\":\"test.count\"}\n");
	cl_send_str(fx, c, "{\"jsonrpc\":\"2.0\",\"method\":\"no.such\"}\n");
	roundtrip(fx, c, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"test.count\"}\n",
		  "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":2}");
	assert_int_equal(fx->count, 2);
	cl_close(c);
}

static void test_batch(void **state)
{
	struct fx *fx = *state;
	struct cl *c = cl_connect(fx);

	roundtrip(fx, c, "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test.count\"},"
		  "{\"jsonrpc\":\"2.0\",\"method\":\"test.count\"},"
		  "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"no.such\"},5]\n",
		  "[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1},"
		  "{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-32601,\"message\":\"unknown method 'no.such'\"}},"
		  "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"invalid request: not a JSON object\"}}]");
	/* a batch of notifications only gets no reply */
	cl_send_str(fx, c, "[{\"jsonrpc\":\"2.0\",\"method\":\"test.count\"}]\n");
	roundtrip(fx, c, ECHO_REQ, ECHO_REP);
	assert_int_equal(fx->count, 3);
	cl_close(c);
}

static void test_pipelining(void **state)
{
	struct fx *fx = *state;
	struct cl *c = cl_connect(fx);
	char *line;

	cl_send_str(fx, c,
		    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test.count\"}\n"
		    "\n  \r\n"
		    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"test.count\"}\n"
		    "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"test.count\"}\r\n");
	for (int i = 1; i <= 3; i++) {
		char expect[64];

		snprintf(expect, sizeof(expect),
			 "{\"jsonrpc\":\"2.0\",\"id\":%d,\"result\":%d}", i, i);
		line = cl_line(fx, c);
		assert_non_null(line);
		assert_string_equal(line, expect);
		free(line);
	}
	cl_close(c);
}

static void test_split_writes(void **state)
{
	struct fx *fx = *state;
	struct cl *c = cl_connect(fx);
	const char *req = ECHO_REQ;
	char *line;

	for (size_t i = 0; req[i]; i++) {
		assert_int_equal(cl_send(fx, c, &req[i], 1), 0);
		su_root_step(fx->root, 0);
	}
	line = cl_line(fx, c);
	assert_non_null(line);
	assert_string_equal(line, ECHO_REP);
	free(line);
	cl_close(c);
}

static void test_oversized_line(void **state)
{
	struct fx *fx = *state;
	struct cl *c = cl_connect(fx);
	char req[MAX_REQUEST + 2], big[4 * MAX_REQUEST];
	int n;

	/* exactly MAX_REQUEST bytes before the newline is accepted */
	n = snprintf(req, sizeof(req), "%s", ECHO_REQ);
	memset(req + n - 1, ' ', MAX_REQUEST - (size_t)n + 1);
	req[MAX_REQUEST] = '\n';
	req[MAX_REQUEST + 1] = '\0';
	roundtrip(fx, c, req, ECHO_REP);

	/* one more is refused and the connection closed */
	req[MAX_REQUEST] = ' ';
	cl_send_str(fx, c, req);
	{
		char *line = cl_line(fx, c);

		assert_non_null(line);
		assert_string_equal(line,
				    "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32003,\"message\":\"request longer than 256 bytes\"}}");
		free(line);
	}
	cl_expect_eof(fx, c);
	cl_close(c);

	/* a long stream without newline: the write may fail, the reply comes */
	c = cl_connect(fx);
	memset(big, 'x', sizeof(big));
	n = cl_send(fx, c, big, sizeof(big));
	assert_true(n == 0 || n == -EPIPE || n == -ECONNRESET);
	{
		char *line = cl_line(fx, c);

		assert_non_null(line);
		assert_int_equal(reply_code(line), CTL_ERR_TOO_LARGE);
		free(line);
	}
	cl_expect_eof(fx, c);
	cl_close(c);
	wait_clients(fx, 0);
}

static void test_disconnect_mid_request(void **state)
{
	struct fx *fx = *state;
	struct cl *a = cl_connect(fx), *b;

	cl_send_str(fx, a, "{\"jsonrpc\":\"2.0\",\"id\":1,\"meth");
	wait_clients(fx, 1);
	cl_close(a);
	wait_clients(fx, 0);
	assert_int_equal(fx->count, 0);

	b = cl_connect(fx);
	roundtrip(fx, b, ECHO_REQ, ECHO_REP);
	cl_close(b);
}

static void test_disconnect_before_reply(void **state)
{
	struct fx *fx = *state;
	struct cl *a = cl_connect(fx), *b;
	char *line;

	/* the request is queued, the client gone before it is answered */
	cl_send_str(fx, a, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test.big\",\"params\":[\"4000000\"]}\n");
	cl_close(a);
	/* another one reads a little of a long reply, then leaves */
	b = cl_connect(fx);
	cl_send_str(fx, b, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"test.big\",\"params\":[\"4000000\"]}\n");
	for (int i = 0; i < STEPS && b->len == 0; i++) {
		if (!cl_poll(b))
			su_root_step(fx->root, 10);
	}
	assert_true(b->len > 0);
	cl_close(b);
	wait_clients(fx, 0);

	/* the server still serves, and a long reply arrives whole */
	b = cl_connect(fx);
	cl_send_str(fx, b, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"test.big\",\"params\":[\"1000000\"]}\n");
	line = cl_line(fx, b);
	assert_non_null(line);
	assert_int_equal(strlen(line), 1000000 + strlen("{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":\"\"}"));
	free(line);
	roundtrip(fx, b, ECHO_REQ, ECHO_REP);
	cl_close(b);
}

static void test_max_clients(void **state)
{
	struct fx *fx = *state;
	struct cl *a = cl_connect(fx), *b = cl_connect(fx), *c, *d;
	char *line;

	wait_clients(fx, 2);
	c = cl_connect(fx);
	line = cl_line(fx, c);
	assert_non_null(line);
	assert_string_equal(line, "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32002,\"message\":\"too many control clients (limit 2)\"}}");
	free(line);
	cl_expect_eof(fx, c);
	cl_close(c);
	assert_int_equal(ctl_server_clients(fx->srv), 2);

	roundtrip(fx, a, ECHO_REQ, ECHO_REP);
	roundtrip(fx, b, ECHO_REQ, ECHO_REP);
	cl_close(a);
	wait_clients(fx, 1);
	d = cl_connect(fx);
	roundtrip(fx, d, ECHO_REQ, ECHO_REP);
	cl_close(d);
	cl_close(b);
}

static void test_socket_file(void **state)
{
	struct fx *fx = *state;
	struct ctl_server *srv;
	struct stat st;
	mode_t mask;
	FILE *f;

	assert_int_equal(lstat(fx->path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0660);

	/* a live server keeps its socket, and survives the probe */
	errno = 0;
	assert_null(ctl_server_new(fx->root, fx->path, 1, 64, fx->reg));
	assert_int_equal(errno, EADDRINUSE);
	{
		struct cl *c = cl_connect(fx);

		roundtrip(fx, c, ECHO_REQ, ECHO_REP);
		cl_close(c);
	}

	/* freeing removes it; a socket nobody answers on is replaced */
	ctl_server_free(fx->srv);
	fx->srv = NULL;
	assert_int_equal(lstat(fx->path, &st), -1);
	{
		struct sockaddr_un sun = { .sun_family = AF_UNIX };
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);

		strcpy(sun.sun_path, fx->path);
		assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
		close(fd);
	}
	mask = umask(0);
	fx->srv = ctl_server_new(fx->root, fx->path, 1, 64, fx->reg);
	umask(mask);
	assert_non_null(fx->srv);
	assert_int_equal(lstat(fx->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0660);

	/* a file replaced under the server is not the server's to remove */
	assert_int_equal(unlink(fx->path), 0);
	f = fopen(fx->path, "w");
	assert_non_null(f);
	fclose(f);
	ctl_server_free(fx->srv);
	fx->srv = NULL;
	assert_int_equal(lstat(fx->path, &st), 0);
	assert_true(S_ISREG(st.st_mode));

	/* a file that is not a socket is never removed */
	errno = 0;
	srv = ctl_server_new(fx->root, fx->path, 1, 64, fx->reg);
	assert_null(srv);
	assert_int_equal(errno, EEXIST);
	assert_int_equal(lstat(fx->path, &st), 0);
}

static void test_server_new_errors(void **state)
{
	struct fx *fx = *state;
	char path[PATH_MAX];

	errno = 0;
	assert_null(ctl_server_new(fx->root, fx->path, 0, 64, fx->reg));
	assert_int_equal(errno, EINVAL);
	assert_null(ctl_server_new(fx->root, fx->path, 1, 0, fx->reg));
	assert_int_equal(errno, EINVAL);
	memset(path, 'a', 200);
	path[200] = '\0';
	assert_null(ctl_server_new(fx->root, path, 1, 64, fx->reg));
	assert_int_equal(errno, ENAMETOOLONG);
	snprintf(path, sizeof(path), "%s/missing/sock", fx->dir);
	assert_null(ctl_server_new(fx->root, path, 1, 64, fx->reg));
	assert_int_equal(errno, ENOENT);
	ctl_server_free(NULL);
}

/* ctl_registry_add_all stops at the first error and reports it. */
static void test_registry_add_all(void **state)
{
	struct fx *fx = *state;
	const struct ctl_command cmds[] = {
		{ "all.one", "all one", NULL, "h", 0, 0, errno_handler, NULL },
		{ "all.two", "all two", NULL, "h", 0, 0, errno_handler, NULL },
		{ "all.one", "all again", NULL, "h", 0, 0, errno_handler, NULL },
		{ "all.four", "all four", NULL, "h", 0, 0, errno_handler, NULL },
	};

	assert_int_equal(ctl_registry_add_all(fx->reg, cmds, 2), 0);
	assert_non_null(ctl_registry_find(fx->reg, "all.two"));
	assert_int_equal(ctl_registry_add_all(fx->reg, cmds + 2, 2), -EEXIST);
	assert_null(ctl_registry_find(fx->reg, "all.four"));
	assert_int_equal(ctl_registry_add_all(fx->reg, cmds, 0), 0);
}

static void test_registry(void **state)
{
	struct fx *fx = *state;
	struct ctl_command cmd = { "x.y", "xy", NULL, "h", 0, 0,
				   errno_handler, NULL };
	static const char *const bad_methods[] = {
		"nodot", ".y", "x.", "X.y", "x.y.z", "x y.z", "",
	};
	static const char *const bad_words[] = {
		"", " a", "a ", "a  b", "Log", "a\tb", "a.b",
	};
	const struct ctl_command *found;

	assert_int_equal(ctl_registry_add(fx->reg, &cmd), 0);
	assert_int_equal(ctl_registry_add(fx->reg, &cmd), -EEXIST);
	cmd.words = "other";
	assert_int_equal(ctl_registry_add(fx->reg, &cmd), -EEXIST);
	cmd.method = "x.z";
	cmd.words = "echo";
	assert_int_equal(ctl_registry_add(fx->reg, &cmd), -EEXIST);
	cmd.words = "x z";
	for (size_t i = 0; i < sizeof(bad_methods) / sizeof(bad_methods[0]); i++) {
		cmd.method = bad_methods[i];
		assert_int_equal(ctl_registry_add(fx->reg, &cmd), -EINVAL);
	}
	cmd.method = "x.z";
	for (size_t i = 0; i < sizeof(bad_words) / sizeof(bad_words[0]); i++) {
		cmd.words = bad_words[i];
		assert_int_equal(ctl_registry_add(fx->reg, &cmd), -EINVAL);
	}
	cmd.words = "x z";
	cmd.min_args = 2;
	cmd.max_args = 1;
	assert_int_equal(ctl_registry_add(fx->reg, &cmd), -EINVAL);
	cmd.min_args = 0;
	cmd.handler = NULL;
	assert_int_equal(ctl_registry_add(fx->reg, &cmd), -EINVAL);
	cmd.handler = errno_handler;
	cmd.help = "";
	assert_int_equal(ctl_registry_add(fx->reg, &cmd), -EINVAL);

	found = ctl_registry_find(fx->reg, "x.y");
	assert_non_null(found);
	assert_string_equal(found->words, "xy");
	assert_string_equal(found->args, "");
	assert_null(ctl_registry_find(fx->reg, "x.z"));
	assert_int_equal(ctl_registry_count(fx->reg), 7);
	/* in the order of their words */
	assert_string_equal(ctl_registry_at(fx->reg, 0)->words, "big");
	assert_string_equal(ctl_registry_at(fx->reg, 6)->words, "xy");
	assert_null(ctl_registry_at(fx->reg, 7));
	ctl_registry_free(NULL);
}

/* the reply to @req through ctl_handle_request(), no socket */
static char *handle(struct fx *fx, const char *req)
{
	char *reply = NULL;

	assert_int_equal(ctl_handle_request(fx->reg, req, strlen(req), &reply),
			 0);
	return reply;
}

static void test_help(void **state)
{
	struct fx *fx = *state;
	char *reply;

	reply = handle(fx, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ctl.help\",\"params\":[\"echo\"]}");
	assert_string_equal(reply, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[{\"method\":\"test.echo\",\"words\":\"echo\",\"args\":\"[WORD...]\",\"help\":\"return the params\"}]}");
	free(reply);
	reply = handle(fx, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ctl.help\",\"params\":{\"words\":\"count\"}}");
	assert_non_null(strstr(reply, "\"method\":\"test.count\",\"words\":\"count\",\"args\":\"\""));
	free(reply);
	reply = handle(fx, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ctl.help\",\"params\":[\"ech\"]}");
	assert_string_equal(reply, "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32602,\"message\":\"no command matches 'ech'\"}}");
	free(reply);
	reply = handle(fx, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ctl.help\",\"params\":[1]}");
	assert_int_equal(reply_code(reply), CTL_ERR_INVALID_PARAMS);
	free(reply);
	reply = handle(fx, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ctl.help\"}");
	{
		json_t *r = json_loads(reply, 0, NULL), *list;

		list = json_object_get(r, "result");
		assert_int_equal(json_array_size(list), 6);
		assert_string_equal(json_string_value(json_object_get(
			json_array_get(list, 3), "words")), "errno");
		assert_string_equal(json_string_value(json_object_get(
			json_array_get(list, 5), "method")), "ctl.help");
		json_decref(r);
	}
	free(reply);
}

static void test_handle_request(void **state)
{
	struct fx *fx = *state;
	char *reply;

	assert_null(handle(fx, "{\"jsonrpc\":\"2.0\",\"method\":\"test.echo\"}"));
	reply = handle(fx, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test.echo\",\"id\":2}");
	assert_int_equal(reply_code(reply), CTL_ERR_PARSE);
	free(reply);
	reply = handle(fx, "[1,");
	assert_string_equal(reply, "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"parse error at byte 3: ']' expected near end of file\"}}");
	free(reply);
	/* not UTF-8: the reply still is */
	reply = handle(fx, "\"\xc3\x28\"");
	assert_int_equal(reply_code(reply), CTL_ERR_PARSE);
	free(reply);
	reply = handle(fx, "{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"test.echo\",\"params\":[\"\xc3\xa9\\n\"]}");
	assert_string_equal(reply, "{\"jsonrpc\":\"2.0\",\"id\":1.5,\"result\":[\"\xc3\xa9\\n\"]}");
	free(reply);
}

static void test_param_string(void **state)
{
	json_t *arr = json_pack("[s, i]", "a", 1);
	json_t *obj = json_pack("{s:s, s:i}", "name", "v", "num", 2);
	const char *s = NULL;

	(void)state;
	assert_int_equal(ctl_param_string(arr, 0, "name", &s), 0);
	assert_string_equal(s, "a");
	assert_int_equal(ctl_param_string(arr, 1, NULL, &s), -EINVAL);
	assert_int_equal(ctl_param_string(arr, 2, NULL, &s), -ENOENT);
	assert_int_equal(ctl_param_string(obj, 0, "name", &s), 0);
	assert_string_equal(s, "v");
	assert_int_equal(ctl_param_string(obj, 0, "num", &s), -EINVAL);
	assert_int_equal(ctl_param_string(obj, 0, "none", &s), -ENOENT);
	assert_int_equal(ctl_param_string(obj, 0, NULL, &s), -ENOENT);
	json_decref(arr);
	json_decref(obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_result, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_method, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parse_error_keeps_connection, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_request, setup, teardown),
		cmocka_unit_test_setup_teardown(test_params_and_handler_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_notification, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pipelining, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split_writes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_oversized_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disconnect_mid_request, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disconnect_before_reply, setup, teardown),
		cmocka_unit_test_setup_teardown(test_max_clients, setup, teardown),
		cmocka_unit_test_setup_teardown(test_socket_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_server_new_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_registry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_registry_add_all, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_help, setup, teardown),
		cmocka_unit_test_setup_teardown(test_handle_request, setup, teardown),
		cmocka_unit_test(test_param_string),
	};
	int failed;

	log_init("test_ctl_server", false, LOG_LEVEL_ERR);
	su_init();
	signal(SIGPIPE, SIG_DFL);
	failed = cmocka_run_group_tests(tests, NULL, NULL);
	su_deinit();
	return failed;
}
