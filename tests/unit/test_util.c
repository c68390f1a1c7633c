/* Unit tests for src/lib/util: arena, bounded buffer, encodings, numbers,
 * RRSIG times and serial arithmetic. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "signet/util.h"

/* ---- arena ------------------------------------------------------------ */

static void arena_alignment_and_disjoint(void **state)
{
	(void)state;
	sg_arena_t *a = sg_arena_new(1024, 0);
	assert_non_null(a);
	uint8_t *p[200];
	size_t sz[200];
	for (int i = 0; i < 200; i++) {
		sz[i] = (size_t)(i % 37) + 1;
		p[i] = sg_arena_alloc(a, sz[i]);
		assert_non_null(p[i]);
		assert_int_equal((uintptr_t)p[i] % 8, 0);
		memset(p[i], i & 0xff, sz[i]);
	}
	/* no allocation overwrote another */
	for (int i = 0; i < 200; i++)
		for (size_t k = 0; k < sz[i]; k++)
			assert_int_equal(p[i][k], i & 0xff);
	/* used counts 8-byte rounded sizes */
	size_t want = 0;
	for (int i = 0; i < 200; i++)
		want += (sz[i] + 7) & ~(size_t)7;
	assert_int_equal(sg_arena_used(a), want);
	sg_arena_free(a);
	sg_arena_free(NULL);
}

static void arena_big_allocations(void **state)
{
	(void)state;
	sg_arena_t *a = sg_arena_new(1024, 0);
	assert_non_null(a);
	uint8_t *small1 = sg_arena_alloc(a, 16);
	assert_non_null(small1);
	memset(small1, 0xa1, 16);
	uint8_t *big = sg_arena_alloc(a, 100000);
	assert_non_null(big);
	assert_int_equal((uintptr_t)big % 8, 0);
	memset(big, 0xb2, 100000);
	uint8_t *big2 = sg_arena_alloc(a, 600); /* > chunk/4, fits no block */
	assert_non_null(big2);
	memset(big2, 0xc3, 600);
	uint8_t *small2 = sg_arena_alloc(a, 16);
	assert_non_null(small2);
	memset(small2, 0xd4, 16);
	for (size_t i = 0; i < 16; i++) {
		assert_int_equal(small1[i], 0xa1);
		assert_int_equal(small2[i], 0xd4);
	}
	for (size_t i = 0; i < 100000; i++)
		assert_int_equal(big[i], 0xb2);
	for (size_t i = 0; i < 600; i++)
		assert_int_equal(big2[i], 0xc3);
	/* sizes that would wrap when the block header is added */
	assert_null(sg_arena_alloc(a, SIZE_MAX));
	assert_null(sg_arena_alloc(a, SIZE_MAX - 7));
	assert_null(sg_arena_alloc(a, SIZE_MAX - 16));
	assert_null(sg_arena_alloc(a, SIZE_MAX - 40));
	/* the arena is still usable after refusing */
	assert_non_null(sg_arena_alloc(a, 8));
	sg_arena_free(a);
}

static void arena_reset(void **state)
{
	(void)state;
	sg_arena_t *a = sg_arena_new(0, 0); /* default chunk */
	assert_non_null(a);
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 1000; i++) {
			uint8_t *p = sg_arena_alloc(a, 100);
			assert_non_null(p);
			memset(p, round, 100);
		}
		assert_non_null(sg_arena_alloc(a, 1 << 20));
		assert_true(sg_arena_used(a) >= 1000 * 104 + (1 << 20));
		sg_arena_reset(a);
		assert_int_equal(sg_arena_used(a), 0);
	}
	uint8_t *p = sg_arena_alloc(a, 24);
	assert_non_null(p);
	assert_int_equal(sg_arena_used(a), 24);
	sg_arena_free(a);
}

static void arena_max(void **state)
{
	(void)state;
	sg_arena_t *a = sg_arena_new(64, 100);
	assert_non_null(a);
	assert_non_null(sg_arena_alloc(a, 96));
	assert_null(sg_arena_alloc(a, 1)); /* 96 + 8 > 100 */
	assert_int_equal(sg_arena_used(a), 96);
	sg_arena_reset(a);
	assert_null(sg_arena_alloc(a, 101));
	assert_null(sg_arena_alloc(a, 97));     /* rounds to 104 */
	assert_non_null(sg_arena_alloc(a, 50)); /* 56 */
	assert_non_null(sg_arena_alloc(a, 40)); /* 96 */
	assert_null(sg_arena_alloc(a, 8));
	assert_null(sg_arena_alloc(a, SIZE_MAX - 3));
	sg_arena_free(a);
}

static void arena_memdup(void **state)
{
	(void)state;
	sg_arena_t *a = sg_arena_new(128, 0);
	assert_non_null(a);
	const char src[] = "hello, arena";
	char *d = sg_arena_memdup(a, src, sizeof(src));
	assert_non_null(d);
	assert_ptr_not_equal(d, src);
	assert_string_equal(d, src);
	void *z = sg_arena_memdup(a, src, 0);
	assert_non_null(z);
	void *z2 = sg_arena_memdup(a, src, 0);
	assert_ptr_not_equal(z, z2); /* size 0 still gets its own slot */
	sg_arena_free(a);
}

/* ---- sg_buf ------------------------------------------------------------ */

static void buf_max_enforced(void **state)
{
	(void)state;
	sg_buf_t b;
	sg_buf_init(&b, 10);
	assert_int_equal(sg_buf_append(&b, "0123456789", 10), SG_OK);
	assert_int_equal(b.len, 10);
	assert_int_equal(sg_buf_append(&b, "x", 1), SG_ENOMEM);
	assert_int_equal(b.len, 10);
	assert_int_equal(sg_buf_append(&b, "", 0), SG_OK);
	assert_int_equal(sg_buf_cstr(&b), SG_ENOMEM); /* no room for the NUL */
	assert_int_equal(sg_buf_reserve(&b, SIZE_MAX), SG_ENOMEM);
	assert_memory_equal(b.data, "0123456789", 10);
	assert_true(b.cap <= 10);
	sg_buf_deinit(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);

	sg_buf_init(&b, 0); /* default maximum */
	assert_true(b.max > 0);
	assert_int_equal(sg_buf_append_str(&b, "abc"), SG_OK);
	assert_int_equal(sg_buf_cstr(&b), SG_OK);
	assert_int_equal(b.len, 3);
	assert_string_equal((char *)b.data, "abc");
	assert_int_equal(sg_buf_reserve(&b, b.max), SG_ENOMEM);
	sg_buf_deinit(&b);
}

static void buf_reserve_huge(void **state)
{
	(void)state;
	/* with no practical maximum, a huge reserve must fail, not loop or wrap */
	sg_buf_t b;
	sg_buf_init(&b, SIZE_MAX);
	assert_int_equal(sg_buf_append(&b, "a", 1), SG_OK);
	assert_int_equal(sg_buf_reserve(&b, SIZE_MAX / 2 + 2), SG_ENOMEM);
	assert_int_equal(sg_buf_reserve(&b, SIZE_MAX - 1), SG_ENOMEM);
	assert_int_equal(b.len, 1);
	assert_int_equal(b.data[0], 'a');
	sg_buf_deinit(&b);
}

static void buf_printf_growth(void **state)
{
	(void)state;
	sg_buf_t b;
	sg_buf_init(&b, 0);
	char big[5000];
	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	assert_int_equal(sg_buf_printf(&b, "%d-%s", 42, "x"), SG_OK);
	assert_int_equal(sg_buf_printf(&b, "[%s]", big), SG_OK);
	assert_int_equal(sg_buf_printf(&b, "%u", 7u), SG_OK);
	assert_int_equal(b.len, 4 + 2 + 4999 + 1);
	assert_int_equal(sg_buf_cstr(&b), SG_OK);
	assert_memory_equal(b.data, "42-x[", 5);
	assert_int_equal(b.data[5 + 4999], ']');
	assert_string_equal((char *)b.data + 5 + 4999 + 1, "7");
	for (size_t i = 5; i < 5 + 4999; i++)
		assert_int_equal(b.data[i], 'q');
	sg_buf_deinit(&b);

	/* over the maximum: fails and leaves the buffer alone */
	sg_buf_init(&b, 300);
	assert_int_equal(sg_buf_printf(&b, "%s", "ab"), SG_OK);
	assert_int_equal(sg_buf_printf(&b, "%s", big), SG_ENOMEM);
	assert_int_equal(b.len, 2);
	big[298] = 0; /* 298 + 2 == max exactly, longer than the stack buffer */
	assert_int_equal(sg_buf_printf(&b, "%s", big), SG_OK);
	assert_int_equal(b.len, 300);
	assert_int_equal(b.data[299], 'q');
	assert_int_equal(sg_buf_printf(&b, "%s", "z"), SG_ENOMEM);
	assert_int_equal(sg_buf_printf(&b, "%s", ""), SG_OK);
	assert_int_equal(b.len, 300);
	sg_buf_deinit(&b);
}

/* ---- encodings ----------------------------------------------------------- */

struct vec {
	const char *raw, *b16, *b32, *b64;
};

/* RFC 4648 §10 */
static const struct vec rfc4648[] = {
        {"", "", "", ""},
        {"f", "66", "CO======", "Zg=="},
        {"fo", "666F", "CPNG====", "Zm8="},
        {"foo", "666F6F", "CPNMU===", "Zm9v"},
        {"foob", "666F6F62", "CPNMUOG=", "Zm9vYg=="},
        {"fooba", "666F6F6261", "CPNMUOJ1", "Zm9vYmE="},
        {"foobar", "666F6F626172", "CPNMUOJ1E8======", "Zm9vYmFy"},
};

static void lowercase_nopad(char *dst, const char *src)
{
	size_t i = 0;
	for (; src[i] && src[i] != '='; i++)
		dst[i] = (char)(src[i] >= 'A' && src[i] <= 'Z' ? src[i] + 32 : src[i]);
	dst[i] = 0;
}

static void rfc4648_vectors(void **state)
{
	(void)state;
	for (size_t v = 0; v < sizeof(rfc4648) / sizeof(rfc4648[0]); v++) {
		const struct vec *t = &rfc4648[v];
		size_t rl = strlen(t->raw);
		char out[64], want[64];
		uint8_t raw[64];

		lowercase_nopad(want, t->b16);
		assert_int_equal(sg_base16_encode(out, sizeof(out), (const uint8_t *)t->raw, rl),
		                 (int)strlen(want));
		assert_string_equal(out, want);
		assert_int_equal(sg_base16_decode(raw, sizeof(raw), t->b16, strlen(t->b16)),
		                 (int)rl);
		assert_memory_equal(raw, t->raw, rl);
		assert_int_equal(sg_base16_decode(raw, sizeof(raw), want, strlen(want)), (int)rl);
		assert_memory_equal(raw, t->raw, rl);

		lowercase_nopad(want, t->b32);
		assert_int_equal(sg_base32hex_encode(out, sizeof(out), (const uint8_t *)t->raw, rl),
		                 (int)strlen(want));
		assert_string_equal(out, want);
		/* padded upper case and unpadded lower case both decode */
		assert_int_equal(sg_base32hex_decode(raw, sizeof(raw), t->b32, strlen(t->b32)),
		                 (int)rl);
		assert_memory_equal(raw, t->raw, rl);
		assert_int_equal(sg_base32hex_decode(raw, sizeof(raw), want, strlen(want)),
		                 (int)rl);
		assert_memory_equal(raw, t->raw, rl);

		assert_int_equal(sg_base64_encode(out, sizeof(out), (const uint8_t *)t->raw, rl),
		                 (int)strlen(t->b64));
		assert_string_equal(out, t->b64);
		assert_int_equal(sg_base64_decode(raw, sizeof(raw), t->b64, strlen(t->b64)),
		                 (int)rl);
		assert_memory_equal(raw, t->raw, rl);
	}
}

static void encode_space(void **state)
{
	(void)state;
	const uint8_t src[] = "foobar";
	char out[32];
	uint8_t raw[32];
	assert_int_equal(sg_base16_encode(out, 12, src, 6), SG_ESPACE);
	assert_int_equal(sg_base16_encode(out, 13, src, 6), 12);
	assert_int_equal(sg_base16_encode(out, 0, src, 0), SG_ESPACE);
	assert_int_equal(sg_base16_encode(out, 1, src, 0), 0);
	assert_string_equal(out, "");
	assert_int_equal(sg_base16_encode(out, 8, src, SIZE_MAX / 2 + 1), SG_ESPACE);
	assert_int_equal(sg_base32hex_encode(out, 10, src, 6), SG_ESPACE);
	assert_int_equal(sg_base32hex_encode(out, 11, src, 6), 10);
	assert_int_equal(sg_base64_encode(out, 8, src, 6), SG_ESPACE);
	assert_int_equal(sg_base64_encode(out, 9, src, 6), 8);
	assert_int_equal(sg_base16_decode(raw, 5, "666F6F626172", 12), SG_ESPACE);
	assert_int_equal(sg_base32hex_decode(raw, 5, "cpnmuoj1e8", 10), SG_ESPACE);
	assert_int_equal(sg_base64_decode(raw, 5, "Zm9vYmFy", 8), SG_ESPACE);
	assert_int_equal(sg_base64_decode(raw, 4, "Zm9vYg==", 8), 4);
	assert_int_equal(sg_base64_decode(raw, 3, "Zm9vYg==", 8), SG_ESPACE);
}

static void encode_bad_input(void **state)
{
	(void)state;
	uint8_t raw[64];
	static const char *b16_bad[] = {"6", "666", "6G", "zz", "6 6", "0x", "-1"};
	for (size_t i = 0; i < sizeof(b16_bad) / sizeof(*b16_bad); i++)
		assert_int_equal(sg_base16_decode(raw, sizeof(raw), b16_bad[i], strlen(b16_bad[i])),
		                 SG_ESYNTAX);

	static const char *b32_bad[] = {
	        "c",                /* 1 char: 5 bits, no octet */
	        "cpn",              /* 3 chars */
	        "cpnmuo",           /* 6 chars */
	        "cp",               /* trailing bits 01 */
	        "cpnh",             /* trailing bits non-zero */
	        "w0",               /* outside the base32hex alphabet */
	        "CO=====",          /* 7 pads, length not a multiple of 8 */
	        "CO==",             /* too little padding */
	        "CPNG=====",        /* too much */
	        "CPNMU====",        /* 9 chars */
	        "C=O=====",         /* pad in the middle */
	        "========",         /* padding only */
	        "CO======CO======", /* pad before the end */
	        "co\n",
	};
	for (size_t i = 0; i < sizeof(b32_bad) / sizeof(*b32_bad); i++)
		assert_int_equal(
		        sg_base32hex_decode(raw, sizeof(raw), b32_bad[i], strlen(b32_bad[i])),
		        SG_ESYNTAX);

	static const char *b64_bad[] = {
	        "Zg=",            /* not a multiple of 4 */
	        "Zm9vY",  "Zh==", /* trailing bits non-zero */
	        "Zm9=",           /* trailing bits non-zero */
	        "Z===",   "====", "=Zm9", "Zg=a",     "Zm9*",
	        "Zm9 ",   "Zm-v", "Zm_v", "Zg==Zg==", /* padding before the last quantum */
	        "Zm9v\n",
	};
	for (size_t i = 0; i < sizeof(b64_bad) / sizeof(*b64_bad); i++)
		assert_int_equal(sg_base64_decode(raw, sizeof(raw), b64_bad[i], strlen(b64_bad[i])),
		                 SG_ESYNTAX);
}

static void encode_round_trip(void **state)
{
	(void)state;
	uint8_t src[256], raw[256];
	char txt[600];
	for (int i = 0; i < 256; i++)
		src[i] = (uint8_t)(i * 167 + 13);
	for (size_t len = 0; len <= 256; len++) {
		int n = sg_base16_encode(txt, sizeof(txt), src, len);
		assert_int_equal(n, (int)(2 * len));
		assert_int_equal(sg_base16_decode(raw, sizeof(raw), txt, (size_t)n), (int)len);
		assert_memory_equal(raw, src, len);

		n = sg_base32hex_encode(txt, sizeof(txt), src, len);
		assert_int_equal(n, (int)((len * 8 + 4) / 5));
		assert_int_equal(sg_base32hex_decode(raw, sizeof(raw), txt, (size_t)n), (int)len);
		assert_memory_equal(raw, src, len);
		for (int k = 0; k < n; k++)
			assert_true((txt[k] >= '0' && txt[k] <= '9') ||
			            (txt[k] >= 'a' && txt[k] <= 'v'));

		n = sg_base64_encode(txt, sizeof(txt), src, len);
		assert_int_equal(n, (int)((len + 2) / 3 * 4));
		assert_int_equal(sg_base64_decode(raw, sizeof(raw), txt, (size_t)n), (int)len);
		assert_memory_equal(raw, src, len);
	}
}

/* ---- numbers ------------------------------------------------------------- */

static void parse_u32(void **state)
{
	(void)state;
	uint32_t v = 12345;
	assert_int_equal(sg_parse_u32(&v, "0", 1, 10), SG_OK);
	assert_int_equal(v, 0);
	assert_int_equal(sg_parse_u32(&v, "65535", 5, 65535), SG_OK);
	assert_int_equal(v, 65535);
	assert_int_equal(sg_parse_u32(&v, "65536", 5, 65535), SG_ERANGE);
	assert_int_equal(v, 65535); /* untouched on failure */
	assert_int_equal(sg_parse_u32(&v, "4294967295", 10, UINT32_MAX), SG_OK);
	assert_int_equal(v, UINT32_MAX);
	assert_int_equal(sg_parse_u32(&v, "4294967296", 10, UINT32_MAX), SG_ERANGE);
	assert_int_equal(sg_parse_u32(&v, "99999999999999999999999999", 26, UINT32_MAX), SG_ERANGE);
	assert_int_equal(sg_parse_u32(&v, "00000000000042", 14, 100), SG_OK);
	assert_int_equal(v, 42);
	assert_int_equal(sg_parse_u32(&v, "1234", 2, 100), SG_OK); /* exactly len chars */
	assert_int_equal(v, 12);
	assert_int_equal(sg_parse_u32(&v, "", 0, 100), SG_ESYNTAX);
	static const char *bad[] = {"12a", "+1",   "-1",  " 1",
	                            "1 ",  "0x10", "1.5", "abcdefghijklmnop"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		assert_int_equal(sg_parse_u32(&v, bad[i], strlen(bad[i]), UINT32_MAX), SG_ESYNTAX);
}

static void parse_ttl(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		uint32_t v;
	} ok[] = {
	        {"0", 0},
	        {"3600", 3600},
	        {"1w2d3h4m5s", 604800 + 2 * 86400 + 3 * 3600 + 4 * 60 + 5},
	        {"1W2D3H4M5S", 604800 + 2 * 86400 + 3 * 3600 + 4 * 60 + 5},
	        {"1h", 3600},
	        {"1H30M", 5400},
	        {"2d", 172800},
	        {"90s", 90},
	        {"4294967295", 4294967295u},
	        {"7101w", 7101u * 604800u},
	        {"4294967295s", 4294967295u},
	        {"0w0d0h0m0s", 0},
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(*ok); i++) {
		uint32_t v = 1;
		assert_int_equal(sg_parse_ttl(&v, ok[i].s, strlen(ok[i].s)), SG_OK);
		assert_int_equal(v, ok[i].v);
	}
	static const char *range[] = {
	        "4294967296",          "7102w", "49711d", "1193047h", "71582789m", "4294967295s1s",
	        "99999999999999999999"};
	for (size_t i = 0; i < sizeof(range) / sizeof(*range); i++) {
		uint32_t v = 1;
		assert_int_equal(sg_parse_ttl(&v, range[i], strlen(range[i])), SG_ERANGE);
		assert_int_equal(v, 1);
	}
	static const char *bad[] = {"",    "h",  "1x",   "1 h", "-1", "+1",
	                            "1hh", "h1", "1.5h", "1y",  " 1"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		uint32_t v = 1;
		assert_int_equal(sg_parse_ttl(&v, bad[i], strlen(bad[i])), SG_ESYNTAX);
	}
}

/* ---- time ---------------------------------------------------------------- */

static void time_known_values(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		int64_t t;
	} tv[] = {
	        {"19700101000000", 0},
	        {"20030322173103", 1048354263}, /* RFC 4034 §3.3 example */
	        {"20230511000000", 1683763200},
	        {"20000229120000", 951825600},
	        {"20240229000000", 1709164800},
	        {"20380119031408", 2147483648LL}, /* past 2^31 */
	        {"21060207062816", 4294967296LL}, /* past 2^32 */
	        {"99991231235959", 253402300799LL},
	        {"19691231235959", -1},
	};
	for (size_t i = 0; i < sizeof(tv) / sizeof(*tv); i++) {
		int64_t t = 0;
		char out[15];
		assert_int_equal(sg_time_parse(&t, tv[i].s, 14), SG_OK);
		assert_int_equal(t, tv[i].t);
		assert_int_equal(sg_time_format(out, sizeof(out), tv[i].t), 14);
		assert_string_equal(out, tv[i].s);
	}
}

static void time_round_trip(void **state)
{
	(void)state;
	char out[15];
	/* every day from 1968 to 2110, at varying seconds of the day */
	for (int64_t t = -63072000; t < 4417977600LL; t += 86400 + 3599) {
		int64_t back = 0;
		assert_int_equal(sg_time_format(out, sizeof(out), t), 14);
		assert_int_equal(sg_time_parse(&back, out, 14), SG_OK);
		assert_int_equal(back, t);
	}
	/* year 0 and the last second of 9999 round trip; beyond does not format */
	int64_t t0 = 0;
	assert_int_equal(sg_time_parse(&t0, "00000101000000", 14), SG_OK);
	assert_int_equal(sg_time_format(out, sizeof(out), t0), 14);
	assert_string_equal(out, "00000101000000");
	assert_int_equal(sg_time_format(out, sizeof(out), t0 - 1), SG_ERANGE);
	assert_int_equal(sg_time_format(out, sizeof(out), 253402300800LL), SG_ERANGE);
	assert_int_equal(sg_time_format(out, 14, 0), SG_ESPACE);
}

static void time_invalid(void **state)
{
	(void)state;
	static const char *range[] = {
	        "20230229000000", /* not a leap year */
	        "19000229000000", /* century, not a leap year */
	        "20230431000000", "20231301000000", "20230001000000",
	        "20230100000000", "20230132000000", "20230101240000",
	        "20230101006000", "20230101000060", "20230101000099",
	};
	for (size_t i = 0; i < sizeof(range) / sizeof(*range); i++) {
		int64_t t = 7;
		assert_int_equal(sg_time_parse(&t, range[i], 14), SG_ERANGE);
		assert_int_equal(t, 7);
	}
	int64_t t = 0;
	assert_int_equal(sg_time_parse(&t, "20000229000000", 14), SG_OK);
	assert_int_equal(sg_time_parse(&t, "2023051100000", 13), SG_ESYNTAX);
	assert_int_equal(sg_time_parse(&t, "202305110000000", 15), SG_ESYNTAX);
	assert_int_equal(sg_time_parse(&t, "2023051100000a", 14), SG_ESYNTAX);
	assert_int_equal(sg_time_parse(&t, "2023-05-110000", 14), SG_ESYNTAX);
	assert_int_equal(sg_time_parse(&t, " 2023051100000", 14), SG_ESYNTAX);
	assert_int_equal(sg_time_parse(&t, "1683763200", 10), SG_ESYNTAX);
}

static void serial_arith(void **state)
{
	(void)state;
	assert_true(sg_serial_lt(1, 2));
	assert_false(sg_serial_lt(2, 1));
	assert_false(sg_serial_lt(5, 5));
	assert_true(sg_serial_lt(0xffffffffu, 0)); /* wraps */
	assert_false(sg_serial_lt(0, 0xffffffffu));
	assert_true(sg_serial_lt(0xfffffff0u, 0x10));
	assert_true(sg_serial_lt(0, 0x7fffffffu)); /* largest forward step */
	assert_false(sg_serial_lt(0x7fffffffu, 0));
	assert_true(sg_serial_lt(0x80000000u, 0xffffffffu));
	assert_true(sg_serial_lt(0xc0000000u, 0x3fffffffu));
	/* exactly half way is undefined (RFC 1982 §3.2): never both ways */
	assert_false(sg_serial_lt(0, 0x80000000u) && sg_serial_lt(0x80000000u, 0));
	assert_false(sg_serial_lt(0x12345678u, 0x12345678u + 0x80000000u) &&
	             sg_serial_lt(0x12345678u + 0x80000000u, 0x12345678u));
	/* RRSIG times after 2106 wrap: 2106-02-08 is after 2106-02-06 */
	assert_true(sg_serial_lt((uint32_t)4294880896LL, (uint32_t)4295053696LL));
}

static void strerror_names(void **state)
{
	(void)state;
	assert_string_equal(sg_strerror(SG_OK), "success");
	for (int e = SG_EEXIST; e < 0; e++) {
		assert_non_null(sg_strerror(e));
		assert_string_not_equal(sg_strerror(e), "unknown error");
	}
	assert_string_equal(sg_strerror(-999), "unknown error");
	assert_string_equal(sg_strerror(5), "unknown error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(arena_alignment_and_disjoint),
	        cmocka_unit_test(arena_big_allocations),
	        cmocka_unit_test(arena_reset),
	        cmocka_unit_test(arena_max),
	        cmocka_unit_test(arena_memdup),
	        cmocka_unit_test(buf_max_enforced),
	        cmocka_unit_test(buf_reserve_huge),
	        cmocka_unit_test(buf_printf_growth),
	        cmocka_unit_test(rfc4648_vectors),
	        cmocka_unit_test(encode_space),
	        cmocka_unit_test(encode_bad_input),
	        cmocka_unit_test(encode_round_trip),
	        cmocka_unit_test(parse_u32),
	        cmocka_unit_test(parse_ttl),
	        cmocka_unit_test(time_known_values),
	        cmocka_unit_test(time_round_trip),
	        cmocka_unit_test(time_invalid),
	        cmocka_unit_test(serial_arith),
	        cmocka_unit_test(strerror_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
