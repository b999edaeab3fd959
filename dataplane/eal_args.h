/*
 * The EAL command line of sbc-dataplane, derived from the configuration.
 *
 * The operator never writes an EAL command line by hand: dataplane.eal_args
 * supplies the free-form part (memory, --no-huge, log levels), and the rest
 * is generated from the structured keys so that the ports the dataplane is
 * told to use are exactly the devices the EAL probes:
 *
 *   sbc-dataplane <eal_args...> -l <lcores> [--file-prefix=sbc-dp]
 *                 (--lcores <lcores> when they map lcores to CPUs with @)
 *                 { --vdev <device> | -a <device> } per port
 *
 * This module is pure (no DPDK calls) so that it can be unit tested and run
 * by --check without touching the EAL.
 */
#ifndef SBC_DP_EAL_ARGS_H
#define SBC_DP_EAL_ARGS_H

#include <stdbool.h>
#include <stddef.h>

#include "cfg.h"

/* Program name, eal_args, "-l" lcores, file prefix, two per port. */
#define DP_EAL_ARGV_MAX (1 + CFG_MAX_EAL_ARGS + 2 + 1 + 2 * CFG_MAX_DP_PORTS)

/*
 * Used when dataplane.eal_args has no --file-prefix.  A fixed default makes
 * a second dataplane on the same host fail on the EAL lock instead of
 * silently sharing its runtime directory, and it puts the telemetry socket
 * where sbcctl looks: /var/run/dpdk/sbc-dp/dpdk_telemetry.v2.
 */
#define DP_EAL_FILE_PREFIX "sbc-dp"

/* An argv for rte_eal_init() that owns its strings. */
struct dp_eal_args {
	int argc;
	char *argv[DP_EAL_ARGV_MAX + 1];	/* NULL-terminated */
	char store[DP_EAL_ARGV_MAX][CFG_PATH_MAX];
};

/**
 * dp_eal_args_build - the EAL argv for a configuration
 * @cfg: a loaded configuration
 * @prog: argv[0], used by the EAL in its messages
 * @out: receives the arguments; its argv points into its own store, so
 *       rte_eal_init() may permute argv freely
 *
 * A port whose device starts with "net_" is a virtual device (--vdev, e.g.
 * "net_af_packet0,iface=eth1"); any other device is a PCI address that is
 * put on the allow list (-a), so the EAL probes no NIC it was not given.
 *
 * @return 0, or
 *  -EINVAL when dataplane.lcores is set and eal_args also chooses lcores
 *          (-l, -c or --lcores), which would leave two answers;
 *  -E2BIG when the result would not fit DP_EAL_ARGV_MAX;
 *  -ENAMETOOLONG when one argument would not fit CFG_PATH_MAX.
 */
int dp_eal_args_build(const struct cfg *cfg, const char *prog,
		      struct dp_eal_args *out);

/* dp_eal_device_is_vdev - true when @device names a virtual device. */
bool dp_eal_device_is_vdev(const char *device);

/**
 * dp_eal_device_name - the device part of a device string
 * @device: "net_ring0,nodeaction=..." or "0000:01:00.0,opt=..."
 * @name: receives the part before the first comma, which is the ethdev name
 *        of a vdev and the PCI address of a NIC
 * @len: size of @name
 *
 * @return 0, or -ENAMETOOLONG when it does not fit @len.
 */
int dp_eal_device_name(const char *device, char *name, size_t len);

#endif
