/* signet — DNSSEC records: key tags, DS digests, NSEC3 hashes, RRSIG
 * creation and verification (RFC 4034, RFC 4035 §5.3), BIND key files.
 *
 * No OpenSSL type crosses this header: keys are sg_key_t (signet/crypto.h).
 * Names are in wire form (signet/name.h); RDATA is uncompressed wire form.
 * Times are always passed in by the caller (seconds since the epoch); the
 * library never reads the clock.
 */
#ifndef SIGNET_DNSSEC_H
#define SIGNET_DNSSEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "signet/crypto.h"
#include "signet/err.h"
#include "signet/name.h"

#define SG_DNSKEY_ZONE 0x0100   /* flags bit 7: Zone Key (RFC 4034 §2.1.1) */
#define SG_DNSKEY_REVOKE 0x0080 /* flags bit 8: REVOKE (RFC 5011) */
#define SG_DNSKEY_SEP 0x0001    /* flags bit 15: Secure Entry Point (KSK) */
#define SG_DNSKEY_PROTOCOL 3

#define SG_DNSKEY_RDATA_MAX (4 + SG_PUBKEY_MAX)
/* RRSIG RDATA: 18 fixed octets, signer name, signature. */
#define SG_RRSIG_RDATA_MAX (18 + SG_NAME_MAX + SG_SIG_MAX)

/* DS digest types (RFC 4034, RFC 4509, RFC 6605). */
enum { SG_DS_SHA1 = 1, SG_DS_SHA256 = 2, SG_DS_SHA384 = 4 };

/* Key tag of a DNSKEY RDATA (RFC 4034 Appendix B; algorithm 1 uses the
 * modulus octets of B.1). RDATA shorter than 4 octets gives 0. */
uint16_t sg_dnskey_tag(const uint8_t *rdata, size_t rdlen);

/* DS digest over canonical(owner) || DNSKEY RDATA (RFC 4034 §5.1.4).
 * Returns the digest length, SG_EUNSUP for an unknown digest type,
 * SG_ESPACE. */
SG_WUR int sg_ds_digest(uint8_t *dst, size_t cap, uint8_t digest_type, const uint8_t *owner,
			const uint8_t *dnskey, size_t rdlen);
/* Whole DS RDATA (key tag, algorithm, digest type, digest). */
SG_WUR int sg_ds_from_dnskey(uint8_t *dst, size_t cap, size_t *outlen, uint8_t digest_type,
			     const uint8_t *owner, const uint8_t *dnskey, size_t rdlen);

/* NSEC3 owner hash (RFC 5155 §5) of `name` (lowercased here). hash_alg must
 * be 1 (SHA-1), else SG_EUNSUP. Writes 20 octets. */
SG_WUR int sg_nsec3_hash(uint8_t out[20], uint8_t hash_alg, const uint8_t *name, const uint8_t *salt,
			 size_t saltlen, uint16_t iterations);

/* ---- zone keys ---------------------------------------------------------- */

/* Key timing metadata as BIND keeps it (seconds since the epoch; 0 = unset). */
typedef struct sg_key_times {
	int64_t created, publish, activate, revoke, inactive, remove, sync_publish, sync_delete;
} sg_key_times_t;

/* A DNSKEY with its parsed key. Caller-owned storage: _init functions fill
 * it, sg_dnskey_deinit() releases the key reference. */
typedef struct sg_dnskey {
	uint8_t owner[SG_NAME_MAX]; /* the zone, as given (case preserved) */
	uint16_t flags;
	uint8_t protocol;
	uint8_t alg;
	uint16_t tag;
	uint16_t rdlen;
	uint8_t rdata[SG_DNSKEY_RDATA_MAX];
	uint32_t ttl;        /* TTL stated in a .key file, 0 when none */
	sg_key_t *key;       /* NULL when the algorithm has no implementation */
	sg_key_times_t times;
} sg_dnskey_t;

/* From DNSKEY RDATA. An algorithm signet cannot use leaves key NULL and
 * still succeeds (the key can be listed, just not used); a malformed key
 * of a known algorithm is SG_EMALFORMED with a message. */
SG_WUR int sg_dnskey_init_rdata(sg_dnskey_t *k, const uint8_t *owner, const uint8_t *rdata, size_t rdlen,
				char *err, size_t errcap);
/* From a key (takes a new reference to it): builds the RDATA and tag. */
SG_WUR int sg_dnskey_init_key(sg_dnskey_t *k, const uint8_t *owner, uint16_t flags, sg_key_t *key);
/* Generates a new key pair (bits: RSA only, 0 = default). flags is usually
 * 256 (ZSK) or 257 (KSK). */
SG_WUR int sg_dnskey_generate(sg_dnskey_t *k, const uint8_t *owner, uint8_t alg, unsigned bits,
			      uint16_t flags, char *err, size_t errcap);
void sg_dnskey_deinit(sg_dnskey_t *k);

/* ---- RRsets, signing, verification --------------------------------------- */

typedef struct sg_rdata_ref {
	const uint8_t *data;
	size_t len;
} sg_rdata_ref_t;

/* One RRset as the caller holds it: nothing is copied or modified. The
 * RDATA may be in any order, any case, and contain duplicates. */
typedef struct sg_rrset_view {
	const uint8_t *owner;
	uint16_t type;
	uint16_t rclass;
	uint32_t ttl;
	const sg_rdata_ref_t *rdata;
	size_t count;
} sg_rrset_view_t;

/* A signer: a key with a private part plus scratch space, reused for every
 * RRset it signs. One per thread (the sg_dnskey_t can be shared). */
typedef struct sg_rrsig_signer sg_rrsig_signer_t;

/* The signer name is the key's owner (lowercased). The key must hold a
 * private key of an algorithm that signs. Errors: SG_EINVAL, SG_EUNSUP. */
SG_WUR int sg_rrsig_signer_new(sg_rrsig_signer_t **out, const sg_dnskey_t *key, char *err, size_t errcap);
void sg_rrsig_signer_free(sg_rrsig_signer_t *s);

/* Signs an RRset (RFC 4034 §3.1.8.1, §6.2, §6.3): original TTL = rrset->ttl,
 * labels = sg_name_rrsig_labels(owner). Writes the RRSIG RDATA.
 * Errors: SG_EINVAL (owner outside the signer's zone, empty RRset, RRSIG
 * type), SG_ESPACE, SG_ENOMEM (scratch limit), SG_ECRYPTO. */
SG_WUR int sg_rrsig_sign(sg_rrsig_signer_t *s, uint8_t *dst, size_t cap, size_t *outlen,
			 const sg_rrset_view_t *rrset, uint32_t inception, uint32_t expiration);

/* Outcome of checking one RRSIG (RFC 4035 §5.3). */
enum sg_vresult {
	SG_V_VALID = 0,
	SG_V_MALFORMED,         /* RRSIG RDATA does not parse */
	SG_V_TYPE_MISMATCH,     /* type covered is not the RRset's type */
	SG_V_WRONG_SIGNER,      /* signer name is not the zone apex */
	SG_V_OUT_OF_ZONE,       /* owner is not at or below the signer name */
	SG_V_LABELS,            /* labels field larger than the owner's label count */
	SG_V_EXPIRED,           /* now is after the expiration */
	SG_V_NOT_YET_VALID,     /* now is before the inception */
	SG_V_ALG_UNSUPPORTED,   /* algorithm signet cannot validate */
	SG_V_NO_KEY,            /* no DNSKEY with this algorithm, key tag and owner */
	SG_V_NOT_ZONE_KEY,      /* matching DNSKEY lacks the Zone Key flag */
	SG_V_BAD_PROTOCOL,      /* matching DNSKEY has protocol other than 3 */
	SG_V_BAD_SIGNATURE,     /* the cryptographic check failed */
	SG_V_COUNT
};

/* A short reason ("signature expired") for each result (never NULL). */
const char *sg_vresult_str(int v);

/* Verifies one RRSIG (RDATA rrsig/rrsig_len) over rrset with the zone's
 * DNSKEYs. zone is the apex the signature must come from (NULL: accept any
 * signer that the owner is in). now is seconds since the epoch, compared
 * with RFC 1982 serial arithmetic. The canonical form uses the RRSIG's
 * original TTL. When several keys match, any valid one suffices.
 * Returns SG_OK with *result set (SG_V_VALID or a reason), or SG_ENOMEM /
 * SG_ECRYPTO when the check could not be made. */
SG_WUR int sg_rrsig_verify(int *result, const sg_rrset_view_t *rrset, const uint8_t *rrsig, size_t rrsig_len,
			   const uint8_t *zone, const sg_dnskey_t *keys, size_t nkeys, int64_t now);

/* ---- BIND key files ---------------------------------------------------------- */

/* "K<zone>+<alg 3 digits>+<tag 5 digits>" (zone with its trailing dot).
 * Returns the length or SG_ESPACE. */
int sg_keyfile_basename(char *dst, size_t cap, const uint8_t *owner, uint8_t alg, uint16_t tag);

/* Writes <dir>/K...key (mode 0644) and <dir>/K...private (created with
 * O_EXCL, mode 0600). Times other than 0 are written as timing metadata.
 * The path without suffix goes to base. Errors: SG_EEXIST (a file of that
 * name exists), SG_EIO, SG_EINVAL (no private key); err names the file. */
SG_WUR int sg_keyfile_write(const sg_dnskey_t *k, const char *dir, char *base, size_t basecap, char *err,
			    size_t errcap);

enum {
	SG_KEYFILE_PUBLIC_ONLY = 1 << 0, /* read the .key file only */
};

/* Reads a key pair. path is the base name or either file (.key/.private).
 * zone, when not NULL, is the zone the key must belong to. Checks that the
 * .private matches the .key (algorithm and public key). Errors: SG_EIO /
 * SG_ENOTFOUND (file), SG_ESYNTAX (bad text), SG_EMALFORMED (bad key
 * values, mismatch), SG_EUNSUP (algorithm), SG_EZONE (another zone's key);
 * err names the file and the problem. On failure k holds no key (nothing
 * to deinit). */
SG_WUR int sg_keyfile_read(sg_dnskey_t *k, const char *path, const uint8_t *zone, unsigned flags, char *err,
			   size_t errcap);

/* The parsers behind sg_keyfile_read(), over text in memory. `name` is
 * used in messages. parse_public fills k (public key only);
 * parse_private returns the private key, its algorithm and any times. */
SG_WUR int sg_keyfile_parse_public(sg_dnskey_t *k, const char *text, size_t len, const char *name, char *err,
				   size_t errcap);
SG_WUR int sg_keyfile_parse_private(sg_key_t **out, uint8_t *alg, sg_key_times_t *times, const char *text,
				    size_t len, const char *name, char *err, size_t errcap);

/* ---- key directories ---------------------------------------------------------- */

/* The keys of `zone` in directory `dir`: every K<zone>+AAA+TTTTT.private
 * whose .key matches. active[i] tells whether key i signs now (by its
 * timing metadata: activated, not inactive, not revoked); the others are
 * only published. Keys deleted by their metadata (or neither published
 * nor active yet) are left out. keys/active have room for cap entries.
 * Returns the number of keys (0 is fine) or, with err naming the file:
 * SG_EIO (directory), SG_ELIMIT (more than cap keys), or an error of
 * sg_keyfile_read(). On failure no key is left to deinit. */
SG_WUR int sg_keydir_find(sg_dnskey_t *keys, bool *active, size_t cap, const char *dir, const uint8_t *zone,
			  int64_t now, char *err, size_t errcap);

#endif
