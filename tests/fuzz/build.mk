# libFuzzer targets, one per parser the project wrote or wraps.  Built with
# clang into build-fuzz/; `make fuzz` runs each for FUZZ_TIME seconds from
# its seeds (tests/fuzz/seeds/, conf/) and fails on any crash, leak or
# sanitizer report.  New inputs land in build-fuzz/corpus-<target>/.
FUZZ_BUILD := build-fuzz
FUZZ_TIME ?= 30
FUZZ_CC ?= clang
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -D_GNU_SOURCE -Ib2bua -Idataplane

FUZZ_TARGETS := fuzz_cfg fuzz_store_codec fuzz_ctl_request fuzz_pkt \
	fuzz_rates_csv fuzz_sdp_rewrite fuzz_msrp

fuzz_cfg_SRCS := $(CFG_SRCS)
fuzz_cfg_PKGS := libconfig
fuzz_cfg_SEEDS := conf conf/examples

fuzz_store_codec_SRCS := b2bua/store.c b2bua/store_codec.c \
	b2bua/store_records.c b2bua/log.c
fuzz_store_codec_PKGS := jansson lmdb
fuzz_store_codec_SEEDS := tests/fuzz/seeds/store

fuzz_ctl_request_SRCS := b2bua/ctl_registry.c b2bua/ctl_help.c b2bua/log.c
fuzz_ctl_request_PKGS := jansson
fuzz_ctl_request_SEEDS := tests/fuzz/seeds/ctl

# libdpdk for the protocol headers and header-only checksums; no EAL.
fuzz_pkt_SRCS := dataplane/pkt_parse.c dataplane/pkt_rewrite.c
fuzz_pkt_PKGS := libdpdk
fuzz_pkt_SEEDS := tests/fuzz/seeds/pkt

# rating.c needs route.c (number syntax), which needs acl.c and the store.
fuzz_rates_csv_SRCS := b2bua/rates_csv.c b2bua/rating.c b2bua/money.c \
	b2bua/route.c b2bua/acl.c b2bua/store.c b2bua/store_codec.c \
	b2bua/store_records.c $(CFG_SRCS)
fuzz_rates_csv_PKGS := jansson libconfig lmdb
fuzz_rates_csv_SEEDS := tests/fuzz/seeds/rates

# the first byte of an input picks the realms' SRTP policies
fuzz_sdp_rewrite_SRCS := b2bua/sdp_rewrite.c b2bua/sdp_streams.c b2bua/sdp_syntax.c b2bua/sdes.c b2bua/media_ports.c \
	b2bua/msrp_sdp.c dataplane/msrp_parse.c dataplane/msrp_fp.c
fuzz_sdp_rewrite_PKGS := sofia-sip-ua openssl
fuzz_sdp_rewrite_SEEDS := tests/fuzz/seeds/sdp

# MSRP framing as the relay reads a TCP stream; libc only
fuzz_msrp_SRCS := dataplane/msrp_parse.c
fuzz_msrp_PKGS :=
fuzz_msrp_SEEDS := tests/fuzz/seeds/msrp

# the account policy's in_hours rules
FUZZ_TARGETS += fuzz_account_policy
fuzz_account_policy_SRCS := b2bua/account_policy.c
fuzz_account_policy_PKGS := sofia-sip-ua
fuzz_account_policy_SEEDS := tests/fuzz/seeds/hours

define fuzz_rule
$(FUZZ_BUILD)/$(1): tests/fuzz/$(1).c $$($(1)_SRCS)
	@mkdir -p $$(@D)
	@$$(if $$(Q),echo "  FUZZCC  $$@")
	$$(Q)$$(FUZZ_CC) $$(FUZZ_CFLAGS) -o $$@ $$^ \
		$$(if $$($(1)_PKGS),$$(shell $$(PKG_CONFIG) --cflags --libs $$($(1)_PKGS)))
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_rule,$(t))))

define fuzz_run_rule
.PHONY: fuzz-run-$(1)
fuzz-run-$(1): $(FUZZ_BUILD)/$(1)
	@mkdir -p $(FUZZ_BUILD)/corpus-$(1)
	@echo "  FUZZ    $(1) ($$(FUZZ_TIME) s)"
	$$(Q)$(FUZZ_BUILD)/$(1) -max_total_time=$$(FUZZ_TIME) -timeout=10 \
		-artifact_prefix=$(FUZZ_BUILD)/$(1)- \
		$(FUZZ_BUILD)/corpus-$(1) $$($(1)_SEEDS) \
		>$(FUZZ_BUILD)/$(1).log 2>&1 || \
		{ tail -40 $(FUZZ_BUILD)/$(1).log; exit 1; }
	@tail -1 $(FUZZ_BUILD)/$(1).log
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_run_rule,$(t))))

# One target at a time: each fuzzer keeps a core busy.
fuzz: deps
	$(Q)for t in $(FUZZ_TARGETS); do \
		$(MAKE) --no-print-directory fuzz-run-$$t || exit 1; \
	done
