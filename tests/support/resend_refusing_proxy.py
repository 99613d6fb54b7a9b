#!/usr/bin/env python3
"""A TCP proxy in front of Mosquitto that reproduces the broker refusing Paho's resends.

resend_refusing_proxy.py LISTEN_PORT TARGET_HOST TARGET_PORT

Forwards 127.0.0.1:LISTEN_PORT to the broker and reads the MQTT packets a client sends.
On SIGUSR1 it swallows the clients' PUBLISH packets (never forwarded, so never acknowledged).
On SIGUSR2 it closes every connection and from then on closes any connection that sends a
PUBLISH with the DUP flag: what Mosquitto 2.0 did with Paho C 1.3's resends after a broker
restart ("disconnected due to malformed packet", docs/benchmarks.md). Fresh publishes (DUP 0)
pass.
"""
import select
import signal
import socket
import sys
import threading

from proxy_server import connect_upstream, serve

listen_port, target_host, target_port = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
swallow = threading.Event()
refuse_resends = threading.Event()
lock = threading.Lock()
open_pairs = []
PUBLISH = 3


def packets(buffer):
    """Splits complete MQTT packets off the front of `buffer`: (packets, rest)."""
    out = []
    while len(buffer) >= 2:
        length, multiplier, at = 0, 1, 1
        while True:
            if at >= len(buffer):
                return out, buffer
            byte = buffer[at]
            length += (byte & 0x7F) * multiplier
            multiplier *= 128
            at += 1
            if not byte & 0x80:
                break
        if len(buffer) < at + length:
            return out, buffer
        out.append(buffer[: at + length])
        buffer = buffer[at + length :]
    return out, buffer


def pipe(client):
    pair = connect_upstream(client, target_host, target_port)
    if pair is None:
        return
    upstream = pair[1]
    with lock:
        open_pairs.append(pair)
    pending = b""
    try:
        while True:
            ready, _, _ = select.select(pair, [], [], 0.05)
            for s in ready:
                data = s.recv(65536)
                if not data:
                    raise OSError("closed")
                if s is upstream:
                    client.sendall(data)
                    continue
                found, pending = packets(pending + data)
                for packet in found:
                    kind, dup = packet[0] >> 4, (packet[0] >> 3) & 1
                    if kind == PUBLISH and swallow.is_set():
                        continue
                    if kind == PUBLISH and dup and refuse_resends.is_set():
                        raise OSError("a resent publish: refused")
                    upstream.sendall(packet)
    except OSError:
        for s in pair:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()
        with lock:
            if pair in open_pairs:
                open_pairs.remove(pair)


def cut(*_):
    swallow.clear()
    refuse_resends.set()
    with lock:
        for pair in open_pairs:
            for s in pair:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


signal.signal(signal.SIGUSR1, lambda *_: swallow.set())
signal.signal(signal.SIGUSR2, cut)
serve(listen_port, "resend-refusing proxy", pipe)
