"""The record forms, driven as a clerk would: typing, clicking, Esc."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)
from sqlalchemy import func, select

from greencert_desktop.domain.records import (
    CaseData,
    CertificateData,
    OrganisationData,
)
from greencert_desktop.services import cases, certificates, organisations, subsidies
from greencert_desktop.storage.models import (
    AuditEntry,
    Certificate,
    Organisation,
    Subsidy,
    SupervisionCase,
)
from greencert_desktop.ui import forms
from greencert_desktop.ui.forms import (
    CaseForm,
    CertificateForm,
    DeleteDialog,
    LifecycleDialog,
    OrganisationForm,
    SubsidyForm,
    SurveillanceDialog,
)
from greencert_desktop.ui.forms.pickers import NewBodyDialog

CODE = "91371323760038087M"
CODE_2 = "91330000755918469E"
WRONG_CHECK = "91371323760038087A"  # position 18 should be M


@pytest.fixture
def reg(register):
    register.set("unit_code", "320706")
    return register


@pytest.fixture
def org_id(reg) -> int:
    return organisations.create_organisation(
        reg, OrganisationData(CODE, "连云港绿源食品有限公司", "320706"))


@pytest.fixture
def body_id(reg) -> int:
    return certificates.create_body(reg, "中国质量认证中心", "CNCA-R-2002-001")


@pytest.fixture
def cert_id(reg, org_id, body_id) -> int:
    return certificates.create_certificate(reg, CertificateData(
        "00216Q10097R1S", org_id, "EMS", body_id=body_id, issue_date=date(2024, 3, 1),
        expiry_date=date(2027, 2, 28)))


# The completer popup makes the headless "offscreen" platform plugin complain about what it
# cannot do (raise a window, grab the keyboard); those are its messages, not ours.
popup_noise = pytest.mark.qt_log_ignore(
    r"^This plugin does not support propagateSizeHints\(\)$",
    r"^This plugin does not support raise\(\)$",
    r"^This plugin does not support grabbing the keyboard$",
)


def show(qtbot, dialog: QDialog) -> QDialog:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def child(dialog: QWidget, cls: type, name: str):
    found = dialog.findChild(cls, name)
    assert found is not None, name
    return found


def save(dialog: QDialog) -> QPushButton:
    return child(dialog, QPushButton, "saveButton")


def message(dialog: QWidget, field: str) -> str:
    return child(dialog, QLabel, f"{field}_message").text()


def count(reg, model) -> int:
    with reg.db.reading() as s:
        return s.scalar(select(func.count()).select_from(model))


def audit_rows(reg, entity: str, action: str) -> list[AuditEntry]:
    with reg.db.reading() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.entity == entity,
                                                       AuditEntry.action == action)))


def on_modal(name: str, callback: Callable[[QWidget], None]) -> None:
    """Run ``callback`` on the dialog called ``name`` once exec() has opened it (exec()
    blocks); dialogs that were already open (from earlier steps) are left alone."""
    before = list(QApplication.topLevelWidgets())

    def attempt(tries: int = 100) -> None:
        found = [w for w in QApplication.topLevelWidgets()
                 if w.objectName() == name and w.isVisible() and w.isModal()
                 and not any(w is b for b in before)]
        if not found and tries:
            QTimer.singleShot(20, lambda: attempt(tries - 1))
            return
        assert found, f"no {name} opened"
        callback(found[0])

    QTimer.singleShot(0, attempt)


def type_text(qtbot, widget: QWidget, text: str) -> None:
    """Type as the clerk would: keys for ASCII, an input-method commit for Chinese
    (QTest cannot send key events for characters outside Latin-1)."""
    if text.isascii():
        qtbot.keyClicks(widget, text)
        return
    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def set_combo(combo: QComboBox, data: object) -> None:
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


# ------------------------------------------------------------------ organisations


def test_create_organisation(qtbot, reg) -> None:
    form = show(qtbot, OrganisationForm(reg))
    assert not save(form).isEnabled()
    type_text(qtbot, child(form, QLineEdit, "credit_code"), "9137 1323 7600 3808 7m")
    assert message(form, "credit_code") == ""
    assert not save(form).isEnabled()  # name still missing
    assert "组织名称" in child(form, QLabel, "form_message").text() or \
        "Name" in child(form, QLabel, "form_message").text()
    type_text(qtbot, child(form, QLineEdit, "name"), "连云港绿源食品有限公司")
    type_text(qtbot, child(form, QLineEdit, "industry_code"), "1331")
    assert child(form, QComboBox, "industry_section").currentData() == "C"
    type_text(qtbot, child(form, QLineEdit, "phone"), "0518-85821234")
    child(form, QCheckBox, "specialised").setChecked(True)
    set_combo(child(form, QComboBox, "size"), "小型")
    assert save(form).isEnabled()
    qtbot.mouseClick(save(form), Qt.MouseButton.LeftButton)
    assert form.result() == QDialog.DialogCode.Accepted
    data = organisations.get_organisation(reg, form.saved_id)
    assert (data.credit_code, data.name, data.unit_code) == (CODE, "连云港绿源食品有限公司",
                                                             "320706")
    assert (data.industry_section, data.industry_code, data.size) == ("C", "1331", "小型")
    assert data.specialised and data.phone == "0518-85821234"


def test_wrong_credit_code_says_what_and_blocks_save(qtbot, reg) -> None:
    form = show(qtbot, OrganisationForm(reg))
    type_text(qtbot, child(form, QLineEdit, "name"), "某公司")
    type_text(qtbot, child(form, QLineEdit, "credit_code"), WRONG_CHECK)
    text = message(form, "credit_code")
    assert "第18位" in text and "“M”" in text
    assert not save(form).isEnabled()
    qtbot.mouseClick(save(form), Qt.MouseButton.LeftButton)
    assert form.isVisible() and count(reg, Organisation) == 0


def test_lost_digits_are_named(qtbot, reg) -> None:
    form = show(qtbot, OrganisationForm(reg))
    type_text(qtbot, child(form, QLineEdit, "credit_code"), "9.13207E+17")
    assert "丢失" in message(form, "credit_code")
    assert not child(form, QCheckBox, "code_override").isVisible()
    assert not save(form).isEnabled()


def test_override_needs_a_note_and_is_audited(qtbot, reg) -> None:
    form = show(qtbot, OrganisationForm(reg))
    type_text(qtbot, child(form, QLineEdit, "name"), "早期试点公司")
    type_text(qtbot, child(form, QLineEdit, "credit_code"), WRONG_CHECK)
    override = child(form, QCheckBox, "code_override")
    assert override.isVisible()
    qtbot.mouseClick(override, Qt.MouseButton.LeftButton)
    assert override.isChecked()
    assert not save(form).isEnabled()
    assert message(form, "code_override_note")
    type_text(qtbot, child(form, QLineEdit, "code_override_note"), "营业执照原样")
    assert save(form).isEnabled()
    qtbot.mouseClick(save(form), Qt.MouseButton.LeftButton)
    assert organisations.get_organisation(reg, form.saved_id).credit_code == WRONG_CHECK
    (row,) = audit_rows(reg, "organisation", "create")
    assert "营业执照原样" in row.note


def test_duplicate_code_names_the_existing_record_and_opens_it(qtbot, reg, org_id) -> None:
    form = show(qtbot, OrganisationForm(reg))
    type_text(qtbot, child(form, QLineEdit, "name"), "另一家公司")
    type_text(qtbot, child(form, QLineEdit, "credit_code"), CODE)
    assert "连云港绿源食品有限公司" in message(form, "credit_code")
    assert not save(form).isEnabled()
    button = child(form, QPushButton, "open_existing")
    assert button.isVisible()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert form.result() == QDialog.DialogCode.Rejected
    assert form.open_existing_id == org_id
    assert count(reg, Organisation) == 1


@popup_noise
def test_duplicate_link_through_edit_organisation(qtbot, reg, org_id) -> None:
    seen: list[str] = []

    def second(dialog: QWidget) -> None:
        seen.append(child(dialog, QLineEdit, "name").text())
        dialog.reject()

    def first(dialog: QWidget) -> None:
        type_text(qtbot, child(dialog, QLineEdit, "credit_code"), CODE)
        on_modal("organisationForm", second)
        child(dialog, QPushButton, "open_existing").click()

    on_modal("organisationForm", first)
    assert forms.edit_organisation(None, reg) is None
    assert seen == ["连云港绿源食品有限公司"]


def test_edit_organisation(qtbot, reg, org_id) -> None:
    form = show(qtbot, OrganisationForm(reg, org_id=org_id))
    assert child(form, QLineEdit, "credit_code").text() == CODE
    assert save(form).isEnabled()
    name = child(form, QLineEdit, "name")
    name.selectAll()
    type_text(qtbot, name, "连云港绿源食品股份有限公司")
    set_combo(child(form, QComboBox, "leader_type"), "龙头")
    qtbot.mouseClick(save(form), Qt.MouseButton.LeftButton)
    data = organisations.get_organisation(reg, org_id)
    assert (data.name, data.leader_type) == ("连云港绿源食品股份有限公司", "龙头")
    assert len(audit_rows(reg, "organisation", "update")) == 1


def test_escape_cancels_and_writes_nothing(qtbot, reg) -> None:
    form = show(qtbot, OrganisationForm(reg))
    type_text(qtbot, child(form, QLineEdit, "credit_code"), CODE)
    type_text(qtbot, child(form, QLineEdit, "name"), "某公司")
    assert save(form).isEnabled()
    qtbot.keyClick(child(form, QLineEdit, "name"), Qt.Key.Key_Escape)
    assert form.result() == QDialog.DialogCode.Rejected and not form.isVisible()
    assert count(reg, Organisation) == 0
    assert audit_rows(reg, "organisation", "create") == []


def test_delete_organisation_says_what_goes_with_it(qtbot, reg, org_id, cert_id) -> None:
    dialog = show(qtbot, DeleteDialog(reg, "organisations", [org_id]))
    assert "连云港绿源食品有限公司" in child(dialog, QLabel, "delete_message").text()
    assert "1 张证书" in child(dialog, QLabel, "delete_dependents").text()
    assert child(dialog, QPushButton, "cancelButton").isDefault()
    dialog.close()

    on_modal("deleteDialog", lambda d: child(d, QPushButton, "cancelButton").click())
    assert forms.delete_records(None, reg, "organisation", [org_id]) is False
    assert count(reg, Organisation) == 1 and count(reg, Certificate) == 1

    on_modal("deleteDialog", lambda d: child(d, QPushButton, "deleteButton").click())
    assert forms.delete_records(None, reg, "organisation", [org_id]) is True
    assert count(reg, Organisation) == 0 and count(reg, Certificate) == 0
    assert len(audit_rows(reg, "certificate", "delete")) == 1


# ------------------------------------------------------------------ certificates


@popup_noise
def test_organisation_picker_searches_as_you_type(qtbot, reg, org_id) -> None:
    form = show(qtbot, CertificateForm(reg))
    search = child(form, QLineEdit, "org_search")
    type_text(qtbot, search, "绿源")
    popup = form.org.completer.popup()
    qtbot.waitUntil(popup.isVisible)
    assert popup.model().rowCount() == 1
    popup.setCurrentIndex(popup.model().index(0, 0))
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert form.org.org_id() == org_id
    assert search.text() == f"连云港绿源食品有限公司（{CODE}）"


@popup_noise
def test_create_certificate_with_new_body(qtbot, reg, org_id) -> None:
    form = show(qtbot, CertificateForm(reg))
    search = child(form, QLineEdit, "org_search")
    type_text(qtbot, search, CODE)
    form.org.completer.popup().hide()
    qtbot.keyClick(search, Qt.Key.Key_Return)  # a complete credit code is taken
    assert form.org.org_id() == org_id
    set_combo(child(form, QComboBox, "type_code"), "EMS")
    type_text(qtbot, child(form, QLineEdit, "number"), "00216Q10097R1S")
    assert not save(form).isEnabled()  # no certification body yet

    def add_body(dialog: QWidget) -> None:
        assert not save(dialog).isEnabled()
        type_text(qtbot, child(dialog, QLineEdit, "body_name"), "方圆标志认证集团")
        type_text(qtbot, child(dialog, QLineEdit, "approval_number"), "cnca r 2002 002")
        assert save(dialog).isEnabled()
        save(dialog).click()

    on_modal("newBodyDialog", add_body)
    qtbot.mouseClick(child(form, QPushButton, "new_body"), Qt.MouseButton.LeftButton)
    assert child(form, QComboBox, "body_id").currentText().startswith("方圆标志认证集团")
    issue = child(form, QDateEdit, "issue_date")
    issue.setDate(issue.date().addDays(-10))
    assert save(form).isEnabled()
    qtbot.mouseClick(save(form), Qt.MouseButton.LeftButton)
    data = certificates.get_certificate(reg, form.saved_id)
    issued = date.today() - timedelta(days=10)
    assert (data.type_code, data.number, data.issue_date) == ("EMS", "00216Q10097R1S", issued)
    assert data.expiry_date == date(issued.year + 3, issued.month, issued.day) - timedelta(1) \
        or (issued.month, issued.day) == (2, 29)
    assert "24001" in data.basis  # the catalogue's basis
    assert certificates.find_body(reg, "CNCA-R-2002-002") == data.body_id


def test_expiry_defaults_from_the_type_until_edited(qtbot, reg) -> None:
    form = show(qtbot, CertificateForm(reg))
    issue = child(form, QDateEdit, "issue_date")
    expiry = child(form, QDateEdit, "expiry_date")
    issue.setDate(issue.date().fromString("2024-03-01", "yyyy-MM-dd"))
    set_combo(child(form, QComboBox, "type_code"), "EMS")
    assert expiry.date().toString("yyyy-MM-dd") == "2027-02-28"
    set_combo(child(form, QComboBox, "type_code"), "ORGANIC")
    assert expiry.date().toString("yyyy-MM-dd") == "2025-02-28"
    issue.setDate(issue.date().fromString("2024-06-10", "yyyy-MM-dd"))
    assert expiry.date().toString("yyyy-MM-dd") == "2025-06-09"
    assert expiry.displayFormat() == "yyyy-MM-dd" and expiry.calendarPopup()
    expiry.setDate(expiry.date().fromString("2025-12-31", "yyyy-MM-dd"))  # the clerk's value
    set_combo(child(form, QComboBox, "type_code"), "EMS")
    assert expiry.date().toString("yyyy-MM-dd") == "2025-12-31"


def test_listing_hides_the_body_and_asks_for_a_batch_year(qtbot, reg, org_id) -> None:
    form = show(qtbot, CertificateForm(reg, org_id=org_id))
    assert form.org.org_id() == org_id
    type_combo = child(form, QComboBox, "type_code")
    headers = [i for i in range(type_combo.count())
               if type_combo.itemData(i) is None and i > 0]
    assert headers and not type_combo.model().item(headers[0]).isEnabled()
    set_combo(type_combo, "GREEN_FOOD")
    assert not child(form, QComboBox, "body_id").isVisible()
    assert child(form, QWidget, "batch_year").isVisible()
    assert child(form, QLineEdit, "issuer").isVisible()
    type_text(qtbot, child(form, QLineEdit, "number"), "LB-15-2401234567")
    type_text(qtbot, child(form, QLineEdit, "issuer"), "中国绿色食品发展中心")
    assert save(form).isEnabled()
    qtbot.mouseClick(save(form), Qt.MouseButton.LeftButton)
    data = certificates.get_certificate(reg, form.saved_id)
    assert data.body_id is None and data.batch_year == date.today().year
    assert data.issuer == "中国绿色食品发展中心"


def test_edit_and_delete_certificate(qtbot, reg, cert_id) -> None:
    form = show(qtbot, CertificateForm(reg, cert_id=cert_id))
    assert child(form, QDateEdit, "expiry_date").date().toString("yyyy-MM-dd") == "2027-02-28"
    products = form.findChild(QWidget, "products")
    type_text(qtbot, products, "钢结构件")
    qtbot.mouseClick(save(form), Qt.MouseButton.LeftButton)
    data = certificates.get_certificate(reg, cert_id)
    assert data.products == "钢结构件" and data.expiry_date == date(2027, 2, 28)

    dialog = DeleteDialog(reg, "certificate", [cert_id])
    assert "00216Q10097R1S" in dialog.message.text()
    assert forms.delete_records(None, reg, "certificate", [cert_id], confirm=lambda d: True)
    assert count(reg, Certificate) == 0


def test_lifecycle_changes_status_and_writes_history(qtbot, reg, cert_id) -> None:
    dialog = show(qtbot, LifecycleDialog(reg, cert_id, "suspend"))
    assert child(dialog, QDateEdit, "action_date").date().toPython() == date.today()
    assert not save(dialog).isEnabled()  # the reason is required
    type_text(qtbot, child(dialog, QLineEdit, "reason"), "未按期接受监督审核")
    assert save(dialog).isEnabled()
    qtbot.mouseClick(save(dialog), Qt.MouseButton.LeftButton)
    assert certificates.get_certificate(reg, cert_id).status == "02"
    (row,) = audit_rows(reg, "certificate", "suspend")
    assert row.note == "未按期接受监督审核"

    again = show(qtbot, LifecycleDialog(reg, cert_id, "suspend"))
    type_text(qtbot, child(again, QLineEdit, "reason"), "再次")
    assert not save(again).isEnabled()
    assert "暂停" in child(again, QLabel, "form_message").text()


def test_run_lifecycle_and_surveillance_through_the_interface(qtbot, reg, cert_id) -> None:
    def reinstate(dialog: QWidget) -> None:
        type_text(qtbot, child(dialog, QLineEdit, "reason"), "整改完成")
        save(dialog).click()

    certificates.lifecycle(reg, cert_id, "suspend", on=date.today(), reason="x")
    on_modal("lifecycleDialog", reinstate)
    assert forms.run_lifecycle(None, reg, cert_id, "reinstate") is True
    assert certificates.get_certificate(reg, cert_id).status == "01"

    dialog = show(qtbot, SurveillanceDialog(reg, cert_id))
    type_text(qtbot, child(dialog, QLineEdit, "note"), "第一次监督")
    qtbot.mouseClick(save(dialog), Qt.MouseButton.LeftButton)
    data = certificates.get_certificate(reg, cert_id)
    assert (data.surveillance_count, data.last_surveillance_date) == (1, date.today())
    assert audit_rows(reg, "certificate", "surveillance")[0].note == "第一次监督"


# ------------------------------------------------------------------ subsidies and cases


def test_subsidy_create_edit_delete(qtbot, reg, org_id) -> None:
    form = show(qtbot, SubsidyForm(reg, org_id=org_id))
    assert not save(form).isEnabled()  # amount 0
    amount = child(form, QWidget, "amount")
    amount.selectAll()
    type_text(qtbot, amount, "50000.5")
    type_text(qtbot, child(form, QLineEdit, "doc_number"), "连市监发〔2025〕3号")
    set_combo(child(form, QComboBox, "category"), "领跑者")
    assert save(form).isEnabled()
    qtbot.mouseClick(save(form), Qt.MouseButton.LeftButton)
    sub_id = form.saved_id
    data = subsidies.get_subsidy(reg, sub_id)
    assert (data.amount, data.category, data.org_id) == (Decimal("50000.50"), "领跑者", org_id)

    edit = show(qtbot, SubsidyForm(reg, subsidy_id=sub_id))
    type_text(qtbot, child(edit, QWidget, "notes"), "第一批")
    qtbot.mouseClick(save(edit), Qt.MouseButton.LeftButton)
    assert subsidies.get_subsidy(reg, sub_id).notes == "第一批"

    assert forms.delete_records(None, reg, "subsidy", [sub_id], confirm=lambda d: True)
    assert count(reg, Subsidy) == 0


def test_blacklisting_case_updates_credit_standing(qtbot, reg, org_id, cert_id) -> None:
    form = show(qtbot, CaseForm(reg, org_id=org_id))
    certs = child(form, QComboBox, "certificate_id")
    assert certs.count() == 2
    set_combo(certs, cert_id)
    type_text(qtbot, child(form, QLineEdit, "finding"), "虚标绿色产品")
    warning = child(form, QLabel, "blacklist_warning")
    assert not warning.isVisible()
    qtbot.keyClick(child(form, QCheckBox, "blacklisted"), Qt.Key.Key_Space)
    assert warning.isVisible() and "严重违法失信名单" in warning.text()
    qtbot.mouseClick(save(form), Qt.MouseButton.LeftButton)
    case = cases.get_case(reg, form.saved_id)
    assert case.blacklisted and case.certificate_id == cert_id
    assert organisations.get_organisation(reg, org_id).credit_standing == "严重违法失信名单"


def test_case_edit_and_delete(qtbot, reg, org_id) -> None:
    case_id = cases.create_case(reg, CaseData(date.today(), org_id, "投诉举报"))
    form = show(qtbot, CaseForm(reg, case_id=case_id))
    type_text(qtbot, child(form, QLineEdit, "action"), "责令整改")
    qtbot.mouseClick(save(form), Qt.MouseButton.LeftButton)
    assert cases.get_case(reg, case_id).action == "责令整改"
    assert organisations.get_organisation(reg, org_id).credit_standing == "正常"
    assert forms.delete_records(None, reg, "case", [case_id], confirm=lambda d: True)
    assert count(reg, SupervisionCase) == 0


@popup_noise
def test_new_organisation_from_the_picker_is_selected(qtbot, reg) -> None:
    form = show(qtbot, SubsidyForm(reg))
    type_text(qtbot, child(form, QLineEdit, "org_search"), "新成立公司")

    def fill(dialog: QWidget) -> None:
        assert child(dialog, QLineEdit, "name").text() == "新成立公司"
        type_text(qtbot, child(dialog, QLineEdit, "credit_code"), CODE_2)
        save(dialog).click()

    on_modal("organisationForm", fill)
    qtbot.mouseClick(child(form, QPushButton, "new_organisation"), Qt.MouseButton.LeftButton)
    assert form.org.choice() is not None and form.org.choice().name == "新成立公司"


def test_service_errors_show_next_to_their_field(qtbot, reg, cert_id, org_id, body_id) -> None:
    form = show(qtbot, CertificateForm(reg, org_id=org_id))
    set_combo(child(form, QComboBox, "type_code"), "EMS")
    set_combo(child(form, QComboBox, "body_id"), body_id)
    type_text(qtbot, child(form, QLineEdit, "number"), "00216Q10097R1S")
    qtbot.mouseClick(save(form), Qt.MouseButton.LeftButton)
    assert form.isVisible()
    assert "已存在" in message(form, "number")
    assert not save(form).isEnabled()
    type_text(qtbot, child(form, QLineEdit, "number"), "B")
    assert save(form).isEnabled()


def test_new_body_dialog_validates_the_approval_number(qtbot, reg) -> None:
    dialog = show(qtbot, NewBodyDialog(reg))
    type_text(qtbot, child(dialog, QLineEdit, "body_name"), "某认证公司")
    type_text(qtbot, child(dialog, QLineEdit, "approval_number"), "CNCA-2002-1")
    assert "CNCA-R" in message(dialog, "approval_number")
    assert not save(dialog).isEnabled()
