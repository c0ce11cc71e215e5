"""Loss history that stays small however long a session trains."""

from __future__ import annotations

import numpy as np

from core.errors import InvalidValue

__all__ = ["LossHistory"]


class LossHistory:
    """(epoch, train loss, test loss) rows, thinned as they accumulate.

    Every ``stride``-th epoch is kept; when ``max_points`` rows are held,
    every second row is dropped and the stride doubles.  The chart only
    needs the curve's shape, and a session can train for millions of epochs.
    """

    def __init__(self, max_points: int = 1000) -> None:
        self.max_points = max_points
        self.reset()

    def reset(self) -> None:
        self._rows = np.empty((self.max_points, 3))
        self._n = 0
        self.stride = 1

    def add(self, epoch: int, train: float, test: float) -> None:
        if epoch % self.stride:
            return
        if self._n == self.max_points:
            kept = self._rows[: self._n : 2].copy()
            self._n = kept.shape[0]
            self._rows[: self._n] = kept
            self.stride *= 2
            if epoch % self.stride:
                return
        self._rows[self._n] = (epoch, train, test)
        self._n += 1

    def extend(self, first_epoch: int, losses: np.ndarray) -> None:
        """Add ``losses`` (k, 2) for epochs first_epoch .. first_epoch + k - 1,
        exactly as ``add`` one by one would, but with array operations: one
        round per thinning, never one per epoch."""
        if losses.shape[0] == 1:  # a play tick at speed 1: no arrays to build
            self.add(first_epoch, float(losses[0, 0]), float(losses[0, 1]))
            return
        epochs = np.arange(first_epoch, first_epoch + losses.shape[0])
        rows = losses
        while epochs.shape[0]:
            kept = np.flatnonzero(epochs % self.stride == 0)
            room = self.max_points - self._n
            take = kept[:room]
            self._rows[self._n : self._n + take.shape[0], 0] = epochs[take]
            self._rows[self._n : self._n + take.shape[0], 1:] = rows[take]
            self._n += take.shape[0]
            if kept.shape[0] <= room:
                return
            rest = kept[room]  # the first kept epoch with no room: thin, as add() does
            thinned = self._rows[: self._n : 2].copy()
            self._n = thinned.shape[0]
            self._rows[: self._n] = thinned
            self.stride *= 2
            epochs, rows = epochs[rest:], rows[rest:]

    def replace_last(self, epoch: int, train: float, test: float) -> None:
        """Correct the newest row (the losses changed without an epoch passing)."""
        if self._n and self._rows[self._n - 1, 0] == epoch:
            self._rows[self._n - 1] = (epoch, train, test)
        else:
            self.add(epoch, train, test)

    def load(self, rows: np.ndarray, stride: int) -> None:
        """Hold ``rows`` (n, 3) thinned with ``stride``, as saved from ``rows``
        and ``stride``; raises InvalidValue for rows this history cannot hold."""
        rows = np.asarray(rows, dtype=np.float64)
        if isinstance(stride, bool) or not isinstance(stride, int) or stride < 1 or stride & (stride - 1):
            raise InvalidValue("stride", f"expected a power of two, got {str(stride)[:20]}")
        if rows.ndim != 2 or rows.shape[1] != 3 or rows.shape[0] > self.max_points:
            raise InvalidValue("rows", f"expected up to {self.max_points} rows of epoch, train loss, test loss")
        epochs = rows[:, 0]
        if not (np.isfinite(epochs).all() and (epochs >= 0).all() and (epochs == np.floor(epochs)).all()):
            raise InvalidValue("rows", "expected whole, non-negative epochs")
        self.reset()
        self._rows[: rows.shape[0]] = rows
        self._n = rows.shape[0]
        self.stride = stride

    @property
    def rows(self) -> np.ndarray:
        """(n, 3): epoch, train loss, test loss."""
        return self._rows[: self._n].copy()

    def __len__(self) -> int:
        return self._n
