/* BIND key files: K<zone>+<alg>+<tag>.key (a DNSKEY record line after
 * comments) and .private ("Private-key-format: v1.3" and one "Field: value"
 * per line), read and written so keys move between signet, BIND and ldns. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "signet/dnssec.h"
#include "signet/rr.h"
#include "signet/util.h"

#define KEYFILE_MAX (64 * 1024)
#define PATH_CAP 4096

__attribute__((format(printf, 3, 4))) static void errf(char *err, size_t cap, const char *fmt, ...)
{
	if (!err || !cap)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, cap, fmt, ap);
	va_end(ap);
}

/* ---- names ---------------------------------------------------------------- */

int sg_keyfile_basename(char *dst, size_t cap, const uint8_t *owner, uint8_t alg, uint16_t tag)
{
	char zone[SG_NAME_TEXT_MAX];
	uint8_t lower[SG_NAME_MAX];
	sg_name_copy(lower, owner);
	sg_name_lower(lower); /* BIND names files after the lowercased zone */
	if (sg_name_to_text(zone, sizeof(zone), lower) < 0)
		return SG_ESPACE;
	int n = snprintf(dst, cap, "K%s+%03u+%05u", zone, alg, tag);
	return n < 0 || (size_t)n >= cap ? SG_ESPACE : n;
}

/* ---- reading ----------------------------------------------------------------- */

typedef struct tok {
	const char *p;
	size_t len;
} tok_t;

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int sg_keyfile_parse_public(sg_dnskey_t *k, const char *text, size_t len, const char *name, char *err,
			    size_t errcap)
{
	k->key = NULL; /* nothing to release on failure */
	/* Collect the tokens of the first record: comments stripped, a record
	 * ends at a newline outside parentheses. */
	tok_t t[64];
	size_t nt = 0;
	int paren = 0;
	unsigned line = 1, rec_line = 0;
	for (size_t i = 0; i < len;) {
		char c = text[i];
		if (c == '\n') {
			line++;
			i++;
			if (nt > 0 && paren == 0)
				break;
			continue;
		}
		if (is_space(c)) {
			i++;
			continue;
		}
		if (c == ';') {
			while (i < len && text[i] != '\n')
				i++;
			continue;
		}
		if (c == '(' || c == ')') {
			paren += c == '(' ? 1 : -1;
			if (paren < 0 || paren > 1) {
				errf(err, errcap, "%s:%u: unbalanced parentheses", name, line);
				return SG_ESYNTAX;
			}
			i++;
			continue;
		}
		size_t s = i;
		while (i < len && !is_space(text[i]) && text[i] != ';' && text[i] != '(' && text[i] != ')')
			i++;
		if (nt == sizeof(t) / sizeof(t[0])) {
			errf(err, errcap, "%s:%u: record has too many fields", name, line);
			return SG_ESYNTAX;
		}
		if (nt == 0)
			rec_line = line;
		t[nt].p = text + s;
		t[nt].len = i - s;
		nt++;
	}
	if (nt == 0) {
		errf(err, errcap, "%s: no DNSKEY record in the file", name);
		return SG_ESYNTAX;
	}
	uint8_t owner[SG_NAME_MAX];
	size_t ol;
	if (sg_name_from_text(owner, &ol, t[0].p, t[0].len, NULL) < 0) {
		errf(err, errcap, "%s:%u: bad or relative owner name \"%.*s\"", name, rec_line, (int)t[0].len,
		     t[0].p);
		return SG_ESYNTAX;
	}
	size_t i = 1;
	uint32_t ttl = 0;
	uint16_t type = 0, cls;
	for (int pass = 0; pass < 2 && i < nt; pass++) {
		if (t[i].p[0] >= '0' && t[i].p[0] <= '9') {
			if (sg_parse_ttl(&ttl, t[i].p, t[i].len) < 0) {
				errf(err, errcap, "%s:%u: bad TTL \"%.*s\"", name, rec_line, (int)t[i].len, t[i].p);
				return SG_ESYNTAX;
			}
			i++;
		} else if (sg_class_from_text(&cls, t[i].p, t[i].len) == SG_OK) {
			if (cls != SG_C_IN) {
				errf(err, errcap, "%s:%u: class must be IN", name, rec_line);
				return SG_ESYNTAX;
			}
			i++;
		}
	}
	if (i >= nt || sg_type_from_text(&type, t[i].p, t[i].len) < 0 || type != SG_T_DNSKEY) {
		errf(err, errcap, "%s:%u: expected a DNSKEY record", name, rec_line);
		return SG_ESYNTAX;
	}
	i++;
	if (nt - i < 4) {
		errf(err, errcap, "%s:%u: DNSKEY needs flags, protocol, algorithm and key", name, rec_line);
		return SG_ESYNTAX;
	}
	uint32_t flags, proto;
	uint8_t alg;
	if (sg_parse_u32(&flags, t[i].p, t[i].len, 65535) < 0 ||
	    sg_parse_u32(&proto, t[i + 1].p, t[i + 1].len, 255) < 0 ||
	    sg_alg_from_text(&alg, t[i + 2].p, t[i + 2].len) < 0) {
		errf(err, errcap, "%s:%u: bad DNSKEY flags, protocol or algorithm", name, rec_line);
		return SG_ESYNTAX;
	}
	char b64[SG_PUBKEY_MAX * 2];
	size_t bl = 0;
	for (i += 3; i < nt; i++) {
		if (bl + t[i].len >= sizeof(b64)) {
			errf(err, errcap, "%s:%u: public key too long", name, rec_line);
			return SG_ESYNTAX;
		}
		memcpy(b64 + bl, t[i].p, t[i].len);
		bl += t[i].len;
	}
	uint8_t rdata[SG_DNSKEY_RDATA_MAX];
	rdata[0] = (uint8_t)(flags >> 8);
	rdata[1] = (uint8_t)flags;
	rdata[2] = (uint8_t)proto;
	rdata[3] = alg;
	int n = sg_base64_decode(rdata + 4, sizeof(rdata) - 4, b64, bl);
	if (n <= 0) {
		errf(err, errcap, "%s:%u: bad base64 in the public key", name, rec_line);
		return SG_ESYNTAX;
	}
	char kerr[200];
	kerr[0] = 0;
	int r = sg_dnskey_init_rdata(k, owner, rdata, 4 + (size_t)n, kerr, sizeof(kerr));
	if (r < 0) {
		errf(err, errcap, "%s:%u: %s", name, rec_line, kerr);
		return r;
	}
	k->ttl = ttl;
	return SG_OK;
}

static const struct {
	const char *name;
	size_t off;
} time_fields[] = {
	{"Created", offsetof(sg_key_times_t, created)},
	{"Publish", offsetof(sg_key_times_t, publish)},
	{"Activate", offsetof(sg_key_times_t, activate)},
	{"Revoke", offsetof(sg_key_times_t, revoke)},
	{"Inactive", offsetof(sg_key_times_t, inactive)},
	{"Delete", offsetof(sg_key_times_t, remove)},
	{"SyncPublish", offsetof(sg_key_times_t, sync_publish)},
	{"SyncDelete", offsetof(sg_key_times_t, sync_delete)},
};

static bool tok_is(const char *p, size_t len, const char *s)
{
	return strlen(s) == len && strncasecmp(p, s, len) == 0;
}

int sg_keyfile_parse_private(sg_key_t **out, uint8_t *algp, sg_key_times_t *times, const char *text, size_t len,
			     const char *name, char *err, size_t errcap)
{
	sg_key_material_t *m = calloc(1, sizeof(*m));
	if (!m)
		return SG_ENOMEM;
	sg_key_times_t tm = {0};
	bool have_fmt = false, have_alg = false;
	uint8_t alg = 0;
	int r = SG_ESYNTAX;
	unsigned line = 0;
	for (size_t i = 0; i < len;) {
		size_t s = i;
		while (i < len && text[i] != '\n')
			i++;
		size_t e = i;
		if (i < len)
			i++;
		line++;
		while (s < e && is_space(text[s]))
			s++;
		while (e > s && is_space(text[e - 1]))
			e--;
		if (s == e || text[s] == ';' || text[s] == '#')
			continue;
		const char *colon = memchr(text + s, ':', e - s);
		if (!colon) {
			errf(err, errcap, "%s:%u: expected \"Field: value\"", name, line);
			goto out;
		}
		const char *key = text + s;
		size_t kl = (size_t)(colon - key);
		const char *val = colon + 1;
		while (val < text + e && is_space(*val))
			val++;
		size_t vl = (size_t)(text + e - val);
		if (tok_is(key, kl, "Private-key-format")) {
			if (vl < 3 || val[0] != 'v' || val[1] != '1' || val[2] != '.') {
				errf(err, errcap, "%s:%u: unsupported Private-key-format \"%.*s\"", name, line,
				     (int)vl, val);
				r = SG_EUNSUP;
				goto out;
			}
			have_fmt = true;
			continue;
		}
		if (tok_is(key, kl, "Algorithm")) {
			size_t dl = 0;
			while (dl < vl && val[dl] >= '0' && val[dl] <= '9')
				dl++;
			uint32_t v;
			if (sg_parse_u32(&v, val, dl, 255) < 0) {
				errf(err, errcap, "%s:%u: bad Algorithm \"%.*s\"", name, line, (int)vl, val);
				goto out;
			}
			alg = (uint8_t)v;
			have_alg = true;
			continue;
		}
		int field = -1;
		for (int f = 0; f < SG_KF_COUNT; f++)
			if (tok_is(key, kl, sg_key_field_name(f)))
				field = f;
		if (field >= 0) {
			if (m->len[field]) {
				errf(err, errcap, "%s:%u: %s given twice", name, line, sg_key_field_name(field));
				goto out;
			}
			int n = sg_base64_decode(m->data[field], SG_KF_FIELD_MAX, val, vl);
			if (n <= 0) {
				errf(err, errcap, "%s:%u: bad base64 in %s", name, line, sg_key_field_name(field));
				goto out;
			}
			m->len[field] = (uint16_t)n;
			continue;
		}
		for (size_t f = 0; f < sizeof(time_fields) / sizeof(time_fields[0]); f++) {
			if (!tok_is(key, kl, time_fields[f].name))
				continue;
			int64_t t;
			if (sg_time_parse(&t, val, vl) < 0) {
				errf(err, errcap, "%s:%u: bad %s time \"%.*s\"", name, line, time_fields[f].name,
				     (int)vl, val);
				goto out;
			}
			*(int64_t *)((char *)&tm + time_fields[f].off) = t;
		}
		/* other fields (BIND's Engine, Label, Lifetime ...) are ignored */
	}
	if (!have_fmt || !have_alg) {
		errf(err, errcap, "%s: not a private key file (no %s line)", name,
		     have_fmt ? "Algorithm" : "Private-key-format");
		goto out;
	}
	char kerr[200];
	kerr[0] = 0;
	r = sg_key_from_material(out, alg, m, kerr, sizeof(kerr));
	if (r < 0) {
		errf(err, errcap, "%s: %s", name, kerr);
		goto out;
	}
	*algp = alg;
	if (times)
		*times = tm;
out:
	memset(m, 0, sizeof(*m));
	free(m);
	return r;
}

static int read_file(char **out, size_t *len, const char *path, char *err, size_t errcap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		errf(err, errcap, "%s: %s", path, strerror(errno));
		return errno == ENOENT ? SG_ENOTFOUND : SG_EIO;
	}
	char *buf = malloc(KEYFILE_MAX);
	size_t n = 0;
	int r = SG_ENOMEM;
	if (!buf)
		goto out;
	for (;;) {
		if (n == KEYFILE_MAX) {
			errf(err, errcap, "%s: larger than %d octets, not a key file", path, KEYFILE_MAX);
			r = SG_ESYNTAX;
			goto out;
		}
		ssize_t g = read(fd, buf + n, KEYFILE_MAX - n);
		if (g < 0 && errno == EINTR)
			continue;
		if (g < 0) {
			errf(err, errcap, "%s: %s", path, strerror(errno));
			r = SG_EIO;
			goto out;
		}
		if (g == 0)
			break;
		n += (size_t)g;
	}
	*out = buf;
	*len = n;
	buf = NULL;
	r = SG_OK;
out:
	free(buf);
	close(fd);
	return r;
}

static bool ends_with(const char *s, size_t n, const char *suf)
{
	size_t l = strlen(suf);
	return n >= l && memcmp(s + n - l, suf, l) == 0;
}

int sg_keyfile_read(sg_dnskey_t *k, const char *path, const uint8_t *zone, unsigned flags, char *err,
		    size_t errcap)
{
	char base[PATH_CAP], kpath[PATH_CAP + 16], ppath[PATH_CAP + 16];
	size_t bl = strlen(path);
	k->key = NULL;
	if (ends_with(path, bl, ".key"))
		bl -= 4;
	else if (ends_with(path, bl, ".private"))
		bl -= 8;
	if (bl >= sizeof(base)) {
		errf(err, errcap, "key file path too long");
		return SG_EINVAL;
	}
	memcpy(base, path, bl);
	base[bl] = 0;
	snprintf(kpath, sizeof(kpath), "%s.key", base);
	snprintf(ppath, sizeof(ppath), "%s.private", base);

	char *text = NULL;
	size_t len;
	sg_key_t *priv = NULL;
	int r = read_file(&text, &len, kpath, err, errcap);
	if (r < 0)
		return r;
	r = sg_keyfile_parse_public(k, text, len, kpath, err, errcap);
	free(text);
	text = NULL;
	if (r < 0)
		return r;
	if (zone && !sg_name_equal(zone, k->owner)) {
		char a[SG_NAME_TEXT_MAX], b[SG_NAME_TEXT_MAX];
		(void)sg_name_to_text(a, sizeof(a), k->owner);
		(void)sg_name_to_text(b, sizeof(b), zone);
		errf(err, errcap, "%s: key belongs to zone %s, not %s", kpath, a, b);
		r = SG_EZONE;
		goto fail;
	}
	if (flags & SG_KEYFILE_PUBLIC_ONLY)
		return SG_OK;

	if ((r = read_file(&text, &len, ppath, err, errcap)) < 0)
		goto fail;
	uint8_t alg;
	r = sg_keyfile_parse_private(&priv, &alg, &k->times, text, len, ppath, err, errcap);
	memset(text, 0, len);
	free(text);
	if (r < 0)
		goto fail;
	if (alg != k->alg) {
		errf(err, errcap, "%s: algorithm %u does not match the public key's algorithm %u", ppath, alg, k->alg);
		r = SG_EMALFORMED;
		goto fail;
	}
	uint8_t pub[SG_PUBKEY_MAX];
	size_t pl;
	r = sg_key_to_dnskey(pub, sizeof(pub), &pl, priv);
	if (r < 0)
		goto fail;
	if (pl != (size_t)k->rdlen - 4 || memcmp(pub, k->rdata + 4, pl) != 0) {
		errf(err, errcap, "%s: private key does not match the public key in %s", ppath, kpath);
		r = SG_EMALFORMED;
		goto fail;
	}
	sg_key_free(k->key);
	k->key = priv;
	return SG_OK;
fail:
	sg_key_free(priv);
	sg_dnskey_deinit(k);
	return r;
}

/* ---- writing --------------------------------------------------------------------- */

static int write_all(const char *path, int mode, const sg_buf_t *b, char *err, size_t errcap)
{
	/* O_EXCL: never overwrite a key; the mode applies from creation on, so
	 * a .private file is never readable by others, even briefly */
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0) {
		errf(err, errcap, "%s: %s", path, strerror(errno));
		return errno == EEXIST ? SG_EEXIST : SG_EIO;
	}
	size_t o = 0;
	while (o < b->len) {
		ssize_t w = write(fd, b->data + o, b->len - o);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			errf(err, errcap, "%s: %s", path, strerror(errno));
			close(fd);
			unlink(path);
			return SG_EIO;
		}
		o += (size_t)w;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		errf(err, errcap, "%s: %s", path, strerror(errno));
		unlink(path);
		return SG_EIO;
	}
	return SG_OK;
}

static int put_times(sg_buf_t *b, const sg_key_times_t *t, const char *prefix)
{
	for (size_t f = 0; f < sizeof(time_fields) / sizeof(time_fields[0]); f++) {
		int64_t v = *(const int64_t *)((const char *)t + time_fields[f].off);
		if (!v)
			continue;
		char ts[16];
		if (sg_time_format(ts, sizeof(ts), v) < 0)
			return SG_ERANGE;
		int r = sg_buf_printf(b, "%s%s: %s\n", prefix, time_fields[f].name, ts);
		if (r < 0)
			return r;
	}
	return SG_OK;
}

static int b64_field(sg_buf_t *b, const char *name, const uint8_t *p, size_t len)
{
	char enc[SG_KF_FIELD_MAX * 2];
	if (sg_base64_encode(enc, sizeof(enc), p, len) < 0)
		return SG_ESPACE;
	return sg_buf_printf(b, "%s: %s\n", name, enc);
}

int sg_keyfile_write(const sg_dnskey_t *k, const char *dir, char *base, size_t basecap, char *err, size_t errcap)
{
	if (!k->key || !sg_key_has_private(k->key)) {
		errf(err, errcap, "key %u has no private part to write", k->tag);
		return SG_EINVAL;
	}
	char bn[SG_NAME_TEXT_MAX + 32], kpath[PATH_CAP + 16], ppath[PATH_CAP + 16];
	if (sg_keyfile_basename(bn, sizeof(bn), k->owner, k->alg, k->tag) < 0)
		return SG_ESPACE;
	int n = snprintf(base, basecap, "%s/%s", dir, bn);
	if (n < 0 || (size_t)n >= basecap || (size_t)n >= PATH_CAP) {
		errf(err, errcap, "key file path too long");
		return SG_ESPACE;
	}
	snprintf(kpath, sizeof(kpath), "%s.key", base);
	snprintf(ppath, sizeof(ppath), "%s.private", base);

	const sg_alg_info_t *ai = sg_alg_info(k->alg);
	char zone[SG_NAME_TEXT_MAX];
	char b64[SG_PUBKEY_MAX * 2];
	sg_buf_t pub, priv;
	sg_buf_init(&pub, KEYFILE_MAX);
	sg_buf_init(&priv, KEYFILE_MAX);
	sg_key_material_t *m = calloc(1, sizeof(*m));
	int r = SG_ENOMEM;
	if (!m)
		goto out;
	if ((r = sg_key_to_material(m, k->key)) < 0) {
		errf(err, errcap, "cannot export the private key");
		goto out;
	}
	r = SG_ESPACE;
	if (sg_name_to_text(zone, sizeof(zone), k->owner) < 0 ||
	    sg_base64_encode(b64, sizeof(b64), k->rdata + 4, (size_t)k->rdlen - 4) < 0)
		goto out;

	/* .key */
	if ((r = sg_buf_printf(&pub, "; This is a %s key, keyid %u, for %s\n",
			       (k->flags & SG_DNSKEY_SEP) ? "key-signing" : "zone-signing", k->tag, zone)) < 0 ||
	    (r = put_times(&pub, &k->times, "; ")) < 0)
		goto out;
	if (k->ttl)
		r = sg_buf_printf(&pub, "%s %u IN DNSKEY %u %u %u %s\n", zone, k->ttl, k->flags, k->protocol,
				  k->alg, b64);
	else
		r = sg_buf_printf(&pub, "%s IN DNSKEY %u %u %u %s\n", zone, k->flags, k->protocol, k->alg, b64);
	if (r < 0)
		goto out;

	/* .private */
	if ((r = sg_buf_printf(&priv, "Private-key-format: v1.3\nAlgorithm: %u (%s)\n", k->alg,
			       ai ? ai->mnemonic : "?")) < 0)
		goto out;
	for (int f = 0; f < SG_KF_COUNT; f++)
		if (m->len[f] && (r = b64_field(&priv, sg_key_field_name(f), m->data[f], m->len[f])) < 0)
			goto out;
	if ((r = put_times(&priv, &k->times, "")) < 0)
		goto out;

	if ((r = write_all(ppath, 0600, &priv, err, errcap)) < 0)
		goto out;
	if ((r = write_all(kpath, 0644, &pub, err, errcap)) < 0) {
		unlink(ppath);
		goto out;
	}
	r = SG_OK;
out:
	if (priv.data)
		memset(priv.data, 0, priv.cap);
	if (m)
		memset(m, 0, sizeof(*m));
	free(m);
	sg_buf_deinit(&pub);
	sg_buf_deinit(&priv);
	return r;
}
