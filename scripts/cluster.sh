#!/usr/bin/env bash
# A local cluster on loopback: redis-server (AOF on), N playground processes
# sharing it, and nginx in front (deploy/nginx.conf), all from Debian's
# packages and running as the current user.  Everything it writes (pid
# files, logs, Redis's AOF, nginx's temp files, cluster.env) goes under the
# run directory; nothing goes to /etc or /var.
#
#   scripts/cluster.sh up N          start (N >= 1); prints the address to open
#   scripts/cluster.sh down          stop everything it started
#   scripts/cluster.sh status        what is running
#   scripts/cluster.sh restart-redis stop Redis (SIGTERM: it writes its AOF) and start it again
#
# PLAYGROUND_CLUSTER_DIR sets the run directory (default run/cluster).
# Ports, all on 127.0.0.1; each one left unset is a free port picked at random
# (20000-60000), and one that is set must be free:
#   PLAYGROUND_CLUSTER_PORT        nginx, the address to open
#   PLAYGROUND_CLUSTER_REDIS_PORT  Redis
#   PLAYGROUND_CLUSTER_APP_PORT    the first process; process k listens on this + k - 1
# Settings for the processes pass through (PLAYGROUND_* variables), except
# PLAYGROUND_REDIS_URL and PLAYGROUND_FORWARDED_ALLOW_IPS, which it sets.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUN_DIR=${PLAYGROUND_CLUSTER_DIR:-$ROOT/run/cluster}
PY=${PLAYGROUND_PYTHON:-$ROOT/.venv/bin/python}
REDIS_SERVER=$(command -v redis-server || echo /usr/bin/redis-server)
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
STOP_SECONDS=15  # a process gets this long to exit after SIGTERM, then SIGKILL

die() { echo "cluster: $*" >&2; exit 1; }

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# The ports for Redis, nginx and N processes (in that order): those the
# variables above set, checked, and free ones for the rest.
pick_ports() {
  "$PY" - "$1" <<'EOF'
import os, random, socket, sys

def free(port):
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True

def given(name):
    text = os.environ.get(name, "")
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        sys.exit(f"cluster: {name} must be a port number from 1 to 65535, got {text!r}")
    return int(text)

n = int(sys.argv[1])
names = ["PLAYGROUND_CLUSTER_REDIS_PORT", "PLAYGROUND_CLUSTER_PORT"] + ["PLAYGROUND_CLUSTER_APP_PORT"] * n
ports = [given(names[0]), given(names[1])]
first_app = given("PLAYGROUND_CLUSTER_APP_PORT")
if first_app is not None and first_app + n - 1 > 65535:
    sys.exit(f"cluster: PLAYGROUND_CLUSTER_APP_PORT={first_app} leaves no room for {n} processes")
ports += [None] * n if first_app is None else list(range(first_app, first_app + n))
chosen = [port for port in ports if port is not None]
if len(set(chosen)) != len(chosen):
    sys.exit(f"cluster: the ports set overlap: {sorted(chosen)}")
for name, port in zip(names, ports):
    if port is not None and not free(port):
        sys.exit(f"cluster: port {port} ({name}) is in use on 127.0.0.1")
rng = random.SystemRandom()
for i in range(len(ports)):
    for _ in range(200):
        candidate = rng.randrange(20000, 60000)
        if ports[i] is not None:
            break
        if candidate not in ports and free(candidate):
            ports[i] = candidate
    if ports[i] is None:
        sys.exit("cluster: no free port found")
print(*ports)
EOF
}

wait_for() {  # wait_for DESCRIPTION SECONDS COMMAND...
  local what=$1 seconds=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || die "$what did not come up within ${seconds} s (logs in $RUN_DIR)"
    sleep 0.1
  done
}

healthy() { "$PY" -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)" "$1"; }

stop_pid_files() {  # SIGTERM to all at once, wait, SIGKILL whatever will not go
  local file pid pids=() deadline
  for file in "$@"; do
    if alive "$file"; then pids+=("$(cat "$file")"); fi
  done
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  deadline=$((SECONDS + STOP_SECONDS))
  for pid in "${pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.05; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "cluster: pid $pid ignored SIGTERM for ${STOP_SECONDS} s; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
      while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
    fi
  done
  rm -f "$@"
}

up() {
  local n=$1
  [[ $n =~ ^[1-9][0-9]*$ ]] || die "N must be a positive number, got '$n'"
  [ -x "$PY" ] || die "$PY is missing: run 'make install' first"
  [ -x "$REDIS_SERVER" ] || die "redis-server is missing: install Debian's redis-server (make services)"
  [ -x "$NGINX" ] || die "nginx is missing: install Debian's nginx (make services)"
  for file in "$RUN_DIR"/*.pid; do
    if alive "$file"; then die "already running ($file); run '$0 down' first"; fi
  done
  local ports redis_port nginx_port picked
  picked=$(pick_ports "$n") || exit 1  # it said why
  read -r -a ports <<<"$picked"
  mkdir -p "$RUN_DIR/redis" "$RUN_DIR/nginx-tmp"
  rm -f "$RUN_DIR"/*.pid
  # If any step fails, stop whatever did start: never leave half a cluster behind.
  trap 'status=$?; if [ $status != 0 ]; then echo "cluster: start failed; stopping what started" >&2; down; fi' EXIT

  redis_port=${ports[0]}
  nginx_port=${ports[1]}
  local app_ports=("${ports[@]:2}")
  local redis_url="redis://127.0.0.1:$redis_port/0"

  start_redis "$redis_port"

  local i=0 port
  for port in "${app_ports[@]}"; do
    i=$((i + 1))
    PLAYGROUND_REDIS_URL=$redis_url PLAYGROUND_FORWARDED_ALLOW_IPS=127.0.0.1 \
      nohup "$PY" -m app --host 127.0.0.1 --port "$port" >"$RUN_DIR/app-$i.log" 2>&1 &
    echo $! >"$RUN_DIR/app-$i.pid"
  done
  for port in "${app_ports[@]}"; do
    wait_for "playground on port $port" 120 healthy "http://127.0.0.1:$port/healthz"
  done

  local upstreams="" user_directive=""
  for port in "${app_ports[@]}"; do
    upstreams+="server 127.0.0.1:$port max_fails=1 fail_timeout=5s; "
  done
  # A master started as root would switch its workers to 'nobody'; keep the current user.
  if [ "$(id -u)" = 0 ]; then user_directive="user root;"; fi
  sed -e "s|@RUN_DIR@|$RUN_DIR|g" -e "s|@LISTEN@|127.0.0.1:$nginx_port|g" \
    -e "s|@UPSTREAMS@|$upstreams|g" -e "s|^worker_processes|$user_directive\nworker_processes|" \
    "$ROOT/deploy/nginx.conf" >"$RUN_DIR/nginx.conf"
  "$NGINX" -q -t -p "$RUN_DIR" -e "$RUN_DIR/nginx-error.log" -c "$RUN_DIR/nginx.conf"
  "$NGINX" -p "$RUN_DIR" -e "$RUN_DIR/nginx-error.log" -c "$RUN_DIR/nginx.conf"
  wait_for "nginx" 10 healthy "http://127.0.0.1:$nginx_port/healthz"

  {
    echo "REDIS_URL=$redis_url"
    echo "NGINX_PORT=$nginx_port"
    echo "APP_PORTS=\"${app_ports[*]}\""
  } >"$RUN_DIR/cluster.env"
  echo "Playground cluster: http://127.0.0.1:$nginx_port ($n processes on ports ${app_ports[*]}, Redis $redis_url)"
}

start_redis() {  # start_redis PORT
  "$REDIS_SERVER" --port "$1" --bind 127.0.0.1 --dir "$RUN_DIR/redis" \
    --appendonly yes --appendfsync everysec --save "" \
    --daemonize yes --pidfile "$RUN_DIR/redis.pid" --logfile "$RUN_DIR/redis.log"
  wait_for "redis-server" 10 redis-cli -p "$1" ping
}

restart_redis() {
  [ -f "$RUN_DIR/cluster.env" ] || die "not running (no $RUN_DIR/cluster.env)"
  local url port
  url=$(sed -n 's/^REDIS_URL=//p' "$RUN_DIR/cluster.env")
  port=${url##*:}
  port=${port%%/*}
  stop_pid_files "$RUN_DIR/redis.pid"
  start_redis "$port"
  echo "Redis restarted on port $port"
}

down() {
  [ -d "$RUN_DIR" ] || return 0
  stop_pid_files "$RUN_DIR/nginx.pid"  # first: no new requests reach the processes
  stop_pid_files "$RUN_DIR"/app-*.pid
  stop_pid_files "$RUN_DIR/redis.pid"  # last: the processes write their final snapshots to it
  rm -f "$RUN_DIR/cluster.env"
  echo "Playground cluster stopped (logs in $RUN_DIR)"
}

status() {
  local file any=0
  for file in "$RUN_DIR"/*.pid; do
    [ -e "$file" ] || continue
    any=1
    if alive "$file"; then echo "$(basename "$file" .pid): running, pid $(cat "$file")"; else echo "$(basename "$file" .pid): gone"; fi
  done
  [ $any = 1 ] || echo "not running"
  [ -f "$RUN_DIR/cluster.env" ] && cat "$RUN_DIR/cluster.env"
  return 0
}

case "${1:-}" in
  up) up "${2:?usage: $0 up N}" ;;
  down) down ;;
  status) status ;;
  restart-redis) restart_redis ;;
  *) die "usage: $0 up N | down | status | restart-redis" ;;
esac
