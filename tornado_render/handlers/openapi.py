"""GET /openapi.json: the OpenAPI description of this server's API, built once when the app is built (openapi.py)."""

from __future__ import annotations

from typing import Any

from .base import JsonHandler


class OpenApiHandler(JsonHandler):
    def initialize(self, document: dict[str, Any]) -> None:
        self.document = document

    def get(self) -> None:
        self.write_json(self.document)
