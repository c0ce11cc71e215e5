#!/usr/bin/env bash
# Browser tests drive Debian's Chromium (never a downloaded browser).
# Install it when missing and we are allowed to; otherwise say so: the
# browser tests then fail if PLAYGROUND_REQUIRE_BROWSER=1 (CI), else skip.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ]; then
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null
else
  echo "ensure-chromium: /usr/bin/chromium is missing and cannot be installed without root;" >&2
  echo "  install Debian's chromium package to run the browser tests." >&2
  exit 0
fi
test -x /usr/bin/chromium
