"""Small read-only look-ups: choices for the list pages' filter bars, and what the record
forms need (organisation search as you type with a LIMIT, bodies with approval numbers, the
catalogue grouped by policy section, certificate summaries). Plain data, no Qt.

The filter-bar functions return plain ``(value, label)`` pairs in display order; the pages
put an "all" entry in front themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import distinct, func, or_, select

from greencert_desktop.domain.errors import UserError
from greencert_desktop.domain.records import (
    CASE_KINDS,
    CREDIT_STANDINGS,
    LEADER_TYPES,
    SUBSIDY_CATEGORIES,
)
from greencert_desktop.domain.status import CertStatus, effective_status
from greencert_desktop.domain.text import compact, normalize_text
from greencert_desktop.services.register import Register
from greencert_desktop.storage.models import (
    CertBody,
    Certificate,
    CertType,
    IndustrySection,
    Organisation,
    Subsidy,
    Unit,
)

Choice = tuple[object, str]


def units(reg: Register) -> list[Choice]:
    """Reporting units (not the city itself): active ones, plus any an organisation uses."""
    with reg.db.reading() as s:
        rows = s.execute(select(Unit.code, Unit.name, Unit.active)
                         .where(Unit.kind != "city").order_by(Unit.sort, Unit.code)).all()
    return [(code, name) for code, name, active in rows if active]


def cert_types(reg: Register) -> list[Choice]:
    """Catalogue entries in catalogue order, labelled by name."""
    with reg.db.reading() as s:
        rows = s.execute(select(CertType.code, CertType.name)
                         .order_by(CertType.sort, CertType.code)).all()
    return [(code, name) for code, name in rows]


def type_groups(reg: Register) -> list[Choice]:
    """The catalogue's groups, in the order their first type appears."""
    with reg.db.reading() as s:
        rows = s.execute(select(CertType.group, func.min(CertType.sort).label("first"))
                         .where(CertType.group != "").group_by(CertType.group)
                         .order_by("first")).all()
    return [(group, group) for group, _ in rows]


def bodies(reg: Register) -> list[Choice]:
    with reg.db.reading() as s:
        rows = s.execute(select(CertBody.id, CertBody.name).order_by(CertBody.name)).all()
    return [(body_id, name) for body_id, name in rows]


def industry_sections(reg: Register) -> list[Choice]:
    with reg.db.reading() as s:
        rows = s.execute(select(IndustrySection.code, IndustrySection.name)
                         .order_by(IndustrySection.code)).all()
    return [(code, f"{code} {name}") for code, name in rows]


def subsidy_years(reg: Register) -> list[Choice]:
    """Years that have subsidies, newest first."""
    with reg.db.reading() as s:
        years = s.scalars(select(distinct(Subsidy.year)).order_by(Subsidy.year.desc())).all()
    return [(year, str(year)) for year in years]


def statuses() -> list[Choice]:
    return [(s.value, s.label) for s in CertStatus]


def credit_standings() -> list[Choice]:
    return [(v, v) for v in CREDIT_STANDINGS]


def leader_types() -> list[Choice]:
    return [(v, v) for v in LEADER_TYPES]


def subsidy_categories() -> list[Choice]:
    return [(v, v) for v in SUBSIDY_CATEGORIES]


def case_kinds() -> list[Choice]:
    return [(v, v) for v in CASE_KINDS]


# ---- for the record forms (pickers, grouped catalogue, summaries) ----------------------

SEARCH_LIMIT = 20

_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
             "十": 10}


@dataclass(frozen=True)
class OrgChoice:
    id: int
    name: str
    credit_code: str
    unit_code: str
    credit_standing: str

    @property
    def label(self) -> str:
        return f"{self.name}（{self.credit_code}）"


@dataclass(frozen=True)
class BodyChoice:
    id: int
    name: str
    approval_number: str

    @property
    def label(self) -> str:
        return f"{self.name}（{self.approval_number}）" if self.approval_number else self.name


@dataclass(frozen=True)
class TypeChoice:
    code: str
    name: str
    section: str
    group: str
    kind: str
    validity_years: int | None
    basis: str


@dataclass(frozen=True)
class TypeGroup:
    """One policy section of the catalogue with its types, in catalogue order."""

    section: str
    groups: tuple[str, ...]
    types: tuple[TypeChoice, ...]

    @property
    def label(self) -> str:
        groups = "／".join(self.groups)
        return f"{self.section}、{groups}" if self.section else groups


@dataclass(frozen=True)
class CertChoice:
    id: int
    number: str
    type_name: str
    status: str

    @property
    def label(self) -> str:
        return f"{self.number}　{self.type_name}"


@dataclass(frozen=True)
class CertSummary:
    id: int
    number: str
    org_name: str
    type_name: str
    status: CertStatus
    effective: CertStatus
    issue_date: date | None
    expiry_date: date | None


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _org(row: Organisation) -> OrgChoice:
    return OrgChoice(row.id, row.name, row.credit_code, row.unit_code, row.credit_standing)


def search_organisations(reg: Register, text: str, limit: int = SEARCH_LIMIT) -> list[OrgChoice]:
    """Organisations whose name contains ``text`` or whose credit code starts with it
    (at most ``limit``): an exact credit code first, then name prefixes, then by name."""
    name = normalize_text(text)
    code = compact(text)
    if not name:
        return []
    query = (select(Organisation)
             .where(or_(Organisation.name.like(_like(name), escape="\\"),
                        Organisation.credit_code.like(_like(code)[1:], escape="\\")))
             .order_by((Organisation.credit_code == code).desc(),
                       Organisation.name.like(_like(name)[1:], escape="\\").desc(),
                       Organisation.name, Organisation.id)
             .limit(limit))
    with reg.db.reading() as s:
        return [_org(r) for r in s.scalars(query)]


def organisation(reg: Register, org_id: int | None) -> OrgChoice | None:
    if org_id is None:
        return None
    with reg.db.reading() as s:
        row = s.get(Organisation, org_id)
        return _org(row) if row is not None else None


def organisation_by_code(reg: Register, credit_code: str) -> OrgChoice | None:
    code = compact(credit_code)
    if not code:
        return None
    with reg.db.reading() as s:
        row = s.scalar(select(Organisation).where(Organisation.credit_code == code))
        return _org(row) if row is not None else None


def body_choices(reg: Register) -> list[BodyChoice]:
    """Certification bodies by name, with their approval numbers."""
    with reg.db.reading() as s:
        return [BodyChoice(r.id, r.name, r.approval_number or "")
                for r in s.scalars(select(CertBody).order_by(CertBody.name))]


def _section_order(section: str) -> tuple[int, str]:
    """Chinese section numerals (三, 十一 …) in numeric order; anything else last."""
    if section in _NUMERALS:
        return _NUMERALS[section], section
    if len(section) == 2 and section[0] == "十" and section[1] in _NUMERALS:
        return 10 + _NUMERALS[section[1]], section
    if len(section) >= 2 and section[-1] == "十" and section[0] in _NUMERALS:
        return 10 * _NUMERALS[section[0]], section
    return 999, section


def type_choices(reg: Register) -> list[TypeChoice]:
    """Active catalogue types in catalogue order, with what the forms need."""
    with reg.db.reading() as s:
        rows = s.scalars(select(CertType).where(CertType.active)
                         .order_by(CertType.sort, CertType.code)).all()
        return [TypeChoice(r.code, r.name, r.section, r.group, r.kind, r.validity_years, r.basis)
                for r in rows]


def catalogue_by_section(reg: Register) -> list[TypeGroup]:
    """The catalogue grouped by policy section (三, 五, 七 …), sections in numeric order."""
    sections: dict[str, list[TypeChoice]] = {}
    for t in type_choices(reg):
        sections.setdefault(t.section, []).append(t)
    return [TypeGroup(sec, tuple(dict.fromkeys(t.group for t in types if t.group)), tuple(types))
            for sec, types in sorted(sections.items(), key=lambda kv: _section_order(kv[0]))]


def certificates_of(reg: Register, org_id: int | None, limit: int = 200) -> list[CertChoice]:
    """An organisation's certificates and listings (for the case form), newest first."""
    if org_id is None:
        return []
    with reg.db.reading() as s:
        rows = s.execute(select(Certificate.id, Certificate.number, CertType.name,
                                Certificate.status)
                         .join(CertType, CertType.code == Certificate.type_code)
                         .where(Certificate.org_id == org_id)
                         .order_by(Certificate.issue_date.desc(), Certificate.id)
                         .limit(limit)).all()
        return [CertChoice(r.id, r.number, r.name, r.status) for r in rows]


def certificate_summary(reg: Register, cert_id: int, today: date | None = None) -> CertSummary:
    """Number, type, organisation and stored/effective status of one certificate."""
    with reg.db.reading() as s:
        row = s.get(Certificate, cert_id)
        if row is None:
            raise UserError(f"找不到编号为 {cert_id} 的证书")
        type_name = s.scalar(select(CertType.name).where(CertType.code == row.type_code)) or ""
        status = CertStatus(row.status)
        return CertSummary(row.id, row.number, row.organisation.name, type_name, status,
                           effective_status(status, row.expiry_date, today or date.today()),
                           row.issue_date, row.expiry_date)
