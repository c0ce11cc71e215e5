"""The playground's NumPy domain: random stream, data, network, training,
heatmaps.  Imports only NumPy, numba, threadpoolctl and the standard library."""

from threadpoolctl import threadpool_limits

# The heatmap pass multiplies thin matrices (10000 x 8 by 8 x 8).  With BLAS
# threads, a 2-core machine running several sessions spends up to ~90x
# longer per product handing work between threads than computing it; one
# BLAS thread per call is right for this work, and sessions run side by
# side in the server's worker threads instead.
threadpool_limits(limits=1, user_api="blas")

from core.config import PlaygroundConfig  # noqa: E402
from core.session import Session  # noqa: E402

__all__ = ["PlaygroundConfig", "Session"]
