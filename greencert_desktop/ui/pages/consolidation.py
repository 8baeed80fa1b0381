"""汇总: the city office gathers the units' workbooks for a period.

Shown in the 报送 slot when the register is the city's (see ``pages/submission.py``). Files
are verified once, when added; the plan (which file each unit contributes, duplicates,
conflicts, completeness) is worked out again whenever the period, the files or a duplicate
choice change, and nothing is stored until 汇总入库 (which backs the database up first).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from greencert_desktop.domain.errors import UserError
from greencert_desktop.domain.periods import Period
from greencert_desktop.services import consolidation as con
from greencert_desktop.services import submission as sub
from greencert_desktop.services.register import Register
from greencert_desktop.services.verification import Verification, verify_file
from greencert_desktop.ui.jobs import Job, run_job, show_error
from greencert_desktop.ui.pages.submission import (
    BAD,
    GOOD,
    MUTED,
    PeriodChooser,
    cell,
    fill_table,
    fit_columns,
    local_time,
    make_table,
    number,
    show_written,
)
from greencert_desktop.ui.widgets import page_title

WARN = "#a04b00"


class ConsolidationPage(QWidget):
    planChanged = Signal()
    consolidated = Signal(object)  # ConsolidationResult
    cityExportFinished = Signal(str)  # the file written; "" when cancelled or failed

    def __init__(self, register: Register, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cityConsolidation")
        self.register = register
        self.verified: dict[Path, Verification] = {}
        self.choices: dict[str, Path] = {}
        self.plan: con.Plan | None = None
        self.job: Job | None = None

        # ---- heading
        self.period_chooser = PeriodChooser(register, self)
        self.period_chooser.setObjectName("periodChooser")
        self.period_chooser.periodChanged.connect(lambda _p: self.replan())
        self.completeness_label = QLabel(self)
        self.completeness_label.setObjectName("completenessLabel")
        font = self.completeness_label.font()
        font.setBold(True)
        self.completeness_label.setFont(font)
        self.verify_button = QPushButton(self.tr("Verify files…"), self)
        self.verify_button.setObjectName("verifyButton")
        self.verify_button.clicked.connect(lambda _checked=False: self.open_verify_dialog())
        heading = QHBoxLayout()
        heading.addWidget(page_title(self.tr("City consolidation"), self))
        heading.addStretch(1)
        heading.addWidget(self.verify_button)
        period_row = QHBoxLayout()
        period_label = QLabel(self.tr("Reporting period:"), self)
        period_label.setBuddy(self.period_chooser.combo)
        period_row.addWidget(period_label)
        period_row.addWidget(self.period_chooser)
        period_row.addSpacing(12)
        period_row.addWidget(self.completeness_label)
        period_row.addStretch(1)

        # ---- actions
        self.add_files_button = self._button("addFiles", self.tr("Add files…"), self.add_files)
        self.add_folder_button = self._button("addFolder", self.tr("Add folder…"),
                                              self.add_folder)
        self.remove_button = self._button("removeFiles", self.tr("Remove selected"),
                                          self.remove_selected)
        self.clear_button = self._button("clearFiles", self.tr("Clear"), self.clear_files)
        self.store_button = self._button("consolidateButton", self.tr("Consolidate into register"),
                                         self.consolidate)
        self.store_button.setToolTip(self.tr(
            "Replace each unit's data in the city register with its file, in one transaction; "
            "the database is backed up first"))
        self.export_button = self._button("exportCityButton", self.tr("Export city workbook…"),
                                          self.export_city)
        actions = QHBoxLayout()
        for b in (self.add_files_button, self.add_folder_button, self.remove_button,
                  self.clear_button):
            actions.addWidget(b)
        actions.addStretch(1)

        self.message = QLabel(self)
        self.message.setObjectName("consolidationMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        store = QHBoxLayout()
        store.addWidget(self.message, 1)
        store.addWidget(self.store_button)
        store.addWidget(self.export_button)

        # ---- units × state, and below: files, duplicates, conflicts
        self.units_table = make_table(self, "unitsTable", [
            self.tr("Code"), self.tr("Unit"), self.tr("State"), self.tr("Generated"),
            self.tr("File or reason")], stretch=4)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("consolidationTabs")
        self.files_table = make_table(self.tabs, "filesTable", [
            self.tr("File"), self.tr("Unit"), self.tr("Period"), self.tr("Generated"),
            self.tr("Result"), self.tr("Reason")], stretch=5)
        self.files_tab = self.tabs.addTab(self.files_table, self.tr("Files"))
        self.duplicates_table = make_table(self.tabs, "duplicatesTable", [
            self.tr("Unit"), self.tr("File used"), self.tr("Files received")], stretch=1)
        self.duplicates_tab = self.tabs.addTab(self.duplicates_table, self.tr("Duplicates"))
        self.conflicts_table = make_table(self.tabs, "conflictsTable", [
            self.tr("Kind"), self.tr("Key"), self.tr("Units"), self.tr("Description")],
            stretch=3)
        self.conflicts_tab = self.tabs.addTab(self.conflicts_table, self.tr("Conflicts"))
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.setChildrenCollapsible(False)
        split.addWidget(self.units_table)
        split.addWidget(self.tabs)
        split.setSizes([320, 220])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.setSpacing(8)
        layout.addLayout(heading)
        layout.addLayout(period_row)
        layout.addLayout(actions)
        layout.addLayout(store)
        layout.addWidget(split, 1)
        self._say(self.tr("Add the units' workbooks for the period: files or a whole folder."))
        self.replan()

    def _button(self, name: str, text: str, slot: Callable[[], Any]) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    def _say(self, text: str, color: str = MUTED) -> None:
        self.message.setStyleSheet(f"color: {color};")
        self.message.setText(text)

    def period(self) -> Period:
        return self.period_chooser.period()

    def busy(self) -> bool:
        return self.job is not None and self.job.is_running()

    def _start(self, work: Callable[[Callable[[int, int], bool], Callable[[], bool]], Any], *,
               title: str, label: str, on_success: Callable[[Any], Any],
               on_end: Callable[[], Any] | None = None) -> Job:
        self._set_enabled(False)
        job = run_job(self, work, title=title, label=label, on_success=on_success)
        job.finished.connect(lambda: self._set_enabled(not self.busy()))
        if on_end is not None:
            job.failed.connect(lambda _e: on_end())
            job.cancelled.connect(on_end)
        self.job = job
        return job

    def _set_enabled(self, enabled: bool) -> None:
        for b in (self.add_files_button, self.add_folder_button, self.remove_button,
                  self.clear_button, self.export_button, self.period_chooser):
            b.setEnabled(enabled)
        self.store_button.setEnabled(enabled and self.plan is not None and self.plan.can_store)

    # ------------------------------------------------------------------ files
    def add_files(self) -> Job | None:
        names, _filter = QFileDialog.getOpenFileNames(
            self, self.tr("Add the units' workbooks"), self._start_folder(),
            self.tr("Excel workbook (*.xlsx)"))
        return self.add_paths([Path(n) for n in names]) if names else None

    def add_folder(self) -> Job | None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Folder with the units' workbooks"),
                                                  self._start_folder())
        return self.add_paths([Path(folder)]) if folder else None

    def _start_folder(self) -> str:
        return str(self.register.get("submission_folder") or "") or str(Path.home())

    def add_paths(self, paths: Sequence[Path | str]) -> Job | None:
        """Verify the new files (a folder gives its .xlsx files) and plan again."""
        if self.busy():
            return None
        files = [p for p in con.expand_paths(paths) if p not in self.verified]
        if not files:
            self._say(self.tr("No new workbook found in what was chosen."), WARN)
            return None
        reg, period, known, choices = self.register, self.period(), list(self.verified.values()), \
            dict(self.choices)

        def work(progress: Callable[[int, int], bool], cancelled: Callable[[], bool]
                 ) -> tuple[list[Verification], con.Plan]:
            new = []
            for n, path in enumerate(files):
                new.append(verify_file(path, reg.reference, keep_rows=True, cancel=cancelled))
                progress(n + 1, len(files))
            return new, con.plan_verified(reg, known + new, period, choices=choices)

        def done(outcome: tuple[list[Verification], con.Plan]) -> None:
            new, plan = outcome
            for v in new:
                self.verified[v.path] = v
            self._show_plan(plan)

        return self._start(work, title=self.tr("Add files"), label=self.tr(
            "Verifying {count} workbooks…").format(count=len(files)), on_success=done)

    def selected_files(self) -> list[Path]:
        rows = sorted({i.row() for i in self.files_table.selectedIndexes()})
        out = []
        for r in rows:
            item = self.files_table.item(r, 0)
            if item is not None:
                out.append(Path(item.data(Qt.ItemDataRole.UserRole)))
        return out

    def remove_selected(self) -> Job | None:
        selected = self.selected_files()
        if not selected:
            self._say(self.tr("Select files in the Files list first."), WARN)
            return None
        for path in selected:
            self.verified.pop(path, None)
        return self.replan()

    def clear_files(self) -> Job | None:
        self.verified.clear()
        self.choices.clear()
        return self.replan()

    def choose(self, unit_code: str, path: Path | str) -> Job | None:
        """Use ``path`` for ``unit_code`` among its duplicate files."""
        self.choices[unit_code] = Path(path)
        return self.replan()

    # ------------------------------------------------------------------- plan
    def replan(self) -> Job | None:
        """Work out the plan again for the chosen period (files are not verified again)."""
        if self.busy():
            return None
        reg, period = self.register, self.period()
        verified, choices = list(self.verified.values()), dict(self.choices)

        def work(_progress: Callable[[int, int], bool], _cancelled: Callable[[], bool]
                 ) -> con.Plan:
            return con.plan_verified(reg, verified, period, choices=choices)

        return self._start(work, title=self.tr("City consolidation"),
                           label=self.tr("Comparing the workbooks…"), on_success=self._show_plan)

    def _show_plan(self, plan: con.Plan) -> None:
        self.plan = plan
        states = {"received": (self.tr("Received and passed"), GOOD),
                  "consolidated": (self.tr("Consolidated"), GOOD),
                  "refused": (self.tr("Refused"), BAD),
                  "missing": (self.tr("Missing"), WARN)}
        rows = []
        for u in plan.completeness:
            label, color = states.get(u.state, (u.state, MUTED))
            detail = u.reason or (Path(u.file).name if u.file else "")
            rows.append([cell(u.code, data=u.code), cell(u.name), cell(label, color=color),
                         cell(local_time(u.generated_at)),
                         cell(detail, tooltip=u.reason or u.file,
                              color=BAD if u.reason else None)])
        fill_table(self.units_table, rows)
        fit_columns(self.units_table, 520)
        self.completeness_label.setText(self.tr("{reported}/{total} units have reported").format(
            reported=plan.reported, total=len(plan.completeness)))

        file_states = {con.ACCEPTED: (self.tr("Accepted"), GOOD),
                       con.REFUSED: (self.tr("Refused"), BAD),
                       con.SUPERSEDED: (self.tr("Duplicate, not used"), WARN)}
        rows = []
        for f in plan.files:
            label, color = file_states[f.state]
            v = f.verification
            rows.append([cell(f.path.name, tooltip=str(f.path), data=str(f.path)),
                         cell(f"{v.unit_code} {v.unit_name}".strip()), cell(v.period),
                         cell(local_time(v.meta.get("generated_at", ""))),
                         cell(label, color=color), cell(f.reason, tooltip=f.reason)])
        fill_table(self.files_table, rows)
        fit_columns(self.files_table, 420)
        self.tabs.setTabText(self.files_tab, self.tr("Files ({count})").format(
            count=len(plan.files)))

        self._show_duplicates(plan)
        fill_table(self.conflicts_table, ([
            cell(self.tr("Credit code in two units") if c.kind == "credit_code"
                 else self.tr("Certificate in two units"), color=BAD),
            cell(c.key.rpartition("|")[2], tooltip=c.key), cell("、".join(self._unit_name(u) for u in c.units)),
            cell(c.message, tooltip=c.message)] for c in plan.conflicts))
        fit_columns(self.conflicts_table, 420)
        self.tabs.setTabText(self.conflicts_tab, self.tr("Conflicts ({count})").format(
            count=len(plan.conflicts)))

        accepted = len(plan.accepted)
        self.tabs.setCurrentIndex(self.files_tab)
        if plan.conflicts:
            self._say(self.tr("{count} conflicts: nothing can be stored until the units send "
                              "corrected files or the conflicting files are removed.").format(
                count=len(plan.conflicts)), BAD)
            self.tabs.setCurrentIndex(self.conflicts_tab)
        elif plan.duplicates:
            self._say(self.tr("{count} units sent more than one workbook for the period; the "
                              "file used for each is shown under Duplicates. {accepted} "
                              "workbooks are ready to consolidate.").format(
                count=len(plan.duplicates), accepted=accepted), WARN)
            self.tabs.setCurrentIndex(self.duplicates_tab)
        elif accepted:
            self._say(self.tr("{accepted} workbooks passed and are ready to consolidate.").format(
                accepted=accepted), GOOD)
        elif plan.files:
            self._say(self.tr("No workbook can be consolidated; see the reasons under Files."),
                      BAD)
        self.store_button.setEnabled(plan.can_store)
        self.planChanged.emit()

    def _unit_name(self, code: str) -> str:
        unit = self.register.reference.unit(code)
        return f"{code} {unit.name}" if unit is not None else code

    def _show_duplicates(self, plan: con.Plan) -> None:
        fill_table(self.duplicates_table, [])
        self.duplicates_table.setRowCount(len(plan.duplicates))
        for row, d in enumerate(plan.duplicates):
            unit = d["unit_code"]
            self.duplicates_table.setItem(row, 0, cell(self._unit_name(unit)))
            combo = QComboBox(self.duplicates_table)
            combo.setObjectName(f"duplicateChoice_{unit}")
            for f in reversed(d["files"]):  # newest first
                path = Path(f["file"])
                combo.addItem(self.tr("{file} (generated {time})").format(
                    file=path.name, time=local_time(f["generated_at"])), str(path))
            combo.setCurrentIndex(combo.findData(d["chosen"]))
            combo.currentIndexChanged.connect(
                lambda _i, u=unit, c=combo: self.choose(u, c.currentData()))
            self.duplicates_table.setCellWidget(row, 1, combo)
            self.duplicates_table.setItem(row, 2, cell(self.tr("{count} files").format(
                count=len(d["files"]))))
        fit_columns(self.duplicates_table, 520)
        self.tabs.setTabText(self.duplicates_tab, self.tr("Duplicates ({count})").format(
            count=len(plan.duplicates)))

    # ------------------------------------------------------------------ store
    def consolidate(self) -> Job | None:
        """Store the plan's accepted workbooks (backup first), then start afresh."""
        plan = self.plan
        if self.busy() or plan is None:
            return None
        if not plan.can_store:
            self._say(self.tr("Nothing to consolidate: add workbooks that pass, without "
                              "conflicts."), BAD)
            return None
        reg = self.register

        def work(progress: Callable[[int, int], bool], cancelled: Callable[[], bool]
                 ) -> con.ConsolidationResult:
            return con.consolidate(reg, plan, progress=progress, cancel=cancelled)

        return self._start(work, title=self.tr("Consolidate into register"),
                           label=self.tr("Storing {count} units' data for {period}…").format(
                               count=len(plan.accepted), period=plan.period.code),
                           on_success=self._consolidated)

    def _consolidated(self, result: con.ConsolidationResult) -> None:
        names = "、".join(u["unit_name"] for u in result.units)
        certs = sum(u["new"]["certificates"] for u in result.units)
        text = self.tr("Consolidated {count} units for {period}: {names}; {certificates} "
                       "certificates and listings now in the city register.").format(
            count=len(result.units), period=result.period, names=names,
            certificates=number(certs))
        if result.backup:
            text += " " + self.tr("Backup taken before: {path}").format(path=result.backup)
        self.verified.clear()
        self.choices.clear()
        refresh = getattr(self.window(), "refresh_status", None)
        if callable(refresh):
            refresh()
        job = self.replan()
        if job is not None:
            job.finished.connect(lambda: self._say(text, GOOD))
        self.consolidated.emit(result)

    # ----------------------------------------------------------------- export
    def export_city(self, folder: str | None = None) -> Job | None:
        """Write the city workbook for the period (asks for the folder when not given)."""
        if self.busy():
            return None
        if not folder:
            folder = QFileDialog.getExistingDirectory(
                self, self.tr("Folder for the city workbook"), self._start_folder())
        if not folder:
            return None
        try:
            if folder != str(self.register.get("submission_folder") or ""):
                self.register.set("submission_folder", folder)
        except UserError as error:
            show_error(self, self.tr("Export city workbook"), error)
            return None
        reg, period = self.register, self.period()

        def work(progress: Callable[[int, int], bool], cancelled: Callable[[], bool]
                 ) -> sub.ExportResult:
            return con.export_city_workbook(reg, folder, period=period, progress=progress,
                                            cancel=cancelled)

        def done(result: sub.ExportResult) -> None:
            self._say(self.tr("Exported {file}").format(file=result.path), GOOD)
            show_written(self, self.tr("Export city workbook"), self.tr(
                "The city workbook for {period} was written:\n{path}\n\n"
                "Content hash: {hash}").format(period=result.period, path=result.path,
                                               hash=result.content_sha256), result.path)
            self.cityExportFinished.emit(str(result.path))

        return self._start(work, title=self.tr("Export city workbook"),
                           label=self.tr("Writing the city workbook for {period}…").format(
                               period=period.code),
                           on_success=done, on_end=lambda: self.cityExportFinished.emit(""))

    def open_verify_dialog(self, *, ask: bool = True) -> QWidget:
        from greencert_desktop.ui.verify_dialog import open_verify_dialog

        return open_verify_dialog(self, self.register, ask=ask)
