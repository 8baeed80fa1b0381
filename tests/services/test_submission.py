"""County export: contents, cell rules, pre-export checks, history, progress and cancel."""

from datetime import date, timedelta

import openpyxl
import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import select, update

from greencert_desktop.domain.credit_code import make_code
from greencert_desktop.domain.errors import UserError
from greencert_desktop.domain.periods import Period
from greencert_desktop.domain.records import (
    CaseData,
    CertificateData,
    OrganisationData,
    SubsidyData,
)
from greencert_desktop.excel import submission_format as fmt
from greencert_desktop.excel.submission_writer import Cancelled
from greencert_desktop.services import (
    cases,
    certificates,
    organisations,
    submission,
    subsidies,
)
from greencert_desktop.services.verification import verify_file
from greencert_desktop.storage.models import CertBody, Organisation, Submission

TODAY = date.today()
NOW_PERIOD = Period.containing(TODAY, "quarter")
FORMULA = '=HYPERLINK("http://x","y")'
LEADING = make_code("0", "0", "320706", "00000012")


@pytest.fixture
def out(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture
def county(register):
    register.set("unit_code", "320706")
    org = organisations.create_organisation(register, OrganisationData(
        credit_code=LEADING, name=FORMULA, unit_code="320706", phone="0518-85821234",
        industry_section="C", industry_code="3041", notes="+备注\n第二行"))
    other = organisations.create_organisation(register, OrganisationData(
        credit_code=make_code("9", "1", "320706", "10000001"), name="海州甲公司",
        unit_code="320706", leader_type="龙头"))
    organisations.create_organisation(register, OrganisationData(  # no records: not exported
        credit_code=make_code("9", "1", "320706", "10000002"), name="无记录公司",
        unit_code="320706"))
    elsewhere = organisations.create_organisation(register, OrganisationData(
        credit_code=make_code("9", "1", "320722", "10000003"), name="东海公司",
        unit_code="320722"))
    body = certificates.create_body(register, "中国质量认证中心", "CNCA-R-2002-001")
    issue = TODAY - timedelta(days=400)
    cert = certificates.create_certificate(register, CertificateData(
        number="00216Q10097R1S", org_id=org, type_code="EMS", body_id=body,
        issue_date=issue, expiry_date=issue + timedelta(days=3 * 365)))
    certificates.create_certificate(register, CertificateData(
        number="GF-2025-001", org_id=other, type_code="GREEN_FACTORY", batch_year=TODAY.year,
        issuer="工业和信息化部"))
    certificates.create_certificate(register, CertificateData(
        number="E-9", org_id=elsewhere, type_code="EMS", body_id=body,
        issue_date=issue, expiry_date=issue + timedelta(days=3 * 365)))
    certificates.lifecycle(register, cert, "suspend", on=TODAY, reason="监督不合格")
    subsidies.create_subsidy(register, SubsidyData(year=TODAY.year, org_id=other,
                                                   category="领跑者", amount=__import__(
                                                       "decimal").Decimal("12345.67")))
    cases.create_case(register, CaseData(inspected_on=TODAY, org_id=org, kind="双随机抽查",
                                         certificate_id=cert, finding="-虚标"))
    return register


def test_export_writes_the_standard_file_and_records_history(county, out):
    calls = []
    result = submission.export_submission(county, out, period=NOW_PERIOD,
                                          progress=lambda d, t: calls.append((d, t)))
    assert result.path.name == f"绿色认证报送_320706_海州区_{NOW_PERIOD.code}.xlsx"
    assert result.counts["organisations"] == 2 and result.counts["certificates"] == 2
    assert result.counts["subsidies"] == 1 and result.counts["cases"] == 1
    assert calls and calls[-1][0] == calls[-1][1]
    assert [p.name for p in out.iterdir()] == [result.path.name]
    history = submission.submission_history(county)
    assert history[0]["file_name"] == result.path.name
    assert history[0]["sha256"] == result.content_sha256 and history[0]["operator"] == "测试员"
    assert history[0]["counts"]["certificates"] == 2 and history[0]["period"] == NOW_PERIOD.code
    v = verify_file(result.path, county.reference)
    assert v.ok, [p.describe() for p in v.problems]


def test_cells_keep_text_codes_and_formula_text(county, out):
    path = submission.export_submission(county, out, period=NOW_PERIOD).path
    wb = openpyxl.load_workbook(path)
    orgs = {r[1].value: r for r in wb[fmt.SHEET_2].iter_rows(min_row=2)}
    row = orgs[LEADING]
    assert LEADING.startswith("00") and row[1].data_type == "s"
    assert row[2].value == FORMULA and row[2].data_type == "s"
    assert row[10].value == "0518-85821234" and row[10].data_type == "s"
    assert "无记录公司" not in {r[2].value for r in orgs.values()}
    assert "东海公司" not in {r[2].value for r in orgs.values()}
    certs = {r[1].value: r for r in wb[fmt.SHEET_3].iter_rows(min_row=2)}
    assert certs["00216Q10097R1S"][1].data_type == "s"
    assert certs["00216Q10097R1S"][13].value == "暂停"
    assert certs["GF-2025-001"][17].value == TODAY.year  # batch year
    case = next(wb[fmt.SHEET_6].iter_rows(min_row=2))
    assert case[5].value == "-虚标" and case[5].data_type == "s"
    subsidy = next(wb[fmt.SHEET_5].iter_rows(min_row=2))
    assert subsidy[4].value == pytest.approx(12345.67)


def test_changes_sheet_comes_from_the_audit_log(county, out):
    path = submission.export_submission(county, out, period=NOW_PERIOD).path
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(fmt.SHEET_4).to_python()
    kinds = [(r[0], r[1], r[2]) for r in rows[1:]]
    assert ("新增", "组织", LEADING) in kinds
    assert ("暂停", "证书", "00216Q10097R1S") in kinds
    assert ("新增", "奖补", "") in kinds and ("新增", "监督检查", LEADING) in kinds
    assert not any(r[2] == "E-9" for r in rows[1:])  # another unit's certificate
    suspend = next(r for r in rows[1:] if r[0] == "暂停")
    assert "证书状态：有效 → 暂停" in suspend[5] and "监督不合格" in suspend[5]
    assert all(r[4] == TODAY for r in rows[1:])


def test_indicators_and_type_counts(county, out):
    path = submission.export_submission(county, out, period=NOW_PERIOD).path
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(fmt.SHEET_1).to_python(
        skip_empty_area=False)
    assert rows[0] == fmt.INDICATORS.headers
    ems = next(r for r in rows if r[0] == "环境管理体系认证证书")
    assert ems[4] == 1000
    gap = next(i for i, r in enumerate(rows) if not any(r))
    assert rows[gap + 1] == fmt.TYPES.headers
    by_type = {r[0]: r for r in rows[gap + 2:]}
    assert by_type["环境管理体系认证"][3] == 1  # 暂停
    assert by_type["绿色工厂"][2] == 1


def test_pre_export_check_lists_records_with_ids(county, out):
    with county.db.transaction() as s:
        org_id = s.scalar(select(Organisation.id).where(Organisation.name == "海州甲公司"))
        s.execute(update(Organisation).where(Organisation.id == org_id).values(
            credit_code="913207061000000XXX", size="巨型"))
    problems = submission.check_before_export(county)
    assert {(p.entity, p.record_id, p.field) for p in problems} >= {
        ("organisation", org_id, "credit_code"), ("organisation", org_id, "size")}
    with pytest.raises(submission.ExportBlocked) as info:
        submission.export_submission(county, out, period=NOW_PERIOD)
    assert info.value.problems and "未导出" in info.value.message
    assert list(out.iterdir()) == []


def test_cancel_leaves_no_file_and_no_history(county, out):
    with pytest.raises(Cancelled):
        submission.export_submission(county, out, period=NOW_PERIOD, cancel=lambda: True)
    assert list(out.iterdir()) == []
    with county.db.reading() as s:
        assert s.scalar(select(Submission.id)) is None


def test_default_period_and_future_period(county):
    assert submission.default_period(county, date(2026, 10, 8)) == Period.parse("2026Q3")
    county.set("period_type", "month")
    assert submission.default_period(county, date(2026, 1, 8)) == Period.parse("202512")
    with pytest.raises(UserError, match="尚未开始"):
        submission.parse_period(county, NOW_PERIOD.next().code)


def test_people_are_remembered(county, out):
    people = submission.People(filler="李四", phone="0518-1234567", reviewer="王五", head="赵六")
    path = submission.export_submission(county, out, period=NOW_PERIOD, people=people).path
    assert submission.remembered_people(county) == people
    texts = {c.value for row in openpyxl.load_workbook(path)[fmt.COVER_SHEET].iter_rows()
             for c in row}
    assert {"李四", "0518-1234567", "王五", "赵六"} <= texts


def test_preview_shows_what_will_be_sent(county):
    data = submission.preview(county, NOW_PERIOD)
    assert data["counts"]["certificates"] == 2 and data["counts"]["changes"] >= 5
    assert data["file_name"].startswith("绿色认证报送_320706_海州区_")
    assert any(t["name"] == "环境管理体系认证" and t["suspended"] == 1 for t in data["types"])


def test_unit_must_be_known(register, out):
    with pytest.raises(UserError, match="尚未设置"):
        submission.export_submission(register, out)
    with pytest.raises(UserError, match="不在区划列表"):
        submission.export_submission(register, out, unit="999999")


def test_out_must_be_a_folder_or_xlsx(county, out):
    with pytest.raises(UserError, match="文件夹不存在"):
        submission.export_submission(county, out / "nope", period=NOW_PERIOD)
    target = out / "mine.xlsx"
    assert submission.export_submission(county, target, period=NOW_PERIOD).path == target


def test_status_is_the_effective_status_on_the_export_date(county, out):
    org = organisations.create_organisation(county, OrganisationData(
        credit_code=make_code("9", "1", "320706", "10000009"), name="过期证书公司",
        unit_code="320706"))
    with county.db.reading() as s:
        body = s.scalar(select(CertBody.id))
    issue = TODAY - timedelta(days=3 * 365)
    certificates.create_certificate(county, CertificateData(
        number="EXP-001", org_id=org, type_code="EMS", body_id=body, issue_date=issue,
        expiry_date=TODAY - timedelta(days=1)))
    certificates.create_certificate(county, CertificateData(
        number="LAST-DAY", org_id=org, type_code="EMS", body_id=body, issue_date=issue,
        expiry_date=TODAY))
    path = submission.export_submission(county, out, period=NOW_PERIOD).path
    t3 = fmt.CERTIFICATES
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(fmt.SHEET_3).to_python()
    assert rows[0][-1] == "登记状态"
    shown = {r[t3.index("number")]: (r[t3.index("status")], r[t3.index("recorded_status")])
             for r in rows[1:]}
    assert shown["EXP-001"] == ("过期失效", "有效")  # a clerk never reads 有效 for it
    assert shown["LAST-DAY"] == ("有效", "有效")  # the expiry date is the last valid day
    assert shown["00216Q10097R1S"] == ("暂停", "暂停")
    v = verify_file(path, county.reference)
    assert v.ok, [p.describe() for p in v.problems]


def test_closed_period_counts_a_later_suspension_as_valid_everywhere(county, out):
    """表1's indicator rows and its counts by type describe the same day, the period's end:
    a certificate suspended after that day was valid then, in both, and the file verifies."""
    previous = NOW_PERIOD.previous()
    path = submission.export_submission(county, out, period=previous).path
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(fmt.SHEET_1).to_python(
        skip_empty_area=False)
    ems = next(r for r in rows if r[0] == "环境管理体系认证证书")
    gap = next(i for i, r in enumerate(rows) if not any(r))
    by_type = {r[0]: r for r in rows[gap + 2:]}
    assert ems[3] == 1  # 期末有效数: the suspended certificate, valid at the period's end
    assert by_type["环境管理体系认证"][2] == 1 and by_type["环境管理体系认证"][3] == 0
    assert verify_file(path, county.reference).ok
