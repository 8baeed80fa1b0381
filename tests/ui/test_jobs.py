"""The background job runner: result by signal, errors shown, cancel honoured."""

from __future__ import annotations

import sys
import threading
import time

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QWidget

from greencert_desktop.domain.errors import UserError
from greencert_desktop.ui import jobs


@pytest.fixture
def parent(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    for job in jobs.running_jobs():
        job.cancel()
        job.wait()


def _boxes(name: str) -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.objectName() == name and w.isVisible()]


def test_result_arrives_by_signal_on_the_gui_thread(qtbot, parent):
    seen: list[tuple[int, int]] = []
    threads: list[threading.Thread] = []

    def work(progress, is_cancelled):
        threads.append(threading.current_thread())
        for n in range(1, 4):
            assert progress(n, 3) is True
        assert not is_cancelled()
        return {"answer": 42}

    job = jobs.Job(parent, work, title="t", label="working")
    job.progressed.connect(lambda done, total: seen.append((done, total)))
    delivered: list[object] = []
    job.succeeded.connect(lambda result: delivered.append(
        (result, threading.current_thread())))
    with qtbot.waitSignal(job.finished, timeout=5000):
        job.start()
    assert delivered == [({"answer": 42}, threading.main_thread())]
    assert threads and threads[0] is not threading.main_thread()
    assert seen[-1] == (3, 3)  # the last report always arrives
    assert job.state == "succeeded" and job.result == {"answer": 42}
    assert job.dialog is None and job not in jobs.running_jobs()


def test_user_error_is_shown_in_chinese(qtbot, parent):
    failed: list[BaseException] = []

    def work(progress, is_cancelled):
        raise UserError("文件夹不存在")

    job = jobs.run_job(parent, work, title="导出", label="…", on_failure=failed.append)
    qtbot.waitUntil(lambda: not job.is_running(), timeout=5000)
    assert job.state == "failed" and isinstance(failed[0], UserError)
    boxes = _boxes("jobError")
    assert [b.text() for b in boxes] == ["文件夹不存在"]
    boxes[0].close()


def test_other_errors_go_to_the_crash_reporter(qtbot, parent, monkeypatch):
    reported: list[BaseException] = []
    monkeypatch.setattr(sys, "excepthook", lambda t, e, tb: reported.append(e))

    def work(progress, is_cancelled):
        raise RuntimeError("boom")

    job = jobs.run_job(parent, work, title="t", label="…")
    qtbot.waitUntil(lambda: not job.is_running(), timeout=5000)
    assert [str(e) for e in reported] == ["boom"]
    assert not _boxes("jobError")


def test_cancel_is_honoured(qtbot, parent):
    started = threading.Event()
    steps: list[int] = []

    def work(progress, is_cancelled):
        started.set()
        n = 0
        while not is_cancelled():
            n += 1
            steps.append(n)
            if not progress(n, 0):
                break
            time.sleep(0.005)
        raise UserError("已取消")  # what the services raise; not shown as an error

    outcome: list[str] = []
    job = jobs.run_job(parent, work, title="t", label="…",
                       on_success=lambda _r: outcome.append("succeeded"),
                       on_failure=lambda _e: outcome.append("failed"),
                       on_cancel=lambda: outcome.append("cancelled"))
    assert started.wait(5)
    assert job.dialog is not None
    with qtbot.waitSignal(job.cancelled, timeout=5000):
        job.dialog.findChild(QPushButton).click()  # the dialog's Cancel button
    assert outcome == ["cancelled"] and job.state == "cancelled"
    assert not _boxes("jobError")
    count = len(steps)
    time.sleep(0.05)
    assert len(steps) == count  # the work stopped


def test_success_after_cancel_still_delivers_the_result(qtbot, parent):
    gate = threading.Event()

    def work(progress, is_cancelled):
        gate.wait(5)
        return "written"

    job = jobs.run_job(parent, work, title="t", label="…")
    job.cancel()
    with qtbot.waitSignal(job.succeeded, timeout=5000) as blocker:
        gate.set()
    assert blocker.args == ["written"]
