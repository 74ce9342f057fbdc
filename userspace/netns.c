// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm: -n NETNS, as ip -n does it (iproute2 lib/namespace.c
 * netns_switch): open /run/netns/NAME, the bind mount "ip netns add"
 * made, and setns(CLONE_NEWNET) into it before anything else, so that the
 * netlink socket is opened in it (the family's figures are those of the
 * socket's namespace) and /proc/net is its. Only the network namespace
 * changes: /proc/PID (closewait's processes) stays the caller's view.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
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
