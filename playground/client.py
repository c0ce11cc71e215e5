"""A client for a running Playground server, needing only httpx.

    from playground import Playground
    pg = Playground("http://127.0.0.1:8000")
    s = pg.create(dataset="xor", networkShape=[4, 2], seed="0.5")
    s.train(500)                      # a tqdm bar when tqdm is installed
    s.state()["loss_test"]
    s.to_dataframe()                  # the loss history, when pandas is installed

Every method is one REST call of docs/api.md; answers are the server's JSON
(non-finite numbers arrive as the strings "NaN", "Infinity", "-Infinity").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import httpx

__all__ = [
    "Playground",
    "RemoteSession",
    "PlaygroundError",
    "InvalidRequest",
    "Unauthorized",
    "NotFound",
    "Conflict",
    "ServerBusy",
    "RateLimited",
    "ConnectionFailed",
]

# Epochs x training points per call while ``train`` runs: calls of a fraction of a second, so
# the bar moves and the server's per-call limit (20 million by default) is never reached.
POINT_PASSES_PER_CALL = 250_000


class PlaygroundError(Exception):
    """Anything the server refused, or could not be reached.  Catch this to handle every failure."""

    def __init__(self, message: str, status: int | None = None, detail: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.detail = detail  # the server's `detail`: a message, or a list of {loc, msg, type}


class InvalidRequest(PlaygroundError):
    """422 (or 413, 415): a value was not allowed; ``detail`` names the field and what is allowed."""


class Unauthorized(PlaygroundError):
    """401 or 403: a change needs this session's control token, and none or another was sent."""


class NotFound(PlaygroundError):
    """404: no such session (never created, deleted, or expired after 30 idle minutes)."""


class Conflict(PlaygroundError):
    """409: the session cannot do that now (e.g. play with nobody watching: train with ``step``)."""


class ServerBusy(PlaygroundError):
    """503: the server holds its maximum of sessions, all in use; try again later."""


class RateLimited(PlaygroundError):
    """429: a per-client limit (sessions held, new sessions or reads per minute, ...); wait
    ``retry_after`` seconds, or delete sessions you no longer need."""

    retry_after: float | None = None


class ConnectionFailed(PlaygroundError):
    """The server did not answer (wrong address, not running, network down)."""


_ERRORS: dict[int, type[PlaygroundError]] = {
    401: Unauthorized,
    403: Unauthorized,
    404: NotFound,
    409: Conflict,
    413: InvalidRequest,
    415: InvalidRequest,
    422: InvalidRequest,
    429: RateLimited,
    503: ServerBusy,
}


def _message(detail: Any) -> str:
    if isinstance(detail, list):
        return "; ".join(str(item.get("msg", item)) if isinstance(item, dict) else str(item) for item in detail)
    return str(detail)


class Playground:
    """One server.  ``create`` a session, ``open`` one by id, or import a saved one."""

    def __init__(
        self, url: str = "http://127.0.0.1:8000", *, timeout: float = 60.0, http: httpx.Client | None = None
    ) -> None:
        self.url = url.rstrip("/")
        self.http = http or httpx.Client(base_url=self.url, timeout=timeout)

    def __enter__(self) -> Playground:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.http.close()

    def request(self, method: str, path: str, *, token: str | None = None, **kwargs: Any) -> httpx.Response:
        """One call; a refusal raises the matching PlaygroundError."""
        headers = dict(kwargs.pop("headers", None) or {})
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        try:
            response = self.http.request(method, path, headers=headers, **kwargs)
        except httpx.TransportError as exc:
            raise ConnectionFailed(f"{method} {self.url}{path}: {exc}") from exc
        if response.status_code >= 400:
            try:
                detail = response.json().get("detail")
            except ValueError:
                detail = response.text
            kind = _ERRORS.get(response.status_code, PlaygroundError)
            error = kind(f"{response.status_code}: {_message(detail)}", response.status_code, detail)
            if isinstance(error, RateLimited) and response.headers.get("retry-after", "").isdigit():
                error.retry_after = float(response.headers["retry-after"])
            raise error
        return response

    def health(self) -> dict[str, Any]:
        result: dict[str, Any] = self.request("GET", "/healthz").json()
        return result

    def create(self, hash: str | None = None, scenario: str | None = None, **fields: Any) -> RemoteSession:
        """A new session from config fields (names as in the TF Playground hash), a hash, or both
        (fields win); ``scenario="worked-example"`` sets up the lecture's slide."""
        body: dict[str, Any] = {}
        if fields:
            body["config"] = fields
        if hash is not None:
            body["hash"] = hash
        if scenario is not None:
            body["scenario"] = scenario
        return self._session(self.request("POST", "/api/sessions", json=body).json())

    def import_session(self, document: dict[str, Any]) -> RemoteSession:
        """A new session from a document that ``RemoteSession.export`` (or the page's Save) wrote."""
        return self._session(self.request("POST", "/api/sessions", json={"import": document}).json())

    def open(self, session_id: str, token: str | None = None) -> RemoteSession:
        """A session that exists already: to watch it, or to change it with its control token."""
        session = RemoteSession(self, session_id, token)
        session.state()  # NotFound now rather than at the first change
        return session

    def _session(self, created: dict[str, Any]) -> RemoteSession:
        return RemoteSession(self, created["id"], created["control_token"])


class RemoteSession:
    """One session on the server.  Reading needs only the id; changing needs ``token``."""

    def __init__(self, server: Playground, session_id: str, token: str | None = None) -> None:
        self.server = server
        self.id = session_id
        self.token = token
        self.path = f"/api/sessions/{session_id}"

    def __repr__(self) -> str:
        return f"RemoteSession({self.id!r}, control={'yes' if self.token else 'no'})"

    def _get(self, path: str = "", **params: Any) -> httpx.Response:
        return self.server.request("GET", self.path + path, params={k: v for k, v in params.items() if v is not None})

    def _post(self, path: str, body: Any = None, method: str = "POST") -> dict[str, Any]:
        result: dict[str, Any] = self.server.request(method, self.path + path, json=body, token=self.token).json()
        return result

    # -- links ---------------------------------------------------------------------

    @property
    def watch_url(self) -> str:
        """The page, watching this session (view only)."""
        return f"{self.server.url}/?session={self.id}"

    @property
    def control_url(self) -> str:
        """The page, taking control of this session: the token travels in the fragment, never to the server."""
        return f"{self.watch_url}#token={self.token}" if self.token else self.watch_url

    # -- reading ---------------------------------------------------------------------

    def state(self, include: Iterable[str] = ()) -> dict[str, Any]:
        """Config, shape, epoch, losses, weights; ``include`` adds "data", "history", "pending"."""
        result: dict[str, Any] = self._get(include=",".join(include) or None).json()
        return result

    def explain(self, layer: int, target: int, source: int | None = None, point: int = 0) -> dict[str, Any]:
        """The lecture's terms of ∂E/∂w for one weight (or, without ``source``, a bias) at one point."""
        result: dict[str, Any] = self._get("/explain", layer=layer, target=target, source=source, point=point).json()
        return result

    def loss_slice(self, layer: int, target: int, source: int | None = None, samples: int = 61) -> dict[str, Any]:
        """The training loss along one weight, with the tangent and where the next update lands."""
        result: dict[str, Any] = self._get("/slice", layer=layer, target=target, source=source, samples=samples).json()
        return result

    def boundary(self, size: int = 100) -> dict[str, Any]:
        """The heatmap's numbers: ``values[row][column]`` at ``(x[column], y[row])``, on the label scale."""
        result: dict[str, Any] = self._get("/boundary", format="json", size=size).json()
        return result

    def picture(self, format: str = "svg", **params: Any) -> bytes:
        """The boundary as an SVG or PNG figure (``axes=True`` for a PNG with axes; ``lang="ko"`` for SVG)."""
        params = {k: str(v).lower() if isinstance(v, bool) else v for k, v in params.items()}
        return self._get("/boundary", format=format, **params).content

    def data_csv(self) -> str:
        """The points as CSV: x,y,label,set."""
        return self._get("/data.csv").text

    def model_code(self) -> str:
        """The network as a standalone Python file needing only NumPy (``predict(x, y)``)."""
        return self._get("/model.py").text

    def export(self) -> dict[str, Any]:
        """The whole session as one versioned document; ``Playground.import_session`` continues it exactly."""
        result: dict[str, Any] = self._get("/export").json()
        return result

    # -- training ----------------------------------------------------------------------

    def step(self, epochs: int = 1) -> dict[str, Any]:
        """Train exactly ``epochs`` epochs (1..10,000) and return the state after them."""
        return self._post("/step", {"epochs": epochs})

    def train(self, epochs: int, *, progress: bool = True, per_call: int | None = None) -> dict[str, Any]:
        """Train ``epochs`` epochs in calls of ``per_call`` epochs (chosen from the data's size if not
        given), with a tqdm progress bar when tqdm is installed and ``progress`` is true."""
        if epochs < 1:
            raise ValueError(f"epochs: expected a positive integer, got {epochs!r}")
        if per_call is None:
            n_train = max(1, len(self.state(["data"])["train"]))
            per_call = max(1, min(10_000, POINT_PASSES_PER_CALL // n_train))
        bar = _progress(epochs, progress)
        state: dict[str, Any] = {}
        done = 0
        try:
            while done < epochs:
                chunk = min(per_call, epochs - done)
                state = self.step(chunk)
                done += chunk
                if bar is not None:
                    bar.update(chunk)
                    bar.set_postfix(loss_train=state["loss_train"], loss_test=state["loss_test"], refresh=False)
        finally:
            if bar is not None:
                bar.close()
        return state

    def reset(self) -> dict[str, Any]:
        return self._post("/reset")

    def regenerate(self) -> dict[str, Any]:
        return self._post("/regenerate")

    def configure(self, **fields: Any) -> dict[str, Any]:
        """Change fields with the original's semantics (docs/api.md: live, reset, data, seed)."""
        return self._post("/config", fields, method="PATCH")

    def load_hash(self, hash: str) -> dict[str, Any]:
        """Load a TF Playground link's settings: keys it leaves out take their defaults; no seed keeps the seed."""
        return self._post("/hash", {"hash": hash})

    def set_weight(self, layer: int, source: int, target: int, value: float) -> dict[str, Any]:
        return self._post("/weights", {"layer": layer, "source": source, "target": target, "value": value}, "PUT")

    def set_bias(self, layer: int, node: int, value: float) -> dict[str, Any]:
        return self._post("/biases", {"layer": layer, "node": node, "value": value}, "PUT")

    def put_data(
        self,
        csv: str | None = None,
        *,
        points: Sequence[Sequence[float]] | None = None,
        train: Sequence[Sequence[float]] | None = None,
        test: Sequence[Sequence[float]] | None = None,
    ) -> dict[str, Any]:
        """Your own points: CSV text, ``points`` (split by percTrainData), or ``train`` and ``test``."""
        if csv is not None:
            response = self.server.request(
                "PUT", self.path + "/data", content=csv.encode(), token=self.token, headers={"content-type": "text/csv"}
            )
            result: dict[str, Any] = response.json()
            return result
        body = {"points": points} if points is not None else {"train": train or [], "test": test or []}
        return self._post("/data", body, "PUT")

    # -- the lecture ----------------------------------------------------------------------

    def play(self, epochs_per_frame: int | None = None) -> dict[str, Any]:
        """Train in the background while pages watch (Conflict if none does)."""
        return self._post("/play", {} if epochs_per_frame is None else {"epochs_per_frame": epochs_per_frame})

    def pause(self) -> dict[str, Any]:
        return self._post("/pause")

    def speed(self, epochs_per_frame: int) -> dict[str, Any]:
        return self._post("/speed", {"epochs_per_frame": epochs_per_frame})

    def select(self, layer: int | None, target: int = 0, source: int | None = None, point: int = 0) -> dict[str, Any]:
        """Point every watcher's explainer at a weight (or a bias without ``source``); ``layer=None`` clears."""
        return self._post("/select", {"layer": layer, "source": source, "target": target, "point": point})

    def share(self) -> dict[str, Any]:
        """A short class link and its QR code (SVG)."""
        return self._post("/share")

    def fork(self) -> RemoteSession:
        """A session of your own starting from this one (no token needed)."""
        return self.server._session(self.server.request("POST", self.path + "/fork").json())

    def delete(self) -> None:
        self.server.request("DELETE", self.path, token=self.token)

    # -- data frames ----------------------------------------------------------------------

    def to_dataframe(self, kind: str = "history") -> Any:
        """A pandas DataFrame: the loss ``history`` (epoch, loss_train, loss_test) or the ``data``
        (x, y, label, set).  Needs pandas."""
        try:
            import pandas as pd
        except ModuleNotFoundError as exc:
            raise ImportError("to_dataframe needs pandas: pip install pandas") from exc
        if kind == "history":
            rows = self.state(["history"])["history"]
            return pd.DataFrame(
                [[float(v) for v in row] for row in rows], columns=["epoch", "loss_train", "loss_test"]
            ).astype({"epoch": "int64"})
        if kind == "data":
            state = self.state(["data"])
            rows = [[*p, "train"] for p in state["train"]] + [[*p, "test"] for p in state["test"]]
            return pd.DataFrame(rows, columns=["x", "y", "label", "set"])
        raise ValueError(f"kind: expected 'history' or 'data', got {kind!r}")


def _progress(total: int, wanted: bool) -> Any:
    if not wanted:
        return None
    try:
        from tqdm.auto import tqdm
    except ModuleNotFoundError:
        return None
    return tqdm(total=total, unit="epoch")
