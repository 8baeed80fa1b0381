"""The county 报送 page: preview, check, export in the background, cancel, history, verify."""

from __future__ import annotations

import openpyxl
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from sqlalchemy import select, update

from greencert_desktop.excel import submission_format as fmt
from greencert_desktop.services import demo, submission
from greencert_desktop.services.verification import verify_file
from greencert_desktop.storage.models import Organisation
from greencert_desktop.ui import jobs
from greencert_desktop.ui.forms import OrganisationForm
from greencert_desktop.ui.main_window import MainWindow
from greencert_desktop.ui.pages.submission import CountySubmissionPage, SubmissionPage
from greencert_desktop.ui.verify_dialog import VerifyDialog


@pytest.fixture
def county(register):
    register.set("unit_code", "320706")
    demo.generate_demo(register, certs=60, seed=2, units=["320706"])
    return register


@pytest.fixture
def page(qtbot, county):
    holder = SubmissionPage(county)
    qtbot.addWidget(holder)
    holder.resize(1100, 700)
    holder.show()
    qtbot.waitExposed(holder)
    content = holder.content
    assert isinstance(content, CountySubmissionPage)
    qtbot.waitUntil(lambda: content.preview_data is not None, timeout=10000)
    yield content
    for job in jobs.running_jobs():
        job.cancel()
        job.wait()
    for box in _boxes("fileWritten") + _boxes("jobError"):
        box.close()


def _boxes(name: str) -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.objectName() == name and w.isVisible()]


def _column(table, column: int) -> list[str]:
    return [table.item(r, column).text() for r in range(table.rowCount())]


def test_the_page_opens_in_the_navigation_slot(qtbot, county):
    window = MainWindow(county)
    qtbot.addWidget(window)
    window.show_page("submission")
    page = window.page("submission")
    assert isinstance(page, SubmissionPage) and isinstance(page.content, CountySubmissionPage)
    qtbot.waitUntil(lambda: page.content.preview_data is not None, timeout=10000)


def test_preview_of_the_default_period(qtbot, page, county):
    period = submission.default_period(county)
    assert page.period() == period
    expected = submission.preview(county, period)
    data = page.preview_data
    assert data["period"]["code"] == period.code
    assert data["counts"] == expected["counts"]
    indicators = page.indicators_table
    assert indicators.rowCount() == len(expected["indicators"]) > 0
    assert _column(indicators, 0) == [i["name"] for i in expected["indicators"]]
    assert page.types_table.rowCount() == len(expected["types"])
    assert page.changes_table.rowCount() == len(expected["changes"])
    assert f"{expected['counts']['certificates']:,}" in page.summary_label.text()
    assert expected["file_name"] in page.file_label.text()
    assert page.history_table.rowCount() == 0
    # the previous period is one click away and previews again
    page.period_chooser.previous_button.click()
    qtbot.waitUntil(lambda: page.preview_data["period"]["code"] == period.previous().code,
                    timeout=10000)


def test_export_writes_a_verified_file_and_a_history_row(qtbot, page, county, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    page.people_edits["filler"].setText("王芳")
    page.people_edits["phone"].setText("0518-85800000")
    page.folder_edit.setText(str(out))
    with qtbot.waitSignal(page.exportFinished, timeout=30000) as blocker:
        qtbot.mouseClick(page.export_button, _left())
    path = out / fmt.file_name("320706", "海州区", page.period().code)
    assert blocker.args == [str(path)]
    assert path.exists() and [p.name for p in out.iterdir()] == [path.name]
    result = verify_file(path, county.reference)
    assert result.ok, [p.describe() for p in result.problems]
    assert page.history_table.rowCount() == 1
    assert page.history_table.item(0, 3).text() == path.name
    assert page.history_table.item(0, 4).toolTip() == result.content_sha256
    # the cover-sheet fields and the folder are remembered
    assert county.get("submission_filler") == "王芳"
    assert county.get("submission_folder") == str(out)
    done = _boxes("fileWritten")
    assert len(done) == 1 and str(path) in done[0].text()
    assert done[0].findChild(QPushButton, "openFolder") is not None


def test_cancel_during_export_leaves_no_file(qtbot, page, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with qtbot.waitSignal(page.exportFinished, timeout=30000) as blocker:
        job = page.export(str(out))
        job.dialog.findChild(QPushButton).click()  # the progress dialog's Cancel
    assert blocker.args == [""]
    assert job.state == "cancelled"
    assert list(out.iterdir()) == []
    assert page.history_table.rowCount() == 0
    assert not _boxes("jobError")


def test_check_lists_a_bad_record_and_opens_it(qtbot, page, county, tmp_path):
    with county.db.transaction() as s:
        org_id = s.scalars(select(Organisation.id).where(submission._has_records())
                           .order_by(Organisation.id)).first()
        s.execute(update(Organisation).where(Organisation.id == org_id)
                  .values(credit_code="91320700ABCDEFGHIJ"))
    with qtbot.waitSignal(page.checkFinished, timeout=10000) as blocker:
        qtbot.mouseClick(page.check_button, _left())
    assert blocker.args[0] >= 1
    table = page.problems_table
    rows = [r for r in range(table.rowCount())
            if tuple(table.item(r, 0).data(0x0100)) == ("organisation", org_id)]
    assert rows and "91320700ABCDEFGHIJ" in table.item(rows[0], 1).text()
    assert page.tabs.currentIndex() == page.check_tab_index

    opened: list[object] = []

    def close_form():
        form = QApplication.activeModalWidget()
        opened.append((type(form), getattr(form, "org_id", None)))
        form.reject()

    QTimer.singleShot(200, close_form)
    assert not page.open_problem(rows[0])
    assert opened and opened[0][0] is OrganisationForm

    # the export refuses, names the problems and writes nothing
    out = tmp_path / "out"
    out.mkdir()
    with qtbot.waitSignal(page.exportFinished, timeout=30000) as blocker:
        page.export(str(out))
    assert blocker.args == [""]
    assert list(out.iterdir()) == []
    errors = _boxes("jobError")
    assert len(errors) == 1 and "91320700ABCDEFGHIJ" in errors[0].text()


def test_verify_dialog_shows_a_tampered_files_problems(qtbot, page, county, tmp_path):
    good = submission.export_submission(county, tmp_path, period=page.period()).path
    bad = tmp_path / "改过的.xlsx"
    wb = openpyxl.load_workbook(good)
    wb[fmt.SHEET_3]["J2"] = "改过的认证范围"
    wb.save(bad)
    junk = tmp_path / "不是表格.xlsx"
    junk.write_text("hello", encoding="utf-8")

    dialog = page.open_verify_dialog(ask=False)
    assert isinstance(dialog, VerifyDialog)
    with qtbot.waitSignal(dialog.verified, timeout=30000):
        dialog.verify([good, bad, junk])
    files = dialog.files_table
    assert _column(files, 0) == [good.name, bad.name, junk.name]
    results = _column(files, 4)
    assert results[0] == "Passed" and results[1].startswith("Failed")
    assert results[2].startswith("Failed")
    # the first failing file is selected and its problems listed by sheet, row and column
    assert files.currentRow() == 1
    problems = dialog.problem_texts()
    assert any("内容校验值不符" in p for p in problems), problems
    files.selectRow(2)
    assert dialog.problems_table.rowCount() >= 1
    assert "Failed" in dialog.summary.text() or "2 of 3" in dialog.summary.text()
    dialog.close()


def _left():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton
