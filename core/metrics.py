"""Classification metrics: accuracy and the confusion matrix.

Classes are numbered in label order: with two classes, 0 is the label −1
(orange) and 1 is +1 (blue); with three or more, the labels 0 .. K − 1.
A point's predicted class is the sign of the output on the label scale
(as the original's "discretize": >= 0 is +1) for one output unit, and the
most probable class (the first on ties) for a softmax.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Metrics", "true_classes", "predicted_classes", "confusion", "metrics"]


def true_classes(labels: np.ndarray, classes: int) -> np.ndarray:
    """Class numbers of (n,) labels: ±1 -> 0/1 for two classes, else the labels themselves."""
    if classes == 2:
        return (labels > 0).astype(np.int64)
    return labels.astype(np.int64)


def predicted_classes(outputs: np.ndarray) -> np.ndarray:
    """Class numbers from (n, units) outputs on the label scale (one unit) or probabilities."""
    if outputs.shape[1] == 1:
        return (outputs[:, 0] >= 0).astype(np.int64)
    classes: np.ndarray = np.argmax(outputs, axis=1).astype(np.int64)
    return classes


def confusion(true: np.ndarray, predicted: np.ndarray, classes: int) -> np.ndarray:
    """(classes, classes) counts: row = true class, column = predicted class."""
    counts = np.bincount(true * classes + predicted, minlength=classes * classes)
    matrix: np.ndarray = counts.reshape(classes, classes)
    return matrix


@dataclass(frozen=True)
class Metrics:
    accuracy_train: float | None  # None without points (or for regression)
    accuracy_test: float | None
    confusion_train: np.ndarray | None  # (classes, classes) int64
    confusion_test: np.ndarray | None

    def to_dict(self) -> dict[str, object]:
        return {
            "accuracy_train": self.accuracy_train,
            "accuracy_test": self.accuracy_test,
            "confusion_train": None if self.confusion_train is None else self.confusion_train.tolist(),
            "confusion_test": None if self.confusion_test is None else self.confusion_test.tolist(),
        }


NO_METRICS = Metrics(None, None, None, None)


def metrics(
    train_outputs: np.ndarray, train_labels: np.ndarray, test_outputs: np.ndarray, test_labels: np.ndarray, classes: int
) -> Metrics:
    """Accuracy and confusion of train and test points from their outputs (see module doc)."""
    matrices = []
    accuracies: list[float | None] = []
    for outputs, labels in ((train_outputs, train_labels), (test_outputs, test_labels)):
        matrix = confusion(true_classes(labels, classes), predicted_classes(outputs), classes)
        matrices.append(matrix)
        n = labels.shape[0]
        accuracies.append(float(np.trace(matrix)) / n if n else None)
    return Metrics(accuracies[0], accuracies[1], matrices[0], matrices[1])
