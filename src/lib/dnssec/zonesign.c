/* The zone signer: walks the zone in canonical order, cuts the walk into
 * chunks of "units" (a node, or one NSEC3 record), lets worker threads sign
 * chunks, and emits finished chunks in order on the caller's thread. The
 * workers may run at most WINDOW chunks ahead of the emitter, so memory
 * stays bounded however large the zone is. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "signet/rr.h"
#include "signet/sign.h"
#include "signet/util.h"

#define CHUNK_UNITS 128
#define WINDOW 256
#define NSEC3_UNIT 0x80000000u
#define TYPES_MAX 1024

typedef struct out_rr {
	const uint8_t *owner;
	const uint8_t *rdata;
	uint32_t ttl;
	uint16_t type;
	uint16_t rdlen;
} out_rr_t;

typedef struct chunk {
	sg_arena_t *arena;
	out_rr_t *rr;
	size_t n, cap;
	size_t rrsets, sigs, chain;
	int done;
} chunk_t;

typedef struct nsec3_ent {
	uint8_t hash[20];
	uint32_t node;
} nsec3_ent_t;

typedef struct job {
	const sg_zone_t *z;
	const sg_sign_opts_t *o;
	const uint8_t *origin;
	const sg_dnskey_t *const *keys;
	size_t nkeys;
	uint8_t ksk[64], zsk[64]; /* key indices per role */
	size_t nksk, nzsk;
	uint32_t denial_ttl;
	/* the walk */
	uint32_t *units;
	size_t nunits, nchunks;
	chunk_t *chunks;
	uint32_t *nsec_next; /* per node: node index of the next NSEC owner */
	nsec3_ent_t *n3;
	size_t nn3;
	/* coordination */
	pthread_mutex_t mu;
	pthread_cond_t cv_done, cv_window;
	size_t next_chunk, emitted;
	int error;
	char errmsg[256];
} job_t;

typedef struct worker {
	job_t *job;
	pthread_t tid;
	sg_rrsig_signer_t *signer[64];
	sg_rdata_ref_t *refs;
	size_t refcap;
	uint8_t sig[SG_RRSIG_RDATA_MAX];
	uint8_t rdata[SG_NAME_MAX + SG_BITMAP_MAX + 300];
	uint16_t types[TYPES_MAX];
} worker_t;

bool sg_sign_keeps_type(uint16_t type)
{
	return type != SG_T_RRSIG && type != SG_T_NSEC && type != SG_T_NSEC3 &&
	       type != SG_T_NSEC3PARAM;
}

static size_t nsec3param_rdata(uint8_t *p, const sg_sign_opts_t *o)
{
	p[0] = 1; /* SHA-1 */
	p[1] = 0; /* flags: 0 in NSEC3PARAM (RFC 5155 §4.1.2) */
	p[2] = (uint8_t)(o->nsec3_iterations >> 8);
	p[3] = (uint8_t)o->nsec3_iterations;
	p[4] = (uint8_t)o->nsec3_saltlen;
	if (o->nsec3_saltlen) /* the salt may be NULL when empty */
		memcpy(p + 5, o->nsec3_salt, o->nsec3_saltlen);
	return 5 + o->nsec3_saltlen;
}

int sg_sign_prepare(sg_zone_builder_t *b, const uint8_t *origin, const sg_dnskey_t *const *keys,
		    size_t nkeys, uint32_t dnskey_ttl, const sg_sign_opts_t *opts)
{
	for (size_t i = 0; i < nkeys; i++) {
		sg_rr_t rr = {.owner = origin, .type = SG_T_DNSKEY, .rclass = SG_C_IN,
			      .ttl = dnskey_ttl, .rdlen = keys[i]->rdlen, .rdata = keys[i]->rdata};
		int r = sg_zone_builder_add(b, &rr, NULL, 0);
		if (r < 0)
			return r;
	}
	if (opts && opts->denial == SG_DENIAL_NSEC3) {
		if (opts->nsec3_saltlen > 255)
			return SG_EINVAL;
		uint8_t p[5 + 255];
		sg_rr_t rr = {.owner = origin, .type = SG_T_NSEC3PARAM, .rclass = SG_C_IN, .ttl = 0,
			      .rdata = p};
		rr.rdlen = (uint16_t)nsec3param_rdata(p, opts);
		return sg_zone_builder_add(b, &rr, NULL, 0);
	}
	return SG_OK;
}

/* Records the first failure and wakes everybody so they stop. */
static void fail(job_t *j, int code, const char *msg)
{
	pthread_mutex_lock(&j->mu);
	if (!j->error) {
		j->error = code;
		snprintf(j->errmsg, sizeof(j->errmsg), "%s", msg);
	}
	pthread_cond_broadcast(&j->cv_done);
	pthread_cond_broadcast(&j->cv_window);
	pthread_mutex_unlock(&j->mu);
}

static int push(chunk_t *c, const uint8_t *owner, uint16_t type, uint32_t ttl, const uint8_t *rd,
		size_t rdlen)
{
	if (c->n == c->cap) {
		size_t nc = c->cap ? c->cap * 2 : 512;
		out_rr_t *p = realloc(c->rr, nc * sizeof(*p));
		if (!p)
			return SG_ENOMEM;
		c->rr = p;
		c->cap = nc;
	}
	c->rr[c->n++] = (out_rr_t){owner, rd, ttl, type, (uint16_t)rdlen};
	return SG_OK;
}

/* Signs one RRset with every key of a role and queues the RRSIGs. */
static int sign_view(worker_t *w, chunk_t *c, const sg_rrset_view_t *v, const uint8_t *keyidx,
		     size_t nk)
{
	job_t *j = w->job;
	uint32_t expiration = j->o->expiration;
	if (j->o->jitter) /* deterministic per RRset: a re-sign keeps the spread */
		expiration -= (sg_name_hash(v->owner) ^ (uint32_t)v->type * 2654435761u) % j->o->jitter;
	for (size_t k = 0; k < nk; k++) {
		size_t len;
		int r = sg_rrsig_sign(w->signer[keyidx[k]], w->sig, sizeof(w->sig), &len, v,
				      j->o->inception, expiration);
		if (r < 0)
			return r;
		uint8_t *copy = sg_arena_memdup(c->arena, w->sig, len);
		if (!copy)
			return SG_ENOMEM;
		r = push(c, v->owner, SG_T_RRSIG, v->ttl, copy, len);
		if (r < 0)
			return r;
		c->sigs++;
	}
	c->rrsets++;
	return SG_OK;
}

static int sign_single(worker_t *w, chunk_t *c, const uint8_t *owner, uint16_t type, uint32_t ttl,
		       const uint8_t *rd, size_t rdlen)
{
	job_t *j = w->job;
	sg_rdata_ref_t ref = {rd, rdlen};
	sg_rrset_view_t v = {owner, type, SG_C_IN, ttl, &ref, 1};
	v.rclass = sg_zone_class(j->z);
	return sign_view(w, c, &v, j->zsk, j->nzsk);
}

static bool ksk_type(uint16_t t)
{
	return t == SG_T_DNSKEY || t == SG_T_CDS || t == SG_T_CDNSKEY;
}

static int do_node(worker_t *w, chunk_t *c, uint32_t idx)
{
	job_t *j = w->job;
	const sg_zone_t *z = j->z;
	const sg_zone_node_t *n = sg_zone_node(z, idx);
	const uint8_t *name = sg_zone_node_name(z, n);
	bool apex = sg_zone_node_flags(n) & SG_ZN_APEX;
	size_t nrs = sg_zone_node_rrset_count(n);
	int r;
	for (size_t i = 0; i < nrs; i++) {
		const sg_zone_rrset_t *rs = sg_zone_node_rrset(z, n, i);
		uint16_t type = sg_zone_rrset_type(rs);
		if (type == SG_T_RRSIG || type == SG_T_NSEC || type == SG_T_NSEC3)
			continue; /* made anew */
		if (type == SG_T_NSEC3PARAM && j->o->denial != SG_DENIAL_NSEC3)
			continue;
		uint32_t ttl = sg_zone_rrset_ttl(rs);
		size_t cnt = sg_zone_rrset_count(rs);
		if (cnt > w->refcap) {
			sg_rdata_ref_t *p = realloc(w->refs, cnt * sizeof(*p));
			if (!p)
				return SG_ENOMEM;
			w->refs = p;
			w->refcap = cnt;
		}
		for (size_t k = 0; k < cnt; k++) {
			uint16_t len;
			const uint8_t *rd = sg_zone_rrset_rdata(z, rs, k, &len);
			w->refs[k] = (sg_rdata_ref_t){rd, len};
			if ((r = push(c, name, type, ttl, rd, len)) < 0)
				return r;
		}
		if (!sg_denial_rrset_signed(z, n, type))
			continue;
		sg_rrset_view_t v = {name, type, sg_zone_class(z), ttl, w->refs, cnt};
		if (apex && ksk_type(type))
			r = sign_view(w, c, &v, j->ksk, j->nksk);
		else
			r = sign_view(w, c, &v, j->zsk, j->nzsk);
		if (r < 0)
			return r;
	}
	if (j->o->denial == SG_DENIAL_NSEC && j->nsec_next[idx] != UINT32_MAX) {
		const uint8_t *next = sg_zone_node_name(z, sg_zone_node(z, j->nsec_next[idx]));
		size_t nl = sg_name_len(next);
		memcpy(w->rdata, next, nl);
		int nt = sg_denial_types(w->types, TYPES_MAX, z, n, SG_DENIAL_NSEC);
		if (nt < 0)
			return nt;
		int bl = sg_bitmap_encode(w->rdata + nl, sizeof(w->rdata) - nl, w->types, (size_t)nt);
		if (bl < 0)
			return bl;
		uint8_t *rd = sg_arena_memdup(c->arena, w->rdata, nl + (size_t)bl);
		if (!rd)
			return SG_ENOMEM;
		if ((r = push(c, name, SG_T_NSEC, j->denial_ttl, rd, nl + (size_t)bl)) < 0)
			return r;
		c->chain++;
		if ((r = sign_single(w, c, name, SG_T_NSEC, j->denial_ttl, rd, nl + (size_t)bl)) < 0)
			return r;
	}
	return SG_OK;
}

/* Owner name of an NSEC3 record: base32hex(hash).<origin> */
static int nsec3_owner(uint8_t *dst, const uint8_t hash[20], const uint8_t *origin)
{
	char b32[40];
	int n = sg_base32hex_encode(b32, sizeof(b32), hash, 20);
	if (n < 0)
		return n;
	size_t ol = sg_name_len(origin);
	if (1 + (size_t)n + ol > SG_NAME_MAX)
		return SG_ETOOLONG;
	dst[0] = (uint8_t)n;
	memcpy(dst + 1, b32, (size_t)n);
	memcpy(dst + 1 + n, origin, ol);
	return (int)(1 + (size_t)n + ol);
}

static int do_nsec3(worker_t *w, chunk_t *c, uint32_t k)
{
	job_t *j = w->job;
	const sg_sign_opts_t *o = j->o;
	const nsec3_ent_t *e = &j->n3[k], *next = &j->n3[(k + 1) % j->nn3];
	uint8_t owner[SG_NAME_MAX];
	int ol = nsec3_owner(owner, e->hash, j->origin);
	if (ol < 0)
		return ol;
	uint8_t *p = w->rdata;
	p[0] = 1;
	p[1] = o->nsec3_opt_out ? 1 : 0;
	p[2] = (uint8_t)(o->nsec3_iterations >> 8);
	p[3] = (uint8_t)o->nsec3_iterations;
	p[4] = (uint8_t)o->nsec3_saltlen;
	if (o->nsec3_saltlen) /* the salt may be NULL when empty */
		memcpy(p + 5, o->nsec3_salt, o->nsec3_saltlen);
	size_t len = 5 + o->nsec3_saltlen;
	p[len++] = 20;
	memcpy(p + len, next->hash, 20);
	len += 20;
	int nt = sg_denial_types(w->types, TYPES_MAX, j->z, sg_zone_node(j->z, e->node),
				 SG_DENIAL_NSEC3);
	if (nt < 0)
		return nt;
	int bl = sg_bitmap_encode(p + len, sizeof(w->rdata) - len, w->types, (size_t)nt);
	if (bl < 0)
		return bl;
	len += (size_t)bl;
	uint8_t *rd = sg_arena_memdup(c->arena, p, len);
	uint8_t *own = sg_arena_memdup(c->arena, owner, (size_t)ol);
	if (!rd || !own)
		return SG_ENOMEM;
	int r = push(c, own, SG_T_NSEC3, j->denial_ttl, rd, len);
	if (r < 0)
		return r;
	c->chain++;
	return sign_single(w, c, own, SG_T_NSEC3, j->denial_ttl, rd, len);
}

static int do_chunk(worker_t *w, size_t ci)
{
	job_t *j = w->job;
	chunk_t *c = &j->chunks[ci];
	c->arena = sg_arena_new(64 * 1024, 0);
	if (!c->arena)
		return SG_ENOMEM;
	size_t end = (ci + 1) * CHUNK_UNITS;
	if (end > j->nunits)
		end = j->nunits;
	for (size_t u = ci * CHUNK_UNITS; u < end; u++) {
		uint32_t unit = j->units[u];
		int r = (unit & NSEC3_UNIT) ? do_nsec3(w, c, unit & ~NSEC3_UNIT) : do_node(w, c, unit);
		if (r < 0)
			return r;
	}
	return SG_OK;
}

static void *worker_main(void *arg)
{
	worker_t *w = arg;
	job_t *j = w->job;
	for (;;) {
		pthread_mutex_lock(&j->mu);
		while (!j->error && j->next_chunk < j->nchunks && j->next_chunk >= j->emitted + WINDOW)
			pthread_cond_wait(&j->cv_window, &j->mu);
		if (j->error || j->next_chunk >= j->nchunks) {
			pthread_mutex_unlock(&j->mu);
			return NULL;
		}
		size_t ci = j->next_chunk++;
		pthread_mutex_unlock(&j->mu);
		int r = do_chunk(w, ci);
		if (r < 0) {
			char msg[128];
			snprintf(msg, sizeof(msg), "signing failed: %s", sg_strerror(r));
			fail(j, r, msg);
			return NULL;
		}
		pthread_mutex_lock(&j->mu);
		j->chunks[ci].done = 1;
		pthread_cond_broadcast(&j->cv_done);
		pthread_mutex_unlock(&j->mu);
	}
}

static int cmp_n3(const void *a, const void *b)
{
	return memcmp(((const nsec3_ent_t *)a)->hash, ((const nsec3_ent_t *)b)->hash, 20);
}

/* Lays out the walk: node units in canonical order, NSEC3 units merged in
 * at their owner names' canonical positions, and the NSEC successors. */
static int plan(job_t *j, char *err, size_t errcap)
{
	const sg_zone_t *z = j->z;
	size_t nn = sg_zone_node_count(z);
	if (nn >= NSEC3_UNIT)
		return SG_ENOMEM;
	if (j->o->denial == SG_DENIAL_NSEC) {
		j->nsec_next = malloc(nn * sizeof(uint32_t));
		if (!j->nsec_next)
			return SG_ENOMEM;
		uint32_t first = UINT32_MAX, prev = UINT32_MAX;
		for (size_t i = 0; i < nn; i++) {
			j->nsec_next[i] = UINT32_MAX;
			if (!sg_denial_nsec_owner(z, sg_zone_node(z, i)))
				continue;
			if (prev == UINT32_MAX)
				first = (uint32_t)i;
			else
				j->nsec_next[prev] = (uint32_t)i;
			prev = (uint32_t)i;
		}
		if (prev != UINT32_MAX)
			j->nsec_next[prev] = first;
	} else {
		j->n3 = malloc((nn ? nn : 1) * sizeof(nsec3_ent_t));
		if (!j->n3)
			return SG_ENOMEM;
		for (size_t i = 0; i < nn; i++) {
			const sg_zone_node_t *n = sg_zone_node(z, i);
			if (!sg_denial_nsec3_owner(z, n, j->o->nsec3_opt_out))
				continue;
			nsec3_ent_t *e = &j->n3[j->nn3++];
			e->node = (uint32_t)i;
			int r = sg_nsec3_hash(e->hash, 1, sg_zone_node_name(z, n), j->o->nsec3_salt,
					      j->o->nsec3_saltlen, j->o->nsec3_iterations);
			if (r < 0)
				return r;
		}
		qsort(j->n3, j->nn3, sizeof(nsec3_ent_t), cmp_n3);
		for (size_t i = 1; i < j->nn3; i++)
			if (!memcmp(j->n3[i - 1].hash, j->n3[i].hash, 20)) {
				char a[SG_NAME_TEXT_MAX], b[SG_NAME_TEXT_MAX];
				sg_name_to_text(a, sizeof(a), sg_zone_node_name(z, sg_zone_node(z, j->n3[i - 1].node)));
				sg_name_to_text(b, sizeof(b), sg_zone_node_name(z, sg_zone_node(z, j->n3[i].node)));
				snprintf(err, errcap, "NSEC3 hash collision between %s and %s; use another salt", a, b);
				return SG_EZONE;
			}
	}
	j->nunits = nn + j->nn3;
	j->units = malloc((j->nunits ? j->nunits : 1) * sizeof(uint32_t));
	if (!j->units)
		return SG_ENOMEM;
	/* merge nodes and NSEC3 owners in canonical order */
	size_t a = 0, b = 0, u = 0;
	uint8_t own[SG_NAME_MAX];
	bool have = false;
	while (a < nn || b < j->nn3) {
		if (b < j->nn3 && !have) {
			if (nsec3_owner(own, j->n3[b].hash, j->origin) < 0)
				return SG_ETOOLONG;
			have = true;
		}
		bool take_node = b >= j->nn3 ||
				 (a < nn && sg_name_compare(sg_zone_node_name(z, sg_zone_node(z, a)), own) <= 0);
		if (take_node) {
			j->units[u++] = (uint32_t)a++;
		} else {
			j->units[u++] = NSEC3_UNIT | (uint32_t)b++;
			have = false;
		}
	}
	j->nchunks = (j->nunits + CHUNK_UNITS - 1) / CHUNK_UNITS;
	j->chunks = calloc(j->nchunks ? j->nchunks : 1, sizeof(chunk_t));
	return j->chunks ? SG_OK : SG_ENOMEM;
}

static int check_keys(job_t *j, char *err, size_t errcap)
{
	if (j->nkeys == 0 || j->nkeys > 64) {
		snprintf(err, errcap, "%s", j->nkeys ? "too many signing keys (at most 64)" : "no signing keys");
		return SG_EINVAL;
	}
	for (size_t i = 0; i < j->nkeys; i++) {
		const sg_dnskey_t *k = j->keys[i];
		if (!k->key || !sg_key_has_private(k->key)) {
			snprintf(err, errcap, "key %u (algorithm %u) has no private key", k->tag, k->alg);
			return SG_EINVAL;
		}
		if (!sg_name_equal(k->owner, j->origin)) {
			char zn[SG_NAME_TEXT_MAX];
			sg_name_to_text(zn, sizeof(zn), k->owner);
			snprintf(err, errcap, "key %u belongs to zone %s, not to this zone", k->tag, zn);
			return SG_EINVAL;
		}
	}
	/* Roles are decided per algorithm: every RRset needs a signature of
	 * each algorithm in the DNSKEY RRset (RFC 4035 §2.2, RFC 6840 §5.11),
	 * so an algorithm with only one kind of key signs everything with it. */
	for (size_t i = 0; i < j->nkeys; i++) {
		uint8_t alg = j->keys[i]->alg;
		bool has_ksk = false, has_zsk = false;
		for (size_t k = 0; k < j->nkeys; k++) {
			if (j->keys[k]->alg != alg)
				continue;
			if (j->keys[k]->flags & SG_DNSKEY_SEP)
				has_ksk = true;
			else
				has_zsk = true;
		}
		bool sep = j->keys[i]->flags & SG_DNSKEY_SEP;
		if (sep || !has_ksk)
			j->ksk[j->nksk++] = (uint8_t)i;
		if (!sep || !has_zsk)
			j->zsk[j->nzsk++] = (uint8_t)i;
	}
	const sg_zone_node_t *apex = sg_zone_apex(j->z);
	if (!sg_zone_node_find(j->z, apex, SG_T_DNSKEY)) {
		snprintf(err, errcap, "the zone has no DNSKEY RRset at the apex");
		return SG_EZONE;
	}
	if (j->o->denial == SG_DENIAL_NSEC3 && !sg_zone_node_find(j->z, apex, SG_T_NSEC3PARAM)) {
		snprintf(err, errcap, "the zone has no NSEC3PARAM record at the apex");
		return SG_EZONE;
	}
	return SG_OK;
}

static unsigned online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 && n < 256 ? (unsigned)n : 1;
}

int sg_zone_sign(const sg_zone_t *z, const sg_dnskey_t *const *keys, size_t nkeys,
		 const sg_sign_opts_t *opts, sg_sign_stats_t *stats, char *err, size_t errcap)
{
	sg_sign_opts_t o = *opts;
	if (!o.denial)
		o.denial = SG_DENIAL_NSEC;
	if (!o.emit || o.nsec3_saltlen > 255) {
		snprintf(err, errcap, "bad signing options");
		return SG_EINVAL;
	}
	unsigned nthreads = o.threads ? o.threads : online_cpus();
	if (nthreads > 64)
		nthreads = 64;
	job_t j;
	memset(&j, 0, sizeof(j));
	j.z = z;
	j.o = &o;
	j.origin = sg_zone_origin(z);
	j.keys = keys;
	j.nkeys = nkeys;
	j.denial_ttl = sg_denial_ttl(z);
	err[0] = 0;
	int r = check_keys(&j, err, errcap);
	if (r < 0)
		return r;
	worker_t *w = calloc(nthreads, sizeof(worker_t));
	if (!w)
		return SG_ENOMEM;
	pthread_mutex_init(&j.mu, NULL);
	pthread_cond_init(&j.cv_done, NULL);
	pthread_cond_init(&j.cv_window, NULL);
	unsigned started = 0;
	r = plan(&j, err, errcap);
	if (r < 0)
		goto out;
	for (unsigned t = 0; t < nthreads; t++) {
		w[t].job = &j;
		for (size_t k = 0; k < nkeys; k++) {
			r = sg_rrsig_signer_new(&w[t].signer[k], keys[k], err, errcap);
			if (r < 0)
				goto out;
		}
	}
	for (; started < nthreads; started++)
		if (pthread_create(&w[started].tid, NULL, worker_main, &w[started]) != 0) {
			fail(&j, SG_ENOMEM, "cannot start a signing thread");
			break;
		}
	sg_sign_stats_t st = {0};
	for (size_t ci = 0; ci < j.nchunks; ci++) {
		pthread_mutex_lock(&j.mu);
		while (!j.error && !j.chunks[ci].done)
			pthread_cond_wait(&j.cv_done, &j.mu);
		int e = j.error;
		pthread_mutex_unlock(&j.mu);
		if (e)
			break;
		chunk_t *c = &j.chunks[ci];
		for (size_t i = 0; i < c->n; i++) {
			const out_rr_t *x = &c->rr[i];
			sg_rr_t rr = {x->owner, x->type, sg_zone_class(z), x->ttl, x->rdlen, x->rdata};
			int er = o.emit(o.emit_ctx, &rr);
			if (er < 0) {
				fail(&j, er, "writing the signed zone failed");
				break;
			}
		}
		st.records += c->n;
		st.rrsets += c->rrsets;
		st.signatures += c->sigs;
		st.chain += c->chain;
		free(c->rr);
		c->rr = NULL;
		sg_arena_free(c->arena);
		c->arena = NULL;
		pthread_mutex_lock(&j.mu);
		j.emitted = ci + 1;
		pthread_cond_broadcast(&j.cv_window);
		pthread_mutex_unlock(&j.mu);
		if (o.progress)
			o.progress(o.progress_ctx, (ci + 1) * CHUNK_UNITS < j.nunits ? (ci + 1) * CHUNK_UNITS : j.nunits,
				   j.nunits);
	}
	if (stats)
		*stats = st;
out:
	if (r < 0)
		fail(&j, r, err[0] ? err : sg_strerror(r));
	for (unsigned t = 0; t < started; t++)
		pthread_join(w[t].tid, NULL);
	if (j.error) {
		r = j.error;
		if (err != j.errmsg)
			snprintf(err, errcap, "%s", j.errmsg);
	}
	for (unsigned t = 0; t < nthreads; t++) {
		for (size_t k = 0; k < nkeys && k < 64; k++)
			sg_rrsig_signer_free(w[t].signer[k]);
		free(w[t].refs);
	}
	for (size_t ci = 0; ci < j.nchunks && j.chunks; ci++) {
		free(j.chunks[ci].rr);
		sg_arena_free(j.chunks[ci].arena);
	}
	free(w);
	free(j.chunks);
	free(j.units);
	free(j.nsec_next);
	free(j.n3);
	pthread_mutex_destroy(&j.mu);
	pthread_cond_destroy(&j.cv_done);
	pthread_cond_destroy(&j.cv_window);
	return r < 0 ? r : (j.error ? j.error : SG_OK);
}
