"""Small inline SVG charts: the report must work offline, with no chart library's JS.

Every label is escaped here; callers pass plain text.
"""

from __future__ import annotations

from html import escape

PALETTE = ("#2e7d32", "#f9a825", "#c62828", "#757575", "#1565c0", "#6a1b9a", "#00838f", "#ef6c00")
# Scores 0..4, red (bad) to green (good).
SCORE_COLORS = ("#c62828", "#ef6c00", "#f9a825", "#9ccc65", "#2e7d32")


def _open(width: int, height: int, name: str) -> str:
    # data-chart names the chart so a test (or a reader of the source) can find it.
    tag = f' data-chart="{escape(name)}"' if name else ""
    return (
        f'<svg class="chart"{tag} xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" role="img">'
    )


def stacked_bars(
    rows: list[tuple[str, list[float]]],
    series: list[str],
    width: int = 640,
    bar_h: int = 18,
    *,
    colors: tuple[str, ...] = PALETTE,
    name: str = "",
    label_w: int = 170,
) -> str:
    """One horizontal bar per row, split by `series` shares (each row's values sum to 1)."""
    gap = 6
    height = len(rows) * (bar_h + gap) + 30
    plot_w = width - label_w - 10
    out = [_open(width, height, name)]
    for i, (label, values) in enumerate(rows):
        y = i * (bar_h + gap)
        out.append(
            f'<text x="{label_w - 6}" y="{y + bar_h - 5}" text-anchor="end" '
            f'font-size="12">{escape(label)}</text>'
        )
        x = float(label_w)
        for j, v in enumerate(values):
            w = plot_w * max(0.0, v)
            if w > 0:
                out.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" '
                    f'fill="{colors[j % len(colors)]}"><title>{escape(label)}: '
                    f"{escape(series[j])} {v:.0%}</title></rect>"
                )
            x += w
    y = len(rows) * (bar_h + gap) + 12
    x = label_w
    for j, key in enumerate(series):
        out.append(
            f'<rect x="{x}" y="{y}" width="10" height="10" '
            f'fill="{colors[j % len(colors)]}"/><text x="{x + 14}" y="{y + 9}" '
            f'font-size="11">{escape(key)}</text>'
        )
        x += 14 + 8 * len(key) + 12
    out.append("</svg>")
    return "".join(out)


def lines(
    series: dict[str, list[float]],
    width: int = 640,
    height: int = 220,
    y_max: float = 10.0,
    title: str = "",
    name: str = "",
) -> str:
    """One polyline per series over x = 0..n-1 (e.g. anger after each reply)."""
    left, bottom, top = 40, 30, 20
    n = max((len(v) for v in series.values()), default=1)
    plot_w, plot_h = width - left - 150, height - bottom - top
    step = plot_w / max(1, n - 1)
    out = [
        _open(width, height, name),
        f'<text x="{left}" y="14" font-size="12">{escape(title)}</text>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        'stroke="#999"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#999"/>',
    ]
    for tick in (0, y_max / 2, y_max):
        y = top + plot_h - plot_h * tick / y_max
        out.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="10">{tick:g}</text>'
        )
    for i in range(n):
        out.append(
            f'<text x="{left + i * step:.1f}" y="{top + plot_h + 14}" '
            f'text-anchor="middle" font-size="10">{i}</text>'
        )
    for j, (label, values) in enumerate(series.items()):
        color = PALETTE[j % len(PALETTE)]
        pts = " ".join(
            f"{left + i * step:.1f},{top + plot_h - plot_h * v / y_max:.1f}"
            for i, v in enumerate(values)
        )
        out.append(
            f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{pts}">'
            f"<title>{escape(label)}</title></polyline>"
        )
        ly = top + 14 * j + 6
        out.append(
            f'<rect x="{left + plot_w + 12}" y="{ly}" width="10" height="10" '
            f'fill="{color}"/><text x="{left + plot_w + 26}" y="{ly + 9}" '
            f'font-size="11">{escape(label)}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def hbars(
    values: dict[str, float],
    fmt: str = "{:g}",
    width: int = 640,
    bar_h: int = 16,
    *,
    name: str = "",
    label_w: int = 170,
) -> str:
    """Horizontal bars, one per key, each labelled with its value (`fmt`)."""
    gap = 6
    height = max(1, len(values)) * (bar_h + gap) + 4
    plot_w = width - label_w - 70
    peak = max(values.values(), default=0) or 1
    out = [_open(width, height, name)]
    for i, (label, v) in enumerate(values.items()):
        y = i * (bar_h + gap)
        w = plot_w * max(0.0, v) / peak
        text = fmt.format(v)
        out.append(
            f'<text x="{label_w - 6}" y="{y + bar_h - 4}" text-anchor="end" '
            f'font-size="12">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" '
            f'fill="{PALETTE[4]}"><title>{escape(label)}: {escape(text)}</title></rect>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h - 4}" '
            f'font-size="11">{escape(text)}</text>'
        )
    out.append("</svg>")
    return "".join(out)
