"""首页: figures, indicator progress and to-do items over a demo register; clicks open lists."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from PySide6.QtCore import Qt

from greencert_desktop.domain.credit_code import make_code
from greencert_desktop.domain.records import OrganisationData
from greencert_desktop.services import organisations
from greencert_desktop.services.demo import generate_demo
from greencert_desktop.ui.main_window import MainWindow
from greencert_desktop.ui.pages.home import HomePage


@pytest.fixture
def window(qtbot, register):
    generate_demo(register, certs=400, seed=5)
    w = MainWindow(register)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    for key in ("home", "certificates", "organisations"):
        page = w._built.get(key)
        if page is not None and hasattr(page, "wait"):
            page.wait()
    w.close()


def loaded_home(qtbot, window) -> HomePage:
    window.show_page("home")
    page = window.page("home")
    assert isinstance(page, HomePage)
    qtbot.waitUntil(lambda: page.data is not None, timeout=15000)
    return page


def test_home_shows_figures_indicators_and_todos(qtbot, window):
    page = loaded_home(qtbot, window)
    figures = {f["key"]: f["count"] for f in page.data["figures"]}
    assert page.tiles["valid"].number.text() == f"{figures['valid']:,}"
    assert figures["valid"] > 0
    assert set(page.indicator_rows) >= {"organic", "ems", "service"}
    ems = next(i for i in page.data["indicators"] if i["code"] == "ems")
    bar = page.indicator_rows["ems"]["bar"]
    assert bar.value() == min(100, round(ems["ratio"] * 100))
    assert bar.format() == f"{ems['ratio'] * 100:.1f}%"
    keys = [page.todo_list.item(i).data(Qt.ItemDataRole.AccessibleDescriptionRole)
            for i in range(page.todo_list.count())]
    assert keys == ["expiring_30", "expiring_60", "expiring_90", "surveillance_overdue",
                    "missing_fields", "submission"]
    assert "30" in page.todo_item("expiring_30").text()


def test_todo_click_opens_the_filtered_list(qtbot, window):
    page = loaded_home(qtbot, window)
    item = page.todo_item("expiring_60")
    rect = page.todo_list.visualItemRect(item)
    qtbot.mouseClick(page.todo_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.current_page_key() == "certificates"
    certs = window.page("certificates")
    assert certs.filters()["expiring_within"] == 60
    expected = next(t["count"] for t in page.data["todos"] if t["key"] == "expiring_60")
    assert certs.model.total() == expected


def test_figure_click_opens_the_filtered_list(qtbot, window):
    page = loaded_home(qtbot, window)
    qtbot.mouseClick(page.tiles["blacklisted"], Qt.MouseButton.LeftButton)
    assert window.current_page_key() == "organisations"
    assert window.page("organisations").filters()["credit_standing"] == "严重违法失信名单"
    window.show_page("home")
    qtbot.mouseClick(page.tiles["suspended"], Qt.MouseButton.LeftButton)
    assert window.current_page_key() == "certificates"
    assert window.page("certificates").filters()["status"] == "02"


def test_submission_item_opens_the_submission_page(qtbot, window):
    page = loaded_home(qtbot, window)
    assert page.open_item(page.todo_item("submission"))
    assert window.current_page_key() == "submission"


def test_recomputed_only_when_the_register_changed(qtbot, window, register):
    page = loaded_home(qtbot, window)
    assert page.reload() is None
    before = page.data["figures"]
    organisations.create_organisation(register, OrganisationData(
        credit_code=make_code("9", "1", "320706", "47000001"), name="连云港新测试有限公司",
        unit_code="320706", industry_section="C", industry_code="2614",
        credit_standing="严重违法失信名单"))
    job = page.reload()
    assert job is not None
    qtbot.waitUntil(lambda: page.data["figures"] != before, timeout=15000)
    blacklisted = {f["key"]: f["count"] for f in page.data["figures"]}["blacklisted"]
    assert blacklisted == {f["key"]: f["count"] for f in before}["blacklisted"] + 1


def test_home_in_chinese(qtbot, window, zh_cn):
    page = HomePage(window.register)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.data is not None, timeout=15000)
    assert page.tiles["valid"].caption.text() == "有效证书"
    assert "天内到期" in page.todo_item("expiring_30").text()
    page.wait()


def test_matplotlib_is_not_imported_at_start_up(tmp_path):
    code = textwrap.dedent(f"""
        import os, sys, time
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from pathlib import Path
        import greencert_desktop.app
        from PySide6.QtWidgets import QApplication
        from greencert_desktop.home import Home
        from greencert_desktop.services.register import Register
        from greencert_desktop.ui.main_window import MainWindow
        app = QApplication([])
        reg = Register.open(Home(Path({str(tmp_path / "home")!r})))
        window = MainWindow(reg)
        window.show()
        home = window.page("home")
        deadline = time.monotonic() + 60
        while home.data is None and time.monotonic() < deadline:  # loads once painted
            app.processEvents()
            time.sleep(0.01)
        home.wait()
        app.processEvents()
        print(window.current_page_key(), home.data is not None, "matplotlib" in sys.modules)
        window.close()
        reg.close()
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["home", "True", "False"]


def test_home_built_before_the_register_loads_once_given_it(qtbot, register):
    page = HomePage(None)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    qtbot.wait(20)
    assert page.reload() is None and page.job is None  # nothing to load yet
    assert page.tiles["valid"].number.text() == "—"
    page.set_register(register)
    qtbot.waitUntil(lambda: page.data is not None, timeout=15000)
    assert page.tiles["valid"].number.text() == "0"
    page.wait()


def test_home_loads_only_after_it_was_painted(qtbot, register):
    """The figures are computed after the first frame, not while it is being painted."""
    page = HomePage(register)
    qtbot.addWidget(page)
    page.show()
    assert page.job is None  # shown, not painted yet
    qtbot.waitUntil(lambda: page.data is not None, timeout=15000)
    page.wait()
