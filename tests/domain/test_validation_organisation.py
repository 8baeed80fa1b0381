from dataclasses import replace

import pytest

from greencert_desktop.domain.errors import Issue
from greencert_desktop.domain.records import OrganisationData
from greencert_desktop.domain.validation import section_for_division, validate_organisation

UNITS = {"320703", "320706", "320707", "320722", "320723", "320724", "320771", "XW"}
SECTIONS = {
    "A": (1, 5),
    "B": (6, 12),
    "C": (13, 43),
    "D": (44, 46),
    "E": (47, 50),
    "K": (70, 70),
    "T": (97, 97),
}


def good(**changes: object) -> OrganisationData:
    data = OrganisationData(
        credit_code="91371323760038087M",
        name="连云港绿源食品有限公司",
        unit_code="320706",
        industry_section="C",
        industry_code="1391",
        size="中型",
        phone="0518-85821234",
    )
    return replace(data, **changes)


def check(data: OrganisationData) -> list[Issue]:
    return validate_organisation(data, unit_codes=UNITS, sections=SECTIONS)


def fields(data: OrganisationData) -> list[str]:
    return [i.field for i in check(data)]


def test_good_organisation_has_no_issues() -> None:
    assert check(good()) == []


def test_minimal_organisation_is_fine() -> None:
    data = OrganisationData(credit_code="91330000755918469E", name="某公司", unit_code="XW")
    assert check(data) == []


def test_credit_code_is_normalised_in_place() -> None:
    data = good(credit_code=" ９１３７１３２３７６００３８０８７ｍ ")
    assert check(data) == []
    assert data.credit_code == "91371323760038087M"


def test_bad_credit_code() -> None:
    issues = check(good(credit_code="9.13207E+17"))
    assert [i.field for i in issues] == ["credit_code"]
    assert "Excel" in issues[0].message


def test_check_failure_accepted_with_override_note() -> None:
    assert fields(good(credit_code="91371323760038087A")) == ["credit_code"]
    assert check(good(credit_code="91371323760038087A", code_override_note="早期试点代码")) == []


@pytest.mark.parametrize("name", ["", "  \u3000 "])
def test_name_required(name: str) -> None:
    assert [i.message for i in check(good(name=name))] == ["组织名称不能为空"]


def test_name_length() -> None:
    assert check(good(name="名" * 200)) == []
    issues = check(good(name="名" * 201))
    assert [i.field for i in issues] == ["name"] and "200" in issues[0].message


@pytest.mark.parametrize("unit", ["", "320700", "320705"])
def test_unit_must_be_known(unit: str) -> None:
    assert fields(good(unit_code=unit)) == ["unit_code"]


def test_unknown_section() -> None:
    issues = check(good(industry_section="Z", industry_code=""))
    assert [i.field for i in issues] == ["industry_section"]
    assert "“Z”" in issues[0].message


def test_section_letter_is_normalised() -> None:
    assert check(good(industry_section=" ｃ ")) == []


@pytest.mark.parametrize("code", ["13", "1391", "4390"])
def test_industry_code_inside_section(code: str) -> None:
    assert check(good(industry_code=code)) == []


@pytest.mark.parametrize("code", ["139", "13911", "A391", "13-1", "１３９１x"])
def test_industry_code_shape(code: str) -> None:
    issues = check(good(industry_code=code))
    assert [i.field for i in issues] == ["industry_code"]
    assert "4位数字" in issues[0].message


def test_industry_code_in_other_section() -> None:
    issues = check(good(industry_section="A", industry_code="1391"))
    assert [i.field for i in issues] == ["industry_code"]
    assert "门类C" in issues[0].message and "“A”" in issues[0].message


def test_industry_code_without_section_is_fine() -> None:
    assert check(good(industry_section="", industry_code="0511")) == []


def test_industry_code_with_unknown_division() -> None:
    assert fields(good(industry_section="", industry_code="9801")) == ["industry_code"]


def test_section_for_division() -> None:
    assert section_for_division(13, SECTIONS) == "C"
    assert section_for_division(43, SECTIONS) == "C"
    assert section_for_division(44, SECTIONS) == "D"
    assert section_for_division(70, SECTIONS) == "K"
    assert section_for_division(98, SECTIONS) is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("size", "特大型"),
        ("credit_standing", "良好"),
        ("credit_standing", ""),
        ("leader_type", "领头"),
    ],
)
def test_value_lists(field: str, value: str) -> None:
    assert fields(good(**{field: value})) == [field]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("size", ""),
        ("size", "微型"),
        ("credit_standing", "严重违法失信名单"),
        ("leader_type", "龙头"),
        ("leader_type", "高成长"),
    ],
)
def test_value_lists_accept(field: str, value: str) -> None:
    assert check(good(**{field: value})) == []


@pytest.mark.parametrize(
    "phone", ["", "13912345678", "+86 139 1234 5678", "(0518) 8582-1234", "0518-85821234转801"]
)
def test_phone_accepted(phone: str) -> None:
    assert check(good(phone=phone)) == []


@pytest.mark.parametrize(
    "phone", ["123456", "1" * 21, "0518/85821234", "电话85821234", "abc1234567"]
)
def test_phone_rejected(phone: str) -> None:
    issues = check(good(phone=phone))
    assert [i.field for i in issues] == ["phone"] and "联系电话" in issues[0].message


def test_every_problem_is_reported() -> None:
    data = OrganisationData(credit_code="", name="", unit_code="", size="巨型", phone="1")
    assert set(fields(data)) == {"credit_code", "name", "unit_code", "size", "phone"}


@pytest.mark.parametrize("phones, clean", [
    (["0518-85821234", "13812345678", "+86(518)85821234", ""], True),
    (["0518 85821234"], False),          # a space: not sure, the row checks decide
    (["123456"], False),                 # six digits
    (["1" * 21], False),
    (["0518-8582123转801"], False),      # 转 is allowed row by row, but not ASCII
    (["0518-85821234\n13812345678"], False),
    (["abc1234567"], False),
])
def test_bulk_phones(phones, clean):
    from greencert_desktop.domain.text import normalize_text
    from greencert_desktop.domain.validation import _phone_issue, phones_all_valid

    assert phones_all_valid(phones) is clean
    if clean:
        assert all(_phone_issue(normalize_text(p)) is None for p in phones)


@pytest.mark.parametrize("names, clean", [
    (["海州区第八人民医院", "达辰（连云港）装备制造有限责任公司"], True),
    (["A" * 200], True), (["A" * 201], False), ([""], False), (["  "], False),
    (["名\u200b称"], False), (["名\n称"], False), (["名\u3000称"], False),
    (["㈱" * 20], True), (["㈱" * 70], False),  # NFKC makes ㈱ three characters
])
def test_bulk_clean_text_matches_normalize(names, clean):
    from greencert_desktop.domain.text import all_clean, normalize_text

    assert all_clean(names, 200) is clean  # False may also mean "not sure"
    if clean:
        assert all(0 < len(normalize_text(n)) <= 200 for n in names)
