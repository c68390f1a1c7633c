/* signet — the rules of DNSSEC authority and denial, in one place.
 *
 * Which RRsets of a zone are signed, which names own an NSEC or NSEC3
 * record, and which types their bitmaps list. The signer builds chains
 * with these and the verifier checks chains against them, so the two can
 * never disagree about the rules (RFC 4035 §2.2-2.3, RFC 5155 §7.1).
 */
#ifndef SIGNET_DENIAL_H
#define SIGNET_DENIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "signet/err.h"
#include "signet/zone.h"

/* Is this RRset signed in a signed zone? Authoritative data is; glue and
 * occluded data are not; at a delegation point only DS (and the NSEC) are
 * (RFC 4035 §2.2); RRSIGs are never signed. NSEC/NSEC3 are signed where
 * they appear. */
bool sg_denial_rrset_signed(const sg_zone_t *z, const sg_zone_node_t *n, uint16_t type);

/* Is this node authoritative data or a delegation point (not glue, not
 * occluded)? Empty non-terminals count as authoritative names. */
bool sg_denial_authoritative(const sg_zone_t *z, const sg_zone_node_t *n);

/* Does the node own an NSEC record (RFC 4035 §2.3)? Every authoritative
 * name with data and every delegation point does; empty non-terminals,
 * glue and occluded names do not. */
bool sg_denial_nsec_owner(const sg_zone_t *z, const sg_zone_node_t *n);

/* Does the node's name get an NSEC3 (RFC 5155 §7.1)? Every authoritative
 * name including empty non-terminals and delegation points; with opt-out,
 * not insecure delegations (no DS) nor empty non-terminals that only lead
 * to insecure delegations. */
bool sg_denial_nsec3_owner(const sg_zone_t *z, const sg_zone_node_t *n, bool opt_out);

enum sg_denial_kind { SG_DENIAL_NSEC = 1, SG_DENIAL_NSEC3 = 3 };

/* The types the node's NSEC (kind NSEC: its types + RRSIG + NSEC) or
 * NSEC3 (kind NSEC3: its types + RRSIG when any RRset there is signed)
 * bitmap lists, ascending. At a delegation point only NS, DS and the DNSSEC
 * types count. Old RRSIG/NSEC/NSEC3 records in the zone are ignored.
 * Returns the count written (at most cap) or SG_ESPACE. */
int sg_denial_types(uint16_t *types, size_t cap, const sg_zone_t *z, const sg_zone_node_t *n,
		    enum sg_denial_kind kind);

/* Encodes ascending, duplicate-free types as an RFC 4034 §4.1.2 bitmap.
 * Returns the length or SG_ESPACE (8704 octets always suffice). */
int sg_bitmap_encode(uint8_t *dst, size_t cap, const uint16_t *types, size_t n);
/* Does a wire bitmap list `type`? (The bitmap must be well formed.) */
bool sg_bitmap_has(const uint8_t *bitmap, size_t len, uint16_t type);
/* Decodes a bitmap into ascending types. Returns the count or SG_ESPACE /
 * SG_EMALFORMED. */
int sg_bitmap_decode(uint16_t *types, size_t cap, const uint8_t *bitmap, size_t len);

#define SG_BITMAP_MAX 8704

/* TTL for NSEC/NSEC3 records: min(SOA TTL, SOA MINIMUM) (RFC 9077). */
uint32_t sg_denial_ttl(const sg_zone_t *z);

#endif
