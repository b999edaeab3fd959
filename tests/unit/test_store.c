/*
 * Unit tests of the persistent store (b2bua/store*.c) through its API:
 * round trips of every record type, puts refused for invalid records,
 * read-only and aborted txns, opening errors, the schema version, counts,
 * CDR ids and a full map.  The codec and corrupt records are tested in
 * test_store_codec.c, crash safety and concurrent readers in
 * test_store_crash.c, audit records and per-plan rate walks in
 * test_store_audit.c.  Each test makes its own store in a fresh directory
 * under $TMPDIR and removes it (store_fixture.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "store.h"
#include "store_fixture.h"

static void test_account_roundtrip(void **state)
{
	struct fixture *fx = *state;
	struct store_account a, out;
	struct store_txn *t;

	sample_account(&a, "alice@sbc.example", -123456789012345);
	t = fx_begin(fx, true);
	assert_int_equal(store_account_put(t, &a), 0);
	assert_int_equal(store_txn_commit(t), 0);

	t = fx_begin(fx, false);
	memset(&out, 0xa5, sizeof(out));
	assert_int_equal(store_account_get(t, "alice@sbc.example", &out), 0);
	fx_account_equal(&a, &out);
	assert_int_equal(store_account_get(t, "bob@sbc.example", &out),
			 -ENOENT);
	store_txn_abort(t);

	/* put replaces */
	a.balance = 42;
	a.prepaid = false;
	memset(a.ha1_md5, 0, sizeof(a.ha1_md5));
	t = fx_begin(fx, true);
	assert_int_equal(store_account_put(t, &a), 0);
	assert_int_equal(store_account_get(t, a.id, &out), 0);
	fx_account_equal(&a, &out);
	assert_int_equal(store_account_del(t, a.id), 0);
	assert_int_equal(store_account_del(t, a.id), -ENOENT);
	assert_int_equal(store_txn_commit(t), 0);

	t = fx_begin(fx, false);
	assert_int_equal(store_account_get(t, a.id, &out), -ENOENT);
	store_txn_abort(t);
}

static void test_peer_roundtrip(void **state)
{
	struct fixture *fx = *state;
	struct store_peer p, out;
	struct store_txn *t;

	sample_peer(&p);
	t = fx_begin(fx, true);
	assert_int_equal(store_peer_put(t, &p), 0);
	assert_int_equal(store_txn_commit(t), 0);

	t = fx_begin(fx, false);
	memset(&out, 0xa5, sizeof(out));
	assert_int_equal(store_peer_get(t, "carrier1", &out), 0);
	EQ_S(&p, &out, name);
	EQ_S(&p, &out, realm);
	EQ_S(&p, &out, cidr);
	EQ_I(&p, &out, port);
	EQ_S(&p, &out, transport);
	EQ_I(&p, &out, max_calls);
	EQ_I(&p, &out, max_cps);
	EQ_I(&p, &out, callerid_trusted);
	EQ_S(&p, &out, pai_mode);
	assert_memory_equal(&p, &out, sizeof(p));
	store_txn_abort(t);

	t = fx_begin(fx, true);
	assert_int_equal(store_peer_del(t, "carrier1"), 0);
	assert_int_equal(store_txn_commit(t), 0);
	t = fx_begin(fx, false);
	assert_int_equal(store_peer_get(t, "carrier1", &out), -ENOENT);
	store_txn_abort(t);
}

static void test_route_roundtrip(void **state)
{
	struct fixture *fx = *state;
	struct store_route r = { 0 }, def = { 0 }, out;
	struct store_txn *t;

	strcpy(r.prefix, "4930");
	for (r.n_gateways = 0; r.n_gateways < STORE_ROUTE_GWS; r.n_gateways++)
		snprintf(r.gateways[r.n_gateways], STORE_GW_MAX,
			 "gw%u.carrier.example:5060;udp", r.n_gateways);
	strcpy(def.gateways[0], "10.10.2.1:5061;tls");
	def.n_gateways = 1;

	t = fx_begin(fx, true);
	assert_int_equal(store_route_put(t, &r), 0);
	assert_int_equal(store_route_put(t, &def), 0);
	assert_int_equal(store_txn_commit(t), 0);

	t = fx_begin(fx, false);
	memset(&out, 0xa5, sizeof(out));
	assert_int_equal(store_route_get(t, "4930", &out), 0);
	EQ_S(&r, &out, prefix);
	EQ_I(&r, &out, n_gateways);
	for (unsigned i = 0; i < STORE_ROUTE_GWS; i++)
		EQ_S(&r, &out, gateways[i]);
	assert_memory_equal(&r, &out, sizeof(r));
	/* the default route has the empty prefix */
	assert_int_equal(store_route_get(t, "", &out), 0);
	assert_memory_equal(&def, &out, sizeof(def));
	assert_int_equal(store_route_get(t, "49", &out), -ENOENT);
	store_txn_abort(t);

	t = fx_begin(fx, true);
	assert_int_equal(store_route_del(t, ""), 0);
	assert_int_equal(store_route_del(t, "4930"), 0);
	assert_int_equal(store_txn_commit(t), 0);
	t = fx_begin(fx, false);
	assert_int_equal(store_route_get(t, "", &out), -ENOENT);
	assert_int_equal(store_route_get(t, "4930", &out), -ENOENT);
	store_txn_abort(t);
}

static void test_rate_roundtrip(void **state)
{
	struct fixture *fx = *state;
	struct store_rate r, out;
	struct store_txn *t;

	sample_rate(&r);
	t = fx_begin(fx, true);
	assert_int_equal(store_rate_put(t, &r), 0);
	assert_int_equal(store_txn_commit(t), 0);

	t = fx_begin(fx, false);
	memset(&out, 0xa5, sizeof(out));
	assert_int_equal(store_rate_get(t, "retail", "4930", &out), 0);
	EQ_S(&r, &out, plan);
	EQ_S(&r, &out, prefix);
	EQ_I(&r, &out, price_per_min);
	EQ_I(&r, &out, connect_fee);
	EQ_I(&r, &out, first_incr);
	EQ_I(&r, &out, next_incr);
	assert_memory_equal(&r, &out, sizeof(r));
	assert_int_equal(store_rate_get(t, "retail", "49", &out), -ENOENT);
	assert_int_equal(store_rate_get(t, "wholesale", "4930", &out),
			 -ENOENT);
	store_txn_abort(t);

	t = fx_begin(fx, true);
	assert_int_equal(store_rate_del(t, "retail", "4930"), 0);
	assert_int_equal(store_txn_commit(t), 0);
	t = fx_begin(fx, false);
	assert_int_equal(store_rate_get(t, "retail", "4930", &out), -ENOENT);
	store_txn_abort(t);
}

struct collect {
	unsigned n;
	char names[8][STORE_URI_MAX];
};

static int collect_contact(const void *rec, void *arg)
{
	const struct store_registration *r = rec;
	struct collect *c = arg;

	if (c->n < 8)
		strcpy(c->names[c->n], r->contact);
	c->n++;
	return 0;
}

static void test_registration_roundtrip(void **state)
{
	struct fixture *fx = *state;
	struct store_registration r, other, out;
	struct collect c = { 0 };
	struct store_txn *t;

	sample_registration(&r, "alice@sbc.example",
			    "sip:alice@192.0.2.7:5060");
	t = fx_begin(fx, true);
	assert_int_equal(store_registration_put(t, &r), 0);
	sample_registration(&other, "alice@sbc.example", "sip:alice@192.0.2.8");
	assert_int_equal(store_registration_put(t, &other), 0);
	/* an AOR that extends alice's must not show up in her contacts */
	sample_registration(&other, "alice@sbc.example2", "sip:x@192.0.2.9");
	assert_int_equal(store_registration_put(t, &other), 0);
	assert_int_equal(store_txn_commit(t), 0);

	t = fx_begin(fx, false);
	memset(&out, 0xa5, sizeof(out));
	assert_int_equal(store_registration_get(t, r.aor, r.contact, &out), 0);
	EQ_S(&r, &out, aor);
	EQ_S(&r, &out, contact);
	EQ_S(&r, &out, source_addr);
	EQ_I(&r, &out, source_port);
	EQ_S(&r, &out, transport);
	EQ_I(&r, &out, expires);
	EQ_S(&r, &out, call_id);
	EQ_I(&r, &out, cseq);
	assert_memory_equal(&r, &out, sizeof(r));

	assert_int_equal(store_registration_foreach(t, "alice@sbc.example",
						    collect_contact, &c), 0);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.names[0], "sip:alice@192.0.2.7:5060");
	assert_string_equal(c.names[1], "sip:alice@192.0.2.8");
	c.n = 0;
	assert_int_equal(store_registration_foreach(t, "nobody@sbc.example",
						    collect_contact, &c), 0);
	assert_int_equal(c.n, 0);
	assert_int_equal(store_registration_foreach(t, "", collect_contact, &c),
			 -EINVAL);
	store_txn_abort(t);

	t = fx_begin(fx, true);
	assert_int_equal(store_registration_del(t, r.aor, r.contact), 0);
	assert_int_equal(store_txn_commit(t), 0);
	t = fx_begin(fx, false);
	assert_int_equal(store_registration_get(t, r.aor, r.contact, &out),
			 -ENOENT);
	store_txn_abort(t);
}

static void test_dialog_roundtrip(void **state)
{
	struct fixture *fx = *state;
	struct store_dialog d, out;
	struct store_txn *t;

	sample_dialog(&d);
	t = fx_begin(fx, true);
	assert_int_equal(store_dialog_put(t, &d), 0);
	assert_int_equal(store_txn_commit(t), 0);

	t = fx_begin(fx, false);
	memset(&out, 0xa5, sizeof(out));
	assert_int_equal(store_dialog_get(t, d.call_id, &out), 0);
	EQ_S(&d, &out, call_id);
	EQ_S(&d, &out, b_call_id);
	EQ_S(&d, &out, a_local_tag);
	EQ_S(&d, &out, a_remote_tag);
	EQ_S(&d, &out, b_local_tag);
	EQ_S(&d, &out, b_remote_tag);
	EQ_S(&d, &out, state);
	EQ_I(&d, &out, created_ms);
	EQ_S(&d, &out, account);
	EQ_S(&d, &out, peer);
	EQ_S(&d, &out, route);
	assert_memory_equal(&d, &out, sizeof(d));
	store_txn_abort(t);

	t = fx_begin(fx, true);
	assert_int_equal(store_dialog_del(t, d.call_id), 0);
	assert_int_equal(store_txn_commit(t), 0);
	t = fx_begin(fx, false);
	assert_int_equal(store_dialog_get(t, d.call_id, &out), -ENOENT);
	store_txn_abort(t);
}

static void test_cdr_roundtrip(void **state)
{
	struct fixture *fx = *state;
	struct store_cdr c, out;
	struct store_txn *t;

	sample_cdr(&c, "call-1@pbx", 9223372036854775807);
	c.id = 77;	/* ignored: append assigns */
	t = fx_begin(fx, true);
	assert_int_equal(store_cdr_append(t, &c), 0);
	assert_int_equal(c.id, 1);
	assert_int_equal(store_txn_commit(t), 0);

	t = fx_begin(fx, false);
	memset(&out, 0xa5, sizeof(out));
	assert_int_equal(store_cdr_get(t, 1, &out), 0);
	EQ_I(&c, &out, id);
	EQ_S(&c, &out, call_id);
	EQ_S(&c, &out, caller);
	EQ_S(&c, &out, callee);
	EQ_S(&c, &out, ingress);
	EQ_S(&c, &out, egress);
	EQ_I(&c, &out, setup_ms);
	EQ_I(&c, &out, answer_ms);
	EQ_I(&c, &out, end_ms);
	EQ_I(&c, &out, duration_ms);
	EQ_S(&c, &out, reason);
	EQ_S(&c, &out, side);
	EQ_I(&c, &out, cost);
	assert_memory_equal(&c, &out, sizeof(c));
	assert_int_equal(store_cdr_get(t, 2, &out), -ENOENT);
	assert_int_equal(store_cdr_get(t, 0, &out), -EINVAL);
	store_txn_abort(t);

	t = fx_begin(fx, true);
	assert_int_equal(store_cdr_del(t, 1), 0);
	assert_int_equal(store_txn_commit(t), 0);
	t = fx_begin(fx, false);
	assert_int_equal(store_cdr_get(t, 1, &out), -ENOENT);
	store_txn_abort(t);
}

/* puts refuse records that could not be read back */
static void test_put_invalid(void **state)
{
	struct fixture *fx = *state;
	struct store_account a;
	struct store_peer p;
	struct store_route r = { 0 };
	struct store_rate rate;
	struct store_registration reg;
	struct store_cdr c;
	struct store_txn *t = fx_begin(fx, true);
	size_t n;

#define BAD_ACCOUNT(stmt) do {						\
		sample_account(&a, "alice@sbc.example", 0);		\
		stmt;							\
		assert_int_equal(store_account_put(t, &a), -EINVAL);	\
	} while (0)
	BAD_ACCOUNT(a.id[0] = '\0');
	BAD_ACCOUNT(strcpy(a.id, "al\x1f" "ice"));
	BAD_ACCOUNT(memset(a.user, 'u', sizeof(a.user)));	/* no NUL */
	BAD_ACCOUNT(strcpy(a.currency, "eur"));
	BAD_ACCOUNT(a.currency[0] = '\0');
	BAD_ACCOUNT(a.ha1_md5[5] = 'X');
	BAD_ACCOUNT(a.ha1_sha256[10] = '\0');
	BAD_ACCOUNT(strcpy(a.realm, "\xc3\x28"));		/* bad UTF-8 */
#undef BAD_ACCOUNT

	sample_peer(&p);
	strcpy(p.pai_mode, "both");
	assert_int_equal(store_peer_put(t, &p), -EINVAL);
	sample_peer(&p);
	strcpy(p.cidr, "10.10.2.0/33");
	assert_int_equal(store_peer_put(t, &p), -EINVAL);
	sample_peer(&p);
	strcpy(p.cidr, "carrier.example");
	assert_int_equal(store_peer_put(t, &p), -EINVAL);
	sample_peer(&p);
	p.port = 65536;
	assert_int_equal(store_peer_put(t, &p), -EINVAL);

	assert_int_equal(store_route_put(t, &r), -EINVAL);	/* no gateway */
	r.n_gateways = STORE_ROUTE_GWS + 1;
	assert_int_equal(store_route_put(t, &r), -EINVAL);

	sample_rate(&rate);
	rate.price_per_min = -1;
	assert_int_equal(store_rate_put(t, &rate), -EINVAL);
	sample_rate(&rate);
	strcpy(rate.plan, "a/b");
	assert_int_equal(store_rate_put(t, &rate), -EINVAL);
	sample_rate(&rate);
	rate.next_incr = 0;
	assert_int_equal(store_rate_put(t, &rate), -EINVAL);

	sample_registration(&reg, "alice@sbc.example", "sip:alice@192.0.2.7");
	strcpy(reg.transport, "sctp");
	assert_int_equal(store_registration_put(t, &reg), -EINVAL);
	sample_registration(&reg, "alice@sbc.example", "sip:alice@192.0.2.7");
	strcpy(reg.source_addr, "192.0.2.300");
	assert_int_equal(store_registration_put(t, &reg), -EINVAL);

	sample_cdr(&c, "call@pbx", -1);
	assert_int_equal(store_cdr_append(t, &c), -EINVAL);
	assert_int_equal(c.id, 0);

	/* too long or missing keys */
	assert_int_equal(store_account_get(t, NULL, &a), -EINVAL);
	memset(a.id, 'x', sizeof(a.id));
	a.id[sizeof(a.id) - 1] = '\0';
	assert_int_equal(store_account_get(t, a.id, &a), -ENOENT);
	a.id[0] = '\0';
	assert_int_equal(store_account_get(t, a.id, &a), -EINVAL);
	assert_int_equal(store_txn_commit(t), 0);
	assert_int_equal(store_count(fx->st, STORE_DB_ACCOUNTS, &n), 0);
	assert_int_equal(n, 0);
}

static void test_read_only_and_abort(void **state)
{
	struct fixture *fx = *state;
	struct store_account a, out;
	struct store_cdr c;
	struct store_txn *t;

	sample_account(&a, "alice@sbc.example", 1);
	sample_cdr(&c, "call@pbx", 1);
	t = fx_begin(fx, false);
	assert_int_equal(store_account_put(t, &a), -EACCES);
	assert_int_equal(store_account_del(t, a.id), -EACCES);
	assert_int_equal(store_cdr_append(t, &c), -EACCES);
	assert_int_equal(store_txn_commit(t), 0);

	t = fx_begin(fx, true);
	assert_int_equal(store_account_put(t, &a), 0);
	assert_int_equal(store_cdr_append(t, &c), 0);
	store_txn_abort(t);
	store_txn_abort(NULL);

	t = fx_begin(fx, false);
	assert_int_equal(store_account_get(t, a.id, &out), -ENOENT);
	assert_int_equal(store_cdr_get(t, 1, &c), -ENOENT);
	store_txn_abort(t);
}

/* store level ------------------------------------------------------------- */

static void test_schema_version(void **state)
{
	struct fixture *fx = *state;
	static const char key[] = STORE_META_SCHEMA_KEY;
	char other[8];

	store_close(fx->st);
	fx->st = NULL;
	snprintf(other, sizeof(other), "%d", STORE_SCHEMA_VERSION + 1);
	fx_raw_put(fx->dir, STORE_META_DB, key, strlen(key), other,
		   strlen(other));
	errno = 0;
	assert_null(store_open(fx->dir, 64));
	assert_int_equal(errno, EPROTO);

	fx_raw_put(fx->dir, STORE_META_DB, key, strlen(key), "1x", 2);
	errno = 0;
	assert_null(store_open(fx->dir, 64));
	assert_int_equal(errno, EPROTO);

	snprintf(other, sizeof(other), "%d", STORE_SCHEMA_VERSION);
	fx_raw_put(fx->dir, STORE_META_DB, key, strlen(key), other,
		   strlen(other));
	fx_reopen(fx);
}

static void test_open_errors(void **state)
{
	struct fixture *fx = *state;
	char path[PATH_MAX + 16];
	FILE *f;

	errno = 0;
	assert_null(store_open(NULL, 64));
	assert_int_equal(errno, EINVAL);
	assert_null(store_open(fx->dir, 0));
	assert_int_equal(errno, EINVAL);

	snprintf(path, sizeof(path), "%s/missing/db", fx->base);
	assert_null(store_open(path, 64));
	assert_int_equal(errno, ENOENT);

	snprintf(path, sizeof(path), "%s/file", fx->base);
	f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/file/db", fx->base);
	assert_null(store_open(path, 64));
	assert_int_equal(errno, ENOTDIR);

	/* an LMDB environment that is not a store */
	snprintf(path, sizeof(path), "%s/foreign", fx->base);
	assert_int_equal(mkdir(path, 0700), 0);
	fx_raw_put(path, NULL, "k", 1, "v", 1);
	assert_null(store_open(path, 64));
	assert_int_equal(errno, EPROTO);

	store_close(NULL);
	assert_null(store_txn_begin(NULL, false));
	assert_int_equal(errno, EINVAL);
	assert_int_equal(store_txn_commit(NULL), -EINVAL);
}

static void test_count(void **state)
{
	struct fixture *fx = *state;
	struct store_account a;
	struct store_peer p;
	struct store_txn *t;
	size_t n;

	for (int db = 0; db < STORE_DB_COUNT; db++) {
		assert_int_equal(store_count(fx->st, db, &n), 0);
		assert_int_equal(n, 0);
	}
	t = fx_begin(fx, true);
	for (int i = 0; i < 10; i++) {
		char id[32];

		snprintf(id, sizeof(id), "user%d@sbc.example", i);
		sample_account(&a, id, i);
		assert_int_equal(store_account_put(t, &a), 0);
	}
	sample_peer(&p);
	assert_int_equal(store_peer_put(t, &p), 0);
	/* replaced, not added */
	assert_int_equal(store_peer_put(t, &p), 0);
	assert_int_equal(store_txn_commit(t), 0);

	assert_int_equal(store_count(fx->st, STORE_DB_ACCOUNTS, &n), 0);
	assert_int_equal(n, 10);
	assert_int_equal(store_count(fx->st, STORE_DB_PEERS, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_count(fx->st, STORE_DB_ROUTES, &n), 0);
	assert_int_equal(n, 0);

	t = fx_begin(fx, true);
	assert_int_equal(store_account_del(t, "user3@sbc.example"), 0);
	assert_int_equal(store_txn_commit(t), 0);
	assert_int_equal(store_count(fx->st, STORE_DB_ACCOUNTS, &n), 0);
	assert_int_equal(n, 9);

	assert_int_equal(store_count(fx->st, STORE_DB_COUNT, &n), -EINVAL);
	assert_int_equal(store_count(NULL, STORE_DB_PEERS, &n), -EINVAL);
	assert_string_equal(store_db_name(STORE_DB_ACCOUNTS), "accounts");
	assert_string_equal(store_db_name(STORE_DB_PEERS), "peers");
	assert_string_equal(store_db_name(STORE_DB_ROUTES), "routes");
	assert_string_equal(store_db_name(STORE_DB_RATES), "rates");
	assert_string_equal(store_db_name(STORE_DB_REGISTRATIONS),
			    "registrations");
	assert_string_equal(store_db_name(STORE_DB_DIALOGS), "dialogs");
	assert_string_equal(store_db_name(STORE_DB_CDRS), "cdrs");
	assert_string_equal(store_db_name(STORE_DB_AUDIT), "audit");
	assert_string_equal(store_db_name(STORE_DB_LIVE_CALLS), "live_calls");
	assert_string_equal(store_db_name(STORE_DB_COUNT), "?");
}

struct cdr_walk {
	uint64_t next;		/* id expected next */
	unsigned stop_after;	/* return 1 after this many, 0 = never */
};

static int check_cdr_order(const void *rec, void *arg)
{
	const struct store_cdr *c = rec;
	struct cdr_walk *w = arg;
	char want[32];

	snprintf(want, sizeof(want), "call-%" PRIu64, c->id);
	if (c->id != w->next || strcmp(c->call_id, want) != 0)
		return -1000;
	w->next++;
	return w->stop_after && c->id == w->stop_after ? 1 : 0;
}

/* appends @n CDRs named "call-ID", checking they get ids @first... */
static void append_cdrs(struct fixture *fx, uint64_t first, unsigned n)
{
	struct store_txn *t = fx_begin(fx, true);
	struct store_cdr c;

	for (uint64_t id = first; id < first + n; id++) {
		char call_id[32];

		snprintf(call_id, sizeof(call_id), "call-%" PRIu64, id);
		sample_cdr(&c, call_id, 1);
		assert_int_equal(store_cdr_append(t, &c), 0);
		assert_int_equal(c.id, id);
	}
	assert_int_equal(store_txn_commit(t), 0);
}

static void test_cdr_ids(void **state)
{
	struct fixture *fx = *state;
	struct cdr_walk w = { 1, 0 };
	struct store_txn *t;
	struct store_cdr c;
	size_t n;

	/* keys cross the 255/256 boundary and still sort by id */
	append_cdrs(fx, 1, 300);
	t = fx_begin(fx, false);
	assert_int_equal(store_foreach(t, STORE_DB_CDRS, check_cdr_order, &w),
			 0);
	assert_int_equal(w.next, 301);
	store_txn_abort(t);

	/* an aborted append does not use up an id */
	t = fx_begin(fx, true);
	sample_cdr(&c, "aborted", 1);
	assert_int_equal(store_cdr_append(t, &c), 0);
	assert_int_equal(c.id, 301);
	store_txn_abort(t);
	fx_reopen(fx);
	append_cdrs(fx, 301, 1);

	/* delete every CDR: ids still do not restart */
	t = fx_begin(fx, true);
	for (uint64_t id = 1; id <= 301; id++)
		assert_int_equal(store_cdr_del(t, id), 0);
	assert_int_equal(store_txn_commit(t), 0);
	assert_int_equal(store_count(fx->st, STORE_DB_CDRS, &n), 0);
	assert_int_equal(n, 0);
	fx_reopen(fx);
	append_cdrs(fx, 302, 10);

	/* a non-zero callback return stops the walk */
	t = fx_begin(fx, false);
	w.next = 302;
	w.stop_after = 304;
	assert_int_equal(store_foreach(t, STORE_DB_CDRS, check_cdr_order, &w),
			 1);
	assert_int_equal(w.next, 305);
	assert_int_equal(store_foreach(t, STORE_DB_COUNT, check_cdr_order, &w),
			 -EINVAL);
	store_txn_abort(t);
}

/* a write that fills the map fails, and so does its commit; the store
 * stays usable */
static void test_map_full(void **state)
{
	struct fixture *fx = *state;
	struct store_account a;
	struct store_txn *t;
	char dir[PATH_MAX + 8];
	size_t n;
	int ret = 0;

	store_close(fx->st);
	snprintf(dir, sizeof(dir), "%s/small", fx->base);
	fx->st = store_open(dir, 1);
	assert_non_null(fx->st);
	t = fx_begin(fx, true);
	for (int i = 0; i < 100000 && ret == 0; i++) {
		char id[32];

		snprintf(id, sizeof(id), "user%d@sbc.example", i);
		sample_account(&a, id, i);
		ret = store_account_put(t, &a);
	}
	assert_int_equal(ret, -ENOSPC);
	assert_int_equal(store_txn_commit(t), -ENOSPC);
	assert_int_equal(store_count(fx->st, STORE_DB_ACCOUNTS, &n), 0);
	assert_int_equal(n, 0);

	t = fx_begin(fx, true);
	assert_int_equal(store_account_put(t, &a), 0);
	assert_int_equal(store_txn_commit(t), 0);
	assert_int_equal(store_count(fx->st, STORE_DB_ACCOUNTS, &n), 0);
	assert_int_equal(n, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		FX_TEST(test_account_roundtrip),
		FX_TEST(test_peer_roundtrip),
		FX_TEST(test_route_roundtrip),
		FX_TEST(test_rate_roundtrip),
		FX_TEST(test_registration_roundtrip),
		FX_TEST(test_dialog_roundtrip),
		FX_TEST(test_cdr_roundtrip),
		FX_TEST(test_put_invalid),
		FX_TEST(test_read_only_and_abort),
		FX_TEST(test_schema_version),
		FX_TEST(test_open_errors),
		FX_TEST(test_count),
		FX_TEST(test_cdr_ids),
		FX_TEST(test_map_full),
	};

	log_init("test_store", false, LOG_LEVEL_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
