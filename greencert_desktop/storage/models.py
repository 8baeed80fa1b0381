"""The register's tables as typed SQLAlchemy 2 models.

Constraints that protect the register live in the schema, not only in code: a credit code is
unique, a certificate number is unique per certification body, foreign keys are enforced,
dates are ordered and a status is one of the platform's codes 01–05.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

STATUS_CODES = ("01", "02", "03", "04", "05")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Unit(Base):
    """A reporting unit (区划): a county, district or functional zone, or the city."""

    __tablename__ = "units"
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))
    official: Mapped[bool] = mapped_column(Boolean, default=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")


class IndustrySection(Base):
    """A GB/T 4754-2017 section letter with its range of two-digit divisions."""

    __tablename__ = "industry_sections"
    code: Mapped[str] = mapped_column(String(1), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    first_division: Mapped[int] = mapped_column(Integer)
    last_division: Mapped[int] = mapped_column(Integer)


class Indicator(Base):
    """A 2025 indicator of the city policy with its city-wide target."""

    __tablename__ = "indicators"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    measure: Mapped[str] = mapped_column(String(10))
    target: Mapped[float | None]
    target_max: Mapped[float | None]
    comparison: Mapped[str] = mapped_column(String(4), default=">=")
    source: Mapped[str] = mapped_column(String(20))
    filter_json: Mapped[str] = mapped_column(Text, default="{}")
    section: Mapped[str] = mapped_column(String(8), default="")
    target_year: Mapped[int] = mapped_column(Integer)
    sort: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")


class IndicatorQuota(Base):
    """The city's split of an indicator's target for one unit."""

    __tablename__ = "indicator_quotas"
    indicator_code: Mapped[str] = mapped_column(
        ForeignKey("indicators.code", ondelete="CASCADE"), primary_key=True
    )
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"), primary_key=True)
    target: Mapped[float]


class CertType(Base):
    """A catalogue entry: a kind of certificate or listing."""

    __tablename__ = "cert_types"
    __table_args__ = (CheckConstraint("kind IN ('certificate', 'listing')", name="kind"),)
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    section: Mapped[str] = mapped_column(String(8), default="")
    group: Mapped[str] = mapped_column(String(40), default="")
    basis: Mapped[str] = mapped_column(Text, default="")
    validity_years: Mapped[int | None]
    validity_unconfirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    kind: Mapped[str] = mapped_column(String(12))
    indicator_code: Mapped[str | None] = mapped_column(ForeignKey("indicators.code"))
    short_names_json: Mapped[str] = mapped_column(Text, default="[]")
    standard_keys_json: Mapped[str] = mapped_column(Text, default="[]")
    sort: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class CertBody(Base):
    """A certification body (认证机构) with its CNCA approval number."""

    __tablename__ = "cert_bodies"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    approval_number: Mapped[str | None] = mapped_column(String(32), unique=True)
    notes: Mapped[str] = mapped_column(Text, default="")


class Organisation(Base):
    __tablename__ = "organisations"
    __table_args__ = (
        CheckConstraint("length(credit_code) = 18", name="credit_code_length"),
        CheckConstraint(
            "credit_standing IN ('正常', '经营异常', '严重违法失信名单')", name="credit_standing"
        ),
        Index("ix_organisations_unit_code", "unit_code"),
        Index("ix_organisations_name", "name"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"))
    address: Mapped[str] = mapped_column(Text, default="")
    industry_section: Mapped[str | None] = mapped_column(ForeignKey("industry_sections.code"))
    industry_code: Mapped[str] = mapped_column(String(4), default="")
    size: Mapped[str] = mapped_column(String(4), default="")
    contact: Mapped[str] = mapped_column(String(50), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    credit_standing: Mapped[str] = mapped_column(String(12), default="正常")
    leader_type: Mapped[str] = mapped_column(String(8), default="")
    specialised: Mapped[bool] = mapped_column(Boolean, default=False)
    high_tech: Mapped[bool] = mapped_column(Boolean, default=False)
    code_override_note: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    certificates: Mapped[list[Certificate]] = relationship(back_populates="organisation")


class Certificate(Base):
    """A certificate (issued by a body) or a listing (名单/称号, issued by an authority)."""

    __tablename__ = "certificates"
    __table_args__ = (
        UniqueConstraint("body_id", "number", name="uq_certificates_body_number"),
        Index(
            "uq_certificates_listing_number",
            "type_code",
            "number",
            unique=True,
            sqlite_where=text("body_id IS NULL"),
            # The migration (0001) also gives ``postgresql_where``: the schema is made by the
            # migrations only, and naming it here would import the whole PostgreSQL dialect
            # (all its drivers) at every start, even on SQLite.
        ),
        CheckConstraint("status IN ('01', '02', '03', '04', '05')", name="status"),
        CheckConstraint(
            "expiry_date IS NULL OR issue_date IS NULL OR expiry_date >= issue_date",
            name="expiry_after_issue",
        ),
        CheckConstraint(
            "first_issue_date IS NULL OR issue_date IS NULL OR first_issue_date <= issue_date",
            name="first_issue_before_issue",
        ),
        CheckConstraint("surveillance_count >= 0 AND recert_count >= 0", name="counts"),
        Index("ix_certificates_org_id", "org_id"),
        Index("ix_certificates_type_status", "type_code", "status"),
        Index("ix_certificates_expiry_date", "expiry_date"),
        Index("ix_certificates_number", "number"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(60))
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    type_code: Mapped[str] = mapped_column(ForeignKey("cert_types.code"))
    body_id: Mapped[int | None] = mapped_column(ForeignKey("cert_bodies.id"))
    status: Mapped[str] = mapped_column(String(2), default="01")
    issue_date: Mapped[date | None] = mapped_column(Date)
    expiry_date: Mapped[date | None] = mapped_column(Date)
    first_issue_date: Mapped[date | None] = mapped_column(Date)
    status_date: Mapped[date | None] = mapped_column(Date)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    last_surveillance_date: Mapped[date | None] = mapped_column(Date)
    surveillance_count: Mapped[int] = mapped_column(Integer, default=0)
    recert_count: Mapped[int] = mapped_column(Integer, default=0)
    basis: Mapped[str] = mapped_column(Text, default="")
    scope: Mapped[str] = mapped_column(Text, default="")
    products: Mapped[str] = mapped_column(Text, default="")
    batch_year: Mapped[int | None] = mapped_column(Integer)
    issuer: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    organisation: Mapped[Organisation] = relationship(back_populates="certificates")
    cert_type: Mapped[CertType] = relationship()
    body: Mapped[CertBody | None] = relationship()


class Subsidy(Base):
    """A city subsidy or leading-unit designation (§十五). Amounts are kept in fen (分)."""

    __tablename__ = "subsidies"
    __table_args__ = (
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        Index("ix_subsidies_org_id", "org_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    category: Mapped[str] = mapped_column(String(20))
    amount_fen: Mapped[int] = mapped_column(Integer)
    doc_number: Mapped[str] = mapped_column(String(100), default="")
    granted_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")


class SupervisionCase(Base):
    """A supervision case (§十二): an inspection and what came of it."""

    __tablename__ = "supervision_cases"
    __table_args__ = (Index("ix_supervision_cases_org_id", "org_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    inspected_on: Mapped[date] = mapped_column(Date)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))
    kind: Mapped[str] = mapped_column(String(20))
    finding: Mapped[str] = mapped_column(Text, default="")
    action: Mapped[str] = mapped_column(Text, default="")
    blacklisted: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")


class Submission(Base):
    """A submission workbook exported here, or received here by the city."""

    __tablename__ = "submissions"
    __table_args__ = (CheckConstraint("direction IN ('export', 'received')", name="direction"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    direction: Mapped[str] = mapped_column(String(10))
    unit_code: Mapped[str] = mapped_column(String(16))
    period: Mapped[str] = mapped_column(String(8))
    generated_at: Mapped[datetime] = mapped_column(DateTime)
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
    operator: Mapped[str] = mapped_column(String(50), default="")
    file_name: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    template_version: Mapped[int] = mapped_column(Integer)
    counts_json: Mapped[str] = mapped_column(Text, default="{}")


class AuditEntry(Base):
    """One change to the register: who, when, what, and each field's old and new value."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_at", "at"),
        Index("ix_audit_log_entity", "entity", "entity_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    operator: Mapped[str] = mapped_column(String(50))
    action: Mapped[str] = mapped_column(String(20))
    entity: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    entity_key: Mapped[str] = mapped_column(String(100), default="")
    entity_name: Mapped[str] = mapped_column(String(200), default="")
    changes_json: Mapped[str] = mapped_column(Text, default="{}")
    note: Mapped[str] = mapped_column(Text, default="")


class Setting(Base):
    """A register-scoped setting; the key is declared in ``greencert_desktop.settings``."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value_json: Mapped[str] = mapped_column(Text)
