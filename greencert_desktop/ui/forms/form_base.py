"""What every record dialog shares.

* each field sits in a row with an inline message label under it (``<field>_message``);
* the domain's own rules check the values as they change, and Save stays disabled until
  they pass; messages show for the fields the user has touched, the rest are summed up
  at the bottom (``form_message``);
* Esc (or Cancel) closes without writing anything; Save makes exactly one service call,
  i.e. one transaction, and a ValidationError from it is shown next to its fields.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QCoreApplication, QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from greencert_desktop.domain.errors import Issue, UserError, ValidationError
from greencert_desktop.services.register import Register

DATE_FORMAT = "yyyy-MM-dd"
MESSAGE_STYLE = "color: #b3261e;"
WARNING_STYLE = ("color: #7a4b00; background: #fff4d6; border: 1px solid #e8c66a;"
                 " border-radius: 3px; padding: 4px 6px;")



def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class DateField(QWidget):
    """A date with a calendar popup, shown yyyy-MM-dd; optional dates have a checkbox
    (``<name>_set``) that switches the date on and off (off means empty)."""

    changed = Signal()

    def __init__(self, name: str, parent: QWidget | None = None, *, optional: bool = True,
                 value: date | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"{name}_field")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.check = QCheckBox(self)
        self.check.setObjectName(f"{name}_set")
        self.check.setToolTip(QCoreApplication.translate(
            "RecordDialog", "Tick to enter a date; untick to leave it empty"))
        self.edit = QDateEdit(self)
        self.edit.setObjectName(name)
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat(DATE_FORMAT)
        self.edit.setMinimumDate(QDate(1980, 1, 1))
        self.edit.setMaximumDate(QDate(2099, 12, 31))
        self.edit.setMinimumWidth(120)
        self.edit.setDate(QDate.currentDate())
        self.empty = QLabel(QCoreApplication.translate("RecordDialog", "(empty)"), self)
        self.empty.setObjectName(f"{name}_empty")
        self.empty.setStyleSheet("color: palette(mid);")
        layout.addWidget(self.check)
        layout.addWidget(self.edit)
        layout.addWidget(self.empty)
        layout.addStretch(1)
        self._optional = True
        self.check.toggled.connect(self._toggled)
        self.edit.dateChanged.connect(lambda _d: self.changed.emit())
        self.set_value(value)
        self.set_optional(optional)

    def _toggled(self, on: bool) -> None:
        self.edit.setEnabled(on)
        self.edit.setVisible(on)
        self.empty.setVisible(not on)
        if on:
            self.edit.setFocus()
        self.changed.emit()

    def set_optional(self, optional: bool) -> None:
        self._optional = optional
        self.check.setVisible(optional)
        if not optional and not self.check.isChecked():
            self.check.setChecked(True)

    def value(self) -> date | None:
        return from_qdate(self.edit.date()) if self.check.isChecked() else None

    def set_value(self, value: date | None) -> None:
        blocked = self.blockSignals(True)
        if value is not None:
            self.edit.setDate(to_qdate(value))
        self.check.setChecked(value is not None or not self._optional)
        self._toggled(self.check.isChecked())
        self.blockSignals(blocked)


@dataclass
class FieldRow:
    name: str
    label: str
    widget: QWidget
    message: QLabel
    container: QWidget
    form: QFormLayout


class RecordDialog(QDialog):
    """Base of the record dialogs. Subclasses build rows with :meth:`add_row`, implement
    :meth:`issues` (the domain's rules on the current values) and :meth:`save` (one
    service call) and call :meth:`finish_setup` at the end of ``__init__``."""

    def __init__(self, register: Register, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.register = register
        self.rows: dict[str, FieldRow] = {}
        self.touched: set[str] = set()
        self.show_all = False
        self.saved_id: int | None = None
        self._server: list[Issue] = []
        self._loading = True
        self.setSizeGripEnabled(True)

        self.body = QVBoxLayout()
        self.form_message = QLabel(self)
        self.form_message.setObjectName("form_message")
        self.form_message.setWordWrap(True)
        self.form_message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(self)
        self.save_button = self.buttons.addButton(
            QCoreApplication.translate("RecordDialog", "Save"),
            QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("saveButton")
        self.save_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(
            QCoreApplication.translate("RecordDialog", "Cancel"),
            QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.setAutoDefault(False)
        self.buttons.accepted.connect(self.on_save)
        self.buttons.rejected.connect(self.reject)
        outer = QVBoxLayout(self)
        outer.addLayout(self.body, 1)
        outer.addWidget(self.form_message)
        outer.addWidget(self.buttons)

    # ---------------------------------------------------------------- building
    @staticmethod
    def new_form() -> QFormLayout:
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.setVerticalSpacing(6)
        return form

    def add_row(self, form: QFormLayout, name: str, label: str, widget: QWidget, *,
                watch: QWidget | None = None) -> QWidget:
        """Add ``widget`` under ``label`` with its message line; changes mark ``name``
        touched (``watch`` is the widget whose signal counts, default ``widget``)."""
        container = QWidget(self)
        box = QVBoxLayout(container)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(widget)
        message = QLabel(container)
        message.setObjectName(f"{name}_message")
        message.setWordWrap(True)
        message.setStyleSheet(MESSAGE_STYLE)
        message.setVisible(False)
        box.addWidget(message)
        if widget.objectName() == "":
            widget.setObjectName(name)
        form.addRow(label, container)
        self.rows[name] = FieldRow(name, label.rstrip("：:"), widget, message, container, form)
        self.watch(watch or widget, name)
        return widget

    def watch(self, widget: QWidget, name: str) -> None:
        def changed(*_args: object) -> None:
            self.field_changed(name)

        if isinstance(widget, QLineEdit | QPlainTextEdit):
            widget.textChanged.connect(changed)
        elif isinstance(widget, QComboBox):
            widget.currentIndexChanged.connect(changed)
        elif isinstance(widget, QAbstractButton):
            widget.toggled.connect(changed)
        elif isinstance(widget, QAbstractSpinBox):
            widget.editingFinished.connect(changed)
            signal = getattr(widget, "valueChanged", None)
            if signal is not None:
                signal.connect(changed)
        elif hasattr(widget, "changed"):
            widget.changed.connect(changed)  # type: ignore[attr-defined]

    def set_row_visible(self, name: str, visible: bool) -> None:
        row = self.rows[name]
        row.form.setRowVisible(row.container, visible)

    def finish_setup(self) -> None:
        """Called at the end of a subclass's ``__init__``: from now on changes count."""
        self._loading = False
        self.refresh()

    # ---------------------------------------------------------------- checking
    def issues(self) -> list[Issue]:  # pragma: no cover - every subclass overrides
        return []

    def field_changed(self, name: str) -> None:
        if self._loading:
            return
        self.touched.add(name)
        self._server = [i for i in self._server if i.field != name]
        self.refresh()

    def refresh(self) -> None:
        if self._loading:
            return
        found = self.issues()
        by_field: dict[str, list[str]] = {}
        for issue in [*self._server, *found]:
            if issue.message not in by_field.setdefault(issue.field, []):
                by_field[issue.field].append(issue.message)
        pending: list[str] = []
        general: list[str] = []
        for field, messages in by_field.items():
            row = self.rows.get(field)
            if row is None or not row.container.isVisibleTo(self):
                general += messages
            elif not (self.show_all or field in self.touched
                      or any(i.field == field for i in self._server)):
                pending.append(row.label)
        for name, row in self.rows.items():
            shown = name in by_field and (self.show_all or name in self.touched
                                          or any(i.field == name for i in self._server))
            text = "\n".join(by_field.get(name, [])) if shown else ""
            row.message.setText(text)
            row.message.setVisible(bool(text))
        parts = general
        if pending:
            parts = [*parts, QCoreApplication.translate(
                "RecordDialog", "Still to fill in or correct: {fields}").format(
                fields="、".join(pending))]
        self.form_message.setText("\n".join(parts))
        self.form_message.setStyleSheet(MESSAGE_STYLE if general else "color: palette(mid);")
        self.save_button.setEnabled(not found and not self._server)
        self._grow_to_fit()

    def _grow_to_fit(self) -> None:
        """Messages appear under fields: make the dialog taller rather than squeeze them."""
        layout = self.layout()
        if layout is None or not self.isVisible():
            return
        layout.activate()
        if layout.hasHeightForWidth():
            need = layout.totalHeightForWidth(self.width())
        else:
            need = layout.totalSizeHint().height()
        if need > self.height():
            self.resize(self.width(), need)

    def show_issues(self, issues: Iterable[Issue]) -> None:
        """Issues from a service call: shown next to their fields until those change."""
        self._server = list(issues)
        self.refresh()

    # ---------------------------------------------------------------- saving
    def save(self) -> int | None:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def on_save(self) -> None:
        self.show_all = True
        self.refresh()
        if not self.save_button.isEnabled():
            return
        try:
            self.saved_id = self.save()
        except ValidationError as error:
            self.handle_validation_error(error)
            return
        except UserError as error:
            self.show_issues([Issue("", error.message)])
            return
        self.accept()

    def handle_validation_error(self, error: ValidationError) -> None:
        self.show_issues(error.issues)


def run_dialog(dialog: RecordDialog) -> int | None:
    """exec() the dialog; the saved id, or None when cancelled. The dialog is deleted."""
    try:
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        return dialog.saved_id if accepted else None
    finally:
        dialog.deleteLater()


def warning_label(text: str, name: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setStyleSheet(WARNING_STYLE)
    return label


def fill_combo(combo: QComboBox, items: Iterable[tuple[str, object]],
               blank: str | None = None) -> None:
    """Replace the items: (text, data) pairs, optionally after a blank item (data None)."""
    blocked = combo.blockSignals(True)
    combo.clear()
    if blank is not None:
        combo.addItem(blank, None)
    for text, data in items:
        combo.addItem(text, data)
    combo.blockSignals(blocked)


def select_data(combo: QComboBox, data: object) -> None:
    index = combo.findData(data)
    combo.setCurrentIndex(index if index >= 0 else 0)
