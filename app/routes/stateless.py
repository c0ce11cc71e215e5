"""REST: the stateless step — train a network the caller holds."""

from __future__ import annotations

import functools
import time
from typing import Any

import numpy as np
from fastapi import APIRouter

from app.output.serialize import network_state, number
from app.routes.deps import LIMITED, AppSettings, ClientKey, Jobs, Limits
from app.schemas import StatelessStep, StatelessStepResult
from app.sessions.scheduler import SLICE_SECONDS, Scheduler
from app.web.client_limits import check_work
from core.datasets import generate
from core.errors import InvalidValue
from core.rng import SeedRandom
from core.session import Session
from core.training import TrainingResult

router = APIRouter(prefix="/api", tags=["training"])


@router.post("/step", response_model=StatelessStepResult, responses=LIMITED)
async def stateless_step(
    body: StatelessStep, settings: AppSettings, jobs: Jobs, key: ClientKey, limits: Limits
) -> dict[str, Any]:
    """Train a network that the caller holds: nothing is kept on the server.

    Send the config (or a hash), the network's weights, biases and dead
    masks (and pending gradients, if a batch remainder is carried), and
    optionally the points; without points, the data the config's seed
    generates is used, exactly as a session would.  The answer is the
    network after `epochs` epochs (default 1) or `updates` updates, the
    losses after each epoch that ended, and `position`: where the current
    pass stands, to send back with the next call that goes on inside it.
    """
    config = body.build_config()
    if config.scenario is not None:
        raise InvalidValue("scenario", "the stateless step takes points, not a scenario")
    if config.train != "all":
        raise InvalidValue("train", "the stateless step trains every parameter (it has no selection); use train=all")

    def build() -> Session:
        if body.train is None:
            train_points, test_points = generate(
                SeedRandom(config.seed), config.data_name, config.noise, config.percTrainData, config.n_classes
            )
            if body.test is not None:
                test_points = np.asarray(body.test, dtype=np.float64).reshape(-1, 3)
        else:
            train_points = np.asarray(body.train, dtype=np.float64).reshape(-1, 3)
            test_points = np.asarray(body.test or [], dtype=np.float64).reshape(-1, 3)
        if train_points.shape[0] == 0:
            raise InvalidValue("train", "expected at least one training point")
        # The session's own code path, on the given points and network: the same numbers by construction.
        session = Session.from_points(config, train_points, test_points)
        session.restore(**body.network.restore_args(), position=body.position)
        return session

    epochs, updates = (None, body.updates) if body.updates is not None else (body.epochs, None)
    with limits.busy(key):
        session = await jobs.run(build, client=key)
        points = session.train.shape[0] + session.test.shape[0]
        weights = max(1, session.network.n_weights)
        if updates is not None:
            check_work(
                (updates * session.batch_size + points) * weights, settings.max_work, f"{updates} updates", "updates"
            )
        else:
            check_work(points * (epochs or 1) * weights, settings.max_work, f"{epochs} epochs")
        losses, stopped, made = await _train_in_slices(jobs, key, session, epochs, updates)
    has_test = session.test.shape[0] > 0
    result = network_state(session.network)
    result.update(
        epochs=losses.shape[0],
        updates=made,
        position=session.position,
        stopped=stopped,
        loss_train=number(session.loss_train),
        loss_test=number(session.loss_test) if has_test else None,
        losses=[[number(a), number(b) if has_test else None] for a, b in losses.tolist()],
    )
    return result


async def _train_in_slices(
    jobs: Scheduler, key: str, session: Session, epochs: int | None, updates: int | None
) -> tuple[np.ndarray, str | None, int]:
    """``epochs`` epochs or ``updates`` updates in jobs of about one slice each, taking
    turns with everyone else: the losses of the epochs that ended, why training stopped
    early, and the updates made."""
    parts: list[np.ndarray] = [np.empty((0, 2))]
    wanted = updates if updates is not None else epochs or 1
    per_unit = 0.0  # unknown until the first slice: it trains one epoch or one update
    done = made = 0

    def timed(k: int) -> tuple[TrainingResult, float]:
        started = time.perf_counter()
        trained = session.step(updates=k) if updates is not None else session.step(k)
        units = trained.updates if updates is not None else trained.epochs
        return trained, (time.perf_counter() - started) / max(1, units)

    while done < wanted:
        k = 1 if per_unit == 0 else max(1, min(wanted - done, int(SLICE_SECONDS / per_unit)))
        trained, per_unit = await jobs.run(functools.partial(timed, k), client=key)
        parts.append(trained.losses)
        made += trained.updates
        done += trained.updates if updates is not None else trained.epochs
        if trained.stopped is not None:  # stopEpoch, stopLoss or a diverged loss
            return np.concatenate(parts), trained.stopped, made
    return np.concatenate(parts), None, made
