/* signet verify — check a signed zone file: signatures, the DNSKEY RRset's
 * SEP and trust-anchor rules, the NSEC/NSEC3 chain. See
 * docs/user/signet-verify.md; the checks live in src/lib/dnssec/zoneverify.c. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "signet/denial.h"
#include "signet/dnssec.h"
#include "signet/name.h"
#include "signet/rr.h"
#include "signet/util.h"
#include "signet/verify.h"
#include "signet/zone.h"
#include "signet/zonefile.h"
#include "tools/commands.h"
#include "tools/common.h"

#define MAX_ANCHORS 256

static void usage(FILE *out)
{
	fprintf(out,
	        "usage: signet verify [--origin NAME] [--time T] [--anchor FILE] [-j N] "
	        "[--progress] ZONEFILE\n"
	        "\n"
	        "Checks that every authoritative RRset has a valid signature by a DNSKEY of the "
	        "zone\n"
	        "at time T, that the DNSKEY RRset is signed by a SEP key (and by a key matching "
	        "the\n"
	        "trust anchors, when given), that glue is not signed, and that the NSEC or NSEC3 "
	        "chain\n"
	        "is complete and lists exactly the names and types present.\n"
	        "Problems go to stderr, one per line; exit 0 when the zone is valid, 1 when "
	        "problems\n"
	        "were found, 2 on bad usage.\n"
	        "\n"
	        "  -o, --origin NAME   the zone's name (default: owner of the first SOA)\n"
	        "  -t, --time T        validation time: YYYYMMDDHHMMSS (UTC), +SECONDS from now,\n"
	        "                      or seconds since the epoch (default: now)\n"
	        "  -a, --anchor FILE   trust anchors (DS or DNSKEY records in zone-file format);\n"
	        "                      may be given more than once\n"
	        "  -j, --threads N     threads checking signatures (default: all cores)\n"
	        "      --progress      show progress on stderr (default: when stderr is a "
	        "terminal\n"
	        "                      and the run takes more than a second)\n"
	        "  -h, --help          show this help\n");
}

/* ---- loading ---------------------------------------------------------------- */

struct load {
	sg_zone_builder_t *b;
	const char *path;
	unsigned parse_errors;
	int rc;
};

static void on_error(void *ctx, const char *file, unsigned line, const char *msg)
{
	struct load *l = ctx;
	l->parse_errors++;
	if (line)
		fprintf(stderr, "%s:%u: error: %s\n", file ? file : l->path, line, msg);
	else
		fprintf(stderr, "%s: error: %s\n", file ? file : l->path, msg);
}

static int on_record(void *ctx, const sg_rr_t *rr, const char *file, unsigned line)
{
	struct load *l = ctx;
	int r = sg_zone_builder_add(l->b, rr, file, line);
	if (r < 0)
		l->rc = r;
	return r;
}

/* Loads and checks the zone; returns it or NULL. *bad is set when the file
 * had errors (the zone may still be returned). Unlike tool_load_zone() it
 * drops the store's TTL warnings for RRSIGs: the RRSIGs of one name are
 * one RRset to the store, their TTLs follow the RRsets they cover, so a
 * signed zone would warn at nearly every name. */
static sg_zone_t *load_zone(const char *path, const uint8_t *origin, bool *bad)
{
	sg_zone_t *z = NULL;
	sg_zone_report_t *rep = sg_zone_report_new();
	struct load l = {.b = sg_zone_builder_new(origin), .path = path};
	if (!rep || !l.b) {
		fprintf(stderr, "signet verify: out of memory\n");
		sg_zone_builder_free(l.b);
		sg_zone_report_free(rep);
		*bad = true;
		return NULL;
	}
	sg_zparse_opts_t po = {.origin = origin, .error = on_error, .record = on_record, .ctx = &l};
	int pr = sg_zonefile_parse(path, &po, NULL);
	if (l.rc < 0) {
		fprintf(stderr, "%s: error: %s\n", path, sg_strerror(l.rc));
		sg_zone_builder_free(l.b);
		sg_zone_report_free(rep);
		*bad = true;
		return NULL;
	}
	if (pr < 0 && !l.parse_errors)
		fprintf(stderr, "%s: error: %s\n", path, sg_strerror(pr));
	*bad = pr < 0 || l.parse_errors > 0;
	int br = sg_zone_build(&z, l.b, rep);
	if (br == SG_OK && sg_zone_check(z, rep) == SG_ENOMEM)
		br = SG_ENOMEM;
	for (size_t i = 0; i < sg_zone_report_count(rep); i++) {
		const sg_zone_problem_t *p = sg_zone_report_get(rep, i);
		if (p->code == SG_ZP_TTL_MISMATCH && p->type == SG_T_RRSIG)
			continue;
		tool_print_problem(path, p);
	}
	if (br < 0)
		fprintf(stderr, "%s: error: %s\n", path, sg_strerror(br));
	if (br < 0 || sg_zone_report_errors(rep) > 0)
		*bad = true;
	sg_zone_report_free(rep);
	return z;
}

/* ---- trust anchors ---------------------------------------------------------------- */

struct anchors {
	sg_verify_anchor_t a[MAX_ANCHORS];
	size_t n;
	const char *path;
	unsigned errors;
	unsigned skipped;
};

static void anchor_error(void *ctx, const char *file, unsigned line, const char *msg)
{
	struct anchors *an = ctx;
	an->errors++;
	/* the text parsed starts with a $TTL line of ours */
	if (!file || !strcmp(file, an->path))
		line = line > 1 ? line - 1 : line;
	fprintf(stderr, "%s:%u: error: %s\n", file ? file : an->path, line, msg);
}

static int anchor_record(void *ctx, const sg_rr_t *rr, const char *file, unsigned line)
{
	struct anchors *an = ctx;
	if (rr->type != SG_T_DS && rr->type != SG_T_DNSKEY) {
		an->skipped++;
		return SG_OK;
	}
	if (an->n == MAX_ANCHORS) {
		fprintf(stderr, "%s:%u: error: more than %d trust anchors\n",
		        file ? file : an->path, line, MAX_ANCHORS);
		an->errors++;
		return SG_ELIMIT;
	}
	size_t ol = sg_name_len(rr->owner);
	uint8_t *owner = malloc(ol);
	uint8_t *rd = malloc(rr->rdlen ? rr->rdlen : 1);
	if (!owner || !rd) {
		free(owner);
		free(rd);
		return SG_ENOMEM;
	}
	memcpy(owner, rr->owner, ol);
	memcpy(rd, rr->rdata, rr->rdlen);
	an->a[an->n++] = (sg_verify_anchor_t){
	        .owner = owner, .type = rr->type, .rdata = rd, .rdlen = rr->rdlen};
	return SG_OK;
}

/* Anchor files (root-anchors.txt, dig output) often state no TTL: a
 * default one is put in front before scanning. */
static int parse_anchor_file(const char *path, const sg_zparse_opts_t *po)
{
	static const char head[] = "$TTL 0\n";
	FILE *f = fopen(path, "rb");
	if (!f)
		return SG_EIO;
	sg_buf_t b;
	sg_buf_init(&b, 16u << 20);
	int r = sg_buf_append(&b, head, sizeof(head) - 1);
	char chunk[8192];
	size_t n;
	while (r == SG_OK && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		r = sg_buf_append(&b, chunk, n);
	if (r == SG_OK && ferror(f))
		r = SG_EIO;
	fclose(f);
	if (r == SG_OK)
		r = sg_zonefile_parse_mem((const char *)b.data, b.len, path, po, NULL);
	sg_buf_deinit(&b);
	return r;
}

static void anchors_free(struct anchors *an)
{
	for (size_t i = 0; i < an->n; i++) {
		free((void *)an->a[i].owner);
		free((void *)an->a[i].rdata);
	}
	an->n = 0;
}

/* ---- output --------------------------------------------------------------------- */

struct out {
	bool progress; /* --progress given */
	bool tty;      /* stderr is a terminal */
	bool shown;    /* a progress line is on screen */
	struct timespec start, last;
};

static double since(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void clear_progress(struct out *o)
{
	if (o->shown) {
		fputs(o->tty ? "\r\033[K" : "\n", stderr);
		o->shown = false;
	}
}

static void on_progress(void *ctx, size_t done, size_t total)
{
	struct out *o = ctx;
	if (!o->progress && !o->tty)
		return;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (done < total) {
		if (!o->progress && since(&o->start, &now) < 1.0)
			return;
		if (o->shown && since(&o->last, &now) < 0.2)
			return;
	} else if (!o->shown) {
		return;
	}
	o->last = now;
	fprintf(stderr, "\rverifying: %zu/%zu names (%zu%%)", done, total,
	        total ? done * 100 / total : 100);
	o->shown = true;
	fflush(stderr);
}

static void on_problem(void *ctx, const sg_verify_problem_t *p)
{
	struct out *o = ctx;
	char owner[SG_NAME_TEXT_MAX], tb[16];
	clear_progress(o);
	if (sg_name_to_text(owner, sizeof(owner), p->owner) < 0)
		snprintf(owner, sizeof(owner), "?");
	fprintf(stderr, "%s %s: %s\n", owner, sg_type_name(p->type, tb), p->msg);
}

static long default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 256 ? 256 : n;
}

int cmd_verify(int argc, char **argv)
{
	enum { OPT_PROGRESS = 256 };
	static const struct option opts[] = {
	        {"origin", required_argument, NULL, 'o'},
	        {"time", required_argument, NULL, 't'},
	        {"anchor", required_argument, NULL, 'a'},
	        {"threads", required_argument, NULL, 'j'},
	        {"progress", no_argument, NULL, OPT_PROGRESS},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	const char *origin_text = NULL, *time_text = NULL;
	const char *anchor_files[16];
	size_t nanchor_files = 0;
	long threads = default_threads();
	struct out o = {.tty = isatty(2)};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:t:a:j:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			origin_text = optarg;
			break;
		case 't':
			time_text = optarg;
			break;
		case 'a':
			if (nanchor_files == sizeof(anchor_files) / sizeof(anchor_files[0])) {
				fprintf(stderr, "signet verify: too many --anchor files\n");
				return 2;
			}
			anchor_files[nanchor_files++] = optarg;
			break;
		case 'j': {
			uint32_t v;
			if (sg_parse_u32(&v, optarg, strlen(optarg), 256) < 0 || v == 0) {
				fprintf(stderr, "signet verify: bad thread count '%s' (1..256)\n",
				        optarg);
				return 2;
			}
			threads = v;
			break;
		}
		case OPT_PROGRESS:
			o.progress = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	const char *path = argv[optind];

	int64_t now = tool_now();
	if (time_text && tool_parse_time(&now, time_text, now) < 0) {
		fprintf(stderr,
		        "signet verify: bad time '%s' (YYYYMMDDHHMMSS, +SECONDS or epoch "
		        "seconds)\n",
		        time_text);
		return 2;
	}
	uint8_t origin[SG_NAME_MAX];
	if (origin_text) {
		size_t ol;
		int r = sg_name_from_text(origin, &ol, origin_text, strlen(origin_text),
		                          sg_name_root);
		if (r < 0) {
			fprintf(stderr, "signet verify: bad origin '%s': %s\n", origin_text,
			        sg_strerror(r));
			return 2;
		}
	}

	clock_gettime(CLOCK_MONOTONIC, &o.start);
	int status = 1;
	struct anchors an = {.n = 0};
	bool bad = false;
	sg_zone_t *z = load_zone(path, origin_text ? origin : NULL, &bad);
	if (!z)
		goto out;
	char zname[SG_NAME_TEXT_MAX];
	if (sg_name_to_text(zname, sizeof(zname), sg_zone_origin(z)) < 0)
		snprintf(zname, sizeof(zname), "?");

	for (size_t i = 0; i < nanchor_files; i++) {
		an.path = anchor_files[i];
		sg_zparse_opts_t po = {.origin = sg_zone_origin(z),
		                       .error = anchor_error,
		                       .record = anchor_record,
		                       .ctx = &an};
		int r = parse_anchor_file(anchor_files[i], &po);
		if (r < 0 || an.errors) {
			if (!an.errors)
				fprintf(stderr, "%s: error: %s\n", anchor_files[i], sg_strerror(r));
			status = 2;
			goto out;
		}
	}
	if (nanchor_files) {
		size_t mine = 0;
		for (size_t i = 0; i < an.n; i++)
			if (sg_name_equal(an.a[i].owner, sg_zone_origin(z)))
				mine++;
		if (mine == 0) {
			fprintf(stderr,
			        "signet verify: no DS or DNSKEY record for %s in the anchor "
			        "file%s\n",
			        zname, nanchor_files > 1 ? "s" : "");
			status = 2;
			goto out;
		}
	}

	sg_verify_opts_t vo = {
	        .now = now,
	        .anchors = an.a,
	        .nanchors = an.n,
	        .threads = (unsigned)threads,
	        .problem = on_problem,
	        .progress = on_progress,
	        .ctx = &o,
	};
	sg_verify_stats_t st;
	int r = sg_verify_zone(&st, z, &vo);
	clear_progress(&o);
	if (r < 0 && r != SG_EZONE) {
		fprintf(stderr, "signet verify: %s: could not complete the check: %s\n", path,
		        sg_strerror(r));
		goto out;
	}
	if (st.problems > SG_VERIFY_PROBLEM_MAX)
		fprintf(stderr, "%zu more problems not shown\n",
		        st.problems - SG_VERIFY_PROBLEM_MAX);
	if (r == SG_EZONE || bad) {
		fprintf(stderr, "zone %s: %zu problem%s found%s\n", zname, st.problems,
		        st.problems == 1 ? "" : "s", bad ? " (and errors in the zone file)" : "");
		goto out;
	}
	char tb[16];
	if (sg_time_format(tb, sizeof(tb), now) < 0)
		snprintf(tb, sizeof(tb), "%lld", (long long)now);
	const char *chain =
	        st.chain == SG_DENIAL_NSEC3 ? (st.opt_out ? "NSEC3 (opt-out)" : "NSEC3") : "NSEC";
	printf("zone %s is valid at %s: %zu records, %zu RRsets verified, %zu signatures checked, "
	       "%s chain of %zu records\n",
	       zname, tb, st.records, st.rrsets, st.signatures, chain, st.chain_length);
	status = 0;
out:
	anchors_free(&an);
	sg_zone_free(z);
	fflush(stdout);
	return status;
}
