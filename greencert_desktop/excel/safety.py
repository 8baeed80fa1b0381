"""Checks a spreadsheet file must pass before python-calamine parses it.

calamine reads a whole sheet into one dense grid, sized by the first and last cell that hold a
value. A file of a few hundred bytes with one value in A1 and one in ZZ1000000 makes it ask for
tens of gigabytes and the process dies (it does not raise). A zip member can expand without
limit, an XML part can declare entities, an OpenDocument cell can be "repeated" a million times.
So before calamine sees a file, this module looks at it cheaply and in bounded memory:

* what it is, from its first bytes and (for zip and OLE containers) its parts, whatever its name
  says: xlsx, ods, xls, a password-protected (encrypted) workbook, or something else;
* zip archives: member count, total and per-member expansion, no DTD in the parts read;
* xlsx sheets and ods tables: the extent of the cells that hold values, streamed through a few
  regular expressions, refused above :data:`MAX_COLUMNS`, :data:`MAX_ROWS` or
  :data:`MAX_CELLS`.

Every refusal is an :class:`UnreadableWorkbook` with a Chinese reason.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Literal

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from greencert_desktop.excel.errors import UnreadableWorkbook

MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024
MAX_MEMBERS = 10_000
MAX_RATIO = 400
"""Largest expansion accepted for a member bigger than 1 MB."""
MAX_ROWS = 1_048_576
MAX_COLUMNS = 1_000
MAX_CELLS = 8_000_000
"""Cells of the dense grid calamine allocates for one sheet (about 32 bytes each)."""
CHUNK = 1024 * 1024

Kind = Literal["xlsx", "ods", "xls"]

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def refuse(message: str) -> UnreadableWorkbook:
    return UnreadableWorkbook(message)


@dataclass(frozen=True)
class Extent:
    """Where the value cells of one sheet lie (0-based, inclusive) and how many there are."""

    first_row: int = -1
    last_row: int = -1
    first_col: int = -1
    last_col: int = -1
    cells: int = 0
    merges: tuple[tuple[tuple[int, int], tuple[int, int]], ...] = ()
    """Merged ranges ((first row, first column), (last row, last column)) found by the scan
    (ods only: calamine reports none for it)."""

    @property
    def area(self) -> int:
        if self.last_row < 0:
            return 0
        return (self.last_row - self.first_row + 1) * (self.last_col - self.first_col + 1)


def check_extent(sheet: str, extent: Extent) -> None:
    if extent.last_col >= MAX_COLUMNS:
        raise refuse(f"工作表“{sheet}”的数据延伸到第 {extent.last_col + 1:,} 列，超过上限 "
                     f"{MAX_COLUMNS:,} 列，拒绝读取（文件可能已损坏或是恶意文件）")
    if extent.last_row >= MAX_ROWS:
        raise refuse(f"工作表“{sheet}”的数据延伸到第 {extent.last_row + 1:,} 行，超过 Excel "
                     f"的上限，拒绝读取（文件可能已损坏或是恶意文件）")
    if extent.area > MAX_CELLS or extent.cells > MAX_CELLS:
        cells = max(extent.area, extent.cells)
        raise refuse(f"工作表“{sheet}”的数据范围过大（约 {cells:,} 个单元格，上限 "
                     f"{MAX_CELLS:,}），拒绝读取；请把台账拆成几个文件后再导入")


# --------------------------------------------------------------------------- sniffing


def file_size(path: Path) -> int:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise refuse("文件不存在") from None
    except OSError as exc:
        raise refuse(f"无法读取文件：{exc.strerror or exc}") from exc
    if not path.is_file():
        raise refuse("这不是一个文件")
    if size == 0:
        raise refuse("文件是空的（0 字节）")
    if size > MAX_FILE_BYTES:
        raise refuse(f"文件过大（{size / 1024 / 1024:.0f} MB），超过上限 "
                     f"{MAX_FILE_BYTES // 1024 // 1024} MB；请把台账拆成几个文件后再导入")
    return size


def _head(path: Path, n: int = 8) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(n)
    except OSError as exc:
        raise refuse(f"无法读取文件：{exc.strerror or exc}") from exc


def _contains(path: Path, needles: tuple[bytes, ...]) -> set[bytes]:
    """Which of ``needles`` occur anywhere in the file (streamed, overlap-safe)."""
    found: set[bytes] = set()
    overlap = max(len(n) for n in needles)
    tail = b""
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            data = tail + chunk
            found.update(n for n in needles if n in data)
            tail = data[-overlap:]
    return found


def sniff(path: Path) -> Kind:
    """What the file really is; refuses anything that is not a readable spreadsheet."""
    file_size(path)
    magic = _head(path)
    if magic.startswith(_OLE_MAGIC):
        return _sniff_ole(path)
    if magic.startswith(b"PK\x03\x04") or magic.startswith(b"PK\x05\x06"):
        return _sniff_zip(path)
    if magic.startswith(b"{\\rtf") or magic.startswith(b"%PDF"):
        raise refuse("这不是电子表格文件（是 Word/PDF 等文档），请选择 .xlsx、.xls 或 .ods 台账")
    lowered = magic.lower()
    if lowered.startswith((b"<?xml", b"<html", b"<!doc", b"<table")):
        raise refuse("这是网页或 XML 格式的文件（常见于从网站“导出”的假 Excel），请先用 Excel 或 "
                     "WPS 打开，另存为 .xlsx 后再导入")
    raise refuse("这不是电子表格文件（内容不是 .xlsx、.xls 或 .ods 格式）；如果是 .csv 或文本文件，"
                 "请先用 Excel 或 WPS 另存为 .xlsx")


def _sniff_ole(path: Path) -> Kind:
    names = {n.encode("utf-16-le"): n for n in (
        "EncryptedPackage", "EncryptionInfo", "Workbook", "Book", "WordDocument",
        "PowerPoint Document")}
    try:
        found = {names[n] for n in _contains(path, tuple(names))}
    except OSError as exc:
        raise refuse(f"无法读取文件：{exc.strerror or exc}") from exc
    if {"EncryptedPackage", "EncryptionInfo"} & found:
        raise refuse("文件设置了打开密码（已加密），无法读取；请在 Excel 或 WPS 中取消密码后另存，"
                     "再导入")
    if {"Workbook", "Book"} & found:
        return "xls"
    if {"WordDocument", "PowerPoint Document"} & found:
        raise refuse("这是 Word 或 PowerPoint 文件，不是电子表格")
    raise refuse("文件已损坏或不是 Excel 工作簿（旧版 .xls 格式中找不到工作簿）")


def _sniff_zip(path: Path) -> Kind:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            check_members(infos)
            names = {i.filename for i in infos}
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "mimetype" in names:
                with zf.open("mimetype") as fh:
                    mime = fh.read(200).strip()
                if mime == _ODS_MIME:
                    return "ods"
                if mime.startswith(b"application/vnd.oasis.opendocument"):
                    raise refuse("这是 OpenDocument 文字或演示文稿，不是电子表格（.ods）")
            if "word/document.xml" in names or "ppt/presentation.xml" in names:
                raise refuse("这是 Word 或 PowerPoint 文件，不是电子表格")
            raise refuse("这是一个压缩包，不是 Excel 或 WPS 电子表格")
    except UnreadableWorkbook:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
        raise refuse(f"文件已损坏（可能没有下载或复制完整），无法打开：{exc}") from exc
    except OSError as exc:
        raise refuse(f"无法读取文件：{exc.strerror or exc}") from exc


def check_members(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_MEMBERS:
        raise refuse("文件中的部件数量异常，拒绝读取（可能是恶意文件）")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise refuse(f"文件中的 {info.filename} 解压后异常膨胀（压缩比超过 {MAX_RATIO}），"
                         "拒绝读取（可能是恶意的“压缩炸弹”文件）")
        if info.flag_bits & 0x1:
            raise refuse("文件的内容已加密（设置了密码），无法读取；请取消密码后另存，再导入")
    if total > MAX_UNCOMPRESSED_BYTES:
        raise refuse(f"文件解压后超过 {MAX_UNCOMPRESSED_BYTES // 1024 // 1024} MB，拒绝读取；"
                     "请把台账拆成几个文件后再导入")


# --------------------------------------------------------------------------- streaming


def _chunks(fh: IO[bytes], limit: int) -> Iterator[bytes]:
    """The stream in chunks; refuses once more than ``limit`` bytes came out (the zip header's
    sizes can lie)."""
    seen = 0
    while chunk := fh.read(CHUNK):
        seen += len(chunk)
        if seen > limit:
            raise refuse("文件中的部件解压后比声明的大小更大，拒绝读取（文件已损坏或是恶意文件）")
        yield chunk


def tagged_chunks(fh: IO[bytes] | Iterable[bytes], limit: int) -> Iterator[bytes]:
    """Chunks cut after a ``>`` so no tag is split between two of them (from a stream, or
    from chunks already bounded, such as :func:`member_chunks`)."""
    tail = b""
    for chunk in _chunks(fh, limit) if hasattr(fh, "read") else fh:
        data = tail + chunk
        cut = data.rfind(b">") + 1
        if cut == 0:
            tail = data
            if len(tail) > 16 * CHUNK:
                raise refuse("文件内容不是有效的 XML，拒绝读取")
            continue
        tail = data[cut:]
        yield data[:cut]
    if tail:
        yield tail


def member_chunks(path: Path, info: zipfile.ZipInfo, limit: int) -> Iterator[bytes]:
    """A zip member's bytes, inflated with zlib a megabyte of compressed data at a time
    (zipfile's reader inflates a few kilobytes per step in Python: half as fast again).
    Refuses once more than ``limit`` bytes came out. A stored member is read as it is;
    another method goes through zipfile."""
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        with zipfile.ZipFile(path) as zf, zf.open(info) as fh:
            yield from _chunks(fh, limit)
        return
    yield from _inflate(path, info, limit)


def _inflate(path: Path, info: zipfile.ZipInfo, limit: int) -> Iterator[bytes]:
    seen = 0
    with path.open("rb") as fh:
        fh.seek(info.header_offset)
        header = fh.read(30)
        if len(header) != 30 or header[:4] != b"PK\x03\x04":
            raise refuse(f"文件中的 {info.filename} 已损坏（找不到它的数据）")
        name_len, extra_len = struct.unpack("<HH", header[26:30])
        fh.seek(info.header_offset + 30 + name_len + extra_len)
        left = info.compress_size
        inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
        while left > 0:
            block = fh.read(min(CHUNK, left))
            if not block:
                raise refuse(f"文件中的 {info.filename} 不完整（文件被截断）")
            left -= len(block)
            try:
                out = inflater.decompress(block, limit + 1 - seen) if inflater else block
            except zlib.error as exc:
                raise refuse(f"文件中的 {info.filename} 已损坏，无法解压（{exc}）") from exc
            seen += len(out)
            if seen > limit or (inflater is not None and inflater.unconsumed_tail):
                raise refuse("文件中的部件解压后比声明的大小更大，拒绝读取（文件已损坏或是恶意文件）")
            if out:
                yield out
        if inflater is not None and (rest := inflater.flush()):
            if seen + len(rest) > limit:
                raise refuse("文件中的部件解压后比声明的大小更大，拒绝读取（文件已损坏或是恶意文件）")
            yield rest


def _parse_xml(zf: zipfile.ZipFile, name: str) -> SafeET.Element:
    try:
        with zf.open(name) as fh:
            head = fh.read(4096)
        if _DTD.search(head):
            raise refuse("工作簿结构含有不允许的 XML 声明（DTD），拒绝读取（可能是恶意文件）")
        with zf.open(name) as fh:
            return SafeET.parse(fh, forbid_dtd=True).getroot()
    except UnreadableWorkbook:
        raise
    except DefusedXmlException as exc:
        raise refuse(f"工作簿结构含有不允许的 XML 声明，拒绝读取（{type(exc).__name__}）") from exc
    except SafeET.ParseError as exc:
        raise refuse(f"工作簿结构已损坏：{exc}") from exc
    except KeyError as exc:
        raise refuse(f"工作簿缺少部件 {name}，文件已损坏") from exc


# --------------------------------------------------------------------------- xlsx


# A cell tag with its reference; self-closing tags (styled empty cells) do not match.
_XLSX_REF = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,5})(\d{1,9})"[^>]*(?<!/)>')


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def xlsx_sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → zip member of its worksheet XML."""
    book = _parse_xml(zf, "xl/workbook.xml")
    rels_name = "xl/_rels/workbook.xml.rels"
    targets: dict[str, str] = {}
    if rels_name in zf.namelist():
        for rel in _parse_xml(zf, rels_name).iter(f"{_NS_PKG}Relationship"):
            target = rel.get("Target", "")
            if target.startswith("/"):
                member = target.lstrip("/")
            else:
                member = str(PurePosixPath("xl") / target)
            targets[rel.get("Id", "")] = member
    parts: dict[str, str] = {}
    for sheet in book.iter(f"{_NS_MAIN}sheet"):
        member = targets.get(sheet.get(f"{_NS_REL}id", ""), "")
        parts[sheet.get("name", "")] = member
    return parts


def xlsx_extent(fh: IO[bytes], limit: int) -> Extent:
    """Extent of the value cells of one worksheet XML stream.

    Self-closing ``<c …/>`` elements are styled empty cells; calamine skips them, so only cells
    with content count. A cell without ``r`` lies after its neighbour; those are counted through
    the closing tags (an upper bound on the cells calamine stores).
    """
    first_row = first_col = 1 << 40
    last_row = last_col = -1
    cells = 0
    for data in tagged_chunks(fh, limit):
        cells += data.count(b"</c>") + data.count(b":c>")
        refs = _XLSX_REF.findall(data)
        if not refs:
            continue
        rows = {int(r) for r in {r for _c, r in refs}}
        cols = {_col_index(c) for c in {c for c, _r in refs}}
        first_row = min(first_row, min(rows) - 1)
        last_row = max(last_row, max(rows) - 1)
        first_col = min(first_col, min(cols))
        last_col = max(last_col, max(cols))
    if last_row < 0:
        return Extent(cells=cells)
    return Extent(first_row, last_row, first_col, last_col, cells)


def check_xlsx(path: Path) -> dict[str, Extent]:
    """Every worksheet's extent; refuses DTDs and absurd sheets."""
    try:
        with zipfile.ZipFile(path) as zf:
            if "[Content_Types].xml" not in zf.namelist():
                raise refuse("压缩包中缺少 Excel 工作簿的组成部分，文件已损坏")
            _parse_xml(zf, "[Content_Types].xml")
            extents: dict[str, Extent] = {}
            infos = {i.filename: i for i in zf.infolist()}
            for name, member in xlsx_sheet_parts(zf).items():
                info = infos.get(member)
                if info is None:
                    continue  # a chart sheet or a missing part: calamine reports it
                with zf.open(info) as fh:
                    extent = xlsx_extent(fh, info.file_size + CHUNK)
                check_extent(name, extent)
                extents[name] = extent
            for shared in ("xl/sharedStrings.xml", "xl/styles.xml"):
                if shared in infos:
                    with zf.open(shared) as fh:
                        if _DTD.search(fh.read(4096)):
                            raise refuse("工作簿结构含有不允许的 XML 声明（DTD），拒绝读取")
            return extents
    except UnreadableWorkbook:
        raise
    except (zipfile.BadZipFile, EOFError, ValueError, RuntimeError) as exc:
        raise refuse(f"文件已损坏（可能没有下载或复制完整），无法打开：{exc}") from exc
    except OSError as exc:
        raise refuse(f"无法读取文件：{exc.strerror or exc}") from exc


# --------------------------------------------------------------------------- ods


_ODS_TAG = re.compile(
    rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*?)(/?)>")
_ODS_SPAN = re.compile(rb'number-rows-spanned="(\d+)"')
_ODS_COL_SPAN = re.compile(rb'number-columns-spanned="(\d+)"')
_ODS_ROWS = re.compile(rb'number-rows-repeated="(\d+)"')
_ODS_COLS = re.compile(rb'number-columns-repeated="(\d+)"')
_ODS_NAME = re.compile(rb'table:name="([^"]*)"')


class _OdsTable:
    def __init__(self, name: str) -> None:
        self.name = name
        self.row = 0
        self.row_repeat = 1
        self.col = 0
        self.first_row = self.first_col = 1 << 40
        self.last_row = self.last_col = -1
        self.cells = 0
        self.merges: list[tuple[tuple[int, int], tuple[int, int]]] = []

    def value(self, repeat: int) -> None:
        rows = self.row_repeat
        self.cells += repeat * rows
        self.first_row = min(self.first_row, self.row)
        self.last_row = max(self.last_row, self.row + rows - 1)
        self.first_col = min(self.first_col, self.col)
        self.last_col = max(self.last_col, self.col + repeat - 1)
        if self.last_col >= MAX_COLUMNS or self.last_row >= MAX_ROWS or self.cells > MAX_CELLS:
            check_extent(self.name, self.extent())

    def extent(self) -> Extent:
        if self.last_row < 0:
            return Extent(cells=self.cells)
        return Extent(self.first_row, self.last_row, self.first_col, self.last_col, self.cells,
                      tuple(self.merges[:100_000]))


def ods_extents(fh: IO[bytes], limit: int) -> dict[str, Extent]:
    """Extent of the value cells of each table in an ods content.xml stream.

    A row or cell may be "repeated"; calamine expands repeated cells that hold a value (empty
    ones, such as LibreOffice's padding to the sheet's end, cost nothing).
    """
    extents: dict[str, Extent] = {}
    table: _OdsTable | None = None
    pending: tuple[int, bool] | None = None  # an open cell: (repeat, has value attribute)
    for data in tagged_chunks(fh, limit):
        if _DTD.search(data):
            raise refuse("工作簿结构含有不允许的 XML 声明（DTD），拒绝读取（可能是恶意文件）")
        for closing, tag, attrs, empty in _ODS_TAG.findall(data):
            if tag == b"table":
                if closing:
                    if table is not None:
                        extents[table.name] = table.extent()
                    table = None
                else:
                    found = _ODS_NAME.search(attrs)
                    table = _OdsTable(found.group(1).decode("utf-8", "replace") if found else "")
                continue
            if table is None:
                continue
            if tag == b"table-row":
                if closing:
                    table.row += table.row_repeat
                    table.row_repeat, table.col = 1, 0
                else:
                    found = _ODS_ROWS.search(attrs)
                    table.row_repeat = int(found.group(1)) if found else 1
                    table.col = 0
                    if empty:
                        table.row += table.row_repeat
                        table.row_repeat = 1
                continue
            # table-cell / covered-table-cell
            if closing:
                if pending is not None:
                    table.value(pending[0])
                    table.col += pending[0]
                    pending = None
                continue
            found = _ODS_COLS.search(attrs)
            repeat = int(found.group(1)) if found else 1
            has_value = b"value-type" in attrs
            spanned = _ODS_SPAN.search(attrs)
            if spanned and int(spanned.group(1)) > 1 and tag == b"table-cell":
                across = _ODS_COL_SPAN.search(attrs)
                rows = min(int(spanned.group(1)), MAX_ROWS)
                cols = min(int(across.group(1)) if across else 1, MAX_COLUMNS)
                table.merges.append(((table.row, table.col),
                                     (table.row + rows - 1, table.col + cols - 1)))
            if empty:
                if has_value:
                    table.value(repeat)
                table.col += repeat
            else:
                pending = (repeat, has_value)
    return extents


def check_ods(path: Path) -> dict[str, Extent]:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "content.xml" not in names:
                raise refuse("OpenDocument 表格缺少 content.xml，文件已损坏")
            manifest = "META-INF/manifest.xml"
            if manifest in names:
                with zf.open(manifest) as fh:
                    text = fh.read(4 * 1024 * 1024)
                if b"encryption-data" in text:
                    raise refuse("文件设置了打开密码（已加密），无法读取；请取消密码后另存，再导入")
            info = zf.getinfo("content.xml")
            with zf.open(info) as fh:
                extents = ods_extents(fh, info.file_size + CHUNK)
            for name, extent in extents.items():
                check_extent(name, extent)
            return extents
    except UnreadableWorkbook:
        raise
    except (zipfile.BadZipFile, EOFError, ValueError, RuntimeError) as exc:
        raise refuse(f"文件已损坏（可能没有下载或复制完整），无法打开：{exc}") from exc
    except OSError as exc:
        raise refuse(f"无法读取文件：{exc.strerror or exc}") from exc


def check_file(path: Path) -> tuple[Kind, dict[str, Extent]]:
    """Sniff the file and run the checks of its kind; extents are empty for xls."""
    kind = sniff(path)
    if kind == "xlsx":
        return kind, check_xlsx(path)
    if kind == "ods":
        return kind, check_ods(path)
    return kind, {}
