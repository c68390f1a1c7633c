/* Bump allocator. Blocks form a singly linked list; the first block is kept
 * on reset so a per-query arena does not return to malloc at all. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "signet/util.h"

struct block {
	struct block *next;
	size_t size;
	size_t used;
	max_align_t data[];
};

struct sg_arena {
	struct block *head;
	size_t chunk;
	size_t max;
	size_t total; /* bytes handed out */
	size_t reserved; /* bytes in blocks */
};

static struct block *block_new(size_t size)
{
	/* No object may exceed PTRDIFF_MAX; asking malloc for more only fails
	 * (or, under ASan, aborts), and sizeof + size must not wrap. */
	if (size > PTRDIFF_MAX - sizeof(struct block))
		return NULL;
	struct block *b = malloc(sizeof(*b) + size);
	if (!b)
		return NULL;
	b->next = NULL;
	b->size = size;
	b->used = 0;
	return b;
}

sg_arena_t *sg_arena_new(size_t chunk, size_t max)
{
	sg_arena_t *a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	a->chunk = chunk ? chunk : 64 * 1024;
	a->max = max;
	a->head = block_new(a->chunk);
	if (!a->head) {
		free(a);
		return NULL;
	}
	a->reserved = a->chunk;
	return a;
}

void sg_arena_free(sg_arena_t *a)
{
	if (!a)
		return;
	struct block *b = a->head;
	while (b) {
		struct block *n = b->next;
		free(b);
		b = n;
	}
	free(a);
}

void *sg_arena_alloc(sg_arena_t *a, size_t size)
{
	size_t need = (size + 7) & ~(size_t)7;
	if (need < size)
		return NULL;
	if (a->max && (need > a->max || a->total > a->max - need))
		return NULL;
	struct block *b = a->head;
	if (!b || b->size - b->used < need) {
		size_t bs = need > a->chunk ? need : a->chunk;
		struct block *nb = block_new(bs);
		if (!nb)
			return NULL;
		if (b && need > a->chunk / 4 && b->size - b->used > 256) {
			/* big allocation: keep filling the current block */
			nb->next = b->next;
			b->next = nb;
			b = nb;
		} else {
			nb->next = b;
			a->head = nb;
			b = nb;
		}
		a->reserved += bs;
	}
	void *p = (char *)b->data + b->used;
	b->used += need;
	a->total += need;
	return p;
}

void *sg_arena_memdup(sg_arena_t *a, const void *p, size_t size)
{
	void *d = sg_arena_alloc(a, size ? size : 1);
	if (d && size)
		memcpy(d, p, size);
	return d;
}

void sg_arena_reset(sg_arena_t *a)
{
	/* keep the last block in the list: it is the first one allocated
	 * unless it was a big one; keep whichever is of chunk size */
	struct block *keep = NULL, *b = a->head;
	while (b) {
		struct block *n = b->next;
		if (!keep && b->size == a->chunk)
			keep = b;
		else
			free(b);
		b = n;
	}
	if (!keep)
		keep = block_new(a->chunk);
	if (keep) {
		keep->next = NULL;
		keep->used = 0;
	}
	a->head = keep;
	a->total = 0;
	a->reserved = keep ? a->chunk : 0;
}

size_t sg_arena_used(const sg_arena_t *a)
{
	return a->total;
}
