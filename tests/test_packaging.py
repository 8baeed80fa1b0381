"""Packaging: build.spec, the Inno Setup script and the Windows workflow say what the
packaging issue asks, and every file the spec ships exists where it says.

The spec is executed with stand-ins for PyInstaller's build classes, so these tests check
its decisions (programs, data, exclusions, version resource) in a second, without building.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from greencert_desktop import __version__
from greencert_desktop.reference import REFERENCE_FILES
from greencert_desktop.storage import migrate

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "build.spec"
ISS = ROOT / "installer" / "greencert.iss"
WORKFLOW = ROOT / ".github" / "workflows" / "windows-build.yml"


class _Recorder:
    """Stands in for Analysis / PYZ / EXE / COLLECT: keeps the arguments."""

    calls: list[tuple[str, tuple, dict]] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.args, self.kwargs = args, kwargs
        self.calls.append((type(self).__name__, args, kwargs))
        # what the spec reads back from an Analysis
        self.scripts, self.pure = [], []
        self.binaries = [
            ("PySide6/Qt/translations/qt_de.qm", "/x/qt_de.qm", "DATA"),
            ("PySide6/Qt/translations/qtbase_zh_CN.qm", "/x/qtbase_zh_CN.qm", "DATA"),
            ("PySide6/Qt/plugins/platforms/libqoffscreen.so", "/x/a.so", "BINARY"),
            ("PySide6/Qt/plugins/platforms/libqxcb.so", "/x/b.so", "BINARY"),
            ("PySide6/Qt/plugins/platforms/libqeglfs.so", "/x/c.so", "BINARY"),
            ("PySide6/plugins/platforms/qwindows.dll", "/x/qwindows.dll", "BINARY"),
            ("PySide6/plugins/styles/qmodernwindowsstyle.dll", "/x/s.dll", "BINARY"),
            ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", "/x/d.so", "BINARY"),
            ("PySide6/opengl32sw.dll", "/x/opengl32sw.dll", "BINARY"),
        ]
        self.datas = [
            ("matplotlib/mpl-data/sample_data/goog.npz", "/x/goog.npz", "DATA"),
            ("matplotlib/mpl-data/matplotlibrc", "/x/matplotlibrc", "DATA"),
            *[(dest + "/" + Path(src).name, src, "DATA") for src, dest in kwargs.get("datas", [])],
        ]


class Analysis(_Recorder):
    pass


class PYZ(_Recorder):
    @property
    def name(self) -> str:  # where PyInstaller writes the archive
        return f"/work/PYZ-{id(self)}.pyz"


class EXE(_Recorder):
    pass


class COLLECT(_Recorder):
    pass


@pytest.fixture(scope="module")
def spec(tmp_path_factory) -> SimpleNamespace:
    """The spec run once with the stand-ins; what it built and decided."""
    import PyInstaller.utils.hooks as hooks

    work = tmp_path_factory.mktemp("pyi-work")
    _Recorder.calls = []
    original = hooks.collect_submodules
    hooks.collect_submodules = lambda package, filter=None, **_: [
        n for n in (f"{package}.cli", f"{package}.ui.pages.home",
                    f"{package}.storage.migrations.env") if filter is None or filter(n)]
    try:
        namespace: dict[str, Any] = {
            "SPECPATH": str(ROOT), "workpath": str(work), "DISTPATH": str(work / "dist"),
            "__file__": str(SPEC),
            "Analysis": Analysis, "PYZ": PYZ, "EXE": EXE, "COLLECT": COLLECT,
        }
        exec(compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec"), namespace)
    finally:
        hooks.collect_submodules = original
    calls = list(_Recorder.calls)
    return SimpleNamespace(ns=namespace, calls=calls, work=work,
                           analyses=[c for c in calls if c[0] == "Analysis"],
                           exes=[c for c in calls if c[0] == "EXE"],
                           collects=[c for c in calls if c[0] == "COLLECT"])


def test_the_spec_is_python_and_builds_two_programs_from_one_analysis(spec) -> None:
    ast.parse(SPEC.read_text(encoding="utf-8"))
    assert len(spec.analyses) == 1
    names = {kw["name"]: kw["console"] for _n, _a, kw in spec.exes}
    assert names == {"GreenCert": False, "greencert-cli": True}
    # Windows ignores case in file names: the two programs must differ in more than case.
    assert len({n.lower() for n in names}) == 2
    assert len(spec.collects) == 1
    _n, args, kwargs = spec.collects[0]
    assert kwargs["name"] == "GreenCert"
    assert {a.kwargs.get("name") for a in args if isinstance(a, EXE)} == set(names)
    # One analysis: both programs run the same entry point with the same modules.
    analysis = spec.ns["a"]
    assert all(args[0] is spec.ns["empty_pyz"] and args[1] is analysis.scripts
               for _n, args, _kw in spec.exes)
    assert analysis.args[0] == [str(ROOT / "greencert_desktop" / "__main__.py")]


def test_upx_is_off_everywhere(spec) -> None:
    for _name, _args, kwargs in spec.exes + spec.collects:
        assert kwargs.get("upx") is False
    assert not re.search(r"upx\s*=\s*True", SPEC.read_text(encoding="utf-8"))


def _read_version_info(path: Path) -> dict[str, Any]:
    """Evaluate PyInstaller's VSVersionInfo text with stand-ins (its own reader needs pefile,
    which exists on Windows only)."""
    def record(kind: str):
        return lambda *args, **kwargs: {"kind": kind, "args": args, **kwargs}

    names = ("VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable",
             "StringStruct", "VarFileInfo", "VarStruct")
    return eval(path.read_text(encoding="utf-8"), {n: record(n) for n in names})


def test_icon_and_version_resource_from_the_package_version(spec) -> None:
    for _name, _args, kwargs in spec.exes:
        assert Path(kwargs["icon"]) == ROOT / "resources" / "icons" / "greencert.ico"
        assert Path(kwargs["icon"]).is_file()
        version_file = Path(kwargs["version"])
        assert version_file.parent == spec.work  # written at spec time into build/
    info = _read_version_info(version_file)
    numbers = tuple(int(n) for n in re.findall(r"\d+", __version__)[:4])
    numbers = numbers + (0,) * (4 - len(numbers))
    assert info["ffi"]["filevers"] == numbers
    assert info["ffi"]["prodvers"] == numbers
    strings = dict(s["args"] for s in info["kids"][0]["args"][0][0]["args"][1])
    assert strings["ProductVersion"] == strings["FileVersion"] == __version__
    assert strings["OriginalFilename"] == "GreenCert.exe"


def test_unused_qt_modules_and_test_tooling_are_excluded(spec) -> None:
    excludes = set(spec.ns["a"].kwargs["excludes"])
    for name in ("PySide6.QtWebEngineCore", "PySide6.Qt3DCore", "PySide6.QtQuick",
                 "PySide6.QtQml", "PySide6.QtMultimedia", "PySide6.QtPdf", "PySide6.QtNetwork",
                 "pytest", "_pytest", "pytestqt", "hypothesis", "tkinter"):
        assert name in excludes, name
    # ...but nothing the program imports (lxml: openpyxl's fast writer, a dependency).
    used = {"PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets", "PySide6.QtSvg", "lxml"}
    assert not used & excludes
    for path in (ROOT / "greencert_desktop").rglob("*.py"):
        for found in re.findall(r"PySide6\.(Qt\w+)", path.read_text(encoding="utf-8")):
            assert f"PySide6.{found}" not in excludes, (path, found)


def test_qt_extras_are_trimmed_but_platform_plugins_and_styles_kept(spec) -> None:
    kept = {dest for dest, _src, _kind in spec.ns["a"].binaries}
    assert "PySide6/Qt/translations/qtbase_zh_CN.qm" in kept
    assert "PySide6/Qt/translations/qt_de.qm" not in kept
    for needed in ("libqoffscreen.so", "libqxcb.so", "qwindows.dll", "qmodernwindowsstyle.dll"):
        assert any(d.endswith("/" + needed) for d in kept), needed
    for dropped in ("libqeglfs.so", "libqgtk3.so", "opengl32sw.dll"):
        assert not any(d.endswith(dropped) for d in kept), dropped
    datas = {dest for dest, _src, _kind in spec.ns["a"].datas}
    assert "matplotlib/mpl-data/matplotlibrc" in datas
    assert not any("sample_data" in d for d in datas)


def test_everything_read_at_run_time_is_shipped_and_exists(spec) -> None:
    datas = spec.ns["a"].kwargs["datas"]
    shipped = {(dest, Path(src).name) for src, dest in datas}
    for src, _dest in datas:
        assert Path(src).is_file(), src
    for name in REFERENCE_FILES:
        assert ("resources/reference", name) in shipped
        assert (ROOT / "resources" / "reference" / name).is_file()
    assert ("resources/translations", "greencert_zh_CN.qm") in shipped
    assert ("resources/icons", "greencert.png") in shipped
    assert ("resources/icons", "greencert.ico") in shipped
    migrations = "greencert_desktop/storage/migrations"
    assert (migrations, "env.py") in shipped
    versions = sorted(p.name for p in (ROOT / migrations / "versions").glob("*.py"))
    assert versions and all((f"{migrations}/versions", v) in shipped for v in versions)
    assert not any("__pycache__" in src for src, _dest in datas)
    # The frozen program finds them where it looks: resources_dir() is _MEIPASS/resources
    # and the migrations sit next to storage/migrate.py.
    assert ROOT / migrations == migrate.MIGRATIONS_DIR
    hidden = set(spec.ns["a"].kwargs["hiddenimports"])
    assert "greencert_desktop.ui.pages.home" in hidden  # pages are imported by name
    assert not any(".migrations" in h and h.startswith("greencert_desktop.storage.migrations.")
                   for h in hidden)  # migration scripts are data, read by Alembic
    assert {"alembic.op", "alembic.context", "greencert_desktop.storage.models",
            "matplotlib.backends.backend_pdf", "matplotlib.backends.backend_qtagg"} <= hidden


def test_head_revision_constant_matches_the_migration_scripts() -> None:
    assert migrate.head_revision() == migrate.alembic_head()


# --------------------------------------------------------------------------- installer


@pytest.fixture(scope="module")
def iss() -> str:
    raw = ISS.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Inno Setup reads UTF-8 only with a BOM"
    return raw.decode("utf-8-sig")


def _setup_value(iss: str, key: str) -> str:
    found = re.search(rf"^{key}=(.*)$", iss, re.MULTILINE)
    assert found, key
    return found.group(1).strip()


def test_installer_has_a_fixed_app_id(iss: str) -> None:
    assert re.fullmatch(r"\{\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}",
                        _setup_value(iss, "AppId"))


def test_installer_needs_no_admin_rights(iss: str) -> None:
    assert _setup_value(iss, "PrivilegesRequired") == "lowest"
    assert "dialog" in _setup_value(iss, "PrivilegesRequiredOverridesAllowed")
    assert _setup_value(iss, "DefaultDirName").startswith("{autopf}")


def test_installer_speaks_chinese_with_a_fallback(iss: str) -> None:
    assert "compiler:Languages\\ChineseSimplified.isl" in iss
    assert 'AddBackslash(SourcePath) + "ChineseSimplified.isl"' in iss
    assert re.search(r'^Name: "chinesesimplified"; MessagesFile: "\{#ChineseIsl\}"', iss,
                     re.MULTILINE)


def test_installer_ships_the_bundle_with_shortcuts_and_upgrades_in_place(iss: str) -> None:
    assert '#define BundleDir AddBackslash(SourcePath) + "..\\dist\\GreenCert"' in iss
    assert '#define AppExeName "GreenCert.exe"' in iss
    assert re.search(r'^Source: "\{#BundleDir\}\\\*";.*recursesubdirs', iss, re.MULTILINE)
    assert re.search(r'^Name: "\{group\}\\\{#AppName\}"; Filename: "\{app\}\\\{#AppExeName\}"',
                     iss, re.MULTILINE)
    assert re.search(r'^Name: "\{autodesktop\}\\', iss, re.MULTILINE)
    assert 'Type: filesandordirs; Name: "{app}\\_internal"' in iss


def test_uninstaller_keeps_the_data_folder_unless_asked(iss: str) -> None:
    from platformdirs import user_data_dir

    code = iss.split("[Code]", 1)[1]
    assert "procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);" in code
    # the folder is platformdirs' user_data_dir("GreenCert", appauthor=False) on Windows
    assert "ExpandConstant('{localappdata}\\{#AppShortName}')" in code
    assert '#define AppShortName "GreenCert"' in iss
    assert Path(user_data_dir("GreenCert", appauthor=False, roaming=False)).name == "GreenCert"
    # asked with "No" as the default answer (also what a silent uninstall gets)
    assert "MB_YESNO or MB_DEFBUTTON2, IDNO) = IDYES" in code
    assert "DelTree(DataFolder(), True, True, True)" in code


# --------------------------------------------------------------------------- workflow


def test_windows_workflow_builds_self_tests_and_packages() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    assert "runs-on: windows-latest" in text
    assert 'python-version: "3.11"' in text
    assert 'pip install -e ".[dev]"' in text
    assert "pyinstaller --noconfirm build.spec" in text
    assert "dist\\GreenCert\\greencert-cli.exe self-test" in text
    assert "GreenCert.exe -ArgumentList \"--self-test\"" in text
    assert "choco install innosetup" in text
    assert "installer\\greencert.iss" in text
    assert "actions/upload-artifact" in text


def test_both_programs_share_one_module_archive(spec) -> None:
    """The Python modules are stored once (_internal/modules.pyz), not in each .exe."""
    shared = spec.ns["shared_pyz"]
    assert (spec.ns["SHARED_PYZ"], shared.name, "DATA") in spec.ns["a"].datas
    for _name, args, _kwargs in spec.exes:
        assert args[0] is spec.ns["empty_pyz"] and args[0].args == ([],)
    _, _, analysis = spec.analyses[0]
    hook = Path(analysis["runtime_hooks"][0])
    text = hook.read_text(encoding="utf-8")
    assert "modules.pyz" in text and "pyimod02_importers" in text
    ast.parse(text)
