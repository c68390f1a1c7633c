/* The daemons' log: one line per event on standard error, shared by
 * signetd and signet-resolver (moved here from src/server/server.c). */
#ifndef SIGNET_COMMON_LOG_H
#define SIGNET_COMMON_LOG_H

#include <stdarg.h>

/* Writes "2026-11-28T05:15:59.123Z PROG: <text>" and a newline to stderr,
 * whole lines even from several threads. */
void daemon_vlog(const char *prog, const char *fmt, va_list ap)
        __attribute__((format(printf, 2, 0)));

#endif
