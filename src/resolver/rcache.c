/* signet-resolver — the cache. See rcache.h and docs/internals/resolver.md. */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "resolver/rcache.h"
#include "signet/name.h"

typedef struct ent ent_t;
struct ent {
	ent_t *prev, *next; /* LRU list: head is the most recently used */
	uint32_t hash;
	uint16_t type;
	uint8_t kind;
	uint8_t namelen;
	int64_t expire;
	size_t len;
	uint8_t data[]; /* namelen octets of lowercased name, then len octets of blob */
};

/* A table slot keeps the entry's hash beside the pointer: a probe reads
 * an entry only when the hash matches (one cache miss per lookup, not one
 * per slot probed). */
typedef struct slot {
	uint32_t hash;
	ent_t *e; /* NULL: empty */
} slot_t;

struct rc_cache {
	pthread_mutex_t mu;
	slot_t *slot; /* open addressing, linear probing */
	size_t cap;   /* power of two */
	size_t count;
	size_t bytes, max_bytes;
	ent_t *head, *tail;
	uint64_t hits, misses, inserts, evictions, expired;
};

#define MIN_CAP 64

static size_t charge(const ent_t *e)
{
	/* the entry, and two slots' worth of table (the load stays below 1/2) */
	return sizeof(*e) + e->namelen + e->len + 2 * sizeof(slot_t);
}

rc_cache_t *rc_new(size_t max_bytes)
{
	rc_cache_t *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->cap = MIN_CAP;
	c->slot = calloc(c->cap, sizeof(*c->slot));
	if (!c->slot) {
		free(c);
		return NULL;
	}
	c->max_bytes = max_bytes < 4096 ? 4096 : max_bytes;
	pthread_mutex_init(&c->mu, NULL);
	return c;
}

void rc_free(rc_cache_t *c)
{
	if (!c)
		return;
	for (ent_t *e = c->head, *n; e; e = n) {
		n = e->next;
		free(e);
	}
	free(c->slot);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

static uint32_t key_hash(const uint8_t *lname, uint16_t type, uint8_t kind)
{
	uint32_t h = sg_name_hash(lname);
	h ^= (uint32_t)type * 0x9e3779b1u;
	h ^= (uint32_t)kind << 24;
	h ^= h >> 15;
	h *= 0x2c1b3c6du;
	h ^= h >> 12;
	return h;
}

static bool key_eq(const slot_t *s, uint32_t h, const uint8_t *lname, size_t nl, uint16_t type,
                   uint8_t kind)
{
	const ent_t *e = s->e;
	return s->hash == h && e->type == type && e->kind == kind && e->namelen == nl &&
	       memcmp(e->data, lname, nl) == 0;
}

/* Slot of the key, or of the empty slot where it would go. */
static size_t probe(const rc_cache_t *c, uint32_t h, const uint8_t *lname, size_t nl, uint16_t type,
                    uint8_t kind)
{
	size_t mask = c->cap - 1;
	size_t i = h & mask;
	while (c->slot[i].e && !key_eq(&c->slot[i], h, lname, nl, type, kind))
		i = (i + 1) & mask;
	return i;
}

static void lru_unlink(rc_cache_t *c, ent_t *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		c->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		c->tail = e->prev;
	e->prev = e->next = NULL;
}

static void lru_push(rc_cache_t *c, ent_t *e)
{
	e->prev = NULL;
	e->next = c->head;
	if (c->head)
		c->head->prev = e;
	c->head = e;
	if (!c->tail)
		c->tail = e;
}

/* Backward-shift deletion (Knuth 6.4, algorithm R): later entries of the
 * probe run move up, so lookups never need tombstones. */
static void slot_delete(rc_cache_t *c, size_t i)
{
	size_t mask = c->cap - 1;
	size_t j = i;
	c->slot[i].e = NULL;
	for (;;) {
		j = (j + 1) & mask;
		if (!c->slot[j].e)
			return;
		size_t home = c->slot[j].hash & mask;
		/* Can it move to i? Only if its home is not cyclically in (i, j]. */
		bool in = i <= j ? (home > i && home <= j) : (home > i || home <= j);
		if (!in) {
			c->slot[i] = c->slot[j];
			c->slot[j].e = NULL;
			i = j;
		}
	}
}

static void drop(rc_cache_t *c, ent_t *e)
{
	size_t i = probe(c, e->hash, e->data, e->namelen, e->type, e->kind);
	if (c->slot[i].e == e)
		slot_delete(c, i);
	lru_unlink(c, e);
	c->bytes -= charge(e);
	c->count--;
	free(e);
}

static int grow(rc_cache_t *c)
{
	size_t ncap = c->cap * 2;
	slot_t *ns = calloc(ncap, sizeof(*ns));
	if (!ns)
		return SG_ENOMEM;
	for (size_t i = 0; i < c->cap; i++) {
		if (!c->slot[i].e)
			continue;
		size_t j = c->slot[i].hash & (ncap - 1);
		while (ns[j].e)
			j = (j + 1) & (ncap - 1);
		ns[j] = c->slot[i];
	}
	free(c->slot);
	c->slot = ns;
	c->cap = ncap;
	return SG_OK;
}

static size_t lower_name(uint8_t dst[SG_NAME_MAX], const uint8_t *name)
{
	size_t n = sg_name_copy(dst, name);
	sg_name_lower(dst);
	return n;
}

int rc_put(rc_cache_t *c, const uint8_t *name, uint16_t type, uint8_t kind, const void *data,
           size_t len, int64_t expire)
{
	uint8_t lname[SG_NAME_MAX];
	size_t nl = lower_name(lname, name);
	ent_t *e = malloc(sizeof(*e) + nl + len);
	if (!e)
		return SG_ENOMEM;
	e->prev = e->next = NULL;
	e->hash = key_hash(lname, type, kind);
	e->type = type;
	e->kind = kind;
	e->namelen = (uint8_t)nl;
	e->expire = expire;
	e->len = len;
	memcpy(e->data, lname, nl);
	if (len)
		memcpy(e->data + nl, data, len);
	if (charge(e) > c->max_bytes / 8) {
		free(e);
		return SG_ELIMIT;
	}
	pthread_mutex_lock(&c->mu);
	size_t i = probe(c, e->hash, lname, nl, type, kind);
	if (c->slot[i].e) {
		drop(c, c->slot[i].e);
		i = probe(c, e->hash, lname, nl, type, kind);
	}
	/* Make room: least recently used first. */
	while (c->tail && c->bytes + charge(e) > c->max_bytes) {
		drop(c, c->tail);
		c->evictions++;
	}
	if ((c->count + 1) * 2 > c->cap) {
		if (grow(c) < 0) {
			pthread_mutex_unlock(&c->mu);
			free(e);
			return SG_ENOMEM;
		}
	}
	i = probe(c, e->hash, lname, nl, type, kind);
	c->slot[i] = (slot_t){e->hash, e};
	lru_push(c, e);
	c->count++;
	c->bytes += charge(e);
	c->inserts++;
	pthread_mutex_unlock(&c->mu);
	return SG_OK;
}

/* The lookup both getters share: copies the blob to the buffer `dst`
 * returns (arena: allocated there; else `buf` of `cap` octets). */
static int get(rc_cache_t *c, const uint8_t *name, uint16_t type, uint8_t kind, int64_t now,
               sg_arena_t *arena, void *buf, size_t cap, void **out, size_t *len, int64_t *expire)
{
	uint8_t lname[SG_NAME_MAX];
	size_t nl = lower_name(lname, name);
	uint32_t h = key_hash(lname, type, kind);
	int rc = SG_ENOTFOUND;
	pthread_mutex_lock(&c->mu);
	size_t i = probe(c, h, lname, nl, type, kind);
	ent_t *e = c->slot[i].e;
	if (!e) {
		c->misses++;
		goto out;
	}
	if (e->expire <= now) {
		drop(c, e);
		c->expired++;
		c->misses++;
		goto out;
	}
	void *p = buf;
	if (arena)
		p = sg_arena_alloc(arena, e->len ? e->len : 1);
	else if (e->len > cap)
		p = NULL;
	if (!p) {
		rc = arena ? SG_ENOMEM : SG_ESPACE;
		goto out;
	}
	memcpy(p, e->data + e->namelen, e->len);
	*out = p;
	*len = e->len;
	if (expire)
		*expire = e->expire;
	lru_unlink(c, e);
	lru_push(c, e);
	c->hits++;
	rc = SG_OK;
out:
	pthread_mutex_unlock(&c->mu);
	return rc;
}

int rc_get(rc_cache_t *c, const uint8_t *name, uint16_t type, uint8_t kind, int64_t now,
           sg_arena_t *arena, void **out, size_t *len, int64_t *expire)
{
	return get(c, name, type, kind, now, arena, NULL, 0, out, len, expire);
}

int rc_get_into(rc_cache_t *c, const uint8_t *name, uint16_t type, uint8_t kind, int64_t now,
                void *buf, size_t cap, size_t *len, int64_t *expire)
{
	void *out;
	return get(c, name, type, kind, now, NULL, buf, cap, &out, len, expire);
}

void rc_remove(rc_cache_t *c, const uint8_t *name, uint16_t type, uint8_t kind)
{
	uint8_t lname[SG_NAME_MAX];
	size_t nl = lower_name(lname, name);
	uint32_t h = key_hash(lname, type, kind);
	pthread_mutex_lock(&c->mu);
	size_t i = probe(c, h, lname, nl, type, kind);
	if (c->slot[i].e)
		drop(c, c->slot[i].e);
	pthread_mutex_unlock(&c->mu);
}

void rc_get_stats(rc_cache_t *c, rc_stats_t *st)
{
	pthread_mutex_lock(&c->mu);
	st->entries = c->count;
	st->bytes = c->bytes;
	st->max_bytes = c->max_bytes;
	st->hits = c->hits;
	st->misses = c->misses;
	st->inserts = c->inserts;
	st->evictions = c->evictions;
	st->expired = c->expired;
	pthread_mutex_unlock(&c->mu);
}
