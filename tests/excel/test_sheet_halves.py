"""The biggest sheet parsed as two halves gives exactly what one parse of the whole gives."""

import re
import subprocess
import zipfile
from datetime import date

import pytest
from python_calamine import CalamineWorkbook

from greencert_desktop.excel import sheet_halves
from greencert_desktop.excel import submission_reader as reader_mod
from greencert_desktop.excel.submission_reader import UnreadableWorkbook, WorkbookReader
from tests.excel.test_submission_writer import _cert_row, write

SHEET = "表3 认证证书"
MEMBER = "xl/worksheets/sheet4.xml"


@pytest.fixture(autouse=True)
def split_everything(monkeypatch):
    """Split however small the sheet is (the product splits from 2 MB), and count the
    splits so a test knows the halves were really used."""
    monkeypatch.setattr(reader_mod, "SPLIT_MIN_BYTES", 0)
    monkeypatch.setattr(reader_mod.os, "cpu_count", lambda: 2)
    joined: list[bool] = []
    original = sheet_halves.join

    def counting(first, second):
        rows = original(first, second)
        joined.append(rows is not None)
        return rows

    monkeypatch.setattr(sheet_halves, "join", counting)
    return joined


def _certs(n):
    return [_cert_row(i, f"CERT{i:05d}", "00000000000000001X", f"公司{i}") for i in range(1, n + 1)]


@pytest.fixture
def big(tmp_path):
    return write(tmp_path / "big.xlsx", certs=_certs(400)).path


def _whole(path):
    wb = CalamineWorkbook.from_path(str(path))
    rows = wb.get_sheet_by_name(SHEET).to_python(skip_empty_area=False)
    while rows and not any(v != "" for v in rows[-1]):
        rows.pop()
    return rows


def _loaded(path):
    with WorkbookReader(path) as r:
        return dict(r.load(r.sheet_names))[SHEET]


def _rewrite(src, dst, change):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == MEMBER:
                data = change(data)
            zout.writestr(info, data)
    return dst


def test_a_clean_export_reads_the_same_split(big, split_everything):
    assert _loaded(big) == _whole(big)
    assert split_everything == [True]
    assert len(_loaded(big)) == 401 and _loaded(big)[400][1] == "CERT00400"


def _rows_of(data):
    return re.findall(rb'<row r="(\d+)"', data)


def test_empty_rows_wider_rows_and_a_late_first_column(big, tmp_path, split_everything):
    """Rows missing around the middle, a cell in column Z only in the second half, and
    column A empty in every row of the second half."""
    def change(data):
        data = re.sub(rb'<row r="(19[0-9]|20[0-9]|21[0-5])">.*?</row>', b"", data)
        data = re.sub(rb'<c r="A(\d+)"[^>]*>.*?</c>',
                      lambda m: b"" if int(m.group(1)) > 150 else m.group(0), data)
        return data.replace(b"</sheetData>", b'<row r="399"><c r="Z399" t="inlineStr"><is><t>'
                            b"z</t></is></c></row></sheetData>")
    path = _rewrite(big, tmp_path / "odd.xlsx", change)
    rows = _loaded(path)
    assert rows == _whole(path)
    assert split_everything == [True]
    assert rows[200] == [""] * 26 and rows[398][25] == "z" and rows[300][0] == ""


def test_rows_out_of_order_are_read_whole(big, tmp_path, split_everything):
    def change(data):
        late = re.search(rb'<row r="5">.*?</row>', data).group(0)
        return data.replace(late, b"").replace(b"</sheetData>", late + b"</sheetData>")
    path = _rewrite(big, tmp_path / "order.xlsx", change)
    assert _loaded(path) == _whole(path)
    assert split_everything == [False]


def test_a_cut_the_parser_refuses_falls_back_to_the_whole_sheet(big, tmp_path,
                                                               split_everything):
    """``</row>`` inside a CDATA section that spans the middle: the cut lands in it, a half is
    not XML, and the whole sheet is read instead."""
    def change(data):
        row = re.search(rb'<row r="201">.*?<t>', data)
        cdata = b"<![CDATA[" + b"x</row>" * 100_000 + b"]]>"
        return data[:row.end()] + cdata + data[row.end():]
    path = _rewrite(big, tmp_path / "cdata.xlsx", change)
    assert _loaded(path) == _whole(path)
    assert split_everything != [True]


def test_a_file_resaved_by_libreoffice(big, tmp_path, split_everything):
    """LibreOffice (like Excel) keeps the text in the shared-strings part and writes its own
    sheet XML."""
    out = tmp_path / "lo"
    result = subprocess.run(
        ["soffice", "--headless", "--norestore",
         f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--convert-to", "xlsx",
         "--outdir", str(out), str(big)], capture_output=True, text=True, timeout=180,
        check=False)
    assert result.returncode == 0, result.stderr
    path = out / "big.xlsx"
    with zipfile.ZipFile(path) as z:
        assert "xl/sharedStrings.xml" in z.namelist()
    rows = _loaded(path)
    assert rows == _whole(path)
    assert split_everything == [True]
    assert rows[300][1] == "CERT00300" and rows[300][12] == date(2026, 1, 1)


def test_a_far_cell_is_refused_before_the_halves_are_parsed(big, tmp_path, split_everything):
    path = _rewrite(big, tmp_path / "far.xlsx", lambda d: d.replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row></sheetData>'))
    with WorkbookReader(path) as r, pytest.raises(UnreadableWorkbook, match="XFD1048576"):
        dict(r.load(r.sheet_names))
    assert split_everything == []


def test_halves_of_a_sheet_not_laid_out_as_ours():
    assert sheet_halves.halves(b"<worksheet><x:sheetData></x:sheetData></worksheet>") is None
    assert sheet_halves.halves(b"<worksheet><sheetData/></worksheet>") is None
    first, second = sheet_halves.halves(
        b'<w><sheetData><row r="1"/></row><row r="2"></row></sheetData><tail/></w>')
    assert b"".join(first).endswith(b"</sheetData><tail/></w>")
    assert b"".join(second).startswith(b"<w><sheetData>")
