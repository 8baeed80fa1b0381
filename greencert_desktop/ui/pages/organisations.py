"""获证组织: the certified organisations."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from greencert_desktop.services import lookups
from greencert_desktop.services.lists import OrganisationList
from greencert_desktop.services.register import Register
from greencert_desktop.ui.list_page import ListPage


class OrganisationsPage(ListPage):
    kind = "organisation"
    settings_key = "organisations"

    def __init__(self, register: Register, parent: QWidget | None = None) -> None:
        super().__init__(register, OrganisationList(), self.tr("Certified organisations"),
                         parent)
        self.export_name = self.tr("Organisations")
        self.add_combo_filter("unit_code", self.tr("Unit:"), lookups.units(register))
        self.add_combo_filter("industry_section", self.tr("Industry:"),
                              lookups.industry_sections(register))
        self.add_combo_filter("credit_standing", self.tr("Credit standing:"),
                              lookups.credit_standings())
        self.add_combo_filter("leader_type", self.tr("Leader designation:"),
                              lookups.leader_types())
        self.add_combo_filter("has_valid_certificates", self.tr("Valid certificates:"),
                              [(True, self.tr("With valid certificates")),
                               (False, self.tr("Without valid certificates"))])
        self.detail_button = self.add_page_button(
            "detailButton", self.tr("Details"), self.show_detail)
        self.certificates_button = self.add_page_button(
            "certificatesButton", self.tr("Certificates"), self.show_certificates)
        self.finish_setup()

    def new_record(self) -> None:
        from greencert_desktop.ui import forms

        self.after_save(forms.edit_organisation(self, self.register))

    def edit_record(self, record_id: int) -> Any:
        from greencert_desktop.ui import forms

        return forms.edit_organisation(self, self.register, org_id=record_id)

    def show_certificates(self) -> None:
        """Open 证书与名单 filtered to the selected organisation."""
        org_id = self.current_id()
        window = self.window()
        if org_id is None or not hasattr(window, "show_page"):
            return
        window.show_page("certificates")
        window.page("certificates").apply_filters({"org_id": org_id})

    def show_detail(self) -> QWidget | None:
        """The organisation with its certificates, listings, subsidies and cases together."""
        from greencert_desktop.ui.detail import show_organisation

        org_id = self.current_id()
        if org_id is None:
            return None
        dialog = show_organisation(self, self.register, org_id)
        dialog.finished.connect(lambda _result: self.refresh(select=org_id))
        return dialog

    def update_page_buttons(self, rows: list[int]) -> None:
        self.certificates_button.setEnabled(len(rows) == 1)
        self.detail_button.setEnabled(len(rows) == 1)
