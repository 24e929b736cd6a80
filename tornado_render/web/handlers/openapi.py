"""GET /openapi.json: the OpenAPI description of this server's API, built once when the app is built (openapi.py)."""

from __future__ import annotations

from typing import Any

from .base import BaseHandler


class OpenApiHandler(BaseHandler):
    """GET /openapi.json."""

    def initialize(self, document: dict[str, Any]) -> None:
        self.document = document

    def get(self) -> None:
        """This document
        ---
        summary: This document
        responses:
          "200":
            description: the OpenAPI description
            content:
              application/json:
                schema:
                  type: object
          "414":
            $ref: '#/components/responses/UriTooLong'
        """
        self.write_json(self.document)
