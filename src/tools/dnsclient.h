/* The client side of DNS for the signet tools (`signet query`, `signet
 * trace`): one query to one server over UDP or TCP, with the reply
 * checked against the question (ID, QR, question section). The transport
 * itself is common/dnsclient.c. */
#ifndef SIGNET_TOOLS_DNSCLIENT_H
#define SIGNET_TOOLS_DNSCLIENT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include "common/dnsclient.h"
#include "signet/msg.h"
#include "signet/util.h"

/* Outcome of one exchange with one server. */
enum tool_xr {
	TOOL_XR_OK = 0,  /* a matching response is in the reply */
	TOOL_XR_TIMEOUT, /* nothing (matching) arrived before the deadline */
	TOOL_XR_NETERR,  /* socket error: refused, unreachable, reset, ... */
	TOOL_XR_BAD,     /* TCP: the response did not parse or did not match */
};

/* A response: the wire, its parse (names and RDATA in the caller's arena
 * or in wire) and, after a failure, why. */
typedef struct tool_reply {
	uint8_t wire[SG_MSG_MAX];
	size_t len;
	sg_msg_t msg;
	char why[160];
} tool_reply_t;

/* What the reply must match, and how long to wait. */
typedef struct tool_xq {
	const uint8_t *qname;
	uint16_t qtype;
	uint16_t qclass;
	unsigned timeout_ms; /* per exchange */
	FILE *diag;          /* warnings about stray UDP datagrams; NULL: silent */
} tool_xq_t;

/* Sends query q (qlen octets, ID id) to sa and waits for the matching
 * reply, over the transport in common/dnsclient.h. UDP ignores datagrams
 * that do not match (RFC 5452 §9.1) until the deadline. The reply is
 * parsed into r->msg with arena, which is reset before each reply is
 * parsed: it must hold nothing the caller still needs. */
enum tool_xr tool_exchange_udp(tool_reply_t *r, const tool_xq_t *x, const struct sockaddr *sa,
                               socklen_t salen, const uint8_t *q, size_t qlen, uint16_t id,
                               sg_arena_t *arena);
enum tool_xr tool_exchange_tcp(tool_reply_t *r, const tool_xq_t *x, const struct sockaddr *sa,
                               socklen_t salen, const uint8_t *q, size_t qlen, uint16_t id,
                               sg_arena_t *arena);

/* "ADDR#PORT" of a socket address. */
void tool_addr_text(char *dst, size_t cap, const struct sockaddr *sa, socklen_t salen);

#endif
