"""The OpenAPI 3.1 description of this server's HTTP API, served at GET /openapi.json.

The paths come from the application's own routes (apispec's Tornado plugin reads each URLSpec and the YAML after
`---` in its handler methods' docstrings), so an endpoint is documented where it is written and the document
lists exactly the routes the app has (/storage only with local storage). The RenderRequest is described from the
marshmallow schemas that validate it (its `template` from template.schema.json, exported from template.ts) and
the answers from the schemas the handlers build them with (responses.py). What the schemas check in code rather
than with validators is added below (`_refine`): the userId rules of `schemas.check_user_id`, this server's
MAX_BOOKS and its presets (`templateId`). With
RENDER_SIGNING_KEYS set, the signed operations get their `exp` and `sig` parameters and the 401/403 answers
(`_sign`).

OpenAPI 3.1 has no words for the events inside a text/event-stream (3.2 adds `itemSchema`). Here each event's
`data` is a component schema (QueuedEvent, ProgressEvent, CompleteEvent, ErrorEvent); the stream's 200 response
says in words which event name carries which, and its `schema` (StreamEvent) says it in JSON Schema: one event
{event, id, data}, its `data` JSON (`contentMediaType`) matching the event's schema (`contentSchema`). That is the
reading of pre-3.2 documents schemathesis validates streams with.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from apispec import APISpec, yaml_utils
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec_webframeworks.tornado import TornadoPlugin
from tornado.routing import URLSpec

from ..settings import MAX_URL_BYTES
from ..template_shape import DEFINITIONS
from ..templates import DEFAULT_PRESET
from ..validation.schemas import DEFAULT_IGNORABLE, MAX_CURRENTLY_READING, MAX_USER_ID, RenderRequestSchema
from .responses import BATCH_SSE_EVENTS, BODY_SCHEMAS, EVENT_SCHEMAS, SSE_EVENTS

OPENAPI_VERSION = "3.1.0"
API_VERSION = "0.1.0"
# check_user_id as a pattern: some non-space, no "/" "\", control or invisible characters, no "..", not "." alone.
# Exact with Python's `re` (tested); ECMA-262 regexes (JSON Schema's) also count U+FEFF as space, so refuse a userId
# of only that.
USER_ID_PATTERN = r"^(?!.*\.\.)(?!\s*\.\s*$)(?=.*\S)[^/\\\u0000-\u001f\u007f-\u009f" + DEFAULT_IGNORABLE + "]+$"
USER_ID = {
    "type": "string",
    "minLength": 1,
    "maxLength": MAX_USER_ID,
    "pattern": USER_ID_PATTERN,
    "description": "non-empty after trimming; no '/', '\\', '..', control or invisible (default-ignorable) characters;"
    " at most 128 bytes in UTF-8; quotas count it after NFKC normalisation and case folding",
}
RETRY_AFTER = {
    "description": "seconds to wait before retrying",
    "required": True,
    "schema": {"type": "integer", "minimum": 0},
}
SIGNATURE_PARAMETERS = [
    {
        "name": "exp",
        "in": "query",
        "required": True,
        "description": "expiry of the signature, Unix seconds (signed with the rest of the target)",
        "schema": {"type": "integer", "minimum": 0},
    },
    {
        "name": "sig",
        "in": "query",
        "required": True,
        "description": "base64url(HMAC-SHA256(key, METHOD \\n target-before-&sig= \\n body)), the last parameter",
        "schema": {"type": "string"},
    },
]


class RoutesPlugin(TornadoPlugin):
    """apispec's Tornado plugin, tolerant of HTTP methods Tornado handlers do not have.

    apispec-webframeworks 1.2.0 looks up every method apispec knows (`trace` included) with a plain getattr, which
    fails on Tornado handlers; a method a handler does not have documents nothing.
    """

    @staticmethod
    def _operations_from_methods(handler_class: Any) -> Iterator[dict[str, dict[str, Any]]]:
        for method_name in sorted(yaml_utils.PATH_KEYS):
            method = getattr(handler_class, method_name, None)
            operation = yaml_utils.load_yaml_from_docstring(getattr(method, "__doc__", None) or "")
            if operation:
                yield {method_name: operation}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(name: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(name)}}}


def _with_retry_after(response: dict[str, Any]) -> dict[str, Any]:
    return {**response, "headers": {"Retry-After": RETRY_AFTER}}


def _stream_event(events: dict[str, str]) -> dict[str, Any]:
    """One event of the stream: before OpenAPI 3.2 (`itemSchema`), a text/event-stream `schema` describes one event
    (schemathesis reads it so); its JSON `data` is described with JSON Schema's contentMediaType/contentSchema."""
    return {
        "type": "object",
        "properties": {"event": {"type": "string"}, "id": {"type": "string"}, "data": {"type": "string"}},
        "required": ["event", "id", "data"],
        "oneOf": [
            {
                "properties": {
                    "event": {"const": name},
                    "data": {"contentMediaType": "application/json", "contentSchema": _ref(schema)},
                }
            }
            for name, schema in events.items()
        ],
    }


RESPONSES: dict[str, dict[str, Any]] = {
    "BadRequest": _json("Error", "the request is invalid; `fields` names each bad field"),
    "NotFound": _json("Error", "nothing is served here"),
    "UriTooLong": _json("Error", f"the URL is longer than {MAX_URL_BYTES // 1024} KiB (POST /render takes 1 MiB)"),
    "TooLarge": _json("Error", "the body is larger than 1 MiB"),
    "UnsupportedMediaType": _json("Error", "the body is not sent as Content-Type: application/json"),
    "Unavailable": _with_retry_after(
        _json("Error", "the render queue is full, too many streams are open, or the server is shutting down")
    ),
    "TooManyJobs": _with_retry_after(
        _json(
            "Error",
            "this userId has USER_MAX_JOBS renders queued or running already (or, for a stream, USER_MAX_STREAMS "
            "streams open)",
        )
    ),
    "NotBuiltYet": _with_retry_after(
        _json("Error", "not built yet for this version of the composition (it is being built); try again later")
    ),
    "SignatureRequired": _json("Error", '"signature required": no `exp`/`sig`'),
    "SignatureRefused": _json("Error", '"signature does not match" or "signature expired"'),
    "Video": {"description": "the video", "content": {"video/mp4": {"schema": {"type": "string"}}}},
    "VideoRange": {"description": "the requested range", "content": {"video/mp4": {"schema": {"type": "string"}}}},
}


def _sign(paths: dict[str, dict[str, Any]], handlers: dict[str, type]) -> None:
    """With RENDER_SIGNING_KEYS set, the reader-facing operations need `exp` and `sig`, and may answer 401/403."""
    for path, operations in paths.items():
        if not getattr(handlers[path], "signed", False):
            continue
        for operation in operations.values():
            operation["parameters"] = [*operation.get("parameters", []), *SIGNATURE_PARAMETERS]
            operation["responses"]["401"] = {"$ref": "#/components/responses/SignatureRequired"}
            operation["responses"]["403"] = {"$ref": "#/components/responses/SignatureRefused"}


def _template_id(template_ids: Sequence[str]) -> dict[str, Any]:
    return {
        "type": ["string", "null"],
        "enum": [*template_ids, None],
        "description": "a preset (GET /templates) the template starts from; default `default`",
    }


def _template_components() -> dict[str, Any]:
    """The Template and its parts as components: template.schema.json's definitions (exported from template.ts),
    their references pointed at the document's components."""
    text = json.dumps(DEFINITIONS).replace('"#/$defs/', '"#/components/schemas/')
    components: dict[str, Any] = json.loads(text)
    return components


def _refine(schemas: dict[str, Any], max_books: int, template_ids: Sequence[str]) -> None:
    """What the marshmallow schemas check in code, as JSON Schema keywords; the Template, from its JSON Schema."""
    schemas.update(_template_components())
    template = schemas["RenderRequest"]["properties"]["template"]
    template["anyOf"] = [_ref("Template"), {"type": "null"}]
    schemas["RenderRequest"]["properties"]["userId"] = dict(USER_ID)
    schemas["RenderRequest"]["properties"]["templateId"] = {"$ref": "#/components/schemas/TemplateId"}
    schemas["TemplateId"] = _template_id(template_ids)
    description = schemas["TemplateEntry"]["properties"]["template"]["description"]
    schemas["TemplateEntry"]["properties"]["template"] = {
        "$ref": "#/components/schemas/Template",
        "description": description,
    }
    formats = schemas["RenderRequest"]["properties"]["formats"]
    formats["uniqueItems"] = True
    schemas["Formats"] = formats
    schemas["RenderRequest"]["properties"]["formats"] = {"$ref": "#/components/schemas/Formats"}
    schemas["MonthlyRecapExport"]["properties"]["books"]["maxItems"] = max_books
    schemas["MonthlyRecapExport"]["properties"]["currentlyReading"]["maxItems"] = MAX_CURRENTLY_READING


def build_openapi(
    routes: Sequence[URLSpec], *, max_books: int, signed: bool, template_ids: Sequence[str] = (DEFAULT_PRESET,)
) -> dict[str, Any]:
    """The OpenAPI document of an app with these routes, limits and presets, as a JSON-ready dict."""
    spec = APISpec(
        title="tornado-render",
        version=API_VERSION,
        openapi_version=OPENAPI_VERSION,
        plugins=[MarshmallowPlugin(), RoutesPlugin()],
        info={
            "description": (
                "Renders a reader's monthly reading recap as a video and streams the render's progress. "
                "Every error body is JSON (`Error`); every endpoint also answers CORS preflights (`OPTIONS`)."
            )
        },
    )
    spec.components.schema("RenderRequest", schema=RenderRequestSchema)  # with its nested schemas
    for name, schema in {**BODY_SCHEMAS, **EVENT_SCHEMAS}.items():
        spec.components.schema(name, schema=schema)
    spec.components.schema("StreamEvent", component=_stream_event(SSE_EVENTS))
    spec.components.schema("BatchStreamEvent", component=_stream_event(BATCH_SSE_EVENTS))
    spec.components.schema("UserId", component=dict(USER_ID))
    for name, response in RESPONSES.items():
        spec.components.response(name, response)
    handlers: dict[str, type] = {}
    for route in routes:
        path = RoutesPlugin.tornadopath2openapi(route, route.handler_class.get)
        handlers[path] = route.handler_class
        spec.path(urlspec=route)
    document = spec.to_dict()
    if signed:
        _sign(document["paths"], handlers)
    _refine(document["components"]["schemas"], max_books, template_ids)
    return document
