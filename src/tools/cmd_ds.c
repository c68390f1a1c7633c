/* signet ds — DS records for a zone's KSKs, from a .key file, a key
 * directory or a (signed) zone file. See docs/user/signet-ds.md. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "signet/dnssec.h"
#include "signet/rr.h"
#include "signet/util.h"
#include "signet/zone.h"
#include "tools/commands.h"
#include "tools/common.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: signet ds [-d sha256|sha384|sha1] [--origin NAME] [--all] FILE|DIR\n"
		"\n"
		"Prints the DS records (to hand to the parent zone) for the key-signing keys\n"
		"(DNSKEY flag SEP) in FILE: a K*.key file, a zone file, or a key directory.\n"
		"\n"
		"  -d, --digest TYPE  sha256 (2, default), sha384 (4) or sha1 (1); repeatable\n"
		"  -o, --origin NAME  the zone's name, for a zone file without $ORIGIN/SOA\n"
		"  -a, --all          also keys without the SEP flag\n"
		"  -h, --help         show this help\n");
}

static int parse_digest(uint8_t *out, const char *s)
{
	static const struct {
		const char *name;
		uint8_t v;
	} d[] = {{"sha1", 1},   {"1", 1},   {"sha-1", 1},   {"sha256", 2}, {"2", 2},
		 {"sha-256", 2}, {"sha384", 4}, {"4", 4}, {"sha-384", 4}};
	for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++)
		if (!strcasecmp(s, d[i].name)) {
			*out = d[i].v;
			return 0;
		}
	return -1;
}

struct dsout {
	uint8_t digests[4];
	size_t ndigests;
	bool all;
	unsigned printed;
	unsigned failed;
};

static void print_ds(struct dsout *o, const uint8_t *owner, const uint8_t *rdata, size_t rdlen,
		     const char *where)
{
	if (rdlen < 4)
		return;
	uint16_t flags = (uint16_t)(rdata[0] << 8 | rdata[1]);
	if (!o->all && !(flags & SG_DNSKEY_SEP))
		return;
	if (flags & SG_DNSKEY_REVOKE)
		return;
	char name[SG_NAME_TEXT_MAX];
	sg_name_to_text(name, sizeof(name), owner);
	for (size_t i = 0; i < o->ndigests; i++) {
		uint8_t ds[4 + 64];
		size_t dl;
		int r = sg_ds_from_dnskey(ds, sizeof(ds), &dl, o->digests[i], owner, rdata, rdlen);
		if (r < 0) {
			fprintf(stderr, "%s: key %u: %s\n", where, sg_dnskey_tag(rdata, rdlen),
				sg_strerror(r));
			o->failed++;
			continue;
		}
		char text[256];
		if (sg_rdata_to_text(text, sizeof(text), SG_T_DS, ds, dl, 0) < 0)
			continue;
		printf("%s\tIN\tDS\t%s\n", name, text);
		o->printed++;
	}
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t l = strlen(s), sl = strlen(suffix);
	return l >= sl && !strcmp(s + l - sl, suffix);
}

static int from_keyfile(struct dsout *o, const char *path)
{
	sg_dnskey_t k;
	char err[512] = "";
	int r = sg_keyfile_read(&k, path, NULL, SG_KEYFILE_PUBLIC_ONLY, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "%s\n", err[0] ? err : sg_strerror(r));
		return -1;
	}
	print_ds(o, k.owner, k.rdata, k.rdlen, path);
	sg_dnskey_deinit(&k);
	return 0;
}

static int from_dir(struct dsout *o, const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) {
		perror(dir);
		return -1;
	}
	struct dirent *de;
	int rc = 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] != 'K' || !ends_with(de->d_name, ".key"))
			continue;
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (from_keyfile(o, path) < 0)
			rc = -1;
	}
	closedir(d);
	return rc;
}

static int from_zone(struct dsout *o, const char *path, const char *origin)
{
	sg_zone_t *z;
	tool_load_opts_t lo = {.origin = origin};
	if (tool_load_zone(&z, path, &lo) < 0)
		return -1;
	const sg_zone_node_t *apex = sg_zone_apex(z);
	const sg_zone_rrset_t *rs = sg_zone_node_find(z, apex, SG_T_DNSKEY);
	if (rs) {
		for (size_t i = 0; i < sg_zone_rrset_count(rs); i++) {
			uint16_t len;
			const uint8_t *rd = sg_zone_rrset_rdata(z, rs, i, &len);
			print_ds(o, sg_zone_origin(z), rd, len, path);
		}
	}
	sg_zone_free(z);
	return 0;
}

int cmd_ds(int argc, char **argv)
{
	static const struct option opts[] = {
		{"digest", required_argument, NULL, 'd'},
		{"origin", required_argument, NULL, 'o'},
		{"all", no_argument, NULL, 'a'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct dsout o = {.ndigests = 0};
	const char *origin = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:o:ah", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (o.ndigests >= 4 || parse_digest(&o.digests[o.ndigests], optarg) < 0) {
				tool_err("ds", "unknown digest type \"%s\" (sha256, sha384, sha1)", optarg);
				return 2;
			}
			o.ndigests++;
			break;
		case 'o':
			origin = optarg;
			break;
		case 'a':
			o.all = true;
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
	if (o.ndigests == 0)
		o.digests[o.ndigests++] = SG_DS_SHA256;
	const char *path = argv[optind];
	struct stat st;
	if (stat(path, &st) < 0) {
		tool_err("ds", "%s: %s", path, strerror(errno));
		return 1;
	}
	int r;
	if (S_ISDIR(st.st_mode))
		r = from_dir(&o, path);
	else if (ends_with(path, ".key") || ends_with(path, ".private"))
		r = from_keyfile(&o, path);
	else
		r = from_zone(&o, path, origin);
	if (r < 0 || o.failed)
		return 1;
	if (o.printed == 0) {
		tool_err("ds", "%s: no key-signing key (DNSKEY with the SEP flag) found", path);
		return 1;
	}
	return 0;
}
