/* The signed-zone verifier (signet/verify.h, docs/internals/verify.md).
 *
 * One pass over the nodes checks signatures, on several threads: the nodes
 * are handed out in chunks through an atomic counter, each thread keeps
 * its own problem list and scratch, and the zone snapshot is read without
 * locks. The same pass computes the NSEC3 hash of every name that needs
 * one. Then the calling thread checks the DNSKEY RRset's SEP and anchor
 * rules and the NSEC/NSEC3 chain, sorts the problems by owner and
 * delivers them. Which RRsets are signed and what the chains must list
 * comes from signet/denial.h, the same rules the signer uses.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "signet/denial.h"
#include "signet/dnssec.h"
#include "signet/rr.h"
#include "signet/util.h"
#include "signet/verify.h"

#define CHUNK     64    /* nodes per work item */
#define MSG_MAX   4096  /* one problem's text */
#define MAX_ALGS  16    /* distinct DNSKEY algorithms tracked for coverage */
#define TYPES_MAX 65536 /* a bitmap can list at most every type */

/* Problem phases: the order within one owner. */
enum { PH_SIG = 0, PH_KEY = 1, PH_CHAIN = 2 };

typedef struct prob {
	uint32_t node;
	uint32_t seq;
	uint16_t type;
	uint16_t tag;
	uint8_t phase;
	uint8_t code;
	uint8_t vresult;
	uint8_t alg;
	const char *msg;
} prob_t;

typedef struct plist {
	prob_t *v;
	size_t n, cap;
	sg_arena_t *arena;
} plist_t;

/* NSEC3 parameters (RFC 5155 §4.2). */
typedef struct n3param {
	uint8_t alg, flags;
	uint16_t iter;
	uint8_t saltlen;
	const uint8_t *salt;
} n3param_t;

/* What a node needs of the NSEC3 chain (worker output, one per node). */
enum { N3_NONE = 0, N3_REQUIRED = 1, N3_OPTIONAL = 2 };

typedef struct vctx {
	const sg_zone_t *z;
	const sg_verify_opts_t *o;
	const uint8_t *apex;
	uint16_t rclass;
	size_t nnodes;
	sg_dnskey_t *keys;
	size_t nkeys;
	uint8_t algs[MAX_ALGS]; /* algorithms every signed RRset needs (RFC 4035 §2.2) */
	size_t nalgs;
	/* NSEC3: hash every name in the worker pass */
	bool n3_hash;
	bool opt_out;
	n3param_t n3;
	uint8_t (*hashes)[20];
	uint8_t *n3need;
	atomic_size_t next;  /* next node to hand out */
	atomic_size_t nprob; /* problems found, all threads */
	atomic_int fatal;    /* first error that stops the check */
} vctx_t;

typedef struct worker {
	vctx_t *v;
	plist_t pl;
	sg_rdata_ref_t *refs;
	size_t refcap;
	size_t rrsets, sigs;
	size_t done;
	pthread_t tid;
	bool started;
} worker_t;

/* ---- problems ------------------------------------------------------------- */

static void set_fatal(vctx_t *v, int err)
{
	int expected = 0;
	atomic_compare_exchange_strong(&v->fatal, &expected, err);
}

static void plist_deinit(plist_t *pl)
{
	free(pl->v);
	sg_arena_free(pl->arena);
	memset(pl, 0, sizeof(*pl));
}

/* Records one problem. Past SG_VERIFY_PROBLEM_MAX problems are counted only. */
static void __attribute__((format(printf, 11, 12)))
addp(vctx_t *v, plist_t *pl, size_t node, int phase, uint16_t type, int code, int vres,
     uint16_t tag, uint8_t alg, uint32_t seq, const char *fmt, ...)
{
	if (atomic_fetch_add(&v->nprob, 1) >= SG_VERIFY_PROBLEM_MAX)
		return;
	char msg[MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	int w = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (w < 0)
		msg[0] = 0;
	if (!pl->arena && !(pl->arena = sg_arena_new(0, 0)))
		goto nomem;
	if (pl->n == pl->cap) {
		size_t nc = pl->cap ? 2 * pl->cap : 64;
		prob_t *nv = realloc(pl->v, nc * sizeof(*nv));
		if (!nv)
			goto nomem;
		pl->v = nv;
		pl->cap = nc;
	}
	char *m = sg_arena_memdup(pl->arena, msg, strlen(msg) + 1);
	if (!m)
		goto nomem;
	pl->v[pl->n++] = (prob_t){.node = (uint32_t)node,
	                          .seq = seq,
	                          .type = type,
	                          .tag = tag,
	                          .phase = (uint8_t)phase,
	                          .code = (uint8_t)code,
	                          .vresult = (uint8_t)vres,
	                          .alg = alg,
	                          .msg = m};
	return;
nomem:
	set_fatal(v, SG_ENOMEM);
}

static int prob_cmp(const void *a, const void *b)
{
	const prob_t *x = a, *y = b;
	if (x->node != y->node)
		return x->node < y->node ? -1 : 1;
	if (x->phase != y->phase)
		return x->phase < y->phase ? -1 : 1;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return 0;
}

/* ---- small helpers ------------------------------------------------------------ */

static const char *name_text(char *buf, size_t cap, const uint8_t *name)
{
	if (sg_name_to_text(buf, cap, name) < 0)
		snprintf(buf, cap, "?");
	return buf;
}

static const char *time_text(char buf[16], uint32_t t)
{
	if (sg_time_format(buf, 16, t) < 0)
		snprintf(buf, 16, "%u", t);
	return buf;
}

/* "A NS RRSIG" (bounded; "..." when cut). */
static const char *types_text(char *buf, size_t cap, const uint16_t *t, size_t n)
{
	size_t o = 0;
	buf[0] = 0;
	if (n == 0) {
		snprintf(buf, cap, "(none)");
		return buf;
	}
	for (size_t i = 0; i < n; i++) {
		char tb[16];
		int w = snprintf(buf + o, cap - o, "%s%s", i ? " " : "", sg_type_name(t[i], tb));
		if (w < 0 || (size_t)w >= cap - o - 4) {
			snprintf(buf + o, cap - o, " ...");
			break;
		}
		o += (size_t)w;
	}
	return buf;
}

/* Parses NSEC3 or NSEC3PARAM RDATA up to the salt; returns the offset past
 * the salt or 0 when too short. */
static size_t n3_parse(n3param_t *p, const uint8_t *rd, size_t len)
{
	if (len < 5 || len < 5u + rd[4])
		return 0;
	p->alg = rd[0];
	p->flags = rd[1];
	p->iter = sg_get16(rd + 2);
	p->saltlen = rd[4];
	p->salt = rd + 5;
	return 5u + rd[4];
}

static bool n3_same(const n3param_t *a, const n3param_t *b)
{
	return a->alg == b->alg && a->iter == b->iter && a->saltlen == b->saltlen &&
	       memcmp(a->salt, b->salt, a->saltlen) == 0;
}

static const char *salt_text(char *buf, size_t cap, const n3param_t *p)
{
	if (p->saltlen == 0 || sg_base16_encode(buf, cap, p->salt, p->saltlen) < 0)
		snprintf(buf, cap, "-");
	return buf;
}

/* ---- signatures (worker pass) ------------------------------------------------------ */

static void rrsig_problem(vctx_t *v, plist_t *pl, size_t ni, uint16_t type, int res,
                          const uint8_t *rd, uint16_t len, uint32_t seq)
{
	if (res == SG_V_MALFORMED || len < 18) {
		addp(v, pl, ni, PH_SIG, type, SG_VP_RRSIG, res, 0, 0, seq, "RRSIG: %s",
		     sg_vresult_str(res));
		return;
	}
	uint16_t tag = sg_get16(rd + 16);
	uint8_t alg = rd[2];
	char extra[SG_NAME_TEXT_MAX + 32] = "", tb[16], nb[SG_NAME_TEXT_MAX];
	if (res == SG_V_EXPIRED)
		snprintf(extra, sizeof(extra), " (expiration %s)", time_text(tb, sg_get32(rd + 8)));
	else if (res == SG_V_NOT_YET_VALID)
		snprintf(extra, sizeof(extra), " (inception %s)", time_text(tb, sg_get32(rd + 12)));
	else if (res == SG_V_WRONG_SIGNER || res == SG_V_OUT_OF_ZONE)
		snprintf(extra, sizeof(extra), " (signer %s)", name_text(nb, sizeof(nb), rd + 18));
	addp(v, pl, ni, PH_SIG, type, SG_VP_RRSIG, res, tag, alg, seq,
	     "RRSIG by key %u (alg %u): %s%s", tag, alg, sg_vresult_str(res), extra);
}

static int alg_index(const vctx_t *v, uint8_t alg)
{
	for (size_t i = 0; i < v->nalgs; i++)
		if (v->algs[i] == alg)
			return (int)i;
	return -1;
}

static void check_rrset(worker_t *w, size_t ni, const sg_zone_node_t *n, const sg_zone_rrset_t *rs,
                        const sg_zone_rrset_t *sigs, uint32_t *seq)
{
	vctx_t *v = w->v;
	const sg_zone_t *z = v->z;
	uint16_t type = sg_zone_rrset_type(rs);
	size_t nsig = sigs ? sg_zone_rrset_count(sigs) : 0;
	size_t ncover = 0;
	for (size_t i = 0; i < nsig; i++) {
		uint16_t l;
		const uint8_t *rd = sg_zone_rrset_rdata(z, sigs, i, &l);
		if (l >= 2 && sg_get16(rd) == type)
			ncover++;
	}
	if (!sg_denial_rrset_signed(z, n, type)) {
		if (ncover == 0)
			return;
		unsigned f = sg_zone_node_flags(n);
		const char *why =
		        (f & SG_ZN_BELOW_CUT)     ? "glue must not be signed"
		        : (f & SG_ZN_BELOW_DNAME) ? "data occluded by a DNAME must not be signed"
		        : (f & SG_ZN_CUT) ? "only DS and NSEC are signed at a delegation point"
		                          : "RRset must not be signed";
		addp(v, &w->pl, ni, PH_SIG, type, SG_VP_SIGNED_GLUE, 0, 0, 0, (*seq)++, "%s", why);
		return;
	}
	if (ncover == 0) {
		addp(v, &w->pl, ni, PH_SIG, type, SG_VP_NO_SIGNATURE, 0, 0, 0, (*seq)++,
		     "no valid signature (no RRSIG)");
		return;
	}

	size_t cnt = sg_zone_rrset_count(rs);
	if (cnt > w->refcap) {
		size_t nc = cnt < 16 ? 16 : cnt;
		sg_rdata_ref_t *nr = realloc(w->refs, nc * sizeof(*nr));
		if (!nr) {
			set_fatal(v, SG_ENOMEM);
			return;
		}
		w->refs = nr;
		w->refcap = nc;
	}
	for (size_t i = 0; i < cnt; i++) {
		uint16_t l;
		w->refs[i].data = sg_zone_rrset_rdata(z, rs, i, &l);
		w->refs[i].len = l;
	}
	sg_rrset_view_t view = {
	        .owner = sg_zone_node_name(z, n),
	        .type = type,
	        .rclass = v->rclass,
	        .ttl = sg_zone_rrset_ttl(rs),
	        .rdata = w->refs,
	        .count = cnt,
	};
	uint32_t algok = 0;
	bool any = false;
	for (size_t i = 0; i < nsig; i++) {
		uint16_t l;
		const uint8_t *rd = sg_zone_rrset_rdata(z, sigs, i, &l);
		if (l < 2 || sg_get16(rd) != type)
			continue;
		int res;
		int r = sg_rrsig_verify(&res, &view, rd, l, v->apex, v->keys, v->nkeys, v->o->now);
		w->sigs++;
		if (r < 0) {
			set_fatal(v, r);
			return;
		}
		if (res == SG_V_VALID) {
			any = true;
			int ai = alg_index(v, rd[2]);
			if (ai >= 0)
				algok |= 1u << ai;
		} else {
			rrsig_problem(v, &w->pl, ni, type, res, rd, l, (*seq)++);
		}
	}
	if (!any) {
		addp(v, &w->pl, ni, PH_SIG, type, SG_VP_NO_SIGNATURE, 0, 0, 0, (*seq)++,
		     "no valid signature");
		return;
	}
	bool complete = true;
	for (size_t a = 0; a < v->nalgs; a++) {
		if (algok & (1u << a))
			continue;
		complete = false;
		addp(v, &w->pl, ni, PH_SIG, type, SG_VP_ALG_MISSING, 0, 0, v->algs[a], (*seq)++,
		     "no valid signature by an algorithm %u key, which the DNSKEY RRset has (RFC "
		     "4035 2.2)",
		     v->algs[a]);
	}
	if (complete)
		w->rrsets++;
}

static void check_node(worker_t *w, size_t ni)
{
	vctx_t *v = w->v;
	const sg_zone_t *z = v->z;
	const sg_zone_node_t *n = sg_zone_node(z, ni);
	const sg_zone_rrset_t *sigs = sg_zone_node_find(z, n, SG_T_RRSIG);
	uint32_t seq = 0;
	size_t nrs = sg_zone_node_rrset_count(n);
	for (size_t s = 0; s < nrs; s++) {
		const sg_zone_rrset_t *rs = sg_zone_node_rrset(z, n, s);
		if (sg_zone_rrset_type(rs) != SG_T_RRSIG)
			check_rrset(w, ni, n, rs, sigs, &seq);
	}
	/* RRSIGs for types that are not there (RFC 4035 §2.2: an RRSIG covers an RRset) */
	size_t nsig = sigs ? sg_zone_rrset_count(sigs) : 0;
	uint16_t last = 0;
	for (size_t i = 0; i < nsig; i++) {
		uint16_t l;
		const uint8_t *rd = sg_zone_rrset_rdata(z, sigs, i, &l);
		if (l < 2)
			continue;
		uint16_t t = sg_get16(rd);
		if (t == last || sg_zone_node_find(z, n, t))
			continue;
		last = t;
		addp(v, &w->pl, ni, PH_SIG, t, SG_VP_ORPHAN_RRSIG, 0, 0, 0, seq++,
		     "RRSIG for a type that does not exist at this name");
	}
	if (v->n3_hash) {
		uint8_t need = N3_NONE;
		if (sg_denial_nsec3_owner(z, n, false))
			/* optional: an opt-out NSEC3 covering it may skip it; known
			 * even without opt-out, to say so when it is missing */
			need = !sg_denial_nsec3_owner(z, n, true) ? N3_OPTIONAL : N3_REQUIRED;
		v->n3need[ni] = need;
		if (need != N3_NONE &&
		    sg_nsec3_hash(v->hashes[ni], v->n3.alg, sg_zone_node_name(z, n), v->n3.salt,
		                  v->n3.saltlen, v->n3.iter) < 0)
			set_fatal(v, SG_ECRYPTO);
	}
}

/* Takes chunks until none is left; the calling thread also reports progress. */
static void work(worker_t *w, bool report)
{
	vctx_t *v = w->v;
	for (;;) {
		if (atomic_load_explicit(&v->fatal, memory_order_relaxed))
			return;
		size_t start = atomic_fetch_add(&v->next, CHUNK);
		if (start >= v->nnodes)
			return;
		size_t end = start + CHUNK < v->nnodes ? start + CHUNK : v->nnodes;
		for (size_t i = start; i < end; i++)
			check_node(w, i);
		if (report && v->o->progress)
			v->o->progress(v->o->ctx, end, v->nnodes);
	}
}

static void *worker_main(void *arg)
{
	work(arg, false);
	return NULL;
}

/* ---- the DNSKEY RRset: SEP and trust anchors --------------------------------------------- */

static bool anchor_match(const vctx_t *v, const sg_dnskey_t *k, bool *any_anchor)
{
	for (size_t i = 0; i < v->o->nanchors; i++) {
		const sg_verify_anchor_t *a = &v->o->anchors[i];
		if (!a->owner || !sg_name_equal(a->owner, v->apex))
			continue;
		*any_anchor = true;
		if (a->type == SG_T_DNSKEY) {
			if (a->rdlen == k->rdlen && memcmp(a->rdata, k->rdata, k->rdlen) == 0)
				return true;
		} else if (a->type == SG_T_DS && a->rdlen > 4) {
			if (sg_get16(a->rdata) != k->tag || a->rdata[2] != k->alg)
				continue;
			uint8_t d[64];
			int dl = sg_ds_digest(d, sizeof(d), a->rdata[3], v->apex, k->rdata,
			                      k->rdlen);
			if (dl > 0 && (size_t)dl == a->rdlen - 4 &&
			    memcmp(d, a->rdata + 4, (size_t)dl) == 0)
				return true;
		}
	}
	return false;
}

static int check_dnskey_set(vctx_t *v, plist_t *pl, const sg_zone_rrset_t *dk, size_t *sigs)
{
	const sg_zone_t *z = v->z;
	const sg_zone_node_t *apex = sg_zone_apex(z);
	const sg_zone_rrset_t *rsig = sg_zone_node_find(z, apex, SG_T_RRSIG);
	size_t cnt = sg_zone_rrset_count(dk);
	sg_rdata_ref_t *refs = calloc(cnt, sizeof(*refs));
	if (!refs)
		return SG_ENOMEM;
	for (size_t i = 0; i < cnt; i++) {
		uint16_t l;
		refs[i].data = sg_zone_rrset_rdata(z, dk, i, &l);
		refs[i].len = l;
	}
	sg_rrset_view_t view = {.owner = sg_zone_node_name(z, apex),
	                        .type = SG_T_DNSKEY,
	                        .rclass = v->rclass,
	                        .ttl = sg_zone_rrset_ttl(dk),
	                        .rdata = refs,
	                        .count = cnt};
	bool sep = false, anchored = false, any_anchor = false;
	int r = SG_OK;
	for (size_t i = 0; rsig && i < sg_zone_rrset_count(rsig); i++) {
		uint16_t l;
		const uint8_t *rd = sg_zone_rrset_rdata(z, rsig, i, &l);
		if (l < 18 || sg_get16(rd) != SG_T_DNSKEY)
			continue;
		/* which key made it: try each candidate alone */
		for (size_t k = 0; k < v->nkeys; k++) {
			const sg_dnskey_t *key = &v->keys[k];
			if (key->alg != rd[2] || key->tag != sg_get16(rd + 16))
				continue;
			int res;
			r = sg_rrsig_verify(&res, &view, rd, l, v->apex, key, 1, v->o->now);
			(*sigs)++;
			if (r < 0)
				goto out;
			if (res != SG_V_VALID)
				continue;
			if (key->flags & SG_DNSKEY_SEP)
				sep = true;
			if (anchor_match(v, key, &any_anchor))
				anchored = true;
		}
	}
	for (size_t i = 0; i < v->o->nanchors; i++)
		if (v->o->anchors[i].owner && sg_name_equal(v->o->anchors[i].owner, v->apex))
			any_anchor = true;
	if (!sep)
		addp(v, pl, 0, PH_KEY, SG_T_DNSKEY, SG_VP_NOT_SEP, 0, 0, 0, 0,
		     "not signed by a key flagged as SEP (KSK)");
	if (v->o->nanchors && !any_anchor)
		addp(v, pl, 0, PH_KEY, SG_T_DNSKEY, SG_VP_ANCHOR, 0, 0, 0, 1,
		     "not signed by a key matching the trust anchor (no anchor for this zone was "
		     "given)");
	else if (v->o->nanchors && !anchored)
		addp(v, pl, 0, PH_KEY, SG_T_DNSKEY, SG_VP_ANCHOR, 0, 0, 0, 1,
		     "not signed by a key matching the trust anchor");
out:
	free(refs);
	return r;
}

/* ---- the NSEC chain (RFC 4035 §2.3, §4.1 of RFC 4034) -----------------------------------------
 */

typedef struct typebufs {
	uint16_t *exp, *got;
} typebufs_t;

/* Compares the types a name has with a bitmap; adds a problem when they differ. */
static void check_bitmap(vctx_t *v, plist_t *pl, typebufs_t *tb, size_t ni, size_t report_ni,
                         int code, enum sg_denial_kind kind, const uint8_t *bm, size_t bmlen,
                         const char *what, uint32_t seq)
{
	const sg_zone_node_t *n = sg_zone_node(v->z, ni);
	int ne = sg_denial_types(tb->exp, TYPES_MAX, v->z, n, kind);
	int ng = sg_bitmap_decode(tb->got, TYPES_MAX, bm, bmlen);
	uint16_t t = kind == SG_DENIAL_NSEC ? SG_T_NSEC : SG_T_NSEC3;
	if (ne < 0) {
		set_fatal(v, ne);
		return;
	}
	if (ng < 0) {
		addp(v, pl, report_ni, PH_CHAIN, t, code, 0, 0, 0, seq, "%smalformed type bitmap",
		     what);
		return;
	}
	if (ne == ng && memcmp(tb->exp, tb->got, (size_t)ne * sizeof(uint16_t)) == 0)
		return;
	char a[512], b[512];
	addp(v, pl, report_ni, PH_CHAIN, t, code, 0, 0, 0, seq,
	     "%stype bitmap lists %s but the name has %s", what,
	     types_text(a, sizeof(a), tb->got, (size_t)ng),
	     types_text(b, sizeof(b), tb->exp, (size_t)ne));
}

static void check_nsec(vctx_t *v, plist_t *pl, typebufs_t *tb, sg_verify_stats_t *st)
{
	const sg_zone_t *z = v->z;
	size_t first = SIZE_MAX;   /* first owner (the apex, normally) */
	size_t pending = SIZE_MAX; /* owner whose NSEC's next name awaits the next owner */
	const uint8_t *pending_next = NULL;
	char a[SG_NAME_TEXT_MAX], b[SG_NAME_TEXT_MAX];
	for (size_t ni = 0; ni < v->nnodes; ni++) {
		const sg_zone_node_t *n = sg_zone_node(z, ni);
		const sg_zone_rrset_t *ns = sg_zone_node_find(z, n, SG_T_NSEC);
		if (!sg_denial_nsec_owner(z, n)) {
			if (ns)
				addp(v, pl, ni, PH_CHAIN, SG_T_NSEC, SG_VP_NSEC_EXTRA, 0, 0, 0, 0,
				     "NSEC at a name that must not have one (%s)",
				     sg_denial_authoritative(z, n) ? "no authoritative data here"
				                                   : "glue or occluded name");
			continue;
		}
		const uint8_t *name = sg_zone_node_name(z, n);
		if (first == SIZE_MAX)
			first = ni;
		if (pending != SIZE_MAX) {
			if (!sg_name_equal(pending_next, name))
				addp(v, pl, pending, PH_CHAIN, SG_T_NSEC, SG_VP_NSEC_NEXT, 0, 0, 0,
				     1, "next name is %s but the next name in the zone is %s",
				     name_text(a, sizeof(a), pending_next),
				     name_text(b, sizeof(b), name));
			pending = SIZE_MAX;
		}
		if (!ns) {
			addp(v, pl, ni, PH_CHAIN, SG_T_NSEC, SG_VP_NSEC_MISSING, 0, 0, 0, 0,
			     "missing: the name has data and needs an NSEC record");
			continue;
		}
		if (sg_zone_rrset_count(ns) > 1)
			addp(v, pl, ni, PH_CHAIN, SG_T_NSEC, SG_VP_NSEC_MULTIPLE, 0, 0, 0, 0,
			     "%zu NSEC records at one name", sg_zone_rrset_count(ns));
		uint16_t l;
		const uint8_t *rd = sg_zone_rrset_rdata(z, ns, 0, &l);
		if (sg_rdata_check(SG_T_NSEC, rd, l) < 0) {
			addp(v, pl, ni, PH_CHAIN, SG_T_NSEC, SG_VP_NSEC_BITMAP, 0, 0, 0, 0,
			     "malformed NSEC RDATA");
			continue;
		}
		st->chain_length++;
		size_t nl = sg_name_len(rd);
		pending = ni;
		pending_next = rd;
		check_bitmap(v, pl, tb, ni, ni, SG_VP_NSEC_BITMAP, SG_DENIAL_NSEC, rd + nl, l - nl,
		             "", 2);
	}
	if (pending != SIZE_MAX) {
		const uint8_t *name = sg_zone_node_name(z, sg_zone_node(z, first));
		if (!sg_name_equal(pending_next, name))
			addp(v, pl, pending, PH_CHAIN, SG_T_NSEC, SG_VP_NSEC_NEXT, 0, 0, 0, 1,
			     "next name is %s but the chain must wrap around to %s",
			     name_text(a, sizeof(a), pending_next), name_text(b, sizeof(b), name));
	}
}

/* ---- the NSEC3 chain (RFC 5155 §7.1, §7.2) -------------------------------------------------- */

typedef struct n3rec {
	uint8_t hash[20];
	uint32_t node;
	bool opt_out;
	const uint8_t *next; /* 20 octets */
	const uint8_t *bitmap;
	uint16_t bmlen;
} n3rec_t;

static int n3rec_cmp(const void *a, const void *b)
{
	return memcmp(((const n3rec_t *)a)->hash, ((const n3rec_t *)b)->hash, 20);
}

static int node_hash_cmp(const void *a, const void *b, void *ctx)
{
	uint8_t(*hashes)[20] = ctx;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	int c = memcmp(hashes[x], hashes[y], 20);
	return c ? c : (x < y ? -1 : x > y);
}

static const char *hash_text(char *buf, size_t cap, const uint8_t *h)
{
	if (sg_base32hex_encode(buf, cap, h, 20) < 0)
		snprintf(buf, cap, "?");
	return buf;
}

/* Collects the NSEC3 records of the chain (those with the zone's parameters). */
static int collect_n3(vctx_t *v, plist_t *pl, n3rec_t **out, size_t *nout)
{
	const sg_zone_t *z = v->z;
	unsigned apex_labels = sg_name_labels(v->apex);
	size_t cap = 0, n = 0;
	n3rec_t *recs = NULL;
	char sa[600], sb[600];
	for (size_t ni = 0; ni < v->nnodes; ni++) {
		const sg_zone_node_t *node = sg_zone_node(z, ni);
		const sg_zone_rrset_t *rs = sg_zone_node_find(z, node, SG_T_NSEC3);
		if (!rs)
			continue;
		const uint8_t *name = sg_zone_node_name(z, node);
		uint8_t hash[20];
		if (sg_name_labels(name) != apex_labels + 1 || !sg_denial_authoritative(z, node) ||
		    sg_base32hex_decode(hash, sizeof(hash), (const char *)name + 1, name[0]) !=
		            20) {
			addp(v, pl, ni, PH_CHAIN, SG_T_NSEC3, SG_VP_NSEC3_MALFORMED, 0, 0, 0, 0,
			     "NSEC3 at a name that is not a hashed owner name directly below the "
			     "apex");
			continue;
		}
		bool have = false;
		for (size_t i = 0; i < sg_zone_rrset_count(rs); i++) {
			uint16_t l;
			const uint8_t *rd = sg_zone_rrset_rdata(z, rs, i, &l);
			n3param_t p;
			size_t o = n3_parse(&p, rd, l);
			if (o == 0 || sg_rdata_check(SG_T_NSEC3, rd, l) < 0) {
				addp(v, pl, ni, PH_CHAIN, SG_T_NSEC3, SG_VP_NSEC3_MALFORMED, 0, 0,
				     0, 0, "malformed NSEC3 RDATA");
				continue;
			}
			if (!n3_same(&p, &v->n3)) {
				addp(v, pl, ni, PH_CHAIN, SG_T_NSEC3, SG_VP_NSEC3_PARAMS, 0, 0, 0,
				     1,
				     "parameters (hash %u, iterations %u, salt %s) differ from "
				     "NSEC3PARAM "
				     "(hash %u, iterations %u, salt %s)",
				     p.alg, p.iter, salt_text(sa, sizeof(sa), &p), v->n3.alg,
				     v->n3.iter, salt_text(sb, sizeof(sb), &v->n3));
				continue;
			}
			if (rd[o] != 20) {
				addp(v, pl, ni, PH_CHAIN, SG_T_NSEC3, SG_VP_NSEC3_MALFORMED, 0, 0,
				     0, 0, "next hashed owner is %u octets, not 20", rd[o]);
				continue;
			}
			if (have) {
				addp(v, pl, ni, PH_CHAIN, SG_T_NSEC3, SG_VP_NSEC3_MULTIPLE, 0, 0, 0,
				     2,
				     "more than one NSEC3 record of the chain at one hashed owner");
				continue;
			}
			have = true;
			if (n == cap) {
				size_t nc = cap ? 2 * cap : 256;
				n3rec_t *nr = realloc(recs, nc * sizeof(*nr));
				if (!nr) {
					free(recs);
					return SG_ENOMEM;
				}
				recs = nr;
				cap = nc;
			}
			n3rec_t *e = &recs[n++];
			memcpy(e->hash, hash, 20);
			e->node = (uint32_t)ni;
			e->opt_out = p.flags & 1;
			e->next = rd + o + 1;
			e->bitmap = rd + o + 21;
			e->bmlen = (uint16_t)(l - o - 21);
		}
	}
	*out = recs;
	*nout = n;
	return SG_OK;
}

static int check_nsec3(vctx_t *v, plist_t *pl, typebufs_t *tb, sg_verify_stats_t *st)
{
	const sg_zone_t *z = v->z;
	n3rec_t *recs = NULL;
	uint32_t *names = NULL;
	size_t nrec = 0, nnames = 0;
	char a[SG_NAME_TEXT_MAX], ha[40], hb[40];
	int r = collect_n3(v, pl, &recs, &nrec);
	if (r < 0)
		return r;
	if (nrec)
		qsort(recs, nrec, sizeof(*recs), n3rec_cmp);
	st->chain_length = nrec;

	/* the chain: each next hashed owner is the following hash, the last wraps */
	for (size_t i = 0; i < nrec; i++) {
		const n3rec_t *nx = &recs[(i + 1) % nrec];
		if (memcmp(recs[i].next, nx->hash, 20) != 0)
			addp(v, pl, recs[i].node, PH_CHAIN, SG_T_NSEC3, SG_VP_NSEC3_NEXT, 0, 0, 0,
			     3, "next hashed owner is %s but the next NSEC3 in the chain is %s",
			     hash_text(ha, sizeof(ha), recs[i].next),
			     hash_text(hb, sizeof(hb), nx->hash));
	}

	/* the names, in hash order */
	names = malloc((v->nnodes ? v->nnodes : 1) * sizeof(*names));
	if (!names) {
		r = SG_ENOMEM;
		goto out;
	}
	for (size_t ni = 0; ni < v->nnodes; ni++)
		if (v->n3need[ni] != N3_NONE)
			names[nnames++] = (uint32_t)ni;
	qsort_r(names, nnames, sizeof(*names), node_hash_cmp, v->hashes);
	for (size_t i = 0; i + 1 < nnames; i++)
		if (memcmp(v->hashes[names[i]], v->hashes[names[i + 1]], 20) == 0)
			addp(v, pl, names[i + 1], PH_CHAIN, SG_T_NSEC3, SG_VP_NSEC3_COLLISION, 0, 0,
			     0, 4, "NSEC3 hash collision with %s (hash %s)",
			     name_text(a, sizeof(a),
			               sg_zone_node_name(z, sg_zone_node(z, names[i]))),
			     hash_text(ha, sizeof(ha), v->hashes[names[i]]));

	/* merge names and records */
	size_t ri = 0, ni = 0;
	while (ni < nnames || ri < nrec) {
		int c;
		if (ni == nnames)
			c = 1;
		else if (ri == nrec)
			c = -1;
		else
			c = memcmp(v->hashes[names[ni]], recs[ri].hash, 20);
		if (c > 0) {
			addp(v, pl, recs[ri].node, PH_CHAIN, SG_T_NSEC3, SG_VP_NSEC3_EXTRA, 0, 0, 0,
			     5, "hash matches no name that needs an NSEC3");
			ri++;
			continue;
		}
		uint32_t nd = names[ni];
		if (c == 0) {
			char what[SG_NAME_TEXT_MAX + 64];
			snprintf(what, sizeof(what), "NSEC3 %s: ",
			         name_text(a, sizeof(a),
			                   sg_zone_node_name(z, sg_zone_node(z, recs[ri].node))));
			check_bitmap(v, pl, tb, nd, nd, SG_VP_NSEC3_BITMAP, SG_DENIAL_NSEC3,
			             recs[ri].bitmap, recs[ri].bmlen, what, 6);
			/* a colliding name shares the record: leave it for the next name too */
			if (ni + 1 == nnames ||
			    memcmp(v->hashes[names[ni + 1]], recs[ri].hash, 20) != 0)
				ri++;
			ni++;
			continue;
		}
		/* no record for this name: only an opt-out span may skip it */
		const n3rec_t *cover = nrec ? &recs[ri ? ri - 1 : nrec - 1] : NULL;
		if (v->n3need[nd] == N3_OPTIONAL && cover && cover->opt_out) {
			ni++;
			continue;
		}
		addp(v, pl, nd, PH_CHAIN, SG_T_NSEC3, SG_VP_NSEC3_MISSING, 0, 0, 0, 5,
		     "missing: no NSEC3 record for hash %s%s",
		     hash_text(ha, sizeof(ha), v->hashes[nd]),
		     v->n3need[nd] == N3_OPTIONAL
		             ? " (an insecure delegation may be skipped only by an "
		               "opt-out NSEC3)"
		             : "");
		ni++;
	}
out:
	free(names);
	free(recs);
	return r;
}

/* ---- the whole zone --------------------------------------------------------------------- */

static const char *const code_names[] = {
        [SG_VP_UNSIGNED] = "zone is not signed",
        [SG_VP_NO_USABLE_KEY] = "no usable DNSKEY",
        [SG_VP_RRSIG] = "RRSIG does not verify",
        [SG_VP_NO_SIGNATURE] = "no valid signature",
        [SG_VP_ALG_MISSING] = "algorithm without a signature",
        [SG_VP_SIGNED_GLUE] = "non-authoritative data signed",
        [SG_VP_ORPHAN_RRSIG] = "RRSIG without an RRset",
        [SG_VP_NOT_SEP] = "DNSKEY not signed by a SEP key",
        [SG_VP_ANCHOR] = "DNSKEY not signed by an anchored key",
        [SG_VP_NO_CHAIN] = "no NSEC or NSEC3 chain",
        [SG_VP_BOTH_CHAINS] = "both NSEC and NSEC3",
        [SG_VP_NSEC_MISSING] = "missing NSEC",
        [SG_VP_NSEC_EXTRA] = "NSEC at a wrong name",
        [SG_VP_NSEC_MULTIPLE] = "several NSEC at a name",
        [SG_VP_NSEC_NEXT] = "wrong NSEC next name",
        [SG_VP_NSEC_BITMAP] = "wrong NSEC type bitmap",
        [SG_VP_NSEC3PARAM_MISSING] = "missing NSEC3PARAM",
        [SG_VP_NSEC3_PARAMS] = "NSEC3 parameters differ",
        [SG_VP_NSEC3_MALFORMED] = "malformed NSEC3",
        [SG_VP_NSEC3_MISSING] = "missing NSEC3",
        [SG_VP_NSEC3_EXTRA] = "NSEC3 matching no name",
        [SG_VP_NSEC3_MULTIPLE] = "several NSEC3 at a hashed owner",
        [SG_VP_NSEC3_NEXT] = "wrong NSEC3 next hashed owner",
        [SG_VP_NSEC3_BITMAP] = "wrong NSEC3 type bitmap",
        [SG_VP_NSEC3_COLLISION] = "NSEC3 hash collision",
};

const char *sg_verify_code_str(int code)
{
	if (code > 0 && (size_t)code < sizeof(code_names) / sizeof(code_names[0]) &&
	    code_names[code])
		return code_names[code];
	return "unknown problem";
}

/* Reads the apex DNSKEY RRset into v->keys and the algorithms to cover. */
static int load_keys(vctx_t *v, plist_t *pl, const sg_zone_rrset_t *dk)
{
	size_t cnt = sg_zone_rrset_count(dk);
	v->keys = calloc(cnt, sizeof(*v->keys));
	if (!v->keys)
		return SG_ENOMEM;
	for (size_t i = 0; i < cnt; i++) {
		uint16_t l;
		const uint8_t *rd = sg_zone_rrset_rdata(v->z, dk, i, &l);
		char err[256] = "";
		sg_dnskey_t *k = &v->keys[v->nkeys];
		int r = sg_dnskey_init_rdata(k, v->apex, rd, l, err, sizeof(err));
		if (r == SG_ENOMEM)
			return r;
		if (r < 0) {
			addp(v, pl, 0, PH_KEY, SG_T_DNSKEY, SG_VP_NO_USABLE_KEY, 0,
			     sg_dnskey_tag(rd, l), l > 3 ? rd[3] : 0, 2,
			     "DNSKEY %u is malformed: %s", sg_dnskey_tag(rd, l),
			     err[0] ? err : sg_strerror(r));
			continue;
		}
		v->nkeys++;
		if (!k->key || !(k->flags & SG_DNSKEY_ZONE) || k->protocol != SG_DNSKEY_PROTOCOL ||
		    alg_index(v, k->alg) >= 0 || v->nalgs == MAX_ALGS)
			continue;
		v->algs[v->nalgs++] = k->alg;
	}
	if (v->nalgs == 0)
		addp(v, pl, 0, PH_KEY, SG_T_DNSKEY, SG_VP_NO_USABLE_KEY, 0, 0, 0, 3,
		     "no DNSKEY of an algorithm signet can verify");
	return SG_OK;
}

/* Finds which chains the zone has, the NSEC3 parameters and opt-out. */
static void scan_chains(vctx_t *v, plist_t *pl, bool *nsec, bool *nsec3)
{
	const sg_zone_t *z = v->z;
	const n3param_t *first = NULL;
	n3param_t p1;
	*nsec = *nsec3 = false;
	for (size_t ni = 0; ni < v->nnodes; ni++) {
		const sg_zone_node_t *n = sg_zone_node(z, ni);
		if (sg_zone_node_find(z, n, SG_T_NSEC))
			*nsec = true;
		const sg_zone_rrset_t *rs = sg_zone_node_find(z, n, SG_T_NSEC3);
		if (!rs)
			continue;
		*nsec3 = true;
		for (size_t i = 0; i < sg_zone_rrset_count(rs); i++) {
			uint16_t l;
			const uint8_t *rd = sg_zone_rrset_rdata(z, rs, i, &l);
			n3param_t p;
			if (n3_parse(&p, rd, l) == 0)
				continue;
			if (p.flags & 1)
				v->opt_out = true;
			if (!first) {
				p1 = p;
				first = &p1;
			}
		}
	}
	const sg_zone_rrset_t *np = sg_zone_node_find(z, sg_zone_apex(z), SG_T_NSEC3PARAM);
	bool have_param = false;
	if (np) {
		*nsec3 = true;
		uint16_t l;
		const uint8_t *rd = sg_zone_rrset_rdata(z, np, 0, &l);
		if (n3_parse(&v->n3, rd, l))
			have_param = true;
		else
			addp(v, pl, 0, PH_CHAIN, SG_T_NSEC3PARAM, SG_VP_NSEC3_MALFORMED, 0, 0, 0,
			     10, "malformed NSEC3PARAM RDATA");
	} else if (*nsec3) {
		addp(v, pl, 0, PH_CHAIN, SG_T_NSEC3PARAM, SG_VP_NSEC3PARAM_MISSING, 0, 0, 0, 10,
		     "missing, but the zone has NSEC3 records");
	}
	if (!have_param && first)
		v->n3 = *first;
	if (*nsec3 && (have_param || first)) {
		if (v->n3.alg != 1)
			addp(v, pl, 0, PH_CHAIN, SG_T_NSEC3PARAM, SG_VP_NSEC3_MALFORMED, 0, 0, 0,
			     11, "unknown NSEC3 hash algorithm %u", v->n3.alg);
		else
			v->n3_hash = true;
	}
	if (*nsec && *nsec3)
		addp(v, pl, 0, PH_CHAIN, SG_T_NSEC, SG_VP_BOTH_CHAINS, 0, 0, 0, 12,
		     "the zone has both NSEC and NSEC3 records");
	if (!*nsec && !*nsec3)
		addp(v, pl, 0, PH_CHAIN, SG_T_NSEC, SG_VP_NO_CHAIN, 0, 0, 0, 12,
		     "the zone has neither an NSEC nor an NSEC3 chain");
}

/* Sorts every thread's problems together and delivers them. */
static int deliver(vctx_t *v, worker_t *ws, size_t nw, plist_t *main_pl)
{
	size_t total = main_pl->n;
	for (size_t i = 0; i < nw; i++)
		total += ws[i].pl.n;
	if (total == 0)
		return SG_OK;
	prob_t *all = malloc(total * sizeof(*all));
	if (!all)
		return SG_ENOMEM;
	size_t k = main_pl->n;
	if (k)
		memcpy(all, main_pl->v, k * sizeof(*all));
	for (size_t i = 0; i < nw; i++) {
		if (ws[i].pl.n)
			memcpy(all + k, ws[i].pl.v, ws[i].pl.n * sizeof(*all));
		k += ws[i].pl.n;
	}
	qsort(all, total, sizeof(*all), prob_cmp);
	if (v->o->problem) {
		for (size_t i = 0; i < total; i++) {
			const prob_t *p = &all[i];
			sg_verify_problem_t vp = {
			        .code = p->code,
			        .owner = sg_zone_node_name(v->z, sg_zone_node(v->z, p->node)),
			        .type = p->type,
			        .vresult = p->code == SG_VP_RRSIG ? p->vresult : SG_V_VALID,
			        .key_tag = p->tag,
			        .alg = p->alg,
			        .msg = p->msg,
			};
			v->o->problem(v->o->ctx, &vp);
		}
	}
	free(all);
	return SG_OK;
}

int sg_verify_zone(sg_verify_stats_t *stats, const sg_zone_t *z, const sg_verify_opts_t *opts)
{
	sg_verify_stats_t st = {0};
	if (stats)
		*stats = st;
	if (!z || !opts)
		return SG_EINVAL;
	vctx_t v = {.z = z, .o = opts, .apex = sg_zone_origin(z), .rclass = sg_zone_class(z)};
	v.nnodes = sg_zone_node_count(z);
	atomic_init(&v.next, 0);
	atomic_init(&v.nprob, 0);
	atomic_init(&v.fatal, 0);
	st.records = sg_zone_record_count(z);
	plist_t mpl = {0};
	typebufs_t tb = {0};
	unsigned nthreads = opts->threads ? opts->threads : 1;
	worker_t *ws = calloc(nthreads, sizeof(*ws));
	int r = SG_OK;
	if (!ws) {
		r = SG_ENOMEM;
		goto out;
	}

	const sg_zone_rrset_t *dk = sg_zone_node_find(z, sg_zone_apex(z), SG_T_DNSKEY);
	if (!dk) {
		addp(&v, &mpl, 0, PH_KEY, SG_T_DNSKEY, SG_VP_UNSIGNED, 0, 0, 0, 0,
		     "the zone is not signed: no DNSKEY RRset at the apex");
		goto deliver;
	}
	if ((r = load_keys(&v, &mpl, dk)) < 0)
		goto out;
	bool nsec, nsec3;
	scan_chains(&v, &mpl, &nsec, &nsec3);
	st.opt_out = v.opt_out;
	if (v.n3_hash) {
		v.hashes = malloc((v.nnodes ? v.nnodes : 1) * sizeof(*v.hashes));
		v.n3need = calloc(v.nnodes ? v.nnodes : 1, 1);
		if (!v.hashes || !v.n3need) {
			r = SG_ENOMEM;
			goto out;
		}
	}

	/* signatures: nthreads - 1 helpers and this thread */
	for (unsigned i = 0; i < nthreads; i++)
		ws[i].v = &v;
	for (unsigned i = 1; i < nthreads; i++)
		ws[i].started = pthread_create(&ws[i].tid, NULL, worker_main, &ws[i]) == 0;
	work(&ws[0], true);
	for (unsigned i = 1; i < nthreads; i++)
		if (ws[i].started)
			pthread_join(ws[i].tid, NULL);
	if ((r = atomic_load(&v.fatal)) < 0)
		goto out;
	for (unsigned i = 0; i < nthreads; i++) {
		st.rrsets += ws[i].rrsets;
		st.signatures += ws[i].sigs;
	}
	if (opts->progress)
		opts->progress(opts->ctx, v.nnodes, v.nnodes);

	if ((r = check_dnskey_set(&v, &mpl, dk, &st.signatures)) < 0)
		goto out;

	tb.exp = malloc(TYPES_MAX * sizeof(uint16_t));
	tb.got = malloc(TYPES_MAX * sizeof(uint16_t));
	if (!tb.exp || !tb.got) {
		r = SG_ENOMEM;
		goto out;
	}
	if (nsec) {
		st.chain = SG_DENIAL_NSEC;
		check_nsec(&v, &mpl, &tb, &st);
	}
	if (v.n3_hash) {
		st.chain = SG_DENIAL_NSEC3;
		if ((r = check_nsec3(&v, &mpl, &tb, &st)) < 0)
			goto out;
	}
	if ((r = atomic_load(&v.fatal)) < 0)
		goto out;
deliver:
	st.problems = atomic_load(&v.nprob);
	if ((r = deliver(&v, ws, nthreads, &mpl)) < 0)
		goto out;
	r = st.problems ? SG_EZONE : SG_OK;
out:
	if (r == SG_OK || r == SG_EZONE) {
		if ((r = atomic_load(&v.fatal)) == 0)
			r = st.problems ? SG_EZONE : SG_OK;
	}
	if (stats)
		*stats = st;
	for (unsigned i = 0; ws && i < nthreads; i++) {
		plist_deinit(&ws[i].pl);
		free(ws[i].refs);
	}
	free(ws);
	plist_deinit(&mpl);
	for (size_t i = 0; i < v.nkeys; i++)
		sg_dnskey_deinit(&v.keys[i]);
	free(v.keys);
	free(v.hashes);
	free(v.n3need);
	free(tb.exp);
	free(tb.got);
	return r;
}
