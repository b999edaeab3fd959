/*
 * JSON-RPC client over the control socket: newline-framed requests and
 * replies, ids counted per connection.  See client.h.
 */
#include "client.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

struct ctl_client {
	int fd;
	json_int_t next_id;
	char *buf;		/* received bytes not yet consumed */
	size_t len;
	size_t cap;
};

struct ctl_client *ctl_client_connect(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct timeval tv = {
		.tv_sec = CTL_CLIENT_TIMEOUT_MS / 1000,
		.tv_usec = (CTL_CLIENT_TIMEOUT_MS % 1000) * 1000,
	};
	struct ctl_client *c;
	int err;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	strcpy(sun.sun_path, path);
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->next_id = 1;
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0 ||
	    setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0 ||
	    connect(c->fd, (struct sockaddr *)&sun, sizeof(sun)) < 0)
		goto err;
	return c;
err:
	err = errno;
	ctl_client_close(c);
	errno = err;
	return NULL;
}

void ctl_client_close(struct ctl_client *c)
{
	if (!c)
		return;
	if (c->fd >= 0)
		close(c->fd);
	free(c->buf);
	free(c);
}

/* errno of a failed blocking send/recv, with the timeout made explicit */
static int io_error(void)
{
	return errno == EAGAIN || errno == EWOULDBLOCK ? -ETIMEDOUT : -errno;
}

static int send_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, data, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return io_error();
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* receive until the buffer holds a newline; *@n is the line's length */
static int read_line(struct ctl_client *c, size_t *n)
{
	char *nl;

	while (!(nl = c->buf ? memchr(c->buf, '\n', c->len) : NULL)) {
		ssize_t got;

		if (c->len >= CTL_CLIENT_MAX_REPLY)
			return -EMSGSIZE;
		if (c->len == c->cap) {
			size_t cap = c->cap ? 2 * c->cap : 4096;
			char *buf = realloc(c->buf, cap);

			if (!buf)
				return -ENOMEM;
			c->buf = buf;
			c->cap = cap;
		}
		got = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return io_error();
		if (got == 0)
			return -ECONNRESET;
		c->len += (size_t)got;
	}
	*n = (size_t)(nl - c->buf);
	return 0;
}

/* drop the first @n bytes and the newline after them */
static void consume_line(struct ctl_client *c, size_t n)
{
	memmove(c->buf, c->buf + n + 1, c->len - n - 1);
	c->len -= n + 1;
}

static int send_request(struct ctl_client *c, json_int_t id,
			const char *method, const json_t *params)
{
	json_t *req;
	char *text;
	int ret;

	req = json_pack("{s:s, s:I, s:s}", "jsonrpc", "2.0", "id", id,
			"method", method);
	if (!req || (params && json_object_set(req, "params",
					       (json_t *)params) < 0)) {
		json_decref(req);
		return -ENOMEM;
	}
	text = json_dumps(req, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(req);
	if (!text)
		return -ENOMEM;
	ret = send_all(c->fd, text, strlen(text));
	if (ret == 0)
		ret = send_all(c->fd, "\n", 1);
	free(text);
	return ret;
}

/* take the result or the error out of a response to request @id */
static int parse_reply(json_t *resp, json_int_t id, json_t **result,
		       struct ctl_client_error *err)
{
	json_t *rid = json_object_get(resp, "id");
	json_t *res = json_object_get(resp, "result");
	json_t *error = json_object_get(resp, "error");
	const char *msg;
	json_int_t code;

	if (!json_is_object(resp) ||
	    !json_is_string(json_object_get(resp, "jsonrpc")) ||
	    (!json_is_null(rid) &&
	     !(json_is_integer(rid) && json_integer_value(rid) == id)))
		return -EPROTO;
	if (res && !error && !json_is_null(rid)) {
		*result = json_incref(res);
		return 0;
	}
	if (!res && json_unpack(error, "{s:I, s:s}", "code", &code,
				"message", &msg) == 0) {
		err->code = (int)code;
		snprintf(err->message, sizeof(err->message), "%s", msg);
		return -EREMOTEIO;
	}
	return -EPROTO;
}

int ctl_client_call(struct ctl_client *c, const char *method,
		    const json_t *params, json_t **result,
		    struct ctl_client_error *err)
{
	json_int_t id = c->next_id++;
	json_t *resp;
	size_t n = 0;
	int sent, ret;

	*result = NULL;
	sent = send_request(c, id, method, params);
	/* a closed connection may still hold the server's reason */
	if (sent < 0 && sent != -EPIPE && sent != -ECONNRESET)
		return sent;
	ret = read_line(c, &n);
	if (ret < 0)
		return sent < 0 ? sent : ret;
	resp = json_loadb(c->buf, n, 0, NULL);
	consume_line(c, n);
	if (!resp)
		return -EPROTO;
	ret = parse_reply(resp, id, result, err);
	json_decref(resp);
	return ret;
}
