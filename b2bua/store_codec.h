/*
 * Record <-> JSON codec of the store, private to b2bua/store*.c, the store
 * unit test and the codec fuzz target.
 *
 * Each record type is described once by a table of fields (struct
 * store_field) and a struct store_record; one generic encoder and one
 * generic decoder work from those tables.  Adding a field to a record means
 * adding a member to its struct in store.h and one line to its table in
 * store_records.c.
 */
#ifndef SBC_STORE_CODEC_H
#define SBC_STORE_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* Largest encoded record accepted by the decoder, in bytes. */
#define STORE_RECORD_MAX 65536

/* Longest key LMDB accepts with its default page size. */
#define STORE_KEY_MAX 511

enum store_ftype {
	STORE_F_STR,	/* char[size], NUL-terminated; JSON string */
	STORE_F_I64,	/* int64_t; JSON integer */
	STORE_F_U32,	/* uint32_t; JSON integer 0..UINT32_MAX */
	STORE_F_U64,	/* uint64_t; JSON integer 0..INT64_MAX */
	STORE_F_BOOL,	/* bool; JSON true or false */
	STORE_F_STRV,	/* char[max][size] + uint32_t count; JSON array */
};

struct store_field {
	const char *name;		/* JSON member name */
	enum store_ftype type;
	size_t off;			/* offset of the member in the record */
	size_t size;			/* STR, STRV: size of one string */
	uint32_t max;			/* STRV: number of string buffers */
	size_t count_off;		/* STRV: offset of the uint32_t count */
	const char *const *choices;	/* STR: NULL-ended allowed values */
	bool required;			/* decoding fails when absent */
};

struct store_record {
	const char *name;		/* "account", for logs */
	uint32_t version;		/* value of "v" */
	size_t size;			/* sizeof the record struct */
	const struct store_field *fields;
	size_t n_fields;
	/* Writes the LMDB key of @rec to @buf; its length or -EINVAL. */
	int (*key)(const void *rec, uint8_t buf[STORE_KEY_MAX]);
	/*
	 * Checks what the field table cannot express (key syntax, ranges,
	 * formats); returns 0, or -EINVAL with *bad set to the field name.
	 */
	int (*check)(const void *rec, const char **bad);
};

/* Room for a decoded record of any type. */
union store_any_record {
	struct store_account account;
	struct store_peer peer;
	struct store_route route;
	struct store_rate rate;
	struct store_registration registration;
	struct store_dialog dialog;
	struct store_cdr cdr;
	struct store_audit audit;
	struct store_live_call live_call;
};

/* The descriptor of the records kept in @db, NULL when out of range. */
const struct store_record *store_record_of(enum store_db db);

/**
 * store_codec_encode - encode a record as compact JSON
 * @r: its descriptor
 * @rec: the record
 * @out: set to a malloc'ed, NUL-terminated JSON text the caller frees
 * @len: set to its length without the NUL
 * @bad: set to the name of the offending field on -EINVAL, may be NULL
 *
 * @return 0, -EINVAL (record invalid), -ENOMEM.
 */
int store_codec_encode(const struct store_record *r, const void *rec,
		       char **out, size_t *len, const char **bad);

/**
 * store_codec_decode - decode and validate a stored record
 * @r: its descriptor
 * @buf: the stored bytes, not NUL-terminated
 * @len: their length
 * @rec: filled on success; zeroed first, so absent optional fields are 0
 * @bad: set to the name of the offending field ("v" for the version, "json"
 *	 when the text does not parse) on -EPROTO, may be NULL
 *
 * Unknown members are ignored, so fields added later do not need a new
 * version; a different "v", a member of the wrong type, a missing required
 * member or a value that does not fit fails.
 *
 * @return 0, -EPROTO (corrupt or foreign record), -ENOMEM.
 */
int store_codec_decode(const struct store_record *r, const void *buf,
		       size_t len, void *rec, const char **bad);

#endif
