"""The pages shown in the main window's stacked area, one per navigation entry.

A page is a ``QWidget`` built as ``PageClass(register, parent)``; it calls services with the
register and never opens SQLAlchemy sessions itself. Pages are imported and built the first
time they are shown.
"""

from __future__ import annotations

import importlib

from PySide6.QtWidgets import QWidget

# navigation key -> "module:Class" under greencert_desktop.ui.pages
PAGES: dict[str, str] = {
    "home": "home:HomePage",
    "organisations": "organisations:OrganisationsPage",
    "certificates": "certificates:CertificatesPage",
    "subsidies": "subsidies:SubsidiesPage",
    "supervision": "supervision:SupervisionPage",
    "charts": "charts:ChartsPage",
    "submission": "submission:SubmissionPage",
    "import": "import_page:ImportPage",
    "settings": "settings:SettingsPage",
}


def page_class(key: str) -> type[QWidget]:
    module, _, name = PAGES[key].partition(":")
    return getattr(importlib.import_module(f"greencert_desktop.ui.pages.{module}"), name)
