/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpfsm: TCP state names and numbers, as the kernel spells and numbers
 * them (enum tcpfsm_state of <linux/tcpfsm.h>).
 */
#ifndef TCPFSM_STATES_H
#define TCPFSM_STATES_H

#include <stdbool.h>
#include <linux/tcpfsm.h>

/* States 1..TCPFSM_NR_STATES: ESTABLISHED to NEW_SYN_RECV */
#define TCPFSM_NR_STATES	TCPFSM_STATE_NEW_SYN_RECV
/* States transitions are counted between: ESTABLISHED to CLOSING */
#define TCPFSM_NR_TRANS_STATES	TCPFSM_STATE_CLOSING

const char *tcpfsm_state_name(unsigned int state);
int tcpfsm_state_parse(const char *s);
bool tcpfsm_state_has_current(unsigned int state);
bool tcpfsm_state_has_flow(unsigned int state);
bool tcpfsm_state_has_dwell(unsigned int state);

#endif /* TCPFSM_STATES_H */
