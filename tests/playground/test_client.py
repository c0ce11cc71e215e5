"""The notebook client against a real server: every call, its errors, progress and data frames."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from playground import Conflict, ConnectionFailed, InvalidRequest, NotFound, Playground, RateLimited, Unauthorized
from tests.live_server import LiveServer, free_port


@pytest.fixture
def pg(live_server: LiveServer) -> Iterator[Playground]:
    with Playground(live_server.url) as server:
        yield server


def test_client_create_step_state_and_train(pg: Playground, capsys: pytest.CaptureFixture[str]) -> None:
    s = pg.create(dataset="xor", networkShape=[4, 2], seed="0.5", batchSize=10)
    assert s.state()["config"]["dataset"] == "xor" and s.state()["epoch"] == 0
    assert s.step(3)["epoch"] == 3
    final = s.train(120, per_call=50)
    assert final["epoch"] == 123
    assert "120/120" in capsys.readouterr().err  # the tqdm bar reached the end
    assert s.train(5, progress=False)["epoch"] == 128
    history = s.to_dataframe()
    assert list(history.columns) == ["epoch", "loss_train", "loss_test"] and history["epoch"].iloc[-1] == 128
    data = s.to_dataframe("data")
    assert list(data.columns) == ["x", "y", "label", "set"] and len(data) == 500
    assert set(data["set"]) == {"train", "test"} and (data["set"] == "train").sum() == 250


def test_client_reads_pictures_code_and_data(pg: Playground) -> None:
    s = pg.create(hash="seed=0.42&networkShape=3")
    grid = s.boundary(size=5)
    assert grid["x"] == [-6, -3, 0, 3, 6] and len(grid["values"]) == 5
    assert s.picture("svg").startswith(b"<svg") and s.picture("png", axes=True)[:4] == b"\x89PNG"
    assert "def predict(x, y):" in s.model_code()
    text = s.data_csv()
    other = pg.create(hash="seed=0.9")
    assert other.put_data(text)["train"] == s.state(["data"])["train"]
    assert len(other.put_data(points=[[1, 1, 1], [2, 2, -1], [3, 3, 1], [4, 4, -1]])["train"]) == 2
    assert other.put_data(train=[[1, 1, 1]], test=[])["test"] == []


def test_client_lecture_calls(pg: Playground) -> None:
    s = pg.create(scenario="worked-example")
    e = s.explain(layer=1, source=0, target=0)
    assert e["gradient"] == pytest.approx(-0.0265023, abs=5e-8)  # the lecture's slide (spec/lecture.md §7)
    assert e["new_weight"] == pytest.approx(2.0026502, abs=5e-8)
    assert s.select(1, target=0, source=0)["selection"] == {"layer": 1, "source": 0, "target": 0, "point": 0}
    assert s.select(None)["selection"] is None
    assert len(s.loss_slice(layer=1, source=0, target=0, samples=11)["values"]) == 11
    assert s.speed(7)["epochs_per_frame"] == 7 and s.pause()["playing"] is False
    with pytest.raises(Conflict, match="nobody is watching"):
        s.play()
    fork = s.fork()
    assert fork.id != s.id and fork.token and fork.state()["weights"] == s.state()["weights"]
    assert s.share()["url"].startswith(pg.url) and s.control_url == f"{pg.url}/?session={s.id}#token={s.token}"
    fork.delete()
    with pytest.raises(NotFound):
        fork.state()


def test_client_export_and_import_continue_exactly(pg: Playground) -> None:
    s = pg.create(seed="0.5", batchSize=8, percTrainData=70)
    s.step(3)
    document = s.export()
    assert (document["format"], document["version"]) == ("playground-session", 1)
    twin = pg.import_session(document)
    assert twin.id != s.id and twin.step(5)["weights"] == s.step(5)["weights"]
    with pytest.raises(InvalidRequest, match="not a session file"):
        pg.import_session({"format": "something else"})


def test_client_errors_say_what_is_wrong(pg: Playground) -> None:
    with pytest.raises(InvalidRequest) as error:
        pg.create(batchSize=0)
    assert error.value.status == 422 and "batchSize" in str(error.value.detail)
    s = pg.create(seed="0.1")
    watcher = pg.open(s.id)
    with pytest.raises(Unauthorized):
        watcher.step()
    with pytest.raises(InvalidRequest, match="line 2"):
        s.put_data("x,y,label\n1,2,7\n")
    with pytest.raises(NotFound):
        pg.open("no-such-session")


def test_client_maps_limits_and_unreachable_servers_to_its_errors() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        detail = {"detail": "this client already holds 30 sessions"}
        return httpx.Response(429, json=detail, headers={"Retry-After": "7"})

    limited = httpx.Client(transport=httpx.MockTransport(answer), base_url="http://playground.test")
    with Playground("http://playground.test", http=limited) as pg, pytest.raises(RateLimited, match="30") as error:
        pg.create()
    assert error.value.retry_after == 7.0 and error.value.status == 429
    with Playground(f"http://127.0.0.1:{free_port()}", timeout=2) as nobody, pytest.raises(ConnectionFailed):
        nobody.health()


def test_client_core_works_without_httpx() -> None:
    code = (
        "import sys\n"
        "sys.modules['httpx'] = None\n"
        "import playground\n"
        "s = playground.Session(playground.PlaygroundConfig(seed='1'))\n"
        "s.step(2)\n"
        "try:\n"
        "    playground.Playground\n"
        "except ImportError as exc:\n"
        "    print(s.epoch, exc)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert result.stdout.startswith("2 playground.Playground needs httpx: pip install 'playground[client]'")
