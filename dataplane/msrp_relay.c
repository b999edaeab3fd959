/*
 * The MSRP back-to-back relay (RFC 4975, RFC 6135 for who connects): one
 * thread with an epoll loop over kernel TCP sockets, fed with the MSRP
 * legs of the flow table.  See msrp_relay.h for the rules.
 */
#include "msrp_relay.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <rte_lcore.h>

#include "log.h"
#include "msrp_parse.h"
#include "msrp_telemetry.h"
#include "msrp_tls.h"

#define BIND_TIMEOUT_MS 10000	/* an accepted connection names its leg */
#define RETRY_MS 1000		/* between connection attempts */
#define TICK_MS 200
#define EVENTS 64
#define RESP_MAX (DP_MSRP_HEAD_MAX / 2)	/* room kept for one response */
/* msrps://[v6]:port/id;tcp */
#define URI_MAX (8 + INET6_ADDRSTRLEN + 2 + 6 + 1 + FT_MSRP_ID_MAX + 4 + 1)
/* epoll tags below this are not connections: 0 eventfd, 1.. listeners */
#define TAG_CONN_MIN 64
#define LISTEN_MAX (2 * CFG_MAX_REALMS)	/* TCP and TLS per realm */

struct conn;

/* one MSRP leg: a flow-table entry of kind FT_KIND_MSRP */
struct leg {
	bool used;
	uint32_t slot, epoch;
	struct ft_flow f;
	char uri[URI_MAX];		/* the SBC's URI toward the leg */
	size_t uri_len;
	struct conn *conn;		/* bound connection, or NULL */
	int64_t retry_ms;		/* active: next connect attempt */
	bool warned;			/* connect failure logged */
	bool cert_failed;		/* its peer's certificate was refused:
					 * not connected again until a put */
};

struct conn {
	int fd;
	SSL *ssl;			/* NULL for plain TCP */
	uint32_t rd_want, wr_want;	/* epoll events TLS waits for to go
					 * on reading, writing */
	struct leg *leg;		/* NULL until a request binds it */
	bool connecting;		/* active connect not finished */
	bool blocked;			/* holds a message it cannot pass */
	int64_t deadline_ms;		/* unbound: bind by then */
	uint32_t events;		/* registered with epoll */
	char *in;
	size_t in_len;
	char *out;
	size_t out_len;
	char bind_tid[DP_MSRP_TID_MAX + 1];	/* our bodiless SEND's */
	struct dp_msrp_fp fp;		/* TLS client: the server's, if any */
	struct conn *prev, *next;
};

/* a slot change, from the main lcore to the relay thread */
struct change {
	uint32_t slot, epoch;
	bool gone;
	struct ft_flow flow;
};

struct dp_msrp_relay {
	const struct cfg *cfg;
	struct ft *ft;
	uint32_t capacity;		/* of the flow table */
	int ep, evfd;
	int lfd[LISTEN_MAX];
	SSL_CTX *lctx[LISTEN_MAX];	/* TLS listeners' */
	/* toward msrps: peers, by realm; [n_realms]: no certificate */
	SSL_CTX *client[CFG_MAX_REALMS + 1];
	X509_STORE *ca;			/* dataplane.msrp_tls_ca, or NULL */
	unsigned n_listen;
	struct leg *legs;		/* [max_legs] */
	unsigned max_legs, n_legs;
	uint32_t *slot_leg;		/* [capacity]: leg index + 1, or 0 */
	struct conn *conns;
	unsigned n_conns;
	size_t in_cap, out_cap, msg_room;
	pthread_t thread;
	bool started;
	atomic_bool stop;
	/* main lcore -> relay thread */
	pthread_mutex_t lock;
	struct change *q;
	unsigned q_len, q_cap;
	uint8_t *known;			/* [capacity / 8], main lcore's */
	/* counters: written by the relay thread, read by telemetry */
	uint64_t n_messages, n_bytes, n_refused, n_errors, n_bound;
	uint64_t n_bad_certs;
	bool wake;			/* a leg got ready or room: wake() */
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void count(uint64_t *c, uint64_t n)
{
	__atomic_fetch_add(c, n, __ATOMIC_RELAXED);
}

/* connections -------------------------------------------------------------- */

/* a connection on @fd, TLS when @ctx is not NULL */
static struct conn *conn_new(struct dp_msrp_relay *r, int fd, SSL_CTX *ctx,
			     bool server)
{
	struct conn *c = calloc(1, sizeof(*c));
	struct epoll_event ev = { .events = EPOLLIN };

	if (c) {
		c->in = malloc(r->in_cap);
		c->out = malloc(r->out_cap);
		c->ssl = ctx ? dp_msrp_tls_new(ctx, fd, server) : NULL;
	}
	if (!c || !c->in || !c->out || (ctx && !c->ssl)) {
		if (c) {
			SSL_free(c->ssl);
			free(c->in);
			free(c->out);
		}
		free(c);
		close(fd);
		return NULL;
	}
	c->fd = fd;
	c->events = EPOLLIN;
	ev.data.ptr = c;
	if (epoll_ctl(r->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
		SSL_free(c->ssl);
		free(c->in);
		free(c->out);
		free(c);
		close(fd);
		return NULL;
	}
	c->next = r->conns;
	if (r->conns)
		r->conns->prev = c;
	r->conns = c;
	r->n_conns++;
	return c;
}

static void conn_close(struct dp_msrp_relay *r, struct conn *c, const char *why)
{
	const char *bad = dp_msrp_tls_refused(c->ssl);

	if (bad && c->leg) {
		count(&r->n_bad_certs, 1);
		c->leg->cert_failed = true;
		log_notice("msrp: slot %u: peer certificate refused: %s; not "
			   "connected again until the leg changes",
			   c->leg->slot, bad);
	}
	if (why)
		log_info("msrp: %s%u: connection closed: %s",
			 c->leg ? "slot " : "unbound, fd ",
			 c->leg ? c->leg->slot : (unsigned)c->fd, why);
	if (c->leg) {
		c->leg->conn = NULL;
		c->leg->retry_ms = now_ms() + RETRY_MS;
		count(&r->n_bound, (uint64_t)-1);
	}
	SSL_free(c->ssl);
	close(c->fd);
	if (c->prev)
		c->prev->next = c->next;
	else
		r->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	r->n_conns--;
	free(c->in);
	free(c->out);
	free(c);
}

static void conn_bind(struct dp_msrp_relay *r, struct conn *c, struct leg *l)
{
	c->leg = l;
	l->conn = c;
	r->wake = true;
	count(&r->n_bound, 1);
}

/* send what @c holds; -1 when the connection failed */
static int conn_flush(struct conn *c)
{
	size_t off = 0;

	while (off < c->out_len) {
		long n = dp_msrp_tls_send(c->fd, c->ssl, c->out + off,
					  c->out_len - off, &c->wr_want);

		if (n == -EAGAIN)
			break;
		if (n < 0) {
			errno = (int)-n;
			return -1;
		}
		off += (size_t)n;
	}
	memmove(c->out, c->out + off, c->out_len - off);
	c->out_len -= off;
	return 0;
}

static size_t out_room(const struct dp_msrp_relay *r, const struct conn *c)
{
	return r->out_cap - c->out_len;
}

/* the connection @c forwards to, if the other leg has one ready */
static struct conn *conn_other(struct dp_msrp_relay *r, const struct conn *c)
{
	uint32_t pair, ix;
	struct conn *o;

	if (!c->leg)
		return NULL;
	pair = c->leg->f.pair;
	ix = pair < r->capacity ? r->slot_leg[pair] : 0;
	o = ix ? r->legs[ix - 1].conn : NULL;
	return o && !o->connecting ? o : NULL;
}

static bool wants_read(struct dp_msrp_relay *r, struct conn *c)
{
	struct conn *o = conn_other(r, c);

	if (c->connecting || c->blocked || c->in_len == r->in_cap ||
	    out_room(r, c) < RESP_MAX)
		return false;
	return !o || out_room(r, o) >= r->msg_room;
}

static void conn_events(struct dp_msrp_relay *r, struct conn *c)
{
	bool rd = wants_read(r, c);
	uint32_t want = (rd ? EPOLLIN | c->rd_want : 0) |
			(c->connecting || c->out_len ? EPOLLOUT : 0) |
			(c->out_len ? c->wr_want : 0);
	struct epoll_event ev = { .events = want, .data.ptr = c };

	if (want != c->events &&
	    epoll_ctl(r->ep, EPOLL_CTL_MOD, c->fd, &ev) == 0)
		c->events = want;
}

/* messages ---------------------------------------------------------------- */

enum verdict { DONE, BLOCKED, CLOSE, REFUSED };

static bool str_eq(const struct dp_msrp_str *a, const char *b, size_t blen)
{
	return a->len == blen && !memcmp(a->s, b, blen);
}

/* whether To-Path @to names leg @l: the SBC is the peers' only hop */
static bool names(const struct dp_msrp_str *to, const struct leg *l)
{
	struct dp_msrp_uri u;

	return !memchr(to->s, ' ', to->len) &&
	       dp_msrp_uri_parse(to->s, to->len, &u) == 0 &&
	       str_eq(&u.session_id, l->f.msrp.id, l->f.msrp.id_len);
}

/* the certificate fingerprint leg @l's peer gave, as the TLS checks take it */
static void leg_fp(const struct leg *l, struct dp_msrp_fp *fp)
{
	memset(fp, 0, sizeof(*fp));
	fp->hash = l->f.msrp.fp_hash;
	fp->len = (uint8_t)ft_fp_len(fp->hash);
	memcpy(fp->d, l->f.msrp.fp, fp->len);
}

/* the leg a new connection's first request names, or NULL */
static struct leg *leg_of_path(struct dp_msrp_relay *r,
			       const struct dp_msrp_str *to)
{
	for (unsigned i = 0; i < r->max_legs; i++)
		if (r->legs[i].used && names(to, &r->legs[i]))
			return &r->legs[i];
	return NULL;
}

/* answer request @m on @c (not for REPORT, nor with Failure-Report: no) */
static enum verdict respond(struct dp_msrp_relay *r, struct conn *c,
			    const struct dp_msrp_msg *m, unsigned status,
			    const char *text)
{
	const struct dp_msrp_str *fr = dp_msrp_header(m, "Failure-Report");
	/* unbound: from the URI the peer addressed */
	struct dp_msrp_str from = c->leg ?
		(struct dp_msrp_str){ c->leg->uri, c->leg->uri_len } :
		m->to_path;
	long n;

	/* RFC 4975 section 7.1.2: REPORTs are never answered; section
	 * 7.1.1: nor is a request with Failure-Report: no */
	if (str_eq(&m->method, "REPORT", 6) || (fr && str_eq(fr, "no", 2)))
		return DONE;
	n = dp_msrp_response(m, status, text, &from, c->out + c->out_len,
			     out_room(r, c));
	if (n < 0)
		return BLOCKED;
	c->out_len += (size_t)n;
	return DONE;
}

/* @m from @c's leg to the other leg's connection */
static enum verdict forward(struct dp_msrp_relay *r, struct conn *c,
			    const struct dp_msrp_msg *m)
{
	struct conn *o = conn_other(r, c);
	struct leg *ol = o ? o->leg : NULL;
	struct dp_msrp_str to, from;
	long n;

	if (!o)
		return m->request ? BLOCKED : DONE;
	to = (struct dp_msrp_str){ ol->f.msrp.path, ol->f.msrp.path_len };
	from = (struct dp_msrp_str){ ol->uri, ol->uri_len };
	n = dp_msrp_print(m, &to, &from, o->out + o->out_len, out_room(r, o));
	if (n < 0)
		return BLOCKED;
	o->out_len += (size_t)n;
	count(&r->n_messages, 1);
	if (m->has_body) {
		count(&r->n_bytes, m->body.len);
		ft_count_rx(ft_counters_of(r->ft, c->leg->slot), c->leg->epoch,
			    (uint32_t)m->body.len, 0,
			    (uint64_t)now_ms() * 1000000u);
	}
	/* a failure shows on @o's own events, where it is closed */
	conn_flush(o);
	conn_events(r, o);
	return DONE;
}

static enum verdict handle(struct dp_msrp_relay *r, struct conn *c,
			   const struct dp_msrp_msg *m)
{
	struct leg *l;

	if (!m->request) {
		/* the answer to our own bodiless SEND ends here */
		if (c->bind_tid[0] && str_eq(&m->tid, c->bind_tid,
					     strlen(c->bind_tid)))
			return DONE;
		return c->leg ? forward(r, c, m) : CLOSE;
	}
	if (c->leg && !names(&m->to_path, c->leg))
		return respond(r, c, m, 481, "Session Does Not Exist");
	l = c->leg ? c->leg : leg_of_path(r, &m->to_path);
	if (!c->leg) {
		if (!l && now_ms() < c->deadline_ms)
			return BLOCKED;	/* its entry may be on its way */
		if (!l || l->conn) {
			count(&r->n_refused, 1);
			respond(r, c, m, 481, "Session Does Not Exist");
			conn_flush(c);
			return CLOSE;
		}
		leg_fp(l, &c->fp);
		if (c->ssl && c->fp.hash != FT_FP_NONE &&
		    !dp_msrp_tls_peer_is(c->ssl, &c->fp)) {
			/* RFC 8122 section 6: not the a=fingerprint's */
			count(&r->n_bad_certs, 1);
			respond(r, c, m, 403, "Forbidden");
			conn_flush(c);
			return REFUSED;
		}
		conn_bind(r, c, l);
	}
	/* RFC 4975 section 5.4: a bodiless SEND binds the connection */
	if (str_eq(&m->method, "SEND", 4) && !m->has_body)
		return respond(r, c, m, 200, "OK");
	if (!str_eq(&m->method, "SEND", 4) && !str_eq(&m->method, "REPORT", 6))
		return respond(r, c, m, 501, "Not Implemented");
	return forward(r, c, m);
}

/* handle every complete message @c holds; false when @c was closed */
static bool conn_process(struct dp_msrp_relay *r, struct conn *c)
{
	const char *why = NULL;
	size_t off = 0;

	c->blocked = false;
	while (off < c->in_len) {
		struct dp_msrp_msg m;
		long n = dp_msrp_parse(c->in + off, c->in_len - off,
				       r->cfg->dp.msrp_max_chunk, &m);
		enum verdict v;

		if (n == 0)
			break;
		if (n < 0) {
			why = n == -EMSGSIZE ? "message over the limits" :
					       "not MSRP";
			count(&r->n_errors, 1);
			break;
		}
		v = handle(r, c, &m);
		if (v == CLOSE || v == REFUSED) {
			why = v == CLOSE ? "no session named" :
					   "not the a=fingerprint's certificate";
			break;
		}
		if (v == BLOCKED) {
			c->blocked = true;
			break;
		}
		off += (size_t)n;
	}
	memmove(c->in, c->in + off, c->in_len - off);
	c->in_len -= off;
	if (!why && conn_flush(c) < 0)
		why = strerror(errno);
	if (why) {
		conn_close(r, c, why);
		return false;
	}
	conn_events(r, c);
	return true;
}

/* bytes from the socket, then messages; false when @c was closed */
static bool conn_read(struct dp_msrp_relay *r, struct conn *c)
{
	do {
		long n = dp_msrp_tls_recv(c->fd, c->ssl, c->in + c->in_len,
					  r->in_cap - c->in_len, &c->rd_want);

		if (n == -EAGAIN)
			return true;
		if (n <= 0) {
			conn_close(r, c, n ? strerror((int)-n) :
					     "closed by the peer");
			return false;
		}
		c->in_len += (size_t)n;
		if (!conn_process(r, c))
			return false;
		/* TLS may hold a record's bytes that no socket event shows */
	} while (dp_msrp_tls_pending(c->ssl) && wants_read(r, c));
	return true;
}

/* the peer's half of an active leg: a bodiless SEND (section 5.4) */
static void conn_connected(struct dp_msrp_relay *r, struct conn *c)
{
	struct leg *l = c->leg;
	uint8_t rnd[8];
	int n;

	c->connecting = false;
	l->warned = false;
	if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
		memset(rnd, 0x5a, sizeof(rnd));
	snprintf(c->bind_tid, sizeof(c->bind_tid),
		 "sbc%02x%02x%02x%02x%02x%02x%02x%02x", rnd[0], rnd[1], rnd[2],
		 rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
	n = snprintf(c->out + c->out_len, out_room(r, c),
		     "MSRP %s SEND\r\nTo-Path: %.*s\r\nFrom-Path: %.*s\r\n"
		     "-------%s$\r\n", c->bind_tid, (int)l->f.msrp.path_len,
		     l->f.msrp.path, (int)l->uri_len, l->uri, c->bind_tid);
	if (n > 0 && (size_t)n < out_room(r, c))
		c->out_len += (size_t)n;
}

static void conn_io(struct dp_msrp_relay *r, struct conn *c, uint32_t ev)
{
	if (c->connecting) {
		int err = 0;
		socklen_t len = sizeof(err);

		if (!(ev & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
			return;
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 ||
		    err) {
			char peer[INET6_ADDRSTRLEN + 8];

			dp_msrp_tls_ep_text(&c->leg->f.msrp.peer, peer,
					    sizeof(peer));
			if (!c->leg->warned)
				log_notice("msrp: connecting to %s: %s", peer,
					   strerror(err ? err : errno));
			c->leg->warned = true;
			count(&r->n_refused, 1);
			conn_close(r, c, NULL);
			return;
		}
		conn_connected(r, c);
		r->wake = true;
	}
	if (c->ssl) {
		/* a TLS read may wait to write and a write to read: try both */
		bool hup = ev & (EPOLLHUP | EPOLLERR);

		ev = EPOLLOUT | (wants_read(r, c) || hup ? EPOLLIN : 0);
	}
	if (ev & EPOLLOUT) {
		size_t before = c->out_len;

		if (conn_flush(c) < 0) {
			conn_close(r, c, strerror(errno));
			return;
		}
		/* room again: what the other leg holds may come */
		if (c->out_len < before)
			r->wake = true;
	}
	if (ev & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
		if (!conn_read(r, c))
			return;
	}
	conn_events(r, c);
}

static void accept_one(struct dp_msrp_relay *r, unsigned ix)
{
	int fd = accept4(r->lfd[ix], NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	struct conn *c;

	if (fd < 0)
		return;
	if (r->n_conns >= r->max_legs + r->max_legs / 2 + 8) {
		count(&r->n_refused, 1);
		close(fd);
		return;
	}
	c = conn_new(r, fd, r->lctx[ix], true);
	if (c)
		c->deadline_ms = now_ms() + BIND_TIMEOUT_MS;
}

/* legs --------------------------------------------------------------------- */

/* connect an active leg that has no connection, when it is time */
static void leg_connect(struct dp_msrp_relay *r, struct leg *l)
{
	struct sockaddr_storage src, dst;
	socklen_t slen, dlen;
	struct conn *c;
	int fd;

	if (!(l->f.msrp.flags & FT_MSRP_ACTIVE) || l->conn ||
	    l->cert_failed || now_ms() < l->retry_ms)
		return;
	l->retry_ms = now_ms() + RETRY_MS;
	if (dp_msrp_tls_sockaddr(&l->f.local, &src, &slen) < 0 ||
	    dp_msrp_tls_sockaddr(&l->f.msrp.peer, &dst, &dlen) < 0)
		return;
	/* from the realm's MSRP address, so the peer sees only the SBC */
	/* sin_port and sin6_port are at the same offset */
	((struct sockaddr_in *)&src)->sin_port = 0;
	fd = socket(src.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0)
		return;
	if (bind(fd, (struct sockaddr *)&src, slen) < 0 ||
	    (connect(fd, (struct sockaddr *)&dst, dlen) < 0 &&
	     errno != EINPROGRESS)) {
		if (!l->warned)
			log_notice("msrp: slot %u: connect: %s", l->slot,
				   strerror(errno));
		l->warned = true;
		count(&r->n_refused, 1);
		close(fd);
		return;
	}
	/* RFC 4975 section 14: an msrps: peer takes TLS */
	c = conn_new(r, fd, l->f.msrp.path_len > 6 &&
		     !strncasecmp(l->f.msrp.path, "msrps:", 6) ?
		     r->client[dp_msrp_tls_realm(r->cfg, &l->f.local)] : NULL,
		     false);
	if (!c)
		return;
	leg_fp(l, &c->fp);
	if (c->ssl)
		dp_msrp_tls_check(c->ssl, &c->fp, r->ca != NULL);
	conn_bind(r, c, l);
	c->connecting = true;
	conn_events(r, c);
}

static void leg_drop(struct dp_msrp_relay *r, uint32_t slot)
{
	uint32_t ix = r->slot_leg[slot];
	struct leg *l;

	if (!ix)
		return;
	l = &r->legs[ix - 1];
	if (l->conn)
		conn_close(r, l->conn, "the call ended");
	memset(l, 0, sizeof(*l));
	r->slot_leg[slot] = 0;
	r->n_legs--;
}

static void leg_uri(struct leg *l)
{
	char a[INET6_ADDRSTRLEN] = "";
	bool v6 = l->f.local.family == FT_FAMILY_IPV6;
	int n;

	inet_ntop(v6 ? AF_INET6 : AF_INET, l->f.local.addr, a, sizeof(a));
	n = snprintf(l->uri, sizeof(l->uri), "%s://%s%s%s:%u/%.*s;tcp",
		     l->f.msrp.flags & FT_MSRP_TLS ? "msrps" : "msrp",
		     v6 ? "[" : "", a, v6 ? "]" : "", l->f.local.port,
		     (int)l->f.msrp.id_len, l->f.msrp.id);
	l->uri_len = n > 0 && (size_t)n < sizeof(l->uri) ? (size_t)n : 0;
}

static void leg_put(struct dp_msrp_relay *r, const struct change *ch)
{
	uint32_t ix = r->slot_leg[ch->slot];
	struct leg *l = NULL;

	if (ix) {
		l = &r->legs[ix - 1];
		/*
		 * RFC 4975 section 8.4: a new offer with the same paths keeps
		 * the session's connection, whatever a=setup now says; another
		 * path or session-id is another session.
		 */
		if (l->conn && (l->f.msrp.path_len != ch->flow.msrp.path_len ||
				memcmp(l->f.msrp.path, ch->flow.msrp.path,
				       sizeof(l->f.msrp.path)) ||
				memcmp(l->f.msrp.id, ch->flow.msrp.id,
				       sizeof(l->f.msrp.id))))
			conn_close(r, l->conn, "the leg changed");
	} else {
		for (unsigned i = 0; i < r->max_legs && !l; i++)
			if (!r->legs[i].used) {
				l = &r->legs[i];
				r->slot_leg[ch->slot] = i + 1;
			}
		if (!l) {
			log_warn("msrp: %u legs in use (dataplane."
				 "msrp_sessions): slot %u not relayed",
				 r->max_legs, ch->slot);
			count(&r->n_refused, 1);
			return;
		}
		memset(l, 0, sizeof(*l));
		l->used = true;
		r->n_legs++;
	}
	l->slot = ch->slot;
	l->epoch = ch->epoch;
	l->f = ch->flow;
	l->cert_failed = false;
	leg_uri(l);
}

/* apply the main lcore's changes, then let waiting connections go on */
static void apply_changes(struct dp_msrp_relay *r)
{
	struct change *q;
	unsigned n;
	uint64_t v;

	if (read(r->evfd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		log_err("msrp: eventfd: %s", strerror(errno));
	pthread_mutex_lock(&r->lock);
	q = r->q;
	n = r->q_len;
	r->q = NULL;
	r->q_len = r->q_cap = 0;
	pthread_mutex_unlock(&r->lock);
	for (unsigned i = 0; i < n; i++) {
		if (q[i].slot >= r->capacity)
			continue;
		if (q[i].gone)
			leg_drop(r, q[i].slot);
		else
			leg_put(r, &q[i]);
	}
	free(q);
	r->wake = true;
}

/* connections held back by another leg: try them again */
static void wake(struct dp_msrp_relay *r)
{
	r->wake = false;
	for (struct conn *c = r->conns, *next; c; c = next) {
		next = c->next;
		if (c->blocked)
			conn_process(r, c);
		else if (dp_msrp_tls_pending(c->ssl) && wants_read(r, c))
			conn_read(r, c);	/* no socket event shows them */
		else
			conn_events(r, c);
	}
}

/* deadlines of unbound connections, connect attempts */
static void tick(struct dp_msrp_relay *r)
{
	int64_t now = now_ms();

	for (struct conn *c = r->conns, *next; c; c = next) {
		next = c->next;
		if (!c->leg && now >= c->deadline_ms) {
			if (c->blocked) {
				conn_process(r, c);	/* answers 481 */
			} else {
				count(&r->n_refused, 1);
				conn_close(r, c, "no session named");
			}
		}
	}
	for (unsigned i = 0; i < r->max_legs; i++)
		if (r->legs[i].used)
			leg_connect(r, &r->legs[i]);
}

static void *relay_main(void *arg)
{
	struct dp_msrp_relay *r = arg;
	struct epoll_event ev[EVENTS];
	int64_t next = now_ms() + TICK_MS;

	if (dp_msrp_tls_thread() < 0)
		log_warn("msrp: SIGPIPE not blocked");
	while (!atomic_load(&r->stop)) {
		int64_t wait = next - now_ms();
		int n = epoll_wait(r->ep, ev, EVENTS, wait > 0 ? (int)wait : 0);

		if (n < 0 && errno != EINTR) {
			log_err("msrp: epoll_wait: %s", strerror(errno));
			break;
		}
		for (int i = 0; i < n; i++) {
			uint64_t tag = ev[i].data.u64;

			if (tag == 0)
				apply_changes(r);
			else if (tag < TAG_CONN_MIN)
				accept_one(r, (unsigned)tag - 1);
		}
		/* connections last: a change above may have closed one */
		for (int i = 0; i < n; i++) {
			struct conn *c = ev[i].data.ptr;

			if (ev[i].data.u64 < TAG_CONN_MIN)
				continue;
			for (struct conn *k = r->conns; k; k = k->next)
				if (k == c) {
					conn_io(r, c, ev[i].events);
					break;
				}
		}
		for (int k = 0; r->wake && k < 4; k++)
			wake(r);
		if (now_ms() >= next) {
			tick(r);
			next = now_ms() + TICK_MS;
		}
	}
	return NULL;
}

/* setup -------------------------------------------------------------------- */

/* a listener on @realm's MSRP address and @port, TLS with @ctx */
static int listen_on(struct dp_msrp_relay *r, const struct cfg_realm *realm,
		     uint16_t port, SSL_CTX *ctx)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int fd = dp_msrp_tls_listen(realm, port);

	ev.data.u64 = r->n_listen + 1;
	if (fd >= 0 && epoll_ctl(r->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
		close(fd);
		fd = -errno;
	}
	if (fd < 0) {
		SSL_CTX_free(ctx);
		return fd;
	}
	r->lctx[r->n_listen] = ctx;
	r->lfd[r->n_listen++] = fd;
	log_notice("msrp: realm %s: relay on %s port %u%s", realm->name,
		   realm->msrp_addr.text, port, ctx ? " (TLS)" : "");
	return 0;
}

/* the TLS listener of realm @i, when it has tls_cert and tls_key */
static int listen_tls(struct dp_msrp_relay *r, const struct cfg *cfg,
		      unsigned i)
{
	const struct cfg_realm *realm = &cfg->realms[i];
	SSL_CTX *ctx;

	if (!dp_msrp_tls_has(realm) || dp_msrp_tls_shared(cfg, i, true))
		return 0;
	ctx = dp_msrp_tls_server(realm);
	if (!ctx)
		return -EINVAL;
	return listen_on(r, realm, realm->msrp_tls_port, ctx);
}

struct dp_msrp_relay *dp_msrp_relay_create(const struct cfg *cfg,
					   struct ft *ft)
{
	struct dp_msrp_relay *r = calloc(1, sizeof(*r));
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 0 };
	int err = ENOMEM;

	if (!r)
		goto fail;
	r->cfg = cfg;
	r->ft = ft;
	r->capacity = ft_capacity(ft);
	r->ep = r->evfd = -1;
	pthread_mutex_init(&r->lock, NULL);
	atomic_init(&r->stop, false);
	r->max_legs = 2 * cfg->dp.msrp_sessions;
	r->in_cap = DP_MSRP_HEAD_MAX + cfg->dp.msrp_max_chunk +
		    DP_MSRP_END_MAX + 8;
	/* a forwarded message may grow by the paths it gets */
	r->msg_room = r->in_cap + 2 * (FT_MSRP_PATH_MAX + URI_MAX + 32);
	r->out_cap = 2 * r->msg_room;
	r->legs = calloc(r->max_legs, sizeof(*r->legs));
	r->slot_leg = calloc(r->capacity, sizeof(*r->slot_leg));
	r->known = calloc(r->capacity / 8 + 1, 1);
	if (!r->legs || !r->slot_leg || !r->known)
		goto err;
	if (cfg->dp.msrp_tls_ca[0] && !(r->ca = dp_msrp_tls_ca(
						cfg->dp.msrp_tls_ca))) {
		err = EINVAL;
		goto err;
	}
	for (unsigned i = 0; i <= cfg->n_realms; i++) {
		r->client[i] = dp_msrp_tls_client(i < cfg->n_realms ?
						  &cfg->realms[i] : NULL,
						  r->ca);
		if (!r->client[i]) {
			err = EINVAL;
			goto err;
		}
	}
	r->ep = epoll_create1(EPOLL_CLOEXEC);
	r->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (r->ep < 0 || r->evfd < 0 ||
	    epoll_ctl(r->ep, EPOLL_CTL_ADD, r->evfd, &ev) < 0) {
		err = errno;
		goto err;
	}
	for (unsigned i = 0; i < cfg->n_realms; i++) {
		int ret = dp_msrp_tls_shared(cfg, i, false) ? 0 :
			  listen_on(r, &cfg->realms[i],
				    cfg->realms[i].msrp_port, NULL);

		if (!ret)
			ret = listen_tls(r, cfg, i);

		if (ret < 0) {
			err = -ret;
			goto err;
		}
	}
	err = rte_ctrl_thread_create(&r->thread, "sbc-msrp", NULL, relay_main,
				     r);
	if (err) {
		log_err("msrp: cannot start the relay thread: %s",
			strerror(err));
		goto err;
	}
	r->started = true;
	dp_msrp_telemetry_set(r);
	log_notice("msrp: relay up, at most %u sessions, chunks up to %u "
		   "bytes", cfg->dp.msrp_sessions, cfg->dp.msrp_max_chunk);
	return r;
err:
	dp_msrp_relay_free(r);
fail:
	errno = err;
	return NULL;
}

void dp_msrp_relay_free(struct dp_msrp_relay *r)
{
	uint64_t one = 1;

	if (!r)
		return;
	dp_msrp_telemetry_clear(r);
	if (r->started) {
		atomic_store(&r->stop, true);
		if (write(r->evfd, &one, sizeof(one)) < 0)
			log_err("msrp: eventfd: %s", strerror(errno));
		pthread_join(r->thread, NULL);
	}
	while (r->conns)
		conn_close(r, r->conns, NULL);
	for (unsigned i = 0; i < r->n_listen; i++) {
		close(r->lfd[i]);
		SSL_CTX_free(r->lctx[i]);
	}
	for (unsigned i = 0; i <= CFG_MAX_REALMS; i++)
		SSL_CTX_free(r->client[i]);
	X509_STORE_free(r->ca);
	if (r->ep >= 0)
		close(r->ep);
	if (r->evfd >= 0)
		close(r->evfd);
	free(r->q);
	free(r->legs);
	free(r->slot_leg);
	free(r->known);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

void dp_msrp_relay_on_change(struct dp_msrp_relay *r, uint32_t slot,
			     const struct ft_flow *flow, uint32_t epoch)
{
	bool is = flow && flow->kind == FT_KIND_MSRP;
	uint8_t bit = (uint8_t)(1u << (slot & 7));
	uint64_t one = 1;
	struct change *ch;

	if (slot >= r->capacity || (!is && !(r->known[slot / 8] & bit)))
		return;
	pthread_mutex_lock(&r->lock);
	if (r->q_len == r->q_cap) {
		unsigned n = r->q_cap ? r->q_cap * 2 : 16;
		struct change *q = realloc(r->q, n * sizeof(*q));

		if (!q) {
			pthread_mutex_unlock(&r->lock);
			log_err("msrp: slot %u: out of memory; change lost",
				slot);
			return;
		}
		r->q = q;
		r->q_cap = n;
	}
	ch = &r->q[r->q_len++];
	*ch = (struct change){ .slot = slot, .epoch = epoch, .gone = !is };
	if (is)
		ch->flow = *flow;
	pthread_mutex_unlock(&r->lock);
	if (is)
		r->known[slot / 8] |= bit;
	else
		r->known[slot / 8] &= (uint8_t)~bit;
	if (write(r->evfd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		log_err("msrp: eventfd: %s", strerror(errno));
}

void dp_msrp_relay_stats(const struct dp_msrp_relay *r,
			 struct dp_msrp_stats *out)
{
	*out = (struct dp_msrp_stats){
		.legs = __atomic_load_n(&r->n_legs, __ATOMIC_RELAXED),
		.connections = __atomic_load_n(&r->n_conns, __ATOMIC_RELAXED),
		.bound = __atomic_load_n(&r->n_bound, __ATOMIC_RELAXED),
		.messages = __atomic_load_n(&r->n_messages, __ATOMIC_RELAXED),
		.bytes = __atomic_load_n(&r->n_bytes, __ATOMIC_RELAXED),
		.refused = __atomic_load_n(&r->n_refused, __ATOMIC_RELAXED),
		.errors = __atomic_load_n(&r->n_errors, __ATOMIC_RELAXED),
		.bad_certs = __atomic_load_n(&r->n_bad_certs, __ATOMIC_RELAXED),
	};
}
