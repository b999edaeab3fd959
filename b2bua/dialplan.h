/*
 * Dial plan: rules that normalise the dialled number (the request-URI user
 * part, RFC 3261 section 19.1.1) before routing, typically to E.164
 * (ITU-T E.164, written "+CC..." as in RFC 3966 section 5.1.4).
 *
 * A rule list is compiled once (b2b_dialplan_new()) and applied per call
 * (b2b_dialplan_apply()); the first rule that matches rewrites the number
 * and ends the walk.  A rule is either
 *   - strip/prefix: drop @strip leading characters, then put @prefix in
 *     front ("0201234567", strip 1, prefix "+4420" -> "+44201234567"), or
 *   - regex: @replace is a template over the groups of @match, "\0" the
 *     whole match, "\1".."\9" the groups, "\\" a backslash
 *     ("^00([1-9][0-9]+)$" -> "+\1").
 * @match is a POSIX extended regular expression, unanchored unless it
 * says ^ and $; a rule without @match matches every number.
 *
 * Bounded work on hostile input: numbers longer than
 * B2B_DIALPLAN_NUMBER_MAX are refused before any regex runs, and patterns
 * are refused at compile time when longer than B2B_DIALPLAN_PATTERN_MAX,
 * when they use back-references (glibc matches those by backtracking,
 * exponential in the input) or when their repetition bounds would expand
 * to more than B2B_DIALPLAN_COST_MAX atoms (glibc's regcomp unrolls
 * {m,n} into m..n copies, so "(a{1,200}){1,200}" costs 40000 states).
 * Without back-references glibc's matcher is a DFA/NFA simulation,
 * polynomial in pattern and input size, so a rule's time is bounded.
 */
#ifndef SBC_DIALPLAN_H
#define SBC_DIALPLAN_H

#include <stddef.h>

/* Longest number in or out, without the NUL. */
#define B2B_DIALPLAN_NUMBER_MAX 32

#define B2B_DIALPLAN_PATTERN_MAX 256
#define B2B_DIALPLAN_PREFIX_MAX 16
#define B2B_DIALPLAN_RULES_MAX 64
#define B2B_DIALPLAN_COST_MAX 1024

/* One rule as configured; strings are copied by b2b_dialplan_new(). */
struct b2b_dialplan_rule {
	const char *match;		/* POSIX ERE, or NULL: any number */
	const char *replace;		/* template, or NULL: strip/prefix */
	unsigned strip;			/* leading characters dropped */
	const char *prefix;		/* put in front, or NULL */
};

struct b2b_dialplan;

/**
 * b2b_dialplan_new - compile a rule list
 * @rules: @n rules, tried in order
 * @err: on -EINVAL, why (names the rule by its 0-based index); may be NULL
 *
 * A rule with @replace needs @match and may not set @strip or @prefix;
 * the template may only name groups the pattern has.  @prefix is
 * B2B_DIALPLAN_PREFIX_MAX characters at most, of "+0123456789".
 *
 * @return the compiled plan, or NULL with errno EINVAL (bad rule, see
 * @err), E2BIG (more than B2B_DIALPLAN_RULES_MAX rules) or ENOMEM.
 */
struct b2b_dialplan *b2b_dialplan_new(const struct b2b_dialplan_rule *rules,
				      unsigned n, char *err, size_t errlen);

struct cfg_realm;

/**
 * b2b_dialplan_from_realm - compile the dial plan configured for a realm
 * @r: the realm (its dialplan rules, cfg.h)
 * @err: on -EINVAL, why (names the rule by its 0-based index)
 *
 * @return as b2b_dialplan_new(); a realm without rules gives a plan that
 * matches nothing.
 */
struct b2b_dialplan *b2b_dialplan_from_realm(const struct cfg_realm *r,
					     char *err, size_t errlen);

/* b2b_dialplan_free - accepts NULL. */
void b2b_dialplan_free(struct b2b_dialplan *dp);

/**
 * b2b_dialplan_apply - normalise @in
 * @dp: the plan; NULL has no rules
 * @out: the rewritten number, a number ("+" then digits, or digits) of at
 *	most B2B_DIALPLAN_NUMBER_MAX characters; a copy of @in when no rule
 *	matched
 *
 * @return the index of the rule that matched, -ENOENT (none matched,
 * @out is @in), -E2BIG (@in longer than B2B_DIALPLAN_NUMBER_MAX),
 * -EINVAL (the rule's result is not a number or too long; @out is ""),
 * -ENOSPC (@len too small for the result).
 */
int b2b_dialplan_apply(const struct b2b_dialplan *dp, const char *in,
		       char *out, size_t len);

#endif
