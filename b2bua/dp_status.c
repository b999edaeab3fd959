/*
 * dp.status: the dataplane's ports, drops and rates from its DPDK
 * telemetry socket; see dp_status.h for the exchange and the result.
 */
#include "dp_status.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ctl_registry.h"
#include "eal_args.h"
#include "sbcd.h"

/* DPDK 22.11 answers at most 16 KiB (MAX_OUTPUT_LEN); room to spare */
#define REPLY_MAX (64 * 1024)

/* ethdev counters that count packets the port lost */
static const char *const ethdev_drops[] = {
	"rx_missed", "rx_errors", "rx_nombuf", "tx_errors",
};

static const char *file_prefix(const struct cfg *cfg)
{
	const char *prefix = DP_EAL_FILE_PREFIX;

	for (unsigned i = 0; i < cfg->dp.n_eal_args; i++) {
		const char *a = cfg->dp.eal_args[i];

		if (strncmp(a, "--file-prefix=", 14) == 0)
			prefix = a + 14;
		else if (strcmp(a, "--file-prefix") == 0 &&
			 i + 1 < cfg->dp.n_eal_args)
			prefix = cfg->dp.eal_args[++i];
	}
	return prefix;
}

int b2b_dp_telemetry_path(const struct cfg *cfg, char *buf, size_t len)
{
	const char *base = "/var/run";
	int n;

	/* as DPDK's eal_create_runtime_dir() */
	if (getuid() != 0) {
		base = getenv("XDG_RUNTIME_DIR");
		if (!base)
			base = "/tmp";
	}
	n = snprintf(buf, len, "%s/dpdk/%s/dpdk_telemetry.v2", base,
		     file_prefix(cfg));
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static json_int_t int_of(const json_t *obj, const char *key)
{
	return json_integer_value(json_object_get(obj, key));
}

/* a member of a telemetry object, with the number that orders it */
struct item {
	const char *key;
	const json_t *v;
	json_int_t order;
};

static int item_cmp(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	return (x->order > y->order) - (x->order < y->order);
}

/*
 * The members of @obj, which must all be objects with keys starting with
 * @prefix, sorted by their member @order_key (telemetry objects carry no
 * order); NULL @order_key: by the number after @prefix in their keys.
 * A malloc()ed array of *@n, or NULL with errno EPROTO or ENOMEM.
 */
static struct item *items(const json_t *obj, const char *order_key,
			  const char *prefix, size_t *n)
{
	const size_t skip = strlen(prefix);
	struct item *it = calloc(json_object_size(obj) + 1, sizeof(*it));
	const char *key;
	json_t *v;

	*n = 0;
	if (!it) {
		errno = ENOMEM;
		return NULL;
	}
	json_object_foreach((json_t *)obj, key, v) {
		if (!json_is_object(v) || strncmp(key, prefix, skip) != 0) {
			free(it);
			errno = EPROTO;
			return NULL;
		}
		it[*n] = (struct item){ key, v, order_key ? int_of(v, order_key) :
					strtoll(key + skip, NULL, 10) };
		(*n)++;
	}
	qsort(it, *n, sizeof(*it), item_cmp);
	return it;
}

static int cause_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool is_drop(const char *key)
{
	if (strncmp(key, "dp_drop_", 8) == 0 ||
	    strncmp(key, "dp_malformed_", 13) == 0)
		return true;
	for (size_t i = 0; i < sizeof(ethdev_drops) / sizeof(*ethdev_drops); i++)
		if (strcmp(key, ethdev_drops[i]) == 0)
			return true;
	return false;
}

/* the port's drop causes, not zero, as rows of "drops"; @return the sum */
static json_int_t add_drops(json_t *drops, const char *name, const json_t *p)
{
	const char *causes[128], *key;
	size_t n = 0;
	json_int_t sum = 0;
	json_t *v;

	json_object_foreach((json_t *)p, key, v)
		if (is_drop(key) && json_integer_value(v) > 0 &&
		    n < sizeof(causes) / sizeof(*causes))
			causes[n++] = key;
	qsort(causes, n, sizeof(*causes), cause_cmp);
	for (size_t i = 0; i < n; i++) {
		json_int_t c = int_of(p, causes[i]);
		const char *cause = causes[i];

		if (strncmp(cause, "dp_", 3) == 0)
			cause += 3;
		sum += c;
		json_array_append_new(drops, json_pack("{s:s, s:s, s:I}",
			"port", name, "cause", cause, "packets", c));
	}
	return sum;
}

/* the ethdev's counter, or the lcores' when the ethdev gave none */
static json_int_t packets(const json_t *p, const char *ethdev, const char *dp)
{
	const json_t *v = json_object_get(p, ethdev);

	return json_is_integer(v) ? json_integer_value(v) : int_of(p, dp);
}

static json_t *string_or_null(const json_t *p, const char *key)
{
	const char *s = json_string_value(json_object_get(p, key));

	return s ? json_string(s) : json_null();
}

static json_t *port_row(const struct item *it, json_t *drops)
{
	const json_t *p = it->v;
	json_int_t sum = add_drops(drops, it->key, p);

	return json_pack("{s:s, s:o, s:I, s:I, s:I, s:I, s:I, s:o, s:o}",
		"name", it->key, "device", string_or_null(p, "device"),
		"rx_packets", packets(p, "rx_packets", "dp_rx_packets"),
		"tx_packets", int_of(p, "tx_packets"),
		"fwd_packets", int_of(p, "dp_fwd_packets"),
		"no_flow", int_of(p, "dp_no_flow"),
		"drops", sum,
		"rx_mpps", string_or_null(p, "dp_rx_mpps"),
		"fwd_mpps", string_or_null(p, "dp_fwd_mpps"));
}

static json_t *lcore_row(const struct item *it)
{
	const json_t *l = it->v;

	return json_pack("{s:I, s:o, s:I, s:I, s:I}", "lcore", it->order,
			 "rx_queues", string_or_null(l, "rx_queues"),
			 "rx_packets", int_of(l, "rx_packets"),
			 "fwd_packets", int_of(l, "fwd_packets"),
			 "no_flow", int_of(l, "no_flow"));
}

json_t *b2b_dp_status_json(json_int_t pid, const json_t *ports,
			   const json_t *lcores)
{
	struct item *pi = NULL, *li = NULL;
	json_t *p = json_array(), *d = json_array(), *l = json_array();
	json_t *out = NULL;
	size_t np, nl;

	if (!json_is_object(ports) || !json_is_object(lcores)) {
		errno = EPROTO;
		goto out;
	}
	pi = items(ports, "port_id", "", &np);
	li = pi ? items(lcores, NULL, "lcore", &nl) : NULL;
	if (!li)
		goto out;
	errno = ENOMEM;
	if (!p || !d || !l)
		goto out;
	for (size_t i = 0; i < np; i++)
		json_array_append_new(p, port_row(&pi[i], d));
	for (size_t i = 0; i < nl; i++)
		json_array_append_new(l, lcore_row(&li[i]));
	out = json_pack("{s:I, s:O, s:O, s:O}", "pid", pid, "ports", p,
			"drops", d, "lcores", l);
out:
	free(pi);
	free(li);
	json_decref(p);
	json_decref(d);
	json_decref(l);
	return out;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* one message into @buf before @deadline; @return its length or -errno */
static ssize_t recv_by(int fd, char *buf, size_t len, int64_t deadline)
{
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int64_t left = deadline - now_ms();
		ssize_t n;
		int r;

		if (left <= 0)
			return -ETIMEDOUT;
		r = poll(&pfd, 1, (int)left);
		if (r < 0 && errno != EINTR)
			return -errno;
		if (r <= 0)
			continue;
		n = recv(fd, buf, len - 1, 0);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ECONNRESET;
		buf[n] = '\0';
		return n;
	}
}

/* @cmd's answer: the object under @cmd in the reply, a new reference */
static int query(int fd, char *buf, const char *cmd, int64_t deadline,
		 json_t **out)
{
	json_t *reply, *v;
	ssize_t n;

	if (send(fd, cmd, strlen(cmd), MSG_NOSIGNAL) < 0)
		return -errno;
	n = recv_by(fd, buf, REPLY_MAX, deadline);
	if (n < 0)
		return (int)n;
	reply = json_loadb(buf, (size_t)n, 0, NULL);
	v = json_object_get(reply, cmd);
	if (!json_is_object(v)) {
		json_decref(reply);
		return -EPROTO;
	}
	*out = json_incref(v);
	json_decref(reply);
	return 0;
}

static int fail(char *err, size_t len, int ret, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t len, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return ret;
}

int b2b_dp_status_fetch(const char *path, int timeout_ms, json_t **result,
			char *err, size_t len)
{
	const int64_t deadline = now_ms() + timeout_ms;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	json_t *hello = NULL, *ports = NULL, *lcores = NULL;
	char *buf = NULL;
	ssize_t n;
	int fd, ret;

	*result = NULL;
	if (strlen(path) >= sizeof(sa.sun_path))
		return fail(err, len, -ENAMETOOLONG, "telemetry socket path "
			    "too long: %s", path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail(err, len, -errno, "socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		ret = -errno;
		if (ret == -ENOENT)
			fail(err, len, ret, "dataplane not running: no "
			     "telemetry socket at %s", path);
		else if (ret == -ECONNREFUSED)
			fail(err, len, ret, "dataplane not running: nobody "
			     "answers on %s", path);
		else
			fail(err, len, ret, "dataplane telemetry %s: %s", path,
			     strerror(-ret));
		goto out;
	}
	ret = -ENOMEM;
	buf = malloc(REPLY_MAX);
	if (!buf)
		goto msg;
	/* the greeting: {"version":..., "pid":..., "max_output_len":...} */
	n = recv_by(fd, buf, REPLY_MAX, deadline);
	ret = n < 0 ? (int)n : 0;
	if (ret == 0) {
		hello = json_loadb(buf, (size_t)n, 0, NULL);
		if (!json_is_integer(json_object_get(hello, "pid")))
			ret = -EPROTO;
	}
	if (ret == 0)
		ret = query(fd, buf, "/sbc/ports", deadline, &ports);
	if (ret == 0)
		ret = query(fd, buf, "/sbc/lcores", deadline, &lcores);
	if (ret == 0) {
		*result = b2b_dp_status_json(int_of(hello, "pid"), ports,
					     lcores);
		if (!*result)
			ret = -errno;
	}
msg:
	if (ret == -ETIMEDOUT)
		fail(err, len, ret, "dataplane telemetry %s did not answer "
		     "within %d ms", path, timeout_ms);
	else if (ret == -EPROTO)
		fail(err, len, ret, "dataplane telemetry %s: unexpected answer "
		     "(not sbc-dataplane, or it is starting or stopping)", path);
	else if (ret < 0)
		fail(err, len, ret, "dataplane telemetry %s: %s", path,
		     strerror(-ret));
out:
	json_decref(hello);
	json_decref(ports);
	json_decref(lcores);
	free(buf);
	close(fd);
	return ret;
}

static int status_handler(void *arg, const json_t *params,
			  struct ctl_reply *rep)
{
	struct b2b_ctx *ctx = arg;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path) + 64];
	char err[512];
	json_t *result;

	(void)params;
	if (b2b_dp_telemetry_path(ctx->cfg, path, sizeof(path)) < 0)
		return ctl_reply_error(rep, CTL_ERR_FAILED, "dataplane "
				       "telemetry socket path too long");
	if (b2b_dp_status_fetch(path, B2B_DP_STATUS_TIMEOUT_MS, &result, err,
				sizeof(err)) < 0)
		return ctl_reply_error(rep, CTL_ERR_FAILED, "%s", err);
	return ctl_reply_set_result(rep, result);
}

int b2b_dp_status_register(struct b2b_ctx *ctx)
{
	const struct ctl_command cmd = {
		"dp.status", "show dataplane", NULL,
		"dataplane ports: rx/tx, drops by cause, Mpps; lcores",
		0, 0, status_handler, ctx,
	};

	return ctl_registry_add(ctx->ctl_reg, &cmd);
}
