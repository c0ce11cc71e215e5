"""REST: the stateless step — train a network the caller holds."""

from __future__ import annotations

from typing import Any

import numpy as np
from fastapi import APIRouter

from app.deps import AppSettings, WorkerPool
from app.limits import check_work
from app.schemas import StatelessStep, StatelessStepResult
from app.serialize import network_state, number
from core.datasets import generate
from core.errors import InvalidValue
from core.rng import SeedRandom
from core.session import Session

router = APIRouter(prefix="/api", tags=["training"])


@router.post("/step", response_model=StatelessStepResult)
async def stateless_step(body: StatelessStep, settings: AppSettings, workers: WorkerPool) -> dict[str, Any]:
    """Train a network that the caller holds: nothing is kept on the server.

    Send the config (or a hash), the network's weights, biases and dead
    masks (and pending gradients, if a batch remainder is carried), and
    optionally the points; without points, the data the config's seed
    generates is used, exactly as a session would.  The answer is the
    network after `epochs` epochs and the losses after each.
    """
    config = body.build_config()
    if config.scenario is not None:
        raise InvalidValue("scenario", "the stateless step takes points, not a scenario")

    def work() -> dict[str, Any]:
        if body.train is None:
            train_points, test_points = generate(SeedRandom(config.seed), config.data_name, config.noise,
                                                 config.percTrainData)  # fmt: skip
            if body.test is not None:
                test_points = np.asarray(body.test, dtype=np.float64).reshape(-1, 3)
        else:
            train_points = np.asarray(body.train, dtype=np.float64).reshape(-1, 3)
            test_points = np.asarray(body.test or [], dtype=np.float64).reshape(-1, 3)
        if train_points.shape[0] == 0:
            raise InvalidValue("train", "expected at least one training point")
        check_work(train_points.shape[0], body.epochs, settings.max_work)
        # The session's own code path, on the given points and network: the same numbers by construction.
        session = Session.from_points(config, train_points, test_points)
        session.restore(**body.network.restore_args())
        losses = session.step(body.epochs)
        has_test = test_points.shape[0] > 0
        result = network_state(session.network)
        result.update(
            epochs=body.epochs,
            loss_train=number(session.loss_train),
            loss_test=number(session.loss_test) if has_test else None,
            losses=[[number(a), number(b) if has_test else None] for a, b in losses.tolist()],
        )
        return result

    result: dict[str, Any] = await workers.run(work)
    return result
