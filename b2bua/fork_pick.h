/*
 * The response a caller gets when every fork of a parallel-forked call
 * failed (RFC 3261 section 16.7 step 6, as it applies to a B2BUA).  Pure
 * functions, no SIP stack: call_fork.c applies them.
 */
#ifndef SBC_FORK_PICK_H
#define SBC_FORK_PICK_H

/**
 * b2b_fork_best - which of @n final statuses (>= 300; others are ignored)
 * goes back to the caller
 *
 * A 6xx wins outright (the first one).  Otherwise the lowest class wins
 * (3xx, then 4xx, then 5xx); within it 415, 420 and 484 come first (the
 * caller can fix its request: another body, without the extension, more
 * digits), then 486 (one of the user's devices is busy, which says more
 * than another's 404, 408 or 480), then the lowest code.  401 and 407 come
 * after every other 4xx: they challenge the SBC, which has no credentials
 * for the device, and the caller could not answer them either.  Ties go to
 * the earliest index.
 *
 * @return the index, or -1 when there is no final status >= 300.
 */
int b2b_fork_best(const int *status, unsigned n);

/**
 * b2b_fork_caller_status - the status sent to the caller for the best one
 * @status: 503 becomes 500 (section 16.7 step 6: a 503 would make the
 * caller think the SBC itself is out of service); 401 and 407 become 403
 * (a challenge the caller cannot answer); others are kept
 */
int b2b_fork_caller_status(int status);

#endif
