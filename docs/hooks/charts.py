"""MkDocs hook: draws the docs' charts from the benchmarks' own output.

``bench/boot.py --json docs/data/boot.json`` writes the boot benchmark's medians; a page
that holds ``<!-- chart: boot-ratios -->`` or ``<!-- chart: boot-stages -->`` gets that
chart, drawn here as inline SVG (no script, no image file to go stale beside the data).
"""

from __future__ import annotations

import json
import math
from html import escape
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[1] / "data" / "boot.json"
WIDTH = 720
LABEL_W = 260
BAR_H = 14
ROW_H = 40
COLOURS = {"widget": "#1565c0", "view": "#6a9fd8", "download": "#1565c0", "interpreter": "#2e7d32",
           "packages": "#f9a825", "bridge": "#8e24aa"}


def _svg(height: int, body: list[str], title: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {WIDTH} {height}" '
            f'width="100%" style="max-width:{WIDTH}px" font-family="sans-serif" font-size="12">'
            f"<title>{escape(title)}</title>{''.join(body)}</svg>")


def ratios_chart(data: dict[str, Any]) -> str:
    """Each row's time (or bytes, memory) of the widget and of a Python view, as a ratio of
    the baseline (`bare+pyc`: the fastest plain Pyodide page a user could write)."""
    baseline = data["baseline"]
    rows = [r for r in data["rows"] if r["values"].get(baseline) and not math.isnan(r["values"][baseline])]
    top = max(max(r["values"][s] / r["values"][baseline] for s in ("widget", "view")) for r in rows)
    scale = (WIDTH - LABEL_W - 60) / max(2.0, math.ceil(top * 2) / 2)
    body = []
    height = 30 + ROW_H * len(rows)
    one = LABEL_W + scale
    for i, row in enumerate(rows):
        y = 26 + i * ROW_H
        body.append(f'<text x="0" y="{y + BAR_H:.0f}">{escape(row["label"])}</text>')
        for j, subject in enumerate(("widget", "view")):
            ratio = row["values"][subject] / row["values"][baseline]
            top_y = y + j * (BAR_H + 2)
            body.append(f'<rect x="{LABEL_W}" y="{top_y}" width="{ratio * scale:.1f}" height="{BAR_H}" '
                        f'fill="{COLOURS[subject]}"><title>{escape(subject)}: {ratio:.2f}</title></rect>')
            body.append(f'<text x="{LABEL_W + ratio * scale + 4:.1f}" y="{top_y + BAR_H - 3}">{escape(subject)} {ratio:.2f}</text>')
    # the baseline over the bars, so that each bar reads against it
    body.append(f'<line x1="{one:.1f}" y1="18" x2="{one:.1f}" y2="{height - 6}" stroke="#222" stroke-dasharray="4 3"/>')
    body.append(f'<text x="{one + 4:.1f}" y="12" fill="#222">{escape(baseline)} = 1</text>')
    return _svg(height, body, f"widget and view against {baseline}, medians of {data['runs']} runs")


STAGE_ORDER = ("download", "interpreter", "packages", "bridge")  # as the boot runs them (web/boot/boot.js)


def stages_chart(data: dict[str, Any]) -> str:
    """The widget's boot, stage after stage (ms), on a first visit and on a reload."""
    stages = {name: data["stages"][name] for name in STAGE_ORDER if name in data["stages"]}
    totals = {kind: sum(v[kind] for v in stages.values()) for kind in ("cold", "reload")}
    scale = (WIDTH - 120) / max(totals.values())
    body = []
    for i, kind in enumerate(("cold", "reload")):
        y = 10 + i * 34
        body.append(f'<text x="0" y="{y + 16}">{kind} ({totals[kind]:.0f} ms)</text>')
        x = 110.0
        for stage, values in stages.items():
            w = values[kind] * scale
            body.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="22" fill="{COLOURS.get(stage, "#999")}">'
                        f"<title>{escape(stage)}: {values[kind]:.0f} ms</title></rect>")
            if w > 60:
                body.append(f'<text x="{x + 4:.1f}" y="{y + 15}" fill="#fff">{escape(stage)} {values[kind]:.0f}</text>')
            x += w
    x = 110.0
    for stage in stages:  # the legend: a stage too short for its name inside its bar is named here
        body.append(f'<rect x="{x:.1f}" y="82" width="12" height="12" fill="{COLOURS.get(stage, "#999")}"/>')
        body.append(f'<text x="{x + 16:.1f}" y="92">{escape(stage)}</text>')
        x += 30 + 7 * len(stage)
    return _svg(104, body, "the widget's boot stages, medians (ms)")


CHARTS = {"boot-ratios": ratios_chart, "boot-stages": stages_chart}


def on_page_markdown(markdown: str, **_: Any) -> str:
    if "<!-- chart: " not in markdown:
        return markdown
    data = json.loads(DATA.read_text())
    caption = escape(f"bench/boot.py, {data['date']}: medians of {data['runs']} runs ({data['throttled_runs']} "
                     f"throttled), Chromium {data['chromium']}")
    for name, draw in CHARTS.items():
        markdown = markdown.replace(f"<!-- chart: {name} -->",
                                    f'<figure class="chart">{draw(data)}<figcaption>{caption}</figcaption></figure>')
    return markdown
