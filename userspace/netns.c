// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm: -n NETNS, as ip -n does it (iproute2 lib/namespace.c
 * netns_switch): open /run/netns/NAME, the bind mount "ip netns add"
 * made, and setns(CLONE_NEWNET) into it before anything else, so that the
 * netlink socket is opened in it (the family's figures are those of the
 * socket's namespace) and /proc/net is its. Only the network namespace
 * changes: /proc/PID (closewait's processes) stays the caller's view.
 *
 * -A (--all-netns) labels each namespace the module lists by its inode
 * number, as ip netns identify does: the names of the files of /run/netns
 * on which it is bind-mounted, else the lowest pid whose /proc/PID/ns/net
 * it is, else "ino:INODE" (a namespace only a socket or a file holds).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netns.h"

/**
 * tcpfsm_netns_name_ok() - whether @name can be the name of a namespace
 * @name: as given to -n
 *
 * Return: true if it is a file name: not empty, not "." or "..", no "/"
 * (ip netns add refuses the same).
 */
bool tcpfsm_netns_name_ok(const char *name)
{
	return *name && strcmp(name, ".") && strcmp(name, "..") &&
	       !strchr(name, '/');
}

/**
 * tcpfsm_netns_enter() - move the process into a named network namespace
 * @dir: where the names are, TCPFSM_NETNS_RUN_DIR
 * @name: the namespace's name, tcpfsm_netns_name_ok()
 * @err: where to say why it could not, in one line
 *
 * Return: 0, or -1 (said on @err): no such namespace, not one, or no
 * privilege (setns() needs CAP_SYS_ADMIN).
 */
int tcpfsm_netns_enter(const char *dir, const char *name, FILE *err)
{
	char path[4096];
	int fd, e;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path)) {
		fprintf(err, "tcpfsm: network namespace \"%s\": %s\n", name,
			strerror(ENAMETOOLONG));
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		if (e == ENOENT)
			fprintf(err, "tcpfsm: network namespace \"%s\" does not exist (no %s: see ip netns list)\n",
				name, path);
		else if (e == EACCES || e == EPERM)
			/* ip netns add makes it mode 0 */
			fprintf(err, "tcpfsm: entering network namespace \"%s\" needs CAP_SYS_ADMIN (root): %s: %s\n",
				name, path, strerror(e));
		else
			fprintf(err, "tcpfsm: cannot open network namespace \"%s\": %s: %s\n",
				name, path, strerror(e));
		return -1;
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		e = errno;
		close(fd);
		if (e == EPERM)
			fprintf(err, "tcpfsm: entering network namespace \"%s\" needs CAP_SYS_ADMIN (root): %s\n",
				name, strerror(e));
		else if (e == EINVAL)
			fprintf(err, "tcpfsm: %s is not a network namespace\n",
				path);
		else
			fprintf(err, "tcpfsm: cannot enter network namespace \"%s\": %s\n",
				name, strerror(e));
		return -1;
	}
	close(fd);
	return 0;
}

/* The entry of @ids of namespace inode @ino, or NULL */
static struct tcpfsm_netns_id *id_of(struct tcpfsm_netns_id *ids, size_t n,
				     ino_t ino)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ids[i].ino == ino)
			return &ids[i];
	return NULL;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}

/* The names of @dir's files that are bind mounts of namespaces of @ids */
static int find_names(const char *dir, dev_t nsfs, bool has_nsfs,
		      struct tcpfsm_netns_id *ids, size_t n)
{
	struct tcpfsm_netns_id *id;
	struct dirent *de;
	struct stat st;
	char **names;
	DIR *d;
	int fd;
	size_t i;

	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -1;	/* no ip netns yet */
	fd = dirfd(d);
	while ((de = readdir(d))) {
		if (!tcpfsm_netns_name_ok(de->d_name) ||
		    fstatat(fd, de->d_name, &st, 0) < 0 ||
		    (has_nsfs && st.st_dev != nsfs))
			continue;	/* not mounted (ip netns add failed) */
		id = id_of(ids, n, st.st_ino);
		if (!id)
			continue;
		names = realloc(id->names, (id->nnames + 1) * sizeof(*names));
		if (!names)
			goto err;
		id->names = names;
		id->names[id->nnames] = strdup(de->d_name);
		if (!id->names[id->nnames])
			goto err;
		id->nnames++;
	}
	closedir(d);
	for (i = 0; i < n; i++)
		if (ids[i].nnames > 1)
			qsort(ids[i].names, ids[i].nnames, sizeof(char *),
			      name_cmp);
	return 0;
err:
	closedir(d);
	errno = ENOMEM;
	return -1;
}

/* The lowest pid of each namespace of @ids, from @proc/PID/ns/net */
static int find_pids(const char *proc, dev_t nsfs, bool has_nsfs,
		     struct tcpfsm_netns_id *ids, size_t n)
{
	struct tcpfsm_netns_id *id;
	char path[4096];
	struct dirent *de;
	struct stat st;
	const char *c;
	long pid;
	DIR *d;

	d = opendir(proc);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		for (c = de->d_name; isdigit((unsigned char)*c); c++)
			;
		if (c == de->d_name || *c)
			continue;
		/* a process that ends meanwhile, one we may not look into */
		snprintf(path, sizeof(path), "%s/%s/ns/net", proc, de->d_name);
		if (stat(path, &st) < 0 || (has_nsfs && st.st_dev != nsfs))
			continue;
		id = id_of(ids, n, st.st_ino);
		pid = strtol(de->d_name, NULL, 10);
		if (id && (!id->pid || pid < id->pid))
			id->pid = pid;
	}
	closedir(d);
	return 0;
}

/**
 * tcpfsm_netns_find() - what the namespaces of @ids are known by
 * @run_dir: where ip netns bind-mounts them, TCPFSM_NETNS_RUN_DIR
 * @proc_root: TCPFSM_NETNS_PROC
 * @ids: the namespaces, ino set; their names and pid are filled
 * @n: how many
 *
 * Files and processes are matched by inode number, and by device when
 * @proc_root/self/ns/net says which is the namespaces' (nsfs). A process
 * or a file that goes meanwhile, or that the caller may not look into, is
 * skipped.
 *
 * Return: 0, or -1 (errno set) if @proc_root cannot be read or memory ran
 * out; what was found stays in @ids (tcpfsm_netns_ids_free() them).
 */
int tcpfsm_netns_find(const char *run_dir, const char *proc_root,
		      struct tcpfsm_netns_id *ids, size_t n)
{
	char path[4096];
	struct stat st;
	bool has_nsfs;
	dev_t nsfs;

	snprintf(path, sizeof(path), "%s/self/ns/net", proc_root);
	has_nsfs = !stat(path, &st);
	nsfs = has_nsfs ? st.st_dev : 0;
	if (find_names(run_dir, nsfs, has_nsfs, ids, n) < 0)
		return -1;
	return find_pids(proc_root, nsfs, has_nsfs, ids, n);
}

/**
 * tcpfsm_netns_ids_free() - free what tcpfsm_netns_find() added
 * @ids: the namespaces
 * @n: how many
 */
void tcpfsm_netns_ids_free(struct tcpfsm_netns_id *ids, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < ids[i].nnames; j++)
			free(ids[i].names[j]);
		free(ids[i].names);
		ids[i].names = NULL;
		ids[i].nnames = 0;
	}
}

/**
 * tcpfsm_netns_label() - how -A names a namespace
 * @id: the namespace
 * @buf: where to write the label
 * @len: its size, TCPFSM_NETNS_LABEL_LEN
 *
 * Return: @buf: its first name (ip netns), else "pid:PID", its lowest
 * pid, else "ino:INODE".
 */
const char *tcpfsm_netns_label(const struct tcpfsm_netns_id *id, char *buf,
			       size_t len)
{
	if (id->nnames)
		snprintf(buf, len, "%s", id->names[0]);
	else if (id->pid)
		snprintf(buf, len, "pid:%ld", id->pid);
	else
		snprintf(buf, len, "ino:%u", id->ino);
	return buf;
}
