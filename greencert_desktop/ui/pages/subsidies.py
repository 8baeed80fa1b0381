"""奖补与引领: subsidies and leading-unit designations."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from greencert_desktop.services import lookups
from greencert_desktop.services.lists import SubsidyList
from greencert_desktop.services.register import Register
from greencert_desktop.ui.list_page import ListPage


class SubsidiesPage(ListPage):
    kind = "subsidy"
    settings_key = "subsidies"

    def __init__(self, register: Register, parent: QWidget | None = None) -> None:
        super().__init__(register, SubsidyList(), self.tr("Subsidies and leading enterprises"),
                         parent)
        self.export_name = self.tr("Subsidies")
        self.add_combo_filter("year", self.tr("Year:"), lookups.subsidy_years(register))
        self.add_combo_filter("category", self.tr("Category:"), lookups.subsidy_categories())
        self.add_combo_filter("unit_code", self.tr("Unit:"), lookups.units(register))
        self.finish_setup()

    def search_hint(self) -> str:
        return self.tr("Search organisation, credit code or document number")

    def new_record(self) -> None:
        from greencert_desktop.ui import forms

        org_id = self.filters().get("org_id")
        self.after_save(forms.edit_subsidy(self, self.register, org_id=org_id))

    def edit_record(self, record_id: int) -> Any:
        from greencert_desktop.ui import forms

        return forms.edit_subsidy(self, self.register, subsidy_id=record_id)
