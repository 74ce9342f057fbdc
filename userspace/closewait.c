// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm closewait: a CLOSE_WAIT socket is one whose peer closed and whose
 * application has not; one that stays there is the application's leak.
 * The kernel gives each socket's addresses, age and inode; the processes
 * holding the inode are found as ss -p finds them, from the links
 * /proc/PID/fd/FD -> "socket:[INODE]" (all of them with CAP_SYS_PTRACE or
 * as root, else only the caller's own), and named by /proc/PID/comm.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "closewait.h"
#include "json_print.h"
#include "util.h"

static bool has_age(const struct tcpfsm_socket *sk)
{
	return sk->present & BIT(TCPFSM_A_SOCKET_AGE_NS);
}

static bool has_ino(const struct tcpfsm_socket *sk)
{
	return sk->present & BIT(TCPFSM_A_SOCKET_INO);
}

#define CMP(a, b)	((a) < (b) ? -1 : (a) > (b))

/* Oldest first, those of unknown age last; then by family, ports, inode */
static int socket_cmp(const void *pa, const void *pb)
{
	const struct tcpfsm_socket *a = pa, *b = pb;

	if (has_age(a) != has_age(b))
		return has_age(a) ? -1 : 1;
	if (has_age(a) && a->age_ns != b->age_ns)
		return CMP(b->age_ns, a->age_ns);
	if (a->ends.family != b->ends.family)
		return CMP(a->ends.family, b->ends.family);
	if (a->ends.sport != b->ends.sport)
		return CMP(a->ends.sport, b->ends.sport);
	if (a->ends.dport != b->ends.dport)
		return CMP(a->ends.dport, b->ends.dport);
	return CMP(a->ino, b->ino);
}

/**
 * tcpfsm_closewait_sort() - sort CLOSE_WAIT sockets, oldest first
 * @socks: the sockets
 *
 * Those whose age is unknown come last; ties by family, local port,
 * remote port and inode.
 */
void tcpfsm_closewait_sort(struct tcpfsm_sockets *socks)
{
	if (socks->n)
		qsort(socks->v, socks->n, sizeof(*socks->v), socket_cmp);
}

static int u64_cmp(const void *pa, const void *pb)
{
	const uint64_t *a = pa, *b = pb;

	return CMP(*a, *b);
}

static int owner_cmp(const void *pa, const void *pb)
{
	const struct tcpfsm_owner *a = pa, *b = pb;

	if (a->ino != b->ino)
		return CMP(a->ino, b->ino);
	if (a->pid != b->pid)
		return CMP(a->pid, b->pid);
	return CMP(a->fd, b->fd);
}

/* The inode of a link "socket:[INODE]", or 0 */
static uint64_t socket_ino(const char *link)
{
	unsigned long long ino;
	int n = 0;

	if (sscanf(link, "socket:[%llu]%n", &ino, &n) != 1 || link[n])
		return 0;
	return ino;
}

/* A decimal number, the name of a pid or fd directory entry; or -1 */
static long dec_name(const char *name)
{
	char *end;
	long v;

	if (!isdigit((unsigned char)name[0]))
		return -1;
	v = strtol(name, &end, 10);
	return *end || v > INT_MAX ? -1 : v;
}

/* /proc/PID/comm, without its newline; "" if it cannot be read */
static void read_comm(int pid_fd, char *comm, size_t len)
{
	int fd = openat(pid_fd, "comm", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, comm, len - 1);

	if (fd >= 0)
		close(fd);
	if (n < 0)
		n = 0;
	comm[n] = 0;
	comm[strcspn(comm, "\n")] = 0;
}

static int owner_add(struct tcpfsm_owners *o, uint64_t ino, pid_t pid, int fd,
		     const char *comm)
{
	struct tcpfsm_owner *v;

	if (o->n == o->size) {
		size_t size = o->size ? 2 * o->size : 16;

		v = realloc(o->v, size * sizeof(*v));
		if (!v)
			return -1;
		o->v = v;
		o->size = size;
	}
	v = &o->v[o->n++];
	v->ino = ino;
	v->pid = pid;
	v->fd = fd;
	snprintf(v->comm, sizeof(v->comm), "%s", comm);
	return 0;
}

/* The fds of process @pid (directory @pid_fd) on one of the @n inodes */
static int scan_pid(int pid_fd, pid_t pid, const uint64_t *inos, size_t n,
		    struct tcpfsm_owners *o)
{
	char link[64], comm[32] = "";
	bool named = false;
	struct dirent *de;
	uint64_t ino;
	ssize_t len;
	int dfd, ret = 0;
	long fd;
	DIR *d;

	dfd = openat(pid_fd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	d = dfd < 0 ? NULL : fdopendir(dfd);
	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return 0;	/* gone, or not ours to see */
	}
	while (!ret && (de = readdir(d))) {
		fd = dec_name(de->d_name);
		if (fd < 0)
			continue;
		len = readlinkat(dirfd(d), de->d_name, link, sizeof(link) - 1);
		if (len < 0)
			continue;
		link[len] = 0;
		ino = socket_ino(link);
		if (!ino || !bsearch(&ino, inos, n, sizeof(*inos), u64_cmp))
			continue;
		if (!named) {
			read_comm(pid_fd, comm, sizeof(comm));
			named = true;
		}
		ret = owner_add(o, ino, pid, fd, comm);
	}
	closedir(d);
	return ret;
}

/* The inodes of @socks, sorted; NULL with *n 0 if none (or no memory, -1) */
static int socket_inos(const struct tcpfsm_sockets *socks, uint64_t **inos,
		       size_t *n)
{
	size_t i;

	*n = 0;
	*inos = malloc((socks->n ? socks->n : 1) * sizeof(**inos));
	if (!*inos)
		return -1;
	for (i = 0; i < socks->n; i++)
		if (has_ino(&socks->v[i]) && socks->v[i].ino)
			(*inos)[(*n)++] = socks->v[i].ino;
	qsort(*inos, *n, sizeof(**inos), u64_cmp);
	return 0;
}

/**
 * tcpfsm_find_owners() - the processes that hold the sockets, by inode
 * @proc: the procfs root, "/proc" (another for the tests)
 * @socks: the sockets; those without an inode have no owner
 * @owners: every fd of every process on one of their inodes, sorted by
 *	inode, pid and fd; tcpfsm_owners_free() them, on error too
 *
 * The processes whose fds cannot be read (gone, or of another user) are
 * skipped.
 *
 * Return: 0, or -1 (errno set) if @proc cannot be read or memory ran out.
 */
int tcpfsm_find_owners(const char *proc, const struct tcpfsm_sockets *socks,
		       struct tcpfsm_owners *owners)
{
	struct dirent *de;
	uint64_t *inos;
	int pid_fd, ret = 0;
	size_t n;
	long pid;
	DIR *d;

	memset(owners, 0, sizeof(*owners));
	if (socket_inos(socks, &inos, &n) < 0)
		return -1;
	d = n ? opendir(proc) : NULL;
	if (n && !d)
		ret = -1;
	while (d && !ret && (de = readdir(d))) {
		pid = dec_name(de->d_name);
		if (pid <= 0)
			continue;
		pid_fd = openat(dirfd(d), de->d_name,
				O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (pid_fd < 0)
			continue;
		ret = scan_pid(pid_fd, pid, inos, n, owners);
		close(pid_fd);
	}
	if (d)
		closedir(d);
	free(inos);
	if (owners->n)
		qsort(owners->v, owners->n, sizeof(*owners->v), owner_cmp);
	return ret;
}

void tcpfsm_owners_free(struct tcpfsm_owners *owners)
{
	free(owners->v);
	memset(owners, 0, sizeof(*owners));
}

/* The first owner of @ino, and how many, in *@n */
static const struct tcpfsm_owner *owners_of(const struct tcpfsm_owners *o,
					    uint64_t ino, size_t *n)
{
	size_t lo = 0, hi = o->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (o->v[mid].ino < ino)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (*n = 0; lo + *n < o->n && o->v[lo + *n].ino == ino; (*n)++)
		;
	return *n ? &o->v[lo] : NULL;
}

/* The text of the ends and the age of a socket */
struct cw_row {
	char local[TCPFSM_ENDPOINT_LEN];
	char peer[TCPFSM_ENDPOINT_LEN];
	char age[32];
};

static void cw_row(const struct tcpfsm_socket *sk, struct cw_row *r)
{
	const struct tcpfsm_ends *e = &sk->ends;

	tcpfsm_endpoint_str(e->family, e->saddr, e->sport, r->local,
			    sizeof(r->local));
	tcpfsm_endpoint_str(e->family, e->daddr, e->dport, r->peer,
			    sizeof(r->peer));
	if (has_age(sk))
		tcpfsm_duration_str(sk->age_ns, r->age, sizeof(r->age));
	else
		snprintf(r->age, sizeof(r->age), "-");
}

static int max_int(int a, size_t b)
{
	return (size_t)a > b ? a : (int)b;
}

/* The widths of the columns of the text */
struct cw_widths {
	int local, peer, age;
};

/*
 * The processes that hold a socket: in text users:(("COMM",pid=PID,fd=FD),
 * ...) as ss -p, or "-"; in JSON "users": [{"comm", "pid", "fd"}...].
 */
static void print_users(const struct tcpfsm_socket *sk,
			const struct tcpfsm_owners *o)
{
	const struct tcpfsm_owner *w = NULL;
	size_t i, n = 0;

	if (has_ino(sk))
		w = owners_of(o, sk->ino, &n);
	print_fp(n ? "users:(" : "-");
	open_json_array(PRINT_JSON, "users");
	for (i = 0; i < n; i++) {
		open_json_object(NULL);
		print_string(PRINT_ANY, "comm", i ? ",(\"%s\"" : "(\"%s\"",
			     w[i].comm);
		print_u64(PRINT_ANY, "pid", ",pid=%" PRIu64, w[i].pid);
		print_u64(PRINT_ANY, "fd", ",fd=%" PRIu64 ")", w[i].fd);
		close_json_object();
	}
	close_json_array(PRINT_JSON, NULL);
	print_fp(n ? ")\n" : "\n");
}

/* "key": v in JSON, if the socket has attribute @attr */
static void print_opt(const struct tcpfsm_socket *sk, unsigned int attr,
		      const char *key, uint64_t v)
{
	if (sk->present & BIT(attr))
		print_u64(PRINT_JSON, key, NULL, v);
}

static void print_socket(const struct tcpfsm_socket *sk,
			 const struct tcpfsm_owners *o,
			 const struct cw_widths *w)
{
	const struct tcpfsm_ends *e = &sk->ends;
	struct cw_row r;

	cw_row(sk, &r);
	open_json_object(NULL);
	print_ends(PRINT_JSON, e->family, e->saddr, e->sport, e->daddr,
		   e->dport);
	print_fp("%-*s  %-*s  %*s  ", w->local, r.local, w->peer, r.peer,
		 w->age, r.age);
	print_opt(sk, TCPFSM_A_SOCKET_AGE_NS, "age_ns", sk->age_ns);
	print_opt(sk, TCPFSM_A_SOCKET_INO, "ino", sk->ino);
	print_opt(sk, TCPFSM_A_SOCKET_UID, "uid", sk->uid);
	print_opt(sk, TCPFSM_A_SOCKET_COOKIE, "cookie", sk->cookie);
	print_users(sk, o);
	close_json_object();
}

/**
 * tcpfsm_print_closewait() - show the CLOSE_WAIT sockets
 * @f: where
 * @fmt: how
 * @socks: the sockets, in the order to show them
 * @owners: the processes holding them
 *
 * Text: a table, Local Address:Port, Peer Address:Port, Age (1h2m3s, "-"
 * if unknown), Process (users:(("COMM",pid=PID,fd=FD),...) as ss -p, "-"
 * if none is found); "(none)" under the header if there is no socket.
 * JSON: an array of one object per socket.
 */
void tcpfsm_print_closewait(FILE *f, enum tcpfsm_fmt fmt,
			    const struct tcpfsm_sockets *socks,
			    const struct tcpfsm_owners *owners)
{
	struct cw_widths w = {
		(int)strlen("Local Address:Port"),
		(int)strlen("Peer Address:Port"),
		(int)strlen("Age"),
	};
	struct cw_row r;
	size_t i;

	for (i = 0; i < socks->n; i++) {
		cw_row(&socks->v[i], &r);
		w.local = max_int(w.local, strlen(r.local));
		w.peer = max_int(w.peer, strlen(r.peer));
		w.age = max_int(w.age, strlen(r.age));
	}
	new_json_obj(f, fmt);
	print_fp("%-*s  %-*s  %*s  %s\n", w.local, "Local Address:Port",
		 w.peer, "Peer Address:Port", w.age, "Age", "Process");
	open_json_array(PRINT_JSON, NULL);
	for (i = 0; i < socks->n; i++)
		print_socket(&socks->v[i], owners, &w);
	close_json_array(PRINT_JSON, NULL);
	if (!socks->n)
		print_fp("(none)\n");
	delete_json_obj();
}
