/* signet-resolver — one exchange with an authoritative server. See upstream.h.
 * The transport is common/dnsclient.c (shared with the tools); what is
 * the resolver's own is here: random IDs, the query it builds, what a
 * reply must be to count, the EDNS and TCP fallbacks. */
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/dnsclient.h"
#include "resolver/upstream.h"
#include "signet/rr.h"

uint16_t up_random16(void)
{
	uint16_t v = 0;
	for (int i = 0; i < 8; i++) /* getrandom on a few octets does not fail short once seeded */
		if (getrandom(&v, sizeof(v), 0) == (ssize_t)sizeof(v))
			return v;
	return (uint16_t)(sg_dnsx_now_ms() ^
	                  (int64_t)getpid()); /* never reached on Linux >= 3.17 */
}

static int build(uint8_t *buf, size_t cap, size_t *len, const up_query_t *q, uint16_t id, bool edns)
{
	sg_msgw_t w;
	int e = sg_msgw_init(&w, buf, cap, id, 0, SG_OP_QUERY, SG_RC_NOERROR);
	if (e == SG_OK && edns)
		e = sg_msgw_edns(&w, q->edns_size, SG_EDNS_DO, 0);
	if (e == SG_OK)
		e = sg_msgw_question(&w, q->qname, q->qtype, SG_C_IN);
	if (e == SG_OK)
		e = sg_msgw_finish(&w, len);
	return e;
}

/* Does the parsed reply answer our query? */
static bool matches(up_reply_t *r, const up_query_t *q, uint16_t id)
{
	const sg_msg_t *m = &r->msg;
	if (m->id != id || !(m->flags & SG_MSG_QR) || m->opcode != SG_OP_QUERY) {
		snprintf(r->why, sizeof(r->why), "reply with a wrong ID or flags");
		return false;
	}
	if (m->count[SG_SEC_QUESTION] != 1) {
		snprintf(r->why, sizeof(r->why), "reply with %u questions",
		         m->count[SG_SEC_QUESTION]);
		return false;
	}
	const sg_msg_rr_t *qq = &m->rr[SG_SEC_QUESTION][0];
	if (qq->type != q->qtype || qq->rclass != SG_C_IN || !sg_name_equal(qq->owner, q->qname)) {
		snprintf(r->why, sizeof(r->why), "reply to another question");
		return false;
	}
	return true;
}

static bool parse(up_reply_t *r, sg_arena_t *arena)
{
	int e = sg_msg_parse(&r->msg, r->wire, r->len, arena);
	if (e == SG_OK)
		return true;
	snprintf(r->why, sizeof(r->why), "malformed reply: %s (%s at offset %zu)", sg_strerror(e),
	         sg_msg_fault_name(r->msg.fault), r->msg.fault_offset);
	return false;
}

/* The resolver's side of one exchange: what the common transport calls for
 * each reply. */
struct accept_ctx {
	up_reply_t *r;
	const up_query_t *q;
	uint16_t id;
	sg_arena_t *arena;
	bool tcp;
};

static bool accept_reply(void *ctx, size_t len, char *why, size_t whycap)
{
	struct accept_ctx *a = ctx;
	up_reply_t *r = a->r;
	r->len = len;
	/* Over UDP the ID is checked before parsing so that junk costs no
	 * arena (over TCP the one reply is parsed, for the reason given). */
	if (!a->tcp && (len < SG_MSG_HDR_LEN || sg_get16(r->wire) != a->id)) {
		snprintf(why, whycap, "reply with a wrong ID or flags");
		return false;
	}
	if (parse(r, a->arena) && matches(r, a->q, a->id))
		return true;
	if (why != r->why)
		snprintf(why, whycap, "%s", r->why);
	return false;
}

static int exchange(up_reply_t *r, const struct sockaddr *sa, socklen_t salen, const up_query_t *q,
                    const uint8_t *qw, size_t qlen, uint16_t id, sg_arena_t *arena, bool tcp)
{
	struct accept_ctx a = {.r = r, .q = q, .id = id, .arena = arena, .tcp = tcp};
	sg_dnsx_t x = {.query = qw,
	               .qlen = qlen,
	               .wire = r->wire,
	               .cap = SG_MSG_MAX,
	               .timeout_ms = q->timeout_ms,
	               .max_datagrams = 64, /* bounded: a flood cannot hold us */
	               .accept = accept_reply,
	               .ctx = &a};
	size_t len = 0;
	r->tcp = tcp;
	if (!tcp) {
		switch (sg_dnsx_udp(&len, r->why, sizeof(r->why), sa, salen, &x)) {
		case SG_DNSX_OK:
			return UP_OK;
		case SG_DNSX_TIMEOUT:
			return UP_TIMEOUT;
		case SG_DNSX_BAD: /* not from UDP */
		case SG_DNSX_NETERR:
			break;
		}
		return UP_NETERR;
	}
	/* Over TCP, a transport failure says so in the reason. */
	char why[sizeof(r->why)] = "";
	switch (sg_dnsx_tcp(&len, why, sizeof(why), sa, salen, &x)) {
	case SG_DNSX_OK:
		return UP_OK;
	case SG_DNSX_BAD:
		snprintf(r->why, sizeof(r->why), "%s", why);
		return UP_BAD;
	case SG_DNSX_TIMEOUT:
		snprintf(r->why, sizeof(r->why), "timed out (TCP)");
		return UP_TIMEOUT;
	case SG_DNSX_NETERR:
		break;
	}
	snprintf(r->why, sizeof(r->why), "%s%.*s", strncmp(why, "socket: ", 8) ? "TCP: " : "",
	         (int)sizeof(r->why) - 6, why);
	return UP_NETERR;
}

int up_exchange(up_reply_t *r, const struct sockaddr *sa, socklen_t salen, const up_query_t *q,
                sg_arena_t *arena)
{
	uint8_t qw[512];
	size_t qlen;
	memset(r, 0, sizeof(*r));
	r->wire = sg_arena_alloc(arena, SG_MSG_MAX);
	if (!r->wire) {
		snprintf(r->why, sizeof(r->why), "out of memory");
		return UP_NETERR;
	}
	bool edns = true;
	uint16_t id = up_random16();
	if (build(qw, sizeof(qw), &qlen, q, id, edns) < 0) {
		snprintf(r->why, sizeof(r->why), "cannot build the query");
		return UP_NETERR;
	}
	int res = exchange(r, sa, salen, q, qw, qlen, id, arena, false);
	if (res == UP_OK && r->msg.rcode == SG_RC_FORMERR && !r->msg.has_edns) {
		/* RFC 6891 §7: a server that does not know EDNS; ask it plainly
		 * (its zones then come without signatures and validate as such). */
		edns = false;
		id = up_random16();
		if (build(qw, sizeof(qw), &qlen, q, id, edns) < 0)
			return UP_NETERR;
		res = exchange(r, sa, salen, q, qw, qlen, id, arena, false);
	}
	if (res == UP_OK && (r->msg.flags & SG_MSG_TC)) {
		id = up_random16();
		if (build(qw, sizeof(qw), &qlen, q, id, edns) < 0)
			return UP_NETERR;
		res = exchange(r, sa, salen, q, qw, qlen, id, arena, true);
	}
	return res;
}
