"""What a department can watch at /metrics (Prometheus' text format, prometheus-client).

Off the hot path: what happens per frame (frames sent, tick durations and
lags) is counted in plain integers by the one thread that does it, the
event loop, with no lock; what is a count of things (sessions, clients,
queued jobs) is read only when /metrics is scraped.  Requests, refusals,
store writes and lease renewals are rarer and use prometheus-client's own
counters and histograms.  Every sample carries the process's ``node`` label,
so the processes of a cluster can be told apart.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric

from app.auth import Role
from app.sessions.scheduler import Scheduler
from app.sessions.store import SessionStore

__all__ = ["Metrics", "Gauges", "LoopHistogram", "MODES", "watch"]

MODES = ("off", "local", "on")  # PLAYGROUND_METRICS: nobody, loopback and trusted proxies, everyone
TICK_BUCKETS = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1.0)
LAG_BUCKETS = (0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0)
REQUEST_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0, 30.0)
STORE_BUCKETS = (0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0)


class LoopHistogram:
    """A histogram kept by one thread (the event loop): plain lists, no lock."""

    def __init__(self, buckets: tuple[float, ...]) -> None:
        self.buckets = buckets
        self.counts = [0] * (len(buckets) + 1)  # the last: above every bound
        self.sum = 0.0

    def observe(self, value: float) -> None:
        self.counts[bisect.bisect_left(self.buckets, value)] += 1
        self.sum += value

    def family(self, name: str, documentation: str, node: str) -> HistogramMetricFamily:
        cumulative, total = [], 0
        for bound, count in zip((*map(str, self.buckets), "+Inf"), self.counts, strict=True):
            total += count
            cumulative.append((bound, total))
        family = HistogramMetricFamily(name, documentation, labels=["node"])
        family.add_metric([node], cumulative, self.sum)
        return family


@dataclass
class Gauges:
    """How to read what is counted only when scraped (app.main wires these)."""

    sessions: Callable[[], int] = lambda: 0  # in memory
    playing: Callable[[], int] = lambda: 0
    stored: Callable[[], int | None] = lambda: None  # the store's count at the last scrape (None: not known)
    clients: Callable[[], dict[str, int]] = dict  # by role
    queued: Callable[[], int] = lambda: 0  # the scheduler's jobs waiting


class _Collector:
    """What is read only when /metrics is scraped (prometheus-client calls ``collect``)."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def collect(self) -> Iterator[Metric]:
        m, node, gauges = self.metrics, self.metrics.node, self.metrics.gauges
        sessions = GaugeMetricFamily("playground_sessions", "Sessions, by where they are", labels=["node", "state"])
        sessions.add_metric([node, "memory"], gauges.sessions())
        sessions.add_metric([node, "playing"], gauges.playing())
        stored = gauges.stored()
        if stored is not None:
            sessions.add_metric([node, "stored"], stored)
        yield sessions
        clients = GaugeMetricFamily(
            "playground_websocket_clients", "Websocket clients, by role", labels=["node", "role"]
        )
        for role, count in sorted(gauges.clients().items()):
            clients.add_metric([node, role], count)
        yield clients
        queued = GaugeMetricFamily("playground_scheduler_queued_jobs", "Jobs waiting for a worker", labels=["node"])
        queued.add_metric([node], gauges.queued())
        yield queued
        frames = CounterMetricFamily("playground_frames_sent", "Binary frames sent to clients", labels=["node"])
        frames.add_metric([node], m.frames_sent)
        yield frames
        yield m.tick_seconds.family("playground_tick_seconds", "Time one play tick took (train and render)", node)
        yield m.tick_lag.family("playground_tick_lag_seconds", "How late a play tick started behind its frame", node)


class Metrics:
    def __init__(self, node: str) -> None:
        self.node = node
        self.registry = CollectorRegistry(auto_describe=True)
        self.gauges = Gauges()
        self.frames_sent = 0  # incremented by the writers of websocket clients (the event loop)
        self.tick_seconds = LoopHistogram(TICK_BUCKETS)
        self.tick_lag = LoopHistogram(LAG_BUCKETS)
        self.requests = Histogram(
            "playground_http_request_seconds",
            "HTTP requests, by route template, method and status",
            ["node", "route", "method", "status"],
            buckets=REQUEST_BUCKETS,
            registry=self.registry,
        )
        self.refusals = Counter(
            "playground_refusals",
            "Requests and connections refused, by limit",
            ["node", "limit"],
            registry=self.registry,
        )
        self.store_writes = Histogram(
            "playground_store_write_seconds",
            "Session saves, by outcome",
            ["node", "outcome"],
            buckets=STORE_BUCKETS,
            registry=self.registry,
        )
        self.lease_renewals = Counter(
            "playground_lease_renewals",
            "Redis lease renewals (cluster), by outcome",
            ["node", "outcome"],
            registry=self.registry,
        )
        self.registry.register(_Collector(self))

    def frame_sent(self) -> None:
        self.frames_sent += 1

    def ticked(self, seconds: float, lag: float) -> None:
        self.tick_seconds.observe(seconds)
        self.tick_lag.observe(lag)

    def refused(self, limit: str) -> None:
        self.refusals.labels(self.node, limit).inc()

    def stored(self, seconds: float, ok: bool) -> None:
        self.store_writes.labels(self.node, "ok" if ok else "failed").observe(seconds)

    def renewed(self, ok: bool) -> None:
        self.lease_renewals.labels(self.node, "ok" if ok else "failed").inc()

    def request(self, route: str, method: str, status: int, seconds: float) -> None:
        self.requests.labels(self.node, route, method, str(status)).observe(seconds)


def watch(metrics: Metrics, store: SessionStore, scheduler: Scheduler) -> None:
    """Read the sessions, their clients and the scheduler's queue when scraped."""

    def clients() -> dict[str, int]:
        counts = {role.value: 0 for role in Role}
        for live in store.local():
            for client in live.clients:
                counts[client.role.value] += 1
        return counts

    metrics.gauges.sessions = lambda: len(store)
    metrics.gauges.playing = lambda: sum(live.playing for live in store.local())
    metrics.gauges.clients = clients
    metrics.gauges.queued = scheduler.pending
    store.saver.on_write = metrics.stored
