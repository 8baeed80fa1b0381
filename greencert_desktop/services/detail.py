"""An organisation with everything attached to it, as plain data for the detail view."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from greencert_desktop.domain.status import CertStatus, effective_status
from greencert_desktop.services import records
from greencert_desktop.services.history import to_local
from greencert_desktop.services.register import Register
from greencert_desktop.storage.models import (
    CertBody,
    Certificate,
    CertType,
    Organisation,
    Subsidy,
    SupervisionCase,
)


@dataclass(frozen=True)
class CertificateRow:
    id: int
    number: str
    type_code: str
    type_name: str
    kind: str  # "certificate" or "listing"
    body_name: str  # the certification body, or for a listing the issuing authority
    issue_date: date | None
    expiry_date: date | None
    batch_year: int | None
    status: str  # effective status code 01–05
    status_label: str
    last_surveillance_date: date | None
    scope: str

    @property
    def is_listing(self) -> bool:
        return self.kind == "listing"


@dataclass(frozen=True)
class SubsidyRow:
    id: int
    year: int
    category: str
    amount: Decimal  # yuan
    doc_number: str
    granted_on: date | None
    notes: str


@dataclass(frozen=True)
class CaseRow:
    id: int
    inspected_on: date
    kind: str
    certificate_number: str
    finding: str
    action: str
    blacklisted: bool
    notes: str


@dataclass(frozen=True)
class OrganisationDetail:
    id: int
    credit_code: str
    name: str
    unit_code: str
    unit_name: str
    address: str
    industry_section: str
    industry_section_name: str
    industry_code: str
    size: str
    contact: str
    phone: str
    credit_standing: str
    leader_type: str
    specialised: bool
    high_tech: bool
    code_override_note: str
    notes: str
    created_at: datetime  # local time
    updated_at: datetime  # local time
    certificates: list[CertificateRow] = field(default_factory=list)
    listings: list[CertificateRow] = field(default_factory=list)
    subsidies: list[SubsidyRow] = field(default_factory=list)
    cases: list[CaseRow] = field(default_factory=list)


def organisation_detail(reg: Register, org_id: int, today: date | None = None) -> OrganisationDetail:
    """The organisation, its certificates and listings (newest issue first), subsidies and
    cases. Statuses are effective on ``today``: a valid certificate past expiry is expired."""
    on = today or records.today()
    with reg.db.reading() as s:
        org = records.require(s, Organisation, org_id, "organisation")
        unit = reg.reference.unit(org.unit_code)
        section = next((x for x in reg.reference.sections if x.code == org.industry_section),
                       None)
        certs = s.execute(
            select(Certificate, CertType.name, CertType.kind, CertBody.name)
            .join(CertType, Certificate.type_code == CertType.code)
            .outerjoin(CertBody, Certificate.body_id == CertBody.id)
            .where(Certificate.org_id == org_id)
            .order_by(Certificate.issue_date.desc(), Certificate.id.desc())).all()
        certificates, listings = [], []
        for cert, type_name, kind, body_name in certs:
            status = effective_status(cert.status, cert.expiry_date, on, cert.status_date)
            row = CertificateRow(
                id=cert.id, number=cert.number, type_code=cert.type_code, type_name=type_name,
                kind=kind, body_name=body_name or cert.issuer or "",
                issue_date=cert.issue_date, expiry_date=cert.expiry_date,
                batch_year=cert.batch_year, status=status.value,
                status_label=CertStatus(status).label,
                last_surveillance_date=cert.last_surveillance_date, scope=cert.scope)
            (listings if kind == "listing" else certificates).append(row)
        subsidies = [
            SubsidyRow(id=x.id, year=x.year, category=x.category,
                       amount=Decimal(x.amount_fen) / 100, doc_number=x.doc_number,
                       granted_on=x.granted_on, notes=x.notes)
            for x in s.scalars(select(Subsidy).where(Subsidy.org_id == org_id)
                               .order_by(Subsidy.year.desc(), Subsidy.id.desc()))]
        cases = [
            CaseRow(id=c.id, inspected_on=c.inspected_on, kind=c.kind,
                    certificate_number=number or "", finding=c.finding, action=c.action,
                    blacklisted=c.blacklisted, notes=c.notes)
            for c, number in s.execute(
                select(SupervisionCase, Certificate.number)
                .outerjoin(Certificate, SupervisionCase.certificate_id == Certificate.id)
                .where(SupervisionCase.org_id == org_id)
                .order_by(SupervisionCase.inspected_on.desc(), SupervisionCase.id.desc()))]
        return OrganisationDetail(
            id=org.id, credit_code=org.credit_code, name=org.name, unit_code=org.unit_code,
            unit_name=unit.name if unit is not None else "", address=org.address,
            industry_section=org.industry_section or "",
            industry_section_name=section.name if section is not None else "",
            industry_code=org.industry_code, size=org.size, contact=org.contact,
            phone=org.phone, credit_standing=org.credit_standing, leader_type=org.leader_type,
            specialised=org.specialised, high_tech=org.high_tech,
            code_override_note=org.code_override_note, notes=org.notes,
            created_at=to_local(org.created_at), updated_at=to_local(org.updated_at),
            certificates=certificates, listings=listings, subsidies=subsidies, cases=cases)
