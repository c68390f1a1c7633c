/* Unit tests for DNS messages (include/signet/msg.h).
 *
 * The real messages below were made once with dnspython 2.3 by
 * tests/data/packets/gen_corpus.py (`/usr/bin/python3
 * tests/data/packets/gen_corpus.py` prints NAME HEX); the same script wrote
 * the binary seeds in fuzz/corpus/msg/. Where a test builds a message and
 * compares it with one of these, byte equality with dnspython's own encoder
 * is the cross-check that dnspython reads what signet writes.
 *
 * Malformed packets are data: tests/data/packets/bad/NAME.hex (hex, '#'
 * comments) with NAME.expect ("SG_ECODE fault-name").
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "signet/msg.h"
#include "signet/rr.h"

/* ---- dnspython-made messages (gen_corpus.py) ---- */
static const char HEX_QUERY_A_DO[] =
        "04d20100000100000000000103777777076578616d706c6503636f6d000001000100002904d0000080000000";
static const char HEX_RESP_FULL[] =
        "04d28500000100030002000303777777076578616d706c6503636f6d0000010001c00c000500010000012c0006"
        "03776562c010c02d000100010000012c0004c0000202c02d000100010000012c0004c0000201c01000020001"
        "00000e100006036e7331c010c0100002000100000e100006036e7332c010c05f0001000100000e100004c000"
        "0235c05f001c000100000e10001020010db800000000000000000000005300002904d0000080000011000f00"
        "0d00067369672065787069726564";
static const char HEX_RESP_NX[] =
        "04d285030001000000020001046e6f7065076578616d706c6503636f6d00001c0001c0110006000100000e10"
        "0027036e7331c0110a686f73746d6173746572c01178a3f17500001c2000000e100012750000000e10c01100"
        "2f000100000e1000180161076578616d706c6503636f6d0000072200000000038000002904d0000080000000";
static const char HEX_RESP_MX[] =
        "04d281000001000400000000076578616d706c65036f726700000f0001c00c000f00010000003c0013001403"
        "6d7832076578616d706c65036e657400c00c000f00010000003c0009000a046d61696cc00cc00c0010000100"
        "00003c000c0b763d73706631202d616c6cc00c001000010000003c000401610162";
static const char HEX_RESP_BADVERS[] =
        "04d281000001000000000001076578616d706c6503636f6d00000600010000291000010000000000";
static const char HEX_RESP_EDE_MULTI[] =
        "04d28105000100000000000107626c6f636b6564076578616d706c65000001000100002904d0000000000019"
        "000f0008000f706f6c696379000f00020000000300036e7331";
static const char HEX_RESP_SRV[] =
        "04d281000001000200000000045f736970045f746370076578616d706c6503636f6d0000210001c00c002100"
        "010000003c000c000a000513c403736970c016c00cff0000010000003c0003010203";

static sg_arena_t *arena;

static int setup(void **state)
{
	(void)state;
	arena = sg_arena_new(0, 0);
	return arena ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	sg_arena_free(arena);
	return 0;
}

/* Decodes hex, skipping whitespace and '#' comments to the end of the line. */
static size_t unhex(uint8_t *dst, size_t cap, const char *s, size_t n)
{
	char clean[2 * SG_MSG_MAX + 2];
	size_t c = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '#') {
			while (i < n && s[i] != '\n')
				i++;
			continue;
		}
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')
			continue;
		assert_true(c < sizeof(clean) - 1);
		clean[c++] = s[i];
	}
	if (c == 0)
		return 0;
	int r = sg_base16_decode(dst, cap, clean, c);
	assert_true(r >= 0);
	return (size_t)r;
}

static size_t unhex_str(uint8_t *dst, size_t cap, const char *s)
{
	return unhex(dst, cap, s, strlen(s));
}

/* dst may be smaller than SG_NAME_MAX: it gets just the name */
static void name(uint8_t *dst, const char *text)
{
	uint8_t tmp[SG_NAME_MAX];
	size_t len = 0;
	assert_int_equal(sg_name_from_text(tmp, &len, text, strlen(text), NULL), SG_OK);
	memcpy(dst, tmp, len);
}

static void assert_name(const uint8_t *got, const char *text)
{
	uint8_t want[SG_NAME_MAX];
	name(want, text);
	char buf[SG_NAME_TEXT_MAX];
	assert_true(sg_name_to_text(buf, sizeof(buf), got) > 0);
	assert_string_equal(buf, text); /* exact, case included */
	assert_memory_equal(got, want, sg_name_len(want));
}

static void parse_hex(sg_msg_t *m, uint8_t *wire, size_t cap, size_t *len, const char *hex)
{
	*len = unhex_str(wire, cap, hex);
	int r = sg_msg_parse(m, wire, *len, arena);
	if (r != SG_OK)
		fail_msg("parse: %s (%s at %zu)", sg_strerror(r), sg_msg_fault_name(m->fault),
		         m->fault_offset);
}

static const uint8_t A1[] = {192, 0, 2, 1}, A2[] = {192, 0, 2, 2}, A53[] = {192, 0, 2, 53};
static const uint8_t AAAA53[] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x53};

static void assert_rr(const sg_msg_rr_t *rr, const char *owner, uint16_t type, uint32_t ttl,
                      const void *rdata, size_t rdlen)
{
	assert_name(rr->owner, owner);
	assert_int_equal(rr->type, type);
	assert_int_equal(rr->rclass, SG_C_IN);
	assert_int_equal(rr->ttl, ttl);
	assert_int_equal(rr->rdlen, rdlen);
	assert_memory_equal(rr->rdata, rdata, rdlen);
}

/* ==== parsing real packets ================================================ */

static void test_parse_query(void **state)
{
	(void)state;
	uint8_t wire[512];
	size_t len;
	sg_msg_t m;
	parse_hex(&m, wire, sizeof(wire), &len, HEX_QUERY_A_DO);
	assert_int_equal(m.id, 1234);
	assert_int_equal(m.flags, SG_MSG_RD);
	assert_int_equal(m.opcode, SG_OP_QUERY);
	assert_int_equal(m.rcode, SG_RC_NOERROR);
	assert_int_equal(m.count[0], 1);
	assert_int_equal(m.count[1], 0);
	assert_int_equal(m.count[2], 0);
	assert_int_equal(m.count[3], 0); /* the OPT is not a record of the section */
	assert_name(m.rr[0][0].owner, "www.example.com.");
	assert_ptr_equal(m.rr[0][0].owner, wire + 12); /* uncompressed: zero copy */
	assert_int_equal(m.rr[0][0].type, SG_T_A);
	assert_int_equal(m.rr[0][0].rclass, SG_C_IN);
	assert_true(m.has_edns);
	assert_int_equal(m.edns.udp_size, 1232);
	assert_int_equal(m.edns.flags, SG_EDNS_DO);
	assert_int_equal(m.edns.version, 0);
	assert_int_equal(m.edns.ext_rcode, 0);
	assert_int_equal(m.edns.nopts, 0);
	assert_int_equal(m.edns.nede, 0);
	assert_int_equal(m.fault, SG_MF_NONE);
}

static void test_parse_response_sections(void **state)
{
	(void)state;
	uint8_t wire[1024], n[SG_NAME_MAX];
	size_t len;
	sg_msg_t m;
	parse_hex(&m, wire, sizeof(wire), &len, HEX_RESP_FULL);
	assert_int_equal(m.id, 1234);
	assert_int_equal(m.flags, SG_MSG_QR | SG_MSG_AA | SG_MSG_RD);
	assert_int_equal(m.rcode, 0);
	assert_int_equal(m.count[0], 1);
	assert_int_equal(m.count[1], 3);
	assert_int_equal(m.count[2], 2);
	assert_int_equal(m.count[3], 2);
	assert_name(m.rr[0][0].owner, "www.example.com.");
	/* CNAME target was "web" + pointer: decompressed */
	name(n, "web.example.com.");
	assert_rr(&m.rr[1][0], "www.example.com.", SG_T_CNAME, 300, n, 17);
	/* owner pointing at the question name shares its storage */
	assert_ptr_equal(m.rr[1][0].owner, m.rr[0][0].owner);
	assert_rr(&m.rr[1][1], "web.example.com.", SG_T_A, 300, A2, 4);
	assert_rr(&m.rr[1][2], "web.example.com.", SG_T_A, 300, A1, 4);
	assert_ptr_equal(m.rr[1][1].rdata, wire + 63); /* A RDATA: zero copy */
	name(n, "ns1.example.com.");
	assert_rr(&m.rr[2][0], "example.com.", SG_T_NS, 3600, n, 17);
	name(n, "ns2.example.com.");
	assert_rr(&m.rr[2][1], "example.com.", SG_T_NS, 3600, n, 17);
	assert_rr(&m.rr[3][0], "ns1.example.com.", SG_T_A, 3600, A53, 4);
	assert_rr(&m.rr[3][1], "ns1.example.com.", SG_T_AAAA, 3600, AAAA53, 16);
	assert_true(m.has_edns);
	assert_int_equal(m.edns.udp_size, 1232);
	assert_int_equal(m.edns.flags, SG_EDNS_DO);
	assert_int_equal(m.edns.nopts, 1);
	assert_int_equal(m.edns.opts[0].code, SG_EDNS_EDE);
	assert_int_equal(m.edns.opts[0].len, 13);
	assert_int_equal(m.edns.nede, 1);
	assert_int_equal(m.edns.ede[0].info_code, 6);
	assert_int_equal(m.edns.ede[0].text_len, 11);
	assert_memory_equal(m.edns.ede[0].text, "sig expired", 11);
}

static void test_parse_nxdomain_soa(void **state)
{
	(void)state;
	uint8_t wire[1024], soa[200], nsec[64];
	size_t len, o = 0;
	sg_msg_t m;
	parse_hex(&m, wire, sizeof(wire), &len, HEX_RESP_NX);
	assert_int_equal(m.rcode, SG_RC_NXDOMAIN);
	assert_int_equal(m.flags, SG_MSG_QR | SG_MSG_AA | SG_MSG_RD);
	assert_int_equal(m.rr[0][0].type, SG_T_AAAA);
	assert_int_equal(m.count[1], 0);
	assert_int_equal(m.count[2], 2);
	name(soa, "ns1.example.com.");
	o = sg_name_len(soa);
	name(soa + o, "hostmaster.example.com.");
	o += sg_name_len(soa + o);
	static const uint8_t nums[] = {0x78, 0xa3, 0xf1, 0x75, 0,    0, 0x1c, 0x20, 0,    0,
	                               0x0e, 0x10, 0,    0x12, 0x75, 0, 0,    0,    0x0e, 0x10};
	memcpy(soa + o, nums, sizeof(nums));
	o += sizeof(nums);
	assert_rr(&m.rr[2][0], "example.com.", SG_T_SOA, 3600, soa, o);
	name(nsec, "a.example.com.");
	static const uint8_t bm[] = {0, 7, 0x22, 0, 0, 0, 0, 3, 0x80};
	memcpy(nsec + 15, bm, sizeof(bm));
	assert_rr(&m.rr[2][1], "example.com.", SG_T_NSEC, 3600, nsec, 15 + sizeof(bm));
	assert_true(m.has_edns);
}

static void test_parse_srv_and_unknown(void **state)
{
	(void)state;
	uint8_t wire[512], srv[64];
	size_t len;
	sg_msg_t m;
	/* dnspython compresses the SRV target; RFC 3597 §4 lets receivers decompress it */
	parse_hex(&m, wire, sizeof(wire), &len, HEX_RESP_SRV);
	static const uint8_t head[] = {0, 10, 0, 5, 0x13, 0xc4};
	memcpy(srv, head, 6);
	name(srv + 6, "sip.example.com.");
	assert_rr(&m.rr[1][0], "_sip._tcp.example.com.", SG_T_SRV, 60, srv, 6 + 17);
	static const uint8_t unk[] = {1, 2, 3};
	assert_rr(&m.rr[1][1], "_sip._tcp.example.com.", 65280, 60, unk, 3);
}

static void test_parse_extended_rcode_and_ede(void **state)
{
	(void)state;
	uint8_t wire[512];
	size_t len;
	sg_msg_t m;
	parse_hex(&m, wire, sizeof(wire), &len, HEX_RESP_BADVERS);
	assert_int_equal(m.edns.ext_rcode, 1);
	assert_int_equal(m.rcode, SG_RC_BADVERS); /* 12 bits: 1 << 4 | 0 */
	assert_int_equal(m.edns.udp_size, 4096);
	assert_int_equal(m.edns.flags, 0);

	parse_hex(&m, wire, sizeof(wire), &len, HEX_RESP_EDE_MULTI);
	assert_int_equal(m.rcode, SG_RC_REFUSED);
	assert_int_equal(m.edns.nopts, 3);
	assert_int_equal(m.edns.nede, 2);
	assert_int_equal(m.edns.ede[0].info_code, 15);
	assert_int_equal(m.edns.ede[0].text_len, 6);
	assert_memory_equal(m.edns.ede[0].text, "policy", 6);
	assert_int_equal(m.edns.ede[1].info_code, 0);
	assert_int_equal(m.edns.ede[1].text_len, 0);
	assert_int_equal(m.edns.opts[2].code, SG_EDNS_NSID);
	assert_int_equal(m.edns.opts[2].len, 3);
	assert_memory_equal(m.edns.opts[2].data, "ns1", 3);
}

static void test_parse_arena_limit(void **state)
{
	(void)state;
	uint8_t wire[1024];
	size_t len = unhex_str(wire, sizeof(wire), HEX_RESP_FULL);
	sg_arena_t *small = sg_arena_new(64, 64);
	assert_non_null(small);
	sg_msg_t m;
	assert_int_equal(sg_msg_parse(&m, wire, len, small), SG_ENOMEM);
	assert_int_equal(m.fault, SG_MF_NOMEM);
	sg_arena_free(small);
}

/* ==== malformed packets (data-driven) ===================================== */

static const struct {
	const char *name;
	int code;
} codes[] = {
        {"SG_OK", SG_OK},         {"SG_ENOMEM", SG_ENOMEM},
        {"SG_EINVAL", SG_EINVAL}, {"SG_ETOOLONG", SG_ETOOLONG},
        {"SG_ETRUNC", SG_ETRUNC}, {"SG_EPTR", SG_EPTR},
        {"SG_ESPACE", SG_ESPACE}, {"SG_EMALFORMED", SG_EMALFORMED},
        {"SG_ELIMIT", SG_ELIMIT},
};

static char *slurp(const char *path, size_t *len)
{
	*len = 0;
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	static char data[256 * 1024];
	*len = fread(data, 1, sizeof(data) - 1, f);
	fclose(f);
	data[*len] = 0;
	return data;
}

static const char *testdata(void)
{
	const char *d = getenv("SIGNET_TESTDATA");
	return d ? d : "tests/data";
}

static void test_bad_packets(void **state)
{
	(void)state;
	char dir[1024], path[1400];
	snprintf(dir, sizeof(dir), "%s/packets/bad", testdata());
	DIR *d = opendir(dir);
	assert_non_null(d);
	struct dirent *e;
	int cases = 0, failed = 0;
	static uint8_t wire[SG_MSG_MAX];
	while ((e = readdir(d))) {
		size_t nl = strlen(e->d_name), len;
		if (nl < 5 || strcmp(e->d_name + nl - 4, ".hex") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%.*s.expect", dir, (int)(nl - 4), e->d_name);
		char *x = slurp(path, &len);
		if (!x)
			fail_msg("%s: no .expect file", e->d_name);
		char want_code[64] = "", want_fault[64] = "";
		if (sscanf(x, "%63s %63s", want_code, want_fault) < 1)
			fail_msg("%s: empty .expect", path);
		int code = 1;
		for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
			if (strcmp(codes[i].name, want_code) == 0)
				code = codes[i].code;
		if (code == 1)
			fail_msg("%s: unknown code %s", path, want_code);

		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		char *hex = slurp(path, &len);
		assert_non_null(hex);
		size_t wl = unhex(wire, sizeof(wire), hex, len);
		/* parse from an exact-size heap copy so ASan sees any overread */
		uint8_t *copy = malloc(wl ? wl : 1);
		assert_non_null(copy);
		memcpy(copy, wire, wl);
		sg_msg_t m;
		int r = sg_msg_parse(&m, copy, wl, arena);
		const char *fault = sg_msg_fault_name(m.fault);
		if (r != code || (want_fault[0] && strcmp(fault, want_fault) != 0)) {
			print_error("%s: got %s (%d) fault %s at %zu; want %s %s\n", e->d_name,
			            sg_strerror(r), r, fault, m.fault_offset, want_code,
			            want_fault);
			failed++;
		}
		/* a server can answer FORMERR to a query whose header was readable */
		if (r < 0 && wl >= 12 && !(copy[2] & 0x80))
			assert_int_equal(sg_msg_fault_rcode(&m), SG_RC_FORMERR);
		if (r < 0 && (wl < 12 || (copy[2] & 0x80)))
			assert_int_equal(sg_msg_fault_rcode(&m), -1);
		free(copy);
		sg_arena_reset(arena);
		cases++;
	}
	closedir(d);
	assert_int_equal(failed, 0);
	assert_true(cases >= 15);
}

static void test_trailing_is_flagged(void **state)
{
	(void)state;
	uint8_t wire[512];
	size_t len = unhex_str(wire, sizeof(wire), HEX_QUERY_A_DO);
	wire[len++] = 0xde;
	wire[len++] = 0xad;
	sg_msg_t m;
	assert_int_equal(sg_msg_parse(&m, wire, len, arena), SG_EMALFORMED);
	assert_int_equal(m.fault, SG_MF_TRAILING);
	assert_int_equal(m.trailing, 2);
	/* everything before the garbage was parsed and is usable */
	assert_int_equal(m.count[0], 1);
	assert_name(m.rr[0][0].owner, "www.example.com.");
	assert_true(m.has_edns);
}

/* Every prefix of a valid message must fail cleanly (never crash). */
static void test_every_prefix_fails(void **state)
{
	(void)state;
	uint8_t wire[1024];
	size_t len = unhex_str(wire, sizeof(wire), HEX_RESP_FULL);
	for (size_t n = 0; n < len; n++) {
		uint8_t *copy = malloc(n ? n : 1);
		memcpy(copy, wire, n);
		sg_msg_t m;
		int r = sg_msg_parse(&m, copy, n, arena);
		assert_true(r == SG_ETRUNC || r == SG_EMALFORMED);
		free(copy);
		sg_arena_reset(arena);
	}
}

/* ==== building ============================================================ */

/* Builds the dnspython response HEX_RESP_FULL with the builder. */
static size_t build_full(uint8_t *buf, size_t cap)
{
	uint8_t www[SG_NAME_MAX], web[SG_NAME_MAX], ex[SG_NAME_MAX], ns1[SG_NAME_MAX],
	        ns2[SG_NAME_MAX];
	name(www, "www.example.com.");
	name(web, "web.example.com.");
	name(ex, "example.com.");
	name(ns1, "ns1.example.com.");
	name(ns2, "ns2.example.com.");
	sg_msgw_t w;
	size_t len;
	assert_int_equal(sg_msgw_init(&w, buf, cap, 1234, SG_MSG_QR | SG_MSG_AA | SG_MSG_RD, 0, 0),
	                 SG_OK);
	assert_int_equal(sg_msgw_edns(&w, 1232, SG_EDNS_DO, 0), SG_OK);
	assert_int_equal(sg_msgw_edns_ede(&w, 6, "sig expired", 11), SG_OK);
	assert_int_equal(sg_msgw_question(&w, www, SG_T_A, SG_C_IN), SG_OK);
	assert_int_equal(sg_msgw_rr(&w, SG_SEC_ANSWER, www, SG_T_CNAME, SG_C_IN, 300, web, 17),
	                 SG_OK);
	assert_int_equal(sg_msgw_rr(&w, SG_SEC_ANSWER, web, SG_T_A, SG_C_IN, 300, A2, 4), SG_OK);
	assert_int_equal(sg_msgw_rr(&w, SG_SEC_ANSWER, web, SG_T_A, SG_C_IN, 300, A1, 4), SG_OK);
	assert_int_equal(sg_msgw_rr(&w, SG_SEC_AUTHORITY, ex, SG_T_NS, SG_C_IN, 3600, ns1, 17),
	                 SG_OK);
	assert_int_equal(sg_msgw_rr(&w, SG_SEC_AUTHORITY, ex, SG_T_NS, SG_C_IN, 3600, ns2, 17),
	                 SG_OK);
	assert_int_equal(sg_msgw_rr(&w, SG_SEC_ADDITIONAL, ns1, SG_T_A, SG_C_IN, 3600, A53, 4),
	                 SG_OK);
	assert_int_equal(
	        sg_msgw_rr(&w, SG_SEC_ADDITIONAL, ns1, SG_T_AAAA, SG_C_IN, 3600, AAAA53, 16),
	        SG_OK);
	assert_int_equal(sg_msgw_finish(&w, &len), SG_OK);
	return len;
}

static void test_build_matches_dnspython(void **state)
{
	(void)state;
	uint8_t buf[1024], want[1024];
	size_t wl = unhex_str(want, sizeof(want), HEX_RESP_FULL);
	size_t len = build_full(buf, sizeof(buf));
	assert_int_equal(len, wl);
	assert_memory_equal(buf, want, wl);

	/* MX (compressed RDATA name) and TXT: same bytes as dnspython */
	uint8_t org[SG_NAME_MAX], mx1[64], mx2[64];
	name(org, "example.org.");
	mx1[0] = 0, mx1[1] = 20;
	name(mx1 + 2, "mx2.example.net.");
	mx2[0] = 0, mx2[1] = 10;
	name(mx2 + 2, "mail.example.org.");
	static const uint8_t txt1[] = "\x0bv=spf1 -all", txt2[] = "\x01"
	                                                          "a"
	                                                          "\x01"
	                                                          "b";
	sg_msgw_t w;
	assert_int_equal(sg_msgw_init(&w, buf, 512, 1234, SG_MSG_QR | SG_MSG_RD, 0, 0), SG_OK);
	assert_int_equal(sg_msgw_question(&w, org, SG_T_MX, SG_C_IN), SG_OK);
	assert_int_equal(sg_msgw_rr(&w, 1, org, SG_T_MX, SG_C_IN, 60, mx1, 2 + 17), SG_OK);
	assert_int_equal(sg_msgw_rr(&w, 1, org, SG_T_MX, SG_C_IN, 60, mx2, 2 + 18), SG_OK);
	assert_int_equal(sg_msgw_rr(&w, 1, org, SG_T_TXT, SG_C_IN, 60, txt1, 12), SG_OK);
	assert_int_equal(sg_msgw_rr(&w, 1, org, SG_T_TXT, SG_C_IN, 60, txt2, 4), SG_OK);
	assert_int_equal(sg_msgw_finish(&w, &len), SG_OK);
	wl = unhex_str(want, sizeof(want), HEX_RESP_MX);
	assert_int_equal(len, wl);
	assert_memory_equal(buf, want, wl);
}

static void test_build_parses_back(void **state)
{
	(void)state;
	uint8_t buf[1024], want[1024];
	size_t len = build_full(buf, sizeof(buf));
	size_t wl = unhex_str(want, sizeof(want), HEX_RESP_FULL);
	sg_msg_t a, b;
	assert_int_equal(sg_msg_parse(&a, buf, len, arena), SG_OK);
	assert_int_equal(sg_msg_parse(&b, want, wl, arena), SG_OK);
	assert_true(sg_msg_equal(&a, &b));
	/* and sg_msg_equal can say no */
	b.rr[1][1].ttl++;
	assert_false(sg_msg_equal(&a, &b));
}

static void test_compression_shrinks(void **state)
{
	(void)state;
	uint8_t buf[1024];
	size_t len = build_full(buf, sizeof(buf));
	/* uncompressed: header 12, question 17+4, answer (17+10+17) + 2*(17+10+4),
	 * authority 2*(13+10+17), additional (17+10+4) + (17+10+16), OPT 11+4+13 */
	size_t plain = 12 + 21 + 44 + 62 + 80 + 31 + 43 + 28;
	assert_int_equal(len, 191); /* what dnspython writes too */
	assert_true(len < plain - 100);
	/* the answer owner is a pointer to the question name */
	assert_int_equal(buf[33], 0xc0);
	assert_int_equal(buf[34], 12);
}

static void test_no_compression_in_rfc3597_types(void **state)
{
	(void)state;
	uint8_t buf[512], q[SG_NAME_MAX], srv[64];
	name(q, "_sip._tcp.example.com.");
	static const uint8_t head[] = {0, 10, 0, 5, 0x13, 0xc4};
	memcpy(srv, head, 6);
	name(srv + 6, "example.com."); /* a suffix of the question: could be compressed */
	sg_msgw_t w;
	size_t len;
	assert_int_equal(sg_msgw_init(&w, buf, sizeof(buf), 1, SG_MSG_QR, 0, 0), SG_OK);
	assert_int_equal(sg_msgw_question(&w, q, SG_T_SRV, SG_C_IN), SG_OK);
	assert_int_equal(sg_msgw_rr(&w, 1, q, SG_T_SRV, SG_C_IN, 60, srv, 6 + 13), SG_OK);
	assert_int_equal(sg_msgw_finish(&w, &len), SG_OK);
	/* owner compressed (2), RDATA verbatim (19) */
	assert_int_equal(len, 12 + 23 + 4 + 2 + 10 + 19);
	assert_memory_equal(buf + len - 19, srv, 19);
}

static void test_case_and_mixed_case_compression(void **state)
{
	(void)state;
	uint8_t buf[512], q[SG_NAME_MAX], o[SG_NAME_MAX];
	name(q, "WwW.ExAmple.COM.");
	name(o, "mail.example.com.");
	sg_msgw_t w;
	size_t len;
	assert_int_equal(sg_msgw_init(&w, buf, sizeof(buf), 1, SG_MSG_QR, 0, 0), SG_OK);
	assert_int_equal(sg_msgw_question(&w, q, SG_T_A, SG_C_IN), SG_OK);
	assert_int_equal(sg_msgw_rr(&w, 1, o, SG_T_A, SG_C_IN, 60, A1, 4), SG_OK);
	assert_int_equal(sg_msgw_finish(&w, &len), SG_OK);
	assert_int_equal(len, 12 + 17 + 4 + (5 + 2) + 10 + 4);
	sg_msg_t m;
	assert_int_equal(sg_msg_parse(&m, buf, len, arena), SG_OK);
	assert_name(m.rr[0][0].owner, "WwW.ExAmple.COM."); /* question case kept (0x20) */
	assert_name(m.rr[1][0].owner, "mail.ExAmple.COM.");
}

/* Compression folds only ASCII letters: octets that differ by 0x20 but are
 * not letters ('@' 0x40, '`' 0x60) name different labels. */
static void test_compression_folds_only_letters(void **state)
{
	(void)state;
	uint8_t buf[512], q[SG_NAME_MAX], o[SG_NAME_MAX], same[SG_NAME_MAX];
	name(q, "x@Y.example.");
	name(o, "x`y.example.");
	name(same, "X@y.EXAMPLE.");
	sg_msgw_t w;
	size_t len;
	assert_int_equal(sg_msgw_init(&w, buf, sizeof(buf), 1, SG_MSG_QR, 0, 0), SG_OK);
	assert_int_equal(sg_msgw_question(&w, q, SG_T_A, SG_C_IN), SG_OK);
	assert_int_equal(sg_msgw_rr(&w, 1, o, SG_T_A, SG_C_IN, 60, A1, 4), SG_OK);
	assert_int_equal(sg_msgw_rr(&w, 1, same, SG_T_A, SG_C_IN, 60, A2, 4), SG_OK);
	assert_int_equal(sg_msgw_finish(&w, &len), SG_OK);
	/* o: its own first label, then a pointer to "example."; same: one pointer */
	assert_int_equal(len, 12 + 13 + 4 + (4 + 2) + 10 + 4 + 2 + 10 + 4);
	sg_msg_t m;
	assert_int_equal(sg_msg_parse(&m, buf, len, arena), SG_OK);
	assert_name(m.rr[1][0].owner, "x`y.example.");
	assert_name(m.rr[1][1].owner, "x\\@Y.example."); /* @ is escaped in text */
}

static void test_rollback_restores_table(void **state)
{
	(void)state;
	uint8_t buf[512], q[SG_NAME_MAX], b[SG_NAME_MAX], c[SG_NAME_MAX];
	name(q, "a.example.");
	name(b, "bbbbbbbb.example.");
	name(c, "c.example.");
	sg_msgw_t w;
	sg_msgw_mark_t mk;
	size_t len;
	assert_int_equal(sg_msgw_init(&w, buf, sizeof(buf), 7, SG_MSG_QR, 0, 0), SG_OK);
	assert_int_equal(sg_msgw_question(&w, q, SG_T_A, SG_C_IN), SG_OK);
	sg_msgw_mark(&w, &mk);
	size_t before = sg_msgw_len(&w);
	assert_int_equal(sg_msgw_rr(&w, 1, b, SG_T_A, SG_C_IN, 60, A1, 4), SG_OK);
	sg_msgw_rollback(&w, &mk);
	assert_int_equal(sg_msgw_len(&w), before);
	/* the rolled-back "bbbbbbbb.example." entry must not be reused: its
	 * octets now hold c.example's record */
	assert_int_equal(sg_msgw_rr(&w, 1, c, SG_T_A, SG_C_IN, 60, A1, 4), SG_OK);
	assert_int_equal(sg_msgw_rr(&w, 1, b, SG_T_A, SG_C_IN, 60, A2, 4), SG_OK);
	assert_int_equal(sg_msgw_finish(&w, &len), SG_OK);
	sg_msg_t m;
	assert_int_equal(sg_msg_parse(&m, buf, len, arena), SG_OK);
	assert_int_equal(m.count[1], 2);
	assert_name(m.rr[1][0].owner, "c.example.");
	assert_name(m.rr[1][1].owner, "bbbbbbbb.example.");
}

static void test_truncation_exact_limit(void **state)
{
	(void)state;
	uint8_t big[1024], buf[1024];
	size_t full = build_full(big, sizeof(big));
	/* the full message fits exactly at its own size */
	assert_int_equal(build_full(buf, full), full);
	assert_memory_equal(buf, big, full);

	/* one octet less: the last record (AAAA, 28 octets with its pointer
	 * owner) does not fit; the message is left exactly as before it */
	uint8_t www[SG_NAME_MAX], ns1[SG_NAME_MAX];
	name(www, "www.example.com.");
	name(ns1, "ns1.example.com.");
	sg_msg_t src;
	assert_int_equal(sg_msg_parse(&src, big, full, arena), SG_OK);
	sg_msgw_t w;
	assert_int_equal(
	        sg_msgw_init(&w, buf, full - 1, 1234, SG_MSG_QR | SG_MSG_AA | SG_MSG_RD, 0, 0),
	        SG_OK);
	assert_int_equal(sg_msgw_edns(&w, 1232, SG_EDNS_DO, 0), SG_OK);
	assert_int_equal(sg_msgw_edns_ede(&w, 6, "sig expired", 11), SG_OK);
	assert_int_equal(sg_msgw_question(&w, www, SG_T_A, SG_C_IN), SG_OK);
	int added = 0, r = SG_OK;
	size_t before = 0;
	for (int s = 1; s < 4 && r == SG_OK; s++)
		for (size_t i = 0; i < src.count[s] && r == SG_OK; i++) {
			const sg_msg_rr_t *x = &src.rr[s][i];
			before = sg_msgw_len(&w);
			r = sg_msgw_rr(&w, s, x->owner, x->type, x->rclass, x->ttl, x->rdata,
			               x->rdlen);
			added += r == SG_OK;
		}
	assert_int_equal(r, SG_ESPACE);
	assert_int_equal(added, 6);
	assert_int_equal(sg_msgw_len(&w), before);
	size_t len;
	assert_int_equal(sg_msgw_finish(&w, &len), SG_OK);
	assert_int_equal(len, full - 28);
	/* the reserved OPT is there: it always fits */
	sg_msg_t m;
	assert_int_equal(sg_msg_parse(&m, buf, len, arena), SG_OK);
	assert_true(m.has_edns);
	assert_int_equal(m.edns.nede, 1);
	assert_int_equal(m.count[3], 1);

	/* RRset-boundary cut with TC: limit 80 cuts inside the answer A RRset */
	assert_int_equal(sg_msgw_init(&w, buf, 80, 1234, SG_MSG_QR | SG_MSG_RD, 0, 0), SG_OK);
	assert_int_equal(sg_msgw_edns(&w, 1232, SG_EDNS_DO, 0), SG_OK);
	assert_int_equal(sg_msgw_question(&w, www, SG_T_A, SG_C_IN), SG_OK);
	sg_msgw_mark_t mk;
	sg_msgw_mark(&w, &mk);
	r = SG_OK;
	for (size_t i = 0; i < src.count[1] && r == SG_OK; i++) {
		const sg_msg_rr_t *x = &src.rr[1][i];
		if (i > 0 && x->type != src.rr[1][i - 1].type)
			sg_msgw_mark(&w, &mk); /* a new RRset starts */
		r = sg_msgw_rr(&w, 1, x->owner, x->type, x->rclass, x->ttl, x->rdata, x->rdlen);
	}
	/* 12+21 = 33 and 11 reserved for the OPT; CNAME 18 -> 51; first A 16 -> 67;
	 * the second A would need 83 + 11 > 80 */
	assert_int_equal(r, SG_ESPACE);
	sg_msgw_rollback(&w, &mk);
	sg_msgw_set_flags(&w, SG_MSG_TC, 0);
	assert_int_equal(sg_msgw_finish(&w, &len), SG_OK);
	assert_int_equal(len, 51 + 11);
	assert_int_equal(sg_msg_parse(&m, buf, len, arena), SG_OK);
	assert_int_equal(m.flags, SG_MSG_QR | SG_MSG_RD | SG_MSG_TC);
	assert_int_equal(m.count[1], 1); /* the CNAME; the A RRset was cut whole */
	assert_int_equal(m.rr[1][0].type, SG_T_CNAME);
	assert_true(m.has_edns);
}

static void test_opt_reservation(void **state)
{
	(void)state;
	uint8_t buf[64], q[SG_NAME_MAX];
	name(q, "a.");
	sg_msgw_t w;
	size_t len;
	/* 12 header + 7 question + 11 OPT = 30; an A record (3+10+4=17) needs 47 */
	assert_int_equal(sg_msgw_init(&w, buf, 46, 1, SG_MSG_QR, 0, 0), SG_OK);
	assert_int_equal(sg_msgw_edns(&w, 512, 0, 0), SG_OK);
	assert_int_equal(sg_msgw_question(&w, q, SG_T_A, SG_C_IN), SG_OK);
	uint8_t o[SG_NAME_MAX];
	name(o, "b.");
	assert_int_equal(sg_msgw_rr(&w, 1, o, SG_T_A, SG_C_IN, 1, A1, 4), SG_ESPACE);
	/* an option that does not fit either */
	assert_int_equal(sg_msgw_edns_opt(&w, SG_EDNS_NSID, "0123456789abcdef", 16), SG_ESPACE);
	assert_int_equal(sg_msgw_edns_opt(&w, SG_EDNS_NSID, "0123", 4), SG_OK);
	assert_int_equal(sg_msgw_finish(&w, &len), SG_OK);
	assert_int_equal(len, 30 + 8);
	sg_msg_t m;
	assert_int_equal(sg_msg_parse(&m, buf, len, arena), SG_OK);
	assert_int_equal(m.edns.nopts, 1);
	assert_int_equal(m.edns.udp_size, 512);
	/* too small for the OPT at all */
	assert_int_equal(sg_msgw_init(&w, buf, 22, 1, 0, 0, 0), SG_OK);
	assert_int_equal(sg_msgw_edns(&w, 512, 0, 0), SG_ESPACE);
}

static void test_builder_misuse(void **state)
{
	(void)state;
	uint8_t buf[512], q[SG_NAME_MAX];
	name(q, "a.");
	sg_msgw_t w;
	size_t len;
	assert_int_equal(sg_msgw_init(&w, buf, 11, 1, 0, 0, 0), SG_ESPACE);
	assert_int_equal(sg_msgw_init(&w, buf, 512, 1, 0, 16, 0), SG_EINVAL);
	assert_int_equal(sg_msgw_init(&w, buf, 512, 1, 0, 0, 0), SG_OK);
	assert_int_equal(sg_msgw_rr(&w, SG_SEC_AUTHORITY, q, SG_T_A, 1, 1, A1, 4), SG_OK);
	assert_int_equal(sg_msgw_rr(&w, SG_SEC_ANSWER, q, SG_T_A, 1, 1, A1, 4), SG_EINVAL);
	assert_int_equal(sg_msgw_question(&w, q, SG_T_A, 1), SG_EINVAL);
	assert_int_equal(sg_msgw_rr(&w, SG_SEC_ADDITIONAL, q, SG_T_OPT, 1, 1, NULL, 0), SG_EINVAL);
	static const uint8_t bad_mx[] = {0, 10, 5, 'a'}; /* name runs off the RDATA */
	assert_int_equal(sg_msgw_rr(&w, SG_SEC_ADDITIONAL, q, SG_T_MX, 1, 1, bad_mx, 4), SG_EINVAL);
	assert_int_equal(sg_msgw_edns_opt(&w, 3, "x", 1), SG_EINVAL); /* no EDNS yet */
	assert_int_equal(sg_msgw_set_rcode(&w, SG_RC_BADVERS), SG_OK);
	assert_int_equal(sg_msgw_finish(&w, &len), SG_EINVAL); /* rcode 16 needs EDNS */
	assert_int_equal(sg_msgw_edns(&w, 1232, 0, 0), SG_OK);
	assert_int_equal(sg_msgw_finish(&w, &len), SG_OK);
	assert_int_equal(sg_msgw_finish(&w, &len), SG_EINVAL);
	sg_msg_t m;
	assert_int_equal(sg_msg_parse(&m, buf, len, arena), SG_OK);
	assert_int_equal(m.rcode, SG_RC_BADVERS);
	assert_int_equal(m.count[2], 1);
	assert_int_equal(m.count[3], 0);
}

/* RFC 2136 UPDATE: a deletion has class ANY and no RDATA, even for NS */
static void test_update_delete(void **state)
{
	(void)state;
	uint8_t buf[512], z[SG_NAME_MAX], o[SG_NAME_MAX];
	name(z, "example.");
	name(o, "www.example.");
	sg_msgw_t w;
	size_t len;
	assert_int_equal(sg_msgw_init(&w, buf, sizeof(buf), 5, 0, SG_OP_UPDATE, 0), SG_OK);
	assert_int_equal(sg_msgw_question(&w, z, SG_T_SOA, SG_C_IN), SG_OK);
	assert_int_equal(sg_msgw_rr(&w, SG_SEC_AUTHORITY, o, SG_T_NS, SG_C_ANY, 0, NULL, 0), SG_OK);
	assert_int_equal(sg_msgw_finish(&w, &len), SG_OK);
	sg_msg_t m;
	assert_int_equal(sg_msg_parse(&m, buf, len, arena), SG_OK);
	assert_int_equal(m.opcode, SG_OP_UPDATE);
	assert_int_equal(m.rr[2][0].rclass, SG_C_ANY);
	assert_int_equal(m.rr[2][0].rdlen, 0);
	/* in class IN, empty NS RDATA is malformed */
	buf[len - 10 + 3] = SG_C_IN; /* low octet of the class */
	assert_int_equal(sg_msg_parse(&m, buf, len, arena), SG_EMALFORMED);
	assert_int_equal(m.fault, SG_MF_RDATA);
}

static void test_reply(void **state)
{
	(void)state;
	uint8_t wire[512], buf[512];
	size_t len;
	sg_msg_t q, m;
	parse_hex(&q, wire, sizeof(wire), &len, HEX_QUERY_A_DO);
	sg_msgw_t w;
	assert_int_equal(sg_msgw_reply(&w, buf, 512, &q, 1232), SG_OK);
	sg_msgw_set_flags(&w, SG_MSG_AA, 0);
	assert_int_equal(sg_msgw_rr(&w, 1, q.rr[0][0].owner, SG_T_A, SG_C_IN, 5, A1, 4), SG_OK);
	assert_int_equal(sg_msgw_finish(&w, &len), SG_OK);
	assert_int_equal(sg_msg_parse(&m, buf, len, arena), SG_OK);
	assert_int_equal(m.id, 1234);
	assert_int_equal(m.flags, SG_MSG_QR | SG_MSG_AA | SG_MSG_RD);
	assert_int_equal(m.count[0], 1);
	assert_name(m.rr[0][0].owner, "www.example.com.");
	assert_true(m.has_edns);
	assert_int_equal(m.edns.flags, SG_EDNS_DO);
	assert_int_equal(len, 12 + 21 + 16 + 11);
}

/* Past 0x3fff octets and past a full compression table, names are still
 * written correctly (in full or pointing only to offsets a pointer can hold). */
static void test_large_message(void **state)
{
	(void)state;
	static uint8_t buf[SG_MSG_MAX];
	uint8_t apex[SG_NAME_MAX], o[SG_NAME_MAX];
	char text[128];
	name(apex, "example.");
	sg_msgw_t w;
	size_t len;
	assert_int_equal(sg_msgw_init(&w, buf, SG_MSG_MAX, 9, SG_MSG_QR, 0, 0), SG_OK);
	assert_int_equal(sg_msgw_question(&w, apex, SG_T_NS, SG_C_IN), SG_OK);
	int n = 0;
	for (; n < 600; n++) {
		snprintf(text, sizeof(text),
		         "%04d-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example.", n);
		name(o, text);
		/* NS RDATA = the owner: compresses to a pointer while the table has room */
		int r = sg_msgw_rr(&w, 1, o, SG_T_NS, SG_C_IN, 1, o, sg_name_len(o));
		if (r == SG_ESPACE)
			break;
		assert_int_equal(r, SG_OK);
	}
	assert_true(n > 500); /* 80-160 octets each: well past 0x3fff */
	assert_int_equal(sg_msgw_finish(&w, &len), SG_OK);
	assert_true(len > 0x3fff);
	sg_msg_t m;
	assert_int_equal(sg_msg_parse(&m, buf, len, arena), SG_OK);
	assert_int_equal(m.count[1], n);
	for (int i = 0; i < n; i++) {
		snprintf(text, sizeof(text),
		         "%04d-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example.", i);
		assert_name(m.rr[1][i].owner, text);
		assert_int_equal(m.rr[1][i].rdlen, sg_name_len(m.rr[1][i].owner));
		assert_memory_equal(m.rr[1][i].rdata, m.rr[1][i].owner, m.rr[1][i].rdlen);
	}
	sg_arena_reset(arena);
}

/* Every seed of the fuzz corpus survives parse -> encode -> parse. */
static void test_corpus_roundtrip(void **state)
{
	(void)state;
	char dir[1024], path[1400];
	snprintf(dir, sizeof(dir), "%s/../../fuzz/corpus/msg", testdata());
	DIR *d = opendir(dir);
	assert_non_null(d);
	struct dirent *e;
	int n = 0;
	static uint8_t out[SG_MSG_MAX];
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		size_t len, olen;
		const uint8_t *wire = (const uint8_t *)slurp(path, &len);
		assert_non_null(wire);
		sg_msg_t a, b;
		int r = sg_msg_parse(&a, wire, len, arena);
		if (r != SG_OK)
			fail_msg("%s: %s", e->d_name, sg_strerror(r));
		assert_int_equal(sg_msg_encode(out, sizeof(out), &olen, &a), SG_OK);
		assert_int_equal(sg_msg_parse(&b, out, olen, arena), SG_OK);
		assert_true(sg_msg_equal(&a, &b));
		sg_arena_reset(arena);
		n++;
	}
	closedir(d);
	assert_true(n >= 12);
}

/* ==== names and text ====================================================== */

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(sg_rcode_name(3), "NXDOMAIN");
	assert_string_equal(sg_rcode_name(16), "BADVERS");
	assert_null(sg_rcode_name(12));
	assert_null(sg_rcode_name(4000));
	assert_string_equal(sg_opcode_name(0), "QUERY");
	assert_string_equal(sg_opcode_name(5), "UPDATE");
	assert_null(sg_opcode_name(3));
	assert_string_equal(sg_ede_name(6), "DNSSEC Bogus");
	assert_string_equal(sg_ede_name(24), "Invalid Data");
	assert_string_equal(sg_ede_name(27), "Unsupported NSEC3 Iterations Value");
	assert_null(sg_ede_name(500));
	assert_string_equal(sg_msg_fault_name(SG_MF_OPT_DUP), "opt-duplicate");
	assert_string_equal(sg_msg_fault_name(99), "unknown");
}

static void test_to_text(void **state)
{
	(void)state;
	uint8_t wire[1024];
	size_t len;
	sg_msg_t m;
	parse_hex(&m, wire, sizeof(wire), &len, HEX_RESP_FULL);
	sg_buf_t out;
	sg_buf_init(&out, 0);
	assert_int_equal(sg_msg_to_text(&out, &m), SG_OK);
	assert_int_equal(sg_buf_cstr(&out), SG_OK);
	const char *t = (const char *)out.data;
	assert_non_null(strstr(t, ";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 1234\n"));
	assert_non_null(strstr(
	        t, ";; flags: qr aa rd; QUERY: 1, ANSWER: 3, AUTHORITY: 2, ADDITIONAL: 3\n"));
	assert_non_null(
	        strstr(t, ";; OPT PSEUDOSECTION:\n; EDNS: version: 0, flags: do; udp: 1232\n"));
	assert_non_null(strstr(t, "; EDE: 6 (DNSSEC Bogus): (sig expired)\n"));
	assert_non_null(strstr(t, ";; QUESTION SECTION:\n;www.example.com.\t\tIN\tA\n\n"));
	assert_non_null(strstr(
	        t, ";; ANSWER SECTION:\nwww.example.com.\t300\tIN\tCNAME\tweb.example.com.\n"));
	assert_non_null(strstr(t, "web.example.com.\t300\tIN\tA\t192.0.2.2\n"));
	assert_non_null(
	        strstr(t, ";; AUTHORITY SECTION:\nexample.com.\t3600\tIN\tNS\tns1.example.com.\n"));
	assert_non_null(
	        strstr(t, ";; ADDITIONAL SECTION:\nns1.example.com.\t3600\tIN\tA\t192.0.2.53\n"));
	assert_non_null(strstr(t, "ns1.example.com.\t3600\tIN\tAAAA\t2001:db8::53\n"));
	sg_buf_deinit(&out);

	parse_hex(&m, wire, sizeof(wire), &len, HEX_RESP_BADVERS);
	sg_buf_init(&out, 0);
	assert_int_equal(sg_msg_to_text(&out, &m), SG_OK);
	assert_int_equal(sg_buf_cstr(&out), SG_OK);
	t = (const char *)out.data;
	assert_non_null(strstr(t, "status: BADVERS, id: 1234\n"));
	assert_non_null(strstr(t, "; EDNS: version: 0, flags:; udp: 4096\n"));
	sg_buf_deinit(&out);

	parse_hex(&m, wire, sizeof(wire), &len, HEX_RESP_EDE_MULTI);
	sg_buf_init(&out, 0);
	assert_int_equal(sg_msg_to_text(&out, &m), SG_OK);
	assert_int_equal(sg_buf_cstr(&out), SG_OK);
	t = (const char *)out.data;
	assert_non_null(strstr(t, "status: REFUSED, id: 1234\n"));
	assert_non_null(strstr(t, "; EDE: 15 (Blocked): (policy)\n; EDE: 0 (Other Error)\n"));
	assert_non_null(strstr(t, "; NSID: 6e7331 (\"ns1\")\n"));
	assert_null(strstr(t, "ANSWER SECTION")); /* empty sections are not shown */
	sg_buf_deinit(&out);

	/* EDE text: control octets and invalid UTF-8 escaped, UTF-8 kept */
	static const char hex[] = "04d2 8105 0000 0000 0000 0001"
	                          "00 0029 04d0 00000000 000d 000f 0009 0012 c3a9 0a ff 41 4242";
	len = unhex_str(wire, sizeof(wire), hex);
	assert_int_equal(sg_msg_parse(&m, wire, len, arena), SG_OK);
	sg_buf_init(&out, 0);
	assert_int_equal(sg_msg_to_text(&out, &m), SG_OK);
	assert_int_equal(sg_buf_cstr(&out), SG_OK);
	assert_non_null(strstr((const char *)out.data,
	                       "; EDE: 18 (Prohibited): (\xc3\xa9\\010\\255ABB)\n"));
	sg_buf_deinit(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_parse_query),
	        cmocka_unit_test(test_parse_response_sections),
	        cmocka_unit_test(test_parse_nxdomain_soa),
	        cmocka_unit_test(test_parse_srv_and_unknown),
	        cmocka_unit_test(test_parse_extended_rcode_and_ede),
	        cmocka_unit_test(test_parse_arena_limit),
	        cmocka_unit_test(test_bad_packets),
	        cmocka_unit_test(test_trailing_is_flagged),
	        cmocka_unit_test(test_every_prefix_fails),
	        cmocka_unit_test(test_build_matches_dnspython),
	        cmocka_unit_test(test_build_parses_back),
	        cmocka_unit_test(test_compression_shrinks),
	        cmocka_unit_test(test_no_compression_in_rfc3597_types),
	        cmocka_unit_test(test_case_and_mixed_case_compression),
	        cmocka_unit_test(test_compression_folds_only_letters),
	        cmocka_unit_test(test_rollback_restores_table),
	        cmocka_unit_test(test_truncation_exact_limit),
	        cmocka_unit_test(test_opt_reservation),
	        cmocka_unit_test(test_builder_misuse),
	        cmocka_unit_test(test_update_delete),
	        cmocka_unit_test(test_reply),
	        cmocka_unit_test(test_large_message),
	        cmocka_unit_test(test_corpus_roundtrip),
	        cmocka_unit_test(test_names),
	        cmocka_unit_test(test_to_text),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
