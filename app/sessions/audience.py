"""Everyone connected to one session, and how to reach them all.

The clients this process holds get every message themselves; the clients
other processes hold (app.cluster) are reached through the ``Relay``, once
per message however many there are, and each process hands it on.
"""

from __future__ import annotations

from typing import Protocol

from app.protocol.close_codes import CloseCode
from app.sessions.clients import Client, Peer
from app.sessions.packets import Packet

__all__ = ["Audience", "Relay"]


class Relay(Protocol):
    """Carries what a session sends to all its clients to the processes that
    hold some of them (app.cluster.Cluster)."""

    def text(self, session_id: str, text: str) -> None: ...

    def packet(self, session_id: str, packet: Packet) -> None: ...


class Audience:
    def __init__(self, session_id: str) -> None:
        self.session_id = session_id
        self.clients: set[Client] = set()  # connections this process holds
        self.remote: set[Peer] = set()  # stand-ins for connections other processes hold
        self.relay: Relay | None = None

    def __len__(self) -> int:
        return len(self.clients) + len(self.remote)

    def __contains__(self, client: object) -> bool:
        return client in self.clients or client in self.remote

    def add(self, client: Peer, *, remote: bool) -> None:
        if remote:
            self.remote.add(client)
        else:
            self.clients.add(client)  # type: ignore[arg-type]  # a Client: the only Peer held here

    def discard(self, client: Peer) -> None:
        self.clients.discard(client)  # type: ignore[arg-type]
        self.remote.discard(client)

    def send_text(self, text: str, exclude: Peer | None = None) -> None:
        """``text`` to everyone (``exclude`` aside, among the clients held here)."""
        for client in self.clients:
            if client is not exclude:
                client.send_text(text)
        if self.remote and self.relay is not None:
            self.relay.text(self.session_id, text)

    def offer(self, packet: Packet) -> None:
        for client in self.clients:
            client.offer(packet)
        if self.remote and self.relay is not None:
            self.relay.packet(self.session_id, packet)

    def focus(self) -> frozenset[int]:
        """The nodes some client looks at."""
        nodes = {client.focus for client in self.clients if client.focus is not None}
        nodes.update(client.focus for client in self.remote if client.focus is not None)
        return frozenset(nodes)

    def close(self, code: CloseCode, reason: str) -> None:
        for client in [*self.clients, *self.remote]:
            client.close(code, reason)
        self.clients.clear()
        self.remote.clear()
