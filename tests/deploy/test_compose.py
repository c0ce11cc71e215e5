"""deploy/docker-compose.yml, checked without Docker: its wiring, and the nginx
configuration it generates accepted by a real `nginx -t`."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import yaml

from tests.services import require_binary

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "deploy" / "docker-compose.yml"


def _compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return data


def test_compose_runs_replicas_on_one_redis_with_aof() -> None:
    services = _compose()["services"]
    apps = [name for name in services if name.startswith("app")]
    assert len(apps) >= 2
    proxy_ip = services["nginx"]["networks"]["playground"]["ipv4_address"]
    for name in apps:
        env = services[name]["environment"]
        assert env["PLAYGROUND_REDIS_URL"] == "redis://redis:6379/0"
        assert env["PLAYGROUND_FORWARDED_ALLOW_IPS"] == proxy_ip  # only the proxy is trusted
        assert f"server {name}:8000" in services["nginx"]["environment"]["UPSTREAMS"]
    command = services["redis"]["command"]
    assert command[command.index("--appendonly") + 1] == "yes"


def test_compose_nginx_configuration_passes_nginx_check(tmp_path: Path) -> None:
    nginx = require_binary("nginx")
    nginx_service = _compose()["services"]["nginx"]
    script = nginx_service["command"][0]
    # Run the container's start script here: our paths for its own, `nginx -t`
    # for its final exec, and loopback for the replicas' names (nginx resolves them).
    script = (
        script.replace("$${", "${")  # compose's escape of a literal $
        .replace("/run/playground", str(tmp_path))
        .replace("/deploy/nginx.conf", str(ROOT / "deploy" / "nginx.conf"))
        .replace("exec nginx", f"{nginx} -t -q")
        .replace('-g "daemon off;"', "")
    )
    upstreams = nginx_service["environment"]["UPSTREAMS"]
    for name in ("app1", "app2", "app3"):
        upstreams = upstreams.replace(f"{name}:8000", "127.0.0.1:8000")
    checked = subprocess.run(
        ["sh", "-c", script], env={**os.environ, "UPSTREAMS": upstreams}, capture_output=True, text=True, timeout=30
    )
    assert checked.returncode == 0, checked.stderr
    generated = (tmp_path / "nginx.conf").read_text()
    assert "@" not in generated.split("events", 1)[1]  # every marker filled in
    assert "hash $session_id consistent;" in generated
