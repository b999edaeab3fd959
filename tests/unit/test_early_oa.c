/*
 * Unit tests of the early offer/answer rules (b2bua/early_oa.c): when the
 * INVITE's exchange counts as complete on each leg (reliable 18x, PRACK),
 * a new gateway starting leg B again, and the status an offer in an early
 * UPDATE or PRACK gets: 491 on glare, 500 while the exchange is incomplete
 * or the sender's own offer is pending, 488 when the other side's peer
 * cannot take UPDATE, 0 (relay) otherwise, from either leg.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "early_oa.h"

#define A 0
#define B 1

/* both legs complete, both peers allow UPDATE */
static struct b2b_early_oa ready(void)
{
	struct b2b_early_oa oa = {
		{ true, true }, { true, true },
	};

	return oa;
}

static void test_completion(void **state)
{
	struct b2b_early_oa oa;
	const bool none[2] = { false, false }, a_only[2] = { true, false };
	const bool b_only[2] = { false, true }, both[2] = { true, true };

	(void)state;
	memset(&oa, 0, sizeof(oa));
	/* an unreliable 18x completes nothing */
	assert_false(b2b_early_completes(&oa, none));
	assert_false(b2b_early_answer(&oa, none));
	assert_false(oa.done[A] || oa.done[B]);
	/* reliable toward the caller only (the callee's 18x had no RSeq) */
	assert_false(b2b_early_completes(&oa, a_only));
	assert_false(b2b_early_answer(&oa, a_only));
	assert_true(oa.done[A]);
	assert_false(oa.done[B]);
	/* a later reliable 18x from the callee completes leg B too */
	assert_true(b2b_early_completes(&oa, b_only));
	assert_true(b2b_early_answer(&oa, b_only));
	assert_true(oa.done[A] && oa.done[B]);
	/* an answer in PRACK is reliable on both legs at once */
	memset(&oa, 0, sizeof(oa));
	assert_true(b2b_early_completes(&oa, both));
	assert_true(b2b_early_answer(&oa, both));
}

static void test_leg_reset(void **state)
{
	struct b2b_early_oa oa = ready();

	(void)state;
	b2b_early_leg_reset(&oa, B);
	assert_true(oa.done[A] && oa.allows_update[A]);
	assert_false(oa.done[B] || oa.allows_update[B]);
	b2b_early_leg_reset(&oa, A);
	assert_false(oa.done[A] || oa.allows_update[A]);
}

static void test_relay(void **state)
{
	struct b2b_early_oa oa = ready();
	const char *phrase = NULL;

	(void)state;
	assert_int_equal(b2b_early_offer_status(&oa, A, -1, &phrase), 0);
	assert_int_equal(b2b_early_offer_status(&oa, B, -1, &phrase), 0);
}

static void test_glare_and_pending(void **state)
{
	struct b2b_early_oa oa = ready();
	const char *phrase = NULL;

	(void)state;
	/* sbcd sent the caller the callee's offer, the caller offers too */
	assert_int_equal(b2b_early_offer_status(&oa, A, B, &phrase), 491);
	assert_string_equal(phrase, "Request Pending");
	assert_int_equal(b2b_early_offer_status(&oa, B, A, &phrase), 491);
	/* the sender's own offer is still unanswered */
	assert_int_equal(b2b_early_offer_status(&oa, A, A, &phrase), 500);
	assert_string_equal(phrase, "Offer Pending");
	assert_int_equal(b2b_early_offer_status(&oa, B, B, &phrase), 500);
}

static void test_incomplete(void **state)
{
	struct b2b_early_oa oa = ready();
	const char *phrase = NULL;

	(void)state;
	/* the caller got the answer unreliably: nothing may cross either way */
	oa.done[A] = false;
	assert_int_equal(b2b_early_offer_status(&oa, B, -1, &phrase), 500);
	assert_string_equal(phrase, "Early Offer/Answer Not Complete");
	assert_int_equal(b2b_early_offer_status(&oa, A, -1, &phrase), 500);
	/* incomplete wins over the sender's pending INVITE offer */
	oa.done[A] = true;
	oa.done[B] = false;
	assert_int_equal(b2b_early_offer_status(&oa, A, A, &phrase), 500);
	assert_string_equal(phrase, "Early Offer/Answer Not Complete");
	/* glare still wins over both */
	assert_int_equal(b2b_early_offer_status(&oa, A, B, &phrase), 491);
}

static void test_no_update(void **state)
{
	struct b2b_early_oa oa = ready();
	const char *phrase = NULL;

	(void)state;
	/* the callee did not list UPDATE: the caller's offer cannot reach it,
	 * the callee's own offer still reaches the caller */
	oa.allows_update[B] = false;
	assert_int_equal(b2b_early_offer_status(&oa, A, -1, &phrase), 488);
	assert_string_equal(phrase, "Other Side Cannot Take UPDATE");
	assert_int_equal(b2b_early_offer_status(&oa, B, -1, &phrase), 0);
	oa.allows_update[B] = true;
	oa.allows_update[A] = false;
	assert_int_equal(b2b_early_offer_status(&oa, B, -1, &phrase), 488);
	assert_int_equal(b2b_early_offer_status(&oa, A, -1, &phrase), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_completion),
		cmocka_unit_test(test_leg_reset),
		cmocka_unit_test(test_relay),
		cmocka_unit_test(test_glare_and_pending),
		cmocka_unit_test(test_incomplete),
		cmocka_unit_test(test_no_update),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
