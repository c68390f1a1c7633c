/* The zone signer and the shared denial rules: every signature it makes
 * verifies with the library's verifier, the chains follow RFC 4035 §2.3 and
 * RFC 5155 §7.1, glue stays unsigned, and bad inputs are refused. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "signet/denial.h"
#include "signet/dnssec.h"
#include "signet/rr.h"
#include "signet/sign.h"
#include "signet/util.h"
#include "signet/zone.h"
#include "signet/zonefile.h"

static const char ZONE[] = "$ORIGIN example.org.\n"
			   "$TTL 3600\n"
			   "@ SOA ns1 host 1 7200 3600 1209600 300\n"
			   "@ NS ns1\n"
			   "ns1 A 192.0.2.1\n"
			   "www A 192.0.2.2\n"
			   "www AAAA 2001:db8::2\n"
			   "*.wild TXT \"w\"\n"
			   "a.b.ent A 192.0.2.3\n"
			   "insecure NS ns.insecure\n"
			   "ns.insecure A 192.0.2.4\n"
			   "x.only-insecure NS ns.example.net.\n"
			   "secure NS ns.example.net.\n"
			   "secure DS 1 13 2 0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20\n";

typedef struct rec {
	uint8_t owner[SG_NAME_MAX];
	uint16_t type;
	uint32_t ttl;
	uint16_t rdlen;
	uint8_t rdata[1024];
} rec_t;

typedef struct out {
	rec_t *r;
	size_t n, cap;
} out_t;

static int collect(void *ctx, const sg_rr_t *rr)
{
	out_t *o = ctx;
	if (o->n == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 64;
		o->r = realloc(o->r, o->cap * sizeof(rec_t));
		assert_non_null(o->r);
	}
	rec_t *x = &o->r[o->n++];
	sg_name_copy(x->owner, rr->owner);
	x->type = rr->type;
	x->ttl = rr->ttl;
	assert_true(rr->rdlen <= sizeof(x->rdata));
	x->rdlen = rr->rdlen;
	memcpy(x->rdata, rr->rdata, rr->rdlen);
	return SG_OK;
}

static int add(void *ctx, const sg_rr_t *rr, const char *file, unsigned line)
{
	return sg_zone_builder_add(ctx, rr, file, line);
}

static const uint8_t *name(const char *text)
{
	static uint8_t buf[8][SG_NAME_MAX];
	static int i;
	size_t len;
	uint8_t *b = buf[i++ % 8];
	assert_int_equal(sg_name_from_text(b, &len, text, strlen(text), NULL), SG_OK);
	return b;
}

static sg_zone_t *load(const char *text, const sg_dnskey_t *const *keys, size_t nkeys,
		       const sg_sign_opts_t *o)
{
	sg_zone_builder_t *b = sg_zone_builder_new(name("example.org."));
	sg_zparse_opts_t po = {.record = add, .ctx = b};
	assert_int_equal(sg_zonefile_parse_mem(text, strlen(text), "t", &po, NULL), SG_OK);
	if (nkeys)
		assert_int_equal(sg_sign_prepare(b, name("example.org."), keys, nkeys, 3600, o), SG_OK);
	sg_zone_t *z;
	assert_int_equal(sg_zone_build(&z, b, NULL), SG_OK);
	return z;
}

static void keys_init(sg_dnskey_t *k, uint8_t alg)
{
	char err[256];
	assert_int_equal(sg_dnskey_generate(&k[0], name("example.org."), alg, 0, 257, err, sizeof(err)), SG_OK);
	assert_int_equal(sg_dnskey_generate(&k[1], name("example.org."), alg, 0, 256, err, sizeof(err)), SG_OK);
}

static size_t count(const out_t *o, const char *owner, uint16_t type)
{
	size_t n = 0;
	for (size_t i = 0; i < o->n; i++)
		if (o->r[i].type == type && (!owner || sg_name_equal(o->r[i].owner, name(owner))))
			n++;
	return n;
}

/* Verifies every RRSIG emitted over the RRset it covers. */
static size_t verify_all(const out_t *o, const sg_dnskey_t *keys, size_t nkeys, uint32_t now)
{
	size_t checked = 0;
	for (size_t i = 0; i < o->n; i++) {
		const rec_t *s = &o->r[i];
		if (s->type != SG_T_RRSIG)
			continue;
		uint16_t covered = (uint16_t)(s->rdata[0] << 8 | s->rdata[1]);
		sg_rdata_ref_t refs[64];
		size_t nr = 0;
		uint32_t ttl = 0;
		for (size_t k = 0; k < o->n; k++)
			if (o->r[k].type == covered && sg_name_equal(o->r[k].owner, s->owner)) {
				assert_true(nr < 64);
				refs[nr++] = (sg_rdata_ref_t){o->r[k].rdata, o->r[k].rdlen};
				ttl = o->r[k].ttl;
			}
		assert_true(nr > 0);
		sg_rrset_view_t v = {s->owner, covered, SG_C_IN, ttl, refs, nr};
		int res = -1;
		assert_int_equal(sg_rrsig_verify(&res, &v, s->rdata, s->rdlen, name("example.org."), keys,
						 nkeys, now),
				 SG_OK);
		assert_int_equal(res, SG_V_VALID);
		checked++;
	}
	return checked;
}

static void sign_zone(out_t *o, sg_sign_opts_t *so, sg_dnskey_t *keys, size_t nkeys)
{
	const sg_dnskey_t *kp[4];
	for (size_t i = 0; i < nkeys; i++)
		kp[i] = &keys[i];
	sg_zone_t *z = load(ZONE, kp, nkeys, so);
	so->emit = collect;
	so->emit_ctx = o;
	so->inception = 1700000000;
	so->expiration = 1800000000;
	sg_sign_stats_t st;
	char err[256];
	assert_int_equal(sg_zone_sign(z, kp, nkeys, so, &st, err, sizeof(err)), SG_OK);
	assert_int_equal(st.records, o->n);
	sg_zone_free(z);
}

static void test_nsec_zone(void **state)
{
	(void)state;
	sg_dnskey_t k[2];
	keys_init(k, 13);
	out_t o = {0};
	sg_sign_opts_t so = {.threads = 2};
	sign_zone(&o, &so, k, 2);
	/* every signature verifies */
	size_t sigs = verify_all(&o, k, 2, 1750000000);
	assert_int_equal(sigs, count(&o, NULL, SG_T_RRSIG));
	/* glue, the delegation NS and the nameless empty non-terminals are unsigned */
	assert_int_equal(count(&o, "ns.insecure.example.org.", SG_T_RRSIG), 0);
	assert_int_equal(count(&o, "insecure.example.org.", SG_T_RRSIG), 1); /* its NSEC only */
	assert_int_equal(count(&o, "secure.example.org.", SG_T_RRSIG), 2);   /* DS and NSEC */
	/* the DNSKEY RRset is signed by the KSK only, the rest by the ZSK only */
	assert_int_equal(count(&o, "example.org.", SG_T_RRSIG), 4); /* NS SOA DNSKEY NSEC */
	/* NSEC owners: apex, *.wild? no: a.b.ent, insecure, ns1, secure, *.wild, www,
	 * x.only-insecure — glue and ENTs have none */
	assert_int_equal(count(&o, NULL, SG_T_NSEC), 8);
	assert_int_equal(count(&o, "b.ent.example.org.", SG_T_NSEC), 0);
	assert_int_equal(count(&o, "ns.insecure.example.org.", SG_T_NSEC), 0);
	/* the chain closes: the last NSEC points at the apex */
	for (size_t i = 0; i < o.n; i++)
		if (o.r[i].type == SG_T_NSEC && sg_name_equal(o.r[i].owner, name("www.example.org.")))
			assert_true(sg_name_equal(o.r[i].rdata, name("example.org.")));
	free(o.r);
	sg_dnskey_deinit(&k[0]);
	sg_dnskey_deinit(&k[1]);
}

static void test_nsec3_opt_out(void **state)
{
	(void)state;
	sg_dnskey_t k[2];
	keys_init(k, 15);
	for (int optout = 0; optout < 2; optout++) {
		out_t o = {0};
		uint8_t salt[2] = {0xab, 0xcd};
		sg_sign_opts_t so = {.denial = SG_DENIAL_NSEC3, .nsec3_salt = salt, .nsec3_saltlen = 2,
				     .nsec3_iterations = 3, .nsec3_opt_out = optout, .threads = 1};
		sign_zone(&o, &so, k, 2);
		verify_all(&o, k, 2, 1750000000);
		/* names: apex, ns1, www, *.wild, wild (ENT), a.b.ent, b.ent, ent,
		 * insecure, x.only-insecure, only-insecure (ENT), secure = 12;
		 * opt-out drops insecure, x.only-insecure and only-insecure */
		assert_int_equal(count(&o, NULL, SG_T_NSEC3), optout ? 9 : 12);
		assert_int_equal(count(&o, NULL, SG_T_NSEC3PARAM), 1);
		/* the hash of www is an owner, with flags = opt-out */
		uint8_t h[20];
		assert_int_equal(sg_nsec3_hash(h, 1, name("www.example.org."), salt, 2, 3), SG_OK);
		bool found = false;
		for (size_t i = 0; i < o.n; i++) {
			if (o.r[i].type != SG_T_NSEC3)
				continue;
			assert_int_equal(o.r[i].rdata[1], optout);
			char b32[40];
			sg_base32hex_encode(b32, sizeof(b32), h, 20);
			if (o.r[i].owner[0] == 32 && !strncasecmp((char *)o.r[i].owner + 1, b32, 32)) {
				found = true;
				/* bitmap: A AAAA RRSIG */
				const uint8_t *bm = o.r[i].rdata + 5 + 2 + 1 + 20;
				size_t bl = o.r[i].rdlen - (5 + 2 + 1 + 20);
				assert_true(sg_bitmap_has(bm, bl, SG_T_A));
				assert_true(sg_bitmap_has(bm, bl, SG_T_AAAA));
				assert_true(sg_bitmap_has(bm, bl, SG_T_RRSIG));
				assert_false(sg_bitmap_has(bm, bl, SG_T_NSEC3));
			}
		}
		assert_true(found);
		free(o.r);
	}
	sg_dnskey_deinit(&k[0]);
	sg_dnskey_deinit(&k[1]);
}

static void test_threads_same_output(void **state)
{
	(void)state;
	sg_dnskey_t k[2];
	keys_init(k, 15); /* Ed25519 is deterministic: whole outputs must match */
	out_t a = {0}, b = {0};
	sg_sign_opts_t s1 = {.threads = 1}, s4 = {.threads = 4};
	sign_zone(&a, &s1, k, 2);
	sign_zone(&b, &s4, k, 2);
	assert_int_equal(a.n, b.n);
	for (size_t i = 0; i < a.n; i++) {
		assert_true(sg_name_equal(a.r[i].owner, b.r[i].owner));
		assert_int_equal(a.r[i].type, b.r[i].type);
		assert_int_equal(a.r[i].rdlen, b.r[i].rdlen);
		assert_memory_equal(a.r[i].rdata, b.r[i].rdata, a.r[i].rdlen);
	}
	/* and the output is in canonical order of owner names */
	for (size_t i = 1; i < a.n; i++)
		assert_true(sg_name_compare(a.r[i - 1].owner, a.r[i].owner) <= 0);
	free(a.r);
	free(b.r);
	sg_dnskey_deinit(&k[0]);
	sg_dnskey_deinit(&k[1]);
}

static void test_refusals(void **state)
{
	(void)state;
	char err[256];
	sg_dnskey_t k[2], other;
	keys_init(k, 13);
	assert_int_equal(sg_dnskey_generate(&other, name("example.com."), 13, 0, 256, err, sizeof(err)), SG_OK);
	const sg_dnskey_t *kp[2] = {&k[0], &k[1]};
	out_t o = {0};
	sg_sign_opts_t so = {.emit = collect, .emit_ctx = &o};
	/* no DNSKEY RRset in the zone */
	sg_zone_t *z = load(ZONE, NULL, 0, NULL);
	assert_int_equal(sg_zone_sign(z, kp, 2, &so, NULL, err, sizeof(err)), SG_EZONE);
	assert_non_null(strstr(err, "DNSKEY"));
	/* a key of another zone */
	const sg_dnskey_t *bad[1] = {&other};
	assert_int_equal(sg_zone_sign(z, bad, 1, &so, NULL, err, sizeof(err)), SG_EINVAL);
	assert_non_null(strstr(err, "example.com."));
	/* no keys, no emit callback */
	assert_int_equal(sg_zone_sign(z, kp, 0, &so, NULL, err, sizeof(err)), SG_EINVAL);
	sg_sign_opts_t noemit = {0};
	assert_int_equal(sg_zone_sign(z, kp, 2, &noemit, NULL, err, sizeof(err)), SG_EINVAL);
	sg_zone_free(z);
	/* NSEC3 without NSEC3PARAM */
	z = load(ZONE, kp, 2, NULL);
	sg_sign_opts_t n3 = {.denial = SG_DENIAL_NSEC3, .emit = collect, .emit_ctx = &o};
	assert_int_equal(sg_zone_sign(z, kp, 2, &n3, NULL, err, sizeof(err)), SG_EZONE);
	assert_non_null(strstr(err, "NSEC3PARAM"));
	sg_zone_free(z);
	assert_int_equal(o.n, 0);
	sg_dnskey_deinit(&k[0]);
	sg_dnskey_deinit(&k[1]);
	sg_dnskey_deinit(&other);
}

/* Emit failures stop the signer and come back to the caller. */
static int fail_after_10(void *ctx, const sg_rr_t *rr)
{
	(void)rr;
	return ++*(int *)ctx > 10 ? SG_EIO : SG_OK;
}

static void test_emit_error_stops(void **state)
{
	(void)state;
	sg_dnskey_t k[2];
	keys_init(k, 13);
	const sg_dnskey_t *kp[2] = {&k[0], &k[1]};
	sg_zone_t *z = load(ZONE, kp, 2, NULL);
	int calls = 0;
	char err[256];
	sg_sign_opts_t so = {.emit = fail_after_10, .emit_ctx = &calls, .threads = 2,
			     .inception = 1, .expiration = 2};
	assert_int_equal(sg_zone_sign(z, kp, 2, &so, NULL, err, sizeof(err)), SG_EIO);
	assert_int_equal(calls, 11);
	sg_zone_free(z);
	sg_dnskey_deinit(&k[0]);
	sg_dnskey_deinit(&k[1]);
}

static void test_bitmap(void **state)
{
	(void)state;
	/* RFC 4034 §4.3: A MX RRSIG NSEC TYPE1234 */
	static const char hex[] = "0006400100000003041b000000000000000000000000000000000000000000000000000020";
	uint8_t want[64];
	int wl = sg_base16_decode(want, sizeof(want), hex, strlen(hex));
	assert_int_equal(wl, 37);
	uint16_t types[] = {SG_T_A, SG_T_MX, SG_T_RRSIG, SG_T_NSEC, 1234};
	uint8_t bm[SG_BITMAP_MAX];
	int n = sg_bitmap_encode(bm, sizeof(bm), types, 5);
	assert_int_equal(n, wl);
	assert_memory_equal(bm, want, (size_t)wl);
	uint16_t back[8];
	assert_int_equal(sg_bitmap_decode(back, 8, bm, (size_t)n), 5);
	assert_memory_equal(back, types, sizeof(types));
	for (size_t i = 0; i < 5; i++)
		assert_true(sg_bitmap_has(bm, (size_t)n, types[i]));
	assert_false(sg_bitmap_has(bm, (size_t)n, SG_T_AAAA));
	assert_false(sg_bitmap_has(bm, (size_t)n, 1235));
	assert_int_equal(sg_bitmap_encode(bm, 3, types, 5), SG_ESPACE);
	uint8_t badwin[] = {0x00, 0x00};
	assert_int_equal(sg_bitmap_decode(back, 8, badwin, 2), SG_EMALFORMED);
	assert_int_equal(sg_bitmap_decode(back, 2, bm, (size_t)n), SG_ESPACE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bitmap),
		cmocka_unit_test(test_nsec_zone),
		cmocka_unit_test(test_nsec3_opt_out),
		cmocka_unit_test(test_threads_same_output),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_emit_error_stops),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
