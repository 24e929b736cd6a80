"""Memory held for strangers: one budget, for the whole process, for the bytes of requests nobody has verified yet.

Before issue 21 every connection could make the server hold up to a whole request head (about 1 MB, on any path)
and a POST body (1 MiB) before any key was checked: 300 connections grew the server by 300 MB, which it never gave
back. Now:

- Bytes waiting in a connection's read buffer (a head being read, a body read whole for a handler that does not
  stream it) are free up to FREE_BYTES_PER_CONNECTION (an ordinary request never notices); beyond that they are
  taken from the budget, and a connection that finds the budget spent is answered `503` with `Retry-After` and
  closed: its bytes are dropped, never buffered. A head longer than the server's head limit is a `431`.
- POST /render, which streams its body, takes its declared length from the budget before reading a byte of it,
  after checking what of its signature the head already shows (handlers.render), and gives it back once the
  signature is verified or the request is over; meanwhile its connection's read buffer is covered by it (`prepay`).

Heads are read by Tornado's IOStream, which has no hook for this: `BudgetedIOStream` overrides its private
`_read_to_buffer`, `_find_read_pos`, `_consume` and `close` (each says why; Tornado is pinned, and
tests/test_hostile_strangers.py::TestFinding1PreAuthMemory fails if they change), and `PreAuthHTTPServer` hands
each accepted connection to it.

Reading itself is rationed too: all connections together read at most READ_PER_TURN in one IOLoop turn
(`PreAuthBudget.turn_allows`), so /health is answered between strangers' reads.

Measured (`scripts/bench --only hostile`, docs/PERFORMANCE.md): 300 unfinished 1 MB heads grow the server by about
65 MB (68 held, 232 refused) and it gives the memory back; /health meanwhile within 21-42 ms on a 2-core machine
(62-114 ms before reads were rationed).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from tornado.httpserver import HTTPServer
from tornado.httputil import HTTPServerRequest
from tornado.iostream import IOStream

from ..logs import get_logger

FREE_BYTES_PER_CONNECTION = 16 * 1024
# What all connections together read in one IOLoop turn (see PreAuthBudget.turn_allows): 32 of Tornado's reads.
READ_PER_TURN = 2 * 1024 * 1024
HEAD_END = b"\r?\n\r?\n"  # how Tornado's HTTP1Connection finds the end of a request head
RETRY_AFTER_SECONDS = 10


class PreAuthBudget:
    """Bytes the process may hold for unverified requests, and how many it holds now; and what all connections may
    read in one IOLoop turn (`turn_allows`)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.held = 0
        self.refused = 0
        self.read_this_turn = 0  # above 0, a reset for the next turn is scheduled

    def turn_allows(self) -> bool:
        """Whether connections may read more in this IOLoop turn. Tornado reads a ready socket until it is empty, and
        the first reads of 128 connections accepted together ran in one turn: 300 strangers sending a megabyte each
        held the IOLoop for 40-60 ms at a time, and /health waited behind two or three such turns (up to 134 ms).
        A connection refused a read now stays readable, so the IOLoop comes back to it next turn."""
        return self.read_this_turn < READ_PER_TURN

    def count_read(self, size: int) -> None:
        if self.read_this_turn == 0 and size > 0:  # the turn's first read: reset first thing in the next turn
            asyncio.get_running_loop().call_soon(self._new_turn)  # (call_soon's queue runs before that turn's I/O)
        self.read_this_turn += size

    def _new_turn(self) -> None:
        self.read_this_turn = 0

    def take(self, size: int) -> bool:
        """Hold `size` more bytes if they fit; False (and nothing held) when they do not."""
        if size > 0 and self.held + size > self.limit:
            self.refused += 1
            return False
        self.held += size
        return True

    def give(self, size: int) -> None:
        self.held = max(0, self.held - size)


class BudgetedIOStream(IOStream):
    """An IOStream whose read buffer, beyond FREE_BYTES_PER_CONNECTION, is held from a PreAuthBudget."""

    budget: PreAuthBudget
    head_limit: int
    charged = 0
    scanned = 0  # how much of the buffer the search for the end of the head has looked at
    prepaid = 0  # bytes of a body its handler holds from the budget already (see `prepay`)
    refusing = False

    def _read_to_buffer(self) -> int | None:
        if self.refusing:  # answered already: nothing more is read; the stream closes once the answer is out
            return 0
        if not self.budget.turn_allows():  # "nothing to read now": this turn's reading is done
            return 0
        read = super()._read_to_buffer()
        self.budget.count_read(read or 0)
        if self._read_regex is not None and self._read_buffer_size >= self.head_limit:
            self._refuse(431, "The request head is too large")
        elif not self._charge():
            self._refuse(503, "The server is busy; try again shortly", {"Retry-After": str(RETRY_AFTER_SECONDS)})
        return read

    def _consume(self, loc: int) -> bytes:
        taken = super()._consume(loc)
        self.scanned = 0
        self._charge()
        return taken

    def _find_read_pos(self) -> int | None:
        """Tornado's search for the end of a head (`\r?\n\r?\n`), done with `find` from where the last search
        stopped: Tornado runs the regular expression over the whole buffer at every piece that arrives, and Python's
        engine tries every byte (1.4 s of the IOLoop for 68 MB of held heads, /health waiting behind it)."""
        if self._read_bytes is not None or self._read_regex is None or self._read_regex.pattern != HEAD_END:
            return super()._find_read_pos()
        end = self._head_end()
        if end is None:
            self._check_max_bytes(self._read_regex, self._read_buffer_size)
            return None
        self.scanned = 0
        self._check_max_bytes(self._read_regex, end)
        return end

    def _head_end(self) -> int | None:
        """Where the first blank line ends (the end of `\r?\n\r?\n`), or None; `scanned` keeps where to go on."""
        buffer, size = self._read_buffer, self._read_buffer_size
        position = self.scanned
        while True:
            newline = buffer.find(b"\n", position, size)
            if newline < 0:
                self.scanned = size
                return None
            following = bytes(buffer[newline + 1 : newline + 3])
            if following[:1] == b"\n":
                return newline + 2
            if following == b"\r\n":
                return newline + 3
            if following in (b"", b"\r"):  # the bytes that decide have not arrived yet
                self.scanned = newline
                return None
            position = newline + 1

    def close(self, exc_info: Any = False) -> None:
        super().close(exc_info)
        self.budget.give(self.charged)
        self.charged = 0

    def _charge(self) -> bool:
        """Hold what the buffer needs beyond the free bytes now; False when the budget cannot."""
        needed = max(0, self._read_buffer_size - FREE_BYTES_PER_CONNECTION - self.prepaid)
        if needed <= self.charged:
            self.budget.give(self.charged - needed)
            self.charged = needed
            return True
        if not self.budget.take(needed - self.charged):
            return False
        self.charged = needed
        return True

    def _drop_buffer(self) -> None:
        del self._read_buffer[:]
        self._read_buffer_size = 0
        self.budget.give(self.charged)
        self.charged = 0

    def _refuse(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        """Answer with a JSON error and close: the connection's bytes are dropped, not kept waiting."""
        self.refusing = True
        self._drop_buffer()
        get_logger(component="http").warning("refused_unverified", status=status, held=self.budget.held)
        body = json.dumps({"error": message}).encode()
        lines = [f"HTTP/1.1 {status} {'Service Unavailable' if status == 503 else 'Request Header Fields Too Large'}"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        lines += ["Content-Type: application/json; charset=utf-8", f"Content-Length: {len(body)}", "Connection: close"]
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.write(head + body).add_done_callback(lambda _: self.close())


def prepay(request: HTTPServerRequest, size: int) -> None:
    """Tell the request's connection that its handler holds `size` bytes of the budget for the body (so the bytes
    waiting in the read buffer are not counted twice); 0 when it holds none any more."""
    stream = getattr(request.connection, "stream", None)
    if isinstance(stream, BudgetedIOStream):
        stream.prepaid = size


class PreAuthHTTPServer(HTTPServer):
    """Tornado's HTTPServer, its connections read through BudgetedIOStream."""

    def initialize(self, *args: Any, budget: PreAuthBudget, **kwargs: Any) -> None:  # type: ignore[override]
        super().initialize(*args, **kwargs)
        self.budget = budget
        self.head_limit = int(kwargs.get("max_header_size") or 65536)

    def handle_stream(self, stream: IOStream, address: tuple[Any, ...]) -> None:
        # The accepted stream becomes a BudgetedIOStream in place: TCPServer makes plain IOStreams and has no
        # factory to ask for another class (the subclass adds no state of its own but three attributes).
        if type(stream) is IOStream:  # TLS ends at nginx; an SSLIOStream would be left as it is
            stream.__class__ = BudgetedIOStream
            assert isinstance(stream, BudgetedIOStream)
            stream.budget = self.budget
            stream.head_limit = self.head_limit
        super().handle_stream(stream, address)
