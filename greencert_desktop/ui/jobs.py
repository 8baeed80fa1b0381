"""Background jobs with a progress dialog and Cancel (in the manner of Anki's ``operations``).

A job is a plain callable ``work(progress, is_cancelled)`` run on a worker thread:

* ``progress(done, total)`` reports how far it got (``total`` 0: unknown) and returns
  ``True`` while the job should go on, so it also fits callbacks that stop on ``False``
  (``excel.list_export``);
* ``is_cancelled()`` is ``True`` once the clerk pressed Cancel; the callable stops at its next
  check (the services raise their ``Cancelled``).

The outcome comes back on the GUI thread by signal: ``succeeded(result)``, ``failed(error)``
or ``cancelled()``, then always ``finished()``. A :class:`UserError` is shown with its Chinese
message (non-blocking, window-modal); any other exception is logged with its traceback and
handed to the crash reporter (``sys.excepthook``). An exception raised after Cancel was
pressed counts as the cancellation. Pages keep no thread objects of their own::

    job = run_job(self, work, title=self.tr("Export"), label=self.tr("Writing…"),
                  on_success=self.exported)

Nothing from the job touches widgets: ``work`` must only use services and plain data.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from greencert_desktop.domain.errors import UserError

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], bool]
CancelCheck = Callable[[], bool]
Work = Callable[[ProgressCallback, CancelCheck], Any]

PROGRESS_INTERVAL = 0.05
"""Seconds between progress signals (a job may report after every row)."""
SHOW_AFTER_MS = 300
"""A job that ends sooner shows no progress dialog at all."""

_running: set[Job] = set()


class _Worker(QThread):
    """Runs ``work`` once; its signals are queued to the GUI thread (the object lives there)."""

    progressed = Signal(int, int)
    done = Signal(str, object)  # "succeeded" / "failed" / "cancelled", result or exception

    def __init__(self, work: Work, stop: threading.Event) -> None:
        super().__init__()
        self._work = work
        self._stop = stop
        self._last = 0.0

    def _progress(self, done: int, total: int) -> bool:
        now = time.monotonic()
        if now - self._last >= PROGRESS_INTERVAL or (total and done >= total):
            self._last = now
            self.progressed.emit(int(done), int(total))
        return not self._stop.is_set()

    def run(self) -> None:
        try:
            result = self._work(self._progress, self._stop.is_set)
        except BaseException as error:  # delivered to the GUI thread, never lost
            if self._stop.is_set():
                self.done.emit("cancelled", None)
            else:
                self.done.emit("failed", error)
        else:
            self.done.emit("succeeded", result)


class Job(QObject):
    """One background job. Keep it if you need to cancel or wait; the module keeps it alive."""

    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    finished = Signal()

    def __init__(self, parent_widget: QWidget | None, work: Work, *, title: str, label: str,
                 show_progress: bool = True, cancellable: bool = True,
                 show_errors: bool = True) -> None:
        super().__init__()
        self.setObjectName("job")
        self.parent_widget = parent_widget
        self.title = title
        self.state = "running"
        self.result: Any = None
        self.error: BaseException | None = None
        self.show_errors = show_errors
        self._stop = threading.Event()
        self._worker = _Worker(work, self._stop)
        self._worker.progressed.connect(self._on_progress)
        self._worker.done.connect(self._on_done)
        self.dialog: QProgressDialog | None = None
        if show_progress:
            dialog = QProgressDialog(label, self.tr("Cancel") if cancellable else "",
                                     0, 0, parent_widget)
            dialog.setObjectName("jobProgress")
            dialog.setWindowTitle(title)
            dialog.setWindowModality(Qt.WindowModality.WindowModal)
            dialog.setMinimumDuration(SHOW_AFTER_MS)
            dialog.setAutoClose(False)
            dialog.setAutoReset(False)
            if not cancellable:
                dialog.setCancelButton(None)
            dialog.canceled.connect(self.cancel)
            dialog.setValue(0)  # starts the minimum-duration timer
            self.dialog = dialog

    # ------------------------------------------------------------------ control
    def start(self) -> Job:
        _running.add(self)
        app = QCoreApplication.instance()
        if app is not None:  # quitting mid-job: stop it rather than destroy a running thread
            app.aboutToQuit.connect(self._quit)
        self._worker.start()
        return self

    @Slot()
    def _quit(self) -> None:
        self.cancel()
        self._worker.wait()

    def cancel(self) -> None:
        """Ask the job to stop at its next check; ``cancelled`` follows when it did."""
        if self.state == "running" and not self._stop.is_set():
            self._stop.set()
            if self.dialog is not None:
                self.dialog.setLabelText(self.tr("Cancelling…"))

    def is_cancel_requested(self) -> bool:
        return self._stop.is_set()

    def is_running(self) -> bool:
        return self.state == "running"

    def wait(self, msecs: int = 30000) -> bool:
        """Block until the worker thread ended (its outcome still arrives by signal)."""
        return self._worker.wait(msecs)

    # ------------------------------------------------------------------ outcome
    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        if self.dialog is not None and self.state == "running" and not self._stop.is_set():
            if total > 0:
                self.dialog.setMaximum(100)
                self.dialog.setValue(min(100, int(done * 100 / total)))
            else:
                self.dialog.setMaximum(0)
        self.progressed.emit(done, total)

    @Slot(str, object)
    def _on_done(self, state: str, payload: object) -> None:
        self._worker.wait()
        self.state = state
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.disconnect(self._quit)
        if self.dialog is not None:
            self.dialog.canceled.disconnect(self.cancel)
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None
        try:
            if state == "succeeded":
                self.result = payload
                self.succeeded.emit(payload)
            elif state == "cancelled":
                self.cancelled.emit()
            else:
                assert isinstance(payload, BaseException)
                self.error = payload
                if self.show_errors:
                    show_error(self.parent_widget, self.title, payload)
                self.failed.emit(payload)
        finally:
            _running.discard(self)
            self._worker.deleteLater()
            self.finished.emit()


def run_job(parent: QWidget | None, work: Work, *, title: str, label: str,
            on_success: Callable[[Any], Any] | None = None,
            on_failure: Callable[[BaseException], Any] | None = None,
            on_cancel: Callable[[], Any] | None = None,
            show_progress: bool = True, cancellable: bool = True,
            show_errors: bool = True) -> Job:
    """Start ``work`` in the background and return its :class:`Job`.

    ``show_progress=False`` runs it without a dialog (e.g. refreshing a preview);
    ``show_errors=False`` leaves the error to ``on_failure``.
    """
    job = Job(parent, work, title=title, label=label, show_progress=show_progress,
              cancellable=cancellable, show_errors=show_errors)
    if on_success is not None:
        job.succeeded.connect(on_success)
    if on_failure is not None:
        job.failed.connect(on_failure)
    if on_cancel is not None:
        job.cancelled.connect(on_cancel)
    return job.start()


def running_jobs() -> list[Job]:
    return list(_running)


def show_error(parent: QWidget | None, title: str, error: BaseException) -> QMessageBox | None:
    """A UserError as a warning box (returned, already open); anything else to the crash
    reporter and the log."""
    if isinstance(error, UserError):
        box = QMessageBox(QMessageBox.Icon.Warning, title, error.message,
                          QMessageBox.StandardButton.Ok, parent)
        box.setObjectName("jobError")
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box
    log.info("background job %r failed: %s", title, error)
    sys.excepthook(type(error), error, error.__traceback__)
    return None
