#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The guest half of make demo (scripts/demo.sh): load tcpfsm, open and
# close some connections on loopback, print /proc/net/tcpfsm and what the
# command says.
set -eu
ko=${1:?usage: demo-guest.sh MODULE.ko TCPFSM}
TCPFSM=$(readlink -f "${2:?usage: demo-guest.sh MODULE.ko TCPFSM}")
export TCPFSM

show() {
	echo
	echo "\$ $*"
	"$@"
}

show insmod "$ko"
# a server that reads until EOF and closes, a connection it never closes
# (stuck in CLOSE_WAIT), a connection reset, a refused connect
python3 - <<'PY'
import socket, struct, time
srv = socket.create_server(("127.0.0.1", 8080))
for i in range(5):
    c = socket.create_connection(("127.0.0.1", 8080))
    a, _ = srv.accept()
    c.sendall(b"GET / HTTP/1.0\r\n\r\n")
    a.recv(100)
    a.sendall(b"HTTP/1.0 200 OK\r\n\r\n")
    c.recv(100)
    a.close() if i % 2 else c.close()
    (c if i % 2 else a).recv(100)
    (c if i % 2 else a).close()
stuck = socket.create_connection(("127.0.0.1", 8080))
leak, _ = srv.accept()
stuck.close()
rst = socket.create_connection(("127.0.0.1", 8080))
srv.accept()[0].setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
rst.close()
try:
    socket.create_connection(("127.0.0.1", 9))
except ConnectionRefusedError:
    pass
time.sleep(0.5)
import os, subprocess
tcpfsm = os.environ["TCPFSM"]
for cmd in (["cat", "/proc/net/tcpfsm/states"],
            ["cat", "/proc/net/tcpfsm/transitions"],
            ["ss", "-tan"],
            [tcpfsm, "stats"],
            [tcpfsm, "hist", "ESTABLISHED", "CLOSE_WAIT"],
            [tcpfsm, "closewait"],
            [tcpfsm, "top"]):
    print("\n$ " + " ".join(cmd), flush=True)
    subprocess.run(cmd)
PY
show rmmod tcpfsm
