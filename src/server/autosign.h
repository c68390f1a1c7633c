/* signetd — the zone manager: loads zones, signs them by itself, keeps the
 * signatures fresh, publishes the zone set, and NOTIFYs secondaries.
 *
 * All of the loading and signing runs off the query path: at start-up on
 * the main thread before the server answers, afterwards on one background
 * thread that wakes for re-signing deadlines and reload requests. Each
 * change ends with one server_publish() of a whole new view.
 */
#ifndef SIGNET_SERVER_AUTOSIGN_H
#define SIGNET_SERVER_AUTOSIGN_H

#include "server/config.h"
#include "server/server.h"

/* Reads the configuration again (for a reload); returns NULL with err set
 * (and logged). */
typedef cfg_t *(*zm_config_fn)(char *err, size_t errcap);

/* Takes ownership of c. Loads (and signs) every zone of c and publishes
 * them. At start-up a zone that fails is fatal: returns -1 after logging. */
int zm_start(cfg_t *c, zm_config_fn reload_config);
/* Starts the background thread (re-signing on time, reloads on request). */
int zm_thread_start(void);
/* Asks for a reload of the configuration and every zone. Returns at once
 * with a ticket for zm_reload_result(). */
uint64_t zm_request_reload(void);
/* Whether the reload of ticket (or a later one, which covers it) is done.
 * 0: not yet. 1: done, *text (caller frees; NULL when out of memory) is
 * "ok: ..." or one "error: ..." line per zone or configuration that failed,
 * then the status lines. */
int zm_reload_result(uint64_t ticket, char **text);
/* A status text, one line per zone; the caller frees it. NULL: no memory. */
char *zm_status(void);
/* Stops the thread and frees every zone. */
void zm_stop(void);

#endif
