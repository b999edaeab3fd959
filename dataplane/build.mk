# sbc-dataplane: its own sources plus the shared configuration and logging.
DP_SRCS := $(wildcard dataplane/*.c) $(CFG_SRCS)
