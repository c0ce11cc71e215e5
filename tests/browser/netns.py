"""A network namespace of the browser tests' own, holding only a loopback.

Why: Chromium on Linux watches every interface's addresses (netlink, in
NetworkChangeNotifierLinux) and, at any address change anywhere, fails every
request still waiting for a connection with net::ERR_NETWORK_CHANGED, loopback
included. Podman adds and removes addresses whenever a container starts or
stops, and on a shared machine that happens during the browser tests: a page
whose ES module fails that way never starts, and the test times out waiting for
its connection. Chromium has no switch to turn this off (no command-line switch
or feature sets the network session's ``ignore_ip_address_changes``, and the
Linux notifier is created with no ignored interfaces), so the tests take the
interfaces away instead: while tests/browser runs, the pytest process and
everything it starts (the servers, Redis, nginx, Playwright's driver and
Chromium) live in a new network namespace, where no other address ever changes.

It needs CAP_SYS_ADMIN (``make test`` runs as root); without it the tests run in
the machine's namespace as before, and say so.
"""

from __future__ import annotations

import ctypes
import fcntl
import os
import socket
import struct

__all__ = ["OwnNetwork", "interfaces"]

CLONE_NEWNET = 0x40000000
SIOCGIFFLAGS = 0x8913
SIOCSIFFLAGS = 0x8914
IFF_UP = 0x1
IFREQ = "16sh22x"  # struct ifreq: the name, then the flags (a short) in a 24-byte union


def interfaces() -> list[str]:
    """The network interfaces this thread sees."""
    return sorted(name for _, name in socket.if_nameindex())


class OwnNetwork:
    """Enter a new network namespace with its loopback up; leave it for the one we came from."""

    def __init__(self) -> None:
        self.home: int | None = None
        self.why_not = ""  # why the tests run in the machine's namespace, if they do

    def enter(self) -> bool:
        libc = ctypes.CDLL(None, use_errno=True)
        home = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
        if libc.unshare(CLONE_NEWNET) != 0:
            self.why_not = f"unshare(CLONE_NEWNET): {os.strerror(ctypes.get_errno())}"
            os.close(home)
            return False
        self.home = home
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:  # a new namespace's loopback is down
            flags = struct.unpack(IFREQ, fcntl.ioctl(sock, SIOCGIFFLAGS, struct.pack(IFREQ, b"lo", 0)))[1]
            fcntl.ioctl(sock, SIOCSIFFLAGS, struct.pack(IFREQ, b"lo", flags | IFF_UP))
        return True

    def leave(self) -> None:
        if self.home is None:
            return
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.setns(self.home, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns back to the machine's network namespace")
        os.close(self.home)
        self.home = None
