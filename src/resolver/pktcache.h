/* signet-resolver — built replies kept for the questions asked again.
 *
 * A question the cache answers completely is turned into a reply by
 * walking the cached links and writing every record (iter.c, net.c). The
 * same question with the same reply-shaping bits gets the same octets back
 * but for the ID, the case of the question name and the TTLs, which count
 * down: so the finished reply is kept in the resolver's cache (rcache.c,
 * same memory limit, same LRU) under the question, and the next one is a
 * copy with those three patched.
 *
 * Kept: replies to QUERY/IN questions whose answer is secure or insecure
 * (never bogus or indeterminate), NOERROR or NXDOMAIN, not truncated, at
 * most 4096 octets, with at least one record and every TTL at least 1. A kept reply lives until its smallest TTL runs out, so
 * no TTL is ever served negative and no reply outlives the cached data it
 * was built from (net.c built it with TTLs capped at those entries' life).
 * The key is the question (name ignoring case, type) and the query's RD,
 * CD and AD flags, DO bit and EDNS presence; the client's UDP size only
 * decides whether a kept reply fits (it must, or the question takes the
 * long way and is truncated there).
 */
#ifndef SIGNET_RESOLVER_PKTCACHE_H
#define SIGNET_RESOLVER_PKTCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "resolver/rcache.h"
#include "signet/msg.h"

/* The reply to query q (parsed from qwire) if one is kept and fits in cap
 * octets: written to out (outcap octets of room; what follows the reply
 * there is scratch) with q's ID, question-name case and TTLs aged to
 * `now`; *sec gets the validation status it was built with. */
bool pc_lookup(rc_cache_t *c, const sg_msg_t *q, const uint8_t *qwire, size_t cap, int64_t now,
               uint8_t *out, size_t outcap, size_t *len, int *sec);

/* Keeps `reply` (len octets, built just now for q) when it qualifies
 * (see above); sec and rcode are what it was built from. */
void pc_store(rc_cache_t *c, const sg_msg_t *q, const uint8_t *reply, size_t len, int sec,
              unsigned rcode, int64_t now);

#endif
