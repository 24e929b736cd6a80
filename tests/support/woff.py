"""WOFF (1.0) to plain TrueType/OpenType, for tests that install a font where fontconfig finds it.

npm font packages ship WOFF and WOFF2 only, and Chromium does not take either from fontconfig as a system font
(fontconfig lists them; Chromium's fallback skips them). WOFF 1.0 is an sfnt whose tables are zlib-compressed one
by one, so unwrapping it takes the standard library alone (https://www.w3.org/TR/WOFF/).
"""

from __future__ import annotations

import struct
import zlib

_HEADER = struct.Struct(">4sIIHHIHHIIIII")
_ENTRY = struct.Struct(">4sIIII")


def woff_to_sfnt(data: bytes) -> bytes:
    """The sfnt (TrueType/OpenType) font inside a WOFF 1.0 file."""
    signature, flavor, _length, num_tables, *_rest = _HEADER.unpack_from(data)
    if signature != b"wOFF":
        raise ValueError(f"not a WOFF 1.0 file (signature {signature!r})")
    tables = []
    for index in range(num_tables):
        tag, offset, comp_length, orig_length, checksum = _ENTRY.unpack_from(data, _HEADER.size + index * _ENTRY.size)
        raw = data[offset : offset + comp_length]
        table = zlib.decompress(raw) if comp_length < orig_length else raw
        if len(table) != orig_length:
            raise ValueError(f"table {tag!r}: {len(table)} bytes, expected {orig_length}")
        tables.append((tag, checksum, table))
    tables.sort(key=lambda entry: entry[0])
    entry_selector = max(power for power in range(16) if 2**power <= num_tables)
    search_range = 2**entry_selector * 16
    out = bytearray(
        struct.pack(">IHHHH", flavor, num_tables, search_range, entry_selector, num_tables * 16 - search_range)
    )
    offset = 12 + 16 * num_tables
    records = bytearray()
    body = bytearray()
    for tag, checksum, table in tables:
        records += struct.pack(">4sIII", tag, checksum, offset + len(body), len(table))
        body += table + b"\0" * (-len(table) % 4)
    return bytes(out + records + body)
