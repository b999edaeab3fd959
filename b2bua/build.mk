# sbcd: every .c in b2bua/ is part of the daemon.
SBCD_SRCS := $(wildcard b2bua/*.c)
