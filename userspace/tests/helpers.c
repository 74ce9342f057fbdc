// SPDX-License-Identifier: GPL-2.0
/*
 * What the unit tests share (helpers.h). Without the harness: it is in
 * each test program.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "helpers.h"

/* Each line of @s after "# " */
void diag(const char *label, const char *s)
{
	const char *nl;

	printf("# %s:\n", label);
	for (; *s; s = nl + 1) {
		nl = strchr(s, '\n');
		if (!nl) {
			printf("#   %s\\ (no newline)\n", s);
			return;
		}
		printf("#   %.*s\n", (int)(nl - s), s);
	}
}

bool str_is(const char *got, const char *want)
{
	bool ok = got && !strcmp(got, want);

	if (!ok) {
		diag("expected", want);
		diag("got", got ? got : "(nothing)");
	}
	return ok;
}

bool starts_with(const char *s, const char *prefix)
{
	return s && !strncmp(s, prefix, strlen(prefix));
}

FILE *cap_open(struct capture *c)
{
	c->buf = NULL;
	c->f = open_memstream(&c->buf, &c->len);
	if (!c->f) {
		perror("open_memstream");
		exit(2);
	}
	return c->f;
}

/* The text; free() it */
char *cap_close(struct capture *c)
{
	fclose(c->f);
	return c->buf;
}

unsigned int count_lines(const char *s, const char *needle)
{
	unsigned int n = 0;

	for (; (s = strstr(s, needle)); s += strlen(needle))
		n++;
	return n;
}

struct nlmsghdr *msg_start(char *buf, uint16_t type, uint8_t cmd)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;

	memset(buf, 0, MSG_SIZE);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = TCPFSM_FAMILY_VERSION;
	return nlh;
}

bool err_is(int ret, const struct tcpfsm_err *e, enum tcpfsm_err_kind kind,
	    int code, const char *detail)
{
	bool ok = ret == -1 && e->kind == kind && e->code == code &&
		  (!detail || !strcmp(e->detail, detail));

	if (!ok)
		printf("# ret %d, kind %d (expected %d), code %d (expected %d), detail \"%s\" (expected \"%s\")\n",
		       ret, e->kind, kind, e->code, code, e->detail,
		       detail ? detail : "");
	return ok;
}

/* cli_parse() of "tcpfsm" and the NULL-terminated arguments */
struct parsed parse(const char *arg, ...)
{
	char *argv[16] = { "tcpfsm" };
	struct capture cap;
	struct parsed p;
	va_list ap;
	int argc = 1;

	va_start(ap, arg);
	for (; arg; arg = va_arg(ap, const char *))
		argv[argc++] = (char *)arg;
	va_end(ap);
	memset(&p.a, 0x5a, sizeof(p.a));	/* cli_parse must set it all */
	p.ret = cli_parse(&p.a, argc, argv, cap_open(&cap));
	p.err = cap_close(&cap);
	return p;
}
