/* signet — the zone store: an immutable snapshot of one zone.
 *
 * A builder receives records (from the zone-file scanner, a transfer, the
 * signer) in any order and sg_zone_build() turns them into a snapshot:
 *
 *   - records with the same owner, class and type form one RRset; exact
 *     duplicate RDATA (equal in canonical form) is collapsed, as BIND does;
 *     when TTLs differ inside an RRset the first record's TTL is kept and a
 *     warning is reported;
 *   - RRsets hang under nodes; nodes are in RFC 4034 §6.1 canonical order,
 *     RRsets in type order, RDATA in RFC 4034 §6.3 canonical order;
 *   - every empty non-terminal between the apex and a name is a node
 *     without RRsets (RFC 4592 §2.2.2), so "does this name exist" is a
 *     single lookup.
 *
 * A snapshot never changes: readers on any number of threads need no lock.
 * It is stored in a few big arrays (no allocation per record), so a zone of
 * millions of records costs tens of bytes per record plus its RDATA.
 *
 * Node and RRset handles (`const sg_zone_node_t *`, `const sg_zone_rrset_t *`)
 * point into the snapshot and stay valid until sg_zone_free(). Names and
 * RDATA returned by accessors have the same lifetime. Names keep the case of
 * the record that first used them.
 */
#ifndef SIGNET_ZONE_H
#define SIGNET_ZONE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "signet/err.h"
#include "signet/name.h"
#include "signet/zonefile.h"

typedef struct sg_zone sg_zone_t;
typedef struct sg_zone_builder sg_zone_builder_t;
typedef struct sg_zone_node sg_zone_node_t;
typedef struct sg_zone_rrset sg_zone_rrset_t;
typedef struct sg_zone_report sg_zone_report_t;

/* ---- problems ------------------------------------------------------------ */

enum sg_zone_severity {
	SG_ZSEV_WARNING = 1,
	SG_ZSEV_ERROR = 2,
};

/* What a problem is about; tests and tools key on these, not on the text. */
enum sg_zone_problem_code {
	SG_ZP_PARSE = 1,          /* the file did not parse (added by callers) */
	SG_ZP_NO_ORIGIN,          /* no origin given and no SOA to take it from */
	SG_ZP_OUT_OF_ZONE,        /* owner not at or below the origin (record dropped) */
	SG_ZP_CLASS_MISMATCH,     /* class differs from the zone's (record dropped) */
	SG_ZP_TTL_MISMATCH,       /* warning: TTL differs inside an RRset (first kept) */
	SG_ZP_NO_SOA,             /* no SOA at the apex */
	SG_ZP_MULTIPLE_SOA,       /* more than one SOA record at the apex */
	SG_ZP_SOA_NOT_AT_APEX,    /* an SOA below the apex */
	SG_ZP_NO_APEX_NS,         /* no NS RRset at the apex */
	SG_ZP_CNAME_AND_OTHER,    /* CNAME beside other data (RFC 2181 §10.1, RFC 4035 §2.5) */
	SG_ZP_MULTIPLE_CNAME,     /* more than one CNAME record at a name */
	SG_ZP_CNAME_AT_APEX,      /* CNAME at the apex */
	SG_ZP_DNAME_WITH_CHILDREN,/* names below a DNAME (RFC 6672 §2.4) */
	SG_ZP_MULTIPLE_DNAME,     /* more than one DNAME record at a name (RFC 6672 §2.4) */
	SG_ZP_MISSING_GLUE,       /* warning: in-zone NS target below a cut has no A/AAAA */
};

/* One problem. Strings and the owner name belong to the report. */
typedef struct sg_zone_problem {
	enum sg_zone_severity severity;
	enum sg_zone_problem_code code;
	const uint8_t *owner; /* wire form, or NULL when not about one name */
	uint16_t type;        /* the RR type concerned, or 0 */
	const char *file;     /* source file, or NULL when unknown */
	unsigned line;        /* 1-based source line, or 0 when unknown */
	const char *msg;      /* one line of text, no owner/type/location prefix */
} sg_zone_problem_t;

/* A list of problems. It keeps the first SG_ZONE_REPORT_MAX problems and
 * counts the rest. Returns NULL when out of memory. */
#define SG_ZONE_REPORT_MAX 10000
sg_zone_report_t *sg_zone_report_new(void);
void sg_zone_report_free(sg_zone_report_t *r);
/* Problems kept (at most SG_ZONE_REPORT_MAX). */
size_t sg_zone_report_count(const sg_zone_report_t *r);
/* The i-th problem kept (i < count), in the order they were added. */
const sg_zone_problem_t *sg_zone_report_get(const sg_zone_report_t *r, size_t i);
/* Errors and warnings added, including those past the maximum. */
unsigned sg_zone_report_errors(const sg_zone_report_t *r);
unsigned sg_zone_report_warnings(const sg_zone_report_t *r);
/* Adds one problem; owner and file are copied (either may be NULL).
 * Returns SG_OK or SG_ENOMEM (the problem is still counted). */
SG_WUR int sg_zone_report_add(sg_zone_report_t *r, enum sg_zone_severity sev,
			      enum sg_zone_problem_code code, const uint8_t *owner, uint16_t type,
			      const char *file, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 8, 9)));

/* ---- building ------------------------------------------------------------ */

/* A new builder. origin (wire form, copied) is the zone's apex; NULL takes
 * it from the owner of the first SOA record added. The zone's class is the
 * class of the first record added. Returns NULL when out of memory. */
sg_zone_builder_t *sg_zone_builder_new(const uint8_t *origin);

/* Frees a builder that was not passed to sg_zone_build(). NULL is fine. */
void sg_zone_builder_free(sg_zone_builder_t *b);

/* Adds one record; owner and RDATA are copied. file (copied, may be NULL)
 * and line (0 = unknown) are kept so problems can point at the source.
 * Records outside the origin or of another class are accepted here and
 * reported (and left out) by sg_zone_build().
 * Errors: SG_EINVAL (NULL owner, or rdlen > 0 with NULL rdata),
 * SG_ENOMEM (out of memory, or over 2^32-1 records / 4 GiB of RDATA). */
SG_WUR int sg_zone_builder_add(sg_zone_builder_t *b, const sg_rr_t *rr, const char *file,
			       unsigned line);

/* Optional: sizes the builder for about `records` records so that adding
 * them does not regrow its tables (a guess is fine: memory reserved but
 * not used is never touched). Errors: SG_ENOMEM. */
SG_WUR int sg_zone_builder_reserve(sg_zone_builder_t *b, size_t records);

/* Records added so far. */
size_t sg_zone_builder_count(const sg_zone_builder_t *b);

/* Builds the snapshot and consumes the builder (it is freed whatever the
 * result). Problems found while building (out-of-zone and wrong-class
 * records, TTL mismatches) go to rep, which may be NULL. On success *out is
 * a new zone for sg_zone_free().
 * Errors: SG_EZONE (no origin: none given and no SOA added), SG_ENOMEM. */
SG_WUR int sg_zone_build(sg_zone_t **out, sg_zone_builder_t *b, sg_zone_report_t *rep);

void sg_zone_free(sg_zone_t *z);

/* Asks the kernel to back the zone's big tables with transparent huge
 * pages, now: a server looking names up at random then misses the TLB far
 * less (it matters most in virtual machines). Only a hint; does nothing
 * where unsupported. It may compact memory for a moment, so call it once
 * the zone is built and off any latency-sensitive path; a tool that reads
 * a zone once has no use for it. */
void sg_zone_hint_hugepages(const sg_zone_t *z);

/* ---- checking ------------------------------------------------------------ */

/* Checks the rules a loadable zone obeys (see docs/internals/zone.md): one
 * SOA, at the apex only; NS at the apex; CNAME alone (RRSIG/NSEC/NSEC3 may
 * sit beside it), single, not at the apex; DNAME single and without names
 * below; A/AAAA glue for in-zone NS targets below a cut (warning). Adds
 * each problem to rep (which may be NULL), with file:line when known.
 * Returns SG_OK when this call found no error (warnings allowed), SG_EZONE
 * when it found at least one, SG_ENOMEM. */
SG_WUR int sg_zone_check(const sg_zone_t *z, sg_zone_report_t *rep);

/* ---- the zone as a whole ----------------------------------------------- */

const uint8_t *sg_zone_origin(const sg_zone_t *z);
uint16_t sg_zone_class(const sg_zone_t *z);
/* Records kept (duplicates collapsed, dropped records not counted). */
size_t sg_zone_record_count(const sg_zone_t *z);
/* Nodes, empty non-terminals included. */
size_t sg_zone_node_count(const sg_zone_t *z);
size_t sg_zone_rrset_total(const sg_zone_t *z);
/* The apex node (always present, perhaps without RRsets). */
const sg_zone_node_t *sg_zone_apex(const sg_zone_t *z);
/* The apex SOA / NS RRset, or NULL when there is none. */
const sg_zone_rrset_t *sg_zone_soa(const sg_zone_t *z);
const sg_zone_rrset_t *sg_zone_apex_ns(const sg_zone_t *z);
/* The serial of the apex SOA. Errors: SG_ENOTFOUND (no well-formed SOA). */
SG_WUR int sg_zone_serial(const sg_zone_t *z, uint32_t *serial);

/* ---- nodes ----------------------------------------------------------------- */

/* Node flags. A cut is a non-apex node with NS; "below" means strictly below. */
enum {
	SG_ZN_APEX = 1 << 0,
	SG_ZN_CUT = 1 << 1,
	SG_ZN_DNAME = 1 << 2,
	SG_ZN_BELOW_CUT = 1 << 3,   /* glue or occluded data */
	SG_ZN_BELOW_DNAME = 1 << 4, /* occluded by a DNAME (RFC 6672 §2.4) */
	SG_ZN_MARK = 1 << 30,       /* the zone's owner's (sg_zone_node_mark) */
};

/* The i-th node in canonical order (i < node count; the apex is 0), or NULL. */
const sg_zone_node_t *sg_zone_node(const sg_zone_t *z, size_t i);
/* The position of a node in canonical order. */
size_t sg_zone_node_index(const sg_zone_t *z, const sg_zone_node_t *n);
const uint8_t *sg_zone_node_name(const sg_zone_t *z, const sg_zone_node_t *n);
/* Starts fetching n's RRsets from memory (reads n itself): a hint for a
 * caller about to look several nodes up, so that their waits overlap. */
void sg_zone_node_prefetch(const sg_zone_t *z, const sg_zone_node_t *n);
/* The node one label up, or NULL for the apex. */
const sg_zone_node_t *sg_zone_node_parent(const sg_zone_t *z, const sg_zone_node_t *n);
unsigned sg_zone_node_flags(const sg_zone_node_t *n);
/* For the zone's owner, while it indexes the zone before anyone else reads
 * it: SG_ZN_MARK on node i, and node i's link (another node's index + 1;
 * 0, the start, for none). Both live in the node, so that reading them
 * costs no trip to memory of its own (signetd marks NSEC3 owners that are
 * not names, and links each node to the owner of its matching NSEC3). */
void sg_zone_node_mark(sg_zone_t *z, size_t i);
void sg_zone_node_set_link(sg_zone_t *z, size_t i, uint32_t link);
uint32_t sg_zone_node_link(const sg_zone_node_t *n);
/* RRsets at the node (0 for an empty non-terminal); the i-th in type order. */
size_t sg_zone_node_rrset_count(const sg_zone_node_t *n);
const sg_zone_rrset_t *sg_zone_node_rrset(const sg_zone_t *z, const sg_zone_node_t *n, size_t i);
/* The node's RRset of `type`, or NULL. Finding it starts fetching its
 * first record's RDATA (and the record entries after it) from memory. */
const sg_zone_rrset_t *sg_zone_node_find(const sg_zone_t *z, const sg_zone_node_t *n,
					 uint16_t type);

/* ---- RRsets ---------------------------------------------------------------- */

const sg_zone_node_t *sg_zone_rrset_node(const sg_zone_t *z, const sg_zone_rrset_t *rs);
uint16_t sg_zone_rrset_type(const sg_zone_rrset_t *rs);
/* The RRset's TTL (the first record's); for RRSIG see sg_zone_rrset_rr_ttl(). */
uint32_t sg_zone_rrset_ttl(const sg_zone_rrset_t *rs);
/* Records in the RRset (at least 1). */
size_t sg_zone_rrset_count(const sg_zone_rrset_t *rs);
/* The i-th RDATA in canonical order (wire form, case as read); *len its length. */
const uint8_t *sg_zone_rrset_rdata(const sg_zone_t *z, const sg_zone_rrset_t *rs, size_t i,
				   uint16_t *len);
/* The TTL of the i-th record: the RRset's TTL, except in an RRSIG RRset,
 * where each signature keeps its own (they cover different types and
 * carry those types' TTLs, RFC 4034 §3). Use this when writing records. */
uint32_t sg_zone_rrset_rr_ttl(const sg_zone_t *z, const sg_zone_rrset_t *rs, size_t i);
/* Where the i-th record came from: *file NULL / *line 0 when unknown. */
void sg_zone_rrset_source(const sg_zone_t *z, const sg_zone_rrset_t *rs, size_t i,
			  const char **file, unsigned *line);

/* ---- lookups ------------------------------------------------------------------ */

/* The node named exactly `name` (case-insensitive), or NULL. O(1). */
const sg_zone_node_t *sg_zone_lookup(const sg_zone_t *z, const uint8_t *name);

/* Looking ahead over a batch of queries (signetd's UDP loop), so that their
 * waits for memory overlap. sg_zone_ahead_start starts fetching the index
 * slot of `name`; each sg_zone_ahead_step, called later, uses what the
 * previous one fetched and starts fetching the next link: the node (or,
 * when the name is not a node, the slot of its parent, up to the apex),
 * then the node's name and RRsets, then the records of the RRset of `type`
 * and of its RRSIGs. Returns false when there is nothing more to fetch.
 * Hints only: results come from sg_zone_lookup/sg_zone_find as before.
 * `name` must be at or below the origin (sg_zone_find's OUTZONE check is
 * not repeated) and stay where it is until the last step. */
typedef struct {
	const uint8_t *name;
	uint32_t h, node;
	uint16_t type;
	uint8_t depth, next;
} sg_zone_ahead_t;
void sg_zone_ahead_start(const sg_zone_t *z, sg_zone_ahead_t *a, const uint8_t *name, uint16_t type);
bool sg_zone_ahead_step(const sg_zone_t *z, sg_zone_ahead_t *a);

/* What a query for a name meets, per RFC 1034 §4.3.2 and RFC 4592 §3.3. */
enum sg_zone_find_kind {
	/* The name exists: node. It may be an empty non-terminal (no RRsets),
	 * which answers NODATA and blocks wildcards (RFC 4592 §2.2.2). */
	SG_ZF_EXACT = 1,
	/* The name does not exist: encloser is the closest encloser, prev the
	 * node just before the name in canonical order (the NSEC that covers
	 * it, RFC 4035 §3.1.3.2). */
	SG_ZF_NXDOMAIN,
	/* The name is at or below a zone cut: node is the highest cut on the
	 * way down (it has the NS RRset; names below are glue/occluded). A DS
	 * query for the cut's own name is answered from node, not referred. */
	SG_ZF_DELEGATION,
	/* An ancestor strictly above the name owns a DNAME: node is it
	 * (RFC 6672 §3). */
	SG_ZF_DNAME,
	/* The name does not exist but `*.<closest encloser>` does: node is the
	 * wildcard, encloser the closest encloser, prev the node before the
	 * name (proof that the name itself does not exist). */
	SG_ZF_WILDCARD,
	/* The name is not at or below the origin. */
	SG_ZF_OUTZONE,
};

typedef struct sg_zone_find {
	enum sg_zone_find_kind kind;
	const sg_zone_node_t *node;     /* EXACT, DELEGATION, DNAME, WILDCARD */
	const sg_zone_node_t *encloser; /* NXDOMAIN, WILDCARD; else NULL */
	const sg_zone_node_t *prev;     /* NXDOMAIN, WILDCARD; else NULL */
} sg_zone_find_t;

/* Classifies a query name (wire form, any case). Fills *res and returns its
 * kind (always positive: every name has an answer). O(labels) hash lookups,
 * plus one binary search for prev. */
enum sg_zone_find_kind sg_zone_find(const sg_zone_t *z, const uint8_t *name, sg_zone_find_t *res);

/* sg_zone_find() that fills prev only when want_prev: the binary search
 * over every node in canonical order is the dearest part of a lookup that
 * does not match, and only NSEC denial needs it (NSEC3 proofs, answers
 * without DNSSEC, glue checks do not). */
enum sg_zone_find_kind sg_zone_find_opt(const sg_zone_t *z, const uint8_t *name,
					sg_zone_find_t *res, bool want_prev);

/* Is `name` glue or occluded: strictly below a zone cut or below a DNAME?
 * (The cut's own NS RRset is not glue.) Names outside the zone: false. */
bool sg_zone_is_glue(const sg_zone_t *z, const uint8_t *name);

#endif
