/* Unit tests for src/resolver/pktcache.c: built replies kept in the cache. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "resolver/pktcache.h"
#include "signet/msg.h"
#include "signet/name.h"
#include "signet/rr.h"
#include "signet/validate.h"

struct fx {
	rc_cache_t *c;
	sg_arena_t *a;
};

static int setup(void **state)
{
	static struct fx f;
	f.c = rc_new(1 << 20);
	f.a = sg_arena_new(0, 0);
	*state = &f;
	return f.c && f.a ? 0 : -1;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	rc_free(f->c);
	sg_arena_free(f->a);
	return 0;
}

/* A query for `qname` A, parsed into *m (wire in buf). */
static size_t make_query(uint8_t *buf, sg_msg_t *m, sg_arena_t *a, uint16_t id, const char *qname,
                         bool edns, bool dnssec, uint16_t udp)
{
	uint8_t n[SG_NAME_MAX];
	size_t nl;
	sg_msgw_t w;
	size_t len;
	assert_int_equal(sg_name_from_text(n, &nl, qname, strlen(qname), NULL), SG_OK);
	assert_int_equal(sg_msgw_init(&w, buf, 512, id, SG_MSG_RD, SG_OP_QUERY, 0), SG_OK);
	if (edns)
		assert_int_equal(sg_msgw_edns(&w, udp, dnssec ? SG_EDNS_DO : 0, 0), SG_OK);
	assert_int_equal(sg_msgw_question(&w, n, SG_T_A, SG_C_IN), SG_OK);
	assert_int_equal(sg_msgw_finish(&w, &len), SG_OK);
	assert_int_equal(sg_msg_parse(m, buf, len, a), SG_OK);
	return len;
}

/* The reply a resolver would build: two A records (TTLs 300 and 100), an
 * SOA in authority (TTL 50), and OPT when the query had EDNS. */
static size_t make_reply(uint8_t *buf, const sg_msg_t *q, unsigned rcode, bool tc)
{
	sg_msgw_t w;
	size_t len;
	const uint8_t *owner = q->rr[SG_SEC_QUESTION][0].owner;
	static const uint8_t a1[4] = {192, 0, 2, 1}, a2[4] = {192, 0, 2, 2};
	static const uint8_t soa[] = {0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5};
	assert_int_equal(sg_msgw_reply(&w, buf, 4096, q, 1232), SG_OK);
	sg_msgw_set_flags(&w, SG_MSG_RA | (tc ? SG_MSG_TC : 0), 0);
	assert_int_equal(sg_msgw_set_rcode(&w, rcode), SG_OK);
	assert_int_equal(sg_msgw_rr(&w, SG_SEC_ANSWER, owner, SG_T_A, SG_C_IN, 300, a1, 4), SG_OK);
	assert_int_equal(sg_msgw_rr(&w, SG_SEC_ANSWER, owner, SG_T_A, SG_C_IN, 100, a2, 4), SG_OK);
	assert_int_equal(sg_msgw_rr(&w, SG_SEC_AUTHORITY, sg_name_root, SG_T_SOA, SG_C_IN, 50, soa,
	                            sizeof(soa)),
	                 SG_OK);
	assert_int_equal(sg_msgw_finish(&w, &len), SG_OK);
	return len;
}

static void kept_reply_is_patched(void **state)
{
	struct fx *f = *state;
	uint8_t qb[512], qb2[512], rb[4096], out[65535];
	sg_msg_t q, q2, r;
	make_query(qb, &q, f->a, 0x1111, "www.example.org.", true, true, 1232);
	size_t rl = make_reply(rb, &q, SG_RC_NOERROR, false);
	pc_store(f->c, &q, rb, rl, SG_VAL_SECURE, SG_RC_NOERROR, 1000);

	/* another ID, another case, 20 seconds later */
	make_query(qb2, &q2, f->a, 0x2222, "WWW.Example.ORG.", true, true, 1232);
	size_t len;
	int sec = -1;
	assert_true(pc_lookup(f->c, &q2, qb2, 1232, 1020, out, sizeof(out), &len, &sec));
	assert_int_equal(sec, SG_VAL_SECURE);
	assert_int_equal(len, rl);
	assert_int_equal(sg_msg_parse(&r, out, len, f->a), SG_OK);
	assert_int_equal(r.id, 0x2222);
	assert_memory_equal(out + SG_MSG_HDR_LEN, qb2 + SG_MSG_HDR_LEN, 18); /* case as asked */
	assert_int_equal(r.count[SG_SEC_ANSWER], 2);
	assert_int_equal(r.rr[SG_SEC_ANSWER][0].ttl, 280);
	assert_int_equal(r.rr[SG_SEC_ANSWER][1].ttl, 80);
	assert_int_equal(r.rr[SG_SEC_AUTHORITY][0].ttl, 30);
	/* OPT's TTL field holds the DO bit: untouched */
	assert_true(r.has_edns && (r.edns.flags & SG_EDNS_DO));
	/* everything else as built */
	assert_memory_equal(out + 2, rb + 2, SG_MSG_HDR_LEN - 2);

	/* gone once the smallest TTL (50) has run out */
	assert_true(pc_lookup(f->c, &q2, qb2, 1232, 1049, out, sizeof(out), &len, &sec));
	assert_false(pc_lookup(f->c, &q2, qb2, 1232, 1050, out, sizeof(out), &len, &sec));
}

static void key_and_size(void **state)
{
	struct fx *f = *state;
	uint8_t qb[512], qb2[512], rb[4096], out[65535];
	sg_msg_t q, q2;
	size_t len;
	int sec;
	make_query(qb, &q, f->a, 1, "key.example.org.", true, true, 1232);
	size_t rl = make_reply(rb, &q, SG_RC_NOERROR, false);
	pc_store(f->c, &q, rb, rl, SG_VAL_INSECURE, SG_RC_NOERROR, 1000);
	/* without DO, or without EDNS: another key */
	make_query(qb2, &q2, f->a, 2, "key.example.org.", true, false, 1232);
	assert_false(pc_lookup(f->c, &q2, qb2, 1232, 1001, out, sizeof(out), &len, &sec));
	make_query(qb2, &q2, f->a, 2, "key.example.org.", false, false, 0);
	assert_false(pc_lookup(f->c, &q2, qb2, 512, 1001, out, sizeof(out), &len, &sec));
	/* the same question with room for less than the reply: not served */
	make_query(qb2, &q2, f->a, 2, "key.example.org.", true, true, 512);
	assert_false(pc_lookup(f->c, &q2, qb2, rl - 1, 1001, out, sizeof(out), &len, &sec));
	assert_true(pc_lookup(f->c, &q2, qb2, rl, 1001, out, sizeof(out), &len, &sec));
	assert_int_equal(sec, SG_VAL_INSECURE);
}

static void not_kept(void **state)
{
	struct fx *f = *state;
	uint8_t qb[512], rb[4096], out[65535];
	sg_msg_t q;
	size_t len;
	int sec;
	static const struct {
		const char *name;
		int sec;
		unsigned rcode;
		bool tc;
	} cases[] = {
		{"bogus.example.org.", SG_VAL_BOGUS, SG_RC_NOERROR, false},
		{"indet.example.org.", SG_VAL_INDETERMINATE, SG_RC_NOERROR, false},
		{"fail.example.org.", SG_VAL_SECURE, SG_RC_SERVFAIL, false},
		{"tc.example.org.", SG_VAL_SECURE, SG_RC_NOERROR, true},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		make_query(qb, &q, f->a, 7, cases[i].name, true, true, 1232);
		size_t rl = make_reply(rb, &q, cases[i].rcode, cases[i].tc);
		pc_store(f->c, &q, rb, rl, cases[i].sec, cases[i].rcode, 1000);
		assert_false(pc_lookup(f->c, &q, qb, 1232, 1000, out, sizeof(out), &len, &sec));
	}
	/* NXDOMAIN secure is kept */
	make_query(qb, &q, f->a, 7, "nx.example.org.", true, true, 1232);
	size_t rl = make_reply(rb, &q, SG_RC_NXDOMAIN, false);
	pc_store(f->c, &q, rb, rl, SG_VAL_SECURE, SG_RC_NXDOMAIN, 1000);
	assert_true(pc_lookup(f->c, &q, qb, 1232, 1000, out, sizeof(out), &len, &sec));
	/* a reply that does not walk (cut short) is refused */
	make_query(qb, &q, f->a, 7, "short.example.org.", true, true, 1232);
	rl = make_reply(rb, &q, SG_RC_NOERROR, false);
	pc_store(f->c, &q, rb, rl - 3, SG_VAL_SECURE, SG_RC_NOERROR, 1000);
	assert_false(pc_lookup(f->c, &q, qb, 1232, 1000, out, sizeof(out), &len, &sec));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(kept_reply_is_patched, setup, teardown),
		cmocka_unit_test_setup_teardown(key_and_size, setup, teardown),
		cmocka_unit_test_setup_teardown(not_kept, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
