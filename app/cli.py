"""The `playground` command (also `python -m app`): serve the playground.

Before anything starts, it takes its port and checks that its store can be
opened (SQLite: the file is a database; Redis: it answers).  Either failing
is one line on stderr and exit status 2, never a traceback nor a process
that hangs: a busy port used to leave a Redis-mode process "Waiting for
application shutdown", deaf to SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gc
import ipaddress
import os
import socket
import sys
from collections.abc import Sequence
from typing import Any

import uvicorn
from redis.exceptions import RedisError

from app.logs import log_config
from app.main import create_app
from app.persistence import MEMORY, SQLiteBackend, StoreCannotOpen
from app.persistence.redis_client import REDIS_DOWN, connect, redacted
from app.settings import Settings
from app.web.ws_server import websocket_protocol

REDIS_WAIT_SECONDS = 10.0  # at start, how long Redis may take to answer (it may be starting beside us)
REFUSED = 2  # exit status when the server refuses to start (port taken, store unusable)


class StartRefused(Exception):
    """The server cannot start: one line says why."""


class PlaygroundServer(uvicorn.Server):
    """uvicorn's server, stopping in the order that loses nothing.

    On SIGTERM (or Ctrl-C) uvicorn stops listening, closes every websocket
    with 1012 and then runs the app's shutdown.  By then each session has
    lost its clients and paused, and a page could reconnect before its
    session was saved.  Here the sessions are saved first (those playing
    are saved as playing, so the page offers to resume), then every
    websocket is closed with 1012, then uvicorn goes on as usual.
    """

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        # What start-up made (modules, the app, the compiled kernels) lives as long as the
        # process.  Frozen, a full garbage collection no longer walks it: at 150 playing
        # sessions a full collection held the GIL, and every frame, for about 100 ms (20 ms frozen).
        gc.collect()
        gc.freeze()

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for server in self.servers:
            server.close()  # no new connections while we save
        store = getattr(getattr(self.config.app, "state", None), "store", None)
        if store is not None:
            await store.drain()
        await super().shutdown(sockets)


def listen(host: str, port: int) -> socket.socket:
    """The server's socket, bound and ready for uvicorn; StartRefused if the port is taken."""
    try:
        family = socket.AF_INET6 if ipaddress.ip_address(host).version == 6 else socket.AF_INET
    except ValueError:
        family = socket.AF_INET  # a name: uvicorn resolves it the same way
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise StartRefused(
            f"cannot listen on {host}:{port}: {error.strerror or error}; is another server "
            "running there? Choose another port with --port"
        ) from None
    sock.set_inheritable(True)
    return sock


async def check_store(settings: Settings) -> None:
    """The store the settings name can be used; StartRefused in one line if not."""
    if settings.redis_url:
        redis = connect(settings.redis_url, max_connections=1)
        try:
            deadline = asyncio.get_running_loop().time() + REDIS_WAIT_SECONDS
            while True:
                try:
                    await redis.ping()
                    return
                except (*REDIS_DOWN, RedisError) as error:
                    if asyncio.get_running_loop().time() >= deadline:
                        raise StartRefused(
                            f"Redis at {redacted(settings.redis_url)} does not answer ({error}); "
                            "start it, or check PLAYGROUND_REDIS_URL"
                        ) from None
                    await asyncio.sleep(0.5)
        finally:
            await redis.aclose()
    if settings.data_dir == MEMORY:
        return
    try:
        backend = await SQLiteBackend(settings.data_dir).open(check=False)  # the app checks it again, fully
    except StoreCannotOpen as error:
        raise StartRefused(str(error)) from None
    await backend.close(record=False)


def main(argv: Sequence[str] | None = None) -> None:
    settings = Settings.from_env()
    parser = argparse.ArgumentParser(prog="playground", description="Serve the neural-network playground.")
    parser.add_argument("--host", default=settings.host, help=f"bind address (default {settings.host})")
    parser.add_argument("--port", type=int, default=settings.port, help=f"port (default {settings.port})")
    parser.add_argument("--reload", action="store_true", help="restart when the code changes (development)")
    args = parser.parse_args(argv)
    # The app must know where it listens to tell a teacher whether students can
    # reach it; with --reload, uvicorn's factory builds it in a child process
    # that reads its settings from the environment.
    os.environ["PLAYGROUND_HOST"] = args.host
    os.environ["PLAYGROUND_PORT"] = str(args.port)
    print(f"Playground on http://{args.host}:{args.port}")
    options: dict[str, Any] = dict(
        host=args.host,
        port=args.port,
        ws_max_size=settings.max_message_bytes,
        # uvicorn's, with a 1 s closing handshake, and sockets that read nothing dropped (app/web/ws_server.py)
        ws=websocket_protocol(settings.stalled_socket_seconds),
        ws_ping_interval=settings.ws_ping_seconds,
        ws_ping_timeout=settings.ws_ping_seconds,
        ws_per_message_deflate=False,  # frames are shared by every watcher; per-client compression would cost CPU each
        # Client addresses (for per-client limits and fair turns) come from X-Forwarded-For only when
        # the connection comes from a proxy we were told to trust; by default nobody is trusted.
        proxy_headers=bool(settings.forwarded_allow_ips),
        forwarded_allow_ips=settings.forwarded_allow_ips or None,
        log_level="info",
        log_config=log_config(settings.log_format),  # app/logs.py: text or JSON lines
        access_log=False,  # the app writes its own access lines (app/web/observe.py)
    )
    if args.reload:  # development: uvicorn re-imports the factory in a fresh process on every change
        uvicorn.run("app.main:create_app", factory=True, reload=True, **options)
        return
    settings = dataclasses.replace(settings, host=args.host, port=args.port)
    try:
        sock = listen(args.host, args.port)
        asyncio.run(check_store(settings))
    except StartRefused as refused:
        print(f"playground: {refused}", file=sys.stderr)
        raise SystemExit(REFUSED) from None
    PlaygroundServer(uvicorn.Config(create_app(settings), **options)).run(sockets=[sock])


if __name__ == "__main__":
    main()
