#!/usr/bin/env python3
"""A stand-in for remotion/driver/render.mjs that speaks its protocol (protocol.mjs), for fast tests of streaming.

Its options come from a JSON file named on its command line (`fake_driver.py --config FILE`), because the server
passes its driver an allow-listed environment only; a run without `--config` reads them from its environment (for
tests that start it directly). It behaves as FAKE_DRIVER_MODE says:
  ok       bundle progress (bundle jobs), render progress 0 -> 1 in steps, writes a small real MP4 of the video's
           length (64x112, H.264, made by Remotion's ffmpeg, so the soundtrack can be muxed into it), "done"
  error    some progress, then {"type": "error", "message": "out of memory"}, exit 1
  crash    some progress, a stderr line, then exit 3 without a final line
  killed   some progress, then SIGKILLs itself
  garbage  some progress, then a line that is not JSON
  hang     some progress, starts a child process (its pid goes to FAKE_DRIVER_PIDS), then waits forever
FAKE_DRIVER_JOBS names a directory where every run writes the job it received (<pid>.json); stills jobs (the
server's template thumbnails) are not recorded. A stills job writes PNGs of the requested scale, each filled with
its template's background color (grey when that is not #rrggbb); with FAKE_DRIVER_STILLS=error it fails instead,
and with FAKE_DRIVER_STILLS_GATE (a directory) it first waits until a file named `stills` exists there.
A render reports the length of its props' video (a chunk's, with `frameRange` or `chunk`) by the server's own duration
rule (tornado_render.templates; the real driver's is the composition's calculateDuration, and tests compare the two),
and a bundle job writes a fake browser preview (preview/player.js, preview/fonts/) beside index.html, as the real driver
does; with FAKE_DRIVER_BUNDLE_GATE (a directory) it first waits until a file named `bundle` exists there, and with
FAKE_DRIVER_PREVIEW=error it reports a preview that did not build ("preview-failed") and writes none.
FAKE_DRIVER_EMIT_LOG names a file where the progress lines after the gate are noted with their wall time.
Every run appends its pid to FAKE_DRIVER_PIDS (a file) when that is set, so tests can check what is left.
FAKE_DRIVER_GATE names a directory: the render waits (polling every 20 ms, as a process outside the test) until a
file named after the recap's monthName exists there, so a test decides when each render may finish.
"""

from __future__ import annotations

import json
import os
import signal
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

from tornado_render.templates import FPS, TemplateCatalog, duration_frames

REMOTION_DIR = Path(__file__).resolve().parents[2] / "remotion"
COMPOSITOR = REMOTION_DIR / "node_modules" / "@remotion" / "compositor-linux-x64-gnu"


def load_options() -> dict[str, str]:
    if len(sys.argv) == 3 and sys.argv[1] == "--config":
        return {str(k): str(v) for k, v in json.loads(Path(sys.argv[2]).read_text()).items()}
    return {name: value for name, value in os.environ.items() if name.startswith("FAKE_DRIVER_")}


OPTIONS = load_options()


def emit(message: dict) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def record_pid(pid: int) -> None:
    path = OPTIONS.get("FAKE_DRIVER_PIDS")
    if path:
        with open(path, "a") as handle:
            handle.write(f"{pid}\n")


def emit_timed(message: dict) -> None:
    """Emit, and note the wall time in FAKE_DRIVER_EMIT_LOG (the benchmark measures delivery latency from it)."""
    emit(message)
    path = OPTIONS.get("FAKE_DRIVER_EMIT_LOG")
    if path:
        with open(path, "a") as handle:
            handle.write(f"{message.get('progress')} {time.time()}\n")


def wait_for_gate(job: dict) -> None:
    gate = OPTIONS.get("FAKE_DRIVER_GATE")
    if not gate:
        return
    name = job["inputProps"]["meta"]["monthName"]
    while not (Path(gate) / name).exists():
        time.sleep(0.02)


def bundle(job: dict) -> int:
    out = Path(job["bundleOutDir"])
    gate = OPTIONS.get("FAKE_DRIVER_BUNDLE_GATE")
    emit({"type": "bundle-progress", "progress": 0})
    while gate and not (Path(gate) / "bundle").exists():
        time.sleep(0.02)
    for progress in (0, 10, 50, 100):
        emit({"type": "bundle-progress", "progress": progress})
    out.mkdir(parents=True, exist_ok=True)
    (out / "index.html").write_text("<!doctype html><title>fake bundle</title>")
    if OPTIONS.get("FAKE_DRIVER_PREVIEW") == "error":
        emit({"type": "preview-failed", "message": 'Could not resolve "@remotion/player"'})
    else:
        fonts = out / "preview" / "fonts"
        fonts.mkdir(parents=True)
        (out / "preview" / "player.js").write_text("window.RecapPreview = {fake: true};\n")
        (fonts / "inter-latin-400-normal-ABCD1234.woff2").write_bytes(b"wOF2fake")
    emit({"type": "bundled", "serveUrl": str(out)})
    emit({"type": "done", "serveUrl": str(out)})
    return 0


def render(job: dict, mode: str) -> int:
    emit({"type": "bundle-progress", "progress": 100})
    emit({"type": "bundled", "serveUrl": job.get("serveUrl", "")})
    for progress in (0.0, 0.1, 0.2):
        emit({"type": "render-progress", "progress": progress, "renderedFrames": 0, "encodedFrames": 0})
    if mode == "error":
        emit({"type": "error", "message": "out of memory"})
        return 1
    if mode == "crash":
        sys.stderr.write("Error: the browser crashed: Target closed\n")
        sys.stderr.flush()
        return 3
    if mode == "killed":
        os.kill(os.getpid(), signal.SIGKILL)
    if mode == "garbage":
        sys.stdout.write("this is not json\n")
        sys.stdout.flush()
        time.sleep(30)
        return 0
    if mode == "hang":
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3600)"])
        record_pid(child.pid)
        while True:
            time.sleep(3600)
    wait_for_gate(job)
    for progress in (0.5, 0.73, 1.0):
        emit_timed({"type": "render-progress", "progress": progress, "renderedFrames": 0, "encodedFrames": 0})
    frames = video_frames(job["inputProps"])
    chunk = job.get("frameRange") or chunk_range(frames, job.get("chunk"))
    if chunk:  # a chunk (render/chunks.py): its frames only
        frames = chunk[1] - chunk[0] + 1
    if mode != "unwritten":  # "unwritten": says done without having written the video
        write_video(Path(job["outputPath"]), frames)
    done = {"type": "done", "outputPath": job["outputPath"], "durationInSeconds": frames / FPS, "frameCount": frames}
    if chunk:
        done["frameRange"] = chunk
    shapes = {}
    for shape in job.get("formats") or []:
        write_video(Path(shape["outputPath"]), frames)
        shapes[shape["format"]] = {"outputPath": shape["outputPath"], "frameCount": frames, "framesCaptured": frames}
    if shapes:
        done["formats"] = shapes
    if job.get("card"):
        write_card(Path(job["card"]["outputPath"]))
        done["card"] = job["card"]["outputPath"]
    emit(done)
    return 0


def chunk_range(frames: int, chunk: dict | None) -> list[int] | None:
    """The frames of chunk {index, count}: equal parts (the real driver's are parts of equal work)."""
    if not chunk:
        return None
    index, count = chunk["index"], chunk["count"]
    return [frames * index // count, frames * (index + 1) // count - 1]


def write_card(path: Path) -> None:
    """A real 1200x630 JPEG, as the driver's link card is."""
    args = [str(COMPOSITOR / "ffmpeg"), "-v", "error", "-nostdin", "-filter_complex", "nullsrc=s=1200x630"]
    args += ["-frames:v", "1", "-c:v", "mjpeg", "-f", "image2", "-y", str(path)]
    subprocess.run(args, check=True, env={"LD_LIBRARY_PATH": str(COMPOSITOR)}, timeout=60)


def write_video(path: Path, frames: int) -> None:
    """A tiny real MP4 of `frames` frames at 30 fps (a grey picture; flagged as the real driver flags its video)."""
    graph = f"nullsrc=s=64x112:r={FPS},format=yuv420p"
    args = [str(COMPOSITOR / "ffmpeg"), "-v", "error", "-nostdin", "-filter_complex", graph, "-frames:v", str(frames)]
    args += ["-c:v", "libx264", "-preset", "ultrafast", "-movflags", "+faststart", "-f", "mp4", "-y", str(path)]
    subprocess.run(args, check=True, env={"LD_LIBRARY_PATH": str(COMPOSITOR)}, timeout=60)


def video_frames(props: dict) -> int:
    """The length of the video of these props (the template the server sends is complete; none means defaults)."""
    catalog = TemplateCatalog.for_remotion_dir(REMOTION_DIR)
    return duration_frames(props, catalog.resolve(props.get("template") or {}))


def png(width: int, height: int, rgb: bytes = b"\x80\x80\x80") -> bytes:
    """A PNG of this size in one color."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + rgb * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def background(props: dict) -> bytes:
    color = str(props.get("template", {}).get("global", {}).get("colors", {}).get("background", ""))
    if len(color) == 7 and color.startswith("#"):
        try:
            return bytes.fromhex(color[1:])
        except ValueError:
            pass
    return b"\x80\x80\x80"


def stills(job: dict) -> int:
    gate = OPTIONS.get("FAKE_DRIVER_STILLS_GATE")
    while gate and not (Path(gate) / "stills").exists():
        time.sleep(0.02)
    if OPTIONS.get("FAKE_DRIVER_STILLS") == "error":
        emit({"type": "error", "message": "the browser crashed"})
        return 1
    scale = float(job.get("scale", 1))
    for still in job["stills"]:
        props = still.get("inputProps", job["inputProps"])
        Path(still["outputPath"]).write_bytes(png(int(1080 * scale), int(1920 * scale), background(props)))
        emit({"type": "still", "frame": still["frame"], "outputPath": still["outputPath"]})
    frames = video_frames(job["inputProps"])
    done = {"type": "done", "stills": len(job["stills"]), "durationInSeconds": frames / FPS, "frameCount": frames}
    emit({**done, "staticSpans": []})
    return 0


def record_job(job: dict) -> None:
    directory = OPTIONS.get("FAKE_DRIVER_JOBS")
    if directory:
        (Path(directory) / f"{os.getpid()}.json").write_text(json.dumps(job))


def main() -> int:
    record_pid(os.getpid())
    job = json.loads(sys.stdin.read())
    if isinstance(job.get("stills"), list):
        return stills(job)
    record_job(job)
    if job.get("bundleOnly"):
        return bundle(job)
    return render(job, OPTIONS.get("FAKE_DRIVER_MODE", "ok"))


if __name__ == "__main__":
    sys.exit(main())
