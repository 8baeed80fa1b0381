"""A record's history, read from the audit log: when, who, what, and each field's old → new.

Rows come back as plain data in local time, newest first, with Chinese action and field
labels and values made readable (status codes with their label, unit and type names,
amounts in yuan, 是/否 for flags, names for referenced records).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from greencert_desktop.domain.periods import PeriodType
from greencert_desktop.domain.status import CertStatus
from greencert_desktop.services.records import ENTITY_LABELS
from greencert_desktop.services.register import Register
from greencert_desktop.settings import SETTINGS
from greencert_desktop.storage.models import (
    AuditEntry,
    CertBody,
    Certificate,
    Organisation,
    Subsidy,
    SupervisionCase,
)

ACTION_LABELS: dict[str, str] = {
    "create": "新增",
    "update": "修改",
    "delete": "删除",
    "suspend": "暂停",
    "revoke": "撤销",
    "cancel": "注销",
    "reinstate": "恢复",
    "surveillance": "监督审核",
    "import": "导入",
    "demo": "生成演示数据",
}

ENTITY_NAMES: dict[str, str] = {
    **ENTITY_LABELS,
    "setting": "设置",
    "register": "登记簿",
}

_COMMON = {"notes": "备注", "org_id": "获证组织"}

FIELD_LABELS: dict[str, dict[str, str]] = {
    "organisation": {
        "credit_code": "统一社会信用代码",
        "name": "组织名称",
        "unit_code": "所属区划",
        "address": "地址",
        "industry_section": "行业门类",
        "industry_code": "行业代码",
        "size": "企业规模",
        "contact": "联系人",
        "phone": "联系电话",
        "credit_standing": "信用状况",
        "leader_type": "领跑者类型",
        "specialised": "专精特新",
        "high_tech": "高新技术企业",
        "code_override_note": "信用代码例外说明",
        "notes": "备注",
    },
    "certificate": {
        **_COMMON,
        "number": "证书编号",
        "type_code": "认证类别",
        "body_id": "认证机构",
        "status": "证书状态",
        "issue_date": "发证日期",
        "expiry_date": "有效期至",
        "first_issue_date": "初次发证日期",
        "status_date": "状态变更日期",
        "status_reason": "状态变更原因",
        "last_surveillance_date": "最近监督审核日期",
        "surveillance_count": "监督审核次数",
        "recert_count": "再认证次数",
        "basis": "认证依据",
        "scope": "认证范围",
        "products": "认证产品",
        "batch_year": "批次年份",
        "issuer": "发布机关",
    },
    "subsidy": {
        **_COMMON,
        "year": "年度",
        "category": "类别",
        "amount_fen": "金额（元）",
        "doc_number": "文号",
        "granted_on": "发放日期",
    },
    "case": {
        **_COMMON,
        "inspected_on": "检查日期",
        "certificate_id": "关联证书",
        "kind": "检查方式",
        "finding": "检查发现",
        "action": "处理措施",
        "blacklisted": "列入严重违法失信名单",
    },
    "body": {
        "name": "机构名称",
        "approval_number": "批准号",
        "notes": "备注",
    },
    "setting": {key: d.label for key, d in SETTINGS.items()},
}


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryRow:
    """One audit entry, ready to show."""

    id: int
    at: datetime  # local time, naive
    operator: str
    action: str  # the stored code: create, update, suspend …
    action_label: str  # 新增, 修改, 暂停 …
    entity: str
    entity_label: str  # 获证组织, 证书 …
    entity_id: int | None
    entity_key: str
    entity_name: str
    changes: tuple[FieldChange, ...]
    note: str

    @property
    def field_changes(self) -> list[tuple[str, str, str]]:
        """(field label, old, new) per changed field."""
        return [(c.label, c.old, c.new) for c in self.changes]


def field_label(entity: str, field: str) -> str:
    return FIELD_LABELS.get(entity, {}).get(field, field)


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def to_local(at: datetime) -> datetime:
    """Naive UTC (as stored) → naive local time."""
    return at.replace(tzinfo=UTC).astimezone().replace(tzinfo=None)


# --------------------------------------------------------------------------- queries


def history(reg: Register, entity: str, entity_id: int | None) -> list[HistoryRow]:
    """Every audit entry of one record, newest first (``entity_id=None`` for settings)."""
    condition = AuditEntry.entity == entity
    condition = and_(condition, AuditEntry.entity_id.is_(None) if entity_id is None
                     else AuditEntry.entity_id == entity_id)
    with reg.db.reading() as s:
        entries = list(s.scalars(select(AuditEntry).where(condition)
                                 .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())))
        return _rows(reg, s, entries)


def org_history(reg: Register, org_id: int) -> list[HistoryRow]:
    """The organisation's own entries and those of its certificates, listings, subsidies and
    supervision cases (also ones since deleted or moved to another organisation)."""
    with reg.db.reading() as s:
        children = _children(s, org_id)
        conditions = [and_(AuditEntry.entity == "organisation", AuditEntry.entity_id == org_id)]
        for entity, ids in children.items():
            for chunk in _chunks(sorted(ids), 500):
                conditions.append(and_(AuditEntry.entity == entity,
                                       AuditEntry.entity_id.in_(chunk)))
        entries = list(s.scalars(select(AuditEntry).where(or_(*conditions))
                                 .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())))
        return _rows(reg, s, entries)


_CHILD_MODELS: dict[str, Any] = {
    "certificate": Certificate,
    "subsidy": Subsidy,
    "case": SupervisionCase,
}


def _children(s: Session, org_id: int) -> dict[str, set[int]]:
    """Ids of the records that belong, or once belonged, to the organisation."""
    found: dict[str, set[int]] = {}
    for entity, model in _CHILD_MODELS.items():
        found[entity] = set(s.scalars(select(model.id).where(model.org_id == org_id)))
    # Deleted or moved records: their audit rows carry "org_id": [old, new].
    patterns = [f'%"org_id": [null, {org_id}]%', f'%"org_id": [{org_id}, %',
                f'%"org_id": [%, {org_id}]%']
    query = (select(AuditEntry.entity, AuditEntry.entity_id, AuditEntry.changes_json)
             .where(AuditEntry.entity.in_(list(_CHILD_MODELS)),
                    AuditEntry.entity_id.is_not(None),
                    or_(*(AuditEntry.changes_json.like(p) for p in patterns))))
    for entity, entity_id, raw in s.execute(query):
        change = _changes(raw).get("org_id")
        if isinstance(change, list) and org_id in change:
            found[entity].add(int(entity_id))
    return found


def _chunks(items: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _changes(raw: str | None) -> dict[str, Any]:
    try:
        loaded = json.loads(raw or "{}")
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


# --------------------------------------------------------------------------- formatting


class _Names:
    """Names for the ids that audit rows refer to, looked up once per batch."""

    def __init__(self, s: Session, entries: list[tuple[AuditEntry, dict[str, Any]]]) -> None:
        wanted: dict[str, set[int]] = {"org_id": set(), "body_id": set(), "certificate_id": set()}
        for _entry, changes in entries:
            for key, ids in wanted.items():
                for value in changes.get(key) or []:
                    if isinstance(value, int):
                        ids.add(value)
        self.orgs = self._lookup(s, Organisation.id, Organisation.name, wanted["org_id"])
        self.bodies = self._lookup(s, CertBody.id, CertBody.name, wanted["body_id"])
        self.certificates = self._lookup(s, Certificate.id, Certificate.number,
                                         wanted["certificate_id"])

    @staticmethod
    def _lookup(s: Session, id_col: Any, name_col: Any, ids: set[int]) -> dict[int, str]:
        names: dict[int, str] = {}
        ordered = sorted(ids)
        for chunk in _chunks(ordered, 500):
            names.update({int(i): str(n) for i, n in
                          s.execute(select(id_col, name_col).where(id_col.in_(chunk)))})
        return names


def _rows(reg: Register, s: Session, entries: list[AuditEntry]) -> list[HistoryRow]:
    parsed = [(e, _changes(e.changes_json)) for e in entries]
    names = _Names(s, parsed)
    rows = []
    for entry, changes in parsed:
        fields = tuple(
            FieldChange(field=key, label=field_label(entry.entity, key),
                        old=_value(reg, names, entry.entity, key, pair[0]),
                        new=_value(reg, names, entry.entity, key, pair[1]))
            for key, pair in ((k, _pair(v)) for k, v in changes.items()))
        rows.append(HistoryRow(
            id=entry.id, at=to_local(entry.at), operator=entry.operator, action=entry.action,
            action_label=action_label(entry.action), entity=entry.entity,
            entity_label=ENTITY_NAMES.get(entry.entity, entry.entity),
            entity_id=entry.entity_id, entity_key=entry.entity_key,
            entity_name=entry.entity_name, changes=fields, note=entry.note))
    return rows


def _pair(value: Any) -> tuple[Any, Any]:
    if isinstance(value, list | tuple) and len(value) == 2:
        return value[0], value[1]
    return None, value


def _value(reg: Register, names: _Names, entity: str, key: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if key == "status" and entity == "certificate":
        try:
            status = CertStatus(str(value))
        except ValueError:
            return str(value)
        return f"{status.value} {status.label}"
    if key == "unit_code":
        return _unit(reg, str(value))
    if key == "type_code":
        found = reg.reference.cert_type(str(value))
        return found.name if found is not None else str(value)
    if key == "industry_section":
        section = next((x for x in reg.reference.sections if x.code == value), None)
        return f"{value} {section.name}" if section is not None else str(value)
    if key == "amount_fen":
        try:
            return f"{Decimal(str(value)) / 100:,.2f}"
        except InvalidOperation:
            return str(value)
    if key == "period_type" and entity == "setting":
        try:
            return PeriodType(str(value)).label
        except ValueError:
            return str(value)
    lookups: Mapping[str, dict[int, str]] = {
        "org_id": names.orgs, "body_id": names.bodies, "certificate_id": names.certificates}
    if key in lookups and isinstance(value, int):
        return lookups[key].get(value, f"编号 {value}（已删除）")
    return str(value)


def _unit(reg: Register, code: str) -> str:
    if not code:
        return ""
    city = reg.reference.city
    if code == city.code:
        return f"{code} {city.name}"
    unit = reg.reference.unit(code)
    return f"{code} {unit.name}" if unit is not None else code
