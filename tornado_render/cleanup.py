"""Removing a rendered file once it is safely stored, and only then."""

from __future__ import annotations

from pathlib import Path

from .logs import get_logger


def delete_local_file(path: Path) -> bool:
    """Delete a local video after a successful upload; True when a file was removed."""
    try:
        size = path.stat().st_size
        path.unlink()
    except FileNotFoundError:
        return False
    get_logger().info("local_file_deleted", path=str(path), bytes=size)
    return True
