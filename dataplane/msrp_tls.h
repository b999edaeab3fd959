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
 * need to write, a write to read), and the checks of a peer's certificate.
 *
 * Peer certificates (RFC 4975 section 14.1, RFC 8122).  Peers are named by
 * IP address, so a host name check has nothing to check; what the relay
 * checks instead, of a peer it connects to (an active msrps: leg):
 *  - when the peer's SDP gave a=fingerprint (in the leg's entry): its
 *    certificate must be that one, self-signed or not;
 *  - else, when dataplane.msrp_tls_ca names a CA file: its certificate
 *    chain must lead to one of those CAs (the chain only: the address is
 *    not matched against the certificate's names);
 *  - else nothing, as a TLS client that trusts the SDP's address.
 * A failed check fails the handshake (the peer gets a TLS alert), closes
 * the connection and is counted; the relay does not connect to that leg
 * again until its entry changes (a new offer).
 *
 * Of a peer that connects to the relay (a passive msrps: leg): the server
 * asks every client for a certificate without checking it in the
 * handshake, because only the first request's To-Path says which leg the
 * connection is for; then, when that leg's peer gave a=fingerprint, the
 * client must have presented that certificate (RFC 8122 section 6: the
 * passive end checks the active end's), or it gets 403 and is closed.
 * Without a fingerprint a client needs no certificate: as for plain TCP,
 * the session-id of the To-Path, 96 random bits sent only in the SDP,
 * admits it, and msrp_tls_ca is not applied to clients (client
 * certificates from a public or operator CA are not what MSRP endpoints
 * carry; RFC 4975 section 14.1 pairs mutual TLS with fingerprints).
 *
 * The SBC's own certificate on a leg, as server and as client, is its
 * realm's tls_cert, which sbcd names in the SDP's a=fingerprint.
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
#include "msrp_fp.h"

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

/* dp_msrp_tls_realm - the realm whose MSRP address is @ep's; n_realms */
unsigned dp_msrp_tls_realm(const struct cfg *cfg, const struct ft_endpoint *ep);

/**
 * dp_msrp_tls_server - the TLS server context of @realm: its tls_cert and
 * tls_key, TLS 1.2 at least, clients asked for a certificate
 *
 * @return the context, or NULL (logged) when a file does not load.
 */
SSL_CTX *dp_msrp_tls_server(const struct cfg_realm *realm);

/**
 * dp_msrp_tls_ca - the CAs of dataplane.msrp_tls_ca (PEM file @path)
 * @return the store, or NULL (logged) when it holds no certificate.
 */
X509_STORE *dp_msrp_tls_ca(const char *path);

/**
 * dp_msrp_tls_client - the relay's TLS client context for legs of @realm
 * @realm: its tls_cert is presented when asked; NULL or a realm without
 *	   one: no certificate
 * @ca: the CAs of chain checks, or NULL
 *
 * @return the context, or NULL (logged when a file does not load).
 */
SSL_CTX *dp_msrp_tls_client(const struct cfg_realm *realm, X509_STORE *ca);

/*
 * dp_msrp_tls_check - what client connection @ssl checks of the server's
 * certificate: fingerprint @fp (kept by the caller for as long as @ssl
 * lives), else the chain when @chain, else nothing
 */
void dp_msrp_tls_check(SSL *ssl, const struct dp_msrp_fp *fp, bool chain);

/*
 * dp_msrp_tls_refused - why the handshake of client connection @ssl
 * failed on the server's certificate, or NULL when it did not (or @ssl is
 * NULL, a server or not checking)
 */
const char *dp_msrp_tls_refused(SSL *ssl);

/* dp_msrp_tls_peer_is - whether the client of @ssl presented @fp's
 * certificate (false without one) */
bool dp_msrp_tls_peer_is(SSL *ssl, const struct dp_msrp_fp *fp);

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
