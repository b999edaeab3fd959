/*
 * Shared fixture of the unit tests that need DPDK's EAL (test_dp_flows.c,
 * test_ft_index.c): the EAL brought up without hugepages, PCI, shared
 * configuration or telemetry, and the QSBR (RCU) variable the flow
 * structures' readers report to.
 */
#ifndef EAL_FIXTURE_H
#define EAL_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include <rte_rcu_qsbr.h>

/*
 * ealfx_init - the EAL on lcore 0 with @mem_mb MiB of ordinary memory and
 * the file prefix "@prog-<pid>", so that tests running at once never meet
 * @rundir: receives its runtime directory, for ealfx_cleanup()
 *
 * @return 0, or -1 after a message on stderr.
 */
int ealfx_init(const char *prog, const char *mem_mb, char *rundir,
	       size_t len);

/* ealfx_cleanup - the EAL's end, and the empty runtime directory it left */
void ealfx_cleanup(const char *rundir);

/*
 * ealfx_qsv - a QSBR variable for thread ids below @max_threads, in
 * rte_malloc memory (rte_free() it)
 *
 * @return it, or NULL.
 */
struct rte_rcu_qsbr *ealfx_qsv(const char *name, uint32_t max_threads);

#endif
