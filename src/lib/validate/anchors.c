/* Trust anchors: the IANA root anchors built in, and DS/DNSKEY records
 * read from zone-file text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "signet/rr.h"
#include "signet/zonefile.h"
#include "validate/val_int.h"

/* IANA root-anchors.xml (https://data.iana.org/root-anchors/): KSK-2017
 * and KSK-2024. The same records are in tests' testdata/vectors. */
static const char root_anchors[] =
        ". IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\n"
        ". IN DS 38696 8 2 683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16\n";

const char *sg_val_root_anchors_text(void)
{
	return root_anchors;
}

#define MAX_ANCHORS 1024

struct sg_val_anchors {
	size_t n, cap;
	sg_val_anchor_t *list;
};

typedef struct parse_ctx {
	sg_val_anchors_t *a;
	char *err;
	size_t errcap;
	bool failed;
	int oom;
} parse_ctx_t;

static void on_error(void *vctx, const char *file, unsigned line, const char *msg)
{
	parse_ctx_t *c = vctx;
	/* line 1 is the $TTL line sg_val_anchors_parse() puts in front */
	if (!c->failed && c->err && c->errcap)
		snprintf(c->err, c->errcap, "%s:%u: %s", file, line > 1 ? line - 1 : line, msg);
	c->failed = true;
}

static int on_record(void *vctx, const sg_rr_t *rr, const char *file, unsigned line)
{
	parse_ctx_t *c = vctx;
	if (rr->type == SG_T_RRSIG)
		return SG_OK;
	if (rr->type != SG_T_DS && rr->type != SG_T_DNSKEY) {
		char tb[16];
		char msg[80];
		snprintf(msg, sizeof(msg),
		         "%s record is not a trust anchor (DS or DNSKEY expected)",
		         sg_type_name(rr->type, tb));
		on_error(c, file, line, msg);
		return SG_OK;
	}
	sg_val_anchors_t *a = c->a;
	if (a->n == MAX_ANCHORS) {
		on_error(c, file, line, "too many trust anchors");
		return SG_ELIMIT;
	}
	if (a->n == a->cap) {
		size_t nc = a->cap ? a->cap * 2 : 8;
		sg_val_anchor_t *nl = realloc(a->list, nc * sizeof(*nl));
		if (!nl)
			return SG_ENOMEM;
		a->list = nl;
		a->cap = nc;
	}
	size_t ol = sg_name_len(rr->owner);
	uint8_t *mem = malloc(ol + rr->rdlen + 1);
	if (!mem)
		return SG_ENOMEM;
	memcpy(mem, rr->owner, ol);
	memcpy(mem + ol, rr->rdata, rr->rdlen);
	sg_val_anchor_t *e = &a->list[a->n++];
	e->owner = mem;
	e->type = rr->type;
	e->rdata = mem + ol;
	e->rdlen = rr->rdlen;
	return SG_OK;
}

int sg_val_anchors_parse(sg_val_anchors_t **out, const char *text, size_t len, const char *name,
                         char *err, size_t errcap)
{
	if (!out || !text)
		return SG_EINVAL;
	*out = NULL;
	if (err && errcap)
		err[0] = 0;
	sg_val_anchors_t *a = calloc(1, sizeof(*a));
	if (!a)
		return SG_ENOMEM;
	parse_ctx_t c = {.a = a, .err = err, .errcap = errcap};
	/* Anchor files usually give no TTL (IANA's do not): supply one. */
	static const char ttl_line[] = "$TTL 3600\n";
	char *buf = malloc(sizeof(ttl_line) + len);
	if (!buf) {
		sg_val_anchors_free(a);
		return SG_ENOMEM;
	}
	memcpy(buf, ttl_line, sizeof(ttl_line) - 1);
	memcpy(buf + sizeof(ttl_line) - 1, text, len);
	sg_zparse_opts_t o = {
	        .origin = sg_name_root,
	        .no_include = 1,
	        .max_errors = 1,
	        .error = on_error,
	        .record = on_record,
	        .ctx = &c,
	};
	int r = sg_zonefile_parse_mem(buf, sizeof(ttl_line) - 1 + len, name ? name : "anchors", &o,
	                              NULL);
	free(buf);
	if (r == SG_ENOMEM)
		goto fail;
	if (r < 0 || c.failed) {
		r = SG_ESYNTAX;
		goto fail;
	}
	if (a->n == 0) {
		if (err && errcap)
			snprintf(err, errcap, "%s: no DS or DNSKEY record",
			         name ? name : "anchors");
		r = SG_ENOTFOUND;
		goto fail;
	}
	*out = a;
	return SG_OK;
fail:
	sg_val_anchors_free(a);
	return r;
}

void sg_val_anchors_free(sg_val_anchors_t *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n; i++)
		free((void *)a->list[i].owner);
	free(a->list);
	free(a);
}

const sg_val_anchor_t *sg_val_anchors_list(const sg_val_anchors_t *a, size_t *n)
{
	*n = a->n;
	return a->list;
}

const uint8_t *sg_val_anchors_closest(const sg_val_anchors_t *a, const uint8_t *name)
{
	const uint8_t *best = NULL;
	unsigned best_labels = 0;
	for (size_t i = 0; i < a->n; i++) {
		const uint8_t *o = a->list[i].owner;
		if (!sg_name_is_subdomain(name, o))
			continue;
		unsigned l = sg_name_labels(o);
		if (!best || l > best_labels) {
			best = o;
			best_labels = l;
		}
	}
	return best;
}
