/*
 * sbcctl human output: JSON results as aligned text.  The rules are listed
 * in render.h; this file only implements them.
 */
#include "render.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define INDENT 2
#define COLUMN_GAP 2

/* a growing string */
struct buf {
	char *s;
	size_t len;
	size_t cap;
};

static int buf_add(struct buf *b, const char *data, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		char *s;

		while (cap < b->len + n + 1)
			cap *= 2;
		s = realloc(b->s, cap);
		if (!s)
			return -ENOMEM;
		b->s = s;
		b->cap = cap;
	}
	memcpy(b->s + b->len, data, n);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

/* append @s escaped: C0 controls, DEL and C1 controls (U+0080..U+009F) */
static int buf_add_escaped(struct buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	char esc[8];
	int ret = 0;

	for (; *p && ret == 0; p++) {
		if (*p == '\n')
			ret = buf_add(b, "\\n", 2);
		else if (*p == '\t')
			ret = buf_add(b, "\\t", 2);
		else if (*p == '\r')
			ret = buf_add(b, "\\r", 2);
		else if (*p < 0x20 || *p == 0x7f)
			ret = buf_add(b, esc, (size_t)snprintf(esc, sizeof(esc),
							       "\\x%02x", *p));
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			ret = buf_add(b, esc, (size_t)snprintf(esc, sizeof(esc),
							       "\\u%04x", *++p));
		else
			ret = buf_add(b, (const char *)p, 1);
	}
	if (ret == 0 && !b->s)
		ret = buf_add(b, "", 0);
	return ret;
}

char *ctl_render_escape(const char *s)
{
	struct buf b = { 0 };

	if (buf_add_escaped(&b, s) < 0) {
		free(b.s);
		errno = ENOMEM;
		return NULL;
	}
	return b.s;
}

/* display width: UTF-8 code points */
static size_t text_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++) {
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	}
	return w;
}

static bool is_container(const json_t *v)
{
	return json_is_object(v) || json_is_array(v);
}

static bool any_container(const json_t *arr)
{
	const json_t *v;
	size_t i;

	json_array_foreach(arr, i, v) {
		if (is_container(v))
			return true;
	}
	return false;
}

static char *value_text(const json_t *v);

/* the elements of an array of scalars joined by ", " */
static char *list_text(const json_t *arr)
{
	struct buf b = { 0 };
	const json_t *e;
	size_t i;
	int ret = buf_add(&b, "", 0);

	json_array_foreach(arr, i, e) {
		char *t = value_text(e);

		ret = t ? ret : -ENOMEM;
		if (ret == 0 && i > 0)
			ret = buf_add(&b, ", ", 2);
		if (ret == 0)
			ret = buf_add(&b, t, strlen(t));
		free(t);
		if (ret < 0)
			break;
	}
	if (ret < 0) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

/*
 * The one-line text of any value: scalars plainly, an array of scalars as
 * a list, other containers as JSON.
 */
static char *value_text(const json_t *v)
{
	char num[32], *dump, *text;

	switch (json_typeof(v)) {
	case JSON_STRING:
		return ctl_render_escape(json_string_value(v));
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
			 json_integer_value(v));
		return strdup(num);
	case JSON_REAL:
		snprintf(num, sizeof(num), "%.15g", json_real_value(v));
		return strdup(num);
	case JSON_TRUE:
		return strdup("true");
	case JSON_FALSE:
		return strdup("false");
	case JSON_NULL:
		return strdup("-");
	case JSON_ARRAY:
		if (!any_container(v))
			return list_text(v);
		/* FALLTHROUGH */
	default:
		dump = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
		if (!dump)
			return NULL;
		text = ctl_render_escape(dump);
		free(dump);
		return text;
	}
}

static int put_text(FILE *out, const char *s)
{
	return fputs(s, out) < 0 ? -EIO : 0;
}

static int put_spaces(FILE *out, size_t n)
{
	return fprintf(out, "%*s", (int)n, "") < 0 ? -EIO : 0;
}

/* an indented line holding one value's text */
static int put_value_line(FILE *out, size_t indent, const json_t *v)
{
	char *text = value_text(v);
	int ret;

	if (!text)
		return -ENOMEM;
	ret = fprintf(out, "%*s%s\n", (int)indent, "", text) < 0 ? -EIO : 0;
	free(text);
	return ret;
}

/* rows for a table: objects only, and at least one key among them */
static bool is_table(const json_t *arr)
{
	const json_t *v;
	bool keys = false;
	size_t i;

	json_array_foreach(arr, i, v) {
		if (!json_is_object(v))
			return false;
		if (json_object_size(v) > 0)
			keys = true;
	}
	return keys;
}


/* a column of a table: its key, width and alignment */
struct column {
	const char *key;
	size_t width;
	bool numeric;
};

/* the union of the rows' keys, in order of first appearance */
static int table_columns(const json_t *rows, struct column **cols_out,
			 size_t *n_out)
{
	struct column *cols = NULL, *more;
	size_t n = 0, i, c;
	const json_t *row, *v;
	const char *key;

	json_array_foreach(rows, i, row) {
		json_object_foreach((json_t *)row, key, v) {
			for (c = 0; c < n && strcmp(cols[c].key, key); c++)
				;
			if (c == n) {
				more = reallocarray(cols, n + 1, sizeof(*cols));
				if (!more) {
					free(cols);
					return -ENOMEM;
				}
				cols = more;
				cols[n].key = key;
				cols[n].width = text_width(key);
				cols[n].numeric = true;
				n++;
			}
			if (!json_is_number(v) && !json_is_null(v))
				cols[c].numeric = false;
		}
	}
	*cols_out = cols;
	*n_out = n;
	return 0;
}

/* one cell, padded to its column unless it is the last left-aligned one */
static int put_cell(FILE *out, const struct column *col, const char *text,
		    bool last)
{
	size_t pad = col->width - text_width(text);
	int ret = 0;

	if (col->numeric)
		ret = put_spaces(out, pad);
	if (ret == 0)
		ret = put_text(out, text);
	if (ret == 0 && !col->numeric && !last)
		ret = put_spaces(out, pad);
	if (ret == 0 && !last)
		ret = put_spaces(out, COLUMN_GAP);
	return ret;
}

/* a table cell: "-" for a missing value or an empty list */
static char *cell_text(const json_t *v)
{
	char *text;

	if (!v)
		return strdup("-");
	text = value_text(v);
	if (text && !text[0]) {
		free(text);
		return strdup("-");
	}
	return text;
}

/* the cell texts of all rows, row-major */
static int table_cells(const json_t *rows, struct column *cols, size_t n,
		       char ***cells_out)
{
	size_t n_rows = json_array_size(rows), r, c, w;
	char **cells = calloc(n_rows * n + 1, sizeof(*cells));
	const json_t *v;

	if (!cells)
		return -ENOMEM;
	for (r = 0; r < n_rows; r++) {
		for (c = 0; c < n; c++) {
			v = json_object_get(json_array_get(rows, r), cols[c].key);
			cells[r * n + c] = cell_text(v);
			if (!cells[r * n + c])
				goto err;
			w = text_width(cells[r * n + c]);
			if (w > cols[c].width)
				cols[c].width = w;
		}
	}
	*cells_out = cells;
	return 0;
err:
	for (r = 0; r < n_rows * n; r++)
		free(cells[r]);
	free(cells);
	return -ENOMEM;
}

/* a column header: the key upper-cased (ASCII letters), escaped */
static char *header_text(const char *key)
{
	char *up = strdup(key), *head;

	if (!up)
		return NULL;
	for (char *p = up; *p; p++) {
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	}
	head = ctl_render_escape(up);
	free(up);
	return head;
}

/* an array of objects as a table with a header line */
static int render_table(FILE *out, size_t indent, const json_t *rows)
{
	size_t n_rows = json_array_size(rows), n = 0, r, c;
	struct column *cols = NULL;
	char **cells = NULL, *head;
	int ret;

	ret = table_columns(rows, &cols, &n);
	if (ret == 0)
		ret = table_cells(rows, cols, n, &cells);
	for (c = 0; ret == 0 && c < n; c++) {
		if (c == 0)
			ret = put_spaces(out, indent);
		head = header_text(cols[c].key);
		if (!head)
			ret = -ENOMEM;
		if (ret == 0)
			ret = put_cell(out, &cols[c], head, c + 1 == n);
		free(head);
	}
	if (ret == 0 && fputc('\n', out) == EOF)
		ret = -EIO;
	for (r = 0; ret == 0 && r < n_rows; r++) {
		ret = put_spaces(out, indent);
		for (c = 0; ret == 0 && c < n; c++)
			ret = put_cell(out, &cols[c], cells[r * n + c],
				       c + 1 == n);
		if (ret == 0 && fputc('\n', out) == EOF)
			ret = -EIO;
	}
	if (cells) {
		for (r = 0; r < n_rows * n; r++)
			free(cells[r]);
	}
	free(cells);
	free(cols);
	return ret;
}

static int render_object(FILE *out, size_t indent, const json_t *obj);

/* an array: a table, or one element per line */
static int render_array(FILE *out, size_t indent, const json_t *arr)
{
	const json_t *v;
	size_t i;
	int ret = 0;

	if (json_array_size(arr) == 0)
		return fprintf(out, "%*s(empty)\n", (int)indent, "") < 0 ? -EIO
									 : 0;
	if (is_table(arr))
		return render_table(out, indent, arr);
	json_array_foreach(arr, i, v) {
		ret = put_value_line(out, indent, v);
		if (ret < 0)
			break;
	}
	return ret;
}

/* one "key: value" entry; @width is the widest key of the object */
static int render_entry(FILE *out, size_t indent, size_t width,
			const char *key, const json_t *v)
{
	char *k = ctl_render_escape(key), *text = NULL;
	bool block;
	int ret = 0;

	if (!k)
		return -ENOMEM;
	/* non-empty objects and arrays holding containers go below the key */
	block = json_object_size(v) > 0 ||
		(json_array_size(v) > 0 && any_container(v));
	if (block) {
		if (fprintf(out, "%*s%s:\n", (int)indent, "", k) < 0)
			ret = -EIO;
		else if (json_is_object(v))
			ret = render_object(out, indent + INDENT, v);
		else
			ret = render_array(out, indent + INDENT, v);
	} else {
		if (is_container(v) && json_array_size(v) == 0 &&
		    json_object_size(v) == 0)
			text = strdup("(empty)");
		else
			text = value_text(v);
		if (!text)
			ret = -ENOMEM;
		else if (fprintf(out, "%*s%s:%*s %s\n", (int)indent, "", k,
				 (int)(width - text_width(k)), "", text) < 0)
			ret = -EIO;
	}
	free(text);
	free(k);
	return ret;
}

static int render_object(FILE *out, size_t indent, const json_t *obj)
{
	const char *key;
	const json_t *v;
	size_t width = 0, w;
	int ret = 0;

	if (json_object_size(obj) == 0)
		return fprintf(out, "%*s(empty)\n", (int)indent, "") < 0 ? -EIO
									 : 0;
	json_object_foreach((json_t *)obj, key, v) {
		char *k = ctl_render_escape(key);

		if (!k)
			return -ENOMEM;
		w = text_width(k);
		free(k);
		if (w > width)
			width = w;
	}
	json_object_foreach((json_t *)obj, key, v) {
		ret = render_entry(out, indent, width, key, v);
		if (ret < 0)
			break;
	}
	return ret;
}

int ctl_render(FILE *out, const json_t *result)
{
	if (json_is_null(result))
		return 0;
	if (json_is_object(result))
		return render_object(out, 0, result);
	if (json_is_array(result))
		return render_array(out, 0, result);
	return put_value_line(out, 0, result);
}

/* "words args" of one ctl.help entry, escaped; NULL if malformed */
static char *help_synopsis(const json_t *cmd, const char **help)
{
	const char *words, *args;
	char *line, *text;

	if (json_unpack((json_t *)cmd, "{s:s, s:s, s:s}", "words", &words,
			"args", &args, "help", help) < 0) {
		errno = EINVAL;
		return NULL;
	}
	if (asprintf(&line, "%s%s%s", words, args[0] ? " " : "", args) < 0) {
		errno = ENOMEM;
		return NULL;
	}
	text = ctl_render_escape(line);
	free(line);
	return text;
}

int ctl_render_help(FILE *out, const json_t *cmds)
{
	size_t n = json_array_size(cmds), i, width = 0, w;
	char **lines;
	const char *help;
	char *text;
	int ret = 0;

	if (!json_is_array(cmds))
		return -EINVAL;
	lines = calloc(n + 1, sizeof(*lines));
	if (!lines)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		lines[i] = help_synopsis(json_array_get(cmds, i), &help);
		if (!lines[i]) {
			ret = -errno;
			goto out;
		}
		w = text_width(lines[i]);
		if (w > width)
			width = w;
	}
	for (i = 0; i < n && ret == 0; i++) {
		help = json_string_value(json_object_get(json_array_get(cmds, i),
							 "help"));
		text = ctl_render_escape(help);
		if (!text)
			ret = -ENOMEM;
		else if (fprintf(out, "%s%*s  %s\n", lines[i],
				 (int)(width - text_width(lines[i])), "",
				 text) < 0)
			ret = -EIO;
		free(text);
	}
out:
	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	return ret;
}
