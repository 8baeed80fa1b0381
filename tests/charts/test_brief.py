"""The one-page work brief: a single A4 page with the CJK font embedded as TrueType."""

from __future__ import annotations

import re

from greencert_desktop.charts import brief, fonts
from greencert_desktop.domain.periods import Period
from greencert_desktop.services import dashboard
from tests.charts.test_figures import TREND, TYPES


def sample_data():
    return {
        "title": "绿色认证工作简报", "unit": {"code": "320706", "name": "海州区"},
        "office": "海州区市场监督管理局", "period": {"code": "2026Q1", "words": "2026年第一季度"},
        "as_of": "2026-03-31", "date": "2026-04-08",
        "indicators": [
            {"name": "有机产品认证证书", "measure": "张", "count": 20, "target": 40,
             "quota": 10, "ratio": 2.0},
            {"name": "绿色优质农产品比重", "measure": "%", "count": None, "target": 75,
             "quota": None, "ratio": None},
        ],
        "charts": [TYPES, TREND, {**TREND, "key": "expiries", "title": "未来12个月到期"}],
    }


def pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


def test_brief_figure_has_table_and_three_charts():
    fig = brief.brief_figure(sample_data())
    assert tuple(round(x, 2) for x in fig.get_size_inches()) == brief.A4
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert titles[0] == "一、2025年目标指标完成情况"
    assert len(fig.axes) == 4
    table = fig.axes[0].tables[0]
    cells = {(r, c): cell.get_text().get_text() for (r, c), cell in table.get_celld().items()}
    assert [cells[(0, c)] for c in range(5)] == list(brief.HEADERS)
    assert [cells[(1, c)] for c in range(5)] == ["有机产品认证证书", "20张", "40张", "10张",
                                                 "200.0%"]
    assert cells[(2, 1)] == "需另行填报"
    words = [t.get_text() for t in fig.texts]
    assert "绿色认证工作简报" in words
    assert any("海州区市场监督管理局" in w for w in words)
    assert any("2026年第一季度" in w for w in words)
    assert any("2026-04-08" in w for w in words)


def test_brief_pdf_is_one_page_with_the_font_embedded(tmp_path):
    path = brief.write_brief(sample_data(), tmp_path / "简报.pdf")
    pdf = path.read_bytes()
    assert pdf.startswith(b"%PDF")
    assert pages(pdf) == 1
    assert b"/FontFile2" in pdf
    font = fonts.cjk_font()
    assert font is not None
    assert font.replace(" ", "").encode()[:12].lower() in pdf.lower()
    assert not list(tmp_path.glob(".brief-*"))


def test_brief_from_the_register(register, tmp_path):
    from datetime import date

    from greencert_desktop.services.demo import generate_demo

    generate_demo(register, certs=300, seed=2, today=date(2026, 5, 15))
    data = dashboard.brief_data(register, Period.parse("2026Q1"), today=date(2026, 5, 15))
    path = brief.write_brief(data, tmp_path / "b.pdf")
    assert pages(path.read_bytes()) == 1
