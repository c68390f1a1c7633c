/* signetd — configuration: the YAML file, the command line, one schema.
 *
 * Every option is one row of the schema table in config.c (name, type,
 * default, documentation, where it lives in the structs below). The file
 * parser, the defaults, `signetd --print-config-schema` and the user
 * documentation all come from that table, so adding an option touches one
 * place.
 */
#ifndef SIGNET_SERVER_CONFIG_H
#define SIGNET_SERVER_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include "common/addr.h"
#include "signet/name.h"

/* An address prefix "192.0.2.0/24", "::1" (a single address). */
typedef struct cfg_prefix {
	int family; /* AF_INET or AF_INET6 */
	uint8_t addr[16];
	unsigned bits;
} cfg_prefix_t;

typedef struct cfg_prefixes {
	cfg_prefix_t *v;
	size_t n;
} cfg_prefixes_t;

enum cfg_denial { CFG_DENIAL_NSEC = 0, CFG_DENIAL_NSEC3 = 1 };

typedef struct cfg_zone {
	char *name;                  /* as written */
	uint8_t origin[SG_NAME_MAX]; /* wire form of name */
	char *file;
	char *key_dir; /* NULL: served as it is */
	int denial;    /* enum cfg_denial */
	uint32_t nsec3_iterations;
	char *nsec3_salt; /* hex or "-" */
	bool nsec3_opt_out;
	uint32_t validity;   /* seconds */
	uint32_t refresh;    /* seconds; 0 = validity / 4 */
	uint32_t jitter;     /* seconds; 0 = validity / 10 */
	uint32_t dnskey_ttl; /* 0 = the SOA's TTL */
	cfg_addrs_t notify;
	cfg_prefixes_t allow_transfer;
	unsigned line; /* where it was configured (0: command line) */
} cfg_zone_t;

typedef struct cfg {
	cfg_addrs_t listen;
	uint32_t tcp_max_connections;
	uint32_t tcp_idle_timeout; /* seconds */
	uint32_t udp_threads;
	uint32_t udp_max_size;
	uint32_t signing_threads;
	char *control; /* UNIX socket path, or NULL */
	cfg_zone_t *zones;
	size_t nzones;
	char *path; /* the file it came from, or NULL */
} cfg_t;

/* A configuration with every default applied and no zones (NULL: out of
 * memory). */
cfg_t *cfg_new(void);
void cfg_free(cfg_t *c);

/* Reads a YAML file over c (options it sets replace the defaults; its
 * zones are appended). Returns 0, or -1 with err holding
 * "FILE:LINE: what is wrong". */
int cfg_load_file(cfg_t *c, const char *path, char *err, size_t errcap);

/* Command-line helpers: replace/append a listen address, add a zone
 * (NAME=FILE) with defaults, set the key directory of the zones given on
 * the command line. Return 0 or -1 with err set. */
int cfg_add_listen(cfg_t *c, const char *text, bool first, char *err, size_t errcap);
int cfg_add_zone(cfg_t *c, const char *name_eq_file, const char *key_dir, char *err, size_t errcap);
/* Checks what no single option can (duplicate zones, refresh against
 * validity). Returns 0 or -1 with err set. */
int cfg_check(cfg_t *c, char *err, size_t errcap);

/* cfg_parse_addr() ("ADDR@PORT") lives in common/addr.h. */
/* Is the address in one of the prefixes? */
bool cfg_prefixes_match(const cfg_prefixes_t *p, const struct sockaddr *sa);

/* The schema as a Markdown table (for docs/user/signetd.md). */
void cfg_print_schema(FILE *out);

#endif
