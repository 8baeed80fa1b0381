"""Figure builders on known data: bars, labels and titles are checked on the artists."""

from __future__ import annotations

import io

import pytest
from matplotlib.figure import Figure

from greencert_desktop.charts import figures, fonts

TYPES = {
    "key": "valid_by_type", "title": "有效证书与名单", "subtitle": "海州区 · 截至 2026-03-31",
    "orientation": "h", "stacked": False, "value_label": "有效数量（张/项）",
    "page": "certificates", "base_filters": {"unit_code": "320706"},
    "categories": [
        {"label": "有机产品认证", "group": "（五）绿色农业", "filters": {"type_code": "ORGANIC"}},
        {"label": "绿色食品", "group": "（五）绿色农业", "filters": {"type_code": "GREEN_FOOD"}},
        {"label": "环境管理体系认证", "group": "（七）绿色低碳产业",
         "filters": {"type_code": "EMS"}},
    ],
    "series": [{"label": "有效", "filters": {"status": "01"}, "values": [12, 3, 40]}],
}

TREND = {
    "key": "trend", "title": "各报告期新增与期末有效证书", "subtitle": "", "orientation": "v",
    "stacked": False, "value_label": "数量", "page": "certificates", "base_filters": {},
    "categories": [{"label": "2025Q4", "filters": {}}, {"label": "2026Q1", "filters": {}}],
    "series": [{"label": "本期新增", "filters": {}, "values": [5, 7]},
               {"label": "期末有效", "filters": {"status": "01"}, "values": [50, 55]}],
}

INDICATORS = {
    "key": "indicators", "title": "2025年目标指标完成情况", "subtitle": "连云港市",
    "orientation": "h", "stacked": False, "value_label": "完成率（%）", "page": "certificates",
    "base_filters": {},
    "categories": [{"label": "有机产品认证证书", "filters": {"type_code": "ORGANIC"}},
                   {"label": "绿色优质农产品比重", "filters": {}},
                   {"label": "能源管理体系认证证书", "filters": {"type_code": "ENMS"}}],
    "series": [{"label": "完成率", "filters": {}, "values": [50.0, None, 400.0]}],
    "targets": [
        {"count": 20, "target": 40, "quota": None, "ratio": 0.5, "text": "20张 / 目标 40"},
        {"count": None, "target": 75, "quota": None, "ratio": None, "text": "需另行填报"},
        {"count": 200, "target": 50, "quota": None, "ratio": 4.0, "text": "200张 / 目标 50"},
    ],
}


def texts(ax):
    return [t.get_text() for t in ax.texts]


def test_horizontal_bars_grouped_by_section():
    fig = figures.figure(TYPES)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    rects = figures.bars(fig)
    assert [r.get_width() for r in rects] == [12, 3, 40]
    assert [r.get_gid() for r in rects] == ["bar:0:0", "bar:1:0", "bar:2:0"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["有机产品认证", "绿色食品",
                                                            "环境管理体系认证"]
    assert ax.get_title(loc="left").startswith("有效证书与名单\n海州区")
    assert ax.get_xlabel() == "有效数量（张/项）"
    # the same section has the same colour, another section another; the legend names them
    assert rects[0].get_facecolor() == rects[1].get_facecolor() != rects[2].get_facecolor()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["（五）绿色农业",
                                                                   "（七）绿色低碳产业"]
    # a gap between the sections
    ys = [r.get_y() for r in rects]
    assert ys[1] - ys[0] == pytest.approx(1.0)
    assert ys[2] - ys[1] == pytest.approx(1.5)


def test_vertical_bars_side_by_side_with_value_labels():
    fig = figures.figure(TREND)
    ax = fig.axes[0]
    rects = figures.bars(fig)
    assert [r.get_height() for r in rects] == [5, 7, 50, 55]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2025Q4", "2026Q1"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["本期新增", "期末有效"]
    assert texts(ax) == ["5", "7", "50", "55"]


def test_stacked_bars_with_totals():
    stacked = {**TREND, "stacked": True,
               "series": [{"label": "连云区", "filters": {"unit_code": "320703"},
                           "values": [1, 2]},
                          {"label": "海州区", "filters": {"unit_code": "320706"},
                           "values": [3, 4]}]}
    fig = figures.figure(stacked)
    ax = fig.axes[0]
    rects = figures.bars(fig)
    assert [(r.get_y(), r.get_height()) for r in rects] == [(0, 1), (0, 2), (1, 3), (2, 4)]
    assert texts(ax) == ["4", "6"]


def test_indicator_progress():
    fig = figures.figure(INDICATORS)
    ax = fig.axes[0]
    rects = figures.bars(fig)
    # completion in percent; above the cap drawn at the cap, the text tells the figure
    assert [r.get_width() for r in rects] == [50.0, 0.0, figures.INDICATOR_CAP]
    assert any(line.get_xdata()[0] == 100 for line in ax.get_lines())
    assert "50%  20张 / 目标 40" in texts(ax)
    assert "需另行填报" in texts(ax)
    assert "400%  200张 / 目标 50" in texts(ax)
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "有机产品认证证书", "绿色优质农产品比重", "能源管理体系认证证书"]


def test_empty_chart_says_so():
    fig = figures.figure({**TYPES, "series": [{"label": "有效", "filters": {},
                                               "values": [0, 0, 0]}]})
    assert "暂无数据" in texts(fig.axes[0])
    assert figures.bars(fig) == []


def test_bar_at_finds_the_clicked_bar():
    fig = figures.figure(TYPES)
    fig.canvas.draw()
    rects = figures.bars(fig)

    class Event:
        def __init__(self, x, y):
            self.x, self.y, self.inaxes = x, y, fig.axes[0]
            self.canvas = fig.canvas

    box = rects[2].get_window_extent()
    assert figures.bar_at(rects, Event((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2)) == (2, 0)
    assert figures.bar_at(rects, Event(box.x1 + 40, box.y0 - 200)) is None


def test_chinese_text_renders_without_missing_glyphs():
    """pytest.ini turns warnings into errors: a missing glyph would fail this test."""
    assert fonts.setup() is not None, "a CJK font is installed on the test machine"
    for chart in (TYPES, TREND, INDICATORS):
        buffer = io.BytesIO()
        figures.figure(chart).savefig(buffer, format="png")
        assert buffer.getvalue().startswith(b"\x89PNG")


def test_font_choice_prefers_windows_fonts(monkeypatch):
    assert fonts.CJK_FONTS.index("Microsoft YaHei") < fonts.CJK_FONTS.index("Noto Sans CJK JP")
    assert fonts.missing_font_message() is None
    fonts.cjk_font.cache_clear()
    try:
        monkeypatch.setattr(fonts.font_manager.fontManager, "ttflist", [])
        assert fonts.cjk_font() is None
        assert "未找到中文字体" in fonts.missing_font_message()
    finally:
        fonts.cjk_font.cache_clear()
