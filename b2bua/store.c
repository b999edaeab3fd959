/*
 * The store's LMDB side: the environment and its named databases, the
 * schema version and the CDR and audit counters in "meta", transactions,
 * and the generic put/get/del/walk that store_records.c builds the typed
 * accessors on.
 * See store.h for the layout and the locking rules.
 */
#include "store.h"
#include "store_codec.h"
#include "store_pvt.h"

#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <lmdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"

struct store {
	MDB_env *env;
	MDB_dbi dbi[STORE_DB_COUNT];
	MDB_dbi meta;
	/* held around a write commit, whose sync flag is set on the env */
	pthread_mutex_t commit_lock;
	char dir[PATH_MAX];
};

struct store_txn {
	struct store *st;
	MDB_txn *txn;
	bool write;
	bool durable;	/* wrote more than call records: full sync */
	int err;	/* first LMDB failure of this txn; commit returns it */
};

/*
 * Call records (a call's dialog and its CDR) are written twice per call on
 * the signalling thread, so their commits skip LMDB's second flush, the
 * one of the meta page (MDB_NOMETASYNC): the data pages are still flushed
 * before the meta page is written, so the store stays consistent, a crash
 * of sbcd loses nothing (the pages are in the page cache), and a crash of
 * the machine can undo at most the last call-record commit, which the next
 * commit of any kind makes durable.  At 1000 calls/s this halves the
 * flushes that stall the event loop (bench/README.md).  Everything else
 * (money, provisioning, registrations) keeps LMDB's full durability.
 */
static void txn_wrote(struct store_txn *t, enum store_db db)
{
	if (db != STORE_DB_CDRS && db != STORE_DB_DIALOGS)
		t->durable = true;
}

static const char *const db_names[STORE_DB_COUNT] = {
	[STORE_DB_ACCOUNTS] = "accounts",
	[STORE_DB_PEERS] = "peers",
	[STORE_DB_ROUTES] = "routes",
	[STORE_DB_RATES] = "rates",
	[STORE_DB_REGISTRATIONS] = "registrations",
	[STORE_DB_DIALOGS] = "dialogs",
	[STORE_DB_CDRS] = "cdrs",
	[STORE_DB_AUDIT] = "audit",
	[STORE_DB_LIVE_CALLS] = "live_calls",
};

const char *store_db_name(enum store_db db)
{
	if ((unsigned)db >= STORE_DB_COUNT)
		return "?";
	return db_names[db];
}

/* an LMDB return code as 0 or -errno */
static int mdb_errno(int rc)
{
	switch (rc) {
	case MDB_SUCCESS:
		return 0;
	case MDB_NOTFOUND:
		return -ENOENT;
	case MDB_KEYEXIST:
		return -EEXIST;
	case MDB_MAP_FULL:
	case MDB_TXN_FULL:
	case MDB_PAGE_FULL:
		return -ENOSPC;
	case MDB_READERS_FULL:
		return -EAGAIN;
	case MDB_BAD_VALSIZE:
		return -EINVAL;
	case MDB_INVALID:
	case MDB_INCOMPATIBLE:
	case MDB_VERSION_MISMATCH:
		return -EPROTO;
	default:
		return rc > 0 ? -rc : -EIO;
	}
}

/* @key printable for logs: CDR and audit ids as numbers, other bytes
 * escaped */
static const char *key_text(enum store_db db, const MDB_val *key,
			    char *buf, size_t size)
{
	const uint8_t *k = key->mv_data;
	size_t n = 0;

	if ((db == STORE_DB_CDRS || db == STORE_DB_AUDIT) &&
	    key->mv_size == sizeof(uint64_t)) {
		uint64_t be;

		memcpy(&be, k, sizeof(be));
		snprintf(buf, size, "#%" PRIu64, be64toh(be));
		return buf;
	}
	buf[0] = '\0';
	for (size_t i = 0; i < key->mv_size && n + 5 < size; i++) {
		if (k[i] >= 0x20 && k[i] < 0x7f && k[i] != '\\')
			buf[n++] = (char)k[i];
		else
			n += (size_t)snprintf(buf + n, size - n, "\\x%02x",
					      k[i]);
		buf[n] = '\0';
	}
	return buf;
}

/*
 * The result of LMDB call @what on @db as 0 or -errno.  Failures other than
 * "not found" and "exists" are logged and poison a write txn (LMDB refuses
 * to go on with it anyway), so store_txn_commit() reports them.
 */
static int op_result(struct store_txn *t, int rc, enum store_db db,
		     const MDB_val *key, const char *what)
{
	char kbuf[128];
	int ret = mdb_errno(rc);

	if (rc == MDB_SUCCESS || rc == MDB_NOTFOUND || rc == MDB_KEYEXIST)
		return ret;
	log_err("store %s: %s %s '%s': %s", t->st->dir, what, store_db_name(db),
		key ? key_text(db, key, kbuf, sizeof(kbuf)) : "",
		mdb_strerror(rc));
	if (t->write && !t->err)
		t->err = ret;
	return ret;
}

/* meta value @key as a number; -ENOENT when absent, -EPROTO when garbled */
static int meta_get(MDB_txn *txn, MDB_dbi meta, const char *key,
		    uint64_t *out)
{
	MDB_val k = { strlen(key), (void *)key };
	MDB_val v;
	const char *s;
	uint64_t n = 0;
	int rc;

	rc = mdb_get(txn, meta, &k, &v);
	if (rc)
		return mdb_errno(rc);
	s = v.mv_data;
	if (v.mv_size == 0 || v.mv_size > 19)
		return -EPROTO;
	for (size_t i = 0; i < v.mv_size; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EPROTO;
		n = n * 10 + (uint64_t)(s[i] - '0');
	}
	*out = n;
	return 0;
}

/* stores @n as decimal text under meta @key; an LMDB return code */
static int meta_put(MDB_txn *txn, MDB_dbi meta, const char *key, uint64_t n)
{
	char buf[24];
	MDB_val k = { strlen(key), (void *)key };
	MDB_val v = { 0, buf };

	v.mv_size = (size_t)snprintf(buf, sizeof(buf), "%" PRIu64, n);
	return mdb_put(txn, meta, &k, &v, 0);
}

/*
 * Opens "meta" in @txn and checks the schema version, writing it when the
 * environment is brand new; an environment with other contents but no
 * version is not a store.
 */
static int schema_check(struct store *st, MDB_txn *txn)
{
	MDB_dbi main_dbi;
	MDB_stat ms;
	uint64_t version;
	int ret, rc;

	rc = mdb_dbi_open(txn, NULL, 0, &main_dbi);
	if (rc == MDB_SUCCESS)
		rc = mdb_stat(txn, main_dbi, &ms);
	if (rc == MDB_SUCCESS)
		rc = mdb_dbi_open(txn, STORE_META_DB, MDB_CREATE, &st->meta);
	if (rc) {
		log_err("store %s: %s", st->dir, mdb_strerror(rc));
		return mdb_errno(rc);
	}
	ret = meta_get(txn, st->meta, STORE_META_SCHEMA_KEY, &version);
	if (ret == -ENOENT && ms.ms_entries == 0) {
		rc = meta_put(txn, st->meta, STORE_META_SCHEMA_KEY,
			      STORE_SCHEMA_VERSION);
		if (rc)
			log_err("store %s: %s", st->dir, mdb_strerror(rc));
		else
			log_notice("store %s: created, schema version %d",
				   st->dir, STORE_SCHEMA_VERSION);
		return mdb_errno(rc);
	}
	if (ret == -ENOENT || ret == -EPROTO) {
		log_err("store %s: no readable schema version in meta; not an sbc store",
			st->dir);
		return -EPROTO;
	}
	if (ret < 0) {
		log_err("store %s: reading schema version: %s", st->dir,
			strerror(-ret));
		return ret;
	}
	if (version != STORE_SCHEMA_VERSION) {
		log_err("store %s: schema version %" PRIu64 ", this build needs %d; migrate the store or move it away",
			st->dir, version, STORE_SCHEMA_VERSION);
		return -EPROTO;
	}
	return 0;
}

struct store *store_open(const char *dir, size_t map_mb)
{
	struct store *st = NULL;
	MDB_txn *txn = NULL;
	int dead = 0;
	int ret, rc;

	if (!dir || !*dir || map_mb == 0 || map_mb > (SIZE_MAX >> 20)) {
		ret = -EINVAL;
		goto err;
	}
	if (strlen(dir) >= sizeof(st->dir)) {
		ret = -ENAMETOOLONG;
		goto err;
	}
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		ret = -errno;
		log_err("store %s: mkdir: %s", dir, strerror(errno));
		goto err;
	}
	st = calloc(1, sizeof(*st));
	if (!st) {
		ret = -ENOMEM;
		goto err;
	}
	strcpy(st->dir, dir);
	pthread_mutex_init(&st->commit_lock, NULL);
	rc = mdb_env_create(&st->env);
	if (rc == MDB_SUCCESS)
		rc = mdb_env_set_maxdbs(st->env, STORE_DB_COUNT + 1);
	if (rc == MDB_SUCCESS)
		rc = mdb_env_set_mapsize(st->env, map_mb << 20);
	/* MDB_NOTLS: read txns are not bound to the thread that began them */
	if (rc == MDB_SUCCESS)
		rc = mdb_env_open(st->env, dir, MDB_NOTLS, 0600);
	if (rc == MDB_SUCCESS)
		rc = mdb_reader_check(st->env, &dead);
	if (rc == MDB_SUCCESS)
		rc = mdb_txn_begin(st->env, NULL, 0, &txn);
	if (rc) {
		ret = mdb_errno(rc);
		log_err("store %s: %s", dir, mdb_strerror(rc));
		goto err;
	}
	if (dead)
		log_notice("store %s: cleared %d stale reader(s)", dir, dead);
	ret = schema_check(st, txn);
	if (ret)
		goto err;
	for (int i = 0; i < STORE_DB_COUNT; i++) {
		rc = mdb_dbi_open(txn, db_names[i], MDB_CREATE, &st->dbi[i]);
		if (rc)
			break;
	}
	if (rc == MDB_SUCCESS) {
		rc = mdb_txn_commit(txn);	/* frees txn even when failing */
		txn = NULL;
	}
	if (rc) {
		ret = mdb_errno(rc);
		log_err("store %s: opening databases: %s", dir,
			mdb_strerror(rc));
		goto err;
	}
	return st;
err:
	if (txn)
		mdb_txn_abort(txn);
	store_close(st);
	errno = -ret;
	return NULL;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	if (st->env)
		mdb_env_close(st->env);
	pthread_mutex_destroy(&st->commit_lock);
	free(st);
}

struct store_txn *store_txn_begin(struct store *st, bool write)
{
	struct store_txn *t = NULL;
	int ret, rc;

	if (!st) {
		ret = -EINVAL;
		goto err;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		ret = -ENOMEM;
		goto err;
	}
	rc = mdb_txn_begin(st->env, NULL, write ? 0 : MDB_RDONLY, &t->txn);
	if (rc) {
		ret = mdb_errno(rc);
		log_err("store %s: begin txn: %s", st->dir, mdb_strerror(rc));
		goto err;
	}
	t->st = st;
	t->write = write;
	return t;
err:
	free(t);
	errno = -ret;
	return NULL;
}

/*
 * Commits a write txn, lazily for call records (see txn_wrote()).  The flag
 * is the environment's, so it is set and cleared under commit_lock: a txn
 * another thread begins once this commit released LMDB's writer lock
 * commits only after the flag is cleared.
 */
static int write_commit(struct store_txn *t)
{
	struct store *st = t->st;
	bool lazy = !t->durable;
	int rc;

	pthread_mutex_lock(&st->commit_lock);
	if (lazy)
		mdb_env_set_flags(st->env, MDB_NOMETASYNC, 1);
	rc = mdb_txn_commit(t->txn);
	if (lazy)
		mdb_env_set_flags(st->env, MDB_NOMETASYNC, 0);
	pthread_mutex_unlock(&st->commit_lock);
	return rc;
}

int store_txn_commit(struct store_txn *t)
{
	int ret, rc;

	if (!t)
		return -EINVAL;
	if (t->err) {
		ret = t->err;
		mdb_txn_abort(t->txn);
	} else if (!t->write) {
		ret = mdb_errno(mdb_txn_commit(t->txn));
	} else {
		rc = write_commit(t);
		ret = mdb_errno(rc);
		if (rc)
			log_err("store %s: commit: %s", t->st->dir,
				mdb_strerror(rc));
	}
	free(t);
	return ret;
}

void store_txn_abort(struct store_txn *t)
{
	if (!t)
		return;
	mdb_txn_abort(t->txn);
	free(t);
}

/*
 * Decodes the record @val found under @key into @out and checks that it
 * belongs under that key; a corrupt record is logged (by key and field,
 * never by value: it may hold an HA1) and gives -EPROTO.
 */
static int decode_at(struct store_txn *t, enum store_db db,
		     const MDB_val *key, const MDB_val *val, void *out)
{
	const struct store_record *r = store_record_of(db);
	uint8_t kbuf[STORE_KEY_MAX];
	const char *bad = NULL;
	char text[128];
	int ret, len;

	ret = store_codec_decode(r, val->mv_data, val->mv_size, out, &bad);
	if (ret == 0) {
		len = r->key(out, kbuf);
		if (len < 0 || (size_t)len != key->mv_size ||
		    memcmp(kbuf, key->mv_data, key->mv_size) != 0) {
			memset(out, 0, r->size);
			bad = "key";
			ret = -EPROTO;
		}
	}
	if (ret == -EPROTO)
		log_err("store %s: %s '%s' is corrupt (field %s); delete or restore it",
			t->st->dir, r->name,
			key_text(db, key, text, sizeof(text)), bad);
	return ret;
}

/* encodes @rec and puts it under its key with mdb_put @flags */
static int put_flags(struct store_txn *t, enum store_db db, const void *rec,
		     unsigned flags)
{
	const struct store_record *r = store_record_of(db);
	uint8_t kbuf[STORE_KEY_MAX];
	const char *bad = NULL;
	char *json = NULL;
	MDB_val k, v;
	size_t len = 0;
	int ret, klen;

	if (!t || !r || !rec)
		return -EINVAL;
	if (!t->write)
		return -EACCES;
	/* encoding first: it checks the strings the key is built from */
	ret = store_codec_encode(r, rec, &json, &len, &bad);
	if (ret) {
		if (ret == -EINVAL)
			log_info("store: refusing %s record: invalid %s",
				 r->name, bad);
		goto out;
	}
	klen = r->key(rec, kbuf);
	if (klen < 0) {
		ret = klen;
		goto out;
	}
	k = (MDB_val){ (size_t)klen, kbuf };
	v = (MDB_val){ len, json };
	txn_wrote(t, db);
	ret = op_result(t, mdb_put(t->txn, t->st->dbi[db], &k, &v, flags),
			db, &k, "put");
out:
	free(json);
	return ret;
}

int store_put(struct store_txn *t, enum store_db db, const void *rec)
{
	return put_flags(t, db, rec, 0);
}

int store_get(struct store_txn *t, enum store_db db, const void *key,
	      void *out)
{
	const struct store_record *r = store_record_of(db);
	uint8_t kbuf[STORE_KEY_MAX];
	MDB_val k, v;
	int klen, rc;

	if (!t || !r || !key || !out)
		return -EINVAL;
	klen = r->key(key, kbuf);
	if (klen < 0)
		return klen;
	k = (MDB_val){ (size_t)klen, kbuf };
	rc = mdb_get(t->txn, t->st->dbi[db], &k, &v);
	if (rc)
		return op_result(t, rc, db, &k, "get");
	return decode_at(t, db, &k, &v, out);
}

int store_del(struct store_txn *t, enum store_db db, const void *key)
{
	const struct store_record *r = store_record_of(db);
	uint8_t kbuf[STORE_KEY_MAX];
	MDB_val k;
	int klen;

	if (!t || !r || !key)
		return -EINVAL;
	if (!t->write)
		return -EACCES;
	klen = r->key(key, kbuf);
	if (klen < 0)
		return klen;
	k = (MDB_val){ (size_t)klen, kbuf };
	txn_wrote(t, db);
	return op_result(t, mdb_del(t->txn, t->st->dbi[db], &k, NULL), db, &k,
			 "del");
}

/*
 * store_walk() (@back false) or store_walk_back() (@back true, @plen 0):
 * the cursor starts at @first and moves by @next.
 */
static int walk(struct store_txn *t, enum store_db db, const uint8_t *prefix,
		size_t plen, bool back, int (*cb)(const void *rec, void *arg),
		void *arg)
{
	MDB_cursor_op first = back ? MDB_LAST : plen ? MDB_SET_RANGE : MDB_FIRST;
	MDB_cursor_op next = back ? MDB_PREV : MDB_NEXT;
	union store_any_record rec;
	MDB_cursor *c = NULL;
	MDB_val k = { plen, (void *)prefix };
	MDB_val v;
	int ret, rc;

	if (!t || (unsigned)db >= STORE_DB_COUNT || !cb)
		return -EINVAL;
	rc = mdb_cursor_open(t->txn, t->st->dbi[db], &c);
	if (rc)
		return op_result(t, rc, db, NULL, "cursor");
	for (rc = mdb_cursor_get(c, &k, &v, first); rc == MDB_SUCCESS;
	     rc = mdb_cursor_get(c, &k, &v, next)) {
		if (plen && (k.mv_size < plen ||
			     memcmp(k.mv_data, prefix, plen) != 0))
			break;
		ret = decode_at(t, db, &k, &v, &rec);
		if (ret == 0)
			ret = cb(&rec, arg);
		if (ret)
			goto out;
	}
	ret = rc == MDB_NOTFOUND ? 0 : op_result(t, rc, db, NULL, "walk");
out:
	mdb_cursor_close(c);
	return ret;
}

int store_walk(struct store_txn *t, enum store_db db, const uint8_t *prefix,
	       size_t plen, int (*cb)(const void *rec, void *arg), void *arg)
{
	return walk(t, db, prefix, plen, false, cb, arg);
}

int store_walk_back(struct store_txn *t, enum store_db db,
		    int (*cb)(const void *rec, void *arg), void *arg)
{
	return walk(t, db, NULL, 0, true, cb, arg);
}

int store_foreach(struct store_txn *txn, enum store_db db,
		  int (*cb)(const void *rec, void *arg), void *arg)
{
	return store_walk(txn, db, NULL, 0, cb, arg);
}

/*
 * Puts @rec of @db, keyed by its id *@id, under the id after the one meta
 * @counter holds, and advances the counter; *@id is 0 on failure.
 */
static int append(struct store_txn *t, enum store_db db, const char *counter,
		  void *rec, uint64_t *id)
{
	uint64_t last = 0;
	int ret, rc;

	if (!t->write)
		return -EACCES;
	ret = meta_get(t->txn, t->st->meta, counter, &last);
	if (ret == -EPROTO)
		log_err("store %s: meta %s is corrupt", t->st->dir, counter);
	if (ret && ret != -ENOENT)
		return ret;
	*id = last + 1;
	/* ids only grow, so every record goes at the end of the B-tree */
	ret = put_flags(t, db, rec, MDB_APPEND);
	if (ret == -EEXIST) {
		log_err("store %s: meta %s is behind the last record of %s",
			t->st->dir, counter, store_db_name(db));
		ret = -EPROTO;
	}
	if (ret == 0) {
		rc = meta_put(t->txn, t->st->meta, counter, *id);
		ret = op_result(t, rc, db, NULL, "meta put");
	}
	if (ret)
		*id = 0;
	return ret;
}

int store_cdr_append(struct store_txn *t, struct store_cdr *cdr)
{
	if (!t || !cdr)
		return -EINVAL;
	return append(t, STORE_DB_CDRS, STORE_META_CDR_KEY, cdr, &cdr->id);
}

int store_audit_append(struct store_txn *t, struct store_audit *a)
{
	if (!t || !a)
		return -EINVAL;
	return append(t, STORE_DB_AUDIT, STORE_META_AUDIT_KEY, a, &a->id);
}

int store_count(struct store *st, enum store_db db, size_t *out)
{
	MDB_txn *txn;
	MDB_stat ms;
	int rc;

	if (!st || (unsigned)db >= STORE_DB_COUNT || !out)
		return -EINVAL;
	rc = mdb_txn_begin(st->env, NULL, MDB_RDONLY, &txn);
	if (rc == MDB_SUCCESS) {
		rc = mdb_stat(txn, st->dbi[db], &ms);
		mdb_txn_abort(txn);
	}
	if (rc) {
		log_err("store %s: count %s: %s", st->dir, store_db_name(db),
			mdb_strerror(rc));
		return mdb_errno(rc);
	}
	*out = ms.ms_entries;
	return 0;
}
