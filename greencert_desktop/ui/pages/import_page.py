"""导入: a wizard that brings the clerk's own spreadsheets (台账) into the register.

Steps: pick the file → choose sheets → header row (found automatically, adjustable) and the
column mapping (automatic, each editable) → values the program does not recognise, mapped to
catalogue entries (remembered after a successful import) → dry run with every row's outcome
and the totals, the errors exportable as xlsx → import, in the background with progress and
Cancel. All the work is done by :mod:`greencert_desktop.services.importer`; reading and
checking run through :mod:`greencert_desktop.ui.jobs`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSettings, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from greencert_desktop.domain.errors import UserError
from greencert_desktop.domain.status import CertStatus
from greencert_desktop.excel.ledger_reader import column_letter
from greencert_desktop.services import importer, lookups
from greencert_desktop.services.register import Register
from greencert_desktop.ui.jobs import Job, run_job
from greencert_desktop.ui.widgets import page_title

UI_SETTINGS_FILE = "ui.ini"
FILE_STEP, SHEETS_STEP, COLUMNS_STEP, VALUES_STEP, DRY_RUN_STEP, DONE_STEP = range(6)
GOOD, BAD, MUTED, WARN = "#1b5e20", "#b00020", "#666666", "#a04b00"
OUTCOME_COLOURS = {importer.NEW: "#e8f5e9", importer.UPDATE: "#e3f2fd",
                   importer.DUPLICATE: "#f5f5f5", importer.ERROR: "#ffebee"}



def _note(text: str, parent: QWidget, name: str = "") -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if name:
        label.setObjectName(name)
    return label


_ROOT = QModelIndex()


class RowsModel(QAbstractTableModel):
    """The dry run's rows (any number) with an outcome filter."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._all: list[importer.RowResult] = []
        self._rows: list[importer.RowResult] = []
        self._headers = [self.tr("Sheet"), self.tr("Row"), self.tr("Outcome"),
                         self.tr("Organisation"), self.tr("Credit code"), self.tr("Type"),
                         self.tr("Certificate number"), self.tr("Details")]

    def set_rows(self, rows: list[importer.RowResult], outcome: str = "") -> None:
        self.beginResetModel()
        self._all = rows
        self._rows = [r for r in rows if r.outcome == outcome] if outcome else list(rows)
        self.endResetModel()

    def filter(self, outcome: str) -> None:
        self.set_rows(self._all, outcome)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._headers[section]
        return None

    def row(self, index: int) -> importer.RowResult:
        return self._rows[index]

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            column = index.column()
            if column == 7:
                return "；".join(
                    (f"{e.column}列：" if e.column else "") + e.message for e in r.errors) \
                    or r.detail
            return (r.sheet, r.row, r.label, r.org_name, r.credit_code, r.cert_type, r.number)[
                column]
        if role == Qt.ItemDataRole.BackgroundRole and r.outcome in OUTCOME_COLOURS:
            return QBrush(QColor(OUTCOME_COLOURS[r.outcome]))
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 7:
            return "\n".join(e.describe() for e in r.errors) or r.detail
        return None


class ImportPage(QWidget):
    """The 导入 page."""

    def __init__(self, register: Register, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.register = register
        self.setup: importer.LedgerSetup | None = None
        self.report: importer.ImportReport | None = None
        self.mappings = importer.ValueMappings()
        self.job: Job | None = None
        self.last_result: importer.ImportReport | None = None

        self.step_label = QLabel(self)
        self.step_label.setObjectName("importStep")
        self.stack = QStackedWidget(self)
        self.stack.setObjectName("importSteps")
        for build in (self._file_step, self._sheets_step, self._columns_step,
                      self._values_step, self._dry_run_step, self._done_step):
            self.stack.addWidget(build())

        self.back_button = QPushButton(self.tr("< &Back"), self)
        self.back_button.setObjectName("importBack")
        self.back_button.clicked.connect(self.back)
        self.next_button = QPushButton(self.tr("&Next >"), self)
        self.next_button.setObjectName("importNext")
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self.next)
        self.restart_button = QPushButton(self.tr("Start &over"), self)
        self.restart_button.setObjectName("importRestart")
        self.restart_button.clicked.connect(self.restart)
        buttons = QHBoxLayout()
        buttons.addWidget(self.restart_button)
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.addWidget(page_title(self.tr("Import"), self))
        layout.addWidget(self.step_label)
        layout.addWidget(self.stack, 1)
        layout.addLayout(buttons)
        self.go(FILE_STEP)

    # ------------------------------------------------------------ step widgets
    def step_titles(self) -> list[str]:
        return [self.tr("Step 1 of 5: choose the spreadsheet"),
                self.tr("Step 2 of 5: choose the sheets"),
                self.tr("Step 3 of 5: header row and columns"),
                self.tr("Step 4 of 5: values the program does not recognise"),
                self.tr("Step 5 of 5: dry run — nothing has been written yet"),
                self.tr("Finished")]

    def _file_step(self) -> QWidget:
        w = QWidget(self)
        layout = QVBoxLayout(w)
        layout.addWidget(_note(self.tr(
            "Choose the Excel or WPS file in which you have kept your register so far "
            "(.xlsx, .xls or .ods). Title rows, merged cells, blank rows and total rows are "
            "fine; several sheets can be imported at once. Nothing is written until you "
            "confirm the dry run, and a backup is taken first."), w))
        row = QHBoxLayout()
        self.choose_button = QPushButton(self.tr("&Choose file…"), w)
        self.choose_button.setObjectName("importChooseFile")
        self.choose_button.clicked.connect(self.choose_file)
        self.file_label = _note(self.tr("No file chosen."), w, "importFile")
        row.addWidget(self.choose_button)
        row.addWidget(self.file_label, 1)
        layout.addLayout(row)
        self.file_message = _note("", w, "importFileMessage")
        layout.addWidget(self.file_message)
        layout.addStretch(1)
        return w

    def _sheets_step(self) -> QWidget:
        w = QWidget(self)
        layout = QVBoxLayout(w)
        layout.addWidget(_note(self.tr(
            "Tick the sheets to import. Sheets whose header row was not found, and hidden "
            "sheets, are not ticked."), w))
        self.sheet_list = QListWidget(w)
        self.sheet_list.setObjectName("importSheets")
        layout.addWidget(self.sheet_list, 1)
        return w

    def _columns_step(self) -> QWidget:
        w = QWidget(self)
        layout = QVBoxLayout(w)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Sheet:"), w))
        self.sheet_combo = QComboBox(w)
        self.sheet_combo.setObjectName("importSheetCombo")
        self.sheet_combo.currentIndexChanged.connect(self._show_sheet)
        top.addWidget(self.sheet_combo, 1)
        top.addWidget(QLabel(self.tr("Header row:"), w))
        self.header_spin = QSpinBox(w)
        self.header_spin.setObjectName("importHeaderRow")
        self.header_spin.setRange(1, 20)
        self.header_spin.valueChanged.connect(self._header_changed)
        top.addWidget(self.header_spin)
        layout.addLayout(top)
        self.columns_message = _note("", w, "importColumnsMessage")
        layout.addWidget(self.columns_message)
        splitter = QSplitter(Qt.Orientation.Vertical, w)
        self.preview = QTableWidget(splitter)
        self.preview.setObjectName("importPreview")
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.mapping_table = QTableWidget(splitter)
        self.mapping_table.setObjectName("importMapping")
        self.mapping_table.setColumnCount(3)
        self.mapping_table.setHorizontalHeaderLabels(
            [self.tr("Column"), self.tr("Header in the file"), self.tr("Imported as")])
        self.mapping_table.horizontalHeader().setSectionResizeMode(
            2, QHeaderView.ResizeMode.Stretch)
        self.mapping_table.verticalHeader().hide()
        splitter.addWidget(self.preview)
        splitter.addWidget(self.mapping_table)
        splitter.setSizes([220, 300])
        layout.addWidget(splitter, 1)
        return w

    def _values_step(self) -> QWidget:
        w = QWidget(self)
        layout = QVBoxLayout(w)
        self.values_message = _note("", w, "importValuesMessage")
        layout.addWidget(self.values_message)
        self.values_table = QTableWidget(w)
        self.values_table.setObjectName("importValues")
        self.values_table.setColumnCount(4)
        self.values_table.setHorizontalHeaderLabels(
            [self.tr("Kind"), self.tr("Value in the file"), self.tr("Rows"),
             self.tr("Means")])
        self.values_table.horizontalHeader().setSectionResizeMode(
            3, QHeaderView.ResizeMode.Stretch)
        self.values_table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents)
        self.values_table.verticalHeader().hide()
        layout.addWidget(self.values_table, 1)
        return w

    def _dry_run_step(self) -> QWidget:
        w = QWidget(self)
        layout = QVBoxLayout(w)
        self.totals_label = _note("", w, "importTotals")
        layout.addWidget(self.totals_label)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Show:"), w))
        self.outcome_filter = QComboBox(w)
        self.outcome_filter.setObjectName("importOutcomeFilter")
        self.outcome_filter.addItem(self.tr("All rows"), "")
        for outcome, label in self.outcome_labels().items():
            self.outcome_filter.addItem(label, outcome)
        self.outcome_filter.currentIndexChanged.connect(
            lambda _i: self.rows_model.filter(self.outcome_filter.currentData() or ""))
        bar.addWidget(self.outcome_filter)
        bar.addStretch(1)
        self.export_errors_button = QPushButton(self.tr("&Export errors…"), w)
        self.export_errors_button.setObjectName("importExportErrors")
        self.export_errors_button.clicked.connect(self.export_errors)
        bar.addWidget(self.export_errors_button)
        layout.addLayout(bar)
        self.rows_model = RowsModel(w)
        self.rows_view = QTableView(w)
        self.rows_view.setObjectName("importRows")
        self.rows_view.setModel(self.rows_model)
        self.rows_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.rows_view.verticalHeader().hide()
        self.rows_view.horizontalHeader().setStretchLastSection(True)
        self.rows_view.setWordWrap(False)
        layout.addWidget(self.rows_view, 1)
        self.row_detail = _note("", w, "importRowDetail")
        self.rows_view.selectionModel().currentRowChanged.connect(self._show_row_detail)
        layout.addWidget(self.row_detail)
        self.skip_errors = QCheckBox(self.tr("Import the correct rows and leave out the rows "
                                             "in error"), w)
        self.skip_errors.setObjectName("importSkipErrors")
        self.skip_errors.toggled.connect(lambda _c: self._update_buttons())
        layout.addWidget(self.skip_errors)
        self.notes_label = _note("", w, "importNotes")
        self.notes_label.setStyleSheet(f"color: {MUTED};")
        layout.addWidget(self.notes_label)
        return w

    def _done_step(self) -> QWidget:
        w = QWidget(self)
        layout = QVBoxLayout(w)
        self.done_label = _note("", w, "importDone")
        layout.addWidget(self.done_label)
        layout.addStretch(1)
        return w

    def outcome_labels(self) -> dict[str, str]:
        return {importer.NEW: self.tr("New"), importer.UPDATE: self.tr("Update"),
                importer.UNCHANGED: self.tr("Unchanged"),
                importer.DUPLICATE: self.tr("Duplicate row"), importer.ERROR: self.tr("Error")}

    # ------------------------------------------------------------ navigation
    def current_step(self) -> int:
        return self.stack.currentIndex()

    def go(self, step: int) -> None:
        self.stack.setCurrentIndex(step)
        self.step_label.setText(self.step_titles()[step])
        self._update_buttons()

    def _update_buttons(self) -> None:
        step = self.current_step()
        busy = self.job is not None and self.job.is_running()
        self.back_button.setEnabled(not busy and step not in (FILE_STEP, DONE_STEP))
        self.restart_button.setVisible(step != FILE_STEP)
        self.restart_button.setEnabled(not busy)
        if step == DRY_RUN_STEP:
            self.next_button.setText(self.tr("&Import"))
            report = self.report
            can = report is not None and bool(report.rows) and (
                report.ok or self.skip_errors.isChecked())
            self.next_button.setEnabled(not busy and can)
        elif step == DONE_STEP:
            self.next_button.setText(self.tr("Import &another file"))
            self.next_button.setEnabled(True)
        else:
            self.next_button.setText(self.tr("&Next >"))
            self.next_button.setEnabled(not busy and (step != FILE_STEP or self.setup is not None))

    def back(self) -> None:
        step = self.current_step()
        if step == DRY_RUN_STEP and not self._has_unknown():
            self.go(COLUMNS_STEP)
        elif step > FILE_STEP:
            self.go(step - 1)

    def next(self) -> None:
        step = self.current_step()
        if step == FILE_STEP:
            self._fill_sheets()
            self.go(SHEETS_STEP)
        elif step == SHEETS_STEP:
            if self._apply_sheets():
                self._fill_columns()
                self.go(COLUMNS_STEP)
        elif step == COLUMNS_STEP:
            if self._check_columns():
                self.analyse(then=self._after_scan)
        elif step == VALUES_STEP:
            self._read_value_mappings()
            self.analyse(then=self._show_dry_run)
        elif step == DRY_RUN_STEP:
            self.commit()
        elif step == DONE_STEP:
            self.restart()

    def restart(self) -> None:
        self.setup = None
        self.report = None
        self.mappings = importer.ValueMappings()
        self.file_label.setText(self.tr("No file chosen."))
        self.file_message.clear()
        self.skip_errors.setChecked(False)
        self.rows_model.set_rows([])
        self.go(FILE_STEP)

    # ------------------------------------------------------------ step 1: file
    def _settings(self) -> QSettings:
        return QSettings(str(self.register.home.root / UI_SETTINGS_FILE),
                         QSettings.Format.IniFormat)

    def choose_file(self) -> None:
        start = str(self._settings().value("import/dir", str(Path.home())))
        name, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Choose the register spreadsheet"), start,
            self.tr("Spreadsheets (*.xlsx *.xls *.ods);;All files (*)"))
        if name:
            self._settings().setValue("import/dir", str(Path(name).parent))
            self.open_file(Path(name))

    def open_file(self, path: Path) -> None:
        """Read the file in the background and, when it is readable, go to the sheets."""
        self.file_label.setText(str(path))
        self.file_message.clear()
        self.setup = None

        def work(_progress: Any, _cancelled: Any) -> importer.LedgerSetup:
            return importer.inspect_ledger(path)

        def opened(setup: importer.LedgerSetup) -> None:
            self.setup = setup
            self.mappings = importer.ValueMappings()
            self._say(self.file_message, self.tr("{sheets} sheet(s) found.").format(
                sheets=len(setup.sheets)))
            self._fill_sheets()
            self.go(SHEETS_STEP)

        def refused(error: BaseException) -> None:
            message = getattr(error, "message", str(error))
            self._say(self.file_message, self.tr("This file cannot be imported: {reason}")
                      .format(reason=message), error=True)

        self._start(work, self.tr("Reading the file…"), opened, refused)

    # ------------------------------------------------------------ step 2: sheets
    def _fill_sheets(self) -> None:
        self.sheet_list.clear()
        if self.setup is None:
            return
        for sheet in self.setup.sheets:
            if sheet.header_row is None:
                text = self.tr("{name} — no header row found").format(name=sheet.name)
            else:
                text = self.tr("{name} — header in row {row}, {count} column(s) recognised") \
                    .format(name=sheet.name, row=sheet.header_row, count=len(sheet.columns))
            if not sheet.visible:
                text += self.tr(" (hidden sheet)")
            item = QListWidgetItem(text, self.sheet_list)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if sheet.selected
                               else Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.UserRole, sheet.name)

    def _apply_sheets(self) -> bool:
        assert self.setup is not None
        chosen = []
        for i in range(self.sheet_list.count()):
            item = self.sheet_list.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                chosen.append(item.data(Qt.ItemDataRole.UserRole))
        if not chosen:
            QMessageBox.information(self, self.tr("Import"),
                                    self.tr("Tick at least one sheet to import."))
            return False
        for sheet in self.setup.sheets:
            sheet.selected = sheet.name in chosen
            if sheet.selected and sheet.header_row is None:
                sheet.set_header_row(1)
        return True

    # ------------------------------------------------------------ step 3: columns
    def field_labels(self) -> dict[str, str]:
        return {
            "org_name": self.tr("Organisation name"),
            "credit_code": self.tr("Unified social credit code"),
            "unit": self.tr("Unit (district/county)"),
            "address": self.tr("Address"),
            "contact": self.tr("Contact person"),
            "phone": self.tr("Contact phone"),
            "cert_type": self.tr("Certification type"),
            "number": self.tr("Certificate number"),
            "body": self.tr("Certification body"),
            "approval": self.tr("Body approval number"),
            "issue_date": self.tr("Issue date"),
            "expiry_date": self.tr("Expiry date"),
            "validity": self.tr("Validity (from–to in one cell)"),
            "status": self.tr("Certificate status"),
            "first_issue_date": self.tr("First issue date"),
            "scope": self.tr("Scope"),
            "basis": self.tr("Basis (standard)"),
            "batch_year": self.tr("Batch year (lists)"),
            "notes": self.tr("Notes"),
        }

    def _fill_columns(self) -> None:
        assert self.setup is not None
        self.sheet_combo.blockSignals(True)
        self.sheet_combo.clear()
        for sheet in self.setup.selected:
            self.sheet_combo.addItem(sheet.name, sheet.name)
        self.sheet_combo.blockSignals(False)
        self._show_sheet()

    def current_sheet(self) -> importer.SheetSetup | None:
        if self.setup is None or self.sheet_combo.currentIndex() < 0:
            return None
        return self.setup.sheet(self.sheet_combo.currentData())

    def _show_sheet(self, *_args: Any) -> None:
        sheet = self.current_sheet()
        if sheet is None:
            return
        self.header_spin.blockSignals(True)
        self.header_spin.setRange(1, max(1, len(sheet.preview)))
        self.header_spin.setValue(sheet.header_row or 1)
        self.header_spin.blockSignals(False)
        self._fill_preview(sheet)
        self._fill_mapping(sheet)

    def _header_changed(self, row: int) -> None:
        sheet = self.current_sheet()
        if sheet is None:
            return
        sheet.set_header_row(row)
        self._fill_preview(sheet)
        self._fill_mapping(sheet)

    def _fill_preview(self, sheet: importer.SheetSetup) -> None:
        rows = sheet.preview
        width = max((len(r) for r in rows), default=0)
        self.preview.clear()
        self.preview.setRowCount(len(rows))
        self.preview.setColumnCount(width)
        self.preview.setHorizontalHeaderLabels([column_letter(i) for i in range(width)])
        self.preview.setVerticalHeaderLabels([str(i + 1) for i in range(len(rows))])
        highlight = QBrush(QColor("#fff3c4"))
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                item = QTableWidgetItem(importer.cell_text(value))
                if sheet.header_row == r + 1:
                    item.setBackground(highlight)
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.preview.setItem(r, c, item)
        self.preview.resizeColumnsToContents()
        for c in range(width):
            self.preview.setColumnWidth(c, min(self.preview.columnWidth(c), 220))
        if sheet.header_row:
            self.preview.scrollToItem(self.preview.item(sheet.header_row - 1, 0)
                                      or QTableWidgetItem())

    def _fill_mapping(self, sheet: importer.SheetSetup) -> None:
        labels = self.field_labels()
        by_column = {col: key for key, col in sheet.columns.items()}
        self.mapping_table.setRowCount(len(sheet.headers))
        for col, header in enumerate(sheet.headers):
            letter = QTableWidgetItem(column_letter(col))
            letter.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.mapping_table.setItem(col, 0, letter)
            text = QTableWidgetItem(header)
            text.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.mapping_table.setItem(col, 1, text)
            combo = QComboBox(self.mapping_table)
            combo.setObjectName(f"importMap_{col}")
            combo.addItem(self.tr("(not imported)"), "")
            for key, label in labels.items():
                combo.addItem(label, key)
            index = combo.findData(by_column.get(col, ""))
            combo.setCurrentIndex(max(index, 0))
            combo.currentIndexChanged.connect(
                lambda _i, c=col, box=combo: self._mapping_changed(c, box.currentData()))
            self.mapping_table.setCellWidget(col, 2, combo)
        self.mapping_table.resizeColumnToContents(0)
        self.mapping_table.resizeColumnToContents(1)
        self._show_missing(sheet)

    def set_column_field(self, column: int, key: str) -> None:
        """Map ``column`` of the current sheet to ``key`` ("" = not imported)."""
        combo = self.mapping_table.cellWidget(column, 2)
        assert isinstance(combo, QComboBox)
        combo.setCurrentIndex(max(combo.findData(key), 0))

    def _mapping_changed(self, column: int, key: str) -> None:
        sheet = self.current_sheet()
        if sheet is None:
            return
        for k, c in list(sheet.columns.items()):
            if c == column or (key and k == key):
                del sheet.columns[k]
                if k == key and c != column:
                    other = self.mapping_table.cellWidget(c, 2)
                    if isinstance(other, QComboBox):
                        other.blockSignals(True)
                        other.setCurrentIndex(0)
                        other.blockSignals(False)
        if key:
            sheet.columns[key] = column
        self._show_missing(sheet)

    def _show_missing(self, sheet: importer.SheetSetup) -> None:
        missing = sheet.missing()
        if missing:
            self._say(self.columns_message, self.tr(
                "Required columns not chosen yet: {columns}. Pick them in the \"Imported as\" "
                "list.").format(columns="、".join(missing)), error=True)
        else:
            self._say(self.columns_message, self.tr(
                "The header row is highlighted. Check how each column is imported; change "
                "any that is wrong."))

    def _check_columns(self) -> bool:
        assert self.setup is not None
        for sheet in self.setup.selected:
            if sheet.missing():
                self.sheet_combo.setCurrentIndex(self.sheet_combo.findData(sheet.name))
                return False
        return True

    # ------------------------------------------------------------ step 4: values
    def _has_unknown(self) -> bool:
        r = self.report
        return r is not None and bool(r.unknown_types or r.unknown_statuses or r.new_bodies)

    def _after_scan(self, report: importer.ImportReport) -> None:
        if report.unknown_types or report.unknown_statuses or report.new_bodies:
            self._fill_values(report)
            self.go(VALUES_STEP)
        else:
            self._show_dry_run(report)

    def _fill_values(self, report: importer.ImportReport) -> None:
        remembered = importer.load_mappings(self.register).merged(self.mappings)
        types = [(t.code, t.name) for t in self.register.reference.catalogue]
        statuses = [(s.value, f"{s.value} {s.label}") for s in CertStatus]
        bodies = lookups.body_choices(self.register)
        entries: list[tuple[str, str, int]] = (
            [("types", text, n) for text, n in sorted(report.unknown_types.items())]
            + [("statuses", text, n) for text, n in sorted(report.unknown_statuses.items())]
            + [("bodies", text, n) for text, n in sorted(report.new_bodies.items())])
        kinds = {"types": self.tr("Certification type"), "statuses": self.tr("Status"),
                 "bodies": self.tr("Certification body")}
        self.values_table.setRowCount(len(entries))
        for row, (kind, text, count) in enumerate(entries):
            for col, value in enumerate((kinds[kind], text, str(count))):
                item = QTableWidgetItem(value)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                item.setData(Qt.ItemDataRole.UserRole, (kind, text))
                self.values_table.setItem(row, col, item)
            combo = QComboBox(self.values_table)
            combo.setObjectName(f"importValue_{row}")
            if kind == "bodies":
                combo.addItem(self.tr("Register as a new certification body"), None)
                for body in bodies:
                    combo.addItem(body.label, body.id)
                current = remembered.bodies.get(importer.match_key(text))
            else:
                combo.addItem(self.tr("(choose…) — rows stay in error"), None)
                for code, label in (types if kind == "types" else statuses):
                    combo.addItem(label, code)
                current = getattr(remembered, kind).get(importer.match_key(text))
            if current is not None:
                combo.setCurrentIndex(max(combo.findData(current), 0))
            self.values_table.setCellWidget(row, 3, combo)
        self.values_table.resizeColumnsToContents()
        self.values_table.horizontalHeader().setSectionResizeMode(
            3, QHeaderView.ResizeMode.Stretch)
        self._say(self.values_message, self.tr(
            "These values were not recognised. Say what each one means; your choices are "
            "remembered for the next import. Certification bodies not yet in the register "
            "are registered as new ones unless you pick a known one."))

    def set_value_mapping(self, kind: str, text: str, target: Any) -> None:
        """Choose what an unrecognised value means (as the combo box would)."""
        for row in range(self.values_table.rowCount()):
            if self.values_table.item(row, 0).data(Qt.ItemDataRole.UserRole) == (kind, text):
                combo = self.values_table.cellWidget(row, 3)
                assert isinstance(combo, QComboBox)
                combo.setCurrentIndex(max(combo.findData(target), 0))
                return
        raise KeyError((kind, text))

    def _read_value_mappings(self) -> None:
        for row in range(self.values_table.rowCount()):
            kind, text = self.values_table.item(row, 0).data(Qt.ItemDataRole.UserRole)
            combo = self.values_table.cellWidget(row, 3)
            assert isinstance(combo, QComboBox)
            self.mappings.set(kind, text, combo.currentData())

    # ------------------------------------------------------------ step 5: dry run
    def analyse(self, then: Any) -> None:
        assert self.setup is not None
        setup, mappings = self.setup, self.mappings

        def work(progress: Any, cancelled: Any) -> importer.ImportReport:
            return importer.analyse(self.register, setup, mappings,
                                    progress=lambda _s, d, t: progress(d, t),
                                    cancel=cancelled)

        def done(report: importer.ImportReport) -> None:
            self.report = report
            then(report)

        self._start(work, self.tr("Checking every row…"), done)

    def _show_dry_run(self, report: importer.ImportReport) -> None:
        self.report = report
        totals = report.totals()
        labels = self.outcome_labels()
        parts = [f"{labels[o]} {totals[o]:,}" for o in importer.OUTCOMES]
        text = self.tr("{rows} row(s): {parts}.").format(rows=f"{len(report.rows):,}",
                                                         parts="，".join(parts))
        if report.rows and report.ok:
            text += " " + self.tr("No row is in error: press Import to write them.")
            self._say(self.totals_label, text)
        elif report.rows:
            text += " " + self.tr("Rows in error are not imported. Correct the file and start "
                                  "over, or tick the box below to import the other rows.")
            self._say(self.totals_label, text, error=True)
        else:
            self._say(self.totals_label, self.tr("No data rows were found under the header."),
                      error=True)
        self.rows_model.set_rows(report.rows, self.outcome_filter.currentData() or "")
        self.row_detail.clear()
        self.rows_view.resizeColumnsToContents()
        for col in range(self.rows_model.columnCount() - 1):
            self.rows_view.setColumnWidth(col, min(self.rows_view.columnWidth(col), 260))
        self.export_errors_button.setEnabled(bool(report.errors))
        self.skip_errors.setVisible(not report.ok)
        self.notes_label.setText("\n".join(report.notes))
        self.go(DRY_RUN_STEP)

    def _show_row_detail(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            self.row_detail.clear()
            return
        r = self.rows_model.row(current.row())
        text = "\n".join(e.describe() for e in r.errors) or r.detail
        self._say(self.row_detail, text, error=bool(r.errors))

    def export_errors(self) -> Path | None:
        if self.report is None or self.setup is None:
            return None
        start = Path(str(self._settings().value("import/dir", str(Path.home()))))
        name, _f = QFileDialog.getSaveFileName(
            self, self.tr("Save the error list"),
            str(start / f"{self.setup.path.stem}-导入错误.xlsx"),
            self.tr("Excel workbook (*.xlsx)"))
        if not name:
            return None
        return self.export_errors_to(Path(name))

    def export_errors_to(self, path: Path) -> Path | None:
        if self.report is None:
            return None
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        try:
            importer.write_error_report(self.register, self.report, path)
        except (OSError, UserError) as exc:
            QMessageBox.warning(self, self.tr("Export errors"),
                                getattr(exc, "message", None) or str(exc))
            return None
        self._say(self.notes_label, self.tr("Error list saved to {path}").format(path=path))
        return path

    # ------------------------------------------------------------ commit
    def commit(self) -> None:
        assert self.setup is not None
        setup, mappings, skip = self.setup, self.mappings, self.skip_errors.isChecked()

        def work(progress: Any, cancelled: Any) -> importer.ImportReport:
            return importer.run_import(self.register, setup, mappings, skip_errors=skip,
                                       progress=lambda _s, d, t: progress(d, t),
                                       cancel=cancelled)

        def done(report: importer.ImportReport) -> None:
            self.last_result = report
            if not report.written:
                self._show_dry_run(report)
                return
            counts = report.created_records
            text = self.tr(
                "Imported. New organisations {orgs:,}, changed organisations {orgs_updated:,}, "
                "new certificates {certs:,}, changed certificates {certs_updated:,}, new "
                "certification bodies {bodies:,}.").format(
                orgs=counts.get("organisations", 0),
                orgs_updated=counts.get("organisations_updated", 0),
                certs=counts.get("certificates", 0),
                certs_updated=counts.get("certificates_updated", 0),
                bodies=counts.get("bodies", 0))
            text += "\n" + report.summary()
            if report.backup:
                text += "\n" + self.tr("The register was backed up before the import: {path}") \
                    .format(path=report.backup)
            self._say(self.done_label, text)
            self.go(DONE_STEP)
            refresh = getattr(self.window(), "refresh_status", None)
            if callable(refresh):
                refresh()

        def cancelled() -> None:
            self._say(self.totals_label, self.tr(
                "Import cancelled: the register is as it was."), error=True)

        self._start(work, self.tr("Importing…"), done, on_cancel=cancelled)

    # ------------------------------------------------------------ helpers
    def _start(self, work: Any, label: str, on_success: Any, on_failure: Any = None,
               on_cancel: Any = None) -> None:
        self.job = run_job(self, work, title=self.tr("Import"), label=label,
                           on_success=on_success, on_failure=on_failure, on_cancel=on_cancel,
                           show_errors=on_failure is None)
        self.job.finished.connect(self._job_finished)
        self._update_buttons()

    def _job_finished(self) -> None:
        self.job = None
        self._update_buttons()

    def _say(self, label: QLabel, text: str, *, error: bool = False) -> None:
        label.setStyleSheet(f"color: {BAD if error else GOOD};")
        label.setText(text)
