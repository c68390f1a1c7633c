/* The generic half of a daemon's YAML configuration, shared by signetd
 * (src/server/config.c) and signet-resolver (src/resolver/rconfig.c):
 * loading the file into a document, the conversions of option values
 * (string, number, boolean, address list) and "FILE:LINE: " messages.
 * Each daemon keeps its own schema table, the walk over it and its checks.
 *
 * Every conversion returns NULL when the value was stored, or what is wrong
 * with it (a constant, or why when the text needs the schema's bounds); the
 * destination is untouched then.
 */
#ifndef SIGNET_COMMON_YAMLCFG_H
#define SIGNET_COMMON_YAMLCFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <yaml.h>

#include "common/addr.h"

/* A loaded configuration file: the parser, the document and the file. */
typedef struct sg_ycfg {
	yaml_parser_t parser;
	yaml_document_t doc;
	FILE *f;
} sg_ycfg_t;

/* Loads path into y. *root: the root mapping, or NULL for an empty file
 * (all defaults). Returns 0, or -1 with err holding "PATH: errno text",
 * "PATH: out of memory", "PATH:LINE: YAML: problem" (then " context" when
 * yaml_context) or "PATH:LINE: the configuration is a mapping of options".
 * After 0 the caller must sg_ycfg_close(y); after -1 nothing is held. */
int sg_ycfg_open(sg_ycfg_t *y, yaml_node_t **root, const char *path, bool yaml_context, char *err,
                 size_t errcap) __attribute__((warn_unused_result));
void sg_ycfg_close(sg_ycfg_t *y);

/* The line (from 1) where node n starts. */
unsigned sg_ycfg_line(const yaml_node_t *n);

/* Writes "FILE:LINE: " (LINE 0: "FILE: "; FILE NULL: nothing), then fmt. */
void sg_ycfg_errf(char *err, size_t cap, const char *file, unsigned line, const char *fmt, ...)
        __attribute__((format(printf, 5, 6)));

/* *dst = a copy of v (the old string freed). */
const char *sg_ycfg_str(char **dst, const char *v);

/* *dst = v, a decimal number in [min, max]. */
const char *sg_ycfg_uint(uint32_t *dst, const char *v, uint32_t min, uint32_t max, char *why,
                         size_t whycap);

/* *dst = v, one of true/yes/on, false/no/off. */
const char *sg_ycfg_bool(bool *dst, const char *v);

/* Appends v ("ADDR@PORT", port 53 when omitted) to a, which holds at most
 * max addresses ("too many addresses (at most MAX)"). */
const char *sg_ycfg_addr_add(cfg_addrs_t *a, const char *v, size_t max, char *why, size_t whycap);

/* Empties a (frees its storage). */
void sg_ycfg_addrs_clear(cfg_addrs_t *a);

#endif
