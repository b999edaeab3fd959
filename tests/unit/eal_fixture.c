/*
 * Shared fixture of the EAL unit tests (eal_fixture.h).  --no-shconf
 * keeps the tests' EALs apart; it still leaves an empty runtime
 * directory, which ealfx_cleanup() removes.
 */
#include <stdio.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_malloc.h>

#include "eal_fixture.h"

int ealfx_init(const char *prog, const char *mem_mb, char *rundir,
	       size_t len)
{
	char prefix[64];
	char *argv[] = { (char *)prog, "--no-huge", "-m", (char *)mem_mb,
			 "--no-pci", "--no-shconf", prefix, "-l", "0",
			 "--no-telemetry", "--log-level=warning" };

	snprintf(prefix, sizeof(prefix), "--file-prefix=%s-%d", prog,
		 (int)getpid());
	if (rte_eal_init((int)RTE_DIM(argv), argv) < 0) {
		fprintf(stderr, "%s: EAL init failed\n", prog);
		return -1;
	}
	snprintf(rundir, len, "%s", rte_eal_get_runtime_dir());
	return 0;
}

void ealfx_cleanup(const char *rundir)
{
	rte_eal_cleanup();
	rmdir(rundir);
}

struct rte_rcu_qsbr *ealfx_qsv(const char *name, uint32_t max_threads)
{
	struct rte_rcu_qsbr *qsv =
		rte_zmalloc(name, rte_rcu_qsbr_get_memsize(max_threads),
			    RTE_CACHE_LINE_SIZE);

	if (qsv && rte_rcu_qsbr_init(qsv, max_threads) != 0) {
		rte_free(qsv);
		qsv = NULL;
	}
	return qsv;
}
