"""Refresh the interface translation: sources → .ts (lupdate) → .qm (lrelease).

    python scripts/update_translations.py          # update the .ts and compile the .qm
    python scripts/update_translations.py --check  # also fail if any string is untranslated

After updating, open ``resources/translations/greencert_zh_CN.ts`` (in Qt Linguist,
``pyside6-linguist``, or any editor), translate every entry marked ``type="unfinished"``,
remove that marker and run the script again so the .qm is compiled from the finished .ts.
Commit both files.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "greencert_desktop"
TRANSLATIONS = ROOT / "resources" / "translations"
LANGUAGES = ("zh_CN",)
# Options shared with tests/ui/test_translations.py: no line numbers (fewer merge
# conflicts), and strings that left the source are dropped.
LUPDATE_OPTIONS = ("-locations", "none", "-no-obsolete", "-source-language", "en")


def ts_file(language: str) -> Path:
    return TRANSLATIONS / f"greencert_{language}.ts"


def qm_file(language: str) -> Path:
    return TRANSLATIONS / f"greencert_{language}.qm"


def source_files() -> list[Path]:
    """Every file whose strings are translated: the ``ui`` package and ``app.py``."""
    files = sorted((PACKAGE / "ui").rglob("*.py")) + [PACKAGE / "app.py"]
    return [f for f in files if "__pycache__" not in f.parts]


def find_tool(name: str) -> str | None:
    """``pyside6-lupdate`` / ``pyside6-lrelease`` beside this Python, else on PATH."""
    here = Path(sys.executable).parent
    for candidate in (here / name, here / f"{name}.exe"):
        if candidate.exists():
            return str(candidate)
    return shutil.which(name)


def lupdate(ts: Path, language: str, sources: list[Path] | None = None) -> None:
    tool = find_tool("pyside6-lupdate")
    if tool is None:
        raise SystemExit("pyside6-lupdate not found (install PySide6-Essentials)")
    files = [str(f) for f in (sources or source_files())]
    subprocess.run([tool, *LUPDATE_OPTIONS, "-target-language", language, *files,
                    "-ts", str(ts)], check=True, capture_output=True, text=True)


def lrelease(ts: Path, qm: Path) -> None:
    tool = find_tool("pyside6-lrelease")
    if tool is None:
        raise SystemExit("pyside6-lrelease not found (install PySide6-Essentials)")
    subprocess.run([tool, "-silent", str(ts), "-qm", str(qm)], check=True,
                   capture_output=True, text=True)


def untranslated(ts: Path) -> list[tuple[str, str]]:
    """(context, source) of every message that is unfinished or has no translation."""
    missing = []
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            translation = message.find("translation")
            if translation is None:
                missing.append((name, message.findtext("source", "")))
                continue
            kind = translation.get("type")
            if kind in ("vanished", "obsolete"):
                continue
            if kind == "unfinished" or not (translation.text or "").strip():
                missing.append((name, message.findtext("source", "")))
    return missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="exit with status 1 if any string is untranslated")
    args = parser.parse_args(argv)
    status = 0
    for language in LANGUAGES:
        ts, qm = ts_file(language), qm_file(language)
        lupdate(ts, language)
        lrelease(ts, qm)
        missing = untranslated(ts)
        print(f"{ts.relative_to(ROOT)}: {len(missing)} untranslated; "
              f"compiled {qm.relative_to(ROOT)}")
        for context, source in missing:
            print(f"  [{context}] {source!r}")
        if missing and args.check:
            status = 1
    return status


if __name__ == "__main__":
    raise SystemExit(main())
