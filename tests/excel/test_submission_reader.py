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


def test_load_reads_every_sheet_in_the_order_asked(good):
    with WorkbookReader(good) as r:
        names = list(reversed(r.sheet_names))
        loaded = list(r.load(names))
        assert [name for name, _ in loaded] == names
        assert all(rows == r.rows(name) for name, rows in loaded)


def _with_far_cell(good, tmp_path, sheet_xml, ref):
    """A copy of ``good`` with one value at ``ref`` added to the end of a sheet's data."""
    path = tmp_path / f"far-{ref}.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == sheet_xml:
                row = ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
                cell = (f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>x</t></is></c>'
                        "</row></sheetData>").encode()
                data = data.replace(b"</sheetData>", cell, 1)
            dst.writestr(info, data)
    return path


@pytest.mark.parametrize("ref", ["XFD1048576", "AAA3", "AA2", "A500000", "Y12345678"])
def test_a_cell_far_outside_the_template_is_refused_before_parsing(good, tmp_path, ref):
    """calamine would allocate the whole grid up to that cell (XFD1048576: ~512 GB) and the
    process would abort; the reader refuses the sheet first, naming the cell."""
    path = _with_far_cell(good, tmp_path, "xl/worksheets/sheet4.xml", ref)
    with WorkbookReader(path) as r:
        with pytest.raises(UnreadableWorkbook, match=ref):
            r.rows("表3 认证证书")
        with pytest.raises(UnreadableWorkbook, match=ref):
            list(r.load(r.sheet_names))
        assert r.rows("表2 获证组织")  # the other sheets still read


def test_verify_names_the_far_cell(good, tmp_path):
    from greencert_desktop.reference import load_reference
    from greencert_desktop.services.verification import verify_file

    path = _with_far_cell(good, tmp_path, "xl/worksheets/sheet4.xml", "XFD1048576")
    result = verify_file(path, load_reference())
    assert not result.ok
    assert any("XFD1048576" in p.message and "表3" in p.message for p in result.problems)


def test_cells_within_the_template_are_not_refused(good, tmp_path):
    path = _with_far_cell(good, tmp_path, "xl/worksheets/sheet4.xml", "Z20")
    with WorkbookReader(path) as r:
        rows = r.rows("表3 认证证书")
        assert len(rows) == 20 and rows[-1][25] == "x"


@pytest.mark.parametrize(("ref", "far"), [
    ("A1", False), ("Y100001", False), ("Z499999", False), ("Z9", False),
    ("AA1", True), ("ZZ1", True), ("AAA1", True), ("A500000", True), ("A1048576", True),
    ("B12345678", True),
])
def test_the_bounds_of_a_submission_sheet(ref, far):
    found = reader_mod.far_reference(f'<c r="{ref}" t="n"><v>1</v></c>'.encode())
    assert (found is not None) is far
    single = reader_mod.far_reference(f"<c r='{ref.lower()}' t='n'><v>1</v></c>".encode())
    assert (single is not None) is far


@pytest.mark.parametrize(("markup", "named"), [
    ('<row r="20"><c r="xfd20" t="inlineStr"><is><t>x</t></is></c></row>', "xfd20 单元格"),
    ("<row r='21'><c r='AB21' t='n'><v>1</v></c></row>", "AB21 单元格"),
    ('<row r="600000"><c t="n"><v>1</v></c></row>', "第 600,000 行"),
    ('<row r="1048576"><c r="C1048576" t="n"><v>1</v></c></row>', "C1048576 单元格"),
])
def test_far_references_calamine_also_reads_are_refused(good, tmp_path, markup, named):
    """Lower-case column letters, single quotes, and a cell without ``r`` in a far row: calamine
    places each of them where the reference says, so each is refused like XFD1048576."""
    path = tmp_path / "far.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet4.xml":
                data = data.replace(b"</sheetData>", markup.encode() + b"</sheetData>", 1)
            dst.writestr(info, data)
    with WorkbookReader(path) as r, pytest.raises(UnreadableWorkbook) as caught:
        r.rows("表3 认证证书")
    assert "表3 认证证书" in caught.value.message and named in caught.value.message


def test_a_stored_sheet_and_a_damaged_one(good, tmp_path):
    """The guard inflates sheets itself: an uncompressed (stored) sheet reads as usual; a sheet
    whose compressed bytes are damaged is refused with the sheet named, not a traceback."""
    stored, broken = tmp_path / "stored.xlsx", tmp_path / "broken.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
    with WorkbookReader(stored) as r, WorkbookReader(good) as g:
        assert r.rows("表3 认证证书") == g.rows("表3 认证证书")
    raw = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as src:
        info = src.getinfo("xl/worksheets/sheet4.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 10, start + info.compress_size - 10, 7):
        raw[i] ^= 0x5A
    broken.write_bytes(bytes(raw))
    with WorkbookReader(broken) as r, pytest.raises(UnreadableWorkbook) as caught:
        r.rows("表3 认证证书")
    assert "表3 认证证书" in caught.value.message or "sheet4.xml" in caught.value.message


@pytest.mark.parametrize("markup", [
    b'<worksheet xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">',
    b"<worksheet xmlns:r='http://schemas.openxmlformats.org/officeDocument/2006/relationships'>",
    b'<c r="Y100001" t="n"><v>1</v></c>', b'<row r="499999" spans="1:25">',
    b'<c r="z9" t="n">', b'<drawing r:id="rId1"/>',
])
def test_what_is_not_a_far_reference(markup):
    """The namespace every re-saved workbook declares (``xmlns:r="http…"``) looks like a
    reference to a column HT; it is not one."""
    assert reader_mod.far_reference(markup) is None
