"""Pickers used inside the record forms: organisation (search as you type, create new)
and certification body (choose, or add a new one with its approval number)."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QWidget,
)

from greencert_desktop.domain import credit_code
from greencert_desktop.domain.approval import validate_approval_number
from greencert_desktop.domain.errors import Issue
from greencert_desktop.domain.text import normalize_text
from greencert_desktop.services import certificates, lookups
from greencert_desktop.services.lookups import OrgChoice
from greencert_desktop.services.register import Register
from greencert_desktop.ui.forms.form_base import RecordDialog, fill_combo, run_dialog


class OrganisationPicker(QWidget):
    """Type part of a name or credit code; matching organisations pop up (at most
    ``lookups.SEARCH_LIMIT``). ``new_organisation`` opens the organisation form and
    selects what was created."""

    changed = Signal()

    def __init__(self, register: Register, parent: QWidget | None = None, *,
                 allow_new: bool = True) -> None:
        super().__init__(parent)
        self.register = register
        self.setObjectName("org_picker")
        self._choice: OrgChoice | None = None
        self._found: dict[str, OrgChoice] = {}
        self.edit = QLineEdit(self)
        self.edit.setObjectName("org_search")
        self.edit.setPlaceholderText(self.tr("Type part of the name or the credit code"))
        self.edit.setClearButtonEnabled(True)
        self.edit.setMinimumWidth(320)
        self.model = QStringListModel(self)
        self.completer = QCompleter(self.model, self)
        self.completer.setObjectName("org_completer")
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setMaxVisibleItems(12)
        self.completer.setWidget(self.edit)
        self.completer.activated[str].connect(self._activated)
        self.edit.textEdited.connect(self._search)
        self.edit.editingFinished.connect(self._finish)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        self.new_button = QPushButton(self.tr("New organisation…"), self)
        self.new_button.setObjectName("new_organisation")
        self.new_button.setAutoDefault(False)
        self.new_button.clicked.connect(self.create_new)
        self.new_button.setVisible(allow_new)
        layout.addWidget(self.new_button)
        self.setFocusProxy(self.edit)

    # ---------------------------------------------------------------- value
    def org_id(self) -> int | None:
        return self._choice.id if self._choice else None

    def choice(self) -> OrgChoice | None:
        return self._choice

    def set_org_id(self, org_id: int | None) -> None:
        self._select(lookups.organisation(self.register, org_id))

    def _select(self, choice: OrgChoice | None) -> None:
        before = self.org_id()
        self._choice = choice
        self.edit.setText(choice.label if choice else "")
        self.completer.popup().hide()
        if self.org_id() != before:
            self.changed.emit()

    # ---------------------------------------------------------------- searching
    def _search(self, text: str) -> None:
        if self._choice is not None and text != self._choice.label:
            self._choice = None
            self.changed.emit()
        found = lookups.search_organisations(self.register, text)
        self._found = {c.label: c for c in found}
        self.model.setStringList(list(self._found))
        if found:
            self.completer.complete()
        else:
            self.completer.popup().hide()

    def _activated(self, label: str) -> None:
        choice = self._found.get(label)
        if choice is not None:
            self._select(choice)

    def _finish(self) -> None:
        """Leaving the box: a single match (or an exact credit code) is taken."""
        text = self.edit.text().strip()
        if self._choice is not None or not text:
            return
        exact = lookups.organisation_by_code(self.register, text)
        if exact is not None:
            self._select(exact)
            return
        found = lookups.search_organisations(self.register, text, limit=2)
        if len(found) == 1:
            self._select(found[0])

    # ---------------------------------------------------------------- creating
    def create_new(self) -> None:
        from greencert_desktop.ui.forms.organisation_form import OrganisationForm

        text = self.edit.text().strip() if self._choice is None else ""
        initial: dict[str, str] = {}
        if text:
            code = credit_code.normalize(text)
            looks_like_code = len(code) >= 15 and sum(c.isdigit() for c in code) >= 10
            initial["credit_code" if looks_like_code else "name"] = text
        new_id = run_dialog(OrganisationForm(self.register, self.window(), initial=initial))
        if new_id is not None:
            self.set_org_id(new_id)
        self.edit.setFocus()


class NewBodyDialog(RecordDialog):
    """Add a certification body: name and CNCA approval number."""

    def __init__(self, register: Register, parent: QWidget | None = None,
                 name: str = "") -> None:
        super().__init__(register, parent)
        self.setObjectName("newBodyDialog")
        self.setWindowTitle(self.tr("New certification body"))
        form = self.new_form()
        self.body.addLayout(form)
        self.name_edit = QLineEdit(name, self)
        self.name_edit.setObjectName("body_name")
        self.name_edit.setMinimumWidth(360)
        self.add_row(form, "name", self.tr("Name:"), self.name_edit)
        self.number_edit = QLineEdit(self)
        self.number_edit.setObjectName("approval_number")
        self.number_edit.setPlaceholderText("CNCA-R-2002-001")
        self.add_row(form, "approval_number", self.tr("Approval number:"), self.number_edit)
        self.finish_setup()

    def issues(self) -> list[Issue]:
        found = [] if normalize_text(self.name_edit.text()) else [
            Issue("name", "认证机构名称不能为空")]
        found += validate_approval_number(self.number_edit.text())[1]
        return found

    def save(self) -> int:
        return certificates.create_body(self.register, self.name_edit.text(),
                                        self.number_edit.text())


class BodyPicker(QWidget):
    """The certification bodies in a combo, and ``new_body`` to add one."""

    changed = Signal()

    def __init__(self, register: Register, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.register = register
        self.setObjectName("body_picker")
        self.combo = QComboBox(self)
        self.combo.setObjectName("body_id")
        self.combo.setMinimumWidth(320)
        self.combo.setMaxVisibleItems(20)
        self.combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.new_button = QPushButton(self.tr("New body…"), self)
        self.new_button.setObjectName("new_body")
        self.new_button.setAutoDefault(False)
        self.new_button.clicked.connect(self.create_new)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo, 1)
        layout.addWidget(self.new_button)
        self.setFocusProxy(self.combo)
        self.reload()

    def reload(self, select: int | None = None) -> None:
        current = select if select is not None else self.body_id()
        fill_combo(self.combo, ((b.label, b.id) for b in lookups.body_choices(self.register)),
                   blank=self.tr("— choose a certification body —"))
        index = self.combo.findData(current) if current is not None else 0
        self.combo.setCurrentIndex(max(index, 0))
        self.changed.emit()

    def body_id(self) -> int | None:
        data = self.combo.currentData(Qt.ItemDataRole.UserRole)
        return int(data) if data is not None else None

    def set_body_id(self, body_id: int | None) -> None:
        index = self.combo.findData(body_id) if body_id is not None else 0
        self.combo.setCurrentIndex(max(index, 0))

    def create_new(self) -> None:
        new_id = run_dialog(NewBodyDialog(self.register, self.window()))
        if new_id is not None:
            self.reload(select=new_id)
        self.combo.setFocus()
