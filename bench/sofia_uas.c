/*
 * A bare Sofia-SIP UAS: the floor under sbcd's memory per call.
 *
 * Issue 3 holds sbcd to a figure per call next to "a bare Sofia-SIP UAS"
 * per dialog.  bench/b2bua.sh measures this program in the same run, the
 * same lab and under the same sipp caller and ramp as sbcd, so both
 * figures include what Sofia keeps per call set-up (the INVITE
 * transactions, 64*T1 after the 2xx, RFC 6026) taken the same way.  nua is
 * set up as sbcd sets up each realm's (b2bua/sip.c): one thread, media
 * disabled, nothing answered automatically; every INVITE gets 180 and a
 * 200 with a fixed SDP, nua answers BYE itself, and a handle is destroyed
 * when its call has ended.  Nothing else: no policy, store, ctl or media.
 *
 * usage: sofia_uas URL        e.g. sofia_uas sip:10.10.1.1:5060
 * It runs until killed; it prints "ready" once it listens.
 */
#include <stdio.h>
#include <stdlib.h>

#include <sofia-sip/nua.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/sip_tag.h>
#include <sofia-sip/tport_tag.h>

/* as b2bua/sip.c */
#define UDP_BUFFER (4 << 20)

static const char SDP[] =
	"v=0\r\n"
	"o=uas 1 1 IN IP4 192.0.2.1\r\n"
	"s=-\r\n"
	"c=IN IP4 192.0.2.1\r\n"
	"t=0 0\r\n"
	"m=audio 40000 RTP/AVP 0\r\n"
	"a=rtpmap:0 PCMU/8000\r\n";

static void on_event(nua_event_t event, int status, char const *phrase,
		     nua_t *nua, nua_magic_t *magic, nua_handle_t *nh,
		     nua_hmagic_t *hmagic, sip_t const *sip, tagi_t tags[])
{
	int state = nua_callstate_init;

	(void)status;
	(void)phrase;
	(void)nua;
	(void)magic;
	(void)hmagic;
	(void)sip;
	switch (event) {
	case nua_i_invite:
		nua_respond(nh, SIP_180_RINGING, TAG_END());
		nua_respond(nh, SIP_200_OK,
			    SIPTAG_CONTENT_TYPE_STR("application/sdp"),
			    SIPTAG_PAYLOAD_STR(SDP), TAG_END());
		break;
	case nua_i_state:
		tl_gets(tags, NUTAG_CALLSTATE_REF(state), TAG_END());
		if (state == nua_callstate_terminated)
			nua_handle_destroy(nh);
		break;
	default:
		break;
	}
}

int main(int argc, char **argv)
{
	su_root_t *root;
	nua_t *nua;

	if (argc != 2) {
		fprintf(stderr, "usage: sofia_uas URL\n");
		return 2;
	}
	if (su_init() != 0)
		return 1;
	root = su_root_create(NULL);
	if (!root)
		return 1;
	/* as sbcd: the stack on this thread, not in a clone */
	su_root_threading(root, 0);
	/* sbcd's socket buffers too (b2bua/sip.c), so bursts drop alike */
	nua = nua_create(root, on_event, NULL, NUTAG_URL(argv[1]),
			 TPTAG_UDP_RMEM(UDP_BUFFER), TPTAG_UDP_WMEM(UDP_BUFFER),
			 TAG_END());
	if (!nua) {
		fprintf(stderr, "sofia_uas: cannot listen on %s\n", argv[1]);
		return 1;
	}
	nua_set_params(nua,
		NUTAG_MEDIA_ENABLE(0),
		NUTAG_AUTOANSWER(0),
		NUTAG_AUTOALERT(0),
		NUTAG_AUTOACK(0),
		TAG_END());
	printf("ready\n");
	fflush(stdout);
	su_root_run(root);
	return 0;
}
