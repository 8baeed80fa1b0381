"""Every menu and its actions, declared in one place.

The main window owns one :class:`Actions` and connects the signals it cares about.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenuBar, QWidget


class Actions(QObject):
    """The window's actions. Object names are stable, for tests and for later shortcuts."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("actions")

        self.quit = QAction(self.tr("E&xit"), parent)
        self.quit.setObjectName("actionQuit")
        # Explicit: QKeySequence.Quit has no binding on Windows.
        self.quit.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit.setMenuRole(QAction.MenuRole.QuitRole)
        self.quit.setStatusTip(self.tr("Close the program"))

        self.about = QAction(self.tr("&About"), parent)
        self.about.setObjectName("actionAbout")
        self.about.setMenuRole(QAction.MenuRole.AboutRole)
        self.about.setStatusTip(self.tr("Version and data folder"))

    def populate(self, menu_bar: QMenuBar) -> None:
        """Build the menu bar: 文件 (退出) and 帮助 (关于)."""
        self.file_menu = menu_bar.addMenu(self.tr("&File"))
        self.file_menu.setObjectName("menuFile")
        self.file_menu.addAction(self.quit)

        self.help_menu = menu_bar.addMenu(self.tr("&Help"))
        self.help_menu.setObjectName("menuHelp")
        self.help_menu.addAction(self.about)
