// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of -n NETNS (netns.c): the names it takes, its messages, and,
 * as root where namespaces can be made, that it enters the namespace a
 * name is bound to: a namespace of unshare(CLONE_NEWNET) bind-mounted on a
 * file of a directory of the test's own, as ip netns add does under
 * /run/netns; and that nobody is told it needs CAP_SYS_ADMIN.
 *
 *	netns [-l] [-t TEST]...
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "netns.h"

#include "kselftest_harness.h"

#include "helpers.h"

TEST(names)
{
	CHECK(tcpfsm_netns_name_ok("blue") && tcpfsm_netns_name_ok("pod-1.a"),
	      "netns: names");
	CHECK(!tcpfsm_netns_name_ok("") && !tcpfsm_netns_name_ok(".") &&
	      !tcpfsm_netns_name_ok("..") && !tcpfsm_netns_name_ok("a/b") &&
	      !tcpfsm_netns_name_ok("/run/netns/blue"),
	      "netns: not names: empty, . and .., a path");
}

/* Why it cannot enter: no such name, not a namespace */
TEST(errors)
{
	char dir[] = "/tmp/tcpfsm-netns.XXXXXX", path[64];
	struct capture cap;
	char *s;
	int fd;

	ASSERT_NE(NULL, mkdtemp(dir));
	CHECK(tcpfsm_netns_enter(dir, "nonesuch", cap_open(&cap)) == -1,
	      "netns: no such namespace: -1");
	s = cap_close(&cap);
	if (!CHECK(starts_with(s, "tcpfsm: network namespace \"nonesuch\" does not exist (no /tmp/tcpfsm-netns.") &&
		   strstr(s, "/nonesuch: see ip netns list)\n"),
		   "netns: no such namespace: the message"))
		diag("stderr", s);
	free(s);

	snprintf(path, sizeof(path), "%s/plain", dir);
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	ASSERT_LE(0, fd);
	close(fd);
	CHECK(tcpfsm_netns_enter(dir, "plain", cap_open(&cap)) == -1,
	      "netns: a plain file: -1");
	s = cap_close(&cap);
	/* EINVAL; EPERM first without CAP_SYS_ADMIN */
	if (!CHECK(starts_with(s, "tcpfsm: /tmp/tcpfsm-netns.") ?
		   !!strstr(s, "/plain is not a network namespace\n") :
		   starts_with(s, "tcpfsm: entering network namespace \"plain\" needs CAP_SYS_ADMIN (root): "),
		   "netns: a plain file: the message"))
		diag("stderr", s);
	free(s);
	unlink(path);
	rmdir(dir);
}

/* The inode of the network namespace of @path */
static ino_t ns_ino(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : st.st_ino;
}

/* As nobody, @name of @dir cannot be entered: @want says why */
static bool nobody_fails(const char *dir, const char *name, const char *want)
{
	struct capture cap;
	int ok;
	char *s;

	ok = tcpfsm_netns_enter(dir, name, cap_open(&cap)) == -1;
	s = cap_close(&cap);
	ok = ok && starts_with(s, want);
	if (!ok)
		fprintf(stderr, "# as nobody: %s", s);
	free(s);
	return ok;
}

/*
 * As nobody, entering DIR/blue fails, saying it needs CAP_SYS_ADMIN: the
 * setns() (the bind mount is readable), and the open() of a namespace
 * file of mode 0, as ip netns add makes them (DIR/green)
 */
static int unprivileged(const char *dir)
{
	char path[64];
	int status, fd;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/green", dir);
	fd = open(path, O_CREAT | O_WRONLY, 0);
	if (fd < 0 || chmod(dir, 0755))
		return -1;
	close(fd);
	pid = fork();
	if (!pid) {
		if (setgid(65534) || setuid(65534))
			_exit(1);
		_exit(!(nobody_fails(dir, "blue", "tcpfsm: entering network namespace \"blue\" needs CAP_SYS_ADMIN (root): Operation not permitted\n") &&
			nobody_fails(dir, "green", "tcpfsm: entering network namespace \"green\" needs CAP_SYS_ADMIN (root): /tmp/tcpfsm-netns.")));
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		status = -1;
	unlink(path);
	return status == -1 || !WIFEXITED(status) || WEXITSTATUS(status);
}

/*
 * In a child, in a mount namespace of its own (the bind mount stays
 * there): a network namespace bound to DIR/blue, entered; its exit status
 * says how it went
 */
static int enter_child(void)
{
	char dir[] = "/tmp/tcpfsm-netns.XXXXXX", path[64];
	ino_t mine, theirs;
	int fd, ret = 0;
	pid_t pid;

	if (unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return 4;	/* no namespaces here: skip */
	if (!mkdtemp(dir))
		return 10;
	snprintf(path, sizeof(path), "%s/blue", dir);
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	if (fd < 0)
		return 10;
	close(fd);
	mine = ns_ino("/proc/self/ns/net");
	/* the namespace of a grandchild, bound to DIR/blue */
	pid = fork();
	if (!pid) {
		if (unshare(CLONE_NEWNET) ||
		    mount("/proc/self/ns/net", path, NULL, MS_BIND, NULL))
			_exit(4);	/* no namespaces here: skip */
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &ret, 0) != pid || !WIFEXITED(ret)) {
		ret = 10;
		goto out;
	}
	ret = WEXITSTATUS(ret);
	if (ret)
		goto out;
	theirs = ns_ino(path);
	if (!theirs || theirs == mine) {
		ret = 11;
	} else if (unprivileged(dir)) {
		ret = 14;
	} else if (tcpfsm_netns_enter(dir, "blue", stderr)) {
		ret = 12;
	} else {
		/* sockets are made in it now */
		ret = ns_ino("/proc/thread-self/ns/net") == theirs ? 0 : 13;
	}
	umount2(path, MNT_DETACH);
out:
	unlink(path);
	rmdir(dir);
	return ret;
}

TEST(enter)
{
	int status;
	pid_t pid;

	if (geteuid())
		SKIP(return, "not root: setns() needs CAP_SYS_ADMIN");
	fflush(stdout);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(enter_child());
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	if (WEXITSTATUS(status) == 4)
		SKIP(return, "no mount or network namespace, or no bind mount here");
	CHECK(WEXITSTATUS(status) == 0,
	      "netns: entered the namespace bound to DIR/blue (exit %d: 10 setup, 11 same namespace, 12 enter failed, 13 not in it, 14 nobody's message)",
	      WEXITSTATUS(status));
}

/* @dir/@name, a file; its inode */
static ino_t touch(const char *dir, const char *name)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	if (fd < 0)
		return 0;
	close(fd);
	return ns_ino(path);
}

/* @dir/@name, another name of the file @dir/@to */
static int alias(const char *dir, const char *to, const char *name)
{
	char from[256], path[256];

	snprintf(from, sizeof(from), "%s/%s", dir, to);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return link(from, path);
}

/*
 * -A's labels, on a /run/netns and a /proc of the test's own (hard links
 * for bind mounts: a namespace is an inode): names are the run dir's
 * files of a namespace's inode, sorted; pid the lowest of the processes
 * in it, entries that are not a pid skipped; "name", "pid:N", "ino:N".
 */
TEST(labels)
{
	static const char * const dirs[] = {
		"proc", "proc/self", "proc/self/ns", "proc/12", "proc/12/ns",
		"proc/7", "proc/7/ns", "proc/30", "proc/30/ns", "proc/x1",
		"proc/x1/ns", "run",
	};
	char dir[] = "/tmp/tcpfsm-netns.XXXXXX", run[64], proc[64], p[128];
	char label[TCPFSM_NETNS_LABEL_LEN];
	struct tcpfsm_netns_id ids[3] = { 0 };
	unsigned int i;

	ASSERT_NE(NULL, mkdtemp(dir));
	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, dirs[i]);
		ASSERT_EQ(0, mkdir(p, 0700));
	}
	snprintf(run, sizeof(run), "%s/run", dir);
	snprintf(proc, sizeof(proc), "%s/proc", dir);
	/* a: pids 12 and 7, named red and blue; b: pid 30 */
	ids[0].ino = touch(dir, "proc/12/ns/net");
	ids[1].ino = touch(dir, "proc/30/ns/net");
	ids[2].ino = 4026531999U;	/* held by nothing the test made */
	ASSERT_NE(0, touch(dir, "proc/self/ns/net"));
	ASSERT_EQ(0, alias(dir, "proc/12/ns/net", "proc/7/ns/net"));
	ASSERT_EQ(0, alias(dir, "proc/12/ns/net", "proc/x1/ns/net"));
	ASSERT_EQ(0, alias(dir, "proc/12/ns/net", "run/red"));
	ASSERT_EQ(0, alias(dir, "proc/12/ns/net", "run/blue"));
	ASSERT_NE(0, touch(dir, "run/plain"));	/* no namespace of ours */

	CHECK(tcpfsm_netns_find(run, proc, ids, 3) == 0, "netns: find: 0");
	CHECK(ids[0].nnames == 2 && !strcmp(ids[0].names[0], "blue") &&
	      !strcmp(ids[0].names[1], "red") && ids[0].pid == 7,
	      "netns: a: named blue and red, sorted; lowest pid 7");
	CHECK(!strcmp(tcpfsm_netns_label(&ids[0], label, sizeof(label)), "blue"),
	      "netns: a: labelled by its first name");
	CHECK(!ids[1].nnames && ids[1].pid == 30 &&
	      !strcmp(tcpfsm_netns_label(&ids[1], label, sizeof(label)), "pid:30"),
	      "netns: b: pid:30");
	CHECK(!ids[2].nnames && !ids[2].pid &&
	      !strcmp(tcpfsm_netns_label(&ids[2], label, sizeof(label)), "ino:4026531999"),
	      "netns: held by nothing seen: ino:INODE");
	tcpfsm_netns_ids_free(ids, 3);
	CHECK(!ids[0].names && !ids[0].nnames, "netns: freed");

	/* no run dir (no ip netns yet): pids only; no /proc: -1 */
	CHECK(tcpfsm_netns_find("/nonexistent-tcpfsm", proc, ids, 3) == 0 &&
	      !ids[0].nnames && ids[0].pid == 7, "netns: no run dir: pids");
	tcpfsm_netns_ids_free(ids, 3);
	CHECK(tcpfsm_netns_find(run, "/nonexistent-tcpfsm", ids, 3) == -1,
	      "netns: no /proc: -1");
	tcpfsm_netns_ids_free(ids, 3);
	snprintf(p, sizeof(p), "rm -rf %s", dir);
	CHECK(system(p) == 0, "netns: cleaned up");
}

TEST_HARNESS_MAIN
