"""The workbook writer on its own: cell rules, sheet set-up, atomic write, LibreOffice."""

import shutil
import subprocess
from datetime import date

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from greencert_desktop.excel import submission_format as fmt
from greencert_desktop.excel.submission_writer import (
    Cancelled,
    Cover,
    SubmissionWriter,
    TableData,
)

FORMULA = '=HYPERLINK("http://x","y")'


def _org_row(n, code, name, notes=""):
    return [n, code, name, "海州区", "C", "3041", "小型", "正常", "", "张三", "0518-85821234",
            "+86 地址", notes, False, True, ""]


def _cert_row(n, number, code, name):
    return [n, number, code, name, "EMS", "环境管理体系认证", "中国质量认证中心", "CNCA-R-2002-001",
            "-GB/T 24001", "@scope", date(2020, 1, 2), date(2023, 1, 2), date(2026, 1, 1), "有效",
            None, date(2024, 5, 6), "\t备注", None, "", "", 1, 0, "", "有效"]


def write(path, *, orgs=None, certs=None, progress=None, cancel=None, n_orgs=None):
    orgs = orgs if orgs is not None else [
        _org_row(1, "00000000000000001X", FORMULA, notes="line1\r\nline2"),
        _org_row(2, "91371323760038087M", "-负号开头公司")]
    certs = certs if certs is not None else [
        _cert_row(1, "00216Q10097R1S", "00000000000000001X", FORMULA)]
    tables = [
        TableData(fmt.INDICATORS, [["有机产品认证证书", "张", 1, 3, 40, None, 0.075]], 1),
        TableData(fmt.TYPES, [["环境管理体系认证", 0, 1, 0, 0, 0, 0]], 1),
        TableData(fmt.ORGANISATIONS, orgs, len(orgs) if n_orgs is None else n_orgs),
        TableData(fmt.CERTIFICATES, certs, len(certs)),
        TableData(fmt.CHANGES, [], 0),
        TableData(fmt.SUBSIDIES, [[2026, "91371323760038087M", "x", "领跑者", 1234.5, "连市监〔2026〕1号",
                                   date(2026, 3, 1), ""]], 1),
        TableData(fmt.CASES, [], 0),
    ]
    cover = Cover("320706", "海州区", "2026Q3", "2026年第三季度", filler="李四", phone="0518-1",
                  filled_on=date(2026, 10, 8), generated_at="2026-10-08T09:00:00+08:00",
                  scope_note="测试", summary=[("获证组织", "2 家")])
    meta = {"format": fmt.FORMAT_KEY, "template_version": "1", "scope": "unit",
            "unit_code": "320706", "unit_name": "海州区", "period": "2026Q3",
            "generated_at": "2026-10-08T09:00:00+08:00", "app_version": "0.1.0"}
    return SubmissionWriter(progress=progress, cancel=cancel).write(
        path, cover=cover, tables=tables, meta=meta, sheet_order=fmt.SHEETS)


@pytest.fixture
def written(tmp_path):
    path = tmp_path / "out.xlsx"
    return write(path)


def test_formula_looking_text_stays_text(written):
    wb = openpyxl.load_workbook(written.path)
    cell = wb[fmt.SHEET_2]["C2"]
    assert cell.value == FORMULA and cell.data_type == "s"
    for ref in ("C3", "L2"):  # "-…", "+86 …"
        assert wb[fmt.SHEET_2][ref].data_type == "s"
    sheet3 = wb[fmt.SHEET_3]
    assert [sheet3[r].value for r in ("I2", "J2", "Q2")] == ["-GB/T 24001", "@scope", "\t备注"]
    assert all(sheet3[r].data_type == "s" for r in ("D2", "I2", "J2", "Q2"))
    with written.path.open("rb"), __import__("zipfile").ZipFile(written.path) as zf:
        xml = zf.read("xl/worksheets/sheet3.xml").decode()
    assert "<f>" not in xml and "<f " not in xml


def test_codes_survive_as_text_and_dates_are_dates(written):
    wb = openpyxl.load_workbook(written.path)
    org = wb[fmt.SHEET_2]
    assert org["B2"].value == "00000000000000001X" and org["B2"].data_type == "s"
    assert org["K2"].value == "0518-85821234" and org["K2"].data_type == "s"
    assert org["F2"].value == "3041" and org["F2"].data_type == "s"
    cert = wb[fmt.SHEET_3]
    assert cert["B2"].value == "00216Q10097R1S" and cert["B2"].data_type == "s"
    assert cert["K2"].is_date and cert["K2"].number_format == "yyyy-mm-dd"
    assert cert["O2"].value is None  # empty stays empty
    assert org["M2"].value == "line1\nline2"
    assert org["N2"].value == "否" and org["O2"].value == "是"


def test_sheet_set_up(written):
    wb = openpyxl.load_workbook(written.path)
    assert wb.sheetnames == list(fmt.SHEETS)
    assert wb[fmt.META_SHEET].sheet_state == "veryHidden"
    for name in fmt.DATA_SHEETS:
        ws = wb[name]
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:")
        assert ws.print_title_rows == "$1:$1"
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert all(c.font.b for c in ws[1] if c.value)
        assert ws.column_dimensions["B"].width >= 8
    assert wb[fmt.SHEET_1].auto_filter.ref == "A1:G2"
    assert wb[fmt.SHEET_1]["A4"].value == "类别" and wb[fmt.SHEET_1]["A4"].font.b
    assert wb[fmt.SHEET_5]["E2"].number_format == fmt.MONEY_FORMAT
    assert wb[fmt.SHEET_1]["G2"].number_format == fmt.PERCENT_FORMAT


def test_meta_and_cover(written):
    wb = openpyxl.load_workbook(written.path)
    meta = {r[0].value: r[1].value for r in wb[fmt.META_SHEET].iter_rows()}
    assert meta["format"] == "greencert-submission" and meta["template_version"] == "1"
    assert meta["rows.organisations"] == "2" and meta["rows.changes"] == "0"
    assert meta["content_sha256"] == written.content_sha256
    assert all(r[1].data_type == "s" for r in wb[fmt.META_SHEET].iter_rows())
    cover = wb[fmt.COVER_SHEET]
    texts = [c.value for row in cover.iter_rows() for c in row if c.value]
    assert fmt.TITLE in texts and "表    号：连市监绿认报1表" in texts
    assert "制表机关：连云港市市场监督管理局" in texts and "320706" in texts
    assert "2026Q3（2026年第三季度）" in texts
    assert {"单位负责人：", "审核人：", "填表人：", "联系电话：", "填报日期："} <= set(texts)
    assert "A1:H1" in {str(r) for r in cover.merged_cells.ranges}


def test_calamine_and_openpyxl_read_the_same_values(written):
    wb = openpyxl.load_workbook(written.path)
    cal = CalamineWorkbook.from_path(str(written.path))
    assert cal.sheet_names == wb.sheetnames
    for name in fmt.SHEETS[1:]:
        fast = cal.get_sheet_by_name(name).to_python(skip_empty_area=False)
        slow = [[c.value for c in row] for row in wb[name].iter_rows()]
        assert len(fast) == len(slow)
        for a, b in zip(fast, slow, strict=True):
            width = max(len(a), len(b))
            a = [fmt.canonical(v) for v in a] + [""] * (width - len(a))
            b = [fmt.canonical(v) for v in b] + [""] * (width - len(b))
            assert a == b


def test_progress_and_cancel_leave_no_file(tmp_path):
    calls = []
    many = [_org_row(i, f"{i:017d}X", f"组织{i}") for i in range(1, 4500)]
    path = tmp_path / "big.xlsx"
    write(path, orgs=many, progress=lambda d, t: calls.append((d, t)))
    assert calls and calls[-1][0] == calls[-1][1] and path.exists()
    path2 = tmp_path / "cancelled.xlsx"
    with pytest.raises(Cancelled):
        write(path2, orgs=many, cancel=lambda: True)
    assert list(tmp_path.iterdir()) == [path]


def test_failure_midway_leaves_no_file(tmp_path):
    def rows():
        yield _org_row(1, "91371323760038087M", "a")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write(tmp_path / "x.xlsx", orgs=rows(), n_orgs=2)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_opens_the_file(written, tmp_path):
    out = tmp_path / "lo"
    for target in ("pdf", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"):
        result = subprocess.run(
            ["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
             "--convert-to", target, "--outdir", str(out), str(written.path)],
            capture_output=True, text=True, timeout=180, check=False)
        assert result.returncode == 0, result.stderr
    assert (out / "out.pdf").stat().st_size > 1000
    csv = (out / "out-表3 认证证书.csv").read_text(encoding="utf-8")
    assert "00216Q10097R1S" in csv and "HYPERLINK" in csv and "2023-01-02" in csv


def test_openpyxl_writes_through_lxml():
    """lxml is a runtime dependency: without it openpyxl falls back to a slower serialiser."""
    from openpyxl.xml import LXML

    assert LXML
