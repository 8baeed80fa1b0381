"""Where a user's data lives: database, backups, logs, settings and reference overrides.

Resolution order: an explicit ``--home``, then ``GREENCERT_HOME``, then portable mode (a
``portable.txt`` beside the frozen executable keeps data beside it), then the per-user
data folder from platformdirs.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir

from greencert_desktop import APP_NAME

HOME_ENV = "GREENCERT_HOME"
PORTABLE_MARKER = "portable.txt"


@dataclass(frozen=True)
class Home:
    root: Path

    @property
    def db_path(self) -> Path:
        return self.root / "greencert.db"

    @property
    def backups_dir(self) -> Path:
        return self.root / "backups"

    @property
    def logs_dir(self) -> Path:
        return self.root / "logs"

    @property
    def settings_file(self) -> Path:
        return self.root / "settings.json"

    @property
    def reference_dir(self) -> Path:
        """The city may drop newer reference files here; newer versions win."""
        return self.root / "reference"

    def ensure(self) -> Home:
        for folder in (self.root, self.backups_dir, self.logs_dir):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def portable_root(executable: str | os.PathLike[str] | None = None,
                  frozen: bool | None = None) -> Path | None:
    """``<folder of the executable>/data`` when a ``portable.txt`` lies beside it, else None.

    Only a frozen build (``GreenCert.exe`` / ``greencert.exe`` in the bundle folder) can be
    portable; from source the executable is Python's. Both programs of the bundle live in
    the same folder (PyInstaller's own files are under ``_internal/``), so they share the
    data folder. The arguments default to this process's (the self-test passes others).
    """
    if not (getattr(sys, "frozen", False) if frozen is None else frozen):
        return None
    exe_dir = Path(sys.executable if executable is None else executable).resolve().parent
    if (exe_dir / PORTABLE_MARKER).is_file():
        return exe_dir / "data"
    return None


def resolve_home(explicit: str | os.PathLike[str] | None = None) -> Home:
    if explicit:
        return Home(Path(explicit).expanduser().resolve())
    env = os.environ.get(HOME_ENV)
    if env:
        return Home(Path(env).expanduser().resolve())
    portable = portable_root()
    if portable is not None:
        return Home(portable)
    return Home(Path(user_data_dir(APP_NAME, appauthor=False, roaming=False)))
