/* signet sign — sign a zone file with the zone's keys.
 * See docs/user/signet-sign.md. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "signet/dnssec.h"
#include "signet/rr.h"
#include "signet/sign.h"
#include "signet/util.h"
#include "signet/zone.h"
#include "tools/commands.h"
#include "tools/common.h"

#define MAX_KEYS 64

static void usage(FILE *out)
{
	fprintf(out,
		"usage: signet sign [-K DIR | -k KEYBASE ...] [--nsec3 [--iterations N]\n"
		"                   [--salt HEX|-] [--opt-out]] [--inception T] [--expiration T]\n"
		"                   [-j THREADS] [--origin NAME] -o OUT ZONEFILE\n"
		"\n"
		"Signs ZONEFILE and writes the signed zone to OUT. Keys are the zone's\n"
		"K<zone>+*.private files in DIR (default .) or the ones named with -k.\n"
		"The DNSKEY RRset is added if absent. KSKs (SEP flag) sign the DNSKEY,\n"
		"CDS and CDNSKEY RRsets, ZSKs the rest; one kind of key alone signs all.\n"
		"\n"
		"  -K, --key-dir DIR     directory holding the zone's keys\n"
		"  -k, --key KEYBASE     a key (K...+AAA+TTTTT, .key or .private); repeatable\n"
		"  -3, --nsec3           NSEC3 instead of NSEC (RFC 5155; RFC 9276 defaults)\n"
		"      --iterations N    NSEC3 extra iterations (default 0)\n"
		"      --salt HEX|-      NSEC3 salt (default - : none)\n"
		"      --opt-out         NSEC3 opt-out for insecure delegations\n"
		"  -s, --inception T     signature inception (default now - 1 hour)\n"
		"  -e, --expiration T    signature expiration (default now + 30 days)\n"
		"                        T is YYYYMMDDHHMMSS (UTC), +SECONDS from now, or epoch seconds\n"
		"  -j, --threads N       signing threads (default: every core)\n"
		"      --origin NAME     the zone's name (default: the SOA owner)\n"
		"  -o, --output OUT      where to write the signed zone (- for stdout)\n"
		"      --progress        show progress even when stderr is not a terminal\n"
		"  -q, --quiet           no summary line\n"
		"  -h, --help            show this help\n");
}

enum { OPT_ITER = 256, OPT_SALT, OPT_OPTOUT, OPT_ORIGIN, OPT_PROGRESS };

struct signctx {
	/* keys */
	const char *keydir;
	const char *keybase[MAX_KEYS];
	size_t nkeybase;
	sg_dnskey_t keys[MAX_KEYS];
	bool active[MAX_KEYS];
	size_t nkeys;
	int64_t now;
	sg_sign_opts_t so;
	/* output */
	FILE *out;
	char line[SG_NAME_TEXT_MAX + 64 + 4 * SG_RDATA_MAX];
	/* progress */
	bool progress;
	time_t last;
	int error;
};

/* Called once the zone file is read: finds the keys and adds DNSKEYs. */
static int add_keys(void *ctx, sg_zone_builder_t *b, const uint8_t *origin, uint32_t soa_ttl)
{
	struct signctx *s = ctx;
	if (s->nkeybase) {
		for (size_t i = 0; i < s->nkeybase; i++) {
			char err[512] = "";
			int r = sg_keyfile_read(&s->keys[s->nkeys], s->keybase[i], origin, 0, err, sizeof(err));
			if (r < 0) {
				fprintf(stderr, "signet sign: %s\n", err[0] ? err : sg_strerror(r));
				s->error = 1;
				return r;
			}
			s->active[s->nkeys++] = true;
		}
	} else {
		int n = tool_find_keys(s->keys, s->active, MAX_KEYS, s->keydir, origin, s->now);
		if (n < 0) {
			s->error = 1;
			return SG_EINVAL;
		}
		s->nkeys = (size_t)n;
	}
	size_t nactive = 0;
	for (size_t i = 0; i < s->nkeys; i++)
		nactive += s->active[i];
	if (nactive == 0) {
		char zt[SG_NAME_TEXT_MAX];
		sg_name_to_text(zt, sizeof(zt), origin);
		fprintf(stderr, "signet sign: no active keys for %s in %s (make them with: signet keygen -K %s %s)\n",
			zt, s->keydir ? s->keydir : "the files given", s->keydir ? s->keydir : ".", zt);
		s->error = 1;
		return SG_ENOTFOUND;
	}
	const sg_dnskey_t *all[MAX_KEYS];
	uint32_t ttl = 3600;
	for (size_t i = 0; i < s->nkeys; i++) {
		all[i] = &s->keys[i];
		if (s->keys[i].ttl)
			ttl = s->keys[i].ttl;
		else if (soa_ttl)
			ttl = soa_ttl;
	}
	return sg_sign_prepare(b, origin, all, s->nkeys, ttl, &s->so);
}

static int emit(void *ctx, const sg_rr_t *rr)
{
	struct signctx *s = ctx;
	int n = sg_rr_to_text(s->line, sizeof(s->line), rr->owner, rr->ttl, rr->rclass, rr->type,
			      rr->rdata, rr->rdlen, 0);
	if (n < 0)
		return n;
	s->line[n] = '\n';
	if (fwrite(s->line, 1, (size_t)n + 1, s->out) != (size_t)n + 1)
		return SG_EIO;
	return SG_OK;
}

static void progress(void *ctx, size_t done, size_t total)
{
	struct signctx *s = ctx;
	time_t t = time(NULL);
	if (t == s->last && done != total)
		return;
	s->last = t;
	fprintf(stderr, "\rsigning: %zu/%zu names (%zu%%)%s", done, total,
		total ? done * 100 / total : 100, done == total ? "\n" : "");
}

static int parse_salt(struct signctx *s, uint8_t *salt, const char *arg)
{
	if (!strcmp(arg, "-")) {
		s->so.nsec3_saltlen = 0;
		return 0;
	}
	int n = sg_base16_decode(salt, 255, arg, strlen(arg));
	if (n < 0)
		return -1;
	s->so.nsec3_saltlen = (size_t)n;
	return 0;
}

int cmd_sign(int argc, char **argv)
{
	static const struct option opts[] = {
		{"key-dir", required_argument, NULL, 'K'},
		{"key", required_argument, NULL, 'k'},
		{"nsec3", no_argument, NULL, '3'},
		{"iterations", required_argument, NULL, OPT_ITER},
		{"salt", required_argument, NULL, OPT_SALT},
		{"opt-out", no_argument, NULL, OPT_OPTOUT},
		{"inception", required_argument, NULL, 's'},
		{"expiration", required_argument, NULL, 'e'},
		{"threads", required_argument, NULL, 'j'},
		{"origin", required_argument, NULL, OPT_ORIGIN},
		{"output", required_argument, NULL, 'o'},
		{"progress", no_argument, NULL, OPT_PROGRESS},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	static struct signctx s;
	memset(&s, 0, sizeof(s));
	s.now = tool_now();
	int64_t inception = s.now - 3600, expiration = s.now + 30 * 86400;
	const char *origin = NULL, *outpath = NULL;
	bool nsec3 = false, quiet = false, n3opts = false;
	uint8_t salt[255];
	uint32_t v;
	int c;
	s.progress = isatty(2);
	optind = 1;
	while ((c = getopt_long(argc, argv, "K:k:3s:e:j:o:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'K':
			s.keydir = optarg;
			break;
		case 'k':
			if (s.nkeybase >= MAX_KEYS) {
				tool_err("sign", "too many keys (at most %d)", MAX_KEYS);
				return 2;
			}
			s.keybase[s.nkeybase++] = optarg;
			break;
		case '3':
			nsec3 = true;
			break;
		case OPT_ITER:
			if (sg_parse_u32(&v, optarg, strlen(optarg), 65535) < 0) {
				tool_err("sign", "bad NSEC3 iteration count \"%s\"", optarg);
				return 2;
			}
			s.so.nsec3_iterations = (uint16_t)v;
			n3opts = true;
			break;
		case OPT_SALT:
			if (parse_salt(&s, salt, optarg) < 0) {
				tool_err("sign", "bad NSEC3 salt \"%s\" (hex, at most 255 octets, or -)", optarg);
				return 2;
			}
			n3opts = true;
			break;
		case OPT_OPTOUT:
			s.so.nsec3_opt_out = true;
			n3opts = true;
			break;
		case 's':
		case 'e':
			if (tool_parse_time(c == 's' ? &inception : &expiration, optarg, s.now) < 0) {
				tool_err("sign", "bad time \"%s\" (YYYYMMDDHHMMSS or +SECONDS)", optarg);
				return 2;
			}
			break;
		case 'j':
			if (sg_parse_u32(&v, optarg, strlen(optarg), 64) < 0 || v == 0) {
				tool_err("sign", "bad thread count \"%s\" (1..64)", optarg);
				return 2;
			}
			s.so.threads = v;
			break;
		case OPT_ORIGIN:
			origin = optarg;
			break;
		case 'o':
			outpath = optarg;
			break;
		case OPT_PROGRESS:
			s.progress = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1 || !outpath) {
		if (!outpath)
			tool_err("sign", "no output file: give -o OUT");
		usage(stderr);
		return 2;
	}
	if (s.keydir && s.nkeybase) {
		tool_err("sign", "give either -K DIR or -k KEYBASE, not both");
		return 2;
	}
	if (n3opts && !nsec3) {
		tool_err("sign", "--iterations, --salt and --opt-out need --nsec3");
		return 2;
	}
	if (!s.keydir && !s.nkeybase)
		s.keydir = ".";
	if (expiration <= inception) {
		tool_err("sign", "expiration is not after inception");
		return 2;
	}
	if (expiration - inception > 0x7fffffffLL) {
		tool_err("sign", "validity period longer than 68 years cannot be expressed (RFC 4034 §3.1.5)");
		return 2;
	}
	s.so.inception = (uint32_t)inception;
	s.so.expiration = (uint32_t)expiration;
	s.so.denial = nsec3 ? SG_DENIAL_NSEC3 : SG_DENIAL_NSEC;
	s.so.nsec3_salt = salt;
	const char *zonefile = argv[optind];

	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	sg_zone_t *z = NULL;
	tool_load_opts_t lo = {.origin = origin, .keep = sg_sign_keeps_type, .before_build = add_keys,
			       .ctx = &s, .check = true};
	int rc = 1;
	char tmppath[4096] = "";
	if (tool_load_zone(&z, zonefile, &lo) < 0)
		goto out;

	if (!strcmp(outpath, "-")) {
		s.out = stdout;
	} else {
		snprintf(tmppath, sizeof(tmppath), "%s.signet-tmp", outpath);
		s.out = fopen(tmppath, "w");
		if (!s.out) {
			tool_err("sign", "%s: %s", tmppath, strerror(errno));
			tmppath[0] = 0;
			goto out;
		}
	}
	static char obuf[1 << 20];
	setvbuf(s.out, obuf, _IOFBF, sizeof(obuf));
	const sg_dnskey_t *signers[MAX_KEYS];
	size_t nsigners = 0;
	for (size_t i = 0; i < s.nkeys; i++)
		if (s.active[i])
			signers[nsigners++] = &s.keys[i];
	s.so.emit = emit;
	s.so.emit_ctx = &s;
	if (s.progress) {
		s.so.progress = progress;
		s.so.progress_ctx = &s;
	}
	sg_sign_stats_t st;
	char err[512] = "";
	int r = sg_zone_sign(z, signers, nsigners, &s.so, &st, err, sizeof(err));
	if (r < 0) {
		tool_err("sign", "%s", err[0] ? err : sg_strerror(r));
		goto out;
	}
	if (s.out != stdout) {
		if (fclose(s.out) != 0) {
			s.out = NULL;
			tool_err("sign", "%s: %s", tmppath, strerror(errno));
			goto out;
		}
		s.out = NULL;
		if (rename(tmppath, outpath) < 0) {
			tool_err("sign", "%s: %s", outpath, strerror(errno));
			goto out;
		}
		tmppath[0] = 0;
	} else if (fflush(stdout) != 0) {
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (!quiet) {
		char zt[SG_NAME_TEXT_MAX];
		sg_name_to_text(zt, sizeof(zt), sg_zone_origin(z));
		fprintf(stderr, "signed %s: %zu records, %zu RRsets signed, %zu signatures, %zu %s, "
				"%zu key%s, %.2f s (%.0f signatures/s)\n",
			zt, st.records, st.rrsets, st.signatures, st.chain, nsec3 ? "NSEC3" : "NSEC",
			nsigners, nsigners == 1 ? "" : "s", secs, secs > 0 ? (double)st.signatures / secs : 0.0);
	}
	rc = 0;
out:
	if (s.out && s.out != stdout)
		fclose(s.out);
	if (tmppath[0])
		unlink(tmppath);
	for (size_t i = 0; i < s.nkeys; i++)
		sg_dnskey_deinit(&s.keys[i]);
	sg_zone_free(z);
	return rc;
}
