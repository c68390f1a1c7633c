/* signet — record types, classes and RDATA.
 *
 * One descriptor table (src/lib/wire/rrtype.c) drives parsing, printing,
 * wire encoding, canonical form and compression for every known type.
 * Types not in the table travel in the RFC 3597 generic form.
 */
#ifndef SIGNET_RR_H
#define SIGNET_RR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "signet/err.h"
#include "signet/name.h"

enum sg_class {
	SG_C_IN = 1,
	SG_C_CH = 3,
	SG_C_HS = 4,
	SG_C_NONE = 254,
	SG_C_ANY = 255,
};

enum sg_type {
	SG_T_A = 1, SG_T_NS = 2, SG_T_MD = 3, SG_T_MF = 4, SG_T_CNAME = 5, SG_T_SOA = 6,
	SG_T_MB = 7, SG_T_MG = 8, SG_T_MR = 9, SG_T_NULL = 10, SG_T_WKS = 11, SG_T_PTR = 12,
	SG_T_HINFO = 13, SG_T_MINFO = 14, SG_T_MX = 15, SG_T_TXT = 16, SG_T_RP = 17,
	SG_T_AFSDB = 18, SG_T_X25 = 19, SG_T_ISDN = 20, SG_T_RT = 21, SG_T_SIG = 24, SG_T_KEY = 25,
	SG_T_PX = 26, SG_T_AAAA = 28, SG_T_LOC = 29, SG_T_NXT = 30, SG_T_SRV = 33, SG_T_NAPTR = 35,
	SG_T_KX = 36, SG_T_CERT = 37, SG_T_A6 = 38, SG_T_DNAME = 39, SG_T_OPT = 41, SG_T_APL = 42,
	SG_T_DS = 43, SG_T_SSHFP = 44, SG_T_IPSECKEY = 45, SG_T_RRSIG = 46, SG_T_NSEC = 47,
	SG_T_DNSKEY = 48, SG_T_DHCID = 49, SG_T_NSEC3 = 50, SG_T_NSEC3PARAM = 51, SG_T_TLSA = 52,
	SG_T_SMIMEA = 53, SG_T_HIP = 55, SG_T_CDS = 59, SG_T_CDNSKEY = 60, SG_T_OPENPGPKEY = 61,
	SG_T_CSYNC = 62, SG_T_ZONEMD = 63, SG_T_SVCB = 64, SG_T_HTTPS = 65, SG_T_SPF = 99,
	SG_T_NID = 104, SG_T_L32 = 105, SG_T_L64 = 106, SG_T_LP = 107, SG_T_EUI48 = 108,
	SG_T_EUI64 = 109, SG_T_TKEY = 249, SG_T_TSIG = 250, SG_T_IXFR = 251, SG_T_AXFR = 252,
	SG_T_ANY = 255, SG_T_URI = 256, SG_T_CAA = 257,
};

/* Kinds of RDATA fields. Each type's RDATA is a sequence of these. */
enum sg_field {
	SG_F_END = 0,
	SG_F_U8,         /* decimal 0..255 */
	SG_F_U16,        /* decimal 0..65535 */
	SG_F_U32,        /* decimal 0..4294967295 */
	SG_F_PERIOD,     /* u32; text may use TTL units (SOA timers) */
	SG_F_A,          /* 4 octets, dotted quad */
	SG_F_AAAA,       /* 16 octets, RFC 4291 text */
	SG_F_NAME,       /* domain name (compression/case rules: type flags) */
	SG_F_STR,        /* one <character-string>: length octet + data */
	SG_F_STRS,       /* one or more <character-string> to the end (TXT) */
	SG_F_B64,        /* base64 to the end; may span several tokens */
	SG_F_HEX,        /* hex to the end; may span several tokens; may be empty */
	SG_F_SALT,       /* length octet + hex; "-" for empty (NSEC3) */
	SG_F_B32,        /* length octet + base32hex (NSEC3 next hashed owner) */
	SG_F_BITMAP,     /* type bitmap to the end (NSEC, NSEC3, CSYNC) */
	SG_F_TIME,       /* u32 seconds; text YYYYMMDDHHMMSS or decimal (RRSIG) */
	SG_F_TYPE,       /* u16 type as mnemonic (RRSIG type covered) */
	SG_F_ALG,        /* u8 DNSSEC algorithm, number or mnemonic */
	SG_F_CERTTYPE,   /* u16 CERT type, number or mnemonic (RFC 4398) */
	SG_F_LOC,        /* whole LOC RDATA (RFC 1876) */
	SG_F_SVCPARAMS,  /* SvcParams to the end (RFC 9460) */
	SG_F_TAG,        /* length octet + unquoted alphanumeric tag (CAA) */
	SG_F_REST,       /* the rest as one string, no length octet (CAA value, URI target) */
	SG_F_EUI48,      /* 6 octets xx-xx-xx-xx-xx-xx */
	SG_F_EUI64,      /* 8 octets */
	SG_F_ILNP64,     /* 8 octets xxxx:xxxx:xxxx:xxxx (NID, L64) */
	SG_F_OPTS,       /* EDNS options to the end (OPT pseudo-RR) */
};

/* Type flags. */
enum {
	SG_TF_COMPRESS = 1 << 0,   /* names may be compressed on output (RFC 3597 §4: RFC 1035 types) */
	SG_TF_DECOMPRESS = 1 << 1, /* compressed names accepted on input */
	SG_TF_LOWER = 1 << 2,      /* names lowercased in canonical form (RFC 4034 §6.2, RFC 6840 §5.1) */
	SG_TF_META = 1 << 3,       /* meta type or QTYPE, never in a zone (OPT, TSIG, AXFR, ANY…) */
	SG_TF_OBSOLETE = 1 << 4,   /* obsolete; parsed but discouraged */
};

#define SG_MAX_FIELDS 10

typedef struct sg_rrtype_desc {
	uint16_t type;
	uint8_t flags;
	const char *name;
	uint8_t fields[SG_MAX_FIELDS]; /* enum sg_field, SG_F_END-terminated */
} sg_rrtype_desc_t;

/* The descriptor for a type, or NULL when signet does not know the type
 * (it then travels in the RFC 3597 generic form). */
const sg_rrtype_desc_t *sg_rrtype_desc(uint16_t type);

/* Type mnemonic ("A", "TYPE65000" for unknown ones). Writes into buf
 * (at least 16 bytes) only when needed; returns a pointer to the name. */
const char *sg_type_name(uint16_t type, char buf[16]);
/* Parses a mnemonic (case-insensitive) or TYPEnnn. SG_ESYNTAX otherwise. */
SG_WUR int sg_type_from_text(uint16_t *type, const char *s, size_t len);
const char *sg_class_name(uint16_t rclass, char buf[16]);
SG_WUR int sg_class_from_text(uint16_t *rclass, const char *s, size_t len);
/* DNSSEC algorithm mnemonic (RSASHA256…) or NULL. */
const char *sg_alg_name(uint8_t alg);
SG_WUR int sg_alg_from_text(uint8_t *alg, const char *s, size_t len);

/* ---- presentation form ------------------------------------------------- */

#define SG_RDATA_MAX 65535

/* A token of RDATA text as the zone-file scanner split it: the raw text
 * (backslash escapes NOT processed) and whether it was inside quotes
 * (the quotes themselves are not part of text). */
typedef struct sg_token {
	const char *text;
	uint32_t len;
	uint32_t quoted;
} sg_token_t;

/* Builds wire RDATA of `type` from its tokens. Relative names get `origin`
 * appended. The RFC 3597 form (`\# LEN HEX...`) is accepted for every type.
 * On failure returns SG_ESYNTAX/SG_ERANGE/SG_ETOOLONG/SG_ESPACE and writes a
 * message naming the field and the bad text into err (e.g.
 * `bad IPv4 address "1.2.3"`). */
SG_WUR int sg_rdata_from_text(uint8_t *dst, size_t cap, size_t *outlen, uint16_t type,
			      const sg_token_t *tok, size_t ntok, const uint8_t *origin, char *err,
			      size_t errcap);

enum {
	SG_TEXT_GENERIC = 1 << 0, /* always use the RFC 3597 \# form */
};

/* Writes RDATA in presentation form (absolute names). Unknown types and
 * RDATA that does not match its type's layout use the \# form. Returns the
 * length written (NUL-terminated) or SG_ESPACE. */
int sg_rdata_to_text(char *dst, size_t cap, uint16_t type, const uint8_t *rdata, size_t rdlen,
		     unsigned flags);

/* Writes a whole record: `owner TTL CLASS TYPE RDATA`, tab-separated. */
int sg_rr_to_text(char *dst, size_t cap, const uint8_t *owner, uint32_t ttl, uint16_t rclass,
		  uint16_t type, const uint8_t *rdata, size_t rdlen, unsigned flags);

/* ---- wire form -------------------------------------------------------------- */

/* Checks that RDATA is well formed for its type (every field present and in
 * range, names well formed, nothing left over). Unknown types always pass.
 * Returns SG_OK or SG_EMALFORMED. */
SG_WUR int sg_rdata_check(uint16_t type, const uint8_t *rdata, size_t rdlen);

/* Copies the RDATA of an RR found at msg[pos..pos+rdlen) into dst,
 * decompressing names for types that allow it (SG_TF_DECOMPRESS). */
SG_WUR int sg_rdata_unpack(uint8_t *dst, size_t cap, size_t *outlen, uint16_t type, const uint8_t *msg,
			   size_t msglen, size_t pos, size_t rdlen);

/* Lowercases, in place, the names that canonical form lowercases for this
 * type (RFC 4034 §6.2 as amended by RFC 6840 §5.1). RDATA must be valid. */
void sg_rdata_canonicalize(uint16_t type, uint8_t *rdata, size_t rdlen);

/* Canonical RDATA order (RFC 4034 §6.3): compares the canonical forms
 * as left-justified octet strings. */
int sg_rdata_compare(uint16_t type, const uint8_t *a, size_t alen, const uint8_t *b, size_t blen);

#endif
