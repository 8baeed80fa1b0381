"""Supervision cases (§十二). A case that puts an organisation on the serious-dishonesty
list changes its credit standing in the same transaction."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from greencert_desktop.domain.errors import Issue, raise_if
from greencert_desktop.domain.records import CaseData
from greencert_desktop.domain.validation import validate_case
from greencert_desktop.services import records
from greencert_desktop.services.register import Register
from greencert_desktop.storage.models import Certificate, Organisation, SupervisionCase

FIELDS = records.field_names(CaseData)
BLACKLIST = "严重违法失信名单"


def _values(s: Session, data: CaseData) -> dict[str, object]:
    issues = validate_case(data, today=records.today())
    if data.org_id is not None and s.get(Organisation, data.org_id) is None:
        issues.append(Issue("org_id", f"找不到编号为 {data.org_id} 的获证组织"))
    if data.certificate_id is not None:
        cert = s.get(Certificate, data.certificate_id)
        if cert is None:
            issues.append(Issue("certificate_id", f"找不到编号为 {data.certificate_id} 的证书"))
        elif cert.org_id != data.org_id:
            issues.append(Issue("certificate_id", "所选证书不属于该组织"))
    raise_if(issues)
    return records.clean(data)


def _blacklist(reg: Register, s: Session, org: Organisation, case_id: int) -> None:
    if org.credit_standing != BLACKLIST:
        records.audited_update(reg, s, org, {"credit_standing": BLACKLIST}, entity="organisation",
                               key=org.credit_code, name=org.name,
                               note=f"监督检查记录 {case_id} 列入严重违法失信名单")


def create_case(reg: Register, data: CaseData) -> int:
    with records.writing(reg) as s:
        values = _values(s, data)
        org = records.require(s, Organisation, int(data.org_id or 0), "organisation")
        case_id = records.audited_create(reg, s, SupervisionCase(**values), values,
                                         entity="case", key=org.credit_code, name=org.name)
        if values["blacklisted"]:
            _blacklist(reg, s, org, case_id)
        return case_id


def update_case(reg: Register, case_id: int, data: CaseData) -> dict[str, list]:
    with records.writing(reg) as s:
        row = records.require(s, SupervisionCase, case_id, "case")
        values = _values(s, data)
        org = records.require(s, Organisation, int(data.org_id or 0), "organisation")
        changes = records.audited_update(reg, s, row, values, entity="case",
                                         key=org.credit_code, name=org.name)
        if values["blacklisted"]:
            _blacklist(reg, s, org, case_id)
        return changes


def get_case(reg: Register, case_id: int) -> CaseData:
    with reg.db.reading() as s:
        row = records.require(s, SupervisionCase, case_id, "case")
        return CaseData(**{f: getattr(row, f) for f in FIELDS})


def delete_case(reg: Register, case_id: int) -> None:
    with records.writing(reg) as s:
        delete_case_in(reg, s, records.require(s, SupervisionCase, case_id, "case"))


def delete_case_in(reg: Register, s: Session, row: SupervisionCase) -> None:
    org_name = s.scalar(select(Organisation.name).where(Organisation.id == row.org_id)) or ""
    records.audited_delete(reg, s, row, FIELDS, entity="case", key=str(row.id), name=org_name)
