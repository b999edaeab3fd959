# Benchmarks: programs that print `name: value` figures (bench/README.md).
# They run against the normal build, never under sanitizers.

$(BUILD)/bench/srtp_bench: bench/srtp_bench.c dataplane/srtp.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE -Idataplane \
		-o $@ $^ $(call pc_cflags,libsrtp2) $(call pc_libs,libsrtp2)

.PHONY: bench-dataplane
bench-dataplane: $(BUILD)/bench/srtp_bench
	$(Q)$(BUILD)/bench/srtp_bench
