"""Cross-origin access (CORS) for pages on other sites: which origins may read our answers, and the headers for it.

A browser lets a page on another origin read a response (an EventSource stream, a `fetch` of POST /render, a video
fetched with ranges) only when the response names that origin in `Access-Control-Allow-Origin`. `CORS_ORIGINS`
lists the origins that may; `*` allows any. Empty (the default) sends no CORS header at all, so browsers keep
other sites out exactly as before the setting existed.

Only an allowed Origin is echoed, and every answer says `Vary: Origin`, so a cache never hands one site's answer
to another. With `*` the answer is the literal `*`: no credentials are involved (EventSource and fetch without
`withCredentials`), and a literal `*` is the same for everyone. Refusing is not an error: the answer just lacks the
headers, and the browser withholds it from the page (the server cannot know the page's intent).
"""

from __future__ import annotations

from ..setting_values import ANY_ORIGIN as ANY

# What a cross-origin page may send: JSON bodies (POST /render), EventSource's reconnect header, seeking players.
ALLOW_HEADERS = "Content-Type, Last-Event-ID, Range"
# What it may read beyond the safelisted headers: ranges for players, and when to retry after a 503.
EXPOSE_HEADERS = "Content-Range, Accept-Ranges, Content-Length, Retry-After"
PREFLIGHT_MAX_AGE_SECONDS = 600


def allowed_origin(origin: str | None, allowed: frozenset[str]) -> str | None:
    """The value for Access-Control-Allow-Origin, or None when this request's origin may not read the answer."""
    if ANY in allowed:
        return ANY
    if origin and origin.lower() in allowed:
        return origin
    return None


def response_headers(origin: str | None, allowed: frozenset[str]) -> dict[str, str]:
    """Headers for any answer: nothing when CORS is off, else `Vary: Origin` and, if allowed, the grant."""
    if not allowed:
        return {}
    headers = {"Vary": "Origin"}
    granted = allowed_origin(origin, allowed)
    if granted is not None:
        headers["Access-Control-Allow-Origin"] = granted
        headers["Access-Control-Expose-Headers"] = EXPOSE_HEADERS
    return headers


def preflight_headers(origin: str | None, allowed: frozenset[str], methods: str) -> dict[str, str]:
    """Extra headers for an OPTIONS preflight from an allowed origin (nothing otherwise: the browser then refuses)."""
    if allowed_origin(origin, allowed) is None:
        return {}
    return {
        "Access-Control-Allow-Methods": methods,
        "Access-Control-Allow-Headers": ALLOW_HEADERS,
        "Access-Control-Max-Age": str(PREFLIGHT_MAX_AGE_SECONDS),
    }
