/* libFuzzer target: the master-file scanner over arbitrary bytes, with the
 * RDATA of every record printed back (exercises sg_rdata_to_text too). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "signet/rr.h"
#include "signet/zonefile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_error(void *ctx, const char *file, unsigned line, const char *msg)
{
	/* touch the message so a bad pointer or missing NUL shows up */
	size_t *n = ctx;
	*n += strlen(msg) + strlen(file) + line;
}

static int on_record(void *ctx, const sg_rr_t *rr, const char *file, unsigned line)
{
	char text[4096];
	(void)ctx;
	(void)file;
	(void)line;
	int n = sg_rdata_to_text(text, sizeof(text), rr->type, rr->rdata, rr->rdlen, 0);
	if (n >= (int)sizeof(text))
		__builtin_trap();
	/* the owner must be a well-formed name */
	char owner[SG_NAME_TEXT_MAX];
	if (sg_name_to_text(owner, sizeof(owner), rr->owner) < 0)
		__builtin_trap();
	return SG_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t origin[] = "\7example\3com";
	size_t sink = 0;
	sg_zparse_opts_t o = {
		.origin = origin,
		.no_include = 1,
		.max_errors = 1000,
		.error = on_error,
		.record = on_record,
		.ctx = &sink,
	};
	sg_zparse_stats_t st;
	(void)sg_zonefile_parse_mem((const char *)data, size, "fuzz.zone", &o, &st);
	return 0;
}
