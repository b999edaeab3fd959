/* RFC 4648 base64 decoding for the test tools (SDES inline keys). */
#ifndef SBC_TESTS_B64_H
#define SBC_TESTS_B64_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* decode @s ('=' padding optional) into @out; bytes written, or -1 */
static inline int b64_decode(const char *s, uint8_t *out, size_t max)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint32_t acc = 0;
	size_t n = 0;
	int bits = 0;

	for (; *s && *s != '='; s++) {
		const char *p = strchr(tab, *s);

		if (!p)
			return -1;
		acc = acc << 6 | (uint32_t)(p - tab);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n == max)
				return -1;
			out[n++] = (uint8_t)(acc >> bits);
		}
	}
	return (int)n;
}

#endif
