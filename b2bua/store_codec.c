/*
 * Generic, table-driven record <-> JSON codec of the store.
 *
 * Why JSON (jansson) with an explicit "v" member rather than packed C
 * structs or a binary format:
 *  - records stay readable with mdb_dump and can be shown or edited by
 *    sbcctl without a second decoder;
 *  - members are named, so a field can be added (with a zero default) by
 *    adding it to a table, without migrating existing records or bumping
 *    "v"; "v" changes only when a field changes meaning or type, and the
 *    decoder then refuses records it does not understand instead of
 *    misreading them;
 *  - JSON integers are json_int_t (64-bit), enough for money as int64
 *    micro-units; floating-point values are refused wherever an integer is
 *    expected, so a balance can never silently become a double;
 *  - records are written on control-plane events (a registration, a call
 *    set up or torn down, provisioning), never per packet, so the cost of
 *    text encoding does not matter.
 *
 * Decoding is strict: the stored bytes are untrusted (a corrupt page, a
 * hand edit, another program), so every member is type- and size-checked
 * and the record's own check() runs before anything reaches a caller.
 */
#include "store_codec.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define AT(rec, f, type) ((type *)((char *)(rec) + (f)->off))
#define AT_CONST(rec, f, type) ((const type *)((const char *)(rec) + (f)->off))

/* true when @s is one of @f's allowed values, or @f restricts nothing */
static bool choice_ok(const struct store_field *f, const char *s)
{
	if (!f->choices)
		return true;
	for (const char *const *c = f->choices; *c; c++) {
		if (strcmp(*c, s) == 0)
			return true;
	}
	return false;
}

/* true when @s[@n] is well-formed UTF-8 (RFC 3629), as jansson requires */
static bool utf8_ok(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		uint32_t cp;
		size_t len;

		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf) {
			len = 2;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			len = 3;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			len = 4;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (n - i < len)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += len;
	}
	return true;
}

/* true when @buf[@f->size] holds a NUL-terminated, allowed UTF-8 string */
static bool str_ok(const struct store_field *f, const char *buf)
{
	const char *nul = memchr(buf, '\0', f->size);

	return nul &&
	       utf8_ok((const unsigned char *)buf, (size_t)(nul - buf)) &&
	       choice_ok(f, buf);
}

/* copies JSON string @v into @buf[@f->size]; -EPROTO when it does not fit */
static int str_decode(const struct store_field *f, const json_t *v, char *buf)
{
	size_t n;

	if (!json_is_string(v))
		return -EPROTO;
	n = json_string_length(v);
	if (n >= f->size)
		return -EPROTO;
	memcpy(buf, json_string_value(v), n);
	buf[n] = '\0';
	if (strlen(buf) != n || !choice_ok(f, buf))
		return -EPROTO;
	return 0;
}

/* checks one field of @rec and sets *@out to its JSON value */
static int field_encode(const struct store_field *f, const void *rec,
			json_t **out)
{
	const char *str = AT_CONST(rec, f, char);
	uint32_t n;

	switch (f->type) {
	case STORE_F_STR:
		if (!str_ok(f, str))
			return -EINVAL;
		*out = json_string(str);
		break;
	case STORE_F_I64:
		*out = json_integer(*AT_CONST(rec, f, int64_t));
		break;
	case STORE_F_U32:
		*out = json_integer(*AT_CONST(rec, f, uint32_t));
		break;
	case STORE_F_U64:
		if (*AT_CONST(rec, f, uint64_t) > INT64_MAX)
			return -EINVAL;
		*out = json_integer((json_int_t)*AT_CONST(rec, f, uint64_t));
		break;
	case STORE_F_BOOL:
		*out = json_boolean(*AT_CONST(rec, f, bool));
		break;
	case STORE_F_STRV:
		n = *(const uint32_t *)((const char *)rec + f->count_off);
		if (n > f->max)
			return -EINVAL;
		for (uint32_t i = 0; i < n; i++) {
			if (!str_ok(f, str + i * f->size))
				return -EINVAL;
		}
		*out = json_array();
		for (uint32_t i = 0; *out && i < n; i++) {
			json_t *s = json_string(str + i * f->size);

			if (json_array_append_new(*out, s)) {
				json_decref(*out);
				*out = NULL;
			}
		}
		break;
	}
	return *out ? 0 : -ENOMEM;
}

/* stores JSON value @v into the field @f of @rec; 0 or -EPROTO */
static int field_decode(const struct store_field *f, const json_t *v,
			void *rec)
{
	json_int_t i;
	size_t n;

	switch (f->type) {
	case STORE_F_STR:
		return str_decode(f, v, AT(rec, f, char));
	case STORE_F_I64:
		if (!json_is_integer(v))
			return -EPROTO;
		*AT(rec, f, int64_t) = json_integer_value(v);
		return 0;
	case STORE_F_U32:
		if (!json_is_integer(v))
			return -EPROTO;
		i = json_integer_value(v);
		if (i < 0 || i > UINT32_MAX)
			return -EPROTO;
		*AT(rec, f, uint32_t) = (uint32_t)i;
		return 0;
	case STORE_F_U64:
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return -EPROTO;
		*AT(rec, f, uint64_t) = (uint64_t)json_integer_value(v);
		return 0;
	case STORE_F_BOOL:
		if (!json_is_boolean(v))
			return -EPROTO;
		*AT(rec, f, bool) = json_is_true(v);
		return 0;
	case STORE_F_STRV:
		if (!json_is_array(v))
			return -EPROTO;
		n = json_array_size(v);
		if (n > f->max)
			return -EPROTO;
		for (size_t k = 0; k < n; k++) {
			if (str_decode(f, json_array_get(v, k),
				       AT(rec, f, char) + k * f->size) < 0)
				return -EPROTO;
		}
		*(uint32_t *)((char *)rec + f->count_off) = (uint32_t)n;
		return 0;
	}
	return -EPROTO;
}

int store_codec_encode(const struct store_record *r, const void *rec,
		       char **out, size_t *len, const char **bad)
{
	const char *where = "record";
	json_t *obj;
	int ret;

	*out = NULL;
	obj = json_object();
	if (!obj || json_object_set_new(obj, "v", json_integer(r->version))) {
		ret = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < r->n_fields; i++) {
		const struct store_field *f = &r->fields[i];
		json_t *v = NULL;

		where = f->name;
		ret = field_encode(f, rec, &v);
		if (ret)
			goto out;
		if (json_object_set_new(obj, f->name, v)) {
			ret = -ENOMEM;
			goto out;
		}
	}
	where = "record";
	ret = r->check(rec, &where);
	if (ret)
		goto out;
	*out = json_dumps(obj, JSON_COMPACT);
	if (!*out) {
		ret = -ENOMEM;
		goto out;
	}
	*len = strlen(*out);
out:
	if (bad)
		*bad = where;
	json_decref(obj);
	return ret;
}

int store_codec_decode(const struct store_record *r, const void *buf,
		       size_t len, void *rec, const char **bad)
{
	const char *where = "json";
	json_error_t jerr;
	json_t *root = NULL;
	json_t *v;
	int ret = -EPROTO;

	memset(rec, 0, r->size);
	if (len > STORE_RECORD_MAX)
		goto out;
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		if (json_error_code(&jerr) == json_error_out_of_memory)
			ret = -ENOMEM;
		goto out;
	}
	if (!json_is_object(root))
		goto out;
	where = "v";
	v = json_object_get(root, "v");
	if (!json_is_integer(v) || json_integer_value(v) != r->version)
		goto out;
	for (size_t i = 0; i < r->n_fields; i++) {
		const struct store_field *f = &r->fields[i];

		where = f->name;
		v = json_object_get(root, f->name);
		if (!v) {
			if (f->required)
				goto out;
			continue;
		}
		if (field_decode(f, v, rec) < 0)
			goto out;
	}
	ret = r->check(rec, &where) < 0 ? -EPROTO : 0;
out:
	if (ret)
		memset(rec, 0, r->size);
	if (bad)
		*bad = where;
	json_decref(root);
	return ret;
}
