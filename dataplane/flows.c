/*
 * Local flow state: build, publish and retire struct dp_flow, and keep
 * each slot's SRTP context in step; see flows.h.
 */
#include "flows.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <netinet/in.h>

#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "log.h"
#include "pkt.h"
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
	/* zeroed: both copies of every slot generation 0, no flow */
	fl->slot = rte_zmalloc_socket("dp_flow_slots",
				      (size_t)capacity * sizeof(*fl->slot),
				      sizeof(*fl->slot), socket);
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

/*
 * Fill @next, the copy that no lcore reads, for @p.  Every byte but gen:
 * readers load the gen of both copies at any time.
 */
static void build(struct dp_flows *fl, const struct pending *p,
		  struct dp_srtp_ctx *srtp, bool paused, struct dp_flow *next)
{
	const size_t gen_off = offsetof(struct dp_flow, gen);
	const struct ft_flow *f = &p->flow;
	struct dp_flow t = { .present = false }, *d = &t;

	if (p->gone)
		goto copy;
	d->present = true;
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
	/* the rewrite's checksum part of the new addresses, once per flow */
	d->addr_sum = dp_pkt_addr_sum(d->src_addr, d->dst_addr, d->family);
	d->srtp = srtp;
	d->srtp_paused = paused;
	/* no address family translation: the packet keeps its IP header */
	d->usable = f->out_port < fl->n_ports &&
		    f->local.family == f->dst.family &&
		    f->src.family == f->dst.family;
	if (!d->usable && !paused)
		log_warn("flow %u: out port %u of %u, local family %u, src "
			 "family %u, dst family %u: its packets are dropped",
			 p->slot, f->out_port, fl->n_ports, f->local.family,
			 f->src.family, f->dst.family);
copy:
	memcpy(next, &t, gen_off);
	memcpy((uint8_t *)next + gen_off + 1, (const uint8_t *)&t + gen_off + 1,
	       sizeof(t) - gen_off - 1);
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

/*
 * Publish @p (a flow, or none when p->gone) in its slot: fill the copy
 * that is not the newest, which no lcore has read since the grace period
 * that ended the last commit (or phase 2 of this one), then make it the
 * newest.
 */
static void publish(struct dp_flows *fl, const struct pending *p,
		    struct dp_srtp_ctx *srtp, bool paused)
{
	struct dp_flow_slot *s = &fl->slot[p->slot];
	const struct dp_flow *cur = dp_flow_newest(s);
	struct dp_flow *next = &s->v[cur == &s->v[0]];

	build(fl, p, srtp, paused, next);
	__atomic_store_n(&next->gen, (uint8_t)(cur->gen + 1), __ATOMIC_RELEASE);
}

int dp_flows_commit(struct dp_flows *fl)
{
	bool republished = false;
	int failed = 0;

	if (fl->n_pending == 0)
		return 0;
	/*
	 * Phase 1: flows without SRTP before or after are published at once;
	 * the others paused, so that no lcore uses the context while it
	 * changes.
	 */
	for (unsigned i = 0; i < fl->n_pending; i++) {
		const struct pending *p = &fl->pending[i];
		bool srtp = fl->srtp[p->slot] || (!p->gone &&
						  wants_srtp(&p->flow));

		publish(fl, p, NULL, srtp);
	}
	/*
	 * Phase 2: no lcore holds a replaced copy or a paused context now,
	 * and the copies replaced may be written again.
	 */
	rte_rcu_qsbr_synchronize(fl->qsv, RTE_QSBR_THRID_INVALID);
	/* Phase 3: change the contexts, publish the paused flows. */
	for (unsigned i = 0; i < fl->n_pending; i++) {
		const struct pending *p = &fl->pending[i];
		const struct dp_flow *cur = dp_flow_get(fl, p->slot);
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
		publish(fl, p, fl->srtp[p->slot], false);
		republished = true;
	}
	/* deleted flows: their contexts, now that nobody can reach them */
	for (unsigned i = 0; i < fl->n_pending; i++) {
		const struct pending *p = &fl->pending[i];

		if (p->gone && !dp_flow_get(fl, p->slot) && fl->srtp[p->slot])
			srtp_apply(fl, p);
	}
	/* the copies phase 3 replaced may be written by the next commit */
	if (republished)
		rte_rcu_qsbr_synchronize(fl->qsv, RTE_QSBR_THRID_INVALID);
	for (unsigned i = 0; i < fl->n_pending; i++)
		fl->pending_ix[fl->pending[i].slot] = 0;
	explicit_bzero(fl->pending, fl->n_pending * sizeof(*fl->pending));
	fl->n_pending = 0;
	return failed;
}
