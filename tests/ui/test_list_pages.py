"""The record list pages, driven as a clerk would: filters, sorting, copy, export."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QCheckBox, QComboBox, QDialog, QLabel, QLineEdit, QTableView

from greencert_desktop.domain.credit_code import make_code
from greencert_desktop.domain.records import (
    CaseData,
    CertificateData,
    OrganisationData,
    SubsidyData,
)
from greencert_desktop.services import cases, certificates, organisations, subsidies
from greencert_desktop.ui import forms
from greencert_desktop.ui.main_window import MainWindow
from greencert_desktop.ui.pages.certificates import CertificatesPage
from greencert_desktop.ui.pages.organisations import OrganisationsPage
from greencert_desktop.ui.pages.subsidies import SubsidiesPage
from greencert_desktop.ui.pages.supervision import SupervisionPage

TODAY = date.today()
FORMULA_NAME = "=HYPERLINK(\"http://x\")连云港公司"


@pytest.fixture
def reg(register):
    a = organisations.create_organisation(register, OrganisationData(
        credit_code=make_code("9", "1", "320706", "40000001"), name="连云港海泰化工有限公司",
        unit_code="320706", industry_section="C", industry_code="2614"))
    b = organisations.create_organisation(register, OrganisationData(
        credit_code=make_code("9", "3", "320722", "40000002"), name=FORMULA_NAME,
        unit_code="320722", industry_section="A", industry_code="0151", leader_type="龙头"))
    body = certificates.create_body(register, "中国质量认证中心", "CNCA-R-2002-001")
    for org, number, days in ((a, "0012A", 900), (a, "0012B", -20), (b, "0099C", 40)):
        certificates.create_certificate(register, CertificateData(
            number=number, org_id=org, type_code="EMS", body_id=body,
            issue_date=TODAY - timedelta(days=1000), expiry_date=TODAY + timedelta(days=days)))
    subsidies.create_subsidy(register, SubsidyData(
        year=TODAY.year, org_id=b, category="引领单位", amount=Decimal("50000"),
        doc_number="-连财1号"))
    cases.create_case(register, CaseData(inspected_on=TODAY, org_id=a, kind="专项检查",
                                         finding="标志使用不规范"))
    return register


def _page(qtbot, cls, reg):
    page = cls(reg)
    qtbot.addWidget(page)
    page.resize(1200, 600)
    page.show()
    qtbot.waitExposed(page)
    return page


def _numbers(page):
    return [page.model.row(r)["number"] for r in range(page.model.rowCount())]


def test_every_page_has_the_list_widgets(qtbot, reg):
    for cls, count in ((CertificatesPage, 3), (OrganisationsPage, 2), (SubsidiesPage, 1),
                       (SupervisionPage, 1)):
        page = _page(qtbot, cls, reg)
        assert isinstance(page.findChild(QLineEdit, "filterText"), QLineEdit)
        table = page.findChild(QTableView, "table")
        assert table.model().rowCount() == count
        assert table.isSortingEnabled()
        assert table.selectionMode() == QTableView.SelectionMode.ExtendedSelection
        assert page.findChild(QLabel, "rowCount").text() == f"{count} records"


def test_filters_change_the_rows_shown(qtbot, reg):
    page = _page(qtbot, CertificatesPage, reg)
    assert sorted(_numbers(page)) == ["0012A", "0012B", "0099C"]
    status = page.findChild(QComboBox, "filter_status")
    status.setCurrentIndex(status.findData("05"))
    assert _numbers(page) == ["0012B"]
    assert page.count_label.text() == "1 records"
    page.clear_filters()
    page.filter_text.insert("海泰")  # as an input method would (keyClicks is ASCII only)
    qtbot.waitUntil(lambda: sorted(_numbers(page)) == ["0012A", "0012B"])
    page.findChild(QComboBox, "filter_expiring_within").setCurrentIndex(
        page.findChild(QComboBox, "filter_expiring_within").findData(90))
    assert _numbers(page) == []
    page.filter_text.clear()
    page.apply_now()
    assert _numbers(page) == ["0099C"]
    page.apply_filters({"status": "01", "text": "0012"})
    assert _numbers(page) == ["0012A"]
    assert page.filter_text.text() == "0012"


def test_organisation_filters(qtbot, reg):
    page = _page(qtbot, OrganisationsPage, reg)
    leader = page.findChild(QComboBox, "filter_leader_type")
    leader.setCurrentIndex(leader.findData("龙头"))
    assert [page.model.row(r)["name"] for r in range(page.model.rowCount())] == [FORMULA_NAME]
    page.clear_filters()
    has = page.findChild(QComboBox, "filter_has_valid_certificates")
    has.setCurrentIndex(has.findData(True))
    assert page.model.rowCount() == 2
    unit = page.findChild(QComboBox, "filter_unit_code")
    unit.setCurrentIndex(unit.findData("320706"))
    assert page.model.rowCount() == 1


def test_surveillance_checkbox_filters(qtbot, reg):
    page = _page(qtbot, CertificatesPage, reg)
    page.findChild(QCheckBox, "filter_surveillance_overdue").setChecked(True)
    assert sorted(_numbers(page)) == ["0012A", "0099C"]  # valid, no surveillance in a year


def test_clicking_a_header_sorts(qtbot, reg):
    page = _page(qtbot, CertificatesPage, reg)
    header = page.table.horizontalHeader()
    column = [c.key for c in page.model.columns].index("expiry_date")
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=header.rect().center().__class__(x, header.height() // 2))
    assert page.model.query().sort == "expiry_date"
    first = _numbers(page)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=header.rect().center().__class__(x, header.height() // 2))
    assert _numbers(page) == list(reversed(first))
    assert first == ["0012B", "0099C", "0012A"] or first == ["0012A", "0099C", "0012B"]


def test_copy_puts_tsv_with_headers_on_the_clipboard(qtbot, reg):
    page = _page(qtbot, CertificatesPage, reg)
    page.apply_filters({"text": "0012"})
    page.table.selectAll()
    page.trigger("copy")
    lines = QGuiApplication.clipboard().text().splitlines()
    assert lines[0].split("\t")[:3] == ["Certificate number", "Organisation", "Credit code"]
    assert sorted(line.split("\t")[0] for line in lines[1:]) == ["0012A", "0012B"]
    assert "过期失效" in lines[1] + lines[2]


def _export(qtbot, page, path):
    with qtbot.waitSignal(page.exportFinished, timeout=20000) as blocker:
        page.export_to(path)
    assert blocker.args == [str(path)]
    return openpyxl.load_workbook(path).active


def test_export_writes_what_the_list_shows(qtbot, reg, tmp_path):
    page = _page(qtbot, CertificatesPage, reg)
    page.model.sort([c.key for c in page.model.columns].index("number"),
                    Qt.SortOrder.AscendingOrder)
    ws = _export(qtbot, page, tmp_path / "certs.xlsx")
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:2] == ("Certificate number", "Organisation")
    assert ws["A1"].font.b
    assert [r[0] for r in rows[1:]] == ["0012A", "0012B", "0099C"]
    keys = [c.key for c in page.model.columns]
    code = ws.cell(row=2, column=keys.index("credit_code") + 1)
    assert code.data_type == "s" and code.value == make_code("9", "1", "320706", "40000001")
    assert ws.cell(row=2, column=1).data_type == "s"  # "0012A" keeps its leading zeros
    expiry = ws.cell(row=2, column=keys.index("expiry_date") + 1)
    assert expiry.is_date and expiry.value.date() == TODAY + timedelta(days=900)
    assert expiry.number_format == "yyyy-mm-dd"
    assert rows[2][keys.index("status")] == "过期失效"


def test_export_follows_the_filter_and_keeps_formula_text(qtbot, reg, tmp_path):
    page = _page(qtbot, OrganisationsPage, reg)
    page.apply_filters({"leader_type": "龙头"})
    ws = _export(qtbot, page, tmp_path / "orgs.xlsx")
    assert ws.max_row == 2
    keys = [c.key for c in page.model.columns]
    name = ws.cell(row=2, column=keys.index("name") + 1)
    assert name.value == FORMULA_NAME and name.data_type == "s"
    subsidies_page = _page(qtbot, SubsidiesPage, reg)
    ws = _export(qtbot, subsidies_page, tmp_path / "subsidies.xlsx")
    keys = [c.key for c in subsidies_page.model.columns]
    doc = ws.cell(row=2, column=keys.index("doc_number") + 1)
    assert doc.value == "-连财1号" and doc.data_type == "s"
    assert ws.cell(row=2, column=keys.index("amount") + 1).value == 50000


def test_forms_are_called_and_the_list_refreshes(qtbot, reg, monkeypatch):
    window = MainWindow(reg)
    qtbot.addWidget(window)
    window.show()
    window.show_page("certificates")
    page = window.page("certificates")
    calls = []

    def fake_edit(parent, register, cert_id=None, org_id=None):
        calls.append((cert_id, org_id))
        if cert_id is not None:
            return None  # cancelled
        return certificates.create_certificate(register, CertificateData(
            number="NEW-1", org_id=1, type_code="EMS", body_id=1,
            issue_date=TODAY - timedelta(days=10), expiry_date=TODAY + timedelta(days=999)))

    monkeypatch.setattr(forms, "edit_certificate", fake_edit, raising=False)
    statuses = []
    monkeypatch.setattr(window, "refresh_status", lambda: statuses.append(1))
    page.new_button.click()
    assert calls == [(None, None)] and page.model.total() == 4 and statuses
    assert page.current_id() == 4  # the new record is selected
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert calls[-1] == (4, None)


def test_lifecycle_buttons_follow_the_status(qtbot, reg, monkeypatch):
    page = _page(qtbot, CertificatesPage, reg)
    page.apply_filters({"status": "05"})
    page.table.selectRow(0)
    assert not page.findChild(type(page.new_button), "suspendButton").isEnabled()
    page.apply_filters({"status": "01"})
    page.table.selectRow(0)
    suspend = page.findChild(type(page.new_button), "suspendButton")
    assert suspend.isEnabled()
    seen = []
    monkeypatch.setattr(forms, "run_lifecycle",
                        lambda parent, register, cert_id, action: seen.append(action) or False,
                        raising=False)
    suspend.click()
    assert seen == ["suspend"]


def test_menu_actions_act_on_the_shown_page(qtbot, reg):
    window = MainWindow(reg)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.show_page("home")
    assert not window.actions.new.isEnabled()
    window.show_page("organisations")
    page = window.page("organisations")
    assert window.actions.new.isEnabled() and window.actions.find.shortcut().toString() \
        == "Ctrl+F"
    window.actions.find.trigger()
    assert window.focusWidget() is page.filter_text
    window.show_page("subsidies")
    window.actions.refresh.trigger()
    assert window.page("subsidies").model.total() == 1


def test_column_widths_are_remembered(qtbot, reg):
    page = _page(qtbot, SupervisionPage, reg)
    page.table.setColumnWidth(1, 333)
    page.save_columns()
    page.close()
    settings = QSettings(str(reg.home.root / "ui.ini"), QSettings.Format.IniFormat)
    assert settings.value("supervision/header") is not None
    again = _page(qtbot, SupervisionPage, reg)
    assert again.table.columnWidth(1) == 333


def test_organisation_opens_its_certificates(qtbot, reg):
    window = MainWindow(reg)
    qtbot.addWidget(window)
    window.show()
    window.show_page("organisations")
    orgs = window.page("organisations")
    orgs.apply_filters({"text": "海泰"})
    orgs.table.selectRow(0)
    orgs.certificates_button.click()
    assert window.current_page_key() == "certificates"
    assert sorted(_numbers(window.page("certificates"))) == ["0012A", "0012B"]


def test_history_button_shows_the_selected_records_changes(qtbot, reg):
    page = _page(qtbot, CertificatesPage, reg)
    page.apply_filters({"text": "0012A"})
    assert not page.history_button.isEnabled()
    page.table.selectRow(0)
    cert_id = page.current_id()
    certificates.lifecycle(reg, cert_id, "suspend", on=TODAY, reason="监督审核不合格")
    page.history_button.click()
    dialog = page.findChild(QDialog, "historyDialog")
    qtbot.addWidget(dialog)
    table = dialog.findChild(QTableView, "historyTable")
    cells = {table.model().index(r, c).data() for r in range(table.model().rowCount())
             for c in range(table.model().columnCount())}
    assert "暂停" in cells and "监督审核不合格" in cells


def test_organisation_details_show_its_records_together(qtbot, reg):
    page = _page(qtbot, OrganisationsPage, reg)
    page.apply_filters({"text": "海泰"})
    page.table.selectRow(0)
    dialog = page.show_detail()
    qtbot.addWidget(dialog)
    assert dialog.objectName() == "organisationDetail"
    assert "连云港海泰化工有限公司" in dialog.findChild(QLabel, "detailTitle").text()
    certs = dialog.findChild(QTableView, "certificatesTable")
    assert certs.model().rowCount() == 2
