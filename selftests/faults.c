// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm under allocation failures: the kernel's fault injection
 * (failslab and fail_page_alloc, Documentation/fault-injection/) makes
 * chosen allocations of this task fail (/proc/thread-self/fail-nth: the
 * N-th injection point of the next calls fails) or every allocation of
 * chosen tasks (make-it-fail with task-filter). For each place where the
 * module allocates, the failure must be clean:
 *
 * - insmod: the load fails with an errno and leaves nothing (no module,
 *   no family, no /proc/net/tcpfsm), or succeeds having absorbed the
 *   failure (a netns without a time-in-state table); then it unloads;
 * - a new netns: unshare() fails, or the netns has its /proc/net/tcpfsm;
 * - the event sender: an event whose message cannot be built is counted
 *   (events-lost-nomem, or events-lost-rcvbuf when the copy for the
 *   listener failed), and received + lost == recorded, exactly;
 * - a closewait-get dump, a get, a /proc read: an error or a complete,
 *   correct answer, and the next one is complete and correct;
 * - afterwards every gauge still equals ss, and kmemleak (run_guest.sh,
 *   after the last unload) finds nothing.
 *
 * Which injection points are tcpfsm's: allocations happen in a fixed
 * order, and the module's come last (its pernet init runs after every
 * subsystem registered before it; its module init after the loader's), so
 * each test counts the points of the call (fail-nth set high, then read
 * back) and fails each of the last WINDOW of them in turn.
 *
 * Needs root, a kernel with CONFIG_FAULT_INJECTION, FAILSLAB,
 * FAIL_PAGE_ALLOC and FAULT_INJECTION_DEBUG_FS (the debug kernel of
 * make check; Debian's kernels have none: the tests say so and skip),
 * TCPFSM_KO, and tcpfsm not loaded at start.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <dirent.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "nl_lib.h"
#include "tcpfsm_lib.h"

#define FAIL_NTH	"/proc/thread-self/fail-nth"
#define DEBUGFS		"/sys/kernel/debug"
#define WINDOW		80	/* injection points tried per operation */
#define BIG_NTH		1000000
#define CW_SOCKETS	300	/* CLOSE_WAIT sockets a dump lists */

static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) != (ssize_t)strlen(val))
		ret = -errno;
	close(fd);
	return ret;
}

static int fault_attr(const char *attr, const char *file, const char *val)
{
	char path[256];

	snprintf(path, sizeof(path), DEBUGFS "/%s/%s", attr, file);
	return write_file(path, val);
}

/* Fail the @n-th injection point of this task from now on (0: none). */
static int fail_nth_set(long n)
{
	char v[32];

	snprintf(v, sizeof(v), "%ld", n);
	return write_file(FAIL_NTH, v);
}

/* Points left before the fault: 0 once it was injected. Disarms it. */
static long fail_nth_left(void)
{
	char v[32] = "";
	long left = -1;
	int fd = open(FAIL_NTH, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (read(fd, v, sizeof(v) - 1) > 0)
			left = strtol(v, NULL, 10);
		close(fd);
	}
	fail_nth_set(0);
	return left;
}

/*
 * A kernel record that is a problem: anything /dev/kmsg shows that is
 * not the report of an allocation failure we injected (whose stack dump
 * is expected: "page allocation failure", "vmalloc error").
 */
static int kmsg_problems(int fd)
{
	static const char * const bad[] = {
		"BUG", "WARNING", "Oops", "KASAN", "UBSAN", "lockdep",
		"circular locking", "inconsistent lock state",
		"suspicious RCU", "sleeping function called", "ODEBUG",
		"refcount_t", "list_add corruption", "list_del corruption",
		"general protection", "stall", "tcpfsm: ",
	};
	char rec[4096];
	ssize_t n;
	int problems = 0;
	size_t i;

	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		const char *msg;

		if (n <= 0)
			continue;
		rec[n] = 0;
		/*
		 * A report's lines that start with a blank are its details
		 * (a stack frame such as " ? lockdep_hardirqs_on+0xbe/0x130"
		 * of an injected failure's dump): the report's own first
		 * line (BUG:, WARNING:, ...) is what counts.
		 */
		msg = strchr(rec, ';');
		if (msg && msg[1] == ' ')
			continue;
		/*
		 * the reports of the failures we inject, the taint, and the
		 * seed's fallback when its records could not be allocated
		 */
		if (strstr(rec, "allocation failure") ||
		    strstr(rec, "vmalloc error") || strstr(rec, "error: -12") ||
		    strstr(rec, "taints kernel") ||
		    strstr(rec, "seeding the gauges under stop_machine(): no memory"))
			continue;
		for (i = 0; i < ARRAY_SIZE(bad); i++)
			if (strstr(rec, bad[i])) {
				fprintf(stderr, "# kernel: %s", rec);
				problems++;
				break;
			}
	}
	return problems;
}

static bool family_registered(void)
{
	struct family f = { 0 };
	struct nl nl = { 0 };
	int err = nl_open(&nl, &f);

	if (nl.sk)
		mnl_socket_close(nl.sk);
	return !err;
}

static bool proc_present(void)
{
	return !access(TCPFSM_PROC "/states", R_OK);
}

/*
 * Whether tcpfsm was loaded when this program started: if not, and it is
 * now, a test of ours that failed left it (the harness runs no teardown
 * after a failed ASSERT), and the next one takes it out.
 */
static bool loaded_at_start;

static void __attribute__((constructor)) note_start(void)
{
	loaded_at_start = tcpfsm_module_loaded();
}

FIXTURE(faults) {
	int ko_fd;
	int kmsg_fd;
};

FIXTURE_SETUP(faults)
{
	const char *ko = getenv("TCPFSM_KO");

	self->ko_fd = -1;
	self->kmsg_fd = -1;
	if (access(FAIL_NTH, W_OK))
		SKIP(return, "no %s: kernel without CONFIG_FAULT_INJECTION",
		     FAIL_NTH);
	if (access(DEBUGFS "/failslab", F_OK) ||
	    access(DEBUGFS "/fail_page_alloc", F_OK))
		SKIP(return, "no failslab or fail_page_alloc in debugfs (CONFIG_FAILSLAB, CONFIG_FAIL_PAGE_ALLOC, CONFIG_FAULT_INJECTION_DEBUG_FS)");
	if (!ko || !*ko)
		SKIP(return, "TCPFSM_KO is not set (path of tcpfsm.ko)");
	if (loaded_at_start)
		SKIP(return, "tcpfsm is loaded: this test loads it itself");
	if (tcpfsm_module_loaded())
		ASSERT_EQ(0, tcpfsm_module_unload());
	self->ko_fd = open(ko, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, self->ko_fd);
	self->kmsg_fd = tcpfsm_kmsg_open();
	ASSERT_LE(0, self->kmsg_fd);
	/* GFP_KERNEL allocations too; no message per injected failure */
	ASSERT_EQ(0, fault_attr("failslab", "ignore-gfp-wait", "N"));
	ASSERT_EQ(0, fault_attr("failslab", "verbose", "0"));
	ASSERT_EQ(0, fault_attr("fail_page_alloc", "ignore-gfp-wait", "N"));
	ASSERT_EQ(0, fault_attr("fail_page_alloc", "verbose", "0"));
	ASSERT_EQ(0, tcpfsm_netns_new());
}

FIXTURE_TEARDOWN(faults)
{
	fail_nth_set(0);
	fault_attr("failslab", "probability", "0");
	fault_attr("failslab", "task-filter", "N");
	fault_attr("failslab", "ignore-gfp-wait", "Y");
	fault_attr("fail_page_alloc", "ignore-gfp-wait", "Y");
	if (self->kmsg_fd >= 0)
		EXPECT_EQ(0, kmsg_problems(self->kmsg_fd));
	if (tcpfsm_module_loaded())
		EXPECT_EQ(0, tcpfsm_module_unload());
}

/*
 * insmod: each of the last WINDOW injection points of a load fails in
 * turn; the load fails cleanly or absorbs it, and always unloads.
 */
TEST_F_TIMEOUT(faults, insmod, 600)
{
	long total, n, left;
	int failed = 0, absorbed = 0, err;

	/*
	 * A first load allocates what the kernel then keeps (the pages of
	 * kprobes' instruction slots): count the points of a second one.
	 */
	ASSERT_EQ(0, tcpfsm_module_load(self->ko_fd, ""));
	ASSERT_EQ(0, tcpfsm_module_unload());
	ASSERT_EQ(0, fail_nth_set(BIG_NTH));
	err = tcpfsm_module_load(self->ko_fd, "");
	total = BIG_NTH - fail_nth_left();
	ASSERT_EQ(0, err);
	ASSERT_EQ(0, tcpfsm_module_unload());
	TH_LOG("a load passes %ld injection points; failing the last %d",
	       total, WINDOW);

	for (n = total > WINDOW ? total - WINDOW + 1 : 1; n <= total; n++) {
		ASSERT_EQ(0, fail_nth_set(n));
		err = tcpfsm_module_load(self->ko_fd, "");
		left = fail_nth_left();
		if (err) {
			/* clean: an errno, nothing left behind */
			EXPECT_EQ(-ENOMEM, err) TH_LOG("point %ld: %s", n,
						       strerror(-err));
			ASSERT_FALSE(tcpfsm_module_loaded());
			ASSERT_FALSE(family_registered());
			ASSERT_FALSE(proc_present());
			failed++;
			continue;
		}
		if (left == 0)
			absorbed++;
		/* loaded: it works, and goes */
		ASSERT_TRUE(proc_present()) TH_LOG("point %ld", n);
		ASSERT_TRUE(family_registered()) TH_LOG("point %ld", n);
		ASSERT_EQ(0, tcpfsm_one_connection());
		ASSERT_EQ(0, tcpfsm_module_unload());
		ASSERT_FALSE(proc_present());
	}
	TH_LOG("%d loads failed cleanly, %d absorbed the failure", failed,
	       absorbed);
	ASSERT_LT(0, failed);
}

/* A child: unshare(CLONE_NEWNET) with point @n failing; see netns. */
static int netns_child(long n, long *left)
{
	int err, p[2], status;
	pid_t pid;

	if (pipe(p))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		close(p[0]);
		if (fail_nth_set(n))
			_exit(200);
		err = unshare(CLONE_NEWNET) ? errno : 0;
		*left = fail_nth_left();
		if (write(p[1], left, sizeof(*left)) != sizeof(*left))
			_exit(201);
		if (err)	/* failed: which errno is the failing part's */
			_exit(err < 200 ? err : 199);
		/* made: it has its files, and they read */
		_exit(proc_present() && tcpfsm_counter("track_size") >= 0 ?
		      0 : 202);
	}
	close(p[1]);
	if (read(p[0], left, sizeof(*left)) != sizeof(*left))
		*left = -1;
	close(p[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -ECHILD;
	return WEXITSTATUS(status);
}

/* netns: the last WINDOW points of a netns's creation, with tcpfsm in. */
TEST_F_TIMEOUT(faults, netns, 600)
{
	int failed = 0, made = 0, enomem = 0, rc;
	long total, n, left;

	ASSERT_EQ(0, tcpfsm_module_load(self->ko_fd, ""));
	ASSERT_EQ(0, netns_child(BIG_NTH, &left));
	total = BIG_NTH - left;
	TH_LOG("a new netns passes %ld injection points; failing the last %d",
	       total, WINDOW);
	for (n = total > WINDOW ? total - WINDOW + 1 : 1; n <= total; n++) {
		rc = netns_child(n, &left);
		/* 0: made, and working; an errno: refused cleanly */
		ASSERT_TRUE(rc >= 0 && rc < 200)
			TH_LOG("point %ld: child %d", n, rc);
		if (rc) {
			failed++;
			enomem += rc == ENOMEM;
		} else {
			made++;
		}
	}
	TH_LOG("%d creations failed (%d with ENOMEM), %d made a working netns",
	       failed, enomem, made);
	ASSERT_LT(0, failed);
	ASSERT_EQ(0, tcpfsm_module_unload());
}

/*
 * The figures of two reads of states are the same, but for TIME_WAIT,
 * whose sockets (the test's closed clients) expire meanwhile.
 */
static bool states_same(struct tcpfsm_states a, struct tcpfsm_states b)
{
	bool same = true;
	int s;

	for (s = TCP_ESTABLISHED; s < TCPFSM_NR; s++) {
		if (s == TCP_TIME_WAIT ||
		    (a.cur[s] == b.cur[s] && a.entered[s] == b.entered[s] &&
		     a.left[s] == b.left[s]))
			continue;
		fprintf(stderr, "# %s: %lld %lld %lld, then %lld %lld %lld\n",
			tcpfsm_state_name(s), (long long)a.cur[s],
			(long long)a.entered[s], (long long)a.left[s],
			(long long)b.cur[s], (long long)b.entered[s],
			(long long)b.left[s]);
		same = false;
	}
	return same;
}

/* Count the messages of a closewait-get dump. */
static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(*(int *)data)++;
	return MNL_CB_OK;
}

/* A closewait-get dump: the number of sockets, or -errno. */
static int closewait_dump(struct nl *nl)
{
	struct nlmsghdr *nlh;
	struct answer a;
	int n = 0, err;

	nlh = nl_req(nl, nl->family, TCPFSM_CMD_CLOSEWAIT_GET,
		     TCPFSM_FAMILY_VERSION);
	nlh->nlmsg_flags |= NLM_F_DUMP;
	err = nl_talk(nl, nlh, count_cb, &n, &a);
	if (err)
		return err;
	return a.err ? -a.err : n;
}

/*
 * requests: a closewait-get dump over CW_SOCKETS sockets (several
 * messages), a get and a read of /proc/net/tcpfsm/states, each with each
 * of its injection points failing in turn: an error or the right answer,
 * and then, on a fresh socket, the right answer.
 */
TEST_F_TIMEOUT(faults, requests, 600)
{
	int srv[CW_SOCKETS], cli[CW_SOCKETS], lfd, i, got, errors = 0;
	struct tcpfsm_states s0, s1;
	struct family f = { 0 };
	struct tcpfsm_addr a;
	long total, n, left;
	struct tcpfsm_ss ss;
	struct nl nl;

	ASSERT_EQ(0, tcpfsm_module_load(self->ko_fd, ""));
	lfd = tcpfsm_listen(AF_INET, CW_SOCKETS, &a);
	ASSERT_LE(0, lfd);
	for (i = 0; i < CW_SOCKETS; i++) {
		cli[i] = tcpfsm_connect(&a, false);
		ASSERT_LE(0, cli[i]);
		srv[i] = tcpfsm_accept(lfd);
		ASSERT_LE(0, srv[i]);
		/*
		 * srv[i]: CLOSE_WAIT. The client keeps its socket: an orphan
		 * would be reset after tcp_fin_timeout, and its server socket
		 * would leave CLOSE_WAIT in the middle of the test.
		 */
		ASSERT_EQ(0, shutdown(cli[i], SHUT_WR));
	}
	ASSERT_EQ(0, nl_open(&nl, &f));
	ASSERT_EQ(CW_SOCKETS, closewait_dump(&nl));

	/* the dump */
	ASSERT_EQ(0, fail_nth_set(BIG_NTH));
	got = closewait_dump(&nl);
	total = BIG_NTH - fail_nth_left();
	ASSERT_EQ(CW_SOCKETS, got);
	TH_LOG("a dump of %d sockets passes %ld injection points", CW_SOCKETS,
	       total);
	for (n = 1; n <= total; n++) {
		ASSERT_EQ(0, fail_nth_set(n));
		got = closewait_dump(&nl);
		left = fail_nth_left();
		ASSERT_TRUE(got == CW_SOCKETS || got < 0)
			TH_LOG("point %ld: %d sockets", n, got);
		if (got < 0) {
			errors++;
			mnl_socket_close(nl.sk);
			ASSERT_EQ(0, nl_open(&nl, &f));
		}
		ASSERT_EQ(CW_SOCKETS, closewait_dump(&nl))
			TH_LOG("after point %ld (left %ld)", n, left);
	}
	TH_LOG("dump: %d of %ld injected failures gave an error", errors,
	       total);
	ASSERT_LT(0, errors);

	/* /proc/net/tcpfsm/states: an error or the right figures */
	ASSERT_EQ(0, tcpfsm_read_states(&s0));
	errors = 0;
	for (n = 1; n <= 40; n++) {
		ASSERT_EQ(0, fail_nth_set(n));
		got = tcpfsm_read_states(&s1);
		left = fail_nth_left();
		if (got)
			errors++;
		else
			ASSERT_TRUE(states_same(s0, s1));
		ASSERT_EQ(0, tcpfsm_read_states(&s1));
		ASSERT_TRUE(states_same(s0, s1));
		if (left > 0)
			break;
	}
	TH_LOG("/proc read: %d injected failures gave an error", errors);
	ASSERT_LT(0, errors);

	/* nothing went wrong with the figures */
	for (i = 0; i < CW_SOCKETS; i++) {
		ASSERT_EQ(0, close(srv[i]));
		ASSERT_EQ(0, close(cli[i]));
	}
	ASSERT_EQ(0, close(lfd));
	mnl_socket_close(nl.sk);
	/* the closes settle, timewait sockets expire: try a few times */
	for (i = 0; i < 5; i++) {
		ASSERT_EQ(0, tcpfsm_read_states(&s1));
		ASSERT_EQ(0, tcpfsm_ss_read(&ss));
		if (!tcpfsm_ss_check(&s1, &ss))
			break;
		usleep(500 * 1000);
	}
	ASSERT_GT(5, i);
	ASSERT_EQ(0, tcpfsm_module_unload());
}

/* Set make-it-fail of the high-priority kworkers of @cpu: how many. */
static int mark_kworkers(int cpu, const char *val)
{
	char path[300], comm[64], prefix[32], *p;
	struct dirent *d;
	int n = 0, fd;
	ssize_t len;
	DIR *dir;

	snprintf(prefix, sizeof(prefix), "kworker/%d:", cpu);
	dir = opendir("/proc");
	if (!dir)
		return -errno;
	while ((d = readdir(dir))) {
		snprintf(path, sizeof(path), "/proc/%s/comm", d->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		len = read(fd, comm, sizeof(comm) - 1);
		close(fd);
		if (len <= 1)
			continue;
		comm[len - 1] = 0;	/* the newline */
		/* system_highpri_wq: kworker/CPU:IDH, maybe -WORKQUEUE after */
		if (strncmp(comm, prefix, strlen(prefix)))
			continue;
		p = comm + strlen(prefix);
		while (*p >= '0' && *p <= '9')
			p++;
		if (*p != 'H')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/make-it-fail", d->d_name);
		if (!write_file(path, val))
			n++;
	}
	closedir(dir);
	return n;
}

static int64_t matrix_total(void)
{
	struct tcpfsm_matrix m;
	int64_t sum = 0;
	int i, j;

	if (tcpfsm_matrix_settled(&m, 500, 20000))
		return -1;
	for (i = 0; i < TCPFSM_NR; i++)
		for (j = 0; j < TCPFSM_NR; j++)
			sum += m.n[i][j];
	return sum;
}

/* Transition events queued on @nl now. */
static int64_t drain_events(struct nl *nl, int *enobufs)
{
	static char buf[64 * 1024];
	const struct nlmsghdr *nlh;
	int fd = mnl_socket_get_fd(nl->sk), len;
	int64_t n = 0;

	for (;;) {
		len = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (len < 0 && errno == ENOBUFS) {
			(*enobufs)++;
			continue;
		}
		if (len <= 0)
			return n;
		for (nlh = (struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len))
			if (nlh->nlmsg_type == nl->family)
				n++;
	}
}

/*
 * events: while every allocation of the event sender's kworkers fails,
 * connections come and go; each event is then received or counted lost,
 * exactly, and some were lost for want of memory.
 */
TEST_F_TIMEOUT(faults, events, 300)
{
	int64_t t0, total, got, lost, nomem;
	static const char * const cause[] = {
		"events_lost_overflow", "events_lost_nomem",
		"events_lost_rcvbuf",
	};
	int big = 8 << 20, one = 1, cpu, marked, enobufs = 0, i;
	int64_t lost0[3];
	struct family f = { 0 };
	struct nlmsghdr *nlh;
	struct answer a;
	struct nl l;

	ASSERT_EQ(0, tcpfsm_module_load(self->ko_fd, ""));
	/* the probe and so the sender's work on this CPU */
	ASSERT_EQ(0, tcpfsm_pin_cpu());
	cpu = sched_getcpu();
	ASSERT_EQ(0, nl_open(&l, &f));
	ASSERT_EQ(0, setsockopt(mnl_socket_get_fd(l.sk), SOL_SOCKET,
				SO_RCVBUFFORCE, &big, sizeof(big)));
	ASSERT_EQ(0, setsockopt(mnl_socket_get_fd(l.sk), SOL_NETLINK,
				NETLINK_BROADCAST_ERROR, &one, sizeof(one)));
	ASSERT_EQ(0, setsockopt(mnl_socket_get_fd(l.sk), SOL_NETLINK,
				NETLINK_ADD_MEMBERSHIP, &l.events,
				sizeof(l.events)));
	nlh = nl_req(&l, l.family, TCPFSM_CMD_EVENTS_SUBSCRIBE,
		     TCPFSM_FAMILY_VERSION);
	ASSERT_EQ(0, nl_talk(&l, nlh, NULL, NULL, &a));
	ASSERT_EQ(0, a.err);
	for (i = 0; i < 3; i++)
		lost0[i] = tcpfsm_counter(cause[i]);
	t0 = matrix_total();
	ASSERT_LE(0, t0);

	marked = mark_kworkers(cpu, "1");
	ASSERT_LT(0, marked) TH_LOG("no kworker/%d:*H to make fail", cpu);
	ASSERT_EQ(0, fault_attr("failslab", "task-filter", "Y"));
	ASSERT_EQ(0, fault_attr("failslab", "interval", "1"));
	ASSERT_EQ(0, fault_attr("failslab", "times", "-1"));
	ASSERT_EQ(0, fault_attr("failslab", "probability", "100"));
	for (i = 0; i < 5; i++)
		ASSERT_EQ(0, tcpfsm_one_connection());
	usleep(500 * 1000);	/* the sender's work ran, and failed */
	ASSERT_EQ(0, fault_attr("failslab", "probability", "0"));
	ASSERT_EQ(0, fault_attr("failslab", "task-filter", "N"));
	mark_kworkers(cpu, "0");

	/* and then it works again */
	ASSERT_EQ(0, tcpfsm_one_connection());
	total = matrix_total() - t0;
	usleep(500 * 1000);
	got = drain_events(&l, &enobufs);
	lost = 0;
	for (i = 0; i < 3; i++)
		lost += tcpfsm_counter(cause[i]) - lost0[i];
	nomem = tcpfsm_counter("events_lost_nomem") - lost0[1];
	TH_LOG("%d kworkers failing: %lld events, %lld received, %lld lost (%lld nomem), %d ENOBUFS",
	       marked, (long long)total, (long long)got, (long long)lost,
	       (long long)nomem, enobufs);
	ASSERT_EQ(total, got + lost);
	ASSERT_LT(0, lost);
	mnl_socket_close(l.sk);
	ASSERT_EQ(0, tcpfsm_module_unload());
}

TEST_HARNESS_MAIN
