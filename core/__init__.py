"""The playground's NumPy domain: random stream, data, network, training,
heatmaps.  Imports only NumPy, numba and the standard library."""

import os

# The heatmap pass multiplies thin matrices (10000 x 8 by 8 x 8).  With BLAS
# threads, a 2-core machine running several sessions spends ~90x longer per
# product on thread hand-offs than on arithmetic; one thread per call is
# right for this work.  This only takes effect if NumPy is not loaded yet;
# the server and the scripts import core first.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

from core.config import PlaygroundConfig  # noqa: E402
from core.session import Session  # noqa: E402

__all__ = ["PlaygroundConfig", "Session"]
