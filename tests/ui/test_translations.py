"""The Simplified Chinese translation is complete, current, compiled and used."""

from __future__ import annotations

import importlib.util
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QTranslator
from PySide6.QtWidgets import QLabel

from greencert_desktop.services.register import Register
from greencert_desktop.ui.i18n import qm_path, ts_path
from greencert_desktop.ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]
TS = ts_path("zh_CN")
QM = qm_path("zh_CN")

CHINESE_NAVIGATION = ["首页", "获证组织", "证书与名单", "奖补与引领", "监督检查",
                      "统计图表", "报送", "导入", "设置"]


def _script():
    """scripts/update_translations.py, loaded as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location(
        "update_translations", ROOT / "scripts" / "update_translations.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _messages(ts: Path) -> list[tuple[str, str, ET.Element]]:
    root = ET.parse(ts).getroot()
    return [(ctx.findtext("name", ""), msg.findtext("source", ""), msg.find("translation"))
            for ctx in root.iter("context") for msg in ctx.iter("message")]


def test_translation_files_are_where_the_program_looks() -> None:
    assert TS == ROOT / "resources" / "translations" / "greencert_zh_CN.ts"
    assert TS.exists()
    assert QM.exists()


def test_ts_has_no_unfinished_or_empty_translation() -> None:
    messages = _messages(TS)
    assert len(messages) >= 20
    bad = [(ctx, src) for ctx, src, tr in messages
           if tr is None or tr.get("type") is not None or not (tr.text or "").strip()]
    assert bad == []
    assert "unfinished" not in TS.read_text(encoding="utf-8")


def test_ts_keeps_every_placeholder_and_accelerator() -> None:
    """``{name}`` fields are filled by str.format: a lost or renamed one raises KeyError."""
    for ctx, source, translation in _messages(TS):
        fields = sorted(re.findall(r"\{(\w*)\}", source))
        assert sorted(re.findall(r"\{(\w*)\}", translation.text)) == fields, (ctx, source)
        if re.search(r"&\w", source):
            assert re.search(r"\(&[A-Z]\)$", translation.text), (ctx, source)


def test_every_tr_string_in_the_sources_is_translated(tmp_path: Path) -> None:
    script = _script()
    if script.find_tool("pyside6-lupdate") is None:
        pytest.skip("pyside6-lupdate not found beside this Python or on PATH")
    copy = tmp_path / TS.name
    shutil.copyfile(TS, copy)
    script.lupdate(copy, "zh_CN")
    assert script.untranslated(copy) == [], (
        "untranslated strings: run `python scripts/update_translations.py`, translate "
        "the entries marked unfinished in resources/translations/greencert_zh_CN.ts, "
        "and run it again")


def test_lupdate_sees_the_sources_it_should() -> None:
    files = {p.relative_to(ROOT).as_posix() for p in _script().source_files()}
    assert "greencert_desktop/app.py" in files
    assert "greencert_desktop/ui/main_window.py" in files
    assert "greencert_desktop/ui/forms/organisation_form.py" in files  # recursive


def test_committed_qm_is_compiled_from_the_ts(tmp_path: Path) -> None:
    script = _script()
    if script.find_tool("pyside6-lrelease") is None:
        pytest.skip("pyside6-lrelease not found beside this Python or on PATH")
    fresh = tmp_path / QM.name
    script.lrelease(TS, fresh)
    assert fresh.read_bytes() == QM.read_bytes(), (
        "greencert_zh_CN.qm is stale: run `python scripts/update_translations.py`")


def test_qm_translates_every_ts_message(qapp) -> None:
    translator = QTranslator()
    assert translator.load(str(QM))
    for ctx, source, translation in _messages(TS):
        assert translator.translate(ctx, source) == translation.text, (ctx, source)


def test_main_window_in_chinese(qtbot, zh_cn, register: Register) -> None:
    assert zh_cn  # ours (and Qt's own qtbase_zh_CN where the wheel ships it)
    window = MainWindow(register)
    qtbot.addWidget(window)
    navigation = window.navigation
    assert [navigation.item(i).text() for i in range(navigation.count())] == CHINESE_NAVIGATION
    assert window.windowTitle() == "绿色认证信息管理与报送系统"
    assert window.actions.file_menu.title() == "文件(&F)"
    assert window.actions.quit.text() == "退出(&X)"
    assert window.page("settings").findChild(QLabel, "pageTitle").text() == "设置"
    assert window.findChild(QLabel, "statusUnit").text() == "本单位：未设置"
    assert window.findChild(QLabel, "statusCounts").text() == (
        "获证组织 0 · 证书 0 · 奖补 0 · 案件 0")
