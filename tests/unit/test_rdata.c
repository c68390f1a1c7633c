/* Unit tests for the RDATA presentation-format codec (rdata_text.c):
 * round trips for every type in the descriptor table, the RFC 3597
 * generic form, the RFC 4034 vectors and a table of bad inputs. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <setjmp.h>
#include <cmocka.h>

#include "signet/rr.h"
#include "signet/name.h"
#include "signet/util.h"

#define MAXTOK 256

/* Splits s on spaces like the zone-file scanner: a token starting with '"'
 * runs to the next unescaped '"' and is marked quoted (quotes dropped);
 * backslash escapes are kept raw. Bare "(" and ")" tokens are skipped. */
static size_t tokenize(sg_token_t *tok, size_t max, const char *s)
{
	size_t n = 0, i = 0, len = strlen(s);
	while (i < len) {
		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i >= len)
			break;
		assert_true(n < max);
		if (s[i] == '"') {
			size_t b = ++i;
			while (i < len && s[i] != '"')
				i += s[i] == '\\' ? 2 : 1;
			assert_true(i < len);
			tok[n++] = (sg_token_t){s + b, (uint32_t)(i - b), 1};
			i++;
			continue;
		}
		size_t b = i;
		while (i < len && s[i] != ' ' && s[i] != '\t')
			i += s[i] == '\\' && i + 1 < len ? 2 : 1;
		if (i - b == 1 && (s[b] == '(' || s[b] == ')'))
			continue;
		tok[n++] = (sg_token_t){s + b, (uint32_t)(i - b), 0};
	}
	return n;
}

static uint8_t origin[SG_NAME_MAX];

static int setup_origin(void **state)
{
	(void)state;
	size_t n;
	return sg_name_from_text(origin, &n, "example.", 8, NULL);
}

static int parse_o(uint16_t type, const char *text, uint8_t *wire, size_t cap, size_t *len,
		   char *err, size_t errcap, const uint8_t *org)
{
	sg_token_t tok[MAXTOK];
	size_t n = tokenize(tok, MAXTOK, text);
	return sg_rdata_from_text(wire, cap, len, type, tok, n, org, err, errcap);
}

static int parse(uint16_t type, const char *text, uint8_t *wire, size_t *len, char *err)
{
	return parse_o(type, text, wire, SG_RDATA_MAX, len, err, 256, origin);
}

static char *hex(const uint8_t *p, size_t n)
{
	static char buf[2 * SG_RDATA_MAX + 1];
	assert_true(sg_base16_encode(buf, sizeof(buf), p, n) >= 0);
	return buf;
}

/* ---- round trips ------------------------------------------------------ */

struct rt_case {
	uint16_t type;
	const char *in;
	const char *out;  /* printed form; NULL: same as `in` */
	const char *wire; /* expected wire hex (dnspython or the RFCs); NULL: not checked */
};

static const struct rt_case rt_cases[] = {
	/* wire hex from dnspython 2.3 (MD, MF, MB, MG, MR, MINFO, SIG, KEY by hand) */
	{SG_T_A, "192.0.2.1", NULL, "c0000201"},
	{SG_T_NS, "ns1", "ns1.example.", "036e7331076578616d706c6500"},
	{SG_T_MD, "md.example.", NULL, "026d64076578616d706c6500"},
	{SG_T_MF, "mf.example.", NULL, "026d66076578616d706c6500"},
	{SG_T_CNAME, "@", "example.", "076578616d706c6500"},
	{SG_T_SOA, "ns.example. admin.example. 2023010101 1h 15m 1w 300",
	 "ns.example. admin.example. 2023010101 3600 900 604800 300",
	 "026e73076578616d706c65000561646d696e076578616d706c65007894af3500000e100000038400093a80000"
	 "0012c"},
	{SG_T_MB, "mb.example.", NULL, "026d62076578616d706c6500"},
	{SG_T_MG, "mg.example.", NULL, "026d67076578616d706c6500"},
	{SG_T_MR, "mr.example.", NULL, "026d72076578616d706c6500"},
	{SG_T_PTR, "host.example.", NULL, "04686f7374076578616d706c6500"},
	{SG_T_HINFO, "\"PC Intel\" Linux", "\"PC Intel\" \"Linux\"",
	 "08504320496e74656c054c696e7578"},
	{SG_T_MINFO, "a.example. b.example.", NULL, "0161076578616d706c65000162076578616d706c6500"},
	{SG_T_MX, "10 mail.example.", NULL, "000a046d61696c076578616d706c6500"},
	{SG_T_TXT, "\"hello world\" \"a\\\"b;\" \"\\065\\255\\\\\"",
	 "\"hello world\" \"a\\\"b;\" \"A\\255\\\\\"",
	 "0b68656c6c6f20776f726c64046122623b0341ff5c"},
	{SG_T_RP, "admin.example. txt.example.", NULL,
	 "0561646d696e076578616d706c650003747874076578616d706c6500"},
	{SG_T_AFSDB, "1 afs.example.", NULL, "000103616673076578616d706c6500"},
	{SG_T_X25, "311061700956", "\"311061700956\"", "0c333131303631373030393536"},
	{SG_T_RT, "10 relay.example.", NULL, "000a0572656c6179076578616d706c6500"},
	{SG_T_SIG, "A 5 3 86400 20030322173103 20030220173103 2642 example.com. AAAA", NULL,
	 "00010503000151803e7c9dd73e5510d70a52076578616d706c6503636f6d00000000"},
	{SG_T_KEY, "256 3 RSASHA1 AQPSKmyn", "256 3 5 AQPSKmyn", "010003050103d22a6ca7"},
	{SG_T_PX, "10 map822.example. mapx400.example.", NULL,
	 "000a066d6170383232076578616d706c6500076d617078343030076578616d706c6500"},
	{SG_T_AAAA, "2001:db8::1", NULL, "20010db8000000000000000000000001"},
	{SG_T_LOC, "42 21 54 N 71 06 18 W -24m 30m",
	 "42 21 54.000 N 71 6 18.000 W -24.00m 30m 10000m 10m", "0033161389172dd070be15f000988d20"},
	{SG_T_LOC, "52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m", NULL,
	 "000016138b3cf018810cbce0009895b8"},
	{SG_T_SRV, "0 5 5060 sip.example.", NULL, "0000000513c403736970076578616d706c6500"},
	{SG_T_NAPTR, "100 10 \"S\" \"SIP+D2U\" \"!^.*$!sip:info@example.com!\" _sip._udp.example.",
	 NULL,
	 "0064000a0153075349502b4432551b215e2e2a24217369703a696e666f406578616d706c652e636f6d21045f7"
	 "36970045f756470076578616d706c6500"},
	{SG_T_KX, "10 kx.example.", NULL, "000a026b78076578616d706c6500"},
	{SG_T_CERT, "1 2 3 AAAA", "PKIX 2 3 AAAA", "0001000203000000"},
	{SG_T_CERT, "PGP 0 0 AQID", NULL, "0003000000010203"},
	{SG_T_DNAME, "target.example.", NULL, "06746172676574076578616d706c6500"},
	{SG_T_DS, "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118", NULL,
	 "ec4505012bb183af5f22588179a53b0a98631fad1a292118"},
	{SG_T_DS, "60485 5 2 d4b7d520e7bb5f0f67674a0cceb1e3e0 614b93c4f9e99b8383f6a1e4469da50a",
	 "60485 5 2 D4B7D520E7BB5F0F67674A0CCEB1E3E0614B93C4F9E99B8383F6A1E4469DA50A",
	 "ec450502d4b7d520e7bb5f0f67674a0cceb1e3e0614b93c4f9e99b8383f6a1e4469da50a"},
	{SG_T_SSHFP, "1 1 dd465c09cfa51fb45020cc83316fff21b9ec74ac",
	 "1 1 DD465C09CFA51FB45020CC83316FFF21B9EC74AC",
	 "0101dd465c09cfa51fb45020cc83316fff21b9ec74ac"},
	{SG_T_RRSIG,
	 "A 5 3 86400 20030322173103 20030220173103 2642 example.com. "
	 "oJB1W6WNGv+ldvQ3WDG0MQkg5IEhjRip8WTrPYGv07h108dUKGMeDPKijVCHX3DDKdfb+v6oB9wfuh3DTJXUAfI/"
	 "M0zmO/zz8bW0Rznl8O3tGNazPwQKkRN20XPXV6nwwfoXmJQbsLNrLfkGJ5D6fwFm8nN+6pBzeDQfsS3Ap3o=",
	 NULL,
	 "00010503000151803e7c9dd73e5510d70a52076578616d706c6503636f6d00a090755ba58d1affa576f437583"
	 "1b4310920e481218d18a9f164eb3d81afd3b875d3c75428631e0cf2a28d50875f70c329d7dbfafea807dc1fba"
	 "1dc34c95d401f23f334ce63bfcf3f1b5b44739e5f0eded18d6b33f040a911376d173d757a9f0c1fa1798941bb"
	 "0b36b2df9062790fa7f0166f2737eea907378341fb12dc0a77a"},
	{SG_T_NSEC, "host.example.com. A MX RRSIG NSEC TYPE1234", NULL,
	 "04686f7374076578616d706c6503636f6d000006400100000003041b000000000000000000000000000000000"
	 "000000000000000000020"},
	{SG_T_DNSKEY,
	 "256 3 5 "
	 "AQPSKmynfzW4kyBv015MUG2DeIQ3Cbl+BBZH4b/"
	 "0PY1kxkmvHjcZc8nokfzj31GajIQKY+5CptLr3buXA10hWqTkF7H6RfoRqXQe "
	 "ogmMHfpftf6zMv1LyBUgia7za6ZEzOJBOztyvhjL742iU/TpPSEDhm2SNKLijfUppn1UaNvv4w==",
	 "256 3 5 "
	 "AQPSKmynfzW4kyBv015MUG2DeIQ3Cbl+BBZH4b/"
	 "0PY1kxkmvHjcZc8nokfzj31GajIQKY+"
	 "5CptLr3buXA10hWqTkF7H6RfoRqXQeogmMHfpftf6zMv1LyBUgia7za6ZEzOJBOztyvhjL742iU/"
	 "TpPSEDhm2SNKLijfUppn1UaNvv4w==",
	 "010003050103d22a6ca77f35b893206fd35e4c506d8378843709b97e041647e1bff43d8d64c649af1e371973c"
	 "9e891fce3df519a8c840a63ee42a6d2ebddbb97035d215aa4e417b1fa45fa11a9741ea2098c1dfa5fb5feb332"
	 "fd4bc8152089aef36ba644cce2413b3b72be18cbef8da253f4e93d2103866d9234a2e28df529a67d5468dbefe"
	 "3"},
	{SG_T_DHCID, "AAIBY2/AuCccgoJbsaxcQc9TUapptP69lOjxfNuVAA2kjEA=", NULL,
	 "000201636fc0b8271c82825bb1ac5c41cf5351aa69b4febd94e8f17cdb95000da48c40"},
	{SG_T_NSEC3, "1 1 12 aabbccdd 2t7b4g4vsa5smi47k61mv5bv1a22bojr A RRSIG",
	 "1 1 12 AABBCCDD 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR A RRSIG",
	 "0101000c04aabbccdd14174eb2409fe28bcb4887a1836f957f0a8425e27b0006400000000002"},
	{SG_T_NSEC3, "1 0 0 - 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR", NULL,
	 "010000000014174eb2409fe28bcb4887a1836f957f0a8425e27b"},
	{SG_T_NSEC3PARAM, "1 0 12 aabbccdd", "1 0 12 AABBCCDD", "0100000c04aabbccdd"},
	{SG_T_NSEC3PARAM, "1 0 0 -", NULL, "0100000000"},
	{SG_T_TLSA, "3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6", NULL,
	 "0301010c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6"},
	{SG_T_SMIMEA, "3 0 1 abcdef0123", "3 0 1 ABCDEF0123", "030001abcdef0123"},
	{SG_T_CDS, "0 0 0 00", NULL, "0000000000"},
	{SG_T_CDNSKEY, "0 3 0 AA==", NULL, "0000030000"},
	{SG_T_OPENPGPKEY, "mQINBFit2jsBEADrbl5vjVxYeAE0g0IDYCBpHirv1Sjlqxx5gjtPhb2YhvyDMXjq", NULL,
	 "99020d0458adda3b011000eb6e5e6f8d5c587801348342036020691e2aefd528e5ab1c79823b4f85bd9886fc8"
	 "33178ea"},
	{SG_T_CSYNC, "66 3 A NS AAAA", NULL, "000000420003000460000008"},
	{SG_T_ZONEMD,
	 "2018031500 1 1 "
	 "FEBE3D4CE2EC2FFA4BA99D46CD69D6D29711E55217057BEE7EB1A7B641A47BA7FED2DD5B97AE499FAFA4F22C6"
	 "BD647DE",
	 NULL,
	 "7848b78c0101febe3d4ce2ec2ffa4ba99d46cd69d6d29711e55217057bee7eb1a7b641a47ba7fed2dd5b97ae4"
	 "99fafa4f22c6bd647de"},
	{SG_T_SVCB, "1 . alpn=h2,h3 port=8443", "1 . alpn=\"h2,h3\" port=8443",
	 "000100000100060268320268330003000220fb"},
	{SG_T_SVCB, "0 foo.example.", NULL, "000003666f6f076578616d706c6500"},
	{SG_T_HTTPS,
	 "1 . port=53 alpn=h2 mandatory=port,alpn no-default-alpn ipv4hint=192.0.2.1,192.0.2.2 "
	 "ech=AEX+DQBBpQAgACA= ipv6hint=2001:db8::1,::1 key667=\"hi\"",
	 "1 . mandatory=alpn,port alpn=\"h2\" no-default-alpn port=53 ipv4hint=192.0.2.1,192.0.2.2 "
	 "ech=AEX+DQBBpQAgACA= ipv6hint=2001:db8::1,::1 key667=\"hi\"",
	 "0001000000000400010003000100030268320002000000030002003500040008c0000201c00002020005000b0"
	 "045fe0d0041a5002000200006002020010db80000000000000000000000010000000000000000000000000000"
	 "0001029b00026869"},
	{SG_T_HTTPS, "1 svc.example. alpn=\"f\\\\\\\\oo\\\\,bar,h2\"", NULL,
	 "000103737663076578616d706c65000001000c08665c6f6f2c626172026832"},
	{SG_T_SPF, "\"v=spf1 -all\"", NULL, "0b763d73706631202d616c6c"},
	{SG_T_NID, "10 0014:4fff:ff20:ee64", NULL, "000a00144fffff20ee64"},
	{SG_T_L32, "10 10.1.2.0", NULL, "000a0a010200"},
	{SG_T_L64, "10 2001:0DB8:1140:1000", "10 2001:0db8:1140:1000", "000a20010db811401000"},
	{SG_T_LP, "10 l64-subnet1.example.", NULL,
	 "000a0b6c36342d7375626e657431076578616d706c6500"},
	{SG_T_EUI48, "00-00-5e-00-53-2a", NULL, "00005e00532a"},
	{SG_T_EUI64, "00-00-5e-ef-10-00-00-2a", NULL, "00005eef1000002a"},
	{SG_T_URI, "10 1 \"ftp://ftp1.example.com/public\"", NULL,
	 "000a00016674703a2f2f667470312e6578616d706c652e636f6d2f7075626c6963"},
	{SG_T_CAA, "0 issue \"ca.example\"", NULL, "0005697373756563612e6578616d706c65"},
	{SG_T_CAA, "128 tbs \"Unknown; x=\\\"y\\\"\"", NULL,
	 "8003746273556e6b6e6f776e3b20783d227922"},
	/* forms dnspython 2.3 does not know; wire derived from RFC 9460/9461 by hand */
	{SG_T_HTTPS, "1 . dohpath=/q{?dns} ohttp", "1 . key7=\"/q{?dns}\" key8",
	 "000100000700082f717b3f646e737d00080000"},
	{SG_T_SVCB, "1 . alpn= \"h3\" key65000", "1 . alpn=\"h3\" key65000",
	 "00010000010003026833fde80000"},
	/* RRSIG times as plain decimal seconds */
	{SG_T_RRSIG, "A 5 3 86400 1048354263 1045762263 2642 example.com. AAAA",
	 "A 5 3 86400 20030322173103 20030220173103 2642 example.com. AAAA",
	 "00010503000151803e7c9dd73e5510d70a52076578616d706c6503636f6d00000000"},
	/* bitmap: any order, duplicates ignored */
	{SG_T_NSEC, "a.example. NSEC MX A A TYPE1 RRSIG", "a.example. A MX RRSIG NSEC",
	 "0161076578616d706c65000006400100000003"},
	/* LOC limits, printed as BIND prints them */
	{SG_T_LOC, "90 S 180 W 42849672.95m 90000000m 0.01m 0m",
	 "90 0 0.000 S 180 0 0.000 W 42849672.95m 90000000m 0.01m 0.00m", NULL},
	{SG_T_LOC, "0 N 0 E 0", "0 0 0.000 N 0 0 0.000 E 0.00m 1m 10000m 10m",
	 "00121613800000008000000000989680"},
	{SG_T_TXT, "unquoted \"\"", "\"unquoted\" \"\"", "08756e71756f74656400"},
	{SG_T_CAA, "0 issue \"\"", NULL, "00056973737565"},
};

static void test_roundtrip(void **state)
{
	(void)state;
	static uint8_t w1[SG_RDATA_MAX], w2[SG_RDATA_MAX];
	static char text[100000], gen[200000];
	char err[256];
	size_t l1, l2;
	for (size_t i = 0; i < sizeof(rt_cases) / sizeof(rt_cases[0]); i++) {
		const struct rt_case *c = &rt_cases[i];
		int r = parse(c->type, c->in, w1, &l1, err);
		if (r != SG_OK)
			fail_msg("case %zu type %u \"%s\": %d %s", i, c->type, c->in, r, err);
		if (c->wire && strcmp(hex(w1, l1), c->wire) != 0)
			fail_msg("case %zu \"%s\": wire %s, want %s", i, c->in, hex(w1, l1),
				 c->wire);
		assert_int_equal(sg_rdata_check(c->type, w1, l1), SG_OK);
		int n = sg_rdata_to_text(text, sizeof(text), c->type, w1, l1, 0);
		assert_true(n > 0);
		assert_int_equal((size_t)n, strlen(text));
		const char *want = c->out ? c->out : c->in;
		if (strcmp(text, want) != 0)
			fail_msg("case %zu: printed \"%s\", want \"%s\"", i, text, want);
		r = parse(c->type, text, w2, &l2, err);
		if (r != SG_OK)
			fail_msg("case %zu reparse \"%s\": %s", i, text, err);
		assert_int_equal(l1, l2);
		assert_memory_equal(w1, w2, l1);
		/* and through the generic form */
		n = sg_rdata_to_text(gen, sizeof(gen), c->type, w1, l1, SG_TEXT_GENERIC);
		assert_true(n > 0);
		assert_true(strncmp(gen, "\\# ", 3) == 0);
		r = parse(c->type, gen, w2, &l2, err);
		if (r != SG_OK)
			fail_msg("case %zu generic \"%s\": %s", i, gen, err);
		assert_int_equal(l1, l2);
		assert_memory_equal(w1, w2, l1);
	}
}

/* Every type of the table that has fields appears in the round trips. */
static void test_every_type_covered(void **state)
{
	(void)state;
	unsigned missing = 0;
	for (unsigned t = 0; t < 65536; t++) {
		const sg_rrtype_desc_t *d = sg_rrtype_desc((uint16_t)t);
		if (!d || d->fields[0] == SG_F_END || d->fields[0] == SG_F_OPTS)
			continue;
		bool found = false;
		for (size_t i = 0; i < sizeof(rt_cases) / sizeof(rt_cases[0]); i++)
			found |= rt_cases[i].type == t;
		if (!found) {
			print_message("type %s has no round-trip case\n", d->name);
			missing++;
		}
	}
	assert_int_equal(missing, 0);
}

/* ---- RFC 3597 generic form ------------------------------------------- */

static void test_generic(void **state)
{
	(void)state;
	uint8_t w[64], a[64];
	size_t l, al;
	char err[256], text[256];
	assert_int_equal(parse(65000, "\\# 4 0a000001", w, &l, err), SG_OK);
	assert_int_equal(l, 4);
	assert_string_equal(hex(w, l), "0a000001");
	assert_int_equal(sg_rdata_to_text(text, sizeof(text), 65000, w, l, 0), 13);
	assert_string_equal(text, "\\# 4 0a000001");
	/* hex may be split, even inside an octet */
	assert_int_equal(parse(65000, "\\# 4 0a0 00 001", w, &l, err), SG_OK);
	assert_string_equal(hex(w, l), "0a000001");
	/* A in \# form equals the normal A */
	assert_int_equal(parse(SG_T_A, "\\# 4 C0000201", w, &l, err), SG_OK);
	assert_int_equal(parse(SG_T_A, "192.0.2.1", a, &al, err), SG_OK);
	assert_int_equal(l, al);
	assert_memory_equal(w, a, l);
	assert_int_equal(sg_rdata_to_text(text, sizeof(text), SG_T_A, w, l, 0), 9);
	assert_string_equal(text, "192.0.2.1");
	assert_true(sg_rdata_to_text(text, sizeof(text), SG_T_A, w, l, SG_TEXT_GENERIC) > 0);
	assert_string_equal(text, "\\# 4 c0000201");
	/* empty */
	assert_int_equal(parse(65000, "\\# 0", w, &l, err), SG_OK);
	assert_int_equal(l, 0);
	assert_true(sg_rdata_to_text(text, sizeof(text), 65000, w, 0, 0) > 0);
	assert_string_equal(text, "\\# 0");
	/* a known type whose wire does not fit its layout prints as \# */
	static const uint8_t bad_a[3] = {1, 2, 3};
	assert_true(sg_rdata_to_text(text, sizeof(text), SG_T_A, bad_a, 3, 0) > 0);
	assert_string_equal(text, "\\# 3 010203");
	static const uint8_t bad_mx[3] = {0, 10, 5};
	assert_true(sg_rdata_to_text(text, sizeof(text), SG_T_MX, bad_mx, 3, 0) > 0);
	assert_string_equal(text, "\\# 3 000a05");
	/* values with no presentation form fall back too */
	static const uint8_t ds_empty[4] = {0, 1, 8, 2};
	assert_true(sg_rdata_to_text(text, sizeof(text), SG_T_DS, ds_empty, 4, 0) > 0);
	assert_string_equal(text, "\\# 4 00010802");
	static const uint8_t caa_badtag[5] = {0, 2, 'a', '-', 'x'};
	assert_true(sg_rdata_to_text(text, sizeof(text), SG_T_CAA, caa_badtag, 5, 0) > 0);
	assert_string_equal(text, "\\# 5 0002612d78");
	static const uint8_t svcb_unsorted[] = {0, 1, 0, 0, 3, 0, 2, 0, 53, 1, 0, 3, 2, 'h', '2'};
	assert_true(sg_rdata_to_text(text, sizeof(text), SG_T_SVCB, svcb_unsorted,
				     sizeof(svcb_unsorted), 0) > 0);
	assert_true(strncmp(text, "\\# 15 ", 6) == 0);
	/* a quoted "\#" is not the generic marker */
	assert_int_equal(parse(SG_T_TXT, "\"\\#\"", w, &l, err), SG_OK);
	assert_string_equal(hex(w, l), "0123");
}

static void test_rr_to_text(void **state)
{
	(void)state;
	uint8_t owner[SG_NAME_MAX], w[64];
	size_t ol, l;
	char text[512], err[256];
	assert_int_equal(sg_name_from_text(owner, &ol, "www.example.", 12, NULL), SG_OK);
	assert_int_equal(parse(SG_T_MX, "10 mail", w, &l, err), SG_OK);
	int n = sg_rr_to_text(text, sizeof(text), owner, 3600, SG_C_IN, SG_T_MX, w, l, 0);
	assert_string_equal(text, "www.example.\t3600\tIN\tMX\t10 mail.example.");
	assert_int_equal(n, (int)strlen(text));
	static const uint8_t g[4] = {10, 0, 0, 1};
	assert_true(sg_rr_to_text(text, sizeof(text), owner, 0, 7, 65000, g, 4, 0) > 0);
	assert_string_equal(text, "www.example.\t0\tCLASS7\tTYPE65000\t\\# 4 0a000001");
}

/* Output never passes cap; every short buffer is SG_ESPACE. */
static void test_espace(void **state)
{
	(void)state;
	uint8_t owner[SG_NAME_MAX], w[512];
	size_t ol, l;
	char text[1024], err[256];
	assert_int_equal(sg_name_from_text(owner, &ol, "a.example.", 10, NULL), SG_OK);
	static const struct {
		uint16_t type;
		const char *s;
	} cases[] = {
		{SG_T_NSEC3, "1 1 12 aabbccdd 2t7b4g4vsa5smi47k61mv5bv1a22bojr A RRSIG"},
		{SG_T_HTTPS, "1 . alpn=h2,h3 ech=AEX+ ipv6hint=::1"},
		{SG_T_LOC, "42 21 54 N 71 06 18 W -24m 30m"},
		{SG_T_TXT, "\"a\\\"b\" \"\\255\""},
		{SG_T_RRSIG, "A 5 3 86400 20030322173103 20030220173103 2642 example.com. AAAA"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(parse(cases[i].type, cases[i].s, w, &l, err), SG_OK);
		int full = sg_rr_to_text(text, sizeof(text), owner, 1, 1, cases[i].type, w, l, 0);
		assert_true(full > 0);
		for (int cap = 0; cap <= full; cap++) {
			char buf[1024];
			memset(buf, 'Z', sizeof(buf));
			assert_int_equal(sg_rr_to_text(buf, (size_t)cap, owner, 1, 1, cases[i].type,
						       w, l, 0),
					 SG_ESPACE);
			assert_int_equal(buf[cap], 'Z');
			int rn = sg_rdata_to_text(buf, (size_t)cap, cases[i].type, w, l, 0);
			assert_true(rn == SG_ESPACE || (rn >= 0 && rn < cap));
			assert_int_equal(buf[cap], 'Z');
		}
		char ok[1024];
		assert_int_equal(
			sg_rr_to_text(ok, (size_t)full + 1, owner, 1, 1, cases[i].type, w, l, 0),
			full);
		assert_string_equal(ok, text);
		/* parsing into too small a buffer */
		for (size_t cap = 0; cap < l; cap++) {
			uint8_t small[512];
			size_t sl;
			memset(small, 0xEE, sizeof(small));
			assert_int_equal(parse_o(cases[i].type, cases[i].s, small, cap, &sl, err,
						 sizeof(err), origin),
					 SG_ESPACE);
			assert_int_equal(small[cap], 0xEE);
		}
	}
}

/* ---- RFC 4034 vectors ------------------------------------------------- */

static void test_vectors(void **state)
{
	(void)state;
	const char *dir = getenv("SIGNET_VECTORS");
	char path[1024];
	snprintf(path, sizeof(path), "%s/rfc4034-rfc4509.txt",
		 dir ? dir : "../shared/testdata/vectors");
	FILE *f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open %s", path);
	static char line[8192], rec[8192];
	static uint8_t w[SG_RDATA_MAX];
	char err[256];
	size_t l = 0;
	uint16_t type = 0;
	int have = 0, checked = 0;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = 0;
		if (line[0] != ';' && line[0] != 0) {
			/* owner TTL CLASS TYPE rdata... */
			sg_token_t tok[MAXTOK];
			memcpy(rec, line, sizeof(rec));
			size_t n = tokenize(tok, MAXTOK, rec);
			assert_true(n > 4);
			assert_int_equal(sg_type_from_text(&type, tok[3].text, tok[3].len), SG_OK);
			int r = sg_rdata_from_text(w, sizeof(w), &l, type, tok + 4, n - 4, NULL,
						   err, sizeof(err));
			if (r != SG_OK)
				fail_msg("%s: %s", line, err);
			have = 1;
			continue;
		}
		const char *p;
		if (have && (p = strstr(line, "; expect: rdata-hex "))) {
			assert_string_equal(hex(w, l), p + 20);
			checked++;
		} else if (have && (p = strstr(line, "; expect: rdata-prefix-hex "))) {
			p += 27;
			assert_true(strlen(p) <= 2 * l);
			assert_true(strncmp(hex(w, l), p, strlen(p)) == 0);
			checked++;
		}
	}
	fclose(f);
	assert_int_equal(checked, 2);
}

/* ---- bad inputs ------------------------------------------------------- */

static char long_txt[300];
static char big_salt[600];

static const struct bad_case {
	uint16_t type;
	const char *in;
	int code;
	const char *phrase;
} bad_cases[] = {
	{SG_T_A, "1.2.3", SG_ESYNTAX, "bad IPv4 address \"1.2.3\""},
	{SG_T_A, "1.2.3.256", SG_ESYNTAX, "bad IPv4 address"},
	{SG_T_A, "01.2.3.4", SG_ESYNTAX, "bad IPv4 address"},
	{SG_T_A, "", SG_ESYNTAX, "missing address in A"},
	{SG_T_A, "1.2.3.4 5.6.7.8", SG_ESYNTAX, "unexpected text \"5.6.7.8\" after A data"},
	{SG_T_AAAA, "2001:db8::g", SG_ESYNTAX, "bad IPv6 address"},
	{SG_T_AAAA, "1.2.3.4", SG_ESYNTAX, "bad IPv6 address"},
	{SG_T_MX, "70000 mx.example.", SG_ERANGE, "MX preference \"70000\" out of range"},
	{SG_T_MX, "10", SG_ESYNTAX, "missing exchange in MX"},
	{SG_T_MX, "10 a.example. foo", SG_ESYNTAX, "unexpected text \"foo\" after MX data"},
	{SG_T_MX, "ten a.example.", SG_ESYNTAX, "MX preference: bad number \"ten\""},
	{SG_T_MX, "-1 a.example.", SG_ESYNTAX, "bad number"},
	{SG_T_SSHFP, "256 1 aa", SG_ERANGE, "out of range"},
	{SG_T_SOA, "a. b. 1 2 3 4", SG_ESYNTAX, "missing minimum in SOA"},
	{SG_T_SOA, "a. b. 1 2 3 1x 5", SG_ESYNTAX, "bad period \"1x\""},
	{SG_T_SOA, "a. b. 4294967296 2 3 4 5", SG_ERANGE, "SOA serial"},
	{SG_T_NS, "a..example.", SG_ESYNTAX, "bad name"},
	{SG_T_NS, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.",
	 SG_ETOOLONG, "label over 63"},
	{SG_T_TXT, long_txt, SG_ETOOLONG, "over 255 octets"},
	{SG_T_TXT, "", SG_ESYNTAX, "missing text in TXT"},
	{SG_T_TXT, "\"a\\300\"", SG_ESYNTAX, "escape"},
	{SG_T_TXT, "a\\", SG_ESYNTAX, "escape"},
	{SG_T_DNSKEY, "256 3 8 AB$=", SG_ESYNTAX, "bad base64"},
	{SG_T_DNSKEY, "256 3 8 AAA", SG_ESYNTAX, "not a multiple of 4"},
	{SG_T_DNSKEY, "256 3 8 AA== AAAA", SG_ESYNTAX, "after padding"},
	{SG_T_DNSKEY, "256 3 8", SG_ESYNTAX, "missing public key in DNSKEY"},
	{SG_T_DNSKEY, "256 3 FOO AAAA", SG_ESYNTAX, "bad algorithm \"FOO\""},
	{SG_T_DNSKEY, "256 3 300 AAAA", SG_ERANGE, "DNSKEY algorithm \"300\" out of range"},
	{SG_T_DS, "1 8 2 abcz", SG_ESYNTAX, "bad hex \"abcz\""},
	{SG_T_DS, "1 8 2 abc", SG_ESYNTAX, "odd number of hex digits"},
	{SG_T_DS, "1 8 2", SG_ESYNTAX, "missing digest in DS"},
	{SG_T_NSEC, "a.example. A FOO", SG_ESYNTAX, "unknown type \"FOO\""},
	{SG_T_NSEC, "a.example. A TYPE70000", SG_ESYNTAX, "unknown type"},
	{SG_T_RRSIG, "A 8 2 3600 20031322173103 20030220173103 1 example. AAAA", SG_ERANGE,
	 "bad time"},
	{SG_T_RRSIG, "A 8 2 3600 2003032217310 20030220173103 1 example. AAAA", SG_ESYNTAX,
	 "RRSIG expiration: bad time"},
	{SG_T_RRSIG, "FOO 8 2 3600 20030322173103 20030220173103 1 example. AAAA", SG_ESYNTAX,
	 "RRSIG type covered: bad type \"FOO\""},
	{SG_T_NSEC3, "1 1 12 abc 2t7b4g4vsa5smi47k61mv5bv1a22bojr", SG_ESYNTAX, "bad salt"},
	{SG_T_NSEC3, big_salt, SG_ETOOLONG, "salt (over 255"},
	{SG_T_NSEC3, "1 1 12 - zzzz", SG_ESYNTAX, "bad base32hex"},
	{SG_T_NSEC3PARAM, "1 0 12", SG_ESYNTAX, "missing salt in NSEC3PARAM"},
	{SG_T_LOC, "91 0 0 N 0 E 0", SG_ERANGE, "LOC latitude"},
	{SG_T_LOC, "90 1 0 N 0 E 0", SG_ERANGE, "out of range"},
	{SG_T_LOC, "42 21 54 X 71 06 18 W 0", SG_ESYNTAX, "LOC latitude: bad value \"X\""},
	{SG_T_LOC, "42 21 54 N 71 06 18 W", SG_ESYNTAX, "missing altitude in LOC"},
	{SG_T_LOC, "42 21 54 N 71 06 18", SG_ESYNTAX, "missing longitude hemisphere"},
	{SG_T_LOC, "42 21 54 N 71 06 18 W 0 90000001m", SG_ERANGE, "LOC size"},
	{SG_T_LOC, "42 21 54 N 71 06 18 W 0 1.234m", SG_ESYNTAX, "LOC size"},
	{SG_T_LOC, "42 21 54 N 71 06 18 W -100000.01m", SG_ERANGE, "LOC altitude"},
	{SG_T_LOC, "42 21 60 N 71 06 18 W 0", SG_ERANGE, "bad value \"60\""},
	{SG_T_LOC, "0 N 0 E 0 1m 1m 1m 1m", SG_ESYNTAX, "unexpected text \"1m\""},
	{SG_T_SVCB, "1 . foo=bar", SG_ESYNTAX, "unknown key"},
	{SG_T_SVCB, "1 . port=1 port=2", SG_ESYNTAX, "duplicate key \"port\""},
	{SG_T_SVCB, "1 . port=99999", SG_ESYNTAX, "port needs a number"},
	{SG_T_SVCB, "1 . mandatory=alpn port=1", SG_ESYNTAX,
	 "mandatory lists key1, which is absent"},
	{SG_T_SVCB, "1 . mandatory=port,port port=1", SG_ESYNTAX, "mandatory lists a key twice"},
	{SG_T_SVCB, "1 . mandatory=mandatory", SG_ESYNTAX, "bad value"},
	{SG_T_SVCB, "1 . alpn", SG_ESYNTAX, "needs a value"},
	{SG_T_SVCB, "1 . alpn=h2,,h3", SG_ESYNTAX, "bad value"},
	{SG_T_SVCB, "1 . no-default-alpn=x", SG_ESYNTAX, "takes no value"},
	{SG_T_SVCB, "1 . ipv4hint=1.2.3", SG_ESYNTAX, "bad value"},
	{SG_T_SVCB, "1 . ipv6hint=1.2.3.4", SG_ESYNTAX, "bad value"},
	{SG_T_SVCB, "1 . ech=A", SG_ESYNTAX, "bad base64"},
	{SG_T_SVCB, "1 . key65535=x", SG_ESYNTAX, "unknown key"},
	{SG_T_CAA, "0 \"issue\" \"x\"", SG_ESYNTAX, "CAA tag: bad tag"},
	{SG_T_CAA, "0 iss-ue \"x\"", SG_ESYNTAX, "bad tag"},
	{SG_T_CAA, "0 issue", SG_ESYNTAX, "missing value in CAA"},
	{SG_T_CERT, "FOO 0 0 AAAA", SG_ESYNTAX, "bad certificate type \"FOO\""},
	{SG_T_EUI48, "00-00-5e-00-53", SG_ESYNTAX, "bad EUI-48 address"},
	{SG_T_EUI64, "00-00-5e-00-53-2a", SG_ESYNTAX, "bad EUI-64 address"},
	{SG_T_L64, "10 2001:db8:1140", SG_ESYNTAX, "bad 64-bit locator"},
	{SG_T_NID, "10 2001:db8:1140:10000", SG_ESYNTAX, "bad 64-bit locator"},
	{SG_T_OPT, "1 2", SG_ESYNTAX, "only in the RFC 3597"},
	{65000, "foo", SG_ESYNTAX, "\\# form"},
	{65000, "\\# 4 0a0000", SG_ESYNTAX, "length 4 does not match the 3 octets"},
	{65000, "\\# x", SG_ESYNTAX, "bad \\# RDATA length"},
	{65000, "\\# 70000", SG_ERANGE, "bad \\# RDATA length"},
	{65000, "\\#", SG_ESYNTAX, "missing RDATA length"},
	{65000, "\\# 2 0g00", SG_ESYNTAX, "bad \\# hex"},
	{65000, "\\# 1", SG_ESYNTAX, "does not match"},
	{SG_T_A, "\\# 3 0a0000", SG_ESYNTAX, "RDATA in \\# form does not match the TYPE layout"},
	{SG_T_MX, "\\# 3 000a05", SG_ESYNTAX, "does not match the TYPE layout"},
};

/* A RDATA accepts exactly what the C library's inet_pton accepts (the
 * parser has its own fast path for the common dotted quad). */
static void test_ipv4_like_inet_pton(void **state)
{
	(void)state;
	static const char *cases[] = {
	        "1.2.3.4",   "0.0.0.0",   "255.255.255.255", "10.0.0.1",  "256.1.1.1",
	        "1.2.3",     "1.2.3.4.5", "1..2.3",          "01.2.3.4",  "1.2.3.04",
	        "00.1.2.3",  "1.2.3.4.",  ".1.2.3",          "1.2.3.a",   "1234.1.1.1",
	        "1.2.3.999", "0x1.2.3.4", "1.2.3.-4",        "192.0.2.1", "1.2.3.+4",
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		uint8_t want[4], wire[SG_RDATA_MAX];
		size_t len = 0;
		char err[256];
		int libc = inet_pton(AF_INET, cases[i], want) == 1;
		int r = parse(SG_T_A, cases[i], wire, &len, err);
		if (libc) {
			assert_int_equal(r, SG_OK);
			assert_int_equal(len, 4);
			assert_memory_equal(wire, want, 4);
		} else {
			assert_int_equal(r, SG_ESYNTAX);
		}
	}
}

static void test_bad(void **state)
{
	(void)state;
	/* 256-octet string */
	long_txt[0] = '"';
	memset(long_txt + 1, 'x', 256);
	long_txt[257] = '"';
	long_txt[258] = 0;
	/* 256-octet salt */
	memcpy(big_salt, "1 1 12 ", 7);
	memset(big_salt + 7, 'a', 512);
	memcpy(big_salt + 519, " 2t7b4g4vsa5smi47k61mv5bv1a22bojr", 34);
	big_salt[553] = 0;
	static uint8_t w[SG_RDATA_MAX];
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		char err[256] = "untouched";
		size_t l = 12345;
		int r = parse(c->type, c->in, w, &l, err);
		if (r != c->code || !strstr(err, c->phrase))
			fail_msg("case %zu (type %u \"%.40s\"): got %d \"%s\", want %d with \"%s\"",
				 i, c->type, c->in, r, err, c->code, c->phrase);
		assert_int_equal(l, 12345); /* no output length on failure */
	}
	assert_true(sizeof(bad_cases) / sizeof(bad_cases[0]) >= 25);
	/* a relative name without an origin */
	char err[256];
	size_t l;
	assert_int_equal(parse_o(SG_T_NS, "ns1", w, sizeof(w), &l, err, sizeof(err), NULL),
			 SG_ESYNTAX);
	assert_non_null(strstr(err, "relative"));
	/* a short message buffer is truncated, not overrun */
	char tiny[8];
	memset(tiny, 'Z', sizeof(tiny));
	assert_int_equal(parse_o(SG_T_A, "1.2.3", w, sizeof(w), &l, tiny, 4, origin), SG_ESYNTAX);
	assert_int_equal(tiny[3], 0);
	assert_int_equal(tiny[4], 'Z');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip), cmocka_unit_test(test_every_type_covered),
		cmocka_unit_test(test_generic),   cmocka_unit_test(test_rr_to_text),
		cmocka_unit_test(test_espace),    cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_bad),       cmocka_unit_test(test_ipv4_like_inet_pton),
	};
	return cmocka_run_group_tests(tests, setup_origin, NULL);
}
