/* signet-resolver — the iterator. See iter.h and docs/internals/resolver.md.
 *
 * A client question becomes a chain of links (the CNAMEs, then the
 * answer). Each link is resolved on its own: from the cache, or by walking
 * from the deepest zone cut known for the name down the referrals. A zone
 * cut (zone_t) carries the servers of the zone and its security state:
 * PENDING (authenticated DS RRset or trust anchor known, DNSKEY RRset not
 * fetched yet), SECURE (authenticated key set), INSECURE, INDETERMINATE or
 * BOGUS. The state is decided once per cut, as the referral into it is
 * followed, and cached with it; so every answer is checked with the keys
 * of the zone that served it and the chain of trust is that of the walk.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "resolver/iter.h"
#include "resolver/upstream.h"
#include "signet/rr.h"
#include "signet/zonefile.h"

#define Z_MAX_ADDR  16
#define Z_MAX_NS    16
#define LIST_MAX    4096  /* records kept from one section */
#define KEYSETS_MAX 1024  /* key sets one client question may hold */
#define KS_SLOTS    1024  /* parsed DNSKEY sets shared between questions */
#define BOGUS_TTL   60    /* RFC 4035 §4.7: bogus data is not kept long */
#define FAIL_TTL    5     /* unreachable zones and other failures */
#define NEG_TTL_MAX 10800 /* RFC 2308 §5: 3 hours */

enum { Z_PENDING = 100 }; /* zone sec: anchor or DS known, DNSKEY not fetched yet */
enum { KIND_ANS = 1, KIND_ZONE = 2 };

/* The real root servers (root-servers.org), for when no hints file is given. */
static const char builtin_hints[] = ". 3600000 NS a.root-servers.net.\n"
                                    ". 3600000 NS b.root-servers.net.\n"
                                    ". 3600000 NS c.root-servers.net.\n"
                                    ". 3600000 NS d.root-servers.net.\n"
                                    ". 3600000 NS e.root-servers.net.\n"
                                    ". 3600000 NS f.root-servers.net.\n"
                                    ". 3600000 NS g.root-servers.net.\n"
                                    ". 3600000 NS h.root-servers.net.\n"
                                    ". 3600000 NS i.root-servers.net.\n"
                                    ". 3600000 NS j.root-servers.net.\n"
                                    ". 3600000 NS k.root-servers.net.\n"
                                    ". 3600000 NS l.root-servers.net.\n"
                                    ". 3600000 NS m.root-servers.net.\n"
                                    "a.root-servers.net. 3600000 A 198.41.0.4\n"
                                    "b.root-servers.net. 3600000 A 170.247.170.2\n"
                                    "c.root-servers.net. 3600000 A 192.33.4.12\n"
                                    "d.root-servers.net. 3600000 A 199.7.91.13\n"
                                    "e.root-servers.net. 3600000 A 192.203.230.10\n"
                                    "f.root-servers.net. 3600000 A 192.5.5.241\n"
                                    "g.root-servers.net. 3600000 A 192.112.36.4\n"
                                    "h.root-servers.net. 3600000 A 198.97.190.53\n"
                                    "i.root-servers.net. 3600000 A 192.36.148.17\n"
                                    "j.root-servers.net. 3600000 A 192.58.128.30\n"
                                    "k.root-servers.net. 3600000 A 193.0.14.129\n"
                                    "l.root-servers.net. 3600000 A 199.7.83.42\n"
                                    "m.root-servers.net. 3600000 A 202.12.27.33\n";

typedef struct zone {
	uint8_t apex[SG_NAME_MAX];
	int sec;    /* enum sg_val_status or Z_PENDING */
	int reason; /* enum sg_val_reason, for BOGUS and INSECURE */
	char why[SG_VAL_TEXT_MAX];
	bool anchored; /* PENDING on a configured trust anchor (not a DS) */
	size_t naddr;
	struct sockaddr_storage addr[Z_MAX_ADDR];
	size_t nns;
	const uint8_t *ns[Z_MAX_NS];
	bool ns_tried[Z_MAX_NS]; /* address lookup done */
	rrl_t ds;                /* PENDING: the authenticated DS RRset */
	rrl_t dnskey;            /* SECURE: the authenticated DNSKEY RRset */
	sg_val_keyset_t *ks;
	uint32_t ttl;
} zone_t;

/* A parsed DNSKEY set, shared between the questions that use it: building
 * an OpenSSL key costs about a third of a signature check, and every
 * question that starts at a cached secure zone cut needs its keys. The
 * same apex and the same DNSKEY RDATA give the same keys, so the set is
 * found by exactly those (`id`); whether the keys are trusted stays the
 * cached zone cut's business. */
typedef struct shks {
	atomic_uint refs;
	sg_val_keyset_t *ks;
	uint64_t h;
	size_t len;
	uint8_t id[]; /* lowercased apex, then each DNSKEY's length (2 octets) and RDATA */
} shks_t;

struct resolver {
	const rcfg_t *cfg;
	rc_cache_t *cache;
	sg_val_anchors_t *anchors;
	zone_t root; /* from the hints; never changes after iter_new */
	bool loopback_ok;
	iter_stats_t stats;
	up_exchange_fn exchange;
	void *exchange_ctx;
	pthread_mutex_t ks_mu;
	shks_t *ks_slot[KS_SLOTS]; /* under ks_mu; one reference each */
};

/* One link of the answer chain. */
typedef struct link {
	uint16_t rcode;
	int sec, reason;
	int ede; /* for failures that are not validation results, else -1 */
	char why[SG_VAL_TEXT_MAX];
	rrl_t ans;
	rrl_t auth;
	const uint8_t *cname; /* ans is a CNAME to this name */
	uint32_t ttl;
	bool cacheable;
} link_t;

/* One client question. */
typedef struct qctx {
	resolver_t *r;
	sg_arena_t *a;
	int64_t now;
	unsigned queries;  /* upstream exchanges so far */
	unsigned depth;    /* nested resolutions */
	uint32_t start_ms; /* monotonic, for resolve-timeout */
	sg_val_stats_t vstats;
	bool cache_only; /* iter_resolve_cached(): no upstream, no waiting */
	bool missed;     /* ... and a link was not in the cache */
	int limit_ede;   /* >= 0 once a limit was hit */
	char limit_why[200];
	shks_t **keysets; /* released at the end of the question */
	size_t nkeysets, capkeysets;
} qctx_t;

static void resolve_link(qctx_t *q, const uint8_t *qname, uint16_t qtype, link_t *L);

/* ---- log ------------------------------------------------------------------------ */

static atomic_bool log_quiet;

void rlog_quiet(bool quiet)
{
	atomic_store(&log_quiet, quiet);
}

void rlog(const char *fmt, ...)
{
	if (atomic_load(&log_quiet))
		return;
	va_list ap;
	va_start(ap, fmt);
	daemon_vlog("signet-resolver", fmt, ap);
	va_end(ap);
}

static const char *ntext(char *buf, size_t cap, const uint8_t *name)
{
	if (sg_name_to_text(buf, cap, name) < 0)
		snprintf(buf, cap, "?");
	return buf;
}

/* ---- record lists ----------------------------------------------------------------- */

static int rrl_add(sg_arena_t *a, rrl_t *l, const sg_msg_rr_t *rr)
{
	if (l->n >= LIST_MAX)
		return SG_ELIMIT;
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 8;
		sg_msg_rr_t *nv = sg_arena_alloc(a, nc * sizeof(*nv));
		if (!nv)
			return SG_ENOMEM;
		if (l->n)
			memcpy(nv, l->v, l->n * sizeof(*nv));
		l->v = nv;
		l->cap = nc;
	}
	l->v[l->n++] = *rr;
	return SG_OK;
}

static uint16_t rrsig_covered(const sg_msg_rr_t *rr)
{
	return rr->rdlen >= 2 ? sg_get16(rr->rdata) : 0;
}

/* Does the record belong to the RRset (owner, type), RRSIGs over it included? */
static bool in_set(const sg_msg_rr_t *rr, const uint8_t *owner, uint16_t type)
{
	if (rr->rclass != SG_C_IN || !sg_name_equal(rr->owner, owner))
		return false;
	return rr->type == type || (rr->type == SG_T_RRSIG && rrsig_covered(rr) == type);
}

static bool has_set(const sg_msg_rr_t *v, size_t n, const uint8_t *owner, uint16_t type)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].type == type && v[i].rclass == SG_C_IN && sg_name_equal(v[i].owner, owner))
			return true;
	return false;
}

/* Appends the records of (owner, type) and their RRSIGs from v. */
static void take_set(qctx_t *q, rrl_t *dst, const sg_msg_rr_t *v, size_t n, const uint8_t *owner,
                     uint16_t type)
{
	for (size_t i = 0; i < n; i++)
		if (in_set(&v[i], owner, type))
			(void)rrl_add(q->a, dst, &v[i]);
}

/* The RRset (owner, type) of a list as the validator takes it. */
static void val_view(qctx_t *q, sg_val_rrset_t *vr, const sg_msg_rr_t *v, size_t n,
                     const uint8_t *owner, uint16_t type)
{
	size_t nr = 0, ns = 0;
	for (size_t i = 0; i < n; i++) {
		if (!in_set(&v[i], owner, type))
			continue;
		if (v[i].type == type)
			nr++;
		else
			ns++;
	}
	sg_rdata_ref_t *rd = sg_arena_alloc(q->a, (nr + ns + 1) * sizeof(*rd));
	memset(vr, 0, sizeof(*vr));
	vr->rrset.owner = owner;
	vr->rrset.type = type;
	vr->rrset.rclass = SG_C_IN;
	vr->rrset.ttl = UINT32_MAX;
	if (!rd)
		return;
	sg_rdata_ref_t *sg = rd + nr;
	size_t ir = 0, is = 0;
	for (size_t i = 0; i < n; i++) {
		if (!in_set(&v[i], owner, type))
			continue;
		if (v[i].type == type) {
			rd[ir++] = (sg_rdata_ref_t){v[i].rdata, v[i].rdlen};
			if (v[i].ttl < vr->rrset.ttl)
				vr->rrset.ttl = v[i].ttl;
		} else {
			sg[is++] = (sg_rdata_ref_t){v[i].rdata, v[i].rdlen};
		}
	}
	vr->rrset.rdata = rd;
	vr->rrset.count = nr;
	vr->sigs = sg;
	vr->nsigs = ns;
}

/* ---- cache blobs ---------------------------------------------------------------------
 * A zone cut or a link is flattened into a blob: fixed fields, then record
 * lists (owner, type, class, TTL, RDATA). Reading checks every length: the
 * blob came from us, but a bug must not become an overflow. */

typedef struct rd {
	const uint8_t *p;
	size_t n;
	bool bad;
} rd_t;

static int put8(sg_buf_t *b, unsigned v)
{
	uint8_t x = (uint8_t)v;
	return sg_buf_append(b, &x, 1);
}

static int put16(sg_buf_t *b, unsigned v)
{
	uint8_t x[2];
	sg_put16(x, (uint16_t)v);
	return sg_buf_append(b, x, 2);
}

static int put32(sg_buf_t *b, uint32_t v)
{
	uint8_t x[4];
	sg_put32(x, v);
	return sg_buf_append(b, x, 4);
}

static int put_str(sg_buf_t *b, const char *s)
{
	size_t n = strnlen(s, SG_VAL_TEXT_MAX - 1);
	int e = put16(b, (unsigned)n);
	return e ? e : sg_buf_append(b, s, n);
}

static int put_list(sg_buf_t *b, const rrl_t *l)
{
	int e = put16(b, (unsigned)l->n);
	for (size_t i = 0; e == 0 && i < l->n; i++) {
		const sg_msg_rr_t *rr = &l->v[i];
		e = sg_buf_append(b, rr->owner, sg_name_len(rr->owner));
		if (!e)
			e = put16(b, rr->type);
		if (!e)
			e = put16(b, rr->rclass);
		if (!e)
			e = put32(b, rr->ttl);
		if (!e)
			e = put16(b, rr->rdlen);
		if (!e)
			e = sg_buf_append(b, rr->rdata, rr->rdlen);
	}
	return e;
}

static const uint8_t *get(rd_t *r, size_t n)
{
	if (r->bad || r->n < n) {
		r->bad = true;
		return NULL;
	}
	const uint8_t *p = r->p;
	r->p += n;
	r->n -= n;
	return p;
}

static unsigned get8(rd_t *r)
{
	const uint8_t *p = get(r, 1);
	return p ? p[0] : 0;
}

static unsigned get16(rd_t *r)
{
	const uint8_t *p = get(r, 2);
	return p ? sg_get16(p) : 0;
}

static uint32_t get32(rd_t *r)
{
	const uint8_t *p = get(r, 4);
	return p ? sg_get32(p) : 0;
}

static void get_str(rd_t *r, char *dst, size_t cap)
{
	size_t n = get16(r);
	const uint8_t *p = get(r, n);
	if (!p || n >= cap) {
		dst[0] = 0;
		return;
	}
	memcpy(dst, p, n);
	dst[n] = 0;
}

static const uint8_t *get_name(rd_t *r)
{
	size_t i = 0;
	while (!r->bad && i < r->n && i < SG_NAME_MAX) {
		unsigned l = r->p[i];
		if (l == 0)
			return get(r, i + 1);
		if (l > SG_LABEL_MAX)
			break;
		i += l + 1;
	}
	r->bad = true;
	return NULL;
}

/* Reads a list; TTLs are capped at what is left of the entry's life. */
static void get_list(qctx_t *q, rd_t *r, rrl_t *l, uint32_t left)
{
	unsigned n = get16(r);
	for (unsigned i = 0; i < n && !r->bad; i++) {
		sg_msg_rr_t rr;
		rr.owner = get_name(r);
		rr.type = (uint16_t)get16(r);
		rr.rclass = (uint16_t)get16(r);
		rr.ttl = get32(r);
		rr.rdlen = (uint16_t)get16(r);
		rr.rdata = get(r, rr.rdlen);
		if (r->bad)
			return;
		if (rr.ttl > left)
			rr.ttl = left;
		if (rrl_add(q->a, l, &rr) < 0)
			r->bad = true;
	}
}

static uint32_t cap_ttl(const qctx_t *q, uint32_t ttl)
{
	return ttl > q->r->cfg->cache_max_ttl ? q->r->cfg->cache_max_ttl : ttl;
}

static void zone_store(qctx_t *q, const zone_t *z)
{
	sg_buf_t b;
	sg_buf_init(&b, 1 << 20);
	uint32_t ttl = cap_ttl(q, z->ttl);
	if (z->sec == SG_VAL_BOGUS && ttl > BOGUS_TTL)
		ttl = BOGUS_TTL;
	int e = put8(&b, (unsigned)z->sec);
	e = e ? e : put8(&b, z->anchored);
	e = e ? e : put16(&b, (unsigned)z->reason);
	e = e ? e : put_str(&b, z->why);
	e = e ? e : put16(&b, (unsigned)z->naddr);
	for (size_t i = 0; e == 0 && i < z->naddr; i++)
		e = sg_buf_append(&b, &z->addr[i], sizeof(z->addr[i]));
	e = e ? e : put16(&b, (unsigned)z->nns);
	for (size_t i = 0; e == 0 && i < z->nns; i++)
		e = sg_buf_append(&b, z->ns[i], sg_name_len(z->ns[i]));
	e = e ? e : put_list(&b, &z->ds);
	e = e ? e : put_list(&b, &z->dnskey);
	/* A cache that refuses (entry too large) only costs a later refetch. */
	if (e == 0 && ttl > 0 &&
	    rc_put(q->r->cache, z->apex, 0, KIND_ZONE, b.data, b.len, q->now + ttl) < 0)
		e = SG_ENOMEM;
	sg_buf_deinit(&b);
}

static void shks_unref(shks_t *s)
{
	if (s && atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) == 1) {
		sg_val_keyset_free(s->ks);
		free(s);
	}
}

static shks_t *shks_wrap(sg_val_keyset_t *ks, size_t idlen)
{
	shks_t *s = malloc(sizeof(*s) + idlen);
	if (!s) {
		sg_val_keyset_free(ks);
		return NULL;
	}
	atomic_init(&s->refs, 1);
	s->ks = ks;
	s->h = 0;
	s->len = idlen;
	return s;
}

/* Keeps s (one reference) until the end of the question. false (s
 * released, the caller must not use it): out of memory or over
 * KEYSETS_MAX, which the other limits make unreachable in practice. */
static bool keep_keyset(qctx_t *q, shks_t *s)
{
	if (!s)
		return false;
	if (q->nkeysets == q->capkeysets) {
		size_t nc = q->capkeysets ? q->capkeysets * 2 : 16;
		shks_t **nv = nc <= KEYSETS_MAX ? sg_arena_alloc(q->a, nc * sizeof(*nv)) : NULL;
		if (!nv) {
			shks_unref(s);
			return false;
		}
		if (q->nkeysets)
			memcpy(nv, q->keysets, q->nkeysets * sizeof(*nv));
		q->keysets = nv;
		q->capkeysets = nc;
	}
	q->keysets[q->nkeysets++] = s;
	return true;
}

/* The keys of a DNSKEY set authenticated earlier: shared when the same
 * set was parsed before, else parsed and shared. NULL: out of memory, or
 * the set does not parse. */
static sg_val_keyset_t *shared_keyset(qctx_t *q, const uint8_t *apex, const sg_rdata_ref_t *keys,
                                      size_t n)
{
	resolver_t *r = q->r;
	size_t al = sg_name_len(apex), len = al;
	for (size_t i = 0; i < n; i++)
		len += 2 + keys[i].len;
	uint8_t *id = sg_arena_alloc(q->a, len);
	if (!id)
		return NULL;
	sg_name_copy(id, apex);
	sg_name_lower(id);
	size_t o = al;
	for (size_t i = 0; i < n; i++) {
		sg_put16(id + o, (uint16_t)keys[i].len);
		memcpy(id + o + 2, keys[i].data, keys[i].len);
		o += 2 + keys[i].len;
	}
	uint64_t h = 14695981039346656037u; /* FNV-1a */
	for (size_t i = 0; i < len; i++)
		h = (h ^ id[i]) * 1099511628211u;
	shks_t **slot = &r->ks_slot[h % KS_SLOTS];
	pthread_mutex_lock(&r->ks_mu);
	shks_t *s = *slot;
	if (s && s->h == h && s->len == len && !memcmp(s->id, id, len))
		atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
	else
		s = NULL;
	pthread_mutex_unlock(&r->ks_mu);
	if (!s) {
		sg_val_keyset_t *ks;
		char err[128];
		if (sg_val_keyset_new(&ks, apex, keys, n, err, sizeof(err)) < 0 ||
		    !(s = shks_wrap(ks, len)))
			return NULL;
		s->h = h;
		memcpy(s->id, id, len);
		atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed); /* the table's */
		pthread_mutex_lock(&r->ks_mu);
		shks_t *old = *slot;
		*slot = s;
		pthread_mutex_unlock(&r->ks_mu);
		shks_unref(old);
	}
	return keep_keyset(q, s) ? s->ks : NULL;
}

/* A zone cut from the cache, or NULL. */
static zone_t *zone_load(qctx_t *q, const uint8_t *apex)
{
	void *blob;
	size_t len;
	int64_t exp;
	if (rc_get(q->r->cache, apex, 0, KIND_ZONE, q->now, q->a, &blob, &len, &exp) < 0)
		return NULL;
	zone_t *z = sg_arena_alloc(q->a, sizeof(*z));
	if (!z)
		return NULL;
	memset(z, 0, sizeof(*z));
	rd_t r = {blob, len, false};
	sg_name_copy(z->apex, apex);
	z->sec = (int)get8(&r);
	z->anchored = get8(&r) != 0;
	z->reason = (int)get16(&r);
	get_str(&r, z->why, sizeof(z->why));
	z->naddr = get16(&r);
	for (size_t i = 0; i < z->naddr && i < Z_MAX_ADDR; i++) {
		const uint8_t *p = get(&r, sizeof(z->addr[i]));
		if (p)
			memcpy(&z->addr[i], p, sizeof(z->addr[i]));
	}
	z->nns = get16(&r);
	for (size_t i = 0; i < z->nns && i < Z_MAX_NS; i++)
		z->ns[i] = get_name(&r);
	z->ttl = (uint32_t)(exp - q->now);
	get_list(q, &r, &z->ds, z->ttl);
	get_list(q, &r, &z->dnskey, z->ttl);
	if (r.bad || z->naddr > Z_MAX_ADDR || z->nns > Z_MAX_NS)
		return NULL;
	if (z->sec == SG_VAL_SECURE) {
		/* The keys were authenticated when cached: parse them once, share. */
		sg_rdata_ref_t *refs = sg_arena_alloc(q->a, (z->dnskey.n + 1) * sizeof(*refs));
		size_t n = 0;
		if (!refs)
			return NULL;
		for (size_t i = 0; i < z->dnskey.n; i++)
			if (z->dnskey.v[i].type == SG_T_DNSKEY)
				refs[n++] = (sg_rdata_ref_t){z->dnskey.v[i].rdata,
				                             z->dnskey.v[i].rdlen};
		if (!(z->ks = shared_keyset(q, z->apex, refs, n)))
			return NULL;
	}
	return z;
}

static void link_store(qctx_t *q, const uint8_t *qname, uint16_t qtype, const link_t *L)
{
	uint32_t ttl = cap_ttl(q, L->ttl);
	if (L->sec == SG_VAL_BOGUS && ttl > BOGUS_TTL)
		ttl = BOGUS_TTL;
	if (!L->cacheable || ttl == 0)
		return;
	sg_buf_t b;
	sg_buf_init(&b, 1 << 20);
	int e = put16(&b, L->rcode);
	e = e ? e : put8(&b, (unsigned)L->sec);
	e = e ? e : put16(&b, (unsigned)L->reason);
	e = e ? e : put_str(&b, L->why);
	e = e ? e : put8(&b, L->cname != NULL);
	if (!e && L->cname)
		e = sg_buf_append(&b, L->cname, sg_name_len(L->cname));
	e = e ? e : put_list(&b, &L->ans);
	e = e ? e : put_list(&b, &L->auth);
	/* A cache that refuses (entry too large) only costs a later refetch.
	 * RFC 2308 §5: a name error holds for every type at the name. */
	if (e == 0)
		e = rc_put(q->r->cache, qname, qtype, KIND_ANS, b.data, b.len, q->now + ttl);
	if (e == 0 && L->rcode == SG_RC_NXDOMAIN && qtype != 0)
		e = rc_put(q->r->cache, qname, 0, KIND_ANS, b.data, b.len, q->now + ttl);
	sg_buf_deinit(&b);
}

static bool link_load(qctx_t *q, const uint8_t *qname, uint16_t qtype, link_t *L)
{
	void *blob;
	size_t len;
	int64_t exp;
	if (rc_get(q->r->cache, qname, qtype, KIND_ANS, q->now, q->a, &blob, &len, &exp) < 0 &&
	    rc_get(q->r->cache, qname, 0, KIND_ANS, q->now, q->a, &blob, &len, &exp) < 0)
		return false;
	rd_t r = {blob, len, false};
	memset(L, 0, sizeof(*L));
	L->ede = -1;
	L->rcode = (uint16_t)get16(&r);
	L->sec = (int)get8(&r);
	L->reason = (int)get16(&r);
	get_str(&r, L->why, sizeof(L->why));
	if (get8(&r))
		L->cname = get_name(&r);
	L->ttl = (uint32_t)(exp - q->now);
	get_list(q, &r, &L->ans, L->ttl);
	get_list(q, &r, &L->auth, L->ttl);
	if (r.bad) {
		memset(L, 0, sizeof(*L));
		return false;
	}
	atomic_fetch_add(&q->r->stats.cache_answers, 1);
	return true;
}

/* ---- limits ----------------------------------------------------------------------- */

static void hit_limit(qctx_t *q, atomic_ulong *counter, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static void hit_limit(qctx_t *q, atomic_ulong *counter, const char *fmt, ...)
{
	if (q->limit_ede >= 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(q->limit_why, sizeof(q->limit_why), fmt, ap);
	va_end(ap);
	q->limit_ede = 0; /* RFC 8914 has no code for it: Other, with the text */
	atomic_fetch_add(counter, 1);
}

/* ---- servers ---------------------------------------------------------------------- */

static bool is_loopback(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)ss)->sin_addr.s_addr) >> 24) == 127;
	if (ss->ss_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)ss)->sin6_addr;
		return IN6_IS_ADDR_LOOPBACK(a) ||
		       (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
	}
	return false;
}

/* Adds the address of an A/AAAA record to z (port: upstream-port). */
static void zone_add_addr(qctx_t *q, zone_t *z, const sg_msg_rr_t *rr)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	uint16_t port = htons((uint16_t)q->r->cfg->upstream_port);
	if (rr->type == SG_T_A && rr->rdlen == 4) {
		struct sockaddr_in *s = (struct sockaddr_in *)&ss;
		s->sin_family = AF_INET;
		s->sin_port = port;
		memcpy(&s->sin_addr, rr->rdata, 4);
	} else if (rr->type == SG_T_AAAA && rr->rdlen == 16) {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&ss;
		s->sin6_family = AF_INET6;
		s->sin6_port = port;
		memcpy(&s->sin6_addr, rr->rdata, 16);
	} else {
		return;
	}
	if (is_loopback(&ss) && !q->r->loopback_ok)
		return; /* a zone pointing at us or our neighbours: refused */
	for (size_t i = 0; i < z->naddr; i++)
		if (!memcmp(&z->addr[i], &ss, sizeof(ss)))
			return;
	if (z->naddr < Z_MAX_ADDR)
		z->addr[z->naddr++] = ss;
}

/* Looks up addresses of name servers that came without glue, one name at
 * a time, until one more address is known (each lookup is a nested
 * resolution). */
static void zone_fill_addrs(qctx_t *q, zone_t *z)
{
	size_t before = z->naddr;
	for (size_t i = 0; i < z->nns && z->naddr == before; i++) {
		if (z->ns_tried[i])
			continue;
		z->ns_tried[i] = true;
		if (q->depth >= q->r->cfg->max_depth) {
			hit_limit(q, &q->r->stats.limit_depth,
			          "nesting limit (%u) reached looking up name-server addresses",
			          q->r->cfg->max_depth);
			return;
		}
		static const uint16_t types[2] = {SG_T_A, SG_T_AAAA};
		for (int t = 0; t < 2 && z->naddr == before; t++) {
			link_t L;
			q->depth++;
			resolve_link(q, z->ns[i], types[t], &L);
			q->depth--;
			for (size_t k = 0; k < L.ans.n; k++)
				if (L.ans.v[k].type == types[t])
					zone_add_addr(q, z, &L.ans.v[k]);
		}
	}
}

enum { ASK_OK = 0, ASK_FAIL = -1 };

/* Is the reply something to work with? Lame and failing servers are not. */
static bool usable(const zone_t *z, const sg_msg_t *m)
{
	if (m->rcode != SG_RC_NOERROR && m->rcode != SG_RC_NXDOMAIN)
		return false;
	if (m->flags & SG_MSG_AA)
		return true;
	if (m->count[SG_SEC_ANSWER] > 0)
		return true;
	/* a referral strictly below the zone asked */
	for (unsigned i = 0; i < m->count[SG_SEC_AUTHORITY]; i++) {
		const sg_msg_rr_t *rr = &m->rr[SG_SEC_AUTHORITY][i];
		if (rr->type == SG_T_NS && sg_name_is_subdomain(rr->owner, z->apex) &&
		    !sg_name_equal(rr->owner, z->apex))
			return true;
	}
	return false;
}

/* ---- server choice ----------------------------------------------------------------
 * A smoothed round-trip time per upstream address (a fixed table, so it
 * stays bounded; a collision just replaces the older address). Servers are
 * tried fastest first; unknown ones are guessed at RTT_UNKNOWN so that
 * they get explored while the known ones are slower than that. */

#define RTT_SLOTS   1024
#define RTT_UNKNOWN 50 /* ms */

static struct {
	pthread_mutex_t mu;
	struct {
		struct sockaddr_storage ss;
		uint32_t srtt; /* ms; 0 = empty slot */
	} e[RTT_SLOTS];
} rtt = {.mu = PTHREAD_MUTEX_INITIALIZER};

static size_t rtt_slot(const struct sockaddr_storage *ss)
{
	const uint8_t *p = (const uint8_t *)ss;
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < sizeof(*ss); i++)
		h = (h ^ p[i]) * 16777619u;
	return h % RTT_SLOTS;
}

static uint32_t rtt_get(const struct sockaddr_storage *ss)
{
	size_t i = rtt_slot(ss);
	uint32_t v = RTT_UNKNOWN;
	pthread_mutex_lock(&rtt.mu);
	if (rtt.e[i].srtt && !memcmp(&rtt.e[i].ss, ss, sizeof(*ss)))
		v = rtt.e[i].srtt;
	pthread_mutex_unlock(&rtt.mu);
	return v;
}

/* ms: the time the exchange took; failed: it gave nothing usable (a
 * timeout or refusal is charged as the timeout doubled, capped). */
static void rtt_update(const struct sockaddr_storage *ss, uint32_t ms, bool failed,
                       uint32_t timeout_ms)
{
	size_t i = rtt_slot(ss);
	pthread_mutex_lock(&rtt.mu);
	bool same = rtt.e[i].srtt && !memcmp(&rtt.e[i].ss, ss, sizeof(*ss));
	uint32_t old = same ? rtt.e[i].srtt : 0;
	uint32_t v;
	if (failed)
		v = old ? (old * 2 > timeout_ms * 4 ? timeout_ms * 4 : old * 2 + timeout_ms)
		        : timeout_ms;
	else
		v = old ? (old * 7 + ms * 3) / 10 : ms;
	rtt.e[i].ss = *ss;
	rtt.e[i].srtt = v ? v : 1;
	pthread_mutex_unlock(&rtt.mu);
}

static uint32_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint32_t)((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000);
}

/* Asks the zone's servers (name, type), fastest first, until one gives a
 * usable reply. Every exchange counts against max-upstream-queries. A
 * second round is made only when some server timed out (a lost datagram),
 * not after outright failures. */
static int ask(qctx_t *q, zone_t *z, const uint8_t *name, uint16_t type, up_reply_t *rep, char *why,
               size_t whycap)
{
	const rcfg_t *cfg = q->r->cfg;
	up_query_t uq = {.qname = name,
	                 .qtype = type,
	                 .edns_size = (uint16_t)cfg->edns_size,
	                 .timeout_ms = cfg->timeout_ms};
	snprintf(why, whycap, "no address for any name server of the zone");
	bool timeouts = false;
	for (int round = 0; round < 2; round++) {
		/* The second round: again after a timeout (a lost datagram), or
		 * to a server whose address had to be looked up. */
		size_t before = z->naddr;
		if (z->naddr == 0 || round > 0)
			zone_fill_addrs(q, z);
		if (round > 0 && !timeouts && z->naddr == before)
			break;
		size_t n = z->naddr;
		size_t order[Z_MAX_ADDR];
		uint32_t cost[Z_MAX_ADDR];
		for (size_t i = 0; i < n; i++) { /* insertion sort by RTT, jitter breaks ties */
			uint32_t c = rtt_get(&z->addr[i]) + (up_random16() & 7);
			size_t k = i;
			while (k > 0 && cost[k - 1] > c) {
				cost[k] = cost[k - 1];
				order[k] = order[k - 1];
				k--;
			}
			cost[k] = c;
			order[k] = i;
		}
		for (size_t k = 0; k < n; k++) {
			if (q->queries >= cfg->max_upstream_queries) {
				hit_limit(q, &q->r->stats.limit_upstream,
				          "upstream query limit (%u) reached",
				          cfg->max_upstream_queries);
				return ASK_FAIL;
			}
			uint32_t spent = mono_ms() - q->start_ms;
			if (spent >= cfg->resolve_timeout_ms)
				hit_limit(q, &q->r->stats.limit_time, "time limit (%u ms) reached",
				          cfg->resolve_timeout_ms);
			if (q->limit_ede >= 0)
				return ASK_FAIL;
			uq.timeout_ms = cfg->resolve_timeout_ms - spent < cfg->timeout_ms
			                        ? cfg->resolve_timeout_ms - spent
			                        : cfg->timeout_ms;
			const struct sockaddr_storage *ss = &z->addr[order[k]];
			socklen_t sl = ss->ss_family == AF_INET ? sizeof(struct sockaddr_in)
			                                        : sizeof(struct sockaddr_in6);
			q->queries++;
			atomic_fetch_add(&q->r->stats.upstream, 1);
			uint32_t t0 = mono_ms();
			int res = q->r->exchange ? q->r->exchange(q->r->exchange_ctx, rep,
			                                          (const struct sockaddr *)ss, sl,
			                                          &uq, q->a)
			                         : up_exchange(rep, (const struct sockaddr *)ss, sl,
			                                       &uq, q->a);
			bool ok = res == UP_OK && usable(z, &rep->msg);
			rtt_update(ss, mono_ms() - t0, !ok, cfg->timeout_ms);
			if (ok)
				return ASK_OK;
			timeouts |= res == UP_TIMEOUT;
			char at[64] = "?";
			if (ss->ss_family == AF_INET)
				inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, at,
				          sizeof(at));
			else
				inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr,
				          at, sizeof(at));
			if (res == UP_OK)
				snprintf(why, whycap, "%s answered %s%s", at,
				         sg_rcode_name(rep->msg.rcode)
				                 ? sg_rcode_name(rep->msg.rcode)
				                 : "?",
				         rep->msg.rcode == 0
				                 ? " without an answer or referral (lame)"
				                 : "");
			else
				snprintf(why, whycap, "%s: %s", at, rep->why);
		}
	}
	if (mono_ms() - q->start_ms >= cfg->resolve_timeout_ms)
		hit_limit(q, &q->r->stats.limit_time, "time limit (%u ms) reached",
		          cfg->resolve_timeout_ms);
	return ASK_FAIL;
}

/* ---- validation helpers ------------------------------------------------------------- */

static void val_opts(qctx_t *q, sg_val_opts_t *o)
{
	sg_val_opts_init(o, q->now);
	uint64_t used = q->vstats.sig_verifications;
	uint64_t max = q->r->cfg->max_validations;
	uint64_t left = used < max ? max - used : 0;
	if (left < o->max_sigs)
		o->max_sigs = (unsigned)left;
}

static void set_res(sg_val_result_t *res, int status, int reason, const char *text)
{
	memset(res, 0, sizeof(*res));
	res->status = status;
	res->reason = reason;
	snprintf(res->text, sizeof(res->text), "%s", text);
}

/* The zone's own state when it cannot check anything itself. */
static bool zone_unchecked(const zone_t *z, sg_val_result_t *res)
{
	if (z->sec == SG_VAL_SECURE && z->ks)
		return false;
	int st = z->sec == Z_PENDING ? SG_VAL_BOGUS : z->sec;
	set_res(res, st, z->reason, z->why);
	return true;
}

static void note_limit(qctx_t *q, const sg_val_result_t *res)
{
	if (res->status == SG_VAL_BOGUS && res->reason == SG_VR_LIMIT &&
	    q->vstats.sig_verifications >= q->r->cfg->max_validations)
		hit_limit(q, &q->r->stats.limit_validation,
		          "signature verification limit (%u) reached", q->r->cfg->max_validations);
}

static void check_rrset(qctx_t *q, const zone_t *z, const sg_msg_rr_t *v, size_t n,
                        const uint8_t *owner, uint16_t type, sg_val_result_t *res)
{
	if (zone_unchecked(z, res))
		return;
	sg_val_rrset_t vr;
	sg_val_opts_t o;
	val_view(q, &vr, v, n, owner, type);
	val_opts(q, &o);
	if (sg_val_rrset(res, &vr, z->ks, &o, &q->vstats, NULL) < 0 && res->status == SG_VAL_SECURE)
		set_res(res, SG_VAL_BOGUS, SG_VR_BOGUS, "validation could not be completed");
	note_limit(q, res);
}

/* Checks a denial proof (kind) from the NSEC/NSEC3 RRsets of auth, each of
 * which is first checked with the zone's keys. */
static void check_denial(qctx_t *q, const zone_t *z, const rrl_t *auth, int kind,
                         const uint8_t *qname, uint16_t qtype, unsigned wlabels,
                         sg_val_result_t *res)
{
	if (zone_unchecked(z, res))
		return;
	sg_rrset_view_t *sets = sg_arena_alloc(q->a, (auth->n + 1) * sizeof(*sets));
	size_t nsets = 0;
	if (!sets) {
		set_res(res, SG_VAL_BOGUS, SG_VR_BOGUS, "out of memory");
		return;
	}
	for (size_t i = 0; i < auth->n; i++) {
		const sg_msg_rr_t *rr = &auth->v[i];
		if (rr->type != SG_T_NSEC && rr->type != SG_T_NSEC3)
			continue;
		bool seen = false; /* one check per RRset */
		for (size_t k = 0; k < nsets && !seen; k++)
			seen = sets[k].type == rr->type && sg_name_equal(sets[k].owner, rr->owner);
		if (seen)
			continue;
		sg_val_result_t r1;
		check_rrset(q, z, auth->v, auth->n, rr->owner, rr->type, &r1);
		if (r1.status != SG_VAL_SECURE) {
			*res = r1;
			return;
		}
		if (r1.wildcard)
			continue; /* RFC 4035 §5.4: expanded NSECs prove nothing */
		sg_val_rrset_t vr;
		val_view(q, &vr, auth->v, auth->n, rr->owner, rr->type);
		sets[nsets++] = vr.rrset;
	}
	sg_val_denial_query_t dq = {.kind = kind,
	                            .qname = qname,
	                            .qtype = qtype,
	                            .zone = z->apex,
	                            .wildcard_labels = wlabels};
	sg_val_opts_t o;
	val_opts(q, &o);
	if (sg_val_denial(res, &dq, sets, nsets, &o, &q->vstats) < 0 &&
	    res->status == SG_VAL_SECURE)
		set_res(res, SG_VAL_BOGUS, SG_VR_BOGUS, "validation could not be completed");
	note_limit(q, res);
}

static void log_bogus(const char *what, const uint8_t *name, uint16_t type,
                      const sg_val_result_t *res)
{
	char n[SG_NAME_TEXT_MAX], t[16], pre[SG_NAME_TEXT_MAX + 24];
	snprintf(pre, sizeof(pre), "%s %s: ", ntext(n, sizeof(n), name), sg_type_name(type, t));
	/* The validator's text usually starts with the record it is about. */
	const char *text = res->text;
	if (!strncmp(text, pre, strlen(pre)))
		text += strlen(pre);
	rlog("bogus: %s %s%s (%s)", what, pre, text, sg_val_reason_name(res->reason));
}

/* Fetches and authenticates the DNSKEY RRset of a PENDING zone. */
static void zone_keys(qctx_t *q, zone_t *z)
{
	if (z->sec != Z_PENDING)
		return;
	up_reply_t rep;
	char why[160];
	sg_val_result_t res;
	if (ask(q, z, z->apex, SG_T_DNSKEY, &rep, why, sizeof(why)) != ASK_OK) {
		z->sec = SG_VAL_BOGUS;
		z->reason = SG_VR_DNSKEY_MISSING;
		snprintf(z->why, sizeof(z->why), "DNSKEY RRset could not be fetched: %s", why);
		z->ttl = FAIL_TTL;
		return; /* not cached: the servers may come back */
	}
	const sg_msg_t *m = &rep.msg;
	sg_val_rrset_t vr;
	val_view(q, &vr, m->rr[SG_SEC_ANSWER], m->count[SG_SEC_ANSWER], z->apex, SG_T_DNSKEY);
	sg_val_anchor_t *anc;
	size_t nanc = 0;
	if (z->anchored) {
		anc = (sg_val_anchor_t *)sg_val_anchors_list(q->r->anchors, &nanc);
	} else {
		anc = sg_arena_alloc(q->a, (z->ds.n + 1) * sizeof(*anc));
		for (size_t i = 0; anc && i < z->ds.n; i++)
			if (z->ds.v[i].type == SG_T_DS)
				anc[nanc++] = (sg_val_anchor_t){z->apex, SG_T_DS, z->ds.v[i].rdata,
				                                z->ds.v[i].rdlen};
	}
	sg_val_opts_t o;
	val_opts(q, &o);
	sg_val_keyset_t *ks = NULL;
	if (sg_val_dnskey(&ks, &res, &vr, anc, nanc, &o, &q->vstats, NULL) < 0 &&
	    res.status == SG_VAL_SECURE)
		set_res(&res, SG_VAL_BOGUS, SG_VR_BOGUS, "validation could not be completed");
	note_limit(q, &res);
	z->sec = res.status;
	z->reason = res.reason;
	snprintf(z->why, sizeof(z->why), "%s", res.text);
	if (vr.rrset.ttl < z->ttl)
		z->ttl = vr.rrset.ttl;
	if (res.status == SG_VAL_SECURE && ks && !keep_keyset(q, shks_wrap(ks, 0))) {
		z->sec = SG_VAL_BOGUS;
		z->reason = SG_VR_LIMIT;
		snprintf(z->why, sizeof(z->why), "too many key sets for one question");
		return;
	}
	if (res.status == SG_VAL_SECURE && ks) {
		z->ks = ks;
		memset(&z->dnskey, 0, sizeof(z->dnskey));
		take_set(q, &z->dnskey, m->rr[SG_SEC_ANSWER], m->count[SG_SEC_ANSWER], z->apex,
		         SG_T_DNSKEY);
		if (res.ttl && res.ttl < z->ttl)
			z->ttl = res.ttl;
	} else {
		sg_val_keyset_free(ks);
		if (res.status == SG_VAL_SECURE)
			z->sec = SG_VAL_BOGUS;
		if (z->sec == SG_VAL_BOGUS)
			log_bogus("DNSKEY of", z->apex, SG_T_DNSKEY, &res);
		if (z->sec == SG_VAL_INDETERMINATE && !z->anchored)
			z->sec = SG_VAL_BOGUS; /* a DS that names no zone: cannot happen */
	}
	zone_store(q, z);
}

/* ---- walking ------------------------------------------------------------------------- */

static zone_t *zone_root(qctx_t *q)
{
	zone_t *z = zone_load(q, sg_name_root);
	if (z)
		return z;
	z = sg_arena_alloc(q->a, sizeof(*z));
	if (z)
		*z = q->r->root;
	return z;
}

/* The deepest zone cut known at or above name. */
static zone_t *zone_start(qctx_t *q, const uint8_t *name)
{
	unsigned n = sg_name_labels(name);
	for (unsigned l = n; l > 0; l--) {
		zone_t *z = zone_load(q, sg_name_suffix(name, l));
		if (z)
			return z;
	}
	return zone_root(q);
}

/* Decides the security state of the child cut c below z from the
 * parent's records: the DS RRset (with its RRSIGs) among ds[0..nds), or
 * else a proof among deny[0..ndeny) that c is a delegation without one.
 * fetched false: the parent could not be asked. Returns false only when
 * !known and no delegation is proven (then there is no cut at c). */
static bool cut_state(qctx_t *q, const zone_t *z, zone_t *c, const sg_msg_rr_t *ds, size_t nds,
                      const sg_msg_rr_t *deny, size_t ndeny, bool fetched, bool known)
{
	sg_val_result_t res;
	const uint8_t *tp = q->r->anchors ? sg_val_anchors_closest(q->r->anchors, c->apex) : NULL;
	if (!q->r->cfg->validation) {
		c->sec = SG_VAL_INSECURE;
	} else if (tp && sg_name_equal(tp, c->apex)) {
		c->sec = Z_PENDING; /* a configured trust point */
		c->anchored = true;
	} else if (z->sec != SG_VAL_SECURE) {
		c->sec = z->sec == Z_PENDING ? SG_VAL_BOGUS : z->sec;
		c->reason = z->reason;
		snprintf(c->why, sizeof(c->why), "%s", z->why);
	} else if (!fetched) {
		c->sec = SG_VAL_BOGUS;
		c->reason = SG_VR_DNSKEY_MISSING;
		snprintf(c->why, sizeof(c->why), "DS RRset could not be fetched");
	} else if (has_set(ds, nds, c->apex, SG_T_DS)) {
		check_rrset(q, z, ds, nds, c->apex, SG_T_DS, &res);
		if (res.status == SG_VAL_SECURE) {
			c->sec = Z_PENDING;
			take_set(q, &c->ds, ds, nds, c->apex, SG_T_DS);
			if (res.ttl && res.ttl < c->ttl)
				c->ttl = res.ttl;
		} else {
			c->sec = SG_VAL_BOGUS;
			c->reason = res.reason;
			snprintf(c->why, sizeof(c->why), "%s", res.text);
			log_bogus("DS of", c->apex, SG_T_DS, &res);
		}
	} else {
		rrl_t al = {(sg_msg_rr_t *)deny, ndeny, ndeny};
		check_denial(q, z, &al, SG_VD_REFERRAL, c->apex, SG_T_DS, 0, &res);
		if (res.status == SG_VAL_SECURE || res.status == SG_VAL_INSECURE) {
			c->sec = SG_VAL_INSECURE; /* proven unsigned, or opted out */
			c->reason = res.status == SG_VAL_SECURE ? SG_VR_INSECURE_DELEGATION
			                                        : res.reason;
			snprintf(c->why, sizeof(c->why), "%s", res.text);
		} else if (!known) {
			return false;
		} else {
			c->sec = SG_VAL_BOGUS;
			c->reason = res.reason;
			snprintf(c->why, sizeof(c->why), "delegation to %.400s", res.text);
			log_bogus("delegation without DS to", c->apex, SG_T_DS, &res);
		}
	}
	return true;
}

/* Follows a referral from z to child: its servers (glue only for this
 * delegation and inside z), and its security state. */
static zone_t *referral(qctx_t *q, zone_t *z, const sg_msg_t *m, const uint8_t *child)
{
	zone_t *c = sg_arena_alloc(q->a, sizeof(*c));
	if (!c)
		return NULL;
	memset(c, 0, sizeof(*c));
	sg_name_copy(c->apex, child);
	c->ttl = UINT32_MAX;
	const sg_msg_rr_t *auth = m->rr[SG_SEC_AUTHORITY];
	unsigned nauth = m->count[SG_SEC_AUTHORITY];
	for (unsigned i = 0; i < nauth; i++) {
		const sg_msg_rr_t *rr = &auth[i];
		if (rr->type != SG_T_NS || !sg_name_equal(rr->owner, child) || c->nns >= Z_MAX_NS)
			continue;
		c->ns[c->nns++] = rr->rdata; /* NS RDATA is the (uncompressed) name */
		if (rr->ttl < c->ttl)
			c->ttl = rr->ttl;
	}
	/* Glue: addresses of this delegation's name servers, in the parent's
	 * bailiwick (RFC 2181 §5.4.1); anything else in the additional section
	 * is ignored. */
	const sg_msg_rr_t *add = m->rr[SG_SEC_ADDITIONAL];
	for (unsigned i = 0; i < m->count[SG_SEC_ADDITIONAL]; i++) {
		const sg_msg_rr_t *rr = &add[i];
		if ((rr->type != SG_T_A && rr->type != SG_T_AAAA) || rr->rclass != SG_C_IN ||
		    !sg_name_is_subdomain(rr->owner, z->apex))
			continue;
		for (size_t k = 0; k < c->nns; k++)
			if (sg_name_equal(rr->owner, c->ns[k])) {
				zone_add_addr(q, c, rr);
				c->ns_tried[k] = true; /* its address is known */
				break;
			}
	}
	(void)cut_state(q, z, c, auth, nauth, auth, nauth, true, true);
	if (c->ttl == UINT32_MAX)
		c->ttl = 0;
	zone_store(q, c);
	return c;
}

/* The child of a referral in m from z, for a query about name: the owner of
 * an NS RRset in the authority section strictly below z, at or above name. */
static const uint8_t *referral_child(const zone_t *z, const sg_msg_t *m, const uint8_t *name)
{
	if ((m->flags & SG_MSG_AA) || m->rcode != SG_RC_NOERROR)
		return NULL;
	for (unsigned i = 0; i < m->count[SG_SEC_ANSWER]; i++)
		if (sg_name_equal(m->rr[SG_SEC_ANSWER][i].owner, name))
			return NULL; /* an answer, not a referral */
	for (unsigned i = 0; i < m->count[SG_SEC_AUTHORITY]; i++) {
		const sg_msg_rr_t *rr = &m->rr[SG_SEC_AUTHORITY][i];
		if (rr->type == SG_T_NS && rr->rclass == SG_C_IN &&
		    sg_name_is_subdomain(rr->owner, z->apex) &&
		    !sg_name_equal(rr->owner, z->apex) && sg_name_is_subdomain(name, rr->owner))
			return rr->owner;
	}
	return NULL;
}

static int worse(int a, int b)
{
	static const int rank[] = {[SG_VAL_SECURE] = 0,
	                           [SG_VAL_INSECURE] = 1,
	                           [SG_VAL_INDETERMINATE] = 2,
	                           [SG_VAL_BOGUS] = 3};
	return rank[b] > rank[a] ? b : a;
}

static void link_from_res(link_t *L, const sg_val_result_t *res)
{
	L->sec = res->status;
	L->reason = res->reason;
	snprintf(L->why, sizeof(L->why), "%s", res->text);
}

static void link_fail(link_t *L, int ede, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* ---- zone cuts without a referral ------------------------------------------------------
 * A server authoritative for both a parent and its child answers for the
 * child directly: no referral shows the cut. It shows in the answer (the
 * RRSIG signer or the negative answer's SOA is below the zone we think we
 * are in), or, for an unsigned child of a signed parent, nowhere: then the
 * parent is asked for the DS of each name between it and the answer, and
 * a DS, or a proof of a delegation without one, reveals the cut. */

/* The child cut at apex below z, its state from the parent's DS reply m
 * (NULL: none could be fetched). known: the cut is certain (else a reply
 * that proves no delegation gives NULL: no cut there). */
static zone_t *cut_from_ds(qctx_t *q, zone_t *z, const uint8_t *apex, const sg_msg_t *m, bool known)
{
	zone_t *c = sg_arena_alloc(q->a, sizeof(*c));
	if (!c)
		return NULL;
	memset(c, 0, sizeof(*c));
	sg_name_copy(c->apex, apex);
	memcpy(c->addr, z->addr, sizeof(c->addr)); /* the same servers */
	c->naddr = z->naddr;
	memcpy(c->ns, z->ns, sizeof(c->ns));
	c->nns = z->nns;
	c->ttl = z->ttl;
	bool cut = m ? cut_state(q, z, c, m->rr[SG_SEC_ANSWER], m->count[SG_SEC_ANSWER],
	                         m->rr[SG_SEC_AUTHORITY], m->count[SG_SEC_AUTHORITY], true, known)
	             : cut_state(q, z, c, NULL, 0, NULL, 0, false, known);
	if (!cut)
		return NULL; /* no delegation proven here */
	zone_store(q, c);
	return c;
}

static zone_t *known_cut(qctx_t *q, zone_t *z, const uint8_t *apex)
{
	up_reply_t rep;
	char why[160];
	bool ok = z->sec != SG_VAL_SECURE ||
	          ask(q, z, apex, SG_T_DS, &rep, why, sizeof(why)) == ASK_OK;
	zone_t *c = cut_from_ds(q, z, apex, ok && z->sec == SG_VAL_SECURE ? &rep.msg : NULL, true);
	if (c)
		zone_keys(q, c);
	return c;
}

/* The name below z where the answer shows a cut z does not know, or NULL. */
static const uint8_t *shown_cut(const zone_t *z, const sg_msg_t *m, const uint8_t *qname,
                                uint16_t t, bool positive)
{
	if (positive) {
		for (unsigned i = 0; i < m->count[SG_SEC_ANSWER]; i++) {
			const sg_msg_rr_t *rr = &m->rr[SG_SEC_ANSWER][i];
			if (rr->type != SG_T_RRSIG || rr->rdlen <= 18 || rrsig_covered(rr) != t ||
			    !sg_name_equal(rr->owner, qname))
				continue;
			const uint8_t *signer = rr->rdata + 18; /* checked by sg_rdata_check */
			if (!sg_name_equal(signer, z->apex) &&
			    sg_name_is_subdomain(signer, z->apex) &&
			    sg_name_is_subdomain(qname, signer))
				return signer;
		}
		return NULL;
	}
	for (unsigned i = 0; i < m->count[SG_SEC_AUTHORITY]; i++) {
		const sg_msg_rr_t *rr = &m->rr[SG_SEC_AUTHORITY][i];
		if (rr->type == SG_T_SOA && !sg_name_equal(rr->owner, z->apex) &&
		    sg_name_is_subdomain(rr->owner, z->apex) &&
		    sg_name_is_subdomain(qname, rr->owner))
			return rr->owner;
	}
	return NULL;
}

static bool has_sig(const sg_msg_t *m, const uint8_t *qname, uint16_t t)
{
	for (unsigned i = 0; i < m->count[SG_SEC_ANSWER]; i++) {
		const sg_msg_rr_t *rr = &m->rr[SG_SEC_ANSWER][i];
		if (rr->type == SG_T_RRSIG && rrsig_covered(rr) == t &&
		    sg_name_equal(rr->owner, qname))
			return true;
	}
	return false;
}

#define CUT_PROBES 8 /* DS probes for an unsigned answer in a signed zone */

/* The zone that really served the answer in m. */
static zone_t *answer_zone(qctx_t *q, zone_t *z, const sg_msg_t *m, const uint8_t *qname,
                           uint16_t t, bool positive)
{
	for (int hops = 0; hops < 4 && z; hops++) {
		const uint8_t *cut = shown_cut(z, m, qname, t, positive);
		if (cut) {
			z = known_cut(q, z, cut);
			continue;
		}
		if (!positive || z->sec != SG_VAL_SECURE || has_sig(m, qname, t))
			return z;
		/* Unsigned data in a signed zone: look for an unsigned child. */
		unsigned zl = sg_name_labels(z->apex), ql = sg_name_labels(qname);
		for (unsigned l = zl + 1; l <= ql && l <= zl + CUT_PROBES; l++) {
			const uint8_t *n = sg_name_suffix(qname, l);
			up_reply_t rep;
			char why[160];
			if (ask(q, z, n, SG_T_DS, &rep, why, sizeof(why)) != ASK_OK)
				return z;
			zone_t *c = cut_from_ds(q, z, n, &rep.msg, false);
			if (c) {
				zone_keys(q, c);
				return c;
			}
		}
		return z;
	}
	return z;
}

/* A DNAME at a proper ancestor of qname in the answer section (RFC 6672). */
static const sg_msg_rr_t *find_dname(const sg_msg_t *m, const uint8_t *qname, const zone_t *z)
{
	for (unsigned i = 0; i < m->count[SG_SEC_ANSWER]; i++) {
		const sg_msg_rr_t *rr = &m->rr[SG_SEC_ANSWER][i];
		if (rr->type == SG_T_DNAME && rr->rclass == SG_C_IN &&
		    sg_name_is_subdomain(qname, rr->owner) && !sg_name_equal(qname, rr->owner) &&
		    sg_name_is_subdomain(rr->owner, z->apex))
			return rr;
	}
	return NULL;
}

/* The DNAME answer: the DNAME RRset is what is signed; the CNAME that
 * goes with it is synthesised here (RFC 6672 §3.2, §5.3.1), not taken
 * from the reply, so an unsigned CNAME cannot redirect us. */
static void dname_link(qctx_t *q, zone_t *z, const sg_msg_t *m, const uint8_t *qname,
                       const sg_msg_rr_t *dn, link_t *L)
{
	sg_val_result_t res;
	const sg_msg_rr_t *ans = m->rr[SG_SEC_ANSWER];
	unsigned nans = m->count[SG_SEC_ANSWER];
	size_t plen = sg_name_len(qname) - sg_name_len(dn->owner);
	size_t tlen = sg_name_len(dn->rdata);
	if (plen + tlen > SG_NAME_MAX) {
		L->rcode = SG_RC_YXDOMAIN; /* RFC 6672 §2.2 */
		L->sec = SG_VAL_INSECURE;
		L->cacheable = false;
		return;
	}
	uint8_t *target = sg_arena_alloc(q->a, plen + tlen);
	if (!target) {
		link_fail(L, 0, "out of memory");
		return;
	}
	memcpy(target, qname, plen);
	memcpy(target + plen, dn->rdata, tlen);
	L->rcode = SG_RC_NOERROR;
	take_set(q, &L->ans, ans, nans, dn->owner, SG_T_DNAME);
	for (size_t i = 0; i < L->ans.n; i++)
		if (L->ans.v[i].ttl < L->ttl)
			L->ttl = L->ans.v[i].ttl;
	check_rrset(q, z, ans, nans, dn->owner, SG_T_DNAME, &res);
	if (res.status == SG_VAL_SECURE && res.ttl && res.ttl < L->ttl)
		L->ttl = res.ttl;
	link_from_res(L, &res);
	if (res.status == SG_VAL_BOGUS)
		log_bogus("answer", dn->owner, SG_T_DNAME, &res);
	sg_msg_rr_t cn = {.owner = qname,
	                  .rdata = target,
	                  .ttl = dn->ttl,
	                  .type = SG_T_CNAME,
	                  .rclass = SG_C_IN,
	                  .rdlen = (uint16_t)(plen + tlen)};
	(void)rrl_add(q->a, &L->ans, &cn);
	L->cname = target;
}

/* The final answer for (qname, qtype) from zone z. */
static void answer_link(qctx_t *q, zone_t *z, const sg_msg_t *m, const uint8_t *qname,
                        uint16_t qtype, link_t *L)
{
	const sg_msg_rr_t *ans = m->rr[SG_SEC_ANSWER];
	unsigned nans = m->count[SG_SEC_ANSWER];
	sg_val_result_t res;
	L->cacheable = true;
	L->ttl = UINT32_MAX;
	uint16_t t = qtype;
	if (!has_set(ans, nans, qname, qtype) && qtype != SG_T_CNAME &&
	    has_set(ans, nans, qname, SG_T_CNAME))
		t = SG_T_CNAME;
	const sg_msg_rr_t *dn = NULL;
	if (qtype != SG_T_DNAME && !has_set(ans, nans, qname, qtype))
		dn = find_dname(m, qname, z);
	if (dn) {
		if (q->r->cfg->validation && (z->sec == SG_VAL_SECURE || z->sec == Z_PENDING))
			z = answer_zone(q, z, m, dn->owner, SG_T_DNAME, true);
		if (!z)
			link_fail(L, 0, "out of memory");
		else
			dname_link(q, z, m, qname, dn, L);
		return;
	}
	if (q->r->cfg->validation && (z->sec == SG_VAL_SECURE || z->sec == Z_PENDING)) {
		zone_t *real = answer_zone(q, z, m, qname, t, has_set(ans, nans, qname, t));
		if (!real) {
			link_fail(L, 0, "out of memory");
			return;
		}
		z = real;
	}
	/* Only data inside the zone asked counts (bailiwick). */
	rrl_t auth = {0};
	for (unsigned i = 0; i < m->count[SG_SEC_AUTHORITY]; i++) {
		const sg_msg_rr_t *rr = &m->rr[SG_SEC_AUTHORITY][i];
		if (rr->rclass == SG_C_IN && sg_name_is_subdomain(rr->owner, z->apex) &&
		    (rr->type == SG_T_SOA || rr->type == SG_T_NSEC || rr->type == SG_T_NSEC3 ||
		     rr->type == SG_T_RRSIG))
			(void)rrl_add(q->a, &auth, rr);
	}
	if (has_set(ans, nans, qname, t) && sg_name_is_subdomain(qname, z->apex)) {
		L->rcode = SG_RC_NOERROR;
		take_set(q, &L->ans, ans, nans, qname, t);
		for (size_t i = 0; i < L->ans.n; i++)
			if (L->ans.v[i].ttl < L->ttl)
				L->ttl = L->ans.v[i].ttl;
		check_rrset(q, z, ans, nans, qname, t, &res);
		if (res.status == SG_VAL_SECURE) {
			if (res.ttl && res.ttl < L->ttl)
				L->ttl = res.ttl;
			if (res.wildcard) {
				unsigned wl = res.sig_labels;
				check_denial(q, z, &auth, SG_VD_WILDCARD, qname, t, wl, &res);
				for (size_t i = 0; i < auth.n; i++)
					if (auth.v[i].type != SG_T_SOA)
						(void)rrl_add(q->a, &L->auth, &auth.v[i]);
			}
		}
		link_from_res(L, &res);
		if (t == SG_T_CNAME) {
			for (size_t i = 0; i < L->ans.n; i++)
				if (L->ans.v[i].type == SG_T_CNAME) {
					L->cname = L->ans.v[i].rdata;
					break;
				}
		}
		if (res.status == SG_VAL_BOGUS)
			log_bogus("answer", qname, t, &res);
		return;
	}
	/* Negative: NXDOMAIN or NODATA (RFC 2308), with the SOA for the TTL. */
	L->rcode = m->rcode == SG_RC_NXDOMAIN ? SG_RC_NXDOMAIN : SG_RC_NOERROR;
	L->auth = auth;
	uint32_t neg = FAIL_TTL;
	for (size_t i = 0; i < auth.n; i++)
		if (auth.v[i].type == SG_T_SOA && auth.v[i].rdlen >= 22 &&
		    sg_name_equal(auth.v[i].owner, z->apex)) {
			uint32_t min = sg_get32(auth.v[i].rdata + auth.v[i].rdlen - 4);
			neg = auth.v[i].ttl < min ? auth.v[i].ttl : min; /* RFC 2308 §5 */
			if (neg > NEG_TTL_MAX)
				neg = NEG_TTL_MAX;
		}
	L->ttl = neg;
	int kind = L->rcode == SG_RC_NXDOMAIN ? SG_VD_NXDOMAIN : SG_VD_NODATA;
	check_denial(q, z, &auth, kind, qname, qtype, 0, &res);
	link_from_res(L, &res);
	if (res.status == SG_VAL_BOGUS)
		log_bogus(kind == SG_VD_NXDOMAIN ? "NXDOMAIN for" : "NODATA for", qname, qtype,
		          &res);
}

static void link_fail(link_t *L, int ede, const char *fmt, ...)
{
	L->rcode = SG_RC_SERVFAIL;
	L->sec = SG_VAL_INDETERMINATE;
	L->reason = SG_VR_NONE;
	L->ede = ede;
	L->cacheable = false;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(L->why, sizeof(L->why), fmt, ap);
	va_end(ap);
}

static void resolve_link(qctx_t *q, const uint8_t *qname, uint16_t qtype, link_t *L)
{
	const rcfg_t *cfg = q->r->cfg;
	memset(L, 0, sizeof(*L));
	L->ede = -1;
	if (link_load(q, qname, qtype, L))
		return;
	memset(L, 0, sizeof(*L));
	L->ede = -1;
	if (q->cache_only) {
		q->missed = true;
		link_fail(L, 0, "not cached");
		return;
	}
	/* DS lives on the parent side of the cut (RFC 4035 §3.1.4.1). */
	const uint8_t *walk = qtype == SG_T_DS && qname[0] ? sg_name_parent(qname) : qname;
	zone_t *z = zone_start(q, walk);
	if (!z) {
		link_fail(L, 0, "out of memory");
		return;
	}
	unsigned qlabels = sg_name_labels(qname);
	unsigned ml = sg_name_labels(z->apex) + 1; /* labels shown to the next server */
	bool qmin = cfg->qname_minimisation;
	for (unsigned refs = 0;;) {
		if (cfg->validation)
			zone_keys(q, z);
		const uint8_t *sname = qname;
		uint16_t stype = qtype;
		bool minimised = qmin && ml < qlabels;
		if (minimised) {
			sname = sg_name_suffix(qname, ml);
			stype = SG_T_A; /* RFC 9156 §3: A is what a server handles best */
		}
		up_reply_t rep;
		char why[160];
		if (ask(q, z, sname, stype, &rep, why, sizeof(why)) != ASK_OK) {
			char zn[SG_NAME_TEXT_MAX];
			if (q->limit_ede >= 0)
				link_fail(L, q->limit_ede, "%s", q->limit_why);
			else
				link_fail(L, 22, "no usable answer from the servers of %s: %s",
				          ntext(zn, sizeof(zn), z->apex), why);
			return;
		}
		const sg_msg_t *m = &rep.msg;
		const uint8_t *child = referral_child(z, m, minimised ? sname : walk);
		if (child) {
			if (++refs > cfg->max_referrals) {
				hit_limit(q, &q->r->stats.limit_referrals,
				          "referral limit (%u) reached", cfg->max_referrals);
				link_fail(L, q->limit_ede, "%s", q->limit_why);
				return;
			}
			zone_t *c = referral(q, z, m, child);
			if (!c) {
				link_fail(L, 0, "out of memory");
				return;
			}
			z = c;
			ml = sg_name_labels(z->apex) + 1;
			continue;
		}
		if (minimised) {
			/* RFC 9156 relaxed: a name error for a shorter name may be
			 * a broken server (RFC 8020 is not universal): ask the
			 * full name instead of concluding. */
			if (m->rcode == SG_RC_NXDOMAIN)
				qmin = false;
			else
				ml++;
			continue;
		}
		answer_link(q, z, m, qname, qtype, L);
		link_store(q, qname, qtype, L);
		return;
	}
}

/* ---- the client question ------------------------------------------------------------- */

static void count_status(resolver_t *r, int sec)
{
	atomic_fetch_add(&r->stats.queries, 1);
	switch (sec) {
	case SG_VAL_SECURE:
		atomic_fetch_add(&r->stats.secure, 1);
		break;
	case SG_VAL_INSECURE:
		atomic_fetch_add(&r->stats.insecure, 1);
		break;
	case SG_VAL_BOGUS:
		atomic_fetch_add(&r->stats.bogus, 1);
		break;
	default:
		atomic_fetch_add(&r->stats.indeterminate, 1);
	}
}

static bool resolve(resolver_t *r, sg_arena_t *arena, const uint8_t *qname, uint16_t qtype,
                    ires_t *out, bool cache_only)
{
	qctx_t q;
	memset(&q, 0, sizeof(q));
	q.r = r;
	q.a = arena;
	q.now = (int64_t)time(NULL);
	q.limit_ede = -1;
	q.start_ms = mono_ms();
	q.cache_only = cache_only;
	memset(out, 0, sizeof(*out));
	out->ede = -1;
	out->sec = SG_VAL_SECURE;
	const uint8_t *name = qname;
	int sec = SG_VAL_SECURE;
	for (unsigned chain = 0;; chain++) {
		link_t L;
		resolve_link(&q, name, qtype, &L);
		if (q.missed)
			break;
		sec = worse(sec, L.sec);
		for (size_t i = 0; i < L.ans.n; i++)
			(void)rrl_add(arena, &out->answer, &L.ans.v[i]);
		out->rcode = L.rcode;
		if (L.rcode == SG_RC_SERVFAIL) {
			out->ede = L.ede;
			snprintf(out->why, sizeof(out->why), "%s", L.why);
			break;
		}
		if (L.sec == SG_VAL_BOGUS && out->why[0] == 0) {
			out->ede = sg_val_reason_ede(L.reason);
			if (out->ede < 0)
				out->ede = 6;
			snprintf(out->why, sizeof(out->why), "%s", L.why);
		}
		if (!L.cname) {
			out->authority = L.auth;
			break;
		}
		if (chain >= r->cfg->max_cname_chain) {
			hit_limit(&q, &r->stats.limit_cname, "CNAME chain limit (%u) reached",
			          r->cfg->max_cname_chain);
			out->rcode = SG_RC_SERVFAIL;
			out->ede = q.limit_ede;
			snprintf(out->why, sizeof(out->why), "%s", q.limit_why);
			break;
		}
		name = L.cname;
	}
	for (size_t i = 0; i < q.nkeysets; i++)
		shks_unref(q.keysets[i]);
	if (q.missed)
		return false;
	out->sec = out->rcode == SG_RC_SERVFAIL && sec != SG_VAL_BOGUS ? SG_VAL_INDETERMINATE : sec;
	count_status(r, out->sec);
	return true;
}

void iter_count_kept(resolver_t *r, int sec)
{
	atomic_fetch_add(&r->stats.cache_answers, 1);
	count_status(r, sec);
}

void iter_resolve(resolver_t *r, sg_arena_t *arena, const uint8_t *qname, uint16_t qtype,
                  ires_t *out)
{
	(void)resolve(r, arena, qname, qtype, out, false);
}

bool iter_resolve_cached(resolver_t *r, sg_arena_t *arena, const uint8_t *qname, uint16_t qtype,
                         ires_t *out)
{
	return resolve(r, arena, qname, qtype, out, true);
}

/* ---- setup ------------------------------------------------------------------------- */

struct hints_ctx {
	resolver_t *r;
	uint8_t ns[Z_MAX_NS][SG_NAME_MAX];
	size_t nns;
	sg_msg_rr_t addrs[64];
	uint8_t addr_owner[64][SG_NAME_MAX];
	uint8_t addr_data[64][16];
	size_t naddrs;
	char err[256];
};

static void hints_error(void *ctx, const char *file, unsigned line, const char *msg)
{
	struct hints_ctx *h = ctx;
	if (!h->err[0])
		snprintf(h->err, sizeof(h->err), "%s:%u: %s", file, line, msg);
}

static int hints_record(void *ctx, const sg_rr_t *rr, const char *file, unsigned line)
{
	struct hints_ctx *h = ctx;
	if (rr->type == SG_T_NS && rr->owner[0] == 0 && h->nns < Z_MAX_NS) {
		sg_name_copy(h->ns[h->nns++], rr->rdata);
	} else if ((rr->type == SG_T_A || rr->type == SG_T_AAAA) && h->naddrs < 64 &&
	           rr->rdlen <= 16) {
		size_t i = h->naddrs++;
		sg_name_copy(h->addr_owner[i], rr->owner);
		memcpy(h->addr_data[i], rr->rdata, rr->rdlen);
		h->addrs[i] = (sg_msg_rr_t){.owner = h->addr_owner[i],
		                            .rdata = h->addr_data[i],
		                            .type = rr->type,
		                            .rclass = SG_C_IN,
		                            .rdlen = rr->rdlen};
	}
	return SG_OK;
}

static int load_hints(resolver_t *r, char *err, size_t errcap)
{
	struct hints_ctx *h = calloc(1, sizeof(*h));
	if (!h) {
		snprintf(err, errcap, "out of memory");
		return -1;
	}
	h->r = r;
	sg_zparse_opts_t o = {.origin = sg_name_root,
	                      .error = hints_error,
	                      .record = hints_record,
	                      .ctx = h,
	                      .no_include = 1};
	const char *src = r->cfg->root_hints;
	int e = src ? sg_zonefile_parse(src, &o, NULL)
	            : sg_zonefile_parse_mem(builtin_hints, sizeof(builtin_hints) - 1,
	                                    "built-in root hints", &o, NULL);
	int rc = -1;
	if (e < 0) {
		snprintf(err, errcap, "%s", h->err[0] ? h->err : sg_strerror(e));
		goto out;
	}
	zone_t *z = &r->root;
	memset(z, 0, sizeof(*z));
	z->apex[0] = 0;
	z->ttl = 3600;
	bool all_loop = true;
	for (size_t i = 0; i < h->naddrs; i++) {
		bool listed = false;
		for (size_t k = 0; k < h->nns && !listed; k++)
			listed = sg_name_equal(h->addrs[i].owner, h->ns[k]);
		if (!listed)
			continue;
		size_t before = z->naddr;
		/* The loopback rule is decided below: accept everything here. */
		qctx_t q = {.r = r};
		bool saved = r->loopback_ok;
		r->loopback_ok = true;
		zone_add_addr(&q, z, &h->addrs[i]);
		r->loopback_ok = saved;
		if (z->naddr > before && !is_loopback(&z->addr[z->naddr - 1]))
			all_loop = false;
	}
	if (z->naddr == 0) {
		snprintf(err, errcap, "%s: no address for any root name server",
		         src ? src : "built-in root hints");
		goto out;
	}
	r->loopback_ok = all_loop || r->cfg->allow_loopback_upstream;
	rlog("root hints: %zu addresses; upstream loopback addresses %s", z->naddr,
	     all_loop                          ? "allowed (the root hints are loopback)"
	     : r->cfg->allow_loopback_upstream ? "allowed (allow-loopback-upstream)"
	                                       : "refused");
	rc = 0;
out:
	free(h);
	return rc;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		size_t k = fread(buf + n, 1, cap - n, f);
		n += k;
		if (k == 0)
			break;
		if (n == cap) {
			if (cap >= (16u << 20)) {
				free(buf);
				buf = NULL;
				break;
			}
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	fclose(f);
	*len = n;
	return buf;
}

resolver_t *iter_new(const rcfg_t *cfg, char *err, size_t errcap)
{
	resolver_t *r = calloc(1, sizeof(*r));
	if (!r) {
		snprintf(err, errcap, "out of memory");
		return NULL;
	}
	r->cfg = cfg;
	pthread_mutex_init(&r->ks_mu, NULL);
	r->cache = rc_new(cfg->cache_size);
	if (!r->cache) {
		snprintf(err, errcap, "out of memory");
		goto fail;
	}
	if (load_hints(r, err, errcap) < 0)
		goto fail;
	if (cfg->validation) {
		size_t len = 0;
		char *text = NULL;
		const char *name = "built-in IANA root anchors";
		if (cfg->anchor) {
			text = read_file(cfg->anchor, &len);
			if (!text) {
				snprintf(err, errcap, "%s: cannot read", cfg->anchor);
				goto fail;
			}
			name = cfg->anchor;
		}
		const char *t = text ? text : sg_val_root_anchors_text();
		size_t tl = text ? len : strlen(t);
		int e = sg_val_anchors_parse(&r->anchors, t, tl, name, err, errcap);
		free(text);
		if (e < 0) {
			if (e == SG_ENOTFOUND)
				snprintf(err, errcap, "%s: no DS or DNSKEY record", name);
			goto fail;
		}
	}
	zone_t *z = &r->root;
	if (!cfg->validation) {
		z->sec = SG_VAL_INSECURE;
	} else {
		const uint8_t *tp = sg_val_anchors_closest(r->anchors, sg_name_root);
		z->sec = tp ? Z_PENDING : SG_VAL_INDETERMINATE;
		z->anchored = tp != NULL;
		if (!tp)
			snprintf(z->why, sizeof(z->why), "no trust anchor covers the name");
		z->reason = tp ? SG_VR_NONE : SG_VR_NO_ANCHOR;
	}
	return r;
fail:
	iter_free(r);
	return NULL;
}

void iter_free(resolver_t *r)
{
	if (!r)
		return;
	rc_free(r->cache);
	sg_val_anchors_free(r->anchors);
	for (size_t i = 0; i < KS_SLOTS; i++)
		shks_unref(r->ks_slot[i]);
	pthread_mutex_destroy(&r->ks_mu);
	free(r);
}

void iter_set_exchange(resolver_t *r, up_exchange_fn fn, void *ctx)
{
	r->exchange = fn;
	r->exchange_ctx = ctx;
}

iter_stats_t *iter_get_stats(resolver_t *r)
{
	return &r->stats;
}

rc_cache_t *iter_cache(resolver_t *r)
{
	return r->cache;
}
