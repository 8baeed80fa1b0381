"""The desktop program: ``run_gui(home)`` opens the register and shows the main window
(after the first-run set-up wizard while no unit is configured).

Qt is imported here and under ``ui/`` only. Heavy libraries (matplotlib, openpyxl,
python-calamine) are not imported at start-up; the pages that need them load them late.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QLocale, QObject, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from greencert_desktop import APP_NAME, __version__
from greencert_desktop.domain.errors import UserError
from greencert_desktop.home import Home

if TYPE_CHECKING:
    from greencert_desktop.services.register import Register

ORGANISATION_NAME = "Lianyungang Market Supervision"
ORGANISATION_DOMAIN = "greencert.lyg"
LOG_FILE_NAME = "greencert.log"
LOG_MAX_BYTES = 1024 * 1024
LOG_BACKUP_COUNT = 5
WINDOWS_FONT = "Microsoft YaHei"
STARTUP_PROBE_ENV = "GREENCERT_STARTUP_PROBE"
"""Set (to anything) by ``benchmarks/startup.py``: print :data:`STARTUP_PROBE_MARKER` once the
main window has been shown and painted, then quit."""
STARTUP_PROBE_MARKER = "GREENCERT_STARTUP_PROBE window-painted"

log = logging.getLogger("greencert_desktop")


class CrashReporter:
    """Logs every uncaught exception to ``<home>/logs/greencert.log`` and tells the user.

    A :class:`UserError` that escapes a slot is shown as a plain warning (it is the user's
    to fix, not a crash); anything else is logged with its traceback and a dialog names the
    log file. ``install()`` replaces ``sys.excepthook``; ``uninstall()`` restores it.
    """

    def __init__(self, home: Home) -> None:
        self.log_path: Path = home.logs_dir / LOG_FILE_NAME
        self._handler: logging.Handler | None = None
        self._previous_hook = sys.excepthook
        self._reporting = False

    def install(self) -> CrashReporter:
        try:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            handler: logging.Handler = RotatingFileHandler(
                self.log_path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUP_COUNT,
                encoding="utf-8", delay=True)
        except OSError as exc:  # an unwritable home must not stop the program
            print(f"GreenCert: cannot write log file {self.log_path}: {exc}", file=sys.stderr)
            handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(
            "%(asctime)s %(levelname)s %(name)s: %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        self._handler = handler
        self._previous_hook = sys.excepthook
        sys.excepthook = self.handle
        return self

    def uninstall(self) -> None:
        if sys.excepthook == self.handle:
            sys.excepthook = self._previous_hook
        if self._handler is not None:
            log.removeHandler(self._handler)
            self._handler.close()
            self._handler = None

    def handle(self, exc_type: type[BaseException], exc: BaseException,
               tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            self._previous_hook(exc_type, exc, tb)
            return
        if isinstance(exc, UserError):
            log.info("user error: %s", exc.message)
            self._show(QMessageBox.Icon.Warning, exc.message)
            return
        log.critical("uncaught exception", exc_info=(exc_type, exc, tb))
        self._show(QMessageBox.Icon.Critical, QCoreApplication.translate(
            "CrashReporter", "An unexpected error occurred:\n{error}\n\n"
            "The details were written to the log file:\n{path}").format(
                error=f"{exc_type.__name__}: {exc}", path=self.log_path))

    def _show(self, icon: QMessageBox.Icon, text: str) -> None:
        if self._reporting or QApplication.instance() is None:
            print(text, file=sys.stderr)
            return
        self._reporting = True
        try:
            title = QCoreApplication.translate("CrashReporter", "GreenCert")
            box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok)
            box.exec()
        finally:
            self._reporting = False


class _StartupProbe(QObject):
    """Watches the application's events for the first paint of the main window's contents;
    then prints the marker with the seconds since ``run_gui`` began and the process's CPU
    time, and quits."""

    def __init__(self, app: QApplication, window: QWidget, started: float) -> None:
        super().__init__(app)
        self._app, self._window, self._started = app, window, started
        self._done = False
        app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (not self._done and event.type() == QEvent.Type.Paint
                and isinstance(watched, QWidget) and watched.window() is self._window):
            self._done = True
            self._app.removeEventFilter(self)
            QTimer.singleShot(0, self._report)  # after this frame's remaining paint events
        return False

    def _report(self) -> None:
        # seconds since run_gui began, then the CPU time the process has used since it started
        # (a busy machine stretches the first, hardly the second)
        print(f"{STARTUP_PROBE_MARKER} {time.perf_counter() - self._started:.3f} "
              f"cpu {time.process_time():.3f}", flush=True)
        self._window.close()
        self._app.quit()


def _language(home: Home) -> str:
    from greencert_desktop.settings import HomeSettings

    try:
        return str(HomeSettings(home.settings_file).get("language"))
    except UserError:
        return "zh_CN"  # the register reports the broken settings file when it opens


def create_application(argv: list[str]) -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(ORGANISATION_NAME)
    app.setOrganizationDomain(ORGANISATION_DOMAIN)
    if sys.platform == "win32":
        font = QFont(WINDOWS_FONT)
        font.setPointSize(max(app.font().pointSize(), 9))
        app.setFont(font)
    # Elsewhere the default font is kept: fontconfig picks Noto Sans CJK for Chinese text.
    return app


def _first_run(app: QApplication, register: Register,
               then: Callable[[], None]) -> QWidget:
    """Show the set-up wizard inside the main event loop: Finish (settings written) calls
    ``then`` to open the main window, Cancel quits without writing anything."""
    from greencert_desktop.ui.wizard import SetupWizard

    log.info("no unit configured: first-run set-up")
    wizard = SetupWizard(register)
    app.setQuitOnLastWindowClosed(False)  # closing the wizard must not end the program

    def finished(result: int) -> None:
        if result == QDialog.DialogCode.Accepted:
            log.info("set-up finished: unit %s", register.unit_code)
            then()
        else:
            log.info("set-up cancelled; nothing written")
            app.quit()

    wizard.finished.connect(finished)
    wizard.show()
    return wizard


def run_gui(home: Home, argv: list[str] | None = None) -> int:
    """Open the register in ``home`` and run the main window; the process exit code."""
    from greencert_desktop.services.register import Register
    from greencert_desktop.ui.i18n import install_translators, remove_translators
    from greencert_desktop.ui.icons import app_icon
    from greencert_desktop.ui.main_window import MainWindow

    started = time.perf_counter()
    app = create_application(list(sys.argv if argv is None else argv))
    quit_on_close = app.quitOnLastWindowClosed()
    reporter = CrashReporter(home).install()
    translators = []
    try:
        language = _language(home)
        if language != "en":
            QLocale.setDefault(QLocale(language))
        translators = install_translators(app, language)
        app.setWindowIcon(app_icon())
        log.info("GreenCert %s starting, home %s", __version__, home.root)
        try:
            register = Register.open(home)
        except UserError as exc:
            log.error("cannot open the register: %s", exc.message)
            title = QCoreApplication.translate("App", "GreenCert")
            QMessageBox.critical(None, title, exc.message)
            return 1
        try:
            shown: list[QWidget] = []

            def open_main_window() -> None:
                window = MainWindow(register)
                shown.append(window)
                if os.environ.get(STARTUP_PROBE_ENV):
                    _StartupProbe(app, window, started)
                window.show()
                app.setQuitOnLastWindowClosed(True)

            if str(register.get("unit_code") or "").strip():
                open_main_window()
            else:
                shown.append(_first_run(app, register, open_main_window))
            return app.exec()
        finally:
            # Leave the application as we found it for whoever runs the next event loop
            # (tests run many in one process): a quit posted by the last window closing
            # after exec() returned would otherwise end every later event loop at once.
            app.setQuitOnLastWindowClosed(quit_on_close)
            QCoreApplication.removePostedEvents(None, QEvent.Type.Quit)
            register.close()
    finally:
        remove_translators(app, translators)
        reporter.uninstall()


def smoke_test_main_window(register: Register, *, timeout_s: float = 60.0) -> str:
    """For ``greencert self-test``: open the main window on ``register``, show every page and
    close it (offscreen when the caller set ``QT_QPA_PLATFORM``). Raises ``UserError``."""
    from greencert_desktop.ui.smoke import open_every_page

    app = create_application([sys.argv[0] if sys.argv else APP_NAME])
    return open_every_page(app, register, timeout_s=timeout_s)
