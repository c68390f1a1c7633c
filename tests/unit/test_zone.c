/* Zone store: canonical order, RRset grouping, empty non-terminals, every
 * lookup outcome, each zone-check rule, and a million-record build.
 * RDATA is built by hand here so these tests depend only on the name code. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "signet/name.h"
#include "signet/rr.h"
#include "signet/zone.h"

/* ---- helpers ------------------------------------------------------------- */

/* Writes the wire form of an absolute name at dst (room for it is the caller's job). */
static size_t N(uint8_t *dst, const char *text)
{
	uint8_t tmp[SG_NAME_MAX];
	size_t len;
	assert_int_equal(sg_name_from_text(tmp, &len, text, strlen(text), NULL), SG_OK);
	memcpy(dst, tmp, len);
	return len;
}

static void add_full(sg_zone_builder_t *b, const char *owner, uint16_t rclass, uint16_t type,
		     uint32_t ttl, const uint8_t *rd, size_t rdlen, unsigned line)
{
	uint8_t o[SG_NAME_MAX];
	N(o, owner);
	sg_rr_t rr = {.owner = o, .type = type, .rclass = rclass, .ttl = ttl, .rdlen = (uint16_t)rdlen,
		      .rdata = rd};
	assert_int_equal(sg_zone_builder_add(b, &rr, "test.zone", line), SG_OK);
}

static void add(sg_zone_builder_t *b, const char *owner, uint16_t type, const uint8_t *rd,
		size_t rdlen)
{
	add_full(b, owner, SG_C_IN, type, 3600, rd, rdlen, 0);
}

static void add_a(sg_zone_builder_t *b, const char *owner, uint8_t last)
{
	uint8_t rd[4] = {192, 0, 2, last};
	add(b, owner, SG_T_A, rd, 4);
}

/* NS, CNAME, DNAME, PTR: one name */
static void add_name(sg_zone_builder_t *b, const char *owner, uint16_t type, const char *target)
{
	uint8_t rd[SG_NAME_MAX];
	size_t l = N(rd, target);
	add(b, owner, type, rd, l);
}

static void add_soa(sg_zone_builder_t *b, const char *owner, uint32_t serial)
{
	uint8_t rd[600];
	size_t o = N(rd, "ns.example.");
	o += N(rd + o, "hostmaster.example.");
	uint32_t v[5] = {serial, 7200, 3600, 1209600, 300};
	for (int i = 0; i < 5; i++) {
		rd[o++] = (uint8_t)(v[i] >> 24);
		rd[o++] = (uint8_t)(v[i] >> 16);
		rd[o++] = (uint8_t)(v[i] >> 8);
		rd[o++] = (uint8_t)v[i];
	}
	add(b, owner, SG_T_SOA, rd, o);
}

static void add_txt(sg_zone_builder_t *b, const char *owner, const char *s)
{
	uint8_t rd[256];
	size_t l = strlen(s);
	rd[0] = (uint8_t)l;
	memcpy(rd + 1, s, l);
	add(b, owner, SG_T_TXT, rd, l + 1);
}

static sg_zone_builder_t *builder(const char *origin)
{
	uint8_t o[SG_NAME_MAX];
	if (origin)
		N(o, origin);
	sg_zone_builder_t *b = sg_zone_builder_new(origin ? o : NULL);
	assert_non_null(b);
	return b;
}

/* A minimal valid apex: SOA and two NS. */
static void add_apex(sg_zone_builder_t *b, const char *origin)
{
	add_soa(b, origin, 2024010101);
	add_name(b, origin, SG_T_NS, "ns.example.");
	add_name(b, origin, SG_T_NS, "ns.example.net.");
}

static sg_zone_t *build(sg_zone_builder_t *b, sg_zone_report_t *rep)
{
	sg_zone_t *z = NULL;
	assert_int_equal(sg_zone_build(&z, b, rep), SG_OK);
	assert_non_null(z);
	return z;
}

static bool name_is(const uint8_t *name, const char *text)
{
	uint8_t n[SG_NAME_MAX];
	N(n, text);
	/* exact octets, not just case-insensitive: case must be kept */
	return sg_name_len(name) == sg_name_len(n) && !memcmp(name, n, sg_name_len(n));
}

static bool node_is(const sg_zone_t *z, const sg_zone_node_t *n, const char *text)
{
	uint8_t t[SG_NAME_MAX];
	N(t, text);
	return n && sg_name_equal(sg_zone_node_name(z, n), t);
}

static const sg_zone_node_t *lookup(const sg_zone_t *z, const char *text)
{
	uint8_t n[SG_NAME_MAX];
	N(n, text);
	return sg_zone_lookup(z, n);
}

static enum sg_zone_find_kind find(const sg_zone_t *z, const char *text, sg_zone_find_t *res)
{
	uint8_t n[SG_NAME_MAX];
	N(n, text);
	return sg_zone_find(z, n, res);
}

static bool is_glue(const sg_zone_t *z, const char *text)
{
	uint8_t n[SG_NAME_MAX];
	N(n, text);
	return sg_zone_is_glue(z, n);
}

/* The number of problems with this code (and owner, when given). */
static unsigned count_problems(const sg_zone_report_t *rep, enum sg_zone_problem_code code,
			       const char *owner)
{
	unsigned n = 0;
	uint8_t o[SG_NAME_MAX];
	if (owner)
		N(o, owner);
	for (size_t i = 0; i < sg_zone_report_count(rep); i++) {
		const sg_zone_problem_t *p = sg_zone_report_get(rep, i);
		if (p->code != code)
			continue;
		if (owner && (!p->owner || !sg_name_equal(p->owner, o)))
			continue;
		n++;
	}
	return n;
}

static const sg_zone_problem_t *first_problem(const sg_zone_report_t *rep,
					      enum sg_zone_problem_code code)
{
	for (size_t i = 0; i < sg_zone_report_count(rep); i++)
		if (sg_zone_report_get(rep, i)->code == code)
			return sg_zone_report_get(rep, i);
	return NULL;
}

/* Builds and checks; returns the check's result, the report in *rep. */
static int build_check(sg_zone_builder_t *b, sg_zone_report_t **rep, sg_zone_t **zp)
{
	*rep = sg_zone_report_new();
	assert_non_null(*rep);
	sg_zone_t *z = build(b, *rep);
	int r = sg_zone_check(z, *rep);
	if (zp)
		*zp = z;
	else
		sg_zone_free(z);
	return r;
}

/* ---- canonical order ------------------------------------------------------ */

/* RFC 4034 §6.1, in order. */
static const char *const rfc4034_order[] = {
	"example.",       "a.example.",     "yljkjljk.a.example.", "Z.a.example.",
	"zABC.a.EXAMPLE.", "z.example.",    "\\001.z.example.",    "*.z.example.",
	"\\200.z.example.",
};

static void canonical_order(void **state)
{
	(void)state;
	sg_zone_builder_t *b = builder("example.");
	/* add in a scrambled order */
	static const int perm[] = {8, 3, 0, 6, 1, 7, 4, 2, 5};
	for (int i = 0; i < 9; i++)
		add_a(b, rfc4034_order[perm[i]], (uint8_t)i);
	sg_zone_t *z = build(b, NULL);
	assert_int_equal(sg_zone_node_count(z), 9);
	for (size_t i = 0; i < 9; i++) {
		const sg_zone_node_t *n = sg_zone_node(z, i);
		assert_true(name_is(sg_zone_node_name(z, n), rfc4034_order[i]));
		assert_int_equal(sg_zone_node_index(z, n), i);
	}
	assert_null(sg_zone_node(z, 9));
	assert_int_equal(sg_zone_record_count(z), 9);
	/* parents */
	assert_null(sg_zone_node_parent(z, sg_zone_node(z, 0)));
	assert_true(node_is(z, sg_zone_node_parent(z, lookup(z, "zabc.a.example.")), "a.example."));
	assert_true(node_is(z, sg_zone_node_parent(z, lookup(z, "\\200.z.example.")), "z.example."));
	sg_zone_free(z);
}

/* Octets 0x00 and 0x01 inside labels must not collide in the sort keys. */
static void canonical_order_low_octets(void **state)
{
	(void)state;
	sg_zone_builder_t *b = builder("z.example.");
	add_a(b, "\\001\\001.z.example.", 1);
	add_a(b, "\\001.z.example.", 2);
	add_a(b, "\\000\\002.z.example.", 3);
	add_a(b, "\\000.z.example.", 4);
	sg_zone_t *z = build(b, NULL);
	assert_int_equal(sg_zone_node_count(z), 5);
	assert_true(name_is(sg_zone_node_name(z, sg_zone_node(z, 1)), "\\000.z.example."));
	assert_true(name_is(sg_zone_node_name(z, sg_zone_node(z, 2)), "\\000\\002.z.example."));
	assert_true(name_is(sg_zone_node_name(z, sg_zone_node(z, 3)), "\\001.z.example."));
	assert_true(name_is(sg_zone_node_name(z, sg_zone_node(z, 4)), "\\001\\001.z.example."));
	sg_zone_free(z);
}

/* ---- RRsets ------------------------------------------------------------------ */

static void rrset_grouping(void **state)
{
	(void)state;
	sg_zone_builder_t *b = builder("example.");
	add_apex(b, "example.");
	add_a(b, "www.example.", 4);
	add_txt(b, "www.example.", "hello");
	add_a(b, "WWW.example.", 3); /* same owner, other case */
	add_a(b, "www.example.", 4); /* exact duplicate */
	add_name(b, "mail.example.", SG_T_NS, "NS1.Example.");
	add_name(b, "mail.example.", SG_T_NS, "ns1.example."); /* duplicate in canonical form */
	add_name(b, "mail.example.", SG_T_NS, "a.example.");
	sg_zone_report_t *rep = sg_zone_report_new();
	sg_zone_t *z = build(b, rep);
	assert_int_equal(sg_zone_report_count(rep), 0);
	assert_int_equal(sg_zone_record_count(z), 3 + 3 + 2);

	const sg_zone_node_t *www = lookup(z, "www.example.");
	assert_non_null(www);
	/* the case of the first record is kept */
	assert_true(name_is(sg_zone_node_name(z, www), "www.example."));
	assert_int_equal(sg_zone_node_rrset_count(www), 2);
	const sg_zone_rrset_t *a = sg_zone_node_rrset(z, www, 0);
	const sg_zone_rrset_t *txt = sg_zone_node_rrset(z, www, 1);
	assert_int_equal(sg_zone_rrset_type(a), SG_T_A);
	assert_int_equal(sg_zone_rrset_type(txt), SG_T_TXT);
	assert_ptr_equal(sg_zone_node_find(z, www, SG_T_TXT), txt);
	assert_null(sg_zone_node_find(z, www, SG_T_MX));
	assert_ptr_equal(sg_zone_rrset_node(z, a), www);
	assert_int_equal(sg_zone_rrset_count(a), 2);
	uint16_t len;
	const uint8_t *rd = sg_zone_rrset_rdata(z, a, 0, &len);
	assert_int_equal(len, 4);
	assert_int_equal(rd[3], 3); /* canonical RDATA order */
	rd = sg_zone_rrset_rdata(z, a, 1, &len);
	assert_int_equal(rd[3], 4);

	const sg_zone_node_t *mail = lookup(z, "MAIL.example.");
	const sg_zone_rrset_t *ns = sg_zone_node_find(z, mail, SG_T_NS);
	assert_int_equal(sg_zone_rrset_count(ns), 2);
	rd = sg_zone_rrset_rdata(z, ns, 0, &len);
	assert_true(name_is(rd, "a.example."));
	rd = sg_zone_rrset_rdata(z, ns, 1, &len);
	assert_true(name_is(rd, "NS1.Example.")); /* the first one stays, as read */

	/* apex */
	assert_non_null(sg_zone_soa(z));
	assert_int_equal(sg_zone_rrset_count(sg_zone_apex_ns(z)), 2);
	uint32_t serial = 0;
	assert_int_equal(sg_zone_serial(z, &serial), SG_OK);
	assert_int_equal(serial, 2024010101);
	assert_int_equal(sg_zone_class(z), SG_C_IN);
	sg_zone_free(z);
	sg_zone_report_free(rep);
}

static void ttl_mismatch(void **state)
{
	(void)state;
	sg_zone_builder_t *b = builder("example.");
	add_apex(b, "example.");
	uint8_t a1[4] = {192, 0, 2, 9}, a2[4] = {192, 0, 2, 1};
	add_full(b, "www.example.", SG_C_IN, SG_T_A, 300, a1, 4, 10);
	add_full(b, "www.example.", SG_C_IN, SG_T_A, 600, a2, 4, 11);
	sg_zone_report_t *rep;
	sg_zone_t *z;
	assert_int_equal(build_check(b, &rep, &z), SG_OK); /* a warning only */
	assert_int_equal(sg_zone_report_errors(rep), 0);
	assert_int_equal(sg_zone_report_warnings(rep), 1);
	const sg_zone_problem_t *p = first_problem(rep, SG_ZP_TTL_MISMATCH);
	assert_non_null(p);
	assert_int_equal(p->severity, SG_ZSEV_WARNING);
	assert_int_equal(p->line, 11);
	assert_string_equal(p->file, "test.zone");
	assert_int_equal(p->type, SG_T_A);
	/* the first record's TTL wins although its RDATA sorts second */
	const sg_zone_rrset_t *rs = sg_zone_node_find(z, lookup(z, "www.example."), SG_T_A);
	assert_int_equal(sg_zone_rrset_ttl(rs), 300);
	const char *file;
	unsigned line;
	sg_zone_rrset_source(z, rs, 0, &file, &line);
	assert_int_equal(line, 11); /* 192.0.2.1 sorts first */
	sg_zone_rrset_source(z, rs, 1, &file, &line);
	assert_int_equal(line, 10);
	assert_string_equal(file, "test.zone");
	sg_zone_free(z);
	sg_zone_report_free(rep);
}

static void empty_non_terminals(void **state)
{
	(void)state;
	sg_zone_builder_t *b = builder("example.");
	add_apex(b, "example.");
	add_a(b, "a.b.c.example.", 1);
	add_a(b, "x.c.example.", 2);
	add_a(b, "d.example.", 3);
	sg_zone_t *z = build(b, NULL);
	/* example, c, b.c, a.b.c, x.c, d */
	assert_int_equal(sg_zone_node_count(z), 6);
	/* canonical: example < c < b.c < a.b.c < x.c < d */
	assert_true(node_is(z, sg_zone_node(z, 0), "example."));
	assert_true(node_is(z, sg_zone_node(z, 1), "c.example."));
	assert_true(node_is(z, sg_zone_node(z, 2), "b.c.example."));
	assert_true(node_is(z, sg_zone_node(z, 3), "a.b.c.example."));
	assert_true(node_is(z, sg_zone_node(z, 4), "x.c.example."));
	assert_true(node_is(z, sg_zone_node(z, 5), "d.example."));
	assert_int_equal(sg_zone_node_rrset_count(lookup(z, "c.example.")), 0);
	assert_int_equal(sg_zone_node_rrset_count(lookup(z, "b.c.example.")), 0);
	assert_int_equal(sg_zone_node_rrset_count(lookup(z, "a.b.c.example.")), 1);
	sg_zone_find_t f;
	assert_int_equal(find(z, "b.c.example.", &f), SG_ZF_EXACT);
	assert_int_equal(sg_zone_record_count(z), 6);
	sg_zone_free(z);
}

static void origin_from_soa(void **state)
{
	(void)state;
	sg_zone_builder_t *b = builder(NULL);
	add_a(b, "www.example.org.", 1); /* before the SOA: still in the zone */
	add_apex(b, "example.org.");
	sg_zone_report_t *rep;
	sg_zone_t *z;
	assert_int_equal(build_check(b, &rep, &z), SG_OK);
	assert_true(name_is(sg_zone_origin(z), "example.org."));
	assert_int_equal(sg_zone_record_count(z), 4);
	sg_zone_free(z);
	sg_zone_report_free(rep);

	/* no SOA, no origin: nothing to build */
	b = builder(NULL);
	add_a(b, "www.example.org.", 1);
	rep = sg_zone_report_new();
	z = NULL;
	assert_int_equal(sg_zone_build(&z, b, rep), SG_EZONE);
	assert_null(z);
	assert_int_equal(count_problems(rep, SG_ZP_NO_ORIGIN, NULL), 1);
	sg_zone_report_free(rep);
}

/* ---- lookups ------------------------------------------------------------------ */

static void lookup_exact_and_nxdomain(void **state)
{
	(void)state;
	sg_zone_builder_t *b = builder("example.");
	add_apex(b, "example.");
	add_a(b, "a.example.", 1);
	add_a(b, "m.example.", 2);
	add_a(b, "x.m.example.", 3);
	add_a(b, "z.example.", 4);
	sg_zone_t *z = build(b, NULL);

	assert_true(node_is(z, lookup(z, "M.EXAMPLE."), "m.example."));
	assert_null(lookup(z, "b.example."));
	assert_null(lookup(z, "example.com."));

	sg_zone_find_t f;
	assert_int_equal(find(z, "A.example.", &f), SG_ZF_EXACT);
	assert_true(node_is(z, f.node, "a.example."));
	assert_null(f.encloser);

	/* b.example: between a and m */
	assert_int_equal(find(z, "b.example.", &f), SG_ZF_NXDOMAIN);
	assert_null(f.node);
	assert_true(node_is(z, f.encloser, "example."));
	assert_true(node_is(z, f.prev, "a.example."));
	/* y.m.example: after x.m.example, closest encloser m.example */
	assert_int_equal(find(z, "y.m.example.", &f), SG_ZF_NXDOMAIN);
	assert_true(node_is(z, f.encloser, "m.example."));
	assert_true(node_is(z, f.prev, "x.m.example."));
	/* b.m.example: before x.m.example, prev is m.example itself */
	assert_int_equal(find(z, "deep.b.m.example.", &f), SG_ZF_NXDOMAIN);
	assert_true(node_is(z, f.encloser, "m.example."));
	assert_true(node_is(z, f.prev, "m.example."));
	/* after the last name */
	assert_int_equal(find(z, "zz.example.", &f), SG_ZF_NXDOMAIN);
	assert_true(node_is(z, f.prev, "z.example."));
	/* without prev: the same verdict and encloser, prev left NULL */
	uint8_t qn[SG_NAME_MAX];
	N(qn, "y.m.example.");
	assert_int_equal(sg_zone_find_opt(z, qn, &f, false), SG_ZF_NXDOMAIN);
	assert_true(node_is(z, f.encloser, "m.example."));
	assert_null(f.prev);

	assert_int_equal(find(z, "example.com.", &f), SG_ZF_OUTZONE);
	assert_int_equal(find(z, ".", &f), SG_ZF_OUTZONE);
	assert_int_equal(find(z, "example.", &f), SG_ZF_EXACT);
	assert_ptr_equal(f.node, sg_zone_apex(z));
	sg_zone_free(z);
}

/* Steps the look-ahead to its end: how many links it went, and the node it
 * ended at (SIZE_MAX: none). */
static unsigned ahead_walk(const sg_zone_t *z, const char *text, uint16_t type, size_t *node)
{
	uint8_t qn[SG_NAME_MAX];
	N(qn, text);
	sg_zone_ahead_t a;
	sg_zone_ahead_start(z, &a, qn, type);
	unsigned steps = 0;
	while (sg_zone_ahead_step(z, &a))
		assert_true(++steps < 2 * SG_NAME_MAX);
	*node = a.node == UINT32_MAX ? SIZE_MAX : a.node;
	return steps;
}

static void lookahead(void **state)
{
	(void)state;
	sg_zone_builder_t *b = builder("example.");
	add_apex(b, "example.");
	add_a(b, "a.example.", 1);
	add_a(b, "m.example.", 2);
	add_a(b, "x.m.example.", 3);
	sg_zone_t *z = build(b, NULL);
	size_t m = sg_zone_node_index(z, lookup(z, "m.example.")), node;

	/* a node: slot, node, name and RRsets, then the records */
	assert_int_equal(ahead_walk(z, "M.example.", SG_T_A, &node), 2);
	assert_int_equal(node, m);
	assert_int_equal(ahead_walk(z, "m.example.", SG_T_TXT, &node), 2);
	assert_int_equal(node, m);
	/* not a node: up to the closest encloser, as sg_zone_find goes */
	assert_int_equal(ahead_walk(z, "deep.b.m.example.", SG_T_A, &node), 4);
	assert_int_equal(node, m);
	assert_int_equal(ahead_walk(z, "b.example.", SG_T_A, &node), 3);
	assert_int_equal(node, sg_zone_node_index(z, sg_zone_apex(z)));
	/* above the origin: nothing at all */
	assert_int_equal(ahead_walk(z, ".", SG_T_A, &node), 0);
	assert_int_equal(node, SIZE_MAX);
	sg_zone_free(z);
}

/* The owner's mark and link live in the node: other flags and nodes keep theirs. */
static void mark_and_link(void **state)
{
	(void)state;
	sg_zone_builder_t *b = builder("example.");
	add_apex(b, "example.");
	add_name(b, "sub.example.", SG_T_NS, "ns.sub.example.");
	add_a(b, "www.example.", 1);
	sg_zone_t *z = build(b, NULL);
	const sg_zone_node_t *sub = lookup(z, "sub.example."), *www = lookup(z, "www.example.");
	size_t isub = sg_zone_node_index(z, sub), iwww = sg_zone_node_index(z, www);
	assert_int_equal(sg_zone_node_flags(sub), SG_ZN_CUT);
	assert_int_equal(sg_zone_node_link(sub), 0);

	sg_zone_node_mark(z, isub);
	sg_zone_node_set_link(z, isub, (uint32_t)iwww + 1);
	assert_int_equal(sg_zone_node_flags(sub), SG_ZN_CUT | SG_ZN_MARK);
	assert_int_equal(sg_zone_node_link(sub), iwww + 1);
	sg_zone_node_set_link(z, isub, 0);
	assert_int_equal(sg_zone_node_link(sub), 0);
	assert_int_equal(sg_zone_node_flags(sub), SG_ZN_CUT | SG_ZN_MARK);
	/* the others are untouched; an index past the end is ignored */
	assert_int_equal(sg_zone_node_flags(www), 0);
	assert_int_equal(sg_zone_node_link(www), 0);
	sg_zone_node_mark(z, sg_zone_node_count(z));
	sg_zone_node_set_link(z, sg_zone_node_count(z), 7);
	assert_int_equal(sg_zone_node_flags(sg_zone_apex(z)), SG_ZN_APEX);
	sg_zone_node_prefetch(z, www); /* a hint: no effect to see, but it must not fault */
	assert_ptr_equal(lookup(z, "www.example."), www);
	sg_zone_free(z);
}

static void lookup_delegation_and_glue(void **state)
{
	(void)state;
	sg_zone_builder_t *b = builder("example.");
	add_apex(b, "example.");
	add_name(b, "sub.example.", SG_T_NS, "ns.sub.example.");
	add_a(b, "ns.sub.example.", 1);
	add_a(b, "deep.ns.sub.example.", 2);
	add_name(b, "sub.example.", SG_T_DS, "x."); /* contents do not matter here */
	add_a(b, "www.example.", 3);
	sg_zone_t *z = build(b, NULL);

	sg_zone_find_t f;
	assert_int_equal(find(z, "sub.example.", &f), SG_ZF_DELEGATION);
	assert_true(node_is(z, f.node, "sub.example."));
	assert_non_null(sg_zone_node_find(z, f.node, SG_T_NS));
	assert_int_equal(find(z, "ns.sub.example.", &f), SG_ZF_DELEGATION);
	assert_true(node_is(z, f.node, "sub.example."));
	assert_int_equal(find(z, "nothere.deep.ns.sub.example.", &f), SG_ZF_DELEGATION);
	assert_true(node_is(z, f.node, "sub.example."));
	assert_int_equal(find(z, "www.example.", &f), SG_ZF_EXACT);

	assert_false(is_glue(z, "sub.example."));
	assert_true(is_glue(z, "ns.sub.example."));
	assert_true(is_glue(z, "deep.ns.sub.example."));
	assert_true(is_glue(z, "nothere.sub.example."));
	assert_false(is_glue(z, "www.example."));
	assert_false(is_glue(z, "nothere.example."));
	assert_false(is_glue(z, "example."));
	assert_false(is_glue(z, "other.org."));

	unsigned fl = sg_zone_node_flags(lookup(z, "sub.example."));
	assert_true(fl & SG_ZN_CUT);
	assert_false(fl & SG_ZN_BELOW_CUT);
	assert_true(sg_zone_node_flags(lookup(z, "deep.ns.sub.example.")) & SG_ZN_BELOW_CUT);
	assert_true(sg_zone_node_flags(sg_zone_apex(z)) & SG_ZN_APEX);
	assert_false(sg_zone_node_flags(sg_zone_apex(z)) & SG_ZN_CUT);
	sg_zone_free(z);
}

static void lookup_dname(void **state)
{
	(void)state;
	sg_zone_builder_t *b = builder("example.");
	add_apex(b, "example.");
	add_name(b, "d.example.", SG_T_DNAME, "example.net.");
	add_a(b, "x.example.", 1);
	sg_zone_t *z = build(b, NULL);
	sg_zone_find_t f;
	assert_int_equal(find(z, "d.example.", &f), SG_ZF_EXACT); /* the owner itself */
	assert_int_equal(find(z, "www.d.example.", &f), SG_ZF_DNAME);
	assert_true(node_is(z, f.node, "d.example."));
	assert_int_equal(find(z, "a.b.d.example.", &f), SG_ZF_DNAME);
	assert_true(node_is(z, f.node, "d.example."));
	assert_true(is_glue(z, "www.d.example."));
	assert_false(is_glue(z, "d.example."));
	assert_int_equal(find(z, "y.example.", &f), SG_ZF_NXDOMAIN);
	sg_zone_free(z);
}

/* RFC 4592 §2.2.1's example zone and its queries. */
static void lookup_wildcard_rfc4592(void **state)
{
	(void)state;
	sg_zone_builder_t *b = builder("example.");
	add_apex(b, "example.");
	add_txt(b, "*.example.", "this is a wildcard");
	uint8_t mx[64] = {0, 10};
	size_t l = N(mx + 2, "host1.example.");
	add(b, "*.example.", SG_T_MX, mx, l + 2);
	add_txt(b, "sub.*.example.", "this is not a wildcard");
	add_a(b, "host1.example.", 1);
	uint8_t srv[64] = {0, 0, 0, 0, 0, 22};
	l = N(srv + 6, "host1.example.");
	add(b, "_ssh._tcp.host1.example.", SG_T_SRV, srv, l + 6);
	add(b, "_ssh._tcp.host2.example.", SG_T_SRV, srv, l + 6);
	add_name(b, "subdel.example.", SG_T_NS, "ns.example.com.");
	add_name(b, "subdel.example.", SG_T_NS, "ns.example.net.");
	sg_zone_t *z = build(b, NULL);

	sg_zone_find_t f;
	/* synthesized from *.example */
	assert_int_equal(find(z, "host3.example.", &f), SG_ZF_WILDCARD);
	assert_true(node_is(z, f.node, "*.example."));
	assert_true(node_is(z, f.encloser, "example."));
	/* host3 sorts after _ssh._tcp.host2 and before subdel */
	assert_true(node_is(z, f.prev, "_ssh._tcp.host2.example."));
	assert_int_equal(find(z, "foo.bar.example.", &f), SG_ZF_WILDCARD);
	assert_true(node_is(z, f.node, "*.example."));
	assert_true(node_is(z, f.encloser, "example."));

	/* not synthesized */
	assert_int_equal(find(z, "host1.example.", &f), SG_ZF_EXACT);
	assert_int_equal(find(z, "sub.*.example.", &f), SG_ZF_EXACT);
	assert_true(node_is(z, f.node, "sub.*.example."));
	/* the empty non-terminal _tcp.host1.example exists: it blocks the wildcard */
	assert_int_equal(find(z, "_tcp.host1.example.", &f), SG_ZF_EXACT);
	assert_int_equal(sg_zone_node_rrset_count(f.node), 0);
	assert_int_equal(find(z, "_telnet._tcp.host1.example.", &f), SG_ZF_NXDOMAIN);
	assert_true(node_is(z, f.encloser, "_tcp.host1.example."));
	assert_true(node_is(z, f.prev, "_ssh._tcp.host1.example."));
	assert_int_equal(find(z, "host.subdel.example.", &f), SG_ZF_DELEGATION);
	assert_true(node_is(z, f.node, "subdel.example."));
	assert_int_equal(find(z, "ghost.*.example.", &f), SG_ZF_NXDOMAIN);
	assert_true(node_is(z, f.encloser, "*.example."));
	assert_true(node_is(z, f.prev, "*.example."));
	/* the ENTs host1/host2 parents exist as nodes */
	assert_non_null(lookup(z, "host2.example."));
	assert_non_null(lookup(z, "_tcp.host2.example."));
	sg_zone_free(z);
}

static void root_zone(void **state)
{
	(void)state;
	sg_zone_builder_t *b = builder(NULL);
	add_soa(b, ".", 2023051100);
	add_name(b, ".", SG_T_NS, "a.root-servers.net.");
	add_name(b, "com.", SG_T_NS, "a.gtld-servers.net.");
	add_a(b, "a.root-servers.net.", 4);
	sg_zone_t *z = build(b, NULL);
	sg_zone_find_t f;
	assert_int_equal(find(z, "www.example.com.", &f), SG_ZF_DELEGATION);
	assert_true(node_is(z, f.node, "com."));
	assert_int_equal(find(z, "org.", &f), SG_ZF_NXDOMAIN);
	assert_true(node_is(z, f.encloser, "."));
	assert_true(node_is(z, f.prev, "a.root-servers.net."));
	assert_int_equal(find(z, ".", &f), SG_ZF_EXACT);
	assert_int_equal(find(z, "root-servers.net.", &f), SG_ZF_EXACT); /* an ENT */
	assert_int_equal(sg_zone_node_count(z), 5);
	sg_zone_free(z);
}

/* ---- checks ------------------------------------------------------------------ */

static void check_valid(void **state)
{
	(void)state;
	sg_zone_builder_t *b = builder("example.");
	add_apex(b, "example.");
	add_a(b, "ns.example.", 1);
	add_name(b, "www.example.", SG_T_CNAME, "ns.example.");
	add_name(b, "sub.example.", SG_T_NS, "ns.sub.example.");
	add_a(b, "ns.sub.example.", 2);
	sg_zone_report_t *rep;
	assert_int_equal(build_check(b, &rep, NULL), SG_OK);
	assert_int_equal(sg_zone_report_count(rep), 0);
	sg_zone_report_free(rep);
}

static void check_no_soa(void **state)
{
	(void)state;
	sg_zone_builder_t *b = builder("example.");
	add_name(b, "example.", SG_T_NS, "ns.example.net.");
	sg_zone_report_t *rep;
	assert_int_equal(build_check(b, &rep, NULL), SG_EZONE);
	assert_int_equal(count_problems(rep, SG_ZP_NO_SOA, "example."), 1);
	assert_int_equal(sg_zone_report_errors(rep), 1);
	sg_zone_report_free(rep);
}

static void check_multiple_soa(void **state)
{
	(void)state;
	sg_zone_builder_t *b = builder("example.");
	add_apex(b, "example.");
	add_soa(b, "example.", 2024010102);
	sg_zone_report_t *rep;
	assert_int_equal(build_check(b, &rep, NULL), SG_EZONE);
	assert_int_equal(count_problems(rep, SG_ZP_MULTIPLE_SOA, "example."), 1);
	assert_int_equal(sg_zone_report_errors(rep), 1);
	sg_zone_report_free(rep);
}

static void check_soa_not_at_apex(void **state)
{
	(void)state;
	sg_zone_builder_t *b = builder("example.");
	add_apex(b, "example.");
	add_soa(b, "sub.example.", 1);
	sg_zone_report_t *rep;
	assert_int_equal(build_check(b, &rep, NULL), SG_EZONE);
	assert_int_equal(count_problems(rep, SG_ZP_SOA_NOT_AT_APEX, "sub.example."), 1);
	assert_int_equal(sg_zone_report_errors(rep), 1);
	sg_zone_report_free(rep);
}

static void check_no_apex_ns(void **state)
{
	(void)state;
	sg_zone_builder_t *b = builder("example.");
	add_soa(b, "example.", 1);
	add_a(b, "www.example.", 1);
	sg_zone_report_t *rep;
	assert_int_equal(build_check(b, &rep, NULL), SG_EZONE);
	assert_int_equal(count_problems(rep, SG_ZP_NO_APEX_NS, "example."), 1);
	assert_int_equal(sg_zone_report_errors(rep), 1);
	sg_zone_report_free(rep);
}

static void check_out_of_zone(void **state)
{
	(void)state;
	sg_zone_builder_t *b = builder("example.");
	add_apex(b, "example.");
	uint8_t rd[4] = {192, 0, 2, 1};
	add_full(b, "www.example.org.", SG_C_IN, SG_T_A, 60, rd, 4, 42);
	add_full(b, "org.", SG_C_IN, SG_T_A, 60, rd, 4, 43);
	sg_zone_report_t *rep;
	sg_zone_t *z;
	build_check(b, &rep, &z);
	assert_int_equal(count_problems(rep, SG_ZP_OUT_OF_ZONE, "www.example.org."), 1);
	assert_int_equal(count_problems(rep, SG_ZP_OUT_OF_ZONE, "org."), 1);
	const sg_zone_problem_t *p = first_problem(rep, SG_ZP_OUT_OF_ZONE);
	assert_int_equal(p->severity, SG_ZSEV_ERROR);
	assert_int_equal(p->line, 42);
	assert_int_equal(sg_zone_report_errors(rep), 2);
	assert_int_equal(sg_zone_record_count(z), 3); /* dropped */
	assert_null(lookup(z, "www.example.org."));
	sg_zone_free(z);
	sg_zone_report_free(rep);
}

static void check_class_mismatch(void **state)
{
	(void)state;
	sg_zone_builder_t *b = builder("example.");
	add_apex(b, "example.");
	uint8_t rd[4] = {192, 0, 2, 1};
	add_full(b, "www.example.", SG_C_CH, SG_T_A, 60, rd, 4, 7);
	sg_zone_report_t *rep;
	sg_zone_t *z;
	build_check(b, &rep, &z);
	assert_int_equal(count_problems(rep, SG_ZP_CLASS_MISMATCH, "www.example."), 1);
	assert_int_equal(first_problem(rep, SG_ZP_CLASS_MISMATCH)->line, 7);
	assert_int_equal(sg_zone_record_count(z), 3);
	sg_zone_free(z);
	sg_zone_report_free(rep);
}

static void check_cname_and_other(void **state)
{
	(void)state;
	sg_zone_builder_t *b = builder("example.");
	add_apex(b, "example.");
	add_name(b, "www.example.", SG_T_CNAME, "example.");
	add_a(b, "www.example.", 1);
	sg_zone_report_t *rep;
	assert_int_equal(build_check(b, &rep, NULL), SG_EZONE);
	assert_int_equal(count_problems(rep, SG_ZP_CNAME_AND_OTHER, "www.example."), 1);
	assert_int_equal(sg_zone_report_errors(rep), 1);
	sg_zone_report_free(rep);
}

static void check_cname_with_dnssec(void **state)
{
	(void)state;
	/* RRSIG and NSEC may sit beside a CNAME (RFC 4035 §2.5) */
	sg_zone_builder_t *b = builder("example.");
	add_apex(b, "example.");
	add_name(b, "www.example.", SG_T_CNAME, "example.");
	uint8_t sig[64] = {0, 5, 13, 2, 0, 0, 14, 16, 0x65, 0, 0, 0, 0x64, 0, 0, 0, 0x12, 0x34};
	size_t l = 18 + N(sig + 18, "example.");
	sig[l++] = 0xab;
	add(b, "www.example.", SG_T_RRSIG, sig, l);
	uint8_t nsec[64];
	l = N(nsec, "example.");
	static const uint8_t bm[] = {0, 6, 0x04, 0, 0, 0, 0, 0x03}; /* CNAME RRSIG NSEC */
	memcpy(nsec + l, bm, sizeof(bm));
	add(b, "www.example.", SG_T_NSEC, nsec, l + sizeof(bm));
	sg_zone_report_t *rep;
	assert_int_equal(build_check(b, &rep, NULL), SG_OK);
	assert_int_equal(sg_zone_report_count(rep), 0);
	sg_zone_report_free(rep);
}

static void check_multiple_cname(void **state)
{
	(void)state;
	sg_zone_builder_t *b = builder("example.");
	add_apex(b, "example.");
	add_name(b, "www.example.", SG_T_CNAME, "a.example.");
	add_name(b, "www.example.", SG_T_CNAME, "b.example.");
	sg_zone_report_t *rep;
	assert_int_equal(build_check(b, &rep, NULL), SG_EZONE);
	assert_int_equal(count_problems(rep, SG_ZP_MULTIPLE_CNAME, "www.example."), 1);
	assert_int_equal(sg_zone_report_errors(rep), 1);
	sg_zone_report_free(rep);
}

static void check_cname_at_apex(void **state)
{
	(void)state;
	sg_zone_builder_t *b = builder("example.");
	add_name(b, "example.", SG_T_CNAME, "example.net.");
	sg_zone_report_t *rep;
	assert_int_equal(build_check(b, &rep, NULL), SG_EZONE);
	assert_int_equal(count_problems(rep, SG_ZP_CNAME_AT_APEX, "example."), 1);
	sg_zone_report_free(rep);
}

static void check_dname_with_children(void **state)
{
	(void)state;
	sg_zone_builder_t *b = builder("example.");
	add_apex(b, "example.");
	add_name(b, "d.example.", SG_T_DNAME, "example.net.");
	add_a(b, "x.y.d.example.", 1);
	add_name(b, "ok.example.", SG_T_DNAME, "example.net."); /* alone: fine */
	sg_zone_report_t *rep;
	assert_int_equal(build_check(b, &rep, NULL), SG_EZONE);
	assert_int_equal(count_problems(rep, SG_ZP_DNAME_WITH_CHILDREN, "d.example."), 1);
	assert_int_equal(sg_zone_report_errors(rep), 1);
	sg_zone_report_free(rep);
}

static void check_missing_glue(void **state)
{
	(void)state;
	sg_zone_builder_t *b = builder("example.");
	add_apex(b, "example.");
	add_name(b, "sub.example.", SG_T_NS, "ns1.sub.example."); /* no glue */
	add_name(b, "sub.example.", SG_T_NS, "ns2.sub.example.");
	add_a(b, "ns2.sub.example.", 2);                          /* glue */
	add_name(b, "sub.example.", SG_T_NS, "ns.example.net.");   /* out of zone: no glue needed */
	sg_zone_report_t *rep;
	assert_int_equal(build_check(b, &rep, NULL), SG_OK); /* a warning, not an error */
	assert_int_equal(count_problems(rep, SG_ZP_MISSING_GLUE, "sub.example."), 1);
	const sg_zone_problem_t *p = first_problem(rep, SG_ZP_MISSING_GLUE);
	assert_int_equal(p->severity, SG_ZSEV_WARNING);
	assert_non_null(strstr(p->msg, "ns1.sub.example."));
	assert_int_equal(sg_zone_report_errors(rep), 0);
	sg_zone_report_free(rep);
}

static void report_limit(void **state)
{
	(void)state;
	sg_zone_report_t *rep = sg_zone_report_new();
	for (unsigned i = 0; i < SG_ZONE_REPORT_MAX + 5; i++)
		assert_int_equal(sg_zone_report_add(rep, SG_ZSEV_ERROR, SG_ZP_PARSE, NULL, 0, "f", i + 1,
						    "bad %u", i),
				 SG_OK);
	assert_int_equal(sg_zone_report_count(rep), SG_ZONE_REPORT_MAX);
	assert_int_equal(sg_zone_report_errors(rep), SG_ZONE_REPORT_MAX + 5);
	assert_string_equal(sg_zone_report_get(rep, 3)->msg, "bad 3");
	assert_null(sg_zone_report_get(rep, SG_ZONE_REPORT_MAX));
	sg_zone_report_free(rep);
}

/* ---- scale ------------------------------------------------------------------ */

static void million_records(void **state)
{
	(void)state;
	enum { COUNT = 1000000 };
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	sg_zone_builder_t *b = builder("example.com.");
	add_soa(b, "example.com.", 1);
	add_name(b, "example.com.", SG_T_NS, "ns.example.net.");
	for (unsigned i = 0; i < COUNT; i++) {
		char name[64];
		snprintf(name, sizeof(name), "h%u.s%u.example.com.", i, i % 100);
		uint8_t o[SG_NAME_MAX];
		N(o, name);
		uint8_t rd[4] = {10, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i};
		sg_rr_t rr = {.owner = o, .type = SG_T_A, .rclass = SG_C_IN, .ttl = 60, .rdlen = 4,
			      .rdata = rd};
		assert_int_equal(sg_zone_builder_add(b, &rr, "big.zone", i + 3), SG_OK);
	}
	sg_zone_t *z = build(b, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	print_message("1M records: collected and built in %.2f s\n", secs);
	assert_true(secs < 10.0);
	/* what signetd does before serving; everything below must still hold */
	sg_zone_hint_hugepages(z);
	assert_int_equal(sg_zone_record_count(z), COUNT + 2);
	assert_int_equal(sg_zone_node_count(z), COUNT + 100 + 1);
	sg_zone_find_t f;
	assert_int_equal(find(z, "H123456.S56.example.com.", &f), SG_ZF_EXACT);
	const sg_zone_rrset_t *a = sg_zone_node_find(z, f.node, SG_T_A);
	uint16_t len;
	const uint8_t *rd = sg_zone_rrset_rdata(z, a, 0, &len);
	assert_int_equal(rd[3], 123456 & 0xff);
	assert_int_equal(find(z, "h123456.s57.example.com.", &f), SG_ZF_NXDOMAIN);
	assert_true(node_is(z, f.encloser, "s57.example.com."));
	/* canonical order holds throughout */
	for (size_t i = 1; i < sg_zone_node_count(z); i++)
		assert_true(sg_name_compare(sg_zone_node_name(z, sg_zone_node(z, i - 1)),
					    sg_zone_node_name(z, sg_zone_node(z, i))) < 0);
	assert_int_equal(sg_zone_check(z, NULL), SG_OK);
	sg_zone_free(z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(canonical_order),
		cmocka_unit_test(canonical_order_low_octets),
		cmocka_unit_test(rrset_grouping),
		cmocka_unit_test(ttl_mismatch),
		cmocka_unit_test(empty_non_terminals),
		cmocka_unit_test(origin_from_soa),
		cmocka_unit_test(lookup_exact_and_nxdomain),
		cmocka_unit_test(lookahead),
		cmocka_unit_test(mark_and_link),
		cmocka_unit_test(lookup_delegation_and_glue),
		cmocka_unit_test(lookup_dname),
		cmocka_unit_test(lookup_wildcard_rfc4592),
		cmocka_unit_test(root_zone),
		cmocka_unit_test(check_valid),
		cmocka_unit_test(check_no_soa),
		cmocka_unit_test(check_multiple_soa),
		cmocka_unit_test(check_soa_not_at_apex),
		cmocka_unit_test(check_no_apex_ns),
		cmocka_unit_test(check_out_of_zone),
		cmocka_unit_test(check_class_mismatch),
		cmocka_unit_test(check_cname_and_other),
		cmocka_unit_test(check_cname_with_dnssec),
		cmocka_unit_test(check_multiple_cname),
		cmocka_unit_test(check_cname_at_apex),
		cmocka_unit_test(check_dname_with_children),
		cmocka_unit_test(check_missing_glue),
		cmocka_unit_test(report_limit),
		cmocka_unit_test(million_records),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
