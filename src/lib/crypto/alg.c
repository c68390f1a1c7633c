/* THE DNSSEC algorithm table, and the hash functions DNSSEC uses.
 * Every other file asks this table what an algorithm number means. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "crypto/crypto_int.h"

/* RFC 8624 §3.1 (MUST NOT sign: 1, 3, 5, 6, 7, 12) as signet applies it:
 * 5 and 7 are still validated because signed zones using them exist. */
static const sg_alg_info_t algs[] = {
	{1, "RSAMD5", false, false, SG_HASH_NONE, SG_KT_NONE, 0, "MD5 is broken (RFC 6725, RFC 8624)"},
	{3, "DSA", false, false, SG_HASH_SHA1, SG_KT_NONE, 0, "DSA is deprecated (RFC 8624)"},
	{5, "RSASHA1", false, true, SG_HASH_SHA1, SG_KT_RSA, 2048,
	 "SHA-1 signatures are deprecated (RFC 8624); validate only"},
	{6, "DSA-NSEC3-SHA1", false, false, SG_HASH_SHA1, SG_KT_NONE, 0, "DSA is deprecated (RFC 8624)"},
	{7, "RSASHA1-NSEC3-SHA1", false, true, SG_HASH_SHA1, SG_KT_RSA, 2048,
	 "SHA-1 signatures are deprecated (RFC 8624); validate only"},
	{8, "RSASHA256", true, true, SG_HASH_SHA256, SG_KT_RSA, 2048, NULL},
	{10, "RSASHA512", true, true, SG_HASH_SHA512, SG_KT_RSA, 2048, NULL},
	{12, "ECC-GOST", false, false, SG_HASH_NONE, SG_KT_NONE, 0, "GOST R 34.10-2001 is deprecated (RFC 8624)"},
	{13, "ECDSAP256SHA256", true, true, SG_HASH_SHA256, SG_KT_P256, 256, NULL},
	{14, "ECDSAP384SHA384", true, true, SG_HASH_SHA384, SG_KT_P384, 384, NULL},
	{15, "ED25519", true, true, SG_HASH_NONE, SG_KT_ED25519, 256, NULL},
	{16, "ED448", true, true, SG_HASH_NONE, SG_KT_ED448, 456, NULL},
};

const sg_alg_info_t *sg_alg_info(uint8_t alg)
{
	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (algs[i].number == alg)
			return &algs[i];
	return NULL;
}

void sg_crypto_errf(char *err, size_t errcap, const char *fmt, ...)
{
	if (!err || errcap == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errcap, fmt, ap);
	va_end(ap);
}

int sg_alg_check_sign(uint8_t alg, char *err, size_t errcap)
{
	const sg_alg_info_t *a = sg_alg_info(alg);
	if (!a) {
		sg_crypto_errf(err, errcap, "unknown DNSSEC algorithm %u", alg);
		return SG_EUNSUP;
	}
	if (!a->can_sign) {
		sg_crypto_errf(err, errcap, "algorithm %u (%s) cannot be used to sign: %s", alg, a->mnemonic,
			       a->note ? a->note : "not supported");
		return SG_EUNSUP;
	}
	return SG_OK;
}

int sg_alg_check_verify(uint8_t alg)
{
	const sg_alg_info_t *a = sg_alg_info(alg);
	return a && a->can_verify ? SG_OK : SG_EUNSUP;
}

const char *sg_crypto_md_name(int hash)
{
	switch (hash) {
	case SG_HASH_SHA1: return "SHA1";
	case SG_HASH_SHA256: return "SHA256";
	case SG_HASH_SHA384: return "SHA384";
	case SG_HASH_SHA512: return "SHA512";
	}
	return NULL;
}

size_t sg_hash_len(int hash)
{
	switch (hash) {
	case SG_HASH_SHA1: return 20;
	case SG_HASH_SHA256: return 32;
	case SG_HASH_SHA384: return 48;
	case SG_HASH_SHA512: return 64;
	}
	return 0;
}

/* The digests, fetched once: EVP_MD_fetch looks the name up in the
 * provider store under a lock on every call, which showed in signetd's
 * NSEC3 answers (one hash per proof name). Never freed: they live as long
 * as the process, like OpenSSL's own default provider. */
static const EVP_MD *md_cache[SG_HASH_SHA512 + 1];
static pthread_once_t md_once = PTHREAD_ONCE_INIT;

static void md_fetch_all(void)
{
	for (int h = 0; h <= SG_HASH_SHA512; h++) {
		const char *name = sg_crypto_md_name(h);
		md_cache[h] = name ? EVP_MD_fetch(NULL, name, NULL) : NULL;
	}
}

static const EVP_MD *cached_md(int hash)
{
	if (hash < 0 || hash > SG_HASH_SHA512)
		return NULL;
	pthread_once(&md_once, md_fetch_all);
	return md_cache[hash];
}

int sg_hash(int hash, uint8_t *out, size_t cap, const sg_iov_t *iov, size_t n)
{
	const char *name = sg_crypto_md_name(hash);
	if (!name)
		return SG_EUNSUP;
	size_t dlen = sg_hash_len(hash);
	if (cap < dlen)
		return SG_ESPACE;
	int r = SG_ECRYPTO;
	const EVP_MD *md = cached_md(hash);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (!md || !ctx || !EVP_DigestInit_ex2(ctx, md, NULL))
		goto out;
	for (size_t i = 0; i < n; i++)
		if (iov[i].len && !EVP_DigestUpdate(ctx, iov[i].base, iov[i].len))
			goto out;
	unsigned int l = 0;
	if (!EVP_DigestFinal_ex(ctx, out, &l) || l != dlen)
		goto out;
	r = (int)dlen;
out:
	EVP_MD_CTX_free(ctx);
	return r;
}

/* RFC 5155 §5. signetd hashes two or three names for every NSEC3 denial it
 * sends, so this runs on the query path: OpenSSL's low-level SHA-1 needs no
 * context allocation and no provider dispatch, which through EVP cost more
 * than the hashing of a short name. The functions are deprecated in
 * OpenSSL 3 but still provided, and SHA-1 here is a fixed part of the
 * NSEC3 format, not a security choice. */
int sg_nsec3_sha1(uint8_t out[20], const uint8_t *x, size_t len, const uint8_t *salt, size_t saltlen,
		  uint16_t iterations)
{
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
	for (unsigned k = 0; k <= iterations; k++) {
		SHA_CTX c;
		if (!SHA1_Init(&c) || !SHA1_Update(&c, k == 0 ? x : out, k == 0 ? len : 20) ||
		    (saltlen && !SHA1_Update(&c, salt, saltlen)) || !SHA1_Final(out, &c))
			return SG_ECRYPTO;
	}
#pragma GCC diagnostic pop
	return SG_OK;
}
