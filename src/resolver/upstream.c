/* signet-resolver — one exchange with an authoritative server. See upstream.h. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "resolver/upstream.h"
#include "signet/rr.h"

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

uint16_t up_random16(void)
{
	uint16_t v = 0;
	for (int i = 0; i < 8; i++) /* getrandom on a few octets does not fail short once seeded */
		if (getrandom(&v, sizeof(v), 0) == (ssize_t)sizeof(v))
			return v;
	return (uint16_t)(mono_ms() ^ (int64_t)getpid()); /* never reached on Linux >= 3.17 */
}

/* Waits for `events` on fd until the deadline. 1 ready, 0 timeout, -1 error. */
static int wait_fd(int fd, short events, int64_t deadline)
{
	for (;;) {
		int64_t left = deadline - mono_ms();
		if (left <= 0)
			return 0;
		struct pollfd p = {.fd = fd, .events = events};
		int n = poll(&p, 1, (int)left);
		if (n > 0)
			return 1;
		if (n < 0 && errno != EINTR)
			return -1;
	}
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

static int exchange_udp(up_reply_t *r, const struct sockaddr *sa, socklen_t salen,
                        const up_query_t *q, const uint8_t *qw, size_t qlen, uint16_t id,
                        sg_arena_t *arena)
{
	int fd = socket(sa->sa_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	int res = UP_NETERR;
	if (fd < 0) {
		snprintf(r->why, sizeof(r->why), "socket: %s", strerror(errno));
		return UP_NETERR;
	}
	/* connect(): the kernel binds a random ephemeral port, drops datagrams
	 * from other addresses and reports ICMP unreachable as ECONNREFUSED. */
	if (connect(fd, sa, salen) < 0 || send(fd, qw, qlen, 0) != (ssize_t)qlen) {
		snprintf(r->why, sizeof(r->why), "%s", strerror(errno));
		goto out;
	}
	int64_t deadline = mono_ms() + q->timeout_ms;
	for (int tries = 0; tries < 64; tries++) { /* bounded: a flood cannot hold us */
		int w = wait_fd(fd, POLLIN, deadline);
		if (w == 0) {
			snprintf(r->why, sizeof(r->why), "timed out");
			res = UP_TIMEOUT;
			goto out;
		}
		ssize_t n = w > 0 ? recv(fd, r->wire, SG_MSG_MAX, 0) : -1;
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			snprintf(r->why, sizeof(r->why), "%s",
			         errno == ECONNREFUSED ? "connection refused" : strerror(errno));
			goto out;
		}
		r->len = (size_t)n;
		/* A stray or forged datagram must not end the wait (RFC 5452 §9.1).
		 * The ID is checked before parsing so that junk costs no arena. */
		if (n < SG_MSG_HDR_LEN || sg_get16(r->wire) != id)
			continue;
		if (!parse(r, arena) || !matches(r, q, id))
			continue;
		res = UP_OK;
		goto out;
	}
	snprintf(r->why, sizeof(r->why), "too many unacceptable datagrams");
	res = UP_TIMEOUT;
out:
	close(fd);
	return res;
}

/* Writes or reads exactly n octets before the deadline. 0 or -1 (errno). */
static int tcp_io(int fd, uint8_t *buf, size_t n, bool writing, int64_t deadline)
{
	size_t done = 0;
	while (done < n) {
		int w = wait_fd(fd, writing ? POLLOUT : POLLIN, deadline);
		if (w <= 0) {
			if (w == 0)
				errno = ETIMEDOUT;
			return -1;
		}
		ssize_t k = writing ? send(fd, buf + done, n - done, MSG_NOSIGNAL)
		                    : recv(fd, buf + done, n - done, 0);
		if (k < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return -1;
		}
		if (k == 0) {
			errno = ECONNRESET;
			return -1;
		}
		done += (size_t)k;
	}
	return 0;
}

static int exchange_tcp(up_reply_t *r, const struct sockaddr *sa, socklen_t salen,
                        const up_query_t *q, const uint8_t *qw, size_t qlen, uint16_t id,
                        sg_arena_t *arena)
{
	int64_t deadline = mono_ms() + q->timeout_ms;
	uint8_t out[2 + 512];
	int res = UP_NETERR;
	r->tcp = true;
	int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		snprintf(r->why, sizeof(r->why), "socket: %s", strerror(errno));
		return UP_NETERR;
	}
	if (qlen > 512)
		goto neterr;
	if (connect(fd, sa, salen) < 0 && errno != EINPROGRESS)
		goto neterr;
	int w = wait_fd(fd, POLLOUT, deadline);
	if (w == 0) {
		errno = ETIMEDOUT;
		goto neterr;
	}
	int soerr = 0;
	socklen_t sl = sizeof(soerr);
	if (w < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0)
		goto neterr;
	if (soerr) {
		errno = soerr;
		goto neterr;
	}
	out[0] = (uint8_t)(qlen >> 8);
	out[1] = (uint8_t)qlen;
	memcpy(out + 2, qw, qlen);
	uint8_t lb[2];
	if (tcp_io(fd, out, 2 + qlen, true, deadline) < 0 || tcp_io(fd, lb, 2, false, deadline) < 0)
		goto neterr;
	r->len = (size_t)lb[0] << 8 | lb[1];
	if (tcp_io(fd, r->wire, r->len, false, deadline) < 0)
		goto neterr;
	if (!parse(r, arena) || !matches(r, q, id)) {
		res = UP_BAD;
		goto out;
	}
	res = UP_OK;
	goto out;
neterr:
	if (errno == ETIMEDOUT) {
		snprintf(r->why, sizeof(r->why), "timed out (TCP)");
		res = UP_TIMEOUT;
	} else {
		snprintf(r->why, sizeof(r->why), "TCP: %s",
		         errno == ECONNREFUSED ? "connection refused" : strerror(errno));
	}
out:
	close(fd);
	return res;
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
	int res = exchange_udp(r, sa, salen, q, qw, qlen, id, arena);
	if (res == UP_OK && r->msg.rcode == SG_RC_FORMERR && !r->msg.has_edns) {
		/* RFC 6891 §7: a server that does not know EDNS; ask it plainly
		 * (its zones then come without signatures and validate as such). */
		edns = false;
		id = up_random16();
		if (build(qw, sizeof(qw), &qlen, q, id, edns) < 0)
			return UP_NETERR;
		res = exchange_udp(r, sa, salen, q, qw, qlen, id, arena);
	}
	if (res == UP_OK && (r->msg.flags & SG_MSG_TC)) {
		id = up_random16();
		if (build(qw, sizeof(qw), &qlen, q, id, edns) < 0)
			return UP_NETERR;
		res = exchange_tcp(r, sa, salen, q, qw, qlen, id, arena);
	}
	return res;
}
