"""The validated RenderRequest as one small typed object, from the handler that validated it to the storage key.

The recap itself (a MonthlyRecapExport) stays the JSON document it arrived as, checked by validation.schemas and cleaned
of unknown fields: it is handed to the composition as its props, and remotion/src/types.ts is its one definition.
The few facts the server itself needs from it (the month, for names and logs; the number of books) are properties
here, so nothing indexes the document by hand along the way.

`template` is the complete template the video is drawn with (templates.py resolves a request's templateId and
template into it; empty means the composition's defaults). It is part of `canonical()`, so the same recap with
another template is another job and another video.

`formats` are the shapes of video asked for: the story (9:16, always made: the spec's `filename`/`s3Url` are its)
and, when asked, the square and the landscape cut of the same scenes. They are part of the job's key (another set of
shapes is another job) but not of `canonical()`, which names the look: each shape is stored under the look's name
with its own suffix (storage/naming.py), so a story rendered for one request is the story another one finds.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# The shapes a video can be made in, and their size in pixels; "story" is the one every render makes.
FORMATS: dict[str, tuple[int, int]] = {"story": (1080, 1920), "square": (1080, 1080), "landscape": (1920, 1080)}
STORY = "story"


def normalized_formats(formats: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The story first, then the other shapes asked for, each once, in FORMATS' order."""
    asked = {STORY, *formats}
    return tuple(name for name in FORMATS if name in asked)


def quota_user(user_id: str) -> str:
    """NFKC, then case folding: one reader, one quota, however the id is spelt (invisible characters, which would
    survive both, are refused by validation)."""
    return unicodedata.normalize("NFKC", user_id).casefold()


@dataclass(frozen=True)
class RenderRequest:
    user_id: str
    recap: Mapping[str, Any]
    template: Mapping[str, Any] = field(default_factory=dict)
    # What validation ignored in the request's template (unknown keys), for the answer and the log.
    warnings: tuple[str, ...] = ()
    formats: tuple[str, ...] = (STORY,)
    # A part of another request's render (render/chunks.py), (index, count): its own job, whose video is a chunk.
    chunk: tuple[int, int] | None = None

    @classmethod
    def from_json(cls, document: Mapping[str, Any]) -> RenderRequest:
        """The request from its wire form (`as_json`)."""
        return cls(
            user_id=document["userId"],
            recap=document["data"],
            template=document.get("template") or {},
            formats=normalized_formats(tuple(document.get("formats") or ())),
            chunk=_chunk_of(document.get("chunk")),
        )

    @property
    def quota_user(self) -> str:
        """The userId as quotas count it (USER_MAX_JOBS, USER_MAX_STREAMS): `Alice` and its fullwidth spelling
        are both `alice`. A render's chunks count apart (a control character no valid userId has): they are parts of
        one job the reader was admitted for, not more of the reader's jobs."""
        user = quota_user(self.user_id)
        return user if self.chunk is None else f"{user}\x1fchunks"

    @property
    def year(self) -> int:
        return int(self.recap["meta"]["year"])

    @property
    def month(self) -> int:
        return int(self.recap["meta"]["month"])

    @property
    def month_name(self) -> str:
        return str(self.recap["meta"]["monthName"])

    @property
    def book_count(self) -> int:
        return len(self.recap["books"])

    def props(self) -> dict[str, Any]:
        """The composition's input props: the recap as plain JSON data, and its template."""
        props: dict[str, Any] = json.loads(json.dumps(self.recap))
        if self.template:
            props["template"] = json.loads(json.dumps(self.template))
        return props

    def canonical(self) -> str:
        """Sorted compact JSON of what the video depends on: equal requests give equal text, whatever key order."""
        return json.dumps(
            {"userId": self.user_id, "data": self.recap, "options": {}, "template": self.template},
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        )

    def as_json(self) -> dict[str, Any]:
        """The request in its wire form ({"userId", "data", "template", "formats"}: the template complete, the
        formats only when there are more than the story)."""
        wire: dict[str, Any] = {"userId": self.user_id, "data": json.loads(json.dumps(self.recap))}
        if self.template:
            wire["template"] = dict(self.template)
        if self.formats != (STORY,):
            wire["formats"] = list(self.formats)
        if self.chunk is not None:
            wire["chunk"] = list(self.chunk)
        return wire


MAX_CHUNKS = 1000


def _chunk_of(value: Any) -> tuple[int, int] | None:
    """A stored request's `chunk` ([index, count]) checked: a job store is read as hostile. Raises ValueError."""
    if value is None:
        return None
    if not (isinstance(value, list) and len(value) == 2 and all(type(part) is int for part in value)):
        raise ValueError(f"chunk must be [index, count], not {value!r}")
    index, count = value
    if not 0 <= index < count <= MAX_CHUNKS:
        raise ValueError(f"chunk {index} of {count} is not a chunk")
    return index, count
