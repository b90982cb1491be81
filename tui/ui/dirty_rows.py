"""Which rows of which widget a partial screen update needs (used by compat.install_cropped_renders).

Regions are anything with ``x, y, right, bottom`` (Textual's ``Region``); nothing here touches
Textual itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def gaps_by_row(dirty: Iterable[Any]) -> dict[int, list[tuple[int, int]]]:
    """The cells of ``dirty`` per row: {y: [(x1, x2), ...]}, not yet drawn by any widget."""
    gaps: dict[int, list[tuple[int, int]]] = {}
    for region in dirty:
        for y in range(region.y, region.bottom):
            gaps.setdefault(y, []).append((region.x, region.right))
    return gaps


def rows_drawn(gaps: dict[int, list[tuple[int, int]]], visible: Any) -> list[tuple[int, int]]:
    """The rows (bands ``(top, bottom)``) where ``visible`` has a cell no widget in front drew;
    those cells are then drawn (taken out of ``gaps``)."""
    x1, x2 = visible.x, visible.right
    rows: list[int] = []
    for y in range(visible.y, visible.bottom):
        row = gaps.get(y)
        if row and any(a < x2 and b > x1 for a, b in row):
            rows.append(y)
            gaps[y] = [piece for a, b in row for piece in ((a, min(b, x1)), (max(a, x2), b)) if piece[0] < piece[1]]
    bands: list[tuple[int, int]] = []
    for y in rows:
        if bands and bands[-1][1] == y:
            bands[-1] = (bands[-1][0], y + 1)
        else:
            bands.append((y, y + 1))
    return bands
