from datetime import date, timedelta

import pytest

from greencert_desktop.domain.credit_code import make_code
from greencert_desktop.domain.records import CertificateData, OrganisationData
from greencert_desktop.services import certificates, organisations
from greencert_desktop.services.lists import CertificateList, ListQuery, OrganisationList

TODAY = date.today()


@pytest.fixture
def reg(register):
    a = organisations.create_organisation(register, OrganisationData(
        credit_code=make_code("9", "1", "320706", "20000001"), name="连云港海泰化工有限公司",
        unit_code="320706", industry_section="C", industry_code="2614"))
    b = organisations.create_organisation(register, OrganisationData(
        credit_code=make_code("9", "3", "320722", "20000002"), name="东海县绿野果蔬专业合作社",
        unit_code="320722", industry_section="A", industry_code="0151"))
    organisations.create_organisation(register, OrganisationData(
        credit_code=make_code("9", "1", "320723", "20000003"), name="灌云县无证书公司",
        unit_code="320723"))
    body = certificates.create_body(register, "中国质量认证中心", "CNCA-R-2002-001")

    def cert(org, number, type_code="EMS", issue=TODAY - timedelta(days=400), **kw):
        expiry = kw.pop("expiry", issue + timedelta(days=3 * 365))
        return certificates.create_certificate(register, CertificateData(
            number=number, org_id=org, type_code=type_code, body_id=body, issue_date=issue,
            expiry_date=expiry, **kw))

    cert(a, "A-EMS-1")                                                    # overdue surveillance
    cert(a, "A-EMS-2", last_surveillance_date=TODAY - timedelta(days=30))
    cert(a, "A-OLD", issue=TODAY - timedelta(days=2000), expiry=TODAY - timedelta(days=900))
    cert(b, "B-ORG-1", type_code="ORGANIC", issue=TODAY - timedelta(days=300),
         expiry=TODAY + timedelta(days=30))
    return register


def numbers(reg, **filters):
    text = filters.pop("text", "")
    rows = CertificateList().fetch(reg, ListQuery(text=text, filters=filters, sort="number"), 0, 100)
    return [r["number"] for r in rows]


def test_certificate_filters(reg):
    assert numbers(reg) == ["A-EMS-1", "A-EMS-2", "A-OLD", "B-ORG-1"]
    assert numbers(reg, text="海泰") == ["A-EMS-1", "A-EMS-2", "A-OLD"]
    assert numbers(reg, text="b-org") == ["B-ORG-1"]
    assert numbers(reg, type_code="ORGANIC") == ["B-ORG-1"]
    assert numbers(reg, type_group="绿色农业") == ["B-ORG-1"]
    assert numbers(reg, status="05") == ["A-OLD"]
    assert numbers(reg, unit_code="320722") == ["B-ORG-1"]
    assert numbers(reg, expiring_within=90) == ["B-ORG-1"]
    assert numbers(reg, surveillance_overdue=True) == ["A-EMS-1"]


def test_certificate_count_sort_and_paging(reg):
    source = CertificateList()
    q = ListQuery(sort="expiry_date", descending=True)
    assert source.count(reg, q) == 4
    first = source.fetch(reg, q, 0, 2)
    second = source.fetch(reg, q, 2, 2)
    # Equal expiry dates keep a stable order by id, so pages never repeat or skip a row.
    assert [r["number"] for r in first + second] == ["A-EMS-1", "A-EMS-2", "B-ORG-1", "A-OLD"]
    assert first[0]["status"] == "01" and second[-1]["status"] == "05"


def test_organisation_filters(reg):
    def names(**filters):
        rows = OrganisationList().fetch(reg, ListQuery(filters=filters, sort="name"), 0, 50)
        return {r["name"] for r in rows}

    assert names(unit_code="320706") == {"连云港海泰化工有限公司"}
    assert names(industry_section="A") == {"东海县绿野果蔬专业合作社"}
    assert names(has_valid_certificates=False) == {"灌云县无证书公司"}
    rows = OrganisationList().fetch(reg, ListQuery(text="海泰"), 0, 10)
    assert rows[0]["valid_certificates"] == 2


def test_like_wildcards_in_search_text_are_literal(reg):
    assert numbers(reg, text="%") == []
    assert numbers(reg, text="_") == []


def test_count_matches_fetch_for_every_filter(reg):
    source = CertificateList()
    for filters in ({}, {"status": "01"}, {"type_group": "绿色农业"}, {"unit_code": "320706"},
                    {"expiring_within": 90}, {"surveillance_overdue": True}):
        for text in ("", "海泰", "A-EMS", "9132"):
            q = ListQuery(text=text, filters=filters)
            assert source.count(reg, q) == len(source.fetch(reg, q, 0, 100)), (text, filters)
            assert sorted(source.ids(reg, q)) == sorted(r["id"] for r in
                                                         source.fetch(reg, q, 0, 100))


def test_paging_with_a_joined_sort_key(reg):
    source = CertificateList()
    q = ListQuery(sort="org_name", descending=True)
    rows = source.fetch(reg, q, 0, 2) + source.fetch(reg, q, 2, 2)
    assert [r["org_name"] for r in rows] == sorted((r["org_name"] for r in rows), reverse=True)
    assert len({r["id"] for r in rows}) == 4


def test_first_page_is_count_and_fetch_together(reg):
    source = CertificateList()
    for q in (ListQuery(), ListQuery(text="海泰", sort="expiry_date"),
              ListQuery(filters={"status": "01"}, sort="org_name"),
              ListQuery(text="nothing like this")):
        total, rows = source.first_page(reg, q, 2)
        assert total == source.count(reg, q)
        assert rows == source.fetch(reg, q, 0, 2)
