/*
 * Unit tests of the provisioning commands (b2bua/provision*.c), driven as
 * the control socket drives them: JSON-RPC request texts through
 * ctl_handle_request() on a registry filled by b2b_provision_init(), with
 * a configuration from cfg_load_string() (realms "access" and "carrier")
 * and a fresh store per test (store_fixture.c).
 *
 * Every reply text of a test is kept, and tests that handle passwords check
 * that no password and no HA1 digest ever appears in one.  The expected
 * HA1 values were computed independently:
 *   printf %s 'alice:sbc.example:secret' | md5sum      (and sha256sum)
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "cfg.h"
#include "ctl_registry.h"
#include "provision.h"
#include "sbcd.h"
#include "store.h"
#include "store_fixture.h"

#define REALM(name, a, ports) "{ name = \"" name "\"; sip = ( { transport = " \
	"\"udp\"; address = \"" a ".1\"; } ); media_address = \"" a ".2\"; " \
	"media_ports = { min = " ports "; }; }"
/* access takes subscribers, carrier (the default) does not */
#define CONF "realms = ( { name = \"access\"; subscribers = true; sip = ( " \
	"{ transport = \"udp\"; address = \"10.10.1.1\"; } ); " \
	"media_address = \"10.10.1.2\"; " \
	"media_ports = { min = 20000; max = 29999; }; }, " \
	REALM("carrier", "10.10.2", "30000; max = 39999") " );\n"

#define PW "secret"
#define PW2 "n3w-Pa55"
#define MD5_PW "8aaf9c5659220fc3717db6752e00339a"
#define SHA_PW "c23382b0aceb8d2244b31a284379bf1b323ae10809111afb9c7a30eec4475e12"
#define MD5_PW2 "d2e5f3ca904008a794932e8bdfbe9e18"
#define SHA_PW2 "375523f79e9fe9f70bac72d1c63a35957c08f16f11e5f8cfc8972012098279fb"

struct pfx {
	struct fixture *fx;
	struct cfg *cfg;
	struct b2b_ctx ctx;
	char *replies;		/* every reply text of the test, one a line */
	size_t len;
};

static int setup(void **state)
{
	struct pfx *p = calloc(1, sizeof(*p));
	char err[CFG_ERR_MAX];
	void *fx = NULL;

	*state = p;
	if (!p)
		return -1;
	if (fx_setup(&fx) < 0) {
		p->fx = fx;
		return -1;
	}
	p->fx = fx;
	p->cfg = cfg_load_string(CONF, "t.conf", err, sizeof(err));
	if (!p->cfg) {
		fprintf(stderr, "config: %s\n", err);
		return -1;
	}
	p->ctx.cfg = p->cfg;
	p->ctx.store = p->fx->st;
	p->ctx.ctl_reg = ctl_registry_new();
	if (!p->ctx.ctl_reg)
		return -1;
	return b2b_provision_init(&p->ctx) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	struct pfx *p = *state;
	void *fx = p->fx;

	b2b_provision_uninit(&p->ctx);
	b2b_provision_uninit(&p->ctx);	/* twice is harmless */
	ctl_registry_free(p->ctx.ctl_reg);
	cfg_free(p->cfg);
	free(p->replies);
	if (fx)
		fx_teardown(&fx);
	free(p);
	return 0;
}

#define PTEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

/*
 * One request; @params is JSON with ' for " (none inside values).
 * Returns the parsed response and keeps its text.
 */
static json_t *call(struct pfx *p, const char *method, const char *params)
{
	char *req, *reply = NULL, *q;
	json_t *resp;
	size_t n;

	assert_true(asprintf(&req, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"%s\",\"params\":%s}",
			     method, params) > 0);
	for (q = req; *q; q++) {
		if (*q == '\'')
			*q = '"';
	}
	assert_int_equal(ctl_handle_request(p->ctx.ctl_reg, req, strlen(req),
					    &reply), 0);
	free(req);
	assert_non_null(reply);
	n = strlen(reply);
	p->replies = realloc(p->replies, p->len + n + 2);
	assert_non_null(p->replies);
	memcpy(p->replies + p->len, reply, n);
	p->len += n;
	p->replies[p->len++] = '\n';
	p->replies[p->len] = '\0';
	resp = json_loads(reply, 0, NULL);
	free(reply);
	assert_non_null(resp);
	return resp;
}

/* a call that must succeed; its result (caller releases it) */
static json_t *ok(struct pfx *p, const char *method, const char *params)
{
	json_t *resp = call(p, method, params);
	json_t *res = json_object_get(resp, "result");

	if (!res)
		fail_msg("%s %s: %s", method, params,
			 json_string_value(json_object_get(
				 json_object_get(resp, "error"), "message")));
	json_incref(res);
	json_decref(resp);
	return res;
}

/* a call that must fail with @code and a message containing @part */
static void err(struct pfx *p, const char *method, const char *params,
		int code, const char *part)
{
	json_t *resp = call(p, method, params);
	json_t *e = json_object_get(resp, "error");
	const char *msg = json_string_value(json_object_get(e, "message"));

	if (!e)
		fail_msg("%s %s succeeded", method, params);
	if (json_integer_value(json_object_get(e, "code")) != code ||
	    !strstr(msg, part))
		fail_msg("%s %s: want %d '...%s...', got %d '%s'", method,
			 params, code, part,
			 (int)json_integer_value(json_object_get(e, "code")),
			 msg);
	json_decref(resp);
}

static const char *str(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	assert_non_null(s);
	return s;
}

static json_int_t num(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	assert_true(json_is_integer(v));
	return json_integer_value(v);
}

static size_t count(struct pfx *p, enum store_db db)
{
	size_t n = 0;

	assert_int_equal(store_count(p->ctx.store, db, &n), 0);
	return n;
}

/* the peer the acl matches for @addr, port 5060, any transport */
static const char *acl_match(struct pfx *p, const char *realm,
			     const char *addr)
{
	struct sockaddr_in in = { .sin_family = AF_INET,
				  .sin_port = htons(5060) };
	const struct store_peer *peer;

	assert_int_equal(inet_pton(AF_INET, addr, &in.sin_addr), 1);
	peer = b2b_acl_match(p->ctx.acl, realm, (struct sockaddr *)&in,
			     (enum cfg_transport)-1);
	return peer ? peer->name : "-";
}

static void test_registered(void **state)
{
	static const char *const methods[] = {
		"peer.add", "peer.del", "peer.list", "route.add", "route.del",
		"route.list", "account.add", "account.del", "account.passwd",
		"account.list", "account.set", "account.show",
	};
	struct pfx *p = *state;
	const struct ctl_command *cmd;

	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		cmd = ctl_registry_find(p->ctx.ctl_reg, methods[i]);
		assert_non_null(cmd);
		assert_true(strlen(cmd->help) > 10);
	}
	assert_string_equal(ctl_registry_find(p->ctx.ctl_reg, "peer.list")->words,
			    "show peers");
	assert_string_equal(ctl_registry_find(p->ctx.ctl_reg, "route.list")->words,
			    "route show");
	/* a second init refuses: the commands are taken */
	b2b_provision_uninit(&p->ctx);
	assert_int_equal(b2b_provision_init(&p->ctx), -EEXIST);
	assert_null(p->ctx.acl);
}

static void test_peer_add_list_del(void **state)
{
	struct pfx *p = *state;
	json_t *res, *row;

	res = ok(p, "peer.add", "['carrier1','realm=carrier','cidr=10.10.2.77/24',"
		 "'port=5060','transport=tcp','max_calls=400','max_cps=20',"
		 "'callerid_trusted=yes','pai_mode=rpid']");
	assert_string_equal(str(res, "cidr"), "10.10.2.0/24");	/* canonical */
	json_decref(res);
	res = ok(p, "peer.add", "['pbx-1','realm=access','cidr=10.10.1.10']");
	json_decref(res);
	assert_int_equal(b2b_acl_count(p->ctx.acl), 2);
	assert_string_equal(acl_match(p, "carrier", "10.10.2.10"), "carrier1");
	assert_string_equal(acl_match(p, NULL, "10.10.1.10"), "pbx-1");

	res = ok(p, "peer.list", "[]");
	assert_int_equal(json_array_size(res), 2);
	row = json_array_get(res, 0);	/* key order */
	assert_string_equal(str(row, "name"), "carrier1");
	assert_string_equal(str(row, "realm"), "carrier");
	assert_string_equal(str(row, "cidr"), "10.10.2.0/24");
	assert_int_equal(num(row, "port"), 5060);
	assert_string_equal(str(row, "transport"), "tcp");
	assert_int_equal(num(row, "max_calls"), 400);
	assert_int_equal(num(row, "max_cps"), 20);
	assert_true(json_is_true(json_object_get(row, "callerid_trusted")));
	assert_string_equal(str(row, "pai_mode"), "rpid");
	row = json_array_get(res, 1);	/* defaults */
	assert_string_equal(str(row, "name"), "pbx-1");
	assert_string_equal(str(row, "cidr"), "10.10.1.10/32");
	assert_int_equal(num(row, "port"), 0);
	assert_string_equal(str(row, "transport"), "udp");
	assert_int_equal(num(row, "max_calls"), 0);
	assert_true(json_is_false(json_object_get(row, "callerid_trusted")));
	assert_string_equal(str(row, "pai_mode"), "pai");
	json_decref(res);

	res = ok(p, "peer.del", "['carrier1']");
	assert_string_equal(str(res, "deleted"), "carrier1");
	json_decref(res);
	assert_int_equal(b2b_acl_count(p->ctx.acl), 1);
	assert_string_equal(acl_match(p, NULL, "10.10.2.10"), "-");
	err(p, "peer.del", "['carrier1']", CTL_ERR_NOT_FOUND, "no peer carrier1");
	err(p, "peer.del", "['']", CTL_ERR_NOT_FOUND, "no peer");
	res = ok(p, "peer.list", "[]");
	assert_int_equal(json_array_size(res), 1);
	json_decref(res);
}

/* a JSON client's named params, with numbers and booleans */
static void test_peer_named(void **state)
{
	struct pfx *p = *state;
	json_t *res;

	res = ok(p, "peer.add", "{'name':'v6gw','realm':'carrier',"
		 "'cidr':'2001:db8::/32','port':5061,'transport':'tls',"
		 "'callerid_trusted':true,'max_cps':'5'}");
	assert_int_equal(num(res, "port"), 5061);
	assert_int_equal(num(res, "max_cps"), 5);
	assert_true(json_is_true(json_object_get(res, "callerid_trusted")));
	json_decref(res);
	err(p, "peer.add", "{'name':'x','realm':'carrier','cidr':'10.0.0.1','colour':'red'}",
	    CTL_ERR_INVALID_PARAMS, "unknown parameter 'colour'");
	err(p, "peer.add", "{'name':5,'realm':'carrier','cidr':'10.0.0.1'}",
	    CTL_ERR_INVALID_PARAMS, "name must be a string");
	err(p, "peer.add", "{'name':'x','realm':'carrier','cidr':'10.0.0.1','port':-1}",
	    CTL_ERR_INVALID_PARAMS, "port must be an integer from 0 to 65535");
	err(p, "peer.add", "{'name':'x','realm':'carrier','cidr':'10.0.0.1','port':1.5}",
	    CTL_ERR_INVALID_PARAMS, "port must be");
	err(p, "peer.add", "{'name':'x','realm':'carrier','cidr':'10.0.0.1','callerid_trusted':1}",
	    CTL_ERR_INVALID_PARAMS, "callerid_trusted must be yes or no");
	err(p, "peer.del", "{'name':null}", CTL_ERR_INVALID_PARAMS,
	    "name must be a string");
	err(p, "peer.del", "{'id':'v6gw'}", CTL_ERR_INVALID_PARAMS,
	    "unknown parameter 'id'");
	assert_int_equal(count(p, STORE_DB_PEERS), 1);
}

static void test_peer_errors(void **state)
{
	struct pfx *p = *state;
	json_t *res;

	res = ok(p, "peer.add", "['gw1','realm=carrier','cidr=10.0.0.0/8']");
	json_decref(res);
	err(p, "peer.add", "['gw1','realm=carrier','cidr=10.1.0.0/16']",
	    CTL_ERR_FAILED, "peer gw1 exists");
	err(p, "peer.add", "['gw2','realm=core','cidr=10.0.0.1']",
	    CTL_ERR_INVALID_PARAMS,
	    "unknown realm 'core' (configured: access, carrier)");
	err(p, "peer.add", "['gw2','realm=carrier','cidr=10.0.0.300']",
	    CTL_ERR_INVALID_PARAMS, "bad cidr '10.0.0.300'");
	err(p, "peer.add", "['gw2','realm=carrier','cidr=10.0.0.0/33']",
	    CTL_ERR_INVALID_PARAMS, "bad cidr");
	err(p, "peer.add", "['gw2','realm=carrier','cidr=gw.example']",
	    CTL_ERR_INVALID_PARAMS, "bad cidr");
	err(p, "peer.add", "['gw2','realm=carrier','cidr=']",
	    CTL_ERR_INVALID_PARAMS, "bad cidr");
	err(p, "peer.add", "['gw2','realm=carrier','port=5060']",
	    CTL_ERR_INVALID_PARAMS, "missing cidr");
	err(p, "peer.add", "['gw2','cidr=10.0.0.1','port=5060']",
	    CTL_ERR_INVALID_PARAMS, "missing realm");
	err(p, "peer.add", "['gw2','realm=carrier','cidr=10.0.0.1','port=70000']",
	    CTL_ERR_INVALID_PARAMS, "port must be an integer from 0 to 65535");
	err(p, "peer.add", "['gw2','realm=carrier','cidr=10.0.0.1','port=']",
	    CTL_ERR_INVALID_PARAMS, "port must be");
	err(p, "peer.add", "['gw2','realm=carrier','cidr=10.0.0.1','max_calls=99999999999']",
	    CTL_ERR_INVALID_PARAMS, "max_calls must be");
	err(p, "peer.add", "['gw2','realm=carrier','cidr=10.0.0.1','transport=sctp']",
	    CTL_ERR_INVALID_PARAMS, "transport must be udp, tcp or tls");
	err(p, "peer.add", "['gw2','realm=carrier','cidr=10.0.0.1','pai_mode=ppi']",
	    CTL_ERR_INVALID_PARAMS, "pai_mode must be pai or rpid");
	err(p, "peer.add", "['gw2','realm=carrier','cidr=10.0.0.1','callerid_trusted=maybe']",
	    CTL_ERR_INVALID_PARAMS, "callerid_trusted must be yes or no");
	err(p, "peer.add", "['gw2','realm=carrier','cidr=10.0.0.1','colour=red']",
	    CTL_ERR_INVALID_PARAMS, "argument 4: expected one of realm=, cidr=");
	err(p, "peer.add", "['gw2','realm=carrier','cidr=10.0.0.1','tcp']",
	    CTL_ERR_INVALID_PARAMS, "argument 4: expected one of");
	err(p, "peer.add", "['gw2','realm=carrier','cidr=10.0.0.1','=x']",
	    CTL_ERR_INVALID_PARAMS, "argument 4: expected one of");
	err(p, "peer.add", "['gw2','realm=carrier','cidr=10.0.0.1','realm=access']",
	    CTL_ERR_INVALID_PARAMS, "argument 4: realm= given twice");
	err(p, "peer.add", "['gw 2','realm=carrier','cidr=10.0.0.1']",
	    CTL_ERR_INVALID_PARAMS, "bad peer name 'gw 2'");
	err(p, "peer.add", "['','realm=carrier','cidr=10.0.0.1']",
	    CTL_ERR_INVALID_PARAMS, "name must not be empty");
	err(p, "peer.add", "['gw2','realm=carrier\\u0007','cidr=10.0.0.1']",
	    CTL_ERR_INVALID_PARAMS, "realm must not contain control characters");
	err(p, "peer.add", "['gw2',5,'cidr=10.0.0.1']",
	    CTL_ERR_INVALID_PARAMS, "argument 2 must be a string");
	err(p, "peer.add", "['gw2','realm=carrier']", CTL_ERR_INVALID_PARAMS,
	    "missing arguments; usage: peer add NAME");
	err(p, "peer.add", "['012345678901234567890123456789012345678901234567890123456789012345','realm=carrier','cidr=10.0.0.1']",
	    CTL_ERR_INVALID_PARAMS, "name is too long (at most 63 bytes)");
	err(p, "peer.list", "['x']", CTL_ERR_INVALID_PARAMS, "too many");
	assert_int_equal(count(p, STORE_DB_PEERS), 1);
	assert_int_equal(b2b_acl_count(p->ctx.acl), 1);
}

static void test_routes(void **state)
{
	struct pfx *p = *state;
	json_t *res, *gws;

	res = ok(p, "route.add", "['44','10.10.2.10']");
	assert_true(json_is_false(json_object_get(res, "replaced")));
	json_decref(res);
	res = ok(p, "route.add", "['4420','10.10.2.10:5060;udp','[2001:db8::1]:5061;tls']");
	json_decref(res);
	res = ok(p, "route.add", "['default','10.10.2.99;tcp']");
	assert_string_equal(str(res, "prefix"), "default");
	json_decref(res);
	res = ok(p, "route.add", "{'prefix':'+44','gateways':'10.10.2.44'}");
	json_decref(res);
	assert_int_equal(count(p, STORE_DB_ROUTES), 4);

	res = ok(p, "route.list", "[]");
	assert_int_equal(json_array_size(res), 4);
	/* key order: "/" < "/+44" < "/44" < "/4420" */
	assert_string_equal(str(json_array_get(res, 0), "prefix"), "default");
	assert_string_equal(str(json_array_get(res, 1), "prefix"), "+44");
	gws = json_object_get(json_array_get(res, 3), "gateways");
	assert_int_equal(json_array_size(gws), 2);
	assert_string_equal(json_string_value(json_array_get(gws, 1)),
			    "[2001:db8::1]:5061;tls");
	json_decref(res);

	res = ok(p, "route.list", "['442071234567']");
	assert_string_equal(str(res, "prefix"), "4420");
	assert_string_equal(str(res, "number"), "442071234567");
	json_decref(res);
	res = ok(p, "route.list", "['+442071234567']");
	assert_string_equal(str(res, "prefix"), "+44");
	json_decref(res);
	res = ok(p, "route.list", "{'number':'3312345'}");
	assert_string_equal(str(res, "prefix"), "default");
	json_decref(res);

	/* add replaces the whole gateway list */
	res = ok(p, "route.add", "['44','10.10.2.11','10.10.2.12']");
	assert_true(json_is_true(json_object_get(res, "replaced")));
	assert_int_equal(json_array_size(json_object_get(res, "gateways")), 2);
	json_decref(res);
	assert_int_equal(count(p, STORE_DB_ROUTES), 4);

	res = ok(p, "route.del", "['default']");
	assert_string_equal(str(res, "deleted"), "default");
	json_decref(res);
	err(p, "route.list", "['3312345']", CTL_ERR_NOT_FOUND,
	    "no route for 3312345");
	err(p, "route.del", "['default']", CTL_ERR_NOT_FOUND, "no route default");
	err(p, "route.del", "['33']", CTL_ERR_NOT_FOUND, "no route 33");
	res = ok(p, "route.del", "['+44']");
	json_decref(res);
	assert_int_equal(count(p, STORE_DB_ROUTES), 2);
}

static void test_route_errors(void **state)
{
	struct pfx *p = *state;

	err(p, "route.add", "['44a','10.0.0.1']", CTL_ERR_INVALID_PARAMS,
	    "bad prefix '44a'");
	err(p, "route.add", "['','10.0.0.1']", CTL_ERR_INVALID_PARAMS,
	    "bad prefix ''");
	err(p, "route.add", "['123456789012345678901234567890123','10.0.0.1']",
	    CTL_ERR_INVALID_PARAMS, "bad prefix");
	err(p, "route.add", "['44','gw.example.net']", CTL_ERR_INVALID_PARAMS,
	    "bad gateway 1 'gw.example.net'");
	err(p, "route.add", "['44','10.0.0.1','10.0.0.2:99999']",
	    CTL_ERR_INVALID_PARAMS, "bad gateway 2");
	err(p, "route.add", "['44']", CTL_ERR_INVALID_PARAMS,
	    "missing arguments; usage: route add");
	err(p, "route.add", "['44','1.1.1.1','1.1.1.2','1.1.1.3','1.1.1.4',"
	    "'1.1.1.5','1.1.1.6','1.1.1.7','1.1.1.8','1.1.1.9']",
	    CTL_ERR_INVALID_PARAMS, "too many arguments");
	err(p, "route.add", "{'prefix':'44','gateways':['1.1.1.1','1.1.1.2',"
	    "'1.1.1.3','1.1.1.4','1.1.1.5','1.1.1.6','1.1.1.7','1.1.1.8',"
	    "'1.1.1.9']}", CTL_ERR_INVALID_PARAMS, "too many gateways (at most 8)");
	err(p, "route.add", "{'prefix':'44','gateways':[]}",
	    CTL_ERR_INVALID_PARAMS, "missing gateways");
	err(p, "route.add", "{'prefix':'44','gateways':[1]}",
	    CTL_ERR_INVALID_PARAMS, "gateways[0] must be a string");
	err(p, "route.add", "{'prefix':'44','gateways':{}}",
	    CTL_ERR_INVALID_PARAMS, "gateways must be a string or an array");
	err(p, "route.add", "{'prefix':44,'gateways':'1.1.1.1'}",
	    CTL_ERR_INVALID_PARAMS, "prefix must be a string");
	err(p, "route.list", "['44x']", CTL_ERR_INVALID_PARAMS,
	    "bad number '44x'");
	err(p, "route.list", "['+']", CTL_ERR_INVALID_PARAMS, "bad number");
	err(p, "route.list", "{'number':7}", CTL_ERR_INVALID_PARAMS,
	    "number must be a string");
	err(p, "route.del", "['x']", CTL_ERR_INVALID_PARAMS, "bad prefix 'x'");
	assert_int_equal(count(p, STORE_DB_ROUTES), 0);
	err(p, "route.list", "['4420']", CTL_ERR_NOT_FOUND, "no route for 4420");
}

/* no reply so far holds a password or an HA1 digest */
static void no_secrets(struct pfx *p)
{
	assert_non_null(p->replies);
	assert_null(strstr(p->replies, PW));
	assert_null(strstr(p->replies, PW2));
	assert_null(strstr(p->replies, "ha1"));
	assert_null(strstr(p->replies, MD5_PW));
	assert_null(strstr(p->replies, MD5_PW2));
	assert_null(strstr(p->replies, SHA_PW));
	assert_null(strstr(p->replies, SHA_PW2));
}

static void account_get(struct pfx *p, const char *id,
			struct store_account *a)
{
	struct store_txn *t = store_txn_begin(p->ctx.store, false);

	assert_non_null(t);
	assert_int_equal(store_account_get(t, id, a), 0);
	store_txn_abort(t);
}

static void test_accounts(void **state)
{
	struct pfx *p = *state;
	struct store_account a;
	json_t *res, *row;

	res = ok(p, "account.add", "['alice@sbc.example','password=" PW "',"
		 "'realm=access','prepaid=yes','balance=12.50','currency=EUR',"
		 "'max_calls=2','emergency_id=+15551234567']");
	assert_string_equal(str(res, "balance"), "12.50 EUR");
	assert_int_equal(num(res, "balance_micro"), 12500000);
	json_decref(res);
	account_get(p, "alice@sbc.example", &a);
	assert_string_equal(a.user, "alice");
	assert_string_equal(a.domain, "sbc.example");
	assert_string_equal(a.realm, "access");
	assert_string_equal(a.ha1_md5, MD5_PW);
	assert_string_equal(a.ha1_sha256, SHA_PW);
	assert_true(a.prepaid);
	assert_true(a.balance == 12500000);
	assert_int_equal(a.max_calls, 2);
	assert_string_equal(a.emergency_id, "+15551234567");

	res = ok(p, "account.add", "{'id':'bob@sbc.example','password':'x:y',"
		 "'balance':'-3.25','currency':'USD','prepaid':false}");
	json_decref(res);
	res = ok(p, "account.list", "[]");
	assert_int_equal(json_array_size(res), 2);
	row = json_array_get(res, 0);
	assert_string_equal(str(row, "id"), "alice@sbc.example");
	assert_string_equal(str(row, "realm"), "access");
	assert_true(json_is_true(json_object_get(row, "prepaid")));
	assert_string_equal(str(row, "emergency_id"), "+15551234567");
	row = json_array_get(res, 1);
	assert_string_equal(str(row, "balance"), "-3.25 USD");
	assert_int_equal(num(row, "balance_micro"), -3250000);
	assert_string_equal(str(row, "realm"), "");
	json_decref(res);

	err(p, "account.add", "['alice@sbc.example','password=" PW "']",
	    CTL_ERR_FAILED, "account alice@sbc.example exists");

	/* passwd changes the digests and nothing else */
	res = ok(p, "account.passwd", "['alice@sbc.example','" PW2 "']");
	assert_int_equal(num(res, "balance_micro"), 12500000);
	json_decref(res);
	account_get(p, "alice@sbc.example", &a);
	assert_string_equal(a.ha1_md5, MD5_PW2);
	assert_string_equal(a.ha1_sha256, SHA_PW2);
	assert_string_equal(a.realm, "access");
	assert_true(a.balance == 12500000);
	err(p, "account.passwd", "['carol@sbc.example','" PW "']",
	    CTL_ERR_NOT_FOUND, "no account carol@sbc.example");
	err(p, "account.passwd", "['alice@sbc.example','']",
	    CTL_ERR_INVALID_PARAMS, "password must not be empty");

	res = ok(p, "account.del", "['bob@sbc.example']");
	assert_string_equal(str(res, "deleted"), "bob@sbc.example");
	json_decref(res);
	err(p, "account.del", "['bob@sbc.example']", CTL_ERR_NOT_FOUND,
	    "no account bob@sbc.example");
	assert_int_equal(count(p, STORE_DB_ACCOUNTS), 1);
	no_secrets(p);
}

static void test_account_errors(void **state)
{
	struct pfx *p = *state;

	/* the password typed without password= is not quoted back */
	err(p, "account.add", "['dave@sbc.example','" PW "']",
	    CTL_ERR_INVALID_PARAMS, "argument 2: expected one of password=");
	err(p, "account.add", "['dave@sbc.example','" PW "=" PW2 "']",
	    CTL_ERR_INVALID_PARAMS, "argument 2: expected one of");
	err(p, "account.add", "['dave@sbc.example','realm=access']",
	    CTL_ERR_INVALID_PARAMS, "missing password");
	err(p, "account.add", "['dave@sbc.example','password=']",
	    CTL_ERR_INVALID_PARAMS, "password must not be empty");
	err(p, "account.add", "['dave','password=" PW "']",
	    CTL_ERR_INVALID_PARAMS, "bad account id 'dave'");
	err(p, "account.add", "['@sbc.example','password=" PW "']",
	    CTL_ERR_INVALID_PARAMS, "bad account id");
	err(p, "account.add", "['dave@','password=" PW "']",
	    CTL_ERR_INVALID_PARAMS, "bad account id");
	err(p, "account.add", "['dave@a@b','password=" PW "']",
	    CTL_ERR_INVALID_PARAMS, "bad account id");
	err(p, "account.add", "['da:ve@sbc.example','password=" PW "']",
	    CTL_ERR_INVALID_PARAMS, "bad account id");
	err(p, "account.add", "['dave@sbc.example','password=" PW "','balance=1.2345678']",
	    CTL_ERR_INVALID_PARAMS, "bad balance '1.2345678'");
	err(p, "account.add", "['dave@sbc.example','password=" PW "','balance=1e3']",
	    CTL_ERR_INVALID_PARAMS, "bad balance");
	err(p, "account.add", "['dave@sbc.example','password=" PW "','balance=99999999999999']",
	    CTL_ERR_INVALID_PARAMS, "balance '99999999999999' is out of range");
	err(p, "account.add", "{'id':'dave@sbc.example','password':'" PW "','balance':12.5}",
	    CTL_ERR_INVALID_PARAMS, "balance must be a string");
	err(p, "account.add", "['dave@sbc.example','password=" PW "','currency=eur']",
	    CTL_ERR_INVALID_PARAMS, "currency must be an ISO 4217 code");
	err(p, "account.add", "['dave@sbc.example','password=" PW "','realm=core']",
	    CTL_ERR_INVALID_PARAMS, "unknown realm 'core'");
	err(p, "account.add", "['dave@sbc.example','password=" PW "','realm=carrier']",
	    CTL_ERR_INVALID_PARAMS, "realm 'carrier' takes no subscribers");
	err(p, "account.add", "['dave@sbc.example','password=" PW "','emergency_id=loc-1']",
	    CTL_ERR_INVALID_PARAMS, "bad emergency_id 'loc-1'");
	err(p, "account.add", "['dave@sbc.example','password=" PW "','prepaid=1']",
	    CTL_ERR_INVALID_PARAMS, "prepaid must be yes or no");
	err(p, "account.add", "{'id':'dave@sbc.example','password':5}",
	    CTL_ERR_INVALID_PARAMS, "password must be a string");
	err(p, "account.passwd", "['dave@sbc.example']", CTL_ERR_INVALID_PARAMS,
	    "missing arguments");
	err(p, "account.del", "['']", CTL_ERR_NOT_FOUND, "no account");
	assert_int_equal(count(p, STORE_DB_ACCOUNTS), 0);
	no_secrets(p);
}

/* the policy options of account add/set, account show */
static void test_account_policy(void **state)
{
	struct pfx *p = *state;
	struct store_account a;
	json_t *res, *list;

	res = ok(p, "account.add", "['alice@sbc.example','password=" PW "',"
		 "'quota_min=100','barred=+1900,+44870','pstn=no',"
		 "'max_duration_s=3600']");
	assert_int_equal(num(res, "quota_min"), 100);
	assert_int_equal(num(res, "month_usage_s"), 0);
	assert_true(json_is_false(json_object_get(res, "pstn")));
	list = json_object_get(res, "barred");
	assert_int_equal(json_array_size(list), 2);
	assert_string_equal(json_string_value(json_array_get(list, 1)),
			    "+44870");
	json_decref(res);
	account_get(p, "alice@sbc.example", &a);
	assert_int_equal(a.quota_min, 100);
	assert_int_equal(a.max_duration_s, 3600);
	assert_true(a.no_pstn);
	assert_int_equal(a.n_barred, 2);

	/* set changes what it names and keeps the rest (digests, money) */
	res = ok(p, "account.set", "['alice@sbc.example','blocked=yes',"
		 "'in_reject=666,+1900*','in_accept=1001,*',"
		 "'in_hours=Mon-Fri 08:00-18:00,Sat 09:00-12:00','max_calls=3',"
		 "'pstn=yes']");
	assert_true(json_is_true(json_object_get(res, "blocked")));
	assert_string_equal(str(res, "in_hours"),
			    "Mon-Fri 08:00-18:00,Sat 09:00-12:00");
	json_decref(res);
	account_get(p, "alice@sbc.example", &a);
	assert_true(a.blocked);
	assert_false(a.no_pstn);
	assert_int_equal(a.max_calls, 3);
	assert_int_equal(a.quota_min, 100);
	assert_int_equal(a.n_barred, 2);
	assert_int_equal(a.n_in_reject, 2);
	assert_string_equal(a.in_reject[1], "+1900*");
	assert_int_equal(a.n_in_accept, 2);
	assert_string_equal(a.ha1_md5, MD5_PW);
	/* an empty list clears it; object params take arrays */
	res = ok(p, "account.set", "{'id':'alice@sbc.example','barred':'',"
		 "'in_accept':['2002'],'in_hours':''}");
	json_decref(res);
	account_get(p, "alice@sbc.example", &a);
	assert_int_equal(a.n_barred, 0);
	assert_int_equal(a.n_in_accept, 1);
	assert_string_equal(a.in_accept[0], "2002");
	assert_string_equal(a.in_hours, "");

	res = ok(p, "account.show", "['alice@sbc.example']");
	assert_string_equal(str(res, "id"), "alice@sbc.example");
	assert_int_equal(num(res, "max_duration_s"), 3600);
	assert_int_equal(json_array_size(json_object_get(res, "in_reject")), 2);
	json_decref(res);
	err(p, "account.show", "['carol@sbc.example']", CTL_ERR_NOT_FOUND,
	    "no account carol@sbc.example");
	err(p, "account.set", "['carol@sbc.example','blocked=yes']",
	    CTL_ERR_NOT_FOUND, "no account carol@sbc.example");
	no_secrets(p);
}

static void test_account_policy_errors(void **state)
{
	static const char *const bad[][2] = {
		{ "'barred=1900x'", "barred: bad entry '1900x'" },
		{ "'barred=+'", "barred: bad entry '+'" },
		{ "'barred=+1,,+2'", "barred: entries are 1 to 31" },
		{ "'barred=+1,'", "barred: empty entry" },
		{ "'barred=+1,+2,+3,+4,+5,+6,+7,+8,+9,+10,+11,+12,+13,+14,"
		  "+15,+16,+17'", "barred has more than 16 entries" },
		{ "'barred=+12345678901234567890123456789012'",
		  "barred: entries are 1 to 31" },
		{ "'in_reject=a b'", "in_reject: bad entry 'a b'" },
		{ "'in_accept=1*0'", "in_accept: bad entry '1*0'" },
		{ "'in_hours=weekdays'", "bad in_hours 'weekdays'" },
		{ "'in_hours=Mon-Fri 18:00-18:00'", "bad in_hours" },
		{ "'quota_min=-1'", "quota_min must be an integer" },
		{ "'max_duration_s=604801'", "max_duration_s must be an integer from 0 to 604800" },
		{ "'pstn=maybe'", "pstn must be yes or no" },
		{ "'blocked=1'", "blocked must be yes or no" },
		{ "'balance=5.00'", "argument 2: expected one of" },
		{ "'password=x'", "argument 2: expected one of" },
	};
	struct pfx *p = *state;
	struct store_account a;
	char params[256];
	json_t *res;

	res = ok(p, "account.add", "['alice@sbc.example','password=" PW "',"
		 "'barred=+1900']");
	json_decref(res);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(params, sizeof(params), "['alice@sbc.example',%s]",
			 bad[i][0]);
		err(p, "account.set", params, CTL_ERR_INVALID_PARAMS,
		    bad[i][1]);
	}
	err(p, "account.set", "['alice@sbc.example']", CTL_ERR_INVALID_PARAMS,
	    "missing arguments");
	err(p, "account.set", "{'id':'alice@sbc.example'}",
	    CTL_ERR_INVALID_PARAMS, "missing arguments");
	err(p, "account.set", "{'id':'alice@sbc.example','barred':[1]}",
	    CTL_ERR_INVALID_PARAMS, "barred must be strings");
	err(p, "account.set", "{'id':'alice@sbc.example','barred':5}",
	    CTL_ERR_INVALID_PARAMS, "barred must be a comma-separated list");
	/* nothing was changed by the refused ones */
	account_get(p, "alice@sbc.example", &a);
	assert_int_equal(a.n_barred, 1);
	assert_string_equal(a.barred[0], "+1900");
	assert_false(a.blocked);
	assert_false(a.no_pstn);
	assert_int_equal(a.quota_min, 0);
}

/* hostile shapes of params never crash and always get an error */
static void test_bad_shapes(void **state)
{
	static const char *const methods[] = {
		"peer.add", "peer.del", "route.add", "route.del", "route.list",
		"account.add", "account.del", "account.passwd",
		"account.set", "account.show",
	};
	static const char *const params[] = {
		"[null,null]", "[1,2,3]", "[[],{}]", "[true,'x']",
		"{'name':[],'id':{},'prefix':null,'number':[]}",
		"{'gateways':null,'password':null}", "['\\u0000','x=y']",
		"['x','=']",
	};
	struct pfx *p = *state;
	json_t *resp;

	for (size_t m = 0; m < sizeof(methods) / sizeof(methods[0]); m++) {
		for (size_t i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
			resp = call(p, methods[m], params[i]);
			if (!json_object_get(resp, "error"))
				fail_msg("%s %s succeeded", methods[m], params[i]);
			json_decref(resp);
		}
	}
	assert_int_equal(count(p, STORE_DB_PEERS), 0);
	assert_int_equal(count(p, STORE_DB_ROUTES), 0);
	assert_int_equal(count(p, STORE_DB_ACCOUNTS), 0);
}

/* records and the trusted-peer table survive a restart */
static void test_reopen(void **state)
{
	struct pfx *p = *state;
	json_t *res;

	res = ok(p, "peer.add", "['gw1','realm=carrier','cidr=10.10.2.0/24']");
	json_decref(res);
	res = ok(p, "account.add", "['alice@sbc.example','password=" PW "']");
	json_decref(res);
	b2b_provision_uninit(&p->ctx);
	ctl_registry_free(p->ctx.ctl_reg);
	fx_reopen(p->fx);
	p->ctx.store = p->fx->st;
	p->ctx.ctl_reg = ctl_registry_new();
	assert_non_null(p->ctx.ctl_reg);
	assert_int_equal(b2b_provision_init(&p->ctx), 0);
	assert_int_equal(b2b_acl_count(p->ctx.acl), 1);
	assert_string_equal(acl_match(p, "carrier", "10.10.2.10"), "gw1");
	res = ok(p, "account.list", "[]");
	assert_int_equal(json_array_size(res), 1);
	json_decref(res);
	no_secrets(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		PTEST(test_registered),
		PTEST(test_peer_add_list_del),
		PTEST(test_peer_named),
		PTEST(test_peer_errors),
		PTEST(test_routes),
		PTEST(test_route_errors),
		PTEST(test_accounts),
		PTEST(test_account_errors),
		PTEST(test_account_policy),
		PTEST(test_account_policy_errors),
		PTEST(test_bad_shapes),
		PTEST(test_reopen),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
