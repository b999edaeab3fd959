/*
 * Shared fixture of the store unit tests: see store_fixture.h.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store.h"
#include "store_fixture.h"

#define MD5_HEX "0123456789abcdef0123456789abcdef"
#define SHA_HEX MD5_HEX MD5_HEX

/* a fresh store in a new directory under $TMPDIR */
int fx_setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	*state = fx;
	snprintf(fx->base, sizeof(fx->base), "%s/store.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(fx->base))
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "%s/db", fx->base);
	fx->st = store_open(fx->dir, 64);
	return fx->st ? 0 : -1;
}

/* nftw callback: removes one file or (emptied) directory */
static int remove_entry(const char *path, const struct stat *sb, int flag,
			struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int fx_teardown(void **state)
{
	struct fixture *fx = *state;

	store_close(fx->st);
	if (fx->base[0])
		nftw(fx->base, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	free(fx);
	return 0;
}

/* closes and reopens the store, as a restarted daemon would */
void fx_reopen(struct fixture *fx)
{
	store_close(fx->st);
	fx->st = store_open(fx->dir, 64);
	assert_non_null(fx->st);
}

/* one raw LMDB write txn on the environment at @dir */
void fx_raw_put(const char *dir, const char *db, const void *key,
		size_t klen, const void *val, size_t vlen)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_val k = { klen, (void *)key };
	MDB_val v = { vlen, (void *)val };

	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, 16), 0);
	assert_int_equal(mdb_env_open(env, dir, 0, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, db, MDB_CREATE, &dbi), 0);
	assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
}

struct store_txn *fx_begin(struct fixture *fx, bool write)
{
	struct store_txn *t = store_txn_begin(fx->st, write);

	assert_non_null(t);
	return t;
}

void sample_account(struct store_account *a, const char *id,
		    int64_t balance)
{
	memset(a, 0, sizeof(*a));
	snprintf(a->id, sizeof(a->id), "%s", id);
	strcpy(a->user, "alice");
	strcpy(a->domain, "sbc.example");
	strcpy(a->realm, "access");
	strcpy(a->ha1_md5, MD5_HEX);
	strcpy(a->ha1_sha256, SHA_HEX);
	a->prepaid = true;
	a->balance = balance;
	strcpy(a->currency, "EUR");
	strcpy(a->rate_plan, "retail");
	a->max_calls = 2;
	a->blocked = true;
	strcpy(a->emergency_id, "loc-17");
}

void sample_peer(struct store_peer *p)
{
	memset(p, 0, sizeof(*p));
	strcpy(p->name, "carrier1");
	strcpy(p->realm, "carrier");
	strcpy(p->cidr, "10.10.2.0/24");
	p->port = 5060;
	strcpy(p->transport, "tcp");
	p->max_calls = 400;
	p->max_cps = 20;
	p->callerid_trusted = true;
	strcpy(p->pai_mode, "rpid");
}

void sample_rate(struct store_rate *r)
{
	memset(r, 0, sizeof(*r));
	strcpy(r->plan, "retail");
	strcpy(r->prefix, "4930");
	r->price_per_min = 12345;
	r->connect_fee = 500000;
	r->first_incr = 60;
	r->next_incr = 6;
}

void sample_registration(struct store_registration *r, const char *aor,
			 const char *contact)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->aor, sizeof(r->aor), "%s", aor);
	snprintf(r->contact, sizeof(r->contact), "%s", contact);
	strcpy(r->source_addr, "2001:db8::7");
	r->source_port = 40123;
	strcpy(r->transport, "udp");
	r->expires = 1767225600;
	strcpy(r->call_id, "reg-1@phone");
	r->cseq = 4294967295u;
}

void sample_dialog(struct store_dialog *d)
{
	memset(d, 0, sizeof(*d));
	strcpy(d->call_id, "a-leg-1@pbx");
	strcpy(d->b_call_id, "b-leg-1@sbc");
	strcpy(d->a_local_tag, "al");
	strcpy(d->a_remote_tag, "ar");
	strcpy(d->b_local_tag, "bl");
	strcpy(d->b_remote_tag, "br");
	strcpy(d->state, "confirmed");
	d->created_ms = 1767225600123;
	strcpy(d->account, "alice@sbc.example");
	strcpy(d->peer, "carrier1");
	strcpy(d->route, "49");
}

void sample_cdr(struct store_cdr *c, const char *call_id, int64_t cost)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->call_id, sizeof(c->call_id), "%s", call_id);
	strcpy(c->caller, "alice@sbc.example");
	strcpy(c->callee, "+4930123456");
	strcpy(c->ingress, "alice@sbc.example");
	strcpy(c->egress, "carrier1");
	c->setup_ms = 1767225600000;
	c->answer_ms = 1767225603000;
	c->end_ms = 1767225663500;
	c->duration_ms = 60500;
	strcpy(c->reason, "BYE");
	strcpy(c->side, "callee");
	c->cost = cost;
}

void sample_audit(struct store_audit *a, const char *account)
{
	memset(a, 0, sizeof(*a));
	a->time_ms = 1767225600123;
	strcpy(a->who, "uid 1000 (ops)");
	snprintf(a->account, sizeof(a->account), "%s", account);
	strcpy(a->action, "credit");
	a->amount = 12500000;
	a->balance_after = -3250000;
	strcpy(a->note, "voucher 8812, \"spring\" promo");
}

void sample_live_call(struct store_live_call *c, const char *account,
		      const char *id)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->account, sizeof(c->account), "%s", account);
	snprintf(c->id, sizeof(c->id), "%s", id);
	strcpy(c->call_id, "a84b4c76e66710@pc33.example.com");
	strcpy(c->caller, "alice");
	strcpy(c->callee, "+4930123456");
	strcpy(c->egress, "carrier1");
	c->setup_ms = 1767225600000;
	c->answer_ms = 1767225603250;
	strcpy(c->plan, "pre");
	strcpy(c->prefix, "4930");
	c->price_per_min = 600000;
	c->connect_fee = 50000;
	c->first_incr = 30;
	c->next_incr = 6;
	c->max_s = 120;
	c->reserved = 1250000;
	c->consumed_s = 42;
	c->checkpoint_ms = 1767225645000;
}

void fx_account_equal(const struct store_account *a,
		      const struct store_account *b)
{
	EQ_S(a, b, id);
	EQ_S(a, b, user);
	EQ_S(a, b, domain);
	EQ_S(a, b, realm);
	EQ_S(a, b, ha1_md5);
	EQ_S(a, b, ha1_sha256);
	EQ_I(a, b, prepaid);
	EQ_I(a, b, balance);
	EQ_S(a, b, currency);
	EQ_S(a, b, rate_plan);
	EQ_I(a, b, max_calls);
	EQ_I(a, b, blocked);
	EQ_S(a, b, emergency_id);
	assert_memory_equal(a, b, sizeof(*a));
}

int fx_count_rec(const void *rec, void *arg)
{
	(void)rec;
	(*(unsigned *)arg)++;
	return 0;
}

