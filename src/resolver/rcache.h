/* signet-resolver — the cache: a bounded map from (name, type, kind) to
 * an opaque blob with an absolute expiry time.
 *
 * What the blobs hold (RRsets with their signatures and security status,
 * negative answers with their proofs, zone-cut information) is the
 * iterator's business (iter.c); the cache only stores, expires and
 * evicts. Names are compared ignoring ASCII case.
 *
 * Memory: every entry is charged its key, its blob and its bookkeeping;
 * when the total passes the limit the least recently used entries go.
 * Lookups and inserts are O(1) (open addressing with linear probing and
 * backward-shift deletion, so there are no tombstones). Thread-safe: one
 * mutex, held only for the copy in or out.
 */
#ifndef SIGNET_RESOLVER_RCACHE_H
#define SIGNET_RESOLVER_RCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "signet/err.h"
#include "signet/util.h"

typedef struct rc_cache rc_cache_t;

typedef struct rc_stats {
	size_t entries;
	size_t bytes; /* charged, including bookkeeping */
	size_t max_bytes;
	uint64_t hits, misses, inserts, evictions, expired;
} rc_stats_t;

/* A cache holding at most max_bytes (at least 4096). NULL: out of memory. */
rc_cache_t *rc_new(size_t max_bytes);
void rc_free(rc_cache_t *c);

/* Stores a copy of data (len octets) under (name, type, kind), replacing
 * any entry there, valid until `expire` (seconds, same clock as the `now`
 * of rc_get). Returns SG_OK, SG_ELIMIT (the entry alone would take more
 * than an eighth of the cache: not stored) or SG_ENOMEM. */
SG_WUR int rc_put(rc_cache_t *c, const uint8_t *name, uint16_t type, uint8_t kind, const void *data,
                  size_t len, int64_t expire);

/* Looks up (name, type, kind). When present and not expired at `now`
 * (expire > now), copies the blob into arena (*out, *len) and gives its
 * expiry in *expire (may be NULL). Returns SG_OK, SG_ENOTFOUND (absent or
 * expired; an expired entry is removed) or SG_ENOMEM (arena). */
SG_WUR int rc_get(rc_cache_t *c, const uint8_t *name, uint16_t type, uint8_t kind, int64_t now,
                  sg_arena_t *arena, void **out, size_t *len, int64_t *expire);

/* rc_get() into the caller's buffer `buf` of `cap` octets instead of an
 * arena; SG_ESPACE (nothing copied) when the blob is larger. */
SG_WUR int rc_get_into(rc_cache_t *c, const uint8_t *name, uint16_t type, uint8_t kind,
                       int64_t now, void *buf, size_t cap, size_t *len, int64_t *expire);

/* Removes one entry (no-op when absent). */
void rc_remove(rc_cache_t *c, const uint8_t *name, uint16_t type, uint8_t kind);

void rc_get_stats(rc_cache_t *c, rc_stats_t *st);

#endif
