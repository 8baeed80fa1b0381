"""A record's history from the audit log: when, who, what, and each field's old → new value.

``show_history(parent, register, entity, entity_id)`` opens the dialog for one record;
:class:`HistoryTable` is the table itself, also used on the organisation's detail window.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from greencert_desktop.services.history import HistoryRow, history, org_history
from greencert_desktop.services.register import Register

DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"


class HistoryTable(QTableWidget):
    """One line per changed field; time, operator, record, action and note span the lines of
    their audit entry. ``show_record`` adds a column naming the record (for an organisation's
    combined history)."""

    def __init__(self, parent: QWidget | None = None, *, show_record: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("historyTable")
        self.show_record = show_record
        self.rows: list[HistoryRow] = []
        headers = [self.tr("When"), self.tr("Operator")]
        if show_record:
            headers.append(self.tr("Record"))
        headers += [self.tr("Action"), self.tr("Field"), self.tr("Old value"),
                    self.tr("New value"), self.tr("Note")]
        self.setColumnCount(len(headers))
        self.setHorizontalHeaderLabels(headers)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)

    def column(self, name: str) -> int:
        return self._names().index(name)

    def set_rows(self, rows: Sequence[HistoryRow]) -> None:
        self.rows = list(rows)
        self.clearSpans()
        lines = sum(max(len(r.changes), 1) for r in rows)
        self.setRowCount(lines)
        shade = QBrush(self.palette().color(QPalette.ColorRole.AlternateBase))
        line = 0
        for index, row in enumerate(rows):
            span = max(len(row.changes), 1)
            entry_cells = {
                "when": row.at.strftime(DATETIME_FORMAT),
                "operator": row.operator,
                "action": row.action_label,
                "note": row.note,
            }
            if self.show_record:
                entry_cells["record"] = " ".join(
                    x for x in (row.entity_label, row.entity_key) if x)
            for name, text in entry_cells.items():
                self._put(line, self.column(name), text, row)
                if span > 1:
                    self.setSpan(line, self.column(name), span, 1)
            for offset, change in enumerate(row.changes):
                self._put(line + offset, self.column("field"), change.label, row)
                self._put(line + offset, self.column("old"), change.old, row)
                self._put(line + offset, self.column("new"), change.new, row)
            if index % 2:
                for r in range(line, line + span):
                    for c in range(self.columnCount()):
                        item = self.item(r, c)
                        if item is None:
                            item = QTableWidgetItem()
                            self.setItem(r, c, item)
                        item.setBackground(shade)
            line += span
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Widths from the texts (``resizeColumnsToContents`` ignores spanned cells)."""
        metrics = self.fontMetrics()
        header = self.horizontalHeader()
        caps = {"record": 280, "field": 180, "old": 240, "new": 240, "operator": 120}
        for column in range(self.columnCount() - 1):  # the last (note) stretches
            widest = header.sectionSizeHint(column)
            for line in range(self.rowCount()):
                item = self.item(line, column)
                if item is not None and item.text():
                    widest = max(widest, metrics.horizontalAdvance(item.text()) + 16)
            name = self._names()[column]
            if name in ("old", "new"):
                widest = max(widest, 100)
            self.setColumnWidth(column, min(widest, caps.get(name, widest)))

    def _names(self) -> list[str]:
        return ["when", "operator", *(["record"] if self.show_record else []),
                "action", "field", "old", "new", "note"]

    def _put(self, line: int, column: int, text: str, row: HistoryRow) -> None:
        item = QTableWidgetItem(text)
        item.setToolTip(text)
        item.setData(Qt.ItemDataRole.UserRole, row.id)
        if column not in (self.column("field"), self.column("old"), self.column("new")):
            item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        if row.action == "delete" and column == self.column("action"):
            item.setForeground(QBrush(QColor("#b00020")))
        self.setItem(line, column, item)

    def cell_text(self, line: int, name: str) -> str:
        item = self.item(line, self.column(name))
        return item.text() if item is not None else ""


class HistoryDialog(QDialog):
    def __init__(self, register: Register, entity: str, entity_id: int | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.register = register
        self.entity = entity
        self.entity_id = entity_id
        self.setObjectName("historyDialog")
        self.resize(900, 480)
        self.summary = QLabel(self)
        self.summary.setObjectName("historySummary")
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = HistoryTable(self, show_record=entity == "organisation")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.reload()

    def reload(self) -> None:
        if self.entity == "organisation" and self.entity_id is not None:
            rows = org_history(self.register, self.entity_id)
        else:
            rows = history(self.register, self.entity, self.entity_id)
        self.table.set_rows(rows)
        own = next((r for r in rows if r.entity == self.entity), None)
        if own is None:
            title = self.tr("History")
            self.summary.setText(self.tr("No changes recorded."))
        else:
            name = " ".join(x for x in (own.entity_label, own.entity_key, own.entity_name) if x)
            title = self.tr("History — {record}").format(record=name)
            self.summary.setText(self.tr("{record}: {count} changes recorded, newest first.")
                                 .format(record=name, count=len(rows)))
        self.setWindowTitle(title)


def show_history(parent: QWidget | None, register: Register, entity: str,
                 entity_id: int | None) -> HistoryDialog:
    """Open the history of one record (non-modal) and return the dialog."""
    dialog = HistoryDialog(register, entity, entity_id, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
