/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the tcpfsm selftests: strict parsers of
 * /proc/net/tcpfsm/{transitions,states}, of the kernel's own TCP counters
 * (/proc/net/snmp, /proc/net/sockstat) and of `ss -tano`, the polling
 * check of the transition matrix, and loopback socket helpers.
 *
 * Nothing here includes kselftest_harness.h: functions return 0 or a
 * negative errno, or the number of mismatches they printed, and the tests
 * assert on that.
 */
#ifndef _TCPFSM_LIB_H
#define _TCPFSM_LIB_H

#include <netinet/tcp.h>	/* TCP_ESTABLISHED .. TCP_CLOSING */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#ifndef TCP_NEW_SYN_RECV
#define TCP_NEW_SYN_RECV	12
#endif

/* Arrays are indexed by kernel state number; 0 is unused. */
#define TCPFSM_NR		(TCP_NEW_SYN_RECV + 1)
/* A "-" field of /proc/net/tcpfsm/states: the figure does not exist. */
#define TCPFSM_ABSENT		INT64_MIN

#define TCPFSM_PROC		"/proc/net/tcpfsm"

/* transitions: [old][new], old and new in TCP_ESTABLISHED..TCP_CLOSING */
struct tcpfsm_matrix {
	uint64_t n[TCPFSM_NR][TCPFSM_NR];
};

/* states: per state TCP_ESTABLISHED..TCP_NEW_SYN_RECV, or TCPFSM_ABSENT */
/*
 * @tw_fin_wait2: of cur[TCP_FIN_WAIT2], the timewait sockets in substate
 * FIN_WAIT2 (/proc/net/tcpfsm/timewait), which ss lists as timewait
 * sockets and sockstat counts in tw; 0 if the module has no such file.
 */
struct tcpfsm_states {
	int64_t cur[TCPFSM_NR];
	int64_t entered[TCPFSM_NR];
	int64_t left[TCPFSM_NR];
	int64_t tw_fin_wait2;
};

/* Both files read at one quiescent moment, with sockstat's "tw". */
struct tcpfsm_snap {
	struct tcpfsm_matrix m;
	struct tcpfsm_states s;
	int64_t sockstat_tw;
};

/* An expected number of from -> to transitions, or a change of a gauge. */
struct tcpfsm_cell {
	int from;
	int to;
	uint64_t n;
};

struct tcpfsm_gauge {
	int state;
	int64_t delta;
};

#define TR(from, to, cnt)	{ TCP_##from, TCP_##to, (cnt) }
#define GA(state, d)		{ TCP_##state, (d) }

/* The kernel's TCP MIB, /proc/net/snmp "Tcp:" (per netns). */
struct tcpfsm_tcp_mib {
	int64_t active_opens;
	int64_t passive_opens;
	int64_t attempt_fails;
	int64_t estab_resets;
	int64_t curr_estab;
};

/*
 * `ss -tano`, per state. Timewait sockets (TIME-WAIT, and FIN-WAIT-2 with
 * a timewait timer) are counted in @timewait only; SYN-RECV counts both
 * full sockets and request sockets, which ss does not tell apart.
 */
struct tcpfsm_ss {
	int n[TCPFSM_NR];
	int timewait;
	int other;
};

struct tcpfsm_addr {
	struct sockaddr_storage ss;
	socklen_t len;
};

const char *tcpfsm_state_name(int state);
int64_t tcpfsm_now_ms(void);
/* A kernel with lockdep or kmemleak: several times slower. */
bool tcpfsm_debug_kernel(void);
uint64_t tcpfsm_now_ns(void);	/* CLOCK_MONOTONIC, as the module's times */

int tcpfsm_read_matrix(struct tcpfsm_matrix *m);
int tcpfsm_read_states(struct tcpfsm_states *s);
int tcpfsm_read_machine(int64_t m[TCPFSM_NR][TCPFSM_NR]);
int tcpfsm_snap_read(struct tcpfsm_snap *snap);
void tcpfsm_snap_zero(struct tcpfsm_snap *snap);
/* One way things may legitimately go: the cells and gauges it moves. */
struct tcpfsm_outcome {
	const struct tcpfsm_cell *cells;
	size_t ncells;
	const struct tcpfsm_gauge *gauges;
	size_t ngauges;
};

#define TCPFSM_MAX_OUTCOMES	4

int tcpfsm_expect_one(struct tcpfsm_snap *snap,
		      const struct tcpfsm_outcome *o, size_t n, size_t *which);
int tcpfsm_expect(struct tcpfsm_snap *snap,
		  const struct tcpfsm_cell *cells, size_t ncells,
		  const struct tcpfsm_gauge *gauges, size_t ngauges);

int tcpfsm_tcp_mib_read(struct tcpfsm_tcp_mib *mib);
/*
 * @vals[k] of @names[k], each of which must be there, from the pair of
 * "@prefix name name ..." and "@prefix value value ..." lines of @path
 * (/proc/net/snmp "Tcp: ", /proc/net/netstat "TcpExt: "): 0 or -errno.
 */
int tcpfsm_mib_read(const char *path, const char *prefix,
		    const char *const *names, int64_t *vals, size_t n);
int tcpfsm_sockstat_tw(int64_t *tw);
int64_t tcpfsm_counter(const char *name);
int tcpfsm_one_connection(void);
/*
 * The matrix of the caller's netns once it stayed the same for @quiet_ms
 * (polled every 50 ms), within @wait_ms: 0, or -1.
 */
int tcpfsm_matrix_settled(struct tcpfsm_matrix *m, int quiet_ms, int wait_ms);
/* A field of /proc/meminfo ("Percpu", "SUnreclaim", ...) in kB, or -1. */
long tcpfsm_meminfo_kb(const char *field);
/* The inode of @fd's file (a socket's, as sock_i_ino()), or 0. */
uint64_t tcpfsm_fd_ino(int fd);
int tcpfsm_ss_read(struct tcpfsm_ss *ss);
int tcpfsm_ss_count(const char *state);
int tcpfsm_ss_check(const struct tcpfsm_states *s, const struct tcpfsm_ss *ss);
int tcpfsm_ss_wait(const struct tcpfsm_ss *want);

int tcpfsm_netns_new(void);
int tcpfsm_netns_open(void);
int tcpfsm_pin_cpu(void);
int tcpfsm_test_netns(void);
int tcpfsm_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

int tcpfsm_listen(int family, int backlog, struct tcpfsm_addr *a);
int tcpfsm_syn_raw(const struct tcpfsm_addr *dst, uint16_t sport, int n);
int tcpfsm_bind(int family, struct tcpfsm_addr *a);
int tcpfsm_connect(const struct tcpfsm_addr *a, bool nonblock);
int tcpfsm_accept(int lfd);
int tcpfsm_linger0(int fd);
int tcpfsm_recv(int fd, char *buf, size_t len);
uint16_t tcpfsm_port(const struct tcpfsm_addr *a);

/*
 * Loading and unloading the module (tests that start with it unloaded,
 * TCPFSM_KO): finit_module(2) of an open tcpfsm.ko with @params ("" for
 * none), delete_module(2) once (-EAGAIN while it is in use) or retried for
 * up to 5 s while it is busy. 0 or -errno.
 */
#define TCPFSM_MODULE		"tcpfsm"

bool tcpfsm_module_loaded(void);
int tcpfsm_module_load(int fd, const char *params);
int tcpfsm_module_unload_once(void);
int tcpfsm_module_unload(void);
/* The module's reference count (/sys/module/tcpfsm/refcnt), or -1. */
int tcpfsm_module_refcnt(void);
/*
 * /dev/kmsg from now on (non-blocking), and the records logged since that
 * show a kernel problem (WARNING, BUG, Oops, lockdep, KASAN, RCU stall...)
 * or an error of tcpfsm, or that the seed fell back to stop_machine(): each
 * printed, their number returned, or -errno.
 */
int tcpfsm_kmsg_open(void);
int tcpfsm_kmsg_check(int fd);
/*
 * The netns of every task (/proc/PID/task/TID/net) that has a
 * /proc/net/tcpfsm: each printed, their number returned.
 */
int tcpfsm_proc_left(void);
/* listen() and close() pinned on @cpu: two events of its ring; its port. */
int tcpfsm_marker(int cpu, uint16_t *port);

/*
 * Become the unprivileged user nobody (uid and gid 65534, no groups), then
 * root of a user namespace of its own, as any user may: a tenant. 0,
 * TCPFSM_TENANT_NOUSER if the ids cannot be dropped, TCPFSM_TENANT_NOUSERNS
 * if the kernel refuses an unprivileged user namespace.
 */
#define TCPFSM_TENANT_UID	65534
#define TCPFSM_TENANT_NOUSER	10
#define TCPFSM_TENANT_NOUSERNS	11
int tcpfsm_tenant(void);

#endif /* _TCPFSM_LIB_H */
