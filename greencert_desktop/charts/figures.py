"""Figure builders: a chart dict from :mod:`greencert_desktop.services.dashboard` in, a
matplotlib :class:`~matplotlib.figure.Figure` out (no pyplot state, no Qt).

Every bar rectangle gets the gid ``"bar:<category>:<series>"`` so that a page can tell which
bar was clicked (:func:`bar_at`) and open the list that
:func:`greencert_desktop.services.dashboard.bar_filters` names. ``draw_*`` functions draw on
a given axes (the brief lays several out on one page); ``figure`` makes a stand-alone one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from greencert_desktop.charts import fonts

PALETTE = ("#2e7d32", "#1565c0", "#ef6c00", "#6a1b9a", "#00838f", "#c62828", "#9e9d24",
           "#4e342e", "#ad1457", "#37474f", "#558b2f", "#283593")
TARGET_COLOUR = "#c62828"
MUTED = "#b0bec5"
INDICATOR_CAP = 200.0
"""Completion above this percentage is drawn at the cap (the label gives the real figure)."""

Chart = Mapping[str, Any]


def colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def figure(chart: Chart, *, width: float = 8.0, height: float | None = None,
           dpi: float = 100) -> Figure:
    """A stand-alone figure for ``chart`` (the indicator chart or a bar chart)."""
    fonts.setup()
    if height is None:
        height = _natural_height(chart)
    fig = Figure(figsize=(width, height), dpi=dpi, layout="constrained")
    ax = fig.add_subplot()
    draw(ax, chart)
    return fig


def _natural_height(chart: Chart) -> float:
    n = len(chart.get("categories", ()))
    if chart.get("orientation") == "h":
        return max(3.2, min(14.0, 1.4 + 0.32 * n))
    return 4.5


def draw(ax: Axes, chart: Chart, *, compact: bool = False) -> list[Rectangle]:
    """Draw ``chart`` on ``ax``; returns the bar rectangles."""
    if chart.get("key") == "indicators":
        return draw_indicators(ax, chart, compact=compact)
    return draw_bars(ax, chart, compact=compact)


def _titles(ax: Axes, chart: Chart, compact: bool) -> None:
    title = chart.get("title", "")
    subtitle = chart.get("subtitle", "")
    if compact:
        ax.set_title(title, fontsize=10, loc="left")
    else:
        ax.set_title(f"{title}\n{subtitle}" if subtitle else title, fontsize=12, loc="left")


def _empty(ax: Axes, chart: Chart) -> bool:
    values = [v for s in chart.get("series", ()) for v in s.get("values", ()) if v]
    if chart.get("categories") and values:
        return False
    ax.text(0.5, 0.5, "暂无数据", ha="center", va="center", transform=ax.transAxes,
            fontsize=12, color="#777777")
    ax.set_xticks([])
    ax.set_yticks([])
    return True


def draw_bars(ax: Axes, chart: Chart, *, compact: bool = False) -> list[Rectangle]:
    """Bars per category: one series plain (coloured by group when categories are grouped),
    several series side by side, or stacked when ``chart["stacked"]``."""
    _titles(ax, chart, compact)
    if _empty(ax, chart):
        return []
    categories: Sequence[Mapping[str, Any]] = chart["categories"]
    series: Sequence[Mapping[str, Any]] = chart["series"]
    horizontal = chart.get("orientation") == "h"
    stacked = bool(chart.get("stacked")) and len(series) > 1
    n = len(categories)
    positions = _positions(categories)
    groups = [c.get("group") for c in categories]
    by_group = len(series) == 1 and any(groups)
    group_colour = {g: colour(i) for i, g in enumerate(dict.fromkeys(groups))}
    width = 0.75 if stacked or len(series) == 1 else 0.8 / len(series)
    bottoms = [0.0] * n
    rects: list[Rectangle] = []
    for j, s in enumerate(series):
        values = [float(v or 0) for v in s["values"]]
        if stacked or len(series) == 1:
            pos = positions
        else:
            pos = [p - 0.4 + width * (j + 0.5) for p in positions]
        colours: Any = ([group_colour[g] for g in groups] if by_group
                        else MUTED if s.get("muted") else colour(j))
        if horizontal:
            bars = ax.barh(pos, values, height=width, left=bottoms if stacked else None,
                           color=colours, label=s["label"])
        else:
            bars = ax.bar(pos, values, width=width, bottom=bottoms if stacked else None,
                          color=colours, label=s["label"])
        for i, rect in enumerate(bars.patches):
            rect.set_gid(f"bar:{i}:{j}")
            rects.append(rect)
        if not stacked:
            ax.bar_label(bars, labels=[_count(v) if v else "" for v in values], padding=2,
                         fontsize=7 if compact else 8)
        if stacked:
            bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
    if stacked:
        for p, total in zip(positions, bottoms, strict=True):
            if total:
                xy = (total, p) if horizontal else (p, total)
                ax.annotate(_count(total), xy, xytext=(3, 0) if horizontal else (0, 2),
                            textcoords="offset points", fontsize=7 if compact else 8,
                            va="center" if horizontal else "bottom",
                            ha="left" if horizontal else "center")
    labels = [c["label"] for c in categories]
    fontsize = (6 if horizontal and n > 16 else 7) if compact else 9
    if horizontal:
        ax.set_yticks(positions, labels, fontsize=fontsize)
        ax.invert_yaxis()
        ax.set_xlabel(chart.get("value_label", ""), fontsize=fontsize)
        ax.margins(x=0.12)
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    else:
        ax.set_xticks(positions, labels, fontsize=fontsize,
                      rotation=45 if n > 8 else 0, ha="right" if n > 8 else "center")
        ax.set_ylabel(chart.get("value_label", ""), fontsize=fontsize)
        ax.margins(y=0.12)
        ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    legend_size = 7 if compact else 8
    if by_group:
        handles = [Patch(color=c, label=g) for g, c in group_colour.items() if g]
        ax.legend(handles=handles, fontsize=legend_size, loc="lower right", frameon=False)
    elif len(series) > 1:
        ax.legend(fontsize=legend_size, frameon=False,
                  ncols=1 if horizontal else min(len(series), 5),
                  loc="lower right" if horizontal else "upper left")
    return rects


def _positions(categories: Sequence[Mapping[str, Any]]) -> list[float]:
    """Category positions with a half-bar gap wherever the group changes."""
    out, pos, last = [], 0.0, None
    for i, c in enumerate(categories):
        group = c.get("group")
        if i and group != last:
            pos += 0.5
        out.append(pos)
        pos += 1.0
        last = group
    return out


def _count(v: float) -> str:
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.1f}"


def draw_indicators(ax: Axes, chart: Chart, *, compact: bool = False) -> list[Rectangle]:
    """Completion of each indicator against its goal: a bar per indicator (stacked by unit
    on the city view), a line at 100 %, and "count / quota / target" beside each bar."""
    _titles(ax, chart, compact)
    categories = chart["categories"]
    series = chart["series"]
    targets = chart.get("targets", [{}] * len(categories))
    n = len(categories)
    positions = list(range(n))
    fontsize = 7 if compact else 9
    ax.set_ylim(n - 0.1, -0.6)
    bottoms = [0.0] * n
    rects: list[Rectangle] = []
    stacked = len(series) > 1
    for j, s in enumerate(series):
        room = [max(0.0, INDICATOR_CAP - b) for b in bottoms]
        values = [min(float(v or 0), r) for v, r in zip(s["values"], room, strict=True)]
        colours: Any = colour(j) if stacked else [
            _ratio_colour(t.get("ratio")) for t in targets]
        bars = ax.barh(positions, values, height=0.6, left=bottoms, color=colours,
                       label=s["label"])
        for i, rect in enumerate(bars.patches):
            rect.set_gid(f"bar:{i}:{j}")
            rects.append(rect)
        bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
    ax.axvline(100, color=TARGET_COLOUR, linewidth=1.2, linestyle="--")
    ax.text(101, n - 0.45, "目标 100%", color=TARGET_COLOUR, fontsize=fontsize - 1,
            ha="left", va="center")
    totals = [sum(float(v or 0) for v in col) for col in zip(*(s["values"] for s in series),
                                                              strict=True)] if series else []
    for i, t in enumerate(targets):
        text = t.get("text", "")
        ratio = t.get("ratio")
        if ratio is not None:
            text = f"{ratio * 100:.0f}%  {text}"
        elif totals and totals[i] and stacked:
            text = f"{totals[i]:.0f}%  {text}"
        ax.text(bottoms[i] + 3 if i < len(bottoms) else 3, i, text, va="center",
                fontsize=fontsize - 1, color="#333333")
    ax.set_yticks(positions, [c["label"] for c in categories], fontsize=fontsize)
    ax.set_xlim(0, INDICATOR_CAP * 1.6)
    ticks = [0, 50, 100, 150, 200]
    ax.set_xticks(ticks, [f"{t}%" for t in ticks], fontsize=fontsize)
    ax.set_xlabel(chart.get("value_label", ""), fontsize=fontsize)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if stacked:
        ax.legend(fontsize=7 if compact else 8, frameon=False, loc="upper left",
                  bbox_to_anchor=(1.0, 1.0))
    return rects


def _ratio_colour(ratio: float | None) -> str:
    if ratio is None:
        return "#9e9e9e"
    if ratio >= 1:
        return "#2e7d32"
    if ratio >= 0.6:
        return "#f9a825"
    return "#c62828"


def bar_at(rects: Sequence[Rectangle], event: Any) -> tuple[int, int] | None:
    """(category, series) of the bar under a matplotlib mouse event, or None."""
    for rect in rects:
        hit, _ = rect.contains(event)
        if hit:
            gid = rect.get_gid() or ""
            _, i, j = gid.split(":")
            return int(i), int(j)
    return None


def bars(fig: Figure) -> list[Rectangle]:
    """Every bar rectangle of a figure built here (gid ``bar:i:j``)."""
    return [p for ax in fig.axes for p in ax.patches
            if isinstance(p, Rectangle) and (p.get_gid() or "").startswith("bar:")]
