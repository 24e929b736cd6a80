"""`Content-Disposition` for a download with a name a reader would give it ("October 2026 reading recap.mp4").

The name is reader text (a month name in any script), and a header is not: RFC 6266 gives every client the plain
`filename="..."` in ASCII, and RFC 5987's `filename*=UTF-8''...` (percent-encoded) to those that read it, which
every current browser does. The ASCII name is the text with its accents dropped when that loses nothing else, and a
caller's fallback otherwise ("2026-10 reading recap.mp4" rather than " 2026 reading recap.mp4"). Characters that
cannot be in a file name on common systems, and control characters, never get into either form.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

# RFC 5987 attr-char beyond letters and digits: what may stay unencoded in `filename*`.
ATTR_CHAR_PUNCTUATION = "!#$&+-.^_`|~"
_UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|]')


def clean_filename(name: str) -> str:
    """`name` without control characters and with the characters file systems refuse replaced by `-`."""
    visible = "".join(" " if unicodedata.category(ch)[0] in "CZ" and ch != " " else ch for ch in name)
    return " ".join(_UNSAFE_IN_NAMES.sub("-", visible).split())


def ascii_name(name: str) -> str | None:
    """`name` in ASCII with its accents dropped, or None when more than accents would be lost."""
    decomposed = unicodedata.normalize("NFKD", name)
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return kept if kept.isascii() else None


def content_disposition(name: str, fallback: str, kind: str = "attachment") -> str:
    """The header value for a file called `name`; `fallback` (ASCII) when `name` cannot be written in ASCII."""
    clean = clean_filename(name) or clean_filename(fallback)
    plain = ascii_name(clean) or clean_filename(fallback)
    header = f'{kind}; filename="{plain}"'
    if plain != clean:
        header += f"; filename*=UTF-8''{quote(clean, safe=ATTR_CHAR_PUNCTUATION)}"
    return header
