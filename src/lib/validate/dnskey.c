/* Authenticating a zone's DNSKEY RRset against DS records or trust anchors
 * (RFC 4035 §5.2, RFC 6840 §5.2, RFC 4509 §3), and the key set it yields. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "signet/crypto.h"
#include "signet/rr.h"
#include "signet/util.h"
#include "validate/val_int.h"

/* More DNSKEYs than this in one RRset is treated as an attack (every key
 * costs a public-key parse). */
#define MAX_KEYS 128

void sg_val_keyset_free(sg_val_keyset_t *ks)
{
	if (!ks)
		return;
	for (size_t i = 0; i < ks->n; i++)
		sg_dnskey_deinit(&ks->keys[i]);
	free(ks->keys);
	free(ks);
}

const uint8_t *sg_val_keyset_zone(const sg_val_keyset_t *ks)
{
	return ks->zone;
}

size_t sg_val_keyset_count(const sg_val_keyset_t *ks)
{
	return ks->n;
}

const sg_dnskey_t *sg_val_keyset_key(const sg_val_keyset_t *ks, size_t i)
{
	return i < ks->n ? &ks->keys[i] : NULL;
}

/* Parses n DNSKEY RDATAs. A key that does not parse is kept with key NULL
 * (unusable) when `lenient`, else it fails with err set. */
static int keyset_build(sg_val_keyset_t **out, const uint8_t *zone, const sg_rdata_ref_t *rd,
                        size_t n, bool lenient, char *err, size_t errcap)
{
	*out = NULL;
	if (n > MAX_KEYS) {
		snprintf(err, errcap, "%zu DNSKEYs (more than %d)", n, MAX_KEYS);
		return SG_ELIMIT;
	}
	sg_val_keyset_t *ks = calloc(1, sizeof(*ks));
	if (!ks)
		return SG_ENOMEM;
	ks->keys = calloc(n ? n : 1, sizeof(*ks->keys));
	if (!ks->keys) {
		free(ks);
		return SG_ENOMEM;
	}
	sg_name_copy(ks->zone, zone);
	sg_name_lower(ks->zone);
	for (size_t i = 0; i < n; i++) {
		char kerr[160];
		int r = sg_dnskey_init_rdata(&ks->keys[i], zone, rd[i].data, rd[i].len, kerr,
		                             sizeof(kerr));
		if (r == SG_ENOMEM || r == SG_ECRYPTO || (r < 0 && !lenient)) {
			if (r == SG_EMALFORMED || r == SG_EINVAL)
				snprintf(err, errcap, "DNSKEY %zu: %s", i + 1, kerr);
			ks->n = i + 1;
			sg_val_keyset_free(ks);
			return r == SG_EINVAL ? SG_EMALFORMED : r;
		}
		if (r < 0) {
			/* malformed key of a known algorithm: listed, unusable */
			sg_dnskey_deinit(&ks->keys[i]);
			ks->keys[i].key = NULL;
			if (rd[i].len >= 4) {
				ks->keys[i].flags = sg_get16(rd[i].data);
				ks->keys[i].protocol = rd[i].data[2];
				ks->keys[i].alg = rd[i].data[3];
				ks->keys[i].tag = sg_dnskey_tag(rd[i].data, rd[i].len);
			}
		}
		ks->n = i + 1;
	}
	*out = ks;
	return SG_OK;
}

int sg_val_keyset_new(sg_val_keyset_t **out, const uint8_t *zone, const sg_rdata_ref_t *dnskeys,
                      size_t n, char *err, size_t errcap)
{
	if (!out || !zone || !n || !dnskeys)
		return SG_EINVAL;
	char dummy[4];
	if (!err) {
		err = dummy;
		errcap = sizeof(dummy);
	}
	int r = keyset_build(out, zone, dnskeys, n, false, err, errcap);
	return r == SG_ELIMIT ? SG_EINVAL : r;
}

static bool digest_supported(uint8_t t)
{
	return t == SG_DS_SHA1 || t == SG_DS_SHA256 || t == SG_DS_SHA384;
}

/* Does DNSKEY k match the anchor? DS: tag, algorithm and digest over
 * owner || RDATA (RFC 4034 §5.1.4). DNSKEY: same protocol, algorithm and
 * public key (flags may differ only in REVOKE, which we do not accept). */
static bool anchor_matches(const sg_val_anchor_t *a, const sg_dnskey_t *k, const uint8_t *zone)
{
	if (a->type == SG_T_DNSKEY)
		return a->rdlen == k->rdlen && !memcmp(a->rdata, k->rdata, k->rdlen);
	if (a->rdlen < 5 || sg_get16(a->rdata) != k->tag || a->rdata[2] != k->alg)
		return false;
	uint8_t dig[64];
	int n = sg_ds_digest(dig, sizeof(dig), a->rdata[3], zone, k->rdata, k->rdlen);
	return n > 0 && (size_t)n == a->rdlen - 4 && !memcmp(dig, a->rdata + 4, (size_t)n);
}

/* Lists the RRSIGs over the DNSKEY set in detail, unchecked. */
static void record_sigs(sg_val_detail_t *detail, const sg_val_rrset_t *dnskey)
{
	if (!detail)
		return;
	for (size_t i = 0; i < dnskey->nsigs; i++) {
		const uint8_t *g = dnskey->sigs[i].data;
		if (dnskey->sigs[i].len < 18 || sg_get16(g) != SG_T_DNSKEY)
			continue;
		if (detail->nsigs < SG_VAL_DETAIL_MAX) {
			sg_val_sig_info_t *info = &detail->sigs[detail->nsigs];
			info->key_tag = sg_get16(g + 16);
			info->alg = g[2];
			info->labels = g[3];
			info->expiration = sg_get32(g + 8);
			info->inception = sg_get32(g + 12);
			info->vresult = -1;
		}
		detail->nsigs++;
	}
}

/* The text when no DNSKEY matches a usable DS: names the first DS and
 * says whether a key with its tag exists (then the digest differs). */
static void no_match_text(sg_val_result_t *res, const char *zb, const sg_val_keyset_t *ks,
                          const sg_val_anchor_t *anchors, size_t nanchors, size_t usable)
{
	for (size_t i = 0; i < nanchors; i++) {
		const sg_val_anchor_t *a = &anchors[i];
		if (!a->owner || !a->rdata || a->type != SG_T_DS || a->rdlen < 5 ||
		    !sg_name_equal(a->owner, ks->zone) || sg_alg_check_verify(a->rdata[2]) != SG_OK)
			continue;
		uint16_t tag = sg_get16(a->rdata);
		bool same_tag = false;
		for (size_t k = 0; k < ks->n; k++)
			same_tag |= ks->keys[k].tag == tag && ks->keys[k].alg == a->rdata[2];
		val_set(res, SG_VAL_BOGUS, SG_VR_DNSKEY_MISSING,
		        "%s DNSKEY: no DNSKEY matches the DS (key tag %u alg %u digest type "
		        "%u%s)%s",
		        zb, tag, a->rdata[2], a->rdata[3],
		        same_tag ? ": the key with that tag has another digest"
		                 : ": no key has that tag",
		        usable > 1 ? " nor any other DS" : "");
		return;
	}
	val_set(res, SG_VAL_BOGUS, SG_VR_DNSKEY_MISSING,
	        "%s DNSKEY: no DNSKEY matches the %zu trust anchor(s)", zb, usable);
}

int sg_val_dnskey(sg_val_keyset_t **out, sg_val_result_t *res, const sg_val_rrset_t *dnskey,
                  const sg_val_anchor_t *anchors, size_t nanchors, const sg_val_opts_t *opts,
                  sg_val_stats_t *stats, sg_val_detail_t *detail)
{
	if (out)
		*out = NULL;
	if (!res)
		return SG_EINVAL;
	val_clear(res);
	if (!dnskey || !opts || !dnskey->rrset.owner || dnskey->rrset.type != SG_T_DNSKEY ||
	    (nanchors && !anchors) || (dnskey->nsigs && !dnskey->sigs) ||
	    (dnskey->rrset.count && !dnskey->rrset.rdata)) {
		val_set(res, SG_VAL_INDETERMINATE, SG_VR_BOGUS, "bad arguments");
		return SG_EINVAL;
	}
	if (detail)
		detail->nds = detail->nkeys = detail->nsigs = 0;
	const uint8_t *zone = dnskey->rrset.owner;
	char zb[SG_NAME_TEXT_MAX];
	val_name(zb, zone);
	sg_val_keyset_t *ks = NULL;
	bool *usable = NULL;
	int r = SG_OK;

	/* Which anchors are for this zone, and which of them can be used. */
	size_t mine = 0, usable_anchors = 0;
	bool have_sha256 = false, alg_ok_any = false;
	for (size_t i = 0; i < nanchors; i++) {
		const sg_val_anchor_t *a = &anchors[i];
		if (!a->owner || !sg_name_equal(a->owner, zone) || !a->rdata)
			continue;
		if (a->type == SG_T_DS && a->rdlen >= 5 && a->rdata[3] == SG_DS_SHA256 &&
		    sg_alg_check_verify(a->rdata[2]) == SG_OK)
			have_sha256 = true;
	}
	for (size_t i = 0; i < nanchors; i++) {
		const sg_val_anchor_t *a = &anchors[i];
		if (!a->owner || !sg_name_equal(a->owner, zone) || !a->rdata)
			continue;
		if ((a->type != SG_T_DS && a->type != SG_T_DNSKEY) || a->rdlen < 5)
			continue;
		mine++;
		bool ok, ignored = false;
		uint8_t alg = 0, dt = 0;
		uint16_t tag = 0;
		if (a->type == SG_T_DS) {
			tag = sg_get16(a->rdata);
			alg = a->rdata[2];
			dt = a->rdata[3];
			bool alg_ok = sg_alg_check_verify(alg) == SG_OK;
			alg_ok_any |= alg_ok;
			ok = alg_ok && digest_supported(dt);
			/* RFC 4509 §3: SHA-1 DS are not used when SHA-256 ones exist */
			if (ok && dt == SG_DS_SHA1 && have_sha256) {
				ok = false;
				ignored = true;
			}
		} else {
			alg = a->rdata[3];
			tag = sg_dnskey_tag(a->rdata, a->rdlen);
			ok = sg_alg_check_verify(alg) == SG_OK;
			alg_ok_any |= ok;
		}
		if (ok)
			usable_anchors++;
		if (detail) {
			if (detail->nds < SG_VAL_DETAIL_MAX) {
				sg_val_ds_info_t *d = &detail->ds[detail->nds];
				d->type = a->type;
				d->key_tag = tag;
				d->alg = alg;
				d->digest_type = dt;
				d->supported = ok;
				d->ignored = ignored;
				d->key = -1;
			}
			detail->nds++;
		}
	}
	if (mine == 0) {
		val_set(res, SG_VAL_INDETERMINATE, SG_VR_NO_ANCHOR,
		        "%s DNSKEY: no DS or trust anchor for the zone", zb);
		goto out;
	}
	if (usable_anchors == 0) {
		/* RFC 6840 §5.2: only unsupported algorithms/digests: insecure */
		val_set(res, SG_VAL_INSECURE,
		        alg_ok_any ? SG_VR_UNSUPPORTED_DIGEST : SG_VR_UNSUPPORTED_ALG,
		        "%s DNSKEY: no DS of a supported %s", zb,
		        alg_ok_any ? "digest type" : "algorithm");
		goto out;
	}
	if (dnskey->rrset.count == 0) {
		val_set(res, SG_VAL_BOGUS, SG_VR_DNSKEY_MISSING, "%s DNSKEY: no DNSKEY records",
		        zb);
		goto out;
	}

	char err[200] = "";
	r = keyset_build(&ks, zone, dnskey->rrset.rdata, dnskey->rrset.count, true, err,
	                 sizeof(err));
	if (r == SG_ELIMIT) {
		r = SG_OK;
		if (stats)
			stats->limit_hits++;
		val_set(res, SG_VAL_BOGUS, SG_VR_LIMIT, "%s DNSKEY: %s", zb, err);
		goto out;
	}
	if (r < 0) {
		val_set(res, SG_VAL_INDETERMINATE, SG_VR_BOGUS, "%s DNSKEY: %s", zb,
		        sg_strerror(r));
		goto out;
	}
	usable = calloc(ks->n, sizeof(*usable));
	if (!usable) {
		r = SG_ENOMEM;
		val_set(res, SG_VAL_INDETERMINATE, SG_VR_BOGUS, "%s DNSKEY: out of memory", zb);
		goto out;
	}
	if (detail) {
		for (size_t i = 0; i < ks->n && i < SG_VAL_DETAIL_MAX; i++) {
			sg_val_key_info_t *ki = &detail->keys[i];
			memset(ki, 0, sizeof(*ki));
			ki->key_tag = ks->keys[i].tag;
			ki->flags = ks->keys[i].flags;
			ki->alg = ks->keys[i].alg;
			ki->supported = ks->keys[i].key != NULL;
		}
		detail->nkeys = ks->n;
	}

	/* Match every usable anchor against every key. */
	size_t matched = 0, no_zone_bit = 0, di = 0;
	uint16_t nz_tag = 0;
	for (size_t i = 0; i < nanchors; i++) {
		const sg_val_anchor_t *a = &anchors[i];
		if (!a->owner || !sg_name_equal(a->owner, zone) || !a->rdata ||
		    (a->type != SG_T_DS && a->type != SG_T_DNSKEY) || a->rdlen < 5)
			continue;
		size_t this_di = di++;
		bool ok;
		if (a->type == SG_T_DS)
			ok = sg_alg_check_verify(a->rdata[2]) == SG_OK &&
			     digest_supported(a->rdata[3]) &&
			     !(a->rdata[3] == SG_DS_SHA1 && have_sha256);
		else
			ok = sg_alg_check_verify(a->rdata[3]) == SG_OK;
		if (!ok)
			continue;
		for (size_t k = 0; k < ks->n; k++) {
			const sg_dnskey_t *key = &ks->keys[k];
			if (!key->key || !anchor_matches(a, key, ks->zone))
				continue;
			if (!(key->flags & SG_DNSKEY_ZONE) || (key->flags & SG_DNSKEY_REVOKE) ||
			    key->protocol != SG_DNSKEY_PROTOCOL) {
				no_zone_bit++;
				nz_tag = key->tag;
				continue;
			}
			if (!usable[k])
				matched++;
			usable[k] = true;
			if (detail && this_di < SG_VAL_DETAIL_MAX && detail->ds[this_di].key < 0)
				detail->ds[this_di].key = (int)k;
			if (detail && k < SG_VAL_DETAIL_MAX)
				detail->keys[k].anchored = true;
		}
	}
	if (matched == 0) {
		record_sigs(detail, dnskey);
		if (no_zone_bit)
			val_set(res, SG_VAL_BOGUS, SG_VR_NO_ZONE_KEY,
			        "%s DNSKEY: key %u matches the DS but is not a usable zone key "
			        "(zone bit clear, revoked or bad protocol)",
			        zb, nz_tag);
		else
			no_match_text(res, zb, ks, anchors, nanchors, usable_anchors);
		goto out;
	}

	int signer;
	r = val_check_sigs(res, &signer, dnskey, ks->zone, ks->keys, ks->n, usable, opts, stats,
	                   detail);
	if (r < 0) {
		val_set(res, SG_VAL_INDETERMINATE, SG_VR_BOGUS, "%s DNSKEY: could not check: %s",
		        zb, sg_strerror(r));
		goto out;
	}
	if (res->status == SG_VAL_SECURE) {
		if (detail && signer >= 0 && signer < SG_VAL_DETAIL_MAX)
			detail->keys[signer].signed_set = true;
		val_set(res, SG_VAL_SECURE, SG_VR_NONE,
		        "%s DNSKEY: signed by key %u alg %u, which matches the %s", zb,
		        ks->keys[signer].tag, ks->keys[signer].alg, "DS/trust anchor");
		if (out) {
			*out = ks;
			ks = NULL;
		}
	} else if (res->reason == SG_VR_DNSKEY_MISSING) {
		/* The set is signed, but not by a key the parent vouches for. */
		res->reason = SG_VR_RRSIGS_MISSING;
		char keys[120] = "";
		size_t kl = 0;
		for (size_t k = 0; k < ks->n && kl + 8 < sizeof(keys); k++)
			if (usable[k])
				kl += (size_t)snprintf(keys + kl, sizeof(keys) - kl, "%s%u",
				                       kl ? ", " : "", ks->keys[k].tag);
		val_set(res, SG_VAL_BOGUS, SG_VR_RRSIGS_MISSING,
		        "%s DNSKEY: no RRSIG by a key matching the DS (key %s)", zb, keys);
	}
out:
	free(usable);
	sg_val_keyset_free(ks);
	return r;
}
