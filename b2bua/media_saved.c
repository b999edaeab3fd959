/*
 * A call's media state as hex text for its dialog record, and back; see
 * media_saved.h for what is kept and why.
 */
#include "media_saved.h"

#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>

/* bumped when the header or the order of what follows changes */
#define SAVED_FORMAT 1

struct header {
	uint32_t format;
	uint32_t stream_size;		/* sizeof(struct b2b_sdp_stream) */
	uint32_t n_streams;
	int32_t offerer;
	struct b2b_sdp_origin origin[2];
};

static const char hexdigits[] = "0123456789abcdef";

/*
 * @n bytes of @p as text at @out + *@pos; false when it does not fit.
 * Each byte is two hex digits, except that a run of zero bytes (most of
 * a stream: unused keys, paths, offers) is "z" and its length in two hex
 * digits; runs never cross from one call's bytes into the next.
 */
static bool put(char *out, size_t len, size_t *pos, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n;) {
		size_t run = 0;

		while (i + run < n && run < 255 && !b[i + run])
			run++;
		if (len - *pos <= 3)
			return false;
		if (run > 1) {
			out[(*pos)++] = 'z';
			out[(*pos)++] = hexdigits[run >> 4];
			out[(*pos)++] = hexdigits[run & 15];
			i += run;
			continue;
		}
		out[(*pos)++] = hexdigits[b[i] >> 4];
		out[(*pos)++] = hexdigits[b[i] & 15];
		i++;
	}
	out[*pos] = '\0';
	return true;
}

static int nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* the byte in the two hex digits at @s, or -1 */
static int byte(const char *s)
{
	int hi = nibble(s[0]), lo = hi < 0 ? -1 : nibble(s[1]);

	return lo < 0 ? -1 : hi << 4 | lo;
}

/* @n bytes from the text at *@hex into @p; false on a short or bad text */
static bool get(const char **hex, void *p, size_t n)
{
	uint8_t *b = p;

	for (size_t i = 0; i < n;) {
		int v;

		if (**hex == 'z') {
			v = byte(*hex + 1);
			if (v < 2 || (size_t)v > n - i)
				return false;
			memset(b + i, 0, (size_t)v);
			i += (size_t)v;
			*hex += 3;
			continue;
		}
		v = byte(*hex);
		if (v < 0)
			return false;
		b[i++] = (uint8_t)v;
		*hex += 2;
	}
	return true;
}

int b2b_media_saved_encode(const struct b2b_media_saved *ms, char *out,
			   size_t len)
{
	struct header h = {
		.format = SAVED_FORMAT,
		.stream_size = sizeof(struct b2b_sdp_stream),
		.n_streams = ms->n_streams,
		.offerer = ms->offerer,
	};
	size_t pos = 0;
	bool ok;

	if (ms->n_streams > B2B_SDP_MAX_STREAMS)
		return -EINVAL;
	if (!len)
		return -ENOSPC;
	out[0] = '\0';
	memcpy(h.origin, ms->origin, sizeof(h.origin));
	ok = put(out, len, &pos, &h, sizeof(h));
	for (uint32_t i = 0; ok && i < ms->n_streams; i++)
		ok = put(out, len, &pos, &ms->stream[i],
			 sizeof(ms->stream[i])) &&
		     put(out, len, &pos, &ms->n_slots[i],
			 sizeof(ms->n_slots[i])) &&
		     put(out, len, &pos, ms->slot[i], sizeof(ms->slot[i]));
	if (!ok) {
		OPENSSL_cleanse(out, len);
		return -ENOSPC;
	}
	return (int)pos;
}

static bool side_ok(int32_t side, bool none_ok)
{
	return side == B2B_SDP_A || side == B2B_SDP_B ||
	       (none_ok && side == -1);
}

/* the parts of a stream a later rewrite indexes or switches on */
static bool stream_ok(const struct b2b_sdp_stream *s, uint32_t n_slots)
{
	if ((unsigned)s->kind > B2B_SDP_MSRP)
		return false;
	if (n_slots != 0 && n_slots != 2 && n_slots != 4)
		return false;
	for (int e = 0; e < 2; e++)
		if (s->end[e].n_offered > B2B_SDP_OFFERED ||
		    (unsigned)s->end[e].dir > B2B_SDP_SENDRECV)
			return false;
	return true;
}

int b2b_media_saved_decode(const char *hex, struct b2b_media_saved *ms)
{
	struct header h;

	memset(ms, 0, sizeof(*ms));
	if (!hex || !get(&hex, &h, sizeof(h)) || h.format != SAVED_FORMAT ||
	    h.stream_size != sizeof(struct b2b_sdp_stream) ||
	    h.n_streams > B2B_SDP_MAX_STREAMS || !side_ok(h.offerer, true))
		goto bad;
	ms->n_streams = h.n_streams;
	ms->offerer = h.offerer;
	memcpy(ms->origin, h.origin, sizeof(ms->origin));
	for (uint32_t i = 0; i < ms->n_streams; i++)
		if (!get(&hex, &ms->stream[i], sizeof(ms->stream[i])) ||
		    !get(&hex, &ms->n_slots[i], sizeof(ms->n_slots[i])) ||
		    !get(&hex, ms->slot[i], sizeof(ms->slot[i])) ||
		    !stream_ok(&ms->stream[i], ms->n_slots[i]))
			goto bad;
	if (*hex)
		goto bad;
	OPENSSL_cleanse(&h, sizeof(h));
	return 0;
bad:
	OPENSSL_cleanse(ms, sizeof(*ms));
	return -EPROTO;
}
