"""Parse one big worksheet as two halves at once.

python-calamine parses a sheet in one thread (it releases the GIL while it does). A
submission's 表3 holds most of the file, so reading it is the longest path of verification.
Its XML (already inflated for the far-cell scan) is cut at the ``</row>`` nearest the middle
into two worksheets — the first with the rows before the cut, the second with the rows
after it, each with the sheet's own head and tail — each put alone into an in-memory copy of
the package (stored, not compressed), and the two are parsed in parallel. :func:`join` puts
the rows back together exactly as one parse of the whole sheet gives them, or answers
``None`` (rows out of order, say), and the caller reads the sheet whole.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

Pieces = Sequence[bytes | memoryview]

_OPEN, _CLOSE, _ROW_END = b"<sheetData>", b"</sheetData>", b"</row>"


def halves(data: bytes) -> tuple[Pieces, Pieces] | None:
    """The XML of the two half-sheets as pieces of ``data``, or None when the sheet is not
    laid out as our exporter and the spreadsheet programs write it (one plain ``sheetData``
    with plain ``row`` elements)."""
    start = data.find(_OPEN)
    end = data.rfind(_CLOSE)
    if start < 0 or end < 0 or data.find(_OPEN, start + 1) >= 0:
        return None
    start += len(_OPEN)
    cut = data.find(_ROW_END, (start + end) // 2, end)
    if cut < 0:
        return None
    cut += len(_ROW_END)
    view = memoryview(data)
    return ([view[:cut], _CLOSE, view[end + len(_CLOSE):]], [view[:start], view[cut:]])


def package(path: Path, member: str, skip: Collection[str], pieces: Pieces) -> io.BytesIO:
    """A copy of the xlsx at ``path`` without the parts in ``skip`` (the other worksheets),
    its ``member`` replaced by ``pieces``, uncompressed."""
    out = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            if info.filename == member:
                with dst.open(zipfile.ZipInfo(member), "w", force_zip64=True) as fh:
                    for piece in pieces:
                        fh.write(piece)
            elif info.filename not in skip and not info.is_dir():
                dst.writestr(info.filename, src.read(info))
    out.seek(0)
    return out


Part = tuple[tuple[int, int] | None, list[list[Any]]]
"""A parsed half: calamine's ``start`` (row, column) and its rows; the first half read from
A1 (``skip_empty_area=False``), the second from its first cell (``skip_empty_area=True``)."""


def join(first: Part, second: Part) -> list[list[Any]] | None:
    """The rows of the whole sheet from A1, as calamine gives them, or None when the halves
    overlap (rows out of order in the XML)."""
    _, top = first
    start, bottom = second
    if start is None or not bottom:
        return top
    row0, col0 = start
    if row0 < len(top):
        return None
    width = max(len(top[0]) if top else 0, col0 + len(bottom[0]))
    if top and len(top[0]) < width:
        top = [row + [""] * (width - len(row)) for row in top]
    if col0 or col0 + len(bottom[0]) < width:
        left, right = [""] * col0, [""] * (width - col0 - len(bottom[0]))
        bottom = [left + row + right for row in bottom]
    gap = [[""] * width for _ in range(row0 - len(top))]
    top.extend(gap)
    top.extend(bottom)
    return top
