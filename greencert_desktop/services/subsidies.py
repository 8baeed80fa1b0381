"""Subsidies and leading-unit designations (§十五)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from greencert_desktop.domain.errors import Issue, raise_if
from greencert_desktop.domain.records import SubsidyData
from greencert_desktop.domain.validation import validate_subsidy
from greencert_desktop.services import records
from greencert_desktop.services.register import Register
from greencert_desktop.storage.models import Organisation, Subsidy

STORED = ["year", "org_id", "category", "amount_fen", "doc_number", "granted_on", "notes"]


def _values(reg: Register, s: Session, data: SubsidyData) -> dict[str, object]:
    issues = validate_subsidy(data, today=records.today())
    if data.org_id is not None and s.get(Organisation, data.org_id) is None:
        issues.append(Issue("org_id", f"找不到编号为 {data.org_id} 的获证组织"))
    raise_if(issues)
    values = records.clean(data)
    values["amount_fen"] = int(Decimal(values.pop("amount")) * 100)
    return values


def _name(s: Session, org_id: object) -> str:
    return s.scalar(select(Organisation.name).where(Organisation.id == org_id)) or ""


def create_subsidy(reg: Register, data: SubsidyData) -> int:
    with records.writing(reg) as s:
        values = _values(reg, s, data)
        return records.audited_create(reg, s, Subsidy(**values), values, entity="subsidy",
                                      key=str(values["doc_number"]),
                                      name=_name(s, values["org_id"]))


def update_subsidy(reg: Register, subsidy_id: int, data: SubsidyData) -> dict[str, list]:
    with records.writing(reg) as s:
        row = records.require(s, Subsidy, subsidy_id, "subsidy")
        values = _values(reg, s, data)
        return records.audited_update(reg, s, row, values, entity="subsidy",
                                      key=str(values["doc_number"]),
                                      name=_name(s, values["org_id"]))


def get_subsidy(reg: Register, subsidy_id: int) -> SubsidyData:
    with reg.db.reading() as s:
        row = records.require(s, Subsidy, subsidy_id, "subsidy")
        return SubsidyData(year=row.year, org_id=row.org_id, category=row.category,
                           amount=Decimal(row.amount_fen) / 100, doc_number=row.doc_number,
                           granted_on=row.granted_on, notes=row.notes)


def delete_subsidy(reg: Register, subsidy_id: int) -> None:
    with records.writing(reg) as s:
        delete_subsidy_in(reg, s, records.require(s, Subsidy, subsidy_id, "subsidy"))


def delete_subsidy_in(reg: Register, s: Session, row: Subsidy) -> None:
    records.audited_delete(reg, s, row, STORED, entity="subsidy", key=row.doc_number,
                           name=_name(s, row.org_id))
