# B2BUA benchmark (issue 3): sipp -> sbcd -> sipp in the namespace lab,
# figures as `name: value` (bench/README.md).  Needs root for the lab.
# Included from the top-level Makefile: include bench/b2bua.mk

# the bare Sofia-SIP UAS whose memory per dialog the bench measures in
# the same run, as the floor under sbcd's per call
$(BUILD)/bench/sofia_uas: bench/sofia_uas.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE \
		-o $@ $^ $(call pc_cflags,sofia-sip-ua) \
		$(call pc_libs,sofia-sip-ua)

.PHONY: bench-b2bua
bench-b2bua: $(BUILD)/sbcd $(BUILD)/sbcctl $(BUILD)/bench/sofia_uas
	$(Q)bench/b2bua.sh $(BUILD)
