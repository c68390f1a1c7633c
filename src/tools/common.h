/* Helpers shared by the signet subcommands: time arguments, loading a zone
 * file into a store with problems reported, error printing. */
#ifndef SIGNET_TOOLS_COMMON_H
#define SIGNET_TOOLS_COMMON_H

#include <stdbool.h>
#include <stdint.h>

#include "signet/dnssec.h"
#include "signet/zone.h"

/* Parses a time argument: YYYYMMDDHHMMSS (UTC), +SECONDS from now, or a
 * plain number of seconds since the epoch. Returns 0 or -1. */
int tool_parse_time(int64_t *out, const char *arg, int64_t now);

/* Loading a zone file into a store, reporting every problem on stderr as
 * "FILE:LINE: error: ..." (or "warning:"). */
typedef struct tool_load_opts {
	const char *origin;          /* --origin text, or NULL: the SOA owner */
	bool (*keep)(uint16_t type); /* NULL: keep every record */
	/* Called after the file is read, before the store is built, to add
	 * records (the signer's DNSKEYs). soa_ttl is 0 when no SOA was seen. */
	int (*before_build)(void *ctx, sg_zone_builder_t *b, const uint8_t *origin, uint32_t soa_ttl);
	void *ctx;
	bool check;                  /* also run sg_zone_check() */
} tool_load_opts_t;

/* Returns 0 and a zone, or -1 after printing why not. Parse errors make
 * the load fail; check errors (with o->check) too. */
int tool_load_zone(sg_zone_t **out, const char *path, const tool_load_opts_t *o);

/* Prints one zone problem the way every command does. */
void tool_print_problem(const char *path, const sg_zone_problem_t *p);

/* Keys of a zone found in a directory: every K<zone>+AAA+TTTTT.private
 * whose .key matches. `sign` tells which keys are active now (by their
 * timing metadata); the others are only published. Keys deleted by their
 * metadata are left out. Returns the number of keys (0 is fine) or -1
 * after printing why. keys/sign have room for `cap` entries. */
int tool_find_keys(sg_dnskey_t *keys, bool *sign, size_t cap, const char *dir, const uint8_t *zone,
		   int64_t now);

/* Prints msg prefixed with "signet CMD: " to stderr. */
void tool_err(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Writes s to stdout as a JSON string (quotes, escapes; bytes outside
 * printable ASCII as \u00XX). */
void tool_json_str(const char *s);

/* Seconds since the epoch (the tools read the clock; the library never does). */
int64_t tool_now(void);

#endif
