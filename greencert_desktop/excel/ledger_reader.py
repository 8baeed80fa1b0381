"""Read the clerks' own register spreadsheets (台账): .xlsx, .xls and .ods with python-calamine.

A ledger is whatever the clerk kept: several sheets, a title and merged cells above the header,
the header on any of the first rows, blank rows, a total row (合计 / 小计 / 总计) at the
bottom, organisation cells merged down over that organisation's certificates. This module
only reads: it turns a sheet into rows of plain Python values (``str``, ``float``, ``int``,
``bool``, ``date``, ``datetime``; an empty cell is ``""``) numbered as the clerk sees them
(row 1 is the sheet's first row, column 0 is A), with vertically merged cells filled down.
Finding the header and understanding the values is the importer's job
(:mod:`greencert_desktop.services.importer`).

Before calamine parses anything, :mod:`greencert_desktop.excel.safety` refuses what is not a
spreadsheet, is damaged, password-protected, or absurdly large (time and memory stay bounded);
every refusal is an :class:`UnreadableWorkbook` with a Chinese reason.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import python_calamine

from greencert_desktop.excel import safety
from greencert_desktop.excel.errors import UnreadableWorkbook

__all__ = ["HEADER_SCAN_ROWS", "Ledger", "LedgerSheet", "UnreadableWorkbook", "column_letter",
           "is_total_row", "open_ledger"]

HEADER_SCAN_ROWS = 20
"""The header is looked for in this many rows from the top of a sheet."""
TOTAL_WORDS = ("合计", "小计", "总计", "总数", "共计")
SUFFIXES = {"xlsx": ".xlsx", "xls": ".xls", "ods": ".ods"}


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def is_blank(row: list[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


def is_total_row(row: list[Any]) -> bool:
    """A 合计 / 小计 / 总计 row: one of the words in one of the first few text cells."""
    texts = [v.replace(" ", "").replace("\u3000", "") for v in row[:6]
             if isinstance(v, str) and v.strip()]
    return any(t.startswith(TOTAL_WORDS) or t.rstrip(":：") in TOTAL_WORDS for t in texts)


@dataclass(frozen=True)
class LedgerSheet:
    name: str
    visible: bool
    rows: int
    """Rows down to the last one with a value (0 when the sheet is empty)."""
    columns: int


class Ledger:
    """An opened ledger file. Use as a context manager or call :meth:`close`."""

    def __init__(self, path: Path, kind: str, book: Any,
                 extents: dict[str, safety.Extent]) -> None:
        self.path = path
        self.kind = kind
        self._book = book
        self._extents = extents
        self.sheets: list[LedgerSheet] = []
        for meta in book.sheets_metadata:
            if str(meta.typ).rsplit(".", 1)[-1] not in ("WorkSheet", "Worksheet"):
                continue
            extent = extents.get(meta.name)
            rows = extent.last_row + 1 if extent else -1
            cols = extent.last_col + 1 if extent else -1
            visible = str(meta.visible).rsplit(".", 1)[-1] == "Visible"
            self.sheets.append(LedgerSheet(meta.name, visible, rows, cols))

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._book.close()

    @property
    def sheet_names(self) -> list[str]:
        return [s.name for s in self.sheets]

    def _sheet(self, name: str) -> Any:
        try:
            sheet = self._book.get_sheet_by_name(name)
        except python_calamine.WorksheetNotFound as exc:
            raise UnreadableWorkbook(f"文件中没有名为“{name}”的工作表") from exc
        except python_calamine.PasswordError as exc:
            raise UnreadableWorkbook("工作表受密码保护，无法读取；请取消密码后另存，再导入") from exc
        except python_calamine.CalamineError as exc:
            raise UnreadableWorkbook(f"工作表“{name}”已损坏，无法读取（{exc}）") from exc
        except (OSError, ValueError, OverflowError, RuntimeError) as exc:
            raise UnreadableWorkbook(f"工作表“{name}”无法读取（{exc}）") from exc
        if sheet.width > safety.MAX_COLUMNS or sheet.height * max(sheet.width, 1) > \
                safety.MAX_CELLS:
            raise UnreadableWorkbook(
                f"工作表“{name}”的数据范围过大（{sheet.height:,} 行 × {sheet.width:,} 列），"
                "拒绝读取；请把台账拆成几个文件后再导入")
        return sheet

    def iter_rows(self, name: str) -> Iterator[tuple[int, list[Any]]]:
        """(row number as shown in Excel, values from column A) for every row down to the last
        with a value; vertically merged cells carry their value into every row they cover."""
        sheet = self._sheet(name)
        # iter_rows starts at row 1 but at the first column holding a value
        first_col = sheet.start[1] if sheet.start else 0
        pad = [""] * first_col
        extent = self._extents.get(name)
        fills = _merge_fills(sheet, extent.merges if extent else ())
        try:
            for index, values in enumerate(sheet.iter_rows()):
                row = pad + list(values) if first_col else list(values)
                for col, value in fills.get(index, ()):
                    if col < len(row) and row[col] == "":
                        row[col] = value
                yield index + 1, row
        except python_calamine.CalamineError as exc:
            raise UnreadableWorkbook(f"工作表“{name}”已损坏，无法读取（{exc}）") from exc

    def head(self, name: str, count: int = HEADER_SCAN_ROWS) -> list[list[Any]]:
        """The first ``count`` rows from row 1 (for finding the header and previews)."""
        out: list[list[Any]] = []
        for number, row in self.iter_rows(name):
            while len(out) < number - 1:
                out.append([])
            if number > count:
                break
            out.append(row)
        return out


def _merge_fills(sheet: Any, scanned: Any = ()) -> dict[int, list[tuple[int, Any]]]:
    """row index → [(column, value)] for cells under the top row of a vertical merge."""
    try:
        ranges = sheet.merged_cell_ranges or list(scanned)
    except (python_calamine.CalamineError, AttributeError, ValueError):
        ranges = list(scanned)
    wanted = [((r1, c1), (r2, c2)) for (r1, c1), (r2, c2) in ranges
              if r2 > r1 and (r2 - r1 + 1) * (c2 - c1 + 1) <= safety.MAX_CELLS]
    if not wanted:
        return {}
    top_rows = {r1 for (r1, _c1), _end in wanted}
    first_col = sheet.start[1] if sheet.start else 0
    tops: dict[tuple[int, int], Any] = {}
    for index, values in enumerate(sheet.iter_rows()):
        if index in top_rows:
            for (r1, c1), _end in wanted:
                if r1 == index and 0 <= c1 - first_col < len(values):
                    tops[(r1, c1)] = values[c1 - first_col]
        if index >= max(top_rows):
            break
    fills: dict[int, list[tuple[int, Any]]] = {}
    for (r1, c1), (r2, c2) in wanted:
        value = tops.get((r1, c1), "")
        if value == "":
            continue
        for r in range(r1 + 1, r2 + 1):
            fills.setdefault(r, []).extend((c, value) for c in range(c1, c2 + 1))
    return fills


def open_ledger(path: str | Path) -> Ledger:
    """Check and open a ledger; refuses bad files with :class:`UnreadableWorkbook`."""
    file = Path(path)
    kind, extents = safety.check_file(file)
    try:
        if file.suffix.lower() == SUFFIXES[kind]:
            book = python_calamine.CalamineWorkbook.from_path(str(file))
        else:  # a renamed file: calamine would choose its reader by the name
            with file.open("rb") as fh:
                book = python_calamine.CalamineWorkbook.from_filelike(fh)
    except python_calamine.PasswordError as exc:
        raise UnreadableWorkbook("文件设置了密码，无法读取；请在 Excel 或 WPS 中取消密码后另存，"
                                 "再导入") from exc
    except python_calamine.CalamineError as exc:
        text = str(exc)
        if "password" in text.lower() or "encrypt" in text.lower():
            raise UnreadableWorkbook("文件设置了密码，无法读取；请取消密码后另存，再导入") from exc
        raise UnreadableWorkbook(f"文件已损坏，无法作为电子表格打开（{text}）") from exc
    except (OSError, ValueError, RuntimeError) as exc:
        raise UnreadableWorkbook(f"文件无法读取：{exc}") from exc
    ledger = Ledger(file, kind, book, extents)
    if not ledger.sheets:
        ledger.close()
        raise UnreadableWorkbook("文件中没有工作表")
    return ledger
