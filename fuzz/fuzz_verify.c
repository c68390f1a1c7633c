/* libFuzzer target for the DNSKEY/RRSIG verification path.
 *
 * Input layout (all lengths big-endian 16 bit):
 *   u8 nkeys (mod 4) | nkeys x (len, DNSKEY RDATA) | len, RRSIG RDATA |
 *   u16 type | then records of the RRset: (len, RDATA)...
 * The owner and zone are fixed ("example." under "example."); the time is
 * fixed too. Keys that do not parse are skipped, as a validator skips them.
 * Whatever the bytes, sg_dnskey_init_rdata, sg_dnskey_tag, sg_ds_digest and
 * sg_rrsig_verify must neither crash nor return an unknown result.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "signet/dnssec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_RRS 16

static const uint8_t *take(const uint8_t **p, const uint8_t *end, size_t *len)
{
	if (end - *p < 2)
		return NULL;
	size_t l = (size_t)(*p)[0] << 8 | (*p)[1];
	*p += 2;
	if ((size_t)(end - *p) < l)
		return NULL;
	const uint8_t *r = *p;
	*p += l;
	*len = l;
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t zone[] = {7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0};
	const uint8_t *p = data, *end = data + size;
	if (p == end)
		return 0;
	unsigned want = *p++ % 4;
	sg_dnskey_t keys[4];
	size_t nkeys = 0;
	char err[256];
	for (unsigned i = 0; i < want; i++) {
		size_t len;
		const uint8_t *rd = take(&p, end, &len);
		if (!rd)
			goto out;
		(void)sg_dnskey_tag(rd, len);
		uint8_t ds[128];
		(void)sg_ds_digest(ds, sizeof(ds), SG_DS_SHA256, zone, rd, len);
		if (sg_dnskey_init_rdata(&keys[nkeys], zone, rd, len, err, sizeof(err)) == SG_OK)
			nkeys++;
	}
	size_t siglen;
	const uint8_t *sig = take(&p, end, &siglen);
	if (!sig || end - p < 2)
		goto out;
	uint16_t type = (uint16_t)(p[0] << 8 | p[1]);
	p += 2;
	sg_rdata_ref_t rds[MAX_RRS];
	size_t n = 0;
	while (n < MAX_RRS) {
		size_t len;
		const uint8_t *rd = take(&p, end, &len);
		if (!rd)
			break;
		rds[n].data = rd;
		rds[n].len = len;
		n++;
	}
	if (n == 0)
		goto out;
	sg_rrset_view_t rrset = {.owner = zone, .type = type, .rclass = 1, .ttl = 3600,
				 .rdata = rds, .count = n};
	int result = -1;
	int rc = sg_rrsig_verify(&result, &rrset, sig, siglen, zone, keys, nkeys, 1700000000);
	if (rc == SG_OK && (result < 0 || result >= SG_V_COUNT))
		abort();
	if (rc == SG_OK)
		(void)sg_vresult_str(result);
out:
	for (size_t i = 0; i < nkeys; i++)
		sg_dnskey_deinit(&keys[i]);
	return 0;
}
