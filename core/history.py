"""Loss history that stays small however long a session trains."""

from __future__ import annotations

import numpy as np

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
        """Add ``losses`` (k, 2) for epochs first_epoch .. first_epoch + k - 1."""
        for k in range(losses.shape[0]):
            epoch = first_epoch + k
            if epoch % self.stride == 0:
                self.add(epoch, float(losses[k, 0]), float(losses[k, 1]))

    def replace_last(self, epoch: int, train: float, test: float) -> None:
        """Correct the newest row (the losses changed without an epoch passing)."""
        if self._n and self._rows[self._n - 1, 0] == epoch:
            self._rows[self._n - 1] = (epoch, train, test)
        else:
            self.add(epoch, train, test)

    @property
    def rows(self) -> np.ndarray:
        """(n, 3): epoch, train loss, test loss."""
        return self._rows[: self._n].copy()

    def __len__(self) -> int:
        return self._n
