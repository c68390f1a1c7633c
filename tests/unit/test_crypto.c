/* Unit tests for src/lib/crypto: the algorithm table, hashes, key
 * generation, DNSKEY public-key encodings, private material, signing and
 * verification. RFC vectors that need DNS records live in test_dnssec.c. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "signet/crypto.h"
#include "signet/util.h"

static void hex(uint8_t *dst, size_t n, const char *s)
{
	assert_int_equal(sg_base16_decode(dst, n, s, strlen(s)), (int)n);
}

/* ---- table --------------------------------------------------------------- */

static void alg_table(void **state)
{
	(void)state;
	static const uint8_t sign[] = {8, 10, 13, 14, 15, 16};
	static const uint8_t verify_only[] = {5, 7};
	static const uint8_t refused[] = {1, 3, 6, 12};
	char err[200];
	for (size_t i = 0; i < sizeof(sign); i++) {
		const sg_alg_info_t *a = sg_alg_info(sign[i]);
		assert_non_null(a);
		assert_int_equal(a->number, sign[i]);
		assert_true(a->can_sign && a->can_verify);
		assert_int_equal(sg_alg_check_sign(sign[i], err, sizeof(err)), SG_OK);
		assert_int_equal(sg_alg_check_verify(sign[i]), SG_OK);
	}
	for (size_t i = 0; i < sizeof(verify_only); i++) {
		err[0] = 0;
		assert_int_equal(sg_alg_check_sign(verify_only[i], err, sizeof(err)), SG_EUNSUP);
		assert_non_null(strstr(err, "RSASHA1"));
		assert_non_null(strstr(err, "deprecated"));
		assert_int_equal(sg_alg_check_verify(verify_only[i]), SG_OK);
	}
	for (size_t i = 0; i < sizeof(refused); i++) {
		err[0] = 0;
		assert_int_equal(sg_alg_check_sign(refused[i], err, sizeof(err)), SG_EUNSUP);
		assert_non_null(strstr(err, "cannot be used to sign"));
		assert_int_equal(sg_alg_check_verify(refused[i]), SG_EUNSUP);
		sg_key_t *k = NULL;
		assert_int_equal(sg_key_generate(&k, refused[i], 0, err, sizeof(err)), SG_EUNSUP);
		assert_null(k);
	}
	assert_null(sg_alg_info(99));
	err[0] = 0;
	assert_int_equal(sg_alg_check_sign(99, err, sizeof(err)), SG_EUNSUP);
	assert_non_null(strstr(err, "unknown"));
	assert_int_equal(sg_alg_check_verify(99), SG_EUNSUP);
	assert_int_equal(SG_ALG_DEFAULT, 13);
	assert_string_equal(sg_alg_info(13)->mnemonic, "ECDSAP256SHA256");
	assert_int_equal(sg_alg_info(8)->default_bits, 2048);
	assert_int_equal(sg_alg_info(14)->hash, SG_HASH_SHA384);
	assert_int_equal(sg_alg_info(5)->hash, SG_HASH_SHA1);
}

/* ---- hashes ---------------------------------------------------------------- */

static void hashes(void **state)
{
	(void)state;
	uint8_t out[64], want[64];
	sg_iov_t iov[2] = {{"a", 1}, {"bc", 2}}; /* pieces are concatenated */
	assert_int_equal(sg_hash(SG_HASH_SHA1, out, sizeof(out), iov, 2), 20);
	hex(want, 20, "a9993e364706816aba3e25717850c26c9cd0d89d");
	assert_memory_equal(out, want, 20);
	assert_int_equal(sg_hash(SG_HASH_SHA256, out, sizeof(out), iov, 2), 32);
	hex(want, 32, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_memory_equal(out, want, 32);
	assert_int_equal(sg_hash(SG_HASH_SHA384, out, sizeof(out), iov, 2), 48);
	hex(want, 48, "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
		      "8086072ba1e7cc2358baeca134c825a7");
	assert_memory_equal(out, want, 48);
	assert_int_equal(sg_hash(SG_HASH_SHA256, out, 31, iov, 2), SG_ESPACE);
	assert_int_equal(sg_hash(SG_HASH_NONE, out, sizeof(out), iov, 2), SG_EUNSUP);
	assert_int_equal(sg_hash_len(SG_HASH_SHA512), 64);

	/* iterations 0 is one plain SHA-1 over x || salt */
	uint8_t n3[20];
	assert_int_equal(sg_nsec3_sha1(n3, (const uint8_t *)"ab", 2, (const uint8_t *)"c", 1, 0), SG_OK);
	hex(want, 20, "a9993e364706816aba3e25717850c26c9cd0d89d");
	assert_memory_equal(n3, want, 20);
}

/* ---- keys: generate, encode, sign, verify ------------------------------------ */

static void sign_verify_roundtrip(uint8_t alg, unsigned bits)
{
	char err[256] = "";
	sg_key_t *k = NULL, *pub = NULL, *priv2 = NULL;
	int r = sg_key_generate(&k, alg, bits, err, sizeof(err));
	if (r)
		fail_msg("alg %u: %s", alg, err);
	assert_true(sg_key_has_private(k));
	assert_int_equal(sg_key_alg(k), alg);
	if (bits)
		assert_int_equal(sg_key_bits(k), bits);

	uint8_t dk[SG_PUBKEY_MAX], dk2[SG_PUBKEY_MAX];
	size_t dl, dl2;
	assert_int_equal(sg_key_to_dnskey(dk, sizeof(dk), &dl, k), SG_OK);
	assert_int_equal(sg_key_from_dnskey(&pub, alg, dk, dl, err, sizeof(err)), SG_OK);
	assert_false(sg_key_has_private(pub));
	assert_int_equal(sg_key_to_dnskey(dk2, sizeof(dk2), &dl2, pub), SG_OK);
	assert_int_equal(dl, dl2);
	assert_memory_equal(dk, dk2, dl);

	/* private material survives export/import (what the .private file holds) */
	sg_key_material_t *m = calloc(1, sizeof(*m));
	assert_non_null(m);
	assert_int_equal(sg_key_to_material(m, k), SG_OK);
	assert_int_equal(sg_key_from_material(&priv2, alg, m, err, sizeof(err)), SG_OK);
	assert_int_equal(sg_key_to_dnskey(dk2, sizeof(dk2), &dl2, priv2), SG_OK);
	assert_int_equal(dl, dl2);
	assert_memory_equal(dk, dk2, dl);

	sg_signctx_t *c = NULL;
	assert_int_equal(sg_signctx_new(&c, priv2, err, sizeof(err)), SG_OK);
	uint8_t data[300], sig[SG_SIG_MAX];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7);
	/* several signatures from one context: ECDSA values with leading zero
	 * octets in r or s are padded, not shortened */
	for (int round = 0; round < 40; round++) {
		size_t sl = 0;
		data[0] = (uint8_t)round;
		assert_int_equal(sg_signctx_sign(c, sig, sizeof(sig), &sl, data, sizeof(data)), SG_OK);
		assert_int_equal(sl, sg_signctx_siglen(c));
		assert_int_equal(sg_key_verify(pub, data, sizeof(data), sig, sl), SG_OK);
		assert_int_equal(sg_key_verify(k, data, sizeof(data), sig, sl), SG_OK);
		if (round == 0) {
			data[5] ^= 1; /* tampered data */
			assert_int_equal(sg_key_verify(pub, data, sizeof(data), sig, sl), SG_EBADSIG);
			data[5] ^= 1;
			sig[sl / 2] ^= 0x10; /* tampered signature */
			assert_int_equal(sg_key_verify(pub, data, sizeof(data), sig, sl), SG_EBADSIG);
			sig[sl / 2] ^= 0x10;
			assert_int_equal(sg_key_verify(pub, data, sizeof(data), sig, sl - 1), SG_EBADSIG);
			assert_int_equal(sg_signctx_sign(c, sig, sl - 1, &sl, data, sizeof(data)), SG_ESPACE);
		}
	}
	/* a public-only key cannot sign */
	sg_signctx_t *c2 = NULL;
	assert_int_equal(sg_signctx_new(&c2, pub, err, sizeof(err)), SG_EINVAL);
	assert_non_null(strstr(err, "no private part"));
	sg_signctx_free(c);
	sg_key_free(k);
	sg_key_free(pub);
	sg_key_free(priv2);
	free(m);
}

static void roundtrip_rsasha256(void **s)
{
	(void)s;
	sign_verify_roundtrip(8, 0); /* default size: 2048 */
}
static void roundtrip_rsasha512(void **s)
{
	(void)s;
	sign_verify_roundtrip(10, 1024);
}
static void roundtrip_p256(void **s)
{
	(void)s;
	sign_verify_roundtrip(13, 0);
}
static void roundtrip_p384(void **s)
{
	(void)s;
	sign_verify_roundtrip(14, 0);
}
static void roundtrip_ed25519(void **s)
{
	(void)s;
	sign_verify_roundtrip(15, 0);
}
static void roundtrip_ed448(void **s)
{
	(void)s;
	sign_verify_roundtrip(16, 0);
}

/* An RSA signature whose first octet is zero still verifies when the
 * signer dropped that octet. */
static void rsa_short_signature(void **state)
{
	(void)state;
	char err[200];
	sg_key_t *k;
	sg_signctx_t *c;
	assert_int_equal(sg_key_generate(&k, 8, 1024, err, sizeof(err)), SG_OK);
	assert_int_equal(sg_signctx_new(&c, k, err, sizeof(err)), SG_OK);
	uint8_t data[8] = {0}, sig[SG_SIG_MAX];
	size_t sl = 0;
	int found = 0;
	for (uint32_t i = 0; i < 20000 && !found; i++) {
		memcpy(data, &i, sizeof(i));
		assert_int_equal(sg_signctx_sign(c, sig, sizeof(sig), &sl, data, sizeof(data)), SG_OK);
		found = sig[0] == 0;
	}
	assert_true(found);
	assert_int_equal(sl, 128);
	assert_int_equal(sg_key_verify(k, data, sizeof(data), sig, sl), SG_OK);
	assert_int_equal(sg_key_verify(k, data, sizeof(data), sig + 1, sl - 1), SG_OK);
	assert_int_equal(sg_key_verify(k, data, sizeof(data), sig + 2, sl - 2), SG_EBADSIG);
	assert_int_equal(sg_key_verify(k, data, sizeof(data), sig, 0), SG_EBADSIG);
	sg_signctx_free(c);
	sg_key_free(k);
}

static void keygen_limits(void **state)
{
	(void)state;
	char err[200] = "";
	sg_key_t *k = NULL;
	assert_int_equal(sg_key_generate(&k, 8, 512, err, sizeof(err)), SG_ERANGE);
	assert_non_null(strstr(err, "512"));
	assert_int_equal(sg_key_generate(&k, 8, 8192, err, sizeof(err)), SG_ERANGE);
	assert_int_equal(sg_key_generate(&k, 5, 2048, err, sizeof(err)), SG_EUNSUP);
	assert_null(k);
	/* default key: 13, 256 bits */
	assert_int_equal(sg_key_generate(&k, SG_ALG_DEFAULT, 0, err, sizeof(err)), SG_OK);
	assert_int_equal(sg_key_bits(k), 256);
	sg_key_free(k);
}

/* ---- DNSKEY public-key field edge cases --------------------------------------- */

static void rsa_exponent_long_form(void **state)
{
	(void)state;
	/* 4096-bit modulus, 256-octet exponent: needs the 3-octet length form
	 * of RFC 3110 §2 both ways. */
	uint8_t dk[3 + 256 + 512], out[SG_PUBKEY_MAX];
	dk[0] = 0;
	dk[1] = 1;
	dk[2] = 0;
	for (int i = 0; i < 256; i++)
		dk[3 + i] = (uint8_t)(i | 1);
	for (int i = 0; i < 512; i++)
		dk[3 + 256 + i] = (uint8_t)(0xc3 ^ i);
	dk[3 + 256 + 511] |= 1;
	sg_key_t *k = NULL;
	char err[200] = "";
	int r = sg_key_from_dnskey(&k, 8, dk, sizeof(dk), err, sizeof(err));
	if (r)
		fail_msg("%s", err);
	assert_int_equal(sg_key_bits(k), 4096);
	size_t ol;
	assert_int_equal(sg_key_to_dnskey(out, sizeof(out), &ol, k), SG_OK);
	assert_int_equal(ol, sizeof(dk));
	assert_memory_equal(out, dk, sizeof(dk));
	assert_int_equal(sg_key_to_dnskey(out, 100, &ol, k), SG_ESPACE);
	sg_key_free(k);

	/* the long form may also carry a short exponent; it reads the same */
	sg_key_t *g = NULL, *p = NULL;
	assert_int_equal(sg_key_generate(&g, 8, 1024, err, sizeof(err)), SG_OK);
	uint8_t sh[SG_PUBKEY_MAX], lf[SG_PUBKEY_MAX + 2];
	size_t sl;
	assert_int_equal(sg_key_to_dnskey(sh, sizeof(sh), &sl, g), SG_OK);
	assert_int_equal(sh[0], 3); /* e = 65537 in the short form */
	lf[0] = 0;
	lf[1] = 0;
	lf[2] = 3;
	memcpy(lf + 3, sh + 1, sl - 1);
	assert_int_equal(sg_key_from_dnskey(&p, 8, lf, sl + 2, err, sizeof(err)), SG_OK);
	assert_int_equal(sg_key_to_dnskey(out, sizeof(out), &ol, p), SG_OK);
	assert_int_equal(ol, sl);
	assert_memory_equal(out, sh, sl);
	sg_key_free(p);
	sg_key_free(g);
}

static void malformed_public_keys(void **state)
{
	(void)state;
	sg_key_t *k = NULL;
	char err[200] = "";
	uint8_t b[200];
	memset(b, 0x11, sizeof(b));
	/* RSA: exponent length past the end, zero length, empty */
	b[0] = 199;
	assert_int_equal(sg_key_from_dnskey(&k, 8, b, 100, err, sizeof(err)), SG_EMALFORMED);
	assert_non_null(strstr(err, "exponent"));
	b[0] = 0;
	b[1] = 0;
	b[2] = 0;
	assert_int_equal(sg_key_from_dnskey(&k, 8, b, 100, err, sizeof(err)), SG_EMALFORMED);
	assert_int_equal(sg_key_from_dnskey(&k, 8, b, 0, err, sizeof(err)), SG_EMALFORMED);
	assert_int_equal(sg_key_from_dnskey(&k, 8, b, 2, err, sizeof(err)), SG_EMALFORMED);
	/* RSA modulus too small (24 octets) */
	memset(b, 0x11, sizeof(b));
	b[0] = 3;
	assert_int_equal(sg_key_from_dnskey(&k, 8, b, 28, err, sizeof(err)), SG_EUNSUP);
	/* ECDSA: wrong length; a point not on the curve */
	assert_int_equal(sg_key_from_dnskey(&k, 13, b, 63, err, sizeof(err)), SG_EMALFORMED);
	assert_non_null(strstr(err, "64 octets"));
	assert_int_equal(sg_key_from_dnskey(&k, 13, b, 64, err, sizeof(err)), SG_EMALFORMED);
	assert_int_equal(sg_key_from_dnskey(&k, 14, b, 96, err, sizeof(err)), SG_EMALFORMED);
	/* EdDSA lengths */
	assert_int_equal(sg_key_from_dnskey(&k, 15, b, 31, err, sizeof(err)), SG_EMALFORMED);
	assert_int_equal(sg_key_from_dnskey(&k, 16, b, 56, err, sizeof(err)), SG_EMALFORMED);
	/* algorithms without an implementation */
	assert_int_equal(sg_key_from_dnskey(&k, 3, b, 100, err, sizeof(err)), SG_EUNSUP);
	assert_int_equal(sg_key_from_dnskey(&k, 200, b, 100, err, sizeof(err)), SG_EUNSUP);
	assert_null(k);
}

static void bad_private_material(void **state)
{
	(void)state;
	char err[200] = "";
	sg_key_t *k = NULL, *g = NULL;
	sg_key_material_t *m = calloc(1, sizeof(*m));
	assert_non_null(m);
	/* EC scalar 0 and scalar >= order are refused */
	m->len[SG_KF_PRIVATEKEY] = 32;
	assert_int_equal(sg_key_from_material(&k, 13, m, err, sizeof(err)), SG_EMALFORMED);
	memset(m->data[SG_KF_PRIVATEKEY], 0xff, 32);
	assert_int_equal(sg_key_from_material(&k, 13, m, err, sizeof(err)), SG_EMALFORMED);
	m->len[SG_KF_PRIVATEKEY] = 33;
	assert_int_equal(sg_key_from_material(&k, 13, m, err, sizeof(err)), SG_EMALFORMED);
	m->len[SG_KF_PRIVATEKEY] = 31;
	assert_int_equal(sg_key_from_material(&k, 15, m, err, sizeof(err)), SG_EMALFORMED);
	/* RSA: missing fields; a corrupted prime is detected */
	memset(m, 0, sizeof(*m));
	assert_int_equal(sg_key_from_material(&k, 8, m, err, sizeof(err)), SG_EMALFORMED);
	assert_non_null(strstr(err, "Modulus"));
	assert_int_equal(sg_key_generate(&g, 8, 1024, err, sizeof(err)), SG_OK);
	assert_int_equal(sg_key_to_material(m, g), SG_OK);
	uint16_t l4 = m->len[SG_KF_PRIME1];
	m->len[SG_KF_PRIME1] = 0;
	assert_int_equal(sg_key_from_material(&k, 8, m, err, sizeof(err)), SG_EMALFORMED);
	assert_non_null(strstr(err, "Prime1"));
	m->len[SG_KF_PRIME1] = l4;
	m->data[SG_KF_PRIME1][l4 - 1] ^= 2;
	assert_int_equal(sg_key_from_material(&k, 8, m, err, sizeof(err)), SG_EMALFORMED);
	assert_null(k);
	/* an RSASHA1 key loads (for the record) but cannot sign */
	m->data[SG_KF_PRIME1][l4 - 1] ^= 2;
	assert_int_equal(sg_key_from_material(&k, 5, m, err, sizeof(err)), SG_OK);
	sg_signctx_t *c = NULL;
	assert_int_equal(sg_signctx_new(&c, k, err, sizeof(err)), SG_EUNSUP);
	assert_non_null(strstr(err, "deprecated"));
	sg_key_free(k);
	sg_key_free(g);
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(alg_table),
		cmocka_unit_test(hashes),
		cmocka_unit_test(roundtrip_rsasha256),
		cmocka_unit_test(roundtrip_rsasha512),
		cmocka_unit_test(roundtrip_p256),
		cmocka_unit_test(roundtrip_p384),
		cmocka_unit_test(roundtrip_ed25519),
		cmocka_unit_test(roundtrip_ed448),
		cmocka_unit_test(rsa_short_signature),
		cmocka_unit_test(keygen_limits),
		cmocka_unit_test(rsa_exponent_long_form),
		cmocka_unit_test(malformed_public_keys),
		cmocka_unit_test(bad_private_material),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
