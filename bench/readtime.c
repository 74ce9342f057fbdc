// SPDX-License-Identifier: GPL-2.0
/*
 * readtime: what reading a file costs, in the process, without starting
 * one: open, read to the end, close, REPS times.
 *
 *	readtime [-n REPS] [-t SECONDS] FILE...
 *
 * Prints one line per file, "FILE BYTES US..." with the microseconds of
 * each repetition; no repetition of a file starts after SECONDS (default:
 * no limit) spent on it, so there is at least one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* one read of @path to its end: the bytes, or -1 */
static long read_all(const char *path)
{
	static char buf[1 << 16];
	long total = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		total += n;
	close(fd);
	return n < 0 ? -1 : total;
}

int main(int argc, char **argv)
{
	static const char usage[] = "usage: readtime [-n REPS] [-t SECONDS] FILE...\n";
	double t0, start, limit = 0;
	unsigned int reps = 5, r;
	long bytes = 0;
	int opt, i;

	while ((opt = getopt(argc, argv, "n:t:")) != -1) {
		switch (opt) {
		case 'n':
			reps = strtoul(optarg, NULL, 0);
			break;
		case 't':
			limit = strtod(optarg, NULL) * 1e6;
			break;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (optind == argc || !reps) {
		fputs(usage, stderr);
		return 2;
	}
	for (i = optind; i < argc; i++) {
		printf("%s", argv[i]);
		start = now_us();
		for (r = 0; r < reps; r++) {
			if (r && limit > 0 && now_us() - start > limit)
				break;
			t0 = now_us();
			bytes = read_all(argv[i]);
			if (bytes < 0) {
				fprintf(stderr, "readtime: %s: %s\n", argv[i],
					strerror(errno));
				return 1;
			}
			if (!r)
				printf(" %ld", bytes);
			printf(" %.1f", now_us() - t0);
		}
		putchar('\n');
	}
	return 0;
}
