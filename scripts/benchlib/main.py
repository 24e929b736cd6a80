"""Runs the sections, prints the table, writes docs/PERFORMANCE.md."""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import shutil
import subprocess
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scripts.benchlib import (
    chunks,
    design,
    fanout,
    first_progress,
    fleet,
    fleet_scale,
    fonts,
    hostile,
    limit,
    memory,
    service,
    share,
    spans,
    strangers,
    tuning,
    worst,
)
from scripts.benchlib.common import REMOTION, ROOT, WORK, browser, build_bundle, fmt, median

SECTIONS = (
    "tuning",
    "limit",
    "service",
    "first-progress",
    "fanout",
    "memory",
    "fonts",
    "design",
    "share",
    "spans",
    "hostile",
    "fleet",
    "fleet-scale",
    "chunks",
    "worst",
)
REPORT = ROOT / "docs" / "PERFORMANCE.md"
# Every section's last results, so a run of some sections (--only) rewrites the report with the others kept.
RESULTS = ROOT / "docs" / "performance-results.json"


def machine() -> dict[str, str]:
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "?")
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    memory_kb = next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal"))
    chromium = subprocess.run([browser(), "--version"], capture_output=True, text=True).stdout.strip()
    remotion = json.loads((REMOTION / "node_modules" / "remotion" / "package.json").read_text())["version"]
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": f"{os.cpu_count()} x {cpu}",
        "memory": f"{memory_kb / 1024 / 1024:.1f} GiB",
        "os": f"{platform.platform()}",
        "python": platform.python_version(),
        "node": node,
        "remotion": remotion,
        "chromium": chromium or browser(),
    }


def psnr_text(row: dict[str, Any]) -> str:
    return "identical" if math.isinf(row["min_psnr"]) else f"{row['min_psnr']:.1f} dB"


def verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def hostile_report(hos: dict[str, Any]) -> list[str]:
    """Rows for the 50,000-book request (issue 9; before the fix: 4.6 s, 49.9 MB, /health 4.6 s, 337 MB)."""
    return [
        f"| one GET of {hos['request_bytes'] / 1000:.0f} KB holding 50,000 empty books: time to its "
        f"{hos['status']} / its size | {fmt(hos['seconds'])} / {hos['answer_bytes']} bytes | under 50 ms | "
        f"{verdict(hos['seconds'] <= 0.05)} |",
        f"| meanwhile: slowest /health of {hos['health_polls']} / server peak RSS / longest log line | "
        f"{fmt(hos['health_max'])} / {hos['peak_rss_mb']:.0f} MB / {hos['longest_log_line']} characters | "
        f"/health within 100 ms | {verdict(hos['health_max'] <= 0.1)} |",
    ]


def fonts_report(fon: dict[str, Any]) -> list[str]:
    """Rows of the results table for the `fonts` section: before fonts for every script, BASE plus the fonts
    change alone (the target: its render time), and the working tree."""

    def runs(values: list[float]) -> str:
        return ", ".join(fmt(value) for value in values)

    def three(values: dict[str, float]) -> str:
        return " / ".join(fmt(values[side]) for side in fonts.SIDES)

    build, size, files, render = (
        fon["bundle_seconds_median"],
        fon["bundle_bytes"],
        fon["bundle_files"],
        fon["render_seconds_median"],
    )
    change = fon["render_change"]
    sides = f"before (`{fon['base'][:7]}`) / fonts alone (`{fon['fonts'][:7]}`) / now"
    every_run = "; ".join(f"{side}: {runs(fon['render_seconds'][side])}" for side in fonts.SIDES)
    rows = [
        f"| bundle build, {sides}, median of {len(fon['bundle_seconds']['now'])} | {three(build)} | "
        "not per request | |",
        f"| bundle size, {sides} | "
        + " / ".join(f"{size[side] / 1e6:.1f} MB ({files[side]} files)" for side in fonts.SIDES)
        + " | | |",
        f"| {fon['recap']} (Latin only): render driver, {sides}, median (runs {every_run}) | "
        f"{three(render)} (fonts {change['fonts']:+.1%}, now {change['now']:+.1%}) | fonts: change < 3 % | "
        f"{verdict(abs(change['fonts']) < 0.03)} |",
    ]
    cpu = fon.get("render_cpu_seconds")
    if cpu:
        cpu_change = fon["render_cpu_change"]
        rows.append(
            f"| {fon['recap']}: CPU time of the render (driver, Chromium, ffmpeg), {sides}, median | "
            f"{three({side: median(cpu[side]) for side in fonts.SIDES})} "
            f"(fonts {cpu_change['fonts']:+.1%}, now {cpu_change['now']:+.1%}) | | |"
        )
    return rows


def render_report(info: dict[str, str], results: dict[str, Any]) -> str:
    lines = [
        "# Performance",
        "",
        "Written by `scripts/bench`; numbers from the run on the machine below (noisy:",
        "medians and ratios, not absolutes; sections kept from other runs are listed with their date and machine).",
        "",
        "| machine | |",
        "| --- | --- |",
    ]
    lines += [f"| {key} | {value} |" for key, value in info.items()]
    measured = results.get("measured", {})
    if len({(run["date"], run["cpu"]) for run in measured.values()}) > 1:
        machines = {run["cpu"] for run in measured.values()}
        where = "one machine" if len(machines) == 1 else f"{len(machines)} machines: compare within a section only"
        when = ", ".join(
            f"{section} {run['date']}" + ("" if len(machines) == 1 else f" on {run['cpu']}")
            for section, run in sorted(measured.items(), key=lambda item: item[1]["date"])
        )
        lines.append(f"| sections measured (runs of `--only`, {where}) | {when} |")
    lines += ["", "## Results", "", "| measure | value | target | |", "| --- | --- | --- | --- |"]
    if "bundle_seconds" in results:
        lines.append(
            f"| bundling the Remotion project (done once per source version, at server start) | "
            f"{fmt(results['bundle_seconds'])} | not per request | |"
        )
    lim = results.get("limit")
    if lim:
        lines.append(
            f"| {lim['recap']}: `npx remotion render`, Remotion defaults, median of {len(lim['cli_default'])} | "
            f"{fmt(lim['cli_default_median'])} | | |"
        )
        lines.append(
            f"| {lim['recap']}: `npx remotion render`, tuned settings, median | {fmt(lim['cli_tuned_median'])} | | |"
        )
        lines.append(
            f"| {lim['recap']}: render driver alone, tuned settings, median | {fmt(lim['driver_tuned_median'])} | | |"
        )
        lines.append(
            f"| tuned speed-up over defaults | {lim['speedup']:.2f}x | >= 1.3x | {verdict(lim['speedup'] >= 1.3)} |"
        )
    svc = results.get("service")
    if svc:
        lines.append(
            f"| {svc['recap']}: service, request to `complete`, median of {len(svc['runs'])} | "
            f"{fmt(svc['complete_median'])} | | |"
        )
        if lim:
            ratio = svc["complete_median"] / lim["cli_tuned_median"]
            lines.append(f"| service / tuned CLI | {ratio:.2f} | <= 1.10 | {verdict(ratio <= 1.10)} |")
        if svc.get("extra"):
            extra = svc["extra"]
            lines.append(
                f"| {svc['extra_recap']}: service, first `progress` / `progress 25` / `complete` | "
                f"{fmt(extra['first_progress'])} / {fmt(extra['progress_25'])} / {fmt(extra['complete'])} | | |"
            )
        lines.append(
            f"| real renders: first `progress` (each run) | {', '.join(fmt(v) for v in svc['first_progress'])} | | |"
        )
        lines.append(
            f"| real renders: `progress 25` (each run) | {', '.join(fmt(v) for v in svc['progress_25'])} | | |"
        )
    fp = results.get("first-progress")
    if fp:
        lines.append(
            f"| first `progress` event, p50 / p95 of {fp['requests']} (fake driver) | "
            f"{fmt(fp['first_p50'])} / {fmt(fp['first_p95'])} | p50 <= 100 ms | {verdict(fp['first_p50'] <= 0.1)} |"
        )
        lines.append(
            f"| `progress 25`, p50 / p95 (fake driver, warm bundle) | {fmt(fp['p25_p50'])} / {fmt(fp['p25_p95'])} | "
            f"p50 <= 300 ms | {verdict(fp['p25_p50'] <= 0.3)} |"
        )
    fo = results.get("fanout")
    if fo:
        lines.append(
            f"| fan-out, {fo['clients']} clients on one job: delivery latency p50 / p99 / max | "
            f"{fmt(fo['latency_p50'])} / {fmt(fo['latency_p99'])} / {fmt(fo['latency_max'])} | p99 <= 500 ms | "
            f"{verdict(fo['latency_p99'] <= 0.5)} |"
        )
        lines.append(
            f"| fan-out: server RSS before / with clients / after | {fo['rss_before_mb']:.0f} / "
            f"{fo['rss_attached_mb']:.0f} / {fo['rss_after_mb']:.0f} MB (growth {fo['rss_growth_mb']:.0f} MB) | "
            f"growth <= 150 MB | {verdict(fo['rss_growth_mb'] <= 150)} |"
        )
    mem = results.get("memory")
    if mem:
        lines.append(
            f"| peak memory of one {mem['recap']} render (server + node + Chromium, {mem['processes_at_peak']} "
            f"processes): PSS / RSS sum | {mem['peak_pss_mb']:.0f} / {mem['peak_rss_mb']:.0f} MB | | |"
        )
    fon = results.get("fonts")
    if fon:
        lines += fonts_report(fon)
    hos = results.get("hostile")
    if hos:
        lines += hostile_report(hos)
        if hos.get("strangers"):
            lines += strangers.report_lines(hos["strangers"])
    if results.get("fleet"):
        lines += fleet.report_lines(results["fleet"])
    if results.get("fleet-scale"):
        lines += fleet_scale.report_lines(results["fleet-scale"])
    if results.get("chunks"):
        lines += chunks.report_lines(results["chunks"])
    if results.get("worst"):
        lines += worst.report_lines(results["worst"])
    # Notes come after the table's last row: a paragraph between rows would end the table there.
    if lim:
        lines += ["", "Tuned settings: `" + json.dumps(lim["tuned_settings"]) + "`."]
    if results.get("spans"):
        lines += ["", *spans.report_lines(results["spans"])]
    if results.get("design"):
        lines += ["", *design.report_lines(results["design"])]
    if results.get("share"):
        lines += ["", *share.report_lines(results["share"])]
    rows = results.get("tuning")
    if rows:
        lines += [
            "",
            "## Choosing the settings",
            "",
            f"Each candidate renders {results['recap']} once through the driver; PSNR compares frames from every "
            "scene with the Remotion-defaults render (above ~40 dB a difference is invisible).",
            "",
            "| settings | wall time | file size | lowest PSNR vs defaults |",
            "| --- | --- | --- | --- |",
        ]
        lines += [
            f"| {row['label']} | {fmt(row['seconds'])} | {row['bytes'] / 1e6:.1f} MB | {psnr_text(row)} |"
            for row in rows
        ]
    notes = ROOT / "docs" / "performance-notes.md"
    if notes.exists():
        lines += ["", notes.read_text().strip()]
    return "\n".join(lines) + "\n"


def merge_with_previous(results: dict[str, Any], wanted: list[str], info: dict[str, str]) -> dict[str, Any]:
    """This run's sections over the last results of the others, each section with when and on which machine
    (its CPU) it was measured, so that a report mixing runs says so."""
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    this_run = {"date": info["date"], "cpu": info["cpu"]}
    measured = {**previous.get("measured", {}), **dict.fromkeys(wanted, this_run)}
    return {**previous, **results, "measured": measured}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"comma-separated subset of {', '.join(SECTIONS)}")
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--recap", default="five-books")
    parser.add_argument("--no-write", action="store_true", help="print only, do not rewrite docs/PERFORMANCE.md")
    args = parser.parse_args(argv)
    wanted = [s.strip() for s in args.only.split(",") if s.strip()]
    results: dict[str, Any] = {"recap": args.recap}
    try:
        if {"limit", "tuning", "spans", "chunks", "fleet", "fleet-scale"} & set(wanted):
            bundle, results["bundle_seconds"] = build_bundle()
            print(f"bundle built in {fmt(results['bundle_seconds'])}", flush=True)
        runners: dict[str, Callable[[], Any]] = {
            "tuning": lambda: tuning.measure(bundle, args.recap),
            "limit": lambda: limit.measure(bundle, args.recap, args.runs),
            "service": lambda: service.measure(args.recap, args.runs, extra_recap="three-books"),
            "first-progress": first_progress.measure,
            "fanout": lambda: fanout.measure(args.clients),
            "memory": lambda: memory.measure(args.recap),
            "fonts": lambda: fonts.measure(args.runs),
            "design": lambda: design.measure(args.runs),
            "share": lambda: share.measure(args.runs),
            "hostile": lambda: {**hostile.measure(), "strangers": strangers.measure()},
            "fleet": lambda: fleet.measure(bundle, args.clients),
            "fleet-scale": lambda: fleet_scale.measure(bundle),
            "spans": lambda: spans.measure(bundle, args.runs),
            "chunks": lambda: chunks.measure(bundle),
            "worst": worst.measure,
        }
        for section, run in runners.items():
            if section not in wanted:
                continue
            try:  # one section's failure costs that section, not the whole run's numbers
                results[section] = run()
            except Exception:  # noqa: BLE001 - reported, and the section is left out of the report
                traceback.print_exc()
                wanted.remove(section)
                print(f"{section}: FAILED, left out of the report", flush=True)
                continue
            print(f"{section}:", json.dumps(results[section], default=str), flush=True)
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
    info = machine()
    if not args.no_write:
        results = merge_with_previous(results, wanted, info)
    report = render_report(info, results)
    print(report)
    if not args.no_write:
        REPORT.parent.mkdir(exist_ok=True)
        REPORT.write_text(report)
        RESULTS.write_text(json.dumps(results, indent=1, default=str) + "\n")
        print(f"wrote {REPORT.relative_to(ROOT)}")
    return 0
