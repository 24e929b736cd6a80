"""The JSON this server answers with, as marshmallow schemas: the handlers build their bodies through them
(`schema.dump`), and the OpenAPI document describes the same schemas, so an answer and its description cannot part.

Events are described here too (QueuedEvent ... ErrorEvent): the job manager writes them, the document shows them.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from marshmallow import Schema, fields, validate


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


class AssetsSchema(Schema):
    """What a render made besides the story video, by name; only what exists. Absolute URLs."""

    poster = fields.String(metadata={"description": "the video's poster frame: JPEG, 1080x1920 (frame 0)"})
    card = fields.String(metadata={"description": "a link card (Open Graph image): JPEG, 1200x630"})
    square = fields.String(metadata={"description": "the square video (1080x1080), when `formats` asked for it"})
    landscape = fields.String(metadata={"description": "the landscape video (1920x1080), when `formats` asked for it"})
    share = fields.String(
        metadata={"description": "the video's public share page (GET /share/{token}), with SHARE_PAGES=on"}
    )


def _assets(description: str, **kwargs: Any) -> fields.Nested:
    return fields.Nested(AssetsSchema, metadata={"description": description}, **kwargs)


class CompleteEventSchema(Schema):
    filename = fields.String(required=True, metadata={"description": "the video's file name"})
    s3Url = fields.String(required=True, metadata={"description": "where the stored video is (S3 or /storage)"})
    warnings = fields.List(
        fields.String(),
        metadata={
            "description": "what the reader should know about the video, e.g. a soundtrack that could not be used"
            " (`template.audio.url: the track could not be used (...); the video is silent`); usually empty"
        },
    )
    assets = _assets("the video's poster, card, other shapes and share page (an addition to the spec's fields)")


class ErrorEventSchema(Schema):
    message = fields.String(
        required=True,
        metadata={
            "description": '"Render failed: ..." or "S3 upload failed: ...": one fixed sentence per kind of failure'
            " (what happened in detail is in the server's log, under the job's id)"
        },
    )
    jobId = fields.String(metadata={"description": "the job's id, for support: the server's log lines carry it"})


class BadItemSchema(Schema):
    """One refused item of a batch (POST /batches' 400): its index and what POST /render would have said of it."""

    index = fields.Integer(required=True, metadata={"description": "the item's place in the batch, from 0"})
    error = fields.String(required=True)
    field_errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), data_key="fields")
    messages = fields.List(fields.String())
    hint = fields.String()
    moreFields = fields.Integer(validate=validate.Range(min=1))


class ErrorSchema(Schema):
    error = fields.String(required=True)
    field_errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        data_key="fields",
        metadata={"description": "400 only: each bad field's dotted path and its messages (at most 20 fields)"},
    )
    messages = fields.List(
        fields.String(),
        metadata={
            "description": "400 only: each bad field in plain words, one sentence per field of `fields`, in its order"
            ' ("Book 1: the title is longer than 500 characters")'
        },
    )
    hint = fields.String(
        metadata={"description": "400 only, sometimes: what the mistake probably is (a recap sent without its wrapper)"}
    )
    moreFields = fields.Integer(
        validate=validate.Range(min=1), metadata={"description": "400 only: how many more bad fields were not listed"}
    )
    # Not `items`: marshmallow would find a dict's items() method on an error without bad items.
    bad_items = fields.List(
        fields.Nested(BadItemSchema),
        data_key="items",
        metadata={"description": "POST /batches' 400 only: each bad item (the first 10), by its index"},
    )
    moreItems = fields.Integer(
        validate=validate.Range(min=1), metadata={"description": "POST /batches' 400 only: bad items not listed"}
    )


class RenderResultSchema(Schema):
    success = fields.Boolean(required=True, validate=validate.Equal(True))
    filename = fields.String(required=True)
    s3Url = fields.String(required=True)
    duration = fields.Float(required=True, metadata={"description": "the video's length in seconds"})
    renderTime = fields.Float(required=True, metadata={"description": "the render's wall time in seconds"})
    warnings = fields.List(
        fields.String(),
        required=True,
        metadata={
            "description": "what was ignored in the request's template (unknown keys), by path, and what the reader"
            " should know about the video (a soundtrack that could not be used); usually empty"
        },
    )
    assets = _assets("the video's poster, card, other shapes and share page", required=True)


class ValidationResultSchema(Schema):
    valid = fields.Boolean(required=True, validate=validate.Equal(True))
    duration = fields.Float(required=True, metadata={"description": "the video's length in seconds"})
    frames = fields.Integer(required=True, metadata={"description": "the video's length in frames (30 per second)"})
    warnings = fields.List(
        fields.String(),
        required=True,
        metadata={
            "description": "what POST /render would warn about that is known without rendering: what was ignored in"
            " the template, covers whose address is refused; usually empty"
        },
    )


class RenderFailureSchema(Schema):
    error = fields.String(required=True, metadata={"description": '"Render failed", "S3 upload failed", or other'})
    message = fields.String(metadata={"description": "what failed, as the stream's error event says it"})
    jobId = fields.String(metadata={"description": "the job's id, for support: the server's log lines carry it"})
    filename = fields.String(metadata={"description": "upload failures: the video kept in the output directory"})
    downloadUrl = fields.String(metadata={"description": "upload failures: where /download serves that video"})


class TemplateEntrySchema(Schema):
    id = fields.String(required=True, metadata={"description": "the templateId that picks it"})
    name = fields.String(required=True, metadata={"description": "a name to show a reader"})
    # A Template in the document (openapi._refine): dumped as it is, complete.
    template = fields.Dict(
        required=True,
        metadata={
            "description": "the preset's complete template; sent as a RenderRequest's `template` it renders the preset"
        },
    )
    thumbnailUrl = fields.String(
        required=True,
        metadata={"description": "a still of a sample recap in this preset (PNG, 270 x 480): GET /templates/{id}.png"},
    )


class TemplatesSchema(Schema):
    templates = fields.List(fields.Nested(TemplateEntrySchema), required=True)


class UtcDateTime(fields.DateTime):
    """An ISO 8601 date-time in UTC written with a Z (2026-11-25T05:09:34.544135Z), as clients have always received
    it; to the OpenAPI document it is a plain `date-time`."""

    def _serialize(self, value: datetime | None, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class VideoSchema(Schema):
    filename = fields.String(required=True)
    size = fields.Integer(required=True, validate=validate.Range(min=0))
    created = UtcDateTime(required=True)
    url = fields.String(
        metadata={"description": "where to fetch it: the storage's URL, or /download's (signed when signing is on)"}
    )
    key = fields.String(metadata={"description": "stored videos: the storage key (videos/{userId}/{year}/{MM}/...)"})
    location = fields.String(
        validate=validate.OneOf(("storage", "output")),
        metadata={
            "description": "`storage`: stored (LOCAL_STORAGE_DIR or S3); `output`: kept in OUTPUT_DIR (its upload"
            " failed)"
        },
    )


class VideosSchema(Schema):
    videos = fields.List(fields.Nested(VideoSchema), required=True)
    next = fields.String(metadata={"description": "more stored videos follow: pass this as `after` for the next page"})
    storageError = fields.String(
        metadata={"description": "the storage could not be listed now: only the output directory's videos are listed"}
    )


class HealthSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(("ok", "unavailable")))
    timestamp = UtcDateTime(required=True)
    store = fields.String(
        required=True, validate=validate.OneOf(("memory", "redis")), metadata={"description": "where jobs live"}
    )
    ok = fields.Boolean(required=True, metadata={"description": "whether the job store answers"})


class BatchLinksSchema(Schema):
    self_ = fields.String(
        required=True, data_key="self", attribute="self", metadata={"description": "GET it for counts and results"}
    )
    stream = fields.String(required=True, metadata={"description": "its progress as Server-Sent Events"})


class BatchAcceptedSchema(Schema):
    batchId = fields.String(required=True)
    total = fields.Integer(required=True, metadata={"description": "how many items the batch has"})
    links = fields.Nested(BatchLinksSchema, required=True)


class BatchCountsSchema(Schema):
    """A batch's counts: each item is in exactly one of queued, running, done, failed."""

    batchId = fields.String(required=True)
    total = fields.Integer(required=True)
    queued = fields.Integer(required=True, metadata={"description": "waiting in the batch or in the render queue"})
    running = fields.Integer(required=True)
    done = fields.Integer(required=True)
    failed = fields.Integer(required=True)
    finished = fields.Boolean(required=True, metadata={"description": "every item is done or failed"})


class BatchItemSchema(Schema):
    index = fields.Integer(required=True, metadata={"description": "the item's place in the posted batch, from 0"})
    status = fields.String(required=True, validate=validate.OneOf(("queued", "running", "done", "failed")))
    jobId = fields.String(metadata={"description": "the item's job (the server's log lines carry it)"})
    s3Url = fields.String(metadata={"description": "done: where the stored video is (as `complete` says)"})
    duration = fields.Float(metadata={"description": "done: the video's length in seconds"})
    assets = _assets("done: the video's poster, card, other shapes and share page")
    error = fields.String(metadata={"description": "failed: what the render's `error` event said"})


class BatchSchema(BatchCountsSchema):
    items = fields.List(fields.Nested(BatchItemSchema), required=True, metadata={"description": "this page's items"})
    next = fields.String(
        required=True, allow_none=True, metadata={"description": "the next page's URL; null on the last page"}
    )


EVENT_SCHEMAS: dict[str, type[Schema]] = {
    "QueuedEvent": QueuedEventSchema,
    "ProgressEvent": ProgressEventSchema,
    "CompleteEvent": CompleteEventSchema,
    "ErrorEvent": ErrorEventSchema,
}
# Event name on the wire -> the component schema of its data.
SSE_EVENTS = {"queued": "QueuedEvent", "progress": "ProgressEvent", "complete": "CompleteEvent", "error": "ErrorEvent"}
# GET /batches/<id>/stream's events: both carry the batch's counts; `complete` is the last.
BATCH_SSE_EVENTS = {"progress": "BatchCounts", "complete": "BatchCounts"}
BODY_SCHEMAS: dict[str, type[Schema]] = {
    "Assets": AssetsSchema,
    "Error": ErrorSchema,
    "RenderResult": RenderResultSchema,
    "RenderFailure": RenderFailureSchema,
    "ValidationResult": ValidationResultSchema,
    "Videos": VideosSchema,
    "Health": HealthSchema,
    "Templates": TemplatesSchema,
    "BatchAccepted": BatchAcceptedSchema,
    "BatchCounts": BatchCountsSchema,
    "Batch": BatchSchema,
}
