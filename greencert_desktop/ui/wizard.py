"""First-run set-up: which unit this installation reports for, the office, the operator and
the reporting period type. Shown by ``run_gui`` while no unit is configured; everything it
asks can be changed later on the 设置 page.

Finish writes the settings through ``register.set``; Cancel writes nothing.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from greencert_desktop.domain.errors import UserError
from greencert_desktop.services.register import Register
from greencert_desktop.settings import SETTINGS
from greencert_desktop.ui.icons import app_icon


def unit_choices(register: Register) -> list[tuple[str, str, str]]:
    """(code, unit name, shown text) for every active unit, then the city office."""
    choices = [(u.code, u.name, f"{u.code} {u.name}")
               for u in register.reference.units if u.active]
    city = register.reference.city
    choices.append((city.code, city.name,
                    QCoreApplication.translate(
                        "SetupWizard", "{code} {name} city office (city-wide summary)").format(
                        code=city.code, name=city.name)))
    return choices


def period_type_labels() -> dict[str, str]:
    return {"quarter": QCoreApplication.translate("SetupWizard", "Quarterly"),
            "month": QCoreApplication.translate("SetupWizard", "Monthly"),
            "year": QCoreApplication.translate("SetupWizard", "Yearly")}


def default_office_name(unit_name: str) -> str:
    return QCoreApplication.translate(
        "SetupWizard", "{unit} Administration for Market Regulation").format(unit=unit_name)


class UnitPage(QWizardPage):
    def __init__(self, register: Register, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("wizardUnitPage")
        self.setTitle(self.tr("Your unit"))
        self.setSubTitle(self.tr("Which unit does this computer keep the register for?"))
        explanation = QLabel(self.tr(
            "Choose your district, county or functional zone. The city office chooses the "
            "city entry: it receives and consolidates the counties' submissions."), self)
        explanation.setWordWrap(True)
        self._choices = unit_choices(register)
        self.unit = QComboBox(self)
        self.unit.setObjectName("wizardUnit")
        for code, _name, text in self._choices:
            self.unit.addItem(text, code)
        self.office = QLineEdit(self)
        self.office.setObjectName("wizardOffice")
        self.office.setPlaceholderText(self.tr("e.g. {example}").format(
            example=default_office_name("海州区")))
        self._prefilled = ""

        form = QFormLayout(self)
        form.addRow(explanation)
        form.addRow(self.tr("&Unit:"), self.unit)
        form.addRow(self.tr("&Office name:"), self.office)
        hint = QLabel(self.tr("The office name appears on the submission workbooks "
                              "(填报单位)."), self)
        hint.setWordWrap(True)
        hint.setObjectName("wizardOfficeHint")
        form.addRow("", hint)

        current = str(register.get("unit_code") or "")
        index = self.unit.findData(current) if current else -1
        self.unit.currentIndexChanged.connect(self._prefill_office)
        self.unit.setCurrentIndex(max(index, 0))
        self._prefill_office()
        office = str(register.get("office_name") or "")
        if office:
            self.office.setText(office)
        # Not a mandatory QWizard field: Qt counts a prefilled value as "not filled in".
        self.office.textChanged.connect(self.completeChanged)

    def isComplete(self) -> bool:
        return bool(self.office.text().strip())

    def _prefill_office(self) -> None:
        """Suggest "<unit>市场监督管理局" unless the user has typed a name of their own."""
        index = self.unit.currentIndex()
        if index < 0:
            return
        suggestion = default_office_name(self._choices[index][1])
        if self.office.text().strip() in ("", self._prefilled):
            self.office.setText(suggestion)
        self._prefilled = suggestion

    def unit_code(self) -> str:
        return str(self.unit.currentData())


class OperatorPage(QWizardPage):
    def __init__(self, register: Register, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("wizardOperatorPage")
        self.setTitle(self.tr("Operator and reporting period"))
        self.setSubTitle(self.tr("Who works with the register, and how often it reports."))
        explanation = QLabel(self.tr(
            "Every change is recorded in the history under the operator's name. Submissions "
            "are made each quarter unless the city asks for monthly or yearly ones."), self)
        explanation.setWordWrap(True)
        self.operator = QLineEdit(self)
        self.operator.setObjectName("wizardOperator")
        self.operator.setPlaceholderText(self.tr("Your name (required)"))
        self.operator.setText(str(register.settings.get("operator") or ""))
        self.period_type = QComboBox(self)
        self.period_type.setObjectName("wizardPeriodType")
        for value, label in period_type_labels().items():
            self.period_type.addItem(label, value)
        current = str(register.get("period_type") or SETTINGS["period_type"].default)
        self.period_type.setCurrentIndex(max(self.period_type.findData(current), 0))

        form = QFormLayout(self)
        form.addRow(explanation)
        form.addRow(self.tr("Operator &name:"), self.operator)
        form.addRow(self.tr("Reporting &period:"), self.period_type)
        self.operator.textChanged.connect(self.completeChanged)

    def isComplete(self) -> bool:
        return bool(self.operator.text().strip())


class SetupWizard(QWizard):
    """The first-run wizard. ``exec()``; when accepted the settings are already written."""

    def __init__(self, register: Register, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.register = register
        self.setObjectName("setupWizard")
        self.setWindowTitle(self.tr("GreenCert set-up"))
        self.setWindowIcon(app_icon())
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setMinimumWidth(560)

        intro = QWizardPage(self)
        intro.setObjectName("wizardIntroPage")
        intro.setTitle(self.tr("Welcome"))
        text = QLabel(self.tr(
            "This is the first start of the Green Certification Information Management and "
            "Reporting System on this computer.\n\nAnswer a few questions to set it up. "
            "Everything can be changed later under Settings.\n\nData folder: {folder}").format(
                folder=register.home.root), intro)
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        QVBoxLayout(intro).addWidget(text)

        self.unit_page = UnitPage(register, self)
        self.operator_page = OperatorPage(register, self)
        self.addPage(intro)
        self.addPage(self.unit_page)
        self.addPage(self.operator_page)
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("&Finish"))

    def values(self) -> dict[str, str]:
        """What Finish writes, in the order it writes it (operator first: the audit rows of
        the register settings then name the new operator)."""
        return {
            "operator": self.operator_page.operator.text().strip(),
            "unit_code": self.unit_page.unit_code(),
            "office_name": self.unit_page.office.text().strip(),
            "period_type": str(self.operator_page.period_type.currentData()),
        }

    def accept(self) -> None:
        try:
            for key, value in self.values().items():
                self.register.set(key, value)
        except UserError as exc:
            QMessageBox.warning(self, self.windowTitle(), exc.message)
            return
        super().accept()


def run_setup_wizard(register: Register, parent: QWidget | None = None) -> bool:
    """Show the wizard; True when the user finished it (settings written)."""
    wizard = SetupWizard(register, parent)
    return wizard.exec() == QWizard.DialogCode.Accepted
