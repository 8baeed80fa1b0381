"""The schema itself refuses what would corrupt the register, whatever the code above it."""

from datetime import date, datetime

import pytest
from sqlalchemy.exc import IntegrityError

from greencert_desktop.domain.credit_code import make_code
from greencert_desktop.storage.models import CertBody, Certificate, Organisation

NOW = datetime(2026, 1, 1)


def _org(code, name="连云港测试有限公司", unit="320706"):
    return Organisation(credit_code=code, name=name, unit_code=unit, created_at=NOW,
                        updated_at=NOW)


def _cert(org_id, body_id, number="00226E1234R0M", **kw):
    values = dict(number=number, org_id=org_id, type_code="EMS", body_id=body_id,
                  issue_date=date(2024, 1, 1), expiry_date=date(2026, 12, 31),
                  created_at=NOW, updated_at=NOW)
    values.update(kw)
    return Certificate(**values)


@pytest.fixture
def org_and_body(register):
    with register.db.transaction() as s:
        org = _org(make_code("9", "1", "320706", "12345678"))
        body = CertBody(name="中国质量认证中心", approval_number="CNCA-R-2002-001")
        s.add_all([org, body])
        s.flush()
        return org.id, body.id


def _insert(register, *rows):
    with register.db.transaction() as s:
        s.add_all(rows)


def test_credit_code_is_unique(register, org_and_body):
    code = make_code("9", "1", "320706", "12345678")
    with pytest.raises(IntegrityError):
        _insert(register, _org(code, name="另一家公司"))


def test_certificate_number_unique_per_body_only(register, org_and_body):
    org_id, body_id = org_and_body
    _insert(register, _cert(org_id, body_id))
    with pytest.raises(IntegrityError):
        _insert(register, _cert(org_id, body_id))
    with register.db.transaction() as s:
        other = CertBody(name="方圆标志认证集团有限公司", approval_number="CNCA-R-2002-002")
        s.add(other)
        s.flush()
        s.add(_cert(org_id, other.id))  # same number, other body: allowed


def test_listing_number_unique_per_type_without_body(register, org_and_body):
    org_id, _ = org_and_body
    listing = dict(type_code="GREEN_FACTORY", expiry_date=None, batch_year=2023)
    _insert(register, _cert(org_id, None, number="GF-2023-001", **listing))
    with pytest.raises(IntegrityError):
        _insert(register, _cert(org_id, None, number="GF-2023-001", **listing))


@pytest.mark.parametrize("bad", [
    {"status": "06"},
    {"expiry_date": date(2023, 12, 31)},
    {"first_issue_date": date(2024, 6, 1)},
    {"surveillance_count": -1},
    {"type_code": "NO_SUCH_TYPE"},
    {"org_id": 999_999},
])
def test_certificate_rows_that_break_a_rule_are_refused(register, org_and_body, bad):
    org_id, body_id = org_and_body
    values = {"org_id": org_id, **bad}
    with pytest.raises(IntegrityError):
        _insert(register, _cert(values.pop("org_id"), body_id, **values))


def test_organisation_needs_a_known_unit(register):
    with pytest.raises(IntegrityError):
        _insert(register, _org(make_code("9", "1", "320706", "87654321"), unit="999999"))
