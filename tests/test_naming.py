"""Names of videos: keyed digests of their recap (unguessable, the same for the same recap and composition), and
where renders are written while they run."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tornado_render.render.workspace import RENDERING_DIR, remove_abandoned_renders, rendering_path
from tornado_render.storage.naming import load_or_create_secret, storage_key, video_filename, video_token

SECRET = b"s" * 32


class TestNames:
    def test_token_is_a_keyed_digest_of_request_and_composition(self) -> None:
        """The same request and composition give the same 128-bit token; another request, composition or secret
        gives another one."""
        token = video_token(SECRET, '{"userId":"u"}', "abc123")
        assert re.fullmatch(r"[0-9a-f]{32}", token)
        assert video_token(SECRET, '{"userId":"u"}', "abc123") == token
        assert video_token(SECRET, '{"userId":"v"}', "abc123") != token
        assert video_token(SECRET, '{"userId":"u"}', "abc124") != token
        assert video_token(b"t" * 32, '{"userId":"u"}', "abc123") != token

    def test_filename(self) -> None:
        """recap-{year}-{MM}-{token}.mp4, month zero-padded."""
        assert video_filename(2026, 3, "ab" * 16) == f"recap-2026-03-{'ab' * 16}.mp4"

    def test_storage_key(self) -> None:
        """videos/{userId}/{year}/{MM}/{filename}: the key ends in the local file's name."""
        name = video_filename(2026, 3, "cd" * 16)
        assert storage_key("user-123", name, 2026, 3) == f"videos/user-123/2026/03/{name}"

    def test_secret_is_created_once_and_private(self, tmp_path: Path) -> None:
        """Without VIDEO_KEY_SECRET, one is created in OUTPUT_DIR (mode 0600) and read back on every start."""
        first = load_or_create_secret(tmp_path)
        assert load_or_create_secret(tmp_path) == first
        assert len(first) == 64
        assert (os.stat(next(tmp_path.iterdir())).st_mode & 0o777) == 0o600


class TestWorkspace:
    def test_renders_are_written_in_a_directory_of_this_process(self, tmp_path: Path) -> None:
        """A render's file lives under OUTPUT_DIR/.rendering/<pid>/ until it is complete."""
        path = rendering_path(tmp_path, "recap.mp4")
        assert path == tmp_path / RENDERING_DIR / str(os.getpid()) / "recap.mp4"
        assert path.parent.is_dir()

    def test_files_of_dead_servers_are_removed_and_living_ones_kept(self, tmp_path: Path) -> None:
        """At start, what a dead process was rendering is deleted; a living process's files stay."""
        dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
        dead_dir = tmp_path / RENDERING_DIR / dead.stdout.strip()
        dead_dir.mkdir(parents=True)
        (dead_dir / "half.mp4").write_bytes(b"half")
        mine = rendering_path(tmp_path, "mine.mp4")
        mine.write_bytes(b"in progress")
        removed = remove_abandoned_renders(tmp_path)
        assert removed == [dead_dir / "half.mp4"]
        assert not dead_dir.exists()
        assert mine.exists()
