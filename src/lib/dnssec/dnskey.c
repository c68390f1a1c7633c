/* DNSKEY helpers: key tag, DS digest, NSEC3 hash, sg_dnskey_t setup. */
#include <stdio.h>
#include <string.h>

#include "signet/dnssec.h"

/* RFC 4034 Appendix B */
uint16_t sg_dnskey_tag(const uint8_t *rdata, size_t rdlen)
{
	if (rdlen < 4)
		return 0;
	if (rdata[3] == 1) {
		/* B.1: algorithm 1 uses the 16 bits above the low octet of the modulus */
		if (rdlen < 7)
			return 0;
		return (uint16_t)(rdata[rdlen - 3] << 8 | rdata[rdlen - 2]);
	}
	uint32_t ac = 0;
	for (size_t i = 0; i < rdlen; i++)
		ac += (i & 1) ? rdata[i] : (uint32_t)rdata[i] << 8;
	ac += (ac >> 16) & 0xffff;
	return (uint16_t)(ac & 0xffff);
}

static int ds_hash(uint8_t digest_type)
{
	switch (digest_type) {
	case SG_DS_SHA1: return SG_HASH_SHA1;
	case SG_DS_SHA256: return SG_HASH_SHA256;
	case SG_DS_SHA384: return SG_HASH_SHA384;
	}
	return SG_HASH_NONE;
}

int sg_ds_digest(uint8_t *dst, size_t cap, uint8_t digest_type, const uint8_t *owner, const uint8_t *dnskey,
		 size_t rdlen)
{
	int h = ds_hash(digest_type);
	if (h == SG_HASH_NONE)
		return SG_EUNSUP;
	uint8_t name[SG_NAME_MAX];
	size_t nl = sg_name_copy(name, owner);
	sg_name_lower(name);
	sg_iov_t iov[2] = {{name, nl}, {dnskey, rdlen}};
	return sg_hash(h, dst, cap, iov, 2);
}

int sg_ds_from_dnskey(uint8_t *dst, size_t cap, size_t *outlen, uint8_t digest_type, const uint8_t *owner,
		      const uint8_t *dnskey, size_t rdlen)
{
	if (rdlen < 4)
		return SG_EMALFORMED;
	if (cap < 4)
		return SG_ESPACE;
	int n = sg_ds_digest(dst + 4, cap - 4, digest_type, owner, dnskey, rdlen);
	if (n < 0)
		return n;
	uint16_t tag = sg_dnskey_tag(dnskey, rdlen);
	dst[0] = (uint8_t)(tag >> 8);
	dst[1] = (uint8_t)tag;
	dst[2] = dnskey[3];
	dst[3] = digest_type;
	*outlen = 4 + (size_t)n;
	return SG_OK;
}

int sg_nsec3_hash(uint8_t out[20], uint8_t hash_alg, const uint8_t *name, const uint8_t *salt, size_t saltlen,
		  uint16_t iterations)
{
	if (hash_alg != 1)
		return SG_EUNSUP;
	uint8_t lower[SG_NAME_MAX];
	size_t nl = sg_name_copy(lower, name);
	sg_name_lower(lower);
	return sg_nsec3_sha1(out, lower, nl, salt, saltlen, iterations);
}

static void fill_header(sg_dnskey_t *k, const uint8_t *owner)
{
	memset(k, 0, offsetof(sg_dnskey_t, rdata));
	k->key = NULL;
	k->ttl = 0;
	memset(&k->times, 0, sizeof(k->times));
	sg_name_copy(k->owner, owner);
}

int sg_dnskey_init_rdata(sg_dnskey_t *k, const uint8_t *owner, const uint8_t *rdata, size_t rdlen, char *err,
			 size_t errcap)
{
	fill_header(k, owner);
	if (rdlen < 5 || rdlen > SG_DNSKEY_RDATA_MAX) {
		if (err && errcap)
			snprintf(err, errcap, "DNSKEY RDATA of %zu octets is %s", rdlen,
				 rdlen < 5 ? "too short" : "larger than signet accepts");
		return SG_EMALFORMED;
	}
	memcpy(k->rdata, rdata, rdlen);
	k->rdlen = (uint16_t)rdlen;
	k->flags = (uint16_t)(rdata[0] << 8 | rdata[1]);
	k->protocol = rdata[2];
	k->alg = rdata[3];
	k->tag = sg_dnskey_tag(rdata, rdlen);
	int r = sg_key_from_dnskey(&k->key, k->alg, rdata + 4, rdlen - 4, err, errcap);
	if (r == SG_EUNSUP) {
		k->key = NULL;
		return SG_OK;
	}
	return r;
}

int sg_dnskey_init_key(sg_dnskey_t *k, const uint8_t *owner, uint16_t flags, sg_key_t *key)
{
	fill_header(k, owner);
	size_t n;
	int r = sg_key_to_dnskey(k->rdata + 4, sizeof(k->rdata) - 4, &n, key);
	if (r < 0)
		return r;
	k->flags = flags;
	k->protocol = SG_DNSKEY_PROTOCOL;
	k->alg = sg_key_alg(key);
	k->rdata[0] = (uint8_t)(flags >> 8);
	k->rdata[1] = (uint8_t)flags;
	k->rdata[2] = k->protocol;
	k->rdata[3] = k->alg;
	k->rdlen = (uint16_t)(4 + n);
	k->tag = sg_dnskey_tag(k->rdata, k->rdlen);
	k->key = sg_key_ref(key);
	return SG_OK;
}

int sg_dnskey_generate(sg_dnskey_t *k, const uint8_t *owner, uint8_t alg, unsigned bits, uint16_t flags,
		       char *err, size_t errcap)
{
	sg_key_t *key;
	int r = sg_key_generate(&key, alg, bits, err, errcap);
	if (r < 0)
		return r;
	r = sg_dnskey_init_key(k, owner, flags, key);
	sg_key_free(key);
	return r;
}

void sg_dnskey_deinit(sg_dnskey_t *k)
{
	sg_key_free(k->key);
	k->key = NULL;
}
