/*
 * DOC: MSRP relay transport - sockets and TLS of the MSRP relay
 *
 * The MSRP relay (msrp_relay.h) speaks MSRP over TCP (msrp: URIs) and over
 * TLS over TCP (msrps: URIs, RFC 4975 section 14) on non-blocking kernel
 * sockets in its epoll loop.  This file holds what differs between the
 * two: the listeners (a realm with tls_cert and tls_key gets a second one
 * on msrp_tls_port, with its certificate, TLS 1.2 at least), the TLS
 * client used toward a peer whose path is msrps:, and reads and writes
 * that say which socket event a TLS connection waits for (a TLS read may
 * need to write, a write to read).  The relay does not verify the
 * certificate of a peer it connects to: the peer is the one the call's SDP
 * named, by IP address.
 */
#ifndef SBC_DP_MSRP_TLS_H
#define SBC_DP_MSRP_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <openssl/ssl.h>

#include "cfg.h"
#include "ft.h"

/* dp_msrp_tls_sockaddr - @ep as a socket address; -EAFNOSUPPORT */
int dp_msrp_tls_sockaddr(const struct ft_endpoint *ep,
			 struct sockaddr_storage *ss, socklen_t *len);

/* dp_msrp_tls_ep_text - @ep as ADDR:PORT or [ADDR]:PORT */
void dp_msrp_tls_ep_text(const struct ft_endpoint *ep, char *buf, size_t len);

/**
 * dp_msrp_tls_listen - a non-blocking listening socket on @realm's MSRP
 * address and @port (bound even before the address is up: IP_FREEBIND)
 *
 * @return the socket, or negative errno (logged).
 */
int dp_msrp_tls_listen(const struct cfg_realm *realm, uint16_t port);

/* dp_msrp_tls_has - whether @realm has a TLS listener: tls_cert, tls_key */
bool dp_msrp_tls_has(const struct cfg_realm *realm);

/*
 * dp_msrp_tls_shared - whether realm @i's MSRP listener (its TLS one when
 * @tls) is an earlier realm's: realms sharing an address and port share it
 */
bool dp_msrp_tls_shared(const struct cfg *cfg, unsigned i, bool tls);

/**
 * dp_msrp_tls_server - the TLS server context of @realm: its tls_cert and
 * tls_key, TLS 1.2 at least
 *
 * @return the context, or NULL (logged) when a file does not load.
 */
SSL_CTX *dp_msrp_tls_server(const struct cfg_realm *realm);

/* dp_msrp_tls_client - the context of the relay's TLS client; NULL */
SSL_CTX *dp_msrp_tls_client(void);

/* dp_msrp_tls_new - TLS on connected socket @fd; NULL */
SSL *dp_msrp_tls_new(SSL_CTX *ctx, int fd, bool server);

/**
 * dp_msrp_tls_recv - bytes from @fd, through @ssl when not NULL
 * @want: set to the epoll events (EPOLLIN, EPOLLOUT) TLS waits for, 0
 *
 * @return bytes read, 0 when the peer closed, -EAGAIN when nothing is
 * there yet, another negative errno (-EPROTO for a TLS failure).
 */
long dp_msrp_tls_recv(int fd, SSL *ssl, void *buf, size_t len,
		      uint32_t *want);

/* dp_msrp_tls_send - like dp_msrp_tls_recv(), to @fd; never 0 */
long dp_msrp_tls_send(int fd, SSL *ssl, const void *buf, size_t len,
		      uint32_t *want);

/* dp_msrp_tls_pending - whether @ssl holds bytes read (false for NULL) */
bool dp_msrp_tls_pending(SSL *ssl);

/* dp_msrp_tls_thread - in the relay's thread: SIGPIPE blocked; -errno */
int dp_msrp_tls_thread(void);

#endif
