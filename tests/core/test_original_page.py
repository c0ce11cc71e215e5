"""The losses the original page showed (3 decimals) after N clicks of Step,
read off the original page in headless Chromium (tests/data/README.md)."""

from __future__ import annotations

import pytest

from core.config import PlaygroundConfig
from core.session import Session

SPIRAL_6X8 = (
    "dataset=spiral&seed=0.12345&networkShape=8,8,8,8,8,8"
    "&x=true&y=true&xSquared=true&ySquared=true&xTimesY=true&sinX=true&sinY=true"
)
PAGE_LOSSES = {
    "seed=0.42": {0: (0.509, 0.501), 1: (0.505, 0.497), 10: (0.493, 0.487), 100: (0.036, 0.051), 300: (0.003, 0.010)},
    SPIRAL_6X8: {0: (0.500, 0.508), 1: (0.499, 0.506), 10: (0.487, 0.499), 100: (0.263, 0.406), 300: (0.169, 0.251)},
}


@pytest.mark.parametrize("hash_", list(PAGE_LOSSES), ids=["default-circle", "spiral-6x8"])
def test_session_losses_match_original_page(hash_: str) -> None:
    session = Session(PlaygroundConfig.from_hash(hash_))
    seen = {0: (session.loss_train, session.loss_test)}
    for epoch in range(1, 301):
        session.step(1)
        seen[epoch] = (session.loss_train, session.loss_test)
    for epoch, (train, test) in PAGE_LOSSES[hash_].items():
        assert f"{seen[epoch][0]:.3f}" == f"{train:.3f}", f"training loss at epoch {epoch}"
        assert f"{seen[epoch][1]:.3f}" == f"{test:.3f}", f"test loss at epoch {epoch}"
