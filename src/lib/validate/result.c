/* Validation results: names, RFC 8914 codes, options. */
#include <stdio.h>
#include <string.h>

#include "validate/val_int.h"

static const char *const status_names[] = {
        [SG_VAL_INDETERMINATE] = "indeterminate",
        [SG_VAL_SECURE] = "secure",
        [SG_VAL_INSECURE] = "insecure",
        [SG_VAL_BOGUS] = "bogus",
};

const char *sg_val_status_name(int status)
{
	if (status < 0 || status > SG_VAL_BOGUS)
		return "unknown";
	return status_names[status];
}

static const struct {
	const char *name;
	int ede;
} reasons[SG_VR_COUNT] = {
        [SG_VR_NONE] = {"ok", -1},
        [SG_VR_UNSUPPORTED_ALG] = {"unsupported DNSKEY algorithm", 1},
        [SG_VR_UNSUPPORTED_DIGEST] = {"unsupported DS digest type", 2},
        [SG_VR_INSECURE_DELEGATION] = {"insecure delegation", -1},
        [SG_VR_OPT_OUT] = {"NSEC3 opt-out", -1},
        [SG_VR_NSEC3_ITERATIONS] = {"unsupported NSEC3 iterations value", 27},
        [SG_VR_NSEC3_HASH_ALG] = {"unsupported NSEC3 hash algorithm", 0},
        [SG_VR_NO_ANCHOR] = {"no trust anchor", -1},
        [SG_VR_BOGUS] = {"DNSSEC bogus", 6},
        [SG_VR_SIG_EXPIRED] = {"signature expired", 7},
        [SG_VR_SIG_NOT_YET_VALID] = {"signature not yet valid", 8},
        [SG_VR_DNSKEY_MISSING] = {"DNSKEY missing", 9},
        [SG_VR_RRSIGS_MISSING] = {"RRSIGs missing", 10},
        [SG_VR_NO_ZONE_KEY] = {"no zone key bit set", 11},
        [SG_VR_NSEC_MISSING] = {"NSEC missing", 12},
        [SG_VR_MALFORMED] = {"malformed record", 6},
        [SG_VR_LIMIT] = {"validation work limit reached", 6},
};

const char *sg_val_reason_name(int reason)
{
	if (reason < 0 || reason >= SG_VR_COUNT || !reasons[reason].name)
		return "unknown reason";
	return reasons[reason].name;
}

int sg_val_reason_ede(int reason)
{
	if (reason < 0 || reason >= SG_VR_COUNT || !reasons[reason].name)
		return 0;
	return reasons[reason].ede;
}

void sg_val_opts_init(sg_val_opts_t *opts, int64_t now)
{
	memset(opts, 0, sizeof(*opts));
	opts->now = now;
	opts->max_sigs = SG_VAL_MAX_SIGS_DEFAULT;
	opts->max_nsec3_hashes = SG_VAL_MAX_NSEC3_HASHES_DEFAULT;
	opts->max_nsec3_iterations = SG_VAL_MAX_NSEC3_ITERATIONS;
}

void val_clear(sg_val_result_t *res)
{
	memset(res, 0, sizeof(*res));
	res->status = SG_VAL_INDETERMINATE;
	res->reason = SG_VR_NONE;
}

void val_set(sg_val_result_t *res, int status, int reason, const char *fmt, ...)
{
	res->status = status;
	res->reason = reason;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(res->text, sizeof(res->text), fmt, ap);
	va_end(ap);
}

const char *val_name(char *buf, const uint8_t *name)
{
	if (sg_name_to_text(buf, SG_NAME_TEXT_MAX, name) < 0)
		snprintf(buf, SG_NAME_TEXT_MAX, "?");
	return buf;
}
