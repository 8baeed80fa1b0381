"""Unified social credit code (统一社会信用代码, GB 32100-2015).

Layout of the 18 characters:

* 1 registering department, 2 organisation kind,
* 3–8 administrative division of the registering authority,
* 9–17 organisation code (GB 11714); 17 is that code's own check character,
* 18 check character over the first 17.

A few legally issued early pilot codes fail one of the two checks, so those
two failures are *overridable*: the clerk may keep the code with a note
(the audit log records it). Every other failure is a hard error.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from operator import mul
from typing import Literal

from .errors import Issue
from .text import compact, normalize_text

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
"""The 31 symbols; a symbol's value is its index. I, O, S, V and Z are not used."""

WEIGHTS: tuple[int, ...] = tuple(pow(3, i, 31) for i in range(17))
"""Weight of position i (1-based) is 3^(i−1) mod 31."""

ORG_WEIGHTS: tuple[int, ...] = (3, 7, 9, 10, 5, 8, 4, 2)
"""GB 11714 weights for positions 9–16."""

LENGTH = 18

CheckKind = Literal[
    "ok", "empty", "lost_digits", "length", "charset", "division", "org_check", "check_char"
]

# What Excel (or a float conversion) makes of an 18-digit code:
# "9.13207E+17", "9.1320700E17", "9E+17" — and "913207000000000000.0".
# A plain "…E…" without a dot or plus sign can be a real code, so it is not matched.
_SCIENTIFIC = re.compile(r"[+]?\d(?:\.\d*E\+?|E\+)\d{1,3}")
_FLOAT = re.compile(r"\d{12,}\.\d*")
_DIVISION = re.compile(r"\d{6}")
# Fast path: 18 code characters with six ASCII digits at positions 3–8 pass every check but
# the two check characters (and, being alphanumeric, cannot be a number rendering).
_WELL_FORMED = re.compile(r"[0-9A-HJ-NP-RTUWXY]{2}[0-9]{6}[0-9A-HJ-NP-RTUWXY]{10}")
_VALUES = {c: i for i, c in enumerate(ALPHABET)}
_ORG_VALUES = {c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")}


def normalize(raw: str | None) -> str:
    """Canonical form: half-width, upper case, no whitespace."""
    return compact(raw)


def looks_like_lost_digits(raw: str) -> bool:
    """True when the value is a number rendering of a code (its last digits are gone)."""
    text = compact(raw)
    return bool(_SCIENTIFIC.fullmatch(text) or _FLOAT.fullmatch(text))


def _org_value(char: str) -> int:
    # GB 11714 uses 0–9 and A–Z by plain ASCII order (A = 10 … Z = 35).
    if char.isdigit() and char.isascii():
        return int(char)
    if "A" <= char <= "Z":
        return ord(char) - ord("A") + 10
    raise ValueError(f"not an organisation-code character: {char!r}")


def org_check_char(body8: str) -> str:
    """Check character (position 17) of the organisation code in positions 9–16."""
    if len(body8) != len(ORG_WEIGHTS):
        raise ValueError(f"organisation code body must have 8 characters: {body8!r}")
    try:
        total = sum(map(mul, map(_ORG_VALUES.__getitem__, body8), ORG_WEIGHTS))
    except KeyError:
        total = sum(_org_value(c) * w for c, w in zip(body8, ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    if value == 10:
        return "X"
    if value == 11:
        return "0"
    return str(value)


def check_char(first17: str) -> str:
    """Check character (position 18) over the first 17 characters."""
    if len(first17) != len(WEIGHTS):
        raise ValueError(f"need 17 characters: {first17!r}")
    try:
        total = sum(map(mul, map(_VALUES.__getitem__, first17), WEIGHTS))
    except KeyError:
        raise ValueError(f"character outside the code alphabet: {first17!r}") from None
    return ALPHABET[(31 - total % 31) % 31]


def make_code(dept: str, kind: str, division: str, body8: str) -> str:
    """Build a valid code, computing both check characters (demo data and tests)."""
    if len(dept) != 1 or len(kind) != 1 or dept not in ALPHABET or kind not in ALPHABET:
        raise ValueError(f"department and kind must be single code characters: {dept!r}, {kind!r}")
    if not _DIVISION.fullmatch(division) or not division.isascii():
        raise ValueError(f"division must be six digits: {division!r}")
    if len(body8) != 8 or any(c not in ALPHABET for c in body8):
        raise ValueError(f"organisation code body must be 8 code characters: {body8!r}")
    first17 = dept + kind + division + body8 + org_check_char(body8)
    return first17 + check_char(first17)


@dataclass(frozen=True)
class CreditCodeCheck:
    """Outcome of :func:`check`; ``message`` is Chinese and empty when the code is fine."""

    code: str
    kind: CheckKind
    message: str = ""
    expected_org_check: str | None = None
    expected_check: str | None = None

    @property
    def ok(self) -> bool:
        return self.kind == "ok"

    @property
    def overridable(self) -> bool:
        """Only check-character failures may be accepted with an override note."""
        return self.kind in ("org_check", "check_char")


def check(raw: str | None) -> CreditCodeCheck:
    """Check a code; the first failure found decides ``kind``."""
    code = normalize(raw)
    if len(code) == LENGTH and _WELL_FORMED.fullmatch(code):
        expected_org = org_check_char(code[8:16])
        expected = check_char(code[:17])
        if code[16] == expected_org and code[17] == expected:
            return CreditCodeCheck(code, "ok", "", expected_org, expected)
    if not code:
        return CreditCodeCheck(code, "empty", "统一社会信用代码不能为空")
    if looks_like_lost_digits(code):
        return CreditCodeCheck(
            code,
            "lost_digits",
            f"统一社会信用代码“{code}”被 Excel 当作数字保存，末尾几位已经丢失，无法恢复；"
            "请对照营业执照重新录入，并把该列设为文本格式",
        )
    if len(code) != LENGTH:
        return CreditCodeCheck(
            code, "length", f"统一社会信用代码应为18位，当前为{len(code)}位：“{code}”"
        )
    for position, char in enumerate(code, start=1):
        if char not in ALPHABET:
            return CreditCodeCheck(
                code,
                "charset",
                f"统一社会信用代码第{position}位的字符“{char}”无效："
                "只能使用数字和大写字母，且不使用 I、O、S、V、Z",
            )
    expected_org = org_check_char(code[8:16])
    expected = check_char(code[:17])
    if not _DIVISION.fullmatch(code[2:8]):
        return CreditCodeCheck(
            code,
            "division",
            f"统一社会信用代码第3～8位应为6位数字的行政区划代码，当前为“{code[2:8]}”",
            expected_org,
            expected,
        )
    if code[16] != expected_org:
        message = (
            f"统一社会信用代码第17位（组织机构代码校验码）应为“{expected_org}”，当前为“{code[16]}”"
        )
        if code[17] != expected:
            message += f"；第18位校验码也不符（按前17位应为“{expected}”）"
        return CreditCodeCheck(code, "org_check", message, expected_org, expected)
    if code[17] != expected:
        return CreditCodeCheck(
            code,
            "check_char",
            f"统一社会信用代码第18位校验码应为“{expected}”，当前为“{code[17]}”",
            expected_org,
            expected,
        )
    return CreditCodeCheck(code, "ok", "", expected_org, expected)


def validate_credit_code(
    raw: str | None, *, field: str = "credit_code", override_note: str | None = None
) -> tuple[str, list[Issue]]:
    """Normalised code and its issues.

    A non-blank ``override_note`` excuses only check-character failures
    (early pilot codes); it never excuses a wrong length or character.
    """
    result = check(raw)
    if result.ok:
        return result.code, []
    if result.overridable:
        if normalize_text(override_note):
            return result.code, []
        hint = "。请对照营业执照核对；如确属早期试点发放的代码，请填写说明后保存"
        return result.code, [Issue(field, result.message + hint)]
    return result.code, [Issue(field, result.message)]


# Bulk check (verification of a whole column). Both check sums are geometric series, so a
# code's weighted sum is its reversed characters read as one number in a base congruent to
# the ratio: 3^(i-1) mod 31 with base 34 ≡ 3, and GB 11714's 3·6^k mod 11 with base 17 ≡ 6
# (values taken mod 11 so that every digit is below 17). ``int(text, base)`` then does in C
# what ``check`` does character by character.
_BASE34 = str.maketrans({c: "0123456789abcdefghijklmnopqrstuvwx"[i] for i, c in enumerate(ALPHABET)})
_BASE17 = str.maketrans({c: "0123456789a"[_ORG_VALUES[c] % 11] for c in ALPHABET})
_ORG_CHECK_VALUES = {**{str(d): d for d in range(10)}, "X": 10}
_WELL_FORMED_LINES = re.compile(rf"(?:{_WELL_FORMED.pattern}\n)*")


def all_valid(codes: Sequence[str]) -> bool:
    """True when every code is already in canonical form and passes every check of
    :func:`check` (the same answer as ``all(check(c).ok and check(c).code == c)``, ~8× faster).
    """
    if not codes:
        return True
    text = "\n".join(codes) + "\n"
    if text.count("\n") != len(codes) or _WELL_FORMED_LINES.fullmatch(text) is None:
        return False
    values, org_values = _VALUES, _ORG_CHECK_VALUES
    for code in codes:
        org_check = org_values.get(code[16])
        if org_check is None or (3 * int(code[15:7:-1].translate(_BASE17), 17) + org_check) % 11:
            return False
        if (int(code[16::-1].translate(_BASE34), 34) + values[code[17]]) % 31:
            return False
    return True
