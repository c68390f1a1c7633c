/* Unit tests for src/lib/wire/name.c: presentation form, canonical order,
 * label helpers and decompression (including hostile packets). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "signet/name.h"

/* Parses `text` (absolute unless origin given) or fails the test. */
static size_t parse(uint8_t dst[SG_NAME_MAX], const char *text, const uint8_t *origin)
{
	size_t len = 0;
	int r = sg_name_from_text(dst, &len, text, strlen(text), origin);
	if (r != SG_OK)
		fail_msg("parse \"%s\": %d", text, r);
	assert_int_equal(sg_name_len(dst), len);
	return len;
}

static int parse_err(const char *text, const uint8_t *origin)
{
	uint8_t dst[SG_NAME_MAX];
	size_t len = 0;
	return sg_name_from_text(dst, &len, text, strlen(text), origin);
}

static void assert_text(const uint8_t *name, const char *want)
{
	char out[SG_NAME_TEXT_MAX];
	int n = sg_name_to_text(out, sizeof(out), name);
	assert_int_equal(n, (int)strlen(want));
	assert_string_equal(out, want);
}

/* ---- from_text ------------------------------------------------------------ */

static void from_text_basic(void **state)
{
	(void)state;
	uint8_t n[SG_NAME_MAX], o[SG_NAME_MAX];
	assert_int_equal(parse(n, "example.com.", NULL), 13);
	assert_memory_equal(n, "\7example\3com", 13); /* includes the NUL */
	assert_int_equal(parse(n, ".", NULL), 1);
	assert_int_equal(n[0], 0);
	assert_int_equal(parse(n, "Www.Example.COM.", NULL), 17);
	assert_memory_equal(n, "\3Www\7Example\3COM", 17); /* case kept */

	parse(o, "example.com.", NULL);
	assert_int_equal(parse(n, "@", o), 13);
	assert_memory_equal(n, o, 13);
	assert_int_equal(parse(n, "www", o), 17);
	assert_memory_equal(n, "\3www\7example\3com", 17);
	assert_int_equal(parse(n, "a.b", o), 17);
	assert_memory_equal(n, "\1a\1b\7example\3com", 17);
	assert_int_equal(parse(n, "www", sg_name_root), 5);
	assert_memory_equal(n, "\3www", 5);
	/* absolute names ignore the origin */
	assert_int_equal(parse(n, "www.", o), 5);
	assert_int_equal(parse(n, ".", o), 1);
	/* "@" is only special alone */
	assert_int_equal(parse(n, "@.", NULL), 3);
	assert_memory_equal(n, "\1@", 3);

	assert_int_equal(parse_err("@", NULL), SG_ESYNTAX);
	assert_int_equal(parse_err("www", NULL), SG_ESYNTAX);
	assert_int_equal(parse_err("", o), SG_ESYNTAX);
	assert_int_equal(parse_err("", NULL), SG_ESYNTAX);
}

static void from_text_origin_aliases_dst(void **state)
{
	(void)state;
	/* $ORIGIN relative to the current origin, parsed in place */
	uint8_t o[SG_NAME_MAX];
	size_t len = 0;
	parse(o, "example.com.", NULL);
	assert_int_equal(sg_name_from_text(o, &len, "sub", 3, o), SG_OK);
	assert_int_equal(len, 17);
	assert_memory_equal(o, "\3sub\7example\3com", 17);
	assert_int_equal(sg_name_from_text(o, &len, "@", 1, o), SG_OK);
	assert_int_equal(len, 17);
	assert_memory_equal(o, "\3sub\7example\3com", 17);
	/* origin inside the destination buffer */
	uint8_t buf[SG_NAME_MAX];
	parse(buf, "a.b.c.", NULL);
	assert_int_equal(sg_name_from_text(buf, &len, "xyzzy.q", 7, buf + 2), SG_OK);
	assert_memory_equal(buf, "\5xyzzy\1q\1b\1c", 13);
}

static void from_text_empty_labels(void **state)
{
	(void)state;
	uint8_t o[SG_NAME_MAX];
	parse(o, "example.", NULL);
	static const char *bad[] = {"..",        ".example.", "a..b.", "a..",
	                            "example..", ".a",        "a..b",  "..."};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		assert_int_equal(parse_err(bad[i], o), SG_ESYNTAX);
		assert_int_equal(parse_err(bad[i], NULL), SG_ESYNTAX);
	}
}

static void from_text_escapes(void **state)
{
	(void)state;
	uint8_t n[SG_NAME_MAX], o[SG_NAME_MAX];
	parse(o, "example.", NULL);
	assert_int_equal(parse(n, "a\\.b.example.", NULL), 13);
	assert_memory_equal(n, "\3a.b\7example", 13);
	assert_int_equal(sg_name_labels(n), 2);
	assert_int_equal(parse(n, "a\\\\b.", NULL), 5);
	assert_memory_equal(n, "\3a\\b", 5);
	assert_int_equal(parse(n, "\\065\\066c.", NULL), 5);
	assert_memory_equal(n, "\3ABc", 5);
	assert_int_equal(parse(n, "\\000.", NULL), 3);
	assert_memory_equal(n, "\1\0\0", 3);
	assert_int_equal(parse(n, "\\255\\0001.", NULL), 5);
	assert_memory_equal(n,
	                    "\3\377\0"
	                    "1",
	                    5);
	assert_int_equal(parse(n, "\\@\\$\\;\\(\\)\\\".", NULL), 8);
	assert_memory_equal(n, "\6@$;()\"", 8);
	assert_int_equal(parse(n, "\\x.", NULL), 3); /* \X is X */
	assert_memory_equal(n, "\1x", 3);
	/* an escaped final dot keeps the name relative */
	assert_int_equal(parse(n, "a\\.", o), 12);
	assert_memory_equal(n, "\2a.\7example", 12);
	assert_int_equal(parse_err("a\\.", NULL), SG_ESYNTAX);

	static const char *bad[] = {
	        "\\256.", "\\999.", "\\25.", "\\2.", "\\2", "\\25", "a\\", "\\", "\\0a1.", "a.\\",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		assert_int_equal(parse_err(bad[i], o), SG_ESYNTAX);
}

/* Appends s to the NUL-terminated t of size cap (test helper). */
static void app(char *t, size_t cap, const char *s)
{
	size_t l = strlen(t), n = strlen(s);
	assert_true(l + n < cap);
	memcpy(t + l, s, n + 1);
}

static void fill(char *buf, char c, size_t n)
{
	memset(buf, c, n);
	buf[n] = 0;
}

static void from_text_limits(void **state)
{
	(void)state;
	uint8_t n[SG_NAME_MAX], o[SG_NAME_MAX];
	char t[2048];

	/* labels: 63 octets fine, 64 too long, also when written as escapes */
	fill(t, 'a', 63);
	memcpy(t + 63, ".", 2);
	assert_int_equal(parse(n, t, NULL), 65);
	assert_int_equal(n[0], 63);
	fill(t, 'a', 64);
	memcpy(t + 64, ".", 2);
	assert_int_equal(parse_err(t, NULL), SG_ETOOLONG);
	t[64] = 0; /* relative, 64 octets */
	assert_int_equal(parse_err(t, sg_name_root), SG_ETOOLONG);
	t[0] = 0;
	for (int i = 0; i < 63; i++)
		app(t, sizeof(t), "\\066");
	app(t, sizeof(t), ".");
	assert_int_equal(parse(n, t, NULL), 65);
	assert_int_equal(n[1], 'B');
	t[0] = 0;
	for (int i = 0; i < 64; i++)
		app(t, sizeof(t), "\\066");
	app(t, sizeof(t), ".");
	assert_int_equal(parse_err(t, NULL), SG_ETOOLONG);

	/* names: 63.63.63.61 = 255 octets fine, 63.63.63.62 = 256 too long */
	char l63[64], l61[62], l62[63];
	fill(l63, 'x', 63);
	fill(l61, 'y', 61);
	fill(l62, 'y', 62);
	snprintf(t, sizeof(t), "%s.%s.%s.%s.", l63, l63, l63, l61);
	assert_int_equal(parse(n, t, NULL), 255);
	assert_int_equal(sg_name_labels(n), 4);
	snprintf(t, sizeof(t), "%s.%s.%s.%s.", l63, l63, l63, l62);
	assert_int_equal(parse_err(t, NULL), SG_ETOOLONG);
	snprintf(t, sizeof(t), "%s.%s.%s.%s.a.", l63, l63, l63, l61);
	assert_int_equal(parse_err(t, NULL), SG_ETOOLONG);
	/* 127 one-octet labels = 255, 128 = 257 */
	t[0] = 0;
	for (int i = 0; i < 127; i++)
		app(t, sizeof(t), "a.");
	assert_int_equal(parse(n, t, NULL), 255);
	assert_int_equal(sg_name_labels(n), 127);
	app(t, sizeof(t), "a.");
	assert_int_equal(parse_err(t, NULL), SG_ETOOLONG);

	/* relative + origin: exactly 255 fine, 256 too long */
	snprintf(t, sizeof(t), "%s.%s.", l63, l63);
	assert_int_equal(parse(o, t, NULL), 129);
	snprintf(t, sizeof(t), "%s.%s", l63, l61);
	assert_int_equal(parse(n, t, o), 255);
	snprintf(t, sizeof(t), "%s.%s", l63, l62);
	assert_int_equal(parse_err(t, o), SG_ETOOLONG);
	/* "@" with a 255-octet origin */
	uint8_t big[SG_NAME_MAX];
	snprintf(t, sizeof(t), "%s.%s.%s.%s.", l63, l63, l63, l61);
	parse(big, t, NULL);
	assert_int_equal(parse(n, "@", big), 255);
	assert_memory_equal(n, big, 255);
	assert_int_equal(parse_err("a", big), SG_ETOOLONG);
}

/* ---- to_text --------------------------------------------------------------- */

static void to_text_escaping(void **state)
{
	(void)state;
	uint8_t n[SG_NAME_MAX];
	assert_text(sg_name_root, ".");
	parse(n, "Www.Example.COM.", NULL);
	assert_text(n, "Www.Example.COM.");
	static const uint8_t sp[] = "\x0a.\\\"();@$ \x7f"
	                            "A";
	uint8_t w[16];
	w[0] = 12;
	memcpy(w + 1, sp, 12);
	w[13] = 0;
	assert_text(w, "\\010\\.\\\\\\\"\\(\\)\\;\\@\\$\\032\\127A.");
	static const uint8_t hi[] = {3, 0, 0x80, 0xff, 1, '*', 0};
	assert_text(hi, "\\000\\128\\255.*.");
}

static void to_text_space(void **state)
{
	(void)state;
	uint8_t n[SG_NAME_MAX];
	parse(n, "ab\\000.c\\..", NULL);
	const char *want = "ab\\000.c\\..";
	size_t wl = strlen(want);
	char out[64];
	for (size_t cap = 0; cap <= wl + 1; cap++) {
		memset(out, '#', sizeof(out));
		int r = sg_name_to_text(out, cap, n);
		if (cap <= wl)
			assert_int_equal(r, SG_ESPACE);
		else {
			assert_int_equal(r, (int)wl);
			assert_string_equal(out, want);
		}
		for (size_t i = cap; i < sizeof(out); i++)
			assert_int_equal(out[i], '#'); /* nothing written past cap */
	}
	assert_int_equal(sg_name_to_text(out, 1, sg_name_root), SG_ESPACE);
	assert_int_equal(sg_name_to_text(out, 2, sg_name_root), 1);

	/* the worst case fits SG_NAME_TEXT_MAX: 255 octets, all escaped */
	uint8_t w[SG_NAME_MAX];
	size_t p = 0;
	for (int l = 0; l < 4; l++) {
		uint8_t ll = l < 3 ? 63 : 61;
		w[p++] = ll;
		memset(w + p, 0xff, ll);
		p += ll;
	}
	w[p++] = 0;
	assert_int_equal(p, 255);
	char big[SG_NAME_TEXT_MAX];
	assert_int_equal(sg_name_to_text(big, sizeof(big), w), 250 * 4 + 4);
}

static void round_trip_all_octets(void **state)
{
	(void)state;
	/* every octet value, as a one-octet label and packed into 63-octet labels */
	for (int b = 0; b < 256; b++) {
		uint8_t w[4] = {1, (uint8_t)b, 0, 0}, back[SG_NAME_MAX];
		char txt[SG_NAME_TEXT_MAX];
		int n = sg_name_to_text(txt, sizeof(txt), w);
		assert_true(n > 0);
		size_t bl = 0;
		assert_int_equal(sg_name_from_text(back, &bl, txt, (size_t)n, NULL), SG_OK);
		assert_int_equal(bl, 3);
		assert_memory_equal(back, w, 3);
		for (int i = 0; i < n; i++)
			assert_true(txt[i] > 0x20 && txt[i] < 0x7f); /* output is printable */
	}
	for (int start = 0; start < 256; start += 63) {
		uint8_t w[SG_NAME_MAX], back[SG_NAME_MAX];
		int cnt = 256 - start < 63 ? 256 - start : 63;
		w[0] = (uint8_t)cnt;
		for (int i = 0; i < cnt; i++)
			w[1 + i] = (uint8_t)(start + i);
		w[1 + cnt] = 3;
		memcpy(w + 2 + cnt, "o\\k", 3);
		w[5 + cnt] = 0;
		char txt[SG_NAME_TEXT_MAX];
		int n = sg_name_to_text(txt, sizeof(txt), w);
		assert_true(n > 0);
		size_t bl = 0;
		assert_int_equal(sg_name_from_text(back, &bl, txt, (size_t)n, NULL), SG_OK);
		assert_int_equal(bl, (size_t)cnt + 6);
		assert_memory_equal(back, w, bl);
	}
}

/* ---- comparison ------------------------------------------------------------ */

static int cmp_ptr(const void *a, const void *b)
{
	return sg_name_compare(*(const uint8_t *const *)a, *(const uint8_t *const *)b);
}

static void canonical_order_rfc4034(void **state)
{
	(void)state;
	/* RFC 4034 §6.1, in the order given there */
	static const char *order[] = {
	        "example.",         "a.example.",      "yljkjljk.a.example.",
	        "Z.a.example.",     "zABC.a.EXAMPLE.", "z.example.",
	        "\\001.z.example.", "*.z.example.",    "\\200.z.example.",
	};
	enum { N = sizeof(order) / sizeof(*order) };
	static uint8_t names[N][SG_NAME_MAX];
	for (int i = 0; i < N; i++)
		parse(names[i], order[i], NULL);
	static const int shuffle[N] = {5, 8, 0, 3, 7, 1, 6, 2, 4};
	const uint8_t *v[N];
	for (int i = 0; i < N; i++)
		v[i] = names[shuffle[i]];
	qsort(v, N, sizeof(v[0]), cmp_ptr);
	for (int i = 0; i < N; i++)
		assert_ptr_equal(v[i], names[i]);
	/* reverse input sorts the same way */
	for (int i = 0; i < N; i++)
		v[i] = names[N - 1 - i];
	qsort(v, N, sizeof(v[0]), cmp_ptr);
	for (int i = 0; i < N; i++)
		assert_ptr_equal(v[i], names[i]);
	/* every pair, both ways */
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++) {
			int c = sg_name_compare(names[i], names[j]);
			if (i < j)
				assert_true(c < 0);
			else if (i > j)
				assert_true(c > 0);
			else
				assert_int_equal(c, 0);
		}
	/* the root sorts before everything */
	for (int i = 0; i < N; i++) {
		assert_true(sg_name_compare(sg_name_root, names[i]) < 0);
		assert_true(sg_name_compare(names[i], sg_name_root) > 0);
	}
	assert_int_equal(sg_name_compare(sg_name_root, sg_name_root), 0);
}

static void compare_details(void **state)
{
	(void)state;
	uint8_t a[SG_NAME_MAX], b[SG_NAME_MAX];
	parse(a, "EXAMPLE.Com.", NULL);
	parse(b, "example.cOM.", NULL);
	assert_int_equal(sg_name_compare(a, b), 0);
	assert_true(sg_name_equal(a, b));
	/* a label that is a prefix of another sorts first */
	parse(a, "ab.com.", NULL);
	parse(b, "abc.com.", NULL);
	assert_true(sg_name_compare(a, b) < 0);
	assert_true(sg_name_compare(b, a) > 0);
	/* octets compare unsigned: \200 after z, and '_' (0x5f) after 'a' once lowered */
	parse(a, "\\200.", NULL);
	parse(b, "z.", NULL);
	assert_true(sg_name_compare(a, b) > 0);
	parse(a, "_.", NULL);
	parse(b, "A.", NULL);
	assert_true(sg_name_compare(a, b) < 0); /* 0x5f < 'a' (0x61) */
	/* the rightmost label decides first */
	parse(a, "z.a.", NULL);
	parse(b, "a.b.", NULL);
	assert_true(sg_name_compare(a, b) < 0);
	/* 127-label names */
	char t[300] = "";
	for (int i = 0; i < 127; i++)
		app(t, sizeof(t), "a.");
	parse(a, t, NULL);
	t[0] = 'b';
	parse(b, t, NULL);
	assert_true(sg_name_compare(a, b) < 0);
	assert_int_equal(sg_name_compare(a, a), 0);
}

static void equal_case(void **state)
{
	(void)state;
	uint8_t a[SG_NAME_MAX], b[SG_NAME_MAX];
	parse(a, "WwW.ExAmPlE.", NULL);
	parse(b, "www.example.", NULL);
	assert_true(sg_name_equal(a, b));
	assert_true(sg_name_equal(b, a));
	assert_int_equal(sg_name_hash(a), sg_name_hash(b));
	parse(b, "www.example.com.", NULL);
	assert_false(sg_name_equal(a, b));
	parse(b, "ww.example.", NULL);
	assert_false(sg_name_equal(a, b));
	parse(b, "www.exampla.", NULL);
	assert_false(sg_name_equal(a, b));
	/* only ASCII letters fold: '@' (0x40) vs '`' (0x60), '[' vs '{', \193 vs \225 */
	parse(a, "\\@.", NULL);
	parse(b, "`.", NULL);
	assert_false(sg_name_equal(a, b));
	assert_true(sg_name_compare(a, b) != 0);
	parse(a, "[.", NULL);
	parse(b, "{.", NULL);
	assert_false(sg_name_equal(a, b));
	parse(a, "\\193.", NULL);
	parse(b, "\\225.", NULL);
	assert_false(sg_name_equal(a, b));
	/* labels split differently are different names */
	parse(a, "ab.c.", NULL);
	parse(b, "a.bc.", NULL);
	assert_false(sg_name_equal(a, b));
	assert_true(sg_name_compare(a, b) != 0);
	assert_true(sg_name_equal(sg_name_root, sg_name_root));
}

static void hash_case_variants(void **state)
{
	(void)state;
	uint8_t a[SG_NAME_MAX], b[SG_NAME_MAX];
	static const char *pairs[][2] = {
	        {"EXAMPLE.", "example."},
	        {"MiXeD.CaSe.Org.", "mixed.case.org."},
	        {"XN--BCHER-KVA.Example.", "xn--bcher-kva.example."},
	};
	for (size_t i = 0; i < sizeof(pairs) / sizeof(*pairs); i++) {
		parse(a, pairs[i][0], NULL);
		parse(b, pairs[i][1], NULL);
		assert_int_equal(sg_name_hash(a), sg_name_hash(b));
		sg_name_lower(a);
		assert_memory_equal(a, b, sg_name_len(b));
	}
	/* distinct names spread (fixed inputs, so this cannot be flaky) */
	static const char *names[] = {"a.",   "b.",       "ab.",          "a.b.",
	                              "b.a.", "example.", "example.com.", "."};
	enum { N = sizeof(names) / sizeof(*names) };
	uint32_t h[N];
	for (int i = 0; i < N; i++) {
		parse(a, names[i], NULL);
		h[i] = sg_name_hash(a);
		for (int j = 0; j < i; j++)
			assert_int_not_equal(h[i], h[j]);
	}
}

/* sg_name_equal and sg_name_hash read names a word at a time; check them
 * against sg_name_compare (label by label, octet by octet) on random names
 * of every length from 1 to 40 octets, with random case changes and
 * one-octet edits, and with every octet value in the labels. */
static void equal_hash_word_boundaries(void **state)
{
	(void)state;
	uint32_t seed = 12345;
	for (int round = 0; round < 20000; round++) {
		uint8_t a[SG_NAME_MAX], b[SG_NAME_MAX];
		size_t len = 0;
		size_t total = 1 + (size_t)(round % 40); /* wire length wanted */
		while (len + 1 < total) {
			seed = seed * 1103515245u + 12345u;
			size_t l = 1 + (seed >> 16) % 10;
			if (len + 1 + l + 1 > total)
				l = total - len - 2;
			if (l == 0)
				break;
			a[len++] = (uint8_t)l;
			for (size_t i = 0; i < l; i++) {
				seed = seed * 1103515245u + 12345u;
				uint8_t c = (seed >> 16) & 3 ? (uint8_t)('a' + (seed >> 18) % 26)
				                             : (uint8_t)(seed >> 20);
				a[len++] = c;
			}
		}
		a[len++] = 0;
		memcpy(b, a, len);
		seed = seed * 1103515245u + 12345u;
		size_t at = (seed >> 16) % len;
		int what = (int)((seed >> 8) & 3);
		/* 0: case flip of a letter, 1: change an octet of a label,
		 * 2: nothing, 3: case flip everywhere */
		bool is_len_octet = false;
		for (size_t p = 0; p < len; p += (size_t)a[p] + 1)
			if (p == at)
				is_len_octet = true;
		if (what == 0 && !is_len_octet && ((b[at] | 0x20) >= 'a' && (b[at] | 0x20) <= 'z'))
			b[at] ^= 0x20;
		else if (what == 1 && !is_len_octet)
			b[at] = (uint8_t)(b[at] + 1 + (seed >> 24) % 200);
		else if (what == 3)
			for (size_t p = 0; p < len; p++)
				if ((b[p] | 0x20) >= 'a' && (b[p] | 0x20) <= 'z' && !(p == 0))
					b[p] ^= 0x20;
		/* a flip of a length octet's 0x20 bit would break the name; the
		 * loop above only flips letters, and length octets are below 64 */
		bool same = sg_name_compare(a, b) == 0;
		assert_int_equal(sg_name_equal(a, b), same);
		assert_int_equal(sg_name_equal(b, a), same);
		if (same)
			assert_int_equal(sg_name_hash(a), sg_name_hash(b));
		assert_int_equal(sg_name_hash_len(a, sg_name_len(a)), sg_name_hash(a));
	}
}

/* ---- structure helpers --------------------------------------------------- */

static void labels_and_wildcards(void **state)
{
	(void)state;
	uint8_t n[SG_NAME_MAX];
	assert_int_equal(sg_name_labels(sg_name_root), 0);
	assert_int_equal(sg_name_rrsig_labels(sg_name_root), 0);
	assert_false(sg_name_is_wildcard(sg_name_root));
	parse(n, "com.", NULL);
	assert_int_equal(sg_name_labels(n), 1);
	assert_int_equal(sg_name_rrsig_labels(n), 1);
	parse(n, "*.example.com.", NULL);
	assert_int_equal(sg_name_labels(n), 3);
	assert_int_equal(sg_name_rrsig_labels(n), 2);
	assert_true(sg_name_is_wildcard(n));
	parse(n, "*.", NULL);
	assert_int_equal(sg_name_labels(n), 1);
	assert_int_equal(sg_name_rrsig_labels(n), 0);
	assert_true(sg_name_is_wildcard(n));
	parse(n, "a.*.example.", NULL);
	assert_false(sg_name_is_wildcard(n));
	assert_int_equal(sg_name_rrsig_labels(n), 3);
	parse(n, "**.example.", NULL);
	assert_false(sg_name_is_wildcard(n));
	assert_int_equal(sg_name_rrsig_labels(n), 2);
	parse(n, "\\042.example.", NULL); /* \042 is '*' in wire form */
	assert_true(sg_name_is_wildcard(n));
}

static void suffix_parent_subdomain(void **state)
{
	(void)state;
	uint8_t n[SG_NAME_MAX], p[SG_NAME_MAX], c[SG_NAME_MAX];
	parse(n, "www.example.com.", NULL);
	assert_ptr_equal(sg_name_suffix(n, 3), n);
	assert_ptr_equal(sg_name_suffix(n, 2), n + 4);
	assert_ptr_equal(sg_name_suffix(n, 1), n + 12);
	assert_ptr_equal(sg_name_suffix(n, 0), n + 16);
	assert_int_equal(*sg_name_suffix(n, 0), 0);
	assert_ptr_equal(sg_name_suffix(n, 9), n);
	assert_ptr_equal(sg_name_parent(n), n + 4);
	assert_ptr_equal(sg_name_parent(n + 12), n + 16);
	assert_ptr_equal(sg_name_parent(sg_name_root), sg_name_root);

	parse(p, "Example.COM.", NULL);
	assert_true(sg_name_is_subdomain(n, p));
	assert_true(sg_name_is_subdomain(p, p));
	assert_true(sg_name_is_subdomain(n, sg_name_root));
	assert_true(sg_name_is_subdomain(sg_name_root, sg_name_root));
	assert_false(sg_name_is_subdomain(p, n));
	assert_false(sg_name_is_subdomain(sg_name_root, p));
	parse(c, "wwwexample.com.", NULL);
	assert_false(sg_name_is_subdomain(c, p));
	parse(c, "www.xexample.com.", NULL);
	assert_false(sg_name_is_subdomain(c, p));
	parse(c, "www.example.org.", NULL);
	assert_false(sg_name_is_subdomain(c, p));
	parse(c, "a\\.example.com.", NULL); /* one label "a.example" under com */
	assert_false(sg_name_is_subdomain(c, p));
}

static void copy_lower_len(void **state)
{
	(void)state;
	uint8_t n[SG_NAME_MAX], d[SG_NAME_MAX];
	parse(n, "WWW.Example.\\065.", NULL);
	assert_int_equal(sg_name_len(n), 15);
	assert_int_equal(sg_name_copy(d, n), 15);
	assert_memory_equal(d, n, 15);
	sg_name_lower(d);
	assert_memory_equal(d, "\3www\7example\1a", 15);
	assert_int_equal(sg_name_len(sg_name_root), 1);
	/* overlapping copy to its own parent position */
	assert_int_equal(sg_name_copy(n, n + 4), 11);
	assert_memory_equal(n, "\7Example\1A", 11);
}

/* ---- unpack ---------------------------------------------------------------- */

/* A response for www.example.com/A with a CNAME to mail.example.com and the
 * A record of that, compressed as a real server does:
 *   12: www.example.com (question)
 *   33: C0 0C           (answer owner)
 *   45: 04 mail C0 10   (CNAME target: mail + example.com at 16)
 *   52: C0 2D           (owner of the second answer -> 45)
 */
static const uint8_t pkt[] = {
        0x12,          0x34, 0x81, 0x80, 0,   1,    0,   2,   0,    0,    0,   0,
        /* 12 */ 3,    'w',  'w',  'w',  7,   'e',  'x', 'a', 'm',  'p',  'l', 'e', 3,
        'c',           'o',  'm',  0,
        /* 29 */ 0,    1,    0,    1,
        /* 33 */ 0xc0, 12,   0,    5,    0,   1,    0,   0,   0x0e, 0x10, 0,   7,
        /* 45 */ 4,    'm',  'a',  'i',  'l', 0xc0, 16,
        /* 52 */ 0xc0, 45,   0,    1,    0,   1,    0,   0,   0x0e, 0x10, 0,   4,
        /* 64 */ 192,  0,    2,    1,
};

static void unpack_expect(const uint8_t *msg, size_t msglen, size_t at, const char *want,
                          size_t want_end)
{
	uint8_t dst[SG_NAME_MAX], w[SG_NAME_MAX];
	size_t dl = 0, pos = at;
	size_t wl = parse(w, want, NULL);
	assert_int_equal(sg_name_unpack(dst, &dl, msg, msglen, &pos), SG_OK);
	assert_int_equal(dl, wl);
	assert_memory_equal(dst, w, wl);
	assert_int_equal(pos, want_end);
}

static int unpack_err(const uint8_t *msg, size_t msglen, size_t at)
{
	uint8_t dst[SG_NAME_MAX];
	size_t dl = 77, pos = at;
	int r = sg_name_unpack(dst, &dl, msg, msglen, &pos);
	if (r < 0) {
		assert_int_equal(pos, at); /* position untouched on failure */
		assert_int_equal(dl, 77);
	}
	return r;
}

static void unpack_real_packet(void **state)
{
	(void)state;
	assert_int_equal(sizeof(pkt), 68);
	unpack_expect(pkt, sizeof(pkt), 12, "www.example.com.", 29);
	unpack_expect(pkt, sizeof(pkt), 16, "example.com.", 29);
	unpack_expect(pkt, sizeof(pkt), 28, ".", 29);
	unpack_expect(pkt, sizeof(pkt), 33, "www.example.com.", 35);
	unpack_expect(pkt, sizeof(pkt), 45, "mail.example.com.", 52);
	unpack_expect(pkt, sizeof(pkt), 52, "mail.example.com.", 54); /* pointer to a pointer */
	/* case is preserved */
	uint8_t up[sizeof(pkt)];
	memcpy(up, pkt, sizeof(pkt));
	up[13] = 'W';
	unpack_expect(up, sizeof(up), 33, "Www.example.com.", 35);
	/* the same message cut short */
	assert_int_equal(unpack_err(pkt, 28, 12), SG_ETRUNC);
	assert_int_equal(unpack_err(pkt, 20, 12), SG_ETRUNC);
	assert_int_equal(unpack_err(pkt, 34, 33), SG_ETRUNC); /* half a pointer */
	assert_int_equal(unpack_err(pkt, sizeof(pkt), sizeof(pkt)), SG_ETRUNC);
	assert_int_equal(unpack_err(pkt, 0, 0), SG_ETRUNC);
}

static void unpack_attacks(void **state)
{
	(void)state;
	uint8_t m[512];
	memset(m, 0, sizeof(m));

	/* pointer to itself */
	m[12] = 0xc0;
	m[13] = 12;
	assert_int_equal(unpack_err(m, 14, 12), SG_EPTR);
	/* two pointers pointing at each other */
	m[12] = 0xc0;
	m[13] = 14;
	m[14] = 0xc0;
	m[15] = 12;
	assert_int_equal(unpack_err(m, 16, 14), SG_EPTR);
	assert_int_equal(unpack_err(m, 16, 12), SG_EPTR);
	/* a label, then a pointer back to that label: a loop that grows */
	static const uint8_t grow[] = {1, 'a', 0xc0, 0};
	assert_int_equal(unpack_err(grow, sizeof(grow), 0), SG_EPTR);
	/* forward pointer, even to a valid name */
	static const uint8_t fwd[] = {0xc0, 2, 1, 'a', 0};
	assert_int_equal(unpack_err(fwd, sizeof(fwd), 0), SG_EPTR);
	/* pointer past the end */
	static const uint8_t past[] = {1, 'a', 0, 0xc0, 0xff};
	assert_int_equal(unpack_err(past, sizeof(past), 3), SG_EPTR);
	static const uint8_t past2[] = {0xff, 0xff};
	assert_int_equal(unpack_err(past2, sizeof(past2), 0), SG_EPTR);
	/* pointer into the middle of a pointer chain that loops later */
	static const uint8_t chain[] = {1, 'a', 0xc0, 4, 1, 'b', 0xc0, 0};
	assert_int_equal(unpack_err(chain, sizeof(chain), 4), SG_EPTR);
	/* truncated label and missing root */
	static const uint8_t trunc[] = {5, 'a', 'b', 'c'};
	assert_int_equal(unpack_err(trunc, sizeof(trunc), 0), SG_ETRUNC);
	static const uint8_t noroot[] = {3, 'a', 'b', 'c'};
	assert_int_equal(unpack_err(noroot, sizeof(noroot), 0), SG_ETRUNC);
	static const uint8_t ptrnoroot[] = {1, 'a', 0xc0, 0};
	assert_int_equal(unpack_err(ptrnoroot, sizeof(ptrnoroot), 2),
	                 SG_EPTR); /* back into a loop */
	/* extended label types 0x40 and 0x80 */
	static const uint8_t ext40[] = {0x41, 'a', 0};
	assert_int_equal(unpack_err(ext40, sizeof(ext40), 0), SG_EMALFORMED);
	static const uint8_t ext80[] = {1, 'a', 0x80, 0};
	assert_int_equal(unpack_err(ext80, sizeof(ext80), 0), SG_EMALFORMED);

	/* decompressed length: four 63-octet labels chained by pointers = 257 */
	size_t p = 0, at[4];
	for (int i = 0; i < 4; i++) {
		at[i] = p;
		m[p++] = 63;
		memset(m + p, 'a' + i, 63);
		p += 63;
		if (i == 0)
			m[p++] = 0;
		else {
			m[p++] = 0xc0;
			m[p++] = (uint8_t)at[i - 1];
		}
	}
	assert_int_equal(unpack_err(m, p, at[3]), SG_ETOOLONG);
	/* 63.63.63.61 through the same pointers is exactly 255 and fine */
	m[at[0]] = 61;
	m[at[0] + 62] = 0;
	uint8_t dst[SG_NAME_MAX];
	size_t dl = 0, pos = at[3];
	assert_int_equal(sg_name_unpack(dst, &dl, m, p, &pos), SG_OK);
	assert_int_equal(dl, 255);
	assert_int_equal(pos, at[3] + 66);
	assert_int_equal(sg_name_len(dst), 255);
	assert_int_equal(sg_name_labels(dst), 4);
	/* 128 one-octet labels (257 octets) without any pointer */
	for (int i = 0; i < 128; i++) {
		m[2 * i] = 1;
		m[2 * i + 1] = 'x';
	}
	m[256] = 0;
	assert_int_equal(unpack_err(m, 257, 0), SG_ETOOLONG);
	assert_int_equal(unpack_err(m, 257, 2), SG_OK); /* 127 labels: 255 */
}

static uint32_t rng = 12345;
static uint32_t next_rand(void)
{
	rng = rng * 1103515245u + 12345u;
	return rng >> 8;
}

static void unpack_random(void **state)
{
	(void)state;
	/* random messages biased towards label/pointer octets: never crash and
	 * every accepted name is well formed */
	uint8_t m[300], dst[SG_NAME_MAX];
	int ok = 0;
	for (int iter = 0; iter < 200000; iter++) {
		size_t len = next_rand() % sizeof(m);
		for (size_t i = 0; i < len; i++) {
			uint32_t r = next_rand();
			switch (r % 4) {
			case 0:
				m[i] = (uint8_t)(r >> 8) % 4;
				break;
			case 1:
				m[i] = (uint8_t)(0xc0 | ((r >> 8) & 1));
				break;
			default:
				m[i] = (uint8_t)(r >> 8);
				break;
			}
		}
		size_t pos = len ? next_rand() % len : 0, dl = 0, start = pos;
		int r = sg_name_unpack(dst, &dl, m, len, &pos);
		if (r == SG_OK) {
			ok++;
			assert_true(dl >= 1 && dl <= SG_NAME_MAX);
			assert_int_equal(sg_name_len(dst), dl);
			assert_true(pos > start && pos <= len);
		} else {
			assert_true(r == SG_ETRUNC || r == SG_EPTR || r == SG_ETOOLONG ||
			            r == SG_EMALFORMED);
		}
	}
	assert_true(ok > 1000); /* the generator does reach the success path */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(from_text_basic),
	        cmocka_unit_test(from_text_origin_aliases_dst),
	        cmocka_unit_test(from_text_empty_labels),
	        cmocka_unit_test(from_text_escapes),
	        cmocka_unit_test(from_text_limits),
	        cmocka_unit_test(to_text_escaping),
	        cmocka_unit_test(to_text_space),
	        cmocka_unit_test(round_trip_all_octets),
	        cmocka_unit_test(canonical_order_rfc4034),
	        cmocka_unit_test(compare_details),
	        cmocka_unit_test(equal_case),
	        cmocka_unit_test(hash_case_variants),
	        cmocka_unit_test(equal_hash_word_boundaries),
	        cmocka_unit_test(labels_and_wildcards),
	        cmocka_unit_test(suffix_parent_subdomain),
	        cmocka_unit_test(copy_lower_len),
	        cmocka_unit_test(unpack_real_packet),
	        cmocka_unit_test(unpack_attacks),
	        cmocka_unit_test(unpack_random),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
