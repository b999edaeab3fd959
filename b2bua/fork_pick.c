/*
 * Choosing the best final response among the failed forks of a call
 * (RFC 3261 section 16.7 step 6).  See fork_pick.h for the rules.
 */
#include "fork_pick.h"

/* Rank of @s within its class: lower is better. */
static int class_rank(int s)
{
	switch (s) {
	case 415: case 420: case 484:
		return 0;
	case 486:
		return 1;
	case 401: case 407:
		return 3;
	default:
		return 2;
	}
}

/* Is @a a better response than @b (both final failures)? */
static int better(int a, int b)
{
	if (a / 100 != b / 100)
		return a / 100 < b / 100;
	if (class_rank(a) != class_rank(b))
		return class_rank(a) < class_rank(b);
	return a < b;
}

int b2b_fork_best(const int *status, unsigned n)
{
	int best = -1;

	for (unsigned i = 0; i < n; i++) {
		int s = status[i];

		if (s < 300 || s > 699)
			continue;
		if (s >= 600)		/* section 16.7 step 5: a 6xx ends it */
			return (int)i;
		if (best < 0 || better(s, status[best]))
			best = (int)i;
	}
	return best;
}

int b2b_fork_caller_status(int status)
{
	switch (status) {
	case 503:
		return 500;
	case 401: case 407:
		return 403;
	default:
		return status;
	}
}
