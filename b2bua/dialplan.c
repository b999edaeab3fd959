/*
 * Dial plan: strip/prefix and regex rules that rewrite the dialled number
 * (RFC 3261 section 19.1.1 user part) into the form routing expects,
 * usually E.164 (RFC 3966 section 5.1.4).  POSIX regcomp()/regexec()
 * (REG_EXTENDED); see dialplan.h for the rules and the limits that keep
 * hostile patterns and numbers bounded in time and memory.
 */
#include "dialplan.h"

#include "cfg.h"

#include <errno.h>
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Groups a template can name: \0 to \9. */
#define GROUPS 10

/* Nesting of groups the cost check follows. */
#define DEPTH_MAX 16

/* Largest repetition bound accepted in {m,n}. */
#define BOUND_MAX 255

struct rule {
	regex_t re;
	bool has_re;
	char *replace;			/* NULL: strip/prefix */
	unsigned strip;
	char prefix[B2B_DIALPLAN_PREFIX_MAX + 1];
};

struct b2b_dialplan {
	unsigned n;
	struct rule rules[];
};

#define ERR(...) (err ? (void)snprintf(err, errlen, __VA_ARGS__) : (void)0)

/* Length of the bracket expression at @p ('['), or 0 if unterminated. */
static size_t bracket_len(const char *p)
{
	const char *q = p + 1;

	if (*q == '^')
		q++;
	if (*q == ']')
		q++;
	for (; *q && *q != ']'; q++) {
		if (*q == '[' && (q[1] == ':' || q[1] == '.' || q[1] == '=')) {
			const char *end = strchr(q + 2, q[1]);

			if (!end || end[1] != ']')
				return 0;
			q = end + 1;
		}
	}
	return *q ? (size_t)(q - p + 1) : 0;
}

/* A {m}, {,n}, {m,} or {m,n} at @p: its length and largest count, or 0. */
static size_t interval(const char *p, unsigned long *max)
{
	char *end;
	unsigned long m = strtoul(p + 1, &end, 10), n = m;

	if (end == p + 1 && *end != ',')
		return 0;
	if (*end == ',') {
		const char *q = end + 1;

		if (*q == '}') {
			n = m < BOUND_MAX ? m + 1 : m;
			end = (char *)q;
		} else {
			n = strtoul(q, &end, 10);
			if (end == q || n < m)
				return 0;
		}
	}
	if (*end != '}')
		return 0;
	*max = n;
	return (size_t)(end - p + 1);
}

/*
 * Refuse back-references and patterns whose repetitions would expand to
 * more than B2B_DIALPLAN_COST_MAX atoms.  Syntax errors are left to
 * regcomp().  Returns 0 or -EINVAL with the reason in @why.
 */
static int pattern_check(const char *p, const char **why)
{
	unsigned long total[DEPTH_MAX + 1] = { 0 }, last = 0, bound;
	unsigned depth = 0;
	size_t k;

	for (; *p; p++) {
		switch (*p) {
		case '(':
			if (++depth > DEPTH_MAX) {
				*why = "groups nested too deep";
				return -EINVAL;
			}
			total[depth] = 0;
			last = 0;
			continue;
		case ')':
			if (!depth)
				return 0;
			last = total[depth--];
			break;
		case '\\':
			if (p[1] >= '1' && p[1] <= '9') {
				*why = "back-references are not allowed";
				return -EINVAL;
			}
			if (p[1])
				p++;
			last = 1;
			break;
		case '[':
			k = bracket_len(p);
			if (!k)
				return 0;
			p += k - 1;
			last = 1;
			break;
		case '{':
			k = interval(p, &bound);
			if (!k) {
				last = 1;
				break;
			}
			if (bound > BOUND_MAX) {
				*why = "repetition bound too large";
				return -EINVAL;
			}
			p += k - 1;
			total[depth] += last * (bound ? bound - 1 : 0);
			last *= bound;
			goto check;
		case '+':
			total[depth] += last;
			goto check;
		case '*': case '?': case '|': case '^': case '$':
			continue;
		default:
			last = 1;
			break;
		}
		total[depth] += last;
check:
		if (total[depth] > B2B_DIALPLAN_COST_MAX) {
			*why = "too complex (repetitions expand too far)";
			return -EINVAL;
		}
	}
	return 0;
}

/* A replacement template names only groups @re has. */
static int template_check(const char *t, size_t nsub)
{
	for (; *t; t++) {
		if (*t != '\\')
			continue;
		t++;
		if (*t == '\\')
			continue;
		if (*t < '0' || *t > '9' || (size_t)(*t - '0') > nsub)
			return -EINVAL;
	}
	return 0;
}

static int rule_compile(struct rule *r, const struct b2b_dialplan_rule *c,
			unsigned i, char *err, size_t errlen)
{
	const char *why = NULL;
	int rc;

	if (c->replace && (!c->match || c->strip || c->prefix)) {
		ERR("rule %u: replace needs match and excludes strip and "
		    "prefix", i);
		return -EINVAL;
	}
	if (c->prefix && (strlen(c->prefix) > B2B_DIALPLAN_PREFIX_MAX ||
			  strspn(c->prefix, "+0123456789") !=
			  strlen(c->prefix))) {
		ERR("rule %u: prefix must be at most %d characters of "
		    "+0123456789", i, B2B_DIALPLAN_PREFIX_MAX);
		return -EINVAL;
	}
	if (c->strip > B2B_DIALPLAN_NUMBER_MAX) {
		ERR("rule %u: strip is at most %d", i, B2B_DIALPLAN_NUMBER_MAX);
		return -EINVAL;
	}
	r->strip = c->strip;
	snprintf(r->prefix, sizeof(r->prefix), "%s",
		 c->prefix ? c->prefix : "");
	if (!c->match)
		return 0;
	if (strlen(c->match) > B2B_DIALPLAN_PATTERN_MAX) {
		ERR("rule %u: match longer than %d characters", i,
		    B2B_DIALPLAN_PATTERN_MAX);
		return -EINVAL;
	}
	if (pattern_check(c->match, &why) < 0) {
		ERR("rule %u: match: %s", i, why);
		return -EINVAL;
	}
	rc = regcomp(&r->re, c->match, REG_EXTENDED);
	if (rc) {
		char msg[96];

		regerror(rc, NULL, msg, sizeof(msg));
		ERR("rule %u: match: %s", i, msg);
		return rc == REG_ESPACE ? -ENOMEM : -EINVAL;
	}
	r->has_re = true;
	if (c->replace && template_check(c->replace, r->re.re_nsub) < 0) {
		ERR("rule %u: replace names a group the match does not have, "
		    "or has a stray backslash", i);
		return -EINVAL;
	}
	if (c->replace && !(r->replace = strdup(c->replace)))
		return -ENOMEM;
	return 0;
}

void b2b_dialplan_free(struct b2b_dialplan *dp)
{
	if (!dp)
		return;
	for (unsigned i = 0; i < dp->n; i++) {
		if (dp->rules[i].has_re)
			regfree(&dp->rules[i].re);
		free(dp->rules[i].replace);
	}
	free(dp);
}

struct b2b_dialplan *b2b_dialplan_new(const struct b2b_dialplan_rule *rules,
				      unsigned n, char *err, size_t errlen)
{
	struct b2b_dialplan *dp;
	int rc = 0;

	if (err && errlen)
		*err = '\0';
	if (n > B2B_DIALPLAN_RULES_MAX) {
		ERR("more than %d rules", B2B_DIALPLAN_RULES_MAX);
		errno = E2BIG;
		return NULL;
	}
	dp = calloc(1, sizeof(*dp) + n * sizeof(dp->rules[0]));
	if (!dp) {
		errno = ENOMEM;
		return NULL;
	}
	for (; dp->n < n; dp->n++) {
		rc = rule_compile(&dp->rules[dp->n], &rules[dp->n], dp->n,
				  err, errlen);
		if (rc < 0)
			break;
	}
	if (rc < 0) {
		dp->n++;	/* free what the failed rule compiled */
		b2b_dialplan_free(dp);
		errno = -rc;
		return NULL;
	}
	return dp;
}

/* Expand template @t over the match @m of @in into @buf; -EINVAL if long. */
static int expand(const char *t, const char *in, const regmatch_t *m,
		  char *buf, size_t len)
{
	size_t n = 0;

	for (; *t; t++) {
		const char *s = t;
		size_t k = 1;

		if (*t == '\\') {
			t++;
			if (*t != '\\') {
				const regmatch_t *g = &m[*t - '0'];

				s = in + g->rm_so;
				k = g->rm_so < 0 ? 0 : (size_t)(g->rm_eo - g->rm_so);
			} else {
				s = t;
			}
		}
		if (n + k >= len)
			return -EINVAL;
		memcpy(buf + n, s, k);
		n += k;
	}
	buf[n] = '\0';
	return 0;
}

/* "+" then digits, or digits; not empty. */
static bool is_number(const char *s)
{
	s += *s == '+';
	return *s && strspn(s, "0123456789") == strlen(s);
}

static int out_copy(const char *s, char *out, size_t len)
{
	if (strlen(s) >= len) {
		if (len)
			*out = '\0';
		return -ENOSPC;
	}
	memcpy(out, s, strlen(s) + 1);
	return 0;
}

int b2b_dialplan_apply(const struct b2b_dialplan *dp, const char *in,
		       char *out, size_t len)
{
	char buf[B2B_DIALPLAN_NUMBER_MAX + 1];
	size_t n = strnlen(in, B2B_DIALPLAN_NUMBER_MAX + 1);

	if (n > B2B_DIALPLAN_NUMBER_MAX) {
		if (len)
			*out = '\0';
		return -E2BIG;
	}
	for (unsigned i = 0; dp && i < dp->n; i++) {
		const struct rule *r = &dp->rules[i];
		regmatch_t m[GROUPS];
		int rc = 0;

		if (r->has_re && regexec(&r->re, in, GROUPS, m, 0) != 0)
			continue;
		if (r->replace)
			rc = expand(r->replace, in, m, buf, sizeof(buf));
		else if (r->strip > n ||
			 strlen(r->prefix) + n - r->strip >= sizeof(buf))
			rc = -EINVAL;
		else
			snprintf(buf, sizeof(buf), "%s%s", r->prefix,
				 in + r->strip);
		if (rc == 0 && !is_number(buf))
			rc = -EINVAL;
		if (rc < 0) {
			if (len)
				*out = '\0';
			return rc;
		}
		rc = out_copy(buf, out, len);
		return rc < 0 ? rc : (int)i;
	}
	return out_copy(in, out, len) < 0 ? -ENOSPC : -ENOENT;
}

/* Empty strings in the configuration stand for "not set". */
static const char *unset_empty(const char *s)
{
	return s[0] ? s : NULL;
}

struct b2b_dialplan *b2b_dialplan_from_realm(const struct cfg_realm *r,
					     char *err, size_t errlen)
{
	struct b2b_dialplan_rule rules[CFG_MAX_DIALPLAN];

	for (unsigned i = 0; i < r->n_dialplan; i++) {
		const struct cfg_dialplan_rule *c = &r->dialplan[i];

		rules[i] = (struct b2b_dialplan_rule){
			.match = unset_empty(c->match),
			.replace = unset_empty(c->replace),
			.strip = c->strip,
			.prefix = unset_empty(c->prefix),
		};
	}
	return b2b_dialplan_new(rules, r->n_dialplan, err, errlen);
}
