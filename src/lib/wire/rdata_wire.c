/* RDATA in wire form: layout checks, decompression, canonical form.
 * Every function walks the fields of the type's descriptor. */
#include <string.h>

#include "signet/rr.h"
#include "wire/rdata_walk.h"

/* Length of the name at p (uncompressed), or negative. */
static int name_len(const uint8_t *p, size_t avail)
{
	size_t o = 0;
	for (;;) {
		if (o >= avail)
			return SG_EMALFORMED;
		uint8_t c = p[o];
		if (c == 0)
			return (int)(o + 1);
		if (c > SG_LABEL_MAX)
			return SG_EMALFORMED;
		o += (size_t)c + 1;
		if (o >= SG_NAME_MAX)
			return SG_EMALFORMED;
	}
}

static int bitmap_len(const uint8_t *p, size_t avail)
{
	size_t o = 0;
	int last = -1;
	while (o < avail) {
		if (avail - o < 2)
			return SG_EMALFORMED;
		uint8_t win = p[o], len = p[o + 1];
		if ((int)win <= last || len == 0 || len > 32 || avail - o - 2 < len)
			return SG_EMALFORMED;
		last = win;
		o += 2 + (size_t)len;
	}
	return (int)o;
}

static int svcparams_len(const uint8_t *p, size_t avail)
{
	size_t o = 0;
	while (o < avail) {
		if (avail - o < 4)
			return SG_EMALFORMED;
		uint16_t vlen = (uint16_t)(p[o + 2] << 8 | p[o + 3]);
		if (avail - o - 4 < vlen)
			return SG_EMALFORMED;
		o += 4 + vlen;
	}
	return (int)o;
}

int sg_rdata_field_len(uint8_t kind, const uint8_t *p, size_t avail)
{
	switch (kind) {
	case SG_F_U8:
	case SG_F_ALG:
		return avail >= 1 ? 1 : SG_EMALFORMED;
	case SG_F_U16:
	case SG_F_TYPE:
	case SG_F_CERTTYPE:
		return avail >= 2 ? 2 : SG_EMALFORMED;
	case SG_F_U32:
	case SG_F_PERIOD:
	case SG_F_TIME:
	case SG_F_A:
		return avail >= 4 ? 4 : SG_EMALFORMED;
	case SG_F_EUI48:
		return avail >= 6 ? 6 : SG_EMALFORMED;
	case SG_F_EUI64:
	case SG_F_ILNP64:
		return avail >= 8 ? 8 : SG_EMALFORMED;
	case SG_F_AAAA:
		return avail >= 16 ? 16 : SG_EMALFORMED;
	case SG_F_LOC:
		/* version 0 is 16 octets; other versions are opaque */
		if (avail < 1)
			return SG_EMALFORMED;
		if (p[0] == 0)
			return avail >= 16 ? 16 : SG_EMALFORMED;
		return (int)avail;
	case SG_F_NAME:
		return name_len(p, avail);
	case SG_F_STR:
	case SG_F_SALT:
	case SG_F_TAG:
		if (avail < 1 || avail - 1 < p[0])
			return SG_EMALFORMED;
		if (kind == SG_F_TAG && p[0] == 0)
			return SG_EMALFORMED;
		return 1 + p[0];
	case SG_F_B32:
		if (avail < 1 || p[0] == 0 || avail - 1 < p[0])
			return SG_EMALFORMED;
		return 1 + p[0];
	case SG_F_STRS: {
		size_t o = 0;
		if (avail == 0)
			return SG_EMALFORMED;
		while (o < avail) {
			if (avail - o - 1 < p[o])
				return SG_EMALFORMED;
			o += 1 + (size_t)p[o];
		}
		return (int)o;
	}
	case SG_F_BITMAP:
		return bitmap_len(p, avail);
	case SG_F_SVCPARAMS:
		return svcparams_len(p, avail);
	case SG_F_OPTS:
		return svcparams_len(p, avail); /* same code/length/value layout */
	case SG_F_B64:
	case SG_F_HEX:
	case SG_F_REST:
		return (int)avail;
	}
	return SG_EMALFORMED;
}

int sg_rdata_check(uint16_t type, const uint8_t *rdata, size_t rdlen)
{
	const sg_rrtype_desc_t *d = sg_rrtype_desc(type);
	if (!d || (d->flags & SG_TF_META && d->fields[0] == SG_F_END))
		return SG_OK;
	size_t o = 0;
	for (const uint8_t *f = d->fields; *f != SG_F_END; f++) {
		int n = sg_rdata_field_len(*f, rdata + o, rdlen - o);
		if (n < 0)
			return SG_EMALFORMED;
		o += (size_t)n;
	}
	return o == rdlen ? SG_OK : SG_EMALFORMED;
}

int sg_rdata_unpack(uint8_t *dst, size_t cap, size_t *outlen, uint16_t type, const uint8_t *msg,
		    size_t msglen, size_t pos, size_t rdlen)
{
	if (pos > msglen || msglen - pos < rdlen)
		return SG_ETRUNC;
	const sg_rrtype_desc_t *d = sg_rrtype_desc(type);
	if (!d || !(d->flags & SG_TF_DECOMPRESS)) {
		if (rdlen > cap)
			return SG_ESPACE;
		memcpy(dst, msg + pos, rdlen);
		*outlen = rdlen;
		return SG_OK;
	}
	size_t end = pos + rdlen, o = 0;
	for (const uint8_t *f = d->fields; *f != SG_F_END; f++) {
		if (*f == SG_F_NAME) {
			uint8_t name[SG_NAME_MAX];
			size_t nl;
			/* a name may not point or run past the end of this RDATA */
			int r = sg_name_unpack(name, &nl, msg, end, &pos);
			if (r < 0)
				return r;
			if (cap - o < nl)
				return SG_ESPACE;
			memcpy(dst + o, name, nl);
			o += nl;
			continue;
		}
		int n = sg_rdata_field_len(*f, msg + pos, end - pos);
		if (n < 0)
			return n;
		if (cap - o < (size_t)n)
			return SG_ESPACE;
		memcpy(dst + o, msg + pos, (size_t)n);
		o += (size_t)n;
		pos += (size_t)n;
	}
	if (pos != end)
		return SG_EMALFORMED;
	*outlen = o;
	return SG_OK;
}

void sg_rdata_canonicalize(uint16_t type, uint8_t *rdata, size_t rdlen)
{
	const sg_rrtype_desc_t *d = sg_rrtype_desc(type);
	if (!d || !(d->flags & SG_TF_LOWER))
		return;
	size_t o = 0;
	for (const uint8_t *f = d->fields; *f != SG_F_END; f++) {
		int n = sg_rdata_field_len(*f, rdata + o, rdlen - o);
		if (n < 0)
			return;
		if (*f == SG_F_NAME)
			sg_name_lower(rdata + o);
		o += (size_t)n;
	}
}

int sg_rdata_compare(uint16_t type, const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	const sg_rrtype_desc_t *d = sg_rrtype_desc(type);
	if (d && (d->flags & SG_TF_LOWER)) {
		uint8_t ca[SG_RDATA_MAX], cb[SG_RDATA_MAX];
		memcpy(ca, a, alen);
		memcpy(cb, b, blen);
		sg_rdata_canonicalize(type, ca, alen);
		sg_rdata_canonicalize(type, cb, blen);
		size_t m = alen < blen ? alen : blen;
		int c = memcmp(ca, cb, m);
		if (c)
			return c;
	} else {
		size_t m = alen < blen ? alen : blen;
		int c = m ? memcmp(a, b, m) : 0;
		if (c)
			return c;
	}
	return alen < blen ? -1 : alen > blen;
}
