"""Paged, filtered, sorted lists for the register's pages: sorting and filtering happen in
SQL and rows are fetched a page at a time, never the whole table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, func, or_, select
from sqlalchemy.orm import aliased

from greencert_desktop.domain.status import CertStatus
from greencert_desktop.domain.text import compact, normalize_text
from greencert_desktop.services.register import Register
from greencert_desktop.services.stats import effective_status_expr, valid_on
from greencert_desktop.storage.models import (
    CertBody,
    Certificate,
    CertType,
    Organisation,
    Subsidy,
    SupervisionCase,
    Unit,
)

EXPIRING_SOON_DAYS = 90
SURVEILLANCE_OVERDUE_DAYS = 365


@dataclass(frozen=True)
class ListQuery:
    """What the filter bar and the header say: free text, page filters, sort column."""

    text: str = ""
    filters: Mapping[str, Any] = field(default_factory=dict)
    sort: str | None = None
    descending: bool = False


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class ListSource:
    """One page's list: its column keys and how to count and fetch rows for a query."""

    columns: Sequence[str] = ()
    sortable: Mapping[str, Any] = {}
    default_sort: str = "id"

    def base(self, today: date) -> Select[Any]:
        raise NotImplementedError

    def apply(self, q: Select[Any], query: ListQuery, today: date) -> Select[Any]:
        raise NotImplementedError

    def count(self, reg: Register, query: ListQuery, today: date | None = None) -> int:
        today = today or date.today()
        q = self.apply(self.base(today), query, today)
        with reg.db.reading() as s:
            return s.scalar(select(func.count()).select_from(q.order_by(None).subquery())) or 0

    def fetch(self, reg: Register, query: ListQuery, offset: int, limit: int,
              today: date | None = None) -> list[dict[str, Any]]:
        today = today or date.today()
        q = self.apply(self.base(today), query, today)
        key = self.sortable.get(query.sort or self.default_sort,
                                self.sortable[self.default_sort])
        order = [key.desc() if query.descending else key.asc()]
        if query.sort != "id":
            order.append(self.sortable["id"].asc())
        q = q.order_by(*order).offset(offset).limit(limit)
        with reg.db.reading() as s:
            return [dict(r._mapping) for r in s.execute(q)]

    def ids(self, reg: Register, query: ListQuery, today: date | None = None) -> list[int]:
        today = today or date.today()
        q = self.apply(self.base(today), query, today).with_only_columns(self.sortable["id"])
        with reg.db.reading() as s:
            return list(s.scalars(q))


class CertificateList(ListSource):
    columns = ("number", "org_name", "credit_code", "type_name", "body_name", "issue_date",
               "expiry_date", "status", "unit_name", "last_surveillance_date")

    def base(self, today: date) -> Select[Any]:
        status = effective_status_expr(today).label("status")
        self.sortable = {
            "id": Certificate.id, "number": Certificate.number, "org_name": Organisation.name,
            "credit_code": Organisation.credit_code, "type_name": CertType.sort,
            "body_name": CertBody.name, "issue_date": Certificate.issue_date,
            "expiry_date": Certificate.expiry_date, "status": status,
            "unit_name": Unit.sort, "last_surveillance_date": Certificate.last_surveillance_date,
        }
        return (select(Certificate.id, Certificate.number, Certificate.org_id,
                       Organisation.name.label("org_name"), Organisation.credit_code,
                       Certificate.type_code, CertType.name.label("type_name"),
                       CertType.kind.label("type_kind"), CertBody.name.label("body_name"),
                       Certificate.issue_date, Certificate.expiry_date, status,
                       Organisation.unit_code, Unit.name.label("unit_name"),
                       Certificate.last_surveillance_date)
                .select_from(Certificate)
                .join(Organisation, Certificate.org_id == Organisation.id)
                .join(CertType, Certificate.type_code == CertType.code)
                .join(Unit, Organisation.unit_code == Unit.code)
                .outerjoin(CertBody, Certificate.body_id == CertBody.id))

    def apply(self, q: Select[Any], query: ListQuery, today: date) -> Select[Any]:
        f = query.filters
        text = normalize_text(query.text)
        if text:
            code = compact(text)
            q = q.where(or_(Organisation.name.like(_like(text), escape="\\"),
                            Organisation.credit_code.like(_like(code), escape="\\"),
                            Certificate.number.like(_like(text), escape="\\")))
        if f.get("type_code"):
            q = q.where(Certificate.type_code == f["type_code"])
        if f.get("type_group"):
            q = q.where(CertType.group == f["type_group"])
        if f.get("status"):
            q = q.where(effective_status_expr(today) == CertStatus(f["status"]).value)
        if f.get("unit_code"):
            q = q.where(Organisation.unit_code == f["unit_code"])
        if f.get("body_id"):
            q = q.where(Certificate.body_id == f["body_id"])
        if f.get("org_id"):
            q = q.where(Certificate.org_id == f["org_id"])
        if f.get("expiring_within") is not None:
            q = q.where(valid_on(today), Certificate.expiry_date.is_not(None),
                        Certificate.expiry_date <= today + timedelta(days=int(f["expiring_within"])))
        if f.get("surveillance_overdue"):
            q = q.where(*surveillance_overdue(today))
        return q


def surveillance_overdue(today: date) -> list[ColumnElement[bool]]:
    """Valid management-system style certificates (a certificate with a body and a validity
    of three years or more) whose last surveillance, or issue, is more than a year ago."""
    ctype = aliased(CertType)
    return [
        valid_on(today), Certificate.body_id.is_not(None),
        exists().where(ctype.code == Certificate.type_code, ctype.validity_years >= 3),
        func.coalesce(Certificate.last_surveillance_date, Certificate.issue_date)
        < today - timedelta(days=SURVEILLANCE_OVERDUE_DAYS),
    ]


class OrganisationList(ListSource):
    columns = ("credit_code", "name", "unit_name", "industry_section", "size",
               "credit_standing", "leader_type", "contact", "phone", "valid_certificates")

    def base(self, today: date) -> Select[Any]:
        valid_count = (select(func.count()).where(Certificate.org_id == Organisation.id,
                                                  valid_on(today))
                       .correlate(Organisation).scalar_subquery().label("valid_certificates"))
        self.sortable = {
            "id": Organisation.id, "credit_code": Organisation.credit_code,
            "name": Organisation.name, "unit_name": Unit.sort,
            "industry_section": Organisation.industry_section, "size": Organisation.size,
            "credit_standing": Organisation.credit_standing,
            "leader_type": Organisation.leader_type, "contact": Organisation.contact,
            "phone": Organisation.phone, "valid_certificates": valid_count,
        }
        return (select(Organisation.id, Organisation.credit_code, Organisation.name,
                       Organisation.unit_code, Unit.name.label("unit_name"),
                       Organisation.industry_section, Organisation.industry_code,
                       Organisation.size, Organisation.credit_standing,
                       Organisation.leader_type, Organisation.contact, Organisation.phone,
                       valid_count)
                .select_from(Organisation).join(Unit, Organisation.unit_code == Unit.code))

    def apply(self, q: Select[Any], query: ListQuery, today: date) -> Select[Any]:
        f = query.filters
        text = normalize_text(query.text)
        if text:
            q = q.where(or_(Organisation.name.like(_like(text), escape="\\"),
                            Organisation.credit_code.like(_like(compact(text)), escape="\\")))
        for key in ("unit_code", "industry_section", "credit_standing", "leader_type"):
            if f.get(key):
                q = q.where(getattr(Organisation, key) == f[key])
        if f.get("has_valid_certificates") is not None:
            has = exists().where(Certificate.org_id == Organisation.id, valid_on(today))
            q = q.where(has if f["has_valid_certificates"] else ~has)
        return q


class SubsidyList(ListSource):
    columns = ("year", "org_name", "credit_code", "category", "amount", "doc_number",
               "granted_on")

    def base(self, today: date) -> Select[Any]:
        self.sortable = {"id": Subsidy.id, "year": Subsidy.year, "org_name": Organisation.name,
                         "credit_code": Organisation.credit_code, "category": Subsidy.category,
                         "amount": Subsidy.amount_fen, "doc_number": Subsidy.doc_number,
                         "granted_on": Subsidy.granted_on}
        return (select(Subsidy.id, Subsidy.year, Subsidy.org_id,
                       Organisation.name.label("org_name"), Organisation.credit_code,
                       Subsidy.category, (Subsidy.amount_fen / 100.0).label("amount"),
                       Subsidy.doc_number, Subsidy.granted_on)
                .select_from(Subsidy).join(Organisation, Subsidy.org_id == Organisation.id))

    def apply(self, q: Select[Any], query: ListQuery, today: date) -> Select[Any]:
        f = query.filters
        text = normalize_text(query.text)
        if text:
            q = q.where(or_(Organisation.name.like(_like(text), escape="\\"),
                            Organisation.credit_code.like(_like(compact(text)), escape="\\"),
                            Subsidy.doc_number.like(_like(text), escape="\\")))
        for key in ("year", "category", "org_id"):
            if f.get(key):
                q = q.where(getattr(Subsidy, key) == f[key])
        if f.get("unit_code"):
            q = q.where(Organisation.unit_code == f["unit_code"])
        return q


class CaseList(ListSource):
    columns = ("inspected_on", "org_name", "credit_code", "certificate_number", "kind",
               "finding", "action", "blacklisted")

    def base(self, today: date) -> Select[Any]:
        self.sortable = {"id": SupervisionCase.id, "inspected_on": SupervisionCase.inspected_on,
                         "org_name": Organisation.name, "credit_code": Organisation.credit_code,
                         "certificate_number": Certificate.number, "kind": SupervisionCase.kind,
                         "finding": SupervisionCase.finding, "action": SupervisionCase.action,
                         "blacklisted": SupervisionCase.blacklisted}
        return (select(SupervisionCase.id, SupervisionCase.inspected_on, SupervisionCase.org_id,
                       Organisation.name.label("org_name"), Organisation.credit_code,
                       Certificate.number.label("certificate_number"), SupervisionCase.kind,
                       SupervisionCase.finding, SupervisionCase.action,
                       SupervisionCase.blacklisted)
                .select_from(SupervisionCase)
                .join(Organisation, SupervisionCase.org_id == Organisation.id)
                .outerjoin(Certificate, SupervisionCase.certificate_id == Certificate.id))

    def apply(self, q: Select[Any], query: ListQuery, today: date) -> Select[Any]:
        f = query.filters
        text = normalize_text(query.text)
        if text:
            q = q.where(or_(Organisation.name.like(_like(text), escape="\\"),
                            Organisation.credit_code.like(_like(compact(text)), escape="\\"),
                            SupervisionCase.finding.like(_like(text), escape="\\")))
        for key in ("kind", "org_id", "blacklisted"):
            if f.get(key) is not None and f.get(key) != "":
                q = q.where(getattr(SupervisionCase, key) == f[key])
        if f.get("unit_code"):
            q = q.where(Organisation.unit_code == f["unit_code"])
        return q
