"""A write-only worksheet whose rows are serialised here rather than cell by cell by openpyxl.

openpyxl builds a cell object and an lxml element for every value it streams, which costs
about 10 µs a cell: most of an export. The data sheets of a submission hold a few kinds of
cell only (inline text, a number, a date), so :class:`StreamingSheet` writes their
``<row>`` elements as text, the same markup openpyxl would write, and leaves everything
else (the sheet's properties, views, columns, filter, print set-up, the workbook package,
styles and defined names) to openpyxl: the part before ``<sheetData>`` and the part after
it are produced by openpyxl's own worksheet writer and checked to be unchanged at the end.

Cell markup follows openpyxl 3.1 (``openpyxl.cell._writer``): strings are inline
(``t="inlineStr"``, ``xml:space="preserve"`` when the text has leading or trailing
white space), numbers ``t="n"`` formatted with ``%.16g``, dates ``t="n"`` as Excel serial
days with a date style; empty values have no cell.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import tempfile
from collections.abc import Sequence
from datetime import date
from io import BytesIO
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.packaging.relationship import RelationshipList
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet._writer import WorksheetWriter

_MARK = "GREENCERT-ROWS-9f1c"
_LIVE: dict[str, StreamingSheet] = {}
"""Sheets whose temporary file is not yet saved into a workbook or discarded."""


@atexit.register
def _remove_leftovers() -> None:
    """A program stopped in the middle of an export leaves no temporary sheet behind (as
    openpyxl does for its own); the file is closed first (Windows cannot remove an open
    file)."""
    for sheet in list(_LIVE.values()):
        sheet.discard()
    _LIVE.clear()
_EPOCH_ORDINAL = date(1899, 12, 30).toordinal()
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def excel_serial(day: date) -> int:
    """Days since 1899-12-30, with Excel's phantom 1900-02-29 (as openpyxl's ``to_excel``)."""
    days = day.toordinal() - _EPOCH_ORDINAL
    return days - 1 if 0 < days <= 60 else days


def inline_text(ref: str, text: str, style: str = "") -> str:
    """An inline string cell; ``text`` must already hold only characters XML allows."""
    escaped = text.translate(_ESCAPES) if "&" in text or "<" in text or ">" in text else text
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{escaped}</t></is></c>'


def number_text(value: int | float) -> str:
    return str(value) if value.__class__ is int else f"{value:.16g}"


class _Written:
    """What openpyxl's ``ExcelWriter.write_worksheet`` takes from a closed sheet's writer."""

    def __init__(self, out: str, rels: RelationshipList) -> None:
        self.out = out
        self._rels = rels

    def cleanup(self) -> None:
        _LIVE.pop(self.out, None)
        with contextlib.suppress(OSError):
            os.remove(self.out)


class StreamingSheet(WriteOnlyWorksheet):
    """Set the sheet's columns, views and print set-up, then :meth:`begin`, then write rows
    with :meth:`write` (``<row>`` markup) and let the workbook save it (:meth:`close`)."""

    def __init__(self, parent: Any, title: str) -> None:
        super().__init__(parent, title)
        self._file: Any = None
        self._out: str | None = None
        self._head = ""
        self._done = False

    @classmethod
    def add_to(cls, wb: Any, title: str) -> StreamingSheet:
        ws = cls(parent=wb, title=title)
        wb._add_sheet(ws)
        return ws

    @property
    def closed(self) -> bool:
        return self._done

    def style(self, **attributes: Any) -> str:
        """The `` s="N"`` attribute of a cell with these styles (registered in the workbook)."""
        cell = WriteOnlyCell(self)
        for name, value in attributes.items():
            setattr(cell, name, value)
        return f' s="{cell.style_id}"'

    def _skeleton(self) -> tuple[str, str, RelationshipList]:
        """openpyxl's markup before and after the rows, for the sheet as it is set up now."""
        out = BytesIO()
        writer = WorksheetWriter(self, out=out)
        writer.write_top()
        xf = writer.xf.send(True)
        with xf.element("sheetData"):
            xf.write(_MARK)
        writer.xf.send(None)
        writer.write_tail()
        writer.close()
        head, tail = out.getvalue().decode("utf-8").split(
            f"<sheetData>{_MARK}</sheetData>")
        return head, tail, writer._rels

    def begin(self) -> None:
        """Start the file; the sheet's columns, views and properties are fixed from here."""
        if self._file is not None:
            return
        # writing the skeleton settles what openpyxl sets as it writes (outlineLevelCol)
        self._skeleton()
        self._head = self._skeleton()[0]
        fd, self._out = tempfile.mkstemp(prefix="greencert-sheet.", suffix=".xml")
        _LIVE[self._out] = self
        self._file = open(fd, "w", encoding="utf-8", newline="")  # noqa: SIM115
        self._file.write(self._head)
        self._file.write("<sheetData>")

    def write(self, markup: str) -> None:
        if self._file is None:
            self.begin()
        self._file.write(markup)

    def append(self, row: Any) -> None:
        raise TypeError("StreamingSheet takes row markup through write()")

    def close(self) -> None:
        """Finish the file (openpyxl's ``ExcelWriter`` calls this when it saves)."""
        if self._done:
            return
        self.begin()
        head, tail, rels = self._skeleton()
        if head != self._head:
            self.discard()
            raise RuntimeError(f"工作表“{self.title}”在写入数据行后更改了列宽、视图或属性")
        self._file.write("</sheetData>")
        self._file.write(tail)
        self._file.close()
        self._file = None
        assert self._out is not None
        self._writer = _Written(self._out, rels)
        self._done = True

    def discard(self) -> None:
        """Close and remove the temporary file of a sheet that will not be saved."""
        if self._file is not None:
            with contextlib.suppress(OSError):
                self._file.close()
            self._file = None
        if self._out is not None:
            _LIVE.pop(self._out, None)
            with contextlib.suppress(OSError):
                os.remove(self._out)
        self._done = True


def header_row(row: int, headers: Sequence[str], style: str) -> str:
    cells = "".join(inline_text(f"{get_column_letter(i)}{row}", h, style)
                    for i, h in enumerate(headers, start=1))
    return f'<row r="{row}">{cells}</row>'
