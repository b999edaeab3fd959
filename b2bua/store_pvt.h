/*
 * Generic record operations of the store: implemented in store.c on top of
 * LMDB and the codec, used by the typed accessors in store_records.c.
 * Records are addressed by a "key record": a record of the database's type
 * in which only the key fields need to be set.
 */
#ifndef SBC_STORE_PVT_H
#define SBC_STORE_PVT_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* Inserts or replaces @rec; errnos as the typed put in store.h. */
int store_put(struct store_txn *txn, enum store_db db, const void *rec);

/* Fills @out with the record under @key's key; errnos as the typed get. */
int store_get(struct store_txn *txn, enum store_db db, const void *key,
	      void *out);

/* Deletes the record under @key's key; errnos as the typed del. */
int store_del(struct store_txn *txn, enum store_db db, const void *key);

/*
 * Calls @cb for each record of @db whose LMDB key starts with
 * @prefix[@plen] (all records when @plen is 0); as store_foreach().
 */
int store_walk(struct store_txn *txn, enum store_db db,
	       const uint8_t *prefix, size_t plen,
	       int (*cb)(const void *rec, void *arg), void *arg);

/* As store_walk() over all of @db, in reverse key order (newest first for
 * the databases keyed by a growing id). */
int store_walk_back(struct store_txn *txn, enum store_db db,
		    int (*cb)(const void *rec, void *arg), void *arg);

#endif
