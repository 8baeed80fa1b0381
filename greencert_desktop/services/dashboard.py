"""What the home page and the charts show, as plain data computed with SQL aggregates.

Nothing here loads a table: every figure is a ``count``/``sum(case …)`` over the register,
mostly in one pass per chart. The home page calls :func:`overview`; the charts page and the
brief call the ``*_chart`` functions, which all return the same shape (a *chart dict*)::

    {"key": "valid_by_type", "title": "…", "subtitle": "…", "orientation": "h" | "v",
     "stacked": bool, "value_label": "…", "page": "certificates",
     "base_filters": {…},                       # the chart's own filters (unit, group)
     "categories": [{"label": "…", "group": "…" | None, "filters": {…}, "page"?: "…"}],
     "series": [{"label": "…", "filters": {…}, "values": [number | None, …]}],
     …chart-specific keys (indicators: "targets")}

A bar is (category i, series j); clicking it opens ``category.get("page", chart["page"])``
filtered by ``base_filters | category.filters | series.filters`` (:func:`bar_filters`), with
the filter keys the list pages accept (see :mod:`greencert_desktop.services.lists`).

Chart text (titles, axis labels, series names) is Chinese domain text from here, like the
type, unit and section names it sits next to: the charts and the brief are official Chinese
documents whatever the interface language, and the command-line brief has no Qt to translate
with. Interface text around the charts is translated in ``ui/`` as usual.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from greencert_desktop.domain.errors import UserError
from greencert_desktop.domain.indicators import IndicatorProgress, format_number
from greencert_desktop.domain.periods import Period, PeriodType
from greencert_desktop.domain.status import CertStatus
from greencert_desktop.services.lists import surveillance_overdue
from greencert_desktop.services.register import Register
from greencert_desktop.services.stats import (
    _indicator_count,
    _jsonable_progress,
    _unit_filter,
    issued_by,
    valid_on,
)
from greencert_desktop.storage.models import (
    AuditEntry,
    Certificate,
    CertType,
    Indicator,
    IndicatorQuota,
    IndustrySection,
    Organisation,
    Submission,
    Subsidy,
    Unit,
)

BLACKLIST = "严重违法失信名单"
EXPIRY_WINDOWS = (30, 60, 90)
EXPIRY_MONTHS = 12
DEFAULT_TREND_PERIODS = {PeriodType.QUARTER: 8, PeriodType.MONTH: 12, PeriodType.YEAR: 6}
NO_SECTION = "未填"

CHART_KEYS = ("indicators", "valid_by_type", "trend", "expiries", "industries")


# ---------------------------------------------------------------------------- filters


@dataclass(frozen=True)
class ChartFilter:
    """The charts page's filter bar: unit (None = whole register), period range, type group,
    and whether to split every chart by unit (city install, whole register only)."""

    unit: str | None = None
    period_from: Period | None = None
    period_to: Period | None = None
    type_group: str | None = None
    by_unit: bool = False


def _resolved(reg: Register, f: ChartFilter, today: date) -> tuple[str | None, Period, Period]:
    unit_code = _unit_filter(reg, f.unit)
    ptype = PeriodType(reg.get("period_type"))
    last = f.period_to or Period.containing(today, ptype)
    first = f.period_from or last.last_n(DEFAULT_TREND_PERIODS[last.type])[0]
    if first.type is not last.type:
        first = Period.containing(first.start, last.type)
    if first > last:
        first, last = last, first
    return unit_code, first, last


def _as_of(last: Period, today: date) -> date:
    return min(last.end, today)


def _cert_where(unit_code: str | None, type_group: str | None) -> list[ColumnElement[bool]]:
    """Unit and group as ``IN`` sub-queries on the certificates table (no join needed)."""
    where: list[ColumnElement[bool]] = []
    if unit_code:
        where.append(Certificate.org_id.in_(
            select(Organisation.id).where(Organisation.unit_code == unit_code)))
    if type_group:
        where.append(Certificate.type_code.in_(
            select(CertType.code).where(CertType.group == type_group)))
    return where


def scanned(cond: ColumnElement[bool]) -> ColumnElement[bool]:
    """``cond`` as a WHERE that SQLite cannot answer from an index.

    The validity test touches most rows; through the expiry or type index SQLite reads them
    one by one, several times slower than one pass over the table (measured in
    ``benchmarks/dashboard.py``), so the aggregates here scan."""
    return case((cond, 1), else_=0) == 1


def count_if(cond: ColumnElement[bool]) -> Any:
    return func.sum(case((cond, 1), else_=0))


def indicator_progress(s: Session, unit_code: str | None, as_of: date,
                       ) -> list[IndicatorProgress]:
    """As :func:`greencert_desktop.services.stats.indicator_progress`, with every
    certificate indicator counted in one pass over the certificates."""
    indicators = list(s.scalars(select(Indicator).order_by(Indicator.sort, Indicator.code)))
    types: dict[str, list[str]] = {}
    for code, ind in s.execute(select(CertType.code, CertType.indicator_code)
                               .where(CertType.indicator_code.is_not(None))):
        types.setdefault(ind, []).append(code)
    cert_inds = [i.code for i in indicators if i.source == "certificates"]
    counts: dict[str, float | None] = {}
    if cert_inds:
        valid = valid_on(as_of)
        row = s.execute(select(*(
            func.sum(case((Certificate.type_code.in_(types.get(code, [""])),
                           case((valid, 1), else_=0)), else_=0)) for code in cert_inds))
            .select_from(Certificate).where(*_cert_where(unit_code, None))).one()
        counts = {code: _n(v) for code, v in zip(cert_inds, row, strict=True)}
    quotas: dict[str, float] = {}
    if unit_code:
        quotas = dict(s.execute(select(IndicatorQuota.indicator_code, IndicatorQuota.target)
                                .where(IndicatorQuota.unit_code == unit_code)).tuples().all())
    return [IndicatorProgress(
        code=ind.code, name=ind.name, measure=ind.measure,
        count=counts[ind.code] if ind.code in counts
        else _indicator_count(s, ind, unit_code, as_of),
        target=ind.target, quota=quotas.get(ind.code)) for ind in indicators]


def _base_filters(unit_code: str | None, type_group: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if unit_code:
        out["unit_code"] = unit_code
    if type_group:
        out["type_group"] = type_group
    return out


def bar_filters(chart: Mapping[str, Any], category: int, series: int) -> tuple[str, dict[str, Any]]:
    """The page and list filters a click on bar (category, series) opens."""
    cat = chart["categories"][category]
    ser = chart["series"][series]
    filters = {**chart.get("base_filters", {}), **cat.get("filters", {}),
               **ser.get("filters", {})}
    return cat.get("page", chart["page"]), filters


def _units(s: Session) -> list[tuple[str, str]]:
    rows = s.execute(select(Unit.code, Unit.name, Unit.active).where(Unit.kind != "city")
                     .order_by(Unit.sort, Unit.code)).all()
    return [(code, name) for code, name, active in rows if active]


def _units_with_orgs(s: Session) -> list[tuple[str, str]]:
    """Active units plus any inactive unit that still has organisations."""
    used = set(s.scalars(select(Organisation.unit_code).distinct()))
    rows = s.execute(select(Unit.code, Unit.name, Unit.active).where(Unit.kind != "city")
                     .order_by(Unit.sort, Unit.code)).all()
    return [(code, name) for code, name, active in rows if active or code in used]


def _unit_name(reg: Register, s: Session, unit_code: str | None) -> str:
    if unit_code is None:
        return reg.reference.city.name
    unit = s.get(Unit, unit_code)
    return unit.name if unit else unit_code


def _subtitle(unit_name: str, as_of: date, type_group: str | None) -> str:
    group = f" · {type_group}" if type_group else ""
    return f"{unit_name}{group} · 截至 {as_of.isoformat()}"


def _n(value: Any) -> int:
    return int(value or 0)


def data_version(reg: Register) -> tuple[int, int, int]:
    """Cheap change marker: the last audit row (every change writes one) and the number of
    certificates and organisations. Pages recompute when it differs from last time."""
    with reg.db.reading() as s:
        return (_n(s.scalar(select(func.max(AuditEntry.id)))),
                _n(s.scalar(select(func.count()).select_from(Certificate))),
                _n(s.scalar(select(func.count()).select_from(Organisation))))


# ---------------------------------------------------------------------------- home


def overview(reg: Register, *, unit: str | None = None, today: date | None = None,
             ) -> dict[str, Any]:
    """The home page: figures at a glance, indicator progress, to-do items, submissions.

    Every figure and to-do item carries the ``page`` and ``filters`` that open the matching
    list. ``unit`` None or the city code means the whole register.
    """
    today = today or date.today()
    unit_code = _unit_filter(reg, unit)
    ptype = PeriodType(reg.get("period_type"))
    current = Period.containing(today, ptype)
    base = _base_filters(unit_code, None)
    valid = valid_on(today)
    kinds = select(CertType.code).where(CertType.kind == "certificate")
    missing = or_(
        and_(Certificate.type_code.in_(kinds),
             or_(Certificate.body_id.is_(None), Certificate.issue_date.is_(None),
                 Certificate.expiry_date.is_(None))),
        and_(Certificate.type_code.not_in(kinds), Certificate.batch_year.is_(None)))

    def n_if(cond: ColumnElement[bool]) -> Any:
        return func.sum(case((cond, 1), else_=0))

    expiring = [n_if(and_(valid, Certificate.expiry_date >= today,
                          Certificate.expiry_date <= today + timedelta(days=d)))
                for d in EXPIRY_WINDOWS]
    with reg.db.reading() as s:
        row = s.execute(select(
            n_if(valid), n_if(Certificate.issue_date.between(current.start, today)),
            n_if(and_(issued_by(today), Certificate.status == CertStatus.SUSPENDED.value)),
            n_if(and_(*surveillance_overdue(today))), n_if(missing), *expiring,
        ).select_from(Certificate).where(*_cert_where(unit_code, None))).one()
        certified = s.scalar(select(func.count(func.distinct(Certificate.org_id)))
                             .where(scanned(valid), *_cert_where(unit_code, None)))
        orgs = select(func.count()).select_from(Organisation).where(
            Organisation.credit_standing == BLACKLIST)
        if unit_code:
            orgs = orgs.where(Organisation.unit_code == unit_code)
        blacklisted = s.scalar(orgs)
        indicators = [_jsonable_progress(p) for p in indicator_progress(s, unit_code, today)]
        for ind in indicators:
            ind.update(_indicator_link(s, ind["code"], today))
        unit_name = _unit_name(reg, s, unit_code)
    valid_n, new_n, suspended_n, overdue_n, missing_n = (_n(v) for v in row[:5])
    expiring_n = [_n(v) for v in row[5:]]
    figures = [
        _item("valid", valid_n, "certificates", {**base, "status": CertStatus.VALID.value}),
        _item("certified_organisations", _n(certified), "organisations",
              {**base, "has_valid_certificates": True}),
        _item("new_in_period", new_n, "certificates", dict(base)),
        _item("expiring_90", expiring_n[-1], "certificates",
              {**base, "expiring_within": EXPIRY_WINDOWS[-1]}),
        _item("suspended", suspended_n, "certificates",
              {**base, "status": CertStatus.SUSPENDED.value}),
        _item("blacklisted", _n(blacklisted), "organisations",
              {**base, "credit_standing": BLACKLIST}),
    ]
    todos = [_item(f"expiring_{d}", n, "certificates", {**base, "expiring_within": d})
             for d, n in zip(EXPIRY_WINDOWS, expiring_n, strict=True)]
    todos.append(_item("surveillance_overdue", overdue_n, "certificates",
                       {**base, "surveillance_overdue": True}))
    todos.append(_item("missing_fields", missing_n, "submission", {}))
    return {
        "unit": {"code": unit_code or reg.reference.city.code, "name": unit_name},
        "today": today.isoformat(),
        "period": {"code": current.code, "words": current.words,
                   "start": current.start.isoformat()},
        "figures": figures,
        "indicators": indicators,
        "todos": todos,
        "submission": submission_status(reg, unit_code, today),
    }


def _item(key: str, count: int, page: str, filters: dict[str, Any]) -> dict[str, Any]:
    return {"key": key, "count": count, "page": page, "filters": filters}


def _indicator_link(s: Session, code: str, as_of: date) -> dict[str, Any]:
    """The list an indicator's count comes from (page and filters)."""
    ind = s.get(Indicator, code)
    if ind is None:
        return {"page": None, "filters": {}}
    filters = json.loads(ind.filter_json or "{}")
    if ind.source == "organisations":
        return {"page": "organisations",
                "filters": {k: v for k, v in filters.items() if k == "leader_type"}}
    if ind.source == "subsidies":
        out = {"year": as_of.year}
        if "category" in filters:
            out["category"] = filters["category"]
        return {"page": "subsidies", "filters": out}
    if ind.source == "certificates":
        rows = s.execute(select(CertType.code, CertType.group)
                         .where(CertType.indicator_code == code)).all()
        out = {"status": CertStatus.VALID.value}
        if len(rows) == 1:
            out["type_code"] = rows[0][0]
        elif rows and len({g for _, g in rows}) == 1:
            # The lists filter one type or one group; several types of one group open
            # the group (it may hold other types as well).
            out["type_group"] = rows[0][1]
        return {"page": "certificates", "filters": out}
    return {"page": None, "filters": {}}


def submission_status(reg: Register, unit_code: str | None, today: date) -> dict[str, Any]:
    """The last export and the period due next; on the city install also how many units
    have reported for the period due."""
    code = unit_code or reg.unit_code or reg.reference.city.code
    due = Period.last_complete(today, reg.get("period_type"))  # as submission.default_period
    with reg.db.reading() as s:
        last = s.execute(select(Submission.period, Submission.recorded_at, Submission.file_name)
                         .where(Submission.direction == "export", Submission.unit_code == code)
                         .order_by(Submission.recorded_at.desc(), Submission.id.desc())
                         .limit(1)).first()
        done = s.scalar(select(func.count()).select_from(Submission).where(
            Submission.direction == "export", Submission.unit_code == code,
            Submission.period == due.code)) or 0
        city = code == reg.reference.city.code
        received = units = None
        if city:
            received = _n(s.scalar(select(func.count(func.distinct(Submission.unit_code)))
                                   .where(Submission.direction == "received",
                                          Submission.period == due.code)))
            units = len(_units(s))
    next_due = due.next() if done else due
    return {
        "last": None if last is None else {
            "period": last.period, "file_name": last.file_name,
            "date": last.recorded_at.date().isoformat()},
        "due": {"code": next_due.code, "words": next_due.words,
                "done_before": due.code if done else None,
                "overdue": not done},
        "city": city, "received": received, "units": units,
        "page": "submission", "filters": {},
    }


# ---------------------------------------------------------------------------- charts


def chart(reg: Register, key: str, f: ChartFilter | None = None, *,
          today: date | None = None) -> dict[str, Any]:
    """One chart's data by key (see :data:`CHART_KEYS`)."""
    builders = {"indicators": indicators_chart, "valid_by_type": valid_by_type_chart,
                "trend": trend_chart, "expiries": expiries_chart,
                "industries": industries_chart}
    return builders[key](reg, f or ChartFilter(), today=today)


def indicators_chart(reg: Register, f: ChartFilter, *, today: date | None = None,
                     ) -> dict[str, Any]:
    """Each indicator's completion (percent of its goal: the quota where set, else the city
    target). By unit: each unit's count as a percent of the city target, stacked, so the
    bar's total is the city's completion. The type group filter does not apply."""
    today = today or date.today()
    unit_code, _first, last = _resolved(reg, f, today)
    as_of = _as_of(last, today)
    by_unit = f.by_unit and unit_code is None
    with reg.db.reading() as s:
        progress = indicator_progress(s, unit_code, as_of)
        links = {p.code: _indicator_link(s, p.code, as_of) for p in progress}
        name = _unit_name(reg, s, unit_code)
        per_unit = _indicator_counts_by_unit(s, as_of) if by_unit else {}
        units = _units(s) if by_unit else []
    categories, targets = [], []
    for p in progress:
        link = links[p.code]
        cat: dict[str, Any] = {"label": p.name, "group": None,
                               "filters": link["filters"]}
        if link["page"]:
            cat["page"] = link["page"]
        categories.append(cat)
        targets.append({"code": p.code, "measure": p.measure, "count": p.count,
                        "target": p.target, "quota": p.quota, "ratio": p.ratio,
                        "text": _progress_text(p.count, p.target, p.quota, p.measure)})
    if by_unit:
        series = []
        for code, uname in units:
            values: list[float | None] = []
            for p in progress:
                count = per_unit.get(p.code, {}).get(code)
                values.append(None if count is None or not p.target
                              else round(100.0 * count / p.target, 2))
            series.append({"label": uname, "filters": {"unit_code": code}, "values": values})
    else:
        series = [{"label": "完成率", "filters": {},
                   "values": [None if p.ratio is None else round(100.0 * p.ratio, 2)
                              for p in progress]}]
    return {"key": "indicators", "title": "2025年目标指标完成情况",
            "subtitle": _subtitle(name, as_of, None), "orientation": "h",
            "stacked": by_unit, "value_label": "完成率（%）", "page": "certificates",
            "base_filters": _base_filters(unit_code, None), "categories": categories,
            "series": series, "targets": targets, "as_of": as_of.isoformat()}


def _progress_text(count: float | None, target: float | None, quota: float | None,
                   measure: str) -> str:
    if count is None:
        return "需另行填报"
    text = f"{format_number(count)}{measure}"
    if quota:
        text += f" / 配额 {format_number(quota)}"
    if target is not None:
        text += f" / 目标 {format_number(target)}"
    return text


def _indicator_counts_by_unit(s: Session, as_of: date) -> dict[str, dict[str, float]]:
    """indicator code → unit code → count, with one grouped query per source."""
    indicators = list(s.scalars(select(Indicator)))
    out: dict[str, dict[str, float]] = {}
    by_type: dict[str, dict[str, int]] = {}
    cert_inds = [i for i in indicators if i.source == "certificates"]
    if cert_inds:
        types = dict(s.execute(select(CertType.code, CertType.indicator_code)
                               .where(CertType.indicator_code.is_not(None))).tuples().all())
        type_key = Certificate.type_code.concat("")  # group in the scan, not via the index
        q = (select(Organisation.unit_code, type_key, count_if(valid_on(as_of)))
             .select_from(Certificate).join(Organisation, Certificate.org_id == Organisation.id)
             .where(Certificate.type_code.in_(list(types)))
             .group_by(Organisation.unit_code, type_key))
        for unit, type_code, n in s.execute(q):
            n = _n(n)
            by_type.setdefault(types[type_code], {})
            by_type[types[type_code]][unit] = by_type[types[type_code]].get(unit, 0) + n
    for ind in indicators:
        filters = json.loads(ind.filter_json or "{}")
        if ind.source == "certificates":
            out[ind.code] = dict(by_type.get(ind.code, {}))
        elif ind.source == "organisations":
            q = select(Organisation.unit_code, func.count()).group_by(Organisation.unit_code)
            if "leader_type" in filters:
                q = q.where(Organisation.leader_type == filters["leader_type"])
            out[ind.code] = dict(s.execute(q).tuples().all())
        elif ind.source == "subsidies":
            q = (select(Organisation.unit_code, func.count()).select_from(Subsidy)
                 .join(Organisation, Subsidy.org_id == Organisation.id)
                 .where(Subsidy.year == as_of.year).group_by(Organisation.unit_code))
            if "category" in filters:
                q = q.where(Subsidy.category == filters["category"])
            out[ind.code] = dict(s.execute(q).tuples().all())
    return out


def valid_by_type_chart(reg: Register, f: ChartFilter, *, today: date | None = None,
                        ) -> dict[str, Any]:
    """Valid certificates and listings per type, types grouped by policy section."""
    today = today or date.today()
    unit_code, _first, last = _resolved(reg, f, today)
    as_of = _as_of(last, today)
    by_unit = f.by_unit and unit_code is None
    where = _cert_where(unit_code, f.type_group)
    n_valid = count_if(valid_on(as_of))
    type_key = Certificate.type_code.concat("")  # group in the scan, not via the index
    with reg.db.reading() as s:
        types = s.execute(select(CertType.code, CertType.name, CertType.section,
                                 CertType.group, CertType.active)
                          .order_by(CertType.sort, CertType.code)).all()
        if by_unit:
            units = _units_with_orgs(s)
            counts: dict[tuple[str, str], int] = {
                (t, u): _n(n) for u, t, n in s.execute(
                    select(Organisation.unit_code, type_key, n_valid)
                    .select_from(Certificate)
                    .join(Organisation, Certificate.org_id == Organisation.id)
                    .where(*where).group_by(Organisation.unit_code, type_key))}
        else:
            units = []
            counts = {(t, ""): _n(n) for t, n in s.execute(
                select(type_key, n_valid).select_from(Certificate).where(*where)
                .group_by(type_key))}
        name = _unit_name(reg, s, unit_code)
    # sections in the order their first type appears, types in catalogue order inside
    order: dict[str, int] = {}
    for t in types:
        order.setdefault(_section_label(t.section, t.group), len(order))
    shown = [t for t in types
             if (not f.type_group or t.group == f.type_group)
             and (t.active or any(k[0] == t.code and v for k, v in counts.items()))]
    shown.sort(key=lambda t: order[_section_label(t.section, t.group)])
    categories = [{"label": t.name, "group": _section_label(t.section, t.group),
                   "filters": {"type_code": t.code}} for t in shown]
    valid_filter = {"status": CertStatus.VALID.value}
    if by_unit:
        series = [{"label": uname, "filters": {**valid_filter, "unit_code": code},
                   "values": [counts.get((t.code, code), 0) for t in shown]}
                  for code, uname in units]
    else:
        series = [{"label": "有效证书/名单", "filters": valid_filter,
                   "values": [counts.get((t.code, ""), 0) for t in shown]}]
    return {"key": "valid_by_type", "title": "有效证书与名单（按类别，按实施意见条目分组）",
            "subtitle": _subtitle(name, as_of, f.type_group), "orientation": "h",
            "stacked": by_unit, "value_label": "有效数量（张/项）", "page": "certificates",
            "base_filters": _base_filters(unit_code, f.type_group),
            "categories": categories, "series": series, "as_of": as_of.isoformat()}


def _section_label(section: str, group: str) -> str:
    return f"（{section}）{group}" if section else (group or "其他")


def trend_chart(reg: Register, f: ChartFilter, *, today: date | None = None,
                ) -> dict[str, Any]:
    """New certificates in each period and valid ones at each period's end, over the period
    range (one scan: a ``sum(case …)`` per period). By unit: valid at period end, stacked."""
    today = today or date.today()
    unit_code, first, last = _resolved(reg, f, today)
    periods: list[Period] = []
    p = first
    while p <= last and len(periods) < 120:
        periods.append(p)
        p = p.next()
    periods = [p for p in periods if p.start <= today]
    by_unit = f.by_unit and unit_code is None
    ends = [_as_of(p, today) for p in periods]
    new_cols = [func.sum(case((Certificate.issue_date.between(p.start, end), 1), else_=0))
                for p, end in zip(periods, ends, strict=True)]
    valid_cols = [func.sum(case((valid_on(end), 1), else_=0)) for end in ends]
    where = _cert_where(unit_code, f.type_group)
    with reg.db.reading() as s:
        name = _unit_name(reg, s, unit_code)
        if by_unit and periods:
            units = _units_with_orgs(s)
            rows = {r[0]: [_n(v) for v in r[1:]] for r in s.execute(
                select(Organisation.unit_code, *valid_cols).select_from(Certificate)
                .join(Organisation, Certificate.org_id == Organisation.id)
                .where(*where).group_by(Organisation.unit_code))}
            series = [{"label": uname, "filters": {"status": CertStatus.VALID.value,
                                                   "unit_code": code},
                       "values": rows.get(code, [0] * len(periods))} for code, uname in units]
        elif periods:
            row = [_n(v) for v in s.execute(select(*new_cols, *valid_cols)
                                            .select_from(Certificate).where(*where)).one()]
            series = [{"label": "本期新增", "filters": {}, "values": row[:len(periods)]},
                      {"label": "期末有效", "filters": {"status": CertStatus.VALID.value},
                       "values": row[len(periods):]}]
        else:
            series = []
    categories = [{"label": _short_period(p), "group": None, "filters": {},
                   "period": p.code} for p in periods]
    span = f"{periods[0].code}–{periods[-1].code}" if periods else ""
    return {"key": "trend",
            "title": "各报告期期末有效证书（按单位）" if by_unit else "各报告期新增与期末有效证书",
            "subtitle": f"{name}{' · ' + f.type_group if f.type_group else ''} · {span}",
            "orientation": "v", "stacked": by_unit, "value_label": "数量（张/项）",
            "page": "certificates", "base_filters": _base_filters(unit_code, f.type_group),
            "categories": categories, "series": series,
            "as_of": (ends[-1] if ends else today).isoformat()}


def _short_period(p: Period) -> str:
    if p.type is PeriodType.QUARTER:
        return f"{p.year}Q{p.number}"
    if p.type is PeriodType.MONTH:
        return f"{p.year}-{p.number:02d}"
    return str(p.year)


def month_buckets(today: date, months: int = EXPIRY_MONTHS) -> list[tuple[date, date]]:
    """``months`` calendar months from today's: (first day, last day); the first starts today."""
    out = []
    start = today
    for _ in range(months):
        nxt = (start.replace(day=1) + timedelta(days=32)).replace(day=1)
        out.append((start, nxt - timedelta(days=1)))
        start = nxt
    return out


def expiries_chart(reg: Register, f: ChartFilter, *, today: date | None = None,
                   ) -> dict[str, Any]:
    """Valid certificates expiring in each of the next 12 calendar months (from today; the
    period range does not apply). A bar opens the list expiring up to that month's end."""
    today = today or date.today()
    unit_code, _first, _last = _resolved(reg, f, today)
    by_unit = f.by_unit and unit_code is None
    buckets = month_buckets(today)
    cols = [func.sum(case((Certificate.expiry_date.between(lo, hi), 1), else_=0))
            for lo, hi in buckets]
    where = [valid_on(today), Certificate.expiry_date >= today,
             Certificate.expiry_date <= buckets[-1][1], *_cert_where(unit_code, f.type_group)]
    with reg.db.reading() as s:
        name = _unit_name(reg, s, unit_code)
        if by_unit:
            units = _units_with_orgs(s)
            rows = {r[0]: [_n(v) for v in r[1:]] for r in s.execute(
                select(Organisation.unit_code, *cols).select_from(Certificate)
                .join(Organisation, Certificate.org_id == Organisation.id)
                .where(*where).group_by(Organisation.unit_code))}
            series = [{"label": uname, "filters": {"unit_code": code},
                       "values": rows.get(code, [0] * len(buckets))} for code, uname in units]
        else:
            row = s.execute(select(*cols).select_from(Certificate).where(*where)).one()
            series = [{"label": "到期证书", "filters": {}, "values": [_n(v) for v in row]}]
    categories = [{"label": f"{lo.year}-{lo.month:02d}", "group": None,
                   "filters": {"expiring_within": (hi - today).days}} for lo, hi in buckets]
    return {"key": "expiries", "title": "未来12个月到期的有效证书",
            "subtitle": _subtitle(name, today, f.type_group), "orientation": "v",
            "stacked": by_unit, "value_label": "到期数量（张）", "page": "certificates",
            "base_filters": _base_filters(unit_code, f.type_group),
            "categories": categories, "series": series, "as_of": today.isoformat()}


def industries_chart(reg: Register, f: ChartFilter, *, today: date | None = None,
                     ) -> dict[str, Any]:
    """Organisations per GB/T 4754 section: with a valid certificate (of the type group when
    one is chosen) and, without a group, the others. By unit: with a valid certificate,
    stacked by unit."""
    today = today or date.today()
    unit_code, _first, last = _resolved(reg, f, today)
    as_of = _as_of(last, today)
    by_unit = f.by_unit and unit_code is None
    certified = Organisation.id.in_(
        select(Certificate.org_id).where(scanned(valid_on(as_of)),
                                         *_cert_where(None, f.type_group)))
    section = func.coalesce(Organisation.industry_section, "")
    with reg.db.reading() as s:
        name = _unit_name(reg, s, unit_code)
        sections = s.execute(select(IndustrySection.code, IndustrySection.name)
                             .order_by(IndustrySection.code)).all()
        if by_unit:
            units = _units_with_orgs(s)
            counts = {(sec, u): n for u, sec, n in s.execute(
                select(Organisation.unit_code, section, func.count())
                .where(certified).group_by(Organisation.unit_code, section))}
        else:
            q = select(section, func.sum(case((certified, 1), else_=0)), func.count())
            if unit_code:
                q = q.where(Organisation.unit_code == unit_code)
            if f.type_group:
                q = q.where(certified)
            counts = {}
            for sec, with_valid, total in s.execute(q.group_by(section)):
                counts[(sec, "valid")] = _n(with_valid)
                counts[(sec, "other")] = _n(total) - _n(with_valid)
    used = {k[0] for k, v in counts.items() if v}
    cats = [(code, f"{code} {sname}") for code, sname in sections if code in used]
    if "" in used:
        cats.append(("", NO_SECTION))
    categories = [{"label": label, "group": None,
                   "filters": {"industry_section": code} if code else {}} for code, label in cats]
    if by_unit:
        series = [{"label": uname, "filters": {"unit_code": code,
                                               "has_valid_certificates": True},
                   "values": [counts.get((c, code), 0) for c, _ in cats]} for code, uname in units]
    else:
        series = [{"label": "持有效证书", "filters": {"has_valid_certificates": True},
                   "values": [counts.get((c, "valid"), 0) for c, _ in cats]}]
        if not f.type_group:
            series.append({"label": "无有效证书", "muted": True,
                           "filters": {"has_valid_certificates": False},
                           "values": [counts.get((c, "other"), 0) for c, _ in cats]})
    return {"key": "industries", "title": "获证组织（按国民经济行业门类）",
            "subtitle": _subtitle(name, as_of, f.type_group), "orientation": "h",
            "stacked": True, "value_label": "组织数（家）", "page": "organisations",
            "base_filters": _base_filters(unit_code, None), "categories": categories,
            "series": series, "as_of": as_of.isoformat()}


# ---------------------------------------------------------------------------- brief


BRIEF_CHARTS = ("valid_by_type", "trend", "expiries")


def brief_data(reg: Register, period: Period, *, unit: str | None = None,
               today: date | None = None, charts: Sequence[str] = BRIEF_CHARTS,
               ) -> dict[str, Any]:
    """Everything the one-page 工作简报 shows: unit, period, date, indicator table, charts."""
    today = today or date.today()
    if period.start > today:
        raise UserError(f"报告期 {period.code}（{period.words}）尚未开始，不能生成工作简报")
    unit_code = _unit_filter(reg, unit)
    as_of = _as_of(period, today)
    f = ChartFilter(unit=unit_code, period_to=period)
    with reg.db.reading() as s:
        name = _unit_name(reg, s, unit_code)
        quotas = {}
        if unit_code:
            quotas = dict(s.execute(select(IndicatorQuota.indicator_code, IndicatorQuota.target)
                                    .where(IndicatorQuota.unit_code == unit_code))
                          .tuples().all())
        progress = indicator_progress(s, unit_code, as_of)
    rows = [{"name": p.name, "measure": p.measure, "count": p.count, "target": p.target,
             "quota": quotas.get(p.code), "ratio": p.ratio,
             "target_max": None} for p in progress]
    office = str(reg.get("office_name") or "").strip()
    return {
        "title": "绿色认证工作简报",
        "unit": {"code": unit_code or reg.reference.city.code, "name": name},
        "office": office,
        "period": {"code": period.code, "words": period.words},
        "as_of": as_of.isoformat(),
        "date": today.isoformat(),
        "indicators": rows,
        "charts": [chart(reg, key, f, today=today) for key in charts],
    }
