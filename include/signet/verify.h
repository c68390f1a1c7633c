/* signet — the signed-zone verifier.
 *
 * Checks a signed zone snapshot the way ldns-verify-zone and dnssec-verify
 * do, and more (docs/internals/verify.md):
 *
 *   - every RRset that is signed by the rules of signet/denial.h has a valid
 *     RRSIG by a DNSKEY of the zone at time `now`, one for every algorithm
 *     of the apex DNSKEY RRset (RFC 4035 §2.2), and each RRSIG present
 *     verifies (RFC 4035 §5.3);
 *   - nothing else is signed: no glue, no occluded data, no delegation NS,
 *     no RRSIG for a type that is not there;
 *   - the DNSKEY RRset is signed by a SEP key and, given trust anchors, by
 *     a key matching one of them (a DS digest or an identical DNSKEY);
 *   - the NSEC or NSEC3 chain is complete, ordered, and lists exactly the
 *     names and types present (RFC 4035 §2.3, RFC 5155 §7.1), opt-out
 *     spans allowed to skip insecure delegations.
 *
 * Signatures are checked on `threads` threads. Problems are delivered on
 * the calling thread, after the checks, sorted by owner in canonical order.
 */
#ifndef SIGNET_VERIFY_H
#define SIGNET_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "signet/err.h"
#include "signet/zone.h"

/* What a problem is about; tests and tools key on these, not on the text. */
enum sg_verify_code {
	SG_VP_UNSIGNED = 1,       /* no DNSKEY RRset at the apex (nothing else is checked) */
	SG_VP_NO_USABLE_KEY,      /* no DNSKEY signet can verify with */
	SG_VP_RRSIG,              /* one RRSIG failed: vresult says why */
	SG_VP_NO_SIGNATURE,       /* an RRset that must be signed has no valid RRSIG */
	SG_VP_ALG_MISSING,        /* no valid RRSIG by one of the DNSKEY algorithms */
	SG_VP_SIGNED_GLUE,        /* RRSIG over glue, occluded data or a delegation's NS */
	SG_VP_ORPHAN_RRSIG,       /* RRSIG covering a type absent at its name */
	SG_VP_NOT_SEP,            /* DNSKEY RRset not signed by a SEP (KSK) key */
	SG_VP_ANCHOR,             /* DNSKEY RRset not signed by a key matching an anchor */
	SG_VP_NO_CHAIN,           /* neither NSEC nor NSEC3 records */
	SG_VP_BOTH_CHAINS,        /* NSEC and NSEC3 records in one zone */
	SG_VP_NSEC_MISSING,       /* a name that needs an NSEC has none */
	SG_VP_NSEC_EXTRA,         /* an NSEC at a name that must not have one */
	SG_VP_NSEC_MULTIPLE,      /* more than one NSEC record at a name */
	SG_VP_NSEC_NEXT,          /* next name is not the next name of the chain */
	SG_VP_NSEC_BITMAP,        /* bitmap does not list exactly the types present */
	SG_VP_NSEC3PARAM_MISSING, /* NSEC3 records but no NSEC3PARAM at the apex */
	SG_VP_NSEC3_PARAMS,       /* NSEC3 hash/iterations/salt differ from NSEC3PARAM */
	SG_VP_NSEC3_MALFORMED,    /* NSEC3 owner is not a hash label under the apex, bad RDATA */
	SG_VP_NSEC3_MISSING,      /* a name that needs an NSEC3 has none (owner: the name) */
	SG_VP_NSEC3_EXTRA,        /* an NSEC3 whose hash matches no name */
	SG_VP_NSEC3_MULTIPLE,     /* more than one NSEC3 of the chain at one hashed owner */
	SG_VP_NSEC3_NEXT,         /* next hashed owner is not the next hash of the chain */
	SG_VP_NSEC3_BITMAP,       /* bitmap does not list exactly the types (owner: the name) */
	SG_VP_NSEC3_COLLISION,    /* two names of the zone hash alike */
};

/* One problem. Pointers are valid during the callback only. */
typedef struct sg_verify_problem {
	enum sg_verify_code code;
	const uint8_t *owner; /* wire form: the name the problem is about */
	uint16_t type;        /* the RR type concerned (the type covered for RRSIGs) */
	int vresult;          /* SG_VP_RRSIG: enum sg_vresult; otherwise SG_V_VALID */
	uint16_t key_tag;     /* SG_VP_RRSIG: the RRSIG's key tag and algorithm */
	uint8_t alg;
	const char *msg; /* one line, without the "owner TYPE: " prefix */
} sg_verify_problem_t;

/* A trust anchor record: DS or DNSKEY RDATA (wire form) for `owner`.
 * Anchors for other owners than the zone's apex are ignored. */
typedef struct sg_verify_anchor {
	const uint8_t *owner;
	uint16_t type; /* SG_T_DS or SG_T_DNSKEY */
	const uint8_t *rdata;
	size_t rdlen;
} sg_verify_anchor_t;

typedef struct sg_verify_opts {
	/* Validation time, seconds since the epoch (the library never reads
	 * the clock). */
	int64_t now;
	/* Trust anchors; with nanchors 0 only the SEP rule applies. With
	 * anchors but none for the apex, SG_VP_ANCHOR is reported. */
	const sg_verify_anchor_t *anchors;
	size_t nanchors;
	/* Threads checking signatures, the caller's included (0 = 1). */
	unsigned threads;
	/* Receives each problem, on the calling thread. May be NULL. */
	void (*problem)(void *ctx, const sg_verify_problem_t *p);
	/* Called now and then on the calling thread with names done out of
	 * the total, last with done == total. May be NULL. */
	void (*progress)(void *ctx, size_t done, size_t total);
	void *ctx;
} sg_verify_opts_t;

/* Problems kept for sorting before delivery; past this they are counted
 * (stats.problems) but not delivered. */
#define SG_VERIFY_PROBLEM_MAX 1000000

typedef struct sg_verify_stats {
	size_t records;      /* records in the zone */
	size_t rrsets;       /* RRsets found validly signed */
	size_t signatures;   /* RRSIG verifications performed */
	int chain;           /* enum sg_denial_kind of the chain, 0 when none */
	bool opt_out;        /* some NSEC3 record has the opt-out flag */
	size_t chain_length; /* NSEC or NSEC3 records in the chain */
	size_t problems;     /* problems found (all of them, delivered or not) */
} sg_verify_stats_t;

/* Verifies zone z at opts->now. stats (may be NULL) is filled in either
 * case. Returns SG_OK when the zone is fully valid, SG_EZONE when problems
 * were found (each went to opts->problem), SG_EINVAL (NULL zone or opts),
 * SG_ENOMEM or SG_ECRYPTO when the check could not be completed. */
SG_WUR int sg_verify_zone(sg_verify_stats_t *stats, const sg_zone_t *z,
                          const sg_verify_opts_t *opts);

/* A short fixed description of a problem code (never NULL). */
const char *sg_verify_code_str(int code);

#endif
