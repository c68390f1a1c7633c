/* signet-resolver — configuration: the YAML file, the command line, one schema.
 *
 * Every option is one row of the schema table in rconfig.c (name, type,
 * default, documentation, offset in rcfg_t). The YAML parser, the
 * defaults, the command-line options (each `--NAME VALUE` is the option of
 * the same name) and `--print-config-schema` all come from that table.
 */
#ifndef SIGNET_RESOLVER_RCONFIG_H
#define SIGNET_RESOLVER_RCONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "common/addr.h"

typedef struct rcfg {
	cfg_addrs_t listen;
	char *root_hints; /* zone-format file; NULL: the built-in root servers */
	char *anchor;     /* zone-format DS/DNSKEY file; NULL: the built-in IANA root anchors */
	uint32_t upstream_port;
	bool allow_loopback_upstream;
	bool validation;
	bool qname_minimisation;
	uint32_t cache_size;           /* bytes */
	uint32_t cache_max_ttl;        /* seconds */
	uint32_t edns_size;            /* our EDNS payload size, upstream and to clients */
	uint32_t timeout_ms;           /* one upstream exchange */
	uint32_t resolve_timeout_ms;   /* one client question, all exchanges together */
	uint32_t max_upstream_queries; /* per client query */
	uint32_t max_referrals;        /* zone cuts followed per name */
	uint32_t max_cname_chain;
	uint32_t max_depth;        /* nested resolutions (name-server addresses, DS/DNSKEY) */
	uint32_t max_validations;  /* signature verifications per client query (KeyTrap) */
	uint32_t threads;          /* resolution workers */
	uint32_t tcp_idle_timeout; /* seconds */
	uint32_t tcp_max_connections;
	char *path;
} rcfg_t;

/* Defaults applied; NULL when out of memory. */
rcfg_t *rcfg_new(void);
void rcfg_free(rcfg_t *c);

/* Reads a YAML mapping of options over c. Returns 0, or -1 with err
 * holding "FILE:LINE: what is wrong". */
int rcfg_load_file(rcfg_t *c, const char *path, char *err, size_t errcap);

/* Sets the option `name` (as in the file) from command-line text; list
 * options (listen) replace the default on first use and append after
 * (first == true on the first use). Returns 0, or -1 with err set;
 * 1 when there is no option of that name. */
int rcfg_set(rcfg_t *c, const char *name, const char *value, bool first, char *err, size_t errcap);

/* Is `name` a boolean option (a command-line flag without a value)? */
bool rcfg_is_flag(const char *name);

/* The schema as a Markdown table. */
void rcfg_print_schema(FILE *out);

#endif
