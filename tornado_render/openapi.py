"""The OpenAPI 3.1 description of this server's HTTP API, served at GET /openapi.json.

The RenderRequest is described from the marshmallow schemas that validate it (apispec's MarshmallowPlugin), so the
document follows validation when a field changes. What those schemas check in Python code rather than with
validators is added by hand below (`_refine_render_request`): the userId rules of `schemas.check_user_id` and the
server's own MAX_BOOKS. The document is built once per app, from that app's limits, and lists /storage only when the
app has one (local storage).

OpenAPI 3.1 has no words for the events inside a text/event-stream (3.2 adds `itemSchema`). Here each event's
`data` is a component schema (QueuedEvent, ProgressEvent, CompleteEvent, ErrorEvent); the stream's 200 response
says in words which event name carries which, and its `schema` (StreamEvent) says it in JSON Schema: one event
{event, id, data}, its `data` JSON (`contentMediaType`) matching the event's schema (`contentSchema`). That is the
reading of pre-3.2 documents schemathesis validates streams with. The JSON answers are small marshmallow schemas
here, for the document only: the handlers build those dicts themselves.
"""

from __future__ import annotations

from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import Schema, fields, validate
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from .config import MAX_URL_BYTES
from .schemas import DEFAULT_MAX_BOOKS, MAX_CURRENTLY_READING, MAX_USER_ID, RenderRequestSchema

OPENAPI_VERSION = "3.1.0"
API_VERSION = "0.1.0"
# check_user_id as a pattern: some non-space, no "/" "\" or control characters, no "..", not "." alone. Exact with
# Python's `re` (tested); ECMA-262 regexes (JSON Schema's) also count U+FEFF as space, so refuse a userId of only that.
USER_ID_PATTERN = r"^(?!.*\.\.)(?!\s*\.\s*$)(?=.*\S)[^/\\\u0000-\u001f\u007f-\u009f]+$"
USER_ID = {
    "type": "string",
    "minLength": 1,
    "maxLength": MAX_USER_ID,
    "pattern": USER_ID_PATTERN,
    "description": "non-empty after trimming; no '/', '\\', '..' or control characters; at most 128 bytes in UTF-8",
}
PROMETHEUS_TEXT = CONTENT_TYPE_LATEST
RETRY_AFTER = {
    "description": "seconds to wait before retrying",
    "required": True,
    "schema": {"type": "integer", "minimum": 0},
}


class QueuedEventSchema(Schema):
    position = fields.Integer(
        required=True, validate=validate.Range(min=1), metadata={"description": "1 = next to start"}
    )


class ProgressEventSchema(Schema):
    progress = fields.Integer(
        required=True,
        validate=validate.Range(min=0, max=100),
        metadata={"description": "every integer 0..100 exactly once, in order"},
    )
    phase = fields.String(required=True, validate=validate.OneOf(("bundling", "rendering")))


class CompleteEventSchema(Schema):
    filename = fields.String(required=True, metadata={"description": "the video's file name"})
    s3Url = fields.String(required=True, metadata={"description": "where the stored video is (S3 or /storage)"})


class ErrorEventSchema(Schema):
    message = fields.String(required=True, metadata={"description": '"Render failed: ..." or "S3 upload failed: ..."'})


class ErrorSchema(Schema):
    error = fields.String(required=True)
    field_errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        data_key="fields",
        metadata={"description": "400 only: each bad field's dotted path and its messages (at most 20 fields)"},
    )
    moreFields = fields.Integer(
        validate=validate.Range(min=1), metadata={"description": "400 only: how many more bad fields were not listed"}
    )


class RenderResultSchema(Schema):
    success = fields.Boolean(required=True, validate=validate.Equal(True))
    filename = fields.String(required=True)
    s3Url = fields.String(required=True)
    duration = fields.Float(required=True, metadata={"description": "the video's length in seconds"})
    renderTime = fields.Float(required=True, metadata={"description": "the render's wall time in seconds"})


class RenderFailureSchema(Schema):
    error = fields.String(required=True, metadata={"description": '"Render failed", "S3 upload failed", or other'})
    message = fields.String(metadata={"description": "what failed, as the stream's error event says it"})
    filename = fields.String(metadata={"description": "upload failures: the video kept in the output directory"})
    downloadUrl = fields.String(metadata={"description": "upload failures: where /download serves that video"})


class VideoSchema(Schema):
    filename = fields.String(required=True)
    size = fields.Integer(required=True, validate=validate.Range(min=0))
    created = fields.DateTime(required=True)


class VideosSchema(Schema):
    videos = fields.List(fields.Nested(VideoSchema), required=True)


class HealthSchema(Schema):
    status = fields.String(required=True, validate=validate.Equal("ok"))
    timestamp = fields.DateTime(required=True)


EVENT_SCHEMAS: dict[str, type[Schema]] = {
    "QueuedEvent": QueuedEventSchema,
    "ProgressEvent": ProgressEventSchema,
    "CompleteEvent": CompleteEventSchema,
    "ErrorEvent": ErrorEventSchema,
}
# Event name on the wire -> the component schema of its data.
SSE_EVENTS = {"queued": "QueuedEvent", "progress": "ProgressEvent", "complete": "CompleteEvent", "error": "ErrorEvent"}
BODY_SCHEMAS: dict[str, type[Schema]] = {
    "RenderRequest": RenderRequestSchema,  # registers its nested schemas too (MonthlyRecapExport, Book, ...)
    "Error": ErrorSchema,
    "RenderResult": RenderResultSchema,
    "RenderFailure": RenderFailureSchema,
    "Videos": VideosSchema,
    "Health": HealthSchema,
}

STREAM_DESCRIPTION = """\
A Server-Sent Events stream: `retry: 3000`, then events, each with an `id:` and a JSON `data:` line, and
`: keepalive` comments. The schema (StreamEvent) describes one event as EventSource reads it. Event names and
the schema of their data:

- `queued`: QueuedEvent, while the job waits for a free render slot, each time its place changes;
- `progress`: ProgressEvent, every integer 0..100 exactly once, in order;
- `complete`: CompleteEvent, after the video is rendered and stored; the stream ends;
- `error`: ErrorEvent; the stream ends.

The terminal event's id ends in `.end`."""


def _stream_event() -> dict[str, Any]:
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
            for name, schema in SSE_EVENTS.items()
        ],
    }


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(name: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(name)}}}


def _response(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/responses/{name}"}


def _file_operation(summary: str, parameter: dict[str, Any]) -> dict[str, Any]:
    """A video served from a directory: ranges, and the same JSON 404 for anything not served."""
    return {
        "summary": summary,
        "parameters": [
            parameter,
            {"name": "Range", "in": "header", "required": False, "schema": {"type": "string"}},
        ],
        "responses": {
            "200": {"description": "the video", "content": {"video/mp4": {"schema": {"type": "string"}}}},
            "206": {"description": "the requested range", "content": {"video/mp4": {"schema": {"type": "string"}}}},
            "404": _response("NotFound"),
            "414": _response("UriTooLong"),
            "416": {"description": "the range is outside the file"},
        },
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
SIGNED_PATHS = ("/render-stream", "/render", "/download/{filename}", "/videos")


def _sign(paths: dict[str, dict[str, Any]]) -> None:
    """With RENDER_SIGNING_KEYS set, the reader-facing endpoints need `exp` and `sig`, and may answer 401/403."""
    for path in SIGNED_PATHS:
        for operation in paths[path].values():
            operation["parameters"] = [*operation.get("parameters", []), *SIGNATURE_PARAMETERS]
            operation["responses"]["401"] = _response("SignatureRequired")
            operation["responses"]["403"] = _response("SignatureRefused")


def _paths(local_storage: bool) -> dict[str, dict[str, Any]]:
    stream_parameters = [
        {
            "name": "data",
            "in": "query",
            "required": True,
            "description": "the RenderRequest as URL-encoded JSON; or only its MonthlyRecapExport, with `userId`",
            "content": {"application/json": {"schema": {"anyOf": [_ref("RenderRequest"), _ref("MonthlyRecapExport")]}}},
        },
        {
            "name": "userId",
            "in": "query",
            "required": False,
            "description": "the userId, when `data` is only the MonthlyRecapExport",
            "schema": dict(USER_ID),
        },
        {
            "name": "Last-Event-ID",
            "in": "header",
            "required": False,
            "description": "sent by EventSource when it reconnects: only later events are sent",
            "schema": {"type": "string"},
        },
    ]
    paths: dict[str, dict[str, Any]] = {
        "/render-stream": {
            "get": {
                "summary": "Render a recap and stream its progress",
                "parameters": stream_parameters,
                "responses": {
                    "200": {
                        "description": STREAM_DESCRIPTION,
                        "content": {"text/event-stream": {"schema": _ref("StreamEvent")}},
                    },
                    "204": {"description": "`Last-Event-ID` is a terminal id: the client has the outcome already"},
                    "400": _response("BadRequest"),
                    "414": _response("UriTooLong"),
                    "429": _response("TooManyJobs"),
                    "503": _response("Unavailable"),
                },
            }
        },
        "/render": {
            "post": {
                "summary": "Render a recap and answer when it is stored",
                "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("RenderRequest")}}},
                "responses": {
                    "200": _json("RenderResult", "the video is rendered and stored"),
                    "400": _response("BadRequest"),
                    "413": _json("Error", "the body is larger than 1 MiB"),
                    "414": _response("UriTooLong"),
                    "429": _response("TooManyJobs"),
                    "500": _json("RenderFailure", "the render or the upload failed"),
                    "503": _response("Unavailable"),
                },
            }
        },
        "/download/{filename}": {
            "get": _file_operation(
                "A video still in the output directory",
                {"name": "filename", "in": "path", "required": True, "schema": {"type": "string"}},
            )
        },
        "/videos": {
            "get": {
                "summary": "The finished videos in the output directory",
                "responses": {"200": _json("Videos", "the videos"), "414": _response("UriTooLong")},
            }
        },
        "/health": {
            "get": {
                "summary": "Liveness",
                "responses": {"200": _json("Health", "the server is up"), "414": _response("UriTooLong")},
            }
        },
        "/metrics": {
            "get": {
                "summary": "Prometheus metrics",
                "responses": {
                    "200": {
                        "description": "metrics in Prometheus' text format",
                        "content": {PROMETHEUS_TEXT: {"schema": {"type": "string"}}},
                    },
                    "414": _response("UriTooLong"),
                },
            }
        },
        "/": {
            "get": {
                "summary": "The demo page",
                "responses": {
                    "200": {"description": "an HTML page", "content": {"text/html": {"schema": {"type": "string"}}}},
                    "414": _response("UriTooLong"),
                },
            }
        },
        "/static/{path}": {
            "get": {
                "summary": "The demo page's files, the <render-progress> widget, the sample recaps",
                "parameters": [
                    {
                        "name": "path",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                        "example": "render-progress.js",
                    }
                ],
                "responses": {
                    "200": {"description": "the file", "content": {"*/*": {"schema": {}}}},
                    "404": _response("NotFound"),
                    "414": _response("UriTooLong"),
                },
            }
        },
        "/openapi.json": {
            "get": {
                "summary": "This document",
                "responses": {
                    "200": {
                        "description": "the OpenAPI description",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                    "414": _response("UriTooLong"),
                },
            }
        },
    }
    if local_storage:
        paths["/storage/{key}"] = {
            "get": _file_operation(
                "A stored video (local storage only; `s3Url` points here)",
                {
                    "name": "key",
                    "in": "path",
                    "required": True,
                    "description": "the storage key; it contains `/`",
                    "schema": {"type": "string"},
                },
            )
        }
    return paths


def _refine_render_request(schemas: dict[str, Any], max_books: int) -> None:
    """What the marshmallow schemas check in code, as JSON Schema keywords."""
    schemas["RenderRequest"]["properties"]["userId"] = dict(USER_ID)
    schemas["MonthlyRecapExport"]["properties"]["books"]["maxItems"] = max_books
    schemas["MonthlyRecapExport"]["properties"]["currentlyReading"]["maxItems"] = MAX_CURRENTLY_READING


def build_openapi(
    *, max_books: int = DEFAULT_MAX_BOOKS, local_storage: bool = True, signed: bool = False
) -> dict[str, Any]:
    """The OpenAPI document of a server with these limits, as a JSON-ready dict."""
    spec = APISpec(
        title="tornado-render",
        version=API_VERSION,
        openapi_version=OPENAPI_VERSION,
        plugins=[MarshmallowPlugin()],
        info={
            "description": (
                "Renders a reader's monthly reading recap as a video and streams the render's progress. "
                "Every error body is JSON (`Error`); every endpoint also answers CORS preflights (`OPTIONS`)."
            )
        },
    )
    for name, schema in {**BODY_SCHEMAS, **EVENT_SCHEMAS}.items():
        spec.components.schema(name, schema=schema)
    spec.components.schema("StreamEvent", component=_stream_event())
    spec.components.response("BadRequest", _json("Error", "the request is invalid; `fields` names each bad field"))
    spec.components.response("NotFound", _json("Error", "nothing is served here"))
    spec.components.response(
        "UriTooLong",
        _json("Error", f"the URL is longer than {MAX_URL_BYTES // 1024} KiB (POST /render takes any size)"),
    )
    spec.components.response(
        "Unavailable",
        {
            **_json("Error", "the render queue is full, too many streams are open, or the server is shutting down"),
            "headers": {"Retry-After": RETRY_AFTER},
        },
    )
    spec.components.response(
        "TooManyJobs",
        {
            **_json("Error", "this userId has USER_MAX_JOBS renders queued or running already"),
            "headers": {"Retry-After": RETRY_AFTER},
        },
    )
    spec.components.response("SignatureRequired", _json("Error", '"signature required": no `exp`/`sig`'))
    spec.components.response("SignatureRefused", _json("Error", '"signature does not match" or "signature expired"'))
    paths = _paths(local_storage)
    if signed:
        _sign(paths)
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    document = spec.to_dict()
    _refine_render_request(document["components"]["schemas"], max_books)
    return document
