/*
 * The MSRP relay's transport: listening sockets, plain TCP reads and
 * writes, and TLS (RFC 4975 section 14, msrps:) with OpenSSL on the same
 * non-blocking sockets, with the checks of a peer's certificate.  See
 * msrp_tls.h.
 */
#include "msrp_tls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/x509_vfy.h>

#include "log.h"

int dp_msrp_tls_sockaddr(const struct ft_endpoint *ep,
			 struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	if (ep->family == FT_FAMILY_IPV4) {
		struct sockaddr_in *s = (struct sockaddr_in *)ss;

		s->sin_family = AF_INET;
		s->sin_port = htons(ep->port);
		memcpy(&s->sin_addr, ep->addr, 4);
		*len = sizeof(*s);
		return 0;
	}
	if (ep->family == FT_FAMILY_IPV6) {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)ss;

		s->sin6_family = AF_INET6;
		s->sin6_port = htons(ep->port);
		memcpy(&s->sin6_addr, ep->addr, 16);
		*len = sizeof(*s);
		return 0;
	}
	return -EAFNOSUPPORT;
}

void dp_msrp_tls_ep_text(const struct ft_endpoint *ep, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "?";

	inet_ntop(ep->family == FT_FAMILY_IPV6 ? AF_INET6 : AF_INET, ep->addr,
		  a, sizeof(a));
	snprintf(buf, len, ep->family == FT_FAMILY_IPV6 ? "[%s]:%u" : "%s:%u",
		 a, ep->port);
}

int dp_msrp_tls_listen(const struct cfg_realm *realm, uint16_t port)
{
	struct ft_endpoint ep = { .port = port };
	struct sockaddr_storage ss;
	socklen_t len = 0;
	int one = 1, fd, err;

	ep.family = realm->msrp_addr.af == AF_INET6 ? FT_FAMILY_IPV6 :
						      FT_FAMILY_IPV4;
	memcpy(ep.addr, &realm->msrp_addr.u,
	       ep.family == FT_FAMILY_IPV6 ? 16 : 4);
	dp_msrp_tls_sockaddr(&ep, &ss, &len);
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0)
		goto err;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/*
	 * The address may not be up yet: on a single-NIC appliance it lives
	 * on the exception TAP this process creates, and with a floating
	 * (VRRP) address only the active box holds it.  Bind anyway
	 * (IP_FREEBIND also covers AF_INET6 sockets); connections arrive
	 * once the kernel has the address.
	 */
	if (setsockopt(fd, SOL_IP, IP_FREEBIND, &one, sizeof(one)) < 0)
		goto err;
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 128) < 0)
		goto err;
	return fd;
err:
	err = errno;
	log_err("msrp: realm %s: cannot listen on %s port %u: %s",
		realm->name, realm->msrp_addr.text, port, strerror(err));
	if (fd >= 0)
		close(fd);
	return -err;
}

bool dp_msrp_tls_has(const struct cfg_realm *realm)
{
	return realm->tls_cert[0] && realm->tls_key[0];
}

bool dp_msrp_tls_shared(const struct cfg *cfg, unsigned i, bool tls)
{
	const struct cfg_realm *ri = &cfg->realms[i];

	for (unsigned k = 0; k < i; k++) {
		const struct cfg_realm *rk = &cfg->realms[k];

		if ((tls ? dp_msrp_tls_has(rk) &&
			   rk->msrp_tls_port == ri->msrp_tls_port :
			   rk->msrp_port == ri->msrp_port) &&
		    cfg_ip_equal(&rk->msrp_addr, &ri->msrp_addr))
			return true;
	}
	return false;
}

unsigned dp_msrp_tls_realm(const struct cfg *cfg, const struct ft_endpoint *ep)
{
	for (unsigned i = 0; i < cfg->n_realms; i++) {
		const struct cfg_ip *ip = &cfg->realms[i].msrp_addr;
		bool v6 = ip->af == AF_INET6;

		if (ep->family == (v6 ? FT_FAMILY_IPV6 : FT_FAMILY_IPV4) &&
		    !memcmp(ep->addr, &ip->u, v6 ? 16 : 4))
			return i;
	}
	return cfg->n_realms;
}

static SSL_CTX *ctx_new(const SSL_METHOD *method)
{
	SSL_CTX *ctx = SSL_CTX_new(method);

	if (!ctx)
		return NULL;
	if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	/* the relay's output buffer moves and grows between retries */
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
			 SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	return ctx;
}

/* the realm's certificate and key into @ctx; false (logged) when one fails */
static bool ctx_cert(SSL_CTX *ctx, const struct cfg_realm *realm)
{
	if (SSL_CTX_use_certificate_chain_file(ctx, realm->tls_cert) != 1) {
		log_err("msrp: realm %s: tls_cert %s: no PEM certificate",
			realm->name, realm->tls_cert);
	} else if (SSL_CTX_use_PrivateKey_file(ctx, realm->tls_key,
					       SSL_FILETYPE_PEM) != 1 ||
		   SSL_CTX_check_private_key(ctx) != 1) {
		log_err("msrp: realm %s: tls_key %s: no PEM private key of "
			"tls_cert", realm->name, realm->tls_key);
	} else {
		return true;
	}
	ERR_clear_error();
	return false;
}

/*
 * A client's certificate is asked for but not checked in the handshake:
 * which leg (and a=fingerprint) a connection is for is known only from its
 * first request, when dp_msrp_tls_peer_is() checks it.
 */
static int any_client(int ok, X509_STORE_CTX *xs)
{
	(void)ok;
	(void)xs;
	return 1;
}

SSL_CTX *dp_msrp_tls_server(const struct cfg_realm *realm)
{
	static const unsigned char sid_ctx[] = "sbc-msrp";
	SSL_CTX *ctx = ctx_new(TLS_server_method());

	if (!ctx) {
		log_err("msrp: realm %s: no TLS context", realm->name);
		return NULL;
	}
	if (!ctx_cert(ctx, realm)) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, any_client);
	/* resuming a session where client certificates are asked needs it */
	SSL_CTX_set_session_id_context(ctx, sid_ctx, sizeof(sid_ctx) - 1);
	return ctx;
}

X509_STORE *dp_msrp_tls_ca(const char *path)
{
	X509_STORE *st = X509_STORE_new();
	STACK_OF(X509_OBJECT) *objs;

	if (!st)
		return NULL;
	if (X509_STORE_load_file(st, path) != 1) {
		log_err("msrp: dataplane.msrp_tls_ca %s: not a PEM file of "
			"certificates", path);
		ERR_clear_error();
		X509_STORE_free(st);
		return NULL;
	}
	objs = X509_STORE_get0_objects(st);
	for (int i = 0; objs && i < sk_X509_OBJECT_num(objs); i++)
		if (X509_OBJECT_get_type(sk_X509_OBJECT_value(objs, i)) ==
		    X509_LU_X509)
			return st;
	log_err("msrp: dataplane.msrp_tls_ca %s: no certificate", path);
	X509_STORE_free(st);
	return NULL;
}

SSL_CTX *dp_msrp_tls_client(const struct cfg_realm *realm, X509_STORE *ca)
{
	SSL_CTX *ctx = ctx_new(TLS_client_method());

	if (!ctx)
		return NULL;
	/* the certificate a peer checks against the SBC's a=fingerprint */
	if (realm && dp_msrp_tls_has(realm) && !ctx_cert(ctx, realm)) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	if (ca && SSL_CTX_set1_verify_cert_store(ctx, ca) != 1) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	/* dp_msrp_tls_check() sets what each connection checks */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	return ctx;
}

/* the leaf must be the certificate of the a=fingerprint, chain or not */
static int fp_verify(int ok, X509_STORE_CTX *xs)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(xs,
				SSL_get_ex_data_X509_STORE_CTX_idx());
	const struct dp_msrp_fp *fp = ssl ? SSL_get_app_data(ssl) : NULL;

	(void)ok;
	if (fp && dp_msrp_fp_cert(X509_STORE_CTX_get0_cert(xs), fp)) {
		/* the chain's own errors (self-signed) are not the verdict:
		 * SSL_get_verify_result() must say OK (dp_msrp_tls_refused) */
		X509_STORE_CTX_set_error(xs, X509_V_OK);
		return 1;
	}
	X509_STORE_CTX_set_error(xs, X509_V_ERR_CERT_REJECTED);
	return 0;
}

void dp_msrp_tls_check(SSL *ssl, const struct dp_msrp_fp *fp, bool chain)
{
	if (fp->hash != FT_FP_NONE) {
		/* RFC 4975 section 14.1: a self-signed certificate is fine */
		SSL_set_app_data(ssl, (void *)fp);
		SSL_set_verify(ssl, SSL_VERIFY_PEER, fp_verify);
	} else if (chain) {
		SSL_set_verify(ssl, SSL_VERIFY_PEER, NULL);
	}
}

const char *dp_msrp_tls_refused(SSL *ssl)
{
	long v;

	if (!ssl || SSL_is_server(ssl) ||
	    !(SSL_get_verify_mode(ssl) & SSL_VERIFY_PEER))
		return NULL;
	v = SSL_get_verify_result(ssl);
	if (v == X509_V_OK)
		return NULL;
	return v == X509_V_ERR_CERT_REJECTED ?
		       "not the certificate of its a=fingerprint" :
		       X509_verify_cert_error_string(v);
}

bool dp_msrp_tls_peer_is(SSL *ssl, const struct dp_msrp_fp *fp)
{
	X509 *x = SSL_get0_peer_certificate(ssl);

	return dp_msrp_fp_cert(x, fp);
}

SSL *dp_msrp_tls_new(SSL_CTX *ctx, int fd, bool server)
{
	SSL *ssl = SSL_new(ctx);

	if (!ssl)
		return NULL;
	if (SSL_set_fd(ssl, fd) != 1) {
		SSL_free(ssl);
		return NULL;
	}
	if (server)
		SSL_set_accept_state(ssl);
	else
		SSL_set_connect_state(ssl);
	return ssl;
}

/* what SSL_read or SSL_write returning @n means, as recv() would say it */
static long tls_result(SSL *ssl, int n, uint32_t *want)
{
	int e = n > 0 ? SSL_ERROR_NONE : SSL_get_error(ssl, n);

	*want = 0;
	switch (e) {
	case SSL_ERROR_NONE:
		return n;
	case SSL_ERROR_WANT_READ:
		*want = EPOLLIN;
		return -EAGAIN;
	case SSL_ERROR_WANT_WRITE:
		*want = EPOLLOUT;
		return -EAGAIN;
	case SSL_ERROR_ZERO_RETURN:
		return 0;
	case SSL_ERROR_SYSCALL:
		ERR_clear_error();
		/* an EOF without close_notify is a close all the same */
		return errno ? -errno : 0;
	default:
		ERR_clear_error();
		return -EPROTO;
	}
}

long dp_msrp_tls_recv(int fd, SSL *ssl, void *buf, size_t len,
		      uint32_t *want)
{
	ssize_t n;

	if (ssl) {
		errno = 0;
		return tls_result(ssl, SSL_read(ssl, buf, (int)len), want);
	}
	*want = 0;
	do
		n = recv(fd, buf, len, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	return n;
}

long dp_msrp_tls_send(int fd, SSL *ssl, const void *buf, size_t len,
		      uint32_t *want)
{
	ssize_t n;

	if (ssl) {
		long ret;

		errno = 0;
		ret = tls_result(ssl, SSL_write(ssl, buf, (int)len), want);
		return ret ? ret : -EPIPE;
	}
	*want = 0;
	do
		n = send(fd, buf, len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	return n ? n : -EPIPE;
}

bool dp_msrp_tls_pending(SSL *ssl)
{
	return ssl && SSL_pending(ssl) > 0;
}

int dp_msrp_tls_thread(void)
{
	sigset_t set;

	/*
	 * OpenSSL writes to the socket with write(), which raises SIGPIPE
	 * on a connection the peer reset: blocked in the relay's thread,
	 * the write fails with EPIPE instead.
	 */
	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	return -pthread_sigmask(SIG_BLOCK, &set, NULL);
}
