/* signetd — what the network side (server.c), the zone manager
 * (autosign.c) and main.c share: the log, the published view of the zones,
 * and the start/stop calls. */
#ifndef SIGNET_SERVER_SERVER_H
#define SIGNET_SERVER_SERVER_H

#include <stdatomic.h>
#include <stdint.h>

#include "server/answer.h"
#include "server/config.h"

/* One line on stderr: "2026-11-28T05:15:59Z signetd: <text>". Thread-safe. */
void sd_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Seconds since the epoch (signetd reads the clock; the library never does). */
int64_t sd_now(void);
/* Milliseconds on a monotonic clock (for timeouts). */
int64_t sd_now_ms(void);

/* What the query path reads: the zone set and each zone's transfer ACL.
 * Immutable once published; reference counted. Readers take a reference
 * only when the generation number changes (see server.c), so a query
 * never takes a lock. */
typedef struct sd_view_zone {
	uint8_t origin[SG_NAME_MAX];
	cfg_prefixes_t allow_transfer; /* owned copy */
} sd_view_zone_t;

typedef struct sd_view {
	atomic_uint refs;
	sg_zoneset_t *zs;
	sd_view_zone_t *zones;
	size_t nzones;
} sd_view_t;

/* A view over zs (the view takes the reference the caller had) with an
 * empty ACL per zone; NULL when out of memory (zs is then unreferenced). */
sd_view_t *sd_view_new(sg_zoneset_t *zs);
sd_view_t *sd_view_ref(sd_view_t *v);
void sd_view_unref(sd_view_t *v);

/* ---- server.c ------------------------------------------------------------ */

/* Binds every listen address (UDP and TCP) and starts the UDP threads.
 * Returns 0 or -1 after logging which address failed. */
int server_start(const cfg_t *c);
/* Replaces the published view (takes the caller's reference). */
void server_publish(sd_view_t *v);
/* Runs the TCP side, signals and the control channel on the calling
 * thread until SIGTERM/SIGINT. Returns the exit status. */
int server_run(void);

#endif
