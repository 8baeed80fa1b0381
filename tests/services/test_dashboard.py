"""Home figures and chart data: every number equals the list the click opens, or the
statistics the submission reports."""

from __future__ import annotations

from datetime import date

import pytest

from greencert_desktop.domain.errors import UserError
from greencert_desktop.domain.periods import Period
from greencert_desktop.services import dashboard as d
from greencert_desktop.services.demo import generate_demo
from greencert_desktop.services.lists import CertificateList, ListQuery, OrganisationList
from greencert_desktop.services.stats import statistics
from greencert_desktop.storage.models import IndicatorQuota

TODAY = date(2026, 5, 15)
LISTS = {"certificates": CertificateList(), "organisations": OrganisationList()}


@pytest.fixture
def reg(register):
    generate_demo(register, certs=1500, seed=4, today=TODAY)
    return register


def list_count(reg, page, filters):
    return LISTS[page].count(reg, ListQuery(filters=filters), TODAY)


def test_overview_figures_match_the_lists_they_open(reg):
    data = d.overview(reg, today=TODAY)
    assert data["period"]["code"] == "2026Q2"
    figures = {f["key"]: f for f in data["figures"]}
    assert set(figures) == {"valid", "certified_organisations", "new_in_period",
                            "expiring_90", "suspended", "blacklisted"}
    for key in ("valid", "certified_organisations", "expiring_90", "suspended", "blacklisted"):
        f = figures[key]
        assert f["count"] == list_count(reg, f["page"], f["filters"]), key
    assert figures["valid"]["count"] > 0
    stats = statistics(reg, today=TODAY)
    assert figures["valid"]["count"] == stats["totals"]["valid"]
    assert figures["certified_organisations"]["count"] == stats["totals"][
        "certified_organisations"]


def test_overview_todos_and_indicators(reg):
    data = d.overview(reg, today=TODAY)
    todos = {t["key"]: t for t in data["todos"]}
    assert [todos[f"expiring_{n}"]["filters"]["expiring_within"] for n in (30, 60, 90)] == [
        30, 60, 90]
    counts = [todos[f"expiring_{n}"]["count"] for n in (30, 60, 90)]
    assert counts == sorted(counts)
    for key in ("expiring_30", "expiring_60", "expiring_90", "surveillance_overdue"):
        assert todos[key]["count"] == list_count(reg, "certificates", todos[key]["filters"])
    assert todos["missing_fields"]["page"] == "submission"
    assert todos["missing_fields"]["count"] == 0  # demo data are complete
    stats = statistics(reg, today=TODAY)
    assert [(i["code"], i["count"], i["target"]) for i in data["indicators"]] == [
        (i["code"], i["count"], i["target"]) for i in stats["indicators"]]
    organic = next(i for i in data["indicators"] if i["code"] == "organic")
    assert organic["page"] == "certificates"
    assert organic["filters"] == {"status": "01", "type_code": "ORGANIC"}
    assert list_count(reg, "certificates", organic["filters"]) == organic["count"]


def test_submission_status_moves_on_after_an_export(reg):
    from greencert_desktop.services.submission import record_submission

    status = d.overview(reg, unit="320706", today=TODAY)["submission"]
    assert status["last"] is None
    assert status["due"]["code"] == "2026Q1" and status["due"]["overdue"]
    from datetime import datetime

    record_submission(reg, "export", "320706", Period.parse("2026Q1"),
                      datetime(2026, 4, 3, 9, 0).astimezone(), "x.xlsx", "0" * 64, {})
    status = d.overview(reg, unit="320706", today=TODAY)["submission"]
    assert status["last"]["period"] == "2026Q1"
    assert status["due"]["code"] == "2026Q2" and not status["due"]["overdue"]


def test_missing_fields_are_counted(reg):
    from sqlalchemy import update

    from greencert_desktop.storage.models import Certificate

    with reg.db.transaction() as s:
        s.execute(update(Certificate).where(Certificate.id.in_([1, 2, 3]),
                                            Certificate.type_code == "EMS")
                  .values(body_id=None))
        changed = s.execute(Certificate.__table__.select().where(
            Certificate.id.in_([1, 2, 3]), Certificate.body_id.is_(None))).all()
    data = d.overview(reg, today=TODAY)
    todo = next(t for t in data["todos"] if t["key"] == "missing_fields")
    assert todo["count"] == len(changed)


@pytest.mark.parametrize("by_unit", [False, True])
def test_every_bar_matches_its_list(reg, by_unit):
    f = d.ChartFilter(by_unit=by_unit)
    for key in ("valid_by_type", "industries"):
        chart = d.chart(reg, key, f, today=TODAY)
        for i, _cat in enumerate(chart["categories"]):
            for j, series in enumerate(chart["series"]):
                page, filters = d.bar_filters(chart, i, j)
                assert series["values"][i] == list_count(reg, page, filters), (key, i, j)


def test_valid_by_type_groups_types_by_policy_section(reg):
    chart = d.valid_by_type_chart(reg, d.ChartFilter(), today=TODAY)
    groups = [c["group"] for c in chart["categories"]]
    # each group's types are together
    seen = []
    for g in groups:
        if not seen or seen[-1] != g:
            assert g not in seen
            seen.append(g)
    assert seen[0] == "（五）绿色农业"
    total = sum(chart["series"][0]["values"])
    assert total == statistics(reg, today=TODAY)["totals"]["valid"]
    one = d.valid_by_type_chart(reg, d.ChartFilter(type_group="绿色农业"), today=TODAY)
    assert {c["group"] for c in one["categories"]} == {"（五）绿色农业"}
    assert one["base_filters"] == {"type_group": "绿色农业"}


def test_by_unit_series_add_up_to_the_whole(reg):
    for key in d.CHART_KEYS:
        whole = d.chart(reg, key, d.ChartFilter(), today=TODAY)
        split = d.chart(reg, key, d.ChartFilter(by_unit=True), today=TODAY)
        assert len(split["series"]) == 10, key
        sums = [sum(v or 0 for v in col) for col in zip(*(s["values"] for s in split["series"]),
                                                        strict=True)]
        if key == "indicators":
            for t, total in zip(whole["targets"], sums, strict=True):
                if t["count"] is not None and t["target"]:
                    assert total == pytest.approx(100 * t["count"] / t["target"], abs=0.1)
        elif key == "trend":
            assert sums == whole["series"][1]["values"]
        elif key == "industries":
            assert sums == whole["series"][0]["values"]
        else:
            assert sums == whole["series"][0]["values"], key


def test_trend_counts_new_and_valid_per_period(reg):
    f = d.ChartFilter(period_from=Period.parse("2025Q3"), period_to=Period.parse("2026Q2"))
    chart = d.trend_chart(reg, f, today=TODAY)
    assert [c["period"] for c in chart["categories"]] == ["2025Q3", "2025Q4", "2026Q1",
                                                          "2026Q2"]
    new, valid = chart["series"]
    for cat, n in zip(chart["categories"], new["values"], strict=True):
        p = Period.parse(cat["period"])
        assert n == statistics(reg, period=p, today=TODAY)["totals"]["new_in_period"]
    for cat, n in zip(chart["categories"], valid["values"], strict=True):
        p = Period.parse(cat["period"])
        assert n == statistics(reg, period=p, today=TODAY)["totals"]["valid"]


def test_expiries_by_month(reg):
    chart = d.expiries_chart(reg, d.ChartFilter(), today=TODAY)
    assert [c["label"] for c in chart["categories"]][:3] == ["2026-05", "2026-06", "2026-07"]
    assert len(chart["categories"]) == 12
    values = chart["series"][0]["values"]
    before = 0
    for i, cat in enumerate(chart["categories"]):
        upto = list_count(reg, "certificates", cat["filters"])
        assert values[i] == upto - before
        before = upto


def test_unit_filter_and_quota(reg):
    with reg.db.transaction() as s:
        s.add(IndicatorQuota(indicator_code="ems", unit_code="320706", target=200))
    chart = d.indicators_chart(reg, d.ChartFilter(unit="320706"), today=TODAY)
    ems = next(t for t in chart["targets"] if t["code"] == "ems")
    assert ems["quota"] == 200
    assert "配额 200" in ems["text"] and "目标 1000" in ems["text"]
    assert chart["base_filters"] == {"unit_code": "320706"}
    with pytest.raises(UserError):
        d.overview(reg, unit="999999", today=TODAY)


def test_brief_data(reg):
    data = d.brief_data(reg, Period.parse("2026Q1"), unit="320706", today=TODAY)
    assert data["unit"]["name"] == "海州区"
    assert data["as_of"] == "2026-03-31"
    assert [c["key"] for c in data["charts"]] == list(d.BRIEF_CHARTS)
    assert len(data["indicators"]) == 9
    with pytest.raises(UserError, match="尚未开始"):
        d.brief_data(reg, Period.parse("2026Q4"), today=TODAY)


def test_empty_register_charts(register):
    for key in d.CHART_KEYS:
        chart = d.chart(register, key, today=TODAY)
        assert all(not v for s in chart["series"] for v in s["values"]), key
    assert d.overview(register, today=TODAY)["figures"][0]["count"] == 0


def test_data_version_changes_with_records(register):
    before = d.data_version(register)
    generate_demo(register, certs=10, seed=1, today=TODAY)
    assert d.data_version(register) != before
