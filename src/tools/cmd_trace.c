/* signet trace — walk the tree from the root the way a resolver does and
 * show every link of the chain of trust.
 *
 *   signet trace [--root-hints FILE] [--anchor FILE] [--upstream-port N]
 *                [--json] NAME [TYPE]
 *
 * Synchronous and iterative: at each zone cut it asks the zone's servers
 * (UDP, TCP when truncated) for the zone's DNSKEY RRset and for NAME/TYPE,
 * follows referrals through their glue, and validates with the validation
 * library (signet/validate.h): the DNSKEY set against the DS from the
 * parent (or the trust anchor), the DS set of each delegation (or the
 * NSEC/NSEC3 proof that there is none), then the answer or its denial.
 * A CNAME whose target is not in the answer is followed: the target is
 * walked again from the root (MAX_HOPS names). Name servers without glue
 * are looked up from the root, unvalidated (they only say where to ask).
 * Everything is gathered first and printed at the end, as aligned text or
 * (--json) one JSON object.
 *
 * Exit status: 0 secure, insecure or indeterminate; 2 bogus; 1 errors
 * (bad usage, unreadable files, no server answered).
 */
#include <errno.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>

#include "signet/msg.h"
#include "signet/name.h"
#include "signet/rr.h"
#include "signet/util.h"
#include "signet/validate.h"
#include "signet/zonefile.h"
#include "tools/commands.h"
#include "tools/common.h"
#include "tools/dnsclient.h"

#define EXIT_BOGUS  2
#define MAX_DEPTH   24 /* zone cuts followed */
#define MAX_SERVERS 16 /* addresses kept per zone */
#define MAX_QUERIES 24 /* exchanges shown per zone */
#define MAX_RRS     64 /* records of one RRset looked at */
#define MAX_SETS    16 /* RRsets of an answer shown */
#define MAX_DS      16 /* DS records carried to the child */
#define MAX_HOPS    8  /* CNAME targets followed into other zones */
#define TIMEOUT_MS  2000
#define TRIES       2
#define NT          SG_NAME_TEXT_MAX

/* The root servers' IPv4 addresses (IANA named.root), used without
 * --root-hints. Tests always pass a lab hints file. */
static const struct {
	const char *name, *addr;
} builtin_roots[] = {
        {"a.root-servers.net.", "198.41.0.4"},     {"b.root-servers.net.", "170.247.170.2"},
        {"c.root-servers.net.", "192.33.4.12"},    {"d.root-servers.net.", "199.7.91.13"},
        {"e.root-servers.net.", "192.203.230.10"}, {"f.root-servers.net.", "192.5.5.241"},
        {"g.root-servers.net.", "192.112.36.4"},   {"h.root-servers.net.", "198.97.190.53"},
        {"i.root-servers.net.", "192.36.148.17"},  {"j.root-servers.net.", "192.58.128.30"},
        {"k.root-servers.net.", "193.0.14.129"},   {"l.root-servers.net.", "199.7.83.42"},
        {"m.root-servers.net.", "202.12.27.33"},
};

/* ---- the report ----------------------------------------------------------- */

typedef struct server {
	char name[NT];
	char addr[64];
} server_t;

typedef struct query_rep {
	char server[NT];
	char addr[64];
	char qname[NT];
	uint16_t qtype;
	bool tcp;
	char outcome[320];
} query_rep_t;

/* An RRset as shown: records, signatures, verdict. */
typedef struct set_rep {
	char owner[NT];
	uint16_t type;
	char *records[MAX_RRS];
	size_t nrec;
	sg_val_sig_info_t sigs[SG_VAL_DETAIL_MAX];
	size_t nsig;
	bool checked;
	sg_val_result_t res;
} set_rep_t;

enum ds_source { DS_NONE = 0, DS_ANCHOR, DS_PARENT };

typedef struct zone_rep {
	unsigned hop; /* 0, or the CNAME target followed */
	char zone[NT];
	server_t servers[MAX_SERVERS];
	size_t nservers;
	uint8_t nsnames[MAX_SERVERS][SG_NAME_MAX]; /* the delegation's NS names */
	size_t nnsnames;
	query_rep_t q[MAX_QUERIES];
	size_t nq;
	int ds_source;          /* where the DS/anchors checked against came from */
	bool dnskey_checked;    /* sg_val_dnskey() ran: detail is valid */
	sg_val_detail_t detail; /* DS/anchors, keys and DNSKEY signatures */
	sg_val_result_t link;   /* the link into this zone */
	/* the delegation this zone made towards NAME */
	bool delegates;
	char child[NT];
	set_rep_t ds;       /* the child's DS RRset, when present */
	set_rep_t proof[4]; /* NSEC/NSEC3 RRsets proving no DS */
	size_t nproof;
	sg_val_result_t deleg; /* verdict on the DS (or its absence) */
	bool deleg_checked;
} zone_rep_t;

typedef struct answer_rep {
	bool present;
	int rcode;
	char zone[NT];
	set_rep_t sets[MAX_SETS];
	size_t nsets;
	set_rep_t proof[8];
	size_t nproof;
	bool denial_checked;
	sg_val_result_t denial;
	sg_val_result_t verdict;
	char note[256];
	bool follow; /* a CNAME leads out of the answer: to target */
	uint8_t target[SG_NAME_MAX];
} answer_rep_t;

typedef struct trace {
	/* options */
	const char *hints_path, *anchor_path;
	uint16_t port;
	bool json;
	uint8_t qname[SG_NAME_MAX];
	char qname_text[NT];
	uint16_t qtype;
	/* state */
	sg_val_anchors_t *anchors;
	const uint8_t *trust_point; /* owner of the anchors used, NULL: none covers NAME */
	sg_val_opts_t vopts;
	sg_val_stats_t stats;
	zone_rep_t *zones[MAX_DEPTH];
	size_t nzones;
	answer_rep_t answers[MAX_HOPS]; /* one per name: NAME, then CNAME targets */
	size_t nanswers;
	char hop_name[MAX_HOPS][NT];
	unsigned hop;
	sg_val_result_t verdict; /* overall */
	char error[512];         /* a walk that could not finish */
	/* network */
	tool_reply_t *reply;
	sg_arena_t *arena;
	int64_t now;
} trace_t;

static void set_rep_free(set_rep_t *s)
{
	for (size_t i = 0; i < s->nrec; i++)
		free(s->records[i]);
	s->nrec = 0;
}

static void trace_free(trace_t *t)
{
	for (size_t i = 0; i < t->nzones; i++) {
		zone_rep_t *z = t->zones[i];
		set_rep_free(&z->ds);
		for (size_t k = 0; k < z->nproof; k++)
			set_rep_free(&z->proof[k]);
		free(z);
	}
	for (size_t h = 0; h < t->nanswers; h++) {
		for (size_t i = 0; i < t->answers[h].nsets; i++)
			set_rep_free(&t->answers[h].sets[i]);
		for (size_t i = 0; i < t->answers[h].nproof; i++)
			set_rep_free(&t->answers[h].proof[i]);
	}
	sg_val_anchors_free(t->anchors);
	sg_arena_free(t->arena);
	free(t->reply);
}

static const char *ntext(char *buf, const uint8_t *name)
{
	if (sg_name_to_text(buf, NT, name) < 0)
		snprintf(buf, NT, "?");
	return buf;
}

/* ---- RRsets out of a message ------------------------------------------------ */

typedef struct rrs {
	uint8_t owner[SG_NAME_MAX];
	sg_rdata_ref_t rd[MAX_RRS];
	sg_rdata_ref_t sig[MAX_RRS];
	sg_val_rrset_t v;
} rrs_t;

/* The records of owner/type in a section and the RRSIGs covering them. */
static void rrs_from(rrs_t *s, const sg_msg_t *m, int sec, const uint8_t *owner, uint16_t type)
{
	memset(&s->v, 0, sizeof(s->v));
	sg_name_copy(s->owner, owner);
	s->v.rrset.owner = s->owner;
	s->v.rrset.type = type;
	s->v.rrset.rclass = SG_C_IN;
	s->v.rrset.rdata = s->rd;
	s->v.sigs = s->sig;
	for (size_t i = 0; i < m->count[sec]; i++) {
		const sg_msg_rr_t *rr = &m->rr[sec][i];
		if (!sg_name_equal(rr->owner, owner))
			continue;
		if (rr->type == type && s->v.rrset.count < MAX_RRS) {
			s->v.rrset.ttl = rr->ttl;
			s->rd[s->v.rrset.count].data = rr->rdata;
			s->rd[s->v.rrset.count++].len = rr->rdlen;
		} else if (rr->type == SG_T_RRSIG && rr->rdlen >= 2 &&
		           sg_get16(rr->rdata) == type && s->v.nsigs < MAX_RRS) {
			s->sig[s->v.nsigs].data = rr->rdata;
			s->sig[s->v.nsigs++].len = rr->rdlen;
		}
	}
}

/* Fills a report from an RRset: records as text. */
static void set_rep_fill(set_rep_t *r, const rrs_t *s)
{
	char tb[16];
	ntext(r->owner, s->owner);
	r->type = s->v.rrset.type;
	static char line[4 * SG_RDATA_MAX + 64];
	for (size_t i = 0; i < s->v.rrset.count && r->nrec < MAX_RRS; i++) {
		if (sg_rr_to_text(line, sizeof(line), s->owner, s->v.rrset.ttl, SG_C_IN,
		                  s->v.rrset.type, s->rd[i].data, s->rd[i].len, 0) < 0)
			snprintf(line, sizeof(line), "%s %s (not printable)", r->owner,
			         sg_type_name(r->type, tb));
		for (char *c = line; *c; c++)
			if (*c == '\t')
				*c = ' ';
		r->records[r->nrec] = strdup(line);
		if (r->records[r->nrec])
			r->nrec++;
	}
}

/* Checks an RRset with the zone's keys and keeps what the report shows. */
static int check_set(trace_t *t, set_rep_t *r, const rrs_t *s, const sg_val_keyset_t *ks)
{
	static sg_val_detail_t d;
	set_rep_fill(r, s);
	int e = sg_val_rrset(&r->res, &s->v, ks, &t->vopts, &t->stats, &d);
	if (e < 0)
		return e;
	r->checked = true;
	r->nsig = d.nsigs < SG_VAL_DETAIL_MAX ? d.nsigs : SG_VAL_DETAIL_MAX;
	memcpy(r->sigs, d.sigs, r->nsig * sizeof(r->sigs[0]));
	return SG_OK;
}

/* ---- asking servers ------------------------------------------------------------- */

static int resolve_addr(struct sockaddr_storage *ss, socklen_t *sl, const char *addr, uint16_t port)
{
	char ps[8];
	snprintf(ps, sizeof(ps), "%u", port);
	struct addrinfo hints = {.ai_family = AF_UNSPEC,
	                         .ai_socktype = SOCK_DGRAM,
	                         .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV};
	struct addrinfo *ai = NULL;
	if (getaddrinfo(addr, ps, &hints, &ai) != 0 || !ai)
		return -1;
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*sl = ai->ai_addrlen;
	freeaddrinfo(ai);
	return 0;
}

/* Asks the zone's servers in turn until one gives a usable reply
 * (NOERROR or NXDOMAIN). Each exchange is recorded in z. Returns 0 with
 * t->reply holding the reply, or -1 when no server gave one. */
static int ask(trace_t *t, zone_rep_t *z, const uint8_t *qname, uint16_t qtype)
{
	uint8_t q[512];
	size_t qlen;
	for (size_t si = 0; si < z->nservers; si++) {
		const server_t *srv = &z->servers[si];
		query_rep_t *qr = z->nq < MAX_QUERIES ? &z->q[z->nq++] : &z->q[MAX_QUERIES - 1];
		memset(qr, 0, sizeof(*qr));
		snprintf(qr->server, sizeof(qr->server), "%s", srv->name);
		snprintf(qr->addr, sizeof(qr->addr), "%s", srv->addr);
		ntext(qr->qname, qname);
		qr->qtype = qtype;
		struct sockaddr_storage ss;
		socklen_t sl;
		if (resolve_addr(&ss, &sl, srv->addr, t->port) < 0) {
			snprintf(qr->outcome, sizeof(qr->outcome), "bad address");
			continue;
		}
		uint16_t id;
		if (getrandom(&id, sizeof(id), 0) != (ssize_t)sizeof(id))
			id = (uint16_t)(sg_dnsx_now_ms() ^ si);
		sg_msgw_t w;
		int e = sg_msgw_init(&w, q, sizeof(q), id, 0, SG_OP_QUERY, SG_RC_NOERROR);
		if (e == SG_OK)
			e = sg_msgw_edns(&w, 1232, SG_EDNS_DO, 0);
		if (e == SG_OK)
			e = sg_msgw_question(&w, qname, qtype, SG_C_IN);
		if (e == SG_OK)
			e = sg_msgw_finish(&w, &qlen);
		if (e != SG_OK) {
			snprintf(qr->outcome, sizeof(qr->outcome), "cannot build the query: %s",
			         sg_strerror(e));
			return -1;
		}
		tool_xq_t xq = {.qname = qname,
		                .qtype = qtype,
		                .qclass = SG_C_IN,
		                .timeout_ms = TIMEOUT_MS};
		enum tool_xr x = TOOL_XR_TIMEOUT;
		bool tcp = false;
		for (unsigned tr = 0; tr < TRIES; tr++) {
			x = tcp ? tool_exchange_tcp(t->reply, &xq, (struct sockaddr *)&ss, sl, q,
			                            qlen, id, t->arena)
			        : tool_exchange_udp(t->reply, &xq, (struct sockaddr *)&ss, sl, q,
			                            qlen, id, t->arena);
			if (x == TOOL_XR_OK && !tcp && (t->reply->msg.flags & SG_MSG_TC)) {
				tcp = true; /* RFC 7766 §5 */
				tr--;
				continue;
			}
			if (x == TOOL_XR_OK || x == TOOL_XR_NETERR)
				break;
		}
		qr->tcp = tcp;
		if (x != TOOL_XR_OK) {
			snprintf(qr->outcome, sizeof(qr->outcome), "no answer: %s", t->reply->why);
			continue;
		}
		int rc = t->reply->msg.rcode;
		if (rc != SG_RC_NOERROR && rc != SG_RC_NXDOMAIN) {
			const char *n = sg_rcode_name((unsigned)rc);
			snprintf(qr->outcome, sizeof(qr->outcome), "%s", n ? n : "error rcode");
			continue;
		}
		snprintf(qr->outcome, sizeof(qr->outcome), "%s",
		         rc == SG_RC_NXDOMAIN ? "NXDOMAIN" : "NOERROR");
		return 0;
	}
	return -1;
}

/* ---- root hints and anchors ------------------------------------------------------ */

typedef struct hints_ctx {
	zone_rep_t *z;
	uint8_t ns[MAX_SERVERS][SG_NAME_MAX];
	size_t nns;
	struct {
		uint8_t owner[SG_NAME_MAX];
		char addr[64];
	} a[MAX_SERVERS * 2];
	size_t na;
	bool failed;
} hints_ctx_t;

static void hints_err(void *ctx, const char *file, unsigned line, const char *msg)
{
	hints_ctx_t *h = ctx;
	h->failed = true;
	fprintf(stderr, "signet trace: %s:%u: %s\n", file, line, msg);
}

static int hints_rec(void *ctx, const sg_rr_t *rr, const char *file, unsigned line)
{
	hints_ctx_t *h = ctx;
	(void)file;
	(void)line;
	if (rr->type == SG_T_NS && sg_name_equal(rr->owner, sg_name_root) && h->nns < MAX_SERVERS)
		sg_name_copy(h->ns[h->nns++], rr->rdata);
	else if ((rr->type == SG_T_A || rr->type == SG_T_AAAA) && h->na < MAX_SERVERS * 2) {
		sg_name_copy(h->a[h->na].owner, rr->owner);
		if (sg_rdata_to_text(h->a[h->na].addr, sizeof(h->a[h->na].addr), rr->type,
		                     rr->rdata, rr->rdlen, 0) > 0)
			h->na++;
	}
	return SG_OK;
}

static int load_hints(trace_t *t, zone_rep_t *z)
{
	if (!t->hints_path) {
		for (size_t i = 0;
		     i < sizeof(builtin_roots) / sizeof(builtin_roots[0]) && i < MAX_SERVERS; i++) {
			snprintf(z->servers[i].name, NT, "%s", builtin_roots[i].name);
			snprintf(z->servers[i].addr, 64, "%s", builtin_roots[i].addr);
			z->nservers++;
		}
		return 0;
	}
	hints_ctx_t *h = calloc(1, sizeof(*h));
	if (!h)
		return -1;
	sg_zparse_opts_t o = {.origin = sg_name_root,
	                      .no_include = 1,
	                      .error = hints_err,
	                      .record = hints_rec,
	                      .ctx = h};
	int r = sg_zonefile_parse(t->hints_path, &o, NULL);
	if (r < 0 || h->failed) {
		if (!h->failed)
			tool_err("trace", "%s: %s", t->hints_path, sg_strerror(r));
		free(h);
		return -1;
	}
	for (size_t i = 0; i < h->nns; i++)
		for (size_t k = 0; k < h->na && z->nservers < MAX_SERVERS; k++)
			if (sg_name_equal(h->ns[i], h->a[k].owner)) {
				ntext(z->servers[z->nservers].name, h->ns[i]);
				snprintf(z->servers[z->nservers].addr, 64, "%s", h->a[k].addr);
				z->nservers++;
			}
	free(h);
	if (z->nservers == 0) {
		tool_err("trace",
		         "%s: no root server with an address (NS records for \".\" and their "
		         "A/AAAA)",
		         t->hints_path);
		return -1;
	}
	return 0;
}

static int load_anchors(trace_t *t)
{
	char err[512];
	int r;
	if (t->anchor_path) {
		FILE *f = fopen(t->anchor_path, "rb");
		if (!f) {
			tool_err("trace", "%s: %s", t->anchor_path, strerror(errno));
			return -1;
		}
		static char buf[1 << 20];
		size_t n = fread(buf, 1, sizeof(buf) - 1, f);
		bool big = !feof(f);
		fclose(f);
		if (big) {
			tool_err("trace", "%s: larger than 1 MiB", t->anchor_path);
			return -1;
		}
		r = sg_val_anchors_parse(&t->anchors, buf, n, t->anchor_path, err, sizeof(err));
	} else {
		const char *txt = sg_val_root_anchors_text();
		r = sg_val_anchors_parse(&t->anchors, txt, strlen(txt), "built-in root anchors",
		                         err, sizeof(err));
	}
	if (r < 0) {
		tool_err("trace", "%s", err[0] ? err : sg_strerror(r));
		return -1;
	}
	t->trust_point = sg_val_anchors_closest(t->anchors, t->qname);
	return 0;
}

/* ---- the walk ---------------------------------------------------------------- */

enum chain { CH_WAIT, CH_CHECK, CH_SECURE, CH_INSECURE, CH_BOGUS };

typedef struct carried {
	size_t n;
	sg_val_anchor_t a[MAX_DS];
	uint8_t owner[SG_NAME_MAX];
	uint8_t rd[MAX_DS][4 + 64];
} carried_t;

static void inherit(sg_val_result_t *r, int status, int reason, const char *text)
{
	memset(r, 0, sizeof(*r));
	r->status = status;
	r->reason = reason;
	snprintf(r->text, sizeof(r->text), "%s", text);
}

/* The first bogus verdict wins: it names the broken link. */
static void note_bogus(trace_t *t, const sg_val_result_t *r)
{
	if (t->verdict.status != SG_VAL_BOGUS)
		t->verdict = *r;
}

/* Glue for the delegation's name servers: A/AAAA in the additional
 * section for names in the NS RRset (the glue of this referral only). */
static void referral_servers(zone_rep_t *child, const sg_msg_t *m, const uint8_t *cut)
{
	for (size_t i = 0; i < m->count[SG_SEC_AUTHORITY]; i++) {
		const sg_msg_rr_t *ns = &m->rr[SG_SEC_AUTHORITY][i];
		if (ns->type != SG_T_NS || !sg_name_equal(ns->owner, cut))
			continue;
		if (child->nnsnames < MAX_SERVERS)
			sg_name_copy(child->nsnames[child->nnsnames++], ns->rdata);
		for (size_t k = 0; k < m->count[SG_SEC_ADDITIONAL]; k++) {
			const sg_msg_rr_t *a = &m->rr[SG_SEC_ADDITIONAL][k];
			if ((a->type != SG_T_A && a->type != SG_T_AAAA) ||
			    !sg_name_equal(a->owner, ns->rdata) || child->nservers >= MAX_SERVERS)
				continue;
			server_t *s = &child->servers[child->nservers];
			ntext(s->name, ns->rdata);
			if (sg_rdata_to_text(s->addr, sizeof(s->addr), a->type, a->rdata, a->rdlen,
			                     0) > 0)
				child->nservers++;
		}
	}
}

#define NS_LOOKUP_DEPTH 2 /* glueless name servers of glueless name servers */

/* Addresses of a name server the referral gave no glue for: an iterative
 * A lookup from the root servers, not validated (it only tells where to
 * ask; the answers asked there are validated). Adds them to `to` and
 * records the lookup in its queries. Clobbers t->reply. Returns the
 * number of addresses found. */
static size_t lookup_ns(trace_t *t, zone_rep_t *to, const uint8_t *ns, unsigned depth)
{
	zone_rep_t *w = calloc(1, sizeof(*w));
	size_t found = 0;
	if (!w)
		return 0;
	memcpy(w->servers, t->zones[0]->servers, sizeof(w->servers));
	w->nservers = t->zones[0]->nservers;
	uint8_t zone[SG_NAME_MAX];
	sg_name_copy(zone, sg_name_root);
	for (unsigned step = 0; step < MAX_DEPTH && found == 0; step++) {
		if (ask(t, w, ns, SG_T_A) < 0)
			break;
		const sg_msg_t *m = &t->reply->msg;
		for (size_t i = 0; i < m->count[SG_SEC_ANSWER] && to->nservers < MAX_SERVERS; i++) {
			const sg_msg_rr_t *rr = &m->rr[SG_SEC_ANSWER][i];
			if (rr->type != SG_T_A || !sg_name_equal(rr->owner, ns))
				continue;
			server_t *s = &to->servers[to->nservers];
			ntext(s->name, ns);
			if (sg_rdata_to_text(s->addr, sizeof(s->addr), rr->type, rr->rdata,
			                     rr->rdlen, 0) > 0) {
				to->nservers++;
				found++;
			}
		}
		if (found || m->count[SG_SEC_ANSWER])
			break;
		const uint8_t *cut = NULL;
		for (size_t i = 0; i < m->count[SG_SEC_AUTHORITY]; i++) {
			const sg_msg_rr_t *rr = &m->rr[SG_SEC_AUTHORITY][i];
			if (rr->type == SG_T_NS && !sg_name_equal(rr->owner, zone) &&
			    sg_name_is_subdomain(rr->owner, zone) &&
			    sg_name_is_subdomain(ns, rr->owner)) {
				cut = rr->owner;
				break;
			}
		}
		if (!cut)
			break; /* NXDOMAIN or NODATA */
		zone_rep_t *c = calloc(1, sizeof(*c));
		if (!c)
			break;
		referral_servers(c, m, cut);
		sg_name_copy(zone, cut);
		for (size_t i = 0; c->nservers == 0 && depth < NS_LOOKUP_DEPTH && i < c->nnsnames;
		     i++)
			lookup_ns(t, c, c->nsnames[i], depth + 1);
		memcpy(w->servers, c->servers, sizeof(w->servers));
		w->nservers = c->nservers;
		free(c);
		if (w->nservers == 0)
			break;
	}
	char nb[NT];
	query_rep_t *qr = to->nq < MAX_QUERIES ? &to->q[to->nq++] : &to->q[MAX_QUERIES - 1];
	memset(qr, 0, sizeof(*qr));
	snprintf(qr->server, sizeof(qr->server), "%zu queries", w->nq);
	snprintf(qr->addr, sizeof(qr->addr), "the root servers and their referrals");
	snprintf(qr->qname, sizeof(qr->qname), "%s", ntext(nb, ns));
	qr->qtype = SG_T_A;
	if (found)
		snprintf(qr->outcome, sizeof(qr->outcome),
		         "no glue: address looked up, %zu found (not validated)", found);
	else
		snprintf(qr->outcome, sizeof(qr->outcome), "no glue: address lookup failed");
	free(w);
	return found;
}

/* The NSEC/NSEC3 RRsets of the authority section, each checked with the
 * zone's keys; views of the secure ones go to views. Returns the number
 * of views, or -1 with *bad set to the first failure. */
static int proof_sets(trace_t *t, set_rep_t *reps, size_t *nreps, size_t maxreps,
                      sg_rrset_view_t *views, rrs_t *store, size_t maxviews, const sg_msg_t *m,
                      const sg_val_keyset_t *ks, sg_val_result_t *bad)
{
	size_t nv = 0;
	for (size_t i = 0; i < m->count[SG_SEC_AUTHORITY] && nv < maxviews; i++) {
		const sg_msg_rr_t *rr = &m->rr[SG_SEC_AUTHORITY][i];
		if (rr->type != SG_T_NSEC && rr->type != SG_T_NSEC3)
			continue;
		bool seen = false;
		for (size_t k = 0; k < nv; k++)
			if (views[k].type == rr->type && sg_name_equal(views[k].owner, rr->owner))
				seen = true;
		if (seen)
			continue;
		rrs_t *s = &store[nv];
		rrs_from(s, m, SG_SEC_AUTHORITY, rr->owner, rr->type);
		set_rep_t tmp = {0}, *r = *nreps < maxreps ? &reps[(*nreps)++] : &tmp;
		memset(r, 0, sizeof(*r));
		if (check_set(t, r, s, ks) < 0)
			return -2;
		if (r == &tmp)
			set_rep_free(&tmp);
		if (r->res.status != SG_VAL_SECURE || r->res.wildcard) {
			*bad = r->res;
			if (r->res.wildcard)
				snprintf(bad->text, sizeof(bad->text),
				         "%.300s %s: denial record from a wildcard", r->owner,
				         rr->type == SG_T_NSEC ? "NSEC" : "NSEC3");
			bad->status = SG_VAL_BOGUS;
			return -1;
		}
		views[nv++] = s->v.rrset;
	}
	return (int)nv;
}

/* Where the answer's CNAME chain (from NAME, inside the answer section)
 * ends; when that name has no TYPE records here, it is followed. */
static void cname_target(trace_t *t, answer_rep_t *a, const sg_msg_t *m)
{
	const uint8_t *name = t->qname;
	if (t->qtype == SG_T_CNAME || m->rcode != SG_RC_NOERROR)
		return;
	for (unsigned n = 0; n < MAX_HOPS; n++) {
		const uint8_t *next = NULL;
		for (size_t i = 0; i < m->count[SG_SEC_ANSWER] && !next; i++) {
			const sg_msg_rr_t *rr = &m->rr[SG_SEC_ANSWER][i];
			if (rr->type == SG_T_CNAME && sg_name_equal(rr->owner, name))
				next = rr->rdata;
		}
		if (!next)
			break;
		name = next;
	}
	if (name == t->qname)
		return;
	for (size_t i = 0; i < m->count[SG_SEC_ANSWER]; i++) {
		const sg_msg_rr_t *rr = &m->rr[SG_SEC_ANSWER][i];
		if (rr->type == t->qtype && sg_name_equal(rr->owner, name))
			return; /* the chain ends here, with data */
	}
	char nb[NT];
	a->follow = true;
	sg_name_copy(a->target, name);
	snprintf(a->note, sizeof(a->note),
	         "CNAME chain leads to %.190s: followed from the root below", ntext(nb, name));
}

/* Handles the answer (not a referral) from zone z with keys ks. */
static int take_answer(trace_t *t, zone_rep_t *z, const sg_val_keyset_t *ks, enum chain chain)
{
	const sg_msg_t *m = &t->reply->msg;
	answer_rep_t *a = &t->answers[t->nanswers++];
	a->present = true;
	a->rcode = m->rcode;
	snprintf(a->zone, sizeof(a->zone), "%s", z->zone);
	static rrs_t store[16];
	static sg_rrset_view_t views[16];
	char tb[16];

	/* every RRset of the answer section, grouped by owner and type */
	for (size_t i = 0; i < m->count[SG_SEC_ANSWER] && a->nsets < MAX_SETS; i++) {
		const sg_msg_rr_t *rr = &m->rr[SG_SEC_ANSWER][i];
		if (rr->type == SG_T_RRSIG)
			continue;
		bool seen = false;
		for (size_t k = 0; k < i; k++) {
			const sg_msg_rr_t *o = &m->rr[SG_SEC_ANSWER][k];
			if (o->type == rr->type && sg_name_equal(o->owner, rr->owner))
				seen = true;
		}
		if (seen)
			continue;
		static rrs_t s;
		rrs_from(&s, m, SG_SEC_ANSWER, rr->owner, rr->type);
		set_rep_t *r = &a->sets[a->nsets++];
		if (chain == CH_SECURE) {
			if (check_set(t, r, &s, ks) < 0)
				return -1;
		} else {
			set_rep_fill(r, &s);
		}
	}

	if (chain != CH_SECURE) {
		switch (chain) {
		case CH_INSECURE: {
			char txt[SG_VAL_TEXT_MAX];
			snprintf(txt, sizeof(txt), "not validated, the zone is insecure: %.440s",
			         z->link.text);
			inherit(&a->verdict, SG_VAL_INSECURE, z->link.reason, txt);
			break;
		}
		case CH_BOGUS:
			inherit(&a->verdict, SG_VAL_BOGUS, t->verdict.reason,
			        "not checked: the chain is broken above");
			break;
		default:
			inherit(&a->verdict, SG_VAL_INDETERMINATE, SG_VR_NO_ANCHOR,
			        "no trust anchor covers the name");
		}
		cname_target(t, a, m);
		return 0;
	}

	/* the verdict over the answer RRsets: all must be secure */
	const set_rep_t *target = NULL;
	for (size_t i = 0; i < a->nsets; i++) {
		const set_rep_t *r = &a->sets[i];
		if (r->res.status != SG_VAL_SECURE) {
			a->verdict = r->res;
			return 0;
		}
		if (r->type == t->qtype || (r->type == SG_T_CNAME && !target))
			target = r;
	}
	sg_val_result_t bad;
	int nv;
	if (a->nsets > 0) {
		a->verdict = target ? target->res : a->sets[0].res;
		/* a wildcard expansion needs its no-closer-match proof */
		for (size_t i = 0; i < a->nsets; i++) {
			const set_rep_t *r = &a->sets[i];
			if (!r->res.wildcard)
				continue;
			nv = proof_sets(t, a->proof, &a->nproof, 8, views, store, 16, m, ks, &bad);
			if (nv == -2)
				return -1;
			if (nv < 0) {
				a->verdict = bad;
				return 0;
			}
			uint8_t owner[SG_NAME_MAX];
			size_t ol;
			if (sg_name_from_text(owner, &ol, r->owner, strlen(r->owner), NULL) < 0)
				return -1;
			sg_val_denial_query_t q = {.kind = SG_VD_WILDCARD,
			                           .qname = owner,
			                           .qtype = r->type,
			                           .zone = sg_val_keyset_zone(ks),
			                           .wildcard_labels = r->res.sig_labels};
			if (sg_val_denial(&a->denial, &q, views, (size_t)nv, &t->vopts, &t->stats) <
			    0)
				return -1;
			a->denial_checked = true;
			if (a->denial.status != SG_VAL_SECURE) {
				a->verdict = a->denial;
				return 0;
			}
			char txt[SG_VAL_TEXT_MAX];
			snprintf(txt, sizeof(txt), "%.250s (wildcard expansion, %.230s)",
			         r->res.text, a->denial.text);
			memcpy(a->verdict.text, txt, sizeof(txt));
		}
		cname_target(t, a, m);
		return 0;
	}

	/* NXDOMAIN or NODATA: the proof */
	nv = proof_sets(t, a->proof, &a->nproof, 8, views, store, 16, m, ks, &bad);
	if (nv == -2)
		return -1;
	if (nv < 0) {
		a->verdict = bad;
		return 0;
	}
	sg_val_denial_query_t q = {.kind = m->rcode == SG_RC_NXDOMAIN ? SG_VD_NXDOMAIN
	                                                              : SG_VD_NODATA,
	                           .qname = t->qname,
	                           .qtype = t->qtype,
	                           .zone = sg_val_keyset_zone(ks)};
	if (sg_val_denial(&a->denial, &q, views, (size_t)nv, &t->vopts, &t->stats) < 0)
		return -1;
	a->denial_checked = true;
	a->verdict = a->denial;
	(void)tb;
	return 0;
}

/* Is the answer in m from a zone below `zone` (and above or at qname)?
 * The signer of its RRSIGs or the owner of the SOA of a negative answer
 * says. Writes that zone's name into dst. */
static bool find_deeper(uint8_t dst[SG_NAME_MAX], const sg_msg_t *m, const uint8_t *zone,
                        const uint8_t *qname)
{
	for (int sec = SG_SEC_ANSWER; sec <= SG_SEC_AUTHORITY; sec++) {
		for (size_t i = 0; i < m->count[sec]; i++) {
			const sg_msg_rr_t *rr = &m->rr[sec][i];
			const uint8_t *apex = NULL;
			if (rr->type == SG_T_RRSIG && rr->rdlen > 18)
				apex = rr->rdata + 18;
			else if (rr->type == SG_T_SOA && sec == SG_SEC_AUTHORITY)
				apex = rr->owner;
			if (apex && !sg_name_equal(apex, zone) &&
			    sg_name_is_subdomain(apex, zone) && sg_name_is_subdomain(qname, apex)) {
				sg_name_copy(dst, apex);
				return true;
			}
		}
	}
	return false;
}

/* The DS RRset of child zone c found in section `sec` of m (the
 * authority section of a referral, or the answer to a DS query), checked
 * with the parent's keys ks; or, without DS, the NSEC/NSEC3 proof that
 * there is none. Updates the chain and the DS carried to the child.
 * Returns 0, or -1 when the check could not be made. */
static int delegate(trace_t *t, zone_rep_t *z, zone_rep_t *c, const sg_msg_t *m, int sec,
                    const uint8_t *cut, const sg_val_keyset_t *ks, enum chain *chain, carried_t *ds)
{
	static rrs_t s;
	rrs_from(&s, m, sec, cut, SG_T_DS);
	if (*chain == CH_SECURE) {
		z->deleg_checked = true;
		if (s.v.rrset.count > 0) {
			if (check_set(t, &z->ds, &s, ks) < 0)
				return -1;
			z->deleg = z->ds.res;
			if (z->ds.res.status == SG_VAL_SECURE) {
				ds->n = 0;
				sg_name_copy(ds->owner, cut);
				for (size_t i = 0; i < s.v.rrset.count && ds->n < MAX_DS; i++) {
					if (s.rd[i].len > sizeof(ds->rd[0]))
						continue;
					memcpy(ds->rd[ds->n], s.rd[i].data, s.rd[i].len);
					ds->a[ds->n] = (sg_val_anchor_t){.owner = ds->owner,
					                                 .type = SG_T_DS,
					                                 .rdata = ds->rd[ds->n],
					                                 .rdlen = s.rd[i].len};
					ds->n++;
				}
				c->ds_source = DS_PARENT;
				*chain = CH_CHECK;
			} else {
				*chain = CH_BOGUS;
				note_bogus(t, &z->deleg);
			}
		} else {
			static rrs_t store[8];
			static sg_rrset_view_t views[8];
			sg_val_result_t bad;
			int nv = proof_sets(t, z->proof, &z->nproof, 4, views, store, 8, m, ks,
			                    &bad);
			if (nv == -2)
				return -1;
			if (nv < 0) {
				z->deleg = bad;
			} else {
				/* a referral: the delegation without DS; a DS query
				 * answered NODATA by the parent: no DS */
				sg_val_denial_query_t q = {.kind = sec == SG_SEC_AUTHORITY
				                                           ? SG_VD_REFERRAL
				                                           : SG_VD_NODATA,
				                           .qname = cut,
				                           .qtype = SG_T_DS,
				                           .zone = sg_val_keyset_zone(ks)};
				if (sg_val_denial(&z->deleg, &q, views, (size_t)nv, &t->vopts,
				                  &t->stats) < 0)
					return -1;
			}
			if (z->deleg.status == SG_VAL_SECURE ||
			    z->deleg.status == SG_VAL_INSECURE) {
				char txt[SG_VAL_TEXT_MAX];
				snprintf(txt, sizeof(txt), "insecure delegation: %.480s",
				         z->deleg.text);
				snprintf(z->deleg.text, sizeof(z->deleg.text), "%s", txt);
				z->deleg.status = SG_VAL_INSECURE;
				if (z->deleg.reason == SG_VR_NONE)
					z->deleg.reason = SG_VR_INSECURE_DELEGATION;
				inherit(&c->link, SG_VAL_INSECURE, z->deleg.reason, txt);
				*chain = CH_INSECURE;
			} else {
				*chain = CH_BOGUS;
				note_bogus(t, &z->deleg);
			}
		}
	} else if (s.v.rrset.count > 0) {
		set_rep_fill(&z->ds, &s); /* shown, not checked */
	}
	return 0;
}

/* A new zone cut of the report, for the current name (the caller checks
 * MAX_DEPTH). NULL when out of memory (said). */
static zone_rep_t *new_zone(trace_t *t, const uint8_t *name)
{
	zone_rep_t *z = calloc(1, sizeof(*z));
	if (!z) {
		tool_err("trace", "out of memory");
		return NULL;
	}
	t->zones[t->nzones++] = z;
	z->hop = t->hop;
	ntext(z->zone, name);
	return z;
}

static int walk(trace_t *t)
{
	static rrs_t s;
	sg_val_keyset_t *ks = NULL;
	carried_t *ds = calloc(1, sizeof(*ds));
	zone_rep_t *z = calloc(1, sizeof(*z));
	int rc = -1;
	if (!ds || !z) {
		free(z);
		tool_err("trace", "out of memory");
		goto out;
	}
	t->zones[t->nzones++] = z;
	snprintf(z->zone, sizeof(z->zone), ".");
	if (load_hints(t, z) < 0) {
		rc = -2;
		goto out;
	}
	uint8_t zone[SG_NAME_MAX];
	sg_name_copy(zone, sg_name_root);
	enum chain chain = CH_WAIT;
	t->verdict.status = SG_VAL_SECURE;

	for (;;) {
		char zb[NT];
		ntext(zb, zone);
		/* 1. the link into this zone: its DNSKEY set against the DS or anchor */
		if (chain == CH_WAIT && t->trust_point && sg_name_equal(zone, t->trust_point)) {
			size_t na;
			const sg_val_anchor_t *al = sg_val_anchors_list(t->anchors, &na);
			ds->n = 0;
			for (size_t i = 0; i < na && ds->n < MAX_DS; i++) {
				if (!sg_name_equal(al[i].owner, zone))
					continue;
				ds->a[ds->n++] = al[i];
			}
			z->ds_source = DS_ANCHOR;
			chain = CH_CHECK;
		}
		if (chain == CH_CHECK) {
			sg_val_keyset_free(ks);
			ks = NULL;
			if (ask(t, z, zone, SG_T_DNSKEY) < 0) {
				snprintf(t->error, sizeof(t->error),
				         "no server of %.300s answered the DNSKEY query", zb);
				goto out;
			}
			rrs_from(&s, &t->reply->msg, SG_SEC_ANSWER, zone, SG_T_DNSKEY);
			query_rep_t *qr = &z->q[z->nq - 1];
			size_t ol = strlen(qr->outcome);
			snprintf(qr->outcome + ol, sizeof(qr->outcome) - ol,
			         ", %zu DNSKEY, %zu RRSIG", s.v.rrset.count, s.v.nsigs);
			if (sg_val_dnskey(&ks, &z->link, &s.v, ds->a, ds->n, &t->vopts, &t->stats,
			                  &z->detail) < 0) {
				snprintf(t->error, sizeof(t->error), "%.200s DNSKEY: %.300s", zb,
				         z->link.text);
				goto out;
			}
			z->dnskey_checked = true;
			switch (z->link.status) {
			case SG_VAL_SECURE:
				chain = CH_SECURE;
				break;
			case SG_VAL_INSECURE:
				chain = CH_INSECURE;
				break;
			case SG_VAL_BOGUS:
				chain = CH_BOGUS;
				note_bogus(t, &z->link);
				break;
			default:
				chain = CH_WAIT;
				break;
			}
		} else if (chain == CH_INSECURE) {
			if (z->link.text[0] == 0)
				inherit(&z->link, SG_VAL_INSECURE, SG_VR_INSECURE_DELEGATION,
				        "insecure (chain ended above)");
		} else if (chain == CH_BOGUS) {
			inherit(&z->link, SG_VAL_BOGUS, t->verdict.reason,
			        "not checked: the chain is broken above");
		} else if (chain == CH_WAIT) {
			inherit(&z->link, SG_VAL_INDETERMINATE, SG_VR_NO_ANCHOR,
			        t->trust_point ? "above the trust anchor"
			                       : "no trust anchor covers the name");
		}

		/* 2. the question */
		if (ask(t, z, t->qname, t->qtype) < 0) {
			snprintf(t->error, sizeof(t->error), "no server of %.200s answered %.250s",
			         zb, t->qname_text);
			goto out;
		}
		const sg_msg_t *m = &t->reply->msg;
		query_rep_t *qr = &z->q[z->nq - 1];
		/* a referral: no answer, not authoritative, NS for a zone below this one */
		const uint8_t *cut = NULL;
		uint8_t cutbuf[SG_NAME_MAX]; /* outlives the reply (glueless lookups reuse it) */
		if (m->count[SG_SEC_ANSWER] == 0 && !(m->flags & SG_MSG_AA) &&
		    m->rcode == SG_RC_NOERROR) {
			for (size_t i = 0; i < m->count[SG_SEC_AUTHORITY]; i++) {
				const sg_msg_rr_t *rr = &m->rr[SG_SEC_AUTHORITY][i];
				if (rr->type == SG_T_NS && !sg_name_equal(rr->owner, zone) &&
				    sg_name_is_subdomain(rr->owner, zone) &&
				    sg_name_is_subdomain(t->qname, rr->owner)) {
					sg_name_copy(cutbuf, rr->owner);
					cut = cutbuf;
					break;
				}
			}
		}
		/* An answer from a zone below this one, which the same servers
		 * also serve: a zone cut without a referral. Its DS comes from
		 * a DS query to these (the parent's) servers. */
		uint8_t deeper[SG_NAME_MAX];
		if (!cut && t->nzones < MAX_DEPTH && find_deeper(deeper, m, zone, t->qname)) {
			zone_rep_t *c = new_zone(t, deeper);
			if (!c)
				goto out;
			memcpy(c->servers, z->servers, sizeof(c->servers));
			c->nservers = z->nservers;
			z->delegates = true;
			snprintf(z->child, sizeof(z->child), "%s", c->zone);
			size_t ol = strlen(qr->outcome);
			snprintf(qr->outcome + ol, sizeof(qr->outcome) - ol,
			         ", answer from the zone below, %.300s (same servers, no referral)",
			         c->zone);
			if (ask(t, z, deeper, SG_T_DS) < 0) {
				snprintf(t->error, sizeof(t->error),
				         "no server of %.200s answered the DS query for %.250s", zb,
				         c->zone);
				goto out;
			}
			if (delegate(t, z, c, &t->reply->msg, SG_SEC_ANSWER, deeper, ks, &chain,
			             ds) < 0)
				goto out;
			sg_name_copy(zone, deeper);
			z = c;
			continue;
		}
		if (!cut && !(m->flags & SG_MSG_AA) && m->count[SG_SEC_ANSWER] == 0) {
			/* neither an answer nor a referral down the tree */
			size_t ol = strlen(qr->outcome);
			snprintf(qr->outcome + ol, sizeof(qr->outcome) - ol,
			         ", not authoritative and no referral below %.300s (lame)", zb);
			snprintf(t->error, sizeof(t->error),
			         "%.200s: %.200s gave neither an answer nor a referral (lame "
			         "delegation)",
			         zb, qr->addr);
			goto out;
		}
		if (!cut) {
			size_t ol = strlen(qr->outcome);
			snprintf(qr->outcome + ol, sizeof(qr->outcome) - ol,
			         ", answer (%u records in the answer section)",
			         m->count[SG_SEC_ANSWER]);
			if (take_answer(t, z, ks, chain) < 0) {
				snprintf(t->error, sizeof(t->error), "could not check the answer");
				goto out;
			}
			const answer_rep_t *a = &t->answers[t->nanswers - 1];
			/* the weakest answer of the chain of names decides */
			if (a->verdict.status == SG_VAL_BOGUS)
				note_bogus(t, &a->verdict);
			else if (t->verdict.status == SG_VAL_SECURE)
				t->verdict = a->verdict;
			if (!a->follow || t->verdict.status == SG_VAL_BOGUS ||
			    t->hop + 1 >= MAX_HOPS || t->nzones >= MAX_DEPTH) {
				rc = 0;
				goto out;
			}
			/* a CNAME into another zone: walk again from the root */
			t->hop++;
			sg_name_copy(t->qname, a->target);
			ntext(t->qname_text, t->qname);
			snprintf(t->hop_name[t->hop], NT, "%s", t->qname_text);
			t->trust_point = sg_val_anchors_closest(t->anchors, t->qname);
			zone_rep_t *r = new_zone(t, sg_name_root);
			if (!r)
				goto out;
			memcpy(r->servers, t->zones[0]->servers, sizeof(r->servers));
			r->nservers = t->zones[0]->nservers;
			sg_name_copy(zone, sg_name_root);
			chain = CH_WAIT;
			sg_val_keyset_free(ks);
			ks = NULL;
			z = r;
			continue;
		}
		if (t->nzones == MAX_DEPTH) {
			snprintf(t->error, sizeof(t->error), "more than %d zone cuts", MAX_DEPTH);
			goto out;
		}
		zone_rep_t *c = new_zone(t, cut);
		if (!c)
			goto out;
		z->delegates = true;
		snprintf(z->child, sizeof(z->child), "%s", c->zone);
		referral_servers(c, m, cut);
		size_t ol = strlen(qr->outcome);
		snprintf(qr->outcome + ol, sizeof(qr->outcome) - ol,
		         ", referral to %s (%zu server address%s)", c->zone, c->nservers,
		         c->nservers == 1 ? "" : "es");

		/* 3. the DS of the child, or the proof that there is none */
		if (delegate(t, z, c, m, SG_SEC_AUTHORITY, cut, ks, &chain, ds) < 0)
			goto out;
		for (size_t i = 0; c->nservers == 0 && i < c->nnsnames; i++)
			lookup_ns(t, c, c->nsnames[i], 0);
		if (c->nservers == 0) {
			snprintf(t->error, sizeof(t->error),
			         "referral to %.300s: no address for any of its %zu name servers",
			         c->zone, c->nnsnames);
			goto out;
		}
		sg_name_copy(zone, cut);
		z = c;
	}
out:
	sg_val_keyset_free(ks);
	free(ds);
	return rc;
}

/* ---- output -------------------------------------------------------------- */

static const char *status_upper(int st)
{
	switch (st) {
	case SG_VAL_SECURE:
		return "SECURE";
	case SG_VAL_INSECURE:
		return "INSECURE";
	case SG_VAL_BOGUS:
		return "BOGUS";
	default:
		return "INDETERMINATE";
	}
}

static const char *role(uint16_t flags)
{
	if (flags & SG_DNSKEY_REVOKE)
		return "revoked";
	if (!(flags & SG_DNSKEY_ZONE))
		return "non-zone";
	return (flags & SG_DNSKEY_SEP) ? "KSK" : "ZSK";
}

static const char *alg_text(char *buf, size_t cap, uint8_t alg)
{
	const char *n = sg_alg_name(alg);
	snprintf(buf, cap, "%u (%s)", alg, n ? n : "unknown");
	return buf;
}

static void fmt_time(char *buf, uint32_t t)
{
	if (sg_time_format(buf, 16, t) < 0)
		snprintf(buf, 16, "%u", t);
}

static const char *vres(int v)
{
	return v < 0 ? "not used" : v == SG_V_VALID ? "valid" : sg_vresult_str(v);
}

static void print_sigs(const sg_val_sig_info_t *sigs, size_t n, uint16_t type)
{
	char tb[16], ab[32], i1[16], i2[16];
	for (size_t i = 0; i < n; i++) {
		const sg_val_sig_info_t *g = &sigs[i];
		fmt_time(i1, g->inception);
		fmt_time(i2, g->expiration);
		printf("    %-14s key %-5u alg %-18s %s .. %s  %s\n", i == 0 ? "RRSIG" : "",
		       g->key_tag, alg_text(ab, sizeof(ab), g->alg), i1, i2, vres(g->vresult));
	}
	if (n == 0)
		printf("    %-14s none over %s\n", "RRSIG", sg_type_name(type, tb));
}

static void print_verdict(const char *label, const sg_val_result_t *r)
{
	int ede = sg_val_reason_ede(r->reason);
	printf("    %-14s %-13s %s", label, status_upper(r->status), r->text);
	if (r->status != SG_VAL_SECURE && r->reason != SG_VR_NONE) {
		printf(" [%s", sg_val_reason_name(r->reason));
		if (ede >= 0)
			printf(", EDE %d", ede);
		printf("]");
	}
	printf("\n");
}

static void print_zone(const zone_rep_t *z)
{
	char tb[16], ab[32];
	printf("\nzone %s\n", z->zone);
	for (size_t i = 0; i < z->nservers; i++)
		printf("    %-14s %s %s\n", i == 0 ? "servers" : "", z->servers[i].addr,
		       z->servers[i].name);
	for (size_t i = 0; i < z->nq; i++) {
		const query_rep_t *q = &z->q[i];
		printf("    %-14s %s %s at %s (%s)%s: %s\n", i == 0 ? "asked" : "", q->qname,
		       sg_type_name(q->qtype, tb), q->addr, q->server, q->tcp ? " over TCP" : "",
		       q->outcome);
	}
	if (z->dnskey_checked) {
		const sg_val_detail_t *d = &z->detail;
		size_t nds = d->nds < SG_VAL_DETAIL_MAX ? d->nds : SG_VAL_DETAIL_MAX;
		for (size_t i = 0; i < nds; i++) {
			const sg_val_ds_info_t *x = &d->ds[i];
			char what[48];
			if (x->type == SG_T_DS)
				snprintf(what, sizeof(what), "digest %u", x->digest_type);
			else
				snprintf(what, sizeof(what), "DNSKEY");
			char match[96];
			if (x->ignored)
				snprintf(match, sizeof(match), "ignored (SHA-256 DS present)");
			else if (!x->supported)
				snprintf(match, sizeof(match), "unsupported");
			else if (x->key >= 0 && (size_t)x->key < SG_VAL_DETAIL_MAX)
				snprintf(match, sizeof(match), "matches %s %u",
				         role(d->keys[x->key].flags), d->keys[x->key].key_tag);
			else
				snprintf(match, sizeof(match), "matches no DNSKEY");
			printf("    %-14s key %-5u alg %-18s %-9s -> %s\n",
			       i == 0 ? (z->ds_source == DS_ANCHOR ? "trust anchor" : "DS (parent)")
			              : "",
			       x->key_tag, alg_text(ab, sizeof(ab), x->alg), what, match);
		}
		size_t nk = d->nkeys < SG_VAL_DETAIL_MAX ? d->nkeys : SG_VAL_DETAIL_MAX;
		for (size_t i = 0; i < nk; i++) {
			const sg_val_key_info_t *k = &d->keys[i];
			char notes[96] = "";
			size_t nl = 0;
			if (!k->supported)
				nl += (size_t)snprintf(notes + nl, sizeof(notes) - nl,
				                       " unsupported");
			if (k->anchored)
				nl += (size_t)snprintf(notes + nl, sizeof(notes) - nl,
				                       " matches-DS");
			if (k->signed_set)
				snprintf(notes + nl, sizeof(notes) - nl, " signed-DNSKEY-set");
			printf("    %-14s key %-5u alg %-18s %-3s flags %u%s\n",
			       i == 0 ? "DNSKEY" : "", k->key_tag, alg_text(ab, sizeof(ab), k->alg),
			       role(k->flags), k->flags, notes);
		}
		if (nk == 0)
			printf("    %-14s none\n", "DNSKEY");
		size_t ns = d->nsigs < SG_VAL_DETAIL_MAX ? d->nsigs : SG_VAL_DETAIL_MAX;
		print_sigs(d->sigs, ns, SG_T_DNSKEY);
	}
	print_verdict("link", &z->link);
	if (z->delegates) {
		printf("    %-14s %s\n", "delegation", z->child);
		const set_rep_t *ds = &z->ds;
		for (size_t i = 0; i < ds->nrec; i++)
			printf("    %-14s %s\n", i == 0 ? "DS" : "", ds->records[i]);
		if (ds->checked)
			print_sigs(ds->sigs, ds->nsig, SG_T_DS);
		if (ds->nrec == 0)
			printf("    %-14s none\n", "DS");
		for (size_t p = 0; p < z->nproof; p++) {
			for (size_t i = 0; i < z->proof[p].nrec; i++)
				printf("    %-14s %s\n", p == 0 && i == 0 ? "proof" : "",
				       z->proof[p].records[i]);
			print_sigs(z->proof[p].sigs, z->proof[p].nsig, z->proof[p].type);
		}
		if (z->deleg_checked)
			print_verdict("DS verdict", &z->deleg);
	}
}

static void print_answer(const answer_rep_t *a, const char *qname, uint16_t qtype)
{
	char tb[16];
	if (a->present) {
		const char *rc = sg_rcode_name((unsigned)a->rcode);
		printf("\nanswer %s %s from zone %s: %s\n", qname, sg_type_name(qtype, tb), a->zone,
		       rc ? rc : "?");
		for (size_t s = 0; s < a->nsets; s++) {
			const set_rep_t *r = &a->sets[s];
			for (size_t i = 0; i < r->nrec; i++)
				printf("    %-14s %s\n", s == 0 && i == 0 ? "records" : "",
				       r->records[i]);
			if (r->checked)
				print_sigs(r->sigs, r->nsig, r->type);
		}
		if (a->nsets == 0)
			printf("    %-14s none (%s)\n", "records",
			       a->rcode == SG_RC_NXDOMAIN ? "no such name" : "no data");
		for (size_t p = 0; p < a->nproof; p++) {
			for (size_t i = 0; i < a->proof[p].nrec; i++)
				printf("    %-14s %s\n", p == 0 && i == 0 ? "proof" : "",
				       a->proof[p].records[i]);
			print_sigs(a->proof[p].sigs, a->proof[p].nsig, a->proof[p].type);
		}
		if (a->note[0])
			printf("    %-14s %s\n", "note", a->note);
		print_verdict("verdict", &a->verdict);
	}
}

static void print_text(const trace_t *t)
{
	char tb[16];
	printf("signet trace %s %s\n", t->hop_name[0], sg_type_name(t->qtype, tb));
	unsigned hop = 0;
	for (size_t zi = 0; zi < t->nzones; zi++) {
		const zone_rep_t *z = t->zones[zi];
		if (z->hop != hop) {
			if (hop < t->nanswers)
				print_answer(&t->answers[hop], t->hop_name[hop], t->qtype);
			hop = z->hop;
			printf("\n==== following the CNAME to %s %s, from the root\n",
			       t->hop_name[hop], sg_type_name(t->qtype, tb));
		}
		print_zone(z);
	}
	if (hop < t->nanswers)
		print_answer(&t->answers[hop], t->hop_name[hop], t->qtype);
	if (t->error[0])
		printf("\nerror: %s\n", t->error);
	printf("\n%-18s %s", "RESULT", status_upper(t->verdict.status));
	if (t->verdict.text[0])
		printf(": %s", t->verdict.text);
	printf("\n");
}

static void json_result(const sg_val_result_t *r)
{
	printf("{\"status\": \"%s\", \"reason\": ", sg_val_status_name(r->status));
	tool_json_str(r->reason == SG_VR_NONE ? "" : sg_val_reason_name(r->reason));
	int ede = sg_val_reason_ede(r->reason);
	if (ede >= 0 && r->status != SG_VAL_SECURE)
		printf(", \"ede\": %d", ede);
	else
		printf(", \"ede\": null");
	printf(", \"text\": ");
	tool_json_str(r->text);
	printf("}");
}

static void json_sigs(const sg_val_sig_info_t *sigs, size_t n)
{
	char i1[16], i2[16];
	printf("[");
	for (size_t i = 0; i < n; i++) {
		fmt_time(i1, sigs[i].inception);
		fmt_time(i2, sigs[i].expiration);
		printf("%s{\"key_tag\": %u, \"algorithm\": %u, \"labels\": %u, \"inception\": "
		       "\"%s\", "
		       "\"expiration\": \"%s\", \"result\": ",
		       i ? ", " : "", sigs[i].key_tag, sigs[i].alg, sigs[i].labels, i1, i2);
		tool_json_str(vres(sigs[i].vresult));
		printf("}");
	}
	printf("]");
}

static void json_set(const set_rep_t *r)
{
	char tb[16];
	printf("{\"owner\": ");
	tool_json_str(r->owner);
	printf(", \"type\": \"%s\", \"records\": [", sg_type_name(r->type, tb));
	for (size_t i = 0; i < r->nrec; i++) {
		printf("%s", i ? ", " : "");
		tool_json_str(r->records[i]);
	}
	printf("], \"signatures\": ");
	json_sigs(r->sigs, r->nsig);
	if (r->checked) {
		printf(", \"result\": ");
		json_result(&r->res);
	}
	printf("}");
}

static void json_sets(const set_rep_t *r, size_t n)
{
	printf("[");
	for (size_t i = 0; i < n; i++) {
		printf("%s", i ? ", " : "");
		json_set(&r[i]);
	}
	printf("]");
}

static void json_zones(const trace_t *t, unsigned hop)
{
	char tb[16];
	printf("[");
	size_t n = 0;
	for (size_t zi = 0; zi < t->nzones; zi++) {
		const zone_rep_t *z = t->zones[zi];
		if (z->hop != hop)
			continue;
		printf("%s{\"zone\": ", n++ ? ", " : "");
		tool_json_str(z->zone);
		printf(", \"servers\": [");
		for (size_t i = 0; i < z->nservers; i++) {
			printf("%s{\"name\": ", i ? ", " : "");
			tool_json_str(z->servers[i].name);
			printf(", \"address\": ");
			tool_json_str(z->servers[i].addr);
			printf("}");
		}
		printf("], \"queries\": [");
		for (size_t i = 0; i < z->nq; i++) {
			const query_rep_t *q = &z->q[i];
			printf("%s{\"server\": ", i ? ", " : "");
			tool_json_str(q->server);
			printf(", \"address\": ");
			tool_json_str(q->addr);
			printf(", \"qname\": ");
			tool_json_str(q->qname);
			printf(", \"qtype\": \"%s\", \"tcp\": %s, \"outcome\": ",
			       sg_type_name(q->qtype, tb), q->tcp ? "true" : "false");
			tool_json_str(q->outcome);
			printf("}");
		}
		printf("], \"ds_source\": \"%s\"", z->ds_source == DS_ANCHOR   ? "trust-anchor"
		                                   : z->ds_source == DS_PARENT ? "parent"
		                                                               : "none");
		printf(", \"dnskey_checked\": %s", z->dnskey_checked ? "true" : "false");
		const sg_val_detail_t *d = &z->detail;
		size_t nds = z->dnskey_checked
		                     ? (d->nds < SG_VAL_DETAIL_MAX ? d->nds : SG_VAL_DETAIL_MAX)
		                     : 0;
		size_t nk = z->dnskey_checked
		                    ? (d->nkeys < SG_VAL_DETAIL_MAX ? d->nkeys : SG_VAL_DETAIL_MAX)
		                    : 0;
		size_t ns = z->dnskey_checked
		                    ? (d->nsigs < SG_VAL_DETAIL_MAX ? d->nsigs : SG_VAL_DETAIL_MAX)
		                    : 0;
		printf(", \"ds\": [");
		for (size_t i = 0; i < nds; i++) {
			const sg_val_ds_info_t *x = &d->ds[i];
			printf("%s{\"type\": \"%s\", \"key_tag\": %u, \"algorithm\": %u, "
			       "\"digest_type\": %u, "
			       "\"supported\": %s, \"ignored\": %s, \"matches_key\": ",
			       i ? ", " : "", x->type == SG_T_DS ? "DS" : "DNSKEY", x->key_tag,
			       x->alg, x->digest_type, x->supported ? "true" : "false",
			       x->ignored ? "true" : "false");
			if (x->key >= 0 && (size_t)x->key < SG_VAL_DETAIL_MAX)
				printf("%u}", d->keys[x->key].key_tag);
			else
				printf("null}");
		}
		printf("], \"dnskeys\": [");
		for (size_t i = 0; i < nk; i++) {
			const sg_val_key_info_t *k = &d->keys[i];
			printf("%s{\"key_tag\": %u, \"flags\": %u, \"role\": \"%s\", "
			       "\"algorithm\": %u, "
			       "\"supported\": %s, \"matches_ds\": %s, \"signed_dnskey_set\": %s}",
			       i ? ", " : "", k->key_tag, k->flags, role(k->flags), k->alg,
			       k->supported ? "true" : "false", k->anchored ? "true" : "false",
			       k->signed_set ? "true" : "false");
		}
		printf("], \"dnskey_signatures\": ");
		json_sigs(d->sigs, ns);
		printf(", \"link\": ");
		json_result(&z->link);
		if (z->delegates) {
			printf(", \"delegation\": {\"child\": ");
			tool_json_str(z->child);
			printf(", \"ds\": ");
			json_set(&z->ds);
			printf(", \"proof\": ");
			json_sets(z->proof, z->nproof);
			if (z->deleg_checked) {
				printf(", \"result\": ");
				json_result(&z->deleg);
			}
			printf("}");
		}
		printf("}");
	}
	printf("]");
}

static void json_answer(const answer_rep_t *a)
{
	if (a->present) {
		const char *rc = sg_rcode_name((unsigned)a->rcode);
		printf("{\"zone\": ");
		tool_json_str(a->zone);
		printf(", \"rcode\": ");
		tool_json_str(rc ? rc : "?");
		printf(", \"rrsets\": ");
		json_sets(a->sets, a->nsets);
		printf(", \"proof\": ");
		json_sets(a->proof, a->nproof);
		if (a->denial_checked) {
			printf(", \"denial\": ");
			json_result(&a->denial);
		}
		printf(", \"note\": ");
		tool_json_str(a->note);
		printf(", \"result\": ");
		json_result(&a->verdict);
		printf("}");
	} else {
		printf("null");
	}
}

static void print_json(const trace_t *t)
{
	char tb[16];
	printf("{\"qname\": ");
	tool_json_str(t->hop_name[0]);
	printf(", \"qtype\": \"%s\", \"zones\": ", sg_type_name(t->qtype, tb));
	json_zones(t, 0);
	printf(", \"answer\": ");
	json_answer(&t->answers[0]);
	printf(", \"cname_chain\": [");
	for (unsigned h = 1; h <= t->hop; h++) {
		printf("%s{\"qname\": ", h > 1 ? ", " : "");
		tool_json_str(t->hop_name[h]);
		printf(", \"zones\": ");
		json_zones(t, h);
		printf(", \"answer\": ");
		json_answer(&t->answers[h]);
		printf("}");
	}
	printf("]");
	printf(", \"error\": ");
	if (t->error[0])
		tool_json_str(t->error);
	else
		printf("null");
	printf(", \"result\": ");
	json_result(&t->verdict);
	printf(", \"signature_verifications\": %llu, \"nsec3_hashes\": %llu}\n",
	       (unsigned long long)t->stats.sig_verifications,
	       (unsigned long long)t->stats.nsec3_hashes);
}

/* ---- main ------------------------------------------------------------------- */

static void usage(FILE *out)
{
	fprintf(out, "usage: signet trace [--root-hints FILE] [--anchor FILE] [--upstream-port N] "
	             "[--json]\n"
	             "                    NAME [TYPE]\n"
	             "\n"
	             "Walks the DNS tree from the root to NAME (default type A) the way a\n"
	             "resolver does and shows every link of the DNSSEC chain of trust: the\n"
	             "servers asked and their referrals, the DS records at each parent, the\n"
	             "child's DNSKEYs and which DS matches which key, which key signed the\n"
	             "DNSKEY set and the answer (with each signature's validity window), and\n"
	             "a verdict per link and for the answer.\n"
	             "\n"
	             "  --root-hints FILE   NS and A/AAAA records of the root servers (zone\n"
	             "                      format); default: the real root servers\n"
	             "  --anchor FILE       trust anchors: DS or DNSKEY records (zone format);\n"
	             "                      default: the IANA root anchors (KSK-2017, KSK-2024)\n"
	             "  --upstream-port N   port of every server asked (default 53)\n"
	             "  --json              print the same as one JSON object\n"
	             "\n"
	             "Exit status: 0 secure or insecure (or no trust anchor covers NAME),\n"
	             "2 bogus, 1 errors (bad usage, unreadable files, no server answered).\n");
}

static int parse_args(trace_t *t, int argc, char **argv)
{
	const char *name = NULL, *type = NULL;
	t->port = 53;
	t->qtype = SG_T_A;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return -1;
		}
		if (!strcmp(a, "--json")) {
			t->json = true;
		} else if (!strcmp(a, "--root-hints") || !strcmp(a, "--anchor") ||
		           !strcmp(a, "--upstream-port")) {
			if (i + 1 >= argc) {
				tool_err("trace", "option '%s' needs an argument", a);
				return 1;
			}
			const char *v = argv[++i];
			if (a[2] == 'r') {
				t->hints_path = v;
			} else if (a[2] == 'a') {
				t->anchor_path = v;
			} else {
				uint32_t p;
				if (sg_parse_u32(&p, v, strlen(v), 65535) < 0 || p == 0) {
					tool_err("trace", "bad port '%s'", v);
					return 1;
				}
				t->port = (uint16_t)p;
			}
		} else if (a[0] == '-' && a[1]) {
			tool_err("trace", "unknown option '%s' (try --help)", a);
			return 1;
		} else if (!name) {
			name = a;
		} else if (!type) {
			type = a;
		} else {
			tool_err("trace", "unexpected argument '%s'", a);
			return 1;
		}
	}
	if (!name) {
		tool_err("trace", "no NAME given (try --help)");
		return 1;
	}
	size_t l;
	if (sg_name_from_text(t->qname, &l, name, strlen(name), sg_name_root) < 0) {
		tool_err("trace", "bad name '%s'", name);
		return 1;
	}
	ntext(t->qname_text, t->qname);
	snprintf(t->hop_name[0], NT, "%s", t->qname_text);
	if (type && sg_type_from_text(&t->qtype, type, strlen(type)) < 0) {
		tool_err("trace", "bad type '%s'", type);
		return 1;
	}
	const sg_rrtype_desc_t *d = sg_rrtype_desc(t->qtype);
	if (d && (d->flags & SG_TF_META) && t->qtype != SG_T_ANY) {
		tool_err("trace", "cannot trace type %s", type);
		return 1;
	}
	return 0;
}

int cmd_trace(int argc, char **argv)
{
	trace_t *t = calloc(1, sizeof(*t));
	if (!t) {
		tool_err("trace", "out of memory");
		return 1;
	}
	int rc = parse_args(t, argc, argv);
	if (rc) {
		free(t);
		return rc < 0 ? 0 : rc;
	}
	rc = 1;
	t->now = tool_now();
	sg_val_opts_init(&t->vopts, t->now);
	t->reply = malloc(sizeof(*t->reply));
	t->arena = sg_arena_new(0, 8u << 20);
	if (!t->reply || !t->arena) {
		tool_err("trace", "out of memory");
		goto out;
	}
	if (load_anchors(t) < 0)
		goto out;
	int w = walk(t);
	if (w == -2)
		goto out; /* the hints could not be read: already said */
	if (w < 0 && !t->error[0])
		snprintf(t->error, sizeof(t->error),
		         "the walk stopped (out of memory or a crypto failure)");
	if (t->error[0] && t->verdict.status != SG_VAL_BOGUS)
		inherit(&t->verdict, SG_VAL_INDETERMINATE, SG_VR_NONE, t->error);
	if (t->json)
		print_json(t);
	else
		print_text(t);
	if (t->error[0]) {
		tool_err("trace", "%s", t->error);
		rc = t->verdict.status == SG_VAL_BOGUS ? EXIT_BOGUS : 1;
	} else {
		rc = t->verdict.status == SG_VAL_BOGUS ? EXIT_BOGUS : 0;
	}
out:
	fflush(stdout);
	trace_free(t);
	free(t);
	return rc;
}
