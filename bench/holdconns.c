// SPDX-License-Identifier: GPL-2.0
/*
 * holdconns: open N established TCP connections on loopback and hold them.
 *
 *	holdconns [-l LISTENERS] [-p BASEPORT] N
 *
 * Listens on 127.0.0.1:BASEPORT.. (LISTENERS ports, 8 by default, so that
 * the client's ephemeral ports do not run out), opens N connections spread
 * over them and accepts each one: 2 N sockets in ESTABLISHED, 2 N + L
 * file descriptors (the limit is raised as far as root may). Then prints
 * "ready N" and holds them until SIGINT or SIGTERM, then exits 0 (the
 * kernel closes them). If a connection fails (memory, descriptors), it
 * says why on stderr, prints "ready K" with K the connections it has and
 * holds those: the caller measures what fits.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

static void usage(FILE *f)
{
	fputs("usage: holdconns [-l LISTENERS] [-p BASEPORT] N\n", f);
}

static int raise_nofile(unsigned long want)
{
	struct rlimit rl = { .rlim_cur = want, .rlim_max = want };
	FILE *f;

	if (!setrlimit(RLIMIT_NOFILE, &rl))
		return 0;
	/* above fs.nr_open: raise it (root) and retry */
	f = fopen("/proc/sys/fs/nr_open", "w");
	if (f) {
		fprintf(f, "%lu\n", want);
		fclose(f);
	}
	return setrlimit(RLIMIT_NOFILE, &rl);
}

int main(int argc, char **argv)
{
	unsigned long n, i, listeners = 8, baseport = 30000;
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	int *lfd, c, s, opt, one = 1;
	sigset_t set;

	while ((opt = getopt(argc, argv, "l:p:h")) != -1) {
		switch (opt) {
		case 'l':
			listeners = strtoul(optarg, NULL, 0);
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
	if (optind != argc - 1 || !listeners || listeners > 1000 ||
	    !baseport || baseport + listeners > 65536) {
		usage(stderr);
		return 2;
	}
	n = strtoul(argv[optind], NULL, 0);
	/* blocked from the start: a signal before sigwait() waits for it */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);

	if (raise_nofile(2 * n + listeners + 64) < 0) {
		perror("holdconns: RLIMIT_NOFILE");
		return 1;
	}
	lfd = calloc(listeners, sizeof(*lfd));
	if (!lfd) {
		perror("holdconns: calloc");
		return 1;
	}
	for (i = 0; i < listeners; i++) {
		sin.sin_port = htons(baseport + i);
		lfd[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (lfd[i] < 0 ||
		    setsockopt(lfd[i], SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
		    bind(lfd[i], (struct sockaddr *)&sin, sizeof(sin)) ||
		    listen(lfd[i], 128)) {
			fprintf(stderr, "holdconns: listen on 127.0.0.1:%lu: %s\n",
				baseport + i, strerror(errno));
			return 1;
		}
	}

	for (i = 0; i < n; i++) {
		sin.sin_port = htons(baseport + i % listeners);
		c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (c < 0 || connect(c, (struct sockaddr *)&sin, sizeof(sin))) {
			fprintf(stderr, "holdconns: connection %lu: %s\n", i,
				strerror(errno));
			if (c >= 0)
				close(c);
			break;
		}
		s = accept4(lfd[i % listeners], NULL, NULL, SOCK_CLOEXEC);
		if (s < 0) {
			fprintf(stderr, "holdconns: accept %lu: %s\n", i,
				strerror(errno));
			close(c);
			break;
		}
	}
	n = i;
	printf("ready %lu\n", n);
	fflush(stdout);

	sigwait(&set, &opt);
	return 0;
}
