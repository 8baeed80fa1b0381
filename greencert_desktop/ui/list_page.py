"""The list pattern every record page uses: filter bar, paged table, count, toolbar.

A page subclasses :class:`ListPage`, names its source and kind, adds its own filter widgets
with :meth:`add_combo_filter` / :meth:`add_check_filter` and its own buttons, and implements
``new_record`` / ``edit_record``. Everything else (debounced free-text search, sorting by the
header, copy as TSV with headers, export to xlsx off the GUI thread, remembered column
widths, refreshing after a save) is here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSettings, Qt, QThread, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QHideEvent, QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from greencert_desktop.domain.errors import UserError
from greencert_desktop.excel.list_export import ExportCancelled, ExportColumn, export_list
from greencert_desktop.services.lists import ListQuery, ListSource
from greencert_desktop.services.register import Register
from greencert_desktop.ui.table_model import PagedTableModel
from greencert_desktop.ui.widgets import page_title

UI_SETTINGS_FILE = "ui.ini"
DEBOUNCE_MS = 250

# Actions a page may support (see ui/actions.py): name -> method.
PAGE_ACTIONS = ("new", "edit", "delete", "copy", "export", "find", "refresh")


class _ExportThread(QThread):
    """Runs :func:`export_list` off the GUI thread; cancel() stops it at the next chunk."""

    progressed = Signal(int, int)
    succeeded = Signal(int)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, job: Callable[[Callable[[int, int], bool]], int],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._job = job
        self._stop = threading.Event()

    def cancel(self) -> None:
        self._stop.set()

    def _progress(self, done: int, total: int) -> bool:
        self.progressed.emit(done, total)
        return not self._stop.is_set()

    def run(self) -> None:
        try:
            written = self._job(self._progress)
        except ExportCancelled:
            self.cancelled.emit()
        except UserError as error:
            self.failed.emit(error.message)
        except Exception as error:  # shown to the user, not swallowed
            self.failed.emit(f"{type(error).__name__}: {error}")
        else:
            self.succeeded.emit(written)


class ListPage(QWidget):
    """A record list. Subclasses set ``source``, ``kind``, ``settings_key`` and a title."""

    kind = ""               # for forms.delete_records: organisation/certificate/subsidy/case
    settings_key = "list"   # ui.ini group for column widths
    export_name = "list"
    exportFinished = Signal(str)  # the file written ("" when cancelled or failed)

    def __init__(self, register: Register, source: ListSource, title: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.register = register
        self.source = source
        self._filter_widgets: dict[str, QWidget] = {}
        self._extra_filters: dict[str, Any] = {}
        self._export: _ExportThread | None = None
        self._shown_once = False

        heading = page_title(title, self)

        # -- filter bar
        self.filter_text = QLineEdit(self)
        self.filter_text.setObjectName("filterText")
        self.filter_text.setClearButtonEnabled(True)
        self.filter_text.setPlaceholderText(self.search_hint())
        self.filter_text.setMinimumWidth(220)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.apply_now)
        self.filter_text.textChanged.connect(self._debounce.start)
        self.filter_text.returnPressed.connect(self.apply_now)
        self.filter_bar = QHBoxLayout()
        self.filter_bar.setSpacing(6)
        self.filter_bar.addWidget(self.filter_text, 2)
        self.extra_bar = QHBoxLayout()
        self.extra_bar.setSpacing(6)
        self.clear_button = QPushButton(self.tr("Clear filters"), self)
        self.clear_button.setObjectName("clearFilters")
        self.clear_button.clicked.connect(self.clear_filters)
        self.extra_label = QLabel(self)
        self.extra_label.setObjectName("extraFilters")
        self.extra_label.setStyleSheet("color: #a04b00;")
        self.extra_label.hide()

        # -- toolbar
        self.toolbar = QHBoxLayout()
        self.toolbar.setSpacing(6)
        self.new_button = self.add_button("newButton", self.tr("New"), self.new_record)
        self.edit_button = self.add_button("editButton", self.tr("Edit"), self.edit_current)
        self.delete_button = self.add_button("deleteButton", self.tr("Delete"),
                                             self.delete_selected)
        self._page_buttons_at = self.toolbar.count()
        self.toolbar.addStretch(1)
        self.copy_button = QPushButton(self.tr("Copy"), self)
        self.copy_button.setObjectName("copyButton")
        self.copy_button.clicked.connect(self.copy_selection)
        self.export_button = QPushButton(self.tr("Export to Excel"), self)
        self.export_button.setObjectName("exportButton")
        self.export_button.clicked.connect(self.export)
        self.toolbar.addWidget(self.copy_button)
        self.toolbar.addWidget(self.export_button)

        # -- table
        self.model = PagedTableModel(register, source, parent=self)
        self.table = QTableView(self)
        self.table.setObjectName("table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(
            self.table.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        header.setSortIndicatorShown(True)
        self.table.doubleClicked.connect(lambda _index: self.edit_current())
        self.table.installEventFilter(self)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_count)
        self.model.modelReset.connect(self._update_buttons)

        self.count_label = QLabel(self)
        self.count_label.setObjectName("rowCount")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.setSpacing(6)
        layout.addWidget(heading)
        layout.addLayout(self.filter_bar)
        layout.addLayout(self.extra_bar)
        layout.addLayout(self.toolbar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)

        self._save_widths = QTimer(self)
        self._save_widths.setSingleShot(True)
        self._save_widths.setInterval(400)
        self._save_widths.timeout.connect(self.save_columns)

    # ---------------------------------------------------------- page set-up
    def finish_setup(self) -> None:
        """Call at the end of a subclass's __init__: widths, count, buttons."""
        self.history_button = self.add_page_button("historyButton", self.tr("History"),
                                                   self.show_history)
        self.extra_bar.addStretch(1)
        self.extra_bar.addWidget(self.extra_label)
        self.extra_bar.addWidget(self.clear_button)
        self.restore_columns()
        header = self.table.horizontalHeader()
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)  # after the restore: no sort query at start
        header.sectionResized.connect(lambda *_: self._save_widths.start())
        header.sectionMoved.connect(lambda *_: self._save_widths.start())
        self._update_count()
        self._update_buttons()

    def search_hint(self) -> str:
        return self.tr("Search name or credit code")

    def add_button(self, name: str, text: str, slot: Callable[[], Any]) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.clicked.connect(lambda _checked=False: slot())
        self.toolbar.addWidget(button)
        return button

    def add_page_button(self, name: str, text: str, slot: Callable[[], Any]) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.clicked.connect(lambda _checked=False: slot())
        self.toolbar.insertWidget(self._page_buttons_at, button)
        self._page_buttons_at += 1
        return button

    def _labelled(self, label: str, widget: QWidget, bar: QHBoxLayout) -> None:
        if label:
            caption = QLabel(label, self)
            caption.setBuddy(widget)
            bar.addWidget(caption)
        bar.addWidget(widget)

    def add_combo_filter(self, key: str, label: str, choices: Iterable[tuple[object, str]],
                         *, all_text: str | None = None, object_name: str | None = None,
                         main_bar: bool = False, min_chars: int = 4) -> QComboBox:
        """A combo whose data is the filter value; the first entry (None) means any."""
        combo = QComboBox(self)
        combo.setObjectName(object_name or f"filter_{key}")
        combo.addItem(all_text or self.tr("All"), None)
        for value, text in choices:
            combo.addItem(text, value)
        # Shrinkable, so that many filters still fit a 1366-pixel laptop screen.
        combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(min_chars)
        combo.setMaximumWidth(240)
        combo.currentIndexChanged.connect(self.apply_now)
        self._filter_widgets[key] = combo
        self._labelled(label, combo, self.filter_bar if main_bar else self.extra_bar)
        return combo

    def add_check_filter(self, key: str, text: str, *, object_name: str | None = None,
                         main_bar: bool = False) -> QCheckBox:
        check = QCheckBox(text, self)
        check.setObjectName(object_name or f"filter_{key}")
        check.toggled.connect(self.apply_now)
        self._filter_widgets[key] = check
        (self.filter_bar if main_bar else self.extra_bar).addWidget(check)
        return check

    # -------------------------------------------------------------- filters
    def filters(self) -> dict[str, Any]:
        values: dict[str, Any] = dict(self._extra_filters)
        for key, widget in self._filter_widgets.items():
            if isinstance(widget, QComboBox):
                value = widget.currentData()
                if value is not None:
                    values[key] = value
            elif isinstance(widget, QCheckBox) and widget.isChecked():
                values[key] = True
        return values

    def current_query(self) -> ListQuery:
        q = self.model.query()
        return ListQuery(text=self.filter_text.text(), filters=self.filters(), sort=q.sort,
                         descending=q.descending)

    def apply_now(self) -> None:
        """Run the query the filter bar describes (the debounce calls this too)."""
        self._debounce.stop()
        query = self.current_query()
        if query != self.model.query():
            self.model.set_query(query)

    def apply_filters(self, values: Mapping[str, Any]) -> None:
        """Open the list filtered by ``values`` (``text`` plus filter keys); other filters are
        cleared. Keys without a widget (e.g. ``org_id``) still filter until cleared."""
        self._set_widgets_quietly({}, "")
        extra = {}
        for key, value in values.items():
            if key == "text":
                continue
            widget = self._filter_widgets.get(key)
            if isinstance(widget, QComboBox):
                index = widget.findData(value)
                if index < 0:
                    widget.addItem(str(value), value)
                    index = widget.count() - 1
                widget.blockSignals(True)
                widget.setCurrentIndex(index)
                widget.blockSignals(False)
            elif isinstance(widget, QCheckBox):
                widget.blockSignals(True)
                widget.setChecked(bool(value))
                widget.blockSignals(False)
            elif value is not None:
                extra[key] = value
        self._extra_filters = extra
        if "org_id" in extra:
            self.extra_label.setText(self.tr("Only one organisation's records"))
        else:
            self.extra_label.setText(self.tr("More filters apply"))
        self.extra_label.setVisible(bool(extra))
        self.filter_text.blockSignals(True)
        self.filter_text.setText(str(values.get("text", "") or ""))
        self.filter_text.blockSignals(False)
        self.apply_now()

    def clear_filters(self) -> None:
        self.apply_filters({})

    def _set_widgets_quietly(self, _values: Mapping[str, Any], text: str) -> None:
        for widget in self._filter_widgets.values():
            widget.blockSignals(True)
            if isinstance(widget, QComboBox):
                widget.setCurrentIndex(0)
            elif isinstance(widget, QCheckBox):
                widget.setChecked(False)
            widget.blockSignals(False)
        self.filter_text.blockSignals(True)
        self.filter_text.setText(text)
        self.filter_text.blockSignals(False)

    def focus_filter(self) -> None:
        self.filter_text.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_text.selectAll()

    # ------------------------------------------------------------ selection
    def selected_rows(self) -> list[int]:
        rows = {i.row() for i in self.table.selectionModel().selectedRows()}
        return sorted(rows)

    def selected_ids(self) -> list[int]:
        return [self.model.row_id(r) for r in self.selected_rows()]

    def current_id(self) -> int | None:
        index = self.table.currentIndex()
        rows = self.selected_rows()
        if index.isValid() and index.row() in rows:
            return self.model.row_id(index.row())
        return self.model.row_id(rows[0]) if rows else None

    def select_id(self, record_id: int | None) -> None:
        if record_id is None:
            return
        row = self.model.row_of_id(record_id)
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def _update_count(self) -> None:
        total = self.model.total()
        self.count_label.setText(self.tr("{count} records").format(count=f"{total:,}"))

    def _update_buttons(self, *_args: object) -> None:
        rows = self.selected_rows()
        self.edit_button.setEnabled(len(rows) >= 1)
        self.delete_button.setEnabled(bool(rows))
        self.copy_button.setEnabled(bool(rows))
        self.export_button.setEnabled(self.model.total() > 0)
        self.history_button.setEnabled(len(rows) == 1)
        self.update_page_buttons(rows)

    def update_page_buttons(self, rows: list[int]) -> None:
        """Subclasses enable their own buttons for the selected rows."""

    def show_history(self) -> QWidget | None:
        """The audit history of the selected record (when, who, field, old → new)."""
        from greencert_desktop.ui.history import show_history

        record_id = self.current_id()
        if record_id is None:
            return None
        return show_history(self, self.register, self.kind, record_id)

    # -------------------------------------------------------------- records
    def new_record(self) -> None:
        raise NotImplementedError

    def edit_record(self, record_id: int) -> Any:
        raise NotImplementedError

    def edit_current(self) -> None:
        record_id = self.current_id()
        if record_id is not None:
            self.after_save(self.edit_record(record_id), record_id)

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        from greencert_desktop.ui import forms

        if forms.delete_records(self, self.register, self.kind, ids):
            self.refresh()
            self._refresh_window()

    def after_save(self, result: Any, select: int | None = None) -> None:
        """After a form: reload the list and the window's counts when something was saved."""
        if not result:
            return
        self.refresh(select=result if isinstance(result, int) and not isinstance(result, bool)
                     else select)
        self._refresh_window()

    def _refresh_window(self) -> None:
        window = self.window()
        refresh = getattr(window, "refresh_status", None)
        if callable(refresh):
            refresh()

    def refresh(self, select: int | None = None) -> None:
        """Query again, keeping the current record selected when it is still listed."""
        keep = select if select is not None else self.current_id()
        self.model.reload()
        self.select_id(keep)

    # ----------------------------------------------------- copy and export
    def copy_selection(self) -> str:
        rows = self.selected_rows()
        if not rows:
            return ""
        text = self.model.rows_as_tsv(rows)
        QGuiApplication.clipboard().setText(text)
        return text

    def export_columns(self) -> list[ExportColumn]:
        return [ExportColumn(c.key, c.title, c.kind) for c in self.model.columns]

    def export(self) -> None:
        """Ask for a file name and export the current filtered list to it."""
        if self._export is not None:
            return
        start = Path(str(self._settings().value("export/dir", str(Path.home()))))
        name, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Export to Excel"), str(start / f"{self.export_name}.xlsx"),
            self.tr("Excel workbook (*.xlsx)"))
        if not name:
            return
        if not name.lower().endswith(".xlsx"):
            name += ".xlsx"
        self._settings().setValue("export/dir", str(Path(name).parent))
        self.export_to(Path(name))

    def export_to(self, path: Path) -> None:
        """Export off the GUI thread with a progress dialog; ``exportFinished`` says how it
        ended."""
        query = self.current_query()
        columns = self.export_columns()
        labels = (self.tr("Yes"), self.tr("No"))
        title = self.export_name

        def job(progress: Callable[[int, int], bool]) -> int:
            return export_list(path, self.register, self.source, query, columns,
                               sheet_title=title, bool_labels=labels, progress=progress)

        dialog = QProgressDialog(self.tr("Exporting {count} records…").format(
            count=f"{self.model.total():,}"), self.tr("Cancel"), 0, 100, self)
        dialog.setObjectName("exportProgress")
        dialog.setWindowTitle(self.tr("Export to Excel"))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(400)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        thread = _ExportThread(job, self)
        self._export = thread

        def progressed(done: int, total: int) -> None:
            dialog.setValue(int(done * 100 / total) if total else 100)

        def finished(path_text: str, message: str | None) -> None:
            thread.wait()
            dialog.close()
            dialog.deleteLater()
            thread.deleteLater()
            self._export = None
            if message:
                QMessageBox.warning(self, self.tr("Export to Excel"), message)
            self.exportFinished.emit(path_text)

        thread.progressed.connect(progressed)
        thread.succeeded.connect(lambda _n: finished(str(path), None))
        thread.cancelled.connect(lambda: finished("", None))
        thread.failed.connect(lambda text: finished("", self.tr(
            "The export failed: {error}").format(error=text)))
        dialog.canceled.connect(thread.cancel)
        thread.start()

    # ------------------------------------------------------- column widths
    def _settings(self) -> QSettings:
        return QSettings(str(self.register.home.root / UI_SETTINGS_FILE),
                         QSettings.Format.IniFormat)

    def restore_columns(self) -> None:
        state = self._settings().value(f"{self.settings_key}/header")
        header = self.table.horizontalHeader()
        if state is None or not header.restoreState(state):
            self._default_widths()

    def _default_widths(self) -> None:
        metrics = self.table.fontMetrics()
        for i, column in enumerate(self.model.columns):
            title = metrics.horizontalAdvance(column.title) + 28
            self.table.setColumnWidth(i, max(title, self.default_width(column.key)))

    def default_width(self, key: str) -> int:
        """A first width for a column, before the user resizes it."""
        metrics = self.table.fontMetrics()
        samples = {"credit_code": "91320700MA1X2Y3Z4W", "number": "CQC25BZ0000005R0S",
                   "certificate_number": "CQC25BZ0000005", "status": "过期失效",
                   "amount": "1,000,000.00", "phone": "0518-85800000"}
        kind = next((c.kind for c in self.model.columns if c.key == key), "")
        if kind == "date":
            return metrics.horizontalAdvance("2026-12-31") + 20
        if key in samples:
            return metrics.horizontalAdvance(samples[key]) + 20
        wide = {"org_name": 15, "name": 16, "type_name": 9, "body_name": 11, "finding": 16,
                "action": 12, "doc_number": 10, "unit_name": 6, "industry_section": 4}
        return metrics.horizontalAdvance("中") * wide.get(key, 5) + 16

    def save_columns(self) -> None:
        settings = self._settings()
        settings.setValue(f"{self.settings_key}/header",
                          self.table.horizontalHeader().saveState())
        settings.sync()

    # --------------------------------------------------------------- events
    def eventFilter(self, watched: QObject, event: Any) -> bool:
        if watched is self.table and isinstance(event, QKeyEvent) \
                and event.type() == QKeyEvent.Type.KeyPress \
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                and not event.modifiers():
            self.edit_current()
            return True
        return super().eventFilter(watched, event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._shown_once:
            self.refresh()  # another page may have changed records meanwhile
        self._shown_once = True
        actions = getattr(self.window(), "actions", None)
        bind = getattr(actions, "bind_page", None)
        if callable(bind):
            bind(self)

    def hideEvent(self, event: QHideEvent) -> None:
        actions = getattr(self.window(), "actions", None)
        unbind = getattr(actions, "unbind_page", None)
        if callable(unbind):
            unbind(self)
        if self._save_widths.isActive():
            self._save_widths.stop()
            self.save_columns()
        super().hideEvent(event)

    def trigger(self, action: str) -> None:
        """Run a menu action (see ui/actions.py) on this page."""
        handlers: dict[str, Callable[[], Any]] = {
            "new": self.new_record, "edit": self.edit_current, "delete": self.delete_selected,
            "copy": self.copy_selection, "export": self.export, "find": self.focus_filter,
            "refresh": self.refresh,
        }
        handler = handlers.get(action)
        if handler is not None:
            handler()
