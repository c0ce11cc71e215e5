"""A session's network as a standalone Python file that needs only NumPy.

The file holds the weights as literals (written so that they read back bit
for bit) and computes exactly what the server's heatmap shows: the enabled
features, their scaling, every layer's ``a @ W + b`` and activation, and the
decoding of the config's targets onto the label scale.  The formulas below
are the source-text twins of the core's registries; ``SOURCES_COVER`` lets a
test check that every registered name has one.
"""

from __future__ import annotations

import math

import numpy as np

from core.activations import ACTIVATIONS
from core.errors import InvalidValue
from core.features import FEATURES, LARGE_HIGH, SCALINGS, UNIT_HIGH, UNIT_LOW
from core.session import Session
from core.targets import TARGETS

__all__ = ["model_source", "ACTIVATION_SOURCES", "FEATURE_SOURCES", "TARGET_SOURCES", "SCALING_SOURCES"]

# Each expression is the same arithmetic, in the same order, as the registry entry it mirrors.
ACTIVATION_SOURCES: dict[str, str] = {
    "relu": "np.where(z > 0, z, np.where(np.isnan(z), z, 0.0))",
    "tanh": "np.tanh(z)",
    "sigmoid": "1 / (1 + np.exp(-z))",
    "linear": "z",
}
FEATURE_SOURCES: dict[str, str] = {
    "x": "x",
    "y": "y",
    "xSquared": "x * x",
    "ySquared": "y * y",
    "xTimesY": "x * y",
    "sinX": "np.sin(x)",
    "sinY": "np.sin(y)",
}
TARGET_SOURCES: dict[str, str] = {
    "pm1": "o",
    "lecture": "(o - 0.5) / 0.49",
    "zero-one": "2 * o - 1",
}
SCALING_SOURCES: dict[str, str] = {
    "raw": "{value}",
    # UNIT_LOW + (UNIT_HIGH - UNIT_LOW) * (value - low) / (high - low), constants folded as core folds them
    "unit": f"{UNIT_LOW!r} + {UNIT_HIGH - UNIT_LOW!r} * ({{value}} - {{low}}) / {{span}}",
    "large": f"{LARGE_HIGH!r} * ({{value}} - {{low}}) / {{span}}",  # LARGE_HIGH * (value - low) / (high - low)
}
SOURCES_COVER = {
    "activations": (ACTIVATION_SOURCES, ACTIVATIONS),
    "features": (FEATURE_SOURCES, FEATURES),
    "targets": (TARGET_SOURCES, TARGETS),
    "scalings": (SCALING_SOURCES, SCALINGS),
}


def _literal(value: float) -> str:
    if math.isfinite(value):
        return repr(float(value))
    return "np.nan" if math.isnan(value) else ("np.inf" if value > 0 else "-np.inf")


def _array(values: np.ndarray, indent: str) -> str:
    if values.ndim == 1:
        return "np.array([" + ", ".join(_literal(v) for v in values.tolist()) + "])"
    rows = [f"{indent}    [" + ", ".join(_literal(v) for v in row) + "]," for row in values.tolist()]
    return "np.array([\n" + "\n".join(rows) + f"\n{indent}])"


def _feature_line(name: str, scaling: str) -> str:
    feature = FEATURES[name]
    value = FEATURE_SOURCES[name]
    expr = SCALING_SOURCES[scaling].format(
        value=f"({value})", low=f"({_literal(feature.low)})", span=_literal(feature.high - feature.low)
    )
    return f"        {expr},  # {name}"


def model_source(session: Session) -> str:
    """The standalone file for ``session``'s current network (see the module docstring)."""
    config = session.config
    network = session.network
    if network.output_activation == "softmax":
        raise InvalidValue("classes", "the model file holds one output unit; 3 or more classes are not exported yet")
    classify = config.problem == "classification"
    # cross-entropy trains a probability p towards 0/1: the label scale is 2p − 1 (core.session._display)
    decode = "2 * o - 1" if config.loss_function == "cross-entropy" and config.targets == "pm1" else None
    weights = "\n".join(f"    {_array(w, '    ')}," for w in network.weights)
    biases = "\n".join(f"    {_array(b, '    ')}," for b in network.biases)
    features = "\n".join(_feature_line(name, config.inputScaling) for name in config.features)
    scale = "the class is the sign" if classify else "a value in [-1, 1]"
    lines = [
        '"""A network trained in Playground, as a file that needs only NumPy.',
        "",
        f"Exported at epoch {session.epoch}; training loss {session.loss_train!r}, test loss {session.loss_test!r}.",
        "The settings are SETTINGS below, as the page's URL hash.",
        "",
        f"predict(x, y)         the output on the label scale ({scale}), as the page's",
        "                      heatmap and GET /api/sessions/{id}/boundary?format=json show it",
        "network_output(x, y)  the output unit itself, before the targets are decoded",
    ]
    if classify:
        lines.append("classify(x, y)        +1 (blue) where predict >= 0, else -1 (orange)")
    lines += [
        "",
        "x and y are floats (a float comes back) or arrays of any matching shapes.",
        '"""',
        "",
        "import numpy as np",
        "",
        # User text (the seed is one) is only ever a literal written by repr: never in a docstring or a comment.
        f"SETTINGS = {config.to_hash()!r}  # open the page at /#<SETTINGS> for the same settings",
        f"FEATURES = {config.features!r}  # the network's inputs, in order",
        f"SHAPE = {session.shape!r}  # units per layer: inputs, hidden layers, output",
        "# WEIGHTS[l][i, j] links node i of layer l to node j of layer l + 1; BIASES[l][j] is node j's of layer l + 1",
        f"WEIGHTS = [\n{weights}\n]",
        f"BIASES = [\n{biases}\n]",
        "",
        "",
        "def _inputs(x, y):",
        "    return np.column_stack([",
        features,
        "    ]) if FEATURES else np.zeros((x.shape[0], 0))",
        "",
        "",
        "def _hidden(z):",
        f"    return {ACTIVATION_SOURCES[network.activation]}  # {network.activation}",
        "",
        "",
        "def _output(z):",
        f"    return {ACTIVATION_SOURCES[network.output_activation]}  # {network.output_activation}",
        "",
        "",
        "def _decode(o):",
        f"    return {decode or TARGET_SOURCES[config.targets]}  # targets: {config.targets}; {config.loss_function}",
        "",
        "",
        "def _each(function, x, y):",
        "    x, y = np.broadcast_arrays(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))",
        "    out = function(x.ravel(), y.ravel()).reshape(x.shape)",
        "    return float(out) if out.ndim == 0 else out",
        "",
        "",
        "def _forward(x, y):",
        "    a = _inputs(x, y)  # (n, inputs)",
        "    with np.errstate(over='ignore', invalid='ignore'):",
        "        for k, (W, b) in enumerate(zip(WEIGHTS, BIASES)):",
        "            z = a @ W + b",
        "            a = _output(z) if k == len(WEIGHTS) - 1 else _hidden(z)",
        "    return a[:, 0]",
        "",
        "",
        "def network_output(x, y):",
        '    """The output unit at (x, y)."""',
        "    return _each(_forward, x, y)",
        "",
        "",
        "def predict(x, y):",
        '    """The output at (x, y) on the label scale: what the heatmap shows."""',
        "    return _each(lambda x, y: _decode(_forward(x, y)), x, y)",
    ]
    if classify:
        lines += [
            "",
            "",
            "def classify(x, y):",
            '    """+1 or -1 at (x, y), as the page\'s "Discretize output" draws it."""',
            "    labels = np.where(np.asarray(predict(x, y)) >= 0, 1, -1)",
            "    return int(labels) if labels.ndim == 0 else labels",
        ]
    return "\n".join(lines) + "\n"
