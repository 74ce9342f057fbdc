/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpfsm: -n NETNS, as ip -n: run in the named network namespace that
 * "ip netns add" made, /run/netns/NAME.
 */
#ifndef TCPFSM_NETNS_H
#define TCPFSM_NETNS_H

#include <stdbool.h>
#include <stdio.h>

/* Where ip netns keeps the namespaces it names (iproute2's NETNS_RUN_DIR) */
#define TCPFSM_NETNS_RUN_DIR	"/run/netns"

bool tcpfsm_netns_name_ok(const char *name);
int tcpfsm_netns_enter(const char *dir, const char *name, FILE *err);

#endif /* TCPFSM_NETNS_H */
