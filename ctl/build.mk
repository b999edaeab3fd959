# sbcctl: its own sources plus the shared configuration (to find the socket).
CTL_SRCS := $(wildcard ctl/*.c) $(CFG_SRCS)
