# sbcd: every .c in b2bua/ is part of the daemon.
SBCD_SRCS := $(wildcard b2bua/*.c)
# the flow table's attach and writer side (sbcd is its writer)
SBCD_SRCS += dataplane/ft.c
# MSRP URIs of a=path (msrp_sdp.c); libc only
SBCD_SRCS += dataplane/msrp_parse.c
# a=fingerprint of MSRP over TLS (msrp_sdp.c); OpenSSL
SBCD_SRCS += dataplane/msrp_fp.c

# The configuration loader and logging are shared by all three programs.
CFG_SRCS := b2bua/cfg.c b2bua/cfg_schema.c b2bua/cfg_check.c b2bua/log.c \
	b2bua/dialplan.c b2bua/sip_transport.c
