"""Look-ups for the record forms: bounded organisation search, bodies, grouped catalogue."""

from __future__ import annotations

from datetime import date

from greencert_desktop.domain.credit_code import make_code
from greencert_desktop.domain.records import CertificateData, OrganisationData
from greencert_desktop.domain.status import CertStatus
from greencert_desktop.services import certificates, lookups, organisations


def _org(reg, n: int, name: str) -> int:
    code = make_code("9", "1", "320706", f"{n:08d}")
    return organisations.create_organisation(reg, OrganisationData(code, name, "320706"))


def test_search_by_name_or_code_with_a_limit(register) -> None:
    ids = [_org(register, i, f"连云港绿色{i:02d}有限公司") for i in range(25)]
    other = _org(register, 99, "海州100%_食品厂")
    found = lookups.search_organisations(register, "绿色")
    assert len(found) == lookups.SEARCH_LIMIT
    assert found[0].name == "连云港绿色00有限公司"
    code = organisations.get_organisation(register, ids[3]).credit_code
    assert lookups.search_organisations(register, code.lower())[0].id == ids[3]
    assert len(lookups.search_organisations(register, code[:10], limit=3)) == 3
    assert [c.id for c in lookups.search_organisations(register, "100%_")] == [other]
    assert lookups.search_organisations(register, "  ") == []
    assert lookups.organisation_by_code(register, f" {code} ").id == ids[3]
    assert lookups.organisation(register, 12345) is None


def test_catalogue_grouped_by_policy_section(register) -> None:
    groups = lookups.catalogue_by_section(register)
    sections = [g.section for g in groups]
    assert sections[:3] == ["三", "五", "六"]
    assert sections[-1] == "十一"
    five = groups[1]
    assert five.label == "五、绿色农业"
    assert [t.code for t in five.types][:2] == ["ORGANIC", "GAP"]
    assert sum(len(g.types) for g in groups) == len(register.reference.catalogue)
    ems = next(t for g in groups for t in g.types if t.code == "EMS")
    assert (ems.kind, ems.validity_years) == ("certificate", 3) and "24001" in ems.basis


def test_bodies_certificates_and_summary(register) -> None:
    org = _org(register, 1, "甲公司")
    body = certificates.create_body(register, "中国质量认证中心", "CNCA-R-2002-001")
    assert [(b.id, b.label) for b in lookups.body_choices(register)] == [
        (body, "中国质量认证中心（CNCA-R-2002-001）")]
    cert = certificates.create_certificate(register, CertificateData(
        "00216Q10097R1S", org, "EMS", body_id=body, issue_date=date(2020, 1, 1),
        expiry_date=date(2022, 12, 31)))
    assert [c.number for c in lookups.certificates_of(register, org)] == ["00216Q10097R1S"]
    assert lookups.certificates_of(register, None) == []
    summary = lookups.certificate_summary(register, cert)
    assert summary.status is CertStatus.VALID and summary.effective is CertStatus.EXPIRED
    assert (summary.org_name, summary.type_name) == ("甲公司", "环境管理体系认证")
