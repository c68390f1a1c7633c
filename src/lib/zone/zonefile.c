/* The RFC 1035 §5 master-file scanner, with the extensions BIND and NSD
 * accept ($TTL from RFC 2308, $GENERATE from BIND, TTL units, TTL and class
 * in either order).
 *
 * Shape: a file is read whole (one mmap or read), then scanned one logical
 * record at a time: the tokenizer splits the record (which may span lines
 * inside parentheses or quotes) into raw tokens pointing into the buffer,
 * then the record is interpreted. Nothing is allocated per record: the token
 * array and the RDATA buffer live in the parser and are reused. An error
 * drops the current record only; scanning resumes after it.
 *
 * Every error is reported at the line where its record starts.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "signet/rr.h"
#include "signet/util.h"
#include "signet/zonefile.h"

#define TOK_LEN_MAX (1u << 20)     /* longest token (raw text) */
#define TOK_COUNT_MAX 70000u       /* tokens in one record (RDATA is <= 65535 octets) */
#define GEN_MAX 1000000u           /* records one $GENERATE may produce */
#define GEN_BUF 131072u            /* expanded $GENERATE text */
#define GEN_WIDTH_MAX 255u         /* ${offset,width,base}: widest width */
#define INCLUDE_DEPTH_CAP 64u      /* whatever the options say */
#define READ_MAX ((size_t)1 << 32) /* largest file read through read() */
#define SHOW_MAX 64                /* token text shown in a message */

/* Character classes of the tokenizer. */
enum { C_PLAIN = 0, C_WS, C_NL, C_SEMI, C_QUOTE, C_LP, C_RP, C_BS };

static const uint8_t cls[256] = {
	[' '] = C_WS,     ['\t'] = C_WS,    ['\r'] = C_WS, ['\f'] = C_WS, ['\v'] = C_WS,
	['\n'] = C_NL,    [';'] = C_SEMI,   ['"'] = C_QUOTE, ['('] = C_LP, [')'] = C_RP,
	['\\'] = C_BS,
};

/* One file being scanned (the top one or an $INCLUDE). */
struct zfile {
	const char *name; /* path as used in messages */
	const uint8_t *p, *end;
	unsigned line;
	unsigned depth;
	bool has_origin;
	bool has_owner;
	bool owner_bad; /* the last owner was wrong: check its records, drop them */
	uint8_t origin[SG_NAME_MAX];
	uint8_t owner[SG_NAME_MAX];
	/* Raw text of the last owner token, to skip re-parsing a repeated
	 * owner; valid while origin_gen is unchanged. */
	const uint8_t *owner_txt;
	size_t owner_txtlen;
	unsigned owner_gen, origin_gen;
};

/* Tokenizer errors, formatted when the record is dropped. */
enum rec_err {
	RE_NONE = 0,
	RE_PAREN,
	RE_NESTED,
	RE_QUOTE,
	RE_TOKLEN,
	RE_TOKCOUNT,
};

struct rec {
	unsigned line;    /* where the record starts */
	bool owner;       /* first token is the owner (line starts with no blank) */
	bool directive;   /* first token starts with '$' at column 0 */
	enum rec_err err;
};

/* What the fields between owner and type said. */
struct head {
	bool has_ttl, has_class;
	uint32_t ttl;
	uint16_t rclass;
	uint16_t type;
};

struct parser {
	const sg_zparse_opts_t *opts;
	sg_zparse_stats_t st;
	unsigned max_errors, max_depth;
	int stop;     /* callback's negative code, or SG_ELIMIT */
	bool io_error;
	bool has_default_ttl, has_last_ttl, has_last_class;
	uint32_t default_ttl, last_ttl;
	uint16_t last_class;
	sg_token_t *tok;
	size_t ntok, tokcap;
	sg_token_t *gtok; /* $GENERATE's expanded tokens */
	size_t gtokcap;
	uint8_t *rdata;   /* SG_RDATA_MAX */
	char *gbuf;       /* GEN_BUF: expanded $GENERATE text */
	char msg[768];
	char err[512];
};

/* ---- messages ------------------------------------------------------------ */

/* Copies token text for a message: printable ASCII only, bounded. */
static const char *show(char *buf, size_t cap, const void *text, size_t len)
{
	const uint8_t *s = text;
	size_t o = 0, n = len < SHOW_MAX ? len : SHOW_MAX;
	for (size_t i = 0; i < n && o + 1 < cap; i++)
		buf[o++] = (s[i] >= 0x20 && s[i] < 0x7f) ? (char)s[i] : '?';
	if (len > n && o + 4 < cap) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = 0;
	return buf;
}

static void report(struct parser *P, const struct zfile *F, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void report(struct parser *P, const struct zfile *F, unsigned line, const char *fmt, ...)
{
	if (P->stop)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(P->msg, sizeof(P->msg), fmt, ap);
	va_end(ap);
	P->st.errors++;
	if (P->opts->error)
		P->opts->error(P->opts->ctx, F->name, line, P->msg);
	if (P->st.errors >= P->max_errors)
		P->stop = SG_ELIMIT;
}

/* Why sg_name_from_text() refused text (it returns only the code). */
static const char *name_why(int rc, const char *s, size_t len, const uint8_t *origin)
{
	if (rc == SG_ETOOLONG) {
		size_t lab = 0;
		for (size_t i = 0; i < len; i++) {
			if (s[i] == '.') {
				lab = 0;
				continue;
			}
			if (s[i] == '\\' && i + 1 < len)
				i += (s[i + 1] >= '0' && s[i + 1] <= '9') ? 3 : 1;
			if (++lab > SG_LABEL_MAX)
				return "label longer than 63 octets";
		}
		return "name longer than 255 octets";
	}
	bool absolute = len > 0 && s[len - 1] == '.' && (len < 2 || s[len - 2] != '\\');
	if (len > 1 && s[0] == '.')
		return "empty label";
	for (size_t i = 0; i + 1 < len; i++) {
		if (s[i] == '\\') {
			i++;
			continue;
		}
		if (s[i] == '.' && s[i + 1] == '.')
			return "empty label";
	}
	if (!origin && !absolute)
		return "relative name and no $ORIGIN";
	return "bad escape";
}

/* Parses a name token relative to F's origin; reports what as `bad <what> name`. */
static int get_name(struct parser *P, const struct zfile *F, unsigned line, const char *what,
		    uint8_t *dst, const void *text, size_t len)
{
	size_t dlen;
	const uint8_t *origin = F->has_origin ? F->origin : NULL;
	int rc = sg_name_from_text(dst, &dlen, text, len, origin);
	if (rc == SG_OK)
		return SG_OK;
	char b[SHOW_MAX + 8];
	report(P, F, line, "bad %s name \"%s\": %s", what, show(b, sizeof(b), text, len),
	       name_why(rc, text, len, origin));
	return rc;
}

/* ---- tokenizer ----------------------------------------------------------- */

static int push_tok(struct parser *P, struct rec *r, const uint8_t *s, size_t len, bool quoted)
{
	if (len > TOK_LEN_MAX) {
		if (!r->err)
			r->err = RE_TOKLEN;
		return -1;
	}
	if (P->ntok == P->tokcap) {
		if (P->tokcap >= TOK_COUNT_MAX) {
			if (!r->err)
				r->err = RE_TOKCOUNT;
			return -1;
		}
		size_t nc = P->tokcap * 2;
		sg_token_t *t = realloc(P->tok, nc * sizeof(*t));
		if (!t) {
			if (!r->err)
				r->err = RE_TOKCOUNT;
			return -1;
		}
		P->tok = t;
		P->tokcap = nc;
	}
	sg_token_t *t = &P->tok[P->ntok++];
	t->text = (const char *)s;
	t->len = (uint32_t)len;
	t->quoted = quoted;
	return 0;
}

/* Splits the next logical record of F into P->tok. Returns false at the end
 * of the file (no record). Blank and comment-only lines are skipped. */
static bool next_record(struct parser *P, struct zfile *F, struct rec *r)
{
	const uint8_t *p = F->p, *end = F->end;
	const uint8_t *line_begin = p;
	unsigned line = F->line;
	unsigned depth = 0;
	bool started = false;

	P->ntok = 0;
	r->err = RE_NONE;
	r->owner = false;
	r->directive = false;
	r->line = line;

	while (p < end) {
		uint8_t k = cls[*p];
		switch (k) {
		case C_WS:
			p++;
			continue;
		case C_NL:
			p++;
			line++;
			if (depth == 0) {
				if (started)
					goto done;
				line_begin = p;
			}
			continue;
		case C_SEMI: {
			const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
			p = nl ? nl : end;
			continue;
		}
		case C_LP:
			if (!started) {
				started = true;
				r->line = line;
			}
			if (depth > 0 && !r->err)
				r->err = RE_NESTED;
			if (depth < 1000)
				depth++;
			p++;
			continue;
		case C_RP:
			if (!started) {
				started = true;
				r->line = line;
			}
			if (depth == 0) {
				if (!r->err)
					r->err = RE_PAREN;
			} else {
				depth--;
			}
			p++;
			continue;
		default:
			break;
		}
		/* a token starts here */
		if (P->ntok == 0 && !r->err) {
			if (!started)
				r->line = line;
			started = true;
			r->owner = p == line_begin && depth == 0;
			r->directive = r->owner && *p == '$';
		}
		if (k == C_QUOTE) {
			const uint8_t *q = p; /* opening quote */
			unsigned qline = line;
			const uint8_t *s = ++p;
			for (;;) {
				if (p >= end) {
					/* Resume on the line after the opening quote,
					 * so one stray quote does not hide the rest. */
					if (!r->err || r->err == RE_PAREN)
						r->err = RE_QUOTE;
					const uint8_t *nl = memchr(q, '\n', (size_t)(end - q));
					p = nl ? nl + 1 : end;
					line = qline + (nl ? 1 : 0);
					depth = 0;
					goto done;
				}
				uint8_t c = *p;
				if (c == '"')
					break;
				if (c == '\\') {
					p++;
					if (p < end) {
						if (*p == '\n')
							line++;
						p++;
					}
					continue;
				}
				if (c == '\n')
					line++;
				p++;
			}
			if (!r->err)
				(void)push_tok(P, r, s, (size_t)(p - s), true);
			p++; /* closing quote */
			continue;
		}
		const uint8_t *s = p;
		for (;;) {
			while (p < end && cls[*p] == C_PLAIN)
				p++;
			if (p < end && *p == '\\') {
				if (p + 1 < end && p[1] != '\n')
					p += 2;
				else
					p++;
				continue;
			}
			break;
		}
		if (!r->err)
			(void)push_tok(P, r, s, (size_t)(p - s), false);
	}
	/* end of the buffer */
	if (depth > 0 && started && !r->err)
		r->err = RE_PAREN;
done:
	F->p = p;
	F->line = line;
	return started;
}

/* ---- fields ---------------------------------------------------------------- */

static bool tok_is(const sg_token_t *t, const char *s, size_t n)
{
	return t->len == n && !t->quoted && strncasecmp(t->text, s, n) == 0;
}

/* Common types without the table's binary search. */
static bool fast_type(const sg_token_t *t, uint16_t *type)
{
	const char *s = t->text;
	switch (t->len) {
	case 1:
		if ((s[0] | 0x20) == 'a') {
			*type = SG_T_A;
			return true;
		}
		break;
	case 2:
		if ((s[0] | 0x20) == 'n' && (s[1] | 0x20) == 's') {
			*type = SG_T_NS;
			return true;
		}
		if ((s[0] | 0x20) == 'm' && (s[1] | 0x20) == 'x') {
			*type = SG_T_MX;
			return true;
		}
		break;
	case 4:
		if (strncasecmp(s, "AAAA", 4) == 0) {
			*type = SG_T_AAAA;
			return true;
		}
		break;
	case 3:
		if (strncasecmp(s, "TXT", 3) == 0) {
			*type = SG_T_TXT;
			return true;
		}
		break;
	}
	return false;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Reads [ttl] [class] type (either order) from tok[*i]; reports errors. */
static int get_head(struct parser *P, const struct zfile *F, unsigned line, const sg_token_t *tok,
		    size_t n, size_t *i, struct head *h)
{
	char b[SHOW_MAX + 8];
	h->has_ttl = h->has_class = false;
	for (int k = 0; k < 2 && *i < n; k++) {
		const sg_token_t *t = &tok[*i];
		if (t->quoted)
			break;
		if (!h->has_ttl && t->len > 0 && is_digit(t->text[0])) {
			if (sg_parse_ttl(&h->ttl, t->text, t->len) != SG_OK) {
				report(P, F, line, "bad TTL \"%s\"", show(b, sizeof(b), t->text, t->len));
				return SG_ESYNTAX;
			}
			h->has_ttl = true;
			(*i)++;
			continue;
		}
		if (!h->has_class) {
			if (t->len == 2 && (t->text[0] | 0x20) == 'i' && (t->text[1] | 0x20) == 'n') {
				h->rclass = SG_C_IN;
				h->has_class = true;
				(*i)++;
				continue;
			}
			if (sg_class_from_text(&h->rclass, t->text, t->len) == SG_OK) {
				h->has_class = true;
				(*i)++;
				continue;
			}
		}
		break;
	}
	if (*i >= n) {
		report(P, F, line, "missing type");
		return SG_ESYNTAX;
	}
	const sg_token_t *t = &tok[*i];
	if (fast_type(t, &h->type)) {
		(*i)++;
		return SG_OK;
	}
	if (t->quoted || sg_type_from_text(&h->type, t->text, t->len) != SG_OK) {
		const char *what = "type";
		if (!h->has_class && t->len >= 5 && strncasecmp(t->text, "CLASS", 5) == 0)
			what = "class";
		report(P, F, line, "unknown %s \"%s\"", what, show(b, sizeof(b), t->text, t->len));
		return SG_ESYNTAX;
	}
	const sg_rrtype_desc_t *d = sg_rrtype_desc(h->type);
	if (d && (d->flags & SG_TF_META)) {
		report(P, F, line, "type %s is not allowed in a zone file", d->name);
		return SG_ESYNTAX;
	}
	(*i)++;
	return SG_OK;
}

/* Builds the RDATA, settles TTL and class, and hands the record over. */
static int emit(struct parser *P, const struct zfile *F, unsigned line, const uint8_t *owner,
		const struct head *h, const sg_token_t *tok, size_t n, bool dry)
{
	size_t rdlen = 0;
	P->err[0] = 0;
	int rc = sg_rdata_from_text(P->rdata, SG_RDATA_MAX, &rdlen, h->type, tok, n,
				    F->has_origin ? F->origin : NULL, P->err, sizeof(P->err));
	if (rc != SG_OK) {
		if (P->err[0]) {
			report(P, F, line, "%s", P->err);
		} else {
			char tb[16];
			report(P, F, line, "bad %s RDATA: %s", sg_type_name(h->type, tb),
			       sg_strerror(rc));
		}
		return SG_ESYNTAX;
	}
	uint32_t ttl;
	if (h->has_ttl)
		ttl = h->ttl;
	else if (P->has_default_ttl)
		ttl = P->default_ttl;
	else if (P->has_last_ttl)
		ttl = P->last_ttl;
	else if (h->type == SG_T_SOA && rdlen >= 4) /* RFC 1035 §3.3.13 MINIMUM */
		ttl = (uint32_t)P->rdata[rdlen - 4] << 24 | (uint32_t)P->rdata[rdlen - 3] << 16 |
		      (uint32_t)P->rdata[rdlen - 2] << 8 | P->rdata[rdlen - 1];
	else {
		report(P, F, line, "no TTL specified and no $TTL");
		return SG_ESYNTAX;
	}
	if (dry)
		return SG_OK;
	uint16_t rclass;
	if (h->has_class)
		rclass = h->rclass;
	else if (P->has_last_class)
		rclass = P->last_class;
	else
		rclass = P->opts->default_class ? P->opts->default_class : SG_C_IN;
	P->last_ttl = ttl;
	P->has_last_ttl = true;
	P->last_class = rclass;
	P->has_last_class = true;
	P->st.records++;
	if (P->opts->record) {
		sg_rr_t rr = {.owner = owner,
			      .type = h->type,
			      .rclass = rclass,
			      .ttl = ttl,
			      .rdlen = (uint16_t)rdlen,
			      .rdata = P->rdata};
		rc = P->opts->record(P->opts->ctx, &rr, F->name, line);
		if (rc < 0) {
			P->stop = rc;
			return rc;
		}
	}
	return SG_OK;
}

/* ---- $GENERATE --------------------------------------------------------------- */

/* Nibble form as BIND writes it: reversed hex digits joined by dots; width
 * counts characters, dots included (so an even width ends with a dot). */
static size_t nibbles(char *out, size_t cap, unsigned width, bool upper, uint32_t v)
{
	static const char hex[] = "0123456789abcdef0123456789ABCDEF";
	size_t o = 0;
	do {
		if (o >= cap)
			return SIZE_MAX;
		out[o++] = hex[(v & 15) + (upper ? 16 : 0)];
		v >>= 4;
		if (width > 0)
			width--;
		if (width > 0 || v != 0) {
			if (o >= cap)
				return SIZE_MAX;
			out[o++] = '.';
			if (width > 0)
				width--;
		}
	} while (v != 0 || width > 0);
	return o;
}

/* Expands one $GENERATE template for iterator value `it` into out.
 * Returns the length, or -1 with *why set. */
static long gen_expand(char *out, size_t cap, const char *t, size_t len, uint32_t it,
		       const char **why)
{
	size_t o = 0;
	for (size_t i = 0; i < len;) {
		char c = t[i];
		if (c == '\\') {
			/* kept with the next character: the name or RDATA parser
			 * unescapes it later (BIND does the same) */
			size_t n = i + 1 < len ? 2 : 1;
			if (o + n > cap)
				goto toolong;
			memcpy(out + o, t + i, n);
			o += n;
			i += n;
			continue;
		}
		if (c != '$') {
			if (o >= cap)
				goto toolong;
			out[o++] = c;
			i++;
			continue;
		}
		i++;
		if (i < len && t[i] == '$') { /* "$$" is a literal dollar */
			if (o + 2 > cap)
				goto toolong;
			out[o++] = '\\';
			out[o++] = '$';
			i++;
			continue;
		}
		int64_t offset = 0;
		unsigned width = 0;
		char base = 'd';
		if (i < len && t[i] == '{') {
			size_t j = i + 1;
			const char *close = memchr(t + j, '}', len - j);
			if (!close) {
				*why = "missing '}'";
				return -1;
			}
			size_t e = (size_t)(close - t);
			bool neg = false;
			if (j < e && (t[j] == '-' || t[j] == '+'))
				neg = t[j++] == '-';
			size_t ds = j;
			while (j < e && is_digit(t[j]) && j - ds < 10)
				offset = offset * 10 + (t[j++] - '0');
			if (j == ds)
				goto badmod;
			if (neg)
				offset = -offset;
			if (j < e && t[j] == ',') {
				j++;
				ds = j;
				while (j < e && is_digit(t[j]) && j - ds < 4)
					width = width * 10 + (unsigned)(t[j++] - '0');
				if (j == ds || width > GEN_WIDTH_MAX)
					goto badmod;
				if (j < e && t[j] == ',') {
					j++;
					if (j >= e)
						goto badmod;
					base = t[j++];
					if (!strchr("doxXnN", base))
						goto badmod;
				}
			}
			if (j != e)
				goto badmod;
			i = e + 1;
		}
		int64_t v = (int64_t)it + offset;
		char num[600];
		size_t nl;
		if (base == 'n' || base == 'N') {
			nl = nibbles(num, sizeof(num), width, base == 'N', (uint32_t)v);
		} else {
			int w, wd = (int)width;
			unsigned u = (unsigned)(uint32_t)v;
			if (base == 'd')
				w = snprintf(num, sizeof(num), "%0*d", wd, (int)(int32_t)v);
			else if (base == 'o')
				w = snprintf(num, sizeof(num), "%0*o", wd, u);
			else if (base == 'x')
				w = snprintf(num, sizeof(num), "%0*x", wd, u);
			else
				w = snprintf(num, sizeof(num), "%0*X", wd, u);
			nl = w < 0 ? SIZE_MAX : (size_t)w;
		}
		if (nl > sizeof(num) || o + nl > cap)
			goto toolong;
		memcpy(out + o, num, nl);
		o += nl;
	}
	return (long)o;
badmod:
	*why = "bad modifier";
	return -1;
toolong:
	*why = "expanded text too long";
	return -1;
}

/* Splits expanded text of a quoted $GENERATE template into tokens (BIND
 * re-reads the expansion as RDATA text). */
static int gen_split(struct parser *P, size_t *ng, const char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		uint8_t k = cls[(uint8_t)s[i]];
		if (k == C_WS || k == C_NL) {
			i++;
			continue;
		}
		if (*ng >= P->gtokcap)
			return -1;
		sg_token_t *t = &P->gtok[(*ng)++];
		if (k == C_QUOTE) {
			size_t b = ++i;
			while (i < len && s[i] != '"')
				i += (s[i] == '\\' && i + 1 < len) ? 2 : 1;
			t->text = s + b;
			t->len = (uint32_t)((i < len ? i : len) - b);
			t->quoted = 1;
			if (i < len)
				i++;
			continue;
		}
		size_t b = i;
		while (i < len && cls[(uint8_t)s[i]] != C_WS && cls[(uint8_t)s[i]] != C_NL &&
		       s[i] != '"')
			i += (s[i] == '\\' && i + 1 < len) ? 2 : 1;
		t->text = s + b;
		t->len = (uint32_t)(i - b);
		t->quoted = 0;
	}
	return 0;
}

static int parse_range(const sg_token_t *t, uint32_t *start, uint32_t *stop, uint32_t *step)
{
	const char *s = t->text;
	size_t len = t->len, i = 0, b;
	uint32_t *vals[3] = {start, stop, step};
	*step = 1;
	for (int k = 0; k < 3; k++) {
		b = i;
		while (i < len && is_digit(s[i]))
			i++;
		if (sg_parse_u32(vals[k], s + b, i - b, 0x7fffffff) != SG_OK)
			return -1;
		if (k == 0) {
			if (i >= len || s[i] != '-')
				return -1;
			i++;
		} else if (k == 1) {
			if (i == len)
				break;
			if (s[i] != '/')
				return -1;
			i++;
		}
	}
	if (i != len || *start > *stop || *step == 0)
		return -1;
	return 0;
}

static void do_generate(struct parser *P, struct zfile *F, const struct rec *r)
{
	const sg_token_t *tok = P->tok;
	size_t n = P->ntok, i = 1;
	char b[SHOW_MAX + 8];
	const char *why = NULL;
	uint32_t start, stop, step;

	if (n < 4) {
		report(P, F, r->line, "$GENERATE: expected range, owner, type and RDATA");
		return;
	}
	if (parse_range(&tok[1], &start, &stop, &step) != 0) {
		report(P, F, r->line, "$GENERATE: bad range \"%s\"",
		       show(b, sizeof(b), tok[1].text, tok[1].len));
		return;
	}
	if ((stop - start) / step >= GEN_MAX) {
		report(P, F, r->line, "$GENERATE: range \"%s\" makes more than %u records",
		       show(b, sizeof(b), tok[1].text, tok[1].len), GEN_MAX);
		return;
	}
	const sg_token_t *lhs = &tok[2];
	i = 3;
	struct head h;
	if (get_head(P, F, r->line, tok, n, &i, &h) != SG_OK)
		return;
	const sg_token_t *rhs = &tok[i];
	size_t nrhs = n - i;
	if (nrhs == 0) {
		report(P, F, r->line, "$GENERATE: missing RDATA");
		return;
	}
	if (!P->gtok) {
		P->gtokcap = 4096;
		P->gtok = malloc(P->gtokcap * sizeof(*P->gtok));
		P->gbuf = malloc(GEN_BUF);
		if (!P->gtok || !P->gbuf) {
			report(P, F, r->line, "$GENERATE: out of memory");
			return;
		}
	}
	uint8_t owner[SG_NAME_MAX];
	for (uint64_t it = start; it <= stop; it += step) {
		/* the owner's expansion goes at the end of gbuf, RDATA at the start */
		char *ob = P->gbuf + GEN_BUF - 2048;
		long ol = gen_expand(ob, 2048, lhs->text, lhs->len, (uint32_t)it, &why);
		if (ol < 0) {
			report(P, F, r->line, "$GENERATE: %s in \"%s\"", why,
			       show(b, sizeof(b), lhs->text, lhs->len));
			return;
		}
		if (get_name(P, F, r->line, "owner", owner, ob, (size_t)ol) != SG_OK)
			return;
		size_t o = 0, ng = 0;
		for (size_t k = 0; k < nrhs; k++) {
			long l = gen_expand(P->gbuf + o, GEN_BUF - 2048 - o, rhs[k].text, rhs[k].len,
					    (uint32_t)it, &why);
			if (l < 0) {
				report(P, F, r->line, "$GENERATE: %s in \"%s\"", why,
				       show(b, sizeof(b), rhs[k].text, rhs[k].len));
				return;
			}
			int sr = 0;
			if (rhs[k].quoted) {
				sr = gen_split(P, &ng, P->gbuf + o, (size_t)l);
			} else if (ng >= P->gtokcap) {
				sr = -1;
			} else {
				P->gtok[ng].text = P->gbuf + o;
				P->gtok[ng].len = (uint32_t)l;
				P->gtok[ng].quoted = 0;
				ng++;
			}
			if (sr != 0) {
				report(P, F, r->line, "$GENERATE: too many tokens");
				return;
			}
			o += (size_t)l;
		}
		if (emit(P, F, r->line, owner, &h, P->gtok, ng, false) != SG_OK)
			return;
		if (P->stop)
			return;
	}
}

/* ---- directives ---------------------------------------------------------------- */

static int parse_buffer(struct parser *P, struct zfile *F);

/* Reads a whole file: mmap when possible, else read() into a buffer.
 * *mapped tells how to release it. Returns 0 or an errno value. */
static int load_file(const char *path, uint8_t **data, size_t *len, bool *mapped)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	struct stat st;
	int e = 0;
	*data = NULL;
	*len = 0;
	*mapped = false;
	if (fstat(fd, &st) != 0) {
		e = errno;
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		e = EISDIR;
		goto out;
	}
	if (S_ISREG(st.st_mode) && st.st_size > 0) {
		void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
		if (m != MAP_FAILED) {
			(void)madvise(m, (size_t)st.st_size, MADV_SEQUENTIAL);
			*data = m;
			*len = (size_t)st.st_size;
			*mapped = true;
			goto out;
		}
	}
	/* pipes, empty or special files: read until EOF */
	size_t cap = 0, n = 0;
	uint8_t *buf = NULL;
	for (;;) {
		if (n == cap) {
			if (cap >= READ_MAX) {
				e = EFBIG;
				break;
			}
			size_t nc = cap ? cap * 2 : 65536;
			uint8_t *nb = realloc(buf, nc);
			if (!nb) {
				e = ENOMEM;
				break;
			}
			buf = nb;
			cap = nc;
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			e = errno;
			break;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (e) {
		free(buf);
		goto out;
	}
	*data = buf;
	*len = n;
out:
	close(fd);
	return e;
}

static void unload_file(uint8_t *data, size_t len, bool mapped)
{
	if (mapped)
		munmap(data, len);
	else
		free(data);
}

static void do_include(struct parser *P, struct zfile *F, const struct rec *r)
{
	const sg_token_t *tok = P->tok;
	size_t n = P->ntok;
	char b[SHOW_MAX + 8];
	if (P->opts->no_include) {
		report(P, F, r->line, "$INCLUDE is not allowed here");
		return;
	}
	if (n < 2 || n > 3) {
		report(P, F, r->line, "$INCLUDE: expected a file name and an optional origin");
		return;
	}
	const sg_token_t *ft = &tok[1];
	show(b, sizeof(b), ft->text, ft->len);
	if (ft->len == 0 || memchr(ft->text, 0, ft->len)) {
		report(P, F, r->line, "$INCLUDE \"%s\": bad file name", b);
		return;
	}
	/* the child's state; its origin is the given one or ours */
	struct zfile *C = calloc(1, sizeof(*C));
	char *path = malloc(PATH_MAX);
	if (!C || !path) {
		report(P, F, r->line, "$INCLUDE \"%s\": out of memory", b);
		goto out;
	}
	if (n == 3) {
		if (get_name(P, F, r->line, "$INCLUDE origin", C->origin, tok[2].text, tok[2].len) !=
		    SG_OK)
			goto out;
		C->has_origin = true;
	} else if (F->has_origin) {
		memcpy(C->origin, F->origin, sg_name_len(F->origin));
		C->has_origin = true;
	}
	if (F->depth + 1 > P->max_depth) {
		report(P, F, r->line, "$INCLUDE \"%s\": nesting deeper than %u", b, P->max_depth);
		goto out;
	}
	/* relative to the including file's directory */
	size_t dl = 0;
	if (ft->text[0] != '/' && F->name) {
		const char *slash = strrchr(F->name, '/');
		if (slash)
			dl = (size_t)(slash - F->name) + 1;
	}
	if (dl + ft->len + 1 > PATH_MAX) {
		report(P, F, r->line, "$INCLUDE \"%s\": path too long", b);
		goto out;
	}
	memcpy(path, F->name, dl);
	memcpy(path + dl, ft->text, ft->len);
	path[dl + ft->len] = 0;
	uint8_t *data;
	size_t len;
	bool mapped;
	int e = load_file(path, &data, &len, &mapped);
	if (e) {
		report(P, F, r->line, "$INCLUDE \"%s\": %s", b, strerror(e));
		P->io_error = true;
		goto out;
	}
	C->name = path;
	if (!data)
		data = (uint8_t *)"";
	C->p = data;
	C->end = data + len;
	C->line = 1;
	C->depth = F->depth + 1;
	/* RFC 1035 §5.1: the include cannot change the parent's origin or
	 * owner; the child starts from the current owner. */
	if (F->has_owner) {
		memcpy(C->owner, F->owner, sg_name_len(F->owner));
		C->has_owner = true;
	}
	P->st.includes++;
	(void)parse_buffer(P, C);
	unload_file(data, len, mapped);
out:
	free(path);
	free(C);
}

static void do_directive(struct parser *P, struct zfile *F, const struct rec *r)
{
	const sg_token_t *tok = P->tok;
	size_t n = P->ntok;
	char b[SHOW_MAX + 8];
	if (tok_is(&tok[0], "$ORIGIN", 7)) {
		if (n != 2) {
			report(P, F, r->line, "$ORIGIN: expected one name");
			return;
		}
		uint8_t o[SG_NAME_MAX];
		if (get_name(P, F, r->line, "$ORIGIN", o, tok[1].text, tok[1].len) != SG_OK)
			return;
		memcpy(F->origin, o, sg_name_len(o));
		F->has_origin = true;
		F->origin_gen++;
	} else if (tok_is(&tok[0], "$TTL", 4)) {
		if (n != 2) {
			report(P, F, r->line, "$TTL: expected one TTL");
			return;
		}
		if (tok[1].quoted || sg_parse_ttl(&P->default_ttl, tok[1].text, tok[1].len) != SG_OK) {
			report(P, F, r->line, "bad TTL \"%s\"",
			       show(b, sizeof(b), tok[1].text, tok[1].len));
			return;
		}
		P->has_default_ttl = true;
	} else if (tok_is(&tok[0], "$INCLUDE", 8)) {
		do_include(P, F, r);
	} else if (tok_is(&tok[0], "$GENERATE", 9)) {
		do_generate(P, F, r);
	} else {
		report(P, F, r->line, "unknown directive \"%s\"",
		       show(b, sizeof(b), tok[0].text, tok[0].len));
	}
}

/* ---- records ---------------------------------------------------------------------- */

static void do_record(struct parser *P, struct zfile *F, const struct rec *r)
{
	const sg_token_t *tok = P->tok;
	size_t n = P->ntok, i = 0;
	if (r->owner) {
		const sg_token_t *t = &tok[0];
		const uint8_t *txt = (const uint8_t *)t->text;
		/* a repeated owner (same text, same origin) is not parsed again */
		if (!(F->has_owner && F->owner_txt && F->owner_txtlen == t->len &&
		      F->owner_gen == F->origin_gen && memcmp(F->owner_txt, txt, t->len) == 0)) {
			F->owner_txt = NULL;
			if (get_name(P, F, r->line, "owner", F->owner, t->text, t->len) != SG_OK) {
				/* later blank-owner lines must not attach to a stale
				 * owner: they are checked and dropped */
				F->has_owner = false;
				F->owner_bad = true;
				return;
			}
			F->has_owner = true;
			F->owner_bad = false;
			if (!t->quoted) {
				F->owner_txt = txt;
				F->owner_txtlen = t->len;
				F->owner_gen = F->origin_gen;
			}
		}
		i = 1;
	} else if (!F->has_owner && !F->owner_bad) {
		report(P, F, r->line, "no owner name (no earlier record to take it from)");
		return;
	}
	struct head h;
	if (get_head(P, F, r->line, tok, n, &i, &h) != SG_OK)
		return;
	/* With no origin given, the first SOA's owner becomes the origin for
	 * the relative names that follow, its own RDATA included. */
	if (h.type == SG_T_SOA && !F->has_origin && !F->owner_bad) {
		memcpy(F->origin, F->owner, sg_name_len(F->owner));
		F->has_origin = true;
		F->origin_gen++;
	}
	(void)emit(P, F, r->line, F->owner, &h, tok + i, n - i, F->owner_bad);
}

static int parse_buffer(struct parser *P, struct zfile *F)
{
	struct rec r;
	/* each round consumes at least one byte, so this ends */
	while (!P->stop && next_record(P, F, &r)) {
		if (r.err) {
			static const char *const msgs[] = {
				[RE_PAREN] = "unbalanced parenthesis",
				[RE_NESTED] = "nested parenthesis",
				[RE_QUOTE] = "unterminated quoted string",
				[RE_TOKLEN] = "token too long",
				[RE_TOKCOUNT] = "too many tokens in one record",
			};
			report(P, F, r.line, "%s", msgs[r.err]);
			continue;
		}
		if (P->ntok == 0)
			continue;
		if (r.directive)
			do_directive(P, F, &r);
		else
			do_record(P, F, &r);
	}
	return P->stop;
}

/* ---- entry points ------------------------------------------------------------------ */

static int run(const uint8_t *data, size_t len, const char *name, const sg_zparse_opts_t *opts,
	       sg_zparse_stats_t *stats)
{
	struct parser *P = calloc(1, sizeof(*P));
	struct zfile *F = calloc(1, sizeof(*F));
	int rc;
	if (!P || !F) {
		rc = SG_ENOMEM;
		goto out;
	}
	P->opts = opts;
	P->max_errors = opts->max_errors ? opts->max_errors : 100;
	P->max_depth = opts->max_include_depth ? opts->max_include_depth : 10;
	if (P->max_depth > INCLUDE_DEPTH_CAP)
		P->max_depth = INCLUDE_DEPTH_CAP;
	P->tokcap = 256;
	P->tok = malloc(P->tokcap * sizeof(*P->tok));
	P->rdata = malloc(SG_RDATA_MAX);
	if (!P->tok || !P->rdata) {
		rc = SG_ENOMEM;
		goto out;
	}
	F->name = name ? name : "-";
	if (!data)
		data = (const uint8_t *)"";
	F->p = data;
	F->end = data + len;
	F->line = 1;
	if (opts->origin) {
		memcpy(F->origin, opts->origin, sg_name_len(opts->origin));
		F->has_origin = true;
	}
	(void)parse_buffer(P, F);
	if (P->stop)
		rc = P->stop;
	else if (P->io_error)
		rc = SG_EIO;
	else if (P->st.errors)
		rc = SG_ESYNTAX;
	else
		rc = SG_OK;
out:
	if (stats && P)
		*stats = P->st;
	if (P) {
		free(P->tok);
		free(P->gtok);
		free(P->gbuf);
		free(P->rdata);
	}
	free(P);
	free(F);
	return rc;
}

int sg_zonefile_parse_mem(const char *data, size_t len, const char *name,
			  const sg_zparse_opts_t *opts, sg_zparse_stats_t *stats)
{
	if (!opts || (!data && len))
		return SG_EINVAL;
	if (stats)
		memset(stats, 0, sizeof(*stats));
	return run((const uint8_t *)data, len, name, opts, stats);
}

int sg_zonefile_parse(const char *path, const sg_zparse_opts_t *opts, sg_zparse_stats_t *stats)
{
	if (!path || !opts)
		return SG_EINVAL;
	if (stats)
		memset(stats, 0, sizeof(*stats));
	uint8_t *data;
	size_t len;
	bool mapped;
	int e = load_file(path, &data, &len, &mapped);
	if (e) {
		if (stats)
			stats->errors = 1;
		if (opts->error)
			opts->error(opts->ctx, path, 0, strerror(e));
		return SG_EIO;
	}
	int rc = run(data, len, path, opts, stats);
	unload_file(data, len, mapped);
	return rc;
}
