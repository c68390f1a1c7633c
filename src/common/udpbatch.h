/* Batched UDP serving shared by signetd and signet-resolver: datagrams are
 * read with recvmmsg and the replies sent with sendmmsg, around a handler
 * called once per datagram. See docs/internals/common.md. */
#ifndef SIGNET_COMMON_UDPBATCH_H
#define SIGNET_COMMON_UDPBATCH_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "common/addr.h"

#define SG_UDPB_BATCH 32   /* datagrams per recvmmsg */
#define SG_UDPB_BUF   4096 /* largest datagram read; longer ones are dropped */

typedef struct sg_udpb sg_udpb_t;

/* Answers one datagram `q` of `qlen` octets from `peer`: writes the reply
 * into `out` (room for SG_UDPB_OUT octets) and returns its length, or 0 to
 * send nothing. Runs on the thread that called sg_udpb_serve/loop. */
#define SG_UDPB_OUT 65535
typedef size_t (*sg_udpb_fn)(void *ctx, const uint8_t *q, size_t qlen,
                             const struct sockaddr *peer, socklen_t peerlen, uint8_t *out);

/* Optional look-ahead, so that the handler's waits for memory overlap:
 * called with step 0 (start) and then step 1 (one link further) for every
 * datagram of a batch before the first is answered, then with step 1 again
 * for the next two datagrams in line before each one is answered. `slot`
 * (< SG_UDPB_BATCH) tells the datagrams apart; a slot keeps its datagram
 * until it is answered. */
typedef void (*sg_udpb_ahead_fn)(void *ctx, unsigned slot, const uint8_t *q, size_t qlen,
                                 unsigned step);

/* NULL when out of memory. Each serving thread needs its own. */
sg_udpb_t *sg_udpb_new(void);
void sg_udpb_free(sg_udpb_t *u);
void sg_udpb_set_ahead(sg_udpb_t *u, sg_udpb_ahead_fn ahead);

/* Serves what is waiting on non-blocking-read `fd` without sleeping: at
 * most `rounds` full batches. */
void sg_udpb_serve(sg_udpb_t *u, int fd, unsigned rounds, sg_udpb_fn fn, void *ctx);

/* Sleeps in recvmmsg(MSG_WAITFORONE) itself rather than in poll (one system
 * call fewer per wake-up) and serves each batch, until a wake-up finds
 * *stop set: set it, then shutdown(fd, SHUT_RD) to wake the call. Returns
 * 0, or -1 with errno after a socket error. */
int sg_udpb_loop(sg_udpb_t *u, int fd, const atomic_bool *stop, sg_udpb_fn fn, void *ctx);

/* A socket bound to `a` for serving DNS: SO_REUSEADDR, IPV6_V6ONLY for
 * IPv6, SO_REUSEPORT when `reuseport` (several threads' sockets on one
 * address); for SOCK_DGRAM a receive buffer of `rcvbuf` octets (0: the
 * system's) for bursts while the thread is off the CPU. Returns the
 * descriptor, or -1 with errno. */
int sg_bind_socket(const cfg_addr_t *a, int type, int rcvbuf, bool reuseport);

#endif
