/* Denial-of-existence proofs from NSEC (RFC 4035 §5.4, RFC 6840 §4) and
 * NSEC3 (RFC 5155 §8, RFC 9276) records the caller already verified.
 * NSEC3 hashing is bounded (CVE-2023-50868). */
#include <stdio.h>
#include <string.h>

#include "signet/denial.h"
#include "signet/rr.h"
#include "signet/util.h"
#include "validate/val_int.h"

/* Records of one kind looked at per proof; more are ignored (a real
 * proof needs at most three). */
#define MAX_RECS SG_VAL_DENIAL_MAX_RECORDS
#define HASH_LEN 20

typedef struct nsec_rec {
	const uint8_t *owner;
	const uint8_t *next;
	const uint8_t *bitmap;
	size_t blen;
} nsec_rec_t;

typedef struct nsec3_rec {
	const uint8_t *owner;
	uint8_t hash[HASH_LEN];
	const uint8_t *next; /* HASH_LEN octets */
	uint8_t flags;
	const uint8_t *bitmap;
	size_t blen;
} nsec3_rec_t;

typedef struct proof {
	const sg_val_denial_query_t *q;
	const sg_val_opts_t *opts;
	sg_val_stats_t *stats;
	sg_val_result_t *res;
	char qn[SG_NAME_TEXT_MAX];
	char qt[16];
	/* NSEC */
	nsec_rec_t nsec[MAX_RECS];
	size_t nnsec;
	/* NSEC3 */
	nsec3_rec_t n3[MAX_RECS];
	size_t nn3;
	size_t n3_unknown; /* NSEC3 records ignored for their hash algorithm or flags */
	uint8_t alg;
	uint16_t iterations;
	const uint8_t *salt;
	size_t saltlen;
	unsigned hashes; /* hash computations in this call (iterations included) */
	bool limited;
	/* hash cache for suffixes of qname, by label count */
	bool have[SG_NAME_MAX / 2 + 1];
	uint8_t cache[SG_NAME_MAX / 2 + 1][HASH_LEN];
} proof_t;

static bool has(const uint8_t *bm, size_t len, uint16_t t)
{
	return sg_bitmap_has(bm, len, t);
}

/* Number of trailing labels a and b share. */
static unsigned common_labels(const uint8_t *a, const uint8_t *b)
{
	unsigned la = sg_name_labels(a), lb = sg_name_labels(b);
	unsigned n = la < lb ? la : lb;
	while (n > 0 && !sg_name_equal(sg_name_suffix(a, n), sg_name_suffix(b, n)))
		n--;
	return n;
}

/* "*." + name into dst; false when too long. */
static bool make_wildcard(uint8_t dst[SG_NAME_MAX], const uint8_t *name)
{
	size_t l = sg_name_len(name);
	if (l + 2 > SG_NAME_MAX)
		return false;
	dst[0] = 1;
	dst[1] = '*';
	memcpy(dst + 2, name, l);
	return true;
}

static const char *ntext(char *buf, const uint8_t *name)
{
	return val_name(buf, name);
}

/* ---- collecting the records ------------------------------------------------ */

static void collect(proof_t *p, const sg_rrset_view_t *sets, size_t nsets)
{
	const uint8_t *zone = p->q->zone;
	bool params = false;
	for (size_t s = 0; s < nsets; s++) {
		const sg_rrset_view_t *v = &sets[s];
		if (!v->owner || (v->count && !v->rdata) || !sg_name_is_subdomain(v->owner, zone))
			continue;
		for (size_t i = 0; i < v->count; i++) {
			const uint8_t *rd = v->rdata[i].data;
			size_t len = v->rdata[i].len;
			if (v->type == SG_T_NSEC && p->nnsec < MAX_RECS) {
				if (sg_rdata_check(SG_T_NSEC, rd, len) < 0)
					continue;
				nsec_rec_t *n = &p->nsec[p->nnsec++];
				n->owner = v->owner;
				n->next = rd;
				size_t nl = sg_name_len(rd);
				n->bitmap = rd + nl;
				n->blen = len - nl;
			} else if (v->type == SG_T_NSEC3 && p->nn3 < MAX_RECS) {
				if (sg_rdata_check(SG_T_NSEC3, rd, len) < 0)
					continue;
				/* owner: one base32hex label of a SHA-1 hash, then the zone */
				if (v->owner[0] != 32 ||
				    !sg_name_equal(sg_name_parent(v->owner), zone))
					continue;
				uint8_t alg = rd[0], flags = rd[1];
				uint16_t iter = sg_get16(rd + 2);
				size_t saltlen = rd[4];
				const uint8_t *salt = rd + 5;
				size_t hl = rd[5 + saltlen];
				const uint8_t *next = rd + 6 + saltlen;
				if (alg != 1 || (flags & ~1u) || hl != HASH_LEN) {
					p->n3_unknown++; /* RFC 5155 §8.1, §8.2 */
					continue;
				}
				nsec3_rec_t *n = &p->n3[p->nn3];
				if (sg_base32hex_decode(n->hash, sizeof(n->hash),
				                        (const char *)v->owner + 1, 32) != HASH_LEN)
					continue;
				if (!params) {
					params = true;
					p->alg = alg;
					p->iterations = iter;
					p->salt = salt;
					p->saltlen = saltlen;
				} else if (iter != p->iterations || saltlen != p->saltlen ||
				           memcmp(salt, p->salt, saltlen)) {
					continue; /* another chain's parameters */
				}
				n->owner = v->owner;
				n->next = next;
				n->flags = flags;
				n->bitmap = next + HASH_LEN;
				n->blen = len - (size_t)(n->bitmap - rd);
				p->nn3++;
			}
		}
	}
}

/* ---- NSEC --------------------------------------------------------------------- */

/* Does NSEC n cover name (owner < name < next, the last NSEC wrapping to
 * the apex)? An NSEC of a delegation (NS without SOA) or with DNAME does
 * not speak for names below its owner (RFC 6840 §4.1). */
static bool nsec_covers(const proof_t *p, const nsec_rec_t *n, const uint8_t *name)
{
	if (sg_name_compare(n->owner, name) >= 0)
		return false;
	if (sg_name_is_subdomain(name, n->owner) &&
	    ((has(n->bitmap, n->blen, SG_T_NS) && !has(n->bitmap, n->blen, SG_T_SOA)) ||
	     has(n->bitmap, n->blen, SG_T_DNAME)))
		return false;
	if (sg_name_compare(name, n->next) < 0)
		return true;
	return sg_name_compare(n->next, n->owner) <= 0 && sg_name_is_subdomain(name, p->q->zone);
}

static const nsec_rec_t *nsec_find_cover(const proof_t *p, const uint8_t *name)
{
	for (size_t i = 0; i < p->nnsec; i++)
		if (nsec_covers(p, &p->nsec[i], name))
			return &p->nsec[i];
	return NULL;
}

static const nsec_rec_t *nsec_find_match(const proof_t *p, const uint8_t *name)
{
	for (size_t i = 0; i < p->nnsec; i++)
		if (sg_name_equal(p->nsec[i].owner, name))
			return &p->nsec[i];
	return NULL;
}

/* Closest encloser implied by an NSEC covering qname (RFC 4035 §5.4):
 * the longest ancestor shared with its owner or next name. */
static unsigned nsec_ce_labels(const proof_t *p, const nsec_rec_t *n)
{
	unsigned a = common_labels(p->q->qname, n->owner);
	unsigned b = common_labels(p->q->qname, n->next);
	unsigned ce = a > b ? a : b;
	unsigned zl = sg_name_labels(p->q->zone);
	return ce < zl ? zl : ce;
}

static void nodata_bitmap_check(proof_t *p, const uint8_t *bm, size_t blen, const uint8_t *owner,
                                const char *rec)
{
	char ob[SG_NAME_TEXT_MAX];
	uint16_t qt = p->q->qtype;
	ntext(ob, owner);
	if (has(bm, blen, qt)) {
		val_set(p->res, SG_VAL_BOGUS, SG_VR_NSEC_MISSING,
		        "%s %s: the %s at %s lists type %s", p->qn, p->qt, rec, ob, p->qt);
	} else if (qt != SG_T_CNAME && has(bm, blen, SG_T_CNAME)) {
		val_set(p->res, SG_VAL_BOGUS, SG_VR_NSEC_MISSING,
		        "%s %s: the %s at %s lists a CNAME", p->qn, p->qt, rec, ob);
	} else if (qt == SG_T_DS && has(bm, blen, SG_T_SOA) && sg_name_labels(owner) > 0) {
		val_set(p->res, SG_VAL_BOGUS, SG_VR_NSEC_MISSING,
		        "%s DS: the %s at %s comes from the child's apex, not the parent", p->qn,
		        rec, ob);
	} else if (qt != SG_T_DS && has(bm, blen, SG_T_NS) && !has(bm, blen, SG_T_SOA)) {
		val_set(p->res, SG_VAL_BOGUS, SG_VR_NSEC_MISSING,
		        "%s %s: the %s at %s is the parent's side of a delegation", p->qn, p->qt,
		        rec, ob);
	} else {
		val_set(p->res, SG_VAL_SECURE, SG_VR_NONE, "%s %s: no such type (%s at %s)", p->qn,
		        p->qt, rec, ob);
	}
}

/* Is there an NSEC that proves the wildcard at the closest encloser
 * (ce_labels labels of qname) absent? Sets res when not. */
static bool nsec_no_wildcard(proof_t *p, unsigned ce_labels)
{
	uint8_t wc[SG_NAME_MAX];
	char wb[SG_NAME_TEXT_MAX];
	if (!make_wildcard(wc, sg_name_suffix(p->q->qname, ce_labels))) {
		val_set(p->res, SG_VAL_BOGUS, SG_VR_NSEC_MISSING, "%s: wildcard name too long",
		        p->qn);
		return false;
	}
	if (nsec_find_match(p, wc)) {
		val_set(p->res, SG_VAL_BOGUS, SG_VR_NSEC_MISSING,
		        "%s %s: the wildcard %s exists, the answer should have been synthesised",
		        p->qn, p->qt, ntext(wb, wc));
		return false;
	}
	if (!nsec_find_cover(p, wc)) {
		val_set(p->res, SG_VAL_BOGUS, SG_VR_NSEC_MISSING,
		        "%s %s: no NSEC proves the wildcard %s absent", p->qn, p->qt,
		        ntext(wb, wc));
		return false;
	}
	return true;
}

static void nsec_proof(proof_t *p)
{
	const sg_val_denial_query_t *q = p->q;
	char ob[SG_NAME_TEXT_MAX], nb[SG_NAME_TEXT_MAX];
	const nsec_rec_t *m = nsec_find_match(p, q->qname);
	const nsec_rec_t *c = m ? NULL : nsec_find_cover(p, q->qname);

	switch (q->kind) {
	case SG_VD_NXDOMAIN:
		if (m) {
			val_set(p->res, SG_VAL_BOGUS, SG_VR_NSEC_MISSING,
			        "%s: name exists (NSEC at %s)", p->qn, ntext(ob, m->owner));
			return;
		}
		if (!c) {
			val_set(p->res, SG_VAL_BOGUS, SG_VR_NSEC_MISSING,
			        "%s: no NSEC proves the name absent", p->qn);
			return;
		}
		if (!nsec_no_wildcard(p, nsec_ce_labels(p, c)))
			return;
		val_set(p->res, SG_VAL_SECURE, SG_VR_NONE,
		        "%s: no such name (NSEC %s -> %s) and no wildcard", p->qn,
		        ntext(ob, c->owner), ntext(nb, c->next));
		return;
	case SG_VD_NODATA:
		if (m) {
			nodata_bitmap_check(p, m->bitmap, m->blen, m->owner, "NSEC");
			return;
		}
		if (!c) {
			val_set(p->res, SG_VAL_BOGUS, SG_VR_NSEC_MISSING,
			        "%s %s: no NSEC matches or covers the name", p->qn, p->qt);
			return;
		}
		/* empty non-terminal: the next name is below qname */
		if (!sg_name_equal(c->next, q->qname) && sg_name_is_subdomain(c->next, q->qname)) {
			val_set(p->res, SG_VAL_SECURE, SG_VR_NONE,
			        "%s %s: empty non-terminal (NSEC %s -> %s)", p->qn, p->qt,
			        ntext(ob, c->owner), ntext(nb, c->next));
			return;
		}
		/* wildcard NODATA (RFC 4035 §3.1.3.4) */
		{
			uint8_t wc[SG_NAME_MAX];
			if (make_wildcard(wc, sg_name_suffix(q->qname, nsec_ce_labels(p, c)))) {
				const nsec_rec_t *w = nsec_find_match(p, wc);
				if (w) {
					nodata_bitmap_check(p, w->bitmap, w->blen, w->owner,
					                    "wildcard NSEC");
					return;
				}
			}
		}
		val_set(p->res, SG_VAL_BOGUS, SG_VR_NSEC_MISSING,
		        "%s %s: the NSEC %s -> %s proves the name absent, not a NODATA", p->qn,
		        p->qt, ntext(ob, c->owner), ntext(nb, c->next));
		return;
	case SG_VD_WILDCARD: {
		if (m) {
			val_set(p->res, SG_VAL_BOGUS, SG_VR_NSEC_MISSING,
			        "%s: wildcard answer but the name exists (NSEC at %s)", p->qn,
			        ntext(ob, m->owner));
			return;
		}
		if (!c) {
			val_set(p->res, SG_VAL_BOGUS, SG_VR_NSEC_MISSING,
			        "%s %s: wildcard answer without an NSEC proving no closer match",
			        p->qn, p->qt);
			return;
		}
		unsigned ce = nsec_ce_labels(p, c);
		if (ce != q->wildcard_labels) {
			val_set(p->res, SG_VAL_BOGUS, SG_VR_NSEC_MISSING,
			        "%s %s: the NSEC %s -> %s shows a closer encloser than the "
			        "wildcard's",
			        p->qn, p->qt, ntext(ob, c->owner), ntext(nb, c->next));
			return;
		}
		val_set(p->res, SG_VAL_SECURE, SG_VR_NONE, "%s %s: no closer match (NSEC %s -> %s)",
		        p->qn, p->qt, ntext(ob, c->owner), ntext(nb, c->next));
		return;
	}
	case SG_VD_REFERRAL:
		if (!m) {
			val_set(p->res, SG_VAL_BOGUS, SG_VR_NSEC_MISSING,
			        "%s: referral without DS and no NSEC at the delegation", p->qn);
			return;
		}
		if (!has(m->bitmap, m->blen, SG_T_NS) || has(m->bitmap, m->blen, SG_T_SOA)) {
			val_set(p->res, SG_VAL_BOGUS, SG_VR_NSEC_MISSING,
			        "%s: the NSEC at the name does not show a delegation", p->qn);
			return;
		}
		if (has(m->bitmap, m->blen, SG_T_DS)) {
			val_set(p->res, SG_VAL_BOGUS, SG_VR_NSEC_MISSING,
			        "%s: referral without DS, but the NSEC lists a DS", p->qn);
			return;
		}
		val_set(p->res, SG_VAL_SECURE, SG_VR_NONE, "%s: delegation without DS (NSEC at %s)",
		        p->qn, ntext(ob, m->owner));
		return;
	}
}

/* ---- NSEC3 -------------------------------------------------------------------- */

/* Hashes name (a suffix of qname with `labels` labels, or another name
 * when labels < 0). Returns SG_OK, SG_ELIMIT (budget), or an error. */
static int n3_hash(proof_t *p, uint8_t out[HASH_LEN], const uint8_t *name, int labels)
{
	if (labels >= 0 && p->have[labels]) {
		memcpy(out, p->cache[labels], HASH_LEN);
		return SG_OK;
	}
	unsigned cost = (unsigned)p->iterations + 1;
	if (p->hashes + cost > p->opts->max_nsec3_hashes || p->hashes + cost < p->hashes) {
		p->limited = true;
		return SG_ELIMIT;
	}
	p->hashes += cost;
	if (p->stats)
		p->stats->nsec3_hashes += cost;
	int r = sg_nsec3_hash(out, p->alg, name, p->salt, p->saltlen, p->iterations);
	if (r < 0)
		return r;
	if (labels >= 0) {
		memcpy(p->cache[labels], out, HASH_LEN);
		p->have[labels] = true;
	}
	return SG_OK;
}

static const nsec3_rec_t *n3_match(const proof_t *p, const uint8_t h[HASH_LEN])
{
	for (size_t i = 0; i < p->nn3; i++)
		if (!memcmp(p->n3[i].hash, h, HASH_LEN))
			return &p->n3[i];
	return NULL;
}

static const nsec3_rec_t *n3_cover(const proof_t *p, const uint8_t h[HASH_LEN])
{
	for (size_t i = 0; i < p->nn3; i++) {
		const nsec3_rec_t *n = &p->n3[i];
		int a = memcmp(n->hash, h, HASH_LEN), b = memcmp(h, n->next, HASH_LEN);
		if (a < 0 && b < 0)
			return n;
		/* the last record wraps around to the first hash */
		if (memcmp(n->next, n->hash, HASH_LEN) <= 0 && (a < 0 || b < 0))
			return n;
	}
	return NULL;
}

/* Sets the result for a failed hash: limit or error. */
static int n3_fail(proof_t *p, int r)
{
	if (r == SG_ELIMIT) {
		if (p->stats)
			p->stats->limit_hits++;
		val_set(p->res, SG_VAL_BOGUS, SG_VR_LIMIT,
		        "%s %s: NSEC3 hash limit (%u computations) reached", p->qn, p->qt,
		        p->opts->max_nsec3_hashes);
		return SG_OK;
	}
	val_set(p->res, SG_VAL_INDETERMINATE, SG_VR_BOGUS, "%s %s: NSEC3 hash failed: %s", p->qn,
	        p->qt, sg_strerror(r));
	return r;
}

/* Closest encloser proof (RFC 5155 §8.3) for qname, which has no
 * matching NSEC3. On success *ce is the closest encloser's label count
 * and *nc the NSEC3 covering the next closer name; returns 1. Returns 0
 * with res set when the proof fails, <0 on error. */
static int n3_closest_encloser(proof_t *p, unsigned *ce, const nsec3_rec_t **nc)
{
	const uint8_t *qname = p->q->qname;
	unsigned ql = sg_name_labels(qname), zl = sg_name_labels(p->q->zone);
	uint8_t h[HASH_LEN];
	char cb[SG_NAME_TEXT_MAX];
	for (unsigned l = ql;; l--) {
		const uint8_t *name = sg_name_suffix(qname, l);
		int r = n3_hash(p, h, name, (int)l);
		if (r < 0)
			return n3_fail(p, r) < 0 ? r : 0;
		const nsec3_rec_t *m = n3_match(p, h);
		if (!m) {
			if (l <= zl)
				break;
			continue;
		}
		if (l == ql) {
			val_set(p->res, SG_VAL_BOGUS, SG_VR_NSEC_MISSING,
			        "%s: an NSEC3 matches the name itself", p->qn);
			return 0;
		}
		if ((has(m->bitmap, m->blen, SG_T_NS) && !has(m->bitmap, m->blen, SG_T_SOA)) ||
		    has(m->bitmap, m->blen, SG_T_DNAME)) {
			val_set(p->res, SG_VAL_BOGUS, SG_VR_NSEC_MISSING,
			        "%s %s: the closest encloser %s is a delegation or DNAME", p->qn,
			        p->qt, ntext(cb, name));
			return 0;
		}
		const uint8_t *next = sg_name_suffix(qname, l + 1);
		r = n3_hash(p, h, next, (int)l + 1);
		if (r < 0)
			return n3_fail(p, r) < 0 ? r : 0;
		*nc = n3_cover(p, h);
		if (!*nc) {
			val_set(p->res, SG_VAL_BOGUS, SG_VR_NSEC_MISSING,
			        "%s %s: no NSEC3 covers the next closer name %s", p->qn, p->qt,
			        ntext(cb, next));
			return 0;
		}
		*ce = l;
		return 1;
	}
	val_set(p->res, SG_VAL_BOGUS, SG_VR_NSEC_MISSING,
	        "%s %s: no NSEC3 proves a closest encloser", p->qn, p->qt);
	return 0;
}

static int nsec3_proof(proof_t *p)
{
	const sg_val_denial_query_t *q = p->q;
	unsigned ql = sg_name_labels(q->qname);
	uint8_t h[HASH_LEN];
	char cb[SG_NAME_TEXT_MAX];
	int r;

	if (q->kind == SG_VD_WILDCARD) {
		/* RFC 5155 §8.8: the next closer name is covered */
		if (q->wildcard_labels >= ql || q->wildcard_labels < sg_name_labels(q->zone)) {
			val_set(p->res, SG_VAL_BOGUS, SG_VR_NSEC_MISSING,
			        "%s %s: bad wildcard labels count %u", p->qn, p->qt,
			        q->wildcard_labels);
			return SG_OK;
		}
		const uint8_t *next = sg_name_suffix(q->qname, q->wildcard_labels + 1);
		r = n3_hash(p, h, next, (int)q->wildcard_labels + 1);
		if (r < 0)
			return n3_fail(p, r);
		if (n3_match(p, h)) {
			val_set(p->res, SG_VAL_BOGUS, SG_VR_NSEC_MISSING,
			        "%s %s: wildcard answer but %s exists (NSEC3 matches)", p->qn,
			        p->qt, ntext(cb, next));
		} else if (!n3_cover(p, h)) {
			val_set(p->res, SG_VAL_BOGUS, SG_VR_NSEC_MISSING,
			        "%s %s: wildcard answer without an NSEC3 covering the next closer "
			        "name %s",
			        p->qn, p->qt, ntext(cb, next));
		} else {
			val_set(p->res, SG_VAL_SECURE, SG_VR_NONE,
			        "%s %s: no closer match (NSEC3 covers %s)", p->qn, p->qt,
			        ntext(cb, next));
		}
		return SG_OK;
	}

	r = n3_hash(p, h, q->qname, (int)ql);
	if (r < 0)
		return n3_fail(p, r);
	const nsec3_rec_t *m = n3_match(p, h);
	if (m) {
		switch (q->kind) {
		case SG_VD_NXDOMAIN:
			val_set(p->res, SG_VAL_BOGUS, SG_VR_NSEC_MISSING,
			        "%s: name exists (NSEC3 %s matches it)", p->qn,
			        ntext(cb, m->owner));
			return SG_OK;
		case SG_VD_NODATA:
			nodata_bitmap_check(p, m->bitmap, m->blen, q->qname, "NSEC3");
			return SG_OK;
		case SG_VD_REFERRAL:
			if (!has(m->bitmap, m->blen, SG_T_NS) || has(m->bitmap, m->blen, SG_T_SOA))
				val_set(p->res, SG_VAL_BOGUS, SG_VR_NSEC_MISSING,
				        "%s: the NSEC3 of the name does not show a delegation",
				        p->qn);
			else if (has(m->bitmap, m->blen, SG_T_DS))
				val_set(p->res, SG_VAL_BOGUS, SG_VR_NSEC_MISSING,
				        "%s: referral without DS, but the NSEC3 lists a DS", p->qn);
			else
				val_set(p->res, SG_VAL_SECURE, SG_VR_NONE,
				        "%s: delegation without DS (NSEC3 %s)", p->qn,
				        ntext(cb, m->owner));
			return SG_OK;
		}
	}

	unsigned ce = 0;
	const nsec3_rec_t *nc = NULL;
	r = n3_closest_encloser(p, &ce, &nc);
	if (r <= 0)
		return r;
	const uint8_t *cename = sg_name_suffix(q->qname, ce);
	uint8_t wc[SG_NAME_MAX];
	bool wc_ok = make_wildcard(wc, cename);
	const nsec3_rec_t *wm = NULL, *wcov = NULL;
	if (wc_ok && q->kind != SG_VD_REFERRAL &&
	    !(q->kind == SG_VD_NODATA && q->qtype == SG_T_DS)) {
		r = n3_hash(p, h, wc, -1);
		if (r < 0)
			return n3_fail(p, r);
		wm = n3_match(p, h);
		wcov = wm ? NULL : n3_cover(p, h);
	}
	bool optout = nc->flags & 1;

	switch (q->kind) {
	case SG_VD_NXDOMAIN: /* RFC 5155 §8.4 */
		if (!wcov) {
			val_set(p->res, SG_VAL_BOGUS, SG_VR_NSEC_MISSING,
			        "%s: no NSEC3 proves the wildcard *.%s absent", p->qn,
			        ntext(cb, cename));
		} else if (optout) {
			val_set(p->res, SG_VAL_INSECURE, SG_VR_OPT_OUT,
			        "%s: next closer name in an NSEC3 opt-out span (%s)", p->qn,
			        ntext(cb, nc->owner));
		} else {
			val_set(p->res, SG_VAL_SECURE, SG_VR_NONE,
			        "%s: no such name (closest encloser %s)", p->qn, ntext(cb, cename));
		}
		return SG_OK;
	case SG_VD_NODATA:
		if (q->qtype == SG_T_DS) { /* RFC 5155 §8.6 */
			if (optout)
				val_set(p->res, SG_VAL_INSECURE, SG_VR_OPT_OUT,
				        "%s DS: in an NSEC3 opt-out span (%s): insecure delegation",
				        p->qn, ntext(cb, nc->owner));
			else
				val_set(p->res, SG_VAL_BOGUS, SG_VR_NSEC_MISSING,
				        "%s DS: no NSEC3 matches the name and the span is not "
				        "opt-out",
				        p->qn);
			return SG_OK;
		}
		if (wm) { /* RFC 5155 §8.7 */
			nodata_bitmap_check(p, wm->bitmap, wm->blen, wc, "wildcard NSEC3");
			return SG_OK;
		}
		val_set(p->res, SG_VAL_BOGUS, SG_VR_NSEC_MISSING,
		        "%s %s: no NSEC3 matches the name or the wildcard *.%s", p->qn, p->qt,
		        ntext(cb, cename));
		return SG_OK;
	case SG_VD_REFERRAL: /* RFC 5155 §8.9 */
		if (optout)
			val_set(p->res, SG_VAL_INSECURE, SG_VR_OPT_OUT,
			        "%s: delegation in an NSEC3 opt-out span (%s): insecure", p->qn,
			        ntext(cb, nc->owner));
		else
			val_set(p->res, SG_VAL_BOGUS, SG_VR_NSEC_MISSING,
			        "%s: referral without DS: no NSEC3 matches the name and the span "
			        "is not opt-out",
			        p->qn);
		return SG_OK;
	}
	return SG_OK;
}

int sg_val_denial(sg_val_result_t *res, const sg_val_denial_query_t *q, const sg_rrset_view_t *sets,
                  size_t nsets, const sg_val_opts_t *opts, sg_val_stats_t *stats)
{
	if (!res)
		return SG_EINVAL;
	val_clear(res);
	if (!q || !opts || !q->qname || !q->zone || (nsets && !sets) || q->kind < SG_VD_NXDOMAIN ||
	    q->kind > SG_VD_REFERRAL || !sg_name_is_subdomain(q->qname, q->zone)) {
		val_set(res, SG_VAL_INDETERMINATE, SG_VR_BOGUS, "bad arguments");
		return SG_EINVAL;
	}
	static __thread proof_t pbuf; /* large; one per thread, no recursion */
	proof_t *p = &pbuf;
	memset(p, 0, sizeof(*p));
	sg_val_denial_query_t qq = *q;
	if (qq.kind == SG_VD_REFERRAL)
		qq.qtype = SG_T_DS;
	p->q = &qq;
	p->opts = opts;
	p->stats = stats;
	p->res = res;
	val_name(p->qn, q->qname);
	char tb[16];
	snprintf(p->qt, sizeof(p->qt), "%s", sg_type_name(qq.qtype, tb));
	collect(p, sets, nsets);

	if (p->nnsec) {
		nsec_proof(p);
		return SG_OK;
	}
	if (p->nn3 == 0) {
		if (p->n3_unknown)
			val_set(res, SG_VAL_INSECURE, SG_VR_NSEC3_HASH_ALG,
			        "%s %s: only NSEC3 records of an unknown hash algorithm or flags",
			        p->qn, p->qt);
		else
			val_set(res, SG_VAL_BOGUS, SG_VR_NSEC_MISSING,
			        "%s %s: no NSEC or NSEC3 records", p->qn, p->qt);
		return SG_OK;
	}
	if (p->iterations > opts->max_nsec3_iterations) {
		/* RFC 9276 §3.2 */
		val_set(res, SG_VAL_INSECURE, SG_VR_NSEC3_ITERATIONS,
		        "%s %s: NSEC3 with %u iterations (limit %u)", p->qn, p->qt, p->iterations,
		        opts->max_nsec3_iterations);
		return SG_OK;
	}
	return nsec3_proof(p);
}
