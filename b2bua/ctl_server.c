/*
 * Control socket server: accepts sbcctl (and any JSON-RPC client)
 * connections on a UNIX socket, frames requests by newline and hands each
 * line to ctl_handle_request().  Everything runs from su_root callbacks on
 * non-blocking sockets; see ctl_server.h for the frame and the limits.
 *
 * The wakeup callbacks use Sofia's default (void) magic and argument types,
 * so the server works whatever magic sbcd gives its su_root.
 */
#include "ctl_server.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"

#define LISTEN_BACKLOG 16
#define IN_MIN 4096		/* first input buffer size */
#define OUT_KEEP 65536		/* output buffer kept between replies */

struct client {
	LIST_ENTRY(client) link;
	struct ctl_server *srv;
	int fd;
	int index;		/* su_root registration */
	int events;		/* SU_WAIT_IN or SU_WAIT_OUT */
	char *in;		/* received bytes; in[in_off..in_len) pending */
	size_t in_off, in_len, in_cap;
	char *out;		/* reply bytes; out[out_off..out_len) unsent */
	size_t out_off, out_len, out_cap;
	bool closing;		/* no more input: close once out is sent */
};

struct ctl_server {
	su_root_t *root;
	struct ctl_registry *reg;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	bool bound;		/* path is ours to unlink */
	dev_t dev;		/* identity of the socket file we made */
	ino_t ino;
	int fd;
	int index;		/* su_root registration of fd */
	int spare_fd;		/* released to accept-and-drop on EMFILE */
	unsigned max_clients;
	unsigned n_clients;
	size_t max_request;
	LIST_HEAD(, client) clients;
};

/* a complete error reply line ("...\n") with id null, or NULL */
static char *error_line(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static char *error_line(int code, const char *fmt, ...)
{
	char msg[160], *text, *line = NULL;
	json_t *resp;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	resp = json_pack("{s:s, s:n, s:{s:i, s:s}}", "jsonrpc", "2.0", "id",
			 "error", "code", code, "message", msg);
	text = resp ? json_dumps(resp, JSON_COMPACT | JSON_PRESERVE_ORDER)
		    : NULL;
	if (text && asprintf(&line, "%s\n", text) < 0)
		line = NULL;
	free(text);
	json_decref(resp);
	return line;
}

static void client_free(struct client *c)
{
	struct ctl_server *srv = c->srv;

	su_root_deregister(srv->root, c->index);
	close(c->fd);
	LIST_REMOVE(c, link);
	srv->n_clients--;
	free(c->in);
	free(c->out);
	free(c);
	log_debug("ctl: client disconnected (%u left)", srv->n_clients);
}

/* queue @len bytes of reply */
static int out_append(struct client *c, const char *data, size_t len)
{
	if (c->out_off > 0) {
		memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
		c->out_len -= c->out_off;
		c->out_off = 0;
	}
	if (c->out_len + len > c->out_cap) {
		size_t cap = c->out_cap ? c->out_cap : 1024;
		char *out;

		while (cap < c->out_len + len)
			cap *= 2;
		out = realloc(c->out, cap);
		if (!out)
			return -ENOMEM;
		c->out = out;
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_len, data, len);
	c->out_len += len;
	return 0;
}

/* send what the socket takes now; 0 (maybe with bytes left) or -errno */
static int client_flush(struct client *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off,
				 c->out_len - c->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n < 0)
			return -errno;
		c->out_off += (size_t)n;
	}
	c->out_off = c->out_len = 0;
	if (c->out_cap > OUT_KEEP) {
		free(c->out);
		c->out = NULL;
		c->out_cap = 0;
	}
	return 0;
}

static bool line_blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	}
	return true;
}

/* answer one request line; 0 or -ENOMEM */
static int client_handle_line(struct client *c, const char *line, size_t len)
{
	char *reply;
	int ret;

	if (line_blank(line, len))
		return 0;
	ret = ctl_handle_request(c->srv->reg, line, len, &reply);
	if (ret < 0 || !reply)
		return ret;
	ret = out_append(c, reply, strlen(reply));
	if (ret == 0)
		ret = out_append(c, "\n", 1);
	free(reply);
	return ret;
}

/*
 * The input holds no complete line: keep the partial one at the start of
 * the buffer, or refuse it when it is already longer than the limit.
 */
static int client_partial(struct client *c)
{
	size_t pending = c->in_len - c->in_off;
	char *line;
	int ret;

	memmove(c->in, c->in + c->in_off, pending);
	c->in_off = 0;
	c->in_len = pending;
	if (pending <= c->srv->max_request)
		return 0;
	log_warn("ctl: request longer than %zu bytes, closing the connection",
		 c->srv->max_request);
	c->in_len = 0;
	c->closing = true;
	line = error_line(CTL_ERR_TOO_LARGE, "request longer than %zu bytes",
			  c->srv->max_request);
	if (!line)
		return -ENOMEM;
	ret = out_append(c, line, strlen(line));
	free(line);
	return ret;
}

/*
 * Answer the complete lines received, one at a time while earlier replies
 * drain.  Return 0, or -errno when the connection is beyond use.
 */
static int client_pump(struct client *c)
{
	char *start, *nl;
	int ret;

	for (;;) {
		ret = client_flush(c);
		if (ret < 0 || c->out_len > 0)
			return ret;
		start = c->in + c->in_off;
		nl = memchr(start, '\n', c->in_len - c->in_off);
		if (!nl)
			break;
		c->in_off += (size_t)(nl - start) + 1;
		ret = client_handle_line(c, start, (size_t)(nl - start));
		if (ret < 0)
			return ret;
	}
	ret = client_partial(c);
	if (ret < 0)
		return ret;
	return c->out_len > 0 ? client_flush(c) : 0;
}

/* read what is there; sets closing at end of stream */
static int client_read(struct client *c)
{
	size_t limit = c->srv->max_request + 1;	/* a full line and '\n' */
	ssize_t n;

	if (c->in_len == c->in_cap) {
		size_t cap = 2 * c->in_cap;
		char *in;

		if (cap > limit)
			cap = limit;
		in = realloc(c->in, cap);
		if (!in)
			return -ENOMEM;
		c->in = in;
		c->in_cap = cap;
	}
	n = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len,
		 MSG_DONTWAIT);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ||
		       errno == EINTR ? 0 : -errno;
	if (n == 0)
		c->closing = true;	/* a partial line left is dropped */
	c->in_len += (size_t)n;
	return 0;
}

static int client_cb(su_root_magic_t *magic, su_wait_t *w,
		     su_wakeup_arg_t *arg)
{
	struct client *c = arg;
	int revents = su_wait_events(w, c->fd);
	int events, ret = 0;

	(void)magic;
	if (c->events == SU_WAIT_IN && !c->closing &&
	    (revents & (SU_WAIT_IN | SU_WAIT_HUP | SU_WAIT_ERR)))
		ret = client_read(c);
	if (ret == 0)
		ret = client_pump(c);
	if (ret < 0) {
		if (ret != -EPIPE && ret != -ECONNRESET)
			log_warn("ctl: client: %s", strerror(-ret));
		client_free(c);
		return 0;
	}
	if (c->out_len == 0 && c->closing) {
		client_free(c);
		return 0;
	}
	events = c->out_len > 0 ? SU_WAIT_OUT : SU_WAIT_IN;
	if (events != c->events &&
	    su_root_eventmask(c->srv->root, c->index, c->fd, events) == 0)
		c->events = events;
	return 0;
}

static int client_new(struct ctl_server *srv, int fd)
{
	struct client *c;
	su_wait_t wait;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->srv = srv;
	c->fd = fd;
	c->events = SU_WAIT_IN;
	c->index = -1;
	c->in_cap = srv->max_request < IN_MIN ? srv->max_request + 1 : IN_MIN;
	c->in = malloc(c->in_cap);
	if (!c->in)
		goto err;
	errno = 0;
	if (su_wait_create(&wait, fd, SU_WAIT_IN) == 0)
		c->index = su_root_register(srv->root, &wait, client_cb, c,
					    su_pri_normal);
	if (c->index < 0)
		goto err;
	LIST_INSERT_HEAD(&srv->clients, c, link);
	srv->n_clients++;
	log_debug("ctl: client connected (%u of %u)", srv->n_clients,
		  srv->max_clients);
	return 0;
err:
	free(c->in);
	free(c);
	return errno ? -errno : -ENOMEM;
}

/* tell a connection beyond max_clients why, then close it */
static void client_refuse(struct ctl_server *srv, int fd)
{
	char *line = error_line(CTL_ERR_TOO_MANY_CLIENTS,
				"too many control clients (limit %u)",
				srv->max_clients);

	log_warn("ctl: refusing a client: limit of %u reached",
		 srv->max_clients);
	/* best effort: a fresh socket's buffer takes one short line */
	if (line && send(fd, line, strlen(line), MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		log_debug("ctl: refusal not sent: %s", strerror(errno));
	free(line);
	close(fd);
}

/*
 * Out of descriptors: the pending connection would wake the level-triggered
 * loop forever.  Free the spare descriptor, accept and drop the connection,
 * and take the spare back.
 */
static void accept_drop(struct ctl_server *srv)
{
	int fd;

	if (srv->spare_fd < 0)
		return;
	close(srv->spare_fd);
	fd = accept4(srv->fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd >= 0)
		close(fd);
	srv->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

static int accept_cb(su_root_magic_t *magic, su_wait_t *w,
		     su_wakeup_arg_t *arg)
{
	struct ctl_server *srv = arg;
	int fd, ret;

	(void)magic;
	(void)w;
	fd = accept4(srv->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno == EMFILE || errno == ENFILE) {
			log_warn("ctl: accept: %s; connection dropped",
				 strerror(errno));
			accept_drop(srv);
		} else if (errno != EAGAIN && errno != EWOULDBLOCK &&
			   errno != EINTR && errno != ECONNABORTED) {
			log_warn("ctl: accept: %s", strerror(errno));
		}
		return 0;
	}
	if (srv->n_clients >= srv->max_clients) {
		client_refuse(srv, fd);
		return 0;
	}
	ret = client_new(srv, fd);
	if (ret < 0) {
		log_warn("ctl: client setup: %s", strerror(-ret));
		close(fd);
	}
	return 0;
}

/*
 * Clear @path for bind(): nothing there, or a socket nobody answers on
 * (left by a crashed sbcd), which is removed.
 */
static int remove_stale(const char *path, const struct sockaddr_un *sun)
{
	struct stat st;
	int fd, ret;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)sun, sizeof(*sun)) == 0 ||
	    errno == EAGAIN || errno == EINPROGRESS)
		ret = -EADDRINUSE;
	else if (errno != ECONNREFUSED)
		ret = -errno;
	else if (unlink(path) < 0 && errno != ENOENT)
		ret = -errno;
	else
		ret = 0;
	close(fd);
	if (ret == 0)
		log_notice("ctl: removed stale socket %s", path);
	return ret;
}

/* socket, bind with mode 0660 from birth, listen */
static int server_listen(struct ctl_server *srv, const struct sockaddr_un *sun)
{
	struct stat st;
	mode_t mask;
	int ret;

	srv->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (srv->fd < 0)
		return -errno;
	mask = umask(0117);
	ret = bind(srv->fd, (const struct sockaddr *)sun, sizeof(*sun));
	umask(mask);
	if (ret < 0)
		return -errno;
	srv->bound = true;
	if (lstat(srv->path, &st) < 0)
		return -errno;
	srv->dev = st.st_dev;
	srv->ino = st.st_ino;
	if (listen(srv->fd, LISTEN_BACKLOG) < 0)
		return -errno;
	return 0;
}

struct ctl_server *ctl_server_new(su_root_t *root, const char *path,
				  unsigned max_clients, size_t max_request,
				  struct ctl_registry *reg)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct ctl_server *srv;
	su_wait_t wait;
	int ret;

	if (!root || !path || !reg || max_clients == 0 || max_request == 0) {
		errno = EINVAL;
		return NULL;
	}
	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	srv = calloc(1, sizeof(*srv));
	if (!srv)
		return NULL;
	srv->root = root;
	srv->reg = reg;
	srv->fd = srv->spare_fd = -1;
	srv->index = -1;
	srv->max_clients = max_clients;
	srv->max_request = max_request;
	LIST_INIT(&srv->clients);
	strcpy(srv->path, path);
	strcpy(sun.sun_path, path);

	ret = remove_stale(path, &sun);
	if (ret < 0)
		goto err;
	ret = server_listen(srv, &sun);
	if (ret < 0)
		goto err;
	srv->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (srv->spare_fd < 0) {
		ret = -errno;
		goto err;
	}
	errno = 0;
	if (su_wait_create(&wait, srv->fd, SU_WAIT_ACCEPT) == 0)
		srv->index = su_root_register(root, &wait, accept_cb, srv,
					      su_pri_normal);
	if (srv->index < 0) {
		ret = errno ? -errno : -ENOMEM;
		goto err;
	}
	log_info("ctl: listening on %s (max %u clients, %zu-byte requests)",
		 path, max_clients, max_request);
	return srv;
err:
	ctl_server_free(srv);
	errno = -ret;
	return NULL;
}

void ctl_server_free(struct ctl_server *srv)
{
	struct client *c;
	struct stat st;

	if (!srv)
		return;
	while ((c = LIST_FIRST(&srv->clients)))
		client_free(c);
	if (srv->index >= 0)
		su_root_deregister(srv->root, srv->index);
	if (srv->fd >= 0)
		close(srv->fd);
	if (srv->spare_fd >= 0)
		close(srv->spare_fd);
	if (srv->bound && lstat(srv->path, &st) == 0 &&
	    st.st_dev == srv->dev && st.st_ino == srv->ino)
		unlink(srv->path);
	free(srv);
}

unsigned ctl_server_clients(const struct ctl_server *srv)
{
	return srv->n_clients;
}
