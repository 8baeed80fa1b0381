"""Read a workbook with python-calamine, refusing what is not a sane xlsx before parsing it.

Checks before calamine sees the file: it exists, is not absurdly large, is a zip archive
with the parts every xlsx has, no member expands absurdly (zip bombs), and the workbook
part parses with defusedxml (no DTDs, no entity expansion). Before calamine parses a sheet,
its XML is scanned for a cell far outside any submission (one value typed into XFD1048576
makes calamine allocate the whole grid, ~512 GB, and the process aborts). Every refusal is
an :class:`UnreadableWorkbook` with a Chinese reason, never a traceback.

python-calamine releases the GIL while it parses a sheet, so :meth:`WorkbookReader.load`
parses sheets in worker threads, and the biggest one as two halves at once
(:mod:`~greencert_desktop.excel.sheet_halves`).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import python_calamine
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from greencert_desktop.excel import safety, sheet_halves
from greencert_desktop.excel.errors import UnreadableWorkbook

__all__ = ["MAX_COLUMNS", "MAX_ROWS", "SheetInfo", "UnreadableWorkbook", "WorkbookReader",
           "read_meta"]

MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 4 * 1024 * 1024 * 1024
MAX_RATIO = 400
"""Largest expansion accepted for a member bigger than 1 MB (inline-string sheets reach ~30)."""
MAX_ROWS = 499_999
MAX_COLUMNS = 26
"""Bounds of a submission sheet (the widest table has 25 columns): column Z, row 499,999."""
_FAR = rb'(?:[A-Za-z](?:[A-Za-z]|[5-9][0-9]{5}|[0-9]{7})|[5-9][0-9]{5}|[0-9]{7})'
_FAR_REF = re.compile(rb'r="' + _FAR)
"""A cell reference beyond :data:`MAX_COLUMNS` or :data:`MAX_ROWS`, or a row element's number
beyond :data:`MAX_ROWS` (calamine places a cell without ``r`` in its row's). calamine reads
lower-case column letters too. A match not after white space (``xmlns:r="http…"``, which
every re-saved workbook declares) is not a reference: see :func:`far_reference`."""
_FAR_REF_SINGLE = re.compile(rb"r='" + _FAR)
"""The same in single quotes, which no spreadsheet program writes: looked for only when the
sheet has such an attribute at all (one pattern with both quotes is half as fast again)."""

SPLIT_MIN_BYTES = 2 * 1024 * 1024
"""The biggest sheet is parsed as two halves at once when its XML is at least this big."""

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_STATES = {"visible": "visible", "hidden": "hidden", "veryHidden": "veryHidden"}


@dataclass(frozen=True)
class SheetInfo:
    name: str
    state: str
    """``visible``, ``hidden`` or ``veryHidden``."""


def _check_zip(path: Path) -> None:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise safety.refuse("文件不存在") from None
    except OSError as exc:
        raise safety.refuse(f"无法读取文件：{exc.strerror or exc}") from exc
    if size == 0:
        raise safety.refuse("文件是空的（0 字节）")
    if size > MAX_FILE_BYTES:
        raise safety.refuse(f"文件过大（{size // 1024 // 1024} MB），超过上限 {MAX_FILE_BYTES // 1024 // 1024} MB")
    try:
        with path.open("rb") as fh:
            magic = fh.read(8)
    except OSError as exc:
        raise safety.refuse(f"无法读取文件：{exc.strerror or exc}") from exc
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise safety.refuse("这是旧版 Excel（.xls）或加密的文件，不是本系统导出的 .xlsx 报送表")
    if not magic.startswith(b"PK"):
        raise safety.refuse("不是 xlsx 文件（文件内容不是 Excel 2007 及以上版本的格式）")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise safety.refuse("压缩包中缺少 Excel 工作簿的组成部分，不是 xlsx 文件")
            total = 0
            for info in infos:
                total += info.file_size
                if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(
                        info.compress_size, 1):
                    raise safety.refuse(f"文件中的 {info.filename} 压缩比异常，拒绝读取（可能是恶意文件）")
            if total > MAX_UNCOMPRESSED_BYTES:
                raise safety.refuse("文件解压后过大，拒绝读取")
            with zf.open("xl/workbook.xml") as fh:
                SafeET.parse(fh, forbid_dtd=True)
    except UnreadableWorkbook:
        raise
    except zipfile.BadZipFile as exc:
        raise safety.refuse(f"文件已损坏，无法作为 xlsx 打开（{exc}）") from exc
    except DefusedXmlException as exc:
        raise safety.refuse(f"工作簿结构含有不允许的 XML 声明，拒绝读取（{type(exc).__name__}）") from exc
    except SafeET.ParseError as exc:
        raise safety.refuse(f"工作簿结构已损坏：{exc}") from exc
    except (OSError, EOFError, RuntimeError, ValueError) as exc:
        raise safety.refuse(f"文件已损坏，无法作为 xlsx 打开（{exc}）") from exc


class WorkbookReader:
    """An open workbook: sheet names with their visibility, and each sheet's cell values."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        _check_zip(self.path)
        self._wb = _open_calamine(self.path)
        try:
            meta = self._wb.sheets_metadata
        except python_calamine.CalamineError as exc:
            raise safety.refuse(f"文件已损坏，无法读取工作簿（{exc}）") from exc
        self.sheets = [SheetInfo(m.name, _visible(m.visible)) for m in meta]
        self._parts = _sheet_parts(self.path)

    def __enter__(self) -> WorkbookReader:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        with contextlib.suppress(python_calamine.CalamineError):
            self._wb.close()

    @property
    def sheet_names(self) -> list[str]:
        return [s.name for s in self.sheets]

    def rows(self, name: str) -> list[list[Any]]:
        """The sheet's values from A1 (empty cells are ``""``), trailing empty rows dropped."""
        return self._load(name, self._wb)

    def load(self, names: Sequence[str]) -> Iterator[tuple[str, list[list[Any]]]]:
        """``(name, rows)`` for each sheet in ``names``, in that order, read in worker threads
        (each with its own calamine workbook).

        This thread first scans the biggest sheet's XML (:meth:`_guard`), the start of the
        longest path (scan, parse, then the checks of that sheet), alone: the scan holds the
        GIL, and the others' scans would slow it (measured). When that sheet is big it is
        parsed as two halves at once (:mod:`sheet_halves`); then the others start. Sheets
        not yet read when the caller stops are not waited for."""
        order = sorted(names, key=self._size, reverse=True)
        pool = ThreadPoolExecutor(max_workers=3, thread_name_prefix="greencert-read")
        results: dict[str, Callable[[], list[list[Any]]]] = {}
        try:
            if order:
                results[order[0]] = self._start_biggest(pool, order[0])
            for name in order[1:]:
                results[name] = pool.submit(self._load_alone, name).result
            for name in names:
                yield name, results[name]()
        finally:
            pool.shutdown(wait=False, cancel_futures=True)

    def _start_biggest(self, pool: ThreadPoolExecutor, name: str
                       ) -> Callable[[], list[list[Any]]]:
        member = self._parts.get(name)
        if member is None or member.file_size < SPLIT_MIN_BYTES or (os.cpu_count() or 1) < 2:
            self._guard(name)
            return pool.submit(self._load_alone, name, guarded=True).result
        data = self._scanned(name, member)
        cut = sheet_halves.halves(data)
        if cut is None:
            return pool.submit(self._load_alone, name, guarded=True).result
        others = {m.filename for m in self._parts.values()} - {member.filename}
        first = pool.submit(self._load_part, name,
                            sheet_halves.package(self.path, member.filename, others, cut[0]),
                            skip_empty=False)
        second = pool.submit(self._load_part, name,
                             sheet_halves.package(self.path, member.filename, others, cut[1]),
                             skip_empty=True)
        del cut, data

        def whole() -> list[list[Any]]:
            try:
                rows = sheet_halves.join(first.result(), second.result())
            except UnreadableWorkbook:
                rows = None  # a cut the parser did not take: the whole sheet decides
            if rows is None:
                return self._load_alone(name, guarded=True)
            while rows and not any(v != "" for v in rows[-1]):
                rows.pop()
            return rows

        return whole

    def _load_part(self, name: str, package: io.BytesIO, *, skip_empty: bool
                   ) -> sheet_halves.Part:
        try:
            wb = python_calamine.CalamineWorkbook.from_filelike(package)
        except (python_calamine.CalamineError, OSError, ValueError) as exc:
            raise safety.refuse(f"工作表“{name}”已损坏，无法读取（{exc}）") from exc
        finally:
            package.close()
        try:
            sheet = wb.get_sheet_by_name(name)
            if sheet.height > MAX_ROWS or sheet.width > MAX_COLUMNS:
                raise safety.refuse(f"工作表“{name}”的范围过大，拒绝读取")
            return sheet.start, sheet.to_python(skip_empty_area=skip_empty)
        except python_calamine.CalamineError as exc:
            raise safety.refuse(f"工作表“{name}”已损坏，无法读取（{exc}）") from exc
        except (OSError, ValueError, OverflowError) as exc:
            raise safety.refuse(f"工作表“{name}”无法读取（{exc}）") from exc
        finally:
            with contextlib.suppress(python_calamine.CalamineError):
                wb.close()

    def _size(self, name: str) -> int:
        member = self._parts.get(name)
        return member.file_size if member is not None else 0

    def _load_alone(self, name: str, *, guarded: bool = False) -> list[list[Any]]:
        wb = _open_calamine(self.path)
        try:
            return self._load(name, wb, guarded=guarded)
        finally:
            with contextlib.suppress(python_calamine.CalamineError):
                wb.close()

    def _load(self, name: str, wb: python_calamine.CalamineWorkbook, *,
              guarded: bool = False) -> list[list[Any]]:
        if not guarded:
            self._guard(name)
        try:
            sheet = wb.get_sheet_by_name(name)
            if sheet.height > MAX_ROWS or sheet.width > MAX_COLUMNS:
                raise safety.refuse(f"工作表“{name}”的范围过大（{sheet.height} 行 × "
                              f"{sheet.width} 列），拒绝读取")
            rows = sheet.to_python(skip_empty_area=False)
        except python_calamine.CalamineError as exc:
            raise safety.refuse(f"工作表“{name}”已损坏，无法读取（{exc}）") from exc
        except (OSError, ValueError, OverflowError) as exc:
            raise safety.refuse(f"工作表“{name}”无法读取（{exc}）") from exc
        while rows and not any(v != "" for v in rows[-1]):
            rows.pop()
        return rows

    def _guard(self, name: str) -> None:
        """Refuse the sheet when its XML holds a cell beyond column Z or row 499,999."""
        member = self._parts.get(name)
        if member is None:
            return  # calamine reports a missing part itself
        limit = member.file_size + safety.CHUNK
        with self._reading(name):
            for data in safety.tagged_chunks(safety.member_chunks(self.path, member, limit),
                                             limit):
                _refuse_far(name, data)

    def _scanned(self, name: str, member: zipfile.ZipInfo) -> bytes:
        """The sheet's whole XML, after the same scan as :meth:`_guard`."""
        with self._reading(name):
            data = b"".join(safety.member_chunks(self.path, member,
                                                 member.file_size + safety.CHUNK))
        _refuse_far(name, data)
        return data

    @contextlib.contextmanager
    def _reading(self, name: str) -> Iterator[None]:
        try:
            yield
        except UnreadableWorkbook:
            raise
        except (zipfile.BadZipFile, EOFError, ValueError, RuntimeError) as exc:
            raise safety.refuse(f"工作表“{name}”已损坏，无法读取（{exc}）") from exc
        except OSError as exc:
            raise safety.refuse(f"无法读取文件：{exc.strerror or exc}") from exc


_SPACE = frozenset(b" \t\r\n")


def far_reference(data: bytes) -> re.Match[bytes] | None:
    """The first far reference in a piece of sheet XML (see :data:`_FAR_REF`)."""
    patterns = (_FAR_REF, _FAR_REF_SINGLE) if b"r='" in data else (_FAR_REF,)
    for pattern in patterns:
        for match in pattern.finditer(data):
            if match.start() > 0 and data[match.start() - 1] in _SPACE:
                return match
    return None


def _refuse_far(name: str, data: bytes) -> None:
    far = far_reference(data)
    if far is not None:
        raise safety.refuse(f"工作表“{name}”的{_far_place(data, far)}远超报送表的范围（最多到 Z 列、"
                            f"第 {MAX_ROWS:,} 行），拒绝读取：请删除该单元格后重新导出，"
                            "或向报送单位索取原始文件")


def _reference(data: bytes, match: re.Match[bytes]) -> str:
    start = match.start() + 3
    end = data.find(data[start - 1:start], start)
    return data[start:end if end >= 0 else start + 16].decode("ascii", "replace")


def _far_place(data: bytes, far: re.Match[bytes]) -> str:
    """Where a far reference points: `` XFD1048576 单元格``, or for a row element the first
    far cell in it when there is one (``第 1,048,576 行`` otherwise)."""
    ref = _reference(data, far)
    if not ref.isdigit():
        return f" {ref} 单元格"
    after = data[far.end():far.end() + 4096]
    cell = far_reference(after)
    if cell is not None and not (cell_ref := _reference(after, cell)).isdigit():
        return f" {cell_ref} 单元格"
    return f"第 {int(ref):,} 行"


def _open_calamine(path: Path) -> python_calamine.CalamineWorkbook:
    try:
        return python_calamine.CalamineWorkbook.from_path(str(path))
    except python_calamine.CalamineError as exc:
        raise safety.refuse(f"文件已损坏，无法读取工作簿（{exc}）") from exc
    except (OSError, ValueError) as exc:
        raise safety.refuse(f"文件无法读取：{exc}") from exc


def _sheet_parts(path: Path) -> dict[str, zipfile.ZipInfo]:
    """Sheet name → the zip member of its XML."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = {i.filename: i for i in zf.infolist()}
            return {name: infos[member] for name, member in safety.xlsx_sheet_parts(zf).items()
                    if member in infos}
    except UnreadableWorkbook:
        raise
    except (zipfile.BadZipFile, EOFError, ValueError, RuntimeError, KeyError) as exc:
        raise safety.refuse(f"文件已损坏，无法作为 xlsx 打开（{exc}）") from exc
    except OSError as exc:
        raise safety.refuse(f"无法读取文件：{exc.strerror or exc}") from exc


def _visible(value: Any) -> str:
    text = str(value).rsplit(".", 1)[-1]
    return {"Visible": "visible", "Hidden": "hidden", "VeryHidden": "veryHidden"}.get(
        text, text)


def read_meta(reader: WorkbookReader, sheet: str) -> dict[str, str]:
    """``_meta`` as a dict (first column key, second value, both as text)."""
    out: dict[str, str] = {}
    for row in reader.rows(sheet):
        if not row or row[0] == "":
            continue
        key = str(row[0]).strip()
        value = row[1] if len(row) > 1 else ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        out[key] = str(value).strip()
    return out
