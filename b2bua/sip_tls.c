/*
 * TLS material and version floor for Sofia-SIP's TLS transport (see
 * sip_tls.h for why it takes this shape).
 */
#include "sip_tls.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/conf.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "log.h"

#define PEM_MAX (64 * 1024)	/* bytes read from tls_cert or tls_key */

/*
 * Applied by OpenSSL to every new SSL_CTX (ssl_conf module, section
 * "system_default"); the application name selects [sbcd_init].
 */
static const char min_version_conf[] =
	"sbcd = sbcd_init\n"
	"[sbcd_init]\n"
	"ssl_conf = sbcd_ssl\n"
	"[sbcd_ssl]\n"
	"system_default = sbcd_tls\n"
	"[sbcd_tls]\n"
	"MinProtocol = TLSv1.2\n";

int b2b_tls_min_version(void)
{
	BIO *bio = NULL;
	CONF *conf = NULL;
	long line = 0;
	int rc = -EIO;

	/* The system's configuration first, so that ours, loaded after it,
	 * replaces its ssl_conf settings rather than being replaced. */
	if (!OPENSSL_init_ssl(OPENSSL_INIT_LOAD_CONFIG, NULL))
		goto out;
	bio = BIO_new_mem_buf(min_version_conf, -1);
	conf = NCONF_new(NULL);
	if (!bio || !conf || NCONF_load_bio(conf, bio, &line) <= 0 ||
	    CONF_modules_load(conf, "sbcd", 0) <= 0)
		goto out;
	rc = 0;
out:
	if (rc < 0) {
		const char *why = ERR_reason_error_string(ERR_peek_last_error());

		log_err("tls: OpenSSL refused the TLS 1.2 minimum: %s",
			why ? why : "?");
	}
	ERR_clear_error();
	NCONF_free(conf);
	BIO_free(bio);
	return rc;
}

/* Read a whole file of at most PEM_MAX bytes into @buf (NUL-terminated). */
static ssize_t file_read(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t n = 0;
	ssize_t r;

	if (fd < 0)
		return -errno;
	while (n < size - 1 && (r = read(fd, buf + n, size - 1 - n)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			close(fd);
			return r;
		}
		n += (size_t)r;
	}
	close(fd);
	if (n == size - 1)
		return -EFBIG;
	buf[n] = '\0';
	return (ssize_t)n;
}

/*
 * Check the PEM texts before Sofia sees them: it logs a bad certificate
 * or key only at its own debug level and starts without them.
 */
static int pem_check(const struct cfg_realm *r, const char *cert,
		     size_t cert_len, const char *key, size_t key_len)
{
	BIO *cb = BIO_new_mem_buf(cert, (int)cert_len);
	BIO *kb = BIO_new_mem_buf(key, (int)key_len);
	X509 *x = cb ? PEM_read_bio_X509(cb, NULL, NULL, NULL) : NULL;
	EVP_PKEY *k = kb ? PEM_read_bio_PrivateKey(kb, NULL, NULL, NULL) : NULL;
	int rc = 0;

	if (!x) {
		log_err("realm %s: tls_cert %s: no PEM certificate", r->name,
			r->tls_cert);
		rc = -EINVAL;
	} else if (!k) {
		log_err("realm %s: tls_key %s: no PEM private key (or it is "
			"encrypted)", r->name, r->tls_key);
		rc = -EINVAL;
	} else if (X509_check_private_key(x, k) != 1) {
		log_err("realm %s: tls_key %s does not belong to tls_cert %s",
			r->name, r->tls_key, r->tls_cert);
		rc = -EINVAL;
	}
	ERR_clear_error();
	EVP_PKEY_free(k);
	X509_free(x);
	BIO_free(kb);
	BIO_free(cb);
	return rc;
}

/* Write @n parts to @dir/@name, mode 0600, replacing any old file. */
static int file_write(const char *dir, const char *name,
		      const char *const parts[], const size_t lens[], int n)
{
	char path[CFG_PATH_MAX + 16];
	int fd, rc = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0)
		return -errno;
	for (int i = 0; i < n && rc == 0; i++) {
		size_t done = 0;

		while (done < lens[i]) {
			ssize_t w = write(fd, parts[i] + done, lens[i] - done);

			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				rc = -errno;
				break;
			}
			done += (size_t)w;
		}
	}
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	return rc;
}

/* mkdir @path 0700, or accept it if it is already our own directory. */
static int dir_private(const char *path)
{
	struct stat st;

	if (mkdir(path, 0700) == 0)
		return 0;
	if (errno != EEXIST)
		return -errno;
	if (lstat(path, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (st.st_uid != geteuid())
		return -EPERM;
	return chmod(path, 0700) < 0 ? -errno : 0;
}

int b2b_tls_dir_make(const struct cfg *cfg, const struct cfg_realm *r,
		     char *dir, size_t len)
{
	char parent[CFG_PATH_MAX], *cert = malloc(PEM_MAX), *key = malloc(PEM_MAX);
	const char *parts[3];
	size_t lens[3];
	ssize_t cn = 0, kn = 0;
	int n, rc = 0;

	dir[0] = '\0';
	snprintf(parent, sizeof(parent), "%s", cfg->paths.control_socket);
	n = snprintf(dir, len, "%s/tls-%s", dirname(parent), r->name);
	if (!cert || !key)
		rc = -ENOMEM;
	else if (n < 0 || (size_t)n >= len || n + 16 > CFG_PATH_MAX)
		rc = -ENAMETOOLONG;
	else if (mkdir(parent, 0750) < 0 && errno != EEXIST)
		rc = -errno;
	if (rc == 0 && (cn = file_read(r->tls_cert, cert, PEM_MAX)) < 0) {
		rc = (int)cn;
		log_err("realm %s: tls_cert %s: %s", r->name, r->tls_cert,
			strerror(-rc));
	}
	if (rc == 0 && (kn = file_read(r->tls_key, key, PEM_MAX)) < 0) {
		rc = (int)kn;
		log_err("realm %s: tls_key %s: %s", r->name, r->tls_key,
			strerror(-rc));
	}
	if (rc == 0)
		rc = pem_check(r, cert, (size_t)cn, key, (size_t)kn);
	if (rc == 0) {
		rc = dir_private(dir);
		if (rc < 0)
			log_err("realm %s: TLS directory %s: %s", r->name, dir,
				strerror(-rc));
	}
	if (rc == 0) {
		/* certificate, a line break if its last line has none, key */
		parts[0] = cert, lens[0] = (size_t)cn;
		parts[1] = "\n", lens[1] = cn && cert[cn - 1] != '\n';
		parts[2] = key, lens[2] = (size_t)kn;
		rc = file_write(dir, "agent.pem", parts, lens, 3);
		if (rc == 0)
			rc = file_write(dir, "cafile.pem", parts, lens, 1);
		if (rc < 0) {
			log_err("realm %s: TLS directory %s: %s", r->name,
				dir, strerror(-rc));
			b2b_tls_dir_remove(dir);
		}
	}
	if (key)
		OPENSSL_cleanse(key, PEM_MAX);
	free(key);
	free(cert);
	if (rc < 0)
		dir[0] = '\0';
	return rc;
}

void b2b_tls_dir_remove(const char *dir)
{
	char path[CFG_PATH_MAX + 16];

	if (!dir || !dir[0])
		return;
	snprintf(path, sizeof(path), "%s/agent.pem", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/cafile.pem", dir);
	unlink(path);
	rmdir(dir);
}
