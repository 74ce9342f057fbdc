/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the unit tests share: checks that say what they check, for
 * kselftest_harness.h; output captured in memory; netlink messages built
 * with libmnl; command lines parsed.
 *
 * The harness is one per program (it defines functions): each test
 * program includes kselftest_harness.h itself, before this header.
 */
#ifndef TCPFSM_TESTS_HELPERS_H
#define TCPFSM_TESTS_HELPERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "nl.h"

/*
 * CHECK() - EXPECT_TRUE(@cond), saying what was checked if it fails
 * @cond: the condition
 * @fmt: what is checked, printf style
 *
 * Its value is @cond's, to print more when it fails.
 */
#define CHECK(cond, fmt, ...) ({					\
	bool checked = (cond);						\
									\
	EXPECT_TRUE(checked) TH_LOG(fmt, ##__VA_ARGS__);		\
	checked;							\
})

/* @got is @want; if not, both printed */
#define CHECK_STR(got, want, what)					\
	CHECK(str_is(got, want), "%s", what)

/* ret is -1 and *@e is of @kind, @code and @detail (unless NULL) */
#define CHECK_ERR(ret, e, kind, code, detail, what)			\
	CHECK(err_is(ret, e, kind, code, detail), "%s", what)

bool str_is(const char *got, const char *want);
bool err_is(int ret, const struct tcpfsm_err *e, enum tcpfsm_err_kind kind,
	    int code, const char *detail);
void diag(const char *label, const char *s);
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

#endif /* TCPFSM_TESTS_HELPERS_H */
