#include "signet/err.h"

const char *sg_strerror(int err)
{
	switch (err) {
	case SG_OK: return "success";
	case SG_ENOMEM: return "out of memory or over a size limit";
	case SG_EINVAL: return "invalid argument";
	case SG_ESYNTAX: return "syntax error";
	case SG_ERANGE: return "value out of range";
	case SG_ETOOLONG: return "too long";
	case SG_ETRUNC: return "truncated data";
	case SG_EPTR: return "bad compression pointer";
	case SG_ESPACE: return "no space left in buffer";
	case SG_EIO: return "I/O error";
	case SG_ENOTFOUND: return "not found";
	case SG_EUNSUP: return "not supported";
	case SG_EZONE: return "invalid zone";
	case SG_EMALFORMED: return "malformed data";
	case SG_ECRYPTO: return "cryptographic library error";
	case SG_EBADSIG: return "signature does not verify";
	case SG_ELIMIT: return "limit reached";
	case SG_EEXIST: return "already exists";
	}
	return "unknown error";
}
