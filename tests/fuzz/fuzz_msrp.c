/*
 * libFuzzer target for MSRP framing (dataplane/msrp_parse.c), as the
 * relay uses it on a TCP byte stream.
 *
 * The input sits in a heap block of exactly its length, so ASan catches
 * any read past it.  Messages are parsed one after another from the
 * start, as the relay does; each one is printed again with other paths,
 * and the print must parse as the same message (tid, flag, body, header
 * count); each To-Path and Byte-Range goes through their parsers.  Every
 * prefix of the first message must need more bytes or fail, never parse
 * as something longer than itself.
 *
 *   clang -g -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Idataplane \
 *	tests/fuzz/fuzz_msrp.c dataplane/msrp_parse.c -o fuzz_msrp
 *   ./fuzz_msrp -max_total_time=60 tests/fuzz/seeds/msrp
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "msrp_parse.h"

#define MAX_BODY 65536

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_one(const struct dp_msrp_msg *m)
{
	static const struct dp_msrp_str to = {
		"msrp://10.10.2.10:8888/gw;tcp", 29 };
	static const struct dp_msrp_str from = {
		"msrp://[2001:db8::1]:2855/abcdefgh;tcp", 38 };
	const struct dp_msrp_str *v = dp_msrp_header(m, "Byte-Range");
	struct dp_msrp_range r;
	struct dp_msrp_uri u;
	struct dp_msrp_str first;
	struct dp_msrp_msg p;
	size_t cap = m->len + 256;
	char *out = malloc(cap);
	long n;

	if (v)
		dp_msrp_range_parse(v, &r);
	if (dp_msrp_path_first(&m->to_path, &first) == 0)
		dp_msrp_uri_parse(first.s, first.len, &u);
	if (!out)
		return;
	n = dp_msrp_print(m, &to, &from, out, cap);
	if (n > 0) {
		if (dp_msrp_parse(out, (size_t)n, MAX_BODY, &p) != n ||
		    p.tid.len != m->tid.len || p.flag != m->flag ||
		    p.has_body != m->has_body || p.body.len != m->body.len ||
		    (m->body.len && memcmp(p.body.s, m->body.s, m->body.len)) ||
		    p.n_hdr != m->n_hdr)
			abort();
	}
	if (m->request) {
		n = dp_msrp_response(m, 200, "OK", &from, out, cap);
		if (n > 0 && dp_msrp_parse(out, (size_t)n, MAX_BODY, &p) != n)
			abort();
	}
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size ? size : 1);
	struct dp_msrp_msg m;
	size_t off = 0;
	long n;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	n = dp_msrp_parse(buf, size, MAX_BODY, &m);
	if (n > 0)
		for (size_t k = 0; k < (size_t)n; k += 1 + k / 4) {
			struct dp_msrp_msg q;

			if (dp_msrp_parse(buf, k, MAX_BODY, &q) > (long)k)
				abort();
		}
	while (off < size && (n = dp_msrp_parse(buf + off, size - off,
						 MAX_BODY, &m)) > 0) {
		check_one(&m);
		off += (size_t)n;
	}
	free(buf);
	return 0;
}
