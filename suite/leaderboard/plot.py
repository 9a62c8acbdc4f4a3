"""The median-decay-per-layer plot of the leaderboard as inline SVG (no plotting library).

    from suite.leaderboard.plot import decay_plot_svg
    svg = decay_plot_svg(grid_series, submission_series)   # {"name": [median per layer]} each

Two panels side by side with the same axes: the grid's variants (left) and the submissions
(right); x = layer index, y = median decay lambda in [0, 1] (from decay_stats.json, mean over
seeds). Deterministic text: the same series give the same bytes.
"""

from __future__ import annotations

from html import escape

W, H, PAD_L, PAD_B, PAD_T, PAD_R = 360, 260, 44, 34, 26, 12
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2")
GRID_COLOR = "#9a9a9a"


def _xy(layer: int, value: float, n_layers: int, x0: float) -> tuple[float, float]:
    span = max(n_layers - 1, 1)
    x = x0 + PAD_L + (W - PAD_L - PAD_R) * layer / span
    y = PAD_T + (H - PAD_T - PAD_B) * (1.0 - value)
    return round(x, 2), round(y, 2)


def _axes(title: str, n_layers: int, x0: float) -> list[str]:
    out = [f'<text x="{x0 + W / 2}" y="16" text-anchor="middle" font-weight="bold">{escape(title)}</text>']
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        _, y = _xy(0, tick, n_layers, x0)
        out.append(f'<line x1="{x0 + PAD_L}" y1="{y}" x2="{x0 + W - PAD_R}" y2="{y}" stroke="#eee"/>')
        out.append(f'<text x="{x0 + PAD_L - 4}" y="{y + 4}" text-anchor="end">{tick:g}</text>')
    for layer in range(n_layers):
        x, _ = _xy(layer, 0.0, n_layers, x0)
        out.append(f'<text x="{x}" y="{H - PAD_B + 14}" text-anchor="middle">{layer}</text>')
    out.append(f'<text x="{x0 + W / 2}" y="{H - 4}" text-anchor="middle">layer</text>')
    return out


def _line(name: str, values: list, n_layers: int, x0: float, color: str, width: float) -> list[str]:
    pts = [_xy(i, v, n_layers, x0) for i, v in enumerate(values) if v is not None]
    if not pts:
        return []
    path = " ".join(f"{x},{y}" for x, y in pts)
    line = (f'<polyline class="series" data-name="{escape(name)}" points="{path}" fill="none" '
            f'stroke="{color}" stroke-width="{width}"><title>{escape(name)}</title></polyline>')
    out = [line]
    out += [f'<circle cx="{x}" cy="{y}" r="2.2" fill="{color}"/>' for x, y in pts]
    return out


def _legend(names: list[str], x0: float) -> list[str]:
    out = []
    for i, name in enumerate(names[:8]):
        y = PAD_T + 10 + 13 * i
        color = PALETTE[i % len(PALETTE)]
        out.append(f'<rect x="{x0 + W - PAD_R - 110}" y="{y - 8}" width="10" height="3" fill="{color}"/>')
        out.append(f'<text x="{x0 + W - PAD_R - 96}" y="{y - 4}">{escape(name[:16])}</text>')
    return out


def decay_plot_svg(grid: dict[str, list], submissions: dict[str, list]) -> str:
    """Inline SVG: grid variants in grey (left panel), submissions in colour (right panel)."""
    n_layers = max((len(v) for v in (*grid.values(), *submissions.values())), default=1) or 1
    parts = _axes("grid variants", n_layers, 0) + _axes("submissions", n_layers, W)
    parts += [p for name, vals in sorted(grid.items()) for p in _line(name, vals, n_layers, 0, GRID_COLOR, 1.0)]
    for i, (name, vals) in enumerate(sorted(submissions.items())):
        parts += _line(name, vals, n_layers, W, PALETTE[i % len(PALETTE)], 2.0)
    parts += _legend(sorted(submissions), W)
    if not any(grid.values()) and not any(submissions.values()):
        parts.append(f'<text x="{W}" y="{H / 2}" text-anchor="middle">no decay statistics yet</text>')
    body = "\n".join(parts)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" id="decay-plot" width="{2 * W}" height="{H}" '
            f'viewBox="0 0 {2 * W} {H}" font-family="sans-serif" font-size="10">\n'
            f'<text x="10" y="{H / 2}" transform="rotate(-90 10 {H / 2})" text-anchor="middle">'
            f'median decay</text>\n{body}\n</svg>')
