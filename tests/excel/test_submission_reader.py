"""Files that are not sane workbooks are refused with a reason before anything parses them."""

import zipfile

import pytest

from greencert_desktop.excel import submission_reader as reader_mod
from greencert_desktop.excel.submission_reader import UnreadableWorkbook, WorkbookReader, read_meta
from tests.excel.test_submission_writer import write


@pytest.fixture
def good(tmp_path):
    return write(tmp_path / "good.xlsx").path


def test_reads_sheets_visibility_and_meta(good):
    with WorkbookReader(good) as r:
        states = {s.name: s.state for s in r.sheets}
        assert states["_meta"] == "veryHidden" and states["封面"] == "visible"
        meta = read_meta(r, "_meta")
        assert meta["template_version"] == "1" and meta["unit_code"] == "320706"
        rows = r.rows("表2 获证组织")
        assert rows[0][1] == "统一社会信用代码" and rows[1][1] == "00000000000000001X"


@pytest.mark.parametrize(("content", "reason"), [
    (b"", "空的"),
    (b"name,code\n1,2\n", "不是 xlsx"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, ".xls"),
    (b"PK\x03\x04" + b"\0" * 50, "损坏"),
])
def test_not_a_workbook(tmp_path, content, reason):
    path = tmp_path / "x.xlsx"
    path.write_bytes(content)
    with pytest.raises(UnreadableWorkbook, match=reason):
        WorkbookReader(path)


def test_missing_file(tmp_path):
    with pytest.raises(UnreadableWorkbook, match="不存在"):
        WorkbookReader(tmp_path / "nope.xlsx")


def test_truncated_zip(good, tmp_path):
    data = good.read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(UnreadableWorkbook, match="损坏"):
        WorkbookReader(cut)


def test_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "z.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(UnreadableWorkbook, match="缺少 Excel 工作簿"):
        WorkbookReader(path)


def test_xml_with_entities_is_refused(good, tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bomb, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/workbook.xml":
                text = data.decode()
                if text.startswith("<?xml"):
                    head, text = text.split("?>", 1)
                data = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">'
                        '<!ENTITY b "&a;&a;">]>' + text).encode()
            dst.writestr(item, data)
    with pytest.raises(UnreadableWorkbook, match="XML"):
        WorkbookReader(bomb)


def test_compression_bomb_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (3 * 1024 * 1024))
    with pytest.raises(UnreadableWorkbook, match="压缩比"):
        WorkbookReader(path)


def test_absurd_dimensions_are_refused(good, monkeypatch):
    monkeypatch.setattr(reader_mod, "MAX_ROWS", 1)
    with WorkbookReader(good) as r, pytest.raises(UnreadableWorkbook, match="范围过大"):
        r.rows("表2 获证组织")


def test_oversized_file_is_refused(good, monkeypatch):
    monkeypatch.setattr(reader_mod, "MAX_FILE_BYTES", 100)
    with pytest.raises(UnreadableWorkbook, match="文件过大"):
        WorkbookReader(good)
