/* signet-resolver — the network front end: UDP and TCP listeners on one
 * libuv loop; each client question is resolved on libuv's worker pool
 * (iter.c blocks on upstream I/O) and answered back on the loop. */
#ifndef SIGNET_RESOLVER_NET_H
#define SIGNET_RESOLVER_NET_H

#include "resolver/iter.h"
#include "resolver/rconfig.h"

/* Binds every listen address, serves until SIGTERM/SIGINT, logs the
 * counters and returns the exit status. */
int net_run(const rcfg_t *cfg, resolver_t *r);

#endif
