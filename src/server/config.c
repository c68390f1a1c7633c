/* signetd — configuration. See config.h and docs/user/signetd.md.
 *
 * THE SCHEMA below is the only place that knows the options: parsing,
 * defaults, freeing, and the documentation table are all driven by it.
 * Loading the YAML file and converting common values is common/yamlcfg.c
 * (shared with signet-resolver). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "common/yamlcfg.h"
#include "server/config.h"
#include "signet/util.h"

enum ctype {
	CT_STR,      /* a string */
	CT_NAME,     /* a domain name (string; wire form kept next to it) */
	CT_UINT,     /* a decimal number in [min, max] */
	CT_BOOL,     /* true/false/yes/no */
	CT_DURATION, /* seconds, or with units: 30s 10m 3h 14d 2w */
	CT_ENUM,     /* one of `choices` (stored as its index) */
	CT_ADDRS,    /* list of ADDR@PORT */
	CT_PREFIXES, /* list of ADDR[/BITS] */
	CT_MAP,      /* a nested mapping (its fields live in the same struct) */
	CT_ZONES,    /* the list of zones */
};

typedef struct opt opt_t;
struct opt {
	const char *name;
	enum ctype type;
	size_t off;      /* into cfg_t (top level) or cfg_zone_t (zones) */
	const char *def; /* default in YAML scalar form; NULL: none */
	const char *doc;
	const opt_t *sub;    /* CT_MAP, CT_ZONES: the nested schema */
	const char *choices; /* CT_ENUM: "a|b|c" */
	uint32_t min, max;   /* CT_UINT */
	bool required;
};

#define OPT(n, t, o, d, text, ...)                                                                 \
	{                                                                                          \
		.name = n, .type = t, .off = o, .def = d, .doc = text, __VA_ARGS__                 \
	}
#define ZO(f) offsetof(cfg_zone_t, f)
#define CO(f) offsetof(cfg_t, f)

static const opt_t nsec3_schema[] = {
        OPT("iterations", CT_UINT, ZO(nsec3_iterations), "0",
            "NSEC3 extra hash iterations (RFC 9276: 0)", .max = 500),
        OPT("salt", CT_STR, ZO(nsec3_salt), "-",
            "NSEC3 salt in hex, or - for none (RFC 9276: none)"),
        OPT("opt-out", CT_BOOL, ZO(nsec3_opt_out), "false",
            "NSEC3 opt-out for insecure delegations"),
        {0},
};

static const opt_t zone_schema[] = {
        OPT("name", CT_NAME, ZO(name), NULL, "the zone's name (its apex)", .required = true),
        OPT("file", CT_STR, ZO(file), NULL, "the zone file (master-file format)", .required = true),
        OPT("key-dir", CT_STR, ZO(key_dir), NULL,
            "directory of BIND key files (`K<zone>+*`): the zone is signed automatically; "
            "a KSK and a ZSK (ECDSAP256SHA256) are created there when it holds none. "
            "Without it the zone is served as it is"),
        OPT("denial", CT_ENUM, ZO(denial), "nsec", "authenticated denial: nsec or nsec3",
            .choices = "nsec|nsec3"),
        OPT("nsec3", CT_MAP, 0, NULL, "NSEC3 parameters (with denial: nsec3)", .sub = nsec3_schema),
        OPT("signature-validity", CT_DURATION, ZO(validity), "14d", "RRSIG validity period"),
        OPT("signature-refresh", CT_DURATION, ZO(refresh), "0",
            "re-sign when the earliest signature expires within this time (0: validity / 4)"),
        OPT("signature-jitter", CT_DURATION, ZO(jitter), "0",
            "spread of expiration times over RRsets, taken off the validity (0: validity / 10)"),
        OPT("dnskey-ttl", CT_DURATION, ZO(dnskey_ttl), "0",
            "TTL of the DNSKEY RRset (0: the SOA's TTL)"),
        OPT("notify", CT_ADDRS, ZO(notify), NULL,
            "secondaries to NOTIFY (RFC 1996) after each load and re-sign, ADDR@PORT (port 53 when "
            "omitted)"),
        OPT("allow-transfer", CT_PREFIXES, ZO(allow_transfer), NULL,
            "client prefixes allowed AXFR over TCP (ADDR or ADDR/BITS); none when empty"),
        {0},
};

static const opt_t tcp_schema[] = {
        OPT("max-connections", CT_UINT, CO(tcp_max_connections), "100",
            "open TCP connections at most", .min = 1, .max = 100000),
        OPT("idle-timeout", CT_DURATION, CO(tcp_idle_timeout), "10",
            "close a TCP connection idle this long (RFC 7766 §6.2.3)"),
        {0},
};

static const opt_t udp_schema[] = {
        OPT("threads", CT_UINT, CO(udp_threads), "0",
            "UDP threads, each with its own SO_REUSEPORT sockets (0: one per core, at most 4)",
            .max = 64),
        OPT("max-size", CT_UINT, CO(udp_max_size), "1232", "our EDNS UDP payload size (RFC 9715)",
            .min = 512, .max = 4096),
        {0},
};

static const opt_t top_schema[] = {
        OPT("listen", CT_ADDRS, CO(listen), "127.0.0.1@53",
            "addresses to serve on, UDP and TCP, ADDR@PORT (IPv6 as ::1@5353)"),
        OPT("tcp", CT_MAP, 0, NULL, "TCP settings", .sub = tcp_schema),
        OPT("udp", CT_MAP, 0, NULL, "UDP settings", .sub = udp_schema),
        OPT("signing-threads", CT_UINT, CO(signing_threads), "1",
            "threads the background signer uses", .min = 1, .max = 64),
        OPT("control", CT_STR, CO(control), NULL,
            "UNIX socket accepting the commands \"reload\" and \"status\" (none when unset)"),
        OPT("zones", CT_ZONES, CO(zones), NULL, "the zones served (a list of mappings, below)",
            .sub = zone_schema),
        {0},
};

/* ---- addresses ------------------------------------------------------------ */

static int parse_prefix(cfg_prefix_t *p, const char *text)
{
	char host[64];
	const char *sl = strchr(text, '/');
	size_t hl = sl ? (size_t)(sl - text) : strlen(text);
	if (hl == 0 || hl >= sizeof(host))
		return -1;
	memcpy(host, text, hl);
	host[hl] = 0;
	memset(p, 0, sizeof(*p));
	unsigned maxbits;
	if (inet_pton(AF_INET, host, p->addr) == 1) {
		p->family = AF_INET;
		maxbits = 32;
	} else if (inet_pton(AF_INET6, host, p->addr) == 1) {
		p->family = AF_INET6;
		maxbits = 128;
	} else {
		return -1;
	}
	uint32_t bits = maxbits;
	if (sl && sg_parse_u32(&bits, sl + 1, strlen(sl + 1), maxbits) < 0)
		return -1;
	p->bits = bits;
	return 0;
}

static bool prefix_match(const cfg_prefix_t *p, const uint8_t *a)
{
	unsigned full = p->bits / 8, rest = p->bits % 8;
	if (memcmp(p->addr, a, full) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (p->addr[full] & mask) == (a[full] & mask);
}

bool cfg_prefixes_match(const cfg_prefixes_t *ps, const struct sockaddr *sa)
{
	uint8_t a[16];
	int fam = sa->sa_family;
	if (fam == AF_INET) {
		memcpy(a, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	} else if (fam == AF_INET6) {
		const uint8_t *b = (const uint8_t *)&((const struct sockaddr_in6 *)sa)->sin6_addr;
		static const uint8_t v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
		if (!memcmp(b, v4mapped, 12)) {
			fam = AF_INET;
			memcpy(a, b + 12, 4);
		} else {
			memcpy(a, b, 16);
		}
	} else {
		return false;
	}
	for (size_t i = 0; i < ps->n; i++)
		if (ps->v[i].family == fam && prefix_match(&ps->v[i], a))
			return true;
	return false;
}

/* ---- setting values ---------------------------------------------------------- */

static const char *type_name(enum ctype t)
{
	switch (t) {
	case CT_STR:
		return "string";
	case CT_NAME:
		return "domain name";
	case CT_UINT:
		return "number";
	case CT_BOOL:
		return "boolean";
	case CT_DURATION:
		return "duration";
	case CT_ENUM:
		return "choice";
	case CT_ADDRS:
		return "list of ADDR@PORT";
	case CT_PREFIXES:
		return "list of prefixes";
	case CT_MAP:
		return "mapping";
	case CT_ZONES:
		return "list of zones";
	}
	return "?";
}

/* Sets a scalar option from its text. Returns NULL or what is wrong. */
static const char *set_scalar(const opt_t *o, void *base, const char *v, char *why, size_t whycap)
{
	char *field = (char *)base + o->off;
	uint32_t u;
	switch (o->type) {
	case CT_STR:
	case CT_NAME: {
		if (o->type == CT_NAME) {
			uint8_t wire[SG_NAME_MAX];
			size_t wl;
			if (sg_name_from_text(wire, &wl, v, strlen(v), sg_name_root) < 0)
				return "not a valid domain name";
			memcpy(((cfg_zone_t *)base)->origin, wire, wl);
		}
		return sg_ycfg_str((char **)field, v);
	}
	case CT_UINT:
		return sg_ycfg_uint((uint32_t *)field, v, o->min, o->max ? o->max : 0xffffffffu,
		                    why, whycap);
	case CT_DURATION:
		if (sg_parse_ttl(&u, v, strlen(v)) < 0)
			return "expected a duration (seconds, or with units: 30s 10m 3h 14d 2w)";
		*(uint32_t *)field = u;
		return NULL;
	case CT_BOOL:
		return sg_ycfg_bool((bool *)field, v);
	case CT_ENUM: {
		const char *c = o->choices;
		for (int i = 0; c && *c; i++) {
			size_t l = strcspn(c, "|");
			if (strlen(v) == l && !strncmp(v, c, l)) {
				*(int *)field = i;
				return NULL;
			}
			c += l + (c[l] == '|');
		}
		snprintf(why, whycap, "expected one of %s", o->choices);
		return why;
	}
	default:
		return "expected a scalar";
	}
}

/* Appends one list item. Returns NULL or what is wrong. */
static const char *add_item(const opt_t *o, void *base, const char *v, char *why, size_t whycap)
{
	char *field = (char *)base + o->off;
	if (o->type == CT_ADDRS)
		return sg_ycfg_addr_add((cfg_addrs_t *)field, v, 256, why, whycap);
	cfg_prefixes_t *p = (cfg_prefixes_t *)field;
	cfg_prefix_t x;
	if (parse_prefix(&x, v) < 0)
		return "bad prefix (ADDR or ADDR/BITS)";
	if (p->n >= 4096)
		return "too many prefixes (at most 4096)";
	cfg_prefix_t *nv = realloc(p->v, (p->n + 1) * sizeof(*nv));
	if (!nv)
		return "out of memory";
	p->v = nv;
	p->v[p->n++] = x;
	return NULL;
}

static void clear_list(const opt_t *o, void *base)
{
	char *field = (char *)base + o->off;
	if (o->type == CT_ADDRS) {
		sg_ycfg_addrs_clear((cfg_addrs_t *)field);
	} else {
		cfg_prefixes_t *p = (cfg_prefixes_t *)field;
		free(p->v);
		p->v = NULL;
		p->n = 0;
	}
}

static void free_fields(const opt_t *schema, void *base);

static void free_zone(cfg_zone_t *z)
{
	free_fields(zone_schema, z);
}

static void free_fields(const opt_t *schema, void *base)
{
	for (const opt_t *o = schema; o->name; o++) {
		char *field = (char *)base + o->off;
		switch (o->type) {
		case CT_STR:
		case CT_NAME:
			free(*(char **)field);
			*(char **)field = NULL;
			break;
		case CT_ADDRS:
		case CT_PREFIXES:
			clear_list(o, base);
			break;
		case CT_MAP:
			free_fields(o->sub, base);
			break;
		case CT_ZONES: {
			cfg_t *c = base;
			for (size_t i = 0; i < c->nzones; i++)
				free_zone(&c->zones[i]);
			free(c->zones);
			c->zones = NULL;
			c->nzones = 0;
			break;
		}
		default:
			break;
		}
	}
}

/* Applies every default of a schema. Returns 0 or -1 (out of memory, or a
 * bad default: a bug caught by the tests). */
static int apply_defaults(const opt_t *schema, void *base)
{
	char why[128];
	for (const opt_t *o = schema; o->name; o++) {
		if (o->type == CT_MAP) {
			if (apply_defaults(o->sub, base) < 0)
				return -1;
			continue;
		}
		if (!o->def)
			continue;
		if (o->type == CT_ADDRS || o->type == CT_PREFIXES) {
			if (add_item(o, base, o->def, why, sizeof(why)))
				return -1;
		} else if (set_scalar(o, base, o->def, why, sizeof(why))) {
			return -1;
		}
	}
	return 0;
}

cfg_t *cfg_new(void)
{
	cfg_t *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	if (apply_defaults(top_schema, c) < 0) {
		cfg_free(c);
		return NULL;
	}
	return c;
}

void cfg_free(cfg_t *c)
{
	if (!c)
		return;
	free_fields(top_schema, c);
	free(c->path);
	free(c);
}

static cfg_zone_t *new_zone(cfg_t *c)
{
	if (c->nzones >= 100000)
		return NULL;
	cfg_zone_t *nz = realloc(c->zones, (c->nzones + 1) * sizeof(*nz));
	if (!nz)
		return NULL;
	c->zones = nz;
	cfg_zone_t *z = &c->zones[c->nzones];
	memset(z, 0, sizeof(*z));
	if (apply_defaults(zone_schema, z) < 0) {
		free_zone(z);
		return NULL;
	}
	c->nzones++;
	return z;
}

/* ---- the YAML file ---------------------------------------------------------------- */

struct yctx {
	yaml_document_t *doc;
	const char *path;
	char *err;
	size_t errcap;
	cfg_t *cfg;
};

static void known_keys(char *dst, size_t cap, const opt_t *schema)
{
	size_t n = 0;
	dst[0] = 0;
	for (const opt_t *o = schema; o->name && n < cap; o++) {
		int w = snprintf(dst + n, cap - n, "%s%s", n ? ", " : "", o->name);
		if (w < 0)
			break;
		n += (size_t)w;
	}
}

static int walk_map(struct yctx *y, const yaml_node_t *map, const opt_t *schema, void *base,
                    const char *where);

static int set_from_node(struct yctx *y, const opt_t *o, void *base, const yaml_node_t *v,
                         const char *where)
{
	char why[160];
	const char *bad;
	switch (o->type) {
	case CT_MAP:
		if (v->type != YAML_MAPPING_NODE)
			goto type_error;
		{
			char w[128];
			snprintf(w, sizeof(w), "%s%s.", where, o->name);
			return walk_map(y, v, o->sub, base, w);
		}
	case CT_ADDRS:
	case CT_PREFIXES:
		clear_list(o, base);
		if (v->type == YAML_SCALAR_NODE) { /* one item without brackets */
			bad = add_item(o, base, (const char *)v->data.scalar.value, why,
			               sizeof(why));
			if (bad) {
				sg_ycfg_errf(y->err, y->errcap, y->path, sg_ycfg_line(v),
				             "%s%s: %s: \"%s\"", where, o->name, bad,
				             (const char *)v->data.scalar.value);
				return -1;
			}
			return 0;
		}
		if (v->type != YAML_SEQUENCE_NODE)
			goto type_error;
		for (yaml_node_item_t *it = v->data.sequence.items.start;
		     it < v->data.sequence.items.top; it++) {
			yaml_node_t *e = yaml_document_get_node(y->doc, *it);
			if (!e || e->type != YAML_SCALAR_NODE) {
				sg_ycfg_errf(y->err, y->errcap, y->path,
				             e ? sg_ycfg_line(e) : sg_ycfg_line(v),
				             "%s%s: expected a %s", where, o->name,
				             type_name(o->type));
				return -1;
			}
			bad = add_item(o, base, (const char *)e->data.scalar.value, why,
			               sizeof(why));
			if (bad) {
				sg_ycfg_errf(y->err, y->errcap, y->path, sg_ycfg_line(e),
				             "%s%s: %s: \"%s\"", where, o->name, bad,
				             (const char *)e->data.scalar.value);
				return -1;
			}
		}
		return 0;
	case CT_ZONES: {
		if (v->type != YAML_SEQUENCE_NODE)
			goto type_error;
		cfg_t *c = base;
		for (yaml_node_item_t *it = v->data.sequence.items.start;
		     it < v->data.sequence.items.top; it++) {
			yaml_node_t *e = yaml_document_get_node(y->doc, *it);
			if (!e || e->type != YAML_MAPPING_NODE) {
				sg_ycfg_errf(
				        y->err, y->errcap, y->path,
				        e ? sg_ycfg_line(e) : sg_ycfg_line(v),
				        "zones: each zone is a mapping (name: ..., file: ...)");
				return -1;
			}
			cfg_zone_t *z = new_zone(c);
			if (!z) {
				sg_ycfg_errf(y->err, y->errcap, y->path, sg_ycfg_line(e),
				             "zones: out of memory");
				return -1;
			}
			z->line = sg_ycfg_line(e);
			char w[64];
			snprintf(w, sizeof(w), "zones[%zu].", c->nzones - 1);
			if (walk_map(y, e, zone_schema, z, w) < 0)
				return -1;
			for (const opt_t *r = zone_schema; r->name; r++)
				if (r->required && !*(char **)((char *)z + r->off)) {
					sg_ycfg_errf(y->err, y->errcap, y->path, sg_ycfg_line(e),
					             "%s: zone without \"%s\"", w, r->name);
					return -1;
				}
		}
		return 0;
	}
	default:
		if (v->type != YAML_SCALAR_NODE)
			goto type_error;
		bad = set_scalar(o, base, (const char *)v->data.scalar.value, why, sizeof(why));
		if (bad) {
			sg_ycfg_errf(y->err, y->errcap, y->path, sg_ycfg_line(v),
			             "%s%s: %s, not \"%s\"", where, o->name, bad,
			             (const char *)v->data.scalar.value);
			return -1;
		}
		return 0;
	}
type_error:
	sg_ycfg_errf(y->err, y->errcap, y->path, sg_ycfg_line(v), "%s%s: expected a %s", where,
	             o->name, type_name(o->type));
	return -1;
}

static int walk_map(struct yctx *y, const yaml_node_t *map, const opt_t *schema, void *base,
                    const char *where)
{
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(y->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(y->doc, p->value);
		if (!k || !v)
			continue;
		if (k->type != YAML_SCALAR_NODE) {
			sg_ycfg_errf(y->err, y->errcap, y->path, sg_ycfg_line(k),
			             "%s: option names are plain words",
			             where[0] ? where : "top level");
			return -1;
		}
		const char *key = (const char *)k->data.scalar.value;
		const opt_t *o = schema;
		while (o->name && strcmp(o->name, key) != 0)
			o++;
		if (!o->name) {
			char known[512];
			known_keys(known, sizeof(known), schema);
			sg_ycfg_errf(y->err, y->errcap, y->path, sg_ycfg_line(k),
			             "unknown option \"%s%s\" (known here: %s)", where, key, known);
			return -1;
		}
		if (set_from_node(y, o, base, v, where) < 0)
			return -1;
	}
	return 0;
}

int cfg_load_file(cfg_t *c, const char *path, char *err, size_t errcap)
{
	sg_ycfg_t y;
	yaml_node_t *root;
	if (sg_ycfg_open(&y, &root, path, true, err, errcap) < 0)
		return -1;
	struct yctx yc = {.doc = &y.doc, .path = path, .err = err, .errcap = errcap, .cfg = c};
	int rc = root ? walk_map(&yc, root, top_schema, c, "") : 0; /* empty: all defaults */
	if (rc == 0) {
		free(c->path);
		c->path = strdup(path);
	}
	sg_ycfg_close(&y);
	return rc;
}

/* ---- command line -------------------------------------------------------------- */

int cfg_add_listen(cfg_t *c, const char *text, bool first, char *err, size_t errcap)
{
	const opt_t *o = &top_schema[0];
	char why[128];
	if (first)
		clear_list(o, c);
	const char *bad = add_item(o, c, text, why, sizeof(why));
	if (bad) {
		sg_ycfg_errf(err, errcap, NULL, 0, "--listen %s: %s", text, bad);
		return -1;
	}
	return 0;
}

int cfg_add_zone(cfg_t *c, const char *arg, const char *key_dir, char *err, size_t errcap)
{
	const char *eq = strchr(arg, '=');
	if (!eq || eq == arg || !eq[1]) {
		sg_ycfg_errf(err, errcap, NULL, 0, "--zone %s: expected NAME=FILE", arg);
		return -1;
	}
	char name[SG_NAME_TEXT_MAX];
	size_t nl = (size_t)(eq - arg);
	if (nl >= sizeof(name)) {
		sg_ycfg_errf(err, errcap, NULL, 0, "--zone: name too long");
		return -1;
	}
	memcpy(name, arg, nl);
	name[nl] = 0;
	cfg_zone_t *z = new_zone(c);
	char why[128];
	if (!z) {
		sg_ycfg_errf(err, errcap, NULL, 0, "out of memory");
		return -1;
	}
	const char *bad = set_scalar(&zone_schema[0], z, name, why, sizeof(why));
	if (!bad)
		bad = set_scalar(&zone_schema[1], z, eq + 1, why, sizeof(why));
	if (!bad && key_dir)
		bad = set_scalar(&zone_schema[2], z, key_dir, why, sizeof(why));
	if (bad) {
		sg_ycfg_errf(err, errcap, NULL, 0, "--zone %s: %s", arg, bad);
		return -1;
	}
	return 0;
}

int cfg_check(cfg_t *c, char *err, size_t errcap)
{
	const char *file = c->path;
	for (size_t i = 0; i < c->nzones; i++) {
		cfg_zone_t *z = &c->zones[i];
		for (size_t j = 0; j < i; j++)
			if (sg_name_equal(z->origin, c->zones[j].origin)) {
				sg_ycfg_errf(err, errcap, z->line ? file : NULL, z->line,
				             "zone %s configured twice", z->name);
				return -1;
			}
		if (z->validity < 4) {
			sg_ycfg_errf(err, errcap, z->line ? file : NULL, z->line,
			             "zone %s: signature-validity must be at least 4 seconds",
			             z->name);
			return -1;
		}
		uint32_t refresh = z->refresh ? z->refresh : z->validity / 4;
		uint32_t jitter = z->jitter ? z->jitter : z->validity / 10;
		if ((uint64_t)refresh + jitter >= z->validity) {
			sg_ycfg_errf(
			        err, errcap, z->line ? file : NULL, z->line,
			        "zone %s: signature-refresh (%u s) plus jitter (%u s) must be less "
			        "than "
			        "signature-validity (%u s)",
			        z->name, refresh, jitter, z->validity);
			return -1;
		}
		if (strcmp(z->nsec3_salt, "-") != 0) {
			uint8_t salt[255];
			if (sg_base16_decode(salt, sizeof(salt), z->nsec3_salt,
			                     strlen(z->nsec3_salt)) < 0) {
				sg_ycfg_errf(err, errcap, z->line ? file : NULL, z->line,
				             "zone %s: nsec3.salt \"%s\" is not hex (or -)",
				             z->name, z->nsec3_salt);
				return -1;
			}
		}
	}
	return 0;
}

/* ---- documentation ------------------------------------------------------------------ */

static void print_rows(FILE *out, const opt_t *schema, const char *prefix)
{
	for (const opt_t *o = schema; o->name; o++) {
		char full[128];
		snprintf(full, sizeof(full), "%s%s", prefix, o->name);
		if (o->type == CT_MAP) {
			char p[160];
			snprintf(p, sizeof(p), "%s.", full);
			print_rows(out, o->sub, p);
			continue;
		}
		if (o->type == CT_ZONES) {
			fprintf(out, "| `%s` | %s | | %s |\n", full, type_name(o->type), o->doc);
			print_rows(out, o->sub, "zones[].");
			continue;
		}
		fprintf(out, "| `%s` | %s", full, type_name(o->type));
		if (o->choices) {
			fputs(": ", out);
			for (const char *ch = o->choices; *ch; ch++) { /* a | would end the cell */
				if (*ch == '|')
					fputs(", ", out);
				else
					fputc(*ch, out);
			}
		}
		fprintf(out, " | %s%s%s | %s |\n", o->def ? "`" : "",
		        o->def ? o->def : (o->required ? "(required)" : ""), o->def ? "`" : "",
		        o->doc);
	}
}

void cfg_print_schema(FILE *out)
{
	fprintf(out, "| option | type | default | meaning |\n|---|---|---|---|\n");
	print_rows(out, top_schema, "");
}
