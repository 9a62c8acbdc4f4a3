"""suite.leaderboard: validation, protocol guard, ranking and rendering behind `suite submit`.

    validate.py     checks a plugin decay before compute (shape, sign, finiteness, gradients, size)
    conformance.py  its mixer through every installed kernel backend vs the fp64 reference
    protocol.py     the tier's fixed protocol, its fingerprint and the comparison guard
    board.py        results/leaderboard/<tier>/{<NAME>.json, index.json}: checksums, staging, commit
    rank.py         grid rows (params.yaml) and submissions; Welch's t vs the best grid variant
    render.py       results/LEADERBOARD.md and results/leaderboard.html (sortable, inline plot)
    plot.py         the median-decay-per-layer plot as inline SVG

    from suite.leaderboard import pages
    files = pages(board, "params.yaml")     # {results/LEADERBOARD.md: text, results/leaderboard.html: text}
"""

from __future__ import annotations

from pathlib import Path

from suite.leaderboard.board import Board
from suite.leaderboard.plot import decay_plot_svg
from suite.leaderboard.protocol import fingerprint
from suite.leaderboard.rank import grid_rows, load_grid, submission_rows
from suite.leaderboard.render import board_table, render_html, render_markdown

__all__ = ["pages"]


def pages(board: Board, params: str | Path) -> dict[Path, str]:
    """The two pages of `board` with the grid of `params` (rendered in memory, not written)."""
    grid = load_grid(params, board.tier)
    rows = grid_rows(board.results, grid) + submission_rows(board.submissions)
    alpha = grid.claims.alpha
    table = board_table(rows, alpha)
    fp = fingerprint(board.protocol) if board.protocol else None
    svg = decay_plot_svg({r.name: r.layer_medians for r in rows if r.source == "grid" and r.layer_medians},
                         {r.name: r.layer_medians for r in rows if r.source == "submission"})
    results = Path(board.results)
    return {
        results / "LEADERBOARD.md": render_markdown(table, board.tier, board.protocol, fp, alpha),
        results / "leaderboard.html": render_html(table, board.tier, board.protocol, fp, alpha, svg),
    }
