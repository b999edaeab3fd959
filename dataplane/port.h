/*
 * Ethernet ports of the dataplane: the mbuf pool and every configured port,
 * from lookup to started-and-promiscuous, and back.
 *
 * Queues: each port gets dataplane.ports[].rx_queues receive queues, spread
 * by RSS over the forwarding lcores, and one transmit queue per forwarding
 * lcore so that no two lcores ever share a queue (no locks on transmit).
 * A device without RSS gets one receive queue whatever was asked, because
 * packets of one media stream must always reach the same lcore and only the
 * NIC's hash guarantees that across queues; the load then spreads by port.
 * af_packet is the exception: its qpairs= sockets share a kernel fanout
 * hash, which does the same, so all of its queues are polled.
 */
#ifndef SBC_DP_PORT_H
#define SBC_DP_PORT_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

#include "cfg.h"

/* Receive queues per port; more buys nothing on the hosts we target. */
#define DP_PORT_MAX_RXQ 16

struct dp_ctx;

struct dp_port {
	const struct cfg_dp_port *cfg;	/* name, device, realm */
	char ethdev[CFG_PATH_MAX];	/* the name the EAL gave it */
	uint16_t id;			/* DPDK port id */
	struct rte_ether_addr mac;	/* source of what it sends */
	uint16_t vlan;			/* 802.1Q VID of its media, 0: untagged */
	uint16_t n_rxq;
	uint16_t n_txq;
	uint16_t n_rxd;			/* descriptors per rx queue */
	uint16_t n_txd;			/* descriptors per tx queue */
	int socket;			/* NUMA node, or SOCKET_ID_ANY */
	bool found;			/* id is valid: close on uninit */
	bool started;			/* stop on uninit */
};

/**
 * dp_port_init - create the mbuf pool, then configure and start every port
 * @ctx: context with cfg set, the EAL up and n_workers set
 *
 * Each failure is logged with the port's name and device.  On failure what
 * was set up is undone, as by dp_port_uninit().
 *
 * @return 0, or
 *  -ENODEV when a configured device was not probed by the EAL;
 *  -EINVAL when the device cannot give the queues asked for, or
 *          dataplane.mbufs is too small for the queues' descriptors;
 *  -ENOMEM when the mbuf pool cannot be allocated;
 *  another negative errno from the driver.
 */
int dp_port_init(struct dp_ctx *ctx);

/* dp_port_uninit - stop and close the ports, then free the pool; idempotent. */
void dp_port_uninit(struct dp_ctx *ctx);

#endif
