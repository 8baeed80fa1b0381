"""Backups and restores through SQLite's online backup API, never by copying an open file.

A backup is written to a temporary name and renamed only when complete, so an interrupted
backup (full disk, power cut) never leaves a file that looks whole.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from datetime import datetime
from pathlib import Path

from greencert_desktop.domain.errors import UserError

BACKUP_PREFIX = "greencert-"
_SAFE = re.compile(r"[^0-9A-Za-z_.-]+")


def _copy(src: sqlite3.Connection, dest_path: Path) -> None:
    tmp = dest_path.with_name(dest_path.name + ".part")
    tmp.unlink(missing_ok=True)
    try:
        dest = sqlite3.connect(tmp)
        try:
            src.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")
        finally:
            dest.close()
        os.replace(tmp, dest_path)
    except (OSError, sqlite3.Error) as exc:
        tmp.unlink(missing_ok=True)
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise UserError(f"备份写入 {dest_path} 失败：{reason}（原数据库未受影响）") from exc


def _open_existing(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise UserError(f"找不到数据库文件 {path}")
    return sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)


def backup_to(db_path: Path, dest_path: Path) -> Path:
    """Back up ``db_path`` to exactly ``dest_path`` (an existing file is replaced)."""
    try:
        dest_path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"备份写入 {dest_path} 失败：无法创建文件夹（{exc.strerror or exc}）") from exc
    src = _open_existing(db_path)
    try:
        _copy(src, dest_path)
    finally:
        src.close()
    return dest_path


def backup_database(db_path: Path, backups_dir: Path, *, reason: str = "manual",
                    keep: int | None = None) -> Path:
    """Back up into ``backups_dir`` under a timestamped name; prune to ``keep`` files."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    dest = backups_dir / f"{BACKUP_PREFIX}{stamp}-{_SAFE.sub('_', reason)}.db"
    backup_to(db_path, dest)
    if keep is not None:
        prune(backups_dir, keep)
    return dest


def list_backups(backups_dir: Path) -> list[Path]:
    if not backups_dir.is_dir():
        return []
    return sorted(backups_dir.glob(f"{BACKUP_PREFIX}*.db"))


def prune(backups_dir: Path, keep: int) -> None:
    files = list_backups(backups_dir)
    for old in files[: max(0, len(files) - keep)]:
        with contextlib.suppress(OSError):
            old.unlink()


def tables_and_revision(conn: sqlite3.Connection) -> tuple[set[str], str | None]:
    """The file's table names and its Alembic revision (None when it has none)."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    revision = None
    if "alembic_version" in tables:
        found = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        revision = str(found[0]) if found else None
    return tables, revision


def check_sqlite_file(path: Path) -> str:
    """Refuse a file that is not a readable, intact GreenCert database; return its revision.

    The file is opened read-only and never modified.
    """
    try:
        conn = _open_existing(path)
        try:
            row = conn.execute("PRAGMA integrity_check").fetchone()
            tables, revision = tables_and_revision(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise UserError(f"文件 {path} 不是有效的数据库文件：{exc}") from exc
    if not row or row[0] != "ok":
        raise UserError(f"文件 {path} 已损坏（完整性检查：{row[0] if row else '无结果'}）")
    if revision is None or "organisations" not in tables:
        raise UserError(f"文件 {path} 不是 GreenCert 数据库备份")
    return str(revision)


def restore_into(backup_path: Path, db_path: Path) -> None:
    """Write the backup's content into the database file through the backup API."""
    src = _open_existing(backup_path)
    try:
        dest = sqlite3.connect(db_path, timeout=10)
        try:
            src.backup(dest)
        finally:
            dest.close()
    except sqlite3.Error as exc:
        raise UserError(f"恢复到 {db_path} 失败：{exc}") from exc
    finally:
        src.close()
