"""设置: every declared setting as a form, the data folders, and a backup button.

The form is generated from ``greencert_desktop.settings.SETTINGS``: a combo box for a setting
with choices (and for the unit), a spin box for a number, a line edit for text. Defaults and
types come from there; only the English labels (translated) live here.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from greencert_desktop.domain.errors import UserError
from greencert_desktop.services import maintenance
from greencert_desktop.services.register import Register
from greencert_desktop.settings import EDITABLE_SETTINGS, SettingDef
from greencert_desktop.ui.widgets import page_title
from greencert_desktop.ui.wizard import period_type_labels, unit_choices

# Settings that are read once, when the program starts.
RESTART_KEYS = ("database_url", "language")
SPIN_MAXIMUM = 100_000


class SettingsPage(QWidget):
    def __init__(self, register: Register, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.register = register
        self.editors: dict[str, QWidget] = {}

        title = page_title(self.tr("Settings"), self)

        # ---- the declared settings
        settings_box = QGroupBox(self.tr("Options"), self)
        settings_box.setObjectName("settingsForm")
        form = QFormLayout(settings_box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        labels = self.setting_labels()
        hints = self.setting_hints()
        for key, definition in EDITABLE_SETTINGS.items():
            editor = self._editor(definition)
            editor.setObjectName(f"setting_{key}")
            editor.setToolTip(definition.label)
            self.editors[key] = editor
            label = QLabel(labels.get(key, definition.label), settings_box)
            label.setObjectName(f"settingLabel_{key}")
            label.setBuddy(editor)
            hint_text = hints.get(key)
            if hint_text:
                field = QWidget(settings_box)
                stack = QVBoxLayout(field)
                stack.setContentsMargins(0, 0, 0, 0)
                stack.setSpacing(2)
                stack.addWidget(editor)
                hint = QLabel(hint_text, field)
                hint.setObjectName(f"settingHint_{key}")
                hint.setWordWrap(True)
                hint.setStyleSheet("color: palette(dark);")
                stack.addWidget(hint)
                form.addRow(label, field)
            else:
                form.addRow(label, editor)
        self.save_button = QPushButton(self.tr("&Save settings"), settings_box)
        self.save_button.setObjectName("settingsSave")
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton(self.tr("&Undo changes"), settings_box)
        self.revert_button.setObjectName("settingsRevert")
        self.revert_button.clicked.connect(self.load)
        self.message = QLabel(settings_box)
        self.message.setObjectName("settingsMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.revert_button)
        buttons.addStretch(1)
        form.addRow(buttons)
        form.addRow(self.message)

        # ---- folders and backup
        folders_box = QGroupBox(self.tr("Data folders"), self)
        folders_box.setObjectName("settingsFolders")
        grid = QGridLayout(folders_box)
        grid.setColumnStretch(1, 1)
        self.path_labels: dict[str, QLabel] = {}
        self.open_buttons: dict[str, QPushButton] = {}
        for row, (key, caption, path, folder) in enumerate(self.folders()):
            grid.addWidget(QLabel(caption, folders_box), row, 0)
            shown = QLabel(path, folders_box)
            shown.setObjectName(f"path_{key}")
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            shown.setWordWrap(True)
            grid.addWidget(shown, row, 1)
            button = QPushButton(self.tr("Open folder"), folders_box)
            button.setObjectName(f"open_{key}")
            button.setEnabled(folder is not None)
            if folder is not None:
                button.clicked.connect(lambda _=False, f=folder: self.open_folder(f))
            grid.addWidget(button, row, 2)
            self.path_labels[key] = shown
            self.open_buttons[key] = button
        self.backup_button = QPushButton(self.tr("&Back up now"), folders_box)
        self.backup_button.setObjectName("settingsBackup")
        self.backup_button.clicked.connect(self.backup)
        self.backup_message = QLabel(folders_box)
        self.backup_message.setObjectName("backupMessage")
        self.backup_message.setWordWrap(True)
        self.backup_message.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        backup_row = len(self.path_labels)
        grid.addWidget(self.backup_button, backup_row, 0)
        grid.addWidget(self.backup_message, backup_row, 1, 1, 2)

        content = QWidget(self)
        column = QVBoxLayout(content)
        column.addWidget(title)
        column.addWidget(settings_box)
        column.addWidget(folders_box)
        column.addStretch(1)
        content.setMaximumWidth(900)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.addWidget(scroll)
        self.load()

    # ------------------------------------------------------------- the form
    def setting_labels(self) -> dict[str, str]:
        """English source labels, one per declared key (a new key falls back to its
        Chinese label from ``SETTINGS``)."""
        return {
            "database_url": self.tr("Database address:"),
            "operator": self.tr("Operator:"),
            "language": self.tr("Interface language:"),
            "backup_keep": self.tr("Automatic backups to keep:"),
            "unit_code": self.tr("Unit:"),
            "office_name": self.tr("Office name:"),
            "period_type": self.tr("Reporting period:"),
            "doc_number": self.tr("Document number:"),
        }

    def setting_hints(self) -> dict[str, str]:
        """A line of explanation under some settings."""
        return {
            "database_url": self.tr("Leave empty to use greencert.db in the data folder; a "
                                    "PostgreSQL URL is also accepted."),
            "unit_code": self.tr("The city office chooses the city entry (320700)."),
            "doc_number": self.tr("Printed in the top-right corner of the submission "
                                  "workbook (文号)."),
            "backup_keep": self.tr("Older automatic backups are deleted."),
        }

    def choice_labels(self, key: str) -> dict[Any, str]:
        if key == "language":
            return {"zh_CN": self.tr("Simplified Chinese"), "en": self.tr("English")}
        if key == "period_type":
            return period_type_labels()
        return {}

    def _editor(self, d: SettingDef) -> QWidget:
        if d.key == "unit_code":
            combo = QComboBox(self)
            combo.addItem(self.tr("(not set)"), "")
            for code, _name, text in unit_choices(self.register):
                combo.addItem(text, code)
            return combo
        if d.choices:
            combo = QComboBox(self)
            labels = self.choice_labels(d.key)
            for value in d.choices:
                combo.addItem(labels.get(value, str(value)), value)
            return combo
        if d.type is bool:
            return QCheckBox(self)
        if d.type is int:
            spin = QSpinBox(self)
            spin.setRange(0, SPIN_MAXIMUM)
            spin.setMaximumWidth(120)
            return spin
        edit = QLineEdit(self)
        if d.key == "database_url":
            edit.setPlaceholderText(self.tr("e.g. postgresql+psycopg://user:password@server/"
                                            "greencert"))
        return edit

    def value(self, key: str) -> Any:
        editor = self.editors[key]
        if isinstance(editor, QComboBox):
            data = editor.currentData()
            return data if data is not None else editor.currentText()
        if isinstance(editor, QCheckBox):
            return editor.isChecked()
        if isinstance(editor, QSpinBox):
            return editor.value()
        assert isinstance(editor, QLineEdit)
        return editor.text().strip()

    def set_value(self, key: str, value: Any) -> None:
        editor = self.editors[key]
        if isinstance(editor, QComboBox):
            index = editor.findData(value)
            if index < 0:  # a value from an older list: keep it visible
                editor.addItem(str(value), value)
                index = editor.count() - 1
            editor.setCurrentIndex(index)
        elif isinstance(editor, QCheckBox):
            editor.setChecked(bool(value))
        elif isinstance(editor, QSpinBox):
            editor.setValue(int(value))
        elif isinstance(editor, QLineEdit):
            editor.setText("" if value is None else str(value))
            editor.setCursorPosition(0)

    def stored(self) -> dict[str, Any]:
        return {key: self.register.get(key) for key in EDITABLE_SETTINGS}

    def load(self) -> None:
        for key, value in self.stored().items():
            self.set_value(key, value)
        self.message.clear()

    def changes(self) -> dict[str, Any]:
        """Settings whose editor differs from what is stored."""
        stored = self.stored()
        return {key: self.value(key) for key in EDITABLE_SETTINGS if self.value(key) != stored[key]}

    def save(self) -> None:
        changed = self.changes()
        if not changed:
            self._say(self.message, self.tr("Nothing changed."))
            return
        saved: list[str] = []
        try:
            for key, value in changed.items():
                self.register.set(key, value)
                saved.append(key)
        except UserError as exc:
            self._say(self.message, exc.message, error=True)
            return
        finally:
            if saved:
                self._refresh_window()
        text = self.tr("Settings saved.")
        if any(key in RESTART_KEYS for key in saved):
            text += " " + self.tr("The database address and the interface language take "
                                  "effect after the program is restarted.")
        self._say(self.message, text)

    def _refresh_window(self) -> None:
        refresh = getattr(self.window(), "refresh_status", None)
        if callable(refresh):
            refresh()

    # ---------------------------------------------------- folders and backup
    def folders(self) -> list[tuple[str, str, str, Path | None]]:
        """(key, caption, shown path, folder to open or None)."""
        home = self.register.home
        db_path = self.register.db.path
        if db_path is not None:
            database, db_folder = str(db_path), db_path.parent
        else:
            database = re.sub(r"(://[^:/@]*):[^@]*@", r"\1:***@", str(self.register.db.url))
            db_folder = None
        return [
            ("data", self.tr("Data folder:"), str(home.root), home.root),
            ("database", self.tr("Database:"), database, db_folder),
            ("logs", self.tr("Log folder:"), str(home.logs_dir), home.logs_dir),
            ("backups", self.tr("Backups folder:"), str(home.backups_dir), home.backups_dir),
        ]

    def open_folder(self, folder: Path) -> bool:
        folder.mkdir(parents=True, exist_ok=True)
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def backup(self) -> Path | None:
        try:
            path = maintenance.backup_register(self.register)
        except UserError as exc:
            self._say(self.backup_message, exc.message, error=True)
            return None
        self._say(self.backup_message,
                  self.tr("Backup written to {path}").format(path=path))
        return path

    def _say(self, label: QLabel, text: str, *, error: bool = False) -> None:
        label.setStyleSheet("color: #b00020;" if error else "color: #1b5e20;")
        label.setText(text)
