#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "signet/name.h"
#include "signet/rr.h"
#include "signet/util.h"
#include "signet/zonefile.h"
#include "tools/common.h"

int tool_parse_time(int64_t *out, const char *arg, int64_t now)
{
	size_t len = strlen(arg);
	uint32_t v;
	if (len > 1 && arg[0] == '+') {
		if (sg_parse_u32(&v, arg + 1, len - 1, 0xffffffffu) < 0)
			return -1;
		*out = now + v;
		return 0;
	}
	if (len == 14)
		return sg_time_parse(out, arg, len) < 0 ? -1 : 0;
	if (sg_parse_u32(&v, arg, len, 0xffffffffu) < 0)
		return -1;
	*out = v;
	return 0;
}

int64_t tool_now(void)
{
	return (int64_t)time(NULL);
}

void tool_err(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "signet %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void tool_print_problem(const char *path, const sg_zone_problem_t *p)
{
	const char *sev = p->severity == SG_ZSEV_ERROR ? "error" : "warning";
	char owner[SG_NAME_TEXT_MAX], tb[16];
	const char *file = p->file ? p->file : path;
	if (p->line)
		fprintf(stderr, "%s:%u: %s: ", file, p->line, sev);
	else
		fprintf(stderr, "%s: %s: ", file, sev);
	if (p->owner && sg_name_to_text(owner, sizeof(owner), p->owner) >= 0)
		fprintf(stderr, "%s%s%s: ", owner, p->type ? " " : "",
			p->type ? sg_type_name(p->type, tb) : "");
	fprintf(stderr, "%s\n", p->msg);
}

struct loadctx {
	sg_zone_builder_t *b;
	const tool_load_opts_t *o;
	const char *path;
	unsigned errors;
	int rc;
	uint8_t soa_owner[SG_NAME_MAX];
	uint32_t soa_ttl;
	bool have_soa;
};

static void load_error(void *ctx, const char *file, unsigned line, const char *msg)
{
	struct loadctx *l = ctx;
	l->errors++;
	if (line)
		fprintf(stderr, "%s:%u: error: %s\n", file ? file : l->path, line, msg);
	else
		fprintf(stderr, "%s: error: %s\n", file ? file : l->path, msg);
}

static int load_record(void *ctx, const sg_rr_t *rr, const char *file, unsigned line)
{
	struct loadctx *l = ctx;
	if (rr->type == SG_T_SOA && !l->have_soa) {
		l->have_soa = true;
		sg_name_copy(l->soa_owner, rr->owner);
		l->soa_ttl = rr->ttl;
	}
	if (l->o->keep && !l->o->keep(rr->type))
		return SG_OK;
	int r = sg_zone_builder_add(l->b, rr, file, line);
	if (r < 0)
		l->rc = r;
	return r;
}

int tool_load_zone(sg_zone_t **out, const char *path, const tool_load_opts_t *o)
{
	uint8_t origin[SG_NAME_MAX];
	size_t olen;
	bool have_origin = false;
	if (o->origin) {
		if (sg_name_from_text(origin, &olen, o->origin, strlen(o->origin), sg_name_root) < 0) {
			fprintf(stderr, "bad origin \"%s\"\n", o->origin);
			return -1;
		}
		have_origin = true;
	}
	struct loadctx l = {.o = o, .path = path};
	l.b = sg_zone_builder_new(have_origin ? origin : NULL);
	if (!l.b) {
		fprintf(stderr, "%s: out of memory\n", path);
		return -1;
	}
	sg_zparse_opts_t po = {.origin = have_origin ? origin : NULL, .error = load_error,
			       .record = load_record, .ctx = &l};
	int r = sg_zonefile_parse(path, &po, NULL);
	if (r < 0 && l.rc < 0) {
		fprintf(stderr, "%s: %s\n", path, sg_strerror(l.rc));
		sg_zone_builder_free(l.b);
		return -1;
	}
	if (l.errors || r < 0) {
		fprintf(stderr, "%s: %u error%s while reading the zone file\n", path, l.errors,
			l.errors == 1 ? "" : "s");
		sg_zone_builder_free(l.b);
		return -1;
	}
	const uint8_t *zorigin = have_origin ? origin : (l.have_soa ? l.soa_owner : NULL);
	if (o->before_build && zorigin) {
		r = o->before_build(o->ctx, l.b, zorigin, l.soa_ttl);
		if (r < 0) {
			fprintf(stderr, "%s: %s\n", path, sg_strerror(r));
			sg_zone_builder_free(l.b);
			return -1;
		}
	}
	sg_zone_report_t *rep = sg_zone_report_new();
	sg_zone_t *z = NULL;
	r = sg_zone_build(&z, l.b, rep);
	int bad = r < 0;
	if (r == SG_OK && o->check && sg_zone_check(z, rep) != SG_OK)
		bad = 1;
	for (size_t i = 0; rep && i < sg_zone_report_count(rep); i++)
		tool_print_problem(path, sg_zone_report_get(rep, i));
	if (rep && sg_zone_report_errors(rep) > 0)
		bad = 1;
	if (r == SG_EZONE)
		fprintf(stderr, "%s: no origin: give --origin or put an SOA record in the file\n", path);
	else if (r < 0)
		fprintf(stderr, "%s: %s\n", path, sg_strerror(r));
	sg_zone_report_free(rep);
	if (bad) {
		sg_zone_free(z);
		return -1;
	}
	*out = z;
	return 0;
}

int tool_find_keys(sg_dnskey_t *keys, bool *sign, size_t cap, const char *dir, const uint8_t *zone,
		   int64_t now)
{
	char err[1024];
	int n = sg_keydir_find(keys, sign, cap, dir, zone, now, err, sizeof(err));
	if (n < 0) {
		fprintf(stderr, "%s\n", err[0] ? err : sg_strerror(n));
		return -1;
	}
	return n;
}

void tool_json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}
