#!/usr/bin/env python3
"""A TLS-terminating proxy for tests: what a reverse proxy (nginx, Caddy, HA's NGINX add-on) does
in front of Home Assistant. TLS on --listen with --cert/--key; plain TCP to --upstream.

    tls_proxy.py --listen 8443 --cert server.crt --key server.key --upstream 127.0.0.1:8123
"""
import argparse
import asyncio
import ssl


async def pipe(reader, writer):
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError):
        pass
    finally:
        writer.close()


async def handle(client_reader, client_writer, host, port):
    try:
        up_reader, up_writer = await asyncio.open_connection(host, port)
    except OSError:
        client_writer.close()
        return
    await asyncio.gather(pipe(client_reader, up_writer), pipe(up_reader, client_writer))


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--listen", type=int, required=True)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--upstream", required=True)
    a = ap.parse_args()
    host, port = a.upstream.rsplit(":", 1)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(a.cert, a.key)
    server = await asyncio.start_server(lambda r, w: handle(r, w, host, int(port)), "127.0.0.1", a.listen, ssl=ctx)
    print(f"TLS on 127.0.0.1:{a.listen} -> {a.upstream}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
