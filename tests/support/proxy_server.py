"""The accept loop the fault-injecting TCP proxies share (hang_proxy.py, resend_refusing_proxy.py)."""
import signal
import socket
import sys
import threading


def connect_upstream(client, host, port):
    """[client, upstream], or None (the client closed) when the target does not answer."""
    try:
        return [client, socket.create_connection((host, port))]
    except OSError:
        client.close()
        return None


def serve(listen_port, name, pipe):
    """Accepts on 127.0.0.1:listen_port until SIGTERM; each connection gets pipe(conn) in a thread."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", listen_port))
    server.listen(16)
    print(name, "on", listen_port, flush=True)
    while True:
        conn, _ = server.accept()
        threading.Thread(target=pipe, args=(conn,), daemon=True).start()
