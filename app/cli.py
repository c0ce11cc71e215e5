"""The `playground` command (also `python -m app`): serve the playground."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence

import uvicorn

from app.settings import Settings


def main(argv: Sequence[str] | None = None) -> None:
    settings = Settings.from_env()
    parser = argparse.ArgumentParser(prog="playground", description="Serve the neural-network playground.")
    parser.add_argument("--host", default=settings.host, help=f"bind address (default {settings.host})")
    parser.add_argument("--port", type=int, default=settings.port, help=f"port (default {settings.port})")
    parser.add_argument("--reload", action="store_true", help="restart when the code changes (development)")
    args = parser.parse_args(argv)
    # The app (built by uvicorn's factory call, possibly in a reloader child)
    # reads its settings from the environment: it must know where it listens
    # to tell a teacher whether students can reach it.
    os.environ["PLAYGROUND_HOST"] = args.host
    os.environ["PLAYGROUND_PORT"] = str(args.port)
    print(f"Playground on http://{args.host}:{args.port}")
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        reload=args.reload,
        ws_max_size=settings.max_message_bytes,
        ws_per_message_deflate=False,  # frames are shared by every watcher; per-client compression would cost CPU each
        # Client addresses (for per-client limits and fair turns) come from X-Forwarded-For only when
        # the connection comes from a proxy we were told to trust; by default nobody is trusted.
        proxy_headers=bool(settings.forwarded_allow_ips),
        forwarded_allow_ips=settings.forwarded_allow_ips or None,
        log_level="info",
    )


if __name__ == "__main__":
    main()
