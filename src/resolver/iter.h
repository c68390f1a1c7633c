/* signet-resolver — the iterator: walks from the root hints down the
 * delegations, validates every link with libsignet's validator
 * (signet/validate.h) and caches what it learns (rcache.h).
 *
 * One call resolves one client question on the calling thread, with
 * blocking upstream exchanges (upstream.h); the network front end (net.c)
 * runs it on a worker thread. Everything a resolution allocates lives in
 * the caller's arena. See docs/internals/resolver.md.
 */
#ifndef SIGNET_RESOLVER_ITER_H
#define SIGNET_RESOLVER_ITER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "resolver/rcache.h"
#include "resolver/rconfig.h"
#include "signet/msg.h"
#include "signet/validate.h"

/* A list of records (in an arena). */
typedef struct rrl {
	sg_msg_rr_t *v;
	size_t n, cap;
} rrl_t;

typedef struct resolver resolver_t;

/* Counters, read by the log line at exit (and the tests through it). */
typedef struct iter_stats {
	atomic_ulong queries;       /* client questions resolved */
	atomic_ulong upstream;      /* upstream exchanges */
	atomic_ulong cache_answers; /* links answered from the cache */
	atomic_ulong secure, insecure, bogus, indeterminate;
	atomic_ulong limit_upstream, limit_referrals, limit_cname, limit_depth, limit_validation;
	atomic_ulong limit_time;
} iter_stats_t;

/* The outcome of one client question. */
typedef struct ires {
	uint16_t rcode;
	int sec;                   /* enum sg_val_status of the whole answer (the weakest link) */
	int ede;                   /* RFC 8914 INFO-CODE to report, or -1 */
	char why[SG_VAL_TEXT_MAX]; /* EDE text: what failed and why */
	rrl_t answer;              /* the CNAME chain and the answer, RRSIGs included */
	rrl_t authority;           /* negative answers: SOA, NSEC/NSEC3 and their RRSIGs */
} ires_t;

/* Loads the root hints and trust anchors named in cfg (or the built-in
 * ones). cfg must outlive the resolver. Returns NULL with err set. */
resolver_t *iter_new(const rcfg_t *cfg, char *err, size_t errcap);
void iter_free(resolver_t *r);

/* Resolves (qname, qtype, class IN). Never fails: problems end in
 * SERVFAIL with out->ede and out->why set. Bogus results are reported
 * as they are (rcode of the data, sec BOGUS) so that a CD query can get
 * them; the caller turns them into SERVFAIL otherwise. Logs each bogus
 * link on stderr. */
void iter_resolve(resolver_t *r, sg_arena_t *arena, const uint8_t *qname, uint16_t qtype,
                  ires_t *out);

/* Replaces the upstream exchange (default: up_exchange) — for the fuzz
 * target and tests. fn gets ctx back. */
struct up_reply;
struct up_query;
void iter_set_exchange(resolver_t *r,
                       int (*fn)(void *ctx, struct up_reply *rep, const struct sockaddr *sa,
                                 socklen_t salen, const struct up_query *q, sg_arena_t *arena),
                       void *ctx);

/* Counts a question answered with a kept reply (pktcache.c) as
 * iter_resolve_cached() would have counted it: one question, one answer
 * from the cache, and its validation status. */
void iter_count_kept(resolver_t *r, int sec);

/* iter_resolve() from the cache alone: true with *out filled when every
 * link of the answer is cached (no upstream query, no blocking: safe on
 * the event loop); false when one is not (then call iter_resolve()). */
bool iter_resolve_cached(resolver_t *r, sg_arena_t *arena, const uint8_t *qname, uint16_t qtype,
                         ires_t *out);

iter_stats_t *iter_get_stats(resolver_t *r);
rc_cache_t *iter_cache(resolver_t *r);

/* One line on stderr: "2026-11-28T05:15:59.123Z signet-resolver: <text>". Thread-safe. */
void rlog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Drops every log line from now on (true) — for the fuzz target. */
void rlog_quiet(bool quiet);

#endif
