"""A table model over a :class:`ListSource`: counted and sorted in SQL, fetched in pages.

The view asks for more rows as the user scrolls (``canFetchMore``/``fetchMore``); only the
rows scrolled past are held, never the whole table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from greencert_desktop.domain.status import CertStatus
from greencert_desktop.services.lists import EXPIRING_SOON_DAYS, ListQuery, ListSource
from greencert_desktop.services.register import Register

PAGE_SIZE = 200
Index = QModelIndex | QPersistentModelIndex

# Column kinds: how a value is shown, copied and exported.
TEXT, CODE, DATE, STATUS, INT, MONEY, BOOL = ("text", "code", "date", "status", "int", "money",
                                              "bool")

_KINDS: dict[str, str] = {
    "credit_code": CODE, "number": CODE, "certificate_number": CODE, "doc_number": CODE,
    "phone": CODE, "issue_date": DATE, "expiry_date": DATE, "last_surveillance_date": DATE,
    "granted_on": DATE, "inspected_on": DATE, "status": STATUS, "year": INT,
    "valid_certificates": INT, "amount": MONEY, "blacklisted": BOOL,
}

# Row colours: (foreground, background); None keeps the palette's.
GREY = QColor("#7a7a7a")
STATUS_COLOURS: dict[str, tuple[QColor | None, QColor | None]] = {
    CertStatus.EXPIRED.value: (GREY, QColor("#f1f1f1")),
    CertStatus.CANCELLED.value: (GREY, QColor("#f1f1f1")),
    CertStatus.SUSPENDED.value: (QColor("#a04b00"), QColor("#ffe8cc")),
    CertStatus.REVOKED.value: (QColor("#b3001b"), QColor("#fde2e4")),
}
EXPIRING_BACKGROUND = QColor("#fff3bf")
_BRUSHES: dict[str, tuple[QBrush | None, QBrush | None]] = {
    code: (QBrush(fg) if fg is not None else None, QBrush(bg) if bg is not None else None)
    for code, (fg, bg) in STATUS_COLOURS.items()}
_EXPIRING_BRUSH = QBrush(EXPIRING_BACKGROUND)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_STATUS_LABELS = {s.value: s.label for s in CertStatus}


def column_titles() -> dict[str, str]:
    """Header text of every list column (English in source, Chinese through the .qm)."""
    return {
        "number": QCoreApplication.translate("PagedTableModel", "Certificate number"),
        "org_name": QCoreApplication.translate("PagedTableModel", "Organisation"),
        "credit_code": QCoreApplication.translate("PagedTableModel", "Credit code"),
        "type_name": QCoreApplication.translate("PagedTableModel", "Type"),
        "body_name": QCoreApplication.translate("PagedTableModel", "Certification body"),
        "issue_date": QCoreApplication.translate("PagedTableModel", "Issued"),
        "expiry_date": QCoreApplication.translate("PagedTableModel", "Expires"),
        "status": QCoreApplication.translate("PagedTableModel", "Status"),
        "unit_name": QCoreApplication.translate("PagedTableModel", "Unit"),
        "last_surveillance_date": QCoreApplication.translate(
            "PagedTableModel", "Last surveillance"),
        "name": QCoreApplication.translate("PagedTableModel", "Organisation name"),
        "industry_section": QCoreApplication.translate("PagedTableModel", "Industry section"),
        "size": QCoreApplication.translate("PagedTableModel", "Size"),
        "credit_standing": QCoreApplication.translate("PagedTableModel", "Credit standing"),
        "leader_type": QCoreApplication.translate("PagedTableModel", "Leader designation"),
        "contact": QCoreApplication.translate("PagedTableModel", "Contact"),
        "phone": QCoreApplication.translate("PagedTableModel", "Phone"),
        "valid_certificates": QCoreApplication.translate("PagedTableModel", "Valid certificates"),
        "year": QCoreApplication.translate("PagedTableModel", "Year"),
        "category": QCoreApplication.translate("PagedTableModel", "Category"),
        "amount": QCoreApplication.translate("PagedTableModel", "Amount (yuan)"),
        "doc_number": QCoreApplication.translate("PagedTableModel", "Document number"),
        "granted_on": QCoreApplication.translate("PagedTableModel", "Granted on"),
        "inspected_on": QCoreApplication.translate("PagedTableModel", "Inspected on"),
        "certificate_number": QCoreApplication.translate("PagedTableModel", "Certificate"),
        "kind": QCoreApplication.translate("PagedTableModel", "Kind"),
        "finding": QCoreApplication.translate("PagedTableModel", "Finding"),
        "action": QCoreApplication.translate("PagedTableModel", "Action taken"),
        "blacklisted": QCoreApplication.translate("PagedTableModel", "Serious dishonesty list"),
    }


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    kind: str = TEXT


def columns_for(source: ListSource) -> list[Column]:
    titles = column_titles()
    return [Column(key, titles.get(key, key), _KINDS.get(key, TEXT)) for key in source.columns]


def display_text(column: Column, value: Any) -> str:
    """A value as the list shows it (and as copy puts it on the clipboard)."""
    if value is None:
        return ""
    if column.kind == DATE and isinstance(value, date | datetime):
        return value.strftime("%Y-%m-%d")
    if column.kind == STATUS:
        return _STATUS_LABELS.get(value, str(value))
    if column.kind == MONEY and isinstance(value, float | int | Decimal):
        return f"{value:,.2f}"
    if column.kind == BOOL:
        if value:
            return QCoreApplication.translate("PagedTableModel", "Yes")
        return QCoreApplication.translate("PagedTableModel", "No")
    return str(value)


class PagedTableModel(QAbstractTableModel):
    """Rows of ``source`` for ``query``; ``set_query`` starts again, ``sort`` re-queries."""

    def __init__(self, register: Register, source: ListSource,
                 query: ListQuery | None = None, *, page_size: int = PAGE_SIZE,
                 today: date | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.register = register
        self.source = source
        self.columns: list[Column] = columns_for(source)
        self.page_size = page_size
        self._fixed_today = today
        self._query = query or ListQuery()
        self._rows: list[dict[str, Any]] = []
        self._total = 0
        self._today = today or date.today()
        self.reload()

    # ------------------------------------------------------------------ queries
    def query(self) -> ListQuery:
        return self._query

    def set_query(self, query: ListQuery) -> None:
        self._query = query
        self.reload()

    def reload(self) -> None:
        """Count again and show the first page (after a filter change or a save)."""
        self.beginResetModel()
        self._today = self._fixed_today or date.today()
        self._total, self._rows = self.source.first_page(self.register, self._query,
                                                         self.page_size, self._today)
        self.endResetModel()

    def total(self) -> int:
        """Rows matching the query (loaded or not)."""
        return self._total

    def loaded(self) -> int:
        return len(self._rows)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or len(self._rows) >= self._total:
            return
        start = len(self._rows)
        more = self.source.fetch(self.register, self._query, start,
                                 min(self.page_size, self._total - start), self._today)
        if not more:  # rows deleted meanwhile: stop asking
            self._total = start
            return
        self.beginInsertRows(QModelIndex(), start, start + len(more) - 1)
        self._rows.extend(more)
        self.endInsertRows()

    # -------------------------------------------------------------------- shape
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.columns[section].title
            if role == Qt.ItemDataRole.UserRole:
                return self.columns[section].key
        elif orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    # --------------------------------------------------------------------- data
    def row(self, row: int) -> dict[str, Any]:
        return self._rows[row]

    def row_id(self, row: int) -> int:
        return int(self._rows[row]["id"])

    def row_of_id(self, record_id: int) -> int | None:
        for i, r in enumerate(self._rows):
            if r["id"] == record_id:
                return i
        return None

    def value(self, row: int, key: str) -> Any:
        return self._rows[row].get(key)

    def _expiring_soon(self, r: dict[str, Any]) -> bool:
        expiry = r.get("expiry_date")
        return (r.get("status") == CertStatus.VALID.value and isinstance(expiry, date)
                and expiry <= self._today + timedelta(days=EXPIRING_SOON_DAYS))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        r = self._rows[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return display_text(column, r.get(column.key))
        if role == Qt.ItemDataRole.UserRole:
            return r.get(column.key)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column.kind in (INT, MONEY) else None
        status = r.get("status")
        if role == Qt.ItemDataRole.ForegroundRole:
            return _BRUSHES[status][0] if status in _BRUSHES else None
        if role == Qt.ItemDataRole.BackgroundRole:
            if status in _BRUSHES:
                return _BRUSHES[status][1]
            return _EXPIRING_BRUSH if self._expiring_soon(r) else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if self._expiring_soon(r):
                return QCoreApplication.translate(
                    "PagedTableModel", "Expires within {days} days").format(
                    days=EXPIRING_SOON_DAYS)
            if status in _BRUSHES:
                return _STATUS_LABELS[status]
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = self.columns[column].key if 0 <= column < len(self.columns) else None
        descending = order == Qt.SortOrder.DescendingOrder
        if key == self._query.sort and descending == self._query.descending and self._rows:
            return
        self.set_query(replace(self._query, sort=key, descending=descending))

    # -------------------------------------------------------------- clipboard
    def rows_as_tsv(self, rows: Sequence[int]) -> str:
        """Tab-separated text of ``rows`` with a header line (tabs and line breaks inside a
        value become spaces, so a spreadsheet pastes one record per line)."""
        def clean(text: str) -> str:
            return " ".join(text.replace("\t", " ").splitlines())

        lines = ["\t".join(clean(c.title) for c in self.columns)]
        for row in rows:
            r = self._rows[row]
            lines.append("\t".join(clean(display_text(c, r.get(c.key))) for c in self.columns))
        return "\n".join(lines) + "\n"
