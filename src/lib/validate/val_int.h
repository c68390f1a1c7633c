/* Internal to src/lib/validate: the key set's layout and helpers the
 * files share. */
#ifndef SIGNET_VALIDATE_INT_H
#define SIGNET_VALIDATE_INT_H

#include <stdarg.h>

#include "signet/validate.h"

struct sg_val_keyset {
	uint8_t zone[SG_NAME_MAX];
	size_t n;
	sg_dnskey_t *keys;
};

/* Sets status and reason and formats the text. */
void val_set(sg_val_result_t *res, int status, int reason, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

/* Resets res to INDETERMINATE with empty text. */
void val_clear(sg_val_result_t *res);

/* Presentation form of a name into buf (SG_NAME_TEXT_MAX), "?" on failure. */
const char *val_name(char *buf, const uint8_t *name);

/* Checks the RRSIGs over rr with keys[0..nkeys), trying only keys with
 * usable[i] true (usable NULL: all). zone: required signer name. Sets res
 * (SECURE or BOGUS with a reason); *signer receives the index of the key
 * whose signature verified (-1 otherwise). Adds to stats and detail->sigs
 * (detail may be NULL). Returns SG_OK or SG_ENOMEM/SG_ECRYPTO. */
int val_check_sigs(sg_val_result_t *res, int *signer, const sg_val_rrset_t *rr, const uint8_t *zone,
                   const sg_dnskey_t *keys, size_t nkeys, const bool *usable,
                   const sg_val_opts_t *opts, sg_val_stats_t *stats, sg_val_detail_t *detail);

#endif
