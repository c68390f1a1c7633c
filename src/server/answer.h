/* signetd — answering queries from the zones it serves.
 *
 * Pure functions over immutable data: a query in wire form goes in, a
 * response in wire form comes out. No I/O, no clock, no locks: any number
 * of threads may answer from the same zone set at once. Network code
 * (server.c) and the fuzz target call these.
 */
#ifndef SIGNET_SERVER_ANSWER_H
#define SIGNET_SERVER_ANSWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "signet/err.h"
#include "signet/util.h"
#include "signet/zone.h"

/* One served zone: the snapshot plus the indexes answering needs (the
 * NSEC3 hash index and parameters, for NSEC3 denial). Immutable once
 * made; shared by reference count so a reload can swap zone sets while
 * queries still use the old one. */
typedef struct sg_authzone sg_authzone_t;

/* Takes ownership of z (freed with the authzone, also on failure).
 * Errors: SG_ENOMEM, SG_EZONE (no SOA at the apex; err says why). */
SG_WUR int sg_authzone_new(sg_authzone_t **out, sg_zone_t *z, char *err, size_t errcap);
sg_authzone_t *sg_authzone_ref(sg_authzone_t *az);
void sg_authzone_unref(sg_authzone_t *az);
const sg_zone_t *sg_authzone_zone(const sg_authzone_t *az);

/* The set of zones a server answers for; immutable, reference counted. */
typedef struct sg_zoneset sg_zoneset_t;

/* Takes a new reference to each zone. Two zones with the same origin:
 * SG_EEXIST. */
SG_WUR int sg_zoneset_new(sg_zoneset_t **out, sg_authzone_t *const *zones, size_t n);
sg_zoneset_t *sg_zoneset_ref(sg_zoneset_t *zs);
void sg_zoneset_unref(sg_zoneset_t *zs);
/* The zone with the longest origin at or above qname, or NULL. */
const sg_authzone_t *sg_zoneset_find(const sg_zoneset_t *zs, const uint8_t *qname);
size_t sg_zoneset_count(const sg_zoneset_t *zs);
const sg_authzone_t *sg_zoneset_get(const sg_zoneset_t *zs, size_t i);

enum sg_answer_action {
	SG_ANSWER_REPLY = 1, /* send resp (resplen octets) */
	SG_ANSWER_DROP,      /* send nothing (the packet was a response, or unparseable header) */
	SG_ANSWER_AXFR,      /* a valid AXFR over TCP: stream it with sg_axfr() */
};

typedef struct sg_answer_info {
	unsigned rcode;            /* rcode answered (for logs and metrics) */
	bool dnssec;               /* the query had DO set */
	bool truncated;            /* TC was set */
	const sg_authzone_t *zone; /* the zone that answered (AXFR: the one to stream) */
} sg_answer_info_t;

typedef struct sg_answer_opts {
	bool tcp;         /* the query came over TCP (no truncation, AXFR allowed) */
	uint16_t max_udp; /* our EDNS buffer size; 0 = 1232 */
	bool allow_axfr;  /* AXFR permitted for this client */
} sg_answer_opts_t;

/* Answers one query. resp must hold 65535 octets. The arena is scratch for
 * this call (reset it afterwards). Returns the action; *resplen is set for
 * SG_ANSWER_REPLY. Never fails on hostile input: malformed queries get
 * FORMERR (or are dropped when not even the header is there). o and info
 * may be NULL (UDP, defaults).
 *
 * What comes back (docs/internals/answer.md has the reasons):
 *  - DROP: shorter than a header, or QR set (never answer a response);
 *  - FORMERR: sg_msg_parse() failed (header and question echoed when
 *    readable, no OPT), QDCOUNT != 1, QTYPE OPT/TSIG/TKEY, AXFR over UDP;
 *  - SERVFAIL: the arena refused memory while parsing;
 *  - NOTIMP: opcodes other than QUERY and NOTIFY;
 *  - REFUSED (no AA): NOTIFY (we are the primary), names outside every
 *    zone, another class; AXFR/IXFR over TCP when !allow_axfr;
 *  - BADVERS (extended RCODE 16, OPT version 0): EDNS version > 0;
 *  - NOTAUTH: AXFR/IXFR for a name that is not a zone apex;
 *  - AXFR: AXFR or IXFR for a zone apex over TCP with allow_axfr (IXFR is
 *    answered as a full transfer, RFC 1995 §4); info->zone is the zone;
 *  - IXFR over UDP: the SOA alone (RFC 1995 §2), whatever allow_axfr says;
 *  - otherwise the RFC 1034 §4.3.2 answer with DNSSEC records when the
 *    query had DO and the zone is signed. */
enum sg_answer_action sg_answer(uint8_t *resp, size_t *resplen, const sg_zoneset_t *zs,
                                const uint8_t *query, size_t qlen, const sg_answer_opts_t *o,
                                sg_arena_t *arena, sg_answer_info_t *info);

/* Looking ahead over a batch of queries before answering them (signetd's
 * UDP loop), so that their waits for memory overlap: _start reads the
 * question straight from the raw query (anything that does not look like a
 * plain query is left alone), picks the zone and starts fetching; each
 * _step goes one link further (sg_zone_ahead_step) and returns false when
 * there is nothing more to fetch. Hints only; the query must stay where it
 * is until the last step. */
typedef struct {
	const sg_zone_t *z; /* NULL: nothing to fetch */
	sg_zone_ahead_t za;
} sg_answer_ahead_t;
void sg_answer_ahead_start(const sg_zoneset_t *zs, const uint8_t *query, size_t qlen,
                           sg_answer_ahead_t *a);
bool sg_answer_ahead_step(sg_answer_ahead_t *a);

/* Streams a zone transfer (RFC 5936) of az in answer to query: calls send
 * once per message (each at most 65535 octets, as many records as fit, the
 * question in the first only, SOA first and last, every record of the zone
 * including RRSIG/NSEC/NSEC3 in canonical order between). msg is valid
 * during the call only. IXFR queries get the same full transfer.
 * Returns SG_OK, SG_EINVAL (NULL az/send), an error of sg_msg_parse() for
 * the query, SG_EMALFORMED (QDCOUNT != 1), SG_ENOMEM (the arena could not
 * hold the 64 KiB message buffer) or the first negative code send returned. */
SG_WUR int sg_axfr(const sg_authzone_t *az, const uint8_t *query, size_t qlen,
                   int (*send)(void *ctx, const uint8_t *msg, size_t len), void *ctx,
                   sg_arena_t *arena);

#endif
