"""The first-run set-up wizard configures a fresh home; Cancel writes nothing."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QWizard
from sqlalchemy import select

from greencert_desktop.app import run_gui
from greencert_desktop.home import Home
from greencert_desktop.services.register import Register
from greencert_desktop.settings import SETTINGS
from greencert_desktop.storage.models import AuditEntry, Setting
from greencert_desktop.ui.main_window import MainWindow
from greencert_desktop.ui.wizard import SetupWizard


@pytest.fixture
def fresh(tmp_home: Home) -> Iterator[Register]:
    """A register never set up: no unit, no operator."""
    reg = Register.open(tmp_home)
    yield reg
    reg.close()


@pytest.fixture
def restore_excepthook() -> Iterator[None]:
    before = sys.excepthook
    yield
    sys.excepthook = before


def _stored_settings(reg: Register) -> list[str]:
    """Declared settings written to the register, and audit rows about settings."""
    with reg.db.reading() as s:
        keys = [k for k in s.scalars(select(Setting.key)) if k in SETTINGS]
        audited = list(s.scalars(select(AuditEntry.entity_key)
                                 .where(AuditEntry.entity == "setting")))
    return keys + audited


def _next(wizard: SetupWizard) -> None:
    button = wizard.button(QWizard.WizardButton.NextButton)
    assert button.isEnabled()
    button.click()


def _fill(qtbot, wizard: SetupWizard, unit: str, operator: str, period: str) -> None:
    _next(wizard)  # welcome → unit
    combo = wizard.unit_page.unit
    combo.setCurrentIndex(combo.findData(unit))
    _next(wizard)  # unit → operator
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    assert not finish.isEnabled()  # the operator is required
    wizard.operator_page.operator.insert(operator)  # QTest types ASCII only
    assert finish.isEnabled()
    periods = wizard.operator_page.period_type
    periods.setCurrentIndex(periods.findData(period))


def test_wizard_configures_a_fresh_home(qtbot, zh_cn, fresh: Register) -> None:
    assert fresh.get("unit_code") == ""
    wizard = SetupWizard(fresh)
    qtbot.addWidget(wizard)
    wizard.show()
    _next(wizard)
    unit_combo = wizard.findChild(type(wizard.unit_page.unit), "wizardUnit")
    texts = [unit_combo.itemText(i) for i in range(unit_combo.count())]
    assert texts[0] == "320703 连云区"
    assert "320706 海州区" in texts
    assert texts[-1] == "320700 连云港市 市局（全市汇总）"
    unit_combo.setCurrentIndex(unit_combo.findData("320706"))
    office = wizard.unit_page.office
    assert office.objectName() == "wizardOffice"
    assert office.text() == "海州区市场监督管理局"  # prefilled from the unit
    unit_combo.setCurrentIndex(unit_combo.findData("320722"))
    assert office.text() == "东海县市场监督管理局"  # follows the unit until edited
    office.clear()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    office.insert("东海县市场监管局")
    unit_combo.setCurrentIndex(unit_combo.findData("320706"))
    assert office.text() == "东海县市场监管局"  # typed by the clerk: kept
    office.setText("海州区市场监督管理局")
    _next(wizard)

    periods = wizard.findChild(type(wizard.operator_page.period_type), "wizardPeriodType")
    assert periods.currentData() == "quarter"  # the default
    assert [periods.itemText(i) for i in range(periods.count())] == ["季度", "月度", "年度"]
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    assert not finish.isEnabled()
    qtbot.keyClicks(wizard.operator_page.operator, "  ")
    assert not finish.isEnabled()  # blanks are no name
    wizard.operator_page.operator.clear()
    wizard.operator_page.operator.insert("李娜")
    periods.setCurrentIndex(periods.findData("month"))
    finish.click()

    assert wizard.result() == QWizard.DialogCode.Accepted
    assert fresh.get("unit_code") == "320706"
    assert fresh.get("office_name") == "海州区市场监督管理局"
    assert fresh.get("operator") == "李娜"
    assert fresh.get("period_type") == "month"
    with fresh.db.reading() as s:
        entries = list(s.scalars(select(AuditEntry).where(AuditEntry.entity == "setting")))
    assert {e.entity_key for e in entries} == {"unit_code", "office_name", "period_type"}
    assert {e.operator for e in entries} == {"李娜"}


def test_the_city_office_is_a_choice(qtbot, zh_cn, fresh: Register) -> None:
    wizard = SetupWizard(fresh)
    qtbot.addWidget(wizard)
    wizard.show()
    _fill(qtbot, wizard, "320700", "王强", "quarter")
    assert wizard.unit_page.office.text() == "连云港市市场监督管理局"
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert fresh.get("unit_code") == "320700"
    assert fresh.is_city
    assert fresh.get("period_type") == "quarter"


def test_cancel_stores_nothing(qtbot, fresh: Register) -> None:
    wizard = SetupWizard(fresh)
    qtbot.addWidget(wizard)
    wizard.show()
    _fill(qtbot, wizard, "320707", "赵六", "year")
    wizard.button(QWizard.WizardButton.CancelButton).click()
    assert wizard.result() == QWizard.DialogCode.Rejected
    assert fresh.get("unit_code") == ""
    assert fresh.get("operator") == ""
    assert _stored_settings(fresh) == []
    assert not fresh.home.settings_file.exists()


def test_escape_cancels_too(qtbot, fresh: Register) -> None:
    wizard = SetupWizard(fresh)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    qtbot.keyClick(wizard, Qt.Key.Key_Escape)
    assert wizard.result() == QWizard.DialogCode.Rejected
    assert _stored_settings(fresh) == []


def _on_wizard(qapp: QApplication, action) -> dict:
    """Run ``action(wizard)`` when the wizard shows; then record any main window and quit.

    Nothing is left scheduled after ``run_gui`` returns: a stray ``quit()`` would end the
    next test's event loop (Qt 6 posts it).
    """
    qapp.processEvents()  # deliver anything an earlier test left posted
    seen: dict = {"wizard": 0}

    def check_main_window() -> None:
        windows = [w for w in qapp.topLevelWidgets()
                   if isinstance(w, MainWindow) and w.isVisible()]
        seen["windows"] = len(windows)
        for window in windows:
            seen["status"] = window.status_label("statusUnit").text()
            window.close()
        qapp.quit()

    def look() -> None:
        wizards = [w for w in qapp.topLevelWidgets()
                   if isinstance(w, SetupWizard) and w.isVisible()]
        if not wizards:  # no wizard: the main window is up (app.exec() is running)
            check_main_window()
            return
        seen["wizard"] += 1
        action(wizards[0])
        if wizards[0].result() == QWizard.DialogCode.Accepted:
            QTimer.singleShot(0, check_main_window)  # runs once app.exec() runs

    QTimer.singleShot(0, look)
    return seen


def test_run_gui_asks_on_first_run_and_cancel_quits(qapp, tmp_home: Home,
                                                     restore_excepthook) -> None:
    seen = _on_wizard(qapp, lambda wizard: wizard.reject())
    assert run_gui(tmp_home, ["greencert"]) == 0
    assert seen["wizard"] == 1
    assert seen.get("windows", 0) == 0  # quit without a main window
    with Register.open(tmp_home) as reg:
        assert reg.get("unit_code") == ""
        assert _stored_settings(reg) == []


def test_run_gui_opens_the_main_window_after_set_up(qapp, qtbot, tmp_home: Home,
                                                     restore_excepthook) -> None:
    def finish(wizard: SetupWizard) -> None:
        wizard.next()
        wizard.unit_page.unit.setCurrentIndex(wizard.unit_page.unit.findData("320723"))
        wizard.next()
        wizard.operator_page.operator.setText("孙七")
        wizard.accept()

    seen = _on_wizard(qapp, finish)
    assert run_gui(tmp_home, ["greencert"]) == 0
    assert seen["wizard"] == 1
    assert seen["windows"] == 1
    assert seen["status"] == "本单位：320723 灌云县市场监督管理局"
    with Register.open(tmp_home) as reg:
        assert reg.get("unit_code") == "320723"
        assert reg.get("operator") == "孙七"

    # Second start: configured, no wizard.
    seen = _on_wizard(qapp, lambda wizard: wizard.reject())
    assert run_gui(tmp_home, ["greencert"]) == 0
    assert seen["wizard"] == 0
    assert seen["windows"] == 1
