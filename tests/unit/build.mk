# Unit tests (cmocka).  One line group per test: the sources it links
# (besides tests/unit/<test>.c), the pkg-config packages, extra libraries.
UNIT_TESTS := test_cfg test_store test_ctl_server test_ctl_render

test_cfg_SRCS := b2bua/cfg.c b2bua/log.c
test_cfg_PKGS := libconfig

test_store_SRCS := b2bua/log.c
test_store_PKGS := jansson
test_store_LIBS := $(LMDB_LIBS)

test_ctl_server_SRCS := b2bua/log.c
test_ctl_server_PKGS := sofia-sip-ua jansson libconfig

test_ctl_render_SRCS := b2bua/log.c
test_ctl_render_PKGS := jansson
