// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of closewait.c: the sorting of the CLOSE_WAIT sockets, their
 * owners found in a fake /proc tree, the table.
 *
 *	closewait [-l] [-t TEST]...
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <ftw.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <netinet/in.h>

#include "closewait.h"
#include "nl.h"
#include "output.h"
#include "util.h"

#include "kselftest_harness.h"

#include "helpers.h"

static void set_v4(struct tcpfsm_ends *e, uint32_t saddr, uint16_t sport,
		   uint32_t daddr, uint16_t dport)
{
	saddr = htonl(saddr);
	daddr = htonl(daddr);
	memset(e, 0, sizeof(*e));
	e->family = AF_INET;
	memcpy(e->saddr, &saddr, 4);
	memcpy(e->daddr, &daddr, 4);
	e->sport = sport;
	e->dport = dport;
}

#define SK_AGE		BIT(TCPFSM_A_SOCKET_AGE_NS)
#define SK_INO		BIT(TCPFSM_A_SOCKET_INO)

/* Four sockets, in the kernel's order */
static void sample_sockets(struct tcpfsm_sockets *socks)
{
	static const uint8_t v6peer[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	struct tcpfsm_socket *v = calloc(4, sizeof(*v));

	if (!v)
		exit(2);
	/* A: 1h2m3s, held by two processes */
	set_v4(&v[0].ends, 0x7f000001, 8080, 0x0a010203, 51000);
	v[0].age_ns = 3723000000000ULL;
	v[0].ino = 1001;
	v[0].uid = 33;
	v[0].present = SK_AGE | SK_INO | BIT(TCPFSM_A_SOCKET_UID);
	/* C: age unknown, no owner found */
	set_v4(&v[1].ends, 0x7f000001, 8080, 0x0a010203, 51001);
	v[1].ino = 3003;
	v[1].present = SK_INO;
	/* B: the oldest, IPv6 */
	v[2].ends.family = AF_INET6;
	v[2].ends.saddr[15] = 1;
	memcpy(v[2].ends.daddr, v6peer, 16);
	v[2].ends.sport = 443;
	v[2].ends.dport = 40000;
	v[2].age_ns = 90061000000000ULL;
	v[2].ino = 2002;
	v[2].cookie = 77;
	v[2].present = SK_AGE | SK_INO | BIT(TCPFSM_A_SOCKET_COOKIE);
	/* D: 250ms, without a file */
	set_v4(&v[3].ends, 0x0a000001, 22, 0x0a000002, 60000);
	v[3].age_ns = 250000000;
	v[3].present = SK_AGE;
	socks->v = v;
	socks->n = socks->size = 4;
}

TEST(sort)
{
	struct tcpfsm_sockets socks;
	struct tcpfsm_socket *v;

	sample_sockets(&socks);
	tcpfsm_closewait_sort(&socks);
	v = socks.v;
	CHECK(v[0].ino == 2002 && v[1].ino == 1001 && v[2].age_ns == 250000000 &&
	      v[3].ino == 3003, "closewait: oldest first, unknown age last");
	v[0].present = v[1].present = 0;	/* two of unknown age: by ports */
	v[0].ends.family = v[1].ends.family = AF_INET;
	v[0].ends.sport = 9;
	v[1].ends.sport = 8;
	tcpfsm_closewait_sort(&socks);
	CHECK(v[0].age_ns == 250000000 && v[1].ends.sport == 8 &&
	      v[2].ends.sport == 9 && v[3].ends.sport == 8080,
	      "closewait: ties by family and port");
	tcpfsm_sockets_free(&socks);
	tcpfsm_closewait_sort(&socks);
	CHECK(!socks.v && !socks.n, "closewait: sorting none");
}

/* A file, or a symlink if @link */
static void mk(const char *root, const char *path, const char *text, bool link)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", root, path);
	if (link) {
		if (symlink(text, p))
			perror(p);
		return;
	}
	f = fopen(p, "w");
	if (!f) {
		perror(p);
		return;
	}
	fputs(text, f);
	fclose(f);
}

static void mkd(const char *root, const char *path)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", root, path);
	if (mkdir(p, 0700))
		perror(p);
}

/*
 * A fake /proc: 123 (nginx) holds 1001 on fd 5 and fd 3, and another
 * socket; 456 (worker) holds 1001 and 2002; 789 has no fd directory; "self"
 * and "sys" are not processes.
 */
static void fake_proc(const char *root)
{
	mkd(root, "123");
	mkd(root, "123/fd");
	mk(root, "123/comm", "nginx\n", false);
	mk(root, "123/fd/5", "socket:[1001]", true);
	mk(root, "123/fd/3", "socket:[1001]", true);
	mk(root, "123/fd/4", "socket:[999]", true);
	mk(root, "123/fd/6", "/dev/null", true);
	mk(root, "123/fd/7", "socket:[1001]x", true);
	mkd(root, "456");
	mkd(root, "456/fd");
	mk(root, "456/comm", "worker\n", false);
	mk(root, "456/fd/12", "socket:[1001]", true);
	mk(root, "456/fd/10", "socket:[2002]", true);
	mkd(root, "789");
	mk(root, "789/comm", "nofd\n", false);
	mkd(root, "sys");
	mk(root, "self", "123", true);
}

static int rm_cb(const char *path, const struct stat *sb, int flag,
		 struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static bool owner_is(const struct tcpfsm_owner *o, uint64_t ino, pid_t pid,
		     int fd, const char *comm)
{
	return o->ino == ino && o->pid == pid && o->fd == fd &&
	       !strcmp(o->comm, comm);
}

static const char closewait_text[] =
	"Local Address:Port  Peer Address:Port         Age  Process\n"
	"[::1]:443           [2001:db8::1]:40000  1d1h1m1s  users:((\"worker\",pid=456,fd=10))\n"
	"127.0.0.1:8080      10.1.2.3:51000         1h2m3s  users:((\"nginx\",pid=123,fd=3),(\"nginx\",pid=123,fd=5),(\"worker\",pid=456,fd=12))\n"
	"10.0.0.1:22         10.0.0.2:60000          250ms  -\n"
	"127.0.0.1:8080      10.1.2.3:51001              -  -\n";

static const char closewait_json[] =
	"[{\"family\":\"ipv6\",\"saddr\":\"::1\",\"sport\":443,\"daddr\":\"2001:db8::1\",\"dport\":40000,"
	"\"age_ns\":90061000000000,\"ino\":2002,\"cookie\":77,"
	"\"users\":[{\"comm\":\"worker\",\"pid\":456,\"fd\":10}]},"
	"{\"family\":\"ipv4\",\"saddr\":\"127.0.0.1\",\"sport\":8080,\"daddr\":\"10.1.2.3\",\"dport\":51000,"
	"\"age_ns\":3723000000000,\"ino\":1001,\"uid\":33,"
	"\"users\":[{\"comm\":\"nginx\",\"pid\":123,\"fd\":3},{\"comm\":\"nginx\",\"pid\":123,\"fd\":5},"
	"{\"comm\":\"worker\",\"pid\":456,\"fd\":12}]},"
	"{\"family\":\"ipv4\",\"saddr\":\"10.0.0.1\",\"sport\":22,\"daddr\":\"10.0.0.2\",\"dport\":60000,"
	"\"age_ns\":250000000,\"users\":[]},"
	"{\"family\":\"ipv4\",\"saddr\":\"127.0.0.1\",\"sport\":8080,\"daddr\":\"10.1.2.3\",\"dport\":51001,"
	"\"ino\":3003,\"users\":[]}]\n";

/* A fake /proc (fake_proc()) and the sockets of sample_sockets(), sorted */
FIXTURE(proc) {
	char root[32];
	struct tcpfsm_sockets socks;
	struct tcpfsm_owners owners;
};

FIXTURE_SETUP(proc)
{
	strcpy(self->root, "/tmp/tcpfsm-proc.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->root))
		TH_LOG("a temporary directory: %s", strerror(errno));
	fake_proc(self->root);
	sample_sockets(&self->socks);
	tcpfsm_closewait_sort(&self->socks);
}

FIXTURE_TEARDOWN(proc)
{
	tcpfsm_owners_free(&self->owners);
	tcpfsm_sockets_free(&self->socks);
	nftw(self->root, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

TEST_F(proc, owners)
{
	struct tcpfsm_owners *o = &self->owners;
	int ret;

	ret = tcpfsm_find_owners(self->root, &self->socks, o);
	CHECK(!ret && o->n == 4 &&
	      owner_is(&o->v[0], 1001, 123, 3, "nginx") &&
	      owner_is(&o->v[1], 1001, 123, 5, "nginx") &&
	      owner_is(&o->v[2], 1001, 456, 12, "worker") &&
	      owner_is(&o->v[3], 2002, 456, 10, "worker"),
	      "closewait: owners from a fake /proc, sorted; other links skipped");
}

TEST_F(proc, table)
{
	struct capture cap;
	char *s;

	ASSERT_EQ(0, tcpfsm_find_owners(self->root, &self->socks,
					&self->owners));
	tcpfsm_print_closewait(cap_open(&cap), TCPFSM_FMT_TEXT, &self->socks,
			       &self->owners);
	s = cap_close(&cap);
	CHECK_STR(s, closewait_text, "closewait: text, columns as wide as needed, ss -p's users");
	free(s);
	tcpfsm_print_closewait(cap_open(&cap), TCPFSM_FMT_JSON, &self->socks,
			       &self->owners);
	s = cap_close(&cap);
	CHECK_STR(s, closewait_json, "closewait: JSON, one array");
	free(s);
}

TEST_F(proc, unreadable)
{
	int ret;

	ret = tcpfsm_find_owners("/nonexistent/proc", &self->socks,
				 &self->owners);
	CHECK(ret == -1 && errno == ENOENT && !self->owners.n,
	      "closewait: an unreadable /proc is an error");
}

TEST(none)
{
	struct tcpfsm_sockets none = { 0 };
	struct tcpfsm_owners o;
	struct capture cap;
	char *s;
	int ret;

	ret = tcpfsm_find_owners("/nonexistent/proc", &none, &o);
	CHECK(!ret && !o.n, "closewait: no socket: /proc is not read");
	tcpfsm_print_closewait(cap_open(&cap), TCPFSM_FMT_TEXT, &none, &o);
	s = cap_close(&cap);
	CHECK_STR(s, "Local Address:Port  Peer Address:Port  Age  Process\n(none)\n",
		  "closewait: text of none");
	free(s);
	tcpfsm_print_closewait(cap_open(&cap), TCPFSM_FMT_JSON, &none, &o);
	s = cap_close(&cap);
	CHECK_STR(s, "[]\n", "closewait: JSON of none");
	free(s);
	tcpfsm_owners_free(&o);
}

TEST_HARNESS_MAIN
