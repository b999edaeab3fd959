/*
 * Builds the EAL command line from the configuration; see eal_args.h.
 */
#include "eal_args.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* append one argument, copying it into the store */
static int push(struct dp_eal_args *a, const char *arg)
{
	int n;

	if (a->argc >= DP_EAL_ARGV_MAX)
		return -E2BIG;
	n = snprintf(a->store[a->argc], sizeof(a->store[a->argc]), "%s", arg);
	if (n < 0 || (size_t)n >= sizeof(a->store[a->argc]))
		return -ENAMETOOLONG;
	a->argv[a->argc] = a->store[a->argc];
	a->argc++;
	a->argv[a->argc] = NULL;
	return 0;
}

/*
 * -l, -c and --lcores all choose the lcores; the short options may carry
 * their value attached ("-l0-1"), so match on the prefix.
 */
static bool chooses_lcores(const char *arg)
{
	if (arg[0] == '-' && arg[1] != '-')
		return arg[1] == 'l' || arg[1] == 'c';
	return strncmp(arg, "--lcores", 8) == 0;
}

static bool sets_file_prefix(const char *arg)
{
	return strncmp(arg, "--file-prefix", 13) == 0;
}

bool dp_eal_device_is_vdev(const char *device)
{
	return strncmp(device, "net_", 4) == 0;
}

int dp_eal_device_name(const char *device, char *name, size_t len)
{
	size_t n = strcspn(device, ",");

	if (n >= len)
		return -ENAMETOOLONG;
	memcpy(name, device, n);
	name[n] = '\0';
	return 0;
}

int dp_eal_args_build(const struct cfg *cfg, const char *prog,
		      struct dp_eal_args *out)
{
	const struct cfg_dataplane *dp = &cfg->dp;
	bool has_prefix = false;
	int ret;

	out->argc = 0;
	out->argv[0] = NULL;
	ret = push(out, prog);
	if (ret < 0)
		return ret;

	for (unsigned i = 0; i < dp->n_eal_args; i++) {
		const char *arg = dp->eal_args[i];

		if (dp->lcores[0] != '\0' && chooses_lcores(arg))
			return -EINVAL;
		if (sets_file_prefix(arg))
			has_prefix = true;
		ret = push(out, arg);
		if (ret < 0)
			return ret;
	}

	if (dp->lcores[0] != '\0') {
		/* "0@0,(1-2)@1" maps lcores to CPUs: only --lcores says that */
		ret = push(out, strchr(dp->lcores, '@') ? "--lcores" : "-l");
		if (ret == 0)
			ret = push(out, dp->lcores);
		if (ret < 0)
			return ret;
	}

	if (!has_prefix) {
		ret = push(out, "--file-prefix=" DP_EAL_FILE_PREFIX);
		if (ret < 0)
			return ret;
	}

	for (unsigned i = 0; i < dp->n_ports; i++) {
		const char *dev = dp->ports[i].device;

		ret = push(out, dp_eal_device_is_vdev(dev) ? "--vdev" : "-a");
		if (ret == 0)
			ret = push(out, dev);
		if (ret < 0)
			return ret;
	}
	return 0;
}
