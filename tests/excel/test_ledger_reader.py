"""Reading clerks' ledgers: formats, merged cells, and refusing hostile or broken files."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from greencert_desktop.excel import safety
from greencert_desktop.excel.ledger_reader import (
    UnreadableWorkbook,
    column_letter,
    is_total_row,
    open_ledger,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def small_ledger(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    ws["A1"] = "认证企业台账"
    ws.merge_cells("A1:E1")
    ws.append(["企业名称", "统一社会信用代码", "认证类型", "证书编号", "发证日期"])
    ws.append(["绿源食品", "91371323760038087M", "14001", "E-1", dt.date(2023, 5, 12)])
    ws.append(["", "", "有机", "O-1", "2024.01.02"])
    ws.merge_cells("A3:A4")
    ws.merge_cells("B3:B4")
    hidden = wb.create_sheet("说明")
    hidden["A1"] = "x"
    hidden.sheet_state = "hidden"
    wb.save(path)
    return path


def rewrite(src: Path, dst: Path, member: str, change) -> Path:
    with zipfile.ZipFile(src) as zi, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zo:
        for info in zi.infolist():
            data = zi.read(info.filename)
            if info.filename == member:
                data = change(data)
            zo.writestr(info.filename, data)
    return dst


def refused(path: Path) -> str:
    with pytest.raises(UnreadableWorkbook) as caught, open_ledger(path) as ledger:
        for name in ledger.sheet_names:
            list(ledger.iter_rows(name))
    return caught.value.message


def test_reads_sheets_rows_numbers_and_fills_vertical_merges(tmp_path):
    with open_ledger(small_ledger(tmp_path / "a.xlsx")) as ledger:
        assert ledger.kind == "xlsx"
        assert [(s.name, s.visible) for s in ledger.sheets] == [("台账", True), ("说明", False)]
        rows = dict(ledger.iter_rows("台账"))
    assert rows[1][0] == "认证企业台账"
    assert rows[1][1] == ""  # a horizontal title merge is not spread
    assert rows[3][4] == dt.date(2023, 5, 12)
    assert rows[4][:2] == ["绿源食品", "91371323760038087M"]  # merged down
    assert rows[4][3] == "O-1"


def test_head_pads_to_row_one(tmp_path):
    wb = Workbook()
    wb.active["C4"] = "企业名称"
    wb.save(tmp_path / "b.xlsx")
    with open_ledger(tmp_path / "b.xlsx") as ledger:
        head = ledger.head(ledger.sheet_names[0])
    assert len(head) == 4
    assert head[3] == ["", "", "企业名称"]


@pytest.mark.parametrize("name", ["ledger_small.xls", "ledger_small.ods"])
def test_committed_xls_and_ods_fixtures(name):
    with open_ledger(FIXTURES / name) as ledger:
        assert ledger.kind == name.rsplit(".", 1)[1]
        rows = dict(ledger.iter_rows("台账"))
    assert rows[2][:4] == ["企业名称", "统一社会信用代码", "认证类型", "证书编号"]
    assert rows[4][:2] == ["连云港绿源食品有限公司", "91371323760038087M"]  # merged down
    assert rows[3][5] == dt.date(2023, 5, 12)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_converted_by_libreoffice(tmp_path, fmt):
    src = small_ledger(tmp_path / "c.xlsx")
    subprocess.run(["soffice", "--headless", "--convert-to", fmt, "--outdir", str(tmp_path),
                    str(src)], check=True, capture_output=True, timeout=180)
    with open_ledger(tmp_path / f"c.{fmt}") as ledger:
        assert ledger.kind == fmt
        rows = dict(ledger.iter_rows("台账"))
    assert rows[4][:4] == ["绿源食品", "91371323760038087M", "有机", "O-1"]


def test_a_renamed_file_is_read_by_its_content(tmp_path):
    src = small_ledger(tmp_path / "d.xlsx")
    renamed = tmp_path / "d.xls"
    src.rename(renamed)
    with open_ledger(renamed) as ledger:
        assert ledger.kind == "xlsx"


@pytest.mark.parametrize(("content", "reason"), [
    (b"", "空的"),
    (b"\x00\x01 random bytes \xff" * 50, "不是电子表格"),
    (b"name,code\nA,B\n", "另存为 .xlsx"),
    (b"<html><table><tr><td>1</td></tr></table></html>", "网页"),
    (b"%PDF-1.4 ...", "PDF"),
])
def test_not_a_spreadsheet(tmp_path, content, reason):
    path = tmp_path / "x.xlsx"
    path.write_bytes(content)
    assert reason in refused(path)


def test_missing_file(tmp_path):
    assert "不存在" in refused(tmp_path / "nope.xlsx")


def test_truncated_file(tmp_path):
    src = small_ledger(tmp_path / "t.xlsx")
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(src.read_bytes()[: src.stat().st_size // 2])
    assert "损坏" in refused(cut)


def test_zip_that_is_not_a_spreadsheet(tmp_path):
    path = tmp_path / "z.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("word/document.xml", "<w/>")
        zf.writestr("[Content_Types].xml", "<Types/>")
    assert "Word" in refused(path)


def test_encrypted_ooxml_is_refused(tmp_path):
    """Excel saves a password-protected workbook as an OLE container holding
    EncryptionInfo and EncryptedPackage streams."""
    body = bytearray(4096)
    body[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    name = "EncryptedPackage".encode("utf-16-le")
    body[1024:1024 + len(name)] = name
    path = tmp_path / "secret.xlsx"
    path.write_bytes(bytes(body))
    assert "密码" in refused(path)


def test_ole_word_document_is_refused(tmp_path):
    body = bytearray(2048)
    body[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    name = "WordDocument".encode("utf-16-le")
    body[600:600 + len(name)] = name
    path = tmp_path / "doc.xls"
    path.write_bytes(bytes(body))
    assert "Word" in refused(path)


def test_zip_bomb_is_refused_before_parsing(tmp_path):
    src = small_ledger(tmp_path / "s.xlsx")
    bomb = rewrite(src, tmp_path / "bomb.xlsx", "xl/worksheets/sheet1.xml",
                   lambda d: d.replace(b"</worksheet>", b"<!--" + b"0" * (64 * 1024 * 1024)
                                       + b"--></worksheet>"))
    assert bomb.stat().st_size < 1024 * 1024
    assert "压缩" in refused(bomb)


def test_a_value_a_million_rows_and_columns_away_is_refused(tmp_path):
    """calamine would allocate rows × columns cells (tens of GB) and abort the process."""
    src = small_ledger(tmp_path / "s.xlsx")
    far = rewrite(src, tmp_path / "far.xlsx", "xl/worksheets/sheet1.xml",
                  lambda d: d.replace(b"</sheetData>", b'<row r="1000000"><c r="ZZ1000000" '
                                      b't="n"><v>1</v></c></row></sheetData>'))
    message = refused(far)
    assert "台账" in message and "拒绝读取" in message


def test_a_cell_far_to_the_right_is_refused(tmp_path):
    src = small_ledger(tmp_path / "s.xlsx")
    wide = rewrite(src, tmp_path / "wide.xlsx", "xl/worksheets/sheet1.xml",
                   lambda d: d.replace(b"</sheetData>", b'<row r="9"><c r="XFD9" t="n">'
                                       b"<v>1</v></c></row></sheetData>"))
    assert "16,384 列" in refused(wide)


def test_a_huge_dimension_claim_and_styled_empty_cells_are_harmless(tmp_path):
    src = small_ledger(tmp_path / "s.xlsx")
    claim = rewrite(src, tmp_path / "claim.xlsx", "xl/worksheets/sheet1.xml",
                    lambda d: d.replace(b'<dimension ref="A1:E4"/>',
                                        b'<dimension ref="A1:XFD1048576"/>').replace(
                        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" s="0"/></row>'
                                         b"</sheetData>"))
    with open_ledger(claim) as ledger:
        assert len(list(ledger.iter_rows("台账"))) == 4


def test_a_dtd_in_the_workbook_is_refused(tmp_path):
    src = small_ledger(tmp_path / "s.xlsx")
    evil = rewrite(src, tmp_path / "dtd.xlsx", "xl/workbook.xml",
                   lambda d: b'<!DOCTYPE x [<!ENTITY a "aaaa">]>' + d)
    assert "XML" in refused(evil)


def _ods(path: Path, table_xml: str) -> Path:
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               '<office:body><office:spreadsheet>' + table_xml +
               "</office:spreadsheet></office:body></office:document-content>")
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                    compress_type=zipfile.ZIP_STORED)
        zf.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("META-INF/manifest.xml", "<manifest/>")
    return path


def test_ods_cell_repeated_a_million_times_is_refused(tmp_path):
    path = _ods(tmp_path / "r.ods",
                '<table:table table:name="S"><table:table-row>'
                '<table:table-cell table:number-columns-repeated="1000000" '
                'office:value-type="float" office:value="1"><text:p>1</text:p>'
                "</table:table-cell></table:table-row></table:table>")
    assert "拒绝读取" in refused(path)


def test_ods_row_repeated_a_million_times_is_refused(tmp_path):
    path = _ods(tmp_path / "rr.ods",
                '<table:table table:name="S">'
                '<table:table-row table:number-rows-repeated="900000">'
                '<table:table-cell table:number-columns-repeated="20" office:value-type="string">'
                "<text:p>x</text:p></table:table-cell></table:table-row></table:table>")
    assert "拒绝读取" in refused(path)


def test_ods_empty_padding_rows_are_harmless(tmp_path):
    path = _ods(tmp_path / "ok.ods",
                '<table:table table:name="S"><table:table-row>'
                '<table:table-cell office:value-type="string"><text:p>企业名称</text:p>'
                "</table:table-cell></table:table-row>"
                '<table:table-row table:number-rows-repeated="1048575">'
                '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
                "</table:table>")
    with open_ledger(path) as ledger:
        assert [r for _n, r in ledger.iter_rows("S")] == [["企业名称"]]


def test_encrypted_ods_is_refused(tmp_path):
    path = tmp_path / "e.ods"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", b"\x00garbage")
        zf.writestr("META-INF/manifest.xml",
                    '<manifest:manifest><manifest:file-entry><manifest:encryption-data/>'
                    "</manifest:file-entry></manifest:manifest>")
    assert "密码" in refused(path)


def test_oversized_file_is_refused_without_reading_it(tmp_path, monkeypatch):
    monkeypatch.setattr(safety, "MAX_FILE_BYTES", 100)
    assert "过大" in refused(small_ledger(tmp_path / "big.xlsx"))


def test_helpers():
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
    assert is_total_row(["合计", "", 12])
    assert is_total_row(["", "小 计：", ""])
    assert is_total_row(["总计"])
    assert not is_total_row(["合计能源有限公司是一家公司".replace("合计", "和计"), ""])
    assert not is_total_row(["连云港合计公司", "913"])
