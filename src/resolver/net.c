/* signet-resolver — network front end. See net.h and docs/internals/resolver.md.
 *
 * UDP: one thread per listen address reads and answers in batches
 * (recvmmsg/sendmmsg, src/common/udpbatch.c). A question the cache
 * answers, or an error, is answered right there; any other becomes a job
 * handed to the libuv loop (a locked list and a uv_async wake-up).
 *
 * TCP, signals and the jobs: one libuv loop on the main thread. A job runs
 * on libuv's worker pool (UV_THREADPOOL_SIZE = `threads`): the worker
 * resolves it (blocking upstream I/O with deadlines) and writes the reply
 * into the job; the loop then sends it. A TCP connection counts its jobs
 * in flight and is freed only when it is closed and none is left.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "common/udpbatch.h"
#include "resolver/net.h"
#include "resolver/pktcache.h"
#include "signet/rr.h"

#define ARENA_MAX     (64u << 20) /* one resolution's memory at most */
#define TCP_FRAME_MAX (2 + 65535)
#define TCP_JOBS_MAX  16   /* questions in flight per connection (RFC 7766 §6.2.1.1 pipelining) */
#define JOBS_MAX      2048 /* questions in flight overall: beyond, UDP ones are dropped */
#define QUERY_ARENA   (1u << 20) /* parsing a question and answering it from the cache */
#define UDP_RCVBUF    (4 << 20)

typedef struct tconn tconn_t;

typedef struct job {
	uv_work_t work;
	uv_write_t write;
	struct job *next; /* in the hand-off list */
	int fd;           /* UDP: the socket it came in on */
	tconn_t *conn;    /* TCP: the connection */
	struct sockaddr_storage peer;
	socklen_t peerlen;
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

/* A UDP listener: its socket and the thread that serves it. */
typedef struct uthread {
	pthread_t th;
	int fd;
	sg_udpb_t *io;
	sg_arena_t *arena;
} uthread_t;

static struct {
	uv_loop_t *loop;
	const rcfg_t *cfg;
	resolver_t *r;
	uthread_t *udp;
	uv_tcp_t *tcp;
	size_t naddr;
	uv_signal_t sig[2];
	unsigned nconn;
	atomic_uint jobs; /* handed off or on the worker pool */
	atomic_bool udp_stop;
	bool stopping;
	sg_arena_t *arena; /* the loop thread's (TCP questions) */

	/* jobs from the UDP threads, waiting for the loop */
	pthread_mutex_t mu;
	job_t *head, **tail; /* under mu */
	bool open;           /* under mu: the async handle takes wake-ups */
	uv_async_t async;
} N = {.mu = PTHREAD_MUTEX_INITIALIZER};

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

/* The largest reply to this question: the client's EDNS size within
 * [512, edns-size] over UDP, 65535 over TCP. */
static size_t reply_cap(const sg_msg_t *qm, bool tcp)
{
	if (tcp)
		return SG_MSG_MAX;
	if (!qm->has_edns)
		return SG_MSG_UDP_MIN;
	size_t u = qm->edns.udp_size;
	return u < SG_MSG_UDP_MIN ? SG_MSG_UDP_MIN : u > N.cfg->edns_size ? N.cfg->edns_size : u;
}

/* Builds the reply to a parsed question from the resolution result. */
static int build_reply(uint8_t *buf, size_t *len, const sg_msg_t *qm, const ires_t *res, bool tcp)
{
	const rcfg_t *cfg = N.cfg;
	size_t cap = reply_cap(qm, tcp);
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

/* Writes a job's reply (j->rlen octets at j->reply + 2) to its TCP
 * connection with the length prefix; the job is freed when written. false:
 * the write could not start (job freed, connection's count dropped; the
 * caller closes the connection). */
static bool tcp_send(job_t *j)
{
	tconn_t *c = j->conn;
	j->reply[0] = (uint8_t)(j->rlen >> 8);
	j->reply[1] = (uint8_t)j->rlen;
	uv_buf_t b = uv_buf_init((char *)j->reply, (unsigned)(2 + j->rlen));
	j->write.data = j;
	if (uv_write(&j->write, (uv_stream_t *)&c->tcp, &b, 1, tcp_written) < 0) {
		free(j);
		c->jobs--;
		return false;
	}
	return true;
}

/* Back on the loop: send the reply. */
static void after_cb(uv_work_t *req, int status)
{
	job_t *j = req->data;
	atomic_fetch_sub(&N.jobs, 1);
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
		if (!tcp_send(j))
			tconn_close(c);
		return;
	}
	/* A blocking send on the UDP thread's socket: a full send buffer
	 * waits a moment rather than losing the answer. */
	if (status == 0 && j->rlen > 0 && !N.stopping)
		(void)sendto(j->fd, j->reply + 2, j->rlen, 0, (const struct sockaddr *)&j->peer,
		             j->peerlen);
	free(j);
}

enum now { NOW_DROP, NOW_CLOSE, NOW_REPLY, NOW_WORK };

/* Answers a question from what is at hand — an error RCODE, or the cache —
 * into `out` (SG_MSG_MAX octets), or says it needs resolving (NOW_WORK),
 * should be ignored (NOW_DROP: a response) or, over TCP, end the
 * connection (NOW_CLOSE: not even a header). Any thread. */
static enum now answer_now(const uint8_t *q, size_t qlen, bool tcp, sg_arena_t *a, uint8_t *out,
                           size_t *len)
{
	sg_msg_t m;
	*len = 0;
	int e = sg_msg_parse(&m, q, qlen, a);
	int rc = e == SG_OK ? check_query(&m) : sg_msg_fault_rcode(&m);
	if (rc < 0) /* a response, or no header to answer */
		return e == SG_OK ? NOW_DROP : NOW_CLOSE;
	if (rc == 0) {
		/* a reply kept from the same question, else the cached links */
		rc_cache_t *c = iter_cache(N.r);
		int64_t now = (int64_t)time(NULL);
		int sec;
		if (pc_lookup(c, &m, q, reply_cap(&m, tcp), now, out, SG_MSG_MAX, len, &sec)) {
			iter_count_kept(N.r, sec);
			return NOW_REPLY;
		}
		ires_t res;
		const sg_msg_rr_t *qq = &m.rr[SG_SEC_QUESTION][0];
		if (!iter_resolve_cached(N.r, a, qq->owner, qq->type, &res) ||
		    build_reply(out, len, &m, &res, tcp) != SG_OK)
			return NOW_WORK;
		pc_store(c, &m, out, *len, res.sec, res.rcode, now);
		return NOW_REPLY;
	}
	if (e == SG_OK)
		return error_reply(out, len, &m, (unsigned)rc) == SG_OK ? NOW_REPLY : NOW_DROP;
	/* Unparsable but with a header: FORMERR with the header only. */
	if (rc != SG_RC_FORMERR || qlen < SG_MSG_HDR_LEN || (q[2] & 0x80))
		return NOW_DROP;
	memcpy(out, q, SG_MSG_HDR_LEN);
	out[2] |= 0x80;
	out[3] = (uint8_t)((out[3] & 0x70) | SG_RC_FORMERR | 0x80);
	memset(out + 4, 0, 8);
	*len = SG_MSG_HDR_LEN;
	return NOW_REPLY;
}

static void job_queue(job_t *j)
{
	j->work.data = j;
	if (uv_queue_work(N.loop, &j->work, work_cb, after_cb) < 0) {
		atomic_fetch_sub(&N.jobs, 1);
		if (j->conn)
			j->conn->jobs--;
		free(j);
	}
}

/* A TCP question (loop thread): answered at once, or queued. Returns
 * false when the connection should be closed. */
static bool take_query(const uint8_t *q, size_t qlen, tconn_t *conn)
{
	job_t *j = malloc(sizeof(*j));
	if (!j)
		return false;
	j->conn = conn;
	enum now k = answer_now(q, qlen, true, N.arena, j->reply + 2, &j->rlen);
	sg_arena_reset(N.arena);
	if (k == NOW_DROP || k == NOW_CLOSE) {
		free(j);
		return k == NOW_DROP;
	}
	conn->jobs++;
	if (k == NOW_REPLY)
		return tcp_send(j);
	memcpy(j->query, q, qlen);
	j->qlen = qlen;
	atomic_fetch_add(&N.jobs, 1);
	job_queue(j);
	return true;
}

/* ---- UDP ------------------------------------------------------------------------ */

/* Loop thread: queues the jobs the UDP threads handed off. */
static void handoff_cb(uv_async_t *h)
{
	(void)h;
	pthread_mutex_lock(&N.mu);
	job_t *j = N.head;
	N.head = NULL;
	N.tail = &N.head;
	pthread_mutex_unlock(&N.mu);
	while (j) {
		job_t *next = j->next;
		job_queue(j);
		j = next;
	}
}

/* UDP thread: a question the cache could not answer goes to the loop. */
static void handoff(int fd, const uint8_t *q, size_t qlen, const struct sockaddr *peer,
                    socklen_t peerlen)
{
	if (atomic_load(&N.jobs) >= JOBS_MAX || peerlen > sizeof(struct sockaddr_storage))
		return; /* overloaded: drop, the client retries */
	job_t *j = malloc(sizeof(*j));
	if (!j)
		return;
	j->fd = fd;
	j->conn = NULL;
	j->next = NULL;
	memcpy(&j->peer, peer, peerlen);
	j->peerlen = peerlen;
	memcpy(j->query, q, qlen);
	j->qlen = qlen;
	pthread_mutex_lock(&N.mu);
	if (!N.open) { /* shutting down */
		pthread_mutex_unlock(&N.mu);
		free(j);
		return;
	}
	atomic_fetch_add(&N.jobs, 1);
	*N.tail = j;
	N.tail = &j->next;
	uv_async_send(&N.async); /* under mu: the handle is not closed meanwhile */
	pthread_mutex_unlock(&N.mu);
}

/* One datagram (sg_udpb_fn), on its UDP thread. */
static size_t udp_query(void *ctx, const uint8_t *q, size_t qlen, const struct sockaddr *peer,
                        socklen_t peerlen, uint8_t *out)
{
	uthread_t *t = ctx;
	size_t len;
	enum now k = answer_now(q, qlen, false, t->arena, out, &len);
	sg_arena_reset(t->arena);
	if (k == NOW_REPLY)
		return len;
	if (k == NOW_WORK)
		handoff(t->fd, q, qlen, peer, peerlen);
	return 0;
}

static void *udp_main(void *arg)
{
	uthread_t *t = arg;
	if (sg_udpb_loop(t->io, t->fd, &N.udp_stop, udp_query, t) < 0)
		rlog("error: UDP: recvmmsg: %s", strerror(errno));
	return NULL;
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
		if (!take_query(c->buf + off + 2, fl, c)) {
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
	pthread_mutex_lock(&N.mu);
	N.open = false; /* no more wake-ups: the async handle closes now */
	pthread_mutex_unlock(&N.mu);
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

/* Stops the UDP threads started so far and frees what they used. */
static void udp_stop_all(size_t started)
{
	atomic_store_explicit(&N.udp_stop, true, memory_order_release);
	/* wakes a thread blocked in recvmmsg; it then sees udp_stop */
	for (size_t i = 0; i < N.naddr; i++)
		if (N.udp[i].fd >= 0)
			shutdown(N.udp[i].fd, SHUT_RD);
	for (size_t i = 0; i < started; i++)
		pthread_join(N.udp[i].th, NULL);
}

static void udp_free_all(void)
{
	for (size_t i = 0; i < N.naddr; i++) {
		if (N.udp[i].fd >= 0)
			close(N.udp[i].fd);
		sg_udpb_free(N.udp[i].io);
		sg_arena_free(N.udp[i].arena);
	}
	free(N.udp);
	free(N.tcp);
	sg_arena_free(N.arena);
}

int net_run(const rcfg_t *cfg, resolver_t *r)
{
	N.loop = uv_default_loop();
	N.cfg = cfg;
	N.r = r;
	N.naddr = cfg->listen.n;
	N.tail = &N.head;
	if (N.naddr == 0) {
		rlog("error: no listen address");
		return 1;
	}
	N.udp = calloc(N.naddr, sizeof(*N.udp));
	N.tcp = calloc(N.naddr, sizeof(*N.tcp));
	N.arena = sg_arena_new(0, QUERY_ARENA);
	if (!N.udp || !N.tcp || !N.arena) {
		rlog("error: out of memory");
		return 1;
	}
	for (size_t i = 0; i < N.naddr; i++)
		N.udp[i].fd = -1;
	int rc = 0;
	for (size_t i = 0; i < N.naddr && rc == 0; i++) {
		const cfg_addr_t *a = &cfg->listen.v[i];
		const struct sockaddr *sa = (const struct sockaddr *)&a->ss;
		uthread_t *t = &N.udp[i];
		t->fd = sg_bind_socket(a, SOCK_DGRAM, UDP_RCVBUF, false);
		if (t->fd < 0) {
			rlog("error: cannot listen on %s (UDP): %s", a->text, strerror(errno));
			rc = 1;
			break;
		}
		t->io = sg_udpb_new();
		t->arena = sg_arena_new(0, QUERY_ARENA);
		if (!t->io || !t->arena) {
			rlog("error: out of memory");
			rc = 1;
			break;
		}
		uv_tcp_init(N.loop, &N.tcp[i]);
		int e = uv_tcp_bind(&N.tcp[i], sa, a->ss.ss_family == AF_INET6 ? UV_TCP_IPV6ONLY : 0);
		if (e == 0)
			e = uv_listen((uv_stream_t *)&N.tcp[i], 128, on_connection);
		if (e < 0) {
			rlog("error: cannot listen on %s (TCP): %s", a->text, uv_strerror(e));
			rc = 1;
			break;
		}
		rlog("listening on %s (UDP and TCP)", a->text);
	}
	static const int signums[2] = {SIGTERM, SIGINT};
	for (int i = 0; i < 2 && rc == 0; i++) {
		uv_signal_init(N.loop, &N.sig[i]);
		uv_signal_start(&N.sig[i], on_signal, signums[i]);
	}
	signal(SIGPIPE, SIG_IGN);
	size_t started = 0;
	if (rc == 0) {
		uv_async_init(N.loop, &N.async, handoff_cb);
		N.open = true;
		/* The UDP threads get no signals: libuv's handler runs here. */
		sigset_t all, old;
		sigfillset(&all);
		pthread_sigmask(SIG_BLOCK, &all, &old);
		for (; started < N.naddr; started++)
			if (pthread_create(&N.udp[started].th, NULL, udp_main, &N.udp[started]) != 0)
				break;
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		if (started < N.naddr) {
			rlog("error: cannot start UDP threads");
			rc = 1;
		}
	}
	if (rc != 0) {
		N.stopping = true;
		pthread_mutex_lock(&N.mu);
		N.open = false;
		pthread_mutex_unlock(&N.mu);
		uv_walk(N.loop, close_walk, NULL);
	}
	uv_run(N.loop, UV_RUN_DEFAULT);
	udp_stop_all(started);
	/* Jobs still on workers finish; their after_cb frees them. */
	uv_run(N.loop, UV_RUN_DEFAULT);
	for (job_t *j = N.head, *next; j; j = next) { /* handed off, never queued */
		next = j->next;
		free(j);
	}
	if (rc == 0)
		log_stats();
	uv_loop_close(N.loop);
	udp_free_all();
	return rc;
}
