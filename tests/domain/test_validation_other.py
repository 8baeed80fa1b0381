from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from greencert_desktop.domain.records import CaseData, SubsidyData
from greencert_desktop.domain.validation import validate_case, validate_subsidy

TODAY = date(2026, 5, 20)


def subsidy(**changes: object) -> SubsidyData:
    data = SubsidyData(
        year=2025,
        org_id=7,
        category="引领单位",
        amount=Decimal("80000.00"),
        doc_number="连市监〔2025〕12号",
        granted_on=date(2025, 11, 3),
    )
    return replace(data, **changes)


def case(**changes: object) -> CaseData:
    data = CaseData(inspected_on=date(2026, 4, 2), org_id=7, kind="双随机抽查", finding="虚标")
    return replace(data, **changes)


def subsidy_fields(**changes: object) -> list[str]:
    return [i.field for i in validate_subsidy(subsidy(**changes), today=TODAY)]


def case_fields(**changes: object) -> list[str]:
    return [i.field for i in validate_case(case(**changes), today=TODAY)]


def test_good_subsidy() -> None:
    assert validate_subsidy(subsidy(), today=TODAY) == []


@pytest.mark.parametrize(("year", "ok"), [(1999, False), (2000, True), (2027, True), (2028, False)])
def test_subsidy_year_range(year: int, ok: bool) -> None:
    assert (subsidy_fields(year=year, granted_on=None) == []) is ok


def test_subsidy_org_and_category() -> None:
    assert subsidy_fields(org_id=None) == ["org_id"]
    assert subsidy_fields(category="奖励") == ["category"]
    assert subsidy_fields(category="其他") == []


@pytest.mark.parametrize(
    "amount", [Decimal("0.01"), Decimal("100000000"), Decimal("100.500"), 50000]
)
def test_amount_accepted(amount: Decimal) -> None:
    assert subsidy_fields(amount=amount) == []


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (Decimal("0"), "大于0"),
        (Decimal("-5"), "大于0"),
        (Decimal("100000000.01"), "100,000,000"),
        (Decimal("1.005"), "两位小数"),
        (Decimal("NaN"), "大于0"),
        (None, "不能为空"),
        (1.5, "不能为空"),
    ],
)
def test_amount_rejected(amount: object, words: str) -> None:
    issues = validate_subsidy(subsidy(amount=amount), today=TODAY)
    assert [i.field for i in issues] == ["amount"] and words in issues[0].message


def test_granted_on_within_year() -> None:
    assert subsidy_fields(granted_on=date(2026, 1, 2)) == ["granted_on"]
    assert subsidy_fields(granted_on=date(2025, 12, 31)) == []


def test_good_case() -> None:
    assert validate_case(case(), today=TODAY) == []
    assert validate_case(case(inspected_on=TODAY, kind="投诉举报"), today=TODAY) == []


def test_case_date() -> None:
    assert case_fields(inspected_on=None) == ["inspected_on"]
    issues = validate_case(case(inspected_on=date(2026, 5, 21)), today=TODAY)
    assert [i.message for i in issues] == ["检查日期不能晚于今天"]


def test_case_org_and_kind() -> None:
    assert case_fields(org_id=None) == ["org_id"]
    assert case_fields(kind="") == ["kind"]
    assert case_fields(kind="日常巡查") == ["kind"]
