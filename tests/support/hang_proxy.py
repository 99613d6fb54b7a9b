#!/usr/bin/env python3
"""A TCP proxy that can hang, for the "PostgreSQL hung" fault test.

hang_proxy.py LISTEN_PORT TARGET_HOST TARGET_PORT

Forwards 127.0.0.1:LISTEN_PORT to the target. On SIGUSR1 it hangs: every connection stays open
and nothing is forwarded either way, new connections are accepted and left waiting (a server
that accepts and never answers, as a PostgreSQL stuck mid-statement looks to its clients). On
SIGUSR2 the connections that hung are closed and forwarding resumes for new ones.
"""
import select
import signal
import socket
import sys
import threading

from proxy_server import connect_upstream, serve
import time

listen_port, target_host, target_port = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
hung = threading.Event()
lock = threading.Lock()
hung_sockets = []


def pipe(client):
    pair = connect_upstream(client, target_host, target_port)
    if pair is None:
        return
    upstream = pair[1]
    while True:
        if hung.is_set():
            with lock:
                hung_sockets.extend(pair)
            while hung.is_set():
                time.sleep(0.05)
            return  # closed by SIGUSR2
        try:
            ready, _, _ = select.select(pair, [], [], 0.05)
            for s in ready:
                data = s.recv(65536)
                if not data:
                    raise OSError("closed")
                (upstream if s is client else client).sendall(data)
        except OSError:
            for s in pair:
                s.close()
            return


def resume(*_):
    with lock:
        for s in hung_sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
                s.close()
            except OSError:
                pass
        hung_sockets.clear()
    hung.clear()


signal.signal(signal.SIGUSR1, lambda *_: hung.set())
signal.signal(signal.SIGUSR2, resume)
serve(listen_port, "hang proxy", pipe)
