"""The main-window shell: navigation, pages, menus, status bar and remembered geometry."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtWidgets import QLabel, QListWidget, QMessageBox, QStackedWidget

from greencert_desktop.home import Home
from greencert_desktop.services.register import Register
from greencert_desktop.ui import main_window as main_window_module
from greencert_desktop.ui.main_window import PAGE_KEYS, UI_SETTINGS_FILE, MainWindow


def _click_row(qtbot, navigation: QListWidget, row: int) -> None:
    item = navigation.item(row)
    rect = navigation.visualItemRect(item)
    qtbot.mouseClick(navigation.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_window_has_object_names_and_icon(main_window: MainWindow) -> None:
    assert main_window.objectName() == "mainWindow"
    assert main_window.findChild(QListWidget, "navigation") is main_window.navigation
    assert main_window.findChild(QStackedWidget, "pages") is main_window.pages
    assert not main_window.windowIcon().isNull()
    assert main_window.register is not None


def test_nine_navigation_entries_each_with_a_page(main_window: MainWindow) -> None:
    assert main_window.navigation.count() == 9
    assert main_window.pages.count() == 9
    assert len(PAGE_KEYS) == 9


def test_clicking_each_entry_switches_the_page(qtbot, main_window: MainWindow) -> None:
    navigation = main_window.navigation
    # Walk backwards so that every click is a change (the window opens on the first page).
    for row in reversed(range(navigation.count())):
        _click_row(qtbot, navigation, row)
        assert navigation.currentRow() == row
        assert main_window.pages.currentIndex() == row
        page = main_window.page(PAGE_KEYS[row])
        assert main_window.pages.currentWidget().isAncestorOf(page)
        assert page.isVisibleTo(main_window)
        assert page.objectName() == f"page_{PAGE_KEYS[row]}"
        title = page.findChild(QLabel, "pageTitle")
        assert title.text() == navigation.item(row).text()


def test_status_bar_shows_operator_database_and_counts(qtbot, register: Register,
                                                       tmp_home: Home) -> None:
    register.set("operator", "张三")
    window = MainWindow(register)
    qtbot.addWidget(window)
    status = window.statusBar()
    operator = status.findChild(QLabel, "statusOperator")
    database = status.findChild(QLabel, "statusDatabase")
    counts = status.findChild(QLabel, "statusCounts")
    unit = status.findChild(QLabel, "statusUnit")
    assert operator.text() == "Operator: 张三"
    assert str(tmp_home.db_path) in database.text()
    assert database.toolTip() == str(tmp_home.db_path)
    assert counts.text() == (
        "Organisations 0 · Certificates 0 · Subsidies 0 · Cases 0")
    assert unit.text() == "Unit: not set"


def test_status_bar_shows_the_unit_and_real_counts(qtbot, register: Register,
                                                   monkeypatch) -> None:
    register.set("unit_code", "320706")
    monkeypatch.setattr(main_window_module, "record_counts", lambda reg: {
        "organisations": 12, "certificates": 34, "subsidies": 5, "cases": 6})
    window = MainWindow(register)
    qtbot.addWidget(window)
    unit = window.findChild(QLabel, "statusUnit").text()
    assert unit.startswith("Unit: 320706")
    assert "海州区" in unit  # from the reference data
    assert window.findChild(QLabel, "statusCounts").text() == (
        "Organisations 12 · Certificates 34 · Subsidies 5 · Cases 6")

    register.set("office_name", "海州区市场监督管理局")
    window.refresh_status()
    assert window.findChild(QLabel, "statusUnit").text() == "Unit: 320706 海州区市场监督管理局"


def test_geometry_is_saved_on_close_and_restored(qtbot, register: Register) -> None:
    first = MainWindow(register)
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    # (The offscreen screen is 800×800: stay inside it, or Qt moves the window back in.)
    first.resize(QSize(701, 523))
    first.move(QPoint(40, 50))
    first.show_page("submission")
    qtbot.wait(10)
    assert first.close()
    assert (register.home.root / UI_SETTINGS_FILE).exists()

    second = MainWindow(register)
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    assert second.size() == QSize(701, 523)
    assert second.pos() == QPoint(40, 50)
    assert second.current_page_key() == "submission"
    second.close()


def test_quit_action_closes_the_window(qtbot, main_window: MainWindow) -> None:
    assert main_window.actions.quit.shortcut().toString() == "Ctrl+Q"
    main_window.actions.quit.trigger()
    qtbot.waitUntil(lambda: not main_window.isVisible())


def test_menus_hold_the_actions(main_window: MainWindow) -> None:
    actions = main_window.actions
    menus = [actions.file_menu, actions.records_menu, actions.help_menu]
    assert [m.objectName() for m in menus] == ["menuFile", "menuRecords", "menuHelp"]
    # (QAction.menu() is unusable from PySide6, so compare the menus' own actions.)
    assert main_window.menuBar().actions() == [m.menuAction() for m in menus]
    assert actions.file_menu.actions() == [actions.quit]
    assert actions.help_menu.actions() == [actions.about]
    shortcuts = {a.objectName(): a.shortcut().toString() for a in actions.records_menu.actions()
                 if not a.isSeparator()}
    assert shortcuts["actionNew"] == "Ctrl+N" and shortcuts["actionRefresh"] == "F5"


def test_about_names_version_and_data_folder(main_window: MainWindow, monkeypatch) -> None:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "about",
                        staticmethod(lambda parent, title, text: shown.append((title, text))))
    main_window.actions.about.trigger()
    assert len(shown) == 1
    assert str(main_window.register.home.root) in shown[0][1]
    assert "0.1" in shown[0][1] or "Version" in shown[0][1]


def test_window_before_its_register_is_open_then_attached(qtbot, register: Register,
                                                          tmp_home: Home) -> None:
    """At start-up the window shows before the register opens (app.run_gui), then fills."""
    register.set("unit_code", "320706")
    window = MainWindow(None, home=tmp_home)
    qtbot.addWidget(window)
    painted: list[bool] = []
    window.first_painted.connect(lambda: painted.append(True))
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: painted == [True])
    assert window.register is None
    assert window.status_label("statusUnit").text() == "Opening the register…"
    assert window.status_label("statusOperator").text() == "Operator: 测试员"
    assert window.status_label("statusDatabase").toolTip() == str(tmp_home.db_path)
    assert window.status_label("statusCounts").text() == ""
    home = window.page("home")
    assert home.isVisibleTo(window) and home.register is None
    with pytest.raises(RuntimeError):
        window.page("certificates")
    window.show_page("certificates")  # clicked before the register opened: built once it is
    assert window.current_page_key() == "certificates"

    window.attach(register)
    assert window.register is register
    assert window.status_label("statusUnit").text().startswith("Unit: 320706")
    assert window.status_label("statusCounts").text() == (
        "Organisations 0 · Certificates 0 · Subsidies 0 · Cases 0")
    certificates = window.page("certificates")
    assert window.pages.currentWidget().isAncestorOf(certificates)
    assert home.register is register
    window.show_page("home")
    qtbot.waitUntil(lambda: home.data is not None, timeout=15000)
    home.wait()
    window.close()


def test_a_window_needs_a_register_or_its_home() -> None:
    with pytest.raises(ValueError):
        MainWindow(None)
