"""Figures over the register, computed with SQL aggregates (never by loading tables)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, case, false, func, or_, select
from sqlalchemy.orm import Session

from greencert_desktop.domain.errors import UserError
from greencert_desktop.domain.indicators import IndicatorProgress
from greencert_desktop.domain.periods import Period
from greencert_desktop.domain.status import CertStatus
from greencert_desktop.services.register import Register
from greencert_desktop.storage.models import (
    Certificate,
    CertType,
    Indicator,
    IndicatorQuota,
    Organisation,
    Subsidy,
    SupervisionCase,
    Unit,
)

STATUS_CODES = [s.value for s in CertStatus]


def record_counts(reg: Register) -> dict[str, int]:
    """How many records of each kind the register holds (for the status bar)."""
    with reg.db.reading() as s:
        return {
            "organisations": s.scalar(select(func.count()).select_from(Organisation)) or 0,
            "certificates": s.scalar(select(func.count()).select_from(Certificate)) or 0,
            "subsidies": s.scalar(select(func.count()).select_from(Subsidy)) or 0,
            "cases": s.scalar(select(func.count()).select_from(SupervisionCase)) or 0,
        }


def effective_status_expr(on: date) -> ColumnElement[str]:
    """SQL for the status on day ``on`` (``domain.status.effective_status`` with the status
    date): a status set only after ``on`` counts as valid, and valid past the expiry as 05."""
    valid, expired = CertStatus.VALID.value, CertStatus.EXPIRED.value
    changed_later = and_(Certificate.status != valid, Certificate.status_date.is_not(None),
                         Certificate.status_date > on)
    valid_then = or_(Certificate.status == valid, changed_later)
    return case((and_(valid_then, Certificate.expiry_date < on), expired),
                (changed_later, valid),
                else_=Certificate.status)


def issued_by(on: date) -> ColumnElement[bool]:
    return or_(Certificate.issue_date <= on,
               and_(Certificate.issue_date.is_(None), Certificate.batch_year <= on.year))


def valid_on(on: date) -> ColumnElement[bool]:
    """Valid on day ``on``: issued by then, not expired, and either still valid or changed
    to another status only after that day."""
    return and_(
        issued_by(on),
        or_(Certificate.expiry_date.is_(None), Certificate.expiry_date >= on),
        or_(Certificate.status == CertStatus.VALID.value,
            and_(Certificate.status_date.is_not(None), Certificate.status_date > on)),
    )


def _unit_filter(reg: Register, unit: str | None) -> str | None:
    """None means the whole register (no unit given, or the city code)."""
    if not unit or unit == reg.reference.city.code:
        return None
    with reg.db.reading() as s:
        if s.get(Unit, unit) is None:
            raise UserError(f"区划代码“{unit}”不在区划列表中")
    return unit


def statistics(reg: Register, *, unit: str | None = None, period: Period | None = None,
               today: date | None = None) -> dict[str, Any]:
    """Counts by unit, type and status, and indicator progress, as plain JSON-ready data.

    Figures are as of the period's last day (or today, for a period not yet over).
    """
    today = today or date.today()
    as_of = min(period.end, today) if period else today
    unit_code = _unit_filter(reg, unit)
    with reg.db.reading() as s:
        return {
            "unit": _unit_info(s, unit_code, reg),
            "period": _period_info(period),
            "as_of": as_of.isoformat(),
            "totals": _totals(s, unit_code, as_of, period),
            "by_status": _by_status(s, unit_code, as_of),
            "by_type": _by_type(s, unit_code, as_of, period),
            "by_unit": _by_unit(s, as_of) if unit_code is None else [],
            "indicators": [_jsonable_progress(p) for p in
                           indicator_progress(s, unit_code, as_of)],
        }


def _unit_info(s: Session, unit_code: str | None, reg: Register) -> dict[str, str]:
    if unit_code is None:
        return {"code": reg.reference.city.code, "name": reg.reference.city.name}
    unit = s.get(Unit, unit_code)
    return {"code": unit_code, "name": unit.name if unit else ""}


def _period_info(period: Period | None) -> dict[str, str] | None:
    if period is None:
        return None
    return {"code": period.code, "words": period.words, "start": period.start.isoformat(),
            "end": period.end.isoformat()}


def _cert_query(unit_code: str | None, *cols: Any) -> Any:
    q = select(*cols).select_from(Certificate).join(Organisation,
                                                     Certificate.org_id == Organisation.id)
    if unit_code:
        q = q.where(Organisation.unit_code == unit_code)
    return q


def _totals(s: Session, unit_code: str | None, as_of: date,
            period: Period | None) -> dict[str, int]:
    """One pass over the certificates (every figure counts only certificates issued by
    ``as_of``; new ones are issued in the period)."""
    orgs = select(func.count()).select_from(Organisation)
    if unit_code:
        orgs = orgs.where(Organisation.unit_code == unit_code)
    valid = valid_on(as_of)
    new = (Certificate.issue_date.between(period.start, as_of) if period is not None
           else false())
    certificates, valid_count, certified, new_count = s.execute(_cert_query(
        unit_code, func.count(), func.sum(case((valid, 1), else_=0)),
        func.count(func.distinct(case((valid, Certificate.org_id)))),
        func.sum(case((new, 1), else_=0))).where(issued_by(as_of))).one()
    totals = {
        "organisations": s.scalar(orgs) or 0,
        "certified_organisations": certified or 0,
        "certificates": certificates or 0,
        "valid": valid_count or 0,
    }
    if period is not None:
        totals["new_in_period"] = new_count or 0
    return totals


def _by_status(s: Session, unit_code: str | None, as_of: date) -> dict[str, dict[str, Any]]:
    status = effective_status_expr(as_of)
    rows = dict(s.execute(_cert_query(unit_code, status, func.count())
                          .where(issued_by(as_of)).group_by(status)).tuples().all())
    return {code: {"label": CertStatus(code).label, "count": rows.get(code, 0)}
            for code in STATUS_CODES}


def _by_type(s: Session, unit_code: str | None, as_of: date,
             period: Period | None) -> list[dict[str, Any]]:
    status = effective_status_expr(as_of)
    counts: dict[str, dict[str, int]] = {}
    for type_code, st, n in s.execute(
            _cert_query(unit_code, Certificate.type_code, status, func.count())
            .where(issued_by(as_of)).group_by(Certificate.type_code, status)).tuples():
        counts.setdefault(type_code, {})[st] = n
    new: dict[str, int] = {}
    if period is not None:
        new = dict(s.execute(_cert_query(unit_code, Certificate.type_code, func.count())
                             .where(Certificate.issue_date.between(period.start, as_of))
                             .group_by(Certificate.type_code)).tuples().all())
    result = []
    for t in s.scalars(select(CertType).order_by(CertType.sort, CertType.code)):
        by_status = {code: counts.get(t.code, {}).get(code, 0) for code in STATUS_CODES}
        if not t.active and not any(by_status.values()):
            continue
        result.append({"code": t.code, "name": t.name, "kind": t.kind, "group": t.group,
                       "total": sum(by_status.values()), "new": new.get(t.code, 0),
                       "valid": by_status[CertStatus.VALID.value], "by_status": by_status})
    return result


def _by_unit(s: Session, as_of: date) -> list[dict[str, Any]]:
    orgs = dict(s.execute(select(Organisation.unit_code, func.count())
                          .group_by(Organisation.unit_code)).tuples().all())
    totals = dict(s.execute(_cert_query(None, Organisation.unit_code, func.count())
                            .where(issued_by(as_of)).group_by(Organisation.unit_code))
                  .tuples().all())
    valid = dict(s.execute(_cert_query(None, Organisation.unit_code, func.count())
                           .where(valid_on(as_of)).group_by(Organisation.unit_code))
                 .tuples().all())
    units = s.scalars(select(Unit).where(Unit.kind != "city").order_by(Unit.sort, Unit.code))
    return [{"code": u.code, "name": u.name, "organisations": orgs.get(u.code, 0),
             "certificates": totals.get(u.code, 0), "valid": valid.get(u.code, 0)}
            for u in units if u.active or orgs.get(u.code)]


def indicator_progress(s: Session, unit_code: str | None, as_of: date) -> list[IndicatorProgress]:
    quotas: dict[str, float] = {}
    if unit_code:
        quotas = dict(s.execute(select(IndicatorQuota.indicator_code, IndicatorQuota.target)
                                .where(IndicatorQuota.unit_code == unit_code)).tuples().all())
    # valid certificates by indicator in one pass (an indicator counts the types linked to it)
    valid_by_indicator: dict[str, int] = {}
    for indicator_code, n in s.execute(
            _cert_query(unit_code, CertType.indicator_code, func.count())
            .join(CertType, Certificate.type_code == CertType.code)
            .where(valid_on(as_of), CertType.indicator_code.is_not(None))
            .group_by(CertType.indicator_code)).tuples():
        valid_by_indicator[indicator_code] = n
    result = []
    for ind in s.scalars(select(Indicator).order_by(Indicator.sort, Indicator.code)):
        count = (valid_by_indicator.get(ind.code, 0) if ind.source == "certificates"
                 else _indicator_count(s, ind, unit_code, as_of))
        result.append(IndicatorProgress(
            code=ind.code, name=ind.name, measure=ind.measure, count=count, target=ind.target,
            quota=quotas.get(ind.code)))
    return result


def _indicator_count(s: Session, ind: Indicator, unit_code: str | None,
                     as_of: date) -> float | None:
    filters = json.loads(ind.filter_json or "{}")
    if ind.source == "certificates":
        types = select(CertType.code).where(CertType.indicator_code == ind.code)
        return s.scalar(_cert_query(unit_code, func.count()).where(
            valid_on(as_of), Certificate.type_code.in_(types))) or 0
    if ind.source == "organisations":
        q = select(func.count()).select_from(Organisation)
        if "leader_type" in filters:
            q = q.where(Organisation.leader_type == filters["leader_type"])
        if unit_code:
            q = q.where(Organisation.unit_code == unit_code)
        return s.scalar(q) or 0
    if ind.source == "subsidies":
        q = (select(func.count()).select_from(Subsidy)
             .join(Organisation, Subsidy.org_id == Organisation.id)
             .where(Subsidy.year == as_of.year))
        if "category" in filters:
            q = q.where(Subsidy.category == filters["category"])
        if unit_code:
            q = q.where(Organisation.unit_code == unit_code)
        return s.scalar(q) or 0
    return None  # a share needs a denominator the register does not hold


def _jsonable_progress(p: IndicatorProgress) -> dict[str, Any]:
    return {"code": p.code, "name": p.name, "measure": p.measure, "count": p.count,
            "target": p.target, "quota": p.quota,
            "ratio": None if p.ratio is None else round(p.ratio, 4)}
