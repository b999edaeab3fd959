/*
 * Unit tests of dp_status.c: the telemetry socket path from the EAL file
 * prefix, the dp.status result built from /sbc/ports and /sbc/lcores
 * answers (order, drop causes and their sums, fallbacks, bad shapes), and
 * the exchange itself against a fake telemetry server on a
 * SOCK_SEQPACKET socket: a normal answer, no socket, a server that never
 * answers (bounded by the timeout) and one that answers something else.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "dp_status.h"

static const char ports_text[] =
	"{\"carrier\": {\"port_id\": 1, \"device\": \"net_pcap1\","
	" \"rx_packets\": 10, \"tx_packets\": 7, \"rx_missed\": 2,"
	" \"rx_errors\": 0, \"rx_nombuf\": 0, \"tx_errors\": 0,"
	" \"dp_rx_packets\": 10, \"dp_fwd_packets\": 7, \"dp_no_flow\": 1,"
	" \"dp_malformed_ip_cksum\": 1, \"dp_drop_srtp_auth\": 1,"
	" \"dp_drop_ttl\": 0, \"dp_rx_mpps\": \"0.000\","
	" \"dp_fwd_mpps\": \"0.000\"},"
	" \"access\": {\"port_id\": 0, \"device\": \"net_pcap0\","
	" \"dp_rx_packets\": 30, \"dp_fwd_packets\": 20, \"dp_no_flow\": 10,"
	" \"dp_drop_no_neigh\": 0, \"dp_rx_mpps\": \"1.234\","
	" \"dp_fwd_mpps\": \"1.200\"}}";

static const char lcores_text[] =
	"{\"lcore3\": {\"tx_queue\": 1, \"rx_queues\": \"access:1\","
	" \"rx_packets\": 5, \"fwd_packets\": 4, \"no_flow\": 1},"
	" \"lcore1\": {\"tx_queue\": 0, \"rx_queues\": \"access:0 carrier:0\","
	" \"rx_packets\": 35, \"fwd_packets\": 23, \"no_flow\": 10}}";

static json_t *load(const char *text)
{
	json_t *v = json_loads(text, 0, NULL);

	assert_non_null(v);
	return v;
}

static json_int_t int_at(const json_t *arr, size_t i, const char *key)
{
	return json_integer_value(json_object_get(json_array_get(arr, i), key));
}

static const char *str_at(const json_t *arr, size_t i, const char *key)
{
	return json_string_value(json_object_get(json_array_get(arr, i), key));
}

/* the path of @cfg is BASE/dpdk/@prefix/dpdk_telemetry.v2 */
static void expect_path(const struct cfg *cfg, const char *prefix)
{
	const char *base = getuid() == 0 ? "/var/run" :
		getenv("XDG_RUNTIME_DIR") ? getenv("XDG_RUNTIME_DIR") : "/tmp";
	char path[256], want[256];

	assert_int_equal(b2b_dp_telemetry_path(cfg, path, sizeof(path)), 0);
	snprintf(want, sizeof(want), "%s/dpdk/%s/dpdk_telemetry.v2", base,
		 prefix);
	assert_string_equal(path, want);
}

static void test_path(void **state)
{
	struct cfg *cfg = calloc(1, sizeof(*cfg));
	char path[16];

	(void)state;
	assert_non_null(cfg);
	expect_path(cfg, "sbc-dp");
	strcpy(cfg->dp.eal_args[0], "--no-huge");
	strcpy(cfg->dp.eal_args[1], "--file-prefix=lab-7");
	cfg->dp.n_eal_args = 2;
	expect_path(cfg, "lab-7");
	/* the value as the next argument */
	strcpy(cfg->dp.eal_args[1], "--file-prefix");
	strcpy(cfg->dp.eal_args[2], "two");
	cfg->dp.n_eal_args = 3;
	expect_path(cfg, "two");
	assert_int_equal(b2b_dp_telemetry_path(cfg, path, sizeof(path)),
			 -ENAMETOOLONG);
	free(cfg);
}

static void test_result(void **state)
{
	json_t *ports = load(ports_text), *lcores = load(lcores_text);
	json_t *r = b2b_dp_status_json(42, ports, lcores);
	const json_t *p, *d, *l;

	(void)state;
	assert_non_null(r);
	assert_int_equal(json_integer_value(json_object_get(r, "pid")), 42);
	p = json_object_get(r, "ports");
	d = json_object_get(r, "drops");
	l = json_object_get(r, "lcores");

	/* port id order; the ethdev's rx when given, else the lcores' */
	assert_int_equal(json_array_size(p), 2);
	assert_string_equal(str_at(p, 0, "name"), "access");
	assert_string_equal(str_at(p, 0, "device"), "net_pcap0");
	assert_int_equal(int_at(p, 0, "rx_packets"), 30);
	assert_int_equal(int_at(p, 0, "fwd_packets"), 20);
	assert_int_equal(int_at(p, 0, "no_flow"), 10);
	assert_int_equal(int_at(p, 0, "drops"), 0);
	assert_string_equal(str_at(p, 0, "rx_mpps"), "1.234");
	assert_string_equal(str_at(p, 0, "fwd_mpps"), "1.200");
	assert_string_equal(str_at(p, 1, "name"), "carrier");
	assert_int_equal(int_at(p, 1, "rx_packets"), 10);
	assert_int_equal(int_at(p, 1, "tx_packets"), 7);
	assert_int_equal(int_at(p, 1, "drops"), 4);

	/* causes that are not zero, by port then name, "dp_" dropped */
	assert_int_equal(json_array_size(d), 3);
	assert_string_equal(str_at(d, 0, "port"), "carrier");
	assert_string_equal(str_at(d, 0, "cause"), "drop_srtp_auth");
	assert_int_equal(int_at(d, 0, "packets"), 1);
	assert_string_equal(str_at(d, 1, "cause"), "malformed_ip_cksum");
	assert_string_equal(str_at(d, 2, "cause"), "rx_missed");
	assert_int_equal(int_at(d, 2, "packets"), 2);

	/* lcore number order */
	assert_int_equal(json_array_size(l), 2);
	assert_int_equal(int_at(l, 0, "lcore"), 1);
	assert_string_equal(str_at(l, 0, "rx_queues"), "access:0 carrier:0");
	assert_int_equal(int_at(l, 0, "fwd_packets"), 23);
	assert_int_equal(int_at(l, 1, "lcore"), 3);
	assert_int_equal(int_at(l, 1, "no_flow"), 1);
	json_decref(r);

	/* no port, no lcore: empty tables, not an error */
	json_decref(ports);
	json_decref(lcores);
	ports = json_object();
	lcores = json_object();
	r = b2b_dp_status_json(1, ports, lcores);
	assert_non_null(r);
	assert_int_equal(json_array_size(json_object_get(r, "ports")), 0);
	json_decref(r);
	json_decref(ports);
	json_decref(lcores);
}

static void test_bad_shapes(void **state)
{
	json_t *ok = load("{}"), *arr = load("[]");
	json_t *scalar = load("{\"p\": 3}"), *lc = load("{\"x\": {}}");
	json_t *r;

	(void)state;
	errno = 0;
	assert_null(b2b_dp_status_json(1, arr, ok));
	assert_int_equal(errno, EPROTO);
	assert_null(b2b_dp_status_json(1, ok, json_null()));
	assert_null(b2b_dp_status_json(1, scalar, ok));
	assert_int_equal(errno, EPROTO);
	assert_null(b2b_dp_status_json(1, ok, scalar));
	/* every lcore is "lcore<ID>" */
	errno = 0;
	assert_null(b2b_dp_status_json(1, ok, lc));
	assert_int_equal(errno, EPROTO);
	r = b2b_dp_status_json(1, ok, ok);
	assert_non_null(r);
	json_decref(r);
	json_decref(ok);
	json_decref(arr);
	json_decref(scalar);
	json_decref(lc);
}

/* ------------------------------------------------ fake telemetry server */

enum mode { NORMAL, SILENT, WRONG };

struct server {
	char path[108];
	int fd;
	enum mode mode;
	pthread_t thread;
};

static void *serve(void *arg)
{
	struct server *s = arg;
	char cmd[64], out[4096];
	int c = accept(s->fd, NULL, NULL);
	ssize_t n;

	if (c < 0)
		return NULL;
	if (s->mode == SILENT) {
		/* hold the connection until the client gives up */
		n = recv(c, cmd, sizeof(cmd), 0);
		close(c);
		return NULL;
	}
	n = snprintf(out, sizeof(out), "{\"version\": \"DPDK 22.11.0\", "
		     "\"pid\": 4242, \"max_output_len\": 16384}");
	send(c, out, (size_t)n, 0);
	while ((n = recv(c, cmd, sizeof(cmd) - 1, 0)) > 0) {
		cmd[n] = '\0';
		if (s->mode == WRONG)
			n = snprintf(out, sizeof(out), "{\"%s\": null}", cmd);
		else
			n = snprintf(out, sizeof(out), "{\"%s\": %s}", cmd,
				     strcmp(cmd, "/sbc/ports") == 0 ?
				     ports_text : lcores_text);
		send(c, out, (size_t)n, 0);
	}
	close(c);
	return NULL;
}

static void server_start(struct server *s, enum mode mode)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	s->mode = mode;
	snprintf(s->path, sizeof(s->path), "/tmp/test_dp_status.%d.sock",
		 (int)getpid());
	unlink(s->path);
	strcpy(sa.sun_path, s->path);
	s->fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	assert_true(s->fd >= 0);
	assert_int_equal(bind(s->fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(s->fd, 1), 0);
	assert_int_equal(pthread_create(&s->thread, NULL, serve, s), 0);
}

static void server_stop(struct server *s)
{
	pthread_join(s->thread, NULL);
	close(s->fd);
	unlink(s->path);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_fetch(void **state)
{
	struct server s;
	char err[512] = "";
	json_t *r;

	(void)state;
	server_start(&s, NORMAL);
	assert_int_equal(b2b_dp_status_fetch(s.path, 1000, &r, err,
					     sizeof(err)), 0);
	server_stop(&s);
	assert_int_equal(json_integer_value(json_object_get(r, "pid")), 4242);
	assert_int_equal(json_array_size(json_object_get(r, "ports")), 2);
	assert_int_equal(json_array_size(json_object_get(r, "lcores")), 2);
	json_decref(r);
}

static void test_not_running(void **state)
{
	char err[512] = "", want[256];
	json_t *r = (json_t *)1;

	(void)state;
	assert_int_equal(b2b_dp_status_fetch("/tmp/no/such/dpdk_telemetry.v2",
					     200, &r, err, sizeof(err)),
			 -ENOENT);
	assert_null(r);
	snprintf(want, sizeof(want), "dataplane not running: no telemetry "
		 "socket at /tmp/no/such/dpdk_telemetry.v2");
	assert_string_equal(err, want);
}

static void test_silent_bounded(void **state)
{
	struct server s;
	char err[512] = "";
	json_t *r;
	double t;

	(void)state;
	server_start(&s, SILENT);
	t = now_s();
	assert_int_equal(b2b_dp_status_fetch(s.path, 200, &r, err,
					     sizeof(err)), -ETIMEDOUT);
	t = now_s() - t;
	server_stop(&s);
	assert_null(r);
	assert_true(t >= 0.19 && t < 1.0);
	assert_non_null(strstr(err, "did not answer within 200 ms"));
}

static void test_wrong_answer(void **state)
{
	struct server s;
	char err[512] = "";
	json_t *r;

	(void)state;
	server_start(&s, WRONG);
	assert_int_equal(b2b_dp_status_fetch(s.path, 1000, &r, err,
					     sizeof(err)), -EPROTO);
	server_stop(&s);
	assert_null(r);
	assert_non_null(strstr(err, "unexpected answer"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path),
		cmocka_unit_test(test_result),
		cmocka_unit_test(test_bad_shapes),
		cmocka_unit_test(test_fetch),
		cmocka_unit_test(test_not_running),
		cmocka_unit_test(test_silent_bounded),
		cmocka_unit_test(test_wrong_answer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
