"""An organisation's page: its fields on top, then its certificates, listings, subsidies,
supervision cases and history in tabs, with buttons to edit it and to add records.

``show_organisation(parent, register, org_id)`` opens it (non-modal) and returns the dialog.
The record forms are called through ``greencert_desktop.ui.forms`` at click time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from greencert_desktop.domain.errors import UserError
from greencert_desktop.domain.status import CertStatus
from greencert_desktop.services.detail import OrganisationDetail, organisation_detail
from greencert_desktop.services.history import org_history
from greencert_desktop.services.register import Register
from greencert_desktop.ui.history import HistoryTable, show_history

# Row colours for a certificate that is not valid (suspended, revoked, cancelled, expired).
STATUS_COLOURS = {
    CertStatus.SUSPENDED.value: "#b26a00",
    CertStatus.REVOKED.value: "#b00020",
    CertStatus.CANCELLED.value: "#6b6b6b",
    CertStatus.EXPIRED.value: "#6b6b6b",
}


def _date(value: date | None) -> str:
    return value.isoformat() if value is not None else ""


class RecordTable(QTableWidget):
    """A small read-only table of one kind of record; each row keeps the record id."""

    def __init__(self, headers: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(0, len(headers), parent)
        self.setHorizontalHeaderLabels(list(headers))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.horizontalHeader().setStretchLastSection(True)

    def set_records(self, records: Sequence[tuple[int, Sequence[str], str | None]]) -> None:
        """(record id, cell texts, colour or None) per row."""
        self.setRowCount(len(records))
        for row, (record_id, cells, colour) in enumerate(records):
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, record_id)
                if colour:
                    item.setForeground(QBrush(QColor(colour)))
                self.setItem(row, column, item)
        self.resizeColumnsToContents()
        for column in range(self.columnCount()):
            self.setColumnWidth(column, min(self.columnWidth(column) + 12, 260))

    def record_id(self, row: int | None = None) -> int | None:
        if row is None:
            row = self.currentRow()
        item = self.item(row, 0) if row >= 0 else None
        return int(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def column_texts(self, column: int) -> list[str]:
        return [self.item(r, column).text() for r in range(self.rowCount())]


class RecordTab(QWidget):
    """A record table with Edit… and History… buttons under it."""

    def __init__(self, name: str, headers: Sequence[str], entity: str,
                 edit: Callable[[int], None], history: Callable[[str, int], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"{name}Tab")
        self.entity = entity
        self.table = RecordTable(headers, self)
        self.table.setObjectName(f"{name}Table")
        self.edit_button = QPushButton(self.tr("&Edit…"), self)
        self.edit_button.setObjectName(f"{name}Edit")
        self.history_button = QPushButton(self.tr("Histor&y…"), self)
        self.history_button.setObjectName(f"{name}History")
        self.empty = QLabel(self)
        self.empty.setObjectName(f"{name}Empty")
        self.empty.setStyleSheet("color: palette(mid);")

        def selected(callback: Callable[[int], None]) -> Callable[[], None]:
            def run() -> None:
                record_id = self.table.record_id()
                if record_id is not None:
                    callback(record_id)
            return run

        self.edit_button.clicked.connect(selected(edit))
        self.history_button.clicked.connect(selected(lambda rid: history(entity, rid)))
        self.table.cellDoubleClicked.connect(
            lambda row, _col: edit(rid) if (rid := self.table.record_id(row)) else None)
        self.table.itemSelectionChanged.connect(self._enable)

        buttons = QHBoxLayout()
        buttons.addWidget(self.empty, 1)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.history_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self._enable()

    def set_records(self, records: Sequence[tuple[int, Sequence[str], str | None]],
                    empty_text: str) -> None:
        self.table.set_records(records)
        self.empty.setText("" if records else empty_text)
        if records:
            self.table.selectRow(0)
        self._enable()

    def _enable(self) -> None:
        has = self.table.record_id() is not None and bool(self.table.selectedItems())
        self.edit_button.setEnabled(has)
        self.history_button.setEnabled(has)


class OrganisationDetailDialog(QDialog):
    def __init__(self, register: Register, org_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.register = register
        self.org_id = org_id
        self.detail: OrganisationDetail | None = None
        self.setObjectName("organisationDetail")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.resize(980, 680)

        self.title = QLabel(self)
        self.title.setObjectName("detailTitle")
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self._fields: dict[str, QLabel] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(4)
        layout_fields = self._field_labels()
        half = (len(layout_fields) + 1) // 2
        for index, (key, label) in enumerate(layout_fields.items()):
            column = 0 if index < half else 1
            form_row = index if index < half else index - half
            caption = QLabel(label, self)
            caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            caption.setStyleSheet("color: palette(dark);")
            value = QLabel(self)
            value.setObjectName(f"detail_{key}")
            value.setWordWrap(True)
            value.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(caption, form_row, column * 2)
            grid.addWidget(value, form_row, column * 2 + 1)
            self._fields[key] = value
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)

        self.edit_button = QPushButton(self.tr("&Edit organisation…"), self)
        self.edit_button.setObjectName("detailEditOrganisation")
        self.edit_button.clicked.connect(self.edit_organisation)
        self.add_certificate_button = QPushButton(self.tr("Add &certificate or listing…"), self)
        self.add_certificate_button.setObjectName("detailAddCertificate")
        self.add_certificate_button.clicked.connect(self.add_certificate)
        self.add_subsidy_button = QPushButton(self.tr("Add &subsidy…"), self)
        self.add_subsidy_button.setObjectName("detailAddSubsidy")
        self.add_subsidy_button.clicked.connect(self.add_subsidy)
        self.add_case_button = QPushButton(self.tr("Add supervision c&ase…"), self)
        self.add_case_button.setObjectName("detailAddCase")
        self.add_case_button.clicked.connect(self.add_case)
        self.refresh_button = QPushButton(self.tr("&Refresh"), self)
        self.refresh_button.setObjectName("detailRefresh")
        self.refresh_button.clicked.connect(self.reload)
        self.close_button = QPushButton(self.tr("Close"), self)
        self.close_button.setObjectName("detailClose")
        self.close_button.clicked.connect(self.close)
        buttons = QHBoxLayout()
        for button in (self.edit_button, self.add_certificate_button, self.add_subsidy_button,
                       self.add_case_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.refresh_button)
        buttons.addWidget(self.close_button)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("detailTabs")
        self.certificates = RecordTab(
            "certificates",
            [self.tr("Certificate number"), self.tr("Type"), self.tr("Certification body"),
             self.tr("Issued"), self.tr("Expires"), self.tr("Status"),
             self.tr("Last surveillance"), self.tr("Scope")],
            "certificate", self.edit_certificate, self.show_record_history, self)
        self.listings = RecordTab(
            "listings",
            [self.tr("Number"), self.tr("Listing"), self.tr("Issued by"),
             self.tr("Batch year"), self.tr("Date"), self.tr("Valid until"),
             self.tr("Status")],
            "certificate", self.edit_certificate, self.show_record_history, self)
        self.subsidies = RecordTab(
            "subsidies",
            [self.tr("Year"), self.tr("Category"), self.tr("Amount (yuan)"),
             self.tr("Document number"), self.tr("Date granted"), self.tr("Notes")],
            "subsidy", self.edit_subsidy, self.show_record_history, self)
        self.cases = RecordTab(
            "cases",
            [self.tr("Inspected on"), self.tr("Kind"), self.tr("Certificate"),
             self.tr("Finding"), self.tr("Action taken"), self.tr("Serious dishonesty list"),
             self.tr("Notes")],
            "case", self.edit_case, self.show_record_history, self)
        self.history = HistoryTable(self, show_record=True)
        self.history.setObjectName("detailHistory")
        for tab in (self.certificates, self.listings, self.subsidies, self.cases, self.history):
            self.tabs.addTab(tab, "")

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(grid)
        layout.addLayout(buttons)
        layout.addWidget(self.tabs, 1)
        self.reload()

    def _field_labels(self) -> dict[str, str]:
        return {
            "credit_code": self.tr("Credit code:"),
            "unit": self.tr("Unit:"),
            "industry": self.tr("Industry:"),
            "size": self.tr("Size:"),
            "address": self.tr("Address:"),
            "contact": self.tr("Contact:"),
            "credit_standing": self.tr("Credit standing:"),
            "leader_type": self.tr("Leader designation:"),
            "flags": self.tr("Designations:"),
            "notes": self.tr("Notes:"),
            "code_override_note": self.tr("Credit code exception:"),
            "updated_at": self.tr("Last changed:"),
        }

    # ------------------------------------------------------------------ data
    def reload(self) -> None:
        try:
            d = organisation_detail(self.register, self.org_id)
        except UserError as exc:  # deleted meanwhile
            self.detail = None
            self.title.setText(exc.message)
            for button in (self.edit_button, self.add_certificate_button,
                           self.add_subsidy_button, self.add_case_button):
                button.setEnabled(False)
            return
        self.detail = d
        self.setWindowTitle(self.tr("Organisation — {name}").format(name=d.name))
        self.title.setText(d.name)
        industry = " ".join(x for x in (d.industry_section, d.industry_section_name,
                                        d.industry_code) if x)
        flags = [text for on, text in ((d.specialised, self.tr("Specialised and innovative")),
                                       (d.high_tech, self.tr("High-tech enterprise"))) if on]
        values = {
            "credit_code": d.credit_code,
            "unit": f"{d.unit_code} {d.unit_name}".strip(),
            "industry": industry,
            "size": d.size,
            "address": d.address,
            "contact": "  ".join(x for x in (d.contact, d.phone) if x),
            "credit_standing": d.credit_standing,
            "leader_type": d.leader_type,
            "flags": self.tr(", ").join(flags),
            "notes": d.notes,
            "code_override_note": d.code_override_note,
            "updated_at": d.updated_at.strftime("%Y-%m-%d %H:%M"),
        }
        for key, label in self._fields.items():
            label.setText(values.get(key) or "—")
        if d.credit_standing != "正常":
            self._fields["credit_standing"].setStyleSheet("color: #b00020; font-weight: bold;")
        else:
            self._fields["credit_standing"].setStyleSheet("")

        self.certificates.set_records(
            [(c.id, [c.number, c.type_name, c.body_name, _date(c.issue_date),
                     _date(c.expiry_date), c.status_label, _date(c.last_surveillance_date),
                     c.scope], STATUS_COLOURS.get(c.status)) for c in d.certificates],
            self.tr("No certificates."))
        self.listings.set_records(
            [(c.id, [c.number, c.type_name, c.body_name,
                     str(c.batch_year) if c.batch_year else "", _date(c.issue_date),
                     _date(c.expiry_date), c.status_label], STATUS_COLOURS.get(c.status))
             for c in d.listings],
            self.tr("No listings."))
        self.subsidies.set_records(
            [(x.id, [str(x.year), x.category, f"{x.amount:,.2f}", x.doc_number,
                     _date(x.granted_on), x.notes], None) for x in d.subsidies],
            self.tr("No subsidies."))
        yes, no = self.tr("Yes"), self.tr("No")
        self.cases.set_records(
            [(c.id, [_date(c.inspected_on), c.kind, c.certificate_number, c.finding, c.action,
                     yes if c.blacklisted else no, c.notes],
              "#b00020" if c.blacklisted else None) for c in d.cases],
            self.tr("No supervision cases."))
        self.history.set_rows(org_history(self.register, self.org_id))
        titles = [
            self.tr("Certificates ({count})").format(count=len(d.certificates)),
            self.tr("Listings ({count})").format(count=len(d.listings)),
            self.tr("Subsidies ({count})").format(count=len(d.subsidies)),
            self.tr("Supervision ({count})").format(count=len(d.cases)),
            self.tr("History"),
        ]
        for index, title in enumerate(titles):
            self.tabs.setTabText(index, title)

    # --------------------------------------------------------------- actions
    def _form(self, name: str, *args: Any, **kwargs: Any) -> None:
        """Call ``forms.<name>`` (looked up now: the forms are another module's) and reload
        when something was saved."""
        from greencert_desktop.ui import forms

        function = getattr(forms, name, None)
        if function is None:
            QMessageBox.information(self, self.windowTitle(),
                                    self.tr("This form is not available yet."))
            return
        result = function(self, self.register, *args, **kwargs)
        if result:
            self.reload()
            parent = self.parentWidget()
            window = parent.window() if parent is not None else None
            refresh = getattr(window, "refresh_status", None)
            if callable(refresh):
                refresh()

    def edit_organisation(self) -> None:
        self._form("edit_organisation", self.org_id)

    def add_certificate(self) -> None:
        self._form("edit_certificate", org_id=self.org_id)

    def add_subsidy(self) -> None:
        self._form("edit_subsidy", org_id=self.org_id)

    def add_case(self) -> None:
        self._form("edit_case", org_id=self.org_id)

    def edit_certificate(self, cert_id: int) -> None:
        self._form("edit_certificate", cert_id)

    def edit_subsidy(self, subsidy_id: int) -> None:
        self._form("edit_subsidy", subsidy_id)

    def edit_case(self, case_id: int) -> None:
        self._form("edit_case", case_id)

    def show_record_history(self, entity: str, record_id: int) -> None:
        show_history(self, self.register, entity, record_id)


def show_organisation(parent: QWidget | None, register: Register,
                      org_id: int) -> OrganisationDetailDialog:
    """Open an organisation's page (non-modal) and return it."""
    dialog = OrganisationDetailDialog(register, org_id, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog

