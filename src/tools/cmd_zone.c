/* signet zone check|print — load a zone file into the store and check or
 * print it. See docs/user/signet-zone.md. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "signet/name.h"
#include "signet/rr.h"
#include "signet/zone.h"
#include "signet/zonefile.h"
#include "tools/commands.h"
#include "tools/common.h"

#define OUTBUF_SIZE (1 << 20)

static void usage(FILE *out)
{
	fprintf(out, "usage: signet zone check [--origin NAME] FILE\n"
		     "       signet zone print [--origin NAME] FILE\n"
		     "\n"
		     "  check   load FILE, report every problem on stderr (FILE:LINE: ...),\n"
		     "          exit 0 when the zone is valid (warnings allowed), 1 otherwise\n"
		     "  print   print every record in canonical order, one per line, with\n"
		     "          absolute names; runs the same checks (exit 1 on errors)\n"
		     "\n"
		     "  -o, --origin NAME  the zone's name (default: owner of the first SOA)\n"
		     "  -h, --help         show this help\n");
}

struct load {
	sg_zone_builder_t *b;
	const char *path;
	unsigned parse_errors;
	int rc; /* first builder failure */
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

/* Writes every record in canonical order (RFC 4034 §6.1 by owner, then by
 * type as the store keeps them), one per line with absolute names. */
static int print_zone(const sg_zone_t *z)
{
	static char line[SG_NAME_TEXT_MAX + 32 + 4 * SG_RDATA_MAX];
	uint16_t rclass = sg_zone_class(z);
	for (size_t ni = 0; ni < sg_zone_node_count(z); ni++) {
		const sg_zone_node_t *n = sg_zone_node(z, ni);
		const uint8_t *owner = sg_zone_node_name(z, n);
		for (size_t s = 0; s < sg_zone_node_rrset_count(n); s++) {
			const sg_zone_rrset_t *rs = sg_zone_node_rrset(z, n, s);
			for (size_t i = 0; i < sg_zone_rrset_count(rs); i++) {
				uint16_t len;
				const uint8_t *rd = sg_zone_rrset_rdata(z, rs, i, &len);
				int w = sg_rr_to_text(line, sizeof(line), owner,
						      sg_zone_rrset_rr_ttl(z, rs, i), rclass,
						      sg_zone_rrset_type(rs), rd, len, 0);
				if (w < 0)
					return w;
				line[w] = '\n';
				if (fwrite(line, 1, (size_t)w + 1, stdout) != (size_t)w + 1)
					return SG_EIO;
			}
		}
	}
	return fflush(stdout) == 0 ? SG_OK : SG_EIO;
}

int cmd_zone(int argc, char **argv)
{
	static const struct option opts[] = {
		{"origin", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	const char *sub = argv[1];
	if (!strcmp(sub, "--help") || !strcmp(sub, "-h") || !strcmp(sub, "help")) {
		usage(stdout);
		return 0;
	}
	bool print;
	if (!strcmp(sub, "check"))
		print = false;
	else if (!strcmp(sub, "print"))
		print = true;
	else {
		fprintf(stderr, "signet zone: unknown subcommand '%s'\n", sub);
		usage(stderr);
		return 2;
	}
	const char *origin_text = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			origin_text = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 2) {
		usage(stderr);
		return 2;
	}
	const char *path = argv[optind + 1];

	uint8_t origin[SG_NAME_MAX];
	if (origin_text) {
		size_t ol;
		size_t tl = strlen(origin_text);
		/* --origin example.com means example.com. */
		int r = sg_name_from_text(origin, &ol, origin_text, tl, sg_name_root);
		if (r < 0) {
			fprintf(stderr, "signet zone: bad origin '%s': %s\n", origin_text,
				sg_strerror(r));
			return 2;
		}
	}

	static char outbuf[OUTBUF_SIZE];
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));

	int status = 1;
	sg_zone_t *z = NULL;
	sg_zone_report_t *rep = sg_zone_report_new();
	struct load l = {.b = sg_zone_builder_new(origin_text ? origin : NULL), .path = path};
	if (!rep || !l.b) {
		fprintf(stderr, "signet zone: out of memory\n");
		sg_zone_builder_free(l.b);
		goto out;
	}
	/* size the store from the file: about 32 octets a record */
	struct stat st;
	if (stat(path, &st) == 0 && st.st_size > 0 &&
	    sg_zone_builder_reserve(l.b, (size_t)st.st_size / 32) < 0) {
		fprintf(stderr, "signet zone: out of memory\n");
		sg_zone_builder_free(l.b);
		goto out;
	}
	sg_zparse_opts_t po = {
		.origin = origin_text ? origin : NULL,
		.error = on_error,
		.record = on_record,
		.ctx = &l,
	};
	int pr = sg_zonefile_parse(path, &po, NULL);
	if (l.rc < 0) {
		fprintf(stderr, "%s: error: %s\n", path, sg_strerror(l.rc));
		sg_zone_builder_free(l.b);
		goto out;
	}
	if (pr < 0 && !l.parse_errors)
		fprintf(stderr, "%s: error: %s\n", path, sg_strerror(pr));
	bool bad = pr < 0 || l.parse_errors > 0;

	int br = sg_zone_build(&z, l.b, rep);
	int cr = SG_OK;
	if (br == SG_OK)
		cr = sg_zone_check(z, rep);
	for (size_t i = 0; i < sg_zone_report_count(rep); i++)
		tool_print_problem(path, sg_zone_report_get(rep, i));
	size_t unshown = sg_zone_report_errors(rep) + sg_zone_report_warnings(rep) -
			 sg_zone_report_count(rep);
	if (unshown)
		fprintf(stderr, "%s: %zu more problems not shown\n", path, unshown);
	if (br < 0 && br != SG_EZONE)
		fprintf(stderr, "%s: error: %s\n", path, sg_strerror(br));
	if (cr < 0 && cr != SG_EZONE)
		fprintf(stderr, "%s: error: %s\n", path, sg_strerror(cr));
	bad = bad || br < 0 || cr < 0 || sg_zone_report_errors(rep) > 0;

	char zname[SG_NAME_TEXT_MAX] = "?", cb[16];
	if (z && sg_name_to_text(zname, sizeof(zname), sg_zone_origin(z)) > 1)
		zname[strlen(zname) - 1] = 0; /* named-checkzone prints no trailing dot */
	if (print && z) {
		int r = print_zone(z);
		if (r < 0) {
			fprintf(stderr, "signet zone: writing records: %s\n", sg_strerror(r));
			bad = true;
		}
	} else if (!print && !bad) {
		uint32_t serial = 0;
		if (sg_zone_serial(z, &serial) < 0)
			serial = 0;
		printf("zone %s/%s: loaded serial %u, %zu records\n", zname,
		       sg_class_name(sg_zone_class(z), cb), serial, sg_zone_record_count(z));
	}
	if (bad && !print)
		fprintf(stderr, "zone %s/%s: not loaded due to errors\n", zname,
			sg_class_name(z ? sg_zone_class(z) : SG_C_IN, cb));
	status = bad ? 1 : 0;
out:
	fflush(stdout);
	sg_zone_free(z);
	sg_zone_report_free(rep);
	return status;
}
