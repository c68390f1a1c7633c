/* The record-type descriptor table: the one place that says what each
 * type's RDATA holds. Parsing, printing, wire checks, canonical form and
 * compression all read it. Adding a type is one line here. */
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "signet/rr.h"
#include "signet/util.h"

#define CDL (SG_TF_COMPRESS | SG_TF_DECOMPRESS | SG_TF_LOWER)
#define DL (SG_TF_DECOMPRESS | SG_TF_LOWER)
#define L SG_TF_LOWER
#define F(...)                                                                                     \
	{                                                                                          \
		__VA_ARGS__, SG_F_END                                                              \
	}

static const sg_rrtype_desc_t table[] = {
	{SG_T_A, 0, "A", F(SG_F_A)},
	{SG_T_NS, CDL, "NS", F(SG_F_NAME)},
	{SG_T_MD, CDL | SG_TF_OBSOLETE, "MD", F(SG_F_NAME)},
	{SG_T_MF, CDL | SG_TF_OBSOLETE, "MF", F(SG_F_NAME)},
	{SG_T_CNAME, CDL, "CNAME", F(SG_F_NAME)},
	{SG_T_SOA, CDL, "SOA",
	 F(SG_F_NAME, SG_F_NAME, SG_F_U32, SG_F_PERIOD, SG_F_PERIOD, SG_F_PERIOD, SG_F_PERIOD)},
	{SG_T_MB, CDL | SG_TF_OBSOLETE, "MB", F(SG_F_NAME)},
	{SG_T_MG, CDL | SG_TF_OBSOLETE, "MG", F(SG_F_NAME)},
	{SG_T_MR, CDL | SG_TF_OBSOLETE, "MR", F(SG_F_NAME)},
	{SG_T_PTR, CDL, "PTR", F(SG_F_NAME)},
	{SG_T_HINFO, 0, "HINFO", F(SG_F_STR, SG_F_STR)},
	{SG_T_MINFO, CDL, "MINFO", F(SG_F_NAME, SG_F_NAME)},
	{SG_T_MX, CDL, "MX", F(SG_F_U16, SG_F_NAME)},
	{SG_T_TXT, 0, "TXT", F(SG_F_STRS)},
	{SG_T_RP, DL, "RP", F(SG_F_NAME, SG_F_NAME)},
	{SG_T_AFSDB, DL, "AFSDB", F(SG_F_U16, SG_F_NAME)},
	{SG_T_X25, 0, "X25", F(SG_F_STR)},
	{SG_T_RT, DL, "RT", F(SG_F_U16, SG_F_NAME)},
	{SG_T_SIG, DL | SG_TF_OBSOLETE, "SIG",
	 F(SG_F_TYPE, SG_F_ALG, SG_F_U8, SG_F_U32, SG_F_TIME, SG_F_TIME, SG_F_U16, SG_F_NAME,
	   SG_F_B64)},
	{SG_T_KEY, 0, "KEY", F(SG_F_U16, SG_F_U8, SG_F_ALG, SG_F_B64)},
	{SG_T_PX, DL, "PX", F(SG_F_U16, SG_F_NAME, SG_F_NAME)},
	{SG_T_AAAA, 0, "AAAA", F(SG_F_AAAA)},
	{SG_T_LOC, 0, "LOC", F(SG_F_LOC)},
	{SG_T_SRV, DL, "SRV", F(SG_F_U16, SG_F_U16, SG_F_U16, SG_F_NAME)},
	{SG_T_NAPTR, DL, "NAPTR", F(SG_F_U16, SG_F_U16, SG_F_STR, SG_F_STR, SG_F_STR, SG_F_NAME)},
	{SG_T_KX, L, "KX", F(SG_F_U16, SG_F_NAME)},
	{SG_T_CERT, 0, "CERT", F(SG_F_CERTTYPE, SG_F_U16, SG_F_ALG, SG_F_B64)},
	{SG_T_DNAME, L, "DNAME", F(SG_F_NAME)},
	{SG_T_OPT, SG_TF_META, "OPT", F(SG_F_OPTS)},
	{SG_T_DS, 0, "DS", F(SG_F_U16, SG_F_ALG, SG_F_U8, SG_F_HEX)},
	{SG_T_SSHFP, 0, "SSHFP", F(SG_F_U8, SG_F_U8, SG_F_HEX)},
	{SG_T_RRSIG, L, "RRSIG",
	 F(SG_F_TYPE, SG_F_ALG, SG_F_U8, SG_F_U32, SG_F_TIME, SG_F_TIME, SG_F_U16, SG_F_NAME,
	   SG_F_B64)},
	{SG_T_NSEC, 0, "NSEC", F(SG_F_NAME, SG_F_BITMAP)},
	{SG_T_DNSKEY, 0, "DNSKEY", F(SG_F_U16, SG_F_U8, SG_F_ALG, SG_F_B64)},
	{SG_T_DHCID, 0, "DHCID", F(SG_F_B64)},
	{SG_T_NSEC3, 0, "NSEC3", F(SG_F_U8, SG_F_U8, SG_F_U16, SG_F_SALT, SG_F_B32, SG_F_BITMAP)},
	{SG_T_NSEC3PARAM, 0, "NSEC3PARAM", F(SG_F_U8, SG_F_U8, SG_F_U16, SG_F_SALT)},
	{SG_T_TLSA, 0, "TLSA", F(SG_F_U8, SG_F_U8, SG_F_U8, SG_F_HEX)},
	{SG_T_SMIMEA, 0, "SMIMEA", F(SG_F_U8, SG_F_U8, SG_F_U8, SG_F_HEX)},
	{SG_T_CDS, 0, "CDS", F(SG_F_U16, SG_F_ALG, SG_F_U8, SG_F_HEX)},
	{SG_T_CDNSKEY, 0, "CDNSKEY", F(SG_F_U16, SG_F_U8, SG_F_ALG, SG_F_B64)},
	{SG_T_OPENPGPKEY, 0, "OPENPGPKEY", F(SG_F_B64)},
	{SG_T_CSYNC, 0, "CSYNC", F(SG_F_U32, SG_F_U16, SG_F_BITMAP)},
	{SG_T_ZONEMD, 0, "ZONEMD", F(SG_F_U32, SG_F_U8, SG_F_U8, SG_F_HEX)},
	{SG_T_SVCB, 0, "SVCB", F(SG_F_U16, SG_F_NAME, SG_F_SVCPARAMS)},
	{SG_T_HTTPS, 0, "HTTPS", F(SG_F_U16, SG_F_NAME, SG_F_SVCPARAMS)},
	{SG_T_SPF, 0, "SPF", F(SG_F_STRS)},
	{SG_T_NID, 0, "NID", F(SG_F_U16, SG_F_ILNP64)},
	{SG_T_L32, 0, "L32", F(SG_F_U16, SG_F_A)},
	{SG_T_L64, 0, "L64", F(SG_F_U16, SG_F_ILNP64)},
	{SG_T_LP, 0, "LP", F(SG_F_U16, SG_F_NAME)},
	{SG_T_EUI48, 0, "EUI48", F(SG_F_EUI48)},
	{SG_T_EUI64, 0, "EUI64", F(SG_F_EUI64)},
	{SG_T_TKEY, SG_TF_META, "TKEY", F(SG_F_END)},
	{SG_T_TSIG, SG_TF_META, "TSIG", F(SG_F_END)},
	{SG_T_IXFR, SG_TF_META, "IXFR", F(SG_F_END)},
	{SG_T_AXFR, SG_TF_META, "AXFR", F(SG_F_END)},
	{SG_T_ANY, SG_TF_META, "ANY", F(SG_F_END)},
	{SG_T_URI, 0, "URI", F(SG_F_U16, SG_F_U16, SG_F_REST)},
	{SG_T_CAA, 0, "CAA", F(SG_F_U8, SG_F_TAG, SG_F_REST)},
};

#define NTYPES (sizeof(table) / sizeof(table[0]))
#define MAXTYPE 258

static const sg_rrtype_desc_t *by_number[MAXTYPE];
static const sg_rrtype_desc_t *by_name[NTYPES]; /* sorted by name, case-insensitive */
static pthread_once_t once = PTHREAD_ONCE_INIT;

static int cmp_name(const void *a, const void *b)
{
	const sg_rrtype_desc_t *x = *(const sg_rrtype_desc_t *const *)a;
	const sg_rrtype_desc_t *y = *(const sg_rrtype_desc_t *const *)b;
	return strcasecmp(x->name, y->name);
}

static void build_index(void)
{
	for (size_t i = 0; i < NTYPES; i++) {
		by_number[table[i].type] = &table[i];
		by_name[i] = &table[i];
	}
	qsort(by_name, NTYPES, sizeof(by_name[0]), cmp_name);
}

const sg_rrtype_desc_t *sg_rrtype_desc(uint16_t type)
{
	pthread_once(&once, build_index);
	return type < MAXTYPE ? by_number[type] : NULL;
}

const char *sg_type_name(uint16_t type, char buf[16])
{
	const sg_rrtype_desc_t *d = sg_rrtype_desc(type);
	if (d)
		return d->name;
	snprintf(buf, 16, "TYPE%u", type);
	return buf;
}

/* case-insensitive compare of counted s against NUL-terminated name */
static int ci_cmp(const char *s, size_t len, const char *name)
{
	size_t i = 0;
	for (; i < len && name[i]; i++) {
		int a = (unsigned char)s[i], b = (unsigned char)name[i];
		if (a >= 'a' && a <= 'z')
			a -= 32;
		if (b >= 'a' && b <= 'z')
			b -= 32;
		if (a != b)
			return a - b;
	}
	if (i < len)
		return 1;
	return name[i] ? -1 : 0;
}

/* Parses "<prefix><decimal>" such as TYPE65000 or CLASS3. */
static int prefixed_number(uint16_t *out, const char *s, size_t len, const char *prefix)
{
	size_t pl = strlen(prefix);
	if (len <= pl || strncasecmp(s, prefix, pl) != 0)
		return SG_ESYNTAX;
	uint32_t v;
	int r = sg_parse_u32(&v, s + pl, len - pl, 65535);
	if (r < 0)
		return r;
	*out = (uint16_t)v;
	return SG_OK;
}

int sg_type_from_text(uint16_t *type, const char *s, size_t len)
{
	pthread_once(&once, build_index);
	size_t lo = 0, hi = NTYPES;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = ci_cmp(s, len, by_name[mid]->name);
		if (c == 0) {
			*type = by_name[mid]->type;
			return SG_OK;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return prefixed_number(type, s, len, "TYPE");
}

const char *sg_class_name(uint16_t rclass, char buf[16])
{
	switch (rclass) {
	case SG_C_IN: return "IN";
	case SG_C_CH: return "CH";
	case SG_C_HS: return "HS";
	case SG_C_NONE: return "NONE";
	case SG_C_ANY: return "ANY";
	}
	snprintf(buf, 16, "CLASS%u", rclass);
	return buf;
}

int sg_class_from_text(uint16_t *rclass, const char *s, size_t len)
{
	static const struct {
		const char *n;
		uint16_t v;
	} names[] = {{"IN", SG_C_IN}, {"CH", SG_C_CH}, {"CHAOS", SG_C_CH}, {"HS", SG_C_HS},
		     {"NONE", SG_C_NONE}, {"ANY", SG_C_ANY}};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (ci_cmp(s, len, names[i].n) == 0) {
			*rclass = names[i].v;
			return SG_OK;
		}
	return prefixed_number(rclass, s, len, "CLASS");
}

static const struct {
	uint8_t alg;
	const char *name;
} algs[] = {
	{1, "RSAMD5"},         {2, "DH"},
	{3, "DSA"},            {5, "RSASHA1"},
	{6, "DSA-NSEC3-SHA1"}, {7, "RSASHA1-NSEC3-SHA1"},
	{8, "RSASHA256"},      {10, "RSASHA512"},
	{12, "ECC-GOST"},      {13, "ECDSAP256SHA256"},
	{14, "ECDSAP384SHA384"}, {15, "ED25519"},
	{16, "ED448"},         {252, "INDIRECT"},
	{253, "PRIVATEDNS"},   {254, "PRIVATEOID"},
};

const char *sg_alg_name(uint8_t alg)
{
	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (algs[i].alg == alg)
			return algs[i].name;
	return NULL;
}

int sg_alg_from_text(uint8_t *alg, const char *s, size_t len)
{
	uint32_t v;
	int r = sg_parse_u32(&v, s, len, 255);
	if (r == SG_OK) {
		*alg = (uint8_t)v;
		return SG_OK;
	}
	if (r == SG_ERANGE)
		return r;
	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (ci_cmp(s, len, algs[i].name) == 0) {
			*alg = algs[i].alg;
			return SG_OK;
		}
	return SG_ESYNTAX;
}
