"""The supervision case form (§十二). Putting the organisation on the serious-dishonesty
list changes its credit standing when the case is saved; the form says so."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit, QWidget

from greencert_desktop.domain.errors import Issue
from greencert_desktop.domain.records import CASE_KINDS, CaseData
from greencert_desktop.domain.validation import validate_case
from greencert_desktop.services import cases, lookups
from greencert_desktop.services.register import Register
from greencert_desktop.ui.forms.form_base import (
    DateField,
    RecordDialog,
    fill_combo,
    select_data,
    warning_label,
)
from greencert_desktop.ui.forms.pickers import OrganisationPicker


class CaseForm(RecordDialog):
    def __init__(self, register: Register, parent: QWidget | None = None,
                 case_id: int | None = None, org_id: int | None = None) -> None:
        super().__init__(register, parent)
        self.setObjectName("caseForm")
        self.case_id = case_id
        self.setWindowTitle(self.tr("New supervision case") if case_id is None
                            else self.tr("Edit supervision case"))
        form = self.new_form()
        self.body.addLayout(form)

        self.inspected_on = DateField("inspected_on", self, optional=False)
        self.add_row(form, "inspected_on", self.tr("Inspected on:"), self.inspected_on)
        self.org = OrganisationPicker(register, self)
        self.add_row(form, "org_id", self.tr("Organisation:"), self.org)
        self.certificate = QComboBox(self)
        self.certificate.setObjectName("certificate_id")
        self.add_row(form, "certificate_id", self.tr("Certificate (optional):"),
                     self.certificate)
        self.kind = QComboBox(self)
        self.kind.setObjectName("kind")
        fill_combo(self.kind, ((k, k) for k in CASE_KINDS))
        self.add_row(form, "kind", self.tr("Kind of inspection:"), self.kind)
        self.finding = QLineEdit(self)
        self.finding.setObjectName("finding")
        self.finding.setPlaceholderText(self.tr("e.g. false green claim"))
        self.add_row(form, "finding", self.tr("Finding:"), self.finding)
        self.action = QLineEdit(self)
        self.action.setObjectName("action")
        self.add_row(form, "action", self.tr("Action taken:"), self.action)
        self.blacklisted = QCheckBox(self.tr("Put on the serious-dishonesty list"), self)
        self.blacklisted.setObjectName("blacklisted")
        self.add_row(form, "blacklisted", self.tr("Credit:"), self.blacklisted)
        self.warning = warning_label("", "blacklist_warning", self)
        self.warning.setVisible(False)
        self.body.addWidget(self.warning)
        self.notes = QPlainTextEdit(self)
        self.notes.setObjectName("notes")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(64)
        self.add_row(form, "notes", self.tr("Notes:"), self.notes)

        self.org.changed.connect(self._org_changed)
        self.blacklisted.toggled.connect(self._update_warning)
        if case_id is not None:
            data = cases.get_case(register, case_id)
        else:
            data = CaseData(inspected_on=date.today(), org_id=org_id, kind=CASE_KINDS[0])
        self.inspected_on.set_value(data.inspected_on)
        self.org.set_org_id(data.org_id)
        self._org_changed()
        select_data(self.certificate, data.certificate_id)
        select_data(self.kind, data.kind)
        self.finding.setText(data.finding)
        self.action.setText(data.action)
        self.blacklisted.setChecked(data.blacklisted)
        self.notes.setPlainText(data.notes)
        if case_id is not None:
            self.touched.update(self.rows)
        self._update_warning()
        self.resize(640, self.sizeHint().height())
        self.finish_setup()

    def _org_changed(self) -> None:
        current = self.certificate.currentData()
        fill_combo(self.certificate,
                   ((c.label, c.id) for c in lookups.certificates_of(self.register,
                                                                     self.org.org_id())),
                   blank=self.tr("— none —"))
        select_data(self.certificate, current)
        self._update_warning()

    def _update_warning(self, *_args: object) -> None:
        choice = self.org.choice()
        on = self.blacklisted.isChecked()
        if on and choice is not None and choice.credit_standing == cases.BLACKLIST:
            text = self.tr("{name} is already on the serious-dishonesty list.").format(
                name=choice.name)
        elif on:
            name = choice.name if choice else self.tr("the organisation")
            text = self.tr("Saving this case changes the credit standing of {name} to "
                           "“{standing}” in the organisation's record.").format(
                name=name, standing=cases.BLACKLIST)
        else:
            text = ""
        self.warning.setText(text)
        self.warning.setVisible(bool(text))

    def data(self) -> CaseData:
        cert = self.certificate.currentData()
        return CaseData(
            inspected_on=self.inspected_on.value(),
            org_id=self.org.org_id(),
            kind=str(self.kind.currentData() or ""),
            finding=self.finding.text(),
            action=self.action.text(),
            blacklisted=self.blacklisted.isChecked(),
            certificate_id=int(cert) if cert is not None else None,
            notes=self.notes.toPlainText(),
        )

    def issues(self) -> list[Issue]:
        return validate_case(replace(self.data()), today=date.today())

    def save(self) -> int:
        data = self.data()
        if self.case_id is None:
            return cases.create_case(self.register, data)
        cases.update_case(self.register, self.case_id, data)
        return self.case_id
