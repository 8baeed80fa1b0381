"""The audit trail: every change is written in the same transaction as the change itself."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from greencert_desktop.storage.models import AuditEntry


def utcnow() -> datetime:
    """Naive UTC: what the DateTime columns hold."""
    return datetime.now(UTC).replace(tzinfo=None)


def jsonable(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(obj: object, fields: Iterable[str]) -> dict[str, Any]:
    return {f: jsonable(getattr(obj, f)) for f in fields}


def diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value changed, as ``{field: [old, new]}``."""
    keys = list(old) + [k for k in new if k not in old]
    return {k: [old.get(k), new.get(k)] for k in keys if old.get(k) != new.get(k)}


def record(session: Session, operator: str, *, action: str, entity: str,
           entity_id: int | None, key: str = "", name: str = "",
           changes: Mapping[str, list[Any]] | None = None, note: str = "") -> AuditEntry:
    entry = AuditEntry(
        at=utcnow(), operator=operator, action=action, entity=entity, entity_id=entity_id,
        entity_key=key, entity_name=name[:200],
        changes_json=json.dumps(dict(changes or {}), ensure_ascii=False), note=note)
    session.add(entry)
    return entry
