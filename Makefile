# SBC appliance: top-level build.
#
#   make            sbcd, sbc-dataplane and sbcctl in $(BUILD)/
#   make deps       install every Debian package the build, tests and demo need
#   make test       unit tests, then integration tests (network-namespace lab)
#   make asan       the same tests built with -fsanitize=address,undefined
#   make demo       build, start the lab and the daemons, show sbcctl status
#   make fuzz       run each libFuzzer target for FUZZ_TIME seconds
#   make bench-dataplane  dataplane figures (bench/README.md)
#   make bench-b2bua      calls per second, concurrent calls, memory per call
#
# Quiet unless V=1.  Objects live in $(BUILD)/<dir>/, so the ASan build
# (build-asan/) never mixes with the normal one.

# `make` alone builds the programs, whatever the fragments below define first.
.DEFAULT_GOAL := all

BUILD ?= build
V ?= 0
SAN ?= 0

CC ?= cc
PKG_CONFIG ?= pkg-config

ifeq ($(V),1)
Q :=
else
Q := @
endif

CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -MMD -MP -D_GNU_SOURCE \
	-Ib2bua -Idataplane -Ictl
LDFLAGS :=
ifeq ($(SAN),1)
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif

pc_cflags = $(if $(1),$(shell $(PKG_CONFIG) --cflags $(1)))
pc_libs = $(if $(1),$(shell $(PKG_CONFIG) --libs $(1)))

# Debian 12's liblmdb-dev ships lmdb.pc; the -llmdb fallback keeps older
# hosts building.
LMDB_LIBS := $(shell $(PKG_CONFIG) --libs lmdb 2>/dev/null || echo -llmdb)

SBCD_PKGS := sofia-sip-ua libconfig jansson openssl
DP_PKGS := libdpdk libconfig jansson libsrtp2
CTL_PKGS := libconfig jansson libedit

include b2bua/build.mk
include dataplane/build.mk
include ctl/build.mk
include tests/unit/build.mk
include tests/fuzz/build.mk
include bench/build.mk
include bench/b2bua.mk
include tests/tools/build.mk

PROGS := $(BUILD)/sbcd $(BUILD)/sbc-dataplane $(BUILD)/sbcctl

.PHONY: all deps test unit integration asan demo lab-down clean fuzz bench
all: $(PROGS)

obj = $(patsubst %.c,$(BUILD)/%.o,$(1))

$(BUILD)/b2bua/%.o: CFLAGS += $(call pc_cflags,$(SBCD_PKGS))
$(BUILD)/dataplane/%.o: CFLAGS += $(call pc_cflags,$(DP_PKGS))
$(BUILD)/ctl/%.o: CFLAGS += $(call pc_cflags,$(CTL_PKGS))

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/sbcd: $(call obj,$(SBCD_SRCS))
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(call pc_libs,$(SBCD_PKGS)) $(LMDB_LIBS) -lpthread

$(BUILD)/sbc-dataplane: $(call obj,$(DP_SRCS))
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(call pc_libs,$(DP_PKGS)) -lpthread -lrt

$(BUILD)/sbcctl: $(call obj,$(CTL_SRCS))
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(call pc_libs,$(CTL_PKGS))

# Unit tests: tests/unit/build.mk names each test's objects and packages.
UNIT_BINS := $(patsubst %,$(BUILD)/tests/unit/%,$(UNIT_TESTS))

define unit_rule
$(BUILD)/tests/unit/$(1).o: CFLAGS += $$(call pc_cflags,cmocka $$($(1)_PKGS))
$(BUILD)/tests/unit/$(1): $(BUILD)/tests/unit/$(1).o $$(call obj,$$($(1)_SRCS))
	@$$(if $$(Q),echo "  LD      $$@")
	$$(Q)$$(CC) $$(LDFLAGS) -o $$@ $$^ $$(call pc_libs,cmocka $$($(1)_PKGS)) $$($(1)_LIBS) -lpthread
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_rule,$(t))))

unit: $(UNIT_BINS)
	$(Q)tests/run-unit.sh $(UNIT_BINS)

integration: $(PROGS) $(TOOLS)
	$(Q)tests/run-integration.sh $(BUILD)

test: deps
	$(Q)$(MAKE) --no-print-directory unit
	$(Q)$(MAKE) --no-print-directory integration

check: test

asan: deps
	$(Q)$(MAKE) --no-print-directory BUILD=build-asan SAN=1 unit
	$(Q)$(MAKE) --no-print-directory BUILD=build-asan SAN=1 integration

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tests/lab/demo.sh $(BUILD)

lab-down:
	$(Q)tests/lab/lab.sh down

DEB_PKGS := build-essential pkg-config \
	libsofia-sip-ua-dev libdpdk-dev dpdk dpdk-dev libsrtp2-dev libssl-dev \
	libconfig-dev liblmdb-dev lmdb-utils libjansson-dev libedit-dev \
	libcmocka-dev libnftnl-dev libmnl-dev \
	iproute2 iputils-ping ethtool nftables sip-tester baresip tcpdump procps psmisc socat python3 openssl \
	clang libclang-rt-14-dev

# Idempotent: installs only when a package is missing.
deps:
	$(Q)if dpkg-query -W -f='$${Status}\n' $(DEB_PKGS) 2>/dev/null | \
		grep -qv '^install ok installed$$' || \
		[ $$(dpkg-query -W -f='$${Status}\n' $(DEB_PKGS) 2>/dev/null | wc -l) -ne $(words $(DEB_PKGS)) ]; then \
		apt-get update && \
		apt-get install -y --no-install-recommends $(DEB_PKGS); \
	fi

clean:
	rm -rf build build-asan build-fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
