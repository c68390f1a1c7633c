/* signet keygen — make a DNSSEC key pair as BIND key files.
 * See docs/user/signet-keygen.md. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "signet/crypto.h"
#include "signet/dnssec.h"
#include "signet/rr.h"
#include "signet/util.h"
#include "tools/commands.h"
#include "tools/common.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: signet keygen [-a ALG] [-b BITS] [--ksk] [-K DIR] ZONE\n"
		"\n"
		"Generates a key pair for ZONE and writes K<zone>+<alg>+<tag>.key and .private\n"
		"(BIND's format, private file mode 0600) into DIR; prints the base name.\n"
		"\n"
		"  -a, --algorithm ALG  number or mnemonic (default 13, ECDSAP256SHA256);\n"
		"                       signing algorithms: 8 RSASHA256, 10 RSASHA512,\n"
		"                       13 ECDSAP256SHA256, 14 ECDSAP384SHA384, 15 ED25519, 16 ED448\n"
		"  -b, --bits BITS      RSA modulus size (1024..4096, default 2048)\n"
		"  -f, --ksk            a key-signing key (flags 257, SEP); default is a ZSK (256)\n"
		"  -K, --directory DIR  where to write the files (default .)\n"
		"  -h, --help           show this help\n");
}

int cmd_keygen(int argc, char **argv)
{
	static const struct option opts[] = {
		{"algorithm", required_argument, NULL, 'a'},
		{"bits", required_argument, NULL, 'b'},
		{"ksk", no_argument, NULL, 'f'},
		{"directory", required_argument, NULL, 'K'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	uint8_t alg = SG_ALG_DEFAULT;
	unsigned bits = 0;
	bool ksk = false;
	const char *dir = ".";
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "a:b:fK:h", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (sg_alg_from_text(&alg, optarg, strlen(optarg)) < 0) {
				tool_err("keygen", "unknown algorithm \"%s\"", optarg);
				return 2;
			}
			break;
		case 'b': {
			uint32_t v;
			if (sg_parse_u32(&v, optarg, strlen(optarg), 65535) < 0) {
				tool_err("keygen", "bad key size \"%s\"", optarg);
				return 2;
			}
			bits = v;
			break;
		}
		case 'f':
			ksk = true;
			break;
		case 'K':
			dir = optarg;
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
	const char *zone_text = argv[optind];
	uint8_t zone[SG_NAME_MAX];
	size_t zl;
	if (sg_name_from_text(zone, &zl, zone_text, strlen(zone_text), sg_name_root) < 0) {
		tool_err("keygen", "bad zone name \"%s\"", zone_text);
		return 2;
	}
	char err[512] = "";
	if (sg_alg_check_sign(alg, err, sizeof(err)) < 0) {
		tool_err("keygen", "%s", err);
		return 1;
	}
	sg_dnskey_t k;
	int r = sg_dnskey_generate(&k, zone, alg, bits, ksk ? 257 : 256, err, sizeof(err));
	if (r < 0) {
		tool_err("keygen", "%s", err[0] ? err : sg_strerror(r));
		return 1;
	}
	int64_t now = tool_now();
	k.times.created = k.times.publish = k.times.activate = now;
	char base[4096];
	r = sg_keyfile_write(&k, dir, base, sizeof(base), err, sizeof(err));
	sg_dnskey_deinit(&k);
	if (r < 0) {
		tool_err("keygen", "%s", err[0] ? err : sg_strerror(r));
		return 1;
	}
	const char *slash = strrchr(base, '/');
	printf("%s\n", slash ? slash + 1 : base);
	return 0;
}
