/*
 * Rates file parser (format in rates_csv.h): lines split by hand, each
 * field checked with the same rules the store and rating apply, every bad
 * row counted and the first ones described with their line numbers.  A
 * hash set of (plan, prefix) finds rows given twice.
 */
#include "rates_csv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "money.h"
#include "rating.h"
#include "route.h"

#define N_FIELDS 6
#define PLAN_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
	"0123456789_.-"
#define BOM "\xef\xbb\xbf"
#define SHOWN_MAX 24		/* bytes of a bad field quoted in a message */
#define NO_ROW SIZE_MAX		/* empty hash slot */

/* one field: @len bytes at @s, not NUL-terminated */
struct field {
	const char *s;
	size_t len;
};

struct parser {
	struct b2b_rates_csv *out;
	const char *plan;	/* plan=NAME, or NULL */
	size_t cap;		/* room in out->rows */
	size_t *slots;		/* hash set: indexes into out->rows */
	size_t n_slots;		/* a power of two, > 2 * out->n_rows */
	unsigned line;		/* of the row being parsed */
};

bool b2b_rates_plan_valid(const char *plan)
{
	size_t n = strspn(plan, PLAN_CHARS);

	return n > 0 && plan[n] == '\0' && n < STORE_NAME_MAX;
}

/* counts a bad row at p->line and keeps its message if there is room */
static int bad(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int bad(struct parser *p, const char *fmt, ...)
{
	struct b2b_rates_csv_error *e;
	va_list ap;

	if (p->out->n_bad < B2B_RATES_CSV_ERRORS_MAX) {
		e = &p->out->errors[p->out->n_bad];
		e->line = p->line;
		va_start(ap, fmt);
		vsnprintf(e->what, sizeof(e->what), fmt, ap);
		va_end(ap);
	}
	p->out->n_bad++;
	return -EINVAL;
}

/* @f quoted for a message: printable ASCII kept, other bytes '?', cut */
static const char *shown(const struct field *f, char buf[SHOWN_MAX + 4])
{
	size_t n = f->len < SHOWN_MAX ? f->len : SHOWN_MAX;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)f->s[i];

		buf[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	strcpy(buf + n, f->len > n ? "..." : "");
	return buf;
}

/* @f copied to @buf[@size] as a string; false when it does not fit or
 * holds a NUL */
static bool field_copy(const struct field *f, char *buf, size_t size)
{
	if (f->len >= size || memchr(f->s, '\0', f->len))
		return false;
	memcpy(buf, f->s, f->len);
	buf[f->len] = '\0';
	return true;
}

static int plan_get(struct parser *p, const struct field *f, char *plan)
{
	char text[SHOWN_MAX + 4];

	if (f->len == 0 && p->plan) {
		strcpy(plan, p->plan);
		return 0;
	}
	if (f->len == 0)
		return bad(p, "missing plan (or give plan=NAME)");
	if (!field_copy(f, plan, STORE_NAME_MAX) || !b2b_rates_plan_valid(plan))
		return bad(p, "bad plan '%s': expected " B2B_RATES_PLAN_SYNTAX,
			   shown(f, text));
	if (p->plan && strcmp(plan, p->plan) != 0)
		return bad(p, "plan '%s' is not plan=%s", plan, p->plan);
	return 0;
}

static int prefix_get(struct parser *p, const struct field *f, char *prefix)
{
	char text[SHOWN_MAX + 4];

	if (!field_copy(f, prefix, STORE_PREFIX_MAX) ||
	    (*prefix && strcmp(prefix, "+") != 0 && !b2b_number_valid(prefix)))
		return bad(p, "bad prefix '%s': expected digits with an optional leading '+' (at most %d), or empty for the default",
			   shown(f, text), STORE_PREFIX_MAX - 1);
	return 0;
}

static int money_get(struct parser *p, const struct field *f,
		     const char *name, int64_t *out)
{
	char buf[B2B_MONEY_TEXT_MAX], text[SHOWN_MAX + 4];

	if (!field_copy(f, buf, sizeof(buf)) || b2b_money_parse(buf, out) < 0)
		return bad(p, "bad %s '%s': expected an amount such as 0.015 (at most %d decimals)",
			   name, shown(f, text), B2B_MONEY_DECIMALS);
	if (*out < 0)
		return bad(p, "%s must not be negative", name);
	if (*out > B2B_RATE_MONEY_MAX)
		return bad(p, "%s is too large (at most %lld)", name,
			   B2B_RATE_MONEY_MAX / B2B_MONEY_UNIT);
	return 0;
}

static int seconds_get(struct parser *p, const struct field *f,
		       const char *name, uint32_t min, uint32_t *out)
{
	char text[SHOWN_MAX + 4];
	uint32_t v = 0;
	size_t i;

	for (i = 0; i < f->len && i < 6 && f->s[i] >= '0' && f->s[i] <= '9';
	     i++)
		v = v * 10 + (uint32_t)(f->s[i] - '0');
	if (i == 0 || i != f->len || v < min || v > B2B_RATE_INCR_MAX)
		return bad(p, "bad %s '%s': expected whole seconds from %u to %u",
			   name, shown(f, text), min, B2B_RATE_INCR_MAX);
	*out = v;
	return 0;
}

/* FNV-1a of @r's key */
static size_t key_hash(const struct store_rate *r)
{
	uint64_t h = 14695981039346656037ULL;
	const char *parts[] = { r->plan, "/", r->prefix };

	for (size_t i = 0; i < 3; i++) {
		for (const char *c = parts[i]; *c; c++)
			h = (h ^ (unsigned char)*c) * 1099511628211ULL;
	}
	return (size_t)h;
}

/* the slot holding a row with @r's key, or the empty slot it would take */
static size_t slot_of(const struct parser *p, const struct store_rate *r)
{
	size_t i = key_hash(r) & (p->n_slots - 1), row;

	while ((row = p->slots[i]) != NO_ROW) {
		const struct store_rate *o = &p->out->rows[row].rate;

		if (strcmp(o->plan, r->plan) == 0 &&
		    strcmp(o->prefix, r->prefix) == 0)
			break;
		i = (i + 1) & (p->n_slots - 1);
	}
	return i;
}

/* room for one more row in out->rows and in the hash set */
static int grow(struct parser *p)
{
	struct b2b_rates_csv *out = p->out;
	struct b2b_rates_csv_row *rows;
	size_t n, *slots;

	if (out->n_rows == p->cap) {
		n = p->cap ? 2 * p->cap : 64;
		rows = reallocarray(out->rows, n, sizeof(*rows));
		if (!rows)
			return -ENOMEM;
		out->rows = rows;
		p->cap = n;
	}
	if (2 * (out->n_rows + 1) < p->n_slots)
		return 0;
	n = p->n_slots ? 2 * p->n_slots : 128;
	slots = malloc(n * sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	memset(slots, 0xff, n * sizeof(*slots));	/* all NO_ROW */
	free(p->slots);
	p->slots = slots;
	p->n_slots = n;
	for (size_t row = 0; row < out->n_rows; row++)
		p->slots[slot_of(p, &out->rows[row].rate)] = row;
	return 0;
}

/*
 * One data line of @len bytes: a good row is added; a bad one is counted
 * and gives -EINVAL.
 */
static int row_parse(struct parser *p, const char *s, size_t len)
{
	struct field f[N_FIELDS];
	struct store_rate r = { 0 };
	size_t n = 0, slot;
	const char *end = s + len, *comma = NULL;
	int rc;

	if (memchr(s, '"', len))
		return bad(p, "quoted fields are not supported: remove the '\"'");
	while (n < N_FIELDS) {
		comma = memchr(s, ',', (size_t)(end - s));
		f[n].s = s;
		f[n].len = (size_t)((comma ? comma : end) - s);
		n++;
		if (!comma)
			break;
		s = comma + 1;
	}
	if (n < N_FIELDS || comma)
		return bad(p, "expected %d fields: " B2B_RATES_CSV_HEADER,
			   N_FIELDS);
	rc = plan_get(p, &f[0], r.plan);
	if (rc == 0)
		rc = prefix_get(p, &f[1], r.prefix);
	if (rc == 0)
		rc = money_get(p, &f[2], "price_per_min", &r.price_per_min);
	if (rc == 0)
		rc = money_get(p, &f[3], "connect_fee", &r.connect_fee);
	if (rc == 0)
		rc = seconds_get(p, &f[4], "first_incr", 0, &r.first_incr);
	if (rc == 0)
		rc = seconds_get(p, &f[5], "next_incr", 1, &r.next_incr);
	if (rc < 0)
		return rc;
	if (grow(p) < 0)
		return -ENOMEM;
	slot = slot_of(p, &r);
	if (p->slots[slot] != NO_ROW)
		return bad(p, "plan %s prefix '%s' is already on line %u",
			   r.plan, r.prefix, p->out->rows[p->slots[slot]].line);
	p->slots[slot] = p->out->n_rows;
	p->out->rows[p->out->n_rows++] = (struct b2b_rates_csv_row){ r, p->line };
	return 0;
}

int b2b_rates_csv_parse(const char *text, size_t len, const char *plan,
			struct b2b_rates_csv *out)
{
	struct parser p = { .out = out, .plan = plan, .line = 1 };
	size_t pos = 0, n, m;
	const char *s, *nl;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (plan && !b2b_rates_plan_valid(plan))
		return -EINVAL;
	if (len >= strlen(BOM) && memcmp(text, BOM, strlen(BOM)) == 0)
		pos = strlen(BOM);
	for (; pos < len && rc == 0; pos += n + 1, p.line++) {
		s = text + pos;
		nl = memchr(s, '\n', len - pos);
		n = nl ? (size_t)(nl - s) : len - pos;
		m = n > 0 && s[n - 1] == '\r' ? n - 1 : n;	/* without \r */
		if (p.line == 1 && (m != strlen(B2B_RATES_CSV_HEADER) ||
				    memcmp(s, B2B_RATES_CSV_HEADER, m) != 0))
			break;
		if (p.line > 1 && m > 0 && s[0] != '#')
			rc = row_parse(&p, s, m);
		if (rc == -EINVAL)	/* a bad row: counted, go on */
			rc = 0;
	}
	if (p.line == 1 && rc == 0)	/* no header: empty file or other */
		bad(&p, "expected the header line " B2B_RATES_CSV_HEADER);
	free(p.slots);
	return rc;
}

void b2b_rates_csv_free(struct b2b_rates_csv *csv)
{
	if (!csv)
		return;
	free(csv->rows);
	memset(csv, 0, sizeof(*csv));
}
