/* signetd — answering queries from the zones it serves.
 *
 * RFC 1034 §4.3.2 (the lookup), RFC 2308 (negative answers), RFC 4035 §3.1
 * (DNSSEC records in answers), RFC 5155 §7.2 (NSEC3 proofs), RFC 6672
 * (DNAME), RFC 8482 (minimal ANY), RFC 9471 (glue). See
 * docs/internals/answer.md for the choices made where the RFCs leave one.
 *
 * The hot path allocates nothing: the query is parsed into the caller's
 * arena, the response is written into the caller's buffer by the message
 * writer, and every lookup is a hash lookup or a binary search over
 * indexes built once by sg_authzone_new().
 */
#include "server/answer.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "signet/denial.h"
#include "signet/dnssec.h"
#include "signet/msg.h"
#include "signet/rr.h"

#define CHAIN_MAX       16 /* CNAME/DNAME links followed inside a zone */
#define PENDING_MAX     48 /* authority RRsets one answer can need */
#define GLUE_MAX        64 /* additional RRsets (glue) one referral can carry */
#define DEFAULT_UDP     1232
#define N3_HASH         20  /* SHA-1, the only NSEC3 hash (RFC 5155 §11) */
#define GLUE_AHEAD      8   /* name servers of a referral looked up side by side */
#define PREFETCH_RRS    16  /* records of an RRset fetched ahead (put_set) */
#define PREFETCH_OCTETS 512 /* of each one's RDATA */

/* ==== served zones ======================================================== */

typedef struct n3ent {
	uint8_t hash[N3_HASH];
	uint32_t node;
} n3ent_t;

struct sg_authzone {
	atomic_uint refs;
	sg_zone_t *z;
	const uint8_t *origin;
	unsigned olabels;
	uint16_t zclass;
	bool secure; /* DNSKEY at the apex and signatures: DNSSEC records go out with DO */
	int denial;  /* 0, SG_DENIAL_NSEC or SG_DENIAL_NSEC3 */
	const sg_zone_rrset_t *soa;
	uint32_t neg_ttl; /* min(SOA TTL, SOA MINIMUM), RFC 2308 §3 */
	/* NSEC: indexes of the nodes owning an NSEC, in canonical order */
	uint32_t *nsec;
	size_t nnsec;
	/* NSEC3: the chain sorted by hash. Each node's link (sg_zone_node_link)
	 * is the owner of its matching NSEC3 (node index + 1, 0 = none), and
	 * SG_ZN_MARK flags the NSEC3 owners that are no names of the zone
	 * (RFC 5155 §7.2.9): kept in the nodes, read with them. */
	uint8_t n3alg;
	uint16_t n3iter;
	uint8_t n3saltlen;
	uint8_t n3salt[255];
	n3ent_t *n3;
	size_t nn3;
	/* n3[n3bucket[b]] is the first entry whose hash starts with the n3bits
	 * bits b (n3bucket[1 << n3bits] = nn3): a lookup reads two cache lines
	 * where a binary search over the whole chain reads a dozen */
	uint32_t *n3bucket;
	unsigned n3bits;
};

/* The bucket of a hash: its first n3bits bits. */
static size_t n3top(const sg_authzone_t *az, const uint8_t *h)
{
	uint32_t t = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
	return az->n3bits ? t >> (32 - az->n3bits) : 0;
}

static int n3cmp(const void *a, const void *b)
{
	return memcmp(((const n3ent_t *)a)->hash, ((const n3ent_t *)b)->hash, N3_HASH);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* The NSEC3 parameters of an NSEC3 or NSEC3PARAM RDATA, checked against the
 * length. Returns the offset just past the salt, or 0 when malformed. */
static size_t n3_params(const uint8_t *rd, size_t len, uint8_t *alg, uint16_t *iter,
                        const uint8_t **salt, uint8_t *saltlen)
{
	if (len < 5 || len < 5u + rd[4])
		return 0;
	*alg = rd[0];
	*iter = get16(rd + 2);
	*saltlen = rd[4];
	*salt = rd + 5;
	return 5u + rd[4];
}

static bool children(const sg_zone_t *z, size_t i)
{
	const sg_zone_node_t *n = sg_zone_node(z, i), *next = sg_zone_node(z, i + 1);
	return next && sg_name_is_subdomain(sg_zone_node_name(z, next), sg_zone_node_name(z, n));
}

static int index_nsec3(sg_authzone_t *az, const sg_zone_rrset_t *param)
{
	const sg_zone_t *z = az->z;
	uint16_t len;
	const uint8_t *rd = sg_zone_rrset_rdata(z, param, 0, &len), *salt;
	if (!n3_params(rd, len, &az->n3alg, &az->n3iter, &salt, &az->n3saltlen) || az->n3alg != 1)
		return SG_OK; /* parameters signet cannot use: no NSEC3 denial */
	memcpy(az->n3salt, salt, az->n3saltlen);
	size_t nn = sg_zone_node_count(z);
	size_t cap = 0;
	for (size_t i = 0; i < nn; i++)
		if (sg_zone_node_find(z, sg_zone_node(z, i), SG_T_NSEC3))
			cap++;
	if (!cap)
		return SG_OK;
	az->n3 = malloc(cap * sizeof(n3ent_t));
	if (!az->n3)
		return SG_ENOMEM;
	for (size_t i = 0; i < nn; i++) {
		const sg_zone_node_t *n = sg_zone_node(z, i);
		const sg_zone_rrset_t *rs = sg_zone_node_find(z, n, SG_T_NSEC3);
		const uint8_t *name = sg_zone_node_name(z, n);
		if (!rs || sg_name_labels(name) != az->olabels + 1)
			continue;
		/* only the records of the chain NSEC3PARAM announces (RFC 5155 §7.2) */
		bool ours = false;
		for (size_t k = 0; k < sg_zone_rrset_count(rs) && !ours; k++) {
			uint8_t a, sl;
			uint16_t it;
			const uint8_t *s;
			rd = sg_zone_rrset_rdata(z, rs, k, &len);
			size_t o = n3_params(rd, len, &a, &it, &s, &sl);
			ours = o && a == az->n3alg && it == az->n3iter && sl == az->n3saltlen &&
			       !memcmp(s, az->n3salt, sl);
		}
		uint8_t h[40];
		if (!ours ||
		    sg_base32hex_decode(h, sizeof(h), (const char *)name + 1, name[0]) != N3_HASH)
			continue;
		memcpy(az->n3[az->nn3].hash, h, N3_HASH);
		az->n3[az->nn3++].node = (uint32_t)i;
		/* RFC 5155 §7.2.9: an NSEC3 owner name alone is not a name of the zone */
		bool only = true;
		for (size_t k = 0; k < sg_zone_node_rrset_count(n); k++) {
			uint16_t t = sg_zone_rrset_type(sg_zone_node_rrset(z, n, k));
			if (t != SG_T_NSEC3 && t != SG_T_RRSIG)
				only = false;
		}
		if (only && !children(z, i))
			sg_zone_node_mark(az->z, i);
	}
	if (!az->nn3)
		return SG_OK;
	qsort(az->n3, az->nn3, sizeof(n3ent_t), n3cmp);
	/* hashes are uniform: two to four entries per bucket */
	while (az->n3bits < 24 && ((size_t)4 << az->n3bits) <= az->nn3)
		az->n3bits++;
	size_t nb = (size_t)1 << az->n3bits;
	az->n3bucket = malloc((nb + 1) * sizeof(uint32_t));
	if (!az->n3bucket)
		return SG_ENOMEM;
	for (size_t b = 0, i = 0; b <= nb; b++) {
		while (i < az->nn3 && n3top(az, az->n3[i].hash) < b)
			i++;
		az->n3bucket[b] = (uint32_t)i;
	}
	/* which node each NSEC3 belongs to: one hash per authoritative name, once */
	for (size_t i = 0; i < nn; i++) {
		const sg_zone_node_t *n = sg_zone_node(z, i);
		if ((sg_zone_node_flags(n) & SG_ZN_MARK) || !sg_denial_authoritative(z, n))
			continue;
		uint8_t h[N3_HASH];
		if (sg_nsec3_hash(h, az->n3alg, sg_zone_node_name(z, n), az->n3salt, az->n3saltlen,
		                  az->n3iter) < 0)
			return SG_ECRYPTO;
		n3ent_t key;
		memcpy(key.hash, h, N3_HASH);
		const n3ent_t *e = bsearch(&key, az->n3, az->nn3, sizeof(n3ent_t), n3cmp);
		if (e)
			sg_zone_node_set_link(az->z, i, e->node + 1);
	}
	az->denial = SG_DENIAL_NSEC3;
	return SG_OK;
}

static int index_nsec(sg_authzone_t *az)
{
	const sg_zone_t *z = az->z;
	size_t nn = sg_zone_node_count(z), cap = 0;
	for (size_t i = 0; i < nn; i++)
		if (sg_zone_node_find(z, sg_zone_node(z, i), SG_T_NSEC))
			cap++;
	if (!cap)
		return SG_OK;
	az->nsec = malloc(cap * sizeof(uint32_t));
	if (!az->nsec)
		return SG_ENOMEM;
	for (size_t i = 0; i < nn; i++)
		if (sg_zone_node_find(z, sg_zone_node(z, i), SG_T_NSEC))
			az->nsec[az->nnsec++] = (uint32_t)i;
	az->denial = SG_DENIAL_NSEC;
	return SG_OK;
}

static void authzone_free(sg_authzone_t *az)
{
	if (!az)
		return;
	sg_zone_free(az->z);
	free(az->nsec);
	free(az->n3);
	free(az->n3bucket);
	free(az);
}

int sg_authzone_new(sg_authzone_t **out, sg_zone_t *z, char *err, size_t errcap)
{
	*out = NULL;
	sg_authzone_t *az = calloc(1, sizeof(*az));
	if (!az) {
		sg_zone_free(z);
		return SG_ENOMEM;
	}
	atomic_init(&az->refs, 1);
	az->z = z;
	az->origin = sg_zone_origin(z);
	az->olabels = sg_name_labels(az->origin);
	az->zclass = sg_zone_class(z);
	int r = SG_EZONE;
	az->soa = sg_zone_soa(z);
	uint16_t len = 0;
	const uint8_t *rd = az->soa ? sg_zone_rrset_rdata(z, az->soa, 0, &len) : NULL;
	if (!rd || len < 22) {
		if (err && errcap)
			snprintf(err, errcap, "no well-formed SOA record at the apex");
		goto out;
	}
	uint32_t min = get32(rd + len - 4), ttl = sg_zone_rrset_ttl(az->soa);
	az->neg_ttl = min < ttl ? min : ttl;
	const sg_zone_node_t *apex = sg_zone_apex(z);
	az->secure =
	        sg_zone_node_find(z, apex, SG_T_DNSKEY) && sg_zone_node_find(z, apex, SG_T_RRSIG);
	const sg_zone_rrset_t *param = sg_zone_node_find(z, apex, SG_T_NSEC3PARAM);
	if (param && (r = index_nsec3(az, param)) < 0)
		goto out;
	if (az->denial != SG_DENIAL_NSEC3 && (r = index_nsec(az)) < 0)
		goto out;
	*out = az;
	return SG_OK;
out:
	if (r == SG_ENOMEM && err && errcap)
		snprintf(err, errcap, "out of memory indexing the zone");
	authzone_free(az);
	return r;
}

sg_authzone_t *sg_authzone_ref(sg_authzone_t *az)
{
	if (az)
		atomic_fetch_add_explicit(&az->refs, 1, memory_order_relaxed);
	return az;
}

void sg_authzone_unref(sg_authzone_t *az)
{
	if (az && atomic_fetch_sub_explicit(&az->refs, 1, memory_order_acq_rel) == 1)
		authzone_free(az);
}

const sg_zone_t *sg_authzone_zone(const sg_authzone_t *az)
{
	return az->z;
}

/* ==== zone sets =========================================================== */

struct sg_zoneset {
	atomic_uint refs;
	size_t n;
	sg_authzone_t **zones;
	uint32_t *slots; /* open addressing by origin hash: zone index + 1, 0 = empty */
	size_t mask;
	unsigned maxlabels;
};

static void zoneset_free(sg_zoneset_t *zs)
{
	for (size_t i = 0; i < zs->n; i++)
		sg_authzone_unref(zs->zones[i]);
	free(zs->zones);
	free(zs->slots);
	free(zs);
}

int sg_zoneset_new(sg_zoneset_t **out, sg_authzone_t *const *zones, size_t n)
{
	*out = NULL;
	sg_zoneset_t *zs = calloc(1, sizeof(*zs));
	if (!zs)
		return SG_ENOMEM;
	atomic_init(&zs->refs, 1);
	size_t size = 8;
	while (size < 2 * n + 2)
		size *= 2;
	zs->mask = size - 1;
	zs->zones = calloc(n ? n : 1, sizeof(*zs->zones));
	zs->slots = calloc(size, sizeof(uint32_t));
	if (!zs->zones || !zs->slots) {
		zoneset_free(zs);
		return SG_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		const uint8_t *o = zones[i]->origin;
		size_t s = sg_name_hash(o) & zs->mask;
		for (; zs->slots[s]; s = (s + 1) & zs->mask)
			if (sg_name_equal(zs->zones[zs->slots[s] - 1]->origin, o)) {
				zoneset_free(zs);
				return SG_EEXIST;
			}
		zs->zones[zs->n++] = sg_authzone_ref(zones[i]);
		zs->slots[s] = (uint32_t)zs->n;
		if (zones[i]->olabels > zs->maxlabels)
			zs->maxlabels = zones[i]->olabels;
	}
	*out = zs;
	return SG_OK;
}

sg_zoneset_t *sg_zoneset_ref(sg_zoneset_t *zs)
{
	if (zs)
		atomic_fetch_add_explicit(&zs->refs, 1, memory_order_relaxed);
	return zs;
}

void sg_zoneset_unref(sg_zoneset_t *zs)
{
	if (zs && atomic_fetch_sub_explicit(&zs->refs, 1, memory_order_acq_rel) == 1)
		zoneset_free(zs);
}

static const sg_authzone_t *zoneset_exact(const sg_zoneset_t *zs, const uint8_t *name)
{
	for (size_t s = sg_name_hash(name) & zs->mask; zs->slots[s]; s = (s + 1) & zs->mask) {
		const sg_authzone_t *az = zs->zones[zs->slots[s] - 1];
		if (sg_name_equal(az->origin, name))
			return az;
	}
	return NULL;
}

const sg_authzone_t *sg_zoneset_find(const sg_zoneset_t *zs, const uint8_t *qname)
{
	if (!zs || !zs->n)
		return NULL;
	const uint8_t *p = qname;
	for (unsigned l = sg_name_labels(qname); l > zs->maxlabels; l--)
		p = sg_name_parent(p);
	for (;;) {
		const sg_authzone_t *az = zoneset_exact(zs, p);
		if (az || !p[0])
			return az;
		p = sg_name_parent(p);
	}
}

size_t sg_zoneset_count(const sg_zoneset_t *zs)
{
	return zs->n;
}

const sg_authzone_t *sg_zoneset_get(const sg_zoneset_t *zs, size_t i)
{
	return i < zs->n ? zs->zones[i] : NULL;
}

/* ==== answering =========================================================== */

/* An RRset waiting for its section (authority and additional are written
 * after the whole answer section, which CNAME chains build step by step). */
typedef struct pend {
	const uint8_t *owner;
	const sg_zone_node_t *node; /* where its RRSIGs are; NULL: none */
	const sg_zone_rrset_t *rs;
	uint32_t ttl;
	bool required; /* additional section: in-domain glue (RFC 9471: TC when it does not fit) */
} pend_t;

typedef struct ctx {
	sg_msgw_t w;
	const sg_authzone_t *az;
	const sg_zone_t *z;
	const uint8_t *qname;
	uint16_t qtype;
	bool dnssec; /* DO set and the zone is signed */
	bool tc;     /* something required did not fit: stop */
	bool aa;
	unsigned rcode;
	size_t nans, nauth, nadd;
	pend_t auth[PENDING_MAX];
	pend_t add[GLUE_MAX];
	uint8_t names[CHAIN_MAX][SG_NAME_MAX]; /* DNAME-synthesized targets */
} ctx_t;

/* Starts reading an RRset's first records from memory, all at once rather
 * than one cache miss after the other as they are copied. (Only the start
 * of the first few: a huge RRset mostly ends in truncation, and the rest
 * is read in order anyway.) */
static void prefetch_set(const sg_zone_t *z, const sg_zone_rrset_t *rs)
{
	uint16_t len;
	size_t n = rs ? sg_zone_rrset_count(rs) : 0;
	if (n > PREFETCH_RRS)
		n = PREFETCH_RRS;
	for (size_t i = 0; i < n; i++) {
		const uint8_t *rd = sg_zone_rrset_rdata(z, rs, i, &len);
		for (size_t o = 0; o < len && o < PREFETCH_OCTETS; o += 64)
			__builtin_prefetch(rd + o);
	}
}

/* Writes an RRset (and with DNSSEC its RRSIGs) as one unit, or nothing. */
static int put_set(ctx_t *c, int sec, const uint8_t *owner, const sg_zone_node_t *node,
                   const sg_zone_rrset_t *rs, uint32_t ttl)
{
	const sg_zone_t *z = c->z;
	uint16_t type = sg_zone_rrset_type(rs), len;
	const sg_zone_rrset_t *sigs = node && c->dnssec && type != SG_T_RRSIG
	                                      ? sg_zone_node_find(z, node, SG_T_RRSIG)
	                                      : NULL;
	prefetch_set(z, rs);
	prefetch_set(z, sigs);
	sg_msgw_mark_t m;
	sg_msgw_mark(&c->w, &m);
	int r = SG_OK;
	for (size_t i = 0, n = sg_zone_rrset_count(rs); i < n && r == SG_OK; i++) {
		const uint8_t *rd = sg_zone_rrset_rdata(z, rs, i, &len);
		uint32_t t = ttl;
		if (type == SG_T_RRSIG && node && len >= 2) {
			/* a query for RRSIG: the store keeps one TTL for them all,
			 * each goes out with the TTL of what it covers */
			const sg_zone_rrset_t *cov = sg_zone_node_find(z, node, get16(rd));
			if (cov)
				t = sg_zone_rrset_ttl(cov);
		}
		r = sg_msgw_rr(&c->w, sec, owner, type, c->az->zclass, t, rd, len);
	}
	for (size_t i = 0, n = sigs ? sg_zone_rrset_count(sigs) : 0; i < n && r == SG_OK; i++) {
		const uint8_t *rd = sg_zone_rrset_rdata(z, sigs, i, &len);
		/* RFC 4034 §3: an RRSIG's TTL is that of the RRset it covers */
		if (len >= 2 && get16(rd) == type)
			r = sg_msgw_rr(&c->w, sec, owner, SG_T_RRSIG, c->az->zclass, ttl, rd, len);
	}
	if (r < 0)
		sg_msgw_rollback(&c->w, &m);
	return r;
}

/* Before the authority and additional sections are written: the owner
 * name and the records of every queued RRset and of its RRSIGs are
 * requested from memory together (finding an RRset starts fetching its
 * first RDATA; a second pass then starts on the other records), so that the
 * sets' waits overlap rather than come one after the other as put_set
 * copies them. */
static void prefetch_pending(const ctx_t *c)
{
	const sg_zone_t *z = c->z;
	const sg_zone_rrset_t *sigs[PENDING_MAX + GLUE_MAX];
	size_t n = 0;
	for (size_t i = 0; i < c->nauth + c->nadd; i++) {
		const pend_t *p = i < c->nauth ? &c->auth[i] : &c->add[i - c->nauth];
		__builtin_prefetch(p->owner);
		sigs[n++] = p->node && c->dnssec ? sg_zone_node_find(z, p->node, SG_T_RRSIG) : NULL;
	}
	for (size_t i = 0; i < n; i++) {
		prefetch_set(z, i < c->nauth ? c->auth[i].rs : c->add[i - c->nauth].rs);
		prefetch_set(z, sigs[i]);
	}
}

/* An answer-section RRset: when it does not fit the answer is truncated. */
static void answer_set(ctx_t *c, const uint8_t *owner, const sg_zone_node_t *node,
                       const sg_zone_rrset_t *rs)
{
	if (c->tc)
		return;
	if (put_set(c, SG_SEC_ANSWER, owner, node, rs, sg_zone_rrset_ttl(rs)) < 0)
		c->tc = true;
	else
		c->nans++;
}

static void pend_auth(ctx_t *c, const uint8_t *owner, const sg_zone_node_t *node,
                      const sg_zone_rrset_t *rs, uint32_t ttl)
{
	if (!rs)
		return;
	for (size_t i = 0; i < c->nauth; i++)
		if (c->auth[i].rs == rs)
			return; /* one NSEC can prove two things (RFC 4035 §3.1.3.2) */
	if (c->nauth < PENDING_MAX)
		c->auth[c->nauth++] = (pend_t){owner, node, rs, ttl, false};
}

/* The node's own NSEC or NSEC3 record, as an authority RRset. */
static void pend_denial(ctx_t *c, const sg_zone_node_t *n, uint16_t type)
{
	const sg_zone_rrset_t *rs = n ? sg_zone_node_find(c->z, n, type) : NULL;
	if (rs)
		pend_auth(c, sg_zone_node_name(c->z, n), n, rs, sg_zone_rrset_ttl(rs));
}

static void pend_soa(ctx_t *c)
{
	pend_auth(c, c->az->origin, sg_zone_apex(c->z), c->az->soa, c->az->neg_ttl);
}

/* ---- NSEC ---------------------------------------------------------------- */

/* The NSEC owner at or before node index idx in canonical order. */
static const sg_zone_node_t *nsec_at_or_before(const sg_authzone_t *az, size_t idx)
{
	size_t lo = 0, hi = az->nnsec;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (az->nsec[mid] <= idx)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* before the first NSEC owner (cannot happen: the apex owns one): the last covers */
	return sg_zone_node(az->z, az->nsec[lo ? lo - 1 : az->nnsec - 1]);
}

/* The NSEC owner that sorts at or before `name`: its NSEC covers name. */
static const sg_zone_node_t *nsec_covering(const sg_authzone_t *az, const uint8_t *name)
{
	size_t lo = 0, hi = az->nnsec;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (sg_name_compare(sg_zone_node_name(az->z, sg_zone_node(az->z, az->nsec[mid])),
		                    name) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return sg_zone_node(az->z, az->nsec[lo ? lo - 1 : az->nnsec - 1]);
}

/* *.<ce> into buf; false when it would be too long. */
static bool wildcard_of(uint8_t buf[SG_NAME_MAX], const uint8_t *ce)
{
	size_t l = sg_name_len(ce);
	if (l + 2 > SG_NAME_MAX)
		return false;
	buf[0] = 1;
	buf[1] = '*';
	memcpy(buf + 2, ce, l);
	return true;
}

/* ---- NSEC3 --------------------------------------------------------------- */

/* One lookup in the NSEC3 chain, in three steps — hash (n3_begin), bucket
 * bounds (n3_fetch), search (n3_end) — each starting to fetch what the next
 * one reads, so that the lookups of one proof can go side by side and wait
 * for memory together instead of one after the other. */
typedef struct n3q {
	uint8_t h[N3_HASH];
	size_t b; /* bucket */
	bool ok;  /* hashed */
} n3q_t;

static void n3_begin(const ctx_t *c, n3q_t *q, const uint8_t *name)
{
	const sg_authzone_t *az = c->az;
	q->ok = sg_nsec3_hash(q->h, az->n3alg, name, az->n3salt, az->n3saltlen, az->n3iter) >= 0;
	if (q->ok) {
		q->b = n3top(az, q->h);
		__builtin_prefetch(&az->n3bucket[q->b]);
	}
}

static void n3_fetch(const ctx_t *c, const n3q_t *q)
{
	if (q->ok) {
		const sg_authzone_t *az = c->az;
		__builtin_prefetch(&az->n3[az->n3bucket[q->b]]);
		/* a bucket can span two cache lines */
		__builtin_prefetch(&az->n3[az->n3bucket[q->b + 1]]);
	}
}

/* The owner of the NSEC3 matching (or, failing that, covering) the hash,
 * or NULL when hashing failed; starts fetching the owner. */
static const sg_zone_node_t *n3_end(const ctx_t *c, const n3q_t *q)
{
	const sg_authzone_t *az = c->az;
	if (!q->ok)
		return NULL;
	/* the entries before the bucket all sort below h, those after it above */
	size_t lo = az->n3bucket[q->b], hi = az->n3bucket[q->b + 1];
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (memcmp(az->n3[mid].hash, q->h, N3_HASH) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* below the first hash: the last NSEC3 wraps around and covers it */
	const sg_zone_node_t *n = sg_zone_node(c->z, az->n3[lo ? lo - 1 : az->nn3 - 1].node);
	__builtin_prefetch(n);
	return n;
}

/* The owner of the NSEC3 matching (or, failing that, covering) the hash of name. */
static const sg_zone_node_t *n3_lookup(const ctx_t *c, const uint8_t *name)
{
	n3q_t q;
	n3_begin(c, &q, name);
	n3_fetch(c, &q);
	return n3_end(c, &q);
}

/* n3: the owner of an NSEC3 (NULL: none) */
static void pend_n3(ctx_t *c, const sg_zone_node_t *n3)
{
	pend_denial(c, n3, SG_T_NSEC3);
}

/* The owner of the NSEC3 that matches node n, or NULL. */
static const sg_zone_node_t *n3_match_node(const ctx_t *c, const sg_zone_node_t *n)
{
	uint32_t k = sg_zone_node_link(n);
	return k ? sg_zone_node(c->z, k - 1) : NULL;
}

/* Hashes what a closest encloser proof with encloser ce looks up (the next
 * closer name; with `wild` also *.<ce>) into q; returns how many. */
static size_t n3_ce_begin(const ctx_t *c, n3q_t q[2], const uint8_t *name, const sg_zone_node_t *ce,
                          bool wild)
{
	size_t n = 0;
	const uint8_t *cename = sg_zone_node_name(c->z, ce);
	unsigned cl = sg_name_labels(cename);
	if (sg_name_labels(name) > cl)
		n3_begin(c, &q[n++], sg_name_suffix(name, cl + 1));
	uint8_t w[SG_NAME_MAX];
	if (wild && wildcard_of(w, cename))
		n3_begin(c, &q[n++], w);
	return n;
}

/* RFC 5155 §7.2.1: the closest (provable) encloser proof for name, starting
 * the search at node ce (an ancestor of name that exists). Adds the NSEC3
 * matching the closest provable encloser and the one covering the next
 * closer name — with `wild`, also the one covering the wildcard at that
 * encloser (§7.2.2, NXDOMAIN) —; returns that encloser. The lookups are
 * independent, so they go step by step side by side; the hashing is done
 * while the first encloser's match is fetched (it is the one almost
 * always, and is redone when it is not). */
static const sg_zone_node_t *n3_ce_proof(ctx_t *c, const uint8_t *name, const sg_zone_node_t *ce,
                                         bool wild)
{
	const sg_zone_node_t *m = NULL, *first = ce, *cover[2];
	n3q_t q[2];
	if (!ce)
		return NULL; /* NODATA at an apex without its NSEC3 (a broken zone) */
	size_t nq = n3_ce_begin(c, q, name, ce, wild);
	for (; ce; ce = sg_zone_node_parent(c->z, ce))
		if ((m = n3_match_node(c, ce)))
			break;
	if (!ce)
		return NULL;
	if (ce != first)
		nq = n3_ce_begin(c, q, name, ce, wild);
	__builtin_prefetch(m);
	for (size_t i = 0; i < nq; i++)
		n3_fetch(c, &q[i]);
	sg_zone_node_prefetch(c->z, m);
	for (size_t i = 0; i < nq; i++)
		cover[i] = n3_end(c, &q[i]);
	for (size_t i = 0; i < nq; i++)
		if (cover[i])
			sg_zone_node_prefetch(c->z, cover[i]);
	pend_n3(c, m);
	for (size_t i = 0; i < nq; i++)
		pend_n3(c, cover[i]);
	return ce;
}

/* ---- the cases of RFC 1034 §4.3.2 ---------------------------------------- */

/* RFC 2308 §2.2 NODATA at an existing node (qname may be a wildcard match:
 * then wild is the wildcard node and f the find result). */
static void nodata(ctx_t *c, const uint8_t *name, const sg_zone_node_t *n,
                   const sg_zone_find_t *wild)
{
	pend_soa(c);
	if (!c->dnssec)
		return;
	if (c->az->denial == SG_DENIAL_NSEC) {
		if (wild) {
			/* RFC 4035 §3.1.3.4: no qname, and the wildcard lacks the type;
			 * a wildcard that is an empty non-terminal (`x.*.w` exists) owns
			 * no NSEC: the one covering it, whose next name is below it,
			 * shows it has no data (RFC 4592 §4.1) */
			pend_denial(c,
			            nsec_at_or_before(c->az, sg_zone_node_index(c->z, wild->prev)),
			            SG_T_NSEC);
			pend_denial(c, nsec_at_or_before(c->az, sg_zone_node_index(c->z, n)),
			            SG_T_NSEC);
		} else if (sg_zone_node_find(c->z, n, SG_T_NSEC)) {
			pend_denial(c, n, SG_T_NSEC); /* RFC 4035 §3.1.3.1 */
		} else {
			/* an empty non-terminal: the NSEC covering it, whose next name is below it
			 */
			pend_denial(c, nsec_at_or_before(c->az, sg_zone_node_index(c->z, n)),
			            SG_T_NSEC);
		}
	} else if (c->az->denial == SG_DENIAL_NSEC3) {
		if (wild) {
			/* RFC 5155 §7.2.5: closest encloser proof + the NSEC3 matching the wildcard
			 */
			n3_ce_proof(c, name, wild->encloser, false);
			pend_n3(c, n3_match_node(c, n));
		} else {
			const sg_zone_node_t *m = n3_match_node(c, n);
			if (m)
				pend_n3(c, m); /* RFC 5155 §7.2.3 */
			else /* RFC 5155 §7.2.4: DS (or an opt-out empty non-terminal) */
				n3_ce_proof(c, name, sg_zone_node_parent(c->z, n), false);
		}
	}
}

static void nxdomain(ctx_t *c, const uint8_t *name, const sg_zone_find_t *f)
{
	c->rcode = SG_RC_NXDOMAIN;
	pend_soa(c);
	if (!c->dnssec)
		return;
	uint8_t wild[SG_NAME_MAX];
	if (c->az->denial == SG_DENIAL_NSEC) {
		/* RFC 4035 §3.1.3.2: qname does not exist, nor the wildcard that could match it */
		pend_denial(c, nsec_at_or_before(c->az, sg_zone_node_index(c->z, f->prev)),
		            SG_T_NSEC);
		if (wildcard_of(wild, sg_zone_node_name(c->z, f->encloser)))
			pend_denial(c, nsec_covering(c->az, wild), SG_T_NSEC);
	} else if (c->az->denial == SG_DENIAL_NSEC3) {
		n3_ce_proof(c, name, f->encloser, true); /* RFC 5155 §7.2.2 */
	}
}

/* Queues the A/AAAA RRsets of node gn for the additional section, once
 * each; with their RRSIGs unless gn is glue (below a cut or a DNAME: the
 * node's flags say so, which sg_zone_is_glue() would look up again). */
static void pend_addresses(ctx_t *c, const sg_zone_node_t *gn, bool required)
{
	bool sigs = !(sg_zone_node_flags(gn) & (SG_ZN_BELOW_CUT | SG_ZN_BELOW_DNAME));
	static const uint16_t addr[2] = {SG_T_A, SG_T_AAAA};
	for (int t = 0; t < 2; t++) {
		const sg_zone_rrset_t *a = sg_zone_node_find(c->z, gn, addr[t]);
		bool dup = false;
		for (size_t j = 0; j < c->nadd && !dup; j++)
			dup = c->add[j].rs == a;
		if (a && !dup && c->nadd < GLUE_MAX)
			c->add[c->nadd++] = (pend_t){sg_zone_node_name(c->z, gn), sigs ? gn : NULL,
			                             a, sg_zone_rrset_ttl(a), required};
	}
}

/* RFC 1034 §4.3.2 step 6 (additional section processing): addresses of the
 * in-zone names an NS, MX or SRV answer points to, when they fit. */
static void add_targets(ctx_t *c, const sg_zone_rrset_t *rs)
{
	uint16_t type = sg_zone_rrset_type(rs), len;
	size_t skip = type == SG_T_NS ? 0 : type == SG_T_MX ? 2 : type == SG_T_SRV ? 6 : 1000;
	if (skip == 1000)
		return;
	for (size_t i = 0, k = sg_zone_rrset_count(rs); i < k; i++) {
		const uint8_t *rd = sg_zone_rrset_rdata(c->z, rs, i, &len);
		if (len <= skip || !sg_name_is_subdomain(rd + skip, c->az->origin))
			continue;
		const sg_zone_node_t *gn = sg_zone_lookup(c->z, rd + skip);
		if (gn)
			pend_addresses(c, gn, false);
	}
}

/* The one RRset a minimal ANY answer gives (RFC 8482 §4.1): the first in
 * type order that is not DNSSEC machinery, else the first. */
static const sg_zone_rrset_t *pick_any(const ctx_t *c, const sg_zone_node_t *n)
{
	const sg_zone_rrset_t *first = NULL;
	for (size_t i = 0, k = sg_zone_node_rrset_count(n); i < k; i++) {
		const sg_zone_rrset_t *rs = sg_zone_node_rrset(c->z, n, i);
		uint16_t t = sg_zone_rrset_type(rs);
		if (t == SG_T_RRSIG)
			continue;
		if (t != SG_T_NSEC && t != SG_T_NSEC3)
			return rs;
		if (!first)
			first = rs;
	}
	return first;
}

/* Answers name from node n (an exact match, or the wildcard when f is not
 * NULL; the owner is then name, RFC 4592 §3.3.1). Returns the CNAME target
 * to follow, or NULL when the answer is complete. */
static const uint8_t *from_node(ctx_t *c, const uint8_t *name, const sg_zone_node_t *n,
                                const sg_zone_find_t *f)
{
	const sg_zone_t *z = c->z;
	const sg_zone_rrset_t *rs;
	if (c->qtype == SG_T_ANY)
		rs = pick_any(c, n);
	else
		rs = sg_zone_node_find(z, n, c->qtype);
	const sg_zone_rrset_t *cn = NULL;
	if (!rs && c->qtype != SG_T_CNAME && c->qtype != SG_T_ANY)
		cn = sg_zone_node_find(z, n, SG_T_CNAME);
	if (!rs && !cn) {
		nodata(c, name, n, f);
		return NULL;
	}
	if (f && c->dnssec) {
		/* RFC 4035 §3.1.3.3 / RFC 5155 §7.2.6: prove the name itself does not exist */
		if (c->az->denial == SG_DENIAL_NSEC)
			pend_denial(c, nsec_at_or_before(c->az, sg_zone_node_index(z, f->prev)),
			            SG_T_NSEC);
		else if (c->az->denial == SG_DENIAL_NSEC3) {
			unsigned cl = sg_name_labels(sg_zone_node_name(z, f->encloser));
			pend_n3(c, n3_lookup(c, sg_name_suffix(name, cl + 1)));
		}
	}
	if (rs) {
		answer_set(c, name, n, rs);
		add_targets(c, rs);
		return NULL;
	}
	answer_set(c, name, n, cn);
	uint16_t len;
	return sg_zone_rrset_rdata(z, cn, 0, &len);
}

static void referral(ctx_t *c, const uint8_t *name, const sg_zone_node_t *cut)
{
	const sg_zone_t *z = c->z;
	const uint8_t *cutname = sg_zone_node_name(z, cut);
	const sg_zone_rrset_t *ds = sg_zone_node_find(z, cut, SG_T_DS);
	if (c->qtype == SG_T_DS && sg_name_equal(name, cutname)) {
		/* RFC 4035 §3.1.4.1: DS is parent-side data, answered with authority */
		if (ds)
			answer_set(c, name, cut, ds);
		else
			nodata(c, name, cut, NULL);
		return;
	}
	if (c->nans == 0)
		c->aa = false; /* a referral is not authoritative (unless after our own CNAMEs) */
	const sg_zone_rrset_t *ns = sg_zone_node_find(z, cut, SG_T_NS);
	if (!ns)
		return;
	pend_auth(c, cutname, NULL, ns, sg_zone_rrset_ttl(ns));
	/* the name servers' lookups are started now and taken on side by side
	 * while the DS proof is looked up, so that their waits overlap */
	sg_zone_ahead_t la[GLUE_AHEAD];
	size_t nla = 0;
	uint16_t len;
	for (size_t i = 0, k = sg_zone_rrset_count(ns); i < k && nla < GLUE_AHEAD; i++) {
		const uint8_t *target = sg_zone_rrset_rdata(z, ns, i, &len);
		if (sg_name_is_subdomain(target, c->az->origin))
			sg_zone_ahead_start(z, &la[nla++], target, SG_T_A);
	}
	if (c->dnssec) {
		if (ds)
			pend_auth(c, cutname, cut, ds, sg_zone_rrset_ttl(ds));
		else if (c->az->denial == SG_DENIAL_NSEC)
			pend_denial(c, cut, SG_T_NSEC); /* RFC 4035 §3.1.4: no DS */
		else if (c->az->denial == SG_DENIAL_NSEC3) {
			const sg_zone_node_t *m = n3_match_node(c, cut);
			if (m)
				pend_n3(c, m);
			else /* RFC 5155 §7.2.7: opt-out */
				n3_ce_proof(c, cutname, sg_zone_node_parent(z, cut), false);
		}
	}
	/* glue: addresses of name servers inside this zone. Those below a cut
	 * are glue (unsigned); a name server elsewhere in the zone has
	 * authoritative, signed addresses, which go with their RRSIGs
	 * (RFC 4035 §3.1.1), as NSD and Knot send them */
	for (bool more = true; more;) {
		more = false;
		for (size_t i = 0; i < nla; i++)
			more |= sg_zone_ahead_step(z, &la[i]);
	}
	for (size_t i = 0, k = sg_zone_rrset_count(ns); i < k; i++) {
		const uint8_t *target = sg_zone_rrset_rdata(z, ns, i, &len);
		if (!sg_name_is_subdomain(target, c->az->origin))
			continue;
		const sg_zone_node_t *gn = sg_zone_lookup(z, target);
		if (!gn)
			continue;
		pend_addresses(c, gn, sg_name_is_subdomain(target, cutname));
	}
}

/* RFC 6672 §3.1: the DNAME, then a CNAME from name to the substituted name.
 * Returns the new name to follow, or NULL. */
static const uint8_t *dname(ctx_t *c, const uint8_t *name, const sg_zone_node_t *dn, unsigned step)
{
	const sg_zone_t *z = c->z;
	const sg_zone_rrset_t *rs = sg_zone_node_find(z, dn, SG_T_DNAME);
	if (!rs)
		return NULL;
	const uint8_t *owner = sg_zone_node_name(z, dn);
	answer_set(c, owner, dn, rs);
	uint16_t tlen;
	const uint8_t *target = sg_zone_rrset_rdata(z, rs, 0, &tlen);
	size_t plen = sg_name_len(name) - sg_name_len(owner);
	size_t tl = sg_name_len(target);
	if (plen + tl > SG_NAME_MAX) {
		c->rcode = SG_RC_YXDOMAIN; /* RFC 6672 §2.2 */
		return NULL;
	}
	uint8_t *syn = c->names[step];
	memcpy(syn, name, plen);
	memcpy(syn + plen, target, tl);
	if (!c->tc && sg_msgw_rr(&c->w, SG_SEC_ANSWER, name, SG_T_CNAME, c->az->zclass,
	                         sg_zone_rrset_ttl(rs), syn, plen + tl) < 0)
		c->tc = true;
	c->nans++;
	/* RFC 1034 §4.3.2 step 3a via RFC 6672 §3.2: the synthesized CNAME is
	 * the answer to a CNAME query, not a link to follow */
	return c->qtype == SG_T_CNAME ? NULL : syn;
}

/* An NSEC3 owner name that is nothing else does not exist (RFC 5155
 * §7.2.9); names below one have the apex as closest encloser. */
static void unfake(ctx_t *c, sg_zone_find_t *f)
{
	const sg_zone_node_t *n = f->kind == SG_ZF_EXACT ? f->node : f->encloser;
	if (!n || !(sg_zone_node_flags(n) & SG_ZN_MARK))
		return;
	if (f->kind == SG_ZF_EXACT)
		f->prev = n;
	f->encloser = sg_zone_node_parent(c->z, n);
	uint8_t wild[SG_NAME_MAX];
	const sg_zone_node_t *w = NULL;
	if (wildcard_of(wild, sg_zone_node_name(c->z, f->encloser)))
		w = sg_zone_lookup(c->z, wild);
	f->kind = w ? SG_ZF_WILDCARD : SG_ZF_NXDOMAIN;
	f->node = w;
}

static void resolve(ctx_t *c)
{
	const uint8_t *name = c->qname;
	const uint8_t *seen[CHAIN_MAX + 1];
	for (unsigned step = 0; step < CHAIN_MAX; step++) {
		seen[step] = name;
		sg_zone_find_t f;
		/* prev (the NSEC-order predecessor) serves only NSEC denials */
		sg_zone_find_opt(c->z, name, &f, c->dnssec && c->az->denial == SG_DENIAL_NSEC);
		if (f.kind == SG_ZF_EXACT || f.kind == SG_ZF_NXDOMAIN || f.kind == SG_ZF_WILDCARD)
			unfake(c, &f);
		const uint8_t *next = NULL;
		switch (f.kind) {
		case SG_ZF_EXACT:
			next = from_node(c, name, f.node, NULL);
			break;
		case SG_ZF_WILDCARD:
			next = from_node(c, name, f.node, &f);
			break;
		case SG_ZF_NXDOMAIN:
			nxdomain(c, name, &f);
			break;
		case SG_ZF_DELEGATION:
			referral(c, name, f.node);
			break;
		case SG_ZF_DNAME:
			next = dname(c, name, f.node, step);
			break;
		case SG_ZF_OUTZONE:
			break;
		}
		/* follow only inside this zone, and never around a loop */
		if (!next || c->tc || !sg_name_is_subdomain(next, c->az->origin))
			return;
		for (unsigned i = 0; i <= step; i++)
			if (sg_name_equal(seen[i], next))
				return;
		name = next;
	}
}

/* ---- messages -------------------------------------------------------------- */

/* FORMERR for a query sg_msg_parse() refused: header fields straight from
 * the wire, the question echoed when it can be read. */
static enum sg_answer_action formerr_raw(uint8_t *resp, size_t *resplen, const uint8_t *q,
                                         size_t qlen, unsigned rcode)
{
	sg_msgw_t w;
	unsigned opcode = (q[2] >> 3) & 0xf;
	if (sg_msgw_init(&w, resp, SG_MSG_UDP_MIN, get16(q),
	                 (uint16_t)(SG_MSG_QR | (get16(q + 2) & SG_MSG_RD)), opcode, rcode) < 0)
		return SG_ANSWER_DROP;
	if (get16(q + 4) >= 1) {
		uint8_t name[SG_NAME_MAX];
		size_t nl, pos = SG_MSG_HDR_LEN;
		if (sg_name_unpack(name, &nl, q, qlen, &pos) == SG_OK && pos + 4 <= qlen)
			if (sg_msgw_question(&w, name, get16(q + pos), get16(q + pos + 2)) < 0)
				return SG_ANSWER_DROP; /* cannot happen: 512 octets hold any
				                          question */
	}
	if (sg_msgw_finish(&w, resplen) < 0)
		return SG_ANSWER_DROP;
	return SG_ANSWER_REPLY;
}

/* A reply carrying only the question (and OPT), with rcode and flags. */
static enum sg_answer_action bare(sg_msgw_t *w, uint8_t *resp, size_t *resplen, const sg_msg_t *m,
                                  uint16_t udp, unsigned rcode, uint16_t flags,
                                  sg_answer_info_t *info)
{
	if (sg_msgw_reply(w, resp, SG_MSG_MAX, m, udp) < 0 || sg_msgw_set_rcode(w, rcode) < 0)
		return SG_ANSWER_DROP;
	sg_msgw_set_flags(w, flags, 0);
	if (sg_msgw_finish(w, resplen) < 0)
		return SG_ANSWER_DROP;
	info->rcode = rcode;
	return SG_ANSWER_REPLY;
}

void sg_answer_ahead_start(const sg_zoneset_t *zs, const uint8_t *query, size_t qlen,
                           sg_answer_ahead_t *a)
{
	a->z = NULL;
	/* a query (QR clear) with one question whose name is uncompressed and
	 * which lies inside the datagram; anything else is left to sg_answer */
	if (qlen < SG_MSG_HDR_LEN + 5 || (query[2] & 0x80) || query[4] || query[5] != 1)
		return;
	size_t at = SG_MSG_HDR_LEN;
	while (at < qlen && query[at]) {
		if (query[at] > 63)
			return;
		at += 1u + query[at];
	}
	if (at + 5 > qlen || at + 1 - SG_MSG_HDR_LEN > SG_NAME_MAX)
		return;
	const uint8_t *name = query + SG_MSG_HDR_LEN;
	const sg_authzone_t *az = sg_zoneset_find(zs, name);
	if (!az)
		return;
	a->z = az->z;
	sg_zone_ahead_start(a->z, &a->za, name, (uint16_t)(query[at + 1] << 8 | query[at + 2]));
}

bool sg_answer_ahead_step(sg_answer_ahead_t *a)
{
	return a->z && sg_zone_ahead_step(a->z, &a->za);
}

enum sg_answer_action sg_answer(uint8_t *resp, size_t *resplen, const sg_zoneset_t *zs,
                                const uint8_t *query, size_t qlen, const sg_answer_opts_t *o,
                                sg_arena_t *arena, sg_answer_info_t *info)
{
	sg_answer_info_t dummy;
	if (!info)
		info = &dummy;
	memset(info, 0, sizeof(*info));
	*resplen = 0;
	/* never answer a response, nor something without a header */
	if (!query || qlen < SG_MSG_HDR_LEN || (query[2] & 0x80))
		return SG_ANSWER_DROP;
	sg_msg_t m;
	int r = sg_msg_parse(&m, query, qlen, arena);
	if (r < 0) {
		if (sg_msg_fault_rcode(&m) < 0 && r != SG_ENOMEM)
			return SG_ANSWER_DROP;
		info->rcode = r == SG_ENOMEM ? SG_RC_SERVFAIL : SG_RC_FORMERR;
		return formerr_raw(resp, resplen, query, qlen, info->rcode);
	}
	info->dnssec = m.has_edns && (m.edns.flags & SG_EDNS_DO);
	uint16_t ours = o && o->max_udp ? o->max_udp : DEFAULT_UDP;
	if (ours < SG_MSG_UDP_MIN)
		ours = SG_MSG_UDP_MIN;
	size_t cap = SG_MSG_UDP_MIN;
	if (o && o->tcp)
		cap = SG_MSG_MAX;
	else if (m.has_edns)
		cap = m.edns.udp_size < SG_MSG_UDP_MIN ? SG_MSG_UDP_MIN
		      : m.edns.udp_size < ours         ? m.edns.udp_size
		                                       : ours;

	ctx_t c;
	if (m.opcode != SG_OP_QUERY && m.opcode != SG_OP_NOTIFY)
		return bare(&c.w, resp, resplen, &m, ours, SG_RC_NOTIMP, 0, info);
	if (m.count[SG_SEC_QUESTION] != 1)
		return bare(&c.w, resp, resplen, &m, ours, SG_RC_FORMERR, 0, info);
	if (m.has_edns && m.edns.version > 0)
		return bare(&c.w, resp, resplen, &m, ours, SG_RC_BADVERS, 0,
		            info); /* RFC 6891 §6.1.3 */
	if (m.opcode == SG_OP_NOTIFY)
		return bare(&c.w, resp, resplen, &m, ours, SG_RC_REFUSED, 0,
		            info); /* we are the primary */
	const sg_msg_rr_t *q = &m.rr[SG_SEC_QUESTION][0];
	if (q->type == SG_T_OPT || q->type == SG_T_TSIG || q->type == SG_T_TKEY)
		return bare(&c.w, resp, resplen, &m, ours, SG_RC_FORMERR, 0, info);
	const sg_authzone_t *az = sg_zoneset_find(zs, q->owner);
	if (!az || (q->rclass != az->zclass && q->rclass != SG_C_ANY))
		return bare(&c.w, resp, resplen, &m, ours, SG_RC_REFUSED, 0, info);
	info->zone = az;
	if (q->type == SG_T_AXFR || q->type == SG_T_IXFR) {
		if (!sg_name_equal(q->owner, az->origin))
			return bare(&c.w, resp, resplen, &m, ours, SG_RC_NOTAUTH, 0, info);
		if (o && o->tcp) {
			if (!o->allow_axfr)
				return bare(&c.w, resp, resplen, &m, ours, SG_RC_REFUSED, 0, info);
			return SG_ANSWER_AXFR;
		}
		/* RFC 5936 §4.2: no AXFR over UDP (FORMERR, as BIND). RFC 1995 §2: an
		 * IXFR over UDP that cannot be answered gets the SOA alone, telling
		 * the client to come back over TCP (where allow_axfr is checked; the
		 * SOA is public anyway). */
		if (q->type == SG_T_AXFR)
			return bare(&c.w, resp, resplen, &m, ours, SG_RC_FORMERR, 0, info);
	}
	/* RFC 4035 §3.1.4.1: DS at a child apex is answered by the parent when we serve both */
	if (q->type == SG_T_DS && az->olabels > 0 && sg_name_equal(q->owner, az->origin)) {
		const sg_authzone_t *parent = sg_zoneset_find(zs, sg_name_parent(q->owner));
		if (parent && parent->zclass == az->zclass)
			info->zone = az = parent;
	}

	if (sg_msgw_reply(&c.w, resp, cap, &m, ours) < 0)
		return bare(&c.w, resp, resplen, &m, ours, SG_RC_SERVFAIL, 0, info);
	c.az = az;
	c.z = az->z;
	c.qname = q->owner;
	c.qtype = q->type;
	c.dnssec = info->dnssec && az->secure;
	c.tc = false;
	c.aa = true;
	c.rcode = SG_RC_NOERROR;
	c.nans = c.nauth = c.nadd = 0;
	if (q->type == SG_T_IXFR) {
		/* over UDP (TCP went to SG_ANSWER_AXFR): the SOA alone, RFC 1995 §2 */
		answer_set(&c, az->origin, sg_zone_apex(c.z), az->soa);
	} else {
		resolve(&c);
	}
	prefetch_pending(&c);
	for (size_t i = 0; i < c.nauth && !c.tc; i++) {
		const pend_t *p = &c.auth[i];
		if (put_set(&c, SG_SEC_AUTHORITY, p->owner, p->node, p->rs, p->ttl) < 0)
			c.tc = true; /* RFC 2181 §9 */
	}
	/* RFC 9471 §3: in-domain glue first, and when it does not fit, TC; other
	 * addresses after it, left out when they do not fit */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < c.nadd && !c.tc; i++) {
			const pend_t *p = &c.add[i];
			if (p->required != (pass == 0))
				continue;
			if (put_set(&c, SG_SEC_ADDITIONAL, p->owner, p->node, p->rs, p->ttl) < 0 &&
			    p->required)
				c.tc = true;
		}
	uint16_t flags = (uint16_t)((c.aa ? SG_MSG_AA : 0) | (c.tc ? SG_MSG_TC : 0));
	sg_msgw_set_flags(&c.w, flags, 0);
	if (sg_msgw_set_rcode(&c.w, c.rcode) < 0 || sg_msgw_finish(&c.w, resplen) < 0)
		return SG_ANSWER_DROP;
	info->rcode = c.rcode;
	info->truncated = c.tc;
	return SG_ANSWER_REPLY;
}

/* ==== zone transfer ======================================================== */

typedef struct xfr {
	sg_msgw_t w;
	uint8_t *buf;
	uint16_t id;
	uint16_t zclass;
	bool first;
	int (*send)(void *ctx, const uint8_t *msg, size_t len);
	void *ctx;
	const uint8_t *qname;
	uint16_t qtype;
} xfr_t;

static int xfr_start(xfr_t *x)
{
	int r = sg_msgw_init(&x->w, x->buf, SG_MSG_MAX, x->id, SG_MSG_QR | SG_MSG_AA, SG_OP_QUERY,
	                     0);
	/* RFC 5936 §2.2.1: the question in the first message only */
	if (r == SG_OK && x->first)
		r = sg_msgw_question(&x->w, x->qname, x->qtype, x->zclass);
	x->first = false;
	return r;
}

static int xfr_flush(xfr_t *x)
{
	size_t len;
	int r = sg_msgw_finish(&x->w, &len);
	if (r == SG_OK)
		r = x->send(x->ctx, x->buf, len);
	return r < 0 ? r : SG_OK;
}

static int xfr_rr(xfr_t *x, const uint8_t *owner, uint16_t type, uint32_t ttl, const uint8_t *rd,
                  size_t len)
{
	int r = sg_msgw_rr(&x->w, SG_SEC_ANSWER, owner, type, x->zclass, ttl, rd, len);
	if (r != SG_ESPACE)
		return r;
	if ((r = xfr_flush(x)) < 0 || (r = xfr_start(x)) < 0)
		return r;
	return sg_msgw_rr(&x->w, SG_SEC_ANSWER, owner, type, x->zclass, ttl, rd, len);
}

int sg_axfr(const sg_authzone_t *az, const uint8_t *query, size_t qlen,
            int (*send)(void *ctx, const uint8_t *msg, size_t len), void *ctx, sg_arena_t *arena)
{
	sg_msg_t m;
	if (!az || !send)
		return SG_EINVAL;
	int r = sg_msg_parse(&m, query, qlen, arena);
	if (r < 0)
		return r;
	if (m.count[SG_SEC_QUESTION] != 1)
		return SG_EMALFORMED;
	xfr_t *x = sg_arena_alloc(arena, sizeof(*x));
	uint8_t *buf = sg_arena_alloc(arena, SG_MSG_MAX);
	if (!x || !buf)
		return SG_ENOMEM;
	const sg_zone_t *z = az->z;
	*x = (xfr_t){.buf = buf,
	             .id = m.id,
	             .zclass = az->zclass,
	             .first = true,
	             .send = send,
	             .ctx = ctx,
	             .qname = m.rr[SG_SEC_QUESTION][0].owner,
	             .qtype = m.rr[SG_SEC_QUESTION][0].type};
	uint16_t len;
	const uint8_t *soa = sg_zone_rrset_rdata(z, az->soa, 0, &len);
	uint32_t soa_ttl = sg_zone_rrset_ttl(az->soa);
	if ((r = xfr_start(x)) < 0 || (r = xfr_rr(x, az->origin, SG_T_SOA, soa_ttl, soa, len)) < 0)
		return r;
	for (size_t i = 0, nn = sg_zone_node_count(z); i < nn; i++) {
		const sg_zone_node_t *n = sg_zone_node(z, i);
		const uint8_t *owner = sg_zone_node_name(z, n);
		for (size_t k = 0, ns = sg_zone_node_rrset_count(n); k < ns; k++) {
			const sg_zone_rrset_t *rs = sg_zone_node_rrset(z, n, k);
			uint16_t type = sg_zone_rrset_type(rs);
			if (rs == az->soa)
				continue;
			for (size_t j = 0, c = sg_zone_rrset_count(rs); j < c; j++) {
				const uint8_t *rd = sg_zone_rrset_rdata(z, rs, j, &len);
				uint32_t ttl = sg_zone_rrset_ttl(rs);
				if (type == SG_T_RRSIG && len >= 2) {
					/* the store keeps one TTL per RRSIG RRset; each signature
					 * goes out with the TTL of what it covers (RFC 4034 §3) */
					const sg_zone_rrset_t *cov =
					        sg_zone_node_find(z, n, get16(rd));
					if (cov)
						ttl = sg_zone_rrset_ttl(cov);
				}
				if ((r = xfr_rr(x, owner, type, ttl, rd, len)) < 0)
					return r;
			}
		}
	}
	soa = sg_zone_rrset_rdata(z, az->soa, 0, &len);
	if ((r = xfr_rr(x, az->origin, SG_T_SOA, soa_ttl, soa, len)) < 0)
		return r;
	return xfr_flush(x);
}
