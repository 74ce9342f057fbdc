/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TCPFSM_UTIL_H
#define TCPFSM_UTIL_H

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define BIT(n)		(1UL << (n))

#endif /* TCPFSM_UTIL_H */
