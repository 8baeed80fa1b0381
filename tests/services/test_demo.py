"""The demo register generator: deterministic, realistic and consistent with every rule."""

import json
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from greencert_desktop.domain import credit_code
from greencert_desktop.domain.approval import validate_approval_number
from greencert_desktop.domain.errors import UserError
from greencert_desktop.domain.records import (
    CASE_KINDS,
    SIZES,
    SUBSIDY_CATEGORIES,
    CertificateData,
    OrganisationData,
)
from greencert_desktop.domain.status import CertStatus, effective_status
from greencert_desktop.domain.validation import (
    default_expiry,
    validate_certificate,
    validate_organisation,
)
from greencert_desktop.home import Home
from greencert_desktop.services.demo import DemoSummary, generate_demo
from greencert_desktop.services.maintenance import check_register
from greencert_desktop.services.register import Register
from greencert_desktop.storage.models import (
    AuditEntry,
    CertBody,
    Certificate,
    Organisation,
    Subsidy,
    SupervisionCase,
)

TODAY = date(2025, 6, 30)
CERTS = 600
MANAGEMENT_SYSTEMS = {"EMS", "ENMS", "QMS_TRANSPORT", "ISO22000", "HACCP"}
DATA_TABLES = (Organisation, CertBody, Certificate, Subsidy, SupervisionCase)


def _rows(reg, model):
    table = model.__table__
    with reg.db.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(table).order_by(table.c.id))]


def _open(path):
    reg = Register.open(Home(path / "home"))
    reg.set("operator", "测试员")
    return reg


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """One register with 600 demo certificates, shared by the read-only tests."""
    reg = _open(tmp_path_factory.mktemp("demo"))
    calls = []
    summary = generate_demo(reg, certs=CERTS, seed=1, today=TODAY,
                            progress=lambda done, total: calls.append((done, total)))
    data = {model.__tablename__: _rows(reg, model) for model in DATA_TABLES}
    yield reg, summary, data, calls
    reg.close()


def _orgs(demo):
    return demo[2]["organisations"]


def _certs(demo):
    return demo[2]["certificates"]


def _types(demo):
    return {t.code: t for t in demo[0].reference.catalogue}


# ---- summary, progress, audit ---------------------------------------------------------


def test_summary_counts_match_the_tables(demo):
    _, summary, data, _ = demo
    assert isinstance(summary, DemoSummary)
    assert summary.certificates == CERTS == len(data["certificates"])
    assert summary.organisations == CERTS // 3 == len(data["organisations"])
    assert summary.bodies == len(data["cert_bodies"]) == 40
    assert summary.subsidies == len(data["subsidies"]) > 0
    assert summary.cases == len(data["supervision_cases"]) == round(CERTS * 0.02)
    assert summary.seconds >= 0


def test_progress_is_reported_up_to_the_total(demo):
    calls = demo[3]
    assert calls
    totals = {total for _, total in calls}
    assert len(totals) == 1
    done = [d for d, _ in calls]
    assert done == sorted(done)
    assert done[-1] == totals.pop()


def test_one_audit_row_summarises_the_generation(demo):
    reg, summary, _, _ = demo
    with reg.db.reading() as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.action == "demo")).all()
    assert len(entries) == 1
    entry = entries[0]
    assert entry.entity == "register"
    assert entry.operator == "测试员"
    changes = json.loads(entry.changes_json)
    assert changes["certificates"] == [None, summary.certificates]
    assert changes["organisations"] == [None, summary.organisations]
    assert changes["cases"] == [None, summary.cases]


def test_the_register_passes_its_own_integrity_check(demo):
    report = check_register(demo[0])
    assert report.ok, report.problems


# ---- determinism --------------------------------------------------------------------


def test_same_seed_gives_identical_rows(tmp_path):
    regs = [_open(tmp_path / name) for name in ("a", "b", "c")]
    try:
        generate_demo(regs[0], certs=250, seed=7, today=TODAY)
        generate_demo(regs[1], certs=250, seed=7, today=TODAY)
        generate_demo(regs[2], certs=250, seed=8, today=TODAY)
        for model in DATA_TABLES:
            first = _rows(regs[0], model)
            assert first, model.__tablename__
            assert first == _rows(regs[1], model), model.__tablename__
        assert _rows(regs[0], Organisation) != _rows(regs[2], Organisation)
    finally:
        for reg in regs:
            reg.close()


# ---- organisations ------------------------------------------------------------------


def test_every_credit_code_passes_the_check_and_is_unique(demo):
    codes = [o["credit_code"] for o in _orgs(demo)]
    assert len(set(codes)) == len(codes)
    for code in codes:
        assert credit_code.check(code).ok, code
    departments = {code[:2] for code in codes}
    assert {"91", "92", "93"} <= departments
    assert departments & {"12", "51", "52", "N1", "Y1"}
    divisions = {code[2:8] for code in codes}
    assert {"320705", "320721"} & divisions  # abolished codes live on in older credit codes
    assert any(not d.startswith("3207") for d in divisions)  # firms registered elsewhere


def test_organisations_are_valid_and_plausible(demo):
    reg = demo[0]
    sections = reg.reference.section_ranges()
    unit_codes = [u.code for u in reg.reference.units]
    names = [o["name"] for o in _orgs(demo)]
    assert len(set(names)) == len(names)
    for o in _orgs(demo):
        data = OrganisationData(**{k: o[k] for k in (
            "credit_code", "name", "unit_code", "address", "industry_section", "industry_code",
            "size", "contact", "phone", "credit_standing", "leader_type", "specialised",
            "high_tech", "code_override_note", "notes")})
        assert validate_organisation(data, unit_codes=unit_codes, sections=sections) == [], o
        first, last = sections[o["industry_section"]]
        assert len(o["industry_code"]) == 4
        assert first <= int(o["industry_code"][:2]) <= last
        assert o["size"] in SIZES
        assert re.fullmatch(r"1[358]\d{9}", o["phone"])
        assert 2 <= len(o["contact"]) <= 3
        assert o["address"].startswith("连云港市") and o["address"].endswith("号")
        assert o["updated_at"] >= o["created_at"]
    assert any(n.endswith("农民专业合作社") or n.endswith("专业合作社") for n in names)
    assert any(n.endswith("股份有限公司") for n in names)
    assert any(n.endswith("物流有限公司") for n in names)


def test_industries_lean_to_manufacturing_and_agriculture(demo):
    sections = [o["industry_section"] for o in _orgs(demo)]
    counts = {s: sections.count(s) for s in set(sections)}
    assert max(counts, key=counts.get) == "C"
    assert counts["C"] > len(sections) * 0.3
    assert counts["A"] > len(sections) * 0.05


def test_leaders_and_credit_standing(demo):
    orgs = _orgs(demo)
    leaders = [o["leader_type"] for o in orgs]
    assert 3 <= leaders.count("龙头") <= 5
    assert leaders.count("高成长") == 20
    standings = [o["credit_standing"] for o in orgs]
    assert standings.count("正常") > len(orgs) * 0.9
    assert standings.count("经营异常") >= 1
    assert 1 <= standings.count("严重违法失信名单") < len(orgs) * 0.02
    assert any(o["specialised"] for o in orgs) and any(o["high_tech"] for o in orgs)


# ---- certification bodies -----------------------------------------------------------


def test_bodies_have_unique_valid_approval_numbers(demo):
    bodies = demo[2]["cert_bodies"]
    numbers = [b["approval_number"] for b in bodies]
    assert len(set(numbers)) == len(numbers)
    assert len({b["name"] for b in bodies}) == len(bodies)
    for number in numbers:
        assert validate_approval_number(number) == (number, []), number
        assert re.fullmatch(r"CNCA-R-\d{4}-\d{3,4}|CNCA-RF-\d{4}-\d{2}", number)
    assert any(n.startswith("CNCA-RF-") for n in numbers)
    names = {b["name"] for b in bodies}
    assert {"中国质量认证中心", "方圆标志认证集团有限公司", "中环联合（北京）认证中心有限公司",
            "北京中大华远认证中心", "南京国环有机产品认证中心"} <= names


# ---- certificates -------------------------------------------------------------------


def test_every_catalogue_type_is_present(demo):
    assert {c["type_code"] for c in _certs(demo)} == set(_types(demo))


def test_type_mix_is_led_by_environmental_management(demo):
    types = [c["type_code"] for c in _certs(demo)]
    counts = {t: types.count(t) for t in set(types)}
    assert max(counts, key=counts.get) == "EMS"


def test_every_status_is_present_and_some_valid_ones_have_lapsed(demo):
    certs = _certs(demo)
    assert {c["status"] for c in certs} == {s.value for s in CertStatus}
    valid = [c for c in certs if c["status"] == "01"]
    assert len(valid) > len(certs) * 0.6
    lapsed = [c for c in valid if effective_status("01", c["expiry_date"], TODAY) == "05"]
    assert lapsed  # stored 01, counted as expired without editing
    soon = [c for c in valid if c["expiry_date"] is not None
            and TODAY <= c["expiry_date"] <= TODAY + timedelta(days=90)]
    assert soon
    for c in certs:
        if c["status"] in ("02", "03", "04", "05"):
            assert c["status_date"] is not None and c["status_reason"], c
        else:
            assert c["status_date"] is None and c["status_reason"] == ""


def test_certificates_and_listings_pass_validation(demo):
    types = _types(demo)
    for c in _certs(demo):
        data = CertificateData(**{k: c[k] for k in (
            "number", "org_id", "type_code", "body_id", "status", "issue_date", "expiry_date",
            "first_issue_date", "status_date", "status_reason", "last_surveillance_date",
            "surveillance_count", "recert_count", "basis", "scope", "products", "batch_year",
            "issuer", "notes")})
        kind = types[c["type_code"]].kind
        assert validate_certificate(data, type_kind=kind, today=TODAY) == [], c


def test_listings_have_an_issuer_and_batch_year_but_no_body(demo):
    types = _types(demo)
    listings = [c for c in _certs(demo) if types[c["type_code"]].is_listing]
    assert listings
    for c in listings:
        assert c["body_id"] is None
        assert c["batch_year"] == c["issue_date"].year
        assert c["issuer"]
    issuers = {c["issuer"] for c in listings}
    assert {"工业和信息化部", "中国绿色食品发展中心"} <= issuers
    for c in _certs(demo):
        if not types[c["type_code"]].is_listing:
            assert c["body_id"] is not None and c["batch_year"] is None and c["issuer"] == ""


def test_dates_follow_the_type_validity(demo):
    types = _types(demo)
    oldest = TODAY - timedelta(days=6 * 366)
    for c in _certs(demo):
        t = types[c["type_code"]]
        issued = c["issue_date"]
        assert oldest <= issued <= TODAY
        assert c["first_issue_date"] <= issued
        validity = t.validity_years or (None if t.is_listing else 3)
        assert c["expiry_date"] == (default_expiry(issued, validity) if validity else None)
        if c["expiry_date"] is not None:
            assert c["expiry_date"] >= issued
        if c["status_date"] is not None:
            assert issued <= c["status_date"] <= TODAY
        if c["last_surveillance_date"] is not None:
            assert issued < c["last_surveillance_date"] <= TODAY
            assert c["surveillance_count"] >= 1
        if c["recert_count"] == 0:
            assert c["first_issue_date"] == issued
        assert c["basis"] == t.basis
        assert c["created_at"].date() >= issued
        assert c["updated_at"] >= c["created_at"]


def test_some_valid_management_systems_are_overdue_for_surveillance(demo):
    year_ago = TODAY - timedelta(days=365)
    overdue = [c for c in _certs(demo) if c["type_code"] in MANAGEMENT_SYSTEMS
               and effective_status(c["status"], c["expiry_date"], TODAY) == "01"
               and (c["last_surveillance_date"] or c["issue_date"]) < year_ago]
    assert overdue
    surveyed = [c for c in _certs(demo) if c["surveillance_count"] > 0]
    assert len(surveyed) > len(_certs(demo)) * 0.2
    assert any(c["recert_count"] > 0 for c in _certs(demo))


def test_records_are_entered_after_their_organisation(demo):
    created = {o["id"]: o["created_at"] for o in _orgs(demo)}
    for c in _certs(demo):
        assert c["created_at"] >= created[c["org_id"]]


def test_numbers_are_unique_per_body_and_per_listing_type(demo):
    keys = [(c["body_id"], c["number"]) if c["body_id"] is not None
            else (c["type_code"], c["number"]) for c in _certs(demo)]
    assert len(set(keys)) == len(keys)
    numbers = [c["number"] for c in _certs(demo)]
    assert any(re.fullmatch(r"CQC\d{2}E\d{4,}R\d[SML]", n) for n in numbers)
    assert any(re.fullmatch(r"\d{3,4}\d{2}E\d{4,}R\d[SML](/\d{4})?", n) for n in numbers)
    assert any(re.fullmatch(r"LB-\d{4}-\d{4,}", n) for n in numbers)


def test_scope_and_products_are_chinese_text(demo):
    for c in _certs(demo):
        assert c["scope"] and re.search(r"[\u4e00-\u9fff]", c["scope"]), c
    products = [c for c in _certs(demo) if c["type_code"] == "ENERGY_SAVING"]
    assert all(c["products"] for c in products)


# ---- subsidies and cases ------------------------------------------------------------


def test_subsidies_name_three_to_five_leading_units_a_year(demo):
    subsidies = demo[2]["subsidies"]
    org_ids = {o["id"] for o in _orgs(demo)}
    for year in (TODAY.year - 2, TODAY.year - 1, TODAY.year):
        leading = [s for s in subsidies if s["year"] == year and s["category"] == "引领单位"]
        assert 3 <= len(leading) <= 5
        assert len({s["org_id"] for s in leading}) == len(leading)
        for s in leading:
            assert 50_000 * 100 <= s["amount_fen"] <= 100_000 * 100
            assert s["amount_fen"] % 100 == 0
            assert re.fullmatch(rf"连市监〔{year}〕\d+号", s["doc_number"])
    for s in subsidies:
        assert s["category"] in SUBSIDY_CATEGORIES
        assert s["granted_on"].year == s["year"] and s["granted_on"] <= TODAY
        assert s["org_id"] in org_ids
        assert s["amount_fen"] > 0
    assert {s["category"] for s in subsidies} >= {"引领单位", "领跑者"}


def test_cases_are_recent_and_consistent(demo):
    cases = demo[2]["supervision_cases"]
    certs = {c["id"]: c for c in _certs(demo)}
    assert cases
    for case in cases:
        assert TODAY - timedelta(days=2 * 365) <= case["inspected_on"] <= TODAY
        assert case["kind"] in CASE_KINDS
        assert case["finding"] and case["action"]
        if case["certificate_id"] is not None:
            assert certs[case["certificate_id"]]["org_id"] == case["org_id"]
    assert any("虚标" in case["finding"] for case in cases)


def test_blacklisted_cases_match_credit_standing(demo):
    cases = demo[2]["supervision_cases"]
    certs = {c["id"]: c for c in _certs(demo)}
    blacklisted_orgs = {c["org_id"] for c in cases if c["blacklisted"]}
    assert blacklisted_orgs
    listed = {o["id"] for o in _orgs(demo) if o["credit_standing"] == "严重违法失信名单"}
    assert listed == blacklisted_orgs
    for case in cases:
        if case["blacklisted"]:
            cert = certs[case["certificate_id"]]
            assert cert["status"] == "03"
            assert cert["status_date"] >= case["inspected_on"]
    assert all(o["leader_type"] == "" for o in _orgs(demo) if o["id"] in listed)
    assert not {s["org_id"] for s in demo[2]["subsidies"]} & listed


# ---- parameters ---------------------------------------------------------------------


def test_unit_filter_is_honoured(register):
    summary = generate_demo(register, certs=90, units=["320706"], today=TODAY)
    orgs = _rows(register, Organisation)
    assert len(orgs) == summary.organisations == 30
    assert {o["unit_code"] for o in orgs} == {"320706"}
    assert all(o["address"].startswith("连云港市海州区") for o in orgs)


def test_default_units_are_every_active_reporting_unit(demo):
    reg = demo[0]
    active = {u.code for u in reg.reference.units if u.active}
    used = {o["unit_code"] for o in _orgs(demo)}
    assert used <= active
    assert reg.reference.city.code not in used
    assert len(used) >= len(active) - 1


def test_organisation_count_can_be_chosen(register):
    summary = generate_demo(register, certs=40, orgs=5, today=TODAY)
    assert summary.organisations == 5
    assert len(_rows(register, Organisation)) == 5
    assert len({c["org_id"] for c in _rows(register, Certificate)}) == 5


def test_unknown_unit_is_refused(register):
    with pytest.raises(UserError, match="未知的报送单位代码"):
        generate_demo(register, certs=10, units=["320799"])
    assert _rows(register, Organisation) == []


@pytest.mark.parametrize("kwargs", [{"certs": 0}, {"certs": -5}, {"orgs": 0},
                                    {"certs": True}, {"certs": 10_000_000}, {"orgs": 2.5}])
def test_nonsensical_counts_are_refused(demo, kwargs):
    with pytest.raises(UserError, match="数量"):
        generate_demo(demo[0], **kwargs)


def test_a_register_with_data_is_left_alone(register):
    generate_demo(register, certs=30, today=TODAY)
    before = len(_rows(register, Certificate))
    with pytest.raises(UserError, match="已有"):
        generate_demo(register, certs=30, today=TODAY)
    assert len(_rows(register, Certificate)) == before
