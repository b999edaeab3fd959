/*
 * Local flow state: build, publish and retire struct dp_flow, and keep
 * each slot's SRTP context in step; see flows.h.
 */
#include "flows.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <netinet/in.h>

#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "log.h"
#include "srtp.h"

/* the ABI's suite numbers are srtp.h's */
static_assert((int)FT_SUITE_NONE == (int)DP_SRTP_NONE &&
	      (int)FT_SUITE_AES_CM_128_HMAC_SHA1_80 ==
	      (int)DP_SRTP_AES_CM_128_HMAC_SHA1_80 &&
	      (int)FT_SUITE_AES_CM_128_HMAC_SHA1_32 ==
	      (int)DP_SRTP_AES_CM_128_HMAC_SHA1_32 &&
	      (int)FT_SUITE_AEAD_AES_128_GCM == (int)DP_SRTP_AEAD_AES_128_GCM &&
	      (int)FT_SUITE_COUNT == (int)DP_SRTP_SUITE_COUNT, "suites");
static_assert(FT_KEY_MAX == DP_SRTP_KEY_SALT_MAX, "key sizes");

/* one slot's change, between on_change and commit */
struct pending {
	uint32_t slot;
	bool gone;		/* the flow was deleted */
	uint32_t epoch;
	struct ft_flow flow;	/* holds keys: wiped after commit */
};

struct dp_flows *dp_flows_create(uint32_t capacity, unsigned n_ports,
				 int socket, struct rte_rcu_qsbr *qsv)
{
	struct dp_flows *fl = rte_zmalloc_socket("dp_flows", sizeof(*fl), 0,
						 socket);

	if (!fl) {
		errno = ENOMEM;
		return NULL;
	}
	fl->capacity = capacity;
	fl->n_ports = n_ports;
	fl->qsv = qsv;
	fl->slot = rte_zmalloc_socket("dp_flow_slots",
				      (size_t)capacity * sizeof(*fl->slot),
				      RTE_CACHE_LINE_SIZE, socket);
	fl->srtp = calloc(capacity, sizeof(*fl->srtp));
	fl->pending_ix = calloc(capacity, sizeof(*fl->pending_ix));
	if (!fl->slot || !fl->srtp || !fl->pending_ix) {
		dp_flows_free(fl);
		errno = ENOMEM;
		return NULL;
	}
	return fl;
}

void dp_flows_free(struct dp_flows *fl)
{
	if (!fl)
		return;
	for (uint32_t i = 0; fl->slot && i < fl->capacity; i++)
		rte_free(fl->slot[i]);
	for (uint32_t i = 0; fl->srtp && i < fl->capacity; i++) {
		dp_srtp_ctx_uninit(fl->srtp[i]);
		rte_free(fl->srtp[i]);
	}
	if (fl->pending)
		explicit_bzero(fl->pending,
			       fl->max_pending * sizeof(*fl->pending));
	free(fl->pending);
	free(fl->pending_ix);
	free(fl->srtp);
	rte_free(fl->slot);
	rte_free(fl);
}

/* remember a change for dp_flows_commit(); control path, may allocate */
void dp_flows_on_change(void *arg, uint32_t slot, const struct ft_flow *flow,
			uint32_t epoch)
{
	struct dp_flows *fl = arg;
	struct pending *p;

	/* a slot changed twice before a commit: only the last change counts */
	if (fl->pending_ix[slot]) {
		p = &fl->pending[fl->pending_ix[slot] - 1];
		goto fill;
	}
	if (fl->n_pending == fl->max_pending) {
		unsigned n = fl->max_pending ? fl->max_pending * 2 : 64;
		struct pending *np = calloc(n, sizeof(*np));

		if (!np) {
			log_err("flow %u: out of memory; its change is lost "
				"until the next one", slot);
			return;
		}
		if (fl->pending) {
			memcpy(np, fl->pending, fl->n_pending * sizeof(*np));
			explicit_bzero(fl->pending,
				       fl->max_pending * sizeof(*np));
			free(fl->pending);
		}
		fl->pending = np;
		fl->max_pending = n;
	}
	p = &fl->pending[fl->n_pending++];
	fl->pending_ix[slot] = fl->n_pending;
fill:
	p->slot = slot;
	p->gone = flow == NULL;
	p->epoch = epoch;
	if (flow)
		p->flow = *flow;
}

static int af_of(uint8_t family)
{
	return family == FT_FAMILY_IPV4 ? AF_INET :
	       family == FT_FAMILY_IPV6 ? AF_INET6 : 0;
}

/* a new dp_flow for @p, or NULL (logged) when out of memory */
static struct dp_flow *build(struct dp_flows *fl, const struct pending *p,
			     struct dp_srtp_ctx *srtp)
{
	const struct ft_flow *f = &p->flow;
	struct dp_flow *d = rte_zmalloc("dp_flow", sizeof(*d), 0);

	if (!d) {
		log_err("flow %u: out of memory", p->slot);
		return NULL;
	}
	d->epoch = p->epoch;
	d->pair = f->pair;
	d->out_port = f->out_port;
	d->latch = f->latch;
	d->kind = f->kind;
	d->family = (uint8_t)af_of(f->dst.family);
	d->src_port = f->src.port;
	d->dst_port = f->dst.port;
	memcpy(d->src_addr, f->src.addr, sizeof(d->src_addr));
	memcpy(d->dst_addr, f->dst.addr, sizeof(d->dst_addr));
	d->srtp = srtp;
	/* no address family translation: the packet keeps its IP header */
	d->usable = f->out_port < fl->n_ports &&
		    f->local.family == f->dst.family &&
		    f->src.family == f->dst.family;
	if (!d->usable)
		log_warn("flow %u: out port %u of %u, local family %u, src "
			 "family %u, dst family %u: its packets are dropped",
			 p->slot, f->out_port, fl->n_ports, f->local.family,
			 f->src.family, f->dst.family);
	return d;
}

static bool wants_srtp(const struct ft_flow *f)
{
	return f->srtp_in.suite != FT_SUITE_NONE ||
	       f->srtp_out.suite != FT_SUITE_NONE;
}

/* bring @slot's SRTP context in step with @p; after a grace period */
static int srtp_apply(struct dp_flows *fl, const struct pending *p)
{
	struct dp_srtp_ctx **c = &fl->srtp[p->slot];
	const struct ft_flow *f = &p->flow;
	int ret;

	if (p->gone || !wants_srtp(f)) {
		dp_srtp_ctx_uninit(*c);
		rte_free(*c);
		*c = NULL;
		return 0;
	}
	if (*c)
		return dp_srtp_ctx_update(*c, f->srtp_in.suite, f->srtp_in.key,
					  f->srtp_out.suite, f->srtp_out.key);
	*c = rte_zmalloc("dp_srtp_ctx", sizeof(**c), RTE_CACHE_LINE_SIZE);
	if (!*c)
		return -ENOMEM;
	ret = dp_srtp_ctx_init(*c, f->srtp_in.suite, f->srtp_in.key,
			       f->srtp_out.suite, f->srtp_out.key);
	if (ret < 0) {
		rte_free(*c);
		*c = NULL;
	}
	return ret;
}

/* swap in @d for @slot; the old one goes to @old for freeing */
static void publish(struct dp_flows *fl, uint32_t slot, struct dp_flow *d,
		    struct dp_flow **old)
{
	*old = __atomic_exchange_n(&fl->slot[slot], d, __ATOMIC_ACQ_REL);
}

int dp_flows_commit(struct dp_flows *fl)
{
	struct dp_flow **retired;
	unsigned n_retired = 0;
	int failed = 0;

	if (fl->n_pending == 0)
		return 0;
	retired = calloc(2 * fl->n_pending, sizeof(*retired));
	if (!retired) {
		/* keep the changes for the next commit */
		log_err("flows: out of memory committing %u change(s)",
			fl->n_pending);
		return 0;
	}
	/*
	 * Phase 1: flows without SRTP before or after are swapped at once;
	 * the others are unpublished (paused) so that no lcore uses the
	 * context while it changes.
	 */
	for (unsigned i = 0; i < fl->n_pending; i++) {
		struct pending *p = &fl->pending[i];
		bool srtp = fl->srtp[p->slot] || (!p->gone &&
						  wants_srtp(&p->flow));
		struct dp_flow *d = NULL;

		if (!p->gone) {
			d = build(fl, p, NULL);
			if (d && srtp)
				d->srtp_paused = true;
		}
		publish(fl, p->slot, d, &retired[n_retired]);
		if (retired[n_retired])
			n_retired++;
	}
	/* Phase 2: no lcore holds a retired flow or a paused context now. */
	rte_rcu_qsbr_synchronize(fl->qsv, RTE_QSBR_THRID_INVALID);
	for (unsigned i = 0; i < n_retired; i++)
		rte_free(retired[i]);
	n_retired = 0;
	/* Phase 3: change the contexts, publish the paused flows. */
	for (unsigned i = 0; i < fl->n_pending; i++) {
		struct pending *p = &fl->pending[i];
		const struct dp_flow *cur = dp_flow_get(fl, p->slot);
		struct dp_flow *d;
		int ret;

		if (!cur || !cur->srtp_paused)
			continue;
		ret = srtp_apply(fl, p);
		if (ret < 0) {
			log_err("flow %u: SRTP context: %s; its packets are "
				"dropped", p->slot, strerror(-ret));
			failed++;
			continue;
		}
		d = build(fl, p, fl->srtp[p->slot]);
		if (!d)
			continue;
		publish(fl, p->slot, d, &retired[n_retired]);
		if (retired[n_retired])
			n_retired++;
	}
	/* deleted flows: their contexts, now that nobody can reach them */
	for (unsigned i = 0; i < fl->n_pending; i++) {
		struct pending *p = &fl->pending[i];

		if (p->gone && !dp_flow_get(fl, p->slot) && fl->srtp[p->slot])
			srtp_apply(fl, p);
	}
	if (n_retired) {
		rte_rcu_qsbr_synchronize(fl->qsv, RTE_QSBR_THRID_INVALID);
		for (unsigned i = 0; i < n_retired; i++)
			rte_free(retired[i]);
	}
	free(retired);
	for (unsigned i = 0; i < fl->n_pending; i++)
		fl->pending_ix[fl->pending[i].slot] = 0;
	explicit_bzero(fl->pending, fl->n_pending * sizeof(*fl->pending));
	fl->n_pending = 0;
	return failed;
}
