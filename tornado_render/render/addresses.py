"""Which IP addresses a cover may be fetched from: public unicast only, decided from IANA's registries.

The tables are written out here instead of trusting `ipaddress.is_global`: its answer depends on the Python
release (3.11.7 calls 192.0.0.192 global, although IANA reserves all of 192.0.0.0/24). Every block of IANA's IPv4
and IPv6 Special-Purpose Address Registries is refused, whether or not the registry marks it "globally
reachable" (no book cover lives on an AS112 sink or a TURN anycast address), and so are multicast and, for IPv6,
everything outside global unicast (2000::/3).

IPv6 has several ways of carrying an IPv4 address inside it: IPv4-compatible (::a.b.c.d), IPv4-mapped
(::ffff:a.b.c.d), IPv4-translated (::ffff:0:a.b.c.d), NAT64 (64:ff9b::/96, and the local-use 64:ff9b:1::/48),
6to4 (2002:AABB:CCDD::/48) and Teredo (2001::/32, server and client inside). A connection to such an address may
reach the IPv4 host, so the IPv4 inside is checked like an IPv4 address, and the IPv6 form passes only if every
IPv4 it carries does.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from ..setting_values import IPNetwork

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# IANA IPv4 Special-Purpose Address Registry (2025 edition), plus multicast.
SPECIAL_IPV4 = tuple(
    ipaddress.IPv4Network(block)
    for block in (
        "0.0.0.0/8",  # "this network"
        "10.0.0.0/8",  # private
        "100.64.0.0/10",  # shared address space (carrier-grade NAT)
        "127.0.0.0/8",  # loopback
        "169.254.0.0/16",  # link local (cloud metadata services live here)
        "172.16.0.0/12",  # private
        "192.0.0.0/24",  # IETF protocol assignments (PCP, TURN, DS-Lite, NAT64 discovery...)
        "192.0.2.0/24",  # documentation (TEST-NET-1)
        "192.31.196.0/24",  # AS112-v4
        "192.52.193.0/24",  # AMT
        "192.88.99.0/24",  # deprecated 6to4 relay anycast
        "192.168.0.0/16",  # private
        "192.175.48.0/24",  # direct delegation AS112 service
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # documentation (TEST-NET-2)
        "203.0.113.0/24",  # documentation (TEST-NET-3)
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, and 255.255.255.255 (limited broadcast)
    )
)

# IANA IPv6 Special-Purpose Address Registry (2025 edition), plus the ranges that are not global unicast. The
# IPv4-embedding forms are not listed: their IPv4 decides (see `embedded_ipv4`).
SPECIAL_IPV6 = tuple(
    ipaddress.IPv6Network(block)
    for block in (
        "::/128",  # unspecified
        "::1/128",  # loopback
        "100::/64",  # discard-only
        "100:0:0:1::/64",  # dummy IPv6 prefix
        "2001:1::/48",  # PCP, TURN and DNS-SD anycast (2001:1::1, ::2, ::3)
        "2001:2::/48",  # benchmarking
        "2001:3::/32",  # AMT
        "2001:4:112::/48",  # AS112-v6
        "2001:10::/28",  # ORCHID (deprecated)
        "2001:20::/28",  # ORCHIDv2
        "2001:30::/28",  # drone remote ID
        "2001:db8::/32",  # documentation
        "2620:4f:8000::/48",  # direct delegation AS112 service
        "3fff::/20",  # documentation
        "5f00::/16",  # segment routing SIDs
        "fc00::/7",  # unique local
        "fe80::/10",  # link local
        "fec0::/10",  # site local (deprecated)
        "ff00::/8",  # multicast
    )
)
# The rest of 2001::/23 (IETF protocol assignments) apart from Teredo (2001::/32, checked by its IPv4s).
IETF_PROTOCOL_ASSIGNMENTS = ipaddress.IPv6Network("2001::/23")
TEREDO = ipaddress.IPv6Network("2001::/32")
GLOBAL_UNICAST = ipaddress.IPv6Network("2000::/3")

IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
IPV4_MAPPED = ipaddress.IPv6Network("::ffff:0:0/96")
IPV4_TRANSLATED = ipaddress.IPv6Network("::ffff:0:0:0/96")
NAT64_WELL_KNOWN = ipaddress.IPv6Network("64:ff9b::/96")
NAT64_LOCAL_USE = ipaddress.IPv6Network("64:ff9b:1::/48")
SIX_TO_FOUR = ipaddress.IPv6Network("2002::/16")


def embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address] | None:
    """The IPv4 addresses an IPv6 address carries, or None when it is not one of the embedding forms."""
    low32 = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in IPV4_MAPPED or ip in IPV4_TRANSLATED or ip in NAT64_WELL_KNOWN or ip in NAT64_LOCAL_USE:
        return [low32]
    if ip in IPV4_COMPATIBLE and int(ip) > 1:  # :: and ::1 are the unspecified and loopback addresses
        return [low32]
    if ip in SIX_TO_FOUR:
        return [ipaddress.IPv4Address((int(ip) >> 80) & 0xFFFFFFFF)]
    if ip in TEREDO:
        server = ipaddress.IPv4Address((int(ip) >> 64) & 0xFFFFFFFF)
        client = ipaddress.IPv4Address(~int(ip) & 0xFFFFFFFF)  # Teredo stores the client's address inverted
        return [server, client]
    return None


def _ipv4_public(ip: ipaddress.IPv4Address) -> bool:
    return not any(ip in block for block in SPECIAL_IPV4)


def _ipv6_block_public(ip: ipaddress.IPv6Address, embedding: bool) -> bool:
    """The IPv6 address's own block: not special, and global unicast unless it is an IPv4-embedding form."""
    if any(ip in block for block in SPECIAL_IPV6):
        return False
    if embedding:
        return True
    return ip in GLOBAL_UNICAST and ip not in IETF_PROTOCOL_ASSIGNMENTS


def _in_any(ip: IPAddress, networks: Iterable[IPNetwork]) -> bool:
    return any(ip.version == network.version and ip in network for network in networks)


def address_allowed(address: str, allowed: tuple[IPNetwork, ...] = ()) -> bool:
    """True when `address` may be connected to: listed in `allowed`, or public (IPv4s inside IPv6 included)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if _in_any(ip, allowed):
        return True
    if isinstance(ip, ipaddress.IPv4Address):
        return _ipv4_public(ip)
    inner = embedded_ipv4(ip)
    if not _ipv6_block_public(ip, embedding=inner is not None):
        return False
    return all(_in_any(v4, allowed) or _ipv4_public(v4) for v4 in inner or [])
