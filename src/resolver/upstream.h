/* signet-resolver — one exchange with an authoritative server.
 *
 * Blocking, with a deadline: it runs on a resolution worker thread
 * (see net.c), never on the event loop. Each query gets a random ID from
 * the kernel's CSPRNG and a fresh socket, so a random source port chosen
 * by the kernel (RFC 5452 §9.2); a reply counts only when it comes from the
 * address asked, carries our ID, QR and exactly our question (a forged or
 * stray datagram is ignored and the wait goes on). A truncated reply is
 * asked again over TCP (RFC 7766 §5).
 */
#ifndef SIGNET_RESOLVER_UPSTREAM_H
#define SIGNET_RESOLVER_UPSTREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "signet/msg.h"

enum up_result {
	UP_OK = 0,
	UP_TIMEOUT, /* no acceptable reply before the deadline */
	UP_NETERR,  /* refused, unreachable, reset */
	UP_BAD,     /* a reply that does not parse (over TCP, where it cannot be ignored) */
};

typedef struct up_query {
	const uint8_t *qname;
	uint16_t qtype;
	uint16_t edns_size; /* our EDNS payload size; DO is always set */
	unsigned timeout_ms;
} up_query_t;

typedef struct up_reply {
	sg_msg_t msg;  /* valid while the arena lives */
	uint8_t *wire; /* in the arena */
	size_t len;
	bool tcp;      /* the reply came over TCP */
	char why[128]; /* for UP_* other than UP_OK */
} up_reply_t;

/* Asks sa (salen octets) the question. The reply (wire and parsed view)
 * lives in arena. Returns an enum up_result. */
int up_exchange(up_reply_t *r, const struct sockaddr *sa, socklen_t salen, const up_query_t *q,
                sg_arena_t *arena);

/* What up_exchange() does, as a function type, so that tests and the fuzz
 * target can script the upstream side (iter_set_exchange()). */
typedef int (*up_exchange_fn)(void *ctx, up_reply_t *r, const struct sockaddr *sa, socklen_t salen,
                              const up_query_t *q, sg_arena_t *arena);

/* A random 16-bit number from the kernel (for query IDs). */
uint16_t up_random16(void);

#endif
