// SPDX-License-Identifier: GPL-2.0
/*
 * churn: TCP connection churn on loopback, as fast as it goes.
 *
 *	churn [-t THREADS] [-d SECONDS] [-m fin|rst] [-p BASEPORT]
 *
 * Each thread has a listener of its own on 127.0.0.1:BASEPORT+i and loops:
 * connect, accept, close both ends. After SECONDS it prints one line,
 * counting the connections completed within the SECONDS,
 *
 *	conns=N secs=S rate=R threads=T mode=M slow=K all=A
 *
 * (R: connections per second, all threads; K: connections that took more
 * than 100 ms, a sign of retransmitted SYNs or of a starved CPU; A: all
 * the connections it made, those that ended after the window too) and
 * exits 0.
 *
 * fin: the server closes first (FIN), the client reads the end of stream
 * and closes; the TIME_WAIT socket is the server's, so the client's
 * ephemeral ports never run out. Ten transitions per connection.
 * rst: the client closes with SO_LINGER {1, 0} (RST), the server sees the
 * reset and closes. No TIME_WAIT. Six transitions per connection.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum mode { MODE_FIN, MODE_RST };

struct worker {
	pthread_t thread;
	int listener;
	uint16_t port;
	uint64_t conns;
	uint64_t all;		/* with those that ended after the window */
	uint64_t slow;		/* connections that took over 100 ms */
	int err;		/* errno of the failure that stopped it */
	const char *what;	/* the call that failed */
};

static atomic_int stop;
static enum mode mode = MODE_FIN;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int fail(struct worker *w, const char *what)
{
	w->err = errno;
	w->what = what;
	atomic_store(&stop, 1);
	return -1;
}

/* One connection, opened and closed; -1 on a failure (recorded in @w) */
static int one(struct worker *w, const struct sockaddr_in *sin)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	int c, s, one = 1;
	double t0 = now();
	char buf[16];
	ssize_t n;

	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c < 0)
		return fail(w, "socket");
	/* no delayed ACK games on the handshake or the close */
	setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(c, (const struct sockaddr *)sin, sizeof(*sin)) < 0) {
		close(c);
		return fail(w, "connect");
	}
	do
		s = accept4(w->listener, NULL, NULL, SOCK_CLOEXEC);
	while (s < 0 && errno == EINTR);
	if (s < 0) {
		close(c);
		return fail(w, "accept");
	}

	if (mode == MODE_RST) {
		setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(c);
		close(s);
	} else {
		close(s);
		/* wait for the server's FIN, then close: LAST_ACK, CLOSE */
		do
			n = read(c, buf, sizeof(buf));
		while (n < 0 && errno == EINTR);
		close(c);
		if (n < 0)
			return fail(w, "read");
	}
	w->all++;
	/* a connection the end of the window interrupted does not count */
	if (atomic_load_explicit(&stop, memory_order_relaxed))
		return 0;
	w->conns++;
	if (now() - t0 > 0.1)
		w->slow++;
	return 0;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(w->port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};

	while (!atomic_load_explicit(&stop, memory_order_relaxed))
		if (one(w, &sin) < 0)
			break;
	return NULL;
}

static int listen_on(struct worker *w)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(w->port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	int one = 1;

	w->listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (w->listener < 0)
		return -1;
	setsockopt(w->listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(w->listener, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    listen(w->listener, 128) < 0)
		return -1;
	return 0;
}

static void usage(FILE *f)
{
	fputs("usage: churn [-t THREADS] [-d SECONDS] [-m fin|rst] [-p BASEPORT]\n",
	      f);
}

int main(int argc, char **argv)
{
	unsigned int threads = 8, baseport = 20000, i;
	struct worker *w;
	double secs = 5, t0, t1;
	uint64_t total = 0, all = 0, slow = 0;
	struct timespec ts;
	int opt, rc = 0;

	while ((opt = getopt(argc, argv, "t:d:m:p:h")) != -1) {
		switch (opt) {
		case 't':
			threads = strtoul(optarg, NULL, 0);
			break;
		case 'd':
			secs = strtod(optarg, NULL);
			break;
		case 'm':
			if (!strcmp(optarg, "fin")) {
				mode = MODE_FIN;
			} else if (!strcmp(optarg, "rst")) {
				mode = MODE_RST;
			} else {
				usage(stderr);
				return 2;
			}
			break;
		case 'p':
			baseport = strtoul(optarg, NULL, 0);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!threads || threads > 1024 || secs <= 0 || !baseport ||
	    baseport + threads > 65536 || optind != argc) {
		usage(stderr);
		return 2;
	}

	w = calloc(threads, sizeof(*w));
	if (!w) {
		perror("churn: calloc");
		return 1;
	}
	for (i = 0; i < threads; i++) {
		w[i].port = baseport + i;
		if (listen_on(&w[i]) < 0) {
			fprintf(stderr, "churn: listen on 127.0.0.1:%u: %s\n",
				w[i].port, strerror(errno));
			return 1;
		}
	}

	t0 = now();
	for (i = 0; i < threads; i++) {
		errno = pthread_create(&w[i].thread, NULL, work, &w[i]);
		if (errno) {
			perror("churn: pthread_create");
			return 1;
		}
	}
	ts.tv_sec = (time_t)secs;
	ts.tv_nsec = (long)((secs - ts.tv_sec) * 1e9);
	while (!atomic_load(&stop) && nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	atomic_store(&stop, 1);
	/* the window: connections that completed before it closed */
	t1 = now();
	for (i = 0; i < threads; i++) {
		pthread_join(w[i].thread, NULL);
		total += w[i].conns;
		all += w[i].all;
		slow += w[i].slow;
	}

	for (i = 0; i < threads; i++) {
		if (w[i].what) {
			fprintf(stderr, "churn: thread %u: %s: %s\n", i,
				w[i].what, strerror(w[i].err));
			rc = 1;
		}
		close(w[i].listener);
	}
	printf("conns=%llu secs=%.3f rate=%.0f threads=%u mode=%s slow=%llu all=%llu\n",
	       (unsigned long long)total, t1 - t0, total / (t1 - t0), threads,
	       mode == MODE_RST ? "rst" : "fin", (unsigned long long)slow,
	       (unsigned long long)all);
	free(w);
	return rc;
}
