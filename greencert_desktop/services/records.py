"""What every record service shares: clean-up, today's date, audited writes, and turning
database constraint failures into Chinese messages."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, fields
from datetime import date
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from greencert_desktop.domain.errors import Issue, UserError, ValidationError
from greencert_desktop.domain.text import normalize_text
from greencert_desktop.services import audit
from greencert_desktop.services.register import Register
from greencert_desktop.storage.models import Base

M = TypeVar("M", bound=Base)

ENTITY_LABELS = {
    "organisation": "获证组织",
    "certificate": "证书",
    "body": "认证机构",
    "subsidy": "奖补记录",
    "case": "监督检查记录",
}

_CONSTRAINT_MESSAGES = {
    "organisations.credit_code": Issue("credit_code", "该统一社会信用代码已登记"),
    "certificates.body_id, certificates.number": Issue("number", "该认证机构下已有相同编号的证书"),
    "certificates.type_code, certificates.number": Issue("number", "该类别下已有相同编号的名单"),
    "cert_bodies.name": Issue("name", "已有同名的认证机构"),
    "cert_bodies.approval_number": Issue("approval_number", "已有相同批准号的认证机构"),
    "FOREIGN KEY": Issue("", "引用的记录不存在或仍被其他记录使用"),
    "ck_certificates_expiry_after_issue": Issue("expiry_date", "有效期至早于发证日期"),
    "ck_certificates_status": Issue("status", "证书状态代码无效"),
}


def today() -> date:
    return date.today()


def clean(data: Any) -> dict[str, Any]:
    """The dataclass as a dict with every string trimmed and full-width folded."""
    return {k: normalize_text(v) if isinstance(v, str) else v for k, v in asdict(data).items()}


def field_names(data_cls: type) -> list[str]:
    return [f.name for f in fields(data_cls)]


@contextmanager
def writing(reg: Register) -> Iterator[Session]:
    """A write transaction whose constraint failures come out as Chinese messages."""
    try:
        with reg.db.transaction() as s:
            yield s
    except IntegrityError as exc:
        text = str(exc.orig)
        for needle, issue in _CONSTRAINT_MESSAGES.items():
            if needle in text:
                raise ValidationError([issue]) from exc
        raise UserError(f"数据不符合数据库约束，未保存：{text}") from exc


def require(s: Session, model: type[M], record_id: int, entity: str) -> M:
    row = s.get(model, record_id)
    if row is None:
        raise UserError(f"找不到编号为 {record_id} 的{ENTITY_LABELS.get(entity, entity)}")
    return row


def audited_create(reg: Register, s: Session, row: Base, values: dict[str, Any], *,
                   entity: str, key: str, name: str, note: str = "") -> int:
    s.add(row)
    s.flush()
    record_id = int(row.id)  # type: ignore[attr-defined]
    audit.record(s, reg.operator, action="create", entity=entity, entity_id=record_id, key=key,
                 name=name, changes={k: [None, audit.jsonable(v)] for k, v in values.items()
                                     if v not in (None, "", False, 0)}, note=note)
    return record_id


def audited_update(reg: Register, s: Session, row: Base, values: dict[str, Any], *,
                   entity: str, key: str, name: str, action: str = "update",
                   note: str = "") -> dict[str, list[Any]]:
    before = audit.snapshot(row, values)
    for k, v in values.items():
        setattr(row, k, v)
    changes = audit.diff(before, audit.snapshot(row, values))
    if changes or note:
        audit.record(s, reg.operator, action=action, entity=entity,
                     entity_id=int(row.id), key=key, name=name,  # type: ignore[attr-defined]
                     changes=changes, note=note)
    return changes


def audited_delete(reg: Register, s: Session, row: Base, fields_: list[str], *, entity: str,
                   key: str, name: str, note: str = "") -> None:
    before = audit.snapshot(row, fields_)
    record_id = int(row.id)  # type: ignore[attr-defined]
    s.delete(row)
    s.flush()
    audit.record(s, reg.operator, action="delete", entity=entity, entity_id=record_id, key=key,
                 name=name, changes={k: [v, None] for k, v in before.items()
                                     if v not in (None, "", False, 0)}, note=note)
