"""Field rules for the records in :mod:`records`.

Every ``validate_*`` function returns a list of :class:`Issue` (empty when the
record is fine) and never raises; ``Issue.field`` is the dataclass attribute.
Services turn the list into a ValidationError with ``raise_if``.

Side effect, on purpose: ``validate_organisation`` writes the normalised credit
code back into ``data.credit_code`` and ``validate_certificate`` writes the
normalised number back into ``data.number``, so what is stored is what was
checked. Other text fields are left as given.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from datetime import date
from decimal import Decimal
from functools import lru_cache

from .approval import validate_certificate_number
from .credit_code import validate_credit_code
from .errors import Issue, ValidationError
from .records import (
    CASE_KINDS,
    CERT_KINDS,
    CREDIT_STANDINGS,
    LEADER_TYPES,
    SIZES,
    SUBSIDY_CATEGORIES,
    CaseData,
    CertificateData,
    OrganisationData,
    SubsidyData,
)
from .status import CertStatus
from .text import compact, normalize_text

NAME_MAX = 200
FIRST_BATCH_YEAR = 1990
FIRST_SUBSIDY_YEAR = 2000
AMOUNT_MAX = Decimal("100000000")
_CENT = Decimal("0.01")
# Loose: digits, spaces, - + ( ) and 转 for an extension ("0518-85821234转801").
_PHONE = re.compile(r"[\d\s+\-()转]+")
_INDUSTRY_CODE = re.compile(r"\d{2}(?:\d{2})?")

# Values from short lists (units, sizes, statuses, type codes …) repeat on every row:
# their clean-up is cached. Free text (names, phones) is not.
_choice_text = lru_cache(maxsize=4096)(normalize_text)
_choice_code = lru_cache(maxsize=4096)(compact)


def _choice(field: str, label: str, value: str, choices: Collection[str]) -> Issue:
    listed = "、".join(choices)
    shown = f"“{value}”" if value else "为空"
    return Issue(field, f"{label}应为 {listed} 之一，当前{shown}")


# ---- organisations ------------------------------------------------------------


def section_for_division(division: int, sections: Mapping[str, tuple[int, int]]) -> str | None:
    """GB/T 4754 section letter whose division range holds ``division``."""
    for letter, (first, last) in sections.items():
        if first <= division <= last:
            return letter
    return None


def industry_issues(
    section: str, code: str, sections: Mapping[str, tuple[int, int]]
) -> list[Issue]:
    issues: list[Issue] = []
    if section and section not in sections:
        issues.append(
            Issue("industry_section", f"行业门类“{section}”不是 GB/T 4754-2017 的门类字母")
        )
    if not code:
        return issues
    if not _INDUSTRY_CODE.fullmatch(code) or not code.isascii():
        issues.append(
            Issue("industry_code", f"行业代码应为4位数字（或2位大类代码），当前为“{code}”")
        )
        return issues
    division = int(code[:2])
    found = section_for_division(division, sections)
    if found is None:
        issues.append(
            Issue("industry_code", f"行业代码“{code}”的大类{code[:2]}不在 GB/T 4754-2017 中")
        )
    elif section in sections and found != section:
        issues.append(
            Issue(
                "industry_code",
                f"行业代码“{code}”属于门类{found}，与所填行业门类“{section}”不符",
            )
        )
    return issues


# A whole column of ASCII phone numbers without spaces, one per line, each with 7–20 digits.
_CLEAN_PHONES = re.compile(r"(?:(?:(?:[-+()]*[0-9]){7,20}[-+()]*)?\n)*")


def phones_all_valid(phones: Sequence[str]) -> bool:
    """True when every phone is empty or passes :func:`_phone_issue` unchanged by
    ``normalize_text``; False also when unsure (spaces, 转, non-ASCII), never wrongly True."""
    text = "\n".join(phones) + "\n"
    return (text.isascii() and text.count("\n") == len(phones)
            and _CLEAN_PHONES.fullmatch(text) is not None)


def _phone_issue(phone: str) -> Issue | None:
    if not phone:
        return None
    digits = sum(map(str.isdigit, phone))
    if not _PHONE.fullmatch(phone) or not 7 <= digits <= 20:
        return Issue(
            "phone",
            f"联系电话“{phone}”格式不对：只能包含数字、空格、-、+ 和括号，数字应为7～20位",
        )
    return None


def validate_organisation(
    data: OrganisationData,
    *,
    unit_codes: Collection[str],
    sections: Mapping[str, tuple[int, int]],
) -> list[Issue]:
    """Check an organisation; also normalises ``data.credit_code`` in place.

    ``sections`` maps each GB/T 4754 section letter to its (first, last)
    two-digit division, e.g. ``{"C": (13, 43)}`` (reference data).
    """
    code, issues = validate_credit_code(
        data.credit_code, field="credit_code", override_note=data.code_override_note
    )
    data.credit_code = code
    name = normalize_text(data.name)
    if not name:
        issues.append(Issue("name", "组织名称不能为空"))
    elif len(name) > NAME_MAX:
        issues.append(Issue("name", f"组织名称不能超过{NAME_MAX}个字符，当前为{len(name)}个"))
    unit = _choice_text(data.unit_code)
    if not unit:
        issues.append(Issue("unit_code", "所属区划不能为空"))
    elif unit not in unit_codes:
        issues.append(Issue("unit_code", f"所属区划“{unit}”不在区划列表中"))
    issues += industry_issues(
        _choice_code(data.industry_section), _choice_code(data.industry_code), sections
    )
    size = _choice_text(data.size)
    if size and size not in SIZES:
        issues.append(_choice("size", "企业规模", size, SIZES))
    standing = _choice_text(data.credit_standing)
    if standing not in CREDIT_STANDINGS:
        issues.append(_choice("credit_standing", "信用状况", standing, CREDIT_STANDINGS))
    leader = _choice_text(data.leader_type)
    if leader and leader not in LEADER_TYPES:
        issues.append(_choice("leader_type", "领跑者类别", leader, LEADER_TYPES))
    if (problem := _phone_issue(normalize_text(data.phone))) is not None:
        issues.append(problem)
    return issues


# ---- certificates and listings ------------------------------------------------


def default_expiry(issue: date, validity_years: int | None) -> date | None:
    """Issue date + N years − 1 day; ``None`` when the type has no fixed validity.

    A certificate issued on 29 February runs to 28 February N years later
    (the anniversary falls on 1 March in a common year).
    """
    if not validity_years or validity_years < 1:
        return None
    year = issue.year + validity_years
    try:
        anniversary = issue.replace(year=year)
    except ValueError:  # 29 February in a common year
        anniversary = date(year, 3, 1)
    return date.fromordinal(anniversary.toordinal() - 1)


def _date_order_issues(data: CertificateData, today: date) -> list[Issue]:
    issues: list[Issue] = []
    issued, expiry = data.issue_date, data.expiry_date
    if issued and expiry and expiry < issued:
        issues.append(Issue("expiry_date", "有效期至早于发证日期"))
    if issued and data.first_issue_date and data.first_issue_date > issued:
        issues.append(Issue("first_issue_date", "初次发证日期不能晚于发证日期"))
    if issued and issued > today:
        issues.append(Issue("issue_date", "发证日期不能晚于今天"))
    watched = data.last_surveillance_date
    if watched and issued and watched < issued:
        issues.append(Issue("last_surveillance_date", "最近监督日期不能早于发证日期"))
    if watched and watched > today:
        issues.append(Issue("last_surveillance_date", "最近监督日期不能晚于今天"))
    if data.status_date and data.status_date > today:
        issues.append(Issue("status_date", "状态变更日期不能晚于今天"))
    return issues


def _kind_issues(data: CertificateData, kind: str, today: date) -> list[Issue]:
    issues: list[Issue] = []
    if kind == "certificate":
        if data.body_id is None:
            issues.append(Issue("body_id", "认证机构不能为空"))
        if data.issue_date is None:
            issues.append(Issue("issue_date", "发证日期不能为空"))
        if data.expiry_date is None:
            issues.append(Issue("expiry_date", "有效期至不能为空"))
        return issues
    last = today.year + 1
    if data.batch_year is None:
        issues.append(Issue("batch_year", "批次年份不能为空"))
    elif not FIRST_BATCH_YEAR <= data.batch_year <= last:
        issues.append(
            Issue(
                "batch_year", f"批次年份应在{FIRST_BATCH_YEAR}～{last}之间，当前为{data.batch_year}"
            )
        )
    return issues


def validate_certificate(
    data: CertificateData, *, type_kind: str | None, today: date
) -> list[Issue]:
    """Check a certificate or listing; also normalises ``data.number`` in place.

    ``type_kind`` is the catalogue kind of ``data.type_code`` ("certificate" or
    "listing"), or ``None`` when the type is not in the catalogue. Certificates
    need a certification body, issue and expiry dates; listings need a batch year.
    """
    number, issues = validate_certificate_number(data.number, field="number")
    data.number = number
    if data.org_id is None:
        issues.append(Issue("org_id", "获证组织不能为空"))
    type_code = _choice_text(data.type_code)
    if not type_code:
        issues.append(Issue("type_code", "认证类别不能为空"))
    elif type_kind not in CERT_KINDS:
        issues.append(Issue("type_code", f"认证类别“{type_code}”不在认证类别目录中"))
    try:
        CertStatus.parse(data.status)
    except ValidationError as error:
        issues += error.for_field("status")
    if type_kind in CERT_KINDS:
        issues += _kind_issues(data, type_kind, today)
    issues += _date_order_issues(data, today)
    if data.surveillance_count < 0:
        issues.append(Issue("surveillance_count", "监督次数不能为负数"))
    if data.recert_count < 0:
        issues.append(Issue("recert_count", "再认证次数不能为负数"))
    return issues


# ---- subsidies and supervision cases ------------------------------------------


def _amount_issue(amount: object) -> Issue | None:
    if isinstance(amount, bool) or not isinstance(amount, Decimal | int):
        return Issue("amount", "金额不能为空，应为以元为单位的数字")
    value = Decimal(amount)
    if not value.is_finite() or value <= 0:
        return Issue("amount", "金额必须大于0")
    if value > AMOUNT_MAX:
        return Issue("amount", "金额不能超过100,000,000元")
    if value != value.quantize(_CENT):
        return Issue("amount", "金额最多保留两位小数（精确到分）")
    return None


def validate_subsidy(data: SubsidyData, *, today: date) -> list[Issue]:
    issues: list[Issue] = []
    last = today.year + 1
    if not FIRST_SUBSIDY_YEAR <= data.year <= last:
        issues.append(Issue("year", f"年度应在{FIRST_SUBSIDY_YEAR}～{last}之间，当前为{data.year}"))
    if data.org_id is None:
        issues.append(Issue("org_id", "组织不能为空"))
    category = _choice_text(data.category)
    if category not in SUBSIDY_CATEGORIES:
        issues.append(_choice("category", "奖补类别", category, SUBSIDY_CATEGORIES))
    if (problem := _amount_issue(data.amount)) is not None:
        issues.append(problem)
    if data.granted_on is not None and data.granted_on.year != data.year:
        issues.append(Issue("granted_on", f"发放日期应在{data.year}年内"))
    return issues


def validate_case(data: CaseData, *, today: date) -> list[Issue]:
    issues: list[Issue] = []
    if data.inspected_on is None:
        issues.append(Issue("inspected_on", "检查日期不能为空"))
    elif data.inspected_on > today:
        issues.append(Issue("inspected_on", "检查日期不能晚于今天"))
    if data.org_id is None:
        issues.append(Issue("org_id", "被检查组织不能为空"))
    kind = _choice_text(data.kind)
    if kind not in CASE_KINDS:
        issues.append(_choice("kind", "检查类型", kind, CASE_KINDS))
    return issues
