/* RRSIG creation and verification: RFC 4034 §3.1.8.1 (signed data),
 * §6.2/§6.3 (canonical RR form and order, with RFC 6840 §5.1), RFC 4035
 * §5.3 (checks, in the order the RFC gives them). Signing and verifying
 * build the signed data with the same code. */
#include <stdlib.h>
#include <string.h>

#include "signet/dnssec.h"
#include "signet/rr.h"
#include "signet/util.h"

/* Signed data larger than this is refused (an RRset that big cannot be
 * served anyway). */
#define SIGNED_MAX (16u << 20)

typedef struct scratch {
	sg_buf_t canon; /* canonicalised RDATA copies */
	sg_buf_t data;  /* the signed data */
	struct ent {
		size_t off, len;
	} *ent;
	size_t entcap;
	uint16_t type; /* for the sort comparator */
	const uint8_t *base;
} scratch_t;

static void scratch_init(scratch_t *s)
{
	memset(s, 0, sizeof(*s));
	sg_buf_init(&s->canon, SIGNED_MAX);
	sg_buf_init(&s->data, SIGNED_MAX);
}

static void scratch_deinit(scratch_t *s)
{
	sg_buf_deinit(&s->canon);
	sg_buf_deinit(&s->data);
	free(s->ent);
}

static int ent_cmp(const void *a, const void *b, void *ctx)
{
	const scratch_t *s = ctx;
	const struct ent *x = a, *y = b;
	return sg_rdata_compare(s->type, s->base + x->off, x->len, s->base + y->off, y->len);
}

static int put16(sg_buf_t *b, uint16_t v)
{
	uint8_t o[2] = {(uint8_t)(v >> 8), (uint8_t)v};
	return sg_buf_append(b, o, 2);
}

static int put32(sg_buf_t *b, uint32_t v)
{
	uint8_t o[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
	return sg_buf_append(b, o, 4);
}

/* signed data = RRSIG_RDATA (no signature) | RR(1) | RR(2) ... in canonical
 * order without duplicates; prefix is the RRSIG RDATA up to the signature,
 * with the signer name already lowercased. */
static int build_signed(scratch_t *s, const uint8_t *prefix, size_t prefixlen, const sg_rrset_view_t *rs,
			unsigned labels, uint32_t orig_ttl)
{
	int r;
	s->canon.len = 0;
	s->data.len = 0;
	if (rs->count > s->entcap) {
		struct ent *e = realloc(s->ent, rs->count * sizeof(*e));
		if (!e)
			return SG_ENOMEM;
		s->ent = e;
		s->entcap = rs->count;
	}
	for (size_t i = 0; i < rs->count; i++) {
		if (rs->rdata[i].len > 0xffff)
			return SG_EINVAL;
		s->ent[i].off = s->canon.len;
		s->ent[i].len = rs->rdata[i].len;
		if ((r = sg_buf_append(&s->canon, rs->rdata[i].data, rs->rdata[i].len)) < 0)
			return r;
	}
	for (size_t i = 0; i < rs->count; i++)
		sg_rdata_canonicalize(rs->type, s->canon.data + s->ent[i].off, s->ent[i].len);
	s->type = rs->type;
	s->base = s->canon.data;
	if (rs->count > 1)
		qsort_r(s->ent, rs->count, sizeof(*s->ent), ent_cmp, s);

	/* owner: lowercased; "*." + the last `labels` labels for a wildcard
	 * expansion (RFC 4035 §5.3.2) */
	uint8_t owner[SG_NAME_MAX + 2];
	size_t ol;
	unsigned nl = sg_name_labels(rs->owner);
	if (labels < nl) {
		const uint8_t *suf = sg_name_suffix(rs->owner, labels);
		owner[0] = 1;
		owner[1] = '*';
		ol = 2 + sg_name_copy(owner + 2, suf);
	} else {
		ol = sg_name_copy(owner, rs->owner);
	}
	sg_name_lower(owner);

	if ((r = sg_buf_append(&s->data, prefix, prefixlen)) < 0)
		return r;
	for (size_t i = 0; i < rs->count; i++) {
		const uint8_t *rd = s->base + s->ent[i].off;
		size_t len = s->ent[i].len;
		if (i > 0 && len == s->ent[i - 1].len && memcmp(rd, s->base + s->ent[i - 1].off, len) == 0)
			continue; /* RFC 4034 §6.3: duplicates removed */
		if ((r = sg_buf_append(&s->data, owner, ol)) < 0 || (r = put16(&s->data, rs->type)) < 0 ||
		    (r = put16(&s->data, rs->rclass)) < 0 || (r = put32(&s->data, orig_ttl)) < 0 ||
		    (r = put16(&s->data, (uint16_t)len)) < 0 || (r = sg_buf_append(&s->data, rd, len)) < 0)
			return r;
	}
	return SG_OK;
}

static size_t put_prefix(uint8_t *p, uint16_t type, uint8_t alg, uint8_t labels, uint32_t ttl, uint32_t exp,
			 uint32_t inc, uint16_t tag, const uint8_t *signer)
{
	p[0] = (uint8_t)(type >> 8);
	p[1] = (uint8_t)type;
	p[2] = alg;
	p[3] = labels;
	for (int i = 0; i < 4; i++) {
		p[4 + i] = (uint8_t)(ttl >> (24 - 8 * i));
		p[8 + i] = (uint8_t)(exp >> (24 - 8 * i));
		p[12 + i] = (uint8_t)(inc >> (24 - 8 * i));
	}
	p[16] = (uint8_t)(tag >> 8);
	p[17] = (uint8_t)tag;
	size_t n = sg_name_copy(p + 18, signer);
	sg_name_lower(p + 18);
	return 18 + n;
}

/* ---- signing ---------------------------------------------------------------- */

struct sg_rrsig_signer {
	sg_signctx_t *ctx;
	uint8_t signer[SG_NAME_MAX];
	uint8_t alg;
	uint16_t tag;
	scratch_t sc;
};

int sg_rrsig_signer_new(sg_rrsig_signer_t **out, const sg_dnskey_t *key, char *err, size_t errcap)
{
	if (!key->key) {
		int r = sg_alg_check_sign(key->alg, err, errcap);
		return r < 0 ? r : SG_EINVAL;
	}
	sg_rrsig_signer_t *s = calloc(1, sizeof(*s));
	if (!s)
		return SG_ENOMEM;
	int r = sg_signctx_new(&s->ctx, key->key, err, errcap);
	if (r < 0) {
		free(s);
		return r;
	}
	sg_name_copy(s->signer, key->owner);
	sg_name_lower(s->signer);
	s->alg = key->alg;
	s->tag = key->tag;
	scratch_init(&s->sc);
	*out = s;
	return SG_OK;
}

void sg_rrsig_signer_free(sg_rrsig_signer_t *s)
{
	if (!s)
		return;
	sg_signctx_free(s->ctx);
	scratch_deinit(&s->sc);
	free(s);
}

int sg_rrsig_sign(sg_rrsig_signer_t *s, uint8_t *dst, size_t cap, size_t *outlen, const sg_rrset_view_t *rrset,
		  uint32_t inception, uint32_t expiration)
{
	if (rrset->count == 0 || rrset->type == SG_T_RRSIG || !sg_name_is_subdomain(rrset->owner, s->signer))
		return SG_EINVAL;
	uint8_t prefix[18 + SG_NAME_MAX];
	unsigned labels = sg_name_rrsig_labels(rrset->owner);
	size_t pl = put_prefix(prefix, rrset->type, s->alg, (uint8_t)labels, rrset->ttl, expiration, inception,
			       s->tag, s->signer);
	size_t need = pl + sg_signctx_siglen(s->ctx);
	if (cap < need)
		return SG_ESPACE;
	int r = build_signed(&s->sc, prefix, pl, rrset, labels, rrset->ttl);
	if (r < 0)
		return r;
	size_t siglen;
	r = sg_signctx_sign(s->ctx, dst + pl, cap - pl, &siglen, s->sc.data.data, s->sc.data.len);
	if (r < 0)
		return r;
	memcpy(dst, prefix, pl);
	*outlen = pl + siglen;
	return SG_OK;
}

/* ---- verification ------------------------------------------------------------- */

static const char *const vresult_names[SG_V_COUNT] = {
	[SG_V_VALID] = "valid",
	[SG_V_MALFORMED] = "malformed RRSIG",
	[SG_V_TYPE_MISMATCH] = "RRSIG covers another type",
	[SG_V_WRONG_SIGNER] = "signer name is not the zone",
	[SG_V_OUT_OF_ZONE] = "owner name is not in the signer's zone",
	[SG_V_LABELS] = "labels field larger than the owner name's label count",
	[SG_V_EXPIRED] = "signature expired",
	[SG_V_NOT_YET_VALID] = "signature not yet valid",
	[SG_V_ALG_UNSUPPORTED] = "algorithm not supported",
	[SG_V_NO_KEY] = "no DNSKEY matches the algorithm and key tag",
	[SG_V_NOT_ZONE_KEY] = "matching DNSKEY is not a zone key",
	[SG_V_BAD_PROTOCOL] = "matching DNSKEY has a protocol other than 3",
	[SG_V_BAD_SIGNATURE] = "bad signature",
};

const char *sg_vresult_str(int v)
{
	return v >= 0 && v < SG_V_COUNT ? vresult_names[v] : "unknown result";
}

int sg_rrsig_verify(int *result, const sg_rrset_view_t *rrset, const uint8_t *rrsig, size_t rrsig_len,
		    const uint8_t *zone, const sg_dnskey_t *keys, size_t nkeys, int64_t now)
{
	*result = SG_V_MALFORMED;
	if (sg_rdata_check(SG_T_RRSIG, rrsig, rrsig_len) < 0 || rrset->count == 0)
		return SG_OK;
	uint16_t covered = (uint16_t)(rrsig[0] << 8 | rrsig[1]);
	uint8_t alg = rrsig[2], labels = rrsig[3];
	uint32_t orig_ttl = sg_get32(rrsig + 4), exp = sg_get32(rrsig + 8), inc = sg_get32(rrsig + 12);
	uint16_t tag = (uint16_t)(rrsig[16] << 8 | rrsig[17]);
	const uint8_t *signer = rrsig + 18;
	size_t signer_len = sg_name_len(signer);
	const uint8_t *sig = signer + signer_len;
	size_t siglen = rrsig_len - 18 - signer_len;

	/* RFC 4035 §5.3.1 */
	if (covered != rrset->type) {
		*result = SG_V_TYPE_MISMATCH;
		return SG_OK;
	}
	if (zone && !sg_name_equal(signer, zone)) {
		*result = SG_V_WRONG_SIGNER;
		return SG_OK;
	}
	if (!sg_name_is_subdomain(rrset->owner, signer)) {
		*result = SG_V_OUT_OF_ZONE;
		return SG_OK;
	}
	if (labels > sg_name_labels(rrset->owner)) {
		*result = SG_V_LABELS;
		return SG_OK;
	}
	uint32_t t = (uint32_t)now; /* RFC 4034 §3.1.5: serial arithmetic mod 2^32 */
	if (sg_serial_lt(exp, t)) {
		*result = SG_V_EXPIRED;
		return SG_OK;
	}
	if (sg_serial_lt(t, inc)) {
		*result = SG_V_NOT_YET_VALID;
		return SG_OK;
	}
	if (sg_alg_check_verify(alg) < 0) {
		*result = SG_V_ALG_UNSUPPORTED;
		return SG_OK;
	}

	/* candidate keys: owner = signer, same algorithm and tag */
	int best = SG_V_NO_KEY;
	bool built = false;
	scratch_t sc;
	int r = SG_OK;
	for (size_t i = 0; i < nkeys; i++) {
		const sg_dnskey_t *k = &keys[i];
		if (k->alg != alg || k->tag != tag || !sg_name_equal(k->owner, signer))
			continue;
		if (k->protocol != SG_DNSKEY_PROTOCOL) {
			if (best == SG_V_NO_KEY)
				best = SG_V_BAD_PROTOCOL;
			continue;
		}
		if (!(k->flags & SG_DNSKEY_ZONE)) {
			if (best == SG_V_NO_KEY || best == SG_V_BAD_PROTOCOL)
				best = SG_V_NOT_ZONE_KEY;
			continue;
		}
		if (!k->key) {
			if (best != SG_V_BAD_SIGNATURE)
				best = SG_V_ALG_UNSUPPORTED;
			continue;
		}
		if (!built) {
			uint8_t prefix[18 + SG_NAME_MAX];
			memcpy(prefix, rrsig, 18);
			sg_name_copy(prefix + 18, signer);
			sg_name_lower(prefix + 18);
			scratch_init(&sc);
			built = true;
			r = build_signed(&sc, prefix, 18 + signer_len, rrset, labels, orig_ttl);
			if (r < 0)
				goto out;
		}
		int v = sg_key_verify(k->key, sc.data.data, sc.data.len, sig, siglen);
		if (v == SG_OK) {
			best = SG_V_VALID;
			break;
		}
		if (v != SG_EBADSIG) {
			r = v;
			goto out;
		}
		best = SG_V_BAD_SIGNATURE;
	}
	*result = best;
out:
	if (built)
		scratch_deinit(&sc);
	return r;
}
