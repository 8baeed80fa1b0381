"""Certified organisations: create, change, delete — each one audited transaction."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from greencert_desktop.domain.errors import Issue, UserError, ValidationError, raise_if
from greencert_desktop.domain.records import OrganisationData
from greencert_desktop.domain.validation import validate_organisation
from greencert_desktop.services import records
from greencert_desktop.services.register import Register
from greencert_desktop.storage.models import (
    Certificate,
    Organisation,
    Subsidy,
    SupervisionCase,
    Unit,
)

FIELDS = records.field_names(OrganisationData)


@dataclass(frozen=True)
class Dependents:
    certificates: int
    subsidies: int
    cases: int

    @property
    def total(self) -> int:
        return self.certificates + self.subsidies + self.cases

    def describe(self) -> str:
        parts = [f"{n} {label}" for n, label in (
            (self.certificates, "张证书/名单"), (self.subsidies, "条奖补记录"),
            (self.cases, "条监督检查记录")) if n]
        return "、".join(parts)


def _validated(reg: Register, s: Session, data: OrganisationData) -> dict[str, object]:
    units = set(s.scalars(select(Unit.code).where(Unit.kind != "city", Unit.active)))
    raise_if(validate_organisation(data, unit_codes=units,
                                   sections=reg.reference.section_ranges()))
    values = records.clean(data)
    values["industry_section"] = values["industry_section"] or None
    return values


def _refuse_duplicate(s: Session, code: str, own_id: int | None = None) -> None:
    found = s.execute(select(Organisation.id, Organisation.name)
                      .where(Organisation.credit_code == code)).first()
    if found and found.id != own_id:
        raise DuplicateOrganisation(found.id, code, found.name)


class DuplicateOrganisation(ValidationError):
    """The credit code is already registered; ``existing_id`` lets the UI link to it."""

    def __init__(self, existing_id: int, code: str, name: str) -> None:
        super().__init__([Issue("credit_code",
                                f"统一社会信用代码 {code} 已登记为“{name}”（编号 {existing_id}）")])
        self.existing_id = existing_id


def _override_note(values: dict[str, object]) -> str:
    note = values.get("code_override_note")
    return f"信用代码校验例外：{note}" if note else ""


def create_organisation(reg: Register, data: OrganisationData) -> int:
    with records.writing(reg) as s:
        values = _validated(reg, s, data)
        _refuse_duplicate(s, str(values["credit_code"]))
        now = records.audit.utcnow()
        row = Organisation(**values, created_at=now, updated_at=now)
        return records.audited_create(reg, s, row, values, entity="organisation",
                                      key=str(values["credit_code"]), name=str(values["name"]),
                                      note=_override_note(values))


def update_organisation(reg: Register, org_id: int, data: OrganisationData) -> dict[str, list]:
    """Save the form's values; returns the changed fields (empty when nothing changed)."""
    with records.writing(reg) as s:
        row = records.require(s, Organisation, org_id, "organisation")
        values = _validated(reg, s, data)
        _refuse_duplicate(s, str(values["credit_code"]), own_id=org_id)
        old_note = row.code_override_note
        changes = records.audited_update(
            reg, s, row, values, entity="organisation", key=str(values["credit_code"]),
            name=str(values["name"]),
            note=_override_note(values) if values["code_override_note"] != old_note else "")
        if changes:
            row.updated_at = records.audit.utcnow()
        return changes


def get_organisation(reg: Register, org_id: int) -> OrganisationData:
    with reg.db.reading() as s:
        row = records.require(s, Organisation, org_id, "organisation")
        values = {f: getattr(row, f) for f in FIELDS}
        values["industry_section"] = values["industry_section"] or ""
        return OrganisationData(**values)


def find_by_code(reg: Register, credit_code: str) -> int | None:
    with reg.db.reading() as s:
        return s.scalar(select(Organisation.id).where(Organisation.credit_code == credit_code))


def dependents(reg: Register, org_id: int) -> Dependents:
    with reg.db.reading() as s:
        return _dependents(s, org_id)


def _dependents(s: Session, org_id: int) -> Dependents:
    def count(model: type[Certificate] | type[Subsidy] | type[SupervisionCase]) -> int:
        return s.scalar(select(func.count()).select_from(model).where(model.org_id == org_id)) or 0

    return Dependents(count(Certificate), count(Subsidy), count(SupervisionCase))


def delete_organisation(reg: Register, org_id: int, *, with_dependents: bool = False) -> Dependents:
    """Delete an organisation. With records attached it is refused unless the caller has
    confirmed ``with_dependents``; then they go too, each with its own audit row."""
    from greencert_desktop.services import cases, certificates, subsidies

    with records.writing(reg) as s:
        row = records.require(s, Organisation, org_id, "organisation")
        deps = _dependents(s, org_id)
        if deps.total and not with_dependents:
            raise UserError(f"“{row.name}”还有 {deps.describe()}，不能直接删除；"
                            "请先确认一并删除这些记录")
        for case in s.scalars(select(SupervisionCase).where(SupervisionCase.org_id == org_id)).all():
            cases.delete_case_in(reg, s, case)
        for sub in s.scalars(select(Subsidy).where(Subsidy.org_id == org_id)).all():
            subsidies.delete_subsidy_in(reg, s, sub)
        for cert in s.scalars(select(Certificate).where(Certificate.org_id == org_id)).all():
            certificates.delete_certificate_in(reg, s, cert)
        records.audited_delete(reg, s, row, FIELDS, entity="organisation", key=row.credit_code,
                               name=row.name)
        return deps
