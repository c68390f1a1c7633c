/* RDATA in presentation form: text -> wire and wire -> text.
 *
 * Both directions walk the fields of the type's descriptor (rrtype.c):
 * one parse function and one print function per field kind. Types the
 * table does not know, and RDATA that does not fit its layout, travel in
 * the RFC 3597 generic form `\# LEN HEX`.
 *
 * Parsing runs once per record of multi-million-record zones, so it never
 * allocates and does no quadratic work; only the error paths format text.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "signet/rr.h"
#include "signet/util.h"
#include "wire/rdata_walk.h"

/* ======================================================================
 * Field labels, used only in error messages. Data, not code: "|" separates
 * the labels of a type's fields in descriptor order.
 * ====================================================================== */

static const struct {
	uint16_t type;
	const char *labels;
} field_labels[] = {
	{SG_T_A, "address"},
	{SG_T_NS, "name server"},
	{SG_T_MD, "mail agent"},
	{SG_T_MF, "mail agent"},
	{SG_T_CNAME, "target"},
	{SG_T_SOA, "primary server|responsible mailbox|serial|refresh|retry|expire|minimum"},
	{SG_T_MB, "mailbox"},
	{SG_T_MG, "mailbox"},
	{SG_T_MR, "new mailbox"},
	{SG_T_PTR, "target"},
	{SG_T_HINFO, "CPU|OS"},
	{SG_T_MINFO, "responsible mailbox|error mailbox"},
	{SG_T_MX, "preference|exchange"},
	{SG_T_TXT, "text"},
	{SG_T_RP, "mailbox|TXT name"},
	{SG_T_AFSDB, "subtype|hostname"},
	{SG_T_X25, "PSDN address"},
	{SG_T_RT, "preference|intermediate host"},
	{SG_T_SIG, "type covered|algorithm|labels|original TTL|expiration|inception|key tag|"
		   "signer name|signature"},
	{SG_T_KEY, "flags|protocol|algorithm|public key"},
	{SG_T_PX, "preference|MAP822|MAPX400"},
	{SG_T_AAAA, "address"},
	{SG_T_LOC, "location"},
	{SG_T_SRV, "priority|weight|port|target"},
	{SG_T_NAPTR, "order|preference|flags|services|regexp|replacement"},
	{SG_T_KX, "preference|exchanger"},
	{SG_T_CERT, "certificate type|key tag|algorithm|certificate"},
	{SG_T_DNAME, "target"},
	{SG_T_OPT, "options"},
	{SG_T_DS, "key tag|algorithm|digest type|digest"},
	{SG_T_SSHFP, "algorithm|fingerprint type|fingerprint"},
	{SG_T_RRSIG, "type covered|algorithm|labels|original TTL|expiration|inception|key tag|"
		     "signer name|signature"},
	{SG_T_NSEC, "next name|type bitmap"},
	{SG_T_DNSKEY, "flags|protocol|algorithm|public key"},
	{SG_T_DHCID, "digest"},
	{SG_T_NSEC3, "hash algorithm|flags|iterations|salt|next hashed owner|type bitmap"},
	{SG_T_NSEC3PARAM, "hash algorithm|flags|iterations|salt"},
	{SG_T_TLSA, "usage|selector|matching type|certificate data"},
	{SG_T_SMIMEA, "usage|selector|matching type|certificate data"},
	{SG_T_CDS, "key tag|algorithm|digest type|digest"},
	{SG_T_CDNSKEY, "flags|protocol|algorithm|public key"},
	{SG_T_OPENPGPKEY, "public key"},
	{SG_T_CSYNC, "SOA serial|flags|type bitmap"},
	{SG_T_ZONEMD, "serial|scheme|hash algorithm|digest"},
	{SG_T_SVCB, "priority|target|parameters"},
	{SG_T_HTTPS, "priority|target|parameters"},
	{SG_T_SPF, "text"},
	{SG_T_NID, "preference|node ID"},
	{SG_T_L32, "preference|locator"},
	{SG_T_L64, "preference|locator"},
	{SG_T_LP, "preference|FQDN"},
	{SG_T_EUI48, "address"},
	{SG_T_EUI64, "address"},
	{SG_T_URI, "priority|weight|target"},
	{SG_T_CAA, "flags|tag|value"},
};

/* Copies the label of field idx of type into buf; "field N" when unknown. */
static const char *field_label(uint16_t type, unsigned idx, char *buf, size_t cap)
{
	for (size_t i = 0; i < sizeof(field_labels) / sizeof(field_labels[0]); i++) {
		if (field_labels[i].type != type)
			continue;
		const char *s = field_labels[i].labels;
		for (unsigned k = 0; k < idx && s; k++) {
			s = strchr(s, '|');
			if (s)
				s++;
		}
		if (!s)
			break;
		const char *e = strchr(s, '|');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		snprintf(buf, cap, "%.*s", (int)n, s);
		return buf;
	}
	snprintf(buf, cap, "field %u", idx + 1);
	return buf;
}

/* ======================================================================
 * Parsing
 * ====================================================================== */

struct pctx {
	uint8_t *dst;
	size_t cap;
	size_t o;
	const sg_token_t *tok;
	size_t ntok;
	size_t i; /* next token */
	const uint8_t *origin;
	char *err;
	size_t errcap;
	uint16_t type;
	unsigned field; /* index of the field being parsed */
};

/* Token text for a message: at most 48 octets, non-printables as '?'. */
static const char *shown(char *buf, size_t cap, const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len && n + 4 < cap; i++) {
		if (i == 48) {
			buf[n++] = '.';
			buf[n++] = '.';
			buf[n++] = '.';
			break;
		}
		unsigned char ch = (unsigned char)s[i];
		buf[n++] = (ch >= 0x20 && ch < 0x7f) ? (char)ch : '?';
	}
	buf[n] = 0;
	return buf;
}

static int msg(struct pctx *c, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int msg(struct pctx *c, int code, const char *fmt, ...)
{
	if (c->err && c->errcap) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(c->err, c->errcap, fmt, ap);
		va_end(ap);
	}
	return code;
}

static const char *tname(const struct pctx *c, char buf[16])
{
	return sg_type_name(c->type, buf);
}

/* `MX preference: bad number "x"` */
static int bad(struct pctx *c, int code, const char *what, const char *s, size_t len)
{
	char tb[16], lb[48], sb[64];
	return msg(c, code, "%s %s: bad %s \"%s\"", tname(c, tb),
		   field_label(c->type, c->field, lb, sizeof(lb)), what,
		   shown(sb, sizeof(sb), s, len));
}

static int bad_tok(struct pctx *c, int code, const char *what, const sg_token_t *t)
{
	return bad(c, code, what, t->text, t->len);
}

/* `MX preference "70000" out of range` */
static int range(struct pctx *c, const sg_token_t *t, const char *detail)
{
	char tb[16], lb[48], sb[64];
	return msg(c, SG_ERANGE, "%s %s \"%s\" out of range%s", tname(c, tb),
		   field_label(c->type, c->field, lb, sizeof(lb)),
		   shown(sb, sizeof(sb), t->text, t->len), detail);
}

static int missing(struct pctx *c)
{
	char tb[16], lb[48];
	return msg(c, SG_ESYNTAX, "missing %s in %s",
		   field_label(c->type, c->field, lb, sizeof(lb)), tname(c, tb));
}

static int nospace(struct pctx *c)
{
	char tb[16];
	return msg(c, SG_ESPACE, "%s RDATA too long", tname(c, tb));
}

static const sg_token_t *next_tok(struct pctx *c)
{
	return c->i < c->ntok ? &c->tok[c->i++] : NULL;
}

static int room(struct pctx *c, size_t n)
{
	return c->cap - c->o >= n ? SG_OK : nospace(c);
}

static bool all_digits(const char *s, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Processes \X and \DDD escapes of a <character-string> (RFC 1035 §5.1).
 * Returns SG_ESYNTAX for a bad escape, SG_ESPACE when more than cap octets. */
static int unescape(uint8_t *out, size_t cap, size_t *outlen, const char *s, size_t len)
{
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		uint8_t ch = (uint8_t)s[i];
		if (ch == '\\') {
			if (i + 1 >= len)
				return SG_ESYNTAX;
			uint8_t n = (uint8_t)s[i + 1];
			if (n >= '0' && n <= '9') {
				if (i + 3 >= len || !all_digits(s + i + 1, 3))
					return SG_ESYNTAX;
				unsigned v = (unsigned)(s[i + 1] - '0') * 100 +
					     (unsigned)(s[i + 2] - '0') * 10 +
					     (unsigned)(s[i + 3] - '0');
				if (v > 255)
					return SG_ESYNTAX;
				ch = (uint8_t)v;
				i += 3;
			} else {
				ch = n;
				i++;
			}
		}
		if (o >= cap)
			return SG_ESPACE;
		out[o++] = ch;
	}
	*outlen = o;
	return SG_OK;
}

/* ---- numbers ------------------------------------------------------------- */

static int num_value(struct pctx *c, const sg_token_t *t, uint32_t max, uint32_t *v)
{
	int r = sg_parse_u32(v, t->text, t->len, max);
	if (r == SG_OK)
		return SG_OK;
	if (!all_digits(t->text, t->len))
		return bad_tok(c, SG_ESYNTAX, "number", t);
	char detail[32];
	snprintf(detail, sizeof(detail), " (0..%u)", max);
	return range(c, t, detail);
}

static int p_number(struct pctx *c, const sg_token_t *t, unsigned bytes)
{
	uint32_t max = bytes == 1 ? 0xff : bytes == 2 ? 0xffff : 0xffffffff, v;
	int r = num_value(c, t, max, &v);
	if (r < 0)
		return r;
	if ((r = room(c, bytes)) < 0)
		return r;
	if (bytes == 1)
		c->dst[c->o] = (uint8_t)v;
	else if (bytes == 2)
		sg_put16(c->dst + c->o, v);
	else
		sg_put32(c->dst + c->o, v);
	c->o += bytes;
	return SG_OK;
}

static int p_period(struct pctx *c, const sg_token_t *t)
{
	uint32_t v;
	int r = sg_parse_ttl(&v, t->text, t->len);
	if (r == SG_ERANGE)
		return range(c, t, " (0..4294967295)");
	if (r < 0)
		return bad_tok(c, SG_ESYNTAX, "period", t);
	if ((r = room(c, 4)) < 0)
		return r;
	sg_put32(c->dst + c->o, v);
	c->o += 4;
	return SG_OK;
}

/* RFC 4034 §3.2: YYYYMMDDHHMMSS, or seconds since the epoch as decimal. */
static int p_time(struct pctx *c, const sg_token_t *t)
{
	uint32_t v;
	int r;
	if (t->len == 14 && all_digits(t->text, 14)) {
		int64_t secs;
		r = sg_time_parse(&secs, t->text, t->len);
		if (r < 0)
			return bad_tok(c, r == SG_ERANGE ? SG_ERANGE : SG_ESYNTAX, "time", t);
		v = (uint32_t)(uint64_t)secs; /* serial arithmetic: mod 2^32 */
	} else if (t->len <= 10 && all_digits(t->text, t->len)) {
		if (sg_parse_u32(&v, t->text, t->len, 0xffffffff) < 0)
			return range(c, t, " (0..4294967295)");
	} else {
		return bad_tok(c, SG_ESYNTAX, "time", t);
	}
	if ((r = room(c, 4)) < 0)
		return r;
	sg_put32(c->dst + c->o, v);
	c->o += 4;
	return SG_OK;
}

static int p_type(struct pctx *c, const sg_token_t *t)
{
	uint16_t v;
	int r = sg_type_from_text(&v, t->text, t->len);
	if (r == SG_ERANGE)
		return range(c, t, "");
	if (r < 0)
		return bad_tok(c, SG_ESYNTAX, "type", t);
	if ((r = room(c, 2)) < 0)
		return r;
	sg_put16(c->dst + c->o, v);
	c->o += 2;
	return SG_OK;
}

static int p_alg(struct pctx *c, const sg_token_t *t)
{
	uint8_t v;
	int r = sg_alg_from_text(&v, t->text, t->len);
	if (r == SG_ERANGE)
		return range(c, t, " (0..255)");
	if (r < 0)
		return bad_tok(c, SG_ESYNTAX, "algorithm", t);
	if ((r = room(c, 1)) < 0)
		return r;
	c->dst[c->o++] = v;
	return SG_OK;
}

/* RFC 4398 §2.1 */
static const struct {
	uint16_t v;
	const char *name;
} cert_types[] = {
	{1, "PKIX"}, {2, "SPKI"},   {3, "PGP"},     {4, "IPKIX"}, {5, "ISPKI"},
	{6, "IPGP"}, {7, "ACPKIX"}, {8, "IACPKIX"}, {253, "URI"}, {254, "OID"},
};

static bool ci_equal(const char *s, size_t len, const char *name)
{
	size_t n = strlen(name);
	if (n != len)
		return false;
	for (size_t i = 0; i < n; i++) {
		int a = (unsigned char)s[i], b = (unsigned char)name[i];
		if (a >= 'a' && a <= 'z')
			a -= 32;
		if (b >= 'a' && b <= 'z')
			b -= 32;
		if (a != b)
			return false;
	}
	return true;
}

static int p_certtype(struct pctx *c, const sg_token_t *t)
{
	uint32_t v = 0;
	int r;
	bool found = false;
	if (all_digits(t->text, t->len)) {
		if ((r = num_value(c, t, 0xffff, &v)) < 0)
			return r;
		found = true;
	} else {
		for (size_t k = 0; k < sizeof(cert_types) / sizeof(cert_types[0]); k++)
			if (ci_equal(t->text, t->len, cert_types[k].name)) {
				v = cert_types[k].v;
				found = true;
				break;
			}
	}
	if (!found)
		return bad_tok(c, SG_ESYNTAX, "certificate type", t);
	if ((r = room(c, 2)) < 0)
		return r;
	sg_put16(c->dst + c->o, v);
	c->o += 2;
	return SG_OK;
}

/* ---- addresses ----------------------------------------------------------- */

/* The common dotted quad without leading zeros, parsed without a copy;
 * false means "ask inet_pton", which decides every other form. */
static bool quick_ipv4(uint8_t out[4], const char *s, size_t len)
{
	size_t i = 0;
	for (int part = 0; part < 4; part++) {
		if (part && (i >= len || s[i++] != '.'))
			return false;
		size_t start = i;
		unsigned v = 0;
		while (i < len && i - start < 3 && s[i] >= '0' && s[i] <= '9')
			v = v * 10 + (unsigned)(s[i++] - '0');
		if (i == start || v > 255 || (s[start] == '0' && i - start > 1))
			return false;
		out[part] = (uint8_t)v;
	}
	return i == len;
}

static int p_inet(struct pctx *c, const sg_token_t *t, int af)
{
	char buf[64];
	unsigned n = af == AF_INET ? 4 : 16;
	int r;
	const char *what = af == AF_INET ? "IPv4 address" : "IPv6 address";
	if (t->len >= sizeof(buf))
		return bad_tok(c, SG_ESYNTAX, what, t);
	memcpy(buf, t->text, t->len);
	buf[t->len] = 0;
	if ((r = room(c, n)) < 0)
		return r;
	if (af == AF_INET && quick_ipv4(c->dst + c->o, t->text, t->len)) {
		c->o += n;
		return SG_OK;
	}
	if (inet_pton(af, buf, c->dst + c->o) != 1)
		return bad_tok(c, SG_ESYNTAX, what, t);
	c->o += n;
	return SG_OK;
}

/* n groups of exactly 2 hex digits separated by '-' (RFC 7043 §3.2, §4.2). */
static int p_eui(struct pctx *c, const sg_token_t *t, unsigned n)
{
	int r;
	if (t->len != 3 * n - 1)
		return bad_tok(c, SG_ESYNTAX, n == 6 ? "EUI-48 address" : "EUI-64 address", t);
	if ((r = room(c, n)) < 0)
		return r;
	for (unsigned k = 0; k < n; k++) {
		const char *s = t->text + 3 * k;
		int h = hexval((unsigned char)s[0]), l = hexval((unsigned char)s[1]);
		if (h < 0 || l < 0 || (k + 1 < n && s[2] != '-'))
			return bad_tok(c, SG_ESYNTAX, n == 6 ? "EUI-48 address" : "EUI-64 address",
				       t);
		c->dst[c->o + k] = (uint8_t)(h << 4 | l);
	}
	c->o += n;
	return SG_OK;
}

/* RFC 6742 §2.3: four groups of 1-4 hex digits separated by ':'. */
static int p_ilnp64(struct pctx *c, const sg_token_t *t)
{
	uint8_t out[8];
	unsigned g = 0, digits = 0, v = 0;
	int r;
	for (size_t i = 0; i <= t->len; i++) {
		if (i == t->len || t->text[i] == ':') {
			if (digits == 0 || g >= 4)
				return bad_tok(c, SG_ESYNTAX, "64-bit locator", t);
			sg_put16(out + 2 * g, v);
			g++;
			digits = 0;
			v = 0;
			continue;
		}
		int h = hexval((unsigned char)t->text[i]);
		if (h < 0 || ++digits > 4)
			return bad_tok(c, SG_ESYNTAX, "64-bit locator", t);
		v = v << 4 | (unsigned)h;
	}
	if (g != 4)
		return bad_tok(c, SG_ESYNTAX, "64-bit locator", t);
	if ((r = room(c, 8)) < 0)
		return r;
	memcpy(c->dst + c->o, out, 8);
	c->o += 8;
	return SG_OK;
}

/* ---- names and strings --------------------------------------------------- */

static int p_name(struct pctx *c, const sg_token_t *t)
{
	uint8_t tmp[SG_NAME_MAX];
	size_t n;
	int r;
	bool direct = c->cap - c->o >= SG_NAME_MAX;
	r = sg_name_from_text(direct ? c->dst + c->o : tmp, &n, t->text, t->len, c->origin);
	if (r == SG_ETOOLONG)
		return bad_tok(c, SG_ETOOLONG, "name (label over 63 or name over 255 octets)", t);
	if (r < 0)
		return bad_tok(c, SG_ESYNTAX,
			       c->origin ? "name" : "name (relative name without origin?)", t);
	if (!direct) {
		if ((r = room(c, n)) < 0)
			return r;
		memcpy(c->dst + c->o, tmp, n);
	}
	c->o += n;
	return SG_OK;
}

/* One <character-string>: length octet then up to 255 octets. */
static int p_str(struct pctx *c, const sg_token_t *t)
{
	size_t n;
	int r;
	if ((r = room(c, 1)) < 0)
		return r;
	size_t avail = c->cap - c->o - 1;
	r = unescape(c->dst + c->o + 1, avail < 255 ? avail : 255, &n, t->text, t->len);
	if (r == SG_ESPACE)
		return avail < 255 ? nospace(c)
				   : bad_tok(c, SG_ETOOLONG, "string (over 255 octets)", t);
	if (r < 0)
		return bad_tok(c, SG_ESYNTAX, "escape in string", t);
	c->dst[c->o] = (uint8_t)n;
	c->o += 1 + n;
	return SG_OK;
}

/* The rest as one string without a length octet (CAA value, URI target). */
static int p_rest(struct pctx *c, const sg_token_t *t)
{
	size_t n;
	int r = unescape(c->dst + c->o, c->cap - c->o, &n, t->text, t->len);
	if (r == SG_ESPACE)
		return nospace(c);
	if (r < 0)
		return bad_tok(c, SG_ESYNTAX, "escape in string", t);
	c->o += n;
	return SG_OK;
}

/* RFC 8659 §4.1: the tag is 1-255 ASCII letters and digits, unquoted. */
static int p_tag(struct pctx *c, const sg_token_t *t)
{
	int r;
	if (t->quoted || t->len == 0 || t->len > 255)
		return bad_tok(c, t->len > 255 ? SG_ETOOLONG : SG_ESYNTAX, "tag", t);
	for (size_t i = 0; i < t->len; i++) {
		char ch = t->text[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9')))
			return bad_tok(c, SG_ESYNTAX, "tag", t);
	}
	if ((r = room(c, 1 + t->len)) < 0)
		return r;
	c->dst[c->o] = (uint8_t)t->len;
	memcpy(c->dst + c->o + 1, t->text, t->len);
	c->o += 1 + t->len;
	return SG_OK;
}

/* ---- encodings ----------------------------------------------------------- */

/* Hex of one token into out (at most cap octets); returns the length or
 * SG_ESYNTAX/SG_ESPACE. */
static int hex_token(uint8_t *out, size_t cap, const sg_token_t *t)
{
	if (t->len % 2)
		return SG_ESYNTAX;
	return sg_base16_decode(out, cap, t->text, t->len);
}

/* Hex over all remaining tokens; digits pair across token boundaries as in
 * BIND. Returns the number of octets or a negative code (message written). */
static int hex_rest(struct pctx *c, const char *what)
{
	const sg_token_t *t;
	size_t start = c->o;
	int hi = -1;
	while ((t = next_tok(c))) {
		for (size_t k = 0; k < t->len; k++) {
			int v = hexval((unsigned char)t->text[k]);
			if (v < 0)
				return bad_tok(c, SG_ESYNTAX, what, t);
			if (hi < 0) {
				hi = v;
				continue;
			}
			if (c->o >= c->cap)
				return nospace(c);
			c->dst[c->o++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	if (hi >= 0) {
		char tb[16], lb[48];
		return msg(c, SG_ESYNTAX, "%s %s: odd number of hex digits", tname(c, tb),
			   field_label(c->type, c->field, lb, sizeof(lb)));
	}
	return (int)(c->o - start);
}

/* At least one hex digit for DS, SSHFP, TLSA, SMIMEA, ZONEMD. */
static int p_hex(struct pctx *c)
{
	int n = hex_rest(c, "hex");
	return n == 0 ? missing(c) : n < 0 ? n : SG_OK;
}

/* Base64 over all remaining tokens, at least one quantum. Each token is
 * decoded in place in whole quanta; a partial quantum carries over. */
static int p_b64(struct pctx *c)
{
	const sg_token_t *t;
	char carry[4];
	size_t nc = 0, start = c->o;
	bool padded = false;
	if (c->i >= c->ntok)
		return missing(c);
	while ((t = next_tok(c))) {
		const char *s = t->text;
		size_t len = t->len;
		if (len == 0)
			continue;
		if (padded)
			return bad_tok(c, SG_ESYNTAX, "base64 (data after padding)", t);
		int n;
		while (nc > 0 && nc < 4 && len > 0) {
			carry[nc++] = *s++;
			len--;
		}
		if (nc == 4) {
			n = sg_base64_decode(c->dst + c->o, c->cap - c->o, carry, 4);
			if (n < 0)
				goto fail;
			c->o += (size_t)n;
			padded = carry[3] == '=';
			nc = 0;
		}
		size_t whole = len / 4 * 4;
		if (whole) {
			if (padded)
				return bad_tok(c, SG_ESYNTAX, "base64 (data after padding)", t);
			n = sg_base64_decode(c->dst + c->o, c->cap - c->o, s, whole);
			if (n < 0)
				goto fail;
			c->o += (size_t)n;
			padded = s[whole - 1] == '=';
		}
		if (len > whole) {
			if (padded)
				return bad_tok(c, SG_ESYNTAX, "base64 (data after padding)", t);
			memcpy(carry, s + whole, len - whole);
			nc = len - whole;
		}
		continue;
	fail:
		return n == SG_ESPACE ? nospace(c) : bad_tok(c, SG_ESYNTAX, "base64", t);
	}
	if (nc) {
		char tb[16], lb[48];
		return msg(c, SG_ESYNTAX, "%s %s: base64 length is not a multiple of 4",
			   tname(c, tb), field_label(c->type, c->field, lb, sizeof(lb)));
	}
	if (c->o == start)
		return missing(c);
	return SG_OK;
}

/* NSEC3 salt: "-" for none, else hex; length octet (RFC 5155 §3.3). */
static int p_salt(struct pctx *c, const sg_token_t *t)
{
	int r;
	if ((r = room(c, 1)) < 0)
		return r;
	if (t->len == 1 && t->text[0] == '-') {
		c->dst[c->o++] = 0;
		return SG_OK;
	}
	if (t->len > 510)
		return bad_tok(c, SG_ETOOLONG, "salt (over 255 octets)", t);
	size_t avail = c->cap - c->o - 1;
	int n = hex_token(c->dst + c->o + 1, avail < 255 ? avail : 255, t);
	if (n == SG_ESPACE)
		return nospace(c);
	if (n <= 0)
		return bad_tok(c, SG_ESYNTAX, "salt (hex or \"-\")", t);
	c->dst[c->o] = (uint8_t)n;
	c->o += 1 + (size_t)n;
	return SG_OK;
}

/* NSEC3 next hashed owner: base32hex with a length octet (RFC 5155 §3.3). */
static int p_b32(struct pctx *c, const sg_token_t *t)
{
	int r;
	if ((r = room(c, 1)) < 0)
		return r;
	if (t->len > 408)
		return bad_tok(c, SG_ETOOLONG, "base32hex (over 255 octets)", t);
	size_t avail = c->cap - c->o - 1;
	int n = sg_base32hex_decode(c->dst + c->o + 1, avail < 255 ? avail : 255, t->text, t->len);
	if (n == SG_ESPACE)
		return nospace(c);
	if (n <= 0)
		return bad_tok(c, SG_ESYNTAX, "base32hex", t);
	c->dst[c->o] = (uint8_t)n;
	c->o += 1 + (size_t)n;
	return SG_OK;
}

/* ---- type bitmap (RFC 4034 §4.1.2) -------------------------------------- */

static int p_bitmap(struct pctx *c)
{
	uint8_t bits[256][32]; /* only windows marked in `used` are initialised */
	uint8_t used[32] = {0};
	unsigned lo = 256, hi = 0; /* windows in use */
	const sg_token_t *t;
	int r;
	while ((t = next_tok(c))) {
		uint16_t type;
		if (sg_type_from_text(&type, t->text, t->len) < 0) {
			char tb[16], sb[64];
			return msg(c, SG_ESYNTAX, "%s type bitmap: unknown type \"%s\"",
				   tname(c, tb), shown(sb, sizeof(sb), t->text, t->len));
		}
		unsigned w = type >> 8, b = type & 0xff;
		if (!(used[w >> 3] & (0x80 >> (w & 7)))) {
			used[w >> 3] |= (uint8_t)(0x80 >> (w & 7));
			memset(bits[w], 0, 32);
			lo = w < lo ? w : lo;
			hi = w > hi ? w : hi;
		}
		bits[w][b >> 3] |= (uint8_t)(0x80 >> (b & 7));
	}
	for (unsigned w = lo; w <= hi && lo < 256; w++) {
		if (!(used[w >> 3] & (0x80 >> (w & 7))))
			continue;
		unsigned len = 32;
		while (len > 0 && bits[w][len - 1] == 0)
			len--;
		if ((r = room(c, 2 + len)) < 0)
			return r;
		c->dst[c->o] = (uint8_t)w;
		c->dst[c->o + 1] = (uint8_t)len;
		memcpy(c->dst + c->o + 2, bits[w], len);
		c->o += 2 + len;
	}
	return SG_OK;
}

/* ---- LOC (RFC 1876 appendix A) ------------------------------------------- */

/* Parses "[-]digits[.d[d]][m]" into centimetres. */
static int loc_cm(const sg_token_t *t, bool allow_neg, int64_t *cm)
{
	const char *s = t->text;
	size_t len = t->len, i = 0;
	bool neg = false;
	if (len > 0 && (s[len - 1] == 'm' || s[len - 1] == 'M'))
		len--;
	if (allow_neg && i < len && s[i] == '-') {
		neg = true;
		i++;
	}
	int64_t m = 0, frac = 0;
	size_t digits = 0, fdigits = 0;
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, digits++) {
		if (digits >= 10)
			return SG_ERANGE;
		m = m * 10 + (s[i] - '0');
	}
	if (i < len && s[i] == '.') {
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++, fdigits++) {
			if (fdigits >= 2)
				return SG_ESYNTAX;
			frac = frac * 10 + (s[i] - '0');
		}
		if (fdigits == 0)
			return SG_ESYNTAX;
		if (fdigits == 1)
			frac *= 10;
	}
	if (i != len || digits == 0)
		return SG_ESYNTAX;
	*cm = (m * 100 + frac) * (neg ? -1 : 1);
	return SG_OK;
}

/* Size/precision as mantissa and power of ten in centimetres, BIND's way. */
static int loc_prec(struct pctx *c, const sg_token_t *t, const char *what, uint8_t *out)
{
	int64_t cm;
	int r = loc_cm(t, false, &cm);
	if (r == SG_OK && cm > 9000000000LL)
		r = SG_ERANGE;
	if (r < 0) {
		char tb[16], sb[64];
		return msg(c, r, "%s %s: bad value \"%s\" (0..90000000.00m)", tname(c, tb), what,
			   shown(sb, sizeof(sb), t->text, t->len));
	}
	int64_t m = cm / 100;
	unsigned man, ex;
	if (m > 0) {
		int64_t p = 1;
		ex = 0;
		while (ex < 7 && m >= p * 10) {
			p *= 10;
			ex++;
		}
		man = (unsigned)(m / p);
		ex += 2;
	} else if (cm >= 10) {
		man = (unsigned)(cm / 10);
		ex = 1;
	} else {
		man = (unsigned)cm;
		ex = 0;
	}
	*out = (uint8_t)(man << 4 | ex);
	return SG_OK;
}

static bool is_hemi(const sg_token_t *t, const char *two)
{
	return t->len == 1 && (t->text[0] == two[0] || t->text[0] == two[0] + 32 ||
			       t->text[0] == two[1] || t->text[0] == two[1] + 32);
}

/* d [m [s[.fff]]] H  ->  2^31 +/- thousandths of an arc second */
static int loc_coord(struct pctx *c, const char *what, unsigned maxdeg, const char *hemi,
		     uint32_t *out)
{
	char tb[16], sb[64];
	const sg_token_t *t;
	uint32_t part[2] = {0, 0}, ms = 0, deg;
	int k = 0;
	if (!(t = next_tok(c)))
		return msg(c, SG_ESYNTAX, "missing %s in %s", what, tname(c, tb));
	if (sg_parse_u32(&deg, t->text, t->len, maxdeg) < 0)
		goto bad;
	for (;;) {
		if (!(t = next_tok(c)))
			return msg(c, SG_ESYNTAX, "missing %s hemisphere (%c or %c) in %s", what,
				   hemi[0], hemi[1], tname(c, tb));
		if (is_hemi(t, hemi))
			break;
		if (k == 0) {
			if (sg_parse_u32(&part[0], t->text, t->len, 59) < 0)
				goto bad;
		} else if (k == 1) {
			/* seconds: 1-2 digits, optional fraction of up to 3 digits */
			size_t i = 0;
			uint32_t s = 0, f = 0, fd = 0;
			for (; i < t->len && i < 3 && t->text[i] >= '0' && t->text[i] <= '9'; i++)
				s = s * 10 + (uint32_t)(t->text[i] - '0');
			if (i == 0 || s > 59)
				goto bad;
			if (i < t->len && t->text[i] == '.') {
				for (i++; i < t->len && t->text[i] >= '0' && t->text[i] <= '9';
				     i++) {
					if (++fd > 3)
						goto bad;
					f = f * 10 + (uint32_t)(t->text[i] - '0');
				}
				if (fd == 0)
					goto bad;
				while (fd++ < 3)
					f *= 10;
			}
			if (i != t->len)
				goto bad;
			ms = s * 1000 + f;
		} else {
			goto bad;
		}
		k++;
	}
	uint32_t v = (deg * 60 + part[0]) * 60000 + ms;
	if (v > maxdeg * 3600000u) {
		return msg(c, SG_ERANGE, "%s %s out of range (over %u degrees)", tname(c, tb), what,
			   maxdeg);
	}
	bool neg = t->text[0] == hemi[1] || t->text[0] == hemi[1] + 32;
	*out = neg ? (1u << 31) - v : (1u << 31) + v;
	return SG_OK;
bad:
	return msg(c, all_digits(t->text, t->len) ? SG_ERANGE : SG_ESYNTAX,
		   "%s %s: bad value \"%s\"", tname(c, tb), what,
		   shown(sb, sizeof(sb), t->text, t->len));
}

static int p_loc(struct pctx *c)
{
	uint32_t lat, lon;
	uint8_t prec[3] = {0x12, 0x16, 0x13}; /* 1m, 10000m, 10m (RFC 1876 §3) */
	static const char *const prec_names[3] = {"size", "horizontal precision",
						  "vertical precision"};
	const sg_token_t *t;
	char tb[16], sb[64];
	int r;
	if ((r = loc_coord(c, "latitude", 90, "NS", &lat)) < 0)
		return r;
	if ((r = loc_coord(c, "longitude", 180, "EW", &lon)) < 0)
		return r;
	if (!(t = next_tok(c)))
		return msg(c, SG_ESYNTAX, "missing altitude in %s", tname(c, tb));
	int64_t alt;
	r = loc_cm(t, true, &alt);
	if (r == SG_OK && (alt < -10000000 || alt > 4284967295LL))
		r = SG_ERANGE;
	if (r < 0)
		return msg(c, r, "%s altitude: bad value \"%s\" (-100000.00..42849672.95m)",
			   tname(c, tb), shown(sb, sizeof(sb), t->text, t->len));
	for (int k = 0; k < 3 && c->i < c->ntok; k++)
		if ((r = loc_prec(c, next_tok(c), prec_names[k], &prec[k])) < 0)
			return r;
	if ((r = room(c, 16)) < 0)
		return r;
	uint8_t *p = c->dst + c->o;
	p[0] = 0;
	p[1] = prec[0];
	p[2] = prec[1];
	p[3] = prec[2];
	sg_put32(p + 4, lat);
	sg_put32(p + 8, lon);
	sg_put32(p + 12, (uint32_t)(alt + 10000000));
	c->o += 16;
	return SG_OK;
}

/* ---- SvcParams (RFC 9460 §2.1, appendix A) -------------------------------- */

static const char *const svc_keys[] = {"mandatory", "alpn",     "no-default-alpn",
				       "port",      "ipv4hint", "ech",
				       "ipv6hint",  "dohpath",  "ohttp"};
#define NSVCKEYS (sizeof(svc_keys) / sizeof(svc_keys[0]))

static int svc_key_from_text(uint16_t *key, const char *s, size_t len)
{
	for (size_t k = 0; k < NSVCKEYS; k++)
		if (strlen(svc_keys[k]) == len && memcmp(s, svc_keys[k], len) == 0) {
			*key = (uint16_t)k;
			return SG_OK;
		}
	uint32_t v;
	if (len > 3 && memcmp(s, "key", 3) == 0 && all_digits(s + 3, len - 3) &&
	    sg_parse_u32(&v, s + 3, len - 3, 65534) == SG_OK) {
		*key = (uint16_t)v;
		return SG_OK;
	}
	return SG_ESYNTAX;
}

struct svc_entry {
	uint16_t key;
	uint32_t off; /* of the key octets in dst */
	uint32_t len; /* 4 + value length */
};

#define SVC_MAX_PARAMS 64

static int svc_err(struct pctx *c, int code, const char *what, const char *s, size_t len)
{
	char tb[16], sb[64];
	return msg(c, code, "%s SvcParam %s \"%s\"", tname(c, tb), what,
		   shown(sb, sizeof(sb), s, len));
}

/* Splits a comma-separated list; with `escapes`, "\," and "\\" are literal
 * (RFC 9460 appendix A.1). Calls fn for each item. */
static int svc_list(const uint8_t *v, size_t vlen, bool escapes, uint8_t *item, size_t *items,
		    int (*fn)(void *ctx, const uint8_t *item, size_t n), void *ctx)
{
	size_t n = 0, count = 0;
	for (size_t i = 0; i <= vlen; i++) {
		if (i == vlen || v[i] == ',') {
			int r = fn(ctx, item, n);
			if (r < 0)
				return r;
			n = 0;
			count++;
			continue;
		}
		uint8_t ch = v[i];
		if (escapes && ch == '\\') {
			if (i + 1 >= vlen)
				return SG_ESYNTAX;
			ch = v[++i];
		}
		if (n >= 255)
			return SG_ETOOLONG;
		item[n++] = ch;
	}
	*items = count;
	return SG_OK;
}

struct svc_out {
	struct pctx *c;
	uint16_t key;
};

static int svc_item(void *ctx, const uint8_t *item, size_t n)
{
	struct svc_out *so = ctx;
	struct pctx *c = so->c;
	char buf[64];
	switch (so->key) {
	case 0: { /* mandatory */
		uint16_t k;
		if (svc_key_from_text(&k, (const char *)item, n) < 0 || k == 0)
			return SG_ESYNTAX;
		if (c->cap - c->o < 2)
			return SG_ESPACE;
		sg_put16(c->dst + c->o, k);
		c->o += 2;
		return SG_OK;
	}
	case 1: /* alpn */
		if (n == 0)
			return SG_ESYNTAX;
		if (c->cap - c->o < 1 + n)
			return SG_ESPACE;
		c->dst[c->o] = (uint8_t)n;
		memcpy(c->dst + c->o + 1, item, n);
		c->o += 1 + n;
		return SG_OK;
	case 4:
	case 6: { /* ipv4hint, ipv6hint */
		size_t al = so->key == 4 ? 4 : 16;
		if (n >= sizeof(buf))
			return SG_ESYNTAX;
		memcpy(buf, item, n);
		buf[n] = 0;
		if (c->cap - c->o < al)
			return SG_ESPACE;
		if (inet_pton(so->key == 4 ? AF_INET : AF_INET6, buf, c->dst + c->o) != 1)
			return SG_ESYNTAX;
		c->o += al;
		return SG_OK;
	}
	}
	return SG_ESYNTAX;
}

static int u16_cmp(const void *a, const void *b)
{
	uint16_t x = sg_get16(a), y = sg_get16(b);
	return x < y ? -1 : x > y;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct svc_entry *x = a, *y = b;
	return x->key < y->key ? -1 : x->key > y->key;
}

/* Parses one parameter's value into dst (after its 4-octet header). */
static int svc_value(struct pctx *c, uint16_t key, bool has_value, const uint8_t *v, size_t vlen,
		     const char *kt, size_t kl)
{
	uint8_t item[256];
	size_t items = 0;
	int r;
	struct svc_out so = {c, key};
	switch (key) {
	case 0:
	case 1:
	case 4:
	case 6: {
		if (!has_value || vlen == 0)
			return svc_err(c, SG_ESYNTAX, "needs a value:", kt, kl);
		size_t start = c->o;
		r = svc_list(v, vlen, key == 1, item, &items, svc_item, &so);
		if (r == SG_ESPACE)
			return nospace(c);
		if (r < 0)
			return svc_err(c, r, "has a bad value:", (const char *)v, vlen);
		if (key == 0) {
			/* RFC 9460 §8: sorted, no duplicates */
			uint8_t *p = c->dst + start;
			qsort(p, items, 2, u16_cmp);
			for (size_t k = 1; k < items; k++)
				if (sg_get16(p + 2 * k) == sg_get16(p + 2 * k - 2))
					return svc_err(c, SG_ESYNTAX,
						       "mandatory lists a key twice:",
						       (const char *)v, vlen);
		}
		return SG_OK;
	}
	case 2:
	case 8: /* no-default-alpn, ohttp: no value */
		if (has_value && vlen)
			return svc_err(c, SG_ESYNTAX, "takes no value:", kt, kl);
		return SG_OK;
	case 3: { /* port */
		uint32_t port;
		if (!has_value || sg_parse_u32(&port, (const char *)v, vlen, 65535) < 0)
			return svc_err(c, SG_ESYNTAX, "port needs a number 0..65535, got",
				       (const char *)v, vlen);
		if ((r = room(c, 2)) < 0)
			return r;
		sg_put16(c->dst + c->o, port);
		c->o += 2;
		return SG_OK;
	}
	case 5: { /* ech: base64 */
		if (!has_value || vlen == 0)
			return svc_err(c, SG_ESYNTAX, "needs a value:", kt, kl);
		int n = sg_base64_decode(c->dst + c->o, c->cap - c->o, (const char *)v, vlen);
		if (n == SG_ESPACE)
			return nospace(c);
		if (n < 0)
			return svc_err(c, SG_ESYNTAX, "ech has bad base64", (const char *)v, vlen);
		c->o += (size_t)n;
		return SG_OK;
	}
	default: /* dohpath and keyNNNNN: opaque octets */
		if ((r = room(c, vlen)) < 0)
			return r;
		memcpy(c->dst + c->o, v, vlen);
		c->o += vlen;
		return SG_OK;
	}
}

static int p_svcparams(struct pctx *c)
{
	struct svc_entry ent[SVC_MAX_PARAMS];
	size_t n = 0, base = c->o;
	const sg_token_t *t;
	uint8_t val[SG_RDATA_MAX];
	int r;
	bool sorted = true;
	while ((t = next_tok(c))) {
		const char *s = t->text, *eq = memchr(s, '=', t->len);
		size_t kl = eq ? (size_t)(eq - s) : t->len;
		const char *vt = eq ? eq + 1 : NULL;
		size_t vl = eq ? t->len - kl - 1 : 0;
		uint16_t key;
		if (svc_key_from_text(&key, s, kl) < 0)
			return svc_err(c, SG_ESYNTAX, "has an unknown key:", s, kl);
		/* key= "value" (the scanner split at the quote) or key="value" kept raw */
		if (eq && vl == 0 && c->i < c->ntok && c->tok[c->i].quoted) {
			const sg_token_t *q = next_tok(c);
			vt = q->text;
			vl = q->len;
		} else if (eq && vl >= 2 && vt[0] == '"' && vt[vl - 1] == '"') {
			vt++;
			vl -= 2;
		}
		size_t dl = 0;
		if (vt && (r = unescape(val, sizeof(val), &dl, vt, vl)) < 0)
			return svc_err(c, SG_ESYNTAX, "has a bad escape:", vt, vl);
		if (n == SVC_MAX_PARAMS)
			return svc_err(c, SG_ESYNTAX, "list too long (over 64) at", s, kl);
		for (size_t k = 0; k < n; k++)
			if (ent[k].key == key)
				return svc_err(c, SG_ESYNTAX, "duplicate key", s, kl);
		if (n && key < ent[n - 1].key)
			sorted = false;
		if ((r = room(c, 4)) < 0)
			return r;
		size_t at = c->o;
		sg_put16(c->dst + at, key);
		c->o += 4;
		if ((r = svc_value(c, key, eq != NULL, val, dl, s, kl)) < 0)
			return r;
		if (c->o - at - 4 > 0xffff)
			return nospace(c);
		sg_put16(c->dst + at + 2, (uint32_t)(c->o - at - 4));
		ent[n].key = key;
		ent[n].off = (uint32_t)at;
		ent[n].len = (uint32_t)(c->o - at);
		n++;
	}
	/* every key named by mandatory must be present (RFC 9460 §8) */
	for (size_t k = 0; k < n; k++) {
		if (ent[k].key != 0)
			continue;
		const uint8_t *p = c->dst + ent[k].off + 4;
		for (size_t m = 0; m + 4 < ent[k].len; m += 2) {
			uint16_t want = sg_get16(p + m);
			bool found = false;
			for (size_t j = 0; j < n; j++)
				found |= ent[j].key == want;
			if (!found) {
				char tb[16];
				return msg(c, SG_ESYNTAX,
					   "%s SvcParam mandatory lists key%u, which is absent",
					   tname(c, tb), want);
			}
		}
	}
	if (!sorted) { /* wire order is ascending key order (RFC 9460 §2.2) */
		size_t total = c->o - base, o = 0;
		qsort(ent, n, sizeof(ent[0]), entry_cmp);
		for (size_t k = 0; k < n; k++) {
			memcpy(val + o, c->dst + ent[k].off, ent[k].len);
			o += ent[k].len;
		}
		memcpy(c->dst + base, val, total);
	}
	return SG_OK;
}

/* ---- driver --------------------------------------------------------------- */

static int parse_field(struct pctx *c, uint8_t kind)
{
	const sg_token_t *t;
	/* kinds that read a variable number of tokens */
	switch (kind) {
	case SG_F_HEX:
		return p_hex(c);
	case SG_F_B64:
		return p_b64(c);
	case SG_F_BITMAP:
		return p_bitmap(c);
	case SG_F_LOC:
		return p_loc(c);
	case SG_F_SVCPARAMS:
		return p_svcparams(c);
	case SG_F_STRS: {
		if (c->i >= c->ntok)
			return missing(c);
		while ((t = next_tok(c))) {
			int r = p_str(c, t);
			if (r < 0)
				return r;
		}
		return SG_OK;
	}
	case SG_F_OPTS: {
		char tb[16];
		return msg(c, SG_ESYNTAX, "%s RDATA is accepted only in the RFC 3597 \\# form",
			   tname(c, tb));
	}
	}
	if (!(t = next_tok(c)))
		return missing(c);
	switch (kind) {
	case SG_F_U8:
		return p_number(c, t, 1);
	case SG_F_U16:
		return p_number(c, t, 2);
	case SG_F_U32:
		return p_number(c, t, 4);
	case SG_F_PERIOD:
		return p_period(c, t);
	case SG_F_TIME:
		return p_time(c, t);
	case SG_F_TYPE:
		return p_type(c, t);
	case SG_F_ALG:
		return p_alg(c, t);
	case SG_F_CERTTYPE:
		return p_certtype(c, t);
	case SG_F_A:
		return p_inet(c, t, AF_INET);
	case SG_F_AAAA:
		return p_inet(c, t, AF_INET6);
	case SG_F_EUI48:
		return p_eui(c, t, 6);
	case SG_F_EUI64:
		return p_eui(c, t, 8);
	case SG_F_ILNP64:
		return p_ilnp64(c, t);
	case SG_F_NAME:
		return p_name(c, t);
	case SG_F_STR:
		return p_str(c, t);
	case SG_F_TAG:
		return p_tag(c, t);
	case SG_F_REST:
		return p_rest(c, t);
	case SG_F_SALT:
		return p_salt(c, t);
	case SG_F_B32:
		return p_b32(c, t);
	}
	return msg(c, SG_EINVAL, "unsupported field kind %u", kind);
}

static bool is_generic_marker(const sg_token_t *t)
{
	return !t->quoted && t->len == 2 && t->text[0] == '\\' && t->text[1] == '#';
}

/* RFC 3597 §5: \# LEN HEX... */
static int parse_generic(struct pctx *c)
{
	char tb[16], sb[64];
	const sg_token_t *t;
	uint32_t len;
	c->i = 1;
	if (!(t = next_tok(c)))
		return msg(c, SG_ESYNTAX, "missing RDATA length after \\# in %s", tname(c, tb));
	int r = sg_parse_u32(&len, t->text, t->len, 65535);
	if (r < 0)
		return msg(c,
			   r == SG_ERANGE && all_digits(t->text, t->len) ? SG_ERANGE : SG_ESYNTAX,
			   "%s: bad \\# RDATA length \"%s\"", tname(c, tb),
			   shown(sb, sizeof(sb), t->text, t->len));
	if ((r = hex_rest(c, "\\# hex")) < 0)
		return r;
	if (c->o != len)
		return msg(c, SG_ESYNTAX, "%s: \\# length %u does not match the %zu octets of hex",
			   tname(c, tb), len, c->o);
	if (sg_rdata_check(c->type, c->dst, c->o) != SG_OK)
		return msg(c, SG_ESYNTAX, "%s RDATA in \\# form does not match the TYPE layout",
			   tname(c, tb));
	return SG_OK;
}

int sg_rdata_from_text(uint8_t *dst, size_t cap, size_t *outlen, uint16_t type,
		       const sg_token_t *tok, size_t ntok, const uint8_t *origin, char *err,
		       size_t errcap)
{
	struct pctx c = {
		.dst = dst,
		.cap = cap > SG_RDATA_MAX ? SG_RDATA_MAX : cap,
		.tok = tok,
		.ntok = ntok,
		.origin = origin,
		.err = err,
		.errcap = errcap,
		.type = type,
	};
	char tb[16], sb[64];
	int r;
	if (err && errcap)
		err[0] = 0;
	if (ntok > 0 && is_generic_marker(&tok[0]))
		r = parse_generic(&c);
	else {
		const sg_rrtype_desc_t *d = sg_rrtype_desc(type);
		if (!d || d->fields[0] == SG_F_END)
			return msg(&c, SG_ESYNTAX,
				   "%s is not a known type: RDATA must be in the RFC 3597 \\# form",
				   tname(&c, tb));
		for (const uint8_t *f = d->fields; *f != SG_F_END; f++, c.field++)
			if ((r = parse_field(&c, *f)) < 0)
				return r;
		if (c.i < ntok) {
			const sg_token_t *t = &tok[c.i];
			return msg(&c, SG_ESYNTAX, "unexpected text \"%s\" after %s data",
				   shown(sb, sizeof(sb), t->text, t->len), tname(&c, tb));
		}
		r = SG_OK;
	}
	if (r == SG_OK)
		*outlen = c.o;
	return r;
}

/* ======================================================================
 * Printing
 * ====================================================================== */

struct w {
	char *p;
	size_t cap;
	size_t o;
	bool full;
};

/* Room for n more characters plus the final NUL? */
static bool w_room(struct w *w, size_t n)
{
	if (w->full || w->cap - w->o <= n) {
		w->full = true;
		return false;
	}
	return true;
}

static void w_mem(struct w *w, const char *s, size_t n)
{
	if (w_room(w, n)) {
		memcpy(w->p + w->o, s, n);
		w->o += n;
	}
}

static void w_str(struct w *w, const char *s)
{
	w_mem(w, s, strlen(s));
}

static void w_ch(struct w *w, char ch)
{
	if (w_room(w, 1))
		w->p[w->o++] = ch;
}

static void w_u32(struct w *w, uint32_t v)
{
	char b[10];
	size_t n = 0;
	do {
		b[sizeof(b) - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	w_mem(w, b + sizeof(b) - n, n);
}

/* Calls an encoder that writes a NUL-terminated string into the rest. */
static void w_enc(struct w *w, int n)
{
	if (n < 0)
		w->full = true;
	else if (!w->full)
		w->o += (size_t)n;
}

static void w_hex(struct w *w, const uint8_t *p, size_t n, bool upper)
{
	const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	if (!w_room(w, 2 * n))
		return;
	for (size_t i = 0; i < n; i++) {
		w->p[w->o++] = dig[p[i] >> 4];
		w->p[w->o++] = dig[p[i] & 15];
	}
}

enum {
	ESC_LIST = 1, /* SvcParam value list: ',' and '\\' escaped once more (RFC 9460 A.1) */
	ESC_BARE = 2, /* inside key="..." where the quote is mid-token: no space ; ( ) */
};

/* Escapes the octets of a quoted <character-string>. */
static void w_escaped(struct w *w, const uint8_t *p, size_t n, unsigned esc)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t ch = p[i];
		if ((esc & ESC_LIST) && (ch == ',' || ch == '\\'))
			w_str(w, ch == ',' ? "\\\\," : "\\\\\\\\");
		else if (ch == '"' || ch == '\\') {
			w_ch(w, '\\');
			w_ch(w, (char)ch);
		} else if (ch < 0x20 || ch >= 0x7f ||
			   ((esc & ESC_BARE) &&
			    (ch == ' ' || ch == ';' || ch == '(' || ch == ')'))) {
			char b[4] = {'\\', (char)('0' + ch / 100), (char)('0' + ch / 10 % 10),
				     (char)('0' + ch % 10)};
			w_mem(w, b, 4);
		} else {
			w_ch(w, (char)ch);
		}
	}
}

static void w_quoted(struct w *w, const uint8_t *p, size_t n)
{
	w_ch(w, '"');
	w_escaped(w, p, n, 0);
	w_ch(w, '"');
}

static void w_generic(struct w *w, const uint8_t *rdata, size_t rdlen)
{
	w_str(w, "\\# ");
	w_u32(w, (uint32_t)rdlen);
	if (rdlen) {
		w_ch(w, ' ');
		w_hex(w, rdata, rdlen, false);
	}
}

static void w_inet(struct w *w, int af, const uint8_t *p)
{
	char b[INET6_ADDRSTRLEN];
	if (inet_ntop(af, p, b, sizeof(b)))
		w_str(w, b);
	else
		w->full = true;
}

/* LOC size/precision: BIND prints whole metres when it can. */
static int w_loc_prec(struct w *w, uint8_t v)
{
	unsigned man = v >> 4, ex = v & 15;
	/* a zero mantissa with a non-zero exponent would not read back the same */
	if (man > 9 || ex > 9 || (man == 0 && ex != 0))
		return SG_EMALFORMED;
	if (ex >= 2) {
		uint64_t m = man;
		for (unsigned k = 2; k < ex; k++)
			m *= 10;
		char b[24];
		snprintf(b, sizeof(b), "%llum", (unsigned long long)m);
		w_str(w, b);
	} else {
		unsigned cm = ex ? man * 10 : man;
		char b[16];
		snprintf(b, sizeof(b), "0.%02um", cm);
		w_str(w, b);
	}
	return SG_OK;
}

static int w_loc_coord(struct w *w, uint32_t raw, unsigned maxdeg, const char *hemi)
{
	bool neg = raw < (1u << 31);
	uint32_t v = neg ? (1u << 31) - raw : raw - (1u << 31);
	if (v > maxdeg * 3600000u)
		return SG_EMALFORMED;
	char b[48];
	snprintf(b, sizeof(b), "%u %u %u.%03u %c", v / 3600000, v / 60000 % 60, v / 1000 % 60,
		 v % 1000, hemi[neg]);
	w_str(w, b);
	return SG_OK;
}

static int w_loc(struct w *w, const uint8_t *p, size_t n)
{
	if (n != 16 || p[0] != 0)
		return SG_EMALFORMED;
	if (w_loc_coord(w, sg_get32(p + 4), 90, "NS") < 0)
		return SG_EMALFORMED;
	w_ch(w, ' ');
	if (w_loc_coord(w, sg_get32(p + 8), 180, "EW") < 0)
		return SG_EMALFORMED;
	int64_t alt = (int64_t)sg_get32(p + 12) - 10000000;
	uint64_t a = (uint64_t)(alt < 0 ? -alt : alt);
	char b[40];
	snprintf(b, sizeof(b), " %s%llu.%02llum", alt < 0 ? "-" : "", (unsigned long long)(a / 100),
		 (unsigned long long)(a % 100));
	w_str(w, b);
	for (int k = 1; k <= 3; k++) {
		w_ch(w, ' ');
		if (w_loc_prec(w, p[k]) < 0)
			return SG_EMALFORMED;
	}
	return SG_OK;
}

static void w_svc_key(struct w *w, uint16_t key)
{
	/* keys 7 and 8 print as keyNNN: dnspython 2.3 and BIND 9.18 do not
	 * know their mnemonics yet, and both read the generic name. */
	if (key < 7) {
		w_str(w, svc_keys[key]);
	} else {
		w_str(w, "key");
		w_u32(w, key);
	}
}

/* Is key present in the (well-formed) SvcParams? */
static bool svc_has(const uint8_t *p, size_t n, uint16_t key)
{
	for (size_t o = 0; o < n; o += 4 + (size_t)sg_get16(p + o + 2))
		if (sg_get16(p + o) == key)
			return true;
	return false;
}

/* The checks the parser makes on mandatory (RFC 9460 §8): without them the
 * text would not read back, so such RDATA prints in the \# form. */
static bool svc_mandatory_ok(const uint8_t *p, size_t n, const uint8_t *v, size_t vl)
{
	if (vl == 0 || vl % 2)
		return false;
	for (size_t k = 0; k < vl; k += 2) {
		uint16_t key = sg_get16(v + k);
		if (key == 0 || (k && key <= sg_get16(v + k - 2)) || !svc_has(p, n, key))
			return false;
	}
	return true;
}

static int w_svcparams(struct w *w, const uint8_t *p, size_t n)
{
	size_t o = 0;
	int last = -1;
	while (o < n) {
		uint16_t key = sg_get16(p + o), vl = sg_get16(p + o + 2);
		const uint8_t *v = p + o + 4;
		if ((int)key <= last || key == 65535)
			return SG_EMALFORMED;
		last = key;
		o += 4 + (size_t)vl;
		w_ch(w, ' ');
		w_svc_key(w, key);
		switch (key) {
		case 0: /* mandatory */
			if (!svc_mandatory_ok(p, n, v, vl))
				return SG_EMALFORMED;
			w_ch(w, '=');
			for (size_t k = 0; k < vl; k += 2) {
				if (k)
					w_ch(w, ',');
				w_svc_key(w, sg_get16(v + k));
			}
			break;
		case 1: /* alpn */
			if (vl == 0)
				return SG_EMALFORMED;
			w_str(w, "=\"");
			for (size_t k = 0; k < vl;) {
				size_t il = v[k];
				if (il == 0 || k + 1 + il > vl)
					return SG_EMALFORMED;
				if (k)
					w_ch(w, ',');
				w_escaped(w, v + k + 1, il, ESC_LIST | ESC_BARE);
				k += 1 + il;
			}
			w_ch(w, '"');
			break;
		case 2:
		case 8:
			if (vl)
				return SG_EMALFORMED;
			break;
		case 3:
			if (vl != 2)
				return SG_EMALFORMED;
			w_ch(w, '=');
			w_u32(w, sg_get16(v));
			break;
		case 4:
		case 6: {
			size_t al = key == 4 ? 4 : 16;
			if (vl == 0 || vl % al)
				return SG_EMALFORMED;
			w_ch(w, '=');
			for (size_t k = 0; k < vl; k += al) {
				if (k)
					w_ch(w, ',');
				w_inet(w, key == 4 ? AF_INET : AF_INET6, v + k);
			}
			break;
		}
		case 5:
			if (vl == 0)
				return SG_EMALFORMED;
			w_ch(w, '=');
			if (!w->full)
				w_enc(w, sg_base64_encode(w->p + w->o, w->cap - w->o, v, vl));
			break;
		default:
			if (vl) {
				w_str(w, "=\"");
				w_escaped(w, v, vl, ESC_BARE);
				w_ch(w, '"');
			}
		}
	}
	return SG_OK;
}

static int w_bitmap(struct w *w, const uint8_t *p, size_t n)
{
	char tb[16];
	bool first = true;
	for (size_t o = 0; o < n; o += 2 + (size_t)p[o + 1]) {
		unsigned win = p[o], len = p[o + 1];
		/* RFC 4034 §4.1.2: trailing zero octets are omitted; a bitmap
		 * that keeps them would not read back the same (and its
		 * signature would break), so it stays in the \# form */
		if (p[o + 1 + len] == 0)
			return SG_EMALFORMED;
		for (unsigned i = 0; i < len * 8; i++) {
			if (!(p[o + 2 + i / 8] & (0x80 >> (i % 8))))
				continue;
			if (!first)
				w_ch(w, ' ');
			first = false;
			w_str(w, sg_type_name((uint16_t)(win << 8 | i), tb));
		}
	}
	return SG_OK;
}

/* Prints one field of n octets at p. SG_EMALFORMED means the value has no
 * presentation form, and the caller falls back to the \# form. */
static int print_field(struct w *w, uint8_t kind, const uint8_t *p, size_t n)
{
	char b[64];
	switch (kind) {
	case SG_F_U8:
	case SG_F_ALG:
		w_u32(w, p[0]);
		return SG_OK;
	case SG_F_U16:
		w_u32(w, sg_get16(p));
		return SG_OK;
	case SG_F_U32:
	case SG_F_PERIOD:
		w_u32(w, sg_get32(p));
		return SG_OK;
	case SG_F_TIME:
		if (sg_time_format(b, sizeof(b), sg_get32(p)) < 0)
			return SG_EMALFORMED;
		w_str(w, b);
		return SG_OK;
	case SG_F_TYPE: {
		char tb[16];
		w_str(w, sg_type_name(sg_get16(p), tb));
		return SG_OK;
	}
	case SG_F_CERTTYPE: {
		uint16_t v = sg_get16(p);
		for (size_t k = 0; k < sizeof(cert_types) / sizeof(cert_types[0]); k++)
			if (cert_types[k].v == v) {
				w_str(w, cert_types[k].name);
				return SG_OK;
			}
		w_u32(w, v);
		return SG_OK;
	}
	case SG_F_A: /* by hand: glibc's inet_ntop goes through sprintf */
		for (int k = 0; k < 4; k++) {
			if (k)
				w_ch(w, '.');
			w_u32(w, p[k]);
		}
		return SG_OK;
	case SG_F_AAAA:
		w_inet(w, AF_INET6, p);
		return SG_OK;
	case SG_F_EUI48:
	case SG_F_EUI64:
		for (size_t k = 0; k < n; k++) {
			if (k)
				w_ch(w, '-');
			w_hex(w, p + k, 1, false);
		}
		return SG_OK;
	case SG_F_ILNP64:
		for (size_t k = 0; k < 8; k += 2) {
			if (k)
				w_ch(w, ':');
			w_hex(w, p + k, 2, false);
		}
		return SG_OK;
	case SG_F_NAME:
		if (!w->full)
			w_enc(w, sg_name_to_text(w->p + w->o, w->cap - w->o, p));
		return SG_OK;
	case SG_F_STR:
		w_quoted(w, p + 1, p[0]);
		return SG_OK;
	case SG_F_STRS:
		for (size_t o = 0; o < n; o += 1 + (size_t)p[o]) {
			if (o)
				w_ch(w, ' ');
			w_quoted(w, p + o + 1, p[o]);
		}
		return SG_OK;
	case SG_F_TAG:
		for (size_t k = 1; k < n; k++) {
			uint8_t ch = p[k];
			if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			      (ch >= '0' && ch <= '9')))
				return SG_EMALFORMED;
		}
		w_mem(w, (const char *)p + 1, n - 1);
		return SG_OK;
	case SG_F_REST:
		w_quoted(w, p, n);
		return SG_OK;
	case SG_F_B64:
		if (n == 0)
			return SG_EMALFORMED;
		if (!w->full)
			w_enc(w, sg_base64_encode(w->p + w->o, w->cap - w->o, p, n));
		return SG_OK;
	case SG_F_HEX:
		if (n == 0)
			return SG_EMALFORMED;
		w_hex(w, p, n, true);
		return SG_OK;
	case SG_F_SALT:
		if (p[0] == 0)
			w_ch(w, '-');
		else
			w_hex(w, p + 1, p[0], true);
		return SG_OK;
	case SG_F_B32:
		if (!w->full) {
			size_t at = w->o;
			w_enc(w, sg_base32hex_encode(w->p + w->o, w->cap - w->o, p + 1, p[0]));
			for (size_t k = at; !w->full && k < w->o; k++)
				if (w->p[k] >= 'a' && w->p[k] <= 'z')
					w->p[k] = (char)(w->p[k] - 32);
		}
		return SG_OK;
	case SG_F_BITMAP:
		return w_bitmap(w, p, n);
	case SG_F_LOC:
		return w_loc(w, p, n);
	case SG_F_SVCPARAMS:
		return w_svcparams(w, p, n);
	}
	return SG_EMALFORMED; /* SG_F_OPTS and anything new: generic form */
}

/* Fields that print nothing when empty take no separating space. */
static bool prints_empty(uint8_t kind, size_t n)
{
	return n == 0 && (kind == SG_F_BITMAP || kind == SG_F_SVCPARAMS);
}

static void w_rdata(struct w *w, uint16_t type, const uint8_t *rdata, size_t rdlen, unsigned flags)
{
	const sg_rrtype_desc_t *d = sg_rrtype_desc(type);
	size_t start = w->o;
	if ((flags & SG_TEXT_GENERIC) || !d || d->fields[0] == SG_F_END ||
	    sg_rdata_check(type, rdata, rdlen) != SG_OK)
		goto generic;
	size_t o = 0;
	for (const uint8_t *f = d->fields; *f != SG_F_END; f++) {
		int n = sg_rdata_field_len(*f, rdata + o, rdlen - o);
		if (n < 0)
			goto generic;
		/* SVCB params carry their own leading space */
		if (f != d->fields && !prints_empty(*f, (size_t)n) && *f != SG_F_SVCPARAMS)
			w_ch(w, ' ');
		if (print_field(w, *f, rdata + o, (size_t)n) < 0)
			goto generic;
		o += (size_t)n;
	}
	return;
generic:
	w->o = start;
	w->full = false;
	w_generic(w, rdata, rdlen);
}

static int w_finish(struct w *w)
{
	if (w->full || w->o >= w->cap) {
		if (w->cap)
			w->p[0] = 0;
		return SG_ESPACE;
	}
	w->p[w->o] = 0;
	return (int)w->o;
}

int sg_rdata_to_text(char *dst, size_t cap, uint16_t type, const uint8_t *rdata, size_t rdlen,
		     unsigned flags)
{
	struct w w = {dst, cap, 0, false};
	w_rdata(&w, type, rdata, rdlen, flags);
	return w_finish(&w);
}

int sg_rr_to_text(char *dst, size_t cap, const uint8_t *owner, uint32_t ttl, uint16_t rclass,
		  uint16_t type, const uint8_t *rdata, size_t rdlen, unsigned flags)
{
	struct w w = {dst, cap, 0, false};
	char b[16];
	w_enc(&w, sg_name_to_text(dst, cap, owner));
	w_ch(&w, '\t');
	w_u32(&w, ttl);
	w_ch(&w, '\t');
	w_str(&w, sg_class_name(rclass, b));
	w_ch(&w, '\t');
	w_str(&w, sg_type_name(type, b));
	w_ch(&w, '\t');
	if (!w.full)
		w_rdata(&w, type, rdata, rdlen, flags);
	return w_finish(&w);
}
