import pytest
from hypothesis import given
from hypothesis import strategies as st

from greencert_desktop.domain.credit_code import (
    ALPHABET,
    WEIGHTS,
    check,
    check_char,
    looks_like_lost_digits,
    make_code,
    normalize,
    org_check_char,
    validate_credit_code,
)

KNOWN = ["91371323760038087M", "91330000755918469E", "91110000600037341L", "9144030071526726XG"]

symbols = st.sampled_from(ALPHABET)
divisions = st.text(alphabet="0123456789", min_size=6, max_size=6)
bodies = st.text(alphabet=ALPHABET, min_size=8, max_size=8)
valid_codes = st.builds(make_code, symbols, symbols, divisions, bodies)


def test_weights_match_the_standard() -> None:
    assert WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    assert len(ALPHABET) == 31
    assert not set("IOSVZ") & set(ALPHABET)


@pytest.mark.parametrize("code", KNOWN)
def test_known_codes_pass(code: str) -> None:
    result = check(code)
    assert result.ok
    assert result.kind == "ok"
    assert result.message == ""
    assert result.expected_check == code[17]
    assert result.expected_org_check == code[16]


@pytest.mark.parametrize("code", KNOWN)
def test_make_code_rebuilds_known_codes(code: str) -> None:
    assert make_code(code[0], code[1], code[2:8], code[8:16]) == code


def test_org_check_char_maps_ten_to_x_and_eleven_to_zero() -> None:
    assert org_check_char("71526726") == "X"
    # weighted sum 0 → 11 − 0 = 11 → "0"
    assert org_check_char("00000000") == "0"
    assert org_check_char("76003808") == "7"


def test_org_check_char_uses_ascii_letter_values() -> None:
    # A = 10: 3 × 10 = 30, 30 mod 11 = 8, 11 − 8 = 3
    assert org_check_char("A0000000") == "3"


def test_check_char_of_known_prefix() -> None:
    assert check_char("91371323760038087") == "M"
    with pytest.raises(ValueError):
        check_char("9137132376003808")


@given(valid_codes)
def test_every_made_code_passes(code: str) -> None:
    assert len(code) == 18
    assert check(code).ok


@given(valid_codes)
def test_made_codes_satisfy_the_defining_sums(code: str) -> None:
    """Independent of check_char/org_check_char: the weighted sums close to 0."""
    values = [ALPHABET.index(c) for c in code]
    assert (sum(v * w for v, w in zip(values, WEIGHTS, strict=False)) + values[17]) % 31 == 0
    org = [int(c, 36) for c in code[8:16]]
    org_check = 10 if code[16] == "X" else int(code[16])
    assert (
        sum(v * w for v, w in zip(org, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)) + org_check
    ) % 11 == 0


def test_code_whose_check_char_is_zero() -> None:
    assert make_code("9", "1", "320706", "00000053") == "913207060000005370"
    assert check("913207060000005370").ok


@given(valid_codes, st.integers(min_value=0, max_value=17), st.data())
def test_any_single_substitution_fails(code: str, position: int, data: st.DataObject) -> None:
    replacement = data.draw(st.sampled_from([c for c in ALPHABET if c != code[position]]))
    changed = code[:position] + replacement + code[position + 1 :]
    result = check(changed)
    assert not result.ok
    assert result.message


@given(valid_codes)
def test_lower_case_full_width_and_spaces_are_normalised(code: str) -> None:
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code.lower())
    spaced = " ".join([code[:6].lower(), code[6:12], "\u3000" + code[12:]])
    for variant in (code.lower(), full_width, spaced):
        result = check(variant)
        assert result.ok
        assert result.code == code
        assert normalize(variant) == code


def test_changed_last_char_reports_expected() -> None:
    result = check("91371323760038087A")
    assert result.kind == "check_char"
    assert result.expected_check == "M"
    assert "“M”" in result.message and "“A”" in result.message
    assert result.overridable


def test_changed_org_check_reports_expected() -> None:
    result = check("91371323760038086M")
    assert result.kind == "org_check"
    assert result.expected_org_check == "7"
    assert "第17位" in result.message and "“7”" in result.message and "“6”" in result.message
    assert result.overridable


@pytest.mark.parametrize(
    "raw",
    [
        "9.13207E+17",
        "9.13207e+17",
        "9.1320700E17",
        "913207000000000000.0",
        " 9.13207E+17 ",
        "9E+17",
    ],
)
def test_lost_digits(raw: str) -> None:
    assert looks_like_lost_digits(raw)
    result = check(raw)
    assert result.kind == "lost_digits"
    assert "Excel" in result.message and "无法恢复" in result.message
    assert not result.overridable


@pytest.mark.parametrize("raw", [*KNOWN, "12.5", "9132070012345E6789", "913207"])
def test_not_lost_digits(raw: str) -> None:
    assert not looks_like_lost_digits(raw)


@pytest.mark.parametrize("raw", [None, "", "  \u3000 "])
def test_empty(raw: str | None) -> None:
    result = check(raw)
    assert result.kind == "empty"
    assert result.message == "统一社会信用代码不能为空"


def test_length_names_actual_length() -> None:
    result = check("91371323760038087")
    assert result.kind == "length"
    assert "17位" in result.message
    assert result.expected_check is None


@pytest.mark.parametrize("bad", ["I", "O", "S", "V", "Z", "-", "中"])
def test_charset_names_position_and_character(bad: str) -> None:
    code = "9137132376003808" + bad + "M"
    result = check(code)
    assert result.kind == "charset"
    assert "第17位" in result.message and f"“{bad}”" in result.message
    assert "I、O、S、V、Z" in result.message
    assert not result.overridable


def test_division_must_be_digits() -> None:
    code = make_code("9", "1", "320706", "76003808")
    bad = code[:4] + "A" + code[5:]
    result = check(bad)
    assert result.kind == "division"
    assert "第3～8位" in result.message
    assert result.expected_check == check_char(bad[:17])
    assert not result.overridable


def test_validate_returns_normalised_code_and_no_issue() -> None:
    assert validate_credit_code(" 91371323760038087m ") == ("91371323760038087M", [])


def test_validate_reports_on_given_field() -> None:
    code, issues = validate_credit_code("123", field="code")
    assert code == "123"
    assert [i.field for i in issues] == ["code"]
    assert "18位" in issues[0].message


def test_override_note_excuses_check_char_failures() -> None:
    bad = "91371323760038087A"
    _, issues = validate_credit_code(bad)
    assert len(issues) == 1 and "说明" in issues[0].message
    assert validate_credit_code(bad, override_note="早期试点代码，已核对营业执照") == (bad, [])
    assert validate_credit_code("91371323760038086M", override_note="试点")[1] == []


@pytest.mark.parametrize("note", [None, "", "  \u3000"])
def test_blank_override_note_excuses_nothing(note: str | None) -> None:
    assert validate_credit_code("91371323760038087A", override_note=note)[1]


@pytest.mark.parametrize("raw", ["9.13207E+17", "123", "91371323760038O87M", ""])
def test_override_note_never_excuses_hard_failures(raw: str) -> None:
    assert validate_credit_code(raw, override_note="试点")[1]


def test_make_code_rejects_bad_parts() -> None:
    with pytest.raises(ValueError):
        make_code("9", "1", "32070", "76003808")
    with pytest.raises(ValueError):
        make_code("9", "1", "320706", "7600380I")
    with pytest.raises(ValueError):
        make_code("I", "1", "320706", "76003808")


def _reference_check_chars(code: str) -> tuple[str, str]:
    """Both check characters computed the plain way (the fast path uses lookup tables)."""
    org_values = {c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")}
    org = 11 - sum(org_values[c] * w for c, w in zip(code[8:16], (3, 7, 9, 10, 5, 8, 4, 2),
                                                       strict=True)) % 11
    org_char = "X" if org == 10 else "0" if org == 11 else str(org)
    total = sum(ALPHABET.index(c) * w for c, w in zip(code[:17], WEIGHTS, strict=True))
    return org_char, ALPHABET[(31 - total % 31) % 31]


@given(st.text(alphabet=ALPHABET + "IOSZ-. a+E", min_size=16, max_size=19))
def test_the_fast_path_agrees_with_every_rule(raw: str) -> None:
    result = check(raw)
    code = normalize(raw)
    assert result.code == code
    ok_shape = (len(code) == 18 and all(c in ALPHABET for c in code) and code[2:8].isdigit())
    if not ok_shape:
        assert result.kind not in ("ok", "org_check", "check_char")
        return
    org_char, check_ch = _reference_check_chars(code)
    assert (result.expected_org_check, result.expected_check) == (org_char, check_ch)
    expected = ("org_check" if code[16] != org_char
                else "check_char" if code[17] != check_ch else "ok")
    assert result.kind == expected


@given(valid_codes)
def test_valid_codes_take_the_fast_path_and_pass(code: str) -> None:
    assert check(code).ok and check(code.lower()).ok and check(f" {code}\u3000").ok


def test_bulk_check_agrees_with_the_single_check():
    """``all_valid`` (whole columns in verification) answers exactly as ``check`` does."""
    import random

    from greencert_desktop.domain.credit_code import ALPHABET, all_valid, check, make_code

    rnd = random.Random(5)
    accepted = refused = 0
    for _ in range(20000):
        code = make_code(rnd.choice(ALPHABET), rnd.choice(ALPHABET), f"{rnd.randrange(10**6):06d}",
                         "".join(rnd.choice(ALPHABET) for _ in range(8)))
        if rnd.random() < 0.6:
            i = rnd.randrange(18)
            code = code[:i] + rnd.choice(ALPHABET + "IOSVZaz -９") + code[i + 1:]
        result = check(code)
        expected = result.ok and result.code == code
        assert all_valid([code]) is expected, code
        accepted += expected
        refused += not expected
    assert accepted > 5000 and refused > 5000
    assert all_valid([]) and not all_valid(["91320700MA1MXXXX0", ""])
