"""统计图表: charts drawn on the QtAgg canvas, a click on a bar opens the list, output."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QGuiApplication

from greencert_desktop.services import dashboard
from greencert_desktop.services.demo import generate_demo
from greencert_desktop.ui.main_window import MainWindow
from greencert_desktop.ui.pages.charts import ChartsPage


@pytest.fixture
def window(qtbot, register):
    generate_demo(register, certs=400, seed=6)
    w = MainWindow(register)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    for page in w._built.values():
        if hasattr(page, "wait"):
            page.wait()
    w.close()


def shown(qtbot, window, key="valid_by_type") -> ChartsPage:
    window.show_page("charts")
    page = window.page("charts")
    assert isinstance(page, ChartsPage)
    page.set_chart(key)
    qtbot.waitUntil(lambda: page.chart_data is not None and page.chart_data["key"] == key,
                    timeout=20000)
    return page


def click_bar(page, index):
    """A left button press at the centre of bar ``index``, through the canvas's callbacks."""
    from matplotlib.backend_bases import MouseEvent

    page.canvas.draw()
    box = page.rects[index].get_window_extent()
    event = MouseEvent("button_press_event", page.canvas, (box.x0 + box.x1) / 2,
                       (box.y0 + box.y1) / 2, button=1)
    page.canvas.callbacks.process("button_press_event", event)


def test_every_chart_renders(qtbot, window):
    page = shown(qtbot, window, "indicators")
    assert page.canvas is not None and page.canvas.isVisible()
    for key in dashboard.CHART_KEYS:
        page.set_chart(key)
        qtbot.waitUntil(lambda key=key: page.chart_data["key"] == key, timeout=20000)
        assert page.rects, key
        assert page.figure.axes[0].get_title(loc="left").startswith(page.chart_data["title"])
    assert not page.font_label.isVisible()


def test_click_on_a_bar_opens_the_matching_list(qtbot, window):
    page = shown(qtbot, window, "valid_by_type")
    index = next(i for i, r in enumerate(page.rects) if r.get_width() > 0)
    category = page.chart_data["categories"][index]
    click_bar(page, index)
    assert window.current_page_key() == "certificates"
    certs = window.page("certificates")
    assert certs.filters()["type_code"] == category["filters"]["type_code"]
    assert certs.filters()["status"] == "01"
    assert certs.model.total() == page.chart_data["series"][0]["values"][index]


def test_click_on_an_industry_bar_opens_organisations(qtbot, window):
    page = shown(qtbot, window, "industries")
    click_bar(page, 0)
    assert window.current_page_key() == "organisations"
    filters = window.page("organisations").filters()
    assert filters["industry_section"] == page.chart_data["categories"][0]["filters"][
        "industry_section"]
    assert filters["has_valid_certificates"] is True


def test_click_outside_the_bars_does_nothing(qtbot, window):
    from matplotlib.backend_bases import MouseEvent

    page = shown(qtbot, window, "trend")
    event = MouseEvent("button_press_event", page.canvas, 2, 2, button=1)
    assert page.on_press(event) is False
    assert window.current_page_key() == "charts"


def test_filters_by_unit_and_group(qtbot, window):
    page = shown(qtbot, window, "trend")
    page.by_unit.setChecked(True)
    qtbot.waitUntil(lambda: len(page.chart_data["series"]) == 10, timeout=20000)
    page.group_combo.setCurrentIndex(page.group_combo.findData("绿色农业"))
    qtbot.waitUntil(lambda: page.chart_data["base_filters"].get("type_group") == "绿色农业",
                    timeout=20000)
    page.unit_combo.setCurrentIndex(page.unit_combo.findData("320706"))
    qtbot.waitUntil(lambda: page.chart_data["base_filters"].get("unit_code") == "320706",
                    timeout=20000)
    assert not page.by_unit.isEnabled()
    assert len(page.chart_data["series"]) == 2


def test_save_copy_and_brief(qtbot, window, tmp_path):
    page = shown(qtbot, window, "expiries")
    for suffix, magic in (("png", b"\x89PNG"), ("svg", b"<?xml"), ("pdf", b"%PDF")):
        path = page.save(tmp_path / f"chart.{suffix}")
        assert path.read_bytes().startswith(magic)
    image = page.copy_to_clipboard()
    assert not image.isNull()
    assert not QGuiApplication.clipboard().image().isNull()
    with qtbot.waitSignal(page.briefWritten, timeout=30000) as signal:
        page.write_brief(tmp_path / "brief.pdf")
    assert signal.args[0] == str(tmp_path / "brief.pdf")
    assert (tmp_path / "brief.pdf").read_bytes().startswith(b"%PDF")


def test_recomputed_when_the_register_changed(qtbot, window, register):
    page = shown(qtbot, window, "valid_by_type")
    assert page.refresh() is None  # cached
    generate_more = dashboard.data_version(register)
    from greencert_desktop.domain.credit_code import make_code
    from greencert_desktop.domain.records import OrganisationData
    from greencert_desktop.services import organisations

    organisations.create_organisation(register, OrganisationData(
        credit_code=make_code("9", "1", "320706", "47000002"), name="连云港另一测试有限公司",
        unit_code="320706", industry_section="C", industry_code="2614"))
    assert dashboard.data_version(register) != generate_more
    assert page.refresh() is not None
    page.wait()
