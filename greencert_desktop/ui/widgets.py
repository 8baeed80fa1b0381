"""Small widgets every page uses the same way."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget


def page_title(text: str, parent: QWidget) -> QLabel:
    """A page's heading (objectName ``pageTitle``): bold, 1.3 × the normal size."""
    label = QLabel(text, parent)
    label.setObjectName("pageTitle")
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.3)
    font.setBold(True)
    label.setFont(font)
    return label
