/* signet ctl — talks to a running signetd over its control socket: one
 * command line out, the server's text back. See docs/user/signet-ctl.md.
 *
 * Exit codes: 0 the server did it, 1 the server reported a failure (a
 * line starting "error:", e.g. a zone that did not load), 2 usage, 3 no
 * conversation with the server (no socket, refused, timeout, cut off). */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "tools/commands.h"

#define CTL_REPLY_MAX (1u << 20) /* signetd's status text is bounded the same way */
#define EXIT_FAILED   1
#define EXIT_USAGE    2
#define EXIT_NOSERVER 3

static void usage(FILE *out)
{
	fprintf(out,
	        "usage: signet ctl [-s PATH] [-t SECONDS] reload|status\n"
	        "\n"
	        "Sends a command to signetd's control socket (signetd --control PATH, or\n"
	        "control: in its configuration) and prints the answer.\n"
	        "\n"
	        "  reload   read the configuration and every zone again (like SIGHUP) and\n"
	        "           wait until done; a zone that fails to load keeps its old version\n"
	        "           in service and is reported\n"
	        "  status   one line per zone: serial, signed or not, next re-signing\n"
	        "\n"
	        "  -s, --socket PATH    the control socket (default: $SIGNETD_CONTROL; signetd\n"
	        "                       has no default socket, so one of the two is needed)\n"
	        "  -t, --timeout SECS   how long to wait for the answer (default: 10 for status,\n"
	        "                       600 for reload, which may re-sign zones)\n"
	        "  -h, --help           show this help\n"
	        "\n"
	        "Exit status: 0 done, 1 the server reported a failure, 2 usage error,\n"
	        "3 cannot reach the server (no socket, refused, no answer in time).\n");
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Connects to path; returns the socket or -1 after printing why. */
static int ctl_connect(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	size_t n = strlen(path);
	if (n == 0 || n >= sizeof(sa.sun_path)) {
		fprintf(stderr, "signet ctl: socket path \"%s\" is %s\n", path,
		        n ? "too long for a UNIX socket" : "empty");
		return -1;
	}
	memcpy(sa.sun_path, path, n + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "signet ctl: socket: %s\n", strerror(errno));
		return -1;
	}
	if (connect(fd, (const struct sockaddr *)&sa, sizeof(sa)) == 0)
		return fd;
	int e = errno;
	close(fd);
	if (e == ENOENT)
		fprintf(stderr,
		        "signet ctl: no control socket at %s (is signetd running with --control "
		        "%s?)\n",
		        path, path);
	else if (e == ECONNREFUSED)
		fprintf(stderr,
		        "signet ctl: %s: connection refused (signetd is not running; the socket is "
		        "stale)\n",
		        path);
	else if (e == ENOTSOCK)
		fprintf(stderr, "signet ctl: %s is not a socket\n", path);
	else
		fprintf(stderr, "signet ctl: %s: %s\n", path, strerror(e));
	return -1;
}

/* Writes all of buf before the deadline. Returns 0 or -1 after printing why. */
static int send_all(int fd, const char *buf, size_t len, int64_t deadline)
{
	while (len) {
		struct pollfd p = {.fd = fd, .events = POLLOUT};
		int64_t left = deadline - now_ms();
		if (left <= 0 || poll(&p, 1, (int)(left > 1000000 ? 1000000 : left)) == 0) {
			fprintf(stderr,
			        "signet ctl: signetd does not take the command (timeout)\n");
			return -1;
		}
		ssize_t w = send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			fprintf(stderr, "signet ctl: sending the command: %s\n", strerror(errno));
			return -1;
		}
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Reads until the server closes the connection (it answers once, then
 * closes). Returns the text (caller frees) or NULL after printing why. */
static char *read_reply(int fd, int64_t deadline, unsigned timeout_s)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	if (!buf) {
		fprintf(stderr, "signet ctl: out of memory\n");
		return NULL;
	}
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int64_t left = deadline - now_ms();
		int r = left > 0 ? poll(&p, 1, (int)(left > 1000000 ? 1000000 : left)) : 0;
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0) {
			fprintf(stderr, "signet ctl: no answer from signetd within %u s%s\n",
			        timeout_s, len ? " (answer incomplete)" : "");
			goto fail;
		}
		if (len + 1 >= cap) {
			if (cap >= CTL_REPLY_MAX) {
				fprintf(stderr, "signet ctl: answer longer than %u octets\n",
				        CTL_REPLY_MAX);
				goto fail;
			}
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				fprintf(stderr, "signet ctl: out of memory\n");
				goto fail;
			}
			buf = nb;
			cap *= 2;
		}
		ssize_t n = recv(fd, buf + len, cap - 1 - len, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			fprintf(stderr, "signet ctl: reading the answer: %s\n", strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len == 0) {
		fprintf(stderr, "signet ctl: signetd closed the connection without an answer\n");
		goto fail;
	}
	buf[len] = 0;
	return buf;
fail:
	free(buf);
	return NULL;
}

/* Prints the answer: "error:" lines on stderr, the rest on stdout.
 * Returns whether any line reported an error. */
static int print_reply(char *text)
{
	int failed = 0;
	for (char *line = text; *line;) {
		char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);
		int err = !strncmp(line, "error:", 6);
		failed |= err;
		fprintf(err ? stderr : stdout, "%.*s\n", (int)n, line);
		line += n + (nl ? 1 : 0);
	}
	return failed;
}

int cmd_ctl(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"socket", required_argument, NULL, 's'},
	        {"timeout", required_argument, NULL, 't'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	const char *path = NULL;
	long timeout = -1;
	int c;
	while ((c = getopt_long(argc, argv, "s:t:h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			path = optarg;
			break;
		case 't': {
			char *end;
			errno = 0;
			timeout = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || timeout < 1 || timeout > 86400) {
				fprintf(stderr,
				        "signet ctl: bad --timeout \"%s\" (seconds, 1 to 86400)\n",
				        optarg);
				return EXIT_USAGE;
			}
			break;
		}
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "signet ctl: %s\n",
		        optind == argc ? "which command? (reload or status)"
		                       : "one command at a time");
		usage(stderr);
		return EXIT_USAGE;
	}
	const char *cmd = argv[optind];
	if (strcmp(cmd, "reload") && strcmp(cmd, "status")) {
		fprintf(stderr, "signet ctl: unknown command \"%s\" (reload or status)\n", cmd);
		return EXIT_USAGE;
	}
	if (!path)
		path = getenv("SIGNETD_CONTROL");
	if (!path || !*path) {
		fprintf(stderr, "signet ctl: no control socket: give --socket PATH or set "
		                "SIGNETD_CONTROL\n");
		return EXIT_USAGE;
	}
	if (timeout < 0)
		timeout = !strcmp(cmd, "reload") ? 600 : 10;

	int fd = ctl_connect(path);
	if (fd < 0)
		return EXIT_NOSERVER;
	int64_t deadline = now_ms() + timeout * 1000;
	char line[32];
	int n = snprintf(line, sizeof(line), "%s\n", cmd);
	char *reply = NULL;
	if (send_all(fd, line, (size_t)n, deadline) == 0)
		reply = read_reply(fd, deadline, (unsigned)timeout);
	close(fd);
	if (!reply)
		return EXIT_NOSERVER;
	int failed = print_reply(reply);
	free(reply);
	return failed ? EXIT_FAILED : 0;
}
