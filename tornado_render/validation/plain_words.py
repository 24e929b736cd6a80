"""A bad field in plain words: "Book 1: the title is longer than 500 characters" for `data.books.0.title` and
marshmallow's "Longer than maximum length 500.".

A 400 names each bad field twice: by its dotted path and messages (`fields`, for programs) and by one sentence
(`messages`, for people), so a page can show the sentence and still point at the field. A sentence is built from
the path (books and entries counted from 1, as a reader counts them) and the message, rephrased when it is one of
marshmallow's stock phrases and kept as it is otherwise (ours are written as predicates already: "must not contain
'/' or '\\'"). A request that looks like a bare recap (a MonthlyRecapExport sent without its {userId, data}
wrapper) gets a hint naming the wrapper, since its every error would otherwise point away from the mistake.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

WRAPPER_HINT = (
    'This looks like a recap sent on its own: wrap it as {"userId": "<the reader\'s id>", "data": <the recap>}'
)
# Fields of a MonthlyRecapExport that a RenderRequest does not have at its top level.
_RECAP_FIELDS = frozenset({"meta", "books", "stats", "currentlyReading"})
# Lists: their length limits count entries, not characters.
_LISTS = frozenset({"authors", "books", "currentlyReading", "formats"})
_CONTAINERS = {
    "books": "Book {n}",
    "currentlyReading": "Currently reading, book {n}",
    "authors": "author {n}",
    "formats": "Format {n}",
}
_SECTIONS = {
    "meta": "The recap's details",
    "stats": "The recap's stats",
    "topRatedBook": "top-rated book",
    "lowestRatedBook": "lowest-rated book",
    "rating": "rating",
}
_NAMES = {
    "userId": "userId",
    "data": "recap (data)",
    "body": "request body",
    "request": "request",
    "coverUrl": "cover URL",
    "id": "id",
    "monthName": "month name",
}
_STOCK: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"^Missing data for required field\.$", "is missing"),
        (r"^Field may not be null\.$", "may not be null"),
        (r"^Not a valid string\.$", "must be text"),
        (r"^Not a valid integer\.$", "must be a whole number"),
        (r"^Not a valid number\.$", "must be a number"),
        (r"^Not a valid boolean\.$", "must be true or false"),
        (r"^Not a valid list\.$", "must be a list"),
        (r"^Invalid input type\.$", "must be an object"),
        (r"^Invalid type\.$", "has the wrong type"),
        (r"^Longer than maximum length (\d+)\.$", "is longer than {0} {unit}"),
        (r"^Shorter than minimum length 1\.$", "must not be empty"),
        (r"^Shorter than minimum length (\d+)\.$", "is shorter than {0} {unit}"),
        (r"^Length must be between (\d+) and (\d+)\.$", "must have {0} to {1} {unit}"),
        (r"^Must be greater than or equal to (\S+) and less than or equal to (\S+)\.$", "must be from {0} to {1}"),
        (r"^Must be greater than or equal to (\S+)\.$", "must be at least {0}"),
        (r"^Must be less than or equal to (\S+)\.$", "must be at most {0}"),
        (r"^Must be one of: (.*)\.$", "must be one of {0}"),
        (r"^Must be equal to (.*)\.$", "must be {0}"),
    )
)


_LIST_TOO_LONG = re.compile(r"^Longer than maximum length (\d+)\.$")


def _words(name: str) -> str:
    """camelCase as words: pageCount -> page count."""
    return _NAMES.get(name) or re.sub(r"(?<=[a-z])([A-Z])", r" \1", name).lower()


def _subject(path: str) -> tuple[str, str]:
    """Where the field is (a book, a section; "" at the top) and what it is called."""
    parts = path.split(".")
    if parts[0] == "data" and len(parts) > 1:
        parts = parts[1:]
    if parts[0] == "template":
        return "", f"template's {'.'.join(parts[1:])}" if len(parts) > 1 else "template"
    places: list[str] = []
    name = ""
    index = 0
    while index < len(parts):
        part = parts[index]
        following = parts[index + 1] if index + 1 < len(parts) else None
        if part in _CONTAINERS and following is not None and following.isdigit():
            places.append(_CONTAINERS[part].format(n=int(following) + 1))
            index += 2
            continue
        if part in _SECTIONS and following is not None:
            places.append(_SECTIONS[part])
        else:
            name = f"{name} {_words(part)}".strip() if name else _words(part)
        index += 1
    where = ", ".join(places)
    return where[:1].upper() + where[1:], name


def _predicate(message: str, is_list: bool) -> str:
    if is_list and (match := _LIST_TOO_LONG.match(message)):
        return f"has more than {match.group(1)} entries"
    if message.startswith("at most "):
        return f"exceeds the limit: {message}"
    for pattern, replacement in _STOCK:
        match = pattern.match(message)
        if match:
            return replacement.format(*match.groups(), unit="entries" if is_list else "characters")
    return message.rstrip(".")


def sentence(path: str, messages: list[str]) -> str:
    """One field's problem as a sentence."""
    where, name = _subject(path)
    is_list = path.split(".")[-1] in _LISTS
    predicates = "; ".join(_predicate(message, is_list) for message in messages)
    if predicates.startswith("the "):
        # A whole clause already ("the video would last 61.0 s; ..."): it follows what it is about.
        about = f"{where}, the {name}" if where and name else where or f"the {name}"
        text = f"{about}: {predicates}"
    elif where and name:
        text = f"{where}: the {name} {predicates}"
    elif where:
        text = f"{where} {predicates}"
    else:
        text = f"the {name} {predicates}"
    return text[:1].upper() + text[1:]


def sentences(fields: Mapping[str, list[str]]) -> list[str]:
    """Each bad field's sentence, in the order of `fields`."""
    return [sentence(path, messages) for path, messages in fields.items()]


def wrapper_hint(payload: Any) -> str | None:
    """The hint for a bare recap: a JSON object with a recap's fields and without `data`."""
    if isinstance(payload, dict) and "data" not in payload and _RECAP_FIELDS & payload.keys():
        return WRAPPER_HINT
    return None
