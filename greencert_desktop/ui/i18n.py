"""Loading the interface translations.

Source strings are English (``self.tr("…")``); ``resources/translations/greencert_zh_CN.ts``
holds the Simplified Chinese text and ``greencert_zh_CN.qm`` is compiled from it by
``scripts/update_translations.py``.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTranslator

from greencert_desktop.reference import resources_dir

log = logging.getLogger(__name__)

TRANSLATION_NAME = "greencert"
DEFAULT_LANGUAGE = "zh_CN"
SOURCE_LANGUAGE = "en"


def translations_dir() -> Path:
    return resources_dir() / "translations"


def qm_path(language: str = DEFAULT_LANGUAGE) -> Path:
    return translations_dir() / f"{TRANSLATION_NAME}_{language}.qm"


def ts_path(language: str = DEFAULT_LANGUAGE) -> Path:
    return translations_dir() / f"{TRANSLATION_NAME}_{language}.ts"


def install_translators(app: QCoreApplication,
                        language: str = DEFAULT_LANGUAGE) -> list[QTranslator]:
    """Install Qt's own and GreenCert's translators for ``language``; return them.

    English needs none. A missing file is logged and the text stays English: the program
    still works. The translators are parented to ``app`` so they live as long as it.
    """
    if language == SOURCE_LANGUAGE:
        return []
    installed: list[QTranslator] = []
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    qt = QTranslator(app)
    if qt.load(f"qtbase_{language}", qt_dir):
        app.installTranslator(qt)
        installed.append(qt)
    else:
        qt.deleteLater()
    own = QTranslator(app)
    path = qm_path(language)
    if own.load(str(path)):
        app.installTranslator(own)
        installed.append(own)
    else:
        own.deleteLater()
        log.warning("translation file %s not found or unreadable; the interface stays English",
                    path)
    return installed


def remove_translators(app: QCoreApplication, translators: list[QTranslator]) -> None:
    for translator in translators:
        app.removeTranslator(translator)
        translator.deleteLater()
