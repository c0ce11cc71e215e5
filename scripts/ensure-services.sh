#!/usr/bin/env bash
# The store and cluster tests run Debian's redis-server and nginx (never
# downloaded builds), and the backup test Debian's sqlite3 command.  Install
# them when missing and we are allowed to; otherwise say so: those tests then
# fail if PLAYGROUND_REQUIRE_SERVICES=1 (CI), else skip.  No server is
# started here: the tests start their own.
set -euo pipefail
missing=()
command -v redis-server >/dev/null || [ -x /usr/bin/redis-server ] || missing+=(redis-server)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v sqlite3 >/dev/null || missing+=(sqlite3)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "ensure-services: ${missing[*]} missing and cannot be installed without root;" >&2
  echo "  install Debian's packages to run the store, cluster and backup tests." >&2
  exit 0
fi
