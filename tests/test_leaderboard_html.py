"""results/leaderboard.html in headless Chromium: every row shown, header clicks sort (~15 s).

    pytest tests/test_leaderboard_html.py

Needs Debian's chromium (`apt-get install -y chromium`); skipped with that reason otherwise.
The page is opened from disk (file://, no network) and driven through the DevTools protocol
(tests/headless_browser.py): real mouse clicks on the column headers.
"""

from __future__ import annotations

import pytest
from headless_browser import Browser, find_chromium
from leaderboard_support import make_board

pytestmark = pytest.mark.skipif(find_chromium() is None,
                                reason="chromium not installed (apt-get install -y chromium)")

NAMES = "Array.from(document.querySelectorAll('#board tbody tr')).map(r => r.cells[1].textContent)"


def column(browser, header: str) -> int:
    heads = browser.evaluate("Array.from(document.querySelectorAll('#board thead th')).map(h => h.textContent)")
    return heads.index(header) + 1


def click(browser, header: str) -> list[str]:
    browser.click_element(f"#board thead th:nth-child({column(browser, header)})")
    return browser.evaluate(NAMES)


def test_page_shows_every_row_and_sorts_on_header_click(tmp_path):
    paths = make_board(tmp_path)
    with Browser.start() as b:
        b.open(paths["results"] / "leaderboard.html")
        shown = b.evaluate(NAMES)
        assert shown == ["alpha", "softmax", "gla", "mamba2", "gla-scalar", "tnl", "none"]
        assert b.evaluate("document.querySelectorAll('#decay-plot polyline.series').length") == 5
        assert b.evaluate("getComputedStyle(document.querySelector('#board')).display") == "table"

        assert click(b, "name") == sorted(shown)
        assert click(b, "name") == sorted(shown, reverse=True)
        assert click(b, "val loss") == shown  # ascending = the page's own order
        assert click(b, "val loss") == shown[::-1]
        assert b.evaluate("document.querySelector('#board thead th[aria-sort]').textContent") == "val loss"
        by_recall = click(b, "recall")
        values = b.evaluate("Array.from(document.querySelectorAll('#board tbody tr'))"
                            f".map(r => Number(r.cells[{column(b, 'recall') - 1}].dataset.k))")
        assert values == sorted(values) and sorted(by_recall) == sorted(shown)
        assert click(b, "p (Welch)")[0] == "alpha"  # the only row with a p-value; empty cells last
        assert len(b.evaluate(NAMES)) == 7
