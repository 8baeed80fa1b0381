"""Certification-body approval numbers and certificate numbers.

Approval numbers (批准号) are issued by CNCA: ``CNCA-R-YYYY-NNN`` (serial of
3 or 4 digits) and, for foreign-invested bodies, ``CNCA-RF-YYYY-NN``.
Certificate numbers have no national format; each body invents its own, so
they are checked only loosely.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from .errors import Issue
from .text import nfkc

# Hyphen look-alikes clerks paste from Word and web pages, plus "_" and "—".
_DASHES = re.compile("[\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63_]")
_SEPARATOR_RUN = re.compile(r"[\s-]+")
_APPROVAL = re.compile(r"CNCA-(R|RF)-(\d{4})-(\d+)")
_SERIAL_DIGITS = {"R": (3, 4), "RF": (2, 4)}

APPROVAL_EXAMPLE = "CNCA-R-2002-001"
CERT_NUMBER_MIN = 3
CERT_NUMBER_MAX = 60


def normalize_approval_number(raw: str | None) -> str:
    """Half-width, upper case, one "-" between parts (dash variants, "_" and spaces become "-")."""
    if raw is None:
        return ""
    text = unicodedata.normalize("NFKC", raw).upper()
    text = _DASHES.sub("-", text)
    return _SEPARATOR_RUN.sub("-", text).strip("-")


def validate_approval_number(
    raw: str | None, *, field: str = "approval_number"
) -> tuple[str, list[Issue]]:
    """Normalised approval number and its issues."""
    number = normalize_approval_number(raw)
    if not number:
        return number, [Issue(field, "认证机构批准号不能为空")]
    shape = (
        f"认证机构批准号应写作 CNCA-R-年份-3或4位序号（如 {APPROVAL_EXAMPLE}），"
        f"外资机构写作 CNCA-RF-年份-序号，当前为“{number}”"
    )
    match = _APPROVAL.fullmatch(number)
    if match is None:
        return number, [Issue(field, shape)]
    prefix, year, serial = match.groups()
    low, high = _SERIAL_DIGITS[prefix]
    if not low <= len(serial) <= high:
        return number, [Issue(field, shape)]
    if not 2000 <= int(year) <= 2099:
        return number, [Issue(field, f"认证机构批准号中的年份应在2000～2099之间，当前为“{year}”")]
    return number, []


def validate_certificate_number(
    raw: str | None, *, field: str = "number"
) -> tuple[str, list[Issue]]:
    """Loose check: required, 3–60 characters, no control characters, no inner spaces.

    Returns the number after NFKC and strip (zero-width characters dropped);
    letters keep their case.
    """
    number = nfkc(raw or "").strip()
    if not number:
        return number, [Issue(field, "证书编号不能为空")]
    issues: list[Issue] = []
    # fast path: a printable number has no control character and no whitespace but " "
    if not number.isprintable() or " " in number:
        if any(unicodedata.category(c) == "Cc" and not c.isspace() for c in number):
            issues.append(Issue(field, "证书编号含有不可见的控制字符，请删除后重新输入"))
        if any(c.isspace() for c in number):
            issues.append(Issue(field, f"证书编号中间不能有空格或换行：“{number}”"))
    if not CERT_NUMBER_MIN <= len(number) <= CERT_NUMBER_MAX:
        issues.append(
            Issue(
                field,
                f"证书编号应为{CERT_NUMBER_MIN}～{CERT_NUMBER_MAX}个字符，当前为{len(number)}个",
            )
        )
    return number, issues


_CLEAN_ASCII_NUMBERS = re.compile(rf"(?:[!-~]{{{CERT_NUMBER_MIN},{CERT_NUMBER_MAX}}}\n)*")


def _clean_number(number: str) -> bool:
    return (CERT_NUMBER_MIN <= len(number) <= CERT_NUMBER_MAX and number.isprintable()
            and " " not in number and unicodedata.is_normalized("NFKC", number))


def numbers_all_clean(numbers: Sequence[str]) -> bool:
    """True when :func:`validate_certificate_number` accepts every number unchanged (a whole
    column at once: one regular expression over the column when it is ASCII)."""
    text = "\n".join(numbers) + "\n"
    if text.isascii():
        return (text.count("\n") == len(numbers)
                and _CLEAN_ASCII_NUMBERS.fullmatch(text) is not None)
    return all(map(_clean_number, numbers))
