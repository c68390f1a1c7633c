/* Internal to src/lib/crypto: the key structure and shared helpers. */
#ifndef SIGNET_CRYPTO_INT_H
#define SIGNET_CRYPTO_INT_H

#include <stdarg.h>

#include <openssl/evp.h>

#include "signet/crypto.h"

struct sg_key {
	EVP_PKEY *pkey;
	const sg_alg_info_t *alg;
	bool priv;
	unsigned bits;
	int refs;
};

void sg_crypto_errf(char *err, size_t errcap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* OpenSSL digest name for an enum sg_hash, or NULL. */
const char *sg_crypto_md_name(int hash);
/* Fixed signature length for EC/EdDSA; for RSA the modulus length. */
size_t sg_key_siglen(const sg_key_t *k);

#endif
