/*
 * Unit tests of the latching decisions (dataplane/latch.h): which packet
 * moves a flow's latched source under each mode, and when a flow sends to
 * its pair's latched source.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "latch.h"

static const struct dp_latch_state fresh = { 0 };

static void test_off_never_learns(void **state)
{
	struct dp_latch_state st = { .latched = true, .seen = true,
				     .last_ssrc = 1 };

	(void)state;
	assert_false(dp_latch_learn(FT_LATCH_OFF, &fresh, 1, true));
	assert_false(dp_latch_learn(FT_LATCH_OFF, &st, 2, true));
	assert_false(dp_latch_use(FT_LATCH_OFF, true));
}

static void test_first_learns_once(void **state)
{
	struct dp_latch_state st = { .latched = true, .seen = true,
				     .last_ssrc = 1 };

	(void)state;
	assert_true(dp_latch_learn(FT_LATCH_FIRST, &fresh, 1, true));
	/* an unclassifiable first packet still latches: it passed SRTP */
	assert_true(dp_latch_learn(FT_LATCH_FIRST, &fresh, 0, false));
	/* a new source, even with a new SSRC, does not move it */
	assert_false(dp_latch_learn(FT_LATCH_FIRST, &st, 2, true));
	assert_true(dp_latch_use(FT_LATCH_FIRST, true));
	assert_false(dp_latch_use(FT_LATCH_FIRST, false));
}

static void test_ssrc_relatches_on_new_ssrc_and_source(void **state)
{
	struct dp_latch_state st = { .latched = true, .seen = true,
				     .last_ssrc = 1 };

	(void)state;
	assert_true(dp_latch_learn(FT_LATCH_SSRC, &fresh, 1, true));
	/* new source, same SSRC: a stray or spoofed packet, not a move */
	assert_false(dp_latch_learn(FT_LATCH_SSRC, &st, 1, true));
	/* new source and new SSRC: the stream moved */
	assert_true(dp_latch_learn(FT_LATCH_SSRC, &st, 2, true));
	/* same source, new SSRC: nothing to move */
	st.same_source = true;
	assert_false(dp_latch_learn(FT_LATCH_SSRC, &st, 2, true));
	/* no SSRC to compare: keep */
	st.same_source = false;
	assert_false(dp_latch_learn(FT_LATCH_SSRC, &st, 2, false));
	/* latched but no packet counted yet (counters of a new epoch) */
	st.seen = false;
	assert_true(dp_latch_learn(FT_LATCH_SSRC, &st, 1, true));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_off_never_learns),
		cmocka_unit_test(test_first_learns_once),
		cmocka_unit_test(test_ssrc_relatches_on_new_ssrc_and_source),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
