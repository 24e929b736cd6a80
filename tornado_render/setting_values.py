"""How the settings that are not plain numbers or words are read: CORS origins, signing keys, networks.

Pure parsers on the ground floor, so that settings.py reads every value itself and imports nothing from the layers
above it (web/cors.py, web/signing.py and render/addresses.py use what these return). Each raises ValueError naming
the bad entry; settings.py turns it into a SettingsError naming the setting.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
# CORS_ORIGINS's entry that allows any origin.
ANY_ORIGIN = "*"
MIN_KEY_LENGTH = 32


def parse_origins(value: str) -> frozenset[str]:
    """`CORS_ORIGINS` as a set of normalized origins (`scheme://host[:port]`, lower case) or {"*"}.

    Raises ValueError naming the first entry that is not an origin (a path, a missing scheme...), so a typo stops
    the server at start instead of silently refusing a site.
    """
    origins = set()
    for part in value.split(","):
        entry = part.strip()
        if not entry:
            continue
        if entry == ANY_ORIGIN:
            origins.add(ANY_ORIGIN)
            continue
        normalized = entry.rstrip("/").lower()
        parts = urlsplit(normalized)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.path or parts.query or parts.fragment:
            raise ValueError(f"{entry!r} is not an origin like https://example.com or http://127.0.0.1:8080")
        origins.add(normalized)
    return frozenset(origins)


def parse_keys(value: str) -> tuple[bytes, ...]:
    """RENDER_SIGNING_KEYS ("key1,key2") as bytes; raises ValueError for a key too short to be a secret."""
    keys = tuple(part.strip().encode("utf-8") for part in value.split(",") if part.strip())
    for index, key in enumerate(keys, start=1):
        if len(key) < MIN_KEY_LENGTH:
            raise ValueError(
                f"key {index} has {len(key)} characters; use at least {MIN_KEY_LENGTH} (e.g. `openssl rand -hex 32`)"
            )
    return keys


def parse_networks(text: str) -> tuple[IPNetwork, ...]:
    """ "127.0.0.1/32, 10.0.0.0/8" -> networks (COVER_ALLOWED_NETWORKS); raises ValueError on a bad entry."""
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip())
