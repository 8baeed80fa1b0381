"""统计图表: the charts of :mod:`greencert_desktop.services.dashboard` on a QtAgg canvas.

matplotlib is imported the first time a chart is drawn (never at start-up). Chart data are
computed in the background (``ui/jobs.py``) and cached per chart and filter until the
register changes (:func:`~greencert_desktop.services.dashboard.data_version`, checked when
the page is shown), so the window never waits. Clicking a bar opens the matching list in the
main window. Each chart can be saved as PNG, SVG or PDF or copied to the clipboard; the
one-page 工作简报 (brief) is written as PDF in the background too.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QImage, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

from greencert_desktop.domain.periods import Period, PeriodType
from greencert_desktop.services import dashboard, lookups
from greencert_desktop.services.register import Register
from greencert_desktop.ui.jobs import Job, run_job
from greencert_desktop.ui.pages.home import open_list
from greencert_desktop.ui.widgets import page_title

UI_SETTINGS_FILE = "ui.ini"
PERIOD_CHOICES = {PeriodType.QUARTER: 20, PeriodType.MONTH: 36, PeriodType.YEAR: 10}
SAVE_FORMATS = ("png", "svg", "pdf")


class ChartsPage(QWidget):
    chartShown = Signal(str)   # the chart key, once drawn
    briefWritten = Signal(str)  # the PDF written ("" when it failed)

    def __init__(self, register: Register, parent: QWidget | None = None,
                 today: Callable[[], date] = date.today) -> None:
        super().__init__(parent)
        self.register = register
        self._on_show = QTimer(self)
        self._on_show.setSingleShot(True)
        self._on_show.setInterval(0)
        self._on_show.timeout.connect(self._shown)
        self.today = today
        self.job: Job | None = None
        self.brief_job: Job | None = None
        self._cache: dict[tuple[Any, ...], dict[str, Any]] = {}
        self._version: tuple[Any, ...] | None = None
        self._wanted: tuple[Any, ...] | None = None
        self.chart_data: dict[str, Any] | None = None
        self.figure: Any = None
        self.canvas: Any = None
        self.rects: list[Any] = []

        heading = page_title(self.tr("Charts"), self)

        # -- filters
        self.unit_combo = QComboBox(self)
        self.unit_combo.setObjectName("filter_unit")
        self.unit_combo.addItem(self.tr("Whole register"), None)
        for code, name in lookups.units(register):
            self.unit_combo.addItem(name, code)
        own = register.unit_code
        if own and not register.is_city:
            index = self.unit_combo.findData(own)
            if index >= 0:
                self.unit_combo.setCurrentIndex(index)
        self.from_combo = QComboBox(self)
        self.from_combo.setObjectName("filter_from")
        self.to_combo = QComboBox(self)
        self.to_combo.setObjectName("filter_to")
        self._fill_periods()
        self.group_combo = QComboBox(self)
        self.group_combo.setObjectName("filter_group")
        self.group_combo.addItem(self.tr("All groups"), None)
        for value, text in lookups.type_groups(register):
            self.group_combo.addItem(text, value)
        self.by_unit = QCheckBox(self.tr("By unit"), self)
        self.by_unit.setObjectName("filter_by_unit")
        self.by_unit.setToolTip(self.tr("Split every chart by reporting unit (whole register)"))
        for combo in (self.unit_combo, self.from_combo, self.to_combo, self.group_combo):
            combo.currentIndexChanged.connect(self._filters_changed)
        self.by_unit.toggled.connect(self._filters_changed)
        filters = QHBoxLayout()
        filters.setSpacing(6)
        for label, widget in ((self.tr("Unit:"), self.unit_combo),
                              (self.tr("From:"), self.from_combo),
                              (self.tr("To:"), self.to_combo),
                              (self.tr("Group:"), self.group_combo)):
            caption = QLabel(label, self)
            caption.setBuddy(widget)
            filters.addWidget(caption)
            filters.addWidget(widget)
        filters.addWidget(self.by_unit)
        filters.addStretch(1)

        # -- chart choice and actions
        self.tabs = QTabBar(self)
        self.tabs.setObjectName("chartTabs")
        self.tabs.setExpanding(False)
        self.chart_titles = {
            "indicators": self.tr("Progress toward the targets"),
            "valid_by_type": self.tr("Valid by type"),
            "trend": self.tr("Trend by period"),
            "expiries": self.tr("Expiries, next 12 months"),
            "industries": self.tr("Organisations by industry"),
        }
        for title in self.chart_titles.values():
            self.tabs.addTab(title)
        self.tabs.currentChanged.connect(self._filters_changed)
        self.save_button = QPushButton(self.tr("Save as…"), self)
        self.save_button.setObjectName("saveButton")
        self.save_button.clicked.connect(self.save_dialog)
        self.copy_button = QPushButton(self.tr("Copy"), self)
        self.copy_button.setObjectName("copyButton")
        self.copy_button.clicked.connect(self.copy_to_clipboard)
        self.brief_button = QPushButton(self.tr("Work brief (PDF)…"), self)
        self.brief_button.setObjectName("briefButton")
        self.brief_button.setToolTip(self.tr(
            "One page for the office meeting: the indicator table and three charts for the "
            "unit and the last period chosen"))
        self.brief_button.clicked.connect(self.brief_dialog)
        actions = QHBoxLayout()
        actions.addWidget(self.tabs, 1)
        actions.addWidget(self.save_button)
        actions.addWidget(self.copy_button)
        actions.addWidget(self.brief_button)

        self.status_label = QLabel(self)
        self.status_label.setObjectName("chartStatus")
        self.status_label.setStyleSheet("color: #666666;")
        self.font_label = QLabel(self)
        self.font_label.setObjectName("fontWarning")
        self.font_label.setStyleSheet("color: #a04b00;")
        self.font_label.setWordWrap(True)
        self.font_label.hide()
        self.canvas_area = QVBoxLayout()
        self.placeholder = QLabel(self.tr("Loading…"), self)
        self.canvas_area.addWidget(self.placeholder, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.setSpacing(6)
        layout.addWidget(heading)
        layout.addLayout(filters)
        layout.addLayout(actions)
        layout.addWidget(self.font_label)
        layout.addLayout(self.canvas_area, 1)
        layout.addWidget(self.status_label)
        self._update_buttons()

    # ---------------------------------------------------------------- filters
    def _fill_periods(self) -> None:
        ptype = PeriodType(self.register.get("period_type"))
        current = Period.containing(self.today(), ptype)
        periods = current.last_n(PERIOD_CHOICES[ptype])
        for combo in (self.from_combo, self.to_combo):
            combo.blockSignals(True)
            combo.clear()
            for p in periods:
                combo.addItem(p.words, p.code)
            combo.blockSignals(False)
        default = dashboard.DEFAULT_TREND_PERIODS[ptype]
        self.from_combo.setCurrentIndex(max(0, len(periods) - default))
        self.to_combo.setCurrentIndex(len(periods) - 1)

    def chart_key(self) -> str:
        return dashboard.CHART_KEYS[max(0, self.tabs.currentIndex())]

    def set_chart(self, key: str) -> None:
        self.tabs.setCurrentIndex(dashboard.CHART_KEYS.index(key))

    def chart_filter(self) -> dashboard.ChartFilter:
        unit = self.unit_combo.currentData()
        self.by_unit.setEnabled(unit is None)
        start, end = self.from_combo.currentData(), self.to_combo.currentData()
        return dashboard.ChartFilter(
            unit=unit, period_from=Period.parse(start) if start else None,
            period_to=Period.parse(end) if end else None,
            type_group=self.group_combo.currentData(),
            by_unit=bool(unit is None and self.by_unit.isChecked()))

    def _filters_changed(self, *_args: object) -> None:
        if self.isVisible():
            self.refresh()

    # ---------------------------------------------------------------- loading
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._on_show.start()  # after the window painted; not at all if closed at once

    def _shown(self) -> None:
        if self.isVisible():
            self.refresh()

    def refresh(self, force: bool = False) -> Job | None:
        """Show the chosen chart: from the cache, or computed in the background."""
        version = (*dashboard.data_version(self.register), self.today())
        if force or version != self._version:
            self._cache.clear()
            self._version = version
        key = self.chart_key()
        f = self.chart_filter()
        wanted = (key, f)
        self._wanted = wanted
        if wanted in self._cache:
            self.show_chart(self._cache[wanted])
            return None
        if self.job is not None and self.job.is_running():
            return self.job  # _job_done asks again for what is wanted then
        self.status_label.setText(self.tr("Computing…"))
        self._update_buttons()
        reg, today = self.register, self.today()

        def work(_progress: Callable[[int, int], bool], _cancelled: Callable[[], bool]
                 ) -> tuple[tuple[Any, ...], dict[str, Any]]:
            return wanted, dashboard.chart(reg, key, f, today=today)

        self.job = run_job(self, work, title=self.tr("Charts"), label=self.tr("Computing…"),
                           on_success=self._job_done, on_failure=self._job_failed,
                           show_progress=False, show_errors=False)
        return self.job

    def _job_done(self, outcome: tuple[tuple[Any, ...], dict[str, Any]]) -> None:
        wanted, data = outcome
        self._cache[wanted] = data
        if wanted == self._wanted:
            self.show_chart(data)
        else:
            self.job = None
            self.refresh()

    def _job_failed(self, error: BaseException) -> None:
        message = getattr(error, "message", None) or f"{type(error).__name__}: {error}"
        self.status_label.setText(self.tr("Could not compute the chart: {error}").format(
            error=message))

    def wait(self, msecs: int = 30000) -> None:
        """Tests: block until running work ended (results still arrive by signal)."""
        for job in (self.job, self.brief_job):
            if job is not None and job.is_running():
                job.wait(msecs)

    # ---------------------------------------------------------------- drawing
    def show_chart(self, data: dict[str, Any]) -> None:
        """Draw ``data`` on a fresh QtAgg canvas (matplotlib is imported here)."""
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

        from greencert_desktop.charts import figures, fonts

        message = fonts.missing_font_message()
        self.font_label.setVisible(bool(message))
        self.font_label.setText(message or "")
        fig = figures.figure(data, width=8.0, height=None)
        canvas = FigureCanvasQTAgg(fig)
        canvas.setObjectName("chartCanvas")
        canvas.setMinimumHeight(320)
        canvas.mpl_connect("button_press_event", self.on_press)
        canvas.mpl_connect("motion_notify_event", self._on_motion)
        old = self.canvas or self.placeholder
        self.canvas_area.replaceWidget(old, canvas)
        canvas.show()  # a layout only queues the show of a widget added to a shown parent
        old.hide()
        old.deleteLater()
        self.placeholder = None
        self.canvas = canvas
        self.figure = fig
        self.rects = figures.bars(fig)
        self.chart_data = data
        canvas.draw_idle()
        self.status_label.setText(self.tr("Click a bar to open the matching list."))
        self._update_buttons()
        self.chartShown.emit(data["key"])

    def _update_buttons(self) -> None:
        ready = self.figure is not None
        self.save_button.setEnabled(ready)
        self.copy_button.setEnabled(ready)

    # ---------------------------------------------------------------- clicks
    def bar_target(self, event: Any) -> tuple[str, dict[str, Any]] | None:
        from greencert_desktop.charts.figures import bar_at

        if self.chart_data is None:
            return None
        hit = bar_at(self.rects, event)
        if hit is None:
            return None
        return dashboard.bar_filters(self.chart_data, *hit)

    def on_press(self, event: Any) -> bool:
        """A left click on a bar opens the matching list in the main window."""
        if getattr(event, "button", None) not in (1, None) or getattr(event, "dblclick", False):
            return False
        target = self.bar_target(event)
        if target is None:
            return False
        page, filters = target
        return open_list(self, page, filters)

    def _on_motion(self, event: Any) -> None:
        from PySide6.QtCore import Qt

        if self.canvas is None:
            return
        over = self.bar_target(event) is not None
        self.canvas.setCursor(Qt.CursorShape.PointingHandCursor if over
                              else Qt.CursorShape.ArrowCursor)

    # ---------------------------------------------------------------- output
    def _settings(self) -> QSettings:
        return QSettings(str(self.register.home.root / UI_SETTINGS_FILE),
                         QSettings.Format.IniFormat)

    def save_dialog(self) -> Path | None:
        if self.figure is None:
            return None
        start = Path(str(self._settings().value("charts/dir", str(Path.home()))))
        name = f"{self.chart_titles[self.chart_key()]}.png"
        filters = ";;".join((self.tr("PNG image (*.png)"), self.tr("SVG drawing (*.svg)"),
                             self.tr("PDF document (*.pdf)")))
        path, chosen = QFileDialog.getSaveFileName(self, self.tr("Save chart"),
                                                   str(start / name), filters)
        if not path:
            return None
        suffix = Path(path).suffix.lower().lstrip(".")
        if suffix not in SAVE_FORMATS:
            suffix = SAVE_FORMATS[max(0, filters.split(";;").index(chosen))] \
                if chosen in filters.split(";;") else "png"
            path += f".{suffix}"
        self._settings().setValue("charts/dir", str(Path(path).parent))
        return self.save(Path(path))

    def save(self, path: Path) -> Path | None:
        """Write the shown chart; the format follows the suffix (png, svg or pdf)."""
        import matplotlib

        if self.figure is None:
            return None
        fmt = path.suffix.lower().lstrip(".") or "png"
        try:
            with matplotlib.rc_context({"pdf.fonttype": 42}):
                self.figure.savefig(path, format=fmt, dpi=150)
        except OSError as error:
            QMessageBox.warning(self, self.tr("Save chart"), self.tr(
                "The chart could not be saved: {error}").format(error=error.strerror or error))
            return None
        self.status_label.setText(self.tr("Saved {path}").format(path=path))
        return path

    def copy_to_clipboard(self) -> QImage | None:
        if self.figure is None:
            return None
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=120)
        image = QImage.fromData(buffer.getvalue(), "PNG")
        QGuiApplication.clipboard().setImage(image)
        self.status_label.setText(self.tr("The chart was copied to the clipboard."))
        return image

    def brief_dialog(self) -> Job | None:
        start = Path(str(self._settings().value("charts/dir", str(Path.home()))))
        f = self.chart_filter()
        period = f.period_to or Period.containing(self.today(),
                                                  self.register.get("period_type"))
        name = f"绿色认证工作简报_{period.code}.pdf"
        path, _chosen = QFileDialog.getSaveFileName(self, self.tr("Save work brief"),
                                                    str(start / name),
                                                    self.tr("PDF document (*.pdf)"))
        if not path:
            return None
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        self._settings().setValue("charts/dir", str(Path(path).parent))
        return self.write_brief(Path(path))

    def write_brief(self, path: Path) -> Job | None:
        """Write the brief for the chosen unit and the last period of the range."""
        if self.brief_job is not None and self.brief_job.is_running():
            return None
        f = self.chart_filter()
        reg, today = self.register, self.today()
        period = f.period_to or Period.containing(today, reg.get("period_type"))

        def work(_progress: Callable[[int, int], bool], _cancelled: Callable[[], bool]
                 ) -> str:
            from greencert_desktop.charts.brief import write_brief

            data = dashboard.brief_data(reg, period, unit=f.unit, today=today)
            return str(write_brief(data, path))

        def done(written: str) -> None:
            self.status_label.setText(self.tr("Work brief written to {path}").format(
                path=written))
            self.briefWritten.emit(written)

        self.brief_job = run_job(self, work, title=self.tr("Work brief"),
                                 label=self.tr("Writing the work brief…"),
                                 on_success=done, cancellable=False)
        self.brief_job.failed.connect(lambda _e: self.briefWritten.emit(""))
        return self.brief_job
