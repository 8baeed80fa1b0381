"""Lifecycle actions on a certificate (suspend, revoke, cancel, reinstate) and recording a
surveillance audit: each with a date and a reason, each one audited service call."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from greencert_desktop.domain.errors import Issue, ValidationError
from greencert_desktop.domain.status import LifecycleAction, apply_lifecycle
from greencert_desktop.domain.text import normalize_text
from greencert_desktop.services import certificates, lookups
from greencert_desktop.services.register import Register
from greencert_desktop.ui.forms.form_base import DateField, RecordDialog


def _summary_label(register: Register, cert_id: int, parent: QWidget) -> tuple[QLabel, object]:
    summary = lookups.certificate_summary(register, cert_id)
    label = QLabel(parent)
    label.setObjectName("certificate_summary")
    label.setWordWrap(True)
    issued = summary.issue_date.isoformat() if summary.issue_date else "—"
    expiry = summary.expiry_date.isoformat() if summary.expiry_date else "—"
    label.setText(f"<b>{summary.number}</b>　{summary.type_name}<br>{summary.org_name}<br>"
                  f"{summary.effective.value} {summary.effective.label}　{issued} ～ {expiry}")
    return label, summary


class LifecycleDialog(RecordDialog):
    """暂停 / 撤销 / 注销 / 恢复 with a date (default today) and a required reason."""

    def __init__(self, register: Register, cert_id: int, action: LifecycleAction | str,
                 parent: QWidget | None = None) -> None:
        super().__init__(register, parent)
        self.setObjectName("lifecycleDialog")
        self.cert_id = cert_id
        self.action = LifecycleAction(action)
        titles = {
            LifecycleAction.SUSPEND: self.tr("Suspend certificate"),
            LifecycleAction.REVOKE: self.tr("Revoke certificate"),
            LifecycleAction.CANCEL: self.tr("Cancel certificate"),
            LifecycleAction.REINSTATE: self.tr("Reinstate certificate"),
        }
        self.setWindowTitle(titles[self.action])
        label, self.summary = _summary_label(register, cert_id, self)
        self.body.addWidget(label)
        form = self.new_form()
        self.body.addLayout(form)
        self.action_date = DateField("action_date", self, optional=False, value=date.today())
        self.add_row(form, "action_date", self.tr("Date:"), self.action_date)
        self.reason = QLineEdit(self)
        self.reason.setObjectName("reason")
        self.reason.setMinimumWidth(360)
        self.add_row(form, "reason", self.tr("Reason:"), self.reason)
        self.save_button.setText(titles[self.action])
        self.resize(520, self.sizeHint().height())
        self.finish_setup()

    def issues(self) -> list[Issue]:
        try:
            apply_lifecycle(self.action, self.summary.effective,  # type: ignore[attr-defined]
                            action_date=self.action_date.value(), reason=self.reason.text(),
                            issue_date=self.summary.issue_date,  # type: ignore[attr-defined]
                            today=date.today())
        except ValidationError as error:
            return error.issues
        return []

    def save(self) -> int:
        certificates.lifecycle(self.register, self.cert_id, self.action,
                               on=self.action_date.value(), reason=self.reason.text())
        return self.cert_id


class SurveillanceDialog(RecordDialog):
    """Record a surveillance audit: date (default today) and a note."""

    def __init__(self, register: Register, cert_id: int, parent: QWidget | None = None) -> None:
        super().__init__(register, parent)
        self.setObjectName("surveillanceDialog")
        self.cert_id = cert_id
        self.setWindowTitle(self.tr("Record surveillance audit"))
        label, self.summary = _summary_label(register, cert_id, self)
        self.body.addWidget(label)
        form = self.new_form()
        self.body.addLayout(form)
        self.action_date = DateField("action_date", self, optional=False, value=date.today())
        self.add_row(form, "action_date", self.tr("Audit date:"), self.action_date)
        self.note = QLineEdit(self)
        self.note.setObjectName("note")
        self.note.setMinimumWidth(360)
        self.add_row(form, "note", self.tr("Note:"), self.note)
        self.resize(520, self.sizeHint().height())
        self.finish_setup()

    def issues(self) -> list[Issue]:
        on = self.action_date.value()
        issued = self.summary.issue_date  # type: ignore[attr-defined]
        if on is None:
            return [Issue("action_date", "监督审核日期不能为空")]
        if on > date.today():
            return [Issue("action_date", "监督审核日期不能晚于今天")]
        if issued and on < issued:
            return [Issue("action_date", "监督审核日期不能早于发证日期")]
        return []

    def save(self) -> int:
        certificates.record_surveillance(self.register, self.cert_id,
                                         on=self.action_date.value(),
                                         note=normalize_text(self.note.text()))
        return self.cert_id
