# Unit tests (cmocka).  One line group per test: the sources it links
# (besides tests/unit/<test>.c), the pkg-config packages, extra libraries.
UNIT_TESTS := test_cfg test_store test_store_codec test_store_crash \
	test_ctl_server test_ctl_render \
	test_dp_eal_args

test_cfg_SRCS := $(CFG_SRCS) tests/unit/cfg_fixture.c
test_cfg_PKGS := libconfig
UNIT_TESTS += test_cfg_rules
test_cfg_rules_SRCS := $(test_cfg_SRCS)
test_cfg_rules_PKGS := libconfig
# a realm's media addresses: one or several, and the rules on them
UNIT_TESTS += test_cfg_media
test_cfg_media_SRCS := $(test_cfg_SRCS)
test_cfg_media_PKGS := libconfig

# the store tests share the store sources and tests/unit/store_fixture.c
STORE_TEST_SRCS := b2bua/store.c b2bua/store_codec.c b2bua/store_records.c \
	b2bua/log.c tests/unit/store_fixture.c

test_store_SRCS := $(STORE_TEST_SRCS)
test_store_PKGS := jansson
test_store_LIBS := $(LMDB_LIBS)

test_store_codec_SRCS := $(STORE_TEST_SRCS)
test_store_codec_PKGS := jansson
test_store_codec_LIBS := $(LMDB_LIBS)

test_store_crash_SRCS := $(STORE_TEST_SRCS)
test_store_crash_PKGS := jansson
test_store_crash_LIBS := $(LMDB_LIBS)

UNIT_TESTS += test_store_writer
test_store_writer_SRCS := $(STORE_TEST_SRCS) b2bua/store_writer.c
test_store_writer_PKGS := jansson
# calloc wrapped: a test makes the allocation of a job fail
test_store_writer_LIBS := $(LMDB_LIBS) -Wl,--wrap=calloc

test_ctl_server_SRCS := b2bua/ctl_server.c b2bua/ctl_registry.c \
	b2bua/ctl_help.c b2bua/log.c
test_ctl_server_PKGS := sofia-sip-ua jansson

test_ctl_render_SRCS := ctl/render.c ctl/words.c
test_ctl_render_PKGS := jansson

test_dp_eal_args_SRCS := dataplane/eal_args.c
test_dp_eal_args_PKGS :=

UNIT_TESTS += test_pkt
test_pkt_SRCS := dataplane/pkt_parse.c dataplane/pkt_rewrite.c \
	tests/unit/pkt_fixture.c
test_pkt_PKGS := libdpdk

# pkt_fixture.c: the frames and reference sums both packet tests share
$(BUILD)/tests/unit/pkt_fixture.o: CFLAGS += $(call pc_cflags,cmocka libdpdk)

# the forwarding path's rewrite with per-flow address sums
UNIT_TESTS += test_pkt_forward
test_pkt_forward_SRCS := $(test_pkt_SRCS)
test_pkt_forward_PKGS := libdpdk

UNIT_TESTS += test_acl test_route test_money test_provision

test_acl_SRCS := b2bua/acl.c $(CFG_SRCS) $(STORE_TEST_SRCS)
test_acl_PKGS := jansson libconfig
test_acl_LIBS := $(LMDB_LIBS)

test_route_SRCS := b2bua/route.c b2bua/acl.c $(CFG_SRCS) $(STORE_TEST_SRCS)
test_route_PKGS := jansson libconfig
test_route_LIBS := $(LMDB_LIBS)

test_money_SRCS := b2bua/money.c
test_money_PKGS :=

test_provision_SRCS := b2bua/provision.c b2bua/provision_peer.c \
	b2bua/provision_route.c b2bua/provision_account.c b2bua/acl.c \
	b2bua/provision_policy.c b2bua/account_policy.c \
	b2bua/route.c b2bua/money.c b2bua/ctl_registry.c \
	$(CFG_SRCS) $(STORE_TEST_SRCS)
test_provision_PKGS := jansson libconfig openssl sofia-sip-ua
test_provision_LIBS := $(LMDB_LIBS)

UNIT_TESTS += test_ft test_ft_index
# ft_fixture.c: attaching and the owner rules both table kinds share
test_ft_SRCS := dataplane/ft.c b2bua/log.c tests/unit/ft_fixture.c
test_ft_PKGS :=
test_ft_LIBS := -lrt

test_ft_index_SRCS := dataplane/ft_index.c dataplane/ft.c b2bua/log.c \
	tests/unit/eal_fixture.c
test_ft_index_PKGS := libdpdk
test_ft_index_LIBS := -lrt

# eal_fixture.c: the EAL without hugepages and a QSBR variable, for the
# tests of the structures the forwarding lcores read
$(BUILD)/tests/unit/eal_fixture.o: CFLAGS += $(call pc_cflags,libdpdk)

# tables named by a path: a directory, and hugetlbfs when root can mount it
UNIT_TESTS += test_ft_file
test_ft_file_SRCS := $(test_ft_SRCS)
test_ft_file_PKGS :=
test_ft_file_LIBS := -lrt

# MSRP framing (the relay's parser and printer)
UNIT_TESTS += test_msrp
test_msrp_SRCS := dataplane/msrp_parse.c dataplane/msrp_fp.c
test_msrp_PKGS := openssl

UNIT_TESTS += test_dp_srtp
test_dp_srtp_SRCS := dataplane/srtp.c
test_dp_srtp_PKGS := libsrtp2

# the forwarding lcores' flow state: build, publish (two copies per slot,
# RCU), and a reader thread against a changing writer
UNIT_TESTS += test_dp_flows
test_dp_flows_SRCS := dataplane/flows.c dataplane/srtp.c b2bua/log.c \
	tests/unit/eal_fixture.c
test_dp_flows_PKGS := libdpdk libsrtp2
test_dp_flows_LIBS := -lpthread

UNIT_TESTS += test_hide
test_hide_SRCS := b2bua/hide.c
test_hide_PKGS := sofia-sip-ua

# MESSAGE: balance keyword, body check, texts sent to subscribers
UNIT_TESTS += test_message
test_message_SRCS := b2bua/message_text.c b2bua/money.c
test_message_PKGS := sofia-sip-ua

UNIT_TESTS += test_refer
test_refer_SRCS := b2bua/refer.c
test_refer_PKGS := sofia-sip-ua

UNIT_TESTS += test_neigh
test_neigh_SRCS := dataplane/neigh.c dataplane/pkt_parse.c dataplane/pkt_rewrite.c
test_neigh_PKGS := libdpdk

# the neighbour table's lock-free readers, one writer and reader threads
UNIT_TESTS += test_neigh_shared
test_neigh_shared_SRCS := $(test_neigh_SRCS)
test_neigh_shared_PKGS := libdpdk
test_neigh_shared_LIBS := -lpthread

# credit control: the audit database, rating, the rates file, the balance
# and rate commands
UNIT_TESTS += test_store_audit test_rating test_rates_csv test_credit

test_store_audit_SRCS := $(STORE_TEST_SRCS)
test_store_audit_PKGS := jansson
test_store_audit_LIBS := $(LMDB_LIBS)

RATING_TEST_SRCS := b2bua/rating.c b2bua/route.c b2bua/acl.c \
	$(CFG_SRCS) $(STORE_TEST_SRCS)

test_rating_SRCS := $(RATING_TEST_SRCS)
test_rating_PKGS := jansson libconfig
test_rating_LIBS := $(LMDB_LIBS)

CREDIT_TEST_SRCS := b2bua/credit_ctl.c b2bua/credit_reserve.c \
	b2bua/credit_reconcile.c \
	b2bua/rates_ctl.c b2bua/rates_csv.c \
	b2bua/money.c b2bua/provision.c b2bua/provision_peer.c \
	b2bua/provision_route.c b2bua/provision_account.c \
	b2bua/provision_policy.c b2bua/account_policy.c \
	b2bua/ctl_registry.c tests/unit/credit_fixture.c $(RATING_TEST_SRCS)

test_rates_csv_SRCS := $(CREDIT_TEST_SRCS)
test_rates_csv_PKGS := jansson libconfig openssl sofia-sip-ua
test_rates_csv_LIBS := $(LMDB_LIBS)

test_credit_SRCS := $(CREDIT_TEST_SRCS)
test_credit_PKGS := jansson libconfig openssl sofia-sip-ua
test_credit_LIBS := $(LMDB_LIBS)

# the shared fixture includes sbcd.h (Sofia-SIP) and cmocka
$(BUILD)/tests/unit/credit_fixture.o: CFLAGS += \
	$(call pc_cflags,cmocka jansson sofia-sip-ua)

UNIT_TESTS += test_dialplan
test_dialplan_SRCS := b2bua/dialplan.c
test_dialplan_PKGS :=

UNIT_TESTS += test_callerid
test_callerid_SRCS := b2bua/callerid.c b2bua/log.c
test_callerid_PKGS := sofia-sip-ua

# digest authentication of subscribers
UNIT_TESTS += test_auth
test_auth_SRCS := b2bua/auth.c
test_auth_PKGS := openssl sofia-sip-ua

UNIT_TESTS += test_dp_latch
test_dp_latch_SRCS :=
test_dp_latch_PKGS :=

# media anchoring: port allocator, SDES, SDP rewriting
UNIT_TESTS += test_media_ports test_sdes test_sdp_rewrite
test_media_ports_SRCS := b2bua/media_ports.c
test_media_ports_PKGS :=
test_sdes_SRCS := b2bua/sdes.c
test_sdes_PKGS := openssl
test_sdp_rewrite_SRCS := b2bua/sdp_rewrite.c b2bua/sdp_streams.c b2bua/sdp_syntax.c b2bua/sdes.c b2bua/media_ports.c \
	b2bua/msrp_sdp.c dataplane/msrp_parse.c dataplane/msrp_fp.c \
	tests/unit/sdp_fixture.c
test_sdp_rewrite_PKGS := sofia-sip-ua openssl
$(BUILD)/tests/unit/sdp_fixture.o: CFLAGS += $(call pc_cflags,cmocka sofia-sip-ua openssl)
# the rewriter's MSRP streams, on the same fixture
UNIT_TESTS += test_sdp_msrp
test_sdp_msrp_SRCS := $(test_sdp_rewrite_SRCS)
test_sdp_msrp_PKGS := $(test_sdp_rewrite_PKGS)

# dialog records and saved media state, what a restarted sbcd resumes
UNIT_TESTS += test_dialog_record
test_dialog_record_SRCS := b2bua/media_saved.c $(STORE_TEST_SRCS)
test_dialog_record_PKGS := jansson openssl sofia-sip-ua
test_dialog_record_LIBS := $(LMDB_LIBS)

# per-realm latching and RTP timeout over real offer/answer flows
UNIT_TESTS += test_media_policy
test_media_policy_SRCS := b2bua/media_policy.c $(test_sdp_rewrite_SRCS)
test_media_policy_PKGS := sofia-sip-ua openssl

# early offer/answer: when an offer in an early UPDATE or PRACK may cross
UNIT_TESTS += test_early_oa
test_early_oa_SRCS := b2bua/early_oa.c
test_early_oa_PKGS :=

# gateway OPTIONS monitor: the up/down state machine
UNIT_TESTS += test_gw_monitor
test_gw_monitor_SRCS := b2bua/gw_health.c
test_gw_monitor_PKGS := sofia-sip-ua

# sbcctl show dataplane: telemetry path, result, bounded exchange
UNIT_TESTS += test_dp_status
test_dp_status_SRCS := b2bua/dp_status.c b2bua/ctl_registry.c
test_dp_status_PKGS := jansson sofia-sip-ua

# prepaid calls: reservations shared by an account's calls, cut-off time
UNIT_TESTS += test_credit_call
test_credit_call_SRCS := b2bua/credit_reserve.c $(RATING_TEST_SRCS)
test_credit_call_PKGS := jansson libconfig sofia-sip-ua
test_credit_call_LIBS := $(LMDB_LIBS)

# postpaid limits and incoming-call rules of accounts
UNIT_TESTS += test_account_policy
test_account_policy_SRCS := b2bua/account_policy.c $(STORE_TEST_SRCS) \
	$(CFG_SRCS) tests/unit/cfg_fixture.c
test_account_policy_PKGS := jansson sofia-sip-ua libconfig
test_account_policy_LIBS := $(LMDB_LIBS)

# SIP transports: listen URLs per realm, TLS material and version floor
UNIT_TESTS += test_sip_transport test_sip_tls
test_sip_transport_SRCS := $(CFG_SRCS) tests/unit/cfg_fixture.c
test_sip_transport_PKGS := libconfig
test_sip_tls_SRCS := b2bua/sip_tls.c b2bua/log.c
test_sip_tls_PKGS := openssl

# prepaid crash safety: live call records, checkpoints, settling at restart
UNIT_TESTS += test_credit_checkpoint
test_credit_checkpoint_SRCS := b2bua/credit_checkpoint.c \
	b2bua/credit_reconcile.c b2bua/account_policy.c b2bua/credit_reserve.c b2bua/money.c \
	$(RATING_TEST_SRCS)
test_credit_checkpoint_PKGS := jansson libconfig sofia-sip-ua
test_credit_checkpoint_LIBS := $(LMDB_LIBS)

# parallel forking: the response a caller gets when every fork failed
UNIT_TESTS += test_fork
test_fork_SRCS := b2bua/fork_pick.c
test_fork_PKGS :=

# the realm keys subscribers and forking
UNIT_TESTS += test_cfg_realm_subscribers
test_cfg_realm_subscribers_SRCS := $(CFG_SRCS) tests/unit/cfg_fixture.c
test_cfg_realm_subscribers_PKGS := libconfig
