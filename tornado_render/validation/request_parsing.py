"""From a request to a validated, typed RenderRequest: the stream's query string, or a JSON body (POST /render,
POST /validate, and the file `tornado-render render` reads).

The `data` query parameter is percent-decoded exactly once, by Tornado's query parsing; the bytes are then parsed
as JSON and nothing is unquoted again, so a title such as `100% Fun & Games + "more"` survives intact. Tornado's
get_argument is avoided on purpose: it strips whitespace and rewrites control characters.

A template and the video's shapes travel inside the RenderRequest (`template`, `templateId`, `formats`: the POST
body, or the JSON in `data`), or as query parameters of their own: `template` and `formats` (URL-encoded JSON) and
`templateId`. A query parameter beside a RenderRequest that has the same field is refused rather than guessed
between.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..recap import RenderRequest, normalized_formats
from ..templates import SCENE_TIMING, TIMING_RANGE
from .schemas import InvalidRequest, RequestLimits, validate_render_request

# A JSON escape of a UTF-16 surrogate: the only way a lone surrogate (not text; it cannot be stored, logged or
# hashed as UTF-8) gets into a decoded request.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89abcdefABCDEF]")


def _decode_json(raw: bytes, what: str) -> Any:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidRequest({what: ["must be UTF-8 text"]}) from None
    if not text.strip():
        raise InvalidRequest({what: ["is empty; expected JSON"]})
    try:
        decoded = json.loads(text)
    except ValueError as error:
        raise InvalidRequest({what: [f"is not valid JSON ({error})"]}) from None
    except RecursionError:
        # The C decoder refuses nesting deeper than the interpreter's recursion limit (~1,000 levels); a
        # RenderRequest is six levels deep.
        raise InvalidRequest({what: ["is nested too deeply to be a RenderRequest"]}) from None
    if _SURROGATE_ESCAPE.search(raw):
        _check_text(decoded, what)
    return decoded


def _check_text(decoded: Any, what: str) -> None:
    """Every string of a decoded JSON document must be Unicode text: the decoder joins escaped surrogate pairs but
    leaves a lone surrogate as it is."""
    try:
        json.dumps(decoded, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidRequest(
            {what: ["contains a lone UTF-16 surrogate (\\ud800-\\udfff), which is not text"]}
        ) from None
    except RecursionError:
        raise InvalidRequest({what: ["is nested too deeply to be a RenderRequest"]}) from None


def _typed(payload: Any, limits: RequestLimits) -> RenderRequest:
    valid = validate_render_request(payload, limits)
    return RenderRequest(
        user_id=valid.document["userId"],
        recap=valid.document["data"],
        template=valid.template,
        warnings=tuple(valid.warnings),
        formats=normalized_formats(valid.document.get("formats") or ()),
    )


def _text(raw: bytes, name: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidRequest({name: ["must be UTF-8 text"]}) from None


def parse_stream_query(query: dict[str, list[bytes]], limits: RequestLimits) -> RenderRequest:
    """`?data=<RenderRequest JSON>`, or `?userId=...&data=<MonthlyRecapExport JSON>` as some clients send it; either
    form optionally with `&template=<Template JSON>&templateId=<preset>&formats=<JSON list>`."""
    values = query.get("data")
    if not values:
        raise InvalidRequest({"data": ["query parameter is required (URL-encoded JSON RenderRequest)"]})
    payload = _decode_json(values[0], "data")
    user_ids = query.get("userId")
    if user_ids and isinstance(payload, dict) and "data" not in payload:
        payload = {"userId": _text(user_ids[0], "userId"), "data": payload}
    if isinstance(payload, dict):
        extra: dict[str, Any] = {}
        if query.get("template"):
            extra["template"] = _decode_json(query["template"][0], "template")
        if query.get("templateId"):
            extra["templateId"] = _text(query["templateId"][0], "templateId")
        if query.get("formats"):
            extra["formats"] = _decode_json(query["formats"][0], "formats")
        twice = sorted(name for name in extra if name in payload)
        if twice:
            raise InvalidRequest({name: ["given both in data and as a query parameter"] for name in twice})
        payload = {**payload, **extra}
    return _typed(payload, limits)


def parse_json_body(body: bytes, limits: RequestLimits) -> RenderRequest:
    return _typed(_decode_json(body, "body"), limits)


def as_given(template: dict[str, Any]) -> dict[str, Any]:
    """A resolved template as a request could have given it: a scene's total longer than a timing value may be
    (the sum of its parts, which resolving put there) is left out, and resolving puts it back."""
    timing = template.get("global", {}).get("timing")
    if not isinstance(timing, dict):
        return template
    derived = {total for _, total in SCENE_TIMING.values() if isinstance(timing.get(total), int)}
    kept = {key: value for key, value in timing.items() if key not in derived or value <= TIMING_RANGE[1]}
    return {**template, "global": {**template["global"], "timing": kept}}


def revalidate(request: RenderRequest, limits: RequestLimits) -> None:
    """A request read back from the job store, checked exactly as the web side checks a new one; InvalidRequest
    unless it passes and validation leaves it as it is. A worker renders what it finds in Redis, and something else
    than this service's web side may have written it there."""
    wire = request.as_json()
    payload = {"userId": wire.get("userId"), "data": wire.get("data")}
    if "template" in wire:
        payload["template"] = as_given(wire["template"])
    valid = validate_render_request(payload, limits)
    unchanged = {
        "userId": valid.document["userId"] == request.user_id,
        "data": valid.document["data"] == request.recap,
        "template": valid.template == dict(request.template) or not request.template,
    }
    changed = sorted(name for name, same in unchanged.items() if not same)
    if changed:
        raise InvalidRequest({name: ["is not what validation makes of it"] for name in changed})
