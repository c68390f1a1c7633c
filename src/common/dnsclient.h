/* One DNS exchange with one server over UDP or TCP, shared by signet-resolver
 * (src/resolver/upstream.c) and the tools (`signet query`, `signet trace`,
 * through src/tools/dnsclient.c).
 *
 * Blocking, with a deadline. This file owns only the transport: a fresh
 * socket per exchange, connect() (so the kernel picks a random source port,
 * drops datagrams from other addresses and reports ICMP unreachable), the
 * RFC 1035 §4.2.2 length prefix over TCP. Whether a reply answers the
 * question, and how it is parsed into which arena, is the caller's accept
 * callback: the resolver and the tools differ there on purpose. Nothing
 * here touches an arena.
 */
#ifndef SIGNET_COMMON_DNSCLIENT_H
#define SIGNET_COMMON_DNSCLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Outcome of one exchange. */
enum sg_dnsx_result {
	SG_DNSX_OK = 0,  /* the accept callback took a reply */
	SG_DNSX_TIMEOUT, /* nothing acceptable before the deadline */
	SG_DNSX_NETERR,  /* socket error: refused, unreachable, reset, ... */
	SG_DNSX_BAD,     /* TCP: the one reply was refused by the callback */
};

/* Looks at the reply in the exchange's wire buffer (len octets). Returns
 * true to accept it; false, with why filled, to refuse it (UDP keeps
 * waiting, RFC 5452 §9.1; TCP ends with SG_DNSX_BAD). */
typedef bool (*sg_dnsx_accept_fn)(void *ctx, size_t len, char *why, size_t whycap);

/* One exchange. query/qlen: the message to send (at most 512 octets);
 * wire/cap: where the reply goes (the caller's storage). */
typedef struct sg_dnsx {
	const uint8_t *query;
	size_t qlen;
	uint8_t *wire;
	size_t cap;
	unsigned timeout_ms;    /* for the whole exchange */
	unsigned max_datagrams; /* UDP: give up after this many refused; 0: no limit */
	sg_dnsx_accept_fn accept;
	void *ctx;
} sg_dnsx_t;

/* Sends x->query to sa over UDP and waits for a datagram the callback
 * accepts. *len: the reply's length. why (whycap octets) says what went
 * wrong for any result but SG_DNSX_OK: "timed out", "connection refused",
 * an errno text, "too many unacceptable datagrams", or the callback's text. */
enum sg_dnsx_result sg_dnsx_udp(size_t *len, char *why, size_t whycap, const struct sockaddr *sa,
                                socklen_t salen, const sg_dnsx_t *x);

/* The same over TCP: one query, one reply, which the callback accepts or
 * not. */
enum sg_dnsx_result sg_dnsx_tcp(size_t *len, char *why, size_t whycap, const struct sockaddr *sa,
                                socklen_t salen, const sg_dnsx_t *x);

/* Monotonic milliseconds. */
int64_t sg_dnsx_now_ms(void);

#endif
