"""GET /metrics: the app's Prometheus metrics (see metrics.py) in Prometheus' text exposition format."""

from __future__ import annotations

from .base import BaseHandler


class MetricsHandler(BaseHandler):
    """GET /metrics."""

    def get(self) -> None:
        """Prometheus metrics
        ---
        summary: Prometheus metrics
        responses:
          "200":
            description: metrics in Prometheus' text format
            content:
              text/plain; version=1.0.0; charset=utf-8:
                schema:
                  type: string
          "414":
            $ref: '#/components/responses/UriTooLong'
        """
        body, content_type = self.state.metrics.exposition()
        self.set_header("Content-Type", content_type)
        self.set_header("Cache-Control", "no-store")
        self.finish(body)
