"""Load reference data into the database on first run and whenever a newer file ships.

Entries missing from a newer file are deactivated rather than deleted, since records may
still point at them.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from greencert_desktop.reference import ReferenceData
from greencert_desktop.storage.engine import Database
from greencert_desktop.storage.models import (
    CertType,
    IndicatorQuota,
    IndustrySection,
    Setting,
    Unit,
)
from greencert_desktop.storage.models import Indicator as IndicatorRow

VERSIONS_KEY = "_reference_versions"


def _stored_versions(s: Session) -> dict[str, Any]:
    raw = s.scalar(select(Setting.value_json).where(Setting.key == VERSIONS_KEY))
    return json.loads(raw) if raw else {}


def sync_reference(db: Database, ref: ReferenceData) -> bool:
    """Bring the reference tables up to ``ref``; returns whether anything was written."""
    with db.transaction() as s:
        stored = _stored_versions(s)
        if stored == ref.versions:
            return False
        _sync_units(s, ref)
        s.flush()
        _sync_sections(s, ref)
        _sync_indicators(s, ref)
        s.flush()
        _sync_catalogue(s, ref)
        s.flush()
        _sync_quotas(s, ref)
        s.merge(Setting(key=VERSIONS_KEY, value_json=json.dumps(ref.versions)))
    return True


def _sync_units(s: Session, ref: ReferenceData) -> None:
    s.merge(Unit(code=ref.city.code, name=ref.city.name, kind="city", official=True,
                 active=True, sort=0, note=""))
    codes = [ref.city.code]
    for u in ref.units:
        s.merge(Unit(code=u.code, name=u.name, kind=u.kind, official=u.official,
                     active=u.active, sort=u.sort, note=u.note))
        codes.append(u.code)
    s.execute(update(Unit).where(Unit.code.not_in(codes)).values(active=False))


def _sync_sections(s: Session, ref: ReferenceData) -> None:
    for sec in ref.sections:
        s.merge(IndustrySection(code=sec.code, name=sec.name,
                                first_division=sec.first_division,
                                last_division=sec.last_division))


def _sync_indicators(s: Session, ref: ReferenceData) -> None:
    for ind in ref.indicators:
        s.merge(IndicatorRow(
            code=ind.code, name=ind.name, measure=ind.measure, target=ind.target,
            target_max=ind.target_max, comparison=ind.comparison, source=ind.source,
            filter_json=json.dumps(dict(ind.filter), ensure_ascii=False),
            section=ind.section, target_year=ref.target_year, sort=ind.sort, note=ind.note))


def _sync_catalogue(s: Session, ref: ReferenceData) -> None:
    codes = []
    for t in ref.catalogue:
        s.merge(CertType(
            code=t.code, name=t.name, section=t.section, group=t.group, basis=t.basis,
            validity_years=t.validity_years, validity_unconfirmed=t.validity_unconfirmed,
            kind=t.kind, indicator_code=t.indicator,
            short_names_json=json.dumps(list(t.short_names), ensure_ascii=False),
            standard_keys_json=json.dumps(list(t.standard_keys), ensure_ascii=False),
            sort=t.sort, active=True))
        codes.append(t.code)
    s.execute(update(CertType).where(CertType.code.not_in(codes)).values(active=False))


def _sync_quotas(s: Session, ref: ReferenceData) -> None:
    s.execute(delete(IndicatorQuota))
    for q in ref.quotas:
        s.add(IndicatorQuota(indicator_code=q.indicator, unit_code=q.unit, target=q.target))
