/*
 * What sdp_rewrite.c and sdp_streams.c share of a call's media state: the
 * copy a rewrite works on, the ports its ends take and give back, and the
 * endpoints they name.  Not for other files: sdp_rewrite.h is the API.
 */
#ifndef SBC_SDP_STREAMS_H
#define SBC_SDP_STREAMS_H

#include <stdbool.h>
#include <stdint.h>

#include "sdp_rewrite.h"

/* b2b_sdp_endpoint - @ep set to @ip and @port, the rest zero */
void b2b_sdp_endpoint(struct ft_endpoint *ep, const struct cfg_ip *ip,
		      uint16_t port);

/* b2b_sdp_end_clear - wipe one leg's end of a stream, keys included */
void b2b_sdp_end_clear(struct b2b_sdp_end *e);

/* b2b_sdp_streams_free - free @st's streams and MSRP ends; none left */
void b2b_sdp_streams_free(struct b2b_sdp_state *st);

/**
 * b2b_sdp_state_copy - @to: a copy of @from with its own streams, @n of
 * them (@n >= @from's): those past @from's are empty.  The ports stay
 * counted once: b2b_sdp_release_diff() settles them after the rewrite.
 *
 * @return 0, or -ENOMEM, which leaves @to without streams.
 */
int b2b_sdp_state_copy(struct b2b_sdp_state *to,
		       const struct b2b_sdp_state *from, unsigned n);

/* b2b_sdp_release_diff - release the ports @a holds that @b does not */
void b2b_sdp_release_diff(const struct b2b_sdp_state *a,
			  const struct b2b_sdp_state *b);

/**
 * b2b_sdp_ports_take - give end @e of side @side a pair or one port, unless
 * it has what is needed: on the leg's media address, or, for the leg's
 * first, on the one the pool chooses, which becomes the leg's
 *
 * @return 0, or -ENOSPC as b2b_port_pool_alloc().
 */
int b2b_sdp_ports_take(struct b2b_sdp_state *st, int side,
		       struct b2b_sdp_end *e, bool pair);

#endif
