# Test tools: small programs the integration tests drive.
#   ft_put      writes flows into the flow table as sbcd will (issue 5)
#   srtp_check  unprotects SRTP with libsrtp2 to check what the dataplane sent
# Prerequisites use patsubst rather than $(call obj,...): this fragment may
# be included before the top-level Makefile defines obj.
TOOLS := $(BUILD)/tests/tools/ft_put $(BUILD)/tests/tools/srtp_check

$(BUILD)/tests/tools/%.o: CFLAGS += -Itests/tools $(call pc_cflags,libconfig libsrtp2)

$(BUILD)/tests/tools/ft_put: $(patsubst %.c,$(BUILD)/%.o,tests/tools/ft_put.c \
		dataplane/ft.c $(CFG_SRCS))
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(call pc_libs,libconfig) -lrt

$(BUILD)/tests/tools/srtp_check: $(BUILD)/tests/tools/srtp_check.o
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(call pc_libs,libsrtp2)

.PHONY: tools
tools: $(TOOLS)
