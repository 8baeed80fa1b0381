"""设置: one editor per declared setting; Save writes what changed, audited for the register."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPushButton, QSpinBox
from sqlalchemy import select

from greencert_desktop.services.register import Register
from greencert_desktop.settings import EDITABLE_SETTINGS, SETTINGS
from greencert_desktop.storage.models import AuditEntry
from greencert_desktop.ui.main_window import MainWindow
from greencert_desktop.ui.pages.settings import SettingsPage


@pytest.fixture
def page(qtbot, register: Register) -> SettingsPage:
    widget = SettingsPage(register)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def _setting_audit(reg: Register) -> list[tuple[str, str]]:
    with reg.db.reading() as s:
        return [(e.entity_key, e.changes_json) for e in s.scalars(
            select(AuditEntry).where(AuditEntry.entity == "setting").order_by(AuditEntry.id))]


def _select(combo: QComboBox, value: object) -> None:
    index = combo.findData(value)
    assert index >= 0, value
    combo.setCurrentIndex(index)


def test_every_declared_setting_has_an_editor_with_its_stored_value(
        qtbot, zh_cn, register: Register) -> None:
    register.set("unit_code", "320722")
    register.set("period_type", "year")
    page = SettingsPage(register)
    qtbot.addWidget(page)
    for key, definition in EDITABLE_SETTINGS.items():
        if definition.choices or key == "unit_code":
            editor = page.findChild(QComboBox, f"setting_{key}")
            assert editor is not None, key
            assert editor.currentData() == register.get(key), key
        elif definition.type is int:
            editor = page.findChild(QSpinBox, f"setting_{key}")
            assert editor is not None, key
            assert editor.value() == register.get(key)
        else:
            editor = page.findChild(QLineEdit, f"setting_{key}")
            assert editor is not None, key
            assert editor.text() == register.get(key)
        label = page.findChild(QLabel, f"settingLabel_{key}")
        assert label.text() and label.text().isascii() is False, key  # translated
    assert page.findChild(QSpinBox, "setting_backup_keep").value() == 30  # the default
    internal = set(SETTINGS) - set(EDITABLE_SETTINGS)
    assert "import_mappings" in internal
    assert all(page.findChild(QLineEdit, f"setting_{key}") is None for key in internal)
    periods = page.findChild(QComboBox, "setting_period_type")
    assert [periods.itemText(i) for i in range(periods.count())] == ["季度", "月度", "年度"]
    assert page.findChild(QLabel, "settingLabel_period_type").text() == "报送周期："
    units = page.findChild(QComboBox, "setting_unit_code")
    assert units.currentText() == "320722 东海县"
    assert units.findData("320700") >= 0  # the city office


def test_save_writes_each_changed_setting_once_and_audits_register_ones(
        page: SettingsPage, register: Register, monkeypatch) -> None:
    calls: list[tuple[str, object]] = []
    real_set = register.set

    def spy(key: str, value: object) -> None:
        calls.append((key, value))
        real_set(key, value)

    monkeypatch.setattr(register, "set", spy)
    page.findChild(QLineEdit, "setting_office_name").setText("  海州区市场监督管理局 ")
    _select(page.findChild(QComboBox, "setting_period_type"), "month")
    page.findChild(QSpinBox, "setting_backup_keep").setValue(12)
    page.findChild(QPushButton, "settingsSave").click()

    assert sorted(calls) == [("backup_keep", 12), ("office_name", "海州区市场监督管理局"),
                             ("period_type", "month")]
    assert register.get("office_name") == "海州区市场监督管理局"
    assert register.get("period_type") == "month"
    assert register.get("backup_keep") == 12
    # Register settings are audited; home settings (backup_keep) live in settings.json.
    assert [key for key, _ in _setting_audit(register)] == ["office_name", "period_type"]
    message = page.findChild(QLabel, "settingsMessage").text()
    assert message == "Settings saved."

    calls.clear()
    page.findChild(QPushButton, "settingsSave").click()  # nothing changed: nothing written
    assert calls == []
    assert page.findChild(QLabel, "settingsMessage").text() == "Nothing changed."


def test_database_url_takes_effect_after_restart(page: SettingsPage, register: Register,
                                                tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'other.db'}"
    page.findChild(QLineEdit, "setting_database_url").setText(url)
    page.save()
    assert register.settings.get("database_url") == url
    assert "restarted" in page.findChild(QLabel, "settingsMessage").text()
    assert _setting_audit(register) == []


def test_a_wrong_value_is_reported_and_not_saved(page: SettingsPage, register: Register,
                                                 monkeypatch) -> None:
    from greencert_desktop.domain.errors import UserError

    def refuse(key: str, value: object) -> None:
        raise UserError("无法保存设置文件")

    monkeypatch.setattr(register, "set", refuse)
    page.findChild(QLineEdit, "setting_doc_number").setText("连市监〔2026〕1号")
    page.save()
    assert page.findChild(QLabel, "settingsMessage").text() == "无法保存设置文件"


def test_save_refreshes_the_main_window_status_bar(qtbot, zh_cn, main_window: MainWindow,
                                                  register: Register) -> None:
    main_window.show_page("settings")
    page = main_window.page("settings")
    assert isinstance(page, SettingsPage)
    assert main_window.status_label("statusUnit").text() == "本单位：未设置"
    _select(page.findChild(QComboBox, "setting_unit_code"), "320707")
    page.findChild(QLineEdit, "setting_operator").setText("周八")
    page.findChild(QPushButton, "settingsSave").click()
    assert register.unit_code == "320707"
    assert main_window.status_label("statusUnit").text() == "本单位：320707 赣榆区"
    assert main_window.status_label("statusOperator").text() == "操作人员：周八"
    assert page.findChild(QLabel, "settingsMessage").text() == "设置已保存。"


def test_folders_are_shown_and_opened(page: SettingsPage, register: Register,
                                      monkeypatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl",
                        staticmethod(lambda url: opened.append(url.toLocalFile()) or True))
    home = register.home
    expected = {"data": home.root, "database": home.db_path, "logs": home.logs_dir,
                "backups": home.backups_dir}
    for key, path in expected.items():
        assert page.findChild(QLabel, f"path_{key}").text() == str(path)
        page.findChild(QPushButton, f"open_{key}").click()
    assert [Path(p) for p in opened] == [home.root, home.root, home.logs_dir, home.backups_dir]


def test_back_up_now_reports_the_backup(page: SettingsPage, register: Register) -> None:
    page.findChild(QPushButton, "settingsBackup").click()
    message = page.findChild(QLabel, "backupMessage").text()
    backups = list(register.home.backups_dir.glob("*.db"))
    assert len(backups) == 1
    assert str(backups[0]) in message
