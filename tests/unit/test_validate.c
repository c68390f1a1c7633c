/* Unit tests for src/lib/validate: DNSKEY authentication against DS and
 * trust anchors, RRset checks, denial proofs, limits, anchors.
 *
 * Zones are signed in memory by signet's own signer (NSEC, NSEC3,
 * NSEC3 opt-out); the real signed root zones of ../shared/testdata and the
 * RFC 6605 vectors give positive and negative cases made by others. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "signet/denial.h"
#include "signet/dnssec.h"
#include "signet/rr.h"
#include "signet/sign.h"
#include "signet/util.h"
#include "signet/validate.h"
#include "signet/zone.h"
#include "signet/zonefile.h"

/* ---- a record store ------------------------------------------------------- */

typedef struct rec {
	uint8_t *owner;
	uint16_t type;
	uint32_t ttl;
	uint16_t rdlen;
	uint8_t *rdata;
} rec_t;

typedef struct store {
	rec_t *r;
	size_t n, cap;
	bool (*keep)(uint16_t type);
} store_t;

static void store_add(store_t *s, const uint8_t *owner, uint16_t type, uint32_t ttl,
                      const uint8_t *rd, size_t rdlen)
{
	if (s->keep && !s->keep(type))
		return;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 256;
		s->r = realloc(s->r, s->cap * sizeof(*s->r));
		assert_non_null(s->r);
	}
	rec_t *r = &s->r[s->n++];
	size_t ol = sg_name_len(owner);
	r->owner = malloc(ol);
	r->rdata = malloc(rdlen ? rdlen : 1);
	assert_non_null(r->owner);
	assert_non_null(r->rdata);
	memcpy(r->owner, owner, ol);
	memcpy(r->rdata, rd, rdlen);
	r->type = type;
	r->ttl = ttl;
	r->rdlen = (uint16_t)rdlen;
}

static void store_free(store_t *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->r[i].owner);
		free(s->r[i].rdata);
	}
	free(s->r);
	memset(s, 0, sizeof(*s));
}

static int on_rec(void *ctx, const sg_rr_t *rr, const char *file, unsigned line)
{
	(void)file;
	(void)line;
	store_add(ctx, rr->owner, rr->type, rr->ttl, rr->rdata, rr->rdlen);
	return SG_OK;
}

static void on_err(void *ctx, const char *file, unsigned line, const char *msg)
{
	(void)ctx;
	fail_msg("%s:%u: %s", file, line, msg);
}

static void parse_into(store_t *s, const char *text, size_t len, const char *name)
{
	sg_zparse_opts_t o = {0};
	o.origin = sg_name_root;
	o.record = on_rec;
	o.error = on_err;
	o.ctx = s;
	o.no_include = 1;
	assert_int_equal(sg_zonefile_parse_mem(text, len, name, &o, NULL), SG_OK);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	char *buf = NULL;
	size_t cap = 0, n = 0;
	for (;;) {
		if (cap - n < 65536) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap + 1);
			assert_non_null(buf);
		}
		size_t g = fread(buf + n, 1, cap - n, f);
		if (g == 0)
			break;
		n += g;
	}
	fclose(f);
	buf[n] = 0;
	*len = n;
	return buf;
}

static const char *vpath(const char *sub, const char *name)
{
	static char p[1024];
	const char *d = getenv("SIGNET_VECTORS");
	if (d)
		snprintf(p, sizeof(p), "%s/../%s/%s", d, sub, name);
	else
		snprintf(p, sizeof(p), "../shared/testdata/%s/%s", sub, name);
	return p;
}

static const uint8_t *N(const char *text)
{
	static uint8_t bufs[8][SG_NAME_MAX];
	static int i;
	uint8_t *b = bufs[i++ % 8];
	size_t l;
	assert_int_equal(sg_name_from_text(b, &l, text, strlen(text), NULL), SG_OK);
	return b;
}

/* One RRset of the store with its RRSIGs, as the validator takes it. */
typedef struct set {
	uint8_t owner[SG_NAME_MAX];
	sg_rdata_ref_t rd[64];
	sg_rdata_ref_t sig[64];
	uint8_t copy[64][600]; /* for tampering */
	sg_val_rrset_t v;
} set_t;

static set_t *get_set(const store_t *s, const uint8_t *owner, uint16_t type)
{
	set_t *t = calloc(1, sizeof(*t));
	assert_non_null(t);
	sg_name_copy(t->owner, owner);
	t->v.rrset.owner = t->owner;
	t->v.rrset.type = type;
	t->v.rrset.rclass = SG_C_IN;
	t->v.rrset.rdata = t->rd;
	t->v.sigs = t->sig;
	for (size_t i = 0; i < s->n; i++) {
		const rec_t *r = &s->r[i];
		if (!sg_name_equal(r->owner, owner))
			continue;
		if (r->type == type && t->v.rrset.count < 64) {
			t->v.rrset.ttl = r->ttl;
			t->rd[t->v.rrset.count].data = r->rdata;
			t->rd[t->v.rrset.count++].len = r->rdlen;
		} else if (r->type == SG_T_RRSIG && r->rdlen >= 2 && sg_get16(r->rdata) == type &&
		           t->v.nsigs < 64) {
			t->sig[t->v.nsigs].data = r->rdata;
			t->sig[t->v.nsigs++].len = r->rdlen;
		}
	}
	return t;
}

/* Replaces RDATA i by a private copy and returns it for changing. */
static uint8_t *tamper_rdata(set_t *t, size_t i)
{
	assert_true(i < t->v.rrset.count && t->rd[i].len <= sizeof(t->copy[i]));
	memcpy(t->copy[i], t->rd[i].data, t->rd[i].len);
	t->rd[i].data = t->copy[i];
	return t->copy[i];
}

/* Every NSEC or NSEC3 RRset of the store as views (owner + RDATA), minus
 * the one owned by `except` (NULL: none). */
typedef struct denial_sets {
	sg_rrset_view_t v[4096];
	sg_rdata_ref_t rd[4096];
	size_t n;
} denial_sets_t;

static denial_sets_t *get_denial(const store_t *s, uint16_t type, const uint8_t *except)
{
	denial_sets_t *d = calloc(1, sizeof(*d));
	assert_non_null(d);
	for (size_t i = 0; i < s->n && d->n < 4096; i++) {
		const rec_t *r = &s->r[i];
		if (r->type != type || (except && sg_name_equal(r->owner, except)))
			continue;
		d->rd[d->n].data = r->rdata;
		d->rd[d->n].len = r->rdlen;
		d->v[d->n].owner = r->owner;
		d->v[d->n].type = type;
		d->v[d->n].rclass = SG_C_IN;
		d->v[d->n].ttl = r->ttl;
		d->v[d->n].rdata = &d->rd[d->n];
		d->v[d->n].count = 1;
		d->n++;
	}
	return d;
}

/* ---- a zone signed by signet ---------------------------------------------- */

#define NOW        1700000000
#define INCEPTION  (NOW - 3600)
#define EXPIRATION (NOW + 86400)

static const char zone_text[] =
        "$ORIGIN example.\n"
        "$TTL 3600\n"
        "@ SOA ns h 1 3600 600 86400 300\n"
        "@ NS ns\n"
        "ns A 192.0.2.1\n"
        "www A 192.0.2.10\n"
        "www A 192.0.2.11\n"
        "*.wild A 192.0.2.20\n"
        "a.b TXT \"x\"\n"
        "sub NS ns.sub\n"
        "ns.sub A 192.0.2.30\n"
        "sec NS ns.sec\n"
        "sec DS 12345 13 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
        "ns.sec A 192.0.2.40\n";

typedef struct fixture {
	store_t s;
	sg_dnskey_t ksk, zsk;
	uint8_t ds[128]; /* DS RDATA of the KSK (SHA-256) */
	size_t dslen;
} fixture_t;

static int emit(void *ctx, const sg_rr_t *rr)
{
	store_add(ctx, rr->owner, rr->type, rr->ttl, rr->rdata, rr->rdlen);
	return SG_OK;
}

static int zrec(void *ctx, const sg_rr_t *rr, const char *file, unsigned line)
{
	return sg_zone_builder_add(ctx, rr, file, line);
}

static fixture_t *sign_fixture(int denial, uint16_t iterations, bool opt_out)
{
	fixture_t *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	char err[256];
	const uint8_t *origin = N("example.");
	assert_int_equal(sg_dnskey_generate(&f->ksk, origin, 13, 0, 257, err, sizeof(err)), SG_OK);
	assert_int_equal(sg_dnskey_generate(&f->zsk, origin, 13, 0, 256, err, sizeof(err)), SG_OK);
	if (f->ksk.tag == f->zsk.tag) /* vanishingly rare; keep tests simple */
		fail_msg("key tag collision, rerun");
	assert_int_equal(sg_ds_from_dnskey(f->ds, sizeof(f->ds), &f->dslen, SG_DS_SHA256, origin,
	                                   f->ksk.rdata, f->ksk.rdlen),
	                 SG_OK);

	sg_zone_builder_t *b = sg_zone_builder_new(origin);
	assert_non_null(b);
	sg_zparse_opts_t o = {0};
	o.origin = origin;
	o.record = zrec;
	o.error = on_err;
	o.ctx = b;
	o.no_include = 1;
	assert_int_equal(
	        sg_zonefile_parse_mem(zone_text, strlen(zone_text), "example.zone", &o, NULL),
	        SG_OK);
	sg_sign_opts_t so = {0};
	so.inception = INCEPTION;
	so.expiration = EXPIRATION;
	so.denial = denial;
	so.nsec3_iterations = iterations;
	so.nsec3_opt_out = opt_out;
	so.threads = 1;
	so.emit = emit;
	so.emit_ctx = &f->s;
	const sg_dnskey_t *keys[2] = {&f->ksk, &f->zsk};
	assert_int_equal(sg_sign_prepare(b, origin, keys, 2, 3600, &so), SG_OK);
	sg_zone_t *z = NULL;
	assert_int_equal(sg_zone_build(&z, b, NULL), SG_OK);
	int r = sg_zone_sign(z, keys, 2, &so, NULL, err, sizeof(err));
	if (r)
		fail_msg("sign: %s", err);
	sg_zone_free(z);
	return f;
}

static void fixture_free(fixture_t *f)
{
	store_free(&f->s);
	sg_dnskey_deinit(&f->ksk);
	sg_dnskey_deinit(&f->zsk);
	free(f);
}

static sg_val_anchor_t ds_anchor(const fixture_t *f, const uint8_t *rd, size_t len)
{
	(void)f;
	sg_val_anchor_t a = {.owner = N("example."), .type = SG_T_DS, .rdata = rd, .rdlen = len};
	return a;
}

/* Authenticates the fixture's DNSKEY set with its DS; returns the key set. */
static sg_val_keyset_t *fixture_keys(fixture_t *f)
{
	set_t *t = get_set(&f->s, N("example."), SG_T_DNSKEY);
	sg_val_anchor_t a = ds_anchor(f, f->ds, f->dslen);
	sg_val_opts_t o;
	sg_val_opts_init(&o, NOW);
	sg_val_result_t res;
	sg_val_keyset_t *ks = NULL;
	assert_int_equal(sg_val_dnskey(&ks, &res, &t->v, &a, 1, &o, NULL, NULL), SG_OK);
	if (res.status != SG_VAL_SECURE)
		fail_msg("%s", res.text);
	assert_non_null(ks);
	free(t);
	return ks;
}

/* ---- DNSKEY authentication ---------------------------------------------------- */

static void dnskey_secure_with_detail(void **state)
{
	(void)state;
	fixture_t *f = sign_fixture(SG_DENIAL_NSEC, 0, false);
	set_t *t = get_set(&f->s, N("example."), SG_T_DNSKEY);
	assert_int_equal(t->v.rrset.count, 2);
	sg_val_anchor_t a = ds_anchor(f, f->ds, f->dslen);
	sg_val_opts_t o;
	sg_val_opts_init(&o, NOW);
	sg_val_result_t res;
	sg_val_stats_t st = {0};
	sg_val_detail_t *d = calloc(1, sizeof(*d));
	sg_val_keyset_t *ks = NULL;
	assert_int_equal(sg_val_dnskey(&ks, &res, &t->v, &a, 1, &o, &st, d), SG_OK);
	assert_int_equal(res.status, SG_VAL_SECURE);
	assert_int_equal(res.reason, SG_VR_NONE);
	assert_int_equal(sg_val_reason_ede(res.reason), -1);
	assert_non_null(ks);
	assert_int_equal(sg_val_keyset_count(ks), 2);
	assert_true(sg_name_equal(sg_val_keyset_zone(ks), N("example.")));
	assert_int_equal(res.key_tag, f->ksk.tag);
	assert_true(st.sig_verifications >= 1 && st.sig_verifications <= 2);
	/* detail: the DS matches the KSK, and the KSK signed the set */
	assert_int_equal(d->nds, 1);
	assert_int_equal(d->ds[0].key_tag, f->ksk.tag);
	assert_true(d->ds[0].supported);
	assert_true(d->ds[0].key >= 0);
	const sg_val_key_info_t *k = &d->keys[d->ds[0].key];
	assert_int_equal(k->key_tag, f->ksk.tag);
	assert_int_equal(k->flags, 257);
	assert_true(k->anchored && k->signed_set);
	assert_int_equal(d->nkeys, 2);
	for (size_t i = 0; i < d->nkeys; i++)
		if (d->keys[i].key_tag == f->zsk.tag)
			assert_false(d->keys[i].anchored || d->keys[i].signed_set);
	assert_true(d->nsigs >= 1);
	assert_int_equal(d->sigs[0].expiration, EXPIRATION);
	assert_int_equal(d->sigs[0].inception, INCEPTION);
	sg_val_keyset_free(ks);
	free(d);
	free(t);
	fixture_free(f);
}

static void dnskey_bad_ds(void **state)
{
	(void)state;
	fixture_t *f = sign_fixture(SG_DENIAL_NSEC, 0, false);
	set_t *t = get_set(&f->s, N("example."), SG_T_DNSKEY);
	sg_val_opts_t o;
	sg_val_opts_init(&o, NOW);
	sg_val_result_t res;
	sg_val_keyset_t *ks = (sg_val_keyset_t *)1;
	uint8_t ds[128];

	/* digest changed: no key matches */
	memcpy(ds, f->ds, f->dslen);
	ds[10] ^= 0x55;
	sg_val_anchor_t a = ds_anchor(f, ds, f->dslen);
	assert_int_equal(sg_val_dnskey(&ks, &res, &t->v, &a, 1, &o, NULL, NULL), SG_OK);
	assert_null(ks);
	assert_int_equal(res.status, SG_VAL_BOGUS);
	assert_int_equal(res.reason, SG_VR_DNSKEY_MISSING);
	assert_int_equal(sg_val_reason_ede(res.reason), 9);
	assert_non_null(strstr(res.text, "example."));

	/* wrong key tag */
	memcpy(ds, f->ds, f->dslen);
	sg_put16(ds, (uint16_t)(f->ksk.tag + 1));
	assert_int_equal(sg_val_dnskey(&ks, &res, &t->v, &a, 1, &o, NULL, NULL), SG_OK);
	assert_int_equal(res.status, SG_VAL_BOGUS);
	assert_int_equal(res.reason, SG_VR_DNSKEY_MISSING);

	/* DS of the ZSK: matches a key, but the ZSK did not sign the set */
	size_t zl;
	assert_int_equal(sg_ds_from_dnskey(ds, sizeof(ds), &zl, SG_DS_SHA256, N("example."),
	                                   f->zsk.rdata, f->zsk.rdlen),
	                 SG_OK);
	a.rdlen = zl;
	assert_int_equal(sg_val_dnskey(&ks, &res, &t->v, &a, 1, &o, NULL, NULL), SG_OK);
	assert_int_equal(res.status, SG_VAL_BOGUS);
	assert_int_equal(res.reason, SG_VR_RRSIGS_MISSING);
	assert_int_equal(sg_val_reason_ede(res.reason), 10);
	char tag[16];
	snprintf(tag, sizeof(tag), "%u", f->zsk.tag);
	assert_non_null(strstr(res.text, tag));

	/* the DNSKEY set itself changed (a key's flags): signature fails */
	memcpy(ds, f->ds, f->dslen);
	a.rdlen = f->dslen;
	size_t zi = sg_get16(t->rd[0].data) == 256 ? 0 : 1;
	uint8_t *k = tamper_rdata(t, zi);
	k[k[3] == 13 ? 10 : 10] ^= 1; /* a public key octet of the ZSK */
	assert_int_equal(sg_val_dnskey(&ks, &res, &t->v, &a, 1, &o, NULL, NULL), SG_OK);
	assert_int_equal(res.status, SG_VAL_BOGUS);
	assert_int_equal(res.reason, SG_VR_BOGUS);
	assert_int_equal(sg_val_reason_ede(res.reason), 6);
	free(t);
	fixture_free(f);
}

static void dnskey_unsupported_is_insecure(void **state)
{
	(void)state;
	fixture_t *f = sign_fixture(SG_DENIAL_NSEC, 0, false);
	set_t *t = get_set(&f->s, N("example."), SG_T_DNSKEY);
	sg_val_opts_t o;
	sg_val_opts_init(&o, NOW);
	sg_val_result_t res;
	uint8_t ds[128];
	memcpy(ds, f->ds, f->dslen);
	sg_val_anchor_t a = ds_anchor(f, ds, f->dslen);

	ds[2] = 253; /* private algorithm: RFC 6840 §5.2, insecure */
	assert_int_equal(sg_val_dnskey(NULL, &res, &t->v, &a, 1, &o, NULL, NULL), SG_OK);
	assert_int_equal(res.status, SG_VAL_INSECURE);
	assert_int_equal(res.reason, SG_VR_UNSUPPORTED_ALG);
	assert_int_equal(sg_val_reason_ede(res.reason), 1);

	ds[2] = 13;
	ds[3] = 3; /* GOST digest: not supported */
	assert_int_equal(sg_val_dnskey(NULL, &res, &t->v, &a, 1, &o, NULL, NULL), SG_OK);
	assert_int_equal(res.status, SG_VAL_INSECURE);
	assert_int_equal(res.reason, SG_VR_UNSUPPORTED_DIGEST);
	assert_int_equal(sg_val_reason_ede(res.reason), 2);

	/* a supported DS next to an unsupported one: the supported one rules */
	sg_val_anchor_t two[2] = {a, ds_anchor(f, f->ds, f->dslen)};
	assert_int_equal(sg_val_dnskey(NULL, &res, &t->v, two, 2, &o, NULL, NULL), SG_OK);
	assert_int_equal(res.status, SG_VAL_SECURE);

	/* no anchor for the zone at all */
	sg_val_anchor_t other = {
	        .owner = N("example.org."), .type = SG_T_DS, .rdata = f->ds, .rdlen = f->dslen};
	assert_int_equal(sg_val_dnskey(NULL, &res, &t->v, &other, 1, &o, NULL, NULL), SG_OK);
	assert_int_equal(res.status, SG_VAL_INDETERMINATE);
	assert_int_equal(res.reason, SG_VR_NO_ANCHOR);
	free(t);
	fixture_free(f);
}

static void dnskey_validity_window(void **state)
{
	(void)state;
	fixture_t *f = sign_fixture(SG_DENIAL_NSEC, 0, false);
	set_t *t = get_set(&f->s, N("example."), SG_T_DNSKEY);
	sg_val_opts_t o;
	sg_val_result_t res;
	sg_val_anchor_t a = ds_anchor(f, f->ds, f->dslen);

	sg_val_opts_init(&o, EXPIRATION + 10);
	assert_int_equal(sg_val_dnskey(NULL, &res, &t->v, &a, 1, &o, NULL, NULL), SG_OK);
	assert_int_equal(res.status, SG_VAL_BOGUS);
	assert_int_equal(res.reason, SG_VR_SIG_EXPIRED);
	assert_int_equal(sg_val_reason_ede(res.reason), 7);
	assert_non_null(strstr(res.text, "expired"));

	sg_val_opts_init(&o, INCEPTION - 10);
	assert_int_equal(sg_val_dnskey(NULL, &res, &t->v, &a, 1, &o, NULL, NULL), SG_OK);
	assert_int_equal(res.status, SG_VAL_BOGUS);
	assert_int_equal(res.reason, SG_VR_SIG_NOT_YET_VALID);
	assert_int_equal(sg_val_reason_ede(res.reason), 8);

	/* exactly at both ends: valid (RFC 4035 §5.3.1 is inclusive) */
	sg_val_opts_init(&o, EXPIRATION);
	assert_int_equal(sg_val_dnskey(NULL, &res, &t->v, &a, 1, &o, NULL, NULL), SG_OK);
	assert_int_equal(res.status, SG_VAL_SECURE);
	sg_val_opts_init(&o, INCEPTION);
	assert_int_equal(sg_val_dnskey(NULL, &res, &t->v, &a, 1, &o, NULL, NULL), SG_OK);
	assert_int_equal(res.status, SG_VAL_SECURE);

	/* no RRSIGs at all */
	t->v.nsigs = 0;
	sg_val_opts_init(&o, NOW);
	assert_int_equal(sg_val_dnskey(NULL, &res, &t->v, &a, 1, &o, NULL, NULL), SG_OK);
	assert_int_equal(res.status, SG_VAL_BOGUS);
	assert_int_equal(res.reason, SG_VR_RRSIGS_MISSING);
	free(t);
	fixture_free(f);
}

static void dnskey_anchor_as_key_and_zone_bit(void **state)
{
	(void)state;
	fixture_t *f = sign_fixture(SG_DENIAL_NSEC, 0, false);
	set_t *t = get_set(&f->s, N("example."), SG_T_DNSKEY);
	sg_val_opts_t o;
	sg_val_opts_init(&o, NOW);
	sg_val_result_t res;
	sg_val_anchor_t a = {.owner = N("EXAMPLE."),
	                     .type = SG_T_DNSKEY,
	                     .rdata = f->ksk.rdata,
	                     .rdlen = f->ksk.rdlen};
	assert_int_equal(sg_val_dnskey(NULL, &res, &t->v, &a, 1, &o, NULL, NULL), SG_OK);
	assert_int_equal(res.status, SG_VAL_SECURE);

	/* the KSK published without the zone bit: its DS no longer leads to a
	 * usable key (and the set no longer verifies) */
	size_t ki = sg_get16(t->rd[0].data) == 257 ? 0 : 1;
	uint8_t *k = tamper_rdata(t, ki);
	k[0] = 0; /* flags 1: SEP only */
	uint8_t ds[128];
	size_t dl;
	assert_int_equal(sg_ds_from_dnskey(ds, sizeof(ds), &dl, SG_DS_SHA256, N("example."), k,
	                                   t->rd[ki].len),
	                 SG_OK);
	sg_val_anchor_t d = ds_anchor(f, ds, dl);
	assert_int_equal(sg_val_dnskey(NULL, &res, &t->v, &d, 1, &o, NULL, NULL), SG_OK);
	assert_int_equal(res.status, SG_VAL_BOGUS);
	assert_int_equal(res.reason, SG_VR_NO_ZONE_KEY);
	assert_int_equal(sg_val_reason_ede(res.reason), 11);
	free(t);
	fixture_free(f);
}

static void dnskey_bad_arguments(void **state)
{
	(void)state;
	sg_val_result_t res;
	sg_val_opts_t o;
	sg_val_opts_init(&o, NOW);
	sg_val_rrset_t v = {0};
	v.rrset.owner = N("example.");
	v.rrset.type = SG_T_A;
	assert_int_equal(sg_val_dnskey(NULL, &res, &v, NULL, 0, &o, NULL, NULL), SG_EINVAL);
	assert_int_equal(sg_val_dnskey(NULL, NULL, &v, NULL, 0, &o, NULL, NULL), SG_EINVAL);
	/* empty DNSKEY set with a usable DS: DNSKEY missing */
	v.rrset.type = SG_T_DNSKEY;
	uint8_t ds[36] = {0x12, 0x34, 13, 2};
	sg_val_anchor_t a = {
	        .owner = N("example."), .type = SG_T_DS, .rdata = ds, .rdlen = sizeof(ds)};
	assert_int_equal(sg_val_dnskey(NULL, &res, &v, &a, 1, &o, NULL, NULL), SG_OK);
	assert_int_equal(res.status, SG_VAL_BOGUS);
	assert_int_equal(res.reason, SG_VR_DNSKEY_MISSING);
	/* garbage DNSKEY RDATA: never a crash, no key matches */
	uint8_t junk[7] = {1, 1, 3, 13, 0, 0, 0};
	sg_rdata_ref_t jr = {junk, sizeof(junk)};
	v.rrset.rdata = &jr;
	v.rrset.count = 1;
	assert_int_equal(sg_val_dnskey(NULL, &res, &v, &a, 1, &o, NULL, NULL), SG_OK);
	assert_int_equal(res.status, SG_VAL_BOGUS);
}

/* ---- RRsets ---------------------------------------------------------------------- */

static void rrset_secure_and_tampered(void **state)
{
	(void)state;
	fixture_t *f = sign_fixture(SG_DENIAL_NSEC, 0, false);
	sg_val_keyset_t *ks = fixture_keys(f);
	sg_val_opts_t o;
	sg_val_opts_init(&o, NOW);
	sg_val_result_t res;
	sg_val_detail_t *d = calloc(1, sizeof(*d));

	set_t *t = get_set(&f->s, N("www.example."), SG_T_A);
	assert_int_equal(t->v.rrset.count, 2);
	assert_int_equal(sg_val_rrset(&res, &t->v, ks, &o, NULL, d), SG_OK);
	assert_int_equal(res.status, SG_VAL_SECURE);
	assert_false(res.wildcard);
	assert_int_equal(res.key_tag, f->zsk.tag);
	assert_int_equal(res.sig_labels, 2);
	assert_int_equal(res.ttl, 3600);
	assert_int_equal(d->nsigs, 1);
	assert_int_equal(d->sigs[0].vresult, SG_V_VALID);
	/* near the end of the window the TTL shrinks to what is left */
	sg_val_opts_init(&o, EXPIRATION - 100);
	assert_int_equal(sg_val_rrset(&res, &t->v, ks, &o, NULL, NULL), SG_OK);
	assert_int_equal(res.status, SG_VAL_SECURE);
	assert_int_equal(res.ttl, 100);
	sg_val_opts_init(&o, NOW);

	/* order and case of the RRset do not matter */
	sg_rdata_ref_t tmp = t->rd[0];
	t->rd[0] = t->rd[1];
	t->rd[1] = tmp;
	uint8_t upper[SG_NAME_MAX];
	sg_name_copy(upper, N("WWW.Example."));
	t->v.rrset.owner = upper;
	assert_int_equal(sg_val_rrset(&res, &t->v, ks, &o, NULL, NULL), SG_OK);
	assert_int_equal(res.status, SG_VAL_SECURE);
	t->v.rrset.owner = t->owner;

	/* forged address */
	uint8_t *a = tamper_rdata(t, 0);
	a[3] = 99;
	assert_int_equal(sg_val_rrset(&res, &t->v, ks, &o, NULL, d), SG_OK);
	assert_int_equal(res.status, SG_VAL_BOGUS);
	assert_int_equal(res.reason, SG_VR_BOGUS);
	assert_int_equal(sg_val_reason_ede(res.reason), 6);
	assert_non_null(strstr(res.text, "www.example. A"));
	char tag[16];
	snprintf(tag, sizeof(tag), "key %u", f->zsk.tag);
	assert_non_null(strstr(res.text, tag));
	assert_int_equal(d->sigs[0].vresult, SG_V_BAD_SIGNATURE);

	/* a record added to the RRset */
	set_t *t2 = get_set(&f->s, N("www.example."), SG_T_A);
	t2->v.rrset.count = 1;
	assert_int_equal(sg_val_rrset(&res, &t2->v, ks, &o, NULL, NULL), SG_OK);
	assert_int_equal(res.status, SG_VAL_BOGUS);

	/* no RRSIG */
	t2->v.rrset.count = 2;
	t2->v.nsigs = 0;
	assert_int_equal(sg_val_rrset(&res, &t2->v, ks, &o, NULL, NULL), SG_OK);
	assert_int_equal(res.status, SG_VAL_BOGUS);
	assert_int_equal(res.reason, SG_VR_RRSIGS_MISSING);
	assert_int_equal(sg_val_reason_ede(res.reason), 10);

	/* expired, not yet valid */
	t2->v.nsigs = 1;
	sg_val_opts_init(&o, EXPIRATION + 1);
	assert_int_equal(sg_val_rrset(&res, &t2->v, ks, &o, NULL, NULL), SG_OK);
	assert_int_equal(res.reason, SG_VR_SIG_EXPIRED);
	sg_val_opts_init(&o, INCEPTION - 1);
	assert_int_equal(sg_val_rrset(&res, &t2->v, ks, &o, NULL, NULL), SG_OK);
	assert_int_equal(res.reason, SG_VR_SIG_NOT_YET_VALID);
	sg_val_opts_init(&o, NOW);

	/* key set without the ZSK: DNSKEY missing for the RRSIG's key tag */
	sg_rdata_ref_t kr = {f->ksk.rdata, f->ksk.rdlen};
	sg_val_keyset_t *only_ksk = NULL;
	char err[128];
	assert_int_equal(sg_val_keyset_new(&only_ksk, N("example."), &kr, 1, err, sizeof(err)),
	                 SG_OK);
	assert_int_equal(sg_val_rrset(&res, &t2->v, only_ksk, &o, NULL, NULL), SG_OK);
	assert_int_equal(res.status, SG_VAL_BOGUS);
	assert_int_equal(res.reason, SG_VR_DNSKEY_MISSING);
	sg_val_keyset_free(only_ksk);

	/* key set of another zone: the signer name does not match */
	sg_rdata_ref_t zr = {f->zsk.rdata, f->zsk.rdlen};
	sg_val_keyset_t *other = NULL;
	assert_int_equal(sg_val_keyset_new(&other, N("org."), &zr, 1, err, sizeof(err)), SG_OK);
	assert_int_equal(sg_val_rrset(&res, &t2->v, other, &o, NULL, NULL), SG_OK);
	assert_int_equal(res.status, SG_VAL_BOGUS);
	assert_int_equal(res.reason, SG_VR_RRSIGS_MISSING);
	sg_val_keyset_free(other);

	/* a bad DNSKEY given to keyset_new is an error naming it */
	uint8_t junk[6] = {1, 1, 3, 13, 1, 2};
	sg_rdata_ref_t jr = {junk, sizeof(junk)};
	assert_int_equal(sg_val_keyset_new(&other, N("org."), &jr, 1, err, sizeof(err)),
	                 SG_EMALFORMED);
	assert_non_null(strstr(err, "DNSKEY 1"));

	free(d);
	free(t);
	free(t2);
	sg_val_keyset_free(ks);
	fixture_free(f);
}

/* KeyTrap (CVE-2023-50387): many signatures that all fail cost at most
 * max_sigs verifications, and the limit is reported. */
static void rrset_signature_limit(void **state)
{
	(void)state;
	fixture_t *f = sign_fixture(SG_DENIAL_NSEC, 0, false);
	sg_val_keyset_t *ks = fixture_keys(f);
	set_t *t = get_set(&f->s, N("www.example."), SG_T_A);
	assert_int_equal(t->v.nsigs, 1);
	static uint8_t bad[40][600];
	size_t len = t->sig[0].len;
	for (int i = 0; i < 40; i++) {
		memcpy(bad[i], t->sig[0].data, len);
		bad[i][len - 1 - (i % 20)] ^= (uint8_t)(i + 1);
		t->sig[i].data = bad[i];
		t->sig[i].len = len;
	}
	t->v.nsigs = 40;
	sg_val_opts_t o;
	sg_val_opts_init(&o, NOW);
	o.max_sigs = 5;
	sg_val_stats_t st = {0};
	sg_val_result_t res;
	assert_int_equal(sg_val_rrset(&res, &t->v, ks, &o, &st, NULL), SG_OK);
	assert_int_equal(res.status, SG_VAL_BOGUS);
	assert_int_equal(res.reason, SG_VR_LIMIT);
	assert_int_equal(st.sig_verifications, 5);
	assert_int_equal(st.limit_hits, 1);
	assert_non_null(strstr(res.text, "limit"));

	/* with the good signature last and room for all: secure, 40 checks */
	set_t *good = get_set(&f->s, N("www.example."), SG_T_A);
	t->sig[39] = good->sig[0];
	free(good);
	o.max_sigs = 100;
	st = (sg_val_stats_t){0};
	assert_int_equal(sg_val_rrset(&res, &t->v, ks, &o, &st, NULL), SG_OK);
	assert_int_equal(res.status, SG_VAL_SECURE);
	assert_int_equal(st.sig_verifications, 40);
	assert_int_equal(st.limit_hits, 0);
	free(t);
	sg_val_keyset_free(ks);
	fixture_free(f);
}

/* KeyTrap with colliding key tags: two keys share a tag, and every
 * candidate key costs one counted verification. */
static void keytrap_colliding_tags(void **state)
{
	(void)state;
	static int16_t seen[65536];
	static sg_dnskey_t keys[4096];
	memset(seen, -1, sizeof(seen));
	const uint8_t *zone = N("example.");
	char err[200];
	int a = -1, b = -1;
	for (int i = 0; i < 4096 && a < 0; i++) {
		assert_int_equal(sg_dnskey_generate(&keys[i], zone, 13, 0, 256, err, sizeof(err)),
		                 SG_OK);
		if (seen[keys[i].tag] >= 0) {
			a = seen[keys[i].tag];
			b = i;
		} else {
			seen[keys[i].tag] = (int16_t)i;
		}
	}
	assert_true(a >= 0);
	/* sign an RRset with key b; the key set lists a first */
	sg_rrsig_signer_t *sg = NULL;
	assert_int_equal(sg_rrsig_signer_new(&sg, &keys[b], err, sizeof(err)), SG_OK);
	uint8_t addr[4] = {192, 0, 2, 1};
	sg_rdata_ref_t rd = {addr, 4};
	sg_rrset_view_t v = {.owner = N("www.example."),
	                     .type = SG_T_A,
	                     .rclass = SG_C_IN,
	                     .ttl = 300,
	                     .rdata = &rd,
	                     .count = 1};
	uint8_t sig[SG_RRSIG_RDATA_MAX];
	size_t sl;
	assert_int_equal(sg_rrsig_sign(sg, sig, sizeof(sig), &sl, &v, INCEPTION, EXPIRATION),
	                 SG_OK);
	sg_rrsig_signer_free(sg);
	sg_rdata_ref_t kr[2] = {{keys[a].rdata, keys[a].rdlen}, {keys[b].rdata, keys[b].rdlen}};
	sg_val_keyset_t *ks = NULL;
	assert_int_equal(sg_val_keyset_new(&ks, zone, kr, 2, err, sizeof(err)), SG_OK);
	sg_rdata_ref_t sr = {sig, sl};
	sg_val_rrset_t vr = {.rrset = v, .sigs = &sr, .nsigs = 1};
	sg_val_opts_t o;
	sg_val_opts_init(&o, NOW);
	sg_val_stats_t st = {0};
	sg_val_result_t res;
	assert_int_equal(sg_val_rrset(&res, &vr, ks, &o, &st, NULL), SG_OK);
	assert_int_equal(res.status, SG_VAL_SECURE);
	assert_int_equal(st.sig_verifications, 2); /* the wrong key, then the right one */
	o.max_sigs = 1;
	st = (sg_val_stats_t){0};
	assert_int_equal(sg_val_rrset(&res, &vr, ks, &o, &st, NULL), SG_OK);
	assert_int_equal(res.status, SG_VAL_BOGUS);
	assert_int_equal(res.reason, SG_VR_LIMIT);
	assert_int_equal(st.sig_verifications, 1);
	assert_int_equal(st.limit_hits, 1);
	sg_val_keyset_free(ks);
	for (int i = 0; i <= b; i++)
		sg_dnskey_deinit(&keys[i]);
}

/* Hostile input: every octet of real NSEC3, NSEC, DNSKEY and RRSIG data
 * changed in turn never crashes and always gives a defined result. */
static void mutated_records_never_crash(void **state)
{
	(void)state;
	fixture_t *f3 = sign_fixture(SG_DENIAL_NSEC3, 0, true);
	fixture_t *f1 = sign_fixture(SG_DENIAL_NSEC, 0, false);
	sg_val_keyset_t *ks = fixture_keys(f1);
	sg_val_opts_t o;
	sg_val_opts_init(&o, NOW);
	sg_val_result_t res;
	static const int kinds[] = {SG_VD_NXDOMAIN, SG_VD_NODATA, SG_VD_WILDCARD, SG_VD_REFERRAL};
	const fixture_t *fx[2] = {f3, f1};
	const uint16_t types[2] = {SG_T_NSEC3, SG_T_NSEC};
	size_t runs = 0;
	for (int w = 0; w < 2; w++) {
		denial_sets_t *d = get_denial(&fx[w]->s, types[w], NULL);
		static uint8_t copy[600];
		for (size_t r = 0; r < d->n; r++) {
			const sg_rdata_ref_t orig = d->rd[r];
			for (size_t i = 0; i < orig.len && orig.len <= sizeof(copy); i++) {
				memcpy(copy, orig.data, orig.len);
				copy[i] ^= (uint8_t)(0x5a + i);
				d->rd[r].data = copy;
				for (size_t len = orig.len; len + 3 > orig.len && len > 0;
				     len -= 1) {
					d->rd[r].len = len;
					sg_val_denial_query_t q = {.kind = kinds[(i + len) % 4],
					                           .qname = N("x.sub.example."),
					                           .qtype = SG_T_A,
					                           .zone = N("example."),
					                           .wildcard_labels = 1};
					assert_int_equal(
					        sg_val_denial(&res, &q, d->v, d->n, &o, NULL),
					        SG_OK);
					assert_true(res.status >= SG_VAL_INDETERMINATE &&
					            res.status <= SG_VAL_BOGUS);
					runs++;
				}
			}
			d->rd[r] = orig;
		}
		free(d);
	}
	/* RRSIG and DNSKEY octets */
	set_t *t = get_set(&f1->s, N("example."), SG_T_DNSKEY);
	sg_val_anchor_t a = ds_anchor(f1, f1->ds, f1->dslen);
	static uint8_t sc[600];
	for (size_t k = 0; k < t->v.rrset.count; k++) {
		const sg_rdata_ref_t orig = t->rd[k];
		for (size_t i = 0; i < orig.len; i++) {
			memcpy(sc, orig.data, orig.len);
			sc[i] ^= 0xff;
			t->rd[k].data = sc;
			assert_int_equal(sg_val_dnskey(NULL, &res, &t->v, &a, 1, &o, NULL, NULL),
			                 SG_OK);
			assert_int_not_equal(res.status, SG_VAL_SECURE);
			runs++;
		}
		t->rd[k] = orig;
	}
	set_t *www = get_set(&f1->s, N("www.example."), SG_T_A);
	const sg_rdata_ref_t sorig = www->sig[0];
	for (size_t i = 0; i < sorig.len; i++) {
		for (size_t len = sorig.len; len + 2 > sorig.len; len--) {
			memcpy(sc, sorig.data, sorig.len);
			sc[i] ^= 0x81;
			www->sig[0] = (sg_rdata_ref_t){sc, len};
			assert_int_equal(sg_val_rrset(&res, &www->v, ks, &o, NULL, NULL), SG_OK);
			/* every field of the RRDATA is signed: no change validates */
			assert_int_not_equal(res.status, SG_VAL_SECURE);
			runs++;
		}
	}
	assert_true(runs > 1000);
	free(www);
	free(t);
	sg_val_keyset_free(ks);
	fixture_free(f1);
	fixture_free(f3);
}

/* ---- denial with NSEC ---------------------------------------------------------- */

static void check_denial(const store_t *s, uint16_t type, const uint8_t *except, int kind,
                         const char *qname, uint16_t qtype, unsigned wl, int want_status,
                         int want_reason)
{
	denial_sets_t *d = get_denial(s, type, except);
	assert_true(d->n > 0);
	sg_val_denial_query_t q = {.kind = kind,
	                           .qname = N(qname),
	                           .qtype = qtype,
	                           .zone = N("example."),
	                           .wildcard_labels = wl};
	sg_val_opts_t o;
	sg_val_opts_init(&o, NOW);
	sg_val_result_t res;
	assert_int_equal(sg_val_denial(&res, &q, d->v, d->n, &o, NULL), SG_OK);
	if (getenv("DBG"))
		for (size_t i = 0; i < d->n; i++) {
			char b[300], c[300];
			sg_name_to_text(b, 300, d->v[i].owner);
			sg_rdata_to_text(c, 300, type, d->rd[i].data, d->rd[i].len, 0);
			fprintf(stderr, "  %s %s\n", b, c);
		}
	if (res.status != want_status || res.reason != want_reason)
		fail_msg("%s/%u kind %d: got %s (%s): %s", qname, qtype, kind,
		         sg_val_status_name(res.status), sg_val_reason_name(res.reason), res.text);
	assert_true(res.text[0] != 0);
	free(d);
}

static void denial_nsec(void **state)
{
	(void)state;
	fixture_t *f = sign_fixture(SG_DENIAL_NSEC, 0, false);
	const store_t *s = &f->s;
	const int S = SG_VAL_SECURE, B = SG_VAL_BOGUS;
	/* NXDOMAIN: the name and the wildcard */
	check_denial(s, SG_T_NSEC, NULL, SG_VD_NXDOMAIN, "nope.example.", SG_T_A, 0, S, SG_VR_NONE);
	check_denial(s, SG_T_NSEC, NULL, SG_VD_NXDOMAIN, "x.y.www.example.", SG_T_A, 0, S,
	             SG_VR_NONE);
	/* without the apex NSEC, *.example. is not proven absent */
	check_denial(s, SG_T_NSEC, N("example."), SG_VD_NXDOMAIN, "nope.example.", SG_T_A, 0, B,
	             SG_VR_NSEC_MISSING);
	/* without the NSEC covering the name */
	check_denial(s, SG_T_NSEC, N("a.b.example."), SG_VD_NXDOMAIN, "nope.example.", SG_T_A, 0, B,
	             SG_VR_NSEC_MISSING);
	/* a name that exists, and one under the wildcard */
	check_denial(s, SG_T_NSEC, NULL, SG_VD_NXDOMAIN, "www.example.", SG_T_A, 0, B,
	             SG_VR_NSEC_MISSING);
	check_denial(s, SG_T_NSEC, NULL, SG_VD_NXDOMAIN, "foo.wild.example.", SG_T_A, 0, B,
	             SG_VR_NSEC_MISSING);
	/* names below a delegation: the parent's NSEC does not deny them */
	check_denial(s, SG_T_NSEC, NULL, SG_VD_NXDOMAIN, "x.sub.example.", SG_T_A, 0, B,
	             SG_VR_NSEC_MISSING);

	/* NODATA */
	check_denial(s, SG_T_NSEC, NULL, SG_VD_NODATA, "www.example.", SG_T_MX, 0, S, SG_VR_NONE);
	check_denial(s, SG_T_NSEC, NULL, SG_VD_NODATA, "www.example.", SG_T_A, 0, B,
	             SG_VR_NSEC_MISSING);
	check_denial(s, SG_T_NSEC, NULL, SG_VD_NODATA, "nope.example.", SG_T_A, 0, B,
	             SG_VR_NSEC_MISSING);
	/* empty non-terminal */
	check_denial(s, SG_T_NSEC, NULL, SG_VD_NODATA, "b.example.", SG_T_A, 0, S, SG_VR_NONE);
	/* wildcard NODATA */
	check_denial(s, SG_T_NSEC, NULL, SG_VD_NODATA, "foo.wild.example.", SG_T_MX, 0, S,
	             SG_VR_NONE);
	check_denial(s, SG_T_NSEC, NULL, SG_VD_NODATA, "foo.wild.example.", SG_T_A, 0, B,
	             SG_VR_NSEC_MISSING);
	/* DS NODATA at an insecure delegation; the parent-side NSEC does not
	 * deny the child's types */
	check_denial(s, SG_T_NSEC, NULL, SG_VD_NODATA, "sub.example.", SG_T_DS, 0, S, SG_VR_NONE);
	check_denial(s, SG_T_NSEC, NULL, SG_VD_NODATA, "sub.example.", SG_T_A, 0, B,
	             SG_VR_NSEC_MISSING);
	check_denial(s, SG_T_NSEC, NULL, SG_VD_NODATA, "sec.example.", SG_T_DS, 0, B,
	             SG_VR_NSEC_MISSING);

	/* referrals without DS */
	check_denial(s, SG_T_NSEC, NULL, SG_VD_REFERRAL, "sub.example.", 0, 0, S, SG_VR_NONE);
	check_denial(s, SG_T_NSEC, NULL, SG_VD_REFERRAL, "sec.example.", 0, 0, B,
	             SG_VR_NSEC_MISSING);
	check_denial(s, SG_T_NSEC, NULL, SG_VD_REFERRAL, "www.example.", 0, 0, B,
	             SG_VR_NSEC_MISSING);
	check_denial(s, SG_T_NSEC, N("sub.example."), SG_VD_REFERRAL, "sub.example.", 0, 0, B,
	             SG_VR_NSEC_MISSING);

	/* wildcard answers: no closer match */
	check_denial(s, SG_T_NSEC, NULL, SG_VD_WILDCARD, "foo.wild.example.", SG_T_A, 2, S,
	             SG_VR_NONE);
	check_denial(s, SG_T_NSEC, NULL, SG_VD_WILDCARD, "a.b.wild.example.", SG_T_A, 2, S,
	             SG_VR_NONE);
	/* the claimed wildcard is not the closest encloser's */
	check_denial(s, SG_T_NSEC, NULL, SG_VD_WILDCARD, "foo.wild.example.", SG_T_A, 1, B,
	             SG_VR_NSEC_MISSING);
	check_denial(s, SG_T_NSEC, NULL, SG_VD_WILDCARD, "www.example.", SG_T_A, 1, B,
	             SG_VR_NSEC_MISSING);
	check_denial(s, SG_T_NSEC, N("*.wild.example."), SG_VD_WILDCARD, "foo.wild.example.",
	             SG_T_A, 2, B, SG_VR_NSEC_MISSING);

	/* nothing at all */
	sg_val_denial_query_t q = {
	        .kind = SG_VD_NXDOMAIN, .qname = N("nope.example."), .zone = N("example.")};
	sg_val_opts_t o;
	sg_val_opts_init(&o, NOW);
	sg_val_result_t res;
	assert_int_equal(sg_val_denial(&res, &q, NULL, 0, &o, NULL), SG_OK);
	assert_int_equal(res.status, SG_VAL_BOGUS);
	assert_int_equal(res.reason, SG_VR_NSEC_MISSING);
	assert_int_equal(sg_val_reason_ede(res.reason), 12);
	/* qname outside the zone */
	q.qname = N("nope.org.");
	assert_int_equal(sg_val_denial(&res, &q, NULL, 0, &o, NULL), SG_EINVAL);
	fixture_free(f);
}

/* The wildcard expansion is detected from the RRSIG labels field, and
 * the answer checks with its no-closer-match proof. */
static void wildcard_expansion(void **state)
{
	(void)state;
	fixture_t *f = sign_fixture(SG_DENIAL_NSEC3, 0, false);
	sg_val_keyset_t *ks = fixture_keys(f);
	set_t *t = get_set(&f->s, N("*.wild.example."), SG_T_A);
	assert_int_equal(t->v.nsigs, 1);
	sg_name_copy(t->owner, N("foo.wild.example."));
	sg_val_opts_t o;
	sg_val_opts_init(&o, NOW);
	sg_val_result_t res;
	assert_int_equal(sg_val_rrset(&res, &t->v, ks, &o, NULL, NULL), SG_OK);
	assert_int_equal(res.status, SG_VAL_SECURE);
	assert_true(res.wildcard);
	assert_int_equal(res.sig_labels, 2);
	check_denial(&f->s, SG_T_NSEC3, NULL, SG_VD_WILDCARD, "foo.wild.example.", SG_T_A,
	             res.sig_labels, SG_VAL_SECURE, SG_VR_NONE);
	/* the wildcard itself queried: no expansion */
	sg_name_copy(t->owner, N("*.wild.example."));
	assert_int_equal(sg_val_rrset(&res, &t->v, ks, &o, NULL, NULL), SG_OK);
	assert_int_equal(res.status, SG_VAL_SECURE);
	assert_false(res.wildcard);
	/* moved to another zone's name: the signature no longer holds */
	sg_name_copy(t->owner, N("foo.www.example."));
	assert_int_equal(sg_val_rrset(&res, &t->v, ks, &o, NULL, NULL), SG_OK);
	assert_int_equal(res.status, SG_VAL_BOGUS);
	free(t);
	sg_val_keyset_free(ks);
	fixture_free(f);
}

/* ---- denial with NSEC3 ------------------------------------------------------------ */

/* The owner of the NSEC3 record that matches `name` in the store. */
static const uint8_t *nsec3_owner_of(const store_t *s, const char *name)
{
	uint8_t h[20];
	const rec_t *p = NULL;
	for (size_t i = 0; i < s->n; i++)
		if (s->r[i].type == SG_T_NSEC3)
			p = &s->r[i];
	assert_non_null(p);
	assert_int_equal(
	        sg_nsec3_hash(h, 1, N(name), p->rdata + 5, p->rdata[4], sg_get16(p->rdata + 2)),
	        SG_OK);
	char b32[40];
	assert_int_equal(sg_base32hex_encode(b32, sizeof(b32), h, 20), 32);
	char full[300];
	snprintf(full, sizeof(full), "%s.example.", b32);
	return N(full);
}

/* The owner of the NSEC3 record that covers the hash of `name`. */
static const uint8_t *nsec3_cover_of(const store_t *s, const char *name)
{
	uint8_t h[20];
	const rec_t *p = NULL;
	for (size_t i = 0; i < s->n; i++)
		if (s->r[i].type == SG_T_NSEC3)
			p = &s->r[i];
	assert_int_equal(
	        sg_nsec3_hash(h, 1, N(name), p->rdata + 5, p->rdata[4], sg_get16(p->rdata + 2)),
	        SG_OK);
	for (size_t i = 0; i < s->n; i++) {
		const rec_t *r = &s->r[i];
		if (r->type != SG_T_NSEC3)
			continue;
		uint8_t own[20];
		assert_int_equal(sg_base32hex_decode(own, 20, (const char *)r->owner + 1, 32), 20);
		const uint8_t *next = r->rdata + 6 + r->rdata[4];
		int a = memcmp(own, h, 20), b = memcmp(h, next, 20);
		if ((a < 0 && b < 0) || (memcmp(next, own, 20) <= 0 && (a < 0 || b < 0)))
			return r->owner;
	}
	fail_msg("no NSEC3 covers %s", name);
	return NULL;
}

static void denial_nsec3(void **state)
{
	(void)state;
	fixture_t *f = sign_fixture(SG_DENIAL_NSEC3, 0, false);
	const store_t *s = &f->s;
	const int S = SG_VAL_SECURE, B = SG_VAL_BOGUS;
	check_denial(s, SG_T_NSEC3, NULL, SG_VD_NXDOMAIN, "nope.example.", SG_T_A, 0, S,
	             SG_VR_NONE);
	check_denial(s, SG_T_NSEC3, NULL, SG_VD_NXDOMAIN, "x.y.www.example.", SG_T_A, 0, S,
	             SG_VR_NONE);
	check_denial(s, SG_T_NSEC3, NULL, SG_VD_NXDOMAIN, "www.example.", SG_T_A, 0, B,
	             SG_VR_NSEC_MISSING);
	/* missing pieces of the proof: closest encloser, next closer, wildcard */
	check_denial(s, SG_T_NSEC3, nsec3_owner_of(s, "example."), SG_VD_NXDOMAIN, "nope.example.",
	             SG_T_A, 0, B, SG_VR_NSEC_MISSING);
	check_denial(s, SG_T_NSEC3, nsec3_cover_of(s, "nope.example."), SG_VD_NXDOMAIN,
	             "nope.example.", SG_T_A, 0, B, SG_VR_NSEC_MISSING);
	check_denial(s, SG_T_NSEC3, nsec3_cover_of(s, "*.example."), SG_VD_NXDOMAIN,
	             "nope.example.", SG_T_A, 0, B, SG_VR_NSEC_MISSING);

	check_denial(s, SG_T_NSEC3, NULL, SG_VD_NODATA, "www.example.", SG_T_MX, 0, S, SG_VR_NONE);
	check_denial(s, SG_T_NSEC3, NULL, SG_VD_NODATA, "www.example.", SG_T_A, 0, B,
	             SG_VR_NSEC_MISSING);
	check_denial(s, SG_T_NSEC3, NULL, SG_VD_NODATA, "b.example.", SG_T_A, 0, S,
	             SG_VR_NONE); /* ENT */
	check_denial(s, SG_T_NSEC3, NULL, SG_VD_NODATA, "foo.wild.example.", SG_T_MX, 0, S,
	             SG_VR_NONE);
	check_denial(s, SG_T_NSEC3, NULL, SG_VD_NODATA, "foo.wild.example.", SG_T_A, 0, B,
	             SG_VR_NSEC_MISSING);
	check_denial(s, SG_T_NSEC3, NULL, SG_VD_NODATA, "sub.example.", SG_T_DS, 0, S, SG_VR_NONE);
	check_denial(s, SG_T_NSEC3, NULL, SG_VD_NODATA, "sub.example.", SG_T_A, 0, B,
	             SG_VR_NSEC_MISSING);
	check_denial(s, SG_T_NSEC3, NULL, SG_VD_NODATA, "sec.example.", SG_T_DS, 0, B,
	             SG_VR_NSEC_MISSING);
	check_denial(s, SG_T_NSEC3, NULL, SG_VD_NODATA, "nope.example.", SG_T_DS, 0, B,
	             SG_VR_NSEC_MISSING);

	check_denial(s, SG_T_NSEC3, NULL, SG_VD_REFERRAL, "sub.example.", 0, 0, S, SG_VR_NONE);
	check_denial(s, SG_T_NSEC3, NULL, SG_VD_REFERRAL, "sec.example.", 0, 0, B,
	             SG_VR_NSEC_MISSING);
	check_denial(s, SG_T_NSEC3, NULL, SG_VD_WILDCARD, "foo.wild.example.", SG_T_A, 2, S,
	             SG_VR_NONE);
	check_denial(s, SG_T_NSEC3, nsec3_cover_of(s, "foo.wild.example."), SG_VD_WILDCARD,
	             "foo.wild.example.", SG_T_A, 2, B, SG_VR_NSEC_MISSING);
	fixture_free(f);
}

static void denial_nsec3_opt_out(void **state)
{
	(void)state;
	fixture_t *f = sign_fixture(SG_DENIAL_NSEC3, 0, true);
	const store_t *s = &f->s;
	/* sub.example. (no DS) has no NSEC3: it is in an opt-out span */
	check_denial(s, SG_T_NSEC3, NULL, SG_VD_REFERRAL, "sub.example.", 0, 0, SG_VAL_INSECURE,
	             SG_VR_OPT_OUT);
	check_denial(s, SG_T_NSEC3, NULL, SG_VD_NODATA, "sub.example.", SG_T_DS, 0, SG_VAL_INSECURE,
	             SG_VR_OPT_OUT);
	assert_int_equal(sg_val_reason_ede(SG_VR_OPT_OUT), -1);
	/* the secure delegation keeps its NSEC3 */
	check_denial(s, SG_T_NSEC3, NULL, SG_VD_REFERRAL, "sec.example.", 0, 0, SG_VAL_BOGUS,
	             SG_VR_NSEC_MISSING);
	/* and a proof with the closest encloser's NSEC3 removed fails */
	check_denial(s, SG_T_NSEC3, nsec3_owner_of(s, "example."), SG_VD_REFERRAL, "sub.example.",
	             0, 0, SG_VAL_BOGUS, SG_VR_NSEC_MISSING);
	fixture_free(f);
}

static void denial_nsec3_limits(void **state)
{
	(void)state;
	/* RFC 9276: iterations above 50 make the proof insecure, unhashed */
	fixture_t *f = sign_fixture(SG_DENIAL_NSEC3, 51, false);
	denial_sets_t *d = get_denial(&f->s, SG_T_NSEC3, NULL);
	sg_val_denial_query_t q = {
	        .kind = SG_VD_NXDOMAIN, .qname = N("nope.example."), .zone = N("example.")};
	sg_val_opts_t o;
	sg_val_opts_init(&o, NOW);
	sg_val_stats_t st = {0};
	sg_val_result_t res;
	assert_int_equal(sg_val_denial(&res, &q, d->v, d->n, &o, &st), SG_OK);
	assert_int_equal(res.status, SG_VAL_INSECURE);
	assert_int_equal(res.reason, SG_VR_NSEC3_ITERATIONS);
	assert_int_equal(sg_val_reason_ede(res.reason), 27);
	assert_int_equal(st.nsec3_hashes, 0);
	/* a higher configured limit lets it through, counting iterations */
	o.max_nsec3_iterations = 100;
	o.max_nsec3_hashes = 1000;
	assert_int_equal(sg_val_denial(&res, &q, d->v, d->n, &o, &st), SG_OK);
	assert_int_equal(res.status, SG_VAL_SECURE);
	assert_true(st.nsec3_hashes >= 3 * 52);
	/* CVE-2023-50868: the hash budget stops the work */
	st = (sg_val_stats_t){0};
	o.max_nsec3_hashes = 100;
	assert_int_equal(sg_val_denial(&res, &q, d->v, d->n, &o, &st), SG_OK);
	assert_int_equal(res.status, SG_VAL_BOGUS);
	assert_int_equal(res.reason, SG_VR_LIMIT);
	assert_true(st.nsec3_hashes <= 100);
	assert_int_equal(st.limit_hits, 1);
	free(d);
	fixture_free(f);

	/* unknown hash algorithm only: insecure (RFC 5155 §8.1) */
	f = sign_fixture(SG_DENIAL_NSEC3, 0, false);
	d = get_denial(&f->s, SG_T_NSEC3, NULL);
	static uint8_t copies[4096][300];
	for (size_t i = 0; i < d->n; i++) {
		assert_true(d->rd[i].len <= sizeof(copies[i]));
		memcpy(copies[i], d->rd[i].data, d->rd[i].len);
		copies[i][0] = 2;
		d->rd[i].data = copies[i];
	}
	sg_val_opts_init(&o, NOW);
	assert_int_equal(sg_val_denial(&res, &q, d->v, d->n, &o, NULL), SG_OK);
	assert_int_equal(res.status, SG_VAL_INSECURE);
	assert_int_equal(res.reason, SG_VR_NSEC3_HASH_ALG);
	free(d);
	fixture_free(f);
}

/* ---- RFC 6605 vectors -------------------------------------------------------------- */

static void rfc6605_vectors(void **state)
{
	(void)state;
	size_t len;
	char *text = slurp(vpath("vectors", "rfc6605-ecdsa.txt"), &len);
	store_t s = {0};
	parse_into(&s, text, len, "rfc6605-ecdsa.txt");
	int checked = 0;
	for (size_t i = 0; i < s.n; i++) {
		if (s.r[i].type != SG_T_DS)
			continue;
		/* the DNSKEY just before the DS, the A and RRSIG after it */
		const rec_t *key = &s.r[i - 1], *a = &s.r[i + 1], *sig = &s.r[i + 2];
		assert_int_equal(key->type, SG_T_DNSKEY);
		assert_int_equal(sig->type, SG_T_RRSIG);
		sg_rdata_ref_t kr = {key->rdata, key->rdlen};
		sg_rdata_ref_t sr = {sig->rdata, sig->rdlen};
		sg_val_rrset_t kv = {.rrset = {.owner = key->owner,
		                               .type = SG_T_DNSKEY,
		                               .rclass = SG_C_IN,
		                               .ttl = key->ttl,
		                               .rdata = &kr,
		                               .count = 1}};
		sg_val_anchor_t anchor = {.owner = s.r[i].owner,
		                          .type = SG_T_DS,
		                          .rdata = s.r[i].rdata,
		                          .rdlen = s.r[i].rdlen};
		int64_t when = sg_get32(sig->rdata + 12) + 86400;
		sg_val_opts_t o;
		sg_val_opts_init(&o, when);
		sg_val_result_t res;
		sg_val_detail_t *d = calloc(1, sizeof(*d));
		/* the DS matches the key, but the vectors leave the DNSKEY set
		 * unsigned: not authenticated */
		assert_int_equal(sg_val_dnskey(NULL, &res, &kv, &anchor, 1, &o, NULL, d), SG_OK);
		assert_int_equal(res.status, SG_VAL_BOGUS);
		assert_int_equal(res.reason, SG_VR_RRSIGS_MISSING);
		assert_int_equal(d->ds[0].key, 0);
		assert_true(d->keys[0].anchored);
		free(d);
		/* the A RRset checks with the key */
		sg_val_keyset_t *ks = NULL;
		assert_int_equal(sg_val_keyset_new(&ks, key->owner, &kr, 1, NULL, 0), SG_OK);
		sg_rdata_ref_t ar = {a->rdata, a->rdlen};
		sg_val_rrset_t av = {.rrset = {.owner = a->owner,
		                               .type = SG_T_A,
		                               .rclass = SG_C_IN,
		                               .ttl = a->ttl,
		                               .rdata = &ar,
		                               .count = 1},
		                     .sigs = &sr,
		                     .nsigs = 1};
		assert_int_equal(sg_val_rrset(&res, &av, ks, &o, NULL, NULL), SG_OK);
		assert_int_equal(res.status, SG_VAL_SECURE);
		sg_val_opts_init(&o, sg_get32(sig->rdata + 8) + 1);
		assert_int_equal(sg_val_rrset(&res, &av, ks, &o, NULL, NULL), SG_OK);
		assert_int_equal(res.reason, SG_VR_SIG_EXPIRED);
		uint8_t forged[4] = {192, 0, 2, 2};
		ar.data = forged;
		sg_val_opts_init(&o, when);
		assert_int_equal(sg_val_rrset(&res, &av, ks, &o, NULL, NULL), SG_OK);
		assert_int_equal(res.status, SG_VAL_BOGUS);
		assert_int_equal(res.reason, SG_VR_BOGUS);
		sg_val_keyset_free(ks);
		checked++;
	}
	assert_int_equal(checked, 2);
	store_free(&s);
	free(text);
}

/* ---- the real root zones ------------------------------------------------------------ */

static bool root_keep(uint16_t t)
{
	return t == SG_T_DNSKEY || t == SG_T_DS || t == SG_T_NSEC || t == SG_T_RRSIG ||
	       t == SG_T_SOA;
}

static store_t *load_root(const char *file)
{
	store_t *s = calloc(1, sizeof(*s));
	assert_non_null(s);
	s->keep = root_keep;
	size_t len;
	char *text = slurp(vpath("realworld", file), &len);
	parse_into(s, text, len, file);
	free(text);
	return s;
}

static sg_val_anchors_t *root_anchors_from(const char *text)
{
	sg_val_anchors_t *a = NULL;
	char err[200];
	int r = sg_val_anchors_parse(&a, text, strlen(text), "anchors", err, sizeof(err));
	if (r)
		fail_msg("%s", err);
	return a;
}

static void real_root_2023(void **state)
{
	(void)state;
	store_t *s = load_root("root-2023051100.zone");
	sg_val_anchors_t *an = root_anchors_from(sg_val_root_anchors_text());
	size_t na;
	const sg_val_anchor_t *al = sg_val_anchors_list(an, &na);
	assert_int_equal(na, 2);
	set_t *t = get_set(s, sg_name_root, SG_T_DNSKEY);
	sg_val_opts_t o;
	int64_t when;
	assert_int_equal(sg_time_parse(&when, "20230515000000", 14), SG_OK);
	sg_val_opts_init(&o, when);
	sg_val_result_t res;
	sg_val_detail_t *d = calloc(1, sizeof(*d));
	sg_val_keyset_t *ks = NULL;
	assert_int_equal(sg_val_dnskey(&ks, &res, &t->v, al, na, &o, NULL, d), SG_OK);
	if (res.status != SG_VAL_SECURE)
		fail_msg("%s", res.text);
	assert_int_equal(res.key_tag, 20326);
	assert_int_equal(res.alg, 8);
	assert_int_equal(d->nds, 2);
	/* 20326 is published and matches; 38696 was not yet in the zone */
	for (size_t i = 0; i < d->nds; i++) {
		if (d->ds[i].key_tag == 20326) {
			assert_true(d->ds[i].key >= 0);
			assert_int_equal(d->keys[d->ds[i].key].key_tag, 20326);
			assert_true(d->keys[d->ds[i].key].signed_set);
		} else {
			assert_int_equal(d->ds[i].key_tag, 38696);
			assert_int_equal(d->ds[i].key, -1);
		}
	}

	/* a TLD's DS RRset and the root's NSEC records check with the ZSK */
	set_t *ds = get_set(s, N("org."), SG_T_DS);
	assert_true(ds->v.rrset.count >= 1);
	assert_int_equal(sg_val_rrset(&res, &ds->v, ks, &o, NULL, NULL), SG_OK);
	assert_int_equal(res.status, SG_VAL_SECURE);
	assert_int_equal(res.key_tag, 60955);
	uint8_t *dsr = tamper_rdata(ds, 0);
	dsr[6] ^= 0x80;
	assert_int_equal(sg_val_rrset(&res, &ds->v, ks, &o, NULL, NULL), SG_OK);
	assert_int_equal(res.status, SG_VAL_BOGUS);

	/* NXDOMAIN for a TLD that does not exist: verify the NSEC RRsets
	 * that the proof uses, then the proof */
	denial_sets_t *dn = get_denial(s, SG_T_NSEC, NULL);
	assert_true(dn->n > 1000);
	size_t checked = 0;
	for (size_t i = 0; i < dn->n && checked < 50; i++) {
		set_t *ns = get_set(s, dn->v[i].owner, SG_T_NSEC);
		assert_int_equal(sg_val_rrset(&res, &ns->v, ks, &o, NULL, NULL), SG_OK);
		assert_int_equal(res.status, SG_VAL_SECURE);
		free(ns);
		checked++;
	}
	/* as a server answers: the NSEC records near the name and the apex's */
	size_t kept = 0;
	for (size_t i = 0; i < dn->n; i++) {
		const uint8_t *ow = dn->v[i].owner;
		if (ow[0] == 0 || (ow[0] >= 2 && (ow[1] | 0x20) == 'n' && (ow[2] | 0x20) == 'o') ||
		    ((ow[1] | 0x20) == 'o' && ow[0] == 3 && (ow[2] | 0x20) == 'r')) {
			dn->v[kept] = dn->v[i];
			dn->rd[kept] = dn->rd[i];
			dn->v[kept].rdata = &dn->rd[kept];
			kept++;
		}
	}
	dn->n = kept;
	assert_true(kept > 3 && kept < SG_VAL_DENIAL_MAX_RECORDS);
	sg_val_denial_query_t q = {
	        .kind = SG_VD_NXDOMAIN, .qname = N("no-such-tld-signet."), .zone = sg_name_root};
	assert_int_equal(sg_val_denial(&res, &q, dn->v, dn->n, &o, NULL), SG_OK);
	if (res.status != SG_VAL_SECURE)
		fail_msg("%s", res.text);
	q.qname = N("org.");
	assert_int_equal(sg_val_denial(&res, &q, dn->v, dn->n, &o, NULL), SG_OK);
	assert_int_equal(res.status, SG_VAL_BOGUS);
	/* org. has a DS; a referral without one is bogus */
	q.kind = SG_VD_REFERRAL;
	assert_int_equal(sg_val_denial(&res, &q, dn->v, dn->n, &o, NULL), SG_OK);
	assert_int_equal(res.status, SG_VAL_BOGUS);

	/* a week after the ZSK signatures expired */
	sg_val_keyset_free(ks);
	ks = NULL;
	assert_int_equal(sg_time_parse(&when, "20230601000000", 14), SG_OK);
	sg_val_opts_init(&o, when + 7 * 86400);
	assert_int_equal(sg_val_dnskey(&ks, &res, &t->v, al, na, &o, NULL, NULL), SG_OK);
	assert_int_equal(res.status, SG_VAL_BOGUS);
	assert_int_equal(res.reason, SG_VR_SIG_EXPIRED);
	assert_null(ks);
	free(dn);
	free(ds);
	free(d);
	free(t);
	sg_val_anchors_free(an);
	store_free(s);
	free(s);
}

/* The 2017 root mid-rollover: KSK 19036 signs, 20326 is only published. */
static void real_root_2017_rollover(void **state)
{
	(void)state;
	store_t *s = load_root("root-2017082100.zone");
	set_t *t = get_set(s, sg_name_root, SG_T_DNSKEY);
	sg_val_opts_t o;
	int64_t when;
	assert_int_equal(sg_time_parse(&when, "20170825000000", 14), SG_OK);
	sg_val_opts_init(&o, when);
	sg_val_result_t res;

	/* only the new anchor: it matches a key that did not sign the set */
	sg_val_anchors_t *a2017 = root_anchors_from(sg_val_root_anchors_text());
	size_t na;
	const sg_val_anchor_t *al = sg_val_anchors_list(a2017, &na);
	assert_int_equal(sg_val_dnskey(NULL, &res, &t->v, al, na, &o, NULL, NULL), SG_OK);
	assert_int_equal(res.status, SG_VAL_BOGUS);
	assert_int_equal(res.reason, SG_VR_RRSIGS_MISSING);
	assert_non_null(strstr(res.text, "20326"));
	sg_val_anchors_free(a2017);

	/* with the anchors file of testdata (19036 included): secure */
	size_t len;
	char *text = slurp(vpath("vectors", "root-anchors.txt"), &len);
	sg_val_anchors_t *all = NULL;
	char err[200];
	assert_int_equal(
	        sg_val_anchors_parse(&all, text, len, "root-anchors.txt", err, sizeof(err)), SG_OK);
	free(text);
	al = sg_val_anchors_list(all, &na);
	assert_int_equal(na, 3);
	sg_val_keyset_t *ks = NULL;
	assert_int_equal(sg_val_dnskey(&ks, &res, &t->v, al, na, &o, NULL, NULL), SG_OK);
	if (res.status != SG_VAL_SECURE)
		fail_msg("%s", res.text);
	assert_int_equal(res.key_tag, 19036);
	/* upper-case owners of the 2017 file check like any other */
	set_t *aaa = get_set(s, N("aaa."), SG_T_NSEC);
	assert_int_equal(aaa->v.rrset.count, 1);
	assert_int_equal(sg_val_rrset(&res, &aaa->v, ks, &o, NULL, NULL), SG_OK);
	assert_int_equal(res.status, SG_VAL_SECURE);
	free(aaa);
	sg_val_keyset_free(ks);
	sg_val_anchors_free(all);
	free(t);
	store_free(s);
	free(s);
}

/* ---- anchors ---------------------------------------------------------------------------- */

static void anchors_parse(void **state)
{
	(void)state;
	sg_val_anchors_t *a = NULL;
	char err[200];
	const char *good = "example. 3600 IN DS 12345 13 2 "
	                   "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
	                   "org. IN DNSKEY 257 3 15 l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=\n";
	assert_int_equal(sg_val_anchors_parse(&a, good, strlen(good), "t", err, sizeof(err)),
	                 SG_OK);
	size_t n;
	const sg_val_anchor_t *l = sg_val_anchors_list(a, &n);
	assert_int_equal(n, 2);
	assert_int_equal(l[0].type, SG_T_DS);
	assert_int_equal(l[1].type, SG_T_DNSKEY);
	assert_true(sg_name_equal(sg_val_anchors_closest(a, N("www.example.")), N("example.")));
	assert_true(sg_name_equal(sg_val_anchors_closest(a, N("org.")), N("org.")));
	assert_null(sg_val_anchors_closest(a, N("com.")));
	sg_val_anchors_free(a);

	const char *bad = "example. IN DS 12345 13 2 0123456789abcdef\n"
	                  "example. IN DS 12345 13 2 xyz\n";
	assert_int_equal(sg_val_anchors_parse(&a, bad, strlen(bad), "bad.txt", err, sizeof(err)),
	                 SG_ESYNTAX);
	assert_null(a);
	assert_non_null(strstr(err, "bad.txt:2"));
	const char *wrong = "example. IN A 192.0.2.1\n";
	assert_int_equal(sg_val_anchors_parse(&a, wrong, strlen(wrong), "w.txt", err, sizeof(err)),
	                 SG_ESYNTAX);
	assert_non_null(strstr(err, "trust anchor"));
	const char *none = "; nothing\n";
	assert_int_equal(sg_val_anchors_parse(&a, none, strlen(none), "n.txt", err, sizeof(err)),
	                 SG_ENOTFOUND);

	/* the built-in root anchors are the IANA ones of testdata */
	size_t len;
	char *text = slurp(vpath("vectors", "root-anchors.txt"), &len);
	assert_non_null(strstr(
	        text,
	        "20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D"));
	assert_non_null(strstr(
	        text,
	        "38696 8 2 683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16"));
	assert_non_null(strstr(
	        sg_val_root_anchors_text(),
	        "20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D"));
	assert_non_null(strstr(
	        sg_val_root_anchors_text(),
	        "38696 8 2 683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16"));
	free(text);
}

static void names_and_codes(void **state)
{
	(void)state;
	assert_string_equal(sg_val_status_name(SG_VAL_SECURE), "secure");
	assert_string_equal(sg_val_status_name(SG_VAL_INSECURE), "insecure");
	assert_string_equal(sg_val_status_name(SG_VAL_BOGUS), "bogus");
	assert_string_equal(sg_val_status_name(SG_VAL_INDETERMINATE), "indeterminate");
	assert_string_equal(sg_val_status_name(99), "unknown");
	for (int r = 0; r < SG_VR_COUNT; r++)
		assert_string_not_equal(sg_val_reason_name(r), "unknown reason");
	assert_string_equal(sg_val_reason_name(-1), "unknown reason");
	assert_int_equal(sg_val_reason_ede(SG_VR_BOGUS), 6);
	assert_int_equal(sg_val_reason_ede(SG_VR_SIG_EXPIRED), 7);
	assert_int_equal(sg_val_reason_ede(SG_VR_SIG_NOT_YET_VALID), 8);
	assert_int_equal(sg_val_reason_ede(SG_VR_DNSKEY_MISSING), 9);
	assert_int_equal(sg_val_reason_ede(SG_VR_RRSIGS_MISSING), 10);
	assert_int_equal(sg_val_reason_ede(SG_VR_NO_ZONE_KEY), 11);
	assert_int_equal(sg_val_reason_ede(SG_VR_NSEC_MISSING), 12);
	assert_int_equal(sg_val_reason_ede(SG_VR_UNSUPPORTED_ALG), 1);
	assert_int_equal(sg_val_reason_ede(SG_VR_UNSUPPORTED_DIGEST), 2);
	sg_val_opts_t o;
	sg_val_opts_init(&o, 5);
	assert_int_equal(o.now, 5);
	assert_int_equal(o.max_sigs, SG_VAL_MAX_SIGS_DEFAULT);
	assert_int_equal(o.max_nsec3_iterations, 50);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(dnskey_secure_with_detail),
	        cmocka_unit_test(dnskey_bad_ds),
	        cmocka_unit_test(dnskey_unsupported_is_insecure),
	        cmocka_unit_test(dnskey_validity_window),
	        cmocka_unit_test(dnskey_anchor_as_key_and_zone_bit),
	        cmocka_unit_test(dnskey_bad_arguments),
	        cmocka_unit_test(rrset_secure_and_tampered),
	        cmocka_unit_test(rrset_signature_limit),
	        cmocka_unit_test(keytrap_colliding_tags),
	        cmocka_unit_test(mutated_records_never_crash),
	        cmocka_unit_test(denial_nsec),
	        cmocka_unit_test(wildcard_expansion),
	        cmocka_unit_test(denial_nsec3),
	        cmocka_unit_test(denial_nsec3_opt_out),
	        cmocka_unit_test(denial_nsec3_limits),
	        cmocka_unit_test(rfc6605_vectors),
	        cmocka_unit_test(real_root_2023),
	        cmocka_unit_test(real_root_2017_rollover),
	        cmocka_unit_test(anchors_parse),
	        cmocka_unit_test(names_and_codes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
