/* libFuzzer target for DNS messages.
 *
 * Parses the input; when it parses, re-encodes it through the builder (with
 * name compression) and parses the result again. A second parse that fails
 * or says something different is a real round-trip bug: abort(). The only
 * accepted failure of the re-encode is SG_ESPACE (decompressed RDATA of
 * types that are not compressed again can outgrow 65535 octets).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "signet/msg.h"
#include "signet/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sg_arena_t *arena;
static uint8_t out[SG_MSG_MAX];

static bool same_rr(const sg_msg_rr_t *x, const sg_msg_rr_t *y)
{
	return x->type == y->type && x->rclass == y->rclass && sg_name_equal(x->owner, y->owner);
}

static void truncated_roundtrip(const sg_msg_t *a, size_t cap)
{
	static uint8_t buf[SG_MSG_MAX];
	sg_msgw_t w;
	if (sg_msgw_init(&w, buf, cap, a->id, a->flags, a->opcode, a->rcode & 0xf) != SG_OK)
		abort();
	if (a->has_edns) {
		if (sg_msgw_edns(&w, a->edns.udp_size, a->edns.flags, a->edns.version) != SG_OK)
			return;
		if (sg_msgw_set_rcode(&w, a->rcode) != SG_OK)
			abort();
	}
	for (size_t i = 0; i < a->count[SG_SEC_QUESTION]; i++) {
		const sg_msg_rr_t *q = &a->rr[SG_SEC_QUESTION][i];
		if (sg_msgw_question(&w, q->owner, q->type, q->rclass) != SG_OK)
			return;
	}
	sg_msgw_mark_t mk;
	sg_msgw_mark(&w, &mk);
	size_t kept[4] = {a->count[0], 0, 0, 0}, pending = 0;
	int cut = -1;
	for (int s = 1; s < 4 && cut < 0; s++) {
		for (size_t i = 0; i < a->count[s]; i++) {
			const sg_msg_rr_t *x = &a->rr[s][i];
			if (i == 0 || !same_rr(x, &a->rr[s][i - 1])) {
				sg_msgw_mark(&w, &mk);
				kept[s] += pending;
				pending = 0;
			}
			size_t before = sg_msgw_len(&w);
			int r = sg_msgw_rr(&w, s, x->owner, x->type, x->rclass, x->ttl, x->rdata,
			                   x->rdlen);
			if (r == SG_ESPACE) {
				if (sg_msgw_len(&w) != before)
					abort(); /* a failed add must leave the message alone */
				sg_msgw_rollback(&w, &mk);
				sg_msgw_set_flags(&w, SG_MSG_TC, 0);
				cut = s;
				break;
			}
			if (r != SG_OK)
				abort();
			pending++;
		}
		if (cut < 0) {
			kept[s] += pending;
			pending = 0;
		}
	}
	size_t len;
	if (sg_msgw_finish(&w, &len) != SG_OK || len > cap)
		abort();
	sg_msg_t c;
	if (sg_msg_parse(&c, buf, len, arena) != SG_OK)
		abort();
	for (int s = 0; s < 4; s++) {
		if (c.count[s] != kept[s])
			abort();
		for (size_t i = 0; i < c.count[s]; i++)
			if (!same_rr(&c.rr[s][i], &a->rr[s][i]))
				abort();
	}
	if (c.has_edns != a->has_edns ||
	    (cut >= 0 || (a->flags & SG_MSG_TC)) != !!(c.flags & SG_MSG_TC))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!arena) {
		arena = sg_arena_new(0, 64u << 20);
		if (!arena)
			abort();
	}
	sg_arena_reset(arena);
	sg_msg_t a, b;
	int r = sg_msg_parse(&a, data, size, arena);
	if (r < 0) {
		/* exercise the failure diagnostics too */
		(void)sg_msg_fault_rcode(&a);
		(void)sg_msg_fault_name(a.fault);
		if (a.fault != SG_MF_TRAILING)
			return 0;
	}
	/* a message with trailing octets is complete and usable: round-trip it too */
	size_t olen;
	r = sg_msg_encode(out, sizeof(out), &olen, &a);
	if (r == SG_ESPACE)
		return 0;
	if (r < 0)
		abort();
	if (sg_msg_parse(&b, out, olen, arena) != SG_OK)
		abort();
	if (!sg_msg_equal(&a, &b))
		abort();

	/* truncation: rebuild under a smaller limit, cutting at RRset
	 * boundaries with mark/rollback as a server does; the result must
	 * parse, fit, and hold a prefix of the records */
	size_t cap = olen - (size > 0 ? data[size - 1] % (olen - 11) : 0);
	truncated_roundtrip(&a, cap);

	/* the text form must not fail with an unlimited buffer */
	sg_buf_t txt;
	sg_buf_init(&txt, 0);
	if (sg_msg_to_text(&txt, &a) != SG_OK)
		abort();
	sg_buf_deinit(&txt);
	return 0;
}
