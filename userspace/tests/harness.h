/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The unit tests' own harness: "ok N - ..." or "not ok N - ..." per check,
 * "# " lines to say why; output captured in memory; messages built with
 * libmnl.
 */
#ifndef TCPFSM_TESTS_HARNESS_H
#define TCPFSM_TESTS_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "nl.h"

extern unsigned int passed, failed;

__attribute__((format(printf, 2, 3)))
bool check(bool ok, const char *fmt, ...);
void diag(const char *label, const char *s);
bool check_str(const char *got, const char *want, const char *what);
bool check_err(int ret, const struct tcpfsm_err *e, enum tcpfsm_err_kind kind,
	       int code, const char *detail, const char *what);
bool starts_with(const char *s, const char *prefix);
unsigned int count_lines(const char *s, const char *needle);

/* What is written to a FILE, in memory */
struct capture {
	FILE *f;
	char *buf;
	size_t len;
};

FILE *cap_open(struct capture *c);
char *cap_close(struct capture *c);

/* A generic netlink message of the tcpfsm family, in a MSG_SIZE buffer */
#define MSG_SIZE	16384

struct nlmsghdr *msg_start(char *buf, uint16_t type, uint8_t cmd);

/* Command lines: what cli_parse() made of them, and what it said */
struct parsed {
	int ret;
	struct cli_args a;
	char *err;
};

/* cli_parse() of "tcpfsm" and the NULL-terminated arguments */
struct parsed parse(const char *arg, ...);

/* The tests of the time in state, closewait, top and Prometheus */
void telemetry_tests(void);

#endif /* TCPFSM_TESTS_HARNESS_H */
