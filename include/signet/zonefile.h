/* signet — the RFC 1035 master-file scanner.
 *
 * Streams the records of a zone file to a callback, as BIND and NSD read
 * the format: $ORIGIN, $TTL, $INCLUDE (relative to the including file,
 * depth-limited), $GENERATE, @, relative names, omitted owner/TTL/class,
 * TTL and class in either order, TTL units, parentheses across lines,
 * comments, quoted strings and escapes. Every error is reported through the
 * error callback with file and line, and scanning goes on with the next
 * record until max_errors is reached.
 */
#ifndef SIGNET_ZONEFILE_H
#define SIGNET_ZONEFILE_H

#include <stddef.h>
#include <stdint.h>

#include "signet/err.h"
#include "signet/name.h"

/* One record as read. All pointers are valid only during the callback. */
typedef struct sg_rr {
	const uint8_t *owner; /* wire form, case preserved */
	uint16_t type;
	uint16_t rclass;
	uint32_t ttl;
	uint16_t rdlen;
	const uint8_t *rdata; /* uncompressed wire form */
} sg_rr_t;

typedef struct sg_zparse_opts {
	/* Initial $ORIGIN (wire form), or NULL: then the owner of the first
	 * SOA becomes the origin, and relative names before an $ORIGIN line or
	 * that SOA are errors. */
	const uint8_t *origin;
	/* Class assumed until a record states one (0 = IN). */
	uint16_t default_class;
	/* Stop after this many errors (0 = 100). */
	unsigned max_errors;
	/* Maximum $INCLUDE nesting (0 = 10). */
	unsigned max_include_depth;
	/* Disallow $INCLUDE entirely (fuzzing, untrusted input). */
	int no_include;
	/* Reports one problem: file, 1-based line, message without newline. */
	void (*error)(void *ctx, const char *file, unsigned line, const char *msg);
	/* Receives each record. Return SG_OK to go on; a negative code stops
	 * the scan and is returned by sg_zonefile_parse(). */
	int (*record)(void *ctx, const sg_rr_t *rr, const char *file, unsigned line);
	void *ctx;
} sg_zparse_opts_t;

typedef struct sg_zparse_stats {
	size_t records;
	unsigned errors;
	unsigned includes;
} sg_zparse_stats_t;

/* Scans the file at path. Returns SG_OK when every record was read without
 * error, SG_ESYNTAX when errors were reported, SG_EIO when path (or an
 * included file) cannot be read (also reported), SG_ELIMIT when max_errors
 * was reached, or the callback's negative code. stats may be NULL. */
SG_WUR int sg_zonefile_parse(const char *path, const sg_zparse_opts_t *opts, sg_zparse_stats_t *stats);

/* The same over a buffer; `name` is used in messages and as the base for
 * relative $INCLUDE paths (unless no_include). */
SG_WUR int sg_zonefile_parse_mem(const char *data, size_t len, const char *name,
				 const sg_zparse_opts_t *opts, sg_zparse_stats_t *stats);

#endif
