/* Unit tests for src/lib/dnssec: key tags, DS digests, NSEC3 hashes, RRSIG
 * signing and verification, BIND key files. The RFC vectors are read from
 * SIGNET_VECTORS (../shared/testdata/vectors) with the zone-file scanner;
 * the private keys printed there in comments are turned into .private text
 * and read with the key-file parser. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "signet/dnssec.h"
#include "signet/rr.h"
#include "signet/util.h"
#include "signet/zonefile.h"

/* ---- reading the vector files ------------------------------------------- */

typedef struct rec {
	uint8_t owner[SG_NAME_MAX];
	uint16_t type;
	uint32_t ttl;
	uint16_t rdlen;
	uint8_t rdata[1100];
} rec_t;

typedef struct recs {
	rec_t r[64];
	size_t n;
} recs_t;

static int on_rec(void *ctx, const sg_rr_t *rr, const char *file, unsigned line)
{
	recs_t *rs = ctx;
	if (rs->n == sizeof(rs->r) / sizeof(rs->r[0]) || rr->rdlen > sizeof(rs->r[0].rdata))
		fail_msg("%s:%u: too many or too big records for the test", file, line);
	rec_t *r = &rs->r[rs->n++];
	sg_name_copy(r->owner, rr->owner);
	r->type = rr->type;
	r->ttl = rr->ttl;
	r->rdlen = rr->rdlen;
	memcpy(r->rdata, rr->rdata, rr->rdlen);
	return SG_OK;
}

static void on_err(void *ctx, const char *file, unsigned line, const char *msg)
{
	(void)ctx;
	fail_msg("%s:%u: %s", file, line, msg);
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

static const char *vpath(const char *dir_env, const char *fallback, const char *name)
{
	static char p[1024];
	const char *d = getenv(dir_env);
	snprintf(p, sizeof(p), "%s/%s", d ? d : fallback, name);
	return p;
}

#define VEC(name) vpath("SIGNET_VECTORS", "../shared/testdata/vectors", name)

static void parse_text(recs_t *rs, const char *text, size_t len, const char *name)
{
	sg_zparse_opts_t o = {0};
	o.origin = sg_name_root;
	o.record = on_rec;
	o.error = on_err;
	o.ctx = rs;
	o.no_include = 1;
	rs->n = 0;
	assert_int_equal(sg_zonefile_parse_mem(text, len, name, &o, NULL), SG_OK);
}

/* Loads a vector file; returns its text (the caller frees it). */
static char *load_vectors(recs_t *rs, const char *file)
{
	size_t len;
	const char *path = VEC(file);
	char *text = slurp(path, &len);
	parse_text(rs, text, len, path);
	return text;
}

/* The private-key blocks written as comments (";   Field: value" lines
 * after ";   Private-key-format:"), each turned into .private text. */
static size_t private_blocks(const char *text, char out[][4096], size_t max)
{
	size_t nb = 0;
	bool in = false;
	for (const char *l = text; *l;) {
		const char *e = strchr(l, '\n');
		size_t ll = e ? (size_t)(e - l) : strlen(l);
		const char *c = l;
		size_t cl = ll;
		bool comment = cl > 0 && c[0] == ';';
		if (comment) {
			c++;
			cl--;
			while (cl && (*c == ' ' || *c == '\t')) {
				c++;
				cl--;
			}
		}
		if (comment && cl > 19 && strncmp(c, "Private-key-format:", 19) == 0 && nb < max) {
			in = true;
			out[nb++][0] = 0;
		} else if (!comment || !memchr(c, ':', cl)) {
			in = false;
		}
		if (in) {
			size_t o = strlen(out[nb - 1]);
			assert_true(o + cl + 2 < 4096);
			memcpy(out[nb - 1] + o, c, cl);
			out[nb - 1][o + cl] = '\n';
			out[nb - 1][o + cl + 1] = 0;
		}
		l = e ? e + 1 : l + ll;
	}
	return nb;
}

static void name(uint8_t *dst, const char *text)
{
	size_t l;
	assert_int_equal(sg_name_from_text(dst, &l, text, strlen(text), NULL), SG_OK);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t t14(const char *s)
{
	int64_t t;
	assert_int_equal(sg_time_parse(&t, s, strlen(s)), SG_OK);
	return t;
}

/* The RRset of (owner, type) from the records, as a view. */
static sg_rrset_view_t rrset_of(const recs_t *rs, const uint8_t *owner, uint16_t type, sg_rdata_ref_t *refs,
				size_t max)
{
	sg_rrset_view_t v = {owner, type, SG_C_IN, 0, refs, 0};
	for (size_t i = 0; i < rs->n; i++) {
		if (rs->r[i].type != type || !sg_name_equal(rs->r[i].owner, owner))
			continue;
		assert_true(v.count < max);
		refs[v.count].data = rs->r[i].rdata;
		refs[v.count].len = rs->r[i].rdlen;
		v.ttl = rs->r[i].ttl;
		v.count++;
	}
	assert_true(v.count > 0);
	return v;
}

/* All DNSKEYs of the records as parsed keys; returns the count. */
static size_t dnskeys_of(const recs_t *rs, sg_dnskey_t *keys, size_t max)
{
	size_t n = 0;
	char err[200];
	for (size_t i = 0; i < rs->n; i++) {
		if (rs->r[i].type != SG_T_DNSKEY)
			continue;
		assert_true(n < max);
		int r = sg_dnskey_init_rdata(&keys[n], rs->r[i].owner, rs->r[i].rdata, rs->r[i].rdlen, err,
					     sizeof(err));
		if (r)
			fail_msg("DNSKEY %zu: %s", i, err);
		n++;
	}
	return n;
}

static void free_keys(sg_dnskey_t *keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sg_dnskey_deinit(&keys[i]);
}

static const char *const vector_files[] = {
	"rfc4034-rfc4509.txt", "rfc5702-rsasha256-rsasha512.txt", "rfc6605-ecdsa.txt", "rfc8080-ed25519-ed448.txt",
};

/* ---- key tags and DS ------------------------------------------------------ */

static void key_tags(void **state)
{
	(void)state;
	static const uint16_t want[] = {2642, 60485, 9033, 3740, 55648, 10771, 3613, 35217, 9713, 38353};
	size_t k = 0;
	recs_t *rs = malloc(sizeof(*rs));
	for (size_t f = 0; f < 4; f++) {
		free(load_vectors(rs, vector_files[f]));
		for (size_t i = 0; i < rs->n; i++) {
			if (rs->r[i].type != SG_T_DNSKEY)
				continue;
			assert_true(k < 10);
			assert_int_equal(sg_dnskey_tag(rs->r[i].rdata, rs->r[i].rdlen), want[k]);
			k++;
		}
	}
	assert_int_equal(k, 10);
	/* algorithm 1 (Appendix B.1): bits 8..23 of the modulus' low end */
	uint8_t a1[] = {1, 0, 3, 1, 1, 3, 0xaa, 0xbb, 0x12, 0x34, 0x56};
	assert_int_equal(sg_dnskey_tag(a1, sizeof(a1)), 0x1234);
	free(rs);
}

static void ds_digests(void **state)
{
	(void)state;
	recs_t *rs = malloc(sizeof(*rs));
	size_t checked = 0;
	int types_seen = 0;
	for (size_t f = 0; f < 4; f++) {
		free(load_vectors(rs, vector_files[f]));
		for (size_t i = 0; i < rs->n; i++) {
			const rec_t *ds = &rs->r[i];
			if (ds->type != SG_T_DS)
				continue;
			uint16_t tag = (uint16_t)(ds->rdata[0] << 8 | ds->rdata[1]);
			const rec_t *key = NULL;
			for (size_t j = 0; j < rs->n; j++)
				if (rs->r[j].type == SG_T_DNSKEY && sg_name_equal(rs->r[j].owner, ds->owner) &&
				    sg_dnskey_tag(rs->r[j].rdata, rs->r[j].rdlen) == tag)
					key = &rs->r[j];
			assert_non_null(key);
			uint8_t out[128];
			size_t ol;
			assert_int_equal(sg_ds_from_dnskey(out, sizeof(out), &ol, ds->rdata[3], key->owner, key->rdata,
							   key->rdlen),
					 SG_OK);
			assert_int_equal(ol, ds->rdlen);
			assert_memory_equal(out, ds->rdata, ol);
			types_seen |= 1 << ds->rdata[3];
			/* a flipped key bit changes the digest */
			uint8_t k2[1100];
			memcpy(k2, key->rdata, key->rdlen);
			k2[key->rdlen - 1] ^= 1;
			assert_int_equal(sg_ds_from_dnskey(out, sizeof(out), &ol, ds->rdata[3], key->owner, k2,
							   key->rdlen),
					 SG_OK);
			assert_memory_not_equal(out + 4, ds->rdata + 4, ol - 4);
			checked++;
		}
	}
	/* 4034 SHA-1, 4509 SHA-256, 6605 SHA-256 + SHA-384, 8080 x4 */
	assert_int_equal(checked, 8);
	assert_int_equal(types_seen, (1 << 1) | (1 << 2) | (1 << 4));
	/* the owner name is lowercased; unknown digest types are refused */
	free(load_vectors(rs, vector_files[0]));
	const rec_t *key = &rs->r[3]; /* dskey.example.com. DNSKEY */
	assert_int_equal(key->type, SG_T_DNSKEY);
	uint8_t upper[SG_NAME_MAX], a[64], b[64];
	name(upper, "DSKEY.Example.COM.");
	assert_int_equal(sg_ds_digest(a, sizeof(a), 2, upper, key->rdata, key->rdlen), 32);
	assert_int_equal(sg_ds_digest(b, sizeof(b), 2, key->owner, key->rdata, key->rdlen), 32);
	assert_memory_equal(a, b, 32);
	assert_int_equal(sg_ds_digest(a, sizeof(a), 3, upper, key->rdata, key->rdlen), SG_EUNSUP);
	assert_int_equal(sg_ds_digest(a, 20, 2, upper, key->rdata, key->rdlen), SG_ESPACE);
	free(rs);
}

static void nsec3_hashes(void **state)
{
	(void)state;
	size_t len;
	char *text = slurp(VEC("rfc5155-nsec3-hashes.txt"), &len);
	const uint8_t salt[] = {0xaa, 0xbb, 0xcc, 0xdd};
	size_t n = 0;
	for (char *l = text; *l;) {
		char *e = strchr(l, '\n');
		if (e)
			*e = 0;
		if (*l && *l != ';') {
			char *sp = strchr(l, ' ');
			assert_non_null(sp);
			uint8_t nm[SG_NAME_MAX], h[20];
			size_t nl;
			assert_int_equal(sg_name_from_text(nm, &nl, l, (size_t)(sp - l), NULL), SG_OK);
			assert_int_equal(sg_nsec3_hash(h, 1, nm, salt, sizeof(salt), 12), SG_OK);
			char b32[40];
			assert_int_equal(sg_base32hex_encode(b32, sizeof(b32), h, 20), 32);
			assert_string_equal(b32, sp + 1);
			/* case does not matter */
			for (size_t i = 0; i < nl; i++)
				if (nm[i] >= 'a' && nm[i] <= 'z')
					nm[i] = (uint8_t)(nm[i] - 32);
			uint8_t h2[20];
			assert_int_equal(sg_nsec3_hash(h2, 1, nm, salt, sizeof(salt), 12), SG_OK);
			assert_memory_equal(h, h2, 20);
			/* salt and iterations matter */
			assert_int_equal(sg_nsec3_hash(h2, 1, nm, salt, 3, 12), SG_OK);
			assert_memory_not_equal(h, h2, 20);
			assert_int_equal(sg_nsec3_hash(h2, 1, nm, salt, 4, 11), SG_OK);
			assert_memory_not_equal(h, h2, 20);
			n++;
		}
		if (!e)
			break;
		l = e + 1;
	}
	assert_int_equal(n, 15);
	uint8_t h[20];
	assert_int_equal(sg_nsec3_hash(h, 2, sg_name_root, NULL, 0, 0), SG_EUNSUP);
	free(text);
}

/* ---- RFC signatures ---------------------------------------------------------- */

/* Verifies every RRSIG of a vector file at `now`; returns how many. */
static size_t verify_file(const char *file, int64_t now)
{
	recs_t *rs = malloc(sizeof(*rs));
	free(load_vectors(rs, file));
	sg_dnskey_t *keys = calloc(8, sizeof(*keys));
	size_t nk = dnskeys_of(rs, keys, 8), n = 0;
	for (size_t i = 0; i < rs->n; i++) {
		const rec_t *sig = &rs->r[i];
		if (sig->type != SG_T_RRSIG)
			continue;
		sg_rdata_ref_t refs[8];
		sg_rrset_view_t v = rrset_of(rs, sig->owner, (uint16_t)(sig->rdata[0] << 8 | sig->rdata[1]), refs, 8);
		int res = -1;
		assert_int_equal(sg_rrsig_verify(&res, &v, sig->rdata, sig->rdlen, keys[0].owner, keys, nk, now), SG_OK);
		if (res != SG_V_VALID)
			fail_msg("%s: RRSIG %zu: %s", file, i, sg_vresult_str(res));
		/* the same signature long after expiry: expired */
		assert_int_equal(sg_rrsig_verify(&res, &v, sig->rdata, sig->rdlen, keys[0].owner, keys, nk,
						 (int64_t)get32(sig->rdata + 8) + 1),
				 SG_OK);
		assert_int_equal(res, SG_V_EXPIRED);
		n++;
	}
	free_keys(keys, nk);
	free(keys);
	free(rs);
	return n;
}

static void rfc_signatures_validate(void **state)
{
	(void)state;
	assert_int_equal(verify_file("rfc5702-rsasha256-rsasha512.txt", t14("20100101000000")), 2);
	assert_int_equal(verify_file("rfc6605-ecdsa.txt", t14("20100820000000")), 2);
	assert_int_equal(verify_file("rfc8080-ed25519-ed448.txt", 1439000000), 4);
}

/* RFC 8080 as printed: the signatures were made over labels=3 data. */
static void rfc8080_as_printed_rejected(void **state)
{
	(void)state;
	recs_t *rs = malloc(sizeof(*rs));
	char *text = load_vectors(rs, "rfc8080-ed25519-ed448.txt");
	char bad[4][200];
	size_t nb = 0;
	for (char *p = strstr(text, "; expect-invalid"); p && nb < 4; p = strstr(p + 1, "; expect-invalid")) {
		char *l = strchr(p, '\n') + 3;
		size_t n = strcspn(l, "\n");
		memcpy(bad[nb], l, n);
		bad[nb++][n] = 0;
	}
	assert_int_equal(nb, 4);
	sg_dnskey_t *keys = calloc(8, sizeof(*keys));
	size_t nk = dnskeys_of(rs, keys, 8), k = 0;
	for (size_t i = 0; i < rs->n; i++) {
		const rec_t *sig = &rs->r[i];
		if (sig->type != SG_T_RRSIG)
			continue;
		uint8_t rd[SG_RRSIG_RDATA_MAX];
		size_t pre = 18 + sg_name_len(sig->rdata + 18);
		memcpy(rd, sig->rdata, pre);
		int sl = sg_base64_decode(rd + pre, sizeof(rd) - pre, bad[k], strlen(bad[k]));
		assert_true(sl > 0);
		sg_rdata_ref_t refs[4];
		sg_rrset_view_t v = rrset_of(rs, sig->owner, SG_T_MX, refs, 4);
		int res = -1;
		assert_int_equal(sg_rrsig_verify(&res, &v, rd, pre + (size_t)sl, keys[0].owner, keys, nk, 1439000000),
				 SG_OK);
		assert_int_equal(res, SG_V_BAD_SIGNATURE);
		k++;
	}
	assert_int_equal(k, 4);
	free_keys(keys, nk);
	free(keys);
	free(text);
	free(rs);
}

/* Signs the file's RRsets again with the private keys from its comments
 * and compares with the published RRSIGs byte for byte (RSA, EdDSA). */
static void resign_file(const char *file, char blocks[][4096], size_t nb)
{
	recs_t *rs = malloc(sizeof(*rs));
	free(load_vectors(rs, file));
	size_t signed_n = 0, kidx = 0;
	for (size_t i = 0; i < rs->n; i++) {
		if (rs->r[i].type != SG_T_DNSKEY)
			continue;
		assert_true(kidx < nb);
		const rec_t *kr = &rs->r[i];
		sg_dnskey_t dk;
		char err[300];
		assert_int_equal(sg_dnskey_init_rdata(&dk, kr->owner, kr->rdata, kr->rdlen, err, sizeof(err)), SG_OK);
		sg_key_t *priv = NULL;
		uint8_t alg;
		int r = sg_keyfile_parse_private(&priv, &alg, NULL, blocks[kidx], strlen(blocks[kidx]), file, err,
						 sizeof(err));
		if (r)
			fail_msg("%s", err);
		kidx++;
		assert_int_equal(alg, dk.alg);
		/* the private key derives the published public key */
		uint8_t pub[SG_PUBKEY_MAX];
		size_t pl;
		assert_int_equal(sg_key_to_dnskey(pub, sizeof(pub), &pl, priv), SG_OK);
		assert_int_equal(pl + 4, dk.rdlen);
		assert_memory_equal(pub, dk.rdata + 4, pl);
		sg_key_free(dk.key);
		dk.key = priv;
		sg_rrsig_signer_t *s = NULL;
		assert_int_equal(sg_rrsig_signer_new(&s, &dk, err, sizeof(err)), SG_OK);
		for (size_t j = 0; j < rs->n; j++) {
			const rec_t *sig = &rs->r[j];
			if (sig->type != SG_T_RRSIG || (uint16_t)(sig->rdata[16] << 8 | sig->rdata[17]) != dk.tag)
				continue;
			sg_rdata_ref_t refs[4];
			sg_rrset_view_t v = rrset_of(rs, sig->owner, (uint16_t)(sig->rdata[0] << 8 | sig->rdata[1]),
						     refs, 4);
			uint8_t out[SG_RRSIG_RDATA_MAX];
			size_t ol;
			assert_int_equal(sg_rrsig_sign(s, out, sizeof(out), &ol, &v, get32(sig->rdata + 12),
						       get32(sig->rdata + 8)),
					 SG_OK);
			assert_int_equal(ol, sig->rdlen);
			assert_memory_equal(out, sig->rdata, ol);
			signed_n++;
		}
		sg_rrsig_signer_free(s);
		sg_dnskey_deinit(&dk);
	}
	assert_int_equal(kidx, nb);
	assert_int_equal(signed_n, nb);
	free(rs);
}

static void rfc5702_resign_byte_for_byte(void **state)
{
	(void)state;
	size_t len;
	char *text = slurp(VEC("rfc5702-rsasha256-rsasha512.txt"), &len);
	char(*blocks)[4096] = calloc(4, 4096);
	size_t nb = private_blocks(text, blocks, 4);
	assert_int_equal(nb, 2);
	assert_non_null(strstr(blocks[0], "Prime2: "));
	resign_file("rfc5702-rsasha256-rsasha512.txt", blocks, nb);
	free(blocks);
	free(text);
}

static void rfc8080_resign_byte_for_byte(void **state)
{
	(void)state;
	size_t len;
	char *text = slurp(VEC("rfc8080-ed25519-ed448.txt"), &len);
	char(*blocks)[4096] = calloc(4, 4096);
	size_t nb = 0;
	/* "; Ed25519 (algorithm 15), private key <base64>" */
	for (char *p = strstr(text, "(algorithm "); p && nb < 4; p = strstr(p + 1, "(algorithm ")) {
		unsigned alg = (unsigned)strtoul(p + 11, NULL, 10);
		char *k = strstr(p, "private key ") + 12;
		size_t kl = strcspn(k, "\n");
		snprintf(blocks[nb++], 4096, "Private-key-format: v1.2\nAlgorithm: %u\nPrivateKey: %.*s\n", alg,
			 (int)kl, k);
	}
	assert_int_equal(nb, 4);
	resign_file("rfc8080-ed25519-ed448.txt", blocks, nb);
	free(blocks);
	free(text);
}

/* ECDSA is randomised: the RFC 6605 private keys must derive the published
 * keys, and fresh signatures must verify with them. */
static void rfc6605_private_keys(void **state)
{
	(void)state;
	size_t len;
	char *text = slurp(VEC("rfc6605-ecdsa.txt"), &len);
	char(*blocks)[4096] = calloc(4, 4096);
	size_t nb = private_blocks(text, blocks, 4);
	assert_int_equal(nb, 2);
	recs_t *rs = malloc(sizeof(*rs));
	free(load_vectors(rs, "rfc6605-ecdsa.txt"));
	sg_dnskey_t keys[2];
	assert_int_equal(dnskeys_of(rs, keys, 2), 2);
	for (size_t b = 0; b < 2; b++) {
		char err[200];
		sg_key_t *priv;
		uint8_t alg;
		assert_int_equal(
			sg_keyfile_parse_private(&priv, &alg, NULL, blocks[b], strlen(blocks[b]), "6605", err, sizeof(err)),
			SG_OK);
		assert_int_equal(alg, keys[b].alg);
		uint8_t pub[128];
		size_t pl;
		assert_int_equal(sg_key_to_dnskey(pub, sizeof(pub), &pl, priv), SG_OK);
		assert_int_equal(pl + 4, keys[b].rdlen);
		assert_memory_equal(pub, keys[b].rdata + 4, pl);
		sg_dnskey_t dk;
		assert_int_equal(sg_dnskey_init_key(&dk, keys[b].owner, 257, priv), SG_OK);
		assert_int_equal(dk.tag, keys[b].tag);
		sg_rrsig_signer_t *s;
		assert_int_equal(sg_rrsig_signer_new(&s, &dk, err, sizeof(err)), SG_OK);
		uint8_t www[SG_NAME_MAX], out[SG_RRSIG_RDATA_MAX];
		name(www, "www.example.net.");
		sg_rdata_ref_t refs[2];
		sg_rrset_view_t v = rrset_of(rs, www, SG_T_A, refs, 2);
		size_t ol;
		assert_int_equal(sg_rrsig_sign(s, out, sizeof(out), &ol, &v, 1281571200, 1283990400), SG_OK);
		int res;
		assert_int_equal(sg_rrsig_verify(&res, &v, out, ol, keys[b].owner, keys, 2, 1282262400), SG_OK);
		assert_int_equal(res, SG_V_VALID);
		sg_rrsig_signer_free(s);
		sg_dnskey_deinit(&dk);
		sg_key_free(priv);
	}
	free_keys(keys, 2);
	free(rs);
	free(blocks);
	free(text);
}

/* ---- the root zone and its trust anchors -------------------------------------- */

/* The DNSKEY RRset and its RRSIG lines of a root zone file. */
static void load_root_keys(recs_t *rs, const char *file)
{
	size_t len;
	char rel[128];
	snprintf(rel, sizeof(rel), "../realworld/%s", file); /* beside the vectors */
	const char *path = VEC(rel);
	char *text = slurp(path, &len);
	char *sel = calloc(1, 16384);
	size_t sl = 0;
	for (char *l = text; *l;) {
		char *e = strchr(l, '\n');
		size_t ll = e ? (size_t)(e - l + 1) : strlen(l);
		if (ll > 2 && l[0] == '.' && (strstr(l, "\tDNSKEY\t") || strstr(l, "\tRRSIG\tDNSKEY ")) &&
		    strstr(l, "\tDNSKEY") < l + ll) {
			assert_true(sl + ll < 16384);
			memcpy(sel + sl, l, ll);
			sl += ll;
		}
		l += ll;
	}
	parse_text(rs, sel, sl, path);
	free(sel);
	free(text);
}

static void root_trust_anchors(void **state)
{
	(void)state;
	recs_t *anchors = malloc(sizeof(*anchors)), *rs = malloc(sizeof(*rs));
	{
		/* the anchors file has no TTLs */
		size_t len;
		char *text = slurp(VEC("root-anchors.txt"), &len);
		char *t2 = malloc(len + 16);
		int pl = snprintf(t2, 16, "$TTL 0\n");
		memcpy(t2 + pl, text, len);
		parse_text(anchors, t2, len + (size_t)pl, "root-anchors.txt");
		free(t2);
		free(text);
	}
	assert_int_equal(anchors->n, 3);
	static const struct {
		const char *file;
		const char *when;
		uint16_t signing_ksk;
		int anchors_matched;
	} cases[] = {
		{"root-2017082100.zone", "20170825000000", 19036, 2}, /* 19036 and the new 20326 */
		{"root-2023051100.zone", "20230515000000", 20326, 1},
	};
	for (size_t c = 0; c < 2; c++) {
		load_root_keys(rs, cases[c].file);
		sg_dnskey_t keys[8];
		size_t nk = dnskeys_of(rs, keys, 8);
		int matched = 0;
		for (size_t a = 0; a < anchors->n; a++) {
			const rec_t *ds = &anchors->r[a];
			for (size_t k = 0; k < nk; k++) {
				uint8_t out[64];
				size_t ol;
				assert_int_equal(sg_ds_from_dnskey(out, sizeof(out), &ol, ds->rdata[3], keys[k].owner,
								   keys[k].rdata, keys[k].rdlen),
						 SG_OK);
				if (ol == ds->rdlen && memcmp(out, ds->rdata, ol) == 0) {
					assert_true(keys[k].flags & SG_DNSKEY_SEP);
					matched++;
				}
			}
		}
		assert_int_equal(matched, cases[c].anchors_matched);
		/* the DNSKEY RRset validates with the KSK at the README's time */
		size_t nsig = 0;
		for (size_t i = 0; i < rs->n; i++) {
			if (rs->r[i].type != SG_T_RRSIG)
				continue;
			assert_int_equal((uint16_t)(rs->r[i].rdata[16] << 8 | rs->r[i].rdata[17]), cases[c].signing_ksk);
			sg_rdata_ref_t refs[8];
			sg_rrset_view_t v = rrset_of(rs, sg_name_root, SG_T_DNSKEY, refs, 8);
			int res;
			assert_int_equal(sg_rrsig_verify(&res, &v, rs->r[i].rdata, rs->r[i].rdlen, sg_name_root, keys, nk,
							 t14(cases[c].when)),
					 SG_OK);
			assert_int_equal(res, SG_V_VALID);
			/* order of the RDATA does not matter; a missing key does */
			sg_rdata_ref_t t = refs[0];
			refs[0] = refs[v.count - 1];
			refs[v.count - 1] = t;
			assert_int_equal(sg_rrsig_verify(&res, &v, rs->r[i].rdata, rs->r[i].rdlen, sg_name_root, keys, nk,
							 t14(cases[c].when)),
					 SG_OK);
			assert_int_equal(res, SG_V_VALID);
			v.count--;
			assert_int_equal(sg_rrsig_verify(&res, &v, rs->r[i].rdata, rs->r[i].rdlen, sg_name_root, keys, nk,
							 t14(cases[c].when)),
					 SG_OK);
			assert_int_equal(res, SG_V_BAD_SIGNATURE);
			nsig++;
		}
		assert_int_equal(nsig, 1);
		free_keys(keys, nk);
	}
	free(anchors);
	free(rs);
}

/* ---- RSASHA1 (validate only): a zone signed by ldns-signzone ------------------ */

/* ldns-keygen -a RSASHA1 -b 1024 example.org; ldns-signzone -i 20200101000000
 * -e 20300101000000 (RRsets from the signed zone). */
static const char sha1_zone[] =
	"example.org. 3600 IN DNSKEY 256 3 5 "
	"AwEAAZ2u9ZDGqAD6WZ6fnz0e0RhjdDBw+L3h5a/kfKtSEdzvzZxEoe93aDvABwB1W4L6Kd98z+IMsgm2F3zd2ARH57E9QOFzEjnAjKqN7s8Xc"
	"jUx5iRT6PEP8B04irkUUNbQZ4z1Z5iqaRlxy4OnD7vbmWvPFlA9lkTibqzkGfCDxUXH\n"
	"example.org. 3600 IN RRSIG DNSKEY 5 2 3600 20300101000000 20200101000000 2280 example.org. "
	"g1F2YjQIOCZgi33I78TOc3lQfHUsc0h1eclFlmX+PVNR48c+qlsmF0/jG8fYFgBSaJ+eLGjS7QHQvd/TdHW3L60/i2NONt8+9Buo2kHCRFXt3"
	"p/KV+fbF1bju4WvN3t21oYs+p6uolQ6rt2GUbpbPTFzYFThj2Yb+SA+FTKy6kY=\n"
	"www.example.org. 3600 IN TXT \"hello\" \"World\"\n"
	"www.example.org. 3600 IN RRSIG TXT 5 3 3600 20300101000000 20200101000000 2280 example.org. "
	"VX8q47GcSdEdWul7atv+d8X/2DiN6aj/qz3wypBNrErrMhXI/j4w4IqMRydkvBdk1XbiEHc3JqNwvpx6Su2kmGrS9Karij+JsEl6jDFlUMM/D"
	"XidsZeUMmCRV7LIzsj139MN8j9NndiAMU8U0Te6w5RAXJHn0XfFkhbzsuVt/qs=\n";

static void rsasha1_validates(void **state)
{
	(void)state;
	recs_t *rs = malloc(sizeof(*rs));
	parse_text(rs, sha1_zone, strlen(sha1_zone), "sha1_zone");
	sg_dnskey_t key;
	assert_int_equal(dnskeys_of(rs, &key, 1), 1);
	assert_int_equal(key.tag, 2280);
	assert_non_null(key.key);
	size_t n = 0;
	for (size_t i = 0; i < rs->n; i++) {
		const rec_t *sig = &rs->r[i];
		if (sig->type != SG_T_RRSIG)
			continue;
		sg_rdata_ref_t refs[2];
		sg_rrset_view_t v = rrset_of(rs, sig->owner, (uint16_t)(sig->rdata[0] << 8 | sig->rdata[1]), refs, 2);
		int res;
		assert_int_equal(sg_rrsig_verify(&res, &v, sig->rdata, sig->rdlen, key.owner, &key, 1, t14("20250101000000")),
				 SG_OK);
		assert_int_equal(res, SG_V_VALID);
		uint8_t bad[SG_RRSIG_RDATA_MAX];
		memcpy(bad, sig->rdata, sig->rdlen);
		bad[sig->rdlen - 7] ^= 0x40;
		assert_int_equal(sg_rrsig_verify(&res, &v, bad, sig->rdlen, key.owner, &key, 1, t14("20250101000000")), SG_OK);
		assert_int_equal(res, SG_V_BAD_SIGNATURE);
		n++;
	}
	assert_int_equal(n, 2);
	/* an RSASHA1 key cannot sign, even with its private half */
	sg_rrsig_signer_t *s = NULL;
	char err[200] = "";
	assert_int_equal(sg_rrsig_signer_new(&s, &key, err, sizeof(err)), SG_EUNSUP);
	assert_non_null(strstr(err, "RSASHA1"));
	sg_dnskey_deinit(&key);
	free(rs);
}

/* ---- round trips and tampering ------------------------------------------------ */

static char tmpdir[64];

static int make_tmpdir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/sg-dnssec-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* An RRset with mixed case, a duplicate and unsorted RDATA. */
static const uint8_t mx1[] = {0, 10, 4, 'M', 'a', 'i', 'L', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0};
static const uint8_t mx2[] = {0, 5, 2, 'm', 'x', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0};
static const uint8_t mx1l[] = {0, 10, 4, 'm', 'a', 'i', 'l', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0};

static void roundtrip_alg(uint8_t alg, unsigned bits)
{
	char err[300] = "", base[512];
	uint8_t zone[SG_NAME_MAX], owner[SG_NAME_MAX], owner_uc[SG_NAME_MAX];
	name(zone, "Example.COM.");
	name(owner, "www.example.com.");
	name(owner_uc, "WWW.Example.Com.");
	sg_dnskey_t k, pub, back;
	int r = sg_dnskey_generate(&k, zone, alg, bits, 257, err, sizeof(err));
	if (r)
		fail_msg("alg %u: %s", alg, err);
	k.times.created = k.times.publish = k.times.activate = t14("20240102030405");
	assert_int_equal(sg_keyfile_write(&k, tmpdir, base, sizeof(base), err, sizeof(err)), SG_OK);
	char want[128];
	snprintf(want, sizeof(want), "/Kexample.com.+%03u+%05u", alg, k.tag);
	assert_non_null(strstr(base, want));
	char ppath[600];
	snprintf(ppath, sizeof(ppath), "%s.private", base);
	struct stat st;
	assert_int_equal(stat(ppath, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* a second write does not overwrite */
	assert_int_equal(sg_keyfile_write(&k, tmpdir, base, sizeof(base), err, sizeof(err)), SG_EEXIST);

	assert_int_equal(sg_keyfile_read(&back, ppath, zone, 0, err, sizeof(err)), SG_OK);
	assert_int_equal(back.tag, k.tag);
	assert_int_equal(back.flags, 257);
	assert_int_equal(back.rdlen, k.rdlen);
	assert_memory_equal(back.rdata, k.rdata, k.rdlen);
	assert_true(sg_key_has_private(back.key));
	assert_int_equal(back.times.activate, t14("20240102030405"));
	assert_int_equal(sg_keyfile_read(&pub, base, NULL, SG_KEYFILE_PUBLIC_ONLY, err, sizeof(err)), SG_OK);
	assert_false(sg_key_has_private(pub.key));

	sg_rrsig_signer_t *s;
	assert_int_equal(sg_rrsig_signer_new(&s, &back, err, sizeof(err)), SG_OK);
	sg_rdata_ref_t rd[3] = {{mx1, sizeof(mx1)}, {mx2, sizeof(mx2)}, {mx1l, sizeof(mx1l)}};
	sg_rrset_view_t v = {owner_uc, SG_T_MX, SG_C_IN, 3600, rd, 3};
	uint8_t sig[SG_RRSIG_RDATA_MAX];
	size_t sl;
	uint32_t inc = 1700000000, exp = 1700000000 + 86400 * 30;
	assert_int_equal(sg_rrsig_sign(s, sig, sizeof(sig), &sl, &v, inc, exp), SG_OK);
	assert_int_equal(sig[3], 3);                 /* labels */
	assert_int_equal(get32(sig + 4), 3600);      /* original TTL */
	assert_int_equal(sig[16] << 8 | sig[17], k.tag);
	assert_int_equal(sig[18 + 1], 'e');          /* signer lowercased */

	/* verified against a differently written copy of the same RRset */
	sg_rdata_ref_t rd2[2] = {{mx2, sizeof(mx2)}, {mx1l, sizeof(mx1l)}};
	sg_rrset_view_t v2 = {owner, SG_T_MX, SG_C_IN, 3600, rd2, 2};
	int res;
	int64_t now = inc + 1000;
	assert_int_equal(sg_rrsig_verify(&res, &v2, sig, sl, zone, &pub, 1, now), SG_OK);
	assert_int_equal(res, SG_V_VALID);
	sg_rrsig_signer_free(s);
	sg_dnskey_deinit(&k);
	sg_dnskey_deinit(&back);
	sg_dnskey_deinit(&pub);
}

static void roundtrip_8(void **s)
{
	(void)s;
	roundtrip_alg(8, 0);
}
static void roundtrip_10(void **s)
{
	(void)s;
	roundtrip_alg(10, 1024);
}
static void roundtrip_13(void **s)
{
	(void)s;
	roundtrip_alg(13, 0);
}
static void roundtrip_14(void **s)
{
	(void)s;
	roundtrip_alg(14, 0);
}
static void roundtrip_15(void **s)
{
	(void)s;
	roundtrip_alg(15, 0);
}
static void roundtrip_16(void **s)
{
	(void)s;
	roundtrip_alg(16, 0);
}

/* EdDSA is deterministic: the canonical form makes case, order and
 * duplicates irrelevant, byte for byte. */
static void canonical_form_is_canonical(void **state)
{
	(void)state;
	char err[200];
	uint8_t zone[SG_NAME_MAX], a[SG_NAME_MAX], b[SG_NAME_MAX];
	name(zone, "example.com.");
	name(a, "www.example.com.");
	name(b, "WwW.EXAMPLE.com.");
	sg_dnskey_t k;
	assert_int_equal(sg_dnskey_generate(&k, zone, 15, 0, 256, err, sizeof(err)), SG_OK);
	sg_rrsig_signer_t *s;
	assert_int_equal(sg_rrsig_signer_new(&s, &k, err, sizeof(err)), SG_OK);
	sg_rdata_ref_t r1[2] = {{mx1l, sizeof(mx1l)}, {mx2, sizeof(mx2)}};
	sg_rdata_ref_t r2[3] = {{mx2, sizeof(mx2)}, {mx1, sizeof(mx1)}, {mx2, sizeof(mx2)}};
	sg_rrset_view_t v1 = {a, SG_T_MX, SG_C_IN, 300, r1, 2}, v2 = {b, SG_T_MX, SG_C_IN, 300, r2, 3};
	uint8_t s1[SG_RRSIG_RDATA_MAX], s2[SG_RRSIG_RDATA_MAX];
	size_t l1, l2;
	assert_int_equal(sg_rrsig_sign(s, s1, sizeof(s1), &l1, &v1, 1, 2), SG_OK);
	assert_int_equal(sg_rrsig_sign(s, s2, sizeof(s2), &l2, &v2, 1, 2), SG_OK);
	assert_int_equal(l1, l2);
	assert_memory_equal(s1, s2, l1);
	/* TXT keeps its case (no names in it): a case change is a change */
	static const uint8_t t1[] = {2, 'h', 'i'}, t2[] = {2, 'H', 'i'};
	sg_rdata_ref_t rt1 = {t1, 3}, rt2 = {t2, 3};
	sg_rrset_view_t vt1 = {a, SG_T_TXT, SG_C_IN, 300, &rt1, 1}, vt2 = {a, SG_T_TXT, SG_C_IN, 300, &rt2, 1};
	assert_int_equal(sg_rrsig_sign(s, s1, sizeof(s1), &l1, &vt1, 1, 2), SG_OK);
	assert_int_equal(sg_rrsig_sign(s, s2, sizeof(s2), &l2, &vt2, 1, 2), SG_OK);
	assert_memory_not_equal(s1, s2, l1);
	/* out of zone, empty and RRSIG RRsets are refused */
	uint8_t other[SG_NAME_MAX];
	name(other, "www.example.org.");
	sg_rrset_view_t vo = {other, SG_T_MX, SG_C_IN, 300, r1, 2};
	assert_int_equal(sg_rrsig_sign(s, s1, sizeof(s1), &l1, &vo, 1, 2), SG_EINVAL);
	vo.owner = a;
	vo.count = 0;
	assert_int_equal(sg_rrsig_sign(s, s1, sizeof(s1), &l1, &vo, 1, 2), SG_EINVAL);
	assert_int_equal(sg_rrsig_sign(s, s1, 40, &l1, &v1, 1, 2), SG_ESPACE);
	sg_rrsig_signer_free(s);
	sg_dnskey_deinit(&k);
}

static void tamper_reasons(void **state)
{
	(void)state;
	char err[200];
	uint8_t zone[SG_NAME_MAX], owner[SG_NAME_MAX], other[SG_NAME_MAX];
	name(zone, "example.com.");
	name(owner, "www.example.com.");
	name(other, "example.net.");
	sg_dnskey_t k;
	assert_int_equal(sg_dnskey_generate(&k, zone, 13, 0, 256, err, sizeof(err)), SG_OK);
	sg_rrsig_signer_t *s;
	assert_int_equal(sg_rrsig_signer_new(&s, &k, err, sizeof(err)), SG_OK);
	uint8_t a1[4] = {192, 0, 2, 1}, a2[4] = {192, 0, 2, 2};
	sg_rdata_ref_t rd[2] = {{a1, 4}, {a2, 4}};
	sg_rrset_view_t v = {owner, SG_T_A, SG_C_IN, 3600, rd, 2};
	uint8_t sig[SG_RRSIG_RDATA_MAX], t[SG_RRSIG_RDATA_MAX];
	size_t sl;
	const uint32_t inc = 1000000, exp = 2000000;
	assert_int_equal(sg_rrsig_sign(s, sig, sizeof(sig), &sl, &v, inc, exp), SG_OK);
	int res;
#define CHECK(view, rr, len, z, keys, nk, now, want)                                                          \
	do {                                                                                                   \
		assert_int_equal(sg_rrsig_verify(&res, view, rr, len, z, keys, nk, now), SG_OK);              \
		if (res != (want))                                                                             \
			fail_msg("line %d: got \"%s\", want \"%s\"", __LINE__, sg_vresult_str(res),              \
				 sg_vresult_str(want));                                                        \
	} while (0)
	CHECK(&v, sig, sl, zone, &k, 1, 1500000, SG_V_VALID);
	CHECK(&v, sig, sl, zone, &k, 1, inc, SG_V_VALID); /* both ends inclusive */
	CHECK(&v, sig, sl, zone, &k, 1, exp, SG_V_VALID);
	CHECK(&v, sig, sl, zone, &k, 1, exp + 1, SG_V_EXPIRED);
	CHECK(&v, sig, sl, zone, &k, 1, inc - 1, SG_V_NOT_YET_VALID);
	/* serial arithmetic: times are mod 2^32, compared within 2^31 */
	CHECK(&v, sig, sl, zone, &k, 1, (int64_t)1 << 32 | 1500000, SG_V_VALID);

	/* a bit flipped in the RRset */
	a2[3] ^= 1;
	CHECK(&v, sig, sl, zone, &k, 1, 1500000, SG_V_BAD_SIGNATURE);
	a2[3] ^= 1;
	/* a bit flipped in the signature */
	memcpy(t, sig, sl);
	t[sl - 5] ^= 0x08;
	CHECK(&v, t, sl, zone, &k, 1, 1500000, SG_V_BAD_SIGNATURE);
	/* the RRset's TTL grew past the original TTL: the original is what was
	 * signed, so the check still passes (the caller caps the TTL) ... */
	v.ttl = 86400;
	CHECK(&v, sig, sl, zone, &k, 1, 1500000, SG_V_VALID);
	v.ttl = 3600;
	/* ... but changing the original TTL field breaks the signature */
	memcpy(t, sig, sl);
	t[7] ^= 1;
	CHECK(&v, t, sl, zone, &k, 1, 1500000, SG_V_BAD_SIGNATURE);
	/* the expiration moved by the attacker */
	memcpy(t, sig, sl);
	t[10] ^= 1;
	CHECK(&v, t, sl, zone, &k, 1, 1500000, SG_V_BAD_SIGNATURE);
	/* wrong key tag */
	memcpy(t, sig, sl);
	t[17] ^= 1;
	CHECK(&v, t, sl, zone, &k, 1, 1500000, SG_V_NO_KEY);
	CHECK(&v, sig, sl, zone, &k, 0, 1500000, SG_V_NO_KEY);
	/* key without the Zone Key flag; key with protocol 2 */
	sg_dnskey_t nz = k;
	nz.flags = 0;
	CHECK(&v, sig, sl, zone, &nz, 1, 1500000, SG_V_NOT_ZONE_KEY);
	nz.flags = k.flags;
	nz.protocol = 2;
	CHECK(&v, sig, sl, zone, &nz, 1, 1500000, SG_V_BAD_PROTOCOL);
	/* another key with the same tag that does not verify, then the right one */
	sg_dnskey_t two[2] = {k, k};
	sg_dnskey_t other_key;
	assert_int_equal(sg_dnskey_generate(&other_key, zone, 13, 0, 256, err, sizeof(err)), SG_OK);
	two[0].key = other_key.key;
	CHECK(&v, sig, sl, zone, two, 2, 1500000, SG_V_VALID);
	CHECK(&v, sig, sl, zone, two, 1, 1500000, SG_V_BAD_SIGNATURE);
	sg_dnskey_deinit(&other_key);
	/* wrong type covered, wrong zone, owner outside the signer */
	sg_rrset_view_t vt = v;
	vt.type = SG_T_AAAA;
	CHECK(&vt, sig, sl, zone, &k, 1, 1500000, SG_V_TYPE_MISMATCH);
	CHECK(&v, sig, sl, other, &k, 1, 1500000, SG_V_WRONG_SIGNER);
	vt = v;
	vt.owner = other;
	CHECK(&vt, sig, sl, NULL, &k, 1, 1500000, SG_V_OUT_OF_ZONE);
	/* labels larger than the owner's */
	memcpy(t, sig, sl);
	t[3] = 4;
	CHECK(&v, t, sl, zone, &k, 1, 1500000, SG_V_LABELS);
	/* an algorithm signet cannot validate */
	memcpy(t, sig, sl);
	t[2] = 1;
	CHECK(&v, t, sl, zone, &k, 1, 1500000, SG_V_ALG_UNSUPPORTED);
	/* truncated RDATA */
	CHECK(&v, sig, 17, zone, &k, 1, 1500000, SG_V_MALFORMED);
	memcpy(t, sig, sl);
	t[18] = 60; /* signer name runs past the end */
	CHECK(&v, t, 30, zone, &k, 1, 1500000, SG_V_MALFORMED);
	/* every reason has its own string */
	for (int i = 0; i < SG_V_COUNT; i++)
		for (int j = 0; j < i; j++)
			assert_string_not_equal(sg_vresult_str(i), sg_vresult_str(j));

	/* wildcards: signed at *.example.com, served at a.b.example.com */
	uint8_t wild[SG_NAME_MAX], exp_name[SG_NAME_MAX];
	name(wild, "*.example.com.");
	name(exp_name, "a.B.example.com.");
	sg_rrset_view_t vw = {wild, SG_T_A, SG_C_IN, 3600, rd, 2};
	assert_int_equal(sg_rrsig_sign(s, sig, sizeof(sig), &sl, &vw, inc, exp), SG_OK);
	assert_int_equal(sig[3], 2);
	vw.owner = exp_name;
	CHECK(&vw, sig, sl, zone, &k, 1, 1500000, SG_V_VALID);
	vw.owner = owner; /* www.example.com: also covered by the wildcard */
	CHECK(&vw, sig, sl, zone, &k, 1, 1500000, SG_V_VALID);
	memcpy(t, sig, sl);
	t[3] = 3; /* claims no expansion: the data differs */
	vw.owner = exp_name;
	CHECK(&vw, t, sl, zone, &k, 1, 1500000, SG_V_BAD_SIGNATURE);
#undef CHECK
	sg_rrsig_signer_free(s);
	sg_dnskey_deinit(&k);
}

/* ---- key files from BIND and ldns; broken key files ------------------------------ */

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Made with dnssec-keygen -a ECDSAP256SHA256 (BIND 9.18) and
 * ldns-keygen -a ED25519 / -a RSASHA256 (ldns 1.8). */
static const struct {
	const char *base, *key, *priv;
	uint8_t alg;
	uint16_t tag;
} foreign[] = {
	{"Kexample.org.+013+21441",
	 "; This is a zone-signing key, keyid 21441, for example.org.\n"
	 "; Created: 20261128044831 (Sat Nov 28 04:48:31 2026)\n"
	 "; Publish: 20261128044831 (Sat Nov 28 04:48:31 2026)\n"
	 "; Activate: 20261128044831 (Sat Nov 28 04:48:31 2026)\n"
	 "example.org. IN DNSKEY 256 3 13 rNsUXo4bekUjPi9NbvsUS4hPy+hOzqziIpHpgVZVLDkvriPjjjuGQTBt "
	 "YUYrxpmM32JFLmnI6bQdrMCfYUxbAQ==\n",
	 "Private-key-format: v1.3\nAlgorithm: 13 (ECDSAP256SHA256)\n"
	 "PrivateKey: kTSERMRzrAXsXlYWm2TkYb+60A7xKzffUirJl8z+IAg=\n"
	 "Created: 20261128044831\nPublish: 20261128044831\nActivate: 20261128044831\n",
	 13, 21441},
	{"Kexample.org.+015+02432",
	 "example.org.\tIN\tDNSKEY\t256 3 15 60O0iGsI5+iGuxtrtMlk02elIxwoF1vdOjCnj3R88fw= ;{id = 2432 (zsk), size = 256b}\n",
	 "Private-key-format: v1.2\nAlgorithm: 15 (ED25519)\nPrivateKey: 75luzd4csGuNtRKO/v8ayq1atEPxmYfxc51Bg6hqoq8=\n",
	 15, 2432},
	{"Kexample.org.+005+02280",
	 "example.org.\tIN\tDNSKEY\t256 3 5 AwEAAZ2u9ZDGqAD6WZ6fnz0e0RhjdDBw+L3h5a/kfKtSEdzvzZxEoe93aDvABwB1W4L6Kd98z+IMsgm2F3z"
	 "d2ARH57E9QOFzEjnAjKqN7s8XcjUx5iRT6PEP8B04irkUUNbQZ4z1Z5iqaRlxy4OnD7vbmWvPFlA9lkTibqzkGfCDxUXH ;{id = 2280 (zsk), "
	 "size = 1024b}\n",
	 "Private-key-format: v1.2\nAlgorithm: 5 (RSASHA1)\n"
	 "Modulus: na71kMaoAPpZnp+fPR7RGGN0MHD4veHlr+R8q1IR3O/NnESh73doO8AHAHVbgvop33zP4gyyCbYXfN3YBEfnsT1A4XMSOcCMqo3uzxdy"
	 "NTHmJFPo8Q/wHTiKuRRQ1tBnjPVnmKppGXHLg6cPu9uZa88WUD2WROJurOQZ8IPFRcc=\n"
	 "PublicExponent: AQAB\n"
	 "PrivateExponent: lDc6t+UjUhgAWWus4GSxIn2JX2cxSDqoDZd14At6ovP9jp+sn0zb+x3a9wFZDVpcNag6Nz67swkoNsTIIe38x1C79XPGdN"
	 "WTV0QTzGw2iZ82pWh+lmWcuIQS582C60hPQFPpICzhwnGJ3tQCkxdWpIdpl0m9w4ebPWK1qCTzvbE=\n"
	 "Prime1: 0egtZcd3DkkHlexgnFSeoQ39lJ49OFF2434F9fFCBuPGnSGhk0AMFgbmZwwCwsOWFYS11TnCyCvGmJnjIHeKQw==\n"
	 "Prime2: wE8Psdml3SihGeQGvNz78xNtAdmDj3ayOxqQSsUcNVQIBm7bZZQwbWDs8uD1yY/lE2opnb3BPR3Acecm4oKoLQ==\n"
	 "Exponent1: pPOMgVf/MiWnpWRNA2zn/25MIPc86r3x7JIDQyNlHJ7wXFiqbVm+ZazkcIQaw00J6z0P21D5xW3JMfB0cPYfmw==\n"
	 "Exponent2: i+a4Vz0sIgkVsh0mHa1yCTL/oVHZGLxUCxVXFV3yGIWqVOu+5lX5KQlTN5oalOj+0LHx1pSeCNUlFHgB3NUKfQ==\n"
	 "Coefficient: Ko7EOp6G/KIQ/t4YqraenJUI7JpF+iNbtos3v8ljKFwx/KNnHBTRlBsatXYyuVDSY3jAkfZWTBSCUejY/6ZgGg==\n",
	 5, 2280},
};

static void put_pair(const char *base, const char *key, const char *priv)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s.key", tmpdir, base);
	unlink(p);
	if (key)
		write_text(p, key);
	snprintf(p, sizeof(p), "%s/%s.private", tmpdir, base);
	unlink(p);
	if (priv)
		write_text(p, priv);
}

static void foreign_key_files(void **state)
{
	(void)state;
	uint8_t zone[SG_NAME_MAX];
	name(zone, "example.org.");
	for (size_t i = 0; i < sizeof(foreign) / sizeof(foreign[0]); i++) {
		put_pair(foreign[i].base, foreign[i].key, foreign[i].priv);
		char p[512], err[300] = "";
		snprintf(p, sizeof(p), "%s/%s", tmpdir, foreign[i].base);
		sg_dnskey_t k;
		int r = sg_keyfile_read(&k, p, zone, 0, err, sizeof(err));
		if (r)
			fail_msg("%s: %s", foreign[i].base, err);
		assert_int_equal(k.alg, foreign[i].alg);
		assert_int_equal(k.tag, foreign[i].tag);
		assert_true(sg_key_has_private(k.key));
		char bn[128];
		assert_true(sg_keyfile_basename(bn, sizeof(bn), k.owner, k.alg, k.tag) > 0);
		assert_string_equal(bn, foreign[i].base);
		if (i == 0)
			assert_int_equal(k.times.activate, t14("20261128044831"));
		sg_dnskey_deinit(&k);
	}
}

static void broken_key_files(void **state)
{
	(void)state;
	uint8_t zone[SG_NAME_MAX], other[SG_NAME_MAX];
	name(zone, "example.org.");
	name(other, "example.net.");
	const char *base = "Kexample.org.+013+21441";
	char p[512], err[300];
	snprintf(p, sizeof(p), "%s/%s", tmpdir, base);
	sg_dnskey_t k;
	struct {
		const char *key, *priv;
		const uint8_t *zone;
		int want;
		const char *msg;
	} cases[] = {
		{NULL, foreign[0].priv, zone, SG_ENOTFOUND, ".key"},
		{foreign[0].key, NULL, zone, SG_ENOTFOUND, ".private"},
		{foreign[0].key, foreign[0].priv, other, SG_EZONE, "belongs to zone example.org."},
		{"; only comments\n", foreign[0].priv, zone, SG_ESYNTAX, "no DNSKEY"},
		{"example.org. IN DNSKEY 256 3 13 rNsU!!!\n", foreign[0].priv, zone, SG_ESYNTAX, "base64"},
		{"example.org. IN DNSKEY 256 3 13 AAAA\n", foreign[0].priv, zone, SG_EMALFORMED, "64 octets"},
		{"example.org IN DNSKEY 256 3 13 AAAA\n", foreign[0].priv, zone, SG_ESYNTAX, "owner"},
		{"example.org. IN DS 256 3 13 AAAA\n", foreign[0].priv, zone, SG_ESYNTAX, "expected a DNSKEY"},
		{foreign[0].key, "Algorithm: 13\nPrivateKey: kTSERMRzrAXsXlYWm2TkYb+60A7xKzffUirJl8z+IAg=\n", zone, SG_ESYNTAX,
		 "Private-key-format"},
		{foreign[0].key, "Private-key-format: v2.0\nAlgorithm: 13\n", zone, SG_EUNSUP, "v2.0"},
		{foreign[0].key, "Private-key-format: v1.3\nAlgorithm: 13\nPrivateKey: %%%%\n", zone, SG_ESYNTAX,
		 "bad base64 in PrivateKey"},
		{foreign[0].key, "Private-key-format: v1.3\nAlgorithm: 13\nPrivateKey: AAAA\nPrivateKey: AAAA\n", zone,
		 SG_ESYNTAX, "given twice"},
		{foreign[0].key, "Private-key-format: v1.3\nAlgorithm: 13\ngarbage\n", zone, SG_ESYNTAX, ":3:"},
		{foreign[0].key, "Private-key-format: v1.3\nAlgorithm: 13\nCreated: 2026\n", zone, SG_ESYNTAX, "Created"},
		/* another key's private half */
		{foreign[0].key,
		 "Private-key-format: v1.3\nAlgorithm: 13\nPrivateKey: GU6SnQ/Ou+xC5RumuIUIuJZteXT2z0O/ok1s38Et6mQ=\n", zone,
		 SG_EMALFORMED, "does not match"},
		/* algorithm mismatch */
		{foreign[0].key, foreign[1].priv, zone, SG_EMALFORMED, "algorithm 15 does not match"},
		{foreign[0].key, "Private-key-format: v1.3\nAlgorithm: 13\nPrivateKey: AAAA\n", zone, SG_EMALFORMED,
		 "not valid"}, /* a zero scalar */
		{foreign[0].key, "Private-key-format: v1.3\nAlgorithm: 13\nPrivateKey: "
				 "kTSERMRzrAXsXlYWm2TkYb+60A7xKzffUirJl8z+IAgA\n", zone, SG_EMALFORMED,
		 "PrivateKey must be 32"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		put_pair(base, cases[i].key, cases[i].priv);
		err[0] = 0;
		int r = sg_keyfile_read(&k, p, cases[i].zone, 0, err, sizeof(err));
		if (r != cases[i].want || !strstr(err, cases[i].msg) || !strstr(err, base))
			fail_msg("case %zu: got %d \"%s\", want %d with \"%s\"", i, r, err, cases[i].want, cases[i].msg);
		assert_null(k.key);
	}
	/* the good pair reads (the cases above did not break the reader) */
	put_pair(base, foreign[0].key, foreign[0].priv);
	assert_int_equal(sg_keyfile_read(&k, p, zone, 0, err, sizeof(err)), SG_OK);
	sg_dnskey_deinit(&k);
	put_pair(base, NULL, NULL);
	/* random garbage never crashes the parsers */
	char junk[600];
	uint32_t x = 12345;
	for (int round = 0; round < 300; round++) {
		size_t n = (size_t)(round * 2) % sizeof(junk);
		for (size_t i = 0; i < n; i++) {
			x = x * 1103515245 + 12345;
			junk[i] = " \n:;()0123456789ADKNPSYaekrvx.+/=\t"[(x >> 16) % 34];
		}
		sg_key_t *pk = NULL;
		uint8_t alg;
		if (sg_keyfile_parse_public(&k, junk, n, "junk", err, sizeof(err)) == SG_OK)
			sg_dnskey_deinit(&k);
		if (sg_keyfile_parse_private(&pk, &alg, NULL, junk, n, "junk", err, sizeof(err)) == SG_OK)
			sg_key_free(pk);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(key_tags),
		cmocka_unit_test(ds_digests),
		cmocka_unit_test(nsec3_hashes),
		cmocka_unit_test(rfc_signatures_validate),
		cmocka_unit_test(rfc8080_as_printed_rejected),
		cmocka_unit_test(rfc5702_resign_byte_for_byte),
		cmocka_unit_test(rfc8080_resign_byte_for_byte),
		cmocka_unit_test(rfc6605_private_keys),
		cmocka_unit_test(root_trust_anchors),
		cmocka_unit_test(rsasha1_validates),
		cmocka_unit_test(canonical_form_is_canonical),
		cmocka_unit_test(tamper_reasons),
		cmocka_unit_test(roundtrip_8),
		cmocka_unit_test(roundtrip_10),
		cmocka_unit_test(roundtrip_13),
		cmocka_unit_test(roundtrip_14),
		cmocka_unit_test(roundtrip_15),
		cmocka_unit_test(roundtrip_16),
		cmocka_unit_test(foreign_key_files),
		cmocka_unit_test(broken_key_files),
	};
	return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
