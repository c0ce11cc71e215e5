"""Where students can reach this server: its non-loopback interface
addresses, and whether the address it listens on lets them in.

A teacher who opens the page on http://127.0.0.1:8000 would share a class
link that no student's device can open.  The share dialog asks for this and
shows either the addresses on the classroom's network or how to start the
server so they can be reached."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass

import psutil

__all__ = ["Reach", "interface_addresses", "reach"]

MAX_ADDRESSES = 16  # a machine with dozens of virtual interfaces: the first ones are enough to show


def interface_addresses() -> list[str]:
    """IPv4 addresses of this machine's interfaces that are up, minus loopback
    and link-local ones (students cannot use those), in interface order."""
    stats = psutil.net_if_stats()
    found: list[str] = []
    for name, addresses in psutil.net_if_addrs().items():
        if name in stats and not stats[name].isup:
            continue
        for address in addresses:
            if address.family != socket.AF_INET:
                continue
            ip = ipaddress.ip_address(address.address)
            if ip.is_loopback or ip.is_link_local or ip.is_unspecified:
                continue
            found.append(str(ip))
    return list(dict.fromkeys(found))[:MAX_ADDRESSES]


def _listens_beyond_loopback(host: str) -> bool:
    """Whether a server bound to ``host`` accepts connections from other machines."""
    if host in ("", "0.0.0.0", "::"):
        return True
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host != "localhost"  # a name: assume it resolves to a real interface


@dataclass(frozen=True)
class Reach:
    """What the share dialog needs: the server's port, whether students can
    reach it, the base URLs they could use, and the command that makes it reachable."""

    port: int
    listening_beyond_loopback: bool
    urls: list[str]
    command: str


def reach(bind_host: str, port: int, scheme: str = "http") -> Reach:
    """The addresses students could use for a server bound to ``bind_host``."""
    beyond = _listens_beyond_loopback(bind_host)
    if not beyond:
        urls: list[str] = []
    elif bind_host in ("", "0.0.0.0", "::"):
        urls = [f"{scheme}://{ip}:{port}" for ip in interface_addresses()]
    else:
        urls = [f"{scheme}://{bind_host}:{port}"]
    command = f"make run HOST=0.0.0.0 PORT={port}    # or: PLAYGROUND_HOST=0.0.0.0 PLAYGROUND_PORT={port} playground"
    return Reach(port=port, listening_beyond_loopback=beyond, urls=urls, command=command)
