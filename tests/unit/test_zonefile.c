/* Tests of the master-file scanner: good inputs record by record, $INCLUDE
 * with real files, $GENERATE as BIND documents it, the broken-zone corpus
 * (tests/data/zones/bad/NAME.zone + NAME.expect, no C change per case) and
 * the real root zones. */
#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "signet/rr.h"
#include "signet/zonefile.h"

#define MAXREC 64
#define MAXERR 256

/* What the callbacks saw. */
struct seen {
	size_t nrec;
	struct {
		uint8_t owner[SG_NAME_MAX];
		uint32_t ttl;
		uint16_t rclass, type;
		uint16_t rdlen;
		uint8_t rdata[1024];
		unsigned line;
		char file[256];
	} rec[MAXREC];
	size_t nerr;
	char err[MAXERR][300];
	size_t total;    /* records counted beyond MAXREC too */
	int stop_after;  /* >0: return SG_EEXIST at that record */
};

static const char *base(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static void on_error(void *ctx, const char *file, unsigned line, const char *msg)
{
	struct seen *s = ctx;
	if (s->nerr < MAXERR)
		snprintf(s->err[s->nerr], sizeof(s->err[0]), "%s:%u: %s", base(file), line, msg);
	s->nerr++;
}

static int on_record(void *ctx, const sg_rr_t *rr, const char *file, unsigned line)
{
	struct seen *s = ctx;
	s->total++;
	if (s->stop_after && s->total == (size_t)s->stop_after)
		return SG_EEXIST;
	if (s->nrec >= MAXREC)
		return SG_OK;
	size_t i = s->nrec++;
	sg_name_copy(s->rec[i].owner, rr->owner);
	s->rec[i].ttl = rr->ttl;
	s->rec[i].rclass = rr->rclass;
	s->rec[i].type = rr->type;
	s->rec[i].rdlen = rr->rdlen;
	assert_true(rr->rdlen <= sizeof(s->rec[i].rdata));
	memcpy(s->rec[i].rdata, rr->rdata, rr->rdlen);
	s->rec[i].line = line;
	snprintf(s->rec[i].file, sizeof(s->rec[i].file), "%s", base(file));
	return SG_OK;
}

static const uint8_t *wname(const char *text)
{
	static uint8_t buf[4][SG_NAME_MAX];
	static int k;
	size_t len;
	uint8_t *b = buf[k++ & 3];
	assert_int_equal(sg_name_from_text(b, &len, text, strlen(text), NULL), SG_OK);
	return b;
}

static int parse(struct seen *s, const char *text, const char *origin, sg_zparse_opts_t *o)
{
	sg_zparse_opts_t def = {0};
	if (!o)
		o = &def;
	o->origin = origin ? wname(origin) : NULL;
	o->error = on_error;
	o->record = on_record;
	o->ctx = s;
	memset(s, 0, offsetof(struct seen, stop_after));
	return sg_zonefile_parse_mem(text, strlen(text), "inline.zone", o, NULL);
}

/* Expected RDATA as space-separated parts: hex octets, or n:NAME for a
 * name's wire form (built with sg_name_from_text, not the RDATA parser). */
static size_t build_rdata(uint8_t *dst, size_t cap, const char *spec)
{
	size_t o = 0;
	const char *p = spec;
	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		const char *e = strchr(p, ' ');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len > 2 && p[0] == 'n' && p[1] == ':') {
			size_t nl;
			assert_int_equal(sg_name_from_text(dst + o, &nl, p + 2, len - 2, NULL), SG_OK);
			o += nl;
		} else {
			assert_true(len % 2 == 0);
			for (size_t i = 0; i < len; i += 2) {
				unsigned v;
				char h[3] = {p[i], p[i + 1], 0};
				assert_int_equal(sscanf(h, "%x", &v), 1);
				assert_true(o < cap);
				dst[o++] = (uint8_t)v;
			}
		}
		p += len;
	}
	return o;
}

static void check_rec(const struct seen *s, size_t i, const char *owner, uint32_t ttl,
		      uint16_t rclass, uint16_t type, const char *rdata)
{
	char got[SG_NAME_TEXT_MAX];
	assert_true(i < s->nrec);
	assert_true(sg_name_to_text(got, sizeof(got), s->rec[i].owner) > 0);
	if (!sg_name_equal(s->rec[i].owner, wname(owner)) || strcmp(got, owner) != 0)
		fail_msg("record %zu: owner %s, expected %s", i, got, owner);
	assert_int_equal(s->rec[i].ttl, ttl);
	assert_int_equal(s->rec[i].rclass, rclass);
	assert_int_equal(s->rec[i].type, type);
	uint8_t want[1024];
	size_t wl = build_rdata(want, sizeof(want), rdata);
	assert_int_equal(s->rec[i].rdlen, wl);
	assert_memory_equal(s->rec[i].rdata, want, wl);
}

static void print_errors(const struct seen *s)
{
	for (size_t i = 0; i < s->nerr && i < MAXERR; i++)
		print_message("  error: %s\n", s->err[i]);
}

#define IN SG_C_IN
#define SOA_RD(min) "n:ns.example.com. n:hm.example.com. 00000001 00000e10 00000384 00093a80 " min

/* ---- good inputs ---------------------------------------------------------- */

static void syntax_basic(void **state)
{
	(void)state;
	struct seen s = {.stop_after = 0};
	const char *z = "$ORIGIN example.com.\n"
			"$TTL 1h\n"
			"@\tIN\tSOA\tns hm ( 1 ; serial\n"
			"\t\t1h 15m 1w 30 )\n"
			"\tNS\tns\n"
			"ns 300 A 192.0.2.1\n"
			"www IN 3600 A 192.0.2.2\n"
			"www 1h30m IN AAAA 2001:db8::1\n"
			"  ; a comment line\n"
			"\n"
			"mail.example.com. IN MX 10 mail ; trailing comment\n"
			"txt TXT \"a \\\"quoted\\\" ; string\" plain\n"
			"esc\\.dot A 192.0.2.3\n"
			"\\065bc A 192.0.2.4\n"
			"x    A    ( 192.0.2.5 )\n"
			"$ORIGIN sub\n"
			"y A 192.0.2.6\n"
			"@ A 192.0.2.7\n"
			"z.example.org. CH A 192.0.2.8\n"
			"  A 192.0.2.9";
	int rc = parse(&s, z, NULL, NULL);
	print_errors(&s);
	assert_int_equal(rc, SG_OK);
	assert_int_equal(s.nerr, 0);
	assert_int_equal(s.nrec, 14);
	size_t i = 0;
	check_rec(&s, i++, "example.com.", 3600, IN, SG_T_SOA, SOA_RD("0000001e"));
	check_rec(&s, i++, "example.com.", 3600, IN, SG_T_NS, "n:ns.example.com.");
	check_rec(&s, i++, "ns.example.com.", 300, IN, SG_T_A, "c0000201");
	check_rec(&s, i++, "www.example.com.", 3600, IN, SG_T_A, "c0000202");
	check_rec(&s, i++, "www.example.com.", 5400, IN, SG_T_AAAA,
		  "20010db8000000000000000000000001");
	check_rec(&s, i++, "mail.example.com.", 3600, IN, SG_T_MX, "000a n:mail.example.com.");
	check_rec(&s, i++, "txt.example.com.", 3600, IN, SG_T_TXT,
		  "13 61 20 22 71756f746564 22 20 3b 20 737472696e67 05 706c61696e");
	check_rec(&s, i++, "esc\\.dot.example.com.", 3600, IN, SG_T_A, "c0000203");
	check_rec(&s, i++, "Abc.example.com.", 3600, IN, SG_T_A, "c0000204");
	check_rec(&s, i++, "x.example.com.", 3600, IN, SG_T_A, "c0000205");
	check_rec(&s, i++, "y.sub.example.com.", 3600, IN, SG_T_A, "c0000206");
	check_rec(&s, i++, "sub.example.com.", 3600, IN, SG_T_A, "c0000207");
	check_rec(&s, i++, "z.example.org.", 3600, SG_C_CH, SG_T_A, "c0000208");
	/* omitted class: the previous record's */
	check_rec(&s, i++, "z.example.org.", 3600, SG_C_CH, SG_T_A, "c0000209");
	/* lines are where each record starts */
	assert_int_equal(s.rec[0].line, 3);
	assert_int_equal(s.rec[1].line, 5);
	assert_int_equal(s.rec[5].line, 11);
	assert_int_equal(s.rec[13].line, 20);
	assert_string_equal(s.rec[0].file, "inline.zone");
}

static void syntax_crlf_tabs_spacing(void **state)
{
	(void)state;
	struct seen s = {.stop_after = 0};
	const char *z = "$TTL 60\r\n"
			"a\t\t  IN\t A\t 10.0.0.1   \r\n"
			"\r\n"
			"   \t\r\n"
			"b IN TXT \"x\r\ny\"\r\n" /* NSD accepts a line break inside quotes */
			"\t( AAAA\r\n"
			"  ::1 )\r\n"
			"c.example.com. MX ( 5\r\n  b )\r\n"
			"d A 10.0.0.2 ; no newline at the end";
	int rc = parse(&s, z, "example.com.", NULL);
	print_errors(&s);
	assert_int_equal(rc, SG_OK);
	assert_int_equal(s.nrec, 5);
	check_rec(&s, 0, "a.example.com.", 60, IN, SG_T_A, "0a000001");
	check_rec(&s, 1, "b.example.com.", 60, IN, SG_T_TXT, "04 78 0d0a 79");
	check_rec(&s, 2, "b.example.com.", 60, IN, SG_T_AAAA, "00000000000000000000000000000001");
	check_rec(&s, 3, "c.example.com.", 60, IN, SG_T_MX, "0005 n:b.example.com.");
	check_rec(&s, 4, "d.example.com.", 60, IN, SG_T_A, "0a000002");
	assert_int_equal(s.rec[1].line, 5);
	assert_int_equal(s.rec[2].line, 7);
	assert_int_equal(s.rec[3].line, 9);
	assert_int_equal(s.rec[4].line, 11);
}

static void syntax_ttl_defaults(void **state)
{
	(void)state;
	struct seen s = {.stop_after = 0};
	/* no $TTL: the SOA's MINIMUM, then the previous record's TTL */
	const char *z = "@ IN SOA ns hm 1 3600 900 604800 120\n"
			"a A 10.0.0.1\n"
			"b 77 A 10.0.0.2\n"
			"c A 10.0.0.3\n"
			"$TTL 2d\n"
			"d A 10.0.0.4\n"
			"e 5 A 10.0.0.5\n"
			"f A 10.0.0.6\n";
	assert_int_equal(parse(&s, z, "example.com.", NULL), SG_OK);
	assert_int_equal(s.nrec, 7);
	check_rec(&s, 0, "example.com.", 120, IN, SG_T_SOA, SOA_RD("00000078"));
	check_rec(&s, 1, "a.example.com.", 120, IN, SG_T_A, "0a000001");
	check_rec(&s, 2, "b.example.com.", 77, IN, SG_T_A, "0a000002");
	check_rec(&s, 3, "c.example.com.", 77, IN, SG_T_A, "0a000003");
	check_rec(&s, 4, "d.example.com.", 172800, IN, SG_T_A, "0a000004");
	check_rec(&s, 5, "e.example.com.", 5, IN, SG_T_A, "0a000005");
	check_rec(&s, 6, "f.example.com.", 172800, IN, SG_T_A, "0a000006");

	/* nothing to take a TTL from */
	assert_int_equal(parse(&s, "a A 10.0.0.1\nb 9 A 10.0.0.2\nc A 10.0.0.3\n", "example.com.",
			       NULL),
			 SG_ESYNTAX);
	assert_int_equal(s.nerr, 1);
	assert_string_equal(s.err[0], "inline.zone:1: no TTL specified and no $TTL");
	assert_int_equal(s.nrec, 2);
	check_rec(&s, 1, "c.example.com.", 9, IN, SG_T_A, "0a000003");
}

static void syntax_class_defaults(void **state)
{
	(void)state;
	struct seen s = {.stop_after = 0};
	sg_zparse_opts_t o = {.default_class = SG_C_CH};
	assert_int_equal(parse(&s, "$TTL 1\na A 10.0.0.1\nb IN A 10.0.0.2\nc A 10.0.0.3\n"
				   "d 5 CLASS4 A 10.0.0.4\n",
			       "example.com.", &o),
			 SG_OK);
	assert_int_equal(s.nrec, 4);
	assert_int_equal(s.rec[0].rclass, SG_C_CH);
	assert_int_equal(s.rec[1].rclass, SG_C_IN);
	assert_int_equal(s.rec[2].rclass, SG_C_IN);
	assert_int_equal(s.rec[3].rclass, SG_C_HS);
	assert_int_equal(s.rec[3].ttl, 5);
	/* default_class 0 means IN */
	assert_int_equal(parse(&s, "$TTL 1\na A 10.0.0.1\n", "example.com.", NULL), SG_OK);
	assert_int_equal(s.rec[0].rclass, SG_C_IN);
}

static void syntax_no_origin(void **state)
{
	(void)state;
	struct seen s = {.stop_after = 0};
	int rc = parse(&s, "$TTL 1\nwww A 10.0.0.1\nwww.example. A 10.0.0.2\n@ A 10.0.0.3\n"
			   "x.example. NS relative\n",
		       NULL, NULL);
	assert_int_equal(rc, SG_ESYNTAX);
	assert_int_equal(s.nrec, 1);
	check_rec(&s, 0, "www.example.", 1, IN, SG_T_A, "0a000002");
	assert_true(s.nerr == 3);
	assert_string_equal(s.err[0],
			    "inline.zone:2: bad owner name \"www\": relative name and no $ORIGIN");
	assert_string_equal(s.err[1],
			    "inline.zone:4: bad owner name \"@\": relative name and no $ORIGIN");
	/* the third comes from the RDATA parser; only its line is ours */
	assert_true(strncmp(s.err[2], "inline.zone:5: ", 15) == 0);
}

/* With no origin, the first SOA's owner becomes the origin: for the SOA's
 * own RDATA and for the relative names after it, not for those before. */
static void syntax_origin_from_soa(void **state)
{
	(void)state;
	struct seen s = {.stop_after = 0};
	int rc = parse(&s, "$TTL 1\nearly A 10.0.0.9\n"
			   "example. SOA ns1 host 1 2 3 4 5\nwww A 10.0.0.1\n@ A 10.0.0.2\n",
		       NULL, NULL);
	assert_int_equal(rc, SG_ESYNTAX);
	assert_int_equal(s.nerr, 1);
	assert_string_equal(s.err[0],
			    "inline.zone:2: bad owner name \"early\": relative name and no $ORIGIN");
	assert_int_equal(s.nrec, 3);
	check_rec(&s, 1, "www.example.", 1, IN, SG_T_A, "0a000001");
	check_rec(&s, 2, "example.", 1, IN, SG_T_A, "0a000002");
}

static void syntax_owner_reuse(void **state)
{
	(void)state;
	struct seen s = {.stop_after = 0};
	/* the repeated owner text must follow an $ORIGIN change */
	assert_int_equal(parse(&s, "$TTL 1\nwww A 10.0.0.1\nwww A 10.0.0.2\n$ORIGIN b.\nwww A 10.0.0.3\n"
				   "  A 10.0.0.4\n",
			       "a.", NULL),
			 SG_OK);
	assert_int_equal(s.nrec, 4);
	check_rec(&s, 1, "www.a.", 1, IN, SG_T_A, "0a000002");
	check_rec(&s, 2, "www.b.", 1, IN, SG_T_A, "0a000003");
	check_rec(&s, 3, "www.b.", 1, IN, SG_T_A, "0a000004");
}

static void limits_and_stop(void **state)
{
	(void)state;
	struct seen s = {.stop_after = 0};
	sg_zparse_opts_t o = {.max_errors = 3};
	assert_int_equal(parse(&s, "$TTL 1\na AAA 1\nb AAA 1\nc A 10.0.0.1\nd AAA 1\ne AAA 1\n",
			       "x.", &o),
			 SG_ELIMIT);
	assert_int_equal(s.nerr, 3);
	assert_int_equal(s.nrec, 1);
	assert_string_equal(s.err[2], "inline.zone:5: unknown type \"AAA\"");

	/* the callback's code stops the scan and is returned */
	memset(&o, 0, sizeof(o));
	s.stop_after = 2;
	assert_int_equal(parse(&s, "$TTL 1\na A 10.0.0.1\nb A 10.0.0.2\nc A 10.0.0.3\n", "x.", &o),
			 SG_EEXIST);
	assert_int_equal(s.total, 2);
	s.stop_after = 0;

	/* an absurdly long token is an error, not a crash */
	size_t big = (1u << 20) + 100;
	char *z = malloc(big + 32);
	if (!z) {
		fail();
		return;
	}
	memcpy(z, "$TTL 1\na TXT ", 13);
	memset(z + 13, 'x', big);
	memcpy(z + 13 + big, "\nb A 10.0.0.1\n", 15);
	o.error = on_error;
	o.record = on_record;
	o.ctx = &s;
	o.origin = wname("x.");
	memset(&s, 0, sizeof(s));
	assert_int_equal(sg_zonefile_parse_mem(z, strlen(z), "long.zone", &o, NULL), SG_ESYNTAX);
	assert_int_equal(s.nerr, 1);
	assert_string_equal(s.err[0], "long.zone:2: token too long");
	assert_int_equal(s.nrec, 1);
	free(z);

	/* empty input and a NUL byte */
	assert_int_equal(sg_zonefile_parse_mem("", 0, "e", &o, NULL), SG_OK);
	assert_int_equal(sg_zonefile_parse_mem(NULL, 0, "e", &o, NULL), SG_OK);
	/* a NUL byte is an ordinary octet of a label */
	memset(&s, 0, sizeof(s));
	assert_int_equal(sg_zonefile_parse_mem("a\0b 1 A 1.2.3.4\n", 16, "nul", &o, NULL), SG_OK);
	assert_int_equal(s.nrec, 1);
	assert_memory_equal(s.rec[0].owner, "\3a\0b\1x", 7);
}

/* ---- $GENERATE ----------------------------------------------------------------- */

static void generate_bind_examples(void **state)
{
	(void)state;
	struct seen s = {.stop_after = 0};
	/* BIND ARM: reverse-zone PTRs, CNAMEs for classless delegation */
	const char *z = "$TTL 1h\n"
			"$GENERATE 1-3 $ PTR host-$.example.net.\n"
			"$GENERATE 0-4/2 $.0/26 CNAME $.0.0/26\n"
			"$GENERATE 1-2 ns${0,3,d} 300 IN A 10.0.0.$\n"
			"$GENERATE 1-2 g${-10,2,x} A 10.0.0.${10}\n"
			"$GENERATE 1024-1025 ${0,3,n} AAAA 2001:db8::${0,4,x}\n"
			"$GENERATE 255-255 ${0,8,N} IN A 10.0.0.1\n"
			"$GENERATE 7-7 e\\$$ TXT \"v $ ${1,3,o}\" \\$$\n"
			"$GENERATE 1-1 m$ MX \"10 mx$\"\n";
	int rc = parse(&s, z, "2.0.192.in-addr.arpa.", NULL);
	print_errors(&s);
	assert_int_equal(rc, SG_OK);
	assert_int_equal(s.nrec, 15);
	size_t i = 0;
	check_rec(&s, i++, "1.2.0.192.in-addr.arpa.", 3600, IN, SG_T_PTR, "n:host-1.example.net.");
	check_rec(&s, i++, "2.2.0.192.in-addr.arpa.", 3600, IN, SG_T_PTR, "n:host-2.example.net.");
	check_rec(&s, i++, "3.2.0.192.in-addr.arpa.", 3600, IN, SG_T_PTR, "n:host-3.example.net.");
	check_rec(&s, i++, "0.0/26.2.0.192.in-addr.arpa.", 3600, IN, SG_T_CNAME,
		  "n:0.0.0/26.2.0.192.in-addr.arpa.");
	check_rec(&s, i++, "2.0/26.2.0.192.in-addr.arpa.", 3600, IN, SG_T_CNAME,
		  "n:2.0.0/26.2.0.192.in-addr.arpa.");
	check_rec(&s, i++, "4.0/26.2.0.192.in-addr.arpa.", 3600, IN, SG_T_CNAME,
		  "n:4.0.0/26.2.0.192.in-addr.arpa.");
	check_rec(&s, i++, "ns001.2.0.192.in-addr.arpa.", 300, IN, SG_T_A, "0a000001");
	check_rec(&s, i++, "ns002.2.0.192.in-addr.arpa.", 300, IN, SG_T_A, "0a000002");
	/* 1 - 10 = -9 as 32-bit hex, as BIND prints it */
	check_rec(&s, i++, "gfffffff7.2.0.192.in-addr.arpa.", 3600, IN, SG_T_A, "0a00000b");
	check_rec(&s, i++, "gfffffff8.2.0.192.in-addr.arpa.", 3600, IN, SG_T_A, "0a00000c");
	/* nibbles reversed; width counts characters, dots included */
	check_rec(&s, i++, "0.0.4.2.0.192.in-addr.arpa.", 3600, IN, SG_T_AAAA,
		  "20010db8000000000000000000000400");
	check_rec(&s, i++, "1.0.4.2.0.192.in-addr.arpa.", 3600, IN, SG_T_AAAA,
		  "20010db8000000000000000000000401");
	/* width 8 ends with a dot: an absolute name, BIND's behaviour */
	check_rec(&s, i++, "F.F.0.0.", 3600, IN, SG_T_A, "0a000001");
	/* \$ and $$ are literal dollars; a quoted right side is read again */
	check_rec(&s, i++, "e\\$7.2.0.192.in-addr.arpa.", 3600, IN, SG_T_TXT,
		  "01 76 01 37 03 303130 02 2437");
	check_rec(&s, i++, "m1.2.0.192.in-addr.arpa.", 3600, IN, SG_T_MX,
		  "000a n:mx1.2.0.192.in-addr.arpa.");
	for (size_t k = 0; k < 3; k++)
		assert_int_equal(s.rec[k].line, 2);
}

static void generate_errors(void **state)
{
	(void)state;
	struct seen s = {.stop_after = 0};
	const char *z = "$TTL 1h\n"
			"$GENERATE 5-1 x$ A 10.0.0.1\n"
			"$GENERATE 0-1000000 x$ A 10.0.0.1\n"
			"$GENERATE 1-2/0 x$ A 10.0.0.1\n"
			"$GENERATE 1-2 x${1,2,q} A 10.0.0.1\n"
			"$GENERATE 1-2 x${1 A 10.0.0.1\n"
			"$GENERATE 1-2 x$\n"
			"$GENERATE 1-2 x$ A 10.0.0.$$\n"
			"$GENERATE 0-999999 x$ A 10.0.0.1\n";
	assert_int_equal(parse(&s, z, "example.com.", NULL), SG_ESYNTAX);
	assert_true(s.nerr >= 7);
	assert_string_equal(s.err[0], "inline.zone:2: $GENERATE: bad range \"5-1\"");
	assert_string_equal(s.err[1],
			    "inline.zone:3: $GENERATE: range \"0-1000000\" makes more than 1000000 records");
	assert_string_equal(s.err[2], "inline.zone:4: $GENERATE: bad range \"1-2/0\"");
	assert_string_equal(s.err[3], "inline.zone:5: $GENERATE: bad modifier in \"x${1,2,q}\"");
	assert_string_equal(s.err[4], "inline.zone:6: $GENERATE: missing '}' in \"x${1\"");
	assert_string_equal(s.err[5],
			    "inline.zone:7: $GENERATE: expected range, owner, type and RDATA");
	/* the RDATA error is reported once, not once per iteration */
	assert_int_equal(s.nerr, 7);
	assert_true(strncmp(s.err[6], "inline.zone:8: ", 15) == 0);
	/* exactly the cap is fine */
	assert_int_equal(s.total, 1000000);
}

/* ---- $INCLUDE ------------------------------------------------------------------- */

static char datadir[1024];

static void incpath(char *dst, size_t cap, const char *name)
{
	snprintf(dst, cap, "%s/zones/include/%s", datadir, name);
}

static int parse_file(struct seen *s, const char *path, const char *origin, sg_zparse_opts_t *o)
{
	o->origin = origin ? wname(origin) : NULL;
	o->error = on_error;
	o->record = on_record;
	o->ctx = s;
	memset(s, 0, offsetof(struct seen, stop_after));
	return sg_zonefile_parse(path, o, NULL);
}

static void include_nested(void **state)
{
	(void)state;
	struct seen s = {.stop_after = 0};
	char p[2048];
	sg_zparse_opts_t o = {0};
	sg_zparse_stats_t st;
	incpath(p, sizeof(p), "main.zone");
	o.error = on_error;
	assert_int_equal(sg_zonefile_parse(p, &o, &st), SG_OK);
	assert_int_equal(st.includes, 3);
	assert_int_equal(st.records, 10);
	assert_int_equal(st.errors, 0);
	int rc = parse_file(&s, p, NULL, &o);
	print_errors(&s);
	assert_int_equal(rc, SG_OK);
	assert_int_equal(s.nrec, 10);
	size_t i = 0;
	check_rec(&s, i++, "example.com.", 3600, IN, SG_T_NS, "n:ns.example.com.");
	check_rec(&s, i++, "a.example.com.", 3600, IN, SG_T_A, "0a000001");
	/* sub/a.inc: origin inherited, relative path */
	check_rec(&s, i++, "in-a.example.com.", 3600, IN, SG_T_A, "0a000002");
	/* sub/nested.inc, relative to sub/, with its own $ORIGIN */
	check_rec(&s, i++, "deep.nested.example.com.", 3600, IN, SG_T_A, "0a000003");
	/* back in a.inc: the nested file's $ORIGIN did not leak */
	check_rec(&s, i++, "after-nested.example.com.", 3600, IN, SG_T_A, "0a000004");
	/* b.inc with an origin argument (relative to the current origin) */
	check_rec(&s, i++, "in-b.other.example.com.", 42, IN, SG_T_A, "0a000005");
	check_rec(&s, i++, "other.example.com.", 42, IN, SG_T_MX, "000a n:mx.other.example.com.");
	/* main again: owner and origin unchanged by the includes; $TTL set
	 * inside b.inc stays (BIND) */
	check_rec(&s, i++, "a.example.com.", 42, IN, SG_T_A, "0a000006");
	check_rec(&s, i++, "z.example.com.", 42, IN, SG_T_A, "0a000007");
	check_rec(&s, i++, "z.example.com.", 42, IN, SG_T_NS, "n:ns.example.com.");
	assert_string_equal(s.rec[2].file, "a.inc");
	assert_int_equal(s.rec[2].line, 2);
	assert_string_equal(s.rec[3].file, "nested.inc");
	assert_string_equal(s.rec[7].file, "main.zone");

	/* depth 1: the nested include is refused, the rest loads */
	o.max_include_depth = 1;
	assert_int_equal(parse_file(&s, p, NULL, &o), SG_ESYNTAX);
	assert_int_equal(s.nerr, 1);
	assert_string_equal(s.err[0], "a.inc:3: $INCLUDE \"nested.inc\": nesting deeper than 1");
	assert_int_equal(s.nrec, 9);

	/* no_include */
	memset(&o, 0, sizeof(o));
	o.no_include = 1;
	assert_int_equal(parse_file(&s, p, NULL, &o), SG_ESYNTAX);
	assert_int_equal(s.nerr, 2);
	assert_string_equal(s.err[0], "main.zone:5: $INCLUDE is not allowed here");
}

static void include_missing_and_loop(void **state)
{
	(void)state;
	struct seen s = {.stop_after = 0};
	char p[2048];
	sg_zparse_opts_t o = {0};
	incpath(p, sizeof(p), "missing.zone");
	assert_int_equal(parse_file(&s, p, "example.com.", &o), SG_EIO);
	assert_int_equal(s.nerr, 1);
	assert_string_equal(s.err[0],
			    "missing.zone:3: $INCLUDE \"missing.db\": No such file or directory");
	assert_int_equal(s.nrec, 2); /* the records around it still load */

	incpath(p, sizeof(p), "loop.zone");
	assert_int_equal(parse_file(&s, p, "example.com.", &o), SG_ESYNTAX);
	assert_int_equal(s.nerr, 1);
	assert_string_equal(s.err[0], "loop.zone:2: $INCLUDE \"loop.zone\": nesting deeper than 10");
	assert_int_equal(s.nrec, 11); /* the top file and 10 levels */

	incpath(p, sizeof(p), "no-such-file.zone");
	assert_int_equal(parse_file(&s, p, "example.com.", &o), SG_EIO);
	assert_int_equal(s.nerr, 1);
	assert_string_equal(s.err[0], "no-such-file.zone:0: No such file or directory");
}

/* ---- the broken-zone corpus -------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void bad_corpus(void **state)
{
	(void)state;
	char dir[1200];
	snprintf(dir, sizeof(dir), "%s/zones/bad", datadir);
	DIR *d = opendir(dir);
	assert_non_null(d);
	char *names[512];
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 512) {
		size_t l = strlen(e->d_name);
		if (l > 5 && strcmp(e->d_name + l - 5, ".zone") == 0)
			names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_str);
	assert_true(n >= 25);
	unsigned failures = 0;
	static struct seen s;
	for (size_t k = 0; k < n; k++) {
		char zp[2048], ep[2048];
		snprintf(zp, sizeof(zp), "%s/%s", dir, names[k]);
		snprintf(ep, sizeof(ep), "%s/%.*s.expect", dir, (int)(strlen(names[k]) - 5),
			 names[k]);
		sg_zparse_opts_t o = {0};
		int rc = parse_file(&s, zp, "example.com.", &o);
		FILE *f = fopen(ep, "r");
		if (!f) {
			print_message("%s: no .expect file\n", names[k]);
			failures++;
			continue;
		}
		char line[512];
		size_t i = 0;
		bool ok = true;
		while (fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\r\n")] = 0;
			if (!line[0])
				continue;
			if (i >= s.nerr || strcmp(line, s.err[i]) != 0) {
				print_message("%s: expected \"%s\", got \"%s\"\n", names[k], line,
					      i < s.nerr ? s.err[i] : "(nothing)");
				ok = false;
			}
			i++;
		}
		fclose(f);
		if (i != s.nerr) {
			print_message("%s: %zu errors expected, %zu reported\n", names[k], i, s.nerr);
			for (size_t j = i; j < s.nerr && j < MAXERR; j++)
				print_message("  extra: %s\n", s.err[j]);
			ok = false;
		}
		if (i > 0 && rc == SG_OK)
			ok = false;
		if (!ok)
			failures++;
		free(names[k]);
	}
	if (failures)
		fail_msg("%u of %zu broken zones did not report as expected", failures, n);
}

/* ---- real zones ------------------------------------------------------------------- */

static char realdir[1024];

static void real_root_zones(void **state)
{
	(void)state;
	static const struct {
		const char *file;
		size_t records;
	} z[] = {
		/* counted with dnspython (see the docs) */
		{"root-2017082100.zone", 22772},
		{"root-2023051100.zone", 24911},
	};
	for (size_t k = 0; k < sizeof(z) / sizeof(z[0]); k++) {
		char p[2048];
		snprintf(p, sizeof(p), "%s/%s", realdir, z[k].file);
		static struct seen s;
		sg_zparse_opts_t o = {0};
		int rc = parse_file(&s, p, ".", &o);
		for (size_t i = 0; i < s.nerr && i < 5; i++)
			print_message("  %s\n", s.err[i]);
		assert_int_equal(s.nerr, 0);
		assert_int_equal(rc, SG_OK);
		assert_int_equal(s.total, z[k].records);
	}
}

int main(void)
{
	const char *td = getenv("SIGNET_TESTDATA");
	const char *vd = getenv("SIGNET_VECTORS");
	snprintf(datadir, sizeof(datadir), "%s", td ? td : "tests/data");
	snprintf(realdir, sizeof(realdir), "%s/../realworld", vd ? vd : "../shared/testdata/vectors");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(syntax_basic),
		cmocka_unit_test(syntax_crlf_tabs_spacing),
		cmocka_unit_test(syntax_ttl_defaults),
		cmocka_unit_test(syntax_class_defaults),
		cmocka_unit_test(syntax_no_origin),
		cmocka_unit_test(syntax_origin_from_soa),
		cmocka_unit_test(syntax_owner_reuse),
		cmocka_unit_test(limits_and_stop),
		cmocka_unit_test(generate_bind_examples),
		cmocka_unit_test(generate_errors),
		cmocka_unit_test(include_nested),
		cmocka_unit_test(include_missing_and_loop),
		cmocka_unit_test(bad_corpus),
		cmocka_unit_test(real_root_zones),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
