"""Deleting records: a confirmation that says what will be deleted and what goes with it,
then one service call (one transaction) per record."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from greencert_desktop.domain.errors import UserError
from greencert_desktop.services import cases, certificates, lookups, organisations, subsidies
from greencert_desktop.services.register import Register
from greencert_desktop.ui.forms.form_base import WARNING_STYLE

KINDS = {
    "organisation": "organisation", "organisations": "organisation",
    "certificate": "certificate", "certificates": "certificate", "listing": "certificate",
    "subsidy": "subsidy", "subsidies": "subsidy",
    "case": "case", "cases": "case", "supervision": "case",
}
SHOWN = 10



class DeleteDialog(QDialog):
    """Confirmation: the records, and for organisations what is deleted along with them."""

    def __init__(self, register: Register, kind: str, ids: Sequence[int],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("deleteDialog")
        self.register = register
        self.kind = KINDS[kind]
        self.ids = list(ids)
        self.with_dependents: dict[int, bool] = {}
        self.setWindowTitle(self.tr("Delete records"))
        layout = QVBoxLayout(self)
        names = [self._describe(i) for i in self.ids]
        what = {
            "organisation": self.tr("organisation(s)"),
            "certificate": self.tr("certificate(s) or listing(s)"),
            "subsidy": self.tr("subsidy record(s)"),
            "case": self.tr("supervision case(s)"),
        }[self.kind]
        lines = [f"· {n}" for n in names[:SHOWN]]
        if len(names) > SHOWN:
            lines.append(self.tr("… and {count} more").format(count=len(names) - SHOWN))
        self.message = QLabel(self.tr("Delete {count} {what}?").format(count=len(self.ids),
                                                                        what=what)
                              + "\n" + "\n".join(lines), self)
        self.message.setObjectName("delete_message")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        extra = self._dependents_text()
        self.dependents = QLabel(extra, self)
        self.dependents.setObjectName("delete_dependents")
        self.dependents.setWordWrap(True)
        self.dependents.setStyleSheet(WARNING_STYLE)
        self.dependents.setVisible(bool(extra))
        layout.addWidget(self.dependents)
        note = QLabel(self.tr("Each deletion is recorded in the audit log. This cannot be "
                              "undone here."), self)
        note.setStyleSheet("color: palette(mid);")
        note.setWordWrap(True)
        layout.addWidget(note)
        buttons = QDialogButtonBox(self)
        self.delete_button = buttons.addButton(self.tr("Delete"),
                                               QDialogButtonBox.ButtonRole.AcceptRole)
        self.delete_button.setObjectName("deleteButton")
        self.delete_button.setAutoDefault(False)
        self.cancel_button = buttons.addButton(self.tr("Cancel"),
                                               QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.setDefault(True)
        self.cancel_button.setFocus(Qt.FocusReason.OtherFocusReason)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def _describe(self, record_id: int) -> str:
        try:
            if self.kind == "organisation":
                org = organisations.get_organisation(self.register, record_id)
                return f"{org.name}（{org.credit_code}）"
            if self.kind == "certificate":
                s = lookups.certificate_summary(self.register, record_id)
                return f"{s.number} {s.type_name} — {s.org_name}"
            if self.kind == "subsidy":
                sub = subsidies.get_subsidy(self.register, record_id)
                org = lookups.organisation(self.register, sub.org_id)
                return f"{sub.year} {sub.category} {sub.amount:,.2f} — {org.name if org else ''}"
            case = cases.get_case(self.register, record_id)
            org = lookups.organisation(self.register, case.org_id)
            on = case.inspected_on.isoformat() if case.inspected_on else ""
            return f"{on} {case.kind} — {org.name if org else ''}"
        except UserError as error:
            return error.message

    def _dependents_text(self) -> str:
        if self.kind != "organisation":
            return ""
        lines = []
        for org_id in self.ids:
            deps = organisations.dependents(self.register, org_id)
            self.with_dependents[org_id] = bool(deps.total)
            if deps.total:
                org = lookups.organisation(self.register, org_id)
                lines.append(self.tr("“{name}” still has {what}; they will be deleted with "
                                     "it.").format(name=org.name if org else org_id,
                                                   what=deps.describe()))
        return "\n".join(lines)

    def delete_one(self, record_id: int) -> None:
        """One record, in its own transaction (an organisation with its dependents)."""
        if self.kind == "organisation":
            organisations.delete_organisation(
                self.register, record_id,
                with_dependents=self.with_dependents.get(record_id, False))
        elif self.kind == "certificate":
            certificates.delete_certificate(self.register, record_id)
        elif self.kind == "subsidy":
            subsidies.delete_subsidy(self.register, record_id)
        else:
            cases.delete_case(self.register, record_id)

    def delete_all(self) -> tuple[int, list[str]]:
        deleted, failures = 0, []
        for record_id in self.ids:
            try:
                self.delete_one(record_id)
            except UserError as error:
                failures.append(error.message)
            else:
                deleted += 1
        return deleted, failures


def delete_records(parent: QWidget | None, register: Register, kind: str,
                   ids: Sequence[int],
                   confirm: Callable[[DeleteDialog], bool] | None = None) -> bool:
    """Ask, then delete; True when at least one record was deleted."""
    if not ids:
        return False
    if kind not in KINDS:
        raise ValueError(f"unknown record kind: {kind!r}")
    dialog = DeleteDialog(register, kind, ids, parent)
    try:
        ok = confirm(dialog) if confirm else dialog.exec() == QDialog.DialogCode.Accepted
        if not ok:
            return False
        deleted, failures = dialog.delete_all()
    finally:
        dialog.deleteLater()
    if failures:
        title = QCoreApplication.translate("DeleteDialog", "Delete records")
        text = QCoreApplication.translate(
            "DeleteDialog", "{count} record(s) could not be deleted:").format(count=len(failures))
        box = QMessageBox(QMessageBox.Icon.Warning, title, text + "\n" + "\n".join(failures),
                          QMessageBox.StandardButton.Ok, parent)
        box.setObjectName("deleteFailures")
        box.exec()
    return deleted > 0
