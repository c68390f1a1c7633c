/* Internal: the field walker shared by the RDATA modules. */
#ifndef SIGNET_WIRE_RDATA_WALK_H
#define SIGNET_WIRE_RDATA_WALK_H

#include <stddef.h>
#include <stdint.h>

/* Wire length of one field of `kind` starting at p with avail octets left
 * in the RDATA, or SG_EMALFORMED. Fields that run "to the end" take all. */
int sg_rdata_field_len(uint8_t kind, const uint8_t *p, size_t avail);

#endif
