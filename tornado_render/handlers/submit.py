"""Turning a validated request into a job, with the service's refusals as JSON errors."""

from __future__ import annotations

from typing import Any

from ..app_state import AppState
from ..job import Job
from ..jobs import QueueFull, ShuttingDown, UserLimitReached
from .base import ApiError


def submit_job(state: AppState, request: dict[str, Any], last_event_id: str | None = None) -> Job:
    try:
        return state.jobs.submit(request, last_event_id)
    except UserLimitReached as error:
        raise ApiError(
            429,
            f"This user has {error.active} renders queued or running already; try again when one has finished",
            headers={"Retry-After": str(error.retry_after)},
        ) from None
    except QueueFull as error:
        raise ApiError(
            503, "The render queue is full; try again later", headers={"Retry-After": str(error.retry_after)}
        ) from None
    except ShuttingDown:
        raise ApiError(503, "The server is shutting down", headers={"Retry-After": "30"}) from None
