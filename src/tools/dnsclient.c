/* The client side of DNS for the signet tools, shared by `signet query`
 * and `signet trace` (moved here from cmd_query.c). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "signet/msg.h"
#include "signet/name.h"
#include "signet/rr.h"
#include "tools/dnsclient.h"

int64_t tool_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for `events` on fd until the deadline. 1 ready, 0 timeout, -1 error. */
static int wait_fd(int fd, short events, int64_t deadline)
{
	for (;;) {
		int64_t left = deadline - tool_now_ms();
		if (left <= 0)
			return 0;
		struct pollfd p = {.fd = fd, .events = events};
		int n = poll(&p, 1, (int)(left > 60000 ? 60000 : left));
		if (n > 0)
			return 1;
		if (n < 0 && errno != EINTR)
			return -1;
	}
}

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
	sg_arena_reset(arena);
	int e = sg_msg_parse(&r->msg, r->wire, r->len, arena);
	if (e == SG_OK || (e == SG_EMALFORMED && r->msg.fault == SG_MF_TRAILING))
		return true;
	snprintf(r->why, sizeof(r->why), "bad packet: %s (%s at offset %zu)", sg_strerror(e),
	         sg_msg_fault_name(r->msg.fault), r->msg.fault_offset);
	return false;
}

enum tool_xr tool_exchange_udp(tool_reply_t *r, const tool_xq_t *o, const struct sockaddr *sa,
                               socklen_t salen, const uint8_t *q, size_t qlen, uint16_t id,
                               sg_arena_t *arena)
{
	int fd = socket(sa->sa_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	enum tool_xr res = TOOL_XR_NETERR;
	if (fd < 0) {
		snprintf(r->why, sizeof(r->why), "socket: %s", strerror(errno));
		return TOOL_XR_NETERR;
	}
	/* connect(): the kernel then drops datagrams from other addresses and
	 * reports ICMP port-unreachable as ECONNREFUSED. */
	if (connect(fd, sa, salen) < 0 || send(fd, q, qlen, 0) != (ssize_t)qlen) {
		snprintf(r->why, sizeof(r->why), "%s", strerror(errno));
		goto out;
	}
	int64_t deadline = tool_now_ms() + o->timeout_ms;
	for (;;) {
		int w = wait_fd(fd, POLLIN, deadline);
		if (w == 0) {
			snprintf(r->why, sizeof(r->why), "timed out");
			res = TOOL_XR_TIMEOUT;
			goto out;
		}
		ssize_t n = w > 0 ? recv(fd, r->wire, sizeof(r->wire), 0) : -1;
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			snprintf(r->why, sizeof(r->why), "%s",
			         errno == ECONNREFUSED ? "connection refused" : strerror(errno));
			goto out;
		}
		r->len = (size_t)n;
		/* A stray or forged datagram must not end the wait (RFC 5452 §9.1). */
		if (!reply_parse(r, arena) || !reply_matches(r, o, id)) {
			if (o->diag)
				fprintf(o->diag, ";; Warning: %s\n", r->why);
			continue;
		}
		res = TOOL_XR_OK;
		goto out;
	}
out:
	close(fd);
	return res;
}

/* Writes or reads exactly n octets before the deadline. 0, or -1 with
 * errno (ETIMEDOUT on timeout, ECONNRESET on early EOF). */
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

enum tool_xr tool_exchange_tcp(tool_reply_t *r, const tool_xq_t *o, const struct sockaddr *sa,
                               socklen_t salen, const uint8_t *q, size_t qlen, uint16_t id,
                               sg_arena_t *arena)
{
	int64_t deadline = tool_now_ms() + o->timeout_ms;
	uint8_t out[2 + 512];
	enum tool_xr res = TOOL_XR_NETERR;
	int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		snprintf(r->why, sizeof(r->why), "socket: %s", strerror(errno));
		return TOOL_XR_NETERR;
	}
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
	/* RFC 1035 §4.2.2: two-octet length, then the message, in one write. */
	out[0] = (uint8_t)(qlen >> 8);
	out[1] = (uint8_t)qlen;
	memcpy(out + 2, q, qlen);
	uint8_t lb[2];
	if (tcp_io(fd, out, 2 + qlen, true, deadline) < 0 || tcp_io(fd, lb, 2, false, deadline) < 0)
		goto neterr;
	r->len = (size_t)lb[0] << 8 | lb[1];
	if (tcp_io(fd, r->wire, r->len, false, deadline) < 0)
		goto neterr;
	if (!reply_parse(r, arena) || !reply_matches(r, o, id)) {
		res = TOOL_XR_BAD;
		goto out;
	}
	res = TOOL_XR_OK;
	goto out;
neterr:
	if (errno == ETIMEDOUT) {
		snprintf(r->why, sizeof(r->why), "timed out");
		res = TOOL_XR_TIMEOUT;
	} else {
		snprintf(r->why, sizeof(r->why), "%s",
		         errno == ECONNREFUSED ? "connection refused" : strerror(errno));
	}
out:
	close(fd);
	return res;
}
