/* signet — small utilities: arena allocator, bounded buffer, encodings.
 * Nothing here logs, exits or reads the clock.
 */
#ifndef SIGNET_UTIL_H
#define SIGNET_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "signet/err.h"

/* ---- arena ------------------------------------------------------------
 * A bump allocator: many small allocations, freed all at once. Memory from
 * sg_arena_alloc() stays valid until sg_arena_reset() or sg_arena_free().
 * An arena has a hard maximum (0 = unlimited); past it allocation fails.
 */
typedef struct sg_arena sg_arena_t;

/* chunk: size of each block (0 = 64 KiB); max: total limit in bytes (0 = none).
 * Returns NULL when out of memory. */
sg_arena_t *sg_arena_new(size_t chunk, size_t max);
void sg_arena_free(sg_arena_t *a);
/* Aligned to 8 bytes. Returns NULL when out of memory or over the limit. */
void *sg_arena_alloc(sg_arena_t *a, size_t size);
void *sg_arena_memdup(sg_arena_t *a, const void *p, size_t size);
/* Keeps the first block, releases the rest; all earlier pointers die. */
void sg_arena_reset(sg_arena_t *a);
/* Bytes handed out (not counting block overhead). */
size_t sg_arena_used(const sg_arena_t *a);

/* ---- bounded growable buffer ------------------------------------------- */
typedef struct sg_buf {
	uint8_t *data;
	size_t len;
	size_t cap;
	size_t max; /* hard maximum; appends past it fail with SG_ENOMEM */
} sg_buf_t;

void sg_buf_init(sg_buf_t *b, size_t max);
void sg_buf_deinit(sg_buf_t *b);
SG_WUR int sg_buf_reserve(sg_buf_t *b, size_t extra);
SG_WUR int sg_buf_append(sg_buf_t *b, const void *p, size_t n);
SG_WUR int sg_buf_append_str(sg_buf_t *b, const char *s);
/* printf-style append; fails with SG_ENOMEM past the maximum. */
SG_WUR int sg_buf_printf(sg_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* NUL-terminates without counting the NUL in len. */
SG_WUR int sg_buf_cstr(sg_buf_t *b);

/* ---- encodings ----------------------------------------------------------
 * Encoders write a NUL-terminated string and return its length, or
 * SG_ESPACE when dst is too small. Decoders ignore nothing: any character
 * outside the alphabet is SG_ESYNTAX; they return the decoded length or
 * SG_ESPACE/SG_ESYNTAX. Base64 decoding accepts input split into pieces by
 * the caller only if each piece is a multiple of 4 — callers join first.
 */
int sg_base16_encode(char *dst, size_t cap, const uint8_t *src, size_t len);
int sg_base16_decode(uint8_t *dst, size_t cap, const char *src, size_t len);
int sg_base32hex_encode(char *dst, size_t cap, const uint8_t *src, size_t len); /* lower case, no padding (RFC 5155) */
int sg_base32hex_decode(uint8_t *dst, size_t cap, const char *src, size_t len);
int sg_base64_encode(char *dst, size_t cap, const uint8_t *src, size_t len);
int sg_base64_decode(uint8_t *dst, size_t cap, const char *src, size_t len);

/* ---- time -----------------------------------------------------------------
 * The library never reads the clock: callers pass "now". These convert the
 * RRSIG presentation time YYYYMMDDHHMMSS (UTC) to seconds since the epoch and back.
 */
SG_WUR int sg_time_parse(int64_t *out, const char *s, size_t len);
int sg_time_format(char *dst, size_t cap, int64_t t); /* writes 14 digits */

/* Serial-number arithmetic (RFC 1982) for 32-bit RRSIG times: is a before b? */
bool sg_serial_lt(uint32_t a, uint32_t b);

/* ---- decimal numbers ----------------------------------------------------- */
/* Parses an unsigned decimal number of exactly len chars, at most max. */
SG_WUR int sg_parse_u32(uint32_t *out, const char *s, size_t len, uint32_t max);
/* TTL or period with optional BIND units (1w2d3h4m5s, case-insensitive), at most 2^32-1.
 * (RFC 2181 §8 limits TTLs to 2^31-1; callers that care check that.) */
SG_WUR int sg_parse_ttl(uint32_t *out, const char *s, size_t len);

/* ---- big-endian integers in wire data ----------------------------------- */

static inline uint16_t sg_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t sg_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void sg_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void sg_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

#endif
