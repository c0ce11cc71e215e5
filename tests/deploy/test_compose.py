"""deploy/docker-compose.yml, checked without a container: its wiring, its
addresses, and the nginx configuration it generates accepted by a real
`nginx -t`.  scripts/compose-test.sh brings it up for real with podman."""

from __future__ import annotations

import ipaddress
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
        assert name in services["nginx"]["depends_on"]  # nginx resolves every upstream's name when it starts
        assert services[name]["tmpfs"] == ["/srv/playground/data"]  # the image's VOLUME, unused with Redis
    assert services["nginx"]["environment"]["UPSTREAMS"].count("server ") == len(apps)
    command = services["redis"]["command"]
    assert command[command.index("--appendonly") + 1] == "yes"


def test_compose_never_gives_nginx_fixed_address_to_another_container() -> None:
    # Redis, started first, took 172.28.0.2 when the whole subnet was free to
    # hand out, and nginx then failed: "requested ip address ... is already allocated".
    compose = _compose()
    (pool,) = compose["networks"]["playground"]["ipam"]["config"]
    subnet, handed_out = ipaddress.ip_network(pool["subnet"]), ipaddress.ip_network(pool["ip_range"])
    assert handed_out.subnet_of(subnet)  # type: ignore[arg-type]
    fixed = {
        name: service["networks"]["playground"]["ipv4_address"]
        for name, service in compose["services"].items()
        if isinstance(service.get("networks"), dict)
    }
    assert set(fixed) == {"nginx"}
    for address in fixed.values():
        assert ipaddress.ip_address(address) in subnet and ipaddress.ip_address(address) not in handed_out
        assert ipaddress.ip_address(address) != next(subnet.hosts())  # the gateway's


def test_compose_publishes_nginx_where_playground_publish_says() -> None:
    assert _compose()["services"]["nginx"]["ports"] == ["${PLAYGROUND_PUBLISH:-8080}:80"]


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
    for name in _compose()["services"]:
        upstreams = upstreams.replace(f"{name}:8000", "127.0.0.1:8000")
    checked = subprocess.run(
        ["sh", "-c", script], env={**os.environ, "UPSTREAMS": upstreams}, capture_output=True, text=True, timeout=30
    )
    assert checked.returncode == 0, checked.stderr
    generated = (tmp_path / "nginx.conf").read_text()
    assert "@" not in generated.split("events", 1)[1]  # every marker filled in
    assert "hash $session_id consistent;" in generated
