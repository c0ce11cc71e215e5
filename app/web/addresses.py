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

__all__ = ["Reach", "interface_addresses", "reach", "share_base"]

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


def _own_names(bind_host: str) -> set[str]:
    """Host names and addresses that mean this machine."""
    names = {"localhost", "127.0.0.1", "::1", socket.gethostname().lower(), socket.getfqdn().lower()}
    if bind_host not in ("", "0.0.0.0", "::"):
        names.add(bind_host.lower())
    names.update(interface_addresses())
    return names


def share_base(
    request_host: str | None, request_base: str, bind_host: str, port: int, scheme: str, public_url: str = ""
) -> str:
    """The base of a class link: ``public_url`` if set; else the address the
    teacher used if it names this machine, except a loopback one when the
    server can be reached on the network (students' devices cannot open
    127.0.0.1); never a forged ``Host`` header (that would hand students a
    link to someone else's server)."""
    if public_url:
        return public_url.rstrip("/")
    host = (request_host or "").lower().strip("[]")
    urls = reach(bind_host, port, scheme).urls
    if host in _own_names(bind_host) and not (_is_loopback(host) and urls):
        return request_base.rstrip("/")
    return urls[0] if urls else f"{scheme}://127.0.0.1:{port}"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
