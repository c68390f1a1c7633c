/* signet — domain names.
 *
 * A name is held in uncompressed wire form: length-prefixed labels ending
 * with the root label (a zero octet), at most SG_NAME_MAX octets, labels at
 * most 63 octets. Functions taking `const uint8_t *name` trust that the name
 * is well formed (it came from sg_name_from_text() or sg_name_unpack(),
 * which check). Case is preserved; comparisons ignore ASCII case.
 */
#ifndef SIGNET_NAME_H
#define SIGNET_NAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "signet/err.h"

#define SG_NAME_MAX 255
#define SG_LABEL_MAX 63
/* Longest presentation form: every octet as \DDD plus dots. */
#define SG_NAME_TEXT_MAX 1024

extern const uint8_t sg_name_root[1];

/* Parses presentation form (escapes \. and \DDD allowed). A name not ending
 * in an unescaped dot is relative and gets `origin` appended; "@" alone is
 * the origin. With origin NULL a relative name is SG_ESYNTAX.
 * Errors: SG_ESYNTAX (empty label, bad escape), SG_ETOOLONG (label > 63,
 * name > 255). On success *dstlen is the wire length. */
SG_WUR int sg_name_from_text(uint8_t dst[SG_NAME_MAX], size_t *dstlen, const char *text, size_t len,
			     const uint8_t *origin);

/* Writes the absolute presentation form (trailing dot; the root is ".").
 * Octets outside printable ASCII and the specials . \ " ; ( ) @ $ and space
 * are escaped. Returns the length written (NUL-terminated) or SG_ESPACE. */
int sg_name_to_text(char *dst, size_t cap, const uint8_t *name);

/* Wire length of a well-formed name, including the root octet. */
size_t sg_name_len(const uint8_t *name);
/* Number of labels, not counting the root (the root has 0). */
unsigned sg_name_labels(const uint8_t *name);
/* RRSIG "labels" value: like sg_name_labels() but a leading "*" is not counted. */
unsigned sg_name_rrsig_labels(const uint8_t *name);
/* Is the first label exactly "*"? */
bool sg_name_is_wildcard(const uint8_t *name);
/* Name without its first label (the root returns itself). */
const uint8_t *sg_name_parent(const uint8_t *name);
/* Equal ignoring ASCII case. */
bool sg_name_equal(const uint8_t *a, const uint8_t *b);
/* RFC 4034 §6.1 canonical order: <0, 0, >0. */
int sg_name_compare(const uint8_t *a, const uint8_t *b);
/* Is `name` equal to or below `parent`? */
bool sg_name_is_subdomain(const uint8_t *name, const uint8_t *parent);
/* Lowercases ASCII letters in place. */
void sg_name_lower(uint8_t *name);
/* Copies a well-formed name; returns its length. */
size_t sg_name_copy(uint8_t *dst, const uint8_t *src);
/* The suffix of `name` with `n` labels (n <= labels). */
const uint8_t *sg_name_suffix(const uint8_t *name, unsigned n);
/* Case-insensitive hash of a name (for hash tables). */
uint32_t sg_name_hash(const uint8_t *name);
/* The same for a name whose wire length n (sg_name_len) is known. */
uint32_t sg_name_hash_len(const uint8_t *name, size_t n);

/* Reads a possibly compressed name at msg[*pos] (RFC 1035 §4.1.4). Pointers
 * must point backwards inside msg; loops, forward and out-of-bounds
 * pointers are SG_EPTR; a name running off the end is SG_ETRUNC; over 255
 * octets SG_ETOOLONG. On success *pos is just past the name in the original
 * position and *dstlen the uncompressed length. */
SG_WUR int sg_name_unpack(uint8_t dst[SG_NAME_MAX], size_t *dstlen, const uint8_t *msg, size_t msglen,
			  size_t *pos);

#endif
