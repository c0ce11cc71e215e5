"""Your own data: (x, y, label) points checked against the config, and the
CSV form ``x,y,label,set`` they travel in.

Every limit on user points is here: how many rows, how far out a
coordinate may lie, which labels the problem type allows (``label_rule``,
the one place that follows the config).  Errors are InvalidValue naming the
line (CSV) or the index (JSON) and the problem.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.config import PlaygroundConfig
from core.errors import InvalidValue

__all__ = [
    "MAX_POINTS",
    "MAX_COORDINATE",
    "SETS",
    "COLUMNS",
    "LabelRule",
    "UserPoints",
    "label_rule",
    "check_rows",
    "parse_csv",
    "json_points",
    "to_csv",
]

MAX_POINTS = 5000  # rows in one upload, train and test together (the generators make 500 or 1200)
# The plane shows [-6, 6]²; the noisiest generated points stay within about ±11.  A coordinate
# beyond ±50 is almost always a unit mistake (pixels, not plane units), so it is refused.
MAX_COORDINATE = 50.0
# reg-plane's labels are (x + y)/10 of points within ±6 plus up to ±3 of noise each: they reach
# ±1.8 at 50 % noise.  Regression labels within ±2 let the generated data go out and come back in.
MAX_REGRESSION_LABEL = 2.0
SETS = ("train", "test")
COLUMNS = ("x", "y", "label", "set")


@dataclass(frozen=True)
class LabelRule:
    """The labels one config allows: a set of class values, or a closed range."""

    problem: str
    classes: tuple[float, ...] | None  # allowed values (classification), or None for a range
    low: float
    high: float

    def problem_with(self, label: float) -> str | None:
        """Why ``label`` is not allowed, or None when it is."""
        if self.classes is not None:
            if label in self.classes:
                return None
            return f"label {label:g} is not a class of {self.problem}; allowed: {self.allowed}"
        if self.low <= label <= self.high:
            return None
        return f"label {label:g} is outside {self.allowed} ({self.problem})"

    @property
    def allowed(self) -> str:
        if self.classes is not None:
            return ", ".join(f"{c:g}" for c in self.classes)
        return f"[{self.low:g}, {self.high:g}]"


def label_rule(config: PlaygroundConfig) -> LabelRule:
    """The labels ``config`` trains on: classification ±1 (orange −1, blue +1), or 0 .. classes − 1 for three
    or more classes; regression a value in [−2, 2] (the generated data's range)."""
    if config.problem == "classification" and config.n_classes > 2:  # classes 0 .. K − 1 (core.datasets)
        top = config.n_classes - 1
        return LabelRule(f"classification with {top + 1} classes", tuple(map(float, range(top + 1))), 0.0, top)
    if config.problem == "classification":
        return LabelRule("classification", (-1.0, 1.0), -1.0, 1.0)
    return LabelRule("regression", None, -MAX_REGRESSION_LABEL, MAX_REGRESSION_LABEL)


@dataclass(frozen=True)
class UserPoints:
    """Checked points, and which set each belongs to (None: split by ``percTrainData``)."""

    points: np.ndarray  # (n, 3): x, y, label
    in_train: np.ndarray | None  # (n,) bool


def _check_point(x: float, y: float, label: float, rule: LabelRule, where: str) -> None:
    for name, value in (("x", x), ("y", y), ("label", label)):
        if not math.isfinite(value):
            raise InvalidValue(where, f"{name} must be a finite number, got {value!r}")
    for name, value in (("x", x), ("y", y)):
        if abs(value) > MAX_COORDINATE:
            raise InvalidValue(
                where, f"{name} = {value:g} is outside [-{MAX_COORDINATE:g}, {MAX_COORDINATE:g}] (the plane is [-6, 6])"
            )
    problem = rule.problem_with(label)
    if problem is not None:
        raise InvalidValue(where, problem)


def _check_count(n: int, where: str) -> None:
    if n > MAX_POINTS:
        raise InvalidValue(where, f"more than {MAX_POINTS} points")


def check_rows(rows: Sequence[Sequence[float]], config: PlaygroundConfig, name: str) -> np.ndarray:
    """[x, y, label] rows (e.g. from JSON) checked against ``config``: (n, 3); errors name ``name[i]``."""
    _check_count(len(rows), name)
    rule = label_rule(config)
    for i, row in enumerate(rows):
        if len(row) != 3:
            raise InvalidValue(f"{name}[{i}]", f"expected [x, y, label], got {len(row)} values")
        x, y, label = (float(v) for v in row)
        _check_point(x, y, label, rule, f"{name}[{i}]")
    return np.array(rows, dtype=np.float64).reshape(-1, 3)


def _number(cell: str, column: str, line: int) -> float:
    try:
        value = float(cell)
    except ValueError:
        raise InvalidValue(f"line {line}", f"{column} is {cell.strip()!r}, not a number") from None
    return value


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _header(cells: list[str], line: int) -> list[str] | None:
    """The column order a header names, or None when the first row is data."""
    names = [cell.strip().lower() for cell in cells]
    if any(_is_number(cell) for cell in names):
        return None  # data (a bad cell in it is reported as such)
    for name in names:
        if name not in COLUMNS:
            raise InvalidValue(
                f"line {line}", f"unknown column {name!r}; the columns are x, y, label and optionally set"
            )
    for name in COLUMNS:
        if names.count(name) > 1:
            raise InvalidValue(f"line {line}", f"column {name!r} appears twice")
    missing = [name for name in COLUMNS[:3] if name not in names]
    if missing:
        raise InvalidValue(f"line {line}", f"missing column {', '.join(missing)}; expected x, y, label[, set]")
    return names


def parse_csv(text: str, config: PlaygroundConfig) -> UserPoints:
    """Points from CSV text ``x,y,label[,set]``, checked against ``config``.

    The header line is optional (without it the columns are x, y, label and
    optionally set, in that order); blank lines and lines starting with ``#``
    are skipped.  ``set`` is ``train`` or ``test``; without a set column the
    points are split by ``percTrainData``.
    """
    if "\x00" in text:
        raise InvalidValue("body", "not CSV text: it contains NUL bytes")
    rule = label_rule(config)
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")), strict=True)
    columns: list[str] | None = None
    rows: list[tuple[float, float, float]] = []
    sets: list[bool] = []
    try:
        for cells in reader:
            line = reader.line_num
            if not cells or all(cell.strip() == "" for cell in cells) or cells[0].lstrip().startswith("#"):
                continue
            if columns is None:
                columns = _header(cells, line)
                if columns is not None:
                    continue
                columns = list(COLUMNS[: len(cells)]) if len(cells) in (3, 4) else list(COLUMNS[:3])
            if len(cells) != len(columns):
                expected = f"{len(columns)} values ({', '.join(columns)})"
                raise InvalidValue(f"line {line}", f"expected {expected}, got {len(cells)}")
            if len(rows) == MAX_POINTS:
                raise InvalidValue(f"line {line}", f"more than {MAX_POINTS} points")
            values = dict(zip(columns, cells, strict=True))
            x, y, label = (_number(values[name], name, line) for name in ("x", "y", "label"))
            _check_point(x, y, label, rule, f"line {line}")
            if "set" in values:
                kind = values["set"].strip().lower()
                if kind not in SETS:
                    raise InvalidValue(f"line {line}", f"set is {values['set'].strip()!r}; allowed: train, test")
                sets.append(kind == "train")
            rows.append((x, y, label))
    except csv.Error as exc:
        raise InvalidValue(f"line {reader.line_num}", f"not valid CSV: {exc}") from None
    if not rows:
        raise InvalidValue("body", "no points: expected lines x,y,label[,set] (a header line is optional)")
    points = np.array(rows, dtype=np.float64).reshape(-1, 3)
    in_train = np.array(sets, dtype=np.bool_) if columns is not None and "set" in columns else None
    return UserPoints(points, in_train)


def json_points(body: dict[str, Any], config: PlaygroundConfig) -> UserPoints:
    """Points from ``{"points": rows}`` (split by percTrainData) or ``{"train": rows, "test": rows}``."""
    if body.get("points") is not None:
        if body.get("train") is not None or body.get("test") is not None:
            raise InvalidValue("points", "send either points (split by percTrainData) or train and test, not both")
        return UserPoints(check_rows(body["points"], config, "points"), None)
    train = check_rows(body.get("train") or [], config, "train")
    test = check_rows(body.get("test") or [], config, "test")
    _check_count(train.shape[0] + test.shape[0], "body")
    in_train = np.concatenate([np.ones(train.shape[0], np.bool_), np.zeros(test.shape[0], np.bool_)])
    return UserPoints(np.vstack([train, test]), in_train)


def _cells(points: np.ndarray, kind: str) -> Iterable[str]:
    for x, y, label in points.tolist():
        yield f"{x!r},{y!r},{label!r},{kind}\r\n"


def to_csv(train: np.ndarray, test: np.ndarray) -> str:
    """The points as CSV with a header; numbers written exactly (they read back bit for bit)."""
    return "".join(["x,y,label,set\r\n", *_cells(train, "train"), *_cells(test, "test")])
