/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpfsm closewait: the sockets in CLOSE_WAIT, oldest first, with the
 * processes that hold them, found in /proc as ss -p finds them.
 */
#ifndef TCPFSM_CLOSEWAIT_H
#define TCPFSM_CLOSEWAIT_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "nl.h"
#include "output.h"

/* A file descriptor of a process on a socket */
struct tcpfsm_owner {
	uint64_t ino;		/* the socket's inode */
	pid_t pid;
	int fd;
	char comm[32];		/* /proc/PID/comm, "" if unreadable */
};

/* Sorted by inode, pid, fd */
struct tcpfsm_owners {
	struct tcpfsm_owner *v;
	size_t n, size;
};

void tcpfsm_closewait_sort(struct tcpfsm_sockets *socks);
int tcpfsm_find_owners(const char *proc, const struct tcpfsm_sockets *socks,
		       struct tcpfsm_owners *owners);
void tcpfsm_owners_free(struct tcpfsm_owners *owners);
void tcpfsm_print_closewait(FILE *f, enum tcpfsm_fmt fmt,
			    const struct tcpfsm_sockets *socks,
			    const struct tcpfsm_owners *owners);

#endif /* TCPFSM_CLOSEWAIT_H */
