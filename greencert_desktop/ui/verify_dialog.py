"""校验报送表: verify one or more submission workbooks from the interface.

The same check as ``greencert verify``: our format, a known template version, untouched
since export (hash and row counts), every row valid. Each file gets a line; the selected
file's problems are listed with sheet, row and column. Files can also be dropped on it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from greencert_desktop.services.register import Register
from greencert_desktop.services.verification import Verification, verify_file
from greencert_desktop.ui.jobs import Job, run_job
from greencert_desktop.ui.pages.submission import (
    BAD,
    GOOD,
    MUTED,
    cell,
    fill_table,
    fit_columns,
    local_time,
    make_table,
    number,
)


class VerifyDialog(QDialog):
    verified = Signal(list)  # the Verification objects of the last run

    def __init__(self, register: Register, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("verifyDialog")
        self.setWindowTitle(self.tr("Verify submission workbooks"))
        self.register = register
        self.results: list[Verification] = []
        self.job: Job | None = None
        self.setAcceptDrops(True)

        intro = QLabel(self.tr(
            "Checks that a workbook was written by this program in a known template version, "
            "has not been changed since it was exported, and that every row follows the "
            "data-entry rules. You can also drop files here."), self)
        intro.setWordWrap(True)
        self.add_button = QPushButton(self.tr("Add files…"), self)
        self.add_button.setObjectName("addFiles")
        self.add_button.clicked.connect(lambda _checked=False: self.add_files())
        self.clear_button = QPushButton(self.tr("Clear"), self)
        self.clear_button.setObjectName("clearFiles")
        self.clear_button.clicked.connect(lambda _checked=False: self.clear())
        self.summary = QLabel(self)
        self.summary.setObjectName("verifySummary")
        self.summary.setWordWrap(True)
        bar = QHBoxLayout()
        bar.addWidget(self.add_button)
        bar.addWidget(self.clear_button)
        bar.addSpacing(8)
        bar.addWidget(self.summary, 1)

        self.files_table = make_table(self, "verifyFiles", [
            self.tr("File"), self.tr("Unit"), self.tr("Period"), self.tr("Generated"),
            self.tr("Result")], stretch=4)
        self.files_table.setSelectionMode(self.files_table.SelectionMode.SingleSelection)
        self.files_table.itemSelectionChanged.connect(self._show_selected)
        self.problems_table = make_table(self, "verifyProblems", [
            self.tr("Sheet"), self.tr("Row"), self.tr("Column"), self.tr("Problem")],
            stretch=3)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.setChildrenCollapsible(False)
        split.addWidget(self.files_table)
        split.addWidget(self.problems_table)
        split.setSizes([160, 300])

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        layout.addWidget(buttons)
        self.resize(920, 580)
        self._say(self.tr("No files yet."), MUTED)

    def _say(self, text: str, color: str) -> None:
        self.summary.setStyleSheet(f"color: {color};")
        self.summary.setText(text)

    # ----------------------------------------------------------------- running
    def add_files(self) -> Job | None:
        start = str(self.register.get("submission_folder") or "") or str(Path.home())
        names, _filter = QFileDialog.getOpenFileNames(
            self, self.tr("Choose submission workbooks"), start,
            self.tr("Excel workbook (*.xlsx);;All files (*)"))
        return self.verify([Path(n) for n in names]) if names else None

    def clear(self) -> None:
        self.results = []
        fill_table(self.files_table, [])
        fill_table(self.problems_table, [])
        self._say(self.tr("No files yet."), MUTED)

    def verify(self, paths: Sequence[Path | str]) -> Job | None:
        """Verify ``paths`` in the background and add them to the list."""
        if self.job is not None and self.job.is_running():
            return None
        paths = [Path(p) for p in paths]
        reference = self.register.reference

        def work(progress: Callable[[int, int], bool], cancelled: Callable[[], bool]
                 ) -> list[Verification]:
            out = []
            for n, path in enumerate(paths):
                out.append(verify_file(path, reference, cancel=cancelled))
                progress(n + 1, len(paths))
            return out

        self.job = run_job(self, work, title=self.tr("Verify submission workbooks"),
                           label=self.tr("Verifying {count} files…").format(count=len(paths)),
                           on_success=self._done)
        return self.job

    def _done(self, results: list[Verification]) -> None:
        known = {r.path for r in results}
        self.results = [r for r in self.results if r.path not in known] + results
        rows = []
        for r in self.results:
            ok = r.ok
            problems = len(r.errors) + r.omitted
            result = self.tr("Passed") if ok else self.tr("Failed: {count} problems").format(
                count=number(problems))
            unit = f"{r.unit_code} {r.unit_name}".strip()
            rows.append([cell(r.path.name, tooltip=str(r.path)), cell(unit), cell(r.period),
                         cell(local_time(r.meta.get("generated_at", ""))),
                         cell(result, color=GOOD if ok else BAD, tooltip=r.summary())])
        fill_table(self.files_table, rows)
        fit_columns(self.files_table, 420)
        failed = sum(1 for r in self.results if not r.ok)
        if failed:
            self._say(self.tr("{failed} of {count} files failed the check.").format(
                failed=failed, count=len(self.results)), BAD)
        else:
            self._say(self.tr("All {count} files passed: complete, untouched and valid.").format(
                count=len(self.results)), GOOD)
        first_bad = next((i for i, r in enumerate(self.results) if not r.ok), 0)
        if self.results:
            self.files_table.selectRow(first_bad)
        self.verified.emit(results)

    def _show_selected(self) -> None:
        rows = {i.row() for i in self.files_table.selectedIndexes()}
        if len(rows) != 1:
            return
        result = self.results[rows.pop()]
        items = [[cell(p.sheet or self.tr("(file)")),
                  cell("" if p.row is None else p.row, align_right=True),
                  cell(p.column),
                  cell(p.message if p.severity == "error" else self.tr("Note: {message}").format(
                      message=p.message), color=BAD if p.severity == "error" else MUTED,
                       tooltip=p.describe())] for p in result.problems]
        if result.omitted:
            items.append([cell(""), cell(""), cell(""), cell(self.tr(
                "… and {count} more problems").format(count=number(result.omitted)))])
        if not items:
            items.append([cell(""), cell(""), cell(""), cell(result.summary(), color=GOOD)])
        fill_table(self.problems_table, items)
        fit_columns(self.problems_table, 300)

    def problem_texts(self) -> list[str]:
        """The problems shown, as 'sheet|row|column|message' lines (for tests and copying)."""
        t = self.problems_table
        return ["|".join(t.item(r, c).text() for c in range(t.columnCount()))
                for r in range(t.rowCount())]

    # --------------------------------------------------------------- dropping
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.verify(paths)


def open_verify_dialog(parent: QWidget | None, register: Register, *, ask: bool = True,
                       paths: Sequence[Path | str] = ()) -> VerifyDialog:
    """Show the dialog (not modal); ``ask`` opens the file chooser right away."""
    dialog = VerifyDialog(register, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    if paths:
        dialog.verify(paths)
    elif ask:
        QTimer.singleShot(0, dialog.add_files)
    return dialog
