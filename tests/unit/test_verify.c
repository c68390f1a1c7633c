/* The zone verifier: small zones are signed here, in memory, with the
 * library's own primitives (sg_dnskey_generate, sg_rrsig_sign and the
 * denial rules), then broken one way at a time; each problem must be found
 * with the right owner, type, code and reason, and nothing else reported. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "signet/denial.h"
#include "signet/dnssec.h"
#include "signet/rr.h"
#include "signet/util.h"
#include "signet/verify.h"
#include "signet/zone.h"
#include "signet/zonefile.h"

#define NOW        1700000000
#define INCEPTION  (NOW - 86400)
#define EXPIRATION (NOW + 30 * 86400)

static const char ZONE[] =
        "$ORIGIN example.\n"
        "$TTL 3600\n"
        "@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n"
        "@ NS ns1\n"
        "ns1 A 192.0.2.1\n"
        "www A 192.0.2.2\n"
        "www AAAA 2001:db8::2\n"
        "mail MX 10 www\n"
        "a.b A 192.0.2.3\n"
        "*.wild TXT \"w\"\n"
        "sub NS ns.sub\n"
        "sub DS 12345 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF\n"
        "ns.sub A 192.0.2.4\n"
        "insec NS ns.other.net.\n";

/* ---- a record list and a tiny signer ---------------------------------------- */

typedef struct trr {
	uint8_t owner[SG_NAME_MAX];
	uint16_t type;
	uint32_t ttl;
	uint16_t rdlen;
	uint8_t rdata[1024];
} trr_t;

typedef struct rlist {
	trr_t *v;
	size_t n, cap;
} rlist_t;

static trr_t *push(rlist_t *l, const uint8_t *owner, uint16_t type, uint32_t ttl, const uint8_t *rd,
                   size_t len)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		assert_non_null(l->v);
	}
	assert_true(len <= sizeof(l->v[0].rdata));
	trr_t *r = &l->v[l->n++];
	sg_name_copy(r->owner, owner);
	r->type = type;
	r->ttl = ttl;
	r->rdlen = (uint16_t)len;
	memcpy(r->rdata, rd, len);
	return r;
}

static int on_rec(void *ctx, const sg_rr_t *rr, const char *file, unsigned line)
{
	(void)file;
	(void)line;
	push(ctx, rr->owner, rr->type, rr->ttl, rr->rdata, rr->rdlen);
	return SG_OK;
}

static void parse(rlist_t *l, const char *text)
{
	uint8_t origin[SG_NAME_MAX];
	size_t ol;
	assert_int_equal(sg_name_from_text(origin, &ol, "example.", 8, NULL), SG_OK);
	sg_zparse_opts_t po = {.origin = origin, .record = on_rec, .ctx = l};
	assert_int_equal(sg_zonefile_parse_mem(text, strlen(text), "t", &po, NULL), SG_OK);
}

static sg_zone_t *build(const rlist_t *l)
{
	sg_zone_builder_t *b = sg_zone_builder_new(NULL);
	assert_non_null(b);
	for (size_t i = 0; i < l->n; i++) {
		sg_rr_t rr = {.owner = l->v[i].owner,
		              .type = l->v[i].type,
		              .rclass = SG_C_IN,
		              .ttl = l->v[i].ttl,
		              .rdlen = l->v[i].rdlen,
		              .rdata = l->v[i].rdata};
		assert_int_equal(sg_zone_builder_add(b, &rr, NULL, 0), SG_OK);
	}
	sg_zone_t *z;
	assert_int_equal(sg_zone_build(&z, b, NULL), SG_OK);
	return z;
}

static void name(uint8_t out[SG_NAME_MAX], const char *text)
{
	size_t l;
	assert_int_equal(sg_name_from_text(out, &l, text, strlen(text), NULL), SG_OK);
}

static sg_dnskey_t ksk, zsk, other;

static int keys_setup(void **state)
{
	(void)state;
	uint8_t apex[SG_NAME_MAX];
	char err[256];
	name(apex, "example.");
	if (sg_dnskey_generate(&ksk, apex, 13, 0, 257, err, sizeof(err)) < 0 ||
	    sg_dnskey_generate(&zsk, apex, 13, 0, 256, err, sizeof(err)) < 0 ||
	    sg_dnskey_generate(&other, apex, 13, 0, 257, err, sizeof(err)) < 0)
		return -1;
	return 0;
}

static int keys_teardown(void **state)
{
	(void)state;
	sg_dnskey_deinit(&ksk);
	sg_dnskey_deinit(&zsk);
	sg_dnskey_deinit(&other);
	return 0;
}

enum {
	NSEC3 = 1 << 0,      /* NSEC3 chain instead of NSEC */
	SIGN_GLUE = 1 << 1,  /* also sign the glue A of ns.sub */
	DNSKEY_ZSK = 1 << 2, /* DNSKEY RRset signed by the ZSK only */
};

/* Signs the records of every RRset the denial rules say is signed. */
static void sign_all(rlist_t *l, unsigned flags)
{
	sg_zone_t *z = build(l);
	sg_rrsig_signer_t *sk, *sz;
	char err[256];
	assert_int_equal(sg_rrsig_signer_new(&sk, &ksk, err, sizeof(err)), SG_OK);
	assert_int_equal(sg_rrsig_signer_new(&sz, &zsk, err, sizeof(err)), SG_OK);
	for (size_t ni = 0; ni < sg_zone_node_count(z); ni++) {
		const sg_zone_node_t *n = sg_zone_node(z, ni);
		for (size_t s = 0; s < sg_zone_node_rrset_count(n); s++) {
			const sg_zone_rrset_t *rs = sg_zone_node_rrset(z, n, s);
			uint16_t t = sg_zone_rrset_type(rs);
			bool glue = (flags & SIGN_GLUE) && t == SG_T_A &&
			            (sg_zone_node_flags(n) & SG_ZN_BELOW_CUT);
			if (!sg_denial_rrset_signed(z, n, t) && !glue)
				continue;
			sg_rdata_ref_t refs[16];
			size_t cnt = sg_zone_rrset_count(rs);
			assert_true(cnt <= 16);
			for (size_t i = 0; i < cnt; i++) {
				uint16_t len;
				refs[i].data = sg_zone_rrset_rdata(z, rs, i, &len);
				refs[i].len = len;
			}
			sg_rrset_view_t view = {.owner = sg_zone_node_name(z, n),
			                        .type = t,
			                        .rclass = SG_C_IN,
			                        .ttl = sg_zone_rrset_ttl(rs),
			                        .rdata = refs,
			                        .count = cnt};
			uint8_t sig[SG_RRSIG_RDATA_MAX];
			size_t sl;
			sg_rrsig_signer_t *s1 =
			        (t == SG_T_DNSKEY && !(flags & DNSKEY_ZSK)) ? sk : sz;
			assert_int_equal(sg_rrsig_sign(s1, sig, sizeof(sig), &sl, &view, INCEPTION,
			                               EXPIRATION),
			                 SG_OK);
			push(l, view.owner, SG_T_RRSIG, view.ttl, sig, sl);
		}
	}
	sg_rrsig_signer_free(sk);
	sg_rrsig_signer_free(sz);
	sg_zone_free(z);
}

static size_t encode_types(uint8_t *dst, size_t cap, const sg_zone_t *z, const sg_zone_node_t *n,
                           enum sg_denial_kind kind)
{
	uint16_t types[64];
	int nt = sg_denial_types(types, 64, z, n, kind);
	assert_true(nt >= 0);
	int bl = sg_bitmap_encode(dst, cap, types, (size_t)nt);
	assert_true(bl >= 0);
	return (size_t)bl;
}

static void add_nsec(rlist_t *l)
{
	sg_zone_t *z = build(l);
	const sg_zone_node_t *owners[64];
	size_t no = 0;
	for (size_t ni = 0; ni < sg_zone_node_count(z); ni++)
		if (sg_denial_nsec_owner(z, sg_zone_node(z, ni)))
			owners[no++] = sg_zone_node(z, ni);
	for (size_t i = 0; i < no; i++) {
		uint8_t rd[1024];
		size_t o = sg_name_copy(rd, sg_zone_node_name(z, owners[(i + 1) % no]));
		o += encode_types(rd + o, sizeof(rd) - o, z, owners[i], SG_DENIAL_NSEC);
		push(l, sg_zone_node_name(z, owners[i]), SG_T_NSEC, 300, rd, o);
	}
	sg_zone_free(z);
}

struct h3 {
	uint8_t h[20];
	const sg_zone_node_t *n;
};

static int h3cmp(const void *a, const void *b)
{
	return memcmp(((const struct h3 *)a)->h, ((const struct h3 *)b)->h, 20);
}

static void add_nsec3(rlist_t *l)
{
	uint8_t apex[SG_NAME_MAX], param[5] = {1, 0, 0, 0, 0};
	name(apex, "example.");
	push(l, apex, SG_T_NSEC3PARAM, 3600, param, 5);
	sg_zone_t *z = build(l);
	struct h3 hs[64];
	size_t nh = 0;
	for (size_t ni = 0; ni < sg_zone_node_count(z); ni++) {
		const sg_zone_node_t *n = sg_zone_node(z, ni);
		if (!sg_denial_nsec3_owner(z, n, false))
			continue;
		assert_int_equal(sg_nsec3_hash(hs[nh].h, 1, sg_zone_node_name(z, n), NULL, 0, 0),
		                 SG_OK);
		hs[nh++].n = n;
	}
	qsort(hs, nh, sizeof(*hs), h3cmp);
	for (size_t i = 0; i < nh; i++) {
		uint8_t rd[1024] = {1, 0, 0, 0, 0, 20};
		memcpy(rd + 6, hs[(i + 1) % nh].h, 20);
		size_t o = 26 + encode_types(rd + 26, sizeof(rd) - 26, z, hs[i].n, SG_DENIAL_NSEC3);
		uint8_t owner[SG_NAME_MAX];
		char label[40];
		assert_int_equal(sg_base32hex_encode(label, sizeof(label), hs[i].h, 20), 32);
		owner[0] = 32;
		memcpy(owner + 1, label, 32);
		sg_name_copy(owner + 33, apex);
		push(l, owner, SG_T_NSEC3, 300, rd, o);
	}
	sg_zone_free(z);
}

/* The test zone, signed. */
static void make_zone(rlist_t *l, unsigned flags)
{
	memset(l, 0, sizeof(*l));
	parse(l, ZONE);
	uint8_t apex[SG_NAME_MAX];
	name(apex, "example.");
	push(l, apex, SG_T_DNSKEY, 3600, ksk.rdata, ksk.rdlen);
	push(l, apex, SG_T_DNSKEY, 3600, zsk.rdata, zsk.rdlen);
	if (flags & NSEC3)
		add_nsec3(l);
	else
		add_nsec(l);
	sign_all(l, flags);
}

/* ---- mutations ------------------------------------------------------------------- */

static bool owner_is(const trr_t *r, const char *text)
{
	uint8_t n[SG_NAME_MAX];
	name(n, text);
	return sg_name_equal(r->owner, n);
}

static trr_t *find(rlist_t *l, const char *owner, uint16_t type, uint16_t covered)
{
	for (size_t i = 0; i < l->n; i++) {
		trr_t *r = &l->v[i];
		if (r->type == type && owner_is(r, owner) &&
		    (type != SG_T_RRSIG || (r->rdata[0] << 8 | r->rdata[1]) == covered))
			return r;
	}
	fail_msg("no %s record %u", owner, type);
	return NULL;
}

static void drop(rlist_t *l, trr_t *r)
{
	size_t i = (size_t)(r - l->v);
	memmove(r, r + 1, (l->n - i - 1) * sizeof(*r));
	l->n--;
}

/* ---- verification and its problems ------------------------------------------------------ */

#define MAXP 64
typedef struct got {
	size_t n;
	struct {
		char owner[SG_NAME_TEXT_MAX];
		uint16_t type;
		int code, vresult;
		char msg[512];
	} p[MAXP];
} got_t;

static void on_problem(void *ctx, const sg_verify_problem_t *p)
{
	got_t *g = ctx;
	assert_true(g->n < MAXP);
	sg_name_to_text(g->p[g->n].owner, sizeof(g->p[0].owner), p->owner);
	g->p[g->n].type = p->type;
	g->p[g->n].code = p->code;
	g->p[g->n].vresult = p->vresult;
	snprintf(g->p[g->n].msg, sizeof(g->p[0].msg), "%s", p->msg);
	g->n++;
}

static int run_verify(got_t *g, sg_verify_stats_t *st, const rlist_t *l, int64_t now,
                      unsigned threads, const sg_verify_anchor_t *anchors, size_t nanchors)
{
	memset(g, 0, sizeof(*g));
	sg_zone_t *z = build(l);
	sg_verify_opts_t o = {.now = now,
	                      .threads = threads,
	                      .anchors = anchors,
	                      .nanchors = nanchors,
	                      .problem = on_problem,
	                      .ctx = g};
	int r = sg_verify_zone(st, z, &o);
	sg_zone_free(z);
	return r;
}

static int verify_now(got_t *g, const rlist_t *l)
{
	sg_verify_stats_t st;
	return run_verify(g, &st, l, NOW, 2, NULL, 0);
}

/* Is there a problem with this owner, type and code (and vresult, if >= 0)? */
static bool has(const got_t *g, const char *owner, uint16_t type, int code, int vresult)
{
	for (size_t i = 0; i < g->n; i++)
		if (!strcasecmp(g->p[i].owner, owner) && g->p[i].type == type &&
		    g->p[i].code == code && (vresult < 0 || g->p[i].vresult == vresult))
			return true;
	return false;
}

static void dump(const got_t *g)
{
	char tb[16];
	for (size_t i = 0; i < g->n; i++)
		print_message("  %s %s: [%d] %s\n", g->p[i].owner, sg_type_name(g->p[i].type, tb),
		              g->p[i].code, g->p[i].msg);
}

#define EXPECT(g, owner, type, code, vres)                                                         \
	do {                                                                                       \
		if (!has(g, owner, type, code, vres)) {                                            \
			dump(g);                                                                   \
			fail_msg("expected %s %u code %d", owner, (unsigned)(type), (int)(code));  \
		}                                                                                  \
	} while (0)

/* ---- tests -------------------------------------------------------------------------------- */

static void valid_nsec_zone(void **state)
{
	(void)state;
	rlist_t l;
	make_zone(&l, 0);
	got_t g;
	sg_verify_stats_t st;
	int r = run_verify(&g, &st, &l, NOW, 1, NULL, 0);
	dump(&g);
	assert_int_equal(r, SG_OK);
	assert_int_equal(g.n, 0);
	assert_int_equal(st.chain, SG_DENIAL_NSEC);
	/* apex ns1 www mail a.b *.wild sub insec */
	assert_int_equal(st.chain_length, 8);
	assert_true(st.signatures >= st.rrsets && st.rrsets > 10);
	/* the same with four threads */
	sg_verify_stats_t st4;
	assert_int_equal(run_verify(&g, &st4, &l, NOW, 4, NULL, 0), SG_OK);
	assert_int_equal(st4.rrsets, st.rrsets);
	assert_int_equal(st4.signatures, st.signatures);
	free(l.v);
}

static void valid_nsec3_zone(void **state)
{
	(void)state;
	rlist_t l;
	make_zone(&l, NSEC3);
	got_t g;
	sg_verify_stats_t st;
	int r = run_verify(&g, &st, &l, NOW, 2, NULL, 0);
	dump(&g);
	assert_int_equal(r, SG_OK);
	assert_int_equal(st.chain, SG_DENIAL_NSEC3);
	assert_false(st.opt_out);
	/* the NSEC names plus the ENTs b and wild */
	assert_int_equal(st.chain_length, 10);
	free(l.v);
}

static void changed_rdata(void **state)
{
	(void)state;
	rlist_t l;
	make_zone(&l, 0);
	find(&l, "www.example.", SG_T_A, 0)->rdata[3] = 99;
	got_t g;
	assert_int_equal(verify_now(&g, &l), SG_EZONE);
	EXPECT(&g, "www.example.", SG_T_A, SG_VP_RRSIG, SG_V_BAD_SIGNATURE);
	EXPECT(&g, "www.example.", SG_T_A, SG_VP_NO_SIGNATURE, -1);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.p[1].msg, "no valid signature");
	free(l.v);
}

static void removed_rrsig(void **state)
{
	(void)state;
	rlist_t l;
	make_zone(&l, 0);
	drop(&l, find(&l, "www.example.", SG_T_RRSIG, SG_T_AAAA));
	got_t g;
	assert_int_equal(verify_now(&g, &l), SG_EZONE);
	EXPECT(&g, "www.example.", SG_T_AAAA, SG_VP_NO_SIGNATURE, -1);
	assert_int_equal(g.n, 1);
	free(l.v);
}

static void expired_and_not_yet_valid(void **state)
{
	(void)state;
	rlist_t l;
	make_zone(&l, 0);
	got_t g;
	sg_verify_stats_t st;
	assert_int_equal(run_verify(&g, &st, &l, EXPIRATION + 1, 2, NULL, 0), SG_EZONE);
	EXPECT(&g, "example.", SG_T_SOA, SG_VP_RRSIG, SG_V_EXPIRED);
	EXPECT(&g, "www.example.", SG_T_A, SG_VP_RRSIG, SG_V_EXPIRED);
	char tb[16], want[64];
	assert_int_equal(sg_time_format(tb, sizeof(tb), EXPIRATION), 14);
	snprintf(want, sizeof(want), "(alg 13): signature expired (expiration %s)", tb);
	assert_non_null(strstr(g.p[0].msg, want));
	/* the window's edges are inside it */
	assert_int_equal(run_verify(&g, &st, &l, EXPIRATION, 2, NULL, 0), SG_OK);
	assert_int_equal(run_verify(&g, &st, &l, INCEPTION, 2, NULL, 0), SG_OK);
	assert_int_equal(run_verify(&g, &st, &l, INCEPTION - 1, 2, NULL, 0), SG_EZONE);
	EXPECT(&g, "mail.example.", SG_T_MX, SG_VP_RRSIG, SG_V_NOT_YET_VALID);
	EXPECT(&g, "mail.example.", SG_T_MX, SG_VP_NO_SIGNATURE, -1);
	free(l.v);
}

static void nsec_wrong_next(void **state)
{
	(void)state;
	rlist_t l;
	make_zone(&l, 0);
	trr_t *r = find(&l, "mail.example.", SG_T_NSEC, 0);
	/* next of mail. is ns1.; point it at www. keeping the bitmap */
	uint8_t next[SG_NAME_MAX], rest[512];
	size_t nl = sg_name_len(r->rdata), rl = r->rdlen - nl;
	memcpy(rest, r->rdata + nl, rl);
	name(next, "www.example.");
	size_t wl = sg_name_copy(r->rdata, next);
	memcpy(r->rdata + wl, rest, rl);
	r->rdlen = (uint16_t)(wl + rl);
	got_t g;
	assert_int_equal(verify_now(&g, &l), SG_EZONE);
	EXPECT(&g, "mail.example.", SG_T_NSEC, SG_VP_NSEC_NEXT, -1);
	EXPECT(&g, "mail.example.", SG_T_NSEC, SG_VP_RRSIG, SG_V_BAD_SIGNATURE);
	for (size_t i = 0; i < g.n; i++)
		if (g.p[i].code == SG_VP_NSEC_NEXT)
			assert_string_equal(g.p[i].msg, "next name is www.example. but the next "
			                                "name in the zone is ns1.example.");
	free(l.v);
}

static void nsec_missing(void **state)
{
	(void)state;
	rlist_t l;
	make_zone(&l, 0);
	drop(&l, find(&l, "a.b.example.", SG_T_NSEC, 0));
	drop(&l, find(&l, "a.b.example.", SG_T_RRSIG, SG_T_NSEC));
	got_t g;
	assert_int_equal(verify_now(&g, &l), SG_EZONE);
	EXPECT(&g, "a.b.example.", SG_T_NSEC, SG_VP_NSEC_MISSING, -1);
	assert_int_equal(g.n, 1);
	free(l.v);
}

static void nsec_extra(void **state)
{
	(void)state;
	rlist_t l;
	make_zone(&l, 0);
	/* an NSEC at a glue name */
	trr_t *r = find(&l, "www.example.", SG_T_NSEC, 0);
	uint8_t glue[SG_NAME_MAX];
	name(glue, "ns.sub.example.");
	trr_t copy = *r;
	push(&l, glue, SG_T_NSEC, copy.ttl, copy.rdata, copy.rdlen);
	got_t g;
	assert_int_equal(verify_now(&g, &l), SG_EZONE);
	EXPECT(&g, "ns.sub.example.", SG_T_NSEC, SG_VP_NSEC_EXTRA, -1);
	assert_int_equal(g.n, 1);
	free(l.v);
}

static void nsec_wrong_bitmap(void **state)
{
	(void)state;
	rlist_t l;
	make_zone(&l, 0);
	trr_t *r = find(&l, "ns1.example.", SG_T_NSEC, 0);
	size_t nl = sg_name_len(r->rdata);
	uint16_t types[] = {SG_T_A, SG_T_MX, SG_T_RRSIG, SG_T_NSEC};
	int bl = sg_bitmap_encode(r->rdata + nl, sizeof(r->rdata) - nl, types, 4);
	assert_true(bl > 0);
	r->rdlen = (uint16_t)(nl + (size_t)bl);
	got_t g;
	assert_int_equal(verify_now(&g, &l), SG_EZONE);
	EXPECT(&g, "ns1.example.", SG_T_NSEC, SG_VP_NSEC_BITMAP, -1);
	for (size_t i = 0; i < g.n; i++)
		if (g.p[i].code == SG_VP_NSEC_BITMAP)
			assert_string_equal(
			        g.p[i].msg,
			        "type bitmap lists A MX RRSIG NSEC but the name has A RRSIG NSEC");
	free(l.v);
}

static void nsec3_broken(void **state)
{
	(void)state;
	rlist_t l;
	make_zone(&l, NSEC3);
	/* remove the NSEC3 of www.example. (and its signature) */
	uint8_t www[SG_NAME_MAX], h[20];
	char label[40], owner[128];
	name(www, "www.example.");
	assert_int_equal(sg_nsec3_hash(h, 1, www, NULL, 0, 0), SG_OK);
	assert_int_equal(sg_base32hex_encode(label, sizeof(label), h, 20), 32);
	snprintf(owner, sizeof(owner), "%s.example.", label);
	drop(&l, find(&l, owner, SG_T_NSEC3, 0));
	drop(&l, find(&l, owner, SG_T_RRSIG, SG_T_NSEC3));
	got_t g;
	assert_int_equal(verify_now(&g, &l), SG_EZONE);
	EXPECT(&g, "www.example.", SG_T_NSEC3, SG_VP_NSEC3_MISSING, -1);
	bool next = false;
	for (size_t i = 0; i < g.n; i++)
		if (g.p[i].code == SG_VP_NSEC3_NEXT) {
			next = true;
			assert_non_null(strstr(g.p[i].msg, label));
		}
	assert_true(next);
	assert_int_equal(g.n, 2);
	free(l.v);
}

static void nsec3_params_differ(void **state)
{
	(void)state;
	rlist_t l;
	make_zone(&l, NSEC3);
	/* NSEC3PARAM says 5 iterations, the chain has 0 */
	find(&l, "example.", SG_T_NSEC3PARAM, 0)->rdata[3] = 5;
	got_t g;
	assert_int_equal(verify_now(&g, &l), SG_EZONE);
	EXPECT(&g, "example.", SG_T_NSEC3PARAM, SG_VP_RRSIG, SG_V_BAD_SIGNATURE);
	size_t params = 0;
	for (size_t i = 0; i < g.n; i++)
		params += g.p[i].code == SG_VP_NSEC3_PARAMS;
	assert_int_equal(params, 10);
	EXPECT(&g, "www.example.", SG_T_NSEC3, SG_VP_NSEC3_MISSING, -1);
	free(l.v);
}

static void nsec3_without_param(void **state)
{
	(void)state;
	rlist_t l;
	make_zone(&l, NSEC3);
	drop(&l, find(&l, "example.", SG_T_NSEC3PARAM, 0));
	drop(&l, find(&l, "example.", SG_T_RRSIG, SG_T_NSEC3PARAM));
	got_t g;
	assert_int_equal(verify_now(&g, &l), SG_EZONE);
	EXPECT(&g, "example.", SG_T_NSEC3PARAM, SG_VP_NSEC3PARAM_MISSING, -1);
	/* the apex NSEC3 still lists NSEC3PARAM */
	EXPECT(&g, "example.", SG_T_NSEC3, SG_VP_NSEC3_BITMAP, -1);
	assert_int_equal(g.n, 2);
	free(l.v);
}

static void anchors(void **state)
{
	(void)state;
	rlist_t l;
	make_zone(&l, 0);
	uint8_t apex[SG_NAME_MAX], ds[128], ds2[128];
	size_t dl, dl2;
	name(apex, "example.");
	assert_int_equal(
	        sg_ds_from_dnskey(ds, sizeof(ds), &dl, SG_DS_SHA256, apex, ksk.rdata, ksk.rdlen),
	        SG_OK);
	assert_int_equal(sg_ds_from_dnskey(ds2, sizeof(ds2), &dl2, SG_DS_SHA256, apex, other.rdata,
	                                   other.rdlen),
	                 SG_OK);
	got_t g;
	sg_verify_stats_t st;
	sg_verify_anchor_t a = {.owner = apex, .type = SG_T_DS, .rdata = ds, .rdlen = dl};
	assert_int_equal(run_verify(&g, &st, &l, NOW, 2, &a, 1), SG_OK);
	sg_verify_anchor_t k = {
	        .owner = apex, .type = SG_T_DNSKEY, .rdata = ksk.rdata, .rdlen = ksk.rdlen};
	assert_int_equal(run_verify(&g, &st, &l, NOW, 2, &k, 1), SG_OK);
	/* a DS of a key that is not in the zone; the ZSK, which does not sign the DNSKEY RRset */
	sg_verify_anchor_t bad[2] = {
	        {.owner = apex, .type = SG_T_DS, .rdata = ds2, .rdlen = dl2},
	        {.owner = apex, .type = SG_T_DNSKEY, .rdata = zsk.rdata, .rdlen = zsk.rdlen},
	};
	assert_int_equal(run_verify(&g, &st, &l, NOW, 2, bad, 2), SG_EZONE);
	EXPECT(&g, "example.", SG_T_DNSKEY, SG_VP_ANCHOR, -1);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.p[0].msg, "not signed by a key matching the trust anchor");
	/* a DS with the right tag and a wrong digest */
	ds[dl - 1] ^= 1;
	assert_int_equal(run_verify(&g, &st, &l, NOW, 2, &a, 1), SG_EZONE);
	EXPECT(&g, "example.", SG_T_DNSKEY, SG_VP_ANCHOR, -1);
	free(l.v);
}

static void not_sep(void **state)
{
	(void)state;
	rlist_t l;
	make_zone(&l, DNSKEY_ZSK);
	got_t g;
	assert_int_equal(verify_now(&g, &l), SG_EZONE);
	EXPECT(&g, "example.", SG_T_DNSKEY, SG_VP_NOT_SEP, -1);
	assert_int_equal(g.n, 1);
	free(l.v);
}

static void signed_glue(void **state)
{
	(void)state;
	rlist_t l;
	make_zone(&l, SIGN_GLUE);
	got_t g;
	assert_int_equal(verify_now(&g, &l), SG_EZONE);
	EXPECT(&g, "ns.sub.example.", SG_T_A, SG_VP_SIGNED_GLUE, -1);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.p[0].msg, "glue must not be signed");
	free(l.v);
}

static void orphan_rrsig(void **state)
{
	(void)state;
	rlist_t l;
	make_zone(&l, 0);
	/* www's A signature copied to mail, which has no A */
	trr_t copy = *find(&l, "www.example.", SG_T_RRSIG, SG_T_A);
	uint8_t mail[SG_NAME_MAX];
	name(mail, "mail.example.");
	push(&l, mail, SG_T_RRSIG, copy.ttl, copy.rdata, copy.rdlen);
	got_t g;
	assert_int_equal(verify_now(&g, &l), SG_EZONE);
	EXPECT(&g, "mail.example.", SG_T_A, SG_VP_ORPHAN_RRSIG, -1);
	assert_int_equal(g.n, 1);
	free(l.v);
}

static void unsigned_zone(void **state)
{
	(void)state;
	rlist_t l = {0};
	parse(&l, ZONE);
	got_t g;
	assert_int_equal(verify_now(&g, &l), SG_EZONE);
	EXPECT(&g, "example.", SG_T_DNSKEY, SG_VP_UNSIGNED, -1);
	assert_int_equal(g.n, 1);
	free(l.v);
}

static void both_chains(void **state)
{
	(void)state;
	rlist_t l, l3;
	make_zone(&l, 0);
	make_zone(&l3, NSEC3);
	for (size_t i = 0; i < l3.n; i++) {
		trr_t *r = &l3.v[i];
		bool n3sig = r->type == SG_T_RRSIG &&
		             ((r->rdata[0] << 8 | r->rdata[1]) == SG_T_NSEC3 ||
		              (r->rdata[0] << 8 | r->rdata[1]) == SG_T_NSEC3PARAM);
		if (r->type == SG_T_NSEC3 || r->type == SG_T_NSEC3PARAM || n3sig)
			push(&l, r->owner, r->type, r->ttl, r->rdata, r->rdlen);
	}
	got_t g;
	assert_int_equal(verify_now(&g, &l), SG_EZONE);
	EXPECT(&g, "example.", SG_T_NSEC, SG_VP_BOTH_CHAINS, -1);
	free(l.v);
	free(l3.v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(valid_nsec_zone),
	        cmocka_unit_test(valid_nsec3_zone),
	        cmocka_unit_test(changed_rdata),
	        cmocka_unit_test(removed_rrsig),
	        cmocka_unit_test(expired_and_not_yet_valid),
	        cmocka_unit_test(nsec_wrong_next),
	        cmocka_unit_test(nsec_missing),
	        cmocka_unit_test(nsec_extra),
	        cmocka_unit_test(nsec_wrong_bitmap),
	        cmocka_unit_test(nsec3_broken),
	        cmocka_unit_test(nsec3_params_differ),
	        cmocka_unit_test(nsec3_without_param),
	        cmocka_unit_test(anchors),
	        cmocka_unit_test(not_sep),
	        cmocka_unit_test(signed_glue),
	        cmocka_unit_test(orphan_rrsig),
	        cmocka_unit_test(unsigned_zone),
	        cmocka_unit_test(both_chains),
	};
	return cmocka_run_group_tests(tests, keys_setup, keys_teardown);
}
