from dataclasses import replace
from datetime import date

import pytest

from greencert_desktop.domain.errors import Issue
from greencert_desktop.domain.records import CertificateData
from greencert_desktop.domain.validation import default_expiry, validate_certificate

TODAY = date(2026, 5, 20)


def cert(**changes: object) -> CertificateData:
    data = CertificateData(
        number="00216Q10097R1S",
        org_id=1,
        type_code="EMS",
        body_id=3,
        issue_date=date(2024, 6, 1),
        expiry_date=date(2027, 5, 31),
        first_issue_date=date(2018, 6, 1),
        last_surveillance_date=date(2025, 5, 10),
        surveillance_count=1,
    )
    return replace(data, **changes)


def listing(**changes: object) -> CertificateData:
    data = CertificateData(number="LS-2025-001", org_id=1, type_code="GF", batch_year=2025)
    return replace(data, **changes)


def check(data: CertificateData, kind: str | None = "certificate") -> list[Issue]:
    return validate_certificate(data, type_kind=kind, today=TODAY)


def fields(data: CertificateData, kind: str | None = "certificate") -> list[str]:
    return [i.field for i in check(data, kind)]


def test_good_certificate() -> None:
    assert check(cert()) == []


def test_good_listing_needs_no_body_or_dates() -> None:
    assert check(listing(), "listing") == []


def test_number_is_normalised_in_place() -> None:
    data = cert(number=" ００２１６Q10097R1S ")
    assert check(data) == []
    assert data.number == "00216Q10097R1S"


@pytest.mark.parametrize("number", ["", "00216 Q10097"])
def test_bad_number(number: str) -> None:
    assert fields(cert(number=number)) == ["number"]


def test_organisation_required() -> None:
    issues = check(cert(org_id=None))
    assert [i.field for i in issues] == ["org_id"] and "获证组织" in issues[0].message


def test_unknown_type() -> None:
    issues = check(cert(), None)
    assert [i.field for i in issues] == ["type_code"] and "“EMS”" in issues[0].message
    assert fields(cert(type_code=""), None) == ["type_code"]


@pytest.mark.parametrize("status", ["01", "2", "注销", "过期失效"])
def test_status_accepted(status: str) -> None:
    assert check(cert(status=status)) == []


def test_status_rejected() -> None:
    assert fields(cert(status="作废")) == ["status"]


def test_certificate_needs_body_and_dates() -> None:
    data = cert(body_id=None, issue_date=None, expiry_date=None, last_surveillance_date=None)
    assert set(fields(data)) == {"body_id", "issue_date", "expiry_date"}


def test_listing_needs_batch_year() -> None:
    issues = check(listing(batch_year=None), "listing")
    assert [i.message for i in issues] == ["批次年份不能为空"]


@pytest.mark.parametrize(("year", "ok"), [(1989, False), (1990, True), (2027, True), (2028, False)])
def test_listing_batch_year_range(year: int, ok: bool) -> None:
    assert (check(listing(batch_year=year), "listing") == []) is ok


def test_expiry_before_issue() -> None:
    issues = check(cert(expiry_date=date(2024, 5, 31)))
    assert [(i.field, i.message) for i in issues] == [("expiry_date", "有效期至早于发证日期")]


def test_expiry_equal_to_issue_is_fine() -> None:
    assert check(cert(expiry_date=date(2024, 6, 1), last_surveillance_date=None)) == []


def test_first_issue_after_issue() -> None:
    assert fields(cert(first_issue_date=date(2024, 6, 2))) == ["first_issue_date"]
    assert check(cert(first_issue_date=date(2024, 6, 1))) == []


def test_issue_date_in_future() -> None:
    data = cert(
        issue_date=date(2026, 5, 21), expiry_date=date(2029, 5, 20), last_surveillance_date=None
    )
    assert fields(data) == ["issue_date"]
    assert check(replace(data, issue_date=TODAY)) == []


@pytest.mark.parametrize(
    ("watched", "ok"),
    [
        (date(2024, 5, 31), False),
        (date(2024, 6, 1), True),
        (TODAY, True),
        (date(2026, 5, 21), False),
    ],
)
def test_surveillance_between_issue_and_today(watched: date, ok: bool) -> None:
    issues = check(cert(last_surveillance_date=watched))
    assert (issues == []) is ok
    assert all(i.field == "last_surveillance_date" for i in issues)


def test_status_date_not_in_future() -> None:
    assert fields(cert(status_date=date(2026, 5, 21))) == ["status_date"]


@pytest.mark.parametrize("field", ["surveillance_count", "recert_count"])
def test_counts_not_negative(field: str) -> None:
    assert fields(cert(**{field: -1})) == [field]


@pytest.mark.parametrize(
    ("issue", "years", "expected"),
    [
        (date(2024, 6, 1), 3, date(2027, 5, 31)),
        (date(2025, 1, 1), 1, date(2025, 12, 31)),
        (date(2024, 2, 29), 1, date(2025, 2, 28)),
        (date(2024, 2, 29), 4, date(2028, 2, 28)),
        (date(2024, 3, 1), 1, date(2025, 2, 28)),
        (date(2023, 3, 1), 1, date(2024, 2, 29)),
    ],
)
def test_default_expiry(issue: date, years: int, expected: date) -> None:
    assert default_expiry(issue, years) == expected


@pytest.mark.parametrize("years", [None, 0])
def test_default_expiry_without_validity(years: int | None) -> None:
    assert default_expiry(date(2024, 6, 1), years) is None
