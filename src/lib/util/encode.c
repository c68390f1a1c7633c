/* base16, base32hex (RFC 4648 §7, as NSEC3 uses it) and base64. */
#include <string.h>

#include "signet/util.h"

static const char hex_digits[] = "0123456789abcdef";
static const char b32_digits[] = "0123456789abcdefghijklmnopqrstuv";
static const char b64_digits[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int sg_base16_encode(char *dst, size_t cap, const uint8_t *src, size_t len)
{
	if (cap == 0 || len > (cap - 1) / 2)
		return SG_ESPACE;
	for (size_t i = 0; i < len; i++) {
		dst[2 * i] = hex_digits[src[i] >> 4];
		dst[2 * i + 1] = hex_digits[src[i] & 15];
	}
	dst[len * 2] = 0;
	return (int)(len * 2);
}

int sg_base16_decode(uint8_t *dst, size_t cap, const char *src, size_t len)
{
	if (len % 2)
		return SG_ESYNTAX;
	if (cap < len / 2)
		return SG_ESPACE;
	for (size_t i = 0; i < len; i += 2) {
		int h = hexval((unsigned char)src[i]), l = hexval((unsigned char)src[i + 1]);
		if (h < 0 || l < 0)
			return SG_ESYNTAX;
		dst[i / 2] = (uint8_t)(h << 4 | l);
	}
	return (int)(len / 2);
}

int sg_base32hex_encode(char *dst, size_t cap, const uint8_t *src, size_t len)
{
	size_t out = (len * 8 + 4) / 5;
	if (cap < out + 1)
		return SG_ESPACE;
	size_t o = 0;
	uint32_t acc = 0;
	int bits = 0;
	for (size_t i = 0; i < len; i++) {
		acc = (acc << 8) | src[i];
		bits += 8;
		while (bits >= 5) {
			dst[o++] = b32_digits[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0)
		dst[o++] = b32_digits[(acc << (5 - bits)) & 31];
	dst[o] = 0;
	return (int)o;
}

static int b32val(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'v')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'V')
		return c - 'A' + 10;
	return -1;
}

int sg_base32hex_decode(uint8_t *dst, size_t cap, const char *src, size_t len)
{
	/* Padding is optional (RFC 5155 omits it), but when present it must
	 * be the RFC 4648 §6 amount: the padded length is a multiple of 8 and
	 * the count matches the data (8 - 2, 4, 5 or 7 data characters). */
	size_t full = len;
	while (len > 0 && src[len - 1] == '=')
		len--;
	if (full != len) {
		static const unsigned char pad_for[8] = {0, 0xff, 6, 0xff, 4, 3, 0xff, 1};
		if (full % 8 || pad_for[len % 8] != full - len)
			return SG_ESYNTAX;
	}
	size_t out = len * 5 / 8;
	if (cap < out)
		return SG_ESPACE;
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		int v = b32val((unsigned char)src[i]);
		if (v < 0)
			return SG_ESYNTAX;
		acc = (acc << 5) | (uint32_t)v;
		bits += 5;
		if (bits >= 8) {
			dst[o++] = (uint8_t)(acc >> (bits - 8));
			bits -= 8;
		}
	}
	/* leftover bits must be zero and fewer than 5 */
	if (bits >= 5 || (acc & ((1u << bits) - 1)))
		return SG_ESYNTAX;
	return (int)o;
}

int sg_base64_encode(char *dst, size_t cap, const uint8_t *src, size_t len)
{
	size_t out = (len + 2) / 3 * 4;
	if (cap < out + 1)
		return SG_ESPACE;
	size_t o = 0, i = 0;
	for (; i + 2 < len; i += 3) {
		uint32_t v = (uint32_t)src[i] << 16 | (uint32_t)src[i + 1] << 8 | src[i + 2];
		dst[o++] = b64_digits[v >> 18];
		dst[o++] = b64_digits[(v >> 12) & 63];
		dst[o++] = b64_digits[(v >> 6) & 63];
		dst[o++] = b64_digits[v & 63];
	}
	if (i < len) {
		uint32_t v = (uint32_t)src[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)src[i + 1] << 8;
		dst[o++] = b64_digits[v >> 18];
		dst[o++] = b64_digits[(v >> 12) & 63];
		dst[o++] = i + 1 < len ? b64_digits[(v >> 6) & 63] : '=';
		dst[o++] = '=';
	}
	dst[o] = 0;
	return (int)o;
}

/* 1 + the base64 value of each octet of the alphabet; 0 for the others. */
static const uint8_t b64tab[256] = {
	['A'] = 1, ['B'] = 2, ['C'] = 3, ['D'] = 4, ['E'] = 5, ['F'] = 6, ['G'] = 7,
	['H'] = 8, ['I'] = 9, ['J'] = 10, ['K'] = 11, ['L'] = 12, ['M'] = 13, ['N'] = 14,
	['O'] = 15, ['P'] = 16, ['Q'] = 17, ['R'] = 18, ['S'] = 19, ['T'] = 20, ['U'] = 21,
	['V'] = 22, ['W'] = 23, ['X'] = 24, ['Y'] = 25, ['Z'] = 26, ['a'] = 27, ['b'] = 28,
	['c'] = 29, ['d'] = 30, ['e'] = 31, ['f'] = 32, ['g'] = 33, ['h'] = 34, ['i'] = 35,
	['j'] = 36, ['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40, ['o'] = 41, ['p'] = 42,
	['q'] = 43, ['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48, ['w'] = 49,
	['x'] = 50, ['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54, ['2'] = 55, ['3'] = 56,
	['4'] = 57, ['5'] = 58, ['6'] = 59, ['7'] = 60, ['8'] = 61, ['9'] = 62, ['+'] = 63,
	['/'] = 64,
};

static int b64val(int c)
{
	return (int)b64tab[(unsigned char)c] - 1;
}

int sg_base64_decode(uint8_t *dst, size_t cap, const char *src, size_t len)
{
	if (len % 4)
		return SG_ESYNTAX;
	size_t o = 0, i = 0;
	/* every quantum but the last has no padding: decode it by table */
	if (len > 4 && (len - 4) / 4 * 3 <= cap) {
		const unsigned char *u = (const unsigned char *)src;
		for (; i + 4 < len; i += 4) {
			uint8_t a = b64tab[u[i]], b = b64tab[u[i + 1]], c = b64tab[u[i + 2]],
				d = b64tab[u[i + 3]];
			if (!a || !b || !c || !d)
				break; /* padding or junk: the checks below say which */
			a--, b--, c--, d--;
			dst[o++] = (uint8_t)(a << 2 | b >> 4);
			dst[o++] = (uint8_t)(b << 4 | c >> 2);
			dst[o++] = (uint8_t)(c << 6 | d);
		}
	}
	for (; i < len; i += 4) {
		int v[4], pad = 0;
		for (int k = 0; k < 4; k++) {
			unsigned char c = (unsigned char)src[i + k];
			if (c == '=') {
				/* padding only in the last quantum, positions 2 and 3 */
				if (i + 4 != len || k < 2)
					return SG_ESYNTAX;
				pad++;
				v[k] = 0;
				continue;
			}
			if (pad)
				return SG_ESYNTAX;
			v[k] = b64val(c);
			if (v[k] < 0)
				return SG_ESYNTAX;
		}
		/* RFC 4648 §3.5: the bits below the last full octet must be zero,
		 * or two encodings would decode to the same data */
		if ((pad == 1 && (v[2] & 3)) || (pad == 2 && (v[1] & 15)))
			return SG_ESYNTAX;
		uint32_t x = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 |
			     (uint32_t)v[3];
		size_t n = 3 - (size_t)pad;
		if (cap - o < n || o > cap)
			return SG_ESPACE;
		dst[o++] = (uint8_t)(x >> 16);
		if (n > 1)
			dst[o++] = (uint8_t)(x >> 8);
		if (n > 2)
			dst[o++] = (uint8_t)x;
	}
	return (int)o;
}
