"""The page behind nginx with two processes, and the process running its
session killed (kill -9): the page reconnects by itself to the same
session, now run by the other process from its last snapshot, and goes on
when the teacher resumes."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from tests.browser.pageutil import epoch, open_page, session_id, wait_status, wait_until
from tests.deploy.clusterutil import Cluster

pytestmark = pytest.mark.browser

NETWORK_ERRORS = ["WebSocket connection to", "Failed to load resource"]
RECOVERY_SECONDS = 10.0


class Proxy:
    """What open_page needs of a server: its address (here, nginx's)."""

    def __init__(self, cluster: Cluster) -> None:
        self.url = cluster.url()


@pytest.fixture
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    running = Cluster(tmp_path_factory.mktemp("page-cluster") / "run", processes=2)
    try:
        yield running
    finally:
        running.down()


def test_page_cluster_recovers_when_the_process_running_its_session_is_killed(page, console, cluster, screenshots):
    console.allowed.extend(NETWORK_ERRORS)
    open_page(page, Proxy(cluster))
    sid = session_id(page)
    page.click("#play-pause-button")
    wait_until(lambda: epoch(page) >= 150, timeout=60)  # past the first snapshots (every 2 s of play)
    served_by = httpx.get(f"{cluster.url()}/api/sessions/{sid}", timeout=30).headers["x-served-by"]
    cluster.kill(cluster.port_of(served_by))
    killed = time.monotonic()

    wait_status(page, "connected", timeout=3 * RECOVERY_SECONDS * 1000)
    page.wait_for_selector("#resume-offer:not([hidden])", timeout=10_000)
    recovered = time.monotonic() - killed
    print(f"\nkill -9 behind nginx: the page controls its session again after {recovered:.1f} s")
    assert recovered <= RECOVERY_SECONDS
    assert session_id(page) == sid  # the same session, not a recreated one
    restored_at = epoch(page)
    assert restored_at >= 30  # from its last snapshot
    page.screenshot(path=str(screenshots / "cluster_failover_resume.png"))
    page.click("#resume-button")
    wait_until(lambda: epoch(page) > restored_at + 20, timeout=60)
    page.click("#play-pause-button")
