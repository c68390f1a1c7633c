/* signet — the command-line tool. One file per subcommand (cmd_*.c);
 * this file only dispatches. */
#include <stdio.h>
#include <string.h>

#include "signet_config.h"
#include "tools/commands.h"

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{"zone", cmd_zone, "check or print a zone file"},
	{"keygen", cmd_keygen, "generate a DNSSEC key pair (BIND key files)"},
	{"sign", cmd_sign, "sign a zone file"},
	{"verify", cmd_verify, "verify a signed zone file"},
	{"ds", cmd_ds, "print DS records for a zone's KSKs"},
	{"query", cmd_query, "send a DNS query and print the response like dig"},
	{"trace", cmd_trace, "walk the chain of trust from the root and show every link"},
	{"ctl", cmd_ctl, "control a running signetd (reload, status)"},
};

static void usage(FILE *out)
{
	fprintf(out, "usage: signet [--version] [--help] COMMAND [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\nRun 'signet COMMAND --help' for a command's options.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 1;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("signet %s\n", SIGNET_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "signet: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 1;
}
