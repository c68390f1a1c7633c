/* The zone store: builder, immutable snapshot, lookups, checks.
 *
 * Layout (see docs/internals/zone.md): records are collected into one array
 * of small fixed-size entries, owners interned through an open-addressing
 * hash table into one names blob, RDATA appended to one blob. Building sorts
 * the distinct names once (by a memcmp-able canonical key), groups records
 * by node with a counting sort, and writes three arrays — nodes, RRsets,
 * records — that point into the two blobs. The builder's hash table becomes
 * the snapshot's exact-match index. Nothing is allocated per record.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "signet/rr.h"
#include "signet/util.h"
#include "signet/zone.h"

#define NO_NODE UINT32_MAX
#define NO_FILE UINT16_MAX
#define MAX_FILES 65535u
#define BLOB_MAX UINT32_MAX

/* ---- report -------------------------------------------------------------- */

struct sg_zone_report {
	sg_zone_problem_t *items;
	size_t count, cap;
	unsigned errors, warnings;
	sg_arena_t *arena;
};

sg_zone_report_t *sg_zone_report_new(void)
{
	sg_zone_report_t *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->arena = sg_arena_new(16 * 1024, 0);
	if (!r->arena) {
		free(r);
		return NULL;
	}
	return r;
}

void sg_zone_report_free(sg_zone_report_t *r)
{
	if (!r)
		return;
	sg_arena_free(r->arena);
	free(r->items);
	free(r);
}

size_t sg_zone_report_count(const sg_zone_report_t *r)
{
	return r->count;
}

const sg_zone_problem_t *sg_zone_report_get(const sg_zone_report_t *r, size_t i)
{
	return i < r->count ? &r->items[i] : NULL;
}

unsigned sg_zone_report_errors(const sg_zone_report_t *r)
{
	return r->errors;
}

unsigned sg_zone_report_warnings(const sg_zone_report_t *r)
{
	return r->warnings;
}

__attribute__((format(printf, 8, 0))) static int
report_vadd(sg_zone_report_t *r, enum sg_zone_severity sev, enum sg_zone_problem_code code,
	    const uint8_t *owner, uint16_t type, const char *file, unsigned line, const char *fmt,
	    va_list ap)
{
	if (sev == SG_ZSEV_ERROR)
		r->errors++;
	else
		r->warnings++;
	if (r->count >= SG_ZONE_REPORT_MAX)
		return SG_OK;
	if (r->count == r->cap) {
		size_t nc = r->cap ? r->cap * 2 : 16;
		sg_zone_problem_t *n = realloc(r->items, nc * sizeof(*n));
		if (!n)
			return SG_ENOMEM;
		r->items = n;
		r->cap = nc;
	}
	char buf[512];
	int len = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (len < 0)
		len = 0;
	if ((size_t)len >= sizeof(buf))
		len = sizeof(buf) - 1;
	sg_zone_problem_t *p = &r->items[r->count];
	memset(p, 0, sizeof(*p));
	p->severity = sev;
	p->code = code;
	p->type = type;
	p->line = line;
	char *m = sg_arena_alloc(r->arena, (size_t)len + 1);
	if (!m)
		return SG_ENOMEM;
	memcpy(m, buf, (size_t)len);
	m[len] = 0;
	p->msg = m;
	if (owner) {
		p->owner = sg_arena_memdup(r->arena, owner, sg_name_len(owner));
		if (!p->owner)
			return SG_ENOMEM;
	}
	if (file) {
		p->file = sg_arena_memdup(r->arena, file, strlen(file) + 1);
		if (!p->file)
			return SG_ENOMEM;
	}
	r->count++;
	return SG_OK;
}

int sg_zone_report_add(sg_zone_report_t *r, enum sg_zone_severity sev,
		       enum sg_zone_problem_code code, const uint8_t *owner, uint16_t type,
		       const char *file, unsigned line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = report_vadd(r, sev, code, owner, type, file, line, fmt, ap);
	va_end(ap);
	return rc;
}

/* Adds to rep when there is one; remembers the first allocation failure. */
static void problem(int *rc, sg_zone_report_t *rep, enum sg_zone_severity sev,
		    enum sg_zone_problem_code code, const uint8_t *owner, uint16_t type,
		    const char *file, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 9, 10)));

static void problem(int *rc, sg_zone_report_t *rep, enum sg_zone_severity sev,
		    enum sg_zone_problem_code code, const uint8_t *owner, uint16_t type,
		    const char *file, unsigned line, const char *fmt, ...)
{
	if (!rep)
		return;
	va_list ap;
	va_start(ap, fmt);
	int r = report_vadd(rep, sev, code, owner, type, file, line, fmt, ap);
	va_end(ap);
	if (r < 0 && *rc == SG_OK)
		*rc = r;
}

/* ---- growable arrays --------------------------------------------------- */

static void *big_realloc(void *p, size_t old, size_t bytes);

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return SG_OK;
	size_t nc = *cap ? *cap : 1024;
	while (nc < need) {
		if (nc > SIZE_MAX / 2 / elem)
			return SG_ENOMEM;
		nc *= 2;
	}
	void *n = big_realloc(*p, *cap * elem, nc * elem);
	if (!n)
		return SG_ENOMEM;
	*p = n;
	*cap = nc;
	return SG_OK;
}

/* ---- storage ------------------------------------------------------------- */

/* One record while collecting. 24 bytes. */
struct rec {
	uint32_t name;  /* name id */
	uint32_t rdata; /* offset in the RDATA blob */
	uint32_t ttl;
	uint32_t line;
	uint16_t type;
	uint16_t rclass;
	uint16_t rdlen;
	uint16_t file;
};

/* A hash slot keeps the name's hash so probes rarely touch the name. */
struct slot {
	uint32_t id; /* name id (builder) or node index (zone), + 1; 0 = empty */
	uint32_t h;
};

struct sg_zone_node {
	uint32_t name; /* offset in the names blob */
	uint32_t parent;
	uint32_t rrset_first;
	uint32_t rrset_count;
	uint32_t flags;
	uint32_t link; /* set by the zone's owner (sg_zone_node_set_link) */
};

struct sg_zone_rrset {
	uint32_t rr_first;
	uint32_t count;
	uint32_t ttl;
	uint32_t node;
	/* the first record's RDATA, also in rrs[rr_first]: kept here too so
	 * that finding an RRset can start fetching it at once, and a set of
	 * one record is read without a trip to rrs */
	uint32_t rdata0;
	uint16_t type;
	uint16_t rdlen0;
};

struct zrr {
	uint32_t rdata;
	uint32_t line;
	uint32_t ttl; /* the RRset's, except RRSIG: its own (RFC 4034 §3) */
	uint16_t rdlen;
	uint16_t file;
};

/* Name flags used while building. */
enum {
	NF_HAS_RECORDS = 1,
	NF_NODE = 2,
	NF_INZONE = 4,
	NF_CHECKED = 8,
};

struct sg_zone_builder {
	uint8_t origin[SG_NAME_MAX];
	bool have_origin;
	uint16_t rclass;
	bool have_class;

	struct rec *recs;
	size_t nrecs, recs_cap;

	uint8_t *names; /* blob of wire names */
	size_t names_len, names_cap;
	uint32_t *name_off; /* name id -> offset */
	size_t nnames, name_cap;

	struct slot *hash; /* open addressing, linear probing */
	size_t hash_size;  /* power of two */

	uint8_t *rdata;
	size_t rdata_len, rdata_cap;

	char **files;
	size_t nfiles, files_cap;
	const char *last_file_ptr;
	uint16_t last_file;

	uint32_t last_name; /* id of the previous record's owner */
	bool have_last;
};

struct sg_zone {
	uint8_t origin[SG_NAME_MAX];
	uint16_t rclass;
	uint8_t *names;
	size_t names_cap;
	uint8_t *rdata;
	size_t rdata_cap;
	struct sg_zone_node *nodes;
	size_t nnodes;
	struct sg_zone_rrset *rrsets;
	size_t nrrsets, rrsets_cap;
	struct zrr *rrs;
	size_t nrrs, rrs_cap;
	struct slot *hash; /* node index + 1; 0 = empty; TOMBSTONE = skip */
	size_t hash_size;
	char **files;
	size_t nfiles;
};

#define TOMBSTONE UINT32_MAX

/* Big arrays (millions of entries) come straight from mmap and grow by
 * mremap, which moves page tables, not bytes: no copy and no double peak
 * while a table grows. (MADV_HUGEPAGE was tried: faster on a quiet
 * machine, much slower under memory pressure from compaction.) Small
 * arrays use malloc. Callers pass the size back when freeing. */
#define BIG_MIN ((size_t)2 << 20)

static void *big_alloc(size_t bytes, bool zero)
{
	if (bytes < BIG_MIN)
		return zero ? calloc(1, bytes ? bytes : 1) : malloc(bytes ? bytes : 1);
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	return p; /* zero-filled */
}

static void big_free(void *p, size_t bytes)
{
	if (!p)
		return;
	if (bytes < BIG_MIN)
		free(p);
	else
		munmap(p, bytes);
}

static void *big_realloc(void *p, size_t old, size_t bytes)
{
	if (!p)
		return big_alloc(bytes, false);
	if (old < BIG_MIN && bytes < BIG_MIN)
		return realloc(p, bytes ? bytes : 1);
	if (old >= BIG_MIN && bytes >= BIG_MIN) {
		void *n = mremap(p, old, bytes, MREMAP_MAYMOVE);
		if (n == MAP_FAILED)
			return NULL;
		return n;
	}
	void *n = big_alloc(bytes, false);
	if (!n)
		return NULL;
	memcpy(n, p, old < bytes ? old : bytes);
	big_free(p, old);
	return n;
}

static struct slot *slots_new(size_t n)
{
	return big_alloc(n * sizeof(struct slot), true);
}

static void slots_free(struct slot *p, size_t n)
{
	big_free(p, n * sizeof(struct slot));
}

/* The table indexes by the low bits of sg_name_hash(); a murmur3 finish
 * spreads every input bit over them. */
static uint32_t name_hash(const uint8_t *name)
{
	uint32_t h = sg_name_hash(name);
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

static int hash_grow(struct slot **hash, size_t *size, size_t ns)
{
	struct slot *h = slots_new(ns);
	if (!h)
		return SG_ENOMEM;
	for (size_t i = 0; i < *size; i++) {
		struct slot e = (*hash)[i];
		if (!e.id)
			continue;
		size_t s = e.h & (ns - 1);
		while (h[s].id)
			s = (s + 1) & (ns - 1);
		h[s] = e;
	}
	slots_free(*hash, *size);
	*hash = h;
	*size = ns;
	return SG_OK;
}

/* ---- builder ------------------------------------------------------------ */

sg_zone_builder_t *sg_zone_builder_new(const uint8_t *origin)
{
	sg_zone_builder_t *b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	if (origin) {
		sg_name_copy(b->origin, origin);
		b->have_origin = true;
	}
	b->hash_size = 1024;
	b->hash = slots_new(b->hash_size);
	if (!b->hash) {
		free(b);
		return NULL;
	}
	b->last_file = NO_FILE;
	return b;
}

void sg_zone_builder_free(sg_zone_builder_t *b)
{
	if (!b)
		return;
	big_free(b->recs, b->recs_cap * sizeof(struct rec));
	big_free(b->names, b->names_cap);
	big_free(b->name_off, b->name_cap * sizeof(uint32_t));
	slots_free(b->hash, b->hash_size);
	big_free(b->rdata, b->rdata_cap);
	for (size_t i = 0; i < b->nfiles; i++)
		free(b->files[i]);
	free(b->files);
	free(b);
}

int sg_zone_builder_reserve(sg_zone_builder_t *b, size_t records)
{
	if (records > UINT32_MAX / 4)
		records = UINT32_MAX / 4;
	int r = grow((void **)&b->recs, &b->recs_cap, records, sizeof(struct rec));
	if (r == SG_OK)
		r = grow((void **)&b->name_off, &b->name_cap, records, sizeof(uint32_t));
	if (r == SG_OK)
		r = grow((void **)&b->names, &b->names_cap, records * 24, 1);
	if (r == SG_OK)
		r = grow((void **)&b->rdata, &b->rdata_cap, records * 16, 1);
	/* The owner hash is not sized here: it grows with the names actually
	 * interned. A table sized from a record estimate is touched at random,
	 * one page per name, and names are far fewer than records (root zone:
	 * 7,300 for 25,000); measured, growing by doubling is faster on both
	 * the root zone and a 1M-record zone and peaks 17% lower. */
	return r;
}

size_t sg_zone_builder_count(const sg_zone_builder_t *b)
{
	return b->nrecs;
}

/* Finds or adds a name; `name` may point into the names blob itself (an
 * ancestor of a name already there), in which case it is not copied. */
static int intern(sg_zone_builder_t *b, const uint8_t *name, uint32_t *id, bool *added)
{
	uint32_t h = name_hash(name);
	size_t mask = b->hash_size - 1;
	size_t s = h & mask;
	for (uint32_t e; (e = b->hash[s].id) != 0; s = (s + 1) & mask) {
		if (b->hash[s].h == h && sg_name_equal(b->names + b->name_off[e - 1], name)) {
			*id = e - 1;
			if (added)
				*added = false;
			return SG_OK;
		}
	}
	if (b->nnames >= UINT32_MAX - 2)
		return SG_ENOMEM;
	int r = grow((void **)&b->name_off, &b->name_cap, b->nnames + 1, sizeof(uint32_t));
	if (r < 0)
		return r;
	uint32_t off;
	if (b->names && name >= b->names && name < b->names + b->names_len) {
		off = (uint32_t)(name - b->names);
	} else {
		size_t len = sg_name_len(name);
		if (b->names_len + len > BLOB_MAX)
			return SG_ENOMEM;
		r = grow((void **)&b->names, &b->names_cap, b->names_len + len, 1);
		if (r < 0)
			return r;
		memcpy(b->names + b->names_len, name, len);
		off = (uint32_t)b->names_len;
		b->names_len += len;
	}
	b->name_off[b->nnames] = off;
	b->hash[s].id = (uint32_t)b->nnames + 1;
	b->hash[s].h = h;
	*id = (uint32_t)b->nnames++;
	if (added)
		*added = true;
	if (b->nnames * 2 > b->hash_size)
		return hash_grow(&b->hash, &b->hash_size, b->hash_size * 2);
	return SG_OK;
}

static uint16_t file_index(sg_zone_builder_t *b, const char *file)
{
	if (!file)
		return NO_FILE;
	if (file == b->last_file_ptr)
		return b->last_file;
	for (size_t i = b->nfiles; i-- > 0;) {
		if (!strcmp(b->files[i], file)) {
			b->last_file_ptr = file;
			b->last_file = (uint16_t)i;
			return (uint16_t)i;
		}
	}
	if (b->nfiles >= MAX_FILES - 1)
		return NO_FILE;
	if (grow((void **)&b->files, &b->files_cap, b->nfiles + 1, sizeof(char *)) < 0)
		return NO_FILE;
	char *copy = strdup(file);
	if (!copy)
		return NO_FILE;
	b->files[b->nfiles] = copy;
	b->last_file_ptr = file;
	b->last_file = (uint16_t)b->nfiles;
	return (uint16_t)b->nfiles++;
}

int sg_zone_builder_add(sg_zone_builder_t *b, const sg_rr_t *rr, const char *file, unsigned line)
{
	if (!rr || !rr->owner || (rr->rdlen && !rr->rdata))
		return SG_EINVAL;
	if (b->nrecs >= UINT32_MAX - 1 || b->rdata_len + rr->rdlen > BLOB_MAX)
		return SG_ENOMEM;
	int r = grow((void **)&b->recs, &b->recs_cap, b->nrecs + 1, sizeof(struct rec));
	if (r < 0)
		return r;
	r = grow((void **)&b->rdata, &b->rdata_cap, b->rdata_len + rr->rdlen + 1, 1);
	if (r < 0)
		return r;
	uint32_t id;
	/* zone files list a name's records together: skip the hash then */
	if (b->have_last && sg_name_equal(b->names + b->name_off[b->last_name], rr->owner)) {
		id = b->last_name;
	} else {
		r = intern(b, rr->owner, &id, NULL);
		if (r < 0)
			return r;
		b->last_name = id;
		b->have_last = true;
	}
	if (!b->have_origin && rr->type == SG_T_SOA) {
		sg_name_copy(b->origin, rr->owner);
		b->have_origin = true;
	}
	if (!b->have_class) {
		b->rclass = rr->rclass;
		b->have_class = true;
	}
	struct rec *e = &b->recs[b->nrecs++];
	e->name = id;
	e->rdata = (uint32_t)b->rdata_len;
	e->ttl = rr->ttl;
	e->line = line;
	e->type = rr->type;
	e->rclass = rr->rclass;
	e->rdlen = rr->rdlen;
	e->file = file_index(b, file);
	if (rr->rdlen)
		memcpy(b->rdata + b->rdata_len, rr->rdata, rr->rdlen);
	b->rdata_len += rr->rdlen;
	return SG_OK;
}

/* ---- canonical sort keys -----------------------------------------------
 * A name's key is its labels from the root down, lowercased, each followed
 * by 0x00; octets 0x00 and 0x01 inside a label become 0x01 0x01 and
 * 0x01 0x02. memcmp over keys is then RFC 4034 §6.1 order: a label that is
 * a prefix of another ends with 0x00, below any escaped octet, and an
 * ancestor's key is a prefix of its descendants'. */
static size_t name_key(uint8_t *dst, const uint8_t *name)
{
	const uint8_t *lab[128];
	unsigned n = 0;
	while (*name) {
		lab[n++] = name;
		name += *name + 1;
	}
	size_t o = 0;
	while (n > 0) {
		const uint8_t *l = lab[--n];
		for (uint8_t i = 1; i <= l[0]; i++) {
			uint8_t c = l[i];
			if (c >= 'A' && c <= 'Z')
				c += 32;
			if (c <= 1) {
				dst[o++] = 1;
				dst[o++] = (uint8_t)(c + 1);
			} else {
				dst[o++] = c;
			}
		}
		dst[o++] = 0;
	}
	return o;
}

/* A node's sort key. Every key starts with the origin's key; the eight
 * octets after it sit in the entry itself (big endian, zero-padded), so
 * most comparisons never touch the blob. A key never holds two zero octets
 * in a row, so a key that is a prefix of another still compares lower
 * when padded. */
struct keyent {
	uint64_t head; /* first octets of the key */
	uint32_t off;  /* in the key blob */
	uint32_t id;   /* name id */
	uint16_t len;
};

static uint64_t key_head(const uint8_t *k, size_t len)
{
	uint64_t h = 0;
	for (size_t i = 0; i < 8; i++)
		h = h << 8 | (i < len ? k[i] : 0);
	return h;
}

static int keycmp(const void *pa, const void *pb, void *ctx)
{
	const struct keyent *a = pa, *b = pb;
	if (a->head != b->head)
		return a->head < b->head ? -1 : 1;
	const uint8_t *blob = ctx;
	size_t m = a->len < b->len ? a->len : b->len;
	int c = memcmp(blob + a->off, blob + b->off, m);
	if (c)
		return c;
	return (a->len > b->len) - (a->len < b->len);
}

struct recsort {
	const struct rec *recs;
	const uint8_t *rdata;
};

static int reccmp(const void *pa, const void *pb, void *ctx)
{
	const struct recsort *s = ctx;
	uint32_t ia = *(const uint32_t *)pa, ib = *(const uint32_t *)pb;
	const struct rec *a = &s->recs[ia], *b = &s->recs[ib];
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	int c = sg_rdata_compare(a->type, s->rdata + a->rdata, a->rdlen, s->rdata + b->rdata,
				 b->rdlen);
	if (c)
		return c;
	return ia < ib ? -1 : ia > ib; /* file order: the first stays */
}

static void sort_group(uint32_t *v, size_t n, struct recsort *s)
{
	if (n < 2)
		return;
	if (n <= 8) {
		for (size_t i = 1; i < n; i++) {
			uint32_t x = v[i];
			size_t j = i;
			while (j > 0 && reccmp(&v[j - 1], &x, s) > 0) {
				v[j] = v[j - 1];
				j--;
			}
			v[j] = x;
		}
		return;
	}
	qsort_r(v, n, sizeof(*v), reccmp, s);
}

static const char *bfile(const sg_zone_builder_t *b, uint16_t f)
{
	return f == NO_FILE || f >= b->nfiles ? NULL : b->files[f];
}

static const char *zfile(const sg_zone_t *z, uint16_t f)
{
	return f == NO_FILE || f >= z->nfiles ? NULL : z->files[f];
}

/* ---- build -------------------------------------------------------------- */

int sg_zone_build(sg_zone_t **out, sg_zone_builder_t *b, sg_zone_report_t *rep)
{
	int rc = SG_OK, prc = SG_OK;
	sg_zone_t *z = NULL;
	uint8_t *nflags = NULL, *keys = NULL;
	struct keyent *ke = NULL;
	uint32_t *rank = NULL, *start = NULL, *order = NULL;
	/* sizes for big_free(); declared here so every goto sees them */
	size_t nflags_cap = 0, keylen = 0, ke_bytes = 0, rank_bytes = 0, start_bytes = 0,
	       order_bytes = 0;

	*out = NULL;
	if (!b->have_origin) {
		problem(&prc, rep, SG_ZSEV_ERROR, SG_ZP_NO_ORIGIN, NULL, 0, NULL, 0,
			"no origin given and no SOA record to take it from");
		rc = SG_EZONE;
		goto out;
	}
	z = calloc(1, sizeof(*z));
	if (!z) {
		rc = SG_ENOMEM;
		goto out;
	}
	sg_name_copy(z->origin, b->origin);
	z->rclass = b->have_class ? b->rclass : SG_C_IN;

	/* the apex is a node even when no record names it */
	uint32_t apex_id;
	rc = intern(b, b->origin, &apex_id, NULL);
	if (rc < 0)
		goto out;
	nflags_cap = b->nnames ? b->nnames : 1;
	nflags = big_alloc(nflags_cap, true);
	if (!nflags) {
		rc = SG_ENOMEM;
		goto out;
	}
	unsigned olabels = sg_name_labels(b->origin);

	/* 1. drop records outside the zone or of another class */
	size_t kept = 0;
	for (size_t i = 0; i < b->nrecs; i++) {
		struct rec *e = &b->recs[i];
		uint8_t *f = &nflags[e->name];
		const uint8_t *owner = b->names + b->name_off[e->name];
		if (!(*f & NF_CHECKED)) {
			*f |= NF_CHECKED;
			if (sg_name_is_subdomain(owner, b->origin))
				*f |= NF_INZONE;
		}
		if (!(*f & NF_INZONE)) {
			char ob[SG_NAME_TEXT_MAX];
			if (sg_name_to_text(ob, sizeof(ob), b->origin) < 0)
				ob[0] = 0;
			problem(&prc, rep, SG_ZSEV_ERROR, SG_ZP_OUT_OF_ZONE, owner, e->type,
				bfile(b, e->file), e->line, "owner is outside the zone %s", ob);
			continue;
		}
		if (e->rclass != z->rclass) {
			char cb[16], zb[16];
			problem(&prc, rep, SG_ZSEV_ERROR, SG_ZP_CLASS_MISMATCH, owner, e->type,
				bfile(b, e->file), e->line, "class %s differs from the zone's class %s",
				sg_class_name(e->rclass, cb), sg_class_name(z->rclass, zb));
			continue;
		}
		*f |= NF_HAS_RECORDS | NF_NODE;
		b->recs[kept++] = *e;
	}
	b->nrecs = kept;
	nflags[apex_id] |= NF_NODE | NF_INZONE | NF_CHECKED;

	/* 2. empty non-terminals: every ancestor down from the apex is a node.
	 * Ancestors are suffixes of names already in the blob: no copying. */
	size_t nn0 = b->nnames;
	for (size_t id = 0; id < nn0; id++) {
		if (!(nflags[id] & NF_HAS_RECORDS))
			continue;
		const uint8_t *p = b->names + b->name_off[id];
		unsigned labels = sg_name_labels(p);
		while (labels > olabels + 1) {
			p = sg_name_parent(p);
			labels--;
			uint32_t pid;
			bool added;
			rc = intern(b, p, &pid, &added);
			if (rc < 0)
				goto out;
			if (added) {
				rc = grow((void **)&nflags, &nflags_cap, b->nnames, 1);
				if (rc < 0)
					goto out;
				nflags[pid] = 0;
			}
			if (nflags[pid] & NF_NODE)
				break;
			nflags[pid] |= NF_NODE | NF_INZONE | NF_CHECKED;
		}
	}

	/* 3. sort the nodes' names canonically */
	size_t nnodes = 0;
	for (size_t id = 0; id < b->nnames; id++) {
		if (nflags[id] & NF_NODE) {
			nnodes++;
			keylen += 2 * sg_name_len(b->names + b->name_off[id]);
		}
	}
	ke = big_alloc(nnodes * sizeof(*ke), false);
	keys = big_alloc(keylen, false);
	rank = big_alloc(b->nnames * sizeof(*rank), false);
	ke_bytes = nnodes * sizeof(*ke);
	rank_bytes = b->nnames * sizeof(*rank);
	if (!ke || !keys || !rank) {
		rc = SG_ENOMEM;
		goto out;
	}
	size_t ko = 0, k = 0;
	uint8_t okeybuf[2 * SG_NAME_MAX];
	size_t okey = name_key(okeybuf, b->origin); /* the prefix every key shares */
	for (size_t id = 0; id < b->nnames; id++) {
		rank[id] = NO_NODE;
		if (!(nflags[id] & NF_NODE))
			continue;
		size_t l = name_key(keys + ko, b->names + b->name_off[id]);
		ke[k].head = key_head(keys + ko + okey, l - okey);
		ke[k].off = (uint32_t)ko;
		ke[k].len = (uint16_t)l;
		ke[k].id = (uint32_t)id;
		ko += l;
		k++;
	}
	qsort_r(ke, nnodes, sizeof(*ke), keycmp, keys);
	big_free(keys, keylen);
	keys = NULL;

	z->nodes = big_alloc(nnodes * sizeof(*z->nodes), true);
	if (!z->nodes) {
		rc = SG_ENOMEM;
		goto out;
	}
	z->nnodes = nnodes;
	for (size_t i = 0; i < nnodes; i++) {
		rank[ke[i].id] = (uint32_t)i;
		z->nodes[i].name = b->name_off[ke[i].id];
	}
	big_free(ke, ke_bytes);
	ke = NULL;

	/* 4. group records by node (counting sort), then by type and RDATA */
	start = big_alloc((nnodes + 1) * sizeof(*start), true);
	order = big_alloc(b->nrecs * sizeof(*order), false);
	start_bytes = (nnodes + 1) * sizeof(*start);
	order_bytes = b->nrecs * sizeof(*order);
	if (!start || !order) {
		rc = SG_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < b->nrecs; i++)
		start[rank[b->recs[i].name] + 1]++;
	for (size_t i = 0; i < nnodes; i++)
		start[i + 1] += start[i];
	for (size_t i = 0; i < b->nrecs; i++)
		order[start[rank[b->recs[i].name]]++] = (uint32_t)i;
	/* start[i] is now the end of node i's group */
	struct recsort rs = {b->recs, b->rdata};

	/* worst case one RRset per record */
	z->rrs_cap = b->nrecs ? b->nrecs : 1;
	z->rrs = big_alloc(z->rrs_cap * sizeof(*z->rrs), false);
	if (!z->rrs) {
		rc = SG_ENOMEM;
		goto out;
	}
	size_t rrsets_cap = 0, nrrs = 0, nrrsets = 0;
	struct sg_zone_rrset *rrsets = NULL;
	size_t gbeg = 0;
	for (size_t ni = 0; ni < nnodes; ni++) {
		size_t gend = start[ni];
		struct sg_zone_node *node = &z->nodes[ni];
		node->rrset_first = (uint32_t)nrrsets;
		sort_group(order + gbeg, gend - gbeg, &rs);
		size_t i = gbeg;
		while (i < gend) {
			/* one type: [i, j) */
			uint16_t type = b->recs[order[i]].type;
			size_t j = i;
			uint32_t first_idx = order[i], first_ttl = 0;
			while (j < gend && b->recs[order[j]].type == type) {
				if (order[j] < first_idx)
					first_idx = order[j];
				j++;
			}
			first_ttl = b->recs[first_idx].ttl;
			if (grow((void **)&rrsets, &rrsets_cap, nrrsets + 1, sizeof(*rrsets)) < 0) {
				big_free(rrsets, rrsets_cap * sizeof(*rrsets));
				rc = SG_ENOMEM;
				goto out;
			}
			struct sg_zone_rrset *set = &rrsets[nrrsets++];
			set->rr_first = (uint32_t)nrrs;
			set->ttl = first_ttl;
			set->node = (uint32_t)ni;
			set->type = type;
			const struct rec *prev = NULL;
			for (size_t x = i; x < j; x++) {
				const struct rec *e = &b->recs[order[x]];
				/* RRSIGs covering different types may differ */
				if (e->ttl != first_ttl && type != SG_T_RRSIG) {
					problem(&prc, rep, SG_ZSEV_WARNING, SG_ZP_TTL_MISMATCH,
						b->names + node->name, type, bfile(b, e->file), e->line,
						"TTL %u differs from the RRset's TTL %u; using %u", e->ttl,
						first_ttl, first_ttl);
				}
				if (prev && sg_rdata_compare(type, b->rdata + prev->rdata, prev->rdlen,
							     b->rdata + e->rdata, e->rdlen) == 0)
					continue; /* duplicate: the first stays */
				prev = e;
				struct zrr *o = &z->rrs[nrrs++];
				o->rdata = e->rdata;
				o->rdlen = e->rdlen;
				o->line = e->line;
				o->ttl = type == SG_T_RRSIG ? e->ttl : first_ttl;
				o->file = e->file;
			}
			set->count = (uint32_t)(nrrs - set->rr_first);
			set->rdata0 = z->rrs[set->rr_first].rdata;
			set->rdlen0 = z->rrs[set->rr_first].rdlen;
			i = j;
		}
		node->rrset_count = (uint32_t)(nrrsets - node->rrset_first);
		gbeg = gend;
	}
	z->rrsets = rrsets;
	z->rrsets_cap = rrsets_cap;
	z->nrrsets = nrrsets;
	z->nrrs = nrrs;
	big_free(order, order_bytes);
	order = NULL;
	big_free(start, start_bytes);
	start = NULL;
	big_free(b->recs, b->recs_cap * sizeof(struct rec));
	b->recs = NULL;
	b->recs_cap = 0;

	/* 5. parents and flags. A node's subtree follows it in canonical order
	 * and every ancestor is a node, so the parent of a node with d labels
	 * below the apex is the latest node seen with d - 1. */
	uint32_t last_at[SG_NAME_MAX];
	for (size_t ni = 0; ni < nnodes; ni++) {
		struct sg_zone_node *node = &z->nodes[ni];
		unsigned d = sg_name_labels(b->names + node->name) - olabels;
		uint32_t f = 0;
		last_at[d] = (uint32_t)ni;
		if (ni == 0) {
			node->parent = NO_NODE;
			f |= SG_ZN_APEX;
		} else {
			node->parent = last_at[d - 1];
			const struct sg_zone_node *p = &z->nodes[node->parent];
			if (p->flags & (SG_ZN_CUT | SG_ZN_BELOW_CUT))
				f |= SG_ZN_BELOW_CUT;
			if (p->flags & (SG_ZN_DNAME | SG_ZN_BELOW_DNAME))
				f |= SG_ZN_BELOW_DNAME;
		}
		for (uint32_t s = 0; s < node->rrset_count; s++) {
			uint16_t t = z->rrsets[node->rrset_first + s].type;
			if (t == SG_T_NS && ni != 0)
				f |= SG_ZN_CUT;
			else if (t == SG_T_DNAME)
				f |= SG_ZN_DNAME;
		}
		node->flags = f;
	}

	/* 6. the builder's hash table becomes the node index */
	for (size_t s = 0; s < b->hash_size; s++) {
		uint32_t e = b->hash[s].id;
		if (!e)
			continue;
		uint32_t r = rank[e - 1];
		b->hash[s].id = r == NO_NODE ? TOMBSTONE : r + 1;
	}
	z->hash = b->hash;
	z->hash_size = b->hash_size;
	b->hash = NULL;
	z->names = b->names;
	z->names_cap = b->names_cap;
	b->names = NULL;
	z->rdata = b->rdata;
	z->rdata_cap = b->rdata_cap;
	b->rdata = NULL;
	z->files = b->files;
	z->nfiles = b->nfiles;
	b->files = NULL;
	b->nfiles = 0;

	*out = z;
	z = NULL;
	rc = prc;
	if (rc < 0) {
		sg_zone_free(*out);
		*out = NULL;
	}
out:
	big_free(nflags, nflags_cap);
	big_free(keys, keylen);
	big_free(ke, ke_bytes);
	big_free(rank, rank_bytes);
	big_free(start, start_bytes);
	big_free(order, order_bytes);
	sg_zone_free(z);
	sg_zone_builder_free(b);
	return rc;
}

void sg_zone_free(sg_zone_t *z)
{
	if (!z)
		return;
	big_free(z->names, z->names_cap);
	big_free(z->rdata, z->rdata_cap);
	big_free(z->nodes, z->nnodes * sizeof(*z->nodes));
	big_free(z->rrsets, z->rrsets_cap * sizeof(*z->rrsets));
	big_free(z->rrs, z->rrs_cap * sizeof(*z->rrs));
	slots_free(z->hash, z->hash_size);
	for (size_t i = 0; i < z->nfiles; i++)
		free(z->files[i]);
	free(z->files);
	free(z);
}

/* MADV_COLLAPSE (Linux 6.1) makes huge pages of what is already mapped,
 * synchronously; MADV_HUGEPAGE alone leaves it to khugepaged, later. */
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif

static void big_hugepages(void *p, size_t bytes)
{
	if (!p || bytes < BIG_MIN)
		return; /* malloc'ed: not ours to advise */
	/* mmap()ed, so page-aligned; errors (no THP support) are ignored */
	if (madvise(p, bytes, MADV_HUGEPAGE) == 0)
		(void)!madvise(p, bytes, MADV_COLLAPSE);
}

void sg_zone_hint_hugepages(const sg_zone_t *z)
{
	big_hugepages(z->names, z->names_cap);
	big_hugepages(z->rdata, z->rdata_cap);
	big_hugepages(z->nodes, z->nnodes * sizeof(*z->nodes));
	big_hugepages(z->rrsets, z->rrsets_cap * sizeof(*z->rrsets));
	big_hugepages(z->rrs, z->rrs_cap * sizeof(*z->rrs));
	big_hugepages(z->hash, z->hash_size * sizeof(*z->hash));
}

/* ---- accessors ---------------------------------------------------------- */

const uint8_t *sg_zone_origin(const sg_zone_t *z)
{
	return z->origin;
}

uint16_t sg_zone_class(const sg_zone_t *z)
{
	return z->rclass;
}

size_t sg_zone_record_count(const sg_zone_t *z)
{
	return z->nrrs;
}

size_t sg_zone_node_count(const sg_zone_t *z)
{
	return z->nnodes;
}

size_t sg_zone_rrset_total(const sg_zone_t *z)
{
	return z->nrrsets;
}

const sg_zone_node_t *sg_zone_apex(const sg_zone_t *z)
{
	return z->nnodes ? &z->nodes[0] : NULL;
}

const sg_zone_rrset_t *sg_zone_soa(const sg_zone_t *z)
{
	return z->nnodes ? sg_zone_node_find(z, &z->nodes[0], SG_T_SOA) : NULL;
}

const sg_zone_rrset_t *sg_zone_apex_ns(const sg_zone_t *z)
{
	return z->nnodes ? sg_zone_node_find(z, &z->nodes[0], SG_T_NS) : NULL;
}

/* Length of the name at p inside avail octets, or 0 when malformed. */
static size_t rdata_name_len(const uint8_t *p, size_t avail)
{
	size_t o = 0;
	while (o < avail && o < SG_NAME_MAX) {
		if (p[o] == 0)
			return o + 1;
		if (p[o] > SG_LABEL_MAX)
			return 0;
		o += (size_t)p[o] + 1;
	}
	return 0;
}

int sg_zone_serial(const sg_zone_t *z, uint32_t *serial)
{
	const sg_zone_rrset_t *soa = sg_zone_soa(z);
	if (!soa)
		return SG_ENOTFOUND;
	uint16_t len;
	const uint8_t *rd = sg_zone_rrset_rdata(z, soa, 0, &len);
	size_t a = rdata_name_len(rd, len);
	if (!a)
		return SG_ENOTFOUND;
	size_t m = rdata_name_len(rd + a, len - a);
	if (!m || len - a - m < 20)
		return SG_ENOTFOUND;
	const uint8_t *p = rd + a + m;
	*serial = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return SG_OK;
}

const sg_zone_node_t *sg_zone_node(const sg_zone_t *z, size_t i)
{
	return i < z->nnodes ? &z->nodes[i] : NULL;
}

size_t sg_zone_node_index(const sg_zone_t *z, const sg_zone_node_t *n)
{
	return (size_t)(n - z->nodes);
}

const uint8_t *sg_zone_node_name(const sg_zone_t *z, const sg_zone_node_t *n)
{
	return z->names + n->name;
}

const sg_zone_node_t *sg_zone_node_parent(const sg_zone_t *z, const sg_zone_node_t *n)
{
	return n->parent == NO_NODE ? NULL : &z->nodes[n->parent];
}

unsigned sg_zone_node_flags(const sg_zone_node_t *n)
{
	return n->flags;
}

void sg_zone_node_mark(sg_zone_t *z, size_t i)
{
	if (i < z->nnodes)
		z->nodes[i].flags |= SG_ZN_MARK;
}

void sg_zone_node_set_link(sg_zone_t *z, size_t i, uint32_t link)
{
	if (i < z->nnodes)
		z->nodes[i].link = link;
}

uint32_t sg_zone_node_link(const sg_zone_node_t *n)
{
	return n->link;
}

size_t sg_zone_node_rrset_count(const sg_zone_node_t *n)
{
	return n->rrset_count;
}

const sg_zone_rrset_t *sg_zone_node_rrset(const sg_zone_t *z, const sg_zone_node_t *n, size_t i)
{
	return i < n->rrset_count ? &z->rrsets[n->rrset_first + i] : NULL;
}

void sg_zone_node_prefetch(const sg_zone_t *z, const sg_zone_node_t *n)
{
	__builtin_prefetch(&z->rrsets[n->rrset_first]);
}

const sg_zone_rrset_t *sg_zone_node_find(const sg_zone_t *z, const sg_zone_node_t *n,
					 uint16_t type)
{
	/* RRsets are in type order: binary search */
	size_t lo = 0, hi = n->rrset_count;
	const struct sg_zone_rrset *v = &z->rrsets[n->rrset_first];
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (v[mid].type == type) {
			/* read next, as a rule */
			__builtin_prefetch(z->rdata + v[mid].rdata0);
			if (v[mid].count > 1)
				__builtin_prefetch(&z->rrs[v[mid].rr_first + 1]);
			return &v[mid];
		}
		if (v[mid].type < type)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const sg_zone_node_t *sg_zone_rrset_node(const sg_zone_t *z, const sg_zone_rrset_t *rs)
{
	return &z->nodes[rs->node];
}

uint16_t sg_zone_rrset_type(const sg_zone_rrset_t *rs)
{
	return rs->type;
}

uint32_t sg_zone_rrset_ttl(const sg_zone_rrset_t *rs)
{
	return rs->ttl;
}

size_t sg_zone_rrset_count(const sg_zone_rrset_t *rs)
{
	return rs->count;
}

const uint8_t *sg_zone_rrset_rdata(const sg_zone_t *z, const sg_zone_rrset_t *rs, size_t i,
				   uint16_t *len)
{
	if (i == 0) {
		*len = rs->rdlen0;
		return z->rdata + rs->rdata0;
	}
	const struct zrr *r = &z->rrs[rs->rr_first + i];
	*len = r->rdlen;
	return z->rdata + r->rdata;
}

uint32_t sg_zone_rrset_rr_ttl(const sg_zone_t *z, const sg_zone_rrset_t *rs, size_t i)
{
	return z->rrs[rs->rr_first + i].ttl;
}

void sg_zone_rrset_source(const sg_zone_t *z, const sg_zone_rrset_t *rs, size_t i,
			  const char **file, unsigned *line)
{
	const struct zrr *r = &z->rrs[rs->rr_first + i];
	*file = zfile(z, r->file);
	*line = r->line;
}

/* ---- lookups --------------------------------------------------------------- */

static uint32_t lookup_index(const sg_zone_t *z, const uint8_t *name)
{
	size_t mask = z->hash_size - 1;
	uint32_t h = name_hash(name);
	for (size_t s = h & mask;; s = (s + 1) & mask) {
		uint32_t e = z->hash[s].id;
		if (e == 0)
			return NO_NODE;
		if (e == TOMBSTONE || z->hash[s].h != h)
			continue;
		const struct sg_zone_node *nd = &z->nodes[e - 1];
		/* A match is almost sure now: start fetching its RRsets (the
		 * caller's next step) while the name is compared. */
		__builtin_prefetch(&z->rrsets[nd->rrset_first]);
		if (sg_name_equal(z->names + nd->name, name))
			return e - 1;
	}
}

const sg_zone_node_t *sg_zone_lookup(const sg_zone_t *z, const uint8_t *name)
{
	uint32_t i = lookup_index(z, name);
	return i == NO_NODE ? NULL : &z->nodes[i];
}

enum { AHEAD_PROBE, AHEAD_NODE, AHEAD_RRSETS, AHEAD_DONE };

void sg_zone_ahead_start(const sg_zone_t *z, sg_zone_ahead_t *a, const uint8_t *name, uint16_t type)
{
	unsigned labels = sg_name_labels(name), olabels = sg_name_labels(z->origin);
	a->name = name;
	a->type = type;
	a->node = NO_NODE;
	a->next = AHEAD_DONE;
	if (labels < olabels)
		return; /* not in the zone */
	a->depth = (uint8_t)(labels - olabels);
	a->h = name_hash(name);
	a->next = AHEAD_PROBE;
	__builtin_prefetch(&z->hash[a->h & (z->hash_size - 1)]);
}

bool sg_zone_ahead_step(const sg_zone_t *z, sg_zone_ahead_t *a)
{
	size_t mask = z->hash_size - 1;
	switch (a->next) {
	case AHEAD_PROBE:
		/* a few probes at most: lookup_index decides, this only guesses */
		for (size_t s = a->h & mask, k = 0; k < 4; s = (s + 1) & mask, k++) {
			uint32_t e = z->hash[s].id;
			if (e == 0)
				break;
			if (e != TOMBSTONE && z->hash[s].h == a->h) {
				a->node = e - 1;
				a->next = AHEAD_NODE;
				__builtin_prefetch(&z->nodes[a->node]);
				return true;
			}
		}
		/* not a node: the closest encloser comes next (as in closest()) */
		if (a->depth == 0) {
			a->next = AHEAD_DONE;
			return false;
		}
		a->depth--;
		a->name = sg_name_parent(a->name);
		a->h = name_hash(a->name);
		__builtin_prefetch(&z->hash[a->h & mask]);
		return true;
	case AHEAD_NODE: {
		const struct sg_zone_node *nd = &z->nodes[a->node];
		__builtin_prefetch(z->names + nd->name);
		__builtin_prefetch(&z->rrsets[nd->rrset_first]);
		a->next = AHEAD_RRSETS;
		return true;
	}
	case AHEAD_RRSETS: {
		/* finding an RRset starts fetching its records */
		const struct sg_zone_node *nd = &z->nodes[a->node];
		(void)sg_zone_node_find(z, nd, a->type);
		(void)sg_zone_node_find(z, nd, SG_T_RRSIG);
		a->next = AHEAD_DONE;
		return false;
	}
	default:
		return false;
	}
}

/* The closest encloser of *name, which has `depth` labels below the origin:
 * strips labels until a node matches (every ancestor of a node is a node, so
 * the first match is the deepest). *name is left at the matching suffix. */
static uint32_t closest(const sg_zone_t *z, const uint8_t **name, unsigned depth)
{
	const uint8_t *p = *name;
	for (;;) {
		uint32_t i = lookup_index(z, p);
		if (i != NO_NODE || depth == 0) {
			*name = p;
			return i == NO_NODE ? 0 : i; /* the apex is always a node */
		}
		p = sg_name_parent(p);
		depth--;
	}
}

/* Index of the last node that sorts before name (name is not a node). */
static size_t predecessor(const sg_zone_t *z, const uint8_t *name)
{
	size_t lo = 0, hi = z->nnodes;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (sg_name_compare(z->names + z->nodes[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? lo - 1 : 0;
}

enum sg_zone_find_kind sg_zone_find(const sg_zone_t *z, const uint8_t *name, sg_zone_find_t *res)
{
	return sg_zone_find_opt(z, name, res, true);
}

enum sg_zone_find_kind sg_zone_find_opt(const sg_zone_t *z, const uint8_t *name,
					sg_zone_find_t *res, bool want_prev)
{
	memset(res, 0, sizeof(*res));
	if (!sg_name_is_subdomain(name, z->origin)) {
		res->kind = SG_ZF_OUTZONE;
		return res->kind;
	}
	/* closest encloser, bottom-up: every ancestor of a node is a node */
	unsigned labels = sg_name_labels(name), olabels = sg_name_labels(z->origin);
	const uint8_t *p = name;
	uint32_t ce = closest(z, &p, labels - olabels);
	bool exact = p == name;
	const struct sg_zone_node *cn = &z->nodes[ce];
	if (cn->flags & (SG_ZN_CUT | SG_ZN_BELOW_CUT | SG_ZN_DNAME | SG_ZN_BELOW_DNAME)) {
		/* the first cut or DNAME on the way down from the apex wins */
		uint32_t chain[SG_NAME_MAX];
		unsigned n = 0;
		for (uint32_t i = ce; i != NO_NODE; i = z->nodes[i].parent)
			chain[n++] = i;
		while (n > 0) {
			uint32_t i = chain[--n];
			const struct sg_zone_node *x = &z->nodes[i];
			if (x->flags & SG_ZN_CUT) {
				res->kind = SG_ZF_DELEGATION;
				res->node = x;
				return res->kind;
			}
			if ((x->flags & SG_ZN_DNAME) && !(exact && i == ce)) {
				res->kind = SG_ZF_DNAME;
				res->node = x;
				return res->kind;
			}
		}
	}
	if (exact) {
		res->kind = SG_ZF_EXACT;
		res->node = cn;
		return res->kind;
	}
	res->encloser = cn;
	if (want_prev)
		res->prev = &z->nodes[predecessor(z, name)];
	const uint8_t *cname = z->names + cn->name;
	size_t cl = sg_name_len(cname);
	if (cl + 2 <= SG_NAME_MAX) {
		uint8_t wild[SG_NAME_MAX];
		wild[0] = 1;
		wild[1] = '*';
		memcpy(wild + 2, cname, cl);
		uint32_t w = lookup_index(z, wild);
		if (w != NO_NODE) {
			res->kind = SG_ZF_WILDCARD;
			res->node = &z->nodes[w];
			return res->kind;
		}
	}
	res->kind = SG_ZF_NXDOMAIN;
	return res->kind;
}

bool sg_zone_is_glue(const sg_zone_t *z, const uint8_t *name)
{
	if (!sg_name_is_subdomain(name, z->origin))
		return false;
	unsigned labels = sg_name_labels(name), olabels = sg_name_labels(z->origin);
	const uint8_t *p = name;
	uint32_t f = z->nodes[closest(z, &p, labels - olabels)].flags;
	if (f & (SG_ZN_BELOW_CUT | SG_ZN_BELOW_DNAME))
		return true;
	/* a name that is not a node, under a cut or DNAME node */
	return p != name && (f & (SG_ZN_CUT | SG_ZN_DNAME));
}

/* ---- checks ------------------------------------------------------------------ */

static bool is_dnssec_meta(uint16_t t)
{
	/* may sit beside a CNAME: RFC 4035 §2.5, RFC 5155 */
	return t == SG_T_RRSIG || t == SG_T_NSEC || t == SG_T_NSEC3;
}

/* Name from an NS RDATA (first field), or NULL when malformed. */
static const uint8_t *ns_target(const uint8_t *rd, uint16_t len)
{
	return rdata_name_len(rd, len) == len && len ? rd : NULL;
}

int sg_zone_check(const sg_zone_t *z, sg_zone_report_t *rep)
{
	int prc = SG_OK;
	unsigned errors = 0;
	const char *file;
	unsigned line;

#define PROBLEM(sev, code, owner, type, rs, i, ...)                                            \
	do {                                                                                       \
		file = NULL;                                                                       \
		line = 0;                                                                          \
		if (rs)                                                                            \
			sg_zone_rrset_source(z, rs, i, &file, &line);                              \
		if ((sev) == SG_ZSEV_ERROR)                                                        \
			errors++;                                                                  \
		problem(&prc, rep, sev, code, owner, type, file, line, __VA_ARGS__);               \
	} while (0)

	const struct sg_zone_node *apex = &z->nodes[0];
	const uint8_t *apex_name = z->names + apex->name;
	const sg_zone_rrset_t *soa = sg_zone_soa(z);
	if (!soa) {
		PROBLEM(SG_ZSEV_ERROR, SG_ZP_NO_SOA, apex_name, SG_T_SOA, (const sg_zone_rrset_t *)NULL,
			0, "no SOA record at the zone apex");
	} else if (soa->count > 1) {
		PROBLEM(SG_ZSEV_ERROR, SG_ZP_MULTIPLE_SOA, apex_name, SG_T_SOA, soa, 1,
			"%u SOA records at the apex; exactly one is allowed", soa->count);
	}
	if (!sg_zone_apex_ns(z)) {
		const sg_zone_rrset_t *at = soa;
		PROBLEM(SG_ZSEV_ERROR, SG_ZP_NO_APEX_NS, apex_name, SG_T_NS, at, 0,
			"no NS records at the zone apex");
	}

	for (size_t ni = 0; ni < z->nnodes; ni++) {
		const struct sg_zone_node *n = &z->nodes[ni];
		const uint8_t *owner = z->names + n->name;
		const sg_zone_rrset_t *cname = NULL, *dname = NULL, *other = NULL;
		for (uint32_t s = 0; s < n->rrset_count; s++) {
			const struct sg_zone_rrset *rs = &z->rrsets[n->rrset_first + s];
			switch (rs->type) {
			case SG_T_CNAME:
				cname = rs;
				break;
			case SG_T_DNAME:
				dname = rs;
				break;
			case SG_T_SOA:
				if (ni != 0)
					PROBLEM(SG_ZSEV_ERROR, SG_ZP_SOA_NOT_AT_APEX, owner, SG_T_SOA, rs,
						0, "SOA record outside the zone apex");
				break;
			case SG_T_NS:
				for (uint32_t i = 0; i < rs->count; i++) {
					uint16_t len;
					const uint8_t *rd = sg_zone_rrset_rdata(z, rs, i, &len);
					const uint8_t *t = ns_target(rd, len);
					if (!t || !sg_name_is_subdomain(t, z->origin))
						continue;
					sg_zone_find_t fr;
					if (sg_zone_find_opt(z, t, &fr, false) != SG_ZF_DELEGATION)
						continue;
					const sg_zone_node_t *tn = sg_zone_lookup(z, t);
					if (tn && (sg_zone_node_find(z, tn, SG_T_A) ||
						   sg_zone_node_find(z, tn, SG_T_AAAA)))
						continue;
					char tb[SG_NAME_TEXT_MAX];
					if (sg_name_to_text(tb, sizeof(tb), t) < 0)
						tb[0] = 0;
					PROBLEM(SG_ZSEV_WARNING, SG_ZP_MISSING_GLUE, owner, SG_T_NS, rs, i,
						"NS target %s is below a zone cut but has no A/AAAA glue",
						tb);
				}
				break;
			}
			if (rs->type != SG_T_CNAME && !is_dnssec_meta(rs->type) && !other)
				other = rs;
		}
		if (cname) {
			if (ni == 0)
				PROBLEM(SG_ZSEV_ERROR, SG_ZP_CNAME_AT_APEX, owner, SG_T_CNAME, cname, 0,
					"CNAME at the zone apex");
			if (other) {
				char tb[16];
				PROBLEM(SG_ZSEV_ERROR, SG_ZP_CNAME_AND_OTHER, owner, SG_T_CNAME, cname, 0,
					"CNAME and other data (%s) at the same name",
					sg_type_name(other->type, tb));
			}
			if (cname->count > 1)
				PROBLEM(SG_ZSEV_ERROR, SG_ZP_MULTIPLE_CNAME, owner, SG_T_CNAME, cname, 1,
					"%u CNAME records at one name; only one is allowed",
					cname->count);
		}
		if (dname) {
			if (dname->count > 1)
				PROBLEM(SG_ZSEV_ERROR, SG_ZP_MULTIPLE_DNAME, owner, SG_T_DNAME, dname, 1,
					"%u DNAME records at one name; only one is allowed",
					dname->count);
			/* descendants sort right after their ancestor */
			if (ni + 1 < z->nnodes && z->nodes[ni + 1].parent != NO_NODE &&
			    sg_name_is_subdomain(z->names + z->nodes[ni + 1].name, owner)) {
				char tb[SG_NAME_TEXT_MAX];
				if (sg_name_to_text(tb, sizeof(tb), z->names + z->nodes[ni + 1].name) < 0)
					tb[0] = 0;
				PROBLEM(SG_ZSEV_ERROR, SG_ZP_DNAME_WITH_CHILDREN, owner, SG_T_DNAME,
					dname, 0, "DNAME with names below it (%s)", tb);
			}
		}
	}
#undef PROBLEM
	if (prc < 0)
		return prc;
	return errors ? SG_EZONE : SG_OK;
}
