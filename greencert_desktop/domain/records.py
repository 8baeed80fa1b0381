"""Plain records shared by forms, import and verification, and their value lists.

They hold what the user typed (after light clean-up); ``org_id``/``body_id``/
``certificate_id`` refer to stored rows and are ``None`` while not chosen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

SIZES = ("大型", "中型", "小型", "微型")
CREDIT_STANDINGS = ("正常", "经营异常", "严重违法失信名单")
LEADER_TYPES = ("龙头", "高成长")
"""Green-certification leader designation; an empty string means none."""
SUBSIDY_CATEGORIES = ("引领单位", "领跑者", "其他")
CASE_KINDS = ("双随机抽查", "专项检查", "投诉举报")
CERT_KINDS = ("certificate", "listing")
"""Catalogue kinds: a certificate comes from a certification body, a listing
(名单/称号) from an authority with a batch year."""


@dataclass
class OrganisationData:
    credit_code: str
    name: str
    unit_code: str
    address: str = ""
    industry_section: str = ""
    industry_code: str = ""
    size: str = ""
    contact: str = ""
    phone: str = ""
    credit_standing: str = "正常"
    leader_type: str = ""
    specialised: bool = False
    high_tech: bool = False
    code_override_note: str = ""
    notes: str = ""


@dataclass
class CertificateData:
    number: str
    org_id: int | None
    type_code: str
    body_id: int | None = None
    status: str = "01"
    issue_date: date | None = None
    expiry_date: date | None = None
    first_issue_date: date | None = None
    status_date: date | None = None
    status_reason: str = ""
    last_surveillance_date: date | None = None
    surveillance_count: int = 0
    recert_count: int = 0
    basis: str = ""
    scope: str = ""
    products: str = ""
    batch_year: int | None = None
    issuer: str = ""
    notes: str = ""


@dataclass
class SubsidyData:
    year: int
    org_id: int | None
    category: str
    amount: Decimal
    doc_number: str = ""
    granted_on: date | None = None
    notes: str = ""


@dataclass
class CaseData:
    inspected_on: date | None
    org_id: int | None
    kind: str
    finding: str = ""
    action: str = ""
    blacklisted: bool = False
    certificate_id: int | None = None
    notes: str = ""
