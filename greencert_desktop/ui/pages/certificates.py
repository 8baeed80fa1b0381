"""证书与名单: every certificate and listing, with lifecycle actions."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from greencert_desktop.domain.status import CertStatus, LifecycleAction
from greencert_desktop.services import lookups
from greencert_desktop.services.lists import CertificateList
from greencert_desktop.services.register import Register
from greencert_desktop.ui.list_page import ListPage

EXPIRING_CHOICES = (30, 60, 90, 180, 365)


class CertificatesPage(ListPage):
    kind = "certificate"
    settings_key = "certificates"

    def __init__(self, register: Register, parent: QWidget | None = None) -> None:
        super().__init__(register, CertificateList(), self.tr("Certificates and lists"), parent)
        self.export_name = self.tr("Certificates")
        self.add_combo_filter("status", self.tr("Status:"), lookups.statuses(), main_bar=True)
        self.add_combo_filter(
            "expiring_within", self.tr("Expiring:"),
            [(days, self.tr("within {days} days").format(days=days))
             for days in EXPIRING_CHOICES], all_text=self.tr("Any time"), main_bar=True)
        self.add_check_filter("surveillance_overdue", self.tr("Surveillance overdue"),
                              main_bar=True)
        self.add_combo_filter("type_group", self.tr("Group:"), lookups.type_groups(register))
        self.add_combo_filter("type_code", self.tr("Type:"), lookups.cert_types(register),
                              min_chars=8)
        self.add_combo_filter("unit_code", self.tr("Unit:"), lookups.units(register))
        self.add_combo_filter("body_id", self.tr("Body:"), lookups.bodies(register),
                              min_chars=8)

        self.lifecycle_buttons = {
            LifecycleAction.SUSPEND: self.add_page_button(
                "suspendButton", self.tr("Suspend"),
                lambda: self.lifecycle(LifecycleAction.SUSPEND)),
            LifecycleAction.REVOKE: self.add_page_button(
                "revokeButton", self.tr("Revoke"),
                lambda: self.lifecycle(LifecycleAction.REVOKE)),
            LifecycleAction.CANCEL: self.add_page_button(
                "cancelButton", self.tr("Cancel certificate"),
                lambda: self.lifecycle(LifecycleAction.CANCEL)),
            LifecycleAction.REINSTATE: self.add_page_button(
                "reinstateButton", self.tr("Reinstate"),
                lambda: self.lifecycle(LifecycleAction.REINSTATE)),
        }
        self.surveillance_button = self.add_page_button(
            "surveillanceButton", self.tr("Record surveillance"), self.record_surveillance)
        self.finish_setup()

    def search_hint(self) -> str:
        return self.tr("Search organisation, credit code or certificate number")

    # ---------------------------------------------------------------- records
    def new_record(self) -> None:
        from greencert_desktop.ui import forms

        org_id = self.filters().get("org_id")
        self.after_save(forms.edit_certificate(self, self.register, org_id=org_id))

    def edit_record(self, record_id: int) -> Any:
        from greencert_desktop.ui import forms

        return forms.edit_certificate(self, self.register, cert_id=record_id)

    def lifecycle(self, action: LifecycleAction) -> None:
        from greencert_desktop.ui import forms

        cert_id = self.current_id()
        if cert_id is not None and forms.run_lifecycle(self, self.register, cert_id,
                                                       action.value):
            self.after_save(True, cert_id)

    def record_surveillance(self) -> None:
        from greencert_desktop.ui import forms

        cert_id = self.current_id()
        if cert_id is not None and forms.record_surveillance(self, self.register, cert_id):
            self.after_save(True, cert_id)

    def update_page_buttons(self, rows: list[int]) -> None:
        status = self.model.value(rows[0], "status") if len(rows) == 1 else None
        valid = status == CertStatus.VALID.value
        suspended = status == CertStatus.SUSPENDED.value
        listing = len(rows) == 1 and self.model.value(rows[0], "type_kind") == "listing"
        self.lifecycle_buttons[LifecycleAction.SUSPEND].setEnabled(valid)
        self.lifecycle_buttons[LifecycleAction.REVOKE].setEnabled(valid or suspended)
        self.lifecycle_buttons[LifecycleAction.CANCEL].setEnabled(valid or suspended)
        self.lifecycle_buttons[LifecycleAction.REINSTATE].setEnabled(suspended)
        self.surveillance_button.setEnabled(valid and not listing)
