/*
 * Configuration loading: from a file or a string to a libconfig tree, then
 * through the schema (cfg_schema.c) and the cross-setting rules
 * (cfg_check.c) into a struct cfg.  Also the error reporting those steps
 * share and the small public helpers of cfg.h.
 *
 * libconfig does the parsing.  Two things are done around it: the file is
 * read here (only regular files, bounded in size), and integer literals that
 * libconfig 1.5 would silently truncate are marked 64-bit first (see
 * widen_ints()).
 */
#include "cfg_pvt.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A configuration is a few kilobytes; anything this big is a mistake. */
#define CFG_FILE_MAX (1024 * 1024)

/* "FILE:LINE: PATH: message"; no LINE when 0, no PATH when empty. */
static void vreport(struct cfg_ctx *c, unsigned line, const char *path,
		    const char *fmt, va_list ap)
{
	int n;

	if (!c->err || !c->errlen)
		return;
	if (line)
		n = snprintf(c->err, c->errlen, "%s:%u: ", c->file, line);
	else
		n = snprintf(c->err, c->errlen, "%s: ", c->file);
	if (n >= 0 && (size_t)n < c->errlen && path && *path)
		n += snprintf(c->err + n, c->errlen - n, "%s: ", path);
	if (n >= 0 && (size_t)n < c->errlen)
		vsnprintf(c->err + n, c->errlen - n, fmt, ap);
}

/* Report a problem that has no setting (I/O, syntax) and return @ret. */
static int __attribute__((format(printf, 4, 5)))
report(struct cfg_ctx *c, unsigned line, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(c, line, "", fmt, ap);
	va_end(ap);
	return ret;
}

/*
 * Report a failed system call ("FILE: what: strerror") and return -errno,
 * never 0: callers take 0 for success.
 */
static int report_errno(struct cfg_ctx *c, const char *what)
{
	int e = errno ? errno : EIO;

	return report(c, 0, -e, "%s: %s", what, strerror(e));
}

static unsigned line_of(const config_setting_t *s)
{
	unsigned line = s ? config_setting_source_line(s) : 0;

	/* The root group has no line of its own; its text starts at 1. */
	return line ? line : 1;
}

int cfg_fail(struct cfg_ctx *c, const config_setting_t *s, const char *path,
	     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(c, line_of(s), path, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int cfg_fail_key(struct cfg_ctx *c, const char *base, const char *key,
		 const char *fmt, ...)
{
	char path[CFG_SETTING_PATH_MAX], p[CFG_SETTING_PATH_MAX];
	config_setting_t *s;
	va_list ap;

	snprintf(path, sizeof(path), "%s%s%s", base, key ? "." : "",
		 key ? key : "");
	memcpy(p, path, sizeof(p));
	for (;;) {
		char *dot;

		s = config_setting_lookup(c->root, p);
		if (s)
			break;
		dot = strrchr(p, '.');
		if (!dot) {
			s = c->root;
			break;
		}
		*dot = '\0';
	}
	va_start(ap, fmt);
	vreport(c, line_of(s), path, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int cfg_ip_parse(const char *text, struct cfg_ip *out)
{
	struct cfg_ip ip = { 0 };

	if (!text)
		return -EINVAL;
	if (inet_pton(AF_INET, text, &ip.u.v4) == 1)
		ip.af = AF_INET;
	else if (inet_pton(AF_INET6, text, &ip.u.v6) == 1)
		ip.af = AF_INET6;
	else
		return -EINVAL;
	/* Keep the canonical form so equal addresses print alike. */
	inet_ntop(ip.af, &ip.u, ip.text, sizeof(ip.text));
	*out = ip;
	return 0;
}

bool cfg_ip_equal(const struct cfg_ip *a, const struct cfg_ip *b)
{
	if (a->af != b->af)
		return false;
	if (a->af == AF_INET)
		return a->u.v4.s_addr == b->u.v4.s_addr;
	if (a->af == AF_INET6)
		return memcmp(&a->u.v6, &b->u.v6, sizeof(a->u.v6)) == 0;
	return true;
}

const struct cfg_realm *cfg_realm_find(const struct cfg *cfg, const char *name)
{
	if (!cfg || !name)
		return NULL;
	for (unsigned i = 0; i < cfg->n_realms; i++)
		if (strcmp(cfg->realms[i].name, name) == 0)
			return &cfg->realms[i];
	return NULL;
}

void cfg_free(struct cfg *cfg)
{
	free(cfg);
}

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static bool is_xdigit(char ch)
{
	return is_digit(ch) || (ch >= 'a' && ch <= 'f') ||
	       (ch >= 'A' && ch <= 'F');
}

/* libconfig's name characters: [A-Za-z*] first, then [-A-Za-z0-9_*]. */
static bool is_name_start(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       ch == '*';
}

static bool is_name_char(char ch)
{
	return is_name_start(ch) || is_digit(ch) || ch == '-' || ch == '_';
}

/* Skip a float's remaining characters: digits, '.', an exponent and its sign. */
static const char *skip_float(const char *p)
{
	while (is_digit(*p) || *p == '.' || *p == 'e' || *p == 'E' ||
	       ((*p == '-' || *p == '+') && (p[-1] == 'e' || p[-1] == 'E')))
		p++;
	return p;
}

/*
 * Scan the number token at @p; return its end and set *@widen when it is a
 * plain (not 'L') integer outside the int range.
 */
static const char *scan_number(const char *p, bool *widen)
{
	const char *q = p + (*p == '-' || *p == '+');
	const char *e = q;

	*widen = false;
	if (q == p && q[0] == '0' && (q[1] == 'x' || q[1] == 'X') &&
	    is_xdigit(q[2])) {
		for (e = q + 2; is_xdigit(*e); e++)
			;
		if (*e != 'L') {
			errno = 0;
			*widen = strtoull(q, NULL, 16) > INT_MAX ||
				 errno == ERANGE;
		}
		return e;
	}
	while (is_digit(*e))
		e++;
	if (*e == '.' || *e == 'e' || *e == 'E')
		return skip_float(e);
	if (*e != 'L') {
		long long v;

		errno = 0;
		v = strtoll(p, NULL, 10);
		*widen = v < INT_MIN || v > INT_MAX || errno == ERANGE;
	}
	return e;
}

/*
 * libconfig 1.5 reads a plain integer literal with atoi(), so "4294972356"
 * silently loads as 5060 and "0x100000005" as 5.  Appending 'L' to every
 * literal outside the int range makes libconfig read it as a 64-bit value,
 * so the schema's range checks see the number actually written.  The scan
 * follows libconfig's lexical rules for strings, comments and names so that
 * only number tokens are touched.
 *
 * @return a new string, or NULL when out of memory.
 */
static char *widen_ints(const char *in)
{
	size_t len = strlen(in);
	/* A literal outside int needs at least 10 characters. */
	char *out = malloc(len + len / 10 + 2);
	char *w = out;
	const char *p = in;

	if (!out)
		return NULL;
	while (*p) {
		const char *start = p;
		bool widen = false;

		if (*p == '"') {
			for (p++; *p && *p != '"'; p++)
				if (*p == '\\' && p[1])
					p++;
			if (*p)
				p++;
		} else if (*p == '#' || (p[0] == '/' && p[1] == '/')) {
			p += strcspn(p, "\n");
		} else if (p[0] == '/' && p[1] == '*') {
			const char *end = strstr(p + 2, "*/");

			p = end ? end + 2 : p + strlen(p);
		} else if (is_name_start(*p)) {
			for (p++; is_name_char(*p); p++)
				;
		} else if (is_digit(*p) ||
			   ((*p == '-' || *p == '+') && is_digit(p[1]))) {
			p = scan_number(p, &widen);
		} else if (*p == '.' ||
			   ((*p == '-' || *p == '+') && p[1] == '.')) {
			p = skip_float(p + 1);
		} else {
			p++;
		}
		memcpy(w, start, (size_t)(p - start));
		w += p - start;
		if (widen)
			*w++ = 'L';
	}
	*w = '\0';
	return out;
}

static int parse(struct cfg_ctx *c, const char *text, struct cfg **out)
{
	struct cfg *cfg = calloc(1, sizeof(*cfg));
	char *wide = widen_ints(text);
	config_t lc;
	int ret;

	*out = NULL;
	if (!cfg || !wide) {
		ret = report(c, 0, -ENOMEM, "out of memory");
		goto out;
	}
	config_init(&lc);
	/*
	 * The configuration is one file.  Resolving @include under /dev/null
	 * makes every include fail to open, so a config can neither pull in
	 * other files nor block on a FIFO.
	 */
	config_set_include_dir(&lc, "/dev/null");
	if (!config_read_string(&lc, wide)) {
		const char *msg = config_error_text(&lc);
		int line = config_error_line(&lc);

		if (msg && strcmp(msg, "cannot open include file") == 0)
			msg = "@include is not supported: the configuration is one file";
		ret = report(c, line > 0 ? (unsigned)line : 1, -EINVAL, "%s",
			     msg ? msg : "syntax error");
	} else {
		c->root = config_root_setting(&lc);
		snprintf(cfg->file, sizeof(cfg->file), "%s", c->file);
		ret = cfg_schema_load(c, cfg);
		if (!ret)
			ret = cfg_check(c, cfg);
		c->root = NULL;
	}
	config_destroy(&lc);
out:
	free(wide);
	if (ret)
		free(cfg);
	else
		*out = cfg;
	return ret;
}

/*
 * Read the file whole.  Only regular files: libconfig's scanner exit()s the
 * process when a read fails (a directory), and a FIFO or a device could
 * block or never end.  O_NONBLOCK keeps open() itself from waiting on a
 * FIFO; it changes nothing for a regular file.
 *
 * @return the text, NUL-terminated, or NULL with *@ret set and reported.
 */
static char *read_file(struct cfg_ctx *c, int *ret)
{
	struct stat st;
	char *buf = NULL;
	unsigned line = 1;
	size_t len = 0;
	int fd;

	fd = open(c->file, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		*ret = report_errno(c, "cannot open");
		return NULL;
	}
	if (fstat(fd, &st)) {
		*ret = report_errno(c, "cannot stat");
		goto err;
	}
	if (S_ISDIR(st.st_mode)) {
		*ret = report(c, 0, -EISDIR, "is a directory");
		goto err;
	}
	if (!S_ISREG(st.st_mode)) {
		*ret = report(c, 0, -EINVAL, "not a regular file");
		goto err;
	}
	if (st.st_size > CFG_FILE_MAX) {
		*ret = report(c, 0, -EFBIG, "larger than %d bytes",
			      CFG_FILE_MAX);
		goto err;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		*ret = report(c, 0, -ENOMEM, "out of memory");
		goto err;
	}
	while (len < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + len, (size_t)st.st_size - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*ret = report_errno(c, "cannot read");
			goto err;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	/* libconfig reads a C string: text after a NUL would be dropped. */
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\n') {
			line++;
		} else if (buf[i] == '\0') {
			*ret = report(c, line, -EINVAL, "contains a NUL byte");
			goto err;
		}
	}
	close(fd);
	*ret = 0;
	return buf;
err:
	free(buf);
	close(fd);
	return NULL;
}

/* cfg->file holds the name, so refuse one it cannot hold. */
static int check_name(struct cfg_ctx *c)
{
	if (strlen(c->file) < CFG_PATH_MAX)
		return 0;
	return report(c, 0, -ENAMETOOLONG, "name longer than %d bytes",
		      CFG_PATH_MAX - 1);
}

static struct cfg *finish(struct cfg *cfg, int ret)
{
	if (ret)
		errno = -ret;
	return cfg;
}

struct cfg *cfg_load(const char *path, char *err, size_t errlen)
{
	struct cfg_ctx c = { .file = path, .err = err, .errlen = errlen };
	struct cfg *cfg = NULL;
	char *text = NULL;
	int ret;

	if (err && errlen)
		err[0] = '\0';
	if (!path) {
		c.file = "(null)";
		return finish(NULL, report(&c, 0, -EINVAL, "no file name"));
	}
	ret = check_name(&c);
	if (!ret)
		text = read_file(&c, &ret);
	if (text)
		ret = parse(&c, text, &cfg);
	free(text);
	return finish(cfg, ret);
}

struct cfg *cfg_load_string(const char *text, const char *name, char *err,
			    size_t errlen)
{
	struct cfg_ctx c = { .file = name ? name : "(string)", .err = err,
			     .errlen = errlen };
	struct cfg *cfg = NULL;
	int ret;

	if (err && errlen)
		err[0] = '\0';
	if (!text)
		return finish(NULL, report(&c, 0, -EINVAL, "no text"));
	ret = check_name(&c);
	if (!ret)
		ret = parse(&c, text, &cfg);
	return finish(cfg, ret);
}
