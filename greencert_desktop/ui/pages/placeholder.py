"""A page that is not written yet: its title and a short notice."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from greencert_desktop.services.register import Register


class PlaceholderPage(QWidget):
    def __init__(self, title: str, register: Register, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.register = register

        heading = QLabel(title, self)
        heading.setObjectName("pageTitle")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        heading.setFont(font)

        notice = QLabel(self.tr("This feature will be provided in a later version."), self)
        notice.setObjectName("placeholderNotice")
        notice.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.addWidget(heading)
        layout.addSpacing(12)
        layout.addWidget(notice)
        layout.addStretch(1)
        heading.setAlignment(Qt.AlignmentFlag.AlignLeft)
