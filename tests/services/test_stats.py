from datetime import date

import pytest

from greencert_desktop.domain.credit_code import make_code
from greencert_desktop.domain.errors import UserError
from greencert_desktop.domain.periods import Period
from greencert_desktop.domain.records import CertificateData, OrganisationData
from greencert_desktop.services import certificates, organisations
from greencert_desktop.services.stats import statistics

TODAY = date(2026, 11, 28)


@pytest.fixture
def small_register(register):
    """Two units; EMS certificates in every state, plus one organic and one leader."""
    hz = organisations.create_organisation(register, OrganisationData(
        credit_code=make_code("9", "1", "320706", "10000001"), name="海州甲公司",
        unit_code="320706", leader_type="龙头"))
    dh = organisations.create_organisation(register, OrganisationData(
        credit_code=make_code("9", "1", "320722", "10000002"), name="东海乙公司",
        unit_code="320722"))
    body = certificates.create_body(register, "中国质量认证中心", "CNCA-R-2002-001")

    def cert(org, number, type_code="EMS", issue=date(2024, 3, 1), expiry=date(2027, 2, 28)):
        return certificates.create_certificate(register, CertificateData(
            number=number, org_id=org, type_code=type_code, body_id=body,
            issue_date=issue, expiry_date=expiry))

    cert(hz, "E-1")                                               # valid
    cert(hz, "E-2", expiry=date(2025, 2, 28))                     # stored 01, expired
    suspended = cert(hz, "E-3")
    certificates.lifecycle(register, suspended, "suspend", on=date(2026, 6, 1), reason="监督不合格")
    cert(dh, "E-4", issue=date(2026, 8, 1), expiry=date(2029, 7, 31))  # new in 2026Q3
    cert(dh, "O-1", type_code="ORGANIC", issue=date(2026, 1, 1), expiry=date(2026, 12, 31))
    return register


def test_counts_by_status_derive_expiry(small_register):
    data = statistics(small_register, today=TODAY)
    by_status = {k: v["count"] for k, v in data["by_status"].items()}
    assert by_status == {"01": 3, "02": 1, "03": 0, "04": 0, "05": 1}
    assert data["totals"]["valid"] == 3
    assert data["totals"]["certified_organisations"] == 2


def test_indicator_progress_counts_valid_certificates_of_its_types(small_register):
    data = statistics(small_register, today=TODAY)
    ind = {i["code"]: i for i in data["indicators"]}
    assert ind["ems"]["count"] == 2 and ind["ems"]["target"] == 1000
    assert ind["ems"]["ratio"] == pytest.approx(0.002)
    assert ind["organic"]["count"] == 1
    assert ind["leaders_leading"]["count"] == 1
    assert ind["green_agri_share"]["count"] is None  # denominator not in the register


def test_period_end_counts_a_later_suspension_as_still_valid(small_register):
    q1 = statistics(small_register, period=Period.parse("2026Q1"), today=TODAY)
    ind = {i["code"]: i for i in q1["indicators"]}
    assert ind["ems"]["count"] == 2  # E-1 and E-3 (suspended only in June); E-4 not yet issued
    q3 = statistics(small_register, period=Period.parse("2026Q3"), today=TODAY)
    assert q3["totals"]["new_in_period"] == 1
    assert {t["code"]: t["new"] for t in q3["by_type"]}["EMS"] == 1


def test_unit_filter_and_by_unit(small_register):
    hz = statistics(small_register, unit="320706", today=TODAY)
    assert hz["unit"] == {"code": "320706", "name": "海州区"}
    assert hz["totals"]["certificates"] == 3 and hz["by_unit"] == []
    city = statistics(small_register, today=TODAY)
    rows = {u["code"]: u for u in city["by_unit"]}
    assert rows["320706"]["valid"] == 1 and rows["320722"]["valid"] == 2
    assert rows["320703"]["certificates"] == 0
    with pytest.raises(UserError, match="不在区划列表"):
        statistics(small_register, unit="999999")


def test_period_end_status_counts_agree_with_the_valid_total(small_register):
    """By status, by type and the valid total all describe the period's last day."""
    q1 = statistics(small_register, period=Period.parse("2026Q1"), today=TODAY)
    by_status = {k: v["count"] for k, v in q1["by_status"].items()}
    assert by_status == {"01": 3, "02": 0, "03": 0, "04": 0, "05": 1}
    assert q1["totals"]["valid"] == by_status["01"]
    ems = next(t for t in q1["by_type"] if t["code"] == "EMS")
    assert ems["valid"] == 2 and ems["by_status"]["02"] == 0
