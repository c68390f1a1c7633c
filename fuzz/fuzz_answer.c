/* libFuzzer target for the answer engine.
 *
 * Builds, once, a zone set of two small signed zones (example.org. with
 * NSEC, example.net. with NSEC3 opt-out) holding every case the engine
 * knows: delegations with and without DS, glue, wildcards, CNAME chains and
 * loops, a DNAME, empty non-terminals. Each input is one query: the first
 * octet picks the transport options, the rest is the message. Checks what
 * must hold for any input: a reply parses, keeps the query's id, fits the
 * size limit of its transport; zone transfers stream SOA ... SOA.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server/answer.h"
#include "signet/dnssec.h"
#include "signet/msg.h"
#include "signet/sign.h"
#include "signet/zonefile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char BODY[] =
        "$TTL 3600\n"
        "@ SOA ns1 host 1 7200 3600 1209600 300\n"
        "@ NS ns1\n"
        "@ NS ns.other.\n"
        "@ MX 10 mail\n"
        "ns1 A 192.0.2.1\n"
        "mail AAAA 2001:db8::1\n"
        "www A 192.0.2.2\n"
        "www TXT \"hello\"\n"
        "*.wild TXT \"w\"\n"
        "*.wild CNAME www\n"
        "a.b.ent A 192.0.2.3\n"
        "insecure NS ns.insecure\n"
        "ns.insecure A 192.0.2.4\n"
        "x.only-insecure NS ns.example.com.\n"
        "secure NS ns.secure\n"
        "ns.secure A 192.0.2.5\n"
        "secure DS 1 13 2 0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20\n"
        "c1 CNAME c2\n"
        "c2 CNAME www\n"
        "cw CNAME x.wild\n"
        "loop1 CNAME loop2\n"
        "loop2 CNAME loop1\n"
        "d DNAME tgt\n"
        "dd DNAME d\n"
        "www.tgt A 192.0.2.9\n"
        "long DNAME aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa."
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa."
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
        "host HINFO \"cpu\" \"os\"\n";

static sg_zoneset_t *zs;
static sg_arena_t *arena;
static uint8_t resp[SG_MSG_MAX];

static int add_rr(void *ctx, const sg_rr_t *rr, const char *file, unsigned line)
{
	return sg_zone_builder_add(ctx, rr, file, line);
}

static int emit_rr(void *ctx, const sg_rr_t *rr)
{
	return sg_zone_builder_add(ctx, rr, NULL, 0);
}

static sg_authzone_t *make(const char *origin_text, enum sg_denial_kind kind, bool opt_out)
{
	uint8_t origin[SG_NAME_MAX];
	size_t ol;
	char err[256];
	if (sg_name_from_text(origin, &ol, origin_text, strlen(origin_text), NULL) != SG_OK)
		abort();
	sg_dnskey_t k[2];
	if (sg_dnskey_generate(&k[0], origin, 13, 0, 257, err, sizeof(err)) ||
	    sg_dnskey_generate(&k[1], origin, 13, 0, 256, err, sizeof(err)))
		abort();
	const sg_dnskey_t *kp[2] = {&k[0], &k[1]};
	static const uint8_t salt[1] = {0x5a};
	sg_sign_opts_t so = {.denial = kind,
	                     .nsec3_salt = salt,
	                     .nsec3_saltlen = 1,
	                     .nsec3_opt_out = opt_out,
	                     .inception = 1700000000,
	                     .expiration = 1800000000,
	                     .threads = 1};
	sg_zone_builder_t *b = sg_zone_builder_new(origin);
	sg_zparse_opts_t po = {.origin = origin, .record = add_rr, .ctx = b};
	if (sg_zonefile_parse_mem(BODY, strlen(BODY), "fuzz", &po, NULL) != SG_OK ||
	    sg_sign_prepare(b, origin, kp, 2, 3600, &so) != SG_OK)
		abort();
	sg_zone_t *z;
	if (sg_zone_build(&z, b, NULL) != SG_OK)
		abort();
	sg_zone_builder_t *b2 = sg_zone_builder_new(origin);
	so.emit = emit_rr;
	so.emit_ctx = b2;
	if (sg_zone_sign(z, kp, 2, &so, NULL, err, sizeof(err)) != SG_OK)
		abort();
	sg_zone_free(z);
	if (sg_zone_build(&z, b2, NULL) != SG_OK)
		abort();
	sg_authzone_t *az;
	if (sg_authzone_new(&az, z, err, sizeof(err)) != SG_OK)
		abort();
	sg_dnskey_deinit(&k[0]);
	sg_dnskey_deinit(&k[1]);
	return az;
}

static void init(void)
{
	sg_authzone_t *az[2] = {make("example.org.", SG_DENIAL_NSEC, false),
	                        make("example.net.", SG_DENIAL_NSEC3, true)};
	if (sg_zoneset_new(&zs, az, 2) != SG_OK)
		abort();
	sg_authzone_unref(az[0]);
	sg_authzone_unref(az[1]);
	arena = sg_arena_new(0, 4u << 20);
	if (!arena)
		abort();
}

typedef struct xstate {
	unsigned msgs;
} xstate_t;

static int xsend(void *ctx, const uint8_t *msg, size_t len)
{
	xstate_t *x = ctx;
	if (len < SG_MSG_HDR_LEN || len > SG_MSG_MAX)
		abort();
	x->msgs++;
	return SG_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!zs)
		init();
	if (size < 1)
		return 0;
	uint8_t mode = data[0];
	const uint8_t *q = data + 1;
	size_t ql = size - 1;
	/* an exact-size copy so that ASan sees any overread */
	uint8_t *copy = malloc(ql ? ql : 1);
	if (!copy)
		abort();
	if (ql)
		memcpy(copy, q, ql);
	static const uint16_t sizes[4] = {0, 512, 1232, 4096};
	sg_answer_opts_t o = {
	        .tcp = mode & 1, .allow_axfr = mode & 2, .max_udp = sizes[(mode >> 2) & 3]};
	/* the UDP loop's look-ahead reads the same raw query first; it must stop
	 * after a bounded number of links (the name's labels, then three) */
	sg_answer_ahead_t ah;
	sg_answer_ahead_start(zs, copy, ql, &ah);
	unsigned steps = 0;
	while (sg_answer_ahead_step(&ah))
		if (++steps > SG_NAME_MAX)
			abort();
	sg_answer_info_t info;
	size_t rl = 0;
	enum sg_answer_action a = sg_answer(resp, &rl, zs, copy, ql, &o, arena, &info);
	if (a == SG_ANSWER_REPLY) {
		sg_msg_t m;
		size_t limit = o.tcp ? SG_MSG_MAX : o.max_udp ? o.max_udp : 1232;
		if (rl < SG_MSG_HDR_LEN || rl > limit ||
		    (rl > 512 && !o.tcp && !(copy[10] | copy[11])))
			abort(); /* over 512 octets over UDP needs EDNS (an additional record) */
		if (resp[0] != copy[0] || resp[1] != copy[1] || !(resp[2] & 0x80))
			abort();
		if (sg_msg_parse(&m, resp, rl, arena) != SG_OK)
			abort();
	} else if (a == SG_ANSWER_AXFR) {
		if (!o.tcp || !o.allow_axfr || !info.zone)
			abort();
		xstate_t x = {0};
		sg_arena_reset(arena);
		if (sg_axfr(info.zone, copy, ql, xsend, &x, arena) != SG_OK || x.msgs == 0)
			abort();
	} else if (a != SG_ANSWER_DROP) {
		abort();
	}
	sg_arena_reset(arena);
	free(copy);
	return 0;
}
