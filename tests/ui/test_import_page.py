"""The 导入 wizard, driven as a clerk would: file → sheets → columns → values → dry run →
import (in the background, cancellable)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QComboBox
from sqlalchemy import func, select

from greencert_desktop.services import importer
from greencert_desktop.storage.models import Certificate, Organisation
from greencert_desktop.ui.pages import import_page as ip
from tests.services.test_importer import quirky_rows, write_ledger


@pytest.fixture
def ledger(tmp_path) -> Path:
    return write_ledger(tmp_path / "台账.xlsx", {"2024年": quirky_rows(), "说明": [["本表说明"]]},
                        merges={"2024年": ["B5:B6", "C5:C6"]})


@pytest.fixture
def page(qtbot, main_window, register):
    register.set("unit_code", "320706")
    main_window.show_page("import")
    return main_window.page("import")


def wait(qtbot, page) -> None:
    qtbot.waitUntil(lambda: page.job is None, timeout=30000)


def count(register, model) -> int:
    with register.db.reading() as s:
        return s.scalar(select(func.count()).select_from(model))


def to_dry_run(qtbot, page, ledger) -> None:
    page.open_file(ledger)
    wait(qtbot, page)
    assert page.current_step() == ip.SHEETS_STEP
    page.next()
    assert page.current_step() == ip.COLUMNS_STEP
    page.next()
    wait(qtbot, page)
    assert page.current_step() == ip.VALUES_STEP


def test_the_import_entry_opens_the_wizard(page, main_window):
    assert isinstance(page, ip.ImportPage)
    assert main_window.current_page_key() == "import"
    assert page.current_step() == ip.FILE_STEP
    assert not page.next_button.isEnabled()


def test_walk_through_map_values_dry_run_and_import(qtbot, page, register, ledger, tmp_path):
    to_dry_run(qtbot, page, ledger)
    # sheets: the sheet without a header starts unticked
    assert [s.name for s in page.setup.selected] == ["2024年"]
    # unknown values listed, bodies offered as new ones
    kinds = {page.values_table.item(r, 1).text() for r in range(page.values_table.rowCount())}
    assert {"火星认证", "不知道", "中国质量认证中心"} <= kinds
    page.set_value_mapping("types", "火星认证", "EMS")
    page.set_value_mapping("statuses", "不知道", "01")
    page.next()
    wait(qtbot, page)
    assert page.current_step() == ip.DRY_RUN_STEP
    totals = page.report.totals()
    assert totals[importer.NEW] == 6 and totals[importer.ERROR] == 4
    assert totals[importer.DUPLICATE] == 1
    assert not page.next_button.isEnabled()  # errors block the import…
    assert page.rows_model.rowCount() == 11
    page.outcome_filter.setCurrentIndex(page.outcome_filter.findData(importer.ERROR))
    assert page.rows_model.rowCount() == 4
    saved = page.export_errors_to(tmp_path / "errors.xlsx")
    assert saved is not None and saved.exists()
    page.skip_errors.setChecked(True)  # …unless the clerk leaves them out
    assert page.next_button.isEnabled()
    assert count(register, Organisation) == 0
    page.next()
    wait(qtbot, page)
    assert page.current_step() == ip.DONE_STEP
    assert page.last_result.written and page.last_result.backup
    assert count(register, Certificate) == 6
    assert importer.load_mappings(register).types == {"火星认证": "EMS"}
    assert "备份" in page.done_label.text() or "backed up" in page.done_label.text()


def test_header_row_and_column_mapping_are_editable(qtbot, page, ledger):
    page.open_file(ledger)
    wait(qtbot, page)
    page.next()
    sheet = page.current_sheet()
    assert sheet.header_row == 4 and page.header_spin.value() == 4
    page.header_spin.setValue(5)  # a data row: the name and code columns are lost
    assert sheet.missing()
    assert page.columns_message.text()
    page.next()
    assert page.current_step() == ip.COLUMNS_STEP  # cannot go on without them
    page.header_spin.setValue(4)
    assert not sheet.missing()
    page.set_column_field(9, "")  # do not import the phone column
    assert "phone" not in sheet.columns
    page.set_column_field(9, "contact")
    assert sheet.columns["contact"] == 9
    combo = page.mapping_table.cellWidget(1, 2)
    assert isinstance(combo, QComboBox) and combo.currentData() == "org_name"


def test_an_unreadable_file_is_refused_in_place(qtbot, page, tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"\x00" * 100)
    page.open_file(bad)
    wait(qtbot, page)
    assert page.current_step() == ip.FILE_STEP
    assert "不是电子表格" in page.file_message.text()


def test_cancelled_import_leaves_the_register_as_it_was(qtbot, page, register, ledger,
                                                        monkeypatch):
    to_dry_run(qtbot, page, ledger)
    page.next()
    wait(qtbot, page)
    page.skip_errors.setChecked(True)
    real = importer.run_import

    def cancelled_run(*args, **kwargs):
        kwargs["cancel"] = lambda: True
        return real(*args, **kwargs)

    monkeypatch.setattr(importer, "run_import", cancelled_run)
    page.next()
    wait(qtbot, page)
    assert page.current_step() == ip.DRY_RUN_STEP
    assert count(register, Organisation) == 0
