# Benchmarks: programs that print `name: value` figures (bench/README.md).
# They run against the normal build, never under sanitizers.

$(BUILD)/bench/srtp_bench: bench/srtp_bench.c dataplane/srtp.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE -Idataplane \
		-o $@ $^ $(call pc_cflags,libsrtp2) $(call pc_libs,libsrtp2)

# SRTP through dataplane/srtp.c, then the forwarding loop of sbc-dataplane
# against dpdk-testpmd 5tswap on the same ports (bench/dataplane_bench.py;
# on hugepages it reserves and mounts itself when run as root, else
# --no-huge).
.PHONY: bench-dataplane
bench-dataplane: $(BUILD)/bench/srtp_bench $(BUILD)/sbc-dataplane \
		$(BUILD)/tests/tools/ft_put
	$(Q)$(BUILD)/bench/srtp_bench
	$(Q)python3 bench/dataplane_bench.py $(BUILD)

# The relays of two builds alternated round after round, for a change to
# the forwarding loop (bench/dataplane_ab.py):
#   make bench-dataplane-ab A=build-base B=build [FLOWS=1000,1000000] [ROUNDS=3]
FLOWS ?= 1000
ROUNDS ?= 3
.PHONY: bench-dataplane-ab
bench-dataplane-ab:
	$(if $(and $(A),$(B)),,$(error bench-dataplane-ab: set A= and B= to two build directories))
	$(Q)python3 bench/dataplane_ab.py $(A) $(B) --flows $(FLOWS) --rounds $(ROUNDS)
