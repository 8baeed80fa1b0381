"""The program entry point: run_gui, the crash reporter and a light start-up."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from greencert_desktop.app import LOG_FILE_NAME, CrashReporter, run_gui
from greencert_desktop.domain.errors import UserError
from greencert_desktop.home import Home
from greencert_desktop.services.register import Register
from greencert_desktop.settings import HomeSettings
from greencert_desktop.ui.main_window import MainWindow


@pytest.fixture
def restore_excepthook() -> Iterator[None]:
    before = sys.excepthook
    yield
    sys.excepthook = before


@pytest.fixture
def shown_boxes(monkeypatch) -> list[tuple[str, str]]:
    """Message boxes that would have been shown, as (title, text); none actually opens."""
    shown: list[tuple[str, str]] = []

    def critical(parent, title, text, *args, **kwargs):
        shown.append((title, text))
        return QMessageBox.StandardButton.Ok

    def exec_(self):
        shown.append((self.windowTitle(), self.text()))
        return int(QMessageBox.StandardButton.Ok)

    monkeypatch.setattr(QMessageBox, "critical", staticmethod(critical))
    monkeypatch.setattr(QMessageBox, "exec", exec_)
    return shown


def configure(home: Home, unit_code: str = "320706") -> None:
    """A home past its first-run set-up (no wizard on start)."""
    with Register.open(home) as reg:
        reg.set("unit_code", unit_code)


def _run_and_inspect(qapp: QApplication, home: Home) -> tuple[int, dict]:
    """run_gui with a real event loop; a timer records the window and closes it."""
    configure(home)
    seen: dict = {}

    def inspect_and_close() -> None:
        windows = [w for w in qapp.topLevelWidgets()
                   if isinstance(w, MainWindow) and w.isVisible()]
        seen["count"] = len(windows)
        if windows:
            window = windows[0]
            nav = window.navigation
            seen["navigation"] = [nav.item(i).text() for i in range(nav.count())]
            seen["title"] = window.windowTitle()
            seen["icon"] = not window.windowIcon().isNull()
            window.close()
        qapp.quit()

    QTimer.singleShot(0, inspect_and_close)
    return run_gui(home, ["greencert"]), seen


def test_run_gui_shows_the_main_window_in_chinese(qapp, tmp_home: Home,
                                                  restore_excepthook) -> None:
    hook_before = sys.excepthook
    code, seen = _run_and_inspect(qapp, tmp_home)
    assert code == 0
    assert seen["count"] == 1
    assert seen["navigation"][:3] == ["首页", "获证组织", "证书与名单"]
    assert seen["title"] == "绿色认证信息管理与报送系统"
    assert seen["icon"]
    assert qapp.applicationName() == "GreenCert"
    assert tmp_home.db_path.exists()
    assert (tmp_home.root / "ui.ini").exists()  # geometry saved on close
    # Nothing left behind for the next test: translators removed, hook restored.
    assert QApplication.translate("MainWindow", "Home") == "Home"
    assert sys.excepthook is hook_before


def test_run_gui_in_english_when_the_setting_says_so(qapp, tmp_home: Home,
                                                     restore_excepthook) -> None:
    HomeSettings(tmp_home.settings_file).set("language", "en")
    code, seen = _run_and_inspect(qapp, tmp_home)
    assert code == 0
    assert seen["navigation"][0] == "Home"


def _when(qapp: QApplication, ready, then, *, tries: int = 1500) -> None:
    """Call ``then()`` once ``ready()`` is true (checked every 10 ms inside run_gui's event
    loop); if it never is, close every window and quit so that the test fails, not hangs."""
    def check(left: int = tries) -> None:
        if ready():
            then()
        elif left:
            QTimer.singleShot(10, lambda: check(left - 1))
        else:
            qapp.closeAllWindows()
            qapp.quit()

    QTimer.singleShot(0, check)


def _visible_main_windows(qapp: QApplication) -> list[MainWindow]:
    return [w for w in qapp.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]


def test_run_gui_shows_the_window_before_it_opens_the_register(
        qapp, tmp_home: Home, monkeypatch, restore_excepthook) -> None:
    """With a register in the home folder the window is painted first; the register opens
    after that, then fills the status bar and the home page's figures."""
    configure(tmp_home)
    seen: dict = {}
    real_open = Register.open

    def open_and_look(home: Home) -> Register:
        windows = _visible_main_windows(qapp)
        seen["windows when opening"] = len(windows)
        if windows:
            seen["painted"] = windows[0]._painted
            seen["unit when opening"] = windows[0].status_label("statusUnit").text()
            seen["database when opening"] = windows[0].status_label("statusDatabase").text()
        return real_open(home)

    monkeypatch.setattr(Register, "open", staticmethod(open_and_look))

    def loaded() -> bool:
        windows = _visible_main_windows(qapp)
        return bool(windows) and getattr(windows[0].page("home"), "data", None) is not None

    def inspect_and_close() -> None:
        window = _visible_main_windows(qapp)[0]
        seen["unit"] = window.status_label("statusUnit").text()
        seen["counts"] = window.status_label("statusCounts").text()
        window.close()
        qapp.quit()

    _when(qapp, loaded, inspect_and_close)
    assert run_gui(tmp_home, ["greencert"]) == 0
    assert seen["windows when opening"] == 1
    assert seen["painted"]
    assert seen["unit when opening"] == "正在打开登记簿…"
    assert str(tmp_home.db_path) in seen["database when opening"]
    assert seen["unit"].startswith("本单位：320706")
    assert seen["counts"] == "获证组织 0 · 证书 0 · 奖补 0 · 案件 0"


def test_run_gui_reports_a_register_that_cannot_open_after_the_window_showed(
        qapp, tmp_home: Home, monkeypatch, shown_boxes, restore_excepthook) -> None:
    configure(tmp_home)

    def refuse(home):
        raise UserError("数据库由更新版本创建")

    monkeypatch.setattr(Register, "open", staticmethod(refuse))
    assert run_gui(tmp_home, ["greencert"]) == 1
    assert [text for _, text in shown_boxes] == ["数据库由更新版本创建"]
    assert _visible_main_windows(qapp) == []
    log = (tmp_home.logs_dir / LOG_FILE_NAME).read_text(encoding="utf-8")
    assert "数据库由更新版本创建" in log


def test_run_gui_reports_a_crash_while_opening_and_ends(
        qapp, tmp_home: Home, monkeypatch, shown_boxes, restore_excepthook) -> None:
    configure(tmp_home)

    def crash(home):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(Register, "open", staticmethod(crash))
    assert run_gui(tmp_home, ["greencert"]) == 1
    assert len(shown_boxes) == 1 and "RuntimeError: disk on fire" in shown_boxes[0][1]
    assert _visible_main_windows(qapp) == []
    log = (tmp_home.logs_dir / LOG_FILE_NAME).read_text(encoding="utf-8")
    assert "Traceback" in log and "disk on fire" in log


def test_run_gui_asks_for_the_unit_when_the_register_has_none(
        qapp, tmp_home: Home, restore_excepthook) -> None:
    """A register whose first-run set-up was cancelled: the window shows, then gives way to
    the set-up wizard; cancelling it again ends the program."""
    from greencert_desktop.ui.wizard import SetupWizard

    Register.open(tmp_home).close()
    seen: dict = {}

    def wizards() -> list[SetupWizard]:
        return [w for w in qapp.topLevelWidgets()
                if isinstance(w, SetupWizard) and w.isVisible()]

    def cancel() -> None:
        seen["main windows"] = len(_visible_main_windows(qapp))
        wizards()[0].reject()

    _when(qapp, lambda: bool(wizards()), cancel)
    assert run_gui(tmp_home, ["greencert"]) == 0
    assert seen["main windows"] == 0
    with Register.open(tmp_home) as reg:
        assert reg.get("unit_code") == ""


def test_run_gui_reports_a_register_that_cannot_open(qapp, tmp_home: Home, monkeypatch,
                                                     shown_boxes, restore_excepthook) -> None:
    def refuse(home):
        raise UserError("数据库文件已损坏")

    monkeypatch.setattr(Register, "open", staticmethod(refuse))
    assert run_gui(tmp_home, ["greencert"]) == 1
    assert len(shown_boxes) == 1
    assert shown_boxes[0][1] == "数据库文件已损坏"
    log = (tmp_home.logs_dir / LOG_FILE_NAME).read_text(encoding="utf-8")
    assert "数据库文件已损坏" in log


def _raise_and_catch(exc: BaseException):
    try:
        raise exc
    except BaseException as caught:
        return type(caught), caught, caught.__traceback__


def test_crash_reporter_logs_the_traceback_and_names_the_log(
        qapp, tmp_home: Home, shown_boxes, restore_excepthook) -> None:
    reporter = CrashReporter(tmp_home).install()
    try:
        assert sys.excepthook == reporter.handle
        sys.excepthook(*_raise_and_catch(ValueError("boom")))
    finally:
        reporter.uninstall()
    assert sys.excepthook != reporter.handle
    log = (tmp_home.logs_dir / LOG_FILE_NAME).read_text(encoding="utf-8")
    assert "Traceback" in log
    assert "ValueError: boom" in log
    assert len(shown_boxes) == 1
    assert str(tmp_home.logs_dir / LOG_FILE_NAME) in shown_boxes[0][1]
    assert "ValueError: boom" in shown_boxes[0][1]


def test_crash_reporter_shows_a_user_error_as_its_message(
        qapp, tmp_home: Home, shown_boxes, restore_excepthook) -> None:
    reporter = CrashReporter(tmp_home).install()
    try:
        sys.excepthook(*_raise_and_catch(UserError("统一社会信用代码校验位不正确")))
    finally:
        reporter.uninstall()
    assert [text for _, text in shown_boxes] == ["统一社会信用代码校验位不正确"]
    log = (tmp_home.logs_dir / LOG_FILE_NAME).read_text(encoding="utf-8")
    assert "Traceback" not in log


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_slot_shows_the_dialog_with_the_log_path(
        qtbot, tmp_home: Home, shown_boxes, restore_excepthook) -> None:
    """A real click whose slot raises: PySide6 hands the exception to sys.excepthook."""
    from PySide6.QtWidgets import QPushButton

    def broken() -> None:
        raise RuntimeError("slot failed")

    button = QPushButton("go")
    qtbot.addWidget(button)
    button.clicked.connect(broken)
    reporter = CrashReporter(tmp_home).install()
    try:
        button.click()
    finally:
        reporter.uninstall()
    assert len(shown_boxes) == 1
    assert str(tmp_home.logs_dir / LOG_FILE_NAME) in shown_boxes[0][1]
    assert "RuntimeError: slot failed" in shown_boxes[0][1]
    log = (tmp_home.logs_dir / LOG_FILE_NAME).read_text(encoding="utf-8")
    assert "RuntimeError: slot failed" in log and "Traceback" in log


def test_crash_log_rotates_at_one_megabyte(tmp_home: Home, restore_excepthook) -> None:
    reporter = CrashReporter(tmp_home).install()
    try:
        handler = reporter._handler
        assert handler.maxBytes == 1024 * 1024
        assert handler.backupCount == 5
    finally:
        reporter.uninstall()


def test_starting_the_program_does_not_load_heavy_libraries() -> None:
    code = (
        "import sys, greencert_desktop.app\n"
        "heavy = [m for m in ('matplotlib', 'openpyxl', 'python_calamine') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == ""
