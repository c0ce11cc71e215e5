# Shared by scripts/container-test.sh and scripts/compose-test.sh (sourced,
# not run): podman set up for a test, without touching the machine's own
# container configuration, and a base image made from Debian's packages.
#
# The caller sets NAME (what it prints before each line) and PREFIX (every
# image, container, volume and network it makes starts with it), then calls
# podman_setup.  Everything podman stores (images, containers, volumes,
# networks, its configuration) lives in a folder of the run's own under
# /var/tmp, found through CONTAINERS_CONF and CONTAINERS_STORAGE_CONF, and
# is removed on exit (podman_cleanup).  Only the base tarball is kept
# between runs, in PLAYGROUND_CONTAINER_CACHE
# (default /var/cache/playground-container-test), with a lock file that lets
# one test at a time run on a machine.
#
# Where podman cannot run (not root and podman missing, podman refusing to
# start) the test says "skipped: <why>" and exits 0, unless
# PLAYGROUND_REQUIRE_SERVICES=1 (CI), where that is a failure.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PY=${PLAYGROUND_PYTHON:-$ROOT/.venv/bin/python}
CACHE=${PLAYGROUND_CONTAINER_CACHE:-/var/cache/playground-container-test}
# The test base: what the Dockerfile needs of its BASE (python3 with venv) and
# the CA bundle; the machine's extra CA certificates are added to it below.
BASE_PACKAGES=(python3 python3-venv ca-certificates)
EXTRA_CA_DIR=/usr/local/share/ca-certificates
MERGED_USR_HOOK=/usr/share/mmdebstrap/hooks/merged-usr
STARTED=$SECONDS

say() { echo "$NAME: $*"; }
step_done() { say "ok: $* ($((SECONDS - STEP_STARTED)) s)"; STEP_STARTED=$SECONDS; }
fail() { echo "$NAME: FAILED: $*" >&2; exit 1; }

unavailable() {
  if [ "${PLAYGROUND_REQUIRE_SERVICES:-}" = 1 ]; then
    fail "podman cannot run here (PLAYGROUND_REQUIRE_SERVICES=1): $*"
  fi
  say "skipped: $*"
  SKIPPED=1
  exit 0
}

# podman, runc (crun refuses this kind of machine: "cgroups in hybrid mode not
# supported") and mmdebstrap, from apt when missing and we are root.
install_tools() {
  local missing=()
  command -v podman >/dev/null || missing+=(podman)
  command -v runc >/dev/null || missing+=(runc)
  command -v mmdebstrap >/dev/null || missing+=(mmdebstrap)
  [ ${#missing[@]} = 0 ] && return 0
  [ "$(id -u)" = 0 ] || unavailable "${missing[*]} missing, and installing them needs root"
  local log
  log=$(mktemp)
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >"$log" 2>&1; then
    tail -5 "$log" >&2
    rm -f "$log"
    unavailable "apt-get could not install ${missing[*]}"
  fi
  rm -f "$log"
}

# The limits a container gets may not exceed this shell's own: podman's
# defaults (nofile 1048576) fail with "setrlimit ... Operation not permitted".
# On this kind of machine nproc above pid_max (32768) was refused too.
write_containers_conf() {
  local nofile nproc pid_max
  nofile=$(ulimit -Hn)
  nproc=$(ulimit -Hu)
  pid_max=$(cat /proc/sys/kernel/pid_max 2>/dev/null || echo 32768)
  [ "$nofile" = unlimited ] && nofile=1048576
  if [ "$nproc" = unlimited ] || [ "$nproc" -gt "$pid_max" ]; then nproc=$pid_max; fi
  mkdir -p "$WORK/networks" "$WORK/volumes" "$WORK/tmp"
  cat >"$WORK/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]

[engine]
runtime = "runc"
events_logger = "file"
events_logfile_path = "$WORK/events.log"
volume_path = "$WORK/volumes"
tmp_dir = "$WORK/tmp"

[network]
network_config_dir = "$WORK/networks"
EOF
  cat >"$WORK/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$WORK/storage"
runroot = "$WORK/runroot"
EOF
  export CONTAINERS_CONF="$WORK/containers.conf" CONTAINERS_STORAGE_CONF="$WORK/storage.conf"
}

podman_setup() {
  STEP_STARTED=$SECONDS
  [ "$(uname -s)" = Linux ] || unavailable "podman containers need Linux"
  install_tools
  [ "$(id -u)" = 0 ] || unavailable "the test runs podman as root (its storage and networks under /var/tmp)"
  [ -x "$PY" ] || fail "$PY is missing: run 'make install' first"
  # One test at a time on a machine: two would share podman's default bridge
  # and the compose file's subnet (each with its own idea of what is taken),
  # and build the same base tarball.
  mkdir -p "$CACHE"
  exec 9>"$CACHE/lock"
  if ! flock -n 9; then
    say "waiting for another container test on this machine to finish"
    flock 9
    say "waited $((SECONDS - STARTED)) s"
    STARTED=$SECONDS STEP_STARTED=$SECONDS
  fi
  WORK=$(mktemp -d "/var/tmp/$PREFIX.XXXXXX")
  trap podman_cleanup EXIT
  write_containers_conf
  local info
  if ! info=$(podman info --format '{{.Host.OCIRuntime.Name}} {{.Store.GraphRoot}}' 2>&1); then
    unavailable "podman info failed: $info"
  fi
  case $info in
    "runc $WORK/storage") ;;
    *) fail "podman did not take the test's configuration (runtime and storage: $info)" ;;
  esac
  step_done "podman $(podman --version | awk '{print $3}') with runc, storage in $WORK"
}

# Every entry of this machine's apt sources for its own release (and its
# updates and security suites), as one-line entries: read at run time, so the
# test base comes from wherever this machine gets its packages.
apt_sources() {
  local codename
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  [ -n "$codename" ] || fail "no VERSION_CODENAME in /etc/os-release"
  "$PY" "$ROOT/scripts/apt_sources.py" "$codename"
}

# Where the base rootfs tarball for this set of inputs (packages, apt
# sources, extra CA certificates) is cached.
base_tarball_path() {
  local sources certs key
  sources=$(apt_sources) || exit 1
  [ -n "$sources" ] || fail "no apt sources for this release found under /etc/apt"
  certs=$(find "$EXTRA_CA_DIR" -name '*.crt' -type f 2>/dev/null | sort)
  key=$({ printf '%s\n' "${BASE_PACKAGES[@]}" "$sources"; [ -z "$certs" ] || cat $certs; } | sha256sum | cut -c1-16)
  echo "$CACHE/base-$key.tar"
}

# build_base TARBALL: mmdebstrap, minimal variant, from this machine's sources.
build_base() {
  local tarball=$1 codename sources mirrors=() hooks=() log="$WORK/mmdebstrap.log"
  codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
  sources=$(apt_sources) || exit 1
  mapfile -t mirrors <<<"$sources"
  [ -d "$MERGED_USR_HOOK" ] && hooks+=(--hook-dir="$MERGED_USR_HOOK")
  mkdir -p "$CACHE"
  # The machine's extra CA certificates, trusted in this test base only: pip
  # and apt inside the builds reach their registries through them here.
  if ! mmdebstrap --variant=minbase --format=tar --include="$(IFS=,; echo "${BASE_PACKAGES[*]}")" "${hooks[@]}" \
      --customize-hook="if [ -d '$EXTRA_CA_DIR' ]; then cp -r '$EXTRA_CA_DIR'/. \"\$1$EXTRA_CA_DIR/\"; fi" \
      --customize-hook='chroot "$1" update-ca-certificates' \
      "$codename" "$tarball.partial" "${mirrors[@]}" >"$log" 2>&1; then
    tail -15 "$log" >&2
    rm -f "$tarball.partial"
    fail "mmdebstrap could not build the base (log above)"
  fi
  find "$CACHE" -maxdepth 1 -name 'base-*.tar' ! -name "$(basename "$tarball")" -delete  # other inputs: not needed again
  mv "$tarball.partial" "$tarball"
}

# The base imported as localhost/$PREFIX-base:latest (the Dockerfile's BASE).
import_base() {
  local tarball how=cached
  tarball=$(base_tarball_path) || exit 1
  if [ ! -f "$tarball" ]; then
    build_base "$tarball"
    how=built
  fi
  podman import --quiet "$tarball" "localhost/$PREFIX-base:latest" >/dev/null
  BASE_IMAGE="localhost/$PREFIX-base:latest"
  step_done "base image from Debian's packages ($how $tarball, $(du -m "$tarball" | cut -f1) MB)"
}

# build_image TAG CONTEXT [ARGS...]: the Dockerfile's format keeps HEALTHCHECK
# (the OCI format drops it).
build_image() {
  local tag=$1 context=$2
  shift 2
  if ! podman build --format docker --build-arg "BASE=$BASE_IMAGE" -t "$tag" "$@" "$context" \
      >"$WORK/build-$(basename "${tag%%:*}").log" 2>&1; then
    tail -20 "$WORK/build-$(basename "${tag%%:*}").log" >&2
    fail "podman build of $tag failed (log above)"
  fi
}

free_port() { "$PY" -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"; }

probe() { (cd "$ROOT" && "$PY" -m tests.deploy.probe "$@"); }

# Everything named with PREFIX, then the run's folder (its storage with it).
podman_cleanup() {
  local status=$?
  trap - EXIT
  if [ -n "${WORK:-}" ] && [ -d "$WORK" ]; then
    if [ -n "${CLEANUP_HOOK:-}" ]; then "$CLEANUP_HOOK" || true; fi
    local names
    names=$(podman ps -a --format '{{.Names}}' 2>/dev/null | grep "^$PREFIX" || true)
    [ -z "$names" ] || podman rm -f -v -t 5 $names >/dev/null 2>&1 || true
    names=$(podman volume ls --format '{{.Name}}' 2>/dev/null | grep "^$PREFIX" || true)
    [ -z "$names" ] || podman volume rm -f $names >/dev/null 2>&1 || true
    names=$(podman network ls --format '{{.Name}}' 2>/dev/null | grep "^$PREFIX" || true)
    [ -z "$names" ] || podman network rm -f $names >/dev/null 2>&1 || true
    names=$(podman images --format '{{.Repository}}:{{.Tag}}' 2>/dev/null | grep "^localhost/$PREFIX" || true)
    [ -z "$names" ] || podman rmi -f $names >/dev/null 2>&1 || true
    # Leftover layers' mounts, if an earlier step died holding one, then the folder.
    grep -o " $WORK[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
    rm -rf "$WORK"
  fi
  if [ -n "${SKIPPED:-}" ]; then
    :
  elif [ $status = 0 ]; then
    say "passed in $((SECONDS - STARTED)) s"
  else
    echo "$NAME: failed after $((SECONDS - STARTED)) s" >&2
  fi
  exit $status
}
