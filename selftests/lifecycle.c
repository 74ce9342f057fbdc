// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm: loading and unloading the module.
 *
 * Must start with tcpfsm unloaded: loads $TCPFSM_KO itself with
 * finit_module(2), and leaves the module unloaded when it exits, test
 * failed or not (fixture teardown, and a destructor for a test killed
 * on timeout).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "tcpfsm_lib.h"

#define CYCLES		40
#define CYCLES_MIN	10	/* on a slow kernel, after CYCLES_MS */
#define CYCLES_MS	25000
#define CHURN_THREADS	2
#define CHURN_MAX	20000	/* connections per thread */
#define CHURN_MAX_MS	300000
/*
 * Pace the churn: unpaced, it slows the load/unload cycles down 3 times
 * in a TCG guest. 40 cycles: 6.12 did 74 in 60 s under this churn, on a
 * busy host. On a slower kernel (PREEMPT_RT on a busy host; the debug
 * kernel, KASAN and lockdep: 41 cycles in 152 s) load_unload_churn stops
 * after CYCLES_MS once it has done CYCLES_MIN cycles, and its per-CPU
 * bound is of the cycles it did.
 */
#define CHURN_PAUSE_US	2000

static pid_t main_pid;
static bool loaded_at_start;

static void __attribute__((constructor)) note_start(void)
{
	main_pid = getpid();
	loaded_at_start = tcpfsm_module_loaded();
}

/* A test killed on timeout skips its teardown: unload here then. */
static void __attribute__((destructor)) unload_at_exit(void)
{
	if (getpid() == main_pid && !loaded_at_start && tcpfsm_module_loaded())
		tcpfsm_module_unload();
}

FIXTURE(lifecycle) {
	int ko_fd;
	int kmsg_fd;
	int ns[2];	/* every netns the test made, -1 if not */
};

FIXTURE_SETUP(lifecycle)
{
	const char *ko = getenv("TCPFSM_KO");

	if (!ko || !*ko)
		SKIP(return, "TCPFSM_KO is not set (path of tcpfsm.ko)");
	if (access("/proc/modules", F_OK))
		SKIP(return, "kernel without module support");
	if (tcpfsm_module_loaded())
		SKIP(return, "tcpfsm is loaded: this test loads it itself");
	self->ko_fd = open(ko, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, self->ko_fd)
		TH_LOG("%s: %s", ko, strerror(errno));
	self->kmsg_fd = tcpfsm_kmsg_open();
	ASSERT_LE(0, self->kmsg_fd);
	ASSERT_EQ(0, tcpfsm_netns_new());
	self->ns[0] = tcpfsm_netns_open();
	ASSERT_LE(0, self->ns[0]);
	self->ns[1] = -1;
}

FIXTURE_TEARDOWN(lifecycle)
{
	if (tcpfsm_module_loaded())
		EXPECT_EQ(0, tcpfsm_module_unload());
}

/* Another netns, kept in ns[1]; the thread stays in it. */
static void second_netns(struct __test_metadata *_metadata,
			 FIXTURE_DATA(lifecycle) *self)
{
	ASSERT_EQ(0, tcpfsm_netns_new());
	self->ns[1] = tcpfsm_netns_open();
	ASSERT_LE(0, self->ns[1]);
}

/* Unload; /proc/net/tcpfsm then is gone everywhere, the log is clean. */
static void unload_and_check(struct __test_metadata *_metadata,
			     FIXTURE_DATA(lifecycle) *self)
{
	int i;

	ASSERT_EQ(0, tcpfsm_module_unload());
	ASSERT_FALSE(tcpfsm_module_loaded());
	for (i = 0; i < 2; i++) {
		if (self->ns[i] < 0)
			continue;
		ASSERT_EQ(0, setns(self->ns[i], CLONE_NEWNET));
		ASSERT_NE(0, access(TCPFSM_PROC, F_OK));
		ASSERT_EQ(ENOENT, errno);
	}
	ASSERT_EQ(0, tcpfsm_kmsg_check(self->kmsg_fd));
}

/* listen, connect, accept: the matrix and the gauges move exactly so */
static void handshake_moves(struct __test_metadata *_metadata,
			    struct tcpfsm_snap *snap)
{
	static const struct tcpfsm_cell cells[] = {
		TR(CLOSE, LISTEN, 1), TR(CLOSE, SYN_SENT, 1),
		TR(SYN_SENT, ESTABLISHED, 1), TR(LISTEN, SYN_RECV, 1),
		TR(SYN_RECV, ESTABLISHED, 1),
	};
	static const struct tcpfsm_gauge gauges[] = {
		GA(LISTEN, 1), GA(ESTABLISHED, 2),
	};
	struct tcpfsm_addr a;
	int lfd, c, s;

	lfd = tcpfsm_listen(AF_INET, 1, &a);
	ASSERT_LE(0, lfd);
	c = tcpfsm_connect(&a, false);
	ASSERT_LE(0, c);
	s = tcpfsm_accept(lfd);
	ASSERT_LE(0, s);
	ASSERT_EQ(0, tcpfsm_expect(snap, cells, ARRAY_SIZE(cells),
				   gauges, ARRAY_SIZE(gauges)));
}

/* Just loaded, in a netns with no socket open: all counters at zero. */
static void quiet_since_load(struct __test_metadata *_metadata,
			     struct tcpfsm_snap *snap)
{
	struct tcpfsm_matrix zero = { 0 };
	int64_t tw_before;
	int s;

	ASSERT_EQ(0, tcpfsm_sockstat_tw(&tw_before));
	ASSERT_EQ(0, tcpfsm_snap_read(snap));
	ASSERT_EQ(0, memcmp(&zero, &snap->m, sizeof(zero)));
	for (s = TCP_ESTABLISHED; s <= TCP_NEW_SYN_RECV; s++)
		if (s != TCP_CLOSE && s != TCP_TIME_WAIT)
			ASSERT_EQ(0, snap->s.cur[s])
				TH_LOG("%s", tcpfsm_state_name(s));
	/*
	 * Timewait sockets of the churn may be left, expiring (no transition
	 * shows it): sockstat's count, read before and after the module's.
	 * On the debug kernel a few expire between the two reads.
	 */
	ASSERT_LE(snap->sockstat_tw,
		  snap->s.cur[TCP_TIME_WAIT] + snap->s.tw_fin_wait2);
	ASSERT_GE(tw_before, snap->s.cur[TCP_TIME_WAIT] + snap->s.tw_fin_wait2);
}

TEST_F(lifecycle, seed_existing_sockets)
{
	/* what was there before the load, seen as gauges, not transitions */
	static const struct tcpfsm_gauge seeded[] = {
		GA(LISTEN, 1), GA(ESTABLISHED, 4), GA(FIN_WAIT2, 1),
		GA(CLOSE_WAIT, 1), GA(TIME_WAIT, 1),
	};
	/* pairs 0 and 1 closed client first, 2's server closes, listener */
	static const struct tcpfsm_cell closing[] = {
		TR(ESTABLISHED, FIN_WAIT1, 2), TR(FIN_WAIT1, FIN_WAIT2, 2),
		TR(FIN_WAIT2, CLOSE, 3), TR(ESTABLISHED, CLOSE_WAIT, 2),
		TR(CLOSE_WAIT, LAST_ACK, 3), TR(LAST_ACK, CLOSE, 3),
		TR(LISTEN, CLOSE, 1),
	};
	static const struct tcpfsm_gauge closing_g[] = {
		GA(LISTEN, -1), GA(ESTABLISHED, -4), GA(FIN_WAIT2, -1),
		GA(CLOSE_WAIT, -1), GA(TIME_WAIT, 3),
	};
	struct tcpfsm_ss want = {
		.n = { [TCP_LISTEN] = 1, [TCP_ESTABLISHED] = 4,
		       [TCP_FIN_WAIT2] = 1, [TCP_CLOSE_WAIT] = 1 },
		.timewait = 1,
	}, ss;
	struct tcpfsm_snap snap, fresh;
	struct tcpfsm_addr a;
	int lfd, c[4], s[4], i, err;
	char ch;

	/* one path through a graceful close, see tcpfsm_pin_cpu() */
	ASSERT_EQ(0, tcpfsm_pin_cpu());
	lfd = tcpfsm_listen(AF_INET, 8, &a);
	ASSERT_LE(0, lfd);
	for (i = 0; i < 4; i++) {
		c[i] = tcpfsm_connect(&a, false);
		ASSERT_LE(0, c[i]);
		s[i] = tcpfsm_accept(lfd);
		ASSERT_LE(0, s[i]);
	}
	/*
	 * 2 half-closed: a full FIN_WAIT2 socket. After close() instead it
	 * would be a timewait socket in substate FIN_WAIT2, a TIME_WAIT.
	 */
	ASSERT_EQ(0, shutdown(c[2], SHUT_WR));
	ASSERT_EQ(0, tcpfsm_recv(s[2], &ch, 1));
	/* 3 closed both ways: a timewait socket */
	ASSERT_EQ(0, close(c[3]));
	ASSERT_EQ(0, tcpfsm_recv(s[3], &ch, 1));
	ASSERT_EQ(0, close(s[3]));
	err = tcpfsm_ss_wait(&want);
	if (err == -ENOENT)
		SKIP(return, "no ss(8)");
	ASSERT_EQ(0, err);

	ASSERT_EQ(0, tcpfsm_module_load(self->ko_fd, ""));
	tcpfsm_snap_zero(&snap);
	ASSERT_EQ(0, tcpfsm_expect(&snap, NULL, 0, seeded, ARRAY_SIZE(seeded)));
	ASSERT_EQ(0, tcpfsm_ss_read(&ss));
	ASSERT_EQ(0, tcpfsm_ss_check(&snap.s, &ss));

	/* a netns made after the load starts at zero */
	second_netns(_metadata, self);
	tcpfsm_snap_zero(&fresh);
	ASSERT_EQ(0, tcpfsm_expect(&fresh, NULL, 0, NULL, 0));
	ASSERT_EQ(0, setns(self->ns[0], CLONE_NEWNET));

	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, close(c[i]));
		ASSERT_EQ(0, tcpfsm_recv(s[i], &ch, 1));
		ASSERT_EQ(0, close(s[i]));
	}
	ASSERT_EQ(0, close(s[2]));
	ASSERT_EQ(0, tcpfsm_recv(c[2], &ch, 1));
	ASSERT_EQ(0, close(c[2]));
	ASSERT_EQ(0, close(lfd));
	/* every gauge back to 0 but TIME_WAIT (none negative: checked) */
	ASSERT_EQ(0, tcpfsm_expect(&snap, closing, ARRAY_SIZE(closing),
				   closing_g, ARRAY_SIZE(closing_g)));
	for (i = TCP_ESTABLISHED; i <= TCP_NEW_SYN_RECV; i++)
		if (i != TCP_CLOSE && i != TCP_TIME_WAIT)
			ASSERT_EQ(0, snap.s.cur[i])
				TH_LOG("%s", tcpfsm_state_name(i));
	ASSERT_EQ(4, snap.s.cur[TCP_TIME_WAIT]);

	unload_and_check(_metadata, self);
}

#define MANY_PAIRS	1000

/*
 * Thousands of connections open at load: all in the gauges, exactly. They
 * live in a netns with an established hash of its own
 * (net.ipv4.tcp_child_ehash_entries), which the seed walks separately.
 */
TEST_F_TIMEOUT(lifecycle, seed_thousands, 300)
{
	static const struct tcpfsm_gauge seeded[] = {
		GA(LISTEN, 1), GA(ESTABLISHED, 2 * MANY_PAIRS),
	};
	struct rlimit nofile = {
		.rlim_cur = 2 * MANY_PAIRS + 64, .rlim_max = 2 * MANY_PAIRS + 64,
	};
	struct tcpfsm_ss want = {
		.n = { [TCP_LISTEN] = 1, [TCP_ESTABLISHED] = 2 * MANY_PAIRS },
	};
	struct tcpfsm_snap snap;
	struct tcpfsm_addr a;
	int lfd, fd, i, err;
	int64_t t;

	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &nofile));
	if (tcpfsm_sh("sysctl -qw net.ipv4.tcp_child_ehash_entries=1024"))
		SKIP(return, "no net.ipv4.tcp_child_ehash_entries");
	second_netns(_metadata, self);
	/* negative when the netns shares init_net's hash */
	ASSERT_EQ(0, tcpfsm_sh("test $(sysctl -n net.ipv4.tcp_ehash_entries) = 1024"));
	lfd = tcpfsm_listen(AF_INET6, 128, &a);
	ASSERT_LE(0, lfd);
	for (i = 0; i < MANY_PAIRS; i++) {
		fd = tcpfsm_connect(&a, false);
		ASSERT_LE(0, fd);
		fd = tcpfsm_accept(lfd);
		ASSERT_LE(0, fd);
	}
	err = tcpfsm_ss_wait(&want);
	if (err == -ENOENT)
		SKIP(return, "no ss(8)");
	ASSERT_EQ(0, err);

	t = tcpfsm_now_ms();
	ASSERT_EQ(0, tcpfsm_module_load(self->ko_fd, ""));
	TH_LOG("loaded with %d sockets open in %lld ms", 2 * MANY_PAIRS + 1,
	       (long long)(tcpfsm_now_ms() - t));
	tcpfsm_snap_zero(&snap);
	ASSERT_EQ(0, tcpfsm_expect(&snap, NULL, 0, seeded, ARRAY_SIZE(seeded)));
	/* the sockets close with the test process; the module goes first */
	unload_and_check(_metadata, self);
}

struct churn {
	pthread_t thread;
	int family;
	atomic_bool *stop;
	unsigned long conns;
	int err;		/* first failure, errno */
};

/* connect, accept, close; every other one aborted (SO_LINGER 0) */
static void *churn_loop(void *arg)
{
	int64_t end = tcpfsm_now_ms() + CHURN_MAX_MS;
	struct churn *ch = arg;
	struct tcpfsm_addr a;
	int lfd, c, s;

	lfd = tcpfsm_listen(ch->family, 64, &a);
	if (lfd < 0) {
		ch->err = -lfd;
		return NULL;
	}
	while (!atomic_load(ch->stop) && ch->conns < CHURN_MAX &&
	       tcpfsm_now_ms() < end) {
		c = tcpfsm_connect(&a, false);
		if (c < 0) {
			ch->err = -c;
			break;
		}
		s = tcpfsm_accept(lfd);
		if (s < 0 || ((ch->conns & 1) && tcpfsm_linger0(c))) {
			ch->err = s < 0 ? -s : errno;
			close(c);
			break;
		}
		close(c);
		close(s);
		ch->conns++;
		usleep(CHURN_PAUSE_US);
	}
	close(lfd);
	return NULL;
}

TEST_F_TIMEOUT(lifecycle, load_unload_churn, 300)
{
	struct tcpfsm_ss no_full_socket = { .timewait = -1 };
	struct churn ch[CHURN_THREADS] = { 0 };
	int64_t start = tcpfsm_now_ms();
	atomic_bool stop = false;
	struct tcpfsm_states st;
	struct tcpfsm_snap snap;
	int i, cycles, err = 0;

	long percpu_kb, leak_kb;

	/* netns B lives through all the cycles; the churn runs in A */
	second_netns(_metadata, self);
	/* the first load populates per-CPU chunks that later ones reuse */
	ASSERT_EQ(0, tcpfsm_module_load(self->ko_fd, ""));
	ASSERT_EQ(0, tcpfsm_module_unload());
	percpu_kb = tcpfsm_meminfo_kb("Percpu");
	ASSERT_LT(0, percpu_kb);
	ASSERT_EQ(0, setns(self->ns[0], CLONE_NEWNET));
	for (i = 0; i < CHURN_THREADS; i++) {
		ch[i].family = i % 2 ? AF_INET6 : AF_INET;
		ch[i].stop = &stop;
		ASSERT_EQ(0, pthread_create(&ch[i].thread, NULL, churn_loop,
					    &ch[i]));
	}
	for (cycles = 0; cycles < CYCLES; cycles++) {
		if (cycles >= CYCLES_MIN && tcpfsm_now_ms() - start > CYCLES_MS)
			break;
		err = tcpfsm_module_load(self->ko_fd, "");
		if (!err)
			err = tcpfsm_read_states(&st);
		if (!err)
			err = tcpfsm_module_unload();
		if (err)
			break;
	}
	atomic_store(&stop, true);
	for (i = 0; i < CHURN_THREADS; i++)
		pthread_join(ch[i].thread, NULL);
	ASSERT_EQ(0, err)
		TH_LOG("cycle %d: %s", cycles, strerror(-err));
	for (i = 0; i < CHURN_THREADS; i++) {
		ASSERT_EQ(0, ch[i].err)
			TH_LOG("churn %d: %s", i, strerror(ch[i].err));
		ASSERT_LT(0UL, ch[i].conns);
		TH_LOG("churn %d: %lu connections", i, ch[i].conns);
	}
	TH_LOG("%d load/unload cycles in %lld ms", cycles,
	       (long long)(tcpfsm_now_ms() - start));
	/*
	 * A matrix left behind per netns (init, A, B) per load would be
	 * 3 x 968 bytes x CPUs x cycles; allow a tenth of that for the
	 * allocator's own chunk balancing.
	 */
	leak_kb = tcpfsm_meminfo_kb("Percpu") - percpu_kb;
	TH_LOG("Percpu: %+ld kB after %d cycles", leak_kb, cycles);
	ASSERT_GT(3 * 968 * sysconf(_SC_NPROCESSORS_CONF) * cycles / 1024 / 10,
		  leak_kb);

	/* once only timewait sockets are left, load again */
	err = tcpfsm_ss_wait(&no_full_socket);
	if (err == -ENOENT)
		SKIP(return, "no ss(8)");
	ASSERT_EQ(0, err);
	ASSERT_EQ(0, tcpfsm_module_load(self->ko_fd, ""));
	/* A, after all that churn, and B, which saw 100 loads come and go */
	quiet_since_load(_metadata, &snap);
	ASSERT_EQ(0, setns(self->ns[1], CLONE_NEWNET));
	quiet_since_load(_metadata, &snap);
	/* and counting, exactly */
	handshake_moves(_metadata, &snap);

	unload_and_check(_metadata, self);
}

#define SMALL_TABLE	64
#define TABLE_PAIRS	100
#define BIG_TABLE	(1 << 20)	/* 16 MiB of slots */

/*
 * A listener and TABLE_PAIRS connections to it, both ends kept: 1 + 2 x
 * TABLE_PAIRS sockets born. Return: the listener, or -errno.
 */
static int pairs_open(int *c, int *s)
{
	struct tcpfsm_addr a;
	int lfd, i;

	lfd = tcpfsm_listen(AF_INET, TABLE_PAIRS, &a);
	for (i = 0; lfd >= 0 && i < TABLE_PAIRS; i++) {
		c[i] = tcpfsm_connect(&a, false);
		if (c[i] < 0)
			return c[i];
		s[i] = tcpfsm_accept(lfd);
		if (s[i] < 0)
			return s[i];
	}
	return lfd;
}

/* Close them, client first, the server after reading its FIN: 0 or -1. */
static int pairs_close(int lfd, const int *c, const int *s)
{
	char ch;
	int i;

	for (i = 0; i < TABLE_PAIRS; i++)
		if (close(c[i]) || tcpfsm_recv(s[i], &ch, 1) || close(s[i]))
			return -1;
	return close(lfd);
}

/*
 * track_table: module/track.c's table of a netns is fixed when the netns
 * is made (or at load); this test's netns is not the initial one, so
 * track_netns_sockets sizes it. Filled past its size, every socket born (a
 * listener, TABLE_PAIRS clients and children) is either tracked or counted
 * as untracked, exactly; all leave it on CLOSE; a big table is given back
 * on unload; a bad size (of the tables or of the event rings) refuses the
 * load with the reason in the kernel log.
 */
/*
 * kprobes=0: only the tracepoint. The figures that need the timewait
 * probes are "-" (never a wrong number), the rest counts as before.
 */
TEST_F(lifecycle, no_kprobes)
{
	struct tcpfsm_matrix m0, m1;
	struct tcpfsm_states st;
	char param[16] = "";
	int64_t tw;
	FILE *f;

	ASSERT_EQ(-EINVAL, tcpfsm_module_load(self->ko_fd, "kprobes=abc"));
	ASSERT_NE(0, tcpfsm_kmsg_check(self->kmsg_fd));	/* the reason */
	ASSERT_EQ(0, tcpfsm_module_load(self->ko_fd, "kprobes=0"));
	f = fopen("/sys/module/tcpfsm/parameters/kprobes", "r");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(param, sizeof(param), f));
	fclose(f);
	ASSERT_STREQ("N\n", param);

	/* the tracepoint counts; a timewait socket tcpfsm does not count */
	ASSERT_EQ(0, tcpfsm_read_matrix(&m0));
	ASSERT_EQ(0, tcpfsm_one_connection());
	ASSERT_EQ(0, tcpfsm_read_matrix(&m1));
	ASSERT_EQ(1, m1.n[TCP_CLOSE][TCP_SYN_SENT] -
		     m0.n[TCP_CLOSE][TCP_SYN_SENT]);
	ASSERT_EQ(1, m1.n[TCP_FIN_WAIT2][TCP_CLOSE] -
		     m0.n[TCP_FIN_WAIT2][TCP_CLOSE]);
	ASSERT_EQ(0, tcpfsm_sockstat_tw(&tw));
	ASSERT_LE(1, tw);
	ASSERT_EQ(0, tcpfsm_read_states(&st));
	ASSERT_EQ(TCPFSM_ABSENT, st.cur[TCP_TIME_WAIT]);
	ASSERT_EQ(TCPFSM_ABSENT, st.cur[TCP_FIN_WAIT2]);
	ASSERT_EQ(0, st.cur[TCP_ESTABLISHED]);
	/* nor request sockets: NEW_SYN_RECV from the listeners' queues */
	f = fopen(TCPFSM_PROC "/handshake", "r");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(param, sizeof(param), f));
	fclose(f);
	ASSERT_STREQ("current -\n", param);
	ASSERT_EQ(0, st.cur[TCP_NEW_SYN_RECV]);
	unload_and_check(_metadata, self);
}

TEST_F_TIMEOUT(lifecycle, track_table, 120)
{
	struct rlimit nofile = { 4 * TABLE_PAIRS, 4 * TABLE_PAIRS };
	static const char * const bad[] = {
		"track_sockets=5", "track_sockets=abc", "track_sockets=-1",
		"track_sockets=33554432", "track_netns_sockets=5",
		"track_netns_sockets=33554432", "events_ring=0",
		"events_ring=32", "events_ring=131072",
	};
	int lfd, c[TABLE_PAIRS], s[TABLE_PAIRS], i;
	int64_t tracked, untracked, deadline;
	long vmalloc0, vmalloc1, vmalloc2;

	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &nofile));
	for (i = 0; i < (int)ARRAY_SIZE(bad); i++)
		ASSERT_EQ(-EINVAL, tcpfsm_module_load(self->ko_fd, bad[i]))
			TH_LOG("%s", bad[i]);
	ASSERT_NE(0, tcpfsm_kmsg_check(self->kmsg_fd));	/* the reasons */

	ASSERT_EQ(0, tcpfsm_module_load(self->ko_fd, "track_netns_sockets=64"));
	ASSERT_EQ(SMALL_TABLE, tcpfsm_counter("track_size"));
	lfd = pairs_open(c, s);
	ASSERT_LE(0, lfd);
	tracked = tcpfsm_counter("tracked");
	untracked = tcpfsm_counter("untracked");
	TH_LOG("%d sockets born: %lld tracked, %lld untracked",
	       1 + 2 * TABLE_PAIRS, (long long)tracked, (long long)untracked);
	ASSERT_EQ(1 + 2 * TABLE_PAIRS, tracked + untracked);
	ASSERT_GE(SMALL_TABLE, tracked);
	ASSERT_LT(0, tracked);

	/* every socket leaves the table on CLOSE; timewait ones are not in */
	ASSERT_EQ(0, pairs_close(lfd, c, s));
	deadline = tcpfsm_now_ms() + 20000;
	while (tcpfsm_counter("tracked") && tcpfsm_now_ms() < deadline)
		usleep(100 * 1000);
	ASSERT_EQ(0, tcpfsm_counter("tracked"));
	ASSERT_EQ(untracked, tcpfsm_counter("untracked"));
	ASSERT_EQ(0, tcpfsm_module_unload());

	/* a big table is vmalloc()ed at load and given back at unload */
	vmalloc0 = tcpfsm_meminfo_kb("VmallocUsed");
	ASSERT_EQ(0, tcpfsm_module_load(self->ko_fd,
					"track_netns_sockets=1048576"));
	ASSERT_EQ(BIG_TABLE, tcpfsm_counter("track_size"));
	vmalloc1 = tcpfsm_meminfo_kb("VmallocUsed");
	ASSERT_EQ(0, tcpfsm_module_unload());
	vmalloc2 = tcpfsm_meminfo_kb("VmallocUsed");
	TH_LOG("VmallocUsed: %ld kB, loaded with %d slots %ld kB, unloaded %ld kB",
	       vmalloc0, BIG_TABLE, vmalloc1, vmalloc2);
	ASSERT_LE(vmalloc0 + BIG_TABLE * 16 / 1024, vmalloc1);
	ASSERT_GT(vmalloc0 + 1024, vmalloc2);
	ASSERT_EQ(0, tcpfsm_kmsg_check(self->kmsg_fd));
}

#define FAIR_TABLE	4096
#define TENANT_NETNS	4
#define TENANT_LISTENERS	1100	/* per netns: 4,400 > FAIR_TABLE */

/*
 * The tenant of track_fair, in a child: an unprivileged user holding
 * TENANT_LISTENERS listeners in each of TENANT_NETNS network namespaces
 * of its own (each listener a tracked socket), until told to stop. Exit
 * status 0, or the step that failed.
 */
static int tenant_hold(int ready, int done)
{
	struct rlimit nofile = { 2 * TENANT_NETNS * TENANT_LISTENERS,
				 2 * TENANT_NETNS * TENANT_LISTENERS };
	struct tcpfsm_addr a;
	int i, j, err;
	char c;

	if (setrlimit(RLIMIT_NOFILE, &nofile))
		return 20;
	err = tcpfsm_tenant();
	if (err)
		return err;
	for (i = 0; i < TENANT_NETNS; i++) {
		if (tcpfsm_netns_new())
			return 13;
		for (j = 0; j < TENANT_LISTENERS; j++)
			if (tcpfsm_listen(AF_INET, 1, &a) < 0)
				return 14;
	}
	if (write(ready, "x", 1) != 1)
		return 15;
	return read(done, &c, 1) == 1 ? 0 : 16;
}

/*
 * track_fair: one netns must not take the time-in-state table away from
 * another. An unprivileged tenant holds more tracked sockets in namespaces
 * of its own than a whole table holds; then every socket born in this
 * netns (a listener, TABLE_PAIRS clients and children) is still tracked:
 * each netns has a table of its own (module/track.c). With one table for
 * all (before), most of them were untracked.
 */
TEST_F_TIMEOUT(lifecycle, track_fair, 180)
{
	struct rlimit nofile = { 4 * TABLE_PAIRS, 4 * TABLE_PAIRS };
	int lfd, c[TABLE_PAIRS], s[TABLE_PAIRS], status;
	int ready[2], done[2];
	int64_t tracked, untracked;
	pid_t pid;
	char ch;

	ASSERT_EQ(0, tcpfsm_module_load(self->ko_fd,
					"track_sockets=4096 track_netns_sockets=4096"));
	ASSERT_EQ(FAIR_TABLE, tcpfsm_counter("track_size"));
	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(done));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(ready[0]);
		close(done[1]);
		_exit(tenant_hold(ready[1], done[0]));
	}
	close(ready[1]);
	close(done[0]);
	if (read(ready[0], &ch, 1) != 1) {
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		if (WIFEXITED(status) &&
		    WEXITSTATUS(status) == TCPFSM_TENANT_NOUSERNS)
			SKIP(return, "no unprivileged user namespaces here");
		ASSERT_EQ(0, WEXITSTATUS(status));
	}

	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &nofile));
	lfd = pairs_open(c, s);
	ASSERT_LE(0, lfd);
	tracked = tcpfsm_counter("tracked");
	untracked = tcpfsm_counter("untracked");
	TH_LOG("tenant holds %d listeners in %d namespaces; here %d sockets born: %lld tracked, %lld untracked",
	       TENANT_NETNS * TENANT_LISTENERS, TENANT_NETNS,
	       1 + 2 * TABLE_PAIRS, (long long)tracked, (long long)untracked);
	ASSERT_EQ(1, write(done[1], "x", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(0, untracked);
	ASSERT_EQ(1 + 2 * TABLE_PAIRS, tracked);

	ASSERT_EQ(0, pairs_close(lfd, c, s));
	ASSERT_EQ(0, tcpfsm_module_unload());
	ASSERT_EQ(0, tcpfsm_kmsg_check(self->kmsg_fd));
}

/*
 * seed_during_churn: the module loads while connections open and close as
 * fast as they can (client first: timewait sockets, request sockets,
 * every state of the close in flight, in IPv4 and IPv6), in a netns of its
 * own each round; once the churn has stopped and only timewait sockets are
 * left (in TIME_WAIT for 60 s), every gauge, the timewait substates'
 * included, equals ss. The seed's walk (not its stop_machine() fallback,
 * kernel log) met them all while the probes counted the same sockets.
 */
#define DURING_ROUNDS	3

TEST_F_TIMEOUT(lifecycle, seed_during_churn, 300)
{
	struct tcpfsm_ss no_full_socket = { .timewait = -1 };
	struct churn ch[CHURN_THREADS] = { 0 };
	struct tcpfsm_states st;
	struct tcpfsm_ss ss;
	unsigned long conns;
	int i, round, tries;
	atomic_bool stop;
	int64_t tw;

	for (round = 0; round < DURING_ROUNDS; round++) {
		ASSERT_EQ(0, tcpfsm_netns_new());
		atomic_store(&stop, false);
		for (i = 0; i < CHURN_THREADS; i++) {
			memset(&ch[i], 0, sizeof(ch[i]));
			ch[i].family = i % 2 ? AF_INET6 : AF_INET;
			ch[i].stop = &stop;
			ASSERT_EQ(0, pthread_create(&ch[i].thread, NULL,
						    churn_loop, &ch[i]));
		}
		usleep(200 * 1000);
		ASSERT_EQ(0, tcpfsm_module_load(self->ko_fd, ""));
		usleep(200 * 1000);
		atomic_store(&stop, true);
		conns = 0;
		for (i = 0; i < CHURN_THREADS; i++) {
			pthread_join(ch[i].thread, NULL);
			ASSERT_EQ(0, ch[i].err);
			ASSERT_LT(0UL, ch[i].conns);
			conns += ch[i].conns;
		}
		ASSERT_EQ(0, tcpfsm_ss_wait(&no_full_socket));
		/* a timewait socket of this round lives 60 s: nothing moves */
		for (tries = 0; tries < 10; tries++) {
			ASSERT_EQ(0, tcpfsm_read_states(&st));
			ASSERT_EQ(0, tcpfsm_ss_read(&ss));
			if (!tcpfsm_ss_check(&st, &ss))
				break;
			usleep(100 * 1000);
		}
		ASSERT_EQ(0, tcpfsm_ss_check(&st, &ss));
		ASSERT_EQ(0, tcpfsm_sockstat_tw(&tw));
		ASSERT_EQ(tw, st.cur[TCP_TIME_WAIT] + st.tw_fin_wait2);
		ASSERT_LT(0, tw);
		TH_LOG("round %d: %lu connections around the load, %lld timewait sockets, all counted",
		       round, conns, (long long)tw);
		ASSERT_EQ(0, tcpfsm_module_unload());
	}
	ASSERT_EQ(0, tcpfsm_kmsg_check(self->kmsg_fd));
}

#define HOLD_THREADS	4
#define HOLD_MAX	400	/* connections a thread opens and keeps */
#define SEED_ROUNDS	5

/* A thread that opens connections and keeps both ends, until stopped. */
struct holder {
	pthread_t thread;
	atomic_bool *stop;
	int fds[2 * HOLD_MAX];
	int n;
	int err;
};

static void *hold_loop(void *arg)
{
	struct holder *h = arg;
	struct tcpfsm_addr a;
	int lfd, c, sfd;

	lfd = tcpfsm_listen(AF_INET, 64, &a);
	if (lfd < 0) {
		h->err = -lfd;
		return NULL;
	}
	while (!atomic_load(h->stop) && h->n < 2 * HOLD_MAX) {
		c = tcpfsm_connect(&a, false);
		sfd = c < 0 ? c : tcpfsm_accept(lfd);
		if (c < 0 || sfd < 0) {
			h->err = c < 0 ? -c : -sfd;
			break;
		}
		h->fds[h->n++] = c;
		h->fds[h->n++] = sfd;
	}
	close(lfd);
	return NULL;
}

/*
 * Whether the kernel preempts kernel code anywhere: PREEMPT_RT, PREEMPT
 * (the debug kernel), or PREEMPT_DYNAMIC booted or set to "full", as
 * uname -v and the scheduler's debugfs say (/sys/kernel/realtime is 6.13's).
 */
static bool full_preemption(void)
{
	char buf[64] = "";
	struct utsname u;
	const char *p;
	int fd;

	if (uname(&u))
		return false;
	if (strstr(u.version, "PREEMPT_RT"))
		return true;
	p = strstr(u.version, "PREEMPT");
	if (!p)
		return false;
	if (strncmp(p, "PREEMPT_DYNAMIC", strlen("PREEMPT_DYNAMIC")))
		return true;	/* PREEMPT, built in */
	/* "none (voluntary) full": the mode in use in parentheses */
	fd = open("/sys/kernel/debug/sched/preempt", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (read(fd, buf, sizeof(buf) - 1) < 0)
		buf[0] = 0;
	close(fd);
	return strstr(buf, "(full)");
}

/*
 * seed_under_churn: the seed (module/seed.c) counts the sockets open at
 * load by a walk of the hash tables while they keep changing, with the
 * probes and the walk agreeing on each socket through a record of it. On
 * a kernel with full preemption a task preempted between a socket's first
 * state change and its hashing, from before the probes attached until
 * after the walk went past its bucket, leaves that socket uncounted until
 * it closes (Documentation/tcpfsm.rst). This measures it: HOLD_THREADS
 * threads open connections as fast as they can and keep both ends, so
 * that a socket counted wrong stays open, while the module loads; then
 * they stop and every gauge is compared with ss, and the sockets that
 * differ are counted. 0 without full preemption; with it, at most one
 * socket per thread (the one it was changing) per load. The walk, not
 * its stop_machine() fallback, must have done it (kernel log).
 */
TEST_F_TIMEOUT(lifecycle, seed_under_churn, 600)
{
	struct rlimit nofile = { 4 * HOLD_THREADS * HOLD_MAX + 64,
				 4 * HOLD_THREADS * HOLD_MAX + 64 };
	struct holder h[HOLD_THREADS] = { 0 };
	int i, j, round, off, total_off = 0, held;
	bool rt = full_preemption();
	struct tcpfsm_states st;
	struct tcpfsm_ss ss;
	atomic_bool stop;
	int s;

	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &nofile));
	for (round = 0; round < SEED_ROUNDS; round++) {
		atomic_store(&stop, false);
		for (i = 0; i < HOLD_THREADS; i++) {
			h[i].stop = &stop;
			h[i].n = 0;
			h[i].err = 0;
			ASSERT_EQ(0, pthread_create(&h[i].thread, NULL,
						    hold_loop, &h[i]));
		}
		usleep(50 * 1000);
		ASSERT_EQ(0, tcpfsm_module_load(self->ko_fd, ""));
		usleep(50 * 1000);
		atomic_store(&stop, true);
		held = 0;
		for (i = 0; i < HOLD_THREADS; i++) {
			pthread_join(h[i].thread, NULL);
			ASSERT_EQ(0, h[i].err);
			held += h[i].n;
		}
		/* every held socket is ESTABLISHED: nothing moves now */
		ASSERT_EQ(0, tcpfsm_read_states(&st));
		ASSERT_EQ(0, tcpfsm_ss_read(&ss));
		off = 0;
		for (s = TCP_ESTABLISHED; s <= TCP_CLOSING; s++)
			if (s != TCP_TIME_WAIT && s != TCP_CLOSE)
				off += abs((int)(st.cur[s] - ss.n[s]));
		/* a socket in the wrong state is one too many and one short */
		TH_LOG("round %d (%s): %d sockets held across the load, %d counted in a wrong state",
		       round, rt ? "full preemption" : "no full preemption",
		       held, (off + 1) / 2);
		total_off += (off + 1) / 2;
		for (i = 0; i < HOLD_THREADS; i++)
			for (j = 0; j < h[i].n; j++)
				close(h[i].fds[j]);
		ASSERT_EQ(0, tcpfsm_module_unload());
	}
	TH_LOG("%d loads under churn: %d sockets counted in a wrong state",
	       SEED_ROUNDS, total_off);
	ASSERT_EQ(0, tcpfsm_kmsg_check(self->kmsg_fd));
	if (rt) {
		ASSERT_GE(SEED_ROUNDS * HOLD_THREADS, total_off);
	} else {
		ASSERT_EQ(0, total_off);
	}
}

TEST_HARNESS_MAIN
