/*
 * libFuzzer target for the store's record decoder (b2bua/store_codec.c).
 *
 * The same bytes go to the decoder of every record type.  Whatever it
 * accepts must encode again, and decode from that encoding to the very
 * same record: a record the store can read it can also write back.
 *
 *   clang -g -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Ib2bua \
 *	tests/fuzz/fuzz_store_codec.c b2bua/store*.c b2bua/log.c \
 *	$(pkg-config --cflags --libs jansson lmdb) -o fuzz_store
 *   ./fuzz_store -max_total_time=30 [corpus-store/]
 *
 * Good seeds are the values mdb_dump prints for a populated store.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store_codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (int db = 0; db < STORE_DB_COUNT; db++) {
		const struct store_record *r = store_record_of(db);
		union store_any_record rec, again;
		char *json;
		size_t len;

		if (store_codec_decode(r, data, size, &rec, NULL))
			continue;
		if (store_codec_encode(r, &rec, &json, &len, NULL))
			abort();
		if (store_codec_decode(r, json, len, &again, NULL) ||
		    memcmp(&rec, &again, r->size) != 0)
			abort();
		free(json);
	}
	return 0;
}
