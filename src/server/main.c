/* signetd — the authoritative server that keeps its zones signed.
 * See docs/user/signetd.md. */
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/autosign.h"
#include "server/config.h"
#include "server/server.h"
#include "signet_config.h"

#define MAX_ARGS 256

static void usage(FILE *out)
{
	fprintf(out,
	        "usage: signetd [-c FILE] [--listen ADDR@PORT ...] [--zone NAME=FILE ...]\n"
	        "               [--key-dir DIR] [--control PATH]\n"
	        "\n"
	        "Serves zones over UDP and TCP, signing them by itself when they have a key\n"
	        "directory. Runs in the foreground and logs to stderr. SIGHUP reloads the\n"
	        "configuration and every zone; SIGTERM or SIGINT stops.\n"
	        "\n"
	        "  -c, --config FILE        YAML configuration (see docs/user/signetd.md)\n"
	        "  -l, --listen ADDR@PORT   serve on this address (IPv6 as ::1@5353); repeatable;\n"
	        "                           replaces the configuration's listen list\n"
	        "  -z, --zone NAME=FILE     serve zone NAME from FILE; repeatable\n"
	        "  -K, --key-dir DIR        sign the --zone zones with the keys in DIR (created\n"
	        "                           there when missing)\n"
	        "      --control PATH       UNIX socket for \"reload\" and \"status\" (signet ctl)\n"
	        "      --print-config-schema  print every configuration option (Markdown) and "
	        "exit\n"
	        "  -h, --help               show this help\n"
	        "  -V, --version            show the version\n");
}

/* The command line, kept to build the configuration again on reload. */
static struct {
	const char *config;
	const char *listen[MAX_ARGS];
	size_t nlisten;
	const char *zones[MAX_ARGS];
	size_t nzones;
	const char *key_dir;
	const char *control;
} A;

/* Builds the configuration from the file and the command line. Returns
 * NULL with err set. */
static cfg_t *build_config(char *err, size_t errcap)
{
	cfg_t *c = cfg_new();
	if (!c) {
		snprintf(err, errcap, "out of memory");
		return NULL;
	}
	if (A.config && cfg_load_file(c, A.config, err, errcap) < 0)
		goto fail;
	for (size_t i = 0; i < A.nlisten; i++)
		if (cfg_add_listen(c, A.listen[i], i == 0, err, errcap) < 0)
			goto fail;
	for (size_t i = 0; i < A.nzones; i++)
		if (cfg_add_zone(c, A.zones[i], A.key_dir, err, errcap) < 0)
			goto fail;
	if (A.control) {
		free(c->control);
		c->control = strdup(A.control);
	}
	if (cfg_check(c, err, errcap) < 0)
		goto fail;
	return c;
fail:
	cfg_free(c);
	return NULL;
}

static cfg_t *reload_config(char *err, size_t errcap)
{
	cfg_t *c = build_config(err, errcap);
	if (!c)
		sd_log("error: reload: %s", err);
	return c;
}

int main(int argc, char **argv)
{
	enum { OPT_CONTROL = 256, OPT_SCHEMA };
	static const struct option opts[] = {
	        {"config", required_argument, NULL, 'c'},
	        {"listen", required_argument, NULL, 'l'},
	        {"zone", required_argument, NULL, 'z'},
	        {"key-dir", required_argument, NULL, 'K'},
	        {"control", required_argument, NULL, OPT_CONTROL},
	        {"print-config-schema", no_argument, NULL, OPT_SCHEMA},
	        {"help", no_argument, NULL, 'h'},
	        {"version", no_argument, NULL, 'V'},
	        {NULL, 0, NULL, 0},
	};
	int c;
	while ((c = getopt_long(argc, argv, "c:l:z:K:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			A.config = optarg;
			break;
		case 'l':
		case 'z': {
			const char **v = c == 'l' ? A.listen : A.zones;
			size_t *n = c == 'l' ? &A.nlisten : &A.nzones;
			if (*n >= MAX_ARGS) {
				fprintf(stderr, "signetd: too many --%s options\n",
				        c == 'l' ? "listen" : "zone");
				return 2;
			}
			v[(*n)++] = optarg;
			break;
		}
		case 'K':
			A.key_dir = optarg;
			break;
		case OPT_CONTROL:
			A.control = optarg;
			break;
		case OPT_SCHEMA:
			cfg_print_schema(stdout);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("signetd %s\n", SIGNET_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "signetd: unexpected argument \"%s\"\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (A.key_dir && A.nzones == 0) {
		fprintf(stderr, "signetd: --key-dir applies to --zone zones; none given\n");
		return 2;
	}
	/* Bad --listen/--zone values are usage errors (2); a bad file is 1. */
	char err[1024];
	cfg_t *probe = cfg_new();
	if (!probe)
		return 1;
	for (size_t i = 0; i < A.nlisten; i++)
		if (cfg_add_listen(probe, A.listen[i], i == 0, err, sizeof(err)) < 0) {
			fprintf(stderr, "signetd: %s\n", err);
			cfg_free(probe);
			return 2;
		}
	for (size_t i = 0; i < A.nzones; i++)
		if (cfg_add_zone(probe, A.zones[i], A.key_dir, err, sizeof(err)) < 0) {
			fprintf(stderr, "signetd: %s\n", err);
			cfg_free(probe);
			return 2;
		}
	cfg_free(probe);

	cfg_t *cfg = build_config(err, sizeof(err));
	if (!cfg) {
		fprintf(stderr, "signetd: %s\n", err);
		return 1;
	}
	if (cfg->nzones == 0)
		sd_log("warning: no zones configured (every query is refused)");
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN); /* until the loop handles it: start-up signing may take long */
	sd_log("signetd %s starting", SIGNET_VERSION);
	if (server_start(cfg) < 0) {
		cfg_free(cfg);
		return 1;
	}
	if (zm_start(cfg, reload_config) < 0) { /* takes cfg */
		sd_log("error: start-up failed");
		return 1;
	}
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	int r = zm_thread_start();
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r < 0) {
		sd_log("error: cannot start the signing thread");
		return 1;
	}
	int rc = server_run();
	zm_stop();
	sd_log("stopped");
	return rc;
}
