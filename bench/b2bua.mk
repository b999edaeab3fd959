# B2BUA benchmark (issue 3): sipp -> sbcd -> sipp in the namespace lab,
# figures as `name: value` (bench/README.md).  Needs root for the lab.
# Included from the top-level Makefile: include bench/b2bua.mk

.PHONY: bench-b2bua
bench-b2bua: $(BUILD)/sbcd $(BUILD)/sbcctl
	$(Q)bench/b2bua.sh $(BUILD)
