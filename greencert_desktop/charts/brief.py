"""The one-page 工作简报 (work brief) for the office meeting, as an A4 PDF.

Input is :func:`greencert_desktop.services.dashboard.brief_data`: unit, period, date, the
indicator table and three charts (valid by type grouped by policy section, the trend over
the last periods, expiries over the next 12 months). The Chinese font is embedded as a
TrueType (Type 42) font so the file prints the same on a PC without it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import matplotlib
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from greencert_desktop.charts import fonts
from greencert_desktop.charts.figures import draw
from greencert_desktop.domain.indicators import format_number

A4 = (8.27, 11.69)
HEADERS = ("指标", "完成数", "全市目标", "本单位配额", "完成率")


def brief_figure(data: Mapping[str, Any]) -> Figure:
    """The brief as one A4 page."""
    fonts.setup()
    fig = Figure(figsize=A4, dpi=100)
    charts = list(data.get("charts", ()))
    # three bands; the middle chart has long type names on its left
    top = fig.add_gridspec(1, 1, left=0.08, right=0.97, top=0.865, bottom=0.665)
    middle = fig.add_gridspec(1, 1, left=0.33, right=0.95, top=0.635, bottom=0.385)
    bottom = fig.add_gridspec(1, 2, left=0.08, right=0.97, top=0.30, bottom=0.075,
                              wspace=0.25)
    _header(fig, data)
    _table(fig.add_subplot(top[0, 0]), data)
    slots = [middle[0, 0], bottom[0, 0], bottom[0, 1]]
    for slot, chart in zip(slots, charts, strict=False):
        ax = fig.add_subplot(slot)
        draw(ax, chart, compact=True)
    fig.text(0.5, 0.018, f"数据来源：GreenCert 绿色认证信息管理与报送系统登记簿，统计截至 "
             f"{data.get('as_of', '')}；有效证书含名单类记录。", ha="center", fontsize=7,
             color="#555555")
    return fig


def _header(fig: Figure, data: Mapping[str, Any]) -> None:
    unit = data.get("unit", {})
    period = data.get("period", {})
    fig.text(0.5, 0.955, data.get("title", "绿色认证工作简报"), ha="center", va="center",
             fontsize=20)
    office = data.get("office") or unit.get("name", "")
    fig.text(0.08, 0.918, f"单位：{office}（{unit.get('code', '')}）", fontsize=9.5)
    fig.text(0.97, 0.918, f"日期：{data.get('date', '')}", fontsize=9.5, ha="right")
    fig.text(0.08, 0.898, f"报告期：{period.get('words', '')}（{period.get('code', '')}），"
             f"统计截至 {data.get('as_of', '')}", fontsize=9.5)
    fig.add_artist(Line2D([0.08, 0.97], [0.888, 0.888], color="#2e7d32", linewidth=1.5))


def _table(ax: Any, data: Mapping[str, Any]) -> None:
    ax.axis("off")
    ax.set_title("一、2025年目标指标完成情况", fontsize=10, loc="left")
    rows = []
    colours = []
    for ind in data.get("indicators", ()):
        measure = ind.get("measure", "")
        count = ind.get("count")
        ratio = ind.get("ratio")
        rows.append([
            ind.get("name", ""),
            "需另行填报" if count is None else f"{format_number(count)}{measure}",
            "" if ind.get("target") is None else f"{format_number(ind['target'])}{measure}",
            "—" if ind.get("quota") is None else f"{format_number(ind['quota'])}{measure}",
            "—" if ratio is None else f"{ratio * 100:.1f}%",
        ])
        shade = "#ffffff" if ratio is None else ("#e8f5e9" if ratio >= 1 else "#fff3e0")
        colours.append(["#ffffff"] * 4 + [shade])
    if not rows:
        return
    table = ax.table(cellText=rows, colLabels=HEADERS, cellColours=colours,
                     colColours=["#e0e0e0"] * len(HEADERS), colWidths=[0.44, 0.14, 0.14,
                                                                       0.14, 0.14],
                     loc="upper center", cellLoc="center")
    table.auto_set_font_size(False)
    table.set_fontsize(8)
    table.scale(1, 1.25)
    for (row, col), cell in table.get_celld().items():
        if col == 0 and row > 0:
            cell.set_text_props(ha="left")
            cell.PAD = 0.02


def write_brief(data: Mapping[str, Any], out: str | Path) -> Path:
    """Write the brief PDF (temp file, then rename); returns the path."""
    path = Path(out)
    fig = brief_figure(data)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".brief-", suffix=".pdf")
    os.close(fd)
    try:
        with matplotlib.rc_context({"pdf.fonttype": 42}):
            fig.savefig(tmp, format="pdf", metadata={
                "Title": f"{data.get('title', '绿色认证工作简报')} {data.get('period', {}).get('words', '')}",
                "Creator": "GreenCert Desktop"})
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
