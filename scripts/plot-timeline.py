#!/usr/bin/env python3
"""Draws the timeline of a load test as an SVG, with the Python standard library only.

    scripts/plot-timeline.py TIMELINE.jsonl OUT.svg [--title TEXT]

TIMELINE.jsonl is what `synccli bench load --timeline FILE` writes: one JSON object per second,
{"second": N, "phase": "ramp"|"measure"|"drain", "kinds": {"push": {"requests", "errors", "p50_ms",
"p99_ms"}, …}}. The picture has three panels over the seconds of the run: requests per second by
kind, errors per second by kind, and the p99 latency by kind (logarithmic axis). The measured
window is shaded.
"""
import argparse
import json
import math
import sys
from html import escape

KINDS = ["push", "pull", "live", "login", "connect", "refresh"]
COLOURS = {
    "push": "#d62728",
    "pull": "#1f77b4",
    "live": "#2ca02c",
    "login": "#9467bd",
    "connect": "#ff7f0e",
    "refresh": "#8c564b",
}
WIDTH = 960
PANEL_HEIGHT = 200
LEFT = 70
RIGHT = 120
TOP = 50
GAP = 45


def load(path):
    rows = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            line = line.strip()
            if not line:
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as error:
                sys.exit(f"plot-timeline: {path}:{number}: not JSON: {error}")
    if not rows:
        sys.exit(f"plot-timeline: {path} holds no seconds")
    rows.sort(key=lambda row: row["second"])
    return rows


def nice_ceiling(value):
    """The smallest 1, 2 or 5 times a power of ten at or above value (at least 1)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def panel(out, index, title, rows, series, log_scale=False):
    """One panel: series maps kind -> list of (second, value or None)."""
    top = TOP + index * (PANEL_HEIGHT + GAP)
    plot_width = WIDTH - LEFT - RIGHT
    first = rows[0]["second"]
    last = max(rows[-1]["second"], first + 1)

    def x(second):
        return LEFT + (second - first) / (last - first) * plot_width

    if log_scale:  # a p99 of 0 (every live poke came before its push's answer) has no place on it
        series = {kind: [(s, v if v is not None and v > 0 else None) for s, v in points] for kind, points in series.items()}
    values = [v for points in series.values() for _, v in points if v is not None]
    if log_scale:
        low = 10 ** math.floor(math.log10(max(min([v for v in values if v > 0], default=1), 0.1)))
        high = 10 ** math.ceil(math.log10(max(values, default=10) or 10))
        if high <= low:
            high = low * 10

        def y(value):
            value = min(max(value, low), high)
            return top + PANEL_HEIGHT - (math.log10(value) - math.log10(low)) / (math.log10(high) - math.log10(low)) * PANEL_HEIGHT

        ticks = [10 ** p for p in range(int(math.log10(low)), int(math.log10(high)) + 1)]
    else:
        high = nice_ceiling(max(values, default=1))

        def y(value):
            return top + PANEL_HEIGHT - value / high * PANEL_HEIGHT

        ticks = [high * i / 4 for i in range(5)]

    out.append(f'<text x="{LEFT}" y="{top - 10}" class="title">{escape(title)}</text>')
    # The measured window.
    measured = [row["second"] for row in rows if row.get("phase") == "measure"]
    if measured:
        start, end = x(min(measured)), x(max(measured) + 1)
        out.append(f'<rect x="{start:.1f}" y="{top}" width="{max(end - start, 1):.1f}" height="{PANEL_HEIGHT}" fill="#f2f2f2"/>')
    out.append(f'<rect x="{LEFT}" y="{top}" width="{plot_width}" height="{PANEL_HEIGHT}" fill="none" stroke="#888"/>')
    for tick in ticks:
        ty = y(tick)
        label = f"{tick:g}" if tick < 10000 else f"{tick:.0e}"
        out.append(f'<line x1="{LEFT - 4}" y1="{ty:.1f}" x2="{LEFT + plot_width}" y2="{ty:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{LEFT - 8}" y="{ty + 4:.1f}" class="tick" text-anchor="end">{label}</text>')
    step = nice_ceiling((last - first) / 10)
    second = math.ceil(first / step) * step
    while second <= last:
        tx = x(second)
        out.append(f'<line x1="{tx:.1f}" y1="{top + PANEL_HEIGHT}" x2="{tx:.1f}" y2="{top + PANEL_HEIGHT + 4}" stroke="#888"/>')
        out.append(f'<text x="{tx:.1f}" y="{top + PANEL_HEIGHT + 16}" class="tick" text-anchor="middle">{second:g}</text>')
        second += step
    legend = 0
    for kind in KINDS:
        points = series.get(kind)
        if not points or all(v is None for _, v in points):
            continue
        path = []
        pen_up = True
        for second, value in points:
            if value is None:
                pen_up = True
                continue
            path.append(f'{"M" if pen_up else "L"}{x(second + 0.5):.1f},{y(value):.1f}')
            pen_up = False
        out.append(f'<path d="{" ".join(path)}" fill="none" stroke="{COLOURS[kind]}" stroke-width="1.3"/>')
        ly = top + 14 + legend * 16
        out.append(f'<line x1="{WIDTH - RIGHT + 12}" y1="{ly - 4}" x2="{WIDTH - RIGHT + 30}" y2="{ly - 4}" stroke="{COLOURS[kind]}" stroke-width="2"/>')
        out.append(f'<text x="{WIDTH - RIGHT + 36}" y="{ly}" class="tick">{kind}</text>')
        legend += 1


def main():
    parser = argparse.ArgumentParser(description="Draw a `synccli bench load --timeline` file as an SVG.")
    parser.add_argument("timeline")
    parser.add_argument("out")
    parser.add_argument("--title", default=None)
    args = parser.parse_args()
    rows = load(args.timeline)

    def series(field, per_second=True):
        result = {}
        for kind in KINDS:
            points = []
            seen = False
            for row in rows:
                figures = row.get("kinds", {}).get(kind)
                value = None
                if figures is not None:
                    seen = True
                    value = figures.get(field)
                elif per_second:
                    value = 0
                points.append((row["second"], value))
            if seen:
                result[kind] = points
        return result

    requests = series("requests")
    requests.pop("live", None)  # live samples are not requests
    errors = series("errors")
    p99 = series("p99_ms", per_second=False)

    total = sum(figures.get("requests", 0) for row in rows for kind, figures in row.get("kinds", {}).items() if kind != "live")
    failed = sum(figures.get("errors", 0) for row in rows for figures in row.get("kinds", {}).values())
    title = args.title or f"{args.timeline}: {len(rows)} s, {total} requests, {failed} errors (shaded: measured window)"
    height = TOP + 3 * PANEL_HEIGHT + 2 * GAP + 40
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="sans-serif">',
        "<style>.title{font-size:13px;font-weight:bold}.tick{font-size:11px;fill:#333}</style>",
        f'<rect width="{WIDTH}" height="{height}" fill="white"/>',
        f'<text x="{LEFT}" y="22" class="title">{escape(title)}</text>',
    ]
    panel(out, 0, "requests per second, by kind", rows, requests)
    panel(out, 1, "errors per second, by kind (live: missed pokes; connect: failed or dropped sockets)", rows, errors)
    panel(out, 2, "p99 latency per second, ms (log scale; live: push answer to poke on the other device; 0 not drawn)", rows, p99, log_scale=True)
    out.append(f'<text x="{LEFT + (WIDTH - LEFT - RIGHT) / 2}" y="{height - 8}" class="tick" text-anchor="middle">seconds since the start of the run</text>')
    out.append("</svg>")
    with open(args.out, "w", encoding="utf-8") as handle:
        handle.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
