"""Certificates and listings, certification bodies, lifecycle actions and surveillance."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from greencert_desktop.domain.approval import validate_approval_number
from greencert_desktop.domain.errors import Issue, ValidationError, raise_if
from greencert_desktop.domain.records import CertificateData
from greencert_desktop.domain.status import (
    CertStatus,
    LifecycleAction,
    apply_lifecycle,
    effective_status,
)
from greencert_desktop.domain.text import normalize_text
from greencert_desktop.domain.validation import validate_certificate
from greencert_desktop.services import records
from greencert_desktop.services.register import Register
from greencert_desktop.storage.models import CertBody, Certificate, CertType, Organisation

FIELDS = records.field_names(CertificateData)
BODY_FIELDS = ["name", "approval_number", "notes"]


# ---- certification bodies ------------------------------------------------------

def create_body(reg: Register, name: str, approval_number: str = "", notes: str = "") -> int:
    name = normalize_text(name)
    issues = [] if name else [Issue("name", "认证机构名称不能为空")]
    number = ""
    if approval_number.strip():
        number, problems = validate_approval_number(approval_number)
        issues += problems
    raise_if(issues)
    values = {"name": name, "approval_number": number or None, "notes": normalize_text(notes)}
    with records.writing(reg) as s:
        return records.audited_create(reg, s, CertBody(**values), values, entity="body",
                                      key=number, name=name)


def find_body(reg: Register, text: str) -> int | None:
    """A body by exact name or approval number."""
    key = normalize_text(text)
    with reg.db.reading() as s:
        return s.scalar(select(CertBody.id).where(
            (CertBody.name == key) | (CertBody.approval_number == key.upper())))


# ---- certificates --------------------------------------------------------------

def _validated(reg: Register, s: Session, data: CertificateData) -> dict[str, object]:
    ctype = s.get(CertType, normalize_text(data.type_code)) if data.type_code else None
    issues = validate_certificate(data, type_kind=ctype.kind if ctype else None,
                                  today=records.today())
    if data.org_id is not None and s.get(Organisation, data.org_id) is None:
        issues.append(Issue("org_id", f"找不到编号为 {data.org_id} 的获证组织"))
    if data.body_id is not None and s.get(CertBody, data.body_id) is None:
        issues.append(Issue("body_id", f"找不到编号为 {data.body_id} 的认证机构"))
    raise_if(issues)
    values = records.clean(data)
    values["status"] = CertStatus.parse(str(values["status"])).value
    return values


def _refuse_duplicate(s: Session, values: dict[str, object], own_id: int | None) -> None:
    query = select(Certificate.id).where(Certificate.number == values["number"])
    if values["body_id"] is None:
        query = query.where(Certificate.body_id.is_(None),
                            Certificate.type_code == values["type_code"])
    else:
        query = query.where(Certificate.body_id == values["body_id"])
    found = s.scalar(query)
    if found is not None and found != own_id:
        raise ValidationError([Issue("number", f"证书编号 {values['number']} 在同一认证机构下已存在"
                                               f"（编号 {found}）")])


def _org_name(s: Session, org_id: object) -> str:
    return s.scalar(select(Organisation.name).where(Organisation.id == org_id)) or ""


def create_certificate(reg: Register, data: CertificateData) -> int:
    with records.writing(reg) as s:
        values = _validated(reg, s, data)
        _refuse_duplicate(s, values, None)
        now = records.audit.utcnow()
        row = Certificate(**values, created_at=now, updated_at=now)
        return records.audited_create(reg, s, row, values, entity="certificate",
                                      key=str(values["number"]),
                                      name=_org_name(s, values["org_id"]))


def update_certificate(reg: Register, cert_id: int, data: CertificateData) -> dict[str, list]:
    with records.writing(reg) as s:
        row = records.require(s, Certificate, cert_id, "certificate")
        values = _validated(reg, s, data)
        _refuse_duplicate(s, values, cert_id)
        changes = records.audited_update(reg, s, row, values, entity="certificate",
                                         key=str(values["number"]),
                                         name=_org_name(s, values["org_id"]))
        if changes:
            row.updated_at = records.audit.utcnow()
        return changes


def get_certificate(reg: Register, cert_id: int) -> CertificateData:
    with reg.db.reading() as s:
        row = records.require(s, Certificate, cert_id, "certificate")
        return CertificateData(**{f: getattr(row, f) for f in FIELDS})


def delete_certificate(reg: Register, cert_id: int) -> None:
    with records.writing(reg) as s:
        delete_certificate_in(reg, s, records.require(s, Certificate, cert_id, "certificate"))


def delete_certificate_in(reg: Register, s: Session, row: Certificate) -> None:
    """Delete inside the caller's transaction; supervision cases keep their record but lose
    the link to the certificate (the number stays in their audit history)."""
    from greencert_desktop.storage.models import SupervisionCase

    for case in s.scalars(
            select(SupervisionCase).where(SupervisionCase.certificate_id == row.id)).all():
        records.audited_update(reg, s, case, {"certificate_id": None}, entity="case",
                               key=row.number, name=row.organisation.name,
                               note="关联证书已删除")
    records.audited_delete(reg, s, row, FIELDS, entity="certificate", key=row.number,
                           name=row.organisation.name)


def lifecycle(reg: Register, cert_id: int, action: LifecycleAction | str, *,
              on: date | None, reason: str) -> CertStatus:
    """Suspend, revoke, cancel or reinstate, with a date and a reason; audited."""
    act = LifecycleAction(action)
    today = records.today()
    with records.writing(reg) as s:
        row = records.require(s, Certificate, cert_id, "certificate")
        current = effective_status(row.status, row.expiry_date, today)
        new = apply_lifecycle(act, current, action_date=on, reason=reason,
                              issue_date=row.issue_date, today=today)
        records.audited_update(
            reg, s, row, {"status": new.value, "status_date": on,
                          "status_reason": normalize_text(reason)},
            entity="certificate", key=row.number, name=row.organisation.name,
            action=act.value, note=normalize_text(reason))
        row.updated_at = records.audit.utcnow()
        return new


def record_surveillance(reg: Register, cert_id: int, *, on: date | None, note: str = "") -> None:
    """A surveillance audit: sets the last surveillance date and counts it."""
    today = records.today()
    with records.writing(reg) as s:
        row = records.require(s, Certificate, cert_id, "certificate")
        issues = []
        if on is None:
            issues.append(Issue("action_date", "监督审核日期不能为空"))
        elif on > today:
            issues.append(Issue("action_date", "监督审核日期不能晚于今天"))
        elif row.issue_date and on < row.issue_date:
            issues.append(Issue("action_date", "监督审核日期不能早于发证日期"))
        raise_if(issues)
        records.audited_update(
            reg, s, row, {"last_surveillance_date": on,
                          "surveillance_count": row.surveillance_count + 1},
            entity="certificate", key=row.number, name=row.organisation.name,
            action="surveillance", note=normalize_text(note))
        row.updated_at = records.audit.utcnow()
