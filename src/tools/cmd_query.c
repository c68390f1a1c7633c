/* signet query — a small dig-like DNS client for tests and operators.
 *
 *   signet query [@SERVER] [-p PORT] [+dnssec] [+tcp] NAME [TYPE]
 *
 * Builds the query with the message writer, sends it over UDP (retrying
 * over TCP when the answer comes back truncated, like dig) or TCP, checks
 * that the reply matches (ID, question) and prints it in dig's layout
 * through sg_msg_to_text(). Exit codes follow dig where they can: 0 when a
 * response arrived whatever its RCODE, 9 when no server answered, 1 on
 * other errors, 2 on bad usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "signet/msg.h"
#include "signet/name.h"
#include "signet/rr.h"
#include "signet/util.h"
#include "signet_config.h"
#include "tools/commands.h"
#include "tools/common.h"
#include "tools/dnsclient.h"

#define EXIT_USAGE    2
#define EXIT_NOSERVER 9 /* dig's "no servers could be reached" */

#define DEFAULT_BUFSIZE 1232 /* DNS flag day 2020 */
#define RESOLV_CONF     "/etc/resolv.conf"

struct qopts {
	const char *server; /* as given (or from resolv.conf) */
	uint16_t port;
	uint8_t qname[SG_NAME_MAX];
	uint16_t qtype;
	uint16_t qclass;
	uint16_t bufsize;
	bool dnssec, tcp, cd, rd, ad, edns, nsid, brief, json, ignore_tc, cmd, stats;
	FILE *diag;          /* warnings and errors on the way: stdout like dig, stderr for +json */
	unsigned timeout_ms; /* per try */
	unsigned tries;      /* UDP attempts per server address */
};

/* The network side lives in tools/dnsclient.c (shared with `signet trace`). */

static void usage(FILE *out)
{
	fprintf(out,
	        "usage: signet query [@SERVER] [-p PORT] [-c CLASS] [-t TYPE] [+OPTIONS] NAME "
	        "[TYPE] "
	        "[CLASS]\n"
	        "\n"
	        "Sends one DNS query and prints the response in dig's layout.\n"
	        "\n"
	        "  @SERVER        server address (IPv4, IPv6 or host name); default: the first\n"
	        "                 nameserver in " RESOLV_CONF "\n"
	        "  -p PORT        server port (default 53)\n"
	        "  -c CLASS       query class (default IN)\n"
	        "  -t TYPE        query type (default A)\n"
	        "  +[no]dnssec    set the DO bit (EDNS) to ask for DNSSEC records\n"
	        "  +[no]tcp       use TCP (+vc is the same)\n"
	        "  +[no]cd        set CD (checking disabled)\n"
	        "  +[no]rec       set RD (default on; +norec for iterative queries)\n"
	        "  +[no]adflag    set AD in the query (default on, like dig)\n"
	        "  +[no]edns      send an OPT record (default on)\n"
	        "  +bufsize=N     EDNS UDP payload size (default %u)\n"
	        "  +[no]nsid      ask for the server's NSID\n"
	        "  +[no]short     print only the answer's RDATA\n"
	        "  +[no]json      print the response as one JSON object\n"
	        "  +[no]ignore    do not retry over TCP when the answer is truncated\n"
	        "  +[no]cmd       print the command-line banner (default on)\n"
	        "  +[no]stats     print the query time/server/size footer (default on)\n"
	        "  +timeout=S     seconds to wait for each try (default 5)\n"
	        "  +tries=N       UDP attempts (default 3); +retry=N is tries N+1\n"
	        "\n"
	        "Exit status: 0 a response arrived (whatever its RCODE), 9 no server answered,\n"
	        "1 other errors, 2 bad usage.\n",
	        DEFAULT_BUFSIZE);
}

/* ---- argument parsing ---------------------------------------------------- */

static int parse_uint(unsigned *out, const char *s, unsigned max)
{
	uint32_t v;
	if (!s || !*s || sg_parse_u32(&v, s, strlen(s), max) < 0)
		return -1;
	*out = v;
	return 0;
}

/* "+[no]NAME[=VALUE]". Returns 0, or -1 after printing why. */
static int parse_plus(struct qopts *o, const char *arg)
{
	static const struct {
		const char *name;
		size_t off;
	} flags[] = {
	        {"dnssec", offsetof(struct qopts, dnssec)},
	        {"tcp", offsetof(struct qopts, tcp)},
	        {"vc", offsetof(struct qopts, tcp)},
	        {"cd", offsetof(struct qopts, cd)},
	        {"cdflag", offsetof(struct qopts, cd)},
	        {"rec", offsetof(struct qopts, rd)},
	        {"recurse", offsetof(struct qopts, rd)},
	        {"adflag", offsetof(struct qopts, ad)},
	        {"edns", offsetof(struct qopts, edns)},
	        {"nsid", offsetof(struct qopts, nsid)},
	        {"short", offsetof(struct qopts, brief)},
	        {"json", offsetof(struct qopts, json)},
	        {"ignore", offsetof(struct qopts, ignore_tc)},
	        {"cmd", offsetof(struct qopts, cmd)},
	        {"stats", offsetof(struct qopts, stats)},
	};
	const char *s = arg + 1;
	bool on = true;
	if (!strncmp(s, "no", 2) && strcmp(s, "nsid") != 0 && strncmp(s, "nsid=", 5) != 0) {
		on = false;
		s += 2;
	}
	const char *eq = strchr(s, '=');
	size_t nlen = eq ? (size_t)(eq - s) : strlen(s);
	const char *val = eq ? eq + 1 : NULL;
	unsigned v;

#define IS(word) (nlen == strlen(word) && !strncmp(s, word, nlen))
	if (IS("bufsize")) {
		if (!on || parse_uint(&v, val, 65535) < 0)
			goto bad;
		o->bufsize = (uint16_t)v;
		o->edns = true;
		return 0;
	}
	if (IS("timeout") || IS("time")) {
		if (!on || parse_uint(&v, val, 3600) < 0)
			goto bad;
		o->timeout_ms = v ? v * 1000u : 1000u; /* dig: 0 means 1 s */
		return 0;
	}
	if (IS("tries") || IS("retry")) {
		if (!on || parse_uint(&v, val, 100) < 0)
			goto bad;
		o->tries = IS("retry") ? v + 1 : (v ? v : 1);
		return 0;
	}
	if (IS("edns") && val) { /* +edns=0: only version 0 exists */
		if (!on || parse_uint(&v, val, 0) < 0)
			goto bad;
		o->edns = true;
		return 0;
	}
	if (!val) {
		for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
			if (IS(flags[i].name)) {
				*(bool *)((char *)o + flags[i].off) = on;
				if (on && (IS("dnssec") || IS("nsid")))
					o->edns = true; /* DO and NSID live in the OPT RR */
				return 0;
			}
		}
	}
#undef IS
bad:
	tool_err("query", "invalid option '%s'", arg);
	return -1;
}

/* The first "nameserver" of resolv.conf, copied into buf; NULL if none. */
static const char *resolv_conf_server(char *buf, size_t cap)
{
	FILE *f = fopen(RESOLV_CONF, "r");
	if (!f)
		return NULL;
	char line[512];
	const char *found = NULL;
	for (unsigned n = 0; n < 1000 && fgets(line, sizeof(line), f); n++) {
		char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncmp(p, "nameserver", 10) != 0 || (p[10] != ' ' && p[10] != '\t'))
			continue;
		p += 10;
		while (*p == ' ' || *p == '\t')
			p++;
		size_t len = strcspn(p, " \t\r\n#;");
		if (len == 0 || len >= cap)
			continue;
		memcpy(buf, p, len);
		buf[len] = '\0';
		found = buf;
		break;
	}
	fclose(f);
	return found;
}

/* Parses argv into o. Returns 0 or EXIT_USAGE after printing why, or -1
 * for --help (already printed). */
static int parse_args(struct qopts *o, int argc, char **argv, char *nsbuf, size_t nscap)
{
	const char *name = NULL, *type = NULL, *class = NULL;
	unsigned v;
	*o = (struct qopts){
	        .port = 53,
	        .qtype = 1,
	        .qclass = 1,
	        .bufsize = DEFAULT_BUFSIZE,
	        .rd = true,
	        .ad = true,
	        .edns = true,
	        .cmd = true,
	        .stats = true,
	        .timeout_ms = 5000,
	        .tries = 3,
	};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return -1;
		}
		if (a[0] == '@' && a[1]) {
			o->server = a + 1;
		} else if (a[0] == '+' && a[1]) {
			if (parse_plus(o, a) < 0)
				return EXIT_USAGE;
		} else if (a[0] == '-' && a[1] && !a[2] && strchr("pctq", a[1])) {
			if (i + 1 >= argc) {
				tool_err("query", "option '%s' needs an argument", a);
				return EXIT_USAGE;
			}
			const char *val = argv[++i];
			if (a[1] == 'p') {
				if (parse_uint(&v, val, 65535) < 0 || v == 0) {
					tool_err("query", "bad port '%s'", val);
					return EXIT_USAGE;
				}
				o->port = (uint16_t)v;
			} else if (a[1] == 'c') {
				class = val;
			} else if (a[1] == 't') {
				type = val;
			} else {
				name = val;
			}
		} else if (a[0] == '-' && a[1]) {
			tool_err("query", "unknown option '%s'", a);
			return EXIT_USAGE;
		} else if (!name) {
			name = a;
		} else if (!type && sg_type_from_text(&o->qtype, a, strlen(a)) == SG_OK) {
			type = a;
		} else if (!class && sg_class_from_text(&o->qclass, a, strlen(a)) == SG_OK) {
			class = a;
		} else {
			tool_err("query", "unexpected argument '%s' (not a type or class)", a);
			return EXIT_USAGE;
		}
	}
	if (!name) {
		tool_err("query", "no NAME given (try --help)");
		return EXIT_USAGE;
	}
	size_t qlen;
	if (sg_name_from_text(o->qname, &qlen, name, strlen(name), sg_name_root) < 0) {
		tool_err("query", "bad name '%s'", name);
		return EXIT_USAGE;
	}
	if (type && sg_type_from_text(&o->qtype, type, strlen(type)) < 0) {
		tool_err("query", "bad type '%s'", type);
		return EXIT_USAGE;
	}
	if (class && sg_class_from_text(&o->qclass, class, strlen(class)) < 0) {
		tool_err("query", "bad class '%s'", class);
		return EXIT_USAGE;
	}
	if (o->dnssec && !o->edns) {
		tool_err("query", "+dnssec needs EDNS (drop +noedns)");
		return EXIT_USAGE;
	}
	o->diag = o->json ? stderr : stdout;
	if (!o->server)
		o->server = resolv_conf_server(nsbuf, nscap);
	if (!o->server)
		o->server = "127.0.0.1"; /* what dig and the resolver library fall back to */
	return 0;
}

/* ---- output -------------------------------------------------------------- */

static void print_banner(int argc, char **argv)
{
	printf("\n; <<>> signet %s <<>>", SIGNET_VERSION);
	for (int i = 1; i < argc; i++)
		printf(" %s", argv[i]);
	printf("\n;; global options: +cmd\n");
}

/* dig's layout: sg_msg_to_text() for the message, with dig's warning
 * about recursion after the flags line, then the statistics footer. */
static int print_full(const struct qopts *o, const tool_reply_t *r, const char *srv, bool tcp,
                      int64_t ms)
{
	sg_buf_t b;
	sg_buf_init(&b, 16u << 20);
	int e = sg_msg_to_text(&b, &r->msg);
	if (e == SG_OK)
		e = sg_buf_cstr(&b);
	if (e != SG_OK) {
		sg_buf_deinit(&b);
		tool_err("query", "cannot print the response: %s", sg_strerror(e));
		return 1;
	}
	const char *text = (const char *)b.data;
	const char *flags = strstr(text, "\n;; flags:");
	const char *eol = flags ? strchr(flags + 1, '\n') : NULL;
	printf(";; Got answer:\n");
	if (eol && (r->msg.flags & SG_MSG_RD) && !(r->msg.flags & SG_MSG_RA)) {
		fwrite(text, 1, (size_t)(eol + 1 - text), stdout);
		printf(";; WARNING: recursion requested but not available\n");
		fputs(eol + 1, stdout);
	} else {
		fputs(text, stdout);
	}
	sg_buf_deinit(&b);
	if (o->stats) {
		char when[64];
		time_t t = time(NULL);
		struct tm tm;
		if (!localtime_r(&t, &tm) ||
		    !strftime(when, sizeof(when), "%a %b %d %H:%M:%S %Z %Y", &tm))
			snprintf(when, sizeof(when), "?");
		printf(";; Query time: %lld msec\n", (long long)ms);
		printf(";; SERVER: %s(%s) (%s)\n", srv, o->server, tcp ? "TCP" : "UDP");
		printf(";; WHEN: %s\n", when);
		printf(";; MSG SIZE  rcvd: %zu\n\n", r->len);
	}
	return 0;
}

/* +short: the answer's RDATA, one record per line. */
static int print_short(const tool_reply_t *r)
{
	static char txt[4 * SG_RDATA_MAX + 64];
	for (size_t i = 0; i < r->msg.count[SG_SEC_ANSWER]; i++) {
		const sg_msg_rr_t *rr = &r->msg.rr[SG_SEC_ANSWER][i];
		if (sg_rdata_to_text(txt, sizeof(txt), rr->type, rr->rdata, rr->rdlen, 0) < 0) {
			tool_err("query", "cannot print a record");
			return 1;
		}
		printf("%s\n", txt);
	}
	return 0;
}

/* +json: one object; records carry their presentation-form RDATA. */
static int print_json(const tool_reply_t *r, const char *srv, bool tcp, int64_t ms)
{
	static const char *const flagname[] = {"qr", "aa", "tc", "rd", "ra", "ad", "cd"};
	static const uint16_t flagbit[] = {SG_MSG_QR, SG_MSG_AA, SG_MSG_TC, SG_MSG_RD,
	                                   SG_MSG_RA, SG_MSG_AD, SG_MSG_CD};
	static const char *const secname[] = {"question", "answer", "authority", "additional"};
	static char txt[4 * SG_RDATA_MAX + 64];
	const sg_msg_t *m = &r->msg;
	char n[SG_NAME_TEXT_MAX], tb[16], cb[16];
	const char *rc = sg_rcode_name(m->rcode);
	printf("{\"id\": %u, \"opcode\": %u, \"status\": ", m->id, m->opcode);
	if (rc)
		tool_json_str(rc);
	else
		printf("\"RCODE%u\"", m->rcode);
	printf(", \"flags\": [");
	for (size_t i = 0, k = 0; i < sizeof(flagbit) / sizeof(flagbit[0]); i++)
		if (m->flags & flagbit[i])
			printf("%s\"%s\"", k++ ? ", " : "", flagname[i]);
	printf("]");
	if (m->has_edns)
		printf(", \"edns\": {\"version\": %u, \"do\": %s, \"udp\": %u, \"ede\": [",
		       m->edns.version, (m->edns.flags & SG_EDNS_DO) ? "true" : "false",
		       m->edns.udp_size);
	for (size_t i = 0; m->has_edns && i < m->edns.nede; i++) {
		const sg_ede_t *d = &m->edns.ede[i];
		char t[256];
		size_t tl = d->text_len < sizeof(t) - 1 ? d->text_len : sizeof(t) - 1;
		memcpy(t, d->text, tl);
		t[tl] = '\0';
		printf("%s{\"code\": %u, \"text\": ", i ? ", " : "", d->info_code);
		tool_json_str(t);
		printf("}");
	}
	if (m->has_edns)
		printf("]}");
	for (int s = 0; s < 4; s++) {
		printf(", \"%s\": [", secname[s]);
		for (size_t i = 0; i < m->count[s]; i++) {
			const sg_msg_rr_t *rr = &m->rr[s][i];
			if (sg_name_to_text(n, sizeof(n), rr->owner) < 0 ||
			    (s && sg_rdata_to_text(txt, sizeof(txt), rr->type, rr->rdata, rr->rdlen,
			                           0) < 0)) {
				printf("]}\n");
				tool_err("query", "cannot print a record");
				return 1;
			}
			printf("%s{\"name\": ", i ? ", " : "");
			tool_json_str(n);
			printf(", \"class\": \"%s\", \"type\": \"%s\"",
			       sg_class_name(rr->rclass, cb), sg_type_name(rr->type, tb));
			if (s) {
				printf(", \"ttl\": %u, \"data\": ", rr->ttl);
				tool_json_str(txt);
			}
			printf("}");
		}
		printf("]");
	}
	printf(", \"server\": ");
	tool_json_str(srv);
	printf(", \"protocol\": \"%s\", \"query_time_ms\": %lld, \"size\": %zu}\n",
	       tcp ? "tcp" : "udp", (long long)ms, r->len);
	return 0;
}

/* ---- main ---------------------------------------------------------------- */

static int build_query(uint8_t *buf, size_t cap, size_t *len, const struct qopts *o, uint16_t id)
{
	sg_msgw_t w;
	uint16_t flags =
	        (o->rd ? SG_MSG_RD : 0) | (o->cd ? SG_MSG_CD : 0) | (o->ad ? SG_MSG_AD : 0);
	int e = sg_msgw_init(&w, buf, cap, id, flags, SG_OP_QUERY, SG_RC_NOERROR);
	if (e == SG_OK && o->edns)
		e = sg_msgw_edns(&w, o->bufsize, o->dnssec ? SG_EDNS_DO : 0, 0);
	if (e == SG_OK && o->nsid)
		e = sg_msgw_edns_opt(&w, SG_EDNS_NSID, NULL, 0);
	if (e == SG_OK)
		e = sg_msgw_question(&w, o->qname, o->qtype, o->qclass);
	if (e == SG_OK)
		e = sg_msgw_finish(&w, len);
	return e;
}

int cmd_query(int argc, char **argv)
{
	struct qopts o;
	char nsbuf[256];
	int rc = parse_args(&o, argc, argv, nsbuf, sizeof(nsbuf));
	if (rc)
		return rc < 0 ? 0 : rc;

	char portstr[8];
	snprintf(portstr, sizeof(portstr), "%u", o.port);
	struct addrinfo hints = {
	        .ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM, .ai_flags = AI_NUMERICSERV};
	struct addrinfo *ai = NULL;
	int gai = getaddrinfo(o.server, portstr, &hints, &ai);
	if (gai != 0) {
		tool_err("query", "couldn't get address for '%s': %s", o.server, gai_strerror(gai));
		return 1;
	}

	uint16_t id;
	uint8_t q[512];
	size_t qlen = 0;
	tool_reply_t *r = malloc(sizeof(*r));
	sg_arena_t *arena = sg_arena_new(0, 8u << 20);
	rc = 1;
	if (!r || !arena) {
		tool_err("query", "out of memory");
		goto out;
	}
	if (getrandom(&id, sizeof(id), 0) != (ssize_t)sizeof(id)) {
		tool_err("query", "getrandom: %s", strerror(errno));
		goto out;
	}
	int e = build_query(q, sizeof(q), &qlen, &o, id);
	if (e != SG_OK) {
		tool_err("query", "cannot build the query: %s", sg_strerror(e));
		goto out;
	}

	tool_xq_t xq = {.qname = o.qname, .qtype = o.qtype, .qclass = o.qclass,
	                .timeout_ms = o.timeout_ms, .diag = o.diag};
	bool got = false, tcp = o.tcp;
	char srv[NI_MAXHOST + NI_MAXSERV + 2] = "";
	int64_t ms = 0;
	for (struct addrinfo *a = ai; a && !got; a = a->ai_next) {
		tool_addr_text(srv, sizeof(srv), a->ai_addr, a->ai_addrlen);
		tcp = o.tcp;
		for (unsigned t = 0; t < o.tries && !got; t++) {
			int64_t t0 = sg_dnsx_now_ms();
			enum tool_xr x = tcp ? tool_exchange_tcp(r, &xq, a->ai_addr, a->ai_addrlen, q,
			                                         qlen, id, arena)
			                     : tool_exchange_udp(r, &xq, a->ai_addr, a->ai_addrlen, q,
			                                         qlen, id, arena);
			ms = sg_dnsx_now_ms() - t0;
			if (x == TOOL_XR_OK && !tcp && (r->msg.flags & SG_MSG_TC) && !o.ignore_tc) {
				/* RFC 7766 §5: a truncated UDP answer is retried over TCP. */
				if (!o.brief && !o.json)
					printf(";; Truncated, retrying in TCP mode.\n");
				tcp = true;
				t--; /* the TCP attempt does not use up a try */
				continue;
			}
			if (x == TOOL_XR_OK) {
				got = true;
				break;
			}
			if (x == TOOL_XR_BAD)
				fprintf(o.diag, ";; Warning: %s from %s\n", r->why, srv);
			else
				fprintf(o.diag, ";; communications error to %s: %s\n", srv, r->why);
		}
	}
	if (!o.brief && !o.json && o.cmd)
		print_banner(argc, argv);
	if (!got) {
		fprintf(o.diag, ";; no servers could be reached\n");
		rc = EXIT_NOSERVER;
		goto out;
	}
	if (o.json)
		rc = print_json(r, srv, tcp, ms);
	else if (o.brief)
		rc = print_short(r);
	else
		rc = print_full(&o, r, srv, tcp, ms);
out:
	fflush(stdout);
	freeaddrinfo(ai);
	sg_arena_free(arena);
	free(r);
	return rc;
}
