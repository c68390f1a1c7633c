/* One DNS exchange over UDP or TCP. See dnsclient.h. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/dnsclient.h"

int64_t sg_dnsx_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for `events` on fd until the deadline. 1 ready, 0 timeout, -1 error. */
static int wait_fd(int fd, short events, int64_t deadline)
{
	for (;;) {
		int64_t left = deadline - sg_dnsx_now_ms();
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

static const char *neterr_text(int err)
{
	return err == ECONNREFUSED ? "connection refused" : strerror(err);
}

enum sg_dnsx_result sg_dnsx_udp(size_t *len, char *why, size_t whycap, const struct sockaddr *sa,
                                socklen_t salen, const sg_dnsx_t *x)
{
	enum sg_dnsx_result res = SG_DNSX_NETERR;
	int fd = socket(sa->sa_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		snprintf(why, whycap, "socket: %s", strerror(errno));
		return SG_DNSX_NETERR;
	}
	/* connect(): the kernel binds a random ephemeral port, drops datagrams
	 * from other addresses and reports ICMP unreachable as ECONNREFUSED. */
	if (connect(fd, sa, salen) < 0 || send(fd, x->query, x->qlen, 0) != (ssize_t)x->qlen) {
		snprintf(why, whycap, "%s", strerror(errno));
		goto out;
	}
	int64_t deadline = sg_dnsx_now_ms() + x->timeout_ms;
	for (unsigned tries = 0; x->max_datagrams == 0 || tries < x->max_datagrams; tries++) {
		int w = wait_fd(fd, POLLIN, deadline);
		if (w == 0) {
			snprintf(why, whycap, "timed out");
			res = SG_DNSX_TIMEOUT;
			goto out;
		}
		ssize_t n = w > 0 ? recv(fd, x->wire, x->cap, 0) : -1;
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			snprintf(why, whycap, "%s", neterr_text(errno));
			goto out;
		}
		*len = (size_t)n;
		/* A stray or forged datagram must not end the wait (RFC 5452 §9.1). */
		if (!x->accept(x->ctx, (size_t)n, why, whycap))
			continue;
		res = SG_DNSX_OK;
		goto out;
	}
	snprintf(why, whycap, "too many unacceptable datagrams");
	res = SG_DNSX_TIMEOUT;
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

enum sg_dnsx_result sg_dnsx_tcp(size_t *len, char *why, size_t whycap, const struct sockaddr *sa,
                                socklen_t salen, const sg_dnsx_t *x)
{
	int64_t deadline = sg_dnsx_now_ms() + x->timeout_ms;
	uint8_t out[2 + 512];
	enum sg_dnsx_result res = SG_DNSX_NETERR;
	int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		snprintf(why, whycap, "socket: %s", strerror(errno));
		return SG_DNSX_NETERR;
	}
	if (x->qlen > sizeof(out) - 2) {
		errno = EMSGSIZE;
		goto neterr;
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
	out[0] = (uint8_t)(x->qlen >> 8);
	out[1] = (uint8_t)x->qlen;
	memcpy(out + 2, x->query, x->qlen);
	uint8_t lb[2];
	if (tcp_io(fd, out, 2 + x->qlen, true, deadline) < 0 ||
	    tcp_io(fd, lb, 2, false, deadline) < 0)
		goto neterr;
	*len = (size_t)lb[0] << 8 | lb[1];
	if (*len > x->cap) {
		errno = EMSGSIZE;
		goto neterr;
	}
	if (tcp_io(fd, x->wire, *len, false, deadline) < 0)
		goto neterr;
	res = x->accept(x->ctx, *len, why, whycap) ? SG_DNSX_OK : SG_DNSX_BAD;
	goto out;
neterr:
	if (errno == ETIMEDOUT) {
		snprintf(why, whycap, "timed out");
		res = SG_DNSX_TIMEOUT;
	} else {
		snprintf(why, whycap, "%s", neterr_text(errno));
	}
out:
	close(fd);
	return res;
}
