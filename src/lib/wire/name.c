/* Domain names in wire form: parsing, printing, comparison, decompression. */
#include <string.h>

#include "signet/name.h"

const uint8_t sg_name_root[1] = {0};

static inline uint8_t lower(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

int sg_name_from_text(uint8_t dst[SG_NAME_MAX], size_t *dstlen, const char *text, size_t len,
		      const uint8_t *origin)
{
	if (len == 0)
		return SG_ESYNTAX;
	if (len == 1 && text[0] == '@') {
		if (!origin)
			return SG_ESYNTAX;
		*dstlen = sg_name_copy(dst, origin);
		return SG_OK;
	}
	if (len == 1 && text[0] == '.') {
		dst[0] = 0;
		*dstlen = 1;
		return SG_OK;
	}
	/* dst may hold the origin ($ORIGIN relative to the current origin):
	 * take a copy before the labels overwrite it. */
	uint8_t ocopy[SG_NAME_MAX];
	if (origin && (uintptr_t)origin < (uintptr_t)dst + SG_NAME_MAX &&
	    (uintptr_t)dst < (uintptr_t)origin + SG_NAME_MAX) {
		sg_name_copy(ocopy, origin);
		origin = ocopy;
	}
	size_t o = 0;     /* write position */
	size_t lab = 0;   /* position of the current label's length octet */
	bool absolute = false;
	dst[0] = 0;
	o = 1;
	for (size_t i = 0; i < len; i++) {
		uint8_t c = (uint8_t)text[i];
		if (c == '.') {
			size_t ll = o - lab - 1;
			if (ll == 0)
				return SG_ESYNTAX; /* empty label */
			dst[lab] = (uint8_t)ll;
			if (i == len - 1) {
				absolute = true;
				break;
			}
			if (o >= SG_NAME_MAX)
				return SG_ETOOLONG;
			lab = o++;
			dst[lab] = 0;
			continue;
		}
		if (c == '\\') {
			if (i + 1 >= len)
				return SG_ESYNTAX;
			uint8_t n = (uint8_t)text[i + 1];
			if (n >= '0' && n <= '9') {
				if (i + 3 >= len)
					return SG_ESYNTAX;
				unsigned v = 0;
				for (int k = 1; k <= 3; k++) {
					uint8_t d = (uint8_t)text[i + k];
					if (d < '0' || d > '9')
						return SG_ESYNTAX;
					v = v * 10 + (d - '0');
				}
				if (v > 255)
					return SG_ESYNTAX;
				c = (uint8_t)v;
				i += 3;
			} else {
				c = n;
				i += 1;
			}
		}
		if (o - lab - 1 >= SG_LABEL_MAX)
			return SG_ETOOLONG;
		if (o >= SG_NAME_MAX)
			return SG_ETOOLONG;
		dst[o++] = c;
	}
	if (!absolute) {
		size_t ll = o - lab - 1;
		if (ll == 0)
			return SG_ESYNTAX;
		dst[lab] = (uint8_t)ll;
		if (!origin)
			return SG_ESYNTAX;
		size_t olen = sg_name_len(origin);
		if (o + olen > SG_NAME_MAX)
			return SG_ETOOLONG;
		memcpy(dst + o, origin, olen);
		o += olen;
	} else {
		if (o >= SG_NAME_MAX)
			return SG_ETOOLONG;
		dst[o++] = 0;
	}
	*dstlen = o;
	return SG_OK;
}

static bool special(uint8_t c)
{
	switch (c) {
	case '.': case '\\': case '"': case ';': case '(': case ')': case '@': case '$':
		return true;
	}
	return false;
}

int sg_name_to_text(char *dst, size_t cap, const uint8_t *name)
{
	size_t o = 0;
	if (name[0] == 0) {
		if (cap < 2)
			return SG_ESPACE;
		dst[0] = '.';
		dst[1] = 0;
		return 1;
	}
	while (*name) {
		uint8_t ll = *name++;
		for (uint8_t i = 0; i < ll; i++) {
			uint8_t c = name[i];
			if (c <= 0x20 || c >= 0x7f) {
				if (o + 4 >= cap)
					return SG_ESPACE;
				dst[o++] = '\\';
				dst[o++] = (char)('0' + c / 100);
				dst[o++] = (char)('0' + c / 10 % 10);
				dst[o++] = (char)('0' + c % 10);
			} else if (special(c)) {
				if (o + 2 >= cap)
					return SG_ESPACE;
				dst[o++] = '\\';
				dst[o++] = (char)c;
			} else {
				if (o + 1 >= cap)
					return SG_ESPACE;
				dst[o++] = (char)c;
			}
		}
		name += ll;
		if (o + 1 >= cap)
			return SG_ESPACE;
		dst[o++] = '.';
	}
	dst[o] = 0;
	return (int)o;
}

size_t sg_name_len(const uint8_t *name)
{
	const uint8_t *p = name;
	while (*p)
		p += *p + 1;
	return (size_t)(p - name) + 1;
}

unsigned sg_name_labels(const uint8_t *name)
{
	unsigned n = 0;
	while (*name) {
		name += *name + 1;
		n++;
	}
	return n;
}

bool sg_name_is_wildcard(const uint8_t *name)
{
	return name[0] == 1 && name[1] == '*';
}

unsigned sg_name_rrsig_labels(const uint8_t *name)
{
	unsigned n = sg_name_labels(name);
	return sg_name_is_wildcard(name) ? n - 1 : n;
}

const uint8_t *sg_name_parent(const uint8_t *name)
{
	return *name ? name + *name + 1 : name;
}

/* Lowercases the ASCII letters among 8 octets at once (length octets are
 * below 64, so they are never mistaken for letters). */
static inline uint64_t lower8(uint64_t x)
{
	const uint64_t hi = 0x8080808080808080ull;
	uint64_t h = x & ~hi;                      /* each octet below 0x80 */
	uint64_t ge_a = h + 0x3f3f3f3f3f3f3f3full; /* high bit: h >= 'A' */
	uint64_t gt_z = h + 0x2525252525252525ull; /* high bit: h > 'Z' */
	return x | ((ge_a & ~gt_z & ~x & hi) >> 2);
}

/* Octets [i, i+8) of a name of n octets, zero past its end. */
static inline uint64_t load8(const uint8_t *p, size_t i, size_t n)
{
	uint64_t w = 0;
	if (n - i >= 8)
		memcpy(&w, p + i, 8); /* one load */
	else
		for (size_t k = 0; k < n - i; k++)
			w |= (uint64_t)p[i + k] << (8 * k);
	return w;
}

bool sg_name_equal(const uint8_t *a, const uint8_t *b)
{
	if (a == b)
		return true;
	if (*a != *b)
		return false; /* the common miss: different first label length */
	size_t n = sg_name_len(a);
	if (n != sg_name_len(b))
		return false;
	/* Equal lowercased octets over the same length mean the same labels
	 * (length octets are below 64, never letters). Names of 8 octets or
	 * more are read in whole words, the last one overlapping the one
	 * before it. */
	if (n < 8)
		return lower8(load8(a, 0, n)) == lower8(load8(b, 0, n));
	for (size_t i = 0; i + 8 < n; i += 8)
		if (lower8(load8(a, i, n)) != lower8(load8(b, i, n)))
			return false;
	return lower8(load8(a, n - 8, n)) == lower8(load8(b, n - 8, n));
}

/* Offsets of each label's length octet, first label first. */
static unsigned label_offsets(const uint8_t *name, uint8_t off[128])
{
	unsigned n = 0;
	size_t p = 0;
	while (name[p]) {
		off[n++] = (uint8_t)p;
		p += name[p] + 1;
	}
	return n;
}

int sg_name_compare(const uint8_t *a, const uint8_t *b)
{
	uint8_t oa[128], ob[128];
	unsigned na = label_offsets(a, oa), nb = label_offsets(b, ob);
	while (na > 0 && nb > 0) {
		const uint8_t *la = a + oa[--na], *lb = b + ob[--nb];
		uint8_t lla = la[0], llb = lb[0];
		uint8_t m = lla < llb ? lla : llb;
		for (uint8_t i = 1; i <= m; i++) {
			uint8_t ca = lower(la[i]), cb = lower(lb[i]);
			if (ca != cb)
				return ca < cb ? -1 : 1;
		}
		if (lla != llb)
			return lla < llb ? -1 : 1;
	}
	if (na == nb)
		return 0;
	return na < nb ? -1 : 1;
}

bool sg_name_is_subdomain(const uint8_t *name, const uint8_t *parent)
{
	unsigned nl = sg_name_labels(name), pl = sg_name_labels(parent);
	if (nl < pl)
		return false;
	return sg_name_equal(sg_name_suffix(name, pl), parent);
}

const uint8_t *sg_name_suffix(const uint8_t *name, unsigned n)
{
	unsigned total = sg_name_labels(name);
	while (total > n) {
		name += *name + 1;
		total--;
	}
	return name;
}

void sg_name_lower(uint8_t *name)
{
	while (*name) {
		uint8_t ll = *name++;
		for (uint8_t i = 0; i < ll; i++)
			name[i] = lower(name[i]);
		name += ll;
	}
}

size_t sg_name_copy(uint8_t *dst, const uint8_t *src)
{
	size_t n = sg_name_len(src);
	memmove(dst, src, n);
	return n;
}

uint32_t sg_name_hash(const uint8_t *name)
{
	return sg_name_hash_len(name, sg_name_len(name));
}

uint32_t sg_name_hash_len(const uint8_t *name, size_t n)
{
	/* eight lowercased octets at a time, multiply-xorshift mixing */
	uint64_t h = 0x243f6a8885a308d3ull ^ n;
	/* whole words; as in sg_name_equal the last one may overlap */
	for (size_t i = 0; i < n; i += 8) {
		size_t at = n >= 8 && i + 8 > n ? n - 8 : i;
		h ^= lower8(load8(name, at, n));
		h *= 0x9e3779b97f4a7c15ull;
		h ^= h >> 32;
	}
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return (uint32_t)h;
}

int sg_name_unpack(uint8_t dst[SG_NAME_MAX], size_t *dstlen, const uint8_t *msg, size_t msglen,
		   size_t *pos)
{
	size_t p = *pos, o = 0, end = 0;
	bool jumped = false;
	unsigned hops = 0;
	size_t lowest = p; /* pointers must go strictly below every position seen */
	for (;;) {
		if (p >= msglen)
			return SG_ETRUNC;
		uint8_t c = msg[p];
		if ((c & 0xc0) == 0xc0) {
			if (p + 1 >= msglen)
				return SG_ETRUNC;
			size_t target = (size_t)(c & 0x3f) << 8 | msg[p + 1];
			if (!jumped)
				end = p + 2;
			if (target >= lowest || ++hops > 127)
				return SG_EPTR;
			lowest = target;
			p = target;
			jumped = true;
			continue;
		}
		if (c & 0xc0)
			return SG_EMALFORMED; /* 0x40/0x80: extended label types */
		if (c == 0) {
			if (o + 1 > SG_NAME_MAX)
				return SG_ETOOLONG;
			dst[o++] = 0;
			if (!jumped)
				end = p + 1;
			break;
		}
		if (p + 1 + c > msglen)
			return SG_ETRUNC;
		if (o + 1 + c + 1 > SG_NAME_MAX)
			return SG_ETOOLONG;
		memcpy(dst + o, msg + p, (size_t)c + 1);
		o += (size_t)c + 1;
		p += (size_t)c + 1;
	}
	*dstlen = o;
	*pos = end;
	return SG_OK;
}
