"""The main window: navigation on the left, one page per entry, menus and a status bar.

``MainWindow(register)`` shows an open register. At start-up ``app.run_gui`` shows
``MainWindow(None, home=home)`` first (menus, navigation, the home page's frame, a status bar
saying the register is being opened), so that the window is up before SQLAlchemy's ORM and
the models load and the database is opened; :meth:`MainWindow.attach` then fills it. Neither
this module nor the home page imports them before that.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from greencert_desktop import __version__
from greencert_desktop.domain.errors import UserError
from greencert_desktop.home import Home
from greencert_desktop.settings import HomeSettings, default_operator
from greencert_desktop.ui.actions import Actions
from greencert_desktop.ui.icons import app_icon
from greencert_desktop.ui.pages import page_class

if TYPE_CHECKING:
    from greencert_desktop.services.register import Register

UI_SETTINGS_FILE = "ui.ini"

# Navigation order; the titles are in MainWindow.page_titles() so that lupdate sees them.
PAGE_KEYS: tuple[str, ...] = (
    "home", "organisations", "certificates", "subsidies", "supervision",
    "charts", "submission", "import", "settings",
)


def record_counts(register: Register) -> dict[str, int]:
    """:func:`greencert_desktop.services.stats.record_counts`, imported when first needed."""
    from greencert_desktop.services.stats import record_counts as counts

    return counts(register)


class MainWindow(QMainWindow):
    first_painted = Signal()
    """Emitted once, after the window's first frame has been painted."""

    def __init__(self, register: Register | None, parent: QWidget | None = None, *,
                 home: Home | None = None) -> None:
        """Over ``register``; or, with ``register`` None, over the register in ``home`` that
        is still being opened, until :meth:`attach` gives it."""
        super().__init__(parent)
        if register is not None:
            home = register.home
        elif home is None:
            raise ValueError("MainWindow needs a register or the home folder it is in")
        self.register: Register | None = register
        self.home: Home = home
        self.setObjectName("mainWindow")
        self.setWindowTitle(
            self.tr("Green Certification Information Management and Reporting System"))
        self.setWindowIcon(app_icon())

        self.actions = Actions(self)
        self.actions.populate(self.menuBar())
        self.actions.quit.triggered.connect(self.close)
        self.actions.about.triggered.connect(self.show_about)

        self.navigation = QListWidget(self)
        self.navigation.setObjectName("navigation")
        self.navigation.setFixedWidth(176)
        self.navigation.setFrameShape(QFrame.Shape.NoFrame)
        self.navigation.setStyleSheet("QListWidget#navigation::item { padding: 7px 12px; }")
        self.navigation.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.pages = QStackedWidget(self)
        self.pages.setObjectName("pages")
        self._page_index: dict[str, int] = {}
        self._built: dict[str, QWidget] = {}
        for key, title in self.page_titles().items():
            holder = QWidget(self.pages)
            QVBoxLayout(holder).setContentsMargins(0, 0, 0, 0)
            self._page_index[key] = self.pages.addWidget(holder)
            self.navigation.addItem(title)
        self.navigation.currentRowChanged.connect(self._show_row)

        central = QWidget(self)
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.navigation)
        separator = QFrame(central)
        separator.setFrameShape(QFrame.Shape.VLine)
        separator.setFrameShadow(QFrame.Shadow.Sunken)
        layout.addWidget(separator)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)

        self._status: dict[str, QLabel] = {}
        for name in ("statusUnit", "statusOperator", "statusDatabase"):
            self._status[name] = self._status_label(name)
            self.statusBar().addWidget(self._status[name])
        self._status["statusCounts"] = self._status_label("statusCounts")
        self.statusBar().addPermanentWidget(self._status["statusCounts"])
        self.refresh_status()

        self._default_size()
        self._restore_state()
        self._painted = False
        self.navigation.viewport().installEventFilter(self)  # painted in every first frame

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (not self._painted and event.type() == QEvent.Type.Paint
                and watched is self.navigation.viewport()):
            self._painted = True
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self, self.first_painted.emit)  # after the rest of this frame
        return super().eventFilter(watched, event)

    def attach(self, register: Register) -> None:
        """Fill the window shown over ``home`` with its register, now open."""
        self.register = register
        self.refresh_status()
        home = self._built.get("home")
        if home is not None and hasattr(home, "set_register"):
            home.set_register(register)
        self._show_row(self.pages.currentIndex())  # build the page shown, if still a frame

    # ------------------------------------------------------------------ pages
    def page_titles(self) -> dict[str, str]:
        return {
            "home": self.tr("Home"),
            "organisations": self.tr("Certified organisations"),
            "certificates": self.tr("Certificates and lists"),
            "subsidies": self.tr("Subsidies and leading enterprises"),
            "supervision": self.tr("Supervision and inspection"),
            "charts": self.tr("Charts"),
            "submission": self.tr("Submission"),
            "import": self.tr("Import"),
            "settings": self.tr("Settings"),
        }

    def page(self, key: str) -> QWidget:
        """The page for ``key``, built the first time it is asked for (keeps start-up fast).

        Before :meth:`attach`, only the home page can be built (it waits for the register)."""
        if key not in self._built:
            if self.register is None and key != "home":
                raise RuntimeError(f"the register is not open yet: no page {key!r}")
            holder = self.pages.widget(self._page_index[key])
            cls = page_class(key)
            page = cls(self.register, holder)
            page.setObjectName(f"page_{key}")
            holder.layout().addWidget(page)
            self._built[key] = page
        return self._built[key]

    def _show_row(self, row: int) -> None:
        if 0 <= row < len(PAGE_KEYS):
            if self.register is not None or PAGE_KEYS[row] == "home":
                self.page(PAGE_KEYS[row])  # else built by attach()
            self.pages.setCurrentIndex(row)

    def show_page(self, key: str) -> None:
        self.navigation.setCurrentRow(self._page_index[key])

    def current_page_key(self) -> str:
        return PAGE_KEYS[self.pages.currentIndex()]

    # ------------------------------------------------------------ status bar
    def _status_label(self, name: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName(name)
        label.setContentsMargins(6, 0, 6, 0)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def status_label(self, name: str) -> QLabel:
        return self._status[name]

    def refresh_status(self) -> None:
        """Show unit, operator, database and record counts (call after any change)."""
        reg = self.register
        if reg is None:
            self._refresh_status_opening()
            return
        code = str(reg.get("unit_code") or "").strip()
        if code:
            unit = self.tr("Unit: {code} {name}").format(code=code, name=self._unit_name(code))
        else:
            unit = self.tr("Unit: not set")
        self._status["statusUnit"].setText(unit.strip())
        self._status["statusOperator"].setText(
            self.tr("Operator: {operator}").format(operator=reg.operator))
        self._show_database(_database_display(str(reg.db.url)))
        counts = record_counts(reg)
        self._status["statusCounts"].setText(self.tr(
            "Organisations {organisations} · Certificates {certificates} · "
            "Subsidies {subsidies} · Cases {cases}").format(**counts))

    def _refresh_status_opening(self) -> None:
        """Before :meth:`attach`: what the home folder's settings tell, without the database."""
        self._status["statusUnit"].setText(self.tr("Opening the register…"))
        self._status["statusCounts"].setText("")
        try:
            settings = HomeSettings(self.home.settings_file)
        except UserError:  # reported when the register opens
            return
        operator = str(settings.get("operator") or "") or default_operator()
        self._status["statusOperator"].setText(
            self.tr("Operator: {operator}").format(operator=operator))
        configured = str(settings.get("database_url") or "")
        # The usual SQLite file in the home folder is named without SQLAlchemy.
        self._show_database(_database_display(configured) if configured
                            else str(self.home.db_path))

    def _show_database(self, database: str) -> None:
        self._status["statusDatabase"].setText(self.tr("Database: {path}").format(path=database))
        self._status["statusDatabase"].setToolTip(database)

    def _unit_name(self, code: str) -> str:
        assert self.register is not None
        office = str(self.register.get("office_name") or "").strip()
        if office:
            return office
        reference = self.register.reference
        city = getattr(reference, "city", None)
        if city is not None and city.code == code:
            return str(city.name)
        unit = reference.unit(code) if hasattr(reference, "unit") else None
        return str(unit.name) if unit is not None else ""

    # ------------------------------------------------------------------ about
    def show_about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About GreenCert"),
            self.tr("Green Certification Information Management and Reporting System\n"
                    "Version {version}\n\nData folder: {folder}").format(
                version=__version__, folder=self.home.root),
        )

    # ------------------------------------------------------- geometry / state
    def _ui_settings(self) -> QSettings:
        path = self.home.root / UI_SETTINGS_FILE
        return QSettings(str(path), QSettings.Format.IniFormat)

    def _default_size(self) -> None:
        """1100×720, or less on a small screen (a 1366×768 laptop is common in offices)."""
        width, height = 1100, 720
        screen = self.screen()
        if screen is not None:
            available = screen.availableGeometry()
            width = min(width, int(available.width() * 0.9))
            height = min(height, int(available.height() * 0.9))
        self.resize(width, height)

    def _restore_state(self) -> None:
        settings = self._ui_settings()
        geometry = settings.value("mainWindow/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = settings.value("mainWindow/state")
        if state is not None:
            self.restoreState(state)
        page = str(settings.value("mainWindow/page", PAGE_KEYS[0]))
        self.show_page(page if page in self._page_index else PAGE_KEYS[0])

    def save_state(self) -> None:
        settings = self._ui_settings()
        settings.setValue("mainWindow/geometry", self.saveGeometry())
        settings.setValue("mainWindow/state", self.saveState())
        settings.setValue("mainWindow/page", self.current_page_key())
        settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        super().closeEvent(event)


def _database_display(url: str) -> str:
    """The SQLite file, or the server URL with any password hidden."""
    from greencert_desktop.storage.engine import sqlite_path

    path = sqlite_path(url)
    if path is not None:
        return str(path)
    return re.sub(r"(://[^:/@]*):[^@]*@", r"\1:***@", url)
