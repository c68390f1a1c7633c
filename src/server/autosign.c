/* signetd — the zone manager and automatic signer. See autosign.h and
 * docs/internals/server.md.
 *
 * Serial policy: a signed zone's SOA serial is max(file serial, unix time,
 * previous served serial + 1) in RFC 1982 serial arithmetic, so it grows
 * on every (re-)sign, also across restarts. A zone served as it is keeps
 * the serial of its file.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "server/autosign.h"
#include "signet/msg.h"
#include "signet/rr.h"
#include "signet/sign.h"
#include "signet/zonefile.h"

#define MAX_KEYS 64

/* One zone as the manager holds it. Touched by the manager only. */
typedef struct zstate {
	const cfg_zone_t *zc;
	sg_authzone_t *az; /* the version served */
	sg_zone_t *src;    /* the unsigned source, for re-signing (NULL: served as is) */
	uint32_t serial;
	int64_t resign_at; /* 0: never */
	int64_t expires;   /* earliest RRSIG expiration served (0: unsigned) */
	bool notify;       /* a new version to announce */
	char error[1024];  /* why the last load failed ("": it did not) */
} zstate_t;

static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop, reload, running;
	pthread_t thread;
	cfg_t *cfg;
	zstate_t *zones;
	size_t n;
	zm_config_fn reload_config;
	char *status; /* under mu */
	/* reload tickets: requested, finished (both under mu) and the
	 * finished one's result text (under mu) */
	uint64_t reload_req, reload_done;
	char *reload_text;
} zm = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

static void zstate_clear(zstate_t *s)
{
	if (s->az)
		sg_authzone_unref(s->az);
	sg_zone_free(s->src);
	memset(s, 0, sizeof(*s));
}

/* ---- reading the zone file -------------------------------------------------- */

struct loadctx {
	sg_zone_builder_t *b;
	bool sign; /* drop RRSIG/NSEC/NSEC3/NSEC3PARAM: they are made anew */
	unsigned errors;
	char first[512];
	int rc;
};

static void load_error(void *ctx, const char *file, unsigned line, const char *msg)
{
	struct loadctx *l = ctx;
	if (l->errors++ == 0)
		snprintf(l->first, sizeof(l->first), "%s:%u: %s", file ? file : "?", line, msg);
}

static int load_record(void *ctx, const sg_rr_t *rr, const char *file, unsigned line)
{
	struct loadctx *l = ctx;
	if (l->sign && !sg_sign_keeps_type(rr->type))
		return SG_OK;
	int r = sg_zone_builder_add(l->b, rr, file, line);
	if (r < 0)
		l->rc = r;
	return r;
}

static void problem_text(char *err, size_t cap, const cfg_zone_t *zc, const sg_zone_problem_t *p)
{
	char owner[SG_NAME_TEXT_MAX] = "";
	if (p->owner)
		sg_name_to_text(owner, sizeof(owner), p->owner);
	snprintf(err, cap, "%s:%u: %s%s%s", p->file ? p->file : zc->file, p->line, owner,
	         owner[0] ? ": " : "", p->msg);
}

/* Reads and checks the zone file. Returns 0 or -1 with err set. */
static int read_zone(sg_zone_t **out, const cfg_zone_t *zc, bool sign, char *err, size_t errcap)
{
	struct loadctx l = {.sign = sign};
	l.b = sg_zone_builder_new(zc->origin);
	if (!l.b) {
		snprintf(err, errcap, "%s: out of memory", zc->file);
		return -1;
	}
	sg_zparse_opts_t po = {
	        .origin = zc->origin, .error = load_error, .record = load_record, .ctx = &l};
	int r = sg_zonefile_parse(zc->file, &po, NULL);
	if (l.errors || r < 0) {
		if (l.errors)
			snprintf(err, errcap, "%s (%u error%s in the zone file)", l.first, l.errors,
			         l.errors == 1 ? "" : "s");
		else
			snprintf(err, errcap, "%s: %s", zc->file, sg_strerror(l.rc < 0 ? l.rc : r));
		sg_zone_builder_free(l.b);
		return -1;
	}
	sg_zone_report_t *rep = sg_zone_report_new();
	sg_zone_t *z = NULL;
	r = sg_zone_build(&z, l.b, rep);
	if (r == SG_OK)
		r = sg_zone_check(z, rep);
	if (r < 0 || (rep && sg_zone_report_errors(rep))) {
		snprintf(err, errcap, "%s: %s", zc->file,
		         r < 0 ? sg_strerror(r) : "zone not valid");
		for (size_t i = 0; rep && i < sg_zone_report_count(rep); i++) {
			const sg_zone_problem_t *p = sg_zone_report_get(rep, i);
			if (p->severity == SG_ZSEV_ERROR) {
				problem_text(err, errcap, zc, p);
				break;
			}
		}
		sg_zone_report_free(rep);
		sg_zone_free(z);
		return -1;
	}
	sg_zone_report_free(rep);
	*out = z;
	return 0;
}

/* ---- keys ------------------------------------------------------------------ */

static void log_ds(const cfg_zone_t *zc, const sg_dnskey_t *k)
{
	uint8_t ds[4 + 64];
	size_t dl;
	char name[SG_NAME_TEXT_MAX], text[256];
	if (sg_ds_from_dnskey(ds, sizeof(ds), &dl, SG_DS_SHA256, k->owner, k->rdata, k->rdlen) < 0)
		return;
	if (sg_rdata_to_text(text, sizeof(text), SG_T_DS, ds, dl, 0) < 0)
		return;
	sg_name_to_text(name, sizeof(name), k->owner);
	/* The DS line exactly as `signet ds` prints it, for the parent. */
	sd_log("zone %s: DS for the parent: %s\tIN\tDS\t%s", zc->name, name, text);
}

/* Creates a KSK and a ZSK in the key directory. Returns 0 or -1. */
static int create_keys(const cfg_zone_t *zc, int64_t now, char *err, size_t errcap)
{
	static const uint16_t flags[2] = {SG_DNSKEY_ZONE | SG_DNSKEY_SEP, SG_DNSKEY_ZONE};
	sg_dnskey_t k[2];
	char base[2][4096];
	int made = 0, rc = -1;
	if (mkdir(zc->key_dir, 0700) < 0 && errno != EEXIST) {
		snprintf(err, errcap, "%s: cannot create key directory: %s", zc->key_dir,
		         strerror(errno));
		return -1;
	}
	for (; made < 2; made++) {
		if (sg_dnskey_generate(&k[made], zc->origin, SG_ALG_DEFAULT, 0, flags[made], err,
		                       errcap) < 0)
			goto out;
		k[made].times.created = k[made].times.publish = k[made].times.activate = now;
	}
	for (int i = 0; i < 2; i++) {
		if (sg_keyfile_write(&k[i], zc->key_dir, base[i], sizeof(base[i]), err, errcap) < 0)
			goto out;
	}
	sd_log("zone %s: no keys in %s: created KSK %u and ZSK %u (ECDSAP256SHA256)", zc->name,
	       zc->key_dir, k[0].tag, k[1].tag);
	log_ds(zc, &k[0]);
	rc = 0;
out:
	for (int i = 0; i < made; i++)
		sg_dnskey_deinit(&k[i]);
	return rc;
}

/* ---- signing ------------------------------------------------------------------- */

static int emit_to_builder(void *ctx, const sg_rr_t *rr)
{
	return sg_zone_builder_add(ctx, rr, NULL, 0);
}

/* Copies the source records into b with the SOA serial replaced. */
static int copy_source(sg_zone_builder_t *b, const sg_zone_t *src, uint32_t serial)
{
	uint8_t soa[SG_RDATA_MAX];
	size_t nn = sg_zone_node_count(src);
	for (size_t i = 0; i < nn; i++) {
		const sg_zone_node_t *n = sg_zone_node(src, i);
		const uint8_t *owner = sg_zone_node_name(src, n);
		size_t nr = sg_zone_node_rrset_count(n);
		for (size_t j = 0; j < nr; j++) {
			const sg_zone_rrset_t *rs = sg_zone_node_rrset(src, n, j);
			sg_rr_t rr = {.owner = owner,
			              .type = sg_zone_rrset_type(rs),
			              .rclass = sg_zone_class(src),
			              .ttl = sg_zone_rrset_ttl(rs)};
			for (size_t k = 0; k < sg_zone_rrset_count(rs); k++) {
				rr.rdata = sg_zone_rrset_rdata(src, rs, k, &rr.rdlen);
				if (rr.type == SG_T_SOA && (sg_zone_node_flags(n) & SG_ZN_APEX)) {
					/* MNAME and RNAME, then the serial (RFC 1035 §3.3.13). */
					size_t off = sg_name_len(rr.rdata);
					off += sg_name_len(rr.rdata + off);
					if (off + 20 > rr.rdlen)
						return SG_EMALFORMED;
					memcpy(soa, rr.rdata, rr.rdlen);
					soa[off] = (uint8_t)(serial >> 24);
					soa[off + 1] = (uint8_t)(serial >> 16);
					soa[off + 2] = (uint8_t)(serial >> 8);
					soa[off + 3] = (uint8_t)serial;
					rr.rdata = soa;
				}
				int r = sg_zone_builder_add(b, &rr, NULL, 0);
				if (r < 0)
					return r;
			}
		}
	}
	return SG_OK;
}

/* Signs st->src into st->az with a serial above prev_serial (when
 * have_prev). Returns 0 or -1 with err set. */
static int sign_zone(zstate_t *st, bool have_prev, uint32_t prev_serial, int64_t now, char *err,
                     size_t errcap)
{
	const cfg_zone_t *zc = st->zc;
	sg_dnskey_t keys[MAX_KEYS];
	bool active[MAX_KEYS];
	struct stat sb;
	int nk = 0; /* no directory yet: create_keys makes it */
	if (stat(zc->key_dir, &sb) == 0 || errno != ENOENT)
		nk = sg_keydir_find(keys, active, MAX_KEYS, zc->key_dir, zc->origin, now, err,
		                    errcap);
	if (nk == 0) {
		if (create_keys(zc, now, err, errcap) < 0)
			return -1;
		nk = sg_keydir_find(keys, active, MAX_KEYS, zc->key_dir, zc->origin, now, err,
		                    errcap);
	}
	if (nk < 0)
		return -1;
	int rc = -1;
	sg_zone_t *z1 = NULL, *z2 = NULL;
	sg_zone_builder_t *b = NULL;
	const sg_dnskey_t *all[MAX_KEYS], *signers[MAX_KEYS];
	size_t nsigners = 0;
	for (int i = 0; i < nk; i++) {
		all[i] = &keys[i];
		if (active[i])
			signers[nsigners++] = &keys[i];
	}
	if (nsigners == 0) {
		snprintf(err, errcap, "%s: no active keys for %s", zc->key_dir, zc->name);
		goto out;
	}

	uint32_t file_serial = 0, serial = (uint32_t)now;
	if (sg_zone_serial(st->src, &file_serial) == SG_OK && sg_serial_lt(serial, file_serial))
		serial = file_serial;
	if (have_prev && !sg_serial_lt(prev_serial, serial))
		serial = prev_serial + 1;

	uint32_t validity = zc->validity;
	uint32_t refresh = zc->refresh ? zc->refresh : validity / 4;
	uint32_t jitter = zc->jitter ? zc->jitter : validity / 10;
	uint8_t salt[255];
	sg_sign_opts_t so = {
	        .inception = (uint32_t)(now - 3600), /* tolerate validators' clock skew */
	        .expiration = (uint32_t)(now + validity),
	        .denial = zc->denial == CFG_DENIAL_NSEC3 ? SG_DENIAL_NSEC3 : SG_DENIAL_NSEC,
	        .nsec3_iterations = (uint16_t)zc->nsec3_iterations,
	        .nsec3_salt = salt,
	        .nsec3_opt_out = zc->nsec3_opt_out,
	        .threads = zm.cfg ? zm.cfg->signing_threads : 1,
	        .jitter = jitter,
	};
	if (strcmp(zc->nsec3_salt, "-") != 0) {
		int sl = sg_base16_decode(salt, sizeof(salt), zc->nsec3_salt,
		                          strlen(zc->nsec3_salt));
		if (sl < 0) {
			snprintf(err, errcap, "bad NSEC3 salt \"%s\"", zc->nsec3_salt);
			goto out;
		}
		so.nsec3_saltlen = (size_t)sl;
	}
	uint32_t dnskey_ttl = zc->dnskey_ttl;
	const sg_zone_rrset_t *soa = sg_zone_soa(st->src);
	if (!dnskey_ttl)
		dnskey_ttl = soa ? sg_zone_rrset_ttl(soa) : 3600;

	b = sg_zone_builder_new(zc->origin);
	int r = b ? copy_source(b, st->src, serial) : SG_ENOMEM;
	if (r == SG_OK)
		r = sg_sign_prepare(b, zc->origin, all, (size_t)nk, dnskey_ttl, &so);
	if (r == SG_OK) {
		r = sg_zone_build(&z1, b, NULL);
		b = NULL;
	}
	if (r < 0) {
		snprintf(err, errcap, "preparing to sign: %s", sg_strerror(r));
		goto out;
	}
	b = sg_zone_builder_new(zc->origin);
	if (!b || sg_zone_builder_reserve(b, sg_zone_record_count(z1) * 3) < 0) {
		snprintf(err, errcap, "out of memory");
		goto out;
	}
	so.emit = emit_to_builder;
	so.emit_ctx = b;
	sg_sign_stats_t stats;
	r = sg_zone_sign(z1, signers, nsigners, &so, &stats, err, errcap);
	if (r < 0) {
		if (!err[0])
			snprintf(err, errcap, "signing: %s", sg_strerror(r));
		goto out;
	}
	r = sg_zone_build(&z2, b, NULL);
	b = NULL;
	if (r < 0) {
		snprintf(err, errcap, "building the signed zone: %s", sg_strerror(r));
		goto out;
	}
	sg_authzone_t *az;
	sg_zone_hint_hugepages(z2); /* the served copy: looked up at random */
	if (sg_authzone_new(&az, z2, err, errcap) < 0) {
		z2 = NULL; /* freed by sg_authzone_new */
		goto out;
	}
	z2 = NULL;
	if (st->az)
		sg_authzone_unref(st->az);
	st->az = az;
	st->serial = serial;
	st->expires = (int64_t)now + validity - jitter;
	st->resign_at = st->expires - refresh;
	sd_log("zone %s: signed, serial %u, %zu signatures, %s, %zu key%s, next re-sign in %lld s",
	       zc->name, serial, stats.signatures, so.denial == SG_DENIAL_NSEC3 ? "NSEC3" : "NSEC",
	       nsigners, nsigners == 1 ? "" : "s", (long long)(st->resign_at - now));
	rc = 0;
out:
	sg_zone_builder_free(b);
	sg_zone_free(z1);
	sg_zone_free(z2);
	for (int i = 0; i < nk; i++)
		sg_dnskey_deinit(&keys[i]);
	return rc;
}

/* Loads one zone into st (fresh). prev: the version served so far, or
 * NULL. Returns 0 or -1 with err set. */
static int load_zone(zstate_t *st, const cfg_zone_t *zc, const zstate_t *prev, int64_t now,
                     char *err, size_t errcap)
{
	memset(st, 0, sizeof(*st));
	st->zc = zc;
	bool sign = zc->key_dir != NULL;
	sg_zone_t *z;
	if (read_zone(&z, zc, sign, err, errcap) < 0)
		return -1;
	if (sign) {
		st->src = z;
		if (sign_zone(st, prev != NULL, prev ? prev->serial : 0, now, err, errcap) < 0) {
			zstate_clear(st);
			return -1;
		}
		return 0;
	}
	uint32_t serial = 0;
	if (sg_zone_serial(z, &serial) < 0)
		serial = 0;
	sg_zone_hint_hugepages(z); /* served: looked up at random */
	if (sg_authzone_new(&st->az, z, err, errcap) < 0)
		return -1;
	st->serial = serial;
	sd_log("zone %s: loaded %s, serial %u, served as it is", zc->name, zc->file, serial);
	return 0;
}

/* ---- publishing and NOTIFY -------------------------------------------------------- */

static int publish(void)
{
	sg_authzone_t **azs = calloc(zm.n ? zm.n : 1, sizeof(*azs));
	size_t n = 0;
	if (!azs) {
		sd_log("error: out of memory publishing the zones; old zones still served");
		return -1;
	}
	for (size_t i = 0; i < zm.n; i++)
		if (zm.zones[i].az)
			azs[n++] = zm.zones[i].az;
	sg_zoneset_t *zs;
	int zr = sg_zoneset_new(&zs, azs, n);
	free(azs);
	if (zr < 0) {
		sd_log("error: cannot make the zone set (out of memory); old zones still served");
		return -1;
	}
	sd_view_t *v = sd_view_new(zs);
	if (!v) {
		sd_log("error: out of memory publishing the zones; old zones still served");
		return -1;
	}
	for (size_t i = 0, j = 0; i < zm.n && j < v->nzones; i++) {
		if (!zm.zones[i].az)
			continue;
		sd_view_zone_t *vz = &v->zones[j++];
		sg_name_copy(vz->origin, zm.zones[i].zc->origin);
		const cfg_prefixes_t *acl = &zm.zones[i].zc->allow_transfer;
		if (acl->n) {
			vz->allow_transfer.v = malloc(acl->n * sizeof(*acl->v));
			if (vz->allow_transfer.v) {
				memcpy(vz->allow_transfer.v, acl->v, acl->n * sizeof(*acl->v));
				vz->allow_transfer.n = acl->n;
			}
		}
	}
	server_publish(v);

	/* The status text for the control channel. */
	sg_buf_t b;
	sg_buf_init(&b, 1 << 20);
	int64_t now = sd_now();
	for (size_t i = 0; i < zm.n; i++) {
		const zstate_t *s = &zm.zones[i];
		if (!s->az) {
			if (sg_buf_printf(&b, "%s not loaded%s%s%s\n", s->zc->name,
			                  s->error[0] ? " (" : "", s->error, s->error[0] ? ")" : "") < 0)
				break;
			continue;
		}
		if (sg_buf_printf(&b, "%s serial %u %s", s->zc->name, s->serial,
		                  s->src ? "signed" : "unsigned") < 0)
			break;
		if (s->src &&
		    sg_buf_printf(&b, " next-resign-in %llds", (long long)(s->resign_at - now)) < 0)
			break;
		if (s->error[0] && sg_buf_printf(&b, " (last load failed: %s)", s->error) < 0)
			break;
		if (sg_buf_append_str(&b, "\n") < 0)
			break;
	}
	char *text = NULL;
	if (sg_buf_cstr(&b) == SG_OK)
		text = strdup((const char *)b.data);
	sg_buf_deinit(&b);
	pthread_mutex_lock(&zm.mu);
	free(zm.status);
	zm.status = text;
	pthread_mutex_unlock(&zm.mu);
	return 0;
}

struct notify_job {
	char zone[SG_NAME_TEXT_MAX];
	uint8_t msg[SG_MSG_MAX];
	size_t len;
	uint16_t id;
	uint32_t serial;
	cfg_addrs_t targets; /* owned copy */
	cfg_addrs_t sources; /* listen addresses: NOTIFY comes from one of them */
};

/* Binds fd to the first listen address of the target's family (any port),
 * so that a secondary's allow-notify for our address matches. */
static void bind_source(int fd, const struct notify_job *j, int family)
{
	for (size_t i = 0; i < j->sources.n; i++) {
		cfg_addr_t a = j->sources.v[i];
		if (a.ss.ss_family != family)
			continue;
		if (family == AF_INET)
			((struct sockaddr_in *)&a.ss)->sin_port = 0;
		else
			((struct sockaddr_in6 *)&a.ss)->sin6_port = 0;
		if (bind(fd, (const struct sockaddr *)&a.ss, a.len) < 0)
			sd_log("notify: cannot send from %s: %s", a.text, strerror(errno));
		return;
	}
}

/* RFC 1996 §3.6: retry a few times with growing waits until answered. */
static void *notify_thread(void *arg)
{
	struct notify_job *j = arg;
	for (size_t t = 0; t < j->targets.n; t++) {
		const cfg_addr_t *a = &j->targets.v[t];
		int fd = socket(a->ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fd >= 0)
			bind_source(fd, j, a->ss.ss_family);
		if (fd < 0 || connect(fd, (const struct sockaddr *)&a->ss, a->len) < 0) {
			sd_log("notify %s serial %u to %s: %s", j->zone, j->serial, a->text,
			       strerror(errno));
			if (fd >= 0)
				close(fd);
			continue;
		}
		bool acked = false;
		int wait_ms = 1000, rcode = -1;
		for (int attempt = 0; attempt < 4 && !acked; attempt++, wait_ms *= 2) {
			if (send(fd, j->msg, j->len, 0) < 0 && errno != ECONNREFUSED)
				break;
			int64_t end = sd_now_ms() + wait_ms;
			for (int reads = 0; !acked && reads < 16; reads++) {
				int64_t left = end - sd_now_ms();
				struct pollfd p = {.fd = fd, .events = POLLIN};
				if (left <= 0 || poll(&p, 1, (int)left) <= 0)
					break;
				uint8_t resp[512];
				ssize_t n = recv(fd, resp, sizeof(resp), 0);
				if (n < 0) { /* e.g. ICMP port unreachable: wait out the try */
					left = end - sd_now_ms();
					if (left > 0)
						poll(NULL, 0, (int)left);
					break;
				}
				if (n >= 12 && (resp[0] << 8 | resp[1]) == j->id &&
				    (resp[2] & 0x80) && ((resp[2] >> 3) & 0xf) == SG_OP_NOTIFY) {
					acked = true;
					rcode = resp[3] & 0xf;
				}
			}
		}
		close(fd);
		if (acked && rcode == 0)
			sd_log("notify %s serial %u to %s: acknowledged", j->zone, j->serial,
			       a->text);
		else if (acked)
			sd_log("notify %s serial %u to %s: answered %s", j->zone, j->serial,
			       a->text,
			       sg_rcode_name((unsigned)rcode) ? sg_rcode_name((unsigned)rcode)
			                                      : "?");
		else
			sd_log("notify %s serial %u to %s: no answer after 4 tries", j->zone,
			       j->serial, a->text);
	}
	free(j->targets.v);
	free(j->sources.v);
	free(j);
	return NULL;
}

static void notify_zone(zstate_t *s)
{
	const cfg_zone_t *zc = s->zc;
	s->notify = false;
	if (!zc->notify.n || !s->az)
		return;
	struct notify_job *j = calloc(1, sizeof(*j));
	if (!j)
		return;
	sg_name_to_text(j->zone, sizeof(j->zone), zc->origin);
	j->serial = s->serial;
	uint16_t id;
	if (getentropy(&id, sizeof(id)) < 0)
		id = (uint16_t)sd_now();
	j->id = id;
	const sg_zone_t *z = sg_authzone_zone(s->az);
	const sg_zone_rrset_t *soa = sg_zone_soa(z);
	sg_msgw_t w;
	int r = sg_msgw_init(&w, j->msg, sizeof(j->msg), id, SG_MSG_AA, SG_OP_NOTIFY, 0);
	if (r == SG_OK)
		r = sg_msgw_question(&w, zc->origin, SG_T_SOA, SG_C_IN);
	if (r == SG_OK && soa) {
		uint16_t len;
		const uint8_t *rd = sg_zone_rrset_rdata(z, soa, 0, &len);
		r = sg_msgw_rr(&w, SG_SEC_ANSWER, zc->origin, SG_T_SOA, SG_C_IN,
		               sg_zone_rrset_ttl(soa), rd, len);
	}
	if (r == SG_OK)
		r = sg_msgw_finish(&w, &j->len);
	j->targets.v = malloc(zc->notify.n * sizeof(*zc->notify.v));
	if (r < 0 || !j->targets.v) {
		free(j->targets.v);
		free(j);
		return;
	}
	memcpy(j->targets.v, zc->notify.v, zc->notify.n * sizeof(*zc->notify.v));
	j->targets.n = zc->notify.n;
	const cfg_addrs_t *src = zm.cfg ? &zm.cfg->listen : NULL;
	if (src && src->n && (j->sources.v = malloc(src->n * sizeof(*src->v))) != NULL) {
		memcpy(j->sources.v, src->v, src->n * sizeof(*src->v));
		j->sources.n = src->n;
	}
	pthread_t th;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&th, &attr, notify_thread, j) != 0) {
		free(j->sources.v);
		free(j->targets.v);
		free(j);
	}
	pthread_attr_destroy(&attr);
}

/* ---- loading everything ------------------------------------------------------------- */

static zstate_t *find_state(zstate_t *v, size_t n, const uint8_t *origin)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].zc && sg_name_equal(v[i].zc->origin, origin))
			return &v[i];
	return NULL;
}

/* Appends a line to the reload result; a result cut short by its size
 * limit still starts with its first errors. */
static void errs_add(sg_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void errs_add(sg_buf_t *b, const char *fmt, ...)
{
	char line[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (sg_buf_append_str(b, line) < 0)
		return; /* full: the lines before stay */
}

/* Loads every zone of c. startup: any failure is fatal. Otherwise a zone
 * that fails keeps its old version, and errs (when not NULL) gets one
 * "error: ..." line for it. Takes ownership of c. */
static int load_all(cfg_t *c, bool startup, sg_buf_t *errs)
{
	zstate_t *nv = calloc(c->nzones ? c->nzones : 1, sizeof(*nv));
	bool *changed = calloc(c->nzones ? c->nzones : 1, sizeof(*changed));
	if (!nv || !changed) {
		free(nv);
		free(changed);
		sd_log("error: out of memory loading zones");
		cfg_free(c);
		return -1;
	}
	int64_t now = sd_now();
	int rc = 0;
	for (size_t i = 0; i < c->nzones; i++) {
		const cfg_zone_t *zc = &c->zones[i];
		zstate_t *prev = find_state(zm.zones, zm.n, zc->origin);
		char err[1024] = "";
		if (load_zone(&nv[i], zc, prev, now, err, sizeof(err)) == 0) {
			changed[i] = !prev || prev->serial != nv[i].serial;
			continue;
		}
		if (startup) {
			sd_log("error: zone %s: %s", zc->name, err);
			rc = -1;
			break;
		}
		if (prev && prev->az) {
			sd_log("error: zone %s: %s; the old version (serial %u) stays in service",
			       zc->name, err, prev->serial);
			if (errs)
				errs_add(errs,
				         "error: zone %s: %s; the old version (serial %u) "
				         "stays in service\n",
				         zc->name, err, prev->serial);
			nv[i] = *prev; /* moved */
			nv[i].zc = zc;
			memset(prev, 0, sizeof(*prev));
		} else {
			sd_log("error: zone %s: %s; not served", zc->name, err);
			if (errs)
				errs_add(errs, "error: zone %s: %s; not served\n", zc->name, err);
			nv[i].zc = zc;
		}
		snprintf(nv[i].error, sizeof(nv[i].error), "%s", err);
	}
	if (rc < 0) {
		for (size_t i = 0; i < c->nzones; i++)
			zstate_clear(&nv[i]);
		free(nv);
		free(changed);
		cfg_free(c);
		return -1;
	}
	for (size_t i = 0; i < zm.n; i++) {
		if (zm.zones[i].zc && !find_state(nv, c->nzones, zm.zones[i].zc->origin))
			sd_log("zone %s: removed", zm.zones[i].zc->name);
		zstate_clear(&zm.zones[i]);
	}
	free(zm.zones);
	zm.zones = nv;
	zm.n = c->nzones;
	cfg_free(zm.cfg);
	zm.cfg = c;
	publish();
	for (size_t i = 0; i < zm.n; i++)
		if (changed[i])
			notify_zone(&zm.zones[i]);
	free(changed);
	return 0;
}

int zm_start(cfg_t *c, zm_config_fn reload_config)
{
	zm.reload_config = reload_config;
	return load_all(c, true, NULL);
}

/* Re-signs the zones whose time has come. Returns the next deadline. */
static int64_t resign_due(void)
{
	int64_t now = sd_now(), next = now + 3600;
	bool any = false;
	for (size_t i = 0; i < zm.n; i++) {
		zstate_t *s = &zm.zones[i];
		if (!s->src || !s->az)
			continue;
		if (s->resign_at <= now) {
			char err[1024] = "";
			if (sign_zone(s, true, s->serial, now, err, sizeof(err)) == 0) {
				any = true;
				s->notify = true;
			} else {
				/* Keep serving, try again soon: well before the old
				 * signatures run out. */
				uint32_t refresh =
				        s->zc->refresh ? s->zc->refresh : s->zc->validity / 4;
				int64_t retry = refresh / 8 ? refresh / 8 : 1;
				if (retry > 60)
					retry = 60;
				s->resign_at = now + retry;
				sd_log("error: zone %s: re-signing failed: %s; retrying in %lld s",
				       s->zc->name, err, (long long)retry);
			}
		}
		if (s->resign_at < next)
			next = s->resign_at;
	}
	if (any) {
		publish();
		for (size_t i = 0; i < zm.n; i++)
			if (zm.zones[i].notify)
				notify_zone(&zm.zones[i]);
	}
	return next;
}

/* One reload, its result kept for the control channel under ticket. */
static void reload_now(uint64_t ticket)
{
	sd_log("reload: reading the configuration and every zone again");
	sg_buf_t errs;
	sg_buf_init(&errs, 1 << 20);
	char err[1024] = "";
	cfg_t *c = zm.reload_config ? zm.reload_config(err, sizeof(err)) : NULL;
	if (c) {
		if (load_all(c, false, &errs) < 0 && errs.len == 0)
			errs_add(&errs, "error: reload failed (out of memory); nothing changed\n");
	} else {
		sd_log("error: reload: configuration not usable; nothing changed");
		errs_add(&errs, "error: configuration: %s; nothing changed\n",
		         err[0] ? err : "not usable");
	}
	sd_log("reload: done");
	bool ok = errs.len == 0;
	pthread_mutex_lock(&zm.mu);
	if (ok)
		errs_add(&errs, "ok: reload done\n");
	if (zm.status && sg_buf_append_str(&errs, zm.status) < 0)
		sd_log("error: reload: result text too long; status left out");
	char *text = NULL;
	if (sg_buf_cstr(&errs) == SG_OK)
		text = strdup((const char *)errs.data);
	free(zm.reload_text);
	zm.reload_text = text;
	zm.reload_done = ticket;
	pthread_mutex_unlock(&zm.mu);
	sg_buf_deinit(&errs);
}

static void *zm_main(void *arg)
{
	(void)arg;
	int64_t next = resign_due();
	pthread_mutex_lock(&zm.mu);
	while (!zm.stop) {
		if (!zm.reload && sd_now() < next) {
			struct timespec ts = {.tv_sec = (time_t)next};
			pthread_cond_timedwait(&zm.cv, &zm.mu, &ts);
			continue;
		}
		bool reload = zm.reload;
		uint64_t ticket = zm.reload_req;
		zm.reload = false;
		pthread_mutex_unlock(&zm.mu);
		if (reload)
			reload_now(ticket);
		next = resign_due();
		pthread_mutex_lock(&zm.mu);
	}
	pthread_mutex_unlock(&zm.mu);
	return NULL;
}

int zm_thread_start(void)
{
	if (pthread_create(&zm.thread, NULL, zm_main, NULL) != 0)
		return -1;
	zm.running = true;
	return 0;
}

uint64_t zm_request_reload(void)
{
	pthread_mutex_lock(&zm.mu);
	zm.reload = true;
	uint64_t ticket = ++zm.reload_req;
	pthread_cond_signal(&zm.cv);
	pthread_mutex_unlock(&zm.mu);
	return ticket;
}

int zm_reload_result(uint64_t ticket, char **text)
{
	pthread_mutex_lock(&zm.mu);
	int done = zm.reload_done >= ticket;
	if (done)
		*text = zm.reload_text ? strdup(zm.reload_text) : NULL;
	pthread_mutex_unlock(&zm.mu);
	return done;
}

char *zm_status(void)
{
	pthread_mutex_lock(&zm.mu);
	char *s = strdup(zm.status ? zm.status : "");
	pthread_mutex_unlock(&zm.mu);
	return s;
}

void zm_stop(void)
{
	if (zm.running) {
		pthread_mutex_lock(&zm.mu);
		zm.stop = true;
		pthread_cond_signal(&zm.cv);
		pthread_mutex_unlock(&zm.mu);
		pthread_join(zm.thread, NULL);
		zm.running = false;
	}
	for (size_t i = 0; i < zm.n; i++)
		zstate_clear(&zm.zones[i]);
	free(zm.zones);
	zm.zones = NULL;
	zm.n = 0;
	cfg_free(zm.cfg);
	zm.cfg = NULL;
	free(zm.status);
	zm.status = NULL;
	free(zm.reload_text);
	zm.reload_text = NULL;
}
