"""The certificate / listing form.

The type comes from the catalogue grouped by policy section; a certificate needs a
certification body and issue/expiry dates (expiry defaulted from the type's validity),
a listing (名单/称号) has no body but a batch year and an issuer.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from greencert_desktop.domain.errors import Issue
from greencert_desktop.domain.records import CertificateData
from greencert_desktop.domain.status import CertStatus
from greencert_desktop.domain.validation import (
    FIRST_BATCH_YEAR,
    default_expiry,
    validate_certificate,
)
from greencert_desktop.services import certificates, lookups
from greencert_desktop.services.lookups import TypeChoice
from greencert_desktop.services.register import Register
from greencert_desktop.ui.forms.form_base import DateField, RecordDialog, select_data
from greencert_desktop.ui.forms.pickers import BodyPicker, OrganisationPicker


def _text_box(name: str, parent: QWidget, height: int = 56) -> QPlainTextEdit:
    box = QPlainTextEdit(parent)
    box.setObjectName(name)
    box.setTabChangesFocus(True)
    box.setFixedHeight(height)
    return box


class CertificateForm(RecordDialog):
    def __init__(self, register: Register, parent: QWidget | None = None,
                 cert_id: int | None = None, org_id: int | None = None) -> None:
        super().__init__(register, parent)
        self.setObjectName("certificateForm")
        self.cert_id = cert_id
        self.setWindowTitle(self.tr("New certificate or listing") if cert_id is None
                            else self.tr("Edit certificate or listing"))
        self._types: dict[str, TypeChoice] = {}
        self._expiry_edited = False
        self._basis_edited = False
        self._defaulting = False

        main_box = QGroupBox(self.tr("Certificate"), self)
        more_box = QGroupBox(self.tr("Content and surveillance"), self)
        left, right = self.new_form(), self.new_form()
        main_box.setLayout(left)
        more_box.setLayout(right)
        columns = QHBoxLayout()
        columns.addWidget(main_box, 1)
        columns.addWidget(more_box, 1)
        self.body.addLayout(columns)

        self.org = OrganisationPicker(register, self)
        self.add_row(left, "org_id", self.tr("Organisation:"), self.org)

        type_box = QWidget(self)
        type_layout = QVBoxLayout(type_box)
        type_layout.setContentsMargins(0, 0, 0, 0)
        type_layout.setSpacing(2)
        self.type_combo = QComboBox(self)
        self.type_combo.setObjectName("type_code")
        self.type_combo.setMaxVisibleItems(30)
        self._fill_types()
        self.type_info = QLabel(self)
        self.type_info.setObjectName("type_info")
        self.type_info.setStyleSheet("color: palette(mid);")
        type_layout.addWidget(self.type_combo)
        type_layout.addWidget(self.type_info)
        self.add_row(left, "type_code", self.tr("Type:"), type_box, watch=self.type_combo)

        self.number = QLineEdit(self)
        self.number.setObjectName("number")
        self.number.setPlaceholderText(self.tr("As printed, e.g. 00216Q10097R1S"))
        self.add_row(left, "number", self.tr("Number:"), self.number)

        self.body_picker = BodyPicker(register, self)
        self.add_row(left, "body_id", self.tr("Certification body:"), self.body_picker)
        self.batch_year = QSpinBox(self)
        self.batch_year.setObjectName("batch_year")
        self.batch_year.setRange(FIRST_BATCH_YEAR, date.today().year + 1)
        self.batch_year.setValue(date.today().year)
        self.batch_year.setMaximumWidth(110)
        self.add_row(left, "batch_year", self.tr("Batch year:"), self.batch_year)
        self.issuer = QLineEdit(self)
        self.issuer.setObjectName("issuer")
        self.issuer.setPlaceholderText(self.tr("Authority that published the list"))
        self.add_row(left, "issuer", self.tr("Issued by:"), self.issuer)

        self.status = QComboBox(self)
        self.status.setObjectName("status")
        for status in CertStatus:
            self.status.addItem(f"{status.value} {status.label}", status.value)
        self.add_row(left, "status", self.tr("Status:"), self.status)

        self.issue_date = DateField("issue_date", self)
        self.add_row(left, "issue_date", self.tr("Issue date:"), self.issue_date)
        self.expiry_date = DateField("expiry_date", self)
        self.add_row(left, "expiry_date", self.tr("Valid until:"), self.expiry_date)
        self.first_issue_date = DateField("first_issue_date", self)
        self.add_row(left, "first_issue_date", self.tr("First issued:"), self.first_issue_date)

        self.basis = QLineEdit(self)
        self.basis.setObjectName("basis")
        self.add_row(right, "basis", self.tr("Basis (standard):"), self.basis)
        self.scope = _text_box("scope", self)
        self.add_row(right, "scope", self.tr("Scope:"), self.scope)
        self.products = _text_box("products", self)
        self.add_row(right, "products", self.tr("Products:"), self.products)
        self.last_surveillance_date = DateField("last_surveillance_date", self)
        self.add_row(right, "last_surveillance_date", self.tr("Last surveillance:"),
                     self.last_surveillance_date)
        self.surveillance_count = QSpinBox(self)
        self.surveillance_count.setObjectName("surveillance_count")
        self.surveillance_count.setRange(0, 99)
        self.surveillance_count.setMaximumWidth(90)
        self.add_row(right, "surveillance_count", self.tr("Surveillance audits:"),
                     self.surveillance_count)
        self.recert_count = QSpinBox(self)
        self.recert_count.setObjectName("recert_count")
        self.recert_count.setRange(0, 99)
        self.recert_count.setMaximumWidth(90)
        self.add_row(right, "recert_count", self.tr("Recertifications:"), self.recert_count)
        self.status_date = DateField("status_date", self)
        self.add_row(right, "status_date", self.tr("Status changed on:"), self.status_date)
        self.status_reason = QLineEdit(self)
        self.status_reason.setObjectName("status_reason")
        self.add_row(right, "status_reason", self.tr("Reason for status:"), self.status_reason)
        self.notes = _text_box("notes", self)
        self.add_row(right, "notes", self.tr("Notes:"), self.notes)

        self.type_combo.currentIndexChanged.connect(self._type_changed)
        self.issue_date.changed.connect(self._apply_defaults)
        self.expiry_date.changed.connect(self._expiry_changed)
        self.basis.textEdited.connect(self._basis_changed)
        self._load(org_id)
        self.resize(1080, self.sizeHint().height())
        self.finish_setup()

    # ---------------------------------------------------------------- building
    def _fill_types(self) -> None:
        model = self.type_combo.model()
        assert isinstance(model, QStandardItemModel)
        self.type_combo.addItem(self.tr("— choose a type —"), None)
        bold = QFont(self.type_combo.font())
        bold.setBold(True)
        for group in lookups.catalogue_by_section(self.register):
            self.type_combo.addItem(self.tr("Section {section}").format(section=group.label),
                                    None)
            header = model.item(self.type_combo.count() - 1)
            header.setFlags(header.flags() & ~(Qt.ItemFlag.ItemIsEnabled
                                               | Qt.ItemFlag.ItemIsSelectable))
            header.setFont(bold)
            for t in group.types:
                self._types[t.code] = t
                suffix = self.tr(" (listing)") if t.kind == "listing" else ""
                self.type_combo.addItem(f"    {t.name}{suffix}", t.code)

    # ---------------------------------------------------------------- loading
    def _load(self, org_id: int | None) -> None:
        if self.cert_id is not None:
            data = certificates.get_certificate(self.register, self.cert_id)
            self._expiry_edited = data.expiry_date is not None
            self._basis_edited = True
        else:
            data = CertificateData(number="", org_id=org_id, type_code="",
                                   issue_date=date.today())
        self._defaulting = True
        self.org.set_org_id(data.org_id)
        select_data(self.type_combo, data.type_code or None)
        self.number.setText(data.number)
        self.body_picker.set_body_id(data.body_id)
        if data.batch_year is not None:
            self.batch_year.setValue(data.batch_year)
        self.issuer.setText(data.issuer)
        select_data(self.status, CertStatus.parse(data.status).value)
        self.issue_date.set_value(data.issue_date)
        self.expiry_date.set_value(data.expiry_date)
        self.first_issue_date.set_value(data.first_issue_date)
        self.status_date.set_value(data.status_date)
        self.status_reason.setText(data.status_reason)
        self.last_surveillance_date.set_value(data.last_surveillance_date)
        self.surveillance_count.setValue(data.surveillance_count)
        self.recert_count.setValue(data.recert_count)
        self.basis.setText(data.basis)
        self.scope.setPlainText(data.scope)
        self.products.setPlainText(data.products)
        self.notes.setPlainText(data.notes)
        self._defaulting = False
        self._type_changed()
        if self.cert_id is not None:
            self.touched.update(self.rows)

    # ---------------------------------------------------------------- behaviour
    def cert_type(self) -> TypeChoice | None:
        code = self.type_combo.currentData()
        return self._types.get(str(code)) if code else None

    def is_listing(self) -> bool:
        t = self.cert_type()
        return t is not None and t.kind == "listing"

    def _type_changed(self, *_args: object) -> None:
        t = self.cert_type()
        listing = self.is_listing()
        self.set_row_visible("body_id", not listing)
        self.set_row_visible("batch_year", listing)
        self.set_row_visible("issuer", listing)
        defaulting, self._defaulting = self._defaulting, True
        self.issue_date.set_optional(listing)
        self.expiry_date.set_optional(listing or (t is not None and not t.validity_years))
        self._defaulting = defaulting
        if t is None:
            self.type_info.setText("")
        else:
            kind = self.tr("Listing") if listing else self.tr("Certificate")
            if t.validity_years:
                validity = self.tr("valid {years} years").format(years=t.validity_years)
            else:
                validity = self.tr("no fixed validity")
            self.type_info.setText(f"{kind} · {validity}")
        self.type_info.setVisible(t is not None)
        self._apply_defaults()
        self.refresh()

    def _apply_defaults(self, *_args: object) -> None:
        t = self.cert_type()
        if t is None or self._defaulting:
            return
        self._defaulting = True
        try:
            issued = self.issue_date.value()
            if not self._expiry_edited and issued is not None:
                expiry = default_expiry(issued, t.validity_years)
                if expiry is not None:
                    self.expiry_date.set_value(expiry)
            if not self._basis_edited:
                self.basis.setText(t.basis)
        finally:
            self._defaulting = False
        self.refresh()

    def _expiry_changed(self) -> None:
        if not self._defaulting:
            self._expiry_edited = True

    def _basis_changed(self, _text: str) -> None:
        self._basis_edited = True

    # ---------------------------------------------------------------- values
    def data(self) -> CertificateData:
        listing = self.is_listing()
        return CertificateData(
            number=self.number.text(),
            org_id=self.org.org_id(),
            type_code=str(self.type_combo.currentData() or ""),
            body_id=None if listing else self.body_picker.body_id(),
            status=str(self.status.currentData()),
            issue_date=self.issue_date.value(),
            expiry_date=self.expiry_date.value(),
            first_issue_date=self.first_issue_date.value(),
            status_date=self.status_date.value(),
            status_reason=self.status_reason.text(),
            last_surveillance_date=self.last_surveillance_date.value(),
            surveillance_count=self.surveillance_count.value(),
            recert_count=self.recert_count.value(),
            basis=self.basis.text(),
            scope=self.scope.toPlainText(),
            products=self.products.toPlainText(),
            batch_year=self.batch_year.value() if listing else None,
            issuer=self.issuer.text() if listing else "",
            notes=self.notes.toPlainText(),
        )

    def issues(self) -> list[Issue]:
        t = self.cert_type()
        return validate_certificate(replace(self.data()), type_kind=t.kind if t else None,
                                    today=date.today())

    def save(self) -> int:
        data = self.data()
        if self.cert_id is None:
            return certificates.create_certificate(self.register, data)
        certificates.update_certificate(self.register, self.cert_id, data)
        return self.cert_id
