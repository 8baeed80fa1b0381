"""The pages shown in the main window's stacked area, one per navigation entry.

A page is a ``QWidget`` built as ``PageClass(register, parent)``; it calls services with the
register and never opens SQLAlchemy sessions itself. Pages are imported and built the first
time they are shown. A key missing here shows a placeholder.
"""

from __future__ import annotations

import importlib

from PySide6.QtWidgets import QWidget

# navigation key -> "module:Class" under greencert_desktop.ui.pages
PAGES: dict[str, str] = {
    "organisations": "organisations:OrganisationsPage",
    "certificates": "certificates:CertificatesPage",
    "subsidies": "subsidies:SubsidiesPage",
    "supervision": "supervision:SupervisionPage",
    "settings": "settings:SettingsPage",
}


def page_class(key: str) -> type[QWidget] | None:
    target = PAGES.get(key)
    if target is None:
        return None
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(f"greencert_desktop.ui.pages.{module}"), name)
