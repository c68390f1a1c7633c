/* libFuzzer target: signet-resolver's iterator against a hostile upstream.
 *
 * The input scripts every upstream reply of one resolution: byte 0 picks
 * validation on/off, QNAME minimisation and the question type; then
 * records of [2-octet length][reply octets], one consumed per exchange
 * (none left: a timeout). The reply's ID is set to the query's (a real
 * exchange drops the others before parsing); everything else is the
 * fuzzer's, parsed as a reply would be. Referrals, glue, bailiwick
 * checks, the validator calls, the cache blobs and CNAME/DNAME chains all
 * see the result. A fresh resolver (and cache) per input keeps runs
 * independent; the hints and anchors files are written once.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "resolver/iter.h"
#include "resolver/rconfig.h"
#include "resolver/upstream.h"
#include "signet/rr.h"

typedef struct script {
	const uint8_t *p;
	size_t n;
} script_t;

static int scripted(void *ctx, up_reply_t *r, const struct sockaddr *sa, socklen_t salen,
                    const up_query_t *q, sg_arena_t *arena)
{
	script_t *s = ctx;
	(void)sa;
	(void)salen;
	(void)q;
	memset(r, 0, sizeof(*r));
	if (s->n < 2)
		return UP_TIMEOUT;
	size_t len = (size_t)s->p[0] << 8 | s->p[1];
	if (len > s->n - 2)
		len = s->n - 2;
	r->wire = sg_arena_alloc(arena, len + 1);
	if (!r->wire)
		return UP_NETERR;
	memcpy(r->wire, s->p + 2, len);
	r->len = len;
	s->p += 2 + len;
	s->n -= 2 + len;
	if (len >= 2)
		r->wire[0] = r->wire[1] = 0;
	if (sg_msg_parse(&r->msg, r->wire, r->len, arena) != SG_OK)
		return UP_TIMEOUT; /* ignored, as upstream.c does */
	return UP_OK;
}

static char hints_path[64], anchor_path[64];

static void remove_tmp(void)
{
	unlink(hints_path);
	unlink(anchor_path);
}

static void write_tmp(char *path, size_t cap, const char *text)
{
	snprintf(path, cap, "/tmp/fuzz_resolver_XXXXXX");
	int fd = mkstemp(path);
	if (fd < 0)
		abort();
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		abort();
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint16_t types[8] = {SG_T_A,  SG_T_AAAA,  SG_T_DS, SG_T_DNSKEY,
	                                  SG_T_MX, SG_T_CNAME, SG_T_NS, SG_T_TXT};
	if (!hints_path[0]) {
		write_tmp(hints_path, sizeof(hints_path),
		          ". 3600 NS a.root.\na.root. 3600 A 127.0.0.2\n");
		write_tmp(anchor_path, sizeof(anchor_path),
		          /* the root of the lab-* seeds (fuzz/make_resolver_seeds.py) */
		          ". 3600 DS 49469 13 2 "
		          "2EC9BD2F062A095C6BA3D8CF176389D0A83AFB54E7D731094CAF0578376FA733\n");
		rlog_quiet(true); /* every bogus verdict would be a line */
		atexit(remove_tmp);
	}
	if (size < 1)
		return 0;
	rcfg_t *cfg = rcfg_new();
	char err[256];
	if (!cfg)
		return 0;
	if (rcfg_set(cfg, "root-hints", hints_path, false, err, sizeof(err)) ||
	    rcfg_set(cfg, "anchor", anchor_path, false, err, sizeof(err)) ||
	    rcfg_set(cfg, "validation", data[0] & 1 ? "true" : "false", false, err, sizeof(err)) ||
	    rcfg_set(cfg, "qname-minimisation", data[0] & 2 ? "true" : "false", false, err,
	             sizeof(err)) ||
	    rcfg_set(cfg, "cache-size", "1048576", false, err, sizeof(err)))
		abort();
	resolver_t *r = iter_new(cfg, err, sizeof(err));
	if (!r)
		abort();
	script_t s = {data + 1, size - 1};
	iter_set_exchange(r, scripted, &s);
	sg_arena_t *a = sg_arena_new(0, 64u << 20);
	static const uint8_t qname[] = {3,   'w', 'w', 'w', 7,   'e', 'x', 'a', 'm',
	                                'p', 'l', 'e', 3,   'o', 'r', 'g', 0};
	ires_t res;
	iter_resolve(r, a, qname, types[(data[0] >> 2) & 7], &res);
	if (getenv("FUZZ_RESOLVER_SHOW")) /* to check what a seed reaches */
		printf("rcode %u, %s, %zu answer records: %s\n", res.rcode,
		       sg_val_status_name(res.sec), res.answer.n, res.why);
	/* a second question over the same cache reads what the first stored */
	s.p = data + 1;
	s.n = size - 1;
	sg_arena_reset(a);
	(void)iter_resolve_cached(r, a, qname, types[(data[0] >> 2) & 7], &res);
	sg_arena_reset(a);
	iter_resolve(r, a, qname, types[(data[0] >> 2) & 7], &res);
	sg_arena_free(a);
	iter_free(r);
	rcfg_free(cfg);
	return 0;
}
