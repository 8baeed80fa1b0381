"""首页: figures at a glance, progress toward the 2025 targets, and this week's to-do list.

The figures come from :func:`greencert_desktop.services.dashboard.overview`, computed in the
background (``ui/jobs.py``) when the page is shown and the register changed since last time
(:func:`~greencert_desktop.services.dashboard.data_version`), so the window never waits for
a million-certificate register. Every figure and to-do item opens the matching list.

At start-up the page is built before the register is open (see ``ui/main_window.py``): it
shows its frame and loads once :meth:`HomePage.set_register` gives the register. The
services (SQLAlchemy) are imported only then.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QMouseEvent, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from greencert_desktop.domain.indicators import format_number
from greencert_desktop.ui.jobs import Job, run_job
from greencert_desktop.ui.widgets import page_title

if TYPE_CHECKING:
    from greencert_desktop.services.register import Register

MUTED = "color: #666666;"
ROLE_TARGET = Qt.ItemDataRole.UserRole


def open_list(widget: QWidget, page: str | None, filters: Mapping[str, Any]) -> bool:
    """Show ``page`` in the main window and apply ``filters`` to it (list pages), or run its
    check (the submission page, for records missing fields)."""
    window = widget.window()
    if not page or not hasattr(window, "show_page") or not hasattr(window, "page"):
        return False
    window.show_page(page)
    target = window.page(page)
    apply = getattr(target, "apply_filters", None)
    if callable(apply):
        apply(dict(filters))
    elif filters.get("check"):
        content = getattr(target, "content", target)
        check = getattr(content, "run_check", None)
        if callable(check):
            check()
    return True


class Tile(QFrame):
    """A figure at a glance: a big number over its caption; clicking opens its list."""

    clicked = Signal()

    def __init__(self, key: str, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"figure_{key}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setStyleSheet(f"QFrame#figure_{key} {{ background: #f4f8f4; border: 1px solid "
                           "#c8dcc8; border-radius: 6px; }")
        self.number = QLabel("—", self)
        self.number.setObjectName("number")
        font = self.number.font()
        font.setPointSizeF(font.pointSizeF() * 2.0)
        font.setBold(True)
        self.number.setFont(font)
        self.number.setStyleSheet("color: #2e7d32; border: none; background: transparent;")
        self.caption = QLabel(caption, self)
        self.caption.setObjectName("caption")
        self.caption.setStyleSheet(MUTED + " border: none; background: transparent;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(self.number)
        layout.addWidget(self.caption)

    def set_count(self, count: int) -> None:
        self.number.setText(f"{count:,}")

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
        super().mouseReleaseEvent(event)


class HomePage(QWidget):
    loaded = Signal()

    def __init__(self, register: Register | None, parent: QWidget | None = None,
                 today: Callable[[], date] = date.today) -> None:
        super().__init__(parent)
        self.register: Register | None = register
        self._on_show = QTimer(self)
        self._on_show.setSingleShot(True)
        self._on_show.setInterval(0)
        self._on_show.timeout.connect(self._shown)
        self.today = today
        self.data: dict[str, Any] | None = None
        self.job: Job | None = None
        self._version: tuple[Any, ...] | None = None
        self._pending = False
        self._reload_when_painted = False

        heading = page_title(self.tr("Home"), self)
        self.status_label = QLabel(self.tr("Loading…"), self)
        self.status_label.setObjectName("homeStatus")
        self.status_label.setStyleSheet(MUTED)
        self.status_label.installEventFilter(self)  # its first paint starts the loading
        self.refresh_button = QPushButton(self.tr("Refresh"), self)
        self.refresh_button.setObjectName("refreshButton")
        self.refresh_button.clicked.connect(lambda: self.reload(force=True))
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addSpacing(12)
        top.addWidget(self.status_label, 1)
        top.addWidget(self.refresh_button)

        # -- figures at a glance
        captions = {
            "valid": self.tr("Valid certificates"),
            "certified_organisations": self.tr("Certified organisations"),
            "new_in_period": self.tr("New this period"),
            "expiring_90": self.tr("Expiring within 90 days"),
            "suspended": self.tr("Suspended"),
            "blacklisted": self.tr("On the serious-dishonesty list"),
        }
        self.tiles: dict[str, Tile] = {}
        tiles = QGridLayout()
        tiles.setSpacing(8)
        for n, (key, caption) in enumerate(captions.items()):
            tile = Tile(key, caption, self)
            tile.clicked.connect(lambda key=key: self.open_figure(key))
            self.tiles[key] = tile
            tiles.addWidget(tile, n // 3, n % 3)

        # -- indicators
        self.indicator_box = QGroupBox(self.tr("2025 targets"), self)
        self.indicator_box.setObjectName("indicators")
        self.indicator_grid = QGridLayout(self.indicator_box)
        self.indicator_grid.setHorizontalSpacing(12)
        self.indicator_grid.setColumnStretch(4, 1)
        self.indicator_rows: dict[str, dict[str, QWidget]] = {}

        # -- to-do
        self.todo_box = QGroupBox(self.tr("To do"), self)
        self.todo_list = QListWidget(self.todo_box)
        self.todo_list.setObjectName("todoList")
        self.todo_list.setMinimumHeight(150)
        self.todo_list.setWordWrap(True)
        self.todo_list.setSpacing(3)
        self.todo_list.itemActivated.connect(self.open_item)
        self.todo_list.itemClicked.connect(self.open_item)
        todo_layout = QVBoxLayout(self.todo_box)
        todo_layout.addWidget(self.todo_list)
        hint = QLabel(self.tr("Click an item to open the matching list."), self.todo_box)
        hint.setStyleSheet(MUTED)
        todo_layout.addWidget(hint)

        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addLayout(tiles)
        lower = QHBoxLayout()
        lower.setSpacing(10)
        lower.addWidget(self.indicator_box, 3)
        lower.addWidget(self.todo_box, 2)
        layout.addLayout(lower)
        layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    # --------------------------------------------------------------- loading
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # Load once the page has been painted, so that the background work does not compete
        # with the window's first frame (Python's GIL); not at all if closed at once.
        self._reload_when_painted = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (self._reload_when_painted and watched is self.status_label
                and event.type() == QEvent.Type.Paint):
            self._reload_when_painted = False
            self._on_show.start()  # the next pass of the event loop: after this frame
        return super().eventFilter(watched, event)

    def _shown(self) -> None:
        if self.isVisible():
            self.reload()

    def set_register(self, register: Register) -> None:
        """The register, once open (the page was built before it); loads if shown."""
        self.register = register
        self._version = None
        if self.isVisible():
            self.reload()

    def reload(self, force: bool = False) -> Job | None:
        """Recompute in the background when the register changed (or ``force``)."""
        if self.job is not None and self.job.is_running():
            self._pending = True
            return self.job
        reg = self.register
        if reg is None:  # still being opened: set_register() loads
            return None
        from greencert_desktop.services import dashboard

        today = self.today()
        version = (*dashboard.data_version(reg), today, reg.unit_code,
                   reg.get("period_type"))
        if not force and version == self._version and self.data is not None:
            return None
        self._version = version
        self.status_label.setText(self.tr("Loading…"))
        unit = reg.unit_code

        def work(_progress: Callable[[int, int], bool], _cancelled: Callable[[], bool]
                 ) -> dict[str, Any]:
            return dashboard.overview(reg, unit=unit, today=today)

        self.job = run_job(self, work, title=self.tr("Home"), label=self.tr("Loading…"),
                           on_success=self.show_data, on_failure=self._failed,
                           show_progress=False, show_errors=False)
        self.job.finished.connect(self._job_finished)
        return self.job

    def _job_finished(self) -> None:
        if self._pending:
            self._pending = False
            self.reload()

    def _failed(self, error: BaseException) -> None:
        self._version = None
        message = getattr(error, "message", None) or f"{type(error).__name__}: {error}"
        self.status_label.setText(self.tr("Could not load the figures: {error}").format(
            error=message))
        self.loaded.emit()

    def wait(self, msecs: int = 30000) -> None:
        """Tests: block until a running computation ended (its result arrives by signal)."""
        if self.job is not None and self.job.is_running():
            self.job.wait(msecs)

    # --------------------------------------------------------------- showing
    def show_data(self, data: dict[str, Any]) -> None:
        self.data = data
        for item in data["figures"]:
            tile = self.tiles.get(item["key"])
            if tile is not None:
                tile.set_count(item["count"])
        period = data["period"]
        self.tiles["new_in_period"].caption.setText(
            self.tr("New this period ({period})").format(period=period["words"]))
        self._show_indicators(data["indicators"])
        self._show_todos(data)
        self.status_label.setText(self.tr("{unit} · as of {date}").format(
            unit=data["unit"]["name"], date=data["today"]))
        self.loaded.emit()

    def _show_indicators(self, indicators: list[dict[str, Any]]) -> None:
        grid = self.indicator_grid
        while grid.count():
            w = grid.takeAt(0).widget()
            if w is not None:
                w.deleteLater()
        self.indicator_rows = {}
        headers = (self.tr("Indicator"), self.tr("Count"), self.tr("City target"),
                   self.tr("Unit quota"), self.tr("Progress"))
        for col, text in enumerate(headers):
            label = QLabel(text, self.indicator_box)
            label.setStyleSheet("font-weight: bold;")
            grid.addWidget(label, 0, col)
        for row, ind in enumerate(indicators, start=1):
            measure = ind["measure"]
            name = QLabel(ind["name"], self.indicator_box)
            name.setObjectName(f"indicator_{ind['code']}")
            if ind.get("page"):
                name.setText(f'<a href="#">{ind["name"]}</a>')
                name.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
                name.linkActivated.connect(
                    lambda _link, ind=ind: open_list(self, ind["page"], ind["filters"]))
            count = QLabel(self.tr("Reported separately") if ind["count"] is None
                           else f"{format_number(ind['count'])}{measure}", self.indicator_box)
            target = QLabel("" if ind["target"] is None
                            else f"{format_number(ind['target'])}{measure}", self.indicator_box)
            quota = QLabel("—" if ind["quota"] is None
                           else f"{format_number(ind['quota'])}{measure}", self.indicator_box)
            bar = QProgressBar(self.indicator_box)
            bar.setObjectName(f"progress_{ind['code']}")
            bar.setRange(0, 100)
            ratio = ind["ratio"]
            if ratio is None:
                bar.setValue(0)
                bar.setFormat(self.tr("n/a"))
            else:
                bar.setValue(min(100, round(ratio * 100)))
                bar.setFormat(f"{ratio * 100:.1f}%")
                colour = "#2e7d32" if ratio >= 1 else "#f9a825" if ratio >= 0.6 else "#c62828"
                bar.setStyleSheet(f"QProgressBar::chunk {{ background: {colour}; }}"
                                  "QProgressBar { text-align: center; }")
            for col, w in enumerate((name, count, target, quota, bar)):
                grid.addWidget(w, row, col)
            self.indicator_rows[ind["code"]] = {"name": name, "count": count, "target": target,
                                                "quota": quota, "bar": bar}

    def _todo_text(self, item: dict[str, Any]) -> str:
        key, n = item["key"], f"{item['count']:,}"
        texts = {
            "expiring_30": self.tr("{n} certificates expire within 30 days"),
            "expiring_60": self.tr("{n} certificates expire within 60 days"),
            "expiring_90": self.tr("{n} certificates expire within 90 days"),
            "surveillance_overdue": self.tr("{n} certificates are overdue for surveillance"),
            "missing_fields": self.tr("{n} certificates lack fields the submission needs "
                                      "(check before export)"),
        }
        return texts.get(key, key).format(n=n)

    def _show_todos(self, data: dict[str, Any]) -> None:
        self.todo_list.clear()
        for item in data["todos"]:
            entry = QListWidgetItem(self._todo_text(item), self.todo_list)
            filters = dict(item["filters"])
            if item["key"] == "missing_fields":
                filters = {"check": True}
            entry.setData(ROLE_TARGET, (item["page"], filters))
            entry.setData(Qt.ItemDataRole.AccessibleDescriptionRole, item["key"])
            if not item["count"]:
                entry.setForeground(Qt.GlobalColor.gray)
        sub = data["submission"]
        last = sub["last"]
        if last is None:
            last_text = self.tr("No submission exported yet")
        else:
            last_text = self.tr("Last submission: {period}, exported {date}").format(
                period=last["period"], date=last["date"])
        due = sub["due"]
        if due["overdue"]:
            due_text = self.tr("due now: {period}").format(period=due["words"])
        else:
            due_text = self.tr("next due: {period}").format(period=due["words"])
        text = f"{last_text}; {due_text}"
        if sub["city"] and sub["units"] is not None:
            text += self.tr(" ({received} of {units} units have reported)").format(
                received=sub["received"], units=sub["units"])
        entry = QListWidgetItem(text, self.todo_list)
        entry.setData(ROLE_TARGET, (sub["page"], {}))
        entry.setData(Qt.ItemDataRole.AccessibleDescriptionRole, "submission")

    # --------------------------------------------------------------- opening
    def open_figure(self, key: str) -> bool:
        if self.data is None:
            return False
        item = next((f for f in self.data["figures"] if f["key"] == key), None)
        return item is not None and open_list(self, item["page"], item["filters"])

    def open_item(self, item: QListWidgetItem) -> bool:
        target = item.data(ROLE_TARGET)
        if not target:
            return False
        page, filters = target
        return open_list(self, page, filters)

    def todo_item(self, key: str) -> QListWidgetItem | None:
        for row in range(self.todo_list.count()):
            item = self.todo_list.item(row)
            if item.data(Qt.ItemDataRole.AccessibleDescriptionRole) == key:
                return item
        return None
