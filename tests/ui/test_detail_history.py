"""The history dialog and the organisation's detail window, with real widgets."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QTableWidget, QTabWidget

from greencert_desktop.domain.records import OrganisationData
from greencert_desktop.services import certificates, organisations
from greencert_desktop.services.register import Register
from greencert_desktop.ui.detail import OrganisationDetailDialog, show_organisation
from greencert_desktop.ui.history import HistoryDialog, HistoryTable, show_history
from tests.services.test_history import VALID, populate


@pytest.fixture
def org_id(register: Register) -> int:
    new_id = organisations.create_organisation(register, OrganisationData(
        credit_code=VALID, name="连云港绿源食品有限公司", unit_code="320706",
        phone="0518-85551111", size="小型"))
    before = organisations.get_organisation(register, new_id)
    organisations.update_organisation(register, new_id, replace(
        before, phone="0518-85552222", size="中型", specialised=True))
    return new_id


def _lines(table: HistoryTable) -> list[tuple[str, str, str, str]]:
    return [(table.cell_text(line, "action"), table.cell_text(line, "field"),
             table.cell_text(line, "old"), table.cell_text(line, "new"))
            for line in range(table.rowCount())]


def test_history_lists_old_and_new_values_with_chinese_labels(
        qtbot, zh_cn, register: Register, org_id: int) -> None:
    dialog = show_history(None, register, "organisation", org_id)
    qtbot.addWidget(dialog)
    assert isinstance(dialog, HistoryDialog) and dialog.isVisible()
    table = dialog.findChild(HistoryTable, "historyTable")
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert headers == ["时间", "操作人", "记录", "操作", "字段", "原值", "新值", "备注"]
    lines = _lines(table)
    # newest first: the update's three fields, then the creation
    assert lines[:3] == [("修改", "企业规模", "小型", "中型"),
                         ("", "联系电话", "0518-85551111", "0518-85552222"),
                         ("", "专精特新", "否", "是")]
    assert lines[3][0] == "新增"
    assert lines[3] == ("新增", "统一社会信用代码", "", VALID)
    assert table.cell_text(0, "operator") == "测试员"
    assert table.cell_text(0, "when")[:4].isdigit()  # yyyy-mm-dd hh:mm:ss
    assert table.rowSpan(0, table.column("when")) == 3
    assert "获证组织" in dialog.windowTitle()
    assert dialog.findChild(QLabel, "historySummary").text().startswith("获证组织")


def test_history_of_one_certificate_shows_lifecycle_actions(
        qtbot, zh_cn, register: Register) -> None:
    from datetime import date

    p = populate(register)
    certificates.lifecycle(register, p.cert_id, "suspend", on=date.today(),
                           reason="未按期接受监督审核")
    dialog = show_history(None, register, "certificate", p.cert_id)
    qtbot.addWidget(dialog)
    table = dialog.table
    assert table.columnCount() == 7  # no record column for a single record
    assert table.cell_text(0, "action") == "暂停"
    assert table.cell_text(0, "note") == "未按期接受监督审核"
    assert ("暂停", "证书状态", "01 有效", "02 暂停") in _lines(table)


def _texts(table: QTableWidget, column: int) -> list[str]:
    return [table.item(row, column).text() for row in range(table.rowCount())]


def test_detail_window_shows_everything_of_the_organisation(
        qtbot, zh_cn, register: Register) -> None:
    p = populate(register)
    dialog = show_organisation(None, register, p.org_id)
    qtbot.addWidget(dialog)
    assert isinstance(dialog, OrganisationDetailDialog) and dialog.isVisible()
    assert dialog.findChild(QLabel, "detailTitle").text() == "连云港绿源食品有限公司"
    assert dialog.findChild(QLabel, "detail_credit_code").text() == VALID
    assert dialog.findChild(QLabel, "detail_unit").text() == "320706 海州区"
    assert dialog.findChild(QLabel, "detail_contact").text() == "王经理  0518-85551234"

    tabs = dialog.findChild(QTabWidget, "detailTabs")
    assert [tabs.tabText(i) for i in range(tabs.count())] == [
        "证书（2）", "名单（1）", "奖补（1）", "监督检查（1）", "历史"]
    certs = dialog.findChild(QTableWidget, "certificatesTable")
    assert _texts(certs, 0) == ["00223E31234R1M", "00220Q10001R0S"]
    assert _texts(certs, 1) == ["环境管理体系认证", "能源管理体系认证"]
    assert _texts(certs, 5) == ["有效", "过期失效"]
    assert certs.item(0, 3).text()[4] == "-"  # yyyy-mm-dd
    listings = dialog.findChild(QTableWidget, "listingsTable")
    assert _texts(listings, 0) == ["LB-2024-0001"]
    assert _texts(listings, 2) == ["中国绿色食品发展中心"]
    subsidies = dialog.findChild(QTableWidget, "subsidiesTable")
    assert _texts(subsidies, 1) == ["引领单位"]
    assert _texts(subsidies, 2) == ["50,000.00"]
    cases = dialog.findChild(QTableWidget, "casesTable")
    assert _texts(cases, 1) == ["双随机抽查"]
    assert _texts(cases, 2) == ["00223E31234R1M"]
    history = dialog.findChild(HistoryTable, "detailHistory")
    records = {history.cell_text(line, "record") for line in range(history.rowCount())}
    assert {"获证组织 " + VALID, "证书 00223E31234R1M", "证书 LB-2024-0001"} <= records


def test_an_organisation_without_records(qtbot, register: Register) -> None:
    p = populate(register)
    dialog = show_organisation(None, register, p.other_org_id)
    qtbot.addWidget(dialog)
    assert dialog.certificates.table.rowCount() == 0
    assert dialog.findChild(QLabel, "certificatesEmpty").text() == "No certificates."
    assert not dialog.findChild(QPushButton, "certificatesEdit").isEnabled()


def test_edit_and_add_buttons_call_the_forms_and_refresh(
        qtbot, register: Register, monkeypatch) -> None:
    from greencert_desktop.ui import forms

    p = populate(register)
    calls: list[tuple] = []

    def edit_organisation(parent, reg, org_id=None):
        calls.append(("edit_organisation", org_id))
        data = organisations.get_organisation(reg, org_id)
        organisations.update_organisation(reg, org_id, replace(data, name="连云港新名称有限公司"))
        return org_id

    def edit_certificate(parent, reg, cert_id=None, org_id=None):
        calls.append(("edit_certificate", cert_id, org_id))
        return None  # cancelled

    monkeypatch.setattr(forms, "edit_organisation", edit_organisation, raising=False)
    monkeypatch.setattr(forms, "edit_certificate", edit_certificate, raising=False)
    dialog = show_organisation(None, register, p.org_id)
    qtbot.addWidget(dialog)

    dialog.findChild(QPushButton, "detailEditOrganisation").click()
    assert calls[-1] == ("edit_organisation", p.org_id)
    assert dialog.findChild(QLabel, "detailTitle").text() == "连云港新名称有限公司"  # refreshed
    history = dialog.findChild(HistoryTable, "detailHistory")
    assert history.cell_text(0, "action") == "修改"

    dialog.findChild(QPushButton, "detailAddCertificate").click()
    assert calls[-1] == ("edit_certificate", None, p.org_id)
    certs = dialog.certificates.table
    certs.selectRow(1)
    dialog.findChild(QPushButton, "certificatesEdit").click()
    assert calls[-1] == ("edit_certificate", p.expired_id, None)


def test_history_button_opens_the_selected_record_history(
        qtbot, register: Register) -> None:
    p = populate(register)
    dialog = show_organisation(None, register, p.org_id)
    qtbot.addWidget(dialog)
    dialog.tabs.setCurrentWidget(dialog.subsidies)
    dialog.findChild(QPushButton, "subsidiesHistory").click()
    opened = [w for w in QApplication.topLevelWidgets()
              if isinstance(w, HistoryDialog) and w.isVisible()]
    assert len(opened) == 1
    assert (opened[0].entity, opened[0].entity_id) == ("subsidy", p.subsidy_id)
    opened[0].close()
