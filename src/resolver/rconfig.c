/* signet-resolver — configuration. See rconfig.h and docs/user/signet-resolver.md.
 *
 * THE SCHEMA below is the only place that knows the options. Loading the
 * YAML file and converting values is common/yamlcfg.c (shared with signetd). */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "common/yamlcfg.h"
#include "resolver/rconfig.h"
#include "signet/util.h"

enum ctype { CT_STR, CT_UINT, CT_BOOL, CT_ADDRS };

typedef struct opt {
	const char *name;
	enum ctype type;
	size_t off;
	const char *def;
	const char *doc;
	uint32_t min, max;
} opt_t;

#define O(f) offsetof(rcfg_t, f)

static const opt_t schema[] = {
        {"listen", CT_ADDRS, O(listen), "127.0.0.1@53",
         "addresses to serve on, UDP and TCP, ADDR@PORT (IPv6 as ::1@53); repeatable", 0, 0},
        {"root-hints", CT_STR, O(root_hints), NULL,
         "zone-format file of root NS and address records (default: the real root servers)", 0, 0},
        {"anchor", CT_STR, O(anchor), NULL,
         "zone-format file of DS or DNSKEY trust anchors (default: the IANA root anchors)", 0, 0},
        {"upstream-port", CT_UINT, O(upstream_port), "53",
         "port of every authoritative server asked", 1, 65535},
        {"allow-loopback-upstream", CT_BOOL, O(allow_loopback_upstream), "false",
         "allow upstream loopback addresses even when the root hints are not loopback", 0, 0},
        {"validation", CT_BOOL, O(validation), "true", "DNSSEC validation (RFC 4035 §5)", 0, 0},
        {"qname-minimisation", CT_BOOL, O(qname_minimisation), "true",
         "QNAME minimisation, relaxed mode (RFC 9156)", 0, 0},
        {"cache-size", CT_UINT, O(cache_size), "67108864",
         "cache memory limit in bytes (least recently used entries are evicted)", 65536,
         0xffffffffu},
        {"cache-max-ttl", CT_UINT, O(cache_max_ttl), "86400", "longest time anything is cached", 1,
         0xffffffffu},
        {"edns-size", CT_UINT, O(edns_size), "1232", "EDNS UDP payload size (RFC 9715)", 512, 4096},
        {"upstream-timeout", CT_UINT, O(timeout_ms), "1500",
         "milliseconds to wait for one upstream answer", 50, 60000},
        {"resolve-timeout", CT_UINT, O(resolve_timeout_ms), "10000",
         "milliseconds one client question may take upstream, all exchanges together", 100, 600000},
        {"max-upstream-queries", CT_UINT, O(max_upstream_queries), "64",
         "upstream queries per client query", 1, 10000},
        {"max-referrals", CT_UINT, O(max_referrals), "24", "zone cuts followed for one name", 1,
         255},
        {"max-cname-chain", CT_UINT, O(max_cname_chain), "12", "CNAMEs followed for one query", 0,
         255},
        {"max-depth", CT_UINT, O(max_depth), "6",
         "nested resolutions (name-server addresses) for one query", 1, 32},
        {"max-validations", CT_UINT, O(max_validations), "128",
         "signature verifications per client query (KeyTrap, CVE-2023-50387)", 1, 100000},
        {"threads", CT_UINT, O(threads), "8", "resolution worker threads", 1, 128},
        {"tcp-idle-timeout", CT_UINT, O(tcp_idle_timeout), "10",
         "seconds before an idle client TCP connection is closed (RFC 7766)", 1, 3600},
        {"tcp-max-connections", CT_UINT, O(tcp_max_connections), "100",
         "client TCP connections at most", 1, 100000},
        {0},
};

static const opt_t *find(const char *name)
{
	for (const opt_t *o = schema; o->name; o++)
		if (!strcmp(o->name, name))
			return o;
	return NULL;
}

/* Sets one value (appends for lists). Returns NULL or what is wrong. */
static const char *set_value(rcfg_t *c, const opt_t *o, const char *v, char *why, size_t whycap)
{
	char *field = (char *)c + o->off;
	switch (o->type) {
	case CT_STR:
		return sg_ycfg_str((char **)field, v);
	case CT_UINT:
		return sg_ycfg_uint((uint32_t *)field, v, o->min, o->max, why, whycap);
	case CT_BOOL:
		return sg_ycfg_bool((bool *)field, v);
	case CT_ADDRS:
		return sg_ycfg_addr_add((cfg_addrs_t *)field, v, 64, why, whycap);
	}
	return "?";
}

rcfg_t *rcfg_new(void)
{
	rcfg_t *c = calloc(1, sizeof(*c));
	char why[128];
	if (!c)
		return NULL;
	for (const opt_t *o = schema; o->name; o++)
		if (o->def && set_value(c, o, o->def, why, sizeof(why))) {
			rcfg_free(c);
			return NULL;
		}
	return c;
}

void rcfg_free(rcfg_t *c)
{
	if (!c)
		return;
	for (const opt_t *o = schema; o->name; o++) {
		char *field = (char *)c + o->off;
		if (o->type == CT_STR)
			free(*(char **)field);
		else if (o->type == CT_ADDRS)
			sg_ycfg_addrs_clear((cfg_addrs_t *)field);
	}
	free(c->path);
	free(c);
}

bool rcfg_is_flag(const char *name)
{
	const opt_t *o = find(name);
	return o && o->type == CT_BOOL;
}

int rcfg_set(rcfg_t *c, const char *name, const char *value, bool first, char *err, size_t errcap)
{
	char why[128];
	const opt_t *o = find(name);
	if (!o)
		return 1;
	if (o->type == CT_ADDRS && first)
		sg_ycfg_addrs_clear((cfg_addrs_t *)((char *)c + o->off));
	const char *bad = set_value(c, o, value, why, sizeof(why));
	if (bad) {
		snprintf(err, errcap, "--%s %s: %s", name, value, bad);
		return -1;
	}
	return 0;
}

int rcfg_load_file(rcfg_t *c, const char *path, char *err, size_t errcap)
{
	sg_ycfg_t y;
	yaml_node_t *root;
	yaml_document_t *doc = &y.doc;
	int rc = -1;
	char why[128];
	if (sg_ycfg_open(&y, &root, path, false, err, errcap) < 0)
		return -1;
	if (!root) {
		rc = 0; /* an empty file: all defaults */
		goto out;
	}
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(doc, p->key);
		yaml_node_t *v = yaml_document_get_node(doc, p->value);
		if (!k || !v)
			continue;
		unsigned line = sg_ycfg_line(k);
		const opt_t *o = k->type == YAML_SCALAR_NODE
		                         ? find((const char *)k->data.scalar.value)
		                         : NULL;
		if (!o) {
			snprintf(err, errcap, "%s:%u: unknown option \"%s\"", path, line,
			         k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value
			                                     : "?");
			goto out;
		}
		if (o->type == CT_ADDRS) {
			sg_ycfg_addrs_clear((cfg_addrs_t *)((char *)c + o->off));
			if (v->type == YAML_SCALAR_NODE) {
				const char *bad = set_value(
				        c, o, (const char *)v->data.scalar.value, why, sizeof(why));
				if (bad) {
					snprintf(err, errcap, "%s:%u: %s: %s", path, line, o->name,
					         bad);
					goto out;
				}
				continue;
			}
			if (v->type != YAML_SEQUENCE_NODE) {
				snprintf(err, errcap, "%s:%u: %s: expected a list of ADDR@PORT",
				         path, line, o->name);
				goto out;
			}
			for (yaml_node_item_t *it = v->data.sequence.items.start;
			     it < v->data.sequence.items.top; it++) {
				yaml_node_t *e = yaml_document_get_node(doc, *it);
				const char *bad = "expected ADDR@PORT";
				if (e && e->type == YAML_SCALAR_NODE)
					bad = set_value(c, o, (const char *)e->data.scalar.value,
					                why, sizeof(why));
				if (bad) {
					snprintf(err, errcap, "%s:%u: %s: %s", path,
					         e ? sg_ycfg_line(e) : line, o->name, bad);
					goto out;
				}
			}
			continue;
		}
		if (v->type != YAML_SCALAR_NODE) {
			snprintf(err, errcap, "%s:%u: %s: expected a single value", path, line,
			         o->name);
			goto out;
		}
		const char *val = (const char *)v->data.scalar.value;
		const char *bad = set_value(c, o, val, why, sizeof(why));
		if (bad) {
			snprintf(err, errcap, "%s:%u: %s: %s, not \"%s\"", path, line, o->name, bad,
			         val);
			goto out;
		}
	}
	rc = 0;
out:
	if (rc == 0) {
		free(c->path);
		c->path = strdup(path);
	}
	sg_ycfg_close(&y);
	return rc;
}

void rcfg_print_schema(FILE *out)
{
	static const char *tn[] = {"string", "number", "boolean", "list of ADDR@PORT"};
	fprintf(out, "| option | type | default | meaning |\n|---|---|---|---|\n");
	for (const opt_t *o = schema; o->name; o++)
		fprintf(out, "| `%s` | %s | %s%s%s | %s |\n", o->name, tn[o->type],
		        o->def ? "`" : "", o->def ? o->def : "(none)", o->def ? "`" : "", o->doc);
}
