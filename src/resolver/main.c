/* signet-resolver — command line. See docs/user/signet-resolver.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resolver/iter.h"
#include "resolver/net.h"
#include "resolver/rconfig.h"
#include "signet_config.h"

static void usage(FILE *out)
{
	fprintf(out, "usage: signet-resolver [--config FILE] [--listen ADDR@PORT]... [--root-hints "
	             "FILE]\n"
	             "                       [--anchor FILE] [--upstream-port N] "
	             "[--allow-loopback-upstream]\n"
	             "                       [--OPTION VALUE]... [--no-BOOLEAN-OPTION]...\n"
	             "       signet-resolver --print-config-schema | --help | --version\n"
	             "\n"
	             "A validating recursive resolver. Every option of the configuration file\n"
	             "can be given on the command line as --OPTION VALUE (or --OPTION=VALUE);\n"
	             "boolean options as --OPTION (true) or --no-OPTION (false). The command\n"
	             "line overrides the file. Options:\n\n");
	rcfg_print_schema(out);
}

int main(int argc, char **argv)
{
	rcfg_t *cfg = rcfg_new();
	char err[512];
	int rc = 2;
	resolver_t *r = NULL;
	if (!cfg) {
		fprintf(stderr, "signet-resolver: out of memory\n");
		return 1;
	}
	/* The file first, so that the command line overrides it. */
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			rc = 0;
			goto out;
		}
		if (!strcmp(argv[i], "--version")) {
			printf("signet-resolver %s\n", SIGNET_VERSION);
			rc = 0;
			goto out;
		}
		if (!strcmp(argv[i], "--print-config-schema")) {
			rcfg_print_schema(stdout);
			rc = 0;
			goto out;
		}
		const char *path = NULL;
		if (!strcmp(argv[i], "--config") || !strcmp(argv[i], "-c")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "signet-resolver: %s needs a file\n", argv[i]);
				goto out;
			}
			path = argv[++i];
		} else if (!strncmp(argv[i], "--config=", 9)) {
			path = argv[i] + 9;
		}
		if (path && rcfg_load_file(cfg, path, err, sizeof(err)) < 0) {
			fprintf(stderr, "signet-resolver: %s\n", err);
			goto out;
		}
	}
	bool listen_seen = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--config") || !strcmp(a, "-c")) {
			i++;
			continue;
		}
		if (!strncmp(a, "--config=", 9))
			continue;
		if (strncmp(a, "--", 2) != 0 || !a[2]) {
			fprintf(stderr,
			        "signet-resolver: unexpected argument \"%s\" (see --help)\n", a);
			goto out;
		}
		char name[64];
		const char *val = NULL;
		const char *eq = strchr(a + 2, '=');
		size_t nl = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);
		if (nl >= sizeof(name)) {
			fprintf(stderr, "signet-resolver: unknown option %s\n", a);
			goto out;
		}
		memcpy(name, a + 2, nl);
		name[nl] = 0;
		if (eq)
			val = eq + 1;
		if (!eq && !strncmp(name, "no-", 3) && rcfg_is_flag(name + 3)) {
			memmove(name, name + 3, strlen(name + 3) + 1);
			val = "false";
		} else if (!eq && rcfg_is_flag(name)) {
			val = "true";
		} else if (!eq) {
			if (i + 1 >= argc) {
				fprintf(stderr, "signet-resolver: --%s needs a value\n", name);
				goto out;
			}
			val = argv[++i];
		}
		bool first = false;
		if (!strcmp(name, "listen")) {
			first = !listen_seen;
			listen_seen = true;
		}
		int e = rcfg_set(cfg, name, val, first, err, sizeof(err));
		if (e > 0) {
			fprintf(stderr, "signet-resolver: unknown option --%s (see --help)\n",
			        name);
			goto out;
		}
		if (e < 0) {
			fprintf(stderr, "signet-resolver: %s\n", err);
			goto out;
		}
	}
	/* libuv reads this once, when its worker pool starts. */
	char nthreads[16];
	snprintf(nthreads, sizeof(nthreads), "%u", cfg->threads);
	setenv("UV_THREADPOOL_SIZE", nthreads, 1);

	r = iter_new(cfg, err, sizeof(err));
	if (!r) {
		fprintf(stderr, "signet-resolver: %s\n", err);
		rc = 1;
		goto out;
	}
	rlog("signet-resolver %s: root hints %s, trust anchors %s, validation %s, upstream port %u",
	     SIGNET_VERSION, cfg->root_hints ? cfg->root_hints : "built in",
	     !cfg->validation ? "unused"
	     : cfg->anchor    ? cfg->anchor
	                      : "built in (IANA root)",
	     cfg->validation ? "on" : "off", cfg->upstream_port);
	rc = net_run(cfg, r);
out:
	iter_free(r);
	rcfg_free(cfg);
	return rc;
}
