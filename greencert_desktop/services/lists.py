"""Paged, filtered, sorted lists for the register's pages: sorting and filtering happen in
SQL and rows are fetched a page at a time, never the whole table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.util import find_tables

from greencert_desktop.domain.status import CertStatus
from greencert_desktop.domain.text import compact, normalize_text
from greencert_desktop.services.register import Register
from greencert_desktop.services.stats import effective_status_expr, issued_by, valid_on
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
    """One page's list: its column keys and how to count and fetch rows for a query.

    ``conditions`` says which rows match using the list's own table and ``IN`` sub-queries
    only, so that counting needs no join (SQLite then counts from an index or one narrow
    scan) while ``base`` adds the joins for the columns shown.
    """

    columns: Sequence[str] = ()
    default_sort: str = "id"
    table: Any = None

    def base(self, today: date) -> Select[Any]:
        raise NotImplementedError

    def sort_keys(self, today: date) -> Mapping[str, Any]:
        """Column key → SQL expression to sort by (``id`` included)."""
        raise NotImplementedError

    def conditions(self, query: ListQuery, today: date) -> list[ColumnElement[bool]]:
        raise NotImplementedError

    def apply(self, q: Select[Any], query: ListQuery, today: date) -> Select[Any]:
        return q.where(*self.conditions(query, today))

    def count(self, reg: Register, query: ListQuery, today: date | None = None) -> int:
        today = today or date.today()
        q = select(func.count()).select_from(self.table).where(*self.conditions(query, today))
        with reg.db.reading() as s:
            return s.scalar(q) or 0

    def _order(self, query: ListQuery, today: date) -> tuple[Any, list[Any]]:
        keys = self.sort_keys(today)
        key = keys.get(query.sort or self.default_sort, keys[self.default_sort])
        order = [key.desc() if query.descending else key.asc()]
        if query.sort != "id":
            order.append(keys["id"].asc())
        return key, order

    def _own_key(self, key: Any) -> bool:
        """Whether ``key`` is a column of the list's own table (no join needed to sort)."""
        return set(find_tables(key.expression, check_columns=True)) <= {self.table.__table__}

    def _rows_for(self, s: Any, base: Select[Any], ids: list[int]) -> list[dict[str, Any]]:
        if not ids:
            return []
        rows = {r.id: r._asdict() for r in s.execute(base.where(self.table.id.in_(ids)))}
        return [rows[i] for i in ids if i in rows]

    def fetch(self, reg: Register, query: ListQuery, offset: int, limit: int,
              today: date | None = None) -> list[dict[str, Any]]:
        """One page of rows. The page's ids are chosen first, from the list's own table
        when the sort key is one of its columns (no join, no sort of joined rows), then
        only those rows are read with their joins."""
        today = today or date.today()
        base = self.base(today)
        key, order = self._order(query, today)
        with reg.db.reading() as s:
            if not self._own_key(key):
                q = self.apply(base, query, today).order_by(*order).offset(offset).limit(limit)
                return [r._asdict() for r in s.execute(q)]
            page = (select(self.table.id).where(*self.conditions(query, today))
                    .order_by(*order).offset(offset).limit(limit))
            return self._rows_for(s, base, list(s.scalars(page)))

    def first_page(self, reg: Register, query: ListQuery, limit: int,
                   today: date | None = None) -> tuple[int, list[dict[str, Any]]]:
        """``count`` and ``fetch(…, 0, limit)`` together. With a filter and a sort on the
        list's own table one query does both (``count(*) OVER ()``), so the filter is
        evaluated once instead of twice."""
        today = today or date.today()
        base = self.base(today)
        key, order = self._order(query, today)
        where = self.conditions(query, today)
        if not where or not self._own_key(key):
            return self.count(reg, query, today), self.fetch(reg, query, 0, limit, today)
        page = (select(self.table.id, func.count().over().label("total")).where(*where)
                .order_by(*order).limit(limit))
        with reg.db.reading() as s:
            found = s.execute(page).all()
            total = found[0].total if found else 0
            return total, self._rows_for(s, base, [r.id for r in found])

    def ids(self, reg: Register, query: ListQuery, today: date | None = None) -> list[int]:
        today = today or date.today()
        q = select(self.table.id).where(*self.conditions(query, today))
        with reg.db.reading() as s:
            return list(s.scalars(q))


def _orgs_matching(text: str) -> Select[Any]:
    """Ids of organisations whose name or credit code contains ``text``."""
    return select(Organisation.id).where(or_(
        Organisation.name.like(_like(text), escape="\\"),
        Organisation.credit_code.like(_like(compact(text)), escape="\\")))


def _orgs_in_unit(unit_code: str) -> Select[Any]:
    return select(Organisation.id).where(Organisation.unit_code == unit_code)


class CertificateList(ListSource):
    table = Certificate
    columns = ("number", "org_name", "credit_code", "type_name", "body_name", "issue_date",
               "expiry_date", "status", "unit_name", "last_surveillance_date")

    def sort_keys(self, today: date) -> Mapping[str, Any]:
        return {
            "id": Certificate.id, "number": Certificate.number, "org_name": Organisation.name,
            "credit_code": Organisation.credit_code, "type_name": CertType.sort,
            "body_name": CertBody.name, "issue_date": Certificate.issue_date,
            "expiry_date": Certificate.expiry_date, "status": effective_status_expr(today),
            "unit_name": Unit.sort, "last_surveillance_date": Certificate.last_surveillance_date,
        }

    def base(self, today: date) -> Select[Any]:
        status = effective_status_expr(today).label("status")
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

    def conditions(self, query: ListQuery, today: date) -> list[ColumnElement[bool]]:
        f = query.filters
        where: list[ColumnElement[bool]] = []
        text = normalize_text(query.text)
        if text:
            # The number through its own index (an IN on ids), not a scan of the wide table.
            numbers = aliased(Certificate)
            where.append(or_(
                Certificate.org_id.in_(_orgs_matching(text)),
                Certificate.id.in_(select(numbers.id).where(
                    numbers.number.like(_like(text), escape="\\")))))
        if f.get("type_code"):
            where.append(Certificate.type_code == f["type_code"])
        if f.get("type_group"):
            where.append(Certificate.type_code.in_(
                select(CertType.code).where(CertType.group == f["type_group"])))
        if f.get("status"):
            where.append(effective_status_expr(today) == CertStatus(f["status"]).value)
        if f.get("unit_code"):
            where.append(Certificate.org_id.in_(_orgs_in_unit(f["unit_code"])))
        if f.get("body_id"):
            where.append(Certificate.body_id == f["body_id"])
        if f.get("org_id"):
            where.append(Certificate.org_id == f["org_id"])
        if f.get("expiring_within") is not None:
            # The explicit range lets SQLite walk the expiry index.
            where += [Certificate.expiry_date >= today,
                      Certificate.expiry_date
                      <= today + timedelta(days=int(f["expiring_within"])),
                      valid_on(today)]
        if f.get("surveillance_overdue"):
            where += surveillance_overdue(today)
        return where


def surveillance_overdue(today: date) -> list[ColumnElement[bool]]:
    """Valid management-system style certificates (a certificate with a body and a validity
    of three years or more) whose last surveillance, or issue, is more than a year ago.

    Written so that SQLite reads the table once in order: a quarter of the register
    matches the parts an index could serve, and reaching those rows one by one through an
    index (expiry date or type) took several times longer than the scan. "Valid" is
    :func:`valid_on` with its expiry test as a ``coalesce`` for that reason.
    """
    return [
        issued_by(today),
        func.coalesce(Certificate.expiry_date, today) >= today,
        or_(Certificate.status == CertStatus.VALID.value,
            and_(Certificate.status_date.is_not(None), Certificate.status_date > today)),
        Certificate.body_id.is_not(None),
        Certificate.type_code.concat("").in_(
            select(CertType.code).where(CertType.validity_years >= 3)),
        func.coalesce(Certificate.last_surveillance_date, Certificate.issue_date)
        < today - timedelta(days=SURVEILLANCE_OVERDUE_DAYS),
    ]


class OrganisationList(ListSource):
    table = Organisation
    columns = ("credit_code", "name", "unit_name", "industry_section", "size",
               "credit_standing", "leader_type", "contact", "phone", "valid_certificates")

    @staticmethod
    def _valid_count(today: date) -> Any:
        return (select(func.count()).where(Certificate.org_id == Organisation.id, valid_on(today))
                .correlate(Organisation).scalar_subquery())

    def sort_keys(self, today: date) -> Mapping[str, Any]:
        return {
            "id": Organisation.id, "credit_code": Organisation.credit_code,
            "name": Organisation.name, "unit_name": Unit.sort,
            "industry_section": Organisation.industry_section, "size": Organisation.size,
            "credit_standing": Organisation.credit_standing,
            "leader_type": Organisation.leader_type, "contact": Organisation.contact,
            "phone": Organisation.phone, "valid_certificates": self._valid_count(today),
        }

    def base(self, today: date) -> Select[Any]:
        valid_count = self._valid_count(today).label("valid_certificates")
        return (select(Organisation.id, Organisation.credit_code, Organisation.name,
                       Organisation.unit_code, Unit.name.label("unit_name"),
                       Organisation.industry_section, Organisation.industry_code,
                       Organisation.size, Organisation.credit_standing,
                       Organisation.leader_type, Organisation.contact, Organisation.phone,
                       valid_count)
                .select_from(Organisation).join(Unit, Organisation.unit_code == Unit.code))

    def conditions(self, query: ListQuery, today: date) -> list[ColumnElement[bool]]:
        f = query.filters
        where: list[ColumnElement[bool]] = []
        text = normalize_text(query.text)
        if text:
            where.append(or_(Organisation.name.like(_like(text), escape="\\"),
                             Organisation.credit_code.like(_like(compact(text)), escape="\\")))
        for key in ("unit_code", "industry_section", "credit_standing", "leader_type"):
            if f.get(key):
                where.append(getattr(Organisation, key) == f[key])
        if f.get("has_valid_certificates") is not None:
            has = exists().where(Certificate.org_id == Organisation.id, valid_on(today))
            where.append(has if f["has_valid_certificates"] else ~has)
        return where


class SubsidyList(ListSource):
    table = Subsidy
    columns = ("year", "org_name", "credit_code", "category", "amount", "doc_number",
               "granted_on")

    def sort_keys(self, today: date) -> Mapping[str, Any]:
        return {"id": Subsidy.id, "year": Subsidy.year, "org_name": Organisation.name,
                         "credit_code": Organisation.credit_code, "category": Subsidy.category,
                         "amount": Subsidy.amount_fen, "doc_number": Subsidy.doc_number,
                         "granted_on": Subsidy.granted_on}

    def base(self, today: date) -> Select[Any]:
        return (select(Subsidy.id, Subsidy.year, Subsidy.org_id,
                       Organisation.name.label("org_name"), Organisation.credit_code,
                       Subsidy.category, (Subsidy.amount_fen / 100.0).label("amount"),
                       Subsidy.doc_number, Subsidy.granted_on)
                .select_from(Subsidy).join(Organisation, Subsidy.org_id == Organisation.id))

    def conditions(self, query: ListQuery, today: date) -> list[ColumnElement[bool]]:
        f = query.filters
        where: list[ColumnElement[bool]] = []
        text = normalize_text(query.text)
        if text:
            where.append(or_(Subsidy.org_id.in_(_orgs_matching(text)),
                             Subsidy.doc_number.like(_like(text), escape="\\")))
        for key in ("year", "category", "org_id"):
            if f.get(key):
                where.append(getattr(Subsidy, key) == f[key])
        if f.get("unit_code"):
            where.append(Subsidy.org_id.in_(_orgs_in_unit(f["unit_code"])))
        return where


class CaseList(ListSource):
    table = SupervisionCase
    columns = ("inspected_on", "org_name", "credit_code", "certificate_number", "kind",
               "finding", "action", "blacklisted")

    def sort_keys(self, today: date) -> Mapping[str, Any]:
        return {"id": SupervisionCase.id, "inspected_on": SupervisionCase.inspected_on,
                         "org_name": Organisation.name, "credit_code": Organisation.credit_code,
                         "certificate_number": Certificate.number, "kind": SupervisionCase.kind,
                         "finding": SupervisionCase.finding, "action": SupervisionCase.action,
                         "blacklisted": SupervisionCase.blacklisted}

    def base(self, today: date) -> Select[Any]:
        return (select(SupervisionCase.id, SupervisionCase.inspected_on, SupervisionCase.org_id,
                       Organisation.name.label("org_name"), Organisation.credit_code,
                       Certificate.number.label("certificate_number"), SupervisionCase.kind,
                       SupervisionCase.finding, SupervisionCase.action,
                       SupervisionCase.blacklisted)
                .select_from(SupervisionCase)
                .join(Organisation, SupervisionCase.org_id == Organisation.id)
                .outerjoin(Certificate, SupervisionCase.certificate_id == Certificate.id))

    def conditions(self, query: ListQuery, today: date) -> list[ColumnElement[bool]]:
        f = query.filters
        where: list[ColumnElement[bool]] = []
        text = normalize_text(query.text)
        if text:
            where.append(or_(SupervisionCase.org_id.in_(_orgs_matching(text)),
                             SupervisionCase.finding.like(_like(text), escape="\\")))
        for key in ("kind", "org_id", "blacklisted"):
            if f.get(key) is not None and f.get(key) != "":
                where.append(getattr(SupervisionCase, key) == f[key])
        if f.get("unit_code"):
            where.append(SupervisionCase.org_id.in_(_orgs_in_unit(f["unit_code"])))
        return where
