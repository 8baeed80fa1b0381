"""Every menu and its actions, declared in one place.

The main window owns one :class:`Actions` and connects the signals it cares about.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenuBar, QWidget

# Record actions a list page handles through ``page.trigger(name)``.
PAGE_ACTION_NAMES = ("new", "edit", "delete", "copy", "export", "find", "refresh")


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

        # Record actions: declared once here, enabled while a list page is shown and
        # handled by that page (see ListPage.trigger).
        self.new = self._page_action("new", self.tr("&New"), "Ctrl+N",
                                     self.tr("Create a new record"))
        self.edit = self._page_action("edit", self.tr("&Edit"), "Ctrl+E",
                                      self.tr("Edit the selected record (or press Enter)"))
        self.delete = self._page_action("delete", self.tr("&Delete"),
                                        "Del",
                                        self.tr("Delete the selected records"))
        self.copy = self._page_action("copy", self.tr("&Copy rows"),
                                      "Ctrl+C",
                                      self.tr("Copy the selected rows with headers"))
        self.find = self._page_action("find", self.tr("&Find"),
                                      "Ctrl+F",
                                      self.tr("Go to the search box"))
        self.export = self._page_action("export", self.tr("E&xport to Excel"), "Ctrl+Shift+E",
                                        self.tr("Export the filtered list to an xlsx workbook"))
        self.refresh = self._page_action("refresh", self.tr("&Refresh"),
                                         "F5",
                                         self.tr("Read the list again"))
        self._page: Any = None

    def _page_action(self, name: str, text: str, shortcut: str,
                     tip: str) -> QAction:
        action = QAction(text, self.parent())
        action.setObjectName(f"action{name.capitalize()}")
        # Explicit keys: the platform's standard ones differ (and Windows is what counts).
        action.setShortcut(QKeySequence(shortcut))
        action.setStatusTip(tip)
        action.setEnabled(False)
        action.triggered.connect(lambda _checked=False: self._run(name))
        return action

    def page_actions(self) -> dict[str, QAction]:
        return {name: getattr(self, name) for name in PAGE_ACTION_NAMES}

    def _run(self, name: str) -> None:
        if self._page is not None:
            self._page.trigger(name)

    def bind_page(self, page: Any) -> None:
        """``page`` is shown: the record actions now act on it."""
        self._page = page
        for action in self.page_actions().values():
            action.setEnabled(True)

    def unbind_page(self, page: Any) -> None:
        """``page`` is hidden: disable the record actions unless another page took them."""
        if self._page is not page:
            return
        self._page = None
        for action in self.page_actions().values():
            action.setEnabled(False)

    def populate(self, menu_bar: QMenuBar) -> None:
        """Build the menu bar: 文件 (退出), 记录 (新建 … 刷新) and 帮助 (关于)."""
        self.file_menu = menu_bar.addMenu(self.tr("&File"))
        self.file_menu.setObjectName("menuFile")
        self.file_menu.addAction(self.quit)

        self.records_menu = menu_bar.addMenu(self.tr("&Records"))
        self.records_menu.setObjectName("menuRecords")
        for action in (self.new, self.edit, self.delete):
            self.records_menu.addAction(action)
        self.records_menu.addSeparator()
        for action in (self.copy, self.find, self.refresh):
            self.records_menu.addAction(action)
        self.records_menu.addSeparator()
        self.records_menu.addAction(self.export)

        self.help_menu = menu_bar.addMenu(self.tr("&Help"))
        self.help_menu.setObjectName("menuHelp")
        self.help_menu.addAction(self.about)
