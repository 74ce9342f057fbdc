// SPDX-License-Identifier: GPL-2.0
/*
 * nlsink: join the "events" group of the tcpfsm generic netlink family
 * and count what arrives, decoding nothing, until SIGINT or SIGTERM; then
 * print "events=N recvs=R overflows=K" (R: the recv() calls that returned
 * data, N / R the events a wakeup brought; K: receive buffer overflows,
 * ENOBUFS).
 *
 * The benchmark's reference consumer: what the kernel side of the event
 * stream costs, without the formatting and writing of tcpfsm monitor.
 * Plain netlink sockets, the same 4 MiB receive buffer as the monitor,
 * and the same stream: it asks for the timewait and request sockets'
 * events too (tw-events, rsk-events), as the monitor does by default.
 */
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/tcpfsm.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define RCVBUF		(4 << 20)
#define FAMILY		"tcpfsm"
#define GROUP		"events"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* the attributes in [@a, @end) */
#define for_each_attr(a, start, len)					\
	for (a = (struct nlattr *)(start);				\
	     (char *)a + NLA_HDRLEN <= (char *)(start) + (len) &&	\
	     a->nla_len >= NLA_HDRLEN &&				\
	     (char *)a + a->nla_len <= (char *)(start) + (len);		\
	     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))

/* the id of group @name in a CTRL_ATTR_MCAST_GROUPS nest, or 0 */
static uint32_t group_id(const struct nlattr *nest, const char *name)
{
	const struct nlattr *g, *a;
	const char *gname;
	uint32_t id;

	for_each_attr(g, (const char *)nest + NLA_HDRLEN, nest->nla_len - NLA_HDRLEN) {
		gname = NULL;
		id = 0;
		for_each_attr(a, (const char *)g + NLA_HDRLEN, g->nla_len - NLA_HDRLEN) {
			if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_MCAST_GRP_NAME)
				gname = (const char *)a + NLA_HDRLEN;
			else if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_MCAST_GRP_ID)
				memcpy(&id, (const char *)a + NLA_HDRLEN, sizeof(id));
		}
		if (gname && !strcmp(gname, name))
			return id;
	}
	return 0;
}

/* resolve the family; 0, or -1 with a message */
static int resolve(int fd, uint16_t *family, uint32_t *group)
{
	struct {
		struct nlmsghdr nh;
		struct genlmsghdr gh;
		char attrs[64];
	} req = {
		.nh.nlmsg_type = GENL_ID_CTRL,
		.nh.nlmsg_flags = NLM_F_REQUEST,
		.nh.nlmsg_seq = 1,
		.gh.cmd = CTRL_CMD_GETFAMILY,
		.gh.version = 1,
	};
	struct nlattr *a = (struct nlattr *)req.attrs;
	static char buf[16384];
	struct nlmsghdr *nh;
	struct genlmsghdr *gh;
	ssize_t n;

	a->nla_type = CTRL_ATTR_FAMILY_NAME;
	a->nla_len = NLA_HDRLEN + sizeof(FAMILY);
	memcpy(req.attrs + NLA_HDRLEN, FAMILY, sizeof(FAMILY));
	req.nh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN) + NLA_ALIGN(a->nla_len);
	if (send(fd, &req, req.nh.nlmsg_len, 0) < 0) {
		perror("nlsink: send");
		return -1;
	}
	n = recv(fd, buf, sizeof(buf), 0);
	if (n < 0) {
		perror("nlsink: recv");
		return -1;
	}
	nh = (struct nlmsghdr *)buf;
	if (!NLMSG_OK(nh, n) || nh->nlmsg_type != GENL_ID_CTRL) {
		fputs("nlsink: family " FAMILY " not found: is tcpfsm loaded?\n",
		      stderr);
		return -1;
	}
	gh = NLMSG_DATA(nh);
	*family = 0;
	*group = 0;
	for_each_attr(a, (char *)gh + GENL_HDRLEN,
		      nh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN)) {
		if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID)
			memcpy(family, (char *)a + NLA_HDRLEN, sizeof(*family));
		else if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_MCAST_GROUPS)
			*group = group_id(a, GROUP);
	}
	if (!*family || !*group) {
		fputs("nlsink: no group " GROUP " in family " FAMILY "\n", stderr);
		return -1;
	}
	return 0;
}

/*
 * ask for the events of this netns (TCPFSM_CMD_EVENTS_SUBSCRIBE), those of
 * timewait and request sockets too (two flags: attributes without payload)
 */
static int subscribe(int fd, uint16_t family)
{
	struct {
		struct nlmsghdr nh;
		struct genlmsghdr gh;
		struct nlattr tw, rsk;
	} req = {
		.nh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN + 2 * NLA_HDRLEN),
		.nh.nlmsg_type = family,
		.nh.nlmsg_flags = NLM_F_REQUEST,
		.nh.nlmsg_seq = 2,
		.gh.cmd = TCPFSM_CMD_EVENTS_SUBSCRIBE,
		.gh.version = TCPFSM_FAMILY_VERSION,
		.tw = { .nla_len = NLA_HDRLEN, .nla_type = TCPFSM_A_STATS_TW_EVENTS },
		.rsk = { .nla_len = NLA_HDRLEN, .nla_type = TCPFSM_A_STATS_RSK_EVENTS },
	};

	_Static_assert(sizeof(req) == NLMSG_LENGTH(GENL_HDRLEN + 2 * NLA_HDRLEN),
		       "no padding in the request");

	/* an error comes back as a message the receive loop ignores */
	if (send(fd, &req, req.nh.nlmsg_len, 0) < 0) {
		perror("nlsink: subscribe");
		return -1;
	}
	return 0;
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	unsigned long long events = 0, overflows = 0, recvs = 0;
	int fd, size = RCVBUF, on = 1;
	static char buf[1 << 16];
	struct nlmsghdr *nh;
	uint16_t family;
	uint32_t group;
	ssize_t n;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0) {
		perror("nlsink: socket");
		return 1;
	}
	if (resolve(fd, &family, &group) < 0)
		return 1;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	/* a full buffer is reported to the sender, which counts it (rcvbuf) */
	if (setsockopt(fd, SOL_NETLINK, NETLINK_BROADCAST_ERROR, &on,
		       sizeof(on)) < 0) {
		perror("nlsink: NETLINK_BROADCAST_ERROR");
		return 1;
	}
	if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group,
		       sizeof(group)) < 0) {
		perror("nlsink: join " GROUP);
		return 1;
	}
	if (subscribe(fd, family) < 0)
		return 1;

	while (!stop) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == ENOBUFS) {
				overflows++;
				continue;
			}
			if (errno == EINTR)
				continue;
			perror("nlsink: recv");
			return 1;
		}
		recvs++;
		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, n);
		     nh = NLMSG_NEXT(nh, n))
			if (nh->nlmsg_type == family)
				events++;
	}
	printf("events=%llu recvs=%llu overflows=%llu\n", events, recvs,
	       overflows);
	return 0;
}
