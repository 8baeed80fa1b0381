"""Every write goes through a service, in one transaction with its audit row."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from greencert_desktop.domain.credit_code import make_code
from greencert_desktop.domain.errors import UserError, ValidationError
from greencert_desktop.domain.records import (
    CaseData,
    CertificateData,
    OrganisationData,
    SubsidyData,
)
from greencert_desktop.services import cases, certificates, organisations, subsidies
from greencert_desktop.storage.models import AuditEntry, Certificate, Organisation

VALID = "91371323760038087M"


def org_data(code=VALID, name="连云港绿源食品有限公司", **kw):
    return OrganisationData(credit_code=code, name=name, unit_code="320706", **kw)


def audit_rows(reg, entity=None):
    with reg.db.reading() as s:
        q = select(AuditEntry).order_by(AuditEntry.id)
        if entity:
            q = q.where(AuditEntry.entity == entity)
        return list(s.scalars(q))


def count(reg, model):
    with reg.db.reading() as s:
        return s.scalar(select(func.count()).select_from(model))


@pytest.fixture
def org_id(register):
    return organisations.create_organisation(register, org_data())


@pytest.fixture
def body_id(register):
    return certificates.create_body(register, "中国质量认证中心", "cnca-r-2002-001")


def cert_data(org_id, body_id, number="00223E31234R1M", **kw):
    values = dict(number=number, org_id=org_id, type_code="EMS", body_id=body_id,
                  issue_date=date.today() - timedelta(days=100),
                  expiry_date=date.today() + timedelta(days=900))
    values.update(kw)
    return CertificateData(**values)


def test_create_organisation_normalises_and_audits(register):
    new_id = organisations.create_organisation(
        register, org_data(code=" 9137 1323 7600 3808 7ｍ ", name="  连云港绿源食品有限公司 "))
    stored = organisations.get_organisation(register, new_id)
    assert stored.credit_code == VALID
    assert stored.name == "连云港绿源食品有限公司"
    [entry] = audit_rows(register, "organisation")
    assert (entry.action, entry.operator, entry.entity_id) == ("create", "测试员", new_id)
    assert entry.entity_key == VALID
    assert json.loads(entry.changes_json)["name"] == [None, "连云港绿源食品有限公司"]


def test_wrong_check_character_is_refused_with_the_expected_one(register):
    with pytest.raises(ValidationError) as err:
        organisations.create_organisation(register, org_data(code="91371323760038087N"))
    [issue] = err.value.for_field("credit_code")
    assert "M" in issue.message and "第18位" in issue.message
    assert count(register, Organisation) == 0
    assert audit_rows(register) == [] or all(e.entity == "setting" for e in audit_rows(register))


def test_override_accepts_a_pilot_code_and_the_audit_records_the_note(register):
    new_id = organisations.create_organisation(
        register, org_data(code="91371323760038087N", code_override_note="早期试点代码，见营业执照"))
    [entry] = audit_rows(register, "organisation")
    assert entry.entity_id == new_id
    assert "早期试点代码" in entry.note


def test_duplicate_credit_code_names_the_existing_record(register, org_id):
    with pytest.raises(organisations.DuplicateOrganisation) as err:
        organisations.create_organisation(register, org_data(name="另一家公司"))
    assert err.value.existing_id == org_id
    assert "连云港绿源食品有限公司" in err.value.message


def test_update_writes_old_and_new_values(register, org_id):
    data = organisations.get_organisation(register, org_id)
    data.contact = "王建国"
    data.phone = "13912345678"
    changes = organisations.update_organisation(register, org_id, data)
    assert changes == {"contact": ["", "王建国"], "phone": ["", "13912345678"]}
    entry = audit_rows(register, "organisation")[-1]
    assert entry.action == "update"
    assert json.loads(entry.changes_json) == changes
    # Saving again without a change writes no audit row.
    assert organisations.update_organisation(register, org_id, data) == {}
    assert len(audit_rows(register, "organisation")) == 2


def test_organisation_with_certificates_is_not_deleted_silently(register, org_id, body_id):
    certificates.create_certificate(register, cert_data(org_id, body_id))
    with pytest.raises(UserError, match="1 张证书"):
        organisations.delete_organisation(register, org_id)
    assert count(register, Organisation) == 1
    deps = organisations.delete_organisation(register, org_id, with_dependents=True)
    assert deps.certificates == 1
    assert count(register, Organisation) == 0 and count(register, Certificate) == 0
    actions = [(e.entity, e.action) for e in audit_rows(register) if e.action == "delete"]
    assert actions == [("certificate", "delete"), ("organisation", "delete")]


def test_certificate_create_and_duplicate_per_body(register, org_id, body_id):
    cert_id = certificates.create_certificate(register, cert_data(org_id, body_id))
    assert certificates.get_certificate(register, cert_id).number == "00223E31234R1M"
    with pytest.raises(ValidationError, match="已存在"):
        certificates.create_certificate(register, cert_data(org_id, body_id))
    other = certificates.create_body(register, "方圆标志认证集团有限公司", "CNCA-R-2002-002")
    certificates.create_certificate(register, cert_data(org_id, other))
    assert count(register, Certificate) == 2


def test_certificate_needs_a_body_but_a_listing_does_not(register, org_id):
    with pytest.raises(ValidationError) as err:
        certificates.create_certificate(register, cert_data(org_id, None))
    assert err.value.for_field("body_id")
    listing = CertificateData(number="GF-2024-0012", org_id=org_id, type_code="GREEN_FACTORY",
                              batch_year=2024, issuer="工业和信息化部")
    assert certificates.create_certificate(register, listing)


def test_expiry_before_issue_is_refused(register, org_id, body_id):
    bad = cert_data(org_id, body_id, issue_date=date(2024, 5, 1), expiry_date=date(2024, 4, 30))
    with pytest.raises(ValidationError) as err:
        certificates.create_certificate(register, bad)
    assert err.value.for_field("expiry_date")


def test_body_approval_number_is_normalised_and_checked(register):
    assert certificates.find_body(register, "CNCA-R-2002-001") is None
    body = certificates.create_body(register, "北京中大华远认证中心", "ｃｎｃａ－ｒ－2002－015")
    assert certificates.find_body(register, "CNCA-R-2002-015") == body
    with pytest.raises(ValidationError, match="CNCA-R"):
        certificates.create_body(register, "某认证公司", "CNCA-2002-1")


def test_lifecycle_changes_status_and_writes_history(register, org_id, body_id):
    cert_id = certificates.create_certificate(register, cert_data(org_id, body_id))
    new = certificates.lifecycle(register, cert_id, "suspend", on=date.today(),
                                 reason="未按期接受监督审核")
    assert new.value == "02"
    stored = certificates.get_certificate(register, cert_id)
    assert (stored.status, stored.status_date) == ("02", date.today())
    entry = audit_rows(register, "certificate")[-1]
    assert entry.action == "suspend" and entry.note == "未按期接受监督审核"
    assert json.loads(entry.changes_json)["status"] == ["01", "02"]
    with pytest.raises(ValidationError, match="暂停"):
        certificates.lifecycle(register, cert_id, "suspend", on=date.today(), reason="再次")
    certificates.lifecycle(register, cert_id, "reinstate", on=date.today(), reason="整改完成")
    assert certificates.get_certificate(register, cert_id).status == "01"


def test_lifecycle_needs_a_reason_and_refuses_expired(register, org_id, body_id):
    cert_id = certificates.create_certificate(register, cert_data(
        org_id, body_id, issue_date=date(2020, 1, 1), expiry_date=date(2022, 12, 31)))
    with pytest.raises(ValidationError) as err:
        certificates.lifecycle(register, cert_id, "revoke", on=date.today(), reason="")
    assert err.value.for_field("reason")
    assert err.value.for_field("status")  # stored 01 but expired: cannot be revoked


def test_surveillance_is_counted_and_audited(register, org_id, body_id):
    cert_id = certificates.create_certificate(register, cert_data(org_id, body_id))
    certificates.record_surveillance(register, cert_id, on=date.today(), note="第一次监督")
    stored = certificates.get_certificate(register, cert_id)
    assert (stored.last_surveillance_date, stored.surveillance_count) == (date.today(), 1)
    assert audit_rows(register, "certificate")[-1].action == "surveillance"


def test_subsidy_round_trip_keeps_the_amount_exact(register, org_id):
    sub_id = subsidies.create_subsidy(register, SubsidyData(
        year=date.today().year, org_id=org_id, category="引领单位", amount=Decimal("80000.50"),
        doc_number="连市监〔2026〕12号"))
    assert subsidies.get_subsidy(register, sub_id).amount == Decimal("80000.50")
    with pytest.raises(ValidationError):
        subsidies.create_subsidy(register, SubsidyData(
            year=date.today().year, org_id=org_id, category="引领单位", amount=Decimal("-1")))


def test_case_that_blacklists_updates_credit_standing_in_the_same_transaction(register, org_id):
    case_id = cases.create_case(register, CaseData(
        inspected_on=date.today(), org_id=org_id, kind="专项检查", finding="虚标绿色产品认证标志",
        action="立案查处", blacklisted=True))
    assert organisations.get_organisation(register, org_id).credit_standing == "严重违法失信名单"
    entries = [(e.entity, e.action) for e in audit_rows(register) if e.entity != "setting"]
    assert entries[-2:] == [("case", "create"), ("organisation", "update")]
    assert cases.get_case(register, case_id).finding == "虚标绿色产品认证标志"


def test_failed_write_leaves_nothing_behind(register, org_id, body_id):
    other_org = organisations.create_organisation(
        register, org_data(code=make_code("9", "1", "320706", "11112222"), name="另一家公司"))
    before = len(audit_rows(register))
    with pytest.raises(ValidationError):
        cases.create_case(register, CaseData(
            inspected_on=date.today(), org_id=org_id, kind="专项检查", blacklisted=True,
            certificate_id=certificates.create_certificate(
                register, cert_data(other_org, body_id))))
    assert organisations.get_organisation(register, org_id).credit_standing == "正常"
    assert len(audit_rows(register)) == before + 1  # only the certificate created above


def test_register_settings_are_audited_and_home_settings_persist(register, tmp_home):
    register.set("unit_code", "320706")
    assert register.get("unit_code") == "320706"
    entry = audit_rows(register, "setting")[-1]
    assert json.loads(entry.changes_json) == {"unit_code": ["", "320706"]}
    register.set("operator", "李娜")
    assert json.loads(tmp_home.settings_file.read_text(encoding="utf-8"))["operator"] == "李娜"
    with pytest.raises(UserError, match="只能是"):
        register.set("period_type", "weekly")
