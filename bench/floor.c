/* The serving benchmark's floor (bench/serve.py --servers ...,floor): a UDP
 * "server" that does no DNS work at all. It reads datagrams the way signetd
 * does (recvmmsg with MSG_WAITFORONE, sleeping in it; up to 64 at a time)
 * and sends each one back with the QR bit set in one sendmmsg, so its CPU
 * time per query is what the system charges any server for receiving,
 * sending, sleeping and being woken, and waking the client. What a real
 * server spends above it is the part its own code decides.
 *
 * usage: floor PORT          (listens on 127.0.0.1; SIGTERM stops it)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

#define BATCH 64
#define BUF   4096

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: floor PORT\n");
		return 2;
	}
	signal(SIGTERM, SIG_DFL); /* even if the parent ignored it: an ignore survives exec */
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	int rcvbuf = 4 << 20; /* as signetd's UDP sockets */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1]))};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("floor: bind");
		return 1;
	}
	static uint8_t buf[BATCH][BUF];
	static struct sockaddr_storage peer[BATCH];
	static struct iovec iov[BATCH], tiov[BATCH];
	static struct mmsghdr rx[BATCH], tx[BATCH];
	for (;;) {
		for (int i = 0; i < BATCH; i++) {
			iov[i] = (struct iovec){buf[i], BUF};
			rx[i].msg_hdr = (struct msghdr){.msg_name = &peer[i],
			                                .msg_namelen = sizeof(peer[i]),
			                                .msg_iov = &iov[i],
			                                .msg_iovlen = 1};
		}
		int n = recvmmsg(fd, rx, BATCH, MSG_WAITFORONE, NULL);
		if (n <= 0)
			continue;
		int out = 0;
		for (int i = 0; i < n; i++) {
			if (rx[i].msg_len < 12)
				continue;
			buf[i][2] |= 0x80; /* QR: a response, rcode as the query's (0) */
			tiov[out] = (struct iovec){buf[i], rx[i].msg_len};
			tx[out].msg_hdr = (struct msghdr){.msg_name = &peer[i],
			                                  .msg_namelen = rx[i].msg_hdr.msg_namelen,
			                                  .msg_iov = &tiov[out],
			                                  .msg_iovlen = 1};
			out++;
		}
		for (int sent = 0; sent < out;) {
			int r = sendmmsg(fd, tx + sent, (unsigned)(out - sent), 0);
			sent += r > 0 ? r : 1;
		}
	}
}
