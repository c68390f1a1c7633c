/* signet-resolver — built replies kept for the questions asked again. See
 * pktcache.h and docs/internals/resolver.md.
 *
 * Blob in the cache: the reply first (so a lookup copies the blob straight
 * into the caller's send buffer and the reply is in place), then the
 * offsets of its n TTL fields (2 octets each), then a trailer: n (2), sec
 * (1) and born (8 octets, the `now` it was built at). */
#include <string.h>

#include "resolver/pktcache.h"
#include "signet/rr.h"
#include "signet/validate.h"

#define PC_KIND    0x80 /* rcache kind: PC_KIND | the bits below */
#define PC_RD      0x01
#define PC_CD      0x02
#define PC_AD      0x04
#define PC_DO      0x08
#define PC_EDNS    0x10
#define PC_TTL_MAX   256  /* TTL fields in one kept reply; replies with more are not kept */
#define PC_REPLY_MAX 4096 /* octets of one kept reply (UDP replies are smaller) */
#define PC_TRAILER 11

static uint8_t kind_of(const sg_msg_t *q)
{
	uint8_t k = PC_KIND;
	if (q->flags & SG_MSG_RD)
		k |= PC_RD;
	if (q->flags & SG_MSG_CD)
		k |= PC_CD;
	if (q->flags & SG_MSG_AD)
		k |= PC_AD;
	if (q->has_edns) {
		k |= PC_EDNS;
		if (q->edns.flags & SG_EDNS_DO)
			k |= PC_DO;
	}
	return k;
}

/* Offset just past the (possibly compressed) name at p, or 0. */
static size_t skip_name(const uint8_t *m, size_t len, size_t p)
{
	while (p < len) {
		unsigned l = m[p];
		if (l == 0)
			return p + 1;
		if ((l & 0xc0) == 0xc0)
			return p + 2 <= len ? p + 2 : 0;
		if (l & 0xc0)
			return 0;
		p += l + 1;
	}
	return 0;
}

/* The offsets of every TTL field in a reply (not OPT's, which holds flags)
 * and the smallest TTL. Returns the number of fields, or -1 when the reply
 * does not walk cleanly or has too many. */
static int ttl_fields(const uint8_t *m, size_t len, uint16_t *off, uint32_t *min)
{
	if (len < SG_MSG_HDR_LEN || sg_get16(m + 4) != 1)
		return -1;
	size_t p = skip_name(m, len, SG_MSG_HDR_LEN);
	if (!p || p + 4 > len)
		return -1;
	p += 4;
	unsigned rrs = (unsigned)sg_get16(m + 6) + sg_get16(m + 8) + sg_get16(m + 10);
	int n = 0;
	*min = UINT32_MAX;
	for (unsigned i = 0; i < rrs; i++) {
		p = skip_name(m, len, p);
		if (!p || p + 10 > len)
			return -1;
		size_t rdlen = sg_get16(m + p + 8);
		if (sg_get16(m + p) != SG_T_OPT) {
			if (n >= PC_TTL_MAX)
				return -1;
			uint32_t ttl = sg_get32(m + p + 4);
			if (ttl < *min)
				*min = ttl;
			off[n++] = (uint16_t)(p + 4);
		}
		p += 10 + rdlen;
		if (p > len)
			return -1;
	}
	return p == len ? n : -1;
}

void pc_store(rc_cache_t *c, const sg_msg_t *q, const uint8_t *reply, size_t len, int sec,
              unsigned rcode, int64_t now)
{
	if ((sec != SG_VAL_SECURE && sec != SG_VAL_INSECURE) ||
	    (rcode != SG_RC_NOERROR && rcode != SG_RC_NXDOMAIN) || len > PC_REPLY_MAX ||
	    len < SG_MSG_HDR_LEN || (sg_get16(reply + 2) & SG_MSG_TC))
		return;
	uint8_t blob[PC_REPLY_MAX + 2 * PC_TTL_MAX + PC_TRAILER];
	uint16_t off[PC_TTL_MAX];
	uint32_t min;
	int n = ttl_fields(reply, len, off, &min);
	if (n <= 0 || min == 0) /* no record to bound its life, or one about to expire */
		return;
	memcpy(blob, reply, len);
	uint8_t *p = blob + len;
	for (int i = 0; i < n; i++, p += 2)
		sg_put16(p, off[i]);
	sg_put16(p, (uint16_t)n);
	p[2] = (uint8_t)sec;
	for (int i = 0; i < 8; i++)
		p[3 + i] = (uint8_t)((uint64_t)now >> (56 - 8 * i));
	p += PC_TRAILER;
	const sg_msg_rr_t *qq = &q->rr[SG_SEC_QUESTION][0];
	/* A cache that refuses (full of larger entries, out of memory) only
	 * means the next question takes the long way. */
	int e = rc_put(c, qq->owner, qq->type, kind_of(q), blob, (size_t)(p - blob), now + min);
	(void)e;
}

bool pc_lookup(rc_cache_t *c, const sg_msg_t *q, const uint8_t *qwire, size_t cap, int64_t now,
               uint8_t *out, size_t outcap, size_t *len, int *sec)
{
	const sg_msg_rr_t *qq = &q->rr[SG_SEC_QUESTION][0];
	size_t bl;
	if (rc_get_into(c, qq->owner, qq->type, kind_of(q), now, out, outcap, &bl, NULL) != SG_OK ||
	    bl < PC_TRAILER)
		return false;
	const uint8_t *t = out + bl - PC_TRAILER;
	size_t n = sg_get16(t);
	if (PC_TRAILER + 2 * n + SG_MSG_HDR_LEN > bl)
		return false;
	size_t rl = bl - PC_TRAILER - 2 * n;
	size_t nl = sg_name_len(qq->owner);
	if (rl > cap || SG_MSG_HDR_LEN + nl > rl)
		return false;
	int64_t born = 0;
	for (int i = 0; i < 8; i++)
		born = (int64_t)((uint64_t)born << 8 | t[3 + i]);
	uint32_t age = now > born ? (uint32_t)(now - born) : 0;
	const uint8_t *offs = out + rl;
	for (size_t i = 0; i < n; i++) {
		size_t o = sg_get16(offs + 2 * i);
		if (o + 4 > rl)
			return false;
		uint32_t ttl = sg_get32(out + o);
		sg_put32(out + o, ttl > age ? ttl - age : 0);
	}
	/* the ID, and the question name as the client wrote it (the name is
	 * never compressed in a query: it is the first one) */
	memcpy(out, qwire, 2);
	memcpy(out + SG_MSG_HDR_LEN, qwire + SG_MSG_HDR_LEN, nl);
	*len = rl;
	*sec = t[2];
	return true;
}
