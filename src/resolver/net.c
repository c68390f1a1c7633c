/* signet-resolver — network front end. See net.h and docs/internals/resolver.md.
 *
 * One libuv loop owns every socket. A question that passes the checks
 * becomes a job on libuv's worker pool (UV_THREADPOOL_SIZE = `threads`):
 * the worker resolves it (blocking upstream I/O with deadlines) and writes
 * the reply into the job; the loop then sends it. A TCP connection counts
 * its jobs in flight and is freed only when it is closed and none is left.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "resolver/net.h"
#include "signet/rr.h"

#define ARENA_MAX     (64u << 20) /* one resolution's memory at most */
#define TCP_FRAME_MAX (2 + 65535)
#define TCP_JOBS_MAX  16   /* questions in flight per connection (RFC 7766 §6.2.1.1 pipelining) */
#define JOBS_MAX      2048 /* questions in flight overall: beyond, UDP ones are dropped */

typedef struct tconn tconn_t;

typedef struct job {
	uv_work_t work;
	uv_udp_send_t send;
	uv_write_t write;
	uv_udp_t *udp; /* UDP: the socket it came in on */
	tconn_t *conn; /* TCP: the connection */
	struct sockaddr_storage peer;
	size_t qlen;
	uint8_t query[TCP_FRAME_MAX];
	size_t rlen;
	uint8_t reply[2 + SG_MSG_MAX]; /* 2 octets for the TCP length */
} job_t;

struct tconn {
	uv_tcp_t tcp;
	uv_timer_t timer;
	int handles; /* open libuv handles */
	unsigned jobs;
	bool closing, reading;
	size_t len;
	uint8_t buf[TCP_FRAME_MAX];
};

static struct {
	uv_loop_t *loop;
	const rcfg_t *cfg;
	resolver_t *r;
	uv_udp_t *udp;
	uv_tcp_t *tcp;
	size_t naddr;
	uv_signal_t sig[2];
	unsigned nconn, jobs;
	bool stopping;
} N;

/* ---- answering --------------------------------------------------------------- */

static bool add_list(sg_msgw_t *w, int section, const rrl_t *l, bool dnssec, bool soa_only)
{
	for (size_t i = 0; i < l->n; i++) {
		const sg_msg_rr_t *rr = &l->v[i];
		if (!dnssec &&
		    (rr->type == SG_T_RRSIG || rr->type == SG_T_NSEC || rr->type == SG_T_NSEC3))
			continue;
		if (soa_only && !dnssec && rr->type != SG_T_SOA)
			continue;
		if (sg_msgw_rr(w, section, rr->owner, rr->type, rr->rclass, rr->ttl, rr->rdata,
		               rr->rdlen) < 0)
			return false;
	}
	return true;
}

/* Builds the reply to a parsed question from the resolution result. */
static int build_reply(uint8_t *buf, size_t *len, const sg_msg_t *qm, const ires_t *res, bool tcp)
{
	const rcfg_t *cfg = N.cfg;
	size_t cap = SG_MSG_UDP_MIN;
	if (tcp)
		cap = SG_MSG_MAX;
	else if (qm->has_edns)
		cap = qm->edns.udp_size < SG_MSG_UDP_MIN   ? SG_MSG_UDP_MIN
		      : qm->edns.udp_size > cfg->edns_size ? cfg->edns_size
		                                           : qm->edns.udp_size;
	sg_msgw_t w;
	int e = sg_msgw_reply(&w, buf, cap, qm, (uint16_t)cfg->edns_size);
	if (e < 0)
		return e;
	bool dnssec = qm->has_edns && (qm->edns.flags & SG_EDNS_DO);
	bool cd = qm->flags & SG_MSG_CD;
	sg_msgw_set_flags(&w, SG_MSG_RA, SG_MSG_AA | SG_MSG_AD | SG_MSG_TC);
	unsigned rcode = res->rcode;
	bool data = true;
	if (res->sec == SG_VAL_BOGUS && !cd) {
		rcode = SG_RC_SERVFAIL; /* RFC 4035 §5.5 */
		data = false;
	}
	if (rcode == SG_RC_SERVFAIL)
		data = false;
	/* RFC 4035 §3.2.3, RFC 6840 §5.7: AD for secure data when asked by DO
	 * or AD; with CD too, as the data was checked anyway (as Unbound does). */
	if (data && res->sec == SG_VAL_SECURE && (dnssec || (qm->flags & SG_MSG_AD)))
		sg_msgw_set_flags(&w, SG_MSG_AD, 0);
	if ((e = sg_msgw_set_rcode(&w, rcode)) < 0)
		return e;
	/* The EDE text is only a help: a reply without it is still right. */
	if (qm->has_edns && res->ede >= 0 &&
	    (rcode == SG_RC_SERVFAIL || res->sec == SG_VAL_BOGUS) &&
	    sg_msgw_edns_ede(&w, (uint16_t)res->ede, res->why, strnlen(res->why, 300)) < 0 &&
	    sg_msgw_edns_ede(&w, (uint16_t)res->ede, NULL, 0) < 0)
		return SG_ESPACE;
	if (data) {
		sg_msgw_mark_t m;
		sg_msgw_mark(&w, &m);
		if (!add_list(&w, SG_SEC_ANSWER, &res->answer, dnssec, false) ||
		    !add_list(&w, SG_SEC_AUTHORITY, &res->authority, dnssec, true)) {
			sg_msgw_rollback(&w, &m); /* RFC 2181 §9: all or TC */
			sg_msgw_set_flags(&w, SG_MSG_TC, SG_MSG_AD);
		}
	}
	return sg_msgw_finish(&w, len);
}

/* An immediate answer with only a header, the question and an RCODE. */
static int error_reply(uint8_t *buf, size_t *len, const sg_msg_t *qm, unsigned rcode)
{
	sg_msgw_t w;
	int e = sg_msgw_reply(&w, buf, SG_MSG_UDP_MIN, qm, (uint16_t)N.cfg->edns_size);
	if (e < 0)
		return e;
	sg_msgw_set_flags(&w, SG_MSG_RA, 0);
	if ((e = sg_msgw_set_rcode(&w, rcode)) < 0)
		return e;
	return sg_msgw_finish(&w, len);
}

/* Checks a question; returns -1 (drop), 0 (resolve) or an RCODE > 0 to
 * answer at once. */
static int check_query(const sg_msg_t *m)
{
	if (m->flags & SG_MSG_QR)
		return -1;
	if (m->opcode != SG_OP_QUERY)
		return SG_RC_NOTIMP;
	if (m->count[SG_SEC_QUESTION] != 1)
		return SG_RC_FORMERR;
	if (m->has_edns && m->edns.version != 0)
		return SG_RC_BADVERS;
	const sg_msg_rr_t *qq = &m->rr[SG_SEC_QUESTION][0];
	if (qq->rclass != SG_C_IN)
		return SG_RC_REFUSED;
	/* Zone transfers, meta types, and ANY and RRSIG (RFC 8482: a resolver
	 * need not gather them; the iterator resolves one RRset type). */
	if (qq->type == SG_T_AXFR || qq->type == SG_T_IXFR || qq->type == SG_T_OPT ||
	    qq->type == 253 || qq->type == 254 || qq->type == SG_T_ANY || qq->type == SG_T_RRSIG)
		return SG_RC_NOTIMP;
	return 0;
}

/* Runs on a worker thread. */
static void work_cb(uv_work_t *req)
{
	job_t *j = req->data;
	sg_arena_t *a = sg_arena_new(0, ARENA_MAX);
	sg_msg_t qm;
	j->rlen = 0;
	if (!a)
		return;
	if (sg_msg_parse(&qm, j->query, j->qlen, a) == SG_OK) {
		const sg_msg_rr_t *qq = &qm.rr[SG_SEC_QUESTION][0];
		ires_t res;
		iter_resolve(N.r, a, qq->owner, qq->type, &res);
		size_t len;
		if (build_reply(j->reply + 2, &len, &qm, &res, j->conn != NULL) == SG_OK)
			j->rlen = len;
	}
	sg_arena_free(a);
}

static void tconn_maybe_free(tconn_t *c)
{
	if (c->handles == 0 && c->jobs == 0)
		free(c);
}

static void tconn_closed(uv_handle_t *h)
{
	tconn_t *c = h->data;
	c->handles--;
	tconn_maybe_free(c);
}

static void tconn_close(tconn_t *c)
{
	if (c->closing)
		return;
	c->closing = true;
	N.nconn--;
	uv_close((uv_handle_t *)&c->tcp, tconn_closed);
	uv_close((uv_handle_t *)&c->timer, tconn_closed);
}

static void idle_cb(uv_timer_t *t)
{
	tconn_t *c = t->data;
	if (c->jobs == 0)
		tconn_close(c);
	else
		uv_timer_start(&c->timer, idle_cb, (uint64_t)N.cfg->tcp_idle_timeout * 1000, 0);
}

static void touch(tconn_t *c)
{
	if (!c->closing)
		uv_timer_start(&c->timer, idle_cb, (uint64_t)N.cfg->tcp_idle_timeout * 1000, 0);
}

static void udp_sent(uv_udp_send_t *s, int status)
{
	(void)status;
	free(s->data);
}

/* Sends an immediate UDP reply. uv_udp_try_send() refuses (UV_EAGAIN)
 * while any earlier uv_udp_send() on the socket is not yet reported
 * complete, which is the case whenever a worker's reply went out in the
 * same loop turn; the reply is then queued from a copy, not dropped. */
static void udp_reply(uv_udp_t *udp, const struct sockaddr *peer, const uint8_t *msg, size_t len)
{
	uv_buf_t b = uv_buf_init((char *)msg, (unsigned)len);
	if (uv_udp_try_send(udp, &b, 1, peer) >= 0)
		return;
	struct {
		uv_udp_send_t send;
		uint8_t msg[];
	} *q = malloc(sizeof(*q) + len);
	if (!q)
		return;
	memcpy(q->msg, msg, len);
	q->send.data = q;
	b = uv_buf_init((char *)q->msg, (unsigned)len);
	if (uv_udp_send(&q->send, udp, &b, 1, peer, udp_sent) < 0)
		free(q);
}

static void process_frames(tconn_t *c);
static void read_cb(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf);
static void alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf);

static void tcp_written(uv_write_t *w, int status)
{
	job_t *j = w->data;
	tconn_t *c = j->conn;
	free(j);
	c->jobs--;
	if (status < 0)
		tconn_close(c);
	if (c->closing) {
		tconn_maybe_free(c);
		return;
	}
	touch(c);
	if (!c->reading) {
		process_frames(c);
		if (!c->closing && !c->reading && c->jobs < TCP_JOBS_MAX) {
			c->reading = true;
			uv_read_start((uv_stream_t *)&c->tcp, alloc_cb, read_cb);
		}
	}
}

/* Back on the loop: send the reply. */
static void after_cb(uv_work_t *req, int status)
{
	job_t *j = req->data;
	N.jobs--;
	if (j->conn) {
		tconn_t *c = j->conn;
		if (status < 0 || j->rlen == 0 || c->closing) {
			free(j);
			c->jobs--;
			if (c->closing)
				tconn_maybe_free(c);
			else
				tconn_close(c);
			return;
		}
		j->reply[0] = (uint8_t)(j->rlen >> 8);
		j->reply[1] = (uint8_t)j->rlen;
		uv_buf_t b = uv_buf_init((char *)j->reply, (unsigned)(2 + j->rlen));
		j->write.data = j;
		if (uv_write(&j->write, (uv_stream_t *)&c->tcp, &b, 1, tcp_written) < 0) {
			free(j);
			c->jobs--;
			tconn_close(c);
		}
		return;
	}
	if (status < 0 || j->rlen == 0 || N.stopping) {
		free(j);
		return;
	}
	uv_buf_t b = uv_buf_init((char *)j->reply + 2, (unsigned)j->rlen);
	j->send.data = j;
	if (uv_udp_send(&j->send, j->udp, &b, 1, (const struct sockaddr *)&j->peer, udp_sent) < 0)
		free(j);
}

/* Parses and checks a question; queues it or answers at once. Returns
 * false when the TCP connection should be closed. */
static bool take_query(const uint8_t *q, size_t qlen, uv_udp_t *udp, const struct sockaddr *peer,
                       tconn_t *conn)
{
	sg_arena_t *a = sg_arena_new(4096, 1 << 20);
	sg_msg_t m;
	bool ok = true;
	if (!a)
		return false;
	int e = sg_msg_parse(&m, q, qlen, a);
	int rc = e == SG_OK ? check_query(&m) : sg_msg_fault_rcode(&m);
	if (rc < 0) { /* a response, or no header to answer */
		ok = e == SG_OK;
		goto out;
	}
	static uint8_t buf[2 + SG_MSG_MAX]; /* the loop thread only */
	size_t len = 0;
	if (rc == 0) {
		/* Answered from the cache right here: no worker, no wait. */
		ires_t res;
		const sg_msg_rr_t *qq = &m.rr[SG_SEC_QUESTION][0];
		if (!iter_resolve_cached(N.r, a, qq->owner, qq->type, &res) ||
		    build_reply(buf + 2, &len, &m, &res, conn != NULL) != SG_OK)
			len = 0;
	}
	if (rc == 0 && len == 0 && N.jobs >= JOBS_MAX && !conn)
		goto out; /* overloaded: drop, the client retries */
	if (rc != 0 || len > 0) {
		if (rc != 0 && (e == SG_OK ? error_reply(buf + 2, &len, &m, (unsigned)rc)
		                           : SG_EINVAL) != SG_OK) {
			/* Unparsable but with a header: FORMERR with the header only. */
			if (rc != SG_RC_FORMERR || qlen < SG_MSG_HDR_LEN || (q[2] & 0x80))
				goto out;
			memcpy(buf + 2, q, SG_MSG_HDR_LEN);
			buf[4] |= 0x80;
			buf[5] = (uint8_t)((buf[5] & 0x70) | SG_RC_FORMERR | 0x80);
			memset(buf + 6, 0, 8);
			len = SG_MSG_HDR_LEN;
		}
		if (conn) {
			job_t *jj = malloc(sizeof(*jj));
			if (!jj)
				goto out;
			jj->conn = conn;
			memcpy(jj->reply + 2, buf + 2, len);
			jj->rlen = len;
			jj->reply[0] = (uint8_t)(len >> 8);
			jj->reply[1] = (uint8_t)len;
			conn->jobs++;
			uv_buf_t b = uv_buf_init((char *)jj->reply, (unsigned)(2 + len));
			jj->write.data = jj;
			if (uv_write(&jj->write, (uv_stream_t *)&conn->tcp, &b, 1, tcp_written) <
			    0) {
				free(jj);
				conn->jobs--;
				ok = false;
			}
		} else {
			udp_reply(udp, peer, buf + 2, len);
		}
		goto out;
	}
	job_t *j = malloc(sizeof(*j));
	if (!j)
		goto out;
	j->udp = udp;
	j->conn = conn;
	if (peer)
		memcpy(&j->peer, peer,
		       peer->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
		                                   : sizeof(struct sockaddr_in));
	memcpy(j->query, q, qlen);
	j->qlen = qlen;
	j->work.data = j;
	if (uv_queue_work(N.loop, &j->work, work_cb, after_cb) < 0) {
		free(j);
		goto out;
	}
	N.jobs++;
	if (conn)
		conn->jobs++;
out:
	sg_arena_free(a);
	return ok;
}

/* ---- UDP ------------------------------------------------------------------------ */

static void udp_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	static uint8_t rbuf[65536]; /* the loop thread only */
	(void)h;
	(void)suggested;
	*buf = uv_buf_init((char *)rbuf, sizeof(rbuf));
}

static void udp_recv(uv_udp_t *u, ssize_t nread, const uv_buf_t *buf, const struct sockaddr *peer,
                     unsigned flags)
{
	if (nread <= 0 || !peer || (flags & UV_UDP_PARTIAL) || N.stopping)
		return;
	(void)take_query((const uint8_t *)buf->base, (size_t)nread, u, peer, NULL);
}

/* ---- TCP ------------------------------------------------------------------------ */

static void process_frames(tconn_t *c)
{
	size_t off = 0;
	while (!c->closing && c->len - off >= 2 && c->jobs < TCP_JOBS_MAX) {
		size_t fl = (size_t)c->buf[off] << 8 | c->buf[off + 1];
		if (fl < SG_MSG_HDR_LEN) {
			tconn_close(c);
			return;
		}
		if (c->len - off - 2 < fl)
			break;
		if (!take_query(c->buf + off + 2, fl, NULL, NULL, c)) {
			tconn_close(c);
			return;
		}
		off += 2 + fl;
	}
	if (off) {
		memmove(c->buf, c->buf + off, c->len - off);
		c->len -= off;
	}
	if (!c->closing && c->jobs >= TCP_JOBS_MAX && c->reading) {
		uv_read_stop((uv_stream_t *)&c->tcp);
		c->reading = false;
	}
}

static void alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	tconn_t *c = h->data;
	(void)suggested;
	*buf = uv_buf_init((char *)c->buf + c->len, (unsigned)(sizeof(c->buf) - c->len));
}

static void read_cb(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	tconn_t *c = s->data;
	(void)buf;
	if (nread < 0) {
		tconn_close(c);
		return;
	}
	c->len += (size_t)nread;
	touch(c);
	process_frames(c);
}

static void on_connection(uv_stream_t *server, int status)
{
	if (status < 0 || N.stopping)
		return;
	tconn_t *c = calloc(1, sizeof(*c));
	if (!c)
		return;
	uv_tcp_init(N.loop, &c->tcp);
	c->tcp.data = c;
	c->handles = 1;
	if (uv_accept(server, (uv_stream_t *)&c->tcp) < 0 ||
	    N.nconn >= N.cfg->tcp_max_connections) {
		c->closing = true;
		uv_close((uv_handle_t *)&c->tcp, tconn_closed);
		return;
	}
	N.nconn++;
	uv_timer_init(N.loop, &c->timer);
	c->timer.data = c;
	c->handles = 2;
	uv_tcp_nodelay(&c->tcp, 1);
	touch(c);
	c->reading = true;
	uv_read_start((uv_stream_t *)&c->tcp, alloc_cb, read_cb);
}

/* ---- run ------------------------------------------------------------------------ */

static void close_walk(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (uv_is_closing(h))
		return;
	if (h->type == UV_TCP && h->data) {
		tconn_close(h->data);
		return;
	}
	if (h->type == UV_TIMER && h->data)
		return; /* closed with its connection */
	uv_close(h, NULL);
}

static void on_signal(uv_signal_t *s, int signum)
{
	(void)s;
	rlog("%s: shutting down", signum == SIGTERM ? "SIGTERM" : "SIGINT");
	N.stopping = true;
	uv_walk(N.loop, close_walk, NULL);
}

static void log_stats(void)
{
	iter_stats_t *st = iter_get_stats(N.r);
	rc_stats_t cs;
	rc_get_stats(iter_cache(N.r), &cs);
	rlog("stats: %lu questions, %lu upstream queries, %lu links from cache; secure %lu, "
	     "insecure %lu, bogus %lu, indeterminate %lu; limits hit: upstream %lu, referrals "
	     "%lu, cname %lu, depth %lu, validation %lu, time %lu; cache %zu entries, %zu bytes, "
	     "%lu evictions",
	     atomic_load(&st->queries), atomic_load(&st->upstream), atomic_load(&st->cache_answers),
	     atomic_load(&st->secure), atomic_load(&st->insecure), atomic_load(&st->bogus),
	     atomic_load(&st->indeterminate), atomic_load(&st->limit_upstream),
	     atomic_load(&st->limit_referrals), atomic_load(&st->limit_cname),
	     atomic_load(&st->limit_depth), atomic_load(&st->limit_validation),
	     atomic_load(&st->limit_time), cs.entries, cs.bytes, (unsigned long)cs.evictions);
}

int net_run(const rcfg_t *cfg, resolver_t *r)
{
	N.loop = uv_default_loop();
	N.cfg = cfg;
	N.r = r;
	N.naddr = cfg->listen.n;
	if (N.naddr == 0) {
		rlog("error: no listen address");
		return 1;
	}
	N.udp = calloc(N.naddr, sizeof(*N.udp));
	N.tcp = calloc(N.naddr, sizeof(*N.tcp));
	if (!N.udp || !N.tcp) {
		rlog("error: out of memory");
		return 1;
	}
	for (size_t i = 0; i < N.naddr; i++) {
		const cfg_addr_t *a = &cfg->listen.v[i];
		const struct sockaddr *sa = (const struct sockaddr *)&a->ss;
		unsigned fl = a->ss.ss_family == AF_INET6 ? UV_UDP_IPV6ONLY : 0;
		uv_udp_init(N.loop, &N.udp[i]);
		uv_tcp_init(N.loop, &N.tcp[i]);
		int e = uv_udp_bind(&N.udp[i], sa, fl);
		if (e == 0)
			e = uv_udp_recv_start(&N.udp[i], udp_alloc, udp_recv);
		if (e < 0) {
			rlog("error: cannot listen on %s (UDP): %s", a->text, uv_strerror(e));
			return 1;
		}
		e = uv_tcp_bind(&N.tcp[i], sa, a->ss.ss_family == AF_INET6 ? UV_TCP_IPV6ONLY : 0);
		if (e == 0)
			e = uv_listen((uv_stream_t *)&N.tcp[i], 128, on_connection);
		if (e < 0) {
			rlog("error: cannot listen on %s (TCP): %s", a->text, uv_strerror(e));
			return 1;
		}
		rlog("listening on %s (UDP and TCP)", a->text);
	}
	static const int signums[2] = {SIGTERM, SIGINT};
	for (int i = 0; i < 2; i++) {
		uv_signal_init(N.loop, &N.sig[i]);
		uv_signal_start(&N.sig[i], on_signal, signums[i]);
	}
	signal(SIGPIPE, SIG_IGN);
	uv_run(N.loop, UV_RUN_DEFAULT);
	/* Jobs still on workers finish; their after_cb frees them. */
	uv_run(N.loop, UV_RUN_DEFAULT);
	log_stats();
	uv_loop_close(N.loop);
	free(N.udp);
	free(N.tcp);
	return 0;
}
