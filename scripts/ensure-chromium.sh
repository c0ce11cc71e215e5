#!/usr/bin/env bash
# Browser tests drive Debian's Chromium (never a downloaded browser), with a
# Korean font (fonts-nanum): the page names none of its own for Hangul and
# falls back to the system's, so without one the Korean screenshots show
# empty boxes. Install what is missing when we are allowed to; otherwise say
# so: the browser tests then fail if PLAYGROUND_REQUIRE_BROWSER=1 (CI), else skip.
set -euo pipefail
packages=()
[ -x /usr/bin/chromium ] || packages+=(chromium)
[ -d /usr/share/fonts/truetype/nanum ] || packages+=(fonts-nanum)
if [ ${#packages[@]} = 0 ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ]; then
  apt-get update -qq && apt-get install -y -qq "${packages[@]}" >/dev/null
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  sudo apt-get update -qq && sudo apt-get install -y -qq "${packages[@]}" >/dev/null
else
  echo "ensure-chromium: ${packages[*]} missing and cannot be installed without root;" >&2
  echo "  install Debian's chromium (and fonts-nanum for Korean) to run the browser tests." >&2
  exit 0
fi
test -x /usr/bin/chromium
