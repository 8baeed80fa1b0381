"""报送: the county's submission page; on the city's install the same slot shows 汇总.

:class:`SubmissionPage` is what the navigation builds. It holds one content widget: the
county page (:class:`CountySubmissionPage`) or, when the register is the city office's, the
consolidation page (``ui/pages/consolidation.py``). It swaps them when the unit setting
changes. Slow work (preview, check, export) runs through :mod:`greencert_desktop.ui.jobs`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QSignalBlocker, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QBrush, QColor, QDesktopServices, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from greencert_desktop.domain.errors import UserError
from greencert_desktop.domain.periods import Period
from greencert_desktop.services import submission as sub
from greencert_desktop.services.register import Register
from greencert_desktop.ui.jobs import Job, run_job, show_error
from greencert_desktop.ui.widgets import page_title

PERIODS_SHOWN = {"quarter": 20, "month": 36, "year": 10}
"""How many periods the chooser lists, ending with the one in progress."""
CHECK_LIMIT = 1000
GOOD, BAD, MUTED = "#1b5e20", "#b00020", "#666666"


# ------------------------------------------------------------------------ small helpers



def make_table(parent: QWidget, name: str, headers: Sequence[str], *,
               stretch: int | None = None) -> QTableWidget:
    """A read-only, row-selecting table; ``stretch`` is the column that takes the rest."""
    table = QTableWidget(0, len(headers), parent)
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(list(headers))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setStretchLastSection(stretch is None)
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def cell(value: Any, *, align_right: bool = False, tooltip: str = "",
         color: str | None = None, data: Any = None) -> QTableWidgetItem:
    item = QTableWidgetItem("" if value is None else str(value))
    if align_right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if tooltip:
        item.setToolTip(tooltip)
    if color:
        item.setForeground(QBrush(QColor(color)))
    if data is not None:
        item.setData(Qt.ItemDataRole.UserRole, data)
    return item


def fill_table(table: QTableWidget, rows: Iterable[Sequence[QTableWidgetItem]]) -> None:
    table.setSortingEnabled(False)
    table.clearContents()
    rows = list(rows)
    table.setRowCount(len(rows))
    for r, items in enumerate(rows):
        for c, item in enumerate(items):
            table.setItem(r, c, item)


def fit_columns(table: QTableWidget, maximum: int = 360) -> None:
    header = table.horizontalHeader()
    last = table.columnCount() - 1 if header.stretchLastSection() else table.columnCount()
    for c in range(last):
        if header.sectionResizeMode(c) == QHeaderView.ResizeMode.Stretch:
            continue
        table.resizeColumnToContents(c)
        if table.columnWidth(c) > maximum:
            table.setColumnWidth(c, maximum)


def number(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, float):
        return f"{int(value):,}" if value.is_integer() else f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def percent(value: Any) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


def local_time(iso: str) -> str:
    """``2026-10-08T09:30:00+08:00`` → ``2026-10-08 09:30:00`` in this computer's zone."""
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def open_folder(path: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def show_written(parent: QWidget, title: str, text: str, path: Path) -> QMessageBox:
    """'File written' with an 打开文件夹 button; non-blocking, returned open."""
    box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok,
                      parent)
    box.setObjectName("fileWritten")
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    button = box.addButton(QCoreApplication.translate("FileWritten", "Open folder"),
                           QMessageBox.ButtonRole.ActionRole)
    button.setObjectName("openFolder")
    button.clicked.connect(lambda _checked=False: open_folder(path.parent))
    box.setDefaultButton(QMessageBox.StandardButton.Ok)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


# ------------------------------------------------------------------------ period chooser


class PeriodChooser(QWidget):
    """◀ [2026Q3（2026年第三季度）] ▶ over the periods of the configured type."""

    periodChanged = Signal(object)

    def __init__(self, register: Register, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.register = register
        self.period_type = ""
        self.previous_button = QToolButton(self)
        self.previous_button.setObjectName("periodPrevious")
        self.previous_button.setArrowType(Qt.ArrowType.LeftArrow)
        self.previous_button.setToolTip(self.tr("Previous period"))
        self.previous_button.clicked.connect(lambda: self.step(-1))
        self.combo = QComboBox(self)
        self.combo.setObjectName("periodCombo")
        self.combo.setMinimumContentsLength(22)
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.currentIndexChanged.connect(self._changed)
        self.next_button = QToolButton(self)
        self.next_button.setObjectName("periodNext")
        self.next_button.setArrowType(Qt.ArrowType.RightArrow)
        self.next_button.setToolTip(self.tr("Next period"))
        self.next_button.clicked.connect(lambda: self.step(1))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.previous_button)
        layout.addWidget(self.combo)
        layout.addWidget(self.next_button)
        self.reload()

    def reload(self, today: date | None = None) -> bool:
        """List the periods of the configured type; ``True`` when the type changed (the
        selection is then the default period again)."""
        kind = str(self.register.get("period_type"))
        if kind == self.period_type:
            return False
        self.period_type = kind
        today = today or date.today()
        current = Period.containing(today, kind)
        default = sub.default_period(self.register, today)
        with QSignalBlocker(self.combo):
            self.combo.clear()
            for p in reversed(current.last_n(PERIODS_SHOWN.get(kind, 20))):
                text = f"{p.code}（{p.words}）"
                if p == current:
                    text = self.tr("{period}, not over yet").format(period=text)
                self.combo.addItem(text, p.code)
            self.combo.setCurrentIndex(self.combo.findData(default.code))
        self._update_buttons()
        return True

    def period(self) -> Period:
        return Period.parse(self.combo.currentData())

    def set_period(self, period: Period) -> None:
        index = self.combo.findData(period.code)
        if index < 0:
            raise UserError(f"报告期 {period.code} 不在可选范围内")
        self.combo.setCurrentIndex(index)

    def step(self, direction: int) -> None:
        """-1: the previous period, 1: the next one (the list is newest first)."""
        index = self.combo.currentIndex() - direction
        if 0 <= index < self.combo.count():
            self.combo.setCurrentIndex(index)

    def _changed(self, _index: int) -> None:
        self._update_buttons()
        self.periodChanged.emit(self.period())

    def _update_buttons(self) -> None:
        index = self.combo.currentIndex()
        self.next_button.setEnabled(index > 0)
        self.previous_button.setEnabled(0 <= index < self.combo.count() - 1)


# ------------------------------------------------------------------------ the page slot


class SubmissionPage(QWidget):
    """The navigation's 报送 entry: the county page, or 汇总 on the city's register."""

    def __init__(self, register: Register, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.register = register
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.content: QWidget = self._build()
        self._layout.addWidget(self.content)

    def _build(self) -> QWidget:
        if self.register.is_city:
            from greencert_desktop.ui.pages.consolidation import ConsolidationPage

            return ConsolidationPage(self.register, self)
        return CountySubmissionPage(self.register, self)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        stale = isinstance(self.content, CountySubmissionPage) == self.register.is_city
        busy = getattr(self.content, "busy", lambda: False)()
        if stale and not busy:  # the unit setting changed since the page was built
            old = self.content
            self.content = self._build()
            self._layout.replaceWidget(old, self.content)
            old.deleteLater()


# ------------------------------------------------------------------------ the county page


class CountySubmissionPage(QWidget):
    """Period, what will be sent, who signs, where to; check, export, history, verify."""

    previewLoaded = Signal()
    checkFinished = Signal(int)
    exportFinished = Signal(str)  # the file written; "" when cancelled or failed

    def __init__(self, register: Register, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("countySubmission")
        self.register = register
        self.preview_data: dict[str, Any] | None = None
        self.problems: list[sub.RecordProblem] = []
        self.job: Job | None = None
        self._preview_job: Job | None = None
        self._preview_wanted: Period | None = None
        self._shown_once = False

        # ---- heading: title, period, verify
        self.period_chooser = PeriodChooser(register, self)
        self.period_chooser.setObjectName("periodChooser")
        self.period_chooser.periodChanged.connect(lambda _p: self.refresh_preview())
        self.unit_label = QLabel(self)
        self.unit_label.setObjectName("unitLabel")
        self.verify_button = QPushButton(self.tr("Verify files…"), self)
        self.verify_button.setObjectName("verifyButton")
        self.verify_button.setToolTip(self.tr(
            "Check submission workbooks: our format, untouched since export, every row valid"))
        self.verify_button.clicked.connect(lambda _checked=False: self.open_verify_dialog())
        heading = QHBoxLayout()
        heading.addWidget(page_title(self.tr("Submission"), self))
        heading.addSpacing(12)
        heading.addWidget(self.unit_label)
        heading.addStretch(1)
        heading.addWidget(self.verify_button)

        # ---- who signs and where the file goes
        form_box = QGroupBox(self.tr("Period, cover sheet and file"), self)
        form_box.setObjectName("submissionForm")
        grid = QGridLayout(form_box)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(6)
        period_label = QLabel(self.tr("Reporting period"), form_box)
        period_label.setBuddy(self.period_chooser.combo)
        period_row = QHBoxLayout()
        period_row.addWidget(self.period_chooser)
        period_row.addStretch(1)
        grid.addWidget(period_label, 0, 0)
        grid.addLayout(period_row, 0, 1, 1, 3)
        people = sub.remembered_people(register)
        self.people_edits: dict[str, QLineEdit] = {}
        captions = {"filler": self.tr("Filled in by"), "phone": self.tr("Telephone"),
                    "reviewer": self.tr("Reviewed by"), "head": self.tr("Head of unit")}
        for column, (key, caption) in enumerate(captions.items()):
            edit = QLineEdit(getattr(people, key), form_box)
            edit.setObjectName(key)
            edit.setMinimumWidth(90)
            edit.editingFinished.connect(self.save_people)
            label = QLabel(caption, form_box)
            label.setBuddy(edit)
            row, at = 1 + column // 2, (column % 2) * 2
            grid.addWidget(label, row, at)
            grid.addWidget(edit, row, at + 1)
            grid.setColumnStretch(at + 1, 1)
            self.people_edits[key] = edit
        self.folder_edit = QLineEdit(str(register.get("submission_folder") or ""), form_box)
        self.folder_edit.setObjectName("outputFolder")
        self.folder_edit.setPlaceholderText(self.tr("Choose the folder for the workbook"))
        self.folder_edit.editingFinished.connect(self.save_folder)
        self.folder_button = QPushButton(self.tr("Choose…"), form_box)
        self.folder_button.setObjectName("chooseFolder")
        self.folder_button.clicked.connect(lambda _checked=False: self.choose_folder())
        folder_label = QLabel(self.tr("Save in"), form_box)
        folder_label.setBuddy(self.folder_edit)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(self.folder_button)
        grid.addWidget(folder_label, 3, 0)
        grid.addLayout(folder_row, 3, 1, 1, 3)
        self.file_label = QLabel(form_box)
        self.file_label.setObjectName("fileName")
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.file_label.setStyleSheet(f"color: {MUTED};")
        grid.addWidget(self.file_label, 4, 1, 1, 3)

        # ---- actions
        self.check_button = QPushButton(self.tr("Check"), self)
        self.check_button.setObjectName("checkButton")
        self.check_button.setToolTip(self.tr(
            "List the records that would make the submission wrong"))
        self.check_button.clicked.connect(lambda _checked=False: self.run_check())
        self.export_button = QPushButton(self.tr("Export submission"), self)
        self.export_button.setObjectName("exportButton")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(lambda _checked=False: self.export())
        self.message = QLabel(self)
        self.message.setObjectName("submissionMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        actions = QHBoxLayout()
        actions.addWidget(self.check_button)
        actions.addWidget(self.export_button)
        actions.addSpacing(8)
        actions.addWidget(self.message, 1)

        # ---- tabs: contents, check, changes, history
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("submissionTabs")
        contents = QWidget(self.tabs)
        self.summary_label = QLabel(contents)
        self.summary_label.setObjectName("summaryLabel")
        self.summary_label.setWordWrap(True)
        self.indicators_table = make_table(contents, "indicatorsTable", [
            self.tr("Indicator"), self.tr("Unit of measure"), self.tr("New in period"),
            self.tr("Valid at period end"), self.tr("City target"), self.tr("Unit's quota"),
            self.tr("Completion")], stretch=0)
        self.types_table = make_table(contents, "typesTable", [
            self.tr("Certification type"), self.tr("New in period"), self.tr("Valid"),
            self.tr("Suspended"), self.tr("Revoked"), self.tr("Cancelled"),
            self.tr("Expired")], stretch=0)
        split = QSplitter(Qt.Orientation.Vertical, contents)
        split.setChildrenCollapsible(False)
        split.addWidget(self.indicators_table)
        split.addWidget(self.types_table)
        box = QVBoxLayout(contents)
        box.setContentsMargins(6, 6, 6, 6)
        box.addWidget(self.summary_label)
        box.addWidget(split, 1)
        self.tabs.addTab(contents, self.tr("What will be sent"))

        check_tab = QWidget(self.tabs)
        self.problems_table = make_table(check_tab, "problemsTable", [
            self.tr("Record type"), self.tr("Record"), self.tr("Field"), self.tr("Problem")],
            stretch=3)
        self.problems_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.problems_table.doubleClicked.connect(lambda index: self.open_problem(index.row()))
        self.check_label = QLabel(self.tr("Press Check to look for records that would make "
                                          "the submission wrong."), check_tab)
        self.check_label.setObjectName("checkLabel")
        self.check_label.setWordWrap(True)
        box = QVBoxLayout(check_tab)
        box.setContentsMargins(6, 6, 6, 6)
        box.addWidget(self.check_label)
        box.addWidget(self.problems_table, 1)
        self.check_tab_index = self.tabs.addTab(check_tab, self.tr("Check"))

        self.changes_table = make_table(self.tabs, "changesTable", [
            self.tr("Change"), self.tr("Object"), self.tr("Identifier"), self.tr("Name"),
            self.tr("Date"), self.tr("What changed")], stretch=5)
        self.changes_tab_index = self.tabs.addTab(self.changes_table, self.tr("Changes"))

        self.history_table = make_table(self.tabs, "historyTable", [
            self.tr("Period"), self.tr("Generated"), self.tr("Operator"), self.tr("File"),
            self.tr("Content hash"), self.tr("Organisations"), self.tr("Certificates"),
            self.tr("Changes"), self.tr("Subsidies"), self.tr("Cases")], stretch=3)
        self.history_tab_index = self.tabs.addTab(self.history_table, self.tr("History"))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.setSpacing(8)
        layout.addLayout(heading)
        layout.addWidget(form_box)
        layout.addLayout(actions)
        layout.addWidget(self.tabs, 1)

        self._show_unit()
        self.refresh_history()
        self.refresh_preview()

    # ------------------------------------------------------------------ state
    def period(self) -> Period:
        return self.period_chooser.period()

    def people(self) -> sub.People:
        return sub.People(**{k: e.text().strip() for k, e in self.people_edits.items()})

    def save_people(self) -> None:
        try:
            sub.remember_people(self.register, self.people())
        except UserError as error:
            self._say(error.message, BAD)

    def save_folder(self) -> None:
        folder = self.folder_edit.text().strip()
        try:
            if folder != str(self.register.get("submission_folder") or ""):
                self.register.set("submission_folder", folder)
        except UserError as error:
            self._say(error.message, BAD)

    def choose_folder(self) -> str:
        start = self.folder_edit.text().strip() or str(Path.home())
        folder = QFileDialog.getExistingDirectory(self, self.tr("Folder for the submission"),
                                                  start)
        if folder:
            self.folder_edit.setText(folder)
            self.save_folder()
        return folder

    def busy(self) -> bool:
        return self.job is not None and self.job.is_running()

    def _say(self, text: str, color: str = MUTED) -> None:
        self.message.setStyleSheet(f"color: {color};")
        self.message.setText(text)

    def _show_unit(self) -> None:
        try:
            unit = sub.resolve_unit(self.register)
        except UserError as error:
            self.unit_label.setText(self.tr("Unit not set"))
            self.unit_label.setToolTip(error.message)
            self.unit_label.setStyleSheet(f"color: {BAD};")
            return
        self.unit_label.setToolTip("")
        self.unit_label.setStyleSheet("")
        self.unit_label.setText(self.tr("Unit: {code} {name}").format(code=unit.code,
                                                                      name=unit.name))

    def _refresh_window(self) -> None:
        refresh = getattr(self.window(), "refresh_status", None)
        if callable(refresh):
            refresh()

    # ---------------------------------------------------------------- preview
    def refresh_preview(self) -> None:
        """Work out what the chosen period's submission holds (in the background)."""
        period = self.period()
        self._preview_wanted = period
        if self._preview_job is not None and self._preview_job.is_running():
            return  # the running one asks again when it ends
        self.summary_label.setText(self.tr("Counting…"))
        reg = self.register

        def work(_progress: Callable[[int, int], bool], _cancelled: Callable[[], bool]
                 ) -> tuple[Period, dict[str, Any]]:
            return period, sub.preview(reg, period)

        self._preview_job = run_job(self, work, title=self.tr("Submission"), label="",
                                    show_progress=False, show_errors=False,
                                    on_success=self._preview_done,
                                    on_failure=self._preview_failed)

    def _preview_done(self, outcome: tuple[Period, dict[str, Any]]) -> None:
        period, data = outcome
        if period != self._preview_wanted:
            self.refresh_preview()
            return
        self.preview_data = data
        c = data["counts"]
        self.summary_label.setText(self.tr(
            "{unit}, {words}: {organisations} organisations, {certificates} certificates and "
            "listings, {changes} changes in the period, {subsidies} subsidy records, {cases} "
            "inspections. Figures as of {as_of}.").format(
                unit=data["unit"]["name"], words=data["period"]["words"],
                organisations=number(c["organisations"]), certificates=number(c["certificates"]),
                changes=number(c["changes"]), subsidies=number(c["subsidies"]),
                cases=number(c["cases"]), as_of=data["as_of"]))
        fill_table(self.indicators_table, ([
            cell(i["name"]), cell(i["measure"]), cell(number(i["new"]), align_right=True),
            cell(number(i["count"]), align_right=True),
            cell(number(i["target"]), align_right=True),
            cell(number(i["quota"]), align_right=True),
            cell(percent(i["ratio"]), align_right=True,
                 color=None if i["ratio"] is None else (GOOD if i["ratio"] >= 1 else BAD)),
        ] for i in data["indicators"]))
        fill_table(self.types_table, ([cell(t["name"])] + [
            cell(number(t[k]), align_right=True)
            for k in ("new", "valid", "suspended", "revoked", "cancelled", "expired")]
            for t in data["types"]))
        fill_table(self.changes_table, ([
            cell(ch["kind"]), cell(ch["entity"]), cell(ch["key"]), cell(ch["name"]),
            cell(ch["date"].isoformat() if isinstance(ch["date"], date) else ch["date"]),
            cell(ch["content"], tooltip=str(ch["content"] or ""))] for ch in data["changes"]))
        for table in (self.indicators_table, self.types_table, self.changes_table):
            fit_columns(table)
        shown = len(data["changes"])
        self.tabs.setTabText(self.changes_tab_index, self.tr("Changes ({count})").format(
            count=number(c["changes"])) if shown == c["changes"] else self.tr(
            "Changes (first {shown} of {count})").format(shown=shown, count=number(c["changes"])))
        self.file_label.setText(self.tr("File name: {name}").format(name=data["file_name"]))
        self.previewLoaded.emit()

    def _preview_failed(self, error: BaseException) -> None:
        if not isinstance(error, UserError):
            show_error(self, self.tr("Submission"), error)
            return
        self.summary_label.setText(error.message)
        self.previewLoaded.emit()

    # ------------------------------------------------------------------ check
    def run_check(self) -> Job | None:
        if self.busy():
            return None
        reg = self.register

        def work(_progress: Callable[[int, int], bool], _cancelled: Callable[[], bool]
                 ) -> list[sub.RecordProblem]:
            return sub.check_before_export(reg, limit=CHECK_LIMIT)

        self.job = run_job(self, work, title=self.tr("Check"),
                           label=self.tr("Checking every record against the data-entry rules…"),
                           on_success=self.show_problems,
                           on_cancel=lambda: self.checkFinished.emit(-1),
                           on_failure=lambda _e: self.checkFinished.emit(-1))
        return self.job

    def show_problems(self, problems: list[sub.RecordProblem]) -> None:
        self.problems = list(problems)
        kinds = {"organisation": self.tr("Organisation"), "certificate": self.tr("Certificate"),
                 "subsidy": self.tr("Subsidy"), "case": self.tr("Inspection")}
        fill_table(self.problems_table, ([
            cell(kinds.get(p.entity, p.entity), data=(p.entity, p.record_id)),
            cell(p.label), cell(sub.FIELD_LABELS.get(p.field, p.field)),
            cell(p.message, tooltip=p.message)] for p in self.problems))
        fit_columns(self.problems_table, 420)
        count = len(self.problems)
        if count:
            more = self.tr(" (only the first {limit} are listed)").format(limit=CHECK_LIMIT) \
                if count >= CHECK_LIMIT else ""
            text = self.tr("{count} problems would make the submission wrong{more}. "
                           "Double-click a row to open the record.").format(count=count,
                                                                            more=more)
            self.check_label.setStyleSheet(f"color: {BAD};")
            self._say(text, BAD)
            self.tabs.setTabText(self.check_tab_index, self.tr("Check ({count})").format(
                count=count))
        else:
            text = self.tr("No problems found: every record follows the data-entry rules.")
            self.check_label.setStyleSheet(f"color: {GOOD};")
            self._say(text, GOOD)
            self.tabs.setTabText(self.check_tab_index, self.tr("Check"))
        self.check_label.setText(text)
        self.problems_table.setVisible(bool(count))
        self.tabs.setCurrentIndex(self.check_tab_index)
        self.checkFinished.emit(count)

    def open_problem(self, row: int) -> Any:
        """Open the form of the record in ``row`` of the check list; check again if saved."""
        item = self.problems_table.item(row, 0)
        if item is None:
            return None
        entity, record_id = item.data(Qt.ItemDataRole.UserRole)
        from greencert_desktop.ui import forms

        openers: dict[str, Callable[..., Any]] = {
            "organisation": forms.edit_organisation, "certificate": forms.edit_certificate,
            "subsidy": forms.edit_subsidy, "case": forms.edit_case}
        saved = openers[entity](self, self.register, record_id)
        if saved:
            self._refresh_window()
            self.run_check()
            self.refresh_preview()
        return saved

    # ----------------------------------------------------------------- export
    def export(self, folder: str | None = None) -> Job | None:
        """Export the chosen period's workbook into the folder (asked for when empty)."""
        if self.busy():
            return None
        folder = folder or self.folder_edit.text().strip() or self.choose_folder()
        if not folder:
            return None
        if folder != self.folder_edit.text().strip():
            self.folder_edit.setText(folder)
        if not Path(folder).is_dir():
            self._say(self.tr("The folder does not exist: {folder}").format(folder=folder), BAD)
            return None
        self.save_folder()
        self.save_people()
        people = self.people()
        period = self.period()
        reg = self.register
        if self.preview_data is not None and self.preview_data["period"]["code"] == period.code:
            target = Path(folder) / self.preview_data["file_name"]
            if target.exists() and QMessageBox.question(
                    self, self.tr("Export submission"),
                    self.tr("{name} already exists in this folder. Replace it?").format(
                        name=target.name)) != QMessageBox.StandardButton.Yes:
                return None

        def work(progress: Callable[[int, int], bool], cancelled: Callable[[], bool]
                 ) -> sub.ExportResult:
            return sub.export_submission(reg, folder, period=period, people=people,
                                         progress=progress, cancel=cancelled)

        self._say(self.tr("Exporting…"))
        self.job = run_job(self, work, title=self.tr("Export submission"),
                           label=self.tr("Writing the submission workbook for {period}…").format(
                               period=period.code),
                           on_success=self._exported, on_failure=self._export_failed,
                           on_cancel=self._export_cancelled, show_errors=False)
        return self.job

    def _exported(self, result: sub.ExportResult) -> None:
        self._say(self.tr("Exported {file}").format(file=result.path), GOOD)
        self.refresh_history()
        self._refresh_window()
        counts = result.counts
        show_written(self, self.tr("Export submission"), self.tr(
            "The submission workbook for {period} was written:\n{path}\n\n"
            "{organisations} organisations, {certificates} certificates and listings, "
            "{changes} changes.\nContent hash: {hash}").format(
                period=result.period, path=result.path,
                organisations=number(counts.get("organisations", 0)),
                certificates=number(counts.get("certificates", 0)),
                changes=number(counts.get("changes", 0)), hash=result.content_sha256),
            result.path)
        self.exportFinished.emit(str(result.path))

    def _export_failed(self, error: BaseException) -> None:
        if isinstance(error, sub.ExportBlocked):
            self.show_problems(error.problems)
        if isinstance(error, UserError):
            self._say(error.message, BAD)
        show_error(self, self.tr("Export submission"), error)
        self.exportFinished.emit("")

    def _export_cancelled(self) -> None:
        self._say(self.tr("Export cancelled; no file was written."))
        self.exportFinished.emit("")

    # ---------------------------------------------------------------- history
    def refresh_history(self) -> None:
        rows = sub.submission_history(self.register, direction="export")
        fill_table(self.history_table, ([
            cell(r["period"]), cell(local_time(r["generated_at"])), cell(r["operator"]),
            cell(r["file_name"], tooltip=r["file_name"]),
            cell(r["sha256"][:16] + "…", tooltip=r["sha256"], data=r["sha256"]),
            *(cell(number(r["counts"].get(k, 0)), align_right=True)
              for k in ("organisations", "certificates", "changes", "subsidies", "cases")),
        ] for r in rows))
        fit_columns(self.history_table)
        self.tabs.setTabText(self.history_tab_index, self.tr("History ({count})").format(
            count=len(rows)))

    # ----------------------------------------------------------------- verify
    def open_verify_dialog(self, *, ask: bool = True) -> QWidget:
        from greencert_desktop.ui.verify_dialog import open_verify_dialog

        return open_verify_dialog(self, self.register, ask=ask)

    # ----------------------------------------------------------------- events
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._shown_once and not self.busy():
            # settings or records may have changed on another page meanwhile
            self.period_chooser.reload()
            self._show_unit()
            QTimer.singleShot(0, self.refresh_preview)
        self._shown_once = True
