"""Bring a database to the schema this version knows, safely.

An existing database that needs migrating is backed up first (SQLite online backup API).
A database written by a newer version, or a file that is not a GreenCert database, is
refused with a clear message and never touched.

Alembic is imported only when a database actually needs migrating (or a revision must be
looked up): a database already at :data:`HEAD_REVISION` opens without it, which keeps the
program's start-up fast.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DatabaseError

from greencert_desktop.domain.errors import UserError
from greencert_desktop.storage.backup import backup_database, tables_and_revision

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
HEAD_REVISION = "0001"
"""The newest revision under ``migrations/versions`` (a test keeps it equal to Alembic's
head). Raise it with every new migration."""


class NewerSchemaError(UserError):
    pass


class NotOurDatabaseError(UserError):
    pass


def _config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    """The revision this version migrates to (:data:`HEAD_REVISION`; no Alembic needed)."""
    return HEAD_REVISION


def alembic_head() -> str:
    """The head of the migration scripts as Alembic sees it (tests compare the two)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {rev.revision for rev in ScriptDirectory.from_config(_config()).walk_revisions()}


def schema_state(engine: Engine) -> tuple[str | None, bool]:
    """(current revision, whether the database has any tables). Raises on a foreign file."""
    from alembic.runtime.migration import MigrationContext

    where = engine.url.database or str(engine.url)
    try:
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            revision = MigrationContext.configure(conn).get_current_revision()
    except DatabaseError as exc:
        raise NotOurDatabaseError(f"文件 {where} 不是有效的 GreenCert 数据库（无法作为 SQLite 数据库打开）") from exc
    if revision is None and tables:
        raise NotOurDatabaseError(f"文件 {where} 不是 GreenCert 数据库（缺少版本信息），程序不会修改它")
    if revision is not None:
        refuse_unknown(revision, str(where))
    return revision, bool(tables)


def refuse_unknown(revision: str, where: str) -> None:
    """A revision this version does not know was written by a newer version."""
    if revision == head_revision():
        return  # the usual case, known without loading the scripts
    if revision not in _known_revisions():
        raise NewerSchemaError(
            f"数据库 {where} 由更新版本的 GreenCert 创建（数据结构版本 {revision}），"
            "本版本无法打开，也不会修改它。请安装最新版本后再打开。")


def _at_head(engine: Engine) -> bool:
    """Whether the database's recorded revision is the head (without importing Alembic)."""
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    except DatabaseError:
        return False  # no version table (new or foreign file): the full check decides
    return [r[0] for r in rows] == [head_revision()]


def upgrade(engine: Engine, backups_dir: Path | None = None) -> Path | None:
    """Migrate to head. Returns the backup taken before migrating an existing database."""
    if _at_head(engine):
        return None
    from alembic import command

    revision, has_tables = schema_state(engine)
    head = head_revision()
    if revision == head:
        return None
    backup: Path | None = None
    db_file = engine.url.database
    if has_tables and backups_dir is not None and engine.url.get_backend_name() == "sqlite" and db_file:
        backup = backup_database(Path(db_file), backups_dir, reason=f"before-migrate-{revision}")
    cfg = _config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return backup


def probe_sqlite_file(path: Path) -> None:
    """Refuse a foreign or newer SQLite file before any engine opens it (opening would
    switch it to WAL, i.e. modify it). Opens read-only; reads two small tables."""
    if not path.is_file() or path.stat().st_size == 0:
        return
    try:
        conn = sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)
        try:
            tables, revision = tables_and_revision(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise NotOurDatabaseError(
            f"文件 {path} 不是有效的 GreenCert 数据库（无法作为 SQLite 数据库打开：{exc}）") from exc
    if revision is None and tables:
        raise NotOurDatabaseError(f"文件 {path} 不是 GreenCert 数据库（缺少版本信息），程序不会修改它")
    if revision is not None:
        refuse_unknown(revision, str(path))
