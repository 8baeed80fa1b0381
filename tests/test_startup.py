"""A fast start: heavy libraries are not imported until used, and the start-up probe that
``benchmarks/startup.py`` times works. (Times are measured there, never asserted here.)"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from greencert_desktop.app import (
    STARTUP_PROBE_ENV,
    STARTUP_PROBE_FIGURES_MARKER,
    STARTUP_PROBE_MARKER,
)
from greencert_desktop.home import Home
from greencert_desktop.services.register import Register

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("matplotlib", "openpyxl", "python_calamine")
"""Loaded by the pages and commands that need them, never at start-up."""
AT_HEAD_ONLY = ("alembic", "mako")
"""Needed only to migrate; a register already at the newest schema opens without them."""
AFTER_FIRST_PAINT = ("sqlalchemy.orm", "greencert_desktop.storage.models",
                     "greencert_desktop.services.register")
"""Loaded right after the main window's first paint, when the register is opened."""


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "GREENCERT_HOME"}
    env.update(QT_QPA_PLATFORM="offscreen", PYTHONUTF8="1", **extra)
    return env


@pytest.fixture
def configured_home(tmp_path: Path) -> Home:
    """A register past its first run, already at the newest schema."""
    home = Home(tmp_path / "home")
    with Register.open(home) as reg:
        reg.set("unit_code", "320706")
    return home


MAIN_WINDOW_SCRIPT = r"""
import sys, time
from pathlib import Path
import greencert_desktop.app as app
from greencert_desktop.home import Home
from greencert_desktop.services.register import Register
from greencert_desktop.ui.jobs import running_jobs
from greencert_desktop.ui.main_window import MainWindow

qapp = app.create_application(["greencert"])
register = Register.open(Home(Path(sys.argv[1])))
window = MainWindow(register)
window.show()
home = window.page("home")
deadline = time.monotonic() + 60
while time.monotonic() < deadline:  # let the home page load its figures (after the paint)
    qapp.processEvents()
    if home.data is not None and not running_jobs():
        break
    time.sleep(0.01)
assert home.data is not None, "the home page did not load"
for _ in range(10):
    qapp.processEvents()
print(",".join(sorted(m for m in sys.modules if m.split(".")[0] in sys.argv[2].split(","))))
window.close()
register.close()
"""


def test_the_main_window_opens_without_heavy_libraries(configured_home: Home) -> None:
    watched = ",".join(HEAVY + AT_HEAD_ONLY)
    result = subprocess.run(
        [sys.executable, "-c", MAIN_WINDOW_SCRIPT, str(configured_home.root), watched],
        capture_output=True, text=True, encoding="utf-8", env=_env(), cwd=ROOT, timeout=180)
    assert result.returncode == 0, result.stderr
    loaded = [m for m in result.stdout.rstrip("\n").split("\n")[-1].split(",") if m]
    assert loaded == [], f"imported at start-up: {loaded}"


def test_the_startup_probe_reports_the_painted_window_and_quits(configured_home: Home) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "greencert_desktop", "--home", str(configured_home.root)],
        capture_output=True, text=True, encoding="utf-8", cwd=ROOT, timeout=180,
        env=_env(**{STARTUP_PROBE_ENV: "1"}))
    assert result.returncode == 0, result.stderr
    for marker in (STARTUP_PROBE_MARKER, STARTUP_PROBE_FIGURES_MARKER):
        lines = [line for line in result.stdout.splitlines() if line.startswith(marker)]
        assert len(lines) == 1, marker
        seconds, cpu = lines[0][len(marker):].split()[0::2]
        assert float(seconds) > 0 and float(cpu) > 0
    painted, figures = (line.split()[2] for line in result.stdout.splitlines()
                        if line.startswith("GREENCERT_STARTUP_PROBE "))
    assert float(painted) <= float(figures)


PAINT_PATH_SCRIPT = r"""
import sys
import greencert_desktop.app as app
from greencert_desktop.cli import main

loaded = {}
report = app._StartupProbe._print

def look(self, marker):
    loaded.setdefault(marker, sorted(m for m in sys.argv[1].split(",") if m in sys.modules))
    report(self, marker)

app._StartupProbe._print = look
code = main(["--home", sys.argv[2]])
print("LOADED", ",".join(loaded[app.STARTUP_PROBE_MARKER]), "|",
      ",".join(loaded[app.STARTUP_PROBE_FIGURES_MARKER]))
sys.exit(code)
"""


def test_the_window_is_painted_before_the_orm_and_the_models_load(
        configured_home: Home) -> None:
    result = subprocess.run(
        [sys.executable, "-c", PAINT_PATH_SCRIPT, ",".join(AFTER_FIRST_PAINT),
         str(configured_home.root)],
        capture_output=True, text=True, encoding="utf-8", cwd=ROOT, timeout=180,
        env=_env(**{STARTUP_PROBE_ENV: "1"}))
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stdout.splitlines() if x.startswith("LOADED"))
    at_paint, at_figures = (part.strip() for part in line[len("LOADED"):].split("|"))
    assert at_paint == ""
    assert at_figures.split(",") == sorted(AFTER_FIRST_PAINT)
