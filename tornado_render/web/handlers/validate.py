"""POST /validate: what POST /render would answer about a request, without rendering it.

The demo page checks a pasted recap with it before its preview plays one (the preview draws with the composition's
code, which trusts its props), and a client can check its export before it asks for a video. It reads the body exactly
as POST /render does (RenderHandler.read_request: the same size limit, signature and 400), so the two cannot disagree
about a request; a valid one is answered with the video's length and the warnings known before a render: the
template's ignored keys, and the covers whose URL alone shows they will not be used (not http/https, an address
that is not allowed). A cover that 404s or is not an image is only known when the render fetches it, and is named
in the render's warnings then; fetching here would make every keystroke of the demo page fetch every cover.
"""

from __future__ import annotations

from ...templates import FPS
from ..responses import ValidationResultSchema
from .render import RenderHandler


class ValidateHandler(RenderHandler):
    """POST /validate."""

    async def post(self) -> None:
        """Check a request as POST /render would, without rendering
        ---
        summary: Check a request as POST /render would, without rendering
        requestBody:
          required: true
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/RenderRequest'
        responses:
          "200":
            description: the request is valid; the video's length and what POST /render would warn about
            content:
              application/json:
                schema:
                  $ref: '#/components/schemas/ValidationResult'
          "400":
            $ref: '#/components/responses/BadRequest'
          "413":
            $ref: '#/components/responses/TooLarge'
          "414":
            $ref: '#/components/responses/UriTooLong'
          "415":
            $ref: '#/components/responses/UnsupportedMediaType'
          "503":
            $ref: '#/components/responses/Unavailable'
        """
        request = self.read_request()
        frames = self.state.pipeline.duration_frames(request)
        covers = self.state.pipeline.refused_covers(request)
        warnings = [*request.warnings, *covers]
        result = {"valid": True, "duration": frames / FPS, "frames": frames, "warnings": warnings}
        self.write_json(ValidationResultSchema().dump(result))
