/* The rules of authority and denial shared by the signer and the verifier. */
#include <string.h>

#include "signet/denial.h"
#include "signet/rr.h"

static bool is_dnssec_meta(uint16_t t)
{
	return t == SG_T_RRSIG || t == SG_T_NSEC || t == SG_T_NSEC3;
}

bool sg_denial_authoritative(const sg_zone_t *z, const sg_zone_node_t *n)
{
	(void)z;
	return !(sg_zone_node_flags(n) & (SG_ZN_BELOW_CUT | SG_ZN_BELOW_DNAME));
}

bool sg_denial_rrset_signed(const sg_zone_t *z, const sg_zone_node_t *n, uint16_t type)
{
	if (type == SG_T_RRSIG || !sg_denial_authoritative(z, n))
		return false;
	if (sg_zone_node_flags(n) & SG_ZN_CUT)
		return type == SG_T_DS || type == SG_T_NSEC;
	return true;
}

/* Does the node hold data the chain speaks for (ignoring old DNSSEC records)? */
static bool has_data(const sg_zone_t *z, const sg_zone_node_t *n)
{
	size_t c = sg_zone_node_rrset_count(n);
	for (size_t i = 0; i < c; i++)
		if (!is_dnssec_meta(sg_zone_rrset_type(sg_zone_node_rrset(z, n, i))))
			return true;
	return false;
}

bool sg_denial_nsec_owner(const sg_zone_t *z, const sg_zone_node_t *n)
{
	return sg_denial_authoritative(z, n) && has_data(z, n);
}

static bool insecure_cut(const sg_zone_t *z, const sg_zone_node_t *n)
{
	return (sg_zone_node_flags(n) & SG_ZN_CUT) && !sg_zone_node_find(z, n, SG_T_DS);
}

bool sg_denial_nsec3_owner(const sg_zone_t *z, const sg_zone_node_t *n, bool opt_out)
{
	if (!sg_denial_authoritative(z, n))
		return false;
	/* A node holding only DNSSEC records (an NSEC3 owner, a stray NSEC or
	 * RRSIG) is not a name of the zone's data: it gets no NSEC3 itself. */
	if (sg_zone_node_rrset_count(n) > 0 && !has_data(z, n))
		return false;
	if (!opt_out)
		return true;
	if (insecure_cut(z, n))
		return false;
	if (has_data(z, n))
		return true;
	/* An empty non-terminal: keep it unless everything below it that
	 * needs an NSEC3 is an insecure delegation. Its descendants follow it
	 * directly in canonical order. */
	const uint8_t *name = sg_zone_node_name(z, n);
	size_t total = sg_zone_node_count(z);
	for (size_t i = sg_zone_node_index(z, n) + 1; i < total; i++) {
		const sg_zone_node_t *d = sg_zone_node(z, i);
		if (!sg_name_is_subdomain(sg_zone_node_name(z, d), name))
			break;
		if (!sg_denial_authoritative(z, d) || !has_data(z, d))
			continue;
		if (!insecure_cut(z, d))
			return true;
	}
	return false;
}

static int add_type(uint16_t *types, size_t cap, size_t *n, uint16_t t)
{
	for (size_t i = 0; i < *n; i++)
		if (types[i] == t)
			return SG_OK;
	if (*n >= cap)
		return SG_ESPACE;
	/* keep ascending: insert in place */
	size_t i = *n;
	while (i > 0 && types[i - 1] > t) {
		types[i] = types[i - 1];
		i--;
	}
	types[i] = t;
	(*n)++;
	return SG_OK;
}

int sg_denial_types(uint16_t *types, size_t cap, const sg_zone_t *z, const sg_zone_node_t *n,
		    enum sg_denial_kind kind)
{
	size_t cnt = 0;
	bool cut = sg_zone_node_flags(n) & SG_ZN_CUT;
	bool signed_any = false;
	size_t c = sg_zone_node_rrset_count(n);
	for (size_t i = 0; i < c; i++) {
		uint16_t t = sg_zone_rrset_type(sg_zone_node_rrset(z, n, i));
		if (is_dnssec_meta(t))
			continue;
		if (cut && t != SG_T_NS && t != SG_T_DS)
			continue;
		int r = add_type(types, cap, &cnt, t);
		if (r < 0)
			return r;
		if (sg_denial_rrset_signed(z, n, t))
			signed_any = true;
	}
	int r = SG_OK;
	if (kind == SG_DENIAL_NSEC) {
		/* the NSEC itself is signed, so RRSIG is always there */
		r = add_type(types, cap, &cnt, SG_T_RRSIG);
		if (r == SG_OK)
			r = add_type(types, cap, &cnt, SG_T_NSEC);
	} else if (signed_any) {
		r = add_type(types, cap, &cnt, SG_T_RRSIG);
	}
	return r < 0 ? r : (int)cnt;
}

int sg_bitmap_encode(uint8_t *dst, size_t cap, const uint16_t *types, size_t n)
{
	size_t o = 0, i = 0;
	while (i < n) {
		uint8_t win = (uint8_t)(types[i] >> 8);
		uint8_t bits[32];
		memset(bits, 0, sizeof(bits));
		int maxb = -1;
		while (i < n && (types[i] >> 8) == win) {
			uint8_t lo = (uint8_t)types[i];
			bits[lo / 8] |= (uint8_t)(0x80 >> (lo % 8));
			if (lo / 8 > maxb)
				maxb = lo / 8;
			i++;
		}
		size_t len = (size_t)maxb + 1;
		if (cap - o < 2 + len)
			return SG_ESPACE;
		dst[o++] = win;
		dst[o++] = (uint8_t)len;
		memcpy(dst + o, bits, len);
		o += len;
	}
	return (int)o;
}

bool sg_bitmap_has(const uint8_t *bitmap, size_t len, uint16_t type)
{
	size_t o = 0;
	uint8_t win = (uint8_t)(type >> 8), lo = (uint8_t)type;
	while (o + 2 <= len) {
		uint8_t w = bitmap[o], bl = bitmap[o + 1];
		if (o + 2 + bl > len)
			return false;
		if (w == win)
			return lo / 8 < bl && (bitmap[o + 2 + lo / 8] & (0x80 >> (lo % 8)));
		o += 2 + (size_t)bl;
	}
	return false;
}

int sg_bitmap_decode(uint16_t *types, size_t cap, const uint8_t *bitmap, size_t len)
{
	size_t o = 0, n = 0;
	while (o < len) {
		if (len - o < 2)
			return SG_EMALFORMED;
		uint8_t w = bitmap[o], bl = bitmap[o + 1];
		if (bl == 0 || bl > 32 || len - o - 2 < bl)
			return SG_EMALFORMED;
		for (unsigned b = 0; b < (unsigned)bl * 8; b++)
			if (bitmap[o + 2 + b / 8] & (0x80 >> (b % 8))) {
				if (n >= cap)
					return SG_ESPACE;
				types[n++] = (uint16_t)(w << 8 | b);
			}
		o += 2 + (size_t)bl;
	}
	return (int)n;
}

uint32_t sg_denial_ttl(const sg_zone_t *z)
{
	const sg_zone_rrset_t *soa = sg_zone_soa(z);
	if (!soa)
		return 3600;
	uint16_t len;
	const uint8_t *rd = sg_zone_rrset_rdata(z, soa, 0, &len);
	uint32_t ttl = sg_zone_rrset_ttl(soa);
	if (len < 20)
		return ttl;
	const uint8_t *m = rd + len - 4;
	uint32_t min = (uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 | (uint32_t)m[2] << 8 | m[3];
	return min < ttl ? min : ttl;
}
