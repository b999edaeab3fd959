/*
 * Port bring-up and tear-down: find each configured device among the
 * ethdevs the EAL probed, size and create the mbuf pool, configure the
 * queues (see port.h for the layout), start, go promiscuous.
 */
#include "port.h"

#include <errno.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_pci.h>

#include "ctx.h"
#include "eal_args.h"
#include "log.h"

/* Descriptors per queue, as in l3fwd: about 1 ms of a 1 Mpps port. */
#define RX_DESC 1024
#define TX_DESC 1024
/* Per-lcore mbuf cache, so most alloc/free never touch the shared ring. */
#define MBUF_CACHE 256
/* RTP, RTCP and SRTP are UDP: hashing on addresses and ports keeps each
 * media stream on one queue, hence on one lcore, hence in order. */
#define RSS_HF (RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP)

/* the ethdev name the EAL gives @device: a vdev's name or a PCI address */
static int ethdev_name(const char *device, char *name, size_t len)
{
	struct rte_pci_addr addr;
	int ret = dp_eal_device_name(device, name, len);

	if (ret < 0 || dp_eal_device_is_vdev(device))
		return ret;
	/* "01:00.0" is allowed on the command line but named "0000:01:00.0" */
	if (rte_pci_addr_parse(name, &addr) == 0)
		rte_pci_device_name(&addr, name, len);
	return 0;
}

/* resolve the configured device to a port id */
static int port_find(struct dp_port *p, const struct cfg_dp_port *c)
{
	memset(p, 0, sizeof(*p));
	p->cfg = c;
	if (ethdev_name(c->device, p->ethdev, sizeof(p->ethdev)) < 0) {
		log_err("port %s (%s): device name too long", c->name, c->device);
		return -EINVAL;
	}
	if (rte_eth_dev_get_port_by_name(p->ethdev, &p->id) != 0) {
		log_err("port %s (%s): no ethdev named \"%s\": the EAL did not "
			"probe the device (see its messages above)",
			c->name, c->device, p->ethdev);
		return -ENODEV;
	}
	p->found = true;
	p->socket = rte_eth_dev_socket_id(p->id);
	p->vlan = c->vlan;
	return 0;
}

/* decide the queue and descriptor counts the device can give */
static int port_plan(struct dp_port *p, unsigned n_workers,
		     struct rte_eth_dev_info *info)
{
	const struct cfg_dp_port *c = p->cfg;
	unsigned rxq = c->rx_queues;
	int ret;

	ret = rte_eth_dev_info_get(p->id, info);
	if (ret < 0) {
		log_err("port %s (%s): cannot read device info: %s", c->name,
			c->device, strerror(-ret));
		return ret;
	}
	if (rxq < 1 || rxq > DP_PORT_MAX_RXQ) {
		log_err("port %s (%s): rx_queues = %u, must be 1 to %u",
			c->name, c->device, rxq, DP_PORT_MAX_RXQ);
		return -EINVAL;
	}
	/*
	 * af_packet: each queue pair is a socket of one PACKET_FANOUT_HASH
	 * group, so every one of them receives its share of the flows (the
	 * kernel's flow hash keeps a stream on one), polled or not: poll
	 * them all.  That is its RSS.
	 */
	if (strcmp(info->driver_name, "net_af_packet") == 0) {
		if (info->max_rx_queues > DP_PORT_MAX_RXQ) {
			log_err("port %s (%s): qpairs = %u, at most %u",
				c->name, c->device, info->max_rx_queues,
				DP_PORT_MAX_RXQ);
			return -EINVAL;
		}
		if (rxq != info->max_rx_queues)
			log_notice("port %s (%s): af_packet receives on all its "
				   "%u qpairs; rx_queues = %u becomes %u",
				   c->name, c->device, info->max_rx_queues,
				   rxq, info->max_rx_queues);
		rxq = info->max_rx_queues;
	} else if (rxq > 1 && !(info->flow_type_rss_offloads & RSS_HF)) {
		log_warn("port %s (%s): driver %s has no UDP/IP RSS; using 1 rx "
			 "queue instead of %u", c->name, c->device,
			 info->driver_name, rxq);
		rxq = 1;
	}
	if (rxq > info->max_rx_queues) {
		log_err("port %s (%s): rx_queues = %u but driver %s has %u",
			c->name, c->device, rxq, info->driver_name,
			info->max_rx_queues);
		return -EINVAL;
	}
	if (n_workers > info->max_tx_queues) {
		log_err("port %s (%s): %u forwarding lcores need a tx queue "
			"each but driver %s has %u (af_packet: add qpairs=%u)",
			c->name, c->device, n_workers, info->driver_name,
			info->max_tx_queues, n_workers);
		return -EINVAL;
	}
	p->n_rxq = (uint16_t)rxq;
	p->n_txq = (uint16_t)n_workers;
	p->n_rxd = RX_DESC;
	p->n_txd = TX_DESC;
	ret = rte_eth_dev_adjust_nb_rx_tx_desc(p->id, &p->n_rxd, &p->n_txd);
	if (ret < 0) {
		log_err("port %s (%s): cannot fit descriptor counts: %s",
			c->name, c->device, strerror(-ret));
		return ret;
	}
	return 0;
}

/*
 * The pool goes on the NUMA node of the first port whose node is known,
 * since the NIC DMAs into every mbuf; a port on another node still works
 * but pays the interconnect, hence the warning.
 */
static int pool_create(struct dp_ctx *ctx)
{
	const struct cfg_dataplane *dp = &ctx->cfg->dp;
	unsigned need = ctx->n_workers * (MBUF_CACHE + dp->burst);
	unsigned cache = MBUF_CACHE;
	int socket = SOCKET_ID_ANY;

	for (unsigned i = 0; i < ctx->n_ports; i++) {
		const struct dp_port *p = &ctx->ports[i];

		need += p->n_rxq * p->n_rxd + p->n_txq * p->n_txd;
		if (socket == SOCKET_ID_ANY)
			socket = p->socket;
		else if (p->socket != SOCKET_ID_ANY && p->socket != socket)
			log_warn("port %s (%s) is on NUMA node %d, the mbuf pool "
				 "on node %d", p->cfg->name, p->cfg->device,
				 p->socket, socket);
	}
	if (socket == SOCKET_ID_ANY)
		socket = (int)rte_socket_id();
	if (dp->mbufs < need) {
		log_err("dataplane.mbufs = %u is too small: the ports' queues and "
			"the lcores' caches hold up to %u", dp->mbufs, need);
		return -EINVAL;
	}
	/* the mempool library refuses a cache above 2/3 of the pool */
	if (cache > dp->mbufs * 2 / 3)
		cache = dp->mbufs * 2 / 3;
	ctx->pool = rte_pktmbuf_pool_create("sbc_mbufs", dp->mbufs, cache, 0,
					    RTE_MBUF_DEFAULT_BUF_SIZE, socket);
	if (!ctx->pool) {
		log_err("cannot create a pool of %u mbufs on node %d: %s",
			dp->mbufs, socket, rte_strerror(rte_errno));
		return -rte_errno;
	}
	log_info("mbuf pool: %u mbufs (queues need %u) on node %d", dp->mbufs,
		 need, socket);
	return 0;
}

static void port_log_up(const struct dp_port *p, bool promisc)
{
	struct rte_ether_addr mac = { 0 };
	struct rte_eth_link link = { 0 };

	rte_eth_macaddr_get(p->id, &mac);
	rte_eth_link_get_nowait(p->id, &link);
	log_info("port %s (%s): ethdev %u, %u rx / %u tx queues, mac "
		 RTE_ETHER_ADDR_PRT_FMT ", link %s %u Mbps%s", p->cfg->name,
		 p->cfg->device, p->id, p->n_rxq, p->n_txq,
		 RTE_ETHER_ADDR_BYTES(&mac), link.link_status ? "up" : "down",
		 link.link_speed, promisc ? ", promiscuous" : "");
}

/* configure the queues, start, go promiscuous */
static int port_start(struct dp_port *p, const struct rte_eth_dev_info *info,
		      struct rte_mempool *pool)
{
	const struct cfg_dp_port *c = p->cfg;
	unsigned socket = (unsigned)p->socket;	/* SOCKET_ID_ANY passes as is */
	struct rte_eth_conf conf = { 0 };
	bool promisc = true;
	const char *step;
	int ret;

	if (p->n_rxq > 1) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf =
			RSS_HF & info->flow_type_rss_offloads;
	}
	step = "configure";
	ret = rte_eth_dev_configure(p->id, p->n_rxq, p->n_txq, &conf);
	if (ret < 0)
		goto err;
	step = "set up rx queue";
	for (uint16_t q = 0; q < p->n_rxq; q++) {
		ret = rte_eth_rx_queue_setup(p->id, q, p->n_rxd, socket, NULL,
					     pool);
		if (ret < 0)
			goto err;
	}
	step = "set up tx queue";
	for (uint16_t q = 0; q < p->n_txq; q++) {
		ret = rte_eth_tx_queue_setup(p->id, q, p->n_txd, socket, NULL);
		if (ret < 0)
			goto err;
	}
	step = "read the MAC address of";
	ret = rte_eth_macaddr_get(p->id, &p->mac);
	if (ret < 0)
		goto err;
	step = "start";
	ret = rte_eth_dev_start(p->id);
	if (ret < 0)
		goto err;
	p->started = true;
	/* media addresses are ours, not the kernel's: their MAC may not be
	 * the port's own once ARP arrives, so accept every frame */
	step = "enable promiscuous mode";
	ret = rte_eth_promiscuous_enable(p->id);
	if (ret == -ENOTSUP)
		promisc = false;
	else if (ret < 0)
		goto err;
	port_log_up(p, promisc);
	return 0;
err:
	log_err("port %s (%s): cannot %s: %s", c->name, c->device, step,
		strerror(-ret));
	return ret;
}

int dp_port_init(struct dp_ctx *ctx)
{
	const struct cfg_dataplane *dp = &ctx->cfg->dp;
	struct rte_eth_dev_info info[CFG_MAX_DP_PORTS];
	int ret;

	for (unsigned i = 0; i < dp->n_ports; i++) {
		ret = port_find(&ctx->ports[i], &dp->ports[i]);
		if (ret < 0)
			goto err;
		ctx->n_ports = i + 1;
		ret = port_plan(&ctx->ports[i], ctx->n_workers, &info[i]);
		if (ret < 0)
			goto err;
	}
	ret = pool_create(ctx);
	if (ret < 0)
		goto err;
	for (unsigned i = 0; i < ctx->n_ports; i++) {
		ret = port_start(&ctx->ports[i], &info[i], ctx->pool);
		if (ret < 0)
			goto err;
	}
	return 0;
err:
	dp_port_uninit(ctx);
	return ret;
}

void dp_port_uninit(struct dp_ctx *ctx)
{
	for (unsigned i = ctx->n_ports; i-- > 0;) {
		struct dp_port *p = &ctx->ports[i];
		bool was_started = p->started;
		int ret;

		if (p->started) {
			ret = rte_eth_dev_stop(p->id);
			if (ret < 0)
				log_warn("port %s (%s): stop: %s", p->cfg->name,
					 p->cfg->device, strerror(-ret));
			p->started = false;
		}
		if (p->found) {
			ret = rte_eth_dev_close(p->id);
			if (ret < 0)
				log_warn("port %s (%s): close: %s", p->cfg->name,
					 p->cfg->device, strerror(-ret));
			else
				log_info("port %s (%s): %s", p->cfg->name,
					 p->cfg->device, was_started ?
					 "stopped and closed" : "closed");
			p->found = false;
		}
	}
	ctx->n_ports = 0;
	/* after the ports: their queues held mbufs from it until closed */
	rte_mempool_free(ctx->pool);
	ctx->pool = NULL;
}
