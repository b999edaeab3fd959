/*
 * The store's record types: one field table, key function and check per
 * type (what store_codec.c encodes and decodes), and the thin typed
 * accessors of store.h on top of the generic operations of store.c.
 */
#include "store_codec.h"
#include "store_pvt.h"

#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MEMBER(T, m) (((T *)0)->m)

/* offsetof(T, m) that fails to compile unless T.m has type ctype */
#define OFF(T, m, ctype)						\
	(offsetof(T, m) + 0 * sizeof(char[				\
		__builtin_types_compatible_p(__typeof__(MEMBER(T, m)),	\
					     ctype) ? 1 : -1]))

#define REQ true
#define OPT false

#define F_STR(T, m, req) {						\
	.name = #m, .type = STORE_F_STR,				\
	.off = OFF(T, m, char[sizeof(MEMBER(T, m))]),			\
	.size = sizeof(MEMBER(T, m)), .required = req }
#define F_ENUM(T, m, values) {						\
	.name = #m, .type = STORE_F_STR,				\
	.off = OFF(T, m, char[sizeof(MEMBER(T, m))]),			\
	.size = sizeof(MEMBER(T, m)), .choices = values, .required = REQ }
#define F_NUM(T, m, ftype, ctype, req) {				\
	.name = #m, .type = ftype, .off = OFF(T, m, ctype), .required = req }
#define F_I64(T, m, req) F_NUM(T, m, STORE_F_I64, int64_t, req)
#define F_U32(T, m, req) F_NUM(T, m, STORE_F_U32, uint32_t, req)
#define F_U64(T, m, req) F_NUM(T, m, STORE_F_U64, uint64_t, req)
#define F_BOOL(T, m, req) F_NUM(T, m, STORE_F_BOOL, bool, req)
#define F_STRV(T, m, count, req) {					\
	.name = #m, .type = STORE_F_STRV,				\
	.off = OFF(T, m, char[ARRAY_SIZE(MEMBER(T, m))]		\
			     [sizeof(MEMBER(T, m)[0])]),		\
	.size = sizeof(MEMBER(T, m)[0]),				\
	.max = ARRAY_SIZE(MEMBER(T, m)),				\
	.count_off = OFF(T, count, uint32_t), .required = req }

/* sets *@bad to @field and returns -EINVAL */
static int invalid(const char **bad, const char *field)
{
	*bad = field;
	return -EINVAL;
}

/* true when @s has no control characters (keys use \x1f as separator) */
static bool text_ok(const char *s)
{
	for (; *s; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	}
	return true;
}

/* true when @s is non-empty and has no control characters */
static bool name_ok(const char *s)
{
	return *s && text_ok(s);
}

/* true when @s is empty or exactly @len lowercase hex digits */
static bool hex_ok(const char *s, size_t len)
{
	if (!*s)
		return true;
	if (strspn(s, "0123456789abcdef") != len)
		return false;
	return s[len] == '\0';
}

/* true when @s is an ISO 4217 code: three uppercase letters */
static bool currency_ok(const char *s)
{
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == STORE_CURRENCY_LEN &&
	       s[STORE_CURRENCY_LEN] == '\0';
}

/* prefix length of an IPv4 (32) or IPv6 (128) address @s, or -1 */
static int addr_bits(const char *s)
{
	struct in6_addr a;

	if (inet_pton(AF_INET, s, &a) == 1)
		return 32;
	if (inet_pton(AF_INET6, s, &a) == 1)
		return 128;
	return -1;
}

/* true when @s is "ADDRESS" or "ADDRESS/BITS" */
static bool cidr_ok(const char *s)
{
	char addr[STORE_CIDR_MAX];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	unsigned bits = 0;
	int max;

	if (n >= sizeof(addr))
		return false;
	memcpy(addr, s, n);
	addr[n] = '\0';
	max = addr_bits(addr);
	if (max < 0)
		return false;
	if (!slash)
		return true;
	s = slash + 1;
	n = strspn(s, "0123456789");
	if (n == 0 || n > 3 || s[n] != '\0')
		return false;
	for (size_t i = 0; i < n; i++)
		bits = bits * 10 + (unsigned)(s[i] - '0');
	return bits <= (unsigned)max;
}

/* writes @a @sep @b to @buf; returns the key length or -EINVAL if empty */
static int key_build(uint8_t buf[STORE_KEY_MAX], const char *a,
		     const char *sep, const char *b)
{
	size_t la = strlen(a), ls = strlen(sep), lb = strlen(b);

	if (la + ls + lb == 0 || la + ls + lb > STORE_KEY_MAX)
		return -EINVAL;
	memcpy(buf, a, la);
	memcpy(buf + la, sep, ls);
	memcpy(buf + la + ls, b, lb);
	return (int)(la + ls + lb);
}

/* copies key argument @s into @buf[@size]; -EINVAL when NULL or too long */
static int key_arg(char *buf, size_t size, const char *s)
{
	if (!s || strlen(s) >= size)
		return -EINVAL;
	strcpy(buf, s);
	return 0;
}

static const char *const transports[] = { "udp", "tcp", "tls", NULL };
static const char *const pai_modes[] = { "pai", "rpid", NULL };
static const char *const dialog_states[] = {
	"early", "confirmed", "terminating", NULL
};
static const char *const cdr_sides[] = { "caller", "callee", "sbc", NULL };

/* accounts ---------------------------------------------------------------- */

static const struct store_field account_fields[] = {
	F_STR(struct store_account, id, REQ),
	F_STR(struct store_account, user, REQ),
	F_STR(struct store_account, domain, REQ),
	F_STR(struct store_account, realm, OPT),
	F_STR(struct store_account, ha1_md5, OPT),
	F_STR(struct store_account, ha1_sha256, OPT),
	F_BOOL(struct store_account, prepaid, REQ),
	F_I64(struct store_account, balance, REQ),
	F_STR(struct store_account, currency, REQ),
	F_STR(struct store_account, rate_plan, OPT),
	F_U32(struct store_account, max_calls, OPT),
	F_BOOL(struct store_account, blocked, OPT),
	F_STR(struct store_account, emergency_id, OPT),
	/* added later: optional, absent in older records = no limit */
	F_U32(struct store_account, quota_min, OPT),
	F_U32(struct store_account, usage_month, OPT),
	F_I64(struct store_account, usage_ms, OPT),
	F_U32(struct store_account, max_duration_s, OPT),
	F_BOOL(struct store_account, no_pstn, OPT),
	F_STRV(struct store_account, barred, n_barred, OPT),
	F_STRV(struct store_account, in_reject, n_in_reject, OPT),
	F_STRV(struct store_account, in_accept, n_in_accept, OPT),
	F_STR(struct store_account, in_hours, OPT),
};

static int account_key(const void *rec, uint8_t buf[STORE_KEY_MAX])
{
	const struct store_account *a = rec;

	return key_build(buf, a->id, "", "");
}

/* true when the @n entries of an account list are names (non-empty) */
static bool list_ok(const char (*list)[STORE_PREFIX_MAX], uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		if (!name_ok(list[i]))
			return false;
	}
	return true;
}

static int account_check(const void *rec, const char **bad)
{
	const struct store_account *a = rec;

	if (!name_ok(a->id))
		return invalid(bad, "id");
	if (!name_ok(a->user))
		return invalid(bad, "user");
	if (!name_ok(a->domain))
		return invalid(bad, "domain");
	if (!hex_ok(a->ha1_md5, STORE_HA1_MD5_LEN))
		return invalid(bad, "ha1_md5");
	if (!hex_ok(a->ha1_sha256, STORE_HA1_SHA256_LEN))
		return invalid(bad, "ha1_sha256");
	if (!currency_ok(a->currency))
		return invalid(bad, "currency");
	if (a->usage_ms < 0)
		return invalid(bad, "usage_ms");
	if (!text_ok(a->in_hours))
		return invalid(bad, "in_hours");
	if (!list_ok(a->barred, a->n_barred))
		return invalid(bad, "barred");
	if (!list_ok(a->in_reject, a->n_in_reject))
		return invalid(bad, "in_reject");
	if (!list_ok(a->in_accept, a->n_in_accept))
		return invalid(bad, "in_accept");
	return 0;
}

/* peers ------------------------------------------------------------------- */

static const struct store_field peer_fields[] = {
	F_STR(struct store_peer, name, REQ),
	F_STR(struct store_peer, realm, REQ),
	F_STR(struct store_peer, cidr, REQ),
	F_U32(struct store_peer, port, OPT),
	F_ENUM(struct store_peer, transport, transports),
	F_U32(struct store_peer, max_calls, OPT),
	F_U32(struct store_peer, max_cps, OPT),
	F_BOOL(struct store_peer, callerid_trusted, OPT),
	F_ENUM(struct store_peer, pai_mode, pai_modes),
};

static int peer_key(const void *rec, uint8_t buf[STORE_KEY_MAX])
{
	const struct store_peer *p = rec;

	return key_build(buf, p->name, "", "");
}

static int peer_check(const void *rec, const char **bad)
{
	const struct store_peer *p = rec;

	if (!name_ok(p->name))
		return invalid(bad, "name");
	if (!name_ok(p->realm))
		return invalid(bad, "realm");
	if (!cidr_ok(p->cidr))
		return invalid(bad, "cidr");
	if (p->port > UINT16_MAX)
		return invalid(bad, "port");
	return 0;
}

/* routes ------------------------------------------------------------------ */

static const struct store_field route_fields[] = {
	F_STR(struct store_route, prefix, REQ),
	F_STRV(struct store_route, gateways, n_gateways, REQ),
};

/* "/" + prefix, so the default route "" still has a non-empty key */
static int route_key(const void *rec, uint8_t buf[STORE_KEY_MAX])
{
	const struct store_route *r = rec;

	return key_build(buf, "/", "", r->prefix);
}

static int route_check(const void *rec, const char **bad)
{
	const struct store_route *r = rec;

	if (!text_ok(r->prefix))
		return invalid(bad, "prefix");
	if (r->n_gateways == 0)
		return invalid(bad, "gateways");
	for (uint32_t i = 0; i < r->n_gateways; i++) {
		if (!name_ok(r->gateways[i]))
			return invalid(bad, "gateways");
	}
	return 0;
}

/* rates ------------------------------------------------------------------- */

static const struct store_field rate_fields[] = {
	F_STR(struct store_rate, plan, REQ),
	F_STR(struct store_rate, prefix, REQ),
	F_I64(struct store_rate, price_per_min, REQ),
	F_I64(struct store_rate, connect_fee, OPT),
	F_U32(struct store_rate, first_incr, REQ),
	F_U32(struct store_rate, next_incr, REQ),
};

static int rate_key(const void *rec, uint8_t buf[STORE_KEY_MAX])
{
	const struct store_rate *r = rec;

	return key_build(buf, r->plan, "/", r->prefix);
}

static int rate_check(const void *rec, const char **bad)
{
	const struct store_rate *r = rec;

	if (!name_ok(r->plan) || strchr(r->plan, '/'))
		return invalid(bad, "plan");
	if (!text_ok(r->prefix))
		return invalid(bad, "prefix");
	if (r->price_per_min < 0)
		return invalid(bad, "price_per_min");
	if (r->connect_fee < 0)
		return invalid(bad, "connect_fee");
	if (r->next_incr == 0)
		return invalid(bad, "next_incr");
	return 0;
}

/* registrations ----------------------------------------------------------- */

static const struct store_field registration_fields[] = {
	F_STR(struct store_registration, aor, REQ),
	F_STR(struct store_registration, contact, REQ),
	F_STR(struct store_registration, source_addr, REQ),
	F_U32(struct store_registration, source_port, REQ),
	F_ENUM(struct store_registration, transport, transports),
	F_I64(struct store_registration, expires, REQ),
	F_STR(struct store_registration, call_id, OPT),
	F_U32(struct store_registration, cseq, OPT),
};

/* aor "\x1f" contact: all contacts of an AOR share the prefix aor "\x1f" */
static int registration_key(const void *rec, uint8_t buf[STORE_KEY_MAX])
{
	const struct store_registration *r = rec;

	return key_build(buf, r->aor, "\x1f", r->contact);
}

static int registration_check(const void *rec, const char **bad)
{
	const struct store_registration *r = rec;

	if (!name_ok(r->aor))
		return invalid(bad, "aor");
	if (!name_ok(r->contact))
		return invalid(bad, "contact");
	if (addr_bits(r->source_addr) < 0)
		return invalid(bad, "source_addr");
	if (r->source_port > UINT16_MAX)
		return invalid(bad, "source_port");
	if (!text_ok(r->call_id))
		return invalid(bad, "call_id");
	return 0;
}

/* dialogs ----------------------------------------------------------------- */

static const struct store_field dialog_fields[] = {
	F_STR(struct store_dialog, call_id, REQ),
	F_STR(struct store_dialog, b_call_id, OPT),
	F_STR(struct store_dialog, a_local_tag, OPT),
	F_STR(struct store_dialog, a_remote_tag, OPT),
	F_STR(struct store_dialog, b_local_tag, OPT),
	F_STR(struct store_dialog, b_remote_tag, OPT),
	F_ENUM(struct store_dialog, state, dialog_states),
	F_I64(struct store_dialog, created_ms, REQ),
	F_STR(struct store_dialog, account, OPT),
	F_STR(struct store_dialog, peer, OPT),
	F_STR(struct store_dialog, route, OPT),
	F_STR(struct store_dialog, id, OPT),
	F_STR(struct store_dialog, caller, OPT),
	F_STR(struct store_dialog, callee, OPT),
	F_I64(struct store_dialog, answer_ms, OPT),
	F_STR(struct store_dialog, gateway, OPT),
	F_BOOL(struct store_dialog, prepaid, OPT),
	F_STR(struct store_dialog, a_realm, OPT),
	F_STR(struct store_dialog, b_realm, OPT),
	F_STR(struct store_dialog, a_peer, OPT),
	F_STR(struct store_dialog, b_peer, OPT),
	F_STR(struct store_dialog, a_local, OPT),
	F_STR(struct store_dialog, b_local, OPT),
	F_STR(struct store_dialog, a_remote, OPT),
	F_STR(struct store_dialog, b_remote, OPT),
	F_STR(struct store_dialog, a_target, OPT),
	F_STR(struct store_dialog, b_target, OPT),
	F_STR(struct store_dialog, a_route, OPT),
	F_STR(struct store_dialog, b_route, OPT),
	F_STR(struct store_dialog, a_proxy, OPT),
	F_STR(struct store_dialog, b_proxy, OPT),
	F_U32(struct store_dialog, a_cseq, OPT),
	F_U32(struct store_dialog, b_cseq, OPT),
	F_STR(struct store_dialog, a_sdp, OPT),
	F_STR(struct store_dialog, b_sdp, OPT),
	F_STR(struct store_dialog, media, OPT),
};

static int dialog_key(const void *rec, uint8_t buf[STORE_KEY_MAX])
{
	const struct store_dialog *d = rec;

	return key_build(buf, d->call_id, "", "");
}

static int dialog_check(const void *rec, const char **bad)
{
	const struct store_dialog *d = rec;

	if (!name_ok(d->call_id))
		return invalid(bad, "call_id");
	return 0;
}

/* cdrs -------------------------------------------------------------------- */

static const struct store_field cdr_fields[] = {
	F_U64(struct store_cdr, id, REQ),
	F_STR(struct store_cdr, call_id, REQ),
	F_STR(struct store_cdr, caller, OPT),
	F_STR(struct store_cdr, callee, OPT),
	F_STR(struct store_cdr, ingress, OPT),
	F_STR(struct store_cdr, egress, OPT),
	F_I64(struct store_cdr, setup_ms, REQ),
	F_I64(struct store_cdr, answer_ms, OPT),
	F_I64(struct store_cdr, end_ms, REQ),
	F_I64(struct store_cdr, duration_ms, REQ),
	F_STR(struct store_cdr, reason, OPT),
	F_ENUM(struct store_cdr, side, cdr_sides),
	F_I64(struct store_cdr, cost, REQ),
	F_I64(struct store_cdr, pkts_a, OPT),
	F_I64(struct store_cdr, pkts_b, OPT),
	F_I64(struct store_cdr, bytes_a, OPT),
	F_I64(struct store_cdr, bytes_b, OPT),
	F_I64(struct store_cdr, drops, OPT),
};

/* @id as 8 bytes big-endian, so LMDB's byte order is id order */
static int id_key(uint64_t id, uint8_t buf[STORE_KEY_MAX])
{
	uint64_t be = htobe64(id);

	if (id == 0)
		return -EINVAL;
	memcpy(buf, &be, sizeof(be));
	return sizeof(be);
}

static int cdr_key(const void *rec, uint8_t buf[STORE_KEY_MAX])
{
	const struct store_cdr *c = rec;

	return id_key(c->id, buf);
}

static int cdr_check(const void *rec, const char **bad)
{
	const struct store_cdr *c = rec;

	if (c->id == 0)
		return invalid(bad, "id");
	if (!name_ok(c->call_id))
		return invalid(bad, "call_id");
	if (c->duration_ms < 0)
		return invalid(bad, "duration_ms");
	if (c->cost < 0)
		return invalid(bad, "cost");
	return 0;
}

/* audit ------------------------------------------------------------------ */

static const struct store_field audit_fields[] = {
	F_U64(struct store_audit, id, REQ),
	F_I64(struct store_audit, time_ms, REQ),
	F_STR(struct store_audit, who, REQ),
	F_STR(struct store_audit, account, OPT),
	F_STR(struct store_audit, action, REQ),
	F_I64(struct store_audit, amount, REQ),
	F_I64(struct store_audit, balance_after, OPT),
	F_STR(struct store_audit, note, OPT),
};

static int audit_key(const void *rec, uint8_t buf[STORE_KEY_MAX])
{
	const struct store_audit *a = rec;

	return id_key(a->id, buf);
}

/*
 * action is a word of lowercase letters and '-' rather than an enumeration,
 * so records of actions a later build adds stay readable by this one.
 */
static int audit_check(const void *rec, const char **bad)
{
	const struct store_audit *a = rec;

	if (a->id == 0)
		return invalid(bad, "id");
	if (a->time_ms < 0)
		return invalid(bad, "time_ms");
	if (!name_ok(a->who))
		return invalid(bad, "who");
	if (!text_ok(a->account))
		return invalid(bad, "account");
	if (!a->action[0] ||
	    strspn(a->action, "abcdefghijklmnopqrstuvwxyz-") != strlen(a->action))
		return invalid(bad, "action");
	if (a->amount < 0)
		return invalid(bad, "amount");
	if (!text_ok(a->note))
		return invalid(bad, "note");
	return 0;
}

/* live calls ------------------------------------------------------------- */

static const struct store_field live_call_fields[] = {
	F_STR(struct store_live_call, account, REQ),
	F_STR(struct store_live_call, id, REQ),
	F_STR(struct store_live_call, call_id, OPT),
	F_STR(struct store_live_call, caller, OPT),
	F_STR(struct store_live_call, callee, OPT),
	F_STR(struct store_live_call, egress, OPT),
	F_I64(struct store_live_call, setup_ms, REQ),
	F_I64(struct store_live_call, answer_ms, REQ),
	F_STR(struct store_live_call, plan, REQ),
	F_STR(struct store_live_call, prefix, REQ),
	F_I64(struct store_live_call, price_per_min, REQ),
	F_I64(struct store_live_call, connect_fee, REQ),
	F_U32(struct store_live_call, first_incr, REQ),
	F_U32(struct store_live_call, next_incr, REQ),
	F_U32(struct store_live_call, max_s, REQ),
	F_I64(struct store_live_call, reserved, REQ),
	F_U32(struct store_live_call, consumed_s, REQ),
	F_I64(struct store_live_call, checkpoint_ms, REQ),
};

/* account "\x1f" id: an account's calls share the prefix account "\x1f" */
static int live_call_key(const void *rec, uint8_t buf[STORE_KEY_MAX])
{
	const struct store_live_call *c = rec;

	return key_build(buf, c->account, "\x1f", c->id);
}

static int live_call_check(const void *rec, const char **bad)
{
	const struct store_live_call *c = rec;

	if (!name_ok(c->account))
		return invalid(bad, "account");
	if (!name_ok(c->id))
		return invalid(bad, "id");
	if (!text_ok(c->call_id))
		return invalid(bad, "call_id");
	if (c->answer_ms <= 0)
		return invalid(bad, "answer_ms");
	if (!name_ok(c->plan) || strchr(c->plan, '/'))
		return invalid(bad, "plan");
	if (!text_ok(c->prefix))
		return invalid(bad, "prefix");
	if (c->price_per_min < 0)
		return invalid(bad, "price_per_min");
	if (c->connect_fee < 0)
		return invalid(bad, "connect_fee");
	if (c->next_incr == 0)
		return invalid(bad, "next_incr");
	if (c->reserved < 0)
		return invalid(bad, "reserved");
	if (c->consumed_s > c->max_s)
		return invalid(bad, "consumed_s");
	return 0;
}

/* @v_ is the record's "v": bump it when a field changes meaning or type */
#define RECORD(db_, name_, v_, type_, fields_, key_, check_)		\
	[db_] = {							\
		.name = name_, .version = v_, .size = sizeof(type_),	\
		.fields = fields_, .n_fields = ARRAY_SIZE(fields_),	\
		.key = key_, .check = check_,				\
	}

static const struct store_record records[STORE_DB_COUNT] = {
	RECORD(STORE_DB_ACCOUNTS, "account", 1, struct store_account,
	       account_fields, account_key, account_check),
	RECORD(STORE_DB_PEERS, "peer", 1, struct store_peer,
	       peer_fields, peer_key, peer_check),
	RECORD(STORE_DB_ROUTES, "route", 1, struct store_route,
	       route_fields, route_key, route_check),
	RECORD(STORE_DB_RATES, "rate", 1, struct store_rate,
	       rate_fields, rate_key, rate_check),
	RECORD(STORE_DB_REGISTRATIONS, "registration", 1,
	       struct store_registration, registration_fields,
	       registration_key, registration_check),
	RECORD(STORE_DB_DIALOGS, "dialog", 1, struct store_dialog,
	       dialog_fields, dialog_key, dialog_check),
	RECORD(STORE_DB_CDRS, "cdr", 1, struct store_cdr,
	       cdr_fields, cdr_key, cdr_check),
	RECORD(STORE_DB_AUDIT, "audit", 1, struct store_audit,
	       audit_fields, audit_key, audit_check),
	RECORD(STORE_DB_LIVE_CALLS, "live call", 1, struct store_live_call,
	       live_call_fields, live_call_key, live_call_check),
};

const struct store_record *store_record_of(enum store_db db)
{
	if ((unsigned)db >= STORE_DB_COUNT)
		return NULL;
	return &records[db];
}

/* typed accessors --------------------------------------------------------- */

int store_account_put(struct store_txn *txn, const struct store_account *a)
{
	return store_put(txn, STORE_DB_ACCOUNTS, a);
}

int store_account_get(struct store_txn *txn, const char *id,
		      struct store_account *out)
{
	struct store_account key = { 0 };

	if (key_arg(key.id, sizeof(key.id), id))
		return -EINVAL;
	return store_get(txn, STORE_DB_ACCOUNTS, &key, out);
}

int store_account_del(struct store_txn *txn, const char *id)
{
	struct store_account key = { 0 };

	if (key_arg(key.id, sizeof(key.id), id))
		return -EINVAL;
	return store_del(txn, STORE_DB_ACCOUNTS, &key);
}

int store_peer_put(struct store_txn *txn, const struct store_peer *p)
{
	return store_put(txn, STORE_DB_PEERS, p);
}

int store_peer_get(struct store_txn *txn, const char *name,
		   struct store_peer *out)
{
	struct store_peer key = { 0 };

	if (key_arg(key.name, sizeof(key.name), name))
		return -EINVAL;
	return store_get(txn, STORE_DB_PEERS, &key, out);
}

int store_peer_del(struct store_txn *txn, const char *name)
{
	struct store_peer key = { 0 };

	if (key_arg(key.name, sizeof(key.name), name))
		return -EINVAL;
	return store_del(txn, STORE_DB_PEERS, &key);
}

int store_route_put(struct store_txn *txn, const struct store_route *r)
{
	return store_put(txn, STORE_DB_ROUTES, r);
}

int store_route_get(struct store_txn *txn, const char *prefix,
		    struct store_route *out)
{
	struct store_route key = { 0 };

	if (key_arg(key.prefix, sizeof(key.prefix), prefix))
		return -EINVAL;
	return store_get(txn, STORE_DB_ROUTES, &key, out);
}

int store_route_del(struct store_txn *txn, const char *prefix)
{
	struct store_route key = { 0 };

	if (key_arg(key.prefix, sizeof(key.prefix), prefix))
		return -EINVAL;
	return store_del(txn, STORE_DB_ROUTES, &key);
}

int store_rate_put(struct store_txn *txn, const struct store_rate *r)
{
	return store_put(txn, STORE_DB_RATES, r);
}

int store_rate_get(struct store_txn *txn, const char *plan,
		   const char *prefix, struct store_rate *out)
{
	struct store_rate key = { 0 };

	if (key_arg(key.plan, sizeof(key.plan), plan) ||
	    key_arg(key.prefix, sizeof(key.prefix), prefix))
		return -EINVAL;
	return store_get(txn, STORE_DB_RATES, &key, out);
}

int store_rate_del(struct store_txn *txn, const char *plan,
		   const char *prefix)
{
	struct store_rate key = { 0 };

	if (key_arg(key.plan, sizeof(key.plan), plan) ||
	    key_arg(key.prefix, sizeof(key.prefix), prefix))
		return -EINVAL;
	return store_del(txn, STORE_DB_RATES, &key);
}

int store_rate_foreach(struct store_txn *txn, const char *plan,
		       int (*cb)(const void *rec, void *arg), void *arg)
{
	struct store_rate key = { 0 };
	uint8_t prefix[STORE_KEY_MAX];
	int len;

	if (key_arg(key.plan, sizeof(key.plan), plan) || !name_ok(key.plan) ||
	    strchr(key.plan, '/'))
		return -EINVAL;
	len = rate_key(&key, prefix);
	if (len < 0)
		return len;
	return store_walk(txn, STORE_DB_RATES, prefix, (size_t)len, cb, arg);
}

int store_registration_put(struct store_txn *txn,
			   const struct store_registration *r)
{
	return store_put(txn, STORE_DB_REGISTRATIONS, r);
}

int store_registration_get(struct store_txn *txn, const char *aor,
			   const char *contact,
			   struct store_registration *out)
{
	struct store_registration key = { 0 };

	if (key_arg(key.aor, sizeof(key.aor), aor) ||
	    key_arg(key.contact, sizeof(key.contact), contact))
		return -EINVAL;
	return store_get(txn, STORE_DB_REGISTRATIONS, &key, out);
}

int store_registration_del(struct store_txn *txn, const char *aor,
			   const char *contact)
{
	struct store_registration key = { 0 };

	if (key_arg(key.aor, sizeof(key.aor), aor) ||
	    key_arg(key.contact, sizeof(key.contact), contact))
		return -EINVAL;
	return store_del(txn, STORE_DB_REGISTRATIONS, &key);
}

int store_registration_foreach(struct store_txn *txn, const char *aor,
			       int (*cb)(const void *rec, void *arg),
			       void *arg)
{
	struct store_registration key = { 0 };
	uint8_t prefix[STORE_KEY_MAX];
	int len;

	if (key_arg(key.aor, sizeof(key.aor), aor) || !name_ok(key.aor))
		return -EINVAL;
	len = registration_key(&key, prefix);
	if (len < 0)
		return len;
	return store_walk(txn, STORE_DB_REGISTRATIONS, prefix, (size_t)len,
			  cb, arg);
}

int store_dialog_put(struct store_txn *txn, const struct store_dialog *d)
{
	return store_put(txn, STORE_DB_DIALOGS, d);
}

/* A dialog record is 55 KiB, its key one member: only call_id of @key
 * is set, dialog_key() reads nothing else. */
int store_dialog_get(struct store_txn *txn, const char *call_id,
		     struct store_dialog *out)
{
	struct store_dialog key;

	if (key_arg(key.call_id, sizeof(key.call_id), call_id))
		return -EINVAL;
	return store_get(txn, STORE_DB_DIALOGS, &key, out);
}

int store_dialog_del(struct store_txn *txn, const char *call_id)
{
	struct store_dialog key;	/* call_id only, as in store_dialog_get() */

	if (key_arg(key.call_id, sizeof(key.call_id), call_id))
		return -EINVAL;
	return store_del(txn, STORE_DB_DIALOGS, &key);
}

int store_cdr_get(struct store_txn *txn, uint64_t id, struct store_cdr *out)
{
	struct store_cdr key = { .id = id };

	return store_get(txn, STORE_DB_CDRS, &key, out);
}

int store_cdr_del(struct store_txn *txn, uint64_t id)
{
	struct store_cdr key = { .id = id };

	return store_del(txn, STORE_DB_CDRS, &key);
}

int store_audit_get(struct store_txn *txn, uint64_t id,
		    struct store_audit *out)
{
	struct store_audit key = { .id = id };

	return store_get(txn, STORE_DB_AUDIT, &key, out);
}

/* what store_audit_foreach() hands to audit_filter() */
struct audit_walk {
	const char *account;
	int (*cb)(const void *rec, void *arg);
	void *arg;
};

static int audit_filter(const void *rec, void *arg)
{
	const struct store_audit *a = rec;
	const struct audit_walk *w = arg;

	if (w->account && strcmp(a->account, w->account) != 0)
		return 0;
	return w->cb(rec, w->arg);
}

int store_audit_foreach(struct store_txn *txn, const char *account,
			int (*cb)(const void *rec, void *arg), void *arg)
{
	struct audit_walk w = { account, cb, arg };

	if (!cb)
		return -EINVAL;
	return store_walk_back(txn, STORE_DB_AUDIT, audit_filter, &w);
}

int store_live_call_put(struct store_txn *txn,
			const struct store_live_call *c)
{
	return store_put(txn, STORE_DB_LIVE_CALLS, c);
}

int store_live_call_get(struct store_txn *txn, const char *account,
			const char *id, struct store_live_call *out)
{
	struct store_live_call key = { 0 };

	if (key_arg(key.account, sizeof(key.account), account) ||
	    key_arg(key.id, sizeof(key.id), id))
		return -EINVAL;
	return store_get(txn, STORE_DB_LIVE_CALLS, &key, out);
}

int store_live_call_del(struct store_txn *txn, const char *account,
			const char *id)
{
	struct store_live_call key = { 0 };

	if (key_arg(key.account, sizeof(key.account), account) ||
	    key_arg(key.id, sizeof(key.id), id))
		return -EINVAL;
	return store_del(txn, STORE_DB_LIVE_CALLS, &key);
}

int store_live_call_foreach(struct store_txn *txn, const char *account,
			    int (*cb)(const void *rec, void *arg), void *arg)
{
	struct store_live_call key = { 0 };
	uint8_t prefix[STORE_KEY_MAX];
	int len;

	if (key_arg(key.account, sizeof(key.account), account) ||
	    !name_ok(key.account))
		return -EINVAL;
	len = live_call_key(&key, prefix);
	if (len < 0)
		return len;
	return store_walk(txn, STORE_DB_LIVE_CALLS, prefix, (size_t)len, cb,
			  arg);
}
