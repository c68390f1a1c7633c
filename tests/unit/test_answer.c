/* The answer engine: one zone, unsigned and signed three ways (NSEC, NSEC3,
 * NSEC3 opt-out) by the library signer; a table of queries, each checked
 * for rcode, flags and section contents, and with DO for signatures that
 * verify and for denial proofs that prove what they must (checked here by
 * reasoning over the NSEC/NSEC3 records, not by comparing with the engine's
 * own choice of records). Then the edges: EDNS, truncation, malformed
 * queries, opcodes, zone transfers, zone sets, a throughput measurement. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server/answer.h"
#include "signet/denial.h"
#include "signet/dnssec.h"
#include "signet/msg.h"
#include "signet/rr.h"
#include "signet/sign.h"
#include "signet/zonefile.h"

static const char ZONE[] =
        "$ORIGIN example.org.\n"
        "$TTL 3600\n"
        "@ SOA ns1 host 1 7200 3600 1209600 300\n"
        "@ NS ns1\n"
        "@ NS ns2\n"
        "@ MX 10 mail\n"
        "ns1 A 192.0.2.1\n"
        "ns2 AAAA 2001:db8::53\n"
        "mail A 192.0.2.10\n"
        "www A 192.0.2.2\n"
        "www AAAA 2001:db8::2\n"
        "*.wild TXT \"w\"\n"
        "*.wild A 192.0.2.7\n"
        "x.*.ew A 192.0.2.8\n"
        "a.b.ent A 192.0.2.3\n"
        "insecure NS ns.insecure\n"
        "ns.insecure A 192.0.2.4\n"
        "x.only-insecure NS ns.example.net.\n"
        "secure NS ns.secure\n"
        "secure NS ns.example.net.\n"
        "ns.secure A 192.0.2.5\n"
        "ns.secure AAAA 2001:db8::5\n"
        "secure DS 1 13 2 0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20\n"
        "sib NS ns1\n"
        "c1 CNAME c2\n"
        "c2 CNAME www\n"
        "cout CNAME www.example.net.\n"
        "cwild CNAME foo.wild\n"
        "cnx CNAME nothere\n"
        "loop1 CNAME loop2\n"
        "loop2 CNAME loop1\n"
        "d DNAME tgt\n"
        "www.tgt A 192.0.2.9\n"
        "host HINFO \"cpu\" \"os\"\n"
        "host TXT \"t\"\n"
        "_sip._tcp SRV 0 0 5060 www\n"
        "caa CAA 0 issue \"ca.example.net\"\n";

enum { V_UNSIGNED, V_NSEC, V_NSEC3, V_OPTOUT, NVAR };
static const char *const vname[NVAR] = {"unsigned", "nsec", "nsec3", "nsec3-optout"};
static const uint8_t SALT[2] = {0xab, 0xcd};
#define ITER 1
#define NOW  1750000000

static sg_dnskey_t keys[2];
static sg_authzone_t *azs[NVAR];
static sg_zoneset_t *zsets[NVAR];
static sg_arena_t *arena, *parena;
static uint8_t resp[SG_MSG_MAX];
static size_t resp_len;

/* ---- helpers --------------------------------------------------------------- */

static const uint8_t *N(const char *text)
{
	static uint8_t buf[16][SG_NAME_MAX];
	static int i;
	static const uint8_t origin[] = "\7example\3org";
	size_t len;
	uint8_t *b = buf[i++ % 16];
	size_t tl = strlen(text);
	if (tl == 1 && text[0] == '@') {
		memcpy(b, origin, sizeof(origin));
		return b;
	}
	assert_int_equal(sg_name_from_text(b, &len, text, tl, origin), SG_OK);
	return b;
}

static int add_rr(void *ctx, const sg_rr_t *rr, const char *file, unsigned line)
{
	return sg_zone_builder_add(ctx, rr, file, line);
}

static int emit_rr(void *ctx, const sg_rr_t *rr)
{
	return sg_zone_builder_add(ctx, rr, NULL, 0);
}

/* Loads text; signs it when `so` is given. */
static sg_authzone_t *make_zone(const char *text, sg_sign_opts_t *so)
{
	const sg_dnskey_t *kp[2] = {&keys[0], &keys[1]};
	sg_zone_builder_t *b = sg_zone_builder_new(N("@"));
	sg_zparse_opts_t po = {.record = add_rr, .ctx = b};
	assert_int_equal(sg_zonefile_parse_mem(text, strlen(text), "t", &po, NULL), SG_OK);
	if (so)
		assert_int_equal(sg_sign_prepare(b, N("@"), kp, 2, 3600, so), SG_OK);
	sg_zone_t *z;
	assert_int_equal(sg_zone_build(&z, b, NULL), SG_OK);
	if (so) {
		sg_zone_builder_t *b2 = sg_zone_builder_new(N("@"));
		so->emit = emit_rr;
		so->emit_ctx = b2;
		so->inception = 1700000000;
		so->expiration = 1800000000;
		so->threads = 1;
		char err[256];
		assert_int_equal(sg_zone_sign(z, kp, 2, so, NULL, err, sizeof(err)), SG_OK);
		sg_zone_free(z);
		assert_int_equal(sg_zone_build(&z, b2, NULL), SG_OK);
	}
	sg_authzone_t *az;
	char err[256];
	assert_int_equal(sg_authzone_new(&az, z, err, sizeof(err)), SG_OK);
	return az;
}

static int setup(void **state)
{
	(void)state;
	char err[256];
	if (sg_dnskey_generate(&keys[0], N("@"), 13, 0, 257, err, sizeof(err)) ||
	    sg_dnskey_generate(&keys[1], N("@"), 13, 0, 256, err, sizeof(err)))
		return -1;
	arena = sg_arena_new(0, 0);
	parena = sg_arena_new(0, 0);
	sg_sign_opts_t nsec = {.denial = SG_DENIAL_NSEC};
	sg_sign_opts_t n3 = {.denial = SG_DENIAL_NSEC3,
	                     .nsec3_salt = SALT,
	                     .nsec3_saltlen = 2,
	                     .nsec3_iterations = ITER};
	sg_sign_opts_t oo = n3;
	oo.nsec3_opt_out = true;
	azs[V_UNSIGNED] = make_zone(ZONE, NULL);
	azs[V_NSEC] = make_zone(ZONE, &nsec);
	azs[V_NSEC3] = make_zone(ZONE, &n3);
	azs[V_OPTOUT] = make_zone(ZONE, &oo);
	for (int v = 0; v < NVAR; v++)
		if (sg_zoneset_new(&zsets[v], &azs[v], 1) != SG_OK)
			return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (int v = 0; v < NVAR; v++) {
		sg_zoneset_unref(zsets[v]);
		sg_authzone_unref(azs[v]);
	}
	sg_dnskey_deinit(&keys[0]);
	sg_dnskey_deinit(&keys[1]);
	sg_arena_free(arena);
	sg_arena_free(parena);
	return 0;
}

typedef struct qopt {
	bool edns, dnssec, tcp, allow_axfr;
	uint16_t bufsize; /* EDNS payload (0 = 1232) */
	uint16_t max_udp; /* server's */
	uint8_t opcode;
	uint8_t version;
	uint16_t qclass;  /* 0 = IN */
	uint16_t flags;   /* extra header flags */
	uint16_t qdcount; /* 0 = 1; 2 = the question twice; 0xffff = none */
} qopt_t;

static size_t mkquery(uint8_t *buf, const uint8_t *qname, uint16_t qtype, const qopt_t *o)
{
	sg_msgw_t w;
	size_t len;
	assert_int_equal(sg_msgw_init(&w, buf, SG_MSG_MAX, 0xbeef, (uint16_t)(SG_MSG_RD | o->flags),
	                              o->opcode, 0),
	                 SG_OK);
	if (o->edns || o->dnssec)
		assert_int_equal(sg_msgw_edns(&w, o->bufsize ? o->bufsize : 1232,
		                              o->dnssec ? SG_EDNS_DO : 0, o->version),
		                 SG_OK);
	unsigned n = o->qdcount == 0xffff ? 0 : o->qdcount ? o->qdcount : 1;
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(
		        sg_msgw_question(&w, qname, qtype, o->qclass ? o->qclass : SG_C_IN), SG_OK);
	assert_int_equal(sg_msgw_finish(&w, &len), SG_OK);
	return len;
}

static enum sg_answer_action ask_wire(const sg_zoneset_t *zs, const uint8_t *q, size_t ql,
                                      const qopt_t *o, sg_msg_t *m, sg_answer_info_t *info,
                                      size_t *rl)
{
	sg_answer_opts_t ao = {.tcp = o->tcp, .max_udp = o->max_udp, .allow_axfr = o->allow_axfr};
	sg_arena_reset(arena);
	enum sg_answer_action a = sg_answer(resp, rl, zs, q, ql, &ao, arena, info);
	resp_len = *rl;
	if (a == SG_ANSWER_REPLY) {
		sg_arena_reset(parena);
		int r = sg_msg_parse(m, resp, *rl, parena);
		if (r != SG_OK)
			fail_msg("response does not parse: %s", sg_strerror(r));
	}
	return a;
}

static enum sg_answer_action ask(const sg_zoneset_t *zs, const uint8_t *qname, uint16_t qtype,
                                 const qopt_t *o, sg_msg_t *m, sg_answer_info_t *info)
{
	static uint8_t q[SG_MSG_MAX];
	size_t ql = mkquery(q, qname, qtype, o), rl;
	return ask_wire(zs, q, ql, o, m, info, &rl);
}

static size_t count_type(const sg_msg_t *m, int sec, uint16_t type)
{
	size_t n = 0;
	for (size_t i = 0; i < m->count[sec]; i++)
		n += m->rr[sec][i].type == type;
	return n;
}

/* ---- section specs: "www:A c2:CNAME @:SOA", distinct (owner, type) pairs in order */

static bool dnssec_type(uint16_t t)
{
	return t == SG_T_RRSIG || t == SG_T_NSEC || t == SG_T_NSEC3;
}

static void check_section(const sg_msg_t *m, int sec, const char *spec, bool filter,
                          const char *what)
{
	const uint8_t *own[64];
	uint16_t typ[64];
	size_t n = 0;
	for (size_t i = 0; i < m->count[sec]; i++) {
		const sg_msg_rr_t *rr = &m->rr[sec][i];
		if (filter &&
		    (dnssec_type(rr->type) || (sec == SG_SEC_AUTHORITY && rr->type == SG_T_DS)))
			continue;
		if (n && sg_name_equal(own[n - 1], rr->owner) && typ[n - 1] == rr->type)
			continue;
		assert_true(n < 64);
		own[n] = rr->owner;
		typ[n++] = rr->type;
	}
	size_t k = 0;
	const char *p = spec;
	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		const char *colon = strchr(p, ':'), *end = strchr(p, ' ');
		if (!end)
			end = p + strlen(p);
		assert_non_null(colon);
		char nm[128];
		snprintf(nm, sizeof(nm), "%.*s", (int)(colon - p), p);
		uint16_t t;
		assert_int_equal(sg_type_from_text(&t, colon + 1, (size_t)(end - colon - 1)),
		                 SG_OK);
		if (k >= n)
			fail_msg("%s: section %d lacks %s", what, sec, nm);
		if (!sg_name_equal(own[k], N(nm)) || typ[k] != t) {
			char have[SG_NAME_TEXT_MAX], tb[16];
			sg_name_to_text(have, sizeof(have), own[k]);
			fail_msg("%s: section %d item %zu is %s %s, want %s", what, sec, k, have,
			         sg_type_name(typ[k], tb), nm);
		}
		k++;
		p = end;
	}
	if (k != n) {
		char have[SG_NAME_TEXT_MAX], tb[16];
		sg_name_to_text(have, sizeof(have), own[k]);
		fail_msg("%s: section %d has extra %s %s", what, sec, have,
		         sg_type_name(typ[k], tb));
	}
}

/* ---- DNSSEC checks ------------------------------------------------------------ */

/* Every RRSIG verifies over the RRset it covers in its section, with the
 * TTL of that RRset; returns how many. */
static size_t verify_sigs(const sg_msg_t *m, const char *what)
{
	size_t nsig = 0;
	for (int sec = SG_SEC_ANSWER; sec <= SG_SEC_ADDITIONAL; sec++)
		for (size_t i = 0; i < m->count[sec]; i++) {
			const sg_msg_rr_t *s = &m->rr[sec][i];
			if (s->type != SG_T_RRSIG)
				continue;
			uint16_t cov = (uint16_t)(s->rdata[0] << 8 | s->rdata[1]);
			sg_rdata_ref_t refs[32];
			size_t nr = 0;
			uint32_t ttl = 0;
			for (size_t k = 0; k < m->count[sec]; k++) {
				const sg_msg_rr_t *x = &m->rr[sec][k];
				if (x->type == cov && sg_name_equal(x->owner, s->owner)) {
					assert_true(nr < 32);
					refs[nr++] = (sg_rdata_ref_t){x->rdata, x->rdlen};
					ttl = x->ttl;
				}
			}
			if (!nr)
				fail_msg("%s: RRSIG without its RRset (type %u)", what, cov);
			assert_int_equal(s->ttl, ttl);
			sg_rrset_view_t v = {s->owner, cov, SG_C_IN, ttl, refs, nr};
			int res = -1;
			assert_int_equal(
			        sg_rrsig_verify(&res, &v, s->rdata, s->rdlen, N("@"), keys, 2, NOW),
			        SG_OK);
			if (res != SG_V_VALID)
				fail_msg("%s: RRSIG over type %u: %s", what, cov,
				         sg_vresult_str(res));
			nsig++;
		}
	return nsig;
}

/* A name at or below the NS owner of a referral's authority section. */
static bool below_cut(const sg_msg_t *m, const uint8_t *name)
{
	for (size_t k = 0; k < m->count[SG_SEC_AUTHORITY]; k++) {
		const sg_msg_rr_t *ns = &m->rr[SG_SEC_AUTHORITY][k];
		if (ns->type == SG_T_NS && sg_name_is_subdomain(name, ns->owner))
			return true;
	}
	return false;
}

/* Every RRset carries an RRSIG, except the NS of a referral, glue (the
 * addresses below it) and CNAMEs synthesized from a DNAME: in the
 * additional section too (RFC 4035 §3.1.1), e.g. the authoritative
 * address of a name server outside the cut. */
static void check_signed(const sg_msg_t *m, const char *what)
{
	for (int sec = SG_SEC_ANSWER; sec <= SG_SEC_ADDITIONAL; sec++)
		for (size_t i = 0; i < m->count[sec]; i++) {
			const sg_msg_rr_t *rr = &m->rr[sec][i];
			if (rr->type == SG_T_RRSIG || rr->type == SG_T_OPT ||
			    (sec == SG_SEC_AUTHORITY && rr->type == SG_T_NS) ||
			    (sec == SG_SEC_ADDITIONAL && below_cut(m, rr->owner)))
				continue;
			bool synth = false;
			for (size_t k = 0; k < m->count[SG_SEC_ANSWER] && rr->type == SG_T_CNAME;
			     k++) {
				const sg_msg_rr_t *d = &m->rr[SG_SEC_ANSWER][k];
				synth |= d->type == SG_T_DNAME &&
				         sg_name_is_subdomain(rr->owner, d->owner);
			}
			if (synth)
				continue;
			bool sig = false;
			for (size_t k = 0; k < m->count[sec] && !sig; k++) {
				const sg_msg_rr_t *s = &m->rr[sec][k];
				sig = s->type == SG_T_RRSIG && sg_name_equal(s->owner, rr->owner) &&
				      (uint16_t)(s->rdata[0] << 8 | s->rdata[1]) == rr->type;
			}
			if (!sig) {
				char o[SG_NAME_TEXT_MAX];
				sg_name_to_text(o, sizeof(o), rr->owner);
				fail_msg("%s: %s type %u unsigned", what, o, rr->type);
			}
		}
}

/* NSEC: does the record at owner with next name `next` cover name? */
static bool nsec_covers(const sg_msg_rr_t *rr, const uint8_t *name)
{
	const uint8_t *next = rr->rdata;
	int a = sg_name_compare(rr->owner, name), b = sg_name_compare(name, next);
	if (sg_name_compare(rr->owner, next) < 0)
		return a < 0 && b < 0;
	return a < 0 || b < 0; /* the last NSEC wraps to the apex */
}

static const uint8_t *nsec_bitmap(const sg_msg_rr_t *rr, size_t *len)
{
	size_t nl = sg_name_len(rr->rdata);
	*len = rr->rdlen - nl;
	return rr->rdata + nl;
}

static const sg_msg_rr_t *nsec_match(const sg_msg_t *m, const uint8_t *name)
{
	for (size_t i = 0; i < m->count[SG_SEC_AUTHORITY]; i++) {
		const sg_msg_rr_t *rr = &m->rr[SG_SEC_AUTHORITY][i];
		if (rr->type == SG_T_NSEC && sg_name_equal(rr->owner, name))
			return rr;
	}
	return NULL;
}

static const sg_msg_rr_t *nsec_cover(const sg_msg_t *m, const uint8_t *name)
{
	for (size_t i = 0; i < m->count[SG_SEC_AUTHORITY]; i++) {
		const sg_msg_rr_t *rr = &m->rr[SG_SEC_AUTHORITY][i];
		if (rr->type == SG_T_NSEC && nsec_covers(rr, name))
			return rr;
	}
	return NULL;
}

/* NSEC3 */
typedef struct n3 {
	uint8_t owner[20], next[20];
	uint8_t flags;
	const uint8_t *bitmap;
	size_t blen;
} n3_t;

static bool n3_decode(const sg_msg_rr_t *rr, n3_t *x)
{
	if (rr->type != SG_T_NSEC3)
		return false;
	assert_int_equal(
	        sg_base32hex_decode(x->owner, 20, (const char *)rr->owner + 1, rr->owner[0]), 20);
	const uint8_t *p = rr->rdata;
	x->flags = p[1];
	assert_int_equal(p[0], 1);
	assert_int_equal(p[2] << 8 | p[3], ITER);
	assert_int_equal(p[4], 2);
	size_t o = 5 + p[4];
	assert_int_equal(p[o], 20);
	memcpy(x->next, p + o + 1, 20);
	x->bitmap = p + o + 21;
	x->blen = rr->rdlen - (o + 21);
	return true;
}

static void hash(uint8_t h[20], const uint8_t *name)
{
	assert_int_equal(sg_nsec3_hash(h, 1, name, SALT, 2, ITER), SG_OK);
}

static bool n3_find(const sg_msg_t *m, const uint8_t *name, bool cover, n3_t *out)
{
	uint8_t h[20];
	hash(h, name);
	for (size_t i = 0; i < m->count[SG_SEC_AUTHORITY]; i++) {
		n3_t x;
		if (!n3_decode(&m->rr[SG_SEC_AUTHORITY][i], &x))
			continue;
		int a = memcmp(x.owner, h, 20), b = memcmp(h, x.next, 20);
		bool ok = !cover                            ? a == 0
		          : memcmp(x.owner, x.next, 20) < 0 ? a < 0 && b < 0
		                                            : a < 0 || b < 0;
		if (ok) {
			if (out)
				*out = x;
			return true;
		}
	}
	return false;
}

enum proof { P_NONE, P_NODATA, P_NXDOMAIN, P_WILD, P_WILDNODATA, P_REF_DS, P_NODS };

/* The next closer name of name below ce. */
static const uint8_t *next_closer(const uint8_t *name, const uint8_t *ce)
{
	return sg_name_suffix(name, sg_name_labels(ce) + 1);
}

static const uint8_t *star(const uint8_t *ce)
{
	static uint8_t b[SG_NAME_MAX];
	b[0] = 1;
	b[1] = '*';
	sg_name_copy(b + 2, ce);
	return b;
}

static void check_proof(const sg_msg_t *m, int v, enum proof p, const uint8_t *pname,
                        const uint8_t *ce, uint16_t qtype, const char *what)
{
	size_t nn = count_type(m, SG_SEC_AUTHORITY, SG_T_NSEC),
	       n3 = count_type(m, SG_SEC_AUTHORITY, SG_T_NSEC3);
	if (p == P_NONE || p == P_REF_DS) {
		if (nn + n3)
			fail_msg("%s: unexpected denial records", what);
		if (p == P_REF_DS && !count_type(m, SG_SEC_AUTHORITY, SG_T_DS))
			fail_msg("%s: referral without DS", what);
		return;
	}
	if (v == V_NSEC) {
		assert_int_equal(n3, 0);
		const sg_msg_rr_t *r;
		size_t bl;
		const uint8_t *bm;
		switch (p) {
		case P_NODATA:
			if ((r = nsec_match(m, pname))) {
				bm = nsec_bitmap(r, &bl);
				assert_false(sg_bitmap_has(bm, bl, qtype));
				assert_false(sg_bitmap_has(bm, bl, SG_T_CNAME));
			} else {
				/* an empty non-terminal: a covering NSEC whose next name is below
				 * it */
				r = nsec_cover(m, pname);
				if (!r || !sg_name_is_subdomain(r->rdata, pname))
					fail_msg("%s: no NODATA proof", what);
			}
			break;
		case P_NXDOMAIN:
			if (!nsec_cover(m, pname) || !nsec_cover(m, star(ce)))
				fail_msg("%s: NXDOMAIN not proven", what);
			break;
		case P_WILD:
			if (!nsec_cover(m, pname))
				fail_msg("%s: wildcard expansion not proven", what);
			break;
		case P_WILDNODATA:
			if (!nsec_cover(m, pname))
				fail_msg("%s: wildcard NODATA not proven", what);
			if ((r = nsec_match(m, star(ce)))) {
				bm = nsec_bitmap(r, &bl);
				assert_false(sg_bitmap_has(bm, bl, qtype));
			} else {
				/* the wildcard is an empty non-terminal: the NSEC
				 * covering it has a next name below it */
				r = nsec_cover(m, star(ce));
				if (!r || !sg_name_is_subdomain(r->rdata, star(ce)))
					fail_msg("%s: wildcard NODATA not proven", what);
			}
			break;
		case P_NODS:
			if (!(r = nsec_match(m, pname)))
				fail_msg("%s: no NSEC at the delegation", what);
			bm = nsec_bitmap(r, &bl);
			assert_true(sg_bitmap_has(bm, bl, SG_T_NS));
			assert_false(sg_bitmap_has(bm, bl, SG_T_DS));
			break;
		default:
			break;
		}
		return;
	}
	/* NSEC3 */
	assert_int_equal(nn, 0);
	assert_true(n3 <= 3);
	n3_t x;
	switch (p) {
	case P_NODATA:
		if (n3_find(m, pname, false, &x)) {
			assert_false(sg_bitmap_has(x.bitmap, x.blen, qtype));
			assert_false(sg_bitmap_has(x.bitmap, x.blen, SG_T_CNAME));
		} else {
			fail_msg("%s: no NSEC3 matching qname", what);
		}
		break;
	case P_NXDOMAIN:
		if (!n3_find(m, ce, false, NULL) ||
		    !n3_find(m, next_closer(pname, ce), true, NULL) ||
		    !n3_find(m, star(ce), true, NULL))
			fail_msg("%s: NXDOMAIN not proven (NSEC3)", what);
		break;
	case P_WILD:
		if (!n3_find(m, next_closer(pname, ce), true, NULL))
			fail_msg("%s: wildcard expansion not proven (NSEC3)", what);
		break;
	case P_WILDNODATA:
		if (!n3_find(m, ce, false, NULL) ||
		    !n3_find(m, next_closer(pname, ce), true, NULL) ||
		    !n3_find(m, star(ce), false, &x))
			fail_msg("%s: wildcard NODATA not proven (NSEC3)", what);
		assert_false(sg_bitmap_has(x.bitmap, x.blen, qtype));
		break;
	case P_NODS:
		if (n3_find(m, pname, false, &x)) {
			assert_true(sg_bitmap_has(x.bitmap, x.blen, SG_T_NS));
			assert_false(sg_bitmap_has(x.bitmap, x.blen, SG_T_DS));
		} else {
			/* RFC 5155 §7.2.7: closest provable encloser + opt-out cover of the next
			 * closer */
			if (v != V_OPTOUT)
				fail_msg("%s: no NSEC3 at the delegation", what);
			const uint8_t *a = pname;
			while (a[0] && !n3_find(m, a, false, NULL))
				a = sg_name_parent(a);
			if (!n3_find(m, a, false, NULL) ||
			    !n3_find(m, next_closer(pname, a), true, &x) || !(x.flags & 1))
				fail_msg("%s: no opt-out proof", what);
		}
		break;
	default:
		break;
	}
}

/* ---- the table --------------------------------------------------------------- */

typedef struct tcase {
	const char *qname;
	uint16_t qtype;
	unsigned rcode;
	bool aa;
	const char *ans, *auth, *add;
	enum proof proof;
	const char *pname; /* name the proof is about (NULL: qname) */
	const char *ce;    /* its closest encloser */
} tcase_t;

#define NX SG_RC_NXDOMAIN
#define OK SG_RC_NOERROR
static const tcase_t cases[] = {
        {"www", SG_T_A, OK, 1, "www:A", "", "", P_NONE, NULL, NULL},
        {"www", SG_T_AAAA, OK, 1, "www:AAAA", "", "", P_NONE, NULL, NULL},
        {"@", SG_T_SOA, OK, 1, "@:SOA", "", "", P_NONE, NULL, NULL},
        {"@", SG_T_NS, OK, 1, "@:NS", "", "ns1:A ns2:AAAA", P_NONE, NULL, NULL},
        {"@", SG_T_MX, OK, 1, "@:MX", "", "mail:A", P_NONE, NULL, NULL},
        {"_sip._tcp", SG_T_SRV, OK, 1, "_sip._tcp:SRV", "", "www:A www:AAAA", P_NONE, NULL, NULL},
        {"www", SG_T_MX, OK, 1, "", "@:SOA", "", P_NODATA, NULL, NULL},
        {"@", SG_T_TXT, OK, 1, "", "@:SOA", "", P_NODATA, NULL, NULL},
        {"nope", SG_T_A, NX, 1, "", "@:SOA", "", P_NXDOMAIN, NULL, "@"},
        {"a.b.c.nope", SG_T_A, NX, 1, "", "@:SOA", "", P_NXDOMAIN, NULL, "@"},
        {"zzz", SG_T_A, NX, 1, "", "@:SOA", "", P_NXDOMAIN, NULL, "@"},
        {"b.ent", SG_T_A, OK, 1, "", "@:SOA", "", P_NODATA, NULL, NULL},
        {"ent", SG_T_A, OK, 1, "", "@:SOA", "", P_NODATA, NULL, NULL},
        {"x.b.ent", SG_T_A, NX, 1, "", "@:SOA", "", P_NXDOMAIN, NULL, "b.ent"},
        {"a.b.ent", SG_T_A, OK, 1, "a.b.ent:A", "", "", P_NONE, NULL, NULL},
        {"foo.wild", SG_T_TXT, OK, 1, "foo.wild:TXT", "", "", P_WILD, NULL, "wild"},
        {"a.b.foo.wild", SG_T_A, OK, 1, "a.b.foo.wild:A", "", "", P_WILD, NULL, "wild"},
        {"foo.wild", SG_T_MX, OK, 1, "", "@:SOA", "", P_WILDNODATA, NULL, "wild"},
        /* the wildcard *.ew is an empty non-terminal (x.*.ew exists) */
        {"a.ew", SG_T_A, OK, 1, "", "@:SOA", "", P_WILDNODATA, NULL, "ew"},
        {"wild", SG_T_A, OK, 1, "", "@:SOA", "", P_NODATA, NULL, NULL},
        {"c1", SG_T_A, OK, 1, "c1:CNAME c2:CNAME www:A", "", "", P_NONE, NULL, NULL},
        {"c1", SG_T_CNAME, OK, 1, "c1:CNAME", "", "", P_NONE, NULL, NULL},
        {"cout", SG_T_A, OK, 1, "cout:CNAME", "", "", P_NONE, NULL, NULL},
        {"cwild", SG_T_A, OK, 1, "cwild:CNAME foo.wild:A", "", "", P_WILD, "foo.wild", "wild"},
        {"cnx", SG_T_A, NX, 1, "cnx:CNAME", "@:SOA", "", P_NXDOMAIN, "nothere", "@"},
        {"loop1", SG_T_A, OK, 1, "loop1:CNAME loop2:CNAME", "", "", P_NONE, NULL, NULL},
        {"x.d", SG_T_A, NX, 1, "d:DNAME x.d:CNAME", "@:SOA", "", P_NXDOMAIN, "x.tgt", "tgt"},
        {"www.d", SG_T_A, OK, 1, "d:DNAME www.d:CNAME www.tgt:A", "", "", P_NONE, NULL, NULL},
        {"d", SG_T_DNAME, OK, 1, "d:DNAME", "", "", P_NONE, NULL, NULL},
        /* QTYPE CNAME: the synthesized CNAME is the answer, not followed */
        {"x.d", SG_T_CNAME, OK, 1, "d:DNAME x.d:CNAME", "", "", P_NONE, NULL, NULL},
        {"www.d", SG_T_CNAME, OK, 1, "d:DNAME www.d:CNAME", "", "", P_NONE, NULL, NULL},
        {"d", SG_T_A, OK, 1, "", "@:SOA", "", P_NODATA, NULL, NULL},
        {"a.insecure", SG_T_A, OK, 0, "", "insecure:NS", "ns.insecure:A", P_NODS, "insecure", NULL},
        {"insecure", SG_T_NS, OK, 0, "", "insecure:NS", "ns.insecure:A", P_NODS, "insecure", NULL},
        {"ns.insecure", SG_T_A, OK, 0, "", "insecure:NS", "ns.insecure:A", P_NODS, "insecure",
         NULL},
        {"secure", SG_T_A, OK, 0, "", "secure:NS", "ns.secure:A ns.secure:AAAA", P_REF_DS, NULL,
         NULL},
        {"secure", SG_T_DS, OK, 1, "secure:DS", "", "", P_NONE, NULL, NULL},
        {"insecure", SG_T_DS, OK, 1, "", "@:SOA", "", P_NODS, "insecure", NULL},
        {"sib", SG_T_A, OK, 0, "", "sib:NS", "ns1:A", P_NODS, "sib", NULL},
        {"x.only-insecure", SG_T_A, OK, 0, "", "x.only-insecure:NS", "", P_NODS, "x.only-insecure",
         NULL},
        {"host", SG_T_ANY, OK, 1, "host:HINFO", "", "", P_NONE, NULL, NULL},
        {"@", SG_T_ANY, OK, 1, "@:NS", "", "ns1:A ns2:AAAA", P_NONE, NULL, NULL},
        {"caa", SG_T_ANY, OK, 1, "caa:CAA", "", "", P_NONE, NULL, NULL},
        {"foo.wild", SG_T_ANY, OK, 1, "foo.wild:A", "", "", P_WILD, NULL, "wild"},
        {"www.example.net.", SG_T_A, SG_RC_REFUSED, 0, "", "", "", P_NONE, NULL, NULL},
        {"org.", SG_T_SOA, SG_RC_REFUSED, 0, "", "", "", P_NONE, NULL, NULL},
};

static void run_case(int v, const tcase_t *t, bool dnssec)
{
	char what[256];
	char tb[16];
	snprintf(what, sizeof(what), "%s %s %s%s", vname[v], t->qname, sg_type_name(t->qtype, tb),
	         dnssec ? " +dnssec" : "");
	qopt_t o = {.edns = true, .dnssec = dnssec};
	sg_msg_t m;
	sg_answer_info_t info;
	assert_int_equal(ask(zsets[v], N(t->qname), t->qtype, &o, &m, &info), SG_ANSWER_REPLY);
	if (m.rcode != t->rcode)
		fail_msg("%s: rcode %u, want %u", what, m.rcode, t->rcode);
	assert_int_equal(info.rcode, t->rcode);
	if (!!(m.flags & SG_MSG_AA) != t->aa)
		fail_msg("%s: AA %d", what, !!(m.flags & SG_MSG_AA));
	assert_false(m.flags & SG_MSG_TC);
	assert_true(m.flags & SG_MSG_RD);
	assert_true(m.flags & SG_MSG_QR);
	assert_int_equal(m.id, 0xbeef);
	assert_true(m.has_edns);
	assert_int_equal(!!(m.edns.flags & SG_EDNS_DO), dnssec);
	assert_int_equal(info.dnssec, dnssec);
	bool signed_answer = dnssec && v != V_UNSIGNED && t->rcode != SG_RC_REFUSED;
	check_section(&m, SG_SEC_ANSWER, t->ans, signed_answer, what);
	check_section(&m, SG_SEC_AUTHORITY, t->auth, signed_answer, what);
	check_section(&m, SG_SEC_ADDITIONAL, t->add, signed_answer, what);
	if (!signed_answer) {
		/* no DNSSEC records unless asked for (and the zone has them) */
		for (int s = SG_SEC_ANSWER; s <= SG_SEC_ADDITIONAL; s++)
			if (count_type(&m, s, SG_T_RRSIG) + count_type(&m, s, SG_T_NSEC) +
			    count_type(&m, s, SG_T_NSEC3))
				fail_msg("%s: DNSSEC records without DO", what);
		assert_int_equal(count_type(&m, SG_SEC_AUTHORITY, SG_T_DS), 0);
		return;
	}
	const char *dump = getenv("SIGNET_ANSWER_DUMP");
	if (dump) {
		/* for an outside validator (dnspython): DIR/<variant>-<n>.bin */
		static unsigned seq;
		char path[1024];
		snprintf(path, sizeof(path), "%s/%s-%03u.bin", dump, vname[v], seq++);
		FILE *f = fopen(path, "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(resp, 1, resp_len, f), resp_len);
		fclose(f);
	}
	check_signed(&m, what);
	size_t nsig = verify_sigs(&m, what);
	if (m.count[SG_SEC_ANSWER] + m.count[SG_SEC_AUTHORITY] > 0 && t->proof != P_REF_DS)
		assert_true(nsig > 0);
	check_proof(&m, v, t->proof, N(t->pname ? t->pname : t->qname), t->ce ? N(t->ce) : NULL,
	            t->qtype, what);
	/* negative answers: the SOA's TTL is min(SOA TTL, MINIMUM) (RFC 2308 §3) */
	for (size_t i = 0; i < m.count[SG_SEC_AUTHORITY]; i++)
		if (m.rr[SG_SEC_AUTHORITY][i].type == SG_T_SOA)
			assert_int_equal(m.rr[SG_SEC_AUTHORITY][i].ttl, 300);
}

static void test_table(void **state)
{
	(void)state;
	const char *dump = getenv("SIGNET_ANSWER_DUMP");
	for (int v = 1; dump && v < NVAR; v++) {
		/* the keys, for the outside validator: DIR/<variant>-keys.bin */
		sg_msg_t m;
		sg_answer_info_t info;
		qopt_t o = {.dnssec = true};
		assert_int_equal(ask(zsets[v], N("@"), SG_T_DNSKEY, &o, &m, &info),
		                 SG_ANSWER_REPLY);
		char path[1024];
		snprintf(path, sizeof(path), "%s/%s-keys.bin", dump, vname[v]);
		FILE *f = fopen(path, "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(resp, 1, resp_len, f), resp_len);
		fclose(f);
	}
	for (int v = 0; v < NVAR; v++)
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			run_case(v, &cases[i], false);
			run_case(v, &cases[i], true);
		}
}

/* ---- details -------------------------------------------------------------------- */

static void test_case_and_wildcard_sig(void **state)
{
	(void)state;
	qopt_t o = {.dnssec = true};
	sg_msg_t m;
	sg_answer_info_t info;
	/* 0x20: the question and the answer owner keep the query's case */
	assert_int_equal(ask(zsets[V_NSEC], N("wWw.ExAmple.ORG."), SG_T_A, &o, &m, &info),
	                 SG_ANSWER_REPLY);
	assert_memory_equal(m.rr[SG_SEC_QUESTION][0].owner, N("wWw.ExAmple.ORG."), 17);
	assert_memory_equal(m.rr[SG_SEC_ANSWER][0].owner, N("wWw.ExAmple.ORG."), 17);
	assert_ptr_equal(info.zone, azs[V_NSEC]);
	/* a wildcard answer: owner = qname, RRSIG labels shows the expansion */
	assert_int_equal(ask(zsets[V_NSEC3], N("FOO.wild"), SG_T_TXT, &o, &m, &info),
	                 SG_ANSWER_REPLY);
	assert_memory_equal(m.rr[SG_SEC_ANSWER][0].owner, "\3FOO", 4);
	bool seen = false;
	for (size_t i = 0; i < m.count[SG_SEC_ANSWER]; i++)
		if (m.rr[SG_SEC_ANSWER][i].type == SG_T_RRSIG) {
			assert_int_equal(m.rr[SG_SEC_ANSWER][i].rdata[3], 3); /* wild.example.org */
			seen = true;
		}
	assert_true(seen);
	/* without EDNS: no OPT in the reply, RD clear stays clear */
	qopt_t plain = {0};
	assert_int_equal(ask(zsets[V_NSEC], N("www"), SG_T_A, &plain, &m, &info), SG_ANSWER_REPLY);
	assert_false(m.has_edns);
	assert_int_equal(m.count[SG_SEC_ANSWER], 1);
	/* the DNAME-synthesized CNAME has the DNAME's TTL */
	assert_int_equal(ask(zsets[V_UNSIGNED], N("www.d"), SG_T_A, &plain, &m, &info),
	                 SG_ANSWER_REPLY);
	assert_int_equal(m.rr[SG_SEC_ANSWER][1].type, SG_T_CNAME);
	assert_int_equal(m.rr[SG_SEC_ANSWER][1].ttl, 3600);
	assert_true(sg_name_equal(m.rr[SG_SEC_ANSWER][1].rdata, N("www.tgt")));
}

static void test_nsec3_owner_name(void **state)
{
	(void)state;
	/* RFC 5155 §7.2.9: an NSEC3 owner name answers NXDOMAIN */
	const sg_zone_t *z = sg_authzone_zone(azs[V_NSEC3]);
	const uint8_t *owner = NULL;
	for (size_t i = 0; i < sg_zone_node_count(z) && !owner; i++) {
		const sg_zone_node_t *n = sg_zone_node(z, i);
		if (sg_zone_node_find(z, n, SG_T_NSEC3))
			owner = sg_zone_node_name(z, n);
	}
	assert_non_null(owner);
	qopt_t o = {.dnssec = true};
	sg_msg_t m;
	sg_answer_info_t info;
	assert_int_equal(ask(zsets[V_NSEC3], owner, SG_T_A, &o, &m, &info), SG_ANSWER_REPLY);
	assert_int_equal(m.rcode, SG_RC_NXDOMAIN);
	check_proof(&m, V_NSEC3, P_NXDOMAIN, owner, N("@"), SG_T_A, "nsec3 owner");
	verify_sigs(&m, "nsec3 owner");
}

/* A pre-signed zone whose apex lost its NSEC3: NODATA at the apex has
 * nothing to prove it with (the proof would start above the apex) and
 * gives the SOA alone — no crash, no made-up proof. */
static void test_nsec3_apex_missing(void **state)
{
	(void)state;
	const sg_zone_t *z = sg_authzone_zone(azs[V_NSEC3]);
	uint8_t h[20];
	char label[64];
	assert_int_equal(sg_nsec3_hash(h, 1, N("@"), SALT, sizeof(SALT), ITER), SG_OK);
	int ll = sg_base32hex_encode(label, sizeof(label), h, sizeof(h));
	assert_int_equal(ll, 32);
	sg_zone_builder_t *b = sg_zone_builder_new(N("@"));
	size_t dropped = 0;
	for (size_t i = 0; i < sg_zone_node_count(z); i++) {
		const sg_zone_node_t *n = sg_zone_node(z, i);
		const uint8_t *owner = sg_zone_node_name(z, n);
		if (owner[0] == ll && !strncasecmp((const char *)owner + 1, label, (size_t)ll)) {
			dropped++; /* the apex's NSEC3 and its RRSIG */
			continue;
		}
		for (size_t k = 0; k < sg_zone_node_rrset_count(n); k++) {
			const sg_zone_rrset_t *rs = sg_zone_node_rrset(z, n, k);
			for (size_t r = 0; r < sg_zone_rrset_count(rs); r++) {
				uint16_t len;
				const uint8_t *rd = sg_zone_rrset_rdata(z, rs, r, &len);
				sg_rr_t rr = {.owner = owner,
				              .type = sg_zone_rrset_type(rs),
				              .rclass = SG_C_IN,
				              .ttl = sg_zone_rrset_rr_ttl(z, rs, r),
				              .rdlen = len,
				              .rdata = rd};
				assert_int_equal(sg_zone_builder_add(b, &rr, NULL, 0), SG_OK);
			}
		}
	}
	assert_int_equal(dropped, 1);
	sg_zone_t *broken;
	assert_int_equal(sg_zone_build(&broken, b, NULL), SG_OK);
	sg_authzone_t *az;
	sg_zoneset_t *zs;
	char err[256];
	assert_int_equal(sg_authzone_new(&az, broken, err, sizeof(err)), SG_OK);
	assert_int_equal(sg_zoneset_new(&zs, &az, 1), SG_OK);
	qopt_t o = {.dnssec = true};
	sg_msg_t m;
	sg_answer_info_t info;
	assert_int_equal(ask(zs, N("@"), SG_T_TXT, &o, &m, &info), SG_ANSWER_REPLY);
	assert_int_equal(m.rcode, SG_RC_NOERROR);
	assert_int_equal(m.count[SG_SEC_ANSWER], 0);
	assert_int_equal(count_type(&m, SG_SEC_AUTHORITY, SG_T_SOA), 1);
	assert_int_equal(count_type(&m, SG_SEC_AUTHORITY, SG_T_NSEC3), 0);
	/* nor for a name whose closest encloser is the apex; the rest of the
	 * chain still proves what it can */
	assert_int_equal(ask(zs, N("nothere"), SG_T_A, &o, &m, &info), SG_ANSWER_REPLY);
	assert_int_equal(m.rcode, SG_RC_NXDOMAIN);
	assert_int_equal(count_type(&m, SG_SEC_AUTHORITY, SG_T_NSEC3), 0);
	assert_int_equal(ask(zs, N("www"), SG_T_TXT, &o, &m, &info), SG_ANSWER_REPLY);
	assert_int_equal(m.rcode, SG_RC_NOERROR);
	check_proof(&m, V_NSEC3, P_NODATA, N("www"), N("www"), SG_T_TXT, "apex NSEC3 missing");
	sg_zoneset_unref(zs);
	sg_authzone_unref(az);
}

static void test_edns(void **state)
{
	(void)state;
	sg_msg_t m;
	sg_answer_info_t info;
	/* BADVERS for version 1, with OPT version 0, no answer, no AA */
	qopt_t o = {.edns = true, .version = 1};
	assert_int_equal(ask(zsets[V_NSEC], N("www"), SG_T_A, &o, &m, &info), SG_ANSWER_REPLY);
	assert_int_equal(m.rcode, SG_RC_BADVERS);
	assert_true(m.has_edns);
	assert_int_equal(m.edns.version, 0);
	assert_int_equal(m.count[SG_SEC_ANSWER], 0);
	assert_false(m.flags & SG_MSG_AA);
	/* our payload size is advertised */
	qopt_t e = {.edns = true, .bufsize = 4096, .max_udp = 1400};
	assert_int_equal(ask(zsets[V_NSEC], N("www"), SG_T_A, &e, &m, &info), SG_ANSWER_REPLY);
	assert_int_equal(m.edns.udp_size, 1400);
	qopt_t d = {.edns = true};
	assert_int_equal(ask(zsets[V_NSEC], N("www"), SG_T_A, &d, &m, &info), SG_ANSWER_REPLY);
	assert_int_equal(m.edns.udp_size, 1232);
	/* an unknown option is ignored */
	uint8_t q[512];
	sg_msgw_t w;
	size_t ql, rl;
	static const uint8_t odata[3] = {1, 2, 3};
	assert_int_equal(sg_msgw_init(&w, q, sizeof(q), 7, 0, 0, 0), SG_OK);
	assert_int_equal(sg_msgw_edns(&w, 1232, SG_EDNS_DO, 0), SG_OK);
	assert_int_equal(sg_msgw_edns_opt(&w, 65001, odata, 3), SG_OK);
	assert_int_equal(sg_msgw_question(&w, N("www"), SG_T_A, SG_C_IN), SG_OK);
	assert_int_equal(sg_msgw_finish(&w, &ql), SG_OK);
	assert_int_equal(ask_wire(zsets[V_NSEC], q, ql, &d, &m, &info, &rl), SG_ANSWER_REPLY);
	assert_int_equal(m.rcode, 0);
	assert_int_equal(m.edns.nopts, 0);
	assert_true(m.edns.flags & SG_EDNS_DO);
	assert_int_equal(count_type(&m, SG_SEC_ANSWER, SG_T_RRSIG), 1);
}

static const char BIG[] = "$ORIGIN example.org.\n"
                          "$TTL 3600\n"
                          "@ SOA ns1 host 1 7200 3600 1209600 300\n"
                          "@ NS ns1\n"
                          "ns1 A 192.0.2.1\n"
                          "small A 192.0.2.1\n"
                          "big TXT "
                          "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                          "aaaaaaaaaaaaaaaaa1\"\n"
                          "big TXT "
                          "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                          "aaaaaaaaaaaaaaaaa2\"\n"
                          "big TXT "
                          "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                          "aaaaaaaaaaaaaaaaa3\"\n"
                          "big TXT "
                          "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                          "aaaaaaaaaaaaaaaaa4\"\n"
                          "big TXT "
                          "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                          "aaaaaaaaaaaaaaaaa5\"\n"
                          "big TXT "
                          "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                          "aaaaaaaaaaaaaaaaa6\"\n"
                          "cb CNAME big\n"
                          /* in-domain glue that cannot fit in 512 octets */
                          "deleg NS ns1.deleg\n"
                          "deleg NS ns2.deleg\n"
                          "deleg NS ns3.deleg\n"
                          "deleg NS ns4.deleg\n"
                          "ns1.deleg AAAA 2001:db8::1\n"
                          "ns1.deleg AAAA 2001:db8::11\n"
                          "ns1.deleg AAAA 2001:db8::111\n"
                          "ns1.deleg AAAA 2001:db8::1111\n"
                          "ns2.deleg AAAA 2001:db8::2\n"
                          "ns2.deleg AAAA 2001:db8::22\n"
                          "ns2.deleg AAAA 2001:db8::222\n"
                          "ns2.deleg AAAA 2001:db8::2222\n"
                          "ns3.deleg AAAA 2001:db8::3\n"
                          "ns3.deleg AAAA 2001:db8::33\n"
                          "ns3.deleg AAAA 2001:db8::333\n"
                          "ns3.deleg AAAA 2001:db8::3333\n"
                          "ns4.deleg AAAA 2001:db8::4\n"
                          "ns4.deleg AAAA 2001:db8::44\n"
                          "ns4.deleg AAAA 2001:db8::444\n"
                          "ns4.deleg AAAA 2001:db8::4444\n"
                          /* sibling glue listed first must not push in-domain glue out */
                          "mixed NS s1\n"
                          "mixed NS s2\n"
                          "mixed NS s3\n"
                          "mixed NS s4\n"
                          "mixed NS nameserver.mixed\n"
                          "nameserver.mixed AAAA 2001:db8::77\n"
                          "nameserver.mixed AAAA 2001:db8::777\n"
                          "nameserver.mixed AAAA 2001:db8::7777\n"
                          "nameserver.mixed AAAA 2001:db8::7:7777\n"
                          /* sibling glue only: dropped without TC */
                          "sib NS s1\n"
                          "sib NS s2\n"
                          "sib NS s3\n"
                          "sib NS s4\n"
                          "s1 TXT \"x\"\n"
                          "s1 AAAA 2001:db8::1\n"
                          "s1 AAAA 2001:db8::11\n"
                          "s1 AAAA 2001:db8::111\n"
                          "s1 AAAA 2001:db8::1111\n"
                          "s2 AAAA 2001:db8::2\n"
                          "s2 AAAA 2001:db8::22\n"
                          "s2 AAAA 2001:db8::222\n"
                          "s2 AAAA 2001:db8::2222\n"
                          "s3 AAAA 2001:db8::3\n"
                          "s3 AAAA 2001:db8::33\n"
                          "s3 AAAA 2001:db8::333\n"
                          "s3 AAAA 2001:db8::3333\n"
                          "s4 AAAA 2001:db8::4\n"
                          "s4 AAAA 2001:db8::44\n"
                          "s4 AAAA 2001:db8::444\n"
                          "s4 AAAA 2001:db8::4444\n";

static void test_truncation(void **state)
{
	(void)state;
	sg_authzone_t *az = make_zone(BIG, NULL);
	sg_zoneset_t *zs;
	assert_int_equal(sg_zoneset_new(&zs, &az, 1), SG_OK);
	sg_msg_t m;
	sg_answer_info_t info;
	qopt_t udp = {0};
	/* 6 x ~100 octets of TXT do not fit in 512: TC, cut at the RRset boundary */
	assert_int_equal(ask(zs, N("big"), SG_T_TXT, &udp, &m, &info), SG_ANSWER_REPLY);
	assert_true(m.flags & SG_MSG_TC);
	assert_true(info.truncated);
	assert_int_equal(m.count[SG_SEC_ANSWER], 0);
	/* the CNAME fits, the TXT after it does not */
	assert_int_equal(ask(zs, N("cb"), SG_T_TXT, &udp, &m, &info), SG_ANSWER_REPLY);
	assert_true(m.flags & SG_MSG_TC);
	assert_int_equal(m.count[SG_SEC_ANSWER], 1);
	/* with a 1232 EDNS payload it fits */
	qopt_t e = {.edns = true};
	assert_int_equal(ask(zs, N("big"), SG_T_TXT, &e, &m, &info), SG_ANSWER_REPLY);
	assert_false(m.flags & SG_MSG_TC);
	assert_int_equal(m.count[SG_SEC_ANSWER], 6);
	/* the payload size is honoured, and never below 512 */
	qopt_t tiny = {.edns = true, .bufsize = 100};
	size_t rl;
	uint8_t q[512];
	size_t ql = mkquery(q, N("big"), SG_T_TXT, &tiny);
	assert_int_equal(ask_wire(zs, q, ql, &tiny, &m, &info, &rl), SG_ANSWER_REPLY);
	assert_true(rl <= 512);
	assert_true(m.flags & SG_MSG_TC);
	/* over TCP nothing is truncated */
	qopt_t tcp = {.tcp = true};
	assert_int_equal(ask(zs, N("big"), SG_T_TXT, &tcp, &m, &info), SG_ANSWER_REPLY);
	assert_false(m.flags & SG_MSG_TC);
	assert_int_equal(m.count[SG_SEC_ANSWER], 6);
	/* RFC 9471: in-domain glue that does not fit sets TC */
	assert_int_equal(ask(zs, N("x.deleg"), SG_T_A, &udp, &m, &info), SG_ANSWER_REPLY);
	assert_true(m.flags & SG_MSG_TC);
	assert_int_equal(m.count[SG_SEC_AUTHORITY], 4);
	assert_int_equal(ask(zs, N("x.deleg"), SG_T_A, &tcp, &m, &info), SG_ANSWER_REPLY);
	assert_false(m.flags & SG_MSG_TC);
	assert_int_equal(m.count[SG_SEC_ADDITIONAL], 16);
	assert_int_equal(ask(zs, N("x.mixed"), SG_T_A, &udp, &m, &info), SG_ANSWER_REPLY);
	assert_false(m.flags & SG_MSG_TC);
	assert_true(m.count[SG_SEC_ADDITIONAL] >= 1);
	assert_int_equal(m.rr[SG_SEC_ADDITIONAL][0].type, SG_T_AAAA);
	assert_true(sg_name_equal(m.rr[SG_SEC_ADDITIONAL][0].owner, N("nameserver.mixed")));
	/* ... sibling glue is just left out */
	assert_int_equal(ask(zs, N("x.sib"), SG_T_A, &udp, &m, &info), SG_ANSWER_REPLY);
	assert_false(m.flags & SG_MSG_TC);
	assert_int_equal(m.count[SG_SEC_AUTHORITY], 4);
	assert_true(m.count[SG_SEC_ADDITIONAL] < 16);
	assert_true(m.count[SG_SEC_ADDITIONAL] % 4 == 0); /* whole RRsets */
	sg_zoneset_unref(zs);
	sg_authzone_unref(az);
}

static void test_opcodes_and_malformed(void **state)
{
	(void)state;
	sg_msg_t m;
	sg_answer_info_t info;
	size_t rl;
	/* STATUS: NOTIMP, question echoed, no AA */
	qopt_t st = {.opcode = SG_OP_STATUS, .edns = true};
	assert_int_equal(ask(zsets[V_NSEC], N("www"), SG_T_A, &st, &m, &info), SG_ANSWER_REPLY);
	assert_int_equal(m.rcode, SG_RC_NOTIMP);
	assert_int_equal(m.opcode, SG_OP_STATUS);
	assert_int_equal(m.count[SG_SEC_QUESTION], 1);
	assert_false(m.flags & SG_MSG_AA);
	assert_true(m.has_edns);
	/* NOTIFY to the primary: REFUSED */
	qopt_t nt = {.opcode = SG_OP_NOTIFY, .flags = SG_MSG_AA};
	assert_int_equal(ask(zsets[V_NSEC], N("@"), SG_T_SOA, &nt, &m, &info), SG_ANSWER_REPLY);
	assert_int_equal(m.rcode, SG_RC_REFUSED);
	assert_int_equal(m.opcode, SG_OP_NOTIFY);
	/* UPDATE: NOTIMP */
	qopt_t up = {.opcode = SG_OP_UPDATE};
	assert_int_equal(ask(zsets[V_NSEC], N("@"), SG_T_SOA, &up, &m, &info), SG_ANSWER_REPLY);
	assert_int_equal(m.rcode, SG_RC_NOTIMP);
	/* qdcount 0 or 2: FORMERR */
	qopt_t q0 = {.qdcount = 0xffff}, q2 = {.qdcount = 2};
	assert_int_equal(ask(zsets[V_NSEC], N("www"), SG_T_A, &q0, &m, &info), SG_ANSWER_REPLY);
	assert_int_equal(m.rcode, SG_RC_FORMERR);
	assert_int_equal(m.count[SG_SEC_QUESTION], 0);
	assert_int_equal(ask(zsets[V_NSEC], N("www"), SG_T_A, &q2, &m, &info), SG_ANSWER_REPLY);
	assert_int_equal(m.rcode, SG_RC_FORMERR);
	assert_int_equal(m.count[SG_SEC_QUESTION], 1);
	/* responses and runts: nothing */
	qopt_t qr = {.flags = SG_MSG_QR};
	assert_int_equal(ask(zsets[V_NSEC], N("www"), SG_T_A, &qr, &m, &info), SG_ANSWER_DROP);
	uint8_t q[600];
	size_t ql = mkquery(q, N("www"), SG_T_A, &(qopt_t){0});
	for (size_t l = 0; l < 12; l++)
		assert_int_equal(ask_wire(zsets[V_NSEC], q, l, &(qopt_t){0}, &m, &info, &rl),
		                 SG_ANSWER_DROP);
	/* a question cut short: FORMERR with the header echoed */
	assert_int_equal(ask_wire(zsets[V_NSEC], q, ql - 2, &(qopt_t){0}, &m, &info, &rl),
	                 SG_ANSWER_REPLY);
	assert_int_equal(m.rcode, SG_RC_FORMERR);
	assert_int_equal(m.id, 0xbeef);
	assert_true(m.flags & SG_MSG_RD);
	/* trailing garbage: FORMERR, question echoed */
	q[ql] = 0x55;
	assert_int_equal(ask_wire(zsets[V_NSEC], q, ql + 1, &(qopt_t){0}, &m, &info, &rl),
	                 SG_ANSWER_REPLY);
	assert_int_equal(m.rcode, SG_RC_FORMERR);
	assert_int_equal(m.count[SG_SEC_QUESTION], 1);
	/* meta qtypes and other classes */
	assert_int_equal(ask(zsets[V_NSEC], N("www"), SG_T_OPT, &(qopt_t){0}, &m, &info),
	                 SG_ANSWER_REPLY);
	assert_int_equal(m.rcode, SG_RC_FORMERR);
	assert_int_equal(
	        ask(zsets[V_NSEC], N("www"), SG_T_A, &(qopt_t){.qclass = SG_C_CH}, &m, &info),
	        SG_ANSWER_REPLY);
	assert_int_equal(m.rcode, SG_RC_REFUSED);

	/* the malformed-packet corpus: every one gets FORMERR or nothing */
	const char *td = getenv("SIGNET_TESTDATA");
	char dir[1024], path[1400];
	snprintf(dir, sizeof(dir), "%s/packets/bad", td ? td : "tests/data");
	DIR *d = opendir(dir);
	assert_non_null(d);
	struct dirent *e;
	int n = 0;
	while ((e = readdir(d))) {
		size_t nl = strlen(e->d_name);
		if (nl < 5 || strcmp(e->d_name + nl - 4, ".hex") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		FILE *f = fopen(path, "r");
		assert_non_null(f);
		static char text[200000];
		size_t tl = fread(text, 1, sizeof(text) - 1, f);
		fclose(f);
		static char clean[200000];
		size_t c = 0;
		for (size_t i = 0; i < tl; i++) {
			if (text[i] == '#') {
				while (i < tl && text[i] != '\n')
					i++;
				continue;
			}
			if (text[i] != ' ' && text[i] != '\n' && text[i] != '\t' && text[i] != '\r')
				clean[c++] = text[i];
		}
		static uint8_t wire[SG_MSG_MAX];
		int wl = c ? sg_base16_decode(wire, sizeof(wire), clean, c) : 0;
		assert_true(wl >= 0);
		uint8_t *copy = malloc(wl ? (size_t)wl : 1);
		memcpy(copy, wire, (size_t)wl);
		sg_answer_opts_t ao = {0};
		sg_arena_reset(arena);
		enum sg_answer_action a =
		        sg_answer(resp, &rl, zsets[V_NSEC3], copy, (size_t)wl, &ao, arena, &info);
		if (a == SG_ANSWER_REPLY) {
			sg_arena_reset(parena);
			assert_int_equal(sg_msg_parse(&m, resp, rl, parena), SG_OK);
			/* a corpus packet that parses may still be a fine query */
			if (m.rcode != SG_RC_FORMERR && m.rcode != SG_RC_REFUSED &&
			    m.rcode != SG_RC_NOTIMP)
				fail_msg("%s: rcode %u", e->d_name, m.rcode);
			assert_int_equal(m.id, wl >= 2 ? (copy[0] << 8 | copy[1]) : 0);
		} else {
			assert_int_equal(a, SG_ANSWER_DROP);
			assert_true(wl < 12 || (copy[2] & 0x80));
		}
		free(copy);
		n++;
	}
	closedir(d);
	assert_true(n > 10);
}

typedef struct xcoll {
	size_t msgs, records, soas;
	uint16_t first_type, last_type;
	size_t maxlen;
} xcoll_t;

static int xsend(void *ctx, const uint8_t *msg, size_t len)
{
	xcoll_t *x = ctx;
	sg_msg_t m;
	sg_arena_reset(parena);
	assert_int_equal(sg_msg_parse(&m, msg, len, parena), SG_OK);
	assert_true(m.flags & SG_MSG_AA);
	assert_int_equal(m.id, 0xbeef);
	for (size_t i = 0; i < m.count[SG_SEC_ANSWER]; i++) {
		uint16_t t = m.rr[SG_SEC_ANSWER][i].type;
		if (x->records == 0)
			x->first_type = t;
		x->last_type = t;
		x->soas += t == SG_T_SOA;
		x->records++;
	}
	x->msgs++;
	if (len > x->maxlen)
		x->maxlen = len;
	return SG_OK;
}

static void test_axfr(void **state)
{
	(void)state;
	sg_msg_t m;
	sg_answer_info_t info;
	qopt_t tcp = {.tcp = true, .allow_axfr = true};
	assert_int_equal(ask(zsets[V_NSEC3], N("@"), SG_T_AXFR, &tcp, &m, &info), SG_ANSWER_AXFR);
	assert_ptr_equal(info.zone, azs[V_NSEC3]);
	qopt_t denied = {.tcp = true};
	assert_int_equal(ask(zsets[V_NSEC3], N("@"), SG_T_AXFR, &denied, &m, &info),
	                 SG_ANSWER_REPLY);
	assert_int_equal(m.rcode, SG_RC_REFUSED);
	qopt_t udp = {.allow_axfr = true};
	assert_int_equal(ask(zsets[V_NSEC3], N("@"), SG_T_AXFR, &udp, &m, &info), SG_ANSWER_REPLY);
	assert_int_equal(m.rcode, SG_RC_FORMERR);
	assert_int_equal(ask(zsets[V_NSEC3], N("www"), SG_T_AXFR, &tcp, &m, &info),
	                 SG_ANSWER_REPLY);
	assert_int_equal(m.rcode, SG_RC_NOTAUTH);
	/* IXFR over UDP: the SOA alone */
	qopt_t udp_denied = {0};
	assert_int_equal(ask(zsets[V_NSEC3], N("@"), SG_T_IXFR, &udp_denied, &m, &info),
	                 SG_ANSWER_REPLY);
	assert_int_equal(m.rcode, 0);
	assert_true(m.flags & SG_MSG_AA);
	assert_int_equal(m.count[SG_SEC_ANSWER], 1);
	assert_int_equal(m.rr[SG_SEC_ANSWER][0].type, SG_T_SOA);
	assert_int_equal(ask(zsets[V_NSEC3], N("@"), SG_T_IXFR, &tcp, &m, &info), SG_ANSWER_AXFR);

	/* the stream: SOA first and last, every record once between */
	uint8_t q[512];
	size_t ql = mkquery(q, N("@"), SG_T_AXFR, &tcp);
	for (int v = 0; v < NVAR; v++) {
		xcoll_t x = {0};
		sg_arena_reset(arena);
		assert_int_equal(sg_axfr(azs[v], q, ql, xsend, &x, arena), SG_OK);
		const sg_zone_t *z = sg_authzone_zone(azs[v]);
		assert_int_equal(x.records, sg_zone_record_count(z) + 1);
		assert_int_equal(x.first_type, SG_T_SOA);
		assert_int_equal(x.last_type, SG_T_SOA);
		assert_int_equal(x.soas, 2);
		assert_true(x.maxlen <= SG_MSG_MAX);
	}
	/* a zone larger than one message goes out in several */
	static char big[400000];
	size_t bl = (size_t)snprintf(
	        big, sizeof(big),
	        "$ORIGIN example.org.\n$TTL 60\n@ SOA ns host 1 2 3 4 5\n@ NS ns\n");
	for (int i = 0; i < 4000; i++)
		bl += (size_t)snprintf(big + bl, sizeof(big) - bl,
		                       "h%d TXT \"some text to fill the message %d\"\n", i, i);
	sg_authzone_t *az = make_zone(big, NULL);
	xcoll_t x = {0};
	sg_arena_reset(arena);
	assert_int_equal(sg_axfr(az, q, ql, xsend, &x, arena), SG_OK);
	assert_true(x.msgs > 1);
	assert_int_equal(x.records, 4003);
	assert_int_equal(x.soas, 2);
	assert_int_equal(x.last_type, SG_T_SOA);
	sg_authzone_unref(az);
}

static void test_zoneset(void **state)
{
	(void)state;
	static const char CHILD[] =
	        "$ORIGIN secure.example.org.\n$TTL 600\n"
	        "@ SOA ns host 1 2 3 4 5\n@ NS ns\nns A 192.0.2.8\nwww A 192.0.2.9\n";
	sg_zone_builder_t *b = sg_zone_builder_new(NULL);
	sg_zparse_opts_t po = {.record = add_rr, .ctx = b};
	assert_int_equal(sg_zonefile_parse_mem(CHILD, strlen(CHILD), "c", &po, NULL), SG_OK);
	sg_zone_t *z;
	assert_int_equal(sg_zone_build(&z, b, NULL), SG_OK);
	sg_authzone_t *child;
	assert_int_equal(sg_authzone_new(&child, z, NULL, 0), SG_OK);
	sg_authzone_t *both[3] = {azs[V_NSEC], child, azs[V_NSEC3]};
	sg_zoneset_t *zs;
	assert_int_equal(sg_zoneset_new(&zs, both, 3), SG_EEXIST); /* two example.org. */
	assert_null(zs);
	assert_int_equal(sg_zoneset_new(&zs, both, 2), SG_OK);
	assert_int_equal(sg_zoneset_count(zs), 2);
	assert_ptr_equal(sg_zoneset_get(zs, 1), child);
	assert_ptr_equal(sg_zoneset_find(zs, N("a.b.www.secure")), child);
	assert_ptr_equal(sg_zoneset_find(zs, N("secure")), child);
	assert_ptr_equal(sg_zoneset_find(zs, N("securex")), azs[V_NSEC]);
	assert_ptr_equal(sg_zoneset_find(zs, N("org.")), NULL);
	assert_ptr_equal(sg_zoneset_find(zs, sg_name_root), NULL);
	sg_msg_t m;
	sg_answer_info_t info;
	qopt_t o = {.dnssec = true};
	/* the child answers for its names... */
	assert_int_equal(ask(zs, N("www.secure"), SG_T_A, &o, &m, &info), SG_ANSWER_REPLY);
	assert_true(m.flags & SG_MSG_AA);
	assert_int_equal(m.count[SG_SEC_ANSWER], 1);
	assert_ptr_equal(info.zone, child);
	/* ... but the DS at its apex comes from the parent (RFC 4035 §3.1.4.1) */
	assert_int_equal(ask(zs, N("secure"), SG_T_DS, &o, &m, &info), SG_ANSWER_REPLY);
	assert_ptr_equal(info.zone, azs[V_NSEC]);
	assert_int_equal(count_type(&m, SG_SEC_ANSWER, SG_T_DS), 1);
	assert_int_equal(count_type(&m, SG_SEC_ANSWER, SG_T_RRSIG), 1);
	sg_zoneset_unref(zs);
	sg_authzone_unref(child);
	/* a zone without SOA is refused */
	b = sg_zone_builder_new(N("@"));
	static const char NOSOA[] = "$ORIGIN example.org.\n@ 60 NS ns\n";
	po.ctx = b;
	assert_int_equal(sg_zonefile_parse_mem(NOSOA, strlen(NOSOA), "n", &po, NULL), SG_OK);
	assert_int_equal(sg_zone_build(&z, b, NULL), SG_OK);
	char err[128] = "";
	sg_authzone_t *bad;
	assert_int_equal(sg_authzone_new(&bad, z, err, sizeof(err)), SG_EZONE);
	assert_non_null(strstr(err, "SOA"));
}

/* Queries per second for the hot path: a positive A answer with DO from the
 * NSEC-signed zone (and an NXDOMAIN from the NSEC3 one). SIGNET_BENCH=N
 * sets the number of queries. */
/* Links the UDP loop's look-ahead goes for a raw query; -1 when it does not
 * start at all. */
static int ahead_links(const uint8_t *q, size_t ql)
{
	sg_answer_ahead_t a;
	sg_answer_ahead_start(zsets[NVAR - 2], q, ql, &a);
	if (!a.z)
		return -1;
	int n = 0;
	while (sg_answer_ahead_step(&a))
		assert_true(++n < 2 * SG_NAME_MAX);
	return n;
}

static void test_lookahead(void **state)
{
	(void)state;
	uint8_t q[SG_MSG_MAX];
	const qopt_t plain = {.dnssec = true};
	size_t ql = mkquery(q, N("www.example.org."), SG_T_A, &plain);
	assert_int_equal(ahead_links(q, ql), 2); /* node, then its RRsets */
	assert_int_equal(ahead_links(q, ql - 11), 2); /* without the OPT RR */
	/* a name that is not a node: up to its closest encloser, www */
	ql = mkquery(q, N("x.y.www.example.org."), SG_T_A, &plain);
	assert_int_equal(ahead_links(q, ql), 4);
	/* what sg_answer refuses or rejects is not looked at */
	ql = mkquery(q, N("www.example.com."), SG_T_A, &plain);
	assert_int_equal(ahead_links(q, ql), -1);
	ql = mkquery(q, N("www.example.org."), SG_T_A, &plain);
	q[2] |= 0x80; /* a response */
	assert_int_equal(ahead_links(q, ql), -1);
	q[2] &= 0x7f;
	for (size_t cut = 0; cut < SG_MSG_HDR_LEN + 17 + 4; cut++) /* name or type cut off */
		assert_int_equal(ahead_links(q, cut), -1);
	q[SG_MSG_HDR_LEN] = 0xc0; /* a compression pointer in the question */
	assert_int_equal(ahead_links(q, ql), -1);
	q[SG_MSG_HDR_LEN] = 3;
	q[5] = 2; /* two questions */
	assert_int_equal(ahead_links(q, ql), -1);
}

static void bench_one(const sg_zoneset_t *zs, const uint8_t *qname, uint16_t qtype,
                      const char *label)
{
	const char *env = getenv("SIGNET_BENCH");
	long n = env ? strtol(env, NULL, 10) : 20000;
	if (n <= 0)
		n = 20000;
	uint8_t q[512];
	qopt_t o = {.dnssec = true};
	size_t ql = mkquery(q, qname, qtype, &o), rl;
	sg_answer_opts_t ao = {0};
	sg_answer_info_t info;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long i = 0; i < n; i++) {
		q[0] = (uint8_t)i;
		enum sg_answer_action a = sg_answer(resp, &rl, zs, q, ql, &ao, arena, &info);
		sg_arena_reset(arena);
		if (a != SG_ANSWER_REPLY)
			fail();
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	print_message("bench %-28s %ld queries: %.0f q/s, %.2f us/query, %zu octets\n", label, n,
	              (double)n / s, s * 1e6 / (double)n, rl);
}

static void test_bench(void **state)
{
	(void)state;
	bench_one(zsets[V_NSEC], N("www"), SG_T_A, "positive A +DO (NSEC)");
	bench_one(zsets[V_UNSIGNED], N("www"), SG_T_A, "positive A (unsigned)");
	bench_one(zsets[V_NSEC], N("nope"), SG_T_A, "NXDOMAIN +DO (NSEC)");
	bench_one(zsets[V_NSEC3], N("nope"), SG_T_A, "NXDOMAIN +DO (NSEC3)");
	bench_one(zsets[V_NSEC3], N("x.insecure"), SG_T_A, "referral +DO (NSEC3)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_table),
	        cmocka_unit_test(test_case_and_wildcard_sig),
	        cmocka_unit_test(test_nsec3_owner_name),
	        cmocka_unit_test(test_nsec3_apex_missing),
	        cmocka_unit_test(test_edns),
	        cmocka_unit_test(test_truncation),
	        cmocka_unit_test(test_opcodes_and_malformed),
	        cmocka_unit_test(test_axfr),
	        cmocka_unit_test(test_zoneset),
	        cmocka_unit_test(test_lookahead),
	        cmocka_unit_test(test_bench),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
