"""axe-core's WCAG 2.0 / 2.1 A and AA rules, run in the test's own page.

The script ships with the axe-playwright-python package and is evaluated in
the page by Playwright (the DevTools protocol): the server's Content Security
Policy, which real users get, is not changed for it."""

from __future__ import annotations

from typing import Any

from axe_playwright_python.sync_playwright import Axe

AXE = Axe()
WCAG_A_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


def violations(page: Any) -> list[str]:
    """Each violation as 'rule: element, element, ...' (empty when there are none)."""
    found = AXE.run(page, options=WCAG_A_AA).response["violations"]
    return [f"{v['id']}: {', '.join(str(n['target']) for n in v['nodes'])}" for v in found]
