"""Write a list page's current (filtered, sorted) rows to an xlsx workbook.

openpyxl in write-only mode; rows are read from the list source in chunks, so a long list is
never held in memory at once. Codes and numbers-as-text stay text, text a spreadsheet would
take for a formula (= + - @ …) is written as text, dates are real date cells shown
yyyy-mm-dd. The workbook is written beside the target and renamed into place at the end, so
a cancelled or failed export leaves no half-written file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from greencert_desktop.domain.status import CertStatus
from greencert_desktop.services.lists import ListQuery, ListSource
from greencert_desktop.services.register import Register

CHUNK = 2000
DATE_FORMAT = "yyyy-mm-dd"
FORMULA_STARTS = ("=", "+", "-", "@")
# Column kinds (the same words as the list model's).
TEXT, CODE, DATE, STATUS, INT, MONEY, BOOL = ("text", "code", "date", "status", "int", "money",
                                              "bool")


@dataclass(frozen=True)
class ExportColumn:
    key: str
    title: str
    kind: str = TEXT


class ExportCancelled(Exception):
    """The progress callback asked to stop; nothing was written."""


Progress = Callable[[int, int], bool]
"""Called with (rows written, rows in all); returning False cancels."""


def _text_cell(ws: Worksheet, text: str) -> Any:
    """A text cell. Plain strings are already text to openpyxl except those starting with
    "="; anything a spreadsheet might take for a formula gets an explicit text cell with
    Excel's quote prefix (so it stays text when a user edits it)."""
    if not text.startswith(FORMULA_STARTS):
        return text
    cell = WriteOnlyCell(ws, value=text)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def _cell(ws: Worksheet, column: ExportColumn, value: Any,
          bool_labels: tuple[str, str]) -> Any:
    if value is None or value == "":
        return None
    kind = column.kind
    if kind == DATE and isinstance(value, date | datetime):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if kind == STATUS:
        try:
            return _text_cell(ws, CertStatus(value).label)
        except ValueError:
            return _text_cell(ws, str(value))
    if kind == BOOL:
        return _text_cell(ws, bool_labels[0] if value else bool_labels[1])
    if kind == INT and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind == MONEY and isinstance(value, int | float | Decimal):
        cell = WriteOnlyCell(ws, value=round(float(value), 2))
        cell.number_format = "#,##0.00"
        return cell
    return _text_cell(ws, str(value))


def _discard(ws: Any) -> None:
    """Close an abandoned write-only sheet and remove its temporary file now (left open,
    openpyxl would complain when it is garbage-collected)."""
    try:
        ws.close()
    finally:
        out = getattr(getattr(ws, "_writer", None), "out", None)
        if isinstance(out, str):
            Path(out).unlink(missing_ok=True)


def export_list(path: Path | str, reg: Register, source: ListSource, query: ListQuery,
                columns: Sequence[ExportColumn], *, sheet_title: str = "Sheet1",
                bool_labels: tuple[str, str] = ("是", "否"), chunk: int = CHUNK,
                progress: Progress | None = None, today: date | None = None) -> int:
    """Write every row ``query`` selects to ``path``; return how many rows were written.

    Raises :class:`ExportCancelled` when ``progress`` returns False (no file is left).
    """
    target = Path(path)
    today = today or date.today()
    total = source.count(reg, query, today)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=sheet_title[:31] or "Sheet1")
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=column.title)
        cell.data_type = "s"
        cell.font = bold
        header.append(cell)
    ws.append(header)
    ws.freeze_panes = "A2"
    written = 0
    try:
        if progress is not None and not progress(0, total):
            raise ExportCancelled
        while written < total:
            rows = source.fetch(reg, query, written, chunk, today)
            if not rows:
                break
            for row in rows:
                ws.append([_cell(ws, c, row.get(c.key), bool_labels) for c in columns])
            written += len(rows)
            if progress is not None and not progress(written, total):
                raise ExportCancelled
    except BaseException:
        _discard(ws)
        raise
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=".export-", suffix=".xlsx", dir=target.parent)
    os.close(fd)
    try:
        wb.save(temp_name)
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return written
