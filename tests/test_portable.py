"""Portable mode: a ``portable.txt`` beside the frozen executable keeps the data beside it."""

from __future__ import annotations

from pathlib import Path

from greencert_desktop import home as home_module
from greencert_desktop.home import PORTABLE_MARKER, portable_root, resolve_home


def _bundle(tmp_path: Path, marker: bool) -> Path:
    folder = tmp_path / "GreenCert"
    (folder / "_internal").mkdir(parents=True)
    exe = folder / "GreenCert.exe"
    exe.write_bytes(b"")
    if marker:
        (folder / PORTABLE_MARKER).write_text("", encoding="utf-8")
    return exe


def test_portable_txt_beside_the_frozen_program_keeps_data_beside_it(tmp_path: Path) -> None:
    exe = _bundle(tmp_path, marker=True)
    assert portable_root(exe, frozen=True) == exe.parent.resolve() / "data"
    # Both programs of the bundle are in the same folder: the same data.
    assert portable_root(exe.parent / "greencert-cli.exe", frozen=True) == \
        exe.parent.resolve() / "data"


def test_no_marker_or_not_frozen_is_not_portable(tmp_path: Path) -> None:
    assert portable_root(_bundle(tmp_path / "a", marker=False), frozen=True) is None
    assert portable_root(_bundle(tmp_path / "b", marker=True), frozen=False) is None
    # A folder named portable.txt is not the marker.
    exe = _bundle(tmp_path / "c", marker=False)
    (exe.parent / PORTABLE_MARKER).mkdir()
    assert portable_root(exe, frozen=True) is None


def test_resolve_home_uses_portable_mode_only_without_home_or_env(tmp_path: Path,
                                                                  monkeypatch) -> None:
    exe = _bundle(tmp_path, marker=True)
    monkeypatch.setattr(home_module.sys, "frozen", True, raising=False)
    monkeypatch.setattr(home_module.sys, "executable", str(exe))
    monkeypatch.delenv("GREENCERT_HOME", raising=False)
    assert resolve_home().root == exe.parent.resolve() / "data"
    monkeypatch.setenv("GREENCERT_HOME", str(tmp_path / "env-home"))
    assert resolve_home().root == (tmp_path / "env-home").resolve()
    assert resolve_home(tmp_path / "explicit").root == (tmp_path / "explicit").resolve()
