"""Signed requests, after imgproxy's signed URLs: only the reading tracker's backend, which holds the key, can make
a URL this service acts on.

A request is signed over exactly what arrives on the wire, so nothing has to be re-encoded to check it:

    sig = base64url_nopad(HMAC-SHA256(key, METHOD + "\\n" + target + "\\n" + body))

`target` is the request target as sent (path and query, percent-encoding untouched) up to but not including
`&sig=`; `sig` must be the last query parameter and `exp` (Unix seconds) one of the signed ones, so an expiry
cannot be changed or removed without breaking the signature. The body is the raw request body (empty for GET).

The first configured key signs; any configured key verifies, so a new key can be rolled out before the old one is
retired. Every comparison is constant-time (`hmac.compare_digest`). An `exp` further away than SIGNATURE_MAX_SECONDS
(a week by default) is refused like an expired one: a URL that lives for ever is as good as a key, and cannot be
taken back but by rotating the key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Sequence
from urllib.parse import parse_qsl

from ..settings import DEFAULT_SIGNATURE_MAX_SECONDS as DEFAULT_MAX_SECONDS

SIGNATURE_PARAMETER = "sig"
EXPIRY_PARAMETER = "exp"
DEFAULT_EXPIRES_IN_SECONDS = 3600


class SignatureRejected(Exception):
    """A request without a valid signature; `status` and `message` are what the client is told."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def signature(key: bytes, method: str, target: str | bytes, body: bytes = b"") -> str:
    """The `sig` value of a request target (everything before `&sig=`; text is sent, and signed, as UTF-8)."""
    raw_target = target.encode("utf-8") if isinstance(target, str) else target
    message = method.upper().encode("ascii") + b"\n" + raw_target + b"\n" + body
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def sign_target(
    key: bytes,
    method: str,
    target: str,
    body: bytes = b"",
    *,
    expires_in: float = DEFAULT_EXPIRES_IN_SECONDS,
    now: float | None = None,
) -> str:
    """`target` with `exp` and `sig` appended: the request target to send (path and already-encoded query)."""
    expires_at = int((time.time() if now is None else now) + expires_in)
    separator = "&" if "?" in target else "?"
    unsigned = f"{target}{separator}{EXPIRY_PARAMETER}={expires_at}"
    return f"{unsigned}&{SIGNATURE_PARAMETER}={signature(key, method, unsigned, body)}"


def split_signed_target(target: str) -> tuple[str, str] | None:
    """(the signed part, the signature) when `sig` is the last parameter of the query, else None."""
    unsigned, found, value = target.rpartition(f"&{SIGNATURE_PARAMETER}=")
    if not found or "?" not in unsigned or "&" in value or "#" in value:
        return None
    return unsigned, value


def _expiry(unsigned: str) -> int | None:
    query = unsigned.split("?", 1)[1]
    values = [value for name, value in parse_qsl(query, keep_blank_values=True) if name == EXPIRY_PARAMETER]
    if len(values) != 1 or not (values[0].isascii() and values[0].isdigit()) or len(values[0]) > 12:
        return None
    return int(values[0])


def check_expiry(target: bytes, *, max_seconds: float = DEFAULT_MAX_SECONDS, now: float | None = None) -> None:
    """What of a signature the target alone shows: there is one, with an `exp` that is neither past nor further away
    than `max_seconds`; else SignatureRejected. A POST is checked so before its body (which the signature covers)
    is read, so a stranger's body is refused before it is held."""
    split = split_signed_target(target.decode("latin-1"))
    expires_at = None if split is None else _expiry(split[0])
    if expires_at is None:
        raise SignatureRejected(401, "signature required")
    _check_lifetime(expires_at, max_seconds, time.time() if now is None else now)


def _check_lifetime(expires_at: int, max_seconds: float, now: float) -> None:
    if expires_at <= now:
        raise SignatureRejected(403, "signature expired")
    if expires_at > now + max_seconds:
        raise SignatureRejected(
            403, f"signature expires too late: at most {max_seconds:g} s from now (SIGNATURE_MAX_SECONDS)"
        )


class BodyVerifier:
    """`verify` for a body read in chunks (POST /batches, whose body is never held whole): the HMACs are fed as the
    body arrives, and `finish` decides. The target is checked for a signature and an `exp` at once."""

    def __init__(self, keys: Sequence[bytes], method: str, target: bytes, *, max_seconds: float) -> None:
        split = split_signed_target(target.decode("latin-1"))
        if split is None:
            raise SignatureRejected(401, "signature required")
        unsigned, self._presented = split
        expires_at = _expiry(unsigned)
        if expires_at is None:
            raise SignatureRejected(401, "signature required")
        self._expires_at = expires_at
        self._max_seconds = max_seconds
        head = method.upper().encode("ascii") + b"\n" + unsigned.encode("latin-1") + b"\n"
        self._macs = [hmac.new(key, head, hashlib.sha256) for key in keys]

    def update(self, chunk: bytes) -> None:
        for mac in self._macs:
            mac.update(chunk)

    def finish(self, now: float | None = None) -> None:
        """Accept the signed request or raise SignatureRejected (see `verify`)."""
        presented = self._presented.encode("latin-1")
        expected = [base64.urlsafe_b64encode(mac.digest()).rstrip(b"=") for mac in self._macs]
        if not any([hmac.compare_digest(candidate, presented) for candidate in expected]):
            raise SignatureRejected(403, "signature does not match")
        _check_lifetime(self._expires_at, self._max_seconds, time.time() if now is None else now)


def verify(
    keys: Sequence[bytes],
    method: str,
    target: bytes,
    body: bytes = b"",
    *,
    max_seconds: float = DEFAULT_MAX_SECONDS,
    now: float | None = None,
) -> None:
    """Accept a signed request or raise SignatureRejected (401 missing, 403 wrong, expired, or expiring more than
    `max_seconds` from now: a URL that never expires is a key of its own).

    `target` is the raw bytes of the request target (Tornado's `request.uri` is them decoded as Latin-1).
    """
    verifier = BodyVerifier(keys, method, target, max_seconds=max_seconds)
    verifier.update(body)
    verifier.finish(now)
