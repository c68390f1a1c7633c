/* DNS messages: parse (strict, zero-copy where possible), build (with
 * name compression over a fixed table, no allocation) and print (dig). */
#include <stdio.h>
#include <string.h>

#include "signet/util.h"
#include "signet/msg.h"
#include "signet/rr.h"
#include "wire/rdata_walk.h"

/* ==== parsing ============================================================ */

/* Smallest question: root name + type + class; smallest RR: root owner + 10. */
#define MIN_Q       5
#define MIN_RR      11
#define OWNER_CACHE 8

struct parse {
	sg_msg_t *m;
	const uint8_t *w;
	size_t len;
	sg_arena_t *arena;
	/* names already decoded, by wire offset: an owner that is just a
	 * pointer to one of them shares its storage (answers pointing at the
	 * question name cost nothing) */
	struct {
		size_t off;
		const uint8_t *name;
	} cache[OWNER_CACHE];
	unsigned ncache;
};

static int fail(struct parse *p, int err, int fault, int sec, size_t idx, size_t off)
{
	p->m->fault = (uint8_t)fault;
	p->m->fault_section = (uint8_t)sec;
	p->m->fault_index = (uint16_t)idx;
	p->m->fault_offset = off;
	return err;
}

/* Does the name at pos follow a pointer into the header? Knot and NSD refuse
 * those too: no real encoder makes them, and they let header octets (the ID
 * the attacker chose) act as labels. Walks defensively: anything odd just
 * stops the walk, sg_name_unpack reports it. */
static bool points_into_header(const uint8_t *w, size_t len, size_t pos)
{
	for (unsigned steps = 0; steps < 256 && pos < len; steps++) {
		uint8_t c = w[pos];
		if ((c & 0xc0) == 0xc0) {
			if (pos + 1 >= len)
				return false;
			size_t t = (size_t)(c & 0x3f) << 8 | w[pos + 1];
			if (t < SG_MSG_HDR_LEN)
				return true;
			if (t >= pos)
				return false;
			pos = t;
			continue;
		}
		if (c == 0 || (c & 0xc0))
			return false;
		pos += (size_t)c + 1;
	}
	return false;
}

/* Reads the name at *pos (within w[0..lim)) and returns it in *out: a
 * pointer into the wire when it was not compressed, else arena storage. */
static int read_name(struct parse *p, const uint8_t **out, size_t lim, size_t *pos)
{
	uint8_t tmp[SG_NAME_MAX];
	size_t nl, start = *pos;
	int r = sg_name_unpack(tmp, &nl, p->w, lim, pos);
	if (r < 0) {
		if (points_into_header(p->w, lim, start))
			return SG_EPTR;
		return r;
	}
	if (*pos - start == nl) {
		*out = p->w + start; /* uncompressed: no copy */
	} else {
		if (points_into_header(p->w, lim, start))
			return SG_EPTR;
		*out = NULL;
		if ((p->w[start] & 0xc0) == 0xc0) {
			size_t t = (size_t)(p->w[start] & 0x3f) << 8 | p->w[start + 1];
			for (unsigned i = 0; i < p->ncache && i < OWNER_CACHE; i++)
				if (p->cache[i].off == t) {
					*out = p->cache[i].name;
					break;
				}
		}
		if (!*out) {
			*out = sg_arena_memdup(p->arena, tmp, nl);
			if (!*out)
				return SG_ENOMEM;
		}
	}
	p->cache[p->ncache % OWNER_CACHE].off = start;
	p->cache[p->ncache % OWNER_CACHE].name = *out;
	p->ncache++;
	return SG_OK;
}

/* RDATA names of decompressing types: pointers into the header are refused
 * here as for owners (sg_rdata_unpack itself accepts them). */
static bool rdata_points_into_header(const struct parse *p, const sg_rrtype_desc_t *d, size_t pos,
                                     size_t end)
{
	for (const uint8_t *f = d->fields; *f != SG_F_END && pos < end; f++) {
		if (*f != SG_F_NAME) {
			int n = sg_rdata_field_len(*f, p->w + pos, end - pos);
			if (n < 0)
				return false;
			pos += (size_t)n;
			continue;
		}
		if (points_into_header(p->w, end, pos))
			return true;
		/* skip the name as written: labels up to a pointer or the root */
		for (unsigned steps = 0;; steps++) {
			if (pos >= end || steps > 128)
				return false;
			uint8_t c = p->w[pos];
			if ((c & 0xc0) == 0xc0) {
				pos += 2;
				break;
			}
			if (c == 0 || (c & 0xc0)) {
				pos++;
				break;
			}
			pos += (size_t)c + 1;
		}
	}
	return false;
}

static int parse_rdata(struct parse *p, sg_msg_rr_t *rr, size_t pos, size_t rdlen)
{
	const sg_rrtype_desc_t *d = sg_rrtype_desc(rr->type);
	const uint8_t *src = p->w + pos;
	size_t outlen = rdlen;
	/* RFC 2136 §2.5.2-2.5.4: UPDATE deletions carry empty RDATA in class ANY/NONE */
	if (rdlen == 0 && (rr->rclass == SG_C_ANY || rr->rclass == SG_C_NONE)) {
		rr->rdata = src;
		rr->rdlen = 0;
		return SG_OK;
	}
	if (d && (d->flags & SG_TF_DECOMPRESS)) {
		size_t names = 0;
		for (const uint8_t *f = d->fields; *f != SG_F_END; f++)
			names += *f == SG_F_NAME;
		size_t cap = rdlen + names * SG_NAME_MAX;
		uint8_t tmp[1024];
		uint8_t *dst = tmp;
		if (cap > sizeof(tmp)) {
			dst = sg_arena_alloc(p->arena, cap);
			if (!dst)
				return SG_ENOMEM;
		}
		int r = sg_rdata_unpack(dst, cap, &outlen, rr->type, p->w, p->len, pos, rdlen);
		if (rdata_points_into_header(p, d, pos, pos + rdlen))
			return SG_EPTR;
		/* RDLENGTH is known to be inside the message, so a name running
		 * past it is RDATA not matching its type, as for other types */
		if (r == SG_ESPACE || r == SG_ETRUNC)
			return SG_EMALFORMED;
		if (r < 0)
			return r;
		if (outlen > SG_RDATA_MAX)
			return SG_EMALFORMED;
		if (outlen == rdlen && memcmp(dst, src, rdlen) == 0) {
			/* nothing was compressed: keep pointing into the wire */
		} else if (dst == tmp) {
			src = sg_arena_memdup(p->arena, tmp, outlen);
			if (!src)
				return SG_ENOMEM;
		} else {
			src = dst;
		}
	}
	if (sg_rdata_check(rr->type, src, outlen) < 0)
		return SG_EMALFORMED;
	rr->rdata = src;
	rr->rdlen = (uint16_t)outlen;
	return SG_OK;
}

static int parse_opt(struct parse *p, const sg_msg_rr_t *rr, size_t pos, size_t rdlen, size_t idx,
                     size_t at)
{
	sg_msg_t *m = p->m;
	sg_edns_t *e = &m->edns;
	if (m->has_edns)
		return fail(p, SG_EMALFORMED, SG_MF_OPT_DUP, SG_SEC_ADDITIONAL, idx, at);
	if (rr->owner[0] != 0)
		return fail(p, SG_EMALFORMED, SG_MF_OPT_OWNER, SG_SEC_ADDITIONAL, idx, at);
	m->has_edns = true;
	e->udp_size = rr->rclass;
	e->ext_rcode = (uint8_t)(rr->ttl >> 24);
	e->version = (uint8_t)(rr->ttl >> 16);
	e->flags = (uint16_t)rr->ttl;
	m->rcode = (uint16_t)(e->ext_rcode << 4 | (m->rcode & 0xf));

	/* count first, so the option array is allocated once and bounded */
	const uint8_t *d = p->w + pos;
	size_t o = 0, n = 0;
	while (o < rdlen) {
		if (rdlen - o < 4 || rdlen - o - 4 < sg_get16(d + o + 2))
			return fail(p, SG_EMALFORMED, SG_MF_OPT_OPTIONS, SG_SEC_ADDITIONAL, idx,
			            pos + o);
		uint16_t code = sg_get16(d + o), olen = sg_get16(d + o + 2);
		if (code == SG_EDNS_EDE && olen < 2) /* RFC 8914 §2: info-code is mandatory */
			return fail(p, SG_EMALFORMED, SG_MF_OPT_OPTIONS, SG_SEC_ADDITIONAL, idx,
			            pos + o);
		if (++n > SG_EDNS_MAX_OPTS)
			return fail(p, SG_ELIMIT, SG_MF_OPT_LIMIT, SG_SEC_ADDITIONAL, idx, pos + o);
		o += 4 + (size_t)olen;
	}
	if (n == 0)
		return SG_OK;
	sg_edns_opt_t *opts = sg_arena_alloc(p->arena, n * sizeof(*opts));
	if (!opts)
		return fail(p, SG_ENOMEM, SG_MF_NOMEM, SG_SEC_ADDITIONAL, idx, at);
	o = 0;
	for (size_t i = 0; i < n; i++) {
		opts[i].code = sg_get16(d + o);
		opts[i].len = sg_get16(d + o + 2);
		opts[i].data = d + o + 4;
		if (opts[i].code == SG_EDNS_EDE && e->nede < SG_EDNS_MAX_EDE) {
			sg_ede_t *x = &e->ede[e->nede++];
			x->info_code = sg_get16(opts[i].data);
			x->text_len = (uint16_t)(opts[i].len - 2);
			x->text = (const char *)opts[i].data + 2;
		}
		o += 4 + (size_t)opts[i].len;
	}
	e->opts = opts;
	e->nopts = (uint16_t)n;
	return SG_OK;
}

int sg_msg_parse(sg_msg_t *msg, const uint8_t *wire, size_t len, sg_arena_t *arena)
{
	struct parse p = {.m = msg, .w = wire, .len = len, .arena = arena};
	memset(msg, 0, sizeof(*msg));
	if (!wire || !arena)
		return SG_EINVAL;
	if (len < SG_MSG_HDR_LEN)
		return fail(&p, SG_ETRUNC, SG_MF_HEADER, 0, 0, len);
	if (len > SG_MSG_MAX)
		return fail(&p, SG_EMALFORMED, SG_MF_HEADER, 0, 0, SG_MSG_MAX);
	uint16_t fl = sg_get16(wire + 2);
	msg->id = sg_get16(wire);
	msg->flags = fl & SG_MSG_FLAGS_MASK;
	msg->opcode = (uint8_t)(fl >> 11 & 0xf);
	msg->rcode = fl & 0xf;
	msg->hdr_ok = true;
	uint16_t cnt[4];
	for (int s = 0; s < 4; s++)
		cnt[s] = sg_get16(wire + 4 + 2 * s);

	/* reject impossible counts before allocating anything */
	size_t need = (size_t)cnt[0] * MIN_Q + ((size_t)cnt[1] + cnt[2] + cnt[3]) * MIN_RR;
	if (need > len - SG_MSG_HDR_LEN)
		return fail(&p, SG_ETRUNC, SG_MF_COUNTS, 0, 0, 4);
	for (int s = 0; s < 4; s++) {
		if (!cnt[s])
			continue;
		msg->rr[s] = sg_arena_alloc(arena, cnt[s] * sizeof(sg_msg_rr_t));
		if (!msg->rr[s])
			return fail(&p, SG_ENOMEM, SG_MF_NOMEM, s, 0, 0);
	}

	size_t pos = SG_MSG_HDR_LEN;
	for (int s = 0; s < 4; s++) {
		for (size_t i = 0; i < cnt[s]; i++) {
			sg_msg_rr_t rr = {0};
			size_t at = pos;
			int r = read_name(&p, &rr.owner, len, &pos);
			if (r < 0)
				return fail(&p, r, r == SG_ENOMEM ? SG_MF_NOMEM : SG_MF_NAME, s, i,
				            at);
			size_t fixed = s == SG_SEC_QUESTION ? 4 : 10;
			if (len - pos < fixed)
				return fail(&p, SG_ETRUNC, SG_MF_RR, s, i, pos);
			rr.type = sg_get16(wire + pos);
			rr.rclass = sg_get16(wire + pos + 2);
			if (s == SG_SEC_QUESTION) {
				pos += 4;
				msg->rr[s][msg->count[s]++] = rr;
				continue;
			}
			rr.ttl = sg_get32(wire + pos + 4);
			size_t rdlen = sg_get16(wire + pos + 8);
			pos += 10;
			if (len - pos < rdlen)
				return fail(&p, SG_ETRUNC, SG_MF_RDATA, s, i, pos - 2);
			if (rr.type == SG_T_OPT) {
				if (s != SG_SEC_ADDITIONAL)
					return fail(&p, SG_EMALFORMED, SG_MF_OPT_SECTION, s, i, at);
				r = parse_opt(&p, &rr, pos, rdlen, i, at);
				if (r < 0)
					return r;
				pos += rdlen;
				continue;
			}
			r = parse_rdata(&p, &rr, pos, rdlen);
			if (r < 0)
				return fail(&p, r, r == SG_ENOMEM ? SG_MF_NOMEM : SG_MF_RDATA, s, i,
				            pos);
			pos += rdlen;
			msg->rr[s][msg->count[s]++] = rr;
		}
	}
	if (pos != len) {
		msg->trailing = len - pos;
		return fail(&p, SG_EMALFORMED, SG_MF_TRAILING, SG_SEC_ADDITIONAL, cnt[3], pos);
	}
	return SG_OK;
}

int sg_msg_fault_rcode(const sg_msg_t *msg)
{
	/* never answer a response: two servers could bounce errors forever */
	if (!msg->hdr_ok || (msg->flags & SG_MSG_QR) || msg->fault == SG_MF_NONE)
		return -1;
	return SG_RC_FORMERR;
}

const char *sg_msg_fault_name(int fault)
{
	static const char *const names[] = {
	        [SG_MF_NONE] = "none",
	        [SG_MF_HEADER] = "header",
	        [SG_MF_COUNTS] = "counts",
	        [SG_MF_NAME] = "name",
	        [SG_MF_RR] = "rr-fields",
	        [SG_MF_RDATA] = "rdata",
	        [SG_MF_TRAILING] = "trailing-data",
	        [SG_MF_OPT_DUP] = "opt-duplicate",
	        [SG_MF_OPT_OWNER] = "opt-owner",
	        [SG_MF_OPT_SECTION] = "opt-section",
	        [SG_MF_OPT_OPTIONS] = "opt-options",
	        [SG_MF_OPT_LIMIT] = "opt-limit",
	        [SG_MF_NOMEM] = "nomem",
	};
	if (fault < 0 || (size_t)fault >= sizeof(names) / sizeof(names[0]) || !names[fault])
		return "unknown";
	return names[fault];
}

/* ==== names of things ===================================================== */

const char *sg_opcode_name(unsigned opcode)
{
	static const char *const names[] = {"QUERY",  "IQUERY", "STATUS", NULL,
	                                    "NOTIFY", "UPDATE", "DSO"};
	return opcode < sizeof(names) / sizeof(names[0]) ? names[opcode] : NULL;
}

const char *sg_rcode_name(unsigned rcode)
{
	static const char *const names[] = {
	        "NOERROR",  "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",   "REFUSED",
	        "YXDOMAIN", "YXRRSET", "NXRRSET",  "NOTAUTH",  "NOTZONE",  "DSOTYPENI",
	        NULL,       NULL,      NULL,       NULL,       "BADVERS",  "BADKEY",
	        "BADTIME",  "BADMODE", "BADNAME",  "BADALG",   "BADTRUNC", "BADCOOKIE",
	};
	return rcode < sizeof(names) / sizeof(names[0]) ? names[rcode] : NULL;
}

const char *sg_ede_name(uint16_t info_code)
{
	/* IANA "Extended DNS Error Codes": RFC 8914 §5.2 (0-24) and later */
	static const char *const names[] = {
	        "Other Error",
	        "Unsupported DNSKEY Algorithm",
	        "Unsupported DS Digest Type",
	        "Stale Answer",
	        "Forged Answer",
	        "DNSSEC Indeterminate",
	        "DNSSEC Bogus",
	        "Signature Expired",
	        "Signature Not Yet Valid",
	        "DNSKEY Missing",
	        "RRSIGs Missing",
	        "No Zone Key Bit Set",
	        "NSEC Missing",
	        "Cached Error",
	        "Not Ready",
	        "Blocked",
	        "Censored",
	        "Filtered",
	        "Prohibited",
	        "Stale NXDomain Answer",
	        "Not Authoritative",
	        "Not Supported",
	        "No Reachable Authority",
	        "Network Error",
	        "Invalid Data",
	        "Signature Expired before Valid",     /* 25 */
	        "Too Early",                          /* 26, RFC 9250 */
	        "Unsupported NSEC3 Iterations Value", /* 27, RFC 9276 */
	        "Unable to conform to policy",        /* 28 */
	        "Synthesized",                        /* 29 */
	};
	return info_code < sizeof(names) / sizeof(names[0]) ? names[info_code] : NULL;
}

/* ==== building ============================================================ */

#define COMP_MASK (SG_MSGW_COMP_SLOTS - 1)
#define PTR_MAX   0x3fff /* a pointer holds 14 bits of offset */

static size_t room(const sg_msgw_t *w)
{
	return w->cap - w->reserve - w->len;
}

int sg_msgw_init(sg_msgw_t *w, uint8_t *buf, size_t cap, uint16_t id, uint16_t flags,
                 unsigned opcode, unsigned rcode)
{
	memset(w, 0, sizeof(*w));
	if (!buf || opcode > 15 || rcode > 4095)
		return SG_EINVAL;
	if (cap > SG_MSG_MAX)
		cap = SG_MSG_MAX;
	if (cap < SG_MSG_HDR_LEN)
		return SG_ESPACE;
	w->buf = buf;
	w->cap = cap;
	w->rcode = (uint16_t)rcode;
	sg_put16(buf, id);
	sg_put16(buf + 2, (uint16_t)((flags & SG_MSG_FLAGS_MASK) | opcode << 11 | (rcode & 0xf)));
	memset(buf + 4, 0, 8);
	w->len = SG_MSG_HDR_LEN;
	return SG_OK;
}

void sg_msgw_set_flags(sg_msgw_t *w, uint16_t set, uint16_t clear)
{
	uint16_t f = sg_get16(w->buf + 2);
	f = (uint16_t)((f | (set & SG_MSG_FLAGS_MASK)) & ~(clear & SG_MSG_FLAGS_MASK));
	sg_put16(w->buf + 2, f);
}

int sg_msgw_set_rcode(sg_msgw_t *w, unsigned rcode)
{
	if (rcode > 4095)
		return SG_EINVAL;
	w->rcode = (uint16_t)rcode;
	w->buf[3] = (uint8_t)((w->buf[3] & 0xf0) | (rcode & 0xf));
	return SG_OK;
}

int sg_msgw_edns(sg_msgw_t *w, uint16_t udp_size, uint16_t flags, uint8_t version)
{
	if (w->edns || w->finished)
		return SG_EINVAL;
	if (room(w) < MIN_RR)
		return SG_ESPACE;
	w->edns = true;
	w->reserve = MIN_RR;
	w->udp_size = udp_size;
	w->edns_flags = flags;
	w->edns_version = version;
	return SG_OK;
}

static int add_opt(sg_msgw_t *w, uint16_t code, const void *data, size_t len, int32_t ede)
{
	if (!w->edns || w->finished || (len && !data))
		return SG_EINVAL;
	if (w->nopts >= SG_EDNS_MAX_OPTS)
		return SG_ELIMIT;
	size_t need = 4 + len + (ede >= 0 ? 2 : 0);
	if (len > SG_MSG_MAX || room(w) < need)
		return SG_ESPACE;
	sg_msgw_opt_t *o = &w->opts[w->nopts++];
	o->code = code;
	o->data = data;
	o->len = (uint16_t)len;
	o->ede = ede;
	w->reserve += need;
	return SG_OK;
}

int sg_msgw_edns_opt(sg_msgw_t *w, uint16_t code, const void *data, size_t len)
{
	return add_opt(w, code, data, len, -1);
}

int sg_msgw_edns_ede(sg_msgw_t *w, uint16_t info_code, const char *text, size_t len)
{
	return add_opt(w, SG_EDNS_EDE, text, len, info_code);
}

/* Is the name written at buf[off] (possibly compressed) equal to name? */
static bool name_at_equal(const uint8_t *buf, size_t off, const uint8_t *name)
{
	for (unsigned hops = 0; hops < 128;) {
		uint8_t c = buf[off];
		if ((c & 0xc0) == 0xc0) {
			off = sg_get16(buf + off) & PTR_MAX;
			hops++;
			continue;
		}
		if (c != *name)
			return false;
		if (c == 0)
			return true;
		/* names in one reply mostly repeat with the same case */
		if (memcmp(buf + off + 1, name + 1, c) != 0)
			for (unsigned i = 1; i <= c; i++) {
				uint8_t a = buf[off + i], b = name[i];
				if (a >= 'A' && a <= 'Z')
					a = (uint8_t)(a + 32);
				if (b >= 'A' && b <= 'Z')
					b = (uint8_t)(b + 32);
				if (a != b)
					return false;
			}
		off += (size_t)c + 1;
		name += c + 1;
	}
	return false;
}

static uint16_t comp_find(const sg_msgw_t *w, uint32_t h, const uint8_t *name)
{
	/* load stays <= 3/4, so an empty slot always ends the probe */
	for (size_t s = h & COMP_MASK;; s = (s + 1) & COMP_MASK) {
		if (!w->comp[s].off)
			return 0;
		if (w->comp[s].hash == h && name_at_equal(w->buf, w->comp[s].off, name))
			return w->comp[s].off;
	}
}

static void comp_add(sg_msgw_t *w, uint32_t h, size_t off)
{
	if (w->ncomp >= SG_MSGW_COMP_MAX || off > PTR_MAX)
		return;
	size_t s = h & COMP_MASK;
	while (w->comp[s].off)
		s = (s + 1) & COMP_MASK;
	w->comp[s].hash = h;
	w->comp[s].off = (uint16_t)off;
	w->comp_log[w->ncomp++] = (uint8_t)s;
}

/* Writes a well-formed name, compressed against the table, and remembers
 * its new suffixes. The caller rolls back on failure. */
static int put_name(sg_msgw_t *w, const uint8_t *name)
{
	uint32_t hash[128];
	size_t at[128];
	unsigned n = 0;
	uint16_t ptr = 0;
	size_t lit = 0, len = sg_name_len(name);
	while (name[lit]) {
		uint32_t h = sg_name_hash_len(name + lit, len - lit);
		ptr = comp_find(w, h, name + lit);
		if (ptr)
			break;
		hash[n] = h;
		at[n++] = lit;
		lit += (size_t)name[lit] + 1;
	}
	size_t need = ptr ? lit + 2 : lit + 1;
	if (room(w) < need)
		return SG_ESPACE;
	size_t start = w->len;
	memcpy(w->buf + start, name, ptr ? lit : lit + 1);
	if (ptr)
		sg_put16(w->buf + start + lit, (uint16_t)(0xc000 | ptr));
	w->len += need;
	for (unsigned i = 0; i < n; i++)
		comp_add(w, hash[i], start + at[i]);
	return SG_OK;
}

void sg_msgw_mark(const sg_msgw_t *w, sg_msgw_mark_t *m)
{
	m->len = w->len;
	memcpy(m->count, w->count, sizeof(m->count));
	m->ncomp = w->ncomp;
	m->section = w->section;
}

void sg_msgw_rollback(sg_msgw_t *w, const sg_msgw_mark_t *m)
{
	/* undoing linear-probing inserts in reverse order restores the table exactly */
	while (w->ncomp > m->ncomp)
		w->comp[w->comp_log[--w->ncomp]].off = 0;
	w->len = m->len;
	memcpy(w->count, m->count, sizeof(w->count));
	w->section = m->section;
}

size_t sg_msgw_len(const sg_msgw_t *w)
{
	return w->len;
}

int sg_msgw_question(sg_msgw_t *w, const uint8_t *name, uint16_t qtype, uint16_t qclass)
{
	if (w->finished || w->section != SG_SEC_QUESTION || !name)
		return SG_EINVAL;
	sg_msgw_mark_t m;
	sg_msgw_mark(w, &m);
	int r = put_name(w, name);
	if (r == SG_OK && room(w) < 4)
		r = SG_ESPACE;
	if (r < 0) {
		sg_msgw_rollback(w, &m);
		return r;
	}
	sg_put16(w->buf + w->len, qtype);
	sg_put16(w->buf + w->len + 2, qclass);
	w->len += 4;
	w->count[SG_SEC_QUESTION]++;
	return SG_OK;
}

static int put_rdata(sg_msgw_t *w, uint16_t type, const uint8_t *rdata, size_t rdlen)
{
	const sg_rrtype_desc_t *d = sg_rrtype_desc(type);
	if (!d || !(d->flags & SG_TF_COMPRESS) || rdlen == 0) {
		/* rdlen 0: RFC 2136 deletions */
		if (room(w) < rdlen)
			return SG_ESPACE;
		if (rdlen)
			memcpy(w->buf + w->len, rdata, rdlen);
		w->len += rdlen;
		return SG_OK;
	}
	size_t o = 0;
	for (const uint8_t *f = d->fields; *f != SG_F_END; f++) {
		int n = sg_rdata_field_len(*f, rdata + o, rdlen - o);
		if (n < 0)
			return SG_EINVAL;
		if (*f == SG_F_NAME) {
			int r = put_name(w, rdata + o);
			if (r < 0)
				return r;
		} else {
			if (room(w) < (size_t)n)
				return SG_ESPACE;
			memcpy(w->buf + w->len, rdata + o, (size_t)n);
			w->len += (size_t)n;
		}
		o += (size_t)n;
	}
	return o == rdlen ? SG_OK : SG_EINVAL;
}

int sg_msgw_rr(sg_msgw_t *w, int section, const uint8_t *owner, uint16_t type, uint16_t rclass,
               uint32_t ttl, const uint8_t *rdata, size_t rdlen)
{
	if (w->finished || section < SG_SEC_ANSWER || section > SG_SEC_ADDITIONAL ||
	    section < w->section || type == SG_T_OPT || !owner || rdlen > SG_RDATA_MAX ||
	    (rdlen && !rdata))
		return SG_EINVAL;
	sg_msgw_mark_t m;
	sg_msgw_mark(w, &m);
	int r = put_name(w, owner);
	if (r == SG_OK && room(w) < 10)
		r = SG_ESPACE;
	if (r == SG_OK) {
		uint8_t *p = w->buf + w->len;
		sg_put16(p, type);
		sg_put16(p + 2, rclass);
		sg_put32(p + 4, ttl);
		w->len += 10;
		r = put_rdata(w, type, rdata, rdlen);
		if (r == SG_OK)
			sg_put16(p + 8, (uint16_t)(w->buf + w->len - p - 10));
	}
	if (r < 0) {
		sg_msgw_rollback(w, &m);
		return r;
	}
	w->section = (uint8_t)section;
	w->count[section]++;
	return SG_OK;
}

int sg_msgw_finish(sg_msgw_t *w, size_t *outlen)
{
	if (w->finished || (w->rcode > 15 && !w->edns))
		return SG_EINVAL;
	if (w->edns) {
		/* the space was reserved: this cannot overflow cap */
		uint8_t *p = w->buf + w->len;
		size_t o = MIN_RR;
		p[0] = 0;
		sg_put16(p + 1, SG_T_OPT);
		sg_put16(p + 3, w->udp_size);
		sg_put32(p + 5, (uint32_t)(w->rcode >> 4) << 24 | (uint32_t)w->edns_version << 16 |
		                     w->edns_flags);
		for (unsigned i = 0; i < w->nopts; i++) {
			const sg_msgw_opt_t *x = &w->opts[i];
			size_t l = x->len + (x->ede >= 0 ? 2 : 0);
			sg_put16(p + o, x->code);
			sg_put16(p + o + 2, (uint16_t)l);
			o += 4;
			if (x->ede >= 0) {
				sg_put16(p + o, (uint16_t)x->ede);
				o += 2;
			}
			if (x->len)
				memcpy(p + o, x->data, x->len);
			o += x->len;
		}
		sg_put16(p + 9, (uint16_t)(o - MIN_RR));
		w->len += o;
		w->reserve = 0;
		w->count[SG_SEC_ADDITIONAL]++;
	}
	for (int s = 0; s < 4; s++)
		sg_put16(w->buf + 4 + 2 * s, w->count[s]);
	w->finished = true;
	*outlen = w->len;
	return SG_OK;
}

int sg_msgw_reply(sg_msgw_t *w, uint8_t *buf, size_t cap, const sg_msg_t *query, uint16_t udp_size)
{
	int r = sg_msgw_init(w, buf, cap, query->id,
	                     (uint16_t)(SG_MSG_QR | (query->flags & (SG_MSG_RD | SG_MSG_CD))),
	                     query->opcode, 0);
	if (r == SG_OK && query->has_edns)
		r = sg_msgw_edns(w, udp_size, query->edns.flags & SG_EDNS_DO, 0);
	if (r == SG_OK && query->count[SG_SEC_QUESTION] > 0) {
		const sg_msg_rr_t *q = &query->rr[SG_SEC_QUESTION][0];
		r = sg_msgw_question(w, q->owner, q->type, q->rclass);
	}
	return r;
}

/* ==== text ================================================================ */

static int put_hex(sg_buf_t *out, const uint8_t *p, size_t n)
{
	int r = sg_buf_reserve(out, 2 * n + 1);
	if (r < 0)
		return r;
	r = sg_base16_encode((char *)out->data + out->len, out->cap - out->len, p, n);
	if (r < 0)
		return SG_ENOMEM;
	out->len += (size_t)r;
	return SG_OK;
}

/* Length of the valid UTF-8 sequence at p, or 0. */
static size_t utf8_seq(const uint8_t *p, size_t n)
{
	size_t l;
	uint32_t min;
	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xe0) == 0xc0)
		l = 2, min = 0x80;
	else if ((p[0] & 0xf0) == 0xe0)
		l = 3, min = 0x800;
	else if ((p[0] & 0xf8) == 0xf0)
		l = 4, min = 0x10000;
	else
		return 0;
	if (n < l)
		return 0;
	uint32_t cp = p[0] & (0x7f >> l);
	for (size_t i = 1; i < l; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return l;
}

/* EDE text is meant to be UTF-8 (RFC 8914 §2); valid sequences pass, control
 * characters and invalid octets become \DDD so a terminal stays safe. */
static int put_text(sg_buf_t *out, const char *t, size_t n)
{
	const uint8_t *p = (const uint8_t *)t;
	int r = SG_OK;
	for (size_t i = 0; i < n && r == SG_OK;) {
		size_t l = utf8_seq(p + i, n - i);
		if (l == 0 || (l == 1 && (p[i] < 0x20 || p[i] == 0x7f || p[i] == '\\'))) {
			r = sg_buf_printf(out, "\\%03u", p[i]);
			i++;
			continue;
		}
		r = sg_buf_append(out, p + i, l);
		i += l;
	}
	return r;
}

static int put_opt_text(sg_buf_t *out, const sg_edns_opt_t *o)
{
	int r;
	switch (o->code) {
	case SG_EDNS_EDE: {
		uint16_t code = sg_get16(o->data);
		const char *nm = sg_ede_name(code);
		r = nm ? sg_buf_printf(out, "; EDE: %u (%s)", code, nm)
		       : sg_buf_printf(out, "; EDE: %u", code);
		if (r == SG_OK && o->len > 2) {
			r = sg_buf_append_str(out, ": (");
			if (r == SG_OK)
				r = put_text(out, (const char *)o->data + 2, o->len - 2u);
			if (r == SG_OK)
				r = sg_buf_append_str(out, ")");
		}
		break;
	}
	case SG_EDNS_NSID:
		r = sg_buf_append_str(out, "; NSID: ");
		if (r == SG_OK)
			r = put_hex(out, o->data, o->len);
		if (r == SG_OK)
			r = sg_buf_append_str(out, " (\"");
		if (r == SG_OK)
			r = put_text(out, (const char *)o->data, o->len);
		if (r == SG_OK)
			r = sg_buf_append_str(out, "\")");
		break;
	case SG_EDNS_COOKIE:
		r = sg_buf_append_str(out, "; COOKIE: ");
		if (r == SG_OK)
			r = put_hex(out, o->data, o->len);
		break;
	case SG_EDNS_PADDING:
		r = sg_buf_printf(out, "; PADDING: %u octets", o->len);
		break;
	default:
		r = sg_buf_printf(out, "; OPT=%u: ", o->code);
		if (r == SG_OK)
			r = put_hex(out, o->data, o->len);
		break;
	}
	if (r == SG_OK)
		r = sg_buf_append_str(out, "\n");
	return r;
}

static int put_rr_text(sg_buf_t *out, const sg_msg_rr_t *rr)
{
	/* generous: the \# form and \DDD escapes take at most 4 chars per octet */
	size_t est = 4 * (size_t)rr->rdlen + 2 * SG_NAME_TEXT_MAX + 128;
	int r = sg_buf_reserve(out, est + 1);
	if (r < 0)
		return r;
	int n = sg_rr_to_text((char *)out->data + out->len, out->cap - out->len, rr->owner, rr->ttl,
	                      rr->rclass, rr->type, rr->rdata, rr->rdlen, 0);
	if (n < 0)
		return SG_ENOMEM;
	out->len += (size_t)n;
	return sg_buf_append_str(out, "\n");
}

int sg_msg_to_text(sg_buf_t *out, const sg_msg_t *msg)
{
	static const char *const flagname[] = {"qr", "aa", "tc", "rd", "ra", "z", "ad", "cd"};
	static const uint16_t flagbit[] = {SG_MSG_QR, SG_MSG_AA, SG_MSG_TC, SG_MSG_RD,
	                                   SG_MSG_RA, SG_MSG_Z,  SG_MSG_AD, SG_MSG_CD};
	static const char *const secname[] = {"QUESTION", "ANSWER", "AUTHORITY", "ADDITIONAL"};
	const char *op = sg_opcode_name(msg->opcode), *rc = sg_rcode_name(msg->rcode);
	int r = sg_buf_append_str(out, ";; ->>HEADER<<- opcode: ");
	if (r == SG_OK)
		r = op ? sg_buf_append_str(out, op) : sg_buf_printf(out, "%u", msg->opcode);
	if (r == SG_OK)
		r = sg_buf_append_str(out, ", status: ");
	if (r == SG_OK)
		r = rc ? sg_buf_append_str(out, rc) : sg_buf_printf(out, "%u", msg->rcode);
	if (r == SG_OK)
		r = sg_buf_printf(out, ", id: %u\n;; flags:", msg->id);
	for (size_t i = 0; i < 8 && r == SG_OK; i++)
		if (msg->flags & flagbit[i])
			r = sg_buf_printf(out, " %s", flagname[i]);
	if (r == SG_OK)
		r = sg_buf_printf(out, "; QUERY: %u, ANSWER: %u, AUTHORITY: %u, ADDITIONAL: %u\n",
		                  msg->count[0], msg->count[1], msg->count[2],
		                  msg->count[3] + (msg->has_edns ? 1u : 0u));
	if (r == SG_OK && msg->has_edns) {
		const sg_edns_t *e = &msg->edns;
		r = sg_buf_printf(out, "\n;; OPT PSEUDOSECTION:\n; EDNS: version: %u, flags:%s",
		                  e->version, (e->flags & SG_EDNS_DO) ? " do" : "");
		if (r == SG_OK && (e->flags & ~SG_EDNS_DO))
			r = sg_buf_printf(out, "; MBZ: 0x%04x, udp: %u\n", e->flags & ~SG_EDNS_DO,
			                  e->udp_size);
		else if (r == SG_OK)
			r = sg_buf_printf(out, "; udp: %u\n", e->udp_size);
		for (size_t i = 0; i < e->nopts && r == SG_OK; i++)
			r = put_opt_text(out, &e->opts[i]);
	} else if (r == SG_OK) {
		r = sg_buf_append_str(out, "\n");
	}
	char name[SG_NAME_TEXT_MAX], tb[16], cb[16];
	for (int s = 0; s < 4 && r == SG_OK; s++) {
		if (!msg->count[s])
			continue;
		r = sg_buf_printf(out, ";; %s SECTION:\n", secname[s]);
		for (size_t i = 0; i < msg->count[s] && r == SG_OK; i++) {
			const sg_msg_rr_t *rr = &msg->rr[s][i];
			if (s != SG_SEC_QUESTION) {
				r = put_rr_text(out, rr);
				continue;
			}
			if (sg_name_to_text(name, sizeof(name), rr->owner) < 0)
				return SG_ENOMEM;
			r = sg_buf_printf(out, ";%s\t\t%s\t%s\n", name,
			                  sg_class_name(rr->rclass, cb),
			                  sg_type_name(rr->type, tb));
		}
		if (r == SG_OK)
			r = sg_buf_append_str(out, "\n");
	}
	return r;
}

/* ==== whole messages ====================================================== */

int sg_msg_encode(uint8_t *buf, size_t cap, size_t *outlen, const sg_msg_t *msg)
{
	sg_msgw_t w;
	int r = sg_msgw_init(&w, buf, cap, msg->id, msg->flags, msg->opcode, msg->rcode & 0xf);
	if (r == SG_OK && msg->has_edns) {
		const sg_edns_t *e = &msg->edns;
		r = sg_msgw_edns(&w, e->udp_size, e->flags, e->version);
		for (size_t i = 0; i < e->nopts && r == SG_OK; i++)
			r = sg_msgw_edns_opt(&w, e->opts[i].code, e->opts[i].data, e->opts[i].len);
	}
	if (r == SG_OK)
		r = sg_msgw_set_rcode(&w, msg->rcode);
	for (int s = 0; s < 4 && r == SG_OK; s++) {
		for (size_t i = 0; i < msg->count[s] && r == SG_OK; i++) {
			const sg_msg_rr_t *rr = &msg->rr[s][i];
			if (s == SG_SEC_QUESTION)
				r = sg_msgw_question(&w, rr->owner, rr->type, rr->rclass);
			else
				r = sg_msgw_rr(&w, s, rr->owner, rr->type, rr->rclass, rr->ttl,
				               rr->rdata, rr->rdlen);
		}
	}
	if (r == SG_OK)
		r = sg_msgw_finish(&w, outlen);
	return r;
}

static bool rr_equal(const sg_msg_rr_t *a, const sg_msg_rr_t *b, bool question)
{
	if (a->type != b->type || a->rclass != b->rclass || !sg_name_equal(a->owner, b->owner))
		return false;
	if (question)
		return true;
	return a->ttl == b->ttl && a->rdlen == b->rdlen &&
	       sg_rdata_compare(a->type, a->rdata, a->rdlen, b->rdata, b->rdlen) == 0;
}

bool sg_msg_equal(const sg_msg_t *a, const sg_msg_t *b)
{
	if (a->id != b->id || a->flags != b->flags || a->opcode != b->opcode ||
	    a->rcode != b->rcode || a->has_edns != b->has_edns)
		return false;
	if (a->has_edns) {
		const sg_edns_t *x = &a->edns, *y = &b->edns;
		if (x->udp_size != y->udp_size || x->ext_rcode != y->ext_rcode ||
		    x->version != y->version || x->flags != y->flags || x->nopts != y->nopts ||
		    x->nede != y->nede)
			return false;
		for (size_t i = 0; i < x->nopts; i++)
			if (x->opts[i].code != y->opts[i].code ||
			    x->opts[i].len != y->opts[i].len ||
			    (x->opts[i].len &&
			     memcmp(x->opts[i].data, y->opts[i].data, x->opts[i].len) != 0))
				return false;
	}
	for (int s = 0; s < 4; s++) {
		if (a->count[s] != b->count[s])
			return false;
		for (size_t i = 0; i < a->count[s]; i++)
			if (!rr_equal(&a->rr[s][i], &b->rr[s][i], s == SG_SEC_QUESTION))
				return false;
	}
	return true;
}
