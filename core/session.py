"""A playground session: data, network and training, with the original's
semantics for every change (spec sections 1 and 2).
"""

from __future__ import annotations

import copy
import math
from typing import Any

import numpy as np

from core.config import FIELD_EFFECTS, PlaygroundConfig
from core.errors import InvalidValue
from core.explain import explain
from core.fields import EFFECTS, TABLE, Effect
from core.history import LossHistory
from core.inits import initial_ranges
from core.link import Link
from core.lossslice import loss_slice
from core.matrixview import weight_update_matrix
from core.network import Network
from core.rng import SeedRandom
from core.scenarios import SCENARIOS
from core.sessiondata import SessionData
from core.training import StopRule, TrainingResult, train

__all__ = ["Session"]

_KEPT_BY_SCENES = ("seed", "hidden", "hideText")  # a scenario's set-up keeps them (unless it sets the seed)


class Session(SessionData):
    """Data, network and training state for one playground.

    Construction follows the original's page-load order: seed the stream,
    generate, shuffle and split the data, then draw the network's weights.
    The data, the update rule and what the network shows: core.sessiondata.
    """

    stopped: str | None  # why the last step ended early: None | "epoch" | "loss" | "diverged"

    def __init__(self, config: PlaygroundConfig) -> None:
        self.config = config
        self.history = LossHistory()
        self._start()

    @classmethod
    def from_points(cls, config: PlaygroundConfig, train: Any, test: Any) -> Session:
        """A session on given (x, y, label) points instead of generated data
        (the network is drawn from the seed's stream as usual)."""
        session = cls.__new__(cls)
        session.config = config
        session.history = LossHistory()
        session.rng = SeedRandom(config.seed)
        session.train, session.test = np.zeros((0, 3)), np.zeros((0, 3))
        session.position = 0
        session._compute_inputs()
        session._new_network()
        session.load_points(train, test)
        return session

    @classmethod
    def from_parts(
        cls,
        config: PlaygroundConfig,
        rng: SeedRandom,
        train: np.ndarray,
        test: np.ndarray,
        network: Network,
        epoch: int,
        history: LossHistory,
        losses: tuple[float, float],
        position: int = 0,
    ) -> Session:
        """A session in exactly the state these parts describe (a fork, or a
        snapshot read back); the caller has checked that they fit together."""
        session = cls.__new__(cls)
        session.config = config
        session.rng = rng
        session.history = history
        session.train, session.test = train, test  # (n, 3) each: x, y, label
        session._compute_inputs()
        session.network = network
        session.epoch = epoch
        session.position = position
        session._losses = losses
        session._metrics = None
        session.stopped = None
        return session

    def copy(self) -> Session:
        """An independent session in the same state: data, network, pending
        gradients, epoch, history and the random stream's position (a fork)."""
        other = Session.from_parts(
            self.config,
            copy.deepcopy(self.rng),
            self.train.copy(),
            self.test.copy(),
            self.network.copy(),
            self.epoch,
            copy.deepcopy(self.history),
            self._losses,
            self.position,
        )
        other.stopped = self.stopped
        other._metrics = self._metrics
        return other

    def _start(self) -> None:
        """Page-load order: seed, data, network; or the scenario's set-up (core.scenarios):
        every field at its default but the seed, the classroom's hidden controls and
        hideText, then the scenario's and its variant's fields (a scenario may fix the
        seed too), then its points and weights, if it has them."""
        cfg = self.config
        scenario = SCENARIOS.get(cfg.scenario or "")
        if scenario is not None:
            defaults = {field.name: field.default for field in TABLE if field.name not in _KEPT_BY_SCENES}
            self.config = cfg.replace(
                **{**defaults, "scenario": cfg.scenario, "variant": cfg.variant, **scenario.fields_for(cfg.variant)}
            )
        self.rng = SeedRandom(self.config.seed)
        self._load_data()
        self._new_network()
        if scenario is not None:
            scenario.apply(self, self.config.variant)

    # -- the contract's read side --------------------------------------------

    @property
    def loss_train(self) -> float:
        return self._losses[0]

    @property
    def loss_test(self) -> float:
        return self._losses[1]

    @property
    def shape(self) -> list[int]:
        """Units per layer: inputs, hidden layers, output."""
        return self.network.sizes.tolist()  # type: ignore[no-any-return]

    def explain(self, layer: int, source: int | None, target: int, point: int) -> dict[str, Any]:
        """The lecture's decomposition of one weight's (or, without ``source``,
        one bias's) gradient at training point ``point`` (see core.explain), with
        the initial range of the weight's layer and the next real update."""
        link = Link(layer, source, target)
        result = explain(self.network, self._X_train, self._Y_train, self.rule, link, point, self.position)
        result["initial_range"] = self.initial_ranges()[layer]
        return result

    def loss_slice(self, layer: int, source: int | None, target: int, samples: int = 61) -> dict[str, Any]:
        """The training loss along one weight, with its tangent and the next update (and,
        where that update follows a mini-batch, the batch's own loss along the weight)."""
        link = Link(layer, source, target)
        return loss_slice(self.network, self._X_train, self._Y_train, self.rule, link, samples, self.position)

    def weight_update_matrix(self, layer: int) -> dict[str, Any]:
        """The lecture's matrix form of the next update of weight layer ``layer``:
        ΔW = α · (E ∘ f′(z)) · oᵀ with live numbers (see core.matrixview)."""
        return weight_update_matrix(self.network, self._X_train, self._Y_train, self.rule, layer, self.position)

    def initial_ranges(self) -> list[dict[str, Any]]:
        """Per weight layer: n (the fan-in), ±1/√n, and the range the config's ``init``
        draws from (see core.inits.initial_ranges)."""
        return initial_ranges(tuple(self.network.sizes.tolist()), self.config.init, self.config.initValue)

    # -- training -----------------------------------------------------------

    def step(self, epochs: int | None = None, updates: int | None = None, only: Link | None = None) -> TrainingResult:
        """Train ``epochs`` epochs (1 if neither is given) or ``updates`` updates (mini-batches),
        stopping early at ``stopEpoch``, at ``stopLoss`` or when a loss diverges; returns what
        it trained (core.training.TrainingResult); why it stopped early is also ``stopped``.

        Inside an epoch: ``epoch`` counts completed passes over the training set, ``position``
        the points of the current pass already trained on (the original's remainder still
        carries into the next pass's first update); ``epochs=k`` ends at a pass's end, the
        current pass counting as the first.  The history has one row per completed pass, its
        losses at the pass's end; ``loss_train`` and ``loss_test`` are always the network's
        now (a chart may draw them at epoch + position / training points).  ``stopEpoch`` and
        ``stopLoss`` are checked at each pass's end (``stopEpoch`` stops training that crosses
        it; once past it, steps run in full); a loss that is not finite stops training anywhere.

        ``only``: the selected weight or bias, trained alone when ``train`` is "selected"
        (and then required); with ``train=all`` it is not used.
        """
        cfg = self.config
        if cfg.train == "selected":
            if only is None:
                raise InvalidValue(
                    "train", "train=selected trains the selected weight or bias: select one, or set train=all"
                )
            only.check(self.network)
        else:
            only = None
        after = cfg.stopEpoch - self.epoch if cfg.stopEpoch is not None and cfg.stopEpoch > self.epoch else None
        classes = cfg.n_classes if cfg.problem == "classification" else 0
        threshold = float(self._targets(np.zeros(1))[0, 0]) if classes == 2 else 0.0  # the output at label 0
        result = train(
            self.network,
            self._X_train,
            self._Y_train,
            self.rule,
            epochs,
            self._X_test,
            self._Y_test,
            StopRule(after, cfg.stopLoss),
            classes,
            threshold,
            updates=updates,
            position=self.position,
            only=only,
        )
        if result.epochs:
            self.history.extend(self.epoch + 1, result.losses)
        self.epoch += result.epochs
        self.position = result.position
        self._losses = result.final
        self._metrics = None if result.confusion is None else self._metrics_from(result.confusion)
        self.stopped = result.stopped
        return result

    # -- changes ------------------------------------------------------------

    def reset(self) -> None:
        """A new network from the continuing stream; epoch 0."""
        self._new_network()

    def regenerate(self) -> None:
        """A new seed drawn from the stream, new data; the network is kept."""
        self._reseed(self.rng.new_seed())
        self._load_data()
        self._refresh_losses()

    def update(self, **changes: Any) -> Effect:
        """Apply field changes with the original's semantics.

        Returns the strongest effect: "none" (nothing changed), "live",
        "reset" (new network), "data" (new seed, data and network) or "seed"
        (the stream restarts from the given seed: data, then network).
        Invalid changes raise ValueError and change nothing.
        """
        old = self.config
        new = old.replace(**changes)
        self.stopped = None
        changed = [name for name in changes if getattr(new, name) != getattr(old, name)]
        effect = max((FIELD_EFFECTS[name] for name in changed), key=EFFECTS.index, default=Effect.NONE)
        self.config = new
        if effect == Effect.SEED:
            self._start()
        elif effect == Effect.DATA:
            self.config = new = new.replace(scenario=None, variant=0)  # generated data replaces the scenario's
            self._reseed(self.rng.new_seed())
            self._load_data()
            if new.problem != old.problem:
                self._draw_thumbnails()
            self._new_network()
        elif effect == Effect.RESET:
            self._compute_inputs()  # features, their scaling or the targets may have changed
            self._new_network()
        return effect

    def apply_hash(self, text: str) -> Effect:
        """Apply a TF Playground URL hash as one change (see ``update``).

        Keys missing from the hash take their defaults, as when the original
        loads that link; a hash without ``seed`` keeps the current seed.
        """
        target = PlaygroundConfig.from_hash(text)
        keys = {item.split("=")[0] for item in text.lstrip("#").split("&")}
        changes = {
            name: getattr(target, name)
            for name in FIELD_EFFECTS
            if getattr(target, name) != getattr(self.config, name) and (name != "seed" or "seed" in keys)
        }
        return self.update(**changes)

    def restore(
        self,
        weights: Any,
        biases: Any,
        dead: Any = None,
        pending: tuple[int, Any, Any] | None = None,
        epoch: int | None = None,
        optimizer_state: dict[str, Any] | None = None,
        position: int | None = None,
    ) -> None:
        """Load a trained network into this session (same shape), e.g. to
        recreate a session a server lost, or to fork one; ``position``: where
        the current pass stands (see ``step``; 0 if left out)."""
        if epoch is not None and (isinstance(epoch, bool) or not isinstance(epoch, int) or epoch < 0):
            raise InvalidValue("epoch", f"expected a non-negative integer, got {epoch!r}")
        n = self.train.shape[0]
        if position is not None and (
            isinstance(position, bool) or not isinstance(position, int) or not 0 <= position < max(n, 1)
        ):
            raise InvalidValue(
                "position", f"expected a training point of the current pass, 0 to {n - 1}, got {position!r}"
            )
        self.network.assign(weights, biases, dead, pending, optimizer_state)
        self.position = position or 0
        if epoch is not None:
            self.epoch = epoch
        self.history.reset()
        self._refresh_losses()

    def restart_history(self) -> None:
        """Forget the loss history: it starts again at the current epoch and losses
        (the runs of a comparison start their charts together)."""
        self.history.reset()
        self.history.add(self.epoch, *self._losses)

    def set_weight(self, layer: int, source: int, target: int, value: float) -> None:
        """Set one link's weight by hand (the page's click-to-edit).

        ``layer`` 0 holds the links from the inputs.  A dead link keeps its
        dead flag, as in the original: its weight is used but never trained.
        """
        weights = self.network.weights
        _check_index("layer", layer, len(weights))
        _check_index("source", source, weights[layer].shape[0])
        _check_index("target", target, weights[layer].shape[1])
        weights[layer][source, target] = _finite("value", value)
        self._refresh_losses()

    def set_bias(self, layer: int, node: int, value: float) -> None:
        """Set one node's bias by hand; ``layer`` 0 is the first hidden layer."""
        biases = self.network.biases
        _check_index("layer", layer, len(biases))
        _check_index("node", node, biases[layer].shape[0])
        biases[layer][node] = _finite("value", value)
        self._refresh_losses()

    # -- internals ------------------------------------------------------------

    def _new_network(self) -> None:
        cfg = self.config
        self.network = Network.build(
            network_sizes(cfg),
            cfg.activation,
            cfg.output_activation,
            self.rng,
            init=cfg.init,
            init_zero=cfg.initZero,
            optimizer=cfg.optimizer,
            init_value=cfg.initValue,
        )
        self.epoch = 0
        self.position = 0
        self.stopped = None
        self.history.reset()
        self._refresh_losses()


def network_sizes(config: PlaygroundConfig) -> list[int]:
    """Units per layer of the network ``config`` describes: inputs, hidden layers, output."""
    return [len(config.features), *config.networkShape, config.output_units]


def _check_index(name: str, value: Any, size: int) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 0 <= value < size:
        raise InvalidValue(name, f"expected an integer from 0 to {size - 1}, got {value!r}")


def _finite(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InvalidValue(name, f"expected a finite number, got {value!r}")
    return float(value)
