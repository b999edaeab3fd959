/*
 * TLS for the SIP transports: what Sofia-SIP 1.12.11 (Debian) needs to
 * serve a realm's tls sockets and to connect to TLS peers.
 *
 * Certificate: Sofia's TPTAG_CERTIFICATE names a directory, from which
 * tport_tls.c reads agent.pem as both certificate and private key
 * (SSL_CTX_use_certificate_file: the first certificate only, so no
 * intermediate is sent) and cafile.pem as the trusted CAs, which it
 * refuses to start without.  sbcd builds such a directory per realm at
 * start, RUNDIR/tls-REALM (RUNDIR: the control socket's directory), mode
 * 0700 with 0600 files: agent.pem is tls_cert followed by tls_key, and
 * cafile.pem is tls_cert.  Peers' certificates are not verified: the
 * verify policy stays at none, as Sofia 1.12 checks at most the chain, not
 * that an IP-literal gateway is the certificate's subject, and there is no
 * CA setting yet.  Sofia reads both files while binding and keeps them in
 * its contexts, so sip.c removes the directory right after nua_create().
 * Key material is never logged.
 *
 * Version: Sofia creates its contexts with TLS_method() and sets no
 * minimum, and exposes neither the SSL_CTX nor a tag for one
 * (TPTAG_TLS_VERSION only chose TLSv1_method() in older releases).  sbcd
 * therefore loads, before any SSL_CTX exists, an OpenSSL configuration
 * from memory whose ssl_conf "system_default" section sets MinProtocol
 * TLSv1.2: OpenSSL applies it to every SSL_CTX the process creates
 * (config(5), SSL_CONF_cmd(3)), Sofia's included.  TLS 1.0 and 1.1
 * clients are refused in the handshake.
 */
#ifndef SBC_SIP_TLS_H
#define SBC_SIP_TLS_H

#include <stddef.h>

#include "cfg.h"

/**
 * b2b_tls_min_version - make TLS 1.2 the least version of every SSL_CTX
 * the process creates from now on (see above)
 *
 * @return 0, or -EIO when OpenSSL refused the configuration (logged).
 */
int b2b_tls_min_version(void);

/**
 * b2b_tls_dir_make - build a realm's certificate directory for Sofia
 * @cfg: the configuration (its control socket's directory is the parent)
 * @r: a realm with tls_cert and tls_key set
 * @dir: receives the directory's path
 * @len: size of @dir
 *
 * The parent is created (0750) if absent; an existing RUNDIR/tls-REALM
 * must be a directory of this user (not a link): its files are replaced.
 *
 * @return 0; -ENAMETOOLONG; -ENOTDIR / -EPERM (an existing path that is
 * not our directory); -EINVAL (tls_cert or tls_key holds no PEM
 * certificate or private key; logged with the file's name); errors of
 * open(2), read(2), write(2), mkdir(2).
 */
int b2b_tls_dir_make(const struct cfg *cfg, const struct cfg_realm *r,
		     char *dir, size_t len);

/* b2b_tls_dir_remove - remove what b2b_tls_dir_make() made; "" is no-op. */
void b2b_tls_dir_remove(const char *dir);

#endif
