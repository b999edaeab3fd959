/*
 * The registrar (RFC 3261 section 10.3): REGISTER adds, refreshes and
 * removes an AOR's bindings after digest authentication, the bindings live
 * in the store and in a table in memory, a timer sweeps expired ones, and
 * reg.list / reg.del show and remove them.  See registrar.h for the rules.
 */
#include "registrar.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include <sofia-sip/msg_addr.h>
#include <sofia-sip/sip_protos.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/sip_tag.h>
#include <sofia-sip/su_tagarg.h>

#include "auth.h"
#include "ctl_registry.h"
#include "log.h"
#include "sbcd.h"
#include "sip.h"
#include "sip_transport.h"

#define DEFAULT_EXPIRES 3600	/* RFC 3261 section 10.2.1.1 suggests it */
#define MAX_CONTACTS 16		/* bindings of one AOR, and in one REGISTER */
#define MIN_BUCKETS 1024
#define MAX_BUCKETS (1u << 20)

/* One contact of an AOR, as in struct store_registration. */
struct binding {
	struct binding *next;
	char aor[STORE_ID_MAX];
	char contact[STORE_URI_MAX];
	char addr[STORE_ADDR_MAX];
	uint32_t port;
	char transport[STORE_WORD_MAX];
	char realm[CFG_NAME_MAX];	/* "" when loaded for an any-realm account */
	int64_t expires;		/* unix time, s */
};

struct b2b_registrar {
	struct b2b_ctx *ctx;
	struct binding **buckets;
	size_t n_buckets;		/* a power of two */
	size_t count;
	su_timer_t *sweep;
};

/* A change one REGISTER asks for. */
struct change {
	char contact[STORE_URI_MAX];
	uint32_t expires;		/* 0 = remove */
	struct binding *old;
};

/* FNV-1a of the user part of an AOR ("user@domain") or of a user. */
static size_t user_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s && *s != '@'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static struct binding **bucket(struct b2b_registrar *reg, const char *aor)
{
	return &reg->buckets[user_hash(aor) & (reg->n_buckets - 1)];
}

static struct binding *binding_find(struct b2b_registrar *reg,
				    const char *aor, const char *contact)
{
	for (struct binding *b = *bucket(reg, aor); b; b = b->next)
		if (!strcmp(b->aor, aor) && !strcmp(b->contact, contact))
			return b;
	return NULL;
}

static void binding_remove(struct b2b_registrar *reg, struct binding *gone)
{
	for (struct binding **p = bucket(reg, gone->aor); *p; p = &(*p)->next)
		if (*p == gone) {
			*p = gone->next;
			free(gone);
			reg->count--;
			return;
		}
}

static struct binding *binding_add(struct b2b_registrar *reg,
				   const struct store_registration *r,
				   const char *realm)
{
	struct binding *b = calloc(1, sizeof(*b)), **head;

	if (!b)
		return NULL;
	memcpy(b->aor, r->aor, sizeof(b->aor));
	memcpy(b->contact, r->contact, sizeof(b->contact));
	memcpy(b->addr, r->source_addr, sizeof(b->addr));
	b->port = r->source_port;
	memcpy(b->transport, r->transport, sizeof(b->transport));
	snprintf(b->realm, sizeof(b->realm), "%s", realm);
	b->expires = r->expires;
	head = bucket(reg, b->aor);
	b->next = *head;
	*head = b;
	reg->count++;
	return b;
}

/* Remove every binding with expires <= @now from memory and the store. */
static void sweep(struct b2b_registrar *reg, int64_t now)
{
	struct store_txn *txn = NULL;
	unsigned n = 0;

	for (size_t i = 0; i < reg->n_buckets; i++) {
		struct binding **p = &reg->buckets[i];

		while (*p) {
			struct binding *b = *p;

			if (b->expires > now) {
				p = &b->next;
				continue;
			}
			if (!txn)
				txn = store_txn_begin(reg->ctx->store, true);
			if (txn)
				store_registration_del(txn, b->aor, b->contact);
			log_info("registration %s %s expired", b->aor,
				 b->contact);
			*p = b->next;
			free(b);
			reg->count--;
			n++;
		}
	}
	if (txn && store_txn_commit(txn) < 0)
		log_warn("%u expired registration(s) not removed from the "
			 "store; they are dropped when it is next loaded", n);
}

static void on_sweep(su_root_magic_t *magic, su_timer_t *t,
		     su_timer_arg_t *arg)
{
	(void)magic;
	(void)t;
	sweep((struct b2b_registrar *)arg, time(NULL));
}

/* store_foreach() callback: one stored binding into memory. */
static int load_one(const void *rec, void *arg)
{
	struct b2b_registrar *reg = arg;

	return binding_add(reg, rec, "") ? 0 : -ENOMEM;
}


bool b2b_registrar_realm_open(struct b2b_ctx *ctx, const char *name)
{
	const struct cfg_realm *r = cfg_realm_find(ctx->cfg, name);

	return r && r->subscribers;
}

/* Source of the request being processed, as text. */
static int source_text(struct b2b_sip_realm *realm, char *addr, size_t len,
		       uint32_t *port, const char **transport)
{
	msg_t *msg = nua_current_request(realm->nua);
	su_addrinfo_t *ai = msg_addrinfo(msg);
	sip_t const *sip = sip_object(msg);
	const struct sockaddr *sa = ai ? ai->ai_addr : NULL;
	const void *in;

	if (!sa)
		return -EINVAL;
	if (sa->sa_family == AF_INET) {
		in = &((const struct sockaddr_in *)sa)->sin_addr;
		*port = ntohs(((const struct sockaddr_in *)sa)->sin_port);
	} else if (sa->sa_family == AF_INET6) {
		in = &((const struct sockaddr_in6 *)sa)->sin6_addr;
		*port = ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
	} else {
		return -EINVAL;
	}
	if (!inet_ntop(sa->sa_family, in, addr, (socklen_t)len))
		return -EINVAL;
	/* tls too: the contact is then reached over the same connection */
	*transport = cfg_transport_name(b2b_sip_transport_of(
		ai->ai_protocol == IPPROTO_TCP,
		sip && sip->sip_via ? sip->sip_via->v_protocol : NULL));
	return 0;
}

/*
 * RFC 3261 section 10.3 step 6: the changes @sip asks for, expiry bounded
 * by the configuration.  Returns the number of changes, or -status with
 * *@phrase set (400, 423).
 */
static int changes_get(struct b2b_registrar *reg, const char *aor,
		       sip_t const *sip, struct change *ch,
		       const char **phrase)
{
	const struct cfg_timers *t = &reg->ctx->cfg->timers;
	unsigned long dflt = sip->sip_expires ? sip->sip_expires->ex_delta :
						DEFAULT_EXPIRES;
	su_home_t home[1] = { SU_HOME_INIT(home) };
	int n = 0;

	for (const sip_contact_t *m = sip->sip_contact; m; m = m->m_next) {
		unsigned long e = m->m_expires ? strtoul(m->m_expires, NULL,
							 10) : dflt;
		char *text;

		if (m->m_url->url_type == url_any) {
			/* "*": only alone and with Expires: 0 (step 6) */
			*phrase = "Bad Wildcard Contact";
			if (m != sip->sip_contact || m->m_next ||
			    !sip->sip_expires || sip->sip_expires->ex_delta)
				goto bad;
			for (size_t i = 0; i < reg->n_buckets; i++)
				for (struct binding *b = reg->buckets[i]; b;
				     b = b->next)
					if (!strcmp(b->aor, aor) &&
					    n < MAX_CONTACTS) {
						memcpy(ch[n].contact, b->contact,
						       STORE_URI_MAX);
						ch[n].expires = 0;
						ch[n++].old = b;
					}
			break;
		}
		*phrase = "Too Many Contacts";
		if (n == MAX_CONTACTS)
			goto bad;
		text = url_as_string(home, m->m_url);
		*phrase = "Contact Too Long";
		if (!text || strlen(text) >= STORE_URI_MAX)
			goto bad;
		if (e && e < t->registration_min) {
			su_home_deinit(home);
			return -423;
		}
		if (e > t->registration_max)
			e = t->registration_max;
		strcpy(ch[n].contact, text);
		ch[n].expires = (uint32_t)e;
		ch[n++].old = binding_find(reg, aor, text);
	}
	su_home_deinit(home);
	return n;
bad:
	su_home_deinit(home);
	return -400;
}

/*
 * Steps 7 and 8 in one store transaction: a binding with the same Call-ID
 * and a CSeq not below this one refuses the whole request (500).
 */
static int changes_store(struct b2b_registrar *reg, const char *aor,
			 sip_t const *sip, const struct store_registration *src,
			 struct change *ch, int n, const char **phrase)
{
	struct store_txn *txn = store_txn_begin(reg->ctx->store, true);
	uint32_t cseq = sip->sip_cseq ? sip->sip_cseq->cs_seq : 0;
	const char *callid = sip->sip_call_id ? sip->sip_call_id->i_id : "";
	int rc = 0;

	*phrase = "Store Error";
	if (!txn)
		return -500;
	for (int i = 0; i < n && rc == 0; i++) {
		struct store_registration r;

		if (ch[i].old &&
		    store_registration_get(txn, aor, ch[i].contact, &r) == 0 &&
		    !strcmp(r.call_id, callid) && r.cseq >= cseq) {
			*phrase = "Out of Order";
			rc = -EINVAL;
			break;
		}
		if (!ch[i].expires) {
			rc = store_registration_del(txn, aor, ch[i].contact);
			rc = rc == -ENOENT ? 0 : rc;
			continue;
		}
		r = *src;
		memcpy(r.contact, ch[i].contact, sizeof(r.contact));
		r.expires = time(NULL) + ch[i].expires;
		snprintf(r.call_id, sizeof(r.call_id), "%s", callid);
		r.cseq = cseq;
		rc = store_registration_put(txn, &r);
	}
	if (rc < 0) {
		store_txn_abort(txn);
		return -500;
	}
	return store_txn_commit(txn) < 0 ? -500 : 0;
}

/* The changes into memory, after they were stored. */
static void changes_apply(struct b2b_registrar *reg, const char *realm,
			  const struct store_registration *src,
			  struct change *ch, int n)
{
	for (int i = 0; i < n; i++) {
		struct store_registration r = *src;
		struct binding *b = ch[i].old;

		if (!ch[i].expires) {
			if (b)
				binding_remove(reg, b);
			continue;
		}
		if (b)
			binding_remove(reg, b);
		memcpy(r.contact, ch[i].contact, sizeof(r.contact));
		r.expires = time(NULL) + ch[i].expires;
		if (!binding_add(reg, &r, realm))
			log_err("registration %s %s: out of memory; it stays "
				"in the store only", r.aor, r.contact);
	}
}

/* "<c1>;expires=N, <c2>;expires=M" of @aor's live bindings, or NULL. */
static char *contacts_text(struct b2b_registrar *reg, su_home_t *home,
			   const char *aor)
{
	int64_t now = time(NULL);
	char *s = NULL;

	for (struct binding *b = *bucket(reg, aor); b; b = b->next)
		if (!strcmp(b->aor, aor) && b->expires > now)
			s = su_sprintf(home, "%s%s<%s>;expires=%lld",
				       s ? s : "", s ? ", " : "", b->contact,
				       (long long)(b->expires - now));
	return s;
}

static void answer(struct b2b_sip_realm *realm, nua_handle_t *nh, int status,
		   const char *phrase, tag_type_t tag, tag_value_t value, ...)
{
	ta_list ta;

	ta_start(ta, tag, value);
	nua_respond(nh, status, phrase, NUTAG_WITH_THIS(realm->nua),
		    ta_tags(ta));
	(void)ta_end(ta);
}

/* A REGISTER whose sender is authenticated as @acct. */
static void do_register(struct b2b_sip_realm *realm, nua_handle_t *nh,
			sip_t const *sip, const struct store_account *acct)
{
	struct b2b_registrar *reg = realm->ctx->reg;
	su_home_t home[1] = { SU_HOME_INIT(home) };
	struct change ch[MAX_CONTACTS];
	struct store_registration src = { 0 };
	const char *phrase = NULL, *tp;
	char min[16];
	size_t added = 0, have = 0;
	int n, rc;

	snprintf(src.aor, sizeof(src.aor), "%s", acct->id);
	if (source_text(realm, src.source_addr, sizeof(src.source_addr),
			&src.source_port, &tp) < 0) {
		answer(realm, nh, SIP_500_INTERNAL_SERVER_ERROR, TAG_END());
		return;
	}
	snprintf(src.transport, sizeof(src.transport), "%s", tp);
	n = changes_get(reg, src.aor, sip, ch, &phrase);
	if (n == -423) {
		snprintf(min, sizeof(min), "%u",
			 realm->ctx->cfg->timers.registration_min);
		answer(realm, nh, SIP_423_INTERVAL_TOO_BRIEF,
		       SIPTAG_MIN_EXPIRES_STR(min), TAG_END());
		return;
	}
	if (n < 0) {
		answer(realm, nh, 400, phrase, TAG_END());
		return;
	}
	for (int i = 0; i < n; i++)
		added += ch[i].expires && !ch[i].old;
	for (struct binding *b = *bucket(reg, src.aor); b; b = b->next)
		have += !strcmp(b->aor, src.aor);
	if (have + added > MAX_CONTACTS) {
		answer(realm, nh, 503, "Too Many Contacts",
		       SIPTAG_RETRY_AFTER_STR("60"), TAG_END());
		return;
	}
	if (reg->count + added > realm->ctx->cfg->limits.max_registrations) {
		log_notice("REGISTER %s refused: %zu registrations, limit %u",
			   src.aor, reg->count,
			   realm->ctx->cfg->limits.max_registrations);
		answer(realm, nh, 503, "Too Many Registrations",
		       SIPTAG_RETRY_AFTER_STR("60"), TAG_END());
		return;
	}
	rc = changes_store(reg, src.aor, sip, &src, ch, n, &phrase);
	if (rc < 0) {
		answer(realm, nh, -rc, phrase, TAG_END());
		return;
	}
	changes_apply(reg, realm->cfg->name, &src, ch, n);
	if (n)
		log_info("REGISTER %s from %s:%u/%s: %d contact change(s)",
			 src.aor, src.source_addr, src.source_port,
			 src.transport, n);
	answer(realm, nh, SIP_200_OK,
	       SIPTAG_CONTACT_STR(contacts_text(reg, home, src.aor)),
	       TAG_END());
	su_home_deinit(home);
}

void b2b_registrar_request(struct b2b_sip_realm *realm, nua_handle_t *nh,
			   sip_t const *sip)
{
	struct store_account acct;
	const url_t *to = sip->sip_to ? sip->sip_to->a_url : NULL;
	int rc = b2b_subscriber_auth(realm, nh, sip, &acct);

	if (rc == -EPERM)
		answer(realm, nh, SIP_403_FORBIDDEN, TAG_END());
	else if (rc == 0 && (!to || !to->url_user ||
			     strcmp(to->url_user, acct.user)))
		answer(realm, nh, 403, "Not Your AOR", TAG_END());
	else if (rc == 0)
		do_register(realm, nh, sip, &acct);
	OPENSSL_cleanse(&acct, sizeof(acct));
	nua_handle_destroy(nh);
}

/* Among @user's bindings: is @b's AOR the one a call should reach? */
static bool aor_better(const char *aor, const char *best, const char *exact)
{
	if (!best)
		return true;
	if (!strcmp(best, exact))
		return false;
	return !strcmp(aor, exact) || strcmp(aor, best) < 0;
}

unsigned b2b_registrar_lookup(struct b2b_ctx *ctx, const char *user,
			      const char *host, struct b2b_reg_target *out,
			      unsigned max)
{
	struct b2b_registrar *reg = ctx->reg;
	struct binding *list[MAX_CONTACTS];
	char exact[STORE_ID_MAX];
	const char *best = NULL;
	size_t ulen = strlen(user);
	int64_t now = time(NULL);
	unsigned n = 0;

	snprintf(exact, sizeof(exact), "%s@%s", user, host ? host : "");
	for (struct binding *b = *bucket(reg, user); b; b = b->next)
		if (b->expires > now && !strncmp(b->aor, user, ulen) &&
		    b->aor[ulen] == '@' && aor_better(b->aor, best, exact))
			best = b->aor;
	for (struct binding *b = *bucket(reg, user); best && b; b = b->next) {
		unsigned i;

		if (b->expires <= now || strcmp(b->aor, best) || n == max ||
		    n == MAX_CONTACTS)
			continue;
		/* latest expiry first: the most recent refresh */
		for (i = n++; i > 0 && list[i - 1]->expires < b->expires; i--)
			list[i] = list[i - 1];
		list[i] = b;
	}
	for (unsigned i = 0; i < n; i++) {
		const struct binding *b = list[i];
		const struct cfg_realm *r = NULL;
		bool v6 = strchr(b->addr, ':') != NULL;

		memset(&out[i], 0, sizeof(out[i]));
		memcpy(out[i].aor, b->aor, sizeof(out[i].aor));
		memcpy(out[i].contact, b->contact, sizeof(out[i].contact));
		snprintf(out[i].hop, sizeof(out[i].hop),
			 v6 ? "[%s]:%u;%s" : "%s:%u;%s", b->addr, b->port,
			 b->transport);
		snprintf(out[i].proxy, sizeof(out[i].proxy),
			 v6 ? "sip:[%s]:%u;transport=%s" :
			      "sip:%s:%u;transport=%s",
			 b->addr, b->port, b->transport);
		/* loaded from the store for an any-realm account: the first
		 * realm that takes subscribers */
		for (unsigned j = 0; !b->realm[0] && !r &&
				     j < ctx->cfg->n_realms; j++)
			if (b2b_registrar_realm_open(ctx,
						     ctx->cfg->realms[j].name))
				r = &ctx->cfg->realms[j];
		snprintf(out[i].realm, sizeof(out[i].realm), "%s",
			 b->realm[0] ? b->realm : r ? r->name : "");
	}
	return n;
}

static json_t *binding_json(const struct binding *b, int64_t now)
{
	char src[STORE_ADDR_MAX + 16];

	snprintf(src, sizeof(src), strchr(b->addr, ':') ? "[%s]:%u" : "%s:%u",
		 b->addr, b->port);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:I}",
			 "aor", b->aor, "contact", b->contact, "source", src,
			 "transport", b->transport, "realm", b->realm,
			 "expires_in", (json_int_t)(b->expires - now));
}

static int list_handler(void *arg, const json_t *params, struct ctl_reply *rep)
{
	struct b2b_registrar *reg = ((struct b2b_ctx *)arg)->reg;
	json_t *out = json_array();
	int64_t now = time(NULL);

	(void)params;
	for (size_t i = 0; out && i < reg->n_buckets; i++)
		for (struct binding *b = reg->buckets[i]; b; b = b->next)
			if (b->expires > now)
				json_array_append_new(out, binding_json(b, now));
	return ctl_reply_set_result(rep, out);
}

static int del_handler(void *arg, const json_t *params, struct ctl_reply *rep)
{
	struct b2b_ctx *ctx = arg;
	struct b2b_registrar *reg = ctx->reg;
	struct store_txn *txn;
	const char *aor;
	unsigned n = 0;
	int rc = 0;

	if (ctl_param_string(params, 0, "aor", &aor) < 0)
		return ctl_reply_error(rep, CTL_ERR_INVALID_PARAMS,
				       "an AOR (USER@DOMAIN) is needed");
	txn = store_txn_begin(ctx->store, true);
	if (!txn)
		return -errno;
	for (struct binding *b = *bucket(reg, aor); b && rc == 0; b = b->next)
		if (!strcmp(b->aor, aor)) {
			rc = store_registration_del(txn, aor, b->contact);
			rc = rc == -ENOENT ? 0 : rc;
			n++;
		}
	rc = rc < 0 ? (store_txn_abort(txn), rc) : store_txn_commit(txn);
	if (rc < 0)
		return rc;
	if (!n)
		return ctl_reply_error(rep, CTL_ERR_NOT_FOUND,
				       "no registration of '%s'", aor);
	for (struct binding *b = *bucket(reg, aor), *next; b; b = next) {
		next = b->next;
		if (!strcmp(b->aor, aor))
			binding_remove(reg, b);
	}
	log_notice("registrations of %s deleted by the operator", aor);
	return ctl_reply_set_result(rep, json_pack("{s:s, s:i}", "aor", aor,
						   "deleted", (int)n));
}

static int commands_add(struct b2b_ctx *ctx)
{
	const struct ctl_command cmds[] = {
		{ "reg.list", "show registrations", NULL,
		  "registered contacts with their real source and expiry",
		  0, 0, list_handler, ctx },
		{ "reg.del", "reg del", "USER@DOMAIN",
		  "remove every registered contact of an AOR", 1, 1,
		  del_handler, ctx },
	};

	return ctl_registry_add_all(ctx->ctl_reg, cmds,
				    sizeof(cmds) / sizeof(cmds[0]));
}

int b2b_registrar_init(struct b2b_ctx *ctx)
{
	struct b2b_registrar *reg = calloc(1, sizeof(*reg));
	struct store_txn *txn;
	int rc;

	if (!reg)
		return -ENOMEM;
	ctx->reg = reg;
	reg->ctx = ctx;
	reg->n_buckets = MIN_BUCKETS;
	while (reg->n_buckets < ctx->cfg->limits.max_registrations / 2 &&
	       reg->n_buckets < MAX_BUCKETS)
		reg->n_buckets *= 2;
	reg->buckets = calloc(reg->n_buckets, sizeof(*reg->buckets));
	ctx->auth = b2b_auth_new(NULL, NULL);
	if (!reg->buckets || !ctx->auth)
		return ctx->auth ? -ENOMEM : -errno;
	txn = store_txn_begin(ctx->store, false);
	if (!txn)
		return -errno;
	rc = store_foreach(txn, STORE_DB_REGISTRATIONS, load_one, reg);
	store_txn_abort(txn);
	if (rc < 0)
		return rc;
	sweep(reg, time(NULL));
	log_info("%zu registration(s) loaded", reg->count);
	reg->sweep = su_timer_create(su_root_task(ctx->root), B2B_REG_SWEEP_MS);
	if (!reg->sweep || su_timer_set_for_ever(reg->sweep, on_sweep,
						 (su_timer_arg_t *)reg) < 0)
		return -ENOMEM;
	return commands_add(ctx);
}

void b2b_registrar_uninit(struct b2b_ctx *ctx)
{
	struct b2b_registrar *reg = ctx->reg;

	b2b_auth_free(ctx->auth);
	ctx->auth = NULL;
	if (!reg)
		return;
	su_timer_destroy(reg->sweep);
	for (size_t i = 0; reg->buckets && i < reg->n_buckets; i++)
		while (reg->buckets[i]) {
			struct binding *b = reg->buckets[i];

			reg->buckets[i] = b->next;
			free(b);
		}
	free(reg->buckets);
	free(reg);
	ctx->reg = NULL;
}
