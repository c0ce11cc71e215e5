#!/usr/bin/env bash
# deploy/docker-compose.yml brought up for real with podman-compose: Redis,
# two playground processes and nginx.
#
#   addresses  nginx has its fixed address, every other container one from
#              the network's ip_range;
#   replicas   requests through nginx reach both processes;
#   watchers   a session playing on one process: a watcher connected to the
#              other gets its frames (through Redis);
#   down, up   a session trained through nginx comes back after `down` and
#              `up`, its session file byte for byte the same (Redis's AOF on
#              its named volume).
#
#   bash scripts/compose-test.sh        (make test runs it)
#
# The compose file names the official redis and nginx images, which cannot
# be pulled here; an override file of the test's own (in its folder) points
# those services at one local stand-in built from the same Debian base with
# Debian's redis-server and nginx (Redis without protected mode, as the
# official image runs it), and publishes each process on a loopback port so
# that the test can reach them one by one, and builds the processes' image
# from the test base (its BASE) with the command docs/deploy.md gives.
# podman-compose is pinned in the dev extra.
# Everything is named compose-test*, and removed at the end; see
# scripts/podman-lib.sh for the rest (skipping, cache, configuration).
set -euo pipefail
NAME=compose-test
PREFIX=compose-test
# shellcheck source=scripts/podman-lib.sh
source "$(dirname "$0")/podman-lib.sh"

PODMAN_COMPOSE=$ROOT/.venv/bin/podman-compose
COMPOSE_FILE=$ROOT/deploy/docker-compose.yml
NGINX_ADDRESS=172.28.0.2  # the compose file's fixed address for nginx
RANGE_PREFIX=172.28.0.    # ... and its ip_range, 172.28.0.128/25
RANGE_FIRST=128

podman_setup
[ -x "$PODMAN_COMPOSE" ] || fail "$PODMAN_COMPOSE is missing: run 'make install' (the dev extra pins it)"
import_base

mkdir "$WORK/standin"
cat >"$WORK/standin/Containerfile" <<'EOF'
ARG BASE
FROM ${BASE}
RUN apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server nginx >/dev/null \
    && rm -rf /var/lib/apt/lists/*
# As the official redis image: protected mode off (other containers connect).
RUN printf '#!/bin/sh\nif [ "$1" = redis-server ]; then set -- "$@" --protected-mode no; fi\nexec "$@"\n' \
        >/usr/local/bin/standin && chmod +x /usr/local/bin/standin
WORKDIR /data
ENTRYPOINT ["/usr/local/bin/standin"]
EOF
build_image "localhost/$PREFIX-standin:latest" "$WORK/standin"
step_done "the Redis and nginx stand-in built"

PROXY_PORT=$(free_port)
APP_PORTS=("$(free_port)" "$(free_port)")
# The processes' image is the compose file's own build, from the test base.
cat >"$WORK/override.yml" <<EOF
services:
  redis: {image: "localhost/$PREFIX-standin:latest"}
  nginx: {image: "localhost/$PREFIX-standin:latest"}
  app1:
    image: "localhost/$PREFIX-app:latest"
    build: {args: {BASE: "$BASE_IMAGE"}}
    ports: ["127.0.0.1:${APP_PORTS[0]}:8000"]
  app2:
    image: "localhost/$PREFIX-app:latest"
    build: {args: {BASE: "$BASE_IMAGE"}}
    ports: ["127.0.0.1:${APP_PORTS[1]}:8000"]
EOF
export PLAYGROUND_PUBLISH=127.0.0.1:$PROXY_PORT
PROXY=http://127.0.0.1:$PROXY_PORT
APP1=http://127.0.0.1:${APP_PORTS[0]}
APP2=http://127.0.0.1:${APP_PORTS[1]}

compose() {  # as docs/deploy.md gives it: --format docker keeps the image's HEALTHCHECK
  if ! "$PODMAN_COMPOSE" --podman-build-args='--format docker' -p "$PREFIX" -f "$COMPOSE_FILE" \
      -f "$WORK/override.yml" "$@" >>"$WORK/compose.log" 2>&1; then
    tail -20 "$WORK/compose.log" >&2
    fail "podman-compose $* failed (log above)"
  fi
}
compose_down() {  # the processes first: podman-compose stops every container at once, Redis too
  compose stop app1 app2
  compose down "$@"
}
CLEANUP_HOOK=compose_cleanup
compose_cleanup() { "$PODMAN_COMPOSE" -p "$PREFIX" -f "$COMPOSE_FILE" -f "$WORK/override.yml" down -v >/dev/null 2>&1; }

up() {
  compose up -d
  for url in "$APP1" "$APP2" "$PROXY"; do
    probe wait "$url" 120 >/dev/null || { tail -20 "$WORK/compose.log" >&2; fail "$url did not answer /healthz"; }
  done
}

compose build
healthcheck=$(podman image inspect --format '{{json .Config.Healthcheck}}' "localhost/$PREFIX-app:latest")
[[ $healthcheck == *"/healthz"* ]] || fail "podman-compose built the image without its HEALTHCHECK: $healthcheck"
step_done "podman-compose built the processes' image, HEALTHCHECK kept"

up
address() { podman inspect --format '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "${PREFIX}_$1_1"; }
[ "$(address nginx)" = "$NGINX_ADDRESS" ] || fail "nginx got $(address nginx), not its fixed $NGINX_ADDRESS"
for service in redis app1 app2; do
  ip=$(address "$service")
  [[ $ip == "$RANGE_PREFIX"* ]] && [ "${ip##*.}" -ge "$RANGE_FIRST" ] || fail "$service got $ip, outside the ip_range"
done
step_done "up: Redis, app1, app2 and nginx answer (nginx $NGINX_ADDRESS, the others in ${RANGE_PREFIX}$RANGE_FIRST/25)"

probe replicas "$PROXY" 2
probe watchers "$APP1" "$APP2"
step_done "requests through nginx reach both processes; a watcher on the other process gets the frames"

probe session "$PROXY" "$WORK/session"
probe export "$PROXY" "$WORK/session" "$WORK/before.json"
compose_down
podman volume exists "${PREFIX}_redis-data" || fail "down removed Redis's volume"
[ -z "$(podman ps -a --format '{{.Names}}' | grep "^${PREFIX}_")" ] || fail "down left containers behind"
step_done "down: every container stopped and removed, Redis's volume kept"

up
probe export "$PROXY" "$WORK/session" "$WORK/after.json"
cmp "$WORK/before.json" "$WORK/after.json" || fail "the session file changed across down and up"
step_done "up again: the session, through nginx, byte for byte the same"
