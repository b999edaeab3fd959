/*
 * libFuzzer target for the media packet parser and rewriter
 * (dataplane/pkt_parse.c, pkt_rewrite.c).
 *
 * The input is one Ethernet frame.  It sits in a heap block of exactly its
 * length behind some headroom, so ASan catches any read past the frame.
 * What parses as DP_PKT_MEDIA_UDP is rewritten (with a VLAN tag, which
 * moves the Ethernet header into the headroom), grown by an SRTP tag into
 * the tailroom and finalized, as the forwarding path would; the result
 * must parse again as the same datagram.  The first input byte picks the
 * parse flags and the output VLAN, so both paths are reached.  An
 * untagged IPv4 datagram sent untagged is also rewritten on a copy by
 * dp_pkt_forward(), whose path of its own for that case must write the
 * same bytes.
 *
 *   clang -g -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Idataplane \
 *	$(pkg-config --cflags libdpdk) tests/fuzz/fuzz_pkt.c \
 *	dataplane/pkt_parse.c dataplane/pkt_rewrite.c -o fuzz_pkt
 *   ./fuzz_pkt -max_total_time=60 tests/fuzz/seeds/pkt
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sys/socket.h>

#include "pkt.h"

#define HEADROOM 8
#define SRTP_TAG 10

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * 0 when dp_pkt_forward() makes of a copy of @buf what dp_pkt_rewrite()
 * with @rw makes of another, or when both refuse it (TTL).
 */
static int same_as_forward(const uint8_t *buf, size_t size,
			    const struct dp_pkt *p,
			    const struct dp_pkt_rewrite *rw)
{
	const struct dp_pkt_fwd fw = dp_pkt_fwd_of(rw);
	uint8_t *a = malloc(size), *b = malloc(size);
	struct dp_pkt pa = *p, pb = *p;
	int ra, rb, diff = 0;

	if (!a || !b)
		goto out;
	memcpy(a, buf, size);
	memcpy(b, buf, size);
	pa.data = a + (p->data - buf);
	pa.src_addr = a + (p->src_addr - buf);
	pa.dst_addr = a + (p->dst_addr - buf);
	pb.data = b + (p->data - buf);
	pb.src_addr = b + (p->src_addr - buf);
	pb.dst_addr = b + (p->dst_addr - buf);
	ra = dp_pkt_forward(&pa, &fw);
	rb = dp_pkt_rewrite(&pb, rw);
	diff = ra != rb || memcmp(a, b, size) != 0 ||
		(ra == 0 && (pa.len != pb.len || pa.src_port != pb.src_port ||
			     pa.dst_port != pb.dst_port));
out:
	free(a);
	free(b);
	return diff;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dp_pkt_rewrite rw = {
		.src_mac = { { 0x02, 0, 0, 0, 0, 0x01 } },
		.dst_mac = { { 0x02, 0, 0, 0, 0, 0x02 } },
		.src_addr = { 10, 0, 0, 1, [15] = 1 },
		.dst_addr = { 10, 0, 0, 2, [15] = 2 },
		.src_port = 10000,
		.dst_port = 20000,
	};
	struct dp_pkt p, again;
	uint8_t *buf;
	uint16_t len;
	uint32_t ssrc;
	unsigned flags;

	if (size < 1 || size > UINT16_MAX - HEADROOM - SRTP_TAG)
		return 0;
	flags = data[0] & 1 ? DP_PKT_RX_IP_CKSUM_GOOD : 0;
	rw.vlan = data[0] & 2;
	rw.vlan_tci = data[0];
	len = (uint16_t)(size - 1);
	buf = malloc(HEADROOM + len + SRTP_TAG);
	if (!buf)
		return 0;
	memcpy(buf + HEADROOM, data + 1, len);
	if (dp_pkt_parse(buf + HEADROOM, len, flags, &p) != DP_PKT_MEDIA_UDP)
		goto out;
	dp_rtp_classify(p.data + p.payload_off, p.payload_len, &ssrc);
	p.headroom = HEADROOM;
	p.tailroom = (uint16_t)(p.tailroom + SRTP_TAG);
	rw.family = p.family;
	if (p.family == AF_INET && p.n_vlan == 0 && !rw.vlan &&
	    same_as_forward(buf, HEADROOM + len + SRTP_TAG, &p, &rw) != 0)
		abort();
	if (dp_pkt_rewrite(&p, &rw) != 0)
		goto out;
	if (dp_pkt_resize(&p, SRTP_TAG) == 0)
		memset(p.data + p.payload_off + p.payload_len - SRTP_TAG, 0xa5,
		       SRTP_TAG);
	dp_pkt_finalize(&p);
	if (dp_pkt_parse(p.data, p.len, DP_PKT_RX_IP_CKSUM_GOOD, &again) !=
	    DP_PKT_MEDIA_UDP || again.payload_len != p.payload_len)
		abort();
out:
	free(buf);
	return 0;
}
