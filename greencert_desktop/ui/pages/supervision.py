"""监督检查: supervision cases."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from greencert_desktop.services import lookups
from greencert_desktop.services.lists import CaseList
from greencert_desktop.services.register import Register
from greencert_desktop.ui.list_page import ListPage


class SupervisionPage(ListPage):
    kind = "case"
    settings_key = "supervision"

    def __init__(self, register: Register, parent: QWidget | None = None) -> None:
        super().__init__(register, CaseList(), self.tr("Supervision and inspection"), parent)
        self.export_name = self.tr("Supervision cases")
        self.add_combo_filter("kind", self.tr("Kind:"), lookups.case_kinds())
        self.add_combo_filter("blacklisted", self.tr("Serious dishonesty list:"),
                              [(True, self.tr("Listed")), (False, self.tr("Not listed"))])
        self.add_combo_filter("unit_code", self.tr("Unit:"), lookups.units(register))
        self.finish_setup()

    def search_hint(self) -> str:
        return self.tr("Search organisation, credit code or finding")

    def new_record(self) -> None:
        from greencert_desktop.ui import forms

        org_id = self.filters().get("org_id")
        self.after_save(forms.edit_case(self, self.register, org_id=org_id))

    def edit_record(self, record_id: int) -> Any:
        from greencert_desktop.ui import forms

        return forms.edit_case(self, self.register, case_id=record_id)
