"""The desktop program: ``run_gui(home)`` opens the register and shows the main window
(after the first-run set-up wizard while no unit is configured).

Start-up order, for a fast first paint: when the home folder already has a register, the
main window is shown first (menus, navigation, the home page's frame, operator and database
in the status bar) and the register is opened right after that first paint: SQLAlchemy's
ORM, the models and the services are imported then (``MainWindow.attach`` fills the window,
the home page computes its figures in the background). On the first run the register is
opened first, since the set-up wizard needs it.

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
    from greencert_desktop.ui.main_window import MainWindow

ORGANISATION_NAME = "Lianyungang Market Supervision"
ORGANISATION_DOMAIN = "greencert.lyg"
LOG_FILE_NAME = "greencert.log"
LOG_MAX_BYTES = 1024 * 1024
LOG_BACKUP_COUNT = 5
WINDOWS_FONT = "Microsoft YaHei"
STARTUP_PROBE_ENV = "GREENCERT_STARTUP_PROBE"
"""Set (to anything) by ``benchmarks/startup.py``: print :data:`STARTUP_PROBE_MARKER` once the
main window has been shown and painted (and :data:`STARTUP_PROBE_FIGURES_MARKER` once the home
page's figures have been painted), then quit."""
STARTUP_PROBE_MARKER = "GREENCERT_STARTUP_PROBE window-painted"
STARTUP_PROBE_FIGURES_MARKER = "GREENCERT_STARTUP_PROBE home-figures"
"""Printed after :data:`STARTUP_PROBE_MARKER` when the window opened on the home page, once its
figures have been painted (they are computed in the background after the first paint); the
probe quits then rather than at the first marker."""
STARTUP_PROBE_FIGURES_TIMEOUT_MS = 60_000

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
    time. If the window opened on the home page, it then waits until the home page's figures
    have been painted too and prints :data:`STARTUP_PROBE_FIGURES_MARKER` the same way. Then
    it quits."""

    def __init__(self, app: QApplication, window: MainWindow, started: float) -> None:
        super().__init__(app)
        self._app, self._window, self._started = app, window, started
        self._quitting = False
        self._timeout = QTimer(self)
        self._timeout.setSingleShot(True)
        self._timeout.timeout.connect(self._quit)
        self._after_paint: Callable[[], None] | None = None
        self._on_next_paint(self._painted)

    def _on_next_paint(self, then: Callable[[], None]) -> None:
        self._after_paint = then
        self._app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (self._after_paint is not None and event.type() == QEvent.Type.Paint
                and isinstance(watched, QWidget) and watched.window() is self._window):
            then, self._after_paint = self._after_paint, None
            self._app.removeEventFilter(self)
            QTimer.singleShot(0, then)  # after this frame's remaining paint events
        return False

    def _print(self, marker: str) -> None:
        # seconds since run_gui began, then the CPU time the process has used since it started
        # (a busy machine stretches the first, hardly the second)
        print(f"{marker} {time.perf_counter() - self._started:.3f} "
              f"cpu {time.process_time():.3f}", flush=True)

    def _home_page(self) -> QWidget | None:
        if self._window.current_page_key() != "home":
            return None
        return self._window.page("home")

    def _painted(self) -> None:
        self._print(STARTUP_PROBE_MARKER)
        home = self._home_page()
        if home is None:
            self._quit()
        elif getattr(home, "data", None) is not None:  # painted with its figures already
            self._figures_painted()
        else:
            home.loaded.connect(self._figures_loaded)  # type: ignore[attr-defined]
            self._timeout.start(STARTUP_PROBE_FIGURES_TIMEOUT_MS)

    def _figures_loaded(self) -> None:
        home = self._home_page()
        if home is None or getattr(home, "data", None) is None:  # loading them failed
            self._quit()
        else:
            self._on_next_paint(self._figures_painted)

    def _figures_painted(self) -> None:
        self._print(STARTUP_PROBE_FIGURES_MARKER)
        self._quit()

    def _quit(self) -> None:
        if self._quitting:
            return
        self._quitting = True
        self._timeout.stop()
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


def _has_register(home: Home) -> bool:
    """Whether ``home`` already holds a register (a database file, or a configured database
    URL): then the main window is shown before it is opened. Otherwise this is the first run
    (or a broken settings file, which opening reports)."""
    from greencert_desktop.settings import HomeSettings

    try:
        if HomeSettings(home.settings_file).get("database_url"):
            return True
    except UserError:
        return False
    try:
        return home.db_path.stat().st_size > 0
    except OSError:
        return False


class _GuiStart:
    """One run of the program's window: opens the register, shows the main window (or the
    set-up wizard first) and keeps what it opened, for :func:`run_gui` to close."""

    def __init__(self, app: QApplication, home: Home, started: float) -> None:
        self.app, self.home, self.started = app, home, started
        self.register: Register | None = None
        self.shown: list[QWidget] = []
        self.exit_code = 0

    def window_first(self) -> None:
        """Show the window over ``home`` now; open the register after its first paint."""
        from greencert_desktop.ui.main_window import MainWindow

        window = MainWindow(None, home=self.home)
        window.first_painted.connect(lambda: self._fill(window))
        self._show(window)

    def register_first(self) -> bool:
        """Open the register, then show the main window, or the set-up wizard while no unit
        is configured. False if the register cannot be opened (the user was told)."""
        from greencert_desktop.ui.main_window import MainWindow

        register = self._open()
        if register is None:
            return False
        if _configured(register):
            self._show(MainWindow(register))
        else:
            self.shown.append(_first_run(self.app, register,
                                         lambda: self._show(MainWindow(register))))
        return True

    def close(self) -> None:
        if self.register is not None:
            self.register.close()

    def _fill(self, window: MainWindow) -> None:
        if not window.isVisible():
            return  # closed before the register was opened
        try:
            register = self._open()
        except Exception:  # reported like any crash; then the program ends
            sys.excepthook(*sys.exc_info())
            register = None
            self.exit_code = 1
        if register is None:
            window.close()
            self.app.exit(self.exit_code)
            return
        if _configured(register):
            window.attach(register)
            return

        def set_up() -> None:
            window.attach(register)
            window.show()
            self.app.setQuitOnLastWindowClosed(True)

        self.shown.append(_first_run(self.app, register, set_up))
        window.hide()

    def _open(self) -> Register | None:
        from greencert_desktop.services.register import Register

        try:
            self.register = Register.open(self.home)
        except UserError as exc:
            log.error("cannot open the register: %s", exc.message)
            title = QCoreApplication.translate("App", "GreenCert")
            QMessageBox.critical(None, title, exc.message)
            self.exit_code = 1
            return None
        return self.register

    def _show(self, window: MainWindow) -> None:
        self.shown.append(window)
        if os.environ.get(STARTUP_PROBE_ENV):
            _StartupProbe(self.app, window, self.started)
        window.show()
        self.app.setQuitOnLastWindowClosed(True)


def _configured(register: Register) -> bool:
    return bool(str(register.get("unit_code") or "").strip())


def run_gui(home: Home, argv: list[str] | None = None) -> int:
    """Open the register in ``home`` and run the main window; the process exit code."""
    from greencert_desktop.ui.i18n import install_translators, remove_translators
    from greencert_desktop.ui.icons import app_icon

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
        start = _GuiStart(app, home, started)
        try:
            if _has_register(home):
                start.window_first()
            elif not start.register_first():
                return 1
            code = app.exec()
            return start.exit_code or code
        finally:
            # Leave the application as we found it for whoever runs the next event loop
            # (tests run many in one process): a quit posted by the last window closing
            # after exec() returned would otherwise end every later event loop at once.
            app.setQuitOnLastWindowClosed(quit_on_close)
            QCoreApplication.removePostedEvents(None, QEvent.Type.Quit)
            start.close()
    finally:
        remove_translators(app, translators)
        reporter.uninstall()


def smoke_test_main_window(register: Register, *, timeout_s: float = 60.0) -> str:
    """For ``greencert self-test``: open the main window on ``register``, show every page and
    close it (offscreen when the caller set ``QT_QPA_PLATFORM``). Raises ``UserError``."""
    from greencert_desktop.ui.smoke import open_every_page

    app = create_application([sys.argv[0] if sys.argv else APP_NAME])
    return open_every_page(app, register, timeout_s=timeout_s)
