"""What scripts/container-test.sh and scripts/compose-test.sh ask of a running
server, from the host over loopback, as a user's browser or script would:

    python -m tests.deploy.probe wait URL [SECONDS]       /healthz answers 200
    python -m tests.deploy.probe session URL DIR          a session created and stepped: DIR/id, DIR/token
    python -m tests.deploy.probe export URL DIR FILE      the session file of DIR/id, written to FILE
    python -m tests.deploy.probe replicas URL N           requests through a proxy reach N processes
    python -m tests.deploy.probe watchers URL_A URL_B     a session playing on A: a watcher on B gets its frames

Each prints one line saying what it saw and exits 1 (with the reason) when it
did not see what it should.  Every loop is bounded.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import httpx

from tests.deploy.clusterutil import PageClient, wait_for

# A small network, a fixed seed and a batch size that leaves a remainder: the
# session file carries weights, pending gradients and the random stream's
# position, so a round trip that loses any of them shows in a byte comparison.
SESSION_HASH = "seed=0.4242&networkShape=3,2&batchSize=7&activation=tanh"
EPOCHS = 25
FRAMES = 10


class ProbeFailed(Exception):
    pass


def wait(url: str, seconds: float = 120.0) -> str:
    deadline = time.monotonic() + seconds
    started = time.monotonic()
    last = "no answer"
    while time.monotonic() < deadline:
        try:
            response = httpx.get(f"{url}/healthz", timeout=2)
            if response.status_code == 200:
                return f"{url}/healthz answered after {time.monotonic() - started:.1f} s: {response.text}"
            last = f"status {response.status_code}"
        except httpx.HTTPError as error:
            last = repr(error)
        time.sleep(0.2)
    raise ProbeFailed(f"{url}/healthz did not answer 200 within {seconds:.0f} s (last: {last})")


def session(url: str, directory: Path) -> str:
    with httpx.Client(timeout=60) as http:
        created = http.post(f"{url}/api/sessions", json={"hash": SESSION_HASH})
        if created.status_code != 201:
            raise ProbeFailed(f"POST /api/sessions answered {created.status_code}: {created.text}")
        session_id, token = created.json()["id"], created.json()["control_token"]
        started = time.monotonic()
        stepped = http.post(
            f"{url}/api/sessions/{session_id}/step",
            json={"epochs": EPOCHS},
            headers={"Authorization": f"Bearer {token}"},
        )
        took = time.monotonic() - started
        if stepped.status_code != 200 or stepped.json()["epoch"] != EPOCHS:
            raise ProbeFailed(f"step answered {stepped.status_code}: {stepped.text[:300]}")
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "id").write_text(session_id)
    (directory / "token").write_text(token)
    return f"session {session_id} created and trained {EPOCHS} epochs (the step took {took:.2f} s)"


def export(url: str, directory: Path, target: Path) -> str:
    session_id = (directory / "id").read_text()
    response = httpx.get(f"{url}/api/sessions/{session_id}/export", timeout=60)
    if response.status_code != 200:
        raise ProbeFailed(f"export of {session_id} answered {response.status_code}: {response.text[:300]}")
    if response.json()["epoch"] != EPOCHS:
        raise ProbeFailed(f"export of {session_id} is at epoch {response.json()['epoch']}, not {EPOCHS}")
    target.write_bytes(response.content)
    return f"session file of {session_id}: {len(response.content)} bytes"


def replicas(url: str, count: int) -> str:
    """Requests about no session spread over the processes; each names who served it (X-Served-By)."""
    served: set[str] = set()
    with httpx.Client(timeout=30) as http:
        for _ in range(40):
            response = http.post(f"{url}/api/sessions", json={})
            if response.status_code != 201:
                raise ProbeFailed(f"POST /api/sessions through the proxy answered {response.status_code}")
            served.add(response.headers.get("x-served-by", ""))
            if len(served - {""}) >= count:
                break
    if len(served - {""}) != count:
        raise ProbeFailed(f"40 requests through the proxy reached {sorted(served)}, not {count} processes")
    return f"requests through the proxy reached {count} processes: {', '.join(sorted(served))}"


def watchers(url_a: str, url_b: str) -> str:
    with httpx.Client(timeout=30) as http:
        created = http.post(f"{url_a}/api/sessions", json={"hash": SESSION_HASH})
        if created.status_code != 201:
            raise ProbeFailed(f"POST /api/sessions on {url_a} answered {created.status_code}")
        session_id, token = created.json()["id"], created.json()["control_token"]
    ws_a = url_a.replace("http://", "ws://", 1) + f"/ws/sessions/{session_id}"
    ws_b = url_b.replace("http://", "ws://", 1) + f"/ws/sessions/{session_id}"
    controller, watcher = PageClient(ws_a, token, play=True), PageClient(ws_b)
    controller.start()
    watcher.start()
    try:
        got = wait_for(lambda: len(controller.frames) >= FRAMES and len(watcher.frames) >= FRAMES, 60)
    finally:
        controller.stop()
        watcher.stop()
    if not got:
        raise ProbeFailed(
            f"in 60 s the controller on {url_a} got {len(controller.frames)} frames and the watcher "
            f"on {url_b} {len(watcher.frames)}, not {FRAMES} each"
        )
    epochs = sorted({epoch for _, epoch in watcher.frames})
    if epochs[-1] <= epochs[0]:
        raise ProbeFailed(f"the watcher's frames did not move on: epochs {epochs}")
    return (
        f"session {session_id} playing on {url_a}: the controller got {len(controller.frames)} frames, "
        f"the watcher on {url_b} {len(watcher.frames)} (epochs {epochs[0]:.0f} to {epochs[-1]:.0f})"
    )


def main(argv: list[str]) -> int:
    command, args = argv[0], argv[1:]
    try:
        if command == "wait":
            said = wait(args[0], float(args[1]) if len(args) > 1 else 120.0)
        elif command == "session":
            said = session(args[0], Path(args[1]))
        elif command == "export":
            said = export(args[0], Path(args[1]), Path(args[2]))
        elif command == "replicas":
            said = replicas(args[0], int(args[1]))
        elif command == "watchers":
            said = watchers(args[0], args[1])
        else:
            raise ProbeFailed(f"unknown command {command!r}; see {__doc__}")
    except ProbeFailed as failure:
        print(f"probe {command}: FAILED: {failure}", file=sys.stderr)
        return 1
    print(f"probe {command}: {said}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
