"""City side: round trip from county registers to the city register and the city workbook;
duplicates, conflicts, completeness and re-consolidation."""

from datetime import date, timedelta

import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import select, update

from greencert_desktop.domain.credit_code import make_code
from greencert_desktop.domain.errors import UserError
from greencert_desktop.domain.periods import Period
from greencert_desktop.domain.records import CertificateData, OrganisationData
from greencert_desktop.domain.status import effective_status
from greencert_desktop.excel import submission_format as fmt
from greencert_desktop.home import Home
from greencert_desktop.services import (
    certificates,
    consolidation,
    demo,
    organisations,
    submission,
)
from greencert_desktop.services.register import Register
from greencert_desktop.services.stats import statistics
from greencert_desktop.services.verification import verify_file
from greencert_desktop.storage.models import (
    AuditEntry,
    CertBody,
    Certificate,
    Organisation,
    Submission,
    Subsidy,
    SupervisionCase,
)

TODAY = date.today()
PERIOD = Period.last_complete(TODAY, "quarter")


def open_home(path, unit):
    reg = Register.open(Home(path))
    reg.set("operator", "测试员")
    reg.set("unit_code", unit)
    return reg


def snapshot(reg, unit):
    """Every record of ``unit`` by natural keys (ids differ between registers)."""
    with reg.db.reading() as s:
        orgs = {}
        for o in s.scalars(select(Organisation).where(Organisation.unit_code == unit)):
            orgs[o.id] = (o.credit_code, o.name, o.unit_code, o.address, o.industry_section,
                          o.industry_code, o.size, o.contact, o.phone, o.credit_standing,
                          o.leader_type, o.specialised, o.high_tech, o.code_override_note,
                          o.notes)
        bodies = {b.id: (b.name, b.approval_number) for b in s.scalars(select(CertBody))}
        certs, numbers = set(), {}
        for c in s.scalars(select(Certificate).where(Certificate.org_id.in_(list(orgs)))):
            numbers[c.id] = c.number
            certs.add((c.number, orgs[c.org_id][0], c.type_code, bodies.get(c.body_id), c.status,
                       c.issue_date, c.expiry_date, c.first_issue_date, c.status_date,
                       c.status_reason, c.last_surveillance_date, c.surveillance_count,
                       c.recert_count, c.basis, c.scope, c.products, c.batch_year, c.issuer,
                       c.notes))
        subs = sorted((x.year, orgs[x.org_id][0], x.category, x.amount_fen, x.doc_number,
                       x.granted_on, x.notes)
                      for x in s.scalars(select(Subsidy).where(Subsidy.org_id.in_(list(orgs)))))
        cases = sorted((x.inspected_on, orgs[x.org_id][0], numbers.get(x.certificate_id), x.kind,
                        x.finding, x.action, x.blacklisted, x.notes)
                       for x in s.scalars(select(SupervisionCase)
                                          .where(SupervisionCase.org_id.in_(list(orgs)))))
        with_records = {orgs[i][0] for i in orgs}
    return {"organisations": set(orgs.values()), "certificates": certs, "subsidies": subs,
            "cases": cases, "codes": with_records}


@pytest.fixture(scope="module")
def counties(tmp_path_factory):
    """One demo register holding two units' data (independent demo registers would reuse
    certificate numbers, which the city rightly reports as conflicts); each unit exports."""
    root = tmp_path_factory.mktemp("counties")
    files, snaps = {}, {}
    reg = open_home(root / "demo", "320706")
    demo.generate_demo(reg, certs=400, seed=5, units=["320706", "320722"])
    # two certificates recorded 有效 whose expiry has passed by the export date: one still
    # valid on the period's last day (its last valid day), one long expired
    with reg.db.transaction() as s:
        picked = s.scalars(
            select(Certificate.id).join(Organisation, Certificate.org_id == Organisation.id)
            .where(Organisation.unit_code == "320706", Certificate.status == "01",
                   Certificate.body_id.is_not(None),
                   Certificate.issue_date < PERIOD.start - timedelta(days=60))
            .order_by(Certificate.id).limit(2)).all()
        assert len(picked) == 2
        for cert_id, expiry in zip(picked, (PERIOD.end, PERIOD.start - timedelta(days=10)),
                                   strict=True):
            s.execute(update(Certificate).where(Certificate.id == cert_id).values(
                expiry_date=expiry))
        expired = dict(s.execute(select(Certificate.number, Certificate.expiry_date)
                                 .where(Certificate.id.in_(picked))).tuples().all())
    with reg.db.reading() as s:
        exported = set(s.scalars(select(Organisation.credit_code).where(
            submission._has_records())))
    for unit in ("320706", "320722"):
        out = root / f"out-{unit}"
        out.mkdir()
        files[unit] = submission.export_submission(reg, out, period=PERIOD, unit=unit).path
        snap = snapshot(reg, unit)
        # organisations without any record are not part of a submission
        snap["organisations"] = {o for o in snap["organisations"] if o[0] in exported}
        snap["figures"] = figures(reg, unit)
        snaps[unit] = snap
    snaps["320706"]["expired"] = expired
    reg.close()
    return files, snaps


def figures(reg, unit):
    """What the city's charts and workbook take from a unit's certificates as of the period's
    end (organisation-based indicators also count organisations without records, which a
    submission does not carry)."""
    stats = statistics(reg, unit=unit, period=PERIOD, today=TODAY)
    indicators = [(i["code"], i["count"]) for i in stats["indicators"]
                  if reg.reference.indicator(i["code"]).source != "organisations"]
    totals = {k: v for k, v in stats["totals"].items() if k != "organisations"}
    return totals, stats["by_status"], stats["by_type"], indicators


def effective_statuses(snap):
    """Each certificate's effective status on the period's end, the export date and later."""
    days = (PERIOD.end, TODAY, TODAY + timedelta(days=400))
    return {(c[0], c[3]): [effective_status(c[4], c[6], day) for day in days]
            for c in snap["certificates"]}


@pytest.fixture
def city(tmp_path):
    reg = open_home(tmp_path / "city", "320700")
    yield reg
    reg.close()


def test_round_trip_county_to_city(counties, city, tmp_path):
    files, snaps = counties
    for path in files.values():
        assert verify_file(path, city.reference).ok
    plan = consolidation.plan_consolidation(city, list(files.values()), PERIOD)
    assert not plan.conflicts, [c.message for c in plan.conflicts[:5]]
    assert [f.reason for f in plan.files] == ["", ""]
    assert plan.can_store and not plan.duplicates
    states = {u.code: u.state for u in plan.completeness}
    assert states["320706"] == states["320722"] == "received"
    assert states["320703"] == "missing" and plan.reported == 2
    result = consolidation.consolidate(city, plan)
    assert result.backup and {u["unit_code"] for u in result.units} == {"320706", "320722"}
    for unit, expected in snaps.items():
        got = snapshot(city, unit)
        for key in ("organisations", "certificates", "subsidies", "cases"):
            assert got[key] == expected[key], key
        assert effective_statuses(got) == effective_statuses(expected)
        assert figures(city, unit) == expected["figures"]
    # 证书状态 shows the status on the export date; 登记状态 keeps the recorded one
    t3 = fmt.CERTIFICATES
    rows = CalamineWorkbook.from_path(str(files["320706"])).get_sheet_by_name(
        fmt.SHEET_3).to_python()[1:]
    shown = {r[t3.index("number")]: (r[t3.index("status")], r[t3.index("recorded_status")])
             for r in rows}
    expired = snaps["320706"]["expired"]
    assert {shown[n] for n in expired} == {("过期失效", "有效")}
    past = [r for r in rows if isinstance(r[t3.index("expiry_date")], date)
            and r[t3.index("expiry_date")] < TODAY]
    assert past and "有效" not in {r[t3.index("status")] for r in past}
    with city.db.reading() as s:
        assert dict(s.execute(select(Certificate.number, Certificate.status).where(
            Certificate.number.in_(list(expired)))).tuples().all()) == dict.fromkeys(
            expired, "01")
    with city.db.reading() as s:
        received = s.scalars(select(Submission).where(Submission.direction == "received")).all()
        assert {r.unit_code for r in received} == {"320706", "320722"}
        assert all((city.home.root / r.file_name).exists() for r in received)
        audits = s.scalars(select(AuditEntry).where(AuditEntry.action == "consolidate")).all()
        assert len(audits) == 2
    out = tmp_path / "cityout"
    out.mkdir()
    workbook = consolidation.export_city_workbook(city, out, period=PERIOD)
    assert workbook.path.name == f"绿色认证汇总_320700_连云港市_{PERIOD.code}.xlsx"
    v = verify_file(workbook.path, city.reference)
    assert v.ok, [p.describe() for p in v.problems[:10]]
    assert v.counts["certificates"] == 400
    assert v.counts["units"] == len(plan.completeness)
    # the city's workbook is not a county submission: it cannot be consolidated
    again = consolidation.plan_consolidation(city, [workbook.path], PERIOD)
    assert again.files[0].state == consolidation.REFUSED


def test_reconsolidation_replaces_the_units_records(counties, city):
    files, snaps = counties
    consolidation.consolidate(city, consolidation.plan_consolidation(city, [files["320706"]],
                                                                     PERIOD))
    plan = consolidation.plan_consolidation(city, [files["320706"]], PERIOD)
    states = {u.code: u.state for u in plan.completeness}
    assert states["320706"] == "received"
    result = consolidation.consolidate(city, plan)
    assert result.units[0]["old"] == result.units[0]["new"]
    assert snapshot(city, "320706")["certificates"] == snaps["320706"]["certificates"]
    with city.db.reading() as s:
        n = s.scalar(select(Certificate.id).order_by(Certificate.id.desc()))
        assert n is not None


def test_duplicates_newest_wins_unless_told(counties, city, tmp_path):
    files, _ = counties
    source = files["320722"]
    older = tmp_path / "older.xlsx"
    older.write_bytes(source.read_bytes())
    # a second, later export of the same unit and period
    reg = open_home(source.parent.parent / "demo", "320706")
    newer = submission.export_submission(reg, tmp_path, period=PERIOD, unit="320722").path
    reg.close()
    plan = consolidation.plan_consolidation(city, [older, newer], PERIOD)
    chosen = {f.path.name: f.state for f in plan.files}
    assert chosen == {"older.xlsx": "superseded", newer.name: "accepted"}
    assert plan.duplicates and plan.duplicates[0]["chosen"] == str(newer)
    plan = consolidation.plan_consolidation(city, [older, newer], PERIOD, prefer="older")
    assert {f.path.name: f.state for f in plan.files}["older.xlsx"] == "accepted"


def _tiny_county(path, unit, code, number="C-001", scope="范围"):
    reg = open_home(path, unit)
    org = organisations.create_organisation(reg, OrganisationData(
        credit_code=code, name=f"{unit}的公司", unit_code=unit))
    body = certificates.create_body(reg, "中国质量认证中心", "CNCA-R-2002-001")
    issue = TODAY - timedelta(days=200)
    certificates.create_certificate(reg, CertificateData(
        number=number, org_id=org, type_code="EMS", body_id=body, issue_date=issue,
        expiry_date=issue + timedelta(days=1000), scope=scope))
    out = path / "out"
    out.mkdir()
    result = submission.export_submission(reg, out, period=PERIOD).path
    reg.close()
    return result


def test_conflicts_are_reported_before_anything_is_stored(city, tmp_path):
    shared = make_code("9", "1", "320706", "55500001")
    a = _tiny_county(tmp_path / "a", "320706", shared)
    b = _tiny_county(tmp_path / "b", "320707", shared)
    c = _tiny_county(tmp_path / "c", "320723", make_code("9", "1", "320723", "55500002"),
                     number="C-001", scope="另一个范围")
    plan = consolidation.plan_consolidation(city, [a, b, c], PERIOD)
    kinds = {x.kind for x in plan.conflicts}
    assert kinds == {"credit_code", "certificate"}
    assert any(shared in x.message and "320706" in x.message and "320707" in x.message
               for x in plan.conflicts)
    assert any("数据不同" in x.message for x in plan.conflicts if x.kind == "certificate")
    assert not plan.can_store
    with pytest.raises(UserError, match="冲突"):
        consolidation.consolidate(city, plan)
    with city.db.reading() as s:
        assert s.scalar(select(Organisation.id)) is None


def test_conflict_with_a_unit_already_in_the_city_register(city, tmp_path):
    shared = make_code("9", "1", "320706", "55500003")
    a = _tiny_county(tmp_path / "a", "320706", shared)
    consolidation.consolidate(city, consolidation.plan_consolidation(city, [a], PERIOD))
    b = _tiny_county(tmp_path / "b", "320707", shared, number="D-1")
    plan = consolidation.plan_consolidation(city, [b], PERIOD)
    assert [x.kind for x in plan.conflicts] == ["credit_code"]
    states = {u.code: u.state for u in plan.completeness}
    assert states["320706"] == "consolidated" and states["320707"] == "received"


def test_refusals(city, tmp_path, counties):
    files, _ = counties
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    plan = consolidation.plan_consolidation(city, [bad, files["320706"]], PERIOD.previous())
    reasons = {f.path.name: f.reason for f in plan.files}
    assert "校验未通过" in reasons["bad.xlsx"]
    assert "不是本次汇总的" in reasons[files["320706"].name]
    assert not plan.can_store


def test_older_period_does_not_roll_a_unit_back(city, tmp_path):
    code = make_code("9", "1", "320706", "55500009")
    newer = _tiny_county(tmp_path / "a", "320706", code)
    consolidation.consolidate(city, consolidation.plan_consolidation(city, [newer], PERIOD))
    with city.db.transaction() as s:  # pretend a later period was consolidated already
        s.execute(Submission.__table__.update().values(period=PERIOD.next().code))
    plan = consolidation.plan_consolidation(city, [newer], PERIOD)
    assert plan.files[0].state == "refused" and "较早报告期" in plan.files[0].reason


def test_only_a_city_register_consolidates(tmp_path, counties):
    files, _ = counties
    reg = open_home(tmp_path / "county", "320706")
    with pytest.raises(UserError, match="市局"):
        consolidation.plan_consolidation(reg, [files["320706"]], PERIOD)
    reg.close()


def test_a_folder_of_files(city, counties):
    files, _ = counties
    folder = files["320706"].parent
    assert consolidation.expand_paths([folder]) == [files["320706"]]
