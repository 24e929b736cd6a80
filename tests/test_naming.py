"""Names of videos in S3 and on disk."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from tornado_render.naming import KeyAllocator, generate_s3_key, local_filename, reserve_local_file

WHEN = datetime(2026, 11, 1, 9, 5, 7, 123000, tzinfo=timezone.utc)


class TestNames:
    def test_s3_key(self) -> None:
        """videos/{userId}/{year}/{MM}/recap-{year}-{MM}-{YYYYMMDDTHHMMSSZ}.mp4, month zero-padded."""
        assert (
            generate_s3_key("user-123", 2026, 3, WHEN) == "videos/user-123/2026/03/recap-2026-03-20261101T090507Z.mp4"
        )

    def test_s3_key_uses_utc(self) -> None:
        """A timestamp in another zone is written in UTC."""
        from datetime import timedelta

        local = WHEN.astimezone(timezone(timedelta(hours=2)))
        assert generate_s3_key("u", 2026, 11, local).endswith("20261101T090507Z.mp4")

    def test_local_filename(self) -> None:
        """recap-{year}-{MM}-{epoch ms}.mp4."""
        assert local_filename(2026, 2, 1795583391595) == "recap-2026-02-1795583391595.mp4"

    def test_reserve_never_reuses_a_name(self, tmp_path: Path) -> None:
        """Two renders of a month in the same millisecond get different files."""
        first = reserve_local_file(tmp_path, 2026, 10, WHEN)
        second = reserve_local_file(tmp_path, 2026, 10, WHEN)
        assert first != second
        assert first.name == f"recap-2026-10-{int(WHEN.timestamp() * 1000)}.mp4"
        assert second.name == f"recap-2026-10-{int(WHEN.timestamp() * 1000) + 1}.mp4"


class TestKeyAllocator:
    def test_same_second_gets_distinct_keys(self) -> None:
        """Two videos of one user's month stored in the same second get consecutive seconds, not one key."""
        keys = KeyAllocator()
        first = keys.allocate("u", 2026, 10, WHEN, lambda key: False)
        second = keys.allocate("u", 2026, 10, WHEN, lambda key: False)
        assert first.endswith("20261101T090507Z.mp4")
        assert second.endswith("20261101T090508Z.mp4")

    def test_other_users_are_independent(self) -> None:
        """Another user's key in the same second is not shifted."""
        keys = KeyAllocator()
        keys.allocate("u", 2026, 10, WHEN, lambda key: False)
        assert keys.allocate("v", 2026, 10, WHEN, lambda key: False).endswith("20261101T090507Z.mp4")

    def test_existing_objects_are_skipped(self) -> None:
        """A key that already exists in storage (another instance wrote it) is never overwritten."""
        taken = {generate_s3_key("u", 2026, 10, WHEN)}
        key = KeyAllocator().allocate("u", 2026, 10, WHEN, taken.__contains__)
        assert key.endswith("20261101T090508Z.mp4")
