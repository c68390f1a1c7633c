/* Unit tests for src/resolver/rcache.c: the resolver's bounded cache. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "resolver/rcache.h"
#include "signet/name.h"

static const uint8_t *name(uint8_t buf[SG_NAME_MAX], const char *text)
{
	size_t len;
	assert_int_equal(sg_name_from_text(buf, &len, text, strlen(text), NULL), SG_OK);
	return buf;
}

static void put_get_case_insensitive(void **state)
{
	(void)state;
	rc_cache_t *c = rc_new(1 << 20);
	sg_arena_t *a = sg_arena_new(0, 0);
	uint8_t n1[SG_NAME_MAX], n2[SG_NAME_MAX];
	assert_int_equal(rc_put(c, name(n1, "WWW.Example.ORG."), 1, 1, "abc", 3, 100), SG_OK);
	void *out;
	size_t len;
	int64_t exp;
	assert_int_equal(rc_get(c, name(n2, "www.example.org."), 1, 1, 50, a, &out, &len, &exp),
	                 SG_OK);
	assert_int_equal(len, 3);
	assert_memory_equal(out, "abc", 3);
	assert_int_equal(exp, 100);
	/* type and kind are part of the key */
	assert_int_equal(rc_get(c, n2, 28, 1, 50, a, &out, &len, NULL), SG_ENOTFOUND);
	assert_int_equal(rc_get(c, n2, 1, 2, 50, a, &out, &len, NULL), SG_ENOTFOUND);
	/* replacing */
	assert_int_equal(rc_put(c, n2, 1, 1, "xy", 2, 200), SG_OK);
	assert_int_equal(rc_get(c, n1, 1, 1, 50, a, &out, &len, NULL), SG_OK);
	assert_int_equal(len, 2);
	rc_stats_t st;
	rc_get_stats(c, &st);
	assert_int_equal(st.entries, 1);
	sg_arena_free(a);
	rc_free(c);
}

static void get_into_caller_buffer(void **state)
{
	(void)state;
	rc_cache_t *c = rc_new(1 << 20);
	uint8_t n[SG_NAME_MAX], buf[8];
	size_t len = 0;
	int64_t exp;
	assert_int_equal(rc_put(c, name(n, "into.example."), 1, 3, "abcdef", 6, 100), SG_OK);
	assert_int_equal(rc_get_into(c, n, 1, 3, 50, buf, 5, &len, &exp), SG_ESPACE);
	assert_int_equal(rc_get_into(c, n, 1, 3, 50, buf, 6, &len, &exp), SG_OK);
	assert_int_equal(len, 6);
	assert_int_equal(exp, 100);
	assert_memory_equal(buf, "abcdef", 6);
	assert_int_equal(rc_get_into(c, n, 1, 3, 100, buf, sizeof(buf), &len, NULL), SG_ENOTFOUND);
	rc_free(c);
}

static void expiry(void **state)
{
	(void)state;
	rc_cache_t *c = rc_new(1 << 20);
	sg_arena_t *a = sg_arena_new(0, 0);
	uint8_t n[SG_NAME_MAX];
	void *out;
	size_t len;
	assert_int_equal(rc_put(c, name(n, "a.test."), 1, 1, "v", 1, 100), SG_OK);
	assert_int_equal(rc_get(c, n, 1, 1, 99, a, &out, &len, NULL), SG_OK);
	/* expire > now is required: at 100 it is gone, and removed */
	assert_int_equal(rc_get(c, n, 1, 1, 100, a, &out, &len, NULL), SG_ENOTFOUND);
	rc_stats_t st;
	rc_get_stats(c, &st);
	assert_int_equal(st.entries, 0);
	assert_int_equal(st.expired, 1);
	assert_int_equal(st.bytes, 0);
	sg_arena_free(a);
	rc_free(c);
}

/* Many entries through a small cache: memory stays under the limit, the
 * least recently used go first, and every lookup still finds what is
 * there (backward-shift deletion keeps probe runs intact). */
static void eviction_lru_and_bound(void **state)
{
	(void)state;
	const size_t max = 64 * 1024;
	rc_cache_t *c = rc_new(max);
	sg_arena_t *a = sg_arena_new(0, 0);
	uint8_t n[SG_NAME_MAX], hot[SG_NAME_MAX];
	char text[64], blob[200];
	void *out;
	size_t len;
	memset(blob, 'x', sizeof(blob));
	name(hot, "hot.test.");
	assert_int_equal(rc_put(c, hot, 1, 1, blob, sizeof(blob), 1000), SG_OK);
	for (int i = 0; i < 5000; i++) {
		snprintf(text, sizeof(text), "n%d.test.", i);
		snprintf(blob, sizeof(blob), "%d", i);
		assert_int_equal(rc_put(c, name(n, text), 1, 1, blob, sizeof(blob), 1000), SG_OK);
		/* touching "hot" keeps it at the head of the LRU list */
		assert_int_equal(rc_get(c, hot, 1, 1, 0, a, &out, &len, NULL), SG_OK);
		rc_stats_t st;
		rc_get_stats(c, &st);
		assert_true(st.bytes <= max);
		if (i % 500 == 0)
			sg_arena_reset(a);
	}
	rc_stats_t st;
	rc_get_stats(c, &st);
	assert_true(st.evictions > 0);
	assert_true(st.entries > 50);
	/* the newest entries are all there, with their own data; the oldest are gone */
	size_t found = 0;
	for (int i = 4999; i >= 0; i--) {
		snprintf(text, sizeof(text), "n%d.test.", i);
		if (rc_get(c, name(n, text), 1, 1, 0, a, &out, &len, NULL) == SG_OK) {
			char want[16];
			snprintf(want, sizeof(want), "%d", i);
			assert_string_equal((const char *)out, want);
			found++;
		} else {
			break;
		}
	}
	assert_int_equal(found + 1, st.entries); /* + "hot" */
	snprintf(text, sizeof(text), "n0.test.");
	assert_int_equal(rc_get(c, name(n, text), 1, 1, 0, a, &out, &len, NULL), SG_ENOTFOUND);
	sg_arena_free(a);
	rc_free(c);
}

static void removal_keeps_probe_runs(void **state)
{
	(void)state;
	rc_cache_t *c = rc_new(1 << 22);
	sg_arena_t *a = sg_arena_new(0, 0);
	uint8_t n[SG_NAME_MAX];
	char text[64];
	void *out;
	size_t len;
	for (int i = 0; i < 3000; i++) {
		snprintf(text, sizeof(text), "r%d.test.", i);
		assert_int_equal(rc_put(c, name(n, text), (uint16_t)(i % 3), 1, &i, sizeof(i), 10),
		                 SG_OK);
	}
	for (int i = 0; i < 3000; i += 2) {
		snprintf(text, sizeof(text), "r%d.test.", i);
		rc_remove(c, name(n, text), (uint16_t)(i % 3), 1);
	}
	for (int i = 0; i < 3000; i++) {
		snprintf(text, sizeof(text), "r%d.test.", i);
		int e = rc_get(c, name(n, text), (uint16_t)(i % 3), 1, 0, a, &out, &len, NULL);
		if (i % 2) {
			assert_int_equal(e, SG_OK);
			int v;
			memcpy(&v, out, sizeof(v));
			assert_int_equal(v, i);
		} else {
			assert_int_equal(e, SG_ENOTFOUND);
		}
	}
	sg_arena_free(a);
	rc_free(c);
}

static void oversized_entry_refused(void **state)
{
	(void)state;
	rc_cache_t *c = rc_new(8192);
	uint8_t n[SG_NAME_MAX];
	static char big[2048];
	assert_int_equal(rc_put(c, name(n, "big.test."), 1, 1, big, sizeof(big), 10), SG_ELIMIT);
	rc_stats_t st;
	rc_get_stats(c, &st);
	assert_int_equal(st.entries, 0);
	rc_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(put_get_case_insensitive),
	        cmocka_unit_test(get_into_caller_buffer),
	        cmocka_unit_test(expiry),
	        cmocka_unit_test(eviction_lru_and_bound),
	        cmocka_unit_test(removal_keeps_probe_runs),
	        cmocka_unit_test(oversized_entry_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
