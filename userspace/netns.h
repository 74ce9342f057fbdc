/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpfsm: -n NETNS, as ip -n: run in the named network namespace that
 * "ip netns add" made, /run/netns/NAME; and the labels of -A, every
 * namespace.
 */
#ifndef TCPFSM_NETNS_H
#define TCPFSM_NETNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Where ip netns keeps the namespaces it names (iproute2's NETNS_RUN_DIR) */
#define TCPFSM_NETNS_RUN_DIR	"/run/netns"

/* The /proc whose processes -A labels namespaces with */
#define TCPFSM_NETNS_PROC	"/proc"

bool tcpfsm_netns_name_ok(const char *name);
int tcpfsm_netns_enter(const char *dir, const char *name, FILE *err);

/*
 * A namespace of -A (--all-netns), as people know it: its names (ip
 * netns), else a process in it, else its inode number. ino and cookie as
 * the module says; the rest tcpfsm_netns_find() fills.
 */
struct tcpfsm_netns_id {
	uint32_t ino;
	uint64_t cookie;
	char **names;		/* sorted; NULL if nnames is 0 */
	size_t nnames;
	long pid;		/* the lowest pid in it, 0 for none */
};

/* "name", "pid:PID" or "ino:INO": the longest a label of -A can be */
#define TCPFSM_NETNS_LABEL_LEN	256

int tcpfsm_netns_find(const char *run_dir, const char *proc_root,
		      struct tcpfsm_netns_id *ids, size_t n);
void tcpfsm_netns_ids_free(struct tcpfsm_netns_id *ids, size_t n);
const char *tcpfsm_netns_label(const struct tcpfsm_netns_id *id, char *buf,
			       size_t len);

#endif /* TCPFSM_NETNS_H */
