/* Decimal numbers, TTLs with units, RRSIG times, serial arithmetic. */
#include <string.h>

#include "signet/util.h"

int sg_parse_u32(uint32_t *out, const char *s, size_t len, uint32_t max)
{
	if (len == 0)
		return SG_ESYNTAX;
	/* Any length (leading zeros are fine); the value saturates so a long
	 * string cannot wrap, and a non-digit anywhere is a syntax error. */
	uint64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return SG_ESYNTAX;
		if (v <= 0xffffffffULL)
			v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > max)
		return SG_ERANGE;
	*out = (uint32_t)v;
	return SG_OK;
}

int sg_parse_ttl(uint32_t *out, const char *s, size_t len)
{
	if (len == 0)
		return SG_ESYNTAX;
	uint64_t total = 0, cur = 0;
	bool digits = false, unit_seen = false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c >= '0' && c <= '9') {
			cur = cur * 10 + (uint64_t)(c - '0');
			if (cur > 0xffffffffULL)
				return SG_ERANGE;
			digits = true;
			continue;
		}
		uint64_t mul;
		switch (c | 0x20) {
		case 's': mul = 1; break;
		case 'm': mul = 60; break;
		case 'h': mul = 3600; break;
		case 'd': mul = 86400; break;
		case 'w': mul = 604800; break;
		default: return SG_ESYNTAX;
		}
		if (!digits)
			return SG_ESYNTAX;
		total += cur * mul;
		if (total > 0xffffffffULL)
			return SG_ERANGE;
		cur = 0;
		digits = false;
		unit_seen = true;
	}
	if (digits)
		total += cur;
	else if (!unit_seen)
		return SG_ESYNTAX;
	if (total > 0xffffffffULL)
		return SG_ERANGE;
	*out = (uint32_t)total;
	return SG_OK;
}

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

int sg_time_parse(int64_t *out, const char *s, size_t len)
{
	if (len != 14)
		return SG_ESYNTAX;
	unsigned v[6];
	static const int w[6] = {4, 2, 2, 2, 2, 2};
	size_t p = 0;
	for (int k = 0; k < 6; k++) {
		unsigned x = 0;
		for (int i = 0; i < w[k]; i++, p++) {
			if (s[p] < '0' || s[p] > '9')
				return SG_ESYNTAX;
			x = x * 10 + (unsigned)(s[p] - '0');
		}
		v[k] = x;
	}
	static const unsigned mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (v[1] < 1 || v[1] > 12 || v[2] < 1)
		return SG_ERANGE;
	bool leap = (v[0] % 4 == 0 && v[0] % 100 != 0) || v[0] % 400 == 0;
	unsigned dmax = mdays[v[1] - 1] + (v[1] == 2 && leap);
	/* Seconds stop at 59: epoch seconds have no leap second, and 60
	 * would not survive a round trip through sg_time_format(). */
	if (v[2] > dmax || v[3] > 23 || v[4] > 59 || v[5] > 59)
		return SG_ERANGE;
	*out = days_from_civil(v[0], v[1], v[2]) * 86400 + v[3] * 3600 + v[4] * 60 + v[5];
	return SG_OK;
}

int sg_time_format(char *dst, size_t cap, int64_t t)
{
	if (cap < 15)
		return SG_ESPACE;
	int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
	int64_t secs = t - days * 86400;
	/* civil_from_days */
	int64_t z = days + 719468;
	const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	const unsigned doe = (unsigned)(z - era * 146097);
	const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = (int64_t)yoe + era * 400;
	const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const unsigned mp = (5 * doy + 2) / 153;
	const unsigned d = doy - (153 * mp + 2) / 5 + 1;
	const unsigned m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	if (y < 0 || y > 9999)
		return SG_ERANGE;
	int n = 0;
	unsigned vals[6] = {(unsigned)y, m, d, (unsigned)(secs / 3600), (unsigned)(secs / 60 % 60),
			    (unsigned)(secs % 60)};
	static const int w[6] = {4, 2, 2, 2, 2, 2};
	for (int k = 0; k < 6; k++) {
		unsigned x = vals[k];
		for (int i = w[k] - 1; i >= 0; i--) {
			dst[n + i] = (char)('0' + x % 10);
			x /= 10;
		}
		n += w[k];
	}
	dst[n] = 0;
	return n;
}

bool sg_serial_lt(uint32_t a, uint32_t b)
{
	return a != b && (int32_t)(b - a) > 0;
}
