"""A CJK font for chart text: the first of the usual Chinese fonts that matplotlib finds.

Windows has Microsoft YaHei (微软雅黑) and SimHei (黑体); Linux has Noto Sans CJK (the
``.ttc`` collection's first face, which matplotlib names "Noto Sans CJK JP", covers
Simplified Chinese) or WenQuanYi. :func:`setup` puts the found font first in matplotlib's
sans-serif list and embeds TrueType (Type 42) fonts in PDF and PS output. When no CJK font
is installed Chinese labels would show as empty boxes: that is logged once, clearly, and
:func:`missing_font_message` gives the same text for the interface to show.
"""

from __future__ import annotations

import logging
from functools import cache

import matplotlib
from matplotlib import font_manager

log = logging.getLogger(__name__)

# In order of preference: Windows first, then Linux, then macOS / others.
CJK_FONTS = (
    "Microsoft YaHei", "Microsoft YaHei UI", "SimHei", "DengXian", "SimSun",
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
    "Noto Sans CJK JP", "Noto Sans CJK TC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
    "Droid Sans Fallback", "PingFang SC", "Heiti SC", "Arial Unicode MS",
)

MISSING_MESSAGE = ("未找到中文字体（如微软雅黑、黑体、Noto Sans CJK、文泉驿），图表中的中文将显示为方框。"
                   "请安装其中一种字体后重新打开本程序。")


@cache
def cjk_font() -> str | None:
    """The family name of the first CJK font installed, or None."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in installed:
            return name
    return None


_warned = False


def missing_font_message() -> str | None:
    """The Chinese warning when no CJK font is installed, else None."""
    return None if cjk_font() else MISSING_MESSAGE


def setup() -> str | None:
    """Configure matplotlib for Chinese text (once is enough; repeating is harmless).

    Returns the font used, or None after logging the missing-font warning (once)."""
    global _warned
    font = cjk_font()
    rc = matplotlib.rcParams
    rc["pdf.fonttype"] = 42
    rc["ps.fonttype"] = 42
    rc["svg.fonttype"] = "path"
    rc["axes.unicode_minus"] = False
    if font is None:
        if not _warned:
            log.warning(MISSING_MESSAGE)
            _warned = True
        return None
    families = [f for f in rc["font.sans-serif"] if f != font]
    rc["font.sans-serif"] = [font, *families]
    rc["font.family"] = ["sans-serif"]
    return font
