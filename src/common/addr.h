/* Socket addresses written "ADDR@PORT", shared by signetd and
 * signet-resolver (moved here from src/server/config.c). */
#ifndef SIGNET_COMMON_ADDR_H
#define SIGNET_COMMON_ADDR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* A socket address as written "ADDR@PORT" (IPv6 as "::1@5353"). */
typedef struct cfg_addr {
	struct sockaddr_storage ss;
	socklen_t len;
	char text[80]; /* as written, for messages */
} cfg_addr_t;

typedef struct cfg_addrs {
	cfg_addr_t *v;
	size_t n;
} cfg_addrs_t;

/* Parses "ADDR@PORT" ("ADDR" alone: default_port). Returns 0 or -1. */
int cfg_parse_addr(cfg_addr_t *out, const char *text, uint16_t default_port);

#endif
