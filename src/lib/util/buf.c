#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "signet/util.h"

void sg_buf_init(sg_buf_t *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max ? max : (size_t)1 << 30;
}

void sg_buf_deinit(sg_buf_t *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

int sg_buf_reserve(sg_buf_t *b, size_t extra)
{
	if (extra > b->max || b->len > b->max - extra)
		return SG_ENOMEM;
	size_t need = b->len + extra;
	if (need <= b->cap)
		return SG_OK;
	size_t nc = b->cap ? b->cap : 256;
	while (nc < need && nc <= b->max / 2)
		nc *= 2;
	if (nc < need || nc > b->max)
		nc = b->max; /* doubling would pass the maximum (or wrap) */
	if (nc > PTRDIFF_MAX)
		return SG_ENOMEM; /* no object can be this large */
	uint8_t *d = realloc(b->data, nc);
	if (!d)
		return SG_ENOMEM;
	b->data = d;
	b->cap = nc;
	return SG_OK;
}

int sg_buf_append(sg_buf_t *b, const void *p, size_t n)
{
	int r = sg_buf_reserve(b, n);
	if (r < 0)
		return r;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	return SG_OK;
}

int sg_buf_append_str(sg_buf_t *b, const char *s)
{
	return sg_buf_append(b, s, strlen(s));
}

int sg_buf_printf(sg_buf_t *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char tmp[256];
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return SG_EINVAL;
	if ((size_t)n < sizeof(tmp))
		return sg_buf_append(b, tmp, (size_t)n);
	int r = sg_buf_reserve(b, (size_t)n);
	if (r < 0)
		return r;
	if (b->cap - b->len > (size_t)n) {
		va_start(ap, fmt);
		vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
		b->len += (size_t)n;
		return SG_OK;
	}
	/* exactly at the maximum: no room for vsnprintf's NUL, so format
	 * into a temporary and copy the n octets */
	char *t = malloc((size_t)n + 1);
	if (!t)
		return SG_ENOMEM;
	va_start(ap, fmt);
	vsnprintf(t, (size_t)n + 1, fmt, ap);
	va_end(ap);
	r = sg_buf_append(b, t, (size_t)n);
	free(t);
	return r;
}

int sg_buf_cstr(sg_buf_t *b)
{
	int r = sg_buf_reserve(b, 1);
	if (r < 0)
		return r;
	b->data[b->len] = 0;
	return SG_OK;
}
