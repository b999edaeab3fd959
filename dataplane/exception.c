/*
 * Exception path: a kernel TAP per dataplane port.
 *
 * Why: on a real NIC bound to vfio-pci the kernel no longer sees the port
 * at all.  A single-NIC appliance still needs SSH, SIP (sbcd listens on
 * kernel sockets), DHCP, ICMP and the kernel's own ARP on that one NIC.
 * So everything the dataplane does not consume - IP packets to no flow,
 * fragments, other protocols, ARP/ND for addresses it does not own - is
 * written to a TAP interface named "<port>-exc" (at most 15 characters),
 * whose MAC is the port's own; the operator puts the kernel's addresses
 * on that interface, and the kernel's replies, read back from the TAP by
 * the forwarding lcore that owns the port's queue 0, leave by the port
 * unchanged.  The dataplane keeps its media addresses (ARP/ND answered by
 * neigh.c), the kernel everything else, on one wire and one MAC.
 *
 * When: a PCI port gets a TAP.  A virtual device does not by default: on
 * net_af_packet the kernel still owns the interface and already sees
 * every frame (the lab gives the media addresses their own dp-* veths),
 * and net_pcap, net_null and net_ring have no kernel behind them.  The
 * port's `exception` setting ("auto", "on", "off") decides.
 *
 * Done with DPDK's net_tap PMD, hot-plugged at run time (rte_eal_hotplug_add) so the
 * EAL command line does not change: one rx queue, polled with queue 0 of
 * the port, and one tx queue per forwarding lcore, like the port.
 */
#include "exception.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_dev.h>
#include <rte_ethdev.h>

#include "ctx.h"
#include "eal_args.h"
#include "log.h"

/* the kernel reads what it gets quickly; a short ring is enough */
#define EXC_DESC 512

static bool wanted(const struct dp_port *p)
{
	switch (p->cfg->exception) {
	case CFG_EXCEPTION_ON:
		return true;
	case CFG_EXCEPTION_OFF:
		return false;
	case CFG_EXCEPTION_AUTO:
		break;
	}
	return !dp_eal_device_is_vdev(p->cfg->device);
}

static int exc_start(struct dp_ctx *ctx, unsigned i)
{
	const struct dp_port *p = &ctx->ports[i];
	struct dp_exc *e = &ctx->exc[i];
	struct rte_eth_conf conf = { 0 };
	char vdev[32], args[96];
	const char *step;
	int ret;

	snprintf(e->iface, sizeof(e->iface), "%.11s-exc", p->cfg->name);
	snprintf(vdev, sizeof(vdev), "net_tap_sbc%u", i);
	snprintf(args, sizeof(args), "iface=%s,mac=" RTE_ETHER_ADDR_PRT_FMT,
		 e->iface, RTE_ETHER_ADDR_BYTES(&p->mac));
	step = "create";
	ret = rte_eal_hotplug_add("vdev", vdev, args);
	if (ret < 0)
		goto err;
	step = "find";
	ret = rte_eth_dev_get_port_by_name(vdev, &e->id);
	if (ret < 0)
		goto err_vdev;
	step = "configure";
	ret = rte_eth_dev_configure(e->id, 1, (uint16_t)ctx->n_workers, &conf);
	if (ret < 0)
		goto err_vdev;
	step = "set up the queues of";
	ret = rte_eth_rx_queue_setup(e->id, 0, EXC_DESC, SOCKET_ID_ANY, NULL,
				     ctx->pool);
	for (uint16_t q = 0; ret == 0 && q < ctx->n_workers; q++)
		ret = rte_eth_tx_queue_setup(e->id, q, EXC_DESC, SOCKET_ID_ANY,
					     NULL);
	if (ret < 0)
		goto err_vdev;
	step = "start";
	ret = rte_eth_dev_start(e->id);
	if (ret < 0)
		goto err_vdev;
	e->up = true;
	log_info("port %s: exception path to the kernel through TAP %s",
		 p->cfg->name, e->iface);
	return 0;
err_vdev:
	rte_eth_dev_close(e->id);
	rte_eal_hotplug_remove("vdev", vdev);
err:
	log_err("port %s: cannot %s exception TAP %s: %s", p->cfg->name, step,
		e->iface, strerror(-ret));
	return ret;
}

int dp_exception_init(struct dp_ctx *ctx)
{
	for (unsigned i = 0; i < ctx->n_ports; i++) {
		int ret;

		if (!wanted(&ctx->ports[i]))
			continue;
		ret = exc_start(ctx, i);
		if (ret < 0) {
			dp_exception_uninit(ctx);
			return ret;
		}
	}
	return 0;
}

void dp_exception_uninit(struct dp_ctx *ctx)
{
	for (unsigned i = 0; i < CFG_MAX_DP_PORTS; i++) {
		struct dp_exc *e = &ctx->exc[i];
		char vdev[32];

		if (!e->up)
			continue;
		snprintf(vdev, sizeof(vdev), "net_tap_sbc%u", i);
		rte_eth_dev_stop(e->id);
		rte_eth_dev_close(e->id);
		rte_eal_hotplug_remove("vdev", vdev);
		e->up = false;
	}
}
