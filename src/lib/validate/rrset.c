/* RRSIG checks over one RRset with an authenticated key set
 * (RFC 4035 §5.3, RFC 6840 §5.11), bounded for KeyTrap (CVE-2023-50387). */
#include <stdio.h>
#include <string.h>

#include "signet/rr.h"
#include "signet/util.h"
#include "validate/val_int.h"

/* How telling a failure is: the reason reported for an RRset is that of
 * its most telling RRSIG failure. */
static int failure_rank(int v)
{
	switch (v) {
	case SG_V_BAD_SIGNATURE:
		return 9;
	case SG_V_LABELS:
		return 8;
	case SG_V_OUT_OF_ZONE:
		return 8;
	case SG_V_EXPIRED:
		return 7;
	case SG_V_NOT_YET_VALID:
		return 6;
	case SG_V_NOT_ZONE_KEY:
		return 5;
	case SG_V_BAD_PROTOCOL:
		return 5;
	case SG_V_NO_KEY:
		return 4;
	case SG_V_MALFORMED:
		return 3;
	case SG_V_ALG_UNSUPPORTED:
		return 2;
	case SG_V_WRONG_SIGNER:
		return 1;
	default:
		return 0;
	}
}

static int vresult_reason(int v)
{
	switch (v) {
	case SG_V_EXPIRED:
		return SG_VR_SIG_EXPIRED;
	case SG_V_NOT_YET_VALID:
		return SG_VR_SIG_NOT_YET_VALID;
	case SG_V_NOT_ZONE_KEY:
		return SG_VR_NO_ZONE_KEY;
	case SG_V_NO_KEY:
		return SG_VR_DNSKEY_MISSING;
	case SG_V_MALFORMED:
		return SG_VR_MALFORMED;
	case SG_V_ALG_UNSUPPORTED:
		return SG_VR_RRSIGS_MISSING;
	case SG_V_WRONG_SIGNER:
		return SG_VR_RRSIGS_MISSING;
	default:
		return SG_VR_BOGUS;
	}
}

/* Would verifying with key k reach the cryptographic check? (Otherwise
 * sg_rrsig_verify() decides without cost.) */
static bool costs_crypto(const sg_dnskey_t *k)
{
	return k->key && k->protocol == SG_DNSKEY_PROTOCOL && (k->flags & SG_DNSKEY_ZONE);
}

static void describe(char *dst, size_t cap, const sg_val_rrset_t *rr)
{
	char nb[SG_NAME_TEXT_MAX], tb[16];
	snprintf(dst, cap, "%s %s", val_name(nb, rr->rrset.owner),
	         sg_type_name(rr->rrset.type, tb));
}

int val_check_sigs(sg_val_result_t *res, int *signer, const sg_val_rrset_t *rr, const uint8_t *zone,
                   const sg_dnskey_t *keys, size_t nkeys, const bool *usable,
                   const sg_val_opts_t *opts, sg_val_stats_t *stats, sg_val_detail_t *detail)
{
	char what[SG_NAME_TEXT_MAX + 32];
	describe(what, sizeof(what), rr);
	*signer = -1;
	size_t first_detail = detail ? detail->nsigs : 0;
	int worst = -1; /* vresult of the most telling failure */
	uint16_t worst_tag = 0;
	uint8_t worst_alg = 0;
	uint32_t worst_time = 0;
	size_t seen = 0;     /* RRSIGs covering the type */
	unsigned crypto = 0; /* verifications made in this call */
	bool limited = false;
	int r = SG_OK;

	for (size_t s = 0; s < rr->nsigs; s++) {
		const uint8_t *sig = rr->sigs[s].data;
		size_t siglen = rr->sigs[s].len;
		if (siglen < 2 || sg_get16(sig) != rr->rrset.type)
			continue; /* covers another type: not ours */
		seen++;
		sg_val_sig_info_t *info = NULL;
		if (detail) {
			if (detail->nsigs < SG_VAL_DETAIL_MAX) {
				info = &detail->sigs[detail->nsigs];
				memset(info, 0, sizeof(*info));
				info->vresult = -1;
			}
			detail->nsigs++;
		}
		if (sg_rdata_check(SG_T_RRSIG, sig, siglen) < 0) {
			if (info)
				info->vresult = SG_V_MALFORMED;
			if (failure_rank(SG_V_MALFORMED) > failure_rank(worst))
				worst = SG_V_MALFORMED;
			continue;
		}
		uint8_t alg = sig[2];
		uint16_t tag = sg_get16(sig + 16);
		const uint8_t *sname = sig + 18;
		if (info) {
			info->key_tag = tag;
			info->alg = alg;
			info->labels = sig[3];
			info->expiration = sg_get32(sig + 8);
			info->inception = sg_get32(sig + 12);
		}
		if (limited)
			continue;
		/* The checks that cost nothing (RFC 4035 §5.3.1): with no keys
		 * sg_rrsig_verify() stops at "no key" when all else is fine. */
		int v;
		r = sg_rrsig_verify(&v, &rr->rrset, sig, siglen, zone, NULL, 0, opts->now);
		if (r < 0)
			goto out;
		bool passed_over = false; /* a matching key exists but may not be used */
		if (v == SG_V_NO_KEY) {
			bool tried = false;
			for (size_t i = 0; i < nkeys && v != SG_V_VALID; i++) {
				const sg_dnskey_t *k = &keys[i];
				if (k->alg != alg || k->tag != tag ||
				    !sg_name_equal(k->owner, sname))
					continue;
				if (usable && !usable[i]) {
					passed_over = true;
					continue;
				}
				if (costs_crypto(k)) {
					if (crypto >= opts->max_sigs) {
						limited = true;
						break;
					}
					crypto++;
					if (stats)
						stats->sig_verifications++;
				}
				int kv;
				r = sg_rrsig_verify(&kv, &rr->rrset, sig, siglen, zone, k, 1,
				                    opts->now);
				if (r < 0)
					goto out;
				if (!tried || kv == SG_V_VALID ||
				    failure_rank(kv) > failure_rank(v))
					v = kv;
				tried = true;
				if (kv == SG_V_VALID)
					*signer = (int)i;
			}
			if (limited && v == SG_V_NO_KEY) {
				if (info)
					info->vresult = -1;
				continue;
			}
		}
		if (info)
			info->vresult = v == SG_V_NO_KEY && passed_over ? -1 : v;
		if (v == SG_V_VALID) {
			uint32_t exp = sg_get32(sig + 8), now = (uint32_t)opts->now;
			uint32_t left = exp - now; /* serial arithmetic: exp is after now */
			uint32_t ttl = rr->rrset.ttl;
			if (sg_get32(sig + 4) < ttl)
				ttl = sg_get32(sig + 4);
			if (left < ttl)
				ttl = left;
			res->ttl = ttl;
			res->sig_labels = sig[3];
			res->key_tag = tag;
			res->alg = alg;
			res->wildcard = sig[3] < sg_name_rrsig_labels(rr->rrset.owner);
			val_set(res, SG_VAL_SECURE, SG_VR_NONE, "%s: signed by key %u alg %u%s",
			        what, tag, alg, res->wildcard ? " (wildcard expansion)" : "");
			goto out;
		}
		if (failure_rank(v) > failure_rank(worst)) {
			worst = v;
			worst_tag = tag;
			worst_alg = alg;
			worst_time =
			        v == SG_V_NOT_YET_VALID ? sg_get32(sig + 12) : sg_get32(sig + 8);
		}
	}

	if (limited) {
		if (stats)
			stats->limit_hits++;
		val_set(res, SG_VAL_BOGUS, SG_VR_LIMIT,
		        "%s: stopped after %u signature verifications (limit), none valid", what,
		        crypto);
	} else if (seen == 0) {
		val_set(res, SG_VAL_BOGUS, SG_VR_RRSIGS_MISSING, "%s: no RRSIG covers the RRset",
		        what);
	} else if (worst == SG_V_EXPIRED || worst == SG_V_NOT_YET_VALID) {
		char tb[16];
		sg_time_format(tb, sizeof(tb), worst_time);
		val_set(res, SG_VAL_BOGUS, vresult_reason(worst),
		        "%s: RRSIG key %u alg %u: %s (%s %s)", what, worst_tag, worst_alg,
		        sg_vresult_str(worst), worst == SG_V_EXPIRED ? "expired" : "valid from",
		        tb);
	} else if (worst == SG_V_WRONG_SIGNER) {
		char zb[SG_NAME_TEXT_MAX];
		val_set(res, SG_VAL_BOGUS, SG_VR_RRSIGS_MISSING, "%s: no RRSIG by the zone %s",
		        what, val_name(zb, zone));
	} else if (worst == SG_V_ALG_UNSUPPORTED) {
		val_set(res, SG_VAL_BOGUS, SG_VR_RRSIGS_MISSING,
		        "%s: no RRSIG of an algorithm signet supports (key %u alg %u)", what,
		        worst_tag, worst_alg);
	} else if (worst == SG_V_NO_KEY) {
		val_set(res, SG_VAL_BOGUS, SG_VR_DNSKEY_MISSING,
		        "%s: RRSIG key %u alg %u: no such DNSKEY%s", what, worst_tag, worst_alg,
		        usable ? " among the keys allowed" : "");
	} else {
		val_set(res, SG_VAL_BOGUS, vresult_reason(worst), "%s: RRSIG key %u alg %u: %s",
		        what, worst_tag, worst_alg, sg_vresult_str(worst));
	}
out:
	(void)first_detail;
	return r;
}

int sg_val_rrset(sg_val_result_t *res, const sg_val_rrset_t *rrset, const sg_val_keyset_t *ks,
                 const sg_val_opts_t *opts, sg_val_stats_t *stats, sg_val_detail_t *detail)
{
	if (!res)
		return SG_EINVAL;
	val_clear(res);
	if (!rrset || !ks || !opts || !rrset->rrset.owner || (rrset->nsigs && !rrset->sigs)) {
		val_set(res, SG_VAL_INDETERMINATE, SG_VR_BOGUS, "bad arguments");
		return SG_EINVAL;
	}
	if (rrset->rrset.count == 0) {
		val_set(res, SG_VAL_BOGUS, SG_VR_MALFORMED, "empty RRset");
		return SG_OK;
	}
	if (detail)
		detail->nds = detail->nkeys = detail->nsigs = 0;
	int signer;
	int r = val_check_sigs(res, &signer, rrset, ks->zone, ks->keys, ks->n, NULL, opts, stats,
	                       detail);
	if (r < 0) {
		val_set(res, SG_VAL_INDETERMINATE, SG_VR_BOGUS, "could not check signatures: %s",
		        sg_strerror(r));
	}
	return r;
}
