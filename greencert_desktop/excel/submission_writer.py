"""Write a submission workbook with openpyxl in write-only (streaming) mode.

Rows arrive as iterables of plain Python values in the table's column order; the writer
turns them into cells by column kind, hashes them in the canonical form as it goes, and
writes the file under a temporary name that is renamed only when complete, so a cancelled
or failed export never leaves a half-written workbook behind.

Cell rules (see ``docs/submission-format.md``): codes and other text are string cells,
never numbers; text beginning with = + - @ TAB or CR is a string cell with the quote
prefix (never a formula); dates are real date cells shown as yyyy-mm-dd.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import chain, islice
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from greencert_desktop.domain.errors import UserError
from greencert_desktop.excel.sheet_stream import (
    StreamingSheet,
    excel_serial,
    header_row,
    inline_text,
    number_text,
)
from greencert_desktop.excel.submission_format import (
    AUTHORITY,
    COVER_SHEET,
    DATE_FORMAT,
    FORM_NUMBER,
    FORMULA_LEAD,
    MEASURE_NOTE,
    META_SHEET,
    NO,
    TEMPLATE_VERSION,
    TITLE,
    YES,
    Column,
    ContentHash,
    Table,
    clean_text,
)

Progress = Callable[[int, int], None]
CancelCheck = Callable[[], bool]

SAMPLE_ROWS = 200
"""Rows looked at to size the columns (write-only mode needs widths before the rows)."""
TICK = 2000
"""Rows between progress calls and cancel checks."""
MAX_WIDTH = 60

_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_THIN = Side(style="thin", color="808080")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


class Cancelled(UserError):
    def __init__(self) -> None:
        super().__init__("已取消，未生成文件")


@dataclass
class Cover:
    """What the 封面 sheet shows (not hashed: the data rows are)."""

    unit_code: str
    unit_name: str
    period_code: str
    period_words: str
    doc_number: str = ""
    filler: str = ""
    phone: str = ""
    reviewer: str = ""
    head: str = ""
    filled_on: date | None = None
    generated_at: str = ""
    scope_note: str = ""
    summary: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class TableData:
    table: Table
    rows: Iterable[Sequence[Any]]
    count: int = 0
    """Expected number of rows (for progress); 0 when unknown."""


@dataclass
class WriteResult:
    path: Path
    content_sha256: str
    counts: dict[str, int]


def _width(value: Any) -> int:
    if value is None:
        return 0
    text = value if isinstance(value, str) else str(value)
    longest = max(text.split("\n"), key=len) if "\n" in text else text
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in longest)


class _RowWriter:
    """One table's rows as ``<row>`` markup, with each cell's canonical text for the hash."""

    def __init__(self, sheet: StreamingSheet, columns: Sequence[Column]) -> None:
        date_style = sheet.style(number_format=DATE_FORMAT)
        self.quote_style = sheet.style(quotePrefix=True)
        self.columns = [(get_column_letter(i), c.kind,
                         date_style if c.kind == "date"
                         else sheet.style(number_format=c.fmt) if c.fmt else "")
                        for i, c in enumerate(columns, start=1)]

    def row(self, row_no: int, values: Sequence[Any]) -> tuple[str, list[str]]:
        r = str(row_no)
        parts = [f'<row r="{r}">']
        texts: list[str] = []
        quote_style = self.quote_style
        for (letter, kind, style), value in zip(self.columns, values, strict=True):
            if value is None or value == "":
                texts.append("")
            elif kind == "text" or kind == "code":
                if value.__class__ is not str:
                    value = str(value)
                if not value.isprintable():  # CR and XML-illegal characters are not printable
                    value = clean_text(value)
                texts.append(value)
                if value:
                    parts.append(inline_text(letter + r, value,
                                             quote_style if value[0] in FORMULA_LEAD else ""))
            elif kind == "bool":
                text = YES if value is True else NO if value is False else str(value)
                texts.append(text)
                parts.append(inline_text(letter + r, text))
            elif kind == "date":
                texts.append(value.isoformat())
                parts.append(f'<c r="{letter}{r}"{style} t="n"><v>{excel_serial(value)}</v></c>')
            elif kind == "percent" or kind == "number":
                number = float(value)
                text = str(int(number)) if number.is_integer() else repr(number)
                texts.append(text)
                cell = number_text(int(number) if number.is_integer() else number)
                parts.append(f'<c r="{letter}{r}"{style} t="n"><v>{cell}</v></c>')
            else:  # seq, int
                text = str(int(value))
                texts.append(text)
                parts.append(f'<c r="{letter}{r}" t="n"><v>{text}</v></c>')
        parts.append("</row>")
        return "".join(parts), texts


def _header_style(ws: StreamingSheet) -> str:
    return ws.style(font=_BOLD, fill=_HEADER_FILL, border=_BOX, alignment=_CENTER)


def _print_setup(ws: Any, *, title_rows: str | None) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    if title_rows:
        ws.print_title_rows = title_rows


def _abandon(wb: Any) -> None:
    """Close the streams of a workbook that will not be saved (and its temporary files)."""
    for ws in wb.worksheets:
        if isinstance(ws, StreamingSheet):
            ws.discard()
            continue
        rows = getattr(ws, "_rows", None)
        writer = getattr(ws, "_writer", None)
        with contextlib.suppress(Exception):
            if rows is not None:
                rows.close()
        with contextlib.suppress(Exception):
            if writer is not None:
                writer.xf.close()
        with contextlib.suppress(Exception):
            if writer is not None and isinstance(writer.out, str):
                writer.cleanup()
        ws._rows = None


class SubmissionWriter:
    """Builds one workbook; :meth:`write` does everything and returns the hash and counts."""

    def __init__(self, *, progress: Progress | None = None,
                 cancel: CancelCheck | None = None) -> None:
        self.progress = progress
        self.cancel = cancel
        self.done = 0
        self.total = 0

    # -- ticking
    def _tick(self, rows: int) -> None:
        self.done += rows
        if self.cancel is not None and self.cancel():
            raise Cancelled()
        if self.progress is not None:
            self.progress(self.done, max(self.total, self.done))

    # -- the workbook
    def write(self, path: Path, *, cover: Cover, tables: Sequence[TableData],
              meta: dict[str, str], sheet_order: Sequence[str]) -> WriteResult:
        """Write ``tables`` (grouped by sheet in ``sheet_order``) to ``path`` atomically.

        ``meta`` holds the ``_meta`` keys known beforehand; the row counts and
        ``content_sha256`` are added here.
        """
        self.total = sum(t.count for t in tables)
        path = Path(path)
        tmp = path.with_name(f".{path.name}.part")
        try:
            result = self._write(tmp, cover, tables, meta, sheet_order)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
        result.path = path
        return result

    def _write(self, out: Path, cover: Cover, tables: Sequence[TableData],
               meta: dict[str, str], sheet_order: Sequence[str]) -> WriteResult:
        wb = Workbook(write_only=True)
        try:
            return self._fill(wb, out, cover, tables, meta, sheet_order)
        except BaseException:
            _abandon(wb)
            raise

    def _fill(self, wb: Any, out: Path, cover: Cover, tables: Sequence[TableData],
              meta: dict[str, str], sheet_order: Sequence[str]) -> WriteResult:
        digest = ContentHash()
        counts: dict[str, int] = {}
        by_sheet: dict[str, list[TableData]] = {}
        for t in tables:
            by_sheet.setdefault(t.table.sheet, []).append(t)
        cover_ws = None
        for name in sheet_order:
            if name == COVER_SHEET:
                cover_ws = wb.create_sheet(COVER_SHEET)  # filled last: it shows the counts
            elif name == META_SHEET:
                continue
            else:
                self._data_sheet(wb, name, by_sheet.get(name, []), digest, counts)
        full_meta = dict(meta)
        for t in tables:
            full_meta[t.table.rows_key] = str(counts[t.table.id])
        full_meta["content_sha256"] = digest.hexdigest()
        if cover_ws is not None:
            self._cover(cover_ws, cover, full_meta)
        if META_SHEET in sheet_order:
            self._meta(wb, full_meta)
        wb.save(out)
        return WriteResult(out, full_meta["content_sha256"], counts)

    def _data_sheet(self, wb: Any, name: str, parts: list[TableData], digest: ContentHash,
                    counts: dict[str, int]) -> None:
        ws = StreamingSheet.add_to(wb, name)
        # sample rows of every table on the sheet to size the columns before writing
        samples: list[tuple[TableData, list[Sequence[Any]], Iterator[Sequence[Any]]]] = []
        ncols = max(len(p.table.columns) for p in parts)
        widths = [0] * ncols
        for part in parts:
            it = iter(part.rows)
            head = list(islice(it, SAMPLE_ROWS))
            samples.append((part, head, it))
            for i, col in enumerate(part.table.columns):
                widths[i] = max(widths[i], _width(col.header) + 2, min(col.width, 12))
                for row in head:
                    v = row[i]
                    w = 10 if isinstance(v, date) else _width(v)
                    widths[i] = max(widths[i], w + 2)
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = min(w, MAX_WIDTH)
        ws.freeze_panes = "A2"
        _print_setup(ws, title_rows="1:1")
        header_style = _header_style(ws)
        ws.begin()
        write = ws.write
        row_no = 0
        first_last_row = 0
        for index, (part, head, rest) in enumerate(samples):
            table = part.table
            if index:
                row_no += 1
                write(f'<row r="{row_no}"/>')
            row_no += 1
            write(header_row(row_no, table.headers, header_style))
            digest.table(table.id)
            conv = _RowWriter(ws, table.columns)
            n = 0
            hash_row = digest.row_texts
            chunk: list[str] = []
            for values in chain(head, rest):
                row_no += 1
                markup, texts = conv.row(row_no, values)
                chunk.append(markup)
                hash_row(texts)
                n += 1
                if n % TICK == 0:
                    write("".join(chunk))
                    chunk.clear()
                    self._tick(TICK)
            write("".join(chunk))
            self._tick(n % TICK)
            counts[table.id] = n
            if index == 0:
                first_last_row = row_no
        first = parts[0].table
        ws.auto_filter.ref = f"A1:{get_column_letter(len(first.columns))}{max(first_last_row, 1)}"

    def _cover(self, ws: Any, cover: Cover, meta: dict[str, str]) -> None:
        for letter, width in zip("ABCDEFGH", (14, 16, 14, 16, 14, 16, 14, 22), strict=True):
            ws.column_dimensions[letter].width = width
        _print_setup(ws, title_rows=None)
        ws.page_setup.orientation = "portrait"

        def cell(value: Any, *, bold: bool = False, size: float | None = None,
                 align: str | None = None, box: bool = False) -> Any:
            if isinstance(value, str):
                value = clean_text(value)
            c = WriteOnlyCell(ws, value=value if value != "" else None)
            if isinstance(value, str):
                c.data_type = "s"
                if value[:1] in FORMULA_LEAD:
                    c.quotePrefix = True
            if bold or size:
                c.font = Font(bold=bold, size=size or 11)
            if align:
                c.alignment = Alignment(horizontal=align, vertical="center", wrap_text=True)
            if box:
                c.border = _BOX
            return c

        merges: list[str] = []
        r = 0

        def row(values: list[Any], merge: list[str] | None = None, height: float | None = None
                ) -> None:
            nonlocal r
            r += 1
            if height:
                ws.row_dimensions[r].height = height
            ws.append(values)
            for m in merge or []:
                merges.append(m.format(r=r))

        row([cell(TITLE, bold=True, size=18, align="center")], ["A{r}:H{r}"], height=36)
        corner = [("表    号", FORM_NUMBER), ("制表机关", AUTHORITY), ("文    号", cover.doc_number)]
        for label, value in corner:
            row([None] * 5 + [cell(f"{label}：{value}", align="left")], ["F{r}:H{r}"])
        row([cell(f"填报单位：{cover.unit_name}（{cover.unit_code}）", bold=True, align="left"),
             None, None, None, None, cell(MEASURE_NOTE, align="right")],
            ["A{r}:D{r}", "F{r}:H{r}"])
        row([])
        grid: list[tuple[str, Any]] = [
            ("填报单位", cover.unit_name),
            ("区划代码", cover.unit_code),
            ("报告期", f"{cover.period_code}（{cover.period_words}）"),
            ("生成时间", cover.generated_at),
            *cover.summary,
            ("模板版本", str(TEMPLATE_VERSION)),
            ("内容校验值", meta.get("content_sha256", "")),
        ]
        for label, value in grid:
            row([cell(label, bold=True, align="center", box=True),
                 cell(value, align="left", box=True)] + [cell("", box=True)] * 6,
                ["B{r}:H{r}"])
        row([])
        filled = cover.filled_on.isoformat() if cover.filled_on else ""
        row([cell("单位负责人：", bold=True), cell(cover.head), cell("审核人：", bold=True),
             cell(cover.reviewer), cell("填表人：", bold=True), cell(cover.filler),
             cell("联系电话：", bold=True), cell(cover.phone)])
        row([None] * 6 + [cell("填报日期：", bold=True), cell(filled)])
        row([])
        notes = [
            "说明：",
            f"1. 填报范围：{cover.scope_note}",
            "2. 报送期限：报告期结束后按市局通知要求报送；本表由系统导出，请勿手工修改数据表。",
            "3. 勾稽关系：表1“按认证类别统计”各类别合计与表3对应类别证书数一致；表3、表5、表6 的"
            "统一社会信用代码均应在表2中；表4 为报告期内登记簿的变动记录。",
            f"4. 模板版本：{TEMPLATE_VERSION}。内容校验值（SHA-256）用于发现导出后对数据表的修改，"
            "不是电子签名。",
        ]
        for line in notes:
            row([cell(line, bold=line == "说明：", align="left")], ["A{r}:H{r}"],
                height=30 if len(line) > 45 else None)
        for m in merges:
            ws.merged_cells.add(m)

    def _meta(self, wb: Any, meta: dict[str, str]) -> None:
        ws = wb.create_sheet(META_SHEET)
        ws.sheet_state = "veryHidden"
        ws.column_dimensions["A"].width = 28
        ws.column_dimensions["B"].width = 70
        for key, value in meta.items():
            cells = []
            for v in (key, value):
                c = WriteOnlyCell(ws, value=clean_text(str(v)))
                c.data_type = "s"
                cells.append(c)
            ws.append(cells)

