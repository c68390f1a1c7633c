/* signet — signing a whole zone.
 *
 * The signer takes a zone snapshot that already holds the DNSKEY RRset
 * (and, for NSEC3, the NSEC3PARAM record: sg_sign_prepare() adds both while
 * the zone is built) and streams the signed zone, in canonical order, to a
 * callback: every record of the zone, an RRSIG after each signed RRset, and
 * the NSEC or NSEC3 chain with its signatures. Old RRSIG, NSEC and NSEC3
 * records in the input are dropped.
 *
 * Key roles (RFC 4033 §2, RFC 6781 §3.1): keys with the SEP flag (KSKs) sign
 * the apex DNSKEY, CDS and CDNSKEY RRsets; the other keys (ZSKs) sign
 * everything else. With only one kind of key, those keys sign everything
 * (a combined signing key). Glue, occluded data and the NS RRset of a
 * delegation are never signed (RFC 4035 §2.2).
 *
 * Signatures are made on `threads` worker threads; the callback is called
 * on the caller's thread only, in order, while the workers go on.
 */
#ifndef SIGNET_SIGN_H
#define SIGNET_SIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "signet/denial.h"
#include "signet/dnssec.h"
#include "signet/zone.h"
#include "signet/zonefile.h"

typedef struct sg_sign_opts {
	uint32_t inception;  /* RRSIG inception, seconds since the epoch (mod 2^32) */
	uint32_t expiration; /* RRSIG expiration */
	enum sg_denial_kind denial; /* SG_DENIAL_NSEC (default when 0) or SG_DENIAL_NSEC3 */
	uint16_t nsec3_iterations;  /* RFC 9276: 0 */
	const uint8_t *nsec3_salt;  /* RFC 9276: none */
	size_t nsec3_saltlen;
	bool nsec3_opt_out;
	unsigned threads;           /* worker threads; 0 = one per online CPU */
	/* Receives each record of the signed zone in canonical order, on the
	 * calling thread. Pointers are valid during the call only. A negative
	 * return stops signing and is returned by sg_zone_sign(). */
	int (*emit)(void *ctx, const sg_rr_t *rr);
	void *emit_ctx;
	/* Called now and then with the number of names done and the total
	 * (NULL: no progress). */
	void (*progress)(void *ctx, size_t done, size_t total);
	void *progress_ctx;
	/* Spreads expirations so that signatures do not all expire at once:
	 * each RRset's RRSIGs expire at expiration - (hash(owner, type) mod
	 * jitter), a value fixed by the RRset (0 = every RRSIG expires at
	 * `expiration`). Must be smaller than expiration - inception. */
	uint32_t jitter;
} sg_sign_opts_t;

typedef struct sg_sign_stats {
	size_t records;    /* records emitted, signatures included */
	size_t rrsets;     /* RRsets signed */
	size_t signatures; /* RRSIGs made */
	size_t chain;      /* NSEC or NSEC3 records made */
} sg_sign_stats_t;

/* Is a record of this type kept when a zone is loaded for signing?
 * (RRSIG, NSEC, NSEC3 and NSEC3PARAM are made anew.) */
bool sg_sign_keeps_type(uint16_t type);

/* Adds to a zone being built the DNSKEY records of `keys` (with TTL
 * dnskey_ttl) and, when opts asks for NSEC3, the NSEC3PARAM record
 * (flags 0, TTL 0, RFC 5155 §4). Duplicates of DNSKEYs already in the
 * file collapse in the builder. */
SG_WUR int sg_sign_prepare(sg_zone_builder_t *b, const uint8_t *origin, const sg_dnskey_t *const *keys,
			   size_t nkeys, uint32_t dnskey_ttl, const sg_sign_opts_t *opts);

/* Signs zone z with the signing keys (each must hold a private key and
 * belong to the zone). On failure err says why.
 * Errors: SG_EINVAL (no keys, a key without a private part or for another
 * zone, no emit callback), SG_EZONE (the zone lacks the DNSKEY RRset or
 * NSEC3PARAM sg_sign_prepare() adds, NSEC3 hash collision), SG_EUNSUP
 * (algorithm cannot sign), SG_ENOMEM, SG_ECRYPTO, or emit's own code. */
SG_WUR int sg_zone_sign(const sg_zone_t *z, const sg_dnskey_t *const *keys, size_t nkeys,
			const sg_sign_opts_t *opts, sg_sign_stats_t *stats, char *err, size_t errcap);

#endif
