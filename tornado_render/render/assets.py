"""What a render makes besides the story video, and where it keeps them: the poster (the story's first frame as a
JPEG, which is the finished title card: the video's poster frame), the link card (a JPEG still of the RecapCard
composition, 1200 x 630, for Open Graph), and the other shapes a request asks for (square, landscape). They are
stored beside the story under its keyed name (storage/naming.asset_key), so the result cache finds them with it:
a request is answered from storage only when its story and every asset it asks for are there.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..recap import STORY, RenderRequest
from ..storage import Storage
from ..storage.naming import ASSET_CONTENT_TYPES, ASSET_EXTENSIONS, asset_key
from .ffmpeg import MediaTools, run_tool

POSTER_TIMEOUT_SECONDS = 30.0
# mjpeg's quality scale (2 is the best short of lossless): a poster is looked at full size.
POSTER_QUALITY = "2"


def asset_names(request: RenderRequest) -> list[str]:
    """The assets a request's render makes: the poster, the card, and each shape it asks for besides the story."""
    return ["poster", "card", *(shape for shape in request.formats if shape != STORY)]


def asset_path(video: Path, name: str) -> Path:
    """Where a render writes one of its assets, beside its story video (`x.mp4` -> `x-poster.jpg`)."""
    return video.with_name(f"{video.stem}-{name}.{ASSET_EXTENSIONS[name]}")


async def extract_poster(tools: MediaTools, video: Path, output: Path) -> None:
    """The video's first frame as a JPEG at `output` (its own size, limited-range BT.709 read as such)."""
    args = ["-hide_banner", "-nostdin", "-loglevel", "error", "-i", str(video), "-frames:v", "1"]
    args += ["-q:v", POSTER_QUALITY, "-f", "image2", "-c:v", "mjpeg", "-y", str(output)]
    await run_tool(tools.ffmpeg, args, tools.environment(), POSTER_TIMEOUT_SECONDS)


@dataclass(frozen=True)
class StoredAssets:
    """The stored assets of one video: their URLs by name."""

    urls: dict[str, str]


def store_assets(storage: Storage, video_key: str, files: dict[str, Path]) -> StoredAssets:
    """Put each asset file beside the video's key (blocking: run it in the executor). Raises what the storage
    raises (UploadFailed)."""
    urls = {}
    for name, path in files.items():
        extension = ASSET_EXTENSIONS[name]
        urls[name] = storage.put_file(path, asset_key(video_key, name), ASSET_CONTENT_TYPES[extension])
    return StoredAssets(urls)


def locate_assets(storage: Storage, video_key: str, names: Iterable[str]) -> StoredAssets | None:
    """The stored assets of `names` beside the video's key, or None when any of them is missing (blocking)."""
    urls = {}
    for name in names:
        url = storage.file_url(asset_key(video_key, name))
        if url is None:
            return None
        urls[name] = url
    return StoredAssets(urls)
