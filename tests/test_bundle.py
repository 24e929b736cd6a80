"""The bundle cache: built once per version of the sources, shared while it builds, never stale (fake driver).

Each test runs in a loop of its own (tests/support/loops.py) and keeps to it.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import pytest

from tests.support.loops import run_in_own_loop
from tests.support.server import fake_driver_argv
from tornado_render.errors import RenderFailed
from tornado_render.render.bundle import BundleCache, source_hash


@pytest.fixture
def remotion_dir(tmp_path: Path) -> Path:
    """A miniature Remotion project: what the cache hashes is src/ and the package files."""
    root = tmp_path / "remotion"
    (root / "src").mkdir(parents=True)
    (root / "src" / "index.ts").write_text("export const version = 1;\n")
    (root / "package.json").write_text("{}")
    (root / "package-lock.json").write_text("{}")
    return root


@pytest.fixture
def jobs_dir(tmp_path: Path) -> Path:
    """Every run of the fake driver records its job here."""
    directory = tmp_path / "jobs"
    directory.mkdir(exist_ok=True)
    return directory


def builds(jobs_dir: Path) -> int:
    return sum(1 for path in jobs_dir.glob("*.json") if json.loads(path.read_text()).get("bundleOnly"))


def fake_driver(tmp_path: Path) -> list[str]:
    (tmp_path / "jobs").mkdir(exist_ok=True)
    return fake_driver_argv(tmp_path / "driver", "ok", {"FAKE_DRIVER_JOBS": str(tmp_path / "jobs")})


def make_cache(remotion_dir: Path, tmp_path: Path) -> BundleCache:
    return BundleCache(remotion_dir, tmp_path / "bundles", fake_driver(tmp_path))


class TestBundleCache:
    def test_concurrent_requests_share_one_build(self, remotion_dir: Path, tmp_path: Path, jobs_dir: Path) -> None:
        """Three renders asking at once wait on one build, each seeing its progress up to 100."""
        cache = make_cache(remotion_dir, tmp_path)
        seen: list[list[float]] = [[], [], []]

        async def scenario() -> list[Path]:
            return await asyncio.gather(*(cache.ensure(seen[i].append) for i in range(3)))

        directories = run_in_own_loop(scenario())
        assert len(set(directories)) == 1
        assert (directories[0] / "index.html").is_file()
        assert builds(jobs_dir) == 1
        for progress in seen:
            assert progress[-1] == 100
            assert progress == sorted(progress)

    def test_warm_bundle_is_reused_across_restarts(self, remotion_dir: Path, tmp_path: Path, jobs_dir: Path) -> None:
        """A second cache over the same directory (a restarted server) builds nothing and reports 100 at once."""
        progress: list[float] = []

        async def scenario() -> tuple[Path, Path]:
            first = await make_cache(remotion_dir, tmp_path).ensure()
            return first, await make_cache(remotion_dir, tmp_path).ensure(progress.append)

        first, second = run_in_own_loop(scenario())
        assert second == first
        assert progress == [100.0]
        assert builds(jobs_dir) == 1

    def test_changed_sources_are_never_served_stale(self, remotion_dir: Path, tmp_path: Path, jobs_dir: Path) -> None:
        """After a source file changes, the next render gets a new bundle, and the old one is removed."""
        cache = make_cache(remotion_dir, tmp_path)

        async def scenario() -> tuple[Path, Path]:
            old = await cache.ensure()
            (remotion_dir / "src" / "index.ts").write_text("export const version = 2;\n")
            return old, await cache.ensure()

        old, new = run_in_own_loop(scenario())
        assert new != old
        assert not old.exists()
        assert builds(jobs_dir) == 2

    def test_build_failure_is_reported_and_retried(self, remotion_dir: Path, tmp_path: Path) -> None:
        """A driver that cannot bundle fails the waiting render with a reason; the next request tries again."""
        cache = BundleCache(remotion_dir, tmp_path / "bundles", [sys.executable, "-c", "import sys; sys.exit(4)"])

        async def scenario() -> Path:
            with pytest.raises(RenderFailed, match="bundling failed"):
                await cache.ensure()
            cache.driver_argv = fake_driver(tmp_path)
            return await cache.ensure()

        assert (run_in_own_loop(scenario()) / "index.html").is_file()


class TestBundleIdentity:
    @pytest.mark.parametrize(
        "changed", ["public/audio/daybreak.wav", "scripts/make-beds.mjs", "src/audio/beds.json", "preview/entry.tsx"]
    )
    def test_the_beds_and_their_generator_are_part_of_it(self, remotion_dir: Path, changed: str) -> None:
        """The soundtrack beds (public/), the script that makes them and the preview change the bundle's hash: a
        new bed is never played from a stale bundle."""
        for name in ("public/audio/daybreak.wav", "scripts/make-beds.mjs", "src/audio/beds.json", "preview/entry.tsx"):
            (remotion_dir / name).parent.mkdir(parents=True, exist_ok=True)
            (remotion_dir / name).write_bytes(b"1")
        before = source_hash(remotion_dir)
        (remotion_dir / changed).write_bytes(b"2")
        assert source_hash(remotion_dir) != before
