/* Signing and verification. RSA and ECDSA hash first and then sign the
 * digest with an EVP_PKEY_CTX prepared once per context, so a signature
 * costs no key parsing and no heap allocation; EdDSA (RFC 8080) signs the
 * message itself through EVP_DigestSign. */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "crypto/crypto_int.h"

struct sg_signctx {
	sg_key_t *key;
	EVP_PKEY_CTX *pctx; /* RSA/ECDSA: initialised for EVP_PKEY_sign with the digest set */
	EVP_MD_CTX *mdctx;
	EVP_MD *md; /* NULL for EdDSA */
	size_t siglen;
};

static bool is_ec(const sg_key_t *k)
{
	return k->alg->keytype == SG_KT_P256 || k->alg->keytype == SG_KT_P384;
}

static bool is_ed(const sg_key_t *k)
{
	return k->alg->keytype == SG_KT_ED25519 || k->alg->keytype == SG_KT_ED448;
}

void sg_signctx_free(sg_signctx_t *c)
{
	if (!c)
		return;
	EVP_PKEY_CTX_free(c->pctx);
	EVP_MD_CTX_free(c->mdctx);
	EVP_MD_free(c->md);
	sg_key_free(c->key);
	free(c);
}

/* Prepares pctx for a sign (or verify) operation on a precomputed digest. */
static EVP_PKEY_CTX *digest_pctx(const sg_key_t *k, const EVP_MD *md, bool sign)
{
	EVP_PKEY_CTX *p = EVP_PKEY_CTX_new_from_pkey(NULL, k->pkey, NULL);
	if (!p)
		return NULL;
	if ((sign ? EVP_PKEY_sign_init(p) : EVP_PKEY_verify_init(p)) <= 0 ||
	    (k->alg->keytype == SG_KT_RSA && EVP_PKEY_CTX_set_rsa_padding(p, RSA_PKCS1_PADDING) <= 0) ||
	    EVP_PKEY_CTX_set_signature_md(p, md) <= 0) {
		EVP_PKEY_CTX_free(p);
		return NULL;
	}
	return p;
}

int sg_signctx_new(sg_signctx_t **out, sg_key_t *k, char *err, size_t errcap)
{
	int r = sg_alg_check_sign(k->alg->number, err, errcap);
	if (r < 0)
		return r;
	if (!k->priv) {
		sg_crypto_errf(err, errcap, "cannot sign: the %s key has no private part", k->alg->mnemonic);
		return SG_EINVAL;
	}
	sg_signctx_t *c = calloc(1, sizeof(*c));
	if (!c)
		return SG_ENOMEM;
	c->key = sg_key_ref(k);
	c->siglen = sg_key_siglen(k);
	c->mdctx = EVP_MD_CTX_new();
	r = SG_ECRYPTO;
	if (!c->mdctx)
		goto fail;
	if (!is_ed(k)) {
		c->md = EVP_MD_fetch(NULL, sg_crypto_md_name(k->alg->hash), NULL);
		if (!c->md || !(c->pctx = digest_pctx(k, c->md, true)))
			goto fail;
	}
	*out = c;
	return SG_OK;
fail:
	sg_crypto_errf(err, errcap, "cannot prepare %s signing in the crypto library", k->alg->mnemonic);
	sg_signctx_free(c);
	return r;
}

size_t sg_signctx_siglen(const sg_signctx_t *c)
{
	return c->siglen;
}

/* DER INTEGER at p[*o]: sets v and vl to the magnitude without leading zeros. */
static int der_int(const uint8_t *p, size_t len, size_t *o, const uint8_t **v, size_t *vl)
{
	if (len - *o < 2 || p[*o] != 0x02)
		return -1;
	size_t l = p[*o + 1];
	*o += 2;
	if (l & 0x80 || len - *o < l || l == 0)
		return -1;
	*v = p + *o;
	*vl = l;
	*o += l;
	while (*vl > 0 && **v == 0) {
		(*v)++;
		(*vl)--;
	}
	return 0;
}

/* ECDSA-Sig-Value DER -> r || s, each left-padded to n octets (RFC 6605 §4). */
static int der_to_raw(uint8_t *raw, size_t n, const uint8_t *der, size_t len)
{
	size_t o = 2;
	if (len < 2 || der[0] != 0x30)
		return -1;
	if (der[1] == 0x81) { /* long form (lengths 128 to 255) */
		if (len < 3)
			return -1;
		o = 3;
	}
	const uint8_t *r, *s;
	size_t rl, sl;
	if (der_int(der, len, &o, &r, &rl) < 0 || der_int(der, len, &o, &s, &sl) < 0 || rl > n || sl > n)
		return -1;
	memset(raw, 0, 2 * n);
	memcpy(raw + n - rl, r, rl);
	memcpy(raw + 2 * n - sl, s, sl);
	return 0;
}

static size_t der_put_int(uint8_t *d, const uint8_t *v, size_t n)
{
	while (n > 0 && *v == 0) {
		v++;
		n--;
	}
	size_t o = 0, pad = n == 0 || (v[0] & 0x80) ? 1 : 0;
	d[o++] = 0x02;
	d[o++] = (uint8_t)(n + pad);
	if (pad)
		d[o++] = 0;
	memcpy(d + o, v, n);
	return o + n;
}

/* r || s -> DER (at most 2 + 2·(3 + 48) = 104 octets). */
static size_t raw_to_der(uint8_t *der, const uint8_t *raw, size_t n)
{
	uint8_t body[2 * (3 + 48)];
	size_t bl = der_put_int(body, raw, n);
	bl += der_put_int(body + bl, raw + n, n);
	size_t o = 0;
	der[o++] = 0x30;
	if (bl >= 0x80)
		der[o++] = 0x81;
	der[o++] = (uint8_t)bl;
	memcpy(der + o, body, bl);
	return o + bl;
}

int sg_signctx_sign(sg_signctx_t *c, uint8_t *sig, size_t cap, size_t *siglen, const uint8_t *data,
		    size_t len)
{
	const sg_key_t *k = c->key;
	if (cap < c->siglen)
		return SG_ESPACE;
	if (is_ed(k)) {
		size_t n = cap;
		if (EVP_DigestSignInit_ex(c->mdctx, NULL, NULL, NULL, NULL, k->pkey, NULL) <= 0 ||
		    EVP_DigestSign(c->mdctx, sig, &n, data, len) <= 0)
			return SG_ECRYPTO;
		*siglen = n;
		return SG_OK;
	}
	uint8_t dgst[EVP_MAX_MD_SIZE];
	unsigned int dl = 0;
	if (!EVP_DigestInit_ex2(c->mdctx, c->md, NULL) || !EVP_DigestUpdate(c->mdctx, data, len) ||
	    !EVP_DigestFinal_ex(c->mdctx, dgst, &dl))
		return SG_ECRYPTO;
	if (is_ec(k)) {
		uint8_t der[128];
		size_t derlen = sizeof(der);
		if (EVP_PKEY_sign(c->pctx, der, &derlen, dgst, dl) <= 0 ||
		    der_to_raw(sig, c->siglen / 2, der, derlen) < 0)
			return SG_ECRYPTO;
		*siglen = c->siglen;
		return SG_OK;
	}
	size_t n = cap;
	if (EVP_PKEY_sign(c->pctx, sig, &n, dgst, dl) <= 0)
		return SG_ECRYPTO;
	*siglen = n;
	return SG_OK;
}

int sg_key_verify(const sg_key_t *k, const uint8_t *data, size_t len, const uint8_t *sig, size_t siglen)
{
	if (sg_alg_check_verify(k->alg->number) < 0)
		return SG_EUNSUP;
	if (is_ed(k) || is_ec(k)) {
		if (siglen != sg_key_siglen(k))
			return SG_EBADSIG;
	} else if (siglen == 0 || siglen > sg_key_siglen(k)) {
		return SG_EBADSIG;
	}
	int r = SG_ECRYPTO, v;
	EVP_MD_CTX *mdctx = EVP_MD_CTX_new();
	EVP_MD *md = NULL;
	EVP_PKEY_CTX *p = NULL;
	if (!mdctx)
		goto out;
	if (is_ed(k)) {
		if (EVP_DigestVerifyInit_ex(mdctx, NULL, NULL, NULL, NULL, k->pkey, NULL) <= 0)
			goto out;
		v = EVP_DigestVerify(mdctx, sig, siglen, data, len);
	} else {
		uint8_t dgst[EVP_MAX_MD_SIZE], der[128];
		unsigned int dl = 0;
		md = EVP_MD_fetch(NULL, sg_crypto_md_name(k->alg->hash), NULL);
		if (!md || !EVP_DigestInit_ex2(mdctx, md, NULL) || !EVP_DigestUpdate(mdctx, data, len) ||
		    !EVP_DigestFinal_ex(mdctx, dgst, &dl) || !(p = digest_pctx(k, md, false)))
			goto out;
		if (is_ec(k)) {
			size_t derlen = raw_to_der(der, sig, siglen / 2);
			v = EVP_PKEY_verify(p, der, derlen, dgst, dl);
		} else {
			/* OpenSSL wants exactly the modulus length; a signer that
			 * dropped leading zero octets made a valid signature too */
			uint8_t padded[SG_SIG_MAX];
			size_t full = sg_key_siglen(k);
			if (siglen < full) {
				memset(padded, 0, full - siglen);
				memcpy(padded + full - siglen, sig, siglen);
				sig = padded;
				siglen = full;
			}
			v = EVP_PKEY_verify(p, sig, siglen, dgst, dl);
		}
	}
	/* 1 = good, 0 = bad signature, <0 = could not check (but OpenSSL also
	 * reports a malformed signature as <0: treat a key we could set up as
	 * having checked it). */
	r = v == 1 ? SG_OK : SG_EBADSIG;
out:
	EVP_PKEY_CTX_free(p);
	EVP_MD_free(md);
	EVP_MD_CTX_free(mdctx);
	return r;
}
