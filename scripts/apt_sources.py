"""Print this machine's apt sources for one Debian release as one-line entries.

    python scripts/apt_sources.py CODENAME

Reads /etc/apt/sources.list, sources.list.d/*.list (one-line format) and
sources.list.d/*.sources (deb822), and keeps the binary ("deb") entries for
CODENAME, CODENAME-updates and CODENAME-security, with their signed-by
keyring.  Other repositories (a vendor's, a disabled file) are left out: the
test base is Debian's release and nothing else.  scripts/podman-lib.sh hands
the lines to mmdebstrap, so the base comes from wherever this machine gets
its packages, and the repository names none.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

APT = Path("/etc/apt")
ONE_LINE = re.compile(r"^deb\s+(?:\[(?P<options>[^\]]*)\]\s+)?(?P<uri>\S+)\s+(?P<suite>\S+)\s+(?P<components>.+)$")


def entry(uri: str, suite: str, components: list[str], signed_by: str | None) -> str:
    options = f"[signed-by={signed_by}] " if signed_by else ""
    return f"deb {options}{uri} {suite} {' '.join(components)}"


def one_line_entries(text: str) -> list[tuple[str, str, list[str], str | None]]:
    found = []
    for raw in text.splitlines():
        match = ONE_LINE.match(raw.split("#", 1)[0].strip())
        if match is None:
            continue
        options = dict(option.split("=", 1) for option in (match["options"] or "").split() if "=" in option)
        found.append((match["uri"], match["suite"], match["components"].split(), options.get("signed-by")))
    return found


def deb822_entries(text: str) -> list[tuple[str, str, list[str], str | None]]:
    found = []
    for stanza in re.split(r"\n\s*\n", text):
        fields: dict[str, str] = {}
        key = None
        for raw in stanza.splitlines():
            if raw.startswith("#") or not raw.strip():
                continue
            if raw[0].isspace() and key is not None:  # a continued field (an inline key, say)
                fields[key] += "\n" + raw.strip()
                continue
            key, _, value = raw.partition(":")
            key = key.strip().lower()
            fields[key] = value.strip()
        if fields.get("enabled", "yes").lower() == "no" or "deb" not in fields.get("types", "").split():
            continue
        signed_by = fields.get("signed-by")
        if signed_by is not None and not signed_by.startswith("/"):
            signed_by = None  # an inline key: apt inside the base checks with its own keyring
        for uri in fields.get("uris", "").split():
            for suite in fields.get("suites", "").split():
                found.append((uri, suite, fields.get("components", "").split(), signed_by))
    return found


def sources(codename: str) -> list[str]:
    wanted = {codename, f"{codename}-updates", f"{codename}-security", f"{codename}/updates"}
    found = []
    for path in [APT / "sources.list", *sorted((APT / "sources.list.d").glob("*.list"))]:
        if path.is_file():
            found += one_line_entries(path.read_text())
    for path in sorted((APT / "sources.list.d").glob("*.sources")):
        found += deb822_entries(path.read_text())
    lines = [entry(*found_entry) for found_entry in found if found_entry[1] in wanted]
    return list(dict.fromkeys(lines))  # once each, in apt's order


if __name__ == "__main__":
    print("\n".join(sources(sys.argv[1])))
