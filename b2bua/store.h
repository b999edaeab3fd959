/*
 * DOC: Persistent store
 *
 * sbcd keeps its provisioning data (accounts, peers, routes, rates) and its
 * run-time state (registrations, dialogs, CDRs) in one LMDB environment in a
 * directory.  Each record type has its own named database; a further
 * database, "meta", holds the schema version and the last CDR and audit ids:
 *
 *   meta             "schema_version" -> "1"      decimal text
 *                    "cdr_last_id"    -> "42"     decimal text
 *                    "audit_last_id"  -> "7"      decimal text
 *   accounts         id                        -> JSON record
 *   peers            name                      -> JSON record
 *   routes           "/" prefix ("/" alone is the default route)
 *   rates            plan "/" prefix
 *   registrations    aor "\x1f" contact
 *   dialogs          A-leg Call-ID
 *   cdrs             id as 8 bytes big-endian, so keys sort by id
 *   audit            id as 8 bytes big-endian (balance changes and rate
 *                    imports made from ctl: who, when, amount, new balance)
 *   live_calls       account "\x1f" sbcd call id (answered prepaid calls:
 *                    their credit checkpoint, b2bua/credit_checkpoint.h)
 *
 * Adding a named database is backward compatible and needs no new schema
 * version: store_open() creates every database this build knows that the
 * store lacks (a store written before "audit" existed simply gets an empty
 * one), and an older build ignores databases it does not know.
 *
 * Records are JSON objects carrying a version member "v" (see store_codec.c
 * for why), readable with mdb_dump.  Money is an int64 count of micro-units
 * of the account's currency, never floating point.
 *
 * Every logical change is one write transaction: begin, put/del as many
 * records as the change needs, commit.  Readers see the snapshot taken at
 * store_txn_begin() and never block the writer.
 *
 * Locking: a struct store may be shared by the threads of one process.  A
 * struct store_txn is used by one thread at a time.  Only one write
 * transaction exists at a time per store (a second store_txn_begin(..., true)
 * waits), so a thread must not begin a write transaction while it holds one.
 * A process opens a given store once, and a store must not be used across
 * fork(): the child opens its own.
 */
#ifndef SBC_STORE_H
#define SBC_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bumped on any change existing stores cannot be read with. */
#define STORE_SCHEMA_VERSION 1

#define STORE_META_DB "meta"
#define STORE_META_SCHEMA_KEY "schema_version"
#define STORE_META_CDR_KEY "cdr_last_id"
#define STORE_META_AUDIT_KEY "audit_last_id"

/* Buffer sizes, terminating NUL included. */
#define STORE_ID_MAX 128	/* account ids "user@domain", AORs */
#define STORE_NAME_MAX 64	/* peer, realm, rate plan, user names */
#define STORE_URI_MAX 256	/* contacts */
#define STORE_CALLID_MAX 256
#define STORE_TAG_MAX 128
#define STORE_PREFIX_MAX 32	/* dialled-number prefixes */
#define STORE_CIDR_MAX 64	/* "2001:db8::/32" */
#define STORE_ADDR_MAX 48	/* INET6_ADDRSTRLEN rounded up */
#define STORE_GW_MAX 128	/* "host:port;transport" */
#define STORE_REASON_MAX 128
#define STORE_NOTE_MAX 256	/* free text of an audit record */
#define STORE_WORD_MAX 16	/* small enumerations: transport, state */
#define STORE_HA1_MD5_LEN 32	/* hex digits */
#define STORE_HA1_SHA256_LEN 64
#define STORE_CURRENCY_LEN 3	/* ISO 4217 */
#define STORE_ROUTE_GWS 8	/* gateways per route */
#define STORE_ACCT_LIST_MAX 16	/* entries of an account's barred/in_* lists */
#define STORE_HOURS_MAX 128	/* an account's in_hours rules */

enum store_db {
	STORE_DB_ACCOUNTS,
	STORE_DB_PEERS,
	STORE_DB_ROUTES,
	STORE_DB_RATES,
	STORE_DB_REGISTRATIONS,
	STORE_DB_DIALOGS,
	STORE_DB_CDRS,
	STORE_DB_AUDIT,
	STORE_DB_LIVE_CALLS,
	STORE_DB_COUNT,
};

/* A subscriber reaching the SBC with digest credentials. */
struct store_account {
	char id[STORE_ID_MAX];			/* key */
	char user[STORE_NAME_MAX];
	char domain[STORE_ID_MAX];
	char realm[STORE_NAME_MAX];
	char ha1_md5[STORE_HA1_MD5_LEN + 1];	/* lowercase hex or "" */
	char ha1_sha256[STORE_HA1_SHA256_LEN + 1];
	bool prepaid;
	int64_t balance;			/* micro-units, may be < 0 */
	char currency[STORE_CURRENCY_LEN + 1];	/* "EUR" */
	char rate_plan[STORE_NAME_MAX];
	uint32_t max_calls;			/* 0 = unlimited */
	bool blocked;
	char emergency_id[STORE_NAME_MAX];
	/* postpaid limits and incoming-call policy (account_policy.h) */
	uint32_t quota_min;			/* minutes per UTC month, 0 = none */
	uint32_t usage_month;			/* YYYYMM of usage_ms, 0 = none */
	int64_t usage_ms;			/* answered time in usage_month */
	uint32_t max_duration_s;		/* 0 = no limit of its own */
	bool no_pstn;				/* pstn=no: no calls by LCR */
	char barred[STORE_ACCT_LIST_MAX][STORE_PREFIX_MAX];
	uint32_t n_barred;
	char in_reject[STORE_ACCT_LIST_MAX][STORE_PREFIX_MAX];
	uint32_t n_in_reject;
	char in_accept[STORE_ACCT_LIST_MAX][STORE_PREFIX_MAX];
	uint32_t n_in_accept;
	char in_hours[STORE_HOURS_MAX];		/* "Mon-Fri 08:00-18:00", UTC */
};

/* A carrier or PBX trusted by source address. */
struct store_peer {
	char name[STORE_NAME_MAX];		/* key */
	char realm[STORE_NAME_MAX];
	char cidr[STORE_CIDR_MAX];		/* "10.10.2.0/24" */
	uint32_t port;				/* 0 = any */
	char transport[STORE_WORD_MAX];		/* "udp", "tcp", "tls" */
	uint32_t max_calls;			/* 0 = unlimited */
	uint32_t max_cps;			/* 0 = unlimited */
	bool callerid_trusted;
	char pai_mode[STORE_WORD_MAX];		/* "pai" or "rpid" */
};

/* Where calls to numbers starting with prefix go, gateways tried in order. */
struct store_route {
	char prefix[STORE_PREFIX_MAX];		/* key; "" = default route */
	/* "host:port;transport", tried in order */
	char gateways[STORE_ROUTE_GWS][STORE_GW_MAX];
	uint32_t n_gateways;			/* 1..STORE_ROUTE_GWS */
};

/* Price of calls to prefix under a rate plan. */
struct store_rate {
	char plan[STORE_NAME_MAX];		/* key part 1, no '/' */
	char prefix[STORE_PREFIX_MAX];		/* key part 2, may be "" */
	int64_t price_per_min;			/* micro-units, >= 0 */
	int64_t connect_fee;			/* micro-units, >= 0 */
	uint32_t first_incr;			/* seconds billed first */
	uint32_t next_incr;			/* billing step, >= 1 s */
};

/* One contact bound to an address of record. */
struct store_registration {
	char aor[STORE_ID_MAX];			/* key part 1 */
	char contact[STORE_URI_MAX];		/* key part 2 */
	char source_addr[STORE_ADDR_MAX];	/* REGISTER source address */
	uint32_t source_port;
	char transport[STORE_WORD_MAX];		/* "udp", "tcp", "tls" */
	int64_t expires;			/* unix time, s */
	char call_id[STORE_CALLID_MAX];
	uint32_t cseq;
};

#define STORE_ROUTE_SET_MAX 1024	/* a dialog's route set, Route syntax */
#define STORE_SDP_MAX 8192		/* an SDP body kept for a restart */
#define STORE_MEDIA_MAX 32768		/* a call's media state, hex */

/*
 * An answered call, kept (and rewritten when a re-INVITE or UPDATE changes
 * it) so a restarted sbcd can resume both its dialogs (call_restore.h).
 * Members after route were added without a new version: a record written
 * before them decodes with them empty and its call is settled, not resumed.
 * The SDP bodies and the media state hold the SBC's and the peers' SRTP
 * keys: secrets, in the store only (as HA1), never logged or shown.
 */
struct store_dialog {
	char call_id[STORE_CALLID_MAX];		/* key: leg A Call-ID */
	char b_call_id[STORE_CALLID_MAX];
	char a_local_tag[STORE_TAG_MAX];
	char a_remote_tag[STORE_TAG_MAX];
	char b_local_tag[STORE_TAG_MAX];
	char b_remote_tag[STORE_TAG_MAX];
	char state[STORE_WORD_MAX];		/* early, confirmed, terminating */
	int64_t created_ms;			/* unix time, ms: the call's setup */
	char account[STORE_ID_MAX];		/* caller's account, or "" */
	char peer[STORE_NAME_MAX];		/* the peer involved, or "" */
	char route[STORE_PREFIX_MAX];		/* prefix of the route taken */
	/* the call */
	char id[STORE_NAME_MAX];		/* sbcd call id */
	char caller[STORE_ID_MAX];
	char callee[STORE_ID_MAX];		/* dialled number */
	int64_t answer_ms;			/* unix time, ms */
	char gateway[STORE_GW_MAX];		/* the gateway that answered */
	bool prepaid;				/* has a live_calls record */
	/* per leg: realm, peer, local and remote URI (name-addr, no tag),
	 * remote target, route set, outbound proxy, highest local CSeq, and
	 * the SDP the SBC last sent there */
	char a_realm[STORE_NAME_MAX], b_realm[STORE_NAME_MAX];
	char a_peer[STORE_NAME_MAX], b_peer[STORE_NAME_MAX];
	char a_local[STORE_URI_MAX], b_local[STORE_URI_MAX];
	char a_remote[STORE_URI_MAX], b_remote[STORE_URI_MAX];
	char a_target[STORE_URI_MAX], b_target[STORE_URI_MAX];
	char a_route[STORE_ROUTE_SET_MAX], b_route[STORE_ROUTE_SET_MAX];
	char a_proxy[STORE_URI_MAX], b_proxy[STORE_URI_MAX];
	uint32_t a_cseq, b_cseq;
	char a_sdp[STORE_SDP_MAX], b_sdp[STORE_SDP_MAX];
	char media[STORE_MEDIA_MAX];		/* media_saved.h, hex */
};

/* A call detail record; appended once when the call ends. */
struct store_cdr {
	uint64_t id;				/* key; set by append */
	char call_id[STORE_CALLID_MAX];
	char caller[STORE_ID_MAX];
	char callee[STORE_ID_MAX];
	char ingress[STORE_ID_MAX];		/* account id or peer name */
	char egress[STORE_ID_MAX];
	int64_t setup_ms;			/* unix time, ms */
	int64_t answer_ms;			/* 0 when never answered */
	int64_t end_ms;
	int64_t duration_ms;			/* answer to end, >= 0 */
	char reason[STORE_REASON_MAX];		/* "BYE", "487", "credit" ... */
	char side[STORE_WORD_MAX];		/* "caller", "callee", "sbc" */
	int64_t cost;				/* micro-units, >= 0 */
	/* media from the dataplane's counters; _a: received from leg A */
	int64_t pkts_a, pkts_b;
	int64_t bytes_a, bytes_b;
	int64_t drops;				/* SRTP auth, replay, malformed */
};

/* One change of money or prices made from ctl; appended, never changed. */
struct store_audit {
	uint64_t id;				/* key; set by append */
	int64_t time_ms;			/* unix time, ms, >= 0 */
	char who[STORE_NAME_MAX];		/* operator identity, or "ctl" */
	char account[STORE_ID_MAX];		/* account id, "" if none */
	char action[STORE_WORD_MAX];		/* [a-z-]: "credit", "debit",
						 * "import-rates" */
	int64_t amount;				/* micro-units, >= 0 */
	int64_t balance_after;			/* micro-units; 0 without account */
	char note[STORE_NOTE_MAX];
};

/*
 * An answered prepaid call, written when it is answered, checkpointed while
 * it is up and deleted in the transaction that debits it at its end, so a
 * restarted sbcd can debit the calls a crash cut (credit_checkpoint.h).
 * The rate is copied in: the call is priced as it was when admitted.
 */
struct store_live_call {
	char account[STORE_ID_MAX];		/* key part 1 */
	char id[STORE_NAME_MAX];		/* key part 2: sbcd call id */
	char call_id[STORE_CALLID_MAX];		/* leg A Call-ID, for the CDR */
	char caller[STORE_ID_MAX];
	char callee[STORE_ID_MAX];
	char egress[STORE_ID_MAX];		/* peer of leg B */
	int64_t setup_ms;			/* unix time, ms */
	int64_t answer_ms;			/* unix time, ms, > 0 */
	char plan[STORE_NAME_MAX];		/* the rate: struct store_rate */
	char prefix[STORE_PREFIX_MAX];
	int64_t price_per_min;
	int64_t connect_fee;
	uint32_t first_incr;
	uint32_t next_incr;
	uint32_t max_s;				/* granted; UINT32_MAX: no limit */
	int64_t reserved;			/* micro-units, >= 0 */
	uint32_t consumed_s;			/* billed at checkpoint_ms, <= max_s */
	int64_t checkpoint_ms;			/* unix time, ms */
};

struct store;
struct store_txn;

/**
 * store_open - open the store in @dir, creating it if missing
 * @dir: directory holding data.mdb and lock.mdb; created (mode 0700) when
 *	 it does not exist, its parent must
 * @map_mb: maximum size of the store in MiB (LMDB map size), >= 1
 *
 * A new store gets STORE_SCHEMA_VERSION written to meta.  Stale reader slots
 * left by crashed processes are cleared.
 *
 * @return the store, or NULL with errno set: EINVAL (bad argument),
 * ENAMETOOLONG, EPROTO (schema version differs from STORE_SCHEMA_VERSION,
 * or the directory holds something else; logged), ENOMEM, ENOSPC (map too
 * small), or the errno of mkdir/open (EACCES, ENOENT, ENOTDIR...).
 */
struct store *store_open(const char *dir, size_t map_mb);

/* store_close - close the store; NULL is ignored.  No txn may be open. */
void store_close(struct store *st);

/**
 * store_txn_begin - start a transaction
 * @st: the store
 * @write: true for a write transaction (waits while another one is open)
 *
 * @return the transaction, or NULL with errno set: EINVAL (@st NULL),
 * ENOMEM, EAGAIN (too many readers), EIO.
 */
struct store_txn *store_txn_begin(struct store *st, bool write);

/**
 * store_txn_commit - make a transaction's changes durable and free it
 * @txn: the transaction; freed whatever the outcome
 *
 * If a write operation in @txn failed with an LMDB error (ENOSPC, EIO), the
 * transaction is aborted instead and that error is returned, so nothing of
 * a half-done change is ever committed.
 *
 * A transaction that wrote only dialogs and CDRs skips LMDB's flush of the
 * meta page (see txn_wrote() in store.c): consistent and safe against an
 * sbcd crash; a machine crash may undo that last commit until the next one.
 * Any other write (money, provisioning, registrations) is fully durable.
 *
 * @return 0, -ENOSPC (store full), -EIO, or the error an earlier write
 * operation in @txn returned.
 */
int store_txn_commit(struct store_txn *txn);

/* store_txn_abort - discard a transaction and free it; NULL is ignored. */
void store_txn_abort(struct store_txn *txn);

/*
 * Typed accessors.  put inserts or replaces; get fills @out; del removes.
 * Keys are the record fields marked "key" above; only route and rate
 * prefixes may be empty.
 *
 * put @return 0, -EINVAL (record invalid: unterminated string or bad
 *	UTF-8, empty or malformed key, value out of range or not one of
 *	the listed values; the field is logged), -EACCES (read-only txn),
 *	-ENOSPC (store full), -ENOMEM, -EIO.
 * get @return 0, -ENOENT (no such record), -EINVAL (key NULL, too long
 *	or empty), -EPROTO (stored record corrupt or of another version;
 *	logged, @out zeroed), -ENOMEM, -EIO.
 * del @return 0, -ENOENT, -EINVAL, -EACCES, -EIO.
 */

/* store_account_{put,get,del} - accounts by @id ("user@domain") */
int store_account_put(struct store_txn *txn, const struct store_account *a);
int store_account_get(struct store_txn *txn, const char *id,
		      struct store_account *out);
int store_account_del(struct store_txn *txn, const char *id);

/* store_peer_{put,get,del} - peers by @name */
int store_peer_put(struct store_txn *txn, const struct store_peer *p);
int store_peer_get(struct store_txn *txn, const char *name,
		   struct store_peer *out);
int store_peer_del(struct store_txn *txn, const char *name);

/* store_route_{put,get,del} - routes by exact @prefix, "" = default */
int store_route_put(struct store_txn *txn, const struct store_route *r);
int store_route_get(struct store_txn *txn, const char *prefix,
		    struct store_route *out);
int store_route_del(struct store_txn *txn, const char *prefix);

/* store_rate_{put,get,del} - rates by @plan and exact @prefix */
int store_rate_put(struct store_txn *txn, const struct store_rate *r);
int store_rate_get(struct store_txn *txn, const char *plan,
		   const char *prefix, struct store_rate *out);
int store_rate_del(struct store_txn *txn, const char *plan,
		   const char *prefix);

/**
 * store_rate_foreach - call @cb for every rate of one plan, by prefix
 * @txn: any transaction
 * @plan: the rate plan
 * @cb: as for store_foreach(), with a struct store_rate
 * @arg: passed to @cb
 *
 * @return as store_foreach(); -EINVAL also for an empty or too long @plan,
 * or one with a '/'.
 */
int store_rate_foreach(struct store_txn *txn, const char *plan,
		       int (*cb)(const void *rec, void *arg), void *arg);

/* store_registration_{put,get,del} - bindings by @aor and @contact */
int store_registration_put(struct store_txn *txn,
			   const struct store_registration *r);
int store_registration_get(struct store_txn *txn, const char *aor,
			   const char *contact,
			   struct store_registration *out);
int store_registration_del(struct store_txn *txn, const char *aor,
			   const char *contact);

/* store_dialog_{put,get,del} - dialogs by leg A @call_id */
int store_dialog_put(struct store_txn *txn, const struct store_dialog *d);
int store_dialog_get(struct store_txn *txn, const char *call_id,
		     struct store_dialog *out);
int store_dialog_del(struct store_txn *txn, const char *call_id);

/**
 * store_cdr_append - add a CDR under the next id
 * @txn: a write transaction
 * @cdr: the record; its id is ignored and set to the id assigned
 *
 * Ids start at 1 and increase by one per CDR for the life of the store,
 * also across restarts and after CDRs were deleted.
 *
 * @return 0, -EINVAL (record invalid), -EACCES, -ENOSPC, -ENOMEM, -EPROTO
 * (meta counter corrupt), -EIO.
 */
int store_cdr_append(struct store_txn *txn, struct store_cdr *cdr);
/* store_cdr_{get,del} - CDRs by @id; -EINVAL for id 0 */
int store_cdr_get(struct store_txn *txn, uint64_t id, struct store_cdr *out);
int store_cdr_del(struct store_txn *txn, uint64_t id);

/**
 * store_audit_append - add an audit record under the next id
 * @txn: a write transaction, normally the one making the change audited,
 *	so the change and its record are committed together or not at all
 * @a: the record; its id is ignored and set to the id assigned
 *
 * Ids are assigned as CDR ids are (store_cdr_append()), from a counter of
 * their own.
 *
 * @return as store_cdr_append().
 */
int store_audit_append(struct store_txn *txn, struct store_audit *a);
/* store_audit_get - an audit record by @id; -EINVAL for id 0 */
int store_audit_get(struct store_txn *txn, uint64_t id,
		    struct store_audit *out);

/**
 * store_audit_foreach - call @cb for audit records, newest first
 * @txn: any transaction
 * @account: only the records of this account; NULL for all
 * @cb: as for store_foreach(), with a struct store_audit
 * @arg: passed to @cb
 *
 * The walk reads every record from the newest back to the point where
 * @cb stops it, whatever @account is: audit records are written by
 * operators, not per call, so there are few enough for that.
 *
 * @return as store_foreach().
 */
int store_audit_foreach(struct store_txn *txn, const char *account,
			int (*cb)(const void *rec, void *arg), void *arg);

/* store_live_call_{put,get,del} - live prepaid calls by @account and @id */
int store_live_call_put(struct store_txn *txn,
			const struct store_live_call *c);
int store_live_call_get(struct store_txn *txn, const char *account,
			const char *id, struct store_live_call *out);
int store_live_call_del(struct store_txn *txn, const char *account,
			const char *id);

/**
 * store_live_call_foreach - call @cb for every live call of one account
 * @txn: any transaction
 * @account: the account
 * @cb: as for store_foreach(), with a struct store_live_call
 * @arg: passed to @cb
 *
 * @return as store_foreach(); -EINVAL also for an empty or too long
 * @account.
 */
int store_live_call_foreach(struct store_txn *txn, const char *account,
			    int (*cb)(const void *rec, void *arg), void *arg);

/**
 * store_foreach - call @cb for every record of @db, in key order
 * @txn: any transaction
 * @db: which database
 * @cb: called with a pointer to the decoded record (struct store_account
 *	for STORE_DB_ACCOUNTS, and so on), valid only during the call.  It
 *	must not write to @db through @txn.  Returning non-zero stops the walk.
 * @arg: passed to @cb
 *
 * @return 0 after the last record, the first non-zero value @cb returned,
 * -EINVAL (bad @db), -EPROTO (a record is corrupt; logged), -EIO.
 */
int store_foreach(struct store_txn *txn, enum store_db db,
		  int (*cb)(const void *rec, void *arg), void *arg);

/**
 * store_registration_foreach - call @cb for every contact of one AOR
 * @txn: any transaction
 * @aor: the address of record
 * @cb: as for store_foreach(), with a struct store_registration
 * @arg: passed to @cb
 *
 * @return as store_foreach(); -EINVAL also for an empty or too long @aor.
 */
int store_registration_foreach(struct store_txn *txn, const char *aor,
			       int (*cb)(const void *rec, void *arg),
			       void *arg);

/**
 * store_count - number of records in @db, from a snapshot of its own
 * @st: the store
 * @db: which database
 * @out: the count
 *
 * @return 0, -EINVAL (bad @db), -EAGAIN, -ENOMEM, -EIO.
 */
int store_count(struct store *st, enum store_db db, size_t *out);

/* store_db_name - database name ("accounts", ...), "?" when out of range. */
const char *store_db_name(enum store_db db);

#endif
