/* signet — DNSSEC validation: the chain of trust, one link at a time.
 *
 * The pieces a validating resolver (and `signet trace`) needs, as pure
 * functions over data the caller already fetched (RFC 4033-4035, RFC 6840,
 * RFC 5155, RFC 9276):
 *
 *   - sg_val_dnskey(): authenticate a zone's DNSKEY RRset against the DS
 *     RRset from its secure parent, or against trust anchors (DS or DNSKEY
 *     records); gives a key set to verify the zone's other RRsets with;
 *   - sg_val_rrset(): check an RRset's RRSIGs with that key set at time T,
 *     detecting wildcard expansion;
 *   - sg_val_denial(): check NXDOMAIN, NODATA, wildcard and insecure-
 *     delegation proofs made of NSEC or NSEC3 RRsets already checked with
 *     sg_val_rrset().
 *
 * Every check ends in an sg_val_result_t: a security status (secure,
 * insecure, bogus, indeterminate), a reason code that maps to an RFC 8914
 * Extended DNS Error, and a line of text naming the record that failed and
 * why ("example.org. A: RRSIG by key 12345 (alg 13) expired 20240101000000").
 * The return value of each function is kept for "could not check" (SG_E*:
 * out of memory, crypto library failure, bad arguments); a bad signature is
 * never an error code, it is a BOGUS result.
 *
 * No I/O, no clock: the validation time is opts->now. Work is bounded: each
 * call stops after opts->max_sigs signature verifications (KeyTrap,
 * CVE-2023-50387) and opts->max_nsec3_hashes NSEC3 hash computations
 * (CVE-2023-50868); a call that hits a limit returns BOGUS with reason
 * SG_VR_LIMIT, and every call adds its work to an sg_val_stats_t so a
 * caller can also bound the work of a whole query.
 *
 * Names are wire form (signet/name.h), RDATA uncompressed wire form, as
 * sg_msg_parse() delivers them. Thread safety: a key set is immutable after
 * sg_val_dnskey() and may be shared by threads; everything else belongs to
 * the caller's thread.
 */
#ifndef SIGNET_VALIDATE_H
#define SIGNET_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "signet/dnssec.h"
#include "signet/err.h"
#include "signet/name.h"
#include "signet/verify.h"

/* ---- results --------------------------------------------------------------- */

/* Security status (RFC 4033 §5, RFC 4035 §4.3). */
enum sg_val_status {
	SG_VAL_INDETERMINATE = 0, /* no trust anchor covers the data */
	SG_VAL_SECURE,            /* a chain of signed records leads to a trust anchor */
	SG_VAL_INSECURE,          /* proven to have no chain: unsigned delegation,
	                             unsupported algorithm/digest, opt-out, NSEC3
	                             iterations over the limit */
	SG_VAL_BOGUS,             /* should be secure but does not verify */
};

/* Why a result is what it is. Each maps to an RFC 8914 Extended DNS Error
 * through sg_val_reason_ede(). */
enum sg_val_reason {
	SG_VR_NONE = 0, /* secure: nothing to report (no EDE) */
	/* insecure */
	SG_VR_UNSUPPORTED_ALG,     /* no DS/anchor of a supported algorithm (EDE 1) */
	SG_VR_UNSUPPORTED_DIGEST,  /* no DS of a supported digest type (EDE 2) */
	SG_VR_INSECURE_DELEGATION, /* parent proved there is no DS (no EDE) */
	SG_VR_OPT_OUT,             /* covered by an NSEC3 opt-out span (no EDE) */
	SG_VR_NSEC3_ITERATIONS,    /* NSEC3 iterations over the limit, RFC 9276 §3.2 (EDE 27) */
	SG_VR_NSEC3_HASH_ALG,      /* no NSEC3 of a known hash algorithm, RFC 5155 §8.1 (EDE 0) */
	/* indeterminate */
	SG_VR_NO_ANCHOR, /* no trust anchor or DS given for the zone (no EDE) */
	/* bogus */
	SG_VR_BOGUS,             /* signature does not verify, or other failure (EDE 6) */
	SG_VR_SIG_EXPIRED,       /* the only RRSIGs have expired (EDE 7) */
	SG_VR_SIG_NOT_YET_VALID, /* the only RRSIGs are not valid yet (EDE 8) */
	SG_VR_DNSKEY_MISSING,    /* DS/anchor matches no DNSKEY; no DNSKEY RRset (EDE 9) */
	SG_VR_RRSIGS_MISSING,    /* no RRSIG (usable by the keys) over the RRset (EDE 10) */
	SG_VR_NO_ZONE_KEY,       /* matching DNSKEY lacks the Zone Key bit (EDE 11) */
	SG_VR_NSEC_MISSING,      /* denial proof missing or incomplete (EDE 12) */
	SG_VR_MALFORMED,         /* record that does not parse (EDE 6) */
	SG_VR_LIMIT,             /* a work limit was hit, KeyTrap / CVE-2023-50868 (EDE 6) */
	SG_VR_COUNT
};

#define SG_VAL_TEXT_MAX 512

/* The outcome of one check. Caller-owned; every function sets all of it. */
typedef struct sg_val_result {
	int status; /* enum sg_val_status */
	int reason; /* enum sg_val_reason */
	/* One line naming the record and the failure, e.g.
	 * "www.example.org. A: RRSIG key 4711 alg 13: signature expired at
	 * 20240101000000"; for secure results a short summary ("signed by key
	 * 4711 alg 13"). NUL-terminated, truncated to fit. */
	char text[SG_VAL_TEXT_MAX];
	/* sg_val_rrset() only, when secure: */
	uint32_t ttl;       /* TTL to cache with: min(RRset TTL, RRSIG original
	                       TTL, seconds until expiration), RFC 4035 §5.3.3 */
	bool wildcard;      /* the RRset was synthesised from a wildcard: the
	                       RRSIG labels field is below the owner's label
	                       count (RFC 4035 §5.3.4); the caller must then
	                       check a SG_VD_WILDCARD proof */
	uint8_t sig_labels; /* the labels field of the RRSIG that verified */
	uint16_t key_tag;   /* key that made the verifying signature */
	uint8_t alg;
} sg_val_result_t;

/* "secure", "insecure", "bogus", "indeterminate" (never NULL). */
const char *sg_val_status_name(int status);
/* Short fixed name of a reason ("signature expired"); never NULL. */
const char *sg_val_reason_name(int reason);
/* RFC 8914 INFO-CODE for a reason: 1, 2, 6, 7, 8, 9, 10, 11, 12, 27 or 0
 * (Other); -1 when the reason calls for no EDE (SG_VR_NONE, insecure
 * delegation, opt-out, no anchor). */
int sg_val_reason_ede(int reason);

/* ---- options and accounting --------------------------------------------------- */

#define SG_VAL_MAX_SIGS_DEFAULT         16 /* signature verifications per call */
#define SG_VAL_MAX_NSEC3_HASHES_DEFAULT 64 /* NSEC3 hash computations per call */
#define SG_VAL_MAX_NSEC3_ITERATIONS     50 /* RFC 9276 §3.2: above this, insecure */

typedef struct sg_val_opts {
	/* Validation time, seconds since the epoch (compared with RRSIG
	 * times in RFC 1982 serial arithmetic). */
	int64_t now;
	/* Most cryptographic signature verifications one call makes. When
	 * reached before a valid signature was found, the call returns
	 * BOGUS / SG_VR_LIMIT. */
	unsigned max_sigs;
	/* Most NSEC3 owner-name hashes one sg_val_denial() call computes
	 * (each iteration of one name counts as one: a hash with 10
	 * iterations costs 11). Past it: BOGUS / SG_VR_LIMIT. */
	unsigned max_nsec3_hashes;
	/* NSEC3 records with more iterations make a proof INSECURE /
	 * SG_VR_NSEC3_ITERATIONS (RFC 9276 §3.2), before any hashing. */
	unsigned max_nsec3_iterations;
} sg_val_opts_t;

/* Fills opts with the defaults above and the given time. */
void sg_val_opts_init(sg_val_opts_t *opts, int64_t now);

/* Work done, added to by every call that is given one (never reset by the
 * library). A resolver keeps one per client query to bound the query's
 * total work: before each call it can lower opts.max_sigs to what is left
 * of its per-query budget. */
typedef struct sg_val_stats {
	uint64_t sig_verifications; /* cryptographic RRSIG verifications */
	uint64_t nsec3_hashes;      /* NSEC3 hash computations (counting iterations) */
	uint64_t limit_hits;        /* calls that stopped at a limit */
} sg_val_stats_t;

/* ---- details for display (signet trace) ---------------------------------- */

/* What sg_val_dnskey() and sg_val_rrset() found, record by record, for a
 * tool that shows the chain. Optional everywhere (pass NULL). At most
 * SG_VAL_DETAIL_MAX entries of each kind are kept; the n* counters count
 * all of them. Each call that is given a detail starts it afresh
 * (sg_val_rrset() fills only sigs). */
#define SG_VAL_DETAIL_MAX 32

/* One DS (or DNSKEY trust anchor). */
typedef struct sg_val_ds_info {
	uint16_t type; /* SG_T_DS or SG_T_DNSKEY (anchor given as a key) */
	uint16_t key_tag;
	uint8_t alg;
	uint8_t digest_type; /* 0 for a DNSKEY anchor */
	bool supported;      /* algorithm and digest type usable by signet */
	bool ignored;        /* SHA-1 DS ignored because a SHA-256 DS is present (RFC 4509 §3) */
	int key;             /* index in sg_val_detail_t.keys of the DNSKEY it
	                        matches (key tag, algorithm and digest), or -1 */
} sg_val_ds_info_t;

/* One DNSKEY of the RRset. */
typedef struct sg_val_key_info {
	uint16_t key_tag;
	uint16_t flags; /* 257 KSK, 256 ZSK, +128 revoked */
	uint8_t alg;
	bool supported;  /* signet can verify with it */
	bool anchored;   /* a supported DS or anchor matches it */
	bool signed_set; /* one of its RRSIGs over the DNSKEY RRset verified */
} sg_val_key_info_t;

/* One RRSIG over the RRset checked. */
typedef struct sg_val_sig_info {
	uint16_t key_tag;
	uint8_t alg;
	uint8_t labels;
	uint32_t inception; /* RRSIG times as in the record */
	uint32_t expiration;
	int vresult; /* enum sg_vresult of the last check made with it,
	                or -1 when it was not checked (another
	                signature verified first, a limit was hit, or
	                sg_val_dnskey() does not use its key because
	                no DS/anchor matches the key) */
} sg_val_sig_info_t;

typedef struct sg_val_detail {
	size_t nds, nkeys, nsigs;
	sg_val_ds_info_t ds[SG_VAL_DETAIL_MAX];
	sg_val_key_info_t keys[SG_VAL_DETAIL_MAX];
	sg_val_sig_info_t sigs[SG_VAL_DETAIL_MAX];
} sg_val_detail_t;

/* ---- input ------------------------------------------------------------------ */

/* An RRset with the RRSIGs that came with it. RRSIGs of other types
 * covered are skipped, so a caller may pass every RRSIG found at the
 * owner. Nothing is copied; nothing needs to be sorted or deduplicated. */
typedef struct sg_val_rrset {
	sg_rrset_view_t rrset;
	const sg_rdata_ref_t *sigs; /* RRSIG RDATAs */
	size_t nsigs;
} sg_val_rrset_t;

/* A trust anchor: a DS or DNSKEY record (RDATA in wire form) for an owner.
 * The same type the zone verifier takes (signet/verify.h). */
typedef sg_verify_anchor_t sg_val_anchor_t;

/* ---- DNSKEY authentication (RFC 4035 §5.2, RFC 6840 §5.2) ----------------------- */

/* An authenticated DNSKEY RRset: the keys of one zone that RRSIGs of its
 * data may be checked with. Opaque, immutable, heap-allocated. */
typedef struct sg_val_keyset sg_val_keyset_t;

/* Authenticates the DNSKEY RRset `dnskey` (with its RRSIGs) of zone
 * dnskey->rrset.owner against `anchors`: the DS RRset from the parent (as
 * anchors of type SG_T_DS) or configured trust anchors (DS and/or DNSKEY).
 * Anchors whose owner is not the zone are ignored.
 *
 * The rules: a DS (or DNSKEY anchor) is usable when its algorithm and
 * digest type are supported; SHA-1 DS records are ignored when a SHA-256
 * one is present. With no anchor for the zone: INDETERMINATE /
 * SG_VR_NO_ANCHOR. With anchors but none usable: INSECURE /
 * SG_VR_UNSUPPORTED_ALG or _DIGEST (RFC 6840 §5.2) — not bogus. Otherwise
 * SECURE when a DNSKEY matching a usable anchor (key tag, algorithm,
 * digest; zone key bit set, not revoked) has a valid RRSIG over the
 * whole DNSKEY RRset at opts->now; else BOGUS with SG_VR_DNSKEY_MISSING
 * (empty RRset or no key matches), SG_VR_NO_ZONE_KEY, SG_VR_RRSIGS_MISSING
 * (no RRSIG by a matching key), SG_VR_SIG_EXPIRED / _NOT_YET_VALID,
 * SG_VR_BOGUS (bad signature), SG_VR_LIMIT (also: more than 128 DNSKEYs)
 * or SG_VR_MALFORMED.
 *
 * *out receives a key set only when the result is SECURE (NULL
 * otherwise); free it with sg_val_keyset_free(). out may be NULL when only
 * the verdict is wanted. stats and detail may be NULL.
 *
 * Returns SG_OK (look at res), SG_EINVAL (NULL res/dnskey/opts, dnskey
 * not of type DNSKEY), SG_ENOMEM or SG_ECRYPTO (could not check; res is
 * then INDETERMINATE / SG_VR_BOGUS with the text saying why). */
SG_WUR int sg_val_dnskey(sg_val_keyset_t **out, sg_val_result_t *res, const sg_val_rrset_t *dnskey,
                         const sg_val_anchor_t *anchors, size_t nanchors, const sg_val_opts_t *opts,
                         sg_val_stats_t *stats, sg_val_detail_t *detail);

void sg_val_keyset_free(sg_val_keyset_t *ks);
/* The zone apex the keys belong to (wire form, valid as long as ks). */
const uint8_t *sg_val_keyset_zone(const sg_val_keyset_t *ks);
/* Number of keys, and key i (0 <= i < count), valid as long as ks. Keys
 * of unsupported algorithms are listed with key == NULL. */
size_t sg_val_keyset_count(const sg_val_keyset_t *ks);
const sg_dnskey_t *sg_val_keyset_key(const sg_val_keyset_t *ks, size_t i);

/* A key set from keys the caller trusts without a DS (a configured DNSKEY
 * trust anchor used directly, tests). Copies the RDATA. Keys of
 * unsupported algorithms are kept but unusable. Returns SG_OK, SG_EINVAL
 * (no keys, or more than 128), SG_EMALFORMED (a DNSKEY that does not
 * parse: err says which), SG_ENOMEM. */
SG_WUR int sg_val_keyset_new(sg_val_keyset_t **out, const uint8_t *zone,
                             const sg_rdata_ref_t *dnskeys, size_t n, char *err, size_t errcap);

/* ---- RRset verification (RFC 4035 §5.3) -------------------------------------- */

/* Checks rrset's RRSIGs with the zone keys ks at opts->now. The signer
 * name must be the key set's zone and the owner at or below it. SECURE
 * when one RRSIG verifies (RFC 6840 §5.11: any algorithm of the key set
 * will do); then res->ttl, wildcard, sig_labels, key_tag and alg are set.
 * When rrset->rrset.type is DNSKEY this is a plain signature check (use
 * sg_val_dnskey() to authenticate a DNSKEY RRset against a DS).
 *
 * BOGUS reasons: SG_VR_RRSIGS_MISSING (no RRSIG of the type, or none by
 * the zone's signer name), SG_VR_DNSKEY_MISSING (no key with the RRSIG's
 * tag and algorithm), SG_VR_NO_ZONE_KEY, SG_VR_SIG_EXPIRED,
 * SG_VR_SIG_NOT_YET_VALID, SG_VR_BOGUS (bad signature, labels field
 * larger than the owner's), SG_VR_MALFORMED, SG_VR_LIMIT. When several
 * RRSIGs fail, the reason is that of the most telling failure (a crypto
 * failure over a validity-window one over a missing key).
 *
 * Signature verifications stop at opts->max_sigs (colliding key tags
 * cost one verification per key tried). Returns SG_OK (look at res),
 * SG_EINVAL, SG_ENOMEM, SG_ECRYPTO. */
SG_WUR int sg_val_rrset(sg_val_result_t *res, const sg_val_rrset_t *rrset,
                        const sg_val_keyset_t *ks, const sg_val_opts_t *opts, sg_val_stats_t *stats,
                        sg_val_detail_t *detail);

/* ---- denial of existence (RFC 4035 §5.4, RFC 6840 §4, RFC 5155 §8) ----------------- */

enum sg_val_denial_kind {
	/* qname does not exist: an NSEC/NSEC3 proving qname absent and one
	 * proving the wildcard at the closest encloser absent. */
	SG_VD_NXDOMAIN = 1,
	/* qname exists but has no qtype (and no CNAME): the NSEC/NSEC3 of
	 * qname without the type bit; or the empty non-terminal case; or the
	 * wildcard NODATA (qname covered, the matching wildcard lacks the
	 * type). For qtype DS the proof must come from the parent side (no
	 * SOA bit); an NSEC3 opt-out span covering qname makes the answer
	 * INSECURE / SG_VR_OPT_OUT (RFC 5155 §8.6). */
	SG_VD_NODATA,
	/* A positive answer expanded from a wildcard (sg_val_rrset() set
	 * res.wildcard): proof that no closer name matches qname. Give the
	 * RRSIG labels field in wildcard_labels. */
	SG_VD_WILDCARD,
	/* A referral to qname without DS: proof that qname is a delegation
	 * (NS bit, no SOA bit) with no DS. SECURE means "no DS, proven": the
	 * child zone is insecure (the caller calls it SG_VAL_INSECURE /
	 * SG_VR_INSECURE_DELEGATION). INSECURE / SG_VR_OPT_OUT means qname
	 * fell in an opt-out span: unproven, and the child is insecure too
	 * (RFC 5155 §6, §8.9). BOGUS: no proof; the referral is bogus. */
	SG_VD_REFERRAL,
};

typedef struct sg_val_denial_query {
	int kind; /* enum sg_val_denial_kind */
	const uint8_t *qname;
	uint16_t qtype; /* SG_VD_NODATA: the type denied; SG_VD_REFERRAL: ignored (DS) */
	/* The zone the proof comes from: the signer name of the NSEC/NSEC3
	 * RRSIGs. NSEC3 owners must be one hash label under it; NSEC records
	 * outside it are ignored. */
	const uint8_t *zone;
	unsigned wildcard_labels; /* SG_VD_WILDCARD: the answer RRSIG's labels field */
} sg_val_denial_query_t;

/* Checks a denial proof made of `sets`: NSEC and/or NSEC3 RRsets of the
 * zone that the caller has already verified SECURE with sg_val_rrset()
 * (and that were not themselves wildcard expansions). RRsets of other
 * types are skipped, so a caller may pass the whole verified authority
 * section. When both NSEC and NSEC3 are present, only the NSEC records
 * are used.
 *
 * At most SG_VAL_DENIAL_MAX_RECORDS NSEC and as many NSEC3 records are
 * looked at (the first ones given; a real proof needs at most three).
 *
 * NSEC3 (RFC 5155 §8): records with an unknown hash algorithm or with
 * flags other than opt-out are ignored (none left: INSECURE /
 * SG_VR_NSEC3_HASH_ALG); records whose parameters differ from the first
 * usable one are ignored; iterations over opts->max_nsec3_iterations make
 * the result INSECURE / SG_VR_NSEC3_ITERATIONS without hashing (RFC 9276
 * §3.2). At most opts->max_nsec3_hashes hashes (BOGUS / SG_VR_LIMIT).
 *
 * Result: SECURE when the proof holds; INSECURE as described; BOGUS /
 * SG_VR_NSEC_MISSING when a needed record is missing, with the text
 * naming what was not proven ("no NSEC3 covers the next closer name
 * b.example.org."). Returns SG_OK (look at res), SG_EINVAL, SG_ENOMEM,
 * SG_ECRYPTO. */
#define SG_VAL_DENIAL_MAX_RECORDS 64

SG_WUR int sg_val_denial(sg_val_result_t *res, const sg_val_denial_query_t *q,
                         const sg_rrset_view_t *sets, size_t nsets, const sg_val_opts_t *opts,
                         sg_val_stats_t *stats);

/* ---- trust anchors ------------------------------------------------------------ */

/* The IANA root trust anchors (root-anchors.xml): DS records of KSK-2017
 * (tag 20326) and KSK-2024 (tag 38696), in zone-file text, NUL-terminated. */
const char *sg_val_root_anchors_text(void);

/* A set of trust anchors read from zone-file text: DS and DNSKEY records
 * (other types are errors; RRSIGs are skipped). Opaque, immutable,
 * heap-allocated. */
typedef struct sg_val_anchors sg_val_anchors_t;

/* Parses anchors from text (`name` names it in messages). err receives
 * the first problem with its line ("anchors.txt:3: DS digest is not
 * hex"). Returns SG_OK, SG_ESYNTAX (text errors), SG_ENOTFOUND (no DS or
 * DNSKEY record at all), SG_ENOMEM. */
SG_WUR int sg_val_anchors_parse(sg_val_anchors_t **out, const char *text, size_t len,
                                const char *name, char *err, size_t errcap);
void sg_val_anchors_free(sg_val_anchors_t *a);
/* All anchors, in file order (valid as long as a). */
const sg_val_anchor_t *sg_val_anchors_list(const sg_val_anchors_t *a, size_t *n);
/* The deepest owner name among the anchors at or above `name` (the trust
 * point a validator starts from for name), or NULL when none is. */
const uint8_t *sg_val_anchors_closest(const sg_val_anchors_t *a, const uint8_t *name);

#endif
