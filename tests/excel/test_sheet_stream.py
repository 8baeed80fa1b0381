"""The streamed data sheets against what openpyxl itself writes for the same values."""

import glob
import tempfile
import zipfile
from datetime import date, timedelta

import openpyxl
import pytest
from lxml import etree
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils.datetime import to_excel
from python_calamine import CalamineWorkbook

from greencert_desktop.excel import submission_format as fmt
from greencert_desktop.excel.sheet_stream import StreamingSheet, excel_serial, header_row
from greencert_desktop.excel.submission_writer import Cancelled, _RowWriter
from tests.excel.test_submission_writer import write

TRICKY_TEXT = ["普通文本", "A&B <有限> 公司", " 前导空格", "尾随空格 ", "line1\nline2",
               '=HYPERLINK("http://x","y")', "+86", "-负号", "@at", "\t制表", "0001234",
               "91320700MA1XXXXX0X", "&amp; already", "]]>", "\u00a0不间断空格"]
DATES = [date(1900, 1, 1), date(1900, 2, 28), date(1900, 3, 1), date(1999, 12, 31),
         date(2026, 11, 28), date(9999, 12, 31)]


def test_excel_serial_matches_openpyxl():
    day = date(1899, 12, 31)
    while day < date(1900, 4, 1):
        assert excel_serial(day) == to_excel(day), day
        day += timedelta(days=1)
    for d in DATES:
        assert excel_serial(d) == to_excel(d)


def _columns():
    return (fmt.Column("t", "文本"), fmt.Column("c", "代码", "code"),
            fmt.Column("d", "日期", "date"), fmt.Column("n", "金额", "number", fmt="#,##0.00"),
            fmt.Column("p", "比例", "percent", fmt=fmt.PERCENT_FORMAT),
            fmt.Column("i", "整数", "int"), fmt.Column("b", "是否", "bool"),
            fmt.Column("x", "数", "number"))


def _rows():
    rows = []
    for i, text in enumerate(TRICKY_TEXT):
        rows.append([text, text if i % 2 else "", DATES[i % len(DATES)], 1234.5 + i,
                     i / 7, i, i % 2 == 0, 0.1 + 0.2 if i == 3 else i])
    rows.append([None, None, None, None, None, None, None, None])
    return rows


def _ours(path):
    wb = Workbook(write_only=True)
    ws = StreamingSheet.add_to(wb, "数据")
    ws.column_dimensions["A"].width = 30
    ws.freeze_panes = "A2"
    style = ws.style(font=openpyxl.styles.Font(bold=True))
    ws.begin()
    ws.write(header_row(1, [c.header for c in _columns()], style))
    conv = _RowWriter(ws, _columns())
    for n, values in enumerate(_rows(), start=2):
        ws.write(conv.row(n, values)[0])
    ws.auto_filter.ref = "A1:H2"
    wb.save(path)


def _openpyxl(path):
    """The same cells through openpyxl's own write-only worksheet."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("数据")
    ws.column_dimensions["A"].width = 30
    ws.freeze_panes = "A2"
    header = []
    for c in _columns():
        cell = WriteOnlyCell(ws, value=c.header)
        cell.font = openpyxl.styles.Font(bold=True)
        header.append(cell)
    ws.append(header)
    for values in _rows():
        out = []
        for col, v in zip(_columns(), values, strict=True):
            if v is None or v == "":
                out.append(None)
            elif col.kind in ("text", "code"):
                if v[0] in fmt.FORMULA_LEAD:
                    cell = WriteOnlyCell(ws, value=v)
                    cell.data_type = "s"
                    cell.quotePrefix = True
                    out.append(cell)
                else:
                    out.append(v)
            elif col.kind == "bool":
                out.append(fmt.YES if v else fmt.NO)
            elif col.fmt:
                cell = WriteOnlyCell(ws, value=int(v) if float(v).is_integer() else v)
                cell.number_format = col.fmt
                out.append(cell)
            elif col.kind == "number":
                out.append(int(v) if float(v).is_integer() else v)
            else:
                out.append(v)
        ws.append(out)
    ws.auto_filter.ref = "A1:H2"
    wb.save(path)


def _cells(path):
    ws = openpyxl.load_workbook(path)["数据"]
    return [[(c.value, c.data_type, c.number_format, c.quotePrefix, c.font.b)
             for c in row] for row in ws.iter_rows()], ws.freeze_panes, \
        ws.auto_filter.ref, ws.column_dimensions["A"].width


def _markup(path):
    """Each cell's reference, type, value and <t> attributes in the sheet's XML (not the style
    numbers, which depend on the order styles were registered: _cells compares styles)."""
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("xl/worksheets/sheet1.xml"))
    ns = {"m": root.nsmap[None]}
    return [(c.get("r"), c.get("t"), c.findtext("m:v", namespaces=ns),
             [(dict(t.attrib), t.text) for t in c.iterfind(".//m:t", ns)])
            for c in root.iterfind(".//m:c", ns)]


def test_streamed_sheet_reads_back_exactly_like_openpyxls(tmp_path):
    ours, theirs = tmp_path / "ours.xlsx", tmp_path / "theirs.xlsx"
    _ours(ours)
    _openpyxl(theirs)
    assert _cells(ours) == _cells(theirs)
    assert _markup(ours) == _markup(theirs)
    read = [CalamineWorkbook.from_path(str(p)).get_sheet_by_name("数据").to_python()
            for p in (ours, theirs)]
    assert read[0] == read[1]
    assert read[0][1][0] == "普通文本" and read[0][2][0] == "A&B <有限> 公司"
    assert read[0][3][0] == " 前导空格" and read[0][4][0] == "尾随空格 "
    assert read[0][6][0] == '=HYPERLINK("http://x","y")'


def _started(tmp_path, monkeypatch):
    """A workbook with one streamed sheet that has its first row, temporary files in tmp_path."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    wb = Workbook(write_only=True)
    ws = StreamingSheet.add_to(wb, "数据")
    ws.begin()
    ws.write('<row r="1"/>')
    return wb, ws


def test_changing_the_sheet_after_rows_started_is_refused(tmp_path, monkeypatch):
    wb, ws = _started(tmp_path, monkeypatch)
    ws.column_dimensions["B"].width = 40
    with pytest.raises(RuntimeError, match="数据"):
        wb.save(tmp_path / "x.xlsx")
    assert glob.glob(str(tmp_path / "greencert-sheet.*")) == []


def test_a_cancelled_write_leaves_no_temporary_sheet(tmp_path, monkeypatch):
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    out = tmp_path / "out"
    out.mkdir()
    from tests.excel.test_submission_writer import _org_row

    orgs = [_org_row(i, f"9132070{i:011d}", f"公司{i}") for i in range(1, 5001)]
    calls = []

    def cancel():
        calls.append(1)
        return len(calls) > 1

    with pytest.raises(Cancelled):
        write(out / "x.xlsx", orgs=orgs, cancel=cancel)
    assert list(temp.iterdir()) == [] and list(out.iterdir()) == []
    write(out / "y.xlsx", orgs=orgs)
    assert list(temp.iterdir()) == [] and [p.name for p in out.iterdir()] == ["y.xlsx"]


def test_a_program_stopped_mid_export_leaves_no_temporary_sheet(tmp_path, monkeypatch):
    from greencert_desktop.excel import sheet_stream

    _started(tmp_path, monkeypatch)
    assert len(glob.glob(str(tmp_path / "greencert-sheet.*"))) == 1
    sheet_stream._remove_leftovers()  # what atexit runs
    assert glob.glob(str(tmp_path / "greencert-sheet.*")) == []
