"""pytest-qt set-up for the interface tests.

Qt runs headless unless the caller chose a platform (``QT_QPA_PLATFORM=xcb`` to watch).
This must be set before any ``QApplication`` exists, hence at import time.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from greencert_desktop.services.register import Register
from greencert_desktop.ui.i18n import install_translators, remove_translators
from greencert_desktop.ui.main_window import MainWindow

# Messages of the headless "offscreen" platform plugin itself, not of our code.
PLATFORM_NOISE = (
    r"^This plugin does not support propagateSizeHints\(\)$",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A Qt warning in an interface test fails it, like Python warnings do everywhere."""
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.path).startswith(here):
            item.add_marker(pytest.mark.qt_log_level_fail("WARNING"))
            item.add_marker(pytest.mark.qt_log_ignore(*PLATFORM_NOISE))


@pytest.fixture
def zh_cn(qapp: QApplication) -> Iterator[list[QTranslator]]:
    """The Simplified Chinese translators installed for one test."""
    translators = install_translators(qapp, "zh_CN")
    yield translators
    remove_translators(qapp, translators)


@pytest.fixture
def main_window(qtbot, register: Register) -> Iterator[MainWindow]:
    """The main window over a fresh register, shown; closed after the test."""
    window = MainWindow(register)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.close()


@pytest.fixture(autouse=True)
def _default_locale() -> Iterator[None]:
    """Tests that change the default QLocale must not leak it into the next test."""
    before = QLocale()
    yield
    QLocale.setDefault(before)
