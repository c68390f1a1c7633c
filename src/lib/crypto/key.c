/* Keys: DNSKEY public-key field <-> EVP_PKEY, BIND private material,
 * generation. EVP and OSSL_PARAM APIs only (no deprecated RSA_ / EC_KEY_). */
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include "crypto/crypto_int.h"

static const char *const field_names[SG_KF_COUNT] = {
	"Modulus", "PublicExponent", "PrivateExponent", "Prime1", "Prime2",
	"Exponent1", "Exponent2", "Coefficient", "PrivateKey",
};

/* OSSL_PARAM names of the RSA fields, in enum sg_key_field order. */
static const char *const rsa_params[8] = {
	OSSL_PKEY_PARAM_RSA_N,         OSSL_PKEY_PARAM_RSA_E,         OSSL_PKEY_PARAM_RSA_D,
	OSSL_PKEY_PARAM_RSA_FACTOR1,   OSSL_PKEY_PARAM_RSA_FACTOR2,   OSSL_PKEY_PARAM_RSA_EXPONENT1,
	OSSL_PKEY_PARAM_RSA_EXPONENT2, OSSL_PKEY_PARAM_RSA_COEFFICIENT1,
};

const char *sg_key_field_name(int field)
{
	return field >= 0 && field < SG_KF_COUNT ? field_names[field] : "?";
}

static size_t ec_size(int kt)
{
	return kt == SG_KT_P256 ? 32 : 48;
}

static const char *ec_group(int kt)
{
	return kt == SG_KT_P256 ? "prime256v1" : "secp384r1";
}

static const char *ed_name(int kt)
{
	return kt == SG_KT_ED25519 ? "ED25519" : "ED448";
}

static size_t ed_size(int kt)
{
	return kt == SG_KT_ED25519 ? 32 : 57;
}

static int wrap(sg_key_t **out, EVP_PKEY *pkey, const sg_alg_info_t *a, bool priv)
{
	sg_key_t *k = calloc(1, sizeof(*k));
	if (!k) {
		EVP_PKEY_free(pkey);
		return SG_ENOMEM;
	}
	k->pkey = pkey;
	k->alg = a;
	k->priv = priv;
	k->bits = (unsigned)EVP_PKEY_get_bits(pkey);
	k->refs = 1;
	*out = k;
	return SG_OK;
}

static const sg_alg_info_t *impl(uint8_t alg, char *err, size_t errcap)
{
	const sg_alg_info_t *a = sg_alg_info(alg);
	if (!a || a->keytype == SG_KT_NONE) {
		sg_crypto_errf(err, errcap, "unsupported DNSSEC algorithm %u%s%s", alg, a ? " " : "",
			       a ? a->mnemonic : "");
		return NULL;
	}
	return a;
}

void sg_key_free(sg_key_t *k)
{
	if (!k || __atomic_sub_fetch(&k->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	EVP_PKEY_free(k->pkey);
	free(k);
}

sg_key_t *sg_key_ref(sg_key_t *k)
{
	__atomic_add_fetch(&k->refs, 1, __ATOMIC_RELAXED);
	return k;
}

uint8_t sg_key_alg(const sg_key_t *k)
{
	return k->alg->number;
}

bool sg_key_has_private(const sg_key_t *k)
{
	return k->priv;
}

unsigned sg_key_bits(const sg_key_t *k)
{
	return k->bits;
}

size_t sg_key_siglen(const sg_key_t *k)
{
	switch (k->alg->keytype) {
	case SG_KT_RSA: return (k->bits + 7) / 8;
	case SG_KT_P256: return 64;
	case SG_KT_P384: return 96;
	case SG_KT_ED25519: return 64;
	case SG_KT_ED448: return 114;
	}
	return 0;
}

/* ---- building keys from parameters -------------------------------------- */

static int fromdata(EVP_PKEY **out, const char *type, OSSL_PARAM_BLD *bld, int selection)
{
	int r = SG_ECRYPTO;
	OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	*out = NULL;
	if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) <= 0)
		goto out;
	if (EVP_PKEY_fromdata(ctx, out, selection, params) <= 0) {
		r = SG_EMALFORMED;
		goto out;
	}
	r = SG_OK;
out:
	OSSL_PARAM_free(params);
	EVP_PKEY_CTX_free(ctx);
	return r;
}

/* Adds big-endian octets as a BIGNUM parameter; bns collects them for freeing. */
static int push_bn(OSSL_PARAM_BLD *bld, const char *key, const uint8_t *p, size_t len, BIGNUM **slot)
{
	*slot = BN_bin2bn(p, (int)len, NULL);
	if (!*slot || !OSSL_PARAM_BLD_push_BN(bld, key, *slot))
		return SG_ECRYPTO;
	return SG_OK;
}

static int rsa_build(EVP_PKEY **out, const uint8_t *const *f, const size_t *flen, int nf, bool priv)
{
	BIGNUM *bn[8] = {0};
	int r = SG_ECRYPTO;
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	if (!bld)
		goto out;
	for (int i = 0; i < nf; i++) {
		r = push_bn(bld, rsa_params[i], f[i], flen[i], &bn[i]);
		if (r < 0)
			goto out;
	}
	r = fromdata(out, "RSA", bld, priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY);
out:
	for (int i = 0; i < 8; i++)
		BN_clear_free(bn[i]);
	OSSL_PARAM_BLD_free(bld);
	return r;
}

static int ec_build(EVP_PKEY **out, int kt, const uint8_t *pub, size_t publen, const uint8_t *priv,
		    size_t privlen)
{
	uint8_t point[1 + 96];
	BIGNUM *d = NULL;
	int r = SG_ECRYPTO;
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	if (!bld)
		goto out;
	point[0] = 0x04; /* uncompressed: RFC 6605 §4 stores X || Y */
	memcpy(point + 1, pub, publen);
	if (!OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, ec_group(kt), 0) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, 1 + publen))
		goto out;
	if (priv && (r = push_bn(bld, OSSL_PKEY_PARAM_PRIV_KEY, priv, privlen, &d)) < 0)
		goto out;
	r = fromdata(out, "EC", bld, priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY);
out:
	BN_clear_free(d);
	OSSL_PARAM_BLD_free(bld);
	return r;
}

/* Q = d·G; fails for d outside [1, n-1]. Writes X || Y. */
static int ec_derive_pub(uint8_t *xy, int kt, const uint8_t *priv, size_t privlen)
{
	int r = SG_ECRYPTO;
	uint8_t buf[1 + 96];
	EC_GROUP *g = EC_GROUP_new_by_curve_name(kt == SG_KT_P256 ? NID_X9_62_prime256v1 : NID_secp384r1);
	EC_POINT *q = g ? EC_POINT_new(g) : NULL;
	BIGNUM *d = BN_bin2bn(priv, (int)privlen, NULL);
	BN_CTX *bctx = BN_CTX_new();
	if (!g || !q || !d || !bctx)
		goto out;
	if (BN_is_zero(d) || BN_cmp(d, EC_GROUP_get0_order(g)) >= 0) {
		r = SG_EMALFORMED;
		goto out;
	}
	size_t n = 2 * ec_size(kt);
	if (!EC_POINT_mul(g, q, d, NULL, NULL, bctx) ||
	    EC_POINT_point2oct(g, q, POINT_CONVERSION_UNCOMPRESSED, buf, sizeof(buf), bctx) != n + 1)
		goto out;
	memcpy(xy, buf + 1, n);
	r = SG_OK;
out:
	BN_CTX_free(bctx);
	BN_clear_free(d);
	EC_POINT_free(q);
	EC_GROUP_free(g);
	return r;
}

int sg_key_from_dnskey(sg_key_t **out, uint8_t alg, const uint8_t *pub, size_t len, char *err,
		       size_t errcap)
{
	const sg_alg_info_t *a = impl(alg, err, errcap);
	if (!a)
		return SG_EUNSUP;
	EVP_PKEY *pkey = NULL;
	int r;
	switch (a->keytype) {
	case SG_KT_RSA: {
		/* RFC 3110 §2: exponent length in one octet, or 0 then two octets */
		size_t elen, o;
		if (len < 1)
			goto short_key;
		if (pub[0]) {
			elen = pub[0];
			o = 1;
		} else {
			if (len < 3)
				goto short_key;
			elen = (size_t)pub[1] << 8 | pub[2];
			o = 3;
		}
		if (elen == 0 || len - o <= elen) {
			sg_crypto_errf(err, errcap, "RSA public key: exponent length %zu does not fit in %zu octets",
				       elen, len);
			return SG_EMALFORMED;
		}
		const uint8_t *f[2] = {pub + o + elen, pub + o};
		size_t fl[2] = {len - o - elen, elen};
		if (f[0][0] == 0 || f[1][0] == 0) {
			sg_crypto_errf(err, errcap, "RSA public key: leading zero octet in %s",
				       f[0][0] == 0 ? "modulus" : "exponent");
			return SG_EMALFORMED;
		}
		if (fl[0] < 64 || fl[0] > SG_RSA_BITS_MAX / 8) {
			sg_crypto_errf(err, errcap, "RSA modulus of %zu bits is outside 512..%d", fl[0] * 8,
				       SG_RSA_BITS_MAX);
			return SG_EUNSUP;
		}
		r = rsa_build(&pkey, f, fl, 2, false);
		break;
	}
	case SG_KT_P256:
	case SG_KT_P384:
		if (len != 2 * ec_size(a->keytype)) {
			sg_crypto_errf(err, errcap, "%s public key must be %zu octets, not %zu", a->mnemonic,
				       2 * ec_size(a->keytype), len);
			return SG_EMALFORMED;
		}
		r = ec_build(&pkey, a->keytype, pub, len, NULL, 0);
		break;
	default:
		if (len != ed_size(a->keytype)) {
			sg_crypto_errf(err, errcap, "%s public key must be %zu octets, not %zu", a->mnemonic,
				       ed_size(a->keytype), len);
			return SG_EMALFORMED;
		}
		pkey = EVP_PKEY_new_raw_public_key_ex(NULL, ed_name(a->keytype), NULL, pub, len);
		r = pkey ? SG_OK : SG_EMALFORMED;
		break;
	}
	if (r < 0) {
		sg_crypto_errf(err, errcap, "%s public key rejected by the crypto library%s", a->mnemonic,
			       r == SG_EMALFORMED ? " (not a valid key)" : "");
		return r;
	}
	return wrap(out, pkey, a, false);
short_key:
	sg_crypto_errf(err, errcap, "RSA public key too short (%zu octets)", len);
	return SG_EMALFORMED;
}

int sg_key_from_material(sg_key_t **out, uint8_t alg, const sg_key_material_t *m, char *err,
			 size_t errcap)
{
	const sg_alg_info_t *a = impl(alg, err, errcap);
	if (!a)
		return SG_EUNSUP;
	EVP_PKEY *pkey = NULL;
	int r;
	if (a->keytype == SG_KT_RSA) {
		const uint8_t *f[8];
		size_t fl[8];
		int nf = 8;
		for (int i = 0; i < 8; i++) {
			f[i] = m->data[i];
			fl[i] = m->len[i];
			if (fl[i] == 0 && i < 3) {
				sg_crypto_errf(err, errcap, "RSA private key lacks %s", field_names[i]);
				return SG_EMALFORMED;
			}
			if (fl[i] == 0 && nf == 8)
				nf = i;
		}
		bool later = false;
		for (int i = nf; i < 8; i++)
			later = later || fl[i] != 0;
		if (nf != 8 && (nf != 3 || later)) {
			sg_crypto_errf(err, errcap, "RSA private key lacks %s", field_names[nf]);
			return SG_EMALFORMED;
		}
		if (fl[0] < 64 || fl[0] > SG_RSA_BITS_MAX / 8) {
			sg_crypto_errf(err, errcap, "RSA modulus of %zu bits is outside 512..%d", fl[0] * 8,
				       SG_RSA_BITS_MAX);
			return SG_EUNSUP;
		}
		r = rsa_build(&pkey, f, fl, nf, true);
		if (r == SG_OK && nf == 8) {
			/* p·q = n, d·e = 1 mod λ(n), CRT values: catches corrupt files */
			EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
			if (!c || EVP_PKEY_pairwise_check(c) != 1)
				r = SG_EMALFORMED;
			EVP_PKEY_CTX_free(c);
		}
	} else if (a->keytype == SG_KT_P256 || a->keytype == SG_KT_P384) {
		size_t n = ec_size(a->keytype);
		uint8_t d[48], xy[96];
		size_t dl = m->len[SG_KF_PRIVATEKEY];
		if (dl == 0 || dl > n) {
			sg_crypto_errf(err, errcap, "%s PrivateKey must be %zu octets, not %zu", a->mnemonic, n, dl);
			return SG_EMALFORMED;
		}
		/* left-pad: some writers drop leading zero octets */
		memset(d, 0, n - dl);
		memcpy(d + n - dl, m->data[SG_KF_PRIVATEKEY], dl);
		r = ec_derive_pub(xy, a->keytype, d, n);
		if (r == SG_OK)
			r = ec_build(&pkey, a->keytype, xy, 2 * n, d, n);
		memset(d, 0, sizeof(d));
	} else {
		size_t n = ed_size(a->keytype);
		if (m->len[SG_KF_PRIVATEKEY] != n) {
			sg_crypto_errf(err, errcap, "%s PrivateKey must be %zu octets, not %u", a->mnemonic, n,
				       m->len[SG_KF_PRIVATEKEY]);
			return SG_EMALFORMED;
		}
		pkey = EVP_PKEY_new_raw_private_key_ex(NULL, ed_name(a->keytype), NULL,
						       m->data[SG_KF_PRIVATEKEY], n);
		r = pkey ? SG_OK : SG_ECRYPTO;
	}
	if (r < 0) {
		EVP_PKEY_free(pkey);
		sg_crypto_errf(err, errcap, "%s private key is not valid (inconsistent or out-of-range values)",
			       a->mnemonic);
		return r;
	}
	return wrap(out, pkey, a, true);
}

static int get_bn(uint8_t *dst, uint16_t *len, const EVP_PKEY *pkey, const char *name, size_t pad)
{
	BIGNUM *bn = NULL;
	int r = SG_ECRYPTO;
	if (!EVP_PKEY_get_bn_param(pkey, name, &bn))
		goto out;
	size_t n = (size_t)BN_num_bytes(bn);
	if (pad)
		n = pad;
	if (n > SG_KF_FIELD_MAX || BN_bn2binpad(bn, dst, (int)n) < 0)
		goto out;
	*len = (uint16_t)n;
	r = SG_OK;
out:
	BN_clear_free(bn);
	return r;
}

int sg_key_to_material(sg_key_material_t *m, const sg_key_t *k)
{
	if (!k->priv)
		return SG_EINVAL;
	memset(m->len, 0, sizeof(m->len));
	int kt = k->alg->keytype;
	if (kt == SG_KT_RSA) {
		for (int i = 0; i < 8; i++) {
			int r = get_bn(m->data[i], &m->len[i], k->pkey, rsa_params[i], 0);
			if (r < 0)
				return r;
		}
		return SG_OK;
	}
	if (kt == SG_KT_P256 || kt == SG_KT_P384)
		return get_bn(m->data[SG_KF_PRIVATEKEY], &m->len[SG_KF_PRIVATEKEY], k->pkey,
			      OSSL_PKEY_PARAM_PRIV_KEY, ec_size(kt));
	size_t n = SG_KF_FIELD_MAX;
	if (!EVP_PKEY_get_raw_private_key(k->pkey, m->data[SG_KF_PRIVATEKEY], &n))
		return SG_ECRYPTO;
	m->len[SG_KF_PRIVATEKEY] = (uint16_t)n;
	return SG_OK;
}

int sg_key_to_dnskey(uint8_t *dst, size_t cap, size_t *outlen, const sg_key_t *k)
{
	int kt = k->alg->keytype;
	if (kt == SG_KT_RSA) {
		uint8_t e[SG_KF_FIELD_MAX], n[SG_KF_FIELD_MAX];
		uint16_t el, nl;
		int r = get_bn(e, &el, k->pkey, OSSL_PKEY_PARAM_RSA_E, 0);
		if (r == SG_OK)
			r = get_bn(n, &nl, k->pkey, OSSL_PKEY_PARAM_RSA_N, 0);
		if (r < 0)
			return r;
		size_t hl = el > 255 ? 3 : 1;
		if (cap < hl + el + nl)
			return SG_ESPACE;
		if (hl == 1) {
			dst[0] = (uint8_t)el;
		} else {
			dst[0] = 0;
			dst[1] = (uint8_t)(el >> 8);
			dst[2] = (uint8_t)el;
		}
		memcpy(dst + hl, e, el);
		memcpy(dst + hl + el, n, nl);
		*outlen = hl + el + nl;
		return SG_OK;
	}
	if (kt == SG_KT_P256 || kt == SG_KT_P384) {
		uint8_t buf[1 + 96];
		size_t n = 0, want = 2 * ec_size(kt);
		if (!EVP_PKEY_get_octet_string_param(k->pkey, OSSL_PKEY_PARAM_PUB_KEY, buf, sizeof(buf), &n) ||
		    n != want + 1 || buf[0] != 0x04)
			return SG_ECRYPTO;
		if (cap < want)
			return SG_ESPACE;
		memcpy(dst, buf + 1, want);
		*outlen = want;
		return SG_OK;
	}
	size_t n = ed_size(kt);
	if (cap < n)
		return SG_ESPACE;
	if (!EVP_PKEY_get_raw_public_key(k->pkey, dst, &n))
		return SG_ECRYPTO;
	*outlen = n;
	return SG_OK;
}

int sg_key_generate(sg_key_t **out, uint8_t alg, unsigned bits, char *err, size_t errcap)
{
	int r = sg_alg_check_sign(alg, err, errcap);
	if (r < 0)
		return r;
	const sg_alg_info_t *a = sg_alg_info(alg);
	int kt = a->keytype;
	if (kt == SG_KT_RSA) {
		if (bits == 0)
			bits = a->default_bits;
		if (bits < SG_RSA_BITS_MIN || bits > SG_RSA_BITS_MAX) {
			sg_crypto_errf(err, errcap, "RSA key size %u is outside %d..%d", bits, SG_RSA_BITS_MIN,
				       SG_RSA_BITS_MAX);
			return SG_ERANGE;
		}
	}
	const char *type = kt == SG_KT_RSA ? "RSA" : kt == SG_KT_P256 || kt == SG_KT_P384 ? "EC" : ed_name(kt);
	EVP_PKEY *pkey = NULL;
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	r = SG_ECRYPTO;
	if (!ctx || EVP_PKEY_keygen_init(ctx) <= 0)
		goto out;
	if (kt == SG_KT_RSA && EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, (int)bits) <= 0)
		goto out;
	if ((kt == SG_KT_P256 || kt == SG_KT_P384) && EVP_PKEY_CTX_set_group_name(ctx, ec_group(kt)) <= 0)
		goto out;
	if (EVP_PKEY_generate(ctx, &pkey) <= 0)
		goto out;
	r = wrap(out, pkey, a, true);
	pkey = NULL;
out:
	if (r == SG_ECRYPTO)
		sg_crypto_errf(err, errcap, "key generation for %s failed in the crypto library", a->mnemonic);
	EVP_PKEY_free(pkey);
	EVP_PKEY_CTX_free(ctx);
	return r;
}
