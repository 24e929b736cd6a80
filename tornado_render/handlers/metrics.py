"""GET /metrics: the app's Prometheus metrics (see metrics.py) in Prometheus' text exposition format."""

from __future__ import annotations

from .base import JsonHandler


class MetricsHandler(JsonHandler):
    def get(self) -> None:
        body, content_type = self.state.metrics.exposition()
        self.set_header("Content-Type", content_type)
        self.set_header("Cache-Control", "no-store")
        self.finish(body)
