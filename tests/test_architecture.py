"""The layering rules of DEVELOPERS.md, checked on the source with ``ast``.

- Qt (PySide6, shiboken6) is imported only under ``ui/``, in ``app.py`` and ``__main__.py``.
- Only those modules import ``greencert_desktop.ui``.
- ``storage/`` does not import ``services/``.

Every import counts: at module level, inside functions, under ``if TYPE_CHECKING``, relative
(``from ..ui import x``), ``from greencert_desktop import ui``, and ``importlib.import_module``
/ ``__import__`` with a literal name.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "greencert_desktop"
PACKAGE_DIR = ROOT / PACKAGE
QT_PACKAGES = ("PySide6", "shiboken6")
QT_ALLOWED = ("greencert_desktop.ui", "greencert_desktop.app", "greencert_desktop.__main__")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(module: str | None, level: int, importer: str, is_package: bool) -> str:
    if level == 0:
        return module or ""
    base = importer.split(".")
    # ``from . import x`` in a package's __init__ is relative to the package itself.
    base = base if is_package else base[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join([*base, module] if module else base)


def imported_names(source: str, importer: str = "x", is_package: bool = False) -> Iterator[str]:
    """Every module name the source may import (``from a import b`` yields ``a`` and ``a.b``)."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(node.module, node.level, importer, is_package)
            yield base
            for alias in node.names:
                yield f"{base}.{alias.name}" if base else alias.name
        elif isinstance(node, ast.Call):
            func = node.func
            called = (func.attr if isinstance(func, ast.Attribute)
                      else func.id if isinstance(func, ast.Name) else "")
            if called in ("import_module", "__import__") and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    yield first.value


def within(name: str, prefixes: tuple[str, ...] | str) -> bool:
    prefixes = (prefixes,) if isinstance(prefixes, str) else prefixes
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def package_modules() -> list[tuple[str, Path, set[str]]]:
    found = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        name = module_name(path)
        source = path.read_text(encoding="utf-8")
        found.append((name, path, set(imported_names(source, name, path.name == "__init__.py"))))
    return found


MODULES = package_modules()


def _violations(importer_filter, forbidden) -> list[str]:
    return sorted(
        f"{path.relative_to(ROOT).as_posix()} imports {name}"
        for module, path, names in MODULES if importer_filter(module)
        for name in names if within(name, forbidden)
    )


# ------------------------------------------------------------------------- the rules


def test_qt_only_under_ui_and_app() -> None:
    assert _violations(lambda m: not within(m, QT_ALLOWED), QT_PACKAGES) == []


def test_only_ui_and_app_import_the_ui_package() -> None:
    assert _violations(lambda m: not within(m, QT_ALLOWED), "greencert_desktop.ui") == []


def test_storage_does_not_import_services() -> None:
    assert _violations(lambda m: within(m, "greencert_desktop.storage"),
                       "greencert_desktop.services") == []


# ------------------------------------------------------------- the checks themselves


def test_the_scan_sees_the_whole_package() -> None:
    names = {m for m, _, _ in MODULES}
    assert {"greencert_desktop", "greencert_desktop.domain.errors", "greencert_desktop.home",
            "greencert_desktop.app", "greencert_desktop.ui.main_window"} <= names
    assert any(within(m, "greencert_desktop.storage") for m in names)


def test_the_scan_finds_qt_where_it_is_allowed() -> None:
    """If the detector were blind, ui/main_window.py would seem Qt-free."""
    by_name = {m: names for m, _, names in MODULES}
    assert any(within(n, "PySide6") for n in by_name["greencert_desktop.ui.main_window"])
    assert any(within(n, "PySide6") for n in by_name["greencert_desktop.app"])


@pytest.mark.parametrize("source", [
    "import PySide6",
    "import PySide6.QtCore",
    "import PySide6.QtWidgets as w",
    "from PySide6 import QtCore",
    "from PySide6.QtCore import QObject",
    "import shiboken6",
    "from shiboken6 import Shiboken",
    "def later():\n    from PySide6.QtGui import QColor\n",
    "class C:\n    def m(self):\n        import PySide6.QtCore\n",
    "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from PySide6.QtCore import QDate\n",
    "try:\n    import PySide6\nexcept ImportError:\n    pass\n",
    "import importlib\nimportlib.import_module('PySide6.QtCore')\n",
    "from importlib import import_module\nimport_module('shiboken6')\n",
    "__import__('PySide6')\n",
    "import os, PySide6.QtCore\n",
])
def test_detector_catches_qt_imports(source: str) -> None:
    assert any(within(n, QT_PACKAGES) for n in imported_names(source))


@pytest.mark.parametrize("source", [
    "import PySide7",
    "import pyside6_helpers",
    "from greencert_desktop.domain import errors",
    "text = 'import PySide6'",
    "# import PySide6",
])
def test_detector_ignores_lookalikes(source: str) -> None:
    assert not any(within(n, QT_PACKAGES) for n in imported_names(source))


@pytest.mark.parametrize(("source", "importer", "is_package"), [
    ("import greencert_desktop.ui.main_window", "greencert_desktop.services.x", False),
    ("from greencert_desktop.ui import main_window", "greencert_desktop.services.x", False),
    ("from greencert_desktop import ui", "greencert_desktop.services.x", False),
    ("from ..ui import main_window", "greencert_desktop.services.x", False),
    ("from .. import ui", "greencert_desktop.services.x", False),
    ("from .ui import main_window", "greencert_desktop.cli", False),
    ("from . import ui", "greencert_desktop", True),
])
def test_detector_catches_ui_imports(source: str, importer: str, is_package: bool) -> None:
    names = set(imported_names(source, importer, is_package))
    assert any(within(n, "greencert_desktop.ui") for n in names), names


@pytest.mark.parametrize(("source", "importer", "is_package"), [
    ("from greencert_desktop.services import register", "greencert_desktop.storage.x", False),
    ("from ..services.register import Register", "greencert_desktop.storage.x", False),
    ("from ...services import audit", "greencert_desktop.storage.migrations.env", False),
    ("from .. import services", "greencert_desktop.storage", True),
])
def test_detector_catches_services_imports(source: str, importer: str, is_package: bool) -> None:
    names = set(imported_names(source, importer, is_package))
    assert any(within(n, "greencert_desktop.services") for n in names), names


def test_detector_does_not_confuse_similar_prefixes() -> None:
    assert not within("greencert_desktop.uiutils", "greencert_desktop.ui")
    assert not within("greencert_desktop.services_old", "greencert_desktop.services")
    assert within("greencert_desktop.ui", "greencert_desktop.ui")
