# sbc-dataplane: its own sources plus the shared configuration and logging.
DP_SRCS := $(wildcard dataplane/*.c) $(CFG_SRCS)
# msrp_tls.c: MSRP over TLS (msrps:) with OpenSSL
DP_PKGS += openssl
