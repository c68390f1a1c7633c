/* signetd — network I/O. See docs/internals/server.md.
 *
 * UDP: one thread per core, each with its own SO_REUSEPORT socket per
 * listen address (the kernel spreads the packets), reading and writing in
 * batches with recvmmsg/sendmmsg. One arena per thread, reset after every
 * query, so the hot path never calls malloc or free.
 *
 * TCP, signals and the control socket: one libuv loop on the main thread.
 *
 * Zones: the zone manager publishes a new immutable view with one pointer
 * swap under a mutex and bumps a generation number. A query thread
 * compares the generation (one atomic load) before each batch and takes
 * the mutex only when it changed, to trade its old reference for the new
 * one: answering never locks, and an old zone set is freed by whichever
 * thread lets go of it last.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "common/log.h"
#include "common/udpbatch.h"
#include "server/autosign.h"
#include "server/server.h"
#include "signet/msg.h"

#define UDP_BUF         4096 /* largest UDP reply sent */
#define UDP_ROUNDS      8    /* recvmmsg calls per wake-up, at most */
#define UDP_RCVBUF      (4 << 20)
#define TCP_FRAME_MAX   (2 + 65535)
#define TCP_PENDING_MAX (256 * 1024) /* queued reply octets before we stop reading */
#define CTL_LINE_MAX    256
#define ARENA_MAX       (8u << 20)

/* ---- log and clock -------------------------------------------------------------- */

void sd_log(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	daemon_vlog("signetd", fmt, ap);
	va_end(ap);
}

int64_t sd_now(void)
{
	return (int64_t)time(NULL);
}

int64_t sd_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- views -------------------------------------------------------------------- */

sd_view_t *sd_view_new(sg_zoneset_t *zs)
{
	sd_view_t *v = calloc(1, sizeof(*v));
	size_t n = sg_zoneset_count(zs);
	if (v)
		v->zones = calloc(n ? n : 1, sizeof(*v->zones));
	if (!v || !v->zones) {
		free(v);
		sg_zoneset_unref(zs);
		return NULL;
	}
	atomic_init(&v->refs, 1);
	v->zs = zs;
	v->nzones = n;
	return v;
}

sd_view_t *sd_view_ref(sd_view_t *v)
{
	atomic_fetch_add_explicit(&v->refs, 1, memory_order_relaxed);
	return v;
}

void sd_view_unref(sd_view_t *v)
{
	if (!v || atomic_fetch_sub_explicit(&v->refs, 1, memory_order_acq_rel) != 1)
		return;
	sg_zoneset_unref(v->zs);
	for (size_t i = 0; i < v->nzones; i++)
		free(v->zones[i].allow_transfer.v);
	free(v->zones);
	free(v);
}

static struct {
	pthread_mutex_t mu;
	sd_view_t *view; /* under mu */
	atomic_uint gen;

	/* listening sockets, bound by server_start */
	cfg_addrs_t addrs;
	size_t nthreads;
	int *udpfd; /* [thread * naddrs + addr] */
	int *tcpfd; /* [addr] */
	int stopfd;
	atomic_bool udp_stop; /* set before the UDP sockets are shut down */
	pthread_t *threads;

	uint32_t max_conn, idle_ms, udp_max;
	uint32_t nconn;
	char *control;
	bool stopping;
	uv_loop_t *loop;
} S = {.mu = PTHREAD_MUTEX_INITIALIZER, .stopfd = -1};

void server_publish(sd_view_t *v)
{
	pthread_mutex_lock(&S.mu);
	sd_view_t *old = S.view;
	S.view = v;
	atomic_fetch_add_explicit(&S.gen, 1, memory_order_release);
	pthread_mutex_unlock(&S.mu);
	sd_view_unref(old);
}

/* Brings a reader's view up to date; a lock only when it changed. */
static void view_sync(sd_view_t **mine, unsigned *gen)
{
	unsigned g = atomic_load_explicit(&S.gen, memory_order_acquire);
	if (g == *gen && *mine)
		return;
	pthread_mutex_lock(&S.mu);
	sd_view_t *v = S.view ? sd_view_ref(S.view) : NULL;
	*gen = atomic_load_explicit(&S.gen, memory_order_relaxed);
	pthread_mutex_unlock(&S.mu);
	sd_view_unref(*mine);
	*mine = v;
}

/* ---- sockets -------------------------------------------------------------------- */

int server_start(const cfg_t *c)
{
	size_t na = c->listen.n;
	if (na == 0) {
		sd_log("error: no listen address");
		return -1;
	}
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	S.nthreads = c->udp_threads ? c->udp_threads : (size_t)(cpus < 1 ? 1 : cpus > 4 ? 4 : cpus);
	S.max_conn = c->tcp_max_connections;
	S.idle_ms = c->tcp_idle_timeout * 1000u;
	S.udp_max = c->udp_max_size;
	S.control = c->control ? strdup(c->control) : NULL;
	S.addrs.v = malloc(na * sizeof(*S.addrs.v));
	S.udpfd = malloc(na * S.nthreads * sizeof(int));
	S.tcpfd = malloc(na * sizeof(int));
	S.threads = calloc(S.nthreads, sizeof(pthread_t));
	if (!S.addrs.v || !S.udpfd || !S.tcpfd || !S.threads) {
		sd_log("error: out of memory");
		return -1;
	}
	memcpy(S.addrs.v, c->listen.v, na * sizeof(*S.addrs.v));
	S.addrs.n = na;
	for (size_t i = 0; i < na * S.nthreads; i++)
		S.udpfd[i] = -1;
	for (size_t a = 0; a < na; a++) {
		S.tcpfd[a] = sg_bind_socket(&S.addrs.v[a], SOCK_STREAM, 0, false);
		if (S.tcpfd[a] < 0 || listen(S.tcpfd[a], 128) < 0) {
			sd_log("error: cannot listen on %s (TCP): %s", S.addrs.v[a].text,
			       strerror(errno));
			return -1;
		}
		for (size_t t = 0; t < S.nthreads; t++) {
			int fd = sg_bind_socket(&S.addrs.v[a], SOCK_DGRAM, UDP_RCVBUF, true);
			if (fd < 0) {
				sd_log("error: cannot listen on %s (UDP): %s", S.addrs.v[a].text,
				       strerror(errno));
				return -1;
			}
			S.udpfd[t * na + a] = fd;
		}
		sd_log("listening on %s (UDP and TCP)", S.addrs.v[a].text);
	}
	S.stopfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (S.stopfd < 0) {
		sd_log("error: eventfd: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* ---- UDP ------------------------------------------------------------------------ */

struct udp_thread {
	sg_udpb_t *io;
	sg_arena_t *arena;
	sd_view_t *view;
	unsigned gen;
	unsigned ahead_gen; /* the view's generation when the batch's look-ahead began */
	sg_answer_ahead_t ahead[SG_UDPB_BATCH];
};

/* Looking ahead over a batch (sg_udpb_ahead_fn). The zones it points into
 * stay alive as long as this thread holds the view they came from, that is
 * until its generation changes. */
static void udp_ahead(void *ctx, unsigned slot, const uint8_t *q, size_t qlen, unsigned step)
{
	struct udp_thread *u = ctx;
	if (step == 0) {
		if (slot == 0) {
			view_sync(&u->view, &u->gen);
			u->ahead_gen = u->gen;
		}
		u->ahead[slot].z = NULL;
		if (u->view && u->ahead_gen == u->gen)
			sg_answer_ahead_start(u->view->zs, q, qlen, &u->ahead[slot]);
	} else if (u->ahead_gen == u->gen) {
		(void)sg_answer_ahead_step(&u->ahead[slot]);
	}
}

/* One datagram (sg_udpb_fn): the answer is written in place into the
 * send slot. */
static size_t udp_query(void *ctx, const uint8_t *q, size_t qlen, const struct sockaddr *peer,
                        socklen_t peerlen, uint8_t *out)
{
	struct udp_thread *u = ctx;
	(void)peer;
	(void)peerlen;
	view_sync(&u->view, &u->gen);
	if (!u->view)
		return 0;
	sg_answer_opts_t opts = {.tcp = false, .max_udp = (uint16_t)S.udp_max, .allow_axfr = false};
	size_t len = 0;
	sg_answer_info_t info;
	enum sg_answer_action act =
		sg_answer(out, &len, u->view->zs, q, qlen, &opts, u->arena, &info);
	sg_arena_reset(u->arena);
	if (act != SG_ANSWER_REPLY || len > UDP_BUF)
		return 0;
	return len;
}

static void *udp_main(void *arg)
{
	size_t t = (size_t)arg, na = S.addrs.n;
	struct udp_thread *u = calloc(1, sizeof(*u));
	struct pollfd *pf = calloc(na + 1, sizeof(*pf));
	if (u) {
		u->arena = sg_arena_new(0, ARENA_MAX);
		u->io = sg_udpb_new();
		if (u->io)
			sg_udpb_set_ahead(u->io, udp_ahead);
	}
	if (!u || !pf || !u->arena || !u->io) {
		sd_log("error: UDP thread %zu: out of memory", t);
		goto out;
	}
	if (na == 1) {
		/* one socket: sleep in recvmmsg itself (one system call fewer per
		 * wake-up, which at moderate rates is most of the server's CPU
		 * time per query; see docs/PERFORMANCE.md) */
		if (sg_udpb_loop(u->io, S.udpfd[t], &S.udp_stop, udp_query, u) < 0)
			sd_log("error: UDP: recvmmsg: %s", strerror(errno));
		goto out;
	}
	for (size_t a = 0; a < na; a++)
		pf[a] = (struct pollfd){.fd = S.udpfd[t * na + a], .events = POLLIN};
	pf[na] = (struct pollfd){.fd = S.stopfd, .events = POLLIN};
	for (;;) {
		int r = poll(pf, na + 1, -1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			sd_log("error: UDP thread %zu: poll: %s", t, strerror(errno));
			break;
		}
		if (pf[na].revents)
			break;
		for (size_t a = 0; a < na; a++)
			if (pf[a].revents & POLLIN)
				sg_udpb_serve(u->io, pf[a].fd, UDP_ROUNDS, udp_query, u);
	}
out:
	if (u) {
		sd_view_unref(u->view);
		sg_arena_free(u->arena);
		sg_udpb_free(u->io);
	}
	free(u);
	free(pf);
	return NULL;
}

/* ---- TCP -------------------------------------------------------------------------- */

typedef struct tconn {
	uv_tcp_t tcp;
	uv_timer_t timer;
	uint8_t buf[TCP_FRAME_MAX];
	size_t len;
	size_t pending; /* octets queued for writing */
	bool reading, closing;
	int handles; /* open libuv handles (2, then 0 when freed) */
	struct sockaddr_storage peer;
} tconn_t;

typedef struct wreq {
	uv_write_t req;
	tconn_t *c;
	size_t len;
	uint8_t data[];
} wreq_t;

static struct {
	sd_view_t *view;
	unsigned gen;
	sg_arena_t *arena;
	uint8_t *resp;
	uv_tcp_t *listeners;
	uv_signal_t sig[3];
	uv_pipe_t ctl;
	bool ctl_open;
} T;

static void tconn_closed(uv_handle_t *h)
{
	tconn_t *c = h->data;
	if (--c->handles == 0)
		free(c);
}

static void tconn_close(tconn_t *c)
{
	if (c->closing)
		return;
	c->closing = true;
	S.nconn--;
	uv_close((uv_handle_t *)&c->tcp, tconn_closed);
	uv_close((uv_handle_t *)&c->timer, tconn_closed);
}

static void idle_cb(uv_timer_t *t)
{
	tconn_close(t->data);
}

static void touch(tconn_t *c)
{
	if (!c->closing)
		uv_timer_start(&c->timer, idle_cb, S.idle_ms, 0);
}

static void process_frames(tconn_t *c);
static void read_cb(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf);
static void alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf);

static void write_cb(uv_write_t *req, int status)
{
	wreq_t *w = (wreq_t *)req;
	tconn_t *c = w->c;
	c->pending -= w->len;
	free(w);
	if (status < 0) {
		tconn_close(c);
		return;
	}
	touch(c);
	if (!c->closing && !c->reading && c->pending < TCP_PENDING_MAX / 2) {
		process_frames(c);
		if (!c->closing && !c->reading && c->pending < TCP_PENDING_MAX / 2) {
			c->reading = true;
			uv_read_start((uv_stream_t *)&c->tcp, alloc_cb, read_cb);
		}
	}
}

/* Queues one DNS message with its 2-octet length (RFC 1035 §4.2.2). */
static int send_msg(void *ctx, const uint8_t *msg, size_t len)
{
	tconn_t *c = ctx;
	if (c->closing)
		return SG_EIO;
	if (len > 65535)
		return SG_EINVAL;
	wreq_t *w = malloc(sizeof(*w) + 2 + len);
	if (!w)
		return SG_ENOMEM;
	w->c = c;
	w->len = 2 + len;
	w->data[0] = (uint8_t)(len >> 8);
	w->data[1] = (uint8_t)len;
	memcpy(w->data + 2, msg, len);
	uv_buf_t b = uv_buf_init((char *)w->data, (unsigned)(2 + len));
	if (uv_write(&w->req, (uv_stream_t *)&c->tcp, &b, 1, write_cb) < 0) {
		free(w);
		tconn_close(c);
		return SG_EIO;
	}
	c->pending += 2 + len;
	return SG_OK;
}

static const sd_view_zone_t *view_zone(const sd_view_t *v, const sg_authzone_t *az)
{
	const uint8_t *origin = sg_zone_origin(sg_authzone_zone(az));
	for (size_t i = 0; i < v->nzones; i++)
		if (sg_name_equal(v->zones[i].origin, origin))
			return &v->zones[i];
	return NULL;
}

static void refuse(tconn_t *c, const uint8_t *q, size_t qlen)
{
	sg_msg_t m;
	sg_msgw_t w;
	size_t len;
	if (sg_msg_parse(&m, q, qlen, T.arena) < 0)
		return;
	if (sg_msgw_reply(&w, T.resp, SG_MSG_MAX, &m, (uint16_t)S.udp_max) < 0 ||
	    sg_msgw_set_rcode(&w, SG_RC_REFUSED) < 0 || sg_msgw_finish(&w, &len) < 0)
		return;
	send_msg(c, T.resp, len);
}

static void tcp_query(tconn_t *c, const uint8_t *q, size_t qlen)
{
	view_sync(&T.view, &T.gen);
	if (!T.view)
		return;
	sg_answer_opts_t opts = {.tcp = true, .max_udp = (uint16_t)S.udp_max, .allow_axfr = true};
	sg_answer_info_t info = {0};
	size_t len = 0;
	enum sg_answer_action act =
	        sg_answer(T.resp, &len, T.view->zs, q, qlen, &opts, T.arena, &info);
	if (act == SG_ANSWER_REPLY) {
		send_msg(c, T.resp, len);
	} else if (act == SG_ANSWER_AXFR && info.zone) {
		const sd_view_zone_t *vz = view_zone(T.view, info.zone);
		char peer[INET6_ADDRSTRLEN] = "?", zn[SG_NAME_TEXT_MAX];
		const struct sockaddr *sa = (const struct sockaddr *)&c->peer;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, peer,
			          sizeof(peer));
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, peer,
			          sizeof(peer));
		sg_name_to_text(zn, sizeof(zn), sg_zone_origin(sg_authzone_zone(info.zone)));
		sg_arena_reset(T.arena);
		if (!vz || !cfg_prefixes_match(&vz->allow_transfer, sa)) {
			sd_log("AXFR of %s to %s refused (not in allow-transfer)", zn, peer);
			refuse(c, q, qlen);
		} else {
			int r = sg_axfr(info.zone, q, qlen, send_msg, c, T.arena);
			sd_log("AXFR of %s to %s: %s", zn, peer, r < 0 ? sg_strerror(r) : "sent");
			if (r < 0)
				tconn_close(c);
		}
	}
	sg_arena_reset(T.arena);
}

/* Answers every complete message in the buffer, in order. Each pass
 * consumes at least 3 octets of a bounded buffer. */
static void process_frames(tconn_t *c)
{
	size_t off = 0;
	while (!c->closing && c->len - off >= 2) {
		size_t fl = (size_t)c->buf[off] << 8 | c->buf[off + 1];
		if (fl < SG_MSG_HDR_LEN) { /* cannot be a DNS message: give up on the stream */
			tconn_close(c);
			return;
		}
		if (c->len - off - 2 < fl)
			break;
		tcp_query(c, c->buf + off + 2, fl);
		off += 2 + fl;
		if (c->pending >= TCP_PENDING_MAX)
			break;
	}
	if (off) {
		memmove(c->buf, c->buf + off, c->len - off);
		c->len -= off;
	}
	if (!c->closing && c->pending >= TCP_PENDING_MAX && c->reading) {
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
	if (status < 0 || S.stopping)
		return;
	tconn_t *c = calloc(1, sizeof(*c));
	if (!c)
		return;
	uv_tcp_init(S.loop, &c->tcp);
	c->tcp.data = c;
	c->handles = 1;
	if (uv_accept(server, (uv_stream_t *)&c->tcp) < 0 || S.nconn >= S.max_conn) {
		/* Over the limit: accept and close at once, so the kernel's
		 * queue does not fill with connections we will not serve. */
		c->closing = true;
		uv_close((uv_handle_t *)&c->tcp, tconn_closed);
		return;
	}
	S.nconn++;
	uv_timer_init(S.loop, &c->timer);
	c->timer.data = c;
	c->handles = 2;
	int plen = sizeof(c->peer);
	uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&c->peer, &plen);
	uv_tcp_nodelay(&c->tcp, 1);
	touch(c);
	c->reading = true;
	uv_read_start((uv_stream_t *)&c->tcp, alloc_cb, read_cb);
}

/* ---- control socket ------------------------------------------------------------- */

typedef struct cconn {
	uv_pipe_t pipe;
	uv_timer_t timer; /* polls for the end of a reload */
	uint64_t ticket;  /* the reload waited for */
	int handles;      /* open libuv handles; freed at 0 */
	char line[CTL_LINE_MAX];
	size_t len;
	bool done, closing;
} cconn_t;

static void cconn_closed(uv_handle_t *h)
{
	cconn_t *c = h->data;
	if (--c->handles == 0)
		free(c);
}

static void cconn_close(cconn_t *c)
{
	if (c->closing)
		return;
	c->closing = true;
	uv_close((uv_handle_t *)&c->pipe, cconn_closed);
	uv_close((uv_handle_t *)&c->timer, cconn_closed);
}

static void ctl_written(uv_write_t *req, int status)
{
	(void)status;
	cconn_t *c = req->data;
	free(req);
	cconn_close(c);
}

/* Sends the answer; the connection closes once it is written. */
static void ctl_reply(cconn_t *c, const char *text)
{
	size_t n = strlen(text);
	uv_write_t *req = malloc(sizeof(*req) + n);
	if (!req || c->closing) {
		free(req);
		cconn_close(c);
		return;
	}
	char *copy = (char *)(req + 1);
	memcpy(copy, text, n);
	req->data = c;
	uv_buf_t b = uv_buf_init(copy, (unsigned)n);
	if (uv_write(req, (uv_stream_t *)&c->pipe, &b, 1, ctl_written) < 0) {
		free(req);
		cconn_close(c);
	}
}

/* "reload" answers when the reload is over, with what failed: the zone
 * manager works on its own thread, so the loop looks every 10 ms. */
static void ctl_reload_poll(uv_timer_t *t)
{
	cconn_t *c = t->data;
	char *text = NULL;
	if (!zm_reload_result(c->ticket, &text))
		return;
	uv_timer_stop(t);
	ctl_reply(c, text ? text : "error: out of memory\n");
	free(text);
}

static void ctl_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	cconn_t *c = h->data;
	(void)suggested;
	*buf = uv_buf_init(c->line + c->len, (unsigned)(sizeof(c->line) - 1 - c->len));
}

static void ctl_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	cconn_t *c = s->data;
	(void)buf;
	if (c->done)
		return;
	if (nread > 0)
		c->len += (size_t)nread;
	c->line[c->len] = 0;
	char *nl = strchr(c->line, '\n');
	if (!nl && nread >= 0 && c->len < sizeof(c->line) - 1)
		return; /* wait for the rest of the line */
	c->done = true;
	uv_read_stop(s);
	if (nl)
		*nl = 0;
	size_t l = strlen(c->line);
	while (l && (c->line[l - 1] == '\r' || c->line[l - 1] == ' '))
		c->line[--l] = 0;
	if (!strcmp(c->line, "reload")) {
		sd_log("control: reload requested");
		c->ticket = zm_request_reload();
		uv_timer_start(&c->timer, ctl_reload_poll, 10, 10);
	} else if (!strcmp(c->line, "status")) {
		char *st = zm_status();
		ctl_reply(c, st ? st : "error: out of memory\n");
		free(st);
	} else {
		ctl_reply(c, "error: unknown command (reload, status)\n");
	}
}

static void ctl_connection(uv_stream_t *server, int status)
{
	if (status < 0)
		return;
	cconn_t *c = calloc(1, sizeof(*c));
	if (!c)
		return;
	uv_pipe_init(S.loop, &c->pipe, 0);
	uv_timer_init(S.loop, &c->timer);
	c->pipe.data = c;
	c->timer.data = c;
	c->handles = 2;
	if (uv_accept(server, (uv_stream_t *)&c->pipe) < 0) {
		cconn_close(c);
		return;
	}
	uv_read_start((uv_stream_t *)&c->pipe, ctl_alloc, ctl_read);
}

/* ---- signals and the loop ---------------------------------------------------------- */

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
	if (h->type == UV_NAMED_PIPE && h->data) {
		cconn_close(h->data);
		return;
	}
	uv_close(h, NULL);
}

static void on_signal(uv_signal_t *s, int signum)
{
	(void)s;
	if (signum == SIGHUP) {
		sd_log("SIGHUP: reload requested");
		zm_request_reload();
		return;
	}
	sd_log("%s: shutting down", signum == SIGTERM ? "SIGTERM" : "SIGINT");
	S.stopping = true;
	uv_walk(S.loop, close_walk, NULL);
}

int server_run(void)
{
	S.loop = uv_default_loop();
	T.arena = sg_arena_new(0, ARENA_MAX);
	T.resp = malloc(SG_MSG_MAX);
	T.listeners = calloc(S.addrs.n, sizeof(*T.listeners));
	if (!T.arena || !T.resp || !T.listeners) {
		sd_log("error: out of memory");
		return 1;
	}
	for (size_t a = 0; a < S.addrs.n; a++) {
		uv_tcp_init(S.loop, &T.listeners[a]);
		int r = uv_tcp_open(&T.listeners[a], S.tcpfd[a]);
		if (r == 0)
			r = uv_listen((uv_stream_t *)&T.listeners[a], 128, on_connection);
		if (r < 0) {
			sd_log("error: TCP %s: %s", S.addrs.v[a].text, uv_strerror(r));
			return 1;
		}
	}
	static const int signums[3] = {SIGTERM, SIGINT, SIGHUP};
	for (int i = 0; i < 3; i++) {
		uv_signal_init(S.loop, &T.sig[i]);
		uv_signal_start(&T.sig[i], on_signal, signums[i]);
	}
	if (S.control) {
		uv_pipe_init(S.loop, &T.ctl, 0);
		unlink(S.control);
		int r = uv_pipe_bind(&T.ctl, S.control);
		if (r == 0)
			r = uv_listen((uv_stream_t *)&T.ctl, 16, ctl_connection);
		if (r < 0) {
			sd_log("error: control socket %s: %s", S.control, uv_strerror(r));
			return 1;
		}
		T.ctl_open = true;
		sd_log("control socket %s", S.control);
	}

	/* The UDP threads get no signals: libuv's handler runs here. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	size_t started = 0;
	for (; started < S.nthreads; started++)
		if (pthread_create(&S.threads[started], NULL, udp_main, (void *)started) != 0)
			break;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	int rc = 0;
	if (started < S.nthreads) {
		sd_log("error: cannot start UDP threads");
		rc = 1;
		S.stopping = true;
		uv_walk(S.loop, close_walk, NULL);
	} else {
		sd_log("serving: %zu UDP thread%s, TCP at most %u connections, idle timeout %u s",
		       S.nthreads, S.nthreads == 1 ? "" : "s", S.max_conn, S.idle_ms / 1000);
	}

	uv_run(S.loop, UV_RUN_DEFAULT);

	uint64_t one = 1;
	atomic_store_explicit(&S.udp_stop, true, memory_order_release);
	if (write(S.stopfd, &one, sizeof(one)) < 0)
		sd_log("error: stopping UDP threads: %s", strerror(errno));
	/* Wakes a thread blocked in recvmmsg (sg_udpb_loop); it then sees udp_stop. */
	for (size_t i = 0; i < S.addrs.n * S.nthreads; i++)
		if (S.udpfd[i] >= 0)
			shutdown(S.udpfd[i], SHUT_RD);
	for (size_t t = 0; t < started; t++)
		pthread_join(S.threads[t], NULL);
	if (T.ctl_open)
		unlink(S.control);
	uv_loop_close(S.loop);
	for (size_t i = 0; i < S.addrs.n * S.nthreads; i++)
		if (S.udpfd[i] >= 0)
			close(S.udpfd[i]);
	close(S.stopfd);
	sd_view_unref(T.view);
	T.view = NULL;
	pthread_mutex_lock(&S.mu);
	sd_view_t *v = S.view;
	S.view = NULL;
	pthread_mutex_unlock(&S.mu);
	sd_view_unref(v);
	sg_arena_free(T.arena);
	free(T.resp);
	free(T.listeners);
	free(S.addrs.v);
	free(S.udpfd);
	free(S.tcpfd);
	free(S.threads);
	free(S.control);
	return rc;
}
