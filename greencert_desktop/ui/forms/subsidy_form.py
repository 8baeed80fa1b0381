"""The subsidy / leading-unit form (§十五): year, organisation, category, amount in yuan."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from greencert_desktop.domain.errors import Issue
from greencert_desktop.domain.records import SUBSIDY_CATEGORIES, SubsidyData
from greencert_desktop.domain.validation import AMOUNT_MAX, FIRST_SUBSIDY_YEAR, validate_subsidy
from greencert_desktop.services import subsidies
from greencert_desktop.services.register import Register
from greencert_desktop.ui.forms.form_base import DateField, RecordDialog, fill_combo, select_data
from greencert_desktop.ui.forms.pickers import OrganisationPicker


class SubsidyForm(RecordDialog):
    def __init__(self, register: Register, parent: QWidget | None = None,
                 subsidy_id: int | None = None, org_id: int | None = None) -> None:
        super().__init__(register, parent)
        self.setObjectName("subsidyForm")
        self.subsidy_id = subsidy_id
        self.setWindowTitle(self.tr("New subsidy or leading-unit record") if subsidy_id is None
                            else self.tr("Edit subsidy or leading-unit record"))
        form = self.new_form()
        self.body.addLayout(form)

        self.year = QSpinBox(self)
        self.year.setObjectName("year")
        self.year.setRange(FIRST_SUBSIDY_YEAR, date.today().year + 1)
        self.year.setValue(date.today().year)
        self.add_row(form, "year", self.tr("Year:"), self.year)
        self.org = OrganisationPicker(register, self)
        self.add_row(form, "org_id", self.tr("Organisation:"), self.org)
        self.category = QComboBox(self)
        self.category.setObjectName("category")
        fill_combo(self.category, ((c, c) for c in SUBSIDY_CATEGORIES))
        self.add_row(form, "category", self.tr("Category:"), self.category)
        self.amount = QDoubleSpinBox(self)
        self.amount.setObjectName("amount")
        self.amount.setDecimals(2)
        self.amount.setRange(0, float(AMOUNT_MAX))
        self.amount.setGroupSeparatorShown(True)
        self.amount.setSuffix(self.tr(" yuan"))
        self.amount.setMinimumWidth(180)
        self.add_row(form, "amount", self.tr("Amount:"), self.amount)
        self.doc_number = QLineEdit(self)
        self.doc_number.setObjectName("doc_number")
        self.doc_number.setPlaceholderText(self.tr("e.g. 连市监发〔2025〕12号"))
        self.add_row(form, "doc_number", self.tr("Document number:"), self.doc_number)
        self.granted_on = DateField("granted_on", self)
        self.add_row(form, "granted_on", self.tr("Granted on:"), self.granted_on)
        self.notes = QPlainTextEdit(self)
        self.notes.setObjectName("notes")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(64)
        self.add_row(form, "notes", self.tr("Notes:"), self.notes)

        if subsidy_id is not None:
            data = subsidies.get_subsidy(register, subsidy_id)
        else:
            data = SubsidyData(year=date.today().year, org_id=org_id,
                               category=SUBSIDY_CATEGORIES[0], amount=Decimal(0))
        self.year.setValue(data.year)
        self.org.set_org_id(data.org_id)
        select_data(self.category, data.category)
        self.amount.setValue(float(data.amount))
        self.doc_number.setText(data.doc_number)
        self.granted_on.set_value(data.granted_on)
        self.notes.setPlainText(data.notes)
        if subsidy_id is not None:
            self.touched.update(self.rows)
        self.resize(620, self.sizeHint().height())
        self.finish_setup()

    def data(self) -> SubsidyData:
        return SubsidyData(
            year=self.year.value(),
            org_id=self.org.org_id(),
            category=str(self.category.currentData() or ""),
            amount=Decimal(f"{self.amount.value():.2f}"),
            doc_number=self.doc_number.text(),
            granted_on=self.granted_on.value(),
            notes=self.notes.toPlainText(),
        )

    def issues(self) -> list[Issue]:
        return validate_subsidy(replace(self.data()), today=date.today())

    def save(self) -> int:
        data = self.data()
        if self.subsidy_id is None:
            return subsidies.create_subsidy(self.register, data)
        subsidies.update_subsidy(self.register, self.subsidy_id, data)
        return self.subsidy_id
