"""The page: one template, with what the scripts need embedded as JSON."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.schemas import MAX_EPOCHS
from core.activations import ACTIVATIONS, REGULARIZERS
from core.config import (
    HIDEABLE_CONTROLS,
    LEARNING_RATES,
    MAX_HIDDEN_LAYERS,
    MAX_NEURONS,
    PROBLEMS,
    REGULARIZATION_RATES,
)
from core.datasets import CLASSIFICATION_DATASETS, DATASETS, REGRESSION_DATASETS
from core.features import FEATURES
from core.rng import SeedRandom

router = APIRouter(include_in_schema=False)
THUMBNAIL_POINTS = 200
SPEEDS = (1, 10, 100, 1000)


@lru_cache(maxsize=1)
def _thumbnails() -> dict[str, list[list[float]]]:
    """Points for the data-set pictures: the real generators, noise 0, as the original draws them."""
    rng = SeedRandom("thumbnails")
    return {
        name: [[round(v, 4) for v in point] for point in generator(rng, THUMBNAIL_POINTS, 0.0)]
        for name, generator in DATASETS.items()
    }


def page_config(request: Request) -> dict[str, Any]:
    return {
        "api": "/api",
        "ws": "/ws/sessions/",
        "learningRates": list(LEARNING_RATES),
        "regularizationRates": list(REGULARIZATION_RATES),
        "activations": list(ACTIVATIONS),
        "regularizations": list(REGULARIZERS),
        "problems": list(PROBLEMS),
        "datasets": list(CLASSIFICATION_DATASETS),
        "regDatasets": list(REGRESSION_DATASETS),
        "features": [{"name": f.name, "label": f.label} for f in FEATURES.values()],
        "hideable": [{"name": name, "label": label} for name, label in HIDEABLE_CONTROLS.items()],
        "maxHiddenLayers": MAX_HIDDEN_LAYERS,
        "maxNeurons": MAX_NEURONS,
        "maxEpochsPerFrame": min(MAX_EPOCHS, request.app.state.settings.max_epochs_per_frame),
        "speeds": list(SPEEDS),
        "thumbnails": _thumbnails(),
    }


@router.get("/", response_class=HTMLResponse)
async def index(request: Request) -> HTMLResponse:
    templates = request.app.state.templates
    response: HTMLResponse = templates.TemplateResponse(request, "index.html", {"page_config": page_config(request)})
    return response
