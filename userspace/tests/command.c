// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the command itself (tcpfsm.c): its exit status and
 * output for command lines that need no module, and without the module.
 *
 *	TCPFSM_CMD=PATH/TO/tcpfsm command [-l] [-t TEST]...
 *
 * Skipped without TCPFSM_CMD.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "nl.h"

#include "kselftest_harness.h"

#include "helpers.h"

struct run {
	int status;		/* exit status, or -1 */
	int signal;		/* the signal that killed it, or 0 */
	char *out, *err;
};

static char *slurp(FILE *f)
{
	struct capture cap;
	int c;

	cap_open(&cap);
	rewind(f);
	while ((c = fgetc(f)) != EOF)
		fputc(c, cap.f);
	fclose(f);
	return cap_close(&cap);
}

/* @bin with the NULL-terminated arguments; stdout to @out_path if given */
static struct run run_cmd(const char *bin, const char *out_path, const char *arg, ...)
{
	const char *argv[16] = { bin };
	FILE *out = tmpfile(), *err = tmpfile();
	struct run r = { .status = -1 };
	int argc = 1, status;
	va_list ap;
	pid_t pid;

	va_start(ap, arg);
	for (; arg; arg = va_arg(ap, const char *))
		argv[argc++] = arg;
	va_end(ap);
	if (!out || !err) {
		perror("tmpfile");
		exit(2);
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int fd = out_path ? open(out_path, O_WRONLY) : fileno(out);

		if (fd < 0 || dup2(fd, 1) < 0 || dup2(fileno(err), 2) < 0)
			_exit(126);
		execv(bin, (char **)argv);
		_exit(127);
	}
	if (pid > 0 && waitpid(pid, &status, 0) == pid) {
		if (WIFEXITED(status))
			r.status = WEXITSTATUS(status);
		else if (WIFSIGNALED(status))
			r.signal = WTERMSIG(status);
	}
	r.out = slurp(out);
	r.err = slurp(err);
	return r;
}

static void check_run(struct __test_metadata *_metadata,
		      struct run *r, int status, const char *out_prefix,
		      const char *err_prefix, const char *what)
{
	bool ok = r->status == status &&
		  (out_prefix ? starts_with(r->out, out_prefix) : !r->out[0]) &&
		  (err_prefix ? starts_with(r->err, err_prefix) : !r->err[0]);

	if (!CHECK(ok, "command: %s", what)) {
		if (r->signal)
			printf("# killed by signal %d (%s), expected exit status %d\n",
			       r->signal, strsignal(r->signal), status);
		else
			printf("# exit status %d, expected %d\n", r->status,
			       status);
		diag("stdout", r->out);
		diag("stderr", r->err);
	}
	free(r->out);
	free(r->err);
}

/* The command to run: $TCPFSM_CMD */
FIXTURE(command) {
	const char *bin;
};

FIXTURE_SETUP(command)
{
	self->bin = getenv("TCPFSM_CMD");
	if (!self->bin || !self->bin[0])
		SKIP(return, "TCPFSM_CMD is not set: the path of the command to test");
}

FIXTURE_TEARDOWN(command)
{
}

TEST_F(command, help)
{
	const char *bin = self->bin;
	struct run r;

	r = run_cmd(bin, NULL, "help", NULL);
	check_run(_metadata, &r, 0, "Usage: tcpfsm [OPTIONS] COMMAND [ARGS]\n", NULL,
		  "help: usage on stdout, exit 0");
	r = run_cmd(bin, NULL, "stats", "help", NULL);
	check_run(_metadata, &r, 0, "Usage: tcpfsm [-j [-p]] stats [all] [nohist] [-A]\n", NULL,
		  "stats help");
	r = run_cmd(bin, NULL, "-j", "state", "--help", NULL);
	check_run(_metadata, &r, 0, "Usage: tcpfsm [-j [-p]] state NAME\n", NULL,
		  "-j state --help");
	r = run_cmd(bin, NULL, "-V", NULL);
	check_run(_metadata, &r, 0, "tcpfsm " TCPFSM_VERSION ", for version 1", NULL, "-V");
}

TEST_F(command, lines)
{
	const char *bin = self->bin;
	struct run r;

	r = run_cmd(bin, NULL, NULL);
	check_run(_metadata, &r, TCPFSM_EXIT_USAGE, NULL, "Usage: tcpfsm [OPTIONS] COMMAND [ARGS]\n",
		  "no command: usage on stderr, exit 2");
	r = run_cmd(bin, NULL, "foo", NULL);
	check_run(_metadata, &r, TCPFSM_EXIT_USAGE, NULL,
		  "Command \"foo\" is unknown, try \"tcpfsm help\".\nUsage: tcpfsm ",
		  "unknown command: stderr, exit 2");
	r = run_cmd(bin, NULL, "--bogus", "stats", NULL);
	check_run(_metadata, &r, TCPFSM_EXIT_USAGE, NULL,
		  "Option \"--bogus\" is unknown, try \"tcpfsm help\".\nUsage: tcpfsm ",
		  "unknown option: stderr, exit 2");
	r = run_cmd(bin, NULL, "stats", "bogus", NULL);
	check_run(_metadata, &r, TCPFSM_EXIT_USAGE, NULL,
		  "tcpfsm: stats: unknown argument \"bogus\"\nUsage: tcpfsm [-j [-p]] stats",
		  "bad argument: the command's usage on stderr, exit 2");
	r = run_cmd(bin, NULL, "state", "FIN-WAIT-3", NULL);
	check_run(_metadata, &r, TCPFSM_EXIT_USAGE, NULL, "tcpfsm: unknown state \"FIN-WAIT-3\"\nvalid states: ESTABLISHED ",
		  "unknown state: exit 2");
	r = run_cmd(bin, NULL, "monitor", "help", NULL);
	check_run(_metadata, &r, 0, "Usage: tcpfsm [-j] [-t] monitor [full] [FILTERS]\n", NULL,
		  "monitor help");
	r = run_cmd(bin, NULL, "-j", "monitor", "-4", "port", "80", "--help", NULL);
	check_run(_metadata, &r, 0, "Usage: tcpfsm [-j] [-t] monitor [full] [FILTERS]\n", NULL,
		  "-j monitor -4 port 80 --help");
	r = run_cmd(bin, NULL, "monitor", "sport", "http", NULL);
	check_run(_metadata, &r, TCPFSM_EXIT_USAGE, NULL, "tcpfsm: monitor: sport: invalid port \"http\" (0-65535)\n",
		  "monitor sport http: exit 2");
	r = run_cmd(bin, NULL, "monitor", "dport", NULL);
	check_run(_metadata, &r, TCPFSM_EXIT_USAGE, NULL, "tcpfsm: monitor: dport: PORT is missing\nUsage: tcpfsm [-j] [-t] monitor",
		  "monitor dport: exit 2, with the usage");
	r = run_cmd(bin, NULL, "hist", "help", NULL);
	check_run(_metadata, &r, 0, "Usage: tcpfsm [-j [-p]] hist [STATE...]\n", NULL, "hist help");
	r = run_cmd(bin, NULL, "closewait", "--help", NULL);
	check_run(_metadata, &r, 0, "Usage: tcpfsm [-j [-p]] closewait [--older-than DURATION]\n",
		  NULL, "closewait --help");
	r = run_cmd(bin, NULL, "top", "-h", NULL);
	check_run(_metadata, &r, 0, "Usage: tcpfsm [-j [-p]] top [limit N]\n", NULL, "top -h");
	r = run_cmd(bin, NULL, "diagram", "help", NULL);
	check_run(_metadata, &r, 0, "Usage: tcpfsm [-j [-p]] diagram\n", NULL, "diagram help");
	r = run_cmd(bin, NULL, "diagram", "extra", NULL);
	check_run(_metadata, &r, TCPFSM_EXIT_USAGE, NULL, "tcpfsm: diagram: unknown argument \"extra\"\nUsage: tcpfsm [-j [-p]] diagram\n",
		  "diagram extra: exit 2, with the usage");
	r = run_cmd(bin, NULL, "closewait", "--older-than", "1.5h", NULL);
	check_run(_metadata, &r, TCPFSM_EXIT_USAGE, NULL, "tcpfsm: closewait: --older-than: invalid duration \"1.5h\"",
		  "closewait --older-than 1.5h: exit 2");
	r = run_cmd(bin, NULL, "top", "limit", "0", NULL);
	check_run(_metadata, &r, TCPFSM_EXIT_USAGE, NULL, "tcpfsm: top: limit: invalid number \"0\" (1-1000)\n",
		  "top limit 0: exit 2");
	r = run_cmd(bin, NULL, "hist", "LISTEN", NULL);
	check_run(_metadata, &r, TCPFSM_EXIT_USAGE, NULL, "tcpfsm: hist: LISTEN has no time in state",
		  "hist LISTEN: exit 2");
	r = run_cmd(bin, NULL, "-o", "prometheus", "top", NULL);
	check_run(_metadata, &r, TCPFSM_EXIT_USAGE, NULL, "tcpfsm: top: -o prometheus is for stats only\n",
		  "-o prometheus top: exit 2");
	r = run_cmd(bin, NULL, "-n", "..", "stats", NULL);
	check_run(_metadata, &r, TCPFSM_EXIT_USAGE, NULL,
		  "tcpfsm: -n: invalid network namespace name \"..\"",
		  "-n ..: exit 2");
	r = run_cmd(bin, NULL, "-n", "tcpfsm-no-such-netns", "stats", NULL);
	check_run(_metadata, &r, TCPFSM_EXIT_FAIL, NULL,
		  "tcpfsm: network namespace \"tcpfsm-no-such-netns\" does not exist (no /run/netns/tcpfsm-no-such-netns: see ip netns list)\n",
		  "-n NETNS that does not exist: a runtime failure, exit 1");
	r = run_cmd(bin, NULL, "-n", "tcpfsm-no-such-netns", "stats", "help", NULL);
	check_run(_metadata, &r, 0, "Usage: tcpfsm [-j [-p]] stats [all] [nohist] [-A]\n", NULL,
		  "-n NETNS stats help: the usage, the namespace not entered");
	r = run_cmd(bin, "/dev/full", "help", NULL);
	check_run(_metadata, &r, TCPFSM_EXIT_FAIL, NULL, "tcpfsm: writing the output: No space left on device\n",
		  "a write error is a runtime failure, exit 1");
}

TEST_F(command, module)
{
	static const char nofamily[] =
		"tcpfsm: the tcpfsm netlink family is not registered: is the tcpfsm module loaded? (modprobe tcpfsm)\n";
	const char *bin = self->bin;
	struct run r;

	if (access("/sys/module/tcpfsm", F_OK)) {
		r = run_cmd(bin, NULL, "stats", NULL);
		check_run(_metadata, &r, TCPFSM_EXIT_NOMODULE, NULL, nofamily, "stats without the module");
		r = run_cmd(bin, NULL, "-j", "state", "estab", NULL);
		check_run(_metadata, &r, TCPFSM_EXIT_NOMODULE, NULL, nofamily, "-j state estab without the module");
		r = run_cmd(bin, NULL, "monitor", "state", "LISTEN", NULL);
		check_run(_metadata, &r, TCPFSM_EXIT_NOMODULE, NULL, nofamily, "monitor without the module");
		r = run_cmd(bin, NULL, "stats", "-o", "prometheus", NULL);
		check_run(_metadata, &r, TCPFSM_EXIT_NOMODULE, NULL, nofamily, "stats -o prometheus without the module");
		r = run_cmd(bin, NULL, "hist", NULL);
		check_run(_metadata, &r, TCPFSM_EXIT_NOMODULE, NULL, nofamily, "hist without the module");
		r = run_cmd(bin, NULL, "closewait", "--older-than", "5m", NULL);
		check_run(_metadata, &r, TCPFSM_EXIT_NOMODULE, NULL, nofamily, "closewait without the module");
		r = run_cmd(bin, NULL, "-j", "top", NULL);
		check_run(_metadata, &r, TCPFSM_EXIT_NOMODULE, NULL, nofamily, "top without the module");
		r = run_cmd(bin, NULL, "diagram", NULL);
		check_run(_metadata, &r, TCPFSM_EXIT_NOMODULE, NULL, nofamily, "diagram without the module");
	} else {
		r = run_cmd(bin, NULL, "stats", NULL);
		check_run(_metadata, &r, 0, "state             current      entered         left\n",
			  NULL, "stats with the module");
		r = run_cmd(bin, NULL, "-j", "state", "estab", NULL);
		check_run(_metadata, &r, 0, "{\"state\":\"ESTABLISHED\",\"current\":", NULL,
			  "-j state estab with the module");
		r = run_cmd(bin, NULL, "-j", "diagram", NULL);
		check_run(_metadata, &r, 0, "{\"states\":{\"CLOSE\":{\"current\":null,", NULL,
			  "-j diagram with the module");
	}
}

TEST_HARNESS_MAIN
