/*
 * Unit tests of sip_tls.c: the TLS 1.2 floor applied to every SSL_CTX of
 * the process, and the private certificate directory built for Sofia-SIP
 * (agent.pem = certificate + key, cafile.pem, modes, refusals).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "cfg.h"
#include "sip_tls.h"

struct fx {
	char tmp[64];
	char cert[128], key[128], other_key[128];
	struct cfg cfg;
};

/* A fresh P-256 key written to @path as PEM; returned for signing. */
static EVP_PKEY *key_write(const char *path)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	FILE *f = fopen(path, "w");

	assert_non_null(k);
	assert_non_null(f);
	assert_int_equal(PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL,
					      NULL), 1);
	fclose(f);
	return k;
}

/* A self-signed certificate for @k, written to @path as PEM. */
static void cert_write(const char *path, EVP_PKEY *k)
{
	X509 *x = X509_new();
	X509_NAME *name;
	FILE *f = fopen(path, "w");

	assert_non_null(x);
	assert_non_null(f);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_set_pubkey(x, k);
	name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
				   (const unsigned char *)"sbc-test", -1, -1, 0);
	X509_set_issuer_name(x, name);
	assert_true(X509_sign(x, k, EVP_sha256()) > 0);
	assert_int_equal(PEM_write_X509(f, x), 1);
	fclose(f);
	X509_free(x);
}

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	struct cfg_realm *r;
	EVP_PKEY *k;

	assert_non_null(fx);
	snprintf(fx->tmp, sizeof(fx->tmp), "/tmp/sbc-tls-test.XXXXXX");
	assert_non_null(mkdtemp(fx->tmp));
	snprintf(fx->cert, sizeof(fx->cert), "%s/c.pem", fx->tmp);
	snprintf(fx->key, sizeof(fx->key), "%s/k.pem", fx->tmp);
	snprintf(fx->other_key, sizeof(fx->other_key), "%s/o.pem", fx->tmp);
	k = key_write(fx->key);
	cert_write(fx->cert, k);
	EVP_PKEY_free(k);
	EVP_PKEY_free(key_write(fx->other_key));
	snprintf(fx->cfg.paths.control_socket,
		 sizeof(fx->cfg.paths.control_socket), "%s/run/sbcd.sock",
		 fx->tmp);
	fx->cfg.n_realms = 1;
	r = &fx->cfg.realms[0];
	snprintf(r->name, sizeof(r->name), "access");
	snprintf(r->tls_cert, sizeof(r->tls_cert), "%s", fx->cert);
	snprintf(r->tls_key, sizeof(r->tls_key), "%s", fx->key);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->tmp);
	assert_int_equal(system(cmd), 0);
	free(fx);
	return 0;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 16384);

	assert_non_null(f);
	assert_non_null(buf);
	assert_true(fread(buf, 1, 16383, f) > 0);
	fclose(f);
	return buf;
}

static void test_min_version(void **state)
{
	SSL_CTX *ctx;

	(void)state;
	assert_int_equal(b2b_tls_min_version(), 0);
	/* as Sofia-SIP creates its contexts */
	ctx = SSL_CTX_new(TLS_method());
	assert_non_null(ctx);
	assert_int_equal(SSL_CTX_get_min_proto_version(ctx), TLS1_2_VERSION);
	SSL_CTX_free(ctx);
}

static void test_dir_made(void **state)
{
	struct fx *fx = *state;
	char dir[CFG_PATH_MAX], path[CFG_PATH_MAX + 16], want[CFG_PATH_MAX];
	char *agent, *cert, *key, *ca;
	struct stat st;

	assert_int_equal(b2b_tls_dir_make(&fx->cfg, &fx->cfg.realms[0], dir,
					  sizeof(dir)), 0);
	snprintf(want, sizeof(want), "%s/run/tls-access", fx->tmp);
	assert_string_equal(dir, want);
	assert_int_equal(lstat(dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0700);

	snprintf(path, sizeof(path), "%s/agent.pem", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	agent = slurp(path);
	cert = slurp(fx->cert);
	key = slurp(fx->key);
	/* the certificate, then the key, nothing else */
	assert_int_equal(strncmp(agent, cert, strlen(cert)), 0);
	assert_string_equal(agent + strlen(cert), key);
	snprintf(path, sizeof(path), "%s/cafile.pem", dir);
	ca = slurp(path);
	assert_string_equal(ca, cert);
	free(ca);
	free(agent);
	free(cert);
	free(key);

	/* again over the old directory, then removed */
	assert_int_equal(b2b_tls_dir_make(&fx->cfg, &fx->cfg.realms[0], dir,
					  sizeof(dir)), 0);
	b2b_tls_dir_remove(dir);
	assert_int_equal(lstat(dir, &st), -1);
	assert_int_equal(errno, ENOENT);
	b2b_tls_dir_remove("");
	b2b_tls_dir_remove(NULL);
}

static void test_dir_refusals(void **state)
{
	struct fx *fx = *state;
	struct cfg_realm *r = &fx->cfg.realms[0];
	char dir[CFG_PATH_MAX], link[CFG_PATH_MAX + 16];
	struct stat st;

	/* a key that is not the certificate's */
	snprintf(r->tls_key, sizeof(r->tls_key), "%s", fx->other_key);
	assert_int_equal(b2b_tls_dir_make(&fx->cfg, r, dir, sizeof(dir)),
			 -EINVAL);
	assert_string_equal(dir, "");
	/* a certificate file that is a key, and key files that are not */
	snprintf(r->tls_cert, sizeof(r->tls_cert), "%s", fx->key);
	assert_int_equal(b2b_tls_dir_make(&fx->cfg, r, dir, sizeof(dir)),
			 -EINVAL);
	snprintf(r->tls_cert, sizeof(r->tls_cert), "%s", fx->cert);
	snprintf(r->tls_key, sizeof(r->tls_key), "%s", fx->cert);
	assert_int_equal(b2b_tls_dir_make(&fx->cfg, r, dir, sizeof(dir)),
			 -EINVAL);
	/* missing files */
	snprintf(r->tls_key, sizeof(r->tls_key), "%s/none.pem", fx->tmp);
	assert_int_equal(b2b_tls_dir_make(&fx->cfg, r, dir, sizeof(dir)),
			 -ENOENT);
	snprintf(r->tls_key, sizeof(r->tls_key), "%s", fx->key);
	snprintf(r->tls_cert, sizeof(r->tls_cert), "%s", fx->tmp);
	assert_int_equal(b2b_tls_dir_make(&fx->cfg, r, dir, sizeof(dir)),
			 -EISDIR);
	snprintf(r->tls_cert, sizeof(r->tls_cert), "%s", fx->cert);
	/* nothing was left behind by the refusals */
	snprintf(link, sizeof(link), "%s/run/tls-access", fx->tmp);
	assert_int_equal(lstat(link, &st), -1);
	/* the directory's name taken by a link: refused, link untouched */
	assert_int_equal(symlink(fx->tmp, link), 0);
	assert_int_equal(b2b_tls_dir_make(&fx->cfg, r, dir, sizeof(dir)),
			 -ENOTDIR);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(lstat(fx->key, &st), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_min_version),
		cmocka_unit_test_setup_teardown(test_dir_made, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dir_refusals, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
