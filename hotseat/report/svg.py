"""Small inline SVG charts: the report must work offline, with no chart library's JS.

Every label is escaped here; callers pass plain text.
"""

from __future__ import annotations

from html import escape

PALETTE = ("#2e7d32", "#f9a825", "#c62828", "#757575", "#1565c0", "#6a1b9a", "#00838f",
           "#ef6c00")


def stacked_bars(rows: list[tuple[str, list[float]]], series: list[str],
                 width: int = 640, bar_h: int = 18) -> str:
    """One horizontal bar per row, split by `series` shares (each row's values sum to 1)."""
    label_w, gap = 170, 6
    height = len(rows) * (bar_h + gap) + 30
    plot_w = width - label_w - 10
    out = [f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" '
           f'height="{height}" role="img">']
    for i, (label, values) in enumerate(rows):
        y = i * (bar_h + gap)
        out.append(f'<text x="{label_w - 6}" y="{y + bar_h - 5}" text-anchor="end" '
                   f'font-size="12">{escape(label)}</text>')
        x = float(label_w)
        for j, v in enumerate(values):
            w = plot_w * max(0.0, v)
            if w > 0:
                out.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" '
                           f'fill="{PALETTE[j % len(PALETTE)]}"><title>{escape(series[j])}: '
                           f'{v:.0%}</title></rect>')
            x += w
    y = len(rows) * (bar_h + gap) + 12
    x = label_w
    for j, name in enumerate(series):
        out.append(f'<rect x="{x}" y="{y}" width="10" height="10" '
                   f'fill="{PALETTE[j % len(PALETTE)]}"/><text x="{x + 14}" y="{y + 9}" '
                   f'font-size="11">{escape(name)}</text>')
        x += 14 + 8 * len(name) + 12
    out.append("</svg>")
    return "".join(out)


def lines(series: dict[str, list[float]], width: int = 640, height: int = 220,
          y_max: float = 10.0, title: str = "") -> str:
    """One polyline per series over x = 0..n-1 (e.g. anger after each reply)."""
    left, bottom, top = 40, 30, 20
    n = max((len(v) for v in series.values()), default=1)
    plot_w, plot_h = width - left - 150, height - bottom - top
    step = plot_w / max(1, n - 1)
    out = [f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" '
           f'height="{height}" role="img">',
           f'<text x="{left}" y="14" font-size="12">{escape(title)}</text>',
           f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
           'stroke="#999"/>',
           f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#999"/>']
    for tick in (0, y_max / 2, y_max):
        y = top + plot_h - plot_h * tick / y_max
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" '
                   f'font-size="10">{tick:g}</text>')
    for i in range(n):
        out.append(f'<text x="{left + i * step:.1f}" y="{top + plot_h + 14}" '
                   f'text-anchor="middle" font-size="10">{i}</text>')
    for j, (name, values) in enumerate(series.items()):
        color = PALETTE[j % len(PALETTE)]
        pts = " ".join(f"{left + i * step:.1f},{top + plot_h - plot_h * v / y_max:.1f}"
                       for i, v in enumerate(values))
        out.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{pts}">'
                   f'<title>{escape(name)}</title></polyline>')
        ly = top + 14 * j + 6
        out.append(f'<rect x="{left + plot_w + 12}" y="{ly}" width="10" height="10" '
                   f'fill="{color}"/><text x="{left + plot_w + 26}" y="{ly + 9}" '
                   f'font-size="11">{escape(name)}</text>')
    out.append("</svg>")
    return "".join(out)


def bars(values: dict[str, float], width: int = 320, height: int = 140) -> str:
    """Vertical bars, one per key (e.g. a 0..4 score histogram)."""
    bottom, top = 20, 10
    peak = max(values.values(), default=0) or 1
    n = max(1, len(values))
    bw = (width - 20) / n
    out = [f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" '
           f'height="{height}" role="img">']
    for i, (key, v) in enumerate(values.items()):
        h = (height - bottom - top) * v / peak
        x = 10 + i * bw
        out.append(f'<rect x="{x + 2:.1f}" y="{height - bottom - h:.1f}" width="{bw - 4:.1f}" '
                   f'height="{h:.1f}" fill="{PALETTE[4]}"><title>{escape(key)}: {v:g}'
                   f'</title></rect><text x="{x + bw / 2:.1f}" y="{height - 6}" '
                   f'text-anchor="middle" font-size="11">{escape(key)}</text>')
    out.append("</svg>")
    return "".join(out)
