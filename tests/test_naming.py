"""Names of videos in storage and on disk: unguessable, never reused."""

from __future__ import annotations

import re
from pathlib import Path

from tornado_render.storage.naming import new_token, reserve_local_file, storage_key, video_filename

TOKEN = re.compile(r"[0-9a-f]{32}")


class TestNames:
    def test_token_is_128_random_bits(self) -> None:
        """A token is 32 hex characters (128 bits) and two tokens differ."""
        tokens = {new_token() for _ in range(1000)}
        assert len(tokens) == 1000
        assert all(TOKEN.fullmatch(token) for token in tokens)

    def test_filename(self) -> None:
        """recap-{year}-{MM}-{token}.mp4, month zero-padded."""
        assert video_filename(2026, 3, "ab" * 16) == f"recap-2026-03-{'ab' * 16}.mp4"

    def test_storage_key(self) -> None:
        """videos/{userId}/{year}/{MM}/{filename}: the key ends in the local file's name."""
        name = video_filename(2026, 3, "cd" * 16)
        assert storage_key("user-123", name, 2026, 3) == f"videos/user-123/2026/03/{name}"

    def test_reserve_creates_distinct_unguessable_files(self, tmp_path: Path) -> None:
        """Two reservations for one month are two different empty files with random names."""
        first = reserve_local_file(tmp_path, 2026, 10)
        second = reserve_local_file(tmp_path, 2026, 10)
        assert first != second
        assert first.is_file()
        assert first.stat().st_size == 0
        assert re.fullmatch(r"recap-2026-10-[0-9a-f]{32}\.mp4", first.name)
