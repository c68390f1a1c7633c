/* Batched UDP serving. See udpbatch.h and docs/internals/common.md.
 *
 * Replies are written in place into per-slot send buffers (65535 octets of
 * address space each; only the pages answers touch become resident) and
 * go out in one sendmmsg per batch, a few when the socket buffer is full. */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/udpbatch.h"

struct sg_udpb {
	uint8_t *tx[SG_UDPB_BATCH];
	uint8_t rx[SG_UDPB_BATCH][SG_UDPB_BUF];
	struct sockaddr_storage peer[SG_UDPB_BATCH];
	struct iovec rxiov[SG_UDPB_BATCH], txiov[SG_UDPB_BATCH];
	struct mmsghdr rxm[SG_UDPB_BATCH], txm[SG_UDPB_BATCH];
	uint8_t *txmem;
	sg_udpb_ahead_fn ahead;
};

sg_udpb_t *sg_udpb_new(void)
{
	sg_udpb_t *u = calloc(1, sizeof(*u));
	if (!u)
		return NULL;
	u->txmem = malloc((size_t)SG_UDPB_BATCH * SG_UDPB_OUT);
	if (!u->txmem) {
		free(u);
		return NULL;
	}
	for (int i = 0; i < SG_UDPB_BATCH; i++)
		u->tx[i] = u->txmem + (size_t)i * SG_UDPB_OUT;
	return u;
}

void sg_udpb_free(sg_udpb_t *u)
{
	if (!u)
		return;
	free(u->txmem);
	free(u);
}

#define AHEAD_WINDOW 2 /* datagrams looked ahead of the one being answered */

void sg_udpb_set_ahead(sg_udpb_t *u, sg_udpb_ahead_fn ahead)
{
	u->ahead = ahead;
}

/* Makes the first n receive slots ready again (recvmmsg changed only the
 * ones it filled). */
static void arm(sg_udpb_t *u, int n)
{
	for (int i = 0; i < n; i++) {
		u->rxiov[i] = (struct iovec){u->rx[i], SG_UDPB_BUF};
		u->rxm[i].msg_hdr = (struct msghdr){.msg_name = &u->peer[i],
		                                    .msg_namelen = sizeof(u->peer[i]),
		                                    .msg_iov = &u->rxiov[i],
		                                    .msg_iovlen = 1};
		u->rxm[i].msg_len = 0;
	}
}

/* Answers the n datagrams just read and sends the replies. */
static void answer(sg_udpb_t *u, int fd, int n, sg_udpb_fn fn, void *ctx)
{
	int out = 0;
	sg_udpb_ahead_fn ahead = u->ahead;
	if (ahead) {
		for (unsigned step = 0; step < 2; step++) /* start, then one link */
			for (int i = 0; i < n; i++)
				ahead(ctx, (unsigned)i, u->rx[i], u->rxm[i].msg_len, step);
	}
	for (int i = 0; i < n; i++) {
		/* the next ones in line go one link further before this one is answered */
		for (int j = i + 1; ahead && j < n && j <= i + AHEAD_WINDOW; j++)
			ahead(ctx, (unsigned)j, u->rx[j], u->rxm[j].msg_len, 1);
		if (u->rxm[i].msg_hdr.msg_flags & MSG_TRUNC)
			continue; /* larger than any query we answer */
		size_t len = fn(ctx, u->rx[i], u->rxm[i].msg_len,
		                (const struct sockaddr *)&u->peer[i], u->rxm[i].msg_hdr.msg_namelen,
		                u->tx[out]);
		if (len == 0 || len > SG_UDPB_OUT)
			continue;
		u->txiov[out] = (struct iovec){u->tx[out], len};
		u->txm[out].msg_hdr = (struct msghdr){.msg_name = &u->peer[i],
		                                      .msg_namelen = u->rxm[i].msg_hdr.msg_namelen,
		                                      .msg_iov = &u->txiov[out],
		                                      .msg_iovlen = 1};
		out++;
	}
	for (int sent = 0, tries = 0; sent < out && tries < SG_UDPB_BATCH; tries++) {
		int r = sendmmsg(fd, u->txm + sent, (unsigned)(out - sent), 0);
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			sent++; /* skip the datagram that failed (e.g. bad peer) */
			continue;
		}
		sent += r;
	}
}

void sg_udpb_serve(sg_udpb_t *u, int fd, unsigned rounds, sg_udpb_fn fn, void *ctx)
{
	for (unsigned round = 0; round < rounds; round++) {
		arm(u, SG_UDPB_BATCH);
		int n = recvmmsg(fd, u->rxm, SG_UDPB_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return;
		answer(u, fd, n, fn, ctx);
		if (n < SG_UDPB_BATCH)
			return;
	}
}

int sg_udpb_loop(sg_udpb_t *u, int fd, const atomic_bool *stop, sg_udpb_fn fn, void *ctx)
{
	arm(u, SG_UDPB_BATCH);
	for (;;) {
		int n = recvmmsg(fd, u->rxm, SG_UDPB_BATCH, MSG_WAITFORONE, NULL);
		if (atomic_load_explicit(stop, memory_order_acquire))
			return 0;
		if (n <= 0) {
			if (n < 0 && errno != EINTR && errno != EAGAIN && errno != ENOMEM &&
			    errno != ENOBUFS)
				return -1;
			continue;
		}
		answer(u, fd, n, fn, ctx);
		arm(u, n);
	}
}

int sg_bind_socket(const cfg_addr_t *a, int type, int rcvbuf, bool reuseport)
{
	int fd = socket(a->ss.ss_family, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (reuseport)
		setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	/* FORCE needs CAP_NET_ADMIN; the plain option is capped by
	 * net.core.rmem_max. */
	if (type == SOCK_DGRAM && rcvbuf > 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (a->ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)&a->ss, a->len) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}
