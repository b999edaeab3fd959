/*
 * Unit tests of the store's record codec (b2bua/store_codec.c): every
 * record type decodes back from its encoding, malformed or invalid JSON
 * is rejected and blamed on the right member, and corrupt records in the
 * database fail cleanly without breaking the rest of the store.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store.h"
#include "store_codec.h"
#include "store_fixture.h"

static void sample_of(enum store_db db, union store_any_record *rec)
{
	memset(rec, 0, sizeof(*rec));
	switch (db) {
	case STORE_DB_ACCOUNTS:
		sample_account(&rec->account, "alice@sbc.example", 5);
		break;
	case STORE_DB_PEERS:
		sample_peer(&rec->peer);
		break;
	case STORE_DB_ROUTES:
		strcpy(rec->route.prefix, "49");
		strcpy(rec->route.gateways[0], "gw1:5060;udp");
		strcpy(rec->route.gateways[1], "gw2:5060;udp");
		rec->route.n_gateways = 2;
		break;
	case STORE_DB_RATES:
		sample_rate(&rec->rate);
		break;
	case STORE_DB_REGISTRATIONS:
		sample_registration(&rec->registration, "alice@sbc.example",
				    "sip:alice@192.0.2.7");
		break;
	case STORE_DB_DIALOGS:
		sample_dialog(&rec->dialog);
		break;
	case STORE_DB_CDRS:
		sample_cdr(&rec->cdr, "call@pbx", 10);
		rec->cdr.id = 3;
		break;
	case STORE_DB_AUDIT:
		sample_audit(&rec->audit, "alice@sbc.example");
		rec->audit.id = 4;
		break;
	case STORE_DB_LIVE_CALLS:
		sample_live_call(&rec->live_call, "alice@sbc.example",
				 "c0000002a1f2e");
		break;
	case STORE_DB_COUNT:
		fail();
	}
}

/* the valid JSON encoding of the sample record of @db, parsed */
static json_t *sample_json(enum store_db db)
{
	const struct store_record *r = store_record_of(db);
	union store_any_record rec;
	json_t *obj;
	char *text;
	size_t len;

	sample_of(db, &rec);
	assert_int_equal(store_codec_encode(r, &rec, &text, &len, NULL), 0);
	obj = json_loadb(text, len, 0, NULL);
	assert_non_null(obj);
	free(text);
	return obj;
}

/* decodes @len bytes of @text as @db, expecting -EPROTO blamed on @field */
static void expect_bytes_rejected(enum store_db db, const char *text,
				  size_t len, const char *field)
{
	const struct store_record *r = store_record_of(db);
	union store_any_record rec, zero;
	const char *bad = NULL;

	memset(&zero, 0, sizeof(zero));
	memset(&rec, 0xa5, sizeof(rec));
	assert_int_equal(store_codec_decode(r, text, len, &rec, &bad), -EPROTO);
	assert_non_null(bad);
	assert_string_equal(bad, field);
	assert_memory_equal(&rec, &zero, r->size);
}

/* the sample of @db with @member set to @value (removed if NULL) must be
 * rejected, blamed on @field; takes ownership of @value */
static void expect_rejected(enum store_db db, const char *member,
			    json_t *value, const char *field)
{
	json_t *obj = sample_json(db);
	char *text;

	if (value)
		json_object_set_new(obj, member, value);
	else
		json_object_del(obj, member);
	text = json_dumps(obj, JSON_COMPACT);
	assert_non_null(text);
	expect_bytes_rejected(db, text, strlen(text), field);
	free(text);
	json_decref(obj);
}

static void test_codec_accepts(void **state)
{
	(void)state;
	for (int db = 0; db < STORE_DB_COUNT; db++) {
		const struct store_record *r = store_record_of(db);
		union store_any_record in, out;
		json_t *obj = sample_json(db);
		char *text;

		sample_of(db, &in);
		/* unknown members are ignored: a later version may add them */
		json_object_set_new(obj, "added_later", json_string("x"));
		text = json_dumps(obj, JSON_COMPACT);
		assert_int_equal(store_codec_decode(r, text, strlen(text), &out,
						    NULL), 0);
		assert_memory_equal(&in, &out, r->size);
		free(text);
		json_decref(obj);
	}
	assert_null(store_record_of(STORE_DB_COUNT));
}

static void test_codec_rejects(void **state)
{
	static const char *const junk[] = {
		"", "not json", "[1,2]", "\"v\"", "{\"v\":1", "nul",
		"{\"v\":1,\"v\":1,\"id\":\"a\"}",
	};
	char user[STORE_NAME_MAX + 1];
	char *big;
	size_t n;

	(void)state;
	/* not JSON, not an object, truncated, duplicate members */
	for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
		expect_bytes_rejected(STORE_DB_ACCOUNTS, junk[i],
				      strlen(junk[i]), "json");

	/* version */
	expect_rejected(STORE_DB_ACCOUNTS, "v", NULL, "v");
	expect_rejected(STORE_DB_ACCOUNTS, "v", json_integer(2), "v");
	expect_rejected(STORE_DB_ACCOUNTS, "v", json_string("1"), "v");
	expect_rejected(STORE_DB_CDRS, "v", json_real(1.0), "v");

	/* missing required members, wrong types */
	expect_rejected(STORE_DB_ACCOUNTS, "id", NULL, "id");
	expect_rejected(STORE_DB_ACCOUNTS, "balance", NULL, "balance");
	expect_rejected(STORE_DB_ACCOUNTS, "balance", json_real(1.5),
			"balance");
	expect_rejected(STORE_DB_ACCOUNTS, "balance", json_string("100"),
			"balance");
	expect_rejected(STORE_DB_ACCOUNTS, "prepaid", json_integer(1),
			"prepaid");
	expect_rejected(STORE_DB_ACCOUNTS, "realm", json_null(), "realm");
	expect_rejected(STORE_DB_ACCOUNTS, "max_calls", json_integer(-1),
			"max_calls");
	expect_rejected(STORE_DB_ACCOUNTS, "max_calls",
			json_integer(4294967296LL), "max_calls");
	expect_rejected(STORE_DB_CDRS, "cost", json_real(0.25), "cost");
	expect_rejected(STORE_DB_CDRS, "id", json_integer(-1), "id");
	expect_rejected(STORE_DB_CDRS, "id", json_integer(0), "id");
	expect_rejected(STORE_DB_CDRS, "side", json_string("both"), "side");
	expect_rejected(STORE_DB_PEERS, "pai_mode", NULL, "pai_mode");
	expect_rejected(STORE_DB_PEERS, "port", json_integer(70000), "port");
	expect_rejected(STORE_DB_PEERS, "cidr", json_string("10.0.0.0/"),
			"cidr");
	expect_rejected(STORE_DB_RATES, "next_incr", json_integer(0),
			"next_incr");
	expect_rejected(STORE_DB_DIALOGS, "state", json_string("gone"),
			"state");
	expect_rejected(STORE_DB_REGISTRATIONS, "source_addr",
			json_string("phone"), "source_addr");
	expect_rejected(STORE_DB_LIVE_CALLS, "reserved", json_integer(-1),
			"reserved");
	expect_rejected(STORE_DB_LIVE_CALLS, "consumed_s", json_integer(121),
			"consumed_s");
	expect_rejected(STORE_DB_LIVE_CALLS, "answer_ms", json_integer(0),
			"answer_ms");
	expect_rejected(STORE_DB_LIVE_CALLS, "plan", json_string("a/b"),
			"plan");
	expect_rejected(STORE_DB_LIVE_CALLS, "checkpoint_ms", NULL,
			"checkpoint_ms");

	/* oversized strings and arrays, embedded NUL, bad formats */
	memset(user, 'u', STORE_NAME_MAX);
	user[STORE_NAME_MAX] = '\0';
	expect_rejected(STORE_DB_ACCOUNTS, "user", json_string(user), "user");
	expect_rejected(STORE_DB_ACCOUNTS, "user", json_integer(1), "user");
	expect_rejected(STORE_DB_ACCOUNTS, "currency", json_string("EURO"),
			"currency");
	expect_rejected(STORE_DB_ACCOUNTS, "currency", json_string("eur"),
			"currency");
	expect_rejected(STORE_DB_ACCOUNTS, "ha1_md5", json_string("abc"),
			"ha1_md5");
	expect_rejected(STORE_DB_ACCOUNTS, "user",
			json_stringn("al\0ce", 5), "json");
	expect_rejected(STORE_DB_ROUTES, "gateways", json_pack(
			"[sssssssss]", "a", "b", "c", "d", "e", "f", "g", "h",
			"i"), "gateways");
	expect_rejected(STORE_DB_ROUTES, "gateways", json_pack("[]"),
			"gateways");
	expect_rejected(STORE_DB_ROUTES, "gateways", json_pack("[i]", 1),
			"gateways");
	expect_rejected(STORE_DB_ROUTES, "gateways", json_string("gw"),
			"gateways");

	/* a record larger than any valid one is refused before parsing */
	n = STORE_RECORD_MAX + 1;
	big = malloc(n);
	assert_non_null(big);
	memset(big, 'x', n);
	memcpy(big, "{\"v\":1,\"x\":\"", 12);
	big[n - 2] = '"';
	big[n - 1] = '}';
	expect_bytes_rejected(STORE_DB_ACCOUNTS, big, n, "json");

	/* deep nesting is refused by the parser, not by the stack */
	n = 100000;
	big = realloc(big, n);
	assert_non_null(big);
	memset(big, '[', n);
	expect_bytes_rejected(STORE_DB_ACCOUNTS, big, n, "json");
	free(big);
}

/* corrupt records in the database: get and foreach fail cleanly, the rest
 * of the store keeps working, del and put repair */
static void test_corrupt_records(void **state)
{
	static const char *const bodies[] = {
		"", "garbage", "{\"v\":2}", "{\"v\":1,\"id\":\"c3@x\"}",
		"{\"v\":1,\"id\":\"c4@x\",\"balance\":1e3}",
	};
	struct fixture *fx = *state;
	struct store_account a, out;
	struct store_txn *t;
	unsigned seen = 0;
	json_t *obj;
	char key[32], *text;
	size_t n;

	sample_account(&a, "good@x", 7);
	t = fx_begin(fx, true);
	assert_int_equal(store_account_put(t, &a), 0);
	assert_int_equal(store_txn_commit(t), 0);
	store_close(fx->st);
	fx->st = NULL;

	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		snprintf(key, sizeof(key), "c%zu@x", i);
		fx_raw_put(fx->dir, "accounts", key, strlen(key), bodies[i],
			   strlen(bodies[i]));
	}
	/* a valid record under the wrong key */
	obj = sample_json(STORE_DB_ACCOUNTS);
	text = json_dumps(obj, JSON_COMPACT);
	fx_raw_put(fx->dir, "accounts", "c9@x", 4, text, strlen(text));
	free(text);
	json_decref(obj);

	fx_reopen(fx);
	t = fx_begin(fx, false);
	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		snprintf(key, sizeof(key), "c%zu@x", i);
		memset(&out, 0xa5, sizeof(out));
		assert_int_equal(store_account_get(t, key, &out), -EPROTO);
	}
	assert_int_equal(store_account_get(t, "c9@x", &out), -EPROTO);
	assert_int_equal(store_account_get(t, "good@x", &out), 0);
	fx_account_equal(&a, &out);
	assert_int_equal(store_foreach(t, STORE_DB_ACCOUNTS, fx_count_rec,
				       &seen), -EPROTO);
	store_txn_abort(t);
	assert_int_equal(store_count(fx->st, STORE_DB_ACCOUNTS, &n), 0);
	assert_int_equal(n, 7);

	t = fx_begin(fx, true);
	assert_int_equal(store_account_del(t, "c0@x"), 0);
	sample_account(&a, "c1@x", 1);
	assert_int_equal(store_account_put(t, &a), 0);
	assert_int_equal(store_txn_commit(t), 0);
	t = fx_begin(fx, false);
	assert_int_equal(store_account_get(t, "c0@x", &out), -ENOENT);
	assert_int_equal(store_account_get(t, "c1@x", &out), 0);
	store_txn_abort(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_codec_accepts),
		cmocka_unit_test(test_codec_rejects),
		FX_TEST(test_corrupt_records),
	};

	/* expected errors (corrupt records) are still shown */
	log_init("test_store_codec", false, LOG_LEVEL_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
