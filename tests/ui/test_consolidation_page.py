"""The city 汇总 page: add the counties' files, see states and completeness, duplicates and
conflicts before storing, consolidate in the background, export the city workbook."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import func, select

from greencert_desktop.domain.periods import Period
from greencert_desktop.home import Home
from greencert_desktop.services import demo, submission
from greencert_desktop.services.register import Register
from greencert_desktop.services.verification import verify_file
from greencert_desktop.storage.models import Certificate, Organisation
from greencert_desktop.ui import jobs
from greencert_desktop.ui.pages.consolidation import ConsolidationPage
from greencert_desktop.ui.pages.submission import SubmissionPage

UNITS = ("320706", "320722")


@pytest.fixture(scope="module")
def county_files(tmp_path_factory):
    """One demo register holding two units (separate demo registers would reuse certificate
    numbers, a conflict the city rightly reports); each unit exports, 320706 twice."""
    root = tmp_path_factory.mktemp("counties")
    reg = Register.open(Home(root / "demo"))
    reg.set("operator", "测试员")
    reg.set("unit_code", "320706")
    demo.generate_demo(reg, certs=90, seed=4, units=list(UNITS))
    period = submission.default_period(reg)
    files, counts = {}, {}
    for unit in UNITS:
        out = root / f"out-{unit}"
        out.mkdir()
        result = submission.export_submission(reg, out, period=period, unit=unit)
        files[unit], counts[unit] = result.path, result.counts
    later = root / "later"
    later.mkdir()
    newer = submission.export_submission(
        reg, later, period=period, unit="320706",
        now=submission.local_now() + timedelta(minutes=5)).path
    reg.close()
    return {"period": period, "files": files, "counts": counts, "newer": newer}


@pytest.fixture
def page(qtbot, register):
    register.set("unit_code", "320700")
    holder = SubmissionPage(register)
    qtbot.addWidget(holder)
    holder.resize(1100, 700)
    holder.show()
    qtbot.waitExposed(holder)
    content = holder.content
    assert isinstance(content, ConsolidationPage)
    qtbot.waitUntil(lambda: content.plan is not None and not content.busy(), timeout=10000)
    yield content
    for job in jobs.running_jobs():
        job.cancel()
        job.wait()
    for w in QApplication.topLevelWidgets():
        if isinstance(w, QMessageBox) and w.isVisible():
            w.close()


def _states(page) -> dict[str, str]:
    t = page.units_table
    return {t.item(r, 0).text(): t.item(r, 2).text() for r in range(t.rowCount())}


def _add(qtbot, page, paths):
    with qtbot.waitSignal(page.planChanged, timeout=30000):
        assert page.add_paths(paths) is not None


def test_add_files_then_consolidate_and_export(qtbot, page, register, county_files, tmp_path):
    page.period_chooser.set_period(county_files["period"])
    qtbot.waitUntil(lambda: not page.busy() and page.plan.period == county_files["period"],
                    timeout=10000)
    before = _states(page)
    assert set(before.values()) == {"Missing"}
    total = len(before)
    assert page.completeness_label.text() == f"0/{total} units have reported"
    assert not page.store_button.isEnabled()

    _add(qtbot, page, list(county_files["files"].values()))
    states = _states(page)
    assert states["320706"] == states["320722"] == "Received and passed"
    assert all(s == "Missing" for code, s in states.items() if code not in UNITS)
    assert page.completeness_label.text() == f"2/{total} units have reported"
    assert page.files_table.rowCount() == 2 and page.conflicts_table.rowCount() == 0
    row = [r for r in range(page.units_table.rowCount())
           if page.units_table.item(r, 0).text() == "320706"][0]
    assert page.units_table.item(row, 3).text()[:4].isdigit()  # generation time shown
    # nothing is stored before 汇总入库
    with register.db.reading() as s:
        assert s.scalar(select(func.count()).select_from(Organisation)) == 0
    assert page.store_button.isEnabled()

    with qtbot.waitSignal(page.consolidated, timeout=60000) as blocker:
        page.store_button.click()
    result = blocker.args[0]
    assert result.backup and {u["unit_code"] for u in result.units} == set(UNITS)
    with register.db.reading() as s:
        for unit in UNITS:
            orgs = s.scalar(select(func.count()).select_from(Organisation)
                            .where(Organisation.unit_code == unit))
            certs = s.scalar(select(func.count()).select_from(Certificate).join(Organisation)
                             .where(Organisation.unit_code == unit))
            assert orgs == county_files["counts"][unit]["organisations"]
            assert certs == county_files["counts"][unit]["certificates"]
    qtbot.waitUntil(lambda: not page.busy() and page.files_table.rowCount() == 0,
                    timeout=10000)
    states = _states(page)
    assert states["320706"] == states["320722"] == "Consolidated"
    assert page.completeness_label.text() == f"2/{total} units have reported"

    out = tmp_path / "city"
    out.mkdir()
    with qtbot.waitSignal(page.cityExportFinished, timeout=60000) as blocker:
        page.export_city(str(out))
    path = blocker.args[0]
    assert path and verify_file(path, register.reference).ok


def test_duplicates_and_refusals_are_shown_before_storing(qtbot, page, register, county_files,
                                                         tmp_path):
    period: Period = county_files["period"]
    page.period_chooser.set_period(period)
    qtbot.waitUntil(lambda: not page.busy() and page.plan.period == period, timeout=10000)
    junk = tmp_path / "坏文件.xlsx"
    junk.write_text("not a workbook", encoding="utf-8")
    older = county_files["files"]["320706"]
    newer = county_files["newer"]
    _add(qtbot, page, [older, newer, county_files["files"]["320722"], junk])

    plan = page.plan
    assert len(plan.duplicates) == 1 and plan.duplicates[0]["unit_code"] == "320706"
    assert page.duplicates_table.rowCount() == 1
    assert page.tabs.currentIndex() == page.duplicates_tab
    combo = page.duplicates_table.cellWidget(0, 1)
    assert combo.objectName() == "duplicateChoice_320706"
    assert combo.currentData() == str(newer)  # the newer file by default
    results = {page.files_table.item(r, 0).toolTip(): page.files_table.item(r, 4).text()
               for r in range(page.files_table.rowCount())}
    assert results == {str(older): "Duplicate, not used", str(newer): "Accepted",
                       str(county_files["files"]["320722"]): "Accepted",
                       str(junk): "Refused"}
    assert "2 workbooks are ready" in page.message.text()
    with register.db.reading() as s:
        assert s.scalar(select(func.count()).select_from(Organisation)) == 0

    # the clerk prefers the older file
    with qtbot.waitSignal(page.planChanged, timeout=30000):
        combo.setCurrentIndex(combo.findData(str(older)))
    chosen = {e.path for e in page.plan.accepted}
    assert chosen == {older, county_files["files"]["320722"]}
    assert page.duplicates_table.cellWidget(0, 1).currentData() == str(older)

    # removing a file plans again without it
    page.files_table.selectRow([r for r in range(page.files_table.rowCount())
                                if page.files_table.item(r, 0).toolTip() == str(junk)][0])
    with qtbot.waitSignal(page.planChanged, timeout=30000):
        page.remove_button.click()
    assert page.files_table.rowCount() == 3
