"""History from the audit log, and the organisation detail, as plain data."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from greencert_desktop.domain.records import (
    CaseData,
    CertificateData,
    OrganisationData,
    SubsidyData,
)
from greencert_desktop.services import cases, certificates, organisations, subsidies
from greencert_desktop.services.detail import organisation_detail
from greencert_desktop.services.history import history, org_history

VALID = "91371323760038087M"
OTHER = "91330000755918469E"


@dataclass
class Populated:
    org_id: int
    other_org_id: int
    body_id: int
    cert_id: int
    expired_id: int
    listing_id: int
    subsidy_id: int
    case_id: int


def org_data(code: str = VALID, name: str = "连云港绿源食品有限公司", **kw) -> OrganisationData:
    return OrganisationData(credit_code=code, name=name, unit_code="320706", **kw)


def populate(reg) -> Populated:
    """One organisation with a certificate, an expired certificate, a listing, a subsidy and
    a case; and a second organisation with nothing."""
    today = date.today()
    org_id = organisations.create_organisation(
        reg, org_data(address="海州区朝阳东路1号", contact="王经理", phone="0518-85551234"))
    other = organisations.create_organisation(reg, org_data(OTHER, "江苏另一家有限公司"))
    body_id = certificates.create_body(reg, "中国质量认证中心", "CNCA-R-2002-001")
    cert_id = certificates.create_certificate(reg, CertificateData(
        number="00223E31234R1M", org_id=org_id, type_code="EMS", body_id=body_id,
        issue_date=today - timedelta(days=100), expiry_date=today + timedelta(days=900),
        scope="食品生产及相关管理活动"))
    expired_id = certificates.create_certificate(reg, CertificateData(
        number="00220Q10001R0S", org_id=org_id, type_code="ENMS", body_id=body_id,
        issue_date=today - timedelta(days=1200), expiry_date=today - timedelta(days=10)))
    listing_id = certificates.create_certificate(reg, CertificateData(
        number="LB-2024-0001", org_id=org_id, type_code="GREEN_FOOD", batch_year=today.year,
        issuer="中国绿色食品发展中心"))
    subsidy_id = subsidies.create_subsidy(reg, SubsidyData(
        year=today.year, org_id=org_id, category="引领单位", amount=Decimal("50000"),
        doc_number="连市监〔2025〕12号"))
    case_id = cases.create_case(reg, CaseData(
        inspected_on=today - timedelta(days=5), org_id=org_id, kind="双随机抽查",
        certificate_id=cert_id, finding="未发现问题"))
    return Populated(org_id, other, body_id, cert_id, expired_id, listing_id, subsidy_id,
                     case_id)


def test_history_lists_field_changes_with_chinese_labels(register) -> None:
    org_id = organisations.create_organisation(register, org_data(phone="0518-85551111"))
    before = organisations.get_organisation(register, org_id)
    organisations.update_organisation(register, org_id, replace(
        before, name="连云港绿源食品股份有限公司", phone="0518-85552222", high_tech=True))

    rows = history(register, "organisation", org_id)
    assert [r.action_label for r in rows] == ["修改", "新增"]  # newest first
    update = rows[0]
    assert update.operator == "测试员"
    assert update.action == "update"
    assert update.entity_label == "获证组织"
    assert set(update.field_changes) == {
        ("组织名称", "连云港绿源食品有限公司", "连云港绿源食品股份有限公司"),
        ("联系电话", "0518-85551111", "0518-85552222"),
        ("高新技术企业", "否", "是"),
    }
    created = dict((label, new) for label, _old, new in rows[1].field_changes)
    assert created["统一社会信用代码"] == VALID
    assert created["所属区划"] == "320706 海州区"
    # local time, close to now
    assert abs(update.at - datetime.now()) < timedelta(minutes=5)


def test_history_of_a_certificate_lifecycle_and_surveillance(register) -> None:
    p = populate(register)
    certificates.record_surveillance(register, p.cert_id, on=date.today(), note="年度监督")
    certificates.lifecycle(register, p.cert_id, "suspend", on=date.today(), reason="未按期监督")
    rows = history(register, "certificate", p.cert_id)
    assert [r.action_label for r in rows] == ["暂停", "监督审核", "新增"]
    assert ("证书状态", "01 有效", "02 暂停") in rows[0].field_changes
    assert rows[0].note == "未按期监督"
    assert ("监督审核次数", "0", "1") in rows[1].field_changes
    created = {label: new for label, _old, new in rows[2].field_changes}
    assert created["认证类别"] == "环境管理体系认证"
    assert created["认证机构"] == "中国质量认证中心"
    assert created["获证组织"] == "连云港绿源食品有限公司"


def test_subsidy_amount_is_shown_in_yuan(register) -> None:
    p = populate(register)
    [row] = history(register, "subsidy", p.subsidy_id)
    assert ("金额（元）", "", "50,000.00") in row.field_changes


def test_org_history_includes_its_records_even_deleted_ones(register) -> None:
    p = populate(register)
    subsidies.delete_subsidy(register, p.subsidy_id)
    rows = org_history(register, p.org_id)
    entities = [(r.entity, r.action) for r in rows]
    assert entities[0] == ("subsidy", "delete")
    assert ("organisation", "create") in entities
    assert entities.count(("certificate", "create")) == 3
    assert ("case", "create") in entities
    assert ("subsidy", "create") in entities
    assert all(r.entity_id != p.other_org_id or r.entity != "organisation" for r in rows)
    assert [(r.entity, r.action) for r in org_history(register, p.other_org_id)] == [
        ("organisation", "create")]


def test_setting_history(register) -> None:
    register.set("period_type", "month")
    [row] = history(register, "setting", None)
    assert row.field_changes == [("报送周期", "季度", "月度")]


def test_organisation_detail_has_everything_attached(register) -> None:
    p = populate(register)
    detail = organisation_detail(register, p.org_id)
    assert detail.name == "连云港绿源食品有限公司"
    assert detail.unit_name == "海州区"
    assert detail.contact == "王经理"
    assert [c.number for c in detail.certificates] == ["00223E31234R1M", "00220Q10001R0S"]
    assert [c.status_label for c in detail.certificates] == ["有效", "过期失效"]
    assert detail.certificates[0].body_name == "中国质量认证中心"
    assert detail.certificates[0].type_name == "环境管理体系认证"
    [listing] = detail.listings
    assert (listing.number, listing.type_name, listing.body_name) == (
        "LB-2024-0001", "绿色食品", "中国绿色食品发展中心")
    [subsidy] = detail.subsidies
    assert subsidy.amount == Decimal("50000")
    [case] = detail.cases
    assert (case.kind, case.certificate_number) == ("双随机抽查", "00223E31234R1M")
    empty = organisation_detail(register, p.other_org_id)
    assert (empty.certificates, empty.listings, empty.subsidies, empty.cases) == ([], [], [], [])
