/* signet — the cryptographic primitives DNSSEC needs.
 *
 * src/lib/crypto/ is the only place that includes OpenSSL. Keys are opaque
 * (sg_key_t); everything else crosses this header as octets in DNS wire
 * formats: the DNSKEY public-key field (RFC 3110, RFC 6605, RFC 8080) and
 * DNSSEC signature octets (RSA PKCS#1 v1.5, ECDSA raw r||s, EdDSA raw).
 *
 * Thread safety: an sg_key_t is immutable after creation and may be shared
 * by any number of threads. An sg_signctx_t holds per-thread scratch state
 * (a prepared OpenSSL context, no per-signature re-parsing of the key) and
 * must be used by one thread at a time; make one per thread.
 */
#ifndef SIGNET_CRYPTO_H
#define SIGNET_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "signet/err.h"

/* ---- algorithms ------------------------------------------------------- */

enum sg_hash {
	SG_HASH_NONE = 0, /* EdDSA signs the message itself */
	SG_HASH_SHA1 = 1,
	SG_HASH_SHA256 = 2,
	SG_HASH_SHA384 = 3,
	SG_HASH_SHA512 = 4,
};

enum sg_keytype {
	SG_KT_NONE = 0,
	SG_KT_RSA,
	SG_KT_P256,
	SG_KT_P384,
	SG_KT_ED25519,
	SG_KT_ED448,
};

/* Default algorithm for new keys: ECDSAP256SHA256. */
#define SG_ALG_DEFAULT 13
#define SG_RSA_BITS_DEFAULT 2048
#define SG_RSA_BITS_MIN 1024 /* for new keys; loading accepts 512 (RFC test vectors) */
#define SG_RSA_BITS_MAX 4096
/* Longest DNSKEY public-key field and signature signet handles (RSA 4096
 * with a long exponent). */
#define SG_PUBKEY_MAX 1024
#define SG_SIG_MAX 512

/* One row of THE algorithm table (src/lib/crypto/alg.c). */
typedef struct sg_alg_info {
	uint8_t number;          /* IANA DNS Security Algorithm Number */
	const char *mnemonic;    /* RSASHA256 ... */
	bool can_sign;           /* signet creates signatures with it */
	bool can_verify;         /* signet validates signatures made with it */
	uint8_t hash;            /* enum sg_hash */
	uint8_t keytype;         /* enum sg_keytype (SG_KT_NONE: no implementation) */
	uint16_t default_bits;   /* key size for new keys */
	const char *note;        /* why signing is refused, or NULL */
} sg_alg_info_t;

/* The table row for alg, or NULL for an algorithm signet has never heard of. */
const sg_alg_info_t *sg_alg_info(uint8_t alg);
/* SG_OK when signet can sign with alg; SG_EUNSUP otherwise, with a message
 * ("algorithm 5 (RSASHA1) is deprecated for signing (RFC 8624)") in err. */
SG_WUR int sg_alg_check_sign(uint8_t alg, char *err, size_t errcap);
/* SG_OK when signet can verify alg, SG_EUNSUP otherwise. */
SG_WUR int sg_alg_check_verify(uint8_t alg);

/* ---- hashes ----------------------------------------------------------- */

typedef struct sg_iov {
	const void *base;
	size_t len;
} sg_iov_t;

/* Output length of a hash (0 for SG_HASH_NONE or unknown). */
size_t sg_hash_len(int hash);
/* Hashes the concatenation of n pieces into out. Returns the digest length,
 * SG_ESPACE when cap is too small, SG_EUNSUP, or SG_ECRYPTO. */
SG_WUR int sg_hash(int hash, uint8_t *out, size_t cap, const sg_iov_t *iov, size_t n);

/* Iterated SHA-1 of RFC 5155 §5: IH(salt, x, 0) = H(x || salt),
 * IH(salt, x, k) = H(IH(salt, x, k-1) || salt). x is `len` octets (the
 * caller passes the canonical owner name). Writes 20 octets. */
SG_WUR int sg_nsec3_sha1(uint8_t out[20], const uint8_t *x, size_t len, const uint8_t *salt,
			 size_t saltlen, uint16_t iterations);

/* ---- keys ------------------------------------------------------------- */

typedef struct sg_key sg_key_t;

/* Private-key material in the fields of BIND's .private format, big-endian
 * octet strings. RSA uses the first eight; EC and EdDSA use PrivateKey
 * (EC: the scalar; EdDSA: the RFC 8032 seed). */
enum sg_key_field {
	SG_KF_MODULUS,
	SG_KF_PUBEXP,
	SG_KF_PRIVEXP,
	SG_KF_PRIME1,
	SG_KF_PRIME2,
	SG_KF_EXP1,
	SG_KF_EXP2,
	SG_KF_COEFF,
	SG_KF_PRIVATEKEY,
	SG_KF_COUNT
};
#define SG_KF_FIELD_MAX 512

typedef struct sg_key_material {
	uint16_t len[SG_KF_COUNT]; /* 0 = absent */
	uint8_t data[SG_KF_COUNT][SG_KF_FIELD_MAX];
} sg_key_material_t;

/* The BIND field name of a field ("Modulus", "PrivateKey"...). */
const char *sg_key_field_name(int field);

/* Generates a key. bits is used for RSA only (0 = default); RSA allows
 * SG_RSA_BITS_MIN..SG_RSA_BITS_MAX. Errors: SG_EUNSUP (alg cannot sign),
 * SG_ERANGE (bits), SG_ECRYPTO; err gets a message. *out is freed with
 * sg_key_free(). */
SG_WUR int sg_key_generate(sg_key_t **out, uint8_t alg, unsigned bits, char *err, size_t errcap);

/* Builds a public key from a DNSKEY public-key field. Errors: SG_EUNSUP
 * (algorithm without an implementation), SG_EMALFORMED (wrong length, bad
 * exponent encoding, point not on the curve), SG_ECRYPTO. */
SG_WUR int sg_key_from_dnskey(sg_key_t **out, uint8_t alg, const uint8_t *pub, size_t len, char *err,
			      size_t errcap);

/* Builds a private key from .private material. RSA needs at least modulus,
 * public and private exponent; when the primes are given the whole key is
 * checked for consistency. Errors: SG_EMALFORMED (missing or inconsistent
 * field: err names it), SG_EUNSUP, SG_ECRYPTO. */
SG_WUR int sg_key_from_material(sg_key_t **out, uint8_t alg, const sg_key_material_t *m, char *err,
				size_t errcap);

/* Writes the private material (key must hold a private key). */
SG_WUR int sg_key_to_material(sg_key_material_t *m, const sg_key_t *k);

/* Writes the DNSKEY public-key field. Returns SG_OK, SG_ESPACE, SG_ECRYPTO. */
SG_WUR int sg_key_to_dnskey(uint8_t *dst, size_t cap, size_t *outlen, const sg_key_t *k);

void sg_key_free(sg_key_t *k);
uint8_t sg_key_alg(const sg_key_t *k);
bool sg_key_has_private(const sg_key_t *k);
/* Key size in bits (RSA modulus, curve size). */
unsigned sg_key_bits(const sg_key_t *k);
/* Adds a reference; sg_key_free() drops one. */
sg_key_t *sg_key_ref(sg_key_t *k);

/* ---- signing and verification ----------------------------------------- */

typedef struct sg_signctx sg_signctx_t;

/* A per-thread signing context for key k (which must hold a private key
 * and an algorithm that can sign). Holds a reference to k. */
SG_WUR int sg_signctx_new(sg_signctx_t **out, sg_key_t *k, char *err, size_t errcap);
void sg_signctx_free(sg_signctx_t *c);
/* Maximum signature length for the context's key. */
size_t sg_signctx_siglen(const sg_signctx_t *c);

/* Signs data as DNSSEC wants it for the key's algorithm (RSA PKCS#1 v1.5,
 * ECDSA r||s of fixed width, EdDSA pure). Returns SG_OK, SG_ESPACE,
 * SG_ECRYPTO. No heap allocation for RSA and ECDSA. */
SG_WUR int sg_signctx_sign(sg_signctx_t *c, uint8_t *sig, size_t cap, size_t *siglen, const uint8_t *data,
			   size_t len);

/* One-shot verification. Returns SG_OK, SG_EBADSIG (the signature does not
 * match or has the wrong length), SG_EUNSUP, SG_ECRYPTO. */
SG_WUR int sg_key_verify(const sg_key_t *k, const uint8_t *data, size_t len, const uint8_t *sig,
			 size_t siglen);

#endif
