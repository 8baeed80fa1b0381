"""The organisation form: every field of the domain reference, the credit code checked as
typed, an override with a required note for early pilot codes, and a refused duplicate
with a button that opens the record already registered."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QRegularExpression
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from greencert_desktop.domain import credit_code
from greencert_desktop.domain.errors import Issue, ValidationError
from greencert_desktop.domain.records import (
    CREDIT_STANDINGS,
    LEADER_TYPES,
    SIZES,
    OrganisationData,
)
from greencert_desktop.domain.validation import section_for_division, validate_organisation
from greencert_desktop.services import lookups, organisations
from greencert_desktop.services.organisations import DuplicateOrganisation
from greencert_desktop.services.register import Register
from greencert_desktop.ui.forms.form_base import RecordDialog, fill_combo, select_data


class OrganisationForm(RecordDialog):
    def __init__(self, register: Register, parent: QWidget | None = None,
                 org_id: int | None = None, initial: dict[str, str] | None = None) -> None:
        super().__init__(register, parent)
        self.setObjectName("organisationForm")
        self.org_id = org_id
        self.open_existing_id: int | None = None
        self._duplicate: tuple[int, str] | None = None
        self.setWindowTitle(self.tr("New organisation") if org_id is None
                            else self.tr("Edit organisation"))
        self._units = lookups.units(register)
        self._sections = register.reference.section_ranges()

        left, right = self.new_form(), self.new_form()
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addSpacing(16)
        columns.addLayout(right, 1)
        self.body.addLayout(columns)

        # -- identity and the credit code
        self.credit_code = QLineEdit(self)
        self.credit_code.setObjectName("credit_code")
        self.credit_code.setPlaceholderText(self.tr("18 characters, e.g. 91320700MA1XXXXXXX"))
        self.credit_code.setMaxLength(40)
        code_box = QWidget(self)
        code_layout = QHBoxLayout(code_box)
        code_layout.setContentsMargins(0, 0, 0, 0)
        code_layout.addWidget(self.credit_code, 1)
        self.open_existing = QPushButton(self.tr("Open the existing record"), self)
        self.open_existing.setObjectName("open_existing")
        self.open_existing.setAutoDefault(False)
        self.open_existing.setVisible(False)
        self.open_existing.clicked.connect(self._open_existing)
        code_layout.addWidget(self.open_existing)
        self.add_row(left, "credit_code", self.tr("Credit code:"), code_box,
                     watch=self.credit_code)

        self.override = QCheckBox(self.tr("Keep this code although its check character fails "
                                          "(early pilot code)"), self)
        self.override.setObjectName("code_override")
        self.override_note = QLineEdit(self)
        self.override_note.setObjectName("code_override_note")
        self.override_note.setPlaceholderText(
            self.tr("Why the code is kept, e.g. as printed on the business licence"))
        override_box = QWidget(self)
        override_layout = QVBoxLayout(override_box)
        override_layout.setContentsMargins(0, 0, 0, 0)
        override_layout.addWidget(self.override)
        override_layout.addWidget(self.override_note)
        self.add_row(left, "code_override_note", self.tr("Override:"), override_box,
                     watch=self.override_note)
        self.watch(self.override, "code_override_note")
        self.override.toggled.connect(self.override_note.setEnabled)

        self.name = QLineEdit(self)
        self.name.setObjectName("name")
        self.add_row(left, "name", self.tr("Name:"), self.name)

        self.unit = QComboBox(self)
        self.unit.setObjectName("unit_code")
        fill_combo(self.unit, ((f"{name}（{code}）", code) for code, name in self._units),
                   blank=self.tr("— choose —"))
        self.add_row(left, "unit_code", self.tr("Unit:"), self.unit)

        self.address = QLineEdit(self)
        self.address.setObjectName("address")
        self.add_row(left, "address", self.tr("Address:"), self.address)

        self.section = QComboBox(self)
        self.section.setObjectName("industry_section")
        fill_combo(self.section, ((label, code)
                                  for code, label in lookups.industry_sections(register)),
                   blank="")
        self.industry_code = QLineEdit(self)
        self.industry_code.setObjectName("industry_code")
        self.industry_code.setMaxLength(4)
        self.industry_code.setPlaceholderText(self.tr("4-digit class"))
        self.industry_code.setValidator(QRegularExpressionValidator(
            QRegularExpression(r"[0-9０-９]{0,4}"), self.industry_code))
        self.industry_code.setMaximumWidth(110)
        self.industry_code.textEdited.connect(self._section_from_code)
        self.add_row(left, "industry_section", self.tr("Industry section:"), self.section)
        self.add_row(left, "industry_code", self.tr("Industry class (GB/T 4754):"),
                     self.industry_code)

        # -- the right column
        self.size_combo = QComboBox(self)
        self.size_combo.setObjectName("size")
        fill_combo(self.size_combo, ((s, s) for s in SIZES), blank="")
        self.add_row(right, "size", self.tr("Size:"), self.size_combo)

        self.contact = QLineEdit(self)
        self.contact.setObjectName("contact")
        self.add_row(right, "contact", self.tr("Contact person:"), self.contact)
        self.phone = QLineEdit(self)
        self.phone.setObjectName("phone")
        self.phone.setPlaceholderText("0518-85821234")
        self.add_row(right, "phone", self.tr("Phone:"), self.phone)

        self.standing = QComboBox(self)
        self.standing.setObjectName("credit_standing")
        fill_combo(self.standing, ((s, s) for s in CREDIT_STANDINGS))
        self.add_row(right, "credit_standing", self.tr("Credit standing:"), self.standing)

        self.leader = QComboBox(self)
        self.leader.setObjectName("leader_type")
        fill_combo(self.leader, ((t, t) for t in LEADER_TYPES), blank=self.tr("None"))
        self.add_row(right, "leader_type", self.tr("Leader designation:"), self.leader)

        flags = QWidget(self)
        flags_layout = QHBoxLayout(flags)
        flags_layout.setContentsMargins(0, 0, 0, 0)
        self.specialised = QCheckBox(self.tr("Specialised and innovative SME"), self)
        self.specialised.setObjectName("specialised")
        self.high_tech = QCheckBox(self.tr("High-tech enterprise"), self)
        self.high_tech.setObjectName("high_tech")
        flags_layout.addWidget(self.specialised)
        flags_layout.addWidget(self.high_tech)
        flags_layout.addStretch(1)
        self.add_row(right, "flags", self.tr("Designations:"), flags, watch=self.specialised)
        self.watch(self.high_tech, "flags")

        self.notes = QPlainTextEdit(self)
        self.notes.setObjectName("notes")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(70)
        self.add_row(right, "notes", self.tr("Notes:"), self.notes)

        hint = QLabel(self.tr("The credit code is checked as you type; Save is enabled when "
                              "every field is valid."), self)
        hint.setObjectName("form_hint")
        hint.setStyleSheet("color: palette(mid);")
        hint.setWordWrap(True)
        self.body.addWidget(hint)

        self.credit_code.textChanged.connect(self._code_changed)
        self._load(initial or {})
        self.resize(980, self.sizeHint().height())
        self.finish_setup()

    # ---------------------------------------------------------------- loading
    def _load(self, initial: dict[str, str]) -> None:
        if self.org_id is not None:
            data = organisations.get_organisation(self.register, self.org_id)
        else:
            default_unit = self.register.unit_code
            data = OrganisationData(credit_code="", name="", unit_code=default_unit)
            for key, value in initial.items():
                setattr(data, key, value)
        self.credit_code.setText(data.credit_code)
        self.override.setChecked(bool(data.code_override_note))
        self.override_note.setText(data.code_override_note)
        self.override_note.setEnabled(self.override.isChecked())
        self.name.setText(data.name)
        select_data(self.unit, data.unit_code or None)
        self.address.setText(data.address)
        select_data(self.section, data.industry_section or None)
        self.industry_code.setText(data.industry_code)
        select_data(self.size_combo, data.size or None)
        self.contact.setText(data.contact)
        self.phone.setText(data.phone)
        select_data(self.standing, data.credit_standing)
        select_data(self.leader, data.leader_type or None)
        self.specialised.setChecked(data.specialised)
        self.high_tech.setChecked(data.high_tech)
        self.notes.setPlainText(data.notes)
        if self.org_id is not None:
            self.touched.update(self.rows)
        elif initial:
            self.touched.update(initial)
        self._code_changed()

    # ---------------------------------------------------------------- values
    def data(self) -> OrganisationData:
        keep = self.override.isChecked() and credit_code.check(self.credit_code.text()).overridable
        note = self.override_note.text() if keep else ""
        return OrganisationData(
            credit_code=self.credit_code.text(),
            name=self.name.text(),
            unit_code=str(self.unit.currentData() or ""),
            address=self.address.text(),
            industry_section=str(self.section.currentData() or ""),
            industry_code=self.industry_code.text(),
            size=str(self.size_combo.currentData() or ""),
            contact=self.contact.text(),
            phone=self.phone.text(),
            credit_standing=str(self.standing.currentData() or "正常"),
            leader_type=str(self.leader.currentData() or ""),
            specialised=self.specialised.isChecked(),
            high_tech=self.high_tech.isChecked(),
            code_override_note=note,
            notes=self.notes.toPlainText(),
        )

    def _section_from_code(self, text: str) -> None:
        digits = credit_code.normalize(text)
        if len(digits) >= 2 and digits[:2].isdigit():
            letter = section_for_division(int(digits[:2]), self._sections)
            if letter and not self.section.currentData():
                select_data(self.section, letter)

    def _code_changed(self, *_args: object) -> None:
        result = credit_code.check(self.credit_code.text())
        self.override.setVisible(result.overridable or self.override.isChecked())
        self.set_row_visible("code_override_note", result.overridable)
        self._duplicate = None
        if result.ok or result.overridable:
            found = lookups.organisation_by_code(self.register, result.code)
            if found is not None and found.id != self.org_id:
                self._duplicate = (found.id, found.name)
        self.open_existing.setVisible(self._duplicate is not None)
        self.refresh()

    def issues(self) -> list[Issue]:
        data = self.data()
        result = credit_code.check(data.credit_code)
        units = {str(code) for code, _ in self._units}
        found = validate_organisation(replace(data), unit_codes=units, sections=self._sections)
        if (result.overridable and self.override.isChecked()
                and not data.code_override_note.strip()):
            found.append(Issue("code_override_note",
                               "请填写保留该信用代码的说明（审计日志会记录）"))
        if self._duplicate is not None:
            existing_id, name = self._duplicate
            found += DuplicateOrganisation(existing_id, result.code, name).issues
        return found

    def refresh(self) -> None:
        super().refresh()
        if self._loading:
            return
        result = credit_code.check(self.credit_code.text())
        row = self.rows["credit_code"]
        if result.overridable and self.override.isChecked() and not row.message.text():
            row.message.setText(result.message + "（已按早期试点代码保留）")
            row.message.setVisible(True)

    # ---------------------------------------------------------------- actions
    def _open_existing(self) -> None:
        if self._duplicate is not None:
            self.open_existing_id = self._duplicate[0]
            self.reject()

    def save(self) -> int:
        data = self.data()
        if self.org_id is None:
            return organisations.create_organisation(self.register, data)
        organisations.update_organisation(self.register, self.org_id, data)
        return self.org_id

    def handle_validation_error(self, error: ValidationError) -> None:
        if isinstance(error, DuplicateOrganisation):
            found = lookups.organisation(self.register, error.existing_id)
            self._duplicate = (error.existing_id, found.name if found else "")
            self.open_existing.setVisible(True)
        super().handle_validation_error(error)
