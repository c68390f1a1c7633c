/* The client side of DNS for the signet tools, shared by `signet query`
 * and `signet trace`: what a reply must be to count (the transport is
 * common/dnsclient.c, shared with signet-resolver). */
#include <netdb.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "common/dnsclient.h"
#include "signet/msg.h"
#include "signet/name.h"
#include "signet/rr.h"
#include "tools/dnsclient.h"

void tool_addr_text(char *dst, size_t cap, const struct sockaddr *sa, socklen_t salen)
{
	char host[NI_MAXHOST], serv[NI_MAXSERV];
	if (getnameinfo(sa, salen, host, sizeof(host), serv, sizeof(serv),
	                NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		snprintf(dst, cap, "?");
	else
		snprintf(dst, cap, "%s#%s", host, serv);
}

/* Does the parsed reply answer our query? Fills r->why when not. */
static bool reply_matches(tool_reply_t *r, const tool_xq_t *o, uint16_t id)
{
	const sg_msg_t *m = &r->msg;
	char t1[16], t2[16];
	if (m->id != id) {
		snprintf(r->why, sizeof(r->why), "ID mismatch: expected ID %u, got %u", id, m->id);
		return false;
	}
	if (!(m->flags & SG_MSG_QR)) {
		snprintf(r->why, sizeof(r->why), "reply without QR set");
		return false;
	}
	/* A server may leave the question out of an error reply (FORMERR,
	 * NOTIMP...): accept that, as dig does, but never an empty NOERROR. */
	if (m->count[SG_SEC_QUESTION] == 0 && m->rcode != SG_RC_NOERROR)
		return true;
	if (m->count[SG_SEC_QUESTION] != 1) {
		snprintf(r->why, sizeof(r->why), "reply has %u questions",
		         m->count[SG_SEC_QUESTION]);
		return false;
	}
	const sg_msg_rr_t *q = &m->rr[SG_SEC_QUESTION][0];
	if (q->type != o->qtype || q->rclass != o->qclass || !sg_name_equal(q->owner, o->qname)) {
		char n[SG_NAME_TEXT_MAX];
		if (sg_name_to_text(n, sizeof(n), q->owner) < 0)
			snprintf(n, sizeof(n), "?");
		snprintf(r->why, sizeof(r->why), "question section mismatch: got %.60s/%s/%s", n,
		         sg_type_name(q->type, t1), sg_class_name(q->rclass, t2));
		return false;
	}
	return true;
}

/* Parses r->wire. Trailing octets after a complete message are tolerated
 * (a dig-like tool shows what it can); anything else is a bad packet. */
static bool reply_parse(tool_reply_t *r, sg_arena_t *arena)
{
	int e = sg_msg_parse(&r->msg, r->wire, r->len, arena);
	if (e == SG_OK || (e == SG_EMALFORMED && r->msg.fault == SG_MF_TRAILING))
		return true;
	snprintf(r->why, sizeof(r->why), "bad packet: %s (%s at offset %zu)", sg_strerror(e),
	         sg_msg_fault_name(r->msg.fault), r->msg.fault_offset);
	return false;
}

/* The tools' side of one exchange: what the common transport calls for
 * each reply. */
struct accept_ctx {
	tool_reply_t *r;
	const tool_xq_t *o;
	uint16_t id;
	sg_arena_t *arena;
	FILE *diag; /* UDP only: a refused datagram is worth a warning */
};

static bool accept_reply(void *ctx, size_t len, char *why, size_t whycap)
{
	struct accept_ctx *a = ctx;
	a->r->len = len;
	/* Each datagram is parsed afresh: what a refused one left in the
	 * arena is dropped, so a stream of junk cannot exhaust it. */
	sg_arena_reset(a->arena);
	if (reply_parse(a->r, a->arena) && reply_matches(a->r, a->o, a->id))
		return true;
	if (a->diag)
		fprintf(a->diag, ";; Warning: %s\n", a->r->why);
	if (why != a->r->why)
		snprintf(why, whycap, "%s", a->r->why);
	return false;
}

static enum tool_xr exchange(tool_reply_t *r, const tool_xq_t *o, const struct sockaddr *sa,
                             socklen_t salen, const uint8_t *q, size_t qlen, uint16_t id,
                             sg_arena_t *arena, bool tcp)
{
	struct accept_ctx a = {
	        .r = r, .o = o, .id = id, .arena = arena, .diag = tcp ? NULL : o->diag};
	sg_dnsx_t x = {.query = q,
	               .qlen = qlen,
	               .wire = r->wire,
	               .cap = sizeof(r->wire),
	               .timeout_ms = o->timeout_ms,
	               .accept = accept_reply,
	               .ctx = &a};
	size_t len = 0;
	enum sg_dnsx_result res = tcp ? sg_dnsx_tcp(&len, r->why, sizeof(r->why), sa, salen, &x)
	                              : sg_dnsx_udp(&len, r->why, sizeof(r->why), sa, salen, &x);
	r->len = len;
	switch (res) {
	case SG_DNSX_OK:
		return TOOL_XR_OK;
	case SG_DNSX_TIMEOUT:
		return TOOL_XR_TIMEOUT;
	case SG_DNSX_BAD:
		return TOOL_XR_BAD;
	case SG_DNSX_NETERR:
		break;
	}
	return TOOL_XR_NETERR;
}

enum tool_xr tool_exchange_udp(tool_reply_t *r, const tool_xq_t *o, const struct sockaddr *sa,
                               socklen_t salen, const uint8_t *q, size_t qlen, uint16_t id,
                               sg_arena_t *arena)
{
	return exchange(r, o, sa, salen, q, qlen, id, arena, false);
}

enum tool_xr tool_exchange_tcp(tool_reply_t *r, const tool_xq_t *o, const struct sockaddr *sa,
                               socklen_t salen, const uint8_t *q, size_t qlen, uint16_t id,
                               sg_arena_t *arena)
{
	return exchange(r, o, sa, salen, q, qlen, id, arena, true);
}
