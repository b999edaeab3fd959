# sbc-dataplane: its own sources plus the shared configuration and logging.
DP_SRCS := $(wildcard dataplane/*.c) b2bua/cfg.c b2bua/log.c
