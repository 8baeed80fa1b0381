import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from greencert_desktop.domain.approval import (
    normalize_approval_number,
    validate_approval_number,
    validate_certificate_number,
)


@pytest.mark.parametrize(
    "raw", ["CNCA-R-2002-001", "CNCA-R-2022-1049", "CNCA-RF-2010-05", "CNCA-RF-2010-0512"]
)
def test_valid_approval_numbers(raw: str) -> None:
    assert validate_approval_number(raw) == (raw, [])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("cnca-r-2002-001", "CNCA-R-2002-001"),
        ("ＣＮＣＡ－Ｒ－２００２－００１", "CNCA-R-2002-001"),
        (" CNCA - R - 2002 - 001 ", "CNCA-R-2002-001"),
        ("CNCA\u2013R\u20132002\u2013001", "CNCA-R-2002-001"),
        ("CNCA_R_2022_1049", "CNCA-R-2022-1049"),
        ("CNCA R 2002 001", "CNCA-R-2002-001"),
        ("CNCA—RF—2010—05", "CNCA-RF-2010-05"),
    ],
)
def test_approval_number_normalisation(raw: str, expected: str) -> None:
    assert normalize_approval_number(raw) == expected
    assert validate_approval_number(raw) == (expected, [])


@pytest.mark.parametrize(
    "raw",
    [
        "CNCA-R-2002-01",  # serial too short for R
        "CNCA-R-2002-10490",  # serial too long
        "CNCA-RF-2010-5",  # serial too short for RF
        "CNCA-X-2002-001",
        "CNCA-R-02-001",
        "R-2002-001",
        "CNCA-R-2002-0A1",
    ],
)
def test_malformed_approval_numbers(raw: str) -> None:
    _, issues = validate_approval_number(raw, field="body")
    assert [i.field for i in issues] == ["body"]
    assert "CNCA-R-" in issues[0].message


@pytest.mark.parametrize("raw", ["CNCA-R-1999-001", "CNCA-R-2100-001"])
def test_approval_year_range(raw: str) -> None:
    _, issues = validate_approval_number(raw)
    assert len(issues) == 1 and "2000～2099" in issues[0].message


@pytest.mark.parametrize("raw", [None, "", " - "])
def test_approval_number_required(raw: str | None) -> None:
    assert validate_approval_number(raw)[1][0].message == "认证机构批准号不能为空"


@pytest.mark.parametrize("raw", ["00216Q10097R1S", "104925E0365R0S", "00114E22766R2L/3502", "abc"])
def test_certificate_numbers_that_pass(raw: str) -> None:
    assert validate_certificate_number(raw) == (raw, [])


def test_certificate_number_is_nfkc_and_stripped_but_keeps_case() -> None:
    assert validate_certificate_number("\u3000００２１６q１ ") == ("00216q1", [])


def test_certificate_number_required() -> None:
    _, issues = validate_certificate_number("  ", field="cert")
    assert issues and issues[0].field == "cert" and "不能为空" in issues[0].message


def test_certificate_number_inner_space() -> None:
    _, issues = validate_certificate_number("00216Q 10097")
    assert len(issues) == 1 and "空格" in issues[0].message


def test_certificate_number_control_character() -> None:
    _, issues = validate_certificate_number("00216\x07Q10097")
    assert len(issues) == 1 and "控制字符" in issues[0].message


@pytest.mark.parametrize(("raw", "length"), [("ab", 2), ("A" * 61, 61)])
def test_certificate_number_length(raw: str, length: int) -> None:
    _, issues = validate_certificate_number(raw)
    assert len(issues) == 1 and f"当前为{length}个" in issues[0].message


def test_certificate_number_length_bounds_inclusive() -> None:
    assert validate_certificate_number("A" * 60)[1] == []


@given(st.text(max_size=70) | st.text(alphabet="AB12-\u3000 \t\x01\u200b\u200e\u00a0", max_size=8))
def test_certificate_number_fast_path_agrees_with_the_plain_checks(raw: str) -> None:
    number, issues = validate_certificate_number(raw)
    messages = {i.message for i in issues}
    has_control = any(unicodedata.category(c) == "Cc" and not c.isspace() for c in number)
    has_space = any(c.isspace() for c in number)
    if number:
        assert has_control == any("控制字符" in m for m in messages)
        assert has_space == any("空格" in m for m in messages)


@pytest.mark.parametrize("number", ["00216Q10097R1S", "GF-2025-001", "ABC", "A" * 60,
                                    "国认证字第123号", "E-1/3207"])
def test_bulk_numbers_accept_what_the_single_check_accepts_unchanged(number):
    from greencert_desktop.domain.approval import numbers_all_clean, validate_certificate_number

    assert validate_certificate_number(number) == (number, [])
    assert numbers_all_clean([number, number])


@pytest.mark.parametrize("number", ["", "AB", "A" * 61, " ABC", "AB C", "ABC\n", "ABC\u200b",
                                    "ＡＢＣ", "A\tB", "AB\nCD"])
def test_bulk_numbers_refuse_what_the_single_check_changes_or_faults(number):
    from greencert_desktop.domain.approval import numbers_all_clean, validate_certificate_number

    normalised, issues = validate_certificate_number(number)
    assert issues or normalised != number
    assert not numbers_all_clean(["00216Q10097R1S", number])
