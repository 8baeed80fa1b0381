"""The self-test's look at the interface: open the main window, show every page, close it.

Called through :func:`greencert_desktop.app.smoke_test_main_window` by
:mod:`greencert_desktop.selftest` (Qt is imported only under ``ui/`` and in ``app.py``).
The caller sets ``QT_QPA_PLATFORM=offscreen`` first, so nothing appears on screen. Any
problem raises :class:`UserError` with a Chinese message: translations or icon missing, a
page that does not open, an exception in a slot or a background job, a message box shown,
a job that does not end.
"""

from __future__ import annotations

import sys
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QEventLoop,
    QMessageLogContext,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtWidgets import QApplication, QMessageBox

from greencert_desktop.domain.errors import UserError
from greencert_desktop.services.register import Register
from greencert_desktop.ui.i18n import install_translators, qm_path, remove_translators
from greencert_desktop.ui.icons import app_icon
from greencert_desktop.ui.jobs import running_jobs
from greencert_desktop.ui.main_window import PAGE_KEYS, MainWindow

QT_PLATFORM_NOISE = ("This plugin does not support propagateSizeHints()",)
"""Messages of Qt's headless ``offscreen`` platform plugin itself, not of the program."""
ENGLISH_TITLE = "Green Certification Information Management and Reporting System"


def _require(condition: object, message: str) -> None:
    if not condition:
        raise UserError(message)


@contextmanager
def _collect_exceptions() -> Iterator[list[str]]:
    """Exceptions Qt slots and background jobs hand to ``sys.excepthook``."""
    seen: list[str] = []
    previous = sys.excepthook

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        seen.append("".join(traceback.format_exception(kind, exc, tb)).strip())

    sys.excepthook = hook
    try:
        yield seen
    finally:
        sys.excepthook = previous


def _settle(app: QApplication, limit_s: float) -> None:
    """Run the event loop until no background job runs (and then a little more)."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        if not running_jobs():
            break
        time.sleep(0.01)
    for _ in range(5):
        app.processEvents()


def open_every_page(app: QApplication, register: Register, *, timeout_s: float) -> str:
    """Show the main window and each of its pages, then close it; a one-line summary."""
    qt_messages: list[str] = []

    def on_qt_message(kind: QtMsgType, _where: QMessageLogContext, text: str) -> None:
        if kind != QtMsgType.QtDebugMsg and text not in QT_PLATFORM_NOISE:
            qt_messages.append(text)

    previous_handler = qInstallMessageHandler(on_qt_message)
    translators = install_translators(app, "zh_CN")
    own = qm_path("zh_CN")
    window: MainWindow | None = None
    try:
        _require(translators and own.is_file(), f"界面翻译未能加载（{own}）")
        icon = app_icon()
        _require(not icon.isNull(), "程序图标未找到")
        app.setWindowIcon(icon)
        with _collect_exceptions() as errors:
            window = MainWindow(register)
            window.show()
            _settle(app, timeout_s)
            _require(window.isVisible(), "主窗口未能显示")
            title = window.windowTitle()
            _require(title and title != ENGLISH_TITLE, f"主窗口标题未翻译：{title}")
            for key in PAGE_KEYS:
                window.show_page(key)
                _settle(app, timeout_s)
                _require(window.current_page_key() == key, f"页面 {key} 未能打开")
            _require(not running_jobs(), f"后台任务在 {timeout_s:.0f} 秒内未结束")
            boxes = [w for w in app.topLevelWidgets()
                     if isinstance(w, QMessageBox) and w.isVisible()]
            _require(not boxes, "出现了提示框：" + "；".join(b.text() for b in boxes))
            window.close()
            _settle(app, 5.0)
        _require(not errors, "界面出现异常：\n" + "\n".join(errors))
        qt_own = "" if len(translators) > 1 else "；未找到 Qt 自带的中文翻译"
        notes = "".join(f"\n! Qt: {m}" for m in qt_messages)
        return f"“{title}”，{len(PAGE_KEYS)} 个页面均已打开{qt_own}{notes}"
    finally:
        qInstallMessageHandler(previous_handler)
        if window is not None:
            window.close()
            window.deleteLater()
        remove_translators(app, translators)
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        app.processEvents()
