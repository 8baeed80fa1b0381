"""The record forms and the small dialogs around them.

Pages call these functions; each opens a modal dialog, writes through the services in one
transaction on Save, and returns what was saved (``None``/``False`` when cancelled).

    edit_organisation(parent, register, org_id=None) -> int | None        # new when None
    edit_certificate(parent, register, cert_id=None, org_id=None) -> int | None
    edit_subsidy(parent, register, subsidy_id=None, org_id=None) -> int | None
    edit_case(parent, register, case_id=None, org_id=None) -> int | None
    run_lifecycle(parent, register, cert_id, action) -> bool             # suspend/revoke/...
    record_surveillance(parent, register, cert_id) -> bool
    delete_records(parent, register, kind, ids) -> bool                  # asks, says what goes

``kind`` for delete_records: "organisation", "certificate", "subsidy" or "case" (plural
forms are accepted too).
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QWidget

from greencert_desktop.domain.status import LifecycleAction
from greencert_desktop.services.register import Register
from greencert_desktop.ui.forms.case_form import CaseForm
from greencert_desktop.ui.forms.certificate_form import CertificateForm
from greencert_desktop.ui.forms.delete import DeleteDialog, delete_records
from greencert_desktop.ui.forms.form_base import run_dialog
from greencert_desktop.ui.forms.lifecycle import LifecycleDialog, SurveillanceDialog
from greencert_desktop.ui.forms.organisation_form import OrganisationForm
from greencert_desktop.ui.forms.subsidy_form import SubsidyForm

__all__ = [
    "CaseForm", "CertificateForm", "DeleteDialog", "LifecycleDialog", "OrganisationForm",
    "SubsidyForm", "SurveillanceDialog", "delete_records", "edit_case", "edit_certificate",
    "edit_organisation", "edit_subsidy", "record_surveillance", "run_lifecycle",
]


def edit_organisation(parent: QWidget | None, register: Register,
                      org_id: int | None = None) -> int | None:
    """New (``org_id`` None) or existing organisation. When the clerk follows the duplicate
    link, the existing record's form opens instead and its id is returned if saved."""
    dialog = OrganisationForm(register, parent, org_id)
    try:
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        existing = dialog.open_existing_id
        saved = dialog.saved_id if accepted else None
    finally:
        dialog.deleteLater()
    if existing is not None:
        return edit_organisation(parent, register, existing)
    return saved


def edit_certificate(parent: QWidget | None, register: Register, cert_id: int | None = None,
                     org_id: int | None = None) -> int | None:
    return run_dialog(CertificateForm(register, parent, cert_id, org_id))


def edit_subsidy(parent: QWidget | None, register: Register, subsidy_id: int | None = None,
                 org_id: int | None = None) -> int | None:
    return run_dialog(SubsidyForm(register, parent, subsidy_id, org_id))


def edit_case(parent: QWidget | None, register: Register, case_id: int | None = None,
              org_id: int | None = None) -> int | None:
    return run_dialog(CaseForm(register, parent, case_id, org_id))


def run_lifecycle(parent: QWidget | None, register: Register, cert_id: int,
                  action: LifecycleAction | str) -> bool:
    return run_dialog(LifecycleDialog(register, cert_id, action, parent)) is not None


def record_surveillance(parent: QWidget | None, register: Register, cert_id: int) -> bool:
    return run_dialog(SurveillanceDialog(register, cert_id, parent)) is not None
