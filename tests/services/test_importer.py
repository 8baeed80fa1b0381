"""Importing clerks' ledgers: a corpus of generated files with every quirk, checked row by row;
dry run, commit, re-import, duplicates, cancel and failure."""

from __future__ import annotations

import datetime as dt
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from greencert_desktop.domain.credit_code import make_code
from greencert_desktop.domain.errors import UserError
from greencert_desktop.services import importer
from greencert_desktop.services.importer import (
    DUPLICATE,
    ERROR,
    NEW,
    UNCHANGED,
    UPDATE,
    ImportCancelled,
    ValueMappings,
    analyse,
    inspect_ledger,
    parse_date,
    run_import,
)
from greencert_desktop.storage.models import AuditEntry, CertBody, Certificate, Organisation

TODAY = dt.date(2026, 11, 28)
CODE_A = make_code("9", "1", "320706", "MA1XAB12")
CODE_B = make_code("9", "1", "320706", "MA1XAB34")
CODE_C = make_code("9", "1", "320707", "MA1XAB56")
HEADER = ["序号", "企业名称", "统一社会信用代码", "认证类别", "证书编号", "发证机构",
          "颁证日期", "到期日期", "证书状态", "联系电话"]


def write_ledger(path: Path, sheets: dict[str, list[list[Any]]], *,
                 title: str | None = "海州区绿色认证企业台账",
                 merges: dict[str, list[str]] | None = None) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        if title:
            ws.append([title])
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(rows[0]))
            ws.append(["填报单位：海州区市场监督管理局", "", "", "", "", "", "", "单位：家"])
            ws.append([])
        for row in rows:
            ws.append(row)
        for merge in (merges or {}).get(name, []):
            ws.merge_cells(merge)
    wb.save(path)
    return path


def quirky_rows() -> list[list[Any]]:
    """Header on row 4 (title, merged, blank row above); one row per quirk."""
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in CODE_B)  # ９１３２…
    return [
        HEADER,
        # row 5: lower case code with spaces, a real date, 2026.05.11, catalogue short name
        [1, "连云港绿源食品有限公司", " ".join(CODE_A.lower()), "ISO14001", "00123E001",
         "中国质量认证中心", dt.date(2023, 5, 12), "2026.05.11", "有效", "0518-85821234"],
        # row 6: same organisation (merged cells B6:C6 below), 2023/5/12, 2024年5月11日,
        # empty status = derived (expired)
        [2, "", "", "有机", "ORG-001", "中绿华夏有机食品认证中心", "2023/5/12", "2024年5月11日",
         "", ""],
        # row 7: full-width code, Excel serial, 20261231 as a number, standard number 50001
        [3, "连云港海港物流有限公司", full_width, "50001", "ENMS-02", "方圆标志认证集团",
         45000, 20261231, "暂停", "13912345678"],
        # row 8: exact duplicate of row 7
        [3, "连云港海港物流有限公司", full_width, "50001", "ENMS-02", "方圆标志认证集团",
         45000, 20261231, "暂停", "13912345678"],
        # row 9: 2023-05-12 / 20230512 text, 22000, status 已过期
        [4, "连云港海港物流有限公司", CODE_B, "22000", "FS-9", "中国质量认证中心", "2023-05-12",
         "20260511", "已过期", ""],
        [],  # row 10: blank
        # row 11: wrong check character
        [5, "坏代码公司", CODE_C[:17] + ("0" if CODE_C[17] != "0" else "1"), "HACCP", "H-1",
         "中国质量认证中心", "2023-01-01", "2025-12-31", "有效", ""],
        # row 12: code that reached Excel as a number
        [6, "数字代码公司", 913207000000000000, "HACCP", "H-2", "中国质量认证中心",
         "2023-01-01", "2025-12-31", "有效", ""],
        # row 13: expiry before issue
        [7, "日期颠倒公司", CODE_C, "14001", "E-3", "中国质量认证中心", "2024-01-01",
         "2023-01-01", "有效", ""],
        # row 14: missing certificate number
        [8, "连云港赣榆精工有限公司", CODE_C, "14001", "", "中国质量认证中心", "2024-01-01",
         "2027-01-01", "", ""],
        # row 15: unknown type
        [9, "连云港赣榆精工有限公司", CODE_C, "火星认证", "M-1", "中国质量认证中心",
         "2024-01-01", "2027-01-01", "", ""],
        # row 16: unknown status
        [10, "连云港赣榆精工有限公司", CODE_C, "GAP", "G-1", "中国质量认证中心",
         "2024-01-01", "2025-01-01", "不知道", ""],
        ["合计", "", "", "", "", "", "", "", "", ""],  # row 17
        ["填表人：张三", "", "", "", "", "", "审核人：李四"],  # row 18
    ]


EXPECTED = {5: NEW, 6: NEW, 7: NEW, 8: DUPLICATE, 9: NEW, 11: ERROR, 12: ERROR, 13: ERROR,
            14: ERROR, 15: ERROR, 16: ERROR}


@pytest.fixture
def county(register):
    register.set("unit_code", "320706")
    return register


@pytest.fixture
def quirky(tmp_path):
    return write_ledger(tmp_path / "台账.xlsx", {"2024年": quirky_rows()},
                        merges={"2024年": ["B5:B6", "C5:C6"]})


def outcomes(report) -> dict[int, str]:
    return {r.row: r.outcome for r in report.rows}


def messages(report, row: int) -> list[str]:
    return [e.message for r in report.rows if r.row == row for e in r.errors]


def dump(reg) -> list[str]:
    """The database's content, for "byte-for-byte unchanged" comparisons."""
    conn = sqlite3.connect(reg.db.path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def count(reg, model) -> int:
    with reg.db.reading() as s:
        return s.scalar(select(func.count()).select_from(model))


# --------------------------------------------------------------------------- set-up


def test_header_found_under_title_and_columns_mapped(quirky):
    setup = inspect_ledger(quirky)
    sheet = setup.sheet("2024年")
    assert sheet.header_row == 4 and sheet.selected
    assert sheet.columns == {"org_name": 1, "credit_code": 2, "cert_type": 3, "number": 4,
                             "body": 5, "issue_date": 6, "expiry_date": 7, "status": 8,
                             "phone": 9}


@pytest.mark.parametrize(("headers", "expected"), [
    (["单位名称", "社会信用代码", "认证项目", "证书号", "发证机关", "获证日期", "证书到期日期",
      "状态"], ["org_name", "credit_code", "cert_type", "number", "body", "issue_date",
               "expiry_date", "status"]),
    (["组织名称", "信用代码", "认证类型", "证书编号", "认证机构", "机构批准号", "发证日期",
      "有效期至", "联系人", "联系电话", "地址", "备注"],
     ["org_name", "credit_code", "cert_type", "number", "body", "approval", "issue_date",
      "expiry_date", "contact", "phone", "address", "notes"]),
    (["企业名称\n(全称)", "统一社会信用代码*", "认证类别（项目）", " 证书编号 ", "有效期"],
     ["org_name", "credit_code", "cert_type", "number", "validity"]),
])
def test_header_synonyms(headers, expected):
    mapped = importer.map_columns(headers)
    assert [k for k, _c in sorted(mapped.items(), key=lambda kv: kv[1])] == expected


def test_sheets_without_header_and_hidden_sheets_start_unselected(tmp_path):
    path = write_ledger(tmp_path / "m.xlsx", {"A": quirky_rows()[:3], "说明": [["本表说明"]]})
    wb = load_workbook(path)
    wb.create_sheet("隐藏").append(HEADER)
    wb["隐藏"].sheet_state = "hidden"
    wb.save(path)
    setup = inspect_ledger(path)
    assert [(s.name, s.selected) for s in setup.sheets] == [("A", True), ("说明", False),
                                                             ("隐藏", False)]
    importer.choose_sheets(setup, ["隐藏"])
    assert [s.name for s in setup.selected] == ["隐藏"]
    with pytest.raises(UserError, match="没有工作表“X”"):
        importer.choose_sheets(setup, ["X"])


def test_a_missing_required_column_is_refused_before_reading(county, tmp_path):
    path = write_ledger(tmp_path / "n.xlsx", {"S": [["企业名称", "证书编号"], ["A", "1"]]})
    setup = inspect_ledger(path)
    with pytest.raises(UserError, match="统一社会信用代码"):
        analyse(county, setup)


# --------------------------------------------------------------------------- the corpus


def test_quirky_ledger_row_by_row(county, quirky):
    before = dump(county)
    report = analyse(county, inspect_ledger(quirky), today=TODAY)
    assert outcomes(report) == EXPECTED
    assert dump(county) == before  # a dry run writes nothing
    assert "第18位校验码应为" in messages(report, 11)[0]
    assert f"应为“{CODE_C[17]}”" in messages(report, 11)[0]
    assert "末尾几位已经丢失" in messages(report, 12)[0]
    assert "早于发证日期" in messages(report, 13)[0]
    assert messages(report, 14) == ["证书编号为空（必填）"]
    assert "火星认证" in messages(report, 15)[0]
    assert "不知道" in messages(report, 16)[0]
    error = next(e for e in report.errors if e.row == 11)
    assert (error.sheet, error.column, error.header) == ("2024年", "C", "统一社会信用代码")
    assert report.unknown_types == {"火星认证": 1}
    assert report.unknown_statuses == {"不知道": 1}
    assert any("跳过 3 行" in n for n in report.notes)  # blank, total, footer
    assert report.as_dict()["created"] == 4
    assert report.as_dict()["duplicates"] == 1
    assert report.as_dict()["skipped"] == 6


def test_errors_block_the_commit_unless_skipped(county, quirky):
    before = dump(county)
    report = run_import(county, inspect_ledger(quirky), today=TODAY)
    assert not report.written and report.backup is None
    assert dump(county) == before
    report = run_import(county, inspect_ledger(quirky), skip_errors=True, today=TODAY)
    assert report.written and report.backup and Path(report.backup).exists()
    assert count(county, Organisation) == 2
    assert count(county, Certificate) == 4
    assert count(county, CertBody) == 3  # bodies named only by rows in error are not created
    with county.db.reading() as s:
        orgs = {o.credit_code: o for o in s.scalars(select(Organisation))}
        certs = {c.number: c for c in s.scalars(select(Certificate))}
    assert set(orgs) == {CODE_A, CODE_B}
    assert orgs[CODE_A].name == "连云港绿源食品有限公司" and orgs[CODE_A].unit_code == "320706"
    assert orgs[CODE_B].phone == "13912345678"
    assert certs["00123E001"].type_code == "EMS"
    assert certs["00123E001"].issue_date == dt.date(2023, 5, 12)
    assert certs["00123E001"].expiry_date == dt.date(2026, 5, 11)
    assert certs["00123E001"].status == "01"
    assert certs["ORG-001"].type_code == "ORGANIC" and certs["ORG-001"].org_id == orgs[CODE_A].id
    assert certs["ORG-001"].status == "05"  # empty status, expiry passed
    assert certs["ENMS-02"].issue_date == dt.date(2023, 3, 15)  # serial 45000
    assert certs["ENMS-02"].expiry_date == dt.date(2026, 12, 31)
    assert certs["ENMS-02"].status == "02"
    assert certs["FS-9"].type_code == "ISO22000" and certs["FS-9"].status == "05"
    with county.db.reading() as s:
        notes = list(s.scalars(select(AuditEntry.note).where(AuditEntry.entity == "certificate")))
    assert len(notes) == 4 and all("台账.xlsx" in n and "工作表“2024年”第" in n for n in notes)


def test_reimporting_the_same_file_reports_every_row_unchanged(county, quirky):
    setup = inspect_ledger(quirky)
    run_import(county, setup, skip_errors=True, today=TODAY)
    audits = count(county, AuditEntry)
    before = dump(county)
    again = run_import(county, inspect_ledger(quirky), skip_errors=True, today=TODAY)
    good = {row: o for row, o in outcomes(again).items() if o != ERROR}
    assert good == {5: UNCHANGED, 6: UNCHANGED, 7: UNCHANGED, 8: DUPLICATE, 9: UNCHANGED}
    assert count(county, AuditEntry) == audits
    assert [line for line in dump(county) if "audit_log" not in line] == \
        [line for line in before if "audit_log" not in line]


def test_changed_values_update_and_empty_cells_erase_nothing(county, tmp_path):
    first = write_ledger(tmp_path / "a.xlsx", {"S": quirky_rows()[:2]})
    run_import(county, inspect_ledger(first), today=TODAY)
    rows = quirky_rows()[:2]
    rows[1][9] = ""  # phone left empty: kept
    rows[1][7] = "2026-06-30"
    rows[1][8] = "暂停"
    second = write_ledger(tmp_path / "b.xlsx", {"S": rows})
    report = run_import(county, inspect_ledger(second), today=TODAY)
    assert outcomes(report) == {5: UPDATE}
    assert "有效期至" in report.rows[0].detail and "证书状态" in report.rows[0].detail
    with county.db.reading() as s:
        cert = s.scalar(select(Certificate))
        org = s.scalar(select(Organisation))
        entry = s.scalars(select(AuditEntry).where(AuditEntry.entity == "certificate")
                          .order_by(AuditEntry.id.desc())).first()
    assert cert.expiry_date == dt.date(2026, 6, 30) and cert.status == "02"
    assert org.phone == "0518-85821234"
    assert entry.action == "update" and "2026-05-11" in entry.changes_json


def test_same_certificate_twice_with_different_content_is_an_error(county, tmp_path):
    rows = quirky_rows()[:2]
    other = list(rows[1])
    other[7] = "2027-01-01"
    path = write_ledger(tmp_path / "d.xlsx", {"S": [*rows, other]})
    report = analyse(county, inspect_ledger(path), today=TODAY)
    assert outcomes(report) == {5: NEW, 6: ERROR}
    assert "第5行已出现" in messages(report, 6)[0]


def test_certificate_of_another_organisation_is_an_error(county, tmp_path):
    rows = quirky_rows()[:2]
    run_import(county, inspect_ledger(write_ledger(tmp_path / "a.xlsx", {"S": rows})),
               today=TODAY)
    moved = list(rows[1])
    moved[1], moved[2] = "连云港海港物流有限公司", CODE_B
    report = analyse(county, inspect_ledger(write_ledger(tmp_path / "b.xlsx",
                                                         {"S": [rows[0], moved]})), today=TODAY)
    assert "已登记在“连云港绿源食品有限公司”" in messages(report, 5)[0]


def test_duplicates_across_sheets_are_reported_once(county, tmp_path):
    rows = quirky_rows()[:2]
    path = write_ledger(tmp_path / "s.xlsx", {"一": rows, "二": rows})
    report = analyse(county, inspect_ledger(path), today=TODAY)
    assert [(r.sheet, r.outcome) for r in report.rows] == [("一", NEW), ("二", DUPLICATE)]


# --------------------------------------------------------------------------- mappings


def test_unknown_values_mapped_by_the_user_are_remembered(county, quirky):
    setup = inspect_ledger(quirky)
    mappings = ValueMappings()
    mappings.set("types", "火星认证", "EMS")
    mappings.set("statuses", "不知道", "02")
    report = analyse(county, setup, mappings, today=TODAY)
    assert outcomes(report)[15] == NEW and outcomes(report)[16] == NEW
    run_import(county, setup, mappings, skip_errors=True, today=TODAY)
    assert importer.load_mappings(county).types == {"火星认证": "EMS"}
    # next time, without saying it again
    again = analyse(county, inspect_ledger(quirky), today=TODAY)
    assert outcomes(again)[15] == UNCHANGED and outcomes(again)[16] == UNCHANGED


def test_a_body_mapped_to_a_known_one_is_not_created(county, tmp_path):
    from greencert_desktop.services.certificates import create_body

    cqc = create_body(county, "中国质量认证中心", "CNCA-R-2002-001")
    rows = quirky_rows()[:2]
    rows[1][5] = "CQC"
    mappings = ValueMappings()
    mappings.set("bodies", "CQC", cqc)
    path = write_ledger(tmp_path / "b.xlsx", {"S": rows})
    report = analyse(county, inspect_ledger(path), today=TODAY)
    assert report.new_bodies == {"CQC": 1}
    run_import(county, inspect_ledger(path), mappings, today=TODAY)
    assert count(county, CertBody) == 1
    with county.db.reading() as s:
        assert s.scalar(select(Certificate.body_id)) == cqc


def test_mappings_are_not_saved_by_a_dry_run_or_a_blocked_import(county, quirky):
    mappings = ValueMappings()
    mappings.set("types", "火星认证", "EMS")
    analyse(county, inspect_ledger(quirky), mappings, today=TODAY)
    run_import(county, inspect_ledger(quirky), mappings, today=TODAY)  # blocked by errors
    assert importer.load_mappings(county).types == {}


# --------------------------------------------------------------------------- other shapes


def test_listing_and_validity_range_and_city_register(register, tmp_path):
    register.set("unit_code", "320700")
    path = write_ledger(tmp_path / "l.xlsx", {"S": [
        ["企业名称", "统一社会信用代码", "认证类型", "证书编号", "发证单位", "有效期", "批次"],
        ["赣榆食品", CODE_C, "绿色食品", "LB-1", "中国绿色食品发展中心",
         "2023年5月12日至2026年5月11日", "2023年"],
        ["赣榆食品", CODE_C, "环境体系", "E-9", "中国质量认证中心",
         "2023.05.12-2026.05.11", ""],
    ]}, title=None)
    report = run_import(register, inspect_ledger(path), today=TODAY)
    assert report.written, report.errors
    with register.db.reading() as s:
        org = s.scalar(select(Organisation))
        certs = {c.number: c for c in s.scalars(select(Certificate))}
    assert org.unit_code == "320707"  # from the code's division, on the city's register
    assert certs["LB-1"].body_id is None and certs["LB-1"].batch_year == 2023
    assert certs["LB-1"].issuer == "中国绿色食品发展中心"
    assert certs["E-9"].issue_date == dt.date(2023, 5, 12)
    assert certs["E-9"].expiry_date == dt.date(2026, 5, 11)


def test_organisations_only_ledger(county, tmp_path):
    path = write_ledger(tmp_path / "o.xlsx", {"S": [
        ["单位名称", "统一社会信用代码", "联系人", "联系电话", "地址"],
        ["绿源", CODE_A, "王五", "85821234/13912345678", "海州区"],
    ]})
    report = run_import(county, inspect_ledger(path), today=TODAY)
    assert outcomes(report) == {5: NEW}
    with county.db.reading() as s:
        assert s.scalar(select(Organisation.phone)) == "85821234 13912345678"


def test_xls_and_ods_fixtures_import_the_same(county):
    fixtures = Path(__file__).resolve().parents[1] / "fixtures"
    first = run_import(county, inspect_ledger(fixtures / "ledger_small.xls"), today=TODAY)
    assert outcomes(first) == {3: NEW, 4: NEW}
    second = analyse(county, inspect_ledger(fixtures / "ledger_small.ods"), today=TODAY)
    assert outcomes(second) == {3: UNCHANGED, 4: UNCHANGED}


# --------------------------------------------------------------------------- cancel, failure


def test_cancel_at_any_point_leaves_the_register_as_it_was(county, quirky):
    before = dump(county)
    calls = {"n": 0}

    def cancel_at(n: int):
        def cancel() -> bool:
            calls["n"] += 1
            return calls["n"] >= n
        return cancel

    for n in range(1, 8):  # before reading, after checking, between every kind of write
        calls["n"] = 0
        with pytest.raises(ImportCancelled):
            run_import(county, inspect_ledger(quirky), skip_errors=True, today=TODAY,
                       cancel=cancel_at(n))
        assert dump(county) == before


def test_a_failure_while_writing_rolls_everything_back(county, quirky, monkeypatch):
    before = dump(county)

    def broken(*_a, **_k):
        raise OSError("disk full")

    monkeypatch.setattr(importer, "_save_mappings", broken)
    with pytest.raises(OSError):
        run_import(county, inspect_ledger(quirky), skip_errors=True, today=TODAY)
    assert dump(county) == before


def test_error_report_workbook(county, quirky, tmp_path):
    report = analyse(county, inspect_ledger(quirky), today=TODAY)
    out = importer.write_error_report(county, report, tmp_path / "errors.xlsx")
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0] == ("工作表", "行号", "列", "列标题", "错误原因")
    assert len(rows) == 1 + len(report.errors)
    assert rows[1][:4] == ("2024年", 11, "C", "统一社会信用代码")


# --------------------------------------------------------------------------- values


@pytest.mark.parametrize(("value", "expected"), [
    (dt.date(2023, 5, 12), dt.date(2023, 5, 12)),
    (dt.datetime(2023, 5, 12, 0, 0), dt.date(2023, 5, 12)),
    (45058, dt.date(2023, 5, 12)),
    (45058.0, dt.date(2023, 5, 12)),
    ("2023.05.12", dt.date(2023, 5, 12)),
    ("2023/5/12", dt.date(2023, 5, 12)),
    ("2023-05-12", dt.date(2023, 5, 12)),
    ("2023年5月12日", dt.date(2023, 5, 12)),
    ("2023 年 5 月 12 日", dt.date(2023, 5, 12)),
    ("20230512", dt.date(2023, 5, 12)),
    (20230512, dt.date(2023, 5, 12)),
    ("２０２３．０５．１２", dt.date(2023, 5, 12)),
    ("2023-05-12 00:00:00", dt.date(2023, 5, 12)),
    ("", None),
])
def test_dates_as_clerks_type_them(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["2023-02-30", "明年", "2023.13.01", "12/05/2023"])
def test_bad_dates(value):
    with pytest.raises(importer.ValueProblem):
        parse_date(value)


@settings(max_examples=60, deadline=None)
@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2099, 12, 31)),
       st.sampled_from(["{y}.{m:02d}.{d:02d}", "{y}/{m}/{d}", "{y}-{m:02d}-{d:02d}",
                        "{y}年{m}月{d}日", "{y}{m:02d}{d:02d}", "serial", "date"]))
def test_any_date_in_any_format(day, fmt):
    if fmt == "serial":
        value: Any = (day - dt.date(1899, 12, 30)).days
    elif fmt == "date":
        value = day
    else:
        value = fmt.format(y=day.year, m=day.month, d=day.day)
    assert parse_date(value) == day


_code_bodies = st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=8, max_size=8)


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=_code_bodies, spaces=st.booleans(), lower=st.booleans(), wide=st.booleans(),
       date_format=st.sampled_from(["{y}.{m:02d}.{d:02d}", "{y}/{m}/{d}", "{y}年{m}月{d}日",
                                    "{y}{m:02d}{d:02d}"]),
       type_text=st.sampled_from(["14001", "ISO 14001:2015", "环境管理体系", "环境管理体系认证",
                                  "EMS", "GB/T 24001-2016"]),
       status=st.sampled_from(["", "有效", "正常", "01", "1"]))
def test_generated_variations_import_the_same_record(county, body, spaces, lower, wide,
                                                     date_format, type_text, status):
    code = make_code("9", "1", "320706", body)
    shown = code.lower() if lower else code
    if wide:
        shown = "".join(chr(ord(c) + 0xFEE0) for c in shown)
    if spaces:
        shown = " ".join(shown)
    issue = date_format.format(y=2024, m=3, d=7)
    with tempfile.TemporaryDirectory() as folder:
        path = write_ledger(Path(folder) / "v.xlsx", {"S": [
            HEADER, [1, "变体公司", shown, type_text, f"V-{body}", "中国质量认证中心", issue,
                     "2027-03-06", status, ""]]})
        report = analyse(county, inspect_ledger(path), today=TODAY)
    assert [r.outcome for r in report.rows] == [NEW], report.errors
    assert report.rows[0].credit_code == code
    assert report.rows[0].cert_type == "环境管理体系认证"
