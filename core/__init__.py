"""The playground's NumPy domain: random stream, data, network, training,
heatmaps.  Imports only NumPy, numba and the standard library."""

from core.config import PlaygroundConfig
from core.session import Session

__all__ = ["PlaygroundConfig", "Session"]
