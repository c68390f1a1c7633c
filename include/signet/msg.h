/* signet — DNS messages: parse, build, print.
 *
 * One module for the three users: the authoritative server (hot path: no
 * malloc, zero-copy parse of queries, builder over the caller's buffer),
 * the resolver (strict parse of hostile responses, EDNS, EDE) and
 * `signet query` (dig-style text).
 *
 * Parsing fills a caller-owned sg_msg_t: a read-only view whose names and
 * RDATA live in the caller's arena or point into the wire buffer itself
 * (names and RDATA that needed no decompression are not copied). Both the
 * arena and the wire buffer must outlive the view.
 *
 * Building writes into a caller buffer through a caller-owned sg_msgw_t.
 * Its members are private; it is visible only so that it can live on the
 * stack of the hot path without any allocation.
 */
#ifndef SIGNET_MSG_H
#define SIGNET_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "signet/err.h"
#include "signet/name.h"
#include "signet/util.h"

#define SG_MSG_HDR_LEN   12
#define SG_MSG_MAX       65535 /* largest message (TCP length field) */
#define SG_MSG_UDP_MIN   512   /* RFC 1035 §4.2.1: size without EDNS */
#define SG_EDNS_MAX_OPTS 32    /* more options in one OPT RR: SG_ELIMIT */
#define SG_EDNS_MAX_EDE  8     /* EDE options kept (RFC 8914 allows several) */

/* Header flag bits, as they sit in octets 2-3 of the header. */
enum {
	SG_MSG_QR = 1 << 15,
	SG_MSG_AA = 1 << 10,
	SG_MSG_TC = 1 << 9,
	SG_MSG_RD = 1 << 8,
	SG_MSG_RA = 1 << 7,
	SG_MSG_Z = 1 << 6,
	SG_MSG_AD = 1 << 5,
	SG_MSG_CD = 1 << 4,
	SG_MSG_FLAGS_MASK = 0x87f0, /* all of the above */
};

enum sg_opcode {
	SG_OP_QUERY = 0,
	SG_OP_IQUERY = 1,
	SG_OP_STATUS = 2,
	SG_OP_NOTIFY = 4,
	SG_OP_UPDATE = 5,
	SG_OP_DSO = 6,
};

/* RCODEs; values above 15 need EDNS (RFC 6891 §6.1.3). */
enum sg_rcode {
	SG_RC_NOERROR = 0,
	SG_RC_FORMERR = 1,
	SG_RC_SERVFAIL = 2,
	SG_RC_NXDOMAIN = 3,
	SG_RC_NOTIMP = 4,
	SG_RC_REFUSED = 5,
	SG_RC_YXDOMAIN = 6,
	SG_RC_YXRRSET = 7,
	SG_RC_NXRRSET = 8,
	SG_RC_NOTAUTH = 9,
	SG_RC_NOTZONE = 10,
	SG_RC_DSOTYPENI = 11,
	SG_RC_BADVERS = 16,
	SG_RC_BADKEY = 17,
	SG_RC_BADTIME = 18,
	SG_RC_BADMODE = 19,
	SG_RC_BADNAME = 20,
	SG_RC_BADALG = 21,
	SG_RC_BADTRUNC = 22,
	SG_RC_BADCOOKIE = 23,
};

enum sg_section {
	SG_SEC_QUESTION = 0,
	SG_SEC_ANSWER = 1,
	SG_SEC_AUTHORITY = 2,
	SG_SEC_ADDITIONAL = 3,
};

/* EDNS option codes signet knows by name. */
enum {
	SG_EDNS_NSID = 3,
	SG_EDNS_ECS = 8,
	SG_EDNS_COOKIE = 10,
	SG_EDNS_KEEPALIVE = 11,
	SG_EDNS_PADDING = 12,
	SG_EDNS_EDE = 15, /* RFC 8914 */
};
#define SG_EDNS_DO 0x8000 /* DO bit in sg_edns_t.flags (RFC 3225) */

/* Why sg_msg_parse() failed (sg_msg_t.fault). The SG_MF_OPT_* faults are
 * EDNS violations that RFC 6891 §6.1.1/§7 answers with FORMERR. */
enum sg_msg_fault {
	SG_MF_NONE = 0,
	SG_MF_HEADER,      /* shorter than 12 octets */
	SG_MF_COUNTS,      /* section counts need more octets than the message has */
	SG_MF_NAME,        /* a name: truncated, bad pointer, bad label type, too long */
	SG_MF_RR,          /* type/class/TTL/RDLENGTH fields truncated */
	SG_MF_RDATA,       /* RDLENGTH past the end or RDATA not matching its type */
	SG_MF_TRAILING,    /* octets after the last counted RR (message otherwise complete) */
	SG_MF_OPT_DUP,     /* a second OPT RR */
	SG_MF_OPT_OWNER,   /* OPT owner is not the root */
	SG_MF_OPT_SECTION, /* OPT outside the additional section */
	SG_MF_OPT_OPTIONS, /* option list malformed (length past the RDATA, short EDE) */
	SG_MF_OPT_LIMIT,   /* more than SG_EDNS_MAX_OPTS options */
	SG_MF_NOMEM,       /* the arena refused an allocation */
};

/* One record (or, in the question section, one question: ttl 0, no RDATA).
 * owner is an uncompressed wire name; rdata is uncompressed where the type
 * allows compression (sg_rdata_unpack) and has been checked (sg_rdata_check). */
typedef struct sg_msg_rr {
	const uint8_t *owner;
	const uint8_t *rdata;
	uint32_t ttl;
	uint16_t type;
	uint16_t rclass;
	uint16_t rdlen;
} sg_msg_rr_t;

typedef struct sg_edns_opt {
	uint16_t code;
	uint16_t len;
	const uint8_t *data; /* points into the wire buffer */
} sg_edns_opt_t;

/* An Extended DNS Error (RFC 8914 §2). The text is not NUL-terminated and
 * is meant to be UTF-8, which is not checked (sg_msg_to_text escapes it). */
typedef struct sg_ede {
	uint16_t info_code;
	uint16_t text_len;
	const char *text;
} sg_ede_t;

/* The OPT pseudo-RR (RFC 6891 §6.1.2). */
typedef struct sg_edns {
	uint16_t udp_size; /* requestor's payload size (the OPT CLASS) */
	uint8_t ext_rcode; /* upper 8 bits of the 12-bit RCODE */
	uint8_t version;
	uint16_t flags; /* DO (SG_EDNS_DO) and the Z bits */
	uint16_t nopts;
	uint16_t nede;
	const sg_edns_opt_t *opts;     /* all options in wire order, EDE included */
	sg_ede_t ede[SG_EDNS_MAX_EDE]; /* the first SG_EDNS_MAX_EDE EDE options */
} sg_edns_t;

/* A parsed message. All fields are read-only for the caller. */
typedef struct sg_msg {
	uint16_t id;
	uint16_t flags; /* SG_MSG_QR ... SG_MSG_CD */
	uint8_t opcode;
	uint16_t rcode;     /* 12 bits when EDNS is present (RFC 6891 §6.1.3), else 4 */
	uint16_t count[4];  /* records per section; OPT is not counted in ADDITIONAL */
	sg_msg_rr_t *rr[4]; /* rr[SG_SEC_ANSWER][i] ... */
	bool has_edns;
	sg_edns_t edns;
	/* Diagnostics, valid after a failed parse: */
	bool hdr_ok;   /* id/flags/opcode were read (a server can answer FORMERR) */
	uint8_t fault; /* enum sg_msg_fault */
	uint8_t fault_section;
	uint16_t fault_index; /* record number in fault_section */
	size_t fault_offset;  /* octet offset in the wire where the fault was found */
	size_t trailing;      /* octets after the last counted record */
} sg_msg_t;

/* Parses a DNS message.
 *
 * msg: caller storage, overwritten. wire/len: the message; it must stay
 * alive and unchanged as long as msg is used (names and RDATA may point
 * into it). arena: holds the record arrays, decompressed names and RDATA;
 * its use is bounded by about 40 * len octets (a caller that wants a tighter
 * bound gives the arena a maximum).
 *
 * Strict by design: counts that cannot fit in len octets are rejected
 * before anything is allocated; compression pointers must go backwards and
 * not into the header; every RDATA must match its type's layout. Trailing
 * octets after the counted records are rejected with SG_EMALFORMED and
 * fault SG_MF_TRAILING — in that one case msg is otherwise complete and a
 * lenient caller (a dig-like tool) may use it.
 *
 * Returns SG_OK, or:
 *  SG_ETRUNC     header, counts, a name, an RR or RDATA ends past len
 *  SG_EPTR       bad compression pointer (loop, forward, out of bounds, into the header)
 *  SG_ETOOLONG   a name longer than 255 octets after decompression
 *  SG_EMALFORMED bad label type (0x40/0x80), RDATA not matching its type,
 *                trailing octets, EDNS violations (second OPT, OPT owner not
 *                root, OPT outside additional, bad option list)
 *  SG_ELIMIT     more than SG_EDNS_MAX_OPTS EDNS options
 *  SG_ENOMEM     the arena refused an allocation
 * On failure msg->fault, fault_section, fault_index and fault_offset say
 * what and where; msg->hdr_ok says whether the header was read. */
SG_WUR int sg_msg_parse(sg_msg_t *msg, const uint8_t *wire, size_t len, sg_arena_t *arena);

/* RCODE a server should answer a query with after sg_msg_parse() failed:
 * SG_RC_FORMERR when the header could be read and it was not a response
 * (RFC 1035 §4.1.1), -1 when the packet should be dropped. */
int sg_msg_fault_rcode(const sg_msg_t *msg);

/* Short name of a fault ("opt-duplicate", "trailing-data"...); never NULL. */
const char *sg_msg_fault_name(int fault);

/* Mnemonics: "QUERY", "NXDOMAIN", ... or NULL for values without one. */
const char *sg_opcode_name(unsigned opcode);
const char *sg_rcode_name(unsigned rcode);
/* RFC 8914 §5.2 registry purpose ("DNSSEC Bogus") or NULL when unassigned. */
const char *sg_ede_name(uint16_t info_code);

/* Appends the message in dig's layout (header lines, OPT PSEUDOSECTION
 * with EDNS, EDE and other options, then the sections; records through
 * sg_rr_to_text()). Returns SG_OK or SG_ENOMEM when out grows past its
 * maximum (out keeps what was written). */
SG_WUR int sg_msg_to_text(sg_buf_t *out, const sg_msg_t *msg);

/* ---- building ------------------------------------------------------------
 *
 * Order of calls: sg_msgw_init (or sg_msgw_reply), optional sg_msgw_edns
 * (reserves room for the OPT RR so that it always fits), questions, then
 * records in section order (answer, authority, additional), then
 * sg_msgw_finish. Names are compressed (RFC 1035 §4.1.4) in owners and in
 * the RDATA of types with SG_TF_COMPRESS only (RFC 3597 §4). Matching is
 * case-insensitive: a compressed name takes the case of the earlier name
 * it points to (the question comes first, so 0x20 case survives).
 *
 * Every adding call either adds everything or leaves the message exactly
 * as it was (SG_ESPACE when the size limit would be passed). For
 * truncation, take a mark before each RRset; on SG_ESPACE roll back to it,
 * set TC when the answer or authority is incomplete (RFC 2181 §9) and finish.
 */
#define SG_MSGW_COMP_SLOTS 256 /* hash slots of the compression table */
#define SG_MSGW_COMP_MAX   192 /* names/suffixes remembered (later ones are written in full) */

typedef struct sg_msgw_opt {
	const uint8_t *data;
	uint16_t code;
	uint16_t len; /* of data */
	int32_t ede;  /* >= 0: an EDE option with this info-code, data is the text */
} sg_msgw_opt_t;

typedef struct sg_msgw {
	/* private */
	uint8_t *buf;
	size_t cap;     /* size limit */
	size_t len;     /* octets written */
	size_t reserve; /* octets kept for the OPT RR */
	uint16_t count[4];
	uint8_t section; /* last section written to */
	bool edns;
	bool finished;
	uint16_t rcode; /* 12 bits */
	uint16_t udp_size;
	uint16_t edns_flags;
	uint8_t edns_version;
	uint8_t nopts;
	sg_msgw_opt_t opts[SG_EDNS_MAX_OPTS];
	uint16_t ncomp;
	uint8_t comp_log[SG_MSGW_COMP_MAX]; /* slot of each entry, in insertion order */
	struct {
		uint32_t hash;
		uint16_t off; /* 0 = empty (offset 0 is the header) */
	} comp[SG_MSGW_COMP_SLOTS];
} sg_msgw_t;

/* A point to roll back to. */
typedef struct sg_msgw_mark {
	size_t len;
	uint16_t count[4];
	uint16_t ncomp;
	uint8_t section;
} sg_msgw_mark_t;

/* Starts a message in buf. cap is the size limit: the smaller of the
 * buffer size and the peer's limit (its EDNS payload size, 512 without
 * EDNS, 65535 over TCP); values above 65535 are clamped. flags holds the
 * header flag bits (SG_MSG_*); opcode 0..15, rcode 0..4095 (above 15
 * needs sg_msgw_edns before finishing). Writes the header.
 * Returns SG_OK, SG_EINVAL (opcode out of range, NULL buf) or SG_ESPACE
 * (cap below 12). buf must stay valid until sg_msgw_finish(). */
SG_WUR int sg_msgw_init(sg_msgw_t *w, uint8_t *buf, size_t cap, uint16_t id, uint16_t flags,
                        unsigned opcode, unsigned rcode);

/* Starts a reply to a parsed query: same id and opcode, QR set, RD and CD
 * copied (RFC 1035 §4.1.1, RFC 4035 §3.2.2), the first question copied
 * (case preserved), and EDNS answered when the query had it (udp_size
 * `udp_size`, DO copied, version 0). Errors as sg_msgw_init, sg_msgw_edns
 * and sg_msgw_question. */
SG_WUR int sg_msgw_reply(sg_msgw_t *w, uint8_t *buf, size_t cap, const sg_msg_t *query,
                         uint16_t udp_size);

/* Changes header flags after init: sets `set`, then clears `clear`. */
void sg_msgw_set_flags(sg_msgw_t *w, uint16_t set, uint16_t clear);
/* Sets the 12-bit RCODE. SG_EINVAL above 4095. */
SG_WUR int sg_msgw_set_rcode(sg_msgw_t *w, unsigned rcode);

/* Adds an OPT RR (RFC 6891) and reserves its space at once, so that later
 * records can never push it out (it is written by sg_msgw_finish, last in
 * the additional section). flags: SG_EDNS_DO and Z bits. Once, any time
 * before finishing. Returns SG_OK, SG_EINVAL (twice, or finished) or
 * SG_ESPACE (fewer than 11 octets left). */
SG_WUR int sg_msgw_edns(sg_msgw_t *w, uint16_t udp_size, uint16_t flags, uint8_t version);

/* Adds an EDNS option; its space is reserved at once. data (len octets) is
 * not copied: it must stay valid until sg_msgw_finish(). Returns SG_OK,
 * SG_EINVAL (no sg_msgw_edns yet, or finished), SG_ELIMIT (more than
 * SG_EDNS_MAX_OPTS) or SG_ESPACE (the message has no room left: roll back
 * some records first). */
SG_WUR int sg_msgw_edns_opt(sg_msgw_t *w, uint16_t code, const void *data, size_t len);
/* Adds an Extended DNS Error (RFC 8914): info-code and optional UTF-8 text
 * (not NUL-terminated; not copied, valid until finish). Errors as sg_msgw_edns_opt. */
SG_WUR int sg_msgw_edns_ede(sg_msgw_t *w, uint16_t info_code, const char *text, size_t len);

/* Adds a question. name: well-formed uncompressed wire name. Only before
 * the first record. Returns SG_OK, SG_EINVAL or SG_ESPACE. */
SG_WUR int sg_msgw_question(sg_msgw_t *w, const uint8_t *name, uint16_t qtype, uint16_t qclass);

/* Adds a record to `section` (answer, authority or additional; not before a
 * section already written to). owner: well-formed wire name; rdata must be
 * well formed for its type when the type has SG_TF_COMPRESS (its names are
 * compressed), otherwise it is copied verbatim. OPT records go through
 * sg_msgw_edns. Returns SG_OK, SG_EINVAL (section order, OPT, bad RDATA,
 * finished) or SG_ESPACE (message unchanged). */
SG_WUR int sg_msgw_rr(sg_msgw_t *w, int section, const uint8_t *owner, uint16_t type,
                      uint16_t rclass, uint32_t ttl, const uint8_t *rdata, size_t rdlen);

/* Records the current state; sg_msgw_rollback returns to it, forgetting
 * every question and record added since (and their compression entries).
 * EDNS options added since the mark stay. */
void sg_msgw_mark(const sg_msgw_t *w, sg_msgw_mark_t *m);
void sg_msgw_rollback(sg_msgw_t *w, const sg_msgw_mark_t *m);

/* Octets written so far, not counting the reserved OPT RR. */
size_t sg_msgw_len(const sg_msgw_t *w);

/* Writes the OPT RR and the section counts. *outlen gets the message size.
 * Returns SG_OK or SG_EINVAL (RCODE above 15 without EDNS, called twice). */
SG_WUR int sg_msgw_finish(sg_msgw_t *w, size_t *outlen);

/* ---- whole messages ------------------------------------------------------ */

/* Re-encodes a parsed message through the builder (with compression):
 * header, EDNS with its options in order, every question and record. The
 * OPT RR goes last in the additional section. Returns SG_OK, SG_ESPACE
 * (does not fit in cap; nothing is truncated) or SG_EINVAL. */
SG_WUR int sg_msg_encode(uint8_t *buf, size_t cap, size_t *outlen, const sg_msg_t *msg);

/* Do two parsed messages say the same thing? Same header fields, EDNS
 * fields and options (in order), and the same records in the same order:
 * names compared ignoring ASCII case, RDATA in canonical form
 * (sg_rdata_compare), which is what compression may change. */
bool sg_msg_equal(const sg_msg_t *a, const sg_msg_t *b);

#endif
