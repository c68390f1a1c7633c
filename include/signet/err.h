/* signet — error codes shared by every module.
 *
 * Every function that can fail returns int: SG_OK (0) on success or one of
 * the negative codes below. sg_strerror() names each of them. Libraries
 * never print; where more detail helps (a zone-file line, a field of an
 * RDATA), the function also fills a caller-supplied message buffer.
 */
#ifndef SIGNET_ERR_H
#define SIGNET_ERR_H

#define SG_WUR __attribute__((warn_unused_result))

enum sg_err {
	SG_OK = 0,
	SG_ENOMEM = -1,    /* allocation failed or a hard size limit was hit */
	SG_EINVAL = -2,    /* bad argument from the caller */
	SG_ESYNTAX = -3,   /* presentation-format text that does not parse */
	SG_ERANGE = -4,    /* a number outside the range of its field */
	SG_ETOOLONG = -5,  /* label over 63 octets, name over 255, string over 255 */
	SG_ETRUNC = -6,    /* wire data ends before the structure it holds */
	SG_EPTR = -7,      /* bad compression pointer (forward, loop, out of bounds) */
	SG_ESPACE = -8,    /* output buffer too small (callers may retry or truncate) */
	SG_EIO = -9,       /* file or socket I/O failed (errno kept by the caller) */
	SG_ENOTFOUND = -10,/* no such name, record, key or file */
	SG_EUNSUP = -11,   /* valid but not supported (unknown algorithm, opcode) */
	SG_EZONE = -12,    /* the zone as a whole is not valid */
	SG_EMALFORMED = -13, /* wire data that is structurally wrong */
	SG_ECRYPTO = -14,  /* the crypto library failed */
	SG_EBADSIG = -15,  /* a signature does not verify */
	SG_ELIMIT = -16,   /* a configured limit was reached (depth, count, time) */
	SG_EEXIST = -17,   /* the thing already exists */
};

/* Returns a static, human-readable name for an SG_E* code (never NULL). */
const char *sg_strerror(int err);

#endif
